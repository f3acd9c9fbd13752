//! Watched words of the instance and of groups.

use super::schema::watched_word;
use super::{now, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct WatchedWord {
    pub id: i64,
    pub group_id: Option<i64>,
    pub word: String,
    pub action: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConn,
    group_id: Option<i64>,
    word: &str,
    action: &str,
) -> Result<WatchedWord> {
    Ok(diesel::insert_into(watched_word::table)
        .values((
            watched_word::group_id.eq(group_id),
            watched_word::word.eq(word),
            watched_word::action.eq(action),
            watched_word::created_at.eq(now()),
        ))
        .returning(watched_word::all_columns)
        .get_result(conn)?)
}

/// The instance's words (`group_id` null) and, when given, the group's.
pub fn applying_to(conn: &mut DbConn, group_id: Option<i64>) -> Result<Vec<WatchedWord>> {
    let q = watched_word::table.into_boxed();
    let q = match group_id {
        Some(g) => q.filter(
            watched_word::group_id
                .is_null()
                .or(watched_word::group_id.eq(g)),
        ),
        None => q.filter(watched_word::group_id.is_null()),
    };
    Ok(q.order(watched_word::id.asc()).load(conn)?)
}

/// Exactly the instance's words (`None`) or exactly one group's.
pub fn of(conn: &mut DbConn, group_id: Option<i64>) -> Result<Vec<WatchedWord>> {
    let q = watched_word::table.into_boxed();
    let q = match group_id {
        Some(g) => q.filter(watched_word::group_id.eq(g)),
        None => q.filter(watched_word::group_id.is_null()),
    };
    Ok(q.order(watched_word::id.asc()).load(conn)?)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<WatchedWord>> {
    Ok(watched_word::table.find(id).first(conn).optional()?)
}

pub fn delete(conn: &mut DbConn, id: i64) -> Result<()> {
    diesel::delete(watched_word::table.find(id)).execute(conn)?;
    Ok(())
}

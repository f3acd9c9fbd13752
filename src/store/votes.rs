//! Votes: one row per person per thread or comment.

use super::schema::vote;
use super::{now, DbConn};
use crate::error::Result;
use diesel::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteTarget {
    Post(i64),
    Comment(i64),
}

#[derive(Debug, Clone, Queryable)]
pub struct Vote {
    pub id: i64,
    pub person_id: i64,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub value: i32,
    pub ap_id: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

pub fn find(conn: &mut DbConn, person_id: i64, target: VoteTarget) -> Result<Option<Vote>> {
    let q = vote::table
        .filter(vote::person_id.eq(person_id))
        .into_boxed();
    let q = match target {
        VoteTarget::Post(id) => q.filter(vote::post_id.eq(id)),
        VoteTarget::Comment(id) => q.filter(vote::comment_id.eq(id)),
    };
    Ok(q.first(conn).optional()?)
}

/// Inserts a vote; false when the person's vote on the item is already
/// stored (a concurrent insert won).
pub fn insert(
    conn: &mut DbConn,
    person_id: i64,
    target: VoteTarget,
    value: i32,
    ap_id: Option<&str>,
) -> Result<bool> {
    let (post_id, comment_id) = match target {
        VoteTarget::Post(id) => (Some(id), None),
        VoteTarget::Comment(id) => (None, Some(id)),
    };
    let row = (
        vote::person_id.eq(person_id),
        vote::post_id.eq(post_id),
        vote::comment_id.eq(comment_id),
        vote::value.eq(value),
        vote::ap_id.eq(ap_id),
        vote::created_at.eq(now()),
    );
    let insert = diesel::insert_into(vote::table)
        .values(row)
        .on_conflict_do_nothing();
    let inserted = match conn {
        DbConn::Pg(c) => insert.execute(c)?,
        DbConn::Sqlite(c) => insert.execute(c)?,
    };
    Ok(inserted == 1)
}

pub fn set_value(conn: &mut DbConn, id: i64, value: i32) -> Result<()> {
    diesel::update(vote::table.find(id))
        .set((vote::value.eq(value), vote::created_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConn, id: i64) -> Result<()> {
    diesel::delete(vote::table.find(id)).execute(conn)?;
    Ok(())
}

/// The person's votes on these threads: (post id, value).
pub fn on_posts(conn: &mut DbConn, person_id: i64, post_ids: &[i64]) -> Result<Vec<(i64, i32)>> {
    let rows: Vec<(Option<i64>, i32)> = vote::table
        .filter(vote::person_id.eq(person_id))
        .filter(vote::post_id.eq_any(post_ids))
        .select((vote::post_id, vote::value))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, v)| id.map(|id| (id, v)))
        .collect())
}

/// The person's votes on these comments: (comment id, value).
pub fn on_comments(
    conn: &mut DbConn,
    person_id: i64,
    comment_ids: &[i64],
) -> Result<Vec<(i64, i32)>> {
    let rows: Vec<(Option<i64>, i32)> = vote::table
        .filter(vote::person_id.eq(person_id))
        .filter(vote::comment_id.eq_any(comment_ids))
        .select((vote::comment_id, vote::value))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, v)| id.map(|id| (id, v)))
        .collect())
}

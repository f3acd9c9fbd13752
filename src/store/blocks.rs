//! People blocking people (`person_block`).

use super::schema::{person, person_block};
use super::{now, DbConn};
use crate::error::Result;
use crate::store::people::Person;
use diesel::prelude::*;

/// Adds the block; `false` when it was already there.
pub fn insert(conn: &mut DbConn, blocker_id: i64, blocked_id: i64) -> Result<bool> {
    if exists(conn, blocker_id, blocked_id)? {
        return Ok(false);
    }
    diesel::insert_into(person_block::table)
        .values((
            person_block::blocker_id.eq(blocker_id),
            person_block::blocked_id.eq(blocked_id),
            person_block::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Removes the block; `false` when there was none.
pub fn delete(conn: &mut DbConn, blocker_id: i64, blocked_id: i64) -> Result<bool> {
    let n = diesel::delete(
        person_block::table
            .filter(person_block::blocker_id.eq(blocker_id))
            .filter(person_block::blocked_id.eq(blocked_id)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

pub fn exists(conn: &mut DbConn, blocker_id: i64, blocked_id: i64) -> Result<bool> {
    Ok(person_block::table
        .filter(person_block::blocker_id.eq(blocker_id))
        .filter(person_block::blocked_id.eq(blocked_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Everyone `blocker_id` blocked, by id.
pub fn blocked_ids(conn: &mut DbConn, blocker_id: i64) -> Result<Vec<i64>> {
    Ok(person_block::table
        .filter(person_block::blocker_id.eq(blocker_id))
        .select(person_block::blocked_id)
        .load(conn)?)
}

/// The people `blocker_id` blocked, most recent first.
pub fn list(conn: &mut DbConn, blocker_id: i64, limit: i64, offset: i64) -> Result<Vec<Person>> {
    Ok(person_block::table
        .inner_join(person::table.on(person::id.eq(person_block::blocked_id)))
        .filter(person_block::blocker_id.eq(blocker_id))
        .order((person_block::created_at.desc(), person::id.desc()))
        .select(person::all_columns)
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

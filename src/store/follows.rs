//! Person-to-person follows; mutual accepted follows are friends.

use super::schema::{follow, person};
use super::{now, DbConn};
use crate::error::Result;
use crate::store::people::Person;
use diesel::prelude::*;

crate::text_enum! {
    /// A follow waits for the followed person's server, then holds.
    pub enum FollowState { Pending => "pending", Accepted => "accepted" }
}

#[derive(Debug, Clone, Queryable)]
pub struct Follow {
    pub id: i64,
    pub follower_id: i64,
    pub followee_id: i64,
    pub state: FollowState,
    pub ap_id: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

impl Follow {
    /// Accepted (not waiting for a remote server's answer).
    pub fn is_accepted(&self) -> bool {
        self.state == FollowState::Accepted
    }
}

pub fn find(conn: &mut DbConn, follower_id: i64, followee_id: i64) -> Result<Option<Follow>> {
    Ok(follow::table
        .filter(follow::follower_id.eq(follower_id))
        .filter(follow::followee_id.eq(followee_id))
        .first(conn)
        .optional()?)
}

pub fn insert(
    conn: &mut DbConn,
    follower_id: i64,
    followee_id: i64,
    state: FollowState,
    ap_id: Option<&str>,
) -> Result<Follow> {
    Ok(diesel::insert_into(follow::table)
        .values((
            follow::follower_id.eq(follower_id),
            follow::followee_id.eq(followee_id),
            follow::state.eq(state),
            follow::ap_id.eq(ap_id),
            follow::created_at.eq(now()),
        ))
        .returning(follow::all_columns)
        .get_result(conn)?)
}

pub fn delete(conn: &mut DbConn, id: i64) -> Result<()> {
    diesel::delete(follow::table.find(id)).execute(conn)?;
    Ok(())
}

/// People following `person_id` (accepted), oldest follow first.
pub fn followers(
    conn: &mut DbConn,
    person_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Person>> {
    Ok(follow::table
        .inner_join(person::table.on(person::id.eq(follow::follower_id)))
        .filter(follow::followee_id.eq(person_id))
        .filter(follow::state.eq(FollowState::Accepted))
        .order(follow::id.asc())
        .select(person::all_columns)
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

/// People `person_id` follows (accepted).
pub fn following(
    conn: &mut DbConn,
    person_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Person>> {
    Ok(follow::table
        .inner_join(person::table.on(person::id.eq(follow::followee_id)))
        .filter(follow::follower_id.eq(person_id))
        .filter(follow::state.eq(FollowState::Accepted))
        .order(follow::id.asc())
        .select(person::all_columns)
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

pub fn following_ids(conn: &mut DbConn, person_id: i64) -> Result<Vec<i64>> {
    Ok(follow::table
        .filter(follow::follower_id.eq(person_id))
        .filter(follow::state.eq(FollowState::Accepted))
        .select(follow::followee_id)
        .load(conn)?)
}

pub fn follower_ids(conn: &mut DbConn, person_id: i64) -> Result<Vec<i64>> {
    Ok(follow::table
        .filter(follow::followee_id.eq(person_id))
        .filter(follow::state.eq(FollowState::Accepted))
        .select(follow::follower_id)
        .load(conn)?)
}

pub fn count_followers(conn: &mut DbConn, person_id: i64) -> Result<i64> {
    Ok(follow::table
        .filter(follow::followee_id.eq(person_id))
        .filter(follow::state.eq(FollowState::Accepted))
        .count()
        .get_result(conn)?)
}

pub fn count_following(conn: &mut DbConn, person_id: i64) -> Result<i64> {
    Ok(follow::table
        .filter(follow::follower_id.eq(person_id))
        .filter(follow::state.eq(FollowState::Accepted))
        .count()
        .get_result(conn)?)
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Follow>> {
    Ok(follow::table
        .filter(follow::ap_id.eq(ap_id))
        .first(conn)
        .optional()?)
}

pub fn set_state(conn: &mut DbConn, id: i64, state: FollowState) -> Result<()> {
    diesel::update(follow::table.find(id))
        .set(follow::state.eq(state))
        .execute(conn)?;
    Ok(())
}

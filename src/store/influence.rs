//! Influence: the interactions the graph is built from (read in bulk by
//! the job), and the computed rankings with their snapshots.

use super::schema::{comment, follow, grp, influence_score, post, vote};
use super::DbConn;
use crate::error::Result;
use crate::store::follows::FollowState;
use crate::store::groups::GroupKind;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A thread out for readers: (id, group, author, accepted answer, title).
pub type ThreadRow = (i64, i64, i64, Option<i64>, String);
/// A comment out for readers: (id, thread, parent, author).
pub type CommentRow = (i64, i64, Option<i64>, i64);
/// An upvote: (voter, thread, comment).
pub type UpvoteRow = (i64, Option<i64>, Option<i64>);

pub fn threads(conn: &mut DbConn) -> Result<Vec<ThreadRow>> {
    Ok(post::table
        .filter(post::held.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::deleted.eq(false))
        .select((
            post::id,
            post::group_id,
            post::author_id,
            post::accepted_comment_id,
            post::title,
        ))
        .load(conn)?)
}

pub fn comments(conn: &mut DbConn) -> Result<Vec<CommentRow>> {
    Ok(comment::table
        .filter(comment::held.eq(false))
        .filter(comment::removed.eq(false))
        .filter(comment::deleted.eq(false))
        .select((
            comment::id,
            comment::post_id,
            comment::parent_id,
            comment::author_id,
        ))
        .load(conn)?)
}

pub fn upvotes(conn: &mut DbConn) -> Result<Vec<UpvoteRow>> {
    Ok(vote::table
        .filter(vote::value.gt(0))
        .select((vote::person_id, vote::post_id, vote::comment_id))
        .load(conn)?)
}

/// Accepted follows: (follower, followee).
pub fn follows(conn: &mut DbConn) -> Result<Vec<(i64, i64)>> {
    Ok(follow::table
        .filter(follow::state.eq(FollowState::Accepted))
        .select((follow::follower_id, follow::followee_id))
        .load(conn)?)
}

pub fn club_ids(conn: &mut DbConn) -> Result<Vec<i64>> {
    Ok(grp::table
        .filter(grp::kind.eq(GroupKind::Club))
        .select(grp::id)
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable)]
pub struct Score {
    pub id: i64,
    pub computed_at: NaiveDateTime,
    pub group_id: Option<i64>,
    pub person_id: i64,
    pub score: f64,
    pub place: i32,
    pub reasons: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = influence_score)]
pub struct NewScore {
    pub computed_at: NaiveDateTime,
    pub group_id: Option<i64>,
    pub person_id: i64,
    pub score: f64,
    pub place: i32,
    pub reasons: String,
}

pub fn insert(conn: &mut DbConn, rows: &[NewScore]) -> Result<()> {
    // One by one: diesel's multi-backend connection has no batch insert.
    for row in rows {
        diesel::insert_into(influence_score::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Drops the computations older than `before`.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize> {
    Ok(
        diesel::delete(influence_score::table.filter(influence_score::computed_at.lt(before)))
            .execute(conn)?,
    )
}

/// The time of a ranking's latest computation at or before `at`.
pub fn computed_by(
    conn: &mut DbConn,
    group_id: Option<i64>,
    at: NaiveDateTime,
) -> Result<Option<NaiveDateTime>> {
    let q = influence_score::table
        .filter(influence_score::computed_at.le(at))
        .select(diesel::dsl::max(influence_score::computed_at))
        .into_boxed();
    let q = match group_id {
        Some(g) => q.filter(influence_score::group_id.eq(g)),
        None => q.filter(influence_score::group_id.is_null()),
    };
    Ok(q.first::<Option<NaiveDateTime>>(conn)?)
}

/// A ranking as computed at `at`, best first.
pub fn ranking(
    conn: &mut DbConn,
    group_id: Option<i64>,
    at: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Score>> {
    let q = influence_score::table
        .filter(influence_score::computed_at.eq(at))
        .into_boxed();
    let q = match group_id {
        Some(g) => q.filter(influence_score::group_id.eq(g)),
        None => q.filter(influence_score::group_id.is_null()),
    };
    Ok(q.order(influence_score::place.asc())
        .limit(limit)
        .load(conn)?)
}

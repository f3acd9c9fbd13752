//! Analytics: what the daily rollups are made from (read since a day),
//! the rollups themselves (`analytics_day`, `analytics_activity`), and
//! the reads the figures are answered from. Days are UTC day numbers.

use super::schema::{
    analytics_activity, analytics_day, comment, grp, membership, person, post, question_escalation,
    vote,
};
use super::DbConn;
use crate::error::Result;
use crate::store::escalation::EscalationState;
use crate::store::groups::{GroupKind, MemberState};
use crate::store::posts::PostKind;
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// Id lists in one `IN (...)`, below both backends' bound-parameter limits.
const CHUNK: usize = 5000;

/// Whose figures: one group's, or the instance's (every group but the
/// listed clubs).
#[derive(Debug, Clone)]
pub enum Scope {
    Group(i64),
    Instance { clubs: Vec<i64> },
}

/// Runs `$body` with `$f` bound to the scope's filter on `$col` (the two
/// filters are of different types, so the body is written once, typed twice).
macro_rules! in_scope {
    ($scope:expr, $col:expr, |$f:ident| $body:expr) => {
        match $scope {
            Scope::Group(g) => {
                let $f = $col.eq(*g);
                $body
            }
            Scope::Instance { clubs } => {
                let $f = $col.ne_all(clubs.clone());
                $body
            }
        }
    };
}

/// A thread out for readers: (id, group, author, kind, created).
pub type ThreadRow = (i64, i64, i64, PostKind, NaiveDateTime);

pub fn threads_since(conn: &mut DbConn, since: NaiveDateTime) -> Result<Vec<ThreadRow>> {
    Ok(post::table
        .filter(post::created_at.ge(since))
        .filter(post::held.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::deleted.eq(false))
        .select((
            post::id,
            post::group_id,
            post::author_id,
            post::kind,
            post::created_at,
        ))
        .load(conn)?)
}

/// Comments out for readers: (thread, author, created).
pub fn comments_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
) -> Result<Vec<(i64, i64, NaiveDateTime)>> {
    Ok(comment::table
        .filter(comment::created_at.ge(since))
        .filter(comment::held.eq(false))
        .filter(comment::removed.eq(false))
        .filter(comment::deleted.eq(false))
        .select((comment::post_id, comment::author_id, comment::created_at))
        .load(conn)?)
}

/// Votes up or down: (voter, thread, comment, created).
pub type VoteRow = (i64, Option<i64>, Option<i64>, NaiveDateTime);

pub fn votes_since(conn: &mut DbConn, since: NaiveDateTime) -> Result<Vec<VoteRow>> {
    Ok(vote::table
        .filter(vote::created_at.ge(since))
        .filter(vote::value.ne(0))
        .select((
            vote::person_id,
            vote::post_id,
            vote::comment_id,
            vote::created_at,
        ))
        .load(conn)?)
}

/// Accepted memberships begun since: (group, person, created).
pub fn joins_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
) -> Result<Vec<(i64, i64, NaiveDateTime)>> {
    Ok(membership::table
        .filter(membership::created_at.ge(since))
        .filter(membership::state.eq(MemberState::Accepted))
        .select((
            membership::group_id,
            membership::person_id,
            membership::created_at,
        ))
        .load(conn)?)
}

/// (thread, group) of these threads.
pub fn groups_of_threads(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        found.extend(
            post::table
                .filter(post::id.eq_any(chunk))
                .select((post::id, post::group_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    Ok(found)
}

/// (comment, thread) of these comments.
pub fn threads_of_comments(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        found.extend(
            comment::table
                .filter(comment::id.eq_any(chunk))
                .select((comment::id, comment::post_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    Ok(found)
}

/// (person, server) of these people.
pub fn servers_of(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        found.extend(
            person::table
                .filter(person::id.eq_any(chunk))
                .select((person::id, person::instance_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    Ok(found)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = analytics_day)]
pub struct DayRow {
    pub group_id: i64,
    pub day: i64,
    pub new_members: i64,
    pub threads: i64,
    pub comments: i64,
    pub votes: i64,
    pub questions: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = analytics_activity)]
pub struct ActivityRow {
    pub group_id: i64,
    pub day: i64,
    pub person_id: i64,
    pub instance_id: i64,
    pub threads: i64,
    pub comments: i64,
    pub votes: i64,
}

/// Replaces the rollups of `from_day` onward (call inside a transaction).
pub fn replace_from(
    conn: &mut DbConn,
    from_day: i64,
    days: &[DayRow],
    activity: &[ActivityRow],
) -> Result<()> {
    diesel::delete(analytics_day::table.filter(analytics_day::day.ge(from_day))).execute(conn)?;
    diesel::delete(analytics_activity::table.filter(analytics_activity::day.ge(from_day)))
        .execute(conn)?;
    // One by one: diesel's multi-backend connection has no batch insert.
    for row in days {
        diesel::insert_into(analytics_day::table)
            .values(row)
            .execute(conn)?;
    }
    for row in activity {
        diesel::insert_into(analytics_activity::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The groups' daily rows in [from, to].
pub fn days(conn: &mut DbConn, scope: &Scope, from: i64, to: i64) -> Result<Vec<DayRow>> {
    in_scope!(scope, analytics_day::group_id, |f| Ok(analytics_day::table
        .filter(f)
        .filter(analytics_day::day.between(from, to))
        .load(conn)?))
}

/// Distinct people active in [from, to].
pub fn active(conn: &mut DbConn, scope: &Scope, from: i64, to: i64) -> Result<i64> {
    in_scope!(scope, analytics_activity::group_id, |f| Ok(
        analytics_activity::table
            .filter(f)
            .filter(analytics_activity::day.between(from, to))
            .select(sql::<BigInt>("COUNT(DISTINCT person_id)"))
            .first(conn)?
    ))
}

/// Distinct people active on each day of [from, to] that had any: (day, people).
pub fn active_by_day(
    conn: &mut DbConn,
    scope: &Scope,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>> {
    in_scope!(scope, analytics_activity::group_id, |f| Ok(
        analytics_activity::table
            .filter(f)
            .filter(analytics_activity::day.between(from, to))
            .group_by(analytics_activity::day)
            .select((
                analytics_activity::day,
                sql::<BigInt>("COUNT(DISTINCT person_id)"),
            ))
            .load(conn)?
    ))
}

/// The people with most threads and comments in [from, to]: (person,
/// threads + comments), most first.
pub fn contributors(
    conn: &mut DbConn,
    scope: &Scope,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<(i64, i64)>> {
    let total = || sql::<BigInt>("CAST(SUM(threads + comments) AS BIGINT)");
    in_scope!(scope, analytics_activity::group_id, |f| Ok(
        analytics_activity::table
            .filter(f)
            .filter(analytics_activity::day.between(from, to))
            .filter((analytics_activity::threads + analytics_activity::comments).gt(0))
            .group_by(analytics_activity::person_id)
            .select((analytics_activity::person_id, total()))
            .order((
                sql::<BigInt>("SUM(threads + comments)").desc(),
                analytics_activity::person_id.asc(),
            ))
            .limit(limit)
            .load(conn)?
    ))
}

/// A server's share: (server, active people, threads, comments, votes).
pub type ServerRow = (i64, i64, i64, i64, i64);

/// Per server in [from, to].
pub fn servers(conn: &mut DbConn, scope: &Scope, from: i64, to: i64) -> Result<Vec<ServerRow>> {
    in_scope!(scope, analytics_activity::group_id, |f| Ok(
        analytics_activity::table
            .filter(f)
            .filter(analytics_activity::day.between(from, to))
            .group_by(analytics_activity::instance_id)
            .select((
                analytics_activity::instance_id,
                sql::<BigInt>("COUNT(DISTINCT person_id)"),
                sql::<BigInt>("CAST(SUM(threads) AS BIGINT)"),
                sql::<BigInt>("CAST(SUM(comments) AS BIGINT)"),
                sql::<BigInt>("CAST(SUM(votes) AS BIGINT)"),
            ))
            .load(conn)?
    ))
}

/// Threads begun in [since, until) out for readers, most comments and
/// votes first: (id, title, comments, votes).
pub fn top_threads(
    conn: &mut DbConn,
    scope: &Scope,
    since: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(i64, String, i64, i64)>> {
    in_scope!(scope, post::group_id, |f| Ok(post::table
        .filter(f)
        .filter(post::created_at.ge(since))
        .filter(post::created_at.lt(until))
        .filter(post::held.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::deleted.eq(false))
        .select((
            post::id,
            post::title,
            post::comment_count,
            post::upvotes + post::downvotes,
        ))
        .order((
            (post::comment_count + post::upvotes + post::downvotes).desc(),
            post::id.asc(),
        ))
        .limit(limit)
        .load(conn)?))
}

/// A question's times: (asked, first reply, accepted, state, escalated).
pub type QuestionRow = (
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    EscalationState,
    Option<NaiveDateTime>,
);

/// The questions asked in [since, until).
pub fn questions(
    conn: &mut DbConn,
    scope: &Scope,
    since: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<QuestionRow>> {
    in_scope!(scope, question_escalation::group_id, |f| Ok(
        question_escalation::table
            .filter(f)
            .filter(question_escalation::asked_at.ge(since))
            .filter(question_escalation::asked_at.lt(until))
            .select((
                question_escalation::asked_at,
                question_escalation::first_reply_at,
                question_escalation::accepted_at,
                question_escalation::state,
                question_escalation::escalated_at,
            ))
            .load(conn)?
    ))
}

/// Accepted memberships in the scope begun in [since, until): (person, begun).
pub fn joined(
    conn: &mut DbConn,
    scope: &Scope,
    since: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<(i64, NaiveDateTime)>> {
    in_scope!(scope, membership::group_id, |f| Ok(membership::table
        .filter(f)
        .filter(membership::state.eq(MemberState::Accepted))
        .filter(membership::created_at.ge(since))
        .filter(membership::created_at.lt(until))
        .select((membership::person_id, membership::created_at))
        .load(conn)?))
}

/// Of these people, those with an accepted membership in the scope begun
/// before `before`.
pub fn members_before(
    conn: &mut DbConn,
    scope: &Scope,
    people: &[i64],
    before: NaiveDateTime,
) -> Result<Vec<i64>> {
    let mut found = Vec::new();
    for chunk in people.chunks(CHUNK) {
        found.extend(in_scope!(scope, membership::group_id, |f| {
            membership::table
                .filter(f)
                .filter(membership::state.eq(MemberState::Accepted))
                .filter(membership::created_at.lt(before))
                .filter(membership::person_id.eq_any(chunk))
                .select(membership::person_id)
                .distinct()
                .load::<i64>(conn)?
        }));
    }
    Ok(found)
}

/// The days in [from, to] on which these people were active: (person, day).
pub fn active_days_of(
    conn: &mut DbConn,
    scope: &Scope,
    people: &[i64],
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>> {
    let mut found = Vec::new();
    for chunk in people.chunks(CHUNK) {
        found.extend(in_scope!(scope, analytics_activity::group_id, |f| {
            analytics_activity::table
                .filter(f)
                .filter(analytics_activity::day.between(from, to))
                .filter(analytics_activity::person_id.eq_any(chunk))
                .select((analytics_activity::person_id, analytics_activity::day))
                .distinct()
                .load::<(i64, i64)>(conn)?
        }));
    }
    Ok(found)
}

/// Every club's id.
pub fn club_ids(conn: &mut DbConn) -> Result<Vec<i64>> {
    Ok(grp::table
        .filter(grp::kind.eq(GroupKind::Club))
        .select(grp::id)
        .load(conn)?)
}

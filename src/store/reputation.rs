//! The reputation ledger (one row per gain or loss, reversed rows kept),
//! the cached summary per person, and badges.

use super::schema::{badge, reputation, reputation_event};
use super::DbConn;
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

#[derive(Debug, Clone, Queryable)]
pub struct Event {
    pub id: i64,
    pub person_id: i64,
    pub amount: i64,
    pub raw_amount: i64,
    pub reason: String,
    pub actor_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub group_id: Option<i64>,
    pub origin_instance_id: i64,
    pub reversed_at: Option<NaiveDateTime>,
    pub reversal: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reputation_event)]
pub struct NewEvent {
    pub person_id: i64,
    pub amount: i64,
    pub raw_amount: i64,
    pub reason: String,
    pub actor_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub group_id: Option<i64>,
    pub origin_instance_id: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = reputation)]
pub struct Summary {
    pub person_id: i64,
    pub points: i64,
    pub solutions: i64,
    pub upvotes: i64,
    pub rank: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct BadgeRow {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub awarded_at: NaiveDateTime,
}

/// What a ledger lookup is about: a thread, or a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    Post(i64),
    Comment(i64),
    Person,
}

pub fn insert(conn: &mut DbConn, e: &NewEvent) -> Result<Event> {
    Ok(diesel::insert_into(reputation_event::table)
        .values(e)
        .returning(reputation_event::all_columns)
        .get_result(conn)?)
}

/// Events still counting with these reasons, caused by `actor_id` (any
/// actor when None), about `about`, for `person_id` (anyone when None).
pub fn active(
    conn: &mut DbConn,
    reasons: &[&str],
    actor_id: Option<i64>,
    person_id: Option<i64>,
    about: About,
) -> Result<Vec<Event>> {
    let mut q = reputation_event::table
        .filter(reputation_event::reversed_at.is_null())
        .filter(reputation_event::reason.eq_any(reasons.to_vec()))
        .into_boxed();
    if let Some(a) = actor_id {
        q = q.filter(reputation_event::actor_id.eq(a));
    }
    if let Some(p) = person_id {
        q = q.filter(reputation_event::person_id.eq(p));
    }
    q = match about {
        About::Post(id) => q
            .filter(reputation_event::post_id.eq(id))
            .filter(reputation_event::comment_id.is_null()),
        About::Comment(id) => q.filter(reputation_event::comment_id.eq(id)),
        About::Person => q
            .filter(reputation_event::post_id.is_null())
            .filter(reputation_event::comment_id.is_null()),
    };
    Ok(q.load(conn)?)
}

pub fn reverse(conn: &mut DbConn, ids: &[i64], why: &str, at: NaiveDateTime) -> Result<usize> {
    Ok(diesel::update(
        reputation_event::table
            .filter(reputation_event::id.eq_any(ids.to_vec()))
            .filter(reputation_event::reversed_at.is_null()),
    )
    .set((
        reputation_event::reversed_at.eq(at),
        reputation_event::reversal.eq(why),
    ))
    .execute(conn)?)
}

/// Gains from upvotes counted for `person_id` since `since`, in all or
/// from one server's voters.
pub fn vote_gains_since(
    conn: &mut DbConn,
    person_id: i64,
    since: NaiveDateTime,
    origin: Option<i64>,
) -> Result<i64> {
    let mut q = reputation_event::table
        .filter(reputation_event::person_id.eq(person_id))
        .filter(reputation_event::reason.eq("upvote"))
        .filter(reputation_event::reversed_at.is_null())
        .filter(reputation_event::created_at.ge(since))
        .into_boxed();
    if let Some(o) = origin {
        q = q.filter(reputation_event::origin_instance_id.eq(o));
    }
    Ok(
        q.select(sql::<BigInt>("CAST(COALESCE(SUM(amount), 0) AS BIGINT)"))
            .first(conn)?,
    )
}

/// (points, accepted solutions, upvotes received) from the ledger.
pub fn totals(conn: &mut DbConn, person_id: i64) -> Result<(i64, i64, i64)> {
    Ok(reputation_event::table
        .filter(reputation_event::person_id.eq(person_id))
        .filter(reputation_event::reversed_at.is_null())
        .select((
            sql::<BigInt>("CAST(COALESCE(SUM(amount), 0) AS BIGINT)"),
            sql::<BigInt>(
                "CAST(COALESCE(SUM(CASE WHEN reason = 'solution' THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
            sql::<BigInt>(
                "CAST(COALESCE(SUM(CASE WHEN reason = 'upvote' THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
        ))
        .first(conn)?)
}

/// Holds, until the end of the transaction, the right to rewrite the
/// summary of `person_id`. SQLite's write transactions already run one
/// at a time; on PostgreSQL two transactions adding events for the same
/// person would otherwise both insert the first summary row (a conflict)
/// or each sum the ledger without the other's event.
pub fn lock_summary(conn: &mut DbConn, person_id: i64) -> Result<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7151, CAST($1 % 2147483647 AS INTEGER))")
            .bind::<diesel::sql_types::BigInt, _>(person_id)
            .execute(pg)?;
    }
    Ok(())
}

pub fn save_summary(conn: &mut DbConn, s: &Summary) -> Result<()> {
    let updated = diesel::update(reputation::table.find(s.person_id))
        .set((
            reputation::points.eq(s.points),
            reputation::solutions.eq(s.solutions),
            reputation::upvotes.eq(s.upvotes),
            reputation::rank.eq(&s.rank),
            reputation::updated_at.eq(s.updated_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(reputation::table)
            .values(s)
            .execute(conn)?;
    }
    Ok(())
}

pub fn summary(conn: &mut DbConn, person_id: i64) -> Result<Option<Summary>> {
    Ok(reputation::table.find(person_id).first(conn).optional()?)
}

pub fn summaries(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Summary>> {
    Ok(reputation::table
        .filter(reputation::person_id.eq_any(ids.to_vec()))
        .load(conn)?)
}

/// Everyone with a ledger or a summary (for a full recomputation).
pub fn people_with_reputation(conn: &mut DbConn) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = reputation_event::table
        .select(reputation_event::person_id)
        .distinct()
        .load(conn)?;
    ids.extend(
        reputation::table
            .select(reputation::person_id)
            .load::<i64>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A person's ledger, newest first, before the event id `before`.
pub fn history(
    conn: &mut DbConn,
    person_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>> {
    let mut q = reputation_event::table
        .filter(reputation_event::person_id.eq(person_id))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(reputation_event::id.lt(b));
    }
    Ok(q.order(reputation_event::id.desc())
        .limit(limit)
        .load(conn)?)
}

/// Vote events still counting since `since`: (event id, voter, author).
pub fn votes_since(conn: &mut DbConn, since: NaiveDateTime) -> Result<Vec<(i64, i64, i64)>> {
    let rows: Vec<(i64, Option<i64>, i64)> = reputation_event::table
        .filter(reputation_event::reason.eq_any(["upvote", "downvote"]))
        .filter(reputation_event::reversed_at.is_null())
        .filter(reputation_event::created_at.ge(since))
        .select((
            reputation_event::id,
            reputation_event::actor_id,
            reputation_event::person_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, voter, author)| voter.map(|v| (id, v, author)))
        .collect())
}

pub fn by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Event>> {
    Ok(reputation_event::table
        .filter(reputation_event::id.eq_any(ids.to_vec()))
        .load(conn)?)
}

/// People by points gained since `since`, in one group or everywhere;
/// only positive totals, best first.
pub fn leaderboard(
    conn: &mut DbConn,
    since: NaiveDateTime,
    group_id: Option<i64>,
    limit: i64,
) -> Result<Vec<(i64, i64)>> {
    let total = || sql::<BigInt>("CAST(SUM(amount) AS BIGINT)");
    let base = reputation_event::table
        .filter(reputation_event::reversed_at.is_null())
        .filter(reputation_event::created_at.ge(since));
    let rows = match group_id {
        Some(g) => base
            .filter(reputation_event::group_id.eq(g))
            .group_by(reputation_event::person_id)
            .select((reputation_event::person_id, total()))
            .load::<(i64, i64)>(conn)?,
        None => base
            .group_by(reputation_event::person_id)
            .select((reputation_event::person_id, total()))
            .load::<(i64, i64)>(conn)?,
    };
    let mut rows: Vec<(i64, i64)> = rows.into_iter().filter(|(_, p)| *p > 0).collect();
    rows.sort_by_key(|(id, points)| (std::cmp::Reverse(*points), *id));
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(rows)
}

pub fn badges(conn: &mut DbConn, person_id: i64) -> Result<Vec<BadgeRow>> {
    Ok(badge::table
        .filter(badge::person_id.eq(person_id))
        .order(badge::id)
        .load(conn)?)
}

/// Awards a badge unless the person has it; returns whether it is new.
pub fn award(conn: &mut DbConn, person_id: i64, name: &str, at: NaiveDateTime) -> Result<bool> {
    let has = badge::table
        .filter(badge::person_id.eq(person_id))
        .filter(badge::name.eq(name))
        .count()
        .get_result::<i64>(conn)?;
    if has > 0 {
        return Ok(false);
    }
    diesel::insert_into(badge::table)
        .values((
            badge::person_id.eq(person_id),
            badge::name.eq(name),
            badge::awarded_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Events still counting with these reasons about a thread or any of its
/// comments.
pub fn active_about_post(conn: &mut DbConn, reasons: &[&str], post_id: i64) -> Result<Vec<Event>> {
    Ok(reputation_event::table
        .filter(reputation_event::reversed_at.is_null())
        .filter(reputation_event::reason.eq_any(reasons.to_vec()))
        .filter(reputation_event::post_id.eq(post_id))
        .load(conn)?)
}

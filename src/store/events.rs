//! The event log's rows and each consumer's position in it.

use super::schema::{event, event_consumer};
use super::{now, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Default)]
pub struct Subjects {
    pub group_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub person_id: Option<i64>,
}

impl Subjects {
    pub fn set_target(&mut self, t: crate::events::Target) {
        match t {
            crate::events::Target::Post(id) => self.post_id = Some(id),
            crate::events::Target::Comment(id) => self.comment_id = Some(id),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = event)]
pub struct NewEvent {
    pub kind: String,
    pub actor_id: Option<i64>,
    pub group_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub person_id: Option<i64>,
    pub activity_ap_id: Option<String>,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct EventRow {
    pub id: i64,
    pub tx: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub group_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub person_id: Option<i64>,
    pub activity_ap_id: Option<String>,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, e: &NewEvent) -> Result<i64> {
    let id = diesel::insert_into(event::table)
        .values(e)
        .returning(event::id)
        .get_result(conn)?;
    super::note_event();
    Ok(id)
}

/// Where a consumer is in the log: the last event it applied, by
/// (transaction, id) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub tx: i64,
    pub id: i64,
}

#[derive(diesel::QueryableByName)]
struct Horizon {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    horizon: i64,
}

/// Adds consumer `name` if it is missing, at the end of the log: a
/// consumer added by an upgrade acts on what happens from then on, not on
/// the history. Called at start-up by every process, so that a process
/// that does not consume still fixes the position of those that will.
pub fn register(conn: &mut DbConn, name: &str) -> Result<()> {
    let exists = event_consumer::table
        .find(name)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(());
    }
    let last = event::table
        .select((event::tx, event::id))
        .order((event::tx.desc(), event::id.desc()))
        .first::<(i64, i64)>(conn)
        .optional()?
        .unwrap_or((0, 0));
    let row = (
        event_consumer::name.eq(name),
        event_consumer::position_tx.eq(last.0),
        event_consumer::position_id.eq(last.1),
        event_consumer::updated_at.eq(now()),
    );
    // Two processes starting at once: the second insert is a no-op.
    match conn {
        DbConn::Pg(c) => diesel::insert_into(event_consumer::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConn::Sqlite(c) => diesel::insert_into(event_consumer::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(())
}

/// Takes consumer `name`'s position for this transaction. `None`: another
/// process holds it right now (or it is not registered).
///
/// PostgreSQL: the row is locked `FOR UPDATE SKIP LOCKED`, so of several
/// processes one applies a batch and the others skip this round; SQLite's
/// write transaction already excludes every other writer.
pub fn take_position(conn: &mut DbConn, name: &str) -> Result<Option<Position>> {
    let row = match conn {
        DbConn::Pg(c) => event_consumer::table
            .find(name)
            .select((event_consumer::position_tx, event_consumer::position_id))
            .for_update()
            .skip_locked()
            .first::<(i64, i64)>(c)
            .optional()?,
        DbConn::Sqlite(c) => event_consumer::table
            .find(name)
            .select((event_consumer::position_tx, event_consumer::position_id))
            .first::<(i64, i64)>(c)
            .optional()?,
    };
    Ok(row.map(|(tx, id)| Position { tx, id }))
}

/// Up to `limit` events after `from` that no running transaction can still
/// add to or take back, in (transaction, id) order.
///
/// On PostgreSQL an event's id is taken before its transaction commits, so
/// a later id may become visible first. Events are therefore read only
/// from transactions older than the oldest still running (the snapshot's
/// `xmin`): those are all finished, so nothing can appear behind the
/// position later. On SQLite writers take turns: ids commit in order and
/// `tx` is always 0.
pub fn due(conn: &mut DbConn, from: Position, limit: i64) -> Result<Vec<EventRow>> {
    let after = event::tx
        .gt(from.tx)
        .or(event::tx.eq(from.tx).and(event::id.gt(from.id)));
    match conn {
        DbConn::Pg(c) => {
            let horizon = diesel::sql_query(
                "SELECT CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT) AS BIGINT) AS horizon",
            )
            .get_result::<Horizon>(c)?
            .horizon;
            Ok(event::table
                .filter(after)
                .filter(event::tx.lt(horizon))
                .order((event::tx.asc(), event::id.asc()))
                .limit(limit)
                .load(c)?)
        }
        DbConn::Sqlite(c) => Ok(event::table
            .filter(after)
            .order((event::tx.asc(), event::id.asc()))
            .limit(limit)
            .load(c)?),
    }
}

/// Moves consumer `name` to `to` and clears its failures.
pub fn advance(conn: &mut DbConn, name: &str, to: Position) -> Result<()> {
    diesel::update(event_consumer::table.find(name))
        .set((
            event_consumer::position_tx.eq(to.tx),
            event_consumer::position_id.eq(to.id),
            event_consumer::failures.eq(0),
            event_consumer::last_error.eq(None::<String>),
            event_consumer::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Counts a failed attempt of consumer `name`; returns the failures in a row.
pub fn failed(conn: &mut DbConn, name: &str, error: &str) -> Result<i32> {
    Ok(diesel::update(event_consumer::table.find(name))
        .set((
            event_consumer::failures.eq(event_consumer::failures + 1),
            event_consumer::last_error.eq(Some(error)),
            event_consumer::updated_at.eq(now()),
        ))
        .returning(event_consumer::failures)
        .get_result(conn)?)
}

/// A consumer's row, for `guildhall events` and the tests.
#[derive(Debug, Clone)]
pub struct ConsumerState {
    pub name: String,
    pub position: Position,
    pub failures: i32,
    pub last_error: Option<String>,
}

/// Every consumer's position and failures.
pub fn consumers(conn: &mut DbConn) -> Result<Vec<ConsumerState>> {
    Ok(event_consumer::table
        .select((
            event_consumer::name,
            event_consumer::position_tx,
            event_consumer::position_id,
            event_consumer::failures,
            event_consumer::last_error,
        ))
        .order(event_consumer::name.asc())
        .load::<(String, i64, i64, i32, Option<String>)>(conn)?
        .into_iter()
        .map(|(name, tx, id, failures, last_error)| ConsumerState {
            name,
            position: Position { tx, id },
            failures,
            last_error,
        })
        .collect())
}

/// Deletes events recorded before `before` that every consumer has
/// passed; returns how many.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize> {
    let slowest = event_consumer::table
        .select((event_consumer::position_tx, event_consumer::position_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .min();
    let Some((tx, id)) = slowest else {
        return Ok(0);
    };
    let passed = event::tx.lt(tx).or(event::tx.eq(tx).and(event::id.le(id)));
    Ok(diesel::delete(
        event::table
            .filter(event::created_at.lt(before))
            .filter(passed),
    )
    .execute(conn)?)
}

//! Activities seen or sent (by id, for dedupe and audit) and the outgoing
//! delivery queue: one row per activity per distinct inbox. Workers claim
//! due rows with a lease, so a crash loses nothing and, on PostgreSQL,
//! several processes never send the same row twice (`FOR UPDATE SKIP LOCKED`).

use super::schema::{activity, delivery};
use super::{now, write_tx, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// Where a delivery stands: waiting, claimed by a sender (until its
    /// lease runs out), or given up.
    pub enum DeliveryState { Pending => "pending", Sending => "sending", Failed => "failed" }
}

#[derive(Debug, Clone, Queryable)]
pub struct Delivery {
    pub id: i64,
    pub activity_id: i64,
    pub inbox_url: String,
    pub signer_ap_id: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A claimed delivery with the activity to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub activity_ap_id: String,
    pub activity_json: String,
}

/// Records an activity id; `None` when it was recorded before (a repeat).
pub fn record_activity(
    conn: &mut DbConn,
    ap_id: &str,
    kind: &str,
    local: bool,
    actor: Option<&str>,
    data: &str,
) -> Result<Option<i64>> {
    let seen = activity::table
        .filter(activity::ap_id.eq(ap_id))
        .select(activity::id)
        .first::<i64>(conn)
        .optional()?;
    if seen.is_some() {
        return Ok(None);
    }
    let id = diesel::insert_into(activity::table)
        .values((
            activity::ap_id.eq(ap_id),
            activity::kind.eq(kind),
            activity::local.eq(local),
            activity::data.eq(data),
            activity::created_at.eq(now()),
            activity::actor_ap_id.eq(actor),
        ))
        .returning(activity::id)
        .get_result::<i64>(conn)?;
    Ok(Some(id))
}

/// Records a received activity as it came, before acting on it (a local
/// group relays it from here); false when it was recorded before, by an
/// earlier or a concurrent delivery of the same activity.
pub fn record_received(conn: &mut DbConn, ap_id: &str, kind: &str, data: &str) -> Result<bool> {
    let row = (
        activity::ap_id.eq(ap_id),
        activity::kind.eq(kind),
        activity::local.eq(false),
        activity::data.eq(data),
        activity::created_at.eq(now()),
    );
    let inserted = match conn {
        DbConn::Pg(c) => diesel::insert_into(activity::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConn::Sqlite(c) => diesel::insert_into(activity::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(inserted > 0)
}

/// Forgets a received activity that could not be acted on, so that the
/// sender's next try is acted on.
pub fn forget_received(conn: &mut DbConn, ap_id: &str) -> Result<()> {
    diesel::delete(
        activity::table
            .filter(activity::ap_id.eq(ap_id))
            .filter(activity::local.eq(false)),
    )
    .execute(conn)?;
    Ok(())
}

/// A stored activity's JSON, when there is one.
pub fn activity_data(conn: &mut DbConn, ap_id: &str) -> Result<Option<String>> {
    Ok(activity::table
        .filter(activity::ap_id.eq(ap_id))
        .select(activity::data)
        .first::<String>(conn)
        .optional()?)
}

pub fn activity_seen(conn: &mut DbConn, ap_id: &str) -> Result<bool> {
    Ok(activity::table
        .filter(activity::ap_id.eq(ap_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Queues `activity_id` for each inbox (callers pass distinct inboxes).
pub fn enqueue(
    conn: &mut DbConn,
    activity_id: i64,
    signer: &str,
    inboxes: &[String],
) -> Result<usize> {
    let at = now();
    for chunk in inboxes.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|inbox| {
                (
                    delivery::activity_id.eq(activity_id),
                    delivery::inbox_url.eq(inbox.as_str()),
                    delivery::signer_ap_id.eq(signer),
                    delivery::state.eq(DeliveryState::Pending),
                    delivery::next_attempt_at.eq(at),
                    delivery::created_at.eq(at),
                )
            })
            .collect();
        // Multi-row INSERTs are not offered through the shared connection
        // type: one statement per chunk on each backend's own.
        match conn {
            DbConn::Pg(c) => diesel::insert_into(delivery::table)
                .values(&rows)
                .execute(c)?,
            DbConn::Sqlite(c) => diesel::insert_into(delivery::table)
                .values(&rows)
                .execute(c)?,
        };
    }
    Ok(inboxes.len())
}

/// Claims up to `limit` due deliveries until `lease_until`: pending ones,
/// and ones whose sender's lease ran out (it crashed or stopped).
pub fn claim_due(
    conn: &mut DbConn,
    at: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Claimed>> {
    write_tx(conn, |conn| {
        let due = delivery::table
            .filter(delivery::state.eq_any([DeliveryState::Pending, DeliveryState::Sending]))
            .filter(delivery::next_attempt_at.le(at))
            .order(delivery::next_attempt_at.asc())
            .limit(limit)
            .select(delivery::id);
        let ids: Vec<i64> = match conn {
            DbConn::Pg(pg) => due.for_update().skip_locked().load(pg)?,
            // SQLite: BEGIN IMMEDIATE already made this the only writer.
            DbConn::Sqlite(lite) => due.load(lite)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(delivery::table.filter(delivery::id.eq_any(&ids)))
            .set((
                delivery::state.eq(DeliveryState::Sending),
                delivery::attempts.eq(delivery::attempts + 1),
                delivery::next_attempt_at.eq(lease_until),
            ))
            .execute(conn)?;
        let rows: Vec<(Delivery, String, String)> = delivery::table
            .inner_join(activity::table)
            .filter(delivery::id.eq_any(&ids))
            .select((delivery::all_columns, activity::ap_id, activity::data))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(delivery, activity_ap_id, activity_json)| Claimed {
                delivery,
                activity_ap_id,
                activity_json,
            })
            .collect())
    })
}

/// How a claimed delivery ends its attempt.
#[derive(Debug, Clone)]
pub enum Ending {
    /// Delivered, or refused for good by the receiver: the row is done.
    Done,
    /// Tried again at this time; the error is kept.
    RetryAt(NaiveDateTime, String),
    /// Kept for the record, never tried again.
    GiveUp(String),
}

/// Records how claimed deliveries ended (run it in a write transaction).
pub fn end_all(conn: &mut DbConn, endings: &[(i64, Ending)]) -> Result<()> {
    let done: Vec<i64> = endings
        .iter()
        .filter(|(_, e)| matches!(e, Ending::Done))
        .map(|(id, _)| *id)
        .collect();
    for ids in done.chunks(500) {
        diesel::delete(delivery::table.filter(delivery::id.eq_any(ids))).execute(conn)?;
    }
    for (id, ending) in endings {
        match ending {
            Ending::Done => {}
            Ending::RetryAt(at, error) => {
                diesel::update(delivery::table.find(id))
                    .set((
                        delivery::state.eq(DeliveryState::Pending),
                        delivery::next_attempt_at.eq(at),
                        delivery::last_error.eq(error),
                    ))
                    .execute(conn)?;
            }
            Ending::GiveUp(error) => {
                diesel::update(delivery::table.find(id))
                    .set((
                        delivery::state.eq(DeliveryState::Failed),
                        delivery::last_error.eq(error),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

pub fn count_in_state(conn: &mut DbConn, state: DeliveryState) -> Result<i64> {
    Ok(delivery::table
        .filter(delivery::state.eq(state))
        .count()
        .get_result(conn)?)
}

/// The newest activities of `kind` sent by the local actor `actor`
/// (their JSON), newest first: a group's outbox.
pub fn sent_by(conn: &mut DbConn, actor: &str, kind: &str, limit: i64) -> Result<Vec<String>> {
    Ok(activity::table
        .filter(activity::actor_ap_id.eq(actor))
        .filter(activity::kind.eq(kind))
        .filter(activity::local.eq(true))
        .order(activity::id.desc())
        .limit(limit)
        .select(activity::data)
        .load(conn)?)
}

/// How many activities of `kind` the local actor `actor` sent.
pub fn count_sent_by(conn: &mut DbConn, actor: &str, kind: &str) -> Result<i64> {
    Ok(activity::table
        .filter(activity::actor_ap_id.eq(actor))
        .filter(activity::kind.eq(kind))
        .filter(activity::local.eq(true))
        .count()
        .get_result(conn)?)
}

//! Webhook endpoints and their delivery queue (which is also the log an
//! admin reads: every attempt's status and answer).

use super::people::{LocalUser, Person};
use super::schema::{local_user, person, webhook, webhook_delivery};
use super::{now, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// Where a delivery stands: waiting (first try or a retry), claimed by
    /// a sender until its lease runs out, delivered, or given up.
    pub enum WebhookState { Pending => "pending", Sending => "sending", Delivered => "delivered", Failed => "failed" }
}

#[derive(Debug, Clone, Queryable)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
    /// JSON array of kinds.
    pub kinds: String,
    pub description: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub failures: i32,
    /// When it was last switched on: it hears of events from then on.
    pub enabled_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct WebhookDelivery {
    pub id: i64,
    pub webhook_id: i64,
    pub message_id: String,
    pub kind: String,
    pub payload: String,
    pub state: WebhookState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

pub struct WebhookFields<'a> {
    pub url: &'a str,
    pub kinds: &'a str,
    pub description: &'a str,
    pub enabled: bool,
}

pub fn insert(conn: &mut DbConn, f: &WebhookFields, secret: &str) -> Result<Webhook> {
    let at = now();
    Ok(diesel::insert_into(webhook::table)
        .values((
            webhook::url.eq(f.url),
            webhook::secret.eq(secret),
            webhook::kinds.eq(f.kinds),
            webhook::description.eq(f.description),
            webhook::enabled.eq(f.enabled),
            webhook::enabled_at.eq(at),
            webhook::created_at.eq(at),
            webhook::updated_at.eq(at),
        ))
        .get_result(conn)?)
}

/// Saves an admin's edit; switching a webhook on clears its failures.
pub fn update(conn: &mut DbConn, id: i64, f: &WebhookFields) -> Result<Webhook> {
    let current = get(conn, id)?;
    let reenabled = f.enabled && !current.enabled;
    Ok(diesel::update(webhook::table.find(id))
        .set((
            webhook::url.eq(f.url),
            webhook::kinds.eq(f.kinds),
            webhook::description.eq(f.description),
            webhook::enabled.eq(f.enabled),
            webhook::failures.eq(if reenabled { 0 } else { current.failures }),
            webhook::enabled_at.eq(if reenabled { now() } else { current.enabled_at }),
            webhook::disabled_reason.eq(if f.enabled {
                None
            } else {
                current
                    .disabled_reason
                    .or(Some("switched off by an admin".to_string()))
            }),
            webhook::updated_at.eq(now()),
        ))
        .get_result(conn)?)
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<Webhook> {
    Ok(webhook::table.find(id).first(conn)?)
}

pub fn list(conn: &mut DbConn) -> Result<Vec<Webhook>> {
    Ok(webhook::table.order(webhook::id.asc()).load(conn)?)
}

pub fn delete(conn: &mut DbConn, id: i64) -> Result<bool> {
    Ok(diesel::delete(webhook::table.find(id)).execute(conn)? > 0)
}

pub fn enabled(conn: &mut DbConn) -> Result<Vec<Webhook>> {
    Ok(webhook::table
        .filter(webhook::enabled.eq(true))
        .load(conn)?)
}

pub fn enqueue(
    conn: &mut DbConn,
    webhook_id: i64,
    message_id: &str,
    kind: &str,
    payload: &str,
) -> Result<i64> {
    let at = now();
    Ok(diesel::insert_into(webhook_delivery::table)
        .values((
            webhook_delivery::webhook_id.eq(webhook_id),
            webhook_delivery::message_id.eq(message_id),
            webhook_delivery::kind.eq(kind),
            webhook_delivery::payload.eq(payload),
            webhook_delivery::state.eq(WebhookState::Pending),
            webhook_delivery::next_attempt_at.eq(at),
            webhook_delivery::created_at.eq(at),
        ))
        .returning(webhook_delivery::id)
        .get_result(conn)?)
}

/// Claims up to `limit` due deliveries (waiting, or sending with a lease
/// that ran out: the process sending them died) until `lease_until`. Each
/// is claimed by a conditional update, so of several processes one wins it.
pub fn claim_due(
    conn: &mut DbConn,
    limit: i64,
    lease_until: NaiveDateTime,
) -> Result<Vec<(WebhookDelivery, Webhook)>> {
    let at = now();
    let due: Vec<(WebhookDelivery, Webhook)> = webhook_delivery::table
        .inner_join(webhook::table)
        .filter(webhook_delivery::state.eq_any([WebhookState::Pending, WebhookState::Sending]))
        .filter(webhook_delivery::next_attempt_at.le(at))
        .order(webhook_delivery::next_attempt_at.asc())
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::with_capacity(due.len());
    for (d, w) in due {
        let won = diesel::update(
            webhook_delivery::table
                .find(d.id)
                .filter(webhook_delivery::state.eq(d.state))
                .filter(webhook_delivery::next_attempt_at.eq(d.next_attempt_at)),
        )
        .set((
            webhook_delivery::state.eq(WebhookState::Sending),
            webhook_delivery::next_attempt_at.eq(lease_until),
        ))
        .execute(conn)?;
        if won == 1 {
            claimed.push((d, w));
        }
    }
    Ok(claimed)
}

/// How an attempt ended.
pub enum Attempted {
    /// A 2xx answer.
    Delivered { status: i32 },
    /// Anything else; retried at `retry_at`, or given up when none.
    Failed {
        status: Option<i32>,
        error: String,
        retry_at: Option<NaiveDateTime>,
    },
}

/// A webhook after an attempt, and whether this attempt switched it off.
pub struct Finished {
    pub webhook: Webhook,
    pub switched_off: bool,
}

/// Writes an attempt's end and the webhook's run of failures; switches
/// the webhook off when its failures reach `disable_after` (0: never).
pub fn finish(
    conn: &mut DbConn,
    d: &WebhookDelivery,
    attempted: Attempted,
    disable_after: u32,
) -> Result<Finished> {
    let at = now();
    match attempted {
        Attempted::Delivered { status } => {
            diesel::update(webhook_delivery::table.find(d.id))
                .set((
                    webhook_delivery::state.eq(WebhookState::Delivered),
                    webhook_delivery::attempts.eq(d.attempts + 1),
                    webhook_delivery::last_status.eq(Some(status)),
                    webhook_delivery::last_error.eq(None::<String>),
                    webhook_delivery::delivered_at.eq(Some(at)),
                ))
                .execute(conn)?;
            let webhook = diesel::update(webhook::table.find(d.webhook_id))
                .set(webhook::failures.eq(0))
                .get_result(conn)?;
            Ok(Finished {
                webhook,
                switched_off: false,
            })
        }
        Attempted::Failed {
            status,
            error,
            retry_at,
        } => {
            let (state, next) = match retry_at {
                Some(t) => (WebhookState::Pending, t),
                None => (WebhookState::Failed, at),
            };
            diesel::update(webhook_delivery::table.find(d.id))
                .set((
                    webhook_delivery::state.eq(state),
                    webhook_delivery::attempts.eq(d.attempts + 1),
                    webhook_delivery::next_attempt_at.eq(next),
                    webhook_delivery::last_status.eq(status),
                    webhook_delivery::last_error.eq(Some(error)),
                ))
                .execute(conn)?;
            let w: Webhook = diesel::update(webhook::table.find(d.webhook_id))
                .set(webhook::failures.eq(webhook::failures + 1))
                .get_result(conn)?;
            if disable_after > 0 && w.enabled && w.failures >= disable_after as i32 {
                let webhook = diesel::update(webhook::table.find(w.id))
                    .set((
                        webhook::enabled.eq(false),
                        webhook::disabled_reason.eq(Some(format!(
                            "switched off after {} failed deliveries in a row",
                            w.failures
                        ))),
                        webhook::updated_at.eq(at),
                    ))
                    .get_result(conn)?;
                stop_waiting(conn, w.id)?;
                return Ok(Finished {
                    webhook,
                    switched_off: true,
                });
            }
            Ok(Finished {
                webhook: w,
                switched_off: false,
            })
        }
    }
}

/// A switched-off webhook's waiting deliveries stop (kept as failed, and
/// can be sent again by hand).
pub fn stop_waiting(conn: &mut DbConn, webhook_id: i64) -> Result<usize> {
    Ok(diesel::update(
        webhook_delivery::table
            .filter(webhook_delivery::webhook_id.eq(webhook_id))
            .filter(webhook_delivery::state.eq(WebhookState::Pending)),
    )
    .set((
        webhook_delivery::state.eq(WebhookState::Failed),
        webhook_delivery::last_error.eq(Some("the webhook is switched off")),
    ))
    .execute(conn)?)
}

/// The newest deliveries of a webhook first.
pub fn deliveries_of(
    conn: &mut DbConn,
    webhook_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<WebhookDelivery>> {
    Ok(webhook_delivery::table
        .filter(webhook_delivery::webhook_id.eq(webhook_id))
        .order(webhook_delivery::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?)
}

pub fn delivery(conn: &mut DbConn, id: i64) -> Result<WebhookDelivery> {
    Ok(webhook_delivery::table.find(id).first(conn)?)
}

/// Queues a message again (same message id, so a receiver that already
/// has it can tell), as a new attempt in the log.
pub fn redeliver(conn: &mut DbConn, d: &WebhookDelivery) -> Result<i64> {
    enqueue(conn, d.webhook_id, &d.message_id, &d.kind, &d.payload)
}

pub fn set_external_id(
    conn: &mut DbConn,
    local_user_id: i64,
    external_id: Option<&str>,
) -> Result<()> {
    diesel::update(local_user::table.find(local_user_id))
        .set(local_user::external_id.eq(external_id))
        .execute(conn)?;
    Ok(())
}

/// The local accounts with an external id, oldest first.
pub fn by_external_id(conn: &mut DbConn, external_id: &str) -> Result<Vec<(LocalUser, Person)>> {
    Ok(local_user::table
        .inner_join(person::table)
        .filter(local_user::external_id.eq(external_id))
        .order(local_user::id.asc())
        .select((local_user::all_columns, person::all_columns))
        .load(conn)?)
}

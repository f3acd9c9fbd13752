//! What the metrics read at each scrape: the queues' depths and their
//! oldest items, dead servers, and how far each event consumer is behind.

use super::deliveries::DeliveryState;
use super::mail::MailState;
use super::schema::{delivery, event, event_consumer, instance, mail, webhook_delivery};
use super::webhooks::WebhookState;
use super::{now, DbConn};
use crate::error::Result;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

/// A queue: items waiting (or in flight), and the age of the oldest.
pub struct Queue {
    pub depth: i64,
    pub oldest_secs: f64,
}

pub struct Health {
    pub deliveries: Queue,
    pub mail: Queue,
    pub webhooks: Queue,
    pub dead_servers: i64,
    /// Each consumer's name and the events it has yet to apply.
    pub backlog: Vec<(String, i64)>,
}

fn age(oldest: Option<chrono::NaiveDateTime>) -> f64 {
    oldest.map_or(0.0, |at| {
        ((now() - at).num_milliseconds().max(0) as f64) / 1000.0
    })
}

pub fn read(conn: &mut DbConn) -> Result<Health> {
    let waiting = [DeliveryState::Pending, DeliveryState::Sending];
    let (depth, oldest): (i64, Option<chrono::NaiveDateTime>) = delivery::table
        .filter(delivery::state.eq_any(waiting))
        .select((count_star(), min(delivery::created_at)))
        .first(conn)?;
    let deliveries = Queue {
        depth,
        oldest_secs: age(oldest),
    };
    let waiting = [MailState::Pending.as_str(), MailState::Sending.as_str()];
    let (depth, oldest): (i64, Option<chrono::NaiveDateTime>) = mail::table
        .filter(mail::state.eq_any(waiting))
        .select((count_star(), min(mail::created_at)))
        .first(conn)?;
    let mail = Queue {
        depth,
        oldest_secs: age(oldest),
    };
    let waiting = [WebhookState::Pending, WebhookState::Sending];
    let (depth, oldest): (i64, Option<chrono::NaiveDateTime>) = webhook_delivery::table
        .filter(webhook_delivery::state.eq_any(waiting))
        .select((count_star(), min(webhook_delivery::created_at)))
        .first(conn)?;
    let webhooks = Queue {
        depth,
        oldest_secs: age(oldest),
    };
    let dead_servers = instance::table
        .filter(instance::dead.eq(true))
        .count()
        .get_result(conn)?;
    let positions: Vec<(String, i64)> = event_consumer::table
        .select((event_consumer::name, event_consumer::position_id))
        .load(conn)?;
    let mut backlog = Vec::with_capacity(positions.len());
    for (name, position) in positions {
        let behind: i64 = event::table
            .filter(event::id.gt(position))
            .count()
            .get_result(conn)?;
        backlog.push((name, behind));
    }
    Ok(Health {
        deliveries,
        mail,
        webhooks,
        dead_servers,
        backlog,
    })
}

//! The webhooks' event consumer: queues a delivery to every switched-on
//! webhook that asked for the event's kind (of the events since it was
//! switched on). Nothing that happens inside a
//! club is sent: a receiver is outside every club (the privacy rule, with
//! an anonymous viewer).

use super::kinds_of;
use super::payload::{self, Message};
use crate::community::privacy::{self, Sight, Viewer};
use crate::error::{Error, Result};
use crate::events::Event;
use crate::jobs::events::Consumer;
use crate::store::webhooks as rows;
use crate::store::DbConn;
use crate::App;

pub struct Webhooks;

impl Consumer for Webhooks {
    fn name(&self) -> &'static str {
        "webhooks"
    }

    fn apply(&self, _app: &App, conn: &mut DbConn, event: &Event) -> Result<()> {
        let hooks = rows::enabled(conn)?;
        if hooks.is_empty() {
            return Ok(());
        }
        let Some((kind, group, data)) = payload::of(conn, event)? else {
            return Ok(());
        };
        if let Some(g) = &group {
            if privacy::sight(conn, Viewer::Anonymous, g)? == Sight::Outside {
                return Ok(());
            }
        }
        // A webhook hears of what happened while it was on, however late
        // this consumer runs.
        let wanted: Vec<_> = hooks
            .iter()
            .filter(|w| event.at >= w.enabled_at && kinds_of(w).contains(&kind))
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let message = Message {
            kind,
            timestamp: event.at.and_utc(),
            data,
        };
        let body = serde_json::to_string(&message)
            .map_err(|e| Error::internal("cannot encode a webhook message", e))?;
        // One message id per event: a receiver recognises a redelivery.
        let message_id = format!("msg_{}", event.id);
        for w in wanted {
            rows::enqueue(conn, w.id, &message_id, kind.as_str(), &body)?;
        }
        Ok(())
    }

    fn applied(&self, app: &App) {
        app.webhook_wakeup.notify_one();
    }
}

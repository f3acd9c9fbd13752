//! The escalation job: every `escalation.check_secs`, escalates the
//! questions whose response target passed (`community::escalation`). Each
//! level is a conditional update, so several processes sharing one
//! PostgreSQL escalate a question once.

use crate::community::escalation;
use crate::store::now;
use crate::App;

pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let period = std::time::Duration::from_secs(app.config.escalation.check_secs.max(1));
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let config = app.config.escalation.clone();
            let done = app
                .store
                .run(move |conn| escalation::escalate_due(conn, &config, now()))
                .await;
            match done {
                Ok(0) => {}
                Ok(n) => tracing::info!(levels = n, "unanswered questions escalated"),
                Err(e) => tracing::warn!(error = ?e, "the escalation check failed"),
            }
        }
    })
}

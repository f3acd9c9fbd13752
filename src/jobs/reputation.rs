//! The daily reputation job: reverses serial voting. It checks every hour
//! whether a day has passed since the last run (recorded in the store, so
//! restarts and several processes keep to once a day).

use crate::reputation::ledger;
use crate::store::{instances, now, write_tx};
use crate::App;
use chrono::{Duration, NaiveDateTime};

const LAST_RUN_KEY: &str = "reputation.serial_votes_last_run";

pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = run_if_due(&app).await {
                tracing::warn!(error = ?e, "the serial-voting check failed");
            }
        }
    })
}

async fn run_if_due(app: &App) -> crate::error::Result<()> {
    let config = app.config.clone();
    let reversed = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let at = now();
                let last = instances::setting(conn, LAST_RUN_KEY)?
                    .and_then(|s| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S").ok());
                if last.is_some_and(|l| at - l < Duration::hours(24)) {
                    return Ok(None);
                }
                instances::set_setting(
                    conn,
                    LAST_RUN_KEY,
                    &at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                )?;
                ledger::reverse_serial_votes(conn, &config.reputation, at).map(Some)
            })
        })
        .await?;
    if let Some(r) = reversed {
        tracing::info!(runs = r.len(), "serial-voting check done");
    }
    Ok(())
}

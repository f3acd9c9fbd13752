//! The analytics job: rolls the day's figures up (`community::analytics`)
//! every `analytics.period_secs`. The last run is recorded in the store,
//! so restarts and several processes keep to the period.

use crate::community::analytics;
use crate::store::{instances, now, write_tx};
use crate::App;
use chrono::{Duration, NaiveDateTime};

const LAST_RUN_KEY: &str = "analytics.last_run";

pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Checks often enough for the period, at most once a minute.
        let period = app.config.analytics.period_secs.max(60);
        let every = std::time::Duration::from_secs((period / 10).clamp(60, 3600));
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = run_if_due(&app, period).await {
                tracing::warn!(error = ?e, "the analytics roll-up failed");
            }
        }
    })
}

async fn run_if_due(app: &App, period: u64) -> crate::error::Result<()> {
    let period = Duration::seconds(i64::try_from(period).unwrap_or(i64::MAX / 1000));
    let done = app
        .store
        .run(move |conn| {
            let at = now();
            // Claimed first, so that one process rolls up.
            let due = write_tx(conn, |conn| {
                let last = instances::setting(conn, LAST_RUN_KEY)?
                    .and_then(|s| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S").ok());
                if last.is_some_and(|l| at - l < period) {
                    return Ok(false);
                }
                instances::set_setting(
                    conn,
                    LAST_RUN_KEY,
                    &at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                )?;
                Ok(true)
            })?;
            if !due {
                return Ok(None);
            }
            analytics::roll_up(conn, at).map(Some)
        })
        .await?;
    if let Some(days) = done {
        tracing::info!(days, "analytics rolled up");
    }
    Ok(())
}

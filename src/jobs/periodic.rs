//! Jobs that run every so many seconds across restarts and processes:
//! the last run is recorded in the store and claimed before the work, so
//! one process does it once a period.

use crate::error::Result;
use crate::store::{instances, now, write_tx, DbConn};
use crate::App;
use chrono::{Duration, NaiveDateTime};
use std::fmt::Debug;

/// A job that runs at most once per period.
pub struct Periodic<T> {
    /// Its name in the logs and the key of its last run in the store.
    pub name: &'static str,
    pub period_secs: u64,
    /// The work, in one connection, at the time of the run.
    pub work: fn(&mut DbConn, NaiveDateTime) -> Result<T>,
}

const STAMP: &str = "%Y-%m-%dT%H:%M:%S";

pub fn spawn<T: Debug + Send + 'static>(app: App, job: Periodic<T>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Checks often enough for the period, at most once a minute.
        let period = job.period_secs.max(60);
        let every = std::time::Duration::from_secs((period / 10).clamp(60, 3600));
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_if_due(&app, &job, period).await {
                Ok(Some(done)) => tracing::info!(job = job.name, ?done, "periodic job done"),
                Ok(None) => {}
                Err(e) => tracing::warn!(job = job.name, error = ?e, "periodic job failed"),
            }
        }
    })
}

async fn run_if_due<T: Debug + Send + 'static>(
    app: &App,
    job: &Periodic<T>,
    period: u64,
) -> Result<Option<T>> {
    let period = Duration::seconds(i64::try_from(period).unwrap_or(i64::MAX / 1000));
    let (key, work) = (format!("{}.last_run", job.name), job.work);
    app.store
        .run(move |conn| {
            let at = now();
            // Claimed first, so that one process does the work.
            let due = write_tx(conn, |conn| {
                let last = instances::setting(conn, &key)?
                    .and_then(|s| NaiveDateTime::parse_from_str(&s, STAMP).ok());
                if last.is_some_and(|l| at - l < period) {
                    return Ok(false);
                }
                instances::set_setting(conn, &key, &at.format(STAMP).to_string())?;
                Ok(true)
            })?;
            if !due {
                return Ok(None);
            }
            work(conn, at).map(Some)
        })
        .await
}

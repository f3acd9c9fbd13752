//! Runs the event consumers: each reads the log from its own position and
//! applies events in batches. A batch's effects (deliveries queued,
//! notifications, mails queued) and the new position are written in one
//! transaction, so an event is applied once even when the process dies
//! half-way or several processes share one PostgreSQL.

use crate::error::Result;
use crate::events::Event;
use crate::store::{events as rows, now, write_tx, DbConn};
use crate::App;
use std::sync::Arc;
use std::time::Duration;

/// Events applied per transaction.
const BATCH: i64 = 100;

/// A consumer fails an event this many times in a row, then skips it (the
/// error stays in its row and in the log).
const MAX_FAILURES: i32 = 8;

/// Something that acts on events.
pub trait Consumer: Send + Sync + 'static {
    /// Its name in `event_consumer` (never change it: it keys the position).
    fn name(&self) -> &'static str;

    /// Applies one event inside the batch's transaction. Writes only to
    /// the store: anything sent elsewhere goes through a queue.
    fn apply(&self, app: &App, conn: &mut DbConn, event: &Event) -> Result<()>;

    /// After a batch committed: wake whatever sends what it queued.
    fn applied(&self, _app: &App) {}
}

/// The consumers this build runs, in no particular order (each keeps its
/// own position).
pub fn consumers() -> Vec<Arc<dyn Consumer>> {
    vec![
        Arc::new(crate::federation::consumer::Federation),
        Arc::new(crate::notifications::consumer::Notifications),
        Arc::new(crate::webhooks::consumer::Webhooks),
        Arc::new(crate::community::response_times::ResponseTimes),
    ]
}

/// Adds the consumers missing from the store at the end of the log (see
/// `store::events::register`).
pub fn register(conn: &mut DbConn) -> Result<()> {
    for c in consumers() {
        rows::register(conn, c.name())?;
    }
    Ok(())
}

/// Starts one task per consumer and the pruning task (nothing when
/// `events.consume` is off).
pub fn spawn(app: App) -> Vec<tokio::task::JoinHandle<()>> {
    if !app.config.events.consume {
        return Vec::new();
    }
    let mut tasks: Vec<_> = consumers()
        .into_iter()
        .map(|c| tokio::spawn(run(app.clone(), c)))
        .collect();
    tasks.push(tokio::spawn(prune_daily(app)));
    tasks
}

async fn run(app: App, consumer: Arc<dyn Consumer>) {
    let poll = Duration::from_millis(app.config.events.poll_ms.max(10));
    let mut backoff = Duration::from_millis(100);
    loop {
        // Registered before the round, so an event recorded during it
        // wakes the next one.
        let woken = app.store.event_wakeup().notified();
        match round(&app, consumer.clone()).await {
            Ok(Round::More) => continue,
            Ok(Round::Done) => {
                backoff = Duration::from_millis(100);
                let _ = tokio::time::timeout(poll, woken).await;
            }
            Err(e) => {
                tracing::warn!(consumer = consumer.name(), error = ?e, "an event consumer failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
        }
    }
}

enum Round {
    /// A full batch was applied: there may be more.
    More,
    /// Nothing (more) to do now.
    Done,
}

/// Applies one batch. On failure the batch is tried again event by event,
/// so that one bad event neither holds back nor repeats the others.
async fn round(app: &App, consumer: Arc<dyn Consumer>) -> Result<Round> {
    let (app2, c) = (app.clone(), consumer.clone());
    let batch = app
        .store
        .run(move |conn| apply_batch(&app2, conn, c.as_ref(), BATCH))
        .await;
    let applied = match batch {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(consumer = consumer.name(), error = ?e, "an event batch failed; applying one by one");
            let (app2, c) = (app.clone(), consumer.clone());
            app.store
                .run(move |conn| apply_one_or_skip(&app2, conn, c.as_ref()))
                .await?
        }
    };
    if applied > 0 {
        consumer.applied(app);
    }
    Ok(if applied as i64 >= BATCH {
        Round::More
    } else {
        Round::Done
    })
}

fn apply_batch(app: &App, conn: &mut DbConn, c: &dyn Consumer, limit: i64) -> Result<usize> {
    write_tx(conn, |conn| {
        let Some(from) = rows::take_position(conn, c.name())? else {
            return Ok(0);
        };
        let due = rows::due(conn, from, limit)?;
        let Some(last) = due.last().map(|r| rows::Position { tx: r.tx, id: r.id }) else {
            return Ok(0);
        };
        let n = due.len();
        for row in due {
            let event = Event::try_from(row)?;
            c.apply(app, conn, &event)?;
        }
        rows::advance(conn, c.name(), last)?;
        Ok(n)
    })
}

/// Applies the next event alone; when it fails, counts the failure (in a
/// transaction of its own) and, after `MAX_FAILURES`, moves past it.
fn apply_one_or_skip(app: &App, conn: &mut DbConn, c: &dyn Consumer) -> Result<usize> {
    let e = match apply_batch(app, conn, c, 1) {
        Ok(n) => return Ok(n),
        Err(e) => e,
    };
    let detail = format!("{e:?}");
    let skipped = write_tx(conn, |conn| {
        let Some(from) = rows::take_position(conn, c.name())? else {
            return Ok(false);
        };
        if rows::failed(conn, c.name(), &detail)? < MAX_FAILURES {
            return Ok(false);
        }
        let Some(bad) = rows::due(conn, from, 1)?.pop() else {
            return Ok(false);
        };
        tracing::error!(consumer = c.name(), event = bad.id, kind = %bad.kind, error = %detail,
            "an event failed {MAX_FAILURES} times and is skipped");
        rows::advance(
            conn,
            c.name(),
            rows::Position {
                tx: bad.tx,
                id: bad.id,
            },
        )?;
        Ok(true)
    })?;
    if skipped {
        Ok(1)
    } else {
        Err(e)
    }
}

/// Deletes old events every hour.
async fn prune_daily(app: App) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let days = i64::from(app.config.events.retention_days);
        let pruned = app
            .store
            .run(move |conn| {
                write_tx(conn, |conn| {
                    rows::prune(conn, now() - chrono::Duration::days(days))
                })
            })
            .await;
        match pruned {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "old events pruned"),
            Err(e) => tracing::warn!(error = ?e, "pruning events failed"),
        }
    }
}

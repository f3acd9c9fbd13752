//! The delivery worker: claims due deliveries from the store, signs them as
//! their local actor and POSTs them, retrying with exponential backoff. A
//! 2xx, or a 4xx other than 408/429, ends a delivery; anything else is
//! retried until `federation.give_up_after_hours`.

use crate::error::{Error, Result};
use crate::federation::actors::authority;
use crate::federation::actors::Signer;
use crate::federation::context::FedConfig;
use crate::store::{deliveries, instances, now};
use crate::App;
use activitypub_federation::activity_sending::SendActivityTask;
use activitypub_federation::config::Data;
use activitypub_federation::traits::ActivityHandler;
use async_trait::async_trait;
use chrono::Duration;
use serde::Serialize;
use std::sync::Arc;
use tokio::sync::Notify;
use url::Url;

/// How long a claimed delivery stays with its worker before another may
/// take it over (the sender crashed or stopped).
const LEASE_SECS: i64 = 120;

/// Seconds to wait before attempt `attempts + 1`: `base`, then doubling
/// (30 s, 1 min, 2 min, ... by default), at most a day.
pub fn backoff_secs(attempts: i32, base: u32) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    (i64::from(base) << exp).min(86_400)
}

/// An activity as stored: sent byte for byte as it was queued.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct StoredActivity {
    json: serde_json::Value,
    #[serde(skip)]
    id: Url,
    #[serde(skip)]
    actor: Url,
}

#[async_trait]
impl ActivityHandler for StoredActivity {
    type DataType = App;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        &self.actor
    }
    async fn verify(&self, _data: &Data<App>) -> Result<()> {
        Err(Error::bad_request("outgoing activities are not received"))
    }
    async fn receive(self, _data: &Data<App>) -> Result<()> {
        Err(Error::bad_request("outgoing activities are not received"))
    }
}

/// Wakes the worker when something is queued.
#[derive(Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn notify(&self) {
        self.0.notify_one();
    }
}

/// The worker task and the switch that asks it to stop.
pub struct WorkerHandle {
    task: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl WorkerHandle {
    /// Stops claiming, waits up to `grace` for deliveries in flight, then
    /// aborts.
    pub async fn stop(mut self, grace: std::time::Duration) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(grace, &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

pub fn spawn(fed: FedConfig, wakeup: Wakeup) -> WorkerHandle {
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        let data = fed.to_request_data();
        let batch = data.config.federation.delivery_workers as i64;
        while !*stopped.borrow() {
            let claimed = match claim(&data, batch).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = ?e, "cannot claim deliveries");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                tokio::select! {
                    _ = wakeup.0.notified() => {}
                    // The handle is gone: nobody can stop us any more, so stop now.
                    changed = stopped.changed() => if changed.is_err() { break },
                    _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                }
                continue;
            }
            futures_util::future::join_all(claimed.into_iter().map(|c| deliver(&data, c))).await;
        }
    });
    WorkerHandle { task, stop }
}

async fn claim(data: &Data<App>, limit: i64) -> Result<Vec<deliveries::Claimed>> {
    let at = now();
    let lease = at + Duration::seconds(LEASE_SECS);
    data.store
        .run(move |conn| deliveries::claim_due(conn, at, lease, limit))
        .await
}

/// How often a server marked dead is tried again.
const PROBE_EVERY_HOURS: i64 = 24;

/// Whether deliveries to `host` are dropped now: it is marked dead and its
/// next probe is not due.
async fn skipped_as_dead(data: &Data<App>, host: &str) -> Result<bool> {
    let host = host.to_string();
    let at = now();
    data.store
        .run(move |conn| {
            Ok(instances::by_domain(conn, &host)?
                .is_some_and(|i| i.dead && i.next_probe_at.is_some_and(|p| p > at)))
        })
        .await
}

/// Records how a server answered: healthy again, or failing (and perhaps
/// now dead).
async fn record_health(data: &Data<App>, host: String, answered: bool) -> Result<()> {
    let dead_after = Duration::hours(i64::from(data.config.federation.dead_after_hours));
    let at = now();
    data.store
        .run(move |conn| {
            if answered {
                return instances::mark_alive(conn, &host, at);
            }
            let marked = instances::mark_failure(
                conn,
                &host,
                at,
                dead_after,
                Duration::hours(PROBE_EVERY_HOURS),
            )?;
            if marked.is_some_and(|i| i.dead) {
                tracing::warn!(instance = %host, "deliveries have failed for too long: server marked dead");
            }
            Ok(())
        })
        .await
}

async fn deliver(data: &Data<App>, claimed: deliveries::Claimed) {
    let id = claimed.delivery.id;
    let host = Url::parse(&claimed.delivery.inbox_url)
        .map(|u| authority(&u))
        .unwrap_or_default();
    match skipped_as_dead(data, &host).await {
        Ok(true) => {
            let dropped = data
                .store
                .run(move |conn| {
                    deliveries::give_up(conn, id, "the receiving server is marked dead")
                })
                .await;
            if let Err(e) = dropped {
                tracing::warn!(error = ?e, delivery = id, "cannot drop a delivery");
            }
            return;
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = ?e, "cannot read a server's health"),
    }
    let outcome = send(data, &claimed).await;
    if let Err(e) = record_health(data, host, outcome.is_ok()).await {
        tracing::warn!(error = ?e, "cannot record a server's health");
    }
    let give_up_after = Duration::hours(i64::from(data.config.federation.give_up_after_hours));
    let result = match outcome {
        Ok(()) => {
            data.store
                .run(move |conn| deliveries::finish(conn, id))
                .await
        }
        Err(e) => {
            let error = e.to_string();
            let attempts = claimed.delivery.attempts;
            let base = data.config.federation.retry_base_secs;
            let next = now() + Duration::seconds(backoff_secs(attempts, base));
            let expired = next - claimed.delivery.created_at > give_up_after;
            tracing::info!(
                inbox = %claimed.delivery.inbox_url,
                activity = %claimed.activity_ap_id,
                attempts,
                expired,
                error = %error,
                "delivery failed"
            );
            data.store
                .run(move |conn| {
                    if expired {
                        deliveries::give_up(conn, id, &error)
                    } else {
                        deliveries::retry_at(conn, id, next, &error)
                    }
                })
                .await
        }
    };
    if let Err(e) = result {
        tracing::warn!(error = ?e, delivery = id, "cannot record a delivery's outcome");
    }
}

async fn send(data: &Data<App>, claimed: &deliveries::Claimed) -> Result<()> {
    let signer = Signer::load(data.app_data(), &claimed.delivery.signer_ap_id)
        .await?
        .ok_or_else(|| Error::not_found("the signing actor no longer exists"))?;
    let json: serde_json::Value = serde_json::from_str(&claimed.activity_json)
        .map_err(|e| Error::internal("a queued activity is not JSON", e))?;
    let parse =
        |s: &str| Url::parse(s).map_err(|e| Error::internal("a queued URL is not valid", e));
    let activity = StoredActivity {
        id: parse(&claimed.activity_ap_id)?,
        actor: signer.id.clone(),
        json,
    };
    let inbox = parse(&claimed.delivery.inbox_url)?;
    let tasks = SendActivityTask::prepare(&activity, &signer, vec![inbox], data).await?;
    // No task: the inbox is local or not allowed (private address outside
    // debug mode); nothing will ever change that.
    for task in tasks {
        task.sign_and_send(data).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_a_day() {
        assert_eq!(backoff_secs(1, 30), 30);
        assert_eq!(backoff_secs(2, 30), 60);
        assert_eq!(backoff_secs(3, 30), 120);
        assert_eq!(backoff_secs(10, 30), 15_360);
        assert_eq!(backoff_secs(13, 30), 86_400);
        assert_eq!(backoff_secs(1000, 30), 86_400);
        assert_eq!(backoff_secs(0, 30), 30);
        assert_eq!(backoff_secs(3, 1), 4);
    }
}

//! The delivery worker: claims due deliveries from the store, signs them as
//! their local actor and POSTs them, retrying with exponential backoff. A
//! 2xx, or a 4xx other than 408/429, ends a delivery; anything else is
//! retried until `federation.give_up_after_hours`.

use crate::error::{Error, Result};
use crate::federation::actors::Signer;
use crate::federation::context::FedConfig;
use crate::store::{deliveries, now};
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

pub fn spawn(fed: FedConfig, wakeup: Wakeup) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let data = fed.to_request_data();
        let batch = data.config.federation.delivery_workers as i64;
        loop {
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
                    _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                }
                continue;
            }
            futures_util::future::join_all(claimed.into_iter().map(|c| deliver(&data, c))).await;
        }
    })
}

async fn claim(data: &Data<App>, limit: i64) -> Result<Vec<deliveries::Claimed>> {
    let at = now();
    let lease = at + Duration::seconds(LEASE_SECS);
    data.store
        .run(move |conn| deliveries::claim_due(conn, at, lease, limit))
        .await
}

async fn deliver(data: &Data<App>, claimed: deliveries::Claimed) {
    let id = claimed.delivery.id;
    let outcome = send(data, &claimed).await;
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

//! The delivery worker: claims due deliveries from the store, signs them as
//! their local actor and POSTs them (federation::sending), retrying with
//! exponential backoff. A 2xx, or a 4xx other than 408/429, ends a
//! delivery; anything else is retried until `federation.give_up_after_hours`.
//! It keeps a steady number in flight rather than sending in rounds that
//! wait for their slowest receiver.

use crate::error::{Error, Result};
use crate::federation::actors::{authority, Signer};
use crate::federation::objects::reporter;
use crate::federation::sending::{
    check_inbox_url, parse_private_key, post_signed, Answer, CheckedResolver, Reach, SigningKeys,
};
use crate::moderation::{policy, reports};
use crate::store::instances::{self, Instance};
use crate::store::reports::ForwardState;
use crate::store::{deliveries, now, write_tx};
use crate::telemetry::Delivered;
use crate::App;
use actix_web::web::Bytes;
use chrono::Duration;
use chrono::NaiveDateTime;
use ring::signature::RsaKeyPair;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;
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
    /// Stops claiming, waits up to `grace` for deliveries in flight and
    /// their outcomes, then aborts.
    pub async fn stop(mut self, grace: std::time::Duration) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(grace, &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

/// What every delivery of this process shares.
struct Sender {
    app: App,
    client: reqwest::Client,
    keys: SigningKeys,
    outcomes: mpsc::UnboundedSender<Outcome>,
}

/// How one delivery ended, written to the store in batches.
struct Outcome {
    claimed: deliveries::Claimed,
    host: String,
    result: Result<Attempt>,
}

/// What became of a claimed delivery (`Err`: no answer, try again).
enum Attempt {
    /// The receiver answered.
    Answered(Answer),
    /// Not sent, and never will be: the inbox URL is refused, the domain
    /// policy refuses the server, or it is marked dead. Kept as failed.
    Held(String),
    /// The inbox is on this server: nothing to send.
    Local,
}

/// Starts the worker: it keeps up to `federation.delivery_workers`
/// deliveries in flight, claiming more as they finish, and writes their
/// outcomes in batches.
pub fn spawn(app: App, wakeup: Wakeup) -> Result<WorkerHandle> {
    let client = reqwest::Client::builder()
        // Connects only to the addresses its own lookup checked.
        .dns_resolver(Arc::new(CheckedResolver::new(Reach::of(&app.config))))
        .user_agent(format!("Guildhall/{}", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        // Shorter than the keep-alive of common receivers (nginx: 75 s),
        // so that an idle connection is dropped here before it is there.
        .pool_idle_timeout(std::time::Duration::from_secs(50))
        .build()
        .map_err(|e| Error::internal("cannot build the delivery HTTP client", e))?;
    let (outcomes, received) = mpsc::unbounded_channel();
    let sender = Arc::new(Sender {
        app: app.clone(),
        client,
        keys: SigningKeys::new(1024),
        outcomes,
    });
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        let recorder = tokio::spawn(record_outcomes(app, received));
        claim_and_send(sender, wakeup, stopped).await;
        // Every sender handle is gone now: the recorder drains and ends.
        let _ = recorder.await;
    });
    Ok(WorkerHandle { task, stop })
}

async fn claim_and_send(
    sender: Arc<Sender>,
    wakeup: Wakeup,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let workers = sender.app.config.federation.delivery_workers.max(1);
    // Claiming is a write: claim for a quarter of the slots at least,
    // unless nothing is in flight.
    let least = (workers / 4).max(1);
    let mut in_flight = JoinSet::new();
    while !*stopped.borrow() {
        while in_flight.try_join_next().is_some() {}
        let free = workers - in_flight.len();
        if free < least {
            tokio::select! {
                _ = in_flight.join_next() => {}
                changed = stopped.changed() => if changed.is_err() { break },
            }
            continue;
        }
        let claimed = match claim(&sender.app, free as i64).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = ?e, "cannot claim deliveries");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            let idle = tokio::time::sleep(std::time::Duration::from_secs(1));
            tokio::select! {
                _ = wakeup.0.notified() => {}
                // The handle is gone: nobody can stop us any more, so stop now.
                changed = stopped.changed() => if changed.is_err() { break },
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
                _ = idle => {}
            }
            continue;
        }
        for c in claimed {
            in_flight.spawn(deliver(sender.clone(), c));
        }
    }
    while in_flight.join_next().await.is_some() {}
}

/// A claimed delivery, and why it must not be sent, if so.
struct Claim {
    delivery: deliveries::Claimed,
    host: String,
    held: Option<&'static str>,
}

/// Claims due deliveries and, in the same store call, reads whether
/// anything may be sent to their servers now (two queries for the batch).
async fn claim(app: &App, limit: i64) -> Result<Vec<Claim>> {
    let at = now();
    let lease = at + Duration::seconds(LEASE_SECS);
    app.store
        .run(move |conn| {
            let claimed = deliveries::claim_due(conn, at, lease, limit)?;
            if claimed.is_empty() {
                return Ok(Vec::new());
            }
            let hosts: Vec<String> = claimed
                .iter()
                .map(|d| {
                    Url::parse(&d.delivery.inbox_url)
                        .map(|u| authority(&u))
                        .unwrap_or_default()
                })
                .collect();
            let mut distinct = hosts.clone();
            distinct.sort();
            distinct.dedup();
            let known = instances::by_domains(conn, &distinct)?;
            let mode = policy::mode(conn)?;
            Ok(claimed
                .into_iter()
                .zip(hosts)
                .map(|(delivery, host)| {
                    let row = known.iter().find(|i| i.domain == host);
                    Claim {
                        held: held_back(row, &mode, at),
                        delivery,
                        host,
                    }
                })
                .collect())
        })
        .await
}

/// How often a server marked dead is tried again.
const PROBE_EVERY_HOURS: i64 = 24;

/// Why nothing is sent to a server now, if so: the domain policy refuses
/// it, or it is marked dead and its next probe is not due.
fn held_back(known: Option<&Instance>, mode: &str, at: NaiveDateTime) -> Option<&'static str> {
    policy::refusal_in(known, mode).or_else(|| {
        known
            .is_some_and(|i| i.dead && i.next_probe_at.is_some_and(|p| p > at))
            .then_some("the receiving server is marked dead")
    })
}

async fn deliver(sender: Arc<Sender>, claim: Claim) {
    let result = send(&sender, &claim).await;
    let outcome = Outcome {
        claimed: claim.delivery,
        host: claim.host,
        result,
    };
    if sender.outcomes.send(outcome).is_err() {
        tracing::warn!("delivery outcome lost: the recorder has stopped");
    }
}

async fn send(sender: &Sender, claim: &Claim) -> Result<Attempt> {
    let app = &sender.app;
    let claimed = &claim.delivery;
    let parse =
        |s: &str| Url::parse(s).map_err(|e| Error::internal("a queued URL is not valid", e));
    let inbox = parse(&claimed.delivery.inbox_url)?;
    if claim.host == app.config.domain() {
        return Ok(Attempt::Local);
    }
    if let Some(why) = claim.held {
        return Ok(Attempt::Held(why.to_string()));
    }
    if let Err(e) = check_inbox_url(&inbox, app.config.federation.debug).await {
        return Ok(Attempt::Held(e.detail));
    }
    let signer = &claimed.delivery.signer_ap_id;
    let key = signing_key(sender, signer).await?;
    let body = Bytes::from(claimed.activity_json.clone());
    let timeout =
        std::time::Duration::from_secs(u64::from(app.config.federation.request_timeout_secs));
    post_signed(&sender.client, &key, signer, &inbox, body, timeout)
        .await
        .map(Attempt::Answered)
}

/// The parsed key of the local actor `signer`, read and parsed once.
async fn signing_key(sender: &Sender, signer: &str) -> Result<Arc<RsaKeyPair>> {
    if let Some(key) = sender.keys.get(signer) {
        return Ok(key);
    }
    let actor = Signer::load(&sender.app, signer)
        .await?
        .ok_or_else(|| Error::not_found("the signing actor no longer exists"))?;
    let pem = actor.private_key;
    let key = tokio::task::spawn_blocking(move || parse_private_key(&pem))
        .await
        .map_err(|e| Error::internal("key parsing stopped", e))??;
    let key = Arc::new(key);
    sender.keys.insert(signer, key.clone());
    Ok(key)
}

/// Most outcomes written in one transaction.
const OUTCOMES_PER_WRITE: usize = 256;

/// Writes outcomes as they come, many to a transaction when many come at
/// once; ends when every sender is gone and all are written.
async fn record_outcomes(app: App, mut received: mpsc::UnboundedReceiver<Outcome>) {
    let mut batch = Vec::with_capacity(OUTCOMES_PER_WRITE);
    while received.recv_many(&mut batch, OUTCOMES_PER_WRITE).await > 0 {
        let outcomes = std::mem::take(&mut batch);
        let count = outcomes.len();
        if let Err(e) = write_outcomes(&app, outcomes).await {
            tracing::warn!(error = ?e, count, "cannot record delivery outcomes");
        }
    }
}

async fn write_outcomes(app: &App, outcomes: Vec<Outcome>) -> Result<()> {
    let federation = &app.config.federation;
    let dead_after = Duration::hours(i64::from(federation.dead_after_hours));
    let give_up_after = Duration::hours(i64::from(federation.give_up_after_hours));
    let base = federation.retry_base_secs;
    let at = now();
    let mut rows = Vec::with_capacity(outcomes.len());
    // Each server's health once per batch: answered if any delivery to it
    // got an answer.
    let mut health: HashMap<String, bool> = HashMap::new();
    // Forwarded reports (sent by the reporting actor) whose delivery ended:
    // the moderator who forwarded one sees what became of it.
    let reporter = reporter::actor_id(&app.config.base_url());
    let mut forwards = Vec::new();
    for o in outcomes {
        let id = o.claimed.delivery.id;
        // Only an answer, or its absence, says anything of a server's
        // health; what was never sent says nothing.
        match &o.result {
            Ok(Attempt::Answered(_)) => {
                health.insert(o.host.clone(), true);
            }
            Err(_) => {
                health.entry(o.host.clone()).or_insert(false);
            }
            Ok(Attempt::Held(_) | Attempt::Local) => {}
        }
        let mut refused = None;
        crate::telemetry::delivery(match &o.result {
            Ok(Attempt::Answered(Answer::Delivered)) | Ok(Attempt::Local) => Delivered::Delivered,
            Ok(Attempt::Answered(Answer::Refused(_))) => Delivered::Refused,
            Ok(Attempt::Held(_)) => Delivered::Held,
            Err(_) => Delivered::Failed,
        });
        let row = match o.result {
            Ok(Attempt::Answered(Answer::Delivered)) | Ok(Attempt::Local) => {
                deliveries::Ending::Done
            }
            Ok(Attempt::Answered(Answer::Refused(why))) => {
                tracing::info!(inbox = %o.claimed.delivery.inbox_url, activity = %o.claimed.activity_ap_id, why = %why, "delivery refused for good");
                refused = Some(why);
                deliveries::Ending::Done
            }
            Ok(Attempt::Held(why)) => {
                tracing::info!(inbox = %o.claimed.delivery.inbox_url, activity = %o.claimed.activity_ap_id, why = %why, "delivery not sent");
                deliveries::Ending::GiveUp(why)
            }
            Err(e) => {
                let attempts = o.claimed.delivery.attempts;
                let next = at + Duration::seconds(backoff_secs(attempts, base));
                let expired = next - o.claimed.delivery.created_at > give_up_after;
                tracing::info!(
                    inbox = %o.claimed.delivery.inbox_url,
                    activity = %o.claimed.activity_ap_id,
                    attempts,
                    expired,
                    error = %e,
                    "delivery failed"
                );
                let error = e.to_string();
                if expired {
                    deliveries::Ending::GiveUp(error)
                } else {
                    deliveries::Ending::RetryAt(next, error)
                }
            }
        };
        if o.claimed.delivery.signer_ap_id == reporter {
            let ended = match &row {
                deliveries::Ending::Done if refused.is_some() => {
                    Some((ForwardState::Refused, refused.take()))
                }
                deliveries::Ending::Done => Some((ForwardState::Delivered, None)),
                deliveries::Ending::GiveUp(why) => Some((ForwardState::Refused, Some(why.clone()))),
                deliveries::Ending::RetryAt(..) => None,
            };
            if let Some((state, error)) = ended {
                let (activity, inbox) = (o.claimed.activity_ap_id, o.claimed.delivery.inbox_url);
                forwards.push((activity, inbox, state, error));
            }
        }
        rows.push((id, row));
    }
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                for (host, answered) in &health {
                    if *answered {
                        instances::mark_alive(conn, host, at)?;
                        continue;
                    }
                    let marked = instances::mark_failure(
                        conn,
                        host,
                        at,
                        dead_after,
                        Duration::hours(PROBE_EVERY_HOURS),
                    )?;
                    if marked.is_some_and(|i| i.dead) {
                        tracing::warn!(instance = %host, "deliveries have failed for too long: server marked dead");
                    }
                }
                for (activity, inbox, state, error) in &forwards {
                    reports::ended_forward(conn, activity, inbox, *state, error.as_deref())?;
                }
                deliveries::end_all(conn, &rows)
            })
        })
        .await
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

//! The webhook sender: claims due deliveries (with a lease), POSTs each
//! message signed as Standard Webhooks says, and records the answer. A
//! 2xx is delivered; anything else is retried with backoff up to
//! `webhooks.max_attempts`; a webhook whose deliveries failed
//! `webhooks.disable_after_failures` times in a row is switched off.
//! Deliveries sit in the store, so a restart loses none: a lease that runs
//! out makes its delivery due again.

use super::delivery::backoff_secs;
use crate::error::{Error, Result};
use crate::federation::sending::{check_inbox_url, CheckedResolver, Reach};
use crate::store::now;
use crate::store::webhooks::{self as rows, Attempted, Webhook, WebhookDelivery};
use crate::webhooks::signature;
use crate::App;
use chrono::Duration;
use std::sync::Arc;
use url::Url;

/// Deliveries claimed per round.
const BATCH: i64 = 16;

/// How long a claimed delivery stays with its sender beyond the request's
/// time limit before another process may take it over.
const LEASE_MARGIN_SECS: i64 = 30;

/// How often due retries are looked for when nothing wakes the sender.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

pub fn spawn(app: App) -> Result<tokio::task::JoinHandle<()>> {
    let client = reqwest::Client::builder()
        // Connects only to the addresses its own lookup checked (public
        // ones, unless federation.debug), as federation's deliveries do.
        .dns_resolver(Arc::new(CheckedResolver::new(Reach::of(&app.config))))
        .user_agent(format!("Guildhall-Webhooks/{}", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(u64::from(
            app.config.federation.request_timeout_secs,
        )))
        .build()
        .map_err(|e| Error::internal("cannot build the webhook HTTP client", e))?;
    Ok(tokio::spawn(run(app, client)))
}

async fn run(app: App, client: reqwest::Client) {
    loop {
        let woken = app.webhook_wakeup.notified();
        match round(&app, &client).await {
            Ok(0) => {
                let _ = tokio::time::timeout(POLL, woken).await;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = ?e, "the webhook sender failed; retrying");
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

/// Sends one batch; answers how many were claimed.
async fn round(app: &App, client: &reqwest::Client) -> Result<usize> {
    let lease = now()
        + Duration::seconds(
            i64::from(app.config.federation.request_timeout_secs) + LEASE_MARGIN_SECS,
        );
    let claimed = app
        .store
        .run(move |conn| rows::claim_due(conn, BATCH, lease))
        .await?;
    let count = claimed.len();
    let sends = claimed.into_iter().map(|(d, w)| async move {
        let attempted = send(app, client, &d, &w).await;
        record(app, d, attempted).await
    });
    for result in futures_util::future::join_all(sends).await {
        if let Err(e) = result {
            tracing::warn!(error = ?e, "cannot record a webhook delivery");
        }
    }
    Ok(count)
}

async fn send(app: &App, client: &reqwest::Client, d: &WebhookDelivery, w: &Webhook) -> Attempted {
    let failed = |status: Option<i32>, error: String| {
        let retry_at = (d.attempts + 1 < app.config.webhooks.max_attempts as i32).then(|| {
            now()
                + Duration::seconds(backoff_secs(
                    d.attempts,
                    app.config.webhooks.retry_base_secs,
                ))
        });
        Attempted::Failed {
            status,
            error,
            retry_at,
        }
    };
    let url = match Url::parse(&w.url) {
        Ok(u) => u,
        Err(e) => return failed(None, format!("not a URL: {e}")),
    };
    if let Err(e) = check_inbox_url(&url, app.config.federation.debug).await {
        return failed(None, e.detail);
    }
    let timestamp = chrono::Utc::now().timestamp();
    let signature = signature::sign(&w.secret, &d.message_id, timestamp, &d.payload);
    let answer = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(d.payload.clone())
        .send()
        .await;
    match answer {
        Ok(r) if r.status().is_success() => Attempted::Delivered {
            status: i32::from(r.status().as_u16()),
        },
        Ok(r) => {
            let status = r.status();
            failed(
                Some(i32::from(status.as_u16())),
                format!("the receiver answered {status}"),
            )
        }
        Err(e) => failed(None, format!("no answer: {e}")),
    }
}

async fn record(app: &App, d: WebhookDelivery, attempted: Attempted) -> Result<()> {
    let disable_after = app.config.webhooks.disable_after_failures;
    let finished = app
        .store
        .run(move |conn| {
            crate::store::write_tx(conn, |conn| {
                rows::finish(conn, &d, attempted, disable_after)
            })
        })
        .await?;
    if finished.switched_off {
        let w = &finished.webhook;
        tracing::warn!(webhook = w.id, url = %w.url, reason = ?w.disabled_reason, "a webhook was switched off");
    }
    Ok(())
}

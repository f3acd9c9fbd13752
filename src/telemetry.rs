//! Prometheus metrics (`[metrics]`): counters and histograms recorded where
//! things happen (HTTP requests, the inbox, deliveries, the database pool),
//! and gauges read from the store at each scrape (queues, dead servers,
//! event backlog). Served at `/metrics` in the text exposition format, on
//! the main address (optionally behind a bearer token) or on an address of
//! its own.

use crate::error::{Error, Result};
use crate::App;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Latency buckets, in seconds: from a cached read to a slow federation call.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder (metrics are process-wide: every `App` of a
/// process reports to the same one).
pub fn install() -> Result<PrometheusHandle> {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
        .map_err(|e| Error::internal("bad metric buckets", e))?
        .install_recorder()
        .map_err(|e| Error::internal("cannot install the metrics recorder", e))?;
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// One HTTP request: its route (the pattern, never the raw path, so that
/// the number of series stays bounded), method, status and duration.
pub fn http_request(route: &str, method: &str, status: u16, took: Duration) {
    let labels = [
        ("route", route.to_string()),
        ("method", method.to_string()),
        ("status", status.to_string()),
    ];
    counter!("guildhall_http_requests_total", &labels).increment(1);
    histogram!("guildhall_http_request_duration_seconds", &labels[..2]).record(took.as_secs_f64());
}

/// The activity types counted by name; any other is counted as "other"
/// (the type comes from the sender, and labels must stay few).
const ACTIVITY_TYPES: &[&str] = &[
    "Create", "Update", "Delete", "Follow", "Accept", "Reject", "Undo", "Like", "Dislike",
    "Announce", "Flag", "Block", "Add", "Remove", "Lock",
];

/// One activity received: its type, and how the inbox answered
/// ("accepted" or the error code).
pub fn inbox_activity(kind: Option<&str>, outcome: &str) {
    let kind = kind
        .and_then(|k| ACTIVITY_TYPES.iter().find(|t| **t == k))
        .copied()
        .unwrap_or("other");
    counter!("guildhall_inbox_activities_total", "type" => kind, "outcome" => outcome.to_string())
        .increment(1);
}

/// How a delivery attempt ended.
#[derive(Clone, Copy, Debug)]
pub enum Delivered {
    /// The receiver took it.
    Delivered,
    /// The receiver refused it for good (a 4xx).
    Refused,
    /// No answer or a 5xx: it will be tried again (or was given up).
    Failed,
    /// Not sent: the server is blocked, dead, or the inbox refused.
    Held,
}

impl Delivered {
    fn as_str(self) -> &'static str {
        match self {
            Delivered::Delivered => "delivered",
            Delivered::Refused => "refused",
            Delivered::Failed => "failed",
            Delivered::Held => "held",
        }
    }
}

pub fn delivery(outcome: Delivered) {
    counter!("guildhall_deliveries_total", "outcome" => outcome.as_str()).increment(1);
}

/// Time spent waiting for a database connection.
pub fn pool_wait(took: Duration) {
    histogram!("guildhall_db_pool_wait_seconds").record(took.as_secs_f64());
}

/// The text exposition, with the gauges read now.
pub async fn render(app: &App, handle: &PrometheusHandle) -> Result<String> {
    let health = app.store.run(crate::store::health::read).await?;
    gauge!("guildhall_delivery_queue_depth").set(health.deliveries.depth as f64);
    gauge!("guildhall_delivery_queue_oldest_seconds").set(health.deliveries.oldest_secs);
    gauge!("guildhall_mail_queue_depth").set(health.mail.depth as f64);
    gauge!("guildhall_mail_queue_oldest_seconds").set(health.mail.oldest_secs);
    gauge!("guildhall_webhook_queue_depth").set(health.webhooks.depth as f64);
    gauge!("guildhall_webhook_queue_oldest_seconds").set(health.webhooks.oldest_secs);
    gauge!("guildhall_dead_servers").set(health.dead_servers as f64);
    for (consumer, behind) in health.backlog {
        gauge!("guildhall_event_backlog", "consumer" => consumer).set(behind as f64);
    }
    let pool = app.store.pool_state();
    gauge!("guildhall_db_pool_connections").set(f64::from(pool.connections));
    gauge!("guildhall_db_pool_idle").set(f64::from(pool.idle));
    gauge!("guildhall_db_pool_max").set(f64::from(pool.max));
    Ok(handle.render())
}

/// Counts and times every request (registered when metrics are on).
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> std::result::Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    http_request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    Ok(response)
}

/// `GET /metrics`.
pub async fn serve(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse> {
    let Some(handle) = app.metrics.clone() else {
        return Err(Error::not_found("metrics are off ([metrics] enabled)"));
    };
    let token = &app.config.metrics.token;
    if !token.is_empty() {
        let sent = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !sent.is_some_and(|s| crate::community::tokens::same_secret(s, token)) {
            return Err(Error::unauthorized(
                "send Authorization: Bearer with the metrics token",
            ));
        }
    }
    let body = render(&app, &handle).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

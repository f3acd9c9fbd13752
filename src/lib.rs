//! Guildhall: a self-hosted, federated community server.
//!
//! `App` is the state shared by the HTTP handlers and background jobs;
//! `server` starts the HTTP side.

pub mod api;
pub mod community;
pub mod config;
pub mod error;
pub mod events;
pub mod federation;
pub mod input;
pub mod jobs;
pub mod logging;
pub mod mastodon;
pub mod moderation;
pub mod notifications;
pub mod reputation;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod web;
pub mod webhooks;

/// mimalloc: allocation is a large share of the work per request (JSON
/// trees, rows, strings), and glibc's malloc spent a seventh of the
/// inbox's CPU time in it (docs/performance.md). Built without transparent
/// huge pages (`no_thp`): with them an idle server held 48 MiB, not 31.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use community::throttle::Throttle;
use config::Config;
use error::Result;
use federation::ids::Ids;
use federation::keys::KeyPool;
use std::sync::Arc;
use std::time::Duration;
use store::Store;

#[derive(Clone)]
pub struct App {
    pub config: Arc<Config>,
    pub store: Store,
    pub keys: Arc<KeyPool>,
    pub ids: Arc<Ids>,
    pub local_instance_id: i64,
    /// This server's own row, with the instance actor's keys.
    pub instance: Arc<store::instances::Instance>,
    /// Failed logins per (client address, name), and per client address.
    pub login_throttle: Arc<Throttle>,
    pub login_address_throttle: Arc<Throttle>,
    /// Sign-up attempts per client address per hour.
    pub register_throttle: Arc<Throttle>,
    /// Threads and comments per local account per hour (and a stricter
    /// one for new accounts).
    pub post_throttle: Arc<Throttle>,
    pub new_account_throttle: Arc<Throttle>,
    /// Activities per remote server per minute.
    pub remote_throttle: Arc<Throttle>,
    /// Wakes the delivery worker when an activity is queued.
    pub delivery_wakeup: jobs::delivery::Wakeup,
    /// Answers kept for readers without an account.
    pub answers: Arc<api::cache::AnswerCache>,
    /// Wakes this process's notification streams.
    pub notices: Arc<notifications::live::Live>,
    /// Wakes the mail worker when a mail is queued.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    /// The site's branding as the pages show it, kept a few seconds.
    pub site: Arc<community::branding::SiteCache>,
    /// Wakes the webhook sender when a delivery is queued.
    pub webhook_wakeup: Arc<tokio::sync::Notify>,
    /// The metrics recorder, when `[metrics] enabled`.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Where media files are kept (a folder or an S3-compatible bucket).
    pub files: store::files::Files,
}

impl App {
    /// Opens the store, applies migrations and records this instance.
    /// Blocking: call it before the runtime starts or on a blocking thread.
    pub fn open(config: Config) -> Result<App> {
        let store = Store::open(&config)?;
        store.migrate()?;
        store.run_blocking(jobs::events::register)?;
        let domain = config.domain();
        let mut instance =
            store.run_blocking(|conn| store::instances::ensure_local(conn, &domain))?;
        if instance.private_key.is_none() {
            let keys = KeyPool::new(0).take_blocking()?;
            instance = store.run_blocking(|conn| {
                store::instances::set_keys(conn, instance.id, &keys.public_key, &keys.private_key)
            })?;
        }
        if config.federation.debug {
            tracing::warn!(
                "federation.debug is on: http, ports and loopback addresses are allowed; never use this on a public server"
            );
        }
        let metrics = if config.metrics.enabled {
            Some(telemetry::install()?)
        } else {
            None
        };
        let files = store::files::Files::open(&config)?;
        Ok(App {
            files,
            metrics,
            ids: Arc::new(Ids::new(&config.base_url())),
            keys: KeyPool::new(config.keys.pool_size),
            local_instance_id: instance.id,
            login_throttle: Arc::new(Throttle::new(
                config.limits.login_attempts_per_minute,
                Duration::from_secs(60),
            )),
            login_address_throttle: Arc::new(Throttle::new(
                config.limits.login_per_address_per_minute,
                Duration::from_secs(60),
            )),
            register_throttle: Arc::new(Throttle::new(
                config.limits.register_per_address_per_hour,
                Duration::from_secs(3600),
            )),
            post_throttle: Arc::new(Throttle::new(
                config.moderation.posts_per_hour,
                Duration::from_secs(3600),
            )),
            new_account_throttle: Arc::new(Throttle::new(
                config.moderation.new_account_posts_per_hour,
                Duration::from_secs(3600),
            )),
            remote_throttle: Arc::new(Throttle::new(
                config.moderation.remote_activities_per_minute,
                Duration::from_secs(60),
            )),
            instance: Arc::new(instance),
            delivery_wakeup: jobs::delivery::Wakeup::default(),
            mail_wakeup: Default::default(),
            answers: Arc::new(api::cache::AnswerCache::new(Duration::from_millis(
                config.cache.anonymous_ttl_ms,
            ))),
            notices: Arc::default(),
            site: Arc::default(),
            webhook_wakeup: Default::default(),
            config: Arc::new(config),
            store,
        })
    }
}

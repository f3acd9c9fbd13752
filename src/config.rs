//! Settings: a TOML file, then `GUILDHALL_*` environment overrides, then
//! validation. Anything wrong stops start-up with one message naming the key.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationMode {
    Open,
    Approval,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupCreation {
    Anyone,
    Admins,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub public_url: String,
    /// The name of this community, shown to people and in NodeInfo.
    pub site_name: String,
    pub bind: String,
    pub data_dir: PathBuf,
    /// Empty means the SQLite file `guildhall.db` in `data_dir`.
    pub database_url: String,
    pub registration: RegistrationMode,
    pub database: DatabaseConfig,
    pub log: LogConfig,
    pub community: CommunityConfig,
    pub moderation: ModerationConfig,
    pub reputation: crate::reputation::settings::ReputationConfig,
    pub limits: LimitsConfig,
    pub keys: KeysConfig,
    pub federation: FederationConfig,
    pub cache: CacheConfig,
    pub events: EventsConfig,
    pub notifications: NotificationsConfig,
    pub smtp: SmtpConfig,
    pub email: EmailConfig,
    pub metrics: MetricsConfig,
    pub webhooks: WebhooksConfig,
    pub articles: ArticlesConfig,
    pub media: MediaConfig,
    pub escalation: EscalationConfig,
    pub influence: InfluenceConfig,
    pub analytics: AnalyticsConfig,
}

/// Blogs, articles and their feeds (docs/content.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArticlesConfig {
    /// The longest summary of an article, in characters.
    pub summary_chars: usize,
    /// The most tags an article has.
    pub max_tags: usize,
    /// The scheduler wakes at the next scheduled article's time, and at
    /// least this often (an article scheduled meanwhile comes out by then).
    pub schedule_check_secs: u64,
    /// Items in an RSS or Atom feed.
    pub feed_items: i64,
}

impl Default for ArticlesConfig {
    fn default() -> Self {
        ArticlesConfig {
            summary_chars: 500,
            max_tags: 10,
            schedule_check_secs: 30,
            feed_items: 20,
        }
    }
}

/// Influence rankings (docs/analytics.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InfluenceConfig {
    /// How often the rankings are computed, in seconds.
    pub period_secs: u64,
}

impl Default for InfluenceConfig {
    fn default() -> Self {
        InfluenceConfig {
            period_secs: 24 * 3600,
        }
    }
}

/// Where uploaded media are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaStoreKind {
    /// A folder: `media` under `data_dir`.
    Folder,
    /// An S3-compatible object store, shared by several processes or machines.
    S3,
}

/// Uploads and media (docs/content.md, "Media and galleries").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaConfig {
    pub store: MediaStoreKind,
    /// Largest upload read; a larger body is refused while it is read.
    pub max_upload_bytes: usize,
    /// Largest image (width times height) decoded; checked from its header.
    pub max_pixels: u64,
    /// Larger images are scaled down to fit this width and height.
    pub max_dimension: u32,
    /// The thumbnail's largest side.
    pub thumbnail_size: u32,
    /// Uploads never attached are removed after this many hours.
    pub orphan_grace_hours: u32,
    pub s3: S3Config,
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig {
            store: MediaStoreKind::Folder,
            max_upload_bytes: 10 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_dimension: 4096,
            thumbnail_size: 400,
            orphan_grace_hours: 24,
            s3: S3Config::default(),
        }
    }
}

/// The S3-compatible bucket of `media.store = "s3"`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct S3Config {
    pub bucket: String,
    /// Empty for AWS itself; the URL of any other S3-compatible server.
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Allows an http:// endpoint (a server on the same machine or network).
    pub allow_http: bool,
}

/// Escalation of unanswered questions (docs/content.md): the default
/// response targets of a group, and how often the job checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EscalationConfig {
    /// How often due escalations are looked for.
    pub check_secs: u64,
    /// A question without a reply this long reaches the group's
    /// moderators and the staff (a group may set its own).
    pub first_target_secs: u64,
    /// ... and this long, the admins.
    pub second_target_secs: u64,
}

impl Default for EscalationConfig {
    fn default() -> Self {
        EscalationConfig {
            check_secs: 60,
            first_target_secs: 24 * 3600,
            second_target_secs: 48 * 3600,
        }
    }
}

/// The webhook sender (docs/integrations.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhooksConfig {
    /// Attempts of one delivery before it is given up.
    pub max_attempts: u32,
    /// The first retry waits this long; each next one twice as long.
    pub retry_base_secs: u32,
    /// A webhook is switched off after this many failed deliveries in a
    /// row (0: never).
    pub disable_after_failures: u32,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        WebhooksConfig {
            max_attempts: 8,
            retry_base_secs: 30,
            disable_after_failures: 20,
        }
    }
}

/// Prometheus metrics at `/metrics` (docs/deployment.md).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    pub enabled: bool,
    /// When set, `/metrics` on the main address answers only requests with
    /// `Authorization: Bearer <token>`.
    pub token: String,
    /// When set (e.g. "127.0.0.1:9464"), `/metrics` is served on this
    /// address only, and not on the main one.
    pub bind: String,
}

/// The SMTP server mail goes out through. An empty `url`: this server
/// sends no mail, and what needs mail says so.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// lettre's connection URL: `smtp://host:port` (plain),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host` (TLS from the start).
    pub url: String,
    /// The sender of every mail: `Name <address>` or an address.
    pub from: String,
}

impl SmtpConfig {
    /// Whether mail can be sent at all.
    pub fn configured(&self) -> bool {
        !self.url.is_empty()
    }
}

/// Whether an email address must be confirmed before logging in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verification {
    /// Sign-up needs an address, and logging in waits for its confirmation.
    Required,
    /// A verification mail is sent; the account is usable meanwhile.
    Optional,
    /// No verification mail; addresses are used as given.
    Off,
}

/// Mail to members: verification, password reset, notifications.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    pub verification: Verification,
    /// How long a verification link works.
    pub verify_link_hours: u32,
    /// How long a password reset link works.
    pub reset_link_minutes: u32,
    /// A mail still failing after this many hours is given up.
    pub give_up_after_hours: u32,
    /// The first retry waits this long; each next one twice as long.
    pub retry_base_secs: u32,
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            verification: Verification::Optional,
            verify_link_hours: 48,
            reset_link_minutes: 60,
            give_up_after_hours: 48,
            retry_base_secs: 60,
        }
    }
}

/// The notification stream (docs/notifications.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotificationsConfig {
    /// How often an open stream looks for notifications another process
    /// stored (this process's own wake it at once).
    pub stream_poll_ms: u64,
    /// A stream silent this long sends a comment line, so proxies and
    /// clients keep it open.
    pub keep_alive_secs: u64,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        NotificationsConfig {
            stream_poll_ms: 2000,
            keep_alive_secs: 20,
        }
    }
}

/// The event log and its consumers (docs/ARCHITECTURE.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsConfig {
    /// Whether this process runs the consumers (federation, notifications,
    /// email). Several processes may; off, the process only records events
    /// (a web-only process beside a worker process).
    pub consume: bool,
    /// How often the consumers look for events other processes recorded
    /// (this process's own wake them at once).
    pub poll_ms: u64,
    /// Events applied by every consumer are deleted after this many days.
    pub retention_days: u32,
}

impl Default for EventsConfig {
    fn default() -> Self {
        EventsConfig {
            consume: true,
            poll_ms: 1000,
            retention_days: 14,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    /// How long an answer built for readers without an account (group
    /// feeds, threads) may be served again; 0 turns the cache off.
    pub anonymous_ttl_ms: u64,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            anonymous_ttl_ms: 1000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FederationConfig {
    /// Allows http, ports and loopback addresses for local multi-instance
    /// testing. Never on a public server.
    pub debug: bool,
    /// Deliveries sent at the same time by one process.
    pub delivery_workers: usize,
    /// Most remote fetches one incoming activity or request may cause.
    pub fetch_limit: u32,
    /// Time limit of every outgoing request (fetches and deliveries).
    pub request_timeout_secs: u32,
    /// A delivery still failing after this many hours is dropped.
    pub give_up_after_hours: u32,
    /// The first retry waits this long; each next one twice as long (at
    /// most a day).
    pub retry_base_secs: u32,
    /// A server whose deliveries have failed for this many hours is marked
    /// dead: its deliveries are dropped (one probe a day) until it answers.
    pub dead_after_hours: u32,
}

impl Default for FederationConfig {
    fn default() -> Self {
        FederationConfig {
            debug: false,
            delivery_workers: 32,
            fetch_limit: 20,
            give_up_after_hours: 168,
            retry_base_secs: 30,
            dead_after_hours: 72,
            request_timeout_secs: 10,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub pool_size: u32,
    pub busy_timeout_ms: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommunityConfig {
    pub group_creation: GroupCreation,
    pub downvotes: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    pub request_body_bytes: usize,
    pub title_chars: usize,
    pub post_body_bytes: usize,
    pub comment_body_bytes: usize,
    pub bio_bytes: usize,
    pub description_bytes: usize,
    pub comment_depth: i32,
    pub page_size: i64,
    /// How many of a search's newest matches are ranked (see
    /// `store::search::find`): more ranks deeper and costs more per query.
    pub search_candidates: i64,
    pub login_attempts_per_minute: u32,
    /// Failed logins one client address may make per minute, whatever the
    /// names (0: no limit).
    pub login_per_address_per_minute: u32,
    /// Sign-up attempts one client address may make per hour (0: no limit).
    pub register_per_address_per_hour: u32,
    /// The header a reverse proxy puts the client's address in (e.g.
    /// `X-Forwarded-For`; its last address is the one the proxy added).
    /// Empty: the address the connection comes from is the client's.
    pub trusted_proxy_header: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeysConfig {
    /// RSA key pairs kept ready so sign-up and group creation don't wait.
    pub pool_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: "http://localhost:8080".into(),
            site_name: "Guildhall".into(),
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            registration: RegistrationMode::Open,
            database: DatabaseConfig::default(),
            log: LogConfig::default(),
            community: CommunityConfig::default(),
            moderation: ModerationConfig::default(),
            reputation: Default::default(),
            limits: LimitsConfig::default(),
            keys: KeysConfig::default(),
            federation: FederationConfig::default(),
            cache: CacheConfig::default(),
            events: EventsConfig::default(),
            notifications: NotificationsConfig::default(),
            smtp: SmtpConfig::default(),
            email: EmailConfig::default(),
            metrics: MetricsConfig::default(),
            webhooks: WebhooksConfig::default(),
            articles: ArticlesConfig::default(),
            media: MediaConfig::default(),
            escalation: EscalationConfig::default(),
            influence: InfluenceConfig::default(),
            analytics: AnalyticsConfig::default(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            pool_size: 8,
            busy_timeout_ms: 5000,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}

/// Automatic limits on what people may post (0 turns a limit off).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModerationConfig {
    /// Threads and comments one local account may post per hour.
    pub posts_per_hour: u32,
    /// Activities one remote server may send per minute.
    pub remote_activities_per_minute: u32,
    /// How long an account counts as new.
    pub new_account_days: u32,
    /// Threads and comments a new account may post per hour.
    pub new_account_posts_per_hour: u32,
    /// Whether new accounts may post links.
    pub new_account_links: bool,
    /// Reports weighing this much hide a thread or comment until a
    /// moderator reviews it (a moderator's or admin's report alone does).
    pub flag_threshold: u32,
    /// Whether reports from other servers alone may hide content. Off:
    /// they still count toward `flag_threshold`, but only once a report
    /// made here is among them (see `moderation::flags`).
    pub remote_flags_hide: bool,
}

impl Default for ModerationConfig {
    fn default() -> Self {
        ModerationConfig {
            posts_per_hour: 60,
            remote_activities_per_minute: 60_000,
            new_account_days: 2,
            new_account_posts_per_hour: 10,
            new_account_links: false,
            flag_threshold: 3,
            remote_flags_hide: false,
        }
    }
}

impl Default for CommunityConfig {
    fn default() -> Self {
        CommunityConfig {
            group_creation: GroupCreation::Anyone,
            downvotes: true,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            request_body_bytes: 1024 * 1024,
            title_chars: 200,
            post_body_bytes: 50_000,
            comment_body_bytes: 10_000,
            bio_bytes: 5_000,
            description_bytes: 10_000,
            comment_depth: 50,
            page_size: 20,
            search_candidates: 2_000,
            login_attempts_per_minute: 10,
            login_per_address_per_minute: 30,
            register_per_address_per_hour: 10,
            trusted_proxy_header: String::new(),
        }
    }
}

impl Default for KeysConfig {
    fn default() -> Self {
        KeysConfig { pool_size: 4 }
    }
}

/// A setting that stops start-up: which key, and what is wrong with it.
#[derive(Debug)]
pub struct ConfigError {
    pub key: String,
    pub problem: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "configuration error: `{}`: {}", self.key, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn config_error(key: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.into(),
        problem: problem.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueKind {
    Text,
    Integer,
    Boolean,
}

/// Every key that an environment variable can override. The variable is
/// `GUILDHALL_` followed by the key in capitals with `.` as `_`
/// (`log.format` -> `GUILDHALL_LOG_FORMAT`).
const OVERRIDABLE: &[(&str, ValueKind)] = &[
    ("public_url", ValueKind::Text),
    ("site_name", ValueKind::Text),
    ("bind", ValueKind::Text),
    ("data_dir", ValueKind::Text),
    ("database_url", ValueKind::Text),
    ("registration", ValueKind::Text),
    ("database.pool_size", ValueKind::Integer),
    ("database.busy_timeout_ms", ValueKind::Integer),
    ("log.format", ValueKind::Text),
    ("log.level", ValueKind::Text),
    ("community.group_creation", ValueKind::Text),
    ("community.downvotes", ValueKind::Boolean),
    ("moderation.posts_per_hour", ValueKind::Integer),
    (
        "moderation.remote_activities_per_minute",
        ValueKind::Integer,
    ),
    ("moderation.new_account_days", ValueKind::Integer),
    ("moderation.new_account_posts_per_hour", ValueKind::Integer),
    ("moderation.new_account_links", ValueKind::Boolean),
    ("moderation.flag_threshold", ValueKind::Integer),
    ("moderation.remote_flags_hide", ValueKind::Boolean),
    ("reputation.daily_vote_cap", ValueKind::Integer),
    ("reputation.daily_instance_cap", ValueKind::Integer),
    ("reputation.serial_vote_limit", ValueKind::Integer),
    ("limits.request_body_bytes", ValueKind::Integer),
    ("limits.title_chars", ValueKind::Integer),
    ("limits.post_body_bytes", ValueKind::Integer),
    ("limits.comment_body_bytes", ValueKind::Integer),
    ("limits.bio_bytes", ValueKind::Integer),
    ("limits.description_bytes", ValueKind::Integer),
    ("limits.comment_depth", ValueKind::Integer),
    ("limits.page_size", ValueKind::Integer),
    ("limits.search_candidates", ValueKind::Integer),
    ("limits.login_attempts_per_minute", ValueKind::Integer),
    ("limits.login_per_address_per_minute", ValueKind::Integer),
    ("limits.register_per_address_per_hour", ValueKind::Integer),
    ("limits.trusted_proxy_header", ValueKind::Text),
    ("keys.pool_size", ValueKind::Integer),
    ("federation.debug", ValueKind::Boolean),
    ("federation.delivery_workers", ValueKind::Integer),
    ("federation.fetch_limit", ValueKind::Integer),
    ("federation.give_up_after_hours", ValueKind::Integer),
    ("federation.retry_base_secs", ValueKind::Integer),
    ("federation.dead_after_hours", ValueKind::Integer),
    ("federation.request_timeout_secs", ValueKind::Integer),
    ("cache.anonymous_ttl_ms", ValueKind::Integer),
    ("events.consume", ValueKind::Boolean),
    ("events.poll_ms", ValueKind::Integer),
    ("events.retention_days", ValueKind::Integer),
    ("notifications.stream_poll_ms", ValueKind::Integer),
    ("notifications.keep_alive_secs", ValueKind::Integer),
    ("webhooks.max_attempts", ValueKind::Integer),
    ("webhooks.retry_base_secs", ValueKind::Integer),
    ("webhooks.disable_after_failures", ValueKind::Integer),
    ("articles.summary_chars", ValueKind::Integer),
    ("articles.max_tags", ValueKind::Integer),
    ("articles.schedule_check_secs", ValueKind::Integer),
    ("articles.feed_items", ValueKind::Integer),
    ("metrics.enabled", ValueKind::Boolean),
    ("metrics.token", ValueKind::Text),
    ("metrics.bind", ValueKind::Text),
    ("smtp.url", ValueKind::Text),
    ("smtp.from", ValueKind::Text),
    ("email.verification", ValueKind::Text),
    ("email.verify_link_hours", ValueKind::Integer),
    ("email.reset_link_minutes", ValueKind::Integer),
    ("email.give_up_after_hours", ValueKind::Integer),
    ("email.retry_base_secs", ValueKind::Integer),
    ("media.store", ValueKind::Text),
    ("media.max_upload_bytes", ValueKind::Integer),
    ("media.max_pixels", ValueKind::Integer),
    ("media.max_dimension", ValueKind::Integer),
    ("media.thumbnail_size", ValueKind::Integer),
    ("media.orphan_grace_hours", ValueKind::Integer),
    ("media.s3.bucket", ValueKind::Text),
    ("media.s3.endpoint", ValueKind::Text),
    ("media.s3.region", ValueKind::Text),
    ("media.s3.access_key_id", ValueKind::Text),
    ("media.s3.secret_access_key", ValueKind::Text),
    ("media.s3.allow_http", ValueKind::Boolean),
    ("escalation.check_secs", ValueKind::Integer),
    ("escalation.first_target_secs", ValueKind::Integer),
    ("escalation.second_target_secs", ValueKind::Integer),
    ("influence.period_secs", ValueKind::Integer),
    ("analytics.period_secs", ValueKind::Integer),
];

/// The environment variable that overrides `key`.
pub fn env_var_for(key: &str) -> String {
    format!("GUILDHALL_{}", key.replace('.', "_").to_uppercase())
}

/// (environment variable, key) for every overridable key.
pub fn env_overrides() -> Vec<(String, &'static str)> {
    OVERRIDABLE
        .iter()
        .map(|(k, _)| (env_var_for(k), *k))
        .collect()
}

/// The database backend, picked by the URL's scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Config {
    /// Reads the file (if any), applies the environment, validates.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Config::load_from(file, &env)
    }

    pub fn load_from(file: Option<&Path>, env: &[(String, String)]) -> Result<Config, ConfigError> {
        let mut tree = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    config_error("--config", format!("cannot read {}: {e}", path.display()))
                })?;
                text.parse::<toml::Table>().map_err(|e| {
                    config_error(
                        "--config",
                        format!("{} is not valid TOML: {}", path.display(), e.message()),
                    )
                })?
            }
            None => toml::Table::new(),
        };
        for (key, kind) in OVERRIDABLE {
            let var = env_var_for(key);
            if let Some((_, raw)) = env.iter().find(|(k, _)| *k == var) {
                let value = env_value(raw, *kind).ok_or_else(|| {
                    config_error(key, format!("{var}={raw:?} is not a valid {kind:?} value"))
                })?;
                set_path(&mut tree, key, value)
                    .map_err(|_| config_error(key, "the file has a non-table value in its path"))?;
            }
        }
        let config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(tree)).map_err(|e| {
                let key = e.path().to_string();
                let key = if key == "." {
                    "config".to_string()
                } else {
                    key
                };
                config_error(&key, e.into_inner().message().to_string())
            })?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let url = Url::parse(&self.public_url).map_err(|e| {
            config_error(
                "public_url",
                format!("not a URL ({e}): {:?}", self.public_url),
            )
        })?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(config_error(
                "public_url",
                "the scheme must be http or https",
            ));
        }
        if url.host_str().is_none() {
            return Err(config_error("public_url", "has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(config_error(
                "public_url",
                "must not hold a user name or password: it is the prefix of every public id",
            ));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(config_error(
                "public_url",
                "must be scheme, host and optional port only (no path, query or fragment)",
            ));
        }
        let name_len = self.site_name.trim().chars().count();
        if !(1..=100).contains(&name_len) {
            return Err(config_error("site_name", "must have 1 to 100 characters"));
        }
        self.bind
            .parse::<SocketAddr>()
            .map_err(|_| config_error("bind", format!("not an address:port: {:?}", self.bind)))?;
        self.database_target()?;
        if self.data_dir.as_os_str().is_empty() {
            return Err(config_error("data_dir", "must not be empty"));
        }
        if !(1..=1000).contains(&self.database.pool_size) {
            return Err(config_error(
                "database.pool_size",
                "must be between 1 and 1000",
            ));
        }
        let f = &self.federation;
        if !(1..=256).contains(&f.delivery_workers) {
            return Err(config_error(
                "federation.delivery_workers",
                "must be between 1 and 256",
            ));
        }
        if !(1..=1000).contains(&f.fetch_limit) {
            return Err(config_error(
                "federation.fetch_limit",
                "must be between 1 and 1000",
            ));
        }
        if !(1..=3600).contains(&f.retry_base_secs) {
            return Err(config_error(
                "federation.retry_base_secs",
                "must be between 1 and 3600",
            ));
        }
        if f.give_up_after_hours == 0 {
            return Err(config_error(
                "federation.give_up_after_hours",
                "must be at least 1",
            ));
        }
        if !(1..=300).contains(&f.request_timeout_secs) {
            return Err(config_error(
                "federation.request_timeout_secs",
                "must be between 1 and 300",
            ));
        }
        if f.dead_after_hours == 0 {
            return Err(config_error(
                "federation.dead_after_hours",
                "must be at least 1",
            ));
        }
        if let Some((key, problem)) = self.reputation.problem() {
            return Err(config_error(key, problem));
        }
        if self.keys.pool_size > 1000 {
            return Err(config_error("keys.pool_size", "must be at most 1000"));
        }
        if self
            .log
            .level
            .parse::<tracing_subscriber::filter::EnvFilter>()
            .is_err()
        {
            return Err(config_error(
                "log.level",
                format!("not a log filter: {:?}", self.log.level),
            ));
        }
        let l = &self.limits;
        for (key, value) in [
            ("limits.request_body_bytes", l.request_body_bytes),
            ("limits.title_chars", l.title_chars),
            ("limits.post_body_bytes", l.post_body_bytes),
            ("limits.comment_body_bytes", l.comment_body_bytes),
            ("limits.bio_bytes", l.bio_bytes),
            ("limits.description_bytes", l.description_bytes),
        ] {
            if value == 0 {
                return Err(config_error(key, "must be greater than 0"));
            }
        }
        if l.post_body_bytes >= l.request_body_bytes || l.comment_body_bytes >= l.request_body_bytes
        {
            return Err(config_error(
                "limits.request_body_bytes",
                "must be larger than limits.post_body_bytes and limits.comment_body_bytes",
            ));
        }
        if !(1..=100).contains(&l.page_size) {
            return Err(config_error(
                "limits.page_size",
                "must be between 1 and 100",
            ));
        }
        if l.search_candidates < l.page_size {
            return Err(config_error(
                "limits.search_candidates",
                "must be at least limits.page_size",
            ));
        }
        if l.comment_depth < 1 {
            return Err(config_error("limits.comment_depth", "must be at least 1"));
        }
        if l.login_attempts_per_minute == 0 {
            return Err(config_error(
                "limits.login_attempts_per_minute",
                "must be at least 1",
            ));
        }
        if !l.trusted_proxy_header.is_empty()
            && actix_web::http::header::HeaderName::from_bytes(l.trusted_proxy_header.as_bytes())
                .is_err()
        {
            return Err(config_error(
                "limits.trusted_proxy_header",
                format!("not a header name: {:?}", l.trusted_proxy_header),
            ));
        }
        if self.webhooks.max_attempts == 0 || self.webhooks.retry_base_secs == 0 {
            return Err(config_error(
                "webhooks",
                "max_attempts and retry_base_secs must be greater than 0",
            ));
        }
        if self.articles.schedule_check_secs == 0 || !(1..=100).contains(&self.articles.feed_items)
        {
            return Err(config_error(
                "articles",
                "schedule_check_secs must be greater than 0, feed_items from 1 to 100",
            ));
        }
        if !self.metrics.bind.is_empty()
            && self.metrics.bind.parse::<std::net::SocketAddr>().is_err()
        {
            return Err(config_error(
                "metrics.bind",
                format!(
                    "not an address and port: {:?} (e.g. 127.0.0.1:9464)",
                    self.metrics.bind
                ),
            ));
        }
        let esc = &self.escalation;
        if esc.check_secs == 0 || esc.first_target_secs == 0 {
            return Err(config_error(
                "escalation",
                "check_secs and first_target_secs must be greater than 0",
            ));
        }
        if self.influence.period_secs < 60 {
            return Err(config_error(
                "influence.period_secs",
                "must be at least 60 (a computation reads every interaction)",
            ));
        }
        if self.analytics.period_secs < 60 {
            return Err(config_error(
                "analytics.period_secs",
                "must be at least 60 (a roll-up reads the open days' content)",
            ));
        }
        if esc.second_target_secs <= esc.first_target_secs {
            return Err(config_error(
                "escalation.second_target_secs",
                "must be longer than first_target_secs",
            ));
        }
        self.validate_mail()?;
        self.validate_media()
    }

    fn validate_media(&self) -> Result<(), ConfigError> {
        let m = &self.media;
        for (key, value) in [
            ("media.max_upload_bytes", m.max_upload_bytes as u64),
            ("media.max_pixels", m.max_pixels),
            ("media.max_dimension", u64::from(m.max_dimension)),
            ("media.thumbnail_size", u64::from(m.thumbnail_size)),
        ] {
            if value == 0 {
                return Err(config_error(key, "must be greater than 0"));
            }
        }
        if m.max_dimension > 16384 {
            return Err(config_error("media.max_dimension", "must be at most 16384"));
        }
        if m.store == MediaStoreKind::S3 {
            if m.s3.bucket.is_empty() {
                return Err(config_error(
                    "media.s3.bucket",
                    "media.store = \"s3\" needs a bucket",
                ));
            }
            if !m.s3.endpoint.is_empty() && Url::parse(&m.s3.endpoint).is_err() {
                return Err(config_error(
                    "media.s3.endpoint",
                    format!("not a URL: {:?}", m.s3.endpoint),
                ));
            }
        }
        Ok(())
    }

    fn validate_mail(&self) -> Result<(), ConfigError> {
        let (smtp, email) = (&self.smtp, &self.email);
        if smtp.configured() {
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&smtp.url).map_err(
                |e| {
                    config_error(
                        "smtp.url",
                        format!("not an SMTP URL ({e}); see docs/configuration.md"),
                    )
                },
            )?;
            if smtp.from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(config_error(
                    "smtp.from",
                    format!("not a sender address: {:?}", smtp.from),
                ));
            }
        } else if email.verification == Verification::Required {
            return Err(config_error(
                "email.verification",
                "\"required\" needs mail: set smtp.url and smtp.from, or choose \"optional\" or \"off\"",
            ));
        }
        for (key, value) in [
            ("email.verify_link_hours", email.verify_link_hours),
            ("email.reset_link_minutes", email.reset_link_minutes),
            ("email.give_up_after_hours", email.give_up_after_hours),
        ] {
            if value == 0 {
                return Err(config_error(key, "must be at least 1"));
            }
        }
        if !(1..=3600).contains(&email.retry_base_secs) {
            return Err(config_error(
                "email.retry_base_secs",
                "must be between 1 and 3600",
            ));
        }
        Ok(())
    }

    /// The public URL without a trailing slash, the prefix of every id.
    pub fn base_url(&self) -> String {
        self.public_url.trim_end_matches('/').to_string()
    }

    /// `host[:port]` of the public URL: the domain of this instance.
    pub fn domain(&self) -> String {
        Url::parse(&self.public_url)
            .ok()
            .map(|u| match (u.host_str(), u.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                _ => String::new(),
            })
            .unwrap_or_default()
    }

    pub fn database_target(&self) -> Result<DatabaseTarget, ConfigError> {
        if self.database_url.is_empty() {
            return Ok(DatabaseTarget::Sqlite(self.data_dir.join("guildhall.db")));
        }
        let url = self.database_url.as_str();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseTarget::Postgres(url.to_string()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(config_error(
                    "database_url",
                    "sqlite: URL without a file path",
                ));
            }
            return Ok(DatabaseTarget::Sqlite(PathBuf::from(path)));
        }
        Err(config_error(
            "database_url",
            format!("unsupported URL {url:?}: use sqlite://PATH or postgres://USER@HOST:PORT/DB"),
        ))
    }
}

fn env_value(raw: &str, kind: ValueKind) -> Option<toml::Value> {
    match kind {
        ValueKind::Text => Some(toml::Value::String(raw.to_string())),
        ValueKind::Integer => raw.trim().parse::<i64>().ok().map(toml::Value::Integer),
        ValueKind::Boolean => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(toml::Value::Boolean(true)),
            "false" | "0" | "no" | "off" => Some(toml::Value::Boolean(false)),
            _ => None,
        },
    }
}

/// Sets `a.b.c` in the tree, making missing tables; refuses to replace a
/// non-table value on the way (the file's own error must not be hidden).
fn set_path(tree: &mut toml::Table, dotted: &str, value: toml::Value) -> Result<(), ()> {
    let mut parts: Vec<&str> = dotted.split('.').collect();
    let last = parts.pop().ok_or(())?;
    let mut node = tree;
    for part in parts {
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        match entry {
            toml::Value::Table(t) => node = t,
            _ => return Err(()),
        }
    }
    node.insert(last.to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_valid() {
        let c = Config::load_from(None, &[]).expect("defaults");
        assert_eq!(c.public_url, "http://localhost:8080");
        assert_eq!(c.domain(), "localhost:8080");
        assert_eq!(
            c.database_target().expect("target"),
            DatabaseTarget::Sqlite(PathBuf::from("./data/guildhall.db"))
        );
    }

    #[test]
    fn env_overrides_file_values() {
        let c = Config::load_from(
            None,
            &env(&[
                ("GUILDHALL_PUBLIC_URL", "https://brand.example"),
                ("GUILDHALL_REGISTRATION", "approval"),
                ("GUILDHALL_COMMUNITY_DOWNVOTES", "false"),
                ("GUILDHALL_DATABASE_POOL_SIZE", "3"),
            ]),
        )
        .expect("valid");
        assert_eq!(c.domain(), "brand.example");
        assert_eq!(c.registration, RegistrationMode::Approval);
        assert!(!c.community.downvotes);
        assert_eq!(c.database.pool_size, 3);
    }

    #[test]
    fn bad_values_name_their_key() {
        let e = Config::load_from(None, &env(&[("GUILDHALL_REGISTRATION", "sometimes")]))
            .expect_err("invalid");
        assert_eq!(e.key, "registration");
        let e =
            Config::load_from(None, &env(&[("GUILDHALL_BIND", "nowhere")])).expect_err("bad bind");
        assert_eq!(e.key, "bind");
        let e = Config::load_from(None, &env(&[("GUILDHALL_DATABASE_URL", "mysql://x")]))
            .expect_err("bad url");
        assert_eq!(e.key, "database_url");
        let e = Config::load_from(
            None,
            &env(&[("GUILDHALL_PUBLIC_URL", "https://x.example/sub")]),
        )
        .expect_err("path");
        assert_eq!(e.key, "public_url");
        let e = Config::load_from(None, &env(&[("GUILDHALL_COMMUNITY_DOWNVOTES", "maybe")]))
            .expect_err("bool");
        assert_eq!(e.key, "community.downvotes");
        let e = Config::load_from(None, &env(&[("GUILDHALL_LIMITS_PAGE_SIZE", "many")]))
            .expect_err("int");
        assert_eq!(e.key, "limits.page_size");
        let e = Config::load_from(
            None,
            &env(&[("GUILDHALL_PUBLIC_URL", "https://u:p@x.example")]),
        )
        .expect_err("userinfo");
        assert_eq!(e.key, "public_url");
    }

    #[test]
    fn every_key_has_its_variable() {
        let vars = env_overrides();
        assert!(vars.contains(&("GUILDHALL_LOG_FORMAT".to_string(), "log.format")));
        assert!(vars.contains(&(
            "GUILDHALL_COMMUNITY_DOWNVOTES".to_string(),
            "community.downvotes"
        )));
        // Text keys keep digits as text: a numeric data_dir is a folder name.
        let c = Config::load_from(None, &env(&[("GUILDHALL_DATA_DIR", "2024")])).expect("valid");
        assert_eq!(c.data_dir, PathBuf::from("2024"));
    }

    #[test]
    fn unknown_key_in_file_is_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[log]\nformatt = \"json\"\n").expect("write");
        let e = Config::load_from(Some(&path), &[]).expect_err("unknown");
        assert!(e.to_string().contains("formatt"), "{e}");
    }

    #[test]
    fn mail_settings_are_checked() {
        let e = Config::load_from(None, &env(&[("GUILDHALL_EMAIL_VERIFICATION", "required")]))
            .expect_err("required without SMTP");
        assert_eq!(e.key, "email.verification");
        let e = Config::load_from(
            None,
            &env(&[
                ("GUILDHALL_SMTP_URL", "smtp://localhost:2525"),
                ("GUILDHALL_SMTP_FROM", "not an address"),
            ]),
        )
        .expect_err("bad sender");
        assert_eq!(e.key, "smtp.from");
        let e = Config::load_from(
            None,
            &env(&[
                ("GUILDHALL_SMTP_URL", "ftp://localhost"),
                ("GUILDHALL_SMTP_FROM", "hall@example.com"),
            ]),
        )
        .expect_err("bad url");
        assert_eq!(e.key, "smtp.url");
        let c = Config::load_from(
            None,
            &env(&[
                ("GUILDHALL_SMTP_URL", "smtp://localhost:2525"),
                ("GUILDHALL_SMTP_FROM", "Guildhall <hall@example.com>"),
                ("GUILDHALL_EMAIL_VERIFICATION", "required"),
            ]),
        )
        .expect("valid");
        assert!(c.smtp.configured());
    }

    #[test]
    fn database_url_schemes() {
        let mut c = Config {
            database_url: "sqlite:///tmp/x.db".into(),
            ..Config::default()
        };
        assert_eq!(
            c.database_target().expect("sqlite"),
            DatabaseTarget::Sqlite(PathBuf::from("/tmp/x.db"))
        );
        c.database_url = "postgresql://u@h/db".into();
        assert!(matches!(
            c.database_target(),
            Ok(DatabaseTarget::Postgres(_))
        ));
    }
}

/// Community analytics (docs/analytics.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyticsConfig {
    /// How often the daily rollups are brought up to date, in seconds.
    pub period_secs: u64,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig { period_secs: 3600 }
    }
}

//! `bench`: Guildhall's benchmark harness. It starts real Guildhall servers
//! in this process on loopback ports (SQLite in a temporary folder, and
//! PostgreSQL in a database of its own that it drops afterwards), drives
//! them over HTTP, and prints a Markdown table of what it measured.
//!
//! ```sh
//! cargo run --release --bin bench                       # everything
//! cargo run --release --bin bench -- --quick            # tiny sizes (the CI smoke run)
//! cargo run --release --bin bench -- --only inbox,read  # some sections
//! ```
//!
//! Sections: `inbox` (signed Create(Note) activities POSTed concurrently to
//! the shared inbox), `fanout` (a new thread relayed to K inboxes of
//! signature-checking sink servers), `read` (group feed and thread JSON
//! under concurrent load), `growth` (the same with 10k, 100k and 1M
//! generated threads), `memory` (the `guildhall` binary as a child
//! process: start-up time, RSS idle and under inbox load, binary size) and
//! `limits` (RSA signatures per second per core, single-row inserts per
//! second), `search` (full-text search at 1M threads of generated text,
//! anonymous and as a club's member) and `pages` (the group and thread
//! pages as HTML at 1M threads, anonymous and signed in) and `analytics`
//! (the figures' roll-up, and the instance and group dashboards at 1M
//! threads and 100k members). PostgreSQL runs when `--postgres URL` (or
//! `GUILDHALL_TEST_POSTGRES_URL`) names a server where the user may create
//! databases. Nothing leaves the machine: every server listens on
//! 127.0.0.1, every request loop is bounded in count and time.
//! How the figures are read is in docs/performance.md.

use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use clap::{Parser, ValueEnum};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use guildhall::config::Config;
use guildhall::server::{self, RunningServer};
use guildhall::store::{self, DbConn, Store};
use guildhall::App;
use rand::{Rng, SeedableRng};
use rsa::pkcs1v15::{SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
const AP_JSON: &str = "application/activity+json";

// ---------------------------------------------------------------- CLI ---

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Section {
    Inbox,
    Fanout,
    Read,
    Growth,
    Memory,
    Limits,
    Search,
    Pages,
    Analytics,
}

#[derive(Parser)]
#[command(
    name = "bench",
    about = "Guildhall's benchmark harness: real servers on loopback, a Markdown table on stdout"
)]
struct Cli {
    /// Tiny sizes; finishes in well under a minute (the CI smoke run).
    #[arg(long)]
    quick: bool,
    /// Only these sections (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Section>,
    /// A PostgreSQL server URL where the user may create databases; without
    /// it the PostgreSQL rows are skipped.
    #[arg(long, env = "GUILDHALL_TEST_POSTGRES_URL")]
    postgres: Option<String>,
}

/// How big each section is.
struct Sizes {
    inbox_n: usize,
    inbox_relay_n: usize,
    inbox_actors: usize,
    inbox_concurrency: usize,
    fanout_k: Vec<usize>,
    read_threads: usize,
    read_comments: usize,
    read_secs: f64,
    read_concurrency: usize,
    growth: Vec<usize>,
    growth_secs: f64,
    memory_runs: usize,
    limit_secs: f64,
    wait_secs: u64,
    search_threads: usize,
    search_club_threads: usize,
    search_secs: f64,
    search_concurrency: usize,
    page_secs: f64,
    analytics_threads: usize,
    analytics_members: usize,
    analytics_secs: f64,
}

impl Sizes {
    fn full() -> Sizes {
        Sizes {
            inbox_n: 6000,
            inbox_relay_n: 2000,
            inbox_actors: 32,
            inbox_concurrency: 32,
            fanout_k: vec![100, 1000],
            read_threads: 1000,
            read_comments: 50,
            read_secs: 5.0,
            read_concurrency: 32,
            growth: vec![10_000, 100_000, 1_000_000],
            growth_secs: 4.0,
            memory_runs: 5,
            limit_secs: 2.0,
            wait_secs: 300,
            search_threads: 1_000_000,
            search_club_threads: 10_000,
            search_secs: 5.0,
            search_concurrency: 4,
            page_secs: 3.0,
            analytics_threads: 1_000_000,
            analytics_members: 100_000,
            analytics_secs: 3.0,
        }
    }

    fn quick() -> Sizes {
        Sizes {
            inbox_n: 50,
            inbox_relay_n: 20,
            inbox_actors: 2,
            inbox_concurrency: 8,
            fanout_k: vec![5],
            read_threads: 100,
            read_comments: 10,
            read_secs: 0.2,
            read_concurrency: 8,
            growth: vec![500],
            growth_secs: 0.2,
            memory_runs: 1,
            limit_secs: 0.1,
            wait_secs: 60,
            search_threads: 2_000,
            search_club_threads: 200,
            search_secs: 0.3,
            search_concurrency: 2,
            page_secs: 0.3,
            analytics_threads: 2_000,
            analytics_members: 200,
            analytics_secs: 0.3,
        }
    }
}

// ------------------------------------------------------------- output ---

struct Row {
    section: &'static str,
    what: String,
    backend: String,
    value: String,
    p50: String,
    p99: String,
    notes: String,
}

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        section: &'static str,
        what: impl Into<String>,
        backend: &str,
        value: impl Into<String>,
        p50: impl Into<String>,
        p99: impl Into<String>,
        notes: impl Into<String>,
    ) {
        let row = Row {
            section,
            what: what.into(),
            backend: backend.to_string(),
            value: value.into(),
            p50: p50.into(),
            p99: p99.into(),
            notes: notes.into(),
        };
        eprintln!(
            "  {} | {} | {} | {} | p50 {} | p99 {} | {}",
            row.section, row.what, row.backend, row.value, row.p50, row.p99, row.notes
        );
        self.rows.push(row);
    }

    fn print(&self) {
        println!("| | what | backend | figure | p50 | p99 | notes |");
        println!("|---|---|---|---|---|---|---|");
        for r in &self.rows {
            println!(
                "| {} | {} | {} | {} | {} | {} | {} |",
                r.section, r.what, r.backend, r.value, r.p50, r.p99, r.notes
            );
        }
    }
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.2} ms")
    } else {
        format!("{m:.1} ms")
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn per_sec(n: f64, d: Duration) -> f64 {
    n / d.as_secs_f64().max(1e-9)
}

fn count(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1000 && n % 1000 == 0 => format!("{}k", n / 1000),
        n => n.to_string(),
    }
}

// -------------------------------------------------------------- stats ---

/// Latencies of one load run.
struct Stats {
    ok: usize,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
    latencies_us: Vec<u64>,
    /// CPU time of this whole process (servers and load generator) while
    /// the run lasted, in clock ticks.
    cpu_ticks: u64,
}

impl Stats {
    /// CPU milliseconds per successful request, servers and load generator
    /// together (from /proc/self/stat, 10 ms ticks).
    fn cpu_note(&self) -> String {
        let hz = 100.0;
        let cpu_ms = self.cpu_ticks as f64 * 1000.0 / hz;
        format!(
            "{:.2} ms CPU per request (this process: server + load generator), {:.0}% of 2 cores",
            cpu_ms / self.ok.max(1) as f64,
            cpu_ms / self.elapsed.as_secs_f64().max(1e-9) / 1000.0 * 50.0
        )
    }

    fn rate(&self) -> f64 {
        per_sec(self.ok as f64, self.elapsed)
    }

    fn pct(&self, p: f64) -> Duration {
        if self.latencies_us.is_empty() {
            return Duration::ZERO;
        }
        let mut v = self.latencies_us.clone();
        v.sort_unstable();
        let i = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        Duration::from_micros(v[i])
    }

    fn p50(&self) -> String {
        ms(self.pct(0.50))
    }

    fn p99(&self) -> String {
        ms(self.pct(0.99))
    }

    fn error_note(&self) -> String {
        match &self.first_error {
            Some(e) => format!("; {} errors, first: {e}", self.errors),
            None => String::new(),
        }
    }
}

struct Collector {
    latencies_us: Vec<u64>,
    ok: usize,
    errors: usize,
    first_error: Option<String>,
}

impl Collector {
    fn new() -> Collector {
        Collector {
            latencies_us: Vec::new(),
            ok: 0,
            errors: 0,
            first_error: None,
        }
    }

    async fn record(&mut self, started: Instant, res: reqwest::Result<reqwest::Response>) {
        match res {
            Ok(r) if r.status().is_success() => {
                // Read the whole answer: a request is done when its body is.
                let body = r.bytes().await;
                let took = started.elapsed();
                if body.is_ok() {
                    self.ok += 1;
                    self.latencies_us.push(took.as_micros() as u64);
                } else {
                    self.fail("the answer's body could not be read".into());
                }
            }
            Ok(r) => {
                let status = r.status();
                let text = r.text().await.unwrap_or_default();
                self.fail(format!(
                    "{status}: {}",
                    text.chars().take(200).collect::<String>()
                ));
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    fn fail(&mut self, e: String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(e);
        }
    }
}

fn merge(parts: Vec<Collector>, elapsed: Duration, cpu_before: Option<u64>) -> Stats {
    let cpu_ticks = match (cpu_before, cpu_ticks("self")) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => 0,
    };
    let mut s = Stats {
        ok: 0,
        errors: 0,
        first_error: None,
        elapsed,
        latencies_us: Vec::new(),
        cpu_ticks,
    };
    for p in parts {
        s.ok += p.ok;
        s.errors += p.errors;
        if s.first_error.is_none() {
            s.first_error = p.first_error;
        }
        s.latencies_us.extend(p.latencies_us);
    }
    s
}

fn client(concurrency: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("build the HTTP client")
}

/// Sends every prepared request once, `concurrency` at a time.
async fn run_list(
    http: &reqwest::Client,
    requests: Arc<Vec<Prepared>>,
    url: &str,
    concurrency: usize,
) -> Stats {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu = cpu_ticks("self");
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (http, requests, next, url) = (
                http.clone(),
                requests.clone(),
                next.clone(),
                url.to_string(),
            );
            tokio::spawn(async move {
                let mut c = Collector::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = requests.get(i) else { break };
                    let t = Instant::now();
                    let res = p.send(&http, &url).await;
                    c.record(t, res).await;
                }
                c
            })
        })
        .collect();
    let mut parts = Vec::new();
    for t in tasks {
        parts.push(t.await.expect("a load task panicked"));
    }
    merge(parts, started.elapsed(), cpu)
}

type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// Sends requests made by `make` from `concurrency` tasks for `duration`.
async fn run_for(
    http: &reqwest::Client,
    make: MakeRequest,
    duration: Duration,
    concurrency: usize,
) -> Stats {
    let cpu = cpu_ticks("self");
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..concurrency as u64)
        .map(|task| {
            let (http, make) = (http.clone(), make.clone());
            tokio::spawn(async move {
                let mut c = Collector::new();
                let mut i = 0u64;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let res = make(&http, task.wrapping_mul(1_000_003).wrapping_add(i))
                        .send()
                        .await;
                    c.record(t, res).await;
                    i += 1;
                }
                c
            })
        })
        .collect();
    let mut parts = Vec::new();
    for t in tasks {
        parts.push(t.await.expect("a load task panicked"));
    }
    merge(parts, started.elapsed(), cpu)
}

/// CPU time (user + system, in clock ticks) used so far by process `pid`.
fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): utime is the
    // 12th, stime the 13th.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Waits until this process is idle (no more than one clock tick of CPU in
/// 200 ms; at most 20 s), so that background work of the setup (the key
/// pool's RSA key generation, a delivery backlog) does not run during a
/// measurement.
async fn settle() {
    settle_pid("self").await;
}

async fn settle_pid(pid: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = cpu_ticks(pid);
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = cpu_ticks(pid);
        match (last, now) {
            (Some(a), Some(b)) if b.saturating_sub(a) <= 1 => return,
            (None, _) | (_, None) => return,
            _ => last = now,
        }
    }
}

/// A cheap, well-spread hash of a counter (splitmix64).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

// ------------------------------------------------------------ backends ---

#[derive(Clone, Debug)]
enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

fn backends(cli: &Cli) -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if let Some(url) = cli.postgres.as_ref().filter(|u| !u.is_empty()) {
        v.push(Backend::Postgres(url.clone()));
    }
    v
}

/// A folder removed when dropped.
struct TempDir(PathBuf);

static SEQ: AtomicU64 = AtomicU64::new(1);

impl TempDir {
    fn new(what: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "guildhall-bench-{}-{what}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A PostgreSQL database made for one server and dropped after it.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
    fn create(base: &str) -> (PgDatabase, String) {
        let name = format!(
            "guildhall_bench_{}",
            &guildhall::community::tokens::random_token()[..12].to_lowercase()
        );
        let mut conn = diesel::PgConnection::establish(base).expect("connect to PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create the benchmark database");
        let mut url = url::Url::parse(base).expect("the PostgreSQL URL");
        url.set_path(&format!("/{name}"));
        (
            PgDatabase {
                admin_url: base.to_string(),
                name,
            },
            url.to_string(),
        )
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

// -------------------------------------------------------------- server ---

/// A Guildhall server in this process, as `guildhall serve` runs it, with
/// `federation.debug` on (http ids with a port on localhost).
struct Server {
    /// `http://127.0.0.1:PORT`: where requests go (no name lookup).
    addr: String,
    /// `localhost:PORT`
    host: String,
    app: App,
    running: Option<RunningServer>,
    _dir: TempDir,
    _pg: Option<PgDatabase>,
}

fn bench_config(dir: &Path, port: u16) -> Config {
    let url = format!("http://localhost:{port}");
    let mut config = Config {
        public_url: url,
        bind: format!("127.0.0.1:{port}"),
        data_dir: dir.to_path_buf(),
        ..Config::default()
    };
    config.federation.debug = true;
    // The load comes from one remote server: its per-server limit would
    // measure the limit, not the server.
    config.moderation.remote_activities_per_minute = 0;
    config
}

impl Server {
    async fn start(backend: &Backend) -> Server {
        let dir = TempDir::new("server");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("address").port();
        let mut config = bench_config(&dir.0, port);
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres(base) => {
                let (db, url) = PgDatabase::create(base);
                config.database_url = url;
                Some(db)
            }
        };
        config
            .validate()
            .expect("the benchmark configuration is valid");
        let app = tokio::task::spawn_blocking(move || App::open(config))
            .await
            .expect("join")
            .expect("open the app");
        let running = server::start(app.clone(), listener, false)
            .await
            .expect("start the server");
        Server {
            addr: format!("http://127.0.0.1:{port}"),
            host: format!("localhost:{port}"),
            app,
            running: Some(running),
            _dir: dir,
            _pg: pg,
        }
    }

    /// The answer cache for readers without an account, on (as configured
    /// by default) or off.
    fn set_answer_cache(&self, on: bool) {
        let ttl = if on {
            Duration::from_millis(Config::default().cache.anonymous_ttl_ms)
        } else {
            Duration::ZERO
        };
        self.app.answers.set_ttl(ttl);
    }

    async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }
}

/// A local owner and an open group, made through the API as a person would.
struct Site {
    token: String,
    group_id: i64,
    group_ap_id: String,
}

async fn api(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut req = http.request(method, &url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert!(status.is_success(), "{url} answered {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn make_site(addr: &str, store: &Store, group: &str) -> Site {
    let http = reqwest::Client::new();
    let creds = json!({"username": "owner", "password": "a-bench-password"});
    api(
        &http,
        reqwest::Method::POST,
        format!("{addr}/api/v1/accounts"),
        None,
        Some(creds.clone()),
    )
    .await;
    let login = api(
        &http,
        reqwest::Method::POST,
        format!("{addr}/api/v1/auth/login"),
        None,
        Some(creds),
    )
    .await;
    let token = login["token"].as_str().expect("a token").to_string();
    api(
        &http,
        reqwest::Method::POST,
        format!("{addr}/api/v1/groups"),
        Some(&token),
        Some(json!({"name": group, "title": format!("The {group} group"), "kind": "group"})),
    )
    .await;
    let name = group.to_string();
    let (group_id, group_ap_id) = store
        .run(move |conn| {
            let g = store::groups::local_by_name(conn, &name)?.expect("the group exists");
            Ok((g.id, g.ap_id))
        })
        .await
        .expect("read the group");
    Site {
        token,
        group_id,
        group_ap_id,
    }
}

/// A remote person to put in the store as if fetched before.
struct RemotePerson {
    ap_id: String,
    name: String,
    domain: String,
    inbox: String,
    shared_inbox: Option<String>,
    public_key: String,
}

/// Stores remote people (and, with `group_id`, makes them accepted members
/// of the group: its followers). Returns their ids.
async fn add_people(store: &Store, group_id: Option<i64>, people: Vec<RemotePerson>) -> Vec<i64> {
    store
        .run(move |conn| {
            store::write_tx(conn, |conn| {
                let at = store::now();
                let mut ids = Vec::new();
                for p in &people {
                    let instance = store::instances::ensure_remote(conn, &p.domain)?;
                    let row = store::people::insert_person(
                        conn,
                        &store::people::NewPerson {
                            ap_id: p.ap_id.clone(),
                            name: p.name.clone(),
                            display_name: Some(format!("{} (bench)", p.name)),
                            local: false,
                            instance_id: instance.id,
                            inbox_url: p.inbox.clone(),
                            shared_inbox_url: p.shared_inbox.clone(),
                            public_key: p.public_key.clone(),
                            private_key: None,
                            created_at: at,
                            updated_at: at,
                        },
                    )?;
                    if let Some(g) = group_id {
                        store::groups::insert_membership(
                            conn,
                            row.id,
                            g,
                            store::groups::MemberState::Accepted,
                            store::groups::MemberRole::Member,
                        )?;
                        store::groups::add_member_count(conn, g, 1)?;
                    }
                    ids.push(row.id);
                }
                Ok(ids)
            })
        })
        .await
        .expect("store remote people")
}

async fn count_posts(store: &Store, group_id: i64) -> i64 {
    store
        .run(move |conn| {
            use guildhall::store::schema::post;
            Ok(post::table
                .filter(post::group_id.eq(group_id))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .expect("count threads")
}

// ------------------------------------------------- remote fake servers ---

/// One remote actor: its key and where its document is served.
#[derive(Clone)]
struct Actor {
    id: String,
    name: String,
    key_id: String,
    key: RsaPrivateKey,
    public_pem: String,
}

#[derive(Default)]
struct RemoteState {
    /// Actor documents by path.
    docs: Mutex<HashMap<String, Value>>,
    /// Whether POSTs must carry a valid signature to count.
    verify: bool,
    keys: Mutex<HashMap<String, Vec<u8>>>,
    received: AtomicUsize,
    refused: AtomicUsize,
    first_refusal: Mutex<Option<String>>,
    /// (local port, when) of every accepted POST.
    arrivals: Mutex<Vec<(u16, Instant)>>,
}

/// A fake remote server (or a set of them, one per port): serves actor
/// documents, and counts the activities POSTed to it, checking their HTTP
/// signature against the signer's key when `verify` is on.
struct Remote {
    ports: Vec<u16>,
    state: Arc<RemoteState>,
    handle: actix_web::dev::ServerHandle,
}

impl Remote {
    async fn start(ports: usize, verify: bool) -> Remote {
        let state = Arc::new(RemoteState {
            verify,
            ..RemoteState::default()
        });
        let st = state.clone();
        let mut server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(web::Data::new(st.clone()))
                .default_service(web::to(remote_serve))
        })
        .workers(1)
        .backlog(4096)
        // As nginx in front of Mastodon (`keepalive_timeout 75s`); actix's
        // default of 5 s closes connections the sender's pool still holds.
        .keep_alive(Duration::from_secs(75))
        .disable_signals();
        let mut bound = Vec::new();
        for _ in 0..ports {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a sink port");
            bound.push(l.local_addr().expect("addr").port());
            server = server.listen(l).expect("listen");
        }
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Remote {
            ports: bound,
            state,
            handle,
        }
    }

    fn base(&self, i: usize) -> String {
        format!("http://localhost:{}", self.ports[i])
    }

    fn received(&self) -> usize {
        self.state.received.load(Ordering::SeqCst)
    }

    fn refused(&self) -> usize {
        self.state.refused.load(Ordering::SeqCst)
    }

    /// Fetches and keeps the key of `actor` (a local actor of the server
    /// under test), so that no fetch happens while deliveries are timed.
    async fn learn_key(&self, actor: &str) {
        let key = fetch_key(actor).await.expect("fetch the signer's key");
        self.state
            .keys
            .lock()
            .expect("lock")
            .insert(actor.to_string(), key);
    }

    /// `n` actors on port 0, each with a key of its own (made in parallel).
    async fn actors(&self, n: usize) -> Vec<Actor> {
        let base = self.base(0);
        let keys = make_keys(n).await;
        let mut actors = Vec::new();
        for (i, (key, public_pem)) in keys.into_iter().enumerate() {
            let name = format!("poster{i}");
            let id = format!("{base}/users/{name}");
            let doc = json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": id,
                "type": "Person",
                "preferredUsername": name,
                "name": name,
                "inbox": format!("{id}/inbox"),
                "outbox": format!("{id}/outbox"),
                "followers": format!("{id}/followers"),
                "endpoints": {"sharedInbox": format!("{base}/inbox")},
                "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": public_pem},
            });
            self.state
                .docs
                .lock()
                .expect("lock")
                .insert(format!("/users/{name}"), doc);
            actors.push(Actor {
                key_id: format!("{id}#main-key"),
                id,
                name,
                key,
                public_pem,
            });
        }
        actors
    }

    /// Seconds from `since` until `expected` POSTs arrived (None: they did
    /// not within `limit`).
    async fn wait_for(&self, expected: usize, since: Instant, limit: Duration) -> Option<Duration> {
        let deadline = Instant::now() + limit;
        while self.received() < expected {
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let arrivals = self.state.arrivals.lock().expect("lock");
        arrivals
            .iter()
            .map(|(_, at)| at.duration_since(since))
            .max()
    }

    fn refusal_note(&self) -> String {
        match self.state.first_refusal.lock().expect("lock").clone() {
            Some(r) => format!("; {} refused by the sink, first: {r}", self.refused()),
            None => String::new(),
        }
    }

    async fn stop(self) {
        self.handle.stop(false).await;
    }
}

async fn make_keys(n: usize) -> Vec<(RsaPrivateKey, String)> {
    let per = n.div_ceil(2).max(1);
    let mut tasks = Vec::new();
    for chunk in 0..2 {
        let count = per.min(n.saturating_sub(chunk * per));
        tasks.push(tokio::task::spawn_blocking(move || {
            (0..count)
                .map(|_| {
                    let pair = activitypub_federation::http_signatures::generate_actor_keypair()
                        .expect("generate a key pair");
                    (
                        RsaPrivateKey::from_pkcs8_pem(&pair.private_key).expect("private key"),
                        pair.public_key,
                    )
                })
                .collect::<Vec<_>>()
        }));
    }
    let mut keys = Vec::new();
    for t in tasks {
        keys.extend(t.await.expect("join"));
    }
    keys
}

/// The actor's public key as PKCS#1 DER, the form ring verifies with.
async fn fetch_key(actor: &str) -> Result<Vec<u8>, String> {
    let doc: Value = reqwest::Client::new()
        .get(actor)
        .header("accept", AP_JSON)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let pem = doc["publicKey"]["publicKeyPem"]
        .as_str()
        .ok_or("no publicKeyPem")?;
    public_der(pem)
}

fn public_der(pem: &str) -> Result<Vec<u8>, String> {
    let key = RsaPublicKey::from_public_key_pem(pem).map_err(|e| e.to_string())?;
    rsa::pkcs1::EncodeRsaPublicKey::to_pkcs1_der(&key)
        .map(|d| d.as_bytes().to_vec())
        .map_err(|e| e.to_string())
}

async fn remote_serve(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<RemoteState>>,
) -> HttpResponse {
    if req.method() != actix_web::http::Method::POST {
        let doc = state.docs.lock().expect("lock").get(req.path()).cloned();
        return match doc {
            Some(d) => HttpResponse::Ok().content_type(AP_JSON).json(d),
            None => HttpResponse::NotFound().finish(),
        };
    }
    if state.verify {
        if let Err(e) = verify(&req, &body, &state).await {
            state.refused.fetch_add(1, Ordering::SeqCst);
            let mut first = state.first_refusal.lock().expect("lock");
            if first.is_none() {
                *first = Some(e);
            }
            return HttpResponse::Unauthorized().finish();
        }
    }
    let port = req.app_config().local_addr().port();
    state
        .arrivals
        .lock()
        .expect("lock")
        .push((port, Instant::now()));
    state.received.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Accepted().finish()
}

/// Checks the Digest and the draft-cavage signature (as a receiving
/// server does); the signer's key comes from a cache filled by `learn_key`
/// (or is fetched once).
async fn verify(req: &HttpRequest, body: &[u8], state: &RemoteState) -> Result<(), String> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or(format!("no {name} header"))
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let expected = format!("SHA-256={}", b64.encode(Sha256::digest(body)));
    if header("digest")? != expected {
        return Err("digest mismatch".into());
    }
    let sig = header("signature")?;
    let field = |name: &str| {
        sig.split(',')
            .find_map(|p| p.trim().strip_prefix(&format!("{name}=\"")))
            .map(|v| v.trim_end_matches('"').to_string())
            .ok_or(format!("no {name} in the signature"))
    };
    let (key_id, headers, signature) = (field("keyId")?, field("headers")?, field("signature")?);
    for required in ["(request-target)", "host", "date", "digest"] {
        if !headers.split(' ').any(|h| h == required) {
            return Err(format!("{required} is not signed"));
        }
    }
    let mut lines = Vec::new();
    for h in headers.split(' ') {
        if h == "(request-target)" {
            lines.push(format!(
                "(request-target): {} {}",
                req.method().as_str().to_lowercase(),
                req.path()
            ));
        } else {
            lines.push(format!("{h}: {}", header(h)?));
        }
    }
    let actor = key_id.split('#').next().unwrap_or(&key_id).to_string();
    let known = state.keys.lock().expect("lock").get(&actor).cloned();
    let key = match known {
        Some(k) => k,
        None => {
            let k = fetch_key(&actor).await?;
            state
                .keys
                .lock()
                .expect("lock")
                .insert(actor.clone(), k.clone());
            k
        }
    };
    let sig_bytes = b64.decode(signature).map_err(|e| e.to_string())?;
    // ring, as fast as the OpenSSL that Mastodon and most servers verify
    // with, so that the receivers' share of the two cores stays small.
    ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, key)
        .verify(lines.join("\n").as_bytes(), &sig_bytes)
        .map_err(|_| "the signature does not verify".to_string())
}

// ------------------------------------------------- signed inbox POSTs ---

/// A signed POST made before the clock starts (signing is the sender's
/// cost, not the receiver's).
struct Prepared {
    body: web::Bytes,
    host: String,
    date: String,
    digest: String,
    signature: String,
}

impl Prepared {
    fn send(
        &self,
        http: &reqwest::Client,
        url: &str,
    ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
        http.post(url)
            .header("host", &self.host)
            .header("date", &self.date)
            .header("digest", &self.digest)
            .header("signature", &self.signature)
            .header("content-type", AP_JSON)
            .header("user-agent", "GuildhallBench/0.1")
            .body(self.body.clone())
            .send()
    }
}

/// `Create(Note)` activities, a new thread each, addressed to the group
/// as a Mastodon user's post that mentions it, signed by actor `i % M`.
async fn presign(
    actors: &[Actor],
    group_ap_id: &str,
    host: &str,
    n: usize,
    tag: &str,
) -> Vec<Prepared> {
    let actors = Arc::new(actors.to_vec());
    let per = n.div_ceil(2).max(1);
    let mut tasks = Vec::new();
    for chunk in 0..2 {
        let (actors, group, host, tag) = (
            actors.clone(),
            group_ap_id.to_string(),
            host.to_string(),
            tag.to_string(),
        );
        let range = (chunk * per)..((chunk + 1) * per).min(n);
        tasks.push(tokio::task::spawn_blocking(move || {
            let b64 = base64::engine::general_purpose::STANDARD;
            let signers: Vec<SigningKey<Sha256>> = actors
                .iter()
                .map(|a| SigningKey::<Sha256>::new(a.key.clone()))
                .collect();
            let published = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            range
                .map(|i| {
                    let a = &actors[i % actors.len()];
                    let note_id = format!("{}/statuses/{tag}-{i}", a.id);
                    let content = format!(
                        "<p><span class=\"h-card\"><a href=\"{group}\" class=\"u-url mention\">@<span>bench</span></a></span> Bench note {i} from {name}</p><p>Some text so the body is not empty: the quick brown fox jumps over the lazy dog.</p>",
                        name = a.name
                    );
                    let note = json!({
                        "id": note_id,
                        "type": "Note",
                        "inReplyTo": null,
                        "published": published,
                        "url": note_id,
                        "attributedTo": a.id,
                        "to": [PUBLIC],
                        "cc": [format!("{}/followers", a.id), group],
                        "sensitive": false,
                        "content": content,
                        "tag": [{"type": "Mention", "href": group, "name": "@bench"}],
                    });
                    let activity = json!({
                        "@context": "https://www.w3.org/ns/activitystreams",
                        "id": format!("{note_id}/activity"),
                        "type": "Create",
                        "actor": a.id,
                        "published": published,
                        "to": note["to"],
                        "cc": note["cc"],
                        "object": note,
                    });
                    let body = serde_json::to_vec(&activity).expect("encode");
                    let digest = format!("SHA-256={}", b64.encode(Sha256::digest(&body)));
                    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
                    let signing = format!(
                        "(request-target): post /inbox\nhost: {host}\ndate: {date}\ndigest: {digest}"
                    );
                    let sig = signers[i % actors.len()].sign(signing.as_bytes());
                    Prepared {
                        body: body.into(),
                        host: host.clone(),
                        signature: format!(
                            "keyId=\"{}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{}\"",
                            a.key_id,
                            b64.encode(sig.to_bytes())
                        ),
                        date,
                        digest,
                    }
                })
                .collect::<Vec<_>>()
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("join"));
    }
    all
}

fn as_remote_people(actors: &[Actor], remote: &Remote) -> Vec<RemotePerson> {
    let base = remote.base(0);
    actors
        .iter()
        .map(|a| RemotePerson {
            ap_id: a.id.clone(),
            name: a.name.clone(),
            domain: base.trim_start_matches("http://").to_string(),
            inbox: format!("{}/inbox", a.id),
            shared_inbox: Some(format!("{base}/inbox")),
            public_key: a.public_pem.clone(),
        })
        .collect()
}

/// The follower that makes the group relay: one person on another server.
fn relay_follower(remote: &Remote, i: usize) -> RemotePerson {
    let base = remote.base(i);
    RemotePerson {
        ap_id: format!("{base}/users/follower{i}"),
        name: format!("follower{i}"),
        domain: base.trim_start_matches("http://").to_string(),
        inbox: format!("{base}/users/follower{i}/inbox"),
        shared_inbox: Some(format!("{base}/inbox")),
        public_key: "-----BEGIN PUBLIC KEY-----\n(not used)\n-----END PUBLIC KEY-----".into(),
    }
}

// -------------------------------------------------------- (a) inbox ---

async fn bench_inbox(backend: &Backend, sizes: &Sizes, table: &mut Table) {
    eprintln!("(a) inbox on {}", backend.name());
    let server = Server::start(backend).await;
    let site = make_site(&server.addr, &server.app.store, "bench").await;
    let senders = Remote::start(1, false).await;
    let actors = senders.actors(sizes.inbox_actors).await;
    add_people(
        &server.app.store,
        Some(site.group_id),
        as_remote_people(&actors, &senders),
    )
    .await;
    let http = client(sizes.inbox_concurrency);
    let inbox = format!("{}/inbox", server.addr);

    settle().await;
    // Warm-up: connections, prepared statements, caches.
    let warm = presign(
        &actors,
        &site.group_ap_id,
        &server.host,
        sizes.inbox_concurrency * 2,
        "warm",
    )
    .await;
    let _ = run_list(&http, Arc::new(warm), &inbox, sizes.inbox_concurrency).await;
    let before = count_posts(&server.app.store, site.group_id).await;
    settle().await;

    // 1. Followers only on the senders' server: nothing to relay.
    let requests = presign(
        &actors,
        &site.group_ap_id,
        &server.host,
        sizes.inbox_n,
        "a1",
    )
    .await;
    eprintln!(
        "  measuring: {} signed POSTs, nothing to relay",
        sizes.inbox_n
    );
    let stats = run_list(&http, Arc::new(requests), &inbox, sizes.inbox_concurrency).await;
    let stored = count_posts(&server.app.store, site.group_id).await - before;
    table.add(
        "a",
        "inbox: signed Create(Note), new thread each, nothing to relay",
        backend.name(),
        format!("{:.0} activities/s", stats.rate()),
        stats.p50(),
        stats.p99(),
        format!(
            "N={} from M={} actors, {} concurrent; {} threads stored; {}{}",
            sizes.inbox_n,
            sizes.inbox_actors,
            sizes.inbox_concurrency,
            stored,
            stats.cpu_note(),
            stats.error_note()
        ),
    );

    // 2. A follower on one more server: each activity is relayed there as
    // two signed Announces, delivered while the inbox load goes on.
    let other = Remote::start(1, true).await;
    other.learn_key(&site.group_ap_id).await;
    add_people(
        &server.app.store,
        Some(site.group_id),
        vec![relay_follower(&other, 0)],
    )
    .await;
    let n = sizes.inbox_relay_n;
    let requests = presign(&actors, &site.group_ap_id, &server.host, n, "a2").await;
    settle().await;
    let started = Instant::now();
    let stats = run_list(&http, Arc::new(requests), &inbox, sizes.inbox_concurrency).await;
    let drained = other
        .wait_for(2 * n, started, Duration::from_secs(sizes.wait_secs))
        .await;
    let drained_note = match drained {
        Some(d) => format!(
            "all {} relayed Announces delivered (signatures checked) {} after the first POST ({:.0} deliveries/s)",
            2 * n,
            secs(d),
            per_sec((2 * n) as f64, d)
        ),
        None => format!(
            "only {} of {} relayed Announces delivered within {} s",
            other.received(),
            2 * n,
            sizes.wait_secs
        ),
    };
    table.add(
        "a",
        "inbox + relay to 1 follower server (2 signed Announces per activity)",
        backend.name(),
        format!("{:.0} activities/s", stats.rate()),
        stats.p50(),
        stats.p99(),
        format!(
            "N={n}, {} concurrent; {drained_note}; {}{}{}",
            sizes.inbox_concurrency,
            stats.cpu_note(),
            stats.error_note(),
            other.refusal_note()
        ),
    );
    other.stop().await;

    // 3. A remote group relays its members' threads, the members being
    // people of a third server (the senders'): each thread is fetched
    // from its origin before it is stored.
    bench_third_server_relay(&server, &senders, &actors, sizes, table, backend).await;
    senders.stop().await;
    server.stop().await;
}

/// Row a3: `Announce(Create(Note))` signed by a group of one fake server
/// (F1) about notes of people of another (the senders', F2), which serves
/// each note at its id: the cost of asking the origin.
async fn bench_third_server_relay(
    server: &Server,
    senders: &Remote,
    actors: &[Actor],
    sizes: &Sizes,
    table: &mut Table,
    backend: &Backend,
) {
    let f1 = Remote::start(1, false).await;
    let base = f1.base(0);
    let group_id = format!("{base}/c/relayed");
    let (key, public_pem) = make_keys(1).await.pop().expect("a key");
    f1.state.docs.lock().expect("lock").insert(
        "/c/relayed".into(),
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": group_id,
            "type": "Group",
            "preferredUsername": "relayed",
            "inbox": format!("{group_id}/inbox"),
            "outbox": format!("{group_id}/outbox"),
            "followers": format!("{group_id}/followers"),
            "endpoints": {"sharedInbox": format!("{base}/inbox")},
            "publicKey": {"id": format!("{group_id}#main-key"), "owner": group_id, "publicKeyPem": public_pem},
        }),
    );
    let http = client(sizes.inbox_concurrency);
    api(
        &http,
        reqwest::Method::GET,
        format!("{}/api/v1/resolve?q={group_id}", server.addr),
        Some(&make_token(server).await),
        None,
    )
    .await;
    let lookup = group_id.clone();
    let stored_group = server
        .app
        .store
        .run(move |conn| store::groups::by_ap_id(conn, &lookup))
        .await
        .expect("read the group")
        .expect("the remote group is stored")
        .id;
    let n = sizes.inbox_relay_n;
    let b64 = base64::engine::general_purpose::STANDARD;
    let signer = SigningKey::<Sha256>::new(key);
    let published = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut requests = Vec::new();
    for i in 0..n {
        let a = &actors[i % actors.len()];
        let note_id = format!("{}/statuses/a3-{i}", a.id);
        let note = json!({
            "id": note_id,
            "type": "Note",
            "published": published,
            "attributedTo": a.id,
            "to": [PUBLIC, group_id],
            "audience": group_id,
            "content": format!("<p>Relayed note {i} from {}</p><p>The quick brown fox jumps over the lazy dog.</p>", a.name),
        });
        let path = url::Url::parse(&note_id)
            .expect("note id")
            .path()
            .to_string();
        senders
            .state
            .docs
            .lock()
            .expect("lock")
            .insert(path, note.clone());
        let announce = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{group_id}/activities/announce/a3-{i}"),
            "type": "Announce",
            "actor": group_id,
            "to": [PUBLIC],
            "object": {
                "id": format!("{note_id}/activity"),
                "type": "Create",
                "actor": a.id,
                "to": note["to"],
                "object": note,
            },
        });
        let body = serde_json::to_vec(&announce).expect("encode");
        let digest = format!("SHA-256={}", b64.encode(Sha256::digest(&body)));
        let date = httpdate::fmt_http_date(std::time::SystemTime::now());
        let signing = format!(
            "(request-target): post /inbox\nhost: {}\ndate: {date}\ndigest: {digest}",
            server.host
        );
        let sig = signer.sign(signing.as_bytes());
        requests.push(Prepared {
            body: body.into(),
            host: server.host.clone(),
            signature: format!(
                "keyId=\"{group_id}#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{}\"",
                b64.encode(sig.to_bytes())
            ),
            date,
            digest,
        });
    }
    settle().await;
    let inbox = format!("{}/inbox", server.addr);
    let stats = run_list(&http, Arc::new(requests), &inbox, sizes.inbox_concurrency).await;
    let stored = count_posts(&server.app.store, stored_group).await;
    table.add(
        "a",
        "inbox: a group's Announce(Create(Note)) of a third server's people, each note fetched from its origin",
        backend.name(),
        format!("{:.0} activities/s", stats.rate()),
        stats.p50(),
        stats.p99(),
        format!(
            "N={n}, {} concurrent; {stored} threads stored as their origin serves them; {}{}",
            sizes.inbox_concurrency,
            stats.cpu_note(),
            stats.error_note()
        ),
    );
    f1.stop().await;
}

/// A token of the site's owner (made by `make_site`).
async fn make_token(server: &Server) -> String {
    let login = api(
        &reqwest::Client::new(),
        reqwest::Method::POST,
        format!("{}/api/v1/auth/login", server.addr),
        None,
        Some(json!({"username": "owner", "password": "a-bench-password"})),
    )
    .await;
    login["token"].as_str().expect("a token").to_string()
}

// ------------------------------------------------------- (b) fan-out ---

async fn bench_fanout(backend: &Backend, sizes: &Sizes, table: &mut Table) {
    for &k in &sizes.fanout_k {
        eprintln!("(b) fan-out to {k} inboxes on {}", backend.name());
        let server = Server::start(backend).await;
        let site = make_site(&server.addr, &server.app.store, "fanout").await;
        let sinks = Remote::start(k, true).await;
        let followers = (0..k).map(|i| relay_follower(&sinks, i)).collect();
        add_people(&server.app.store, Some(site.group_id), followers).await;
        sinks.learn_key(&site.group_ap_id).await;
        let http = client(4);
        settle().await;
        for (round, label) in [
            "first thread (no open connections)",
            "second thread (connections open)",
        ]
        .iter()
        .enumerate()
        {
            let expected = 2 * k * (round + 1);
            settle().await;
            let started = Instant::now();
            api(
                &http,
                reqwest::Method::POST,
                format!("{}/api/v1/groups/fanout/posts", server.addr),
                Some(&site.token),
                Some(json!({"title": format!("Fan-out {round}"), "body": "A new thread for every follower server."})),
            )
            .await;
            let answered = started.elapsed();
            let done = sinks
                .wait_for(expected, started, Duration::from_secs(sizes.wait_secs))
                .await;
            let first_everywhere = {
                let arrivals = sinks.state.arrivals.lock().expect("lock");
                let mut first: HashMap<u16, Instant> = HashMap::new();
                for (port, at) in arrivals.iter().filter(|(_, at)| *at >= started) {
                    first.entry(*port).or_insert(*at);
                }
                (first.len() == k)
                    .then(|| first.values().map(|at| at.duration_since(started)).max())
                    .flatten()
            };
            match done {
                Some(d) => table.add(
                    "b",
                    format!("fan-out: new thread to K={k} inboxes, {label}"),
                    backend.name(),
                    format!("{} for all {} deliveries", secs(d), 2 * k),
                    "",
                    "",
                    format!(
                        "{:.0} deliveries/s; every inbox had its first Announce after {}; the POST answered in {}; K sink servers (one port each) check every signature{}",
                        per_sec((2 * k) as f64, d),
                        first_everywhere.map_or("-".into(), secs),
                        ms(answered),
                        sinks.refusal_note()
                    ),
                ),
                None => table.add(
                    "b",
                    format!("fan-out: new thread to K={k} inboxes, {label}"),
                    backend.name(),
                    format!("not done in {} s", sizes.wait_secs),
                    "",
                    "",
                    format!(
                        "{} of {} deliveries arrived{}",
                        sinks.received() - 2 * k * round,
                        2 * k,
                        sinks.refusal_note()
                    ),
                ),
            }
        }
        sinks.stop().await;
        server.stop().await;
    }
}

// --------------------------------------------------- generated content ---

/// Remote authors for generated threads (no keys needed: they never sign).
async fn make_authors(store: &Store, n: usize) -> Vec<i64> {
    let people = (0..n)
        .map(|i| {
            let host = format!("author{}.bench.invalid", i % 10);
            RemotePerson {
                ap_id: format!("https://{host}/users/a{i}"),
                name: format!("a{i}"),
                domain: host.clone(),
                inbox: format!("https://{host}/users/a{i}/inbox"),
                shared_inbox: Some(format!("https://{host}/inbox")),
                public_key: "-----BEGIN PUBLIC KEY-----\n(not used)\n-----END PUBLIC KEY-----"
                    .into(),
            }
        })
        .collect();
    add_people(store, None, people).await
}

fn exec(conn: &mut DbConn, sql: &str) -> guildhall::error::Result<()> {
    match conn {
        DbConn::Sqlite(c) => c.batch_execute(sql)?,
        DbConn::Pg(c) => c.batch_execute(sql)?,
    }
    Ok(())
}

/// The text of generated threads.
#[derive(Clone)]
enum Text {
    /// The same sentence in every thread (feeds and thread JSON do not
    /// depend on it).
    Fixed,
    /// Titles and bodies drawn from a vocabulary by Zipf's law, as real
    /// text is (what search depends on).
    Words(Arc<Vocabulary>),
}

/// Words ranked by frequency: common English words first, then words of
/// a community's topics, then made-up words for the long tail.
struct Vocabulary {
    words: Vec<String>,
    /// Cumulative Zipf weights (1/rank).
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(n: usize) -> Vocabulary {
        const COMMON: &str = "the of and to a in is it you that he was for on are with as his they be at one have this from or had by hot word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find";
        const TOPICS: &str = "server group thread comment reply vote member moderator club garden rust linux kernel compiler bicycle camera lens photo recipe bread oven coffee tea guitar piano music album concert novel poetry chess football tennis marathon hiking mountain river ocean sailing kayak telescope nebula planet rocket satellite battery solar engine electric train station airport ticket budget invoice salary market stock crypto privacy security password encryption browser database query index backup cloud container cluster network router firewall printer keyboard monitor laptop phone tablet android iphone update release version feature bug crash error warning patch review merge branch commit deploy docker kubernetes python javascript typescript golang haskell elixir erlang scala kotlin swift java ruby perl lisp scheme ocaml fortran cobol assembly arduino raspberry sensor drone robot printer filament resin woodwork carpentry plumbing roof window garden tomato potato onion garlic pepper basil mint lavender orchid rose tulip maple oak pine cedar birch willow fox wolf bear eagle owl salmon trout whale dolphin penguin turtle lizard spider beetle butterfly";
        let mut words: Vec<String> = COMMON
            .split_whitespace()
            .chain(TOPICS.split_whitespace())
            .map(str::to_string)
            .collect();
        let syllables = [
            "ka", "lo", "mi", "ner", "sta", "vu", "tor", "bel", "qui", "dra", "fen", "gol", "har",
            "jin", "kre", "lum", "mor", "nix", "pra", "sol", "tek", "vim", "wex", "zor",
        ];
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        let mut i = 0usize;
        while words.len() < n {
            let mut w = String::new();
            let mut x = mix(i as u64);
            for _ in 0..2 + (x % 3) as usize {
                w.push_str(syllables[(x % syllables.len() as u64) as usize]);
                x /= syllables.len() as u64;
            }
            if seen.insert(w.clone()) {
                words.push(w);
            }
            i += 1;
        }
        words.truncate(n);
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn pick(&self, rng: &mut rand::rngs::StdRng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let u = rng.gen::<f64>() * total;
        let i = self.cumulative.partition_point(|&c| c < u);
        &self.words[i.min(self.words.len() - 1)]
    }

    fn words(&self, rng: &mut rand::rngs::StdRng, n: usize) -> String {
        (0..n).map(|_| self.pick(rng)).collect::<Vec<_>>().join(" ")
    }

    /// A title and a body: 4 to 9 words; 3 to 6 sentences of 6 to 14.
    fn thread(&self, rng: &mut rand::rngs::StdRng) -> (String, String) {
        let n = rng.gen_range(4..10);
        let title = self.words(rng, n);
        let sentences: Vec<String> = (0..rng.gen_range(3..7))
            .map(|_| {
                let n = rng.gen_range(6..15);
                format!("{}.", self.words(rng, n))
            })
            .collect();
        (title, sentences.join(" "))
    }
}

/// Inserts threads `from..to` of a generated group with batched
/// multi-row INSERTs (500 rows a statement, 20,000 a transaction). Threads
/// are a minute apart, newest last, with scores of 0 to 99.
async fn generate_threads(
    store: &Store,
    group_id: i64,
    authors: &[i64],
    from: usize,
    to: usize,
) -> Duration {
    generate_threads_with(store, group_id, authors, from, to, Text::Fixed).await
}

async fn generate_threads_with(
    store: &Store,
    group_id: i64,
    authors: &[i64],
    from: usize,
    to: usize,
    text: Text,
) -> Duration {
    let authors = authors.to_vec();
    let started = Instant::now();
    let store2 = store.clone();
    tokio::task::spawn_blocking(move || {
        let epoch = store::now() - chrono::Duration::minutes(2_000_000);
        let mut rng = rand::rngs::StdRng::seed_from_u64(from as u64);
        let mut i = from;
        while i < to {
            let tx_start = i;
            let tx_end = (i + 20_000).min(to);
            store2
                .run_blocking(|conn| {
                    store::write_tx(conn, |conn| {
                        while i < tx_end {
                            let end = (i + 500).min(tx_end);
                            let mut sql = String::with_capacity(600 * (end - i));
                            sql.push_str(
                                "INSERT INTO post (ap_id, group_id, author_id, kind, title, body_source, body_html, local, score, upvotes, downvotes, comment_count, hot_rank, removed, deleted, locked, pinned, created_at, last_activity_at) VALUES ",
                            );
                            for j in i..end {
                                let at = epoch + chrono::Duration::minutes(j as i64);
                                let score: i64 = rng.gen_range(0..100);
                                let rank = guildhall::community::ranking::hot_rank(score, at);
                                let ts = at.format("%Y-%m-%d %H:%M:%S%.6f");
                                let author = authors[j % authors.len()];
                                if j > i {
                                    sql.push(',');
                                }
                                match &text {
                                    Text::Fixed => sql.push_str(&format!(
                                        "('https://bench.invalid/post/{group_id}/{j}', {group_id}, {author}, 'discussion', 'Generated thread number {j}', 'Generated thread {j}. The quick brown fox jumps over the lazy dog; a body of some two hundred characters, as a short post would have, with **Markdown** in it.', '<p>Generated thread {j}. The quick brown fox jumps over the lazy dog; a body of some two hundred characters, as a short post would have, with <strong>Markdown</strong> in it.</p>', FALSE, {score}, {score}, 0, 0, {rank}, FALSE, FALSE, FALSE, FALSE, '{ts}', '{ts}')"
                                    )),
                                    // Letters, spaces and full stops only:
                                    // nothing to quote.
                                    Text::Words(v) => {
                                        let (title, body) = v.thread(&mut rng);
                                        sql.push_str(&format!(
                                            "('https://bench.invalid/post/{group_id}/{j}', {group_id}, {author}, 'discussion', '{title}', '{body}', '<p>{body}</p>', FALSE, {score}, {score}, 0, 0, {rank}, FALSE, FALSE, FALSE, FALSE, '{ts}', '{ts}')"
                                        ));
                                    }
                                }
                            }
                            exec(conn, &sql)?;
                            i = end;
                        }
                        exec(
                            conn,
                            &format!("UPDATE grp SET post_count = post_count + {} WHERE id = {group_id}", tx_end - tx_start),
                        )?;
                        Ok(())
                    })
                })
                .expect("insert generated threads");
        }
        if store2.backend() == store::Backend::Postgres {
            // What autovacuum would have done soon after a bulk load.
            store2
                .run_blocking(|conn| exec(conn, "ANALYZE post; ANALYZE comment;"))
                .expect("analyze");
        }
    })
    .await
    .expect("join");
    started.elapsed()
}

/// `n` comments on thread `post_id` (a tree: every fifth answers the one
/// before).
async fn generate_comments(store: &Store, post_id: i64, authors: &[i64], n: usize) {
    let authors = authors.to_vec();
    store
        .run(move |conn| {
            store::write_tx(conn, |conn| {
                let at = store::now() - chrono::Duration::hours(1);
                for j in 0..n {
                    let ts = (at + chrono::Duration::seconds(j as i64)).format("%Y-%m-%d %H:%M:%S%.6f");
                    let author = authors[j % authors.len()];
                    exec(
                        conn,
                        &format!(
                            "INSERT INTO comment (ap_id, post_id, parent_id, author_id, depth, body_source, body_html, local, score, upvotes, downvotes, removed, deleted, created_at) VALUES ('https://bench.invalid/comment/{post_id}/{j}', {post_id}, NULL, {author}, 0, 'Comment {j}: I agree with most of this, and here is why.', '<p>Comment {j}: I agree with most of this, and here is why.</p>', FALSE, {s}, {s}, 0, FALSE, FALSE, '{ts}')",
                            s = j % 7
                        ),
                    )?;
                }
                exec(
                    conn,
                    &format!("UPDATE post SET comment_count = comment_count + {n} WHERE id = {post_id}"),
                )?;
                Ok(())
            })
        })
        .await
        .expect("insert generated comments");
}

async fn post_id_range(store: &Store, group_id: i64) -> (i64, i64) {
    store
        .run(move |conn| {
            use guildhall::store::schema::post;
            let (lo, hi): (Option<i64>, Option<i64>) = post::table
                .filter(post::group_id.eq(group_id))
                .select((diesel::dsl::min(post::id), diesel::dsl::max(post::id)))
                .first(conn)?;
            Ok((lo.unwrap_or(0), hi.unwrap_or(0)))
        })
        .await
        .expect("read thread ids")
}

fn get(url: String, token: Option<String>) -> MakeRequest {
    Arc::new(move |http, _| {
        let r = http.get(&url);
        match &token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    })
}

async fn measure(
    http: &reqwest::Client,
    make: MakeRequest,
    secs: f64,
    concurrency: usize,
) -> Stats {
    let warm = Duration::from_secs_f64((secs / 4.0).min(1.0));
    let _ = run_for(http, make.clone(), warm, concurrency).await;
    run_for(http, make, Duration::from_secs_f64(secs), concurrency).await
}

// ---------------------------------------------------------- (c) reads ---

async fn bench_read(backend: &Backend, sizes: &Sizes, table: &mut Table) {
    eprintln!("(c) read path on {}", backend.name());
    let server = Server::start(backend).await;
    let site = make_site(&server.addr, &server.app.store, "reading").await;
    let authors = make_authors(&server.app.store, 100).await;
    generate_threads(
        &server.app.store,
        site.group_id,
        &authors,
        0,
        sizes.read_threads,
    )
    .await;
    let (_, newest) = post_id_range(&server.app.store, site.group_id).await;
    generate_comments(&server.app.store, newest, &authors, sizes.read_comments).await;
    let http = client(sizes.read_concurrency);
    let c = sizes.read_concurrency;
    settle().await;
    let feed = format!("{}/api/v1/groups/reading/posts", server.addr);
    let thread = format!("{}/api/v1/posts/{newest}", server.addr);
    let thread_what = format!(
        "thread JSON with {} comments (`GET /api/v1/posts/{{id}}`)",
        sizes.read_comments
    );
    // (what, request, answer cache on)
    let cases: Vec<(String, MakeRequest, bool)> = vec![
        (
            "group feed JSON, anonymous (`GET /api/v1/groups/reading/posts`, hot, 20 a page), answer cache on (the default)".into(),
            get(feed.clone(), None),
            true,
        ),
        (
            "group feed JSON, anonymous, answer cache off".into(),
            get(feed.clone(), None),
            false,
        ),
        (
            "group feed JSON, signed in (bearer token; never cached)".into(),
            get(feed, Some(site.token.clone())),
            false,
        ),
        (
            format!("{thread_what}, anonymous, answer cache on"),
            get(thread.clone(), None),
            true,
        ),
        (
            format!("{thread_what}, anonymous, answer cache off"),
            get(thread, None),
            false,
        ),
    ];
    for (what, make, cached) in cases {
        eprintln!("  measuring: {what}");
        server.set_answer_cache(cached);
        let stats = measure(&http, make, sizes.read_secs, c).await;
        let setting = format!(
            "{c} concurrent for {} s; {} threads in the group",
            sizes.read_secs,
            count(sizes.read_threads)
        );
        load_row(table, "c", what, backend, &stats, setting);
    }
    server.stop().await;
}

// --------------------------------------------------------- (d) growth ---

async fn bench_growth(backend: &Backend, sizes: &Sizes, table: &mut Table) {
    eprintln!("(d) growth on {}", backend.name());
    let server = Server::start(backend).await;
    // The store's cost is what grows: measured without the answer cache
    // (the last size is measured with it too).
    server.set_answer_cache(false);
    let site = make_site(&server.addr, &server.app.store, "growth").await;
    let authors = make_authors(&server.app.store, 1000).await;
    let http = client(sizes.read_concurrency);
    let c = sizes.read_concurrency;
    let mut have = 0;
    for &target in &sizes.growth {
        eprintln!("  generating threads {have}..{target}");
        let took = generate_threads(&server.app.store, site.group_id, &authors, have, target).await;
        let made = target - have;
        have = target;
        settle().await;
        let (lo, hi) = post_id_range(&server.app.store, site.group_id).await;
        let span = (hi - lo + 1).max(1) as u64;
        let addr = server.addr.clone();
        let random_thread: MakeRequest = Arc::new(move |http, i| {
            http.get(format!(
                "{addr}/api/v1/posts/{}",
                lo + (mix(i) % span) as i64
            ))
        });
        let cases: Vec<(&str, MakeRequest)> = vec![
            (
                "group feed, hot (first page)",
                get(format!("{}/api/v1/groups/growth/posts", server.addr), None),
            ),
            (
                "group feed, new (first page)",
                get(
                    format!("{}/api/v1/groups/growth/posts?sort=new", server.addr),
                    None,
                ),
            ),
            ("thread JSON, random thread", random_thread),
        ];
        for (what, make) in cases {
            let stats = measure(&http, make, sizes.growth_secs, c).await;
            let what = format!("{what}, {} threads in the group", count(target));
            let setting = format!("{c} concurrent for {} s", sizes.growth_secs);
            load_row(table, "d", what, backend, &stats, setting);
        }
        table.add(
            "d",
            format!("generating {} threads (batched INSERT)", count(made)),
            backend.name(),
            format!("{:.0} rows/s", per_sec(made as f64, took)),
            "",
            "",
            format!("{} in all", secs(took)),
        );
    }
    server.set_answer_cache(true);
    let stats = measure(
        &http,
        get(format!("{}/api/v1/groups/growth/posts", server.addr), None),
        sizes.growth_secs,
        c,
    )
    .await;
    let what = format!(
        "group feed, hot (first page), {} threads in the group, anonymous, answer cache on",
        count(have)
    );
    let setting = format!("{c} concurrent for {} s", sizes.growth_secs);
    load_row(table, "d", what, backend, &stats, setting);
    server.stop().await;
}

/// A row of requests per second under load, with how it was taken.
fn load_row(
    table: &mut Table,
    section: &'static str,
    what: String,
    backend: &Backend,
    stats: &Stats,
    setting: String,
) {
    table.add(
        section,
        what,
        backend.name(),
        format!("{:.0} requests/s", stats.rate()),
        stats.p50(),
        stats.p99(),
        format!("{setting}; {}{}", stats.cpu_note(), stats.error_note()),
    );
}

// ------------------------------------------------ (g) search, (h) pages ---

/// A query as a person types it: a word of middling frequency (most),
/// two words, or the start of a word.
fn search_queries(v: &Vocabulary, n: usize) -> Vec<String> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let span = v.words.len().min(5_000);
    (0..n)
        .map(|i| {
            let mut word = |lo: usize| v.words[rng.gen_range(lo..span)].clone();
            match i % 20 {
                0..=11 => word(200),
                12..=16 => format!("{} {}", word(100), word(200)),
                _ => {
                    let w = word(200);
                    w.chars().take(4.max(w.chars().count() - 1)).collect()
                }
            }
        })
        .collect()
}

/// A GET of each of `urls` in turn (with `cookie`, `Accept: text/html`),
/// one at a time for `secs`: the latency of every answer whatever its
/// status, and the statuses seen. One at a time on loopback, the latency
/// is the server's time plus a loopback round trip.
async fn measure_pages(
    http: &reqwest::Client,
    urls: &[String],
    cookie: Option<&str>,
    secs: f64,
) -> (Stats, Vec<u16>) {
    let run = |d: Duration| async move {
        let mut c = Collector::new();
        let mut statuses = Vec::new();
        let cpu = cpu_ticks("self");
        let started = Instant::now();
        let mut i = 0usize;
        while started.elapsed() < d {
            let mut req = http
                .get(&urls[i % urls.len()])
                .header(reqwest::header::ACCEPT, "text/html");
            if let Some(cookie) = cookie {
                req = req.header(reqwest::header::COOKIE, format!("gh_session={cookie}"));
            }
            let t = Instant::now();
            match req.send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    if r.bytes().await.is_ok() {
                        c.ok += 1;
                        c.latencies_us.push(t.elapsed().as_micros() as u64);
                        if !statuses.contains(&status) {
                            statuses.push(status);
                        }
                    } else {
                        c.fail("the answer's body could not be read".into());
                    }
                }
                Err(e) => c.fail(e.to_string()),
            }
            i += 1;
        }
        (merge(vec![c], started.elapsed(), cpu), statuses)
    };
    let _ = run(Duration::from_secs_f64((secs / 4.0).min(1.0))).await;
    run(Duration::from_secs_f64(secs)).await
}

/// One server with a group of `search_threads` threads of generated text
/// and a club of `search_club_threads`; then `search` measures
/// `GET /api/v1/search` and `pages` the HTML pages.
async fn bench_search_pages(
    backend: &Backend,
    sizes: &Sizes,
    table: &mut Table,
    search: bool,
    pages: bool,
) {
    eprintln!("(g, h) search and pages on {}", backend.name());
    let server = Server::start(backend).await;
    server.set_answer_cache(false);
    let site = make_site(&server.addr, &server.app.store, "search").await;
    let http = reqwest::Client::new();
    let owner = Some(site.token.as_str());
    api(
        &http,
        reqwest::Method::POST,
        format!("{}/api/v1/groups", server.addr),
        owner,
        Some(json!({"name": "hideout", "title": "The hideout club", "kind": "club"})),
    )
    .await;
    let creds = json!({"username": "member", "password": "a-bench-password"});
    api(
        &http,
        reqwest::Method::POST,
        format!("{}/api/v1/accounts", server.addr),
        None,
        Some(creds.clone()),
    )
    .await;
    let member = api(
        &http,
        reqwest::Method::POST,
        format!("{}/api/v1/auth/login", server.addr),
        None,
        Some(creds),
    )
    .await["token"]
        .as_str()
        .expect("a token")
        .to_string();
    api(
        &http,
        reqwest::Method::POST,
        format!("{}/api/v1/groups/hideout/join", server.addr),
        Some(&member),
        Some(json!({})),
    )
    .await;
    api(
        &http,
        reqwest::Method::POST,
        format!(
            "{}/api/v1/groups/hideout/members/member/approve",
            server.addr
        ),
        owner,
        Some(json!({})),
    )
    .await;
    let club_id = server
        .app
        .store
        .run(|conn| {
            Ok(store::groups::local_by_name(conn, "hideout")?
                .expect("the club")
                .id)
        })
        .await
        .expect("read the club");
    let authors = make_authors(&server.app.store, 1000).await;
    let vocabulary = Arc::new(Vocabulary::new(20_000));
    eprintln!("  generating {} threads of text", sizes.search_threads);
    let took = generate_threads_with(
        &server.app.store,
        site.group_id,
        &authors,
        0,
        sizes.search_threads,
        Text::Words(vocabulary.clone()),
    )
    .await;
    generate_threads_with(
        &server.app.store,
        club_id,
        &authors,
        sizes.search_threads,
        sizes.search_threads + sizes.search_club_threads,
        Text::Words(vocabulary.clone()),
    )
    .await;
    table.add(
        "g",
        format!(
            "generating {} threads of text, indexed for search as they are written",
            count(sizes.search_threads)
        ),
        backend.name(),
        format!("{:.0} rows/s", per_sec(sizes.search_threads as f64, took)),
        "",
        "",
        format!(
            "{} in all; Zipf-distributed words, 4-9 in a title, 18-84 in a body",
            secs(took)
        ),
    );
    settle().await;
    let threads = format!(
        "{} threads (and {} in a club)",
        count(sizes.search_threads),
        count(sizes.search_club_threads)
    );
    if search {
        let queries: Arc<Vec<String>> = Arc::new(search_queries(&vocabulary, 1000));
        let c = sizes.search_concurrency;
        let http = client(c);
        let searching = |token: Option<String>, queries: Arc<Vec<String>>| -> MakeRequest {
            let addr = server.addr.clone();
            Arc::new(move |http, i| {
                let q = &queries[(mix(i) % queries.len() as u64) as usize];
                let r = http
                    .get(format!("{addr}/api/v1/search"))
                    .query(&[("q", q.as_str())]);
                match &token {
                    Some(t) => r.bearer_auth(t),
                    None => r,
                }
            })
        };
        let common: Arc<Vec<String>> = Arc::new(vec![vocabulary.words[130].clone()]);
        let cases: Vec<(String, MakeRequest)> = vec![
            (
                format!("search threads, anonymous (`GET /api/v1/search?q=`), {threads}"),
                searching(None, queries.clone()),
            ),
            (
                format!("search threads, signed in as the club's member, {threads}"),
                searching(Some(member.clone()), queries.clone()),
            ),
            (
                format!(
                    "search threads for a common word ({:?}), anonymous, {threads}",
                    common[0]
                ),
                searching(None, common),
            ),
        ];
        for (what, make) in cases {
            eprintln!("  measuring: {what}");
            let stats = measure(&http, make, sizes.search_secs, c).await;
            let setting = format!(
                "{c} concurrent for {} s; 1,000 queries: 60% one word of rank 200-5,000 of 20,000, 25% two words, 15% a word's start",
                sizes.search_secs
            );
            load_row(table, "g", what, backend, &stats, setting);
        }
    }
    if pages {
        let (lo, hi) = post_id_range(&server.app.store, site.group_id).await;
        let span = (hi - lo + 1).max(1) as u64;
        let thread_urls: Vec<String> = (0..200u64)
            .map(|i| format!("{}/post/{}", server.addr, lo + (mix(i) % span) as i64))
            .collect();
        let group_urls = vec![format!("{}/g/search", server.addr)];
        let http = client(1);
        for (page, urls) in [
            ("group page `GET /g/search`", &group_urls),
            ("thread page `GET /post/{id}`, random threads", &thread_urls),
        ] {
            for (who, cookie) in [
                ("anonymous", None),
                ("signed in (session cookie)", Some(member.as_str())),
            ] {
                let what = format!("{page}, HTML, {who}, {threads}");
                eprintln!("  measuring: {what}");
                let (stats, statuses) = measure_pages(&http, urls, cookie, sizes.page_secs).await;
                let answered: Vec<String> = statuses.iter().map(u16::to_string).collect();
                load_row(
                    table,
                    "h",
                    what,
                    backend,
                    &stats,
                    format!(
                        "one at a time for {} s, `Accept: text/html`, client-side on loopback; answered {}",
                        sizes.page_secs,
                        answered.join(", ")
                    ),
                );
            }
        }
    }
    server.stop().await;
}

// --------------------------------------------------------- (e) memory ---

/// VmRSS (or another /proc status field) of a process, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The `guildhall` binary of the same build profile, beside this one.
/// Under `cargo run` it is (re)built first, so it is never stale.
fn guildhall_binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe.with_file_name("guildhall");
    if let Ok(cargo) = std::env::var("CARGO") {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let mut cmd = std::process::Command::new(cargo);
        cmd.args(["build", "--quiet", "--bin", "guildhall", "--manifest-path"])
            .arg(&manifest);
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        let status = cmd.status().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("`cargo build --bin guildhall` failed: {status}"));
        }
    }
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: build it with `cargo build --release` first",
            path.display()
        ))
    }
}

struct Child {
    child: std::process::Child,
    started: Instant,
}

impl Child {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_guildhall(binary: &Path, dir: &Path, port: u16) -> Child {
    let started = Instant::now();
    let child = std::process::Command::new(binary)
        .arg("serve")
        .env_remove("GUILDHALL_CONFIG")
        .env_remove("GUILDHALL_DATABASE_URL")
        .env("GUILDHALL_BIND", format!("127.0.0.1:{port}"))
        .env("GUILDHALL_PUBLIC_URL", format!("http://localhost:{port}"))
        .env("GUILDHALL_DATA_DIR", dir)
        .env("GUILDHALL_FEDERATION_DEBUG", "true")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start guildhall serve");
    Child { child, started }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Time from launch until `GET /healthz` answers 200 (polled every 5 ms).
async fn until_healthy(child: &mut Child, port: u16) -> Duration {
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/healthz");
    loop {
        if let Ok(r) = http.get(&url).send().await {
            if r.status().is_success() {
                return child.started.elapsed();
            }
        }
        if let Ok(Some(status)) = child.child.try_wait() {
            panic!("guildhall serve exited before answering: {status}");
        }
        assert!(
            child.started.elapsed() < Duration::from_secs(60),
            "guildhall serve did not answer within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn bench_memory(sizes: &Sizes, table: &mut Table) {
    eprintln!("(e) memory and start-up");
    let binary = match guildhall_binary() {
        Ok(b) => b,
        Err(e) => {
            table.add("e", "memory and start-up", "SQLite", "skipped", "", "", e);
            return;
        }
    };
    let size = std::fs::metadata(&binary).map(|m| m.len()).unwrap_or(0);
    table.add(
        "e",
        "binary size",
        "-",
        format!("{:.1} MB", size as f64 / 1e6),
        "",
        "",
        format!(
            "{} ({})",
            binary.display(),
            if cfg!(debug_assertions) {
                "debug build"
            } else {
                "release build, stripped"
            }
        ),
    );
    let mut startups = Vec::new();
    let mut restarts = Vec::new();
    let mut last = None;
    for _ in 0..sizes.memory_runs {
        let dir = TempDir::new("child");
        let port = free_port();
        let mut child = spawn_guildhall(&binary, &dir.0, port);
        startups.push(until_healthy(&mut child, port).await);
        // Let the key pool fill, then start again on the same data.
        settle_pid(&child.pid().to_string()).await;
        drop(child);
        let mut child = spawn_guildhall(&binary, &dir.0, port);
        restarts.push(until_healthy(&mut child, port).await);
        last = Some((child, dir, port));
    }
    for (what, mut v) in [
        ("first start on an empty data folder (migrations run, the instance actor's RSA key is made)", startups),
        ("restart on existing data", restarts),
    ] {
        v.sort();
        table.add(
            "e",
            format!("start to first answered request (`GET /healthz`): {what}"),
            "SQLite",
            ms(v[v.len() / 2]),
            "",
            "",
            format!(
                "median of {} launches of `guildhall serve`, polled every 5 ms; min {}, max {}",
                v.len(),
                ms(v[0]),
                ms(v[v.len() - 1])
            ),
        );
    }
    let (child, dir, port) = last.expect("one launch");
    let idle_after = Duration::from_secs(if sizes.memory_runs > 1 { 5 } else { 1 });
    tokio::time::sleep(idle_after.saturating_sub(child.started.elapsed())).await;
    let idle = status_kib(child.pid(), "VmRSS:").unwrap_or(0);
    table.add(
        "e",
        "RSS idle",
        "SQLite",
        mib(idle),
        "",
        "",
        format!(
            "VmRSS {} s after start: 2 HTTP workers, key pool filled, log level info to /dev/null",
            idle_after.as_secs()
        ),
    );

    // Under inbox load: the same scenario as (a) without relay, against the
    // child process; people and membership go straight into its SQLite file.
    let mut config = bench_config(&dir.0, port);
    config.database.pool_size = 2;
    let store = Store::open(&config).expect("open the child's store");
    let addr = format!("http://127.0.0.1:{port}");
    let site = make_site(&addr, &store, "bench").await;
    let senders = Remote::start(1, false).await;
    let actors = senders.actors(sizes.inbox_actors).await;
    add_people(
        &store,
        Some(site.group_id),
        as_remote_people(&actors, &senders),
    )
    .await;
    let host = format!("localhost:{port}");
    let requests = presign(&actors, &site.group_ap_id, &host, sizes.inbox_n, "mem").await;
    settle().await;
    settle_pid(&child.pid().to_string()).await;
    let peak = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (peak, stop, pid) = (peak.clone(), stop.clone(), child.pid());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Some(k) = status_kib(pid, "VmRSS:") {
                    peak.fetch_max(k, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let http = client(sizes.inbox_concurrency);
    let stats = run_list(
        &http,
        Arc::new(requests),
        &format!("{addr}/inbox"),
        sizes.inbox_concurrency,
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let after = status_kib(child.pid(), "VmRSS:").unwrap_or(0);
    let hwm = status_kib(child.pid(), "VmHWM:").unwrap_or(0);
    table.add(
        "e",
        "RSS under inbox load (a)",
        "SQLite",
        format!("{} peak", mib(peak.load(Ordering::Relaxed).max(hwm))),
        "",
        "",
        format!(
            "sampled every 20 ms; {} right after; {} concurrent signed POSTs, N={}",
            mib(after),
            sizes.inbox_concurrency,
            sizes.inbox_n
        ),
    );
    table.add(
        "e",
        "inbox (a) against the `guildhall` process, logging on",
        "SQLite",
        format!("{:.0} activities/s", stats.rate()),
        stats.p50(),
        stats.p99(),
        format!(
            "the same load as (a) row 1 but against a separate process with the default info log{}",
            stats.error_note()
        ),
    );
    senders.stop().await;
    drop(child);
    drop(dir);
}

// --------------------------------------------------------- (f) limits ---

fn bench_limits(cli_pg: Option<&str>, limit_secs: f64, table: &mut Table) {
    eprintln!("(f) physical limits");
    let d = Duration::from_secs_f64(limit_secs);
    let pair = activitypub_federation::http_signatures::generate_actor_keypair()
        .expect("generate a key pair");
    let key = RsaPrivateKey::from_pkcs8_pem(&pair.private_key).expect("private key");
    let signer = SigningKey::<Sha256>::new(key.clone());
    let msg = b"(request-target): post /inbox\nhost: localhost:8080\ndate: Tue, 01 Dec 2026 10:00:00 GMT\ndigest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    let sig = signer.sign(msg);
    let verifier = VerifyingKey::<Sha256>::new(RsaPublicKey::from(&key));
    let rate = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        let mut n = 0u64;
        while started.elapsed() < d {
            f();
            n += 1;
        }
        per_sec(n as f64, started.elapsed())
    };
    let sign = rate(&mut || {
        std::hint::black_box(signer.sign(std::hint::black_box(msg)));
    });
    let verify = rate(&mut || {
        verifier
            .verify(std::hint::black_box(msg), &sig)
            .expect("the signature verifies");
    });
    let parse = rate(&mut || {
        std::hint::black_box(
            RsaPublicKey::from_public_key_pem(std::hint::black_box(&pair.public_key))
                .expect("a public key"),
        );
    });
    let ring_key = guildhall::federation::sending::parse_private_key(&pair.private_key)
        .expect("ring takes the key");
    let ring_rng = ring::rand::SystemRandom::new();
    let mut ring_sig = vec![0; ring_key.public().modulus_len()];
    let ring_sign = rate(&mut || {
        ring_key
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &ring_rng,
                std::hint::black_box(msg),
                &mut ring_sig,
            )
            .expect("signed");
    });
    let public_der =
        rsa::pkcs1::EncodeRsaPublicKey::to_pkcs1_der(&RsaPublicKey::from(&key)).expect("DER");
    let ring_public = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        public_der.as_bytes().to_vec(),
    );
    let sig_bytes = sig.to_vec();
    let ring_verify = rate(&mut || {
        ring_public
            .verify(std::hint::black_box(msg), &sig_bytes)
            .expect("the signature verifies");
    });
    let note = "one thread, the `rsa` crate (PKCS#1 v1.5, SHA-256): the federation library's";
    let ring_note = "one thread, ring (PKCS#1 v1.5, SHA-256): what the server signs deliveries and checks incoming signatures with";
    table.add(
        "f",
        "RSA-2048 signatures made per second, one core (ring)",
        "-",
        format!("{ring_sign:.0} /s"),
        "",
        "",
        format!("{ring_note}; {:.2} ms each", 1000.0 / ring_sign),
    );
    table.add(
        "f",
        "RSA-2048 signatures verified per second, one core (ring)",
        "-",
        format!("{ring_verify:.0} /s"),
        "",
        "",
        format!("{ring_note}; {:.3} ms each", 1000.0 / ring_verify),
    );
    table.add(
        "f",
        "RSA-2048 signatures made per second, one core (rsa)",
        "-",
        format!("{sign:.0} /s"),
        "",
        "",
        format!("{note}; {:.2} ms each", 1000.0 / sign),
    );
    table.add(
        "f",
        "RSA-2048 signatures verified per second, one core (rsa)",
        "-",
        format!("{verify:.0} /s"),
        "",
        "",
        format!("{note}; {:.3} ms each", 1000.0 / verify),
    );
    table.add(
        "f",
        "public-key PEM parsed per second, one core",
        "-",
        format!("{parse:.0} /s"),
        "",
        "",
        "what the inbox does once per activity before verifying",
    );

    // Single-row inserts, autocommit: one connection, then 8 at once.
    let dir = TempDir::new("limits");
    let sqlite_url = dir.0.join("limits.db");
    let sqlite_open = || {
        let mut c = diesel::SqliteConnection::establish(&sqlite_url.to_string_lossy())
            .expect("open SQLite");
        c.batch_execute(
            "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
        )
        .expect("pragmas");
        c
    };
    sqlite_open()
        .batch_execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, at TIMESTAMP NOT NULL)",
        )
        .expect("create table");
    for threads in [1usize, 8] {
        let n = insert_rate(threads, d, || {
            let mut c = sqlite_open();
            move || {
                c.batch_execute("INSERT INTO t (v, at) VALUES ('a row of about forty bytes of text....', CURRENT_TIMESTAMP)")
                    .expect("insert");
            }
        });
        table.add(
            "f",
            format!("SQLite single-row INSERTs per second, {threads} connection(s)"),
            "SQLite",
            format!("{n:.0} /s"),
            "",
            "",
            "autocommit, WAL, synchronous=NORMAL (the server's settings), one small table",
        );
    }
    if let Some(base) = cli_pg {
        let (db, url) = PgDatabase::create(base);
        diesel::PgConnection::establish(&url)
            .expect("connect")
            .batch_execute(
                "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL, at TIMESTAMP NOT NULL)",
            )
            .expect("create table");
        for threads in [1usize, 8] {
            let n = insert_rate(threads, d, || {
                let mut c = diesel::PgConnection::establish(&url).expect("connect");
                move || {
                    c.batch_execute("INSERT INTO t (v, at) VALUES ('a row of about forty bytes of text....', now())")
                        .expect("insert");
                }
            });
            table.add("f", format!("PostgreSQL single-row INSERTs per second, {threads} connection(s)"), "PostgreSQL", format!("{n:.0} /s"), "", "", "autocommit over loopback TCP, the server's default settings (synchronous_commit on)");
        }
        drop(db);
    }
}

/// Inserts per second from `threads` threads for `d`.
fn insert_rate<F, I>(threads: usize, d: Duration, open: F) -> f64
where
    F: Fn() -> I,
    I: FnMut() + Send + 'static,
{
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let mut insert = open();
            let done = done.clone();
            std::thread::spawn(move || {
                while started.elapsed() < d {
                    insert();
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("an insert thread panicked");
    }
    per_sec(done.load(Ordering::Relaxed) as f64, started.elapsed())
}

// ---------------------------------------------------------------- main ---

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!("{cores} cores ({cpu}); load average at start {load}")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let cli = Cli::parse();
    let sizes = if cli.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    let wanted = |s: Section| cli.only.is_empty() || cli.only.contains(&s);
    let started = Instant::now();
    let mut table = Table::default();
    let at_start = machine();
    eprintln!(
        "bench: {at_start}{}",
        if cli.quick { " (quick)" } else { "" }
    );
    let backends = backends(&cli);
    if backends.len() == 1 {
        eprintln!(
            "bench: no --postgres URL (or GUILDHALL_TEST_POSTGRES_URL): PostgreSQL rows skipped"
        );
    }
    if wanted(Section::Limits) {
        let pg = cli.postgres.clone().filter(|u| !u.is_empty());
        let secs = sizes.limit_secs;
        let mut t = std::mem::take(&mut table);
        t = tokio::task::spawn_blocking(move || {
            bench_limits(pg.as_deref(), secs, &mut t);
            t
        })
        .await
        .expect("limits");
        table = t;
    }
    for b in &backends {
        if wanted(Section::Inbox) {
            bench_inbox(b, &sizes, &mut table).await;
        }
    }
    for b in &backends {
        if wanted(Section::Fanout) {
            bench_fanout(b, &sizes, &mut table).await;
        }
    }
    for b in &backends {
        if wanted(Section::Read) {
            bench_read(b, &sizes, &mut table).await;
        }
    }
    for b in &backends {
        if wanted(Section::Growth) {
            bench_growth(b, &sizes, &mut table).await;
        }
    }
    for b in &backends {
        let (search, pages) = (wanted(Section::Search), wanted(Section::Pages));
        if search || pages {
            bench_search_pages(b, &sizes, &mut table, search, pages).await;
        }
    }
    if wanted(Section::Memory) {
        bench_memory(&sizes, &mut table).await;
    }
    for b in &backends {
        if wanted(Section::Analytics) {
            bench_analytics(b, &sizes, &mut table).await;
        }
    }
    println!(
        "Guildhall bench{}: {at_start}, {} build; load average at the end {}; took {}",
        if cli.quick { " (--quick)" } else { "" },
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default(),
        secs(started.elapsed())
    );
    println!();
    table.print();
}

// ------------------------------------------------------ (i) analytics ---

/// `n` remote people, accepted members of the group; their ids.
async fn make_members(store: &Store, group_id: i64, n: usize) -> Vec<i64> {
    let people = (0..n)
        .map(|i| {
            let host = format!("member{}.bench.invalid", i % 20);
            RemotePerson {
                ap_id: format!("https://{host}/users/m{i}"),
                name: format!("m{i}"),
                domain: host.clone(),
                inbox: format!("https://{host}/users/m{i}/inbox"),
                shared_inbox: Some(format!("https://{host}/inbox")),
                public_key: "-----BEGIN PUBLIC KEY-----\n(not used)\n-----END PUBLIC KEY-----"
                    .into(),
            }
        })
        .collect();
    add_people(store, Some(group_id), people).await
}

/// `n` threads of the group spread evenly over the last 365 days (a
/// question every tenth), and for every other thread a comment an hour
/// later and a vote, by the members in turn; batched multi-row INSERTs.
async fn generate_year(store: &Store, group_id: i64, members: &[i64], n: usize) {
    let members = members.to_vec();
    let store2 = store.clone();
    tokio::task::spawn_blocking(move || {
        let start = store::now() - chrono::Duration::days(365);
        let step = 365.0 * 86_400.0 / n.max(1) as f64;
        let at = |j: usize| start + chrono::Duration::seconds((j as f64 * step) as i64);
        let ts = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
        let mut i = 0;
        while i < n {
            let tx_end = (i + 20_000).min(n);
            store2
                .run_blocking(|conn| {
                    store::write_tx(conn, |conn| {
                        while i < tx_end {
                            let end = (i + 500).min(tx_end);
                            let mut sql = String::from("INSERT INTO post (ap_id, group_id, author_id, kind, title, body_source, body_html, local, score, upvotes, downvotes, comment_count, hot_rank, removed, deleted, locked, pinned, created_at, last_activity_at) VALUES ");
                            for j in i..end {
                                if j > i {
                                    sql.push(',');
                                }
                                let kind = if j % 10 == 0 { "question" } else { "discussion" };
                                let (c, v) = if j % 2 == 0 { (1, 1) } else { (0, 0) };
                                let t = ts(at(j));
                                sql.push_str(&format!(
                                    "('https://bench.invalid/year/{j}', {group_id}, {}, '{kind}', 'Thread {j}', 'Thread {j}.', '<p>Thread {j}.</p>', FALSE, {v}, {v}, 0, {c}, 0, FALSE, FALSE, FALSE, FALSE, '{t}', '{t}')",
                                    members[j % members.len()]
                                ));
                            }
                            exec(conn, &sql)?;
                            i = end;
                        }
                        Ok(())
                    })
                })
                .expect("insert the year's threads");
        }
    })
    .await
    .expect("join");
    let (lo, hi) = post_id_range(store, group_id).await;
    let members = members_of(store, group_id).await;
    let store2 = store.clone();
    tokio::task::spawn_blocking(move || {
        let ts = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
        let ids: Vec<i64> = (lo..=hi).collect();
        for chunk in ids.chunks(20_000) {
            let rows: Vec<(i64, chrono::NaiveDateTime)> = store2
                .run_blocking(|conn| {
                    use guildhall::store::schema::post;
                    Ok(post::table
                        .filter(post::id.eq_any(chunk))
                        .filter(post::comment_count.gt(0))
                        .select((post::id, post::created_at))
                        .load(conn)?)
                })
                .expect("read threads");
            store2
                .run_blocking(|conn| {
                    store::write_tx(conn, |conn| {
                        for part in rows.chunks(500) {
                            let mut comments = String::from("INSERT INTO comment (ap_id, post_id, parent_id, author_id, depth, body_source, body_html, local, score, upvotes, downvotes, removed, deleted, created_at) VALUES ");
                            let mut votes = String::from("INSERT INTO vote (person_id, post_id, comment_id, value, created_at) VALUES ");
                            for (k, (id, at)) in part.iter().enumerate() {
                                if k > 0 {
                                    comments.push(',');
                                    votes.push(',');
                                }
                                let who = members[(*id as usize * 7 + 3) % members.len()];
                                let t = ts(*at + chrono::Duration::hours(1));
                                comments.push_str(&format!(
                                    "('https://bench.invalid/year/c{id}', {id}, NULL, {who}, 0, 'Yes.', '<p>Yes.</p>', FALSE, 0, 0, 0, FALSE, FALSE, '{t}')"
                                ));
                                votes.push_str(&format!("({who}, {id}, NULL, 1, '{t}')"));
                            }
                            exec(conn, &comments)?;
                            exec(conn, &votes)?;
                        }
                        Ok(())
                    })
                })
                .expect("insert comments and votes");
        }
        if store2.backend() == store::Backend::Postgres {
            store2
                .run_blocking(|conn| exec(conn, "ANALYZE post; ANALYZE comment; ANALYZE vote; ANALYZE membership;"))
                .expect("analyze");
        }
    })
    .await
    .expect("join");
}

async fn members_of(store: &Store, group_id: i64) -> Vec<i64> {
    store
        .run(move |conn| {
            use guildhall::store::schema::membership;
            Ok(membership::table
                .filter(membership::group_id.eq(group_id))
                .select(membership::person_id)
                .order(membership::person_id)
                .load(conn)?)
        })
        .await
        .expect("read members")
}

async fn bench_analytics(backend: &Backend, sizes: &Sizes, table: &mut Table) {
    eprintln!("(i) analytics on {}", backend.name());
    let server = Server::start(backend).await;
    let site = make_site(&server.addr, &server.app.store, "dashboard").await;
    let store = &server.app.store;
    let members = make_members(store, site.group_id, sizes.analytics_members).await;
    let started = Instant::now();
    generate_year(store, site.group_id, &members, sizes.analytics_threads).await;
    eprintln!("  generated in {}", secs(started.elapsed()));
    let app = server.app.clone();
    tokio::task::spawn_blocking(move || {
        guildhall::community::accounts::create_user_blocking(&app, "root", "a-bench-password", true)
    })
    .await
    .expect("join")
    .expect("create the admin");
    let login = api(
        &reqwest::Client::new(),
        reqwest::Method::POST,
        format!("{}/api/v1/auth/login", server.addr),
        None,
        Some(json!({"username": "root", "password": "a-bench-password"})),
    )
    .await;
    let root = login["token"].as_str().expect("a token").to_string();
    let setting = format!(
        "{} threads over a year, {} members, a comment and a vote on every other thread",
        count(sizes.analytics_threads),
        count(sizes.analytics_members)
    );

    // The first roll-up reads everything; the next ones only the open days.
    for what in [
        "first roll-up (every day)",
        "next roll-up (yesterday and today)",
    ] {
        let started = Instant::now();
        let days = store
            .run(|conn| guildhall::community::analytics::roll_up(conn, store::now()))
            .await
            .expect("roll up");
        table.add(
            "i",
            format!("analytics: {what}"),
            backend.name(),
            secs(started.elapsed()),
            "",
            "",
            format!("{days} days recomputed; {setting}"),
        );
    }
    settle().await;
    let http = client(1);
    let cases = [
        (
            "analytics dashboard, instance (`GET /api/v1/analytics/instance`, 30 days by day)",
            format!("{}/api/v1/analytics/instance", server.addr),
            root.clone(),
        ),
        (
            "analytics dashboard, instance, a year by week",
            format!(
                "{}/api/v1/analytics/instance?by=week&from={}",
                server.addr,
                (store::now() - chrono::Duration::days(364)).date()
            ),
            root.clone(),
        ),
        (
            "analytics dashboard, a group (`GET /api/v1/analytics/groups/dashboard`, 30 days, its owner)",
            format!("{}/api/v1/analytics/groups/dashboard", server.addr),
            site.token.clone(),
        ),
    ];
    for (what, url, token) in cases {
        eprintln!("  measuring: {what}");
        let stats = measure(&http, get(url, Some(token)), sizes.analytics_secs, 1).await;
        load_row(
            table,
            "i",
            what.to_string(),
            backend,
            &stats,
            format!(
                "one at a time for {} s; target p50 < 200 ms; {setting}",
                sizes.analytics_secs
            ),
        );
    }
    server.stop().await;
}

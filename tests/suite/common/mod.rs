//! Test helpers: start a real Guildhall server on a loopback port, on SQLite
//! (a temporary file) or PostgreSQL (a fresh database per test, dropped
//! afterwards), and talk to it over HTTP.
#![allow(dead_code)]

pub mod browser;
pub mod remote;
pub mod sink;
pub mod smtp;

use diesel::{Connection, RunQueryDsl};
use guildhall::config::Config;
use guildhall::server::{self, RunningServer};
use guildhall::App;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn postgres_url() -> Option<String> {
    std::env::var("GUILDHALL_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Runs a scenario once per backend test function; the PostgreSQL variant
/// is skipped (with a note) only when GUILDHALL_TEST_POSTGRES_URL is unset.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::common::postgres_url().is_none() {
                        eprintln!("GUILDHALL_TEST_POSTGRES_URL is not set: PostgreSQL variant skipped");
                        return;
                    }
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}

/// Loopback needs no TLS, and libpq's OpenSSL clean-up at process exit
/// races with pool threads still holding TLS connections ("double free or
/// corruption" after every test had passed).
fn without_tls(url: &mut url::Url) {
    if !url.query_pairs().any(|(k, _)| k == "sslmode") {
        url.query_pairs_mut().append_pair("sslmode", "disable");
    }
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
    pub fn create(base: &str) -> (PgDatabase, String) {
        let mut base_url = url::Url::parse(base).expect("postgres URL");
        without_tls(&mut base_url);
        let base = base_url.as_str();
        let name = format!(
            "guildhall_test_{}",
            &guildhall::community::tokens::random_token()[..16]
        );
        let mut conn = diesel::PgConnection::establish(base).expect("connect to PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        let mut url = url::Url::parse(base).expect("postgres URL");
        url.set_path(&format!("/{name}"));
        without_tls(&mut url);
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

pub struct TestServer {
    pub url: String,
    pub client: reqwest::Client,
    pub app: App,
    pub config: Config,
    running: Option<RunningServer>,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

pub struct Response {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Response {
    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {}",
            self.body
        );
        self.body
    }

    /// Asserts an error answer: the status and the JSON error shape.
    #[track_caller]
    pub fn expect_error(self, status: u16) -> Value {
        let body = self.expect(status);
        assert!(body["error"].is_string(), "no error code in {body}");
        assert!(body["detail"].is_string(), "no detail in {body}");
        body
    }
}

pub async fn start(backend: Backend) -> TestServer {
    start_with(backend, |_| {}).await
}

pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    // Ids use "localhost": the federation library needs a domain name.
    let url = format!("http://localhost:{}", addr.port());
    let mut config = Config {
        public_url: url.clone(),
        bind: addr.to_string(),
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    config.keys.pool_size = 2;
    config.federation.debug = true;
    config.database.pool_size = 4;
    // Tests post fast from fresh accounts: limits are tested where set.
    config.moderation.posts_per_hour = 0;
    config.moderation.new_account_days = 0;
    config.reputation.newcomer_ranks = Vec::new();
    // All test clients sign up from loopback: tested in tests/login_limits.rs.
    config.limits.register_per_address_per_hour = 0;
    let pg = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let base = postgres_url().expect("GUILDHALL_TEST_POSTGRES_URL");
            let (db, url) = PgDatabase::create(&base);
            config.database_url = url;
            Some(db)
        }
    };
    tweak(&mut config);
    config.validate().expect("test config is valid");
    // GUILDHALL_TEST_LOG=debug shows the servers' logs (with --no-capture).
    if let Ok(level) = std::env::var("GUILDHALL_TEST_LOG") {
        let mut log_config = config.clone();
        log_config.log.level = level;
        guildhall::logging::init(&log_config);
    }
    let (app, running) = serve(config.clone(), listener).await;
    TestServer {
        url,
        client: reqwest::Client::new(),
        app,
        config,
        running: Some(running),
        _dir: dir,
        _pg: pg,
    }
}

async fn serve(config: Config, listener: std::net::TcpListener) -> (App, RunningServer) {
    let app = tokio::task::spawn_blocking(move || App::open(config))
        .await
        .expect("join")
        .expect("open app");
    let running = server::start(app.clone(), listener, false)
        .await
        .expect("start server");
    (app, running)
}

impl TestServer {
    /// Stops the server and starts it again on the same address and store,
    /// as an administrator's restart would.
    pub async fn restart(&mut self) {
        self.down().await;
        self.up().await;
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("answer is not JSON: {text}"))
        };
        Response {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.call(Method::GET, path, token, None).await
    }
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.call(Method::POST, path, token, Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.call(Method::PATCH, path, token, Some(body)).await
    }
    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.call(Method::PUT, path, token, Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.call(Method::DELETE, path, token, None).await
    }

    /// Registers `name` (password "password-<name>") and logs in: the token.
    pub async fn user(&self, name: &str) -> String {
        self.post(
            "/api/v1/accounts",
            None,
            json!({"username": name, "password": format!("password-{name}")}),
        )
        .await
        .expect(201);
        self.login(name).await
    }

    /// Creates an instance administrator the way the CLI does, and logs in.
    pub async fn admin(&self, name: &str) -> String {
        let (app, user) = (self.app.clone(), name.to_string());
        tokio::task::spawn_blocking(move || {
            let password = format!("password-{user}");
            guildhall::community::accounts::create_user_blocking(&app, &user, &password, true)
        })
        .await
        .expect("join")
        .expect("create admin");
        self.login(name).await
    }

    pub async fn login(&self, name: &str) -> String {
        let body = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"username": name, "password": format!("password-{name}")}),
            )
            .await
            .expect(200);
        body["token"].as_str().expect("token").to_string()
    }

    /// Creates a group (`kind` group or club) owned by the token's user.
    pub async fn group(&self, token: &str, name: &str, kind: &str) -> Value {
        self.post(
            "/api/v1/groups",
            Some(token),
            json!({"name": name, "title": format!("The {name} group"), "kind": kind}),
        )
        .await
        .expect(201)
    }

    /// Starts a thread; returns its id.
    pub async fn thread(&self, token: &str, group: &str, title: &str) -> i64 {
        self.post(
            &format!("/api/v1/groups/{group}/posts"),
            Some(token),
            json!({"title": title, "body": format!("About {title}.")}),
        )
        .await
        .expect(201)["id"]
            .as_i64()
            .expect("post id")
    }
}

/// Polls `check` until it holds (federation is asynchronous), or panics
/// after 20 seconds naming what was awaited.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

impl TestServer {
    /// `host:port` of this server, as it appears in handles.
    pub fn host(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }
}

impl TestServer {
    /// Finds `group` (a handle like `support@host`) from this server and
    /// joins it as `token`'s user, waiting until the group accepts.
    pub async fn join_remote(&self, token: &str, group: &str) {
        self.get(&format!("/api/v1/resolve?q=@{group}"), Some(token))
            .await
            .expect(200);
        self.post(
            &format!("/api/v1/groups/{group}/join"),
            Some(token),
            json!({}),
        )
        .await
        .expect(200);
        eventually(&format!("{group} to accept the join"), || async {
            let g = self
                .get(&format!("/api/v1/groups/{group}"), Some(token))
                .await
                .expect(200);
            g["membership"]["state"] == "accepted"
        })
        .await;
    }

    /// The thread titled `title` in `group`'s newest threads, as `token` sees it.
    pub async fn find_thread(
        &self,
        token: Option<&str>,
        group: &str,
        title: &str,
    ) -> Option<Value> {
        let page = self
            .get(&format!("/api/v1/groups/{group}/posts?sort=new"), token)
            .await
            .expect(200);
        page["items"]
            .as_array()?
            .iter()
            .find(|p| p["title"] == title)
            .cloned()
    }

    /// Waits until `group` shows a thread titled `title`; returns it.
    pub async fn await_thread(&self, token: Option<&str>, group: &str, title: &str) -> Value {
        eventually(&format!("{title:?} in {group} on {}", self.url), || async {
            self.find_thread(token, group, title).await.is_some()
        })
        .await;
        self.find_thread(token, group, title).await.expect("thread")
    }
}

impl TestServer {
    /// From this server, `token`'s user asks to join the gated `group` on
    /// `host` (a handle such as `makers@host:port`); the owner on `host`
    /// (`owner`) sees the request and approves `member` (`bob@host:port`).
    pub async fn join_gated(
        &self,
        token: &str,
        group: &str,
        host: &TestServer,
        owner: &str,
        member: &str,
    ) {
        self.request_join(token, group, host, owner, member).await;
        self.approved_by(token, group, host, owner, member).await;
    }

    /// Asks to join the gated `group` and waits until its owner on `host`
    /// sees the request; the membership here stays pending.
    pub async fn request_join(
        &self,
        token: &str,
        group: &str,
        host: &TestServer,
        owner: &str,
        member: &str,
    ) {
        let local_name = group.split('@').next().expect("group name");
        self.get(&format!("/api/v1/resolve?q=@{group}"), Some(token))
            .await
            .expect(200);
        let m = self
            .post(
                &format!("/api/v1/groups/{group}/join"),
                Some(token),
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(m["state"], "pending");
        eventually(&format!("the request to join {group}"), || async {
            let p = host
                .get(
                    &format!("/api/v1/groups/{local_name}/members?state=pending"),
                    Some(owner),
                )
                .await
                .expect(200);
            p["items"]
                .as_array()
                .is_some_and(|l| l.iter().any(|m| m["person"]["name"] == member))
        })
        .await;
        let g = self
            .get(&format!("/api/v1/groups/{group}"), Some(token))
            .await
            .expect(200);
        assert_eq!(
            g["membership"]["state"], "pending",
            "no answer before the owner decides"
        );
    }

    /// The owner on `host` approves `member`'s pending request to join
    /// `group`; waits until this server knows.
    pub async fn approved_by(
        &self,
        token: &str,
        group: &str,
        host: &TestServer,
        owner: &str,
        member: &str,
    ) {
        let local_name = group.split('@').next().expect("group name");
        host.post(
            &format!("/api/v1/groups/{local_name}/members/{member}/approve"),
            Some(owner),
            json!({}),
        )
        .await
        .expect(200);
        eventually(&format!("{group} to accept"), || async {
            let g = self
                .get(&format!("/api/v1/groups/{group}"), Some(token))
                .await
                .expect(200);
            g["membership"]["state"] == "accepted"
        })
        .await;
    }
}

impl TestServer {
    /// Takes the server down (its store stays), as a crash or an outage
    /// would; `up` brings it back on the same address.
    pub async fn down(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    pub async fn up(&mut self) {
        let listener = std::net::TcpListener::bind(&self.config.bind).expect("rebind");
        let (app, running) = serve(self.config.clone(), listener).await;
        self.app = app;
        self.running = Some(running);
    }
}

impl TestServer {
    /// A second process of the same instance: same public URL and store,
    /// its own port (as several `guildhall serve` behind one proxy).
    pub async fn second_process(&self) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let mut config = self.config.clone();
        config.bind = listener.local_addr().expect("address").to_string();
        config.data_dir = dir.path().to_path_buf();
        if config.database_url.is_empty() {
            // The SQLite file lives in the first process's data dir.
            config.database_url = format!(
                "sqlite://{}",
                self.config.data_dir.join("guildhall.db").display()
            );
        }
        let (app, running) = serve(config.clone(), listener).await;
        TestServer {
            url: self.url.clone(),
            client: reqwest::Client::new(),
            app,
            config,
            running: Some(running),
            _dir: dir,
            _pg: None,
        }
    }
}

//! Test helpers: start a real Guildhall server on a loopback port, on SQLite
//! (a temporary file) or PostgreSQL (a fresh database per test, dropped
//! afterwards), and talk to it over HTTP.
#![allow(dead_code)]

pub mod sink;

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

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
    pub fn create(base: &str) -> (PgDatabase, String) {
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
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        let listener = std::net::TcpListener::bind(&self.config.bind).expect("rebind");
        let (app, running) = serve(self.config.clone(), listener).await;
        self.app = app;
        self.running = Some(running);
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

//! The event log end to end: a change committed by a process that dies
//! before any consumer ran still reaches the other server after a restart,
//! once; two processes on one database deliver each change once; and the
//! changes that sent nothing before (a group's profile, its moderators)
//! reach the other server.

use crate::common;

use crate::common::remote::{Remote, RemoteActor};
use crate::common::{eventually, start, Backend, PgDatabase, TestServer};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The real `guildhall serve`, as a child process.
struct Process {
    child: Child,
}

impl Process {
    async fn start(data: &Path, database_url: Option<&str>, port: u16, consume: bool) -> Process {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_guildhall"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("GUILDHALL_DATA_DIR", data)
            .env("GUILDHALL_LOG_LEVEL", "warn")
            .env("GUILDHALL_BIND", format!("127.0.0.1:{port}"))
            // Ids use "localhost": the federation library needs a name.
            .env("GUILDHALL_PUBLIC_URL", format!("http://localhost:{port}"))
            .env("GUILDHALL_FEDERATION_DEBUG", "true")
            .env("GUILDHALL_MODERATION_POSTS_PER_HOUR", "0")
            .env("GUILDHALL_MODERATION_NEW_ACCOUNT_DAYS", "0")
            .env("GUILDHALL_LIMITS_REGISTER_PER_ADDRESS_PER_HOUR", "0")
            .env("GUILDHALL_EVENTS_CONSUME", consume.to_string())
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(url) = database_url {
            cmd.env("GUILDHALL_DATABASE_URL", url);
        }
        let child = cmd.spawn().expect("spawn serve");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "server did not answer /healthz");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Process { child }
    }

    /// SIGKILL: no graceful stop, nothing flushed.
    fn crash(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny API client for the child process.
struct Api {
    url: String,
    client: reqwest::Client,
}

impl Api {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Value {
        let mut req = self.client.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.json(&body).send().await.expect("request");
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, token, body).await
    }

    async fn user(&self, name: &str) -> String {
        let password = format!("password-{name}");
        self.post(
            "/api/v1/accounts",
            None,
            json!({"username": name, "password": password}),
        )
        .await;
        self.post(
            "/api/v1/auth/login",
            None,
            json!({"username": name, "password": password}),
        )
        .await["token"]
            .as_str()
            .expect("token")
            .to_string()
    }
}

/// The Announces of a comment whose text is `text` that `remote` received.
fn announces_of(remote: &Remote, text: &str) -> usize {
    remote
        .received()
        .iter()
        .filter(|r| r.kind() == "Announce")
        .filter(|r| {
            r.body["object"]["object"]["content"]
                .to_string()
                .contains(text)
        })
        .count()
}

/// The thread-reply notifications `token`'s owner has whose comment
/// excerpt contains `text`.
async fn replies_noticed(api_url: &str, token: &str, text: &str) -> usize {
    let page: Value = reqwest::Client::new()
        .get(format!("{api_url}/api/v1/notifications?kind=thread_reply"))
        .bearer_auth(token)
        .send()
        .await
        .expect("notifications")
        .json()
        .await
        .expect("notifications JSON");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| {
            n["comment"]["excerpt"]
                .as_str()
                .is_some_and(|e| e.contains(text))
        })
        .count()
}

/// Kim, on a fake remote server, follows the group and waits for the Accept.
async fn follow_group(base: &str, group: &str) -> (Remote, RemoteActor) {
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    let group_ap = format!("{base}/g/{group}");
    social
        .send(&kim, &format!("{group_ap}/inbox"), &kim.follow(&group_ap))
        .await
        .expect(202);
    social
        .wait_for("the Accept of kim's Follow", |r| {
            r.iter().any(|r| r.kind() == "Accept")
        })
        .await;
    (social, kim)
}

async fn a_change_committed_before_a_crash_is_sent_after_the_restart_once(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pg = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(PgDatabase::create(
            &common::postgres_url().expect("GUILDHALL_TEST_POSTGRES_URL"),
        )),
    };
    let db = pg.as_ref().map(|(_, url)| url.as_str());
    let port = free_port();
    let api = Api {
        url: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
    };
    let base = format!("http://localhost:{port}");

    let serving = Process::start(dir.path(), db, port, true).await;
    let ann = api.user("ann").await;
    api.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "support", "title": "Support", "kind": "group"}),
    )
    .await;
    let post = api
        .post(
            "/api/v1/groups/support/posts",
            Some(&ann),
            json!({"title": "Welcome", "body": "Hello."}),
        )
        .await["id"]
        .as_i64()
        .expect("post id");
    let (social, _kim) = follow_group(&base, "support").await;
    let bob = api.user("bob").await;
    serving.crash();

    // Bob's reply commits with its event; no consumer runs; the process dies.
    let silent = Process::start(dir.path(), db, port, false).await;
    api.post(
        &format!("/api/v1/posts/{post}/comments"),
        Some(&bob),
        json!({"body": "written just before the crash"}),
    )
    .await;
    silent.crash();
    assert_eq!(announces_of(&social, "just before the crash"), 0);

    // Back with its consumers: the comment leaves, once.
    let back = Process::start(dir.path(), db, port, true).await;
    social
        .wait_for("the comment written before the crash", |_| {
            announces_of(&social, "just before the crash") > 0
        })
        .await;
    api.post(
        &format!("/api/v1/posts/{post}/comments"),
        Some(&bob),
        json!({"body": "the marker after the restart"}),
    )
    .await;
    social
        .wait_for("the marker comment", |_| {
            announces_of(&social, "the marker after the restart") > 0
        })
        .await;
    assert_eq!(announces_of(&social, "just before the crash"), 1);
    // Ann, the thread's author, is told of bob's reply once.
    common::eventually("ann's notice of the marker reply", || {
        let url = api.url.clone();
        let ann = ann.clone();
        async move { replies_noticed(&url, &ann, "the marker after the restart").await == 1 }
    })
    .await;
    assert_eq!(
        replies_noticed(&api.url, &ann, "just before the crash").await,
        1
    );
    back.crash();
}

async fn two_processes_deliver_each_change_once(backend: Backend) {
    let a = start(backend).await;
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let post = a.thread(&ann, "support", "Welcome").await;
    let (social, _kim) = follow_group(&a.url, "support").await;
    let bob = a.user("bob").await;
    let second = a.second_process().await;
    // Both processes write, and both run their consumers.
    for n in 0..6 {
        let server: &TestServer = if n % 2 == 0 { &a } else { &second };
        server
            .post(
                &format!("/api/v1/posts/{post}/comments"),
                Some(&bob),
                json!({"body": format!("comment number {n} of six")}),
            )
            .await
            .expect(201);
    }
    a.post(
        &format!("/api/v1/posts/{post}/comments"),
        Some(&ann),
        json!({"body": "the last marker"}),
    )
    .await
    .expect(201);
    social
        .wait_for("every comment and the marker", |_| {
            (0..6).all(|n| announces_of(&social, &format!("comment number {n} of six")) > 0)
                && announces_of(&social, "the last marker") > 0
        })
        .await;
    for n in 0..6 {
        assert_eq!(
            announces_of(&social, &format!("comment number {n} of six")),
            1,
            "comment {n}"
        );
    }
    // Ann, the thread's author, is told of each of bob's replies once.
    common::eventually("ann's notices of the six replies", || {
        let url = a.url.clone();
        let ann = ann.clone();
        async move { replies_noticed(&url, &ann, "of six").await >= 6 }
    })
    .await;
    for n in 0..6 {
        let text = format!("comment number {n} of six");
        assert_eq!(
            replies_noticed(&a.url, &ann, &text).await,
            1,
            "notice of comment {n}"
        );
    }
    second.stop().await;
}

async fn a_group_profile_and_a_new_moderator_reach_the_other_server(backend: Backend) {
    let a = start(backend).await;
    let b = start(backend).await;
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let bob = b.user("bob").await;
    let group = format!("support@{}", a.host());
    b.join_remote(&bob, &group).await;
    let bob_on_a = format!("bob@{}", b.host());

    a.call(
        reqwest::Method::PATCH,
        "/api/v1/groups/support",
        Some(&ann),
        Some(json!({"title": "Support desk", "description": "Ask anything here."})),
    )
    .await
    .expect(200);
    a.put(
        &format!("/api/v1/groups/support/members/{bob_on_a}/role"),
        Some(&ann),
        json!({"role": "moderator"}),
    )
    .await
    .expect(200);

    eventually("the new profile of the group on B", || async {
        let g = b
            .get(&format!("/api/v1/groups/{group}"), Some(&bob))
            .await
            .expect(200);
        g["description"] == "Ask anything here." && g["title"] == "Support desk"
    })
    .await;
    let role_on_b = || async {
        let members = b
            .get(&format!("/api/v1/groups/{group}/members"), Some(&bob))
            .await
            .expect(200);
        members["items"]
            .as_array()
            .and_then(|items| items.iter().find(|m| m["person"]["name"] == "bob"))
            .map(|m| m["role"].clone())
    };
    eventually("bob listed as a moderator on B", || async {
        role_on_b().await == Some(json!("moderator"))
    })
    .await;

    // And back: removed on A, a member again on B.
    a.put(
        &format!("/api/v1/groups/support/members/{bob_on_a}/role"),
        Some(&ann),
        json!({"role": "member"}),
    )
    .await
    .expect(200);
    eventually("bob a plain member again on B", || async {
        role_on_b().await == Some(json!("member"))
    })
    .await;
}

on_both_backends!(
    a_change_committed_before_a_crash_is_sent_after_the_restart_once,
    two_processes_deliver_each_change_once,
    a_group_profile_and_a_new_moderator_reach_the_other_server,
);

//! The `guildhall` binary as an administrator uses it: version, refusing a
//! bad configuration, migrate, create-user, serve and a graceful stop.

use crate::common;

use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn guildhall(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guildhall"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GUILDHALL_DATA_DIR", data)
        .env("GUILDHALL_LOG_LEVEL", "warn");
    cmd
}

fn run(cmd: &mut Command, stdin: Option<&str>) -> Output {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn guildhall");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

struct Served {
    child: Child,
    url: String,
}

impl Served {
    async fn start(mut cmd: Command) -> Served {
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let child = cmd
            .env("GUILDHALL_BIND", format!("127.0.0.1:{port}"))
            .env("GUILDHALL_PUBLIC_URL", &url)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = reqwest::get(format!("{url}/healthz")).await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "server did not answer /healthz");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Served { child, url }
    }

    async fn login(&self, name: &str, password: &str) -> serde_json::Value {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/login", self.url))
            .json(&json!({"username": name, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(res.status().as_u16(), 200, "login as {name}");
        res.json().await.expect("json")
    }

    /// SIGTERM, then the process must exit on its own, successfully.
    fn terminate(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(code) = self.child.try_wait().expect("wait") {
                assert!(code.success(), "serve exited with {code}");
                return;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn prints_its_version() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = run(guildhall(dir.path()).arg("--version"), None);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout).trim(),
        format!("guildhall {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_key() {
    let dir = tempfile::tempdir().expect("tmp");
    for (var, value, key) in [
        ("GUILDHALL_REGISTRATION", "sometimes", "registration"),
        (
            "GUILDHALL_DATABASE_URL",
            "mysql://localhost/x",
            "database_url",
        ),
        ("GUILDHALL_PUBLIC_URL", "not a url", "public_url"),
        ("GUILDHALL_BIND", "everywhere", "bind"),
        ("GUILDHALL_LOG_FORMAT", "xml", "log.format"),
    ] {
        let out = run(guildhall(dir.path()).env(var, value).arg("serve"), None);
        assert_eq!(out.status.code(), Some(2), "{var}={value}");
        let err = text(&out.stderr);
        assert!(err.contains(&format!("`{key}`")), "{var}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one message: {err}");
    }
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "public_url = \"http://localhost:9000\"\n[community]\ndownvote = false\n",
    )
    .expect("write");
    let out = run(
        guildhall(dir.path())
            .arg("--config")
            .arg(&file)
            .arg("migrate"),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("downvote"),
        "{}",
        text(&out.stderr)
    );
    // The example configuration is complete and valid.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let out = run(
        guildhall(dir.path())
            .arg("--config")
            .arg(&example)
            .arg("migrate"),
        None,
    );
    assert!(
        out.status.success(),
        "config.example.toml: {}",
        text(&out.stderr)
    );
}

async fn admin_walk(dir: &Path, database_url: Option<&str>) {
    let cmd = || {
        let mut c = guildhall(dir);
        if let Some(url) = database_url {
            c.env("GUILDHALL_DATABASE_URL", url);
        }
        c
    };
    let out = run(cmd().arg("migrate"), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("applied ") && !text(&out.stdout).contains("applied 0 "),
        "{}",
        text(&out.stdout)
    );
    let out = run(cmd().arg("migrate"), None);
    assert!(
        text(&out.stdout).contains("applied 0 migration"),
        "{}",
        text(&out.stdout)
    );

    // A piped password, then a generated one printed once.
    let out = run(
        cmd().args(["admin", "create-user", "root", "--admin"]),
        Some("s3cret-pass\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("password:"));
    let out = run(cmd().args(["admin", "create-user", "helper"]), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let generated = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("generated password printed")
        .to_string();
    let out = run(
        cmd().args(["admin", "create-user", "root"]),
        Some("another-pass\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("taken"), "{}", text(&out.stderr));

    let served = Served::start(cmd()).await;
    let root = served.login("root", "s3cret-pass").await;
    assert_eq!(root["account"]["role"], "admin");
    let helper = served.login("helper", &generated).await;
    assert_eq!(helper["account"]["role"], "user");
    served.terminate();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_walk_on_sqlite() {
    let dir = tempfile::tempdir().expect("tmp");
    admin_walk(dir.path(), None).await;
    assert!(dir.path().join("guildhall.db").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_walk_on_postgres() {
    let Some(base) = common::postgres_url() else {
        eprintln!("GUILDHALL_TEST_POSTGRES_URL is not set: PostgreSQL variant skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let (_db, url) = common::PgDatabase::create(&base);
    admin_walk(dir.path(), Some(&url)).await;
}

#[test]
fn domain_policy_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ok = |args: &[&str]| {
        let out = run(guildhall(dir.path()).args(args), None);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    assert_eq!(ok(&["admin", "domain", "list"]), "mode open\n");
    assert_eq!(
        ok(&["admin", "domain", "block", "Spam.Example"]),
        "spam.example blocked\n"
    );
    assert_eq!(
        ok(&["admin", "domain", "allow", "partner.example:8443"]),
        "partner.example:8443 allowed\n"
    );
    assert_eq!(
        ok(&["admin", "domain", "mode", "allowlist"]),
        "mode allowlist\n"
    );
    assert_eq!(
        ok(&["admin", "domain", "list"]),
        "mode allowlist\npartner.example:8443 allowed\nspam.example blocked\n"
    );
    ok(&["admin", "domain", "reset", "spam.example"]);
    let bad = run(
        guildhall(dir.path()).args(["admin", "domain", "mode", "closed"]),
        None,
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("mode must be one of open, allowlist"),
        "{}",
        text(&bad.stderr)
    );
}

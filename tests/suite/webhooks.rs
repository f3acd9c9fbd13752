//! Webhooks against a receiver on loopback: messages signed as Standard
//! Webhooks says (verified here with the secret), nothing of a club, a
//! failing receiver retried, no delivery lost across a restart, a webhook
//! switched off after failures in a row, and redelivery by hand.

use crate::common;

use crate::common::{eventually, Backend, TestServer};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
struct Got {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// What the receiver shares with its handler: what it got, and the
/// statuses to answer.
type Shared = (Arc<Mutex<Vec<Got>>>, Arc<Mutex<VecDeque<u16>>>);

/// A webhook receiver: records every POST, answers the statuses queued
/// (200 when none is left).
#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
    statuses: Arc<Mutex<VecDeque<u16>>>,
}

async fn receive(
    req: actix_web::HttpRequest,
    body: String,
    state: actix_web::web::Data<Shared>,
) -> actix_web::HttpResponse {
    let header = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    state.0.lock().unwrap().push(Got {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
    });
    let status = state.1.lock().unwrap().pop_front().unwrap_or(200);
    actix_web::HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let got: Arc<Mutex<Vec<Got>>> = Arc::default();
        let statuses: Arc<Mutex<VecDeque<u16>>> = Arc::default();
        let state = actix_web::web::Data::new((got.clone(), statuses.clone()));
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(state.clone())
                .default_service(actix_web::web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Receiver {
            url: format!("http://localhost:{port}/hook"),
            got,
            statuses,
        }
    }

    fn answer(&self, statuses: &[u16]) {
        self.statuses.lock().unwrap().extend(statuses);
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    /// The messages received, as JSON.
    fn messages(&self) -> Vec<Value> {
        self.got()
            .iter()
            .map(|g| serde_json::from_str(&g.body).unwrap())
            .collect()
    }

    async fn wait_for(&self, what: &str, check: impl Fn(&[Value]) -> bool) {
        eventually(what, || async { check(&self.messages()) }).await;
    }
}

/// Verifies a message as a receiver would, from the secret alone.
fn verifies(secret: &str, g: &Got) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let signed = format!("{}.{}.{}", g.id, g.timestamp, g.body);
    let expected = ring::hmac::sign(&key, signed.as_bytes());
    g.signature
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|s| STANDARD.decode(s).ok().as_deref() == Some(expected.as_ref()))
}

async fn register(server: &TestServer, admin: &str, url: &str, kinds: &[&str]) -> Value {
    server
        .post(
            "/api/v1/admin/webhooks",
            Some(admin),
            json!({"url": url, "kinds": kinds, "description": "CRM"}),
        )
        .await
        .expect(201)
}

async fn fast_retries() -> TestServer {
    common::start_with(Backend::Sqlite, |c| {
        c.webhooks.retry_base_secs = 1;
        c.webhooks.max_attempts = 5;
    })
    .await
}

on_both_backends!(signed_messages_reach_the_receiver_with_crm_ids_and_nothing_of_clubs);

async fn signed_messages_reach_the_receiver_with_crm_ids_and_nothing_of_clubs(backend: Backend) {
    {
        let server = common::start(backend).await;
        let receiver = Receiver::start().await;
        let admin = server.admin("root").await;
        let hook = register(
            &server,
            &admin,
            &receiver.url,
            &["member.joined", "thread.created", "answer.accepted"],
        )
        .await;
        let secret = hook["secret"].as_str().unwrap().to_string();
        assert!(secret.starts_with("whsec_"));
        // The list never shows secrets.
        let list = server
            .get("/api/v1/admin/webhooks", Some(&admin))
            .await
            .expect(200);
        assert!(list[0].get("secret").is_none(), "{list}");

        let ann = server.user("ann").await;
        server
            .put(
                "/api/v1/admin/accounts/ann/external_id",
                Some(&admin),
                json!({"external_id": "crm-0042"}),
            )
            .await
            .expect(200);
        server.group(&admin, "support", "group").await;
        server.group(&admin, "insiders", "club").await;
        server
            .post("/api/v1/groups/support/join", Some(&ann), json!({}))
            .await
            .expect(200);
        // Inside the club: never sent.
        server.thread(&admin, "insiders", "Secret roadmap").await;
        // Then a public thread: the marker after it.
        server.thread(&ann, "support", "How do I reset it?").await;

        receiver
            .wait_for("the public thread", |m| {
                m.iter().any(|x| x["type"] == "thread.created")
            })
            .await;
        let messages = receiver.messages();
        assert!(
            !messages
                .iter()
                .any(|m| m.to_string().contains("Secret roadmap")
                    || m.to_string().contains("insiders")),
            "{messages:?}"
        );
        let joined = messages
            .iter()
            .find(|m| m["type"] == "member.joined" && m["data"]["person"]["handle"] == "ann")
            .expect("ann's join");
        assert_eq!(joined["data"]["person"]["external_id"], "crm-0042");
        assert_eq!(joined["data"]["group"]["handle"], "support");
        let thread = messages
            .iter()
            .find(|m| m["type"] == "thread.created")
            .unwrap();
        assert_eq!(thread["data"]["thread"]["title"], "How do I reset it?");
        assert_eq!(
            thread["data"]["thread"]["author"]["external_id"],
            "crm-0042"
        );
        for g in receiver.got() {
            assert!(verifies(&secret, &g), "signature of {g:?}");
            assert!(g.id.starts_with("msg_"));
            // A receiver may refuse old messages: the timestamp is now.
            let ts: i64 = g.timestamp.parse().unwrap();
            assert!((chrono::Utc::now().timestamp() - ts).abs() < 300);
        }
        // The log shows them delivered with the receiver's status.
        let id = hook["id"].as_i64().unwrap();
        let log = server
            .get(
                &format!("/api/v1/admin/webhooks/{id}/deliveries"),
                Some(&admin),
            )
            .await
            .expect(200);
        assert!(log
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["state"] == "delivered" && d["last_status"] == 200));
        server.stop().await;
    }
}

#[tokio::test]
async fn a_failing_receiver_is_retried_and_a_message_can_be_sent_again() {
    let server = fast_retries().await;
    let receiver = Receiver::start().await;
    let admin = server.admin("root").await;
    let hook = register(&server, &admin, &receiver.url, &["thread.created"]).await;
    let id = hook["id"].as_i64().unwrap();
    server.group(&admin, "news", "group").await;
    receiver.answer(&[500, 503]);
    server.thread(&admin, "news", "Release 2.0").await;
    eventually("the third attempt to succeed", || async {
        let log = server
            .get(
                &format!("/api/v1/admin/webhooks/{id}/deliveries"),
                Some(&admin),
            )
            .await
            .expect(200);
        log[0]["state"] == "delivered" && log[0]["attempts"] == 3
    })
    .await;
    let got = receiver.got();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|g| g.id == got[0].id), "one message id");

    let log = server
        .get(
            &format!("/api/v1/admin/webhooks/{id}/deliveries"),
            Some(&admin),
        )
        .await
        .expect(200);
    let delivery = log[0]["id"].as_i64().unwrap();
    server
        .post(
            &format!("/api/v1/admin/webhooks/{id}/deliveries/{delivery}/redeliver"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(202);
    eventually("the message again", || async { receiver.got().len() == 4 }).await;
    assert_eq!(receiver.got()[3].id, got[0].id);
    assert_eq!(receiver.got()[3].body, got[0].body);

    // Only admins.
    let ann = server.user("ann").await;
    server
        .get("/api/v1/admin/webhooks", Some(&ann))
        .await
        .expect_error(403);
    server
        .post(
            "/api/v1/admin/webhooks",
            Some(&admin),
            json!({"url": "ftp://crm.example/hook", "kinds": ["thread.created"]}),
        )
        .await
        .expect_error(422);
    server
        .post(
            "/api/v1/admin/webhooks",
            Some(&admin),
            json!({"url": receiver.url, "kinds": ["thread.exploded"]}),
        )
        .await
        .expect_error(422);
    server.stop().await;
}

#[tokio::test]
async fn a_restart_loses_no_delivery() {
    let mut server = fast_retries().await;
    let receiver = Receiver::start().await;
    let admin = server.admin("root").await;
    let hook = register(&server, &admin, &receiver.url, &["thread.created"]).await;
    let id = hook["id"].as_i64().unwrap();
    server.group(&admin, "news", "group").await;
    receiver.answer(&[503]);
    server.thread(&admin, "news", "Before the restart").await;
    eventually("a first failed attempt", || async {
        let log = server
            .get(
                &format!("/api/v1/admin/webhooks/{id}/deliveries"),
                Some(&admin),
            )
            .await
            .expect(200);
        log[0]["last_status"] == 503
    })
    .await;
    server.restart().await;
    let admin = server.login("root").await;
    eventually("the delivery after the restart", || async {
        receiver
            .messages()
            .iter()
            .filter(|m| m["data"]["thread"]["title"] == "Before the restart")
            .count()
            == 2
    })
    .await;
    let log = server
        .get(
            &format!("/api/v1/admin/webhooks/{id}/deliveries"),
            Some(&admin),
        )
        .await
        .expect(200);
    assert_eq!(log[0]["state"], "delivered");
    server.stop().await;
}

#[tokio::test]
async fn a_webhook_is_switched_off_after_failures_in_a_row() {
    let server = common::start_with(Backend::Sqlite, |c| {
        c.webhooks.retry_base_secs = 1;
        c.webhooks.max_attempts = 1;
        c.webhooks.disable_after_failures = 2;
    })
    .await;
    let receiver = Receiver::start().await;
    let admin = server.admin("root").await;
    let hook = register(&server, &admin, &receiver.url, &["thread.created"]).await;
    let id = hook["id"].as_i64().unwrap();
    server.group(&admin, "news", "group").await;
    receiver.answer(&[500, 500]);
    server.thread(&admin, "news", "One").await;
    server.thread(&admin, "news", "Two").await;
    eventually("the webhook to be switched off", || async {
        let w = server
            .get(&format!("/api/v1/admin/webhooks/{id}"), Some(&admin))
            .await
            .expect(200);
        w["enabled"] == false
    })
    .await;
    let w = server
        .get(&format!("/api/v1/admin/webhooks/{id}"), Some(&admin))
        .await
        .expect(200);
    assert!(
        w["disabled_reason"].as_str().unwrap().contains("2 failed"),
        "{w}"
    );
    // Switched off: a new thread is not queued; switched on again, the
    // next one is delivered (the marker).
    server.thread(&admin, "news", "Three").await;
    server
        .put(
            &format!("/api/v1/admin/webhooks/{id}"),
            Some(&admin),
            json!({"url": receiver.url, "kinds": ["thread.created"], "enabled": true}),
        )
        .await
        .expect(200);
    server.thread(&admin, "news", "Four").await;
    receiver
        .wait_for("thread Four", |m| {
            m.iter().any(|x| x["data"]["thread"]["title"] == "Four")
        })
        .await;
    assert!(!receiver
        .messages()
        .iter()
        .any(|x| x["data"]["thread"]["title"] == "Three"));
    server.stop().await;
}

//! Reports from other servers: however many of its accounts (or its
//! instance actor) send them, one server's reports count once, weigh less
//! than a member's here, nothing when the server is silenced, and do not
//! hide content by themselves unless the admin allows it; they always reach
//! the moderators' queue.

use crate::common;

use crate::common::remote::{Remote, RemoteActor, PUBLIC};
use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    one_server_cannot_hide_a_thread_with_flags,
    remote_flags_hide_when_the_admin_allows_it,
    a_silenced_servers_flags_weigh_nothing,
    remote_flags_add_to_a_members_report,
    a_forwarded_report_is_one_lemmy_takes,
    a_refused_forward_is_shown_to_the_moderator,
);

/// `actor`'s Flag of `object`, as Lemmy sends it (its own id each time).
fn flag(actor: &RemoteActor, object: &str, reason: &str) -> Value {
    let mut f = actor.activity("Flag", json!(object));
    f["summary"] = json!(reason);
    f
}

async fn thread_ap(s: &TestServer, t: i64) -> String {
    s.get(&format!("/api/v1/posts/{t}"), None).await.expect(200)["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string()
}

/// Whether anyone can read the thread: it answers and is in the feed.
async fn shown(s: &TestServer, t: i64, title: &str) -> bool {
    let status = s
        .get(&format!("/api/v1/posts/{t}"), None)
        .await
        .status
        .as_u16();
    let listed = s.find_thread(None, "support", title).await.is_some();
    assert_eq!(status == 200, listed, "the thread answers {status}");
    listed
}

async fn admin_queue(s: &TestServer, token: &str) -> Vec<Value> {
    s.get("/api/v1/admin/reports", Some(token))
        .await
        .expect(200)["items"]
        .as_array()
        .expect("items")
        .clone()
}

/// A local group with a thread by `vic`: (admin token, thread id, its id).
async fn setup(s: &TestServer) -> (String, i64, String) {
    let root = s.admin("root").await;
    let ann = s.user("ann").await;
    let vic = s.user("vic").await;
    s.group(&ann, "support", "group").await;
    let t = s.thread(&vic, "support", "Printer tips").await;
    let ap = thread_ap(s, t).await;
    (root, t, ap)
}

async fn one_server_cannot_hide_a_thread_with_flags(backend: Backend) {
    let s = common::start(backend).await;
    let (root, t, ap) = setup(&s).await;
    let inbox = format!("{}/inbox", s.url);
    let evil = Remote::start().await;

    // Three Flags from its instance actor, each with its own id.
    let bot = evil.actor("actor", "Application").await;
    for n in 0..3 {
        evil.send(&bot, &inbox, &flag(&bot, &ap, &format!("bot {n}")))
            .await
            .expect(202);
    }
    // Four throwaway accounts, one Flag each, and one of them twice.
    let first = evil.person("throwaway0").await;
    let mut throwaways = vec![first.clone()];
    for n in 1..4 {
        throwaways.push(evil.actor_sharing_key(&format!("throwaway{n}"), "Person", &first));
    }
    for (n, a) in throwaways.iter().enumerate() {
        evil.send(a, &inbox, &flag(a, &ap, &format!("account {n}")))
            .await
            .expect(202);
    }
    evil.send(&first, &inbox, &flag(&first, &ap, "account 0 again"))
        .await
        .expect(202);

    assert!(
        shown(&s, t, "Printer tips").await,
        "one server hid a thread"
    );
    // Every report is in the queue (the repeat of one account is not).
    let queue = admin_queue(&s, &root).await;
    let reasons: Vec<&str> = queue.iter().filter_map(|r| r["reason"].as_str()).collect();
    assert_eq!(queue.len(), 7, "{reasons:?}");
    for r in &queue {
        assert_eq!(r["post_id"], t);
        assert_eq!(r["origin"], evil.host());
    }
    assert!(!reasons.contains(&"account 0 again"), "{reasons:?}");
    s.stop().await;
}

async fn remote_flags_hide_when_the_admin_allows_it(backend: Backend) {
    let s = common::start_with(backend, |c| {
        c.moderation.flag_threshold = 1;
        c.moderation.remote_flags_hide = true;
    })
    .await;
    let (_, t, ap) = setup(&s).await;
    let inbox = format!("{}/inbox", s.url);
    // One server weighs half a Newcomer: not enough for a threshold of 1,
    // however many of its accounts report.
    let one = Remote::start().await;
    let ada = one.person("ada").await;
    let abe = one.actor_sharing_key("abe", "Person", &ada);
    for a in [&ada, &abe] {
        one.send(a, &inbox, &flag(a, &ap, "spam")).await.expect(202);
    }
    assert!(shown(&s, t, "Printer tips").await);
    // A second server: together they hide it.
    let two = Remote::start().await;
    let bea = two.person("bea").await;
    two.send(&bea, &inbox, &flag(&bea, &ap, "spam"))
        .await
        .expect(202);
    assert!(!shown(&s, t, "Printer tips").await, "two servers hide it");
    s.stop().await;
}

async fn a_silenced_servers_flags_weigh_nothing(backend: Backend) {
    let s = common::start_with(backend, |c| {
        c.moderation.flag_threshold = 1;
        c.moderation.remote_flags_hide = true;
    })
    .await;
    let (root, t, ap) = setup(&s).await;
    let inbox = format!("{}/inbox", s.url);
    let mut servers = Vec::new();
    for _ in 0..3 {
        let r = Remote::start().await;
        s.put(
            &format!("/api/v1/admin/domains/{}", r.host()),
            Some(&root),
            json!({"policy": "silenced"}),
        )
        .await
        .expect(200);
        servers.push(r);
    }
    for (n, r) in servers.iter().enumerate() {
        let p = r.person(&format!("p{n}")).await;
        r.send(&p, &inbox, &flag(&p, &ap, "silenced spam"))
            .await
            .expect(202);
    }
    assert!(shown(&s, t, "Printer tips").await);
    assert_eq!(admin_queue(&s, &root).await.len(), 3, "still in the queue");
    // The same from a server that is not silenced weighs: a positive
    // marker that the reports above were weighed, and weighed nothing.
    let open = Remote::start().await;
    let p = open.person("q").await;
    let other = Remote::start().await;
    let q = other.person("r").await;
    open.send(&p, &inbox, &flag(&p, &ap, "spam"))
        .await
        .expect(202);
    other
        .send(&q, &inbox, &flag(&q, &ap, "spam"))
        .await
        .expect(202);
    assert!(!shown(&s, t, "Printer tips").await);
    s.stop().await;
}

/// With the default setting, other servers' reports count once a member
/// here reported too: two members (1 + 1) and one server (0.5) stay under
/// a threshold of 3; a second server (0.5) reaches it.
async fn remote_flags_add_to_a_members_report(backend: Backend) {
    let s = common::start(backend).await;
    let (_, t, ap) = setup(&s).await;
    let inbox = format!("{}/inbox", s.url);
    for name in ["rita", "rolf"] {
        let token = s.user(name).await;
        s.post(
            "/api/v1/reports",
            Some(&token),
            json!({"post_id": t, "reason": "spam"}),
        )
        .await
        .expect(201);
    }
    let one = Remote::start().await;
    let ada = one.person("ada").await;
    let abe = one.actor_sharing_key("abe", "Person", &ada);
    for a in [&ada, &abe] {
        one.send(a, &inbox, &flag(a, &ap, "spam")).await.expect(202);
    }
    assert!(shown(&s, t, "Printer tips").await);
    let two = Remote::start().await;
    let bea = two.person("bea").await;
    two.send(&bea, &inbox, &flag(&bea, &ap, "spam"))
        .await
        .expect(202);
    assert!(!shown(&s, t, "Printer tips").await);
    s.stop().await;
}

// Forwarding reports to Lemmy.

mod lemmy {
    //! A stand-in for a Lemmy community's inbox: it takes a `Flag` only as
    //! Lemmy 0.19 does (the actor, fetched, a `Person`, `Service` or
    //! `Organization`; `object` one id; `to` the community; a reason) and
    //! answers 400 with Lemmy's message otherwise. Anything else is taken.
    use super::common::sink;
    use actix_web::{web, HttpRequest, HttpResponse};
    use serde_json::{json, Value};
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    #[derive(Debug, Clone)]
    pub struct Got {
        pub body: Value,
        pub verified_key: Option<String>,
        /// Lemmy's refusal, if it refused.
        pub refusal: Option<String>,
    }

    #[derive(Default)]
    struct State {
        /// What GET serves, by path.
        objects: Mutex<HashMap<String, Value>>,
        community: Mutex<String>,
        got: Mutex<Vec<Got>>,
        /// Refuse every Flag (a community that bans the sender, say).
        refuse_all: AtomicBool,
    }

    #[derive(Clone)]
    pub struct Inbox {
        pub url: String,
        state: Arc<State>,
    }

    impl Inbox {
        pub async fn start() -> Inbox {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            let port = listener.local_addr().expect("addr").port();
            let state = Arc::new(State::default());
            let st = state.clone();
            let server = actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .app_data(web::Data::new(st.clone()))
                    .default_service(web::to(receive))
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .expect("listen")
            .run();
            tokio::spawn(server);
            Inbox {
                url: format!("http://localhost:{port}"),
                state,
            }
        }

        /// Serves `object` at the path of its `id`.
        pub fn serve(&self, object: Value) {
            let id = object["id"].as_str().expect("id");
            let path = url::Url::parse(id).expect("URL").path().to_string();
            self.state
                .objects
                .lock()
                .expect("lock")
                .insert(path, object);
        }

        pub fn set_community(&self, id: &str) {
            *self.state.community.lock().expect("lock") = id.to_string();
        }

        pub fn refuse_all(&self) {
            self.state.refuse_all.store(true, Ordering::SeqCst);
        }

        pub fn got(&self) -> Vec<Got> {
            self.state.got.lock().expect("lock").clone()
        }

        pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Got]) -> bool) -> Vec<Got> {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            loop {
                let got = self.got();
                if pred(&got) {
                    return got;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "timed out waiting for {what}: {got:#?}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }

    /// Lemmy's answer to the Flag `f`: None when it takes it.
    async fn lemmy_refusal(f: &Value, community: &str) -> Option<String> {
        let actor = f["actor"].as_str()?;
        let fetched: Value = reqwest::Client::new()
            .get(actor)
            .header("accept", "application/activity+json")
            .send()
            .await
            .ok()?
            .json()
            .await
            .unwrap_or(Value::Null);
        if !matches!(
            fetched["type"].as_str(),
            Some("Person" | "Service" | "Organization")
        ) {
            return Some(format!(
                "Failed to parse object {actor} with content {fetched}: did not match any variant of untagged enum UserTypes"
            ));
        }
        if !f["object"].is_string() {
            return Some("invalid type: sequence, expected a string (object)".into());
        }
        let to = match &f["to"] {
            Value::Array(v) => v.clone(),
            one => vec![one.clone()],
        };
        if to != [json!(community)] {
            return Some(format!("to is not the community: {}", f["to"]));
        }
        let reason = [&f["summary"], &f["content"]]
            .into_iter()
            .any(|r| r.as_str().is_some_and(|s| !s.is_empty()));
        (!reason).then(|| "a report needs a reason".to_string())
    }

    async fn receive(
        req: HttpRequest,
        body: web::Bytes,
        state: web::Data<Arc<State>>,
    ) -> HttpResponse {
        if req.method() == actix_web::http::Method::GET {
            let found = state.objects.lock().expect("lock").get(req.path()).cloned();
            return match found {
                Some(v) => HttpResponse::Ok()
                    .content_type("application/activity+json")
                    .json(v),
                None => HttpResponse::NotFound().finish(),
            };
        }
        let verified_key = sink::verify(&req, &body).await.ok();
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let community = state.community.lock().expect("lock").clone();
        let refusal = if json["type"] != "Flag" {
            None
        } else if state.refuse_all.load(Ordering::SeqCst) {
            Some("site_ban".to_string())
        } else {
            lemmy_refusal(&json, &community).await
        };
        state.got.lock().expect("lock").push(Got {
            body: json,
            verified_key,
            refusal: refusal.clone(),
        });
        match refusal {
            Some(why) => {
                HttpResponse::BadRequest().json(json!({"error": "unknown", "message": why}))
            }
            None => HttpResponse::Ok().finish(),
        }
    }
}

/// The document of an actor of the fake Lemmy at `id`, with `keys`' key.
fn lemmy_actor(
    keys: &RemoteActor,
    inbox: &lemmy::Inbox,
    id: &str,
    kind: &str,
    name: &str,
) -> Value {
    let mut doc = keys.document();
    doc["id"] = json!(id);
    doc["type"] = json!(kind);
    doc["preferredUsername"] = json!(name);
    doc["name"] = json!(name);
    doc["inbox"] = json!(format!("{id}/inbox"));
    doc["endpoints"] = json!({"sharedInbox": format!("{}/inbox", inbox.url)});
    doc["followers"] = json!(format!("{id}/followers"));
    doc["outbox"] = json!(format!("{id}/outbox"));
    doc["publicKey"] = json!({
        "id": format!("{id}#main-key"),
        "owner": id,
        "publicKeyPem": keys.public_key_pem,
    });
    for key in ["featured", "following", "url"] {
        doc.as_object_mut().expect("object").remove(key);
    }
    doc
}

/// `keys` signing as the actor `id`.
fn as_actor(keys: &RemoteActor, id: &str) -> RemoteActor {
    let mut a = keys.clone();
    a.id = id.to_string();
    a.signer.key_id = format!("{id}#main-key");
    a
}

/// A Lemmy community at `{inbox}/c/support` (served, with its member ada
/// and her thread, by the fake inbox), with a thread by ada that `s`
/// received through the community's Announce after `token`'s user joined:
/// (the thread's id on `s`, its id there, the community's id).
async fn lemmy_thread(
    s: &TestServer,
    token: &str,
    lemmy: &Remote,
    inbox: &lemmy::Inbox,
) -> (i64, String, String) {
    let keys = lemmy.person("keys").await;
    let community = format!("{}/c/support", inbox.url);
    let ada_id = format!("{}/u/ada", inbox.url);
    inbox.set_community(&community);
    inbox.serve(lemmy_actor(&keys, inbox, &community, "Group", "support"));
    inbox.serve(lemmy_actor(&keys, inbox, &ada_id, "Person", "ada"));
    let (group, ada) = (as_actor(&keys, &community), as_actor(&keys, &ada_id));

    // Join: the Follow reaches the community's inbox; its Accept comes back.
    let handle = format!("support@{}", inbox.url.trim_start_matches("http://"));
    s.get(&format!("/api/v1/resolve?q={community}"), Some(token))
        .await
        .expect(200);
    s.post(
        &format!("/api/v1/groups/{handle}/join"),
        Some(token),
        json!({}),
    )
    .await
    .expect(200);
    let got = inbox
        .wait_for("the Follow", |g| {
            g.iter().any(|g| g.body["type"] == "Follow")
        })
        .await;
    let follow = got
        .iter()
        .find(|g| g.body["type"] == "Follow")
        .expect("Follow");
    let shared = format!("{}/inbox", s.url);
    let mut accept = group.activity("Accept", follow.body.clone());
    accept["id"] = json!(format!("{}/activities/accept/1", inbox.url));
    lemmy.send(&group, &shared, &accept).await.expect(202);

    // The community announces ada's thread.
    let page_id = format!("{}/post/42", inbox.url);
    let page = json!({
        "type": "Page",
        "id": page_id,
        "attributedTo": ada_id,
        "to": [community, PUBLIC],
        "name": "Seed swap this Saturday",
        "content": "<p>Bring seeds.</p>",
        "mediaType": "text/html",
        "published": "2026-10-05T12:40:07Z",
        "audience": community,
    });
    inbox.serve(page.clone());
    let mut create = ada.activity("Create", page);
    create["id"] = json!(format!("{}/activities/create/1", inbox.url));
    create["to"] = json!([PUBLIC]);
    create["cc"] = json!([community]);
    create["audience"] = json!(community);
    let mut announce = group.activity("Announce", create);
    announce["id"] = json!(format!("{}/activities/announce/1", inbox.url));
    announce["to"] = json!([PUBLIC]);
    announce["cc"] = json!([format!("{community}/followers")]);
    announce["audience"] = json!(community);
    lemmy.send(&group, &shared, &announce).await.expect(202);
    let thread = s
        .await_thread(Some(token), &handle, "Seed swap this Saturday")
        .await;
    (thread["id"].as_i64().expect("id"), page_id, community)
}

/// A thread on a Lemmy community reported here and forwarded: (the admin's
/// token, the report's id, the forward route's answer).
async fn forward_to_lemmy(
    s: &TestServer,
    lemmy: &Remote,
    inbox: &lemmy::Inbox,
) -> (String, i64, Value, String, String) {
    let root = s.admin("root").await;
    let cat = s.user("cat").await;
    let (t, page_id, community) = lemmy_thread(s, &cat, lemmy, inbox).await;
    let r = s
        .post(
            "/api/v1/reports",
            Some(&cat),
            json!({"post_id": t, "reason": "An advert for a shop"}),
        )
        .await
        .expect(201);
    let id = r["id"].as_i64().expect("id");
    let answer = s
        .post(
            &format!("/api/v1/reports/{id}/forward"),
            Some(&root),
            json!({}),
        )
        .await
        .expect(200);
    (root, id, answer, page_id, community)
}

/// The report as the admins' queue shows it.
async fn report_in_queue(s: &TestServer, token: &str, id: i64) -> Value {
    admin_queue(s, token)
        .await
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("report {id} not in the queue"))
}

async fn a_forwarded_report_is_one_lemmy_takes(backend: Backend) {
    let s = common::start(backend).await;
    let lemmy = Remote::start().await;
    let inbox = lemmy::Inbox::start().await;
    let (root, id, answer, page_id, community) = forward_to_lemmy(&s, &lemmy, &inbox).await;
    assert_eq!(answer["forwarded"], true);
    let got = inbox
        .wait_for("the Flag", |g| g.iter().any(|g| g.body["type"] == "Flag"))
        .await;
    let flag = got.iter().find(|g| g.body["type"] == "Flag").expect("Flag");
    assert_eq!(flag.refusal, None, "Lemmy refused {:#}", flag.body);
    let reporter = format!("{}/actor/reports", s.url);
    assert_eq!(flag.body["actor"], reporter);
    assert_eq!(
        flag.verified_key.as_deref(),
        Some(format!("{reporter}#main-key").as_str())
    );
    assert_eq!(flag.body["object"], page_id);
    assert_eq!(flag.body["to"], json!([community]));
    assert_eq!(flag.body["summary"], "An advert for a shop");
    assert!(!flag.body.to_string().contains("/u/cat"), "{}", flag.body);
    assert!(
        ["queued", "delivered"].contains(&answer["forward_state"].as_str().unwrap_or("")),
        "{answer}"
    );
    common::eventually("the forward shown as delivered", || async {
        report_in_queue(&s, &root, id).await["forward_state"] == "delivered"
    })
    .await;
    assert_eq!(
        report_in_queue(&s, &root, id).await["forward_error"],
        Value::Null
    );
    s.stop().await;
}

async fn a_refused_forward_is_shown_to_the_moderator(backend: Backend) {
    let s = common::start(backend).await;
    let lemmy = Remote::start().await;
    let inbox = lemmy::Inbox::start().await;
    inbox.refuse_all();
    let (root, id, _, _, _) = forward_to_lemmy(&s, &lemmy, &inbox).await;
    common::eventually("the forward shown as refused", || async {
        report_in_queue(&s, &root, id).await["forward_state"] == "refused"
    })
    .await;
    let r = report_in_queue(&s, &root, id).await;
    let error = r["forward_error"].as_str().expect("forward_error");
    assert!(error.contains(&inbox.url), "{error}");
    assert!(error.contains("400"), "{error}");
    s.stop().await;
}

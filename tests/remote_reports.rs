//! Reports from other servers: however many of its accounts (or its
//! instance actor) send them, one server's reports count once, weigh less
//! than a member's here, nothing when the server is silenced, and do not
//! hide content by themselves unless the admin allows it; they always reach
//! the moderators' queue.

mod common;

use common::remote::{Remote, RemoteActor};
use common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    one_server_cannot_hide_a_thread_with_flags,
    remote_flags_hide_when_the_admin_allows_it,
    a_silenced_servers_flags_weigh_nothing,
    remote_flags_add_to_a_members_report,
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

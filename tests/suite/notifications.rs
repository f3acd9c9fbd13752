//! Notifications end to end: replies from another server (API and the SSE
//! stream), mentions, answers, a moderator's removal, blocking, the same
//! activity twice, marking read, preferences, and club privacy.

use crate::common;

use crate::common::remote::{mention, Remote, PUBLIC};
use crate::common::{eventually, Backend, TestServer};
use serde_json::{json, Value};
use std::time::Duration;

on_both_backends!(
    a_reply_from_another_server_notifies_the_author,
    the_stream_sees_what_another_process_stored,
    mentions_answers_and_removals,
    a_blocked_person_does_not_notify,
    the_same_activity_twice_notifies_once,
    a_blocked_remote_person_is_refused_and_silent,
    preferences_turn_a_kind_off,
    club_content_never_reaches_a_non_member
);

/// `token`'s notifications (newest first), with a query such as `?unread=true`.
async fn notes(s: &TestServer, token: &str, query: &str) -> Vec<Value> {
    s.get(&format!("/api/v1/notifications{query}"), Some(token))
        .await
        .expect(200)["items"]
        .as_array()
        .expect("items")
        .clone()
}

async fn unread(s: &TestServer, token: &str) -> i64 {
    s.get("/api/v1/notifications/unread_count", Some(token))
        .await
        .expect(200)["unread"]
        .as_i64()
        .expect("unread")
}

/// Waits until `token` has `n` notifications; returns them.
async fn await_notes(s: &TestServer, token: &str, n: usize) -> Vec<Value> {
    eventually(&format!("{n} notifications"), || async {
        notes(s, token, "").await.len() >= n
    })
    .await;
    let got = notes(s, token, "").await;
    assert_eq!(got.len(), n, "{got:#?}");
    got
}

/// Waits until `token` has `n` notifications of `kind`; returns them.
async fn await_kind(s: &TestServer, token: &str, kind: &str, n: usize) -> Vec<Value> {
    let query = format!("?kind={kind}");
    eventually(&format!("{n} {kind} notifications"), || async {
        notes(s, token, &query).await.len() >= n
    })
    .await;
    let got = notes(s, token, &query).await;
    assert_eq!(got.len(), n, "{got:#?}");
    got
}

async fn comment(s: &TestServer, token: &str, post: i64, body: &str, parent: Option<i64>) -> i64 {
    s.post(
        &format!("/api/v1/posts/{post}/comments"),
        Some(token),
        json!({"body": body, "parent_id": parent}),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .expect("comment id")
}

/// A Server-Sent Events stream read with reqwest.
struct Sse {
    res: reqwest::Response,
    buf: String,
}

impl Sse {
    async fn open(s: &TestServer, token: &str) -> Sse {
        let res = s
            .client
            .get(format!("{}/api/v1/notifications/stream", s.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("open the stream");
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Sse {
            res,
            buf: String::new(),
        }
    }

    /// The next event (comments skipped): its name and data.
    async fn next(&mut self) -> (String, Value) {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut event, mut data) = (None, None);
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        event = Some(v.to_string());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data = Some(serde_json::from_str(v).expect("event data is JSON"));
                    }
                }
                if let (Some(e), Some(d)) = (event, data) {
                    return (e, d);
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.res.chunk())
                .await
                .expect("an event within 20 s")
                .expect("read the stream")
                .expect("the stream stays open");
            self.buf
                .push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }
}

async fn a_reply_from_another_server_notifies_the_author(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let bob = b.user("bob").await;
    let support = format!("support@{ah}");
    b.join_remote(&bob, &support).await;
    let on_a = a.thread(&ann, "support", "Printer on fire").await;
    let on_b = b
        .await_thread(Some(&bob), &support, "Printer on fire")
        .await["id"]
        .as_i64()
        .unwrap();

    let mut stream = Sse::open(&a, &ann).await;
    assert_eq!(
        stream.next().await,
        ("unread_count".into(), json!({"unread": 0}))
    );

    comment(&b, &bob, on_b, "Unplug it *first*.", None).await;
    let (event, n) = stream.next().await;
    assert_eq!(event, "notification");
    assert_eq!(n["kind"], "thread_reply");
    assert_eq!(n["actor"]["name"], format!("bob@{bh}"));
    assert_eq!(n["actor"]["local"], false);
    assert_eq!(n["thread"]["id"], on_a);
    assert_eq!(n["thread"]["title"], "Printer on fire");
    assert_eq!(n["comment"]["excerpt"], "Unplug it first.");
    assert_eq!(n["group"]["name"], "support");
    assert_eq!(n["read"], false);
    assert_eq!(
        stream.next().await,
        ("unread_count".into(), json!({"unread": 1}))
    );

    // The same in the list; bob is not told of his own comment.
    let list = notes(&a, &ann, "").await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], n["id"]);
    assert_eq!(unread(&a, &ann).await, 1);
    assert!(notes(&b, &bob, "").await.is_empty());

    // A second reply, from here; then mark read one, then all up to an id.
    let cat = a.user("cat").await;
    let c2 = comment(&a, &cat, on_a, "Or call the fire brigade.", None).await;
    let (_, n2) = stream.next().await;
    assert_eq!(n2["comment"]["id"], c2);
    assert_eq!(n2["actor"]["name"], "cat");
    assert_eq!(stream.next().await.1, json!({"unread": 2}));
    let first = n["id"].as_i64().unwrap();
    let second = n2["id"].as_i64().unwrap();
    assert!(second > first);
    a.post(
        &format!("/api/v1/notifications/{first}/read"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(unread(&a, &ann).await, 1);
    let only_unread = notes(&a, &ann, "?unread=true").await;
    assert_eq!(only_unread.len(), 1);
    assert_eq!(only_unread[0]["id"], second);
    a.post(
        "/api/v1/notifications/read",
        Some(&ann),
        json!({"up_to": second}),
    )
    .await
    .expect(200);
    assert_eq!(unread(&a, &ann).await, 0);
    assert!(notes(&a, &ann, "?unread=true").await.is_empty());
    assert_eq!(notes(&a, &ann, "").await[0]["read"], true);

    // Someone else's notification is not yours to mark; bad input is refused.
    a.post(
        &format!("/api/v1/notifications/{first}/read"),
        Some(&cat),
        json!({}),
    )
    .await
    .expect_error(404);
    a.post(
        "/api/v1/notifications/read",
        Some(&ann),
        json!({"up_to": "all"}),
    )
    .await
    .expect_error(422);
    a.get("/api/v1/notifications?kind=nonsense", Some(&ann))
        .await
        .expect_error(400);
    a.get("/api/v1/notifications?cursor=-3", Some(&ann))
        .await
        .expect_error(400);
    a.get("/api/v1/notifications", None).await.expect_error(401);
}

/// A web process that runs no consumer, beside a worker process that
/// does: the web process's stream finds the worker's notifications by
/// looking at the store.
async fn the_stream_sees_what_another_process_stored(backend: Backend) {
    let mut web = common::start_with(backend, |c| {
        c.events.consume = false;
        c.notifications.stream_poll_ms = 100;
    })
    .await;
    web.config.events.consume = true;
    let worker = web.second_process().await;
    let ann = web.user("ann").await;
    let bob = web.user("bob").await;
    web.group(&ann, "support", "group").await;
    let t = web.thread(&ann, "support", "Printer on fire").await;
    let mut stream = Sse::open(&web, &ann).await;
    assert_eq!(stream.next().await.1, json!({"unread": 0}));
    let c = comment(&web, &bob, t, "Unplug it.", None).await;
    let (event, n) = stream.next().await;
    assert_eq!(event, "notification");
    assert_eq!(n["comment"]["id"], c);
    assert_eq!(stream.next().await.1, json!({"unread": 1}));
    worker.stop().await;
}

async fn mentions_answers_and_removals(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    let cat = a.user("cat").await;
    a.group(&ann, "support", "group").await;

    // Cat's comment on bob's thread mentions ann: bob is told of a reply,
    // ann of a mention; nobody of their own.
    let t = a.thread(&bob, "support", "Router blinks").await;
    let c = comment(&a, &cat, t, "Ask @ann, she knows.", None).await;
    let to_ann = await_notes(&a, &ann, 1).await;
    assert_eq!(to_ann[0]["kind"], "mention");
    assert_eq!(to_ann[0]["comment"]["id"], c);
    assert_eq!(to_ann[0]["actor"]["name"], "cat");
    let to_bob = await_notes(&a, &bob, 1).await;
    assert_eq!(to_bob[0]["kind"], "thread_reply");

    // A question: bob's answer tells ann; ann accepts it, which tells bob
    // (badges and ranks it earns come as notifications of their own).
    let q = a
        .post(
            "/api/v1/groups/support/posts",
            Some(&ann),
            json!({"title": "How do I reset it?", "body": "It blinks red.", "kind": "question"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let answer = comment(&a, &bob, q, "Hold the button ten seconds.", None).await;
    let to_ann = await_kind(&a, &ann, "answer", 1).await;
    assert_eq!(to_ann[0]["thread"]["id"], q);
    assert_eq!(to_ann[0]["actor"]["name"], "bob");
    a.post(
        &format!("/api/v1/posts/{q}/accept"),
        Some(&ann),
        json!({"comment_id": answer}),
    )
    .await
    .expect(200);
    let to_bob = await_kind(&a, &bob, "answer_accepted", 1).await;
    assert_eq!(to_bob[0]["actor"]["name"], "ann");
    assert_eq!(to_bob[0]["comment"]["id"], answer);
    assert_eq!(to_bob[0]["thread"]["title"], "How do I reset it?");

    // A reply to cat's comment that names cat: one notice, the reply.
    comment(&a, &ann, t, "Sure, @cat.", Some(c)).await;
    let to_cat = await_notes(&a, &cat, 1).await;
    assert_eq!(to_cat[0]["kind"], "comment_reply");

    // Ann (the group's owner) removes cat's comment with a reason.
    a.post(
        &format!("/api/v1/comments/{c}/remove"),
        Some(&ann),
        json!({"reason": "Off topic"}),
    )
    .await
    .expect(200);
    let to_cat = await_kind(&a, &cat, "removed", 1).await;
    assert_eq!(to_cat[0]["payload"]["reason"], "Off topic");
    assert_eq!(to_cat[0]["comment"]["removed"], true);
    assert_eq!(to_cat[0]["actor"]["name"], "ann");
    assert_eq!(notes(&a, &cat, "").await.len(), 2);

    // Ann follows cat: a follower. Cat follows back: a friend, for ann.
    a.post("/api/v1/people/cat/follow", Some(&ann), json!({}))
        .await
        .expect(200);
    let to_cat = await_kind(&a, &cat, "follower", 1).await;
    assert_eq!(to_cat[0]["actor"]["name"], "ann");
    a.post("/api/v1/people/ann/follow", Some(&cat), json!({}))
        .await
        .expect(200);
    let to_ann = await_kind(&a, &ann, "friend", 1).await;
    assert_eq!(to_ann[0]["actor"]["name"], "cat");
    assert!(notes(&a, &ann, "?kind=follower").await.is_empty());
}

async fn a_blocked_person_does_not_notify(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    let cat = a.user("cat").await;
    a.group(&ann, "support", "group").await;
    let t = a.thread(&ann, "support", "Printer on fire").await;
    let bobs = a.thread(&bob, "support", "Bob's thread").await;
    a.post("/api/v1/people/ann/follow", Some(&bob), json!({}))
        .await
        .expect(200);
    let followers = a
        .get("/api/v1/people/ann/followers", None)
        .await
        .expect(200);
    assert_eq!(followers["items"].as_array().unwrap().len(), 1);
    let followed = await_kind(&a, &ann, "follower", 1).await;
    assert_eq!(followed[0]["actor"]["name"], "bob");

    let blocked = a
        .post("/api/v1/people/bob/block", Some(&ann), json!({}))
        .await
        .expect(200);
    assert_eq!(blocked["person"]["name"], "bob");
    let list = a.get("/api/v1/blocks", Some(&ann)).await.expect(200);
    assert_eq!(list["items"][0]["name"], "bob");
    a.post("/api/v1/people/ann/block", Some(&ann), json!({}))
        .await
        .expect_error(422);
    a.post("/api/v1/people/nobody/block", Some(&ann), json!({}))
        .await
        .expect_error(404);

    // Bob's follow ended, and a new one is refused.
    let followers = a
        .get("/api/v1/people/ann/followers", None)
        .await
        .expect(200);
    assert!(followers["items"].as_array().unwrap().is_empty());
    a.post("/api/v1/people/ann/follow", Some(&bob), json!({}))
        .await
        .expect_error(403);

    // Bob replies; then cat does. Ann hears of cat only.
    let from_bob = comment(&a, &bob, t, "Told you so.", None).await;
    let from_cat = comment(&a, &cat, t, "Unplug it.", None).await;
    let got = await_kind(&a, &ann, "thread_reply", 1).await;
    assert_eq!(got[0]["comment"]["id"], from_cat);
    assert_eq!(got[0]["actor"]["name"], "cat");
    // Bob's follow before the block told ann; nothing since.
    let all = notes(&a, &ann, "").await;
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(all[1]["kind"], "follower");

    // Bob's comment and thread are hidden from ann, not from others.
    let seen_by_ann = a
        .get(&format!("/api/v1/posts/{t}"), Some(&ann))
        .await
        .expect(200);
    let ids: Vec<i64> = seen_by_ann["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![from_cat]);
    let seen_by_cat = a
        .get(&format!("/api/v1/posts/{t}"), Some(&cat))
        .await
        .expect(200);
    assert!(seen_by_cat["comments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == from_bob));
    let feed = a
        .get("/api/v1/groups/support/posts?sort=new", Some(&ann))
        .await
        .expect(200);
    assert!(feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["id"] != bobs));
    let feed = a
        .get("/api/v1/groups/support/posts?sort=new", Some(&cat))
        .await
        .expect(200);
    assert!(feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == bobs));
    a.get(&format!("/api/v1/posts/{bobs}"), Some(&ann))
        .await
        .expect_error(404);

    // Unblocked, bob may follow again and his thread shows.
    a.delete("/api/v1/people/bob/block", Some(&ann))
        .await
        .expect(200);
    assert!(
        a.get("/api/v1/blocks", Some(&ann)).await.expect(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    a.post("/api/v1/people/ann/follow", Some(&bob), json!({}))
        .await
        .expect(200);
    a.get(&format!("/api/v1/posts/{bobs}"), Some(&ann))
        .await
        .expect(200);
}

async fn the_same_activity_twice_notifies_once(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let ann_ap = a.get("/api/v1/me", Some(&ann)).await.expect(200)["ap_id"]
        .as_str()
        .unwrap()
        .to_string();
    a.group(&ann, "support", "group").await;
    let t = a.thread(&ann, "support", "Printer on fire").await;
    let replied_to = thread_ap(&a, t).await;
    let group = document(&a, &format!("{}/g/support", a.url)).await;
    let group_inbox = group["inbox"].as_str().unwrap().to_string();
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    social
        .send(
            &kim,
            &group_inbox,
            &kim.follow(group["id"].as_str().unwrap()),
        )
        .await
        .expect(202);
    social
        .wait_for("the Accept", |r| r.iter().any(|r| r.kind() == "Accept"))
        .await;

    // Kim replies Mastodon-style, mentioning ann: a reply that mentions is
    // one notice (the reply). It arrives twice.
    let content = format!(
        "<p><span class=\"h-card\"><a href=\"{ann_ap}\" class=\"u-url mention\">@<span>ann</span></a></span> Unplug it.</p>"
    );
    let mut reply = kim.note(&content);
    reply["inReplyTo"] = json!(replied_to);
    reply["cc"] = json!([PUBLIC, ann_ap]);
    reply["tag"] = json!([mention(&ann_ap, &format!("@ann@{}", a.host()))]);
    let create = kim.create(&reply);
    social.send(&kim, &group_inbox, &create).await.expect(202);
    social.send(&kim, &group_inbox, &create).await.expect(202);

    // Then a second reply that only mentions ann (on nobody's thread of
    // hers): the marker that the first was handled.
    let bob = a.user("bob").await;
    let other = a.thread(&bob, "support", "Scanner jam").await;
    let other_ap = a
        .get(&format!("/api/v1/posts/{other}"), None)
        .await
        .expect(200)["ap_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut second = kim.note(&content);
    second["inReplyTo"] = json!(other_ap);
    second["cc"] = json!([PUBLIC, ann_ap]);
    social
        .send(&kim, &group_inbox, &kim.create(&second))
        .await
        .expect(202);
    let got = await_notes(&a, &ann, 2).await;
    assert_eq!(got[0]["kind"], "mention", "{got:#?}");
    assert_eq!(got[0]["thread"]["id"], other);
    assert_eq!(got[1]["kind"], "thread_reply");
    assert_eq!(got[1]["thread"]["id"], t);
    assert_eq!(got[1]["actor"]["name"], kim.handle());
    assert_eq!(got[1]["comment"]["excerpt"], "@ann Unplug it.");
}

/// The `ap_id` of thread `id` on `s`.
async fn thread_ap(s: &TestServer, id: i64) -> String {
    s.get(&format!("/api/v1/posts/{id}"), None)
        .await
        .expect(200)["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string()
}

/// The ActivityPub document at `url`.
async fn document(s: &TestServer, url: &str) -> Value {
    s.client
        .get(url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch")
        .json()
        .await
        .expect("JSON")
}

async fn a_blocked_remote_person_is_refused_and_silent(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    let ann_ap = a.get("/api/v1/me", Some(&ann)).await.expect(200)["ap_id"]
        .as_str()
        .unwrap()
        .to_string();
    let ann_inbox = document(&a, &ann_ap).await["inbox"]
        .as_str()
        .expect("inbox")
        .to_string();
    a.group(&ann, "support", "group").await;
    let t = a.thread(&ann, "support", "Printer on fire").await;
    let social = Remote::start().await;
    let kim = social.person("kim").await;

    // Kim follows ann from a Mastodon-like server: accepted, ann is told.
    social
        .send(&kim, &ann_inbox, &kim.follow(&ann_ap))
        .await
        .expect(202);
    social
        .wait_for("the Accept", |r| r.iter().any(|r| r.kind() == "Accept"))
        .await;
    let followed = await_kind(&a, &ann, "follower", 1).await;
    assert_eq!(followed[0]["actor"]["name"], kim.handle());

    // Ann blocks kim: the follow ends.
    a.post(
        &format!("/api/v1/people/{}/block", kim.handle()),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    let followers = a
        .get("/api/v1/people/ann/followers", None)
        .await
        .expect(200);
    assert!(followers["items"].as_array().unwrap().is_empty());

    // Kim's reply to ann's thread is stored but tells ann nothing; bob's,
    // after it, does.
    let mut reply = kim.note("<p>Told you so.</p>");
    reply["inReplyTo"] = json!(thread_ap(&a, t).await);
    social
        .send(&kim, &format!("{}/inbox", a.url), &kim.create(&reply))
        .await
        .expect(202);
    comment(&a, &bob, t, "Unplug it.", None).await;
    let got = await_kind(&a, &ann, "thread_reply", 1).await;
    assert_eq!(got[0]["actor"]["name"], "bob");
    let seen_by_bob = a
        .get(&format!("/api/v1/posts/{t}"), Some(&bob))
        .await
        .expect(200);
    assert_eq!(seen_by_bob["comments"].as_array().unwrap().len(), 2);

    // A new Follow from kim's server is answered with a Reject.
    social
        .send(&kim, &ann_inbox, &kim.follow(&ann_ap))
        .await
        .expect(202);
    social
        .wait_for("the Reject", |r| r.iter().any(|r| r.kind() == "Reject"))
        .await;
    let followers = a
        .get("/api/v1/people/ann/followers", None)
        .await
        .expect(200);
    assert!(followers["items"].as_array().unwrap().is_empty());
}

async fn preferences_turn_a_kind_off(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    a.group(&ann, "support", "group").await;

    let prefs = a
        .get("/api/v1/notifications/preferences", Some(&ann))
        .await
        .expect(200);
    let of = |prefs: &Value, kind: &str| -> Value {
        prefs["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == kind)
            .map(|p| p["delivery"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(of(&prefs, "thread_reply"), "email");
    assert_eq!(of(&prefs, "badge"), "app");
    let prefs = a
        .put(
            "/api/v1/notifications/preferences",
            Some(&ann),
            json!({"items": [{"kind": "thread_reply", "delivery": "off"}]}),
        )
        .await
        .expect(200);
    assert_eq!(of(&prefs, "thread_reply"), "off");
    assert_eq!(of(&prefs, "mention"), "email");
    a.put(
        "/api/v1/notifications/preferences",
        Some(&ann),
        json!({"items": [{"kind": "gossip", "delivery": "off"}]}),
    )
    .await
    .expect_error(422);
    a.put(
        "/api/v1/notifications/preferences",
        Some(&ann),
        json!({"items": [{"kind": "mention", "delivery": "pigeon"}]}),
    )
    .await
    .expect_error(422);

    // A reply to ann's thread: off. Then a mention on bob's: on (the marker).
    let t = a.thread(&ann, "support", "Printer on fire").await;
    comment(&a, &bob, t, "Unplug it.", None).await;
    let other = a.thread(&bob, "support", "Scanner jam").await;
    comment(&a, &bob, other, "What would @ann do?", None).await;
    let got = await_notes(&a, &ann, 1).await;
    assert_eq!(got[0]["kind"], "mention");
}

async fn club_content_never_reaches_a_non_member(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let dan = a.user("dan").await;
    let cat = a.user("cat").await;
    a.group(&ann, "hideout", "club").await;
    a.group(&ann, "lobby", "group").await;
    a.post("/api/v1/groups/hideout/join", Some(&dan), json!({}))
        .await
        .expect(200);
    a.post(
        "/api/v1/groups/hideout/members/dan/approve",
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    let to_dan = await_notes(&a, &dan, 1).await;
    assert_eq!(to_dan[0]["kind"], "membership_approved");
    assert_eq!(to_dan[0]["group"]["name"], "hideout");

    // In the club, ann mentions cat (not a member) and replies to dan.
    let plans = a.thread(&dan, "hideout", "Zanzibar plans").await;
    comment(&a, &ann, plans, "Should @cat know? No.", None).await;
    // The marker: a mention of cat in the open group.
    let open = a.thread(&ann, "lobby", "Hello").await;
    comment(&a, &ann, open, "Welcome @cat.", None).await;
    let to_cat = await_notes(&a, &cat, 1).await;
    assert_eq!(to_cat[0]["thread"]["id"], open);
    let to_dan = await_notes(&a, &dan, 2).await;
    assert_eq!(to_dan[0]["kind"], "thread_reply");
    assert_eq!(to_dan[0]["thread"]["title"], "Zanzibar plans");

    // Dan leaves: the club's content leaves his notifications; that he
    // was admitted (the club's name only) stays.
    a.post("/api/v1/groups/hideout/leave", Some(&dan), json!({}))
        .await
        .expect(204);
    let left = notes(&a, &dan, "").await;
    assert_eq!(left.len(), 1, "{left:#?}");
    assert_eq!(left[0]["kind"], "membership_approved");
    assert_eq!(unread(&a, &dan).await, 1);
    let body = a
        .get("/api/v1/notifications", Some(&dan))
        .await
        .expect(200)
        .to_string();
    assert!(!body.contains("Zanzibar"), "{body}");
}

//! Reports: local people report threads, comments and people to the right
//! queue (the group's moderators, the instance's admins); moderators
//! resolve or dismiss with a reason the reporter sees and the moderation
//! log keeps; other servers' `Flag`s in the Mastodon, Lemmy and Mbin shapes
//! land in the same queues; a report about another server's content is
//! forwarded there, to a Guildhall group and to a (fake) Mastodon server.

use crate::common;

use crate::common::remote::{Remote, PUBLIC};
use crate::common::{eventually, Backend, TestServer};
use guildhall::store::modlog::{self, Filter};
use serde_json::{json, Value};

on_both_backends!(
    local_reports_reach_the_right_queues,
    flags_in_three_shapes_land_in_the_queues,
    a_report_is_forwarded_to_a_mastodon_server,
    a_report_is_forwarded_between_guildhall_servers,
);

async fn report(s: &TestServer, token: &str, body: Value) -> Value {
    s.post("/api/v1/reports", Some(token), body)
        .await
        .expect(201)
}

async fn decide(
    s: &TestServer,
    id: i64,
    action: &str,
    token: &str,
    reason: &str,
) -> common::Response {
    s.post(
        &format!("/api/v1/reports/{id}/{action}"),
        Some(token),
        json!({"reason": reason}),
    )
    .await
}

/// The items of a report list.
async fn queue(s: &TestServer, path: &str, token: &str) -> Vec<Value> {
    s.get(path, Some(token)).await.expect(200)["items"]
        .as_array()
        .expect("items")
        .clone()
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().filter_map(|r| r["id"].as_i64()).collect()
}

async fn ap_id(s: &TestServer, path: &str) -> String {
    s.get(path, None).await.expect(200)["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string()
}

async fn log_of(s: &TestServer, action: &str, admin_only: bool) -> Vec<modlog::ModAction> {
    let filter = Filter {
        action: Some(action.to_string()),
        admin_only,
        ..Filter::default()
    };
    s.app
        .store
        .run(move |conn| modlog::list(conn, &filter, 20))
        .await
        .expect("the moderation log")
}

async fn local_reports_reach_the_right_queues(backend: Backend) {
    let s = common::start(backend).await;
    let root = s.admin("root").await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    let dan = s.user("dan").await;
    s.group(&ann, "support", "group").await;
    let t = s.thread(&bob, "support", "Cheap printers here").await;
    let c = s
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&bob),
            json!({"body": "Buy now at my shop!"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    s.group(&ann, "inner", "club").await;
    let secret = s.thread(&ann, "inner", "Members only").await;

    // What is refused.
    let post = |body: Value| s.post("/api/v1/reports", Some(&cat), body);
    s.post(
        "/api/v1/reports",
        None,
        json!({"post_id": t, "reason": "spam"}),
    )
    .await
    .expect_error(401);
    post(json!({"post_id": t, "reason": "   "}))
        .await
        .expect_error(422);
    post(json!({"post_id": t, "reason": "x".repeat(2001)}))
        .await
        .expect_error(422);
    post(json!({"reason": "spam"})).await.expect_error(422);
    post(json!({"post_id": t, "comment_id": c, "reason": "spam"}))
        .await
        .expect_error(422);
    post(json!({"post_id": 999_999, "reason": "spam"}))
        .await
        .expect_error(404);
    post(json!({"person": "nobody", "reason": "spam"}))
        .await
        .expect_error(404);
    post(json!({"post_id": secret, "reason": "spam"}))
        .await
        .expect_error(403);
    post(json!({"person": "cat", "reason": "me"}))
        .await
        .expect_error(422);
    s.post(
        "/api/v1/reports",
        Some(&bob),
        json!({"post_id": t, "reason": "my own"}),
    )
    .await
    .expect_error(422);

    // Cat reports the thread, the comment and bob.
    let on_thread = report(&s, &cat, json!({"post_id": t, "reason": "Advertising"})).await;
    assert_eq!(on_thread["subject"], "post");
    assert_eq!(on_thread["state"], "open");
    assert_eq!(on_thread["person"]["name"], "bob");
    assert_eq!(on_thread["group"]["name"], "support");
    assert_eq!(on_thread["reporter"]["name"], "cat");
    assert_eq!(on_thread["local"], true);
    assert_eq!(on_thread["origin"], s.host());
    assert_eq!(on_thread["content"]["title"], "Cheap printers here");
    post(json!({"post_id": t, "reason": "Advertising, again"}))
        .await
        .expect_error(409);
    let on_comment = report(&s, &cat, json!({"comment_id": c, "reason": "Spam link"})).await;
    assert_eq!(on_comment["subject"], "comment");
    assert_eq!(on_comment["post_id"], Value::Null);
    assert_eq!(on_comment["comment_id"], c);
    assert_eq!(on_comment["content"]["title"], "Cheap printers here");
    assert_eq!(on_comment["content"]["excerpt"], "Buy now at my shop!");
    let on_bob = report(
        &s,
        &cat,
        json!({"person": "bob", "reason": "A spam account"}),
    )
    .await;
    assert_eq!(on_bob["subject"], "person");
    assert_eq!(on_bob["group"], Value::Null);
    let (rt, rc, rp) = (
        on_thread["id"].as_i64().unwrap(),
        on_comment["id"].as_i64().unwrap(),
        on_bob["id"].as_i64().unwrap(),
    );

    // The group's queue: its moderators and admins; a person's report is
    // for the admins only.
    s.get("/api/v1/groups/support/reports", Some(&dan))
        .await
        .expect_error(403);
    s.get("/api/v1/admin/reports", Some(&dan))
        .await
        .expect_error(403);
    s.get("/api/v1/admin/reports", Some(&ann))
        .await
        .expect_error(403);
    s.get("/api/v1/admin/reports?state=closed", Some(&root))
        .await
        .expect_error(400);
    assert_eq!(
        ids(&queue(&s, "/api/v1/groups/support/reports", &ann).await),
        [rc, rt]
    );
    assert_eq!(
        ids(&queue(&s, "/api/v1/groups/support/reports", &root).await),
        [rc, rt]
    );
    assert_eq!(
        ids(&queue(&s, "/api/v1/admin/reports", &root).await),
        [rp, rc, rt]
    );

    // Resolving and dismissing: who sees the queue, with a reason, once.
    decide(&s, rt, "resolve", &dan, "I am no moderator")
        .await
        .expect_error(403);
    s.post(
        &format!("/api/v1/reports/{rt}/resolve"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect_error(422);
    decide(&s, rt, "resolve", &ann, " ").await.expect_error(422);
    decide(&s, 999_999, "resolve", &ann, "gone")
        .await
        .expect_error(404);
    let resolved = decide(&s, rt, "resolve", &ann, "Removed the thread")
        .await
        .expect(200);
    assert_eq!(resolved["state"], "resolved");
    assert_eq!(resolved["resolution"], "Removed the thread");
    assert_eq!(resolved["resolved_by"]["name"], "ann");
    assert!(resolved["resolved_at"].is_string());
    decide(&s, rt, "resolve", &ann, "twice")
        .await
        .expect_error(409);
    s.post(
        &format!("/api/v1/reports/{rt}/dismiss"),
        Some(&ann),
        json!({"reason": "changed my mind"}),
    )
    .await
    .expect_error(409);
    s.post(
        &format!("/api/v1/reports/{rc}/dismiss"),
        Some(&ann),
        json!({"reason": "A real shop, allowed here"}),
    )
    .await
    .expect(200);
    decide(&s, rp, "resolve", &ann, "not mine to judge")
        .await
        .expect_error(403);
    s.post(
        &format!("/api/v1/reports/{rp}/dismiss"),
        Some(&root),
        json!({"reason": "Not a spam account"}),
    )
    .await
    .expect(200);

    // The reporter sees the outcome; others see none of it.
    let mine = queue(&s, "/api/v1/reports/mine", &cat).await;
    assert_eq!(ids(&mine), [rp, rc, rt]);
    assert_eq!(mine[2]["state"], "resolved");
    assert_eq!(mine[2]["resolution"], "Removed the thread");
    assert_eq!(mine[1]["state"], "dismissed");
    assert_eq!(mine[1]["resolution"], "A real shop, allowed here");
    assert_eq!(mine[0]["resolution"], "Not a spam account");
    assert!(queue(&s, "/api/v1/reports/mine", &bob).await.is_empty());
    let dismissed = queue(&s, "/api/v1/reports/mine?state=dismissed", &cat).await;
    assert_eq!(ids(&dismissed), [rp, rc]);

    // Queues by state.
    assert!(queue(&s, "/api/v1/groups/support/reports", &ann)
        .await
        .is_empty());
    assert_eq!(
        ids(&queue(&s, "/api/v1/groups/support/reports?state=resolved", &ann).await),
        [rt]
    );
    assert_eq!(
        ids(&queue(&s, "/api/v1/groups/support/reports?state=dismissed", &ann).await),
        [rc]
    );

    // Closed, the thread may be reported again; nothing here to forward.
    let again = report(&s, &cat, json!({"post_id": t, "reason": "Back again"})).await;
    s.post(
        &format!("/api/v1/reports/{}/forward", again["id"]),
        Some(&root),
        json!({}),
    )
    .await
    .expect_error(422);

    // The routes are documented.
    let doc = s.get("/api/v1/openapi.json", None).await.expect(200);
    for path in [
        "/api/v1/reports",
        "/api/v1/reports/mine",
        "/api/v1/reports/{id}/resolve",
        "/api/v1/reports/{id}/dismiss",
        "/api/v1/reports/{id}/forward",
        "/api/v1/groups/{name}/reports",
        "/api/v1/admin/reports",
    ] {
        assert!(doc["paths"][path].is_object(), "OpenAPI lacks {path}");
    }
    assert!(doc["components"]["schemas"]["ReportView"].is_object());

    // The moderation log: the group's decisions in the public log, the
    // decision on a person in the admins' audit log.
    let ann_id = s.get("/api/v1/me", Some(&ann)).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let bob_id = s.get("/api/v1/me", Some(&bob)).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let resolved_log = log_of(&s, "resolve_report", false).await;
    assert_eq!(resolved_log.len(), 1);
    let entry = &resolved_log[0];
    assert_eq!(entry.moderator_id, Some(ann_id));
    assert_eq!(entry.post_id, Some(t));
    assert_eq!(entry.person_id, Some(bob_id));
    assert!(entry.group_id.is_some());
    assert_eq!(entry.reason.as_deref(), Some("Removed the thread"));
    let dismissed_log = log_of(&s, "dismiss_report", false).await;
    assert_eq!(dismissed_log.len(), 1);
    assert_eq!(dismissed_log[0].comment_id, Some(c));
    let audit = log_of(&s, "dismiss_report", true).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].person_id, Some(bob_id));
    assert_eq!(audit[0].group_id, None);
    assert_eq!(audit[0].reason.as_deref(), Some("Not a spam account"));
}

/// The report in `items` with this reason.
fn with_reason<'a>(items: &'a [Value], reason: &str) -> &'a Value {
    items
        .iter()
        .find(|r| r["reason"] == reason)
        .unwrap_or_else(|| panic!("no report {reason:?} in {items:#?}"))
}

async fn flags_in_three_shapes_land_in_the_queues(backend: Backend) {
    let a = common::start(backend).await;
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    a.group(&ann, "support", "group").await;
    let t = a.thread(&bob, "support", "Cheap printers here").await;
    let c = a
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&bob),
            json!({"body": "You are all idiots."}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let thread_ap = ap_id(&a, &format!("/api/v1/posts/{t}")).await;
    let comment_ap = format!("{}/comment/{c}", a.url);
    let bob_ap = ap_id(&a, "/api/v1/people/bob").await;
    let group_ap = format!("{}/g/support", a.url);
    let (shared_inbox, group_inbox) = (format!("{}/inbox", a.url), format!("{group_ap}/inbox"));
    let group_queue = "/api/v1/groups/support/reports";

    // Mastodon: its instance actor, the statuses then the account, the
    // reason in `content`, to the shared inbox. The server is the origin;
    // who reported there stays unknown.
    let social = Remote::start().await;
    let masto = social.actor("actor", "Application").await;
    let mut flag = masto.activity("Flag", json!([thread_ap, bob_ap]));
    flag["content"] = json!("Spam, please have a look");
    flag["to"] = json!(bob_ap);
    social.send(&masto, &shared_inbox, &flag).await.expect(202);
    let items = queue(&a, group_queue, &ann).await;
    assert_eq!(items.len(), 1, "{items:#?}");
    let r = with_reason(&items, "Spam, please have a look");
    assert_eq!(r["subject"], "post");
    assert_eq!(r["post_id"], t);
    assert_eq!(r["person"]["name"], "bob");
    assert_eq!(r["reporter"], Value::Null);
    assert_eq!(r["origin"], social.host());
    assert_eq!(r["local"], false);
    // The same Flag again changes nothing.
    social.send(&masto, &shared_inbox, &flag).await.expect(202);
    assert_eq!(queue(&a, group_queue, &ann).await.len(), 1);

    // Mastodon, the account alone: a report of the person, for the admins.
    let mut flag = masto.activity("Flag", json!([bob_ap]));
    flag["content"] = json!("Sends unsolicited ads");
    social.send(&masto, &shared_inbox, &flag).await.expect(202);
    assert_eq!(queue(&a, group_queue, &ann).await.len(), 1);
    let admin = queue(&a, "/api/v1/admin/reports", &root).await;
    let r = with_reason(&admin, "Sends unsolicited ads");
    assert_eq!(r["subject"], "person");
    assert_eq!(r["person"]["name"], "bob");
    assert_eq!(r["group"], Value::Null);

    // Lemmy: the reporter itself, one object (the comment), `to` the
    // group, the reason in `summary`, to the group's inbox.
    let lemmy = Remote::start().await;
    let ada = lemmy.person("ada").await;
    let flag = json!({
        "@context": ["https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"],
        "id": format!("{}/activities/flag/5e0c2a7b", lemmy.url),
        "type": "Flag",
        "actor": ada.id,
        "to": [group_ap],
        "audience": group_ap,
        "object": comment_ap,
        "summary": "Insults everyone",
    });
    lemmy.send(&ada, &group_inbox, &flag).await.expect(202);

    // Mbin: the thread and the account, the reason in both fields.
    let mbin = Remote::start().await;
    let lena = mbin.person("lena").await;
    let flag = json!({
        "@context": ["https://www.w3.org/ns/activitystreams"],
        "id": format!("{}/reports/9a4d7c11", mbin.url),
        "type": "Flag",
        "actor": lena.id,
        "object": [thread_ap, bob_ap],
        "audience": group_ap,
        "summary": "Off topic advert",
        "content": "Off topic advert",
        "to": [group_ap],
        "cc": [PUBLIC],
    });
    mbin.send(&lena, &shared_inbox, &flag).await.expect(202);

    let items = queue(&a, group_queue, &ann).await;
    assert_eq!(items.len(), 3, "{items:#?}");
    let from_lemmy = with_reason(&items, "Insults everyone");
    assert_eq!(from_lemmy["subject"], "comment");
    assert_eq!(from_lemmy["comment_id"], c);
    assert_eq!(from_lemmy["person"]["name"], "bob");
    assert_eq!(from_lemmy["reporter"]["name"], ada.handle());
    assert_eq!(from_lemmy["origin"], lemmy.host());
    let from_mbin = with_reason(&items, "Off topic advert");
    assert_eq!(from_mbin["subject"], "post");
    assert_eq!(from_mbin["post_id"], t);
    assert_eq!(from_mbin["reporter"]["name"], lena.handle());

    // Nothing stored here is named: accepted, and nothing is stored.
    let mut flag = masto.activity(
        "Flag",
        json!([format!("{}/users/nobody/statuses/1", social.url)]),
    );
    flag["content"] = json!("About something elsewhere");
    social.send(&masto, &shared_inbox, &flag).await.expect(202);
    assert_eq!(queue(&a, "/api/v1/admin/reports", &root).await.len(), 4);

    // A moderator resolves one; the remote reporter is not a local person,
    // so only the queue and the log show it.
    let id = from_lemmy["id"].as_i64().unwrap();
    a.post(
        &format!("/api/v1/reports/{id}/resolve"),
        Some(&ann),
        json!({"reason": "Comment removed"}),
    )
    .await
    .expect(200);
    assert_eq!(queue(&a, group_queue, &ann).await.len(), 2);
}

async fn a_report_is_forwarded_to_a_mastodon_server(backend: Backend) {
    let a = common::start(backend).await;
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    let cat = a.user("cat").await;
    a.group(&ann, "support", "group").await;
    let t = a.thread(&ann, "support", "Printer on fire").await;
    let thread_ap = ap_id(&a, &format!("/api/v1/posts/{t}")).await;

    // Kim replies from Mastodon.
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    let mut reply = kim.note("<p>Buy my printers instead!</p>");
    reply["inReplyTo"] = json!(thread_ap);
    let reply_ap = reply["id"].as_str().unwrap().to_string();
    social
        .send(&kim, &format!("{}/inbox", a.url), &kim.create(&reply))
        .await
        .expect(202);
    let thread = a.get(&format!("/api/v1/posts/{t}"), None).await.expect(200);
    let c = thread["comments"][0]["id"].as_i64().expect("kim's comment");

    // Cat reports kim's comment; ann forwards it to kim's server.
    let r = report(
        &a,
        &cat,
        json!({"comment_id": c, "reason": "Spam from a remote account"}),
    )
    .await;
    assert_eq!(r["person"]["name"], kim.handle());
    let id = r["id"].as_i64().unwrap();
    a.post(
        &format!("/api/v1/reports/{id}/forward"),
        Some(&cat),
        json!({}),
    )
    .await
    .expect_error(403);
    let forwarded = a
        .post(
            &format!("/api/v1/reports/{id}/forward"),
            Some(&ann),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(forwarded["forwarded"], true);
    a.post(
        &format!("/api/v1/reports/{id}/forward"),
        Some(&root),
        json!({}),
    )
    .await
    .expect_error(409);

    // It arrives as a Flag from A's reporting actor, signed by it, naming
    // the comment and kim (so Mastodon files it), with the reason; cat is
    // named nowhere.
    let instance_actor = format!("{}/actor/reports", a.url);
    let got = social
        .wait_for("the forwarded Flag", |r| {
            r.iter().any(|r| r.kind() == "Flag")
        })
        .await;
    let flag = got.iter().find(|r| r.kind() == "Flag").unwrap();
    assert_eq!(flag.path, "/inbox", "to kim's shared inbox");
    assert_eq!(
        flag.verified_key.as_deref(),
        Some(format!("{instance_actor}#main-key").as_str()),
        "{:?}",
        flag.refusal
    );
    let body = &flag.body;
    assert_eq!(body["actor"], instance_actor);
    assert_eq!(body["object"], json!([reply_ap, kim.id]));
    assert_eq!(body["content"], "Spam from a remote account");
    assert_eq!(body["summary"], "Spam from a remote account");
    assert_eq!(body["to"], json!([kim.id]));
    assert!(!body.to_string().contains("/u/cat"), "{body}");
    let mine = queue(&a, "/api/v1/reports/mine", &cat).await;
    assert_eq!(mine[0]["forwarded"], true);
}

async fn a_report_is_forwarded_between_guildhall_servers(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let a_root = a.admin("root").await;
    let ann = a.user("ann").await;
    let vic = a.user("vic").await;
    a.group(&ann, "support", "group").await;
    let b_root = b.admin("root").await;
    let bob = b.user("bob").await;
    let support = format!("support@{ah}");
    b.join_remote(&bob, &support).await;
    // After the join: a member's server gets only what comes after.
    a.thread(&vic, "support", "Cheap printers here").await;
    let on_b = b
        .await_thread(Some(&bob), &support, "Cheap printers here")
        .await;
    let tb = on_b["id"].as_i64().unwrap();

    // Bob reports the thread on B: it is in B's queues for the group.
    let r = report(
        &b,
        &bob,
        json!({"post_id": tb, "reason": "An advert, not a question"}),
    )
    .await;
    assert_eq!(r["group"]["name"], support);
    assert_eq!(r["person"]["name"], format!("vic@{ah}"));
    let id = r["id"].as_i64().unwrap();
    assert_eq!(
        ids(&queue(&b, "/api/v1/admin/reports", &b_root).await),
        [id]
    );
    assert_eq!(
        ids(&queue(&b, &format!("/api/v1/groups/{support}/reports"), &b_root).await),
        [id]
    );
    b.get(&format!("/api/v1/groups/{support}/reports"), Some(&bob))
        .await
        .expect_error(403);

    // B's admin forwards it: A's group moderators see it, from B.
    b.post(
        &format!("/api/v1/reports/{id}/forward"),
        Some(&bob),
        json!({}),
    )
    .await
    .expect_error(403);
    b.post(
        &format!("/api/v1/reports/{id}/forward"),
        Some(&b_root),
        json!({}),
    )
    .await
    .expect(200);
    eventually("the forwarded report in A's group queue", || async {
        !queue(&a, "/api/v1/groups/support/reports", &ann)
            .await
            .is_empty()
    })
    .await;
    let items = queue(&a, "/api/v1/groups/support/reports", &ann).await;
    assert_eq!(items.len(), 1, "{items:#?}");
    let on_a = &items[0];
    assert_eq!(on_a["reason"], "An advert, not a question");
    assert_eq!(on_a["subject"], "post");
    assert_eq!(on_a["content"]["title"], "Cheap printers here");
    assert_eq!(on_a["person"]["name"], "vic");
    assert_eq!(on_a["origin"], bh);
    assert_eq!(on_a["local"], false);
    assert_eq!(on_a["reporter"], Value::Null, "the reporter stays on B");

    // Bob reports vic himself; forwarded, it reaches A's admins.
    let r = report(
        &b,
        &bob,
        json!({"person": format!("vic@{ah}"), "reason": "Posts ads everywhere"}),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    b.post(
        &format!("/api/v1/reports/{id}/forward"),
        Some(&b_root),
        json!({}),
    )
    .await
    .expect(200);
    eventually("the forwarded report of vic in A's admin queue", || async {
        queue(&a, "/api/v1/admin/reports", &a_root)
            .await
            .iter()
            .any(|r| r["reason"] == "Posts ads everywhere")
    })
    .await;
    let admin = queue(&a, "/api/v1/admin/reports", &a_root).await;
    let person = with_reason(&admin, "Posts ads everywhere");
    assert_eq!(person["subject"], "person");
    assert_eq!(person["person"]["name"], "vic");
    assert_eq!(person["origin"], bh);
    assert_eq!(
        queue(&a, "/api/v1/groups/support/reports", &ann)
            .await
            .len(),
        1
    );
}

//! Moderation across two servers: A's group moderator removes, locks, pins
//! and bans, and B (where the member lives) applies it; every action is in
//! the moderation log on both sides.

use crate::common;

use crate::common::{eventually, Backend};
use serde_json::{json, Value};

on_both_backends!(
    moderators_act_across_servers,
    moderation_rules_locally,
    federation_policy_applies_to_every_path,
    watched_words_and_the_review_queue,
    rate_limits_and_new_accounts,
    terms_of_service,
    flags_hide_content_for_review
);

async fn moderators_act_across_servers(backend: Backend) {
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
        .await;
    let tb = on_b["id"].as_i64().unwrap();
    b.post(
        &format!("/api/v1/posts/{tb}/comments"),
        Some(&bob),
        json!({"body": "Buy a new one, lol"}),
    )
    .await
    .expect(201);
    let comment_on_a = || async {
        let t = a
            .get(&format!("/api/v1/posts/{on_a}"), None)
            .await
            .expect(200);
        t["comments"][0].clone()
    };
    eventually("bob's comment on A", || async {
        comment_on_a().await.is_object()
    })
    .await;

    // Ann removes Bob's comment: B shows it removed.
    let cid = comment_on_a().await["id"].as_i64().unwrap();
    a.post(
        &format!("/api/v1/comments/{cid}/remove"),
        Some(&ann),
        json!({"reason": "unhelpful"}),
    )
    .await
    .expect(200);
    eventually("the removal on B", || async {
        let t = b
            .get(&format!("/api/v1/posts/{tb}"), Some(&bob))
            .await
            .expect(200);
        t["comments"][0]["removed"] == true
    })
    .await;

    // Pin and lock: B shows both; a locked thread refuses Bob's reply on B.
    a.post(&format!("/api/v1/posts/{on_a}/pin"), Some(&ann), json!({}))
        .await
        .expect(200);
    a.post(
        &format!("/api/v1/posts/{on_a}/lock"),
        Some(&ann),
        json!({"reason": "solved"}),
    )
    .await
    .expect(200);
    eventually("pin and lock on B", || async {
        let t = b
            .get(&format!("/api/v1/posts/{tb}"), Some(&bob))
            .await
            .expect(200);
        t["pinned"] == true && t["locked"] == true
    })
    .await;
    b.post(
        &format!("/api/v1/posts/{tb}/comments"),
        Some(&bob),
        json!({"body": "but wait"}),
    )
    .await
    .expect_error(403);
    a.post(
        &format!("/api/v1/posts/{on_a}/comments"),
        Some(&ann),
        json!({"body": "even me?"}),
    )
    .await
    .expect(201);

    // Ban Bob from A's group: his next thread and vote are refused on B.
    let second = a.thread(&ann, "support", "Scanner").await;
    let second_on_b = b.await_thread(Some(&bob), &support, "Scanner").await;
    a.post(
        "/api/v1/groups/support/bans",
        Some(&ann),
        json!({"person": format!("bob@{bh}"), "reason": "rudeness"}),
    )
    .await
    .expect(200);
    eventually("the ban on B", || async {
        let g = b
            .get(&format!("/api/v1/groups/{support}"), Some(&bob))
            .await
            .expect(200);
        g["membership"]["state"] == "banned"
    })
    .await;
    b.post(
        &format!("/api/v1/groups/{support}/posts"),
        Some(&bob),
        json!({"title": "Let me back", "body": "please"}),
    )
    .await
    .expect_error(403);
    let sb = second_on_b["id"].as_i64().unwrap();
    b.post(
        &format!("/api/v1/posts/{sb}/vote"),
        Some(&bob),
        json!({"value": 1}),
    )
    .await
    .expect_error(403);
    let _ = second;

    // Both logs show what happened, B's marked as applied from elsewhere.
    let log_a = a
        .get("/api/v1/modlog?group=support", None)
        .await
        .expect(200);
    let actions: Vec<&str> = log_a["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["action"].as_str())
        .collect();
    assert_eq!(actions, ["ban", "lock", "pin", "remove_comment"], "{log_a}");
    assert_eq!(log_a["items"][3]["reason"], "unhelpful");
    let log_b = b
        .get(&format!("/api/v1/modlog?group={support}"), None)
        .await
        .expect(200);
    let items = log_b["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "{log_b}");
    assert!(items
        .iter()
        .all(|i| i["remote"] == true && i["moderator"]["name"] == format!("ann@{ah}")));
    a.stop().await;
    b.stop().await;
}

async fn moderation_rules_locally(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let cat = s.user("cat").await;
    let root = s.admin("root").await;
    s.group(&ann, "support", "group").await;
    let t = s.thread(&ann, "support", "Hello").await;
    s.post("/api/v1/groups/support/join", Some(&cat), json!({}))
        .await
        .expect(200);
    // Only moderators act; unknown actions are 404; repeats are 409.
    s.post(&format!("/api/v1/posts/{t}/lock"), Some(&cat), json!({}))
        .await
        .expect_error(403);
    s.post(&format!("/api/v1/posts/{t}/explode"), Some(&ann), json!({}))
        .await
        .expect_error(404);
    s.post(
        &format!("/api/v1/posts/{t}/remove"),
        Some(&ann),
        json!({"reason": "spam"}),
    )
    .await
    .expect(200);
    s.post(&format!("/api/v1/posts/{t}/remove"), Some(&ann), json!({}))
        .await
        .expect_error(409);
    let gone: Value = s.get(&format!("/api/v1/posts/{t}"), None).await.expect(200);
    assert_eq!(
        (gone["removed"].as_bool(), gone["title"].as_str()),
        (Some(true), Some(""))
    );
    s.post(&format!("/api/v1/posts/{t}/restore"), Some(&ann), json!({}))
        .await
        .expect(200);
    // A timed ban ends by itself; a ban refuses posting and voting meanwhile.
    s.post(
        "/api/v1/groups/support/bans",
        Some(&ann),
        json!({"person": "cat", "expires_at": "2099-01-01T00:00:00Z", "remove_content": true}),
    )
    .await
    .expect(200);
    s.post(
        "/api/v1/groups/support/posts",
        Some(&cat),
        json!({"title": "x", "body": "y"}),
    )
    .await
    .expect_error(403);
    s.post(
        &format!("/api/v1/posts/{t}/vote"),
        Some(&cat),
        json!({"value": 1}),
    )
    .await
    .expect_error(403);
    s.post("/api/v1/groups/support/join", Some(&cat), json!({}))
        .await
        .expect_error(403);
    s.delete("/api/v1/groups/support/bans/cat", Some(&ann))
        .await
        .expect(204);
    s.post("/api/v1/groups/support/join", Some(&cat), json!({}))
        .await
        .expect(200);
    // Server bans: admins only, in the audit log, not the public log.
    s.post("/api/v1/admin/people/cat/ban", Some(&ann), json!({}))
        .await
        .expect_error(403);
    s.post(
        "/api/v1/admin/people/cat/ban",
        Some(&root),
        json!({"reason": "spam wave"}),
    )
    .await
    .expect(200);
    s.post(
        &format!("/api/v1/posts/{t}/comments"),
        Some(&cat),
        json!({"body": "hi"}),
    )
    .await
    .expect_error(403);
    let audit = s
        .get("/api/v1/admin/audit-log", Some(&root))
        .await
        .expect(200);
    assert_eq!(audit["items"][0]["action"], "instance_ban");
    s.get("/api/v1/admin/audit-log", Some(&ann))
        .await
        .expect_error(403);
    let public = s
        .get("/api/v1/modlog?moderator=ann", None)
        .await
        .expect(200);
    let actions: Vec<&str> = public["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["action"].as_str())
        .collect();
    assert_eq!(actions, ["unban", "ban", "restore_post", "remove_post"]);
    assert_eq!(public["items"][3]["reason"], "spam");
    s.stop().await;
}

async fn federation_policy_applies_to_every_path(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let support = format!("support@{ah}");

    // Partners only: B is not one, so its people's follows are refused.
    let fed = a
        .put(
            "/api/v1/admin/federation",
            Some(&root),
            json!({"mode": "allowlist"}),
        )
        .await
        .expect(200);
    assert_eq!(fed["mode"], "allowlist");
    a.put(
        "/api/v1/admin/federation",
        Some(&ann),
        json!({"mode": "open"}),
    )
    .await
    .expect_error(403);
    let bob = b.user("bob").await;
    b.get(&format!("/api/v1/resolve?q=@{support}"), Some(&bob))
        .await
        .expect(200);
    b.post(
        &format!("/api/v1/groups/{support}/join"),
        Some(&bob),
        json!({}),
    )
    .await
    .expect(200);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let members = a
        .get("/api/v1/groups/support/members", None)
        .await
        .expect(200);
    assert_eq!(
        members["items"].as_array().map(Vec::len),
        Some(1),
        "only ann: {members}"
    );

    // B becomes a partner: a follow from B goes through.
    let d = a
        .put(
            &format!("/api/v1/admin/domains/{bh}"),
            Some(&root),
            json!({"policy": "allowed"}),
        )
        .await
        .expect(200);
    assert_eq!(d["policy"], "allowed");
    let carl = b.user("carl").await;
    b.join_remote(&carl, &support).await;
    b.post(
        &format!("/api/v1/groups/{support}/posts"),
        Some(&carl),
        json!({"title": "Before the block", "body": "x"}),
    )
    .await
    .expect(201);
    a.await_thread(None, "support", "Before the block").await;

    // Blocked: nothing from B is taken, and nothing is sent to it.
    a.put(
        &format!("/api/v1/admin/domains/{bh}"),
        Some(&root),
        json!({"policy": "blocked"}),
    )
    .await
    .expect(200);
    a.put(
        &format!("/api/v1/admin/domains/{bh}"),
        Some(&root),
        json!({"policy": "friendly"}),
    )
    .await
    .expect_error(422);
    b.post(
        &format!("/api/v1/groups/{support}/posts"),
        Some(&carl),
        json!({"title": "From a blocked server", "body": "x"}),
    )
    .await
    .expect(201);
    a.thread(&ann, "support", "Not for B").await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(a
        .find_thread(None, "support", "From a blocked server")
        .await
        .is_none());
    // What B sent before the block is hidden too.
    assert!(a
        .find_thread(None, "support", "Before the block")
        .await
        .is_none());
    assert!(b
        .find_thread(Some(&carl), &support, "Not for B")
        .await
        .is_none());
    let overview = a
        .get("/api/v1/admin/federation", Some(&root))
        .await
        .expect(200);
    assert_eq!(overview["domains"][0]["domain"], bh);
    assert_eq!(overview["domains"][0]["policy"], "blocked");
    let audit = a
        .get("/api/v1/admin/audit-log", Some(&root))
        .await
        .expect(200);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["domain_policy", "domain_policy", "federation_mode"]
    );
    a.stop().await;
    b.stop().await;
}

/// Watched words block and hold; a silenced server's thread waits for
/// review, and once approved is shown and relayed.
async fn watched_words_and_the_review_queue(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    let cat = a.user("cat").await;
    a.group(&ann, "support", "group").await;
    a.post("/api/v1/groups/support/join", Some(&cat), json!({}))
        .await
        .expect(200);
    a.post(
        "/api/v1/admin/watched-words",
        Some(&root),
        json!({"word": "casino", "action": "block"}),
    )
    .await
    .expect(201);
    a.post(
        "/api/v1/groups/support/watched-words",
        Some(&ann),
        json!({"word": "free money", "action": "hold"}),
    )
    .await
    .expect(201);
    a.post(
        "/api/v1/groups/support/watched-words",
        Some(&cat),
        json!({"word": "x", "action": "hold"}),
    )
    .await
    .expect_error(403);
    let blocked = a
        .post(
            "/api/v1/groups/support/posts",
            Some(&cat),
            json!({"title": "Best CASINO", "body": "come"}),
        )
        .await
        .expect_error(422);
    assert!(
        blocked["detail"].as_str().unwrap().contains("casino"),
        "{blocked}"
    );
    let held = a
        .post(
            "/api/v1/groups/support/posts",
            Some(&cat),
            json!({"title": "Hi", "body": "Free, money!"}),
        )
        .await
        .expect(201);
    assert_eq!(held["held"], true);
    let id = held["id"].as_i64().unwrap();
    assert!(
        a.find_thread(None, "support", "Hi").await.is_none(),
        "held threads are not listed"
    );
    a.get(&format!("/api/v1/posts/{id}"), None)
        .await
        .expect_error(404);
    a.get(&format!("/api/v1/posts/{id}"), Some(&cat))
        .await
        .expect(200);
    let queue = a
        .get("/api/v1/groups/support/review", Some(&ann))
        .await
        .expect(200);
    assert_eq!(queue["posts"][0]["id"], id);
    a.post(
        &format!("/api/v1/review/posts/{id}/reject"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    a.post(
        &format!("/api/v1/review/posts/{id}/approve"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect_error(409);

    // B is silenced: carl's thread from B waits; approved, C... B sees it back.
    a.put(
        &format!("/api/v1/admin/domains/{bh}"),
        Some(&root),
        json!({"policy": "silenced"}),
    )
    .await
    .expect(200);
    let carl = b.user("carl").await;
    let support = format!("support@{ah}");
    b.join_remote(&carl, &support).await;
    b.post(
        &format!("/api/v1/groups/{support}/posts"),
        Some(&carl),
        json!({"title": "From B", "body": "hello"}),
    )
    .await
    .expect(201);
    eventually("carl's thread in A's review queue", || async {
        let q = a.get("/api/v1/admin/review", Some(&root)).await.expect(200);
        q["posts"]
            .as_array()
            .is_some_and(|p| p.iter().any(|t| t["title"] == "From B"))
    })
    .await;
    assert!(a.find_thread(None, "support", "From B").await.is_none());
    let q = a
        .get("/api/v1/groups/support/review", Some(&ann))
        .await
        .expect(200);
    let from_b = q["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "From B")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    a.post(
        &format!("/api/v1/review/posts/{from_b}/approve"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    a.await_thread(None, "support", "From B").await;
    let log = a
        .get("/api/v1/modlog?group=support&action=approve_post", None)
        .await
        .expect(200);
    assert_eq!(log["items"].as_array().map(Vec::len), Some(1));
    a.stop().await;
    b.stop().await;
}

/// New accounts: no links and few posts an hour; everyone: a posting rate;
/// remote servers: an activity rate. Refusals say when to retry.
async fn rate_limits_and_new_accounts(backend: Backend) {
    let s = common::start_with(backend, |c| {
        c.moderation.posts_per_hour = 4;
        c.moderation.new_account_days = 2;
        c.moderation.new_account_posts_per_hour = 2;
    })
    .await;
    let ann = s.user("ann").await;
    s.group(&ann, "support", "group").await;
    let link = s
        .post(
            "/api/v1/groups/support/posts",
            Some(&ann),
            json!({"title": "See", "body": "https://spam.example"}),
        )
        .await
        .expect_error(422);
    assert!(link["detail"].as_str().unwrap().contains("links"), "{link}");
    let t = s.thread(&ann, "support", "One").await;
    s.post(
        &format!("/api/v1/posts/{t}/comments"),
        Some(&ann),
        json!({"body": "two"}),
    )
    .await
    .expect(201);
    let r = s
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&ann),
            json!({"body": "three"}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 429, "{}", r.body);
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 3600);
    assert!(r.body["error"].is_string());
    // Staff are not limited.
    let root = s.admin("root").await;
    for n in 0..5 {
        s.post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&root),
            json!({"body": format!("staff {n} https://docs.example")}),
        )
        .await
        .expect(201);
    }
    s.stop().await;
}

/// Terms of service: accepted at registration, and again after a change
/// before posting.
async fn terms_of_service(backend: Backend) {
    let s = common::start(backend).await;
    let root = s.admin("root").await;
    let ann = s.user("ann").await;
    s.group(&ann, "support", "group").await;
    s.get("/api/v1/terms", None).await.expect_error(404);
    s.put(
        "/api/v1/admin/terms",
        Some(&ann),
        json!({"body": "Be kind."}),
    )
    .await
    .expect_error(403);
    let v1 = s
        .put(
            "/api/v1/admin/terms",
            Some(&root),
            json!({"body": "Be kind."}),
        )
        .await
        .expect(201);
    assert_eq!(
        s.get("/api/v1/terms", None).await.expect(200)["version"],
        v1["version"]
    );
    let signup = |accept: Option<i64>| json!({"username": "dan", "password": "password-dan", "accept_terms": accept});
    s.post("/api/v1/accounts", None, signup(None))
        .await
        .expect_error(422);
    s.post("/api/v1/accounts", None, signup(v1["version"].as_i64()))
        .await
        .expect(201);
    let dan = s.login("dan").await;
    s.thread(&dan, "support", "Before the change").await;
    // Ann registered before there were terms: she accepts before posting.
    s.post(
        "/api/v1/groups/support/posts",
        Some(&ann),
        json!({"title": "t", "body": "b"}),
    )
    .await
    .expect_error(403);
    let v2 = s
        .put(
            "/api/v1/admin/terms",
            Some(&root),
            json!({"body": "Be kinder."}),
        )
        .await
        .expect(201);
    let refused = s
        .post(
            "/api/v1/groups/support/posts",
            Some(&dan),
            json!({"title": "t", "body": "b"}),
        )
        .await
        .expect_error(403);
    assert!(
        refused["detail"].as_str().unwrap().contains("terms"),
        "{refused}"
    );
    s.post(
        "/api/v1/terms/accept",
        Some(&dan),
        json!({"version": v1["version"]}),
    )
    .await
    .expect_error(409);
    s.post(
        "/api/v1/terms/accept",
        Some(&dan),
        json!({"version": v2["version"]}),
    )
    .await
    .expect(200);
    s.thread(&dan, "support", "After accepting").await;
    s.stop().await;
}

/// Reports weigh: three members' reports hide a thread for review; one
/// moderator's report hides a comment at once.
async fn flags_hide_content_for_review(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    s.group(&ann, "support", "group").await;
    let spammer = s.user("spammer").await;
    let t = s.thread(&spammer, "support", "Buy now").await;
    for name in ["rita", "rolf", "rosa"] {
        let token = s.user(name).await;
        let before = s.find_thread(None, "support", "Buy now").await.is_some();
        assert!(before, "still shown before {name}'s report");
        s.post(
            "/api/v1/reports",
            Some(&token),
            json!({"post_id": t, "reason": "spam"}),
        )
        .await
        .expect(201);
    }
    assert!(
        s.find_thread(None, "support", "Buy now").await.is_none(),
        "hidden after three reports"
    );
    let q = s
        .get("/api/v1/groups/support/review", Some(&ann))
        .await
        .expect(200);
    assert_eq!(q["posts"][0]["id"], t);
    let ok = s.thread(&ann, "support", "Fine").await;
    let c = s
        .post(
            &format!("/api/v1/posts/{ok}/comments"),
            Some(&spammer),
            json!({"body": "spam"}),
        )
        .await
        .expect(201);
    let cid = c["id"].as_i64().unwrap();
    s.post(
        "/api/v1/reports",
        Some(&ann),
        json!({"comment_id": cid, "reason": "spam"}),
    )
    .await
    .expect(201);
    let thread = s
        .get(&format!("/api/v1/posts/{ok}"), None)
        .await
        .expect(200);
    assert_eq!(
        thread["comments"].as_array().map(Vec::len),
        Some(0),
        "{thread}"
    );
    assert_eq!(thread["comment_count"], 0);
    s.stop().await;
}

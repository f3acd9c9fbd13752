//! What the server refuses, and how: the right status and a JSON
//! `{"error", "detail"}` body, never a panic, and nothing stored.

use crate::common;

use crate::common::Backend;
use guildhall::config::{GroupCreation, RegistrationMode};
use serde_json::json;

on_both_backends!(
    malformed_and_oversized_requests,
    names_share_one_namespace,
    sessions_and_tokens,
    content_rules,
    group_policies,
    registration_modes,
    instance_settings,
);

async fn malformed_and_oversized_requests(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    s.group(&ann, "general", "group").await;
    let url = format!("{}/api/v1/groups/general/posts", s.url);

    // Broken JSON is 400; JSON of the wrong shape is 422; not JSON is 415.
    let res = s
        .client
        .post(&url)
        .bearer_auth(&ann)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 400);
    let body: serde_json::Value = res.json().await.expect("json error body");
    assert_eq!(body["error"], "bad_request");
    s.post(
        "/api/v1/groups/general/posts",
        Some(&ann),
        json!({"title": 5, "body": "x"}),
    )
    .await
    .expect_error(422);
    s.post(
        "/api/v1/groups/general/posts",
        Some(&ann),
        json!({"body": "no title"}),
    )
    .await
    .expect_error(422);
    let res = s
        .client
        .post(&url)
        .bearer_auth(&ann)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 415);

    // A body over the thread limit, and a request over the request limit.
    let big = "x".repeat(50_001);
    let e = s
        .post(
            "/api/v1/groups/general/posts",
            Some(&ann),
            json!({"title": "big", "body": big}),
        )
        .await
        .expect_error(413);
    assert!(e["detail"].as_str().unwrap_or("").contains("50000"), "{e}");
    let huge = "x".repeat(2 * 1024 * 1024);
    s.post(
        "/api/v1/groups/general/posts",
        Some(&ann),
        json!({"title": "huge", "body": huge}),
    )
    .await
    .expect_error(413);
    let long_title = "t".repeat(201);
    s.post(
        "/api/v1/groups/general/posts",
        Some(&ann),
        json!({"title": long_title, "body": "x"}),
    )
    .await
    .expect_error(413);
    s.post(
        "/api/v1/groups/general/posts",
        Some(&ann),
        json!({"title": "   ", "body": "x"}),
    )
    .await
    .expect_error(422);
    // None of it was stored.
    let feed = s
        .get("/api/v1/groups/general/posts?sort=new", None)
        .await
        .expect(200);
    assert_eq!(feed["items"].as_array().map(Vec::len), Some(0));

    // Unknown things are 404 with a JSON body.
    s.get("/api/v1/groups/nowhere", None)
        .await
        .expect_error(404);
    s.get("/api/v1/groups/nowhere/posts", None)
        .await
        .expect_error(404);
    s.post("/api/v1/groups/nowhere/join", Some(&ann), json!({}))
        .await
        .expect_error(404);
    s.get("/api/v1/posts/999999", None).await.expect_error(404);
    s.get("/api/v1/posts/not-a-number", None)
        .await
        .expect_error(404);
    s.get("/api/v1/people/nobody", None).await.expect_error(404);
    s.get("/api/v1/no/such/route", None).await.expect_error(404);
    s.get("/api/v1/groups/general/members?cursor=zz", None)
        .await
        .expect_error(400);
    s.stop().await;
}

async fn names_share_one_namespace(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "ann", "password": "another-password"}),
    )
    .await
    .expect_error(409);
    // A group cannot take a user's name, nor a user a group's.
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "ann", "title": "Ann's"}),
    )
    .await
    .expect_error(409);
    s.group(&ann, "support", "group").await;
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "support", "title": "Again"}),
    )
    .await
    .expect_error(409);
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "support", "password": "password-x"}),
    )
    .await
    .expect_error(409);
    // The naming rule, for both.
    for bad in ["Ann2", "an", "ann-b", "x".repeat(31).as_str()] {
        s.post(
            "/api/v1/accounts",
            None,
            json!({"username": bad, "password": "password-x"}),
        )
        .await
        .expect_error(422);
        s.post(
            "/api/v1/groups",
            Some(&ann),
            json!({"name": bad, "title": "t"}),
        )
        .await
        .expect_error(422);
    }
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "bob", "password": "short"}),
    )
    .await
    .expect_error(422);
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "bob", "password": "password-bob", "email": "not-an-email"}),
    )
    .await
    .expect_error(422);
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "bob", "password": "password-bob", "email": "Bob@Example.com"}),
    )
    .await
    .expect(201);
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "bob2", "password": "password-bob", "email": "bob@example.com"}),
    )
    .await
    .expect_error(409);
    s.stop().await;
}

async fn sessions_and_tokens(backend: Backend) {
    let s = common::start_with(backend, |c| c.limits.login_attempts_per_minute = 3).await;
    s.user("ann").await;
    s.get("/api/v1/me", None).await.expect_error(401);
    s.get("/api/v1/me", Some("not-a-token"))
        .await
        .expect_error(401);
    let res = s
        .client
        .get(format!("{}/api/v1/me", s.url))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 401);
    s.post(
        "/api/v1/groups",
        None,
        json!({"name": "anon", "title": "t"}),
    )
    .await
    .expect_error(401);
    s.post(
        "/api/v1/auth/login",
        None,
        json!({"username": "ann", "password": "wrong-password"}),
    )
    .await
    .expect_error(401);
    s.post(
        "/api/v1/auth/login",
        None,
        json!({"username": "nobody", "password": "wrong-password"}),
    )
    .await
    .expect_error(401);
    // Successful logins do not count against the limit.
    for _ in 0..4 {
        s.login("ann").await;
    }
    // Guessing is limited per name: after three failures in a minute, even
    // the right password waits (429).
    for wrong in ["wrong-again", "wrong-thrice"] {
        s.post(
            "/api/v1/auth/login",
            None,
            json!({"username": "ann", "password": wrong}),
        )
        .await
        .expect_error(401);
    }
    let res = s
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "ann", "password": "password-ann"}),
        )
        .await;
    assert!(res.headers.get("retry-after").is_some(), "no Retry-After");
    res.expect_error(429);
    s.stop().await;
}

async fn content_rules(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.group(&ann, "general", "group").await;
    let t1 = s.thread(&ann, "general", "one").await;
    let t2 = s.thread(&ann, "general", "two").await;
    let c = s
        .post(
            &format!("/api/v1/posts/{t1}/comments"),
            Some(&bob),
            json!({"body": "on one"}),
        )
        .await
        .expect(201);
    let cid = c["id"].as_i64().expect("id");
    // A reply must stay in its thread, and say something.
    s.post(
        &format!("/api/v1/posts/{t2}/comments"),
        Some(&ann),
        json!({"body": "x", "parent_id": cid}),
    )
    .await
    .expect_error(422);
    s.post(
        &format!("/api/v1/posts/{t2}/comments"),
        Some(&ann),
        json!({"body": "x", "parent_id": 424242}),
    )
    .await
    .expect_error(422);
    s.post(
        &format!("/api/v1/posts/{t1}/comments"),
        Some(&ann),
        json!({"body": "  "}),
    )
    .await
    .expect_error(422);
    s.post(
        &format!("/api/v1/posts/{t1}/comments"),
        Some(&ann),
        json!({"body": "x".repeat(10_001)}),
    )
    .await
    .expect_error(413);
    s.post(
        "/api/v1/posts/999999/comments",
        Some(&ann),
        json!({"body": "x"}),
    )
    .await
    .expect_error(404);
    // Votes are 1, 0 or -1.
    s.post(
        &format!("/api/v1/posts/{t1}/vote"),
        Some(&bob),
        json!({"value": 2}),
    )
    .await
    .expect_error(422);
    s.post(
        "/api/v1/comments/999999/vote",
        Some(&bob),
        json!({"value": 1}),
    )
    .await
    .expect_error(404);
    s.post(
        &format!("/api/v1/posts/{t1}/vote"),
        Some(&bob),
        json!({"value": -1}),
    )
    .await
    .expect(200);
    s.post(
        &format!("/api/v1/posts/{t1}/vote"),
        Some(&bob),
        json!({"value": -1}),
    )
    .await
    .expect_error(409);
    s.post(
        "/api/v1/groups/general/posts",
        Some(&ann),
        json!({"title": "t", "body": "b", "kind": "poll"}),
    )
    .await
    .expect_error(422);
    let q = s
        .post(
            "/api/v1/groups/general/posts",
            Some(&ann),
            json!({"title": "How?", "body": "b", "kind": "question"}),
        )
        .await
        .expect(201);
    assert_eq!(q["kind"], "question");
    s.stop().await;
}

async fn group_policies(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    // A club cannot be open; unknown kinds and policies are refused.
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "c1", "title": "t", "kind": "club", "join_policy": "open"}),
    )
    .await
    .expect_error(422);
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "c1", "title": "t", "kind": "forum"}),
    )
    .await
    .expect_error(422);
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "c1", "title": ""}),
    )
    .await
    .expect_error(422);

    // Announcements: only moderators start threads.
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "news", "title": "News", "posting_restricted_to_mods": true}),
    )
    .await
    .expect(201);
    s.post("/api/v1/groups/news/join", Some(&bob), json!({}))
        .await
        .expect(200);
    s.post(
        "/api/v1/groups/news/posts",
        Some(&bob),
        json!({"title": "hi", "body": "x"}),
    )
    .await
    .expect_error(403);
    let t = s.thread(&ann, "news", "release").await;
    // ... but members comment.
    s.post(
        &format!("/api/v1/posts/{t}/comments"),
        Some(&bob),
        json!({"body": "nice"}),
    )
    .await
    .expect(201);
    // Ann makes Bob a moderator; now he may post. Only the owner sets roles.
    s.put(
        "/api/v1/groups/news/members/bob/role",
        Some(&cat),
        json!({"role": "moderator"}),
    )
    .await
    .expect_error(403);
    s.put(
        "/api/v1/groups/news/members/bob/role",
        Some(&ann),
        json!({"role": "moderator"}),
    )
    .await
    .expect(200);
    s.post(
        "/api/v1/groups/news/posts",
        Some(&bob),
        json!({"title": "hi", "body": "x"}),
    )
    .await
    .expect(201);
    s.put(
        "/api/v1/groups/news/members/ann/role",
        Some(&ann),
        json!({"role": "member"}),
    )
    .await
    .expect_error(409);
    s.patch("/api/v1/groups/news", Some(&cat), json!({"title": "Mine"}))
        .await
        .expect_error(403);
    let g = s
        .patch(
            "/api/v1/groups/news",
            Some(&bob),
            json!({"title": "Announcements"}),
        )
        .await
        .expect(200);
    assert_eq!(g["title"], "Announcements");

    // A group that admits by approval: outsiders read but do not take part.
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "vetted", "title": "Vetted", "join_policy": "approval"}),
    )
    .await
    .expect(201);
    let vt = s.thread(&ann, "vetted", "rules").await;
    s.get(&format!("/api/v1/posts/{vt}"), None)
        .await
        .expect(200);
    s.post(
        "/api/v1/groups/vetted/posts",
        Some(&cat),
        json!({"title": "hi", "body": "x"}),
    )
    .await
    .expect_error(403);
    s.post(
        &format!("/api/v1/posts/{vt}/comments"),
        Some(&cat),
        json!({"body": "x"}),
    )
    .await
    .expect_error(403);
    s.post(
        &format!("/api/v1/posts/{vt}/vote"),
        Some(&cat),
        json!({"value": 1}),
    )
    .await
    .expect_error(403);
    s.post("/api/v1/groups/vetted/join", Some(&cat), json!({}))
        .await
        .expect(200);
    s.post(
        "/api/v1/groups/vetted/members/cat/approve",
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    s.post(
        &format!("/api/v1/posts/{vt}/vote"),
        Some(&cat),
        json!({"value": 1}),
    )
    .await
    .expect(200);

    // Invite-only: a join without an invite is refused; with one, accepted.
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "inner", "title": "Inner", "kind": "club", "join_policy": "invite"}),
    )
    .await
    .expect(201);
    s.post("/api/v1/groups/inner/join", Some(&cat), json!({}))
        .await
        .expect_error(403);
    s.post(
        "/api/v1/groups/inner/members/cat/invite",
        Some(&bob),
        json!({}),
    )
    .await
    .expect_error(403);
    let inv = s
        .post(
            "/api/v1/groups/inner/members/cat/invite",
            Some(&ann),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(inv["state"], "invited");
    let invited = s
        .get("/api/v1/groups/inner/members?state=invited", Some(&ann))
        .await
        .expect(200);
    assert_eq!(invited["items"][0]["person"]["name"], "cat");
    let m = s
        .post("/api/v1/groups/inner/join", Some(&cat), json!({}))
        .await
        .expect(200);
    assert_eq!(m["state"], "accepted");
    // Club members list is for members.
    s.get("/api/v1/groups/inner/members", Some(&bob))
        .await
        .expect_error(403);
    let members = s
        .get("/api/v1/groups/inner/members", Some(&cat))
        .await
        .expect(200);
    assert_eq!(members["items"].as_array().map(Vec::len), Some(2));

    // Rejecting a pending request removes it; approving a non-request is 404.
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "guild", "title": "Guild", "kind": "club"}),
    )
    .await
    .expect(201);
    s.post("/api/v1/groups/guild/join", Some(&bob), json!({}))
        .await
        .expect(200);
    s.post(
        "/api/v1/groups/guild/members/bob/reject",
        Some(&ann),
        json!({}),
    )
    .await
    .expect(204);
    s.post(
        "/api/v1/groups/guild/members/bob/approve",
        Some(&ann),
        json!({}),
    )
    .await
    .expect_error(404);
    let pending = s
        .get("/api/v1/groups/guild/members?state=pending", Some(&ann))
        .await
        .expect(200);
    assert_eq!(pending["items"].as_array().map(Vec::len), Some(0));
    s.get("/api/v1/groups/guild/members?state=bogus", Some(&ann))
        .await
        .expect_error(422);
    s.stop().await;
}

async fn registration_modes(backend: Backend) {
    let s = common::start_with(backend, |c| c.registration = RegistrationMode::Approval).await;
    let root = s.admin("root").await;
    let acc = s
        .post(
            "/api/v1/accounts",
            None,
            json!({"username": "ann", "password": "password-ann"}),
        )
        .await
        .expect(201);
    assert_eq!(acc["state"], "pending");
    s.post(
        "/api/v1/auth/login",
        None,
        json!({"username": "ann", "password": "password-ann"}),
    )
    .await
    .expect_error(403);
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "bob", "password": "password-bob"}),
    )
    .await
    .expect(201);
    let pending = s
        .get("/api/v1/admin/registrations", Some(&root))
        .await
        .expect(200);
    assert_eq!(pending.as_array().map(Vec::len), Some(2));
    s.post(
        "/api/v1/admin/registrations/ann/approve",
        Some(&root),
        json!({}),
    )
    .await
    .expect(200);
    s.post(
        "/api/v1/admin/registrations/bob/reject",
        Some(&root),
        json!({}),
    )
    .await
    .expect(200);
    s.post(
        "/api/v1/admin/registrations/ann/approve",
        Some(&root),
        json!({}),
    )
    .await
    .expect_error(409);
    let ann = s.login("ann").await;
    s.get("/api/v1/admin/registrations", Some(&ann))
        .await
        .expect_error(403);
    s.post(
        "/api/v1/auth/login",
        None,
        json!({"username": "bob", "password": "password-bob"}),
    )
    .await
    .expect_error(403);
    s.stop().await;

    let s = common::start_with(backend, |c| c.registration = RegistrationMode::Closed).await;
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "ann", "password": "password-ann"}),
    )
    .await
    .expect_error(403);
    s.stop().await;
}

async fn instance_settings(backend: Backend) {
    let s = common::start_with(backend, |c| {
        c.community.downvotes = false;
        c.community.group_creation = GroupCreation::Admins;
    })
    .await;
    let root = s.admin("root").await;
    let ann = s.user("ann").await;
    s.post(
        "/api/v1/groups",
        Some(&ann),
        json!({"name": "mine", "title": "Mine"}),
    )
    .await
    .expect_error(403);
    s.group(&root, "official", "group").await;
    let t = s.thread(&root, "official", "welcome").await;
    let e = s
        .post(
            &format!("/api/v1/posts/{t}/vote"),
            Some(&ann),
            json!({"value": -1}),
        )
        .await
        .expect_error(403);
    assert!(
        e["detail"].as_str().unwrap_or("").contains("downvotes"),
        "{e}"
    );
    s.post(
        &format!("/api/v1/posts/{t}/vote"),
        Some(&ann),
        json!({"value": 1}),
    )
    .await
    .expect(200);

    // Operations: health, request ids, the OpenAPI document.
    let res = s
        .client
        .get(format!("{}/healthz", s.url))
        .send()
        .await
        .expect("healthz");
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers().get("x-request-id").is_some(),
        "no request id header"
    );
    let health: serde_json::Value = res.json().await.expect("json");
    assert_eq!(health["status"], "ok");
    let doc = s.get("/api/v1/openapi.json", None).await.expect(200);
    for path in [
        "/api/v1/accounts",
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/groups",
        "/api/v1/groups/{name}",
        "/api/v1/groups/{name}/join",
        "/api/v1/groups/{name}/leave",
        "/api/v1/groups/{name}/members",
        "/api/v1/groups/{name}/members/{user}/approve",
        "/api/v1/groups/{name}/posts",
        "/api/v1/posts/{id}",
        "/api/v1/posts/{id}/comments",
        "/api/v1/posts/{id}/vote",
        "/api/v1/comments/{id}/vote",
        "/api/v1/people/{name}/follow",
        "/api/v1/feed/home",
    ] {
        assert!(doc["paths"][path].is_object(), "OpenAPI lacks {path}");
    }
    s.stop().await;
}

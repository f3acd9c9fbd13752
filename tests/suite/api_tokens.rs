//! Scoped integration tokens: admins create them (shown once, in the
//! audit log); a token opens the admin endpoints of its scopes and nothing
//! else; revoked, expired, unknown or wrong-scope tokens are refused with
//! a clear error; a CRM maps its ids back to accounts.

use crate::common;

use crate::common::{eventually, Backend, TestServer};
use serde_json::{json, Value};

/// Creates a token named `name` with `scopes`: its answer.
async fn token(server: &TestServer, admin: &str, name: &str, scopes: &[&str]) -> Value {
    server
        .post(
            "/api/v1/admin/tokens",
            Some(admin),
            json!({"name": name, "scopes": scopes}),
        )
        .await
        .expect(201)
}

fn secret(created: &Value) -> String {
    created["token"].as_str().expect("token shown").to_string()
}

fn detail(body: &Value) -> &str {
    body["detail"].as_str().unwrap_or_default()
}

/// The actions of the audit log, newest first.
async fn audit(server: &TestServer, admin: &str) -> Vec<(String, String)> {
    let log = server
        .get("/api/v1/admin/audit-log", Some(admin))
        .await
        .expect(200);
    log["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["action"].as_str().unwrap_or_default().to_string(),
                i["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn create_with_scopes(backend: Backend) {
    let server = common::start(backend).await;
    let admin = server.admin("root").await;
    let created = token(
        &server,
        &admin,
        "CRM",
        &["webhooks:manage", "analytics:read", "webhooks:manage"],
    )
    .await;
    let t = secret(&created);
    assert!(t.starts_with("ghi_"), "{t}");
    assert_eq!(created["name"], "CRM");
    // Each scope once, in their documented order.
    assert_eq!(
        created["scopes"],
        json!(["analytics:read", "webhooks:manage"])
    );
    assert_eq!(created["created_by"]["name"], "root");
    assert_eq!(created["live"], true);
    assert!(created["last_used_at"].is_null());

    // The list never shows the token again.
    let list = server
        .get("/api/v1/admin/tokens", Some(&admin))
        .await
        .expect(200);
    let items = list.as_array().expect("list");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], created["id"]);
    assert!(items[0].get("token").is_none(), "{}", items[0]);
    assert!(!list.to_string().contains(&t));

    // Bad requests, each with its reason.
    let bad = server
        .post(
            "/api/v1/admin/tokens",
            Some(&admin),
            json!({"name": "x", "scopes": ["posts:write"]}),
        )
        .await
        .expect_error(422);
    assert!(detail(&bad).contains("accounts:external_id"), "{bad}");
    let none = server
        .post(
            "/api/v1/admin/tokens",
            Some(&admin),
            json!({"name": "x", "scopes": []}),
        )
        .await
        .expect_error(422);
    assert!(detail(&none).contains("at least one"), "{none}");
    let past = server
        .post(
            "/api/v1/admin/tokens",
            Some(&admin),
            json!({"name": "x", "scopes": ["analytics:read"], "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await
        .expect_error(422);
    assert!(detail(&past).contains("expires_at"), "{past}");
    let unnamed = server
        .post(
            "/api/v1/admin/tokens",
            Some(&admin),
            json!({"name": "  ", "scopes": ["analytics:read"]}),
        )
        .await
        .expect_error(422);
    assert!(detail(&unnamed).contains("name"), "{unnamed}");

    // The creation is in the audit log, with its scopes.
    let log = audit(&server, &admin).await;
    assert!(
        log.contains(&(
            "create_api_token".to_string(),
            "CRM (analytics:read, webhooks:manage)".to_string()
        )),
        "{log:?}"
    );
    server.stop().await;
}

async fn token_manages_webhooks(backend: Backend) {
    let server = common::start(backend).await;
    let admin = server.admin("root").await;
    let crm = secret(&token(&server, &admin, "CRM", &["webhooks:manage"]).await);

    let hook = server
        .post(
            "/api/v1/admin/webhooks",
            Some(&crm),
            json!({"url": "http://localhost:9/hook", "kinds": ["member.joined"], "description": "CRM"}),
        )
        .await
        .expect(201);
    let id = hook["id"].as_i64().expect("id");
    assert!(hook["secret"]
        .as_str()
        .unwrap_or_default()
        .starts_with("whsec_"));

    let list = server
        .get("/api/v1/admin/webhooks", Some(&crm))
        .await
        .expect(200);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let one = server
        .get(&format!("/api/v1/admin/webhooks/{id}"), Some(&crm))
        .await
        .expect(200);
    assert_eq!(one["url"], "http://localhost:9/hook");
    let changed = server
        .put(
            &format!("/api/v1/admin/webhooks/{id}"),
            Some(&crm),
            json!({"url": "http://localhost:9/other", "kinds": ["thread.created"], "enabled": false}),
        )
        .await
        .expect(200);
    assert_eq!(changed["kinds"], json!(["thread.created"]));
    assert_eq!(changed["enabled"], false);
    server
        .get(
            &format!("/api/v1/admin/webhooks/{id}/deliveries"),
            Some(&crm),
        )
        .await
        .expect(200);

    // An admin sees what the integration did, and when it last used its token.
    let seen = server
        .get(&format!("/api/v1/admin/webhooks/{id}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(seen["url"], "http://localhost:9/other");
    let tokens = server
        .get("/api/v1/admin/tokens", Some(&admin))
        .await
        .expect(200);
    assert!(tokens[0]["last_used_at"].is_string(), "{tokens}");

    server
        .delete(&format!("/api/v1/admin/webhooks/{id}"), Some(&crm))
        .await
        .expect(204);
    let after = server
        .get("/api/v1/admin/webhooks", Some(&admin))
        .await
        .expect(200);
    assert_eq!(after, json!([]));
    server.stop().await;
}

async fn refused_without_scope(backend: Backend) {
    let server = common::start(backend).await;
    let admin = server.admin("root").await;
    server.user("alice").await;
    let hooks_only = secret(&token(&server, &admin, "hooks", &["webhooks:manage"]).await);

    let refused = server
        .put(
            "/api/v1/admin/accounts/alice/external_id",
            Some(&hooks_only),
            json!({"external_id": "crm-1"}),
        )
        .await
        .expect_error(403);
    assert_eq!(refused["error"], "forbidden");
    assert!(
        detail(&refused).contains("does not hold the scope accounts:external_id"),
        "{refused}"
    );
    let read = server
        .get(
            "/api/v1/admin/accounts/alice/external_id",
            Some(&hooks_only),
        )
        .await
        .expect_error(403);
    assert!(detail(&read).contains("accounts:external_id"), "{read}");

    let ids_only = secret(&token(&server, &admin, "ids", &["accounts:external_id"]).await);
    let hooks = server
        .get("/api/v1/admin/webhooks", Some(&ids_only))
        .await
        .expect_error(403);
    assert!(detail(&hooks).contains("webhooks:manage"), "{hooks}");

    // A token never manages tokens, nor reads the audit log.
    for path in ["/api/v1/admin/tokens", "/api/v1/admin/audit-log"] {
        let r = server.get(path, Some(&hooks_only)).await.expect_error(403);
        assert!(
            detail(&r).starts_with("integration tokens can only"),
            "{path}: {r}"
        );
    }
    let made = server
        .post(
            "/api/v1/admin/tokens",
            Some(&hooks_only),
            json!({"name": "more", "scopes": ["accounts:external_id"]}),
        )
        .await
        .expect_error(403);
    assert!(
        detail(&made).starts_with("integration tokens can only"),
        "{made}"
    );

    // An unknown token of the integration kind.
    let unknown = server
        .get("/api/v1/admin/webhooks", Some("ghi_0123456789abcdef"))
        .await
        .expect_error(401);
    assert!(
        detail(&unknown).contains("no such integration token"),
        "{unknown}"
    );
    // No token at all.
    server
        .get("/api/v1/admin/webhooks", None)
        .await
        .expect_error(401);
    server.stop().await;
}

async fn revoked_token_refused(backend: Backend) {
    let server = common::start(backend).await;
    let admin = server.admin("root").await;
    let created = token(&server, &admin, "old CRM", &["webhooks:manage"]).await;
    let (id, crm) = (created["id"].as_i64().expect("id"), secret(&created));
    server
        .get("/api/v1/admin/webhooks", Some(&crm))
        .await
        .expect(200);

    server
        .delete(&format!("/api/v1/admin/tokens/{id}"), Some(&admin))
        .await
        .expect(204);
    let refused = server
        .get("/api/v1/admin/webhooks", Some(&crm))
        .await
        .expect_error(401);
    assert!(detail(&refused).contains("was revoked"), "{refused}");

    let again = server
        .delete(&format!("/api/v1/admin/tokens/{id}"), Some(&admin))
        .await
        .expect_error(409);
    assert!(detail(&again).contains("revoked already"), "{again}");
    server
        .delete("/api/v1/admin/tokens/999999", Some(&admin))
        .await
        .expect_error(404);

    let list = server
        .get("/api/v1/admin/tokens", Some(&admin))
        .await
        .expect(200);
    assert_eq!(list[0]["live"], false);
    assert!(list[0]["revoked_at"].is_string());
    let log = audit(&server, &admin).await;
    assert_eq!(
        log.first(),
        Some(&("revoke_api_token".to_string(), "old CRM".to_string())),
        "{log:?}"
    );
    server.stop().await;
}

async fn expired_token_refused(backend: Backend) {
    let server = common::start(backend).await;
    let admin = server.admin("root").await;
    let soon = chrono::Utc::now() + chrono::Duration::seconds(1);
    let created = server
        .post(
            "/api/v1/admin/tokens",
            Some(&admin),
            json!({"name": "trial", "scopes": ["webhooks:manage"], "expires_at": soon.to_rfc3339()}),
        )
        .await
        .expect(201);
    assert!(created["expires_at"].is_string());
    let crm = secret(&created);
    eventually("the token to expire", || async {
        let r = server.get("/api/v1/admin/webhooks", Some(&crm)).await;
        r.status.as_u16() == 401 && detail(&r.body).contains("expired at")
    })
    .await;
    let list = server
        .get("/api/v1/admin/tokens", Some(&admin))
        .await
        .expect(200);
    assert_eq!(list[0]["live"], false);
    assert!(list[0]["revoked_at"].is_null());
    server.stop().await;
}

async fn non_admin_cannot_create(backend: Backend) {
    let server = common::start(backend).await;
    server.admin("root").await;
    let alice = server.user("alice").await;
    let r = server
        .post(
            "/api/v1/admin/tokens",
            Some(&alice),
            json!({"name": "mine", "scopes": ["webhooks:manage"]}),
        )
        .await
        .expect_error(403);
    assert!(detail(&r).contains("only admins"), "{r}");
    server
        .get("/api/v1/admin/tokens", Some(&alice))
        .await
        .expect_error(403);
    // Nor does her session open a scope's endpoints.
    let hooks = server
        .get("/api/v1/admin/webhooks", Some(&alice))
        .await
        .expect_error(403);
    assert!(detail(&hooks).contains("only admins"), "{hooks}");
    server
        .post(
            "/api/v1/admin/tokens",
            None,
            json!({"name": "anon", "scopes": ["webhooks:manage"]}),
        )
        .await
        .expect_error(401);
    server.stop().await;
}

async fn integration_token_cannot_post(backend: Backend) {
    let server = common::start(backend).await;
    let admin = server.admin("root").await;
    server.group(&admin, "support", "group").await;
    let crm = secret(
        &token(
            &server,
            &admin,
            "CRM",
            &["analytics:read", "webhooks:manage", "accounts:external_id"],
        )
        .await,
    );
    let r = server
        .post(
            "/api/v1/groups/support/posts",
            Some(&crm),
            json!({"title": "Hello", "body": "From the CRM."}),
        )
        .await
        .expect_error(403);
    assert!(
        detail(&r).starts_with("integration tokens can only be used on the admin endpoints"),
        "{r}"
    );
    // Nor read as someone: it is not a person's session.
    let me = server.get("/api/v1/me", Some(&crm)).await.expect_error(403);
    assert!(
        detail(&me).starts_with("integration tokens can only"),
        "{me}"
    );
    let feed = server
        .get("/api/v1/groups/support/posts", None)
        .await
        .expect(200);
    assert!(!feed.to_string().contains("From the CRM"));
    server.stop().await;
}

async fn lookup_by_external_id(backend: Backend) {
    let server = common::start(backend).await;
    let admin = server.admin("root").await;
    server.user("alice").await;
    server.user("bob").await;
    let crm = secret(&token(&server, &admin, "CRM", &["accounts:external_id"]).await);

    let set = server
        .put(
            "/api/v1/admin/accounts/alice/external_id",
            Some(&crm),
            json!({"external_id": "cust-42"}),
        )
        .await
        .expect(200);
    assert_eq!(set, json!({"external_id": "cust-42"}));
    let read = server
        .get("/api/v1/admin/accounts/alice/external_id", Some(&crm))
        .await
        .expect(200);
    assert_eq!(read, json!({"external_id": "cust-42"}));
    let bob = server
        .get("/api/v1/admin/accounts/bob/external_id", Some(&crm))
        .await
        .expect(200);
    assert_eq!(bob, json!({"external_id": null}));
    server
        .get("/api/v1/admin/accounts/nobody/external_id", Some(&crm))
        .await
        .expect_error(404);

    let found = server
        .get("/api/v1/admin/accounts?external_id=cust-42", Some(&crm))
        .await
        .expect(200);
    let found = found.as_array().expect("list");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["person"]["name"], "alice");
    assert_eq!(found[0]["external_id"], "cust-42");
    let none = server
        .get("/api/v1/admin/accounts?external_id=cust-43", Some(&crm))
        .await
        .expect(200);
    assert_eq!(none, json!([]));
    server
        .get("/api/v1/admin/accounts", Some(&crm))
        .await
        .expect_error(400);

    // The admin's own session reads the same.
    let by_admin = server
        .get("/api/v1/admin/accounts?external_id=cust-42", Some(&admin))
        .await
        .expect(200);
    assert_eq!(by_admin[0]["person"]["name"], "alice");
    server.stop().await;
}

/// A CRM reads the figures with `analytics:read`: the instance's and an
/// open group's, as staff do; a club stays "not found" to it (it is
/// nobody's member), and a token without the scope is refused.
async fn token_reads_analytics_outside_clubs(backend: Backend) {
    let server = common::start(backend).await;
    let admin = server.admin("root").await;
    let owner = server.user("olga").await;
    server.group(&owner, "help", "group").await;
    server.thread(&owner, "help", "How do I start?").await;
    server.group(&owner, "inner", "club").await;
    server.thread(&owner, "inner", "The secret plan").await;
    server
        .post("/api/v1/admin/analytics/recompute", Some(&admin), json!({}))
        .await
        .expect(200);

    let reader = secret(&token(&server, &admin, "CRM", &["analytics:read"]).await);
    let all = server
        .get("/api/v1/analytics/instance", Some(&reader))
        .await
        .expect(200);
    assert_eq!(all["threads"], 1, "the club's thread is not counted: {all}");
    let help = server
        .get("/api/v1/analytics/groups/help", Some(&reader))
        .await
        .expect(200);
    assert_eq!(help["threads"], 1, "{help}");
    server
        .get("/api/v1/analytics/groups/inner", Some(&reader))
        .await
        .expect_error(404);
    // The club's figures are there for whoever sees inside it.
    let club = server
        .get("/api/v1/analytics/groups/inner", Some(&owner))
        .await
        .expect(200);
    assert_eq!(club["threads"], 1, "{club}");

    let hooks = secret(&token(&server, &admin, "hooks", &["webhooks:manage"]).await);
    let refused = server
        .get("/api/v1/analytics/instance", Some(&hooks))
        .await
        .expect_error(403);
    assert!(detail(&refused).contains("analytics:read"), "{refused}");
    server.stop().await;
}

on_both_backends!(
    create_with_scopes,
    token_manages_webhooks,
    refused_without_scope,
    revoked_token_refused,
    expired_token_refused,
    non_admin_cannot_create,
    integration_token_cannot_post,
    lookup_by_external_id,
    token_reads_analytics_outside_clubs,
);

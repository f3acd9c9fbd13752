//! Hostile input, anonymous or signed in, on both stores: a NUL or other
//! control character in a JSON body (422), a path or a query (400); page numbers that
//! overflow; ids out of range; text that is not UTF-8. Each gets 400, 404
//! or 422 with the JSON `{"error", "detail"}` body, never a 500, and the
//! store still works after. A NUL anywhere in an activity or a fetched
//! actor is dropped, on both stores.

use crate::common;

use crate::common::remote::{Remote, PUBLIC};
use crate::common::{Backend, Response, TestServer};
use reqwest::Method;
use serde_json::json;

on_both_backends!(
    hostile_requests_get_clear_errors,
    hostile_activities_get_clear_errors
);

/// Answers not as expected: every one is checked, then all are reported.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    /// Expects `status` (one of them) with a JSON `{"error", "detail"}` body.
    fn check(&mut self, what: &str, res: Response, statuses: &[u16]) {
        let body = res.body;
        let status = res.status.as_u16();
        if !statuses.contains(&status) {
            self.0.push(format!(
                "{what}: expected {statuses:?}, got {status} {body}"
            ));
        } else if !body["error"].is_string() || !body["detail"].is_string() {
            self.0
                .push(format!("{what}: {status} without error and detail: {body}"));
        }
    }

    #[track_caller]
    fn assert_none(&self) {
        assert!(
            self.0.is_empty(),
            "{} answer(s) not as expected:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

/// A request with a raw (already percent-encoded) path and query.
async fn raw(s: &TestServer, method: Method, path: &str, token: Option<&str>) -> Response {
    s.call(method, path, token, None).await
}

async fn hostile_requests_get_clear_errors(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.post("/api/v1/people/ann/follow", Some(&bob), json!({}))
        .await
        .expect(200);
    s.group(&ann, "general", "group").await;
    let thread = s.thread(&ann, "general", "Hello").await;
    let mut f = Findings::default();

    // Page numbers: overflowing, negative, past the last page allowed.
    for listing in ["followers", "following", "friends"] {
        for page in ["461168601842738791", "-1", "9223372036854775807", "1e3"] {
            let path = format!("/api/v1/people/ann/{listing}?page={page}");
            f.check(&path, s.get(&path, None).await, &[400]);
        }
    }

    // NUL and other control characters in JSON bodies.
    f.check(
        "NUL in a login name",
        s.post(
            "/api/v1/auth/login",
            None,
            json!({"username": "a\u{0}b", "password": "whatever1"}),
        )
        .await,
        &[422],
    );
    f.check(
        "NUL in a sign-up name",
        s.post(
            "/api/v1/accounts",
            None,
            json!({"username": "c\u{0}d", "password": "long enough"}),
        )
        .await,
        &[422],
    );
    f.check(
        "NUL in an email",
        s.post(
            "/api/v1/accounts",
            None,
            json!({"username": "carl", "password": "long enough", "email": "c\u{0}@x.example"}),
        )
        .await,
        &[422],
    );
    f.check(
        "escape character in an email",
        s.post(
            "/api/v1/accounts",
            None,
            json!({"username": "cora", "password": "long enough", "email": "c\u{1b}@x.example"}),
        )
        .await,
        &[422],
    );
    f.check(
        "NUL in a lock reason",
        s.post(
            &format!("/api/v1/posts/{thread}/lock"),
            Some(&ann),
            json!({"reason": "spam\u{0}"}),
        )
        .await,
        &[422],
    );
    f.check(
        "NUL in a ban reason",
        s.post(
            "/api/v1/groups/general/bans",
            Some(&ann),
            json!({"person": "bob", "reason": "x\u{0}y"}),
        )
        .await,
        &[422],
    );
    f.check(
        "NUL in a warning reason",
        s.post(
            "/api/v1/groups/general/warnings",
            Some(&ann),
            json!({"person": "bob", "reason": "x\u{0}y"}),
        )
        .await,
        &[422],
    );
    f.check(
        "NUL in a report reason",
        s.post(
            "/api/v1/reports",
            Some(&bob),
            json!({"post_id": thread, "reason": "x\u{0}y"}),
        )
        .await,
        &[422],
    );
    f.check(
        "NUL in a thread title",
        s.post(
            "/api/v1/groups/general/posts",
            Some(&ann),
            json!({"title": "a\u{0}", "body": "b"}),
        )
        .await,
        &[422],
    );

    // NUL, control characters and broken UTF-8 in paths and queries.
    for path in [
        "/api/v1/people/a%00b",
        "/api/v1/people/a%00b/followers",
        "/api/v1/groups/a%00b/posts",
        "/api/v1/groups/a%0Ab",
        "/api/v1/people/%FF%FE",
        "/u/a%00b",
        "/g/a%00b",
        "/api/v1/groups?cursor=1:a%00b",
        "/api/v1/groups/general/members?state=a%00",
        "/api/v1/modlog?group=a%00b",
        "/api/v1/groups/general/posts?sort=%FF",
        "/.well-known/webfinger?resource=acct:a%00b@localhost",
    ] {
        f.check(path, raw(&s, Method::GET, path, None).await, &[400]);
    }
    f.check(
        "NUL in a path, signed in",
        raw(&s, Method::POST, "/api/v1/people/a%00b/follow", Some(&bob)).await,
        &[400],
    );

    // Ids out of range, negative ids, a broken cursor.
    for path in [
        "/api/v1/posts/99999999999999999999",
        "/api/v1/posts/-1",
        "/post/99999999999999999999",
    ] {
        f.check(path, s.get(path, None).await, &[404]);
    }
    for path in [
        "/api/v1/groups/general/posts?cursor=%%%",
        "/api/v1/reports/mine?cursor=99999999999999999999",
    ] {
        f.check(path, s.get(path, Some(&bob)).await, &[400]);
    }

    f.assert_none();

    // Nothing was lost: the store answers and the people are as they were.
    s.get("/api/v1/people/ann", None).await.expect(200);
    let followers = s
        .get("/api/v1/people/ann/followers", None)
        .await
        .expect(200);
    assert_eq!(followers["items"][0]["name"], "bob", "{followers}");
    s.login("ann").await;
    s.get(&format!("/api/v1/posts/{thread}"), None)
        .await
        .expect(200);
    // Text with tabs and line breaks is still welcome.
    s.post(
        "/api/v1/groups/general/posts",
        Some(&ann),
        json!({"title": "Tabs", "body": "a\tb\r\nc"}),
    )
    .await
    .expect(201);
}

async fn hostile_activities_get_clear_errors(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let group = s.group(&ann, "support", "group").await;
    let group_ap = group["ap_id"].as_str().expect("ap_id").to_string();
    let inbox = format!("{}/g/support/inbox", s.url);
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    let mut f = Findings::default();
    social
        .send(&kim, &inbox, &kim.follow(&group_ap))
        .await
        .expect(202);

    let page = |title: &str, content: &str| {
        let mut note = kim.note(content);
        note["type"] = json!("Page");
        note["name"] = json!(title);
        note["audience"] = json!(group_ap);
        note["to"] = json!([group_ap, PUBLIC]);
        note
    };
    // A thread whose title and text carry a NUL: other servers' NULs are
    // dropped (as their content's always were), on every field, so the
    // activity is taken as it would be without them.
    let bad = page("Nul\u{0}title", "<p>nul\u{0}here</p>");
    let mut create = kim.create(&bad);
    create["object"]["summary"] = json!("a\u{0}b");
    create["object"]["tag"] =
        json!([{"type": "Hashtag", "name": "#x\u{0}y", "href": "https://example.com/x"}]);
    let res = social.send(&kim, &inbox, &create).await;
    if res.status.as_u16() != 202 {
        f.0.push(format!(
            "NULs in an incoming thread: expected 202, got {} {}",
            res.status.as_u16(),
            res.body
        ));
    }

    // An actor whose fetched document carries NULs is stored without them.
    // (Served as a plain object: the fake server's own actors are served
    // as they were made.)
    let mut eve = kim.clone();
    eve.name = "eve".into();
    eve.id = format!("{}/users/eve", eve.base);
    eve.inbox = format!("{}/inbox", eve.id);
    eve.signer.key_id = format!("{}#main-key", eve.id);
    let mut doc = eve.document();
    doc["preferredUsername"] = json!("e\u{0}ve");
    doc["name"] = json!("Eve\u{0}");
    doc["summary"] = json!("<p>\u{0}hi</p>");
    social.serve(&eve.id, doc);
    let res = social.send(&eve, &inbox, &eve.follow(&group_ap)).await;
    if res.status.as_u16() != 202 {
        f.0.push(format!(
            "a follow from an actor with NULs: expected 202, got {} {}",
            res.status.as_u16(),
            res.body
        ));
    }
    let id = eve.id.clone();
    let stored = s
        .app
        .store
        .run(move |conn| guildhall::store::people::by_ap_id(conn, &id))
        .await
        .expect("read people");
    match stored {
        Some(p) if p.name == "eve" && p.display_name.as_deref() == Some("Eve") => {}
        other => f.0.push(format!("eve stored as {other:?}")),
    }
    f.assert_none();
    let thread = s.await_thread(None, "support", "Nultitle").await;
    assert!(
        thread["body_html"]
            .as_str()
            .is_some_and(|b| b.contains("nulhere")),
        "{thread}"
    );

    // The inbox and the store still work: a clean thread arrives.
    let good = page("A clean thread", "<p>hello</p>");
    social
        .send(&kim, &inbox, &kim.create(&good))
        .await
        .expect(202);
    s.await_thread(None, "support", "A clean thread").await;
}

//! RSS and Atom feeds, read as a feed reader would (parsed with feed-rs):
//! a group's threads, a group's blog, a person's articles and the front
//! page list the right items (never a draft); a club's feeds answer only
//! with a member's private feed token, and not once it is revoked.

use crate::common;

use crate::common::{Backend, TestServer};
use serde_json::json;

on_both_backends!(
    rss_and_atom_feeds_list_the_right_items,
    a_clubs_feed_needs_a_members_token
);

/// GETs a feed: the status, the content type and the body.
async fn get_feed(s: &TestServer, path: &str) -> (u16, String, Vec<u8>) {
    let res = s
        .client
        .get(format!("{}{path}", s.url))
        .send()
        .await
        .expect("GET feed");
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, kind, res.bytes().await.expect("body").to_vec())
}

/// The parsed feed at `path` (asserting a 200 of the right type).
async fn parsed(s: &TestServer, path: &str) -> feed_rs::model::Feed {
    let (status, kind, body) = get_feed(s, path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    let wanted = if path.contains(".rss") {
        "application/rss+xml"
    } else {
        "application/atom+xml"
    };
    assert!(kind.starts_with(wanted), "{path}: {kind}");
    feed_rs::parser::parse(body.as_slice()).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

fn entry_titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    let mut t: Vec<String> = feed
        .entries
        .iter()
        .filter_map(|e| e.title.as_ref().map(|t| t.content.clone()))
        .collect();
    t.sort();
    t
}

async fn rss_and_atom_feeds_list_the_right_items(backend: Backend) {
    let s = common::start(backend).await;
    let owner = s.user("owner").await;
    s.group(&owner, "news", "group").await;
    s.group(&owner, "other", "group").await;
    s.thread(&owner, "news", "First thread").await;
    s.thread(&owner, "other", "Elsewhere").await;
    s.post(
        "/api/v1/groups/news/articles",
        Some(&owner),
        json!({"title": "Big news", "body": "We **did** it.", "summary": "In short: we did it",
               "tags": ["launch"], "cover_url": "https://cdn.example/c.png"}),
    )
    .await
    .expect(201);
    s.post(
        "/api/v1/groups/news/articles",
        Some(&owner),
        json!({"title": "Unfinished", "body": "Draft.", "state": "draft"}),
    )
    .await
    .expect(201);

    for ext in ["rss", "atom"] {
        let group = parsed(&s, &format!("/g/news/feed.{ext}")).await;
        assert_eq!(
            entry_titles(&group),
            vec!["Big news", "First thread"],
            "{ext}"
        );
        assert!(group
            .title
            .expect("title")
            .content
            .contains("The news group"));

        let blog = parsed(&s, &format!("/g/news/blog.{ext}")).await;
        assert_eq!(entry_titles(&blog), vec!["Big news"], "{ext}");
        let entry = &blog.entries[0];
        assert_eq!(
            entry.summary.as_ref().expect("summary").content,
            "In short: we did it"
        );
        assert!(
            entry.links.iter().any(|l| l.href.contains("/post/")),
            "{ext}"
        );
        let tags: Vec<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(tags, vec!["launch"], "{ext}");
        assert!(
            entry
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .is_some_and(|b| b.contains("<strong>did</strong>")),
            "{ext}: {entry:?}"
        );

        let person = parsed(&s, &format!("/u/owner/blog.{ext}")).await;
        assert_eq!(entry_titles(&person), vec!["Big news"], "{ext}");

        let front = parsed(&s, &format!("/feed.{ext}")).await;
        assert_eq!(
            entry_titles(&front),
            vec!["Big news", "Elsewhere", "First thread"],
            "{ext}"
        );
    }

    // The group's page names its feeds in its head.
    let page = s
        .client
        .get(format!("{}/g/news", s.url))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains(r#"type="application/rss+xml""#), "{page}");
    assert!(page.contains("/g/news/feed.atom"), "{page}");

    let (status, _, _) = get_feed(&s, "/g/news/feed.json").await;
    assert_eq!(status, 404);
    let (status, _, _) = get_feed(&s, "/g/nowhere/feed.rss").await;
    assert_eq!(status, 404);
    s.stop().await;
}

async fn a_clubs_feed_needs_a_members_token(backend: Backend) {
    let s = common::start(backend).await;
    let owner = s.user("owner").await;
    let outsider = s.user("outsider").await;
    s.group(&owner, "inner", "club").await;
    s.thread(&owner, "inner", "Members only").await;

    // Without a token, or with an outsider's, the club's feeds are refused.
    for path in ["/g/inner/feed.rss", "/g/inner/blog.atom"] {
        let (status, _, _) = get_feed(&s, path).await;
        assert_eq!(status, 403, "{path}");
    }
    let theirs = s
        .post("/api/v1/me/feed-token", Some(&outsider), json!({}))
        .await
        .expect(201)["token"]
        .as_str()
        .expect("token")
        .to_string();
    let (status, _, _) = get_feed(&s, &format!("/g/inner/feed.rss?token={theirs}")).await;
    assert_eq!(status, 403);

    // A member's token opens them.
    let made = s
        .post("/api/v1/me/feed-token", Some(&owner), json!({}))
        .await
        .expect(201);
    let token = made["token"].as_str().expect("token").to_string();
    let status = s
        .get("/api/v1/me/feed-token", Some(&owner))
        .await
        .expect(200);
    assert_eq!(status["active"], true);
    assert!(
        status["token"].is_null(),
        "the token is shown once: {status}"
    );
    for ext in ["rss", "atom"] {
        let feed = parsed(&s, &format!("/g/inner/feed.{ext}?token={token}")).await;
        assert_eq!(entry_titles(&feed), vec!["Members only"], "{ext}");
    }
    // The front page never lists a club, token or not.
    let front = parsed(&s, &format!("/feed.atom?token={token}")).await;
    assert!(entry_titles(&front).is_empty());

    // Revoked, it opens nothing; a new one works, the old one still not.
    s.delete("/api/v1/me/feed-token", Some(&owner))
        .await
        .expect(204);
    let (status, _, _) = get_feed(&s, &format!("/g/inner/feed.rss?token={token}")).await;
    assert_eq!(status, 401);
    let again = s
        .post("/api/v1/me/feed-token", Some(&owner), json!({}))
        .await
        .expect(201)["token"]
        .as_str()
        .expect("token")
        .to_string();
    let (status, _, _) = get_feed(&s, &format!("/g/inner/feed.rss?token={token}")).await;
    assert_eq!(status, 401);
    let feed = parsed(&s, &format!("/g/inner/feed.rss?token={again}")).await;
    assert_eq!(entry_titles(&feed), vec!["Members only"]);
    s.delete("/api/v1/me/feed-token", Some(&owner))
        .await
        .expect(204);
    s.delete("/api/v1/me/feed-token", Some(&owner))
        .await
        .expect_error(404);
    s.stop().await;
}

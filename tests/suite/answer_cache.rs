//! The answer cache for readers without an account: what is written
//! through this process shows at once, signed-in readers are never served
//! a kept answer, and another process's writes show once the time limit
//! has passed.

use crate::common;

use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    writes_here_show_at_once_to_readers_without_an_account,
    another_processs_writes_show_within_the_time_limit
);

async fn titles(s: &TestServer, group: &str, token: Option<&str>) -> Vec<String> {
    let feed = s
        .get(&format!("/api/v1/groups/{group}/posts?sort=new"), token)
        .await
        .expect(200);
    feed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["title"].as_str().expect("title").to_string())
        .collect()
}

async fn thread(s: &TestServer, id: i64) -> Value {
    s.get(&format!("/api/v1/posts/{id}"), None)
        .await
        .expect(200)
}

async fn writes_here_show_at_once_to_readers_without_an_account(backend: Backend) {
    // A long time limit: only writes can end an entry during this test.
    let s = common::start_with(backend, |c| c.cache.anonymous_ttl_ms = 600_000).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.group(&ann, "tea", "group").await;
    let first = s.thread(&ann, "tea", "Green or black").await;
    assert_eq!(titles(&s, "tea", None).await, ["Green or black"]);
    assert_eq!(titles(&s, "tea", None).await, ["Green or black"]);

    s.thread(&bob, "tea", "Oolong").await;
    assert_eq!(
        titles(&s, "tea", None).await,
        ["Oolong", "Green or black"],
        "a new thread shows at once"
    );

    assert_eq!(thread(&s, first).await["score"], 0);
    s.post(
        &format!("/api/v1/posts/{first}/vote"),
        Some(&bob),
        json!({"value": 1}),
    )
    .await
    .expect(200);
    assert_eq!(thread(&s, first).await["score"], 1, "a vote shows at once");

    s.post(
        &format!("/api/v1/posts/{first}/comments"),
        Some(&bob),
        json!({"body": "Black, always."}),
    )
    .await
    .expect(201);
    let t = thread(&s, first).await;
    assert_eq!(t["comments"][0]["body"], "Black, always.");

    // A signed-in reader sees their own vote: never a kept answer.
    let seen_by_bob = s
        .get(&format!("/api/v1/posts/{first}"), Some(&bob))
        .await
        .expect(200);
    assert_eq!(seen_by_bob["my_vote"], 1);
    assert_eq!(thread(&s, first).await["my_vote"], 0);
    s.stop().await;
}

async fn another_processs_writes_show_within_the_time_limit(backend: Backend) {
    let s = common::start_with(backend, |c| c.cache.anonymous_ttl_ms = 5000).await;
    let other = s.second_process().await;
    let ann = s.user("ann").await;
    s.group(&ann, "tea", "group").await;
    s.thread(&ann, "tea", "Green or black").await;
    assert_eq!(titles(&s, "tea", None).await, ["Green or black"]);

    // Written through the other process (its own port; `other.post` would
    // go to the shared public URL): this one's kept answer stays
    // until its time is up; signed-in readers see the write at once.
    let through_other = reqwest::Client::new()
        .post(format!(
            "http://{}/api/v1/groups/tea/posts",
            other.config.bind
        ))
        .bearer_auth(&ann)
        .json(&json!({"title": "Oolong", "body": "Rolled leaves."}))
        .send()
        .await
        .expect("post through the other process");
    assert_eq!(through_other.status(), 201);
    assert_eq!(titles(&s, "tea", None).await, ["Green or black"]);
    assert_eq!(
        titles(&s, "tea", Some(&ann)).await,
        ["Oolong", "Green or black"]
    );
    tokio::time::sleep(std::time::Duration::from_millis(5200)).await;
    assert_eq!(titles(&s, "tea", None).await, ["Oolong", "Green or black"]);
    other.stop().await;
    s.stop().await;
}

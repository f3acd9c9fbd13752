//! The paths a member walks, over HTTP against a real server: sign up, log
//! in, a club with an approval step, threads, comments and replies, votes,
//! follows and friends, and the feeds.

use crate::common;

use crate::common::{Backend, TestServer};
use serde_json::json;

on_both_backends!(
    club_walk_from_signup_to_feeds,
    group_feed_sorts_and_pages,
    follows_and_friends,
    edits_and_tombstones,
    profile_and_logout,
    concurrent_votes_keep_counters_exact,
);

async fn club_walk_from_signup_to_feeds(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let me = s.get("/api/v1/me", Some(&ann)).await.expect(200);
    assert_eq!(me["username"], "ann");
    assert_eq!(me["role"], "user");

    // Ann creates a club: approval is the default join policy.
    let club = s.group(&ann, "makers", "club").await;
    assert_eq!(club["kind"], "club");
    assert_eq!(club["join_policy"], "approval");
    assert_eq!(club["member_count"], 1);
    assert_eq!(club["membership"]["role"], "owner");

    // Bob asks to join; he waits.
    let bob = s.user("bob").await;
    let m = s
        .post("/api/v1/groups/makers/join", Some(&bob), json!({}))
        .await
        .expect(200);
    assert_eq!(m["state"], "pending");
    // Until approved, the club's threads are closed to him.
    s.get("/api/v1/groups/makers/posts", Some(&bob))
        .await
        .expect_error(403);
    s.post(
        "/api/v1/groups/makers/posts",
        Some(&bob),
        json!({"title": "hi", "body": "x"}),
    )
    .await
    .expect_error(403);

    // The owner sees the request; a plain member may not approve.
    let pending = s
        .get("/api/v1/groups/makers/members?state=pending", Some(&ann))
        .await
        .expect(200);
    let names: Vec<&str> = pending["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["person"]["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, vec!["bob"]);
    s.get("/api/v1/groups/makers/members?state=pending", Some(&bob))
        .await
        .expect_error(403);

    let cat = s.user("cat").await;
    s.post("/api/v1/groups/makers/join", Some(&cat), json!({}))
        .await
        .expect(200);
    s.post(
        "/api/v1/groups/makers/members/cat/approve",
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    // Cat, now a member but not a moderator, cannot let Bob in.
    s.post(
        "/api/v1/groups/makers/members/bob/approve",
        Some(&cat),
        json!({}),
    )
    .await
    .expect_error(403);
    let approved = s
        .post(
            "/api/v1/groups/makers/members/bob/approve",
            Some(&ann),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(approved["state"], "accepted");
    let club = s.get("/api/v1/groups/makers", Some(&bob)).await.expect(200);
    assert_eq!(club["member_count"], 3);
    assert_eq!(club["membership"]["state"], "accepted");

    // Bob posts; Ann comments; Bob replies to the comment.
    let post = s
        .post(
            "/api/v1/groups/makers/posts",
            Some(&bob),
            json!({"title": "  Soldering tips  ", "body": "Use **flux**.<script>alert(1)</script>"}),
        )
        .await
        .expect(201);
    assert_eq!(post["title"], "Soldering tips");
    assert_eq!(post["author"]["name"], "bob");
    assert_eq!(post["group"]["name"], "makers");
    let html = post["body_html"].as_str().expect("html");
    assert!(html.contains("<strong>flux</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    let post_id = post["id"].as_i64().expect("id");
    assert!(post["ap_id"]
        .as_str()
        .expect("ap_id")
        .ends_with(&format!("/post/{post_id}")));

    let c1 = s
        .post(
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(&ann),
            json!({"body": "Which flux?"}),
        )
        .await
        .expect(201);
    let c1_id = c1["id"].as_i64().expect("id");
    let reply = s
        .post(
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(&bob),
            json!({"body": "Rosin.", "parent_id": c1_id}),
        )
        .await
        .expect(201);
    assert_eq!(reply["parent_id"], c1_id);
    assert_eq!(reply["depth"], 1);

    // Votes: up from Ann and Cat, a change of mind, a repeat, one's own.
    let v = s
        .post(
            &format!("/api/v1/posts/{post_id}/vote"),
            Some(&ann),
            json!({"value": 1}),
        )
        .await
        .expect(200);
    assert_eq!(
        (v["score"].as_i64(), v["my_vote"].as_i64()),
        (Some(1), Some(1))
    );
    s.post(
        &format!("/api/v1/posts/{post_id}/vote"),
        Some(&ann),
        json!({"value": 1}),
    )
    .await
    .expect_error(409);
    let v = s
        .post(
            &format!("/api/v1/posts/{post_id}/vote"),
            Some(&cat),
            json!({"value": -1}),
        )
        .await
        .expect(200);
    assert_eq!(
        (
            v["score"].as_i64(),
            v["upvotes"].as_i64(),
            v["downvotes"].as_i64()
        ),
        (Some(0), Some(1), Some(1))
    );
    let v = s
        .post(
            &format!("/api/v1/posts/{post_id}/vote"),
            Some(&cat),
            json!({"value": 1}),
        )
        .await
        .expect(200);
    assert_eq!(
        (
            v["score"].as_i64(),
            v["upvotes"].as_i64(),
            v["downvotes"].as_i64()
        ),
        (Some(2), Some(2), Some(0))
    );
    s.post(
        &format!("/api/v1/posts/{post_id}/vote"),
        Some(&bob),
        json!({"value": 1}),
    )
    .await
    .expect_error(403);
    let v = s
        .post(
            &format!("/api/v1/comments/{c1_id}/vote"),
            Some(&bob),
            json!({"value": 1}),
        )
        .await
        .expect(200);
    assert_eq!(v["score"], 1);
    s.post(
        &format!("/api/v1/comments/{c1_id}/vote"),
        Some(&ann),
        json!({"value": 1}),
    )
    .await
    .expect_error(403);
    let v = s
        .post(
            &format!("/api/v1/comments/{c1_id}/vote"),
            Some(&bob),
            json!({"value": 0}),
        )
        .await
        .expect(200);
    assert_eq!(
        (v["score"].as_i64(), v["my_vote"].as_i64()),
        (Some(0), Some(0))
    );

    // The thread as a reader sees it: counters, the viewer's vote, the tree.
    let thread = s
        .get(&format!("/api/v1/posts/{post_id}"), Some(&ann))
        .await
        .expect(200);
    assert_eq!(thread["score"], 2);
    assert_eq!(thread["my_vote"], 1);
    assert_eq!(thread["comment_count"], 2);
    let comments = thread["comments"].as_array().expect("comments");
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0]["body"], "Which flux?");
    assert_eq!(comments[0]["replies"][0]["body"], "Rosin.");
    assert_eq!(comments[0]["replies"][0]["author"]["name"], "bob");
    // Outsiders and anonymous readers do not see a club thread.
    let dan = s.user("dan").await;
    s.get(&format!("/api/v1/posts/{post_id}"), Some(&dan))
        .await
        .expect_error(403);
    s.get(&format!("/api/v1/posts/{post_id}"), None)
        .await
        .expect_error(403);
    s.post(
        &format!("/api/v1/posts/{post_id}/comments"),
        Some(&dan),
        json!({"body": "me too"}),
    )
    .await
    .expect_error(403);
    s.post(
        &format!("/api/v1/posts/{post_id}/vote"),
        Some(&dan),
        json!({"value": 1}),
    )
    .await
    .expect_error(403);

    // Feeds: the club feed for members, the home feed for Ann.
    let feed = s
        .get("/api/v1/groups/makers/posts?sort=new", Some(&cat))
        .await
        .expect(200);
    assert_eq!(feed["items"][0]["id"], post_id);
    assert_eq!(feed["next_cursor"], serde_json::Value::Null);
    let home = s.get("/api/v1/feed/home", Some(&ann)).await.expect(200);
    assert_eq!(home["items"][0]["id"], post_id);
    // Dan follows Bob, but Bob's club thread stays out of Dan's home feed.
    s.post("/api/v1/people/bob/follow", Some(&dan), json!({}))
        .await
        .expect(200);
    let home = s.get("/api/v1/feed/home", Some(&dan)).await.expect(200);
    assert_eq!(home["items"].as_array().map(Vec::len), Some(0), "{home}");

    // Leaving: Bob leaves; the only owner cannot.
    s.post("/api/v1/groups/makers/leave", Some(&bob), json!({}))
        .await
        .expect(204);
    s.post("/api/v1/groups/makers/leave", Some(&ann), json!({}))
        .await
        .expect_error(409);
    let club = s.get("/api/v1/groups/makers", None).await.expect(200);
    assert_eq!(club["member_count"], 2);
    s.stop().await;
}

async fn group_feed_sorts_and_pages(backend: Backend) {
    let s = common::start_with(backend, |c| c.limits.page_size = 2).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    s.group(&ann, "general", "group").await;
    let first = s.thread(&ann, "general", "first").await;
    let second = s.thread(&ann, "general", "second").await;
    let third = s.thread(&ann, "general", "third").await;
    let fourth = s.thread(&ann, "general", "fourth").await;
    let fifth = s.thread(&ann, "general", "fifth").await;
    for voter in [&bob, &cat] {
        s.post(
            &format!("/api/v1/posts/{second}/vote"),
            Some(voter),
            json!({"value": 1}),
        )
        .await
        .expect(200);
    }
    s.post(
        &format!("/api/v1/posts/{fourth}/vote"),
        Some(&bob),
        json!({"value": 1}),
    )
    .await
    .expect(200);
    s.post(
        &format!("/api/v1/posts/{fifth}/vote"),
        Some(&bob),
        json!({"value": -1}),
    )
    .await
    .expect(200);

    async fn all_pages(s: &TestServer, sort: &str) -> Vec<i64> {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/groups/general/posts?sort={sort}&cursor={c}"),
                None => format!("/api/v1/groups/general/posts?sort={sort}"),
            };
            let page = s.get(&path, None).await.expect(200);
            let items = page["items"].as_array().expect("items");
            assert!(items.len() <= 2);
            ids.extend(items.iter().map(|p| p["id"].as_i64().expect("id")));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        ids
    }
    assert_eq!(
        all_pages(&s, "new").await,
        vec![fifth, fourth, third, second, first]
    );
    assert_eq!(
        all_pages(&s, "top").await,
        vec![second, fourth, third, first, fifth]
    );
    // Created within seconds of each other, hot follows the score.
    assert_eq!(
        all_pages(&s, "hot").await,
        vec![second, fourth, third, first, fifth]
    );

    // A cursor of one sort is refused by another; unknown sorts are refused.
    let page = s
        .get("/api/v1/groups/general/posts?sort=top", None)
        .await
        .expect(200);
    let cursor = page["next_cursor"].as_str().expect("cursor").to_string();
    s.get(
        &format!("/api/v1/groups/general/posts?sort=new&cursor={cursor}"),
        None,
    )
    .await
    .expect_error(400);
    s.get("/api/v1/groups/general/posts?sort=best", None)
        .await
        .expect_error(400);

    // Deleted threads leave the feed; the group counts its live threads.
    s.delete(&format!("/api/v1/posts/{fifth}"), Some(&ann))
        .await
        .expect(204);
    assert_eq!(
        all_pages(&s, "new").await,
        vec![fourth, third, second, first]
    );
    let g = s.get("/api/v1/groups/general", None).await.expect(200);
    assert_eq!(g["post_count"], 4);
    s.stop().await;
}

async fn follows_and_friends(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    let r = s
        .post("/api/v1/people/bob/follow", Some(&ann), json!({}))
        .await
        .expect(200);
    assert_eq!(
        (r["following"].as_bool(), r["friends"].as_bool()),
        (Some(true), Some(false))
    );
    // Following twice changes nothing.
    s.post("/api/v1/people/bob/follow", Some(&ann), json!({}))
        .await
        .expect(200);
    let r = s
        .post("/api/v1/people/ann/follow", Some(&bob), json!({}))
        .await
        .expect(200);
    assert_eq!(r["friends"], true);
    s.post("/api/v1/people/bob/follow", Some(&cat), json!({}))
        .await
        .expect(200);
    s.post("/api/v1/people/cat/follow", Some(&cat), json!({}))
        .await
        .expect_error(422);
    s.post("/api/v1/people/nobody/follow", Some(&cat), json!({}))
        .await
        .expect_error(404);

    let names = |v: serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        names(
            s.get("/api/v1/people/bob/followers", None)
                .await
                .expect(200)
        ),
        vec!["ann", "cat"]
    );
    assert_eq!(
        names(
            s.get("/api/v1/people/bob/following", None)
                .await
                .expect(200)
        ),
        vec!["ann"]
    );
    assert_eq!(
        names(s.get("/api/v1/people/bob/friends", None).await.expect(200)),
        vec!["ann"]
    );
    assert_eq!(
        names(s.get("/api/v1/people/cat/friends", None).await.expect(200)),
        Vec::<String>::new()
    );
    let profile = s.get("/api/v1/people/bob", Some(&ann)).await.expect(200);
    assert_eq!(profile["followers"], 2);
    assert_eq!(profile["relationship"]["friends"], true);

    // Home feed: Bob's thread in an open group reaches his followers.
    s.group(&bob, "garden", "group").await;
    let t = s.thread(&bob, "garden", "tomatoes").await;
    let home = s.get("/api/v1/feed/home", Some(&cat)).await.expect(200);
    assert_eq!(home["items"][0]["id"], t);

    // Unfollow ends the friendship and the feed entry.
    let r = s
        .delete("/api/v1/people/bob/follow", Some(&ann))
        .await
        .expect(200);
    assert_eq!(
        (
            r["following"].as_bool(),
            r["followed_by"].as_bool(),
            r["friends"].as_bool()
        ),
        (Some(false), Some(true), Some(false))
    );
    assert_eq!(
        names(s.get("/api/v1/people/bob/friends", None).await.expect(200)),
        Vec::<String>::new()
    );
    let home = s.get("/api/v1/feed/home", Some(&ann)).await.expect(200);
    assert_eq!(home["items"].as_array().map(Vec::len), Some(0));
    s.stop().await;
}

async fn edits_and_tombstones(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.group(&ann, "general", "group").await;
    let t = s.thread(&ann, "general", "draft").await;
    let edited = s
        .patch(
            &format!("/api/v1/posts/{t}"),
            Some(&ann),
            json!({"title": "final", "body": "# Done"}),
        )
        .await
        .expect(200);
    assert_eq!(edited["title"], "final");
    assert!(edited["body_html"]
        .as_str()
        .unwrap_or("")
        .contains("<h1>Done</h1>"));
    assert!(edited["updated_at"].is_string());
    s.patch(
        &format!("/api/v1/posts/{t}"),
        Some(&bob),
        json!({"title": "mine"}),
    )
    .await
    .expect_error(403);

    let c = s
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&bob),
            json!({"body": "parent"}),
        )
        .await
        .expect(201);
    let cid = c["id"].as_i64().expect("id");
    s.post(
        &format!("/api/v1/posts/{t}/comments"),
        Some(&ann),
        json!({"body": "child", "parent_id": cid}),
    )
    .await
    .expect(201);
    let e = s
        .patch(
            &format!("/api/v1/comments/{cid}"),
            Some(&bob),
            json!({"body": "parent, edited"}),
        )
        .await
        .expect(200);
    assert_eq!(e["body"], "parent, edited");
    s.delete(&format!("/api/v1/comments/{cid}"), Some(&ann))
        .await
        .expect_error(403);
    s.delete(&format!("/api/v1/comments/{cid}"), Some(&bob))
        .await
        .expect(204);
    // The deleted comment stays as a tombstone; its reply stays under it.
    let thread = s.get(&format!("/api/v1/posts/{t}"), None).await.expect(200);
    let top = &thread["comments"][0];
    assert_eq!(top["deleted"], true);
    assert_eq!(top["body"], "");
    assert_eq!(top["replies"][0]["body"], "child");
    s.post(
        &format!("/api/v1/posts/{t}/comments"),
        Some(&ann),
        json!({"body": "late", "parent_id": cid}),
    )
    .await
    .expect_error(410);

    // A deleted thread answers as a tombstone, refuses edits, votes, replies.
    s.delete(&format!("/api/v1/posts/{t}"), Some(&bob))
        .await
        .expect_error(403);
    s.delete(&format!("/api/v1/posts/{t}"), Some(&ann))
        .await
        .expect(204);
    let gone = s.get(&format!("/api/v1/posts/{t}"), None).await.expect(200);
    assert_eq!(gone["deleted"], true);
    assert_eq!(gone["title"], "");
    assert_eq!(gone["comments"][0]["replies"][0]["body"], "child");
    s.patch(
        &format!("/api/v1/posts/{t}"),
        Some(&ann),
        json!({"title": "again"}),
    )
    .await
    .expect_error(410);
    s.post(
        &format!("/api/v1/posts/{t}/vote"),
        Some(&bob),
        json!({"value": 1}),
    )
    .await
    .expect_error(410);
    s.post(
        &format!("/api/v1/posts/{t}/comments"),
        Some(&bob),
        json!({"body": "hello?"}),
    )
    .await
    .expect_error(410);
    s.delete(&format!("/api/v1/posts/{t}"), Some(&ann))
        .await
        .expect_error(410);
    s.stop().await;
}

async fn profile_and_logout(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let me = s
        .patch("/api/v1/me", Some(&ann), json!({"display_name": "Ann A.", "bio": "I *make* things <img src=x onerror=alert(1)>"}))
        .await
        .expect(200);
    assert_eq!(me["display_name"], "Ann A.");
    let bio = me["bio_html"].as_str().expect("bio html");
    assert!(
        bio.contains("<em>make</em>") && !bio.contains("onerror"),
        "{bio}"
    );
    s.patch(
        "/api/v1/me",
        Some(&ann),
        json!({"display_name": "A".repeat(101)}),
    )
    .await
    .expect_error(413);
    let p = s.get("/api/v1/people/ann", None).await.expect(200);
    assert_eq!(p["display_name"], "Ann A.");
    assert_eq!(p["bio_html"], me["bio_html"]);

    // A second session survives the first one's logout.
    let other = s.login("ann").await;
    s.post("/api/v1/auth/logout", Some(&ann), json!({}))
        .await
        .expect(204);
    s.get("/api/v1/me", Some(&ann)).await.expect_error(401);
    s.get("/api/v1/me", Some(&other)).await.expect(200);
    s.stop().await;
}

async fn concurrent_votes_keep_counters_exact(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    s.group(&ann, "general", "group").await;
    let t = s.thread(&ann, "general", "popular").await;
    let c = s
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&ann),
            json!({"body": "c"}),
        )
        .await
        .expect(201);
    let cid = c["id"].as_i64().expect("id");
    let mut voters = Vec::new();
    for i in 0..12 {
        voters.push(s.user(&format!("voter{i}")).await);
    }
    // Everyone votes at once on the thread and the comment: 8 up, 4 down.
    let votes = voters.iter().enumerate().flat_map(|(i, token)| {
        let value = if i < 8 { 1 } else { -1 };
        [
            format!("/api/v1/posts/{t}/vote"),
            format!("/api/v1/comments/{cid}/vote"),
        ]
        .map(|path| {
            let s = &s;
            async move {
                s.post(&path, Some(token), json!({"value": value}))
                    .await
                    .expect(200)
            }
        })
    });
    futures_util::future::join_all(votes).await;
    let thread = s.get(&format!("/api/v1/posts/{t}"), None).await.expect(200);
    assert_eq!(
        (
            thread["score"].as_i64(),
            thread["upvotes"].as_i64(),
            thread["downvotes"].as_i64()
        ),
        (Some(4), Some(8), Some(4))
    );
    let comment = &thread["comments"][0];
    assert_eq!(
        (
            comment["score"].as_i64(),
            comment["upvotes"].as_i64(),
            comment["downvotes"].as_i64()
        ),
        (Some(4), Some(8), Some(4))
    );
    s.stop().await;
}

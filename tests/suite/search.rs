//! Full-text search over HTTP (`GET /api/v1/search`), on both stores:
//! ranking on a small corpus, a club's threads and comments found by its
//! members only, edits found by their new words, removed, deleted and held
//! content never found, people the searcher blocked left out, remote
//! content found with its origin, and hostile queries answered 200 or a
//! clear 400.

use crate::common;

use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    search_finds_what_each_viewer_may_read,
    remote_content_is_found_with_its_origin,
    hostile_queries_are_plain_words,
    a_page_is_full_past_many_newer_hidden_matches
);

/// `GET /api/v1/search?q=&type=` as `token` (or anonymous): the answer.
async fn search(s: &TestServer, token: Option<&str>, q: &str, kind: &str) -> Value {
    let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    s.get(&format!("/api/v1/search?q={q}&type={kind}"), token)
        .await
        .expect(200)
}

/// The titles of the results, in order.
fn titles(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().expect("title").to_string())
        .collect()
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

async fn post_thread(s: &TestServer, token: &str, group: &str, title: &str, body: &str) -> Value {
    s.post(
        &format!("/api/v1/groups/{group}/posts"),
        Some(token),
        json!({"title": title, "body": body}),
    )
    .await
    .expect(201)
}

async fn comment(s: &TestServer, token: &str, thread: i64, body: &str) -> i64 {
    s.post(
        &format!("/api/v1/posts/{thread}/comments"),
        Some(token),
        json!({"body": body}),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .expect("comment id")
}

async fn search_finds_what_each_viewer_may_read(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    s.group(&ann, "garden", "group").await;
    s.group(&ann, "orchard", "club").await;
    s.post("/api/v1/groups/garden/join", Some(&cat), json!({}))
        .await
        .expect(200);
    s.post("/api/v1/groups/orchard/join", Some(&bob), json!({}))
        .await
        .expect(200);
    s.post(
        "/api/v1/groups/orchard/members/bob/approve",
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);

    // Ranking: the word in the title and often in the body first, once
    // in the body after, absent not at all.
    let best = post_thread(
        &s,
        &ann,
        "garden",
        "Tomatoes in pots",
        "Tomatoes need sun. Grow tomatoes in big pots; tomatoes are thirsty.",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let second = post_thread(
        &s,
        &ann,
        "garden",
        "Watering schedule",
        "Water in the morning. Some say tomatoes like rain water best.",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let roses = post_thread(
        &s,
        &ann,
        "garden",
        "Pruning",
        "Cut the roses back in March.",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let found = search(&s, None, "tomatoes", "threads").await;
    assert_eq!(ids(&found), [best, second], "{found}");
    assert_eq!(found["items"][0]["group"], "garden");
    assert_eq!(found["items"][0]["author"], "ann");
    assert_eq!(found["items"][0]["url"], format!("/post/{best}"));
    assert!(found["items"][0]["origin"].is_null());
    assert!(
        found["items"][1]["excerpt"]
            .as_str()
            .unwrap()
            .contains("tomatoes"),
        "{found}"
    );
    // The last word is a prefix; the words are all required.
    assert_eq!(
        ids(&search(&s, None, "tomat", "threads").await),
        [best, second]
    );
    assert_eq!(
        ids(&search(&s, None, "tomatoes pots", "threads").await),
        [best]
    );

    // A club's thread: found by its member, not by a non-member nor
    // anonymously; nor through its comments.
    let club_thread = post_thread(
        &s,
        &bob,
        "orchard",
        "Orchids under glass",
        "My orchids bloom in the greenhouse.",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    comment(&s, &bob, club_thread, "Zebrawood stakes hold the orchids.").await;
    let public_comment = comment(&s, &cat, second, "Zebrawood is too dear for stakes.").await;
    assert_eq!(
        ids(&search(&s, Some(&bob), "orchids", "threads").await),
        [club_thread]
    );
    assert_eq!(
        ids(&search(&s, Some(&ann), "orchids", "threads").await),
        [club_thread]
    );
    assert!(ids(&search(&s, Some(&cat), "orchids", "threads").await).is_empty());
    assert!(ids(&search(&s, None, "orchids", "threads").await).is_empty());
    assert_eq!(
        ids(&search(&s, Some(&bob), "zebrawood", "comments").await).len(),
        2
    );
    assert_eq!(
        ids(&search(&s, Some(&cat), "zebrawood", "comments").await),
        [public_comment]
    );
    let anon = search(&s, None, "zebrawood", "comments").await;
    assert_eq!(ids(&anon), [public_comment], "{anon}");
    assert_eq!(
        titles(&anon),
        ["Watering schedule"],
        "a comment shows its thread"
    );
    assert!(ids(&search(&s, None, "orchids", "comments").await).is_empty());
    // The club itself is listed, as the group directory lists it.
    let groups = search(&s, None, "orchard", "groups").await;
    assert_eq!(groups["items"][0]["group"], "orchard", "{groups}");
    assert_eq!(
        ids(&search(&s, Some(&cat), "garden", "groups").await).len(),
        1
    );

    // Edited text is found by its new words, not its old ones.
    s.patch(
        &format!("/api/v1/posts/{roses}"),
        Some(&ann),
        json!({"body": "Lilacs want no pruning at all."}),
    )
    .await
    .expect(200);
    assert!(ids(&search(&s, None, "roses", "threads").await).is_empty());
    assert_eq!(ids(&search(&s, None, "lilacs", "threads").await), [roses]);
    // Comments too.
    s.patch(
        &format!("/api/v1/comments/{public_comment}"),
        Some(&cat),
        json!({"body": "Bamboo canes are cheaper."}),
    )
    .await
    .expect(200);
    assert!(ids(&search(&s, None, "zebrawood", "comments").await).is_empty());
    assert_eq!(
        ids(&search(&s, None, "bamboo", "comments").await),
        [public_comment]
    );

    // People the searcher blocked are left out, for them only.
    s.post("/api/v1/people/ann/block", Some(&cat), json!({}))
        .await
        .expect(200);
    assert!(ids(&search(&s, Some(&cat), "tomatoes", "threads").await).is_empty());
    assert_eq!(ids(&search(&s, None, "tomatoes", "threads").await).len(), 2);

    // Removed and deleted threads and comments are not found.
    s.post(
        &format!("/api/v1/posts/{best}/remove"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    s.delete(&format!("/api/v1/posts/{second}"), Some(&ann))
        .await
        .expect(204);
    assert!(ids(&search(&s, None, "tomatoes", "threads").await).is_empty());
    s.delete(&format!("/api/v1/comments/{public_comment}"), Some(&cat))
        .await
        .expect(204);
    assert!(ids(&search(&s, None, "bamboo", "comments").await).is_empty());

    // Held for review: not found, not even by its author.
    s.post(
        "/api/v1/groups/garden/watched-words",
        Some(&ann),
        json!({"word": "free money", "action": "hold"}),
    )
    .await
    .expect(201);
    let held = post_thread(
        &s,
        &cat,
        "garden",
        "Marigolds",
        "Free, money! Marigolds for all.",
    )
    .await;
    assert_eq!(held["held"], true);
    assert!(ids(&search(&s, Some(&cat), "marigolds", "threads").await).is_empty());

    // People, by name and display name.
    let people = search(&s, None, "bob", "people").await;
    assert_eq!(people["items"][0]["author"], "bob", "{people}");
    assert_eq!(people["items"][0]["url"], "/u/bob");
}

async fn remote_content_is_found_with_its_origin(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let bh = b.host();
    let dan = a.user("dan").await;
    let bea = b.user("bea").await;
    b.group(&bea, "stargazers", "group").await;
    let remote_group = format!("stargazers@{bh}");
    a.join_remote(&dan, &remote_group).await;
    post_thread(
        &b,
        &bea,
        "stargazers",
        "Nebula season",
        "The Orion nebula is bright through a small telescope.",
    )
    .await;
    a.await_thread(Some(&dan), &remote_group, "Nebula season")
        .await;
    for token in [None, Some(dan.as_str())] {
        let found = search(&a, token, "nebula telescope", "threads").await;
        assert_eq!(titles(&found), ["Nebula season"], "{found}");
        let hit = &found["items"][0];
        assert_eq!(hit["origin"], bh);
        assert_eq!(hit["group"], remote_group);
        assert_eq!(hit["author"], format!("bea@{bh}"));
        assert!(hit["origin_url"].as_str().unwrap().starts_with(&b.url));
    }
    let groups = search(&a, None, "stargazers", "groups").await;
    assert_eq!(groups["items"][0]["group"], remote_group, "{groups}");
    assert_eq!(groups["items"][0]["origin"], bh);
    let people = search(&a, None, "bea", "people").await;
    assert_eq!(
        people["items"][0]["author"],
        format!("bea@{bh}"),
        "{people}"
    );
}

async fn hostile_queries_are_plain_words(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    s.group(&ann, "garden", "group").await;
    post_thread(
        &s,
        &ann,
        "garden",
        "Near the fence",
        "Sun, fence and a gate.",
    )
    .await;
    for q in [
        "\"",
        "*",
        "NEAR(",
        "'",
        "&|!",
        "fence\"",
        "fence*",
        "near(fence",
        "a OR b AND NOT c",
        "fence:*",
        "!fence",
        "(",
        ")",
        "^",
        "-",
        "''''",
        "fence & | gate",
        "\\",
        "%",
        "_",
        "title:fence",
        "{fence}",
        "NEAR(fence gate, 2)",
        "ü",
        "日本語",
    ] {
        for kind in ["threads", "comments", "groups", "people"] {
            let path = format!(
                "/api/v1/search?q={}&type={kind}",
                url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
            );
            let res = s.get(&path, None).await;
            match res.status.as_u16() {
                200 => assert!(res.body["items"].is_array(), "{q:?}: {}", res.body),
                400 => {
                    res.expect_error(400);
                }
                other => panic!("{q:?} ({kind}) answered {other}: {}", res.body),
            }
        }
    }
    // The syntax is ignored: the words still match.
    assert_eq!(
        titles(&search(&s, None, "NEAR(fence", "threads").await),
        ["Near the fence"]
    );
    assert_eq!(
        titles(&search(&s, None, "\"fence\" AND", "threads").await),
        ["Near the fence"]
    );
    // Nothing to look for, too long, an unknown type, a page out of range: 400.
    for path in [
        "/api/v1/search?q=",
        "/api/v1/search",
        "/api/v1/search?q=%22%2A",
        "/api/v1/search?q=fence&type=secrets",
        "/api/v1/search?q=fence&page=0",
        "/api/v1/search?q=fence&page=9999",
    ] {
        s.get(path, None).await.expect_error(400);
    }
    let long = "fence ".repeat(50);
    s.get(
        &format!("/api/v1/search?q={}", long.replace(' ', "+")),
        None,
    )
    .await
    .expect_error(400);
    // Paging: next_page while there are more.
    for i in 0..25 {
        post_thread(&s, &ann, "garden", &format!("Gate {i}"), "A gate.").await;
    }
    let first = search(&s, None, "gate", "threads").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(first["next_page"], 2);
    let second = s
        .get("/api/v1/search?q=gate&page=2", None)
        .await
        .expect(200);
    assert_eq!(second["items"].as_array().unwrap().len(), 6, "{second}");
    assert!(second["next_page"].is_null());
}

/// The store ranks the newest matches (`limits.search_candidates`, 20
/// here) and takes more when hidden rows leave a page short: 260 club
/// threads newer than every public match, and ranking above them (the
/// word in their title, twice), must not leave an outsider's pages empty
/// or short; the member sees them first.
async fn a_page_is_full_past_many_newer_hidden_matches(backend: Backend) {
    let s = common::start_with(backend, |c| c.limits.search_candidates = 20).await;
    let ann = s.user("ann").await;
    s.group(&ann, "garden", "group").await;
    s.group(&ann, "orchard", "club").await;
    let mut public = Vec::new();
    for i in 0..22 {
        let id = post_thread(
            &s,
            &ann,
            "garden",
            &format!("Hedge {i}"),
            "A hedge with one quince tree.",
        )
        .await["id"]
            .as_i64()
            .unwrap();
        public.push(id);
    }
    for i in 0..260 {
        post_thread(
            &s,
            &ann,
            "orchard",
            &format!("Quince quince {i}"),
            "Quince quince quince.",
        )
        .await;
    }
    let first = search(&s, None, "quince", "threads").await;
    let second = s
        .get("/api/v1/search?q=quince&page=2", None)
        .await
        .expect(200);
    assert_eq!(ids(&first).len(), 20, "{first}");
    assert_eq!(first["next_page"], 2);
    assert!(second["next_page"].is_null(), "{second}");
    let mut seen = ids(&first);
    seen.extend(ids(&second));
    seen.sort_unstable();
    assert_eq!(seen, public, "every public match once, no club thread");

    let member = search(&s, Some(&ann), "quince", "threads").await;
    assert!(
        titles(&member)
            .iter()
            .all(|t| t.starts_with("Quince quince")),
        "{member}"
    );
}

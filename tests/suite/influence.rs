//! Influence rankings on synthetic graphs whose order is known by
//! construction: a star (everyone answers and upvotes one person), a
//! chain (each answers the next), and votes from one sock puppet against
//! votes from many people; a club's content only in the club's ranking;
//! who may read which ranking.

use crate::common;

use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    known_graphs_rank_as_built,
    club_content_stays_in_the_club,
    rising_members_gained_most_since_a_month_back
);

async fn ask(s: &TestServer, token: &str, group: &str, title: &str) -> i64 {
    s.thread(token, group, title).await
}

async fn reply(s: &TestServer, token: &str, post: i64) {
    s.post(
        &format!("/api/v1/posts/{post}/comments"),
        Some(token),
        json!({"body": "Here is how."}),
    )
    .await
    .expect(201);
}

async fn upvote(s: &TestServer, token: &str, post: i64) {
    s.post(
        &format!("/api/v1/posts/{post}/vote"),
        Some(token),
        json!({"value": 1}),
    )
    .await
    .expect(200);
}

async fn recompute(s: &TestServer, admin: &str) {
    s.post("/api/v1/admin/influence/recompute", Some(admin), json!({}))
        .await
        .expect(200);
}

/// The names of a ranking, best first.
fn names(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["person"]["name"].as_str().expect("name").to_string())
        .collect()
}

async fn ranking(s: &TestServer, token: &str, group: &str) -> Value {
    s.get(&format!("/api/v1/influence?group={group}"), Some(token))
        .await
        .expect(200)
}

async fn known_graphs_rank_as_built(backend: Backend) {
    let s = common::start(backend).await;
    let root = s.admin("root").await;
    let owner = s.user("owner").await;
    let mut people = Vec::new();
    for name in ["ada", "ben", "cyd", "dot", "eve", "fay"] {
        people.push(s.user(name).await);
    }
    let (ada, ben, cy, dot, eve, fay) = (
        &people[0], &people[1], &people[2], &people[3], &people[4], &people[5],
    );
    for g in ["star", "chain", "votes"] {
        s.group(&owner, g, "group").await;
    }

    // A star: everyone answers and upvotes ada.
    let centre = ask(&s, ada, "star", "Ask me anything").await;
    for t in [ben, cy, dot, eve] {
        reply(&s, t, centre).await;
        upvote(&s, t, centre).await;
    }
    // A chain: ben answers cy, cy answers dot, dot answers eve.
    let of_cy = ask(&s, cy, "chain", "Cy asks").await;
    let of_dot = ask(&s, dot, "chain", "Dot asks").await;
    let of_eve = ask(&s, eve, "chain", "Eve asks").await;
    reply(&s, ben, of_cy).await;
    reply(&s, cy, of_dot).await;
    reply(&s, dot, of_eve).await;
    // Votes: fay upvotes five threads of ben (one sock puppet); ada, cy
    // and dot upvote one thread of eve (three people).
    for n in 0..5 {
        let t = ask(&s, ben, "votes", &format!("Ben's tip {n}")).await;
        upvote(&s, fay, t).await;
    }
    let tip = ask(&s, eve, "votes", "Eve's tip").await;
    for t in [ada, cy, dot] {
        upvote(&s, t, tip).await;
    }

    // Nothing computed yet for these groups: an empty ranking.
    let none = ranking(&s, &owner, "star").await;
    assert!(names(&none).is_empty(), "{none}");
    recompute(&s, &root).await;

    let star = ranking(&s, &owner, "star").await;
    assert_eq!(names(&star)[0], "ada", "{star}");
    assert_eq!(star["items"][0]["place"], 1);
    assert_eq!(star["items"][0]["threads"][0]["title"], "Ask me anything");
    let ben_line = star["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["person"]["name"] == "ben")
        .expect("ben ranks");
    assert_eq!(ben_line["answered"][0]["name"], "ada", "{ben_line}");
    let total: f64 = star["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["score"].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-6, "scores sum to 1: {total}");

    let chain = ranking(&s, &owner, "chain").await;
    assert_eq!(names(&chain), ["eve", "dot", "cyd", "ben"], "{chain}");

    let votes = ranking(&s, &owner, "votes").await;
    let order = names(&votes);
    let pos = |n: &str| order.iter().position(|x| x == n).expect(n);
    assert!(pos("eve") < pos("ben"), "many voters outweigh one: {votes}");

    // The instance-wide ranking: staff and admins only; ada leads it.
    let all = s.get("/api/v1/influence", Some(&root)).await.expect(200);
    assert_eq!(all["group"], Value::Null);
    assert!(all["computed_at"].is_string());
    assert_eq!(names(&all)[0], "ada", "{all}");
    s.get("/api/v1/influence", Some(&owner))
        .await
        .expect_error(403);
    s.get("/api/v1/influence?group=star", Some(ada))
        .await
        .expect_error(403);
    s.get("/api/v1/influence?group=nowhere", Some(&root))
        .await
        .expect_error(404);
    s.post("/api/v1/admin/influence/recompute", Some(&owner), json!({}))
        .await
        .expect_error(403);
}

async fn club_content_stays_in_the_club(backend: Backend) {
    let s = common::start(backend).await;
    let root = s.admin("root").await;
    let quin = s.user("quin").await;
    let rex = s.user("rex").await;
    let sue = s.user("sue").await;
    s.group(&quin, "inner", "club").await;
    s.post("/api/v1/groups/inner/join", Some(&rex), json!({}))
        .await
        .expect(200);
    s.post(
        "/api/v1/groups/inner/members/rex/approve",
        Some(&quin),
        json!({}),
    )
    .await
    .expect(200);
    let secret = ask(&s, &quin, "inner", "The secret plan").await;
    reply(&s, &rex, secret).await;
    upvote(&s, &rex, secret).await;
    s.group(&sue, "open", "group").await;
    let public = ask(&s, &sue, "open", "A public question").await;
    reply(&s, &rex, public).await;
    recompute(&s, &root).await;

    let club = ranking(&s, &quin, "inner").await;
    assert_eq!(names(&club)[0], "quin", "{club}");
    assert_eq!(club["items"][0]["threads"][0]["title"], "The secret plan");
    let all = s.get("/api/v1/influence", Some(&root)).await.expect(200);
    let everyone = names(&all);
    assert!(everyone.contains(&"sue".to_string()), "{all}");
    assert!(
        !everyone.contains(&"quin".to_string()),
        "the club stays in the club: {all}"
    );
    let text = all.to_string();
    assert!(!text.contains("The secret plan"), "{text}");
    // Outside the club, its ranking is closed even to its open group's owner.
    s.get("/api/v1/influence?group=inner", Some(&sue))
        .await
        .expect_error(403);
}

async fn rising_members_gained_most_since_a_month_back(backend: Backend) {
    let s = common::start(backend).await;
    let root = s.admin("root").await;
    let owner = s.user("owner").await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    let dan = s.user("dan").await;
    s.group(&owner, "help", "group").await;
    let of_ann = ask(&s, &ann, "help", "Ann asks").await;
    let of_bob = ask(&s, &bob, "help", "Bob asks").await;
    reply(&s, &cat, of_ann).await;
    reply(&s, &dan, of_ann).await;
    reply(&s, &cat, of_bob).await;
    // The computation of a month back (31 days), as the job made it then.
    s.app
        .store
        .run_blocking(|conn| {
            let then = guildhall::store::now() - chrono::Duration::days(31);
            guildhall::community::influence::compute(conn, then)
        })
        .expect("a computation a month back");
    let first = ranking(&s, &owner, "help").await;
    assert!(first["rising"].as_array().unwrap().is_empty(), "{first}");
    // Since then bob drew answers and votes from everyone.
    for t in [&ann, &dan, &owner] {
        reply(&s, t, of_bob).await;
        upvote(&s, t, of_bob).await;
    }
    recompute(&s, &root).await;
    let now = ranking(&s, &owner, "help").await;
    assert_eq!(now["rising"][0]["person"]["name"], "bob", "{now}");
    assert!(now["rising"][0]["gain"].as_f64().unwrap() > 0.0);
}

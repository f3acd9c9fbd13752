//! Reputation judged locally over local and federated content: weighted
//! remote votes, accepted answers across servers, the daily caps under a
//! flood of votes from one server, serial-vote reversal, and what ranks,
//! kudos, removals and upheld reports do.

use crate::common;

use crate::common::remote::Remote;
use crate::common::{eventually, Backend, TestServer};
use guildhall::reputation::settings::Rank;
use serde_json::{json, Value};

on_both_backends!(
    remote_votes_count_with_their_servers_weight,
    an_accepted_answer_from_another_server_earns_reputation,
    the_daily_caps_hold_under_300_votes_from_one_server,
    serial_voting_is_reversed_and_logged,
    kudos_ranks_privileges_and_penalties
);

async fn points(s: &TestServer, person: &str) -> i64 {
    s.get(&format!("/api/v1/people/{person}"), None)
        .await
        .expect(200)["reputation"]["points"]
        .as_i64()
        .expect("points")
}

async fn await_points(s: &TestServer, person: &str, want: i64) {
    eventually(
        &format!("{person} to have {want} points on {}", s.url),
        || async { points(s, person).await == want },
    )
    .await;
}

async fn set_weight(a: &TestServer, token: &str, domain: &str, weight: Value) -> common::Response {
    a.put(
        &format!("/api/v1/admin/domains/{domain}/vote-weight"),
        Some(token),
        json!({ "vote_weight": weight }),
    )
    .await
}

async fn remote_votes_count_with_their_servers_weight(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    a.group(&ann, "help", "group").await;
    let help = format!("help@{ah}");
    let voters = ["bob", "cat", "dan"];
    let mut tokens = Vec::new();
    for v in voters {
        let t = b.user(v).await;
        b.join_remote(&t, &help).await;
        tokens.push(t);
    }
    let on_a = a.thread(&ann, "help", "Printer jams").await;
    let on_b = b
        .await_thread(Some(&tokens[0]), &help, "Printer jams")
        .await["id"]
        .as_i64()
        .expect("id");
    let upvote = |i: usize| {
        let (b, t) = (&b, tokens[i].clone());
        async move {
            b.post(
                &format!("/api/v1/posts/{on_b}/vote"),
                Some(&t),
                json!({"value": 1}),
            )
            .await
            .expect(200);
        }
    };

    // Weight 1 (the default): an upvote is worth 5.
    upvote(0).await;
    await_points(&a, "ann", 5).await;

    // B's votes count double once an admin says so.
    let weight = set_weight(&a, &root, &bh, json!(2.0)).await.expect(200);
    assert_eq!(weight["vote_weight"], 2.0);
    upvote(1).await;
    await_points(&a, "ann", 15).await;

    // Weight 0: the vote is counted in the score, not in reputation.
    set_weight(&a, &root, &bh, json!(0.0)).await.expect(200);
    upvote(2).await;
    eventually("the third upvote on A", || async {
        a.get(&format!("/api/v1/posts/{on_a}"), None)
            .await
            .expect(200)["upvotes"]
            == 3
    })
    .await;
    assert_eq!(points(&a, "ann").await, 15);

    // The ledger says where each point came from.
    let history = a
        .get("/api/v1/people/ann/reputation", None)
        .await
        .expect(200);
    let got: Vec<(i64, &str)> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            (
                e["points"].as_i64().unwrap_or(0),
                e["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(got, [(10, "upvote"), (5, "upvote")]);

    // B judges for itself: its own members' votes weigh 1 there.
    await_points(&b, &format!("ann@{ah}"), 15).await;
    let view = b
        .get(&format!("/api/v1/people/ann@{ah}"), None)
        .await
        .expect(200);
    assert_eq!(view["reputation"]["upvotes_received"], 3);

    // An unvote takes the points back.
    b.post(
        &format!("/api/v1/posts/{on_b}/vote"),
        Some(&tokens[1]),
        json!({"value": 0}),
    )
    .await
    .expect(200);
    await_points(&a, "ann", 5).await;

    // Bad weights are refused with a reason.
    set_weight(&a, &root, &bh, json!(-1))
        .await
        .expect_error(422);
    set_weight(&a, &ann, &bh, json!(1)).await.expect_error(403);
}

async fn an_accepted_answer_from_another_server_earns_reputation(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let ann = a.user("ann").await;
    let cat = a.user("cat").await;
    a.group(&ann, "help", "group").await;
    let help = format!("help@{ah}");
    let bob = b.user("bob").await;
    b.join_remote(&bob, &help).await;
    let question = a
        .post(
            "/api/v1/groups/help/posts",
            Some(&ann),
            json!({"title": "How do I reset the router?", "body": "It blinks red.", "kind": "question"}),
        )
        .await
        .expect(201);
    let q = question["id"].as_i64().expect("id");
    assert_eq!(question["kind"], "question");
    assert_eq!(question["accepted_comment_id"], Value::Null);
    let discussion = a.thread(&ann, "help", "Chit-chat").await;
    let on_b = b
        .await_thread(Some(&bob), &help, "How do I reset the router?")
        .await;
    assert_eq!(on_b["kind"], "question");
    let q_on_b = on_b["id"].as_i64().expect("id");
    let bob_answer_on_b = b
        .post(
            &format!("/api/v1/posts/{q_on_b}/comments"),
            Some(&bob),
            json!({"body": "Hold the reset button for ten seconds."}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("id");
    let comments_on_a = || async {
        a.get(&format!("/api/v1/posts/{q}"), None).await.expect(200)["comments"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    eventually("bob's answer on A", || async {
        !comments_on_a().await.is_empty()
    })
    .await;
    let bob_answer = comments_on_a().await[0]["id"].as_i64().expect("id");

    // Only the author, the group's moderators and staff accept; only a
    // question has an answer; only an answer in the thread is accepted.
    a.post(
        &format!("/api/v1/posts/{q}/accept"),
        Some(&cat),
        json!({"comment_id": bob_answer}),
    )
    .await
    .expect_error(403);
    a.post(
        &format!("/api/v1/posts/{discussion}/accept"),
        Some(&ann),
        json!({"comment_id": bob_answer}),
    )
    .await
    .expect_error(422);

    let accepted = a
        .post(
            &format!("/api/v1/posts/{q}/accept"),
            Some(&ann),
            json!({"comment_id": bob_answer}),
        )
        .await
        .expect(200);
    assert_eq!(accepted["accepted_comment_id"], bob_answer);
    a.post(
        &format!("/api/v1/posts/{q}/accept"),
        Some(&ann),
        json!({"comment_id": bob_answer}),
    )
    .await
    .expect_error(409);

    // A judges: bob of B gains the solution's points, ann the accepter's.
    let bob_on_a = format!("bob@{bh}");
    await_points(&a, &bob_on_a, 15).await;
    assert_eq!(points(&a, "ann").await, 2);
    let view = a
        .get(&format!("/api/v1/people/{bob_on_a}"), None)
        .await
        .expect(200);
    assert_eq!(view["reputation"]["solutions"], 1);
    let badges = a
        .get(&format!("/api/v1/people/{bob_on_a}/badges"), None)
        .await
        .expect(200);
    assert!(badges["items"]
        .as_array()
        .expect("badges")
        .iter()
        .any(|b| b["badge"] == "first_solution"));

    // The state federates: B shows the accepted answer and credits bob.
    eventually("the accepted answer on B", || async {
        b.get(&format!("/api/v1/posts/{q_on_b}"), Some(&bob))
            .await
            .expect(200)["accepted_comment_id"]
            == bob_answer_on_b
    })
    .await;
    await_points(&b, "bob", 15).await;

    // Accepting another answer moves the points.
    let cat_answer = a
        .post(
            &format!("/api/v1/posts/{q}/comments"),
            Some(&cat),
            json!({"body": "Or unplug it for a minute."}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("id");
    a.post(
        &format!("/api/v1/posts/{q}/accept"),
        Some(&ann),
        json!({"comment_id": cat_answer}),
    )
    .await
    .expect(200);
    assert_eq!(points(&a, &bob_on_a).await, 0);
    assert_eq!(points(&a, "cat").await, 15);
    assert_eq!(points(&a, "ann").await, 2);
    await_points(&b, "bob", 0).await;

    // Withdrawn: nobody keeps the solution's points.
    let cleared = a
        .delete(&format!("/api/v1/posts/{q}/accept"), Some(&ann))
        .await
        .expect(200);
    assert_eq!(cleared["accepted_comment_id"], Value::Null);
    assert_eq!(points(&a, "cat").await, 0);
    assert_eq!(points(&a, "ann").await, 0);
}

async fn the_daily_caps_hold_under_300_votes_from_one_server(backend: Backend) {
    let a = common::start(backend).await;
    let remote = Remote::start().await;
    let ann = a.user("ann").await;
    a.group(&ann, "help", "group").await;
    let mut threads = Vec::new();
    let mut ids = Vec::new();
    for i in 0..30 {
        let id = a.thread(&ann, "help", &format!("Tip {i}")).await;
        ids.push(id);
        let ap_id = a
            .get(&format!("/api/v1/posts/{id}"), None)
            .await
            .expect(200)["ap_id"]
            .as_str()
            .expect("ap_id")
            .to_string();
        threads.push(ap_id);
    }
    let first = remote.person("v0").await;
    let mut voters = vec![first.clone()];
    for i in 1..10 {
        voters.push(remote.actor_sharing_key(&format!("v{i}"), "Person", &first));
    }
    let inbox = format!("{}/inbox", a.url);
    let mut sent = 0;
    for voter in &voters {
        for t in &threads {
            remote.send(voter, &inbox, &voter.like(t)).await.expect(202);
            sent += 1;
        }
    }
    assert_eq!(sent, 300);
    // 300 upvotes worth 5 each: one server gives at most 100 a day.
    await_points(&a, "ann", 100).await;
    let view = a.get("/api/v1/people/ann", None).await.expect(200);
    assert_eq!(view["reputation"]["upvotes_received"], 300);
    let history = a
        .get("/api/v1/people/ann/reputation", None)
        .await
        .expect(200);
    let capped = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["points"] == 0 && e["raw_points"] == 5)
        .count();
    assert!(capped > 0, "capped votes show their raw points: {history}");

    // Local votes are under the person cap only: 200 a day in all.
    for i in 0..25 {
        let voter = a.user(&format!("local{i}")).await;
        for id in &ids[..2] {
            a.post(
                &format!("/api/v1/posts/{id}/vote"),
                Some(&voter),
                json!({"value": 1}),
            )
            .await
            .expect(200);
        }
    }
    assert_eq!(points(&a, "ann").await, 200);
    // Accepted solutions and kudos are never capped: a recomputation from
    // the ledger gives the same.
    let root = a.admin("root").await;
    a.post("/api/v1/admin/reputation/recompute", Some(&root), json!({}))
        .await
        .expect(200);
    assert_eq!(points(&a, "ann").await, 200);
}

async fn serial_voting_is_reversed_and_logged(backend: Backend) {
    let a = common::start(backend).await;
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    let cat = a.user("cat").await;
    a.group(&ann, "help", "group").await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(a.thread(&ann, "help", &format!("Note {i}")).await);
    }
    for id in &ids {
        a.post(
            &format!("/api/v1/posts/{id}/vote"),
            Some(&bob),
            json!({"value": 1}),
        )
        .await
        .expect(200);
    }
    a.post(
        &format!("/api/v1/posts/{}/vote", ids[0]),
        Some(&cat),
        json!({"value": 1}),
    )
    .await
    .expect(200);
    assert_eq!(points(&a, "ann").await, 65);

    a.post(
        "/api/v1/admin/reputation/serial-votes",
        Some(&ann),
        json!({}),
    )
    .await
    .expect_error(403);
    let done = a
        .post(
            "/api/v1/admin/reputation/serial-votes",
            Some(&root),
            json!({}),
        )
        .await
        .expect(200);
    let items = done["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{done}");
    assert_eq!(items[0]["voter"]["name"], "bob");
    assert_eq!(items[0]["votes"], 12);
    assert_eq!(items[0]["points"], 60);
    // bob's points are gone, cat's stay.
    assert_eq!(points(&a, "ann").await, 5);
    let log = a
        .get("/api/v1/modlog?action=reverse_serial_votes", None)
        .await
        .expect(200);
    let entry = &log["items"][0];
    assert_eq!(entry["person"]["name"], "bob");
    assert_eq!(entry["moderator"], Value::Null);
    assert!(entry["reason"]
        .as_str()
        .expect("reason")
        .contains("12 votes"));
    // A second run finds nothing left to reverse.
    let again = a
        .post(
            "/api/v1/admin/reputation/serial-votes",
            Some(&root),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(again["items"], json!([]));
}

async fn kudos_ranks_privileges_and_penalties(backend: Backend) {
    let a = common::start_with(backend, |c| {
        c.reputation.newcomer_ranks = vec!["Newcomer".into()];
        c.reputation.ranks = vec![
            rank("Newcomer", 0, false),
            rank("Member", 10, false),
            rank("Expert", 20, true),
        ];
    })
    .await;
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    let sam = a.user("sam").await;
    let tia = a.user("tia").await;
    a.group(&root, "help", "group").await;
    for t in [&ann, &bob, &sam, &tia] {
        a.post("/api/v1/groups/help/join", Some(t), json!({}))
            .await
            .expect(200);
    }

    // Staff is a role an admin gives; it shows on the profile and actor.
    a.put(
        "/api/v1/admin/people/sam/role",
        Some(&ann),
        json!({"role": "staff"}),
    )
    .await
    .expect_error(403);
    a.put(
        "/api/v1/admin/people/sam/role",
        Some(&root),
        json!({"role": "chief"}),
    )
    .await
    .expect_error(422);
    for staff in ["sam", "tia"] {
        let r = a
            .put(
                &format!("/api/v1/admin/people/{staff}/role"),
                Some(&root),
                json!({"role": "staff"}),
            )
            .await
            .expect(200);
        assert_eq!(r["role"], "staff");
    }
    let profile = a.get("/api/v1/people/sam", None).await.expect(200);
    assert_eq!(profile["role"], "staff");
    let actor = a
        .client
        .get(format!("{}/u/sam", a.url))
        .header("Accept", "application/activity+json")
        .send()
        .await
        .expect("actor")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(actor["instanceRole"], "staff");

    // A newcomer may not post links.
    let ann_view = a.get("/api/v1/people/ann", None).await.expect(200);
    assert_eq!(ann_view["reputation"]["rank"], "Newcomer");
    assert_eq!(ann_view["reputation"]["next_rank"]["name"], "Member");
    let link = json!({"title": "See this", "body": "https://example.com/guide"});
    let refused = a
        .post("/api/v1/groups/help/posts", Some(&ann), link.clone())
        .await
        .expect_error(422);
    assert!(refused["detail"]
        .as_str()
        .expect("detail")
        .contains("Newcomer"));

    // Kudos from staff lift ann to Member: links allowed.
    let tip = a.thread(&ann, "help", "A tip").await;
    a.post(&format!("/api/v1/posts/{tip}/kudos"), Some(&bob), json!({}))
        .await
        .expect_error(403);
    let k = a
        .post(&format!("/api/v1/posts/{tip}/kudos"), Some(&sam), json!({}))
        .await
        .expect(200);
    assert_eq!(k["reputation"], 10);
    assert_eq!(k["rank"], "Member");
    a.post(&format!("/api/v1/posts/{tip}/kudos"), Some(&sam), json!({}))
        .await
        .expect_error(409);
    a.post("/api/v1/groups/help/posts", Some(&ann), link)
        .await
        .expect(201);

    // A second kudos makes her an Expert: her one report hides at once.
    a.post(&format!("/api/v1/posts/{tip}/kudos"), Some(&tia), json!({}))
        .await
        .expect(200);
    let spam = a.thread(&bob, "help", "Cheap watches").await;
    a.post(
        "/api/v1/reports",
        Some(&ann),
        json!({"post_id": spam, "reason": "spam"}),
    )
    .await
    .expect(201);
    let seen = a
        .get(&format!("/api/v1/posts/{spam}"), Some(&root))
        .await
        .expect(200);
    assert_eq!(seen["held"], true, "an Expert's flag hides at once");

    // A removal costs 20; a restore gives it back.
    a.post(
        &format!("/api/v1/posts/{tip}/remove"),
        Some(&root),
        json!({"reason": "off topic"}),
    )
    .await
    .expect(200);
    assert_eq!(points(&a, "ann").await, 0);
    a.post(
        &format!("/api/v1/posts/{tip}/restore"),
        Some(&root),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(points(&a, "ann").await, 20);

    // An upheld report costs 50, once per item.
    let reports = a
        .get("/api/v1/admin/reports", Some(&root))
        .await
        .expect(200);
    let report = reports["items"]
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["post_id"] == spam)
        .expect("the report")["id"]
        .as_i64()
        .expect("id");
    a.post(
        &format!("/api/v1/reports/{report}/resolve"),
        Some(&root),
        json!({"reason": "spam indeed"}),
    )
    .await
    .expect(200);
    assert_eq!(points(&a, "bob").await, -50);
    let history = a
        .get("/api/v1/people/bob/reputation", None)
        .await
        .expect(200);
    assert_eq!(history["items"][0]["reason"], "report_upheld");

    // Leaderboards: ann leads the group's and the server's.
    for path in [
        "/api/v1/leaderboard?period=week",
        "/api/v1/groups/help/leaderboard?period=all",
    ] {
        let board = a.get(path, None).await.expect(200);
        assert_eq!(
            board["items"][0]["person"]["name"], "ann",
            "{path}: {board}"
        );
        assert_eq!(board["items"][0]["points"], 20);
        assert!(board["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["person"]["name"] != "bob"));
    }
    a.get("/api/v1/leaderboard?period=decade", None)
        .await
        .expect_error(400);
}

fn rank(name: &str, min_reputation: i64, hides_at_once: bool) -> Rank {
    Rank {
        name: name.into(),
        min_reputation,
        min_solutions: 0,
        min_days: 0,
        flag_weight: 1.0,
        hides_at_once,
    }
}

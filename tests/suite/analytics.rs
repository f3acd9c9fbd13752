//! Community analytics on a scripted community whose right answers are
//! counted by hand here: members, threads, comments, votes, active people
//! (daily, weekly, monthly), questions answered and solved with their
//! times (nearest rank over the times the server reports per question),
//! top contributors and threads, cohorts; a club's content kept out of
//! the instance's figures and its own figures hidden from outsiders;
//! who may read what; CSV export; a second server's participation counted
//! under its domain.

use crate::common;

use crate::common::{eventually, Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    figures_of_a_scripted_community,
    a_remote_server_is_counted_under_its_domain
);

async fn ask(s: &TestServer, token: &str, group: &str, title: &str) -> i64 {
    s.post(
        &format!("/api/v1/groups/{group}/posts"),
        Some(token),
        json!({"title": title, "body": "Any idea?", "kind": "question"}),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .expect("id")
}

async fn reply(s: &TestServer, token: &str, post: i64) -> i64 {
    s.post(
        &format!("/api/v1/posts/{post}/comments"),
        Some(token),
        json!({"body": "Try this."}),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .expect("id")
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

async fn join(s: &TestServer, token: &str, group: &str) {
    s.post(
        &format!("/api/v1/groups/{group}/join"),
        Some(token),
        json!({}),
    )
    .await
    .expect(200);
}

async fn roll_up(s: &TestServer, admin: &str) {
    let r = s
        .post("/api/v1/admin/analytics/recompute", Some(admin), json!({}))
        .await
        .expect(200);
    assert!(r["days"].as_i64().expect("days") >= 1, "{r}");
}

/// A question's response times as the server reports them: seconds to
/// the first reply and to the accepted answer.
async fn times(s: &TestServer, post: i64) -> (Option<i64>, Option<i64>) {
    let r = s
        .get(&format!("/api/v1/posts/{post}/response"), None)
        .await
        .expect(200);
    let t = |k: &str| {
        r[k].as_str()
            .map(|v| chrono::DateTime::parse_from_rfc3339(v).expect("time"))
    };
    let asked = t("asked_at").expect("asked_at");
    (
        t("first_reply_at").map(|x| (x - asked).num_seconds()),
        t("accepted_at").map(|x| (x - asked).num_seconds()),
    )
}

/// The nearest-rank percentile, as docs/analytics.md defines it.
fn nearest_rank(mut v: Vec<i64>, p: usize) -> i64 {
    v.sort_unstable();
    let rank = (p * v.len()).div_ceil(100).max(1);
    v[rank - 1]
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|i| i[key].as_str().expect("name").to_string())
        .collect()
}

async fn csv(s: &TestServer, path: &str, token: &str) -> (String, String) {
    let res = s
        .client
        .get(format!("{}{path}", s.url))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 200);
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (kind, res.text().await.expect("body"))
}

async fn figures_of_a_scripted_community(backend: Backend) {
    let s = common::start(backend).await;
    let root = s.admin("root").await;
    let owner = s.user("owner").await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    let dan = s.user("dan").await;
    s.group(&owner, "help", "group").await;
    for t in [&ann, &bob, &cat, &dan] {
        join(&s, t, "help").await;
    }
    // Three questions and a discussion.
    let q1 = ask(&s, &ann, "help", "Printer on fire").await;
    let q2 = ask(&s, &ann, "help", "Paper jam").await;
    ask(&s, &dan, "help", "Toner smell").await;
    let t1 = s.thread(&bob, "help", "Our new office").await;
    // q1: bob answers, ann accepts; q2: cat answers; q3: nobody.
    let answer = reply(&s, &bob, q1).await;
    s.post(
        &format!("/api/v1/posts/{q1}/accept"),
        Some(&ann),
        json!({"comment_id": answer}),
    )
    .await
    .expect(200);
    reply(&s, &cat, q2).await;
    reply(&s, &cat, t1).await;
    upvote(&s, &dan, t1).await;
    upvote(&s, &cat, q1).await;

    // A club on the side: its owner quin and its content.
    let quin = s.user("quin").await;
    s.group(&quin, "inner", "club").await;
    let secret = s.thread(&quin, "inner", "The secret plan").await;
    reply(&s, &quin, secret).await;

    // The response times are kept from the event log: wait for them.
    eventually("the response times of q1 and q2", || async {
        let (r1, a1) = times(&s, q1).await;
        let (r2, _) = times(&s, q2).await;
        r1.is_some() && a1.is_some() && r2.is_some()
    })
    .await;
    let (r1, a1) = times(&s, q1).await;
    let (r2, _) = times(&s, q2).await;
    let (r1, a1, r2) = (r1.unwrap(), a1.unwrap(), r2.unwrap());

    // Before an admin's roll-up (the job's first run came at start-up):
    // figures all the same, not an error.
    s.get("/api/v1/analytics/groups/help", Some(&owner))
        .await
        .expect(200);
    roll_up(&s, &root).await;

    let f = s
        .get("/api/v1/analytics/groups/help", Some(&owner))
        .await
        .expect(200);
    assert_eq!(f["group"]["name"], "help");
    assert_eq!(f["by"], "day");
    // owner, ann, bob, cat, dan joined.
    assert_eq!(f["new_members"], 5, "{f}");
    assert_eq!(f["threads"], 4);
    assert_eq!(f["questions"], 3);
    assert_eq!(f["comments"], 3);
    assert_eq!(f["votes"], 2);
    // ann and dan asked, bob posted and answered, cat answered and
    // voted; the owner did nothing.
    assert_eq!(f["active_members"], 4);
    assert_eq!(f["wau"], 4);
    assert_eq!(f["mau"], 4);
    let series = f["series"].as_array().expect("series");
    assert_eq!(series.len(), 30, "the 30 days to today by default");
    let daily: i64 = series.iter().map(|p| p["active"].as_i64().unwrap()).sum();
    let dau = f["dau"].as_f64().unwrap();
    assert!((dau - daily as f64 / 30.0).abs() < 1e-9, "{dau} vs {daily}");
    assert!(dau > 0.0);
    let threads: i64 = series.iter().map(|p| p["threads"].as_i64().unwrap()).sum();
    assert_eq!(threads, 4);

    let q = &f["question_times"];
    assert_eq!(q["asked"], 3, "{q}");
    assert_eq!(q["answered"], 2);
    assert_eq!(q["solved"], 1);
    assert_eq!(q["unanswered"], 1);
    assert!((q["share_answered"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert!((q["share_solved"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    // Two times to a first reply: the median is rank ⌈1⌉ (the smaller),
    // the 90th percentile rank ⌈1.8⌉ = 2 (the larger).
    let reply_times = &q["time_to_first_reply"];
    assert_eq!(reply_times["count"], 2);
    assert_eq!(reply_times["median_secs"], r1.min(r2));
    assert_eq!(reply_times["p90_secs"], r1.max(r2));
    assert_eq!(reply_times["median_secs"], nearest_rank(vec![r1, r2], 50));
    assert_eq!(q["time_to_accepted_answer"]["median_secs"], a1);
    assert_eq!(q["time_to_accepted_answer"]["p90_secs"], a1);

    // ann: 2 threads; bob: a thread and a comment; cat: 2 comments;
    // dan: a thread. Ties: the older account first.
    let who: Vec<String> = f["top_contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(who, ["ann", "bob", "cat", "dan"], "{f}");
    assert_eq!(f["top_contributors"][0]["threads_and_comments"], 2);
    assert_eq!(f["top_contributors"][3]["threads_and_comments"], 1);
    // q1: a comment and a vote; t1 the same (newer); q2 a comment; q3 none.
    assert_eq!(
        names(&f["top_threads"], "title"),
        [
            "Printer on fire",
            "Our new office",
            "Paper jam",
            "Toner smell"
        ]
    );
    let servers = f["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 1, "{f}");
    assert_eq!(servers[0]["local"], true);
    assert_eq!(servers[0]["active"], 4);
    assert_eq!(servers[0]["threads"], 4);
    assert_eq!(servers[0]["comments"], 3);
    assert_eq!(servers[0]["votes"], 2);
    // Everyone joined this week: one cohort of 5, no following week yet.
    let cohorts = f["cohorts"].as_array().unwrap();
    let joined: i64 = cohorts.iter().map(|c| c["members"].as_i64().unwrap()).sum();
    assert_eq!(joined, 5, "{f}");
    let last = cohorts.last().expect("this week's cohort");
    assert_eq!(last["members"], 5);
    assert_eq!(last["retained"], json!([]));

    // The instance: every group but the club.
    let all = s
        .get("/api/v1/analytics/instance?by=week", Some(&root))
        .await
        .expect(200);
    assert_eq!(all["group"], Value::Null);
    assert_eq!(all["threads"], 4, "the club's thread is not counted: {all}");
    assert_eq!(all["comments"], 3);
    assert_eq!(all["active_members"], 4);
    assert_eq!(all["new_members"], 5);
    let text = all.to_string();
    assert!(!text.contains("secret plan"), "{text}");
    assert!(!text.contains("quin"), "{text}");
    // The club's own figures: to its members; "not found" to the
    // moderator of another group.
    let club = s
        .get("/api/v1/analytics/groups/inner", Some(&quin))
        .await
        .expect(200);
    assert_eq!(club["threads"], 1, "{club}");
    assert_eq!(club["comments"], 1);
    s.get("/api/v1/analytics/groups/inner", Some(&owner))
        .await
        .expect_error(404);
    // Moderators read their group only; members nothing.
    s.get("/api/v1/analytics/instance", Some(&owner))
        .await
        .expect_error(403);
    s.get("/api/v1/analytics/groups/help", Some(&ann))
        .await
        .expect_error(403);
    s.get("/api/v1/analytics/groups/help", None)
        .await
        .expect_error(401);
    s.get("/api/v1/analytics/groups/nowhere", Some(&root))
        .await
        .expect_error(404);
    s.post("/api/v1/admin/analytics/recompute", Some(&owner), json!({}))
        .await
        .expect_error(403);
    // Bad ranges say why.
    for bad in [
        "from=2026-13-01",
        "from=2026-12-10&to=2026-12-01",
        "by=year",
        "from=2020-01-01&to=2026-01-01",
    ] {
        s.get(
            &format!("/api/v1/analytics/groups/help?{bad}"),
            Some(&owner),
        )
        .await
        .expect_error(400);
    }

    // CSV: the contributors, the series.
    let (kind, body) = csv(
        &s,
        "/api/v1/analytics/groups/help/export.csv?metric=contributors",
        &owner,
    )
    .await;
    assert!(kind.starts_with("text/csv"), "{kind}");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines[0], "person,local,threads_and_comments");
    assert_eq!(lines[1], "ann,true,2");
    assert_eq!(lines.len(), 5, "{body}");
    let (_, body) = csv(&s, "/api/v1/analytics/instance?format=csv&by=month", &root).await;
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "from,to,new_members,active,threads,comments,votes,questions"
    );
    let threads: i64 = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(4).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(threads, 4, "{body}");

    // A second roll-up recomputes the open days and finds the same.
    let t2 = s.thread(&dan, "help", "Coffee machine").await;
    reply(&s, &owner, t2).await;
    roll_up(&s, &root).await;
    let f = s
        .get("/api/v1/analytics/groups/help", Some(&owner))
        .await
        .expect(200);
    assert_eq!(f["threads"], 5, "{f}");
    assert_eq!(f["comments"], 4);
    assert_eq!(f["active_members"], 5, "the owner commented");
}

async fn a_remote_server_is_counted_under_its_domain(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let bob = b.user("bob").await;
    let support = format!("support@{ah}");
    b.join_remote(&bob, &support).await;

    // ann asks on A; bob answers from B and starts a thread of his own.
    let q = ask(&a, &ann, "support", "Printer on fire").await;
    let on_b = b
        .await_thread(Some(&bob), &support, "Printer on fire")
        .await["id"]
        .as_i64()
        .expect("id");
    reply(&b, &bob, on_b).await;
    b.post(
        &format!("/api/v1/groups/{support}/posts"),
        Some(&bob),
        json!({"title": "Tip from afar", "body": "Unplug it."}),
    )
    .await
    .expect(201);
    a.await_thread(None, "support", "Tip from afar").await;
    eventually("bob's answer on A", || async {
        let t = a.get(&format!("/api/v1/posts/{q}"), None).await.expect(200);
        t["comment_count"] == 1
    })
    .await;

    roll_up(&a, &root).await;
    let f = a
        .get("/api/v1/analytics/groups/support", Some(&ann))
        .await
        .expect(200);
    assert_eq!(f["threads"], 2, "{f}");
    assert_eq!(f["comments"], 1);
    assert_eq!(f["active_members"], 2);
    let servers = f["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 2, "{f}");
    assert_eq!(servers[0]["local"], true);
    assert_eq!(servers[0]["active"], 1);
    assert_eq!(servers[0]["threads"], 1);
    let remote = &servers[1];
    assert_eq!(remote["local"], false);
    assert_eq!(remote["domain"], bh, "{f}");
    assert_eq!(remote["active"], 1);
    assert_eq!(remote["threads"], 1);
    assert_eq!(remote["comments"], 1);
    // bob from B joined, as ann (the owner) did on A.
    assert_eq!(f["new_members"], 2);
    let who: Vec<String> = f["top_contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(who, [format!("bob@{bh}"), "ann".to_string()], "{f}");
    let (_, body) = csv(
        &a,
        "/api/v1/analytics/groups/support/export.csv?metric=servers",
        &ann,
    )
    .await;
    assert!(body.contains(&format!("{bh},false,1,1,1,0")), "{body}");
}

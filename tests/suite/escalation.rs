//! Escalation of unanswered questions on real servers: a question left
//! without a reply past its group's response target reaches the group's
//! moderators and the staff (notifications, a webhook), then the admins;
//! it waits in the Unanswered queue until a reply from another server
//! ends it (the asker's own reply does not) or an accepted answer closes
//! it; a club's question reaches only those who see the club.

use crate::common;

use crate::common::sink::Sink;
use crate::common::{eventually, Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    an_unanswered_question_escalates_until_answered,
    response_targets_are_the_moderators_and_checked
);

/// A check every second: the targets in these tests are seconds long.
async fn server(backend: Backend) -> TestServer {
    common::start_with(backend, |c| c.escalation.check_secs = 1).await
}

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

async fn reply(s: &TestServer, token: &str, post: i64, body: &str) -> i64 {
    s.post(
        &format!("/api/v1/posts/{post}/comments"),
        Some(token),
        json!({ "body": body }),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .expect("id")
}

/// The ids in `token`'s Unanswered queue, oldest first.
async fn queue(s: &TestServer, token: &str) -> Vec<i64> {
    s.get("/api/v1/unanswered", Some(token)).await.expect(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["post_id"].as_i64().expect("post_id"))
        .collect()
}

/// The threads `token` was told of with notifications of `kind`.
async fn told(s: &TestServer, token: &str, kind: &str) -> Vec<i64> {
    s.get(&format!("/api/v1/notifications?kind={kind}"), Some(token))
        .await
        .expect(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|n| n["thread"]["id"].as_i64())
        .collect()
}

async fn targets(s: &TestServer, token: &str, group: &str, first: i64, second: i64) -> Value {
    s.put(
        &format!("/api/v1/groups/{group}/response-targets"),
        Some(token),
        json!({"escalates": true, "first_secs": first, "second_secs": second}),
    )
    .await
    .expect(200)
}

async fn an_unanswered_question_escalates_until_answered(backend: Backend) {
    let a = server(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let root = a.admin("root").await;
    let ann = a.user("ann").await;
    let sam = a.user("sam").await;
    let cat = a.user("cat").await;
    a.put(
        "/api/v1/admin/people/sam/role",
        Some(&root),
        json!({"role": "staff"}),
    )
    .await
    .expect(200);
    a.group(&ann, "help", "group").await;
    a.group(&ann, "insiders", "club").await;
    targets(&a, &ann, "help", 1, 2).await;
    targets(&a, &ann, "insiders", 1, 2).await;
    let sink = Sink::start().await;
    a.post(
        "/api/v1/admin/webhooks",
        Some(&root),
        json!({"url": format!("{}/hook", sink.url), "kinds": ["question.escalated"], "description": "CRM"}),
    )
    .await
    .expect(201);
    let help = format!("help@{}", a.host());
    let bob = b.user("bob").await;
    b.join_remote(&bob, &help).await;

    let router = ask(&a, &cat, "help", "How do I reset the router?").await;
    let modem = ask(&a, &cat, "help", "Why does the modem blink?").await;
    let cable = ask(&a, &cat, "help", "Which cable do I need?").await;
    let secret = ask(&a, &ann, "insiders", "When do we launch?").await;

    // Past the first target: the moderators and staff are told, and the
    // questions wait in their queue, oldest first.
    eventually("three questions in the moderator's queue", || async {
        queue(&a, &ann).await == vec![router, modem, cable, secret]
    })
    .await;
    eventually("the staff member told", || async {
        let t = told(&a, &sam, "unanswered").await;
        [router, modem, cable].iter().all(|q| t.contains(q))
    })
    .await;
    let mine = told(&a, &ann, "unanswered").await;
    assert!([router, modem, cable].iter().all(|q| mine.contains(q)));
    assert!(
        told(&a, &cat, "unanswered").await.is_empty(),
        "not the asker"
    );
    a.get("/api/v1/unanswered", Some(&cat))
        .await
        .expect_error(403);
    let item = &a
        .get("/api/v1/unanswered?group=help", Some(&ann))
        .await
        .expect(200)["items"][0];
    assert_eq!(item["title"], "How do I reset the router?");
    assert_eq!(item["author"]["name"], "cat");
    assert!(item["response"]["escalated_at"].is_string(), "{item}");

    // Past the second target: the admins.
    eventually("the admin told", || async {
        let t = told(&a, &root, "unanswered_to_admins").await;
        [router, modem, cable, secret].iter().all(|q| t.contains(q))
    })
    .await;
    let admin_item = &a
        .get("/api/v1/unanswered?group=help", Some(&root))
        .await
        .expect(200)["items"][0];
    assert_eq!(admin_item["level"], "admins");
    assert!(told(&a, &sam, "unanswered_to_admins").await.is_empty());

    // A club's question reaches only who sees the club: not the staff
    // member outside it (told of the others before the admins were).
    assert!(!told(&a, &sam, "unanswered").await.contains(&secret));
    assert!(!queue(&a, &sam).await.contains(&secret));
    assert!(queue(&a, &root).await.contains(&secret));

    // The webhook hears of both levels, of open groups only.
    let got = sink
        .wait_for("both levels of the router question", |got| {
            let levels: Vec<&str> = got
                .iter()
                .filter(|r| r.body["data"]["thread"]["id"] == router)
                .filter_map(|r| r.body["data"]["level"].as_str())
                .collect();
            levels.contains(&"moderators") && levels.contains(&"admins")
        })
        .await;
    assert!(got.iter().all(|r| r.body["type"] == "question.escalated"));
    assert!(got.iter().all(|r| r.body["data"]["thread"]["id"] != secret));

    // The asker's own reply does not end it; a reply from another server
    // does. The modem question's reply comes after the asker's, so once
    // it left the queue, the asker's reply was seen too.
    reply(&a, &cat, router, "Still stuck, anyone?").await;
    let modem_on_b = b
        .await_thread(Some(&bob), &help, "Why does the modem blink?")
        .await["id"]
        .as_i64()
        .expect("id");
    reply(&b, &bob, modem_on_b, "It is updating its firmware.").await;
    eventually("the modem question out of the queue", || async {
        !queue(&a, &ann).await.contains(&modem)
    })
    .await;
    assert!(
        queue(&a, &ann).await.contains(&router),
        "the asker's reply ends nothing"
    );
    let times = a
        .get(&format!("/api/v1/posts/{modem}/response"), None)
        .await
        .expect(200);
    assert_eq!(times["state"], "replied");
    assert!(times["first_reply_at"].is_string(), "{times}");
    assert_eq!(times["accepted_at"], Value::Null);
    let router_on_b = b
        .await_thread(Some(&bob), &help, "How do I reset the router?")
        .await["id"]
        .as_i64()
        .expect("id");
    reply(&b, &bob, router_on_b, "Hold the button for ten seconds.").await;
    eventually("the router question out of the queue", || async {
        !queue(&a, &ann).await.contains(&router)
    })
    .await;

    // An accepted answer closes a question (here the asker's own).
    let own = reply(&a, &cat, cable, "Found it: the grey one.").await;
    a.post(
        &format!("/api/v1/posts/{cable}/accept"),
        Some(&cat),
        json!({ "comment_id": own }),
    )
    .await
    .expect(200);
    eventually("the cable question closed", || async {
        !queue(&a, &ann).await.contains(&cable)
    })
    .await;
    let times = a
        .get(&format!("/api/v1/posts/{cable}/response"), None)
        .await
        .expect(200);
    assert_eq!(times["state"], "accepted");
    assert!(times["accepted_at"].is_string(), "{times}");
    assert_eq!(times["first_reply_at"], Value::Null);
    assert_eq!(queue(&a, &ann).await, vec![secret]);

    // The club's response times stay in the club.
    a.get(&format!("/api/v1/posts/{secret}/response"), None)
        .await
        .expect_error(403);
}

async fn response_targets_are_the_moderators_and_checked(backend: Backend) {
    let a = server(backend).await;
    let ann = a.user("ann").await;
    let cat = a.user("cat").await;
    a.group(&ann, "help", "group").await;
    let t = a
        .get("/api/v1/groups/help/response-targets", Some(&ann))
        .await
        .expect(200);
    assert_eq!(t["escalates"], true);
    assert_eq!(t["first_secs"], 24 * 3600);
    assert_eq!(t["second_secs"], 48 * 3600);
    assert_eq!(t["first_own"], false);
    a.get("/api/v1/groups/help/response-targets", Some(&cat))
        .await
        .expect_error(403);
    a.put(
        "/api/v1/groups/help/response-targets",
        Some(&cat),
        json!({"escalates": false}),
    )
    .await
    .expect_error(403);
    for bad in [
        json!({"escalates": true, "first_secs": 0}),
        json!({"escalates": true, "first_secs": 7200, "second_secs": 3600}),
        json!({"escalates": true, "first_secs": 200000}),
    ] {
        a.put("/api/v1/groups/help/response-targets", Some(&ann), bad)
            .await
            .expect_error(422);
    }
    a.put(
        "/api/v1/groups/help/response-targets",
        Some(&ann),
        json!({"escalates": true, "first_secs": "soon"}),
    )
    .await
    .expect_error(422);

    // Off: a question past every target stays out of the queue; the
    // one in the group that escalates comes and goes first.
    a.group(&ann, "chat", "group").await;
    let set = a
        .put(
            "/api/v1/groups/chat/response-targets",
            Some(&ann),
            json!({"escalates": false, "first_secs": 1, "second_secs": 2}),
        )
        .await
        .expect(200);
    assert_eq!(set["escalates"], false);
    assert_eq!(set["first_own"], true);
    let quiet = ask(&a, &cat, "chat", "Off topic?").await;
    targets(&a, &ann, "help", 1, 2).await;
    let loud = ask(&a, &cat, "help", "On topic?").await;
    eventually("the help question escalated", || async {
        queue(&a, &ann).await.contains(&loud)
    })
    .await;
    let times = a
        .get(&format!("/api/v1/posts/{loud}/response"), Some(&ann))
        .await
        .expect(200);
    assert!(times["escalated_at"].is_string());
    assert!(!queue(&a, &ann).await.contains(&quiet));
    let quiet_times = a
        .get(&format!("/api/v1/posts/{quiet}/response"), Some(&ann))
        .await
        .expect(200);
    assert_eq!(quiet_times["state"], "waiting");
    let discussion = a.thread(&cat, "help", "Just chatting").await;
    a.get(&format!("/api/v1/posts/{discussion}/response"), None)
        .await
        .expect_error(404);
}

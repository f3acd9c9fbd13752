//! Ideas: statuses set by staff and the group's moderators only, kept as a
//! history, told to everyone who voted, points for the author once; a
//! duplicate's votes merged into the original one vote a person; the idea
//! board; the webhook; and the status across two servers.

use crate::common;

use crate::common::remote::Remote;
use crate::common::sink::Sink;
use crate::common::{eventually, Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    statuses_are_set_by_staff_and_moderators_and_kept_as_history,
    a_duplicate_merges_its_votes_one_vote_a_person,
    an_ideas_status_travels_from_its_groups_server
);

async fn idea(s: &TestServer, token: &str, group: &str, title: &str) -> i64 {
    let made = s
        .post(
            &format!("/api/v1/groups/{group}/posts"),
            Some(token),
            json!({"title": title, "body": format!("Please add {title}."), "kind": "idea"}),
        )
        .await
        .expect(201);
    assert_eq!(made["kind"], "idea");
    assert_eq!(made["idea"]["status"], "new", "{made}");
    made["id"].as_i64().expect("id")
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

async fn set_status(s: &TestServer, token: &str, post: i64, body: Value) -> common::Response {
    s.post(&format!("/api/v1/posts/{post}/status"), Some(token), body)
        .await
}

async fn points(s: &TestServer, person: &str) -> i64 {
    s.get(&format!("/api/v1/people/{person}"), None)
        .await
        .expect(200)["reputation"]["points"]
        .as_i64()
        .expect("points")
}

/// `token`'s notifications of `kind`, newest first.
async fn notes(s: &TestServer, token: &str, kind: &str) -> Vec<Value> {
    s.get(&format!("/api/v1/notifications?kind={kind}"), Some(token))
        .await
        .expect(200)["items"]
        .as_array()
        .expect("items")
        .clone()
}

async fn await_notes(s: &TestServer, token: &str, kind: &str, n: usize) -> Vec<Value> {
    eventually(
        &format!("{n} {kind} notifications on {}", s.url),
        || async { notes(s, token, kind).await.len() >= n },
    )
    .await;
    let got = notes(s, token, kind).await;
    assert_eq!(got.len(), n, "{got:#?}");
    got
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["title"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn statuses_are_set_by_staff_and_moderators_and_kept_as_history(backend: Backend) {
    let a = common::start(backend).await;
    let sink = Sink::start().await;
    let root = a.admin("root").await;
    a.post(
        "/api/v1/admin/webhooks",
        Some(&root),
        json!({"url": format!("{}/hook", sink.url), "kinds": ["idea.status_changed"]}),
    )
    .await
    .expect(201);
    let ann = a.user("ann").await; // owns the group: a moderator
    let sam = a.user("sam").await; // staff
    a.put(
        "/api/v1/admin/people/sam/role",
        Some(&root),
        json!({"role": "staff"}),
    )
    .await
    .expect(200);
    let cal = a.user("cal").await; // the author
    let dan = a.user("dan").await;
    let eve = a.user("eve").await;
    a.group(&ann, "product", "group").await;
    let dark = idea(&a, &cal, "product", "Dark mode").await;
    let other = idea(&a, &cal, "product", "Offline sync").await;
    let talk = a.thread(&cal, "product", "Just chatting").await;
    upvote(&a, &dan, dark).await;
    upvote(&a, &eve, dark).await;

    // Only staff and the group's moderators set a status.
    for (who, token) in [("the author", &cal), ("a member", &dan)] {
        let refused = set_status(&a, token, dark, json!({"status": "planned"}))
            .await
            .expect_error(403);
        assert!(
            refused["detail"].as_str().unwrap().contains("staff"),
            "{who}: {refused}"
        );
    }
    set_status(&a, &ann, talk, json!({"status": "planned"}))
        .await
        .expect_error(422);
    set_status(&a, &ann, dark, json!({"status": "someday"}))
        .await
        .expect_error(422);
    set_status(
        &a,
        &ann,
        dark,
        json!({"status": "planned", "duplicate_of": other}),
    )
    .await
    .expect_error(422);
    a.post(
        &format!("/api/v1/posts/{dark}/status"),
        None,
        json!({"status": "planned"}),
    )
    .await
    .expect_error(401);

    let reviewed = set_status(
        &a,
        &sam,
        dark,
        json!({"status": "under_review", "response": "We are looking into it."}),
    )
    .await
    .expect(200);
    assert_eq!(reviewed["idea"]["status"], "under_review");
    assert_eq!(reviewed["idea"]["response"], "We are looking into it.");
    set_status(
        &a,
        &sam,
        dark,
        json!({"status": "under_review", "response": "We are looking into it."}),
    )
    .await
    .expect_error(409);
    let planned = set_status(
        &a,
        &ann,
        dark,
        json!({"status": "planned", "response": "Coming in 2.0."}),
    )
    .await
    .expect(200);
    assert_eq!(planned["idea"]["status"], "planned");

    // The history, oldest first, with who and the responses.
    let status = a
        .get(&format!("/api/v1/posts/{dark}/status"), None)
        .await
        .expect(200);
    assert_eq!(status["status"], "planned");
    let history = status["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{status}");
    assert_eq!(history[0]["status"], "under_review");
    assert_eq!(history[0]["changed_by"]["name"], "sam");
    assert_eq!(history[0]["response"], "We are looking into it.");
    assert_eq!(history[1]["status"], "planned");
    assert_eq!(history[1]["changed_by"]["name"], "ann");
    assert_eq!(history[1]["response"], "Coming in 2.0.");
    a.get(&format!("/api/v1/posts/{talk}/status"), None)
        .await
        .expect_error(422);

    // Everyone who voted hears of each change; so does the author.
    for token in [&dan, &eve, &cal] {
        let got = await_notes(&a, token, "idea_status", 2).await;
        assert_eq!(got[0]["payload"]["idea_status"], "planned", "{got:#?}");
        assert_eq!(got[0]["thread"]["id"], dark, "{got:#?}");
    }
    // The page shows the status, the response and the history.
    let page = a
        .client
        .get(format!("{}/post/{dark}", a.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Planned"), "{page}");
    assert!(page.contains("Coming in 2.0."));
    assert!(page.contains("We are looking into it."));

    // Points once for "planned", however the status goes back and forth;
    // then once for "shipped".
    let before = points(&a, "cal").await;
    for s in ["under_review", "planned", "in_progress", "planned"] {
        set_status(&a, &ann, dark, json!({"status": s}))
            .await
            .expect(200);
    }
    assert_eq!(points(&a, "cal").await, before);
    set_status(&a, &ann, dark, json!({"status": "shipped"}))
        .await
        .expect(200);
    set_status(&a, &ann, dark, json!({"status": "in_progress"}))
        .await
        .expect(200);
    set_status(&a, &ann, dark, json!({"status": "shipped"}))
        .await
        .expect(200);
    assert_eq!(points(&a, "cal").await, before + 50);
    let ledger = a
        .get("/api/v1/people/cal/reputation", None)
        .await
        .expect(200);
    let reasons: Vec<&str> = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["reason"].as_str())
        .filter(|r| r.starts_with("idea_"))
        .collect();
    assert_eq!(reasons.len(), 2, "{ledger}");
    assert!(reasons.contains(&"idea_planned") && reasons.contains(&"idea_shipped"));

    // The board: by votes, by recent, by status.
    let board = a
        .get("/api/v1/groups/product/ideas", None)
        .await
        .expect(200);
    assert_eq!(titles(&board), ["Dark mode", "Offline sync"]);
    let recent = a
        .get("/api/v1/groups/product/ideas?sort=new", None)
        .await
        .expect(200);
    assert_eq!(titles(&recent), ["Offline sync", "Dark mode"]);
    let shipped = a
        .get("/api/v1/groups/product/ideas?status=shipped", None)
        .await
        .expect(200);
    assert_eq!(titles(&shipped), ["Dark mode"]);
    let new = a
        .get("/api/v1/groups/product/ideas?status=new", None)
        .await
        .expect(200);
    assert_eq!(titles(&new), ["Offline sync"]);
    a.get("/api/v1/groups/product/ideas?status=someday", None)
        .await
        .expect_error(400);
    let board_page = a
        .client
        .get(format!("{}/g/product/ideas?status=shipped", a.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(board_page.contains("Dark mode"), "{board_page}");
    assert!(!board_page.contains("Offline sync"));

    // The webhook hears of each change.
    let got = sink.wait_for("the idea webhooks", |r| r.len() >= 9).await;
    assert_eq!(got.len(), 9);
    assert!(got.iter().all(|r| r.body["type"] == "idea.status_changed"));
    // Deliveries go out side by side: the first change, by what it says.
    let first = &got
        .iter()
        .find(|r| r.body["data"]["previous"] == "new")
        .expect("the first change")
        .body;
    assert_eq!(first["data"]["status"], "under_review", "{first}");
    assert_eq!(first["data"]["response"], "We are looking into it.");
    assert_eq!(first["data"]["thread"]["title"], "Dark mode");
    assert_eq!(first["data"]["changed_by"]["handle"], "sam");
}

async fn a_duplicate_merges_its_votes_one_vote_a_person(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let cal = a.user("cal").await; // wrote the original
    let gus = a.user("gus").await; // wrote the duplicate
    let dan = a.user("dan").await; // votes on both
    let eve = a.user("eve").await; // votes on the duplicate only
    let fay = a.user("fay").await; // votes on the original only
    a.group(&ann, "product", "group").await;
    a.group(&ann, "other", "group").await;
    let original = idea(&a, &cal, "product", "Dark mode").await;
    let copy = idea(&a, &gus, "product", "A dark theme").await;
    let elsewhere = idea(&a, &gus, "other", "Dark mode too").await;
    for token in [&dan, &fay] {
        upvote(&a, token, original).await;
    }
    for token in [&dan, &eve, &cal] {
        upvote(&a, token, copy).await;
    }

    // A duplicate names an idea of its group, not itself, not a duplicate.
    for bad in [
        json!({"status": "duplicate"}),
        json!({"status": "duplicate", "duplicate_of": copy}),
        json!({"status": "duplicate", "duplicate_of": elsewhere}),
    ] {
        set_status(&a, &ann, copy, bad).await.expect_error(422);
    }

    let merged = set_status(
        &a,
        &ann,
        copy,
        json!({"status": "duplicate", "duplicate_of": original, "response": "Same as Dark mode."}),
    )
    .await
    .expect(200);
    assert_eq!(merged["idea"]["status"], "duplicate");
    assert_eq!(merged["idea"]["duplicate_of"]["id"], original);
    assert_eq!(merged["upvotes"], 0, "the duplicate's votes moved");

    // dan counts once, eve's vote moved, cal's dropped (own idea), fay kept.
    let o = a
        .get(&format!("/api/v1/posts/{original}"), Some(&eve))
        .await
        .expect(200);
    assert_eq!(o["upvotes"], 3, "{o}");
    assert_eq!(o["score"], 3);
    assert_eq!(o["my_vote"], 1, "eve's vote is on the original now");
    let c = a
        .get(&format!("/api/v1/posts/{original}"), Some(&cal))
        .await
        .expect(200);
    assert_eq!(c["my_vote"], 0);
    // Voting again on the original is "already voted" for dan and eve.
    for token in [&dan, &eve] {
        a.post(
            &format!("/api/v1/posts/{original}/vote"),
            Some(token),
            json!({"value": 1}),
        )
        .await
        .expect_error(409);
    }

    // A duplicate of a duplicate is refused; the duplicate's voters and
    // author hear of the merge.
    let third = idea(&a, &gus, "product", "Night mode").await;
    set_status(
        &a,
        &ann,
        third,
        json!({"status": "duplicate", "duplicate_of": copy}),
    )
    .await
    .expect_error(422);
    for token in [&dan, &eve, &cal, &gus] {
        let got = await_notes(&a, token, "idea_status", 1).await;
        assert_eq!(got[0]["payload"]["idea_status"], "duplicate");
    }
    assert!(notes(&a, &fay, "idea_status").await.is_empty());
    let page = a
        .client
        .get(format!("{}/post/{copy}", a.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Duplicate of"), "{page}");
    assert!(page.contains(&format!("href=\"/post/{original}\"")));
}

async fn an_ideas_status_travels_from_its_groups_server(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let ah = a.host();
    let ann = a.user("ann").await;
    let cal = a.user("cal").await;
    a.group(&ann, "product", "group").await;
    let bob = b.user("bob").await;
    let product = format!("product@{ah}");
    b.join_remote(&bob, &product).await;

    let on_a = idea(&a, &cal, "product", "Dark mode").await;
    let on_b = b.await_thread(Some(&bob), &product, "Dark mode").await;
    let tb = on_b["id"].as_i64().unwrap();
    assert_eq!(on_b["kind"], "idea");
    assert_eq!(on_b["idea"]["status"], "new");
    upvote(&b, &bob, tb).await;
    eventually("bob's vote on A", || async {
        a.get(&format!("/api/v1/posts/{on_a}"), None)
            .await
            .expect(200)["upvotes"]
            == 1
    })
    .await;

    // Only A sets it: B refuses; a person of another server cannot set it
    // on A (not the author, not A's) nor on B (not from the group's
    // server): the status A's moderator sets next is the only one either
    // records.
    set_status(&b, &bob, tb, json!({"status": "planned"}))
        .await
        .expect_error(409);
    let elsewhere = Remote::start().await;
    let mal = elsewhere.person("mal").await;
    let page_id = a
        .get(&format!("/api/v1/posts/{on_a}"), None)
        .await
        .expect(200)["ap_id"]
        .as_str()
        .unwrap()
        .to_string();
    let forged = mal.activity(
        "Update",
        json!({"type": "Page", "id": page_id, "attributedTo": mal.id, "name": "Dark mode",
               "content": "<p>Shipped!</p>", "ideaStatus": "shipped",
               "to": [common::remote::PUBLIC], "audience": format!("http://{ah}/g/product")}),
    );
    let refused = elsewhere
        .send(&mal, &format!("{}/inbox", a.url), &forged)
        .await;
    assert!(refused.status.is_client_error(), "{:?}", refused.status);
    elsewhere
        .send(&mal, &format!("{}/inbox", b.url), &forged)
        .await;
    set_status(
        &a,
        &ann,
        on_a,
        json!({"status": "planned", "response": "Coming in 2.0."}),
    )
    .await
    .expect(200);

    // The Page carries it as properties and as a readable line.
    let page = a
        .client
        .get(format!("{}/post/{on_a}", a.url))
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(page["ideaStatus"], "planned", "{page}");
    assert_eq!(page["ideaResponse"], "Coming in 2.0.");
    let content = page["content"].as_str().unwrap();
    assert!(content.contains("Status: Planned"), "{content}");
    assert!(content.contains("Coming in 2.0."));

    // B shows it, without the line in the body, and tells its voter.
    eventually("the status on B", || async {
        b.get(&format!("/api/v1/posts/{tb}"), None)
            .await
            .expect(200)["idea"]["status"]
            == "planned"
    })
    .await;
    let seen = b
        .get(&format!("/api/v1/posts/{tb}/status"), None)
        .await
        .expect(200);
    assert_eq!(seen["response"], "Coming in 2.0.", "{seen}");
    assert_eq!(seen["history"].as_array().unwrap().len(), 1, "{seen}");
    let on_a_status = a
        .get(&format!("/api/v1/posts/{on_a}/status"), None)
        .await
        .expect(200);
    assert_eq!(on_a_status["history"].as_array().unwrap().len(), 1);
    assert_eq!(
        seen["history"][0]["changed_by"]["name"],
        format!("ann@{ah}")
    );
    let post = b
        .get(&format!("/api/v1/posts/{tb}"), None)
        .await
        .expect(200);
    assert!(
        !post["body_html"].as_str().unwrap().contains("Status:"),
        "{post}"
    );
    let got = await_notes(&b, &bob, "idea_status", 1).await;
    assert_eq!(got[0]["payload"]["idea_status"], "planned");
    // B credits the author in its own ledger (bob's upvote, and planned).
    eventually("cal's points on B", || async {
        points(&b, &format!("cal@{ah}")).await == 5 + 20
    })
    .await;
    let shown = b
        .client
        .get(format!("{}/post/{tb}", b.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("Planned") && shown.contains("Coming in 2.0."));

    // A later change follows.
    set_status(&a, &ann, on_a, json!({"status": "shipped"}))
        .await
        .expect(200);
    eventually("shipped on B", || async {
        b.get(&format!("/api/v1/posts/{tb}/status"), None)
            .await
            .expect(200)["history"]
            .as_array()
            .map_or(0, Vec::len)
            == 2
    })
    .await;
    let seen = b
        .get(&format!("/api/v1/posts/{tb}/status"), None)
        .await
        .expect(200);
    assert_eq!(seen["status"], "shipped");
    assert_eq!(seen["response"], Value::Null);
}

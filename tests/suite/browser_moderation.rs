//! The moderators' pages in a real browser: a report handled from the
//! queue, a held comment approved, a club's pending member approved, a ban
//! from the bans page, roles and settings; a non-moderator gets the 403
//! page; hostile text (a report's reason, a watched word) shows as text.
//! The form steps again with JavaScript off.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::{Backend, TestServer};
use serde_json::json;

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

async fn sign_in(b: &Browser, name: &str) {
    b.open("/login").await;
    b.fill("Username", name).await;
    b.fill("Password", &format!("password-{name}")).await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;
}

/// The source holds the hostile string only escaped.
async fn shows_as_text(b: &Browser) {
    assert!(
        b.text().await.contains(HOSTILE),
        "the hostile text is not shown"
    );
    let source = b.source().await;
    assert!(
        !source.contains("<script>alert(1)") && !source.contains("<img src=x"),
        "hostile markup reached the page"
    );
}

struct Cast {
    mona: String,
    rex: String,
    sam: String,
    pia: String,
    post_id: i64,
    comment_id: i64,
}

/// mona owns the group `makers` and the club `inner`; sam comments in
/// makers and rex reports the comment with a hostile reason; pia asks to
/// join the club.
async fn cast(server: &TestServer) -> Cast {
    let mona = server.user("mona").await;
    let rex = server.user("rex").await;
    let sam = server.user("sam").await;
    let pia = server.user("pia").await;
    server.group(&mona, "makers", "group").await;
    server.group(&mona, "inner", "club").await;
    for t in [&rex, &sam] {
        server
            .post("/api/v1/groups/makers/join", Some(t), json!({}))
            .await
            .expect(200);
    }
    let post_id = server.thread(&mona, "makers", "Show your benches").await;
    let comment_id = server
        .post(
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(&sam),
            json!({"body": "Buy cheap benches at spam.example"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("comment id");
    server
        .post(
            "/api/v1/reports",
            Some(&rex),
            json!({"comment_id": comment_id, "reason": HOSTILE}),
        )
        .await
        .expect(201);
    let m = server
        .post("/api/v1/groups/inner/join", Some(&pia), json!({}))
        .await
        .expect(200);
    assert_eq!(m["state"], "pending");
    Cast {
        mona,
        rex,
        sam,
        pia,
        post_id,
        comment_id,
    }
}

/// The steps every moderator takes through plain forms.
async fn walk(server: &TestServer, b: &Browser, cast: &Cast, check: bool) {
    sign_in(b, "mona").await;

    // The list of groups I moderate leads to each group's queue.
    b.open("/moderate").await;
    b.wait_for_text("Groups you moderate").await;
    if check {
        b.check_page("moderate-index").await;
    }
    b.follow("The makers group").await;
    assert_eq!(b.path().await, "/moderate/g/makers");
    b.wait_for_text("Buy cheap benches at spam.example").await;
    shows_as_text(b).await;
    if check {
        b.check_page("moderate-reports").await;
    }

    // Remove the comment from the queue: the report is closed and readers
    // no longer see the comment.
    b.fill("Answer to the reporter", "Spam, removed.").await;
    b.press("Remove and close").await;
    b.wait_for_text("No open reports.").await;
    let thread = server
        .get(&format!("/api/v1/posts/{}", cast.post_id), Some(&cast.rex))
        .await
        .expect(200);
    let c = &thread["comments"][0];
    assert_eq!(c["id"], cast.comment_id);
    assert_eq!(c["removed"], true);
    assert_eq!(c["body_html"], "");
    let mine = server
        .get("/api/v1/reports/mine", Some(&cast.rex))
        .await
        .expect(200);
    assert_eq!(mine["items"][0]["state"], "resolved", "{mine}");

    // The club's pending member is approved from the members page.
    b.open("/moderate/g/inner/members").await;
    b.wait_for_text("pia").await;
    if check {
        b.check_page("moderate-members").await;
    }
    b.press("Approve").await;
    b.wait_for_text("No one is waiting.").await;
    let g = server
        .get("/api/v1/groups/inner", Some(&cast.pia))
        .await
        .expect(200);
    assert_eq!(g["membership"]["state"], "accepted", "{g}");

    // A ban from the bans page: sam can no longer post.
    b.open("/moderate/g/makers/bans").await;
    b.wait_for_text("No one is banned.").await;
    b.fill("Person (name or name@host)", "sam").await;
    b.fill("Reason", "Spamming the group").await;
    b.fill("Days (empty: for good)", "7").await;
    b.press("Ban").await;
    b.wait_for_text("Spamming the group").await;
    assert!(b.text().await.contains("until "));
    if check {
        b.check_page("moderate-bans").await;
    }
    server
        .post(
            &format!("/api/v1/posts/{}/comments", cast.post_id),
            Some(&cast.sam),
            json!({"body": "Still here?"}),
        )
        .await
        .expect_error(403);
}

#[tokio::test]
async fn a_moderator_works_the_queues_from_the_pages() {
    let server = common::start(Backend::Sqlite).await;
    let cast = cast(&server).await;
    let Some(b) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    walk(&server, &b, &cast, true).await;

    b.open("/moderate/g/makers/bans").await;
    b.press("Lift the ban").await;
    b.wait_for_text("No one is banned.").await;
    // A name that is no one: said on the page, nothing done.
    b.fill("Person (name or name@host)", "nobody").await;
    b.press("Ban").await;
    b.wait_for_text("no person named \"nobody\"").await;
    assert!(b.text().await.contains("No one is banned."));

    // The thread page's ban form (person, reason, days, csrf, next) posts
    // to the group's ban route and comes back to `next`.
    let back = format!("/post/{}", cast.post_id);
    b.client
        .execute(
            "const f = document.createElement('form');
             f.method = 'post'; f.action = '/moderate/g/makers/ban';
             const csrf = document.querySelector('meta[name=csrf-token]').content;
             for (const [k, v] of [['person', 'sam'], ['reason', 'From the thread'],
                                   ['days', ''], ['csrf', csrf], ['next', arguments[0]]]) {
               const i = document.createElement('input');
               i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
             }
             document.body.appendChild(f); f.submit();",
            vec![json!(back)],
        )
        .await
        .expect("post the thread page's ban form");
    for _ in 0..100 {
        if b.path().await == back {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(b.path().await, back);
    b.open("/moderate/g/makers/bans").await;
    b.wait_for_text("From the thread").await;
    assert!(b.text().await.contains("for good"));
    b.press("Lift the ban").await;
    b.wait_for_text("No one is banned.").await;

    // A watched word that holds comments: rex's comment waits for review
    // and is approved from the review queue.
    b.open("/moderate/g/makers/settings").await;
    b.fill("Word or phrase", "benchmarking").await;
    let hold = b.find("#word-action option[value=\"hold\"]").await;
    hold.click().await.expect("choose hold");
    b.press("Add the word").await;
    b.wait_for_text("benchmarking").await;
    b.fill("Word or phrase", HOSTILE).await;
    b.press("Add the word").await;
    b.wait_for_text("alert(2)").await;
    shows_as_text(&b).await;
    b.check_page("moderate-settings").await;
    let held = server
        .post(
            &format!("/api/v1/posts/{}/comments", cast.post_id),
            Some(&cast.rex),
            json!({"body": "My benchmarking bench"}),
        )
        .await
        .expect(201);
    assert_eq!(held["held"], true, "{held}");
    b.open("/moderate/g/makers/review").await;
    b.wait_for_text("My benchmarking bench").await;
    b.check_page("moderate-review").await;
    b.press("Approve").await;
    b.wait_for_text("Nothing is waiting for review.").await;
    let thread = server
        .get(&format!("/api/v1/posts/{}", cast.post_id), Some(&cast.pia))
        .await
        .expect(200);
    assert!(
        thread["comments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["body"] == "My benchmarking bench" && c["held"] == false),
        "{thread}"
    );

    // Settings: a new title.
    b.open("/moderate/g/makers/settings").await;
    b.fill("Title", "Makers of benches").await;
    b.press("Save").await;
    b.wait_for_text("Makers of benches").await;
    let g = server.get("/api/v1/groups/makers", None).await.expect(200);
    assert_eq!(g["title"], "Makers of benches");

    // Roles: rex becomes a moderator, and then sees the group's queue.
    b.open("/moderate/g/makers/members").await;
    b.find("button[aria-label=\"Make rex a moderator\"]")
        .await
        .click()
        .await
        .expect("make moderator");
    b.settle().await;
    b.wait_for_text("Remove as moderator").await;
    server
        .get("/api/v1/groups/makers/reports", Some(&cast.rex))
        .await
        .expect(200);
    b.close().await;

    // pia moderates nothing: the moderation pages are a 403 page for her.
    let Some(p) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    sign_in(&p, "pia").await;
    p.open("/moderate").await;
    p.wait_for_text("You moderate no group.").await;
    for path in ["/moderate/g/makers", "/moderate/g/makers/bans", "/admin"] {
        p.open(path).await;
        p.wait_for_text("You may not do this").await;
    }
    p.check_page("moderate-forbidden").await;
    p.close().await;
    let _ = &cast.mona;
    server.stop().await;
}

#[tokio::test]
async fn a_moderator_works_the_queues_without_javascript() {
    let server = common::start(Backend::Sqlite).await;
    let cast = cast(&server).await;
    let Some(b) = Browser::start(&server.url, Script::Off).await else {
        return;
    };
    walk(&server, &b, &cast, false).await;
    b.close().await;
    server.stop().await;
}

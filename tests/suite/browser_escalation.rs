//! The Unanswered queue and the response targets in a real browser: a
//! moderator sets the group's targets on its settings page (a wrong value
//! is shown back as a problem), finds the question that waited too long
//! in the queue from the moderators' area and on the group's tab; someone
//! who moderates nothing gets the 403 page. The form again without
//! JavaScript.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::{eventually, Backend};
use serde_json::json;

async fn sign_in(b: &Browser, name: &str) {
    b.open("/login").await;
    b.fill("Username", name).await;
    b.fill("Password", &format!("password-{name}")).await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;
}

async fn walk(script: Script, check: bool) {
    let server = common::start_with(Backend::Sqlite, |c| c.escalation.check_secs = 1).await;
    let ann = server.user("ann").await;
    let cat = server.user("cat").await;
    server.group(&ann, "help", "group").await;
    let Some(b) = Browser::start(&server.url, script).await else {
        return;
    };
    sign_in(&b, "ann").await;

    // The targets, in hours: one second, then two.
    b.open("/moderate/g/help/settings").await;
    b.wait_for_text("Response targets").await;
    b.fill("First target (hours)", "soon").await;
    b.press("Save the response targets").await;
    b.wait_for_text("a number of hours").await;
    b.fill("First target (hours)", "0.0003").await;
    b.fill("Second target (hours)", "0.0006").await;
    b.press("Save the response targets").await;
    // Accepted: redirected back to the settings page (the refused form
    // above was shown at the form's own address).
    b.wait_for_path("/moderate/g/help/settings").await;
    b.wait_for_text("Server default: 24 hours").await;
    let t = server
        .get("/api/v1/groups/help/response-targets", Some(&ann))
        .await
        .expect(200);
    assert_eq!(
        (t["first_secs"].as_i64(), t["second_secs"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(t["escalates"], true);
    if check {
        b.check_page("escalation-settings").await;
    }

    let title = "Where is the <b>reset</b> button?";
    server
        .post(
            "/api/v1/groups/help/posts",
            Some(&cat),
            json!({"title": title, "body": "Any idea?", "kind": "question"}),
        )
        .await
        .expect(201);
    eventually("the question escalated", || async {
        server
            .get("/api/v1/unanswered", Some(&ann))
            .await
            .expect(200)["items"]
            .as_array()
            .is_some_and(|i| !i.is_empty())
    })
    .await;
    b.open("/moderate").await;
    b.follow("Unanswered questions").await;
    b.wait_for_text(title).await;
    assert!(
        !b.source().await.contains("<b>reset"),
        "the title shows as text"
    );
    if check {
        b.check_page("escalation-queue").await;
    }
    b.open("/moderate/g/help/unanswered").await;
    b.wait_for_text(title).await;
    b.wait_for_text("cat").await;
    if check {
        b.check_page("escalation-group-queue").await;
    }
    b.close().await;

    let Some(c) = Browser::start(&server.url, script).await else {
        return;
    };
    sign_in(&c, "cat").await;
    c.open("/moderate/unanswered").await;
    c.wait_for_text("You may not do this").await;
    c.close().await;
    server.stop().await;
}

#[tokio::test]
async fn a_moderator_sets_targets_and_finds_unanswered_questions() {
    walk(Script::On, true).await;
}

#[tokio::test]
async fn the_targets_form_works_without_javascript() {
    walk(Script::Off, false).await;
}

//! An idea's status in a real browser: a moderator sets it with its form
//! (the page shows the status, the response and the history; a bad
//! duplicate is refused on the page), and the group's idea board filters
//! by status. axe-core checks both pages.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::Backend;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_sets_an_ideas_status_and_the_board_filters_it() {
    let server = common::start(Backend::Sqlite).await;
    let ann = server.user("ann").await;
    let cal = server.user("cal").await;
    server.group(&ann, "product", "group").await;
    let mut ids = Vec::new();
    for title in ["Dark mode", "Offline sync"] {
        let made = server
            .post(
                "/api/v1/groups/product/posts",
                Some(&cal),
                json!({"title": title, "body": "Please.", "kind": "idea"}),
            )
            .await
            .expect(201);
        ids.push(made["id"].as_i64().expect("id"));
    }
    let Some(b) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    b.open("/login").await;
    b.fill("Username", "ann").await;
    b.fill("Password", "password-ann").await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;

    let dark = ids[0];
    b.open(&format!("/post/{dark}")).await;
    b.wait_for_text("New").await;
    b.find("#idea-status details.moderate summary")
        .await
        .click()
        .await
        .expect("open the form");
    // A duplicate of nothing the form can name is refused on the page.
    b.find("#idea-status-choice option[value='duplicate']")
        .await
        .click()
        .await
        .expect("choose");
    b.fill(
        "Duplicate of (the number or address of the idea, for Duplicate)",
        "the other one",
    )
    .await;
    b.press("Save the status").await;
    b.wait_for_text("Name the idea this one duplicates").await;

    b.find("#idea-status-choice option[value='planned']")
        .await
        .click()
        .await
        .expect("choose");
    b.fill(
        "Duplicate of (the number or address of the idea, for Duplicate)",
        "",
    )
    .await;
    b.fill("Public response (optional)", "Coming in 2.0.").await;
    b.press("Save the status").await;
    b.wait_for_text("Coming in 2.0.").await;
    b.find("#idea-status-h .tag").await;
    let text = b.text().await;
    assert!(text.contains("Planned"), "{text}");
    b.check_page("idea-status").await;
    let api = server
        .get(&format!("/api/v1/posts/{dark}/status"), None)
        .await
        .expect(200);
    assert_eq!(api["status"], "planned");
    assert_eq!(api["history"][0]["changed_by"]["name"], "ann");

    // The board, from the group's page, filtered to planned ideas.
    b.open("/g/product").await;
    b.follow("Idea board").await;
    b.wait_for_text("Offline sync").await;
    b.find("#idea-filter option[value='planned']")
        .await
        .click()
        .await
        .expect("choose");
    b.press("Show").await;
    // The filtered page replaces the whole board.
    let mut board = String::new();
    for _ in 0..200 {
        board = b.text().await;
        if !board.contains("Offline sync") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!board.contains("Offline sync"), "{board}");
    assert!(board.contains("Dark mode"), "{board}");
    assert!(b.path().await.starts_with("/g/product/ideas"));
    b.check_page("idea-board").await;
    b.close().await;
}

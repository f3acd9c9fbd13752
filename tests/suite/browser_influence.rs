//! The influencers page in a real browser: a group's moderator reads the
//! group's ranking on its tab, with whom each person answered and their
//! most valued threads; an admin reads the instance's; a member gets the
//! 403 page.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::Backend;
use serde_json::json;

async fn sign_in(b: &Browser, name: &str) {
    b.open("/login").await;
    b.fill("Username", name).await;
    b.fill("Password", &format!("password-{name}")).await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;
}

#[tokio::test]
async fn moderators_and_admins_read_the_influencers() {
    let s = common::start(Backend::Sqlite).await;
    let root = s.admin("root").await;
    let owner = s.user("owner").await;
    let ada = s.user("ada").await;
    s.group(&owner, "star", "group").await;
    let centre = s.thread(&ada, "star", "Ask <i>me</i> anything").await;
    for name in ["ben", "cyd", "dot"] {
        let t = s.user(name).await;
        s.post(
            &format!("/api/v1/posts/{centre}/comments"),
            Some(&t),
            json!({"body": "Thanks!"}),
        )
        .await
        .expect(201);
    }
    s.post("/api/v1/admin/influence/recompute", Some(&root), json!({}))
        .await
        .expect(200);

    let Some(b) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    sign_in(&b, "owner").await;
    b.open("/moderate/g/star").await;
    b.follow("Influencers").await;
    b.wait_for_text("Most valued threads").await;
    let first = b.find("#influence-1").await.text().await.expect("text");
    assert!(first.starts_with("ada"), "{first}");
    assert!(
        first.contains("Ask <i>me</i> anything"),
        "titles as text: {first}"
    );
    b.check_page("influence-group").await;
    b.open("/moderate/influence").await;
    b.wait_for_text("You may not do this").await;
    b.close().await;

    let Some(a) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    sign_in(&a, "root").await;
    a.open("/moderate").await;
    a.follow("Influencers").await;
    a.wait_for_text("Answered most").await;
    a.check_page("influence-instance").await;
    a.close().await;
    s.stop().await;
}

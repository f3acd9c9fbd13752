//! A member finds a group on another server from the directory's box,
//! joins it from its page here, and a thread posted there reaches their
//! home page here: two real servers, one real browser.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::Backend;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_joins_a_group_on_another_server_and_reads_it_at_home() {
    let a = common::start(Backend::Sqlite).await;
    let b = common::start(Backend::Sqlite).await;
    a.user("ann").await;
    let bob = b.user("bob").await;
    b.group(&bob, "garden", "group").await;
    let bh = b.host();
    let Some(browser) = Browser::start(&a.url, Script::On).await else {
        return;
    };

    browser.open("/login").await;
    browser.fill("Username", "ann").await;
    browser.fill("Password", "password-ann").await;
    browser.press("Sign in").await;
    browser.wait_for_text("Sign out").await;

    // A handle nobody answers is shown on the form.
    browser.open("/groups").await;
    browser
        .fill("Handle or address", &format!("@nobody@{bh}"))
        .await;
    browser.press("Find").await;
    browser.wait_for_text("nobody").await;
    assert_eq!(browser.path().await, "/groups/find");
    browser.find(".problem").await;

    // The group on B, found by its handle, has a page here.
    browser
        .fill("Handle or address", &format!("@garden@{bh}"))
        .await;
    browser.press("Find").await;
    browser.wait_for_text("The garden group").await;
    assert_eq!(browser.path().await, format!("/g/garden@{bh}"));
    browser.wait_for_text(&format!("Hosted at {bh}")).await;
    browser.check_page("group-remote").await;
    browser.press("Join").await;

    // B accepts: the page shows the membership once it arrives.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        browser.open(&format!("/g/garden@{bh}")).await;
        if browser.text().await.contains("Leave") {
            break;
        }
        assert!(Instant::now() < deadline, "B never accepted the join");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A thread posted on B reaches Ann's home page on A.
    b.thread(&bob, "garden", "Planting garlic in autumn").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        browser.open("/").await;
        if browser.text().await.contains("Planting garlic in autumn") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the thread never reached the home page on A"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    browser.wait_for_text(&format!("from {bh}")).await;
    browser.check_page("home-remote-thread").await;
    browser.follow("Planting garlic in autumn").await;
    browser.wait_for_text("See the original").await;
    browser.check_page("thread-remote").await;
    browser.close().await;
    b.stop().await;
    a.stop().await;
}

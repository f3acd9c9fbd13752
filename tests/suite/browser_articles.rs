//! Blogs and articles in a real browser: a group's blog, writing a draft
//! and publishing it from its form, the article's page with its summary
//! and tags, a person's blog, and the private feed token in the settings;
//! axe-core checks every page.

use crate::common;

use crate::common::browser::{Browser, Script};
use serde_json::json;

async fn sign_in(b: &Browser, name: &str) {
    b.open("/login").await;
    b.fill("Username", name).await;
    b.fill("Password", &format!("password-{name}")).await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_writes_in_its_blog() {
    let s = common::start(common::Backend::Sqlite).await;
    let owner = s.user("owner").await;
    s.group(&owner, "news", "group").await;
    s.post(
        "/api/v1/groups/news/articles",
        Some(&owner),
        json!({"title": "Our first announcement", "body": "Hello **everyone**.",
               "summary": "We say hello", "tags": ["hello", "news"]}),
    )
    .await
    .expect(201);
    let Some(b) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    sign_in(&b, "owner").await;

    b.open("/g/news/blog").await;
    b.wait_for_text("Our first announcement").await;
    b.check_page("blog").await;

    b.follow("Write an article").await;
    b.wait_for_text("New article").await;
    b.check_page("article-form").await;
    b.fill("Title", "Coming soon").await;
    b.fill(
        "Summary (plain text, shown in lists, feeds and on Mastodon)",
        "A teaser",
    )
    .await;
    b.fill("Text (Markdown)", "Something *new*.").await;
    b.fill("Tags", "teaser").await;
    b.press("Save").await;
    b.wait_for_text("only you and the group's moderators see it")
        .await;
    b.check_page("article-draft").await;

    b.follow("Edit the article (summary, cover, tags, publication)")
        .await;
    b.wait_for_text("Edit the article").await;
    b.find("input[name='state'][value='published']")
        .await
        .click()
        .await
        .expect("choose publish now");
    b.press("Save").await;
    b.wait_for_text("A teaser").await;
    assert!(!b
        .text()
        .await
        .contains("only you and the group's moderators"));

    b.open("/u/owner/blog").await;
    b.wait_for_text("Coming soon").await;
    b.check_page("person-blog").await;

    b.open("/settings/feeds").await;
    b.press("Make a feed token").await;
    b.wait_for_text("shown this once").await;
    b.check_page("feed-settings").await;
    b.close().await;
    s.stop().await;
}

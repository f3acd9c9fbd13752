//! Search in a real browser: from the header's box to the results page,
//! the words found marked, tabs by kind, a query with nothing to look for,
//! a club's thread kept from a visitor, and a hostile title shown as text.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::Backend;
use serde_json::json;

const XSS: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

#[tokio::test]
async fn a_visitor_searches_from_the_header() {
    let server = common::start(Backend::Sqlite).await;
    let ann = server.user("ann").await;
    server.group(&ann, "garden", "group").await;
    server.group(&ann, "orchard", "club").await;
    for (group, title, body) in [
        (
            "garden",
            format!("{XSS} tomatoes"),
            "Tomatoes and basil in pots.",
        ),
        (
            "garden",
            "Basil pesto".to_string(),
            "Basil from the garden, pounded.",
        ),
        (
            "orchard",
            "Secret tomatoes".to_string(),
            "Only members read this.",
        ),
    ] {
        server
            .post(
                &format!("/api/v1/groups/{group}/posts"),
                Some(&ann),
                json!({"title": title, "body": body}),
            )
            .await
            .expect(201);
    }
    let Some(b) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    b.open("/").await;
    // The header's box: type and press Enter.
    b.fill("Search", "tomatoes\u{E007}").await;
    b.settle().await;
    b.wait_for_text("Results for “tomatoes”").await;
    assert!(b.path().await.starts_with("/search?q=tomatoes"));
    let text = b.text().await;
    assert!(text.contains(&format!("{XSS} tomatoes")), "{text}");
    assert!(
        !text.contains("Secret tomatoes"),
        "a club's thread shown to a visitor"
    );
    assert!(
        text.contains("in The garden group") && text.contains("by ann"),
        "{text}"
    );
    assert!(
        b.find_all("img[src=x]").await.is_empty(),
        "the title became HTML"
    );
    assert!(!b.source().await.contains("<script>alert(1)"));
    let marked = b.find("mark").await.text().await.unwrap_or_default();
    assert_eq!(marked.to_lowercase(), "tomatoes");
    b.check_page("search-results").await;

    // The page's own form, then the groups tab.
    b.fill("Search for", "garden").await;
    b.press("Search").await;
    b.wait_for_text("Results for “garden”").await;
    b.wait_for_text("Basil pesto").await;
    // The tab (the header has a "Groups" link too).
    b.find(".search-tabs a[href*='type=groups']")
        .await
        .click()
        .await
        .expect("click the groups tab");
    b.settle().await;
    b.wait_for_text("The garden group").await;
    assert!(b.path().await.contains("type=groups"));
    b.check_page("search-groups").await;

    // Nothing to look for: said so, no error page.
    b.open("/search?q=%22%2A%26").await;
    b.wait_for_text("no words to look for").await;
    b.check_page("search-problem").await;
    b.open("/search").await;
    b.check_page("search-empty").await;
    b.close().await;

    // Without script (axe-core needs it: checked above), from the empty
    // search page.
    let Some(b) = Browser::start(&server.url, Script::Off).await else {
        return;
    };
    b.open("/search").await;
    b.fill("Search for", "basil").await;
    b.press("Search").await;
    b.wait_for_text("Basil pesto").await;
    b.wait_for_text(&format!("{XSS} tomatoes")).await;
    b.close().await;
    server.stop().await;
}

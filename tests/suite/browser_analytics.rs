//! The analytics page in a real browser: a group's moderator reads the
//! group's figures on its tab (the chart, the summary, the tables),
//! changes the range with the form and downloads a CSV; an admin reads
//! the instance's; a member of the group gets the 403 page.

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
async fn moderators_and_admins_read_the_analytics() {
    let s = common::start(Backend::Sqlite).await;
    let root = s.admin("root").await;
    let owner = s.user("owner").await;
    let ada = s.user("ada").await;
    s.group(&owner, "desk", "group").await;
    s.post("/api/v1/groups/desk/join", Some(&ada), json!({}))
        .await
        .expect(200);
    let t = s.thread(&ada, "desk", "Where is <b>the</b> stapler?").await;
    s.post(
        &format!("/api/v1/posts/{t}/comments"),
        Some(&owner),
        json!({"body": "In the drawer."}),
    )
    .await
    .expect(201);
    s.post("/api/v1/admin/analytics/recompute", Some(&root), json!({}))
        .await
        .expect(200);

    let Some(b) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    sign_in(&b, "owner").await;
    b.open("/moderate/g/desk").await;
    b.follow("Analytics").await;
    b.wait_for_text("Participation by server").await;
    let active = b.find("#a-active").await.text().await.expect("text");
    assert_eq!(active, "2");
    let threads = b
        .find("#analytics-threads")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        threads.contains("Where is <b>the</b> stapler?"),
        "titles as text: {threads}"
    );
    let chart = b
        .find("svg.chart title")
        .await
        .html(false)
        .await
        .expect("svg title");
    assert!(chart.contains("Active people"), "{chart}");
    b.check_page("analytics-group").await;
    // By week, through the form.
    b.labelled("By")
        .await
        .select_by_value("week")
        .await
        .expect("select week");
    b.press("Show").await;
    let src = b.source().await;
    assert!(
        src.contains(r#"<option value="week" selected"#),
        "the form kept the choice"
    );
    assert!(src.contains("metric=contributors"), "CSV links");
    b.open("/moderate/analytics").await;
    b.wait_for_text("You may not do this").await;
    b.close().await;

    let Some(a) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    sign_in(&a, "root").await;
    a.open("/moderate").await;
    a.follow("Analytics").await;
    a.wait_for_text("Retention").await;
    a.check_page("analytics-instance").await;
    a.close().await;

    let Some(m) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    sign_in(&m, "ada").await;
    m.open("/moderate/g/desk/analytics").await;
    m.wait_for_text("You may not do this").await;
    m.close().await;
    s.stop().await;
}

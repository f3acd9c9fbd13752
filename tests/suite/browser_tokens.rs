//! The integration tokens page in a real browser: an admin creates a token
//! (shown once on the page), the token opens its scope's API, and
//! revoking it on the page shuts it out.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::Backend;

#[tokio::test]
async fn an_admin_creates_and_revokes_a_token_from_the_page() {
    let server = common::start(Backend::Sqlite).await;
    server.admin("ada").await;
    let Some(b) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    b.open("/login").await;
    b.fill("Username", "ada").await;
    b.fill("Password", "password-ada").await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;

    b.open("/admin").await;
    b.follow("Integration tokens").await;
    b.wait_for_text("No integration tokens yet.").await;
    b.check_page("admin-tokens").await;

    // No scope ticked: said on the form.
    b.fill("Name", "CRM").await;
    b.press("Create the token").await;
    b.wait_for_text("name at least one of").await;

    b.fill("Name", "CRM").await;
    b.find("input[value=\"webhooks:manage\"]")
        .await
        .click()
        .await
        .expect("tick webhooks:manage");
    b.press("Create the token").await;
    b.wait_for_text("Token created: CRM").await;
    let token = b
        .find("#token-value")
        .await
        .prop("value")
        .await
        .expect("the token's value")
        .unwrap_or_default();
    assert!(token.starts_with("ghi_"), "{token}");
    b.check_page("admin-tokens-created").await;

    // The token opens the webhooks API.
    server
        .get("/api/v1/admin/webhooks", Some(&token))
        .await
        .expect(200);

    // Listed again, the token is not shown.
    b.open("/admin/tokens").await;
    b.wait_for_text("webhooks:manage").await;
    assert!(!b.source().await.contains(&token));

    b.press("Revoke").await;
    b.wait_for_text("revoked 20").await;
    let refused = server
        .get("/api/v1/admin/webhooks", Some(&token))
        .await
        .expect_error(401);
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("was revoked"),
        "{refused}"
    );
    b.close().await;
    server.stop().await;
}

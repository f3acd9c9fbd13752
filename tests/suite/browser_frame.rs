//! The frame of every page, in a real browser: the home page, signing in
//! and out, error pages for browsers (JSON for the API), security headers
//! and the CSRF check.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::Backend;

#[tokio::test]
async fn a_visitor_signs_in_and_out_and_sees_html_errors() {
    let server = common::start(Backend::Sqlite).await;
    server.user("ada").await;
    let Some(b) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    b.open("/").await;
    assert!(b.text().await.contains(&server.config.site_name));
    b.check_page("home-visitor").await;

    b.follow("Sign in").await;
    b.check_page("login").await;
    b.fill("Username", "ada").await;
    b.fill("Password", "wrong password").await;
    b.press("Sign in").await;
    b.wait_for_text("wrong username or password").await;

    b.fill("Password", "password-ada").await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;
    assert_eq!(b.path().await, "/");

    b.open("/no/such/page").await;
    b.wait_for_text("Nothing here").await;
    b.check_page("error-404").await;

    b.open("/").await;
    b.press("Sign out").await;
    b.wait_for_text("Sign in").await;
    b.close().await;
    server.stop().await;
}

#[tokio::test]
async fn pages_carry_a_csp_and_forms_need_their_csrf_token() {
    let server = common::start(Backend::Sqlite).await;
    server.user("bea").await;
    let page = server
        .client
        .get(format!("{}/login", server.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("gh_csrf=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    // Without the token: refused, and no session is opened.
    let forged = server
        .client
        .post(format!("{}/login", server.url))
        .header("accept", "text/html")
        .form(&[("username", "bea"), ("password", "password-bea")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(
        !forged
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("gh_session=")),
        "a forged form opened a session"
    );
    let body = forged.text().await.unwrap();
    assert!(
        body.contains("<html") && body.contains("another site"),
        "{body}"
    );

    // The API keeps its JSON errors.
    server.get("/api/v1/nothing", None).await.expect_error(404);
}

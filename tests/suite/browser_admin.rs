//! The admin pages in a real browser: registration approval, a domain
//! blocked on the federation page, watched words, terms, roles, the audit
//! log, and the branding (preview first, then saved: the new name in every
//! page's header, the accent colour on buttons, the footer link). The form
//! steps again with JavaScript off.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::{Backend, TestServer};
use guildhall::config::RegistrationMode;
use serde_json::json;

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

async fn sign_in(b: &Browser, name: &str) {
    b.open("/login").await;
    b.fill("Username", name).await;
    b.fill("Password", &format!("password-{name}")).await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;
}

async fn approval_server() -> TestServer {
    common::start_with(Backend::Sqlite, |c| {
        c.registration = RegistrationMode::Approval
    })
    .await
}

/// Registers `name`, who waits for approval.
async fn sign_up(server: &TestServer, name: &str) {
    server
        .post(
            "/api/v1/accounts",
            None,
            json!({"username": name, "password": format!("password-{name}")}),
        )
        .await
        .expect(201);
    server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": name, "password": format!("password-{name}")}),
        )
        .await
        .expect_error(403);
}

async fn choose(b: &Browser, select: &str, value: &str) {
    b.find(&format!("#{select} option[value=\"{value}\"]"))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("choose {value} in {select}: {e}"));
}

/// The background colour of the first element matching `css`.
async fn background(b: &Browser, css: &str) -> String {
    let v = b
        .client
        .execute(
            "return getComputedStyle(document.querySelector(arguments[0])).backgroundColor",
            vec![json!(css)],
        )
        .await
        .expect("computed style");
    v.as_str().unwrap_or_default().to_string()
}

/// The steps through plain forms: approve a registration, block a
/// domain, brand the site.
async fn walk(server: &TestServer, b: &Browser, admin: &str, check: bool) {
    sign_in(b, "ada").await;
    b.open("/admin").await;
    b.wait_for_text("Registrations waiting").await;
    if check {
        b.check_page("admin-index").await;
    }

    b.follow("Registrations waiting").await;
    b.wait_for_text("newbie").await;
    if check {
        b.check_page("admin-registrations").await;
    }
    b.press("Approve").await;
    b.wait_for_text("No one is waiting for approval.").await;
    server.login("newbie").await;

    b.open("/admin/federation").await;
    b.fill("Server (domain)", "spam.example").await;
    choose(b, "fed-policy", "blocked").await;
    b.press("Set the policy").await;
    b.wait_for_text("spam.example").await;
    if check {
        b.check_page("admin-federation").await;
    }
    let fed = server
        .get("/api/v1/admin/federation", Some(admin))
        .await
        .expect(200);
    assert!(
        fed["domains"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["domain"] == "spam.example" && d["policy"] == "blocked"),
        "{fed}"
    );

    b.open("/admin/branding").await;
    b.fill("Site name", "Makers Hall").await;
    b.fill("Accent colour (#rrggbb)", "#8a2be2").await;
    b.fill(
        "Introduction on the home page (Markdown)",
        "Welcome, **makers**.",
    )
    .await;
    b.fill("Footer links", "Code of conduct | /about").await;
    b.press("Preview").await;
    b.wait_for_text("This is a preview").await;
    assert_eq!(
        b.find("header .brand span").await.text().await.unwrap(),
        "Makers Hall"
    );
    assert_eq!(
        background(b, ".preview a.button").await,
        "rgb(138, 43, 226)",
        "the preview shows the accent colour"
    );
    if check {
        b.check_page("admin-branding-preview").await;
    }
    // Nothing saved yet.
    let saved = server
        .get("/api/v1/admin/branding", Some(admin))
        .await
        .expect(200);
    assert_eq!(saved["site_name"], server.config.site_name);

    b.press("Save").await;
    b.wait_for_text("The branding is saved.").await;
    for path in ["/", "/admin", "/moderate", "/login?next=/admin"] {
        b.open(path).await;
        assert_eq!(
            b.find("header .brand span").await.text().await.unwrap(),
            "Makers Hall",
            "the header of {path}"
        );
    }
    b.open("/").await;
    b.wait_for_text("Welcome, makers.").await;
    b.follow("Code of conduct").await;
    assert_eq!(b.path().await, "/about");
    b.open("/admin/branding").await;
    assert_eq!(
        background(b, "form button[value=\"save\"]").await,
        "rgb(138, 43, 226)",
        "buttons take the accent colour"
    );
    let saved = server
        .get("/api/v1/admin/branding", Some(admin))
        .await
        .expect(200);
    assert_eq!(saved["site_name"], "Makers Hall");
    assert_eq!(saved["accent_colour"], "#8a2be2");
    assert_eq!(saved["footer_links"][0]["url"], "/about");
}

#[tokio::test]
async fn an_admin_approves_blocks_and_brands_from_the_pages() {
    let server = approval_server().await;
    let admin = server.admin("ada").await;
    sign_up(&server, "newbie").await;
    let Some(b) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    walk(&server, &b, &admin, true).await;

    // A refused branding is shown on the form again, nothing saved.
    b.open("/admin/branding").await;
    b.fill("Footer links", "Evil | javascript:alert(1)").await;
    b.press("Save").await;
    b.wait_for_text("a footer link goes to").await;
    b.check_page("admin-branding").await;

    // A domain that is not one: said on the page.
    b.open("/admin/federation").await;
    b.fill("Server (domain)", "not a domain").await;
    b.press("Set the policy").await;
    b.wait_for_text("a domain is a host name").await;

    // Watched words of the whole server: hostile text shows as text.
    b.open("/admin/words").await;
    b.fill("Word or phrase", HOSTILE).await;
    b.press("Add the word").await;
    b.wait_for_text("alert(2)").await;
    assert!(b.text().await.contains(HOSTILE));
    let source = b.source().await;
    assert!(!source.contains("<script>alert(1)") && !source.contains("<img src=x"));
    b.check_page("admin-words").await;

    // Terms: a new version.
    b.open("/admin/terms").await;
    b.wait_for_text("No terms of service are published.").await;
    b.fill("Terms (Markdown)", "Be **kind**.").await;
    b.press("Publish").await;
    b.wait_for_text("Version 1").await;
    b.check_page("admin-terms").await;
    let t = server.get("/api/v1/terms", None).await.expect(200);
    assert_eq!(t["body"], "Be **kind**.");

    // Roles: newbie becomes an instance moderator.
    b.open("/admin/roles").await;
    b.fill("Account name", "newbie").await;
    choose(&b, "role-role", "moderator").await;
    b.press("Set the role").await;
    b.wait_for_text("Role set: newbie: Moderator").await;
    b.check_page("admin-roles").await;

    // The audit log lists what was done.
    b.open("/admin/audit").await;
    b.wait_for_text("domain_policy").await;
    assert!(b.text().await.contains("branding"));
    b.check_page("admin-audit").await;

    // The instance queues.
    b.open("/admin/reports").await;
    b.wait_for_text("No open reports.").await;
    b.check_page("admin-reports").await;
    b.open("/admin/review").await;
    b.wait_for_text("Nothing is waiting for review.").await;
    b.check_page("admin-review").await;
    b.close().await;

    // The new moderator sees the moderation parts, not the admins'.
    let Some(m) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    sign_in(&m, "newbie").await;
    m.open("/admin").await;
    m.wait_for_text("Audit log").await;
    assert!(!m.text().await.contains("Branding"));
    m.open("/admin/federation").await;
    m.wait_for_text("spam.example").await;
    for path in ["/admin/branding", "/admin/registrations", "/admin/roles"] {
        m.open(path).await;
        m.wait_for_text("You may not do this").await;
    }
    m.check_page("admin-forbidden").await;
    m.close().await;

    // The API refuses a non-admin, and checks like the page.
    let newbie = server.login("newbie").await;
    server
        .get("/api/v1/admin/branding", Some(&newbie))
        .await
        .expect_error(403);
    server
        .put(
            "/api/v1/admin/branding",
            Some(&admin),
            json!({"site_name": "X", "accent_colour": "red"}),
        )
        .await
        .expect_error(422);
    server.stop().await;
}

#[tokio::test]
async fn an_admin_approves_blocks_and_brands_without_javascript() {
    let server = approval_server().await;
    let admin = server.admin("ada").await;
    sign_up(&server, "newbie").await;
    let Some(b) = Browser::start(&server.url, Script::Off).await else {
        return;
    };
    walk(&server, &b, &admin, false).await;
    b.close().await;
    server.stop().await;
}

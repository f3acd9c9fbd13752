//! People and their accounts, in a real browser: signing up in the three
//! registration modes (accepting the terms), resetting a password by
//! email, the settings (profile, password, notification choices,
//! sessions), the notification list, a person's page (standing, badges,
//! following, what of a club it shows), the info pages, and hostile text
//! in a profile shown as text. The form walks run again without script.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::smtp::SmtpServer;
use crate::common::{Backend, TestServer};
use fantoccini::Locator;
use guildhall::config::{RegistrationMode, Verification};
use serde_json::json;

const XSS: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

/// Signs `name` in through the page (password `password-<name>`).
async fn sign_in(b: &Browser, name: &str) {
    b.open("/login").await;
    b.fill("Username", name).await;
    b.fill("Password", &format!("password-{name}")).await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;
}

/// Ticks the checkbox labelled `label`.
async fn tick(b: &Browser, label: &str) {
    b.labelled(label).await.click().await.expect("tick");
}

/// Clicks the element `xpath` names and waits for the page it leads to.
async fn click(b: &Browser, xpath: &str) {
    b.client
        .find(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("no {xpath}: {e}"))
        .click()
        .await
        .expect("click");
    b.settle().await;
}

/// The number in the header's unread count (hidden when zero).
async fn unread(b: &Browser) -> (String, bool) {
    let count = b.find("#unread-count").await;
    let hidden = count
        .attr("class")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
        .split_whitespace()
        .any(|c| c == "none");
    let text = count
        .prop("textContent")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    (text.trim().to_string(), hidden)
}

async fn try_login(s: &TestServer, name: &str, password: &str) -> u16 {
    s.post(
        "/api/v1/auth/login",
        None,
        json!({"username": name, "password": password}),
    )
    .await
    .status
    .as_u16()
}

async fn publish_terms(s: &TestServer, admin: &str) {
    s.put(
        "/api/v1/admin/terms",
        Some(admin),
        json!({"body": "# House rules\n\nBe **kind**."}),
    )
    .await
    .expect(201);
}

async fn sign_up_open(script: Script) {
    let s = common::start(Backend::Sqlite).await;
    let root = s.admin("root").await;
    s.user("taken").await;
    s.group(&root, "hall", "group").await;
    publish_terms(&s, &root).await;
    let Some(b) = Browser::start(&s.url, script).await else {
        return;
    };
    b.open("/").await;
    b.follow("Sign up").await;
    b.wait_for_text("I accept the terms of service").await;
    if script == Script::On {
        b.check_page("signup").await;
    }
    // A name already taken: the form again, with the problem and what
    // was typed.
    b.fill("Username", "taken").await;
    b.fill("Password", "a-long-password").await;
    tick(&b, "I accept the terms of service").await;
    b.press("Create my account").await;
    b.wait_for_text("is taken").await;

    b.fill("Username", "newcomer").await;
    b.fill("Password", "password-newcomer").await;
    tick(&b, "I accept the terms of service").await;
    b.press("Create my account").await;
    b.wait_for_text("Sign out").await;
    assert_eq!(b.path().await, "/");
    // Signed in at once, with the terms accepted: posting is allowed.
    let token = s.login("newcomer").await;
    s.thread(&token, "hall", "Hello from a newcomer").await;

    b.open("/terms").await;
    b.wait_for_text("Be kind.").await;
    if script == Script::On {
        b.check_page("terms").await;
    }
    b.close().await;
    s.stop().await;
}

#[tokio::test]
async fn sign_up_accepting_the_terms() {
    sign_up_open(Script::On).await;
}

#[tokio::test]
async fn sign_up_accepting_the_terms_without_script() {
    sign_up_open(Script::Off).await;
}

#[tokio::test]
async fn approval_mode_waits_for_an_admin() {
    let s = common::start_with(Backend::Sqlite, |c| {
        c.registration = RegistrationMode::Approval
    })
    .await;
    let root = s.admin("root").await;
    let Some(b) = Browser::start(&s.url, Script::Off).await else {
        return;
    };
    b.open("/signup").await;
    b.wait_for_text("An administrator approves new accounts")
        .await;
    b.fill("Username", "patient").await;
    b.fill("Password", "password-patient").await;
    b.press("Create my account").await;
    b.wait_for_text("waiting for an administrator's approval")
        .await;
    assert!(!b.text().await.contains("Sign out"));

    b.open("/login").await;
    b.fill("Username", "patient").await;
    b.fill("Password", "password-patient").await;
    b.press("Sign in").await;
    b.wait_for_text("waiting for an administrator's approval")
        .await;

    s.post(
        "/api/v1/admin/registrations/patient/approve",
        Some(&root),
        json!({}),
    )
    .await
    .expect(200);
    sign_in(&b, "patient").await;
    b.close().await;
    s.stop().await;
}

#[tokio::test]
async fn closed_mode_shows_no_form() {
    let s = common::start_with(Backend::Sqlite, |c| {
        c.registration = RegistrationMode::Closed
    })
    .await;
    let Some(b) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    b.open("/signup").await;
    b.wait_for_text("Sign-up is closed on this server.").await;
    assert!(b.find_all("form[action='/signup']").await.is_empty());
    b.check_page("signup-closed").await;
    b.close().await;
    s.stop().await;
}

#[tokio::test]
async fn a_password_is_reset_by_email() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let s = common::start_with(Backend::Sqlite, move |c| {
        c.smtp.url = url;
        c.smtp.from = "Guildhall <hall@example.com>".into();
        c.email.verification = Verification::Optional;
        c.events.poll_ms = 100;
    })
    .await;
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "forgetful", "password": "password-forgetful",
               "email": "forgetful@example.com"}),
    )
    .await
    .expect(201);
    let Some(b) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    b.open("/login").await;
    b.follow("Forgot your password?").await;
    b.check_page("password-reset").await;
    b.fill("Username or email address", "forgetful@example.com")
        .await;
    b.press("Send the link").await;
    b.wait_for_text("a link is on its way").await;

    let mail = smtp
        .wait_for("forgetful@example.com", "reset your password")
        .await;
    let link = mail
        .link(&format!("{}/password_reset/", s.url))
        .expect("a reset link");
    b.open(link.trim_start_matches(&s.url)).await;
    b.wait_for_text("For the account forgetful").await;
    b.check_page("password-new").await;
    b.fill(
        "New password (at least 8 characters)",
        "a-brand-new-password",
    )
    .await;
    b.press("Set the password").await;
    b.wait_for_text("Password changed").await;

    assert_eq!(try_login(&s, "forgetful", "password-forgetful").await, 401);
    assert_eq!(
        try_login(&s, "forgetful", "a-brand-new-password").await,
        200
    );
    // The link worked once.
    b.open(link.trim_start_matches(&s.url)).await;
    b.wait_for_text("This link no longer works").await;
    b.close().await;
    s.stop().await;
}

/// A session opened by another browser: its cookie.
async fn other_session(s: &TestServer, name: &str) -> String {
    let csrf = "fedcba9876543210fedcba9876543210";
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Second browser")
        .build()
        .expect("client");
    let res = client
        .post(format!("{}/login", s.url))
        .header("cookie", format!("gh_csrf={csrf}"))
        .form(&[
            ("username", name),
            ("password", &format!("password-{name}")),
            ("csrf", csrf),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303);
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("gh_session="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string()
}

/// Whether a session cookie still opens the settings page.
async fn signed_in_with(s: &TestServer, cookie: &str) -> bool {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = client
        .get(format!("{}/settings", s.url))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .expect("settings");
    res.status() == 200
}

async fn settings_walk(script: Script) {
    let s = common::start(Backend::Sqlite).await;
    let api = s.user("ann").await;
    let Some(b) = Browser::start(&s.url, script).await else {
        return;
    };
    sign_in(&b, "ann").await;
    let second = other_session(&s, "ann").await;
    assert!(signed_in_with(&s, &second).await);

    b.follow("Settings").await;
    b.wait_for_text("Sessions").await;
    if script == Script::On {
        b.check_page("settings").await;
    }
    // The profile, with hostile text in both fields.
    let name = format!("Ann {XSS}");
    b.fill("Display name", &name).await;
    b.fill("About you", &format!("I *grow* tomatoes. {XSS}"))
        .await;
    b.press("Save the profile").await;
    b.wait_for_text("Your profile is saved.").await;
    b.open("/u/ann").await;
    b.wait_for_text(&name).await;
    let text = b.text().await;
    assert!(text.contains("I grow tomatoes."), "{text}");
    // The name shown as text; the bio's Markdown sanitized: no script, no
    // handler survives.
    assert!(b.find_all("img[onerror]").await.is_empty());
    assert!(b.find_all("script:not([src])").await.is_empty());
    assert!(b.source().await.contains("&lt;script&gt;alert(1)"));

    // A notification choice.
    b.open("/settings").await;
    b.labelled("Replies to your threads")
        .await
        .select_by_value("off")
        .await
        .expect("choose");
    b.press("Save the notification settings").await;
    b.wait_for_text("Your notification settings are saved.")
        .await;
    let prefs = s
        .get("/api/v1/notifications/preferences", Some(&api))
        .await
        .expect(200);
    let reply = prefs["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["kind"] == "thread_reply")
        .expect("thread_reply")
        .clone();
    assert_eq!(reply["delivery"], "off");

    // Sign out the other browser's session: its cookie no longer works.
    b.wait_for_text("Second browser").await;
    click(
        &b,
        "//tr[contains(., 'Second browser')]//button[normalize-space(.)='Sign out this session']",
    )
    .await;
    b.wait_for_text("That session is signed out.").await;
    assert!(!b.text().await.contains("Second browser"));
    assert!(!signed_in_with(&s, &second).await);
    // Everywhere else: the API token too.
    b.press("Sign out everywhere else").await;
    b.wait_for_text("Every other session is signed out.").await;
    s.get("/api/v1/me", Some(&api)).await.expect_error(401);

    // The password: the current one is checked; this session stays.
    b.fill("Current password", "not my password").await;
    b.fill("New password", "a-better-password").await;
    b.press("Change the password").await;
    b.wait_for_text("the current password is not right").await;
    b.fill("Current password", "password-ann").await;
    b.fill("New password", "a-better-password").await;
    b.press("Change the password").await;
    b.wait_for_text("Your password is changed").await;
    assert!(b.text().await.contains("Sign out"));
    assert_eq!(try_login(&s, "ann", "password-ann").await, 401);
    assert_eq!(try_login(&s, "ann", "a-better-password").await, 200);
    b.close().await;
    s.stop().await;
}

#[tokio::test]
async fn settings_change_profile_password_notifications_and_sessions() {
    settings_walk(Script::On).await;
}

#[tokio::test]
async fn settings_without_script() {
    settings_walk(Script::Off).await;
}

#[tokio::test]
async fn notifications_are_listed_and_marked_read() {
    let s = common::start(Backend::Sqlite).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.group(&ann, "garden", "group").await;
    let post = s.thread(&ann, "garden", "Tomatoes").await;
    for body in ["Water them in the morning.", "And not too much."] {
        s.post(
            &format!("/api/v1/posts/{post}/comments"),
            Some(&bob),
            json!({ "body": body }),
        )
        .await
        .expect(201);
    }
    common::eventually("two notifications", || async {
        s.get("/api/v1/notifications/unread_count", Some(&ann))
            .await
            .expect(200)["unread"]
            == 2
    })
    .await;
    let Some(b) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    sign_in(&b, "ann").await;
    assert_eq!(unread(&b).await, ("2".to_string(), false));
    b.follow("Notifications 2").await;
    b.wait_for_text("bob replied to your thread").await;
    assert_eq!(
        b.text().await.matches("bob replied to your thread").count(),
        2
    );
    assert!(b.text().await.contains("Tomatoes"));
    b.check_page("notifications").await;

    b.press("Mark read").await;
    b.wait_for_text("Mark all read").await;
    assert_eq!(unread(&b).await, ("1".to_string(), false));
    b.press("Mark all read").await;
    b.wait_for_text("bob replied to your thread").await;
    assert!(unread(&b).await.1, "the count is hidden at zero");
    assert!(!b.text().await.contains("Mark all read"));
    // The link leads to the comment.
    assert!(b.find_all("a[href^='/comment/']").await.len() == 2);
    b.close().await;
    s.stop().await;
}

#[tokio::test]
async fn a_person_page_shows_standing_badges_and_follows() {
    let s = common::start(Backend::Sqlite).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.user("cid").await;
    s.group(&ann, "garden", "group").await;
    s.post("/api/v1/groups/garden/join", Some(&bob), json!({}))
        .await;
    let question = s
        .post(
            "/api/v1/groups/garden/posts",
            Some(&ann),
            json!({"title": "Why are my leaves yellow?", "body": "Since May.", "kind": "question"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("id");
    let answer = s
        .post(
            &format!("/api/v1/posts/{question}/comments"),
            Some(&bob),
            json!({"body": "Too much water, I would say."}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("id");
    s.post(
        &format!("/api/v1/posts/{question}/accept"),
        Some(&ann),
        json!({ "comment_id": answer }),
    )
    .await
    .expect(200);
    // Bob's thread in a club that ann is not in: never on his page for her.
    s.group(&bob, "secretclub", "club").await;
    s.thread(&bob, "secretclub", "Club only musings").await;
    s.thread(&bob, "garden", &format!("Bob's open thread {XSS}"))
        .await;
    common::eventually("bob's badge", || async {
        s.get("/api/v1/people/bob/badges", None)
            .await
            .body
            .to_string()
            .contains("first_solution")
    })
    .await;

    let Some(b) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    // A visitor sees the page, without the club's thread.
    b.open("/u/bob").await;
    b.wait_for_text("First solution").await;
    let text = b.text().await;
    assert!(text.contains("Accepted solutions"), "{text}");
    assert!(text.contains("Next rank: Member"), "{text}");
    assert!(text.contains(&format!("Bob's open thread {XSS}")), "{text}");
    assert!(text.contains("Too much water"), "{text}");
    assert!(!text.contains("Club only musings"), "{text}");
    b.check_page("person-visitor").await;

    sign_in(&b, "ann").await;
    b.open("/u/bob").await;
    b.wait_for_text("First solution").await;
    assert!(!b.text().await.contains("Club only musings"));
    b.check_page("person").await;
    b.press("Follow").await;
    b.wait_for_text("Unfollow").await;
    assert!(b.text().await.contains("1 followers"));
    b.follow("1 followers").await;
    b.wait_for_text("People who follow bob").await;
    assert!(b.text().await.contains("@ann"));
    b.check_page("person-followers").await;

    // Bob follows back: friends.
    s.post("/api/v1/people/ann/follow", Some(&bob), json!({}))
        .await
        .expect(200);
    b.open("/u/bob").await;
    b.wait_for_text("Friends").await;
    b.follow("Friends").await;
    b.wait_for_text("Friends of bob").await;
    assert!(b.text().await.contains("@ann"));

    // The club's member sees it on bob's page.
    b.press("Sign out").await;
    sign_in(&b, "bob").await;
    b.open("/u/bob").await;
    b.wait_for_text("Club only musings").await;
    b.close().await;
    s.stop().await;
}

#[tokio::test]
async fn info_pages_leaderboard_modlog_about() {
    let s = common::start(Backend::Sqlite).await;
    let root = s.admin("root").await;
    let ann = s.user("ann").await;
    s.group(&ann, "garden", "group").await;
    s.group(&ann, "hideout", "club").await;
    let open = s.thread(&ann, "garden", "Spam in the open").await;
    let hidden = s.thread(&ann, "hideout", "Spam in the club").await;
    for (post, reason) in [(open, "open spam"), (hidden, "club spam")] {
        s.post(
            &format!("/api/v1/posts/{post}/remove"),
            Some(&root),
            json!({ "reason": reason }),
        )
        .await
        .expect(200);
    }
    let Some(b) = Browser::start(&s.url, Script::On).await else {
        return;
    };
    b.open("/modlog").await;
    b.wait_for_text("Reason: open spam").await;
    assert!(!b.text().await.contains("club spam"));
    b.check_page("modlog").await;
    sign_in(&b, "ann").await;
    b.open("/modlog").await;
    b.wait_for_text("Reason: club spam").await;

    b.open("/leaderboard?period=all").await;
    b.wait_for_text("All time").await;
    b.check_page("leaderboard").await;
    b.open("/about").await;
    b.wait_for_text("Administrators").await;
    let text = b.text().await;
    assert!(text.contains("root"), "{text}");
    assert!(text.contains("federates with every server"), "{text}");
    b.check_page("about").await;
    b.close().await;
    s.stop().await;
}

#[tokio::test]
async fn a_remote_person_page_links_home_and_follows() {
    let a = common::start(Backend::Sqlite).await;
    let b = common::start(Backend::Sqlite).await;
    let ann = a.user("ann").await;
    let bob = b.user("bob").await;
    b.patch(
        "/api/v1/me",
        Some(&bob),
        json!({"display_name": "Bob Remote", "bio": "I live *elsewhere*."}),
    )
    .await
    .expect(200);
    let bh = b.host();
    a.get(&format!("/api/v1/resolve?q=@bob@{bh}"), Some(&ann))
        .await
        .expect(200);
    let Some(br) = Browser::start(&a.url, Script::On).await else {
        return;
    };
    sign_in(&br, "ann").await;
    br.open(&format!("/u/bob@{bh}")).await;
    br.wait_for_text("Bob Remote").await;
    assert!(br.text().await.contains("I live elsewhere."));
    assert!(br.text().await.contains(&format!("@bob@{bh}")));
    let home = br.find(".origin a").await.attr("href").await.ok().flatten();
    assert_eq!(home, Some(format!("{}/u/bob", b.url)));
    br.check_page("person-remote").await;
    br.press("Follow").await;
    br.wait_for_text("Unfollow").await;
    // Their server accepts: bob has a follower.
    common::eventually("bob's follower", || async {
        b.get("/api/v1/people/bob", None).await.expect(200)["followers"] == 1
    })
    .await;
    br.close().await;
    a.stop().await;
    b.stop().await;
}

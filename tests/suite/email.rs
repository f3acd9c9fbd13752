//! Email against an SMTP server the test starts on loopback (a real SMTP
//! conversation with lettre): address verification, password reset,
//! notification mail at once and as a daily digest, one-click unsubscribe,
//! and a server without SMTP saying so.

use crate::common;

use crate::common::smtp::{Received, SmtpServer};
use crate::common::{Backend, TestServer};
use diesel::prelude::*;
use guildhall::config::Verification;
use guildhall::store::schema::notification;
use serde_json::{json, Value};

on_both_backends!(
    verification_is_required_before_login,
    a_reset_link_works_once,
    a_daily_digest_gathers_the_notifications,
    one_click_unsubscribe_stops_that_kind,
    without_smtp_the_mail_features_say_so,
    a_refused_mail_is_sent_again,
);

async fn start(backend: Backend, smtp: &SmtpServer, verification: Verification) -> TestServer {
    let url = smtp.url();
    common::start_with(backend, move |c| {
        c.smtp.url = url;
        c.smtp.from = "Guildhall <hall@example.com>".into();
        c.email.verification = verification;
        c.email.retry_base_secs = 1;
        c.events.poll_ms = 100;
    })
    .await
}

/// A login attempt's answer.
async fn try_login(s: &TestServer, name: &str, password: &str) -> common::Response {
    s.post(
        "/api/v1/auth/login",
        None,
        json!({"username": name, "password": password}),
    )
    .await
}

/// Signs `name` up with `name@example.com`.
async fn sign_up(s: &TestServer, name: &str) -> Value {
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": name, "password": format!("password-{name}"),
               "email": format!("{name}@example.com")}),
    )
    .await
    .expect(201)
}

/// Every mail has a plain-text part and the RFC 8058 headers.
#[track_caller]
fn assert_well_formed(m: &Received, base: &str) {
    let unsubscribe = m.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with(&format!("<{base}/unsubscribe/")) && unsubscribe.ends_with('>'),
        "{unsubscribe}"
    );
    assert_eq!(
        m.header("List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(
        m.header("Content-Type")
            .is_some_and(|c| c.starts_with("text/plain")),
        "{:?}",
        m.header("Content-Type")
    );
    assert_eq!(m.from, "hall@example.com");
}

/// GET or POST a page a mail links to: the status and the HTML.
async fn page(
    s: &TestServer,
    method: reqwest::Method,
    url: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let mut req = s.client.request(method, url);
    if !form.is_empty() {
        req = req.form(form);
    }
    answer(req).await
}

/// POST a form of a page (the new-password form) as a browser does: with
/// its CSRF token, in the cookie and in the form.
async fn post_form(s: &TestServer, url: &str, form: &[(&str, &str)]) -> (u16, String) {
    let token = "0123456789abcdef0123456789abcdef";
    let mut fields = form.to_vec();
    fields.push(("csrf", token));
    let req = s
        .client
        .post(url)
        .header("cookie", format!("gh_csrf={token}"))
        .form(&fields);
    answer(req).await
}

async fn answer(req: reqwest::RequestBuilder) -> (u16, String) {
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    assert!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("text/html")),
        "a page"
    );
    (status, res.text().await.expect("body"))
}

async fn verification_is_required_before_login(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let s = start(backend, &smtp, Verification::Required).await;
    // No address, no account.
    s.post(
        "/api/v1/accounts",
        None,
        json!({"username": "nomail", "password": "password-nomail"}),
    )
    .await
    .expect_error(422);
    sign_up(&s, "ann").await;
    let refused = try_login(&s, "ann", "password-ann").await.expect_error(403);
    assert_eq!(refused["error"], "email_unverified");
    // A wrong password is still only that.
    try_login(&s, "ann", "wrong-password")
        .await
        .expect_error(401);

    let mail = smtp.wait_for("ann@example.com", "confirm your email").await;
    assert_well_formed(&mail, &s.url);
    // Asking again without a session answers the same for anyone (and
    // mails nothing within a minute of the last link).
    for who in [
        json!({"name": "ann"}),
        json!({"email": "nobody@example.com"}),
    ] {
        s.post("/api/v1/auth/verify_email/resend", None, who)
            .await
            .expect(202);
    }
    let link = mail
        .link(&format!("{}/email/verify/", s.url))
        .expect("a verification link");
    let (status, html) = page(&s, reqwest::Method::GET, &link, &[]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("ann@example.com"), "{html}");

    let token = s.login("ann").await;
    let settings = s.get("/api/v1/me/email", Some(&token)).await.expect(200);
    assert_eq!(settings["verified"], true);
    assert_eq!(settings["address"], "ann@example.com");
    // Single use.
    let (status, _) = page(&s, reqwest::Method::GET, &link, &[]).await;
    assert_eq!(status, 410);

    // A new address needs confirming again; its link confirms it.
    let changed = s
        .patch(
            "/api/v1/me/email",
            Some(&token),
            json!({"address": "ann2@example.com"}),
        )
        .await
        .expect(200);
    assert_eq!(changed["verified"], false);
    try_login(&s, "ann", "password-ann").await.expect_error(403);
    let mail = smtp
        .wait_for("ann2@example.com", "confirm your email")
        .await;
    let token2 = mail
        .link(&format!("{}/email/verify/", s.url))
        .expect("link")
        .rsplit('/')
        .next()
        .expect("token")
        .to_string();
    s.post("/api/v1/auth/verify_email", None, json!({"token": token2}))
        .await
        .expect(204);
    s.login("ann").await;
    s.stop().await;
}

async fn a_reset_link_works_once(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let s = start(backend, &smtp, Verification::Optional).await;
    sign_up(&s, "bob").await;
    let old_session = s.login("bob").await;
    // Nobody learns who has an account.
    s.post(
        "/api/v1/auth/password_reset",
        None,
        json!({"email": "nobody@example.com"}),
    )
    .await
    .expect(202);
    s.post(
        "/api/v1/auth/password_reset",
        None,
        json!({"email": "bob@example.com"}),
    )
    .await
    .expect(202);
    let mail = smtp
        .wait_for("bob@example.com", "reset your password")
        .await;
    assert_well_formed(&mail, &s.url);
    assert!(
        smtp.to("nobody@example.com").is_empty(),
        "no mail to an address without an account"
    );
    let link = mail
        .link(&format!("{}/password_reset/", s.url))
        .expect("a reset link");

    let (status, html) = page(&s, reqwest::Method::GET, &link, &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("<form") && html.contains("bob"), "{html}");
    // Without the form's CSRF token: refused, and the link still works.
    let forged = s
        .client
        .post(&link)
        .form(&[("password", "a-forged-password")])
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 403);
    // Too short: refused (the form again), and the link still works.
    let (status, html) = post_form(&s, &link, &[("password", "short")]).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("<form") && html.contains("at least 8"),
        "{html}"
    );
    let (status, html) = post_form(&s, &link, &[("password", "a-new-password")]).await;
    assert_eq!(status, 200, "{html}");

    // Every session ended; the new password works, the old does not.
    s.get("/api/v1/me", Some(&old_session))
        .await
        .expect_error(401);
    try_login(&s, "bob", "password-bob").await.expect_error(401);
    try_login(&s, "bob", "a-new-password").await.expect(200);

    // Used: 410, on the page and through the API.
    let (status, _) = page(&s, reqwest::Method::GET, &link, &[]).await;
    assert_eq!(status, 410);
    let (status, _) = post_form(&s, &link, &[("password", "another-password")]).await;
    assert_eq!(status, 410);
    let token = link.rsplit('/').next().expect("token");
    s.post(
        "/api/v1/auth/password_reset/confirm",
        None,
        json!({"token": token, "password": "another-password"}),
    )
    .await
    .expect_error(410);
    s.post(
        "/api/v1/auth/password_reset/confirm",
        None,
        json!({"token": "no-such-token", "password": "another-password"}),
    )
    .await
    .expect_error(404);
    s.stop().await;
}

/// `who` comments on thread `post`.
async fn reply(s: &TestServer, who: &str, post: i64, body: &str) {
    s.post(
        &format!("/api/v1/posts/{post}/comments"),
        Some(who),
        json!({"body": body}),
    )
    .await
    .expect(201);
}

/// Waits until `token`'s member has `n` unread notifications.
async fn await_unread(s: &TestServer, token: &str, n: i64) {
    common::eventually(&format!("{n} notifications"), || async {
        s.get("/api/v1/notifications/unread_count", Some(token))
            .await
            .expect(200)["unread"]
            == n
    })
    .await;
}

async fn delivery(s: &TestServer, token: &str, kind: &str) -> Value {
    let all = s
        .get("/api/v1/notifications/preferences", Some(token))
        .await
        .expect(200);
    all["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["kind"] == kind)
        .map(|p| p["delivery"].clone())
        .expect("the kind")
}

async fn unmailed(s: &TestServer, person: i64) -> i64 {
    s.app
        .store
        .run(move |conn| {
            Ok(notification::table
                .filter(notification::person_id.eq(person))
                .filter(notification::emailed_at.is_null())
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .expect("count")
}

async fn a_daily_digest_gathers_the_notifications(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let s = start(backend, &smtp, Verification::Off).await;
    let carol_id = sign_up(&s, "carol").await["id"].as_i64().expect("id");
    sign_up(&s, "dave").await;
    let carol = s.login("carol").await;
    let dave = s.login("dave").await;
    s.group(&carol, "garden", "group").await;
    let post = s.thread(&carol, "garden", "Tomatoes").await;
    let daily = s
        .patch(
            "/api/v1/me/email",
            Some(&carol),
            json!({"frequency": "daily"}),
        )
        .await
        .expect(200);
    assert_eq!(daily["frequency"], "daily");
    // Replies are mailed by default: two replies, two notifications.
    reply(&s, &dave, post, "Water them in the morning.").await;
    reply(&s, &dave, post, "And not too much.").await;
    await_unread(&s, &carol, 2).await;

    // Not yet a day since daily mail was chosen.
    let now = guildhall::store::now();
    let made = guildhall::jobs::notification_mail::digests(&s.app, now)
        .await
        .expect("digests");
    assert_eq!(made, 0);
    assert_eq!(unmailed(&s, carol_id).await, 2);

    // A day later: one mail with both.
    let tomorrow = now + chrono::Duration::hours(25);
    let made = guildhall::jobs::notification_mail::digests(&s.app, tomorrow)
        .await
        .expect("digests");
    assert_eq!(made, 1);
    let mail = smtp.wait_for("carol@example.com", "daily digest (2)").await;
    assert_well_formed(&mail, &s.url);
    let body = mail.body();
    assert_eq!(body.matches("thread reply: dave").count(), 2, "{body}");
    assert!(body.contains("Tomatoes"), "{body}");
    assert_eq!(unmailed(&s, carol_id).await, 0);
    // The same day again: nothing more.
    let made = guildhall::jobs::notification_mail::digests(&s.app, tomorrow)
        .await
        .expect("digests");
    assert_eq!(made, 0);
    assert_eq!(smtp.to("carol@example.com").len(), 1);
    s.stop().await;
}

async fn one_click_unsubscribe_stops_that_kind(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let s = start(backend, &smtp, Verification::Optional).await;
    sign_up(&s, "erin").await;
    sign_up(&s, "fay").await;
    let erin = s.login("erin").await;
    let fay = s.login("fay").await;
    s.group(&erin, "pond", "group").await;
    let post = s.thread(&erin, "pond", "Frogs").await;

    // Unconfirmed addresses get no notification mail: confirm first.
    let verify = smtp
        .wait_for("erin@example.com", "confirm your email")
        .await;
    let link = verify
        .link(&format!("{}/email/verify/", s.url))
        .expect("link");
    assert_eq!(page(&s, reqwest::Method::GET, &link, &[]).await.0, 200);

    reply(&s, &fay, post, "I saw three.").await;
    let mail = smtp.wait_for("erin@example.com", "thread reply").await;
    assert_well_formed(&mail, &s.url);
    assert!(mail.body().contains("Frogs"), "{}", mail.body());
    let header = mail.header("List-Unsubscribe").expect("header");
    let url = header.trim_start_matches('<').trim_end_matches('>');

    // The page asks first; the one-click POST unsubscribes without login.
    let (status, html) = page(&s, reqwest::Method::GET, url, &[]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("thread reply") && html.contains("<form"),
        "{html}"
    );
    assert_eq!(delivery(&s, &erin, "thread_reply").await, "email");
    let (status, _) = page(
        &s,
        reqwest::Method::POST,
        url,
        &[("List-Unsubscribe", "One-Click")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(delivery(&s, &erin, "thread_reply").await, "app");

    // Another reply is not mailed; a mention still is, and comes after.
    reply(&s, &fay, post, "Now four.").await;
    s.post(
        "/api/v1/groups/pond/posts",
        Some(&fay),
        json!({"title": "Toads", "body": "@erin have you seen the toads?"}),
    )
    .await
    .expect(201);
    smtp.wait_for("erin@example.com", "mention").await;
    let replies = smtp
        .to("erin@example.com")
        .into_iter()
        .filter(|m| {
            m.header("Subject")
                .is_some_and(|s| s.ends_with(": thread reply"))
        })
        .count();
    assert_eq!(replies, 1, "no second reply mail after unsubscribing");
    await_unread(&s, &erin, 3).await;

    // An unknown link: 404.
    let (status, _) = page(
        &s,
        reqwest::Method::POST,
        &format!("{}/unsubscribe/nothing-here", s.url),
        &[],
    )
    .await;
    assert_eq!(status, 404);
    s.stop().await;
}

async fn without_smtp_the_mail_features_say_so(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let answer = s
        .post("/api/v1/auth/password_reset", None, json!({"name": "ann"}))
        .await
        .expect_error(501);
    assert_eq!(answer["error"], "mail_disabled");
    assert!(
        answer["detail"]
            .as_str()
            .is_some_and(|d| d.contains("smtp")),
        "{answer}"
    );
    s.patch(
        "/api/v1/me/email",
        Some(&ann),
        json!({"address": "ann@example.com"}),
    )
    .await
    .expect(200);
    let settings = s.get("/api/v1/me/email", Some(&ann)).await.expect(200);
    assert_eq!(settings["mail_enabled"], false);
    s.post("/api/v1/me/email/verification", Some(&ann), json!({}))
        .await
        .expect_error(501);
    // Neither field, or both: a clear 422.
    s.post("/api/v1/auth/password_reset", None, json!({}))
        .await
        .expect_error(422);
    s.stop().await;
}

async fn a_refused_mail_is_sent_again(backend: Backend) {
    let smtp = SmtpServer::start().await;
    smtp.refuse_next(2);
    let s = start(backend, &smtp, Verification::Optional).await;
    sign_up(&s, "gus").await;
    let mail = smtp.wait_for("gus@example.com", "confirm your email").await;
    assert_eq!(smtp.still_to_refuse(), 0, "refused twice first");
    assert_eq!(smtp.to("gus@example.com").len(), 1);
    assert!(mail.link(&format!("{}/email/verify/", s.url)).is_some());
    // The outcome is written just after the server took the message.
    let sent = || async {
        s.app
            .store
            .run(|conn| {
                use guildhall::store::schema::mail;
                Ok(mail::table
                    .select((
                        mail::state,
                        mail::attempts,
                        mail::sent_at.is_not_null(),
                        mail::text_body,
                    ))
                    .load::<(String, i32, bool, String)>(conn)?)
            })
            .await
            .expect("mail rows")
    };
    common::eventually("the mail's outcome", || async {
        sent().await.first().is_some_and(|r| r.0 != "sending")
    })
    .await;
    let rows = sent().await;
    // Sent: its body (a live link) is not kept.
    assert_eq!(rows, vec![("sent".to_string(), 3, true, String::new())]);
    s.stop().await;
}

//! Mastodon's client API (docs/mastodon.md), on both stores: OAuth 2 over
//! HTTP (apps, the password, authorization-code with PKCE and
//! client-credentials grants, the consent page, revocation, OAuth's error
//! shape), scopes enforced, and a real client library, Mastodon.py, doing
//! a walk against a server on loopback (tests/clients/mastodon_py.py).
//!
//! The Mastodon.py walk needs `python3` with Mastodon.py (pip install
//! Mastodon.py); it is skipped without it, unless
//! GUILDHALL_TEST_MASTODON_PY=required (set by .ci/run), which makes it
//! fail.

use crate::common;

use crate::common::{Backend, TestServer};
use base64::Engine;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::process::Command;

on_both_backends!(
    oauth_grants_scopes_and_refusals,
    authorization_code_with_pkce_through_the_consent_page,
    instance_and_accounts_in_mastodon_shapes,
    statuses_scopes_privacy_and_the_shared_notifications_path,
    mastodon_py_walk,
);

const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
const CALLBACK: &str = "https://app.example/callback";

/// A form POST (as apps send them); the status and the JSON answer.
async fn form(
    s: &TestServer,
    path: &str,
    token: Option<&str>,
    pairs: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = s.client.post(format!("{}{path}", s.url)).form(pairs);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, body)
}

/// An OAuth error answer: the status and RFC 6749's shape.
#[track_caller]
fn oauth_error(answer: (u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"], code, "{}", answer.1);
    assert!(answer.1["error_description"].is_string(), "{}", answer.1);
}

/// Registers an app with `scopes`: (client_id, client_secret).
async fn register_app(s: &TestServer, scopes: &str) -> (String, String) {
    let uris = format!("{CALLBACK}\n{OOB}");
    let (status, app) = form(
        s,
        "/api/v1/apps",
        None,
        &[
            ("client_name", "Test app"),
            ("redirect_uris", &uris),
            ("scopes", scopes),
            ("website", "https://app.example/"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(app["name"], "Test app");
    assert_eq!(app["redirect_uris"][1], OOB);
    (
        app["client_id"].as_str().expect("client_id").to_string(),
        app["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_string(),
    )
}

async fn password_token(s: &TestServer, app: &(String, String), name: &str, scope: &str) -> String {
    let password = format!("password-{name}");
    let (status, token) = form(
        s,
        "/oauth/token",
        None,
        &[
            ("grant_type", "password"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("username", name),
            ("password", &password),
            ("scope", scope),
        ],
    )
    .await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], scope);
    assert!(token["created_at"].as_i64().is_some(), "{token}");
    token["access_token"].as_str().expect("token").to_string()
}

async fn oauth_grants_scopes_and_refusals(backend: Backend) {
    let s = common::start(backend).await;
    let guildhall_token = s.user("ann").await;
    let app = register_app(&s, "read write follow").await;

    // Password grant, read only: reads, and is refused what needs more.
    let read = password_token(&s, &app, "ann", "read").await;
    let me = s
        .get("/api/v1/accounts/verify_credentials", Some(&read))
        .await
        .expect(200);
    assert_eq!(me["username"], "ann");
    assert_eq!(me["source"]["privacy"], "public");
    let write_only = password_token(&s, &app, "ann", "write").await;
    let refused = s
        .get("/api/v1/accounts/verify_credentials", Some(&write_only))
        .await
        .expect_error(403);
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains("read:accounts"),
        "{refused}"
    );
    // A sub-scope is enough.
    let sub = password_token(&s, &app, "ann", "read:accounts").await;
    s.get("/api/v1/accounts/verify_credentials", Some(&sub))
        .await
        .expect(200);

    // The app's own token speaks for nobody.
    let (status, own) = form(
        &s,
        "/oauth/token",
        None,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
        ],
    )
    .await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["scope"], "read");
    let own = own["access_token"].as_str().expect("token");
    let verified = s
        .get("/api/v1/apps/verify_credentials", Some(own))
        .await
        .expect(200);
    assert_eq!(verified["name"], "Test app");
    assert!(verified.get("client_secret").is_none(), "{verified}");
    s.get("/api/v1/accounts/verify_credentials", Some(own))
        .await
        .expect_error(403);

    // Bad grants answer OAuth's errors.
    let token_with = |pairs: Vec<(&'static str, String)>| {
        let s = &s;
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form(s, "/oauth/token", None, &pairs).await
        }
    };
    let base = |grant: &str| {
        vec![
            ("grant_type", grant.to_string()),
            ("client_id", app.0.clone()),
            ("client_secret", app.1.clone()),
        ]
    };
    let mut wrong_password = base("password");
    wrong_password.push(("username", "ann".into()));
    wrong_password.push(("password", "not-her-password".into()));
    oauth_error(token_with(wrong_password).await, 400, "invalid_grant");
    let mut wrong_secret = base("client_credentials");
    wrong_secret[2].1 = "0".repeat(64);
    oauth_error(token_with(wrong_secret).await, 401, "invalid_client");
    oauth_error(
        token_with(base("refresh_token")).await,
        400,
        "unsupported_grant_type",
    );
    let mut beyond = base("client_credentials");
    beyond.push(("scope", "push".into()));
    oauth_error(token_with(beyond).await, 400, "invalid_scope");
    let mut unknown_scope = base("client_credentials");
    unknown_scope.push(("scope", "read everything".into()));
    oauth_error(token_with(unknown_scope).await, 400, "invalid_scope");
    let mut unknown_code = base("authorization_code");
    unknown_code.push(("code", "0".repeat(64)));
    unknown_code.push(("redirect_uri", OOB.into()));
    oauth_error(token_with(unknown_code).await, 400, "invalid_grant");

    // Revoked, a token is refused (401); revoking needs the app's secret.
    let (status, body) = form(
        &s,
        "/oauth/revoke",
        None,
        &[
            ("client_id", &app.0),
            ("client_secret", "wrong"),
            ("token", &read),
        ],
    )
    .await;
    oauth_error((status, body), 401, "invalid_client");
    let (status, _) = form(
        &s,
        "/oauth/revoke",
        None,
        &[
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("token", &read),
        ],
    )
    .await;
    assert_eq!(status, 200);
    s.get("/api/v1/accounts/verify_credentials", Some(&read))
        .await
        .expect_error(401);

    // Guildhall's own session tokens keep working, on both APIs.
    s.get("/api/v1/me", Some(&guildhall_token))
        .await
        .expect(200);
    let me = s
        .get(
            "/api/v1/accounts/verify_credentials",
            Some(&guildhall_token),
        )
        .await
        .expect(200);
    assert_eq!(me["username"], "ann");
    // An app's token is not a Guildhall session.
    s.get("/api/v1/me", Some(&sub)).await.expect_error(401);

    // Registration refusals are the project's errors.
    let (status, body) = form(&s, "/api/v1/apps", None, &[("client_name", "No redirect")]).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = form(
        &s,
        "/api/v1/apps",
        None,
        &[
            ("client_name", "Bad scope"),
            ("redirect_uris", OOB),
            ("scopes", "read admin"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    s.stop().await;
}

/// A browser's cookies, kept by hand: the CSRF cookie and the session.
#[derive(Default)]
struct Cookies(Vec<(String, String)>);

impl Cookies {
    fn take(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().expect("cookie");
            let pair = v.split(';').next().expect("pair");
            let (k, val) = pair.split_once('=').expect("name=value");
            self.0.retain(|(name, _)| name != k);
            self.0.push((k.to_string(), val.to_string()));
        }
    }
    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} cookie"))
    }
}

/// A browser signed in as `name` on the web pages.
async fn signed_in_browser(s: &TestServer, client: &reqwest::Client, name: &str) -> Cookies {
    let mut cookies = Cookies::default();
    let page = client
        .get(format!("{}/login", s.url))
        .header("accept", "text/html")
        .send()
        .await
        .expect("login page");
    cookies.take(page.headers());
    let csrf = cookies.get("gh_csrf");
    let password = format!("password-{name}");
    let done = client
        .post(format!("{}/login", s.url))
        .header("cookie", cookies.header())
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", name),
            ("password", &password),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(done.status().as_u16(), 303);
    cookies.take(done.headers());
    cookies
}

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The consent page for these query pairs, allowed: the answer.
async fn consent(
    s: &TestServer,
    client: &reqwest::Client,
    cookies: &Cookies,
    query: &[(&str, &str)],
    decision: &str,
) -> reqwest::Response {
    let page = client
        .get(format!("{}/oauth/authorize", s.url))
        .query(query)
        .header("cookie", cookies.header())
        .header("accept", "text/html")
        .send()
        .await
        .expect("consent page");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("page");
    assert!(html.contains("Test app"), "{html}");
    let csrf = cookies.get("gh_csrf");
    let mut pairs: Vec<(&str, &str)> = query.to_vec();
    pairs.push(("csrf", &csrf));
    pairs.push(("decision", decision));
    client
        .post(format!("{}/oauth/authorize", s.url))
        .header("cookie", cookies.header())
        .form(&pairs)
        .send()
        .await
        .expect("consent")
}

fn query_of(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location)
        .expect("location")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

async fn authorization_code_with_pkce_through_the_consent_page(backend: Backend) {
    let s = common::start(backend).await;
    s.user("bea").await;
    let app = register_app(&s, "read write").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    // Signed out, the consent page sends the browser to sign in first.
    let verifier = "a-verifier-of-enough-length-for-pkce-0123456789";
    let challenge = challenge(verifier);
    let query = [
        ("client_id", app.0.as_str()),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "read"),
        ("state", "xyz"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let away = client
        .get(format!("{}/oauth/authorize/", s.url))
        .query(&query)
        .send()
        .await
        .expect("authorize");
    assert_eq!(away.status().as_u16(), 303);
    let login = away.headers()[LOCATION].to_str().expect("location");
    assert!(
        login.starts_with("/login?next=%2Foauth%2Fauthorize"),
        "{login}"
    );

    // A redirect URI the app did not register is an error, not a redirect.
    let cookies = signed_in_browser(&s, &client, "bea").await;
    let bad = client
        .get(format!("{}/oauth/authorize", s.url))
        .query(&[
            ("client_id", app.0.as_str()),
            ("redirect_uri", "https://evil.example/"),
            ("response_type", "code"),
        ])
        .header("cookie", cookies.header())
        .send()
        .await
        .expect("authorize");
    assert_eq!(bad.status().as_u16(), 400);
    assert!(bad.headers().get(LOCATION).is_none());

    // Allowed: a redirect with the code and the state.
    let answer = consent(&s, &client, &cookies, &query, "approve").await;
    assert_eq!(answer.status().as_u16(), 302);
    let back = query_of(answer.headers()[LOCATION].to_str().expect("location"));
    assert_eq!(param(&back, "state").as_deref(), Some("xyz"));
    let code = param(&back, "code").expect("code");

    let exchange = |code: String, verifier: Option<&'static str>| {
        let (s, app) = (&s, &app);
        async move {
            let mut pairs = vec![
                ("grant_type", "authorization_code"),
                ("client_id", app.0.as_str()),
                ("client_secret", app.1.as_str()),
                ("code", code.as_str()),
                ("redirect_uri", CALLBACK),
            ];
            if let Some(v) = verifier {
                pairs.push(("code_verifier", v));
            }
            form(s, "/oauth/token", None, &pairs).await
        }
    };
    // The wrong verifier is refused, and the code is spent.
    oauth_error(
        exchange(
            code.clone(),
            Some("another-verifier-entirely-0123456789abcdef"),
        )
        .await,
        400,
        "invalid_grant",
    );
    oauth_error(exchange(code, Some(verifier)).await, 400, "invalid_grant");

    // A new code without its verifier is refused; with it, a token.
    let answer = consent(&s, &client, &cookies, &query, "approve").await;
    let code = param(
        &query_of(answer.headers()[LOCATION].to_str().expect("location")),
        "code",
    )
    .expect("code");
    oauth_error(exchange(code, None).await, 400, "invalid_request");
    let answer = consent(&s, &client, &cookies, &query, "approve").await;
    let code = param(
        &query_of(answer.headers()[LOCATION].to_str().expect("location")),
        "code",
    )
    .expect("code");
    let (status, token) = exchange(code.clone(), Some(verifier)).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["scope"], "read");
    let token = token["access_token"].as_str().expect("token");
    let me = s
        .get("/api/v1/accounts/verify_credentials", Some(token))
        .await
        .expect(200);
    assert_eq!(me["username"], "bea");
    // A code is good once.
    oauth_error(exchange(code, Some(verifier)).await, 400, "invalid_grant");

    // Denied: the app hears access_denied.
    let answer = consent(&s, &client, &cookies, &query, "deny").await;
    assert_eq!(answer.status().as_u16(), 302);
    let back = query_of(answer.headers()[LOCATION].to_str().expect("location"));
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
    assert!(param(&back, "code").is_none());

    // Out of band: the code is shown on the page, and works.
    let oob = [
        ("client_id", app.0.as_str()),
        ("redirect_uri", OOB),
        ("response_type", "code"),
        ("scope", "read write"),
    ];
    let page = consent(&s, &client, &cookies, &oob, "approve").await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("page");
    let code = html
        .split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("code on the page")
        .to_string();
    let (status, token) = form(
        &s,
        "/oauth/token",
        None,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("code", &code),
            ("redirect_uri", OOB),
        ],
    )
    .await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["scope"], "read write");

    // Asking for more than the app registered is refused on the page.
    let more = client
        .get(format!("{}/oauth/authorize", s.url))
        .query(&[
            ("client_id", app.0.as_str()),
            ("redirect_uri", OOB),
            ("response_type", "code"),
            ("scope", "read follow"),
        ])
        .header("cookie", cookies.header())
        .send()
        .await
        .expect("authorize");
    assert_eq!(more.status().as_u16(), 400);
    s.stop().await;
}

async fn instance_and_accounts_in_mastodon_shapes(backend: Backend) {
    let s = common::start(backend).await;
    let token = s.user("cal").await;
    s.group(&token, "makers", "group").await;
    for path in ["/api/v1/instance", "/api/v1/instance/"] {
        let v1 = s.get(path, None).await.expect(200);
        assert_eq!(v1["uri"], s.host());
        let version = v1["version"].as_str().expect("version");
        assert!(
            version.starts_with("4.3.0 (compatible; Guildhall "),
            "{version}"
        );
        assert!(
            v1["configuration"]["statuses"]["max_characters"]
                .as_u64()
                .expect("limit")
                > 0
        );
        assert_eq!(v1["stats"]["user_count"], 1);
    }
    let v2 = s.get("/api/v2/instance", None).await.expect(200);
    assert_eq!(v2["domain"], s.host());
    assert_eq!(v2["registrations"]["enabled"], true);
    assert!(v2["version"]
        .as_str()
        .expect("version")
        .starts_with("4.3.0"));

    let group = s
        .get("/api/v1/accounts/lookup?acct=@makers", None)
        .await
        .expect(200);
    assert_eq!(group["group"], true);
    assert_eq!(group["acct"], "makers");
    assert_eq!(group["followers_count"], 1);
    assert_eq!(group["locked"], false);
    let person = s
        .get(
            &format!("/api/v1/accounts/lookup?acct=cal@{}", s.host()),
            None,
        )
        .await
        .expect(200);
    assert_eq!(person["group"], false);
    assert_ne!(person["id"], group["id"]);
    let by_id = s
        .get(
            &format!("/api/v1/accounts/{}", group["id"].as_str().expect("id")),
            None,
        )
        .await
        .expect(200);
    assert_eq!(by_id["acct"], "makers");
    s.get("/api/v1/accounts/lookup?acct=nobody", None)
        .await
        .expect_error(404);
    s.get("/api/v1/accounts/not-an-id", None)
        .await
        .expect_error(404);
    s.stop().await;
}

async fn statuses_scopes_privacy_and_the_shared_notifications_path(backend: Backend) {
    let s = common::start(backend).await;
    let fay = s.user("fay").await;
    s.group(&fay, "potters", "group").await;
    s.group(&fay, "insiders", "club").await;
    let gil_session = s.user("gil").await;
    s.post(
        "/api/v1/groups/potters/join",
        Some(&gil_session),
        serde_json::json!({}),
    )
    .await
    .expect(200);
    let app = register_app(&s, "read write").await;
    let reader = password_token(&s, &app, "gil", "read").await;
    let writer = password_token(&s, &app, "gil", "read write").await;
    let fay_app = password_token(&s, &app, "fay", "read write").await;

    // Posting needs write:statuses.
    let post = |token: String, pairs: Vec<(&'static str, String)>| {
        let s = &s;
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form(s, "/api/v1/statuses", Some(&token), &pairs).await
        }
    };
    let (status, body) = post(
        reader.clone(),
        vec![("status", "@potters Glazes\nWhich ones?".into())],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body["detail"]
        .as_str()
        .expect("detail")
        .contains("write:statuses"));
    // A status must name one group.
    let (status, body) = post(
        writer.clone(),
        vec![("status", "Just thinking aloud".into())],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, thread) = post(
        writer.clone(),
        vec![(
            "status",
            "@potters Glazes\nWhich ones are food safe?".into(),
        )],
    )
    .await;
    assert_eq!(status, 200, "{thread}");
    assert_eq!(thread["visibility"], "public");
    assert_eq!(thread["account"]["acct"], "gil");
    let thread_id = thread["id"].as_str().expect("id").to_string();
    // The thread, its author and its group never share an id.
    let group = s
        .get("/api/v1/accounts/lookup?acct=potters", None)
        .await
        .expect(200);
    let ids = [
        thread_id.clone(),
        thread["account"]["id"].as_str().expect("id").to_string(),
        group["id"].as_str().expect("id").to_string(),
    ];
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );

    // A reply by Fay notifies Gil; favourites need write:favourites.
    let (status, reply) = post(
        fay_app.clone(),
        vec![
            ("status", "Ask for lead-free ones.".into()),
            ("in_reply_to_id", thread_id.clone()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["in_reply_to_id"], thread_id.as_str());
    let reply_id = reply["id"].as_str().expect("id").to_string();
    let (status, _) = form(
        &s,
        &format!("/api/v1/statuses/{reply_id}/favourite"),
        Some(&reader),
        &[],
    )
    .await;
    assert_eq!(status, 403);
    let (status, liked) = form(
        &s,
        &format!("/api/v1/statuses/{reply_id}/favourite"),
        Some(&writer),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{liked}");
    assert_eq!(liked["favourites_count"], 1);
    let (status, body) = form(
        &s,
        &format!("/api/v1/statuses/{thread_id}/reblog"),
        Some(&writer),
        &[],
    )
    .await;
    assert_eq!(status, 422, "{body}");

    // The shared path: Mastodon's list for an app's token, Guildhall's
    // for a Guildhall session token.
    common::eventually("the reply's notification", || async {
        let list = s
            .get("/api/v1/notifications", Some(&reader))
            .await
            .expect(200);
        list.as_array().is_some_and(|l| !l.is_empty())
    })
    .await;
    let mastodon = s.get("/api/v1/notifications", Some(&reader)).await;
    let link = mastodon
        .headers
        .get("link")
        .map(|l| l.to_str().expect("link").to_string());
    let mastodon = mastodon.expect(200);
    assert_eq!(mastodon[0]["type"], "mention");
    assert_eq!(mastodon[0]["status"]["id"], reply_id.as_str());
    assert_eq!(mastodon[0]["account"]["acct"], "fay");
    assert!(link.expect("a Link header").contains("max_id="));
    let guildhall = s
        .get("/api/v1/notifications", Some(&gil_session))
        .await
        .expect(200);
    assert!(guildhall["items"].is_array(), "{guildhall}");
    // Notifications need read:notifications.
    let fay_write_only = password_token(&s, &app, "fay", "write").await;
    s.get("/api/v1/notifications", Some(&fay_write_only))
        .await
        .expect_error(403);

    // A club's threads are for its members, on these routes too.
    let (status, secret) = post(
        fay_app.clone(),
        vec![("status", "@insiders Plans\nMembers only.".into())],
    )
    .await;
    assert_eq!(status, 200, "{secret}");
    assert_eq!(secret["visibility"], "private");
    let secret_id = secret["id"].as_str().expect("id");
    s.get(&format!("/api/v1/statuses/{secret_id}"), Some(&reader))
        .await
        .expect_error(403);
    s.get(&format!("/api/v1/statuses/{secret_id}"), None)
        .await
        .expect_error(403);
    let public = s.get("/api/v1/timelines/public", None).await.expect(200);
    let public_ids: Vec<&str> = public
        .as_array()
        .expect("list")
        .iter()
        .map(|st| st["id"].as_str().expect("id"))
        .collect();
    assert!(public_ids.contains(&thread_id.as_str()));
    assert!(!public_ids.contains(&secret_id));

    // Deleting is the author's, with write:statuses.
    s.delete(&format!("/api/v1/statuses/{reply_id}"), Some(&reader))
        .await
        .expect_error(403);
    s.delete(&format!("/api/v1/statuses/{reply_id}"), Some(&fay_app))
        .await
        .expect(200);
    s.get(&format!("/api/v1/statuses/{reply_id}"), None)
        .await
        .expect_error(404);
    s.stop().await;
}

fn mastodon_py_required() -> bool {
    std::env::var("GUILDHALL_TEST_MASTODON_PY").is_ok_and(|v| v == "required")
}

fn python() -> String {
    std::env::var("GUILDHALL_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn has_mastodon_py() -> bool {
    Command::new(python())
        .args(["-c", "import mastodon"])
        .output()
        .is_ok_and(|o| o.status.success())
}

async fn mastodon_py_walk(backend: Backend) {
    if !has_mastodon_py() {
        assert!(
            !mastodon_py_required(),
            "GUILDHALL_TEST_MASTODON_PY=required but Mastodon.py is missing (pip install Mastodon.py)"
        );
        eprintln!(
            "skipped: no Mastodon.py (set GUILDHALL_TEST_MASTODON_PY=required to fail instead)"
        );
        return;
    }
    let s = common::start(backend).await;
    let dee = s.user("dee").await;
    s.group(&dee, "walkers", "group").await;
    let eve = s.user("eve").await;
    s.group(&eve, "hikers", "group").await;
    s.post(
        "/api/v1/groups/walkers/join",
        Some(&eve),
        serde_json::json!({}),
    )
    .await
    .expect(200);
    s.thread(&eve, "walkers", "Which oil for a lathe").await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/mastodon_py.py");
    let (url, py) = (s.url.clone(), python());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(py)
            .args([
                script,
                &url,
                "dee",
                "password-dee",
                "walkers",
                "eve",
                "password-eve",
                "hikers",
                "Which oil for a lathe",
            ])
            .output()
    })
    .await
    .expect("join")
    .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the walk failed:\n{stdout}\n{stderr}");
    let seen: Value = serde_json::from_str(stdout.trim()).expect("the walk's JSON");
    assert_eq!(seen["password_login"], "dee");
    assert_eq!(seen["code_login"], "dee");
    assert_eq!(seen["version"], serde_json::json!([4, 3, 0]));
    assert_eq!(seen["api_version"], 2);
    assert_eq!(seen["group"]["acct"], "walkers");
    assert_eq!(seen["group"]["members"], 2);
    assert_eq!(seen["joined"], "hikers");
    assert_eq!(seen["notified"]["type"], "mention");
    assert_eq!(seen["reblog"], 422);
    // The thread and its reply are what Guildhall's API shows.
    let thread_id: i64 = seen["thread"]
        .as_str()
        .expect("id")
        .parse()
        .expect("number");
    assert_eq!(thread_id % 4, 0, "a thread's id");
    let thread = s
        .get(&format!("/api/v1/posts/{}", thread_id / 4), Some(&dee))
        .await
        .expect(200);
    assert_eq!(thread["title"], "Lathe advice");
    let members = s.get("/api/v1/groups/hikers", Some(&dee)).await.expect(200);
    assert_eq!(members["membership"]["state"], "accepted");
    assert_eq!(seen["after_revoke"], "MastodonUnauthorizedError");
    s.stop().await;
}

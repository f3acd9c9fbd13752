//! Limits per client address on logging in and signing up: failing on a
//! member's name from one address does not lock the member out from hers;
//! one address can fail only so often in all, and sign up only so often;
//! behind a proxy the configured header names the client, and only then.
//! Clients at different addresses connect from 127.0.0.x (all loopback).

use crate::common;

use crate::common::{Backend, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};

on_both_backends!(
    a_member_is_not_locked_out_from_her_address,
    failed_logins_are_limited_per_address,
    sign_ups_are_limited_per_address,
    the_proxy_header_counts_only_when_configured,
);

/// An HTTP client connecting from 127.0.0.`n`.
fn client_at(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        .build()
        .expect("client")
}

/// POSTs `body` to `path` from `client`, with an `X-Forwarded-For` header
/// when given; the status, the Retry-After header and the JSON body.
async fn post_from(
    s: &TestServer,
    client: &reqwest::Client,
    forwarded: Option<&str>,
    path: &str,
    body: Value,
) -> (StatusCode, Option<String>, Value) {
    let mut req = client.post(format!("{}{path}", s.url)).json(&body);
    if let Some(f) = forwarded {
        req = req.header("X-Forwarded-For", f);
    }
    let res = req.send().await.expect("send");
    let status = res.status();
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = res.json().await.unwrap_or(Value::Null);
    (status, retry, body)
}

fn login(name: &str, password: &str) -> Value {
    json!({"username": name, "password": password})
}

fn sign_up(name: &str) -> Value {
    json!({"username": name, "password": format!("password-{name}")})
}

#[track_caller]
fn assert_limited(answer: &(StatusCode, Option<String>, Value), what: &str) {
    let (status, retry, body) = answer;
    assert_eq!(*status, StatusCode::TOO_MANY_REQUESTS, "{what}: {body}");
    assert!(
        retry
            .as_deref()
            .and_then(|r| r.parse::<u64>().ok())
            .is_some(),
        "{what}: no Retry-After"
    );
    assert_eq!(body["error"], "too_many_requests", "{what}: {body}");
    assert!(body["detail"].is_string(), "{what}: {body}");
}

async fn a_member_is_not_locked_out_from_her_address(backend: Backend) {
    let s = common::start_with(backend, |c| c.limits.login_attempts_per_minute = 3).await;
    s.user("ann").await;
    let (member, attacker) = (client_at(1), client_at(2));
    for _ in 0..3 {
        let answer = post_from(
            &s,
            &attacker,
            None,
            "/api/v1/auth/login",
            login("ann", "guess-1234"),
        )
        .await;
        assert_eq!(answer.0, StatusCode::UNAUTHORIZED, "{}", answer.2);
    }
    let answer = post_from(
        &s,
        &attacker,
        None,
        "/api/v1/auth/login",
        login("ann", "guess-1234"),
    )
    .await;
    assert_limited(&answer, "the guessing address, on ann's name");
    // Even the right password is refused from there for now.
    let answer = post_from(
        &s,
        &attacker,
        None,
        "/api/v1/auth/login",
        login("ann", "password-ann"),
    )
    .await;
    assert_limited(&answer, "the guessing address, right password");

    // Ann, from her own address, logs in.
    let (status, _, body) = post_from(
        &s,
        &member,
        None,
        "/api/v1/auth/login",
        login("ann", "password-ann"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["token"].is_string(), "{body}");
}

async fn failed_logins_are_limited_per_address(backend: Backend) {
    let s = common::start_with(backend, |c| {
        c.limits.login_attempts_per_minute = 10;
        c.limits.login_per_address_per_minute = 3;
    })
    .await;
    s.user("ann").await;
    let (member, sprayer) = (client_at(1), client_at(3));
    // One guess on each of three names: the address has used its failures.
    for name in ["ann", "bob", "cat"] {
        let answer = post_from(
            &s,
            &sprayer,
            None,
            "/api/v1/auth/login",
            login(name, "guess-1234"),
        )
        .await;
        assert_eq!(answer.0, StatusCode::UNAUTHORIZED, "{}", answer.2);
    }
    let answer = post_from(
        &s,
        &sprayer,
        None,
        "/api/v1/auth/login",
        login("dan", "guess-1234"),
    )
    .await;
    assert_limited(&answer, "a fourth name from the same address");
    let (status, _, body) = post_from(
        &s,
        &member,
        None,
        "/api/v1/auth/login",
        login("ann", "password-ann"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn sign_ups_are_limited_per_address(backend: Backend) {
    let s = common::start_with(backend, |c| c.limits.register_per_address_per_hour = 2).await;
    let (one, other) = (client_at(4), client_at(5));
    for name in ["ann", "bob"] {
        let (status, _, body) = post_from(&s, &one, None, "/api/v1/accounts", sign_up(name)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let answer = post_from(&s, &one, None, "/api/v1/accounts", sign_up("cat")).await;
    assert_limited(&answer, "a third sign-up from one address");
    let (status, _, body) = post_from(&s, &other, None, "/api/v1/accounts", sign_up("cat")).await;
    assert_eq!(status, StatusCode::CREATED, "another address: {body}");
    // The refused sign-up made nothing.
    s.get("/api/v1/people/cat", None).await.expect(200);
    s.get("/api/v1/people/dan", None).await.expect_error(404);
}

async fn the_proxy_header_counts_only_when_configured(backend: Backend) {
    // Behind a proxy: every request comes from the proxy's address, and the
    // client is the last address the proxy added to X-Forwarded-For.
    let proxied = common::start_with(backend, |c| {
        c.limits.register_per_address_per_hour = 1;
        c.limits.trusted_proxy_header = "X-Forwarded-For".into();
    })
    .await;
    let proxy = client_at(6);
    let path = "/api/v1/accounts";
    let (status, _, body) =
        post_from(&proxied, &proxy, Some("203.0.113.1"), path, sign_up("ann")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A client cannot pass for another by sending its own header first.
    let answer = post_from(
        &proxied,
        &proxy,
        Some("198.51.100.9, 203.0.113.1"),
        path,
        sign_up("bob"),
    )
    .await;
    assert_limited(&answer, "the same client behind a spoofed first hop");
    let (status, _, body) =
        post_from(&proxied, &proxy, Some("203.0.113.2"), path, sign_up("bob")).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another client behind the proxy: {body}"
    );

    // Without the setting the header is ignored: changing it dodges nothing.
    let direct = common::start_with(backend, |c| c.limits.register_per_address_per_hour = 1).await;
    let client = client_at(7);
    let (status, _, body) =
        post_from(&direct, &client, Some("203.0.113.1"), path, sign_up("ann")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let answer = post_from(&direct, &client, Some("203.0.113.2"), path, sign_up("bob")).await;
    assert_limited(&answer, "a second sign-up with a made-up header");
}

//! Prometheus metrics: scraped and parsed after a scripted load, the
//! counters and gauges moved as the load says; the token and the separate
//! address are enforced.

use crate::common;

use crate::common::{eventually, Backend};
use serde_json::json;
use std::collections::HashMap;

/// One sample of the text exposition format: `name{k="v",...} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: HashMap<String, String>,
    value: f64,
}

/// Parses the text exposition format (label values may hold any
/// character, escaped as the format says).
fn parse(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name_end = line.find(['{', ' ']).expect("a sample line");
        let name = line[..name_end].to_string();
        let mut labels = HashMap::new();
        let mut rest = &line[name_end..];
        if let Some(inner) = rest.strip_prefix('{') {
            let mut chars = inner.char_indices();
            let (mut key, mut value) = (String::new(), String::new());
            let mut in_value = false;
            let mut end = 0;
            while let Some((i, c)) = chars.next() {
                match (in_value, c) {
                    (false, '}') => {
                        end = i + 1;
                        break;
                    }
                    (false, ',') => {}
                    (false, '=') => {
                        chars.next(); // the opening quote
                        in_value = true;
                    }
                    (false, c) => key.push(c),
                    (true, '\\') => {
                        let (_, e) = chars.next().expect("an escape");
                        value.push(if e == 'n' { '\n' } else { e });
                    }
                    (true, '"') => {
                        labels.insert(std::mem::take(&mut key), std::mem::take(&mut value));
                        in_value = false;
                    }
                    (true, c) => value.push(c),
                }
            }
            rest = &inner[end..];
        }
        let value = rest.split_whitespace().next().expect("a value");
        let value = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("not a number: {line}")),
        };
        out.push(Sample {
            name,
            labels,
            value,
        });
    }
    out
}

async fn scrape(url: &str, token: Option<&str>) -> Vec<Sample> {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200, "scrape of {url}");
    let ctype = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ctype.starts_with("text/plain; version=0.0.4"), "{ctype}");
    parse(&res.text().await.unwrap())
}

/// The sum of the samples `name` whose labels include all of `labels`.
fn value(s: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    s.iter()
        .filter(|x| x.name == name)
        .filter(|x| {
            labels
                .iter()
                .all(|(k, v)| x.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|x| x.value)
        .sum()
}

fn has(s: &[Sample], name: &str, labels: &[(&str, &str)]) -> bool {
    s.iter().any(|x| {
        x.name == name
            && labels
                .iter()
                .all(|(k, v)| x.labels.get(*k).map(String::as_str) == Some(*v))
    })
}

#[tokio::test]
async fn counters_follow_a_scripted_load() {
    let server = common::start_with(Backend::Sqlite, |c| {
        c.metrics.enabled = true;
    })
    .await;
    let metrics_url = format!("{}/metrics", server.url);
    let before = scrape(&metrics_url, None).await;
    let route = [("route", "/api/v1/groups/{name}"), ("method", "GET")];
    let listed = value(&before, "guildhall_http_requests_total", &route);

    let token = server.user("ada").await;
    server.group(&token, "makers", "group").await;
    for _ in 0..3 {
        server.get("/api/v1/groups/makers", None).await.expect(200);
    }
    server
        .get("/api/v1/groups/nobody", None)
        .await
        .expect_error(404);
    // An activity without a signature: refused, counted by type and outcome.
    let res = server
        .client
        .post(format!("{}/inbox", server.url))
        .header("content-type", "application/activity+json")
        .body(
            json!({"id": "https://elsewhere.example/a/1", "type": "Follow",
                   "actor": "https://elsewhere.example/u/x", "object": "https://elsewhere.example/g/y"})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    let after = scrape(&metrics_url, None).await;
    let ok = [
        ("route", "/api/v1/groups/{name}"),
        ("method", "GET"),
        ("status", "200"),
    ];
    assert_eq!(
        value(&after, "guildhall_http_requests_total", &ok)
            - value(&before, "guildhall_http_requests_total", &ok),
        3.0
    );
    assert_eq!(
        value(&after, "guildhall_http_requests_total", &route) - listed,
        4.0,
        "three found and one not found"
    );
    assert_eq!(
        value(
            &after,
            "guildhall_http_requests_total",
            &[("route", "/api/v1/groups/{name}"), ("status", "404")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "guildhall_inbox_activities_total",
            &[("type", "Follow"), ("outcome", "unauthorized")]
        ),
        1.0
    );
    // The latency histogram counted the same requests.
    let timed = value(
        &after,
        "guildhall_http_request_duration_seconds_bucket",
        &[("route", "/api/v1/groups/{name}"), ("le", "+Inf")],
    ) - value(
        &before,
        "guildhall_http_request_duration_seconds_bucket",
        &[("route", "/api/v1/groups/{name}"), ("le", "+Inf")],
    );
    assert_eq!(timed, 4.0);
    // Gauges read at the scrape.
    assert!(has(
        &after,
        "guildhall_event_backlog",
        &[("consumer", "federation")]
    ));
    assert!(value(&after, "guildhall_db_pool_max", &[]) >= 1.0);
    assert_eq!(value(&after, "guildhall_dead_servers", &[]), 0.0);
    server.stop().await;
}

#[tokio::test]
async fn deliveries_and_their_queue_are_counted() {
    let b = common::start_with(Backend::Sqlite, |c| c.metrics.enabled = true).await;
    let a = common::start_with(Backend::Sqlite, |c| c.metrics.enabled = true).await;
    let owner = b.user("bea").await;
    b.group(&owner, "garden", "group").await;
    let member = a.user("cal").await;
    // The join goes out from A as a delivery, and B's Accept comes back as
    // one: both servers report to this process's one recorder.
    a.join_remote(&member, &format!("garden@{}", b.host()))
        .await;
    let url = format!("{}/metrics", a.url);
    eventually("deliveries to be counted", || async {
        let s = scrape(&url, None).await;
        value(
            &s,
            "guildhall_deliveries_total",
            &[("outcome", "delivered")],
        ) >= 2.0
    })
    .await;
    let s = scrape(&url, None).await;
    assert!(
        value(
            &s,
            "guildhall_inbox_activities_total",
            &[("type", "Follow"), ("outcome", "accepted")]
        ) >= 1.0
    );
    assert!(has(&s, "guildhall_delivery_queue_depth", &[]));
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_token_guards_the_metrics_and_a_separate_address_serves_them_alone() {
    let server = common::start_with(Backend::Sqlite, |c| {
        c.metrics.enabled = true;
        c.metrics.token = "scrape-secret".into();
    })
    .await;
    let url = format!("{}/metrics", server.url);
    let refused = reqwest::get(&url).await.unwrap();
    assert_eq!(refused.status(), 401);
    let wrong = reqwest::Client::new()
        .get(&url)
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let s = scrape(&url, Some("scrape-secret")).await;
    assert!(!s.is_empty());
    server.stop().await;

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = common::start_with(Backend::Sqlite, |c| {
        c.metrics.enabled = true;
        c.metrics.bind = format!("127.0.0.1:{port}");
    })
    .await;
    server.get("/healthz", None).await.expect(200);
    // Not on the main address...
    let main = reqwest::get(format!("{}/metrics", server.url))
        .await
        .unwrap();
    assert_eq!(main.status(), 404);
    // ...but on its own, with the main address's requests counted.
    let s = scrape(&format!("http://127.0.0.1:{port}/metrics"), None).await;
    assert!(
        value(
            &s,
            "guildhall_http_requests_total",
            &[("route", "/healthz")]
        ) >= 1.0
    );
    server.stop().await;
}

#[tokio::test]
async fn metrics_are_off_by_default() {
    let server = common::start(Backend::Sqlite).await;
    server.get("/metrics", None).await.expect_error(404);
    server.stop().await;
}

//! What a peer sees of Guildhall's HTTP signature rules and routes: a
//! signature, on a delivery (POST) or a fetch (GET), must cover the request
//! target, the host and a fresh time (and a delivery's Digest); a fetch
//! needs no Digest; an unsigned or badly signed POST does not revive a dead
//! server; a foreign shared inbox is never delivered to; a wrong method is
//! 405 with `Allow`; the server root is the instance actor.

use crate::common;

use crate::common::remote::{RemoteActor, Signer};
use crate::common::sink::Sink;
use crate::common::{Backend, Response, TestServer};
use reqwest::Method;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer as _};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime};

on_both_backends!(
    deliveries_must_sign_target_host_time_and_digest,
    signed_fetches_need_target_host_and_a_fresh_time_but_no_digest,
    a_refused_delivery_does_not_revive_a_dead_server,
    a_shared_inbox_on_another_origin_is_not_delivered_to,
);

/// How a test signs a request: which headers the signature covers, how
/// old its time is, and whether a Digest header is sent.
struct Signing<'a> {
    covers: &'a [&'a str],
    /// Seconds; negative is ahead of the clock.
    age_secs: i64,
    digest_header: bool,
}

const FULL_POST: &[&str] = &["(request-target)", "host", "date", "digest"];
const FULL_GET: &[&str] = &["(request-target)", "host", "date"];

impl Signing<'_> {
    fn post() -> Signing<'static> {
        Signing {
            covers: FULL_POST,
            age_secs: 0,
            digest_header: true,
        }
    }

    /// What Mastodon and Mitra send on a GET: no Digest.
    fn get() -> Signing<'static> {
        Signing {
            covers: FULL_GET,
            age_secs: 0,
            digest_header: false,
        }
    }
}

/// Sends `method url` (with `body` as JSON, if any) signed by `signer` as
/// `signing` says; `(created)` among the covered headers is sent as the
/// signature's `created` parameter, and then no Date header is sent.
async fn signed(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<&Value>,
    signer: &Signer,
    signing: &Signing<'_>,
) -> Response {
    let b64 = base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let parsed = url::Url::parse(url).expect("url");
    let host = format!(
        "{}:{}",
        parsed.host_str().expect("host"),
        parsed.port().expect("port")
    );
    let body = body.map(|b| serde_json::to_vec(b).expect("encode"));
    let digest = format!(
        "SHA-256={}",
        b64.encode(Sha256::digest(body.as_deref().unwrap_or_default()))
    );
    let at = if signing.age_secs >= 0 {
        SystemTime::now() - Duration::from_secs(signing.age_secs as u64)
    } else {
        SystemTime::now() + Duration::from_secs((-signing.age_secs) as u64)
    };
    let date = httpdate::fmt_http_date(at);
    let created = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let lines: Vec<String> = signing
        .covers
        .iter()
        .map(|h| match *h {
            "(request-target)" => format!(
                "(request-target): {} {}",
                method.as_str().to_lowercase(),
                parsed.path()
            ),
            "host" => format!("host: {host}"),
            "date" => format!("date: {date}"),
            "digest" => format!("digest: {digest}"),
            "(created)" => format!("(created): {created}"),
            other => panic!("no value for {other}"),
        })
        .collect();
    let signature = SigningKey::<Sha256>::new(signer.key.clone()).sign(lines.join("\n").as_bytes());
    let uses_created = signing.covers.contains(&"(created)");
    let header = format!(
        "keyId=\"{}\",algorithm=\"{}\",{}headers=\"{}\",signature=\"{}\"",
        signer.key_id,
        if uses_created { "hs2019" } else { "rsa-sha256" },
        if uses_created {
            format!("created={created},")
        } else {
            String::new()
        },
        signing.covers.join(" "),
        b64.encode(signature.to_bytes())
    );
    let mut req = client
        .request(method, url)
        .header("host", host)
        .header("accept", "application/activity+json")
        .header("signature", header);
    if !uses_created {
        req = req.header("date", date);
    }
    if signing.digest_header {
        req = req.header("digest", digest);
    }
    if let Some(b) = body {
        req = req
            .header("content-type", "application/activity+json")
            .body(b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    Response {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        headers,
    }
}

async fn member_names(s: &TestServer, group: &str, token: &str, state: &str) -> Vec<String> {
    let m = s
        .get(
            &format!("/api/v1/groups/{group}/members?state={state}"),
            Some(token),
        )
        .await
        .expect(200);
    m["items"]
        .as_array()
        .expect("members")
        .iter()
        .map(|i| i["person"]["name"].as_str().expect("name").to_string())
        .collect()
}

fn is_member(names: &[String], actor: &RemoteActor) -> bool {
    names
        .iter()
        .any(|n| n == &actor.name || n.starts_with(&format!("{}@", actor.name)))
}

async fn deliveries_must_sign_target_host_time_and_digest(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let group = a.group(&ann, "support", "group").await;
    let group_ap = group["ap_id"].as_str().expect("ap_id").to_string();
    let inbox = format!("{}/g/support/inbox", a.url);
    let social = common::remote::Remote::start().await;
    let kim = social.person("kim").await;
    let lee = social.actor_sharing_key("lee", "Person", &kim);

    let follow = kim.follow(&group_ap);
    for covers in [
        &["host", "date", "digest"][..],
        &["(request-target)", "date", "digest"],
        &["(request-target)", "host", "digest"],
        &["(request-target)", "host", "date"],
        &["digest"],
    ] {
        let signing = Signing {
            covers,
            ..Signing::post()
        };
        let res = signed(
            &a.client,
            Method::POST,
            &inbox,
            Some(&follow),
            &kim.signer,
            &signing,
        )
        .await;
        assert_eq!(
            res.status.as_u16(),
            401,
            "a delivery signed over {covers:?}: {}",
            res.body
        );
        assert_eq!(res.body["error"], "unauthorized", "{}", res.body);
        assert!(res.body["detail"].is_string());
    }
    for (what, age_secs) in [("13 hours old", 13 * 3600), ("2 hours ahead", -7200)] {
        let signing = Signing {
            age_secs,
            ..Signing::post()
        };
        let res = signed(
            &a.client,
            Method::POST,
            &inbox,
            Some(&follow),
            &kim.signer,
            &signing,
        )
        .await;
        assert_eq!(res.status.as_u16(), 401, "a Date {what}: {}", res.body);
    }

    // The marker: lee's Follow, signed over (created) instead of a Date,
    // is taken; kim's refused ones left nothing.
    let signing = Signing {
        covers: &["(request-target)", "host", "(created)", "digest"],
        ..Signing::post()
    };
    let res = signed(
        &a.client,
        Method::POST,
        &inbox,
        Some(&lee.follow(&group_ap)),
        &lee.signer,
        &signing,
    )
    .await;
    assert_eq!(res.status.as_u16(), 202, "{}", res.body);
    let names = member_names(&a, "support", &ann, "accepted").await;
    assert!(is_member(&names, &lee), "lee joined: {names:?}");
    assert!(!is_member(&names, &kim), "kim did not: {names:?}");
    social.stop().await;
    a.stop().await;
}

async fn signed_fetches_need_target_host_and_a_fresh_time_but_no_digest(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let club = a.group(&ann, "makers", "club").await;
    let club_ap = club["ap_id"].as_str().expect("ap_id").to_string();
    a.group(&ann, "support", "group").await;
    let social = common::remote::Remote::start().await;
    let kim = social.person("kim").await;
    // An outsider on another server signs correctly, and is no member.
    let other = common::remote::Remote::start().await;
    let eve = other.person("eve").await;

    // kim joins the club: asks, and ann approves.
    let res = social
        .send(
            &kim,
            &format!("{}/g/makers/inbox", a.url),
            &kim.follow(&club_ap),
        )
        .await;
    assert_eq!(res.status.as_u16(), 202, "{}", res.body);
    let pending = member_names(&a, "makers", &ann, "pending").await;
    let name = pending
        .iter()
        .find(|n| is_member(std::slice::from_ref(n), &kim))
        .expect("kim's request")
        .clone();
    a.post(
        &format!("/api/v1/groups/makers/members/{name}/approve"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);

    let secret = a.thread(&ann, "makers", "Secret plans").await;
    let reply = a
        .post(
            &format!("/api/v1/posts/{secret}/comments"),
            Some(&ann),
            json!({"body": "members only"}),
        )
        .await
        .expect(201);
    let reply = reply["id"].as_i64().expect("comment id");
    let open = a.thread(&ann, "support", "Open question").await;
    let post_url = format!("{}/post/{secret}", a.url);
    let get = |url: String, signer: Signer, signing: Signing<'static>| {
        let client = a.client.clone();
        async move { signed(&client, Method::GET, &url, None, &signer, &signing).await }
    };

    // The member's server, signing as Mastodon and Mitra do (no Digest).
    let page = get(post_url.clone(), kim.signer.clone(), Signing::get())
        .await
        .expect(200);
    assert_eq!(page["name"], "Secret plans");
    let note = get(
        format!("{}/comment/{reply}", a.url),
        kim.signer.clone(),
        Signing::get(),
    )
    .await
    .expect(200);
    assert_eq!(note["type"], "Note");
    let followers = get(
        format!("{}/g/makers/followers", a.url),
        kim.signer.clone(),
        Signing::get(),
    )
    .await
    .expect(200);
    assert!(
        followers["items"]
            .as_array()
            .is_some_and(|m| m.iter().any(|i| i == &json!(kim.id))),
        "the member sees the members: {followers}"
    );
    let public = get(
        format!("{}/post/{open}", a.url),
        eve.signer.clone(),
        Signing::get(),
    )
    .await
    .expect(200);
    assert_eq!(public["name"], "Open question");
    // (created) stands for the Date.
    let created = Signing {
        covers: &["(request-target)", "host", "(created)"],
        ..Signing::get()
    };
    get(post_url.clone(), kim.signer.clone(), created)
        .await
        .expect(200);

    // Signatures that bind neither path, host nor time are refused.
    for (what, signing) in [
        (
            "over digest only, without a Date",
            Signing {
                covers: &["digest"],
                age_secs: 0,
                digest_header: true,
            },
        ),
        (
            "without (request-target)",
            Signing {
                covers: &["host", "date"],
                ..Signing::get()
            },
        ),
        (
            "without host",
            Signing {
                covers: &["(request-target)", "date"],
                ..Signing::get()
            },
        ),
        (
            "without a time",
            Signing {
                covers: &["(request-target)", "host"],
                ..Signing::get()
            },
        ),
        (
            "13 hours old",
            Signing {
                age_secs: 13 * 3600,
                ..Signing::get()
            },
        ),
        (
            "2 hours ahead",
            Signing {
                age_secs: -7200,
                ..Signing::get()
            },
        ),
    ] {
        let res = get(post_url.clone(), kim.signer.clone(), signing).await;
        assert_eq!(res.status.as_u16(), 401, "signed {what}: {}", res.body);
        assert_eq!(res.body["error"], "unauthorized");
    }
    // A correct signature from a server without members, and no signature.
    get(post_url.clone(), eve.signer.clone(), Signing::get())
        .await
        .expect_error(403);
    let unsigned = a
        .client
        .get(&post_url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch");
    assert_eq!(unsigned.status(), 403);
    social.stop().await;
    other.stop().await;
    a.stop().await;
}

async fn instance_of(s: &TestServer, host: &str) -> guildhall::store::instances::Instance {
    let host = host.to_string();
    s.app
        .store
        .run(move |conn| guildhall::store::instances::ensure_remote(conn, &host))
        .await
        .expect("instance")
}

async fn a_refused_delivery_does_not_revive_a_dead_server(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let group = a.group(&ann, "support", "group").await;
    let group_ap = group["ap_id"].as_str().expect("ap_id").to_string();
    let inbox = format!("{}/g/support/inbox", a.url);
    let social = common::remote::Remote::start().await;
    let kim = social.person("kim").await;
    let host = social.host();
    instance_of(&a, &host).await;
    let h = host.clone();
    a.app
        .store
        .run(move |conn| {
            use guildhall::store::instances::mark_failure;
            let now = guildhall::store::now();
            let (hour, day) = (chrono::Duration::hours(1), chrono::Duration::hours(24));
            mark_failure(conn, &h, now - chrono::Duration::hours(2), hour, day)?;
            mark_failure(conn, &h, now, hour, day)
        })
        .await
        .expect("failures");
    assert!(instance_of(&a, &host).await.dead, "the server is dead");

    let follow = kim.follow(&group_ap);
    let unsigned = a
        .client
        .post(&inbox)
        .header("content-type", "application/activity+json")
        .json(&follow)
        .send()
        .await
        .expect("POST");
    assert_eq!(unsigned.status(), 401);
    let forged = social
        .send_with(
            &kim,
            &inbox,
            &follow,
            common::remote::Signing {
                wrong_key: true,
                ..Default::default()
            },
        )
        .await;
    assert_eq!(forged.status.as_u16(), 401, "{}", forged.body);
    assert!(
        instance_of(&a, &host).await.dead,
        "a refused POST says nothing of the server"
    );
    // The marker: a verified delivery does revive it.
    social.send(&kim, &inbox, &follow).await.expect(202);
    let back = instance_of(&a, &host).await;
    assert!(!back.dead && back.failures == 0, "{back:?}");
    social.stop().await;
    a.stop().await;
}

async fn a_shared_inbox_on_another_origin_is_not_delivered_to(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let group = a.group(&ann, "support", "group").await;
    let group_ap = group["ap_id"].as_str().expect("ap_id").to_string();
    let social = common::remote::Remote::start().await;
    // Another origin: same host name, another port.
    let elsewhere = Sink::start().await;
    let mut kim = social.person("kim").await;
    // kim's document names a shared inbox on the other origin.
    kim.id = format!("{}/people/kim", social.url);
    kim.inbox = format!("{}/inbox", kim.id);
    kim.followers = format!("{}/followers", kim.id);
    kim.outbox = format!("{}/outbox", kim.id);
    kim.shared_inbox = elsewhere.inbox();
    kim.signer.key_id = format!("{}#main-key", kim.id);
    social.serve(&kim.id, kim.document());

    social
        .send(&kim, &format!("{}/inbox", a.url), &kim.follow(&group_ap))
        .await
        .expect(202);
    a.thread(&ann, "support", "Relayed").await;
    // The marker: the group's Announce reaches kim's own inbox...
    social
        .wait_for("the Announce at kim's inbox", |r| {
            r.iter()
                .any(|r| r.path == "/people/kim/inbox" && r.kind() == "Announce")
        })
        .await;
    // ...and nothing went to the foreign one.
    assert!(
        elsewhere.received().is_empty(),
        "sent to a foreign shared inbox: {:?}",
        elsewhere.received()
    );
    let stored = a
        .app
        .store
        .run({
            let id = kim.id.clone();
            move |conn| guildhall::store::people::by_ap_id(conn, &id)
        })
        .await
        .expect("read")
        .expect("kim is stored");
    assert_eq!(stored.shared_inbox_url, None);
    elsewhere.stop().await;
    social.stop().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_is_405_with_allow() {
    let a = common::start(Backend::Sqlite).await;
    let ann = a.user("ann").await;
    a.group(&ann, "xyz", "group").await;
    for (method, path, allowed) in [
        (Method::DELETE, "/inbox", &["POST"][..]),
        (Method::GET, "/inbox", &["POST"]),
        (Method::POST, "/g/xyz/outbox", &["GET"]),
        (Method::PUT, "/api/v1/groups", &["GET", "POST"]),
        (Method::DELETE, "/api/v1/groups/xyz", &["GET", "PATCH"]),
        (Method::POST, "/.well-known/webfinger", &["GET"]),
        (Method::DELETE, "/", &["GET"]),
    ] {
        let res = a.call(method.clone(), path, Some(&ann), None).await;
        let allow = res
            .headers
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = res.expect_error(405);
        assert_eq!(body["error"], "method_not_allowed", "{method} {path}");
        let mut got: Vec<&str> = allow.split(',').map(str::trim).collect();
        got.sort();
        let mut want = allowed.to_vec();
        want.sort();
        assert_eq!(got, want, "Allow of {method} {path}");
    }
    for (method, path) in [
        (Method::GET, "/api/v1/nothing"),
        (Method::DELETE, "/nothing/here"),
        (Method::GET, "/g/xyz/nothing"),
    ] {
        let res = a.call(method.clone(), path, None, None).await;
        assert!(res.headers.get("allow").is_none(), "{method} {path}");
        res.expect_error(404);
    }
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_root_is_the_instance_actor_to_activitypub_and_a_page_to_browsers() {
    let a = common::start_with(Backend::Sqlite, |c| c.site_name = "Makerspace".into()).await;
    let b = common::start(Backend::Sqlite).await;
    let root = format!("{}/", a.url);
    let res = a
        .client
        .get(&root)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("GET /");
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("application/activity+json"));
    let site: Value = res.json().await.expect("json");
    // What Lemmy reads of a site (its `Instance`): type, id, name, inbox,
    // outbox, publicKey and published.
    assert_eq!(site["type"], "Application");
    assert_eq!(site["id"], format!("{}/actor", a.url));
    assert_eq!(site["name"], "Makerspace");
    assert_eq!(site["inbox"], format!("{}/inbox", a.url));
    assert!(site["outbox"].is_string());
    assert_eq!(site["publicKey"]["owner"], site["id"]);
    assert!(site["publicKey"]["publicKeyPem"]
        .as_str()
        .is_some_and(|k| k.contains("PUBLIC KEY")));
    assert!(site["published"].is_string());

    // A peer built on the federation library (as Lemmy is) learns the site
    // from the root: it follows the id to /actor.
    let config = guildhall::federation::context::build(&b.app)
        .await
        .expect("federation config");
    let data = config.to_request_data();
    let fetched = activitypub_federation::fetch::fetch_object_http::<_, Value>(
        &url::Url::parse(&root).expect("url"),
        &data,
    )
    .await
    .expect("the site");
    assert_eq!(fetched.object["type"], "Application");
    assert_eq!(fetched.object["name"], "Makerspace");

    // A browser gets a page naming the site, with the way to the API.
    let res = a
        .client
        .get(&root)
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET /");
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/html"));
    let page = res.text().await.expect("text");
    assert!(page.contains("<h1>Makerspace</h1>"), "{page}");
    assert!(page.contains("/api/v1/openapi.json"), "{page}");
    b.stop().await;
    a.stop().await;
}

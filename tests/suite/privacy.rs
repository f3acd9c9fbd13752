//! A club's privacy on every path: an outsider (anonymous, a signed-in
//! non-member, a server without members) walks every public route and
//! collection and finds nothing of the club's threads, comments, members,
//! moderators, moderation or reputation events; a member (and a member's
//! server) sees them. And the followers collections have the shape Lemmy
//! reads.

use crate::common;

use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    an_outsider_finds_nothing_of_a_club,
    followers_collections_have_the_lemmy_shape
);

const AP: &str = "application/activity+json";

/// Fetches `url` as `from`'s instance actor would: a signed GET. The body,
/// or the error text.
async fn signed_fetch(from: &TestServer, url: &str) -> Result<Value, String> {
    let config = guildhall::federation::context::build(&from.app)
        .await
        .expect("federation config");
    let data = config.to_request_data();
    let url = url::Url::parse(url).expect("url");
    activitypub_federation::fetch::fetch_object_http::<_, Value>(&url, &data)
        .await
        .map(|r| r.object)
        .map_err(|e| e.to_string())
}

/// An unsigned GET of `url` with `accept`: the status and the body text.
async fn fetch_text(s: &TestServer, url: &str, accept: &str) -> (u16, String) {
    let res = s
        .client
        .get(url)
        .header("accept", accept)
        .send()
        .await
        .expect("fetch");
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// An API GET as `token` (or anonymous): the status and the body text.
async fn api_text(s: &TestServer, path: &str, token: Option<&str>) -> (u16, String) {
    let mut req = s.client.get(format!("{}{path}", s.url));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = req.send().await.expect("GET");
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// Every number under a key named `key`, anywhere in `v`.
fn numbers_under(v: &Value, key: &str, out: &mut Vec<i64>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == key {
                    if let Some(n) = x.as_i64() {
                        out.push(n);
                    }
                }
                numbers_under(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| numbers_under(x, key, out)),
        _ => {}
    }
}

/// What must not show to an outsider.
struct Secrets {
    /// Distinctive strings: titles, bodies, reasons, object ids.
    words: Vec<String>,
    post_ids: Vec<i64>,
    comment_ids: Vec<i64>,
}

impl Secrets {
    /// Panics naming the route and the secret when `body` shows one.
    #[track_caller]
    fn assert_absent(&self, route: &str, status: u16, body: &str) {
        assert!(status < 500, "{route}: {status} {body}");
        for w in &self.words {
            assert!(!body.contains(w.as_str()), "{route} shows {w:?}: {body}");
        }
        let Ok(v) = serde_json::from_str::<Value>(body) else {
            return;
        };
        let (mut posts, mut comments) = (Vec::new(), Vec::new());
        numbers_under(&v, "post_id", &mut posts);
        numbers_under(&v, "comment_id", &mut comments);
        numbers_under(&v, "accepted_comment_id", &mut comments);
        for p in posts {
            assert!(
                !self.post_ids.contains(&p),
                "{route} names club thread {p}: {body}"
            );
        }
        for c in comments {
            assert!(
                !self.comment_ids.contains(&c),
                "{route} names club comment {c}: {body}"
            );
        }
    }
}

async fn an_outsider_finds_nothing_of_a_club(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let c = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());

    // On A: a club run by its warden, with a local member, a troublemaker,
    // and a member on B; an open group beside it.
    let warden = a.user("warden").await;
    let mate = a.user("mate").await;
    let pest = a.user("pest").await;
    let outsider = a.user("outsider").await;
    a.group(&warden, "hideout", "club").await;
    a.group(&warden, "lobby", "group").await;
    for (token, name) in [(&mate, "mate"), (&pest, "pest")] {
        a.post("/api/v1/groups/hideout/join", Some(token), json!({}))
            .await
            .expect(200);
        a.post(
            &format!("/api/v1/groups/hideout/members/{name}/approve"),
            Some(&warden),
            json!({}),
        )
        .await
        .expect(200);
    }
    let hideout = format!("hideout@{ah}");
    let bob = b.user("bob").await;
    b.join_gated(&bob, &hideout, &a, &warden, &format!("bob@{bh}"))
        .await;
    // The outsider is in the open group only.
    a.post("/api/v1/groups/lobby/join", Some(&outsider), json!({}))
        .await
        .expect(200);
    a.thread(&outsider, "lobby", "Lobby chatter").await;

    // Club content: a pinned thread with a comment, a thread and a comment
    // by the troublemaker, votes both ways.
    let plans = a.thread(&warden, "hideout", "Zanzibar plans").await;
    let reply = a
        .post(
            &format!("/api/v1/posts/{plans}/comments"),
            Some(&mate),
            json!({"body": "Quokka thoughts on it"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("comment id");
    let rant = a.thread(&pest, "hideout", "Xylophone rant").await;
    let spam = a
        .post(
            &format!("/api/v1/posts/{plans}/comments"),
            Some(&pest),
            json!({"body": "Vuvuzela spam"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("comment id");
    for (path, token) in [
        (format!("/api/v1/posts/{plans}/vote"), &mate),
        (format!("/api/v1/comments/{reply}/vote"), &warden),
        (format!("/api/v1/posts/{rant}/vote"), &mate),
    ] {
        a.post(&path, Some(token), json!({"value": 1}))
            .await
            .expect(200);
    }
    a.post(
        &format!("/api/v1/posts/{plans}/pin"),
        Some(&warden),
        json!({}),
    )
    .await
    .expect(200);

    // Moderation in the club: a removal, a warning, a ban.
    a.post(
        &format!("/api/v1/comments/{spam}/remove"),
        Some(&warden),
        json!({"reason": "Reason-removal-kestrel"}),
    )
    .await
    .expect(200);
    a.post(
        "/api/v1/groups/hideout/warnings",
        Some(&warden),
        json!({"person": "pest", "reason": "Reason-warning-kestrel"}),
    )
    .await
    .expect(204);
    a.post(
        "/api/v1/groups/hideout/bans",
        Some(&warden),
        json!({"person": "pest", "reason": "Reason-ban-kestrel"}),
    )
    .await
    .expect(200);

    let base = a.url.clone();
    let secrets = Secrets {
        words: vec![
            "Zanzibar".into(),
            "Xylophone".into(),
            "Quokka".into(),
            "Vuvuzela".into(),
            "kestrel".into(),
            format!("{base}/post/{plans}"),
            format!("{base}/post/{rant}"),
            format!("{base}/comment/{reply}"),
            format!("{base}/comment/{spam}"),
        ],
        post_ids: vec![plans, rant],
        comment_ids: vec![reply, spam],
    };
    // Who is in the club (and who runs it) is the club's business too: on
    // the club's own routes, no member's id or name shows.
    let member_secrets = Secrets {
        words: vec![
            format!("{base}/u/warden"),
            format!("{base}/u/mate"),
            format!("{base}/u/pest"),
            format!("bob@{bh}"),
            "\"warden\"".into(),
            "\"mate\"".into(),
            "\"pest\"".into(),
        ],
        post_ids: Vec::new(),
        comment_ids: Vec::new(),
    };

    // Every GET of the API (src/api/*: routes) that an outsider may call.
    let people = ["warden", "mate", "pest"];
    let mut api: Vec<String> = vec![
        "/api/v1/groups".into(),
        "/api/v1/groups/hideout".into(),
        "/api/v1/groups/hideout/members".into(),
        "/api/v1/groups/hideout/members?state=pending".into(),
        "/api/v1/groups/hideout/posts".into(),
        "/api/v1/groups/hideout/posts?sort=new".into(),
        "/api/v1/groups/hideout/posts?sort=top".into(),
        "/api/v1/groups/lobby/posts".into(),
        "/api/v1/groups/hideout/leaderboard?period=all".into(),
        "/api/v1/groups/hideout/reports".into(),
        "/api/v1/groups/hideout/review".into(),
        "/api/v1/groups/hideout/watched-words".into(),
        format!("/api/v1/posts/{plans}"),
        format!("/api/v1/posts/{rant}"),
        "/api/v1/leaderboard".into(),
        "/api/v1/leaderboard?period=all".into(),
        "/api/v1/leaderboard?period=month".into(),
        "/api/v1/modlog".into(),
        "/api/v1/modlog?group=hideout".into(),
        "/api/v1/modlog?person=pest".into(),
        "/api/v1/modlog?moderator=warden".into(),
        "/api/v1/modlog?action=warn".into(),
        "/api/v1/modlog?action=ban".into(),
        format!("/api/v1/modlog?post_id={plans}"),
        format!("/api/v1/modlog?comment_id={spam}"),
        "/api/v1/terms".into(),
    ];
    for p in people {
        for tail in [
            "",
            "/followers",
            "/following",
            "/friends",
            "/reputation",
            "/badges",
        ] {
            api.push(format!("/api/v1/people/{p}{tail}"));
        }
    }
    for path in &api {
        for (who, token) in [("anonymous", None), ("outsider", Some(outsider.as_str()))] {
            let (status, body) = api_text(&a, path, token).await;
            secrets.assert_absent(&format!("{who} GET {path}"), status, &body);
            if path.contains("hideout") || path.starts_with("/api/v1/modlog") {
                member_secrets.assert_absent(&format!("{who} GET {path}"), status, &body);
            }
        }
    }
    // The outsider's own views.
    for path in ["/api/v1/feed/home", "/api/v1/me", "/api/v1/reports/mine"] {
        let (status, body) = api_text(&a, path, Some(&outsider)).await;
        secrets.assert_absent(&format!("outsider GET {path}"), status, &body);
    }
    // Refusals say so.
    for path in [
        "/api/v1/groups/hideout/posts",
        "/api/v1/groups/hideout/members",
        "/api/v1/groups/hideout/leaderboard",
        "/api/v1/modlog?group=hideout",
    ] {
        a.get(path, Some(&outsider)).await.expect_error(403);
        a.get(path, None).await.expect_error(403);
    }

    // Every ActivityPub id (src/federation/http.rs: routes), unsigned and
    // signed by C (a server without members), as JSON and as a page.
    let mut ap: Vec<String> = vec![
        format!("{base}/g/hideout"),
        format!("{base}/g/hideout/followers"),
        format!("{base}/g/hideout/moderators"),
        format!("{base}/g/hideout/featured"),
        format!("{base}/g/hideout/outbox"),
        format!("{base}/post/{plans}"),
        format!("{base}/post/{rant}"),
        format!("{base}/comment/{reply}"),
        format!("{base}/comment/{spam}"),
        format!("{base}/actor"),
        format!("{base}/nodeinfo/2.1"),
        format!("{base}/.well-known/webfinger?resource=acct:hideout@{ah}"),
    ];
    for p in people {
        for tail in ["", "/outbox", "/followers", "/following"] {
            ap.push(format!("{base}/u/{p}{tail}"));
        }
    }
    for url in &ap {
        for accept in [AP, "text/html"] {
            let (status, body) = fetch_text(&a, url, accept).await;
            secrets.assert_absent(&format!("GET {url} ({accept})"), status, &body);
            if url.contains("/g/hideout") {
                member_secrets.assert_absent(&format!("GET {url} ({accept})"), status, &body);
            }
        }
        // A refusal (its message names the URL asked for) or an answer
        // without secrets.
        let body = signed_fetch(&c, url)
            .await
            .map(|v| v.to_string())
            .unwrap_or_default();
        secrets.assert_absent(&format!("C's signed GET {url}"), 200, &body);
        if url.contains("/g/hideout") {
            member_secrets.assert_absent(&format!("C's signed GET {url}"), 200, &body);
        }
    }

    // Positive control: the same routes show the club to its members, so
    // the walk above could have found it.
    let feed = a
        .get("/api/v1/groups/hideout/posts", Some(&mate))
        .await
        .expect(200)
        .to_string();
    assert!(
        feed.contains("Zanzibar") && feed.contains("Xylophone"),
        "{feed}"
    );
    let thread = a
        .get(&format!("/api/v1/posts/{plans}"), Some(&mate))
        .await
        .expect(200)
        .to_string();
    assert!(thread.contains("Quokka"), "{thread}");
    let log = a
        .get("/api/v1/modlog?group=hideout", Some(&mate))
        .await
        .expect(200)
        .to_string();
    for reason in ["Reason-removal", "Reason-warning", "Reason-ban"] {
        assert!(
            log.contains(reason),
            "the member's log lacks {reason}: {log}"
        );
    }
    let all = a.get("/api/v1/modlog", Some(&mate)).await.expect(200);
    assert!(all.to_string().contains("Reason-ban"), "{all}");
    let ledger = a
        .get("/api/v1/people/warden/reputation", Some(&mate))
        .await
        .expect(200);
    let mut seen = Vec::new();
    numbers_under(&ledger, "post_id", &mut seen);
    assert!(
        seen.contains(&plans),
        "the member sees the ledger: {ledger}"
    );
    // The outsider sees the same ledger entries, without what they are about.
    let outside = a
        .get("/api/v1/people/warden/reputation", Some(&outsider))
        .await
        .expect(200);
    assert_eq!(
        outside["items"].as_array().map(Vec::len),
        ledger["items"].as_array().map(Vec::len),
        "entries are kept, their subject withheld: {outside}"
    );
    assert_eq!(
        outside["reputation"], ledger["reputation"],
        "the total is public"
    );
    let board = a
        .get("/api/v1/groups/hideout/leaderboard?period=all", Some(&mate))
        .await
        .expect(200)
        .to_string();
    assert!(board.contains("\"warden\""), "{board}");
    let members = a
        .get("/api/v1/groups/hideout/members", Some(&mate))
        .await
        .expect(200)
        .to_string();
    assert!(members.contains("\"mate\""), "{members}");

    // Instance staff see the club too.
    let root = a.admin("root").await;
    let log = a
        .get("/api/v1/modlog?group=hideout", Some(&root))
        .await
        .expect(200)
        .to_string();
    assert!(log.contains("Reason-warning"), "{log}");
    // An instance moderator too: they moderate the club, so they read it.
    let keeper = a.user("keeper").await;
    a.put(
        "/api/v1/admin/people/keeper/role",
        Some(&root),
        json!({"role": "moderator"}),
    )
    .await
    .expect(200);
    let feed = a
        .get("/api/v1/groups/hideout/posts", Some(&keeper))
        .await
        .expect(200)
        .to_string();
    assert!(feed.contains("Zanzibar"), "{feed}");
    let log = a
        .get("/api/v1/modlog", Some(&keeper))
        .await
        .expect(200)
        .to_string();
    assert!(log.contains("Reason-ban"), "{log}");

    // A member's server, by a signed fetch, gets the club's collections.
    let mods = signed_fetch(&b, &format!("{base}/g/hideout/moderators"))
        .await
        .expect("B has a member");
    assert!(
        mods.to_string().contains(&format!("{base}/u/warden")),
        "{mods}"
    );
    let featured = signed_fetch(&b, &format!("{base}/g/hideout/featured"))
        .await
        .expect("B has a member");
    assert!(featured.to_string().contains("Zanzibar"), "{featured}");
    let page = signed_fetch(&b, &format!("{base}/post/{plans}"))
        .await
        .expect("B has a member");
    assert_eq!(page["name"], "Zanzibar plans");

    a.stop().await;
    b.stop().await;
    c.stop().await;
}

/// What Lemmy 0.19 and 1.0 read of a group's followers collection; it
/// fails to parse without `items` (and reads them as a list of nothing).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct LemmyGroupFollowers {
    id: url::Url,
    r#type: activitypub_federation::kinds::collection::CollectionType,
    total_items: i32,
    items: Vec<()>,
}

async fn followers_collections_have_the_lemmy_shape(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    let cat = a.user("cat").await;
    a.group(&ann, "lobby", "group").await;
    a.group(&ann, "hideout", "club").await;
    for token in [&bob, &cat] {
        a.post("/api/v1/groups/lobby/join", Some(token), json!({}))
            .await
            .expect(200);
    }
    a.post("/api/v1/groups/hideout/join", Some(&bob), json!({}))
        .await
        .expect(200);
    a.post(
        "/api/v1/groups/hideout/members/bob/approve",
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    a.post("/api/v1/people/ann/follow", Some(&bob), json!({}))
        .await
        .expect(200);

    for (path, count) in [
        ("/g/lobby/followers", 3),
        ("/g/hideout/followers", 2),
        ("/u/ann/followers", 1),
        ("/u/ann/following", 0),
        ("/u/bob/following", 1),
    ] {
        let url = format!("{}{path}", a.url);
        let (status, body) = fetch_text(&a, &url, AP).await;
        assert_eq!(status, 200, "{path}: {body}");
        let lemmy: LemmyGroupFollowers = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("Lemmy cannot read {path}: {e}: {body}"));
        assert_eq!(lemmy.id.as_str(), url, "{body}");
        assert_eq!(lemmy.total_items, count, "{path}: {body}");
        // Mastodon and Mbin read the count as well.
        let v: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["totalItems"], count, "{body}");
        assert_eq!(v["items"], json!([]), "nobody is listed to anyone: {body}");
    }
    a.stop().await;
}

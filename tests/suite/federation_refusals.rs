//! What a peer sees when it POSTs to a Guildhall inbox: a correctly signed
//! activity is accepted (202) and acted on once; a broken signature, a
//! forged origin, an oversized body, a blocked domain or an Announce from
//! the wrong group is refused with the right status and a JSON
//! `{"error", "detail"}` body, and nothing changes.

use crate::common;

use crate::common::remote::{post_signed, Remote, Signer, Signing, PUBLIC};
use crate::common::{Backend, Response, TestServer};
use serde_json::{json, Value};
use std::time::Duration;

on_both_backends!(inbox_refusals, announce_only_from_the_contents_group);

/// Refusals found so far: every one is checked, then all are reported.
#[derive(Default)]
struct Refusals(Vec<String>);

impl Refusals {
    /// Expects `status` with a JSON `{"error", "detail"}` body.
    fn check(&mut self, what: &str, res: Response, status: u16) -> Value {
        let body = res.body;
        if res.status.as_u16() != status {
            self.0.push(format!(
                "{what}: expected {status}, got {} {body}",
                res.status.as_u16()
            ));
        } else if !body["error"].is_string() || !body["detail"].is_string() {
            self.0.push(format!(
                "{what}: {status} without a JSON error and detail: {body}"
            ));
        }
        body
    }

    /// Expects a 2xx answer.
    fn accepted(&mut self, what: &str, res: Response) {
        if !res.status.is_success() {
            self.0.push(format!(
                "{what}: expected 2xx, got {} {}",
                res.status.as_u16(),
                res.body
            ));
        }
    }

    /// A check of what changed (or did not): when it fails, the answers
    /// already found wrong are shown with it.
    #[track_caller]
    fn ensure(&self, ok: bool, what: String) {
        assert!(ok, "{what}\nanswers not as expected so far: {:#?}", self.0);
    }

    #[track_caller]
    fn assert_none(&self) {
        assert!(
            self.0.is_empty(),
            "{} answer(s) not as expected:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

async fn members(s: &TestServer, group: &str) -> Vec<String> {
    let m = s
        .get(&format!("/api/v1/groups/{group}/members"), None)
        .await
        .expect(200);
    let mut names: Vec<String> = m["items"]
        .as_array()
        .expect("members")
        .iter()
        .map(|i| i["person"]["name"].as_str().expect("name").to_string())
        .collect();
    names.sort();
    names
}

async fn post(s: &TestServer, id: i64) -> Value {
    s.get(&format!("/api/v1/posts/{id}"), None)
        .await
        .expect(200)
}

async fn person_stored(s: &TestServer, ap_id: &str) -> bool {
    let ap_id = ap_id.to_string();
    s.app
        .store
        .run(move |conn| guildhall::store::people::by_ap_id(conn, &ap_id))
        .await
        .expect("read people")
        .is_some()
}

async fn inbox_refusals(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let group = a.group(&ann, "support", "group").await;
    let group_ap = group["ap_id"].as_str().expect("ap_id").to_string();
    let thread = a.thread(&ann, "support", "Printer on fire").await;
    let thread_ap = post(&a, thread).await["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string();
    let group_inbox = format!("{}/g/support/inbox", a.url);
    let shared_inbox = format!("{}/inbox", a.url);
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    let lee = social.person("lee").await;
    let mut refusals = Refusals::default();

    // A broken signature: refused, nobody joins.
    let follow = kim.follow(&group_ap);
    let old = Duration::from_secs(13 * 3600);
    for (what, signing, status) in [
        (
            "signed with a key that is not the actor's",
            Signing {
                wrong_key: true,
                ..Signing::default()
            },
            401,
        ),
        (
            "body changed after signing (digest mismatch)",
            Signing {
                tamper_body: true,
                ..Signing::default()
            },
            401,
        ),
        (
            "no Digest header",
            Signing {
                omit_digest: true,
                ..Signing::default()
            },
            401,
        ),
        (
            "Digest header not among the signed headers",
            Signing {
                digest_not_signed: true,
                ..Signing::default()
            },
            401,
        ),
        (
            "no Signature header",
            Signing {
                unsigned: true,
                ..Signing::default()
            },
            401,
        ),
        (
            "Date 13 hours old",
            Signing {
                date_age: Some(old),
                ..Signing::default()
            },
            401,
        ),
    ] {
        let res = social.send_with(&kim, &group_inbox, &follow, signing).await;
        refusals.check(what, res, status);
    }
    let m = members(&a, "support").await;
    refusals.ensure(
        m == ["ann"],
        format!("a refused Follow changes nothing: {m:?}"),
    );

    // Correctly signed: accepted, kim is a member, and the group's signed
    // Accept reaches kim's inbox.
    let res = social.send(&kim, &group_inbox, &follow).await;
    assert_eq!(res.status.as_u16(), 202, "valid Follow: {}", res.body);
    assert_eq!(
        members(&a, "support").await,
        ["ann".to_string(), kim.handle()]
    );
    let got = social
        .wait_for("the Accept at kim's inbox", |r| {
            r.iter()
                .any(|r| r.path == "/users/kim/inbox" && r.kind() == "Accept")
        })
        .await;
    let accept = got
        .iter()
        .find(|r| r.kind() == "Accept")
        .expect("the Accept");
    assert_eq!(accept.body["actor"], group_ap.as_str());
    let answered = match &accept.body["object"] {
        Value::String(id) => id.clone(),
        o => o["id"].as_str().unwrap_or_default().to_string(),
    };
    assert_eq!(
        answered,
        follow["id"].as_str().unwrap(),
        "{:?}",
        accept.body
    );
    assert_eq!(
        accept.verified_key.as_deref(),
        Some(format!("{group_ap}#main-key").as_str()),
        "the Accept is signed by the group: {:?}",
        accept.refusal
    );

    // Forged origins: the activity's id is not on the actor's server.
    let lee_follow = lee.follow(&group_ap);
    for (what, id) in [
        (
            "activity id on another domain",
            "http://evil.example/follows/1".to_string(),
        ),
        (
            "activity id on another port of the actor's host",
            "http://localhost:1/follows/2".to_string(),
        ),
        (
            "activity id on the receiving server",
            format!("{}/activities/follow/forged", a.url),
        ),
    ] {
        let mut forged = lee_follow.clone();
        forged["id"] = json!(id);
        let res = social.send(&lee, &group_inbox, &forged).await;
        refusals.check(what, res, 403);
    }
    // A Create whose Note lives elsewhere than its actor, or is someone
    // else's.
    let mut spoofed = kim.note("<p>Spoofed reply.</p>");
    spoofed["id"] = json!("http://localhost:1/users/kim/statuses/1");
    spoofed["inReplyTo"] = json!(thread_ap);
    let mut create = kim.create(&spoofed);
    create["id"] = json!(format!("{}/statuses/spoof/activity", kim.id));
    let res = social.send(&kim, &shared_inbox, &create).await;
    refusals.check("Create of a Note on another host", res, 403);
    let mut lees = lee.note("<p>Written by lee, sent by kim.</p>");
    lees["inReplyTo"] = json!(thread_ap);
    let mut create = kim.create(&lees);
    create["id"] = json!(format!("{}/statuses/lees/activity", kim.id));
    let res = social.send(&kim, &shared_inbox, &create).await;
    refusals.check("Create of a Note attributed to another actor", res, 403);
    let m = members(&a, "support").await;
    refusals.ensure(m.len() == 2, format!("lee did not join: {m:?}"));
    let t = post(&a, thread).await;
    refusals.ensure(t["comment_count"] == 0, format!("no spoofed comment: {t}"));

    // The accepted variants of a signature: hs2019 (lee joins), keyId
    // without a fragment (lee leaves).
    let res = social
        .send_with(
            &lee,
            &group_inbox,
            &lee_follow,
            Signing {
                algorithm: Some("hs2019".into()),
                ..Signing::default()
            },
        )
        .await;
    refusals.accepted("algorithm hs2019", res);
    let m = members(&a, "support").await;
    refusals.ensure(
        m.contains(&lee.handle()),
        format!("hs2019 Follow acted on: {m:?}"),
    );
    let res = social
        .send_with(
            &lee,
            &group_inbox,
            &lee.undo(&lee_follow),
            Signing {
                key_id_without_fragment: true,
                ..Signing::default()
            },
        )
        .await;
    refusals.accepted("keyId without #main-key", res);
    let m = members(&a, "support").await;
    refusals.ensure(
        !m.contains(&lee.handle()),
        format!("Undo(Follow) with a fragment-less keyId acted on: {m:?}"),
    );

    // The same activity twice: both 2xx, one comment. The same Note in a
    // second Create changes nothing either.
    let mut reply = kim.note("<p>Unplug it first.</p>");
    reply["inReplyTo"] = json!(thread_ap);
    let create = kim.create(&reply);
    let res = social.send(&kim, &shared_inbox, &create).await;
    assert_eq!(res.status.as_u16(), 202, "reply: {}", res.body);
    let res = social.send(&kim, &shared_inbox, &create).await;
    refusals.accepted("the same Create again", res);
    let mut again = create.clone();
    again["id"] = json!(format!("{}/statuses/again/activity", kim.id));
    let res = social.send(&kim, &shared_inbox, &again).await;
    refusals.accepted("the same Note in another Create", res);
    let t = post(&a, thread).await;
    refusals.ensure(
        t["comment_count"] == 1
            && t["comments"].as_array().map(Vec::len) == Some(1)
            && t["comments"][0]["author"]["name"] == kim.handle().as_str(),
        format!("one comment by kim: {t}"),
    );

    // 2 MiB: refused before it is read.
    let mut big = kim.note(&format!("<p>{}</p>", "x".repeat(2 * 1024 * 1024)));
    big["inReplyTo"] = json!(thread_ap);
    let res = social.send(&kim, &shared_inbox, &kim.create(&big)).await;
    refusals.check("a 2 MiB activity", res, 413);

    // Activity types this server does not act on: accepted, ignored.
    let mut react = kim.activity("EmojiReact", json!(thread_ap));
    react["content"] = json!("🔥");
    let res = social.send(&kim, &shared_inbox, &react).await;
    refusals.accepted("EmojiReact", res);
    let mut moved = kim.activity("Move", json!(kim.id));
    moved["target"] = json!("http://localhost:1/users/kim");
    let res = social.send(&kim, &shared_inbox, &moved).await;
    refusals.accepted("Move", res);
    let t = post(&a, thread).await;
    refusals.ensure(
        t["score"] == 0 && t["comment_count"] == 1,
        format!("unknown types change nothing: {t}"),
    );
    let m = members(&a, "support").await;
    refusals.ensure(m.len() == 2, format!("unknown types change nothing: {m:?}"));

    // The remote's domain is blocked: refused before anything is fetched
    // or stored, even from an actor not seen before.
    let domain = social.host();
    a.app
        .store
        .run(move |conn| {
            use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
            use guildhall::store::schema::instance;
            let n = diesel::update(instance::table.filter(instance::domain.eq(&domain)))
                .set(instance::policy.eq("blocked"))
                .execute(conn)?;
            assert_eq!(n, 1, "the remote is a known instance");
            Ok(())
        })
        .await
        .expect("block the remote");
    let nat = social.person("nat").await;
    let res = social
        .send(&nat, &group_inbox, &nat.follow(&group_ap))
        .await;
    refusals.check("Follow from a blocked domain", res, 403);
    let mut blocked_reply = kim.note("<p>Still here?</p>");
    blocked_reply["inReplyTo"] = json!(thread_ap);
    let res = social
        .send(&kim, &shared_inbox, &kim.create(&blocked_reply))
        .await;
    refusals.check("reply from a blocked domain", res, 403);
    refusals.ensure(
        !person_stored(&a, &nat.id).await,
        "nat was not stored".into(),
    );
    let m = members(&a, "support").await;
    refusals.ensure(m.len() == 2, format!("nobody joined: {m:?}"));
    let t = post(&a, thread).await;
    refusals.ensure(t["comment_count"] == 1, format!("no comment added: {t}"));

    refusals.assert_none();
    social.stop().await;
    a.stop().await;
}

/// An Announce is trusted only from the group the announced content
/// belongs to: B's group2 cannot slip a thread of group1 into A's copy
/// of group1, though group1 itself can.
async fn announce_only_from_the_contents_group(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let bh = b.host();
    let ann = a.user("ann").await;
    let bob = b.user("bob").await;
    let g1 = b.group(&bob, "group1", "group").await;
    let g2 = b.group(&bob, "group2", "group").await;
    let (g1_ap, g2_ap) = (
        g1["ap_id"].as_str().unwrap().to_string(),
        g2["ap_id"].as_str().unwrap().to_string(),
    );
    // A thread of g1 from before A followed it: A has never seen it.
    let early = b.thread(&bob, "group1", "Before anyone followed").await;
    a.join_remote(&ann, &format!("group1@{bh}")).await;
    a.join_remote(&ann, &format!("group2@{bh}")).await;

    // The thread's Create, as g1 would relay it.
    let page: Value = b
        .client
        .get(format!("{}/post/{early}", b.url))
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch the Page")
        .json()
        .await
        .expect("Page JSON");
    assert_eq!(page["type"], "Page");
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/create/early-thread", b.url),
        "type": "Create",
        "actor": page["attributedTo"],
        "to": page["to"],
        "cc": page["cc"],
        "audience": g1_ap,
        "object": page,
    });
    let private_key = |name: &'static str| {
        let app = b.app.clone();
        async move {
            app.store
                .run(move |conn| guildhall::store::groups::local_by_name(conn, name))
                .await
                .expect("read the group")
                .and_then(|g| g.private_key)
                .expect("a local group has a private key")
        }
    };
    let announce = |group_ap: &str, n: u32| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/announce/test-{n}", b.url),
            "type": "Announce",
            "actor": group_ap,
            "to": [PUBLIC],
            "cc": [format!("{group_ap}/followers")],
            "audience": group_ap,
            "object": create,
        })
    };
    let inbox = format!("{}/inbox", a.url);
    let mut refusals = Refusals::default();

    // Signed by g2 (its real key), about g1's thread: refused.
    let g2_signer = Signer::from_pem(&format!("{g2_ap}#main-key"), &private_key("group2").await);
    let res = post_signed(
        &a.client,
        &inbox,
        &announce(&g2_ap, 1),
        &g2_signer,
        &Signing::default(),
    )
    .await;
    let body = refusals.check("group2 announcing group1's thread", res, 403);
    if !body.is_null() {
        let detail = body["detail"].as_str().unwrap_or_default();
        if !detail.contains("only trusted from the content's own group") {
            refusals.0.push(format!(
                "group2's Announce refused for another reason: {body}"
            ));
        }
    }
    for g in ["group1", "group2"] {
        let found = a
            .find_thread(Some(&ann), &format!("{g}@{bh}"), "Before anyone followed")
            .await;
        refusals.ensure(
            found.is_none(),
            format!("the thread is not stored in {g}: {found:?}"),
        );
    }

    // Signed by g1, about its own thread: accepted and stored.
    let g1_signer = Signer::from_pem(&format!("{g1_ap}#main-key"), &private_key("group1").await);
    let res = post_signed(
        &a.client,
        &inbox,
        &announce(&g1_ap, 2),
        &g1_signer,
        &Signing::default(),
    )
    .await;
    refusals.accepted("group1 announcing its own thread", res);
    refusals.assert_none();
    let t = a
        .await_thread(
            Some(&ann),
            &format!("group1@{bh}"),
            "Before anyone followed",
        )
        .await;
    assert_eq!(t["author"]["name"], format!("bob@{bh}"));
    assert_eq!(t["ap_id"], page["id"]);
    a.stop().await;
    b.stop().await;
}

//! A Mastodon user takes part in a Guildhall group from a (fake) Mastodon
//! server, with Mastodon's own activity shapes and real signatures: follows
//! the group, sees its threads as boosts, replies, starts a thread by
//! mentioning the group, favourites, edits and deletes.

use crate::common;

use crate::common::remote::{mention, Received, Remote, PUBLIC};
use crate::common::{eventually, Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(a_mastodon_user_in_a_group);

async fn thread(s: &TestServer, id: i64) -> Value {
    s.get(&format!("/api/v1/posts/{id}"), None)
        .await
        .expect(200)
}

/// Whether `r` is an Announce by `group` whose object is `object_id`
/// (a boost) or an activity of `inner_type` about `object_id`.
fn announces(r: &Received, group: &str, inner_type: Option<&str>, object_id: &str) -> bool {
    if r.kind() != "Announce" || r.body["actor"] != group {
        return false;
    }
    let object = &r.body["object"];
    match inner_type {
        None => object == object_id,
        Some(t) => object["type"] == t && object["object"]["id"] == object_id,
    }
}

async fn a_mastodon_user_in_a_group(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let ann_ap = a.get("/api/v1/me", Some(&ann)).await.expect(200)["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string();
    a.group(&ann, "support", "group").await;
    a.thread(&ann, "support", "Welcome").await;
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    let other = Remote::start().await;
    let lee = other.person("lee").await;

    // Kim's server finds the group as Mastodon does: the actor document.
    let group: Value = a
        .client
        .get(format!("{}/g/support", a.url))
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch the group")
        .json()
        .await
        .expect("group JSON");
    let group_ap = group["id"].as_str().expect("id").to_string();
    let group_inbox = group["inbox"].as_str().expect("inbox").to_string();
    let shared_inbox = group["endpoints"]["sharedInbox"]
        .as_str()
        .expect("sharedInbox")
        .to_string();
    let group_key = format!("{group_ap}#main-key");

    // 1. Kim follows the group: the group's signed Accept comes back.
    let follow = kim.follow(&group_ap);
    social.send(&kim, &group_inbox, &follow).await.expect(202);
    let got = social
        .wait_for("the Accept of kim's Follow", |r| {
            r.iter()
                .any(|r| r.path == "/users/kim/inbox" && r.kind() == "Accept")
        })
        .await;
    let accept = got.iter().find(|r| r.kind() == "Accept").unwrap();
    assert_eq!(accept.body["actor"], group_ap.as_str());
    let answered = match &accept.body["object"] {
        Value::String(id) => id.as_str(),
        o => o["id"].as_str().unwrap_or_default(),
    };
    assert_eq!(answered, follow["id"], "{}", accept.body);
    assert_eq!(
        accept.verified_key.as_deref(),
        Some(group_key.as_str()),
        "{:?}",
        accept.refusal
    );
    other
        .send(&lee, &group_inbox, &lee.follow(&group_ap))
        .await
        .expect(202);
    other
        .wait_for("the Accept of lee's Follow", |r| {
            r.iter().any(|r| r.kind() == "Accept")
        })
        .await;
    let members = a
        .get("/api/v1/groups/support/members", None)
        .await
        .expect(200);
    let names: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["person"]["name"].as_str())
        .collect();
    assert!(
        names.contains(&kim.handle().as_str()) && names.contains(&lee.handle().as_str()),
        "{names:?}"
    );

    // 2. Ann's new thread reaches kim's server as a boost of the thread
    // (what Mastodon shows) and as Announce(Create(Page)).
    let tid = a.thread(&ann, "support", "Printer on fire").await;
    let thread_ap = thread(&a, tid).await["ap_id"].as_str().unwrap().to_string();
    let got = social
        .wait_for("the group's Announces of the new thread", |r| {
            r.iter().any(|r| announces(r, &group_ap, None, &thread_ap))
                && r.iter()
                    .any(|r| announces(r, &group_ap, Some("Create"), &thread_ap))
        })
        .await;
    for r in got.iter().filter(|r| r.kind() == "Announce") {
        assert_eq!(r.path, "/inbox", "to kim's shared inbox");
        assert_eq!(
            r.verified_key.as_deref(),
            Some(group_key.as_str()),
            "{:?}",
            r.refusal
        );
    }
    let create = got
        .iter()
        .find(|r| announces(r, &group_ap, Some("Create"), &thread_ap))
        .unwrap();
    assert_eq!(create.body["object"]["object"]["type"], "Page");
    assert_eq!(create.body["object"]["object"]["name"], "Printer on fire");

    // 3. Kim replies, Mastodon-style, to the shared inbox: the comment is
    // kim's, its HTML sanitized, and lee's server gets the group's relay.
    let content = format!(
        "<p><span class=\"h-card\" translate=\"no\"><a href=\"{ann_ap}\" class=\"u-url mention\">@<span>ann</span></a></span> \
         Unplug it first.<script>alert(1)</script> <a href=\"https://example.com/docs\" onclick=\"steal()\">Docs</a></p>"
    );
    let mut reply = kim.note(&content);
    reply["inReplyTo"] = json!(thread_ap);
    reply["to"] = json!([kim.followers]);
    reply["cc"] = json!([PUBLIC, ann_ap]);
    reply["tag"] = json!([mention(&ann_ap, &format!("@ann@{}", a.host()))]);
    let reply_id = reply["id"].as_str().unwrap().to_string();
    social
        .send(&kim, &shared_inbox, &kim.create(&reply))
        .await
        .expect(202);
    let t = thread(&a, tid).await;
    assert_eq!(t["comment_count"], 1, "{t}");
    let comment = &t["comments"][0];
    assert_eq!(comment["author"]["name"], kim.handle());
    assert_eq!(comment["ap_id"], reply_id.as_str());
    let html = comment["body_html"].as_str().unwrap();
    assert!(html.contains("Unplug it first."), "{html}");
    assert!(html.contains("https://example.com/docs"), "{html}");
    for banned in ["<script", "alert(1)", "onclick", "steal()"] {
        assert!(!html.contains(banned), "{banned} left in {html}");
    }
    other
        .wait_for("the relayed reply at lee's server", |r| {
            r.iter()
                .any(|r| announces(r, &group_ap, Some("Create"), &reply_id))
        })
        .await;

    // 4. Kim mentions the group in a new post: a new thread, titled from
    // its first line.
    let mut post =
        kim.note("<p>@support Printer &amp; scanner won't pair<br>Tried everything.</p>");
    post["cc"] = json!([kim.followers, group_ap]);
    post["tag"] = json!([mention(&group_ap, &format!("@support@{}", a.host()))]);
    let post_id = post["id"].as_str().unwrap().to_string();
    social
        .send(&kim, &shared_inbox, &kim.create(&post))
        .await
        .expect(202);
    let started = a
        .await_thread(None, "support", "Printer & scanner won't pair")
        .await;
    assert_eq!(started["author"]["name"], kim.handle());
    assert_eq!(started["ap_id"], post_id.as_str());
    assert_eq!(started["group"]["name"], "support");
    assert!(
        started["body_html"]
            .as_str()
            .is_some_and(|h| h.contains("Tried everything.")),
        "{started}"
    );
    other
        .wait_for("the boost of kim's thread at lee's server", |r| {
            r.iter().any(|r| announces(r, &group_ap, None, &post_id))
        })
        .await;

    // 5. Kim favourites ann's thread, then takes it back.
    let like = kim.like(&thread_ap);
    social.send(&kim, &shared_inbox, &like).await.expect(202);
    assert_eq!(thread(&a, tid).await["score"], 1);
    social
        .send(&kim, &shared_inbox, &kim.undo(&like))
        .await
        .expect(202);
    assert_eq!(thread(&a, tid).await["score"], 0);

    // 7. Kim edits the reply: the body changes.
    let mut edited = reply.clone();
    edited["content"] = json!("<p>Unplug it first, then wait ten seconds.</p>");
    social
        .send(&kim, &shared_inbox, &kim.update(&edited))
        .await
        .expect(202);
    let t = thread(&a, tid).await;
    let html = t["comments"][0]["body_html"].as_str().unwrap_or_default();
    assert!(html.contains("then wait ten seconds"), "{t}");
    other
        .wait_for("the relayed edit at lee's server", |r| {
            r.iter()
                .any(|r| announces(r, &group_ap, Some("Update"), &reply_id))
        })
        .await;

    // 6. Kim deletes the reply: shown deleted, relayed to lee's server.
    social
        .send(&kim, &shared_inbox, &kim.delete(&reply_id))
        .await
        .expect(202);
    eventually("the deleted reply", || async {
        let t = thread(&a, tid).await;
        t["comments"][0]["deleted"] == true && t["comments"][0]["body_html"] == ""
    })
    .await;
    other
        .wait_for("the relayed Delete at lee's server", |r| {
            r.iter().any(|r| {
                r.kind() == "Announce"
                    && r.body["object"]["type"] == "Delete"
                    && r.body["object"]["object"]["id"] == reply_id.as_str()
            })
        })
        .await;

    social.stop().await;
    other.stop().await;
    a.stop().await;
}

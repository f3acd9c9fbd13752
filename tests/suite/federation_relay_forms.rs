//! A local group relays a new thread in two forms: `Announce(Create)` (the
//! activity, which Lemmy and its kin read) and `Announce(thread id)` (a
//! boost, which Mastodon and its kin show). Each follower's server gets the
//! forms it reads, judged from its NodeInfo: Lemmy refuses the boost form
//! ("missing field `actor`") and fetches the thread for nothing.

use crate::common;

use crate::common::remote::{Received, Remote};
use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(each_follower_server_gets_the_forms_it_reads);

/// A fake server whose NodeInfo says it runs `software`.
async fn server_running(software: &str) -> Remote {
    let r = Remote::start().await;
    r.serve(
        &format!("{}/.well-known/nodeinfo", r.url),
        json!({"links": [{
            "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
            "href": format!("{}/nodeinfo/2.1", r.url)
        }]}),
    );
    r.serve(
        &format!("{}/nodeinfo/2.1", r.url),
        json!({
            "version": "2.1",
            "software": {"name": software, "version": "1.0"},
            "protocols": ["activitypub"],
            "usage": {"users": {}},
            "openRegistrations": false
        }),
    );
    r
}

fn is_boost_of(r: &Received, thread: &str) -> bool {
    r.kind() == "Announce" && r.body["object"] == thread
}

fn is_create_of(r: &Received, thread: &str) -> bool {
    r.kind() == "Announce"
        && r.body["object"]["type"] == "Create"
        && r.body["object"]["object"]["id"] == thread
}

async fn ap_id(a: &TestServer, id: i64) -> String {
    a.get(&format!("/api/v1/posts/{id}"), None)
        .await
        .expect(200)["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string()
}

async fn each_follower_server_gets_the_forms_it_reads(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let g = a.group(&ann, "support", "group").await;
    let group_ap = g["ap_id"].as_str().expect("ap_id").to_string();
    let lemmy = server_running("lemmy").await;
    let mastodon = server_running("mastodon").await;
    let lou = lemmy.person("lou").await;
    let kim = mastodon.person("kim").await;
    let inbox = format!("{}/inbox", a.url);
    for (server, person) in [(&lemmy, &lou), (&mastodon, &kim)] {
        server
            .send(person, &inbox, &person.follow(&group_ap))
            .await
            .expect(202);
        server
            .wait_for("the Accept", |r| r.iter().any(|r| r.kind() == "Accept"))
            .await;
    }

    // A new thread: the Mastodon server gets both forms, the Lemmy server
    // the activity.
    let first = ap_id(&a, a.thread(&ann, "support", "First").await).await;
    mastodon
        .wait_for("both forms of the first thread", |r| {
            r.iter().any(|r| is_boost_of(r, &first)) && r.iter().any(|r| is_create_of(r, &first))
        })
        .await;
    lemmy
        .wait_for("Announce(Create) of the first thread", |r| {
            r.iter().any(|r| is_create_of(r, &first))
        })
        .await;

    // A second thread is the marker: once the Lemmy server has it, it
    // would have had the first one's boost too.
    let second = ap_id(&a, a.thread(&ann, "support", "Second").await).await;
    let got = lemmy
        .wait_for("Announce(Create) of the second thread", |r| {
            r.iter().any(|r| is_create_of(r, &second))
        })
        .await;
    let boosts: Vec<&Value> = got
        .iter()
        .filter(|r| r.kind() == "Announce" && r.body["object"].is_string())
        .map(|r| &r.body)
        .collect();
    assert!(
        boosts.is_empty(),
        "the Lemmy server got Announce(object): {boosts:#?}"
    );
    mastodon
        .wait_for("the boost of the second thread", |r| {
            r.iter().any(|r| is_boost_of(r, &second))
        })
        .await;

    lemmy.stop().await;
    mastodon.stop().await;
    a.stop().await;
}

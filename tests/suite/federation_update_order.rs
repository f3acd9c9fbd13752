//! Updates that arrive out of order: the newest version of a thread or
//! comment stays, whichever Update comes last (a fake Mastodon-like server
//! signs and sends them).

use crate::common;

use crate::common::remote::{Remote, RemoteActor, PUBLIC};
use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(an_older_update_does_not_overwrite_a_newer_one);

/// `Update` of `object` as `actor` sends it, edited at `updated`.
fn update_at(actor: &RemoteActor, object: &Value, updated: &str) -> Value {
    let mut update = actor.update(object);
    update["object"]["updated"] = json!(updated);
    update
}

async fn thread(s: &TestServer, id: i64) -> Value {
    s.get(&format!("/api/v1/posts/{id}"), None)
        .await
        .expect(200)
}

async fn an_older_update_does_not_overwrite_a_newer_one(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let group = a.group(&ann, "support", "group").await;
    let group_ap = group["ap_id"].as_str().expect("ap_id").to_string();
    let inbox = format!("{}/g/support/inbox", a.url);
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    social
        .send(&kim, &inbox, &kim.follow(&group_ap))
        .await
        .expect(202);

    let mut page = kim.note("<p>First words.</p>");
    page["type"] = json!("Page");
    page["name"] = json!("Router lights");
    page["audience"] = json!(group_ap);
    page["to"] = json!([group_ap, PUBLIC]);
    page["published"] = json!("2026-01-01T10:00:00Z");
    social
        .send(&kim, &inbox, &kim.create(&page))
        .await
        .expect(202);
    let tid = a.await_thread(None, "support", "Router lights").await["id"]
        .as_i64()
        .expect("id");

    // Two edits; the newer arrives first, the older after it.
    let mut newer = page.clone();
    newer["name"] = json!("Router lights (solved)");
    newer["content"] = json!("<p>The newer edit.</p>");
    let mut older = page.clone();
    older["name"] = json!("Router lights (stale)");
    older["content"] = json!("<p>The older edit.</p>");
    social
        .send(
            &kim,
            &inbox,
            &update_at(&kim, &newer, "2026-01-01T10:02:00.000002Z"),
        )
        .await
        .expect(202);
    social
        .send(
            &kim,
            &inbox,
            &update_at(&kim, &older, "2026-01-01T10:02:00.000001Z"),
        )
        .await
        .expect(202);
    // The inbox applies an activity before it answers: the older Update
    // was taken and left the newer version in place.
    let t = thread(&a, tid).await;
    assert_eq!(t["title"], "Router lights (solved)", "{t}");
    let html = t["body_html"].as_str().unwrap_or_default();
    assert!(html.contains("The newer edit."), "{t}");
    assert_eq!(t["updated_at"], "2026-01-01T10:02:00.000002Z", "{t}");

    // A comment the same way; an Update that says only `published` (no
    // edit time) is older than any edit.
    let mut reply = kim.note("<p>A reply.</p>");
    reply["inReplyTo"] = page["id"].clone();
    reply["to"] = json!([group_ap, PUBLIC]);
    reply["published"] = json!("2026-01-01T11:00:00Z");
    social
        .send(&kim, &inbox, &kim.create(&reply))
        .await
        .expect(202);
    let mut newer_reply = reply.clone();
    newer_reply["content"] = json!("<p>The reply, edited last.</p>");
    let mut older_reply = reply.clone();
    older_reply["content"] = json!("<p>The reply, edited first.</p>");
    social
        .send(
            &kim,
            &inbox,
            &update_at(&kim, &newer_reply, "2026-01-01T11:05:00Z"),
        )
        .await
        .expect(202);
    social
        .send(
            &kim,
            &inbox,
            &update_at(&kim, &older_reply, "2026-01-01T11:04:00Z"),
        )
        .await
        .expect(202);
    let mut unversioned = kim.update(&older_reply);
    unversioned["object"]
        .as_object_mut()
        .expect("object")
        .remove("updated");
    social.send(&kim, &inbox, &unversioned).await.expect(202);
    let t = thread(&a, tid).await;
    let html = t["comments"][0]["body_html"].as_str().unwrap_or_default();
    assert!(html.contains("edited last"), "{t}");

    // A newer Update still applies.
    let mut newest = page.clone();
    newest["name"] = json!("Router lights (final)");
    social
        .send(
            &kim,
            &inbox,
            &update_at(&kim, &newest, "2026-01-01T12:00:00Z"),
        )
        .await
        .expect(202);
    assert_eq!(thread(&a, tid).await["title"], "Router lights (final)");

    social.stop().await;
    a.stop().await;
}

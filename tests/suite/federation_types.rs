//! `type` given as a list (`["Note", "Article"]`, valid ActivityStreams):
//! the first type this server understands is used, by the inbox and by
//! `guildhall federation inspect`, for activities, content and actors.

use crate::common;

use crate::common::remote::{mention, Remote};
use crate::common::Backend;
use guildhall::federation::inspect::inspect;
use serde_json::{json, Value};

on_both_backends!(the_inbox_reads_a_list_of_types);

fn create_with_types(object_types: Value) -> Value {
    json!({
        "type": ["Create"],
        "id": "https://social.example/users/kim/statuses/2/activity",
        "actor": "https://social.example/users/kim",
        "object": {
            "type": object_types,
            "id": "https://social.example/users/kim/statuses/2",
            "attributedTo": "https://social.example/users/kim",
            "content": "<p>@support Printer won't pair</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "tag": [{"type": "Mention", "href": "https://brand.example/g/support"}]
        }
    })
}

#[test]
fn inspect_reads_a_list_of_types() {
    let report = inspect(&create_with_types(json!(["Note", "Article"])).to_string())
        .expect("readable")
        .to_string();
    assert!(report.contains("activity: Create"), "{report}");
    assert!(report.contains("object:   Note"), "{report}");
    assert!(report.contains("effect:   new thread"), "{report}");

    // An unknown extension type first: the known one is used.
    let report = inspect(&create_with_types(json!(["schema:Thing", "Article"])).to_string())
        .expect("readable")
        .to_string();
    assert!(report.contains("new thread (article)"), "{report}");

    // Nothing understood: skipped, naming the type, as a single one would be.
    let report = inspect(&create_with_types(json!(["ChatMessage"])).to_string())
        .expect("readable")
        .to_string();
    assert!(report.contains("ChatMessage"), "{report}");
    assert!(report.contains("skipped"), "{report}");

    let person = json!({
        "type": ["Person", "schema:Person"],
        "id": "https://social.example/users/kim",
        "preferredUsername": "kim",
        "inbox": "https://social.example/users/kim/inbox",
        "publicKey": {
            "id": "https://social.example/users/kim#main-key",
            "owner": "https://social.example/users/kim",
            "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----"
        }
    });
    let report = inspect(&person.to_string()).expect("readable").to_string();
    assert!(report.contains("a remote person"), "{report}");
}

/// A Mastodon-like server sends a Create, a Like and an Undo whose `type`
/// is a list, of a Note typed `["Note", "Article"]`: all acted on.
async fn the_inbox_reads_a_list_of_types(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let g = a.group(&ann, "support", "group").await;
    let group_ap = g["ap_id"].as_str().expect("ap_id").to_string();
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    let inbox = format!("{}/inbox", a.url);

    let mut note = kim.note("<p>@support Printer won't pair</p>");
    note["type"] = json!(["Note", "Article"]);
    note["cc"] = json!([kim.followers, group_ap]);
    note["tag"] = json!([mention(&group_ap, "@support")]);
    let mut create = kim.create(&note);
    create["type"] = json!(["Create"]);
    social.send(&kim, &inbox, &create).await.expect(202);
    let t = a.await_thread(None, "support", "Printer won't pair").await;
    assert_eq!(t["author"]["name"], kim.handle());
    let tid = t["id"].as_i64().expect("id");
    let thread_ap = t["ap_id"].as_str().expect("ap_id").to_string();

    let ann_thread = a.thread(&ann, "support", "Ann asks").await;
    let ann_thread_ap = a
        .get(&format!("/api/v1/posts/{ann_thread}"), None)
        .await
        .expect(200)["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string();
    let mut like = kim.like(&ann_thread_ap);
    like["type"] = json!(["Like", "toot:Favourite"]);
    social.send(&kim, &inbox, &like).await.expect(202);
    let score = |id: i64| {
        let a = &a;
        async move {
            a.get(&format!("/api/v1/posts/{id}"), None)
                .await
                .expect(200)["score"]
                .clone()
        }
    };
    assert_eq!(score(ann_thread).await, 1);
    let mut undo = kim.undo(&like);
    undo["type"] = json!(["Undo"]);
    social.send(&kim, &inbox, &undo).await.expect(202);
    assert_eq!(score(ann_thread).await, 0);
    assert_ne!(thread_ap, ann_thread_ap);
    assert_eq!(score(tid).await, 0);
    social.stop().await;
    a.stop().await;
}

//! Trust in what a remote group relays. A Guildhall server A follows a
//! group on a (fake, Lemmy-like) server F1, which relays its members'
//! activities in signed Announces. Content of a third server F2 is taken
//! from F2, not from F1's copy; our own activities coming back through the
//! group are acknowledged and change nothing.

use crate::common;

use crate::common::remote::{Remote, RemoteActor, PUBLIC};
use crate::common::{eventually, Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    relayed_content_of_a_third_server_is_taken_from_its_origin,
    our_own_activities_relayed_back_are_acknowledged
);

/// `ann` on A joins the group `g` of a new fake server F1 (which answers
/// her Follow with a signed Accept). Returns F1, the group, and the
/// group's handle on A.
async fn join_fake_group(a: &TestServer, token: &str) -> (Remote, RemoteActor, String) {
    let f1 = Remote::start().await;
    let group = f1.actor("g", "Group").await;
    a.get(&format!("/api/v1/resolve?q={}", group.id), Some(token))
        .await
        .expect(200);
    let handle = group.handle();
    a.post(
        &format!("/api/v1/groups/{handle}/join"),
        Some(token),
        json!({}),
    )
    .await
    .expect(200);
    let got = f1
        .wait_for("the Follow of the group", |r| {
            r.iter().any(|r| r.kind() == "Follow")
        })
        .await;
    let follow = got
        .iter()
        .find(|r| r.kind() == "Follow")
        .expect("Follow")
        .body
        .clone();
    f1.send(&group, &inbox(a), &group.activity("Accept", follow))
        .await
        .expect(202);
    eventually("the group to accept the join", || async {
        let g = a
            .get(&format!("/api/v1/groups/{handle}"), Some(token))
            .await
            .expect(200);
        g["membership"]["state"] == "accepted"
    })
    .await;
    (f1, group, handle)
}

fn inbox(a: &TestServer) -> String {
    format!("{}/inbox", a.url)
}

/// A thread by `author`, titled `title`, posted to `group`.
fn page(author: &RemoteActor, group: &RemoteActor, title: &str, html: &str) -> Value {
    let mut p = author.note(html);
    p["type"] = json!("Page");
    p["name"] = json!(title);
    p["to"] = json!([PUBLIC, group.id]);
    p["cc"] = json!([]);
    p["audience"] = json!(group.id);
    p
}

async fn thread(a: &TestServer, token: &str, id: i64) -> Value {
    a.get(&format!("/api/v1/posts/{id}"), Some(token))
        .await
        .expect(200)
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// F1 relays activities of pat, a person of F2: what A stores is what F2
/// serves, or nothing when F2 does not have it. Activities of F1's own
/// people are taken as F1 relays them.
async fn relayed_content_of_a_third_server_is_taken_from_its_origin(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let (f1, group, handle) = join_fake_group(&a, &ann).await;
    let f2 = Remote::start().await;
    let pat = f2.person("pat").await;
    let relay = |activity: Value| {
        let (f1, group, inbox) = (&f1, &group, inbox(&a));
        async move {
            f1.send(group, &inbox, &group.announce(activity))
                .await
                .expect(202)
        }
    };

    // 1. F1 puts words in pat's mouth: F2's own copy is stored.
    let origin = page(
        &pat,
        &group,
        "Pat's thread",
        "<p>What pat really wrote.</p>",
    );
    f2.serve(&id_of(&origin), origin.clone());
    let mut forged = origin.clone();
    forged["content"] = json!("<p>Words put in pat's mouth.</p>");
    relay(pat.create(&forged)).await;
    let listed = a.await_thread(Some(&ann), &handle, "Pat's thread").await;
    let tid = listed["id"].as_i64().expect("id");
    let t = thread(&a, &ann, tid).await;
    let html = t["body_html"].as_str().unwrap_or_default();
    assert!(html.contains("What pat really wrote."), "{t}");
    assert!(!html.contains("Words put in"), "{t}");
    assert_eq!(t["author"]["name"], pat.handle());
    assert_eq!(t["ap_id"], origin["id"]);

    // 2. F2 never wrote it (404), or wrote it for no group (not addressed
    // to g): not stored. The marker after them is.
    let unknown = page(&pat, &group, "Never written by pat", "<p>Forged.</p>");
    relay(pat.create(&unknown)).await;
    let mut elsewhere = page(&pat, &group, "Pat's post elsewhere", "<p>Elsewhere.</p>");
    let mut as_served = elsewhere.clone();
    as_served["to"] = json!([PUBLIC]);
    as_served["audience"] = Value::Null;
    f2.serve(&id_of(&elsewhere), as_served);
    elsewhere["content"] = json!("<p>Claimed for g.</p>");
    relay(pat.create(&elsewhere)).await;
    let marker = page(&pat, &group, "Marker", "<p>A real one.</p>");
    f2.serve(&id_of(&marker), marker.clone());
    relay(pat.create(&marker)).await;
    a.await_thread(Some(&ann), &handle, "Marker").await;
    for title in ["Never written by pat", "Pat's post elsewhere"] {
        let found = a.find_thread(Some(&ann), &handle, title).await;
        assert!(found.is_none(), "{title} stored: {found:?}");
    }

    // 3. An edit relayed by F1: the version F2 serves now is stored.
    let mut edited = origin.clone();
    edited["content"] = json!("<p>Pat's own edit.</p>");
    f2.serve(&id_of(&origin), edited);
    let mut forged_edit = origin.clone();
    forged_edit["content"] = json!("<p>The group's edit.</p>");
    relay(pat.update(&forged_edit)).await;
    let t = thread(&a, &ann, tid).await;
    let html = t["body_html"].as_str().unwrap_or_default();
    assert!(html.contains("Pat's own edit."), "{t}");
    assert!(!html.contains("The group's edit."), "{t}");

    // 4. A deletion relayed by F1 while F2 still has the thread: kept.
    // Once F2 no longer has it, the relayed deletion is acted on.
    relay(pat.delete(&id_of(&origin))).await;
    let t = thread(&a, &ann, tid).await;
    assert_eq!(t["deleted"], false, "{t}");
    f2.unserve(&id_of(&origin));
    let mut again = pat.delete(&id_of(&origin));
    again["id"] = json!(format!("{}#delete-again", id_of(&origin)));
    relay(again).await;
    let t = a.get(&format!("/api/v1/posts/{tid}"), Some(&ann)).await;
    assert!(
        t.status == 410 || t.body["deleted"] == true,
        "{} {}",
        t.status,
        t.body
    );

    // 5. A vote of quinn, of F2, relayed by F1 is the group's word:
    // counted.
    let mid = a.await_thread(Some(&ann), &handle, "Marker").await["id"]
        .as_i64()
        .expect("id");
    let quinn = f2.actor_sharing_key("quinn", "Person", &pat);
    relay(quinn.like(&id_of(&marker))).await;
    assert_eq!(thread(&a, &ann, mid).await["score"], 1);

    // 6. A thread of bo, a person of F1 itself, is taken as F1 relays it
    // (F1 is not even asked: it does not serve it).
    let bo = f1.person("bo").await;
    let bos = page(
        &bo,
        &group,
        "Bo's thread",
        "<p>From the group's server.</p>",
    );
    relay(bo.create(&bos)).await;
    let t = a.await_thread(Some(&ann), &handle, "Bo's thread").await;
    assert_eq!(t["author"]["name"], bo.handle());

    f1.stop().await;
    f2.stop().await;
    a.stop().await;
}

/// Lemmy relays a member's activity to every follower of the group, the
/// member's own server included: ann's activities come back to A inside
/// F1's Announces. Each is answered 202 and changes nothing.
async fn our_own_activities_relayed_back_are_acknowledged(backend: Backend) {
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    let (f1, group, handle) = join_fake_group(&a, &ann).await;
    let bo = f1.person("bo").await;
    let bos = page(&bo, &group, "Bo's thread", "<p>Bo asks.</p>");
    f1.send(&group, &inbox(&a), &group.announce(bo.create(&bos)))
        .await
        .expect(202);
    let bid = a.await_thread(Some(&ann), &handle, "Bo's thread").await["id"]
        .as_i64()
        .expect("id");
    let sent = |kind: &'static str, n: usize| {
        let f1 = &f1;
        async move {
            let got = f1
                .wait_for(&format!("ann's {kind} number {n}"), |r| {
                    r.iter().filter(|r| r.kind() == kind).count() >= n
                })
                .await;
            got.iter()
                .filter(|r| r.kind() == kind)
                .nth(n - 1)
                .expect("sent")
                .body
                .clone()
        }
    };
    let echo = |activity: Value| {
        let (f1, group, inbox) = (&f1, &group, inbox(&a));
        async move { f1.send(group, &inbox, &group.announce(activity)).await }
    };
    let vote = |value: i32| {
        let a = &a;
        let ann = &ann;
        async move {
            a.post(
                &format!("/api/v1/posts/{bid}/vote"),
                Some(ann),
                json!({"value": value}),
            )
            .await
            .expect(200)
        }
    };

    // Votes: ann likes, then dislikes; the Like comes back: still -1.
    vote(1).await;
    let like = sent("Like", 1).await;
    vote(-1).await;
    let dislike = sent("Dislike", 1).await;
    echo(like).await.expect(202);
    assert_eq!(thread(&a, &ann, bid).await["score"], -1);
    // She clears her vote; the Dislike and the Undo come back: still 0.
    vote(0).await;
    let undo = sent("Undo", 1).await;
    echo(dislike).await.expect(202);
    echo(undo).await.expect(202);
    assert_eq!(thread(&a, &ann, bid).await["score"], 0);

    // Her thread in the group, edited twice; the first edit comes back:
    // the second stays.
    let tid = a.thread(&ann, &handle, "Ann's thread").await;
    let create = sent("Create", 1).await;
    for (n, text) in [(1, "First edit."), (2, "Second edit.")] {
        a.patch(
            &format!("/api/v1/posts/{tid}"),
            Some(&ann),
            json!({"body": text}),
        )
        .await
        .expect(200);
        sent("Update", n).await;
    }
    let first_edit = sent("Update", 1).await;
    echo(first_edit).await.expect(202);
    echo(create.clone()).await.expect(202);
    let t = thread(&a, &ann, tid).await;
    assert!(
        t["body_html"]
            .as_str()
            .is_some_and(|h| h.contains("Second edit.")),
        "{t}"
    );

    // She deletes it; the Delete, then the Create, come back: it stays
    // deleted, and is not stored again.
    a.delete(&format!("/api/v1/posts/{tid}"), Some(&ann))
        .await
        .expect(204);
    let delete = sent("Delete", 1).await;
    echo(delete).await.expect(202);
    echo(create).await.expect(202);
    let t = a.get(&format!("/api/v1/posts/{tid}"), Some(&ann)).await;
    assert!(
        t.status == 410 || t.body["deleted"] == true,
        "{} {}",
        t.status,
        t.body
    );
    let page = a
        .get(
            &format!("/api/v1/groups/{handle}/posts?sort=new"),
            Some(&ann),
        )
        .await
        .expect(200);
    let ann_threads = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|p| p["title"] == "Ann's thread" && p["deleted"] != true)
        .count();
    assert_eq!(ann_threads, 0, "{page}");

    // Her Follow of the group, come back: acknowledged too.
    let follow = sent("Follow", 1).await;
    echo(follow).await.expect(202);
    let g = a
        .get(&format!("/api/v1/groups/{handle}"), Some(&ann))
        .await
        .expect(200);
    assert_eq!(g["membership"]["state"], "accepted");

    f1.stop().await;
    a.stop().await;
}

//! Three servers federating threads, comments, edits, deletions and votes
//! through a group on the first: what a member on one server writes, the
//! others see, relayed by the group with signed Announces.

use crate::common;

use crate::common::{eventually, Backend};
use serde_json::{json, Value};

on_both_backends!(
    content_flows_through_the_group,
    club_threads_stay_with_members,
    a_follower_server_that_was_down_gets_it_later
);

async fn content_flows_through_the_group(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let c = common::start(Backend::Sqlite).await;
    let (ah, bh, ch) = (a.host(), b.host(), c.host());
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let bob = b.user("bob").await;
    let cat = c.user("cat").await;
    let support = format!("support@{ah}");
    b.join_remote(&bob, &support).await;
    c.join_remote(&cat, &support).await;

    // A thread on A reaches both members' servers.
    let on_a = a.thread(&ann, "support", "Printer on fire").await;
    let on_b = b
        .await_thread(Some(&bob), &support, "Printer on fire")
        .await;
    let on_c = c
        .await_thread(Some(&cat), &support, "Printer on fire")
        .await;
    assert_eq!(on_b["author"]["name"], format!("ann@{ah}"));
    assert_eq!(on_b["body_html"], "<p>About Printer on fire.</p>\n");
    let (tb, tc) = (on_b["id"].as_i64().unwrap(), on_c["id"].as_i64().unwrap());

    // Bob comments from B: A stores it, C gets it through A's Announce.
    let comment = b
        .post(
            &format!("/api/v1/posts/{tb}/comments"),
            Some(&bob),
            json!({"body": "Unplug it *first*."}),
        )
        .await
        .expect(201);
    let comment_on = |server: &'static str, thread: Value| -> Option<Value> {
        let _ = server;
        thread["comments"]
            .as_array()
            .and_then(|l| l.first().cloned())
    };
    eventually("the comment on A and C", || async {
        let ta = a
            .get(&format!("/api/v1/posts/{on_a}"), None)
            .await
            .expect(200);
        let tcv = c
            .get(&format!("/api/v1/posts/{tc}"), Some(&cat))
            .await
            .expect(200);
        comment_on("a", ta).is_some() && comment_on("c", tcv).is_some()
    })
    .await;
    let ta = a
        .get(&format!("/api/v1/posts/{on_a}"), None)
        .await
        .expect(200);
    let ca = comment_on("a", ta.clone()).unwrap();
    assert_eq!(ca["author"]["name"], format!("bob@{bh}"));
    assert_eq!(ca["body_html"], "<p>Unplug it <em>first</em>.</p>\n");
    assert_eq!(
        ca["ap_id"], comment["ap_id"],
        "one comment, one id everywhere"
    );
    assert_eq!(ta["comment_count"], 1);

    // Cat's upvote from C counts on A and on B.
    c.post(
        &format!("/api/v1/posts/{tc}/vote"),
        Some(&cat),
        json!({"value": 1}),
    )
    .await
    .expect(200);
    eventually("the upvote on A and B", || async {
        let sa = a
            .get(&format!("/api/v1/posts/{on_a}"), None)
            .await
            .expect(200)["score"]
            .clone();
        let sb = b
            .get(&format!("/api/v1/posts/{tb}"), Some(&bob))
            .await
            .expect(200)["score"]
            .clone();
        sa == 1 && sb == 1
    })
    .await;

    // Bob's upvote from B adds to it.
    b.post(
        &format!("/api/v1/posts/{tb}/vote"),
        Some(&bob),
        json!({"value": 1}),
    )
    .await
    .expect(200);
    eventually("bob's upvote on A", || async {
        a.get(&format!("/api/v1/posts/{on_a}"), None)
            .await
            .expect(200)["score"]
            == 2
    })
    .await;
    b.post(
        &format!("/api/v1/posts/{tb}/vote"),
        Some(&bob),
        json!({"value": 0}),
    )
    .await
    .expect(200);

    // Bob starts a thread in A's group from B; A and C list it.
    let mine = b
        .post(
            &format!("/api/v1/groups/{support}/posts"),
            Some(&bob),
            json!({"title": "Scanner pairing", "body": "It will not pair."}),
        )
        .await
        .expect(201);
    let bob_on_a = a.await_thread(None, "support", "Scanner pairing").await;
    assert_eq!(bob_on_a["author"]["name"], format!("bob@{bh}"));
    assert_eq!(bob_on_a["ap_id"], mine["ap_id"]);
    let bob_on_c = c
        .await_thread(Some(&cat), &support, "Scanner pairing")
        .await;

    // Bob edits it: the edit reaches C.
    let mine_id = mine["id"].as_i64().unwrap();
    b.patch(
        &format!("/api/v1/posts/{mine_id}"),
        Some(&bob),
        json!({"body": "Fixed: new driver."}),
    )
    .await
    .expect(200);
    let bc_id = bob_on_c["id"].as_i64().unwrap();
    eventually("the edit on C", || async {
        let t = c
            .get(&format!("/api/v1/posts/{bc_id}"), Some(&cat))
            .await
            .expect(200);
        t["body"] == "Fixed: new driver."
    })
    .await;

    // Cat clears the vote; Bob deletes his comment.
    c.post(
        &format!("/api/v1/posts/{tc}/vote"),
        Some(&cat),
        json!({"value": 0}),
    )
    .await
    .expect(200);
    let comment_id = comment["id"].as_i64().unwrap();
    b.delete(&format!("/api/v1/comments/{comment_id}"), Some(&bob))
        .await
        .expect(204);
    eventually("the cleared vote and the deletion on A and C", || async {
        let ta = a
            .get(&format!("/api/v1/posts/{on_a}"), None)
            .await
            .expect(200);
        let tcv = c
            .get(&format!("/api/v1/posts/{tc}"), Some(&cat))
            .await
            .expect(200);
        ta["score"] == 0
            && ta["comments"][0]["deleted"] == true
            && tcv["comments"][0]["deleted"] == true
    })
    .await;
    let _ = ch;
    a.stop().await;
    b.stop().await;
    c.stop().await;
}

/// Fetches `url` as `from`'s instance actor would: a signed GET.
async fn signed_fetch(from: &common::TestServer, url: &str) -> Result<Value, String> {
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

async fn club_threads_stay_with_members(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(Backend::Sqlite).await;
    let c = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let ann = a.user("ann").await;
    a.group(&ann, "makers", "club").await;
    a.group(&ann, "support", "group").await;
    let makers = format!("makers@{ah}");
    let bob = b.user("bob").await;
    b.join_gated(&bob, &makers, &a, &ann, &format!("bob@{bh}"))
        .await;
    // A non-member on C knows the club, but not its threads.
    let root = c.admin("root").await;
    c.get(&format!("/api/v1/resolve?q=@{makers}"), Some(&root))
        .await
        .expect(200);
    let secret = a.thread(&ann, "makers", "Secret plans").await;
    let on_b = b.await_thread(Some(&bob), &makers, "Secret plans").await;
    assert_eq!(on_b["group"]["name"], makers);
    assert!(b
        .find_thread(Some(&bob), &makers, "While you wait")
        .await
        .is_none());
    a.thread(&ann, "support", "Open question").await;

    // The club's thread: refused unsigned and to a server without members,
    // served to the member's server.
    let page_url = format!("{}/post/{secret}", a.url);
    let unsigned = a
        .client
        .get(&page_url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch");
    assert_eq!(unsigned.status(), 403);
    let from_c = signed_fetch(&c, &page_url).await;
    assert!(from_c.is_err(), "C has no member: {from_c:?}");
    let from_b = signed_fetch(&b, &page_url).await.expect("B has a member");
    assert_eq!(from_b["name"], "Secret plans");
    let to: Vec<&str> = from_b["to"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        !to.iter().any(|t| t.ends_with("#Public")),
        "a club thread is never Public: {to:?}"
    );

    // Nothing of the club in C's store, nor in the public outbox.
    let feed = c
        .get(&format!("/api/v1/groups/{makers}/posts"), Some(&root))
        .await
        .expect(200);
    assert_eq!(feed["items"].as_array().map(Vec::len), Some(0));
    let outbox = |name: &'static str| {
        let a = &a;
        async move {
            a.client
                .get(format!("{}/g/{name}/outbox", a.url))
                .header("accept", "application/activity+json")
                .send()
                .await
                .expect("outbox")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    assert_eq!(outbox("makers").await["totalItems"], 0);
    let open = outbox("support").await;
    assert_eq!(
        open["totalItems"], 2,
        "Announce(Create) and Announce(Page): {open}"
    );
    assert_eq!(open["orderedItems"][0]["type"], "Announce");
    a.stop().await;
    b.stop().await;
    c.stop().await;
}

/// C is down when A's group relays a thread, and A restarts meanwhile: the
/// delivery waits in A's store and reaches C once C is back.
async fn a_follower_server_that_was_down_gets_it_later(backend: Backend) {
    let mut a = common::start_with(backend, |c| c.federation.retry_base_secs = 1).await;
    let mut c = common::start(Backend::Sqlite).await;
    let ah = a.host();
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let cat = c.user("cat").await;
    let support = format!("support@{ah}");
    c.join_remote(&cat, &support).await;

    c.down().await;
    a.thread(&ann, "support", "Posted while C was down").await;
    // A tried (and failed) before it restarts.
    common::eventually("a failed attempt", || async {
        let app = a.app.clone();
        app.store
            .run(|conn| {
                use diesel::prelude::*;
                use guildhall::store::schema::delivery;
                delivery::table
                    .filter(delivery::last_error.is_not_null())
                    .filter(delivery::state.eq("pending"))
                    .count()
                    .get_result::<i64>(conn)
                    .map_err(Into::into)
            })
            .await
            .expect("count")
            > 0
    })
    .await;
    a.restart().await;
    c.up().await;
    c.await_thread(Some(&cat), &support, "Posted while C was down")
        .await;
    a.stop().await;
    c.stop().await;
}

//! Two real servers federating over loopback, signatures included: finding
//! a remote group by handle, joining it (open at once, a club after the
//! owner's approval), leaving it, and following a person on another server.

use crate::common;

use crate::common::{eventually, Backend};
use serde_json::json;

on_both_backends!(join_leave_and_follow_across_servers);

async fn join_leave_and_follow_across_servers(backend: Backend) {
    // A on SQLite; B on the backend under test.
    let a = common::start(Backend::Sqlite).await;
    let b = common::start(backend).await;
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    a.group(&ann, "makers", "club").await;
    let bob = b.user("bob").await;
    let (ah, bh) = (a.host(), b.host());

    // Bob finds A's group by its handle; it is stored on B.
    let found = b
        .get(&format!("/api/v1/resolve?q=@support@{ah}"), Some(&bob))
        .await
        .expect(200);
    assert_eq!(found["type"], "group");
    assert_eq!(found["group"]["name"], format!("support@{ah}"));
    assert_eq!(found["group"]["local"], false);
    assert_eq!(found["group"]["kind"], "group");
    let club = b
        .get(&format!("/api/v1/resolve?q={}/g/makers", a.url), Some(&bob))
        .await
        .expect(200);
    assert_eq!(
        club["group"]["kind"], "club",
        "a club arrives as a group that approves followers"
    );
    b.get(&format!("/api/v1/resolve?q=@nobody@{ah}"), Some(&bob))
        .await
        .expect_error(404);

    // Joining the open group: pending on B until A accepts, then accepted.
    let m = b
        .post(
            &format!("/api/v1/groups/support@{ah}/join"),
            Some(&bob),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(m["state"], "pending");
    eventually("A to admit bob", || async {
        let members = a
            .get("/api/v1/groups/support/members", None)
            .await
            .expect(200);
        members["items"]
            .as_array()
            .is_some_and(|l| l.iter().any(|m| m["person"]["name"] == format!("bob@{bh}")))
    })
    .await;
    eventually("B to see the Accept", || async {
        let g = b
            .get(&format!("/api/v1/groups/support@{ah}"), Some(&bob))
            .await
            .expect(200);
        g["membership"]["state"] == "accepted"
    })
    .await;
    let g = a.get("/api/v1/groups/support", None).await.expect(200);
    assert_eq!(g["member_count"], 2);

    // The club: A's owner sees the request and approves it; B learns of it.
    b.join_gated(
        &bob,
        &format!("makers@{ah}"),
        &a,
        &ann,
        &format!("bob@{bh}"),
    )
    .await;

    // Leaving sends Undo(Follow): A drops the member.
    b.post(
        &format!("/api/v1/groups/support@{ah}/leave"),
        Some(&bob),
        json!({}),
    )
    .await
    .expect(204);
    eventually("A to drop bob", || async {
        let g = a.get("/api/v1/groups/support", None).await.expect(200);
        g["member_count"] == 1
    })
    .await;

    // Ann on A follows Bob on B.
    let p = a
        .get(&format!("/api/v1/resolve?q=@bob@{bh}"), Some(&ann))
        .await
        .expect(200);
    assert_eq!(p["person"]["name"], format!("bob@{bh}"));
    let r = a
        .post(
            &format!("/api/v1/people/bob@{bh}/follow"),
            Some(&ann),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(
        (r["following"].as_bool(), r["requested"].as_bool()),
        (Some(false), Some(true))
    );
    eventually("B to accept ann's follow", || async {
        let r = a
            .get(&format!("/api/v1/people/bob@{bh}"), Some(&ann))
            .await
            .expect(200);
        r["relationship"]["following"] == true
    })
    .await;
    let followers = b
        .get("/api/v1/people/bob/followers", None)
        .await
        .expect(200);
    assert_eq!(followers["items"][0]["name"], format!("ann@{ah}"));
    // And unfollows.
    a.delete(&format!("/api/v1/people/bob@{bh}/follow"), Some(&ann))
        .await
        .expect(200);
    eventually("B to drop the follow", || async {
        let f = b
            .get("/api/v1/people/bob/followers", None)
            .await
            .expect(200);
        f["items"].as_array().is_some_and(Vec::is_empty)
    })
    .await;
    a.stop().await;
    b.stop().await;
}

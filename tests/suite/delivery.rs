//! The outgoing queue, end to end: signed deliveries to a real HTTP inbox,
//! retries with backoff, final refusals, dedupe, and a restart that loses
//! nothing.

use crate::common;

use crate::common::sink::Sink;
use crate::common::Backend;
use guildhall::federation::outbox;
use guildhall::store::instances;
use serde_json::json;

on_both_backends!(
    deliveries_are_signed_retried_and_survive_a_restart,
    a_server_failing_for_days_is_skipped_until_it_answers,
    two_processes_never_send_a_delivery_twice
);

async fn queue(
    s: &common::TestServer,
    activity: serde_json::Value,
    signer: &str,
    inboxes: Vec<String>,
) -> usize {
    let signer = signer.to_string();
    let n = s
        .app
        .store
        .run(move |conn| outbox::enqueue(conn, &activity, &signer, &inboxes))
        .await
        .expect("enqueue");
    s.app.delivery_wakeup.notify();
    n
}

async fn count(s: &common::TestServer, state: &str) -> i64 {
    use guildhall::store::deliveries::{count_in_state, DeliveryState};
    let state = DeliveryState::parse(state).expect("a delivery state");
    s.app
        .store
        .run(move |conn| count_in_state(conn, state))
        .await
        .expect("count")
}

async fn deliveries_are_signed_retried_and_survive_a_restart(backend: Backend) {
    let sink = Sink::start().await;
    let gone = Sink::start().await;
    gone.set_status(410);
    sink.set_status(503);
    let mut s = common::start_with(backend, |c| c.federation.retry_base_secs = 1).await;
    s.user("ann").await;
    let ann = format!("{}/u/ann", s.url);
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/note-1", s.url),
        "type": "Create",
        "actor": ann,
        "object": {"type": "Note", "id": format!("{}/comment/1", s.url), "content": "hello"},
    });
    // One delivery per distinct inbox.
    let n = queue(
        &s,
        activity.clone(),
        &ann,
        vec![sink.inbox(), sink.inbox(), gone.inbox()],
    )
    .await;
    assert_eq!(n, 2);
    // The same activity id again is recognised and queues nothing.
    assert_eq!(
        queue(&s, activity.clone(), &ann, vec![sink.inbox()]).await,
        0
    );

    // The failing inbox is tried, then waits; the one that answered 410 is done.
    sink.wait_for("a first attempt", |r| !r.is_empty()).await;
    gone.wait_for("the refused delivery", |r| r.len() == 1)
        .await;
    let first = &sink.received()[0];
    assert_eq!(
        first.verified_key.as_deref(),
        Some(format!("{ann}#main-key").as_str()),
        "signature: {:?}",
        first.refusal
    );
    assert_eq!(first.body["id"], activity["id"]);

    // Restart while the delivery waits for its retry; the inbox recovers.
    s.restart().await;
    sink.set_status(202);
    let got = sink
        .wait_for("the retried delivery", |r| r.len() >= 2)
        .await;
    let last = got.last().expect("delivery");
    assert_eq!(last.body, activity, "delivered byte for byte as queued");
    assert!(last.verified_key.is_some(), "the retry is signed too");
    // Nothing left to send, and the 410 was never retried.
    for _ in 0..50 {
        if count(&s, "pending").await + count(&s, "sending").await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count(&s, "pending").await + count(&s, "sending").await, 0);
    assert_eq!(gone.received().len(), 1);
    sink.stop().await;
    gone.stop().await;
    s.stop().await;
}

async fn instance(s: &common::TestServer, host: &str) -> instances::Instance {
    let host = host.to_string();
    s.app
        .store
        .run(move |conn| instances::ensure_remote(conn, &host))
        .await
        .expect("instance")
}

async fn a_server_failing_for_days_is_skipped_until_it_answers(backend: Backend) {
    let sink = Sink::start().await;
    sink.set_status(503);
    let s = common::start_with(backend, |c| {
        c.federation.retry_base_secs = 1;
        c.federation.dead_after_hours = 1;
    })
    .await;
    s.user("ann").await;
    let ann = format!("{}/u/ann", s.url);
    let host = sink.url.trim_start_matches("http://").to_string();
    instance(&s, &host).await;
    // Its deliveries have been failing for two hours already.
    let (h, two_hours_ago) = (
        host.clone(),
        guildhall::store::now() - chrono::Duration::hours(2),
    );
    s.app
        .store
        .run(move |conn| {
            instances::mark_failure(
                conn,
                &h,
                two_hours_ago,
                chrono::Duration::hours(1),
                chrono::Duration::hours(24),
            )
        })
        .await
        .expect("failure");
    let note = |n: u32| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/dead-{n}", s.url),
            "type": "Create",
            "actor": ann,
            "object": {"type": "Note", "id": format!("{}/comment/{n}", s.url), "content": "hello"},
        })
    };

    // One more failure and it is marked dead; its retries are dropped.
    queue(&s, note(1), &ann, vec![sink.inbox()]).await;
    sink.wait_for("the attempt", |r| r.len() == 1).await;
    common::eventually("the server to be marked dead", || async {
        instance(&s, &host).await.dead
    })
    .await;
    queue(&s, note(2), &ann, vec![sink.inbox()]).await;
    common::eventually("both deliveries dropped", || async {
        count(&s, "failed").await == 2
    })
    .await;
    assert_eq!(sink.received().len(), 1, "nothing is sent to a dead server");

    // It talks to us again: deliveries flow once more.
    sink.set_status(202);
    let h = host.clone();
    s.app
        .store
        .run(move |conn| instances::mark_alive(conn, &h, guildhall::store::now()))
        .await
        .expect("alive");
    queue(&s, note(3), &ann, vec![sink.inbox()]).await;
    sink.wait_for("the delivery after recovery", |r| r.len() == 2)
        .await;
    assert!(!instance(&s, &host).await.dead);
    sink.stop().await;
    s.stop().await;
}

/// Two processes of one instance share the queue: every delivery is sent,
/// and none twice.
async fn two_processes_never_send_a_delivery_twice(backend: Backend) {
    let sink = Sink::start().await;
    let first = common::start(backend).await;
    first.user("ann").await;
    let second = first.second_process().await;
    let ann = format!("{}/u/ann", first.url);
    let inboxes: Vec<String> = (0..60).map(|i| format!("{}/inbox/{i}", sink.url)).collect();
    for (n, chunk) in inboxes.chunks(10).enumerate() {
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/shared-{n}", first.url),
            "type": "Create",
            "actor": ann,
            "object": {"type": "Note", "id": format!("{}/comment/{n}", first.url), "content": "hi"},
        });
        // Queued through either process; both workers are awake.
        let via = if n % 2 == 0 { &first } else { &second };
        queue(via, activity, &ann, chunk.to_vec()).await;
        second.app.delivery_wakeup.notify();
        first.app.delivery_wakeup.notify();
    }
    sink.wait_for("all 60 deliveries", |r| r.len() >= 60).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let received = sink.received();
    let mut paths: Vec<(String, String)> = received
        .iter()
        .map(|r| {
            (
                r.path.clone(),
                r.body["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(received.len(), 60, "each delivery exactly once");
    assert_eq!(paths.len(), 60);
    assert!(received.iter().all(|r| r.verified_key.is_some()));
    second.stop().await;
    first.stop().await;
    sink.stop().await;
}

//! The outgoing queue, end to end: signed deliveries to a real HTTP inbox,
//! retries with backoff, final refusals, dedupe, and a restart that loses
//! nothing.

mod common;

use common::sink::Sink;
use common::Backend;
use guildhall::federation::outbox;
use serde_json::json;

on_both_backends!(deliveries_are_signed_retried_and_survive_a_restart);

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
    let state = state.to_string();
    s.app
        .store
        .run(move |conn| guildhall::store::deliveries::count_in_state(conn, &state))
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

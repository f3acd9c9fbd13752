//! Queues outgoing activities: records the activity, adds one delivery per
//! distinct inbox, and wakes the delivery worker. Nothing is sent here.

use crate::error::{Error, Result};
use crate::store::{deliveries, write_tx, DbConn};
use serde_json::Value;

/// Queues `activity` (which must carry `id` and `type`) for `inboxes`,
/// signed by the local actor `signer`. Returns how many deliveries it made.
pub fn enqueue(
    conn: &mut DbConn,
    activity: &Value,
    signer: &str,
    inboxes: &[String],
) -> Result<usize> {
    let id = activity["id"]
        .as_str()
        .ok_or_else(|| Error::bad_request("an outgoing activity has no id"))?;
    let kind = activity["type"].as_str().unwrap_or("Activity");
    let mut targets: Vec<String> = inboxes.to_vec();
    targets.sort();
    targets.dedup();
    let data = activity.to_string();
    write_tx(conn, |conn| {
        let Some(activity_id) = deliveries::record_activity(conn, id, kind, true, &data)? else {
            return Ok(0);
        };
        deliveries::enqueue(conn, activity_id, signer, &targets)
    })
}

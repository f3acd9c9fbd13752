//! `Lock` of a thread by a moderator (and `Undo(Lock)`): no new replies.

use super::content::{self, Stored, Via};
use super::moderate::moderator;
use super::ObjectActivity;
use crate::error::Result;
use crate::federation::protocol::Head;
use crate::moderation::actions::{self, ThreadAction, Why};
use crate::App;
use activitypub_federation::config::Data;
use serde_json::Value;

/// `lock` false for an `Undo(Lock)`; `raw` is what a local group relays.
pub async fn receive(
    data: &Data<App>,
    act: ObjectActivity,
    lock: bool,
    via: Via,
    raw: &Value,
) -> Result<()> {
    let object = act.object_id()?;
    let app = data.app_data();
    let Some((Stored::Post(post), group)) = content::find(app, &object).await? else {
        tracing::info!(object = %object, "Lock of something that is not a stored thread skipped");
        return Ok(());
    };
    let Some((actor, authority)) = moderator(data, &act.actor, &group, &via).await? else {
        return Ok(());
    };
    let action = if lock {
        ThreadAction::Lock
    } else {
        ThreadAction::Unlock
    };
    let why = Why {
        reason: None,
        authority,
        activity: Head::of(raw).id.map(String::from),
    };
    // Already so: nothing to pass on. A local group relays it: the
    // federation consumer, from the event.
    let _done = actions::on_thread(app, &actor, post.id, action, why)
        .await?
        .changed();
    Ok(())
}

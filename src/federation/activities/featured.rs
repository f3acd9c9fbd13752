//! `Add` and `Remove` with the featured collection as target: a moderator
//! pins or unpins a thread. (Add/Remove of moderators: `moderators`.)

use super::content::{self, Stored, Via};
use super::moderate::moderator;
use super::ObjectActivity;
use crate::error::Result;
use crate::moderation::actions::{self, ThreadAction, Why};
use crate::App;
use activitypub_federation::config::Data;

pub async fn receive(data: &Data<App>, act: ObjectActivity, pin: bool, via: Via) -> Result<()> {
    let object = act.object_id()?;
    let app = data.app_data();
    let Some((Stored::Post(post), group)) = content::find(app, &object).await? else {
        tracing::info!(activity = %act.id, "Add/Remove of something that is not a stored thread skipped");
        return Ok(());
    };
    let target = act.target.clone();
    let featured = group
        .featured_url
        .clone()
        .unwrap_or_else(|| format!("{}/featured", group.ap_id));
    if target.as_ref().map(url::Url::as_str) != Some(featured.as_str()) {
        tracing::info!(activity = %act.id, "Add/Remove with another target than the featured collection skipped");
        return Ok(());
    }
    let Some((actor, authority)) = moderator(data, &act.actor, &group, &via).await? else {
        return Ok(());
    };
    let action = if pin {
        ThreadAction::Pin
    } else {
        ThreadAction::Unpin
    };
    let why = Why {
        reason: None,
        authority,
        activity: Some(act.id.to_string()),
    };
    // Already so: nothing to pass on. A local group relays it: the
    // federation consumer, from the event.
    let _done = actions::on_thread(app, &actor, post.id, action, why)
        .await?
        .changed();
    Ok(())
}

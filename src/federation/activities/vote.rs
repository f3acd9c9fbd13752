//! `Like` (+1), `Dislike` (-1) and their `Undo` (clear) on a thread or
//! comment; relayed by a local group. Votes from bots and from silenced
//! servers count nothing.

use super::content::{self, Stored, Via};
use super::ObjectActivity;
use crate::community::votes::{self, Received};
use crate::error::Result;
use crate::store::votes::VoteTarget;
use crate::App;
use activitypub_federation::config::Data;
use url::Url;

pub async fn receive(data: &Data<App>, act: ObjectActivity, value: i32, via: Via) -> Result<()> {
    let object = act.object_id()?;
    let received = Received {
        ap_id: Some(act.id.to_string()),
        activity: Some(act.id.to_string()),
    };
    apply(data, &act.actor, &object, value, received, via).await
}

/// `Undo(Like|Dislike)`: `vote` is the undone activity, `undo_id` the
/// Undo's id.
pub async fn undo(data: &Data<App>, vote: ObjectActivity, via: Via, undo_id: &Url) -> Result<()> {
    let object = vote.object_id()?;
    let received = Received {
        ap_id: None,
        activity: Some(undo_id.to_string()),
    };
    apply(data, &vote.actor, &object, 0, received, via).await
}

async fn apply(
    data: &Data<App>,
    actor: &Url,
    object: &Url,
    value: i32,
    received: Received,
    via: Via,
) -> Result<()> {
    let app = data.app_data();
    let Some((stored, group)) = content::find(app, object).await? else {
        tracing::info!(object = %object, "vote on something not stored here skipped");
        return Ok(());
    };
    if !content::admit(&via, &group, "a vote")? {
        return Ok(());
    }
    let domain = crate::federation::actors::authority(actor);
    if app
        .store
        .run(move |conn| crate::moderation::policy::silenced(conn, &domain))
        .await?
    {
        tracing::info!(actor = %actor, "vote from a silenced server counts nothing");
        return Ok(());
    }
    let voter = content::remote_person(data, actor).await?;
    if voter.person.bot {
        tracing::info!(actor = %actor, "vote from a bot ignored");
        return Ok(());
    }
    let target = match stored {
        Stored::Post(p) => VoteTarget::Post(p.id),
        Stored::Comment(c) => VoteTarget::Comment(c.id),
    };
    // A local group relays it: the federation consumer, from the event.
    // The same vote again changes nothing.
    let _voted = votes::vote_received(app, &voter, target, value, received)
        .await?
        .changed();
    Ok(())
}

//! `Like` (+1), `Dislike` (-1) and their `Undo` (clear) on a thread or
//! comment; relayed by a local group. Votes from bots and from silenced
//! servers count nothing.

use super::content::{self, Stored, Via};
use super::create::relay;
use super::ObjectActivity;
use crate::community::outcome::Applied;
use crate::community::votes;
use crate::error::Result;
use crate::store::votes::VoteTarget;
use crate::App;
use activitypub_federation::config::Data;
use serde_json::Value;
use url::Url;

pub async fn receive(data: &Data<App>, act: ObjectActivity, value: i32, via: Via) -> Result<()> {
    let object = act.object_id()?;
    apply(
        data,
        &act.actor,
        &object,
        value,
        Some(act.id.to_string()),
        via,
        &act.raw,
    )
    .await
}

/// `Undo(Like|Dislike)`: `vote` is the undone activity, `raw` the Undo.
pub async fn undo(data: &Data<App>, vote: ObjectActivity, via: Via, raw: &Value) -> Result<()> {
    let object = vote.object_id()?;
    apply(data, &vote.actor, &object, 0, None, via, raw).await
}

async fn apply(
    data: &Data<App>,
    actor: &Url,
    object: &Url,
    value: i32,
    ap_id: Option<String>,
    via: Via,
    raw: &Value,
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
    match votes::vote_with_id(app, &voter, target, value, ap_id).await? {
        Applied::Changed(_) => relay(app, &group, raw, None).await,
        // The same vote again.
        Applied::Unchanged(_) => Ok(()),
    }
}

//! `Block` with `target` a group: a moderator bans a person from the group
//! (`endTime`, `summary`, `removeData`); `Undo(Block)` lifts it. Instance
//! bans of other servers (target = their instance) are not acted on.

use super::content::{self, Via};
use super::moderate::moderator;
use super::ObjectActivity;
use crate::community::handle;
use crate::error::Result;
use crate::federation::protocol::Head;
use crate::moderation::actions::{self, BanInput, Why};
use crate::App;
use activitypub_federation::config::Data;
use serde_json::Value;

/// `ban` false for an `Undo(Block)`; `raw` is what a local group relays.
pub async fn receive(
    data: &Data<App>,
    act: ObjectActivity,
    ban: bool,
    via: Via,
    raw: &Value,
) -> Result<()> {
    let app = data.app_data();
    let Some(target) = act.target.clone() else {
        tracing::info!(activity = %act.id, "Block without a target skipped");
        return Ok(());
    };
    let Some(group) = content::find_group(app, vec![target.clone()]).await? else {
        tracing::info!(activity = %act.id, target = %target, "Block of a target that is not a stored group skipped");
        return Ok(());
    };
    let Some((actor, authority)) = moderator(data, &act.actor, &group, &via).await? else {
        return Ok(());
    };
    let banned = content::remote_person(data, &act.object_id()?)
        .await
        .map(|a| a.person);
    // A ban of one of our own people is applied to their local row.
    let person = match banned {
        Ok(p) => p,
        Err(_) => {
            let id = act.object_id()?.to_string();
            match app
                .store
                .run(move |conn| crate::store::people::by_ap_id(conn, &id))
                .await?
            {
                Some(p) => p,
                None => return Ok(()),
            }
        }
    };
    let (group_handle, person_handle) = (
        handle(&group.name, group.local, &group.ap_id),
        handle(&person.name, person.local, &person.ap_id),
    );
    let why = Why {
        reason: act.summary.clone(),
        authority,
        activity: Head::of(raw).id.map(String::from),
    };
    if ban {
        let input = BanInput {
            until: act.end_time.map(|t| t.naive_utc()),
            remove_content: act.remove_data.unwrap_or(false),
        };
        actions::ban(app, &actor, &group_handle, &person_handle, input, why).await?;
    } else {
        // Already lifted: nothing to pass on.
        let _lifted = actions::unban(app, &actor, &group_handle, &person_handle, why)
            .await?
            .changed();
    }
    // A local group relays it: the federation consumer, from the event.
    Ok(())
}

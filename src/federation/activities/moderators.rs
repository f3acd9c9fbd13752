//! `Add` and `Remove` with a group's moderators collection as target: a
//! remote group's moderators changed (Lemmy's shape). Taken from the group
//! itself, or from one of its listed moderators; a local group's
//! moderators are changed here only.

use super::content::{self, Via};
use super::moderate::moderator;
use super::ObjectActivity;
use crate::community::groups::{self, ModeratorChange};
use crate::error::Result;
use crate::federation::objects::incoming::value_url;
use crate::federation::profiles::moderators_url;
use crate::store::groups::Group;
use crate::store::people;
use crate::App;
use activitypub_federation::config::Data;

/// The remote group whose moderators collection `act` targets, if any.
pub async fn targeted_group(app: &App, act: &ObjectActivity, via: &Via) -> Result<Option<Group>> {
    let Some(target) = act.raw.get("target").and_then(value_url) else {
        return Ok(None);
    };
    let mut candidates = Vec::new();
    if let Via::Group(g) = via {
        candidates.push(url::Url::parse(&g.ap_id).ok());
    }
    for field in ["audience", "cc", "to"] {
        match act.raw.get(field) {
            Some(serde_json::Value::Array(items)) => {
                candidates.extend(items.iter().map(value_url));
            }
            Some(v) => candidates.push(value_url(v)),
            None => {}
        }
    }
    let candidates: Vec<url::Url> = candidates.into_iter().flatten().collect();
    Ok(content::find_group(app, candidates)
        .await?
        .filter(|g| moderators_url(g) == target.as_str()))
}

pub async fn receive(
    data: &Data<App>,
    act: ObjectActivity,
    group: Group,
    change: ModeratorChange,
    via: Via,
) -> Result<()> {
    let app = data.app_data();
    if group.local {
        tracing::info!(activity = %act.id, "Add/Remove of a local group's moderators from elsewhere skipped");
        return Ok(());
    }
    // The group itself, or one of its listed moderators.
    if act.actor.as_str() != group.ap_id {
        crate::federation::actors::check_origin(&act.actor, &url_of(&group)?)?;
        if moderator(data, &act.actor, &group, &via).await?.is_none() {
            return Ok(());
        }
    }
    let object = act.object_id()?;
    // One of our own people made moderator there, or someone fetched.
    let known = object.to_string();
    let person_id = match app
        .store
        .run(move |conn| people::by_ap_id(conn, &known))
        .await?
    {
        Some(p) => p.id,
        None => content::remote_person(data, &object).await?.id(),
    };
    groups::moderator_received(app, group.id, person_id, change, Some(act.id.to_string())).await
}

fn url_of(group: &Group) -> Result<url::Url> {
    url::Url::parse(&group.ap_id)
        .map_err(|_| crate::error::Error::bad_request("the group's id is not a URL"))
}

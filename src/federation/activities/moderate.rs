//! What moderation activities from other servers share: finding the
//! moderator and checking the right to act. A remote group's moderation is
//! taken from a person listed in its moderators collection (directly, or in
//! that group's Announce); a local group's from one of its moderators.

use super::content::{self, Via};
use crate::community::Actor;
use crate::error::{Error, Result};
use crate::federation::protocol::collections::RemoteCollection;
use crate::moderation::authority::{Authority, Vouch};
use crate::store::groups::Group;
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use url::Url;

/// The moderator and who vouches for them: this server's own check (a
/// local group), or the remote group that lists them as a moderator.
pub async fn moderator(
    data: &Data<App>,
    actor: &Url,
    group: &Group,
    via: &Via,
) -> Result<Option<(Actor, Authority)>> {
    // Sent directly or relayed, a remote group's moderation counts when
    // the actor is listed among its moderators: a banned person's server
    // may no longer follow the group, and hears of the ban only directly.
    if matches!(via, Via::Group(_)) {
        content::admit(via, group, "a moderation action")?;
    }
    let person = content::remote_person(data, actor).await?;
    if group.local {
        return Ok(Some((person, Authority::Checked)));
    }
    if !listed_moderator(data, group, actor).await? {
        return Err(Error::forbidden(format!(
            "{actor} is not a moderator of {}",
            group.ap_id
        )));
    }
    Ok(Some((
        person,
        Authority::RemoteGroup(Vouch::listed_by(group)?),
    )))
}

/// Whether the remote group's moderators collection lists `actor`.
async fn listed_moderator(data: &Data<App>, group: &Group, actor: &Url) -> Result<bool> {
    let url = group
        .moderators_url
        .clone()
        .unwrap_or_else(|| format!("{}/moderators", group.ap_id));
    let url = Url::parse(&url)
        .map_err(|_| Error::bad_request("the group's moderators collection is not a URL"))?;
    let collection = fetch_object_http::<App, RemoteCollection>(&url, data)
        .await?
        .object;
    let listed = collection.members().any(|m| m == actor);
    Ok(listed)
}

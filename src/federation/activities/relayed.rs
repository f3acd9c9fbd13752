//! Trust in what a remote group relays. A group's Announce proves only
//! that the group passes an activity on: it speaks for its own server, not
//! for a third one. So, before the relayed activity is acted on, it is
//! placed in one of three cases (`Relayed`): our own activity come back
//! (acknowledged, nothing done), an activity of the group's own server
//! (taken as the group relays it), or an activity of a third server, whose
//! content is taken from its origin and not from the group's copy.

use super::content;
use super::delete::author_ap_id;
use super::{update, InboxActivity, ObjectActivity};
use crate::error::{Error, ErrorKind, Result};
use crate::federation::actors::{check_origin, same_origin};
use crate::federation::objects::incoming::IncomingObject;
use crate::federation::objects::types::main_type;
use crate::store::groups::Group;
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::error::Error as FedError;
use activitypub_federation::fetch::fetch_object_http;
use serde_json::Value;
use url::Url;

/// Whose activity a group's Announce carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relayed {
    /// One of this server's own activities, come back through the group
    /// (Lemmy relays a member's activity to every follower, the author's
    /// server included): it is done here already.
    Echo,
    /// An activity of the group's own server: the group vouches for it.
    GroupsServer,
    /// An activity of another server: the group only passes it on.
    ThirdServer,
}

/// Which case the activity of `actor`, relayed by `group`, is; `here` is
/// this server's public URL.
pub fn relayed(actor: &Url, group: &Url, here: &Url) -> Relayed {
    if same_origin(actor, here) {
        Relayed::Echo
    } else if same_origin(actor, group) {
        Relayed::GroupsServer
    } else {
        Relayed::ThirdServer
    }
}

/// What the origin of an object answers when asked for it.
#[derive(Debug)]
pub enum OriginSays {
    /// It serves the object at that very id (after a redirect, still on
    /// the same origin).
    Serves(Value),
    /// It does not serve it (any more): 404, 410, a Tombstone, or
    /// something that is not that object.
    NotThere,
}

/// Asks the origin of `id` for it: a signed fetch, counted against the
/// fetch limit, with the library's size limit, time-out and content-type
/// check; blocked servers are not asked.
pub async fn ask_origin(data: &Data<App>, id: &Url) -> Result<OriginSays> {
    match fetch_object_http::<App, Value>(id, data).await {
        Ok(res) if !same_origin(&res.url, id) => {
            tracing::info!(asked = %id, answered = %res.url, "the origin redirected to another server");
            Ok(OriginSays::NotThere)
        }
        Ok(res) if main_type(&res.object) == Some("Tombstone") => Ok(OriginSays::NotThere),
        Ok(res) => Ok(OriginSays::Serves(res.object)),
        Err(
            FedError::NotFound
            | FedError::ObjectDeleted(_)
            | FedError::FetchWrongId(_)
            | FedError::ParseFetchedObject(..)
            | FedError::FetchInvalidContentType(_),
        ) => Ok(OriginSays::NotThere),
        Err(e @ (FedError::UrlVerificationError(_) | FedError::RequestLimit)) => Err(e.into()),
        // The origin could not answer now: the group may send it again.
        Err(e) => Err(Error::new(
            ErrorKind::Unavailable,
            format!("cannot ask the origin of {id}: {e}"),
        )),
    }
}

/// The activity of a third server as the origin confirms it, or `None`
/// (logged) when it does not: a new or edited thread or comment is taken
/// from its origin, with the group's copy discarded; a deletion by the
/// author is acted on once the origin no longer has the object. Votes and
/// moderators' actions are the group's word: Lemmy groups relay their
/// members' votes, which no origin can be asked about, and a moderator's
/// standing is checked against the group itself.
pub async fn confirm(
    data: &Data<App>,
    inner: InboxActivity,
    group: &Group,
) -> Result<Option<InboxActivity>> {
    Ok(match inner {
        InboxActivity::Create(a) => from_origin(data, a, group)
            .await?
            .map(InboxActivity::Create),
        InboxActivity::Update(a) if !update::is_profile(&a) => from_origin(data, a, group)
            .await?
            .map(InboxActivity::Update),
        InboxActivity::Delete(a) => {
            if author_deletion_confirmed(data, &a).await? {
                Some(InboxActivity::Delete(a))
            } else {
                None
            }
        }
        other => Some(other),
    })
}

/// `act` (a Create or Update) with its object replaced by what the
/// object's origin serves, checked: attributed to people of that origin,
/// and content of `group` (addressed to it, or replying to its content).
async fn from_origin(
    data: &Data<App>,
    mut act: ObjectActivity,
    group: &Group,
) -> Result<Option<ObjectActivity>> {
    let id = act.object_id()?;
    // Already stored as its origin said: a Create changes nothing, so the
    // origin is not asked again.
    if act.kind == super::Verb::Create && content::find(data.app_data(), &id).await?.is_some() {
        return Ok(Some(act));
    }
    let object = match ask_origin(data, &id).await? {
        OriginSays::Serves(object) => object,
        // A club's content is shown only to servers its origin knows to be
        // members' (see `public::club_readers_only`), which we cannot
        // prove to a third server: the club's word is taken instead.
        OriginSays::NotThere if group.is_private() => {
            tracing::info!(activity = %act.id, object = %id, group = %group.ap_id, "relayed club content not shown by its origin: taken as the club relays it");
            return Ok(Some(act));
        }
        OriginSays::NotThere => {
            tracing::info!(activity = %act.id, object = %id, group = %group.ap_id, "relayed content its origin does not have dropped");
            return Ok(None);
        }
    };
    let parsed = IncomingObject::parse(&object).map_err(Error::bad_request)?;
    if let Some(why) = why_not_the_groups(data.app_data(), &parsed, group).await? {
        tracing::info!(activity = %act.id, object = %id, group = %group.ap_id, why, "relayed content dropped");
        return Ok(None);
    }
    act.object = object.clone();
    if let Some(raw) = act.raw.as_object_mut() {
        raw.insert("object".into(), object);
    }
    Ok(Some(act))
}

/// Why what an origin served is not content of `group` authored on that
/// origin; `None` when it is.
async fn why_not_the_groups(
    app: &App,
    object: &IncomingObject,
    group: &Group,
) -> Result<Option<&'static str>> {
    if object.attributed_to.is_empty() {
        return Ok(Some("it names no author"));
    }
    if object
        .attributed_to
        .iter()
        .any(|a| check_origin(a, &object.id).is_err())
    {
        return Ok(Some("it is attributed to someone of another server"));
    }
    if let Some(parent) = &object.in_reply_to {
        return Ok(match content::find(app, parent).await? {
            Some((_, g)) if g.id == group.id => None,
            Some(_) => Some("it replies to content of another group"),
            None => Some("it replies to something not stored here"),
        });
    }
    if object
        .addressees()
        .iter()
        .any(|a| a.as_str() == group.ap_id)
    {
        Ok(None)
    } else {
        Ok(Some("it is not addressed to the group"))
    }
}

/// Whether the relayed Delete may go ahead: a deletion by the author only
/// once the origin no longer has the object (a moderator's removal, of
/// content that is still there, is decided by the moderator rules).
async fn author_deletion_confirmed(data: &Data<App>, act: &ObjectActivity) -> Result<bool> {
    let id = act.object_id()?;
    let Some((stored, _)) = content::find(data.app_data(), &id).await? else {
        // Nothing to delete here: the Delete will be skipped.
        return Ok(true);
    };
    if author_ap_id(data.app_data(), &stored).await? != act.actor.as_str() {
        return Ok(true);
    }
    Ok(match ask_origin(data, &id).await? {
        OriginSays::NotThere => true,
        OriginSays::Serves(_) => {
            tracing::info!(activity = %act.id, object = %id, "relayed Delete of content its origin still has dropped");
            false
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_cases() {
        let u = |s: &str| Url::parse(s).unwrap();
        let here = u("https://here.example");
        let group = u("https://f1.example/c/g");
        assert_eq!(
            relayed(&u("https://here.example/u/ann"), &group, &here),
            Relayed::Echo
        );
        assert_eq!(
            relayed(&u("https://f1.example/u/bo"), &group, &here),
            Relayed::GroupsServer
        );
        assert_eq!(
            relayed(&u("https://f2.example/u/pat"), &group, &here),
            Relayed::ThirdServer
        );
        assert_eq!(
            relayed(&u("https://f1.example:8443/u/pat"), &group, &here),
            Relayed::ThirdServer,
            "another port is another server"
        );
    }
}

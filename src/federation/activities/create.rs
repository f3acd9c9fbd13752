//! `Create` of a thread or comment: a member posts to a local group (its
//! rules decide, then the group relays the activity to its followers); a
//! Mastodon user replies to a thread (`inReplyTo`) or mentions a group to
//! start one; a remote group relays its members' posts in an Announce.

use super::content::{self, Via};
use super::ObjectActivity;
use crate::community::comments::{self, CommentInput};
use crate::community::posts::{self, PostInput};
use crate::community::{Body, Origin};
use crate::error::{Error, Result};
use crate::federation::actors::check_origin;
use crate::federation::objects::incoming::IncomingObject;
use crate::store::groups::Group;
use crate::store::posts::PostKind;
use crate::App;
use activitypub_federation::config::Data;

pub async fn receive(data: &Data<App>, act: ObjectActivity, via: Via) -> Result<()> {
    let Some(object) = embedded_content(&act)? else {
        return Ok(());
    };
    if content::find(data.app_data(), &object.id).await?.is_some() {
        tracing::debug!(object = %object.id, "already stored: Create ignored");
        return Ok(());
    }
    store_new(data, &act, &object, via).await
}

/// The thread or comment a Create or Update carries, checked against its
/// actor; `None` (logged) for object types that are not content here.
pub fn embedded_content(act: &ObjectActivity) -> Result<Option<IncomingObject>> {
    if !act.object.is_object() {
        return Err(Error::bad_request(format!(
            "{} needs its object embedded",
            act.kind
        )));
    }
    let object = IncomingObject::parse(&act.object).map_err(Error::bad_request)?;
    if !object.is_content() {
        tracing::info!(activity = %act.id, kind = object.kind, "{} of an unsupported object type skipped", act.kind);
        return Ok(None);
    }
    check_origin(&object.id, &act.actor)?;
    if !object.attributed_to.is_empty() && !object.attributed_to.contains(&act.actor) {
        return Err(Error::forbidden(
            "an actor creates and edits only what it is the author of",
        ));
    }
    Ok(Some(object))
}

/// Stores a thread or comment not seen before (also for an Update of one).
pub async fn store_new(
    data: &Data<App>,
    act: &ObjectActivity,
    object: &IncomingObject,
    via: Via,
) -> Result<()> {
    let app = data.app_data();
    let origin = Origin {
        ap_id: Some(object.id.to_string()),
        published: object.published_naive(),
        activity: Some(act.id.to_string()),
    };
    let body = Body::Html {
        html: object.html(),
        source: object.markdown_source(),
    };
    if let Some(parent) = &object.in_reply_to {
        let Some((stored, group)) = content::find(app, parent).await? else {
            tracing::info!(object = %object.id, parent = %parent, "reply to something not stored here skipped");
            return Ok(());
        };
        if !content::admit(&via, &group, "a comment")? {
            return Ok(());
        }
        let author = content::remote_person(data, &act.actor).await?;
        let (post_id, parent_id) = match stored {
            content::Stored::Post(p) => (p.id, None),
            content::Stored::Comment(c) => (c.post_id, Some(c.id)),
        };
        let input = CommentInput { body, parent_id };
        // Already stored (the same object twice at once): nothing more. A
        // local group relays it (unless held for review): the federation
        // consumer, from the event.
        let _stored = comments::create_received(app, &author, post_id, input, origin)
            .await?
            .changed();
        return Ok(());
    }
    let Some(group) = group_of(app, object, &via).await? else {
        tracing::info!(object = %object.id, "a post not addressed to any group here skipped");
        return Ok(());
    };
    if !content::admit(&via, &group, "a thread")? {
        return Ok(());
    }
    let author = content::remote_person(data, &act.actor).await?;
    let kind = match (
        object.kind.as_str(),
        object.thread_kind.as_deref().and_then(PostKind::parse),
    ) {
        (_, Some(k)) => k,
        ("Question", _) => PostKind::Question,
        ("Article", _) => PostKind::Article,
        _ => PostKind::Discussion,
    };
    let input = PostInput {
        title: object.title(app.config.limits.title_chars),
        body,
        kind: Some(kind.as_str().to_string()),
    };
    let _stored = posts::create_received(app, &author, group.id, input, origin)
        .await?
        .changed();
    Ok(())
}

/// The group a new thread is posted to: the announcing group when it is
/// addressed, or else the first stored group it is addressed to.
async fn group_of(app: &App, object: &IncomingObject, via: &Via) -> Result<Option<Group>> {
    let addressees = object.addressees();
    if let Via::Group(g) = via {
        if addressees.iter().any(|a| a.as_str() == g.ap_id) {
            return Ok(Some((**g).clone()));
        }
    }
    content::find_group(app, addressees).await
}

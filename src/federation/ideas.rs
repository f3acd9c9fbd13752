//! Ideas over federation. An idea's status travels on its `Page` as
//! extension properties (`ideaStatus`, `ideaResponse`, `ideaStatusChanged`,
//! `duplicateOf`) and, for software that ignores them (Lemmy, Mastodon), as
//! a readable last paragraph of `content`. The status is set on the
//! idea's group's server: a change made here leaves as an `Update` of the
//! Page by the person who made it, announced by the group; a change
//! received is applied only when that `Update` comes from the idea's
//! group's origin (its server vouches for its staff and moderators).

use super::activities::content::{self, Stored, Via};
use super::activities::ObjectActivity;
use super::actors::same_origin;
use super::objects::incoming::{escape, IncomingObject};
use super::objects::post::PageObject;
use super::outbox;
use super::protocol::activities::Verb;
use crate::community::ideas::{self, IdeaState, ReceivedStatus};
use crate::community::public;
use crate::error::{Error, Result};
use crate::store::groups::Group;
use crate::store::ideas::IdeaStatus;
use crate::store::posts::{Post, PostKind};
use crate::store::{people, DbConn};
use crate::web::page::t;
use crate::App;
use activitypub_federation::config::Data;
use url::Url;

/// Marks the paragraph that carries an idea's status in `content`.
const LINE_START: &str = "<p class=\"idea-status\">";

/// The paragraph other software shows for an idea's status (nothing for an
/// idea still new without a response).
pub fn status_line(state: &IdeaState) -> String {
    if state.status == IdeaStatus::New && state.response.is_none() {
        return String::new();
    }
    let key = format!("ideas.status_{}", state.status.as_str());
    let label = t(&key);
    let mut line = format!(
        "{LINE_START}<strong>{}</strong>",
        escape(&t("ideas.wire_status").replacen("{}", label, 1))
    );
    if let Some(o) = &state.duplicate_of {
        line.push_str(&format!(
            " {} <a href=\"{}\">{}</a>",
            escape(t("ideas.wire_duplicate_of")),
            escape(&o.ap_id),
            escape(&o.title)
        ));
    }
    if let Some(r) = &state.response {
        line.push_str(&format!("<br>{}", escape(r)));
    }
    line.push_str("</p>");
    line
}

/// `content` without the status paragraph a Guildhall server appended.
pub fn without_status_line(content: &str) -> &str {
    match content.rfind(LINE_START) {
        Some(at) if content[at..].trim_end().ends_with("</p>") => &content[..at],
        _ => content,
    }
}

/// A local idea's status changed here: an `Update` of its Page by the
/// person who changed it, announced by the group to its followers.
pub fn status_changed(conn: &mut DbConn, app: &App, judge_id: i64, post_id: i64) -> Result<usize> {
    let info = public::post_info(conn, post_id)?;
    let judge = people::by_id(conn, judge_id)?;
    // Set on the group's server only; held ideas leave once approved.
    if !info.group.local || !judge.local || info.post.held {
        return Ok(0);
    }
    let object = serde_json::to_value(PageObject::from_info(&info))
        .map_err(|e| Error::internal("cannot encode an object", e))?;
    let update = ObjectActivity::of_content(
        Verb::Update,
        &app.ids.activity(&Verb::Update.id_word()),
        &judge.ap_id,
        &info.group.ap_id,
        object,
    )?
    .into_value()?;
    outbox::relay(conn, app, &info.group, update, None)
}

/// What an incoming `Update` of a Page did with the idea status it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// No status for us to read here: the Update is an edit as any other.
    NotAStatus,
    /// A status (applied, or older than the stored one), sent by someone
    /// other than the idea's author: nothing more to do.
    Done,
    /// A status, sent by the idea's author: their edit applies too.
    AlsoAnEdit,
}

/// Applies the status an `Update` of a stored idea carries, when it comes
/// from the idea's group's origin. Called before the Update is read as an
/// author's edit (a status changed by a moderator is no edit).
pub async fn receive(data: &Data<App>, act: &ObjectActivity, via: &Via) -> Result<Received> {
    if !act.object.is_object() {
        return Ok(Received::NotAStatus);
    }
    let Ok(object) = IncomingObject::parse(&act.object) else {
        return Ok(Received::NotAStatus);
    };
    let Some(status) = object.idea_status.as_deref() else {
        return Ok(Received::NotAStatus);
    };
    let app = data.app_data();
    let Some((Stored::Post(post), group)) = content::find(app, &object.id).await? else {
        if object.attributed_to.contains(&act.actor) {
            return Ok(Received::NotAStatus);
        }
        // A status of an idea not stored here: nothing to apply it to.
        tracing::info!(activity = %act.id, object = %object.id, "the status of an idea not stored here skipped");
        return Ok(Received::Done);
    };
    if post.kind != PostKind::Idea || group.local {
        return Ok(Received::NotAStatus);
    }
    let author_id = post.author_id;
    let author = app
        .store
        .run(move |conn| people::by_id(conn, author_id))
        .await?;
    let by_author = author.ap_id == act.actor.as_str();
    let after = if by_author {
        Received::AlsoAnEdit
    } else {
        Received::Done
    };
    if !content::admit(via, &group, "an idea's status")? {
        return Ok(after);
    }
    if !from_groups_origin(act, &group)? {
        if by_author {
            // An author on another server edits; their word on the
            // status counts for nothing.
            return Ok(Received::AlsoAnEdit);
        }
        return Err(Error::forbidden(format!(
            "only the server of {} sets the status of its ideas",
            group.ap_id
        )));
    }
    let Some(status) = IdeaStatus::parse(status) else {
        tracing::info!(activity = %act.id, status, "an idea status this version does not know skipped");
        return Ok(after);
    };
    let judge = content::remote_person(data, &act.actor).await?;
    let received = ReceivedStatus {
        status,
        response: object.idea_response.clone(),
        duplicate_of: object.duplicate_of.as_ref().map(Url::to_string),
        changed_at: object.idea_status_changed.map(|t| t.naive_utc()),
        activity: Some(act.id.to_string()),
    };
    if !ideas::status_received(app, &judge, post.id, received)
        .await?
        .changed()
    {
        tracing::info!(object = %object.id, "an idea status not newer than the stored one: not applied");
    }
    Ok(after)
}

/// The status of a remote idea first seen in a `Create` (or an Update of
/// an idea not stored yet), when the activity comes from the idea's
/// group's origin.
pub async fn receive_new(
    data: &Data<App>,
    act: &ObjectActivity,
    object: &IncomingObject,
) -> Result<()> {
    let Some(status) = object.idea_status.as_deref().and_then(IdeaStatus::parse) else {
        return Ok(());
    };
    let app = data.app_data();
    let Some((Stored::Post(post), group)) = content::find(app, &object.id).await? else {
        return Ok(());
    };
    if !is_remote_idea(&post, &group) || !from_groups_origin(act, &group)? {
        return Ok(());
    }
    let judge = content::remote_person(data, &act.actor).await?;
    let received = ReceivedStatus {
        status,
        response: object.idea_response.clone(),
        duplicate_of: object.duplicate_of.as_ref().map(Url::to_string),
        changed_at: object.idea_status_changed.map(|t| t.naive_utc()),
        activity: None,
    };
    let _applied = ideas::status_received(app, &judge, post.id, received)
        .await?
        .changed();
    Ok(())
}

fn is_remote_idea(post: &Post, group: &Group) -> bool {
    post.kind == PostKind::Idea && !group.local
}

/// Whether the activity's actor is on the server of `group`.
fn from_groups_origin(act: &ObjectActivity, group: &Group) -> Result<bool> {
    let group_url =
        Url::parse(&group.ap_id).map_err(|_| Error::bad_request("the group's id is not a URL"))?;
    Ok(same_origin(&act.actor, &group_url))
}

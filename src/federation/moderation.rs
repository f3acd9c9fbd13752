//! What local moderators' actions send, in the shapes Lemmy uses: removal
//! as `Delete` with a `summary` (restored by `Undo(Delete)`), `Lock`,
//! pins as `Add`/`Remove` to the featured collection, bans as `Block` with
//! `target` the group (lifted by `Undo(Block)`). A local group announces
//! them to its followers; for a remote group they go to the group, which
//! announces them.

use super::objects::PUBLIC;
use super::outbox;
use super::protocol::activities::{undo_of, ObjectActivity, Verb};
use crate::community::posts::PostInfo;
use crate::community::public;
use crate::error::Result;
use crate::moderation::actions::{BanInput, ThreadAction};
use crate::store::groups::Group;
use crate::store::people::Person;
use crate::store::DbConn;
use crate::App;
use serde_json::Value;

fn base(
    app: &App,
    kind: Verb,
    moderator: &Person,
    group: &Group,
    object: &str,
) -> Result<ObjectActivity> {
    ObjectActivity::new(
        kind,
        &app.ids.activity(&kind.id_word()),
        &moderator.ap_id,
        Value::String(object.to_string()),
    )?
    .addressed(&[PUBLIC.to_string()], std::slice::from_ref(&group.ap_id))?
    .in_group(&group.ap_id)
}

fn undo(app: &App, moderator: &Person, inner: ObjectActivity) -> Result<ObjectActivity> {
    undo_of(&app.ids.activity("undo"), &moderator.ap_id, &inner)
}

/// Queues a moderation activity about `group`, and to `also` (a banned
/// person's server) when that is elsewhere, inside the caller's write
/// transaction.
fn send(
    conn: &mut DbConn,
    app: &App,
    group: &Group,
    moderator: &Person,
    activity: Value,
    also: Option<&Person>,
) -> Result<usize> {
    let extra: Vec<String> = also
        .filter(|p| !p.local && p.instance_id != group.instance_id)
        .map(|p| {
            p.shared_inbox_url
                .clone()
                .unwrap_or_else(|| p.inbox_url.clone())
        })
        .into_iter()
        .collect();
    if group.local {
        let mut queued = outbox::relay(conn, app, group, activity.clone(), None)?;
        if !extra.is_empty() {
            queued += outbox::enqueue_in_tx(conn, &activity, &moderator.ap_id, &extra)?;
        }
        Ok(queued)
    } else if moderator.local {
        let mut inboxes = vec![group.inbox_url.clone()];
        inboxes.extend(extra);
        outbox::enqueue_in_tx(conn, &activity, &moderator.ap_id, &inboxes)
    } else {
        Ok(0)
    }
}

fn removal(
    app: &App,
    moderator: &Person,
    group: &Group,
    object: &str,
    reason: Option<&str>,
) -> Result<ObjectActivity> {
    let mut delete = base(app, Verb::Delete, moderator, group, object)?;
    // The summary is what tells a moderator's removal from the author's
    // own deletion.
    delete.summary = Some(reason.unwrap_or("removed by a moderator").to_string());
    Ok(delete)
}

pub fn thread_moderated(
    conn: &mut DbConn,
    app: &App,
    moderator: &Person,
    info: &PostInfo,
    action: ThreadAction,
    reason: Option<&str>,
) -> Result<usize> {
    let (g, object) = (&info.group, info.post.ap_id.as_str());
    let featured = g
        .featured_url
        .clone()
        .unwrap_or_else(|| format!("{}/featured", g.ap_id));
    let activity = match action {
        ThreadAction::Remove => removal(app, moderator, g, object, reason)?,
        ThreadAction::Restore => undo(app, moderator, removal(app, moderator, g, object, reason)?)?,
        ThreadAction::Lock => base(app, Verb::Lock, moderator, g, object)?,
        ThreadAction::Unlock => undo(app, moderator, base(app, Verb::Lock, moderator, g, object)?)?,
        ThreadAction::Pin => base(app, Verb::Add, moderator, g, object)?.with_target(&featured)?,
        ThreadAction::Unpin => {
            base(app, Verb::Remove, moderator, g, object)?.with_target(&featured)?
        }
    }
    .into_value()?;
    send(conn, app, g, moderator, activity, None)
}

pub fn comment_moderated(
    conn: &mut DbConn,
    app: &App,
    moderator: &Person,
    comment_id: i64,
    remove: bool,
    reason: Option<&str>,
) -> Result<usize> {
    let c = public::comment_info(conn, comment_id)?;
    let delete = removal(app, moderator, &c.group, &c.comment.ap_id, reason)?;
    let activity = if remove {
        delete
    } else {
        undo(app, moderator, delete)?
    }
    .into_value()?;
    send(conn, app, &c.group, moderator, activity, None)
}

/// The group and person of a ban.
pub struct Banned<'a> {
    pub group: &'a Group,
    pub person: &'a Person,
}

/// A ban (`input` given) or its lifting (`None`).
pub fn banned(
    conn: &mut DbConn,
    app: &App,
    moderator: &Person,
    b: Banned<'_>,
    input: Option<&BanInput>,
    reason: Option<&str>,
) -> Result<usize> {
    let mut block =
        base(app, Verb::Block, moderator, b.group, &b.person.ap_id)?.with_target(&b.group.ap_id)?;
    block.summary = reason.map(str::to_string);
    if let Some(i) = input {
        block.remove_data = Some(i.remove_content);
        block.end_time = i.until.map(|until| until.and_utc());
    }
    let activity = match input {
        Some(_) => block,
        None => undo(app, moderator, block)?,
    }
    .into_value()?;
    send(conn, app, b.group, moderator, activity, Some(b.person))
}

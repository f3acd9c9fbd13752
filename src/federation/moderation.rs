//! What local moderators' actions send, in the shapes Lemmy uses: removal
//! as `Delete` with a `summary` (restored by `Undo(Delete)`), `Lock`,
//! pins as `Add`/`Remove` to the featured collection, bans as `Block` with
//! `target` the group (lifted by `Undo(Block)`). A local group announces
//! them to its followers; for a remote group they go to the group, which
//! announces them.

use super::objects::{context, PUBLIC};
use super::outbox;
use crate::community::posts::PostInfo;
use crate::community::public;
use crate::error::Result;
use crate::moderation::actions::{BanInput, ThreadAction};
use crate::store::groups::Group;
use crate::store::people::Person;
use crate::store::DbConn;
use crate::App;
use serde_json::{json, Value};

fn base(app: &App, kind: &str, moderator: &Person, group: &Group, object: &str) -> Value {
    json!({
        "@context": context(),
        "type": kind,
        "id": app.ids.activity(&kind.to_lowercase()),
        "actor": moderator.ap_id,
        "object": object,
        "to": [PUBLIC],
        "cc": [group.ap_id],
        "audience": group.ap_id,
    })
}

fn undo(app: &App, moderator: &Person, group: &Group, inner: Value) -> Value {
    json!({
        "@context": context(),
        "type": "Undo",
        "id": app.ids.activity("undo"),
        "actor": moderator.ap_id,
        "object": inner,
        "to": [PUBLIC],
        "cc": [group.ap_id],
        "audience": group.ap_id,
    })
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
) -> Value {
    let mut delete = base(app, "Delete", moderator, group, object);
    // The summary is what tells a moderator's removal from the author's
    // own deletion.
    delete["summary"] = json!(reason.unwrap_or("removed by a moderator"));
    delete
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
        ThreadAction::Remove => removal(app, moderator, g, object, reason),
        ThreadAction::Restore => undo(
            app,
            moderator,
            g,
            removal(app, moderator, g, object, reason),
        ),
        ThreadAction::Lock => base(app, "Lock", moderator, g, object),
        ThreadAction::Unlock => undo(app, moderator, g, base(app, "Lock", moderator, g, object)),
        ThreadAction::Pin | ThreadAction::Unpin => {
            let kind = if action == ThreadAction::Pin {
                "Add"
            } else {
                "Remove"
            };
            let mut v = base(app, kind, moderator, g, object);
            v["target"] = json!(featured);
            v
        }
    };
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
    let delete = removal(app, moderator, &c.group, &c.comment.ap_id, reason);
    let activity = if remove {
        delete
    } else {
        undo(app, moderator, &c.group, delete)
    };
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
    let mut block = base(app, "Block", moderator, b.group, &b.person.ap_id);
    block["target"] = json!(b.group.ap_id);
    if let Some(r) = reason {
        block["summary"] = json!(r);
    }
    if let Some(i) = input {
        block["removeData"] = json!(i.remove_content);
        if let Some(until) = i.until {
            block["endTime"] = json!(until.and_utc());
        }
    }
    let activity = match input {
        Some(_) => block,
        None => undo(app, moderator, b.group, block),
    };
    send(conn, app, b.group, moderator, activity, Some(b.person))
}

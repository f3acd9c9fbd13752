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
use crate::moderation::actions::{BanInput, Banned, ThreadAction};
use crate::store::groups::Group;
use crate::store::people::Person;
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

/// Sends a moderation activity about `group`, and to `also` (a banned
/// person's server) when that is elsewhere.
async fn send(
    app: &App,
    group: &Group,
    moderator: &Person,
    activity: Value,
    also: Option<&Person>,
) -> Result<()> {
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
        outbox::relay(app, group, activity.clone(), None).await?;
        if !extra.is_empty() {
            outbox::send(app, activity, &moderator.ap_id, extra).await?;
        }
        Ok(())
    } else if moderator.local {
        let mut inboxes = vec![group.inbox_url.clone()];
        inboxes.extend(extra);
        outbox::send(app, activity, &moderator.ap_id, inboxes).await
    } else {
        Ok(())
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

pub async fn thread_moderated(
    app: &App,
    moderator: &Person,
    info: &PostInfo,
    action: ThreadAction,
    reason: Option<&str>,
) -> Result<()> {
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
    send(app, g, moderator, activity, None).await
}

pub async fn comment_moderated(
    app: &App,
    moderator: &Person,
    comment_id: i64,
    remove: bool,
    reason: Option<&str>,
) -> Result<()> {
    let c = public::any_comment(app, comment_id).await?;
    let delete = removal(app, moderator, &c.group, &c.comment.ap_id, reason);
    let activity = if remove {
        delete
    } else {
        undo(app, moderator, &c.group, delete)
    };
    send(app, &c.group, moderator, activity, None).await
}

/// A ban (`input` given) or its lifting (`None`).
pub async fn banned(
    app: &App,
    moderator: &Person,
    b: &Banned,
    input: Option<&BanInput>,
    reason: Option<&str>,
) -> Result<()> {
    let mut block = base(app, "Block", moderator, &b.group, &b.person.ap_id);
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
        None => undo(app, moderator, &b.group, block),
    };
    send(app, &b.group, moderator, activity, Some(&b.person)).await
}

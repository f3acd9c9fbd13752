//! What local people's actions send: a new, edited or deleted thread or
//! comment (`Create`, `Update`, `Delete` of a Page or Note) and votes
//! (`Like`, `Dislike`, `Undo`). In a local group, the group announces them
//! to its followers; in a remote group, they go to the group's inbox and
//! the group announces them. A reply also goes straight to the remote
//! author it answers, as Mastodon expects.

use super::objects::comment::NoteObject;
use super::objects::context;
use super::objects::post::PageObject;
use super::outbox;
use crate::community::public;
use crate::error::{Error, Result};
use crate::store::groups::Group;
use crate::store::people::Person;
use crate::store::votes::VoteTarget;
use crate::store::{comments, groups, posts, DbConn};
use crate::App;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Edited,
    Deleted,
}

impl Change {
    fn verb(self) -> &'static str {
        match self {
            Change::Created => "Create",
            Change::Edited => "Update",
            Change::Deleted => "Delete",
        }
    }
}

fn encode<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::internal("cannot encode an object", e))
}

/// `{verb}` of `object` by `author`, addressed as the object is.
fn activity(app: &App, change: Change, author: &Person, group: &Group, object: Value) -> Value {
    let payload = match change {
        Change::Deleted => object["id"].clone(),
        _ => object.clone(),
    };
    json!({
        "@context": context(),
        "type": change.verb(),
        "id": app.ids.activity(&change.verb().to_lowercase()),
        "actor": author.ap_id,
        "object": payload,
        "to": object["to"],
        "cc": object["cc"],
        "audience": group.ap_id,
    })
}

/// Queues `activity` of the local `author` about content of `group`, and
/// to `also` (the inbox of a remote author being answered), inside the
/// caller's write transaction.
fn publish(
    conn: &mut DbConn,
    app: &App,
    group: &Group,
    author: &Person,
    activity: Value,
    new_thread: Option<String>,
    also: Option<&Person>,
) -> Result<usize> {
    // The group's own server hears of it from the group already.
    let also: Vec<String> = also
        .filter(|p| !p.local && p.instance_id != group.instance_id)
        .map(|p| {
            p.shared_inbox_url
                .clone()
                .unwrap_or_else(|| p.inbox_url.clone())
        })
        .into_iter()
        .collect();
    if group.local {
        let mut queued = outbox::relay(conn, app, group, activity.clone(), new_thread)?;
        if !also.is_empty() {
            queued += outbox::enqueue_in_tx(conn, &activity, &author.ap_id, &also)?;
        }
        Ok(queued)
    } else {
        let mut inboxes = vec![group.inbox_url.clone()];
        inboxes.extend(also);
        outbox::enqueue_in_tx(conn, &activity, &author.ap_id, &inboxes)
    }
}

/// A local author's thread was created, edited or deleted.
pub fn thread(conn: &mut DbConn, app: &App, post_id: i64, change: Change) -> Result<usize> {
    let info = public::post_info(conn, post_id)?;
    // Held content leaves once a moderator approves it.
    if !info.author.local || info.post.held {
        return Ok(0);
    }
    let object = encode(&PageObject::from_info(&info))?;
    let act = activity(app, change, &info.author, &info.group, object);
    let new_thread = (change == Change::Created).then(|| info.post.ap_id.clone());
    publish(conn, app, &info.group, &info.author, act, new_thread, None)
}

/// A local author's comment was created, edited or deleted.
pub fn comment(conn: &mut DbConn, app: &App, comment_id: i64, change: Change) -> Result<usize> {
    let c = public::comment_info(conn, comment_id)?;
    if !c.author.local || c.comment.held {
        return Ok(0);
    }
    let note = NoteObject::from_object(&c);
    let act = activity(app, change, &c.author, &c.group, encode(&note)?);
    let answered = (c.parent_author.id != c.author.id).then_some(&c.parent_author);
    publish(conn, app, &c.group, &c.author, act, None, answered)
}

/// A local person voted (1, -1) or cleared a vote (0).
pub fn vote(
    conn: &mut DbConn,
    app: &App,
    voter: &Person,
    target: VoteTarget,
    value: i32,
) -> Result<usize> {
    let (object, post_id) = match target {
        VoteTarget::Post(id) => (posts::by_id(conn, id)?.ap_id, id),
        VoteTarget::Comment(id) => {
            let c = comments::by_id(conn, id)?;
            (c.ap_id, c.post_id)
        }
    };
    let group_id = posts::by_id(conn, post_id)?.group_id;
    let group = groups::by_id(conn, group_id)?;
    let like = |kind: &str| {
        json!({
            "type": kind,
            "id": app.ids.activity(&kind.to_lowercase()),
            "actor": voter.ap_id,
            "object": object,
            "audience": group.ap_id,
        })
    };
    let mut act = match value {
        1 => like("Like"),
        -1 => like("Dislike"),
        _ => json!({
            "type": "Undo",
            "id": app.ids.activity("undo"),
            "actor": voter.ap_id,
            "object": like("Like"),
            "audience": group.ap_id,
        }),
    };
    act["@context"] = context();
    publish(conn, app, &group, voter, act, None, None)
}

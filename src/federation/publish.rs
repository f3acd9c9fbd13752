//! What local people's actions send: a new, edited or deleted thread or
//! comment (`Create`, `Update`, `Delete` of a Page or Note) and votes
//! (`Like`, `Dislike`, `Undo`). In a local group, the group announces them
//! to its followers; in a remote group, they go to the group's inbox and
//! the group announces them. A reply also goes straight to the remote
//! author it answers, as Mastodon expects.

use super::objects::comment::NoteObject;
use super::objects::post::PageObject;
use super::outbox;
use super::protocol::activities::{undo_of, ObjectActivity, Verb};
use crate::community::public;
use crate::error::{Error, Result};
use crate::store::groups::Group;
use crate::store::people::Person;
use crate::store::posts::PostKind;
use crate::store::votes::VoteTarget;
use crate::store::{articles, comments, groups, posts, DbConn};
use crate::App;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Edited,
    Deleted,
}

impl Change {
    fn verb(self) -> Verb {
        match self {
            Change::Created => Verb::Create,
            Change::Edited => Verb::Update,
            Change::Deleted => Verb::Delete,
        }
    }
}

fn encode<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::internal("cannot encode an object", e))
}

/// `{verb}` of `object` by `author`, addressed as the object is.
fn activity(
    app: &App,
    change: Change,
    author: &Person,
    group: &Group,
    object: Value,
) -> Result<Value> {
    let verb = change.verb();
    ObjectActivity::of_content(
        verb,
        &app.ids.activity(&verb.id_word()),
        &author.ap_id,
        &group.ap_id,
        object,
    )?
    .into_value()
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
    // Held content leaves once a moderator approves it; a draft or
    // scheduled article when it comes out.
    if !info.author.local || info.post.held || !articles::is_out(conn, &info.post)? {
        return Ok(0);
    }
    let page = PageObject::from_info(&info);
    let page = match info.post.kind {
        PostKind::Article => {
            let a = crate::community::articles::article_of(conn, &info.post)?;
            page.with_article(&info, &a)
        }
        _ => page,
    };
    let object = encode(&page)?;
    let act = activity(app, change, &info.author, &info.group, object)?;
    let new_thread = (change == Change::Created).then(|| info.post.ap_id.clone());
    publish(conn, app, &info.group, &info.author, act, new_thread, None)
}

/// A local author's comment was created, edited or deleted.
pub fn comment(conn: &mut DbConn, app: &App, comment_id: i64, change: Change) -> Result<usize> {
    let c = public::comment_info(conn, comment_id)?;
    if !c.author.local || c.comment.held {
        return Ok(0);
    }
    // A comment on an article not out yet stays here with it.
    let thread = posts::by_id(conn, c.comment.post_id)?;
    if !articles::is_out(conn, &thread)? {
        return Ok(0);
    }
    let note = NoteObject::from_object(&c);
    let act = activity(app, change, &c.author, &c.group, encode(&note)?)?;
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
    let like = |kind: Verb| {
        ObjectActivity::new(
            kind,
            &app.ids.activity(&kind.id_word()),
            &voter.ap_id,
            Value::String(object.clone()),
        )?
        .in_group(&group.ap_id)
    };
    let act = match value {
        1 => like(Verb::Like)?,
        -1 => like(Verb::Dislike)?,
        _ => undo_of(&app.ids.activity("undo"), &voter.ap_id, &like(Verb::Like)?)?,
    }
    .into_value()?;
    publish(conn, app, &group, voter, act, None, None)
}

//! What changes of groups and people send: a local group's profile edited
//! (`Update` of the Group, from the group to its followers), its moderators
//! added or removed (`Add`/`Remove` of the person with `target` the
//! group's moderators collection, as Lemmy sends them, announced by the
//! group), and a local person's profile edited (`Update` of the Person, to
//! their followers and to the servers of the groups they are in). Each is
//! queued inside the caller's write transaction.

use super::objects::group::GroupObject;
use super::objects::person::PersonObject;
use super::objects::PUBLIC;
use super::outbox;
use super::protocol::activities::{ObjectActivity, Verb};
use super::protocol::encode;
use crate::error::Result;
use crate::store::groups::{self, Group};
use crate::store::people::{self, Person};
use crate::store::{follows, DbConn};
use crate::App;
use serde_json::Value;

/// Whether a moderator joined or left a group's moderators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderators {
    Added,
    Removed,
}

/// `Update` of an actor's own profile `object`, by the actor.
fn update_of(app: &App, actor: &str, object: Value) -> Result<ObjectActivity> {
    ObjectActivity::new(
        Verb::Update,
        &app.ids.activity(&Verb::Update.id_word()),
        actor,
        object,
    )
}

/// Where a group's moderators are listed.
pub fn moderators_url(group: &Group) -> String {
    group
        .moderators_url
        .clone()
        .unwrap_or_else(|| format!("{}/moderators", group.ap_id))
}

/// A local group's profile was edited: the group tells its followers.
pub fn group_edited(conn: &mut DbConn, app: &App, group_id: i64) -> Result<usize> {
    let group = groups::by_id(conn, group_id)?;
    if !group.local {
        return Ok(0);
    }
    // A club's profile goes to its members' servers only, never Public.
    let (to, cc) = if group.is_private() {
        (vec![group.followers_url.clone()], Vec::new())
    } else {
        (vec![PUBLIC.to_string()], vec![group.followers_url.clone()])
    };
    let update = update_of(app, &group.ap_id, encode(&GroupObject::from_row(&group))?)?
        .addressed(&to, &cc)?
        .into_value()?;
    let inboxes: Vec<String> = groups::remote_member_inboxes_with_software(conn, group.id)?
        .into_iter()
        .map(|(inbox, _)| inbox)
        .collect();
    outbox::enqueue_in_tx(conn, &update, &group.ap_id, &inboxes)
}

/// A local group's moderators changed: `Add` or `Remove` by the moderator
/// who did it, announced by the group to its followers.
pub fn moderators_changed(
    conn: &mut DbConn,
    app: &App,
    by: i64,
    group_id: i64,
    person_id: i64,
    change: Moderators,
) -> Result<usize> {
    let group = groups::by_id(conn, group_id)?;
    if !group.local {
        return Ok(0);
    }
    let (moderator, person) = (people::by_id(conn, by)?, people::by_id(conn, person_id)?);
    let kind = match change {
        Moderators::Added => Verb::Add,
        Moderators::Removed => Verb::Remove,
    };
    let activity = ObjectActivity::new(
        kind,
        &app.ids.activity(&kind.id_word()),
        &moderator.ap_id,
        Value::String(person.ap_id.clone()),
    )?
    .with_target(&moderators_url(&group))?
    .addressed(&[PUBLIC.to_string()], std::slice::from_ref(&group.ap_id))?
    .in_group(&group.ap_id)?
    .into_value()?;
    outbox::relay(conn, app, &group, activity, None)
}

/// A local person's profile was edited: their followers' servers and the
/// servers of the remote groups they are in hear of it.
pub fn person_edited(conn: &mut DbConn, app: &App, person_id: i64) -> Result<usize> {
    let person = people::by_id(conn, person_id)?;
    if !person.local {
        return Ok(0);
    }
    let mut inboxes: Vec<String> = follows::followers(conn, person.id, i64::MAX, 0)?
        .into_iter()
        .filter(|p| !p.local)
        .map(|p| inbox_of(&p))
        .collect();
    let group_ids = groups::joined_group_ids(conn, person.id)?;
    inboxes.extend(
        groups::by_ids(conn, &group_ids)?
            .into_iter()
            .filter(|g| !g.local)
            .map(|g| g.inbox_url),
    );
    let update = update_of(
        app,
        &person.ap_id,
        encode(&PersonObject::from_row(&person))?,
    )?
    .addressed(&[PUBLIC.to_string()], &[])?
    .into_value()?;
    outbox::enqueue_in_tx(conn, &update, &person.ap_id, &inboxes)
}

fn inbox_of(p: &Person) -> String {
    p.shared_inbox_url
        .clone()
        .unwrap_or_else(|| p.inbox_url.clone())
}

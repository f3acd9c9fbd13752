//! What changes of groups and people send: a local group's profile edited
//! (`Update` of the Group, from the group to its followers), its moderators
//! added or removed (`Add`/`Remove` of the person with `target` the
//! group's moderators collection, as Lemmy sends them, announced by the
//! group), and a local person's profile edited (`Update` of the Person, to
//! their followers and to the servers of the groups they are in). Each is
//! queued inside the caller's write transaction.

use super::objects::group::GroupObject;
use super::objects::person::PersonObject;
use super::objects::{context, PUBLIC};
use super::outbox;
use crate::error::{Error, Result};
use crate::store::groups::{self, Group};
use crate::store::people::{self, Person};
use crate::store::{follows, DbConn};
use crate::App;
use serde::Serialize;
use serde_json::Value;

/// `Update` of an actor's own profile.
#[derive(Debug, Serialize)]
struct UpdateActor<T: Serialize> {
    #[serde(rename = "@context")]
    context: Value,
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    actor: String,
    object: T,
    to: Vec<String>,
    cc: Vec<String>,
}

/// `Add` or `Remove` of a moderator.
#[derive(Debug, Serialize)]
struct ModeratorChange {
    #[serde(rename = "@context")]
    context: Value,
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    actor: String,
    object: String,
    target: String,
    to: Vec<String>,
    cc: Vec<String>,
    audience: String,
}

/// Whether a moderator joined or left a group's moderators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderators {
    Added,
    Removed,
}

fn encode<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::internal("cannot encode an activity", e))
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
    let update = UpdateActor {
        context: context(),
        kind: "Update",
        id: app.ids.activity("update"),
        actor: group.ap_id.clone(),
        object: GroupObject::from_row(&group),
        to,
        cc,
    };
    let inboxes: Vec<String> = groups::remote_member_inboxes_with_software(conn, group.id)?
        .into_iter()
        .map(|(inbox, _)| inbox)
        .collect();
    outbox::enqueue_in_tx(conn, &encode(&update)?, &group.ap_id, &inboxes)
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
        Moderators::Added => "Add",
        Moderators::Removed => "Remove",
    };
    let activity = ModeratorChange {
        context: context(),
        kind,
        id: app.ids.activity(&kind.to_lowercase()),
        actor: moderator.ap_id.clone(),
        object: person.ap_id.clone(),
        target: moderators_url(&group),
        to: vec![PUBLIC.to_string()],
        cc: vec![group.ap_id.clone()],
        audience: group.ap_id.clone(),
    };
    outbox::relay(conn, app, &group, encode(&activity)?, None)
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
    let update = UpdateActor {
        context: context(),
        kind: "Update",
        id: app.ids.activity("update"),
        actor: person.ap_id.clone(),
        object: PersonObject::from_row(&person),
        to: vec![PUBLIC.to_string()],
        cc: Vec::new(),
    };
    outbox::enqueue_in_tx(conn, &encode(&update)?, &person.ap_id, &inboxes)
}

fn inbox_of(p: &Person) -> String {
    p.shared_inbox_url
        .clone()
        .unwrap_or_else(|| p.inbox_url.clone())
}

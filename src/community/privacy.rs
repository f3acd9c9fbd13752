//! The privacy rule of groups, written once: what a viewer may see of a
//! group. Every path that shows a group's threads, comments, members,
//! moderators or activity asks here: the API (feeds, threads, members,
//! leaderboards, the moderation log, reputation ledgers) and ActivityPub
//! (objects, outbox, featured, moderators).
//!
//! A group shows everything to everyone. A club shows its content, its
//! members and its activity only to its accepted members, to this server's
//! staff (admins and moderators), to servers where an accepted member
//! lives, and to the club's own server when it is hosted elsewhere; to anyone else it shows that it exists: its profile and its
//! counts (members, threads), as a directory lists it so people can ask to
//! join.

use super::{accepted, Actor, InstanceRole};
use crate::error::Result;
use crate::store::groups::{self as group_rows, Group};
use crate::store::DbConn;

/// Who is looking.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    /// No account, no signature.
    Anonymous,
    /// A signed-in account of this server.
    Account(&'a Actor),
    /// Another server, by a fetch its actor signed: its instance id.
    Server(i64),
}

impl<'a> Viewer<'a> {
    pub fn account(actor: Option<&'a Actor>) -> Viewer<'a> {
        actor.map_or(Viewer::Anonymous, Viewer::Account)
    }

    /// The server that signed a fetch, if it was signed.
    pub fn server(instance_id: Option<i64>) -> Viewer<'a> {
        instance_id.map_or(Viewer::Anonymous, Viewer::Server)
    }
}

/// What a viewer may see of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Its threads, comments, members, moderators and activity.
    Inside,
    /// Its profile and counts only.
    Outside,
}

/// This server's admins and moderators: they moderate every local group,
/// clubs included, so they read them.
pub fn moderates_instance(actor: &Actor) -> bool {
    actor.person.local && matches!(actor.role, InstanceRole::Admin | InstanceRole::Moderator)
}

pub fn sight(conn: &mut DbConn, viewer: Viewer, group: &Group) -> Result<Sight> {
    if !group.is_private() {
        return Ok(Sight::Inside);
    }
    let inside = match viewer {
        Viewer::Anonymous => false,
        Viewer::Account(actor) if moderates_instance(actor) => true,
        Viewer::Account(actor) => {
            let m = group_rows::membership(conn, actor.id(), group.id)?;
            accepted(m.as_ref()).is_some()
        }
        // The club's own server, when the club is hosted elsewhere: it
        // relays our members' comments and fetches them from us.
        Viewer::Server(instance_id) => {
            instance_id == group.instance_id
                || group_rows::has_member_on(conn, group.id, instance_id)?
        }
    };
    Ok(if inside {
        Sight::Inside
    } else {
        Sight::Outside
    })
}

/// The clubs `viewer` sees from outside (the same rule as `sight`, for
/// listings that mix groups: the moderation log, a person's ledger).
pub fn unseen_clubs(conn: &mut DbConn, viewer: Viewer) -> Result<Vec<i64>> {
    let clubs = group_rows::club_ids(conn)?;
    let seen: Vec<i64> = match viewer {
        Viewer::Anonymous => Vec::new(),
        Viewer::Account(actor) if moderates_instance(actor) => return Ok(Vec::new()),
        Viewer::Account(actor) => group_rows::memberships_of(conn, actor.id(), &clubs)?
            .iter()
            .filter(|m| accepted(Some(m)).is_some())
            .map(|m| m.group_id)
            .collect(),
        Viewer::Server(_) => {
            let mut seen = Vec::new();
            for &club in &clubs {
                let group = group_rows::by_id(conn, club)?;
                if sight(conn, viewer, &group)? == Sight::Inside {
                    seen.push(club);
                }
            }
            seen
        }
    };
    Ok(clubs.into_iter().filter(|c| !seen.contains(c)).collect())
}

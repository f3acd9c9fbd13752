//! Who vouches for a moderator's action. A local group's moderation is
//! checked here, in the action's own transaction; a remote group decides
//! on its own content, and its moderator's action arrives vouched for by
//! that group (federation found the actor in its moderators collection).
//! A rule taking an `Authority` always checks one or the other: there is
//! no "skip the checks".

use super::require_moderator;
use crate::community::Actor;
use crate::error::{Error, Result};
use crate::store::groups::Group;
use crate::store::DbConn;

#[derive(Debug, Clone)]
pub enum Authority {
    /// The actor's rights are checked here (a moderator of the group, or
    /// an instance admin or moderator for a local group).
    Checked,
    /// A remote group's moderator acted, as that group's moderators
    /// collection says.
    RemoteGroup(Vouch),
}

/// A remote group's word that the actor moderates it. Made only for a
/// remote group, and good only for that group's content.
#[derive(Debug, Clone)]
pub struct Vouch {
    group_id: i64,
}

impl Vouch {
    /// `group` (another server's) lists the actor among its moderators:
    /// what the activity's check found.
    pub fn listed_by(group: &Group) -> Result<Vouch> {
        if group.local {
            return Err(Error::forbidden(
                "a group of this server has its moderators checked here",
            ));
        }
        Ok(Vouch { group_id: group.id })
    }
}

impl Authority {
    /// Refuses `actor` acting on `group`'s content or members unless this
    /// authority covers it.
    pub fn require(&self, conn: &mut DbConn, actor: &Actor, group: &Group) -> Result<()> {
        match self {
            Authority::Checked => require_moderator(conn, actor, group),
            Authority::RemoteGroup(v) if v.group_id == group.id && !group.local => Ok(()),
            Authority::RemoteGroup(_) => Err(Error::forbidden(format!(
                "a group vouches only for moderation of its own content, not of {}",
                group.name
            ))),
        }
    }

    /// Whether a remote group's moderator acted (the log says so).
    pub fn is_remote(&self) -> bool {
        matches!(self, Authority::RemoteGroup(_))
    }
}

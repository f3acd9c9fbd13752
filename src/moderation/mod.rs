//! Moderation rules: who moderates what, the actions of group moderators
//! and admins (remove, lock, pin, ban, ...), reports, and the moderation
//! log. The REST API and federation call the same functions.

pub mod actions;
pub mod authority;
pub mod filters;
pub mod flags;
pub mod limits;
pub mod log;
pub mod policy;
pub mod reports;
pub mod review;
pub mod terms;

use crate::community::{is_group_moderator, Actor, InstanceRole};
use crate::error::{Error, Result};
use crate::store::groups::{self as group_rows, Group};
use crate::store::DbConn;

/// Whether `actor` moderates `group`: its owner or a moderator (accepted),
/// or an instance admin or moderator for a local group.
pub fn can_moderate(conn: &mut DbConn, actor: &Actor, group: &Group) -> Result<bool> {
    if group.local && matches!(actor.role, InstanceRole::Admin | InstanceRole::Moderator) {
        return Ok(true);
    }
    let m = group_rows::membership(conn, actor.id(), group.id)?;
    Ok(is_group_moderator(m.as_ref()))
}

/// `can_moderate`, or a 403 that says so.
pub fn require_moderator(conn: &mut DbConn, actor: &Actor, group: &Group) -> Result<()> {
    if can_moderate(conn, actor, group)? {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "only the moderators of {} do this",
            group.name
        )))
    }
}

/// Instance admins and moderators only.
pub fn require_staff_moderator(actor: &Actor) -> Result<()> {
    if matches!(actor.role, InstanceRole::Admin | InstanceRole::Moderator) && actor.person.local {
        Ok(())
    } else {
        Err(Error::forbidden(
            "only this server's admins and moderators do this",
        ))
    }
}

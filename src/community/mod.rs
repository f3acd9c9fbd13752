//! The community rules: who may do what with accounts, groups and clubs,
//! threads, comments, votes and follows, and what each action changes.
//! The REST API calls these; federation will call the same functions.

pub mod accounts;
pub mod comments;
pub mod follows;
pub mod groups;
pub mod markdown;
pub mod names;
pub mod posts;
pub mod public;
pub mod ranking;
pub mod throttle;
pub mod tokens;
pub mod votes;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::groups::{Group, Membership};
use crate::store::people::Person;
use crate::store::{self, DbConn};

/// Instance-wide roles of local accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceRole {
    Admin,
    Moderator,
    Staff,
    User,
}

impl InstanceRole {
    pub fn parse(s: &str) -> InstanceRole {
        match s {
            "admin" => InstanceRole::Admin,
            "moderator" => InstanceRole::Moderator,
            "staff" => InstanceRole::Staff,
            _ => InstanceRole::User,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceRole::Admin => "admin",
            InstanceRole::Moderator => "moderator",
            InstanceRole::Staff => "staff",
            InstanceRole::User => "user",
        }
    }
}

/// Who is acting: a person, and their instance role when local.
#[derive(Debug, Clone)]
pub struct Actor {
    pub person: Person,
    pub role: InstanceRole,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role == InstanceRole::Admin
    }
    pub fn id(&self) -> i64 {
        self.person.id
    }
}

/// The public handle of a person or group: `name` here, `name@host` elsewhere.
pub fn handle(name: &str, local: bool, ap_id: &str) -> String {
    if local {
        return name.to_string();
    }
    match url::Url::parse(ap_id) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{name}@{h}:{p}"),
            (Some(h), None) => format!("{name}@{h}"),
            _ => name.to_string(),
        },
        Err(_) => name.to_string(),
    }
}

/// Checks a text field against a byte limit, with a 413 that says which.
pub fn check_size(field: &str, value: &str, max_bytes: usize) -> Result<()> {
    if value.len() > max_bytes {
        return Err(Error::too_large(format!(
            "{field} is {} bytes; the limit is {max_bytes}",
            value.len()
        )));
    }
    Ok(())
}

/// A trimmed, non-empty title within the configured length.
pub fn check_title(config: &Config, title: &str) -> Result<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::unprocessable("the title is empty"));
    }
    let max = config.limits.title_chars;
    if title.chars().count() > max {
        return Err(Error::too_large(format!(
            "the title has more than {max} characters"
        )));
    }
    Ok(title.to_string())
}

/// The role a person holds in a group, if an accepted member.
pub fn accepted(m: Option<&Membership>) -> Option<&str> {
    m.filter(|m| m.state == "accepted").map(|m| m.role.as_str())
}

pub fn is_group_moderator(m: Option<&Membership>) -> bool {
    matches!(accepted(m), Some("moderator" | "owner"))
}

/// Whether `viewer` may read the threads of `group`: a club's are for its
/// accepted members (and instance admins) only.
pub fn can_read(conn: &mut DbConn, viewer: Option<&Actor>, group: &Group) -> Result<bool> {
    if group.kind != "club" {
        return Ok(true);
    }
    let Some(viewer) = viewer else {
        return Ok(false);
    };
    if viewer.is_admin() {
        return Ok(true);
    }
    let m = store::groups::membership(conn, viewer.id(), group.id)?;
    Ok(accepted(m.as_ref()).is_some())
}

/// Whether `actor` may take part (comment, vote) in `group`: not banned,
/// and an accepted member where membership is gated (clubs, and groups
/// that admit by approval or invite). Open groups welcome anyone.
pub fn may_participate(
    conn: &mut DbConn,
    actor: &Actor,
    group: &Group,
) -> Result<Option<Membership>> {
    let m = store::groups::membership(conn, actor.id(), group.id)?;
    if m.as_ref().is_some_and(|m| m.state == "banned") {
        return Err(Error::forbidden("you are banned from this group"));
    }
    let gated = group.kind == "club" || group.join_policy != "open";
    if gated && accepted(m.as_ref()).is_none() {
        return Err(Error::forbidden(format!(
            "only members take part in {}: join it first",
            group.name
        )));
    }
    Ok(m)
}

/// Resolves a group `name` or `name@host` to a stored group.
pub fn find_group(conn: &mut DbConn, handle: &str) -> Result<Group> {
    let (name, host) = names::split_handle(handle);
    let found = match host {
        None => store::groups::local_by_name(conn, name)?,
        Some(host) => match store::instances::by_domain(conn, host)? {
            Some(i) if i.local => store::groups::local_by_name(conn, name)?,
            Some(i) => store::groups::remote_by_name(conn, name, i.id)?,
            None => None,
        },
    };
    found.ok_or_else(|| Error::not_found(format!("no group named {handle:?}")))
}

/// Resolves a person `name` or `name@host` to a stored person.
pub fn find_person(conn: &mut DbConn, handle: &str) -> Result<Person> {
    let (name, host) = names::split_handle(handle);
    let found = match host {
        None => store::people::local_by_name(conn, name)?,
        Some(host) => match store::instances::by_domain(conn, host)? {
            Some(i) if i.local => store::people::local_by_name(conn, name)?,
            Some(i) => store::people::remote_by_name(conn, name, i.id)?,
            None => None,
        },
    };
    found
        .filter(|p| !p.deleted)
        .ok_or_else(|| Error::not_found(format!("no person named {handle:?}")))
}

//! The community rules: who may do what with accounts, groups and clubs,
//! threads, comments, votes and follows, and what each action changes.
//! The REST API calls these; federation will call the same functions.

pub mod accounts;
pub mod albums;
pub mod analytics;
pub mod api_tokens;
pub mod articles;
pub mod authored;
pub mod blocks;
pub mod branding;
pub mod comments;
pub mod email;
pub mod escalation;
pub mod feeds;
pub mod follows;
pub mod groups;
pub mod ideas;
pub mod images;
pub mod influence;
pub mod markdown;
pub mod media;
pub mod names;
pub mod oauth;
pub mod outcome;
pub mod pagerank;
pub mod password_reset;
pub mod posts;
pub mod principal;
pub mod privacy;
pub mod public;
pub mod ranking;
pub mod response_times;
pub mod search;
pub mod solutions;
pub mod throttle;
pub mod tokens;
pub mod unsubscribe;
pub mod votes;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::groups::{Group, MemberRole, MemberState, Membership};
use crate::store::people::Person;
use crate::store::{self, DbConn};

pub use crate::store::people::InstanceRole;

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

/// The text of a thread or comment: Markdown written here (rendered by us),
/// or HTML received from another server (sanitized here, with the sender's
/// Markdown source when it kept one).
#[derive(Debug, Clone)]
pub enum Body {
    Markdown(String),
    Html {
        html: String,
        source: Option<String>,
    },
}

impl Body {
    /// (source kept for editing, HTML shown to readers)
    pub fn render(self) -> (String, String) {
        match self {
            Body::Markdown(md) => {
                let html = markdown::render(&md);
                (md, html)
            }
            Body::Html { html, source } => {
                let html = markdown::sanitize(&html);
                (source.unwrap_or_else(|| html.clone()), html)
            }
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Body::Markdown(s) => s,
            Body::Html { html, .. } => html,
        }
    }
}

/// Where a new thread or comment comes from: written here (the server gives
/// it an id), or received (it keeps its id and date from its origin).
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ap_id: Option<String>,
    pub published: Option<chrono::NaiveDateTime>,
    /// The received activity that carried it (its event names it, so that
    /// a local group relays the activity as received).
    pub activity: Option<String>,
}

/// Whether a remote group already decided on an action: content by remote
/// people in a remote group arrives admitted by that group, so our local
/// membership rules (which know nothing of its members) do not apply.
pub fn group_decides(actor: &Actor, group: &Group) -> bool {
    !group.local && !actor.person.local
}

/// Checks a text field against a byte limit, with a 413 that says which.
pub fn check_size(field: &str, value: &str, max_bytes: usize) -> Result<()> {
    // PostgreSQL text cannot hold NUL, and no reader needs it.
    if value.contains('\0') {
        return Err(Error::unprocessable(format!(
            "{field} contains a NUL character"
        )));
    }
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
    if title.contains('\0') {
        return Err(Error::unprocessable("the title contains a NUL character"));
    }
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
pub fn accepted(m: Option<&Membership>) -> Option<MemberRole> {
    m.filter(|m| m.is_member()).map(|m| m.role)
}

pub fn is_group_moderator(m: Option<&Membership>) -> bool {
    m.is_some_and(Membership::moderates)
}

/// Whether `viewer` may read the threads of `group` (see `privacy`: a
/// club's are for its accepted members and this server's staff).
pub fn can_read(conn: &mut DbConn, viewer: Option<&Actor>, group: &Group) -> Result<bool> {
    Ok(privacy::sight(conn, privacy::Viewer::account(viewer), group)? == privacy::Sight::Inside)
}

/// Whether `actor` may take part (comment, vote) in `group`: not banned,
/// and an accepted member where membership is gated (clubs, and groups
/// that admit by approval or invite). Open groups welcome anyone.
pub fn may_participate(
    conn: &mut DbConn,
    actor: &Actor,
    group: &Group,
) -> Result<Option<Membership>> {
    check_not_banned(actor)?;
    let m = store::groups::membership(conn, actor.id(), group.id)?;
    if m.as_ref().is_some_and(|m| ban_in_force(m, store::now())) {
        return Err(Error::forbidden("you are banned from this group"));
    }
    if group.is_gated() && accepted(m.as_ref()).is_none() {
        return Err(Error::forbidden(format!(
            "only members take part in {}: join it first",
            group.name
        )));
    }
    Ok(m)
}

/// Whether a membership is a group ban still running at `at`.
pub fn ban_in_force(m: &Membership, at: chrono::NaiveDateTime) -> bool {
    m.state == MemberState::Banned && m.banned_until.is_none_or(|until| until > at)
}

/// Refuses people banned from this whole server.
pub fn check_not_banned(actor: &Actor) -> Result<()> {
    if actor.person.banned {
        return Err(Error::forbidden("you are banned from this server"));
    }
    Ok(())
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

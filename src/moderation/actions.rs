//! Moderators' and admins' actions: remove and restore threads and
//! comments, lock and pin threads, ban people from a group (for a time, and
//! optionally removing what they posted there) or from the whole server,
//! and warnings. Each is checked, applied and written to the moderation
//! log in one transaction. Who vouches for the moderator is an
//! [`Authority`]: checked here, or a remote group's moderator.

pub use super::authority::Authority;
use super::log::{self, Entry, Target};
use super::require_staff_moderator;
use crate::community::comments::enrich as enrich_comments;
use crate::community::outcome::Applied;
use crate::community::posts::{enrich, CommentInfo, PostInfo};
use crate::community::{find_group, find_person, Actor};
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::reputation::ledger::{self, Work};
use crate::store::comments::{self as comment_rows, CommentChange};
use crate::store::groups::{self as group_rows, Group, MemberState, Membership};
use crate::store::people::{self, Person};
use crate::store::posts::{self as post_rows, PostChange};
use crate::store::{now, write_tx, DbConn};
use crate::App;
use chrono::NaiveDateTime;

/// What a moderator does to a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadAction {
    Remove,
    Restore,
    Lock,
    Unlock,
    Pin,
    Unpin,
}

impl ThreadAction {
    pub fn parse(s: &str) -> Option<ThreadAction> {
        Some(match s {
            "remove" => ThreadAction::Remove,
            "restore" => ThreadAction::Restore,
            "lock" => ThreadAction::Lock,
            "unlock" => ThreadAction::Unlock,
            "pin" => ThreadAction::Pin,
            "unpin" => ThreadAction::Unpin,
            _ => return None,
        })
    }

    /// The name in the moderation log.
    pub fn log_name(self) -> &'static str {
        match self {
            ThreadAction::Remove => "remove_post",
            ThreadAction::Restore => "restore_post",
            ThreadAction::Lock => "lock",
            ThreadAction::Unlock => "unlock",
            ThreadAction::Pin => "pin",
            ThreadAction::Unpin => "unpin",
        }
    }
}

/// Why a moderator acted (shown in the log), and who vouches for them.
#[derive(Debug, Clone)]
pub struct Why {
    pub reason: Option<String>,
    pub authority: Authority,
    /// The received activity that carried it (a local group relays it).
    pub activity: Option<String>,
}

impl Why {
    /// An action whose actor's rights this server checks.
    pub fn checked(reason: Option<String>) -> Why {
        Why {
            reason,
            authority: Authority::Checked,
            activity: None,
        }
    }
}

fn check_reason(reason: &Option<String>) -> Result<()> {
    match reason {
        Some(r) if r.chars().count() > 2000 => {
            Err(Error::unprocessable("a reason has at most 2000 characters"))
        }
        _ => Ok(()),
    }
}

pub async fn on_thread(
    app: &App,
    actor: &Actor,
    post_id: i64,
    action: ThreadAction,
    why: Why,
) -> Result<Applied<PostInfo>> {
    check_reason(&why.reason)?;
    let (actor, config) = (actor.clone(), app.config.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let post = post_rows::by_id(conn, post_id)?;
                let group = group_rows::by_id(conn, post.group_id)?;
                why.authority.require(conn, &actor, &group)?;
                let (current, wanted) = match action {
                    ThreadAction::Remove | ThreadAction::Restore => {
                        (post.removed, action == ThreadAction::Remove)
                    }
                    ThreadAction::Lock | ThreadAction::Unlock => {
                        (post.locked, action == ThreadAction::Lock)
                    }
                    ThreadAction::Pin | ThreadAction::Unpin => {
                        (post.pinned, action == ThreadAction::Pin)
                    }
                };
                let already = current == wanted;
                let mut change = PostChange::default();
                match action {
                    ThreadAction::Remove | ThreadAction::Restore => change.removed = Some(wanted),
                    ThreadAction::Lock | ThreadAction::Unlock => change.locked = Some(wanted),
                    ThreadAction::Pin | ThreadAction::Unpin => change.pinned = Some(wanted),
                }
                if already {
                    return Ok(Applied::Unchanged(Error::conflict(format!(
                        "the thread is already in that state ({})",
                        action.log_name()
                    ))));
                }
                let post = post_rows::update(conn, post_id, &change)?;
                if !post.deleted {
                    match action {
                        ThreadAction::Remove => group_rows::add_post_count(conn, group.id, -1)?,
                        ThreadAction::Restore => group_rows::add_post_count(conn, group.id, 1)?,
                        _ => {}
                    }
                }
                let target = Target {
                    group_id: Some(group.id),
                    post_id: Some(post.id),
                    person_id: Some(post.author_id),
                    ..Target::default()
                };
                if matches!(action, ThreadAction::Remove | ThreadAction::Restore) {
                    let work = Work {
                        author_id: post.author_id,
                        post_id: Some(post.id),
                        comment_id: None,
                        group_id: Some(group.id),
                    };
                    let removed = action == ThreadAction::Remove;
                    ledger::on_removal(conn, &config.reputation, &actor.person, work, removed)?;
                }
                log::record(
                    conn,
                    action.log_name(),
                    Some(actor.id()),
                    target,
                    entry(&why),
                )?;
                events::record(
                    conn,
                    Change::by(
                        actor.id(),
                        What::ThreadModerated {
                            post_id: post.id,
                            action,
                            reason: why.reason.clone(),
                        },
                    )
                    .in_group(group.id)
                    .received(why.activity.clone()),
                )?;
                enrich(conn, Some(actor.id()), vec![post])?
                    .pop()
                    .map(Applied::Changed)
                    .ok_or_else(|| Error::not_found("thread vanished"))
            })
        })
        .await
}

fn entry(why: &Why) -> Entry {
    Entry {
        reason: why.reason.clone(),
        remote: why.authority.is_remote(),
        ..Entry::default()
    }
}

/// Removes (`remove`) or restores a comment.
pub async fn on_comment(
    app: &App,
    actor: &Actor,
    comment_id: i64,
    remove: bool,
    why: Why,
) -> Result<Applied<CommentInfo>> {
    check_reason(&why.reason)?;
    let (actor, config) = (actor.clone(), app.config.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let c = comment_rows::by_id(conn, comment_id)?;
                let post = post_rows::by_id(conn, c.post_id)?;
                let group = group_rows::by_id(conn, post.group_id)?;
                why.authority.require(conn, &actor, &group)?;
                if c.removed == remove {
                    return Ok(Applied::Unchanged(Error::conflict(
                        "the comment is already in that state",
                    )));
                }
                let c = comment_rows::update(
                    conn,
                    comment_id,
                    &CommentChange {
                        removed: Some(remove),
                        ..CommentChange::default()
                    },
                )?;
                if !c.deleted {
                    post_rows::add_comment(
                        conn,
                        post.id,
                        if remove { -1 } else { 1 },
                        post.last_activity_at,
                    )?;
                }
                let target = Target {
                    group_id: Some(group.id),
                    post_id: Some(post.id),
                    comment_id: Some(c.id),
                    person_id: Some(c.author_id),
                };
                let work = Work {
                    author_id: c.author_id,
                    post_id: Some(post.id),
                    comment_id: Some(c.id),
                    group_id: Some(group.id),
                };
                ledger::on_removal(conn, &config.reputation, &actor.person, work, remove)?;
                let name = if remove {
                    "remove_comment"
                } else {
                    "restore_comment"
                };
                log::record(conn, name, Some(actor.id()), target, entry(&why))?;
                events::record(
                    conn,
                    Change::by(
                        actor.id(),
                        What::CommentModerated {
                            comment_id: c.id,
                            removed: remove,
                            reason: why.reason.clone(),
                        },
                    )
                    .in_group(group.id)
                    .received(why.activity.clone()),
                )?;
                enrich_comments(conn, Some(actor.id()), vec![c])?
                    .pop()
                    .map(Applied::Changed)
                    .ok_or_else(|| Error::not_found("comment vanished"))
            })
        })
        .await
}

/// A group ban: until when (forever when `None`), and whether to remove
/// what the person posted in the group.
#[derive(Debug, Clone, Default)]
pub struct BanInput {
    pub until: Option<NaiveDateTime>,
    pub remove_content: bool,
}

/// The result of a ban: the membership row, with the group and person.
pub struct Banned {
    pub membership: Membership,
    pub group: Group,
    pub person: Person,
}

pub async fn ban(
    app: &App,
    actor: &Actor,
    group: &str,
    person: &str,
    input: BanInput,
    why: Why,
) -> Result<Banned> {
    check_reason(&why.reason)?;
    if input.until.is_some_and(|u| u <= now()) {
        return Err(Error::unprocessable("a ban ends in the future"));
    }
    let (actor, group, person) = (actor.clone(), group.to_string(), person.to_string());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &group)?;
                let person = find_person(conn, &person)?;
                why.authority.require(conn, &actor, &group)?;
                if person.id == actor.id() {
                    return Err(Error::unprocessable("you cannot ban yourself"));
                }
                let before = group_rows::membership(conn, person.id, group.id)?;
                if before.as_ref().is_some_and(Membership::owns) {
                    return Err(Error::forbidden("a group's owner cannot be banned from it"));
                }
                if before.as_ref().is_some_and(Membership::is_member) {
                    group_rows::add_member_count(conn, group.id, -1)?;
                }
                let membership = group_rows::ban(
                    conn,
                    person.id,
                    group.id,
                    input.until,
                    why.reason.as_deref(),
                )?;
                if input.remove_content {
                    remove_everything_by(conn, &person, &group)?;
                }
                let target = Target {
                    group_id: Some(group.id),
                    person_id: Some(person.id),
                    ..Target::default()
                };
                let mut e = entry(&why);
                e.expires_at = input.until;
                log::record(conn, "ban", Some(actor.id()), target, e)?;
                events::record(
                    conn,
                    Change::by(
                        actor.id(),
                        What::Banned {
                            person_id: person.id,
                            group_id: Some(group.id),
                            reason: why.reason.clone(),
                            expires_at: input.until,
                            remove_content: input.remove_content,
                        },
                    )
                    .in_group(group.id)
                    .received(why.activity.clone()),
                )?;
                Ok(Banned {
                    membership,
                    group,
                    person,
                })
            })
        })
        .await
}

/// Removes a banned person's threads and comments in a group.
fn remove_everything_by(conn: &mut DbConn, person: &Person, group: &Group) -> Result<()> {
    for id in post_rows::live_ids_by_author_in_group(conn, person.id, group.id)? {
        let post = post_rows::update(
            conn,
            id,
            &PostChange {
                removed: Some(true),
                ..PostChange::default()
            },
        )?;
        if !post.deleted {
            group_rows::add_post_count(conn, group.id, -1)?;
        }
    }
    for id in comment_rows::live_ids_by_author_in_group(conn, person.id, group.id)? {
        let c = comment_rows::update(
            conn,
            id,
            &CommentChange {
                removed: Some(true),
                ..CommentChange::default()
            },
        )?;
        if !c.deleted {
            let post = post_rows::by_id(conn, c.post_id)?;
            post_rows::add_comment(conn, post.id, -1, post.last_activity_at)?;
        }
    }
    Ok(())
}

/// The people banned from a group (its moderators), oldest ban first.
pub async fn bans(app: &App, actor: &Actor, group: &str) -> Result<Vec<(Membership, Person)>> {
    let (actor, group) = (actor.clone(), group.to_string());
    let limit = app.config.limits.page_size * 5;
    app.store
        .run(move |conn| {
            let group = find_group(conn, &group)?;
            super::require_moderator(conn, &actor, &group)?;
            group_rows::members(conn, group.id, MemberState::Banned, None, limit)
        })
        .await
}

/// Lifts a group ban; the person may join again.
pub async fn unban(
    app: &App,
    actor: &Actor,
    group: &str,
    person: &str,
    why: Why,
) -> Result<Applied<Banned>> {
    let (actor, group, person) = (actor.clone(), group.to_string(), person.to_string());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &group)?;
                let person = find_person(conn, &person)?;
                why.authority.require(conn, &actor, &group)?;
                let Some(m) = group_rows::membership(conn, person.id, group.id)?
                    .filter(|m| m.state == MemberState::Banned)
                else {
                    return Ok(Applied::Unchanged(Error::not_found(format!(
                        "{} is not banned here",
                        person.name
                    ))));
                };
                group_rows::delete_membership(conn, m.id)?;
                let target = Target {
                    group_id: Some(group.id),
                    person_id: Some(person.id),
                    ..Target::default()
                };
                log::record(conn, "unban", Some(actor.id()), target, entry(&why))?;
                events::record(
                    conn,
                    Change::by(
                        actor.id(),
                        What::Unbanned {
                            person_id: person.id,
                            group_id: Some(group.id),
                        },
                    )
                    .in_group(group.id)
                    .received(why.activity.clone()),
                )?;
                Ok(Applied::Changed(Banned {
                    membership: m,
                    group,
                    person,
                }))
            })
        })
        .await
}

/// Bans (`banned`) or unbans a person from this whole server: refused on
/// every path, local and from other servers. In the admins' audit log.
pub async fn instance_ban(
    app: &App,
    actor: &Actor,
    person: &str,
    banned: bool,
    reason: Option<String>,
) -> Result<Person> {
    require_staff_moderator(actor)?;
    check_reason(&reason)?;
    let (actor, person) = (actor.clone(), person.to_string());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let person = find_person(conn, &person)?;
                if person.id == actor.id() {
                    return Err(Error::unprocessable("you cannot ban yourself"));
                }
                if person.banned == banned {
                    return Err(Error::conflict("the person is already in that state"));
                }
                let person = people::set_banned(conn, person.id, banned)?;
                let target = Target {
                    person_id: Some(person.id),
                    ..Target::default()
                };
                let what = if banned {
                    What::Banned {
                        person_id: person.id,
                        group_id: None,
                        reason: reason.clone(),
                        expires_at: None,
                        remove_content: false,
                    }
                } else {
                    What::Unbanned {
                        person_id: person.id,
                        group_id: None,
                    }
                };
                events::record(conn, Change::by(actor.id(), what))?;
                let entry = Entry {
                    reason,
                    admin_only: true,
                    ..Entry::default()
                };
                let name = if banned {
                    "instance_ban"
                } else {
                    "instance_unban"
                };
                log::record(conn, name, Some(actor.id()), target, entry)?;
                Ok(person)
            })
        })
        .await
}

/// A warning to a member, on the record.
pub async fn warn(app: &App, actor: &Actor, group: &str, person: &str, why: Why) -> Result<()> {
    if why.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::unprocessable("a warning says why"));
    }
    check_reason(&why.reason)?;
    let (actor, group, person) = (actor.clone(), group.to_string(), person.to_string());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &group)?;
                let person = find_person(conn, &person)?;
                why.authority.require(conn, &actor, &group)?;
                let target = Target {
                    group_id: Some(group.id),
                    person_id: Some(person.id),
                    ..Target::default()
                };
                log::record(conn, "warn", Some(actor.id()), target, entry(&why))?;
                events::record(
                    conn,
                    Change::by(
                        actor.id(),
                        What::Warned {
                            person_id: person.id,
                            group_id: Some(group.id),
                            reason: why.reason.clone(),
                        },
                    )
                    .in_group(group.id)
                    .received(why.activity.clone()),
                )?;
                Ok(())
            })
        })
        .await
}

//! Groups and clubs: creation, settings, and membership (join, leave,
//! approve, reject, invite, roles). A club is a membership community: joining
//! takes a moderator's approval or an invite, and only members read it.

use super::outcome::Applied;
use super::{can_read, check_title, find_group, find_person, is_group_moderator, markdown, names};
use super::{Actor, InstanceRole};
use crate::config::GroupCreation;
use crate::error::{Error, ErrorKind, Result};
use crate::events::{self, Change, Decision, What};
use crate::store::groups::{
    self as rows, Group, GroupChange, GroupKind, JoinPolicy, MemberRole, MemberState, Membership,
    NewGroup,
};
use crate::store::people::{self, Person};
use crate::store::{now, write_tx};
use crate::App;

/// The member states listed through the API (bans are listed apart).
pub const MEMBER_STATES: &[MemberState] = &[
    MemberState::Accepted,
    MemberState::Pending,
    MemberState::Invited,
];

/// A group as one viewer sees it: with their membership, if any.
#[derive(Debug, Clone)]
pub struct GroupInfo {
    pub group: Group,
    pub membership: Option<Membership>,
}

pub struct GroupInput {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    /// The group's rules, Markdown.
    pub rules: Option<String>,
    pub kind: Option<String>,
    pub join_policy: Option<String>,
    pub posting_restricted_to_mods: Option<bool>,
}

pub struct GroupEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The group's rules, Markdown (empty: none).
    pub rules: Option<String>,
    pub join_policy: Option<String>,
    pub posting_restricted_to_mods: Option<bool>,
}

fn one_of<T: Copy + PartialEq>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    allowed: &[T],
    listed: &str,
) -> Result<T> {
    parse(value).filter(|v| allowed.contains(v)).ok_or_else(|| {
        Error::unprocessable(format!("{field} must be one of {listed}; got {value:?}"))
    })
}

/// A club takes members by approval or invite only.
fn check_policy(kind: GroupKind, join_policy: JoinPolicy) -> Result<()> {
    if kind == GroupKind::Club && join_policy == JoinPolicy::Open {
        return Err(Error::unprocessable(
            "a club's join_policy is approval or invite: members are let in, not self-admitted",
        ));
    }
    Ok(())
}

fn policy(p: &str) -> Result<JoinPolicy> {
    one_of(
        "join_policy",
        p,
        JoinPolicy::parse,
        JoinPolicy::ALL,
        &JoinPolicy::listed(),
    )
}

pub async fn create(app: &App, actor: &Actor, input: GroupInput) -> Result<GroupInfo> {
    if app.config.community.group_creation == GroupCreation::Admins && !actor.is_admin() {
        return Err(Error::forbidden(
            "on this server only administrators create groups",
        ));
    }
    names::validate_name(&input.name)?;
    let title = check_title(&app.config, &input.title)?;
    let kind = match &input.kind {
        Some(k) => one_of(
            "kind",
            k,
            GroupKind::parse,
            GroupKind::ALL,
            &GroupKind::listed(),
        )?,
        None => GroupKind::Group,
    };
    let join_policy = match &input.join_policy {
        Some(p) => policy(p)?,
        None if kind == GroupKind::Club => JoinPolicy::Approval,
        None => JoinPolicy::Open,
    };
    check_policy(kind, join_policy)?;
    let description = input.description.filter(|d| !d.trim().is_empty());
    if let Some(d) = &description {
        super::check_size("description", d, app.config.limits.description_bytes)?;
    }
    let rules = input.rules.filter(|r| !r.trim().is_empty());
    if let Some(r) = &rules {
        super::check_size("rules", r, app.config.limits.description_bytes)?;
    }
    let name = input.name.clone();
    let taken = app
        .store
        .run(move |conn| {
            Ok(people::local_by_name(conn, &name)?.is_some()
                || rows::local_by_name(conn, &name)?.is_some())
        })
        .await?;
    if taken {
        return Err(Error::conflict(format!(
            "the name {:?} is taken",
            input.name
        )));
    }
    let keys = app.keys.take().await?;
    let ids = app.ids.clone();
    let at = now();
    let new = NewGroup {
        ap_id: ids.group(&input.name),
        name: input.name.clone(),
        title,
        description_html: description.as_deref().map(markdown::render),
        description_source: description,
        kind,
        join_policy,
        posting_restricted_to_mods: input.posting_restricted_to_mods.unwrap_or(false),
        local: true,
        instance_id: app.local_instance_id,
        inbox_url: ids.group_inbox(&input.name),
        shared_inbox_url: Some(ids.shared_inbox()),
        followers_url: ids.group_collection(&input.name, "followers"),
        moderators_url: Some(ids.group_collection(&input.name, "moderators")),
        featured_url: Some(ids.group_collection(&input.name, "featured")),
        outbox_url: Some(ids.group_collection(&input.name, "outbox")),
        public_key: keys.public_key,
        private_key: Some(keys.private_key),
        created_at: at,
        updated_at: at,
        rules_html: rules.as_deref().map(markdown::render),
        rules_source: rules,
    };
    let owner = actor.id();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                if !people::claim_local_name(conn, &new.name, "group")? {
                    return Err(Error::conflict(format!("the name {:?} is taken", new.name)));
                }
                let group = rows::insert(conn, &new)?;
                let m = rows::insert_membership(
                    conn,
                    owner,
                    group.id,
                    MemberState::Accepted,
                    MemberRole::Owner,
                )?;
                rows::add_member_count(conn, group.id, 1)?;
                events::record(
                    conn,
                    Change::by(owner, What::GroupCreated { group_id: group.id }).in_group(group.id),
                )?;
                Ok(GroupInfo {
                    group: rows::by_id(conn, group.id)?,
                    membership: Some(m),
                })
            })
        })
        .await
}

pub async fn get(app: &App, viewer: Option<&Actor>, handle: &str) -> Result<GroupInfo> {
    let handle = handle.to_string();
    let viewer_id = viewer.map(Actor::id);
    app.store
        .run(move |conn| {
            let group = find_group(conn, &handle)?;
            let membership = match viewer_id {
                Some(id) => rows::membership(conn, id, group.id)?,
                None => None,
            };
            Ok(GroupInfo { group, membership })
        })
        .await
}

pub async fn list(
    app: &App,
    viewer: Option<&Actor>,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<GroupInfo>> {
    let viewer_id = viewer.map(Actor::id);
    app.store
        .run(move |conn| {
            let after = after.as_ref().map(|(name, id)| (name.as_str(), *id));
            let groups = rows::list(conn, after, limit)?;
            let memberships = match viewer_id {
                Some(id) => {
                    let gids: Vec<i64> = groups.iter().map(|g| g.id).collect();
                    rows::memberships_of(conn, id, &gids)?
                }
                None => Vec::new(),
            };
            Ok(groups
                .into_iter()
                .map(|group| GroupInfo {
                    membership: memberships.iter().find(|m| m.group_id == group.id).cloned(),
                    group,
                })
                .collect())
        })
        .await
}

/// The directory: local and known remote groups whose name or title
/// contains `query`, by name after `after` (name, id). A club is listed
/// (its profile and counts are public), its content is not.
pub async fn directory(
    app: &App,
    viewer: Option<&Actor>,
    query: Option<String>,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<GroupInfo>> {
    let viewer_id = viewer.map(Actor::id);
    app.store
        .run(move |conn| {
            let after = after.as_ref().map(|(name, id)| (name.as_str(), *id));
            let groups = rows::directory(conn, query.as_deref(), after, limit)?;
            let memberships = match viewer_id {
                Some(id) => {
                    let gids: Vec<i64> = groups.iter().map(|g| g.id).collect();
                    rows::memberships_of(conn, id, &gids)?
                }
                None => Vec::new(),
            };
            Ok(groups
                .into_iter()
                .map(|group| GroupInfo {
                    membership: memberships.iter().find(|m| m.group_id == group.id).cloned(),
                    group,
                })
                .collect())
        })
        .await
}

/// The local open groups with the most members (a home page shows them).
pub async fn featured(app: &App, limit: i64) -> Result<Vec<Group>> {
    app.store.run(move |conn| rows::featured(conn, limit)).await
}

/// Whether `viewer` sees inside `group` (its threads, members and
/// moderators): the privacy rule, for a page that shows a group.
pub async fn sees_inside(app: &App, viewer: Option<&Actor>, group: &Group) -> Result<bool> {
    let (viewer, group) = (viewer.cloned(), group.clone());
    app.store
        .run(move |conn| can_read(conn, viewer.as_ref(), &group))
        .await
}

/// A group's owners and moderators, owners first, as `viewer` may see
/// them: a club's are listed to those who see inside it only.
pub async fn moderators(app: &App, viewer: Option<&Actor>, group: &Group) -> Result<Vec<Person>> {
    let (viewer, group) = (viewer.cloned(), group.clone());
    app.store
        .run(move |conn| {
            if !can_read(conn, viewer.as_ref(), &group)? {
                return Ok(Vec::new());
            }
            rows::moderators(conn, group.id)
        })
        .await
}

pub async fn update(app: &App, actor: &Actor, handle: &str, edit: GroupEdit) -> Result<GroupInfo> {
    let mut change = GroupChange::default();
    if let Some(t) = &edit.title {
        change.title = Some(check_title(&app.config, t)?);
    }
    if let Some(d) = edit.description {
        super::check_size("description", &d, app.config.limits.description_bytes)?;
        let d = Some(d).filter(|d| !d.trim().is_empty());
        change.description_html = Some(d.as_deref().map(markdown::render));
        change.description_source = Some(d);
    }
    if let Some(r) = edit.rules {
        super::check_size("rules", &r, app.config.limits.description_bytes)?;
        let r = Some(r).filter(|r| !r.trim().is_empty());
        change.rules_html = Some(r.as_deref().map(markdown::render));
        change.rules_source = Some(r);
    }
    if let Some(p) = &edit.join_policy {
        change.join_policy = Some(policy(p)?);
    }
    change.posting_restricted_to_mods = edit.posting_restricted_to_mods;
    change.updated_at = Some(now());
    let (handle, actor) = (handle.to_string(), actor.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &handle)?;
                let m = rows::membership(conn, actor.id(), group.id)?;
                if !is_group_moderator(m.as_ref()) && !actor.is_admin() {
                    return Err(Error::forbidden(
                        "only the group's moderators change its settings",
                    ));
                }
                if let Some(p) = &change.join_policy {
                    check_policy(group.kind, *p)?;
                }
                let group = rows::update(conn, group.id, &change)?;
                events::record(
                    conn,
                    Change::by(actor.id(), What::GroupEdited { group_id: group.id })
                        .in_group(group.id),
                )?;
                Ok(GroupInfo {
                    group,
                    membership: m,
                })
            })
        })
        .await
}

/// A membership change, with what other servers need to hear of it.
#[derive(Debug, Clone)]
pub struct MembershipChange {
    pub group: Group,
    pub person: Person,
    /// The membership after the change; None once it is gone.
    pub membership: Option<Membership>,
    /// The id of the Follow activity that carries this membership.
    pub follow_id: Option<String>,
}

/// Joining: open groups admit at once; approval groups and clubs queue the
/// request; invite-only groups admit those a moderator invited. A remote
/// group decides itself: the membership waits for its Accept. `follow_id`
/// is the id of a remote person's Follow, kept to answer it.
pub async fn join(
    app: &App,
    actor: &Actor,
    handle: &str,
    follow_id: Option<String>,
) -> Result<MembershipChange> {
    let (handle, person) = (handle.to_string(), actor.person.clone());
    let ids = app.ids.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &handle)?;
                match admit_or_queue(conn, &ids, group.clone(), person.clone(), follow_id.clone()) {
                    // A remote person's Follow refused: the refusal is the
                    // change, answered with a Reject.
                    Err(e) if e.kind == ErrorKind::Forbidden && follow_id.is_some() => {
                        decided(
                            conn,
                            person.id,
                            group.id,
                            person.id,
                            follow_id.clone(),
                            Decision::Rejected,
                        )?;
                        Ok(MembershipChange {
                            group,
                            person,
                            membership: None,
                            follow_id,
                        })
                    }
                    other => other,
                }
            })
        })
        .await
}

fn admit_or_queue(
    conn: &mut crate::store::DbConn,
    ids: &crate::federation::ids::Ids,
    group: Group,
    person: Person,
    follow_id: Option<String>,
) -> Result<MembershipChange> {
    if person.banned {
        return Err(Error::forbidden("you are banned from this server"));
    }
    let existing = match rows::membership(conn, person.id, group.id)? {
        // A ban that ran out leaves nothing behind.
        Some(m) if m.state == MemberState::Banned && !super::ban_in_force(&m, now()) => {
            rows::delete_membership(conn, m.id)?;
            None
        }
        other => other,
    };
    let membership = match existing {
        Some(m) if m.state == MemberState::Banned => {
            return Err(Error::forbidden("you are banned from this group"))
        }
        Some(m) if m.state == MemberState::Invited && group.local => admit(conn, &m)?,
        // Joining again changes nothing: accepted stays, pending waits.
        Some(m) => m,
        None => {
            let state = if !group.local {
                MemberState::Pending
            } else {
                match group.join_policy {
                    JoinPolicy::Open => MemberState::Accepted,
                    JoinPolicy::Approval => MemberState::Pending,
                    JoinPolicy::Invite => {
                        return Err(Error::forbidden(
                            "this group is invite-only: ask a moderator for an invite",
                        ))
                    }
                }
            };
            let m = rows::insert_membership(conn, person.id, group.id, state, MemberRole::Member)?;
            if state == MemberState::Accepted {
                rows::add_member_count(conn, group.id, 1)?;
            }
            m
        }
    };
    let follow = match (&membership.follow_ap_id, follow_id, group.local) {
        (_, Some(theirs), true) => Some(theirs),
        (Some(ours), _, _) => Some(ours.clone()),
        (None, None, false) => Some(ids.activity("follow")),
        (None, None, true) => None,
        (None, Some(_), false) => None,
    };
    let membership = match &follow {
        Some(f) if membership.follow_ap_id.as_deref() != Some(f) => {
            rows::set_follow_ap_id(conn, membership.id, f)?
        }
        _ => membership,
    };
    // Every join is recorded, a repeated one too: its Follow
    // or Accept goes out again (a remote server may have
    // missed the first).
    let (group_id, person_id, follow_id) = (group.id, person.id, membership.follow_ap_id.clone());
    let what = if membership.state == MemberState::Accepted {
        What::MemberJoined {
            group_id,
            person_id,
            follow_id,
        }
    } else {
        What::MemberRequested {
            group_id,
            person_id,
            follow_id,
        }
    };
    events::record(conn, Change::by(person.id, what).in_group(group.id))?;
    Ok(MembershipChange {
        group,
        person,
        follow_id: membership.follow_ap_id.clone(),
        membership: Some(membership),
    })
}

pub async fn leave(app: &App, actor: &Actor, handle: &str) -> Result<Applied<MembershipChange>> {
    let (handle, person) = (handle.to_string(), actor.person.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &handle)?;
                let Some(m) = rows::membership(conn, person.id, group.id)? else {
                    return Ok(Applied::Unchanged(Error::not_found(
                        "you are not a member of this group",
                    )));
                };
                if m.state == MemberState::Banned {
                    return Err(Error::forbidden("a ban stays in place when you leave"));
                }
                if m.owns() && rows::count_owners(conn, group.id)? <= 1 {
                    return Err(Error::conflict(
                        "you are the group's only owner: make another member owner first",
                    ));
                }
                rows::delete_membership(conn, m.id)?;
                if m.state == MemberState::Accepted {
                    rows::add_member_count(conn, group.id, -1)?;
                }
                events::record(
                    conn,
                    Change::by(
                        person.id,
                        What::MemberLeft {
                            group_id: group.id,
                            person_id: person.id,
                            follow_id: m.follow_ap_id.clone(),
                        },
                    )
                    .in_group(group.id),
                )?;
                Ok(Applied::Changed(MembershipChange {
                    group,
                    person,
                    membership: None,
                    follow_id: m.follow_ap_id,
                }))
            })
        })
        .await
}

/// A remote group answered our Follow: the membership is accepted, or
/// (`accepted` false) withdrawn. Only the group that was followed may answer.
pub async fn follow_answered(
    app: &App,
    group_ap_id: &str,
    follow_id: &str,
    accepted: bool,
) -> Result<Option<Membership>> {
    let (group_ap_id, follow_id) = (group_ap_id.to_string(), follow_id.to_string());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(m) = rows::membership_by_follow(conn, &follow_id)? else {
                    return Ok(None);
                };
                let group = rows::by_id(conn, m.group_id)?;
                if group.ap_id != group_ap_id {
                    return Err(Error::forbidden("only the followed group answers a Follow"));
                }
                let answered = |conn: &mut crate::store::DbConn, decision| {
                    decided(
                        conn,
                        m.person_id,
                        group.id,
                        m.person_id,
                        m.follow_ap_id.clone(),
                        decision,
                    )
                };
                if accepted {
                    if m.state == MemberState::Pending {
                        let admitted = admit(conn, &m)?;
                        answered(conn, Decision::Approved)?;
                        return Ok(Some(admitted));
                    }
                    Ok(Some(m))
                } else {
                    rows::delete_membership(conn, m.id)?;
                    if m.state == MemberState::Accepted {
                        rows::add_member_count(conn, group.id, -1)?;
                    }
                    answered(conn, Decision::Rejected)?;
                    Ok(None)
                }
            })
        })
        .await
}

/// Members in a state. Accepted members are listed to whoever may read the
/// group; pending and invited ones to its moderators only.
pub async fn members(
    app: &App,
    viewer: Option<&Actor>,
    handle: &str,
    state: &str,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<(Membership, Person)>> {
    let state = one_of(
        "state",
        state,
        MemberState::parse,
        MEMBER_STATES,
        "accepted, pending, invited",
    )?;
    let (handle, viewer) = (handle.to_string(), viewer.cloned());
    app.store
        .run(move |conn| {
            let group = find_group(conn, &handle)?;
            let m = match &viewer {
                Some(v) => rows::membership(conn, v.id(), group.id)?,
                None => None,
            };
            let is_admin = viewer.as_ref().is_some_and(Actor::is_admin);
            if state != MemberState::Accepted && !is_group_moderator(m.as_ref()) && !is_admin {
                return Err(Error::forbidden(format!(
                    "only the group's moderators see {state} members"
                )));
            }
            if !can_read(conn, viewer.as_ref(), &group)? {
                return Err(Error::forbidden(
                    "this club's members are visible to members only",
                ));
            }
            rows::members(conn, group.id, state, after, limit)
        })
        .await
}

/// Turns a pending or invited membership into an accepted one.
fn admit(conn: &mut crate::store::DbConn, m: &Membership) -> Result<Membership> {
    let accepted = rows::set_membership(conn, m.id, MemberState::Accepted, m.role)?;
    rows::add_member_count(conn, m.group_id, 1)?;
    Ok(accepted)
}

fn require_moderator(conn: &mut crate::store::DbConn, actor: &Actor, group: &Group) -> Result<()> {
    let m = rows::membership(conn, actor.id(), group.id)?;
    if is_group_moderator(m.as_ref()) || actor.role == InstanceRole::Admin {
        Ok(())
    } else {
        Err(Error::forbidden("only the group's moderators may do this"))
    }
}

/// A moderator approves (or rejects) a pending member.
pub async fn decide_member(
    app: &App,
    actor: &Actor,
    handle: &str,
    member: &str,
    approve: bool,
) -> Result<MembershipChange> {
    let (handle, member, actor) = (handle.to_string(), member.to_string(), actor.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &handle)?;
                require_moderator(conn, &actor, &group)?;
                let person = find_person(conn, &member)?;
                let m = rows::membership(conn, person.id, group.id)?
                    .filter(|m| m.state == MemberState::Pending)
                    .ok_or_else(|| {
                        Error::not_found(format!("{member} has no pending request to join"))
                    })?;
                let (membership, decision) = if approve {
                    (Some(admit(conn, &m)?), Decision::Approved)
                } else {
                    rows::delete_membership(conn, m.id)?;
                    (None, Decision::Rejected)
                };
                decided(
                    conn,
                    actor.id(),
                    group.id,
                    person.id,
                    m.follow_ap_id.clone(),
                    decision,
                )?;
                Ok(MembershipChange {
                    group,
                    person,
                    membership,
                    follow_id: m.follow_ap_id,
                })
            })
        })
        .await
}

/// The groups `actor` owns or moderates (the moderation area's list).
pub async fn moderated(app: &App, actor: &Actor) -> Result<Vec<Group>> {
    let me = actor.id();
    app.store
        .run(move |conn| rows::moderated_by(conn, me))
        .await
}

/// A moderator invites a person; their next join admits them.
pub async fn invite(app: &App, actor: &Actor, handle: &str, member: &str) -> Result<Membership> {
    let (handle, member, actor) = (handle.to_string(), member.to_string(), actor.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &handle)?;
                require_moderator(conn, &actor, &group)?;
                let person = find_person(conn, &member)?;
                match rows::membership(conn, person.id, group.id)? {
                    // An invite answers a pending request at once.
                    Some(m) if m.state == MemberState::Pending => {
                        let admitted = admit(conn, &m)?;
                        decided(
                            conn,
                            actor.id(),
                            group.id,
                            person.id,
                            m.follow_ap_id.clone(),
                            Decision::Approved,
                        )?;
                        Ok(admitted)
                    }
                    Some(m) if m.state == MemberState::Banned => Err(Error::conflict(format!(
                        "{member} is banned from this group"
                    ))),
                    Some(m) => Ok(m),
                    None => {
                        let m = rows::insert_membership(
                            conn,
                            person.id,
                            group.id,
                            MemberState::Invited,
                            MemberRole::Member,
                        )?;
                        events::record(
                            conn,
                            Change::by(
                                actor.id(),
                                What::MemberInvited {
                                    group_id: group.id,
                                    person_id: person.id,
                                },
                            )
                            .in_group(group.id),
                        )?;
                        Ok(m)
                    }
                }
            })
        })
        .await
}

/// The owner (or an admin) sets a member's role.
pub async fn set_role(
    app: &App,
    actor: &Actor,
    handle: &str,
    member: &str,
    role: &str,
) -> Result<Membership> {
    let role = one_of(
        "role",
        role,
        MemberRole::parse,
        MemberRole::ALL,
        &MemberRole::listed(),
    )?;
    let (handle, member, actor) = (handle.to_string(), member.to_string(), actor.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &handle)?;
                let mine = rows::membership(conn, actor.id(), group.id)?;
                if !mine.as_ref().is_some_and(Membership::owns) && !actor.is_admin() {
                    return Err(Error::forbidden("only the group's owner changes roles"));
                }
                let person = find_person(conn, &member)?;
                let m = rows::membership(conn, person.id, group.id)?
                    .filter(|m| m.state == MemberState::Accepted)
                    .ok_or_else(|| Error::not_found(format!("{member} is not a member")))?;
                if m.role == MemberRole::Owner
                    && role != MemberRole::Owner
                    && rows::count_owners(conn, group.id)? <= 1
                {
                    return Err(Error::conflict("a group keeps at least one owner"));
                }
                let updated = rows::set_membership(conn, m.id, MemberState::Accepted, role)?;
                let (was, is) = (
                    is_group_moderator(Some(&m)),
                    is_group_moderator(Some(&updated)),
                );
                let (group_id, person_id) = (group.id, person.id);
                let what = match (was, is) {
                    (false, true) => Some(What::ModeratorAdded {
                        group_id,
                        person_id,
                    }),
                    (true, false) => Some(What::ModeratorRemoved {
                        group_id,
                        person_id,
                    }),
                    _ => None,
                };
                if let Some(what) = what {
                    events::record(conn, Change::by(actor.id(), what).in_group(group_id))?;
                }
                Ok(updated)
            })
        })
        .await
}

/// A remote group's server says a person joined or left its moderators
/// (federation checked that the group or one of its moderators said so).
/// Kept as that person's role in our copy of the membership, so that the
/// group's moderators show here too.
pub async fn moderator_received(
    app: &App,
    group_id: i64,
    person_id: i64,
    change: ModeratorChange,
    activity: Option<String>,
) -> Result<()> {
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = rows::by_id(conn, group_id)?;
                if group.local {
                    return Err(Error::forbidden(
                        "a local group's moderators are changed here only",
                    ));
                }
                let existing = rows::membership(conn, person_id, group.id)?
                    .filter(|m| m.state == MemberState::Accepted);
                let what = match (change, existing) {
                    (ModeratorChange::Added, Some(m)) if is_group_moderator(Some(&m)) => None,
                    (ModeratorChange::Added, Some(m)) => {
                        rows::set_membership(
                            conn,
                            m.id,
                            MemberState::Accepted,
                            MemberRole::Moderator,
                        )?;
                        Some(What::ModeratorAdded {
                            group_id,
                            person_id,
                        })
                    }
                    (ModeratorChange::Added, None) => {
                        if let Some(m) = rows::membership(conn, person_id, group.id)? {
                            rows::delete_membership(conn, m.id)?;
                        }
                        rows::insert_membership(
                            conn,
                            person_id,
                            group.id,
                            MemberState::Accepted,
                            MemberRole::Moderator,
                        )?;
                        Some(What::ModeratorAdded {
                            group_id,
                            person_id,
                        })
                    }
                    (ModeratorChange::Removed, Some(m)) if is_group_moderator(Some(&m)) => {
                        rows::set_membership(
                            conn,
                            m.id,
                            MemberState::Accepted,
                            MemberRole::Member,
                        )?;
                        Some(What::ModeratorRemoved {
                            group_id,
                            person_id,
                        })
                    }
                    (ModeratorChange::Removed, _) => None,
                };
                if let Some(what) = what {
                    events::record(
                        conn,
                        Change::by(person_id, what)
                            .in_group(group_id)
                            .received(activity),
                    )?;
                }
                Ok(())
            })
        })
        .await
}

/// Records a decision on a request to join (`by`: who decided).
fn decided(
    conn: &mut crate::store::DbConn,
    by: i64,
    group_id: i64,
    person_id: i64,
    follow_id: Option<String>,
    decision: Decision,
) -> Result<i64> {
    events::record(
        conn,
        Change::by(
            by,
            What::MembershipDecided {
                group_id,
                person_id,
                follow_id,
                decision,
            },
        )
        .in_group(group_id),
    )
}

/// A person joins or leaves a group's moderators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeratorChange {
    Added,
    Removed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clubs_never_open() {
        assert!(check_policy(GroupKind::Club, JoinPolicy::Open).is_err());
        assert!(check_policy(GroupKind::Club, JoinPolicy::Approval).is_ok());
        assert!(check_policy(GroupKind::Club, JoinPolicy::Invite).is_ok());
        assert!(check_policy(GroupKind::Group, JoinPolicy::Open).is_ok());
    }

    #[test]
    fn enumerations_are_checked() {
        let kind = |k| one_of("kind", k, GroupKind::parse, GroupKind::ALL, "group, club");
        assert!(kind("forum").is_err());
        assert_eq!(kind("club").ok(), Some(GroupKind::Club));
        let state = |s| one_of("state", s, MemberState::parse, MEMBER_STATES, "");
        assert!(state("banned").is_err());
        assert_eq!(state("pending").ok(), Some(MemberState::Pending));
    }
}

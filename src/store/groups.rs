//! Groups and clubs, and membership (person x group: state and role).

use super::schema::{grp, instance, membership, person};
use super::{now, DbConn};
use crate::error::{Error, Result};
use crate::store::people::Person;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// A group is open to read; a club is for its members only.
    pub enum GroupKind { Group => "group", Club => "club" }
}

crate::text_enum! {
    /// How people get into a group.
    pub enum JoinPolicy { Open => "open", Approval => "approval", Invite => "invite" }
}

crate::text_enum! {
    /// Where a person stands with a group.
    pub enum MemberState {
        Accepted => "accepted",
        Pending => "pending",
        Invited => "invited",
        Banned => "banned",
    }
}

crate::text_enum! {
    /// What a member does in a group.
    pub enum MemberRole { Member => "member", Moderator => "moderator", Owner => "owner" }
}

impl MemberRole {
    /// Owners and moderators moderate.
    pub fn moderates(self) -> bool {
        matches!(self, MemberRole::Moderator | MemberRole::Owner)
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Group {
    pub id: i64,
    pub ap_id: String,
    pub name: String,
    pub title: String,
    pub description_source: Option<String>,
    pub description_html: Option<String>,
    pub kind: GroupKind,
    pub join_policy: JoinPolicy,
    pub posting_restricted_to_mods: bool,
    pub local: bool,
    pub instance_id: i64,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub followers_url: String,
    pub moderators_url: Option<String>,
    pub featured_url: Option<String>,
    pub outbox_url: Option<String>,
    pub public_key: String,
    pub private_key: Option<String>,
    pub member_count: i64,
    pub post_count: i64,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The group's rules: Markdown as written, and rendered.
    pub rules_source: Option<String>,
    pub rules_html: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = grp)]
pub struct NewGroup {
    pub ap_id: String,
    pub name: String,
    pub title: String,
    pub description_source: Option<String>,
    pub description_html: Option<String>,
    pub kind: GroupKind,
    pub join_policy: JoinPolicy,
    pub posting_restricted_to_mods: bool,
    pub local: bool,
    pub instance_id: i64,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub followers_url: String,
    pub moderators_url: Option<String>,
    pub featured_url: Option<String>,
    pub outbox_url: Option<String>,
    pub public_key: String,
    pub private_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub rules_source: Option<String>,
    pub rules_html: Option<String>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = grp)]
pub struct GroupChange {
    pub title: Option<String>,
    pub description_source: Option<Option<String>>,
    pub description_html: Option<Option<String>>,
    pub rules_source: Option<Option<String>>,
    pub rules_html: Option<Option<String>>,
    pub join_policy: Option<JoinPolicy>,
    pub posting_restricted_to_mods: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable)]
pub struct Membership {
    pub id: i64,
    pub person_id: i64,
    pub group_id: i64,
    pub state: MemberState,
    pub role: MemberRole,
    pub follow_ap_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub banned_until: Option<NaiveDateTime>,
    pub ban_reason: Option<String>,
}

impl Group {
    /// A club: its content, members and activity are for members only
    /// (see `community::privacy`).
    pub fn is_private(&self) -> bool {
        self.kind == GroupKind::Club
    }

    /// Whether joining needs someone to let you in (a club, or a group
    /// that admits by approval or invite).
    pub fn is_gated(&self) -> bool {
        self.is_private() || self.join_policy != JoinPolicy::Open
    }
}

impl Membership {
    /// An accepted member (of any role).
    pub fn is_member(&self) -> bool {
        self.state == MemberState::Accepted
    }

    /// An accepted owner or moderator.
    pub fn moderates(&self) -> bool {
        self.is_member() && self.role.moderates()
    }

    /// An accepted owner.
    pub fn owns(&self) -> bool {
        self.is_member() && self.role == MemberRole::Owner
    }
}

pub fn insert(conn: &mut DbConn, new: &NewGroup) -> Result<Group> {
    Ok(diesel::insert_into(grp::table)
        .values(new)
        .returning(grp::all_columns)
        .get_result(conn)?)
}

pub fn update(conn: &mut DbConn, group_id: i64, change: &GroupChange) -> Result<Group> {
    Ok(diesel::update(grp::table.find(group_id))
        .set(change)
        .returning(grp::all_columns)
        .get_result(conn)?)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Group> {
    grp::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("no such group"))
}

pub fn by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Group>> {
    Ok(grp::table.filter(grp::id.eq_any(ids)).load(conn)?)
}

pub fn local_by_name(conn: &mut DbConn, name: &str) -> Result<Option<Group>> {
    Ok(grp::table
        .filter(grp::local.eq(true))
        .filter(grp::name.eq(name))
        .filter(grp::deleted.eq(false))
        .first(conn)
        .optional()?)
}

pub fn remote_by_name(conn: &mut DbConn, name: &str, instance_id: i64) -> Result<Option<Group>> {
    Ok(grp::table
        .filter(grp::instance_id.eq(instance_id))
        .filter(grp::name.eq(name))
        .filter(grp::deleted.eq(false))
        .first(conn)
        .optional()?)
}

/// Groups ordered by (name, id), after `after` (exclusive), at most `limit`.
pub fn list(conn: &mut DbConn, after: Option<(&str, i64)>, limit: i64) -> Result<Vec<Group>> {
    let mut q = grp::table
        .filter(grp::deleted.eq(false))
        .order((grp::name.asc(), grp::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((name, id)) = after {
        q = q.filter(
            grp::name
                .gt(name.to_string())
                .or(grp::name.eq(name.to_string()).and(grp::id.gt(id))),
        );
    }
    Ok(q.load(conn)?)
}

diesel::define_sql_function! {
    /// SQL's lower(): case-insensitive matching on both stores.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A LIKE pattern matching `text` anywhere, its wildcards escaped (`\`).
fn contains_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The directory: groups (local and remote) whose name or title contains
/// `query` (all when None), by (name, id) after `after`, at most `limit`.
pub fn directory(
    conn: &mut DbConn,
    query: Option<&str>,
    after: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<Group>> {
    let mut q = grp::table
        .filter(grp::deleted.eq(false))
        .order((grp::name.asc(), grp::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(text) = query.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = contains_pattern(text);
        q = q.filter(
            lower(grp::name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(grp::title).like(pattern).escape('\\')),
        );
    }
    if let Some((name, id)) = after {
        q = q.filter(
            grp::name
                .gt(name.to_string())
                .or(grp::name.eq(name.to_string()).and(grp::id.gt(id))),
        );
    }
    Ok(q.load(conn)?)
}

/// The local open groups (not clubs) with the most members.
pub fn featured(conn: &mut DbConn, limit: i64) -> Result<Vec<Group>> {
    Ok(grp::table
        .filter(grp::local.eq(true))
        .filter(grp::deleted.eq(false))
        .filter(grp::kind.eq(GroupKind::Group))
        .order((grp::member_count.desc(), grp::id.asc()))
        .limit(limit)
        .load(conn)?)
}

pub fn count_local(conn: &mut DbConn) -> Result<i64> {
    Ok(grp::table
        .filter(grp::local.eq(true))
        .count()
        .get_result(conn)?)
}

pub fn membership(conn: &mut DbConn, person_id: i64, group_id: i64) -> Result<Option<Membership>> {
    Ok(membership::table
        .filter(membership::person_id.eq(person_id))
        .filter(membership::group_id.eq(group_id))
        .first(conn)
        .optional()?)
}

pub fn memberships_of(
    conn: &mut DbConn,
    person_id: i64,
    group_ids: &[i64],
) -> Result<Vec<Membership>> {
    Ok(membership::table
        .filter(membership::person_id.eq(person_id))
        .filter(membership::group_id.eq_any(group_ids))
        .load(conn)?)
}

pub fn insert_membership(
    conn: &mut DbConn,
    person_id: i64,
    group_id: i64,
    state: MemberState,
    role: MemberRole,
) -> Result<Membership> {
    let at = now();
    Ok(diesel::insert_into(membership::table)
        .values((
            membership::person_id.eq(person_id),
            membership::group_id.eq(group_id),
            membership::state.eq(state),
            membership::role.eq(role),
            membership::created_at.eq(at),
            membership::updated_at.eq(at),
        ))
        .returning(membership::all_columns)
        .get_result(conn)?)
}

pub fn set_membership(
    conn: &mut DbConn,
    id: i64,
    state: MemberState,
    role: MemberRole,
) -> Result<Membership> {
    Ok(diesel::update(membership::table.find(id))
        .set((
            membership::state.eq(state),
            membership::role.eq(role),
            membership::updated_at.eq(now()),
        ))
        .returning(membership::all_columns)
        .get_result(conn)?)
}

pub fn delete_membership(conn: &mut DbConn, id: i64) -> Result<()> {
    diesel::delete(membership::table.find(id)).execute(conn)?;
    Ok(())
}

/// Members in `state`, with their person rows, oldest first.
pub fn members(
    conn: &mut DbConn,
    group_id: i64,
    state: MemberState,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<(Membership, Person)>> {
    let mut q = membership::table
        .inner_join(person::table)
        .filter(membership::group_id.eq(group_id))
        .filter(membership::state.eq(state))
        .order(membership::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after_id {
        q = q.filter(membership::id.gt(after));
    }
    Ok(q.load(conn)?)
}

pub fn count_owners(conn: &mut DbConn, group_id: i64) -> Result<i64> {
    Ok(membership::table
        .filter(membership::group_id.eq(group_id))
        .filter(membership::state.eq(MemberState::Accepted))
        .filter(membership::role.eq(MemberRole::Owner))
        .count()
        .get_result(conn)?)
}

/// Adds `delta` to the member counter (kept in step with accepted rows).
pub fn add_member_count(conn: &mut DbConn, group_id: i64, delta: i64) -> Result<()> {
    diesel::update(grp::table.find(group_id))
        .set(grp::member_count.eq(grp::member_count + delta))
        .execute(conn)?;
    Ok(())
}

pub fn add_post_count(conn: &mut DbConn, group_id: i64, delta: i64) -> Result<()> {
    diesel::update(grp::table.find(group_id))
        .set(grp::post_count.eq(grp::post_count + delta))
        .execute(conn)?;
    Ok(())
}

/// Ids of the groups where the person is an accepted member.
pub fn joined_group_ids(conn: &mut DbConn, person_id: i64) -> Result<Vec<i64>> {
    Ok(membership::table
        .filter(membership::person_id.eq(person_id))
        .filter(membership::state.eq(MemberState::Accepted))
        .select(membership::group_id)
        .load(conn)?)
}

/// The groups a person owns or moderates (accepted), by name.
pub fn moderated_by(conn: &mut DbConn, person_id: i64) -> Result<Vec<Group>> {
    let ids: Vec<i64> = membership::table
        .filter(membership::person_id.eq(person_id))
        .filter(membership::state.eq(MemberState::Accepted))
        .filter(membership::role.eq_any([MemberRole::Owner, MemberRole::Moderator]))
        .select(membership::group_id)
        .load(conn)?;
    let mut groups = by_ids(conn, &ids)?;
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(groups)
}

/// The accepted owners and moderators of a group, owners first.
pub fn moderators(conn: &mut DbConn, group_id: i64) -> Result<Vec<Person>> {
    let rows: Vec<(Membership, Person)> = membership::table
        .inner_join(person::table)
        .filter(membership::group_id.eq(group_id))
        .filter(membership::state.eq(MemberState::Accepted))
        .filter(membership::role.eq_any([MemberRole::Owner, MemberRole::Moderator]))
        .order(membership::id.asc())
        .load(conn)?;
    let (mut owners, mods): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(m, _)| m.role == MemberRole::Owner);
    owners.extend(mods);
    Ok(owners.into_iter().map(|(_, p)| p).collect())
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Group>> {
    Ok(grp::table
        .filter(grp::ap_id.eq(ap_id))
        .first(conn)
        .optional()?)
}

/// Inserts or refreshes a remote group by `ap_id` (the caller holds a
/// write transaction).
pub fn upsert_remote(conn: &mut DbConn, new: &NewGroup) -> Result<Group> {
    match by_ap_id(conn, &new.ap_id)? {
        Some(g) => Ok(diesel::update(grp::table.find(g.id))
            .set((
                grp::name.eq(&new.name),
                grp::title.eq(&new.title),
                grp::description_source.eq(&new.description_source),
                grp::description_html.eq(&new.description_html),
                grp::kind.eq(new.kind),
                grp::join_policy.eq(new.join_policy),
                grp::posting_restricted_to_mods.eq(new.posting_restricted_to_mods),
                grp::inbox_url.eq(&new.inbox_url),
                grp::shared_inbox_url.eq(&new.shared_inbox_url),
                grp::followers_url.eq(&new.followers_url),
                grp::moderators_url.eq(&new.moderators_url),
                grp::featured_url.eq(&new.featured_url),
                grp::outbox_url.eq(&new.outbox_url),
                grp::public_key.eq(&new.public_key),
                grp::updated_at.eq(new.updated_at),
            ))
            .returning(grp::all_columns)
            .get_result(conn)?),
        None => insert(conn, new),
    }
}

pub fn set_follow_ap_id(conn: &mut DbConn, id: i64, follow_ap_id: &str) -> Result<Membership> {
    Ok(diesel::update(membership::table.find(id))
        .set(membership::follow_ap_id.eq(follow_ap_id))
        .returning(membership::all_columns)
        .get_result(conn)?)
}

pub fn membership_by_follow(conn: &mut DbConn, follow_ap_id: &str) -> Result<Option<Membership>> {
    Ok(membership::table
        .filter(membership::follow_ap_id.eq(follow_ap_id))
        .first(conn)
        .optional()?)
}

/// The inboxes of the group's remote members (shared where they have
/// one), each with the software its server runs, when known.
pub fn remote_member_inboxes_with_software(
    conn: &mut DbConn,
    group_id: i64,
) -> Result<Vec<(String, Option<String>)>> {
    let rows: Vec<(String, Option<String>, Option<String>)> = membership::table
        .inner_join(person::table.inner_join(instance::table))
        .filter(membership::group_id.eq(group_id))
        .filter(membership::state.eq(MemberState::Accepted))
        .filter(person::local.eq(false))
        .select((
            person::inbox_url,
            person::shared_inbox_url,
            instance::software,
        ))
        .load(conn)?;
    let mut inboxes: Vec<(String, Option<String>)> = rows
        .into_iter()
        .map(|(inbox, shared, software)| (shared.unwrap_or(inbox), software))
        .collect();
    inboxes.sort();
    inboxes.dedup_by(|a, b| a.0 == b.0);
    Ok(inboxes)
}

/// Whether any person of the instance `instance_id` is an accepted member:
/// that server may fetch the group's private content for them.
/// The ids of all clubs, local and remote.
pub fn club_ids(conn: &mut DbConn) -> Result<Vec<i64>> {
    Ok(grp::table
        .filter(grp::kind.eq(GroupKind::Club))
        .select(grp::id)
        .load(conn)?)
}

pub fn has_member_on(conn: &mut DbConn, group_id: i64, instance_id: i64) -> Result<bool> {
    let n: i64 = membership::table
        .inner_join(person::table)
        .filter(membership::group_id.eq(group_id))
        .filter(membership::state.eq(MemberState::Accepted))
        .filter(person::instance_id.eq(instance_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Bans `person_id` from the group (a membership row in state `banned`,
/// made if there was none), until `until` when given.
pub fn ban(
    conn: &mut DbConn,
    person_id: i64,
    group_id: i64,
    until: Option<NaiveDateTime>,
    reason: Option<&str>,
) -> Result<Membership> {
    let at = now();
    if let Some(m) = membership(conn, person_id, group_id)? {
        return Ok(diesel::update(membership::table.find(m.id))
            .set((
                membership::state.eq(MemberState::Banned),
                membership::role.eq(MemberRole::Member),
                membership::banned_until.eq(until),
                membership::ban_reason.eq(reason),
                membership::updated_at.eq(at),
            ))
            .returning(membership::all_columns)
            .get_result(conn)?);
    }
    Ok(diesel::insert_into(membership::table)
        .values((
            membership::person_id.eq(person_id),
            membership::group_id.eq(group_id),
            membership::state.eq(MemberState::Banned),
            membership::role.eq(MemberRole::Member),
            membership::banned_until.eq(until),
            membership::ban_reason.eq(reason),
            membership::created_at.eq(at),
            membership::updated_at.eq(at),
        ))
        .returning(membership::all_columns)
        .get_result(conn)?)
}

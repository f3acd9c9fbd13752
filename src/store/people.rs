//! People (local and remote actors), local accounts and their tokens, and
//! the shared namespace of local user and group names.

use super::schema::{auth_token, local_name, local_user, person};
use super::{now, DbConn};
use crate::error::{Error, Result};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct Person {
    pub id: i64,
    pub ap_id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub bio_source: Option<String>,
    pub bio_html: Option<String>,
    pub local: bool,
    pub instance_id: i64,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub public_key: String,
    pub private_key: Option<String>,
    pub bot: bool,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Banned from this instance: refused everywhere here.
    pub banned: bool,
}

#[derive(Insertable)]
#[diesel(table_name = person)]
pub struct NewPerson {
    pub ap_id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub local: bool,
    pub instance_id: i64,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub public_key: String,
    pub private_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

crate::text_enum! {
    /// Instance-wide roles of local accounts.
    pub enum InstanceRole {
        Admin => "admin",
        Moderator => "moderator",
        Staff => "staff",
        User => "user",
    }
}

crate::text_enum! {
    /// Whether a local account may sign in: approved, waiting, or refused.
    pub enum AccountState { Active => "active", Pending => "pending", Rejected => "rejected" }
}

crate::text_enum! {
    /// How a session was opened: a browser's cookie or an API bearer token.
    pub enum SessionKind { Web => "web", Api => "api" }
}

/// What a new session records about where it was opened.
pub struct Opened<'a> {
    pub kind: SessionKind,
    pub user_agent: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable)]
pub struct LocalUser {
    pub id: i64,
    pub person_id: i64,
    pub password_hash: String,
    pub email: Option<String>,
    pub role: InstanceRole,
    pub state: AccountState,
    pub created_at: NaiveDateTime,
    /// The version of the terms of service the person accepted.
    pub accepted_terms: Option<i64>,
    /// The CRM's id of this account, set by admins (webhook payloads).
    pub external_id: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = local_user)]
pub struct NewLocalUser {
    pub person_id: i64,
    pub password_hash: String,
    pub email: Option<String>,
    pub role: InstanceRole,
    pub state: AccountState,
    pub created_at: NaiveDateTime,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = person)]
pub struct ProfileChange {
    pub display_name: Option<Option<String>>,
    pub bio_source: Option<Option<String>>,
    pub bio_html: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Claims `name` in the local namespace; false when a user or group has it.
pub fn claim_local_name(conn: &mut DbConn, name: &str, kind: &str) -> Result<bool> {
    let taken = local_name::table
        .find(name)
        .select(local_name::name)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if taken {
        return Ok(false);
    }
    diesel::insert_into(local_name::table)
        .values((local_name::name.eq(name), local_name::kind.eq(kind)))
        .execute(conn)?;
    Ok(true)
}

pub fn insert_person(conn: &mut DbConn, new: &NewPerson) -> Result<Person> {
    Ok(diesel::insert_into(person::table)
        .values(new)
        .returning(person::all_columns)
        .get_result(conn)?)
}

pub fn insert_local_user(conn: &mut DbConn, new: &NewLocalUser) -> Result<LocalUser> {
    Ok(diesel::insert_into(local_user::table)
        .values(new)
        .returning(local_user::all_columns)
        .get_result(conn)?)
}

pub fn email_taken(conn: &mut DbConn, email: &str) -> Result<bool> {
    Ok(local_user::table
        .filter(local_user::email.eq(email))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Person> {
    person::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("no such person"))
}

pub fn by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Person>> {
    Ok(person::table.filter(person::id.eq_any(ids)).load(conn)?)
}

/// A local person by name.
pub fn local_by_name(conn: &mut DbConn, name: &str) -> Result<Option<Person>> {
    Ok(person::table
        .filter(person::local.eq(true))
        .filter(person::name.eq(name))
        .first(conn)
        .optional()?)
}

/// A remote person by `name` on the instance `instance_id`.
pub fn remote_by_name(conn: &mut DbConn, name: &str, instance_id: i64) -> Result<Option<Person>> {
    Ok(person::table
        .filter(person::instance_id.eq(instance_id))
        .filter(person::name.eq(name))
        .first(conn)
        .optional()?)
}

pub fn local_user_by_person(conn: &mut DbConn, person_id: i64) -> Result<Option<LocalUser>> {
    Ok(local_user::table
        .filter(local_user::person_id.eq(person_id))
        .first(conn)
        .optional()?)
}

pub fn local_users_by_state(
    conn: &mut DbConn,
    state: AccountState,
) -> Result<Vec<(LocalUser, Person)>> {
    Ok(local_user::table
        .inner_join(person::table)
        .filter(local_user::state.eq(state))
        .order(local_user::id.asc())
        .load(conn)?)
}

pub fn set_local_user_state(
    conn: &mut DbConn,
    local_user_id: i64,
    state: AccountState,
) -> Result<()> {
    diesel::update(local_user::table.find(local_user_id))
        .set(local_user::state.eq(state))
        .execute(conn)?;
    Ok(())
}

pub fn set_role(conn: &mut DbConn, local_user_id: i64, role: InstanceRole) -> Result<()> {
    diesel::update(local_user::table.find(local_user_id))
        .set(local_user::role.eq(role))
        .execute(conn)?;
    Ok(())
}

pub fn update_profile(conn: &mut DbConn, person_id: i64, change: &ProfileChange) -> Result<Person> {
    Ok(diesel::update(person::table.find(person_id))
        .set(change)
        .returning(person::all_columns)
        .get_result(conn)?)
}

pub fn insert_token(
    conn: &mut DbConn,
    local_user_id: i64,
    token_hash: &str,
    opened: &Opened,
) -> Result<()> {
    let at = now();
    diesel::insert_into(auth_token::table)
        .values((
            auth_token::local_user_id.eq(local_user_id),
            auth_token::token_hash.eq(token_hash),
            auth_token::created_at.eq(at),
            auth_token::last_used_at.eq(at),
            auth_token::kind.eq(opened.kind),
            auth_token::user_agent.eq(opened.user_agent),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account behind a live (not revoked) token, and when the token was
/// last marked used.
pub fn by_token(
    conn: &mut DbConn,
    token_hash: &str,
) -> Result<Option<(LocalUser, Person, NaiveDateTime)>> {
    Ok(auth_token::table
        .inner_join(local_user::table.inner_join(person::table))
        .filter(auth_token::token_hash.eq(token_hash))
        .filter(auth_token::revoked.eq(false))
        .select((
            local_user::all_columns,
            person::all_columns,
            auth_token::last_used_at,
        ))
        .first(conn)
        .optional()?)
}

/// Marks a token used at `at`.
pub fn touch_token(conn: &mut DbConn, token_hash: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(auth_token::table.filter(auth_token::token_hash.eq(token_hash)))
        .set(auth_token::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// A live session of an account, as its owner sees it.
#[derive(Debug, Clone, Queryable)]
pub struct Session {
    pub id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub kind: SessionKind,
    pub user_agent: Option<String>,
}

/// An account's live sessions, most recently used first.
pub fn live_sessions(conn: &mut DbConn, local_user_id: i64) -> Result<Vec<Session>> {
    Ok(auth_token::table
        .filter(auth_token::local_user_id.eq(local_user_id))
        .filter(auth_token::revoked.eq(false))
        .order((auth_token::last_used_at.desc(), auth_token::id.desc()))
        .select((
            auth_token::id,
            auth_token::token_hash,
            auth_token::created_at,
            auth_token::last_used_at,
            auth_token::kind,
            auth_token::user_agent,
        ))
        .load(conn)?)
}

/// Ends one session of an account; false when it has no such live session.
pub fn revoke_session(conn: &mut DbConn, local_user_id: i64, id: i64) -> Result<bool> {
    let n = diesel::update(
        auth_token::table
            .filter(auth_token::id.eq(id))
            .filter(auth_token::local_user_id.eq(local_user_id))
            .filter(auth_token::revoked.eq(false)),
    )
    .set(auth_token::revoked.eq(true))
    .execute(conn)?;
    Ok(n > 0)
}

/// Ends every session of an account but the one with `keep_hash`.
pub fn revoke_other_tokens(
    conn: &mut DbConn,
    local_user_id: i64,
    keep_hash: &str,
) -> Result<usize> {
    Ok(diesel::update(
        auth_token::table
            .filter(auth_token::local_user_id.eq(local_user_id))
            .filter(auth_token::revoked.eq(false))
            .filter(auth_token::token_hash.ne(keep_hash)),
    )
    .set(auth_token::revoked.eq(true))
    .execute(conn)?)
}

/// The local accounts with `role` (the about page's admins), oldest first.
pub fn local_by_role(conn: &mut DbConn, role: InstanceRole) -> Result<Vec<Person>> {
    Ok(local_user::table
        .inner_join(person::table)
        .filter(local_user::role.eq(role))
        .filter(local_user::state.eq(AccountState::Active))
        .filter(person::deleted.eq(false))
        .order(local_user::id.asc())
        .select(person::all_columns)
        .load(conn)?)
}

pub fn revoke_token(conn: &mut DbConn, token_hash: &str) -> Result<bool> {
    let n = diesel::update(auth_token::table.filter(auth_token::token_hash.eq(token_hash)))
        .set(auth_token::revoked.eq(true))
        .execute(conn)?;
    Ok(n > 0)
}

/// Local accounts that may sign in.
pub fn count_local(conn: &mut DbConn) -> Result<i64> {
    Ok(local_user::table
        .filter(local_user::state.eq(AccountState::Active))
        .count()
        .get_result(conn)?)
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Person>> {
    Ok(person::table
        .filter(person::ap_id.eq(ap_id))
        .first(conn)
        .optional()?)
}

/// Inserts or refreshes a remote person by `ap_id` (the caller holds a
/// write transaction).
pub fn upsert_remote(
    conn: &mut DbConn,
    new: &NewPerson,
    bio_html: Option<String>,
    bio_source: Option<String>,
    bot: bool,
) -> Result<Person> {
    let existing = by_ap_id(conn, &new.ap_id)?;
    let id = match existing {
        Some(p) => {
            diesel::update(person::table.find(p.id))
                .set((
                    person::name.eq(&new.name),
                    person::display_name.eq(&new.display_name),
                    person::inbox_url.eq(&new.inbox_url),
                    person::shared_inbox_url.eq(&new.shared_inbox_url),
                    person::public_key.eq(&new.public_key),
                    person::updated_at.eq(new.updated_at),
                ))
                .execute(conn)?;
            p.id
        }
        None => insert_person(conn, new)?.id,
    };
    Ok(diesel::update(person::table.find(id))
        .set((
            person::bio_html.eq(bio_html),
            person::bio_source.eq(bio_source),
            person::bot.eq(bot),
        ))
        .returning(person::all_columns)
        .get_result(conn)?)
}

pub fn set_banned(conn: &mut DbConn, id: i64, banned: bool) -> Result<Person> {
    Ok(diesel::update(person::table.find(id))
        .set(person::banned.eq(banned))
        .returning(person::all_columns)
        .get_result(conn)?)
}

/// Which of `ids` are people of blocked servers.
pub fn blocked_among(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<i64>> {
    use super::schema::instance;
    Ok(person::table
        .inner_join(instance::table)
        .filter(instance::policy.eq(super::instances::DomainPolicy::Blocked))
        .filter(person::id.eq_any(ids.to_vec()))
        .select(person::id)
        .load(conn)?)
}

/// The local account with this address.
pub fn local_by_email(conn: &mut DbConn, email: &str) -> Result<Option<(LocalUser, Person)>> {
    Ok(local_user::table
        .inner_join(person::table)
        .filter(local_user::email.eq(email))
        .first(conn)
        .optional()?)
}

pub fn set_email(conn: &mut DbConn, local_user_id: i64, email: Option<&str>) -> Result<()> {
    diesel::update(local_user::table.find(local_user_id))
        .set(local_user::email.eq(email))
        .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(conn: &mut DbConn, local_user_id: i64, hash: &str) -> Result<()> {
    diesel::update(local_user::table.find(local_user_id))
        .set(local_user::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// Ends every session of an account.
pub fn revoke_all_tokens(conn: &mut DbConn, local_user_id: i64) -> Result<usize> {
    Ok(diesel::update(
        auth_token::table
            .filter(auth_token::local_user_id.eq(local_user_id))
            .filter(auth_token::revoked.eq(false)),
    )
    .set(auth_token::revoked.eq(true))
    .execute(conn)?)
}

pub fn local_user_by_id(conn: &mut DbConn, id: i64) -> Result<LocalUser> {
    local_user::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("no such account"))
}

//! Integration tokens (a CRM's bearer token, say) and their scopes. Only
//! a token's hash is stored.

use super::schema::{api_token, api_token_scope};
use super::DbConn;
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// What an integration token may do: each scope opens one admin
    /// capability, and nothing else.
    pub enum Scope {
        /// Read the analytics of the instance and of its groups.
        AnalyticsRead => "analytics:read",
        /// Everything under `/api/v1/admin/webhooks`: register, change and
        /// remove webhooks, read their delivery log, send again.
        WebhooksManage => "webhooks:manage",
        /// Read and set an account's external id (the CRM's id), and find
        /// an account by it.
        AccountsExternalId => "accounts:external_id",
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub token_hash: String,
    /// The person (an admin) who created it.
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub struct NewApiToken<'a> {
    pub name: &'a str,
    pub token_hash: &'a str,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub scopes: &'a [Scope],
}

pub fn insert(conn: &mut DbConn, new: &NewApiToken) -> Result<ApiToken> {
    let token: ApiToken = diesel::insert_into(api_token::table)
        .values((
            api_token::name.eq(new.name),
            api_token::token_hash.eq(new.token_hash),
            api_token::created_by.eq(new.created_by),
            api_token::created_at.eq(new.created_at),
            api_token::expires_at.eq(new.expires_at),
        ))
        .get_result(conn)?;
    for scope in new.scopes {
        diesel::insert_into(api_token_scope::table)
            .values((
                api_token_scope::token_id.eq(token.id),
                api_token_scope::scope.eq(*scope),
            ))
            .execute(conn)?;
    }
    Ok(token)
}

/// The scopes of a token, in the order of `Scope::ALL`.
pub fn scopes_of(conn: &mut DbConn, token_id: i64) -> Result<Vec<Scope>> {
    let held: Vec<Scope> = api_token_scope::table
        .filter(api_token_scope::token_id.eq(token_id))
        .select(api_token_scope::scope)
        .load(conn)?;
    Ok(Scope::ALL
        .iter()
        .copied()
        .filter(|s| held.contains(s))
        .collect())
}

/// Every token, newest first, with its scopes.
pub fn list(conn: &mut DbConn) -> Result<Vec<(ApiToken, Vec<Scope>)>> {
    let tokens: Vec<ApiToken> = api_token::table.order(api_token::id.desc()).load(conn)?;
    tokens
        .into_iter()
        .map(|t| {
            let scopes = scopes_of(conn, t.id)?;
            Ok((t, scopes))
        })
        .collect()
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<Option<ApiToken>> {
    Ok(api_token::table.find(id).first(conn).optional()?)
}

pub fn by_hash(conn: &mut DbConn, token_hash: &str) -> Result<Option<ApiToken>> {
    Ok(api_token::table
        .filter(api_token::token_hash.eq(token_hash))
        .first(conn)
        .optional()?)
}

/// Revokes a token not revoked yet; whether this call did.
pub fn revoke(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<bool> {
    Ok(diesel::update(
        api_token::table
            .find(id)
            .filter(api_token::revoked_at.is_null()),
    )
    .set(api_token::revoked_at.eq(Some(at)))
    .execute(conn)?
        > 0)
}

/// Notes a use at `at` unless one was noted after `since` (so a busy
/// token is written at most once in that span, whatever the concurrency).
pub fn touch(conn: &mut DbConn, id: i64, at: NaiveDateTime, since: NaiveDateTime) -> Result<()> {
    diesel::update(
        api_token::table.find(id).filter(
            api_token::last_used_at
                .is_null()
                .or(api_token::last_used_at.lt(since)),
        ),
    )
    .set(api_token::last_used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(())
}

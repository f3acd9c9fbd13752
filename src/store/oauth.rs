//! OAuth 2 rows: the apps Mastodon clients register, the authorization
//! codes of the consent page and the access tokens, all secrets hashed.

use super::people::{LocalUser, Person};
use super::schema::{local_user, oauth_app, oauth_code, oauth_token, person};
use super::{now, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct OAuthApp {
    pub id: i64,
    pub client_id: String,
    pub secret_hash: String,
    pub name: String,
    pub website: Option<String>,
    /// One per line.
    pub redirect_uris: String,
    /// Space-separated.
    pub scopes: String,
    pub created_at: NaiveDateTime,
}

impl OAuthApp {
    pub fn redirect_uris(&self) -> impl Iterator<Item = &str> {
        self.redirect_uris.lines().filter(|l| !l.is_empty())
    }
}

pub struct NewApp<'a> {
    pub client_id: &'a str,
    pub secret_hash: &'a str,
    pub name: &'a str,
    pub website: Option<&'a str>,
    pub redirect_uris: &'a str,
    pub scopes: &'a str,
}

pub fn insert_app(conn: &mut DbConn, new: &NewApp) -> Result<OAuthApp> {
    Ok(diesel::insert_into(oauth_app::table)
        .values((
            oauth_app::client_id.eq(new.client_id),
            oauth_app::secret_hash.eq(new.secret_hash),
            oauth_app::name.eq(new.name),
            oauth_app::website.eq(new.website),
            oauth_app::redirect_uris.eq(new.redirect_uris),
            oauth_app::scopes.eq(new.scopes),
            oauth_app::created_at.eq(now()),
        ))
        .returning(oauth_app::all_columns)
        .get_result(conn)?)
}

pub fn app_by_client_id(conn: &mut DbConn, client_id: &str) -> Result<Option<OAuthApp>> {
    Ok(oauth_app::table
        .filter(oauth_app::client_id.eq(client_id))
        .first(conn)
        .optional()?)
}

pub fn app_by_id(conn: &mut DbConn, id: i64) -> Result<Option<OAuthApp>> {
    Ok(oauth_app::table.find(id).first(conn).optional()?)
}

#[derive(Debug, Clone, Queryable)]
pub struct Code {
    pub id: i64,
    pub app_id: i64,
    pub local_user_id: i64,
    pub code_hash: String,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub created_at: NaiveDateTime,
    pub used: bool,
}

pub struct NewCode<'a> {
    pub app_id: i64,
    pub local_user_id: i64,
    pub code_hash: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a str,
    pub code_challenge: Option<&'a str>,
}

pub fn insert_code(conn: &mut DbConn, new: &NewCode) -> Result<()> {
    diesel::insert_into(oauth_code::table)
        .values((
            oauth_code::app_id.eq(new.app_id),
            oauth_code::local_user_id.eq(new.local_user_id),
            oauth_code::code_hash.eq(new.code_hash),
            oauth_code::redirect_uri.eq(new.redirect_uri),
            oauth_code::scopes.eq(new.scopes),
            oauth_code::code_challenge.eq(new.code_challenge),
            oauth_code::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes a code for one exchange: the code as it was, marked used now (a
/// second exchange finds it used).
pub fn take_code(conn: &mut DbConn, code_hash: &str) -> Result<Option<Code>> {
    let found: Option<Code> = oauth_code::table
        .filter(oauth_code::code_hash.eq(code_hash))
        .first(conn)
        .optional()?;
    if let Some(code) = &found {
        diesel::update(oauth_code::table.find(code.id))
            .set(oauth_code::used.eq(true))
            .execute(conn)?;
    }
    Ok(found)
}

pub struct NewToken<'a> {
    pub app_id: i64,
    pub local_user_id: Option<i64>,
    pub token_hash: &'a str,
    pub scopes: &'a str,
}

pub fn insert_token(conn: &mut DbConn, new: &NewToken) -> Result<NaiveDateTime> {
    let at = now();
    diesel::insert_into(oauth_token::table)
        .values((
            oauth_token::app_id.eq(new.app_id),
            oauth_token::local_user_id.eq(new.local_user_id),
            oauth_token::token_hash.eq(new.token_hash),
            oauth_token::scopes.eq(new.scopes),
            oauth_token::created_at.eq(at),
            oauth_token::last_used_at.eq(at),
        ))
        .execute(conn)?;
    Ok(at)
}

#[derive(Debug, Clone, Queryable)]
pub struct Token {
    pub id: i64,
    pub app_id: i64,
    pub local_user_id: Option<i64>,
    pub token_hash: String,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub revoked: bool,
}

/// A live token, with its app and (for a member's token) the account.
pub struct Found {
    pub token: Token,
    pub app: OAuthApp,
    pub account: Option<(LocalUser, Person)>,
}

pub fn live_token(conn: &mut DbConn, token_hash: &str) -> Result<Option<Found>> {
    let found: Option<(Token, OAuthApp)> = oauth_token::table
        .inner_join(oauth_app::table)
        .filter(oauth_token::token_hash.eq(token_hash))
        .filter(oauth_token::revoked.eq(false))
        .select((oauth_token::all_columns, oauth_app::all_columns))
        .first(conn)
        .optional()?;
    let Some((token, app)) = found else {
        return Ok(None);
    };
    let account = match token.local_user_id {
        Some(id) => Some(
            local_user::table
                .inner_join(person::table)
                .filter(local_user::id.eq(id))
                .select((local_user::all_columns, person::all_columns))
                .first(conn)?,
        ),
        None => None,
    };
    Ok(Some(Found {
        token,
        app,
        account,
    }))
}

pub fn touch_token(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<()> {
    diesel::update(oauth_token::table.find(id))
        .set(oauth_token::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Revokes the token with `token_hash` if the app `app_id` holds it;
/// false when it holds no such live token.
pub fn revoke(conn: &mut DbConn, app_id: i64, token_hash: &str) -> Result<bool> {
    let n = diesel::update(
        oauth_token::table
            .filter(oauth_token::app_id.eq(app_id))
            .filter(oauth_token::token_hash.eq(token_hash))
            .filter(oauth_token::revoked.eq(false)),
    )
    .set(oauth_token::revoked.eq(true))
    .execute(conn)?;
    Ok(n > 0)
}

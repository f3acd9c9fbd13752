//! Integration tokens: admins give an integration (a CRM pulling figures
//! and setting external ids, say) a bearer token holding scopes. Each
//! scope opens one admin capability (see `principal`); a token opens
//! nothing else, and can never create tokens. The token is shown once, at
//! creation; only its hash is kept. Creating and revoking are in the audit
//! log.

use super::tokens;
use super::Actor;
use crate::error::{Error, Result};
use crate::moderation::log::{self, Entry, Target};
use crate::store::api_tokens::{self as rows, ApiToken, NewApiToken, Scope};
use crate::store::people::{self, Person};
use crate::store::{now, write_tx};
use crate::App;
use chrono::NaiveDateTime;

/// How every integration token begins: recognisable in a log or a leaked
/// file, and told apart from a person's session without a lookup.
pub const PREFIX: &str = "ghi_";

/// The longest name of a token.
pub const NAME_MAX: usize = 100;

/// How stale a token's "last used" may get before a request renews it.
const TOUCH_AFTER_SECONDS: i64 = 60;

/// Whether a bearer token is an integration's (not a person's session).
pub fn is_integration_token(token: &str) -> bool {
    token.starts_with(PREFIX)
}

/// An integration, as a request proved it with a live token.
#[derive(Debug, Clone)]
pub struct Integration {
    /// The token's id.
    pub id: i64,
    /// The token's name ("CRM", say).
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl Integration {
    pub fn holds(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// What an admin sends to create a token.
pub struct TokenInput {
    pub name: String,
    pub scopes: Vec<String>,
    /// UTC; None: it does not expire.
    pub expires_at: Option<NaiveDateTime>,
}

/// A new token: the only time the token itself is known.
pub struct Created {
    pub token: String,
    pub line: TokenLine,
}

/// A token as admins list it.
#[derive(Debug, Clone)]
pub struct TokenLine {
    pub token: ApiToken,
    pub scopes: Vec<Scope>,
    pub created_by: Person,
}

impl TokenLine {
    /// Whether the token still opens anything at `at`.
    pub fn live_at(&self, at: NaiveDateTime) -> bool {
        self.token.revoked_at.is_none() && self.token.expires_at.is_none_or(|e| e > at)
    }
}

/// Tokens are made and revoked by a local admin's own session.
fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() && actor.person.local {
        Ok(())
    } else {
        Err(Error::forbidden("only admins manage integration tokens"))
    }
}

fn checked_scopes(asked: &[String]) -> Result<Vec<Scope>> {
    if asked.is_empty() {
        return Err(Error::unprocessable(format!(
            "scopes: name at least one of {}",
            Scope::listed()
        )));
    }
    let mut scopes = Vec::new();
    for s in asked {
        let scope = Scope::parse(s.trim()).ok_or_else(|| {
            Error::unprocessable(format!(
                "scopes: no scope {s:?}; the scopes: {}",
                Scope::listed()
            ))
        })?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    Ok(Scope::ALL
        .iter()
        .copied()
        .filter(|s| scopes.contains(s))
        .collect())
}

/// Creates a token; the answer holds it (shown once).
pub async fn create(app: &App, actor: &Actor, input: TokenInput) -> Result<Created> {
    require_admin(actor)?;
    let name = input.name.trim().to_string();
    if name.is_empty() {
        return Err(Error::unprocessable(
            "name: say what the token is for (\"CRM\", say)",
        ));
    }
    super::check_size("name", &name, NAME_MAX)?;
    let scopes = checked_scopes(&input.scopes)?;
    let at = now();
    if input.expires_at.is_some_and(|e| e <= at) {
        return Err(Error::unprocessable("expires_at: a time in the future"));
    }
    let token = format!("{PREFIX}{}", tokens::random_token());
    let hash = tokens::hash_token(&token);
    let by = actor.person.clone();
    let line = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let row = rows::insert(
                    conn,
                    &NewApiToken {
                        name: &name,
                        token_hash: &hash,
                        created_by: by.id,
                        created_at: at,
                        expires_at: input.expires_at,
                        scopes: &scopes,
                    },
                )?;
                let entry = Entry {
                    reason: Some(format!("{name} ({})", joined(&scopes))),
                    admin_only: true,
                    ..Default::default()
                };
                log::record(
                    conn,
                    "create_api_token",
                    Some(by.id),
                    Target::default(),
                    entry,
                )?;
                Ok(TokenLine {
                    token: row,
                    scopes,
                    created_by: by,
                })
            })
        })
        .await?;
    Ok(Created { token, line })
}

fn joined(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every token, newest first (never the tokens themselves).
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<TokenLine>> {
    require_admin(actor)?;
    app.store
        .run(|conn| {
            rows::list(conn)?
                .into_iter()
                .map(|(token, scopes)| {
                    let created_by = people::by_id(conn, token.created_by)?;
                    Ok(TokenLine {
                        token,
                        scopes,
                        created_by,
                    })
                })
                .collect()
        })
        .await
}

/// Revokes a token: it opens nothing from now on.
pub async fn revoke(app: &App, actor: &Actor, id: i64) -> Result<ApiToken> {
    require_admin(actor)?;
    let by = actor.id();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let token = rows::get(conn, id)?
                    .ok_or_else(|| Error::not_found(format!("no integration token {id}")))?;
                if token.revoked_at.is_some() {
                    return Err(Error::conflict(format!(
                        "the integration token {id} is revoked already"
                    )));
                }
                let at = now();
                rows::revoke(conn, id, at)?;
                let entry = Entry {
                    reason: Some(token.name.clone()),
                    admin_only: true,
                    ..Default::default()
                };
                log::record(conn, "revoke_api_token", Some(by), Target::default(), entry)?;
                Ok(ApiToken {
                    revoked_at: Some(at),
                    ..token
                })
            })
        })
        .await
}

/// The integration behind a bearer token: refused (401) when unknown,
/// revoked or expired. Its "last used" is renewed at most once a minute.
pub async fn authenticate(app: &App, token: &str) -> Result<Integration> {
    let hash = tokens::hash_token(token);
    app.store
        .run(move |conn| {
            let token = rows::by_hash(conn, &hash)?
                .ok_or_else(|| Error::unauthorized("no such integration token"))?;
            if token.revoked_at.is_some() {
                return Err(Error::unauthorized(format!(
                    "the integration token {:?} was revoked",
                    token.name
                )));
            }
            let at = now();
            if let Some(expired) = token.expires_at.filter(|e| *e <= at) {
                return Err(Error::unauthorized(format!(
                    "the integration token {:?} expired at {}",
                    token.name,
                    expired.and_utc().to_rfc3339()
                )));
            }
            rows::touch(
                conn,
                token.id,
                at,
                at - chrono::Duration::seconds(TOUCH_AFTER_SECONDS),
            )?;
            Ok(Integration {
                scopes: rows::scopes_of(conn, token.id)?,
                id: token.id,
                name: token.name,
            })
        })
        .await
}

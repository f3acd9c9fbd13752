//! OAuth 2 for Mastodon apps (docs/mastodon.md): apps register, a member
//! grants one of them access on the consent page (an authorization code,
//! with PKCE S256 when the app sends a challenge), and the app trades the
//! code — or the member's password, or its own credentials — for an access
//! token limited to the scopes granted. Client secrets, codes and tokens
//! are random and kept only as hashes.

use super::accounts::{self, Account};
use super::tokens;
use crate::error::{Error, Result};
use crate::store::oauth::{self as rows, NewApp, NewCode, NewToken, OAuthApp};
use crate::store::{now, write_tx};
use crate::App;
use base64::Engine;
use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

crate::text_enum! {
    /// The scopes of Mastodon's API: the four top scopes and the sub-scopes
    /// of `read` and `write`.
    pub enum Scope {
        Read => "read",
        Write => "write",
        Follow => "follow",
        Push => "push",
        Profile => "profile",
        ReadAccounts => "read:accounts",
        ReadBlocks => "read:blocks",
        ReadBookmarks => "read:bookmarks",
        ReadFavourites => "read:favourites",
        ReadFilters => "read:filters",
        ReadFollows => "read:follows",
        ReadLists => "read:lists",
        ReadMutes => "read:mutes",
        ReadNotifications => "read:notifications",
        ReadSearch => "read:search",
        ReadStatuses => "read:statuses",
        WriteAccounts => "write:accounts",
        WriteBlocks => "write:blocks",
        WriteBookmarks => "write:bookmarks",
        WriteConversations => "write:conversations",
        WriteFavourites => "write:favourites",
        WriteFilters => "write:filters",
        WriteFollows => "write:follows",
        WriteLists => "write:lists",
        WriteMedia => "write:media",
        WriteMutes => "write:mutes",
        WriteNotifications => "write:notifications",
        WriteReports => "write:reports",
        WriteStatuses => "write:statuses",
    }
}

impl Scope {
    /// Whether holding `self` allows what `need` allows: the same scope, a
    /// top scope over its sub-scopes, and the old `follow` over the
    /// relationship sub-scopes.
    pub fn covers(self, need: Scope) -> bool {
        if self == need {
            return true;
        }
        let name = need.as_str();
        match self {
            Scope::Read => name.starts_with("read:"),
            Scope::Write => name.starts_with("write:"),
            Scope::Follow => matches!(
                need,
                Scope::ReadFollows
                    | Scope::WriteFollows
                    | Scope::ReadBlocks
                    | Scope::WriteBlocks
                    | Scope::ReadMutes
                    | Scope::WriteMutes
            ),
            // `profile` reads one's own account only, and a sub-scope
            // covers itself alone.
            _ => false,
        }
    }
}

/// A set of scopes, written space-separated as OAuth does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Mastodon's default when an app asks for none.
    pub fn default_read() -> Scopes {
        Scopes(vec![Scope::Read])
    }

    /// Everything: what a Guildhall session token may do on these routes.
    pub fn all() -> Scopes {
        Scopes(vec![Scope::Read, Scope::Write, Scope::Follow, Scope::Push])
    }

    /// Parses `read write:statuses`; `None` or blank is `read`. Separated by
    /// spaces or (as some apps send them) commas or `+`.
    pub fn parse(text: Option<&str>) -> std::result::Result<Scopes, String> {
        let mut scopes = Vec::new();
        for word in text
            .unwrap_or("")
            .split(|c: char| c.is_whitespace() || c == ',' || c == '+')
            .filter(|w| !w.is_empty())
        {
            let scope = Scope::parse(word).ok_or_else(|| {
                format!("unknown scope {word:?}; the scopes are {}", Scope::listed())
            })?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Ok(Scopes::default_read());
        }
        Ok(Scopes(scopes))
    }

    /// Scopes as stored (written by this server, so always readable).
    pub fn stored(text: &str) -> Scopes {
        Scopes::parse(Some(text)).unwrap_or_else(|_| Scopes(Vec::new()))
    }

    pub fn allows(&self, need: Scope) -> bool {
        self.0.iter().any(|s| s.covers(need))
    }

    /// Whether every scope here is allowed by `outer` (a request within
    /// what the app registered).
    pub fn within(&self, outer: &Scopes) -> bool {
        self.0.iter().all(|s| outer.allows(*s))
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl std::fmt::Display for Scopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: Vec<&str> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&words.join(" "))
    }
}

/// The redirect URI of apps without one: the code is shown on the page.
pub const OUT_OF_BAND: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Access tokens start with this, so that a request's token tells, without
/// a look-up, whether it is an app's token or a Guildhall session's (see
/// `mastodon::oauth_bearer`, which settles the paths both APIs have).
pub const TOKEN_PREFIX: &str = "oauth-";

/// How long an authorization code may be exchanged.
const CODE_MINUTES: i64 = 10;

crate::text_enum! {
    /// OAuth's error codes (RFC 6749, section 5.2).
    pub enum Refusal {
        InvalidRequest => "invalid_request",
        InvalidClient => "invalid_client",
        InvalidGrant => "invalid_grant",
        InvalidScope => "invalid_scope",
        UnsupportedGrantType => "unsupported_grant_type",
        UnsupportedResponseType => "unsupported_response_type",
    }
}

/// Why a token request failed: an OAuth refusal with its reason, or the
/// server's own error.
#[derive(Debug)]
pub enum TokenError {
    Refused(Refusal, String),
    Failed(Error),
}

impl From<Error> for TokenError {
    fn from(e: Error) -> Self {
        TokenError::Failed(e)
    }
}

fn refused<T>(r: Refusal, detail: impl Into<String>) -> std::result::Result<T, TokenError> {
    Err(TokenError::Refused(r, detail.into()))
}

pub struct AppInput {
    pub client_name: String,
    pub redirect_uris: Vec<String>,
    pub scopes: Option<String>,
    pub website: Option<String>,
}

/// A registered app and its secret (shown this once).
pub struct Registered {
    pub app: OAuthApp,
    pub client_secret: String,
}

fn valid_redirect_uri(uri: &str) -> bool {
    if uri == OUT_OF_BAND {
        return true;
    }
    // Any absolute URI without a fragment (RFC 6749, 3.1.2): apps use
    // their own schemes (`tusky://oauth`).
    url::Url::parse(uri).is_ok_and(|u| u.fragment().is_none())
}

pub async fn register_app(app: &App, input: AppInput) -> Result<Registered> {
    let name = input.client_name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::unprocessable(
            "client_name is required, at most 200 characters",
        ));
    }
    let uris: Vec<String> = input
        .redirect_uris
        .iter()
        .flat_map(|u| u.lines())
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .collect();
    if uris.is_empty() {
        return Err(Error::unprocessable(format!(
            "redirect_uris is required (use {OUT_OF_BAND} to be shown the code)"
        )));
    }
    if let Some(bad) = uris.iter().find(|u| !valid_redirect_uri(u)) {
        return Err(Error::unprocessable(format!(
            "not an absolute redirect URI: {bad:?}"
        )));
    }
    let scopes = Scopes::parse(input.scopes.as_deref()).map_err(Error::unprocessable)?;
    let website = input
        .website
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty());
    let client_id = tokens::random_token();
    let client_secret = tokens::random_token();
    let secret_hash = tokens::hash_token(&client_secret);
    let app = app
        .store
        .run(move |conn| {
            rows::insert_app(
                conn,
                &NewApp {
                    client_id: &client_id,
                    secret_hash: &secret_hash,
                    name: &name,
                    website: website.as_deref(),
                    redirect_uris: &uris.join("\n"),
                    scopes: &scopes.to_string(),
                },
            )
        })
        .await?;
    Ok(Registered { app, client_secret })
}

/// What the consent page was asked: checked before it is shown and again
/// when the member answers.
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_type: String,
    pub scope: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// A request the consent page may show: the app and the scopes asked.
pub struct Consent {
    pub app: OAuthApp,
    pub scopes: Scopes,
}

/// Checks a consent request. Errors here are shown to the member, never
/// sent to the redirect URI (it may not be the app's).
pub async fn check_authorize(app: &App, req: &AuthorizeRequest) -> Result<Consent> {
    let client_id = req.client_id.clone();
    let found = app
        .store
        .run(move |conn| rows::app_by_client_id(conn, &client_id))
        .await?
        .ok_or_else(|| Error::bad_request("no app is registered with this client_id"))?;
    if !found.redirect_uris().any(|u| u == req.redirect_uri) {
        return Err(Error::bad_request(
            "the redirect_uri is not one the app registered",
        ));
    }
    if req.response_type != "code" {
        return Err(Error::bad_request("response_type must be \"code\""));
    }
    let scopes = Scopes::parse(req.scope.as_deref()).map_err(Error::bad_request)?;
    if !scopes.within(&Scopes::stored(&found.scopes)) {
        return Err(Error::bad_request(format!(
            "the app registered the scopes \"{}\" and asks for \"{scopes}\"",
            found.scopes
        )));
    }
    match (
        req.code_challenge.as_deref(),
        req.code_challenge_method.as_deref(),
    ) {
        (None, None) => {}
        (Some(c), Some("S256")) if !c.is_empty() => {}
        (Some(_), None | Some("plain")) => {
            return Err(Error::bad_request(
                "only code_challenge_method=S256 is supported",
            ))
        }
        _ => {
            return Err(Error::bad_request(
                "code_challenge and code_challenge_method=S256 go together",
            ))
        }
    }
    Ok(Consent { app: found, scopes })
}

/// The member granted the request: a new authorization code.
pub async fn grant_code(app: &App, account: &Account, req: &AuthorizeRequest) -> Result<String> {
    let consent = check_authorize(app, req).await?;
    let code = tokens::random_token();
    let hash = tokens::hash_token(&code);
    let (user_id, redirect_uri) = (account.user.id, req.redirect_uri.clone());
    let challenge = req.code_challenge.clone();
    app.store
        .run(move |conn| {
            rows::insert_code(
                conn,
                &NewCode {
                    app_id: consent.app.id,
                    local_user_id: user_id,
                    code_hash: &hash,
                    redirect_uri: &redirect_uri,
                    scopes: &consent.scopes.to_string(),
                    code_challenge: challenge.as_deref(),
                },
            )
        })
        .await?;
    Ok(code)
}

/// A token request (`POST /oauth/token`), as the grant type asks.
pub enum Grant {
    AuthorizationCode {
        code: String,
        redirect_uri: Option<String>,
        code_verifier: Option<String>,
    },
    Password {
        username: String,
        password: String,
        from: IpAddr,
    },
    ClientCredentials,
}

pub struct Issued {
    pub access_token: String,
    pub scopes: Scopes,
    pub created_at: NaiveDateTime,
}

/// The app sending the request, by its id and secret.
async fn client(
    app: &App,
    client_id: &str,
    secret: &str,
) -> std::result::Result<OAuthApp, TokenError> {
    let id = client_id.to_string();
    let found = app
        .store
        .run(move |conn| rows::app_by_client_id(conn, &id))
        .await?;
    match found {
        Some(a) if tokens::same_secret(&tokens::hash_token(secret), &a.secret_hash) => Ok(a),
        _ => refused(
            Refusal::InvalidClient,
            "unknown client_id or wrong client_secret",
        ),
    }
}

/// PKCE S256: BASE64URL(SHA256(verifier)) equals the challenge.
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let digest = Sha256::digest(verifier.as_bytes());
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    tokens::same_secret(&computed, challenge)
}

pub async fn issue(
    app: &App,
    client_id: &str,
    client_secret: &str,
    scope: Option<&str>,
    grant: Grant,
) -> std::result::Result<Issued, TokenError> {
    let oauth_app = client(app, client_id, client_secret).await?;
    let registered = Scopes::stored(&oauth_app.scopes);
    let asked = match scope {
        Some(s) if !s.trim().is_empty() => {
            Some(Scopes::parse(Some(s)).or_else(|e| refused(Refusal::InvalidScope, e))?)
        }
        _ => None,
    };
    if let Some(asked) = &asked {
        if !asked.within(&registered) {
            return refused(
                Refusal::InvalidScope,
                format!("the app registered the scopes \"{registered}\" and asks for \"{asked}\""),
            );
        }
    }
    let (user_id, scopes) = match grant {
        Grant::AuthorizationCode {
            code,
            redirect_uri,
            code_verifier,
        } => {
            let hash = tokens::hash_token(&code);
            let found = app
                .store
                .run(move |conn| write_tx(conn, |conn| rows::take_code(conn, &hash)))
                .await?;
            let Some(found) = found else {
                return refused(Refusal::InvalidGrant, "unknown authorization code");
            };
            if found.app_id != oauth_app.id {
                return refused(Refusal::InvalidGrant, "the code was given to another app");
            }
            if found.used {
                return refused(Refusal::InvalidGrant, "the code was already used");
            }
            if found.created_at < now() - chrono::Duration::minutes(CODE_MINUTES) {
                return refused(
                    Refusal::InvalidGrant,
                    format!("the code expired ({CODE_MINUTES} minutes)"),
                );
            }
            if redirect_uri.as_deref() != Some(found.redirect_uri.as_str()) {
                return refused(
                    Refusal::InvalidGrant,
                    "redirect_uri differs from the one the code was given for",
                );
            }
            match (&found.code_challenge, code_verifier) {
                (None, _) => {}
                (Some(challenge), Some(verifier)) if pkce_matches(&verifier, challenge) => {}
                (Some(_), Some(_)) => {
                    return refused(
                        Refusal::InvalidGrant,
                        "the code_verifier does not match the code_challenge",
                    )
                }
                (Some(_), None) => {
                    return refused(
                        Refusal::InvalidRequest,
                        "code_verifier is required: the code was asked for with PKCE",
                    )
                }
            }
            (Some(found.local_user_id), Scopes::stored(&found.scopes))
        }
        Grant::Password {
            username,
            password,
            from,
        } => {
            let account = match accounts::check_login(app, &username, &password, from).await {
                Ok(a) => a,
                Err(e) if e.kind == crate::error::ErrorKind::Unauthorized => {
                    return refused(Refusal::InvalidGrant, e.detail)
                }
                Err(e) => return Err(e.into()),
            };
            (
                Some(account.user.id),
                asked.clone().unwrap_or_else(Scopes::default_read),
            )
        }
        Grant::ClientCredentials => (None, asked.clone().unwrap_or_else(Scopes::default_read)),
    };
    let access_token = format!("{TOKEN_PREFIX}{}", tokens::random_token());
    let hash = tokens::hash_token(&access_token);
    let stored = scopes.to_string();
    let app_id = oauth_app.id;
    let created_at = app
        .store
        .run(move |conn| {
            rows::insert_token(
                conn,
                &NewToken {
                    app_id,
                    local_user_id: user_id,
                    token_hash: &hash,
                    scopes: &stored,
                },
            )
        })
        .await?;
    Ok(Issued {
        access_token,
        scopes,
        created_at,
    })
}

/// Revokes a token the app holds (RFC 7009: a token it does not hold is
/// not an error).
pub async fn revoke(
    app: &App,
    client_id: &str,
    client_secret: &str,
    token: &str,
) -> std::result::Result<(), TokenError> {
    let oauth_app = client(app, client_id, client_secret).await?;
    let hash = tokens::hash_token(token);
    app.store
        .run(move |conn| rows::revoke(conn, oauth_app.id, &hash))
        .await?;
    Ok(())
}

/// Who an access token speaks for: a member (or, for an app's own
/// token, nobody), the app, and the scopes granted.
pub struct Session {
    pub account: Option<Account>,
    pub app: OAuthApp,
    pub scopes: Scopes,
}

/// How stale a token's "last used" may get before a request renews it.
const TOUCH_AFTER_MINUTES: i64 = 5;

pub async fn authenticate(app: &App, token: &str) -> Result<Session> {
    let hash = tokens::hash_token(token);
    let found = app
        .store
        .run(move |conn| {
            let found = rows::live_token(conn, &hash)?;
            if let Some(f) = &found {
                let at = now();
                if f.token.last_used_at < at - chrono::Duration::minutes(TOUCH_AFTER_MINUTES) {
                    rows::touch_token(conn, f.token.id, at)?;
                }
            }
            Ok(found)
        })
        .await?;
    let Some(found) = found else {
        return Err(Error::unauthorized("the token is not valid or was revoked"));
    };
    let account = match found.account {
        Some((user, person)) => {
            accounts::check_state(&user)?;
            Some(Account { user, person })
        }
        None => None,
    };
    Ok(Session {
        account,
        scopes: Scopes::stored(&found.token.scopes),
        app: found.app,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_scopes_cover_their_sub_scopes() {
        let s = Scopes::parse(Some("read write:statuses")).expect("parse");
        assert!(s.allows(Scope::ReadNotifications));
        assert!(s.allows(Scope::WriteStatuses));
        assert!(!s.allows(Scope::WriteFavourites));
        assert!(Scopes::parse(Some("follow"))
            .expect("parse")
            .allows(Scope::WriteFollows));
        assert!(Scopes::parse(Some("read nonsense")).is_err());
        assert_eq!(Scopes::parse(None).expect("default").to_string(), "read");
    }

    #[test]
    fn pkce_is_s256() {
        // The challenge computed apart, with Python's hashlib and base64:
        // urlsafe_b64encode(sha256(verifier).digest()).rstrip(b"=").
        assert!(pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gQ4DtMBBk",
            "R5bYMdA-HRiCIVpjzdi-I_-CCNt8iOTuiVKj_v1I-T4"
        ));
        assert!(!pkce_matches(
            "other",
            "R5bYMdA-HRiCIVpjzdi-I_-CCNt8iOTuiVKj_v1I-T4"
        ));
        // Padded or standard-alphabet challenges are not S256's form.
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gQ4DtMBBk",
            "R5bYMdA+HRiCIVpjzdi+I/+CCNt8iOTuiVKj/v1I+T4="
        ));
    }
}

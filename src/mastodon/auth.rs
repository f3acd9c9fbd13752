//! Who calls Mastodon's routes: an app's OAuth token (a member's, limited
//! to its scopes, or the app's own), or a Guildhall session token (every
//! scope: it is the member's own session).

use crate::community::accounts::{self, Account};
use crate::community::oauth::{self, Scope, Scopes, TOKEN_PREFIX};
use crate::community::Actor;
use crate::error::{Error, ErrorKind, Result};
use crate::store::oauth::OAuthApp;
use crate::App;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

pub struct Caller {
    pub account: Option<Account>,
    /// The app, for an OAuth token.
    pub app: Option<OAuthApp>,
    pub scopes: Scopes,
}

impl Caller {
    /// Refuses (403) a token without `need`.
    pub fn allow(&self, need: Scope) -> Result<()> {
        if self.scopes.allows(need) {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "this token was not granted the {need} scope (it has \"{}\")",
                self.scopes
            )))
        }
    }

    /// The member a token with `need` speaks for.
    pub fn member(&self, need: Scope) -> Result<&Account> {
        self.allow(need)?;
        self.account.as_ref().ok_or_else(|| {
            Error::forbidden("an app's own token (client_credentials) speaks for no member")
        })
    }

    pub fn actor(&self, need: Scope) -> Result<Actor> {
        self.member(need).map(Account::actor)
    }
}

/// A caller, when a token was sent (a bad one is refused, never ignored).
pub struct MaybeCaller(pub Option<Caller>);

impl MaybeCaller {
    /// The member, when the token may read with `need`; a visitor otherwise.
    pub fn viewer(&self, need: Scope) -> Option<Actor> {
        self.0
            .as_ref()
            .filter(|c| c.scopes.allows(need))
            .and_then(|c| c.account.as_ref())
            .map(Account::actor)
    }
}

type CallerFuture<T> = Pin<Box<dyn Future<Output = Result<T>>>>;

fn bearer(req: &HttpRequest) -> Result<Option<String>> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| Error::unauthorized("the Authorization header is not readable"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(Error::unauthorized("use Authorization: Bearer TOKEN")),
    }
}

fn caller(req: &HttpRequest) -> CallerFuture<Option<Caller>> {
    let app = req.app_data::<web::Data<App>>().cloned();
    let token = bearer(req);
    Box::pin(async move {
        let Some(token) = token? else {
            return Ok(None);
        };
        let app =
            app.ok_or_else(|| Error::new(ErrorKind::Internal, "application state missing"))?;
        if token.starts_with(TOKEN_PREFIX) {
            let session = oauth::authenticate(&app, &token).await?;
            return Ok(Some(Caller {
                account: session.account,
                app: Some(session.app),
                scopes: session.scopes,
            }));
        }
        let account = accounts::authenticate(&app, &token).await?;
        Ok(Some(Caller {
            account: Some(account),
            app: None,
            scopes: Scopes::all(),
        }))
    })
}

impl FromRequest for Caller {
    type Error = Error;
    type Future = CallerFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let found = caller(req);
        Box::pin(async move {
            found
                .await?
                .ok_or_else(|| Error::unauthorized("sign in: send Authorization: Bearer TOKEN"))
        })
    }
}

impl FromRequest for MaybeCaller {
    type Error = Error;
    type Future = CallerFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let found = caller(req);
        Box::pin(async move { Ok(MaybeCaller(found.await?)) })
    }
}

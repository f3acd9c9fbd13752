//! Bearer-token sessions as extractors: `Auth` requires one, `MaybeAuth`
//! takes one if sent (a bad token is still refused, never ignored).
//! `Principal` takes a person's session or an integration token, for the
//! admin endpoints an integration may be given (`community::principal`);
//! `Auth` and `MaybeAuth` refuse integration tokens.

use crate::community::accounts::{self, Account};
use crate::community::api_tokens::{self, is_integration_token};
use crate::community::principal::Principal;
use crate::community::Actor;
use crate::error::{Error, ErrorKind};
use crate::App;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

pub struct Auth {
    pub account: Account,
    pub token: String,
}

impl Auth {
    pub fn actor(&self) -> Actor {
        self.account.actor()
    }
}

pub struct MaybeAuth(pub Option<Auth>);

impl MaybeAuth {
    pub fn actor(&self) -> Option<Actor> {
        self.0.as_ref().map(Auth::actor)
    }
}

fn bearer(req: &HttpRequest) -> Result<Option<String>, Error> {
    let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION) else {
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

type AuthFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>>>>;

/// The refusal of an integration token where a person must act.
fn not_for_integrations() -> Error {
    Error::forbidden(format!(
        "integration tokens can only be used on the admin endpoints their scopes open \
         ({}); this needs a person's session",
        crate::store::api_tokens::Scope::listed()
    ))
}

/// The session of a request: none without a token, an error for a bad one
/// (and for an integration token).
fn session(req: &HttpRequest) -> AuthFuture<Option<Auth>> {
    let app = req.app_data::<web::Data<App>>().cloned();
    let token = bearer(req);
    Box::pin(async move {
        let Some(token) = token? else {
            return Ok(None);
        };
        if is_integration_token(&token) {
            return Err(not_for_integrations());
        }
        let app =
            app.ok_or_else(|| Error::new(ErrorKind::Internal, "application state missing"))?;
        let account = accounts::authenticate(&app, &token).await?;
        Ok(Some(Auth { account, token }))
    })
}

impl FromRequest for Auth {
    type Error = Error;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let session = session(req);
        Box::pin(async move {
            session
                .await?
                .ok_or_else(|| Error::unauthorized("sign in: send Authorization: Bearer TOKEN"))
        })
    }
}

impl FromRequest for MaybeAuth {
    type Error = Error;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let session = session(req);
        Box::pin(async move { Ok(MaybeAuth(session.await?)) })
    }
}

/// A person's session or an integration's token (required).
impl FromRequest for Principal {
    type Error = Error;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let app = req.app_data::<web::Data<App>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let token = token?.ok_or_else(|| {
                Error::unauthorized(
                    "sign in or use an integration token: send Authorization: Bearer TOKEN",
                )
            })?;
            let app =
                app.ok_or_else(|| Error::new(ErrorKind::Internal, "application state missing"))?;
            if is_integration_token(&token) {
                Ok(Principal::Integration(
                    api_tokens::authenticate(&app, &token).await?,
                ))
            } else {
                let account = accounts::authenticate(&app, &token).await?;
                Ok(Principal::Person(Box::new(account.actor())))
            }
        })
    }
}

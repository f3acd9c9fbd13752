//! Cookie sessions for the pages. The session cookie holds a token of the
//! same kind as the API's bearer tokens (listed and revoked with them), so
//! every rule sees one kind of signed-in account. Forms carry a CSRF token
//! that must equal the `gh_csrf` cookie (double submit): another site can
//! make a browser post a form, but cannot read or set this site's cookie.

use crate::community::accounts::{self, Account};
use crate::community::tokens;
use crate::community::Actor;
use crate::error::{Error, ErrorKind, Result};
use crate::App;
use actix_web::cookie::{time::Duration as CookieAge, Cookie, SameSite};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use std::future::Future;
use std::pin::Pin;

pub const SESSION_COOKIE: &str = "gh_session";
pub const CSRF_COOKIE: &str = "gh_csrf";
/// The form field, and the header scripts send, carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How long a browser keeps a session cookie.
const SESSION_DAYS: i64 = 30;

/// A CSRF token made for this request (the browser had none): the
/// `errors::pages` middleware sets it as a cookie on the answer.
#[derive(Clone)]
pub struct NewCsrf(pub String);

/// Who is looking at a page: the signed-in account (none for a visitor or
/// a session that ended) and the request's CSRF token.
pub struct Viewer {
    pub account: Option<Account>,
    /// The session token, to sign out.
    pub token: Option<String>,
    pub csrf: String,
    /// The path and query of the page, to come back to after signing in.
    pub here: String,
}

impl Viewer {
    pub fn actor(&self) -> Option<Actor> {
        self.account.as_ref().map(Account::actor)
    }

    /// The signed-in account, or an `Unauthorized` error, which the pages
    /// answer with a redirect to the sign-in page.
    pub fn require(&self) -> Result<Actor> {
        self.actor()
            .ok_or_else(|| Error::unauthorized("sign in to do this"))
    }
}

/// The request's CSRF token: the cookie's, or a new one (remembered on
/// the request so that the answer sets it).
pub fn csrf_token(req: &HttpRequest) -> String {
    if let Some(c) = req.cookie(CSRF_COOKIE) {
        let v = c.value();
        if v.len() >= 32 && v.chars().all(|c| c.is_ascii_alphanumeric()) {
            return v.to_string();
        }
    }
    if let Some(new) = req.extensions().get::<NewCsrf>() {
        return new.0.clone();
    }
    let token = tokens::random_token();
    req.extensions_mut().insert(NewCsrf(token.clone()));
    token
}

/// Whether `sent` (a form field or header) is this browser's CSRF token.
pub fn csrf_matches(req: &HttpRequest, sent: &str) -> bool {
    req.cookie(CSRF_COOKIE)
        .is_some_and(|cookie| tokens::same_secret(sent, cookie.value()))
}

fn secure(app: &App) -> bool {
    app.config.public_url.starts_with("https://")
}

/// The cookie of a new session: HttpOnly, SameSite=Lax, Secure on https.
pub fn session_cookie(app: &App, token: &str) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(app))
        .max_age(CookieAge::days(SESSION_DAYS))
        .finish()
}

/// The cookie that ends a session in the browser.
pub fn ended_session_cookie(app: &App) -> Cookie<'static> {
    let mut c = session_cookie(app, "");
    c.make_removal();
    c
}

pub fn csrf_cookie(app: &App, token: &str) -> Cookie<'static> {
    Cookie::build(CSRF_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(app))
        .finish()
}

type ViewerFuture = Pin<Box<dyn Future<Output = Result<Viewer>>>>;

impl FromRequest for Viewer {
    type Error = Error;
    type Future = ViewerFuture;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let app = req.app_data::<web::Data<App>>().cloned();
        let token = req
            .cookie(SESSION_COOKIE)
            .map(|c| c.value().to_string())
            .filter(|t| !t.is_empty());
        let csrf = csrf_token(req);
        let here = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        Box::pin(async move {
            let app =
                app.ok_or_else(|| Error::new(ErrorKind::Internal, "application state missing"))?;
            let account = match &token {
                None => None,
                // A revoked or unknown cookie is a visitor, not an error:
                // the session ended elsewhere (signed out, password reset).
                Some(t) => match accounts::authenticate(&app, t).await {
                    Ok(a) => Some(a),
                    Err(e) if matches!(e.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) => {
                        None
                    }
                    Err(e) => return Err(e),
                },
            };
            let token = token.filter(|_| account.is_some());
            Ok(Viewer {
                account,
                token,
                csrf,
                here,
            })
        })
    }
}

//! Mastodon's client API (docs/mastodon.md), so that Mastodon apps log in
//! (OAuth 2) and take part: translated to the community rules like the
//! Guildhall API, answered in Mastodon's entity shapes (`entities`).
//!
//! Its routes live beside Guildhall's under `/api/v1`. Where both APIs
//! have a path, `oauth_bearer` decides: a request whose bearer token is an
//! app's OAuth token gets Mastodon's answer, any other Guildhall's (see
//! `clashing_routes`).

pub mod accounts;
pub mod auth;
pub mod body;
pub mod entities;
pub mod ids;
pub mod instance;
pub mod notifications;
pub mod oauth;
pub mod statuses;
pub mod timelines;

use crate::community::oauth::TOKEN_PREFIX;
use actix_web::dev::RequestHead;
use actix_web::http::header;
use actix_web::web;

/// Whether the request carries an app's OAuth token (by its prefix: no
/// look-up is needed). The one place where a path both APIs have is
/// decided.
pub fn oauth_bearer(head: &RequestHead) -> bool {
    head.headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("bearer") && token.trim().starts_with(TOKEN_PREFIX)
        })
}

/// Paths Guildhall's API has too, registered before Guildhall's in the
/// `/api/v1` scope (actix-web takes the first route that matches) and
/// taken only with an OAuth token (`oauth_bearer`): `GET /notifications`.
/// `POST /api/v1/accounts` stays Guildhall's sign-up.
pub fn clashing_routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(notifications::clashing_routes);
}

/// The routes under `/api/v1` (after Guildhall's: none of these paths is
/// Guildhall's).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(oauth::app_routes)
        .configure(instance::v1_routes)
        .configure(accounts::routes)
        .configure(statuses::routes)
        .configure(timelines::routes);
}

/// The routes outside `/api/v1`: `/oauth/token`, `/oauth/revoke`, and
/// `/api/v2`.
pub fn outer_routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(oauth::token_routes).service(
        web::scope("/api/v2")
            .configure(instance::v2_routes)
            .configure(crate::api::unrouted),
    );
}

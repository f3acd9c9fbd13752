//! The web pages: server-rendered HTML for people, beside the JSON API and
//! at the same addresses as the ActivityPub ids (`/g/{name}`, `/post/{id}`,
//! `/u/{name}` answer a page to a browser). Like the API, the pages only
//! translate: every action is a plain form calling the community rules,
//! then a redirect (POST, then GET).
//!
//! - `session`: the cookie session, its CSRF token, and the signed-in `Viewer`;
//! - `page`: what every page shows (site, viewer, unread count, strings);
//! - `errors`: HTML error pages for browsers, security headers;
//! - `assets`: the embedded style sheet, script and icons.

pub mod admin;
pub mod albums;
pub mod analytics;
pub mod articles;
pub mod assets;
pub mod auth;
pub mod errors;
pub mod escalation;
pub mod feeds;
pub mod forms;
pub mod groups;
pub mod home;
pub mod ideas;
pub mod influence;
pub mod info;
pub mod media;
pub mod moderate;
pub mod notifications;
pub mod oauth;
pub mod page;
pub mod password;
pub mod people;
pub mod search;
pub mod session;
pub mod settings;
pub mod signup;
pub mod site;
pub mod threads;
pub mod tokens;

use crate::error::{Error, Result};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

/// The pages' routes. `/g/{name}`, `/post/{id}`, `/u/{name}`, `/comment/{id}`
/// and `/` are served by `federation::http`, which hands browsers to the
/// page functions of `groups`, `threads`, `people` and `home`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(assets::routes)
        .configure(site::routes)
        .configure(auth::routes)
        .configure(signup::routes)
        .configure(settings::routes)
        .configure(notifications::routes)
        .configure(people::routes)
        .configure(home::routes)
        .configure(groups::routes)
        .configure(threads::routes)
        .configure(ideas::routes)
        .configure(search::routes)
        .configure(moderate::routes)
        .configure(escalation::routes)
        .configure(influence::routes)
        .configure(analytics::routes)
        .configure(admin::routes)
        .configure(info::routes)
        .configure(password::routes)
        .configure(feeds::routes)
        .configure(articles::routes)
        .configure(media::routes)
        .configure(tokens::routes)
        .configure(albums::routes)
        .configure(oauth::routes);
}

/// Whether a request comes from a browser that wants a page: it accepts
/// HTML and is not for the API or for ActivityPub JSON.
pub fn wants_html(req: &HttpRequest) -> bool {
    if req.path().starts_with("/api/") || crate::federation::http::wants_activity_json(req) {
        return false;
    }
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/html"))
}

/// A template as an HTML answer with `status`.
pub fn render(t: impl askama::Template, status: StatusCode) -> Result<HttpResponse> {
    let body = t
        .render()
        .map_err(|e| Error::internal("a page did not render", e))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A template as a 200 page.
pub fn ok(t: impl askama::Template) -> Result<HttpResponse> {
    render(t, StatusCode::OK)
}

/// After a form: back to a page with GET (303).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A local path to go back to after signing in, or "/" for anything else
/// (never another site: `//host` and `/\host` are refused).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && !p.chars().any(char::is_control) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            super::local_path(Some("/g/rust?sort=new")),
            "/g/rust?sort=new"
        );
        assert_eq!(super::local_path(Some("//evil.example/")), "/");
        assert_eq!(super::local_path(Some("/\\evil.example/")), "/");
        assert_eq!(super::local_path(Some("https://evil.example/")), "/");
        assert_eq!(super::local_path(None), "/");
    }
}

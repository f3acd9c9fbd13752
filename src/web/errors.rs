//! Around every answer: sets a new CSRF cookie where a page made one, adds
//! the pages' security headers, and turns an error into an HTML page when
//! a browser asked for a page (the API keeps its JSON errors). A page that
//! needs a signed-in person sends a visitor to the sign-in page instead.

use super::page::{t, Page};
use super::session::{csrf_cookie, NewCsrf};
use crate::error::{Error, ErrorKind};
use crate::App;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use askama::Template;

/// The pages' Content-Security-Policy: nothing inline, scripts and styles
/// only from this site, images from anywhere secure (remote avatars).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' https: data:; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: Page,
    status: u16,
    heading: &'a str,
    detail: &'a str,
}

/// The middleware (registered for the whole app by `server`).
pub async fn pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let wants_html = super::wants_html(req.request());
    let answer = next.call(req).await?.map_into_boxed_body();
    let (req, mut response) = answer.into_parts();
    let new_csrf = req.extensions().get::<NewCsrf>().cloned();
    // A page that answers with an error status (a form shown again with
    // its problem) is already HTML and stays as it is.
    if wants_html && !is_html(&response) {
        let failed = response
            .error()
            .and_then(|e| e.as_error::<Error>())
            .map(|e| (e.kind, e.detail.clone()));
        let failed = failed.or_else(|| {
            // Errors from actix itself (a body over the limit, no route).
            let status = response.status();
            (status.is_client_error() || status.is_server_error())
                .then(|| (kind_of(status), String::new()))
        });
        if let Some((kind, detail)) = failed {
            response = error_page(
                &req,
                kind,
                &detail,
                response.headers().get(header::RETRY_AFTER).cloned(),
            );
        }
    }
    let app = req.app_data::<web::Data<App>>().cloned();
    if let (Some(NewCsrf(token)), Some(app)) = (new_csrf, app) {
        let _ = response.add_cookie(&csrf_cookie(&app, &token));
    }
    if is_html(&response) {
        let h = response.headers_mut();
        if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
        }
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if !h.contains_key(header::CACHE_CONTROL) {
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            );
        }
    }
    Ok(ServiceResponse::new(req, response))
}

fn is_html(response: &HttpResponse) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

fn kind_of(status: StatusCode) -> ErrorKind {
    match status.as_u16() {
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        405 => ErrorKind::MethodNotAllowed,
        409 => ErrorKind::Conflict,
        410 => ErrorKind::Gone,
        413 => ErrorKind::PayloadTooLarge,
        415 => ErrorKind::UnsupportedMediaType,
        422 => ErrorKind::Unprocessable,
        429 => ErrorKind::TooManyRequests,
        503 => ErrorKind::Unavailable,
        s if s >= 500 => ErrorKind::Internal,
        _ => ErrorKind::BadRequest,
    }
}

/// The page for an error of `kind`; a visitor who must sign in is sent to
/// the sign-in page, and comes back here after.
fn error_page(
    req: &actix_web::HttpRequest,
    kind: ErrorKind,
    detail: &str,
    retry_after: Option<HeaderValue>,
) -> HttpResponse {
    if kind == ErrorKind::Unauthorized && req.method() == actix_web::http::Method::GET {
        let here = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        let to = format!("/login?next={}", urlencode(&here));
        return super::see_other(&to);
    }
    let site = match req.app_data::<web::Data<App>>() {
        Some(app) => app.site.last(&app.config.site_name),
        None => std::sync::Arc::new(crate::community::branding::Site::from_row(
            "Guildhall",
            None,
        )),
    };
    let key = match kind {
        ErrorKind::Unauthorized => "error.unauthorized",
        ErrorKind::Forbidden | ErrorKind::EmailUnverified => "error.forbidden",
        ErrorKind::NotFound | ErrorKind::MethodNotAllowed => "error.not_found",
        ErrorKind::Gone => "error.gone",
        ErrorKind::TooManyRequests => "error.too_many",
        ErrorKind::Internal | ErrorKind::Unavailable => "error.internal",
        _ => "error.bad_request",
    };
    let heading = t(key);
    // Internal causes stay in the log.
    let detail = match kind {
        ErrorKind::Internal => "",
        _ => detail,
    };
    let mut page = Page::bare(site, heading);
    page.here = req.path().to_string();
    let body = ErrorPage {
        page,
        status: kind.status().as_u16(),
        heading,
        detail,
    }
    .render()
    .unwrap_or_else(|_| heading.to_string());
    let mut response = HttpResponse::build(kind.status());
    response.content_type("text/html; charset=utf-8");
    if let Some(r) = retry_after {
        response.insert_header((header::RETRY_AFTER, r));
    }
    response.body(body)
}

/// A query-string value, percent-encoded.
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

//! The REST API under `/api/v1`: translates HTTP to community rules and
//! rules' results to JSON. Sessions are checked here; nothing is decided here.

pub mod accounts;
pub mod albums;
pub mod analytics;
pub mod api_tokens;
pub mod articles;
pub mod auth;
pub mod blocks;
pub mod branding;
pub mod cache;
pub mod client;
pub mod domains;
pub mod email;
pub mod escalation;
pub mod groups;
pub mod ideas;
pub mod influence;
pub mod input;
pub mod media;
pub mod moderation;
pub mod notifications;
pub mod openapi;
pub mod people;
pub mod posts;
pub mod reports;
pub mod reputation;
pub mod request_id;
pub mod review;
pub mod search;
pub mod terms;
pub mod upload;
pub mod views;
pub mod webhooks;

use crate::error::{Error, ErrorKind};
use crate::App;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::middleware::{from_fn, Next};
use actix_web::ResponseError;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

/// The whole route table.
pub fn configure(app: &web::Data<App>) -> impl FnOnce(&mut web::ServiceConfig) {
    let limit = app.config.limits.request_body_bytes;
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(
            web::JsonConfig::default()
                .limit(limit)
                .error_handler(json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .route("/healthz", web::get().to(healthz))
        .configure(crate::web::routes)
        .configure(crate::mastodon::outer_routes)
        .service(
            web::scope("/api/v1")
                // First: paths Guildhall's API has too, taken only with an
                // app's OAuth token (docs/mastodon.md).
                .configure(crate::mastodon::clashing_routes)
                .configure(accounts::routes)
                .configure(email::routes)
                .configure(groups::routes)
                .configure(posts::routes)
                .configure(ideas::routes)
                .configure(people::routes)
                .configure(blocks::routes)
                .configure(notifications::routes)
                .configure(domains::routes)
                .configure(review::routes)
                .configure(terms::routes)
                .configure(branding::routes)
                .configure(reports::routes)
                .configure(reputation::routes)
                .configure(search::routes)
                .configure(webhooks::routes)
                .configure(articles::routes)
                .configure(media::routes)
                .configure(escalation::routes)
                .configure(influence::routes)
                .configure(api_tokens::routes)
                .configure(analytics::routes)
                .configure(albums::routes)
                // After the other routes: its `/posts/{id}/{action}` must
                // not shadow `/posts/{id}/comments` and `/vote`.
                .configure(moderation::routes)
                .configure(crate::mastodon::routes)
                .route("/openapi.json", web::get().to(openapi::serve))
                .configure(unrouted),
        )
        .default_service(web::to(not_found));
    }
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let e = match &err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            Error::too_large(format!("the request body is over the {limit}-byte limit"))
        }
        JsonPayloadError::ContentType => Error::new(
            ErrorKind::UnsupportedMediaType,
            "send the body as JSON with Content-Type: application/json",
        ),
        JsonPayloadError::Deserialize(de) if de.is_data() => {
            Error::unprocessable(format!("the JSON does not fit: {de}"))
        }
        JsonPayloadError::Deserialize(de) => Error::bad_request(format!("malformed JSON: {de}")),
        other => Error::bad_request(format!("cannot read the request body: {other}")),
    };
    e.into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    Error::bad_request(format!("bad query string: {err}")).into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    Error::new(ErrorKind::NotFound, format!("no such resource: {err}")).into()
}

/// Registered after every route (of the app, and of the `/api/v1` scope,
/// whose unmatched paths do not reach the app's routes): a path no route
/// takes is 404; a path that routes take with other methods is 405 with
/// `Allow`. Actix's method guards note on the request the methods they
/// were checked against (only on routes whose path matched), and a
/// resource without routes answers 405 with an `Allow` of those, or
/// without one when there were none; that answer is made JSON here.
pub fn unrouted(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/{tail:.*}").wrap(from_fn(method_or_not_found)));
}

async fn method_or_not_found(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse, actix_web::Error> {
    let what = format!("{} {}", req.method(), req.path());
    let answer = next.call(req).await?;
    let allow = answer.headers().get(header::ALLOW).cloned();
    let (req, _) = answer.into_parts();
    let response = match allow {
        Some(allow) => {
            let detail = format!(
                "{what}: this path takes {}",
                allow.to_str().unwrap_or("other methods")
            );
            let mut response = Error::new(ErrorKind::MethodNotAllowed, detail).error_response();
            response.headers_mut().insert(header::ALLOW, allow);
            response
        }
        None => Error::not_found(format!("no route for {what}")).error_response(),
    };
    Ok(ServiceResponse::new(req, response))
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, Error> {
    Err(Error::not_found(format!(
        "no route for {} {}",
        req.method(),
        req.path()
    )))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
    pub version: &'static str,
}

/// Liveness and store check: 200 when the database answers, 503 otherwise.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
pub async fn healthz(app: web::Data<App>) -> Result<HttpResponse, Error> {
    app.store.check().await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok",
        database: app.store.backend().name(),
        version: env!("CARGO_PKG_VERSION"),
    }))
}

//! Terms of service routes.

use super::auth::Auth;
use super::input::Json;
use crate::error::{Error, ErrorBody};
use crate::moderation::terms;
use crate::store::terms::Terms;
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/terms", web::get().to(current))
        .route("/terms/accept", web::post().to(accept))
        .route("/admin/terms", web::put().to(publish));
}

#[derive(Serialize, ToSchema)]
pub struct TermsView {
    pub version: i64,
    /// Markdown.
    pub body: String,
    pub published_at: DateTime<Utc>,
}

impl From<&Terms> for TermsView {
    fn from(t: &Terms) -> Self {
        TermsView {
            version: t.version,
            body: t.body.clone(),
            published_at: t.created_at.and_utc(),
        }
    }
}

/// The current terms of service.
#[utoipa::path(get, path = "/api/v1/terms", tag = "accounts",
    responses((status = 200, body = TermsView), (status = 404, description = "no terms", body = ErrorBody)))]
pub async fn current(app: web::Data<App>) -> Result<HttpResponse, Error> {
    Ok(HttpResponse::Ok().json(TermsView::from(&terms::current(&app).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    pub version: i64,
}

/// Accept the current version (needed to post after the terms change).
#[utoipa::path(post, path = "/api/v1/terms/accept", tag = "accounts", security(("bearer" = [])),
    request_body = AcceptRequest,
    responses((status = 200, body = TermsView), (status = 404, body = ErrorBody),
        (status = 409, description = "not the current version", body = ErrorBody)))]
pub async fn accept(
    app: web::Data<App>,
    auth: Auth,
    body: Json<AcceptRequest>,
) -> Result<HttpResponse, Error> {
    let t = terms::accept(&app, &auth.actor(), body.version).await?;
    Ok(HttpResponse::Ok().json(TermsView::from(&t)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Markdown.
    pub body: String,
}

/// Publish a new version (admins): everyone accepts it before posting again.
#[utoipa::path(put, path = "/api/v1/admin/terms", tag = "accounts", security(("bearer" = [])),
    request_body = PublishRequest,
    responses((status = 201, body = TermsView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish(
    app: web::Data<App>,
    auth: Auth,
    body: Json<PublishRequest>,
) -> Result<HttpResponse, Error> {
    let t = terms::publish(&app, &auth.actor(), &body.body).await?;
    Ok(HttpResponse::Created().json(TermsView::from(&t)))
}

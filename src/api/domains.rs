//! Federation policy routes (instance admins and moderators): the mode and
//! each server's policy.

use super::auth::Auth;
use super::input::Json;
use crate::error::{Error, ErrorBody};
use crate::moderation::policy;
use crate::store::instances::Instance;
use crate::App;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/federation", web::get().to(overview))
        .route("/admin/federation", web::put().to(set_mode))
        .route("/admin/domains/{domain}", web::put().to(set_policy));
}

#[derive(Serialize, ToSchema)]
pub struct DomainView {
    pub domain: String,
    /// open, allowed, silenced or blocked.
    pub policy: String,
    /// Deliveries to it are failing for too long.
    pub dead: bool,
    /// Its media are kept out (neither linked nor stored).
    pub reject_media: bool,
}

impl From<&Instance> for DomainView {
    fn from(i: &Instance) -> Self {
        DomainView {
            domain: i.domain.clone(),
            policy: i.policy.to_string(),
            dead: i.dead,
            reject_media: i.reject_media,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FederationView {
    /// open (every server not blocked) or allowlist (allowed servers only).
    pub mode: String,
    /// Servers with a policy other than open.
    pub domains: Vec<DomainView>,
}

/// The federation mode and the servers with a policy.
#[utoipa::path(get, path = "/api/v1/admin/federation", tag = "moderation", security(("bearer" = [])),
    responses((status = 200, body = FederationView), (status = 403, body = ErrorBody)))]
pub async fn overview(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let (mode, domains) = policy::overview(&app, Some(&auth.actor())).await?;
    Ok(HttpResponse::Ok().json(FederationView {
        mode,
        domains: domains.iter().map(DomainView::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeRequest {
    /// open or allowlist.
    pub mode: String,
}

/// Switch between open federation and partners only, at once.
#[utoipa::path(put, path = "/api/v1/admin/federation", tag = "moderation", security(("bearer" = [])),
    request_body = ModeRequest,
    responses((status = 200, body = FederationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_mode(
    app: web::Data<App>,
    auth: Auth,
    body: Json<ModeRequest>,
) -> Result<HttpResponse, Error> {
    let actor = auth.actor();
    policy::set_mode(&app, Some(&actor), &body.mode).await?;
    let (mode, domains) = policy::overview(&app, Some(&actor)).await?;
    Ok(HttpResponse::Ok().json(FederationView {
        mode,
        domains: domains.iter().map(DomainView::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRequest {
    /// open, allowed, silenced or blocked.
    pub policy: String,
}

/// Set a server's policy (`host` or `host:port`).
#[utoipa::path(put, path = "/api/v1/admin/domains/{domain}", tag = "moderation", security(("bearer" = [])),
    params(("domain" = String, Path)), request_body = PolicyRequest,
    responses((status = 200, body = DomainView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_policy(
    app: web::Data<App>,
    auth: Auth,
    domain: web::Path<String>,
    body: Json<PolicyRequest>,
) -> Result<HttpResponse, Error> {
    let i = policy::set_policy(&app, Some(&auth.actor()), &domain, &body.policy).await?;
    Ok(HttpResponse::Ok().json(DomainView::from(&i)))
}

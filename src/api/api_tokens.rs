//! Integration tokens (admins, by their own session: an integration token
//! never manages tokens): create one (shown once), list, revoke.

use super::auth::Auth;
use super::input::Json;
use super::views::{utc, PersonRef};
use crate::community::api_tokens::{self, TokenInput, TokenLine};
use crate::error::{Error, ErrorBody};
use crate::store::api_tokens::Scope;
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/tokens", web::get().to(list))
        .route("/admin/tokens", web::post().to(create))
        .route("/admin/tokens/{id}", web::delete().to(revoke));
}

#[derive(Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// analytics:read, webhooks:manage, accounts:external_id.
    #[schema(value_type = Vec<String>)]
    pub scopes: Vec<Scope>,
    /// The token (`ghi_...`): in the answer to its creation only, never
    /// again (only its hash is kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub created_by: PersonRef,
    pub created_at: DateTime<Utc>,
    /// Renewed at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Neither revoked nor expired.
    pub live: bool,
}

fn view(line: TokenLine, token: Option<String>) -> TokenView {
    let live = line.live_at(crate::store::now());
    let t = line.token;
    TokenView {
        id: t.id,
        name: t.name,
        scopes: line.scopes,
        token,
        created_by: PersonRef::from(&line.created_by),
        created_at: utc(t.created_at),
        last_used_at: t.last_used_at.map(utc),
        expires_at: t.expires_at.map(utc),
        revoked_at: t.revoked_at.map(utc),
        live,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What it is for ("CRM", say).
    pub name: String,
    /// At least one of analytics:read, webhooks:manage,
    /// accounts:external_id.
    pub scopes: Vec<String>,
    /// When it stops working (in the future); none: it does not expire.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Every integration token, newest first (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/admin/tokens", tag = "integrations", security(("bearer" = [])),
    responses((status = 200, body = [TokenView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let lines = api_tokens::list(&app, &auth.actor()).await?;
    Ok(HttpResponse::Ok().json(lines.into_iter().map(|l| view(l, None)).collect::<Vec<_>>()))
}

/// Create an integration token; the answer holds the token, shown this
/// once.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "integrations", security(("bearer" = [])),
    request_body = TokenRequest,
    responses((status = 201, body = TokenView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    app: web::Data<App>,
    auth: Auth,
    body: Json<TokenRequest>,
) -> Result<HttpResponse, Error> {
    let body = body.into_inner();
    let input = TokenInput {
        name: body.name,
        scopes: body.scopes,
        expires_at: body.expires_at.map(|t| t.naive_utc()),
    };
    let created = api_tokens::create(&app, &auth.actor(), input).await?;
    Ok(HttpResponse::Created().json(view(created.line, Some(created.token))))
}

/// Revoke an integration token: refused from now on.
#[utoipa::path(delete, path = "/api/v1/admin/tokens/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    api_tokens::revoke(&app, &auth.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

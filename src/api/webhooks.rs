//! Webhooks and CRM ids (admins, or integration tokens with the scope
//! `webhooks:manage` or `accounts:external_id`): register endpoints, read
//! their delivery log, send a message again, and read, set and look up an
//! account's `external_id`.

use super::input::Json;
use super::views::utc;
use super::views::PersonRef;
use crate::community::principal::Principal;
use crate::error::{Error, ErrorBody};
use crate::store::api_tokens::Scope;
use crate::store::webhooks::{Webhook, WebhookDelivery, WebhookState};
use crate::webhooks::{self, kinds_of, Kind, WebhookInput};
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/webhooks", web::get().to(list))
        .route("/admin/webhooks", web::post().to(create))
        .route("/admin/webhooks/{id}", web::get().to(get))
        .route("/admin/webhooks/{id}", web::put().to(update))
        .route("/admin/webhooks/{id}", web::delete().to(delete))
        .route("/admin/webhooks/{id}/deliveries", web::get().to(deliveries))
        .route(
            "/admin/webhooks/{id}/deliveries/{delivery}/redeliver",
            web::post().to(redeliver),
        )
        .route(
            "/admin/accounts/{name}/external_id",
            web::put().to(set_external_id),
        )
        .route(
            "/admin/accounts/{name}/external_id",
            web::get().to(get_external_id),
        )
        .route("/admin/accounts", web::get().to(accounts_by_external_id));
}

#[derive(Serialize, ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    #[schema(value_type = Vec<String>)]
    pub kinds: Vec<Kind>,
    pub description: String,
    pub enabled: bool,
    /// Why it is switched off.
    pub disabled_reason: Option<String>,
    /// Deliveries that failed in a row.
    pub failures: i32,
    /// The signing secret (`whsec_...`): shown when created and to an
    /// admin asking for this one webhook, never in the list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Whether a view shows the signing secret.
enum Secret {
    Shown,
    Hidden,
}

fn view(w: Webhook, secret: Secret) -> WebhookView {
    WebhookView {
        id: w.id,
        kinds: kinds_of(&w),
        url: w.url,
        description: w.description,
        enabled: w.enabled,
        disabled_reason: w.disabled_reason,
        failures: w.failures,
        secret: match secret {
            Secret::Shown => Some(w.secret),
            Secret::Hidden => None,
        },
        created_at: utc(w.created_at),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where messages are POSTed: an https URL on a public address.
    pub url: String,
    /// The kinds wanted: member.joined, member.left, thread.created,
    /// answer.accepted, report.filed, report.closed, rank.changed,
    /// question.escalated.
    pub kinds: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl From<WebhookRequest> for WebhookInput {
    fn from(r: WebhookRequest) -> Self {
        WebhookInput {
            url: r.url,
            kinds: r.kinds,
            description: r.description,
            enabled: r.enabled,
        }
    }
}

/// Every webhook (without secrets).
#[utoipa::path(get, path = "/api/v1/admin/webhooks", tag = "integrations", security(("bearer" = [])),
    responses((status = 200, body = [WebhookView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(app: web::Data<App>, principal: Principal) -> Result<HttpResponse, Error> {
    let all = webhooks::list(&app, &principal.grant(Scope::WebhooksManage)?).await?;
    Ok(HttpResponse::Ok().json(
        all.into_iter()
            .map(|w| view(w, Secret::Hidden))
            .collect::<Vec<_>>(),
    ))
}

/// Register a webhook; the answer holds its signing secret.
#[utoipa::path(post, path = "/api/v1/admin/webhooks", tag = "integrations", security(("bearer" = [])),
    request_body = WebhookRequest,
    responses((status = 201, body = WebhookView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    app: web::Data<App>,
    principal: Principal,
    body: Json<WebhookRequest>,
) -> Result<HttpResponse, Error> {
    let w = webhooks::create(
        &app,
        &principal.grant(Scope::WebhooksManage)?,
        body.into_inner().into(),
    )
    .await?;
    Ok(HttpResponse::Created().json(view(w, Secret::Shown)))
}

/// One webhook, with its secret.
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = WebhookView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    app: web::Data<App>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let w = webhooks::get(&app, &principal.grant(Scope::WebhooksManage)?, *id).await?;
    Ok(HttpResponse::Ok().json(view(w, Secret::Shown)))
}

/// Change a webhook; switching it on again clears its failures, switching
/// it off stops its waiting deliveries.
#[utoipa::path(put, path = "/api/v1/admin/webhooks/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = WebhookRequest,
    responses((status = 200, body = WebhookView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    app: web::Data<App>,
    principal: Principal,
    id: web::Path<i64>,
    body: Json<WebhookRequest>,
) -> Result<HttpResponse, Error> {
    let w = webhooks::update(
        &app,
        &principal.grant(Scope::WebhooksManage)?,
        *id,
        body.into_inner().into(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(view(w, Secret::Hidden)))
}

/// Remove a webhook and its log.
#[utoipa::path(delete, path = "/api/v1/admin/webhooks/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    app: web::Data<App>,
    principal: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    webhooks::delete(&app, &principal.grant(Scope::WebhooksManage)?, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// The `webhook-id` header: the same for a message sent again.
    pub message_id: String,
    pub kind: String,
    /// pending, sending, delivered or failed.
    #[schema(value_type = String)]
    pub state: WebhookState,
    pub attempts: i32,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    /// The message as sent (JSON).
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the next attempt is due (waiting deliveries).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl From<WebhookDelivery> for DeliveryView {
    fn from(d: WebhookDelivery) -> Self {
        DeliveryView {
            id: d.id,
            payload: serde_json::from_str(&d.payload).unwrap_or(serde_json::Value::Null),
            message_id: d.message_id,
            kind: d.kind,
            next_attempt_at: (d.state == WebhookState::Pending).then(|| utc(d.next_attempt_at)),
            state: d.state,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: utc(d.created_at),
            delivered_at: d.delivered_at.map(utc),
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// From 0.
    pub page: Option<i64>,
}

/// A webhook's delivery log, newest first.
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}/deliveries", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = [DeliveryView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn deliveries(
    app: web::Data<App>,
    principal: Principal,
    id: web::Path<i64>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, Error> {
    let log = webhooks::deliveries(
        &app,
        &principal.grant(Scope::WebhooksManage)?,
        *id,
        q.page.unwrap_or(0),
    )
    .await?;
    Ok(HttpResponse::Ok().json(log.into_iter().map(DeliveryView::from).collect::<Vec<_>>()))
}

/// Send a delivery's message again (a new entry in the log, the same
/// message id).
#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/deliveries/{delivery}/redeliver", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path), ("delivery" = i64, Path)),
    responses((status = 202, body = DeliveryView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn redeliver(
    app: web::Data<App>,
    principal: Principal,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let (id, delivery) = path.into_inner();
    let d =
        webhooks::redeliver(&app, &principal.grant(Scope::WebhooksManage)?, id, delivery).await?;
    Ok(HttpResponse::Accepted().json(DeliveryView::from(d)))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalId {
    /// The CRM's id of the account; null or "" clears it.
    pub external_id: Option<String>,
}

/// Set the CRM's id of a local account (webhook payloads carry it).
/// Admins, or an integration token with the scope `accounts:external_id`.
#[utoipa::path(put, path = "/api/v1/admin/accounts/{name}/external_id", tag = "integrations", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = ExternalId,
    responses((status = 200, body = ExternalId), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_external_id(
    app: web::Data<App>,
    principal: Principal,
    name: web::Path<String>,
    body: Json<ExternalId>,
) -> Result<HttpResponse, Error> {
    let external_id = webhooks::set_external_id(
        &app,
        &principal.grant(Scope::AccountsExternalId)?,
        &name,
        body.into_inner().external_id,
    )
    .await?;
    Ok(HttpResponse::Ok().json(ExternalId { external_id }))
}

/// A local account's CRM id. Admins, or an integration token with the
/// scope `accounts:external_id`.
#[utoipa::path(get, path = "/api/v1/admin/accounts/{name}/external_id", tag = "integrations", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses((status = 200, body = ExternalId), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_external_id(
    app: web::Data<App>,
    principal: Principal,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let grant = principal.grant(Scope::AccountsExternalId)?;
    let account = webhooks::external_id(&app, &grant, &name).await?;
    Ok(HttpResponse::Ok().json(ExternalId {
        external_id: account.user.external_id,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ExternalIdQuery {
    /// The CRM's id to look up.
    pub external_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct AccountWithExternalId {
    pub person: PersonRef,
    pub external_id: Option<String>,
}

/// The local accounts with a CRM id: how a CRM maps its customer back to
/// an account (empty when none has it; several accounts may share one).
/// Admins, or an integration token with the scope `accounts:external_id`.
#[utoipa::path(get, path = "/api/v1/admin/accounts", tag = "integrations", security(("bearer" = [])),
    params(ExternalIdQuery),
    responses((status = 200, body = [AccountWithExternalId]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn accounts_by_external_id(
    app: web::Data<App>,
    principal: Principal,
    q: web::Query<ExternalIdQuery>,
) -> Result<HttpResponse, Error> {
    let grant = principal.grant(Scope::AccountsExternalId)?;
    let found = webhooks::accounts_with_external_id(&app, &grant, &q.external_id).await?;
    Ok(HttpResponse::Ok().json(
        found
            .into_iter()
            .map(|a| AccountWithExternalId {
                person: PersonRef::from(&a.person),
                external_id: a.user.external_id,
            })
            .collect::<Vec<_>>(),
    ))
}

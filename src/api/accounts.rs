//! Accounts and sessions: sign-up, login, logout, `me`, and the
//! administrator's sign-up approvals.

use super::auth::Auth;
use super::client::ClientAddress;
use super::input::Json;
use super::views::{AccountView, LoginView};
use crate::community::accounts::{self, ProfileEdit, Registration};
use crate::error::{Error, ErrorBody};
use crate::store::people::SessionKind;
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/accounts", web::post().to(register))
        .route("/auth/login", web::post().to(login))
        .route("/auth/logout", web::post().to(logout))
        .route("/me", web::get().to(me))
        .route("/me", web::patch().to(update_me))
        .route("/admin/registrations", web::get().to(pending))
        .route(
            "/admin/registrations/{name}/approve",
            web::post().to(approve),
        )
        .route("/admin/registrations/{name}/reject", web::post().to(reject));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3-30 characters: lowercase letters, digits, underscore.
    pub username: String,
    /// At least 8 characters.
    pub password: String,
    pub email: Option<String>,
    /// The current version of the terms of service (`GET /api/v1/terms`),
    /// required when the server has terms.
    pub accept_terms: Option<i64>,
}

/// Create an account. In approval mode it is `pending` until an admin approves.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = RegisterRequest,
    responses((status = 201, body = AccountView), (status = 403, description = "registration closed", body = ErrorBody),
        (status = 409, description = "name or email taken", body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "too many sign-ups from this address", body = ErrorBody)))]
pub async fn register(
    app: web::Data<App>,
    from: ClientAddress,
    body: Json<RegisterRequest>,
) -> Result<HttpResponse, Error> {
    let body = body.into_inner();
    let account = accounts::register(
        &app,
        Registration {
            username: body.username,
            password: body.password,
            email: body.email,
            accept_terms: body.accept_terms,
        },
        from.0,
    )
    .await?;
    Ok(HttpResponse::Created().json(AccountView::from(&account)))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Exchange a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = LoginView), (status = 401, body = ErrorBody),
        (status = 403, description = "awaiting approval", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    app: web::Data<App>,
    from: ClientAddress,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, Error> {
    let (token, account) = accounts::login(
        &app,
        &body.username,
        &body.password,
        from.0,
        SessionKind::Api,
        super::client::user_agent(&req),
    )
    .await?;
    Ok(HttpResponse::Ok().json(LoginView {
        token,
        account: AccountView::from(&account),
    }))
}

/// Revoke the token this request was made with.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    accounts::logout(&app, &auth.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody)))]
pub async fn me(auth: Auth) -> HttpResponse {
    HttpResponse::Ok().json(AccountView::from(&auth.account))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    /// Empty string clears it.
    pub display_name: Option<String>,
    /// Markdown; empty string clears it.
    pub bio: Option<String>,
}

/// Edit the signed-in account's profile.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), request_body = ProfileRequest,
    responses((status = 200, body = AccountView), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_me(
    app: web::Data<App>,
    auth: Auth,
    body: Json<ProfileRequest>,
) -> Result<HttpResponse, Error> {
    let body = body.into_inner();
    let person = accounts::update_profile(
        &app,
        &auth.actor(),
        ProfileEdit {
            display_name: body.display_name,
            bio: body.bio,
        },
    )
    .await?;
    let account = accounts::Account {
        person,
        user: auth.account.user,
    };
    Ok(HttpResponse::Ok().json(AccountView::from(&account)))
}

/// Sign-ups waiting for approval (admins).
#[utoipa::path(get, path = "/api/v1/admin/registrations", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<AccountView>), (status = 403, body = ErrorBody)))]
pub async fn pending(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let list = accounts::pending_registrations(&app, &auth.actor()).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(AccountView::from).collect::<Vec<_>>()))
}

/// Approve a pending sign-up (admins).
#[utoipa::path(post, path = "/api/v1/admin/registrations/{name}/approve", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path, description = "username")),
    responses((status = 200, body = AccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let account = accounts::decide_registration(&app, Some(&auth.actor()), &name, true).await?;
    Ok(HttpResponse::Ok().json(AccountView::from(&account)))
}

/// Reject a pending sign-up (admins).
#[utoipa::path(post, path = "/api/v1/admin/registrations/{name}/reject", tag = "admin", security(("bearer" = [])),
    params(("name" = String, Path, description = "username")),
    responses((status = 200, body = AccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reject(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let account = accounts::decide_registration(&app, Some(&auth.actor()), &name, false).await?;
    Ok(HttpResponse::Ok().json(AccountView::from(&account)))
}

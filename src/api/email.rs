//! Email through the API: a member's address and mail frequency, the
//! verification mail sent again, confirming an address, and password
//! reset (asking, and setting the new password with the mailed token).

use super::auth::Auth;
use super::input::Json;
use crate::community::email::{self, MailSettings, SettingsEdit, Who};
use crate::community::password_reset;
use crate::config::Verification;
use crate::error::{Error, ErrorBody};
use crate::store::mail::Frequency;
use crate::App;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/me/email", web::get().to(get_settings))
        .route("/me/email", web::patch().to(update_settings))
        .route("/me/email/verification", web::post().to(resend))
        .route("/auth/verify_email", web::post().to(verify))
        .route("/auth/verify_email/resend", web::post().to(resend_to))
        .route("/auth/password_reset", web::post().to(request_reset))
        .route(
            "/auth/password_reset/confirm",
            web::post().to(confirm_reset),
        );
}

#[derive(Serialize, ToSchema)]
pub struct EmailSettingsView {
    /// The account's address, if it has one.
    pub address: Option<String>,
    /// Whether the address was confirmed (by its verification link).
    pub verified: bool,
    /// How often notification mail comes.
    pub frequency: Frequency,
    /// Whether this server sends mail at all.
    pub mail_enabled: bool,
    /// The server's rule: required, optional or off.
    pub verification: String,
}

fn settings_view(app: &App, s: MailSettings) -> EmailSettingsView {
    EmailSettingsView {
        address: s.address,
        verified: s.verified,
        frequency: s.frequency,
        mail_enabled: app.config.smtp.configured(),
        verification: match app.config.email.verification {
            Verification::Required => "required",
            Verification::Optional => "optional",
            Verification::Off => "off",
        }
        .to_string(),
    }
}

/// The signed-in account's address and mail settings.
#[utoipa::path(get, path = "/api/v1/me/email", tag = "email", security(("bearer" = [])),
    responses((status = 200, body = EmailSettingsView), (status = 401, body = ErrorBody)))]
pub async fn get_settings(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let s = email::settings(&app, &auth.account).await?;
    Ok(HttpResponse::Ok().json(settings_view(&app, s)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailSettingsRequest {
    /// A new address: it is unconfirmed until its verification link is opened.
    pub address: Option<String>,
    /// immediate (one mail per notification), daily (one digest a day) or never.
    pub frequency: Option<Frequency>,
}

/// Change the address or the notification mail frequency.
#[utoipa::path(patch, path = "/api/v1/me/email", tag = "email", security(("bearer" = [])),
    request_body = EmailSettingsRequest,
    responses((status = 200, body = EmailSettingsView), (status = 401, body = ErrorBody),
        (status = 409, description = "address taken", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_settings(
    app: web::Data<App>,
    auth: Auth,
    body: Json<EmailSettingsRequest>,
) -> Result<HttpResponse, Error> {
    let body = body.into_inner();
    let s = email::update_settings(
        &app,
        &auth.account,
        SettingsEdit {
            address: body.address,
            frequency: body.frequency,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(settings_view(&app, s)))
}

/// Send the verification mail again.
#[utoipa::path(post, path = "/api/v1/me/email/verification", tag = "email", security(("bearer" = [])),
    responses((status = 202, description = "queued"), (status = 401, body = ErrorBody),
        (status = 409, description = "already confirmed", body = ErrorBody),
        (status = 422, description = "no address, or this server does not verify", body = ErrorBody),
        (status = 501, description = "this server sends no mail", body = ErrorBody)))]
pub async fn resend(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    email::resend_verification(&app, &auth.account).await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The token of the mailed link (its last path segment).
    pub token: String,
}

/// Confirm an address with the token of its verification link (the link
/// itself, `GET /email/verify/{token}`, does the same from a browser).
#[utoipa::path(post, path = "/api/v1/auth/verify_email", tag = "email", request_body = TokenRequest,
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 410, description = "used or expired", body = ErrorBody)))]
pub async fn verify(app: web::Data<App>, body: Json<TokenRequest>) -> Result<HttpResponse, Error> {
    email::verify(&app, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// The account's address, or
    pub email: Option<String>,
    /// its user name.
    pub name: Option<String>,
}

impl ResetRequest {
    fn who(self) -> Result<Who, Error> {
        match (self.email, self.name) {
            (Some(e), None) => Ok(Who::Email(e)),
            (None, Some(n)) => Ok(Who::Name(n)),
            _ => Err(Error::unprocessable(
                "send either \"email\" or \"name\", one of them",
            )),
        }
    }
}

/// Send the verification mail again without a session (logging in waits
/// for it when verification is required). Answers 202 whether or not such
/// an account exists.
#[utoipa::path(post, path = "/api/v1/auth/verify_email/resend", tag = "email", request_body = ResetRequest,
    responses((status = 202, description = "a new link is mailed if the account exists with an unconfirmed address"),
        (status = 422, body = ErrorBody),
        (status = 501, description = "this server sends no mail", body = ErrorBody)))]
pub async fn resend_to(
    app: web::Data<App>,
    body: Json<ResetRequest>,
) -> Result<HttpResponse, Error> {
    email::resend_to(&app, body.into_inner().who()?).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Ask for a password reset link by mail. Answers 202 whether or not such
/// an account exists.
#[utoipa::path(post, path = "/api/v1/auth/password_reset", tag = "email", request_body = ResetRequest,
    responses((status = 202, description = "a link is mailed if the account exists and has an address"),
        (status = 422, body = ErrorBody),
        (status = 501, description = "this server sends no mail", body = ErrorBody)))]
pub async fn request_reset(
    app: web::Data<App>,
    body: Json<ResetRequest>,
) -> Result<HttpResponse, Error> {
    let who = body.into_inner().who()?;
    password_reset::request(&app, who).await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmRequest {
    /// The token of the mailed link.
    pub token: String,
    /// At least 8 characters.
    pub password: String,
}

/// Set a new password with a reset link's token. Every session of the
/// account ends.
#[utoipa::path(post, path = "/api/v1/auth/password_reset/confirm", tag = "email", request_body = ResetConfirmRequest,
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 410, description = "used or expired", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm_reset(
    app: web::Data<App>,
    body: Json<ResetConfirmRequest>,
) -> Result<HttpResponse, Error> {
    let body = body.into_inner();
    password_reset::complete(&app, &body.token, body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

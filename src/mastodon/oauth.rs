//! OAuth 2 over HTTP: apps register (`POST /api/v1/apps`), trade a grant
//! for a token (`POST /oauth/token`) and revoke it (`POST /oauth/revoke`).
//! The consent page (`/oauth/authorize`) is a web page: `web::oauth`.
//! Token errors answer OAuth's shape, `{"error", "error_description"}`.

use super::auth::Caller;
use super::body::{one_or_many, Params};
use super::entities::{Application, Empty, OAuthError, Token};
use crate::api::client::ClientAddress;
use crate::community::oauth::{self, AppInput, Grant, Refusal, Scopes, TokenError};
use crate::error::Result;
use crate::store::oauth::OAuthApp;
use crate::App;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use serde::Deserialize;

pub fn app_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/apps", web::post().to(register))
        .route("/apps/verify_credentials", web::get().to(verify));
}

pub fn token_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth/token", web::post().to(token))
        .route("/oauth/revoke", web::post().to(revoke));
}

pub fn application(app: &OAuthApp, secret: Option<String>) -> Application {
    let uris: Vec<String> = app.redirect_uris().map(str::to_string).collect();
    Application {
        id: app.id.to_string(),
        name: app.name.clone(),
        website: app.website.clone(),
        scopes: Scopes::stored(&app.scopes)
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        redirect_uri: uris.join("\n"),
        redirect_uris: uris,
        client_id: secret.as_ref().map(|_| app.client_id.clone()),
        client_secret: secret,
        vapid_key: String::new(),
    }
}

#[derive(Deserialize)]
struct AppForm {
    client_name: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    redirect_uris: Vec<String>,
    scopes: Option<String>,
    website: Option<String>,
}

async fn register(app: web::Data<App>, form: Params<AppForm>) -> Result<HttpResponse> {
    let form = form.into_inner();
    let registered = oauth::register_app(
        &app,
        AppInput {
            client_name: form.client_name.unwrap_or_default(),
            redirect_uris: form.redirect_uris,
            scopes: form.scopes,
            website: form.website,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(application(&registered.app, Some(registered.client_secret))))
}

async fn verify(caller: Caller) -> Result<HttpResponse> {
    match &caller.app {
        Some(app) => Ok(HttpResponse::Ok().json(application(app, None))),
        None => Err(crate::error::Error::forbidden(
            "a Guildhall session token belongs to no app",
        )),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

fn oauth_error(e: TokenError) -> HttpResponse {
    let (status, error, detail) = match e {
        TokenError::Refused(r, detail) => {
            let status = match r {
                Refusal::InvalidClient => StatusCode::UNAUTHORIZED,
                _ => StatusCode::BAD_REQUEST,
            };
            (status, r.as_str(), detail)
        }
        TokenError::Failed(e) => {
            if e.kind.status().is_server_error() {
                tracing::error!(error = ?e, "token request failed");
            }
            (e.kind.status(), e.kind.code(), e.detail)
        }
    };
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(OAuthError {
            error,
            error_description: detail,
        })
}

/// The client's id and secret: from the form, or HTTP Basic (RFC 6749, 2.3.1).
fn client_credentials(
    req: &HttpRequest,
    id: Option<String>,
    secret: Option<String>,
) -> std::result::Result<(String, String), TokenError> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, b64)| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(i, s)| (i.to_string(), s.to_string()))
        });
    match (id, secret, basic) {
        (Some(id), Some(secret), _) => Ok((id, secret)),
        (_, _, Some(pair)) => Ok(pair),
        _ => Err(TokenError::Refused(
            Refusal::InvalidClient,
            "client_id and client_secret are required".into(),
        )),
    }
}

fn required(value: Option<String>, name: &str) -> std::result::Result<String, TokenError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| TokenError::Refused(Refusal::InvalidRequest, format!("{name} is required")))
}

async fn token(
    app: web::Data<App>,
    req: HttpRequest,
    from: ClientAddress,
    form: Params<TokenForm>,
) -> HttpResponse {
    match issue(&app, &req, from, form.into_inner()).await {
        Ok(t) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(t),
        Err(e) => oauth_error(e),
    }
}

async fn issue(
    app: &App,
    req: &HttpRequest,
    from: ClientAddress,
    form: TokenForm,
) -> std::result::Result<Token, TokenError> {
    let grant = match form.grant_type.as_deref() {
        Some("authorization_code") => Grant::AuthorizationCode {
            code: required(form.code, "code")?,
            redirect_uri: form.redirect_uri,
            code_verifier: form.code_verifier,
        },
        Some("password") => Grant::Password {
            username: required(form.username, "username")?,
            password: required(form.password, "password")?,
            from: from.0,
        },
        Some("client_credentials") => Grant::ClientCredentials,
        Some(other) => {
            return Err(TokenError::Refused(
                Refusal::UnsupportedGrantType,
                format!(
                    "grant_type {other:?} is not supported: use authorization_code, password or client_credentials"
                ),
            ))
        }
        None => {
            return Err(TokenError::Refused(
                Refusal::InvalidRequest,
                "grant_type is required".into(),
            ))
        }
    };
    let (id, secret) = client_credentials(req, form.client_id, form.client_secret)?;
    let issued = oauth::issue(app, &id, &secret, form.scope.as_deref(), grant).await?;
    Ok(Token {
        access_token: issued.access_token,
        token_type: "Bearer",
        scope: issued.scopes.to_string(),
        created_at: issued.created_at.and_utc().timestamp(),
    })
}

#[derive(Deserialize)]
struct RevokeForm {
    client_id: Option<String>,
    client_secret: Option<String>,
    token: Option<String>,
}

async fn revoke(app: web::Data<App>, req: HttpRequest, form: Params<RevokeForm>) -> HttpResponse {
    let form = form.into_inner();
    let done = async {
        let (id, secret) = client_credentials(&req, form.client_id, form.client_secret)?;
        let token = required(form.token, "token")?;
        oauth::revoke(&app, &id, &secret, &token).await
    };
    match done.await {
        Ok(()) => HttpResponse::Ok().json(Empty {}),
        Err(e) => oauth_error(e),
    }
}

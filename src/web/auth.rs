//! Signing in and out with a cookie session. The same rule as the API's
//! login applies (throttled per address and per name, pending accounts
//! refused, unconfirmed addresses refused).

use super::forms::shown_on_form;
use super::forms::Posted;
use super::page::Page;
use super::session::{ended_session_cookie, session_cookie, Viewer};
use super::{local_path, render, see_other};
use crate::api::client::{user_agent, ClientAddress};
use crate::community::accounts;
use crate::error::{ErrorKind, Result};
use crate::store::people::SessionKind;
use crate::App;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout));
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    next: String,
    username: String,
    problem: Option<String>,
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

async fn form(app: web::Data<App>, viewer: Viewer, q: web::Query<Next>) -> Result<HttpResponse> {
    let next = local_path(q.next.as_deref());
    if viewer.account.is_some() {
        return Ok(see_other(&next));
    }
    let page = Page::new(&app, &viewer, super::page::t("auth.sign_in")).await?;
    render(
        LoginPage {
            page,
            next,
            username: String::new(),
            problem: None,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login(
    app: web::Data<App>,
    viewer: Viewer,
    from: ClientAddress,
    req: HttpRequest,
    form: Posted<LoginForm>,
) -> Result<HttpResponse> {
    let form = form.into_inner();
    let next = local_path(form.next.as_deref());
    let done = accounts::login(
        &app,
        form.username.trim(),
        &form.password,
        from.0,
        SessionKind::Web,
        user_agent(&req),
    )
    .await;
    match done {
        Ok((token, _)) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, next))
            .cookie(session_cookie(&app, &token))
            .finish()),
        // A refusal the person can act on is shown on the form again.
        Err(e) if shown_on_form(&e) || e.kind == ErrorKind::Unauthorized => {
            let page = Page::new(&app, &viewer, super::page::t("auth.sign_in")).await?;
            render(
                LoginPage {
                    page,
                    next,
                    username: form.username,
                    problem: Some(e.detail),
                },
                e.kind.status(),
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(app: web::Data<App>, viewer: Viewer, _form: Posted<Empty>) -> Result<HttpResponse> {
    if let Some(token) = &viewer.token {
        accounts::logout(&app, token).await?;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(ended_session_cookie(&app))
        .finish())
}

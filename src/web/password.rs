//! Password reset by email, and the pages the links in mails open:
//! `/password_reset` asks for a link (by name or address; the answer is
//! the same whether or not there is such an account), `/password_reset/{token}`
//! chooses the new password, `/email/verify/{token}` confirms an address,
//! and `/unsubscribe/{token}` stops mail (a page with a button, and RFC
//! 8058's one-click POST from a mail program, which the link's token
//! alone authorizes: it carries no CSRF token).
//!
//! These pages answer in HTML whatever the client asks for (a mail program
//! asks for nothing), with their status: 404 for an unknown link, 410 for
//! a used or expired one.

use super::forms::Posted;
use super::page::{t, Page};
use super::render;
use super::session::Viewer;
use crate::community::email::Who;
use crate::community::unsubscribe::{self, Stops};
use crate::community::{email, password_reset};
use crate::error::{Error, ErrorKind, Result};
use crate::input::{self, Source};
use crate::App;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/password_reset", web::get().to(ask_form))
        .route("/password_reset", web::post().to(ask))
        .route("/password_reset/{token}", web::get().to(reset_form))
        .route("/password_reset/{token}", web::post().to(reset))
        .route("/email/verify/{token}", web::get().to(verify))
        .route("/unsubscribe/{token}", web::get().to(unsubscribe_form))
        .route("/unsubscribe/{token}", web::post().to(unsubscribe));
}

#[derive(Template)]
#[template(path = "account/password_reset.html")]
struct AskPage {
    page: Page,
    who: String,
    sent: bool,
    problem: Option<String>,
}

async fn ask_form(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let page = Page::new(&app, &viewer, t("reset.title")).await?;
    super::ok(AskPage {
        page,
        who: String::new(),
        sent: false,
        problem: None,
    })
}

#[derive(Deserialize)]
struct AskForm {
    who: String,
}

async fn ask(app: web::Data<App>, viewer: Viewer, form: Posted<AskForm>) -> Result<HttpResponse> {
    let who = form.into_inner().who.trim().to_string();
    let page = Page::new(&app, &viewer, t("reset.title")).await?;
    let asked = match input::check("the name or address", &who, Source::Line) {
        // A name never holds '@'; an address always does.
        Ok(()) if who.contains('@') => password_reset::request(&app, Who::Email(who.clone())).await,
        Ok(()) if !who.is_empty() => password_reset::request(&app, Who::Name(who.clone())).await,
        Ok(()) => Err(Error::unprocessable(t("reset.who_missing"))),
        Err(e) => Err(e),
    };
    match asked {
        Ok(()) => super::ok(AskPage {
            page,
            who: String::new(),
            sent: true,
            problem: None,
        }),
        Err(e) if e.kind != ErrorKind::Internal && e.kind != ErrorKind::Unavailable => render(
            AskPage {
                page,
                who,
                sent: false,
                problem: Some(e.detail),
            },
            e.kind.status(),
        ),
        Err(e) => Err(e),
    }
}

/// A page of a mail link: kept from caches and from the referrer (its
/// address holds a token).
fn link_page(t: impl Template, status: StatusCode) -> Result<HttpResponse> {
    let mut response = render(t, status)?;
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// The answer of a mail link: a heading and a sentence.
#[derive(Template)]
#[template(path = "account/link.html")]
struct LinkPage {
    page: Page,
    heading: String,
    message: String,
    sign_in: bool,
}

/// A rule's refusal as a link page, with its status.
async fn refusal(app: &App, viewer: &Viewer, e: Error) -> Result<HttpResponse> {
    if matches!(e.kind, ErrorKind::Internal | ErrorKind::Unavailable) {
        return Err(e);
    }
    let heading = match e.kind {
        ErrorKind::Gone => t("link.gone"),
        ErrorKind::NotFound => t("link.unknown"),
        _ => t("error.bad_request"),
    };
    link_page(
        LinkPage {
            page: Page::new(app, viewer, heading).await?,
            heading: heading.to_string(),
            message: e.detail,
            sign_in: false,
        },
        e.kind.status(),
    )
}

async fn done(app: &App, viewer: &Viewer, heading: &str, message: String) -> Result<HttpResponse> {
    link_page(
        LinkPage {
            page: Page::new(app, viewer, heading).await?,
            heading: heading.to_string(),
            message,
            sign_in: viewer.account.is_none(),
        },
        StatusCode::OK,
    )
}

async fn verify(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
) -> Result<HttpResponse> {
    match email::verify(&app, &token).await {
        Ok(address) => {
            done(&app, &viewer, t("link.verified"), {
                super::page::t("link.verified_text").replacen("{}", &address, 1)
            })
            .await
        }
        Err(e) => refusal(&app, &viewer, e).await,
    }
}

#[derive(Template)]
#[template(path = "account/new_password.html")]
struct NewPasswordPage {
    page: Page,
    token: String,
    name: String,
    problem: Option<String>,
}

async fn reset_form(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
) -> Result<HttpResponse> {
    match password_reset::check(&app, &token).await {
        Ok(name) => link_page(
            NewPasswordPage {
                page: Page::new(&app, &viewer, t("reset.choose")).await?,
                token: token.into_inner(),
                name,
                problem: None,
            },
            StatusCode::OK,
        ),
        Err(e) => refusal(&app, &viewer, e).await,
    }
}

#[derive(Deserialize)]
struct ResetForm {
    password: String,
}

async fn reset(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
    form: Posted<ResetForm>,
) -> Result<HttpResponse> {
    let password = form.into_inner().password;
    let done_ = match input::check("the password", &password, Source::Line) {
        Ok(()) => password_reset::complete(&app, &token, password).await,
        Err(e) => Err(e),
    };
    match done_ {
        Ok(()) => {
            done(
                &app,
                &viewer,
                t("reset.changed"),
                t("reset.changed_text").into(),
            )
            .await
        }
        // A password the rule refuses: the form again, the link still works.
        Err(e) if super::forms::shown_on_form(&e) => {
            match password_reset::check(&app, &token).await {
                Ok(name) => link_page(
                    NewPasswordPage {
                        page: Page::new(&app, &viewer, t("reset.choose")).await?,
                        token: token.into_inner(),
                        name,
                        problem: Some(e.detail),
                    },
                    e.kind.status(),
                ),
                Err(e) => refusal(&app, &viewer, e).await,
            }
        }
        Err(e) => refusal(&app, &viewer, e).await,
    }
}

fn stops_text(s: &Stops) -> String {
    match s {
        Stops::Kind(kind) => t("link.stops_kind").replacen("{}", &kind.replace('_', " "), 1),
        Stops::All => t("link.stops_all").to_string(),
    }
}

#[derive(Template)]
#[template(path = "account/unsubscribe.html")]
struct UnsubscribePage {
    page: Page,
    token: String,
    stops: String,
}

async fn unsubscribe_form(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
) -> Result<HttpResponse> {
    match unsubscribe::what(&app, &token).await {
        Ok(stops) => link_page(
            UnsubscribePage {
                page: Page::new(&app, &viewer, t("link.unsubscribe")).await?,
                token: token.into_inner(),
                stops: stops_text(&stops),
            },
            StatusCode::OK,
        ),
        Err(e) => refusal(&app, &viewer, e).await,
    }
}

/// The button's POST, and RFC 8058's one-click POST from a mail program
/// (its body, `List-Unsubscribe=One-Click`, says nothing more): the
/// token in the address is the authority, as in the mail's header.
async fn unsubscribe(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
) -> Result<HttpResponse> {
    match unsubscribe::unsubscribe(&app, &token).await {
        Ok(stops) => {
            let text = t("link.unsubscribed_text").replacen("{}", &stops_text(&stops), 1);
            done(&app, &viewer, t("link.unsubscribed"), text).await
        }
        Err(e) => refusal(&app, &viewer, e).await,
    }
}

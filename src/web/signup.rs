//! Signing up: the form (username, password, email when the server needs
//! one, the current terms to accept), by the registration mode: open
//! (signed in at once, or told to confirm the address first), approval
//! (told to wait for an administrator) or closed (no form). The rule is
//! the API's (`accounts::register`): the same checks and throttle.

use super::forms::shown_on_form;
use super::forms::Posted;
use super::page::{t, Page};
use super::session::{session_cookie, Viewer};
use super::{render, see_other};
use crate::api::client::{user_agent, ClientAddress};
use crate::community::{accounts, markdown};
use crate::config::{RegistrationMode, Verification};
use crate::error::Result;
use crate::moderation::terms;
use crate::store::people::{AccountState, SessionKind};
use crate::App;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup", web::get().to(form))
        .route("/signup", web::post().to(signup));
}

/// The terms a sign-up accepts.
struct TermsShown {
    version: i64,
    html: String,
}

/// What the page shows after a sign-up that did not sign in.
#[derive(PartialEq, Eq)]
enum Outcome {
    /// The form (or, when closed, the notice that there is none).
    Form,
    /// Approval mode: an administrator decides.
    Waiting,
    /// The address must be confirmed before signing in.
    CheckMail,
}

#[derive(Template)]
#[template(path = "account/signup.html")]
struct SignupPage {
    page: Page,
    closed: bool,
    approval: bool,
    email_required: bool,
    terms: Option<TermsShown>,
    outcome: Outcome,
    username: String,
    email: String,
    problem: Option<String>,
}

impl SignupPage {
    fn waiting(&self) -> bool {
        self.outcome == Outcome::Waiting
    }
    fn check_mail(&self) -> bool {
        self.outcome == Outcome::CheckMail
    }
}

async fn page(app: &App, viewer: &Viewer) -> Result<SignupPage> {
    let terms = terms::published(app).await?.map(|t| TermsShown {
        version: t.version,
        html: markdown::render(&t.body),
    });
    Ok(SignupPage {
        page: Page::new(app, viewer, t("signup.title")).await?,
        closed: app.config.registration == RegistrationMode::Closed,
        approval: app.config.registration == RegistrationMode::Approval,
        email_required: app.config.email.verification == Verification::Required,
        terms,
        outcome: Outcome::Form,
        username: String::new(),
        email: String::new(),
        problem: None,
    })
}

async fn form(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    if viewer.account.is_some() {
        return Ok(see_other("/"));
    }
    super::ok(page(&app, &viewer).await?)
}

#[derive(Deserialize)]
struct SignupForm {
    username: String,
    password: String,
    #[serde(default)]
    email: String,
    /// The terms version shown, sent only when its box is ticked.
    accept_terms: Option<i64>,
}

async fn signup(
    app: web::Data<App>,
    viewer: Viewer,
    from: ClientAddress,
    req: HttpRequest,
    form: Posted<SignupForm>,
) -> Result<HttpResponse> {
    let form = form.into_inner();
    let registration = accounts::Registration {
        username: form.username.trim().to_string(),
        password: form.password,
        email: Some(form.email.clone()),
        accept_terms: form.accept_terms,
    };
    let mut shown = page(&app, &viewer).await?;
    let account = match accounts::register(&app, registration, from.0).await {
        Ok(a) => a,
        // A refusal the person can act on: the form again, with it.
        Err(e) if shown_on_form(&e) => {
            shown.username = form.username;
            shown.email = form.email;
            shown.problem = Some(e.detail);
            return render(shown, e.kind.status());
        }
        Err(e) => return Err(e),
    };
    if account.user.state == AccountState::Pending {
        shown.outcome = Outcome::Waiting;
        return render(shown, StatusCode::CREATED);
    }
    if app.config.email.verification == Verification::Required && app.config.smtp.configured() {
        shown.outcome = Outcome::CheckMail;
        shown.email = account.user.email.unwrap_or_default();
        return render(shown, StatusCode::CREATED);
    }
    let token = accounts::open_session(&app, &account, SessionKind::Web, user_agent(&req)).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(session_cookie(&app, &token))
        .finish())
}

//! `/admin/tokens`: the integration tokens (admins): the list, a form to
//! create one (the page then shows the token, once) and revoking.

use super::forms::Posted;
use super::moderate::{fixable, problem_status};
use super::page::{t, Page};
use super::session::Viewer;
use super::{render, see_other};
use crate::community::api_tokens::{self, TokenInput, TokenLine};
use crate::error::Result;
use crate::store::api_tokens::Scope;
use crate::App;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/tokens", web::get().to(tokens))
        .route("/admin/tokens", web::post().to(create))
        .route("/admin/tokens/{id}/revoke", web::post().to(revoke));
}

struct TokenRow {
    id: i64,
    name: String,
    scopes: String,
    created: String,
    created_by: String,
    last_used: Option<String>,
    expires: Option<String>,
    revoked: Option<String>,
    live: bool,
}

fn when(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn row(line: TokenLine, at: chrono::NaiveDateTime) -> TokenRow {
    let live = line.live_at(at);
    let p = &line.created_by;
    TokenRow {
        id: line.token.id,
        name: line.token.name,
        scopes: line
            .scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        created: when(line.token.created_at),
        created_by: crate::community::handle(&p.name, p.local, &p.ap_id),
        last_used: line.token.last_used_at.map(when),
        expires: line.token.expires_at.map(when),
        revoked: line.token.revoked_at.map(when),
        live,
    }
}

/// A token just created: shown on this page only.
struct Shown {
    name: String,
    token: String,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    page: Page,
    tokens: Vec<TokenRow>,
    /// (scope, catalogue key of its explanation).
    scopes: Vec<(&'static str, &'static str)>,
    created: Option<Shown>,
    problem: Option<String>,
}

fn scope_key(s: Scope) -> &'static str {
    match s {
        Scope::AnalyticsRead => "tokens.scope_analytics_read",
        Scope::WebhooksManage => "tokens.scope_webhooks_manage",
        Scope::AccountsExternalId => "tokens.scope_accounts_external_id",
    }
}

async fn tokens(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    tokens_page(&app, &viewer, None, None).await
}

async fn tokens_page(
    app: &App,
    viewer: &Viewer,
    created: Option<Shown>,
    problem: Option<String>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let lines = api_tokens::list(app, &actor).await?;
    let page = Page::new(app, viewer, t("tokens.title")).await?;
    let status = match (&created, &problem) {
        (Some(_), _) => StatusCode::CREATED,
        (None, p) => problem_status(p),
    };
    let at = crate::store::now();
    render(
        TokensPage {
            page,
            tokens: lines.into_iter().map(|l| row(l, at)).collect(),
            scopes: Scope::ALL
                .iter()
                .map(|s| (s.as_str(), scope_key(*s)))
                .collect(),
            created,
            problem,
        },
        status,
    )
}

/// The form's fields, as pairs: `name`, `expires` (a date, or empty) and
/// one `scope` a ticked box.
type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The input of the form; a date it expires on means "until the end of
/// that day, UTC".
fn input(pairs: &Pairs) -> std::result::Result<TokenInput, String> {
    let expires = field(pairs, "expires").trim();
    let expires_at = if expires.is_empty() {
        None
    } else {
        let day = NaiveDate::parse_from_str(expires, "%Y-%m-%d")
            .map_err(|_| format!("{}: {expires:?}", t("tokens.bad_date")))?;
        day.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0))
    };
    Ok(TokenInput {
        name: field(pairs, "name").to_string(),
        scopes: pairs
            .iter()
            .filter(|(k, _)| k == "scope")
            .map(|(_, v)| v.clone())
            .collect(),
        expires_at,
    })
}

async fn create(app: web::Data<App>, viewer: Viewer, form: Posted<Pairs>) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let input = match input(&form) {
        Ok(i) => i,
        Err(problem) => return tokens_page(&app, &viewer, None, Some(problem)).await,
    };
    match api_tokens::create(&app, &actor, input).await {
        Ok(c) => {
            let shown = Shown {
                name: c.line.token.name,
                token: c.token,
            };
            tokens_page(&app, &viewer, Some(shown), None).await
        }
        Err(e) if fixable(&e) => tokens_page(&app, &viewer, None, Some(e.detail)).await,
        Err(e) => Err(e),
    }
}

async fn revoke(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    _form: Posted<Pairs>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    match api_tokens::revoke(&app, &actor, *id).await {
        Ok(_) => Ok(see_other("/admin/tokens")),
        Err(e) if fixable(&e) => tokens_page(&app, &viewer, None, Some(e.detail)).await,
        Err(e) => Err(e),
    }
}

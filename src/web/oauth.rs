//! The OAuth consent page (`/oauth/authorize`): a signed-in member allows
//! or denies a Mastodon app. Allowed, the app gets a code: shown on the
//! page for the out-of-band redirect URI, otherwise by a redirect to
//! `redirect_uri?code=&state=`. A request that does not check out
//! (unknown app, unregistered redirect URI) is an error page, never a
//! redirect.

use super::forms::Posted;
use super::page::Page;
use super::session::Viewer;
use super::{ok, see_other};
use crate::community::oauth::{self, AuthorizeRequest, OUT_OF_BAND};
use crate::error::{Error, Result};
use crate::App;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth/authorize", web::get().to(form))
        .route("/oauth/authorize/", web::get().to(form))
        .route("/oauth/authorize", web::post().to(decide));
}

#[derive(Deserialize)]
struct Asked {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    decision: Option<String>,
}

impl Asked {
    fn request(&self) -> Result<AuthorizeRequest> {
        let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        Ok(AuthorizeRequest {
            client_id: nonempty(&self.client_id)
                .ok_or_else(|| Error::bad_request("client_id is required"))?,
            redirect_uri: nonempty(&self.redirect_uri)
                .ok_or_else(|| Error::bad_request("redirect_uri is required"))?,
            response_type: self.response_type.clone().unwrap_or_default(),
            scope: nonempty(&self.scope),
            code_challenge: nonempty(&self.code_challenge),
            code_challenge_method: nonempty(&self.code_challenge_method),
        })
    }
}

#[derive(Template)]
#[template(path = "oauth/authorize.html")]
struct AuthorizePage {
    page: Page,
    app_name: String,
    website: Option<String>,
    member: String,
    scopes: Vec<String>,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
}

#[derive(Template)]
#[template(path = "oauth/code.html")]
struct CodePage {
    page: Page,
    app_name: String,
    code: String,
}

async fn form(app: web::Data<App>, viewer: Viewer, q: web::Query<Asked>) -> Result<HttpResponse> {
    let request = q.request()?;
    let consent = oauth::check_authorize(&app, &request).await?;
    let Some(account) = &viewer.account else {
        let next: String = url::form_urlencoded::byte_serialize(viewer.here.as_bytes()).collect();
        return Ok(see_other(&format!("/login?next={next}")));
    };
    let page = Page::new(&app, &viewer, super::page::t("oauth.approve")).await?;
    ok(AuthorizePage {
        page,
        app_name: consent.app.name.clone(),
        website: consent.app.website.clone(),
        member: account.person.name.clone(),
        scopes: consent
            .scopes
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        client_id: request.client_id,
        redirect_uri: request.redirect_uri,
        scope: consent.scopes.to_string(),
        state: q.state.clone().unwrap_or_default(),
        code_challenge: request.code_challenge.unwrap_or_default(),
        code_challenge_method: request.code_challenge_method.unwrap_or_default(),
    })
}

/// `redirect_uri` with `pairs` added to its query.
fn back_to_app(redirect_uri: &str, pairs: &[(&str, &str)]) -> Result<String> {
    let mut url = url::Url::parse(redirect_uri)
        .map_err(|_| Error::bad_request("the redirect_uri is not a URL"))?;
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
    }
    Ok(url.to_string())
}

fn found(location: &str) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, location))
        .finish()
}

async fn decide(app: web::Data<App>, viewer: Viewer, form: Posted<Asked>) -> Result<HttpResponse> {
    let Some(account) = &viewer.account else {
        return Err(Error::unauthorized("sign in to do this"));
    };
    let asked = form.into_inner();
    let request = asked.request()?;
    let consent = oauth::check_authorize(&app, &request).await?;
    let state = asked.state.clone().filter(|s| !s.is_empty());
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if asked.decision.as_deref() != Some("approve") {
        if request.redirect_uri == OUT_OF_BAND {
            return Ok(see_other("/"));
        }
        pairs.push(("error", "access_denied"));
        if let Some(s) = &state {
            pairs.push(("state", s.as_str()));
        }
        return Ok(found(&back_to_app(&request.redirect_uri, &pairs)?));
    }
    let code = oauth::grant_code(&app, account, &request).await?;
    if request.redirect_uri == OUT_OF_BAND {
        let page = Page::new(&app, &viewer, super::page::t("oauth.approve")).await?;
        return ok(CodePage {
            page,
            app_name: consent.app.name,
            code,
        });
    }
    pairs.push(("code", code.as_str()));
    if let Some(s) = &state {
        pairs.push(("state", s.as_str()));
    }
    Ok(found(&back_to_app(&request.redirect_uri, &pairs)?))
}

//! The site's branding (admins): read it, and replace it.

use super::auth::Auth;
use super::input::Json;
use crate::community::branding::{self, BrandingInput};
use crate::community::branding::{FooterLink, Site};
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/branding", web::get().to(get_branding))
        .route("/admin/branding", web::put().to(set_branding));
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FooterLinkView {
    pub label: String,
    /// An http(s) address, or a path on this site (`/about`).
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct BrandingView {
    pub site_name: String,
    pub logo_url: Option<String>,
    /// `#rrggbb`; none for the default colours.
    pub accent_colour: Option<String>,
    /// Markdown.
    pub introduction: String,
    pub footer_links: Vec<FooterLinkView>,
    pub custom_css: String,
}

impl From<&Site> for BrandingView {
    fn from(s: &Site) -> Self {
        BrandingView {
            site_name: s.name.clone(),
            logo_url: s.logo_url.clone(),
            accent_colour: s.accent.clone(),
            introduction: s.introduction.clone(),
            footer_links: s
                .footer_links
                .iter()
                .map(|l| FooterLinkView {
                    label: l.label.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            custom_css: s.custom_css.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrandingRequest {
    /// 1 to 100 characters.
    pub site_name: String,
    /// An http(s) address.
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    pub accent_colour: Option<String>,
    /// Markdown, shown on the home page.
    #[serde(default)]
    pub introduction: String,
    /// At most 10.
    #[serde(default)]
    pub footer_links: Vec<FooterLinkView>,
    /// At most 20 000 bytes; cannot contain `</style`.
    #[serde(default)]
    pub custom_css: String,
}

/// The site's branding (the configured name and defaults until one is saved).
#[utoipa::path(get, path = "/api/v1/admin/branding", tag = "moderation", security(("bearer" = [])),
    responses((status = 200, body = BrandingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_branding(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let site = branding::get(&app, &auth.actor()).await?;
    Ok(HttpResponse::Ok().json(BrandingView::from(site.as_ref())))
}

/// Replace the site's branding (admins); pages show it at once.
#[utoipa::path(put, path = "/api/v1/admin/branding", tag = "moderation", security(("bearer" = [])),
    request_body = BrandingRequest,
    responses((status = 200, body = BrandingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_branding(
    app: web::Data<App>,
    auth: Auth,
    body: Json<BrandingRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let input = BrandingInput {
        site_name: b.site_name,
        logo_url: b.logo_url,
        accent_colour: b.accent_colour,
        introduction: b.introduction,
        footer_links: b
            .footer_links
            .into_iter()
            .map(|l| FooterLink {
                label: l.label,
                url: l.url,
            })
            .collect(),
        custom_css: b.custom_css,
    };
    let site = branding::save(&app, &auth.actor(), input).await?;
    Ok(HttpResponse::Ok().json(BrandingView::from(site.as_ref())))
}

//! The site as pages show it: its name, logo, accent colour, introduction,
//! footer links and custom CSS (the admin's branding, or the configured
//! name and defaults before any is saved). Kept a few seconds per process,
//! so a page costs no query for it; saving it here refreshes at once.

use crate::community::markdown;
use crate::error::Result;
use crate::store::branding::{self, BrandingRow};
use crate::App;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a process keeps the branding before reading it again (another
/// process may have changed it).
const KEEP: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FooterLink {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    pub logo_url: Option<String>,
    /// "#rrggbb", or none for the style sheet's own.
    pub accent: Option<String>,
    /// The introduction as Markdown, and rendered (sanitized).
    pub introduction: String,
    pub introduction_html: String,
    pub footer_links: Vec<FooterLink>,
    pub custom_css: String,
    /// Changes when the branding does: the style link's cache key.
    pub version: i64,
}

impl Site {
    pub fn from_row(config_name: &str, row: Option<BrandingRow>) -> Site {
        match row {
            None => Site {
                name: config_name.to_string(),
                logo_url: None,
                accent: None,
                introduction: String::new(),
                introduction_html: String::new(),
                footer_links: Vec::new(),
                custom_css: String::new(),
                version: 0,
            },
            Some(r) => Site {
                introduction_html: markdown::render(&r.introduction),
                footer_links: serde_json::from_str(&r.footer_links).unwrap_or_default(),
                name: r.site_name,
                logo_url: r.logo_url,
                accent: r.accent_colour,
                introduction: r.introduction,
                custom_css: r.custom_css,
                version: r.updated_at.and_utc().timestamp(),
            },
        }
    }

    /// The branding style sheet: the accent colour as CSS variables, then
    /// the admin's own CSS.
    pub fn stylesheet(&self) -> String {
        let mut css = String::new();
        if let Some(accent) = &self.accent {
            css.push_str(&format!(":root {{ --accent: {accent}; }}\n"));
        }
        css.push_str(&self.custom_css);
        css
    }
}

#[derive(Default)]
pub struct SiteCache {
    kept: RwLock<Option<(Instant, Arc<Site>)>>,
}

impl SiteCache {
    pub async fn get(&self, app: &App) -> Result<Arc<Site>> {
        if let Some(site) = self.fresh() {
            return Ok(site);
        }
        let row = app.store.run(branding::get).await?;
        let site = Arc::new(Site::from_row(&app.config.site_name, row));
        self.put(site.clone());
        Ok(site)
    }

    fn fresh(&self) -> Option<Arc<Site>> {
        let kept = self.kept.read().ok()?;
        kept.as_ref()
            .filter(|(at, _)| at.elapsed() < KEEP)
            .map(|(_, s)| s.clone())
    }

    /// The last site read, however old (error pages, drawn without a query).
    pub fn last(&self, config_name: &str) -> Arc<Site> {
        self.kept
            .read()
            .ok()
            .and_then(|k| k.as_ref().map(|(_, s)| s.clone()))
            .unwrap_or_else(|| Arc::new(Site::from_row(config_name, None)))
    }

    /// Remembers a site just saved or read.
    pub fn put(&self, site: Arc<Site>) {
        if let Ok(mut kept) = self.kept.write() {
            *kept = Some((Instant::now(), site));
        }
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/branding.css", web::get().to(stylesheet));
}

#[derive(Deserialize)]
struct Version {
    v: Option<i64>,
}

/// `/branding.css?v=VERSION`: cached long when it is that version (the
/// pages link the current one); not cached when this process has another.
async fn stylesheet(app: web::Data<App>, q: web::Query<Version>) -> Result<HttpResponse> {
    let site = app.site.get(&app).await?;
    let cache = if q.v == Some(site.version) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, cache))
        .body(site.stylesheet()))
}

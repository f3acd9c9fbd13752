//! The branding's style sheet, `/branding.css` (the site as pages show it
//! is `community::branding::Site`).

use crate::error::Result;
use crate::App;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

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

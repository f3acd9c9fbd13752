//! The home page: the site's landing (name, logo, introduction) and, for
//! a signed-in member, their feed.

use super::page::Page;
use super::session::Viewer;
use crate::error::Result;
use crate::App;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;

pub fn routes(_cfg: &mut web::ServiceConfig) {}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
}

/// `/` for a browser.
pub async fn page(app: &App, req: &HttpRequest) -> Result<HttpResponse> {
    let viewer = Viewer::extract(req).await?;
    let page = Page::new(app, &viewer, app.site.get(app).await?.name.clone()).await?;
    super::ok(HomePage { page })
}

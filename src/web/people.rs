//! People: a person's page, following.

use crate::error::{Error, Result};
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// `/u/{name}` for a browser.
pub async fn page(_app: &App, _req: &HttpRequest, name: &str) -> Result<HttpResponse> {
    Err(Error::not_found(format!("no page for {name} yet")))
}

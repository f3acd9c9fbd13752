//! Groups: the directory, a group's page, creating a group, joining.

use crate::error::{Error, Result};
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// `/g/{name}` for a browser.
pub async fn page(_app: &App, _req: &HttpRequest, name: &str) -> Result<HttpResponse> {
    Err(Error::not_found(format!(
        "no page for the group {name} yet"
    )))
}

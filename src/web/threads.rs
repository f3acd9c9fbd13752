//! Threads: the thread page with its comment tree, posting and replying.

use crate::error::{Error, Result};
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// `/post/{id}` for a browser.
pub async fn page(_app: &App, _req: &HttpRequest, id: i64) -> Result<HttpResponse> {
    Err(Error::not_found(format!("no page for the thread {id} yet")))
}

/// `/comment/{id}` for a browser: the comment in its thread.
pub async fn comment_page(_app: &App, _req: &HttpRequest, id: i64) -> Result<HttpResponse> {
    Err(Error::not_found(format!(
        "no page for the comment {id} yet"
    )))
}

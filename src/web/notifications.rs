//! Notifications: the list, marking read, and the live stream the header's
//! unread count follows.

use super::session::Viewer;
use crate::error::Result;
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications/live", web::get().to(live));
}

/// The API's notification stream, for the cookie session.
async fn live(app: web::Data<App>, viewer: Viewer, req: HttpRequest) -> Result<HttpResponse> {
    let reader = viewer.require()?;
    crate::api::notifications::stream_for(&app, reader, &req).await
}

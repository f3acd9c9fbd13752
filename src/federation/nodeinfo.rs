//! NodeInfo 2.1: what software this is, whether it takes sign-ups, and
//! usage counts. Some peers stop delivering to servers whose NodeInfo fails.

use crate::community::public;
use crate::config::RegistrationMode;
use crate::error::Result;
use crate::App;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub const SCHEMA_2_1: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";

pub async fn well_known(app: web::Data<App>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "links": [{
            "rel": SCHEMA_2_1,
            "href": format!("{}/nodeinfo/2.1", app.config.base_url()),
        }]
    }))
}

pub async fn nodeinfo(app: web::Data<App>) -> Result<HttpResponse> {
    let usage = public::usage(&app).await?;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "guildhall",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": app.config.registration != RegistrationMode::Closed,
        "usage": {
            "users": {
                "total": usage.users,
                "activeMonth": usage.active_month,
                "activeHalfyear": usage.active_halfyear,
            },
            "localPosts": usage.local_posts,
            "localComments": usage.local_comments,
        },
        "metadata": {
            "nodeName": app.config.site_name,
            "approvalRequired": app.config.registration == RegistrationMode::Approval,
        },
    });
    Ok(HttpResponse::Ok()
        .content_type(format!("application/json; profile=\"{SCHEMA_2_1}#\""))
        .json(body))
}

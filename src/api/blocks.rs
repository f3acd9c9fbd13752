//! Blocking people: block, unblock, and the list of whom you blocked.

use super::auth::Auth;
use super::people::PageQuery;
use super::views::{PeopleList, PersonRef};
use crate::community::blocks;
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/people/{name}/block", web::post().to(block))
        .route("/people/{name}/block", web::delete().to(unblock))
        .route("/blocks", web::get().to(list));
}

#[derive(Serialize, ToSchema)]
pub struct BlockView {
    pub person: PersonRef,
    pub blocked: bool,
}

/// Block a person (here or on another server): their threads and comments
/// are hidden from you, their follow of you ends and a new one is refused,
/// and they never notify you. Blocking twice changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{name}/block", tag = "people", security(("bearer" = [])), params(("name" = String, Path)),
    responses((status = 200, body = BlockView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn block(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let p = blocks::block(&app, &auth.actor(), &name).await?;
    Ok(HttpResponse::Ok().json(BlockView {
        person: PersonRef::from(&p),
        blocked: true,
    }))
}

/// Lift a block.
#[utoipa::path(delete, path = "/api/v1/people/{name}/block", tag = "people", security(("bearer" = [])), params(("name" = String, Path)),
    responses((status = 200, body = BlockView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unblock(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let p = blocks::unblock(&app, &auth.actor(), &name).await?;
    Ok(HttpResponse::Ok().json(BlockView {
        person: PersonRef::from(&p),
        blocked: false,
    }))
}

/// The people you blocked, most recent first.
#[utoipa::path(get, path = "/api/v1/blocks", tag = "people", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = PeopleList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    app: web::Data<App>,
    auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, Error> {
    let people = blocks::list(&app, &auth.actor(), q.page.unwrap_or(0)).await?;
    Ok(HttpResponse::Ok().json(PeopleList {
        items: people.iter().map(PersonRef::from).collect(),
    }))
}

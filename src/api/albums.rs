//! Albums: a member's selection of a group's images, in their order.
//! Readable by whoever may read the group; changed by their owner and the
//! group's moderators. Not federated.

use super::auth::{Auth, MaybeAuth};
use super::input::Json;
use super::media::MediaView;
use super::views::utc;
use crate::community::albums::{self, AlbumEdit, AlbumInfo, AlbumInput};
use crate::community::handle;
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/groups/{name}/albums", web::post().to(create))
        .route("/groups/{name}/albums", web::get().to(list))
        .route("/albums/{id}", web::get().to(get))
        .route("/albums/{id}", web::put().to(edit))
        .route("/albums/{id}", web::delete().to(delete))
        .route("/albums/{id}/media/{media_id}", web::post().to(add))
        .route("/albums/{id}/media/{media_id}", web::delete().to(remove));
}

#[derive(Serialize, ToSchema)]
pub struct AlbumView {
    pub id: i64,
    /// The group it belongs to (`name`, or `name@host`).
    pub group: String,
    /// Who made it (`name`, or `name@host`).
    pub owner: String,
    pub title: String,
    pub description: String,
    /// The images shown in it, in its order (images of held or removed
    /// content are left out).
    pub media: Vec<MediaView>,
    /// Whether the caller may edit or delete it.
    pub editable: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AlbumView {
    fn of(base: &str, a: &AlbumInfo) -> AlbumView {
        AlbumView {
            id: a.album.id,
            group: handle(&a.group.name, a.group.local, &a.group.ap_id),
            owner: handle(&a.owner.name, a.owner.local, &a.owner.ap_id),
            title: a.album.title.clone(),
            description: a.album.description.clone(),
            media: a.media.iter().map(|m| MediaView::of(base, m)).collect(),
            editable: a.editable,
            created_at: utc(a.album.created_at),
            updated_at: utc(a.album.updated_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAlbumRequest {
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// Make an album in a group (its members and moderators).
#[utoipa::path(post, path = "/api/v1/groups/{name}/albums", tag = "media", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = CreateAlbumRequest,
    responses((status = 201, body = AlbumView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<CreateAlbumRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let input = AlbumInput {
        title: b.title,
        description: b.description,
    };
    let a = albums::create(&app, &auth.actor(), &name, input).await?;
    Ok(HttpResponse::Created().json(AlbumView::of(&app.config.base_url(), &a)))
}

#[derive(Serialize, ToSchema)]
pub struct AlbumPage {
    pub items: Vec<AlbumView>,
    /// Pass as `before` for the next page; null on the last page.
    pub next_before: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlbumsQuery {
    /// Albums older than this id (from `next_before`).
    pub before: Option<i64>,
}

/// A group's albums, newest first.
#[utoipa::path(get, path = "/api/v1/groups/{name}/albums", tag = "media", params(("name" = String, Path), AlbumsQuery),
    responses((status = 200, body = AlbumPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<AlbumsQuery>,
) -> Result<HttpResponse, Error> {
    let (_, items, next) = albums::of_group(&app, auth.actor().as_ref(), &name, q.before).await?;
    let base = app.config.base_url();
    Ok(HttpResponse::Ok().json(AlbumPage {
        items: items.iter().map(|a| AlbumView::of(&base, a)).collect(),
        next_before: next,
    }))
}

/// An album and its images.
#[utoipa::path(get, path = "/api/v1/albums/{id}", tag = "media", params(("id" = i64, Path)),
    responses((status = 200, body = AlbumView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    app: web::Data<App>,
    auth: MaybeAuth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let a = albums::get(&app, auth.actor().as_ref(), *id).await?;
    Ok(HttpResponse::Ok().json(AlbumView::of(&app.config.base_url(), &a)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditAlbumRequest {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Media ids of the album in their new order; those not named follow
    /// in the order they had.
    pub order: Option<Vec<i64>>,
}

/// Change an album's title, description or order (its owner and the
/// group's moderators).
#[utoipa::path(put, path = "/api/v1/albums/{id}", tag = "media", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EditAlbumRequest,
    responses((status = 200, body = AlbumView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<EditAlbumRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let change = AlbumEdit {
        title: b.title,
        description: b.description,
        order: b.order,
    };
    let a = albums::edit(&app, &auth.actor(), *id, change).await?;
    Ok(HttpResponse::Ok().json(AlbumView::of(&app.config.base_url(), &a)))
}

/// Delete an album; its images stay where they were posted.
#[utoipa::path(delete, path = "/api/v1/albums/{id}", tag = "media", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    albums::delete(&app, &auth.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Put an image at the end of an album: one shown in the album's group,
/// or an upload of yours not attached yet (it then belongs to the group).
#[utoipa::path(post, path = "/api/v1/albums/{id}/media/{media_id}", tag = "media", security(("bearer" = [])),
    params(("id" = i64, Path), ("media_id" = i64, Path)),
    responses((status = 200, body = AlbumView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let (id, media_id) = path.into_inner();
    let a = albums::add(&app, &auth.actor(), id, media_id).await?;
    Ok(HttpResponse::Ok().json(AlbumView::of(&app.config.base_url(), &a)))
}

/// Take an image out of an album (it stays where it was posted).
#[utoipa::path(delete, path = "/api/v1/albums/{id}/media/{media_id}", tag = "media", security(("bearer" = [])),
    params(("id" = i64, Path), ("media_id" = i64, Path)),
    responses((status = 200, body = AlbumView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let (id, media_id) = path.into_inner();
    let a = albums::remove(&app, &auth.actor(), id, media_id).await?;
    Ok(HttpResponse::Ok().json(AlbumView::of(&app.config.base_url(), &a)))
}

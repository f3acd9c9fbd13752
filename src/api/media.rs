//! Media: uploads (multipart), a group's gallery, and the domain policy
//! that keeps a server's media out.

use super::auth::{Auth, MaybeAuth};
use super::domains::DomainView;
use super::input::Json;
use crate::community::media::{self, Variant};
use crate::error::{Error, ErrorBody};
use crate::moderation::policy;
use crate::store::media::Media;
use crate::App;
use actix_multipart::Multipart;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/media", web::post().to(upload))
        .route("/groups/{name}/media", web::get().to(gallery))
        .route("/admin/domains/{domain}/media", web::put().to(reject_media));
}

/// An image: uploaded here, or linked from the server it came from.
#[derive(Serialize, ToSchema)]
pub struct MediaView {
    pub id: i64,
    /// The image (re-encoded, without metadata); another server's URL for
    /// a remote image.
    pub url: String,
    /// A smaller copy (the image itself for a remote image).
    pub thumbnail_url: String,
    /// image/jpeg, image/png, image/webp or image/gif.
    pub media_type: String,
    /// Pixels; 0 when a remote server did not say.
    pub width: i32,
    pub height: i32,
    pub blurhash: Option<String>,
    /// The alt text: what the image shows, for those who cannot see it.
    pub alt: String,
    /// The thread or comment it is attached to (none yet: a fresh upload).
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
}

impl MediaView {
    /// `base` is the origin of this server (our files are served there).
    pub fn of(base: &str, m: &Media) -> MediaView {
        MediaView {
            id: m.id,
            url: media::url_of(base, m, Variant::Full),
            thumbnail_url: media::url_of(base, m, Variant::Thumbnail),
            media_type: m.media_type.as_str().to_string(),
            width: m.width,
            height: m.height,
            blurhash: m.blurhash.clone(),
            alt: m.alt.clone(),
            post_id: m.post_id,
            comment_id: m.comment_id,
        }
    }

    /// The media of content whose id is `ap_id`: local files are served
    /// from the same origin as local content.
    pub fn list(ap_id: &str, media: &[Media]) -> Vec<MediaView> {
        let base = url::Url::parse(ap_id)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        media.iter().map(|m| MediaView::of(&base, m)).collect()
    }
}

/// The multipart form of an upload (for the OpenAPI document).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// A JPEG, PNG, WebP or GIF image (checked by its content).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// What the image shows.
    pub alt: Option<String>,
}

/// Upload an image; attach it by passing its id in `media` when posting.
/// Uploads never attached are removed after `media.orphan_grace_hours`.
#[utoipa::path(post, path = "/api/v1/media", tag = "media", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = MediaView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "file or image too large", body = ErrorBody),
        (status = 415, description = "not a JPEG, PNG, WebP or GIF image", body = ErrorBody),
        (status = 422, description = "the image cannot be read", body = ErrorBody)))]
pub async fn upload(
    app: web::Data<App>,
    auth: Auth,
    body: Multipart,
) -> Result<HttpResponse, Error> {
    let parts = super::upload::read(
        body,
        "file",
        app.config.media.max_upload_bytes,
        app.config.limits.request_body_bytes,
    )
    .await?;
    let file = parts
        .file
        .clone()
        .ok_or_else(|| Error::unprocessable("send the image in a field named \"file\""))?;
    let m = media::upload(&app, &auth.actor(), file, parts.text("alt").unwrap_or("")).await?;
    Ok(HttpResponse::Created().json(MediaView::of(&app.config.base_url(), &m)))
}

#[derive(Serialize, ToSchema)]
pub struct MediaPage {
    pub items: Vec<MediaView>,
    /// Pass as `before` for the next page; null on the last page.
    pub next_before: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GalleryQuery {
    /// Images older than this id (from `next_before`).
    pub before: Option<i64>,
}

/// The images posted in a group, newest first.
#[utoipa::path(get, path = "/api/v1/groups/{name}/media", tag = "media", params(("name" = String, Path), GalleryQuery),
    responses((status = 200, body = MediaPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn gallery(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<GalleryQuery>,
) -> Result<HttpResponse, Error> {
    let (_, items, next) = media::gallery(&app, auth.actor().as_ref(), &name, q.before).await?;
    let base = app.config.base_url();
    Ok(HttpResponse::Ok().json(MediaPage {
        items: items.iter().map(|m| MediaView::of(&base, m)).collect(),
        next_before: next,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectMediaRequest {
    /// true: keep every image of this server out (not linked, not stored).
    pub reject: bool,
}

/// Keep a server's media out, or let them in again (staff moderators).
#[utoipa::path(put, path = "/api/v1/admin/domains/{domain}/media", tag = "moderation", security(("bearer" = [])),
    params(("domain" = String, Path)), request_body = RejectMediaRequest,
    responses((status = 200, body = DomainView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reject_media(
    app: web::Data<App>,
    auth: Auth,
    domain: web::Path<String>,
    body: Json<RejectMediaRequest>,
) -> Result<HttpResponse, Error> {
    let i = policy::set_reject_media(&app, Some(&auth.actor()), &domain, body.reject).await?;
    Ok(HttpResponse::Ok().json(DomainView::from(&i)))
}

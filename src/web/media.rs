//! Media on the pages: the files (`/media/{id}`, `/media/{id}/thumbnail`)
//! for whoever may see them, images as the pages show them, the forms that
//! carry an image (new thread, reply) and a group's media page.

use super::forms::{check_csrf, Posted};
use super::page::{t, Page};
use super::session::Viewer;
use crate::api::auth::MaybeAuth;
use crate::api::upload;
use crate::community::media::{self, Attach, Variant};
use crate::community::{handle, Actor};
use crate::error::{Error, Result};
use crate::store::media::Media;
use crate::App;
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/media/{id}", web::get().to(full))
        .route("/media/{id}/thumbnail", web::get().to(thumbnail))
        .route("/g/{name}/media", web::get().to(gallery));
}

// ---- the files

async fn serve(
    app: &App,
    viewer: &Viewer,
    auth: &MaybeAuth,
    id: i64,
    variant: Variant,
) -> Result<HttpResponse> {
    let actor = viewer.actor().or_else(|| auth.actor());
    let (bytes, media_type) = media::file(app, actor.as_ref(), id, variant).await?;
    Ok(HttpResponse::Ok()
        .content_type(media_type)
        // Files never change; a club's stay in the reader's cache only.
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .body(bytes))
}

async fn full(
    app: web::Data<App>,
    viewer: Viewer,
    auth: MaybeAuth,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    serve(&app, &viewer, &auth, *id, Variant::Full).await
}

async fn thumbnail(
    app: web::Data<App>,
    viewer: Viewer,
    auth: MaybeAuth,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    serve(&app, &viewer, &auth, *id, Variant::Thumbnail).await
}

// ---- images on the pages

/// An image as a page shows it.
pub struct Image {
    pub src: String,
    pub thumbnail: String,
    pub alt: String,
    /// 0 when unknown (a remote server did not say).
    pub width: i32,
    pub height: i32,
}

impl Image {
    pub fn of(m: &Media) -> Image {
        Image {
            src: media::url_of("", m, Variant::Full),
            thumbnail: media::url_of("", m, Variant::Thumbnail),
            alt: m.alt.clone(),
            width: m.width,
            height: m.height,
        }
    }

    pub fn all(media: &[Media]) -> Vec<Image> {
        media.iter().map(Image::of).collect()
    }
}

// ---- forms that carry an image

/// A form that may carry an image: `multipart/form-data` with the file in
/// `image` (its alt text is a field of `T`), or a plain form without one.
/// Either way only with this browser's CSRF token.
pub struct WithImage<T> {
    pub form: T,
    pub image: Option<Bytes>,
}

impl<T: DeserializeOwned + 'static> FromRequest for WithImage<T> {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let req = req.clone();
        if !multipart {
            let plain = Posted::<T>::from_request(&req, payload);
            return Box::pin(async move {
                Ok(WithImage {
                    form: plain.await?.into_inner(),
                    image: None,
                })
            });
        }
        let body = Multipart::new(req.headers(), payload.take());
        Box::pin(async move {
            let app = req
                .app_data::<web::Data<App>>()
                .cloned()
                .ok_or_else(|| Error::bad_request("application state missing"))?;
            let parts = upload::read(
                body,
                "image",
                app.config.media.max_upload_bytes,
                app.config.limits.request_body_bytes,
            )
            .await?;
            check_csrf(&req, parts.text("csrf"))?;
            let encoded = serde_urlencoded::to_string(&parts.fields)
                .map_err(|e| Error::bad_request(format!("cannot read the form: {e}")))?;
            let form = serde_urlencoded::from_str(&encoded)
                .map_err(|e| Error::bad_request(format!("the form does not fit: {e}")))?;
            Ok(WithImage {
                form,
                image: parts.file,
            })
        })
    }
}

/// Stores the image a form carried (if any), to attach to what it posts.
pub async fn attach_upload(
    app: &App,
    actor: &Actor,
    image: Option<Bytes>,
    alt: Option<&str>,
) -> Result<Attach> {
    match image {
        None => Ok(Attach::Nothing),
        Some(data) => {
            let m = media::upload(app, actor, data, alt.unwrap_or("")).await?;
            Ok(Attach::Uploads(vec![m.id]))
        }
    }
}

// ---- a group's media page

#[derive(Template)]
#[template(path = "media/gallery.html")]
struct GalleryPage {
    page: Page,
    group_handle: String,
    group_title: String,
    images: Vec<GalleryItem>,
    next: Option<String>,
    /// The group's albums (the newest), and the form making one for
    /// those signed in.
    albums: Vec<super::albums::AlbumCard>,
    signed_in: bool,
    problem: Option<String>,
}

/// An image in the gallery, with the thread it belongs to.
struct GalleryItem {
    image: Image,
    link: String,
}

#[derive(Deserialize)]
struct GalleryQuery {
    before: Option<i64>,
}

async fn gallery(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    q: web::Query<GalleryQuery>,
) -> Result<HttpResponse> {
    gallery_page(&app, &viewer, &name, q.before, None).await
}

/// A group's media page: its images, its albums, and `problem` when a
/// form of it was refused.
pub async fn gallery_page(
    app: &App,
    viewer: &Viewer,
    name: &str,
    before: Option<i64>,
    problem: Option<String>,
) -> Result<HttpResponse> {
    let actor = viewer.actor();
    let (group, items, next) = match media::gallery(app, actor.as_ref(), name, before).await {
        // A club's gallery is not said to exist to outsiders.
        Err(e) if e.kind == crate::error::ErrorKind::Forbidden => {
            return Err(Error::not_found(format!("no group {name}")))
        }
        other => other?,
    };
    let group_handle = handle(&group.name, group.local, &group.ap_id);
    let images = items
        .iter()
        .map(|m| GalleryItem {
            image: Image::of(m),
            link: match (m.post_id, m.comment_id) {
                (Some(p), _) => format!("/post/{p}"),
                (None, Some(c)) => format!("/comment/{c}"),
                (None, None) => media::url_of("", m, Variant::Full),
            },
        })
        .collect();
    let albums = super::albums::cards(app, actor.as_ref(), &group_handle).await?;
    let page = Page::new(app, viewer, t("media.gallery_title")).await?;
    let status = super::moderate::problem_status(&problem);
    super::render(
        GalleryPage {
            page,
            next: next.map(|b| format!("/g/{group_handle}/media?before={b}")),
            group_handle,
            group_title: group.title.clone(),
            images,
            albums,
            signed_in: actor.is_some(),
            problem,
        },
        status,
    )
}

//! Albums on the pages: the list on a group's media page with the form
//! that makes one, an album's page (`/albums/{id}`), and the forms its
//! owner and the group's moderators use to add, order, remove, rename
//! and delete. Every form is a plain POST with the CSRF token, then a
//! redirect; a refusal shows the page again with its reason.

use super::forms::Posted;
use super::media::{Image, WithImage};
use super::moderate::{back_or_problem, problem_status};
use super::page::{t, Page};
use super::session::Viewer;
use super::{render, see_other};
use crate::community::albums::{self, AlbumEdit, AlbumInfo, AlbumInput};
use crate::community::{handle, media, Actor};
use crate::error::{Error, ErrorKind, Result};
use crate::App;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/g/{name}/albums", web::post().to(create))
        .route("/albums/{id}", web::get().to(show))
        .route("/albums/{id}/edit", web::post().to(edit))
        .route("/albums/{id}/delete", web::post().to(delete))
        .route("/albums/{id}/add", web::post().to(add))
        .route("/albums/{id}/upload", web::post().to(upload))
        .route(
            "/albums/{id}/media/{media_id}/remove",
            web::post().to(remove),
        )
        .route(
            "/albums/{id}/media/{media_id}/earlier",
            web::post().to(earlier),
        );
}

/// A club's album is not said to exist to outsiders.
fn unseen(e: Error, id: i64) -> Error {
    if e.kind == ErrorKind::Forbidden {
        Error::not_found(format!("no album {id}"))
    } else {
        e
    }
}

/// An image as an album page shows it: never without a text (it is the
/// name of its link).
pub struct AlbumImage {
    pub id: i64,
    pub image: Image,
}

impl AlbumImage {
    fn of(m: &crate::store::media::Media) -> AlbumImage {
        let mut image = Image::of(m);
        if image.alt.trim().is_empty() {
            image.alt = format!("{} {}", t("albums.image"), m.id);
        }
        AlbumImage { id: m.id, image }
    }
}

/// An album in a group's list.
pub struct AlbumCard {
    pub id: i64,
    pub title: String,
    pub count: usize,
    pub cover: Option<AlbumImage>,
}

/// The first page of a group's albums, for its media page.
pub async fn cards(app: &App, viewer: Option<&Actor>, group: &str) -> Result<Vec<AlbumCard>> {
    let (_, items, _) = albums::of_group(app, viewer, group, None).await?;
    Ok(items
        .iter()
        .map(|a| AlbumCard {
            id: a.album.id,
            title: a.album.title.clone(),
            count: a.media.len(),
            cover: a.media.first().map(AlbumImage::of),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "media/album.html")]
struct AlbumPage {
    page: Page,
    id: i64,
    title: String,
    description: String,
    owner: String,
    group_handle: String,
    group_title: String,
    images: Vec<AlbumImage>,
    editable: bool,
    /// The group's images not in the album yet (the first page of its
    /// gallery), for the editors' form.
    candidates: Vec<AlbumImage>,
    problem: Option<String>,
}

async fn album_page(
    app: &App,
    viewer: &Viewer,
    id: i64,
    problem: Option<String>,
) -> Result<HttpResponse> {
    let actor = viewer.actor();
    let a: AlbumInfo = albums::get(app, actor.as_ref(), id)
        .await
        .map_err(|e| unseen(e, id))?;
    let group_handle = handle(&a.group.name, a.group.local, &a.group.ap_id);
    let candidates = if a.editable {
        let (_, items, _) = media::gallery(app, actor.as_ref(), &group_handle, None).await?;
        items
            .iter()
            .filter(|m| !a.media.iter().any(|in_album| in_album.id == m.id))
            .map(AlbumImage::of)
            .collect()
    } else {
        Vec::new()
    };
    let status = problem_status(&problem);
    let page = Page::new(
        app,
        viewer,
        format!("{} · {}", a.album.title, t("albums.title")),
    )
    .await?;
    render(
        AlbumPage {
            page,
            id: a.album.id,
            title: a.album.title.clone(),
            description: a.album.description.clone(),
            owner: handle(&a.owner.name, a.owner.local, &a.owner.ap_id),
            group_title: a.group.title.clone(),
            group_handle,
            images: a.media.iter().map(AlbumImage::of).collect(),
            editable: a.editable,
            candidates,
            problem,
        },
        status,
    )
}

async fn show(app: web::Data<App>, viewer: Viewer, id: web::Path<i64>) -> Result<HttpResponse> {
    album_page(&app, &viewer, *id, None).await
}

#[derive(Deserialize)]
struct AlbumFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

async fn create(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<AlbumFields>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let f = form.into_inner();
    let input = AlbumInput {
        title: f.title,
        description: f.description,
    };
    match albums::create(&app, &actor, &name, input).await {
        Ok(a) => Ok(see_other(&format!("/albums/{}", a.album.id))),
        Err(e) if super::moderate::fixable(&e) => {
            super::media::gallery_page(&app, &viewer, &name, None, Some(e.detail)).await
        }
        Err(e) => Err(e),
    }
}

async fn edit(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<AlbumFields>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let (id, f) = (*id, form.into_inner());
    let change = AlbumEdit {
        title: Some(f.title),
        description: Some(f.description),
        order: None,
    };
    let done = albums::edit(&app, &actor, id, change).await;
    back_or_problem(done, &format!("/albums/{id}"), |p| {
        album_page(&app, &viewer, id, p)
    })
    .await
}

async fn delete(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    _form: Posted<CsrfOnly>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let id = *id;
    let a = albums::get(&app, Some(&actor), id)
        .await
        .map_err(|e| unseen(e, id))?;
    let back = format!(
        "/g/{}/media",
        handle(&a.group.name, a.group.local, &a.group.ap_id)
    );
    let done = albums::delete(&app, &actor, id).await;
    back_or_problem(done, &back, |p| album_page(&app, &viewer, id, p)).await
}

#[derive(Deserialize)]
struct AddFields {
    media_id: Option<i64>,
}

async fn add(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<AddFields>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let id = *id;
    let done = match form.media_id {
        Some(m) => albums::add(&app, &actor, id, m).await,
        None => Err(Error::unprocessable(t("albums.pick_one"))),
    };
    back_or_problem(done, &format!("/albums/{id}"), |p| {
        album_page(&app, &viewer, id, p)
    })
    .await
}

#[derive(Deserialize)]
struct UploadFields {
    #[serde(default)]
    alt: String,
}

async fn upload(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: WithImage<UploadFields>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let id = *id;
    let done = match form.image {
        Some(data) => albums::upload(&app, &actor, id, data, &form.form.alt).await,
        None => Err(Error::unprocessable(t("albums.choose_file"))),
    };
    back_or_problem(done, &format!("/albums/{id}"), |p| {
        album_page(&app, &viewer, id, p)
    })
    .await
}

#[derive(Deserialize)]
struct CsrfOnly {}

async fn remove(
    app: web::Data<App>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
    _form: Posted<CsrfOnly>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let (id, media_id) = path.into_inner();
    let done = albums::remove(&app, &actor, id, media_id).await;
    back_or_problem(done, &format!("/albums/{id}"), |p| {
        album_page(&app, &viewer, id, p)
    })
    .await
}

/// Moves an image one place earlier in the album.
async fn earlier(
    app: web::Data<App>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
    _form: Posted<CsrfOnly>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let (id, media_id) = path.into_inner();
    let done = async {
        let a = albums::get(&app, Some(&actor), id).await?;
        let mut order: Vec<i64> = a.media.iter().map(|m| m.id).collect();
        let at = order
            .iter()
            .position(|m| *m == media_id)
            .ok_or_else(|| Error::not_found(format!("image {media_id} is not in this album")))?;
        if at > 0 {
            order.swap(at - 1, at);
        }
        let change = AlbumEdit {
            order: Some(order),
            ..AlbumEdit::default()
        };
        albums::edit(&app, &actor, id, change).await
    }
    .await;
    back_or_problem(done, &format!("/albums/{id}"), |p| {
        album_page(&app, &viewer, id, p)
    })
    .await
}

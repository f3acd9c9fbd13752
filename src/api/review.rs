//! Review queue and watched-word routes (group moderators; the instance's
//! for admins and instance moderators).

use super::auth::Auth;
use super::input::Json;
use super::views::{CommentView, PostView};
use crate::error::{Error, ErrorBody};
use crate::moderation::review;
use crate::store::watched::WatchedWord;
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/groups/{name}/review", web::get().to(group_queue))
        .route("/admin/review", web::get().to(admin_queue))
        .route("/review/posts/{id}/{decision}", web::post().to(decide_post))
        .route(
            "/review/comments/{id}/{decision}",
            web::post().to(decide_comment),
        )
        .route("/groups/{name}/watched-words", web::get().to(group_words))
        .route(
            "/groups/{name}/watched-words",
            web::post().to(add_group_word),
        )
        .route("/admin/watched-words", web::get().to(instance_words))
        .route("/admin/watched-words", web::post().to(add_instance_word))
        .route("/watched-words/{id}", web::delete().to(remove_word));
}

#[derive(Serialize, ToSchema)]
pub struct QueueView {
    pub posts: Vec<PostView>,
    pub comments: Vec<CommentView>,
}

fn queue_view(held: &review::Held) -> QueueView {
    QueueView {
        posts: held.posts.iter().map(PostView::from).collect(),
        comments: held.comments.iter().map(CommentView::from).collect(),
    }
}

/// A group's held threads and comments (its moderators).
#[utoipa::path(get, path = "/api/v1/groups/{name}/review", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses((status = 200, body = QueueView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn group_queue(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let held = review::queue(&app, &auth.actor(), Some(name.into_inner())).await?;
    Ok(HttpResponse::Ok().json(queue_view(&held)))
}

/// Every held thread and comment (admins and instance moderators).
#[utoipa::path(get, path = "/api/v1/admin/review", tag = "moderation", security(("bearer" = [])),
    responses((status = 200, body = QueueView), (status = 403, body = ErrorBody)))]
pub async fn admin_queue(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let held = review::queue(&app, &auth.actor(), None).await?;
    Ok(HttpResponse::Ok().json(queue_view(&held)))
}

fn approve(decision: &str) -> Result<bool, Error> {
    match decision {
        "approve" => Ok(true),
        "reject" => Ok(false),
        other => Err(Error::not_found(format!(
            "no review decision {other:?}: approve or reject"
        ))),
    }
}

/// Approve (shown, and federated) or reject (removed) a held thread.
#[utoipa::path(post, path = "/api/v1/review/posts/{id}/{decision}", tag = "moderation", security(("bearer" = [])),
    params(("id" = i64, Path), ("decision" = String, Path, description = "approve or reject")),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not held", body = ErrorBody)))]
pub async fn decide_post(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, Error> {
    let (id, decision) = path.into_inner();
    let info = review::decide_post(&app, &auth.actor(), id, approve(&decision)?).await?;
    Ok(HttpResponse::Ok().json(PostView::from(&info)))
}

/// Approve or reject a held comment.
#[utoipa::path(post, path = "/api/v1/review/comments/{id}/{decision}", tag = "moderation", security(("bearer" = [])),
    params(("id" = i64, Path), ("decision" = String, Path, description = "approve or reject")),
    responses((status = 200, body = CommentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn decide_comment(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, Error> {
    let (id, decision) = path.into_inner();
    let info = review::decide_comment(&app, &auth.actor(), id, approve(&decision)?).await?;
    Ok(HttpResponse::Ok().json(CommentView::from(&info)))
}

#[derive(Serialize, ToSchema)]
pub struct WatchedWordView {
    pub id: i64,
    pub word: String,
    /// block, hold or flag.
    pub action: String,
    pub created_at: DateTime<Utc>,
}

impl From<&WatchedWord> for WatchedWordView {
    fn from(w: &WatchedWord) -> Self {
        WatchedWordView {
            id: w.id,
            word: w.word.clone(),
            action: w.action.clone(),
            created_at: w.created_at.and_utc(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WordList {
    pub items: Vec<WatchedWordView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WordRequest {
    /// A word or a phrase; matched whole, ignoring case and punctuation.
    pub word: String,
    /// block (refused with 422), hold (for review) or flag (a report).
    pub action: String,
}

fn word_list(words: &[WatchedWord]) -> WordList {
    WordList {
        items: words.iter().map(WatchedWordView::from).collect(),
    }
}

/// A group's watched words.
#[utoipa::path(get, path = "/api/v1/groups/{name}/watched-words", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path)), responses((status = 200, body = WordList), (status = 403, body = ErrorBody)))]
pub async fn group_words(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let words = review::words(&app, &auth.actor(), Some(name.into_inner())).await?;
    Ok(HttpResponse::Ok().json(word_list(&words)))
}

/// Add a watched word to a group.
#[utoipa::path(post, path = "/api/v1/groups/{name}/watched-words", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = WordRequest,
    responses((status = 201, body = WatchedWordView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_group_word(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<WordRequest>,
) -> Result<HttpResponse, Error> {
    let w = review::add_word(
        &app,
        &auth.actor(),
        Some(name.into_inner()),
        &body.word,
        &body.action,
    )
    .await?;
    Ok(HttpResponse::Created().json(WatchedWordView::from(&w)))
}

/// The instance's watched words (apply to every local group).
#[utoipa::path(get, path = "/api/v1/admin/watched-words", tag = "moderation", security(("bearer" = [])),
    responses((status = 200, body = WordList), (status = 403, body = ErrorBody)))]
pub async fn instance_words(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let words = review::words(&app, &auth.actor(), None).await?;
    Ok(HttpResponse::Ok().json(word_list(&words)))
}

/// Add an instance-wide watched word.
#[utoipa::path(post, path = "/api/v1/admin/watched-words", tag = "moderation", security(("bearer" = [])),
    request_body = WordRequest,
    responses((status = 201, body = WatchedWordView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_instance_word(
    app: web::Data<App>,
    auth: Auth,
    body: Json<WordRequest>,
) -> Result<HttpResponse, Error> {
    let w = review::add_word(&app, &auth.actor(), None, &body.word, &body.action).await?;
    Ok(HttpResponse::Created().json(WatchedWordView::from(&w)))
}

/// Remove a watched word.
#[utoipa::path(delete, path = "/api/v1/watched-words/{id}", tag = "moderation", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_word(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    review::remove_word(&app, &auth.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

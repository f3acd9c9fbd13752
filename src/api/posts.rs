//! Threads, comments and votes.

use super::auth::{Auth, MaybeAuth};
use super::cache::json_for;
use super::input::Json;
use super::views::{CommentView, PostView, ThreadView, VoteView};
use crate::community::comments::{self, CommentInput};
use crate::community::media::Attach;
use crate::community::posts::{self, PostEdit};
use crate::community::votes;
use crate::community::Body;
use crate::error::{Error, ErrorBody};
use crate::store::votes::VoteTarget;
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/posts/{id}", web::get().to(get))
        .route("/posts/{id}", web::patch().to(edit))
        .route("/posts/{id}", web::delete().to(delete))
        .route("/posts/{id}/comments", web::post().to(comment))
        .route("/posts/{id}/vote", web::post().to(vote_post))
        .route("/comments/{id}", web::patch().to(edit_comment))
        .route("/comments/{id}", web::delete().to(delete_comment))
        .route("/comments/{id}/vote", web::post().to(vote_comment));
}

/// A thread with its comment tree.
#[utoipa::path(get, path = "/api/v1/posts/{id}", tag = "posts", params(("id" = i64, Path)),
    responses((status = 200, body = ThreadView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    req: HttpRequest,
    app: web::Data<App>,
    auth: MaybeAuth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let viewer = auth.actor();
    json_for(&app.answers, &req, viewer.is_none(), async {
        let thread = posts::get(&app, viewer.as_ref(), *id).await?;
        Ok(ThreadView::from(&thread))
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditPostRequest {
    pub title: Option<String>,
    pub body: Option<String>,
}

/// Edit your thread.
#[utoipa::path(patch, path = "/api/v1/posts/{id}", tag = "posts", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = EditPostRequest,
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<EditPostRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let info = posts::edit(
        &app,
        &auth.actor(),
        *id,
        PostEdit {
            title: b.title,
            body: b.body.map(Body::Markdown),
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(PostView::from(&info)))
}

/// Delete your thread; it stays as a tombstone.
#[utoipa::path(delete, path = "/api/v1/posts/{id}", tag = "posts", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn delete(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    posts::delete(&app, &auth.actor(), *id)
        .await?
        .into_result()?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// Markdown.
    pub body: String,
    /// The comment this replies to; absent for a top-level comment.
    pub parent_id: Option<i64>,
    /// Uploads (`POST /api/v1/media`) to attach, in order.
    #[serde(default)]
    pub media: Vec<i64>,
}

/// Comment on a thread, or reply to a comment.
#[utoipa::path(post, path = "/api/v1/posts/{id}/comments", tag = "posts", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = CommentRequest,
    responses((status = 201, body = CommentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn comment(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CommentRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let info = comments::create(
        &app,
        &auth.actor(),
        *id,
        CommentInput {
            body: Body::Markdown(b.body),
            parent_id: b.parent_id,
            media: Attach::Uploads(b.media),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(CommentView::from(&info)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditCommentRequest {
    pub body: String,
}

/// Edit your comment.
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "posts", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = EditCommentRequest,
    responses((status = 200, body = CommentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn edit_comment(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<EditCommentRequest>,
) -> Result<HttpResponse, Error> {
    let info = comments::edit(
        &app,
        &auth.actor(),
        *id,
        Body::Markdown(body.into_inner().body),
    )
    .await?;
    Ok(HttpResponse::Ok().json(CommentView::from(&info)))
}

/// Delete your comment; replies stay.
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "posts", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn delete_comment(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    comments::delete(&app, &auth.actor(), *id)
        .await?
        .into_result()?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// 1 (up), -1 (down) or 0 (clear your vote).
    pub value: i32,
}

/// Vote on a thread.
#[utoipa::path(post, path = "/api/v1/posts/{id}/vote", tag = "votes", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = VoteRequest,
    responses((status = 200, body = VoteView), (status = 403, description = "own content, downvotes off, or not a member", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "same vote twice", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn vote_post(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<VoteRequest>,
) -> Result<HttpResponse, Error> {
    let actor = auth.actor();
    let tally = votes::vote(&app, &actor, VoteTarget::Post(*id), body.value).await?;
    Ok(HttpResponse::Ok().json(VoteView::from(tally)))
}

/// Vote on a comment.
#[utoipa::path(post, path = "/api/v1/comments/{id}/vote", tag = "votes", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = VoteRequest,
    responses((status = 200, body = VoteView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn vote_comment(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<VoteRequest>,
) -> Result<HttpResponse, Error> {
    let actor = auth.actor();
    let tally = votes::vote(&app, &actor, VoteTarget::Comment(*id), body.value).await?;
    Ok(HttpResponse::Ok().json(VoteView::from(tally)))
}

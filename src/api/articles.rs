//! Blogs and articles: writing, editing and scheduling an article, a
//! group's blog and a person's, and the private feed token.

use super::auth::{Auth, MaybeAuth};
use super::input::Json;
use super::views::{utc, PostView};
use crate::community::articles::{self, ArticleEdit, ArticleInfo, ArticleInput, Publication};
use crate::community::feeds;
use crate::community::posts::Page;
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/groups/{name}/articles", web::post().to(create))
        .route("/groups/{name}/articles", web::get().to(group_blog))
        .route("/people/{name}/articles", web::get().to(person_blog))
        .route("/articles/{id}", web::get().to(get))
        .route("/articles/{id}", web::patch().to(edit))
        .route("/me/feed-token", web::get().to(token_status))
        .route("/me/feed-token", web::post().to(new_token))
        .route("/me/feed-token", web::delete().to(revoke_token));
}

#[derive(Serialize, ToSchema)]
pub struct ArticleView {
    /// The article's thread (comments, votes: `/posts/{id}`).
    #[serde(flatten)]
    pub post: PostView,
    pub summary: String,
    pub cover_url: Option<String>,
    pub tags: Vec<String>,
    /// draft, scheduled or published.
    pub state: String,
    /// When a scheduled article comes out.
    pub publish_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<&ArticleInfo> for ArticleView {
    fn from(a: &ArticleInfo) -> Self {
        let hidden = a.post.post.deleted || a.post.post.removed;
        ArticleView {
            post: PostView::from(&a.post),
            summary: if hidden {
                String::new()
            } else {
                a.article.summary.clone()
            },
            cover_url: a.article.cover_url.clone().filter(|_| !hidden),
            tags: a.article.tag_list(),
            state: a.article.state.as_str().to_string(),
            publish_at: a.article.publish_at.map(utc),
            published_at: a.article.published_at.map(utc),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ArticlePage {
    pub items: Vec<ArticleView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

fn article_page(page: &Page<ArticleInfo>) -> ArticlePage {
    ArticlePage {
        items: page.items.iter().map(ArticleView::from).collect(),
        next_cursor: page.next_cursor.clone(),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArticleRequest {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Plain text, shown in lists, feeds and on Mastodon.
    #[serde(default)]
    pub summary: String,
    /// An http(s) URL of the cover image.
    pub cover_url: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// draft, scheduled (with `publish_at`) or published (now). Without it:
    /// scheduled when `publish_at` is given, else published.
    pub state: Option<String>,
    /// When a scheduled article comes out (in the future).
    pub publish_at: Option<DateTime<Utc>>,
    /// Ids of your uploads to attach (`POST /media`), in order; at most 8.
    #[serde(default)]
    pub media: Vec<i64>,
}

/// Write an article in a group's blog: a draft, scheduled, or published now.
#[utoipa::path(post, path = "/api/v1/groups/{name}/articles", tag = "articles", security(("bearer" = [])), params(("name" = String, Path)),
    request_body = CreateArticleRequest,
    responses((status = 201, body = ArticleView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<CreateArticleRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let publication = Publication::parse(b.state.as_deref(), b.publish_at.map(|t| t.naive_utc()))?;
    let info = articles::create(
        &app,
        &auth.actor(),
        &name,
        ArticleInput {
            title: b.title,
            body: b.body,
            summary: b.summary,
            cover_url: b.cover_url.unwrap_or_default(),
            tags: b.tags,
            publication,
            media: b.media,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(ArticleView::from(&info)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditArticleRequest {
    pub title: Option<String>,
    pub body: Option<String>,
    pub summary: Option<String>,
    /// An empty string removes the cover.
    pub cover_url: Option<String>,
    pub tags: Option<Vec<String>>,
    /// draft, scheduled (with `publish_at`) or published; a published
    /// article stays published.
    pub state: Option<String>,
    pub publish_at: Option<DateTime<Utc>>,
}

/// Edit your article, schedule it, or publish it.
#[utoipa::path(patch, path = "/api/v1/articles/{id}", tag = "articles", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = EditArticleRequest,
    responses((status = 200, body = ArticleView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 410, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn edit(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<EditArticleRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let publication = match (&b.state, b.publish_at) {
        (None, None) => None,
        (state, at) => Some(Publication::parse(
            state.as_deref(),
            at.map(|t| t.naive_utc()),
        )?),
    };
    let info = articles::edit(
        &app,
        &auth.actor(),
        *id,
        ArticleEdit {
            title: b.title,
            body: b.body,
            summary: b.summary,
            cover_url: b.cover_url,
            tags: b.tags,
            publication,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(ArticleView::from(&info)))
}

/// An article (a draft or a scheduled one: its author and the group's moderators only).
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles", params(("id" = i64, Path)),
    responses((status = 200, body = ArticleView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    app: web::Data<App>,
    auth: MaybeAuth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let info = articles::get(&app, auth.actor().as_ref(), *id).await?;
    Ok(HttpResponse::Ok().json(ArticleView::from(&info)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct BlogQuery {
    /// From `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// A group's blog, newest first (its moderators also see drafts and
/// scheduled articles; an author their own).
#[utoipa::path(get, path = "/api/v1/groups/{name}/articles", tag = "articles", params(("name" = String, Path), BlogQuery),
    responses((status = 200, body = ArticlePage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn group_blog(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<BlogQuery>,
) -> Result<HttpResponse, Error> {
    let limit = app.config.limits.page_size;
    let page = articles::group_blog(
        &app,
        auth.actor().as_ref(),
        &name,
        q.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(article_page(&page)))
}

/// A person's blog: the articles they wrote, newest first (to themselves,
/// their drafts and scheduled ones too).
#[utoipa::path(get, path = "/api/v1/people/{name}/articles", tag = "articles", params(("name" = String, Path), BlogQuery),
    responses((status = 200, body = ArticlePage), (status = 404, body = ErrorBody)))]
pub async fn person_blog(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<BlogQuery>,
) -> Result<HttpResponse, Error> {
    let limit = app.config.limits.page_size;
    let page = articles::person_blog(
        &app,
        auth.actor().as_ref(),
        &name,
        q.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(article_page(&page)))
}

#[derive(Serialize, ToSchema)]
pub struct FeedTokenView {
    /// Whether you have a live feed token.
    pub active: bool,
    /// The token itself: only in the answer that made it.
    pub token: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// Whether you have a private feed token (the token itself is shown once).
#[utoipa::path(get, path = "/api/v1/me/feed-token", tag = "articles", security(("bearer" = [])),
    responses((status = 200, body = FeedTokenView), (status = 401, body = ErrorBody)))]
pub async fn token_status(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let made = feeds::token_made(&app, &auth.actor()).await?;
    Ok(HttpResponse::Ok().json(FeedTokenView {
        active: made.is_some(),
        token: None,
        created_at: made.map(utc),
    }))
}

/// Make a private feed token (revoking the one before): add `?token=` to
/// a club's feed URLs to read them as you.
#[utoipa::path(post, path = "/api/v1/me/feed-token", tag = "articles", security(("bearer" = [])),
    responses((status = 201, body = FeedTokenView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn new_token(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let actor = auth.actor();
    let token = feeds::new_token(&app, &actor).await?;
    let made = feeds::token_made(&app, &actor).await?;
    Ok(HttpResponse::Created().json(FeedTokenView {
        active: true,
        token: Some(token),
        created_at: made.map(utc),
    }))
}

/// Revoke your private feed token.
#[utoipa::path(delete, path = "/api/v1/me/feed-token", tag = "articles", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    if feeds::revoke_token(&app, &auth.actor()).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(Error::not_found("you have no feed token"))
    }
}

//! Full-text search: `GET /api/v1/search?q=&type=&page=`.

use super::auth::MaybeAuth;
use crate::community::search::{self, Hit, Kind};
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(find));
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to look for (at most 200 characters). Anything but letters
    /// and digits separates words; every word must be found; the last one
    /// also matches as the start of a word (three letters or more).
    pub q: Option<String>,
    /// threads (default), comments, groups or people.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// Page number, from 1 (at most 50).
    pub page: Option<i64>,
}

/// One result.
#[derive(Serialize, ToSchema)]
pub struct SearchHitView {
    /// threads, comments, groups or people.
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: Kind,
    /// The thread's, comment's, group's or person's id.
    pub id: i64,
    /// A thread's title (for a comment, its thread's title), a group's
    /// title, a person's display name.
    pub title: String,
    /// Plain text around the words found (no HTML).
    pub excerpt: String,
    /// Its page on this server (a path).
    pub url: String,
    /// For threads and comments: the thread.
    pub thread_id: Option<i64>,
    /// The group, by handle (`name`, or `name@host` when remote).
    pub group: Option<String>,
    /// The author (threads, comments) or the person (people), by handle.
    pub author: Option<String>,
    /// For remote content: the server it comes from.
    pub origin: Option<String>,
    /// For remote content: its address on its own server.
    pub origin_url: Option<String>,
    pub created_at: NaiveDateTime,
}

impl From<&Hit> for SearchHitView {
    fn from(h: &Hit) -> Self {
        SearchHitView {
            kind: h.kind,
            id: h.id,
            title: h.title.clone(),
            excerpt: h.excerpt_text(),
            url: h.link.clone(),
            thread_id: h.thread_id,
            group: h.group.as_ref().map(|g| g.handle.clone()),
            author: h.author.as_ref().map(|a| a.handle.clone()),
            origin: h.origin.as_ref().map(|o| o.domain.clone()),
            origin_url: h.origin.as_ref().map(|o| o.url.clone()),
            created_at: h.created_at,
        }
    }
}

/// A page of results, best first.
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    /// threads, comments, groups or people.
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: Kind,
    pub page: i64,
    /// The next page's number, when it has results.
    pub next_page: Option<i64>,
    pub items: Vec<SearchHitView>,
}

/// Parses `type`: threads when absent.
pub fn kind(s: Option<&str>) -> Result<Kind, Error> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Kind::Threads),
        Some(s) => Kind::parse(s)
            .ok_or_else(|| Error::bad_request(format!("type is one of: {}", Kind::listed()))),
    }
}

/// Search threads, comments, groups or people, local and remote, ranked
/// best first. A club's threads and comments are found only by its
/// members; removed, deleted and held content is never found.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", operation_id = "search", params(SearchQuery),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody)))]
pub async fn find(
    app: web::Data<App>,
    auth: MaybeAuth,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, Error> {
    let q = q.into_inner();
    let kind = kind(q.kind.as_deref())?;
    let results = search::search(
        &app,
        auth.actor().as_ref(),
        q.q.as_deref().unwrap_or(""),
        kind,
        q.page.unwrap_or(1),
    )
    .await?;
    Ok(HttpResponse::Ok().json(SearchResults {
        kind: results.kind,
        page: results.page,
        next_page: results.more.then_some(results.page + 1),
        items: results.hits.iter().map(SearchHitView::from).collect(),
    }))
}

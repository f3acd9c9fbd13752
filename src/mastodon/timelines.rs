//! Timelines: home (joined groups and followed people), public (every open
//! group; `local=true` this server's only) and a group's (its account's
//! statuses), newest first, paged as Mastodon pages: `limit`, `max_id`
//! (older than), `since_id` (newer than, newest first), `min_id` (just
//! after, the oldest of the newer ones), and a `Link` header with the
//! `next` and `prev` pages. The feeds below are Guildhall's own (sorted by
//! creation, then id); the ids given bound them by the position of the
//! thread they name in that order.

use super::auth::{Caller, MaybeCaller};
use super::entities::Status;
use super::ids::Id;
use super::statuses::thread_status;
use crate::community::oauth::Scope;
use crate::community::posts::{self, Page, PostInfo};
use crate::community::{self, Actor};
use crate::error::{Error, Result};
use crate::store::posts::FeedSort;
use crate::App;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::Deserialize;
use std::future::Future;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/timelines/home", web::get().to(home))
        .route("/timelines/public", web::get().to(public));
}

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 40;
/// The most feed pages one request walks to find a `min_id`/`since_id`.
const MAX_PAGES: usize = 20;

#[derive(Deserialize)]
pub struct Paging {
    limit: Option<usize>,
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
    local: Option<String>,
    remote: Option<String>,
    pinned: Option<String>,
    only_media: Option<String>,
}

fn yes(flag: &Option<String>) -> bool {
    flag.as_deref()
        .is_some_and(|v| matches!(v, "true" | "1" | "on"))
}

/// Where a thread stands in the feeds' order.
type Key = (NaiveDateTime, i64);

fn key(p: &PostInfo) -> Key {
    (p.post.created_at, p.post.id)
}

/// The feed position of the thread a paging id names.
async fn position(app: &App, id: &str) -> Result<(Key, crate::store::posts::Post)> {
    let Id::Thread(post_id) = Id::decode(id)? else {
        return Err(Error::bad_request(format!(
            "{id} is not a thread's id: timelines page by threads"
        )));
    };
    let post = app
        .store
        .run(move |conn| crate::store::posts::by_id(conn, post_id))
        .await?;
    Ok(((post.created_at, post.id), post))
}

/// Walks a feed (`fetch` a page by cursor) to the page `paging` asks for.
async fn walk<F, Fut>(
    app: &App,
    paging: &Paging,
    keep: impl Fn(&PostInfo) -> bool,
    fetch: F,
) -> Result<Vec<PostInfo>>
where
    F: Fn(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<PostInfo>>>,
{
    let limit = paging.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let mut cursor = match &paging.max_id {
        Some(id) => Some(posts::encode_cursor(
            FeedSort::New,
            &position(app, id).await?.1,
        )),
        None => None,
    };
    let (bound, closest) = match (&paging.min_id, &paging.since_id) {
        (Some(id), _) => (Some(position(app, id).await?.0), true),
        (None, Some(id)) => (Some(position(app, id).await?.0), false),
        (None, None) => (None, false),
    };
    let mut found = Vec::new();
    'pages: for _ in 0..MAX_PAGES {
        let page = fetch(cursor.take()).await?;
        for item in page.items {
            if bound.is_some_and(|b| key(&item) <= b) {
                break 'pages;
            }
            if keep(&item) {
                found.push(item);
            }
            if !closest && found.len() >= limit {
                break 'pages;
            }
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if closest && found.len() > limit {
        found.drain(..found.len() - limit);
    }
    found.truncate(limit);
    Ok(found)
}

/// The statuses and their `Link` header (`path` is the timeline's).
fn answer(app: &App, req: &HttpRequest, paging: &Paging, items: &[PostInfo]) -> HttpResponse {
    let statuses: Vec<Status> = items.iter().map(|p| thread_status(app, p)).collect();
    let mut response = HttpResponse::Ok();
    if let (Some(first), Some(last)) = (statuses.first(), statuses.last()) {
        let limit = paging.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let base = format!("{}{}", app.config.base_url(), req.path());
        let extra = match (yes(&paging.local), yes(&paging.remote)) {
            (true, _) => "&local=true",
            (_, true) => "&remote=true",
            _ => "",
        };
        response.insert_header((
            header::LINK,
            format!(
                "<{base}?limit={limit}{extra}&max_id={}>; rel=\"next\", <{base}?limit={limit}{extra}&min_id={}>; rel=\"prev\"",
                last.id, first.id
            ),
        ));
    }
    response.json(statuses)
}

async fn home(
    app: web::Data<App>,
    caller: Caller,
    req: HttpRequest,
    paging: web::Query<Paging>,
) -> Result<HttpResponse> {
    let actor = caller.actor(Scope::ReadStatuses)?;
    let items = walk(
        &app,
        &paging,
        |_| true,
        |cursor| {
            let (app, actor) = (app.clone(), actor.clone());
            async move { posts::home_feed(&app, &actor, cursor.as_deref()).await }
        },
    )
    .await?;
    Ok(answer(&app, &req, &paging, &items))
}

async fn public(
    app: web::Data<App>,
    caller: MaybeCaller,
    req: HttpRequest,
    paging: web::Query<Paging>,
) -> Result<HttpResponse> {
    let viewer = caller.viewer(Scope::ReadStatuses);
    let (local, remote) = (yes(&paging.local), yes(&paging.remote));
    let keep = |p: &PostInfo| (!local || p.group.local) && (!remote || !p.group.local);
    let items = walk(&app, &paging, keep, |cursor| {
        let (app, viewer) = (app.clone(), viewer.clone());
        async move { posts::public_feed(&app, viewer.as_ref(), cursor.as_deref()).await }
    })
    .await?;
    Ok(answer(&app, &req, &paging, &items))
}

/// `GET /api/v1/accounts/{id}/statuses` of a group: its threads.
pub async fn group_statuses(
    app: &App,
    viewer: Option<Actor>,
    req: &HttpRequest,
    group_id: i64,
    paging: &Paging,
) -> Result<HttpResponse> {
    let group = app
        .store
        .run(move |conn| crate::store::groups::by_id(conn, group_id))
        .await?;
    let handle = community::handle(&group.name, group.local, &group.ap_id);
    if yes(&paging.only_media) {
        // Statuses here carry no media attachments.
        return Ok(answer(app, req, paging, &[]));
    }
    if yes(&paging.pinned) {
        let pinned = posts::pinned_threads(app, viewer.as_ref(), &handle).await?;
        return Ok(answer(app, req, paging, &pinned));
    }
    let items = walk(
        app,
        paging,
        |_| true,
        |cursor| {
            let (app, viewer, handle) = (app.clone(), viewer.clone(), handle.clone());
            async move {
                posts::group_feed(
                    &app,
                    viewer.as_ref(),
                    &handle,
                    FeedSort::New,
                    cursor.as_deref(),
                )
                .await
            }
        },
    )
    .await?;
    Ok(answer(app, req, paging, &items))
}

pub async fn account_statuses(
    app: web::Data<App>,
    caller: MaybeCaller,
    req: HttpRequest,
    id: web::Path<String>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse> {
    let viewer = caller.viewer(Scope::ReadStatuses);
    match Id::decode(&id)? {
        Id::Group(group_id) => group_statuses(&app, viewer, &req, group_id, &paging).await,
        Id::Person(_) => Err(Error::unprocessable(
            "a person's statuses are not listed here yet: their threads are in their groups",
        )),
        _ => Err(Error::not_found(format!("no account with id {id}"))),
    }
}

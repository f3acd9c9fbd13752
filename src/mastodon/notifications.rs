//! Notifications in Mastodon's shapes: a reply (to a thread or a comment)
//! or an answer is a `mention` carrying the reply, a mention is a
//! `mention`, a new follower (or friend) is a `follow`. Kinds Mastodon has
//! no type for (badges, ranks, moderation) are left out here; Guildhall's
//! own `GET /api/v1/notifications` lists them. Paged by notification id:
//! `limit`, `max_id`, `since_id`, `min_id`, and a `Link` header.

use super::accounts::{person_brief, time};
use super::auth::Caller;
use super::entities::Notification;
use super::ids::Id;
use super::statuses::status;
use crate::community::oauth::Scope;
use crate::community::Actor;
use crate::error::{Error, Result};
use crate::notifications::reading::{self, Item, Query};
use crate::notifications::Kind;
use crate::App;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// `GET /api/v1/notifications` with an app's token (see
/// `mastodon::clashing_routes`).
pub fn clashing_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/notifications")
            .guard(actix_web::guard::fn_guard(|ctx| {
                super::oauth_bearer(ctx.head())
            }))
            .route(web::get().to(list)),
    );
}

const DEFAULT_LIMIT: usize = 15;
const MAX_LIMIT: usize = 30;
/// The most pages of Guildhall's listing one request reads.
const MAX_PAGES: usize = 20;

#[derive(Deserialize)]
struct Paging {
    limit: Option<usize>,
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
}

fn notification_id(text: &str) -> Result<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::bad_request(format!("not a notification id: {text:?}")))
}

/// Mastodon's type of a kind, when it has one.
fn mastodon_type(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::ThreadReply | Kind::CommentReply | Kind::Mention | Kind::Answer => Some("mention"),
        Kind::Follower | Kind::Friend => Some("follow"),
        _ => None,
    }
}

async fn shape(app: &App, reader: &Actor, item: &Item) -> Result<Option<Notification>> {
    let (Some(kind), Some(actor)) = (mastodon_type(item.kind), &item.actor) else {
        return Ok(None);
    };
    let about = match (&item.comment, &item.post) {
        (Some(c), _) if !c.deleted && !c.removed => Some(Id::Comment(c.id)),
        (None, Some(p)) if !p.deleted && !p.removed => Some(Id::Thread(p.id)),
        _ => None,
    };
    let status = match about {
        Some(id) => Some(status(app, Some(reader), &id.encode()).await?),
        None if kind == "mention" => return Ok(None),
        None => None,
    };
    Ok(Some(Notification {
        id: item.row.id.to_string(),
        kind,
        created_at: time(item.row.created_at),
        account: person_brief(app, actor),
        status,
    }))
}

async fn list(
    app: web::Data<App>,
    caller: Caller,
    req: HttpRequest,
    paging: web::Query<Paging>,
) -> Result<HttpResponse> {
    let reader = caller.actor(Scope::ReadNotifications)?;
    let limit = paging.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let mut cursor = paging
        .max_id
        .as_deref()
        .map(notification_id)
        .transpose()?
        .map(|n| n.to_string());
    let (bound, closest) = match (&paging.min_id, &paging.since_id) {
        (Some(id), _) => (Some(notification_id(id)?), true),
        (None, Some(id)) => (Some(notification_id(id)?), false),
        (None, None) => (None, false),
    };
    let mut found = Vec::new();
    'pages: for _ in 0..MAX_PAGES {
        let page = reading::list(
            &app,
            &reader,
            Query {
                cursor: cursor.take(),
                ..Query::default()
            },
        )
        .await?;
        for item in &page.items {
            if bound.is_some_and(|b| item.row.id <= b) {
                break 'pages;
            }
            if let Some(n) = shape(&app, &reader, item).await? {
                found.push(n);
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
    let mut response = HttpResponse::Ok();
    if let (Some(first), Some(last)) = (found.first(), found.last()) {
        let base = format!("{}{}", app.config.base_url(), req.path());
        response.insert_header((
            header::LINK,
            format!(
                "<{base}?limit={limit}&max_id={}>; rel=\"next\", <{base}?limit={limit}&min_id={}>; rel=\"prev\"",
                last.id, first.id
            ),
        ));
    }
    Ok(response.json(found))
}

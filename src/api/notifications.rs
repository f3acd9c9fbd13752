//! Notifications: the list, the unread count, marking read, delivery
//! preferences, and the live stream (Server-Sent Events).

use super::auth::Auth;
use super::input::Json;
use super::views::{utc, GroupRef, PersonRef};
use crate::community::Actor;
use crate::error::{Error, ErrorBody};
use crate::federation::objects::incoming::plain_text;
use crate::notifications::reading::{self, Item, Query};
use crate::notifications::{Delivery, Kind, Payload};
use crate::App;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(list))
        .route("/notifications/unread_count", web::get().to(unread_count))
        .route("/notifications/preferences", web::get().to(preferences))
        .route("/notifications/preferences", web::put().to(set_preferences))
        .route("/notifications/stream", web::get().to(stream))
        .route("/notifications/read", web::post().to(read_up_to))
        .route("/notifications/{id}/read", web::post().to(read_one));
}

/// How much of a comment's text a notification shows.
const EXCERPT_CHARS: usize = 200;

/// The thread a notification is about.
#[derive(Serialize, ToSchema)]
pub struct NotifiedThread {
    pub id: i64,
    pub title: String,
    pub removed: bool,
    pub deleted: bool,
}

/// The comment a notification is about.
#[derive(Serialize, ToSchema)]
pub struct NotifiedComment {
    pub id: i64,
    pub post_id: i64,
    /// The beginning of its text, without markup.
    pub excerpt: String,
    pub removed: bool,
    pub deleted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    pub kind: Kind,
    /// Who caused it (none for the server itself: badges, ranks).
    pub actor: Option<PersonRef>,
    pub group: Option<GroupRef>,
    pub thread: Option<NotifiedThread>,
    pub comment: Option<NotifiedComment>,
    /// What the kind carries: reason, decision and resolution, rank, badge.
    pub payload: Payload,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

fn excerpt(html: &str) -> String {
    let text = plain_text(html);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(EXCERPT_CHARS).collect()
}

impl From<&Item> for NotificationView {
    fn from(i: &Item) -> Self {
        NotificationView {
            id: i.row.id,
            kind: i.kind,
            actor: i.actor.as_ref().map(PersonRef::from),
            group: i.group.as_ref().map(GroupRef::from),
            thread: i.post.as_ref().map(|p| NotifiedThread {
                id: p.id,
                title: p.title.clone(),
                removed: p.removed,
                deleted: p.deleted,
            }),
            comment: i.comment.as_ref().map(|c| NotifiedComment {
                id: c.id,
                post_id: c.post_id,
                excerpt: excerpt(&c.body_html),
                removed: c.removed,
                deleted: c.deleted,
            }),
            payload: i.payload.clone(),
            read: i.row.read_at.is_some(),
            created_at: utc(i.row.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    /// Pass as `cursor` for the next (older) page; null on the last.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only this kind (thread_reply, comment_reply, mention, ...).
    pub kind: Option<String>,
    /// Only unread ones.
    pub unread: Option<bool>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// Your notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = NotificationPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    app: web::Data<App>,
    auth: Auth,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, Error> {
    let q = q.into_inner();
    let query = Query {
        kind: q.kind.as_deref().map(Kind::parse).transpose()?,
        unread_only: q.unread.unwrap_or(false),
        cursor: q.cursor,
    };
    let page = reading::list(&app, &auth.actor(), query).await?;
    Ok(HttpResponse::Ok().json(NotificationPage {
        items: page.items.iter().map(NotificationView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

/// How many of your notifications are unread.
#[utoipa::path(get, path = "/api/v1/notifications/unread_count", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody)))]
pub async fn unread_count(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let unread = reading::unread_count(&app, &auth.actor()).await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

/// Mark one notification read; answers the unread count after.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read_one(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let unread = reading::mark_read(&app, &auth.actor(), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadUpTo {
    /// Every notification with this id or an older one is marked read.
    pub up_to: i64,
}

/// Mark every notification up to an id read; answers the unread count after.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", security(("bearer" = [])), request_body = ReadUpTo,
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn read_up_to(
    app: web::Data<App>,
    auth: Auth,
    body: Json<ReadUpTo>,
) -> Result<HttpResponse, Error> {
    let unread = reading::mark_read_up_to(&app, &auth.actor(), body.up_to).await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Preference {
    pub kind: Kind,
    pub delivery: Delivery,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    pub items: Vec<Preference>,
}

fn preference_list(all: Vec<(Kind, Delivery)>) -> Preferences {
    Preferences {
        items: all
            .into_iter()
            .map(|(kind, delivery)| Preference { kind, delivery })
            .collect(),
    }
}

/// How you get each kind: app, email (in the app and by email) or off.
#[utoipa::path(get, path = "/api/v1/notifications/preferences", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Preferences), (status = 401, body = ErrorBody)))]
pub async fn preferences(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let all = reading::preferences(&app, &auth.actor()).await?;
    Ok(HttpResponse::Ok().json(preference_list(all)))
}

/// Change how you get the kinds listed (the others stay); answers every kind.
#[utoipa::path(put, path = "/api/v1/notifications/preferences", tag = "notifications", security(("bearer" = [])), request_body = Preferences,
    responses((status = 200, body = Preferences), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_preferences(
    app: web::Data<App>,
    auth: Auth,
    body: Json<Preferences>,
) -> Result<HttpResponse, Error> {
    let choices = body
        .into_inner()
        .items
        .into_iter()
        .map(|p| (p.kind, p.delivery))
        .collect();
    let all = reading::set_preferences(&app, &auth.actor(), choices).await?;
    Ok(HttpResponse::Ok().json(preference_list(all)))
}

/// The live stream (Server-Sent Events). At once an `unread_count` event;
/// then, for each new notification, a `notification` event (its id as the
/// event id, its JSON as the data) followed by an `unread_count` event;
/// a comment line keeps the connection alive. Send `Last-Event-ID` to get
/// what came after that notification.
#[utoipa::path(get, path = "/api/v1/notifications/stream", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, description = "text/event-stream", content_type = "text/event-stream", body = String), (status = 401, body = ErrorBody)))]
pub async fn stream(
    app: web::Data<App>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    stream_for(app.get_ref(), auth.actor(), &req).await
}

/// The live stream of `reader`'s notifications (also served to the web
/// pages' cookie sessions, by `web::notifications`).
pub async fn stream_for(
    app: &App,
    reader: Actor,
    req: &HttpRequest,
) -> Result<HttpResponse, Error> {
    let resume = match req.headers().get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .filter(|id| *id >= 0)
                .ok_or_else(|| {
                    Error::bad_request("Last-Event-ID: send the id of the last event received")
                })?,
        ),
    };
    let after = match resume {
        Some(id) => id,
        None => {
            let r = reader.clone();
            app.store
                .run(move |conn| reading::last_id(conn, &r))
                .await?
        }
    };
    let state = Stream {
        app: app.clone(),
        reader,
        after,
        started: false,
        pending: VecDeque::new(),
        last_sent: Instant::now(),
    };
    let body = futures_util::stream::unfold(state, |mut s| async move {
        match s.next().await {
            Ok(bytes) => Some((Ok::<Bytes, Error>(bytes), s)),
            Err(e) => {
                // The client sees the stream end and reconnects with its
                // Last-Event-ID.
                tracing::warn!(error = ?e, "a notification stream failed");
                None
            }
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Proxies (nginx) pass each event on at once.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

/// One open stream: where it is, and what it has yet to send.
struct Stream {
    app: App,
    reader: Actor,
    after: i64,
    started: bool,
    pending: VecDeque<Bytes>,
    last_sent: Instant,
}

/// Notifications sent per look at the store.
const STREAM_BATCH: i64 = 50;

impl Stream {
    /// The next chunk to send, waiting as long as there is none.
    async fn next(&mut self) -> Result<Bytes, Error> {
        let poll = Duration::from_millis(self.app.config.notifications.stream_poll_ms.max(50));
        let keep_alive = Duration::from_secs(self.app.config.notifications.keep_alive_secs.max(1));
        loop {
            if let Some(b) = self.pending.pop_front() {
                self.last_sent = Instant::now();
                return Ok(b);
            }
            let live = self.app.notices.clone();
            // Registered before looking, so a batch stored meanwhile wakes
            // the next wait.
            let woken = live.stored();
            self.look().await?;
            if !self.pending.is_empty() {
                continue;
            }
            let idle = self.last_sent.elapsed();
            if idle >= keep_alive {
                self.pending
                    .push_back(Bytes::from_static(b": keep-alive\n\n"));
                continue;
            }
            let wait = poll.min(keep_alive - idle);
            let _ = tokio::time::timeout(wait, woken).await;
        }
    }

    /// Queues the notifications stored since the last look and the unread
    /// count after them (the count alone at the start).
    async fn look(&mut self) -> Result<(), Error> {
        let (reader, after, started) = (self.reader.clone(), self.after, self.started);
        let found = self
            .app
            .store
            .run(
                move |conn| match reading::since(conn, &reader, after, STREAM_BATCH)? {
                    Some(s) => Ok(Some(s)),
                    None if !started => Ok(Some(reading::Since {
                        items: Vec::new(),
                        unread: reading::unread_now(conn, &reader)?,
                        after,
                    })),
                    None => Ok(None),
                },
            )
            .await?;
        let Some(found) = found else {
            return Ok(());
        };
        for item in &found.items {
            let data = serde_json::to_string(&NotificationView::from(item))
                .map_err(|e| Error::internal("cannot encode a notification", e))?;
            self.pending.push_back(Bytes::from(format!(
                "id: {}\nevent: notification\ndata: {data}\n\n",
                item.row.id
            )));
        }
        self.after = found.after;
        if !found.items.is_empty() || !self.started {
            self.started = true;
            let data = serde_json::to_string(&UnreadCount {
                unread: found.unread,
            })
            .map_err(|e| Error::internal("cannot encode a count", e))?;
            self.pending.push_back(Bytes::from(format!(
                "event: unread_count\ndata: {data}\n\n"
            )));
        }
        Ok(())
    }
}

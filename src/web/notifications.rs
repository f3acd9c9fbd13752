//! Notifications (signed in): the list, newest first (what happened, who
//! did it, a link to the thread, comment or person), unread ones marked,
//! marking one or all read, paging; and the live stream the header's
//! unread count follows.

use super::forms::Posted;
use super::page::{t, Page};
use super::see_other;
use super::session::Viewer;
use crate::community::handle;
use crate::error::Result;
use crate::notifications::reading::{self, Item, Query};
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(list))
        .route("/notifications/read", web::post().to(read_all))
        .route("/notifications/{id}/read", web::post().to(read_one))
        .route("/notifications/live", web::get().to(live));
}

/// A notification as the list shows it.
struct Line {
    id: i64,
    unread: bool,
    text: String,
    /// The thread's title, when it is about one.
    about: Option<String>,
    link: Option<String>,
    detail: Option<String>,
    when: String,
}

fn who(item: &Item) -> String {
    match &item.actor {
        Some(p) => p
            .display_name
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| handle(&p.name, p.local, &p.ap_id)),
        None => t("notifications.someone").to_string(),
    }
}

fn line(item: Item) -> Line {
    let key = format!("notifications.kind_{}", item.kind.as_str());
    let text = t(&key).replacen("{}", &who(&item), 1);
    let link = match (&item.comment, &item.post, &item.actor, &item.group) {
        (Some(c), _, _, _) => Some(format!("/comment/{}", c.id)),
        (None, Some(p), _, _) => Some(format!("/post/{}", p.id)),
        (None, None, Some(a), _) => Some(format!("/u/{}", handle(&a.name, a.local, &a.ap_id))),
        (None, None, None, Some(g)) => Some(format!("/g/{}", handle(&g.name, g.local, &g.ap_id))),
        _ => None,
    };
    let p = &item.payload;
    let detail = p
        .reason
        .clone()
        .or_else(|| p.resolution.clone())
        .or_else(|| {
            p.badge.as_deref().map(|b| {
                crate::reputation::badges::by_name(b)
                    .map_or(b, |badge| badge.title)
                    .to_string()
            })
        })
        .or_else(|| p.rank.clone())
        .or_else(|| {
            p.idea_status
                .as_deref()
                .map(|s| t(&format!("ideas.status_{s}")).to_string())
        });
    Line {
        id: item.row.id,
        unread: item.row.read_at.is_none(),
        text,
        about: item.post.as_ref().map(|p| p.title.clone()),
        link,
        detail,
        when: item.row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

#[derive(Template)]
#[template(path = "account/notifications.html")]
struct NotificationsPage {
    page: Page,
    lines: Vec<Line>,
    /// The newest shown (marking all read goes up to it).
    newest: Option<i64>,
    next: Option<String>,
}

impl NotificationsPage {
    fn any_unread(&self) -> bool {
        self.lines.iter().any(|l| l.unread)
    }
}

#[derive(Deserialize)]
struct ListQuery {
    cursor: Option<String>,
}

async fn list(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse> {
    let reader = viewer.require()?;
    let first_page = q.cursor.is_none();
    let found = reading::list(
        &app,
        &reader,
        Query {
            cursor: q.into_inner().cursor,
            ..Query::default()
        },
    )
    .await?;
    let lines: Vec<Line> = found.items.into_iter().map(line).collect();
    let newest = lines.first().map(|l| l.id).filter(|_| first_page);
    super::ok(NotificationsPage {
        page: Page::new(&app, &viewer, t("notifications.title")).await?,
        lines,
        newest,
        next: found.next_cursor,
    })
}

#[derive(Deserialize)]
struct Empty {}

async fn read_one(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let reader = viewer.require()?;
    reading::mark_read(&app, &reader, id.into_inner()).await?;
    Ok(see_other("/notifications"))
}

#[derive(Deserialize)]
struct UpTo {
    up_to: i64,
}

async fn read_all(app: web::Data<App>, viewer: Viewer, form: Posted<UpTo>) -> Result<HttpResponse> {
    let reader = viewer.require()?;
    reading::mark_read_up_to(&app, &reader, form.up_to).await?;
    Ok(see_other("/notifications"))
}

/// The API's notification stream, for the cookie session.
async fn live(app: web::Data<App>, viewer: Viewer, req: HttpRequest) -> Result<HttpResponse> {
    let reader = viewer.require()?;
    crate::api::notifications::stream_for(&app, reader, &req).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_has_a_sentence() {
        for k in crate::notifications::Kind::ALL {
            let key = format!("notifications.kind_{}", k.as_str());
            assert!(
                super::super::page::catalogue().contains_key(&key),
                "{key} missing from locales/en.toml"
            );
        }
    }
}

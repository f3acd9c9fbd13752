//! What a member reads of their notifications: pages, the unread count,
//! marking read, and their delivery choices. A notification that shows a
//! thread or comment of a club the reader no longer sees is left out (the
//! one privacy rule, `community::privacy`).

use super::{Delivery, Kind, Payload};
use crate::community::posts::Page;
use crate::community::privacy::{self, Viewer};
use crate::community::Actor;
use crate::error::{Error, Result};
use crate::store::comments::{self, Comment};
use crate::store::groups::{self, Group};
use crate::store::notifications::{self as rows, Filter, Notification};
use crate::store::people::{self, Person};
use crate::store::posts::{self, Post};
use crate::store::{write_tx, DbConn};
use crate::App;

/// A notification with what a client shows of it.
#[derive(Debug, Clone)]
pub struct Item {
    pub row: Notification,
    pub kind: Kind,
    pub actor: Option<Person>,
    pub group: Option<Group>,
    pub post: Option<Post>,
    pub comment: Option<Comment>,
    pub payload: Payload,
}

/// What a listing asks for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub kind: Option<Kind>,
    pub unread_only: bool,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
}

fn parse_cursor(cursor: &str) -> Result<i64> {
    cursor
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::bad_request("cursor: use the next_cursor of the page before"))
}

fn hidden_groups(conn: &mut DbConn, reader: &Actor) -> Result<Vec<i64>> {
    privacy::unseen_clubs(conn, Viewer::Account(reader))
}

pub async fn list(app: &App, reader: &Actor, q: Query) -> Result<Page<Item>> {
    let before = q.cursor.as_deref().map(parse_cursor).transpose()?;
    let limit = app.config.limits.page_size;
    let reader = reader.clone();
    app.store
        .run(move |conn| {
            let filter = Filter {
                kind: q.kind.map(|k| k.as_str().to_string()),
                unread_only: q.unread_only,
                hidden_groups: hidden_groups(conn, &reader)?,
            };
            let mut found = rows::page(conn, reader.id(), &filter, before, limit + 1)?;
            let more = found.len() as i64 > limit;
            found.truncate(limit as usize);
            let next_cursor = if more {
                found.last().map(|n| n.id.to_string())
            } else {
                None
            };
            Ok(Page {
                items: items(conn, found)?,
                next_cursor,
            })
        })
        .await
}

/// What a stream sends after one look.
pub struct Since {
    /// New notifications, oldest first.
    pub items: Vec<Item>,
    pub unread: i64,
    /// Where the next look starts.
    pub after: i64,
}

/// The reader's notifications newer than `after`, and their unread count;
/// `None` when there is none (one indexed query: what an idle stream costs).
pub fn since(conn: &mut DbConn, reader: &Actor, after: i64, limit: i64) -> Result<Option<Since>> {
    let newest = rows::last_id(conn, reader.id())?;
    if newest <= after {
        return Ok(None);
    }
    let hidden = hidden_groups(conn, reader)?;
    let found = rows::after(conn, reader.id(), &hidden, after, limit)?;
    // A full batch: the next look goes on from its last; otherwise every
    // row up to `newest` was seen (some hidden).
    let next = match found.last() {
        Some(last) if found.len() as i64 >= limit => last.id,
        _ => newest,
    };
    let unread = rows::unread_count(conn, reader.id(), &hidden)?;
    Ok(Some(Since {
        items: items(conn, found)?,
        unread,
        after: next,
    }))
}

/// The reader's unread count (what a stream sends first).
pub fn unread_now(conn: &mut DbConn, reader: &Actor) -> Result<i64> {
    let hidden = hidden_groups(conn, reader)?;
    rows::unread_count(conn, reader.id(), &hidden)
}

/// Where a new stream starts: after the newest notification so far.
pub fn last_id(conn: &mut DbConn, reader: &Actor) -> Result<i64> {
    rows::last_id(conn, reader.id())
}

pub async fn unread_count(app: &App, reader: &Actor) -> Result<i64> {
    let reader = reader.clone();
    app.store.run(move |conn| unread_now(conn, &reader)).await
}

/// Marks one of the reader's notifications read; 404 when it is not theirs.
pub async fn mark_read(app: &App, reader: &Actor, id: i64) -> Result<i64> {
    let reader = reader.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                if rows::by_id(conn, reader.id(), id)?.is_none() {
                    return Err(Error::not_found(format!("no notification {id} of yours")));
                }
                rows::mark_read(conn, reader.id(), id)?;
                let hidden = hidden_groups(conn, &reader)?;
                rows::unread_count(conn, reader.id(), &hidden)
            })
        })
        .await
}

/// Marks the reader's notifications up to `up_to` (included) read; returns
/// the unread count after.
pub async fn mark_read_up_to(app: &App, reader: &Actor, up_to: i64) -> Result<i64> {
    if up_to < 1 {
        return Err(Error::unprocessable("up_to must be a notification id"));
    }
    let reader = reader.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                rows::mark_read_up_to(conn, reader.id(), up_to)?;
                let hidden = hidden_groups(conn, &reader)?;
                rows::unread_count(conn, reader.id(), &hidden)
            })
        })
        .await
}

/// Every kind with the reader's delivery (their choice or the default).
pub async fn preferences(app: &App, reader: &Actor) -> Result<Vec<(Kind, Delivery)>> {
    let id = reader.id();
    app.store.run(move |conn| all_preferences(conn, id)).await
}

fn all_preferences(conn: &mut DbConn, person_id: i64) -> Result<Vec<(Kind, Delivery)>> {
    let stored = rows::preferences(conn, person_id)?;
    Ok(Kind::ALL
        .into_iter()
        .map(|k| {
            let d = stored
                .iter()
                .find(|(kind, _)| kind == k.as_str())
                .map_or(k.default_delivery(), |(_, d)| Delivery::stored(d, k));
            (k, d)
        })
        .collect())
}

/// Stores the reader's choices for the kinds given (the others keep theirs).
pub async fn set_preferences(
    app: &App,
    reader: &Actor,
    choices: Vec<(Kind, Delivery)>,
) -> Result<Vec<(Kind, Delivery)>> {
    let id = reader.id();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                for (kind, delivery) in &choices {
                    rows::set_preference(conn, id, kind.as_str(), delivery.as_str())?;
                }
                all_preferences(conn, id)
            })
        })
        .await
}

/// Loads what the rows point at, in one query per table.
fn items(conn: &mut DbConn, found: Vec<Notification>) -> Result<Vec<Item>> {
    let ids = |f: fn(&Notification) -> Option<i64>| -> Vec<i64> {
        let mut v: Vec<i64> = found.iter().filter_map(f).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let actors = people::by_ids(conn, &ids(|n| n.actor_id))?;
    let group_list = groups::by_ids(conn, &ids(|n| n.group_id))?;
    let post_list = posts::by_ids(conn, &ids(|n| n.post_id))?;
    let comment_list = comments::by_ids(conn, &ids(|n| n.comment_id))?;
    found
        .into_iter()
        .map(|row| {
            let kind = Kind::parse(&row.kind)?;
            // A payload this version cannot read shows as empty rather
            // than failing the whole page.
            let payload = serde_json::from_str(&row.payload).unwrap_or_default();
            Ok(Item {
                kind,
                actor: actors.iter().find(|p| Some(p.id) == row.actor_id).cloned(),
                group: group_list
                    .iter()
                    .find(|g| Some(g.id) == row.group_id)
                    .cloned(),
                post: post_list
                    .iter()
                    .find(|p| Some(p.id) == row.post_id)
                    .cloned(),
                comment: comment_list
                    .iter()
                    .find(|c| Some(c.id) == row.comment_id)
                    .cloned(),
                payload,
                row,
            })
        })
        .collect()
}

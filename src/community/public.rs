//! What this server shows to anyone who asks, signed in or not, by the id
//! of a local actor or object: the answers behind ActivityPub fetches,
//! WebFinger and NodeInfo. What of a club is served follows the rule in
//! `privacy`, with the server that signed the fetch as the viewer.

use super::comments;
use super::posts::{enrich, PostInfo};
use super::privacy::{self, Sight, Viewer};
use crate::error::{Error, Result};
use crate::store::articles as article_rows;
use crate::store::comments::{self as comment_rows, Comment};
use crate::store::groups::{self as group_rows, Group, MemberState};
use crate::store::people::{self, Person};
use crate::store::posts::{self as post_rows, Post};
use crate::store::{deliveries, DbConn};
use crate::App;
use chrono::{Duration, NaiveDateTime};

/// A local object, or what is left of it once deleted.
pub enum Served<T> {
    Live(T),
    Deleted {
        ap_id: String,
        former_type: &'static str,
        at: Option<NaiveDateTime>,
    },
}

/// A local comment with what its Note needs.
pub struct CommentObject {
    pub comment: Comment,
    pub author: Person,
    pub group: Group,
    /// The ap_id and author of the thread or comment it answers.
    pub parent_ap_id: String,
    pub parent_author: Person,
    /// Its images, in order.
    pub media: Vec<crate::store::media::Media>,
}

pub struct Usage {
    pub users: i64,
    pub active_month: i64,
    pub active_halfyear: i64,
    pub local_posts: i64,
    pub local_comments: i64,
}

/// A local actor: a person or a group (they share one namespace).
pub enum LocalActor {
    Person(Person),
    Group(Group),
}

pub async fn local_actor(app: &App, name: &str) -> Result<Option<LocalActor>> {
    let name = name.to_string();
    app.store
        .run(move |conn| {
            if let Some(p) = people::local_by_name(conn, &name)? {
                return Ok(Some(LocalActor::Person(p)));
            }
            Ok(group_rows::local_by_name(conn, &name)?.map(LocalActor::Group))
        })
        .await
}

pub async fn local_person(app: &App, name: &str) -> Result<Served<Person>> {
    let name = name.to_string();
    app.store
        .run(move |conn| {
            let p = people::local_by_name(conn, &name)?
                .ok_or_else(|| Error::not_found(format!("no person named {name:?} here")))?;
            Ok(if p.deleted {
                Served::Deleted {
                    ap_id: p.ap_id,
                    former_type: "Person",
                    at: Some(p.updated_at),
                }
            } else {
                Served::Live(p)
            })
        })
        .await
}

/// A local group with its moderators (owners first).
pub async fn local_group(app: &App, name: &str) -> Result<(Group, Vec<Person>)> {
    let name = name.to_string();
    app.store
        .run(move |conn| {
            let g = group_rows::local_by_name(conn, &name)?
                .ok_or_else(|| Error::not_found(format!("no group named {name:?} here")))?;
            let mods = group_rows::moderators(conn, g.id)?;
            Ok((g, mods))
        })
        .await
}

/// A local thread as served to `reader`: the server whose actor signed the
/// fetch, if it was signed. A club's threads go only to servers where one
/// of its accepted members lives.
fn public_post_row(conn: &mut DbConn, id: i64, reader: Option<i64>) -> Result<(Post, Group)> {
    let post = post_rows::by_id(conn, id)?;
    if post.held {
        return Err(Error::not_found(format!(
            "thread {id} is waiting for review"
        )));
    }
    if !article_rows::is_out(conn, &post)? {
        return Err(Error::not_found(format!("thread {id} is not published")));
    }
    let group = group_rows::by_id(conn, post.group_id)?;
    club_readers_only(conn, &group, reader)?;
    if !post.local {
        return Err(Error::not_found(format!("thread {id} is not hosted here")));
    }
    Ok((post, group))
}

/// A club's threads and comments go only to the servers that see it from
/// inside (the privacy rule), asking with a signed request.
fn club_readers_only(conn: &mut DbConn, group: &Group, reader: Option<i64>) -> Result<()> {
    if privacy::sight(conn, Viewer::server(reader), group)? == Sight::Outside {
        return Err(Error::forbidden(
            "this thread belongs to a club: only servers of its members may fetch it, with a signed request",
        ));
    }
    Ok(())
}

/// A local thread for the server `reader` (see `public_post_row`).
pub async fn post(app: &App, id: i64, reader: Option<i64>) -> Result<Served<PostInfo>> {
    app.store
        .run(move |conn| {
            let (post, _) = public_post_row(conn, id, reader)?;
            if post.deleted || post.removed {
                return Ok(Served::Deleted {
                    ap_id: post.ap_id,
                    former_type: "Page",
                    at: post.updated_at,
                });
            }
            let info = enrich(conn, None, vec![post])?
                .pop()
                .ok_or_else(|| Error::not_found("thread vanished"))?;
            Ok(Served::Live(info))
        })
        .await
}

pub async fn comment(app: &App, id: i64, reader: Option<i64>) -> Result<Served<CommentObject>> {
    app.store
        .run(move |conn| {
            let c = comment_rows::by_id(conn, id)?;
            // A comment of ours is served wherever its thread is hosted:
            // the group's followers ask us for it.
            let post = post_rows::by_id(conn, c.post_id)?;
            let group = group_rows::by_id(conn, post.group_id)?;
            club_readers_only(conn, &group, reader)?;
            if !c.local || c.held || post.held || !article_rows::is_out(conn, &post)? {
                return Err(Error::not_found(format!(
                    "comment {id} is not hosted here, or waits for review"
                )));
            }
            if c.deleted || c.removed {
                return Ok(Served::Deleted {
                    ap_id: c.ap_id,
                    former_type: "Note",
                    at: c.updated_at,
                });
            }
            Ok(Served::Live(comment_object(conn, c, &post, group)?))
        })
        .await
}

/// A comment with its group and the thread or comment it answers.
fn comment_object(
    conn: &mut DbConn,
    c: Comment,
    post: &Post,
    group: Group,
) -> Result<CommentObject> {
    let (parent_ap_id, parent_author_id) = match c.parent_id {
        Some(pid) => {
            let parent = comment_rows::by_id(conn, pid)?;
            (parent.ap_id, parent.author_id)
        }
        None => (post.ap_id.clone(), post.author_id),
    };
    let info = comments::enrich(conn, None, vec![c])?
        .pop()
        .ok_or_else(|| Error::not_found("comment vanished"))?;
    Ok(CommentObject {
        comment: info.comment,
        author: info.author,
        group,
        parent_ap_id,
        parent_author: people::by_id(conn, parent_author_id)?,
        media: info.media,
    })
}

/// Any stored comment (deleted or not, in a club or not) with what its
/// Note needs: for what this server sends, not for what it shows.
pub async fn any_comment(app: &App, id: i64) -> Result<CommentObject> {
    app.store.run(move |conn| comment_info(conn, id)).await
}

/// `any_comment` on the caller's connection.
pub fn comment_info(conn: &mut DbConn, id: i64) -> Result<CommentObject> {
    let c = comment_rows::by_id(conn, id)?;
    let post = post_rows::by_id(conn, c.post_id)?;
    let group = group_rows::by_id(conn, post.group_id)?;
    comment_object(conn, c, &post, group)
}

/// Any stored thread with its author and group (see `any_comment`).
pub async fn any_post(app: &App, id: i64) -> Result<PostInfo> {
    app.store.run(move |conn| post_info(conn, id)).await
}

/// `any_post` on the caller's connection.
pub fn post_info(conn: &mut DbConn, id: i64) -> Result<PostInfo> {
    let post = post_rows::by_id(conn, id)?;
    enrich(conn, None, vec![post])?
        .pop()
        .ok_or_else(|| Error::not_found("thread vanished"))
}

/// What the server `reader` (the signer of the fetch, if signed) may see
/// of `group`.
pub async fn sight(app: &App, group: &Group, reader: Option<i64>) -> Result<Sight> {
    let group = group.clone();
    app.store
        .run(move |conn| privacy::sight(conn, Viewer::server(reader), &group))
        .await
}

/// A group's pinned threads; none are listed for a club to `reader` unless
/// it may see inside.
pub async fn featured(app: &App, group: &Group, reader: Option<i64>) -> Result<Vec<PostInfo>> {
    if sight(app, group, reader).await? == Sight::Outside {
        return Ok(Vec::new());
    }
    let group_id = group.id;
    app.store
        .run(move |conn| {
            let posts = post_rows::pinned(conn, group_id)?;
            enrich(conn, None, posts)
        })
        .await
}

pub async fn person_counts(app: &App, person_id: i64) -> Result<(i64, i64)> {
    app.store
        .run(move |conn| {
            Ok((
                crate::store::follows::count_followers(conn, person_id)?,
                crate::store::follows::count_following(conn, person_id)?,
            ))
        })
        .await
}

/// Counts for NodeInfo. "Active" means a local thread or comment in the
/// last 30 or 180 days.
pub async fn usage(app: &App) -> Result<Usage> {
    app.store
        .run(|conn| {
            let now = crate::store::now();
            let active = |conn: &mut DbConn, days: i64| -> Result<i64> {
                let since = now - Duration::days(days);
                let mut ids = post_rows::local_authors_since(conn, since)?;
                ids.extend(comment_rows::local_authors_since(conn, since)?);
                ids.sort_unstable();
                ids.dedup();
                Ok(ids.len() as i64)
            };
            Ok(Usage {
                users: people::count_local(conn)?,
                active_month: active(conn, 30)?,
                active_halfyear: active(conn, 180)?,
                local_posts: post_rows::count_local(conn)?,
                local_comments: comment_rows::count_local(conn)?,
            })
        })
        .await
}

/// A group's newest Announces (the JSON it sent) and how many it sent; a
/// club's outbox is empty (a count of zero) to `reader` unless it may see
/// inside.
pub async fn group_outbox(
    app: &App,
    group: &Group,
    reader: Option<i64>,
    limit: i64,
) -> Result<(Vec<String>, i64)> {
    if sight(app, group, reader).await? == Sight::Outside {
        return Ok((Vec::new(), 0));
    }
    let ap_id = group.ap_id.clone();
    app.store
        .run(move |conn| {
            Ok((
                deliveries::sent_by(conn, &ap_id, "Announce", limit)?,
                deliveries::count_sent_by(conn, &ap_id, "Announce")?,
            ))
        })
        .await
}

/// The ids of a group's accepted members, when `reader` is one of them.
pub async fn members_for(app: &App, group: &Group, reader: &Person) -> Result<Option<Vec<String>>> {
    let (group_id, reader_id) = (group.id, reader.id);
    app.store
        .run(move |conn| {
            let m = group_rows::membership(conn, reader_id, group_id)?;
            if super::accepted(m.as_ref()).is_none() {
                return Ok(None);
            }
            let members =
                group_rows::members(conn, group_id, MemberState::Accepted, None, i64::MAX)?;
            Ok(Some(members.into_iter().map(|(_, p)| p.ap_id).collect()))
        })
        .await
}

/// What the about page tells anyone: the counts, who runs the server, and
/// whom it federates with.
pub struct About {
    pub usage: Usage,
    pub admins: Vec<Person>,
    /// The federation mode (`open`, or `allowlist`).
    pub federation_mode: String,
}

pub async fn about(app: &App) -> Result<About> {
    let usage = usage(app).await?;
    let (admins, federation_mode) = app
        .store
        .run(|conn| {
            Ok((
                people::local_by_role(conn, people::InstanceRole::Admin)?,
                crate::moderation::policy::mode(conn)?,
            ))
        })
        .await?;
    Ok(About {
        usage,
        admins,
        federation_mode,
    })
}

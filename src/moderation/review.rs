//! The review queue (content held by watched words or because it came from
//! a silenced server: approve or reject it) and the watched words that
//! fill it.

use super::filters::ACTIONS;
use super::log::{self, Entry, Target};
use super::{require_moderator, require_staff_moderator};
use crate::community::comments::enrich as enrich_comments;
use crate::community::posts::{enrich, CommentInfo, PostInfo};
use crate::community::{find_group, Actor};
use crate::error::{Error, Result};
use crate::events::{self, Change, Target as EventTarget, What};
use crate::store::comments::{self as comment_rows, CommentChange};
use crate::store::groups as group_rows;
use crate::store::posts::{self as post_rows, PostChange};
use crate::store::watched::{self, WatchedWord};
use crate::store::write_tx;
use crate::App;

/// Held threads and comments, oldest first.
pub struct Held {
    pub posts: Vec<PostInfo>,
    pub comments: Vec<CommentInfo>,
}

/// A group's queue (its moderators) or, with `group` `None`, the whole
/// instance's (admins and instance moderators).
pub async fn queue(app: &App, actor: &Actor, group: Option<String>) -> Result<Held> {
    if group.is_none() {
        require_staff_moderator(actor)?;
    }
    let (actor, limit) = (actor.clone(), app.config.limits.page_size * 5);
    app.store
        .run(move |conn| {
            let ids = match &group {
                Some(g) => {
                    let g = find_group(conn, g)?;
                    require_moderator(conn, &actor, &g)?;
                    Some(vec![g.id])
                }
                None => None,
            };
            let posts = post_rows::held(conn, ids.as_deref(), limit)?;
            let comments = comment_rows::held(conn, ids.as_deref(), limit)?;
            Ok(Held {
                posts: enrich(conn, Some(actor.id()), posts)?,
                comments: enrich_comments(conn, Some(actor.id()), comments)?,
            })
        })
        .await
}

/// Approves (the thread is shown and counted) or rejects (removed) a held
/// thread.
pub async fn decide_post(app: &App, actor: &Actor, id: i64, approve: bool) -> Result<PostInfo> {
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let post = post_rows::by_id(conn, id)?;
                let group = group_rows::by_id(conn, post.group_id)?;
                require_moderator(conn, &actor, &group)?;
                if !post.held {
                    return Err(Error::conflict("this thread is not waiting for review"));
                }
                let change = PostChange {
                    held: Some(false),
                    removed: (!approve).then_some(true),
                    ..PostChange::default()
                };
                let post = post_rows::update(conn, id, &change)?;
                if approve && !post.deleted {
                    group_rows::add_post_count(conn, group.id, 1)?;
                }
                let target = Target {
                    group_id: Some(group.id),
                    post_id: Some(post.id),
                    person_id: Some(post.author_id),
                    ..Target::default()
                };
                let name = if approve {
                    "approve_post"
                } else {
                    "reject_post"
                };
                log::record(conn, name, Some(actor.id()), target, Entry::default())?;
                if approve {
                    events::record(
                        conn,
                        Change::by(
                            actor.id(),
                            What::Approved {
                                target: EventTarget::Post(post.id),
                            },
                        )
                        .in_group(group.id),
                    )?;
                }
                enrich(conn, Some(actor.id()), vec![post])?
                    .pop()
                    .ok_or_else(|| Error::not_found("thread vanished"))
            })
        })
        .await
}

pub async fn decide_comment(
    app: &App,
    actor: &Actor,
    id: i64,
    approve: bool,
) -> Result<CommentInfo> {
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let c = comment_rows::by_id(conn, id)?;
                let post = post_rows::by_id(conn, c.post_id)?;
                let group = group_rows::by_id(conn, post.group_id)?;
                require_moderator(conn, &actor, &group)?;
                if !c.held {
                    return Err(Error::conflict("this comment is not waiting for review"));
                }
                let change = CommentChange {
                    held: Some(false),
                    removed: (!approve).then_some(true),
                    ..CommentChange::default()
                };
                let c = comment_rows::update(conn, id, &change)?;
                if approve && !c.deleted {
                    post_rows::add_comment(
                        conn,
                        post.id,
                        1,
                        c.created_at.max(post.last_activity_at),
                    )?;
                }
                let target = Target {
                    group_id: Some(group.id),
                    post_id: Some(post.id),
                    comment_id: Some(c.id),
                    person_id: Some(c.author_id),
                };
                let name = if approve {
                    "approve_comment"
                } else {
                    "reject_comment"
                };
                log::record(conn, name, Some(actor.id()), target, Entry::default())?;
                if approve {
                    events::record(
                        conn,
                        Change::by(
                            actor.id(),
                            What::Approved {
                                target: EventTarget::Comment(c.id),
                            },
                        )
                        .in_group(group.id),
                    )?;
                }
                enrich_comments(conn, Some(actor.id()), vec![c])?
                    .pop()
                    .ok_or_else(|| Error::not_found("comment vanished"))
            })
        })
        .await
}

/// The watched words of a group (its moderators) or of the instance
/// (`group` `None`: admins and instance moderators).
pub async fn words(app: &App, actor: &Actor, group: Option<String>) -> Result<Vec<WatchedWord>> {
    if group.is_none() {
        require_staff_moderator(actor)?;
    }
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            let group_id = match &group {
                Some(g) => {
                    let g = find_group(conn, g)?;
                    require_moderator(conn, &actor, &g)?;
                    Some(g.id)
                }
                None => None,
            };
            watched::of(conn, group_id)
        })
        .await
}

pub async fn add_word(
    app: &App,
    actor: &Actor,
    group: Option<String>,
    word: &str,
    action: &str,
) -> Result<WatchedWord> {
    if group.is_none() {
        require_staff_moderator(actor)?;
    }
    let word = word.trim().to_string();
    if word.is_empty() || word.chars().count() > 100 {
        return Err(Error::unprocessable(
            "a watched word has 1 to 100 characters",
        ));
    }
    if !ACTIONS.contains(&action) {
        return Err(Error::unprocessable(format!(
            "action must be one of {}; got {action:?}",
            ACTIONS.join(", ")
        )));
    }
    let (actor, action) = (actor.clone(), action.to_string());
    app.store
        .run(move |conn| {
            let group_id = match &group {
                Some(g) => {
                    let g = find_group(conn, g)?;
                    require_moderator(conn, &actor, &g)?;
                    if !g.local {
                        return Err(Error::unprocessable(
                            "watched words apply to this server's groups",
                        ));
                    }
                    Some(g.id)
                }
                None => None,
            };
            watched::insert(conn, group_id, &word, &action)
        })
        .await
}

pub async fn remove_word(app: &App, actor: &Actor, id: i64) -> Result<()> {
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            let w = watched::by_id(conn, id)?
                .ok_or_else(|| Error::not_found(format!("no watched word {id}")))?;
            match w.group_id {
                Some(g) => {
                    let g = group_rows::by_id(conn, g)?;
                    require_moderator(conn, &actor, &g)?;
                }
                None => require_staff_moderator(&actor)?,
            }
            watched::delete(conn, id)
        })
        .await
}

//! Comments: replies to a thread or to another comment (a tree by
//! `parent_id`), edits, and deletion as a tombstone that keeps the replies.

use super::outcome::{Applied, Outcome};
use super::posts::{readable_post, CommentInfo};
use super::{group_decides, Actor, Body, Origin};
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::store::comments::{self as rows, Comment, CommentChange, NewComment};
use crate::store::media::Owner as MediaOwner;
use crate::store::{
    groups as group_rows, now, people, posts as post_rows, votes, write_tx, DbConn,
};
use crate::App;

pub struct CommentInput {
    pub body: Body,
    pub parent_id: Option<i64>,
    pub media: super::media::Attach,
}

fn check_body(app: &App, body: &str) -> Result<()> {
    if body.trim().is_empty() {
        return Err(Error::unprocessable("the comment is empty"));
    }
    super::check_size("body", body, app.config.limits.comment_body_bytes)
}

pub fn enrich(
    conn: &mut DbConn,
    viewer: Option<i64>,
    comments: Vec<Comment>,
) -> Result<Vec<CommentInfo>> {
    let author_ids: Vec<i64> = comments.iter().map(|c| c.author_id).collect();
    let authors = people::by_ids(conn, &author_ids)?;
    let my_votes = match viewer {
        Some(v) => {
            let ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
            votes::on_comments(conn, v, &ids)?
        }
        None => Vec::new(),
    };
    let ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
    let mut media = crate::store::media::of_comments(conn, &ids)?;
    comments
        .into_iter()
        .map(|comment| {
            let author = authors
                .iter()
                .find(|a| a.id == comment.author_id)
                .cloned()
                .ok_or_else(|| Error::not_found("the comment's author is missing"))?;
            let my_vote = my_votes
                .iter()
                .find(|(id, _)| *id == comment.id)
                .map_or(0, |v| v.1);
            let (mine, rest) = media
                .drain(..)
                .partition(|m| m.comment_id == Some(comment.id));
            media = rest;
            Ok(CommentInfo {
                comment,
                author,
                my_vote,
                media: mine,
            })
        })
        .collect()
}

/// The thread a comment belongs to, for a viewer who may read it (a
/// comment's permalink leads into its thread).
pub async fn thread_of(app: &App, viewer: Option<&Actor>, id: i64) -> Result<i64> {
    let viewer = viewer.cloned();
    app.store
        .run(move |conn| {
            let c = rows::by_id(conn, id)?;
            let (_, group) = readable_post(conn, viewer.as_ref(), c.post_id)?;
            if c.held && !super::posts::sees_held(conn, viewer.as_ref(), c.author_id, &group)? {
                return Err(Error::not_found(format!(
                    "comment {id} is waiting for review"
                )));
            }
            Ok(c.post_id)
        })
        .await
}

pub async fn create(
    app: &App,
    actor: &Actor,
    post_id: i64,
    input: CommentInput,
) -> Result<CommentInfo> {
    create_received(app, actor, post_id, input, Origin::default())
        .await?
        .into_result()
}

/// A comment, written here or received from another server (`origin`).
pub async fn create_received(
    app: &App,
    actor: &Actor,
    post_id: i64,
    input: CommentInput,
    origin: Origin,
) -> Result<Applied<CommentInfo>> {
    check_body(app, input.body.text())?;
    crate::moderation::limits::check_posting(app, actor, input.body.text()).await?;
    let (body_source, body_html) = input.body.render();
    let max_depth = app.config.limits.comment_depth;
    let attach = input.media;
    let (actor, ids, instance_id) = (actor.clone(), app.ids.clone(), app.local_instance_id);
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let post = post_rows::by_id(conn, post_id)?;
                let group = group_rows::by_id(conn, post.group_id)?;
                let decided = group_decides(&actor, &group);
                if !decided {
                    readable_post(conn, Some(&actor), post_id)?;
                }
                if post.deleted || post.removed {
                    return Err(Error::gone("this thread was deleted"));
                }
                // Moderators may still answer in a locked thread.
                if post.locked
                    && !decided
                    && !crate::moderation::can_moderate(conn, &actor, &group)?
                {
                    return Err(Error::forbidden("this thread is locked: no new replies"));
                }
                if !decided {
                    crate::moderation::terms::check_accepted(conn, &actor)?;
                    super::may_participate(conn, &actor, &group)?;
                }
                let depth = match input.parent_id {
                    None => 0,
                    Some(pid) => {
                        let parent = rows::by_id(conn, pid).map_err(|_| {
                            Error::unprocessable(format!("parent_id {pid} is not a comment"))
                        })?;
                        if parent.post_id != post.id {
                            return Err(Error::unprocessable(format!(
                                "comment {pid} belongs to another thread"
                            )));
                        }
                        if parent.deleted || parent.removed {
                            return Err(Error::gone(format!("comment {pid} was deleted")));
                        }
                        parent.depth + 1
                    }
                };
                // A reply from elsewhere is kept however deep its thread
                // goes; it is shown at the deepest level we nest.
                let depth = if origin.ap_id.is_some() {
                    depth.min(max_depth - 1)
                } else if depth >= max_depth {
                    return Err(Error::unprocessable(format!(
                        "replies nest at most {max_depth} levels deep"
                    )));
                } else {
                    depth
                };
                let screen =
                    crate::moderation::filters::screen(conn, &actor, &group, &body_source)?;
                let at = now();
                let created_at = origin.published.filter(|p| *p < at).unwrap_or(at);
                let Some(c) = rows::insert(
                    conn,
                    &NewComment {
                        ap_id: origin
                            .ap_id
                            .clone()
                            .unwrap_or_else(|| ids.placeholder("comment")),
                        post_id,
                        parent_id: input.parent_id,
                        author_id: actor.id(),
                        depth,
                        body_source,
                        body_html,
                        local: actor.person.local,
                        created_at,
                        held: screen.hold,
                    },
                )?
                else {
                    return Ok(Applied::Unchanged(Error::conflict(
                        "this comment is already stored",
                    )));
                };
                let c = match origin.ap_id {
                    Some(_) => c,
                    None => rows::set_ap_id(conn, c.id, &ids.comment(c.id))?,
                };
                super::media::attach(conn, &actor, &attach, MediaOwner::Comment(c.id), group.id)?;
                // Held comments count once approved.
                if !c.held {
                    post_rows::add_comment(conn, post_id, 1, at)?;
                }
                if let Some(word) = &screen.flag {
                    crate::moderation::filters::flag(conn, instance_id, &post, Some(&c), word)?;
                }
                events::record(
                    conn,
                    Change::by(actor.id(), What::CommentCreated { comment_id: c.id })
                        .in_group(group.id)
                        .received(origin.activity.clone()),
                )?;
                enrich(conn, Some(actor.id()), vec![c])?
                    .pop()
                    .map(Applied::Changed)
                    .ok_or_else(|| Error::not_found("comment vanished"))
            })
        })
        .await
}

/// The columns an edit sets, checked, edited at `at`.
fn edit_change(app: &App, body: Body, at: chrono::NaiveDateTime) -> Result<CommentChange> {
    check_body(app, body.text())?;
    let (source, html) = body.render();
    Ok(CommentChange {
        body_html: Some(html),
        body_source: Some(source),
        updated_at: Some(Some(at)),
        ..CommentChange::default()
    })
}

/// Only its author edits a comment, and not once it or its thread is deleted.
fn editable(conn: &mut DbConn, id: i64, actor: &Actor) -> Result<()> {
    let c = rows::by_id(conn, id)?;
    if c.author_id != actor.id() {
        return Err(Error::forbidden("only the author edits a comment"));
    }
    let post = post_rows::by_id(conn, c.post_id)?;
    if c.deleted || post.deleted {
        return Err(Error::gone("this comment or its thread was deleted"));
    }
    Ok(())
}

pub async fn edit(app: &App, actor: &Actor, id: i64, body: Body) -> Result<CommentInfo> {
    let change = edit_change(app, body, now())?;
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                editable(conn, id, &actor)?;
                let c = rows::update(conn, id, &change)?;
                let group_id = post_rows::by_id(conn, c.post_id)?.group_id;
                events::record(
                    conn,
                    Change::by(actor.id(), What::CommentEdited { comment_id: id })
                        .in_group(group_id),
                )?;
                enrich(conn, Some(actor.id()), vec![c])?
                    .pop()
                    .ok_or_else(|| Error::not_found("comment vanished"))
            })
        })
        .await
}

/// The author's edit of a comment from another server, at `version` (see
/// `posts::edit_received`), carried by the received activity `activity`:
/// an edit older than the stored one changes nothing.
pub async fn edit_received(
    app: &App,
    author: &Actor,
    id: i64,
    body: Body,
    version: Option<chrono::NaiveDateTime>,
    activity: Option<String>,
) -> Result<Outcome> {
    let change = edit_change(app, body, version.unwrap_or_else(now))?;
    let author = author.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                editable(conn, id, &author)?;
                let edited = match version {
                    Some(v) => rows::update_unless_newer(conn, id, v, &change)?,
                    None => Some(rows::update(conn, id, &change)?),
                };
                let Some(c) = edited else {
                    return Ok(Outcome::Unchanged);
                };
                let group_id = post_rows::by_id(conn, c.post_id)?.group_id;
                events::record(
                    conn,
                    Change::by(author.id(), What::CommentEdited { comment_id: id })
                        .in_group(group_id)
                        .received(activity),
                )?;
                Ok(Outcome::Changed)
            })
        })
        .await
}

pub async fn delete(app: &App, actor: &Actor, id: i64) -> Result<Applied<()>> {
    delete_received(app, actor, id, None).await
}

/// `delete`, carried by the received activity `activity` when another
/// server sent it.
pub async fn delete_received(
    app: &App,
    actor: &Actor,
    id: i64,
    activity: Option<String>,
) -> Result<Applied<()>> {
    let actor = actor.clone();
    let (applied, files) = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let c = rows::by_id(conn, id)?;
                if c.author_id != actor.id() && !actor.is_admin() {
                    return Err(Error::forbidden("only the author deletes a comment"));
                }
                if c.deleted {
                    return Ok((
                        Applied::Unchanged(Error::gone("this comment was already deleted")),
                        Vec::new(),
                    ));
                }
                let files = super::media::release(conn, MediaOwner::Comment(id))?;
                let change = CommentChange {
                    deleted: Some(true),
                    updated_at: Some(Some(now())),
                    ..CommentChange::default()
                };
                rows::update(conn, id, &change)?;
                post_rows::add_comment(conn, c.post_id, -1, now())?;
                let group_id = post_rows::by_id(conn, c.post_id)?.group_id;
                events::record(
                    conn,
                    Change::by(actor.id(), What::CommentDeleted { comment_id: id })
                        .in_group(group_id)
                        .received(activity),
                )?;
                Ok((Applied::Changed(()), files))
            })
        })
        .await?;
    super::media::delete_files(app, files).await;
    Ok(applied)
}

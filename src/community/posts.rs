//! Threads: posting rules, edits, deletion as a tombstone, a thread with its
//! comment tree, and the group and home feeds (keyset pagination).

use super::outcome::{Applied, Outcome};
use super::{
    can_read, check_title, find_group, group_decides, is_group_moderator, may_participate, ranking,
    Actor, Body, Origin,
};
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::store::comments::{self as comment_rows, Comment};
use crate::store::groups::{self as group_rows, Group};
use crate::store::media::Owner as MediaOwner;
use crate::store::people::{self, Person};
use crate::store::posts::{
    self as rows, FeedCursor, FeedScope, FeedSort, NewPost, Post, PostChange, PostKind,
};
use crate::store::{follows, now, votes, write_tx, DbConn};
use crate::App;
use base64::Engine;

/// A thread with what a reader needs beside it.
#[derive(Debug, Clone)]
pub struct PostInfo {
    pub post: Post,
    pub author: Person,
    pub group: Group,
    /// The viewer's vote: -1, 0 or 1.
    pub my_vote: i32,
    /// The ActivityPub id of a question's accepted answer.
    pub accepted_answer: Option<String>,
    /// An idea's status (None for other kinds).
    pub idea: Option<super::ideas::IdeaState>,
    /// Its images, in order.
    pub media: Vec<crate::store::media::Media>,
}

#[derive(Debug, Clone)]
pub struct CommentInfo {
    pub comment: Comment,
    pub author: Person,
    pub my_vote: i32,
    /// Its images, in order.
    pub media: Vec<crate::store::media::Media>,
}

pub struct Thread {
    pub post: PostInfo,
    /// Whether the viewer moderates the thread's group.
    pub moderator: bool,
    /// All comments, oldest first; the caller nests them by `parent_id`.
    pub comments: Vec<CommentInfo>,
}

pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub struct PostInput {
    pub title: String,
    pub body: Body,
    /// discussion (default), question, idea or article.
    pub kind: Option<String>,
    pub media: super::media::Attach,
}

pub struct PostEdit {
    pub title: Option<String>,
    pub body: Option<Body>,
}

pub fn parse_sort(s: Option<&str>) -> Result<FeedSort> {
    match s.unwrap_or("hot") {
        "new" => Ok(FeedSort::New),
        "top" => Ok(FeedSort::Top),
        "hot" => Ok(FeedSort::Hot),
        other => Err(Error::bad_request(format!(
            "sort must be new, top or hot; got {other:?}"
        ))),
    }
}

/// An opaque cursor naming the last item of a page under a sort.
pub fn encode_cursor(sort: FeedSort, post: &Post) -> String {
    let raw = match sort {
        FeedSort::New => format!(
            "n:{}:{}",
            post.created_at.and_utc().timestamp_micros(),
            post.id
        ),
        FeedSort::Top => format!("t:{}:{}", post.score, post.id),
        FeedSort::Hot => format!("h:{}:{}", post.hot_rank.to_bits(), post.id),
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

pub fn decode_cursor(sort: FeedSort, cursor: &str) -> Result<FeedCursor> {
    let bad = || Error::bad_request("the cursor is not valid for this feed and sort");
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = raw.split(':');
    let (tag, key, id) = (parts.next(), parts.next(), parts.next());
    let id: i64 = id.and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let key = key.ok_or_else(bad)?;
    match (sort, tag) {
        (FeedSort::New, Some("n")) => {
            let micros: i64 = key.parse().map_err(|_| bad())?;
            let at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
            Ok(FeedCursor::New(at.naive_utc(), id))
        }
        (FeedSort::Top, Some("t")) => Ok(FeedCursor::Top(key.parse().map_err(|_| bad())?, id)),
        (FeedSort::Hot, Some("h")) => {
            let bits: u64 = key.parse().map_err(|_| bad())?;
            // Ranks are finite: a NaN or infinite bound is no position.
            let rank = Some(f64::from_bits(bits)).filter(|r| r.is_finite());
            Ok(FeedCursor::Hot(rank.ok_or_else(bad)?, id))
        }
        _ => Err(bad()),
    }
}

fn check_body(app: &App, body: &str) -> Result<()> {
    super::check_size("body", body, app.config.limits.post_body_bytes)
}

/// Who may start a thread in a group: a participant, and a moderator where
/// posting is restricted to moderators.
fn may_post(conn: &mut DbConn, actor: &Actor, group: &Group) -> Result<()> {
    crate::moderation::terms::check_accepted(conn, actor)?;
    let m = may_participate(conn, actor, group)?;
    if group.posting_restricted_to_mods && !is_group_moderator(m.as_ref()) {
        return Err(Error::forbidden(
            "only the group's moderators start threads here",
        ));
    }
    Ok(())
}

/// Loads authors, groups and the viewer's votes for a list of threads.
pub fn enrich(conn: &mut DbConn, viewer: Option<i64>, posts: Vec<Post>) -> Result<Vec<PostInfo>> {
    let author_ids: Vec<i64> = posts.iter().map(|p| p.author_id).collect();
    let group_ids: Vec<i64> = posts.iter().map(|p| p.group_id).collect();
    let authors = people::by_ids(conn, &author_ids)?;
    let groups = group_rows::by_ids(conn, &group_ids)?;
    let my_votes = match viewer {
        Some(v) => {
            let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
            votes::on_posts(conn, v, &ids)?
        }
        None => Vec::new(),
    };
    let accepted_ids: Vec<i64> = posts.iter().filter_map(|p| p.accepted_comment_id).collect();
    let accepted = if accepted_ids.is_empty() {
        Vec::new()
    } else {
        crate::store::comments::by_ids(conn, &accepted_ids)?
    };
    let mut ideas = super::ideas::states(conn, &posts)?;
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let mut media = crate::store::media::of_posts(conn, &ids)?;
    posts
        .into_iter()
        .map(|post| {
            let idea = ideas
                .iter()
                .position(|(id, _)| *id == post.id)
                .map(|at| ideas.swap_remove(at).1);
            let accepted_answer = post
                .accepted_comment_id
                .and_then(|id| accepted.iter().find(|c| c.id == id))
                .map(|c| c.ap_id.clone());
            let author = authors
                .iter()
                .find(|a| a.id == post.author_id)
                .cloned()
                .ok_or_else(|| Error::not_found("the thread's author is missing"))?;
            let group = groups
                .iter()
                .find(|g| g.id == post.group_id)
                .cloned()
                .ok_or_else(|| Error::not_found("the thread's group is missing"))?;
            let my_vote = my_votes
                .iter()
                .find(|(id, _)| *id == post.id)
                .map_or(0, |v| v.1);
            let (mine, rest) = media.drain(..).partition(|m| m.post_id == Some(post.id));
            media = rest;
            Ok(PostInfo {
                post,
                author,
                group,
                my_vote,
                accepted_answer,
                idea,
                media: mine,
            })
        })
        .collect()
}

/// Which event says a new thread is there: `ThreadCreated`, or the one
/// its kind's own rule records in the same transaction (an article is
/// saved as a draft, or comes out, as `ArticleSaved` / `ArticlePublished`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreationEvent {
    Thread,
    Own,
}

/// What a kind of thread writes beside the thread row, in its creating
/// transaction (an article's blog fields).
pub type Extra = Box<dyn FnOnce(&mut DbConn, &Post) -> Result<CreationEvent> + Send>;

pub async fn create(app: &App, actor: &Actor, group: &str, input: PostInput) -> Result<PostInfo> {
    create_with(app, actor, group, input, None).await
}

/// `create`, with what the thread's kind writes beside it.
pub async fn create_with(
    app: &App,
    actor: &Actor,
    group: &str,
    input: PostInput,
    extra: Option<Extra>,
) -> Result<PostInfo> {
    let group = group.to_string();
    create_in(
        app,
        actor,
        move |conn| find_group(conn, &group),
        input,
        Origin::default(),
        extra,
    )
    .await?
    .into_result()
}

/// A thread received from another server, in the stored group `group_id`.
pub async fn create_received(
    app: &App,
    actor: &Actor,
    group_id: i64,
    input: PostInput,
    origin: Origin,
) -> Result<Applied<PostInfo>> {
    create_received_with(app, actor, group_id, input, origin, None).await
}

/// `create_received`, with what the thread's kind writes beside it.
pub async fn create_received_with(
    app: &App,
    actor: &Actor,
    group_id: i64,
    input: PostInput,
    origin: Origin,
    extra: Option<Extra>,
) -> Result<Applied<PostInfo>> {
    create_in(
        app,
        actor,
        move |conn| group_rows::by_id(conn, group_id),
        input,
        origin,
        extra,
    )
    .await
}

async fn create_in(
    app: &App,
    actor: &Actor,
    group: impl FnOnce(&mut DbConn) -> Result<Group> + Send + 'static,
    input: PostInput,
    origin: Origin,
    extra: Option<Extra>,
) -> Result<Applied<PostInfo>> {
    let title = check_title(&app.config, &input.title)?;
    check_body(app, input.body.text())?;
    crate::moderation::limits::check_posting(
        app,
        actor,
        &format!("{title}\n{}", input.body.text()),
    )
    .await?;
    let kind = match input.kind.as_deref() {
        None => PostKind::Discussion,
        Some(k) => PostKind::parse(k).ok_or_else(|| {
            Error::unprocessable(format!(
                "kind must be one of {}; got {k:?}",
                PostKind::listed()
            ))
        })?,
    };
    let (body_source, body_html) = input.body.render();
    let attach = input.media;
    let (actor, ids, instance_id) = (actor.clone(), app.ids.clone(), app.local_instance_id);
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = group(conn)?;
                if !group_decides(&actor, &group) {
                    may_post(conn, &actor, &group)?;
                }
                let screen = crate::moderation::filters::screen(
                    conn,
                    &actor,
                    &group,
                    &format!("{title}\n{body_source}"),
                )?;
                let at = now();
                let created_at = origin.published.filter(|p| *p < at).unwrap_or(at);
                let Some(post) = rows::insert(
                    conn,
                    &NewPost {
                        ap_id: origin
                            .ap_id
                            .clone()
                            .unwrap_or_else(|| ids.placeholder("post")),
                        group_id: group.id,
                        author_id: actor.id(),
                        kind,
                        title,
                        body_source,
                        body_html,
                        local: actor.person.local,
                        hot_rank: ranking::hot_rank(0, created_at),
                        created_at,
                        last_activity_at: at,
                        held: screen.hold,
                    },
                )?
                else {
                    return Ok(Applied::Unchanged(Error::conflict(
                        "this thread is already stored",
                    )));
                };
                let post = match origin.ap_id {
                    Some(_) => post,
                    None => rows::set_ap_id(conn, post.id, &ids.post(post.id))?,
                };
                super::media::attach(conn, &actor, &attach, MediaOwner::Post(post.id), group.id)?;
                // Held threads count once approved.
                if !post.held {
                    group_rows::add_post_count(conn, group.id, 1)?;
                }
                if let Some(word) = &screen.flag {
                    crate::moderation::filters::flag(conn, instance_id, &post, None, word)?;
                }
                let said_by = match extra {
                    Some(extra) => extra(conn, &post)?,
                    None => CreationEvent::Thread,
                };
                if said_by == CreationEvent::Thread {
                    events::record(
                        conn,
                        Change::by(actor.id(), What::ThreadCreated { post_id: post.id })
                            .in_group(group.id)
                            .received(origin.activity.clone()),
                    )?;
                }
                let mut info = enrich(conn, Some(actor.id()), vec![post])?;
                info.pop()
                    .map(Applied::Changed)
                    .ok_or_else(|| Error::not_found("thread vanished"))
            })
        })
        .await
}

/// Loads a thread the viewer may read (tombstones included).
pub fn readable_post(conn: &mut DbConn, viewer: Option<&Actor>, id: i64) -> Result<(Post, Group)> {
    let post = rows::by_id(conn, id)?;
    let group = group_rows::by_id(conn, post.group_id)?;
    if !can_read(conn, viewer, &group)? {
        return Err(Error::forbidden("this thread is in a club: members only"));
    }
    if post.held && !sees_held(conn, viewer, post.author_id, &group)? {
        return Err(Error::not_found(format!(
            "thread {id} is waiting for review"
        )));
    }
    // A draft or scheduled article: the same few see it as held content.
    if !crate::store::articles::is_out(conn, &post)?
        && !sees_held(conn, viewer, post.author_id, &group)?
    {
        return Err(Error::not_found(format!("no thread {id}")));
    }
    Ok((post, group))
}

/// Held content is shown to its author and the group's moderators.
pub fn sees_held(
    conn: &mut DbConn,
    viewer: Option<&Actor>,
    author_id: i64,
    group: &Group,
) -> Result<bool> {
    match viewer {
        None => Ok(false),
        Some(v) if v.id() == author_id => Ok(true),
        Some(v) => crate::moderation::can_moderate(conn, v, group),
    }
}

pub async fn get(app: &App, viewer: Option<&Actor>, id: i64) -> Result<Thread> {
    let viewer = viewer.cloned();
    app.store
        .run(move |conn| {
            let (post, _) = readable_post(conn, viewer.as_ref(), id)?;
            let viewer_id = viewer.as_ref().map(Actor::id);
            let hidden = match viewer_id {
                Some(v) => crate::store::blocks::blocked_ids(conn, v)?,
                None => Vec::new(),
            };
            if hidden.contains(&post.author_id) {
                return Err(Error::not_found(format!(
                    "thread {id} is by a person you blocked"
                )));
            }
            let post = enrich(conn, viewer_id, vec![post])?
                .pop()
                .ok_or_else(|| Error::not_found("thread vanished"))?;
            let group = group_rows::by_id(conn, post.post.group_id)?;
            let moderator = match viewer.as_ref() {
                Some(v) => crate::moderation::can_moderate(conn, v, &group)?,
                None => false,
            };
            let comments: Vec<Comment> = comment_rows::of_post(conn, id)?
                .into_iter()
                .filter(|c| !c.held || moderator || viewer_id == Some(c.author_id))
                .collect();
            // Comments of blocked servers, and of people the viewer
            // blocked, are hidden, not erased.
            let authors: Vec<i64> = comments.iter().map(|c| c.author_id).collect();
            let blocked = people::blocked_among(conn, &authors)?;
            let comments: Vec<Comment> = comments
                .into_iter()
                .filter(|c| !blocked.contains(&c.author_id) && !hidden.contains(&c.author_id))
                .collect();
            let comments = super::comments::enrich(conn, viewer_id, comments)?;
            Ok(Thread {
                post,
                moderator,
                comments,
            })
        })
        .await
}

/// The columns an edit sets, checked.
pub fn edit_change(app: &App, edit: PostEdit) -> Result<PostChange> {
    let mut change = PostChange::default();
    if let Some(t) = &edit.title {
        change.title = Some(check_title(&app.config, t)?);
    }
    if let Some(b) = edit.body {
        check_body(app, b.text())?;
        let (source, html) = b.render();
        change.body_html = Some(html);
        change.body_source = Some(source);
    }
    Ok(change)
}

/// Only its author edits a thread, and not once deleted.
pub fn editable(conn: &mut DbConn, id: i64, actor: &Actor) -> Result<()> {
    let post = rows::by_id(conn, id)?;
    if post.author_id != actor.id() {
        return Err(Error::forbidden("only the author edits a thread"));
    }
    if post.deleted {
        return Err(Error::gone("this thread was deleted"));
    }
    Ok(())
}

/// The author edits title or body (not once deleted).
pub async fn edit(app: &App, actor: &Actor, id: i64, edit: PostEdit) -> Result<PostInfo> {
    let mut change = edit_change(app, edit)?;
    change.updated_at = Some(Some(now()));
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                editable(conn, id, &actor)?;
                let post = rows::update(conn, id, &change)?;
                events::record(
                    conn,
                    Change::by(actor.id(), What::ThreadEdited { post_id: id })
                        .in_group(post.group_id),
                )?;
                let mut info = enrich(conn, Some(actor.id()), vec![post])?;
                info.pop()
                    .ok_or_else(|| Error::not_found("thread vanished"))
            })
        })
        .await
}

/// The author's edit of a thread from another server, at `version` (the
/// object's `updated`, else `published`; None: not said). An edit older
/// than the stored one changes nothing, so Updates that arrive out of
/// order leave the newest. `answer` (Some when the Update names one or
/// null) is a question's accepted answer, set in the same transaction.
pub async fn edit_received(
    app: &App,
    author: &Actor,
    id: i64,
    edit: PostEdit,
    version: Option<chrono::NaiveDateTime>,
    answer: Option<Option<String>>,
    activity: Option<String>,
) -> Result<Outcome> {
    let mut change = edit_change(app, edit)?;
    change.updated_at = Some(Some(version.unwrap_or_else(now)));
    let (author, config) = (author.clone(), app.config.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                editable(conn, id, &author)?;
                let post = match version {
                    Some(v) => match rows::update_unless_newer(conn, id, v, &change)? {
                        Some(p) => p,
                        None => return Ok(Outcome::Unchanged),
                    },
                    None => rows::update(conn, id, &change)?,
                };
                events::record(
                    conn,
                    Change::by(author.id(), What::ThreadEdited { post_id: id })
                        .in_group(post.group_id)
                        .received(activity),
                )?;
                if let Some(answer) = answer {
                    super::solutions::accept_received(conn, &config, &author, &post, answer)?;
                }
                Ok(Outcome::Changed)
            })
        })
        .await
}

/// The author (or an admin) deletes a thread: it stays as a tombstone, its
/// comments remain, and it leaves the feeds.
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
                let post = rows::by_id(conn, id)?;
                if post.author_id != actor.id() && !actor.is_admin() {
                    return Err(Error::forbidden("only the author deletes a thread"));
                }
                if post.deleted {
                    return Ok((
                        Applied::Unchanged(Error::gone("this thread was already deleted")),
                        Vec::new(),
                    ));
                }
                let files = super::media::release(conn, MediaOwner::Post(id))?;
                let change = PostChange {
                    deleted: Some(true),
                    updated_at: Some(Some(now())),
                    ..PostChange::default()
                };
                rows::update(conn, id, &change)?;
                group_rows::add_post_count(conn, post.group_id, -1)?;
                events::record(
                    conn,
                    Change::by(actor.id(), What::ThreadDeleted { post_id: id })
                        .in_group(post.group_id)
                        .received(activity),
                )?;
                Ok((Applied::Changed(()), files))
            })
        })
        .await?;
    super::media::delete_files(app, files).await;
    Ok(applied)
}

pub fn page(
    conn: &mut DbConn,
    viewer: Option<i64>,
    posts: Vec<Post>,
    sort: FeedSort,
    limit: i64,
) -> Result<Page<PostInfo>> {
    let mut posts = posts;
    let more = posts.len() as i64 > limit;
    posts.truncate(limit as usize);
    let next_cursor = if more {
        posts.last().map(|p| encode_cursor(sort, p))
    } else {
        None
    };
    Ok(Page {
        items: enrich(conn, viewer, posts)?,
        next_cursor,
    })
}

pub async fn group_feed(
    app: &App,
    viewer: Option<&Actor>,
    group: &str,
    sort: FeedSort,
    cursor: Option<&str>,
) -> Result<Page<PostInfo>> {
    let cursor = cursor.map(|c| decode_cursor(sort, c)).transpose()?;
    let limit = app.config.limits.page_size;
    let (group, viewer) = (group.to_string(), viewer.cloned());
    app.store
        .run(move |conn| {
            let group = find_group(conn, &group)?;
            if !can_read(conn, viewer.as_ref(), &group)? {
                return Err(Error::forbidden("this club's threads are for members only"));
            }
            let posts = rows::feed(
                conn,
                viewer.as_ref().map(Actor::id),
                FeedScope::Group(group.id),
                sort,
                cursor.as_ref(),
                limit + 1,
            )?;
            page(conn, viewer.as_ref().map(Actor::id), posts, sort, limit)
        })
        .await
}

/// A group's pinned threads, newest first, for a viewer who may read it.
pub async fn pinned_threads(
    app: &App,
    viewer: Option<&Actor>,
    group: &str,
) -> Result<Vec<PostInfo>> {
    let (group, viewer) = (group.to_string(), viewer.cloned());
    app.store
        .run(move |conn| {
            let group = find_group(conn, &group)?;
            if !can_read(conn, viewer.as_ref(), &group)? {
                return Err(Error::forbidden("this club's threads are for members only"));
            }
            let viewer_id = viewer.as_ref().map(Actor::id);
            let hidden = match viewer_id {
                Some(v) => crate::store::blocks::blocked_ids(conn, v)?,
                None => Vec::new(),
            };
            let posts = rows::pinned(conn, group.id)?
                .into_iter()
                .filter(|p| !hidden.contains(&p.author_id))
                .collect();
            enrich(conn, viewer_id, posts)
        })
        .await
}

/// The newest threads of every open group, local and remote (a club's
/// never show here), for anyone.
pub async fn public_feed(
    app: &App,
    viewer: Option<&Actor>,
    cursor: Option<&str>,
) -> Result<Page<PostInfo>> {
    let sort = FeedSort::New;
    let cursor = cursor.map(|c| decode_cursor(sort, c)).transpose()?;
    let limit = app.config.limits.page_size;
    let viewer_id = viewer.map(Actor::id);
    app.store
        .run(move |conn| {
            let posts = rows::feed(
                conn,
                viewer_id,
                FeedScope::Public,
                sort,
                cursor.as_ref(),
                limit + 1,
            )?;
            page(conn, viewer_id, posts, sort, limit)
        })
        .await
}

/// Newest threads of the viewer's groups and of the people they follow.
pub async fn home_feed(app: &App, actor: &Actor, cursor: Option<&str>) -> Result<Page<PostInfo>> {
    let sort = FeedSort::New;
    let cursor = cursor.map(|c| decode_cursor(sort, c)).transpose()?;
    let limit = app.config.limits.page_size;
    let person_id = actor.id();
    app.store
        .run(move |conn| {
            let group_ids = group_rows::joined_group_ids(conn, person_id)?;
            let author_ids = follows::following_ids(conn, person_id)?;
            let scope = FeedScope::Home {
                group_ids: &group_ids,
                author_ids: &author_ids,
            };
            let posts = rows::feed(
                conn,
                Some(person_id),
                scope,
                sort,
                cursor.as_ref(),
                limit + 1,
            )?;
            page(conn, Some(person_id), posts, sort, limit)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: i64, score: i64) -> Post {
        let at = chrono::DateTime::from_timestamp_micros(1_790_000_000_123_456)
            .map(|d| d.naive_utc())
            .expect("time");
        Post {
            id,
            ap_id: String::new(),
            group_id: 1,
            author_id: 1,
            kind: PostKind::Discussion,
            title: String::new(),
            body_source: String::new(),
            body_html: String::new(),
            local: true,
            score,
            upvotes: 0,
            downvotes: 0,
            comment_count: 0,
            hot_rank: ranking::hot_rank(score, at),
            removed: false,
            deleted: false,
            locked: false,
            pinned: false,
            created_at: at,
            updated_at: None,
            last_activity_at: at,
            held: false,
            accepted_comment_id: None,
        }
    }

    #[test]
    fn cursors_round_trip_exactly() {
        let p = post(42, -3);
        for sort in [FeedSort::New, FeedSort::Top, FeedSort::Hot] {
            let c = decode_cursor(sort, &encode_cursor(sort, &p)).expect("decode");
            let expected = match sort {
                FeedSort::New => FeedCursor::New(p.created_at, 42),
                FeedSort::Top => FeedCursor::Top(-3, 42),
                FeedSort::Hot => FeedCursor::Hot(p.hot_rank, 42),
            };
            assert_eq!(c, expected);
        }
    }

    #[test]
    fn a_cursor_of_another_sort_or_garbage_is_refused() {
        let c = encode_cursor(FeedSort::Top, &post(1, 1));
        assert!(decode_cursor(FeedSort::New, &c).is_err());
        assert!(decode_cursor(FeedSort::New, "!!!").is_err());
        let nan = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("h:{}:1", f64::NAN.to_bits()));
        assert!(decode_cursor(FeedSort::Hot, &nan).is_err());
        assert!(parse_sort(Some("best")).is_err());
    }
}

//! Threads: the thread page with its comment tree, posting and replying,
//! votes, accepted answers, edits and deletion, reports, and the group
//! moderators' actions on threads and comments. Every action is a plain
//! form calling the same rules as the API, then a redirect to the thread.

use super::forms::shown_on_form;
use super::forms::Posted;
use super::media::{attach_upload, Image, WithImage};
use super::page::{t, Page};
use super::session::Viewer;
use super::{local_path, ok, render, see_other};
use crate::community::comments::{self, CommentInput};
use crate::community::posts::{self, CommentInfo, PostEdit, PostInfo, PostInput, Thread};
use crate::community::{handle, markdown, solutions, votes, Actor, Body};
use crate::error::{Error, ErrorKind, Result};
use crate::moderation::actions::{self, ThreadAction, Why};
use crate::moderation::reports::{self, Subject};
use crate::store::people::Person;
use crate::store::posts::PostKind;
use crate::store::votes::VoteTarget;
use crate::App;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/post/{id}/vote", web::post().to(vote_post))
        .route("/post/{id}/comments", web::post().to(reply))
        .route("/post/{id}/edit", web::get().to(edit_post_form))
        .route("/post/{id}/edit", web::post().to(edit_post))
        .route("/post/{id}/delete", web::post().to(delete_post))
        .route("/post/{id}/accept", web::post().to(accept))
        .route("/post/{id}/moderate", web::post().to(moderate_post))
        .route("/post/{id}/report", web::get().to(report_post_form))
        .route("/post/{id}/report", web::post().to(report_post))
        .route("/comment/{id}/vote", web::post().to(vote_comment))
        .route("/comment/{id}/edit", web::get().to(edit_comment_form))
        .route("/comment/{id}/edit", web::post().to(edit_comment))
        .route("/comment/{id}/delete", web::post().to(delete_comment))
        .route("/comment/{id}/moderate", web::post().to(moderate_comment))
        .route("/comment/{id}/report", web::get().to(report_comment_form))
        .route("/comment/{id}/report", web::post().to(report_comment))
        .route("/g/{name}/new", web::get().to(new_thread_form))
        .route("/g/{name}/new", web::post().to(new_thread));
}

// ---- what lists and pages show of people and threads

/// The host of a remote id (`host` or `host:port`), None for local things.
pub fn origin(local: bool, ap_id: &str) -> Option<String> {
    if local {
        return None;
    }
    url::Url::parse(ap_id)
        .ok()
        .map(|u| crate::federation::actors::authority(&u))
}

/// A date as pages show it, and as `<time datetime>` reads it.
pub fn when(at: NaiveDateTime) -> (String, String) {
    (
        at.format("%Y-%m-%d %H:%M UTC").to_string(),
        at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// A person as a link: their handle (`name`, or `name@host` for a remote
/// person), the name shown, and their server when remote.
pub struct PersonLink {
    pub handle: String,
    pub name: String,
    pub origin: Option<String>,
}

impl PersonLink {
    pub fn of(p: &Person) -> PersonLink {
        PersonLink {
            handle: handle(&p.name, p.local, &p.ap_id),
            name: p
                .display_name
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| p.name.clone()),
            origin: origin(p.local, &p.ap_id),
        }
    }
}

/// A thread in a list (a group's page, the home page).
pub struct ThreadRow {
    pub id: i64,
    pub title: String,
    pub question: bool,
    pub answered: bool,
    pub group_handle: String,
    pub group_title: String,
    pub author: PersonLink,
    pub score: i64,
    pub comments: i64,
    pub created: String,
    pub created_iso: String,
    pub pinned: bool,
    pub locked: bool,
    pub origin: Option<String>,
    /// An idea's status (the catalogue key of its name).
    pub idea_status_key: Option<String>,
}

impl ThreadRow {
    pub fn of(i: &PostInfo) -> ThreadRow {
        let (p, g) = (&i.post, &i.group);
        let (created, created_iso) = when(p.created_at);
        ThreadRow {
            id: p.id,
            title: p.title.clone(),
            question: p.kind == PostKind::Question,
            answered: p.accepted_comment_id.is_some(),
            group_handle: handle(&g.name, g.local, &g.ap_id),
            group_title: g.title.clone(),
            author: PersonLink::of(&i.author),
            score: p.score,
            comments: p.comment_count,
            created,
            created_iso,
            pinned: p.pinned,
            locked: p.locked,
            origin: origin(p.local, &p.ap_id),
            idea_status_key: i.idea.as_ref().map(|s| super::ideas::label_key(s.status)),
        }
    }

    pub fn all(items: &[PostInfo]) -> Vec<ThreadRow> {
        items.iter().map(ThreadRow::of).collect()
    }
}

// ---- the thread page

/// One comment as the tree shows it.
pub struct CommentNode {
    pub id: i64,
    pub author: PersonLink,
    pub body_html: String,
    pub score: i64,
    pub my_vote: i32,
    pub created: String,
    pub created_iso: String,
    pub edited: bool,
    pub mine: bool,
    pub deleted: bool,
    pub removed: bool,
    pub held: bool,
    pub accepted: bool,
    /// Whether a reply to it may still nest.
    pub may_reply: bool,
    pub may_accept: bool,
    pub replies: usize,
    /// Its images (none once deleted, or removed for non-moderators).
    pub images: Vec<Image>,
}

/// The comment tree as a sequence: a comment opens, its replies follow,
/// then it closes (templates do not recurse).
pub enum TreeItem {
    Open(Box<CommentNode>),
    /// Closes a comment; true when it had replies (a list to close).
    Close(bool),
}

#[derive(Template)]
#[template(path = "threads/thread.html")]
pub(super) struct ThreadPage {
    page: Page,
    id: i64,
    title: String,
    body_html: String,
    question: bool,
    group_handle: String,
    group_title: String,
    author: PersonLink,
    created: String,
    created_iso: String,
    edited: bool,
    score: i64,
    my_vote: i32,
    /// The viewer may vote on the thread (signed in, not its author).
    may_vote: bool,
    downvotes: bool,
    mine: bool,
    moderator: bool,
    may_accept: bool,
    may_comment: bool,
    locked: bool,
    pinned: bool,
    removed: bool,
    origin: Option<String>,
    ap_id: String,
    accepted: Option<CommentNode>,
    tree: Vec<TreeItem>,
    comment_count: usize,
    reported: bool,
    pub(super) problem: Option<String>,
    /// An idea's status panel.
    pub(super) idea: Option<super::ideas::IdeaPanel>,
    /// An article's cover, summary, tags and state.
    article: Option<super::articles::ArticleHeader>,
    images: Vec<Image>,
}

#[derive(Deserialize, Default)]
struct ThreadQuery {
    reported: Option<String>,
}

/// `/post/{id}` for a browser.
pub async fn page(app: &App, req: &HttpRequest, id: i64) -> Result<HttpResponse> {
    let viewer = Viewer::extract(req).await?;
    let q = web::Query::<ThreadQuery>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    let thread = readable_thread(app, viewer.actor().as_ref(), id).await?;
    let mut p = thread_page(app, &viewer, thread).await?;
    p.reported = q.reported.is_some();
    ok(p)
}

/// `/comment/{id}` for a browser: the comment in its thread.
pub async fn comment_page(app: &App, req: &HttpRequest, id: i64) -> Result<HttpResponse> {
    let viewer = Viewer::extract(req).await?;
    let post_id = match comments::thread_of(app, viewer.actor().as_ref(), id).await {
        Err(e) if e.kind == ErrorKind::Forbidden => {
            return Err(Error::not_found(format!("no comment {id}")))
        }
        other => other?,
    };
    Ok(see_other(&format!("/post/{post_id}#c{id}")))
}

/// A thread the viewer may read: a club's is "not found" to outsiders (a
/// club's threads are not even said to exist), a deleted one is gone.
pub(super) async fn readable_thread(app: &App, viewer: Option<&Actor>, id: i64) -> Result<Thread> {
    let thread = match posts::get(app, viewer, id).await {
        Err(e) if e.kind == ErrorKind::Forbidden => {
            return Err(Error::not_found(format!("no thread {id}")))
        }
        other => other?,
    };
    let p = &thread.post.post;
    if p.deleted {
        return Err(Error::gone("this thread was deleted by its author"));
    }
    if p.removed && !thread.moderator {
        return Err(Error::gone("this thread was removed by the moderators"));
    }
    Ok(thread)
}

pub(super) async fn thread_page(app: &App, viewer: &Viewer, thread: Thread) -> Result<ThreadPage> {
    let actor = viewer.actor();
    let me = actor.as_ref().map(Actor::id);
    let Thread {
        post: info,
        moderator,
        comments,
    } = thread;
    let p = &info.post;
    let g = &info.group;
    let question = p.kind == PostKind::Question;
    let may_accept = question
        && p.local
        && !p.removed
        && actor
            .as_ref()
            .is_some_and(|a| a.id() == p.author_id || moderator || solutions::is_staff(a));
    let max_depth = app.config.limits.comment_depth;
    let (tree, accepted) = comment_tree(
        &comments,
        p.accepted_comment_id,
        me,
        moderator,
        may_accept,
        max_depth,
    );
    let (created, created_iso) = when(p.created_at);
    let page = Page::new(app, viewer, p.title.clone()).await?;
    let idea = super::ideas::panel(app, actor.as_ref(), &info, moderator).await?;
    let article = crate::community::articles::fields_of(app, p)
        .await?
        .map(|a| super::articles::ArticleHeader::of(&a));
    Ok(ThreadPage {
        article,
        page,
        id: p.id,
        title: p.title.clone(),
        body_html: p.body_html.clone(),
        question,
        group_handle: handle(&g.name, g.local, &g.ap_id),
        group_title: g.title.clone(),
        author: PersonLink::of(&info.author),
        created,
        created_iso,
        edited: p.updated_at.is_some(),
        score: p.score,
        my_vote: info.my_vote,
        may_vote: me.is_some_and(|m| m != p.author_id) && !p.removed,
        downvotes: app.config.community.downvotes,
        mine: me == Some(p.author_id),
        moderator,
        may_accept,
        may_comment: me.is_some() && !p.removed && (!p.locked || moderator),
        locked: p.locked,
        pinned: p.pinned,
        removed: p.removed,
        origin: origin(p.local, &p.ap_id),
        ap_id: p.ap_id.clone(),
        accepted,
        comment_count: comments.len(),
        tree,
        reported: false,
        problem: None,
        idea,
        images: Image::all(&info.media),
    })
}

fn node(
    c: &CommentInfo,
    accepted_id: Option<i64>,
    me: Option<i64>,
    moderator: bool,
    may_accept: bool,
    max_depth: i32,
    replies: usize,
) -> CommentNode {
    let cm = &c.comment;
    let (created, created_iso) = when(cm.created_at);
    let gone = cm.deleted || cm.removed;
    // What a removed comment said stays visible to the moderators only.
    let body_html = if cm.deleted || (cm.removed && !moderator) {
        String::new()
    } else {
        cm.body_html.clone()
    };
    CommentNode {
        id: cm.id,
        author: PersonLink::of(&c.author),
        body_html,
        score: cm.score,
        my_vote: c.my_vote,
        created,
        created_iso,
        edited: cm.updated_at.is_some(),
        mine: me == Some(cm.author_id),
        deleted: cm.deleted,
        removed: cm.removed,
        held: cm.held,
        accepted: accepted_id == Some(cm.id),
        may_reply: me.is_some() && !gone && cm.depth + 1 < max_depth,
        may_accept: may_accept && !gone && !cm.held && accepted_id != Some(cm.id),
        replies,
        images: if cm.deleted || (cm.removed && !moderator) {
            Vec::new()
        } else {
            Image::all(&c.media)
        },
    }
}

/// Nests comments (oldest first) by parent; the accepted answer's thread
/// comes first among the top-level comments, and the answer is also given
/// apart, to show above the tree.
fn comment_tree(
    comments: &[CommentInfo],
    accepted_id: Option<i64>,
    me: Option<i64>,
    moderator: bool,
    may_accept: bool,
    max_depth: i32,
) -> (Vec<TreeItem>, Option<CommentNode>) {
    use std::collections::HashMap;
    let ids: std::collections::HashSet<i64> = comments.iter().map(|c| c.comment.id).collect();
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (i, c) in comments.iter().enumerate() {
        // A reply whose parent is hidden (held, blocked) shows at the top.
        let parent = c.comment.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(i);
    }
    // The top-level comment holding the accepted answer goes first.
    if let Some(aid) = accepted_id {
        let mut top = aid;
        let by_id: HashMap<i64, &CommentInfo> =
            comments.iter().map(|c| (c.comment.id, c)).collect();
        while let Some(parent) = by_id
            .get(&top)
            .and_then(|c| c.comment.parent_id)
            .filter(|p| ids.contains(p))
        {
            top = parent;
        }
        if let Some(list) = children.get_mut(&None) {
            if let Some(pos) = list.iter().position(|&i| comments[i].comment.id == top) {
                let first = list.remove(pos);
                list.insert(0, first);
            }
        }
    }
    let mut out = Vec::with_capacity(comments.len() * 2);
    // Depth-first without recursion: a stack of (index, opened, replies).
    let mut stack: Vec<(usize, bool, bool)> = children
        .get(&None)
        .map(|l| l.iter().rev().map(|&i| (i, false, false)).collect())
        .unwrap_or_default();
    while let Some((i, opened, had_replies)) = stack.pop() {
        if opened {
            out.push(TreeItem::Close(had_replies));
            continue;
        }
        let kids = children.get(&Some(comments[i].comment.id));
        let n = node(
            &comments[i],
            accepted_id,
            me,
            moderator,
            may_accept,
            max_depth,
            kids.map_or(0, Vec::len),
        );
        out.push(TreeItem::Open(Box::new(n)));
        stack.push((i, true, kids.is_some()));
        if let Some(kids) = kids {
            stack.extend(kids.iter().rev().map(|&k| (k, false, false)));
        }
    }
    let accepted = accepted_id.and_then(|aid| {
        comments
            .iter()
            .find(|c| c.comment.id == aid)
            .map(|c| node(c, accepted_id, me, moderator, false, max_depth, 0))
    });
    (out, accepted)
}

// ---- votes

#[derive(Deserialize)]
struct VoteForm {
    value: i32,
}

async fn vote_post(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<VoteForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    votes::vote(&app, &actor, VoteTarget::Post(*id), form.value).await?;
    Ok(see_other(&format!("/post/{id}")))
}

async fn vote_comment(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<VoteForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let post_id = comments::thread_of(&app, Some(&actor), *id).await?;
    votes::vote(&app, &actor, VoteTarget::Comment(*id), form.value).await?;
    Ok(see_other(&format!("/post/{post_id}#c{id}")))
}

// ---- comments

#[derive(Deserialize)]
struct ReplyForm {
    body: String,
    parent_id: Option<i64>,
    /// The alt text of the image, when one is sent.
    alt: Option<String>,
}

async fn reply(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: WithImage<ReplyForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let WithImage { form, image } = form;
    let made = match attach_upload(&app, &actor, image, form.alt.as_deref()).await {
        Ok(media) => {
            comments::create(
                &app,
                &actor,
                *id,
                CommentInput {
                    body: Body::Markdown(form.body),
                    parent_id: form.parent_id,
                    media,
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(c) => Ok(see_other(&format!("/post/{id}#c{}", c.comment.id))),
        // Something the person can change: the thread again, with why.
        Err(e) if shown_on_form(&e) => {
            let thread = readable_thread(&app, Some(&actor), *id).await?;
            let mut p = thread_page(&app, &viewer, thread).await?;
            p.problem = Some(e.detail);
            render(p, e.kind.status())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "threads/edit_comment.html")]
struct EditCommentPage {
    page: Page,
    id: i64,
    post_id: i64,
    body: String,
    problem: Option<String>,
}

/// The viewer's own comment, and its thread.
async fn own_comment(app: &App, actor: &Actor, id: i64) -> Result<(i64, CommentInfo)> {
    let post_id = comments::thread_of(app, Some(actor), id).await?;
    let thread = readable_thread(app, Some(actor), post_id).await?;
    let c = thread
        .comments
        .into_iter()
        .find(|c| c.comment.id == id)
        .ok_or_else(|| Error::not_found(format!("no comment {id}")))?;
    if c.comment.author_id != actor.id() {
        return Err(Error::forbidden("only the author edits a comment"));
    }
    Ok((post_id, c))
}

async fn edit_comment_form(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let (post_id, c) = own_comment(&app, &actor, *id).await?;
    let page = Page::new(&app, &viewer, t("thread.edit_comment")).await?;
    ok(EditCommentPage {
        page,
        id: *id,
        post_id,
        body: c.comment.body_source,
        problem: None,
    })
}

#[derive(Deserialize)]
struct BodyForm {
    body: String,
}

async fn edit_comment(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<BodyForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let post_id = comments::thread_of(&app, Some(&actor), *id).await?;
    let body = form.into_inner().body;
    match comments::edit(&app, &actor, *id, Body::Markdown(body.clone())).await {
        Ok(_) => Ok(see_other(&format!("/post/{post_id}#c{id}"))),
        Err(e) if shown_on_form(&e) => {
            let page = Page::new(&app, &viewer, t("thread.edit_comment")).await?;
            render(
                EditCommentPage {
                    page,
                    id: *id,
                    post_id,
                    body,
                    problem: Some(e.detail),
                },
                e.kind.status(),
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn delete_comment(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let post_id = comments::thread_of(&app, Some(&actor), *id).await?;
    comments::delete(&app, &actor, *id).await?.into_result()?;
    Ok(see_other(&format!("/post/{post_id}#c{id}")))
}

// ---- the thread: edit, delete, accepted answer

#[derive(Template)]
#[template(path = "threads/edit_thread.html")]
struct EditThreadPage {
    page: Page,
    id: i64,
    title: String,
    body: String,
    problem: Option<String>,
}

async fn edit_post_form(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let thread = readable_thread(&app, Some(&actor), *id).await?;
    let p = thread.post.post;
    if p.author_id != actor.id() {
        return Err(Error::forbidden("only the author edits a thread"));
    }
    let page = Page::new(&app, &viewer, t("thread.edit")).await?;
    ok(EditThreadPage {
        page,
        id: p.id,
        title: p.title,
        body: p.body_source,
        problem: None,
    })
}

#[derive(Deserialize)]
struct ThreadForm {
    title: String,
    body: String,
}

async fn edit_post(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<ThreadForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let edit = PostEdit {
        title: Some(form.title.clone()),
        body: Some(Body::Markdown(form.body.clone())),
    };
    match posts::edit(&app, &actor, *id, edit).await {
        Ok(_) => Ok(see_other(&format!("/post/{id}"))),
        Err(e) if shown_on_form(&e) => {
            let page = Page::new(&app, &viewer, t("thread.edit")).await?;
            render(
                EditThreadPage {
                    page,
                    id: *id,
                    title: form.title,
                    body: form.body,
                    problem: Some(e.detail),
                },
                e.kind.status(),
            )
        }
        Err(e) => Err(e),
    }
}

async fn delete_post(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let thread = readable_thread(&app, Some(&actor), *id).await?;
    let g = &thread.post.group;
    let group = handle(&g.name, g.local, &g.ap_id);
    posts::delete(&app, &actor, *id).await?.into_result()?;
    Ok(see_other(&format!("/g/{group}")))
}

#[derive(Deserialize)]
struct AcceptForm {
    /// The answer; absent to withdraw the accepted one.
    comment_id: Option<i64>,
}

async fn accept(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<AcceptForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    solutions::accept(&app, &actor, *id, form.comment_id).await?;
    Ok(match form.comment_id {
        Some(c) => see_other(&format!("/post/{id}#c{c}")),
        None => see_other(&format!("/post/{id}")),
    })
}

// ---- moderators

#[derive(Deserialize)]
struct ModerateForm {
    action: String,
    reason: Option<String>,
}

fn why(reason: Option<String>) -> Why {
    Why::checked(reason.filter(|r| !r.trim().is_empty()))
}

async fn moderate_post(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<ModerateForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let action = ThreadAction::parse(&form.action)
        .ok_or_else(|| Error::bad_request(format!("no action {:?}", form.action)))?;
    actions::on_thread(&app, &actor, *id, action, why(form.reason))
        .await?
        .into_result()?;
    Ok(see_other(&format!("/post/{id}")))
}

async fn moderate_comment(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<ModerateForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let remove = match form.action.as_str() {
        "remove" => true,
        "restore" => false,
        other => return Err(Error::bad_request(format!("no action {other:?}"))),
    };
    let c = actions::on_comment(&app, &actor, *id, remove, why(form.reason))
        .await?
        .into_result()?;
    Ok(see_other(&format!("/post/{}#c{id}", c.comment.post_id)))
}

// ---- reports

#[derive(Template)]
#[template(path = "threads/report.html")]
struct ReportPage {
    page: Page,
    action: String,
    back: String,
    /// What is reported, as the page names it.
    what: String,
    reason: String,
    problem: Option<String>,
}

#[derive(Deserialize)]
struct ReportForm {
    reason: String,
}

async fn report_form(
    app: &App,
    viewer: &Viewer,
    action: String,
    back: String,
    what: String,
) -> Result<HttpResponse> {
    let page = Page::new(app, viewer, t("report.title")).await?;
    ok(ReportPage {
        page,
        action,
        back,
        what,
        reason: String::new(),
        problem: None,
    })
}

async fn report_post_form(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let thread = readable_thread(&app, Some(&actor), *id).await?;
    let what = thread.post.post.title.clone();
    report_form(
        &app,
        &viewer,
        format!("/post/{id}/report"),
        format!("/post/{id}"),
        what,
    )
    .await
}

async fn report_comment_form(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let post_id = comments::thread_of(&app, Some(&actor), *id).await?;
    report_form(
        &app,
        &viewer,
        format!("/comment/{id}/report"),
        format!("/post/{post_id}#c{id}"),
        super::page::t("report.a_comment").to_string(),
    )
    .await
}

async fn report_done(
    app: &App,
    viewer: &Viewer,
    actor: &Actor,
    subject: Subject,
    reason: String,
    action: String,
    done: String,
) -> Result<HttpResponse> {
    match reports::create(app, actor, subject, &reason).await {
        Ok(_) => Ok(see_other(&done)),
        Err(e) if shown_on_form(&e) => {
            let page = Page::new(app, viewer, t("report.title")).await?;
            render(
                ReportPage {
                    page,
                    back: local_path(Some(&done)),
                    action,
                    what: String::new(),
                    reason,
                    problem: Some(e.detail),
                },
                e.kind.status(),
            )
        }
        Err(e) => Err(e),
    }
}

async fn report_post(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<ReportForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    report_done(
        &app,
        &viewer,
        &actor,
        Subject::Post(*id),
        form.into_inner().reason,
        format!("/post/{id}/report"),
        format!("/post/{id}?reported=1"),
    )
    .await
}

async fn report_comment(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<ReportForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let post_id = comments::thread_of(&app, Some(&actor), *id).await?;
    report_done(
        &app,
        &viewer,
        &actor,
        Subject::Comment(*id),
        form.into_inner().reason,
        format!("/comment/{id}/report"),
        format!("/post/{post_id}?reported=1#c{id}"),
    )
    .await
}

// ---- a new thread

#[derive(Template)]
#[template(path = "threads/new.html")]
struct NewThreadPage {
    page: Page,
    group_handle: String,
    group_title: String,
    title: String,
    body: String,
    /// The alt text typed (the image itself must be chosen again).
    alt: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    preview_html: Option<String>,
    problem: Option<String>,
}

/// The kinds a thread may be, with their catalogue labels.
fn kinds() -> Vec<(&'static str, &'static str)> {
    PostKind::ALL
        .iter()
        .map(|k| {
            let label = match k {
                PostKind::Question => t("new_thread.kind_question"),
                PostKind::Idea => t("new_thread.kind_idea"),
                PostKind::Article => t("new_thread.kind_article"),
                PostKind::Discussion => t("new_thread.kind_discussion"),
            };
            (k.as_str(), label)
        })
        .collect()
}

async fn new_thread_page(
    app: &App,
    viewer: &Viewer,
    name: &str,
    form: NewThreadForm,
    preview_html: Option<String>,
    problem: Option<String>,
) -> Result<NewThreadPage> {
    let info = crate::community::groups::get(app, viewer.actor().as_ref(), name).await?;
    let g = &info.group;
    let page = Page::new(app, viewer, t("new_thread.title")).await?;
    Ok(NewThreadPage {
        page,
        group_handle: handle(&g.name, g.local, &g.ap_id),
        group_title: g.title.clone(),
        title: form.title,
        body: form.body,
        alt: form.alt.unwrap_or_default(),
        kind: form.kind.unwrap_or_else(|| "discussion".into()),
        kinds: kinds(),
        preview_html,
        problem,
    })
}

async fn new_thread_form(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    viewer.require()?;
    let form = NewThreadForm {
        title: String::new(),
        body: String::new(),
        kind: None,
        intent: None,
        alt: None,
    };
    ok(new_thread_page(&app, &viewer, &name, form, None, None).await?)
}

#[derive(Deserialize)]
struct NewThreadForm {
    title: String,
    body: String,
    kind: Option<String>,
    /// "preview" shows the rendered body without posting.
    intent: Option<String>,
    /// The alt text of the image, when one is sent.
    alt: Option<String>,
}

async fn new_thread(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: WithImage<NewThreadForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let WithImage { form, image } = form;
    if form.intent.as_deref() == Some("preview") {
        let preview = markdown::render(&form.body);
        return ok(new_thread_page(&app, &viewer, &name, form, Some(preview), None).await?);
    }
    let created = match attach_upload(&app, &actor, image, form.alt.as_deref()).await {
        Ok(media) => {
            let input = PostInput {
                title: form.title.clone(),
                body: Body::Markdown(form.body.clone()),
                kind: form.kind.clone(),
                media,
            };
            posts::create(&app, &actor, &name, input).await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(info) => Ok(see_other(&format!("/post/{}", info.post.id))),
        Err(e) if shown_on_form(&e) => {
            let status = e.kind.status();
            let p = new_thread_page(&app, &viewer, &name, form, None, Some(e.detail)).await?;
            render(p, status)
        }
        Err(e) => Err(e),
    }
}

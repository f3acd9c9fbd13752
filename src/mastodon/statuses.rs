//! Statuses: a thread is a Status whose content starts with its title, a
//! comment is a Status in reply. A new status that mentions exactly one
//! group starts a thread in it, titled by its first line (as a Mastodon
//! post arriving over federation does); one with `in_reply_to_id` is a
//! comment. Favourite is an upvote, unfavourite clears the vote.

use super::accounts::{group_account, person_brief, time};
use super::auth::{Caller, MaybeCaller};
use super::body::{lenient_bool, Params};
use super::entities::{Context, Mention, Status};
use super::ids::Id;
use crate::community::media::Attach;
use crate::community::oauth::Scope;
use crate::community::posts::{self, CommentInfo, PostInfo, PostInput, Thread};
use crate::community::{comments, groups, votes, Actor, Body};
use crate::error::{Error, ErrorKind, Result};
use crate::store::groups::{Group, GroupKind};
use crate::store::votes::VoteTarget;
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/statuses", web::post().to(create))
        .route("/statuses/{id}", web::get().to(get))
        .route("/statuses/{id}", web::delete().to(delete))
        .route("/statuses/{id}/context", web::get().to(context))
        .route("/statuses/{id}/favourite", web::post().to(favourite))
        .route("/statuses/{id}/unfavourite", web::post().to(unfavourite))
        .route("/statuses/{id}/reblog", web::post().to(reblog))
        .route("/statuses/{id}/unreblog", web::post().to(reblog));
}

fn visibility(group: &Group) -> &'static str {
    match group.kind {
        GroupKind::Club => "private",
        _ => "public",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A thread as a status.
pub fn thread_status(app: &App, p: &PostInfo) -> Status {
    let group = group_account(app, &p.group);
    let content = format!(
        "<p><strong>{}</strong></p>{}",
        escape(&p.post.title),
        p.post.body_html
    );
    Status {
        id: Id::Thread(p.post.id).encode(),
        uri: p.post.ap_id.clone(),
        url: p.post.ap_id.clone(),
        created_at: time(p.post.created_at),
        edited_at: p.post.updated_at.map(time),
        account: person_brief(app, &p.author),
        content,
        visibility: visibility(&p.group),
        sensitive: false,
        spoiler_text: String::new(),
        media_attachments: Vec::new(),
        application: None,
        mentions: vec![Mention {
            id: group.id.clone(),
            username: group.username.clone(),
            url: group.url.clone(),
            acct: group.acct.clone(),
        }],
        tags: Vec::new(),
        emojis: Vec::new(),
        reblogs_count: 0,
        favourites_count: p.post.upvotes,
        replies_count: p.post.comment_count,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        reblog: None,
        poll: None,
        card: None,
        language: None,
        text: None,
        favourited: p.my_vote > 0,
        reblogged: false,
        muted: false,
        bookmarked: false,
        pinned: p.post.pinned,
        filtered: Vec::new(),
    }
}

/// A comment of `thread` as a status, in reply to its parent comment or
/// to the thread.
pub fn comment_status(app: &App, thread: &Thread, c: &CommentInfo) -> Status {
    let parent = c
        .comment
        .parent_id
        .and_then(|id| thread.comments.iter().find(|p| p.comment.id == id));
    let (reply_to, reply_to_account) = match parent {
        Some(p) => (Id::Comment(p.comment.id), Id::Person(p.author.id)),
        None => (
            Id::Thread(thread.post.post.id),
            Id::Person(thread.post.author.id),
        ),
    };
    let replies = thread
        .comments
        .iter()
        .filter(|r| r.comment.parent_id == Some(c.comment.id))
        .count() as i64;
    Status {
        id: Id::Comment(c.comment.id).encode(),
        uri: c.comment.ap_id.clone(),
        url: c.comment.ap_id.clone(),
        created_at: time(c.comment.created_at),
        edited_at: c.comment.updated_at.map(time),
        account: person_brief(app, &c.author),
        content: c.comment.body_html.clone(),
        visibility: visibility(&thread.post.group),
        sensitive: false,
        spoiler_text: String::new(),
        media_attachments: Vec::new(),
        application: None,
        mentions: Vec::new(),
        tags: Vec::new(),
        emojis: Vec::new(),
        reblogs_count: 0,
        favourites_count: c.comment.upvotes,
        replies_count: replies,
        in_reply_to_id: Some(reply_to.encode()),
        in_reply_to_account_id: Some(reply_to_account.encode()),
        reblog: None,
        poll: None,
        card: None,
        language: None,
        text: None,
        favourited: c.my_vote > 0,
        reblogged: false,
        muted: false,
        bookmarked: false,
        pinned: false,
        filtered: Vec::new(),
    }
}

fn shown(c: &CommentInfo) -> bool {
    !c.comment.deleted && !c.comment.removed
}

/// The status an id names, as `viewer` may read it.
pub async fn status(app: &App, viewer: Option<&Actor>, id: &str) -> Result<Status> {
    match Id::decode(id)? {
        Id::Thread(post_id) => {
            let thread = posts::get(app, viewer, post_id).await?;
            if thread.post.post.deleted || thread.post.post.removed {
                return Err(Error::not_found(format!("status {id} was deleted")));
            }
            Ok(thread_status(app, &thread.post))
        }
        Id::Comment(comment_id) => {
            let thread = thread_of_comment(app, viewer, comment_id).await?;
            let c = thread
                .comments
                .iter()
                .find(|c| c.comment.id == comment_id && shown(c))
                .ok_or_else(|| Error::not_found(format!("no status {id}")))?;
            Ok(comment_status(app, &thread, c))
        }
        _ => Err(Error::not_found(format!("no status {id}"))),
    }
}

async fn thread_of_comment(app: &App, viewer: Option<&Actor>, comment_id: i64) -> Result<Thread> {
    let post_id = comments::thread_of(app, viewer, comment_id).await?;
    posts::get(app, viewer, post_id).await
}

#[derive(Deserialize)]
struct NewStatus {
    status: Option<String>,
    in_reply_to_id: Option<String>,
    visibility: Option<String>,
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    #[allow(dead_code)]
    sensitive: Option<bool>,
    #[allow(dead_code)]
    language: Option<String>,
}

/// The handles a text mentions (`@name`, `@name@host`), in order.
fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let Some(handle) = word.strip_prefix('@') else {
            continue;
        };
        let handle =
            handle.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
        if !handle.is_empty() && !found.iter().any(|f| f == handle) {
            found.push(handle.to_string());
        }
    }
    found
}

/// The first line without its leading mentions (the title), and the
/// lines after it (the body).
fn title_and_body(text: &str) -> (String, String) {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let title: Vec<&str> = first
        .split_whitespace()
        .skip_while(|w| w.starts_with('@'))
        .collect();
    let body: Vec<&str> = lines.collect();
    (title.join(" "), body.join("\n").trim().to_string())
}

/// The one group a new status mentions: where its thread goes.
async fn mentioned_group(app: &App, actor: &Actor, text: &str) -> Result<String> {
    let mut groups_found = Vec::new();
    for handle in mentions(text) {
        match groups::get(app, Some(actor), &handle).await {
            Ok(info) => groups_found.push(crate::community::handle(
                &info.group.name,
                info.group.local,
                &info.group.ap_id,
            )),
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    match groups_found.len() {
        1 => Ok(groups_found.remove(0)),
        0 => Err(Error::unprocessable(
            "a new status starts a thread in a group: mention exactly one group (@group), or reply with in_reply_to_id",
        )),
        _ => Err(Error::unprocessable(
            "this status mentions several groups: a thread goes into exactly one",
        )),
    }
}

/// How long an Idempotency-Key answers the status it made.
const IDEMPOTENCY_HOURS: i64 = 1;

async fn create(
    app: web::Data<App>,
    caller: Caller,
    req: HttpRequest,
    form: Params<NewStatus>,
) -> Result<HttpResponse> {
    let account = caller.member(Scope::WriteStatuses)?.clone();
    let actor = account.actor();
    let form = form.into_inner();
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| k.chars().take(200).collect::<String>())
        .filter(|k| !k.is_empty());
    if let Some(key) = &key {
        let (user, key) = (account.user.id, key.clone());
        let since = crate::store::now() - chrono::Duration::hours(IDEMPOTENCY_HOURS);
        let made = app
            .store
            .run(move |conn| crate::store::idempotency::idempotent_status(conn, user, &key, since))
            .await?;
        if let Some(id) = made {
            return Ok(HttpResponse::Ok().json(status(&app, Some(&actor), &id).await?));
        }
    }
    if form.visibility.as_deref() == Some("direct") {
        return Err(Error::unprocessable(
            "direct messages are not supported here: threads and replies are seen by the group",
        ));
    }
    let mut text = form.status.unwrap_or_default();
    if let Some(warning) = form.spoiler_text.filter(|s| !s.trim().is_empty()) {
        // No content warnings here: the warning leads the text.
        text = format!("{}\n\n{text}", warning.trim());
    }
    if text.trim().is_empty() {
        return Err(Error::unprocessable("the status is empty"));
    }
    let made = match form.in_reply_to_id.filter(|s| !s.is_empty()) {
        Some(reply_to) => {
            let (post_id, parent_id) = match Id::decode(&reply_to)? {
                Id::Thread(post_id) => (post_id, None),
                Id::Comment(comment_id) => (
                    comments::thread_of(&app, Some(&actor), comment_id).await?,
                    Some(comment_id),
                ),
                _ => return Err(Error::not_found(format!("no status {reply_to}"))),
            };
            let c = comments::create(
                &app,
                &actor,
                post_id,
                comments::CommentInput {
                    body: Body::Markdown(text),
                    parent_id,
                    media: Attach::Nothing,
                },
            )
            .await?;
            Id::Comment(c.comment.id)
        }
        None => {
            let group = mentioned_group(&app, &actor, &text).await?;
            let (title, body) = title_and_body(&text);
            if title.is_empty() {
                return Err(Error::unprocessable(
                    "the first line, after the group's mention, is the thread's title: it is empty",
                ));
            }
            let p = posts::create(
                &app,
                &actor,
                &group,
                PostInput {
                    title,
                    body: Body::Markdown(body),
                    kind: None,
                    media: Attach::Nothing,
                },
            )
            .await?;
            Id::Thread(p.post.id)
        }
    };
    let id = made.encode();
    if let Some(key) = key {
        let (user, id) = (account.user.id, id.clone());
        app.store
            .run(move |conn| crate::store::idempotency::remember_status(conn, user, &key, &id))
            .await?;
    }
    Ok(HttpResponse::Ok().json(status(&app, Some(&actor), &id).await?))
}

async fn get(
    app: web::Data<App>,
    caller: MaybeCaller,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = caller.viewer(Scope::ReadStatuses);
    Ok(HttpResponse::Ok().json(status(&app, viewer.as_ref(), &id).await?))
}

/// Comments under `root` (None: the whole thread), depth first.
fn descendants(app: &App, thread: &Thread, root: Option<i64>, out: &mut Vec<Status>) {
    for c in thread
        .comments
        .iter()
        .filter(|c| c.comment.parent_id == root)
    {
        if shown(c) {
            out.push(comment_status(app, thread, c));
        }
        descendants(app, thread, Some(c.comment.id), out);
    }
}

async fn context(
    app: web::Data<App>,
    caller: MaybeCaller,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = caller.viewer(Scope::ReadStatuses);
    let (thread, root) = match Id::decode(&id)? {
        Id::Thread(post_id) => (posts::get(&app, viewer.as_ref(), post_id).await?, None),
        Id::Comment(comment_id) => (
            thread_of_comment(&app, viewer.as_ref(), comment_id).await?,
            Some(comment_id),
        ),
        _ => return Err(Error::not_found(format!("no status {id}"))),
    };
    let mut ancestors = Vec::new();
    if let Some(comment_id) = root {
        ancestors.push(thread_status(&app, &thread.post));
        let mut chain = Vec::new();
        let mut at = thread
            .comments
            .iter()
            .find(|c| c.comment.id == comment_id)
            .and_then(|c| c.comment.parent_id);
        while let Some(parent) = at.and_then(|p| thread.comments.iter().find(|c| c.comment.id == p))
        {
            if shown(parent) {
                chain.push(comment_status(&app, &thread, parent));
            }
            at = parent.comment.parent_id;
        }
        chain.reverse();
        ancestors.extend(chain);
    }
    let mut below = Vec::new();
    descendants(&app, &thread, root, &mut below);
    Ok(HttpResponse::Ok().json(Context {
        ancestors,
        descendants: below,
    }))
}

async fn delete(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let actor = caller.actor(Scope::WriteStatuses)?;
    let before = status(&app, Some(&actor), &id).await?;
    match Id::decode(&id)? {
        Id::Thread(post_id) => posts::delete(&app, &actor, post_id).await?.into_result()?,
        Id::Comment(comment_id) => comments::delete(&app, &actor, comment_id)
            .await?
            .into_result()?,
        _ => return Err(Error::not_found(format!("no status {id}"))),
    }
    Ok(HttpResponse::Ok().json(before))
}

async fn vote(app: &App, caller: &Caller, id: &str, value: i32) -> Result<HttpResponse> {
    let actor = caller.actor(Scope::WriteFavourites)?;
    let target = match Id::decode(id)? {
        Id::Thread(post_id) => VoteTarget::Post(post_id),
        Id::Comment(comment_id) => VoteTarget::Comment(comment_id),
        _ => return Err(Error::not_found(format!("no status {id}"))),
    };
    votes::vote(app, &actor, target, value).await?;
    Ok(HttpResponse::Ok().json(status(app, Some(&actor), id).await?))
}

async fn favourite(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    vote(&app, &caller, &id, 1).await
}

async fn unfavourite(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    vote(&app, &caller, &id, 0).await
}

async fn reblog(caller: Caller) -> Result<HttpResponse> {
    caller.allow(Scope::WriteStatuses)?;
    Err(Error::unprocessable(
        "boosts are not supported here: threads live in their groups; favourite to upvote",
    ))
}

#[cfg(test)]
mod tests {
    use super::{mentions, title_and_body};

    #[test]
    fn a_status_names_its_group_and_title() {
        assert_eq!(
            mentions("@makers@example.org Hello, @ann!"),
            vec!["makers@example.org", "ann"]
        );
        assert_eq!(
            title_and_body("@makers Lathe advice\nWhich one?\n\nThanks"),
            (
                "Lathe advice".to_string(),
                "Which one?\n\nThanks".to_string()
            )
        );
    }
}

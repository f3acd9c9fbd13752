//! Blogs and articles. An article is a thread of kind `article` in a group
//! (its comments, votes, moderation and search are a thread's), with its
//! blog fields beside it (`store::articles`): summary, cover image, tags,
//! and its state. A draft or a scheduled article is seen by its author and
//! the group's moderators only (`posts::readable_post`; every listing,
//! fetch and consumer leaves it out); it comes out by its author's edit
//! or, scheduled, by the scheduler (`publish_due`), and `ArticlePublished`
//! says so (it sends the article as `ThreadCreated` sends a thread).
//!
//! A group's blog is its articles; a person's blog is the articles they
//! wrote, in whichever group (docs/content.md says why an article always
//! has a group).

use super::posts::{self, enrich, CreationEvent, Extra, Page, PostEdit, PostInfo, PostInput};
use super::privacy::{self, Viewer};
use super::{find_group, find_person, ranking, Actor, Body};
use crate::config::ArticlesConfig;
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::store::articles::{self as rows, Article, ArticleState, Blog, Shown};
use crate::store::posts::{self as post_rows, FeedSort, Post, PostKind};
use crate::store::{now, write_tx, DbConn};
use crate::App;
use chrono::NaiveDateTime;

/// The longest cover image URL, in bytes.
const COVER_URL_BYTES: usize = 2000;
/// The longest tag, in characters.
const TAG_CHARS: usize = 40;

/// An article with its thread.
#[derive(Debug, Clone)]
pub struct ArticleInfo {
    pub post: PostInfo,
    pub article: Article,
}

/// When an article comes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    Draft,
    At(NaiveDateTime),
    Now,
}

impl Publication {
    /// From a state name and a time: `draft`, `scheduled` (with a time to
    /// come) or `published`; no state means `scheduled` with a time, else
    /// `published`.
    pub fn parse(state: Option<&str>, publish_at: Option<NaiveDateTime>) -> Result<Publication> {
        let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
            None if publish_at.is_some() => ArticleState::Scheduled,
            None => ArticleState::Published,
            Some(s) => ArticleState::parse(s).ok_or_else(|| {
                Error::unprocessable(format!(
                    "state must be one of {}; got {s:?}",
                    ArticleState::listed()
                ))
            })?,
        };
        match (state, publish_at) {
            (ArticleState::Draft, _) => Ok(Publication::Draft),
            (ArticleState::Published, None) => Ok(Publication::Now),
            (ArticleState::Published, Some(_)) => Err(Error::unprocessable(
                "publish_at is for a scheduled article; a published one comes out now",
            )),
            (ArticleState::Scheduled, None) => {
                Err(Error::unprocessable("a scheduled article needs publish_at"))
            }
            (ArticleState::Scheduled, Some(at)) if at <= now() => {
                Err(Error::unprocessable("publish_at must be in the future"))
            }
            (ArticleState::Scheduled, Some(at)) => Ok(Publication::At(at)),
        }
    }
}

/// A new article, as its author writes it.
pub struct ArticleInput {
    pub title: String,
    /// Markdown.
    pub body: String,
    pub summary: String,
    /// An http(s) URL, or empty for none.
    pub cover_url: String,
    pub tags: Vec<String>,
    pub publication: Publication,
    /// The author's uploads to attach, in order (as a thread's).
    pub media: Vec<i64>,
}

/// An edit: what is `Some` changes (an empty cover URL removes it).
#[derive(Default)]
pub struct ArticleEdit {
    pub title: Option<String>,
    pub body: Option<String>,
    pub summary: Option<String>,
    pub cover_url: Option<String>,
    pub tags: Option<Vec<String>>,
    pub publication: Option<Publication>,
}

/// The blog fields of an article received from another server.
pub struct ReceivedFields {
    pub summary: Option<String>,
    pub cover_url: Option<String>,
    pub tags: Vec<String>,
}

fn check_summary(cfg: &ArticlesConfig, summary: &str) -> Result<String> {
    let summary = summary.trim();
    super::check_size("summary", summary, usize::MAX)?;
    if summary.chars().count() > cfg.summary_chars {
        return Err(Error::too_large(format!(
            "the summary has more than {} characters",
            cfg.summary_chars
        )));
    }
    Ok(summary.to_string())
}

/// An http(s) URL of a cover image, or None for an empty one.
fn check_cover(url: &str) -> Result<Option<String>> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(None);
    }
    if url.len() > COVER_URL_BYTES {
        return Err(Error::too_large(format!(
            "cover_url is over {COVER_URL_BYTES} bytes"
        )));
    }
    let parsed = url::Url::parse(url)
        .map_err(|e| Error::unprocessable(format!("cover_url is not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::unprocessable("cover_url must be an http(s) URL"));
    }
    Ok(Some(parsed.to_string()))
}

/// Tags as stored: lower case, without a leading `#`, letters, digits,
/// `-` and `_`, each once.
fn check_tags(cfg: &ArticlesConfig, tags: &[String]) -> Result<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in tags {
        let tag = raw.trim().trim_start_matches('#').to_lowercase();
        if tag.is_empty() {
            continue;
        }
        let fits = tag.chars().count() <= TAG_CHARS
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !fits {
            return Err(Error::unprocessable(format!(
                "tag {raw:?}: letters, digits, - and _ only, at most {TAG_CHARS} characters"
            )));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > cfg.max_tags {
        return Err(Error::unprocessable(format!(
            "at most {} tags",
            cfg.max_tags
        )));
    }
    serde_json::to_string(&out).map_err(|e| Error::internal("cannot encode tags", e))
}

/// Tags written as one line ("rust, web #news"): the forms' field.
pub fn split_tags(line: &str) -> Vec<String> {
    line.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The article row of a thread; a thread of kind article without one
/// (received, or made by the threads API) is a published article with no
/// blog fields.
pub fn article_of(conn: &mut DbConn, post: &Post) -> Result<Article> {
    Ok(rows::by_post(conn, post.id)?.unwrap_or_else(|| bare(post)))
}

fn bare(post: &Post) -> Article {
    Article {
        post_id: post.id,
        summary: String::new(),
        cover_url: None,
        tags: "[]".into(),
        state: ArticleState::Published,
        publish_at: None,
        published_at: Some(post.created_at),
    }
}

fn with_articles(conn: &mut DbConn, infos: Vec<PostInfo>) -> Result<Vec<ArticleInfo>> {
    let ids: Vec<i64> = infos.iter().map(|i| i.post.id).collect();
    let found = rows::by_posts(conn, &ids)?;
    Ok(infos
        .into_iter()
        .map(|post| {
            let article = found
                .iter()
                .find(|a| a.post_id == post.post.id)
                .cloned()
                .unwrap_or_else(|| bare(&post.post));
            ArticleInfo { post, article }
        })
        .collect())
}

/// The article fields of a thread of kind article, for the pages that show
/// a thread (None for other kinds).
pub async fn fields_of(app: &App, post: &Post) -> Result<Option<Article>> {
    if post.kind != PostKind::Article {
        return Ok(None);
    }
    let post = post.clone();
    app.store
        .run(move |conn| article_of(conn, &post).map(Some))
        .await
}

/// Brings out an article just marked published at `at`: it moves to the
/// top of the newest threads, and `ArticlePublished` sends it.
fn come_out(conn: &mut DbConn, post: &Post, at: NaiveDateTime) -> Result<()> {
    rows::set_post_time(conn, post.id, at, ranking::hot_rank(post.score, at))?;
    events::record(
        conn,
        Change::by(post.author_id, What::ArticlePublished { post_id: post.id })
            .in_group(post.group_id),
    )?;
    Ok(())
}

/// Writes a new article in the group `group` (the rules of a new thread
/// apply: who may post there, limits, filters).
pub async fn create(
    app: &App,
    actor: &Actor,
    group: &str,
    input: ArticleInput,
) -> Result<ArticleInfo> {
    let cfg = &app.config.articles;
    let summary = check_summary(cfg, &input.summary)?;
    let cover_url = check_cover(&input.cover_url)?;
    let tags = check_tags(cfg, &input.tags)?;
    let publication = input.publication;
    let extra: Extra = Box::new(move |conn: &mut DbConn, post: &Post| {
        let (state, publish_at) = match publication {
            Publication::Draft => (ArticleState::Draft, None),
            Publication::At(at) => (ArticleState::Scheduled, Some(at)),
            Publication::Now => (ArticleState::Draft, None),
        };
        rows::insert(
            conn,
            &Article {
                post_id: post.id,
                summary,
                cover_url,
                tags,
                state,
                publish_at,
                published_at: None,
            },
        )?;
        // Saved first, then brought out: the one way out for an article.
        if publication == Publication::Now && rows::mark_published(conn, post.id, post.created_at)?
        {
            come_out(conn, post, post.created_at)?;
        } else {
            events::record(
                conn,
                Change::by(post.author_id, What::ArticleSaved { post_id: post.id })
                    .in_group(post.group_id),
            )?;
        }
        Ok(CreationEvent::Own)
    });
    let post = posts::create_with(
        app,
        actor,
        group,
        PostInput {
            title: input.title,
            body: Body::Markdown(input.body),
            kind: Some(PostKind::Article.as_str().to_string()),
            media: match input.media {
                ids if ids.is_empty() => crate::community::media::Attach::Nothing,
                ids => crate::community::media::Attach::Uploads(ids),
            },
        },
        Some(extra),
    )
    .await?;
    let id = post.post.id;
    get(app, Some(actor), id).await
}

/// What an article received from another server writes beside its thread
/// (it is published; `ThreadCreated` carries it, as any received thread).
pub fn received_extra(cfg: &ArticlesConfig, fields: ReceivedFields) -> Extra {
    let summary: String = fields
        .summary
        .unwrap_or_default()
        .trim()
        .chars()
        .take(cfg.summary_chars)
        .collect();
    // What does not pass our own checks is left out, not refused: the
    // article itself is fine without it.
    let cover_url = fields
        .cover_url
        .and_then(|u| check_cover(&u).ok().flatten());
    let tags: Vec<String> = fields
        .tags
        .into_iter()
        .filter(|t| check_tags(cfg, std::slice::from_ref(t)).is_ok())
        .take(cfg.max_tags)
        .collect();
    let tags = check_tags(cfg, &tags).unwrap_or_else(|_| "[]".into());
    Box::new(move |conn: &mut DbConn, post: &Post| {
        rows::insert(
            conn,
            &Article {
                post_id: post.id,
                summary,
                cover_url,
                tags,
                state: ArticleState::Published,
                publish_at: None,
                published_at: Some(post.created_at),
            },
        )?;
        Ok(CreationEvent::Thread)
    })
}

/// The author edits an article: its text, its blog fields, and when it
/// comes out (a draft or a scheduled one may be scheduled, published or
/// put back to draft; a published one stays published).
pub async fn edit(app: &App, actor: &Actor, id: i64, edit: ArticleEdit) -> Result<ArticleInfo> {
    let cfg = app.config.articles.clone();
    let summary = edit
        .summary
        .as_deref()
        .map(|s| check_summary(&cfg, s))
        .transpose()?;
    let cover_url = edit.cover_url.as_deref().map(check_cover).transpose()?;
    let tags = edit
        .tags
        .as_deref()
        .map(|t| check_tags(&cfg, t))
        .transpose()?;
    let mut change = posts::edit_change(
        app,
        PostEdit {
            title: edit.title,
            body: edit.body.map(Body::Markdown),
        },
    )?;
    change.updated_at = Some(Some(now()));
    let publication = edit.publication;
    let actor_id = actor.id();
    let editor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                // A draft of someone else's is not even said to exist.
                posts::readable_post(conn, Some(&editor), id)?;
                posts::editable(conn, id, &editor)?;
                let post = post_rows::by_id(conn, id)?;
                if post.kind != PostKind::Article {
                    return Err(Error::unprocessable(format!(
                        "thread {id} is not an article"
                    )));
                }
                let stored = rows::by_post(conn, id)?;
                let mut article = stored.clone().unwrap_or_else(|| bare(&post));
                if let Some(s) = summary {
                    article.summary = s;
                }
                if let Some(c) = cover_url {
                    article.cover_url = c;
                }
                if let Some(t) = tags {
                    article.tags = t;
                }
                let publish = match publication {
                    None => false,
                    Some(_) if article.is_published() => return Err(Error::conflict(
                        "this article is published: it stays published (delete it to take it down)",
                    )),
                    Some(Publication::Draft) => {
                        article.state = ArticleState::Draft;
                        article.publish_at = None;
                        false
                    }
                    Some(Publication::At(at)) => {
                        article.state = ArticleState::Scheduled;
                        article.publish_at = Some(at);
                        false
                    }
                    Some(Publication::Now) => true,
                };
                let post = post_rows::update(conn, id, &change)?;
                match stored {
                    Some(_) => rows::update(conn, &article)?,
                    None => rows::insert(conn, &article)?,
                }
                // Coming out, it leaves as it is now: the Create carries
                // this edit, and no Update goes before it.
                let at = now();
                if publish && rows::mark_published(conn, id, at)? {
                    come_out(conn, &post, at)?;
                } else {
                    events::record(
                        conn,
                        Change::by(actor_id, What::ThreadEdited { post_id: id })
                            .in_group(post.group_id),
                    )?;
                }
                Ok(())
            })
        })
        .await?;
    get(app, Some(actor), id).await
}

/// An article the viewer may read (a draft or a scheduled one: its author
/// and the group's moderators).
pub async fn get(app: &App, viewer: Option<&Actor>, id: i64) -> Result<ArticleInfo> {
    let viewer = viewer.cloned();
    app.store
        .run(move |conn| {
            let (post, _) = posts::readable_post(conn, viewer.as_ref(), id)?;
            if post.kind != PostKind::Article {
                return Err(Error::not_found(format!("thread {id} is not an article")));
            }
            let info = enrich(conn, viewer.as_ref().map(Actor::id), vec![post])?;
            with_articles(conn, info)?
                .pop()
                .ok_or_else(|| Error::not_found("article vanished"))
        })
        .await
}

fn blog_page(
    conn: &mut DbConn,
    viewer: Option<i64>,
    mut found: Vec<Post>,
    limit: i64,
) -> Result<Page<ArticleInfo>> {
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next_cursor = if more {
        found.last().map(|p| posts::encode_cursor(FeedSort::New, p))
    } else {
        None
    };
    let infos = enrich(conn, viewer, found)?;
    Ok(Page {
        items: with_articles(conn, infos)?,
        next_cursor,
    })
}

/// A group's blog, newest first: its published articles, and for its
/// moderators the drafts and scheduled ones too (and for an author, their
/// own).
pub async fn group_blog(
    app: &App,
    viewer: Option<&Actor>,
    group: &str,
    cursor: Option<&str>,
    limit: i64,
) -> Result<Page<ArticleInfo>> {
    let cursor = cursor
        .map(|c| posts::decode_cursor(FeedSort::New, c))
        .transpose()?;
    let (group, viewer) = (group.to_string(), viewer.cloned());
    app.store
        .run(move |conn| {
            let group = find_group(conn, &group)?;
            if !super::can_read(conn, viewer.as_ref(), &group)? {
                return Err(Error::forbidden("this club's blog is for members only"));
            }
            let shown = match &viewer {
                None => Shown::Published,
                Some(v) if crate::moderation::can_moderate(conn, v, &group)? => Shown::All,
                Some(v) => Shown::AlsoOf(v.id()),
            };
            let found = rows::blog(
                conn,
                Blog::Group(group.id),
                shown,
                cursor.as_ref(),
                limit + 1,
            )?;
            let found = without_blocked(conn, viewer.as_ref(), found)?;
            blog_page(conn, viewer.as_ref().map(Actor::id), found, limit)
        })
        .await
}

/// A person's blog, newest first: the articles they wrote in groups the
/// viewer may read (and to themselves, their drafts too).
pub async fn person_blog(
    app: &App,
    viewer: Option<&Actor>,
    person: &str,
    cursor: Option<&str>,
    limit: i64,
) -> Result<Page<ArticleInfo>> {
    let cursor = cursor
        .map(|c| posts::decode_cursor(FeedSort::New, c))
        .transpose()?;
    let (person, viewer) = (person.to_string(), viewer.cloned());
    app.store
        .run(move |conn| {
            let person = find_person(conn, &person)?;
            let hidden = privacy::unseen_clubs(conn, Viewer::account(viewer.as_ref()))?;
            let shown = match &viewer {
                Some(v) if v.id() == person.id => Shown::AlsoOf(person.id),
                _ => Shown::Published,
            };
            let blog = Blog::Author {
                person_id: person.id,
                hidden: &hidden,
            };
            let found = rows::blog(conn, blog, shown, cursor.as_ref(), limit + 1)?;
            let found = without_blocked(conn, viewer.as_ref(), found)?;
            blog_page(conn, viewer.as_ref().map(Actor::id), found, limit)
        })
        .await
}

/// Leaves out articles of people the viewer blocked, and of blocked
/// servers (hidden, as in the threads' feeds).
fn without_blocked(
    conn: &mut DbConn,
    viewer: Option<&Actor>,
    found: Vec<Post>,
) -> Result<Vec<Post>> {
    let mut hidden = match viewer {
        Some(v) => crate::store::blocks::blocked_ids(conn, v.id())?,
        None => Vec::new(),
    };
    let authors: Vec<i64> = found.iter().map(|p| p.author_id).collect();
    hidden.extend(crate::store::people::blocked_among(conn, &authors)?);
    Ok(found
        .into_iter()
        .filter(|p| !hidden.contains(&p.author_id))
        .collect())
}

/// Publishes the scheduled articles whose time has come; how many.
pub async fn publish_due(app: &App) -> Result<usize> {
    app.store
        .run(|conn| {
            let mut published = 0;
            for id in rows::due(conn, now(), 100)? {
                let done = write_tx(conn, |conn| {
                    let at = now();
                    // Unless its author changed it meanwhile.
                    if !rows::mark_due_published(conn, id, at)? {
                        return Ok(false);
                    }
                    let post = post_rows::by_id(conn, id)?;
                    come_out(conn, &post, at)?;
                    Ok(true)
                })?;
                if done {
                    published += 1;
                }
            }
            Ok(published)
        })
        .await
}

/// When the next scheduled article is due.
pub async fn next_due(app: &App) -> Result<Option<NaiveDateTime>> {
    app.store.run(rows::next_due).await
}

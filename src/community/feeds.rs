//! RSS and Atom feeds: what each feed lists, for whom. A feed reader signs
//! in to nothing, so a feed is read as an anonymous viewer, or, with a
//! member's private feed token in its URL, as that member: a club's feeds
//! answer only then (the privacy rule, `privacy::sight`, decides as on
//! every other path). A token is a per-person secret, stored as a hash,
//! shown once when made, and revocable (a new one revokes the old).

use super::articles::{self, ArticleInfo};
use super::posts::{self, PostInfo};
use super::{accounts, tokens, Actor};
use crate::error::{Error, Result};
use crate::store::articles as rows;
use crate::store::people;
use crate::store::{now, write_tx};
use crate::App;
use chrono::NaiveDateTime;

/// One feed: its title, the page it mirrors, and its items.
pub struct Feed {
    pub title: String,
    /// The page's path (`/g/name`, `/g/name/blog`, ...).
    pub path: String,
    pub items: Vec<Item>,
}

/// One entry of a feed.
pub struct Item {
    pub title: String,
    /// The entry's page: its ActivityPub id, which a browser gets as a page.
    pub url: String,
    pub author: String,
    /// Plain text (an article's summary), if any.
    pub summary: Option<String>,
    /// Sanitized HTML.
    pub content_html: String,
    pub published: NaiveDateTime,
    pub updated: Option<NaiveDateTime>,
    pub tags: Vec<String>,
    pub image: Option<String>,
}

/// Which feed.
pub enum Source {
    /// A group's newest threads.
    Group(String),
    /// A group's blog.
    GroupBlog(String),
    /// A person's articles.
    PersonBlog(String),
    /// The site's front page: the newest threads of every open group.
    Front,
}

/// The reader of a feed: anonymous, or the owner of a live feed token.
pub async fn reader(app: &App, token: Option<&str>) -> Result<Option<Actor>> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let hash = tokens::hash_token(token);
    let account = app
        .store
        .run(move |conn| {
            let Some(found) = rows::live_feed_token(conn, &hash)? else {
                return Ok(None);
            };
            let person = people::by_id(conn, found.person_id)?;
            accounts::account_by_name(conn, &person.name)
        })
        .await?;
    match account {
        Some(a) if !a.person.deleted && !a.person.banned => Ok(Some(a.actor())),
        _ => Err(Error::unauthorized(
            "the feed token is not valid or was revoked",
        )),
    }
}

fn name_of(p: &crate::store::people::Person) -> String {
    p.display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| p.name.clone())
}

fn thread_item(i: &PostInfo) -> Item {
    Item {
        title: i.post.title.clone(),
        url: i.post.ap_id.clone(),
        author: name_of(&i.author),
        summary: None,
        content_html: i.post.body_html.clone(),
        published: i.post.created_at,
        updated: i.post.updated_at,
        tags: Vec::new(),
        image: None,
    }
}

fn article_item(a: &ArticleInfo) -> Item {
    let mut item = thread_item(&a.post);
    item.summary = Some(a.article.summary.clone()).filter(|s| !s.is_empty());
    item.tags = a.article.tag_list();
    item.image = a.article.cover_url.clone();
    item
}

/// The feed `source` as `reader` may read it (a club's: its members only).
pub async fn feed(app: &App, reader: Option<&Actor>, source: Source) -> Result<Feed> {
    let limit = app.config.articles.feed_items;
    let site = app.site.get(app).await?.name.clone();
    Ok(match source {
        Source::Group(name) => {
            let info = super::groups::get(app, reader, &name).await?;
            let page =
                posts::group_feed(app, reader, &name, crate::store::posts::FeedSort::New, None)
                    .await?;
            Feed {
                title: format!("{} · {site}", info.group.title),
                path: format!("/g/{name}"),
                items: page
                    .items
                    .iter()
                    .take(limit as usize)
                    .map(thread_item)
                    .collect(),
            }
        }
        Source::GroupBlog(name) => {
            let info = super::groups::get(app, reader, &name).await?;
            // Published articles only, whoever reads: a feed is for readers.
            let page = articles::group_blog(app, reader, &name, None, limit).await?;
            Feed {
                title: format!("{} · {site}", info.group.title),
                path: format!("/g/{name}/blog"),
                items: page
                    .items
                    .iter()
                    .filter(|a| a.article.is_published() && !a.post.post.held)
                    .map(article_item)
                    .collect(),
            }
        }
        Source::PersonBlog(name) => {
            let page = articles::person_blog(app, reader, &name, None, limit).await?;
            let person = {
                let name = name.clone();
                app.store
                    .run(move |conn| super::find_person(conn, &name))
                    .await?
            };
            Feed {
                title: format!("{} · {site}", name_of(&person)),
                path: format!("/u/{name}/blog"),
                items: page
                    .items
                    .iter()
                    .filter(|a| a.article.is_published() && !a.post.post.held)
                    .map(article_item)
                    .collect(),
            }
        }
        Source::Front => {
            let page = posts::public_feed(app, reader, None).await?;
            Feed {
                title: site,
                path: "/".into(),
                items: page
                    .items
                    .iter()
                    .take(limit as usize)
                    .map(thread_item)
                    .collect(),
            }
        }
    })
}

/// Makes the person's private feed token (revoking the one before):
/// the token, shown this once.
pub async fn new_token(app: &App, actor: &Actor) -> Result<String> {
    require_local(actor)?;
    let token = tokens::random_token();
    let (hash, person_id) = (tokens::hash_token(&token), actor.id());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let at = now();
                rows::revoke_feed_tokens(conn, person_id, at)?;
                rows::insert_feed_token(conn, person_id, &hash, at)
            })
        })
        .await?;
    Ok(token)
}

/// Revokes the person's feed token; whether there was one.
pub async fn revoke_token(app: &App, actor: &Actor) -> Result<bool> {
    let person_id = actor.id();
    let n = app
        .store
        .run(move |conn| rows::revoke_feed_tokens(conn, person_id, now()))
        .await?;
    Ok(n > 0)
}

/// When the person's live feed token was made, if they have one.
pub async fn token_made(app: &App, actor: &Actor) -> Result<Option<NaiveDateTime>> {
    let person_id = actor.id();
    app.store
        .run(move |conn| Ok(rows::live_feed_token_of(conn, person_id)?.map(|t| t.created_at)))
        .await
}

fn require_local(actor: &Actor) -> Result<()> {
    if actor.person.local {
        Ok(())
    } else {
        Err(Error::forbidden(
            "feed tokens are for accounts of this server",
        ))
    }
}

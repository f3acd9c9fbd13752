//! RSS 2.0 and Atom feeds of a group's threads, a group's blog, a
//! person's articles and the site's front page. A club's feeds answer
//! only with a member's private feed token (`?token=`); the rule that
//! decides is `community::feeds` (and the privacy rule under it).

use crate::community::feeds::{self, Feed, Item, Source};
use crate::error::{Error, Result};
use crate::App;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/feed.{format}", web::get().to(front))
        .route("/g/{name}/feed.{format}", web::get().to(group))
        .route("/g/{name}/blog.{format}", web::get().to(group_blog))
        .route("/u/{name}/blog.{format}", web::get().to(person_blog));
}

/// RSS 2.0 or Atom, by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
}

impl Format {
    fn parse(ext: &str) -> Result<Format> {
        match ext {
            "rss" => Ok(Format::Rss),
            "atom" => Ok(Format::Atom),
            other => Err(Error::not_found(format!(
                "no feed format {other:?}: rss or atom"
            ))),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
        }
    }
}

/// The `<link rel="alternate">`s of a page with feeds at `base` (a path
/// without its extension, e.g. `/g/name/blog`), titled `title`.
pub fn head_links(base: &str, title: &str) -> Vec<(String, String, String, String)> {
    [Format::Rss, Format::Atom]
        .into_iter()
        .map(|f| {
            (
                "alternate".to_string(),
                f.content_type()
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                format!("{title} ({})", f.ext().to_uppercase()),
                format!("{base}.{}", f.ext()),
            )
        })
        .collect()
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn answer(
    app: &App,
    format: &str,
    token: Option<&str>,
    source: Source,
) -> Result<HttpResponse> {
    let format = Format::parse(format)?;
    let reader = feeds::reader(app, token).await?;
    let feed = feeds::feed(app, reader.as_ref(), source).await?;
    let base = app.config.base_url();
    let self_url = |ext: &str| format!("{base}{}", feed_path(&feed, ext));
    let body = match format {
        Format::Rss => rss_of(&feed, &base, &self_url("rss")),
        Format::Atom => atom_of(&feed, &base, &self_url("atom")),
    };
    // A feed read with a token is that member's: never kept by caches.
    let cache = if reader.is_some() {
        "private, no-store"
    } else {
        "public, max-age=60"
    };
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CACHE_CONTROL, cache))
        .body(body))
}

/// The feed's own path (without the token: the self link is not a secret
/// to hand around).
fn feed_path(feed: &Feed, ext: &str) -> String {
    match feed.path.as_str() {
        "/" => format!("/feed.{ext}"),
        p if p.ends_with("/blog") => format!("{p}.{ext}"),
        p => format!("{p}/feed.{ext}"),
    }
}

fn rss_of(feed: &Feed, base: &str, self_url: &str) -> String {
    let items: Vec<rss::Item> = feed.items.iter().map(rss_item).collect();
    let mut atom_link = rss::extension::atom::Link::default();
    atom_link.set_href(self_url);
    atom_link.set_rel("self");
    atom_link.set_mime_type(Some("application/rss+xml".to_string()));
    let mut atom = rss::extension::atom::AtomExtension::default();
    atom.set_links(vec![atom_link]);
    let mut channel = rss::Channel::default();
    channel.set_title(feed.title.clone());
    channel.set_link(format!("{base}{}", feed.path));
    channel.set_description(feed.title.clone());
    channel.set_generator(Some("Guildhall".to_string()));
    channel.set_items(items);
    channel.set_atom_ext(Some(atom));
    channel.to_string()
}

fn rss_item(i: &Item) -> rss::Item {
    let mut guid = rss::Guid::default();
    guid.set_value(i.url.clone());
    guid.set_permalink(true);
    let mut item = rss::Item::default();
    item.set_title(Some(i.title.clone()));
    item.set_link(Some(i.url.clone()));
    item.set_guid(Some(guid));
    item.set_pub_date(Some(i.published.and_utc().to_rfc2822()));
    item.set_description(Some(match &i.summary {
        Some(s) => crate::community::markdown::escape(s),
        None => i.content_html.clone(),
    }));
    item.set_content(Some(i.content_html.clone()));
    item.set_categories(
        i.tags
            .iter()
            .map(|t| {
                let mut c = rss::Category::default();
                c.set_name(t.clone());
                c
            })
            .collect::<Vec<_>>(),
    );
    if let Some(image) = &i.image {
        let mut e = rss::Enclosure::default();
        e.set_url(image.clone());
        e.set_length("0");
        e.set_mime_type(image_type(image));
        item.set_enclosure(Some(e));
    }
    // `author` in RSS is an email address; the name goes in Dublin Core.
    let mut dc = rss::extension::dublincore::DublinCoreExtension::default();
    dc.set_creators(vec![i.author.clone()]);
    item.set_dublin_core_ext(Some(dc));
    item
}

/// A guess at an image's type from its file name (RSS wants one).
fn image_type(url: &str) -> &'static str {
    let lower = url.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or_default();
    if path.ends_with(".png") {
        "image/png"
    } else if path.ends_with(".gif") {
        "image/gif"
    } else if path.ends_with(".webp") {
        "image/webp"
    } else if path.ends_with(".svg") {
        "image/svg+xml"
    } else {
        "image/jpeg"
    }
}

fn atom_of(feed: &Feed, base: &str, self_url: &str) -> String {
    use atom_syndication::{Link, Text};
    let mut alternate = Link::default();
    alternate.set_href(format!("{base}{}", feed.path));
    alternate.set_rel("alternate");
    alternate.set_mime_type(Some("text/html".to_string()));
    let mut this = Link::default();
    this.set_href(self_url);
    this.set_rel("self");
    this.set_mime_type(Some("application/atom+xml".to_string()));
    let updated = feed
        .items
        .iter()
        .map(|i| i.updated.unwrap_or(i.published).max(i.published))
        .max()
        .unwrap_or_else(crate::store::now);
    let mut out = atom_syndication::Feed::default();
    out.set_title(Text::plain(feed.title.clone()));
    out.set_id(self_url);
    out.set_updated(updated.and_utc().fixed_offset());
    out.set_links(vec![alternate, this]);
    out.set_entries(feed.items.iter().map(atom_entry).collect::<Vec<_>>());
    out.to_string()
}

fn atom_entry(i: &Item) -> atom_syndication::Entry {
    use atom_syndication::{Category, Content, Entry, Link, Person, Text};
    let mut link = Link::default();
    link.set_href(i.url.clone());
    link.set_rel("alternate");
    let mut author = Person::default();
    author.set_name(i.author.clone());
    let mut content = Content::default();
    content.set_content_type(Some("html".to_string()));
    content.set_value(Some(i.content_html.clone()));
    let mut links = vec![link];
    if let Some(image) = &i.image {
        let mut l = Link::default();
        l.set_href(image.clone());
        l.set_rel("enclosure");
        l.set_mime_type(Some(image_type(image).to_string()));
        links.push(l);
    }
    let mut e = Entry::default();
    e.set_title(Text::plain(i.title.clone()));
    e.set_id(i.url.clone());
    e.set_links(links);
    e.set_published(Some(i.published.and_utc().fixed_offset()));
    e.set_updated(i.updated.unwrap_or(i.published).and_utc().fixed_offset());
    e.set_authors(vec![author]);
    e.set_summary(i.summary.clone().map(Text::plain));
    e.set_content(Some(content));
    e.set_categories(
        i.tags
            .iter()
            .map(|t| {
                let mut c = Category::default();
                c.set_term(t.clone());
                c
            })
            .collect::<Vec<_>>(),
    );
    e
}

async fn front(
    app: web::Data<App>,
    format: web::Path<String>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse> {
    answer(&app, &format, q.token.as_deref(), Source::Front).await
}

async fn group(
    app: web::Data<App>,
    path: web::Path<(String, String)>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse> {
    let (name, format) = path.into_inner();
    answer(&app, &format, q.token.as_deref(), Source::Group(name)).await
}

async fn group_blog(
    app: web::Data<App>,
    path: web::Path<(String, String)>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse> {
    let (name, format) = path.into_inner();
    answer(&app, &format, q.token.as_deref(), Source::GroupBlog(name)).await
}

async fn person_blog(
    app: web::Data<App>,
    path: web::Path<(String, String)>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse> {
    let (name, format) = path.into_inner();
    answer(&app, &format, q.token.as_deref(), Source::PersonBlog(name)).await
}

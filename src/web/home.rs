//! The home page: the site's landing (name, logo, introduction, featured
//! groups, the latest threads of open groups) and, for a signed-in member,
//! their feed first, paged with "load more".

use super::groups::GroupRow;
use super::page::Page;
use super::session::Viewer;
use super::threads::ThreadRow;
use crate::community::{groups, posts};
use crate::error::Result;
use crate::App;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

/// How many groups the home page features.
const FEATURED: i64 = 6;

pub fn routes(_cfg: &mut web::ServiceConfig) {}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    /// The member's feed (None for a visitor).
    feed: Option<Vec<ThreadRow>>,
    feed_next: Option<String>,
    featured: Vec<GroupRow>,
    latest: Vec<ThreadRow>,
}

#[derive(Deserialize, Default)]
struct HomeQuery {
    cursor: Option<String>,
}

/// `/` for a browser.
pub async fn page(app: &App, req: &HttpRequest) -> Result<HttpResponse> {
    let viewer = Viewer::extract(req).await?;
    let q = web::Query::<HomeQuery>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    let actor = viewer.actor();
    let (feed, feed_next) = match &actor {
        Some(a) => {
            let page = posts::home_feed(app, a, q.cursor.as_deref()).await?;
            let next = page
                .next_cursor
                .map(|c| format!("/?cursor={}", super::errors::urlencode(&c)));
            (Some(ThreadRow::all(&page.items)), next)
        }
        None => (None, None),
    };
    let featured = groups::featured(app, FEATURED)
        .await?
        .iter()
        .map(|g| GroupRow::of(g, None))
        .collect();
    let latest = ThreadRow::all(&posts::public_feed(app, actor.as_ref(), None).await?.items);
    let mut page = Page::new(app, &viewer, app.site.get(app).await?.name.clone()).await?;
    page.head_links = super::feeds::head_links("/feed", &page.site.name);
    super::ok(HomePage {
        page,
        feed,
        feed_next,
        featured,
        latest,
    })
}

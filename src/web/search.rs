//! The search page, `/search?q=&type=&page=`: the header's search box
//! sends its words here. Results come from `community::search`, the rule
//! the API's `GET /api/v1/search` calls too: ranked, with the words found
//! marked in the excerpt, tabs by kind, and pages.

use super::page::{t, Page};
use super::render;
use super::session::Viewer;
use crate::community::search::{self, Kind, Results, MAX_PAGE, MAX_QUERY_CHARS};
use crate::error::{ErrorKind, Result};
use crate::App;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(page));
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    page: Option<String>,
}

/// A tab: one kind of result for the same words.
struct Tab {
    label: &'static str,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "search/results.html")]
struct SearchPage {
    page: Page,
    q: String,
    kind: Kind,
    tabs: Vec<Tab>,
    problem: Option<&'static str>,
    results: Option<Results>,
    previous: Option<String>,
    next: Option<String>,
}

/// `/search?q=..&type=..&page=..`
fn href(q: &str, kind: Kind, page: i64) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("q", q).append_pair("type", kind.as_str());
    if page > 1 {
        s.append_pair("page", &page.to_string());
    }
    format!("/search?{}", s.finish())
}

fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Threads => t("search.threads"),
        Kind::Comments => t("search.comments"),
        Kind::Groups => t("search.groups"),
        Kind::People => t("search.people"),
    }
}

async fn page(
    app: web::Data<App>,
    viewer: Viewer,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse> {
    let query = query.into_inner();
    let q = query.q.unwrap_or_default().trim().to_string();
    // A page asked for by hand is forgiven: an unknown kind is threads, a
    // page out of range the nearest one.
    let kind = query
        .kind
        .as_deref()
        .and_then(Kind::parse)
        .unwrap_or(Kind::Threads);
    let number = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let tabs = Kind::ALL
        .iter()
        .map(|&k| Tab {
            label: label(k),
            href: href(&q, k, 1),
            current: k == kind,
        })
        .collect();
    let title = if q.is_empty() {
        t("search.title").to_string()
    } else {
        format!("{q} – {}", t("search.title"))
    };
    let mut view = SearchPage {
        page: Page::new(&app, &viewer, title).await?,
        q,
        kind,
        tabs,
        problem: None,
        results: None,
        previous: None,
        next: None,
    };
    if view.q.is_empty() {
        return render(view, StatusCode::OK);
    }
    match search::search(&app, viewer.actor().as_ref(), &view.q, kind, number).await {
        Ok(results) => {
            view.previous = (results.page > 1).then(|| href(&view.q, kind, results.page - 1));
            view.next = results.more.then(|| href(&view.q, kind, results.page + 1));
            view.results = Some(results);
            render(view, StatusCode::OK)
        }
        // Words the person can change: the form again, with why.
        Err(e) if e.kind == ErrorKind::BadRequest => {
            view.problem = Some(if view.q.chars().count() > MAX_QUERY_CHARS {
                t("search.too_long")
            } else {
                t("search.no_words")
            });
            render(view, StatusCode::BAD_REQUEST)
        }
        Err(e) => Err(e),
    }
}

//! The influencers page in the moderators' area: a group's ranking on
//! its tab (`/moderate/g/{name}/influence`) and the instance's for staff
//! and admins (`/moderate/influence`), with reasons and rising members.

use super::moderate::{GroupHead, Who};
use super::ok;
use super::page::{t, Page};
use super::session::Viewer;
use crate::community::handle;
use crate::community::influence::{self, Line, Ranking};
use crate::error::Result;
use crate::App;
use actix_web::{web, HttpResponse};
use askama::Template;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/moderate/influence", web::get().to(instance))
        .route("/moderate/g/{name}/influence", web::get().to(of_group));
}

/// One person's line as the page shows it.
pub struct Row {
    pub place: i32,
    pub who: Who,
    /// The score in thousandths, as the page prints it.
    pub score: String,
    pub gain: Option<String>,
    pub answered: Vec<Who>,
    pub threads: Vec<(i64, String)>,
}

fn thousandths(v: f64) -> String {
    format!("{:.1}", v * 1000.0)
}

impl Row {
    fn of(l: &Line) -> Row {
        Row {
            place: l.place,
            who: Who::of(&l.person),
            score: thousandths(l.score),
            gain: l.gain.map(thousandths),
            answered: l.answered.iter().map(Who::of).collect(),
            threads: l.threads.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "moderate/influence.html")]
struct InfluencePage {
    page: Page,
    group: Option<GroupHead>,
    computed: Option<String>,
    rows: Vec<Row>,
    rising: Vec<Row>,
}

fn page_of(page: Page, group: Option<GroupHead>, r: &Ranking) -> InfluencePage {
    InfluencePage {
        page,
        group,
        computed: r
            .computed_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
        rows: r.lines.iter().map(Row::of).collect(),
        rising: r.rising.iter().map(Row::of).collect(),
    }
}

async fn instance(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let r = influence::ranking(&app, &actor, None).await?;
    let page = Page::new(&app, &viewer, t("influence.title")).await?;
    ok(page_of(page, None, &r))
}

async fn of_group(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let r = influence::ranking(&app, &actor, Some(&name)).await?;
    let head = r.group.as_ref().map(|g| GroupHead {
        handle: handle(&g.name, g.local, &g.ap_id),
        title: g.title.clone(),
        tab: "influence",
    });
    let title = match &head {
        Some(h) => format!("{} · {}", t("influence.title"), h.title),
        None => t("influence.title").to_string(),
    };
    let page = Page::new(&app, &viewer, title).await?;
    ok(page_of(page, head, &r))
}

//! The analytics page in the moderators' area: a group's figures on its
//! tab (`/moderate/g/{name}/analytics`) and the instance's for staff and
//! admins (`/moderate/analytics`): a range form, the series as an SVG
//! bar chart with its table beside it, the other tables, CSV links.

use super::moderate::{GroupHead, Who};
use super::ok;
use super::page::{t, Page};
use super::session::Viewer;
use crate::api::analytics::{csv_of, csv_response, Metric};
use crate::community::analytics::{self, Figures, Granularity, Range};
use crate::community::handle;
use crate::community::principal::Principal;
use crate::error::{Error, Result};
use crate::App;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/moderate/analytics", web::get().to(instance))
        .route(
            "/moderate/analytics/export.csv",
            web::get().to(instance_csv),
        )
        .route("/moderate/g/{name}/analytics", web::get().to(of_group))
        .route(
            "/moderate/g/{name}/analytics/export.csv",
            web::get().to(group_csv),
        );
}

/// The form's fields, as typed.
#[derive(Deserialize)]
pub struct RangeForm {
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
    metric: Option<String>,
}

fn date(field: &str, v: Option<&String>) -> Result<Option<NaiveDate>> {
    match v.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| Error::bad_request(format!("{field}: not a date (YYYY-MM-DD): {s:?}"))),
    }
}

impl RangeForm {
    fn range(&self) -> Result<Range> {
        let by = match self.by.as_deref().unwrap_or("day") {
            "day" | "" => Granularity::Day,
            "week" => Granularity::Week,
            "month" => Granularity::Month,
            other => {
                return Err(Error::bad_request(format!(
                    "by: day, week or month, not {other:?}"
                )))
            }
        };
        Range::new(
            date("from", self.from.as_ref())?,
            date("to", self.to.as_ref())?,
            Some(by),
            crate::store::now().date(),
        )
    }

    fn metric(&self) -> Result<Metric> {
        Ok(match self.metric.as_deref().unwrap_or("series") {
            "series" | "" => Metric::Series,
            "contributors" => Metric::Contributors,
            "servers" => Metric::Servers,
            "cohorts" => Metric::Cohorts,
            other => {
                return Err(Error::bad_request(format!(
                    "metric: series, contributors, servers or cohorts, not {other:?}"
                )))
            }
        })
    }
}

/// One bar of the chart, in the SVG's units.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub height: i64,
    pub label: String,
    pub value: i64,
}

/// The series as a bar chart of active people, with the line of threads
/// and comments.
pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub bar_width: i64,
    pub bars: Vec<Bar>,
    /// Polyline points of threads + comments.
    pub line: String,
    pub max: i64,
    pub desc: String,
}

const CHART_HEIGHT: i64 = 160;
const BAR_STEP: i64 = 14;

fn chart(f: &Figures) -> Chart {
    let values: Vec<(i64, i64)> = f
        .series
        .iter()
        .map(|p| (p.active, p.threads + p.comments))
        .collect();
    let max = values
        .iter()
        .map(|(a, c)| (*a).max(*c))
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |v: i64| v * CHART_HEIGHT / max;
    let bars: Vec<Bar> = f
        .series
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let h = scale(p.active);
            Bar {
                x: i as i64 * BAR_STEP,
                y: CHART_HEIGHT - h,
                height: h,
                label: p.from.to_string(),
                value: p.active,
            }
        })
        .collect();
    let line = values
        .iter()
        .enumerate()
        .map(|(i, (_, c))| {
            format!(
                "{},{}",
                i as i64 * BAR_STEP + BAR_STEP / 2,
                CHART_HEIGHT - scale(*c)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let peak = f
        .series
        .iter()
        .max_by_key(|p| p.active)
        .map(|p| format!("{} ({})", p.active, p.from))
        .unwrap_or_default();
    Chart {
        width: (bars.len() as i64 * BAR_STEP).max(BAR_STEP),
        height: CHART_HEIGHT,
        bar_width: BAR_STEP - 2,
        bars,
        line,
        max,
        desc: t("analytics.chart_desc").replacen("{}", &peak, 1),
    }
}

pub struct ContributorRow {
    pub who: Who,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "moderate/analytics.html")]
struct AnalyticsPage {
    page: Page,
    group: Option<GroupHead>,
    f: Figures,
    from: String,
    to: String,
    by: &'static str,
    dau: String,
    share_answered: String,
    share_solved: String,
    first_reply: (String, String),
    accepted: (String, String),
    chart: Chart,
    contributors: Vec<ContributorRow>,
    cohorts: Vec<(String, i64, Vec<String>)>,
    base: String,
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |s| format!("{:.0}%", s * 100.0))
}

/// A duration in seconds as the page prints it.
fn span(secs: Option<i64>) -> String {
    match secs {
        None => "–".to_string(),
        Some(s) if s < 120 => format!("{s} s"),
        Some(s) if s < 7200 => format!("{} min", s / 60),
        Some(s) if s < 172_800 => format!("{} h", s / 3600),
        Some(s) => format!("{} d", s / 86400),
    }
}

fn page_of(page: Page, group: Option<GroupHead>, f: Figures, base: String) -> AnalyticsPage {
    let q = &f.questions;
    AnalyticsPage {
        page,
        group,
        from: f.range.from.to_string(),
        to: f.range.to.to_string(),
        by: match f.range.by {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
        },
        dau: format!("{:.1}", f.dau),
        share_answered: percent(q.share_answered),
        share_solved: percent(q.share_solved),
        first_reply: (span(q.first_reply.median), span(q.first_reply.p90)),
        accepted: (span(q.accepted.median), span(q.accepted.p90)),
        chart: chart(&f),
        contributors: f
            .contributors
            .iter()
            .map(|c| ContributorRow {
                who: Who::of(&c.person),
                count: c.threads_and_comments,
            })
            .collect(),
        cohorts: f
            .cohorts
            .iter()
            .map(|c| {
                (
                    c.week.to_string(),
                    c.members,
                    c.retained.iter().map(|s| percent(Some(*s))).collect(),
                )
            })
            .collect(),
        base,
        f,
    }
}

async fn instance(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<RangeForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let f = analytics::figures(
        &app,
        &Principal::Person(Box::new(actor.clone())),
        None,
        q.range()?,
    )
    .await?;
    let page = Page::new(&app, &viewer, t("analytics.title")).await?;
    ok(page_of(page, None, f, "/moderate/analytics".to_string()))
}

async fn of_group(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    q: web::Query<RangeForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let f = analytics::figures(
        &app,
        &Principal::Person(Box::new(actor.clone())),
        Some(&name),
        q.range()?,
    )
    .await?;
    let head = f.group.as_ref().map(|g| GroupHead {
        handle: handle(&g.name, g.local, &g.ap_id),
        title: g.title.clone(),
        tab: "analytics",
    });
    let (title, base) = match &head {
        Some(h) => (
            format!("{} · {}", t("analytics.title"), h.title),
            format!("/moderate/g/{}/analytics", h.handle),
        ),
        None => (
            t("analytics.title").to_string(),
            "/moderate/analytics".to_string(),
        ),
    };
    let page = Page::new(&app, &viewer, title).await?;
    ok(page_of(page, head, f, base))
}

async fn instance_csv(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<RangeForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let metric = q.metric()?;
    let f = analytics::figures(
        &app,
        &Principal::Person(Box::new(actor.clone())),
        None,
        q.range()?,
    )
    .await?;
    let name = format!("analytics-instance-{metric:?}").to_lowercase();
    Ok(csv_response(csv_of(&f, metric)?, &name))
}

async fn group_csv(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    q: web::Query<RangeForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let metric = q.metric()?;
    let f = analytics::figures(
        &app,
        &Principal::Person(Box::new(actor.clone())),
        Some(&name),
        q.range()?,
    )
    .await?;
    let file = format!("analytics-{}-{metric:?}", name.replace(['@', ':'], "-")).to_lowercase();
    Ok(csv_response(csv_of(&f, metric)?, &file))
}

//! Community analytics: a group's or the instance's figures over a range,
//! as JSON or CSV; and rolling the days up now (admins).

use super::auth::Auth;
use super::views::{GroupRef, PersonRef};
use crate::community::analytics::{self, Figures, Granularity, Range, Spread};
use crate::community::principal::Principal;
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/analytics/instance", web::get().to(instance))
        .route(
            "/analytics/instance/export.csv",
            web::get().to(instance_csv),
        )
        .route("/analytics/groups/{name}", web::get().to(group))
        .route(
            "/analytics/groups/{name}/export.csv",
            web::get().to(group_csv),
        )
        .route("/admin/analytics/recompute", web::post().to(recompute));
}

/// How the series is cut.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Day,
    /// ISO weeks, Monday to Sunday (UTC).
    Week,
    /// Calendar months (UTC).
    Month,
}

impl From<By> for Granularity {
    fn from(b: By) -> Self {
        match b {
            By::Day => Granularity::Day,
            By::Week => Granularity::Week,
            By::Month => Granularity::Month,
        }
    }
}

/// Which table a CSV export holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    #[default]
    Series,
    Contributors,
    Servers,
    Cohorts,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Csv,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    /// The first day (YYYY-MM-DD, UTC); default: 29 days before `to`.
    pub from: Option<NaiveDate>,
    /// The last day, included; default: today (UTC).
    pub to: Option<NaiveDate>,
    /// day (default), week or month.
    pub by: Option<By>,
    /// json (default) or csv (the table named by `metric`).
    pub format: Option<Format>,
    /// For CSV: series (default), contributors, servers or cohorts.
    pub metric: Option<Metric>,
}

impl AnalyticsQuery {
    fn range(&self) -> Result<Range, Error> {
        Range::new(
            self.from,
            self.to,
            self.by.map(Granularity::from),
            crate::store::now().date(),
        )
    }
}

#[derive(Serialize, ToSchema)]
pub struct PointView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub new_members: i64,
    /// Distinct people who posted, commented or voted in the bucket.
    pub active: i64,
    pub threads: i64,
    pub comments: i64,
    pub votes: i64,
    pub questions: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SpreadView {
    /// How many questions the times are of.
    pub count: usize,
    /// Seconds; nearest rank (null without any).
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
}

impl From<&Spread> for SpreadView {
    fn from(s: &Spread) -> Self {
        SpreadView {
            count: s.count,
            median_secs: s.median,
            p90_secs: s.p90,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct QuestionsView {
    /// Questions asked in the range in local groups (whose times are kept).
    pub asked: i64,
    pub answered: i64,
    pub solved: i64,
    pub unanswered: i64,
    pub escalated: i64,
    /// answered / asked (null without questions).
    pub share_answered: Option<f64>,
    /// solved / asked (null without questions).
    pub share_solved: Option<f64>,
    pub time_to_first_reply: SpreadView,
    pub time_to_accepted_answer: SpreadView,
}

#[derive(Serialize, ToSchema)]
pub struct ContributorView {
    pub person: PersonRef,
    pub threads_and_comments: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TopThreadView {
    pub id: i64,
    pub title: String,
    pub comments: i64,
    pub votes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ServerView {
    pub domain: String,
    /// This server.
    pub local: bool,
    pub active: i64,
    pub threads: i64,
    pub comments: i64,
    pub votes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CohortView {
    /// The Monday of the ISO week they joined.
    pub week: NaiveDate,
    pub members: i64,
    /// Share active in each following week (1 to 8) that has begun.
    pub retained: Vec<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct AnalyticsView {
    /// The group; null for the instance (every group but clubs).
    pub group: Option<GroupRef>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// day, week or month.
    pub by: String,
    pub new_members: i64,
    /// Distinct people active in the range.
    pub active_members: i64,
    /// Mean over the range's days of each day's distinct active people.
    pub dau: f64,
    /// Distinct active people in the 7 days ending `to`.
    pub wau: i64,
    /// Distinct active people in the 30 days ending `to`.
    pub mau: i64,
    pub threads: i64,
    pub comments: i64,
    pub votes: i64,
    /// Questions asked (threads of kind question, any group).
    pub questions: i64,
    pub question_times: QuestionsView,
    pub series: Vec<PointView>,
    pub top_contributors: Vec<ContributorView>,
    pub top_threads: Vec<TopThreadView>,
    pub servers: Vec<ServerView>,
    pub cohorts: Vec<CohortView>,
}

fn by_name(g: Granularity) -> &'static str {
    match g {
        Granularity::Day => "day",
        Granularity::Week => "week",
        Granularity::Month => "month",
    }
}

impl From<&Figures> for AnalyticsView {
    fn from(f: &Figures) -> Self {
        let q = &f.questions;
        AnalyticsView {
            group: f.group.as_ref().map(GroupRef::from),
            from: f.range.from,
            to: f.range.to,
            by: by_name(f.range.by).to_string(),
            new_members: f.new_members,
            active_members: f.active,
            dau: f.dau,
            wau: f.wau,
            mau: f.mau,
            threads: f.threads,
            comments: f.comments,
            votes: f.votes,
            questions: f.questions_asked,
            question_times: QuestionsView {
                asked: q.asked,
                answered: q.answered,
                solved: q.solved,
                unanswered: q.unanswered,
                escalated: q.escalated,
                share_answered: q.share_answered,
                share_solved: q.share_solved,
                time_to_first_reply: SpreadView::from(&q.first_reply),
                time_to_accepted_answer: SpreadView::from(&q.accepted),
            },
            series: f
                .series
                .iter()
                .map(|p| PointView {
                    from: p.from,
                    to: p.to,
                    new_members: p.new_members,
                    active: p.active,
                    threads: p.threads,
                    comments: p.comments,
                    votes: p.votes,
                    questions: p.questions,
                })
                .collect(),
            top_contributors: f
                .contributors
                .iter()
                .map(|c| ContributorView {
                    person: PersonRef::from(&c.person),
                    threads_and_comments: c.threads_and_comments,
                })
                .collect(),
            top_threads: f
                .top_threads
                .iter()
                .map(|t| TopThreadView {
                    id: t.id,
                    title: t.title.clone(),
                    comments: t.comments,
                    votes: t.votes,
                })
                .collect(),
            servers: f
                .servers
                .iter()
                .map(|s| ServerView {
                    domain: s.domain.clone(),
                    local: s.local,
                    active: s.active,
                    threads: s.threads,
                    comments: s.comments,
                    votes: s.votes,
                })
                .collect(),
            cohorts: f
                .cohorts
                .iter()
                .map(|c| CohortView {
                    week: c.week,
                    members: c.members,
                    retained: c.retained.clone(),
                })
                .collect(),
        }
    }
}

/// One table of the figures as CSV, with a header line.
pub fn csv_of(f: &Figures, metric: Metric) -> Result<String, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::internal("cannot write CSV", e);
    match metric {
        Metric::Series => {
            w.write_record([
                "from",
                "to",
                "new_members",
                "active",
                "threads",
                "comments",
                "votes",
                "questions",
            ])
            .map_err(fail)?;
            for p in &f.series {
                w.write_record([
                    p.from.to_string(),
                    p.to.to_string(),
                    p.new_members.to_string(),
                    p.active.to_string(),
                    p.threads.to_string(),
                    p.comments.to_string(),
                    p.votes.to_string(),
                    p.questions.to_string(),
                ])
                .map_err(fail)?;
            }
        }
        Metric::Contributors => {
            w.write_record(["person", "local", "threads_and_comments"])
                .map_err(fail)?;
            for c in &f.contributors {
                let who = PersonRef::from(&c.person);
                w.write_record([
                    who.name,
                    who.local.to_string(),
                    c.threads_and_comments.to_string(),
                ])
                .map_err(fail)?;
            }
        }
        Metric::Servers => {
            w.write_record(["domain", "local", "active", "threads", "comments", "votes"])
                .map_err(fail)?;
            for s in &f.servers {
                w.write_record([
                    s.domain.clone(),
                    s.local.to_string(),
                    s.active.to_string(),
                    s.threads.to_string(),
                    s.comments.to_string(),
                    s.votes.to_string(),
                ])
                .map_err(fail)?;
            }
        }
        Metric::Cohorts => {
            let mut head = vec!["week".to_string(), "members".to_string()];
            head.extend((1..=analytics::COHORT_WEEKS).map(|k| format!("week_{k}")));
            w.write_record(&head).map_err(fail)?;
            for c in &f.cohorts {
                let mut line = vec![c.week.to_string(), c.members.to_string()];
                line.extend((0..analytics::COHORT_WEEKS).map(|k| {
                    c.retained
                        .get(k)
                        .map(|s| format!("{s:.4}"))
                        .unwrap_or_default()
                }));
                w.write_record(&line).map_err(fail)?;
            }
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::internal("cannot write CSV", e.into_error()))?;
    String::from_utf8(bytes).map_err(|e| Error::internal("CSV is not UTF-8", e))
}

/// A CSV answer, named for saving.
pub fn csv_response(body: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(body)
}

fn answer(f: &Figures, q: &AnalyticsQuery, csv: bool) -> Result<HttpResponse, Error> {
    if csv || q.format == Some(Format::Csv) {
        let metric = q.metric.unwrap_or_default();
        let scope = f.group.as_ref().map_or("instance", |g| g.name.as_str());
        let name = format!("analytics-{scope}-{metric:?}").to_lowercase();
        return Ok(csv_response(csv_of(f, metric)?, &name));
    }
    Ok(HttpResponse::Ok().json(AnalyticsView::from(f)))
}

/// The instance's figures (every group but clubs): staff, admins and
/// instance moderators.
#[utoipa::path(get, path = "/api/v1/analytics/instance", tag = "analytics", security(("bearer" = [])), params(AnalyticsQuery),
    responses((status = 200, body = AnalyticsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn instance(
    app: web::Data<App>,
    principal: Principal,
    q: web::Query<AnalyticsQuery>,
) -> Result<HttpResponse, Error> {
    let f = analytics::figures(&app, &principal, None, q.range()?).await?;
    answer(&f, &q, false)
}

/// The instance's figures as CSV (the table named by `metric`).
#[utoipa::path(get, path = "/api/v1/analytics/instance/export.csv", tag = "analytics", security(("bearer" = [])), params(AnalyticsQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn instance_csv(
    app: web::Data<App>,
    principal: Principal,
    q: web::Query<AnalyticsQuery>,
) -> Result<HttpResponse, Error> {
    let f = analytics::figures(&app, &principal, None, q.range()?).await?;
    answer(&f, &q, true)
}

/// A group's figures: its moderators, staff and admins (a club is not
/// found for those who do not see inside it).
#[utoipa::path(get, path = "/api/v1/analytics/groups/{name}", tag = "analytics", security(("bearer" = [])),
    params(("name" = String, Path, description = "`name` or `name@host`"), AnalyticsQuery),
    responses((status = 200, body = AnalyticsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn group(
    app: web::Data<App>,
    principal: Principal,
    name: web::Path<String>,
    q: web::Query<AnalyticsQuery>,
) -> Result<HttpResponse, Error> {
    let f = analytics::figures(&app, &principal, Some(&name), q.range()?).await?;
    answer(&f, &q, false)
}

/// A group's figures as CSV (the table named by `metric`).
#[utoipa::path(get, path = "/api/v1/analytics/groups/{name}/export.csv", tag = "analytics", security(("bearer" = [])),
    params(("name" = String, Path, description = "`name` or `name@host`"), AnalyticsQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn group_csv(
    app: web::Data<App>,
    principal: Principal,
    name: web::Path<String>,
    q: web::Query<AnalyticsQuery>,
) -> Result<HttpResponse, Error> {
    let f = analytics::figures(&app, &principal, Some(&name), q.range()?).await?;
    answer(&f, &q, true)
}

#[derive(Serialize, ToSchema)]
pub struct RolledUp {
    /// How many days were recomputed.
    pub days: i64,
}

/// Roll the analytics up now (admins), as the job does.
#[utoipa::path(post, path = "/api/v1/admin/analytics/recompute", tag = "analytics", security(("bearer" = [])),
    responses((status = 200, body = RolledUp), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn recompute(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let days = analytics::recompute(&app, &auth.actor()).await?;
    Ok(HttpResponse::Ok().json(RolledUp { days }))
}

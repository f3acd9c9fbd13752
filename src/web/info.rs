//! Pages about the server: the leaderboard (this week, month, or all
//! time), the public moderation log (nothing of a club to a non-member:
//! the rule in `moderation::log`), the terms of service, and the about
//! page (name, introduction, admins, counts, federation mode).

use super::page::{catalogue, t, Page};
use super::people::PersonLink;
use super::session::Viewer;
use crate::community::{handle, markdown, public};
use crate::error::Result;
use crate::moderation::{log, terms};
use crate::reputation::board::{self, Period};
use crate::App;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/leaderboard", web::get().to(leaderboard))
        .route("/modlog", web::get().to(modlog))
        .route("/terms", web::get().to(terms_page))
        .route("/about", web::get().to(about));
}

struct Leader {
    place: usize,
    who: PersonLink,
    points: i64,
    rank: String,
}

#[derive(Template)]
#[template(path = "info/leaderboard.html")]
struct LeaderboardPage {
    page: Page,
    period: Period,
    periods: [(Period, &'static str); 3],
    leaders: Vec<Leader>,
}

impl LeaderboardPage {
    fn current(&self, p: &Period) -> bool {
        self.period == *p
    }
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

async fn leaderboard(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse> {
    let period = Period::parse(q.period.as_deref())?;
    let leaders = board::leaderboard(&app, viewer.actor().as_ref(), None, period)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, l)| Leader {
            place: i + 1,
            who: PersonLink::of(&l.person),
            points: l.points,
            rank: l.rank,
        })
        .collect();
    super::ok(LeaderboardPage {
        page: Page::new(&app, &viewer, t("info.leaderboard")).await?,
        period,
        periods: [
            (Period::Week, t("info.week")),
            (Period::Month, t("info.month")),
            (Period::All, t("info.all_time")),
        ],
        leaders,
    })
}

struct LogLine {
    what: String,
    moderator: Option<PersonLink>,
    group: Option<(String, String)>,
    person: Option<PersonLink>,
    link: Option<String>,
    reason: Option<String>,
    when: String,
}

#[derive(Template)]
#[template(path = "info/modlog.html")]
struct ModlogPage {
    page: Page,
    lines: Vec<LogLine>,
    next: Option<i64>,
}

#[derive(Deserialize)]
struct BeforeQuery {
    before: Option<i64>,
}

/// An action's name as a reader reads it.
fn action_name(action: &str) -> String {
    let key = format!("modlog.action_{action}");
    match catalogue().get(&key) {
        Some(s) => s.clone(),
        None => action.replace('_', " "),
    }
}

async fn modlog(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<BeforeQuery>,
) -> Result<HttpResponse> {
    let limit = app.config.limits.page_size;
    let query = log::Query {
        before: q.before,
        ..log::Query::default()
    };
    let found = log::list(&app, viewer.actor().as_ref(), query, false, limit).await?;
    let next = if found.len() as i64 >= limit {
        found.last().map(|l| l.action.id)
    } else {
        None
    };
    let lines = found
        .into_iter()
        .map(|l| {
            let a = &l.action;
            LogLine {
                what: action_name(&a.action),
                moderator: l.moderator.as_ref().map(PersonLink::of),
                group: l.group.as_ref().map(|g| {
                    let h = handle(&g.name, g.local, &g.ap_id);
                    (h, g.title.clone())
                }),
                person: l.person.as_ref().map(PersonLink::of),
                link: a
                    .comment_id
                    .map(|c| format!("/comment/{c}"))
                    .or_else(|| a.post_id.map(|p| format!("/post/{p}"))),
                reason: a.reason.clone().filter(|r| !r.trim().is_empty()),
                when: a.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            }
        })
        .collect();
    super::ok(ModlogPage {
        page: Page::new(&app, &viewer, t("info.modlog")).await?,
        lines,
        next,
    })
}

#[derive(Template)]
#[template(path = "info/terms.html")]
struct TermsPage {
    page: Page,
    /// (version, date, sanitized HTML)
    terms: Option<(i64, String, String)>,
}

async fn terms_page(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let terms = terms::published(&app).await?.map(|t| {
        (
            t.version,
            t.created_at.format("%Y-%m-%d").to_string(),
            markdown::render(&t.body),
        )
    });
    super::ok(TermsPage {
        page: Page::new(&app, &viewer, t("info.terms")).await?,
        terms,
    })
}

#[derive(Template)]
#[template(path = "info/about.html")]
struct AboutPage {
    page: Page,
    admins: Vec<PersonLink>,
    users: i64,
    active_month: i64,
    posts: i64,
    comments: i64,
    federation: &'static str,
}

async fn about(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let about = public::about(&app).await?;
    let federation = match about.federation_mode.as_str() {
        "allowlist" => t("info.federation_allowlist"),
        _ => t("info.federation_open"),
    };
    let title = t("info.about");
    super::ok(AboutPage {
        page: Page::new(&app, &viewer, title).await?,
        admins: about.admins.iter().map(PersonLink::of).collect(),
        users: about.usage.users,
        active_month: about.usage.active_month,
        posts: about.usage.local_posts,
        comments: about.usage.local_comments,
        federation,
    })
}

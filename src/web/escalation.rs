//! The Unanswered queue in the moderators' area (`/moderate/unanswered`,
//! and one group's at `/moderate/g/{name}/unanswered`), and the form of a
//! group's response targets on its settings page.

use super::forms::Posted;
use super::moderate::{back_or_problem, GroupHead, Who};
use super::ok;
use super::page::{t, Page};
use super::session::Viewer;
use crate::community::escalation::{self, Targets, TargetsInput, Unanswered};
use crate::community::{groups, handle, Actor};
use crate::error::{Error, Result};
use crate::store::escalation::EscalationLevel;
use crate::store::groups::Group;
use crate::App;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/moderate/unanswered", web::get().to(all))
        .route("/moderate/g/{name}/unanswered", web::get().to(of_group))
        .route(
            "/moderate/g/{name}/response-targets",
            web::post().to(save_targets),
        );
}

/// A question of the queue as the page shows it.
pub struct Row {
    pub post_id: i64,
    pub title: String,
    pub group: String,
    pub author: Who,
    pub asked: String,
    /// The catalogue key of its level.
    pub level: &'static str,
}

impl Row {
    fn of(u: &Unanswered) -> Row {
        Row {
            post_id: u.post.id,
            title: u.post.title.clone(),
            group: handle(&u.group.name, u.group.local, &u.group.ap_id),
            author: Who::of(&u.author),
            asked: u.row.asked_at.format("%Y-%m-%d %H:%M").to_string(),
            level: match u.level() {
                EscalationLevel::Moderators => "escalation.level_moderators",
                EscalationLevel::Admins => "escalation.level_admins",
            },
        }
    }
}

#[derive(Template)]
#[template(path = "moderate/unanswered.html")]
struct QueuePage {
    page: Page,
    group: Option<GroupHead>,
    rows: Vec<Row>,
    /// The next page's address, when this one is full.
    next: Option<String>,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn all(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let n = q.page.unwrap_or(0);
    let found = escalation::queue(&app, &actor, None, n).await?;
    let next = full(&app, &found).then(|| format!("/moderate/unanswered?page={}", n + 1));
    ok(QueuePage {
        page: Page::new(&app, &viewer, t("escalation.title")).await?,
        group: None,
        rows: found.iter().map(Row::of).collect(),
        next,
    })
}

fn full(app: &App, found: &[Unanswered]) -> bool {
    i64::try_from(found.len()).is_ok_and(|n| n >= app.config.limits.page_size)
}

async fn of_group(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let n = q.page.unwrap_or(0);
    let found = escalation::queue(&app, &actor, Some(&name), n).await?;
    let group = groups::get(&app, Some(&actor), &name).await?.group;
    let head = GroupHead {
        handle: handle(&group.name, group.local, &group.ap_id),
        title: group.title.clone(),
        tab: "unanswered",
    };
    let next = full(&app, &found)
        .then(|| format!("/moderate/g/{}/unanswered?page={}", head.handle, n + 1));
    let page = Page::new(
        &app,
        &viewer,
        format!("{} · {}", t("escalation.title"), head.title),
    )
    .await?;
    ok(QueuePage {
        page,
        group: Some(head),
        rows: found.iter().map(Row::of).collect(),
        next,
    })
}

/// The response targets as the settings form shows them: hours, empty
/// for the server's default.
pub struct TargetsForm {
    pub escalates: bool,
    pub first: String,
    pub second: String,
    pub first_default: String,
    pub second_default: String,
}

fn hours(secs: i64) -> String {
    // Exact, so that saving the form unchanged keeps the value.
    format!("{}", secs as f64 / 3600.0)
}

/// The form for a local group's settings page (None for a group of
/// another server: its questions escalate there).
pub async fn targets_form(app: &App, actor: &Actor, group: &Group) -> Result<Option<TargetsForm>> {
    if !group.local {
        return Ok(None);
    }
    let (_, t): (Group, Targets) = escalation::targets(app, actor, &group.name).await?;
    let esc = &app.config.escalation;
    let default = |secs: u64| hours(i64::try_from(secs).unwrap_or(i64::MAX));
    Ok(Some(TargetsForm {
        escalates: t.escalates,
        first: if t.first_own {
            hours(t.first_secs)
        } else {
            String::new()
        },
        second: if t.second_own {
            hours(t.second_secs)
        } else {
            String::new()
        },
        first_default: default(esc.first_target_secs),
        second_default: default(esc.second_target_secs),
    }))
}

#[derive(Deserialize)]
struct TargetsFields {
    /// A checkbox: present when ticked.
    escalates: Option<String>,
    #[serde(default)]
    first_hours: String,
    #[serde(default)]
    second_hours: String,
}

/// Hours as typed (empty: the default) to seconds.
fn seconds(field: &str, typed: &str) -> Result<Option<i64>> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let bad = || Error::unprocessable(format!("{field}: a number of hours, such as 24 or 0.5"));
    let h: f64 = typed.parse().map_err(|_| bad())?;
    if !h.is_finite() || h <= 0.0 {
        return Err(bad());
    }
    // Rounded to the second; out-of-range values are refused by the rule.
    Ok(Some((h * 3600.0).round().min(i64::MAX as f64) as i64))
}

async fn save_targets(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<TargetsFields>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let f = form.into_inner();
    let done = async {
        let input = TargetsInput {
            escalates: f.escalates.is_some(),
            first_secs: seconds(t("escalation.first"), &f.first_hours)?,
            second_secs: seconds(t("escalation.second"), &f.second_hours)?,
        };
        escalation::set_targets(&app, &actor, &name, input).await
    }
    .await;
    let back = format!("/moderate/g/{name}/settings");
    back_or_problem(done, &back, |p| {
        super::moderate::settings_page(&app, &viewer, &name, p)
    })
    .await
}

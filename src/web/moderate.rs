//! The moderators' area: `/moderate` lists the groups a person moderates;
//! `/moderate/g/{name}` and its tabs hold a group's report queue, review
//! queue, pending members, bans, roles and settings (with its watched
//! words). Every page and form calls the moderation and community rules,
//! which refuse anyone who does not moderate the group (a 403 page).

use super::forms::Posted;
use super::page::{t, Page};
use super::session::Viewer;
use super::{local_path, ok, see_other};
use crate::community::{groups, handle, Actor};
use crate::error::{Error, ErrorKind, Result};
use crate::moderation::actions::{self, BanInput, Why};
use crate::moderation::reports::{self, Decision, Listing, ReportInfo};
use crate::moderation::{require_staff_moderator, review};
use crate::store::groups::{Group, JoinPolicy, MemberRole, Membership};
use crate::store::people::Person;
use crate::store::watched::WatchedWord;
use crate::App;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/moderate", web::get().to(index))
        .route("/moderate/g/{name}", web::get().to(group_reports))
        .route("/moderate/g/{name}/review", web::get().to(group_review))
        .route("/moderate/g/{name}/members", web::get().to(members))
        .route("/moderate/g/{name}/members", web::post().to(decide_member))
        .route("/moderate/g/{name}/roles", web::post().to(set_role))
        .route("/moderate/g/{name}/bans", web::get().to(bans))
        .route("/moderate/g/{name}/ban", web::post().to(ban))
        .route("/moderate/g/{name}/unban", web::post().to(unban))
        .route("/moderate/g/{name}/settings", web::get().to(settings))
        .route("/moderate/g/{name}/settings", web::post().to(save_settings))
        .route("/moderate/g/{name}/words", web::post().to(add_group_word))
        .route("/moderate/words/{id}/delete", web::post().to(remove_word))
        .route("/moderate/reports/{id}", web::post().to(act_on_report))
        .route("/moderate/review/{kind}/{id}", web::post().to(decide_held));
}

/// A refusal shown again on a moderation form: those of every form, and
/// a name typed that names no one here.
pub fn fixable(e: &Error) -> bool {
    super::forms::shown_on_form(e) || e.kind == ErrorKind::NotFound
}

/// 422 for a page shown again with a problem, else 200.
pub fn problem_status(problem: &Option<String>) -> StatusCode {
    match problem {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    }
}

/// After a form: back to `to` when it was done; the page drawn by `again`
/// with the problem when the person can fix it; else the error page.
pub async fn back_or_problem<T, F, Fut>(done: Result<T>, to: &str, again: F) -> Result<HttpResponse>
where
    F: FnOnce(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse>>,
{
    match done {
        Ok(_) => Ok(see_other(to)),
        Err(e) if fixable(&e) => again(Some(e.detail)).await,
        Err(e) => Err(e),
    }
}

/// A person as the pages name them: their handle, linking to their page.
pub struct Who {
    pub handle: String,
    pub name: String,
}

impl Who {
    pub fn of(p: &Person) -> Who {
        Who {
            handle: handle(&p.name, p.local, &p.ap_id),
            name: p
                .display_name
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| p.name.clone()),
        }
    }
}

/// The group a page is about, and the tabs above it.
pub struct GroupHead {
    pub handle: String,
    pub title: String,
    /// The tab shown: reports, review, members, bans or settings.
    pub tab: &'static str,
}

impl GroupHead {
    fn of(g: &Group, tab: &'static str) -> GroupHead {
        GroupHead {
            handle: handle(&g.name, g.local, &g.ap_id),
            title: g.title.clone(),
            tab,
        }
    }
}

/// A report as a queue shows it.
pub struct ReportRow {
    pub id: i64,
    pub reason: String,
    pub reporter: Option<Who>,
    pub person: Who,
    pub group: Option<String>,
    /// The thread's title, when a thread or a comment is reported.
    pub thread: Option<(i64, String)>,
    /// The comment reported, by id.
    pub comment_id: Option<i64>,
    /// The reported content, sanitized HTML.
    pub content_html: Option<String>,
    pub removed: bool,
    pub origin: String,
    pub local: bool,
    /// Content to remove (a report of a thread or comment).
    pub has_content: bool,
    /// The content or the account is on another server.
    pub forwardable: bool,
    pub forwarded: bool,
    pub created: String,
}

impl ReportRow {
    pub fn of(i: &ReportInfo) -> ReportRow {
        let content_html = match (&i.comment, &i.post) {
            (Some(c), _) => Some(c.body_html.clone()),
            (None, Some(p)) => Some(p.body_html.clone()),
            _ => None,
        };
        let removed = match (&i.comment, &i.post) {
            (Some(c), _) => c.removed || c.deleted,
            (None, Some(p)) => p.removed || p.deleted,
            _ => false,
        };
        ReportRow {
            id: i.report.id,
            reason: i.report.reason.clone(),
            reporter: i.reporter.as_ref().map(Who::of),
            person: Who::of(&i.person),
            group: i.group.as_ref().map(|g| handle(&g.name, g.local, &g.ap_id)),
            thread: i.post.as_ref().map(|p| (p.id, p.title.clone())),
            comment_id: i.comment.as_ref().map(|c| c.id),
            content_html,
            removed,
            origin: i.origin.clone(),
            local: i.local,
            has_content: i.report.post_id.is_some() || i.report.comment_id.is_some(),
            forwardable: !i.person.local || i.group.as_ref().is_some_and(|g| !g.local),
            forwarded: i.report.forwarded,
            created: i.report.created_at.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

/// A held thread or comment.
pub struct HeldRow {
    /// `post` or `comment`.
    pub kind: &'static str,
    pub id: i64,
    pub author: Who,
    pub title: Option<String>,
    /// The thread a comment is in.
    pub post_id: i64,
    pub body_html: String,
}

pub fn held_rows(held: review::Held) -> Vec<HeldRow> {
    let posts = held.posts.into_iter().map(|p| HeldRow {
        kind: "post",
        id: p.post.id,
        author: Who::of(&p.author),
        title: Some(p.post.title.clone()),
        post_id: p.post.id,
        body_html: p.post.body_html,
    });
    let comments = held.comments.into_iter().map(|c| HeldRow {
        kind: "comment",
        id: c.comment.id,
        author: Who::of(&c.author),
        title: None,
        post_id: c.comment.post_id,
        body_html: c.comment.body_html,
    });
    posts.chain(comments).collect()
}

pub struct WordRow {
    pub id: i64,
    pub word: String,
    /// The catalogue key naming its action.
    pub action_key: &'static str,
}

/// The catalogue key of a watched word's action.
pub fn word_action_key(action: &str) -> &'static str {
    match action {
        "block" => "moderate.word_block",
        "hold" => "moderate.word_hold",
        _ => "moderate.word_flag",
    }
}

fn role_key(role: MemberRole) -> &'static str {
    match role {
        MemberRole::Owner => "moderate.role_owner",
        MemberRole::Moderator => "moderate.role_moderator",
        MemberRole::Member => "moderate.role_member",
    }
}

fn policy_key(p: JoinPolicy) -> &'static str {
    match p {
        JoinPolicy::Open => "moderate.policy_open",
        JoinPolicy::Approval => "moderate.policy_approval",
        JoinPolicy::Invite => "moderate.policy_invite",
    }
}

pub fn word_rows(words: Vec<WatchedWord>) -> Vec<WordRow> {
    words
        .into_iter()
        .map(|w| WordRow {
            id: w.id,
            action_key: word_action_key(&w.action),
            word: w.word,
        })
        .collect()
}

/// The word actions, for the form's choice: (value, catalogue key).
pub fn word_actions() -> Vec<(&'static str, &'static str)> {
    crate::moderation::filters::ACTIONS
        .iter()
        .map(|a| (*a, word_action_key(a)))
        .collect()
}

#[derive(Template)]
#[template(path = "moderate/index.html")]
struct IndexPage {
    page: Page,
    groups: Vec<(String, String)>,
    staff: bool,
    /// Moderates a group or is staff: the Unanswered queue is theirs.
    unanswered: bool,
    /// Staff and admins: the instance's influencers.
    reads_influence: bool,
}

async fn index(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let groups: Vec<(String, String)> = groups::moderated(&app, &actor)
        .await?
        .iter()
        .map(|g| (handle(&g.name, g.local, &g.ap_id), g.title.clone()))
        .collect();
    let page = Page::new(&app, &viewer, t("moderate.title")).await?;
    ok(IndexPage {
        unanswered: !groups.is_empty() || crate::community::escalation::sees_all(&actor),
        reads_influence: crate::community::escalation::sees_all(&actor),
        page,
        groups,
        staff: require_staff_moderator(&actor).is_ok(),
    })
}

/// The group a page is about, read after a rule that checks that `actor`
/// moderates it (each page's queue or list) has answered.
async fn checked_group(app: &App, actor: &Actor, name: &str) -> Result<Group> {
    Ok(groups::get(app, Some(actor), name).await?.group)
}

#[derive(Template)]
#[template(path = "moderate/reports.html")]
pub struct ReportsPage {
    pub page: Page,
    pub group: Option<GroupHead>,
    pub reports: Vec<ReportRow>,
    /// Where the forms come back to.
    pub here: String,
}

async fn group_reports(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let found = reports::group_queue(&app, &actor, &name, Listing::default()).await?;
    let group = checked_group(&app, &actor, &name).await?;
    let head = GroupHead::of(&group, "reports");
    let page = Page::new(
        &app,
        &viewer,
        format!("{} · {}", t("moderate.reports"), head.title),
    )
    .await?;
    ok(ReportsPage {
        here: format!("/moderate/g/{}", head.handle),
        page,
        group: Some(head),
        reports: found.items.iter().map(ReportRow::of).collect(),
    })
}

#[derive(Template)]
#[template(path = "moderate/review.html")]
pub struct ReviewPage {
    pub page: Page,
    pub group: Option<GroupHead>,
    pub held: Vec<HeldRow>,
    pub here: String,
}

async fn group_review(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let held = review::queue(&app, &actor, Some(name.to_string())).await?;
    let group = checked_group(&app, &actor, &name).await?;
    let head = GroupHead::of(&group, "review");
    let page = Page::new(
        &app,
        &viewer,
        format!("{} · {}", t("moderate.review"), head.title),
    )
    .await?;
    ok(ReviewPage {
        here: format!("/moderate/g/{}/review", head.handle),
        page,
        group: Some(head),
        held: held_rows(held),
    })
}

#[derive(Template)]
#[template(path = "moderate/members.html")]
struct MembersPage {
    page: Page,
    group: Option<GroupHead>,
    pending: Vec<Who>,
    /// Accepted members with their role and its catalogue key.
    members: Vec<(Who, MemberRole, &'static str)>,
}

async fn members(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let limit = app.config.limits.page_size * 5;
    let pending = groups::members(&app, Some(&actor), &name, "pending", None, limit).await?;
    let accepted = groups::members(&app, Some(&actor), &name, "accepted", None, limit).await?;
    let group = checked_group(&app, &actor, &name).await?;
    let head = GroupHead::of(&group, "members");
    let page = Page::new(
        &app,
        &viewer,
        format!("{} · {}", t("moderate.members"), head.title),
    )
    .await?;
    ok(MembersPage {
        page,
        group: Some(head),
        pending: pending.iter().map(|(_, p)| Who::of(p)).collect(),
        members: accepted
            .iter()
            .map(|(m, p): &(Membership, Person)| (Who::of(p), m.role, role_key(m.role)))
            .collect(),
    })
}

#[derive(Deserialize)]
struct MemberForm {
    person: String,
    action: String,
}

async fn decide_member(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<MemberForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let approve = match form.action.as_str() {
        "approve" => true,
        "reject" => false,
        other => return Err(Error::bad_request(format!("no action {other:?}"))),
    };
    groups::decide_member(&app, &actor, &name, &form.person, approve).await?;
    Ok(see_other(&format!("/moderate/g/{name}/members")))
}

#[derive(Deserialize)]
struct RoleForm {
    person: String,
    role: String,
}

async fn set_role(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<RoleForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    groups::set_role(&app, &actor, &name, &form.person, &form.role).await?;
    Ok(see_other(&format!("/moderate/g/{name}/members")))
}

/// A ban as the bans page lists it.
struct BanRow {
    who: Who,
    reason: Option<String>,
    until: Option<String>,
}

#[derive(Template)]
#[template(path = "moderate/bans.html")]
struct BansPage {
    page: Page,
    group: Option<GroupHead>,
    bans: Vec<BanRow>,
    problem: Option<String>,
}

async fn bans(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    bans_page(&app, &viewer, &name, None).await
}

async fn bans_page(
    app: &App,
    viewer: &Viewer,
    name: &str,
    problem: Option<String>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let list = actions::bans(app, &actor, name).await?;
    let group = checked_group(app, &actor, name).await?;
    let head = GroupHead::of(&group, "bans");
    let title = format!("{} · {}", t("moderate.bans"), head.title);
    let page = Page::new(app, viewer, title).await?;
    let status = problem_status(&problem);
    let bans = list
        .iter()
        .map(|(m, p)| BanRow {
            who: Who::of(p),
            reason: m.ban_reason.clone(),
            until: m
                .banned_until
                .map(|u| u.format("%Y-%m-%d %H:%M UTC").to_string()),
        })
        .collect();
    super::render(
        BansPage {
            page,
            group: Some(head),
            bans,
            problem,
        },
        status,
    )
}

#[derive(Deserialize)]
struct BanForm {
    person: String,
    reason: Option<String>,
    days: Option<String>,
    next: Option<String>,
}

/// Until when a ban lasts: `days` from now, or for good when empty.
fn ban_until(days: Option<&str>) -> Result<Option<chrono::NaiveDateTime>> {
    match days.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => {
            let days: i64 = d
                .parse()
                .ok()
                .filter(|n| (1..=36_500).contains(n))
                .ok_or_else(|| Error::unprocessable("days is a whole number from 1 to 36500"))?;
            Ok(Some(crate::store::now() + chrono::Duration::days(days)))
        }
    }
}

/// `POST /moderate/g/{group}/ban`: from the bans page and the thread
/// page's ban form (fields `person`, `reason`, `days`, `csrf`, `next`);
/// back to `next` after, or to the bans page.
async fn ban(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<BanForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let reason = form.reason.filter(|r| !r.trim().is_empty());
    let done = match ban_until(form.days.as_deref()) {
        Ok(until) => {
            let input = BanInput {
                until,
                remove_content: false,
            };
            let why = Why::checked(reason);
            actions::ban(&app, &actor, &name, form.person.trim(), input, why).await
        }
        Err(e) => Err(e),
    };
    match form.next {
        // From another page (the thread's): its error page if refused.
        Some(n) => {
            done?;
            Ok(see_other(&local_path(Some(&n))))
        }
        None => {
            let back = format!("/moderate/g/{name}/bans");
            back_or_problem(done, &back, |p| bans_page(&app, &viewer, &name, p)).await
        }
    }
}

#[derive(Deserialize)]
struct PersonForm {
    person: String,
}

async fn unban(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<PersonForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    actions::unban(&app, &actor, &name, &form.person, Why::checked(None))
        .await?
        .into_result()?;
    Ok(see_other(&format!("/moderate/g/{name}/bans")))
}

#[derive(Template)]
#[template(path = "moderate/settings.html")]
struct SettingsPage {
    page: Page,
    group: Option<GroupHead>,
    title: String,
    description: String,
    rules: String,
    /// (value, catalogue key, selected).
    policies: Vec<(&'static str, &'static str, bool)>,
    words: Vec<WordRow>,
    word_actions: Vec<(&'static str, &'static str)>,
    /// The response targets' form (a local group's).
    targets: Option<super::escalation::TargetsForm>,
    problem: Option<String>,
}

pub(super) async fn settings_page(
    app: &App,
    viewer: &Viewer,
    name: &str,
    problem: Option<String>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let words = review::words(app, &actor, Some(name.to_string())).await?;
    let group = checked_group(app, &actor, name).await?;
    let head = GroupHead::of(&group, "settings");
    let targets = super::escalation::targets_form(app, &actor, &group).await?;
    let page = Page::new(
        app,
        viewer,
        format!("{} · {}", t("moderate.settings"), head.title),
    )
    .await?;
    let status = problem_status(&problem);
    super::render(
        SettingsPage {
            page,
            group: Some(head),
            title: group.title.clone(),
            description: group.description_source.clone().unwrap_or_default(),
            rules: group.rules_source.clone().unwrap_or_default(),
            policies: JoinPolicy::ALL
                .iter()
                .map(|p| (p.as_str(), policy_key(*p), *p == group.join_policy))
                .collect(),
            words: word_rows(words),
            word_actions: word_actions(),
            targets,
            problem,
        },
        status,
    )
}

async fn settings(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    settings_page(&app, &viewer, &name, None).await
}

#[derive(Deserialize)]
struct SettingsForm {
    title: String,
    description: String,
    #[serde(default)]
    rules: String,
    join_policy: String,
}

async fn save_settings(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<SettingsForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let edit = groups::GroupEdit {
        title: Some(form.title),
        description: Some(form.description),
        rules: Some(form.rules),
        join_policy: Some(form.join_policy),
        posting_restricted_to_mods: None,
    };
    let done = groups::update(&app, &actor, &name, edit).await;
    let back = format!("/moderate/g/{name}/settings");
    back_or_problem(done, &back, |p| settings_page(&app, &viewer, &name, p)).await
}

#[derive(Deserialize)]
struct WordForm {
    word: String,
    action: String,
}

async fn add_group_word(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<WordForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let group = Some(name.to_string());
    let done = review::add_word(&app, &actor, group, &form.word, &form.action).await;
    let back = format!("/moderate/g/{name}/settings");
    back_or_problem(done, &back, |p| settings_page(&app, &viewer, &name, p)).await
}

#[derive(Deserialize)]
struct NextForm {
    next: Option<String>,
}

async fn remove_word(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<NextForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    review::remove_word(&app, &actor, *id).await?;
    Ok(see_other(&local_path(form.next.as_deref())))
}

#[derive(Deserialize)]
struct ReportForm {
    action: String,
    reason: Option<String>,
    next: Option<String>,
}

/// Remove the content and close, close without action, or forward.
async fn act_on_report(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<ReportForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let reason = form
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| t("moderate.default_reason").to_string());
    match form.action.as_str() {
        "remove" => {
            reports::remove_and_close(&app, &actor, *id, &reason).await?;
        }
        "dismiss" => {
            reports::close(&app, &actor, *id, Decision::Dismiss, &reason).await?;
        }
        "forward" => {
            reports::forward(&app, &actor, *id).await?;
        }
        other => return Err(Error::bad_request(format!("no action {other:?}"))),
    }
    Ok(see_other(&local_path(form.next.as_deref())))
}

#[derive(Deserialize)]
struct HeldForm {
    action: String,
    next: Option<String>,
}

async fn decide_held(
    app: web::Data<App>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: Posted<HeldForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let (kind, id) = path.into_inner();
    let approve = match form.action.as_str() {
        "approve" => true,
        "reject" => false,
        other => return Err(Error::bad_request(format!("no action {other:?}"))),
    };
    match kind.as_str() {
        "post" => {
            review::decide_post(&app, &actor, id, approve).await?;
        }
        "comment" => {
            review::decide_comment(&app, &actor, id, approve).await?;
        }
        _ => return Err(Error::not_found("nothing of that kind to review")),
    }
    Ok(see_other(&local_path(form.next.as_deref())))
}

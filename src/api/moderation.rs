//! Moderation routes: actions on threads, comments and people, and the
//! moderation log (public) and audit log (admins).

use super::auth::{Auth, MaybeAuth};
use super::input::{Json, MaybeJson};
use super::views::{CommentView, GroupRef, MembershipView, PersonRef, PostView};
use crate::error::{Error, ErrorBody};
use crate::moderation::actions::{self, BanInput, ThreadAction, Why};
use crate::moderation::log::{self, LogLine, Query};
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/posts/{id}/{action}", web::post().to(on_thread))
        .route("/comments/{id}/{action}", web::post().to(on_comment))
        .route("/groups/{name}/bans", web::post().to(ban))
        .route("/groups/{name}/bans/{person}", web::delete().to(unban))
        .route("/groups/{name}/warnings", web::post().to(warn))
        .route("/admin/people/{name}/ban", web::post().to(instance_ban))
        .route("/admin/people/{name}/ban", web::delete().to(instance_unban))
        .route("/modlog", web::get().to(modlog))
        .route("/admin/audit-log", web::get().to(audit_log));
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Shown in the moderation log.
    pub reason: Option<String>,
}

fn reason(body: MaybeJson<ReasonRequest>) -> Option<String> {
    body.0
        .and_then(|b| b.reason)
        .filter(|r| !r.trim().is_empty())
}

/// Remove, restore, lock, unlock, pin or unpin a thread (group moderators
/// and instance admins).
#[utoipa::path(post, path = "/api/v1/posts/{id}/{action}", tag = "moderation", security(("bearer" = [])),
    params(("id" = i64, Path), ("action" = String, Path, description = "remove, restore, lock, unlock, pin or unpin")),
    request_body(content = ReasonRequest, description = "optional"),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "already in that state", body = ErrorBody)))]
pub async fn on_thread(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(i64, String)>,
    body: MaybeJson<ReasonRequest>,
) -> Result<HttpResponse, Error> {
    let (id, action) = path.into_inner();
    let action = ThreadAction::parse(&action)
        .ok_or_else(|| Error::not_found(format!("no thread action {action:?}")))?;
    let why = Why::checked(reason(body));
    let actor = auth.actor();
    let info = actions::on_thread(&app, &actor, id, action, why.clone())
        .await?
        .into_result()?;
    Ok(HttpResponse::Ok().json(PostView::from(&info)))
}

/// Remove or restore a comment.
#[utoipa::path(post, path = "/api/v1/comments/{id}/{action}", tag = "moderation", security(("bearer" = [])),
    params(("id" = i64, Path), ("action" = String, Path, description = "remove or restore")),
    request_body(content = ReasonRequest, description = "optional"),
    responses((status = 200, body = CommentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn on_comment(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(i64, String)>,
    body: MaybeJson<ReasonRequest>,
) -> Result<HttpResponse, Error> {
    let (id, action) = path.into_inner();
    let remove = match action.as_str() {
        "remove" => true,
        "restore" => false,
        _ => return Err(Error::not_found(format!("no comment action {action:?}"))),
    };
    let why = Why::checked(reason(body));
    let actor = auth.actor();
    let info = actions::on_comment(&app, &actor, id, remove, why.clone())
        .await?
        .into_result()?;
    Ok(HttpResponse::Ok().json(CommentView::from(&info)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BanRequest {
    /// `name` or `name@host`.
    pub person: String,
    pub reason: Option<String>,
    /// When the ban ends; absent for a ban without end.
    pub expires_at: Option<DateTime<Utc>>,
    /// Also remove the person's threads and comments in the group.
    #[serde(default)]
    pub remove_content: bool,
}

#[derive(Serialize, ToSchema)]
pub struct BanView {
    pub group: GroupRef,
    pub person: PersonRef,
    pub membership: MembershipView,
}

/// Ban a person from a group (moderators). Their new threads, comments,
/// votes and joins are refused, here and from their server.
#[utoipa::path(post, path = "/api/v1/groups/{name}/bans", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = BanRequest,
    responses((status = 200, body = BanView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn ban(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<BanRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let input = BanInput {
        until: b.expires_at.map(|t| t.naive_utc()),
        remove_content: b.remove_content,
    };
    let why = Why::checked(b.reason.filter(|r| !r.trim().is_empty()));
    let actor = auth.actor();
    let banned = actions::ban(&app, &actor, &name, &b.person, input.clone(), why.clone()).await?;
    Ok(HttpResponse::Ok().json(BanView {
        group: GroupRef::from(&banned.group),
        person: PersonRef::from(&banned.person),
        membership: MembershipView::from(&banned.membership),
    }))
}

/// Lift a group ban.
#[utoipa::path(delete, path = "/api/v1/groups/{name}/bans/{person}", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path), ("person" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unban(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (group, person) = path.into_inner();
    let actor = auth.actor();
    actions::unban(&app, &actor, &group, &person, Why::checked(None))
        .await?
        .into_result()?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarnRequest {
    pub person: String,
    pub reason: String,
}

/// Warn a member; the warning is in the moderation log.
#[utoipa::path(post, path = "/api/v1/groups/{name}/warnings", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = WarnRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn warn(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<WarnRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let why = Why::checked(Some(b.reason));
    actions::warn(&app, &auth.actor(), &name, &b.person, why).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ban a person from this whole server (instance admins and moderators).
#[utoipa::path(post, path = "/api/v1/admin/people/{name}/ban", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path)), request_body(content = ReasonRequest, description = "optional"),
    responses((status = 200, body = PersonRef), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn instance_ban(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: MaybeJson<ReasonRequest>,
) -> Result<HttpResponse, Error> {
    let p = actions::instance_ban(&app, &auth.actor(), &name, true, reason(body)).await?;
    Ok(HttpResponse::Ok().json(PersonRef::from(&p)))
}

/// Lift a server ban.
#[utoipa::path(delete, path = "/api/v1/admin/people/{name}/ban", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses((status = 200, body = PersonRef), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn instance_unban(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let p = actions::instance_ban(&app, &auth.actor(), &name, false, None).await?;
    Ok(HttpResponse::Ok().json(PersonRef::from(&p)))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
pub struct LogParams {
    /// A group, `name` or `name@host`.
    pub group: Option<String>,
    /// The moderator who acted.
    pub moderator: Option<String>,
    /// The person acted on (or whose content was).
    pub person: Option<String>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    /// remove_post, restore_post, remove_comment, restore_comment, lock,
    /// unlock, pin, unpin, ban, unban, warn, resolve_report, ...
    pub action: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct LogEntryView {
    pub id: i64,
    pub action: String,
    /// Null for the server's own automatic actions (and CLI changes).
    pub moderator: Option<PersonRef>,
    pub group: Option<GroupRef>,
    pub person: Option<PersonRef>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub reason: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Taken by a moderator on another server and applied here.
    pub remote: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&LogLine> for LogEntryView {
    fn from(l: &LogLine) -> Self {
        let a = &l.action;
        LogEntryView {
            id: a.id,
            action: a.action.clone(),
            moderator: l.moderator.as_ref().map(PersonRef::from),
            group: l.group.as_ref().map(GroupRef::from),
            person: l.person.as_ref().map(PersonRef::from),
            post_id: a.post_id,
            comment_id: a.comment_id,
            reason: a.reason.clone(),
            expires_at: a.expires_at.map(|t| t.and_utc()),
            remote: a.remote,
            created_at: a.created_at.and_utc(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LogPage {
    pub items: Vec<LogEntryView>,
    pub next_cursor: Option<i64>,
}

async fn log_page(
    app: &App,
    viewer: Option<&crate::community::Actor>,
    p: LogParams,
    audit: bool,
) -> Result<LogPage, Error> {
    let limit = app.config.limits.page_size;
    let q = Query {
        group: p.group,
        moderator: p.moderator,
        person: p.person,
        post_id: p.post_id,
        comment_id: p.comment_id,
        action: p.action,
        before: p.cursor,
    };
    let lines = log::list(app, viewer, q, audit, limit).await?;
    let next_cursor = (lines.len() as i64 == limit)
        .then(|| lines.last().map(|l| l.action.id))
        .flatten();
    Ok(LogPage {
        items: lines.iter().map(LogEntryView::from).collect(),
        next_cursor,
    })
}

/// The public moderation log, newest first, with filters; a club's actions
/// only for its members and this server's staff.
#[utoipa::path(get, path = "/api/v1/modlog", tag = "moderation", params(LogParams),
    responses((status = 200, body = LogPage), (status = 403, description = "a club's log, asked by a non-member", body = ErrorBody),
        (status = 404, description = "an unknown group or person in a filter", body = ErrorBody)))]
pub async fn modlog(
    app: web::Data<App>,
    auth: MaybeAuth,
    params: web::Query<LogParams>,
) -> Result<HttpResponse, Error> {
    let viewer = auth.actor();
    let page = log_page(&app, viewer.as_ref(), params.into_inner(), false).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Instance-level actions (server bans): admins and moderators only.
#[utoipa::path(get, path = "/api/v1/admin/audit-log", tag = "moderation", security(("bearer" = [])), params(LogParams),
    responses((status = 200, body = LogPage), (status = 403, body = ErrorBody)))]
pub async fn audit_log(
    app: web::Data<App>,
    auth: Auth,
    params: web::Query<LogParams>,
) -> Result<HttpResponse, Error> {
    let actor = auth.actor();
    crate::moderation::require_staff_moderator(&actor)?;
    let page = log_page(&app, Some(&actor), params.into_inner(), true).await?;
    Ok(HttpResponse::Ok().json(page))
}

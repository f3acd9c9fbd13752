//! Reports: filing one, the reporter's own list, the group and instance
//! queues, resolving, dismissing and forwarding; and their JSON shapes.

use super::auth::Auth;
use super::input::Json;
use super::views::{GroupRef, PersonRef};
use crate::error::{Error, ErrorBody};
use crate::moderation::reports::{self, Decision, Listing, ReportInfo, ReportPage, Subject};
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports", web::post().to(create))
        .route("/reports/mine", web::get().to(mine))
        .route("/reports/{id}/resolve", web::post().to(resolve))
        .route("/reports/{id}/dismiss", web::post().to(dismiss))
        .route("/reports/{id}/forward", web::post().to(forward))
        .route("/groups/{name}/reports", web::get().to(group_queue))
        .route("/admin/reports", web::get().to(admin_queue));
}

/// How much of a reported text a queue shows.
const EXCERPT_CHARS: usize = 280;

/// The thread or comment reported.
#[derive(Serialize, ToSchema)]
pub struct ReportedContent {
    pub ap_id: String,
    /// The thread's title (for a comment, its thread's).
    pub title: Option<String>,
    /// The beginning of the text as stored (Markdown, or sanitized HTML
    /// from another server).
    pub excerpt: String,
    pub removed: bool,
    pub deleted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ReportView {
    pub id: i64,
    /// What was reported: post, comment or person.
    pub subject: String,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub content: Option<ReportedContent>,
    /// The account reported: the author of the content, or the person.
    pub person: PersonRef,
    /// The group the content is in; null for a report of a person.
    pub group: Option<GroupRef>,
    /// Who reported; null for a report another server sent in its own
    /// name (its instance actor, as Mastodon does).
    pub reporter: Option<PersonRef>,
    /// The server the report was made on (`host[:port]`).
    pub origin: String,
    /// Made on this server.
    pub local: bool,
    pub reason: String,
    /// open, resolved or dismissed.
    pub state: String,
    /// The moderator's answer when resolved or dismissed.
    pub resolution: Option<String>,
    pub resolved_by: Option<PersonRef>,
    /// Passed on to the servers of the content and the account.
    pub forwarded: bool,
    /// What became of the forward: queued, delivered, or refused (for good,
    /// by at least one server); null when not forwarded.
    pub forward_state: Option<String>,
    /// Which server refused the forward, and its answer.
    pub forward_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

fn excerpt(text: &str) -> String {
    text.chars().take(EXCERPT_CHARS).collect()
}

impl From<&ReportInfo> for ReportView {
    fn from(i: &ReportInfo) -> Self {
        let r = &i.report;
        let subject = match (r.comment_id, r.post_id) {
            (Some(_), _) => "comment",
            (None, Some(_)) => "post",
            (None, None) => "person",
        };
        let title = i.post.as_ref().map(|p| p.title.clone());
        let content = match (&i.comment, &i.post) {
            (Some(c), _) => Some(ReportedContent {
                ap_id: c.ap_id.clone(),
                title,
                excerpt: excerpt(&c.body_source),
                removed: c.removed,
                deleted: c.deleted,
            }),
            (None, Some(p)) => Some(ReportedContent {
                ap_id: p.ap_id.clone(),
                title,
                excerpt: excerpt(&p.body_source),
                removed: p.removed,
                deleted: p.deleted,
            }),
            (None, None) => None,
        };
        ReportView {
            id: r.id,
            subject: subject.to_string(),
            post_id: r.post_id,
            comment_id: r.comment_id,
            content,
            person: PersonRef::from(&i.person),
            group: i.group.as_ref().map(GroupRef::from),
            reporter: i.reporter.as_ref().map(PersonRef::from),
            origin: i.origin.clone(),
            local: i.local,
            reason: r.reason.clone(),
            state: r.state.to_string(),
            resolution: r.resolution.clone(),
            resolved_by: i.resolver.as_ref().map(PersonRef::from),
            forwarded: r.forwarded,
            forward_state: i.forward_state().map(|s| s.as_str().to_string()),
            forward_error: i.forward_error(),
            created_at: r.created_at.and_utc(),
            resolved_at: r.resolved_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<i64>,
}

impl From<&ReportPage> for ReportList {
    fn from(p: &ReportPage) -> Self {
        ReportList {
            items: p.items.iter().map(ReportView::from).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// A thread (one of post_id, comment_id, person).
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    /// A person: `name` or `name@host`.
    pub person: Option<String>,
    /// Why, for the moderators: 1 to 2000 characters.
    pub reason: String,
}

/// Report a thread, a comment or a person to the moderators: the group's
/// for content, this server's admins for a person.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])),
    request_body = ReportRequest,
    responses((status = 201, body = ReportView), (status = 401, body = ErrorBody),
        (status = 403, description = "content in a club you are not in, or banned", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "you already have an open report of this", body = ErrorBody),
        (status = 422, description = "no reason, not exactly one subject, or your own content", body = ErrorBody)))]
pub async fn create(
    app: web::Data<App>,
    auth: Auth,
    body: Json<ReportRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let subject = Subject::one_of(b.post_id, b.comment_id, b.person)?;
    let info = reports::create(&app, &auth.actor(), subject, &b.reason).await?;
    Ok(HttpResponse::Created().json(ReportView::from(&info)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    /// open (the default for queues), resolved or dismissed.
    pub state: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

fn listing(p: QueueParams) -> Result<Listing, Error> {
    Ok(Listing {
        state: reports::parse_state(p.state.as_deref())?,
        cursor: p.cursor,
    })
}

/// Your reports, newest first, with what the moderators decided (all
/// states unless `state` is given).
#[utoipa::path(get, path = "/api/v1/reports/mine", tag = "reports", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = ReportList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn mine(
    app: web::Data<App>,
    auth: Auth,
    q: web::Query<QueueParams>,
) -> Result<HttpResponse, Error> {
    let page = reports::mine(&app, &auth.actor(), listing(q.into_inner())?).await?;
    Ok(HttpResponse::Ok().json(ReportList::from(&page)))
}

/// A group's reports (its moderators and this server's admins), newest first.
#[utoipa::path(get, path = "/api/v1/groups/{name}/reports", tag = "reports", security(("bearer" = [])),
    params(("name" = String, Path), QueueParams),
    responses((status = 200, body = ReportList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn group_queue(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    q: web::Query<QueueParams>,
) -> Result<HttpResponse, Error> {
    let page = reports::group_queue(&app, &auth.actor(), &name, listing(q.into_inner())?).await?;
    Ok(HttpResponse::Ok().json(ReportList::from(&page)))
}

/// Every report (of people, of content in any group, and those received
/// from other servers): this server's admins and moderators.
#[utoipa::path(get, path = "/api/v1/admin/reports", tag = "reports", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = ReportList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn admin_queue(
    app: web::Data<App>,
    auth: Auth,
    q: web::Query<QueueParams>,
) -> Result<HttpResponse, Error> {
    let page = reports::admin_queue(&app, &auth.actor(), listing(q.into_inner())?).await?;
    Ok(HttpResponse::Ok().json(ReportList::from(&page)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The answer the reporter sees; also in the moderation log.
    pub reason: String,
}

async fn decide(
    app: &App,
    auth: &Auth,
    id: i64,
    decision: Decision,
    body: DecisionRequest,
) -> Result<HttpResponse, Error> {
    let info = reports::close(app, &auth.actor(), id, decision, &body.reason).await?;
    Ok(HttpResponse::Ok().json(ReportView::from(&info)))
}

/// Resolve an open report (acted on), with a reason.
#[utoipa::path(post, path = "/api/v1/reports/{id}/resolve", tag = "reports", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = DecisionRequest,
    responses((status = 200, body = ReportView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "already resolved or dismissed", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn resolve(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<DecisionRequest>,
) -> Result<HttpResponse, Error> {
    decide(&app, &auth, *id, Decision::Resolve, body.into_inner()).await
}

/// Dismiss an open report (nothing to act on), with a reason.
#[utoipa::path(post, path = "/api/v1/reports/{id}/dismiss", tag = "reports", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = DecisionRequest,
    responses((status = 200, body = ReportView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "already resolved or dismissed", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn dismiss(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<DecisionRequest>,
) -> Result<HttpResponse, Error> {
    decide(&app, &auth, *id, Decision::Dismiss, body.into_inner()).await
}

/// Forward a report about another server's content or account: a `Flag`
/// from this server (never naming the reporter) to the remote group's
/// moderators and to the account's server.
#[utoipa::path(post, path = "/api/v1/reports/{id}/forward", tag = "reports", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ReportView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "already forwarded", body = ErrorBody),
        (status = 422, description = "content and account are on this server", body = ErrorBody)))]
pub async fn forward(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    // The Flags leave through the federation consumer (see `events`).
    let plan = reports::forward(&app, &auth.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(ReportView::from(&plan.info)))
}

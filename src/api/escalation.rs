//! Escalation of unanswered questions: the Unanswered queue, a group's
//! response targets, and a question's response times.

use super::auth::{Auth, MaybeAuth};
use super::input::Json;
use super::views::{GroupRef, PersonRef};
use crate::community::escalation::{self, Targets, TargetsInput, Unanswered};
use crate::error::{Error, ErrorBody};
use crate::store::escalation::QuestionEscalation;
use crate::store::groups::Group;
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/unanswered", web::get().to(queue))
        .route("/groups/{name}/response-targets", web::get().to(targets))
        .route(
            "/groups/{name}/response-targets",
            web::put().to(set_targets),
        )
        .route("/posts/{id}/response", web::get().to(response));
}

/// A question's way to its answers.
#[derive(Serialize, ToSchema)]
pub struct ResponseView {
    pub post_id: i64,
    /// waiting, escalated, escalated_to_admins, replied or accepted.
    pub state: String,
    pub asked_at: DateTime<Utc>,
    /// The first reply by someone other than the asker.
    pub first_reply_at: Option<DateTime<Utc>>,
    /// The first accepted answer (null for questions answered before
    /// escalation existed).
    pub accepted_at: Option<DateTime<Utc>>,
    /// When it reached the moderators and staff.
    pub escalated_at: Option<DateTime<Utc>>,
    /// When it reached the admins.
    pub admins_at: Option<DateTime<Utc>>,
}

impl From<&QuestionEscalation> for ResponseView {
    fn from(r: &QuestionEscalation) -> Self {
        ResponseView {
            post_id: r.post_id,
            state: r.state.to_string(),
            asked_at: r.asked_at.and_utc(),
            first_reply_at: r.first_reply_at.map(|t| t.and_utc()),
            accepted_at: r.accepted_at.map(|t| t.and_utc()),
            escalated_at: r.escalated_at.map(|t| t.and_utc()),
            admins_at: r.admins_at.map(|t| t.and_utc()),
        }
    }
}

/// A question waiting past its target.
#[derive(Serialize, ToSchema)]
pub struct UnansweredView {
    pub post_id: i64,
    pub title: String,
    pub ap_id: String,
    pub group: GroupRef,
    pub author: PersonRef,
    /// moderators (the first target passed) or admins (the second).
    pub level: String,
    pub response: ResponseView,
}

impl From<&Unanswered> for UnansweredView {
    fn from(u: &Unanswered) -> Self {
        UnansweredView {
            post_id: u.post.id,
            title: u.post.title.clone(),
            ap_id: u.post.ap_id.clone(),
            group: GroupRef::from(&u.group),
            author: PersonRef::from(&u.author),
            level: u.level().to_string(),
            response: ResponseView::from(&u.row),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnansweredList {
    pub items: Vec<UnansweredView>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// Only this group (`name`).
    pub group: Option<String>,
    /// From 0.
    pub page: Option<i64>,
}

/// The Unanswered queue, oldest first: questions without a reply past
/// their group's response target. Moderators see their groups', staff and
/// admins every group's.
#[utoipa::path(get, path = "/api/v1/unanswered", tag = "escalation", security(("bearer" = [])), params(QueueQuery),
    responses((status = 200, body = UnansweredList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "neither a moderator nor staff", body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn queue(
    app: web::Data<App>,
    auth: Auth,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, Error> {
    let q = q.into_inner();
    let items =
        escalation::queue(&app, &auth.actor(), q.group.as_deref(), q.page.unwrap_or(0)).await?;
    Ok(HttpResponse::Ok().json(UnansweredList {
        items: items.iter().map(UnansweredView::from).collect(),
    }))
}

/// A group's response targets in force.
#[derive(Serialize, ToSchema)]
pub struct TargetsView {
    pub group: GroupRef,
    /// False: the group's questions never escalate.
    pub escalates: bool,
    /// Seconds without a reply before the moderators and staff hear of it.
    pub first_secs: i64,
    /// Seconds before the admins do.
    pub second_secs: i64,
    /// Whether each target is the group's own (else the server's default).
    pub first_own: bool,
    pub second_own: bool,
}

fn targets_view(g: &Group, t: &Targets) -> TargetsView {
    TargetsView {
        group: GroupRef::from(g),
        escalates: t.escalates,
        first_secs: t.first_secs,
        second_secs: t.second_secs,
        first_own: t.first_own,
        second_own: t.second_own,
    }
}

/// A group's response targets (its moderators).
#[utoipa::path(get, path = "/api/v1/groups/{name}/response-targets", tag = "escalation", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses((status = 200, body = TargetsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "a group of another server", body = ErrorBody)))]
pub async fn targets(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let (g, t) = escalation::targets(&app, &auth.actor(), &name).await?;
    Ok(HttpResponse::Ok().json(targets_view(&g, &t)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsRequest {
    /// False switches escalation off for the group.
    pub escalates: bool,
    /// Seconds (1 to a year); null or absent: the server's default.
    #[serde(default)]
    pub first_secs: Option<i64>,
    /// Seconds, longer than the first; null or absent: the default.
    #[serde(default)]
    pub second_secs: Option<i64>,
}

/// Set a group's response targets (its moderators).
#[utoipa::path(put, path = "/api/v1/groups/{name}/response-targets", tag = "escalation", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = TargetsRequest,
    responses((status = 200, body = TargetsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "a group of another server", body = ErrorBody),
        (status = 422, description = "a target out of range, or the second not longer than the first", body = ErrorBody)))]
pub async fn set_targets(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<TargetsRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let input = TargetsInput {
        escalates: b.escalates,
        first_secs: b.first_secs,
        second_secs: b.second_secs,
    };
    let (g, t) = escalation::set_targets(&app, &auth.actor(), &name, input).await?;
    Ok(HttpResponse::Ok().json(targets_view(&g, &t)))
}

/// A question's response times (asked, first reply, accepted answer) and
/// its escalation, for whoever may read it.
#[utoipa::path(get, path = "/api/v1/posts/{id}/response", tag = "escalation",
    params(("id" = i64, Path)),
    responses((status = 200, body = ResponseView), (status = 403, body = ErrorBody),
        (status = 404, description = "no such thread, or not a question of a group here", body = ErrorBody)))]
pub async fn response(
    app: web::Data<App>,
    auth: MaybeAuth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = auth.actor();
    match escalation::response(&app, actor.as_ref(), *id).await? {
        Some(r) => Ok(HttpResponse::Ok().json(ResponseView::from(&r))),
        None => Err(Error::not_found(format!(
            "thread {id} is not a question of a group on this server"
        ))),
    }
}

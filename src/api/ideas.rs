//! Ideas: setting an idea's status (staff and the group's moderators), its
//! status with the history of changes, and a group's idea board.

use super::auth::{Auth, MaybeAuth};
use super::cache::json_for;
use super::groups::post_page;
use super::input::Json;
use super::views::{utc, PersonRef, PostPage, PostView};
use crate::community::ideas::{self, HistoryEntry, IdeaState, Original, StatusInput};
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/posts/{id}/status", web::get().to(status))
        .route("/posts/{id}/status", web::post().to(set_status))
        .route("/groups/{name}/ideas", web::get().to(board));
}

/// The idea another one duplicates.
#[derive(Serialize, ToSchema)]
pub struct OriginalView {
    pub id: i64,
    pub ap_id: String,
    pub title: String,
}

impl From<&Original> for OriginalView {
    fn from(o: &Original) -> Self {
        OriginalView {
            id: o.id,
            ap_id: o.ap_id.clone(),
            title: o.title.clone(),
        }
    }
}

/// An idea's current status.
#[derive(Serialize, ToSchema)]
pub struct IdeaView {
    /// new, under_review, planned, in_progress, shipped, declined or
    /// duplicate.
    pub status: String,
    /// The public response that came with the last change.
    pub response: Option<String>,
    /// For a duplicate: the idea it duplicates (its votes moved there).
    pub duplicate_of: Option<OriginalView>,
    /// When the status last changed; null for an idea never judged.
    pub changed_at: Option<DateTime<Utc>>,
}

impl From<&IdeaState> for IdeaView {
    fn from(s: &IdeaState) -> Self {
        IdeaView {
            status: s.status.as_str().to_string(),
            response: s.response.clone(),
            duplicate_of: s.duplicate_of.as_ref().map(OriginalView::from),
            changed_at: s.changed_at.map(utc),
        }
    }
}

/// One change of an idea's status.
#[derive(Serialize, ToSchema)]
pub struct StatusChangeView {
    pub status: String,
    pub response: Option<String>,
    pub duplicate_of: Option<OriginalView>,
    /// Who set it; null once their account is gone.
    pub changed_by: Option<PersonRef>,
    pub changed_at: DateTime<Utc>,
}

impl From<&HistoryEntry> for StatusChangeView {
    fn from(h: &HistoryEntry) -> Self {
        StatusChangeView {
            status: h.status.as_str().to_string(),
            response: h.response.clone(),
            duplicate_of: h.duplicate_of.as_ref().map(OriginalView::from),
            changed_by: h.changed_by.as_ref().map(PersonRef::from),
            changed_at: utc(h.changed_at),
        }
    }
}

/// An idea's status and its history, oldest change first.
#[derive(Serialize, ToSchema)]
pub struct IdeaStatusView {
    pub post_id: i64,
    #[serde(flatten)]
    pub current: IdeaView,
    pub history: Vec<StatusChangeView>,
}

/// An idea's status with the history of its changes.
#[utoipa::path(get, path = "/api/v1/posts/{id}/status", tag = "ideas", params(("id" = i64, Path)),
    responses((status = 200, body = IdeaStatusView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn status(
    app: web::Data<App>,
    auth: MaybeAuth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let viewer = auth.actor();
    let (info, history) = ideas::with_history(&app, viewer.as_ref(), *id).await?;
    let current = info
        .idea
        .as_ref()
        .map(IdeaView::from)
        .ok_or_else(|| Error::unprocessable("only an idea (kind: idea) has a status"))?;
    Ok(HttpResponse::Ok().json(IdeaStatusView {
        post_id: info.post.id,
        current,
        history: history.iter().map(StatusChangeView::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetStatusRequest {
    /// new, under_review, planned, in_progress, shipped, declined or
    /// duplicate.
    pub status: String,
    /// A public response, shown on the idea and kept in its history.
    pub response: Option<String>,
    /// With `duplicate`: the id of the idea (same group) this one
    /// duplicates; its votes move there, one vote a person.
    pub duplicate_of: Option<i64>,
}

/// Set an idea's status (staff and the group's moderators).
#[utoipa::path(post, path = "/api/v1/posts/{id}/status", tag = "ideas", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = SetStatusRequest,
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 410, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn set_status(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<SetStatusRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let input = StatusInput {
        status: b.status,
        response: b.response,
        duplicate_of: b.duplicate_of,
    };
    let info = ideas::set_status(&app, &auth.actor(), *id, input).await?;
    Ok(HttpResponse::Ok().json(PostView::from(&info)))
}

#[derive(Deserialize, IntoParams)]
pub struct BoardQuery {
    /// top (by votes, the default) or new.
    pub sort: Option<String>,
    /// Only ideas of this status.
    pub status: Option<String>,
    pub cursor: Option<String>,
}

/// A group's idea board.
#[utoipa::path(get, path = "/api/v1/groups/{name}/ideas", tag = "ideas", params(("name" = String, Path), BoardQuery),
    responses((status = 200, body = PostPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn board(
    req: HttpRequest,
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<BoardQuery>,
) -> Result<HttpResponse, Error> {
    let sort = ideas::parse_board_sort(q.sort.as_deref())?;
    let status = q.status.as_deref().map(ideas::parse_status).transpose()?;
    let viewer = auth.actor();
    json_for(&app.answers, &req, viewer.is_none(), async {
        let (_, page) = ideas::board(
            &app,
            viewer.as_ref(),
            &name,
            status,
            sort,
            q.cursor.as_deref(),
        )
        .await?;
        Ok(post_page(&page))
    })
    .await
}

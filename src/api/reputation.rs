//! Reputation routes: a person's ledger and badges, leaderboards, accepted
//! answers, staff kudos, and the admins' tools (roles, vote weights,
//! recomputation, the serial-voting check).

use super::auth::{Auth, MaybeAuth};
use super::input::Json;
use super::views::{utc, BadgeView, PersonRef, PostView, ReputationView};
use crate::community::accounts;
use crate::community::solutions;
use crate::error::{Error, ErrorBody};
use crate::reputation::admin;
use crate::reputation::board::{self, Period};
use crate::store::reputation::Event;
use crate::store::votes::VoteTarget;
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/people/{name}/reputation", web::get().to(history))
        .route("/people/{name}/badges", web::get().to(badges))
        .route("/leaderboard", web::get().to(instance_board))
        .route("/groups/{name}/leaderboard", web::get().to(group_board))
        .route("/posts/{id}/accept", web::post().to(accept))
        .route("/posts/{id}/accept", web::delete().to(unaccept))
        .route("/posts/{id}/kudos", web::post().to(kudos_post))
        .route("/comments/{id}/kudos", web::post().to(kudos_comment))
        .route("/admin/people/{name}/role", web::put().to(set_role))
        .route(
            "/admin/domains/{domain}/vote-weight",
            web::put().to(set_vote_weight),
        )
        .route("/admin/reputation/recompute", web::post().to(recompute))
        .route(
            "/admin/reputation/serial-votes",
            web::post().to(serial_votes),
        );
}

#[derive(Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    /// What counts, after the vote weight and the daily caps.
    pub points: i64,
    /// Before the daily caps (different when a cap held).
    pub raw_points: i64,
    /// upvote, downvote, downvote_cast, solution, solution_accepted,
    /// kudos, removed, report_upheld, idea_planned or idea_shipped.
    pub reason: String,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    /// Set when the event no longer counts: why (vote changed, restored,
    /// serial voting, another answer accepted).
    pub reversed: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&Event> for EventView {
    fn from(e: &Event) -> Self {
        EventView {
            id: e.id,
            points: e.amount,
            raw_points: e.raw_amount,
            reason: e.reason.clone(),
            post_id: e.post_id,
            comment_id: e.comment_id,
            reversed: e
                .reversed_at
                .map(|_| e.reversal.clone().unwrap_or_else(|| "reversed".into())),
            created_at: utc(e.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HistoryView {
    pub person: PersonRef,
    pub reputation: ReputationView,
    /// The ledger, newest first.
    pub items: Vec<EventView>,
    pub next_cursor: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
pub struct CursorQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

/// A person's reputation and its ledger (local or remote people); events
/// about content in a club the reader is not in show without its ids.
#[utoipa::path(get, path = "/api/v1/people/{name}/reputation", tag = "reputation",
    params(("name" = String, Path), CursorQuery),
    responses((status = 200, body = HistoryView), (status = 404, body = ErrorBody)))]
pub async fn history(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<CursorQuery>,
) -> Result<HttpResponse, Error> {
    let h = board::history(&app, auth.actor().as_ref(), &name, q.cursor).await?;
    Ok(HttpResponse::Ok().json(HistoryView {
        person: PersonRef::from(&h.person),
        reputation: ReputationView::from(&h.standing),
        items: h.events.iter().map(EventView::from).collect(),
        next_cursor: h.next_cursor,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct BadgeList {
    pub items: Vec<BadgeView>,
}

/// A person's badges, in the order earned.
#[utoipa::path(get, path = "/api/v1/people/{name}/badges", tag = "reputation",
    params(("name" = String, Path)),
    responses((status = 200, body = BadgeList), (status = 404, body = ErrorBody)))]
pub async fn badges(app: web::Data<App>, name: web::Path<String>) -> Result<HttpResponse, Error> {
    let h = board::history(&app, None, &name, Some(0)).await?;
    Ok(HttpResponse::Ok().json(BadgeList {
        items: h.standing.badges.iter().map(BadgeView::from).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// week (default), month or all.
    pub period: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LeaderView {
    pub person: PersonRef,
    /// Points gained in the period.
    pub points: i64,
    pub rank: String,
}

#[derive(Serialize, ToSchema)]
pub struct Leaderboard {
    pub period: String,
    pub items: Vec<LeaderView>,
}

async fn leaderboard(
    app: &App,
    auth: &MaybeAuth,
    group: Option<&str>,
    period: Option<&str>,
) -> Result<HttpResponse, Error> {
    let period = Period::parse(period)?;
    let leaders = board::leaderboard(app, auth.actor().as_ref(), group, period).await?;
    Ok(HttpResponse::Ok().json(Leaderboard {
        period: period.as_str().into(),
        items: leaders
            .iter()
            .map(|l| LeaderView {
                person: PersonRef::from(&l.person),
                points: l.points,
                rank: l.rank.clone(),
            })
            .collect(),
    }))
}

/// The people who gained the most reputation on this server.
#[utoipa::path(get, path = "/api/v1/leaderboard", tag = "reputation", params(PeriodQuery),
    responses((status = 200, body = Leaderboard), (status = 400, body = ErrorBody)))]
pub async fn instance_board(
    app: web::Data<App>,
    auth: MaybeAuth,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, Error> {
    leaderboard(&app, &auth, None, q.period.as_deref()).await
}

/// The people who gained the most reputation in a group.
#[utoipa::path(get, path = "/api/v1/groups/{name}/leaderboard", tag = "reputation",
    params(("name" = String, Path), PeriodQuery),
    responses((status = 200, body = Leaderboard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn group_board(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, Error> {
    leaderboard(&app, &auth, Some(&name), q.period.as_deref()).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The comment accepted as the answer.
    pub comment_id: i64,
}

/// Accept an answer to a question (its author, the group's moderators or
/// staff); accepting another one replaces it.
#[utoipa::path(post, path = "/api/v1/posts/{id}/accept", tag = "reputation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AcceptRequest,
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn accept(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<AcceptRequest>,
) -> Result<HttpResponse, Error> {
    let info = solutions::accept(&app, &auth.actor(), *id, Some(body.comment_id)).await?;
    Ok(HttpResponse::Ok().json(PostView::from(&info)))
}

/// Withdraw a question's accepted answer.
#[utoipa::path(delete, path = "/api/v1/posts/{id}/accept", tag = "reputation", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn unaccept(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let info = solutions::accept(&app, &auth.actor(), *id, None).await?;
    Ok(HttpResponse::Ok().json(PostView::from(&info)))
}

#[derive(Serialize, ToSchema)]
pub struct KudosView {
    /// The author who received the kudos.
    pub person: PersonRef,
    pub reputation: i64,
    pub rank: String,
}

async fn kudos(app: &App, auth: &Auth, target: VoteTarget) -> Result<HttpResponse, Error> {
    let (person, summary) = solutions::kudos(app, &auth.actor(), target).await?;
    Ok(HttpResponse::Ok().json(KudosView {
        person: PersonRef::from(&person),
        reputation: summary.points,
        rank: summary.rank,
    }))
}

/// Staff kudos for a thread: reputation for its author.
#[utoipa::path(post, path = "/api/v1/posts/{id}/kudos", tag = "reputation", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = KudosView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn kudos_post(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    kudos(&app, &auth, VoteTarget::Post(*id)).await
}

/// Staff kudos for a comment.
#[utoipa::path(post, path = "/api/v1/comments/{id}/kudos", tag = "reputation", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = KudosView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn kudos_comment(
    app: web::Data<App>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    kudos(&app, &auth, VoteTarget::Comment(*id)).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    /// user, staff, moderator or admin.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct RoleView {
    pub person: PersonRef,
    pub role: String,
}

/// Set a local account's instance role (admins).
#[utoipa::path(put, path = "/api/v1/admin/people/{name}/role", tag = "reputation", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = RoleRequest,
    responses((status = 200, body = RoleView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_role(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<RoleRequest>,
) -> Result<HttpResponse, Error> {
    let account = accounts::set_role(&app, Some(&auth.actor()), &name, &body.role).await?;
    Ok(HttpResponse::Ok().json(RoleView {
        person: PersonRef::from(&account.person),
        role: account.user.role.to_string(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteWeightRequest {
    /// 0 (votes count nothing) to 10; 1 by default.
    pub vote_weight: f64,
}

#[derive(Serialize, ToSchema)]
pub struct VoteWeightView {
    pub domain: String,
    pub vote_weight: f64,
    pub policy: String,
}

/// How much votes from a server weigh in reputation (admins and moderators).
#[utoipa::path(put, path = "/api/v1/admin/domains/{domain}/vote-weight", tag = "reputation", security(("bearer" = [])),
    params(("domain" = String, Path)), request_body = VoteWeightRequest,
    responses((status = 200, body = VoteWeightView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_vote_weight(
    app: web::Data<App>,
    auth: Auth,
    domain: web::Path<String>,
    body: Json<VoteWeightRequest>,
) -> Result<HttpResponse, Error> {
    let i = admin::set_vote_weight(&app, Some(&auth.actor()), &domain, body.vote_weight).await?;
    Ok(HttpResponse::Ok().json(VoteWeightView {
        domain: i.domain,
        vote_weight: i.vote_weight,
        policy: i.policy.to_string(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RecomputeView {
    /// People whose reputation was recomputed from the ledger.
    pub people: usize,
}

/// Recompute every reputation from the ledger (admins and moderators).
#[utoipa::path(post, path = "/api/v1/admin/reputation/recompute", tag = "reputation", security(("bearer" = [])),
    responses((status = 200, body = RecomputeView), (status = 403, body = ErrorBody)))]
pub async fn recompute(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let people = admin::recompute(&app, Some(&auth.actor())).await?;
    Ok(HttpResponse::Ok().json(RecomputeView { people }))
}

#[derive(Serialize, ToSchema)]
pub struct ReversalView {
    pub voter: PersonRef,
    pub author: PersonRef,
    pub votes: usize,
    /// The points taken back from the author.
    pub points: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ReversalList {
    pub items: Vec<ReversalView>,
}

/// Run the serial-voting check over the last 24 hours now (the daily job
/// does it too); what it reverses goes to the moderation log.
#[utoipa::path(post, path = "/api/v1/admin/reputation/serial-votes", tag = "reputation", security(("bearer" = [])),
    responses((status = 200, body = ReversalList), (status = 403, body = ErrorBody)))]
pub async fn serial_votes(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let done = admin::reverse_serial_votes(&app, Some(&auth.actor())).await?;
    let items = done
        .iter()
        .map(|r| ReversalView {
            voter: PersonRef::from(&r.voter),
            author: PersonRef::from(&r.author),
            votes: r.votes,
            points: r.points,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ReversalList { items }))
}

//! Influence rankings: a group's or the instance's, with reasons and
//! rising members; and recomputing them now (admins).

use super::auth::Auth;
use super::views::{GroupRef, PersonRef};
use crate::community::influence::{self, Line, Ranking};
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/influence", web::get().to(get))
        .route("/admin/influence/recompute", web::post().to(recompute));
}

#[derive(Serialize, ToSchema)]
pub struct ThreadRef {
    pub id: i64,
    pub title: String,
}

#[derive(Serialize, ToSchema)]
pub struct InfluenceLine {
    /// 1 for the most influential.
    pub place: i32,
    pub person: PersonRef,
    /// The person's PageRank in this ranking (all scores sum to 1).
    pub score: f64,
    /// The score's gain against the computation a month back (null: no
    /// computation that old).
    pub gain: Option<f64>,
    /// The people they answered most.
    pub answered: Vec<PersonRef>,
    /// Their most valued threads (those the reader may read).
    pub threads: Vec<ThreadRef>,
}

impl From<&Line> for InfluenceLine {
    fn from(l: &Line) -> Self {
        InfluenceLine {
            place: l.place,
            person: PersonRef::from(&l.person),
            score: l.score,
            gain: l.gain,
            answered: l.answered.iter().map(PersonRef::from).collect(),
            threads: l
                .threads
                .iter()
                .map(|(id, title)| ThreadRef {
                    id: *id,
                    title: title.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InfluenceView {
    /// The group; null for the instance-wide ranking.
    pub group: Option<GroupRef>,
    /// When it was computed; null before the first computation.
    pub computed_at: Option<DateTime<Utc>>,
    pub items: Vec<InfluenceLine>,
    /// The largest gains this month, largest first.
    pub rising: Vec<InfluenceLine>,
}

impl From<&Ranking> for InfluenceView {
    fn from(r: &Ranking) -> Self {
        InfluenceView {
            group: r.group.as_ref().map(GroupRef::from),
            computed_at: r.computed_at.map(|t| t.and_utc()),
            items: r.lines.iter().map(InfluenceLine::from).collect(),
            rising: r.rising.iter().map(InfluenceLine::from).collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InfluenceQuery {
    /// A group (`name` or `name@host`); absent: the instance-wide ranking.
    pub group: Option<String>,
}

/// The influencers of a group (its moderators, staff and admins) or of
/// the instance (staff and admins), most influential first.
#[utoipa::path(get, path = "/api/v1/influence", tag = "analytics", security(("bearer" = [])), params(InfluenceQuery),
    responses((status = 200, body = InfluenceView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    app: web::Data<App>,
    auth: Auth,
    q: web::Query<InfluenceQuery>,
) -> Result<HttpResponse, Error> {
    let r = influence::ranking(&app, &auth.actor(), q.group.as_deref()).await?;
    Ok(HttpResponse::Ok().json(InfluenceView::from(&r)))
}

#[derive(Serialize, ToSchema)]
pub struct Recomputed {
    /// How many rankings (groups, and the instance) were computed.
    pub rankings: usize,
}

/// Compute every influence ranking now (admins), as the daily job does.
#[utoipa::path(post, path = "/api/v1/admin/influence/recompute", tag = "analytics", security(("bearer" = [])),
    responses((status = 200, body = Recomputed), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn recompute(app: web::Data<App>, auth: Auth) -> Result<HttpResponse, Error> {
    let rankings = influence::recompute(&app, &auth.actor()).await?;
    Ok(HttpResponse::Ok().json(Recomputed { rankings }))
}

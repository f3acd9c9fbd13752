//! People: profiles, follows, follower / following / friend lists, and the
//! home feed.

use super::auth::{Auth, MaybeAuth};
use super::groups::post_page;
use super::views::{PeopleList, PersonRef, PersonView, PostPage, RelationshipView};
use crate::community::follows::{self, Listing};
use crate::community::posts;
use crate::error::{Error, ErrorBody};
use crate::App;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/people/{name}", web::get().to(profile))
        .route("/people/{name}/follow", web::post().to(follow))
        .route("/people/{name}/follow", web::delete().to(unfollow))
        .route("/people/{name}/followers", web::get().to(followers))
        .route("/people/{name}/following", web::get().to(following))
        .route("/people/{name}/friends", web::get().to(friends))
        .route("/feed/home", web::get().to(home))
        .route("/resolve", web::get().to(resolve));
}

/// A person's profile, by `name` or `name@host`.
#[utoipa::path(get, path = "/api/v1/people/{name}", tag = "people", params(("name" = String, Path)),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody)))]
pub async fn profile(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let p = follows::profile(&app, auth.actor().as_ref(), &name).await?;
    Ok(HttpResponse::Ok().json(PersonView::from(&p)))
}

/// Follow a person. Following twice changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{name}/follow", tag = "people", security(("bearer" = [])), params(("name" = String, Path)),
    responses((status = 200, body = RelationshipView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn follow(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let change = follows::follow(&app, &auth.actor(), &name, None).await?;
    Ok(HttpResponse::Ok().json(RelationshipView::from(change.relationship)))
}

/// Stop following a person.
#[utoipa::path(delete, path = "/api/v1/people/{name}/follow", tag = "people", security(("bearer" = [])), params(("name" = String, Path)),
    responses((status = 200, body = RelationshipView), (status = 404, body = ErrorBody)))]
pub async fn unfollow(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let change = follows::unfollow(&app, &auth.actor(), &name).await?;
    Ok(HttpResponse::Ok().json(RelationshipView::from(change.relationship)))
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// Page number, from 0 (at most 200000).
    pub page: Option<i64>,
}

async fn listing(
    app: &App,
    name: &str,
    listing: Listing,
    page: Option<i64>,
) -> Result<HttpResponse, Error> {
    let people = follows::list(app, name, listing, page.unwrap_or(0)).await?;
    Ok(HttpResponse::Ok().json(PeopleList {
        items: people.iter().map(PersonRef::from).collect(),
    }))
}

/// Who follows this person.
#[utoipa::path(get, path = "/api/v1/people/{name}/followers", tag = "people", params(("name" = String, Path), PageQuery),
    responses((status = 200, body = PeopleList), (status = 404, body = ErrorBody)))]
pub async fn followers(
    app: web::Data<App>,
    name: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, Error> {
    listing(&app, &name, Listing::Followers, q.page).await
}

/// Whom this person follows.
#[utoipa::path(get, path = "/api/v1/people/{name}/following", tag = "people", params(("name" = String, Path), PageQuery),
    responses((status = 200, body = PeopleList), (status = 404, body = ErrorBody)))]
pub async fn following(
    app: web::Data<App>,
    name: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, Error> {
    listing(&app, &name, Listing::Following, q.page).await
}

/// People who follow this person and whom they follow back.
#[utoipa::path(get, path = "/api/v1/people/{name}/friends", tag = "people", params(("name" = String, Path), PageQuery),
    responses((status = 200, body = PeopleList), (status = 404, body = ErrorBody)))]
pub async fn friends(
    app: web::Data<App>,
    name: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, Error> {
    listing(&app, &name, Listing::Friends, q.page).await
}

#[derive(Deserialize, IntoParams)]
pub struct HomeQuery {
    pub cursor: Option<String>,
}

/// Newest threads from your groups and the people you follow.
#[utoipa::path(get, path = "/api/v1/feed/home", tag = "posts", security(("bearer" = [])), params(HomeQuery),
    responses((status = 200, body = PostPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn home(
    app: web::Data<App>,
    auth: Auth,
    q: web::Query<HomeQuery>,
) -> Result<HttpResponse, Error> {
    let page = posts::home_feed(&app, &auth.actor(), q.cursor.as_deref()).await?;
    Ok(HttpResponse::Ok().json(post_page(&page)))
}

#[derive(Deserialize, IntoParams)]
pub struct ResolveQuery {
    /// `@name@host`, `name@host`, or the URL of a person or group.
    pub q: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ResolveView {
    /// person or group.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub person: Option<PersonView>,
    pub group: Option<super::views::GroupView>,
}

/// Find a person or group on another server (or this one), store it, and
/// return the local view; its `name` then works in every route.
#[utoipa::path(get, path = "/api/v1/resolve", tag = "people", security(("bearer" = [])), params(ResolveQuery),
    responses((status = 200, body = ResolveView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn resolve(
    data: activitypub_federation::config::Data<App>,
    auth: Auth,
    q: web::Query<ResolveQuery>,
) -> Result<HttpResponse, Error> {
    let found = crate::federation::resolve::resolve(&data, &q.q).await?;
    let app = data.app_data();
    let viewer = auth.actor();
    let view = if found.is_group {
        let info = crate::community::groups::get(app, Some(&viewer), &found.handle).await?;
        ResolveView {
            kind: "group",
            person: None,
            group: Some(super::views::GroupView::from(&info)),
        }
    } else {
        let p = follows::profile(app, Some(&viewer), &found.handle).await?;
        ResolveView {
            kind: "person",
            person: Some(PersonView::from(&p)),
            group: None,
        }
    };
    Ok(HttpResponse::Ok().json(view))
}

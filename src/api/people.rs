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
        .route("/feed/home", web::get().to(home));
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
    let r = follows::follow(&app, &auth.actor(), &name).await?;
    Ok(HttpResponse::Ok().json(RelationshipView::from(r)))
}

/// Stop following a person.
#[utoipa::path(delete, path = "/api/v1/people/{name}/follow", tag = "people", security(("bearer" = [])), params(("name" = String, Path)),
    responses((status = 200, body = RelationshipView), (status = 404, body = ErrorBody)))]
pub async fn unfollow(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let r = follows::unfollow(&app, &auth.actor(), &name).await?;
    Ok(HttpResponse::Ok().json(RelationshipView::from(r)))
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// Page number, from 0.
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

//! Groups and clubs: listing, creation, settings, membership, and a group's
//! feed of threads.

use super::auth::{Auth, MaybeAuth};
use super::cache::json_for;
use super::input::Json;
use super::views::{
    GroupList, GroupView, MemberList, MemberView, MembershipView, PersonRef, PostPage, PostView,
};
use crate::community::groups::{self, GroupEdit, GroupInput};
use crate::community::posts::{self, Page, PostInfo, PostInput};
use crate::error::{Error, ErrorBody};
use crate::store::groups::MemberState;
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/groups", web::post().to(create))
        .route("/groups", web::get().to(list))
        .route("/groups/{name}", web::get().to(get))
        .route("/groups/{name}", web::patch().to(update))
        .route("/groups/{name}/join", web::post().to(join))
        .route("/groups/{name}/leave", web::post().to(leave))
        .route("/groups/{name}/members", web::get().to(members))
        .route(
            "/groups/{name}/members/{user}/approve",
            web::post().to(approve),
        )
        .route(
            "/groups/{name}/members/{user}/reject",
            web::post().to(reject),
        )
        .route(
            "/groups/{name}/members/{user}/invite",
            web::post().to(invite),
        )
        .route(
            "/groups/{name}/members/{user}/role",
            web::put().to(set_role),
        )
        .route("/groups/{name}/posts", web::get().to(feed))
        .route("/groups/{name}/posts", web::post().to(create_post));
}

pub fn post_page(page: &Page<PostInfo>) -> PostPage {
    PostPage {
        items: page.items.iter().map(PostView::from).collect(),
        next_cursor: page.next_cursor.clone(),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// 3-30 characters: lowercase letters, digits, underscore; shared
    /// namespace with usernames.
    pub name: String,
    pub title: String,
    /// Markdown.
    pub description: Option<String>,
    /// The group's rules, Markdown.
    pub rules: Option<String>,
    /// group (default) or club.
    pub kind: Option<String>,
    /// open (default for groups), approval (default for clubs) or invite.
    pub join_policy: Option<String>,
    pub posting_restricted_to_mods: Option<bool>,
}

/// Create a group or club; the creator becomes its owner.
#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", security(("bearer" = [])), request_body = CreateGroupRequest,
    responses((status = 201, body = GroupView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    app: web::Data<App>,
    auth: Auth,
    body: Json<CreateGroupRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let info = groups::create(
        &app,
        &auth.actor(),
        GroupInput {
            name: b.name,
            title: b.title,
            description: b.description,
            rules: b.rules,
            kind: b.kind,
            join_policy: b.join_policy,
            posting_restricted_to_mods: b.posting_restricted_to_mods,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(GroupView::from(&info)))
}

#[derive(Deserialize, IntoParams)]
pub struct CursorQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// All groups and clubs, by name.
#[utoipa::path(get, path = "/api/v1/groups", tag = "groups", params(CursorQuery),
    responses((status = 200, body = GroupList)))]
pub async fn list(
    app: web::Data<App>,
    auth: MaybeAuth,
    q: web::Query<CursorQuery>,
) -> Result<HttpResponse, Error> {
    let limit = app.config.limits.page_size;
    // The cursor is "ID:NAME" of the last group seen.
    let after = match q.into_inner().cursor {
        Some(c) => {
            let (id, name) = c
                .split_once(':')
                .and_then(|(id, name)| Some((id.parse::<i64>().ok()?, name.to_string())))
                .ok_or_else(|| Error::bad_request("the cursor is not valid"))?;
            Some((name, id))
        }
        None => None,
    };
    let mut items = groups::list(&app, auth.actor().as_ref(), after, limit + 1).await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_cursor = if more {
        items
            .last()
            .map(|i| format!("{}:{}", i.group.id, i.group.name))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(GroupList {
        items: items.iter().map(GroupView::from).collect(),
        next_cursor,
    }))
}

/// One group, by `name` or `name@host`.
#[utoipa::path(get, path = "/api/v1/groups/{name}", tag = "groups", params(("name" = String, Path)),
    responses((status = 200, body = GroupView), (status = 404, body = ErrorBody)))]
pub async fn get(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let info = groups::get(&app, auth.actor().as_ref(), &name).await?;
    Ok(HttpResponse::Ok().json(GroupView::from(&info)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupRequest {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The group's rules, Markdown (empty: none).
    pub rules: Option<String>,
    pub join_policy: Option<String>,
    pub posting_restricted_to_mods: Option<bool>,
}

/// Change a group's settings (its moderators).
#[utoipa::path(patch, path = "/api/v1/groups/{name}", tag = "groups", security(("bearer" = [])), params(("name" = String, Path)),
    request_body = UpdateGroupRequest,
    responses((status = 200, body = GroupView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<UpdateGroupRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let edit = GroupEdit {
        title: b.title,
        description: b.description,
        rules: b.rules,
        join_policy: b.join_policy,
        posting_restricted_to_mods: b.posting_restricted_to_mods,
    };
    let info = groups::update(&app, &auth.actor(), &name, edit).await?;
    Ok(HttpResponse::Ok().json(GroupView::from(&info)))
}

/// Join: accepted at once in open groups, pending where approval is needed.
#[utoipa::path(post, path = "/api/v1/groups/{name}/join", tag = "groups", security(("bearer" = [])), params(("name" = String, Path)),
    responses((status = 200, body = MembershipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn join(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let change = groups::join(&app, &auth.actor(), &name, None).await?;
    let m = change
        .membership
        .as_ref()
        .ok_or_else(|| Error::not_found("membership vanished"))?;
    Ok(HttpResponse::Ok().json(MembershipView::from(m)))
}

/// Leave a group, or withdraw a pending request.
#[utoipa::path(post, path = "/api/v1/groups/{name}/leave", tag = "groups", security(("bearer" = [])), params(("name" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, description = "the only owner", body = ErrorBody)))]
pub async fn leave(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    groups::leave(&app, &auth.actor(), &name)
        .await?
        .into_result()?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, IntoParams)]
pub struct MembersQuery {
    /// accepted (default), pending or invited; the last two for moderators.
    pub state: Option<String>,
    pub cursor: Option<String>,
}

/// Members of a group in a state.
#[utoipa::path(get, path = "/api/v1/groups/{name}/members", tag = "groups", params(("name" = String, Path), MembersQuery),
    responses((status = 200, body = MemberList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn members(
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<MembersQuery>,
) -> Result<HttpResponse, Error> {
    let limit = app.config.limits.page_size;
    let after = match &q.cursor {
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| Error::bad_request("the cursor is not valid"))?,
        ),
        None => None,
    };
    let state = q.state.as_deref().unwrap_or(MemberState::Accepted.as_str());
    let mut rows =
        groups::members(&app, auth.actor().as_ref(), &name, state, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|(m, _)| m.id.to_string())
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(MemberList {
        items: rows
            .iter()
            .map(|(m, p)| MemberView {
                person: PersonRef::from(p),
                membership: MembershipView::from(m),
            })
            .collect(),
        next_cursor,
    }))
}

/// Approve a pending member (the group's moderators).
#[utoipa::path(post, path = "/api/v1/groups/{name}/members/{user}/approve", tag = "groups", security(("bearer" = [])),
    params(("name" = String, Path), ("user" = String, Path)),
    responses((status = 200, body = MembershipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn approve(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (name, user) = path.into_inner();
    let change = groups::decide_member(&app, &auth.actor(), &name, &user, true).await?;
    match &change.membership {
        Some(m) => Ok(HttpResponse::Ok().json(MembershipView::from(m))),
        None => Err(Error::not_found("membership vanished")),
    }
}

/// Reject a pending member (the group's moderators).
#[utoipa::path(post, path = "/api/v1/groups/{name}/members/{user}/reject", tag = "groups", security(("bearer" = [])),
    params(("name" = String, Path), ("user" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reject(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (name, user) = path.into_inner();
    groups::decide_member(&app, &auth.actor(), &name, &user, false).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Invite a person (the group's moderators); their join admits them.
#[utoipa::path(post, path = "/api/v1/groups/{name}/members/{user}/invite", tag = "groups", security(("bearer" = [])),
    params(("name" = String, Path), ("user" = String, Path)),
    responses((status = 200, body = MembershipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn invite(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (name, user) = path.into_inner();
    let m = groups::invite(&app, &auth.actor(), &name, &user).await?;
    Ok(HttpResponse::Ok().json(MembershipView::from(&m)))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleRequest {
    /// member, moderator or owner.
    pub role: String,
}

/// Set a member's role (the group's owner).
#[utoipa::path(put, path = "/api/v1/groups/{name}/members/{user}/role", tag = "groups", security(("bearer" = [])),
    params(("name" = String, Path), ("user" = String, Path)), request_body = RoleRequest,
    responses((status = 200, body = MembershipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_role(
    app: web::Data<App>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: Json<RoleRequest>,
) -> Result<HttpResponse, Error> {
    let (name, user) = path.into_inner();
    let m = groups::set_role(&app, &auth.actor(), &name, &user, &body.role).await?;
    Ok(HttpResponse::Ok().json(MembershipView::from(&m)))
}

#[derive(Deserialize, IntoParams)]
pub struct FeedQuery {
    /// hot (default), new or top. See docs/api.md for the hot formula.
    pub sort: Option<String>,
    pub cursor: Option<String>,
}

/// A group's threads.
#[utoipa::path(get, path = "/api/v1/groups/{name}/posts", tag = "posts", params(("name" = String, Path), FeedQuery),
    responses((status = 200, body = PostPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn feed(
    req: HttpRequest,
    app: web::Data<App>,
    auth: MaybeAuth,
    name: web::Path<String>,
    q: web::Query<FeedQuery>,
) -> Result<HttpResponse, Error> {
    let sort = posts::parse_sort(q.sort.as_deref())?;
    let viewer = auth.actor();
    json_for(&app.answers, &req, viewer.is_none(), async {
        let page =
            posts::group_feed(&app, viewer.as_ref(), &name, sort, q.cursor.as_deref()).await?;
        Ok(post_page(&page))
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePostRequest {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// discussion (default), question, idea or article.
    pub kind: Option<String>,
    /// Uploads (`POST /api/v1/media`) to attach, in order.
    #[serde(default)]
    pub media: Vec<i64>,
}

/// Start a thread in a group.
#[utoipa::path(post, path = "/api/v1/groups/{name}/posts", tag = "posts", security(("bearer" = [])), params(("name" = String, Path)),
    request_body = CreatePostRequest,
    responses((status = 201, body = PostView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_post(
    app: web::Data<App>,
    auth: Auth,
    name: web::Path<String>,
    body: Json<CreatePostRequest>,
) -> Result<HttpResponse, Error> {
    let b = body.into_inner();
    let info = posts::create(
        &app,
        &auth.actor(),
        &name,
        PostInput {
            title: b.title,
            body: crate::community::Body::Markdown(b.body),
            kind: b.kind,
            media: crate::community::media::Attach::Uploads(b.media),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(PostView::from(&info)))
}

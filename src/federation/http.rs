//! The federation side of HTTP: discovery (WebFinger, NodeInfo, host-meta)
//! and the ids of local actors and objects, which answer ActivityPub JSON,
//! or hand a browser (any other Accept) to the web pages.

use super::actors::ApPerson;
use super::objects::collection::{Collection, OrderedCollection};
use super::objects::comment::NoteObject;
use super::objects::group::GroupObject;
use super::objects::instance::InstanceObject;
use super::objects::person::PersonObject;
use super::objects::post::PageObject;
use super::objects::reporter::ReporterObject;
use super::objects::tombstone::Tombstone;
use super::objects::{utc, WithContext};
use super::signature::{self, Signed};
use super::{nodeinfo, webfinger};
use crate::community::privacy::Sight;
use crate::community::public::{self, Served};
use crate::error::{Error, Result};
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Actor;
use actix_web::http::header::ACCEPT;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

pub const ACTIVITY_JSON: &str = "application/activity+json";

/// How many Announces a group's outbox lists.
const OUTBOX_ITEMS: i64 = 20;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/.well-known/webfinger",
        web::get().to(webfinger::webfinger),
    )
    .route(
        "/.well-known/host-meta",
        web::get().to(webfinger::host_meta),
    )
    .route("/.well-known/nodeinfo", web::get().to(nodeinfo::well_known))
    .route("/nodeinfo/2.1", web::get().to(nodeinfo::nodeinfo))
    .route("/actor", web::get().to(instance_actor))
    .route("/actor/reports", web::get().to(reporting_actor))
    .route("/u/{name}", web::get().to(person))
    .route("/u/{name}/followers", web::get().to(person_followers))
    .route("/u/{name}/following", web::get().to(person_following))
    .route("/g/{name}", web::get().to(group))
    .route("/g/{name}/followers", web::get().to(group_followers))
    .route("/g/{name}/moderators", web::get().to(group_moderators))
    .route("/g/{name}/featured", web::get().to(group_featured))
    .route("/g/{name}/outbox", web::get().to(group_outbox))
    .route("/u/{name}/outbox", web::get().to(person_outbox))
    .route("/post/{id}", web::get().to(post))
    .route("/comment/{id}", web::get().to(comment))
    .route("/", web::get().to(root));
}

/// Whether the client asked for ActivityPub JSON rather than a web page.
pub fn wants_activity_json(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/activity+json") || v.contains("application/ld+json"))
}

pub fn activity_json<T: Serialize>(status: StatusCode, body: &T) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ACTIVITY_JSON)
        .json(body)
}

fn with_context<T: Serialize>(inner: T) -> HttpResponse {
    activity_json(StatusCode::OK, &WithContext::new(inner))
}

/// What a deleted object's id answers (browsers get the pages' 410).
fn tombstone(ap_id: &str, former_type: &str, at: Option<chrono::NaiveDateTime>) -> HttpResponse {
    activity_json(
        StatusCode::GONE,
        &WithContext::new(Tombstone::new(ap_id, former_type, at.map(utc))),
    )
}

/// The server root: the instance actor to ActivityPub clients (Lemmy
/// learns a site from its root, following the id to `/actor`), the home
/// page to browsers.
async fn root(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse> {
    if wants_activity_json(&req) {
        return Ok(instance_actor(app).await);
    }
    crate::web::home::page(&app, &req).await
}

async fn instance_actor(app: web::Data<App>) -> HttpResponse {
    let base = app.config.base_url();
    with_context(InstanceObject::new(
        &app.instance,
        &format!("{base}/actor"),
        &base,
        &app.config.site_name,
    ))
}

async fn reporting_actor(app: web::Data<App>) -> HttpResponse {
    with_context(ReporterObject::new(
        &app.instance,
        &app.config.base_url(),
        &app.config.site_name,
    ))
}

async fn person(
    app: web::Data<App>,
    req: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    if !wants_activity_json(&req) {
        return crate::web::people::page(&app, &req, &name).await;
    }
    Ok(match public::local_person(&app, &name).await? {
        Served::Deleted {
            ap_id,
            former_type,
            at,
        } => tombstone(&ap_id, former_type, at),
        Served::Live(p) => {
            let id = p.id;
            let user = app
                .store
                .run(move |conn| crate::store::people::local_user_by_person(conn, id))
                .await?;
            with_context(
                PersonObject::from_row(&p).with_role(user.as_ref().map(|u| u.role.as_str())),
            )
        }
    })
}

/// A local person who is not deleted (410 otherwise).
async fn live_person(app: &App, name: &str) -> Result<crate::store::people::Person> {
    match public::local_person(app, name).await? {
        Served::Live(p) => Ok(p),
        Served::Deleted { ap_id, .. } => {
            Err(crate::error::Error::gone(format!("{ap_id} was deleted")))
        }
    }
}

async fn person_collection(app: &App, name: &str, which: &str) -> Result<HttpResponse> {
    let p = live_person(app, name).await?;
    let (followers, following) = public::person_counts(app, p.id).await?;
    let total = if which == "followers" {
        followers
    } else {
        following
    };
    Ok(with_context(Collection::<String>::counted(
        &format!("{}/{which}", p.ap_id),
        total,
    )))
}

async fn person_followers(app: web::Data<App>, name: web::Path<String>) -> Result<HttpResponse> {
    person_collection(&app, &name, "followers").await
}

async fn person_following(app: web::Data<App>, name: web::Path<String>) -> Result<HttpResponse> {
    person_collection(&app, &name, "following").await
}

async fn group(
    app: web::Data<App>,
    req: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    if !wants_activity_json(&req) {
        return crate::web::groups::page(&app, &req, &name).await;
    }
    let (g, _) = public::local_group(&app, &name).await?;
    Ok(with_context(GroupObject::from_row(&g)))
}

/// The count is public, a club's too (see `community::privacy`); the
/// members are listed only to a member (a fetch signed by one). Lemmy
/// signs with its instance actor, never a member, and reads `items` as a
/// list of nothing: it gets `[]`.
async fn group_followers(
    app: web::Data<App>,
    data: Data<App>,
    req: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    let (g, _) = public::local_group(&app, &name).await?;
    let members = match signer(&req, &data).await? {
        Some(p) => public::members_for(&app, &g, &p).await?,
        None => None,
    };
    let mut followers = Collection::<String>::counted(&g.followers_url, g.member_count);
    followers.items = members.unwrap_or_default();
    Ok(with_context(followers))
}

/// Nothing of a club is listed to a server that may not see inside it
/// (an empty collection).
async fn group_moderators(
    app: web::Data<App>,
    data: Data<App>,
    req: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    let reader = reader(&req, &data).await?;
    let (g, mods) = public::local_group(&app, &name).await?;
    let mods = match public::sight(&app, &g, reader).await? {
        Sight::Inside => mods.into_iter().map(|p| p.ap_id).collect(),
        Sight::Outside => Vec::new(),
    };
    let id = g
        .moderators_url
        .unwrap_or_else(|| format!("{}/moderators", g.ap_id));
    Ok(with_context(OrderedCollection::of(&id, mods)))
}

/// The group's newest Announces, newest first.
async fn group_outbox(
    app: web::Data<App>,
    data: Data<App>,
    req: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    let reader = reader(&req, &data).await?;
    let (g, _) = public::local_group(&app, &name).await?;
    let (sent, total) = public::group_outbox(&app, &g, reader, OUTBOX_ITEMS).await?;
    let items: Vec<serde_json::Value> = sent
        .iter()
        .filter_map(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .map(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.remove("@context");
            }
            v
        })
        .collect();
    let mut outbox = OrderedCollection::of(&format!("{}/outbox", g.ap_id), items);
    outbox.total_items = total;
    Ok(with_context(outbox))
}

/// People's activities reach others through their groups; their own outbox
/// is kept empty (a count of zero), as peers only need it to exist.
async fn person_outbox(app: web::Data<App>, name: web::Path<String>) -> Result<HttpResponse> {
    let p = live_person(&app, &name).await?;
    Ok(with_context(OrderedCollection::<String>::of(
        &format!("{}/outbox", p.ap_id),
        Vec::new(),
    )))
}

async fn group_featured(
    app: web::Data<App>,
    data: Data<App>,
    req: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    let reader = reader(&req, &data).await?;
    let (g, _) = public::local_group(&app, &name).await?;
    let pinned = public::featured(&app, &g, reader).await?;
    let id = g
        .featured_url
        .clone()
        .unwrap_or_else(|| format!("{}/featured", g.ap_id));
    Ok(with_context(OrderedCollection::of(
        &id,
        pinned.iter().map(PageObject::from_info).collect(),
    )))
}

/// The server that signed a fetch (its instance id), when it is signed; a
/// bad signature is refused.
async fn reader(req: &HttpRequest, data: &Data<App>) -> Result<Option<i64>> {
    Ok(signer(req, data).await?.map(|p| p.instance_id))
}

/// The verified signer of a fetch, when it is signed: the same rule as a
/// delivery's (signature::check), without a body.
async fn signer(
    req: &HttpRequest,
    data: &Data<App>,
) -> Result<Option<crate::store::people::Person>> {
    if req.headers().get("signature").is_none() {
        return Ok(None);
    }
    let params = signature::check(req, Signed::Fetch, &[], chrono::Utc::now())?;
    let owner = signature::key_owner(&params.key_id)?;
    let actor = ObjectId::<ApPerson>::from(owner.clone())
        .dereference(data)
        .await
        .map_err(|e: Error| {
            Error::unauthorized(format!("cannot get the key of {owner}: {}", e.detail))
        })?;
    signature::verify(req, Signed::Fetch, actor.public_key_pem())?;
    Ok(Some(actor.0))
}

async fn post(
    app: web::Data<App>,
    data: Data<App>,
    req: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    if !wants_activity_json(&req) {
        return crate::web::threads::page(&app, &req, *id).await;
    }
    let reader = reader(&req, &data).await?;
    Ok(match public::post(&app, *id, reader).await? {
        Served::Deleted {
            ap_id,
            former_type,
            at,
        } => tombstone(&ap_id, former_type, at),
        Served::Live(info) => {
            let page = PageObject::from_info(&info);
            match crate::community::articles::fields_of(&app, &info.post).await? {
                Some(a) => with_context(page.with_article(&info, &a)),
                None => with_context(page),
            }
        }
    })
}

async fn comment(
    app: web::Data<App>,
    data: Data<App>,
    req: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    if !wants_activity_json(&req) {
        return crate::web::threads::comment_page(&app, &req, *id).await;
    }
    let reader = reader(&req, &data).await?;
    Ok(match public::comment(&app, *id, reader).await? {
        Served::Deleted {
            ap_id,
            former_type,
            at,
        } => tombstone(&ap_id, former_type, at),
        Served::Live(c) => with_context(NoteObject::from_object(&c)),
    })
}

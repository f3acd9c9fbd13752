//! Accounts: members and remote people, and groups — a group is an
//! Account with `group: true` (`locked` when joining needs approval or an
//! invitation, `followers_count` its members).

use super::auth::{Caller, MaybeCaller};
use super::entities::{Account, Relationship, Source};
use super::ids::Id;
use crate::community::follows::{self, Profile};
use crate::community::oauth::Scope;
use crate::community::{self, groups, Actor};
use crate::error::{Error, ErrorKind, Result};
use crate::store::groups::{Group, JoinPolicy, MemberState, Membership};
use crate::store::people::Person;
use crate::App;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/accounts/verify_credentials",
        web::get().to(verify_credentials),
    )
    .route("/accounts/lookup", web::get().to(lookup))
    .route("/accounts/relationships", web::get().to(relationships))
    .route("/accounts/{id}", web::get().to(get))
    .route(
        "/accounts/{id}/statuses",
        web::get().to(super::timelines::account_statuses),
    )
    .route("/accounts/{id}/follow", web::post().to(follow))
    .route("/accounts/{id}/unfollow", web::post().to(unfollow));
}

/// Mastodon's time format: UTC, milliseconds, `Z`.
pub fn time(at: NaiveDateTime) -> String {
    at.and_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn avatar(app: &App) -> String {
    format!(
        "{}{}",
        app.config.base_url(),
        crate::web::assets::url("icon.svg")
    )
}

/// A person as embedded in statuses and notifications: without the
/// counts (`GET /api/v1/accounts/{id}` has them).
pub fn person_brief(app: &App, p: &Person) -> Account {
    let picture = avatar(app);
    Account {
        id: Id::Person(p.id).encode(),
        username: p.name.clone(),
        acct: community::handle(&p.name, p.local, &p.ap_id),
        display_name: p.display_name.clone().unwrap_or_default(),
        locked: false,
        bot: p.bot,
        discoverable: true,
        indexable: true,
        group: false,
        created_at: time(p.created_at),
        note: p.bio_html.clone().unwrap_or_default(),
        url: p.ap_id.clone(),
        uri: p.ap_id.clone(),
        avatar: picture.clone(),
        avatar_static: picture.clone(),
        header: picture.clone(),
        header_static: picture,
        followers_count: 0,
        following_count: 0,
        statuses_count: 0,
        last_status_at: None,
        emojis: Vec::new(),
        fields: Vec::new(),
        source: None,
    }
}

pub fn person_account(app: &App, profile: &Profile) -> Account {
    Account {
        followers_count: profile.followers,
        following_count: profile.following,
        ..person_brief(app, &profile.person)
    }
}

pub fn group_account(app: &App, g: &Group) -> Account {
    let picture = avatar(app);
    Account {
        id: Id::Group(g.id).encode(),
        username: g.name.clone(),
        acct: community::handle(&g.name, g.local, &g.ap_id),
        display_name: g.title.clone(),
        locked: g.join_policy != JoinPolicy::Open,
        bot: false,
        discoverable: true,
        indexable: true,
        group: true,
        created_at: time(g.created_at),
        note: g.description_html.clone().unwrap_or_default(),
        url: g.ap_id.clone(),
        uri: g.ap_id.clone(),
        avatar: picture.clone(),
        avatar_static: picture.clone(),
        header: picture.clone(),
        header_static: picture,
        followers_count: g.member_count,
        following_count: 0,
        statuses_count: g.post_count,
        last_status_at: None,
        emojis: Vec::new(),
        fields: Vec::new(),
        source: None,
    }
}

async fn verify_credentials(app: web::Data<App>, caller: Caller) -> Result<HttpResponse> {
    let me = caller.actor(Scope::ReadAccounts)?;
    let profile = follows::profile(&app, Some(&me), &me.person.name).await?;
    let mut account = person_account(&app, &profile);
    account.source = Some(Source {
        note: profile.person.bio_source.clone().unwrap_or_default(),
        fields: Vec::new(),
        privacy: "public",
        sensitive: false,
        language: "en".to_string(),
        follow_requests_count: 0,
    });
    Ok(HttpResponse::Ok().json(account))
}

/// A person or group by handle: `name`, `name@host`, with or without `@`.
async fn by_handle(app: &App, viewer: Option<&Actor>, handle: &str) -> Result<Account> {
    match follows::profile(app, viewer, handle).await {
        Ok(profile) => return Ok(person_account(app, &profile)),
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let info = groups::get(app, viewer, handle).await?;
    Ok(group_account(app, &info.group))
}

#[derive(Deserialize)]
struct Lookup {
    acct: Option<String>,
}

async fn lookup(
    app: web::Data<App>,
    caller: MaybeCaller,
    q: web::Query<Lookup>,
) -> Result<HttpResponse> {
    let acct = q
        .acct
        .as_deref()
        .map(|a| a.trim().trim_start_matches('@'))
        .filter(|a| !a.is_empty())
        .ok_or_else(|| Error::bad_request("acct is required"))?;
    let viewer = caller.viewer(Scope::ReadAccounts);
    Ok(HttpResponse::Ok().json(by_handle(&app, viewer.as_ref(), acct).await?))
}

/// The account an id names (a person's or a group's).
pub async fn account(app: &App, viewer: Option<&Actor>, id: &str) -> Result<Account> {
    let handle = handle_of(app, Id::decode(id)?).await?;
    by_handle(app, viewer, &handle).await
}

async fn get(
    app: web::Data<App>,
    caller: MaybeCaller,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = caller.viewer(Scope::ReadAccounts);
    Ok(HttpResponse::Ok().json(account(&app, viewer.as_ref(), &id).await?))
}

fn relationship(id: &str) -> Relationship {
    Relationship {
        id: id.to_string(),
        following: false,
        showing_reblogs: false,
        notifying: false,
        languages: None,
        followed_by: false,
        blocking: false,
        blocked_by: false,
        muting: false,
        muting_notifications: false,
        requested: false,
        requested_by: false,
        domain_blocking: false,
        endorsed: false,
        note: String::new(),
    }
}

fn person_relationship(id: &str, r: follows::Relationship) -> Relationship {
    Relationship {
        following: r.following,
        followed_by: r.followed_by,
        requested: r.requested,
        ..relationship(id)
    }
}

/// A membership as a relationship: joined is following, a request
/// waiting for the club's moderators is `requested`.
fn member_relationship(id: &str, m: Option<&Membership>) -> Relationship {
    Relationship {
        following: m.is_some_and(|m| m.state == MemberState::Accepted),
        requested: m.is_some_and(|m| m.state == MemberState::Pending),
        ..relationship(id)
    }
}

/// The handle an account id names.
async fn handle_of(app: &App, id: Id) -> Result<String> {
    match id {
        Id::Person(row) => {
            let p = app
                .store
                .run(move |conn| crate::store::people::by_id(conn, row))
                .await?;
            Ok(community::handle(&p.name, p.local, &p.ap_id))
        }
        Id::Group(row) => {
            let g = app
                .store
                .run(move |conn| crate::store::groups::by_id(conn, row))
                .await?;
            Ok(community::handle(&g.name, g.local, &g.ap_id))
        }
        _ => Err(Error::not_found("no account with this id")),
    }
}

async fn relationship_with(app: &App, me: &Actor, id: &str) -> Result<Relationship> {
    let decoded = Id::decode(id)?;
    let handle = handle_of(app, decoded).await?;
    match decoded {
        Id::Group(_) => {
            let info = groups::get(app, Some(me), &handle).await?;
            Ok(member_relationship(id, info.membership.as_ref()))
        }
        _ => {
            let profile = follows::profile(app, Some(me), &handle).await?;
            Ok(match profile.relationship {
                Some(r) => person_relationship(id, r),
                None => relationship(id),
            })
        }
    }
}

/// Follow a person, or join a group (a club's moderators may have to
/// approve: `requested` until then).
async fn follow(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let me = caller.actor(Scope::WriteFollows)?;
    let decoded = Id::decode(&id)?;
    let handle = handle_of(&app, decoded).await?;
    let answer = match decoded {
        Id::Group(_) => {
            let change = groups::join(&app, &me, &handle, None).await?;
            member_relationship(&id, change.membership.as_ref())
        }
        _ => {
            let change = follows::follow(&app, &me, &handle, None).await?;
            person_relationship(&id, change.relationship)
        }
    };
    Ok(HttpResponse::Ok().json(answer))
}

/// Unfollow a person, or leave a group (withdrawing a request); not
/// following already is no error, as in Mastodon.
async fn unfollow(
    app: web::Data<App>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let me = caller.actor(Scope::WriteFollows)?;
    let decoded = Id::decode(&id)?;
    let handle = handle_of(&app, decoded).await?;
    match decoded {
        Id::Group(_) => {
            // Not a member already: nothing to change.
            let _ = groups::leave(&app, &me, &handle).await?.changed();
        }
        _ => {
            follows::unfollow(&app, &me, &handle).await?;
        }
    }
    Ok(HttpResponse::Ok().json(relationship_with(&app, &me, &id).await?))
}

/// `GET /api/v1/accounts/relationships?id[]=...`.
async fn relationships(
    app: web::Data<App>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let me = caller.actor(Scope::ReadFollows)?;
    let ids: Vec<String> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k == "id[]" || k == "id")
        .map(|(_, v)| v.into_owned())
        .take(40)
        .collect();
    let mut answer = Vec::new();
    for id in ids {
        answer.push(relationship_with(&app, &me, &id).await?);
    }
    Ok(HttpResponse::Ok().json(answer))
}

//! Groups: the directory (with finding a group or person on another
//! server), a group's page, creating a group, joining and leaving.

use super::forms::shown_on_form;
use super::forms::Posted;
use super::page::{t, Page};
use super::session::Viewer;
use super::threads::{origin, PersonLink, ThreadRow};
use super::{ok, render, see_other};
use crate::community::groups::{self, GroupInfo, GroupInput};
use crate::community::{handle, posts};
use crate::error::{Error, ErrorKind, Result};
use crate::store::groups::{GroupKind, JoinPolicy, MemberState};
use crate::store::posts::FeedSort;
use crate::App;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/groups", web::get().to(directory))
        .route("/groups/find", web::post().to(find))
        .route("/groups/new", web::get().to(new_form))
        .route("/groups/new", web::post().to(create))
        .route("/g/{name}/join", web::post().to(join))
        .route("/g/{name}/leave", web::post().to(leave));
}

/// A group in a list.
pub struct GroupRow {
    pub handle: String,
    pub title: String,
    pub club: bool,
    pub origin: Option<String>,
    pub members: i64,
    pub threads: i64,
    /// The viewer's standing, as a catalogue key.
    pub standing: Option<&'static str>,
}

impl GroupRow {
    pub fn of(
        g: &crate::store::groups::Group,
        m: Option<&crate::store::groups::Membership>,
    ) -> Self {
        GroupRow {
            handle: handle(&g.name, g.local, &g.ap_id),
            title: g.title.clone(),
            club: g.kind == GroupKind::Club,
            origin: origin(g.local, &g.ap_id),
            members: g.member_count,
            threads: g.post_count,
            standing: m.map(|m| standing_key(m.state)),
        }
    }
}

fn standing_key(state: MemberState) -> &'static str {
    match state {
        MemberState::Accepted => "group.member",
        MemberState::Pending => "group.requested",
        MemberState::Invited => "group.invited",
        MemberState::Banned => "group.banned",
    }
}

// ---- the directory

#[derive(Template)]
#[template(path = "groups/directory.html")]
struct DirectoryPage {
    page: Page,
    q: String,
    groups: Vec<GroupRow>,
    next: Option<String>,
    find: String,
    problem: Option<String>,
}

#[derive(Deserialize, Default)]
struct DirectoryQuery {
    q: Option<String>,
    /// "ID:NAME" of the last group of the page before.
    after: Option<String>,
}

async fn directory_page(
    app: &App,
    viewer: &Viewer,
    q: DirectoryQuery,
    find: String,
    problem: Option<String>,
) -> Result<DirectoryPage> {
    let limit = app.config.limits.page_size;
    let after = match q.after.as_deref().filter(|a| !a.is_empty()) {
        Some(c) => Some(
            c.split_once(':')
                .and_then(|(id, name)| Some((name.to_string(), id.parse::<i64>().ok()?)))
                .ok_or_else(|| Error::bad_request("the page position is not valid"))?,
        ),
        None => None,
    };
    let query = q.q.clone().filter(|s| !s.trim().is_empty());
    let mut items = groups::directory(
        app,
        viewer.actor().as_ref(),
        query.clone(),
        after,
        limit + 1,
    )
    .await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next = match items.last() {
        Some(last) if more => {
            let after = format!("{}:{}", last.group.id, last.group.name);
            let mut link = format!("/groups?after={}", super::errors::urlencode(&after));
            if let Some(q) = &query {
                link.push_str(&format!("&q={}", super::errors::urlencode(q)));
            }
            Some(link)
        }
        _ => None,
    };
    let page = Page::new(app, viewer, t("groups.title")).await?;
    Ok(DirectoryPage {
        page,
        q: query.unwrap_or_default(),
        groups: items
            .iter()
            .map(|i| GroupRow::of(&i.group, i.membership.as_ref()))
            .collect(),
        next,
        find,
        problem,
    })
}

async fn directory(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<DirectoryQuery>,
) -> Result<HttpResponse> {
    ok(directory_page(&app, &viewer, q.into_inner(), String::new(), None).await?)
}

#[derive(Deserialize)]
struct FindForm {
    handle: String,
}

/// Finds a group or person elsewhere (`@name@host` or a URL) and goes to
/// its page here.
async fn find(
    data: activitypub_federation::config::Data<App>,
    viewer: Viewer,
    form: Posted<FindForm>,
) -> Result<HttpResponse> {
    viewer.require()?;
    let app = data.app_data();
    let query = form.into_inner().handle;
    match crate::federation::resolve::resolve(&data, &query).await {
        Ok(found) if found.is_group => Ok(see_other(&format!("/g/{}", found.handle))),
        Ok(found) => Ok(see_other(&format!("/u/{}", found.handle))),
        Err(e) if e.kind != ErrorKind::Internal => {
            let status = e.kind.status();
            let p = directory_page(
                app,
                &viewer,
                DirectoryQuery::default(),
                query,
                Some(e.detail),
            )
            .await?;
            render(p, status)
        }
        Err(e) => Err(e),
    }
}

// ---- a group's page

#[derive(Template)]
#[template(path = "groups/group.html")]
struct GroupPage {
    page: Page,
    handle: String,
    title: String,
    description_html: Option<String>,
    rules_html: Option<String>,
    club: bool,
    policy: &'static str,
    members: i64,
    thread_count: i64,
    origin: Option<String>,
    ap_id: String,
    inside: bool,
    standing: Option<MemberState>,
    invite_only: bool,
    gated: bool,
    moderators: Vec<PersonLink>,
    sort: &'static str,
    pinned: Vec<ThreadRow>,
    threads: Vec<ThreadRow>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
struct GroupQuery {
    sort: Option<String>,
    cursor: Option<String>,
}

/// `/g/{name}` for a browser (and `/g/name@host` for a remote group).
pub async fn page(app: &App, req: &HttpRequest, name: &str) -> Result<HttpResponse> {
    let viewer = Viewer::extract(req).await?;
    let q = web::Query::<GroupQuery>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    let sort = posts::parse_sort(q.sort.as_deref())?;
    let actor = viewer.actor();
    let GroupInfo { group, membership } = groups::get(app, actor.as_ref(), name).await?;
    let handle = handle(&group.name, group.local, &group.ap_id);
    let inside = groups::sees_inside(app, actor.as_ref(), &group).await?;
    let (moderators, pinned, threads, next) = if inside {
        let moderators = groups::moderators(app, actor.as_ref(), &group).await?;
        let pinned = match q.cursor {
            None => posts::pinned_threads(app, actor.as_ref(), &handle).await?,
            Some(_) => Vec::new(),
        };
        let feed =
            posts::group_feed(app, actor.as_ref(), &handle, sort, q.cursor.as_deref()).await?;
        let shown: Vec<i64> = pinned.iter().map(|p| p.post.id).collect();
        let threads: Vec<_> = feed
            .items
            .iter()
            .filter(|i| !i.post.pinned || !shown.contains(&i.post.id))
            .map(ThreadRow::of)
            .collect();
        let next = feed.next_cursor.map(|c| {
            format!(
                "/g/{handle}?sort={}&cursor={}",
                sort_name(sort),
                super::errors::urlencode(&c)
            )
        });
        (
            moderators.iter().map(PersonLink::of).collect(),
            ThreadRow::all(&pinned),
            threads,
            next,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new(), None)
    };
    let standing = membership.as_ref().map(|m| m.state);
    let mut page = Page::new(app, &viewer, group.title.clone()).await?;
    // A club's feeds need a member's token: not offered in its head.
    if !group.is_private() {
        page.head_links = super::feeds::head_links(&format!("/g/{handle}/feed"), &group.title);
        page.head_links.extend(super::feeds::head_links(
            &format!("/g/{handle}/blog"),
            &format!("{} · {}", group.title, t("blog.title")),
        ));
    }
    ok(GroupPage {
        page,
        title: group.title.clone(),
        description_html: group.description_html.clone(),
        rules_html: group.rules_html.clone(),
        club: group.kind == GroupKind::Club,
        policy: match group.join_policy {
            JoinPolicy::Open => "group.policy_open",
            JoinPolicy::Approval => "group.policy_approval",
            JoinPolicy::Invite => "group.policy_invite",
        },
        members: group.member_count,
        thread_count: group.post_count,
        origin: origin(group.local, &group.ap_id),
        ap_id: group.ap_id.clone(),
        inside,
        invite_only: group.local && group.join_policy == JoinPolicy::Invite,
        gated: group.is_gated(),
        standing,
        moderators,
        sort: sort_name(sort),
        pinned,
        threads,
        next,
        handle,
    })
}

fn sort_name(sort: FeedSort) -> &'static str {
    match sort {
        FeedSort::Hot => "hot",
        FeedSort::New => "new",
        FeedSort::Top => "top",
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn join(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let change = groups::join(&app, &actor, &name, None).await?;
    let g = &change.group;
    Ok(see_other(&format!(
        "/g/{}",
        handle(&g.name, g.local, &g.ap_id)
    )))
}

async fn leave(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let change = groups::leave(&app, &actor, &name).await?.into_result()?;
    let g = &change.group;
    Ok(see_other(&format!(
        "/g/{}",
        handle(&g.name, g.local, &g.ap_id)
    )))
}

// ---- creating a group

#[derive(Template)]
#[template(path = "groups/new.html")]
struct NewGroupPage {
    page: Page,
    form: GroupForm,
    problem: Option<String>,
}

#[derive(Deserialize, Default)]
struct GroupForm {
    name: String,
    title: String,
    description: String,
    rules: String,
    kind: String,
    join_policy: String,
}

async fn new_form(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    viewer.require()?;
    let page = Page::new(&app, &viewer, t("new_group.title")).await?;
    ok(NewGroupPage {
        page,
        form: GroupForm {
            kind: "group".into(),
            join_policy: "open".into(),
            ..GroupForm::default()
        },
        problem: None,
    })
}

async fn create(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<GroupForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let input = GroupInput {
        name: form.name.trim().to_string(),
        title: form.title.clone(),
        description: Some(form.description.clone()),
        rules: Some(form.rules.clone()),
        kind: Some(form.kind.clone()),
        join_policy: Some(form.join_policy.clone()),
        posting_restricted_to_mods: None,
    };
    match groups::create(&app, &actor, input).await {
        Ok(info) => Ok(see_other(&format!("/g/{}", info.group.name))),
        Err(e) if shown_on_form(&e) => {
            let status = e.kind.status();
            let page = Page::new(&app, &viewer, t("new_group.title")).await?;
            render(
                NewGroupPage {
                    page,
                    form,
                    problem: Some(e.detail),
                },
                status,
            )
        }
        Err(e) => Err(e),
    }
}

//! People: a person's page (local, or remote `name@host` with a link to
//! their home page): display name, bio, reputation, rank and what the next
//! rank needs, badges, their threads and comments as the viewer may read
//! them; following and blocking; and the lists of followers, following
//! and friends (`/u/{name}/people?list=...`: `/u/{name}/followers` and
//! `/following` are ActivityPub collections).

use super::forms::Posted;
use super::page::{t, Page};
use super::see_other;
use super::session::Viewer;
use crate::community::authored::{self, AuthoredComment};
use crate::community::follows::{self, Listing, Profile};
use crate::community::posts::PostInfo;
use crate::community::{blocks, handle, Actor};
use crate::error::{Error, Result};
use crate::reputation::badges;
use crate::store::people::Person;
use crate::App;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/u/{name}/follow", web::post().to(follow))
        .route("/u/{name}/unfollow", web::post().to(unfollow))
        .route("/u/{name}/block", web::post().to(block))
        .route("/u/{name}/people", web::get().to(people));
}

/// A person as a list or a link shows them.
pub struct PersonLink {
    pub handle: String,
    pub shown: String,
}

impl PersonLink {
    pub fn of(p: &Person) -> PersonLink {
        let handle = handle(&p.name, p.local, &p.ap_id);
        PersonLink {
            shown: p
                .display_name
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| handle.clone()),
            handle,
        }
    }
}

struct BadgeShown {
    title: String,
    description: String,
}

/// What the next rank needs, beside where the person stands.
struct NextRank {
    name: String,
    points: (i64, i64),
    solutions: (i64, i64),
    days: (i64, i64),
}

struct ThreadLine {
    id: i64,
    title: String,
    group: String,
    group_shown: String,
    when: String,
}

struct CommentLine {
    id: i64,
    thread: String,
    excerpt: String,
    when: String,
}

#[derive(Template)]
#[template(path = "people/person.html")]
struct PersonPage {
    page: Page,
    who: PersonLink,
    /// A remote person's home page.
    origin: Option<String>,
    bio_html: String,
    role: Option<String>,
    points: i64,
    solutions: i64,
    rank: String,
    next_rank: Option<NextRank>,
    badges: Vec<BadgeShown>,
    followers: i64,
    following: i64,
    /// Signed in and not this person.
    may_follow: bool,
    is_following: bool,
    requested: bool,
    friends: bool,
    follows_you: bool,
    threads: Vec<ThreadLine>,
    threads_next: Option<i64>,
    comments: Vec<CommentLine>,
    comments_next: Option<i64>,
}

#[derive(Deserialize)]
struct PersonQuery {
    /// The threads page: those before this id.
    threads: Option<i64>,
    /// The comments page: those before this id.
    comments: Option<i64>,
}

fn day(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d").to_string()
}

fn thread_line(p: PostInfo) -> ThreadLine {
    let group = handle(&p.group.name, p.group.local, &p.group.ap_id);
    ThreadLine {
        id: p.post.id,
        title: p.post.title,
        group_shown: Some(p.group.title.clone())
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| group.clone()),
        group,
        when: day(p.post.created_at),
    }
}

/// The first words of a comment, as plain text (its source).
fn excerpt(text: &str) -> String {
    const MAX: usize = 200;
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX {
        return flat;
    }
    let mut cut: String = flat.chars().take(MAX).collect();
    cut.push('…');
    cut
}

fn comment_line(c: AuthoredComment) -> CommentLine {
    CommentLine {
        id: c.comment.id,
        thread: c.post.title,
        excerpt: excerpt(&c.comment.body_source),
        when: day(c.comment.created_at),
    }
}

fn next_rank(profile: &Profile) -> Option<NextRank> {
    let r = profile.standing.next_rank.as_ref()?;
    let days = (crate::store::now() - profile.person.created_at).num_days();
    Some(NextRank {
        name: r.name.clone(),
        points: (profile.standing.summary.points, r.min_reputation),
        solutions: (profile.standing.summary.solutions, r.min_solutions),
        days: (days, r.min_days),
    })
}

/// `/u/{name}` (or `name@host`) for a browser.
pub async fn page(app: &App, req: &HttpRequest, name: &str) -> Result<HttpResponse> {
    let viewer = Viewer::extract(req).await?;
    let q = web::Query::<PersonQuery>::from_query(req.query_string())
        .map_err(|e| Error::bad_request(format!("bad query string: {e}")))?
        .into_inner();
    let actor = viewer.actor();
    let profile = follows::profile(app, actor.as_ref(), name).await?;
    let limit = app.config.limits.page_size.min(20);
    let threads = authored::threads(app, actor.as_ref(), name, q.threads, limit).await?;
    let comments = authored::comments(app, actor.as_ref(), name, q.comments, limit).await?;
    let who = PersonLink::of(&profile.person);
    let rel = profile.relationship;
    let badges = profile
        .standing
        .badges
        .iter()
        .map(|b| match badges::by_name(&b.name) {
            Some(badge) => BadgeShown {
                title: badge.title.to_string(),
                description: badge.description.to_string(),
            },
            None => BadgeShown {
                title: b.name.clone(),
                description: String::new(),
            },
        })
        .collect();
    let page = Page::new(app, &viewer, who.shown.clone()).await?;
    super::ok(PersonPage {
        page,
        origin: (!profile.person.local).then(|| profile.person.ap_id.clone()),
        bio_html: profile.person.bio_html.clone().unwrap_or_default(),
        role: profile
            .role
            .clone()
            .filter(|r| r != "user")
            .map(|r| t(&format!("people.role_{r}")).to_string()),
        points: profile.standing.summary.points,
        solutions: profile.standing.summary.solutions,
        rank: profile.standing.summary.rank.clone(),
        next_rank: next_rank(&profile),
        badges,
        followers: profile.followers,
        following: profile.following,
        may_follow: rel.is_some(),
        is_following: rel.is_some_and(|r| r.following),
        requested: rel.is_some_and(|r| r.requested),
        friends: rel.is_some_and(|r| r.friends()),
        follows_you: rel.is_some_and(|r| r.followed_by),
        threads: threads.items.into_iter().map(thread_line).collect(),
        threads_next: threads.next,
        comments: comments.items.into_iter().map(comment_line).collect(),
        comments_next: comments.next,
        who,
    })
}

#[derive(Deserialize)]
struct Empty {}

fn back(name: &str) -> HttpResponse {
    see_other(&format!(
        "/u/{}",
        super::errors::urlencode(name).replace("%40", "@")
    ))
}

async fn follow(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor: Actor = viewer.require()?;
    follows::follow(&app, &actor, &name, None).await?;
    Ok(back(&name))
}

async fn unfollow(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    follows::unfollow(&app, &actor, &name).await?;
    Ok(back(&name))
}

async fn block(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    blocks::block(&app, &actor, &name).await?;
    Ok(see_other("/settings?done=blocked#blocked"))
}

/// Which list of people.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Which {
    Followers,
    Following,
    Friends,
}

#[derive(Deserialize)]
struct PeopleQuery {
    list: Which,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct PeoplePage {
    page: Page,
    who: PersonLink,
    heading: String,
    people: Vec<PersonLink>,
    list: &'static str,
    next_page: Option<i64>,
}

async fn people(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    q: web::Query<PeopleQuery>,
) -> Result<HttpResponse> {
    let (listing, list, key) = match q.list {
        Which::Followers => (Listing::Followers, "followers", "people.followers_of"),
        Which::Following => (Listing::Following, "following", "people.following_of"),
        Which::Friends => (Listing::Friends, "friends", "people.friends_of"),
    };
    let number = q.page.unwrap_or(0);
    let profile = follows::profile(&app, viewer.actor().as_ref(), &name).await?;
    let found = follows::list(&app, &name, listing, number).await?;
    let full = found.len() as i64 >= app.config.limits.page_size;
    let who = PersonLink::of(&profile.person);
    let heading = t(key).replacen("{}", &who.shown, 1);
    super::ok(PeoplePage {
        page: Page::new(&app, &viewer, heading.clone()).await?,
        heading,
        people: found.iter().map(PersonLink::of).collect(),
        list,
        next_page: full.then_some(number + 1),
        who,
    })
}

//! Blogs and articles as pages: a group's blog and a person's, writing and
//! editing an article (a draft, scheduled, or published now), what the
//! thread page shows of an article (cover, summary, tags, state), and the
//! private feed token in the settings.

use super::forms::shown_on_form;
use super::forms::Posted;
use super::page::{t, Page};
use super::session::Viewer;
use super::threads::{origin, when, PersonLink};
use super::{ok, render, see_other};
use crate::community::articles::{self, ArticleEdit, ArticleInfo, ArticleInput, Publication};
use crate::community::{feeds, handle, Actor};
use crate::error::{ErrorKind, Result};
use crate::store::articles::{Article, ArticleState};
use crate::App;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/g/{name}/blog", web::get().to(group_blog))
        .route("/u/{name}/blog", web::get().to(person_blog))
        .route("/g/{name}/articles/new", web::get().to(new_form))
        .route("/g/{name}/articles/new", web::post().to(create))
        .route("/post/{id}/article", web::get().to(edit_form))
        .route("/post/{id}/article", web::post().to(edit))
        .route("/settings/feeds", web::get().to(feed_settings))
        .route("/settings/feeds/token", web::post().to(new_token))
        .route("/settings/feeds/revoke", web::post().to(revoke_token));
}

/// What an article shows above its text (on its thread page, in a blog).
pub struct ArticleHeader {
    pub summary: String,
    pub cover_url: Option<String>,
    pub tags: Vec<String>,
    /// The catalogue key of its state, when not published.
    pub state: Option<&'static str>,
    pub publish_at: Option<(String, String)>,
}

impl ArticleHeader {
    pub fn of(a: &Article) -> ArticleHeader {
        ArticleHeader {
            summary: a.summary.clone(),
            cover_url: a.cover_url.clone(),
            tags: a.tag_list(),
            state: match a.state {
                ArticleState::Draft => Some("blog.state_draft"),
                ArticleState::Scheduled => Some("blog.state_scheduled"),
                ArticleState::Published => None,
            },
            publish_at: a.publish_at.map(when),
        }
    }
}

/// An article in a blog.
pub struct ArticleRow {
    pub id: i64,
    pub title: String,
    pub author: PersonLink,
    pub group_handle: String,
    pub group_title: String,
    pub created: String,
    pub created_iso: String,
    pub comments: i64,
    pub origin: Option<String>,
    pub header: ArticleHeader,
}

impl ArticleRow {
    fn of(a: &ArticleInfo) -> ArticleRow {
        let (p, g) = (&a.post.post, &a.post.group);
        let (created, created_iso) = when(p.created_at);
        ArticleRow {
            id: p.id,
            title: p.title.clone(),
            author: PersonLink::of(&a.post.author),
            group_handle: handle(&g.name, g.local, &g.ap_id),
            group_title: g.title.clone(),
            created,
            created_iso,
            comments: p.comment_count,
            origin: origin(p.local, &p.ap_id),
            header: ArticleHeader::of(&a.article),
        }
    }
}

#[derive(Template)]
#[template(path = "articles/blog.html")]
struct BlogPage {
    page: Page,
    heading: String,
    /// The group or person page it belongs to.
    owner_link: String,
    owner_name: String,
    /// Where to write a new article (a group's blog, for a signed-in viewer).
    write_link: Option<String>,
    feeds: Option<String>,
    articles: Vec<ArticleRow>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
struct BlogQuery {
    cursor: Option<String>,
}

async fn group_blog(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    q: web::Query<BlogQuery>,
) -> Result<HttpResponse> {
    let actor = viewer.actor();
    let info = crate::community::groups::get(&app, actor.as_ref(), &name).await?;
    let g = &info.group;
    let h = handle(&g.name, g.local, &g.ap_id);
    let limit = app.config.limits.page_size;
    let blog =
        match articles::group_blog(&app, actor.as_ref(), &h, q.cursor.as_deref(), limit).await {
            // A club's blog is not even said to have articles.
            Err(e) if e.kind == ErrorKind::Forbidden => {
                return Err(crate::error::Error::not_found(format!("no blog of {h}")))
            }
            other => other?,
        };
    let heading = format!("{} · {}", g.title, t("blog.title"));
    let mut page = Page::new(&app, &viewer, heading.clone()).await?;
    let feeds = (!g.is_private()).then(|| format!("/g/{h}/blog"));
    if let Some(base) = &feeds {
        page.head_links = super::feeds::head_links(base, &heading);
    }
    ok(BlogPage {
        page,
        heading,
        owner_link: format!("/g/{h}"),
        owner_name: g.title.clone(),
        write_link: actor.as_ref().map(|_| format!("/g/{h}/articles/new")),
        feeds,
        articles: blog.items.iter().map(ArticleRow::of).collect(),
        next: blog
            .next_cursor
            .map(|c| format!("/g/{h}/blog?cursor={}", super::errors::urlencode(&c))),
    })
}

async fn person_blog(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    q: web::Query<BlogQuery>,
) -> Result<HttpResponse> {
    let actor = viewer.actor();
    let limit = app.config.limits.page_size;
    let blog =
        articles::person_blog(&app, actor.as_ref(), &name, q.cursor.as_deref(), limit).await?;
    let who = {
        let name = name.to_string();
        app.store
            .run(move |conn| crate::community::find_person(conn, &name))
            .await?
    };
    let link = PersonLink::of(&who);
    let heading = format!("{} · {}", link.name, t("blog.title"));
    let mut page = Page::new(&app, &viewer, heading.clone()).await?;
    let base = format!("/u/{}/blog", link.handle);
    page.head_links = super::feeds::head_links(&base, &heading);
    ok(BlogPage {
        page,
        heading,
        owner_link: format!("/u/{}", link.handle),
        owner_name: link.name.clone(),
        write_link: None,
        feeds: Some(base),
        articles: blog.items.iter().map(ArticleRow::of).collect(),
        next: blog.next_cursor.map(|c| {
            format!(
                "/u/{}/blog?cursor={}",
                link.handle,
                super::errors::urlencode(&c)
            )
        }),
    })
}

// ---- writing and editing

#[derive(Deserialize, Default)]
struct ArticleForm {
    title: String,
    summary: String,
    body: String,
    cover_url: String,
    tags: String,
    /// draft, scheduled or published.
    state: String,
    /// `YYYY-MM-DDTHH:MM` in UTC (a `datetime-local` field).
    publish_at: String,
}

impl ArticleForm {
    fn publication(&self) -> Result<Publication> {
        let at = match self.publish_at.trim() {
            "" => None,
            s => Some(
                NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
                    .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
                    .map_err(|_| {
                        crate::error::Error::unprocessable(
                            "the publication time is not a date and time (YYYY-MM-DDTHH:MM)",
                        )
                    })?,
            ),
        };
        // A time with another choice than "scheduled" is left aside.
        let at = at.filter(|_| self.state == ArticleState::Scheduled.as_str());
        Publication::parse(Some(&self.state), at)
    }
}

#[derive(Template)]
#[template(path = "articles/form.html")]
struct FormPage {
    page: Page,
    heading: String,
    action: String,
    back_link: String,
    back_name: String,
    /// Whether the state can still change (not once published).
    unpublished: bool,
    form: ArticleForm,
    problem: Option<String>,
}

async fn new_form(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse> {
    viewer.require()?;
    let form = ArticleForm {
        state: ArticleState::Draft.as_str().into(),
        ..ArticleForm::default()
    };
    ok(new_page(&app, &viewer, &name, form, None).await?)
}

async fn new_page(
    app: &App,
    viewer: &Viewer,
    name: &str,
    form: ArticleForm,
    problem: Option<String>,
) -> Result<FormPage> {
    let info = crate::community::groups::get(app, viewer.actor().as_ref(), name).await?;
    let g = &info.group;
    let h = handle(&g.name, g.local, &g.ap_id);
    Ok(FormPage {
        page: Page::new(app, viewer, t("blog.new")).await?,
        heading: t("blog.new").to_string(),
        action: format!("/g/{h}/articles/new"),
        back_link: format!("/g/{h}/blog"),
        back_name: g.title.clone(),
        unpublished: true,
        form,
        problem,
    })
}

async fn create(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: Posted<ArticleForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let made = match form.publication() {
        Ok(publication) => {
            let input = ArticleInput {
                title: form.title.clone(),
                body: form.body.clone(),
                summary: form.summary.clone(),
                cover_url: form.cover_url.clone(),
                tags: articles::split_tags(&form.tags),
                publication,
                media: Vec::new(),
            };
            articles::create(&app, &actor, &name, input).await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(a) => Ok(see_other(&format!("/post/{}", a.post.post.id))),
        Err(e) if shown_on_form(&e) => {
            let status = e.kind.status();
            render(
                new_page(&app, &viewer, &name, form, Some(e.detail)).await?,
                status,
            )
        }
        Err(e) => Err(e),
    }
}

async fn edit_page(
    app: &App,
    viewer: &Viewer,
    actor: &Actor,
    id: i64,
    form: Option<ArticleForm>,
    problem: Option<String>,
) -> Result<FormPage> {
    let a = articles::get(app, Some(actor), id).await?;
    if a.post.post.author_id != actor.id() {
        return Err(crate::error::Error::forbidden(
            "only the author edits an article",
        ));
    }
    let form = form.unwrap_or_else(|| ArticleForm {
        title: a.post.post.title.clone(),
        summary: a.article.summary.clone(),
        body: a.post.post.body_source.clone(),
        cover_url: a.article.cover_url.clone().unwrap_or_default(),
        tags: a.article.tag_list().join(", "),
        state: a.article.state.as_str().to_string(),
        publish_at: a
            .article
            .publish_at
            .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default(),
    });
    Ok(FormPage {
        page: Page::new(app, viewer, t("blog.edit")).await?,
        heading: t("blog.edit").to_string(),
        action: format!("/post/{id}/article"),
        back_link: format!("/post/{id}"),
        back_name: a.post.post.title.clone(),
        unpublished: !a.article.is_published(),
        form,
        problem,
    })
}

async fn edit_form(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    ok(edit_page(&app, &viewer, &actor, *id, None, None).await?)
}

async fn edit(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<ArticleForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let current = articles::get(&app, Some(&actor), *id).await?;
    // A published article's form has no state: it stays published.
    let publication = if current.article.is_published() {
        Ok(None)
    } else {
        form.publication().map(Some)
    };
    let done = match publication {
        Ok(publication) => {
            let change = ArticleEdit {
                title: Some(form.title.clone()),
                body: Some(form.body.clone()),
                summary: Some(form.summary.clone()),
                cover_url: Some(form.cover_url.clone()),
                tags: Some(articles::split_tags(&form.tags)),
                publication,
            };
            articles::edit(&app, &actor, *id, change).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(&format!("/post/{id}"))),
        Err(e) if shown_on_form(&e) => {
            let status = e.kind.status();
            let p = edit_page(&app, &viewer, &actor, *id, Some(form), Some(e.detail)).await?;
            render(p, status)
        }
        Err(e) => Err(e),
    }
}

// ---- the private feed token

#[derive(Template)]
#[template(path = "articles/feeds.html")]
struct FeedSettingsPage {
    page: Page,
    made: Option<(String, String)>,
    /// The token just made: shown this once.
    token: Option<String>,
    base: String,
}

async fn feed_settings_page(
    app: &App,
    viewer: &Viewer,
    actor: &Actor,
    token: Option<String>,
) -> Result<FeedSettingsPage> {
    let made = feeds::token_made(app, actor).await?.map(when);
    Ok(FeedSettingsPage {
        page: Page::new(app, viewer, t("feeds.title")).await?,
        made,
        token,
        base: app.config.base_url(),
    })
}

async fn feed_settings(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    ok(feed_settings_page(&app, &viewer, &actor, None).await?)
}

#[derive(Deserialize)]
struct Empty {}

async fn new_token(
    app: web::Data<App>,
    viewer: Viewer,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let token = feeds::new_token(&app, &actor).await?;
    ok(feed_settings_page(&app, &viewer, &actor, Some(token)).await?)
}

async fn revoke_token(
    app: web::Data<App>,
    viewer: Viewer,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    feeds::revoke_token(&app, &actor).await?;
    Ok(see_other("/settings/feeds"))
}

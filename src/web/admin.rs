//! The admin area, `/admin`: the instance's report and review queues,
//! registration approvals, federation policy and vote weights, watched
//! words, terms of service, instance roles, the audit log, and the site's
//! branding with a preview. Instance moderators see the moderation parts;
//! the rules refuse the rest to anyone but admins (a 403 page).

use super::forms::shown_on_form;
use super::forms::Posted;
use super::moderate::{
    back_or_problem, fixable, held_rows, problem_status, word_actions, word_rows, ReportRow,
    ReportsPage, ReviewPage,
};
use super::page::{t, Page};
use super::session::Viewer;
use super::{ok, render, see_other};
use crate::community::branding::{self, BrandingInput};
use crate::community::branding::{FooterLink, Site};
use crate::community::{accounts, markdown, Actor};
use crate::error::{Error, ErrorKind, Result};
use crate::moderation::log::{self as modlog, Query};
use crate::moderation::reports::{self, Listing};
use crate::moderation::{policy, require_staff_moderator, review, terms};
use crate::reputation::admin as reputation_admin;
use crate::store::instances::DomainPolicy;
use crate::store::people::InstanceRole;
use crate::App;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(index))
        .route("/admin/reports", web::get().to(reports_queue))
        .route("/admin/review", web::get().to(review_queue))
        .route("/admin/registrations", web::get().to(registrations))
        .route("/admin/registrations", web::post().to(decide_registration))
        .route("/admin/federation", web::get().to(federation))
        .route("/admin/federation/mode", web::post().to(set_mode))
        .route("/admin/federation/domain", web::post().to(set_domain))
        .route("/admin/federation/weight", web::post().to(set_weight))
        .route("/admin/words", web::get().to(words))
        .route("/admin/words", web::post().to(add_word))
        .route("/admin/terms", web::get().to(terms))
        .route("/admin/terms", web::post().to(publish_terms))
        .route("/admin/roles", web::get().to(roles))
        .route("/admin/roles", web::post().to(set_role))
        .route("/admin/audit", web::get().to(audit))
        .route("/admin/branding", web::get().to(branding_page))
        .route("/admin/branding", web::post().to(save_branding))
        .route("/admin/branding/preview.css", web::get().to(preview_css));
}

/// The admins and instance moderators; a 403 page for anyone else.
fn staff(viewer: &Viewer) -> Result<Actor> {
    let actor = viewer.require()?;
    require_staff_moderator(&actor)?;
    Ok(actor)
}

fn admin_only(viewer: &Viewer) -> Result<Actor> {
    let actor = staff(viewer)?;
    if actor.is_admin() {
        Ok(actor)
    } else {
        Err(Error::forbidden("only this server's admins do this"))
    }
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexPage {
    page: Page,
    admin: bool,
}

async fn index(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let actor = staff(&viewer)?;
    let page = Page::new(&app, &viewer, t("admin.title")).await?;
    ok(IndexPage {
        page,
        admin: actor.is_admin(),
    })
}

async fn reports_queue(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let actor = staff(&viewer)?;
    let found = reports::admin_queue(&app, &actor, Listing::default()).await?;
    let page = Page::new(&app, &viewer, t("admin.reports")).await?;
    ok(ReportsPage {
        page,
        group: None,
        reports: found.items.iter().map(ReportRow::of).collect(),
        here: "/admin/reports".into(),
    })
}

async fn review_queue(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let actor = staff(&viewer)?;
    let held = review::queue(&app, &actor, None).await?;
    let page = Page::new(&app, &viewer, t("admin.review")).await?;
    ok(ReviewPage {
        page,
        group: None,
        held: held_rows(held),
        here: "/admin/review".into(),
    })
}

struct Pending {
    name: String,
    email: Option<String>,
    since: String,
}

#[derive(Template)]
#[template(path = "admin/registrations.html")]
struct RegistrationsPage {
    page: Page,
    pending: Vec<Pending>,
}

async fn registrations(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let actor = admin_only(&viewer)?;
    let pending = accounts::pending_registrations(&app, &actor)
        .await?
        .into_iter()
        .map(|a| Pending {
            name: a.person.name,
            email: a.user.email,
            since: a.user.created_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();
    let page = Page::new(&app, &viewer, t("admin.registrations")).await?;
    ok(RegistrationsPage { page, pending })
}

#[derive(Deserialize)]
struct DecideForm {
    person: String,
    action: String,
}

async fn decide_registration(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<DecideForm>,
) -> Result<HttpResponse> {
    let actor = admin_only(&viewer)?;
    let approve = match form.action.as_str() {
        "approve" => true,
        "reject" => false,
        other => return Err(Error::bad_request(format!("no action {other:?}"))),
    };
    accounts::decide_registration(&app, Some(&actor), &form.person, approve).await?;
    Ok(see_other("/admin/registrations"))
}

struct DomainRow {
    domain: String,
    policy_key: &'static str,
    weight: String,
    dead: bool,
}

fn domain_policy_key(p: DomainPolicy) -> &'static str {
    match p {
        DomainPolicy::Open => "admin.policy_open",
        DomainPolicy::Allowed => "admin.policy_allowed",
        DomainPolicy::Silenced => "admin.policy_silenced",
        DomainPolicy::Blocked => "admin.policy_blocked",
    }
}

#[derive(Template)]
#[template(path = "admin/federation.html")]
struct FederationPage {
    page: Page,
    /// (mode, catalogue key, current).
    modes: Vec<(&'static str, &'static str, bool)>,
    domains: Vec<DomainRow>,
    /// (policy, catalogue key).
    policies: Vec<(&'static str, &'static str)>,
    problem: Option<String>,
}

async fn federation(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    federation_page(&app, &viewer, None).await
}

async fn federation_page(
    app: &App,
    viewer: &Viewer,
    problem: Option<String>,
) -> Result<HttpResponse> {
    let actor = staff(viewer)?;
    let (mode, instances) = policy::overview(app, Some(&actor)).await?;
    let page = Page::new(app, viewer, t("admin.federation")).await?;
    let status = problem_status(&problem);
    render(
        FederationPage {
            page,
            problem,
            modes: policy::MODES
                .iter()
                .map(|m| {
                    let key = if *m == "open" {
                        "admin.mode_open"
                    } else {
                        "admin.mode_allowlist"
                    };
                    (*m, key, *m == mode)
                })
                .collect(),
            domains: instances
                .iter()
                .map(|i| DomainRow {
                    domain: i.domain.clone(),
                    policy_key: domain_policy_key(i.policy),
                    weight: format!("{}", i.vote_weight),
                    dead: i.dead,
                })
                .collect(),
            policies: DomainPolicy::ALL
                .iter()
                .map(|p| (p.as_str(), domain_policy_key(*p)))
                .collect(),
        },
        status,
    )
}

#[derive(Deserialize)]
struct ModeForm {
    mode: String,
}

async fn set_mode(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<ModeForm>,
) -> Result<HttpResponse> {
    let actor = staff(&viewer)?;
    let done = policy::set_mode(&app, Some(&actor), &form.mode).await;
    back_or_problem(done, "/admin/federation", |p| {
        federation_page(&app, &viewer, p)
    })
    .await
}

#[derive(Deserialize)]
struct DomainForm {
    domain: String,
    policy: String,
}

async fn set_domain(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<DomainForm>,
) -> Result<HttpResponse> {
    let actor = staff(&viewer)?;
    let done = policy::set_policy(&app, Some(&actor), &form.domain, &form.policy).await;
    back_or_problem(done, "/admin/federation", |p| {
        federation_page(&app, &viewer, p)
    })
    .await
}

#[derive(Deserialize)]
struct WeightForm {
    domain: String,
    weight: String,
}

async fn set_weight(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<WeightForm>,
) -> Result<HttpResponse> {
    let actor = staff(&viewer)?;
    let done = match form.weight.trim().parse::<f64>() {
        Ok(weight) => {
            reputation_admin::set_vote_weight(&app, Some(&actor), &form.domain, weight).await
        }
        Err(_) => Err(Error::unprocessable(
            "a vote weight is a number between 0 and 10",
        )),
    };
    back_or_problem(done, "/admin/federation", |p| {
        federation_page(&app, &viewer, p)
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/words.html")]
struct WordsPage {
    page: Page,
    words: Vec<super::moderate::WordRow>,
    word_actions: Vec<(&'static str, &'static str)>,
    problem: Option<String>,
}

async fn words(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    words_page(&app, &viewer, None).await
}

async fn words_page(app: &App, viewer: &Viewer, problem: Option<String>) -> Result<HttpResponse> {
    let actor = staff(viewer)?;
    let list = review::words(app, &actor, None).await?;
    let page = Page::new(app, viewer, t("admin.words")).await?;
    let status = problem_status(&problem);
    render(
        WordsPage {
            page,
            words: word_rows(list),
            word_actions: word_actions(),
            problem,
        },
        status,
    )
}

#[derive(Deserialize)]
struct WordForm {
    word: String,
    action: String,
}

async fn add_word(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<WordForm>,
) -> Result<HttpResponse> {
    let actor = staff(&viewer)?;
    let done = review::add_word(&app, &actor, None, &form.word, &form.action).await;
    back_or_problem(done, "/admin/words", |p| words_page(&app, &viewer, p)).await
}

#[derive(Template)]
#[template(path = "admin/terms.html")]
struct TermsPage {
    page: Page,
    /// (version, published, sanitized HTML).
    current: Option<(i64, String, String)>,
    body: String,
    problem: Option<String>,
}

async fn terms(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    terms_page(&app, &viewer, None).await
}

async fn terms_page(app: &App, viewer: &Viewer, problem: Option<String>) -> Result<HttpResponse> {
    admin_only(viewer)?;
    let current = match terms::current(app).await {
        Ok(t) => Some(t),
        Err(e) if e.kind == ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let page = Page::new(app, viewer, t("admin.terms")).await?;
    let status = problem_status(&problem);
    render(
        TermsPage {
            page,
            problem,
            body: current.as_ref().map(|t| t.body.clone()).unwrap_or_default(),
            current: current.map(|t| {
                (
                    t.version,
                    t.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    markdown::render(&t.body),
                )
            }),
        },
        status,
    )
}

#[derive(Deserialize)]
struct TermsForm {
    body: String,
}

async fn publish_terms(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<TermsForm>,
) -> Result<HttpResponse> {
    let actor = admin_only(&viewer)?;
    let done = terms::publish(&app, &actor, &form.body).await;
    back_or_problem(done, "/admin/terms", |p| terms_page(&app, &viewer, p)).await
}

#[derive(Template)]
#[template(path = "admin/roles.html")]
struct RolesPage {
    page: Page,
    /// (role, catalogue key).
    roles: Vec<(&'static str, &'static str)>,
    done: Option<String>,
    problem: Option<String>,
}

fn instance_role_key(r: InstanceRole) -> &'static str {
    match r {
        InstanceRole::Admin => "admin.role_admin",
        InstanceRole::Moderator => "admin.role_moderator",
        InstanceRole::Staff => "admin.role_staff",
        InstanceRole::User => "admin.role_user",
    }
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn roles(app: web::Data<App>, viewer: Viewer, q: web::Query<Done>) -> Result<HttpResponse> {
    roles_page(&app, &viewer, q.into_inner().done, None).await
}

async fn roles_page(
    app: &App,
    viewer: &Viewer,
    done: Option<String>,
    problem: Option<String>,
) -> Result<HttpResponse> {
    admin_only(viewer)?;
    let page = Page::new(app, viewer, t("admin.roles")).await?;
    let status = problem_status(&problem);
    render(
        RolesPage {
            page,
            roles: InstanceRole::ALL
                .iter()
                .map(|r| (r.as_str(), instance_role_key(*r)))
                .collect(),
            done,
            problem,
        },
        status,
    )
}

#[derive(Deserialize)]
struct RoleForm {
    person: String,
    role: String,
}

async fn set_role(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<RoleForm>,
) -> Result<HttpResponse> {
    let actor = admin_only(&viewer)?;
    let account = match accounts::set_role(&app, Some(&actor), form.person.trim(), &form.role).await
    {
        Ok(a) => a,
        Err(e) if fixable(&e) => return roles_page(&app, &viewer, None, Some(e.detail)).await,
        Err(e) => return Err(e),
    };
    let done = format!(
        "{}: {}",
        account.person.name,
        t(instance_role_key(account.user.role))
    );
    Ok(see_other(&format!(
        "/admin/roles?done={}",
        super::errors::urlencode(&done)
    )))
}

struct AuditRow {
    when: String,
    action: String,
    moderator: String,
    group: Option<String>,
    person: Option<String>,
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    lines: Vec<AuditRow>,
}

async fn audit(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse> {
    let actor = staff(&viewer)?;
    let limit = app.config.limits.page_size * 2;
    let lines = modlog::list(&app, Some(&actor), Query::default(), true, limit).await?;
    let page = Page::new(&app, &viewer, t("admin.audit")).await?;
    let handle =
        |p: &crate::store::people::Person| crate::community::handle(&p.name, p.local, &p.ap_id);
    ok(AuditPage {
        page,
        lines: lines
            .iter()
            .map(|l| AuditRow {
                when: l.action.created_at.format("%Y-%m-%d %H:%M").to_string(),
                action: l.action.action.clone(),
                moderator: l
                    .moderator
                    .as_ref()
                    .map(handle)
                    .unwrap_or_else(|| t("admin.the_server").to_string()),
                group: l
                    .group
                    .as_ref()
                    .map(|g| crate::community::handle(&g.name, g.local, &g.ap_id)),
                person: l.person.as_ref().map(handle),
                reason: l.action.reason.clone(),
            })
            .collect(),
    })
}

/// The branding form's fields, as sent.
#[derive(Deserialize, Default)]
struct BrandingForm {
    site_name: String,
    logo_url: String,
    accent_colour: String,
    introduction: String,
    /// One link a line: `Label | URL`.
    footer_links: String,
    custom_css: String,
    /// `preview` or `save`.
    step: Option<String>,
}

impl BrandingForm {
    fn of(site: &Site) -> BrandingForm {
        BrandingForm {
            site_name: site.name.clone(),
            logo_url: site.logo_url.clone().unwrap_or_default(),
            accent_colour: site.accent.clone().unwrap_or_default(),
            introduction: site.introduction.clone(),
            footer_links: site
                .footer_links
                .iter()
                .map(|l| format!("{} | {}", l.label, l.url))
                .collect::<Vec<_>>()
                .join("\n"),
            custom_css: site.custom_css.clone(),
            step: None,
        }
    }

    fn input(&self) -> Result<BrandingInput> {
        let mut links = Vec::new();
        for line in self.footer_links.lines().filter(|l| !l.trim().is_empty()) {
            let (label, url) = line.rsplit_once('|').ok_or_else(|| {
                Error::unprocessable(format!(
                    "write each footer link as Label | address, not {:?}",
                    line.trim()
                ))
            })?;
            links.push(FooterLink {
                label: label.trim().to_string(),
                url: url.trim().to_string(),
            });
        }
        Ok(BrandingInput {
            site_name: self.site_name.clone(),
            logo_url: Some(self.logo_url.clone()),
            accent_colour: Some(self.accent_colour.clone()),
            introduction: self.introduction.clone(),
            footer_links: links,
            custom_css: self.custom_css.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "admin/branding.html")]
struct BrandingPage {
    page: Page,
    form: BrandingForm,
    problem: Option<String>,
    /// Shown with the unsaved values (the page's frame shows them too).
    preview: bool,
    /// The preview's style sheet (its accent colour).
    preview_css: Option<String>,
    saved: bool,
}

#[derive(Deserialize)]
struct Saved {
    saved: Option<String>,
}

async fn branding_page(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<Saved>,
) -> Result<HttpResponse> {
    let actor = admin_only(&viewer)?;
    let site = branding::get(&app, &actor).await?;
    let page = Page::new(&app, &viewer, t("admin.branding")).await?;
    ok(BrandingPage {
        page,
        form: BrandingForm::of(&site),
        problem: None,
        preview: false,
        preview_css: None,
        saved: q.saved.is_some(),
    })
}

async fn save_branding(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<BrandingForm>,
) -> Result<HttpResponse> {
    let actor = admin_only(&viewer)?;
    let form = form.into_inner();
    let checked = form.input().and_then(branding::check);
    let wants_preview = form.step.as_deref() == Some("preview");
    let problem = match checked {
        Ok(checked) if wants_preview => {
            // The page drawn with the unsaved branding around it.
            let mut page = Page::new(&app, &viewer, t("admin.branding")).await?;
            page.site = Arc::new(checked.site());
            let preview_css = checked.input().accent_colour.as_ref().map(|c| {
                format!(
                    "/admin/branding/preview.css?accent={}",
                    super::errors::urlencode(c)
                )
            });
            return ok(BrandingPage {
                page,
                form,
                problem: None,
                preview: true,
                preview_css,
                saved: false,
            });
        }
        Ok(_) => match branding::save(&app, &actor, form.input()?).await {
            Ok(_) => return Ok(see_other("/admin/branding?saved=1")),
            Err(e) => e,
        },
        Err(e) => e,
    };
    if !shown_on_form(&problem) {
        return Err(problem);
    }
    let page = Page::new(&app, &viewer, t("admin.branding")).await?;
    render(
        BrandingPage {
            page,
            form,
            problem: Some(problem.detail),
            preview: false,
            preview_css: None,
            saved: false,
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[derive(Deserialize)]
struct PreviewCss {
    accent: String,
}

/// The preview's accent colour as a style sheet (the pages allow no
/// inline style).
async fn preview_css(viewer: Viewer, q: web::Query<PreviewCss>) -> Result<HttpResponse> {
    admin_only(&viewer)?;
    let checked = branding::check(BrandingInput {
        site_name: "preview".into(),
        accent_colour: Some(q.accent.clone()),
        ..BrandingInput::default()
    })?;
    let css = checked.site().stylesheet();
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(css))
}

//! Account settings (signed in): the profile (display name, bio in
//! Markdown), the password (the current one first; every other session
//! ends), the email address and how often mail comes, the delivery of
//! each kind of notification, the live sessions (sign out one, or every
//! other), and the people blocked. Each section is its own form; a
//! refusal shows the page again with the problem in its section.

use super::forms::shown_on_form;
use super::forms::Posted;
use super::page::{t, Page};
use super::session::Viewer;
use super::{render, see_other};
use crate::community::accounts::{self, Account, SessionView};
use crate::community::email::{self, MailSettings, SettingsEdit};
use crate::community::{blocks, handle, Actor};
use crate::error::{Error, Result};
use crate::input::{self, Source};
use crate::notifications::{reading, Delivery, Kind};
use crate::store::mail::Frequency;
use crate::store::people::{Person, SessionKind};
use crate::App;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(show))
        .route("/settings/profile", web::post().to(profile))
        .route("/settings/password", web::post().to(password))
        .route("/settings/email", web::post().to(mail))
        .route("/settings/notifications", web::post().to(preferences))
        .route("/settings/sessions/others/end", web::post().to(end_others))
        .route("/settings/sessions/{id}/end", web::post().to(end_session))
        .route(
            "/settings/blocked/{handle}/unblock",
            web::post().to(unblock),
        );
}

/// What was just saved (the notice the page shows after a form).
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Saved {
    Profile,
    Password,
    Email,
    Notifications,
    Session,
    Sessions,
    Unblocked,
    /// Someone was blocked from their page.
    Blocked,
}

impl Saved {
    fn message(self) -> &'static str {
        t(match self {
            Saved::Profile => "settings.saved_profile",
            Saved::Password => "settings.saved_password",
            Saved::Email => "settings.saved_email",
            Saved::Notifications => "settings.saved_notifications",
            Saved::Session => "settings.saved_session",
            Saved::Sessions => "settings.saved_sessions",
            Saved::Unblocked => "settings.saved_unblocked",
            Saved::Blocked => "settings.saved_blocked",
        })
    }

    fn path(self) -> &'static str {
        match self {
            Saved::Profile => "/settings?done=profile#profile",
            Saved::Password => "/settings?done=password#password",
            Saved::Email => "/settings?done=email#email",
            Saved::Notifications => "/settings?done=notifications#notifications",
            Saved::Session => "/settings?done=session#sessions",
            Saved::Sessions => "/settings?done=sessions#sessions",
            Saved::Unblocked => "/settings?done=unblocked#blocked",
            Saved::Blocked => "/settings?done=blocked#blocked",
        }
    }
}

/// A form's refusal, in its section.
#[derive(Default)]
struct Problems {
    profile: Option<String>,
    password: Option<String>,
    email: Option<String>,
    notifications: Option<String>,
}

struct Preference {
    kind: Kind,
    delivery: Delivery,
}

impl Preference {
    fn label(&self) -> String {
        t(&format!("prefs.{}", self.kind.as_str())).to_string()
    }
    fn name(&self) -> &'static str {
        self.kind.as_str()
    }
}

struct SessionRow {
    id: i64,
    current: bool,
    web: bool,
    user_agent: String,
    created: String,
    last_used: String,
}

struct Blocked {
    handle: String,
    shown: String,
}

#[derive(Template)]
#[template(path = "account/settings.html")]
struct SettingsPage {
    page: Page,
    notice: Option<&'static str>,
    problems: Problems,
    display_name: String,
    bio: String,
    mail: MailSettings,
    mail_enabled: bool,
    frequencies: [(Frequency, &'static str); 3],
    deliveries: [(Delivery, &'static str); 3],
    preferences: Vec<Preference>,
    sessions: Vec<SessionRow>,
    blocked: Vec<Blocked>,
}

impl SettingsPage {
    fn frequency_is(&self, f: &Frequency) -> bool {
        self.mail.frequency == *f
    }
}

impl Preference {
    fn is(&self, d: &Delivery) -> bool {
        self.delivery == *d
    }
}

fn when(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn session_row(s: SessionView) -> SessionRow {
    SessionRow {
        id: s.session.id,
        current: s.current,
        web: s.session.kind == SessionKind::Web,
        user_agent: s.session.user_agent.unwrap_or_default(),
        created: when(s.session.created_at),
        last_used: when(s.session.last_used_at),
    }
}

fn blocked_row(p: Person) -> Blocked {
    let handle = handle(&p.name, p.local, &p.ap_id);
    Blocked {
        shown: p
            .display_name
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| handle.clone()),
        handle,
    }
}

/// The signed-in account (a visitor is sent to sign in).
fn account(viewer: &Viewer) -> Result<(&Account, Actor)> {
    let actor = viewer.require()?;
    let account = viewer
        .account
        .as_ref()
        .ok_or_else(|| Error::unauthorized("sign in to do this"))?;
    Ok((account, actor))
}

async fn settings_page(
    app: &App,
    viewer: &Viewer,
    notice: Option<Saved>,
    problems: Problems,
) -> Result<SettingsPage> {
    let (account, actor) = account(viewer)?;
    let mail = email::settings(app, account).await?;
    let preferences = reading::preferences(app, &actor)
        .await?
        .into_iter()
        .map(|(kind, delivery)| Preference { kind, delivery })
        .collect();
    let sessions = accounts::sessions(app, account, viewer.token.as_deref())
        .await?
        .into_iter()
        .map(session_row)
        .collect();
    let blocked = blocks::list(app, &actor, 0)
        .await?
        .into_iter()
        .map(blocked_row)
        .collect();
    Ok(SettingsPage {
        page: Page::new(app, viewer, t("settings.title")).await?,
        notice: notice.map(Saved::message),
        problems,
        display_name: account.person.display_name.clone().unwrap_or_default(),
        bio: account.person.bio_source.clone().unwrap_or_default(),
        mail,
        mail_enabled: app.config.smtp.configured(),
        frequencies: [
            (Frequency::Immediate, t("settings.frequency_immediate")),
            (Frequency::Daily, t("settings.frequency_daily")),
            (Frequency::Never, t("settings.frequency_never")),
        ],
        deliveries: [
            (Delivery::App, t("settings.delivery_app")),
            (Delivery::Email, t("settings.delivery_email")),
            (Delivery::Off, t("settings.delivery_off")),
        ],
        preferences,
        sessions,
        blocked,
    })
}

#[derive(Deserialize)]
struct Done {
    done: Option<Saved>,
}

async fn show(app: web::Data<App>, viewer: Viewer, q: web::Query<Done>) -> Result<HttpResponse> {
    viewer.require()?;
    super::ok(settings_page(&app, &viewer, q.done, Problems::default()).await?)
}

/// After a form: to the page with its notice, or the page again with the
/// problem in its section.
async fn answer(
    app: &App,
    viewer: &Viewer,
    done: Result<()>,
    saved: Saved,
    place: impl FnOnce(&mut Problems, String),
) -> Result<HttpResponse> {
    match done {
        Ok(()) => Ok(see_other(saved.path())),
        Err(e) if shown_on_form(&e) => {
            let mut problems = Problems::default();
            let status = e.kind.status();
            place(&mut problems, e.detail);
            render(settings_page(app, viewer, None, problems).await?, status)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ProfileForm {
    display_name: String,
    bio: String,
}

async fn profile(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<ProfileForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let done = async {
        input::check("the display name", &form.display_name, Source::Line)?;
        input::check("the bio", &form.bio, Source::Text)?;
        let edit = accounts::ProfileEdit {
            display_name: Some(form.display_name),
            bio: Some(form.bio),
        };
        accounts::update_profile(&app, &actor, edit).await.map(drop)
    }
    .await;
    answer(&app, &viewer, done, Saved::Profile, |p, e| {
        p.profile = Some(e)
    })
    .await
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    password: String,
}

async fn password(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<PasswordForm>,
) -> Result<HttpResponse> {
    let (account, _) = account(&viewer)?;
    let form = form.into_inner();
    let done = async {
        input::check("the new password", &form.password, Source::Line)?;
        accounts::change_password(
            &app,
            account,
            &form.current,
            form.password,
            viewer.token.as_deref(),
        )
        .await
    }
    .await;
    answer(&app, &viewer, done, Saved::Password, |p, e| {
        p.password = Some(e)
    })
    .await
}

#[derive(Deserialize)]
struct MailForm {
    address: String,
    frequency: String,
}

fn frequency(s: &str) -> Result<Frequency> {
    [Frequency::Immediate, Frequency::Daily, Frequency::Never]
        .into_iter()
        .find(|f| f.as_str() == s)
        .ok_or_else(|| Error::bad_request(format!("no mail frequency {s:?}")))
}

async fn mail(app: web::Data<App>, viewer: Viewer, form: Posted<MailForm>) -> Result<HttpResponse> {
    let (account, _) = account(&viewer)?;
    let form = form.into_inner();
    let done = async {
        let address = form.address.trim().to_string();
        input::check("the address", &address, Source::Line)?;
        let edit = SettingsEdit {
            // An empty field leaves the address as it is.
            address: Some(address).filter(|a| !a.is_empty()),
            frequency: Some(frequency(&form.frequency)?),
        };
        email::update_settings(&app, account, edit).await.map(drop)
    }
    .await;
    answer(&app, &viewer, done, Saved::Email, |p, e| p.email = Some(e)).await
}

fn delivery(s: &str) -> Result<Delivery> {
    [Delivery::App, Delivery::Email, Delivery::Off]
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| Error::bad_request(format!("no delivery {s:?}")))
}

/// Each kind's field names the kind; its value, the delivery.
async fn preferences(
    app: web::Data<App>,
    viewer: Viewer,
    form: Posted<HashMap<String, String>>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let done = async {
        let choices = Kind::ALL
            .into_iter()
            .filter_map(|k| form.get(k.as_str()).map(|d| (k, d)))
            .map(|(k, d)| Ok((k, delivery(d)?)))
            .collect::<Result<Vec<_>>>()?;
        reading::set_preferences(&app, &actor, choices)
            .await
            .map(drop)
    }
    .await;
    answer(&app, &viewer, done, Saved::Notifications, |p, e| {
        p.notifications = Some(e)
    })
    .await
}

#[derive(Deserialize)]
struct Empty {}

async fn end_session(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let (account, _) = account(&viewer)?;
    accounts::end_session(&app, account, id.into_inner()).await?;
    Ok(see_other(Saved::Session.path()))
}

async fn end_others(
    app: web::Data<App>,
    viewer: Viewer,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let (account, _) = account(&viewer)?;
    let token = viewer
        .token
        .as_deref()
        .ok_or_else(|| Error::unauthorized("sign in to do this"))?;
    accounts::end_other_sessions(&app, account, token).await?;
    Ok(see_other(Saved::Sessions.path()))
}

async fn unblock(
    app: web::Data<App>,
    viewer: Viewer,
    handle: web::Path<String>,
    _form: Posted<Empty>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    blocks::unblock(&app, &actor, &handle).await?;
    Ok(see_other(Saved::Unblocked.path()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_has_a_label() {
        for k in crate::notifications::Kind::ALL {
            let key = format!("prefs.{}", k.as_str());
            assert!(
                super::super::page::catalogue().contains_key(&key),
                "{key} missing from locales/en.toml"
            );
        }
    }
}

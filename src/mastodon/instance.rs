//! `GET /api/v1/instance` and `/api/v2/instance`: what apps read to know
//! the server — its name, limits, sign-up mode, and the version, which
//! claims Mastodon 4.3.0 compatibility (apps choose endpoints by it).

use super::entities::{
    AccountLimits, ApiVersions, Configuration, Contact, Enabled, InstanceStats, InstanceUrls,
    InstanceV1, InstanceV2, MediaLimits, PollLimits, Registrations, StatusLimits, Thumbnail,
    UrlLimits, Usage, UsageUsers, Vapid,
};
use crate::community::public;
use crate::config::RegistrationMode;
use crate::error::Result;
use crate::App;
use actix_web::{web, HttpResponse};

pub fn v1_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/instance", web::get().to(v1))
        .route("/instance/", web::get().to(v1));
}

pub fn v2_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/instance", web::get().to(v2))
        .route("/instance/", web::get().to(v2));
}

/// The version apps read: Mastodon's API level this server speaks, then
/// what it is.
pub fn version() -> String {
    format!(
        "4.3.0 (compatible; Guildhall {})",
        env!("CARGO_PKG_VERSION")
    )
}

fn streaming(app: &App) -> String {
    app.config
        .base_url()
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1)
}

fn configuration(app: &App) -> Configuration {
    let limits = &app.config.limits;
    let base = app.config.base_url();
    Configuration {
        urls: UrlLimits {
            streaming: streaming(app),
            status: None,
            about: format!("{base}/about"),
            privacy_policy: None,
            terms_of_service: Some(format!("{base}/terms")),
        },
        accounts: AccountLimits {
            max_featured_tags: 0,
            max_pinned_statuses: 0,
        },
        statuses: StatusLimits {
            // A status is a thread's body (or a comment's): the smaller
            // of the two limits, counted in bytes here.
            max_characters: limits.post_body_bytes.min(limits.comment_body_bytes),
            max_media_attachments: 0,
            characters_reserved_per_url: 23,
        },
        media_attachments: MediaLimits {
            supported_mime_types: Vec::new(),
            image_size_limit: app.config.media.max_upload_bytes,
            image_matrix_limit: 0,
            video_size_limit: 0,
            video_frame_rate_limit: 0,
            video_matrix_limit: 0,
        },
        polls: PollLimits {
            max_options: 0,
            max_characters_per_option: 0,
            min_expiration: 0,
            max_expiration: 0,
        },
        translation: Enabled { enabled: false },
        vapid: Vapid {
            public_key: String::new(),
        },
    }
}

async fn v1(app: web::Data<App>) -> Result<HttpResponse> {
    let usage = public::usage(&app).await?;
    let site = app.site.get(&app).await?;
    let summary = site.introduction.lines().next().unwrap_or("").to_string();
    Ok(HttpResponse::Ok().json(InstanceV1 {
        uri: app.config.domain(),
        title: site.name.clone(),
        short_description: summary,
        description: site.introduction_html.clone(),
        email: String::new(),
        version: version(),
        urls: InstanceUrls {
            streaming_api: streaming(&app),
        },
        stats: InstanceStats {
            user_count: usage.users,
            status_count: usage.local_posts + usage.local_comments,
            domain_count: 0,
        },
        thumbnail: site.logo_url.clone(),
        languages: vec!["en".to_string()],
        registrations: app.config.registration != RegistrationMode::Closed,
        approval_required: app.config.registration == RegistrationMode::Approval,
        invites_enabled: false,
        configuration: configuration(&app),
        contact_account: None,
        rules: Vec::new(),
    }))
}

async fn v2(app: web::Data<App>) -> Result<HttpResponse> {
    let usage = public::usage(&app).await?;
    let site = app.site.get(&app).await?;
    let base = app.config.base_url();
    Ok(HttpResponse::Ok().json(InstanceV2 {
        domain: app.config.domain(),
        title: site.name.clone(),
        version: version(),
        source_url: format!("{base}/about"),
        description: site.introduction.clone(),
        usage: Usage {
            users: UsageUsers {
                active_month: usage.active_month,
            },
        },
        thumbnail: Thumbnail {
            url: site
                .logo_url
                .clone()
                .unwrap_or_else(|| format!("{base}{}", crate::web::assets::url("icon.svg"))),
        },
        languages: vec!["en".to_string()],
        configuration: configuration(&app),
        registrations: Registrations {
            enabled: app.config.registration != RegistrationMode::Closed,
            approval_required: app.config.registration == RegistrationMode::Approval,
            message: None,
            url: Some(format!("{base}/signup")),
        },
        contact: Contact {
            email: String::new(),
            account: None,
        },
        rules: Vec::new(),
        api_versions: ApiVersions { mastodon: 2 },
    }))
}

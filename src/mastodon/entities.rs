//! Mastodon's entity shapes, as its apps read them.

use serde::Serialize;

/// `POST /api/v1/apps`, `GET /api/v1/apps/verify_credentials`.
#[derive(Serialize)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub website: Option<String>,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub redirect_uris: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// No Web Push here: empty.
    pub vapid_key: String,
}

/// `POST /oauth/token`.
#[derive(Serialize)]
pub struct Token {
    pub access_token: String,
    pub token_type: &'static str,
    pub scope: String,
    pub created_at: i64,
}

/// OAuth's error answer (RFC 6749, 5.2).
#[derive(Serialize)]
pub struct OAuthError {
    pub error: &'static str,
    pub error_description: String,
}

/// Nothing (`{}`), as `POST /oauth/revoke` answers.
#[derive(Serialize)]
pub struct Empty {}

#[derive(Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub verified_at: Option<String>,
}

#[derive(Serialize)]
pub struct Emoji {
    pub shortcode: String,
    pub url: String,
    pub static_url: String,
    pub visible_in_picker: bool,
}

#[derive(Serialize)]
pub struct Source {
    pub note: String,
    pub fields: Vec<Field>,
    pub privacy: &'static str,
    pub sensitive: bool,
    pub language: String,
    pub follow_requests_count: i64,
}

#[derive(Serialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub acct: String,
    pub display_name: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub group: bool,
    pub created_at: String,
    pub note: String,
    pub url: String,
    pub uri: String,
    pub avatar: String,
    pub avatar_static: String,
    pub header: String,
    pub header_static: String,
    pub followers_count: i64,
    pub following_count: i64,
    pub statuses_count: i64,
    pub last_status_at: Option<String>,
    pub emojis: Vec<Emoji>,
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

#[derive(Serialize)]
pub struct Rule {
    pub id: String,
    pub text: String,
    pub hint: String,
}

#[derive(Serialize)]
pub struct InstanceUrls {
    pub streaming_api: String,
}

#[derive(Serialize)]
pub struct InstanceStats {
    pub user_count: i64,
    pub status_count: i64,
    pub domain_count: i64,
}

#[derive(Serialize)]
pub struct StatusLimits {
    pub max_characters: usize,
    pub max_media_attachments: usize,
    pub characters_reserved_per_url: usize,
}

#[derive(Serialize)]
pub struct MediaLimits {
    pub supported_mime_types: Vec<&'static str>,
    pub image_size_limit: usize,
    pub image_matrix_limit: u64,
    pub video_size_limit: usize,
    pub video_frame_rate_limit: u64,
    pub video_matrix_limit: u64,
}

#[derive(Serialize)]
pub struct PollLimits {
    pub max_options: usize,
    pub max_characters_per_option: usize,
    pub min_expiration: u64,
    pub max_expiration: u64,
}

#[derive(Serialize)]
pub struct AccountLimits {
    pub max_featured_tags: usize,
    pub max_pinned_statuses: usize,
}

#[derive(Serialize)]
pub struct UrlLimits {
    pub streaming: String,
    pub status: Option<String>,
    pub about: String,
    pub privacy_policy: Option<String>,
    pub terms_of_service: Option<String>,
}

#[derive(Serialize)]
pub struct Configuration {
    pub urls: UrlLimits,
    pub accounts: AccountLimits,
    pub statuses: StatusLimits,
    pub media_attachments: MediaLimits,
    pub polls: PollLimits,
    pub translation: Enabled,
    pub vapid: Vapid,
}

#[derive(Serialize)]
pub struct Enabled {
    pub enabled: bool,
}

#[derive(Serialize)]
pub struct Vapid {
    pub public_key: String,
}

/// `GET /api/v1/instance`.
#[derive(Serialize)]
pub struct InstanceV1 {
    pub uri: String,
    pub title: String,
    pub short_description: String,
    pub description: String,
    pub email: String,
    pub version: String,
    pub urls: InstanceUrls,
    pub stats: InstanceStats,
    pub thumbnail: Option<String>,
    pub languages: Vec<String>,
    pub registrations: bool,
    pub approval_required: bool,
    pub invites_enabled: bool,
    pub configuration: Configuration,
    pub contact_account: Option<Account>,
    pub rules: Vec<Rule>,
}

#[derive(Serialize)]
pub struct Usage {
    pub users: UsageUsers,
}

#[derive(Serialize)]
pub struct UsageUsers {
    pub active_month: i64,
}

#[derive(Serialize)]
pub struct Thumbnail {
    pub url: String,
}

#[derive(Serialize)]
pub struct Registrations {
    pub enabled: bool,
    pub approval_required: bool,
    pub message: Option<String>,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct Contact {
    pub email: String,
    pub account: Option<Account>,
}

#[derive(Serialize)]
pub struct ApiVersions {
    pub mastodon: u32,
}

/// `GET /api/v2/instance`.
#[derive(Serialize)]
pub struct InstanceV2 {
    pub domain: String,
    pub title: String,
    pub version: String,
    pub source_url: String,
    pub description: String,
    pub usage: Usage,
    pub thumbnail: Thumbnail,
    pub languages: Vec<String>,
    pub configuration: Configuration,
    pub registrations: Registrations,
    pub contact: Contact,
    pub rules: Vec<Rule>,
    pub api_versions: ApiVersions,
}

#[derive(Serialize)]
pub struct Mention {
    pub id: String,
    pub username: String,
    pub url: String,
    pub acct: String,
}

/// A thread (its content starts with the title) or a comment (a reply).
#[derive(Serialize)]
pub struct Status {
    pub id: String,
    pub uri: String,
    pub url: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub account: Account,
    pub content: String,
    pub visibility: &'static str,
    pub sensitive: bool,
    pub spoiler_text: String,
    pub media_attachments: Vec<Empty>,
    pub application: Option<Empty>,
    pub mentions: Vec<Mention>,
    pub tags: Vec<Empty>,
    pub emojis: Vec<Emoji>,
    pub reblogs_count: i64,
    pub favourites_count: i64,
    pub replies_count: i64,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub reblog: Option<Empty>,
    pub poll: Option<Empty>,
    pub card: Option<Empty>,
    pub language: Option<String>,
    pub text: Option<String>,
    pub favourited: bool,
    pub reblogged: bool,
    pub muted: bool,
    pub bookmarked: bool,
    pub pinned: bool,
    pub filtered: Vec<Empty>,
}

#[derive(Serialize)]
pub struct Context {
    pub ancestors: Vec<Status>,
    pub descendants: Vec<Status>,
}

#[derive(Serialize)]
pub struct Relationship {
    pub id: String,
    pub following: bool,
    pub showing_reblogs: bool,
    pub notifying: bool,
    pub languages: Option<Vec<String>>,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub requested: bool,
    pub requested_by: bool,
    pub domain_blocking: bool,
    pub endorsed: bool,
    pub note: String,
}

#[derive(Serialize)]
pub struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub created_at: String,
    pub account: Account,
    pub status: Option<Status>,
}

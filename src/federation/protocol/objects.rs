//! Objects: threads (`Page`), comments (`Note`) and `Tombstone` as this
//! server serves and sends them; actors are `objects::person` and
//! `objects::group`, content as read from peers `objects::incoming`.

use crate::federation::objects::{Mention, Source};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub attributed_to: String,
    /// The title.
    pub name: String,
    pub content: String,
    pub media_type: Option<String>,
    pub source: Option<Source>,
    pub audience: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    #[serde(default)]
    pub tag: Vec<Mention>,
    #[serde(default)]
    pub sensitive: bool,
    pub comments_enabled: Option<bool>,
    pub stickied: Option<bool>,
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    /// Guildhall's kind of thread: discussion, question, idea or article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_kind: Option<String>,
    /// A question's accepted answer (schema.org `acceptedAnswer`); null
    /// on a question without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_answer: Option<Option<String>>,
    /// An idea's status (`sc:creativeWorkStatus`), set on its group's
    /// server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idea_status: Option<String>,
    /// The public response that came with the idea's last status change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idea_response: Option<String>,
    /// When the idea's status last changed: a server applies a status
    /// only when it is newer than the one it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idea_status_changed: Option<DateTime<Utc>>,
    /// For a duplicate: the idea it duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// An article's summary (HTML; Mastodon shows it with the title and
    /// the link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// An article's cover image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageRef>,
    /// Its images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<super::media::ImageAttachment>,
}

/// An image by its URL (`{"type": "Image", "url": ...}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageRef {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub attributed_to: String,
    pub in_reply_to: Option<String>,
    pub content: String,
    pub media_type: Option<String>,
    pub source: Option<Source>,
    pub audience: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    #[serde(default)]
    pub tag: Vec<Mention>,
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    /// Its images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<super::media::ImageAttachment>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub former_type: Option<String>,
    pub deleted: Option<DateTime<Utc>>,
}

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
    /// Its images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<super::media::ImageAttachment>,
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

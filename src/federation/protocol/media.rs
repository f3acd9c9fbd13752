//! An image attached to a thread or comment, as sent (`Image`, with the
//! fields Mastodon reads: `mediaType`, `name` as alt text, `blurhash`,
//! `width`, `height`) and as received from peers (`Image`, `Document`,
//! or Lemmy's `Link` to an image).

use serde::{Deserialize, Serialize};
use url::Url;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageAttachment {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: Url,
    pub media_type: String,
    /// The alt text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blurhash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
}

/// An attachment as peers write it: any of the fields may be missing or of
/// another shape (read as absent).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentIn {
    #[serde(rename = "type", default, deserialize_with = "super::lenient")]
    pub kind: Option<String>,
    /// `Image` and `Document`: a URL, a Link object or a list of them.
    #[serde(default)]
    pub url: Option<serde_json::Value>,
    /// `Link` (Lemmy's image posts).
    #[serde(default, deserialize_with = "super::lenient")]
    pub href: Option<Url>,
    #[serde(default, deserialize_with = "super::lenient")]
    pub media_type: Option<String>,
    #[serde(default, deserialize_with = "super::lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::lenient")]
    pub blurhash: Option<String>,
    #[serde(default, deserialize_with = "super::lenient")]
    pub width: Option<i32>,
    #[serde(default, deserialize_with = "super::lenient")]
    pub height: Option<i32>,
}

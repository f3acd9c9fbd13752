//! Threads and comments as other servers send them: Lemmy and Mbin `Page`
//! and `Note`, Mastodon and Pleroma `Note`, PeerTube `Video`, and
//! `Article`, `Question`, `Event`. Parsing is tolerant of the shapes peers
//! use for the same field (a string, an object with an `id`, or a list of
//! either) and strict about what matters (ids are URLs).

use super::PUBLIC;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use url::Url;

/// Object types that become threads or comments here.
pub const CONTENT_TYPES: &[&str] = &["Note", "Page", "Article", "Question", "Video", "Event"];

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomingObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(default, deserialize_with = "urls")]
    pub attributed_to: Vec<Url>,
    /// The title (threads).
    #[serde(default, deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub content: Option<String>,
    pub media_type: Option<String>,
    pub source: Option<Value>,
    #[serde(default, deserialize_with = "first_url")]
    pub in_reply_to: Option<Url>,
    #[serde(default, deserialize_with = "urls")]
    pub audience: Vec<Url>,
    #[serde(default, deserialize_with = "urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "urls")]
    pub cc: Vec<Url>,
    #[serde(default, deserialize_with = "list")]
    pub tag: Vec<Value>,
    #[serde(default, deserialize_with = "first_url")]
    pub url: Option<Url>,
    /// Links and media; a Lemmy link post carries its link here.
    #[serde(default, deserialize_with = "list")]
    pub attachment: Vec<Value>,
    pub published: Option<DateTime<Utc>>,
    /// When its author last edited it: the version an `Update` carries.
    pub updated: Option<DateTime<Utc>>,
    /// Guildhall's kind of thread (`question`, ...), when a Guildhall
    /// server sent it.
    #[serde(default, deserialize_with = "text")]
    pub thread_kind: Option<String>,
    /// A question's accepted answer: absent (not said), null (none) or a
    /// comment's id.
    #[serde(default, deserialize_with = "accepted")]
    pub accepted_answer: Option<Option<Url>>,
    /// An idea's status, as its group's server set it (see
    /// `federation::ideas`).
    #[serde(default, deserialize_with = "text")]
    pub idea_status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub idea_response: Option<String>,
    #[serde(default, deserialize_with = "crate::federation::protocol::lenient")]
    pub idea_status_changed: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "first_url")]
    pub duplicate_of: Option<Url>,
    /// An article's summary (HTML).
    #[serde(default, deserialize_with = "text")]
    pub summary: Option<String>,
    /// An article's cover: an Image (or a list of them), or a URL.
    #[serde(default, deserialize_with = "list")]
    pub image: Vec<Value>,
}

/// A `tag` entry as read: a Mention names an actor in `href`.
#[derive(Deserialize)]
struct Tag {
    #[serde(
        rename = "type",
        default,
        deserialize_with = "crate::federation::protocol::lenient"
    )]
    kind: Option<String>,
    #[serde(default, deserialize_with = "crate::federation::protocol::lenient")]
    href: Option<Url>,
}

/// `source` as read: the author's text and its media type.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceIn {
    #[serde(default, deserialize_with = "crate::federation::protocol::lenient")]
    media_type: Option<String>,
    #[serde(default, deserialize_with = "crate::federation::protocol::lenient")]
    content: Option<String>,
}

/// Tells an absent `acceptedAnswer` (None) from a null one (Some(None));
/// anything but a URL or an object with an `id` URL counts as null.
fn accepted<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Url>>, D::Error> {
    let v = Value::deserialize(d)?;
    let id = match &v {
        Value::String(s) => Some(s.as_str()),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    };
    Ok(Some(id.and_then(|s| Url::parse(s).ok())))
}

impl IncomingObject {
    pub fn parse(value: &Value) -> Result<IncomingObject, String> {
        serde_json::from_value(super::types::with_one_type(value.clone()))
            .map_err(|e| format!("malformed object: {e}"))
    }

    pub fn is_content(&self) -> bool {
        CONTENT_TYPES.contains(&self.kind.as_str())
    }

    /// Everyone and everything the object is addressed to or mentions:
    /// where to look for the group it belongs to.
    pub fn addressees(&self) -> Vec<Url> {
        let mut all: Vec<Url> = self
            .audience
            .iter()
            .chain(&self.to)
            .chain(&self.cc)
            .filter(|u| u.as_str() != PUBLIC)
            .cloned()
            .collect();
        all.extend(self.mentions());
        // PeerTube names a video's channel (a Group) among its authors.
        all.extend(self.attributed_to.iter().cloned());
        let mut seen = std::collections::HashSet::new();
        all.retain(|u| seen.insert(u.clone()));
        all
    }

    /// The `href` of every Mention tag.
    pub fn mentions(&self) -> Vec<Url> {
        self.tag
            .iter()
            .filter_map(|t| Tag::deserialize(t).ok())
            .filter(|t| t.kind.as_deref() == Some("Mention"))
            .filter_map(|t| t.href)
            .collect()
    }

    /// An article's summary as plain text.
    pub fn summary_text(&self) -> Option<String> {
        self.summary
            .as_deref()
            .map(|s| plain_text(s).trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// The URL of an article's cover image: the first image's `url` (a
    /// string, or a Link's `href`), or the image given as a URL.
    pub fn image_url(&self) -> Option<Url> {
        let first = self.image.first()?;
        match first {
            Value::Object(o) => match o.get("url")? {
                Value::Array(list) => list.first().and_then(link_href),
                one => link_href(one),
            },
            other => link_href(other),
        }
    }

    /// The names of the `Hashtag` tags, without their `#`.
    pub fn hashtags(&self) -> Vec<String> {
        self.tag
            .iter()
            .filter(|t| t.get("type").and_then(Value::as_str) == Some("Hashtag"))
            .filter_map(|t| t.get("name").and_then(Value::as_str))
            .map(|n| n.trim_start_matches('#').to_string())
            .collect()
    }

    /// The author's Markdown, when the sender kept it beside the HTML.
    pub fn markdown_source(&self) -> Option<String> {
        let s = SourceIn::deserialize(self.source.as_ref()?).ok()?;
        (s.media_type.as_deref() == Some("text/markdown"))
            .then(|| s.content.map(|c| c.replace('\0', "")))
            .flatten()
    }

    /// The HTML body; plain-text or Markdown-only bodies are escaped, and a
    /// link-only post (a Lemmy link, a PeerTube video) shows its link. The
    /// status line a Guildhall server adds to an idea for other software
    /// is left out: the status is shown from `ideaStatus`.
    pub fn html(&self) -> String {
        let mut html = match (&self.content, self.media_type.as_deref()) {
            (Some(c), Some("text/markdown")) => crate::community::markdown::render(c),
            (Some(c), Some("text/plain")) => format!("<p>{}</p>", escape(c)),
            (Some(c), _) if self.idea_status.is_some() => {
                crate::federation::ideas::without_status_line(c).to_string()
            }
            (Some(c), _) => c.clone(),
            (None, _) => String::new(),
        };
        let links = self
            .url
            .iter()
            .filter(|_| self.kind != "Note")
            .cloned()
            .chain(self.attachment.iter().filter_map(value_url));
        for link in links {
            if link != self.id && !html.contains(link.as_str()) {
                html.push_str(&format!(
                    "<p><a href=\"{0}\">{0}</a></p>",
                    escape(link.as_str())
                ));
            }
        }
        html
    }

    /// The title of a thread: `name`, or else the first line of the text
    /// without leading mentions, cut to `max_chars`.
    pub fn title(&self, max_chars: usize) -> String {
        let from_name = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let title = match from_name {
            Some(n) => n.to_string(),
            None => first_line(&plain_text(self.content.as_deref().unwrap_or(""))),
        };
        let title = if title.is_empty() {
            "(untitled)".to_string()
        } else {
            title
        };
        cut(&title, max_chars)
    }

    pub fn published_naive(&self) -> Option<NaiveDateTime> {
        self.published.map(|p| p.naive_utc())
    }

    /// The version of the object an `Update` carries: `updated`, else
    /// `published`, to the microsecond both stores keep.
    pub fn version(&self) -> Option<NaiveDateTime> {
        use chrono::SubsecRound;
        self.updated
            .or(self.published)
            .map(|t| t.naive_utc().trunc_subsecs(6))
    }
}

/// The text of some HTML, one line per paragraph or line break.
pub fn plain_text(html: &str) -> String {
    let broken = html
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n")
        .replace("</p>", "\n");
    let stripped = ammonia::Builder::empty().clean(&broken).to_string();
    unescape(&stripped)
}

/// The first non-empty line, without the mentions it starts with.
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let words: Vec<&str> = line
        .split_whitespace()
        .skip_while(|w| w.starts_with('@'))
        .collect();
    if words.is_empty() {
        line.to_string()
    } else {
        words.join(" ")
    }
}

fn cut(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The id of an entry that is a URL string, an object with an `id`, or a
/// `Link` with an `href`.
pub fn value_url(v: &Value) -> Option<Url> {
    match v {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(o) => o
            .get("id")
            .or_else(|| o.get("href"))
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}

/// A URL given as a string or as a Link with an `href`.
fn link_href(v: &Value) -> Option<Url> {
    match v {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(o) => o
            .get("href")
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}

/// A field that may be one value or a list.
fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        one => vec![one],
    })
}

/// URLs from a string, an object with an id, or a list of either; the
/// compact forms of Public (`as:Public`, `Public`) become the full one, and
/// entries that are not URLs are dropped.
pub fn urls<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Url>, D::Error> {
    Ok(list(d)?
        .iter()
        .filter_map(|v| match v.as_str() {
            Some("as:Public" | "Public") => Url::parse(PUBLIC).ok(),
            _ => value_url(v),
        })
        .collect())
}

fn first_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Url>, D::Error> {
    Ok(urls(d)?.into_iter().next())
}

/// A string field that some servers send as null or as a language map.
/// NUL characters are dropped: they mean nothing in text, and PostgreSQL
/// cannot store them.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let found = match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Object(map) => map.values().find_map(|v| v.as_str().map(str::to_string)),
        _ => None,
    };
    Ok(found.map(|s| s.replace('\0', "")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_shapes_peers_use_for_one_field() {
        let o = IncomingObject::parse(&json!({
            "type": "Video",
            "id": "https://tube.example/videos/watch/1",
            "attributedTo": [
                {"type": "Person", "id": "https://tube.example/accounts/kim"},
                {"type": "Group", "id": "https://tube.example/video-channels/kim_channel"}
            ],
            "name": "A video",
            "to": "https://www.w3.org/ns/activitystreams#Public",
            "cc": ["as:Public", "https://tube.example/accounts/kim/followers"],
            "tag": {"type": "Hashtag", "name": "#x"},
            "inReplyTo": null,
            "url": [{"type": "Link", "href": "https://tube.example/v/1"}]
        }))
        .unwrap();
        assert_eq!(o.attributed_to.len(), 2);
        assert_eq!(o.cc[0].as_str(), PUBLIC, "as:Public is Public");
        assert_eq!(
            o.addressees().len(),
            3,
            "the followers collection and both authors (the channel is a group)"
        );
        assert_eq!(
            o.url.as_ref().map(Url::as_str),
            Some("https://tube.example/v/1")
        );
        assert!(o.in_reply_to.is_none());
        assert_eq!(o.tag.len(), 1);
        assert!(o.is_content());
    }

    #[test]
    fn a_mastodon_post_gets_its_first_line_as_title() {
        let o = IncomingObject::parse(&json!({
            "type": "Note",
            "id": "https://social.example/users/kim/statuses/1",
            "content": "<p><span class=\"h-card\"><a href=\"https://brand.example/g/support\">@<span>support</span></a></span> Printer &amp; scanner won&#39;t pair<br>Tried everything.</p>"
        }))
        .unwrap();
        assert_eq!(o.title(200), "Printer & scanner won't pair");
        assert_eq!(o.title(10), "Printer &…");
    }

    #[test]
    fn the_name_wins_and_an_empty_post_is_untitled() {
        let named = IncomingObject::parse(&json!({
            "type": "Page", "id": "https://l.example/post/1", "name": "  Hello  ", "content": "<p>x</p>"
        }))
        .unwrap();
        assert_eq!(named.title(200), "Hello");
        let empty =
            IncomingObject::parse(&json!({"type": "Note", "id": "https://l.example/c/1"})).unwrap();
        assert_eq!(empty.title(200), "(untitled)");
    }

    #[test]
    fn markdown_source_only_when_labelled() {
        let o = IncomingObject::parse(&json!({
            "type": "Page", "id": "https://l.example/post/1",
            "source": {"content": "**hi**", "mediaType": "text/markdown"}
        }))
        .unwrap();
        assert_eq!(o.markdown_source().as_deref(), Some("**hi**"));
    }

    #[test]
    fn ids_must_be_urls() {
        assert!(IncomingObject::parse(&json!({"type": "Note", "id": "not a url"})).is_err());
    }
}

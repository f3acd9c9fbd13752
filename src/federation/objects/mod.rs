//! The JSON shapes of the objects this server serves and reads: actors
//! (Person, Group, the instance's Application), threads (Page), comments
//! (Note), Tombstone and collections. One file per object; each builds its
//! JSON from our rows and parses what peers send.

pub mod collection;
pub mod comment;
pub mod group;
pub mod incoming;
pub mod instance;
pub mod media;
pub mod person;
pub mod post;
pub mod reporter;
pub mod tombstone;
pub mod types;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Addressing everyone.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// `@context` of everything served: ActivityStreams, the security
/// vocabulary (public keys), and the extension terms peers use.
pub fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "lemmy": "https://join-lemmy.org/ns#",
            "pt": "https://joinpeertube.org/ns#",
            "toot": "http://joinmastodon.org/ns#",
            "sc": "http://schema.org/",
            "sensitive": "as:sensitive",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
            "stickied": "lemmy:stickied",
            "commentsEnabled": "pt:commentsEnabled",
            "discoverable": "toot:discoverable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "moderators": {"@id": "lemmy:moderators", "@type": "@id"},
            "acceptedAnswer": {"@id": "sc:acceptedAnswer", "@type": "@id"},
            "threadKind": "sc:additionalType",
            "ideaStatus": "sc:creativeWorkStatus",
            "ideaResponse": "sc:comment",
            "ideaStatusChanged": "sc:dateModified",
            "duplicateOf": {"@id": "sc:sameAs", "@type": "@id"},
            "instanceRole": "sc:roleName"
        }
    ])
}

/// An object with `@context` in front, as served at its id.
#[derive(Serialize)]
pub struct WithContext<T> {
    #[serde(rename = "@context")]
    pub context: Value,
    #[serde(flatten)]
    pub inner: T,
}

impl<T> WithContext<T> {
    pub fn new(inner: T) -> Self {
        WithContext {
            context: context(),
            inner,
        }
    }
}

/// Markdown source kept beside rendered HTML.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub content: String,
    pub media_type: String,
}

impl Source {
    pub fn markdown(content: &str) -> Source {
        Source {
            content: content.to_string(),
            media_type: "text/markdown".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: String,
    pub owner: String,
    pub public_key_pem: String,
}

impl PublicKey {
    /// The key of actor `owner`, with the `#main-key` id peers expect.
    pub fn of(owner: &str, pem: &str) -> PublicKey {
        PublicKey {
            id: format!("{owner}#main-key"),
            owner: owner.to_string(),
            public_key_pem: pem.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    pub shared_inbox: Option<String>,
}

/// A mention of an actor, in `tag`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Mention {
    #[serde(rename = "type")]
    pub kind: String,
    pub href: String,
    pub name: Option<String>,
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// `@name@host` for a mention of the actor at `ap_id`.
pub fn mention_name(name: &str, ap_id: &str) -> String {
    let host = url::Url::parse(ap_id)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| u.port().map_or(h.to_string(), |p| format!("{h}:{p}")))
        })
        .unwrap_or_default();
    format!("@{name}@{host}")
}

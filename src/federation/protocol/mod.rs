//! The wire types: one Rust type per activity and object shape this server
//! sends or reads, used both ways (what we build is what we parse). Ids
//! are `url::Url`; fields peers write in several forms (one or many, an id
//! or an embedded object) read through the tolerant helpers below.
//!
//! `InboxActivity` is the dispatch on `type`, and [`disposition`] is the one
//! rule saying what the inbox does with a parsed activity: the inbox acts
//! on it and `guildhall federation inspect` describes it, so the two cannot
//! drift.

pub mod activities;
pub mod collections;
pub mod dispatch;
pub mod media;
pub mod objects;

pub use dispatch::{disposition, Action, InboxActivity, Skip};

use crate::error::{Error, Result};
use crate::federation::objects::incoming::value_url;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

/// One of our own ids (built from `public_url`) as a URL.
pub fn url(s: &str) -> Result<Url> {
    Url::parse(s).map_err(|e| Error::internal(format!("{s:?} is not a URL"), e))
}

/// Several of our own ids as URLs.
pub fn urls<S: AsRef<str>>(list: &[S]) -> Result<Vec<Url>> {
    list.iter().map(|s| url(s.as_ref())).collect()
}

/// A typed value as the JSON sent or stored.
pub fn encode<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::internal("cannot encode an activity", e))
}

/// An actor given as its id or as an embedded object with an `id`.
pub fn one_url<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Url, D::Error> {
    value_url(&Value::deserialize(d)?).ok_or_else(|| serde::de::Error::custom("not a URL"))
}

/// An optional id, embedded or referenced; anything else reads as absent
/// (a peer's odd extra field never refuses the whole activity).
pub fn lenient_url<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Url>, D::Error> {
    Ok(value_url(&Value::deserialize(d)?))
}

/// An optional field of type `T`; a value of another shape reads as absent.
pub fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> std::result::Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(d)?).ok())
}

/// The essentials of an embedded object or activity, or of a bare id: what
/// a verb reads before it knows which shape to expect.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    #[serde(default, deserialize_with = "lenient_url")]
    pub id: Option<Url>,
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient_url")]
    pub actor: Option<Url>,
    /// Present (whatever its shape) on activities, absent on objects.
    #[serde(default)]
    pub object: Option<Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub former_type: Option<String>,
}

impl Head {
    pub fn of(v: &Value) -> Head {
        match v {
            Value::Object(_) => Head::deserialize(v).unwrap_or_default(),
            other => Head {
                id: value_url(other),
                ..Head::default()
            },
        }
    }

    /// Whether it is an activity (it has an actor and an object) rather
    /// than an object.
    pub fn is_activity(&self) -> bool {
        self.actor.is_some() && self.object.as_ref().is_some_and(|o| !o.is_null())
    }

    /// The object's id, embedded or referenced.
    pub fn object_id(&self) -> Option<Url> {
        self.object.as_ref().and_then(value_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_head_reads_ids_embedded_or_referenced() {
        let h = Head::of(&json!("https://a.example/1"));
        assert_eq!(h.id.unwrap().as_str(), "https://a.example/1");
        let h = Head::of(&json!({"id": "https://a.example/2", "type": "Like",
            "actor": {"id": "https://a.example/u"}, "object": "https://a.example/3"}));
        assert_eq!(h.kind.as_deref(), Some("Like"));
        assert!(h.is_activity());
        assert_eq!(h.object_id().unwrap().as_str(), "https://a.example/3");
        let h = Head::of(&json!({"id": 5, "type": ["x"], "formerType": "Page"}));
        assert_eq!(
            h,
            Head {
                former_type: Some("Page".into()),
                ..Head::default()
            }
        );
    }
}

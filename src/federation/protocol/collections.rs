//! Collections: `OrderedCollection` (moderators, featured threads,
//! outboxes) and `Collection` (followers and following).

use crate::federation::objects::incoming::urls;
use serde::{Deserialize, Serialize};
use url::Url;

/// Any collection as read from a peer: its members, from `orderedItems`
/// or `items` (one or many, ids or embedded objects).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteCollection {
    #[serde(default, deserialize_with = "urls")]
    pub ordered_items: Vec<Url>,
    #[serde(default, deserialize_with = "urls")]
    pub items: Vec<Url>,
}

impl RemoteCollection {
    pub fn members(&self) -> impl Iterator<Item = &Url> {
        self.ordered_items.iter().chain(&self.items)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection<T> {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub total_items: i64,
    pub ordered_items: Vec<T>,
}

impl<T> OrderedCollection<T> {
    pub fn of(id: &str, items: Vec<T>) -> Self {
        OrderedCollection {
            kind: "OrderedCollection".into(),
            id: id.to_string(),
            total_items: items.len() as i64,
            ordered_items: items,
        }
    }
}

/// `Collection`: followers and following. Lemmy reads these as a
/// `Collection` with `totalItems` and an `items` list, and cannot read one
/// without `items`; Mastodon and Mbin read `totalItems`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection<T> {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub total_items: i64,
    /// Always present; empty where the count alone is public.
    pub items: Vec<T>,
}

impl<T> Collection<T> {
    pub fn counted(id: &str, total: i64) -> Self {
        Collection {
            kind: "Collection".into(),
            id: id.to_string(),
            total_items: total,
            items: Vec::new(),
        }
    }
}

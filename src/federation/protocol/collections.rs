//! Collections: `OrderedCollection` (moderators, featured threads,
//! outboxes) and `Collection` (followers and following).

use serde::{Deserialize, Serialize};

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

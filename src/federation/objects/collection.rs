//! `OrderedCollection`: followers (a count), moderators and featured threads.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection<T> {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub total_items: i64,
    /// Left out where only the count is public (followers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<T>>,
}

impl<T> OrderedCollection<T> {
    pub fn counted(id: &str, total: i64) -> Self {
        OrderedCollection {
            kind: "OrderedCollection".into(),
            id: id.to_string(),
            total_items: total,
            ordered_items: None,
        }
    }

    pub fn of(id: &str, items: Vec<T>) -> Self {
        OrderedCollection {
            kind: "OrderedCollection".into(),
            id: id.to_string(),
            total_items: items.len() as i64,
            ordered_items: Some(items),
        }
    }
}

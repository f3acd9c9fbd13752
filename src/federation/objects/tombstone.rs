//! What a deleted object answers with (status 410).

pub use crate::federation::protocol::objects::Tombstone;
use chrono::{DateTime, Utc};

impl Tombstone {
    pub fn new(id: &str, former_type: &str, deleted: Option<DateTime<Utc>>) -> Tombstone {
        Tombstone {
            kind: "Tombstone".into(),
            id: id.to_string(),
            former_type: Some(former_type.to_string()),
            deleted,
        }
    }
}

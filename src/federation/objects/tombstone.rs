//! What a deleted object answers with (status 410).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub former_type: Option<String>,
    pub deleted: Option<DateTime<Utc>>,
}

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

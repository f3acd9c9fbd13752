//! The reporting actor (`Service`, at `/actor/reports`): it sends the
//! reports this server forwards, so that no reporter is named. Not the
//! instance actor, because Lemmy takes reports only from actors it reads as
//! a person (`Person`, `Service` or `Organization`) and refuses an
//! `Application`. It signs with the instance's key pair: both are this
//! server speaking, and a second key would be one more secret to keep.

use super::{utc, Endpoints, PublicKey};
use crate::store::instances::Instance;
use serde::Serialize;

/// Its `preferredUsername`: a dot, so that no local account (letters,
/// digits and `_`) can have the same name on this host.
pub const NAME: &str = "reports.bot";

/// Its id.
pub fn actor_id(base: &str) -> String {
    format!("{base}/actor/reports")
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReporterObject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub preferred_username: &'static str,
    pub name: String,
    pub summary: String,
    pub inbox: String,
    pub endpoints: Endpoints,
    pub public_key: PublicKey,
    pub manually_approves_followers: bool,
    pub published: chrono::DateTime<chrono::Utc>,
}

impl ReporterObject {
    pub fn new(instance: &Instance, base: &str, site_name: &str) -> ReporterObject {
        let id = actor_id(base);
        ReporterObject {
            kind: "Service",
            preferred_username: NAME,
            name: format!("{site_name} reports"),
            summary: "Sends the reports this server's moderators forward.".into(),
            inbox: format!("{base}/inbox"),
            endpoints: Endpoints {
                shared_inbox: Some(format!("{base}/inbox")),
            },
            public_key: PublicKey::of(&id, instance.public_key.as_deref().unwrap_or_default()),
            manually_approves_followers: true,
            published: utc(instance.created_at),
            id,
        }
    }
}

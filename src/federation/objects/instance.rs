//! The instance actor (`Application`): it signs this server's fetches and
//! the reports it forwards, so peers in secure mode answer them.

use super::{utc, Endpoints, PublicKey};
use crate::store::instances::Instance;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceObject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub preferred_username: String,
    pub name: String,
    pub inbox: String,
    pub outbox: String,
    pub endpoints: Endpoints,
    pub public_key: PublicKey,
    pub manually_approves_followers: bool,
    pub published: chrono::DateTime<chrono::Utc>,
}

impl InstanceObject {
    pub fn new(instance: &Instance, actor_id: &str, base: &str, site_name: &str) -> InstanceObject {
        InstanceObject {
            kind: "Application",
            id: actor_id.to_string(),
            preferred_username: instance.domain.clone(),
            name: site_name.to_string(),
            inbox: format!("{base}/inbox"),
            outbox: format!("{actor_id}/outbox"),
            endpoints: Endpoints {
                shared_inbox: Some(format!("{base}/inbox")),
            },
            public_key: PublicKey::of(actor_id, instance.public_key.as_deref().unwrap_or_default()),
            manually_approves_followers: true,
            published: utc(instance.created_at),
        }
    }
}

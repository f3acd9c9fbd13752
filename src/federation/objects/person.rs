//! A person: `Person` (or `Service` for bots).

use super::{utc, Endpoints, PublicKey, Source};
use crate::store::people::Person;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The actor types read as people; anything else is not a person. An
/// `Application` is another server's instance actor (it signs fetches):
/// kept, like a `Service`, as a bot.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum PersonKind {
    Person,
    Service,
    Application,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonObject {
    #[serde(rename = "type", deserialize_with = "super::types::one_type")]
    pub kind: PersonKind,
    pub id: String,
    pub preferred_username: String,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub source: Option<Source>,
    pub inbox: String,
    pub outbox: Option<String>,
    pub followers: Option<String>,
    pub following: Option<String>,
    pub endpoints: Option<Endpoints>,
    pub public_key: PublicKey,
    pub url: Option<String>,
    #[serde(default)]
    pub manually_approves_followers: bool,
    pub discoverable: Option<bool>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    /// This server's role of a local person (staff, moderator, admin);
    /// absent for members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_role: Option<String>,
}

impl PersonObject {
    pub fn from_row(p: &Person) -> PersonObject {
        PersonObject {
            kind: if p.bot {
                PersonKind::Service
            } else {
                PersonKind::Person
            },
            id: p.ap_id.clone(),
            preferred_username: p.name.clone(),
            name: p.display_name.clone(),
            summary: p.bio_html.clone(),
            source: p.bio_source.as_deref().map(Source::markdown),
            inbox: p.inbox_url.clone(),
            outbox: Some(format!("{}/outbox", p.ap_id)),
            followers: Some(format!("{}/followers", p.ap_id)),
            following: Some(format!("{}/following", p.ap_id)),
            endpoints: Some(Endpoints {
                shared_inbox: p.shared_inbox_url.clone(),
            }),
            public_key: PublicKey::of(&p.ap_id, &p.public_key),
            url: Some(p.ap_id.clone()),
            manually_approves_followers: false,
            discoverable: Some(true),
            published: Some(utc(p.created_at)),
            updated: Some(utc(p.updated_at)),
            instance_role: None,
        }
    }

    /// The same, with the person's instance role when it is not "user".
    pub fn with_role(mut self, role: Option<&str>) -> PersonObject {
        self.instance_role = role.filter(|r| *r != "user").map(str::to_string);
        self
    }
}

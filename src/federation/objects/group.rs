//! A group or club: `Group` with the FEP-1b12 fields. A club (or any group
//! that admits by approval or invite) sets `manuallyApprovesFollowers`.

use super::{utc, Endpoints, PublicKey, Source};
use crate::store::groups::Group;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum GroupKind {
    Group,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupObject {
    #[serde(rename = "type", deserialize_with = "super::types::one_type")]
    pub kind: GroupKind,
    pub id: String,
    pub preferred_username: String,
    /// The title.
    pub name: Option<String>,
    pub summary: Option<String>,
    pub source: Option<Source>,
    pub inbox: String,
    pub outbox: Option<String>,
    pub followers: Option<String>,
    /// The moderators collection (Lemmy reads it from here). PeerTube puts
    /// a list of accounts here, which is not read.
    #[serde(default, deserialize_with = "plain_string")]
    pub attributed_to: Option<String>,
    pub moderators: Option<String>,
    pub featured: Option<String>,
    pub endpoints: Option<Endpoints>,
    pub public_key: PublicKey,
    pub url: Option<String>,
    #[serde(default)]
    pub manually_approves_followers: bool,
    #[serde(default)]
    pub posting_restricted_to_mods: bool,
    pub discoverable: Option<bool>,
    #[serde(default)]
    pub sensitive: bool,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
}

impl GroupObject {
    pub fn from_row(g: &Group) -> GroupObject {
        GroupObject {
            kind: GroupKind::Group,
            id: g.ap_id.clone(),
            preferred_username: g.name.clone(),
            name: Some(g.title.clone()),
            summary: g.description_html.clone(),
            source: g.description_source.as_deref().map(Source::markdown),
            inbox: g.inbox_url.clone(),
            outbox: g.outbox_url.clone(),
            followers: Some(g.followers_url.clone()),
            attributed_to: g.moderators_url.clone(),
            moderators: g.moderators_url.clone(),
            featured: g.featured_url.clone(),
            endpoints: Some(Endpoints {
                shared_inbox: g.shared_inbox_url.clone(),
            }),
            public_key: PublicKey::of(&g.ap_id, &g.public_key),
            url: Some(g.ap_id.clone()),
            manually_approves_followers: g.is_gated(),
            posting_restricted_to_mods: g.posting_restricted_to_mods,
            // Clubs are listed, but not offered for discovery.
            discoverable: Some(!g.is_private()),
            sensitive: false,
            published: Some(utc(g.created_at)),
            updated: Some(utc(g.updated_at)),
        }
    }
}

/// A field read only when it is a plain string.
fn plain_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

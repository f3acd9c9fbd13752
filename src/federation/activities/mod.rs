//! Incoming activities: one file per verb, each with its JSON shape and its
//! behaviour. The inbox reads the `type` first and parses the matching
//! shape: an unknown type is kept as `Unsupported` and skipped, never an
//! error that makes the sender retry forever.

pub mod accept;
pub mod announce;
pub mod block;
pub mod content;
pub mod create;
pub mod delete;
pub mod featured;
pub mod flag;
pub mod follow;
pub mod lock;
pub mod moderate;
pub mod moderators;
pub mod relayed;
pub mod undo;
pub mod update;
pub mod vote;

use self::content::Via;
use crate::community::groups::ModeratorChange;
use crate::error::{Error, Result};
use crate::federation::actors::check_origin;
use crate::federation::objects::incoming::value_url;
use crate::federation::objects::types::with_one_type;
use crate::store::deliveries;
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::traits::ActivityHandler;
use async_trait::async_trait;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

/// The activity types this server reads.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum Kind {
    Follow,
    Accept,
    Reject,
    Undo,
}

/// The common shape of activities that act on one object (Create, Update,
/// Delete, Like, Dislike, Announce): the object stays raw JSON until the
/// verb knows what it expects, and the whole activity is kept as received
/// so a group relays it unchanged.
#[derive(Debug, Clone, Deserialize)]
pub struct ObjectActivity {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(deserialize_with = "one_url")]
    pub actor: Url,
    pub object: Value,
    #[serde(skip)]
    pub raw: Value,
}

impl ObjectActivity {
    pub fn parse(value: Value) -> std::result::Result<ObjectActivity, serde_json::Error> {
        let mut a = ObjectActivity::deserialize(&value)?;
        a.raw = value;
        Ok(a)
    }

    /// The id of the object, embedded or referenced.
    pub fn object_id(&self) -> Result<Url> {
        value_url(&self.object)
            .ok_or_else(|| Error::bad_request(format!("{} names no object", self.kind)))
    }

    pub fn verify(&self) -> Result<()> {
        check_origin(&self.id, &self.actor)
    }
}

/// An actor given as its id or as an embedded object with an `id`.
pub fn one_url<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Url, D::Error> {
    value_url(&Value::deserialize(d)?).ok_or_else(|| serde::de::Error::custom("not a URL"))
}

#[derive(Debug)]
pub enum InboxActivity {
    Follow(follow::Follow),
    Accept(accept::Answer),
    Reject(accept::Answer),
    Undo(undo::Undo),
    Create(ObjectActivity),
    Update(ObjectActivity),
    Delete(ObjectActivity),
    Like(ObjectActivity),
    Dislike(ObjectActivity),
    Announce(ObjectActivity),
    Lock(ObjectActivity),
    Add(ObjectActivity),
    Remove(ObjectActivity),
    Block(ObjectActivity),
    Flag(flag::Flag),
    /// A well-formed activity of a type this server does not act on.
    Unsupported {
        kind: String,
        id: Url,
        actor: Url,
    },
}

impl InboxActivity {
    pub fn kind(&self) -> &str {
        match self {
            InboxActivity::Follow(_) => "Follow",
            InboxActivity::Accept(_) => "Accept",
            InboxActivity::Reject(_) => "Reject",
            InboxActivity::Undo(_) => "Undo",
            InboxActivity::Create(a)
            | InboxActivity::Update(a)
            | InboxActivity::Delete(a)
            | InboxActivity::Like(a)
            | InboxActivity::Dislike(a)
            | InboxActivity::Announce(a)
            | InboxActivity::Lock(a)
            | InboxActivity::Add(a)
            | InboxActivity::Remove(a)
            | InboxActivity::Block(a) => &a.kind,
            InboxActivity::Flag(a) => &a.kind,
            InboxActivity::Unsupported { kind, .. } => kind,
        }
    }

    /// Parses by `type`, explicitly (a list of types reads as the first
    /// one understood, here and in the embedded object).
    pub fn from_value(value: Value) -> std::result::Result<InboxActivity, String> {
        let value = with_one_type(value);
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .ok_or("the activity has no type")?
            .to_string();
        let parse_err = |e: serde_json::Error| format!("malformed {kind}: {e}");
        Ok(match kind.as_str() {
            "Follow" => InboxActivity::Follow(serde_json::from_value(value).map_err(parse_err)?),
            "Accept" => InboxActivity::Accept(serde_json::from_value(value).map_err(parse_err)?),
            "Reject" => InboxActivity::Reject(serde_json::from_value(value).map_err(parse_err)?),
            "Undo" => {
                let mut undo = undo::Undo::deserialize(&value).map_err(parse_err)?;
                undo.raw = value;
                InboxActivity::Undo(undo)
            }
            "Create" => InboxActivity::Create(ObjectActivity::parse(value).map_err(parse_err)?),
            "Update" => InboxActivity::Update(ObjectActivity::parse(value).map_err(parse_err)?),
            "Delete" => InboxActivity::Delete(ObjectActivity::parse(value).map_err(parse_err)?),
            "Like" => InboxActivity::Like(ObjectActivity::parse(value).map_err(parse_err)?),
            "Dislike" => InboxActivity::Dislike(ObjectActivity::parse(value).map_err(parse_err)?),
            "Announce" => InboxActivity::Announce(ObjectActivity::parse(value).map_err(parse_err)?),
            "Lock" => InboxActivity::Lock(ObjectActivity::parse(value).map_err(parse_err)?),
            "Add" => InboxActivity::Add(ObjectActivity::parse(value).map_err(parse_err)?),
            "Remove" => InboxActivity::Remove(ObjectActivity::parse(value).map_err(parse_err)?),
            "Block" => InboxActivity::Block(ObjectActivity::parse(value).map_err(parse_err)?),
            "Flag" => InboxActivity::Flag(serde_json::from_value(value).map_err(parse_err)?),
            _ => {
                let url = |field: &str| {
                    value
                        .get(field)
                        .and_then(value_url)
                        .ok_or(format!("the activity has no valid {field}"))
                };
                InboxActivity::Unsupported {
                    id: url("id")?,
                    actor: url("actor")?,
                    kind,
                }
            }
        })
    }

    pub fn verify_shape(&self) -> Result<()> {
        match self {
            InboxActivity::Follow(a) => a.verify(),
            InboxActivity::Accept(a) | InboxActivity::Reject(a) => a.verify(),
            InboxActivity::Undo(a) => a.verify(),
            InboxActivity::Create(a)
            | InboxActivity::Update(a)
            | InboxActivity::Delete(a)
            | InboxActivity::Like(a)
            | InboxActivity::Dislike(a)
            | InboxActivity::Announce(a)
            | InboxActivity::Lock(a)
            | InboxActivity::Add(a)
            | InboxActivity::Remove(a)
            | InboxActivity::Block(a) => a.verify(),
            InboxActivity::Flag(a) => a.verify(),
            InboxActivity::Unsupported { .. } => Ok(()),
        }
    }

    /// Acts on the activity once (a repeated id changes nothing).
    pub async fn receive_via(self, data: &Data<App>, via: Via) -> Result<()> {
        // Seen directly and seen inside a group's Announce are remembered
        // apart: a copy sent directly about a remote group's content is
        // skipped, and the same activity must still count when the group
        // relays it. Acting twice is harmless: every effect is idempotent.
        let id = match &via {
            Via::Direct => self.id().to_string(),
            Via::Group(_) => format!("{}#announced", self.id()),
        };
        // Recorded as received before acting, so that the event of the
        // change names a stored activity a local group relays as it came.
        let kind = self.kind().to_string();
        let raw = self
            .raw()
            .map_or_else(|| "{}".to_string(), Value::to_string);
        let record_id = id.clone();
        if !data
            .store
            .run(move |conn| deliveries::record_received(conn, &record_id, &kind, &raw))
            .await?
        {
            tracing::debug!(activity = %id, "repeated activity ignored");
            return Ok(());
        }
        let acted = self.act(data, via).await;
        if acted.is_err() {
            let forget_id = id.clone();
            data.store
                .run(move |conn| deliveries::forget_received(conn, &forget_id))
                .await?;
        }
        acted
    }

    /// The activity as received, for those a local group relays.
    fn raw(&self) -> Option<&Value> {
        match self {
            InboxActivity::Undo(a) => Some(&a.raw),
            InboxActivity::Create(a)
            | InboxActivity::Update(a)
            | InboxActivity::Delete(a)
            | InboxActivity::Like(a)
            | InboxActivity::Dislike(a)
            | InboxActivity::Announce(a)
            | InboxActivity::Lock(a)
            | InboxActivity::Add(a)
            | InboxActivity::Remove(a)
            | InboxActivity::Block(a) => Some(&a.raw),
            InboxActivity::Follow(_)
            | InboxActivity::Accept(_)
            | InboxActivity::Reject(_)
            | InboxActivity::Flag(_)
            | InboxActivity::Unsupported { .. } => None,
        }
    }

    async fn act(self, data: &Data<App>, via: Via) -> Result<()> {
        match (self, &via) {
            (InboxActivity::Follow(a), Via::Direct) => a.receive(data).await?,
            (InboxActivity::Accept(a) | InboxActivity::Reject(a), Via::Direct) => {
                a.receive(data).await?
            }
            (InboxActivity::Undo(a), _) => a.receive(data, via).await?,
            (InboxActivity::Create(a), _) => create::receive(data, a, via).await?,
            (InboxActivity::Update(a), _) => update::receive(data, a, via).await?,
            (InboxActivity::Delete(a), _) => delete::receive(data, a, via).await?,
            (InboxActivity::Like(a), _) => vote::receive(data, a, 1, via).await?,
            (InboxActivity::Dislike(a), _) => vote::receive(data, a, -1, via).await?,
            (InboxActivity::Announce(a), Via::Direct) => announce::receive(data, a).await?,
            (InboxActivity::Lock(a), _) => {
                let raw = a.raw.clone();
                lock::receive(data, a, true, via, &raw).await?
            }
            (InboxActivity::Add(a), _) => {
                match moderators::targeted_group(data.app_data(), &a, &via).await? {
                    Some(g) => moderators::receive(data, a, g, ModeratorChange::Added, via).await?,
                    None => featured::receive(data, a, true, via).await?,
                }
            }
            (InboxActivity::Remove(a), _) => {
                match moderators::targeted_group(data.app_data(), &a, &via).await? {
                    Some(g) => {
                        moderators::receive(data, a, g, ModeratorChange::Removed, via).await?
                    }
                    None => featured::receive(data, a, false, via).await?,
                }
            }
            (InboxActivity::Block(a), _) => {
                let raw = a.raw.clone();
                block::receive(data, a, true, via, &raw).await?
            }
            (InboxActivity::Flag(a), Via::Direct) => flag::receive(data, a).await?,
            (other, _) => {
                tracing::info!(activity = %other.id(), kind = other.kind(), "activity skipped: not acted on here, or not inside an Announce");
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for InboxActivity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        InboxActivity::from_value(value).map_err(serde::de::Error::custom)
    }
}

impl InboxActivity {
    /// The activity's id and actor, whatever its type.
    fn id_and_actor(&self) -> (&Url, &Url) {
        match self {
            InboxActivity::Follow(a) => (&a.id, &a.actor),
            InboxActivity::Accept(a) | InboxActivity::Reject(a) => (&a.id, &a.actor),
            InboxActivity::Undo(a) => (&a.id, &a.actor),
            InboxActivity::Create(a)
            | InboxActivity::Update(a)
            | InboxActivity::Delete(a)
            | InboxActivity::Like(a)
            | InboxActivity::Dislike(a)
            | InboxActivity::Announce(a)
            | InboxActivity::Lock(a)
            | InboxActivity::Add(a)
            | InboxActivity::Remove(a)
            | InboxActivity::Block(a) => (&a.id, &a.actor),
            InboxActivity::Flag(a) => (&a.id, &a.actor),
            InboxActivity::Unsupported { id, actor, .. } => (id, actor),
        }
    }
}

#[async_trait]
impl ActivityHandler for InboxActivity {
    type DataType = App;
    type Error = Error;

    fn id(&self) -> &Url {
        self.id_and_actor().0
    }

    fn actor(&self) -> &Url {
        self.id_and_actor().1
    }

    async fn verify(&self, _data: &Data<App>) -> Result<()> {
        self.verify_shape()
    }

    async fn receive(self, data: &Data<App>) -> Result<()> {
        self.receive_via(data, Via::Direct).await
    }
}

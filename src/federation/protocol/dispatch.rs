//! The dispatch on `type` of an incoming activity, and [`disposition`]:
//! which of the inbox's actions a parsed activity leads to. The inbox
//! (`activities::InboxActivity::receive_via`) and `federation inspect`
//! both take their decision from here.

use super::activities::{Answer, Flag, Follow, ObjectActivity, Undo, Undone};
use super::Head;
use crate::error::Result;
use crate::federation::objects::types::with_one_type;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum InboxActivity {
    Follow(Follow),
    Accept(Answer),
    Reject(Answer),
    Undo(Undo),
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
    Flag(Flag),
    /// A well-formed activity of a type this server does not act on.
    Unsupported {
        #[serde(rename = "type")]
        kind: String,
        id: Url,
        actor: Url,
    },
}

/// The fields every activity has, read before the type is known.
#[derive(Deserialize)]
struct Common {
    #[serde(default, deserialize_with = "super::lenient_url")]
    id: Option<Url>,
    #[serde(default, deserialize_with = "super::lenient_url")]
    actor: Option<Url>,
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
            | InboxActivity::Block(a) => a.kind.as_str(),
            InboxActivity::Flag(a) => a.kind.as_str(),
            InboxActivity::Unsupported { kind, .. } => kind,
        }
    }

    /// Parses by `type`, explicitly (a list of types reads as the first
    /// one understood, here and in the embedded object).
    pub fn from_value(value: Value) -> std::result::Result<InboxActivity, String> {
        let value = with_one_type(value);
        let kind = Head::of(&value).kind.ok_or("the activity has no type")?;
        let parse_err = |e: serde_json::Error| format!("malformed {kind}: {e}");
        let object = |value: Value| ObjectActivity::parse(value).map_err(parse_err);
        Ok(match kind.as_str() {
            "Follow" => InboxActivity::Follow(serde_json::from_value(value).map_err(parse_err)?),
            "Accept" => InboxActivity::Accept(serde_json::from_value(value).map_err(parse_err)?),
            "Reject" => InboxActivity::Reject(serde_json::from_value(value).map_err(parse_err)?),
            "Undo" => {
                let mut undo = Undo::deserialize(&value).map_err(parse_err)?;
                undo.raw = value;
                InboxActivity::Undo(undo)
            }
            "Create" => InboxActivity::Create(object(value)?),
            "Update" => InboxActivity::Update(object(value)?),
            "Delete" => InboxActivity::Delete(object(value)?),
            "Like" => InboxActivity::Like(object(value)?),
            "Dislike" => InboxActivity::Dislike(object(value)?),
            "Announce" => InboxActivity::Announce(object(value)?),
            "Lock" => InboxActivity::Lock(object(value)?),
            "Add" => InboxActivity::Add(object(value)?),
            "Remove" => InboxActivity::Remove(object(value)?),
            "Block" => InboxActivity::Block(object(value)?),
            "Flag" => InboxActivity::Flag(serde_json::from_value(value).map_err(parse_err)?),
            _ => {
                let common = Common::deserialize(&value).map_err(parse_err)?;
                InboxActivity::Unsupported {
                    id: common.id.ok_or("the activity has no valid id")?,
                    actor: common.actor.ok_or("the activity has no valid actor")?,
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

    /// The activity's id and actor, whatever its type.
    pub fn id_and_actor(&self) -> (&Url, &Url) {
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

impl<'de> Deserialize<'de> for InboxActivity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        InboxActivity::from_value(value).map_err(serde::de::Error::custom)
    }
}

/// How an activity reached us: sent to our inbox, or relayed inside a
/// remote group's Announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    Direct,
    Announced,
}

/// Why an activity is knowingly not acted on (the inbox answers 202).
#[derive(Debug, Clone, PartialEq)]
pub enum Skip {
    /// Acted on only when sent directly, not relayed in an Announce.
    OnlyDirect(&'static str),
    /// An Undo of a type that is not undone here (or of no type).
    UndoOf(Option<String>),
    /// A type this server does not act on.
    Unsupported(String),
}

/// What the inbox does with an activity. Undoing variants carry the Undo
/// as received beside the undone activity: that is what a local group
/// relays.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Follow(Follow),
    /// An Accept or a Reject of our Follow.
    Answer(Answer),
    UndoFollow(Follow),
    Create(ObjectActivity),
    Update(ObjectActivity),
    Delete(ObjectActivity),
    Restore(ObjectActivity, Value),
    /// +1 or -1.
    Vote(ObjectActivity, i32),
    /// The undone vote and the Undo's id.
    UndoVote(ObjectActivity, Url),
    /// A group relays the activity it carries.
    Announce(ObjectActivity),
    Lock(ObjectActivity),
    Unlock(ObjectActivity, Value),
    Pin(ObjectActivity),
    Unpin(ObjectActivity),
    Ban(ObjectActivity),
    Unban(ObjectActivity, Value),
    Flag(Flag),
    Skip(Skip),
}

/// The one rule of what the inbox does with a parsed (and shape-checked)
/// activity. A malformed undone activity is refused (400).
pub fn disposition(activity: InboxActivity, arrival: Arrival) -> Result<Action> {
    let direct = arrival == Arrival::Direct;
    let only_direct = |what| Ok(Action::Skip(Skip::OnlyDirect(what)));
    Ok(match activity {
        InboxActivity::Follow(_) if !direct => return only_direct("a Follow"),
        InboxActivity::Follow(f) => Action::Follow(f),
        InboxActivity::Accept(_) | InboxActivity::Reject(_) if !direct => {
            return only_direct("an answer to a Follow")
        }
        InboxActivity::Accept(a) | InboxActivity::Reject(a) => Action::Answer(a),
        InboxActivity::Undo(u) => match u.undone()? {
            Undone::Follow(_) if !direct => return only_direct("an Undo(Follow)"),
            Undone::Follow(f) => Action::UndoFollow(f),
            Undone::Vote(v) => Action::UndoVote(v, u.id.clone()),
            Undone::Lock(l) => Action::Unlock(l, u.raw),
            Undone::Block(b) => Action::Unban(b, u.raw),
            Undone::Delete(d) => Action::Restore(d, u.raw),
            Undone::Other(kind) => Action::Skip(Skip::UndoOf(kind)),
        },
        InboxActivity::Create(a) => Action::Create(a),
        InboxActivity::Update(a) => Action::Update(a),
        InboxActivity::Delete(a) => Action::Delete(a),
        InboxActivity::Like(a) => Action::Vote(a, 1),
        InboxActivity::Dislike(a) => Action::Vote(a, -1),
        InboxActivity::Announce(_) if !direct => return only_direct("an Announce"),
        InboxActivity::Announce(a) => Action::Announce(a),
        InboxActivity::Lock(a) => Action::Lock(a),
        InboxActivity::Add(a) => Action::Pin(a),
        InboxActivity::Remove(a) => Action::Unpin(a),
        InboxActivity::Block(a) => Action::Ban(a),
        InboxActivity::Flag(_) if !direct => return only_direct("a Flag"),
        InboxActivity::Flag(f) => Action::Flag(f),
        InboxActivity::Unsupported { kind, .. } => Action::Skip(Skip::Unsupported(kind)),
    })
}

//! Activities: the verbs this server sends and reads, each one shape used
//! both ways. Activities that act on one object (Create, Update, Delete,
//! Like, Dislike, Announce, Lock, Add, Remove, Block) share
//! [`ObjectActivity`]; Follow, Accept/Reject, Undo and Flag have their own.

use super::{encode, lenient, lenient_url, one_url, url, Head};
use crate::error::{Error, Result};
use crate::federation::objects::context;
use crate::federation::objects::incoming::{urls, value_url};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use url::Url;

/// Every activity type this server sends or acts on.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum Verb {
    Create,
    Update,
    Delete,
    Like,
    Dislike,
    Undo,
    Announce,
    Follow,
    Accept,
    Reject,
    Flag,
    Block,
    Lock,
    Add,
    Remove,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Create => "Create",
            Verb::Update => "Update",
            Verb::Delete => "Delete",
            Verb::Like => "Like",
            Verb::Dislike => "Dislike",
            Verb::Undo => "Undo",
            Verb::Announce => "Announce",
            Verb::Follow => "Follow",
            Verb::Accept => "Accept",
            Verb::Reject => "Reject",
            Verb::Flag => "Flag",
            Verb::Block => "Block",
            Verb::Lock => "Lock",
            Verb::Add => "Add",
            Verb::Remove => "Remove",
        }
    }

    /// The word our activity ids are made with (`/activities/like/...`).
    pub fn id_word(self) -> String {
        self.as_str().to_lowercase()
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `@context`: sent on every activity we build; read and kept when a peer
/// sends one.
fn no_context(c: &Option<Value>) -> bool {
    c.is_none()
}

/// An activity acting on one object. The object stays JSON until the verb
/// knows which shape it expects (an id, a Page, a Note, an activity); the
/// activity as received is kept in `raw`, so that a group relays it
/// unchanged, extra fields and all.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectActivity {
    #[serde(rename = "@context", default, skip_serializing_if = "no_context")]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: Verb,
    pub id: Url,
    #[serde(deserialize_with = "one_url")]
    pub actor: Url,
    pub object: Value,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "urls"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "urls"
    )]
    pub cc: Vec<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub audience: Option<Url>,
    /// The group of a ban (Block), the collection of Add and Remove.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub target: Option<Url>,
    /// A moderator's reason (Delete as a removal, Block).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub summary: Option<String>,
    /// A ban that also removes the person's content (Lemmy).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub remove_data: Option<bool>,
    /// When a ban ends.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub end_time: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub raw: Value,
}

/// The copy as received is not part of the value.
impl PartialEq for ObjectActivity {
    fn eq(&self, o: &Self) -> bool {
        (
            &self.context,
            self.kind,
            &self.id,
            &self.actor,
            &self.object,
            &self.to,
            &self.cc,
            &self.audience,
        ) == (
            &o.context,
            o.kind,
            &o.id,
            &o.actor,
            &o.object,
            &o.to,
            &o.cc,
            &o.audience,
        ) && (&self.target, &self.summary, self.remove_data, self.end_time)
            == (&o.target, &o.summary, o.remove_data, o.end_time)
    }
}

impl ObjectActivity {
    /// Reads an activity, keeping the JSON as received.
    pub fn parse(value: Value) -> std::result::Result<ObjectActivity, serde_json::Error> {
        let mut a = ObjectActivity::deserialize(&value)?;
        a.raw = value;
        Ok(a)
    }

    /// `kind` of `object` by the local actor `actor`, with the id `id`, as
    /// we send it (with `@context`).
    pub fn new(kind: Verb, id: &str, actor: &str, object: Value) -> Result<ObjectActivity> {
        Ok(ObjectActivity {
            context: Some(context()),
            kind,
            id: url(id)?,
            actor: url(actor)?,
            object,
            to: Vec::new(),
            cc: Vec::new(),
            audience: None,
            target: None,
            summary: None,
            remove_data: None,
            end_time: None,
            raw: Value::Null,
        })
    }

    /// `kind` (Create, Update or Delete) of our thread or comment `object`,
    /// addressed as the object is, in `group`. A Delete names the object by
    /// its id only.
    pub fn of_content(
        kind: Verb,
        id: &str,
        actor: &str,
        group: &str,
        object: Value,
    ) -> Result<ObjectActivity> {
        let addressing = Addressing::deserialize(&object)
            .map_err(|e| Error::internal("our own object has no addressing", e))?;
        let payload = match kind {
            Verb::Delete => Value::String(
                value_url(&object)
                    .ok_or_else(|| Error::bad_request("a deleted object has no id"))?
                    .to_string(),
            ),
            _ => object,
        };
        let mut a = ObjectActivity::new(kind, id, actor, payload)?;
        a.to = addressing.to;
        a.cc = addressing.cc;
        a.audience = Some(url(group)?);
        Ok(a)
    }

    pub fn addressed(mut self, to: &[String], cc: &[String]) -> Result<ObjectActivity> {
        self.to = super::urls(to)?;
        self.cc = super::urls(cc)?;
        Ok(self)
    }

    pub fn in_group(mut self, group: &str) -> Result<ObjectActivity> {
        self.audience = Some(url(group)?);
        Ok(self)
    }

    pub fn with_target(mut self, target: &str) -> Result<ObjectActivity> {
        self.target = Some(url(target)?);
        Ok(self)
    }

    /// The activity as sent.
    pub fn into_value(self) -> Result<Value> {
        encode(&self)
    }

    /// The id of the object, embedded or referenced.
    pub fn object_id(&self) -> Result<Url> {
        value_url(&self.object)
            .ok_or_else(|| Error::bad_request(format!("{} names no object", self.kind)))
    }

    /// The embedded object's essentials.
    pub fn object_head(&self) -> Head {
        Head::of(&self.object)
    }

    pub fn verify(&self) -> Result<()> {
        crate::federation::actors::check_origin(&self.id, &self.actor)
    }
}

/// Who an object is addressed to, read from the object itself.
#[derive(Debug, Clone, Default, Deserialize)]
struct Addressing {
    #[serde(default, deserialize_with = "urls")]
    to: Vec<Url>,
    #[serde(default, deserialize_with = "urls")]
    cc: Vec<Url>,
}

/// `Undo` of a local activity we send: `object` is the undone activity,
/// embedded as sent.
pub fn undo_of(id: &str, actor: &str, undone: &ObjectActivity) -> Result<ObjectActivity> {
    let mut undo = ObjectActivity::new(Verb::Undo, id, actor, undone.clone().into_value()?)?;
    undo.to = undone.to.clone();
    undo.cc = undone.cc.clone();
    undo.audience = undone.audience.clone();
    Ok(undo)
}

/// `Follow` of a group or person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    #[serde(rename = "type")]
    pub kind: Verb,
    pub id: Url,
    #[serde(deserialize_with = "one_url")]
    pub actor: Url,
    #[serde(deserialize_with = "one_url")]
    pub object: Url,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "urls"
    )]
    pub to: Vec<Url>,
}

impl Follow {
    pub fn new(id: &str, actor: &str, object: &str) -> Result<Follow> {
        Ok(Follow {
            kind: Verb::Follow,
            id: url(id)?,
            actor: url(actor)?,
            object: url(object)?,
            to: vec![url(object)?],
        })
    }

    pub fn verify(&self) -> Result<()> {
        crate::federation::actors::check_origin(&self.id, &self.actor)
    }
}

/// `Accept` or `Reject` of a Follow.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    #[serde(rename = "type")]
    pub kind: Verb,
    pub id: Url,
    #[serde(deserialize_with = "one_url")]
    pub actor: Url,
    /// The Follow, embedded (Lemmy, Mastodon, Mbin) or by id.
    pub object: Value,
}

impl Answer {
    /// The answered Follow's id.
    pub fn follow_id(&self) -> Option<Url> {
        Head::of(&self.object).id
    }

    /// Whom the answered Follow followed, when it is embedded.
    pub fn followed(&self) -> Option<Url> {
        Head::of(&self.object).object_id()
    }
}

/// `Undo` of an activity, which must be embedded. Kept as received in
/// `raw`, relayed unchanged by a local group.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Undo {
    #[serde(rename = "type")]
    pub kind: Verb,
    pub id: Url,
    #[serde(deserialize_with = "one_url")]
    pub actor: Url,
    pub object: Value,
    #[serde(skip)]
    pub raw: Value,
}

impl PartialEq for Undo {
    fn eq(&self, o: &Self) -> bool {
        (self.kind, &self.id, &self.actor, &self.object) == (o.kind, &o.id, &o.actor, &o.object)
    }
}

/// What an Undo undoes, parsed in the shape its type calls for.
#[derive(Debug, Clone, PartialEq)]
pub enum Undone {
    Follow(Follow),
    /// A Like or a Dislike.
    Vote(ObjectActivity),
    Lock(ObjectActivity),
    Block(ObjectActivity),
    /// A moderator's removal: undoing it restores the content.
    Delete(ObjectActivity),
    /// Any other type (or none), not acted on.
    Other(Option<String>),
}

impl Undo {
    pub fn inner(&self) -> Head {
        Head::of(&self.object)
    }

    /// The undone activity, parsed. A malformed one is refused (400).
    pub fn undone(&self) -> Result<Undone> {
        let kind = self.inner().kind;
        let activity = |what: &str| {
            ObjectActivity::parse(self.object.clone())
                .map_err(|e| Error::bad_request(format!("the undone {what} is malformed: {e}")))
        };
        Ok(match kind.as_deref() {
            Some("Follow") => {
                Undone::Follow(serde_json::from_value(self.object.clone()).map_err(|e| {
                    Error::bad_request(format!("the undone Follow is malformed: {e}"))
                })?)
            }
            Some("Like" | "Dislike") => Undone::Vote(activity("vote")?),
            Some("Lock") => Undone::Lock(activity("Lock")?),
            Some("Block") => Undone::Block(activity("Block")?),
            Some("Delete") => Undone::Delete(activity("Delete")?),
            _ => Undone::Other(kind),
        })
    }

    pub fn verify(&self) -> Result<()> {
        crate::federation::actors::check_origin(&self.id, &self.actor)?;
        match self.inner().actor {
            Some(a) if a == self.actor => Ok(()),
            Some(_) => Err(Error::forbidden(
                "an actor can only undo its own activities",
            )),
            None => Err(Error::bad_request(
                "Undo needs the undone activity embedded",
            )),
        }
    }
}

/// `Flag`: a report. Read in the shapes Mastodon, Lemmy and Mbin send (see
/// `activities::flag`); sent in Lemmy's shape to a group and Mastodon's to
/// an account's server.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    #[serde(rename = "@context", default, skip_serializing_if = "no_context")]
    pub context: Option<Value>,
    #[serde(rename = "type")]
    pub kind: Verb,
    pub id: Url,
    #[serde(deserialize_with = "one_url")]
    pub actor: Url,
    /// One id or a list; ids or embedded objects with an `id`.
    pub object: Value,
    /// The reason, as Mastodon and Mbin send it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub content: Option<String>,
    /// The reason, as Lemmy and Mbin send it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub summary: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "urls"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "urls"
    )]
    pub cc: Vec<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_url"
    )]
    pub audience: Option<Url>,
}

impl Flag {
    /// The ids reported, in the order sent (anything that is not an id is
    /// left out).
    pub fn objects(&self) -> Vec<Url> {
        match &self.object {
            Value::Array(list) => list.iter().filter_map(value_url).collect(),
            one => value_url(one).into_iter().collect(),
        }
    }

    /// `content`, else `summary`; empty when neither is a text (Mastodon
    /// allows a report without a comment).
    pub fn reason(&self) -> String {
        [&self.content, &self.summary]
            .into_iter()
            .filter_map(Option::as_deref)
            .map(str::trim)
            .find(|s| !s.is_empty())
            .unwrap_or_default()
            .to_string()
    }

    pub fn verify(&self) -> Result<()> {
        crate::federation::actors::check_origin(&self.id, &self.actor)?;
        if self.objects().is_empty() {
            return Err(Error::bad_request("the Flag names no object"));
        }
        Ok(())
    }
}

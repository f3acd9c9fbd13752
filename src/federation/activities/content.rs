//! What incoming content activities share: finding the stored thread or
//! comment an id names and the group it lives in, the remote person acting,
//! and the rule of trust — a local group decides on what is sent to it and
//! relays it; a remote group's content is taken only from that group's
//! Announce.

use crate::community::{Actor, InstanceRole};
use crate::error::{Error, Result};
use crate::federation::actors::ApPerson;
use crate::store::comments::{self as comment_rows, Comment};
use crate::store::groups::{self as group_rows, Group};
use crate::store::posts::{self as post_rows, Post};
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use url::Url;

/// How an activity reached us: sent to us directly, or relayed inside an
/// Announce by the (remote) group that signed the Announce.
#[derive(Debug, Clone)]
pub enum Via {
    Direct,
    Group(Box<Group>),
}

/// A stored thread or comment.
#[derive(Debug, Clone)]
pub enum Stored {
    Post(Post),
    Comment(Comment),
}

impl Stored {
    pub fn author_id(&self) -> i64 {
        match self {
            Stored::Post(p) => p.author_id,
            Stored::Comment(c) => c.author_id,
        }
    }
}

/// The stored thread or comment with this id, and its group.
pub async fn find(app: &App, ap_id: &Url) -> Result<Option<(Stored, Group)>> {
    let ap_id = ap_id.to_string();
    app.store
        .run(move |conn| {
            if let Some(p) = post_rows::by_ap_id(conn, &ap_id)? {
                let g = group_rows::by_id(conn, p.group_id)?;
                return Ok(Some((Stored::Post(p), g)));
            }
            match comment_rows::by_ap_id(conn, &ap_id)? {
                Some(c) => {
                    let p = post_rows::by_id(conn, c.post_id)?;
                    let g = group_rows::by_id(conn, p.group_id)?;
                    Ok(Some((Stored::Comment(c), g)))
                }
                None => Ok(None),
            }
        })
        .await
}

/// The first stored group among `candidates`.
pub async fn find_group(app: &App, candidates: Vec<Url>) -> Result<Option<Group>> {
    app.store
        .run(move |conn| {
            for c in &candidates {
                if let Some(g) = group_rows::by_ap_id(conn, c.as_str())? {
                    return Ok(Some(g));
                }
            }
            Ok(None)
        })
        .await
}

/// The remote person behind `actor` (fetched once, then known).
pub async fn remote_person(data: &Data<App>, actor: &Url) -> Result<Actor> {
    let person = ObjectId::<ApPerson>::from(actor.clone())
        .dereference(data)
        .await
        .map_err(|e| match e.kind {
            crate::error::ErrorKind::NotFound => {
                Error::forbidden(format!("{actor} is not a person"))
            }
            _ => e,
        })?
        .0;
    if person.local {
        return Err(Error::forbidden(
            "this server's own people do not arrive from outside",
        ));
    }
    Ok(Actor {
        person,
        role: InstanceRole::User,
    })
}

/// Whether to act on an activity about content of `group`, given how it
/// came. A local group's content is decided here whoever sends it; a
/// remote group's content only through that group's Announce (anything
/// sent directly is skipped: the group's Announce will bring it).
pub fn admit(via: &Via, group: &Group, what: &str) -> Result<bool> {
    match via {
        Via::Group(from) if from.id == group.id => Ok(true),
        Via::Group(from) => Err(Error::forbidden(format!(
            "{} announced {what} that belongs to {}: an Announce is only trusted from the content's own group",
            from.ap_id, group.ap_id
        ))),
        Via::Direct if group.local => Ok(true),
        Via::Direct => {
            tracing::info!(group = %group.ap_id, what, "content of a remote group sent directly: waiting for the group's Announce");
            Ok(false)
        }
    }
}

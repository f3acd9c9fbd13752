//! `Undo`: a remote person leaves a local group or stops following a local
//! person (`Undo(Follow)`). Other undone activities come with their verbs.

use super::content::Via;
use super::follow::{Follow, Followed};
use super::{block, delete, lock, vote, ObjectActivity};
use crate::community::{follows, groups};
use crate::error::{Error, Result};
use crate::federation::actors::check_origin;
use crate::App;
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Undo {
    #[serde(rename = "type")]
    pub kind: super::Kind,
    pub id: Url,
    #[serde(deserialize_with = "super::one_url")]
    pub actor: Url,
    pub object: Value,
    /// The Undo as received, relayed unchanged by a local group.
    #[serde(skip)]
    pub raw: Value,
}

impl Undo {
    pub fn inner_type(&self) -> Option<&str> {
        self.object.get("type").and_then(Value::as_str)
    }

    pub fn verify(&self) -> Result<()> {
        check_origin(&self.id, &self.actor)?;
        match self
            .object
            .get("actor")
            .and_then(crate::federation::objects::incoming::value_url)
        {
            Some(a) if a == self.actor => Ok(()),
            Some(_) => Err(Error::forbidden(
                "an actor can only undo its own activities",
            )),
            None => Err(Error::bad_request(
                "Undo needs the undone activity embedded",
            )),
        }
    }

    pub async fn receive(self, data: &Data<App>, via: Via) -> Result<()> {
        match (self.inner_type(), &via) {
            (Some(kind @ ("Lock" | "Block" | "Delete")), _) => {
                let inner = ObjectActivity::parse(self.object.clone()).map_err(|e| {
                    Error::bad_request(format!("the undone {kind} is malformed: {e}"))
                })?;
                match kind {
                    "Lock" => lock::receive(data, inner, false, via, &self.raw).await,
                    "Block" => block::receive(data, inner, false, via, &self.raw).await,
                    _ => delete::restore(data, inner, via, &self.raw).await,
                }
            }
            (Some("Like" | "Dislike"), _) => {
                let vote = ObjectActivity::parse(self.object.clone()).map_err(|e| {
                    Error::bad_request(format!("the undone vote is malformed: {e}"))
                })?;
                vote::undo(data, vote, via, &self.id).await
            }
            (Some("Follow"), Via::Direct) => {
                let follow: Follow = serde_json::from_value(self.object.clone()).map_err(|e| {
                    Error::bad_request(format!("the undone Follow is malformed: {e}"))
                })?;
                undo_follow(data, follow).await
            }
            (other, _) => {
                tracing::info!(activity = %self.id, undone = ?other, "Undo of an unsupported activity skipped");
                Ok(())
            }
        }
    }
}

async fn undo_follow(data: &Data<App>, follow: Follow) -> Result<()> {
    let (actor, followed) = follow.parties(data).await?;
    let app = data.app_data();
    match followed {
        // Not a member (any more): nothing to undo.
        Followed::Group(g) => groups::leave(app, &actor, &g.name).await.map(|_| ()),
        Followed::Person(p) => follows::unfollow(app, &actor, &p.name).await.map(|_| ()),
        Followed::Nothing => Ok(()),
    }
}

//! `Follow`: a remote person joins a local group (the group's join policy
//! decides: accepted at once, pending a moderator, or refused), or follows a
//! local person.

use super::Kind;
use crate::community::{follows, groups, Actor, InstanceRole};
use crate::error::{Error, Result};
use crate::federation::actors::{check_origin, ApPerson};
use crate::federation::software;
use crate::store::{groups as group_rows, people};
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use serde::{Deserialize, Serialize};
use url::Url;

/// What a Follow's object is on this server.
pub enum Followed {
    Group(group_rows::Group),
    Person(people::Person),
    Nothing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    #[serde(rename = "type")]
    pub kind: Kind,
    pub id: Url,
    #[serde(deserialize_with = "super::one_url")]
    pub actor: Url,
    #[serde(deserialize_with = "super::one_url")]
    pub object: Url,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::federation::objects::incoming::urls"
    )]
    pub to: Vec<Url>,
}

impl Follow {
    pub fn new(id: &str, actor: &str, object: &str) -> Result<Follow> {
        let url = |s: &str| Url::parse(s).map_err(|e| Error::internal("bad id", e));
        Ok(Follow {
            kind: Kind::Follow,
            id: url(id)?,
            actor: url(actor)?,
            object: url(object)?,
            to: vec![url(object)?],
        })
    }

    pub fn verify(&self) -> Result<()> {
        check_origin(&self.id, &self.actor)
    }

    /// The remote follower (fetched when unknown) and the local group or
    /// person it follows.
    pub async fn parties(&self, data: &Data<App>) -> Result<(Actor, Followed)> {
        let person = ObjectId::<ApPerson>::from(self.actor.clone())
            .dereference(data)
            .await
            .map_err(|_| Error::forbidden("only people follow groups and people here"))?
            .0;
        let actor = Actor {
            person,
            role: InstanceRole::User,
        };
        let object = self.object.to_string();
        let followed = data
            .store
            .run(move |conn| {
                if let Some(g) = group_rows::by_ap_id(conn, &object)?.filter(|g| g.local) {
                    return Ok(Followed::Group(g));
                }
                Ok(match people::by_ap_id(conn, &object)?.filter(|p| p.local) {
                    Some(p) => Followed::Person(p),
                    None => Followed::Nothing,
                })
            })
            .await?;
        Ok((actor, followed))
    }

    pub async fn receive(self, data: &Data<App>) -> Result<()> {
        let (actor, target) = self.parties(data).await?;
        match target {
            Followed::Group(group) => {
                // Which forms of the group's relay the follower's server reads.
                software::learn(data.app_data(), &self.actor).await?;
                // Admitted, queued or refused: the rule records which, and
                // the answer (Accept, or Reject) follows from its event.
                groups::join(
                    data.app_data(),
                    &actor,
                    &group.name,
                    Some(self.id.to_string()),
                )
                .await
                .map(|_| ())
            }
            Followed::Person(person) => follows::follow(
                data.app_data(),
                &actor,
                &person.name,
                Some(self.id.to_string()),
            )
            .await
            .map(|_| ()),
            Followed::Nothing => Err(Error::not_found(format!(
                "{} is not a local group or person",
                self.object
            ))),
        }
    }
}

//! `Accept` and `Reject` of a Follow: a remote group or person answers our
//! Follow; and the answers we send to remote followers.

use super::follow::Follow;
use super::Kind;
use crate::community::{follows, groups};
use crate::error::{Error, Result};
use crate::federation::actors::check_origin;
use crate::federation::objects::incoming::value_url;
use crate::App;
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    #[serde(rename = "type")]
    pub kind: Kind,
    pub id: Url,
    #[serde(deserialize_with = "super::one_url")]
    pub actor: Url,
    /// The Follow, embedded (Lemmy, Mastodon, Mbin) or by id.
    pub object: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    Accept,
    Reject,
}

impl Answer {
    fn follow_id(&self) -> Option<String> {
        match &self.object {
            Value::String(id) => Some(id.clone()),
            Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    }

    pub fn verify(&self) -> Result<()> {
        check_origin(&self.id, &self.actor)?;
        if let Some(followed) = self.object.get("object").and_then(value_url) {
            if followed != self.actor {
                return Err(Error::forbidden("only the followed actor answers a Follow"));
            }
        }
        self.follow_id()
            .map(|_| ())
            .ok_or_else(|| Error::bad_request("the answer names no Follow"))
    }

    pub async fn receive(self, data: &Data<App>) -> Result<()> {
        let follow_id = self
            .follow_id()
            .ok_or_else(|| Error::bad_request("no Follow id"))?;
        let accepted = self.kind == Kind::Accept;
        let app = data.app_data();
        let actor = self.actor.to_string();
        // The Follow was of a group or of a person: each finds its own.
        groups::follow_answered(app, &actor, &follow_id, accepted).await?;
        follows::follow_answered(app, &actor, &follow_id, accepted).await?;
        Ok(())
    }
}

/// Our `Accept` or `Reject` of a remote person's Follow, from the local
/// group or person `local_actor`.
pub fn answer_activity(
    app: &App,
    kind: AnswerKind,
    local_actor: &str,
    follow: &Follow,
) -> Result<Value> {
    let verb = if kind == AnswerKind::Accept {
        "accept"
    } else {
        "reject"
    };
    let activity = serde_json::to_value(Answer {
        kind: if kind == AnswerKind::Accept {
            Kind::Accept
        } else {
            Kind::Reject
        },
        id: Url::parse(&app.ids.activity(verb)).map_err(|e| Error::internal("bad id", e))?,
        actor: Url::parse(local_actor).map_err(|e| Error::internal("bad id", e))?,
        object: serde_json::to_value(follow).map_err(|e| Error::internal("cannot encode", e))?,
    })
    .map_err(|e| Error::internal("cannot encode", e))?;
    Ok(activity)
}

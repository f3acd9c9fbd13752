//! `Accept` and `Reject` of a Follow: a remote group or person answers our
//! Follow; and the answers we send to remote followers.

use super::follow::Follow;
use crate::community::{follows, groups};
use crate::error::{Error, Result};
use crate::federation::actors::check_origin;
use crate::federation::protocol::activities::Verb;
use crate::federation::protocol::{encode, url};
use crate::App;
use activitypub_federation::config::Data;
use serde_json::Value;

pub use crate::federation::protocol::activities::Answer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    Accept,
    Reject,
}

impl Answer {
    pub fn verify(&self) -> Result<()> {
        check_origin(&self.id, &self.actor)?;
        if let Some(followed) = self.followed() {
            if followed != self.actor {
                return Err(Error::forbidden("only the followed actor answers a Follow"));
            }
        }
        self.follow_id()
            .map(|_| ())
            .ok_or_else(|| Error::bad_request("the answer names no Follow"))
    }
}

/// Our Follow was accepted or refused.
pub async fn receive(data: &Data<App>, a: Answer) -> Result<()> {
    let follow_id = a
        .follow_id()
        .ok_or_else(|| Error::bad_request("no Follow id"))?
        .to_string();
    let accepted = a.kind == Verb::Accept;
    let app = data.app_data();
    let actor = a.actor.to_string();
    // The Follow was of a group or of a person: each finds its own.
    groups::follow_answered(app, &actor, &follow_id, accepted).await?;
    follows::follow_answered(app, &actor, &follow_id, accepted).await?;
    Ok(())
}

/// Our `Accept` or `Reject` of a remote person's Follow, from the local
/// group or person `local_actor`.
pub fn answer_activity(
    app: &App,
    kind: AnswerKind,
    local_actor: &str,
    follow: &Follow,
) -> Result<Value> {
    let verb = match kind {
        AnswerKind::Accept => Verb::Accept,
        AnswerKind::Reject => Verb::Reject,
    };
    encode(&Answer {
        kind: verb,
        id: url(&app.ids.activity(&verb.id_word()))?,
        actor: url(local_actor)?,
        object: encode(follow)?,
    })
}

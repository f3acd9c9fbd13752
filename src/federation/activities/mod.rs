//! Incoming activities: one file per verb with its behaviour; the shapes
//! are the wire types of `federation::protocol`. The inbox reads the `type`
//! first and parses the matching shape: an unknown type is kept as
//! `Unsupported` and skipped, never an error that makes the sender retry
//! forever. What is done with each is `protocol::disposition`'s decision.

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
pub mod relayed;
pub mod undo;
pub mod update;
pub mod vote;

use self::content::Via;
use crate::error::{Error, Result};
use crate::federation::protocol::dispatch::Arrival;
use crate::federation::protocol::{disposition, Action};
use crate::store::deliveries;
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::traits::ActivityHandler;
use async_trait::async_trait;

pub use crate::federation::protocol::activities::{ObjectActivity, Verb};
pub use crate::federation::protocol::one_url;
pub use crate::federation::protocol::InboxActivity;

impl InboxActivity {
    /// Acts on the activity once (a repeated id changes nothing), as
    /// [`disposition`] decides.
    pub async fn receive_via(self, data: &Data<App>, via: Via) -> Result<()> {
        // Seen directly and seen inside a group's Announce are remembered
        // apart: a copy sent directly about a remote group's content is
        // skipped, and the same activity must still count when the group
        // relays it. Acting twice is harmless: every effect is idempotent.
        let id = match &via {
            Via::Direct => self.id().to_string(),
            Via::Group(_) => format!("{}#announced", self.id()),
        };
        let kind = self.kind().to_string();
        let seen_id = id.clone();
        if data
            .store
            .run(move |conn| deliveries::activity_seen(conn, &seen_id))
            .await?
        {
            tracing::debug!(activity = %id, "repeated activity ignored");
            return Ok(());
        }
        let arrival = match via {
            Via::Direct => Arrival::Direct,
            Via::Group(_) => Arrival::Announced,
        };
        match disposition(self, arrival)? {
            Action::Follow(f) => f.receive(data).await?,
            Action::Answer(a) => accept::receive(data, a).await?,
            Action::UndoFollow(f) => undo::undo_follow(data, f).await?,
            Action::Create(a) => create::receive(data, a, via).await?,
            Action::Update(a) => update::receive(data, a, via).await?,
            Action::Delete(a) => delete::receive(data, a, via).await?,
            Action::Restore(a, raw) => delete::restore(data, a, via, &raw).await?,
            Action::Vote(a, value) => vote::receive(data, a, value, via).await?,
            Action::UndoVote(a, raw) => vote::undo(data, a, via, &raw).await?,
            Action::Announce(a) => announce::receive(data, a).await?,
            Action::Lock(a) => {
                let raw = a.raw.clone();
                lock::receive(data, a, true, via, &raw).await?
            }
            Action::Unlock(a, raw) => lock::receive(data, a, false, via, &raw).await?,
            Action::Pin(a) => featured::receive(data, a, true, via).await?,
            Action::Unpin(a) => featured::receive(data, a, false, via).await?,
            Action::Ban(a) => {
                let raw = a.raw.clone();
                block::receive(data, a, true, via, &raw).await?
            }
            Action::Unban(a, raw) => block::receive(data, a, false, via, &raw).await?,
            Action::Flag(f) => flag::receive(data, f).await?,
            Action::Skip(skip) => {
                tracing::info!(activity = %id, kind, ?skip, "activity skipped: not acted on here, or not inside an Announce");
            }
        }
        let record_kind = kind.clone();
        data.store
            .run(move |conn| {
                deliveries::record_activity(conn, &id, &record_kind, false, None, "{}").map(|_| ())
            })
            .await
    }
}

#[async_trait]
impl ActivityHandler for InboxActivity {
    type DataType = App;
    type Error = Error;

    fn id(&self) -> &url::Url {
        self.id_and_actor().0
    }

    fn actor(&self) -> &url::Url {
        self.id_and_actor().1
    }

    async fn verify(&self, _data: &Data<App>) -> Result<()> {
        self.verify_shape()
    }

    async fn receive(self, data: &Data<App>) -> Result<()> {
        self.receive_via(data, Via::Direct).await
    }
}

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
pub mod moderators;
pub mod relayed;
pub mod undo;
pub mod update;
pub mod vote;

use self::content::Via;
use crate::community::groups::ModeratorChange;
use crate::error::{Error, Result};
use crate::federation::protocol::dispatch::Arrival;
use crate::federation::protocol::{disposition, Action};
use crate::store::deliveries;
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::traits::ActivityHandler;
use async_trait::async_trait;
use serde_json::Value;

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
        let id = self.id().clone();
        let kind = self.kind().to_string();
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
            Action::UndoVote(a, undo_id) => vote::undo(data, a, via, &undo_id).await?,
            Action::Announce(a) => announce::receive(data, a).await?,
            Action::Lock(a) => {
                let raw = a.raw.clone();
                lock::receive(data, a, true, via, &raw).await?
            }
            Action::Unlock(a, raw) => lock::receive(data, a, false, via, &raw).await?,
            // An Add or Remove targeting a remote group's moderators
            // collection changes its moderators; otherwise it pins.
            Action::Pin(a) => match moderators::targeted_group(data.app_data(), &a, &via).await? {
                Some(g) => moderators::receive(data, a, g, ModeratorChange::Added, via).await?,
                None => featured::receive(data, a, true, via).await?,
            },
            Action::Unpin(a) => {
                match moderators::targeted_group(data.app_data(), &a, &via).await? {
                    Some(g) => {
                        moderators::receive(data, a, g, ModeratorChange::Removed, via).await?
                    }
                    None => featured::receive(data, a, false, via).await?,
                }
            }
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
        Ok(())
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

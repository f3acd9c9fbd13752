//! `Undo`: a remote person leaves a local group or stops following a local
//! person (`Undo(Follow)`). Other undone activities come with their verbs
//! (see `protocol::disposition`).

use super::follow::{Follow, Followed};
use crate::community::{follows, groups};
use crate::error::Result;
use crate::App;
use activitypub_federation::config::Data;

pub use crate::federation::protocol::activities::{Undo, Undone};

pub async fn undo_follow(data: &Data<App>, follow: Follow) -> Result<()> {
    let (actor, followed) = follow.parties(data).await?;
    let app = data.app_data();
    match followed {
        // Not a member (any more): nothing to undo.
        Followed::Group(g) => groups::leave(app, &actor, &g.name).await.map(|_| ()),
        Followed::Person(p) => follows::unfollow(app, &actor, &p.name).await.map(|_| ()),
        Followed::Nothing => Ok(()),
    }
}

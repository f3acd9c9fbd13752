//! `Announce` from a remote group we follow: the group relays an activity
//! of its members (`Announce(Create|Update|Delete|Like|Dislike|Undo)`),
//! which is checked like one sent directly and, in addition, must concern
//! content of that very group. Our own activities coming back are
//! acknowledged and left alone; content of a third server is taken from
//! its origin (see `relayed`). `Announce(object)` (Mastodon-style boosts)
//! and Announces from anyone but a known group are skipped.

use super::content::Via;
use super::relayed::{self, Relayed};
use super::{InboxActivity, ObjectActivity};
use crate::error::{Error, Result};
use crate::store::groups as group_rows;
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::traits::ActivityHandler;
use url::Url;

pub async fn receive(data: &Data<App>, act: ObjectActivity) -> Result<()> {
    let actor = act.actor.to_string();
    let group = data
        .store
        .run(move |conn| group_rows::by_ap_id(conn, &actor))
        .await?;
    let Some(group) = group.filter(|g| !g.local) else {
        tracing::info!(activity = %act.id, actor = %act.actor, "Announce from an actor that is not a remote group we know skipped");
        return Ok(());
    };
    if !act.object_head().is_activity() {
        tracing::debug!(activity = %act.id, "Announce of an object (a boost) skipped: the group's Announce(Create) carries it");
        return Ok(());
    }
    let inner = InboxActivity::from_value(act.object.clone()).map_err(Error::bad_request)?;
    if matches!(inner, InboxActivity::Announce(_)) {
        return Err(Error::bad_request(
            "an Announce inside an Announce is not accepted",
        ));
    }
    inner.verify_shape()?;
    let here = Url::parse(&data.config.base_url())
        .map_err(|e| Error::internal("public_url is not a URL", e))?;
    let inner = match relayed::relayed(inner.actor(), &act.actor, &here) {
        Relayed::Echo => {
            tracing::debug!(activity = %inner.id(), kind = inner.kind(), group = %act.actor, "our own activity relayed back by the group: already done here");
            return Ok(());
        }
        Relayed::GroupsServer => inner,
        Relayed::ThirdServer => match relayed::confirm(data, inner, &group).await? {
            Some(confirmed) => confirmed,
            None => return Ok(()),
        },
    };
    Box::pin(inner.receive_via(data, Via::Group(Box::new(group)))).await
}

//! `Delete` of a thread or comment: by its author, kept as a tombstone as a
//! local deletion is; by a moderator of its group (Lemmy's removal, with a
//! `summary`), removed, and restored by `Undo(Delete)`. Relayed by a local
//! group. Deletions of accounts are not acted on here.

use super::content::{self, Stored, Via};
use super::moderate::moderator;
use super::ObjectActivity;
use crate::community::{comments, posts};
use crate::error::Result;
use crate::federation::protocol::Head;
use crate::moderation::actions::{self, ThreadAction, Why};
use crate::store::groups::Group;
use crate::App;
use activitypub_federation::config::Data;
use serde_json::Value;

pub async fn receive(data: &Data<App>, act: ObjectActivity, via: Via) -> Result<()> {
    let object = act.object_id()?;
    let app = data.app_data();
    let Some((stored, group)) = content::find(app, &object).await? else {
        tracing::info!(activity = %act.id, object = %object, "Delete of something not stored here skipped");
        return Ok(());
    };
    if !content::admit(&via, &group, "a deletion")? {
        return Ok(());
    }
    if !act.actor.as_str().eq(&author_ap_id(app, &stored).await?) {
        return moderator_removal(data, &act, stored, group, via, true, &act.raw).await;
    }
    let author = content::remote_person(data, &act.actor).await?;
    let received = Some(act.id.to_string());
    let deleted = match stored {
        Stored::Post(p) => posts::delete_received(app, &author, p.id, received).await?,
        Stored::Comment(c) => comments::delete_received(app, &author, c.id, received).await?,
    };
    // Already deleted: nothing to pass on. A local group relays a deletion:
    // the federation consumer, from the event.
    let _deleted = deleted.changed();
    Ok(())
}

pub(super) async fn author_ap_id(app: &App, stored: &Stored) -> Result<String> {
    let id = stored.author_id();
    app.store
        .run(move |conn| Ok(crate::store::people::by_id(conn, id)?.ap_id))
        .await
}

/// A moderator removes (`remove`) or restores a thread or comment.
async fn moderator_removal(
    data: &Data<App>,
    act: &ObjectActivity,
    stored: Stored,
    group: Group,
    via: Via,
    remove: bool,
    raw: &Value,
) -> Result<()> {
    let app = data.app_data();
    let Some((actor, authority)) = moderator(data, &act.actor, &group, &via).await? else {
        return Ok(());
    };
    let why = Why {
        reason: act.summary.clone(),
        authority,
        activity: Head::of(raw).id.map(String::from),
    };
    match stored {
        Stored::Post(p) => {
            let action = if remove {
                ThreadAction::Remove
            } else {
                ThreadAction::Restore
            };
            // Already so: nothing to pass on.
            let _done = actions::on_thread(app, &actor, p.id, action, why)
                .await?
                .changed();
        }
        Stored::Comment(c) => {
            let _done = actions::on_comment(app, &actor, c.id, remove, why)
                .await?
                .changed();
        }
    }
    // A local group relays it: the federation consumer, from the event.
    Ok(())
}

/// `Undo(Delete)`: a moderator restores what was removed. (An author's own
/// deletion is final, as it is here.)
pub async fn restore(
    data: &Data<App>,
    delete: ObjectActivity,
    via: Via,
    raw: &Value,
) -> Result<()> {
    let object = delete.object_id()?;
    let app = data.app_data();
    let Some((stored, group)) = content::find(app, &object).await? else {
        return Ok(());
    };
    moderator_removal(data, &delete, stored, group, via, false, raw).await
}

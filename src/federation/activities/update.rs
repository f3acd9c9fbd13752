//! `Update` of a thread or comment by its author (an unknown object is
//! stored as new, as Lemmy does), relayed by a local group; and `Update` of
//! an actor's own profile, which is fetched again.

use super::content::{self, Stored, Via};
use super::create::{embedded_content, store_new};
use super::ObjectActivity;
use crate::community::posts::{self, PostEdit};
use crate::community::{comments, Body};
use crate::error::{Error, Result};
use crate::federation::actors::AnyActor;
use crate::federation::ideas;
use crate::federation::objects::types::main_type;
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;

/// Actor types whose `Update` is a profile change.
const ACTOR_TYPES: &[&str] = &["Person", "Service", "Application", "Group"];

/// Whether `act` updates an actor's profile rather than content.
pub fn is_profile(act: &ObjectActivity) -> bool {
    main_type(&act.object).is_some_and(|k| ACTOR_TYPES.contains(&k))
}

pub async fn receive(data: &Data<App>, act: ObjectActivity, via: Via) -> Result<()> {
    if is_profile(&act) {
        return refresh_actor(data, &act).await;
    }
    // An idea's status set on its group's server: by a moderator or staff
    // there, an Update that is no edit.
    if ideas::receive(data, &act, &via).await? == ideas::Received::Done {
        return Ok(());
    }
    let Some(object) = embedded_content(&act)? else {
        return Ok(());
    };
    let app = data.app_data();
    let Some((stored, group)) = content::find(app, &object.id).await? else {
        store_new(data, &act, &object, via).await?;
        return ideas::receive_new(data, &act, &object).await;
    };
    if !content::admit(&via, &group, "an edit")? {
        return Ok(());
    }
    let author = content::remote_person(data, &act.actor).await?;
    if stored.author_id() != author.id() {
        return Err(Error::forbidden(
            "only the author edits a thread or comment",
        ));
    }
    let body = Body::Html {
        html: object.html(),
        source: object.markdown_source(),
    };
    let version = object.version();
    let received = Some(act.id.to_string());
    let outcome = match stored {
        Stored::Post(p) => {
            let edit = PostEdit {
                title: Some(object.title(app.config.limits.title_chars)),
                body: Some(body),
            };
            let answer = object
                .accepted_answer
                .as_ref()
                .map(|a| a.as_ref().map(ToString::to_string));
            posts::edit_received(app, &author, p.id, edit, version, answer, received).await?
        }
        Stored::Comment(c) => {
            comments::edit_received(app, &author, c.id, body, version, received).await?
        }
    };
    if !outcome.changed() {
        tracing::info!(object = %object.id, "an Update older than the stored version: not applied");
    }
    // A local group relays it: the federation consumer, from the event.
    Ok(())
}

/// An actor changed its own profile (name, bio, key): fetched again from
/// its origin rather than taken from the activity.
async fn refresh_actor(data: &Data<App>, act: &ObjectActivity) -> Result<()> {
    let id = act.object_id()?;
    if id != act.actor {
        return Err(Error::forbidden("an actor updates only its own profile"));
    }
    ObjectId::<AnyActor>::from(id)
        .dereference_forced(data)
        .await?;
    Ok(())
}

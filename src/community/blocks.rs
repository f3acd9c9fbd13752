//! Blocking a person (local or remote). The blocked person's threads and
//! comments are hidden from the blocker (feeds, thread view), they cannot
//! follow the blocker (their follow ends now, a new one is refused), and
//! they never notify the blocker (`notifications::consumer`). The block is
//! the blocker's own business: no server is told of it.

use super::follows::page_offset;
use super::{find_person, Actor};
use crate::error::{Error, Result};
use crate::store::people::Person;
use crate::store::{blocks as rows, follows, write_tx};
use crate::App;

/// Blocks `handle`; blocking twice changes nothing.
pub async fn block(app: &App, actor: &Actor, handle: &str) -> Result<Person> {
    let (handle, me) = (handle.to_string(), actor.id());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let other = find_person(conn, &handle)?;
                if other.id == me {
                    return Err(Error::unprocessable("you cannot block yourself"));
                }
                rows::insert(conn, me, other.id)?;
                if let Some(f) = follows::find(conn, other.id, me)? {
                    follows::delete(conn, f.id)?;
                }
                Ok(other)
            })
        })
        .await
}

/// Lifts a block; lifting one that is not there changes nothing.
pub async fn unblock(app: &App, actor: &Actor, handle: &str) -> Result<Person> {
    let (handle, me) = (handle.to_string(), actor.id());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let other = find_person(conn, &handle)?;
                rows::delete(conn, me, other.id)?;
                Ok(other)
            })
        })
        .await
}

/// The people `actor` blocked, most recent first.
pub async fn list(app: &App, actor: &Actor, page: i64) -> Result<Vec<Person>> {
    let limit = app.config.limits.page_size;
    let offset = page_offset(page, limit)?;
    let me = actor.id();
    app.store
        .run(move |conn| rows::list(conn, me, limit, offset))
        .await
}

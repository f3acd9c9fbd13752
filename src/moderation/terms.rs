//! Terms of service: admins publish versions; registration requires
//! accepting the current one, and after a new version members accept it
//! before they post again.

use crate::community::Actor;
use crate::error::{Error, Result};
use crate::store::terms::{self, Terms};
use crate::store::{write_tx, DbConn};
use crate::App;

pub async fn current(app: &App) -> Result<Terms> {
    app.store
        .run(terms::current)
        .await?
        .ok_or_else(|| Error::not_found("this server has no terms of service"))
}

/// The current terms, or none when this server has published none (the
/// sign-up form then asks nothing).
pub async fn published(app: &App) -> Result<Option<Terms>> {
    app.store.run(terms::current).await
}

/// A new version (admins only); everyone accepts it again before posting.
pub async fn publish(app: &App, actor: &Actor, body: &str) -> Result<Terms> {
    if !actor.is_admin() {
        return Err(Error::forbidden("only admins publish the terms of service"));
    }
    let body = body.trim().to_string();
    if body.is_empty() {
        return Err(Error::unprocessable("the terms of service are empty"));
    }
    super::super::community::check_size("body", &body, 200_000)?;
    app.store
        .run(move |conn| write_tx(conn, |conn| terms::publish(conn, &body)))
        .await
}

/// The registration check: `accepted` must name the current version.
pub fn check_registration(conn: &mut DbConn, accepted: Option<i64>) -> Result<Option<i64>> {
    match terms::current(conn)? {
        None => Ok(None),
        Some(t) if accepted == Some(t.version) => Ok(Some(t.version)),
        Some(t) => Err(Error::unprocessable(format!(
            "accept the terms of service (GET /api/v1/terms): send accept_terms = {}",
            t.version
        ))),
    }
}

/// A local person accepts `version`, which must be the current one.
pub async fn accept(app: &App, actor: &Actor, version: i64) -> Result<Terms> {
    let person_id = actor.id();
    app.store
        .run(move |conn| {
            let t = terms::current(conn)?
                .ok_or_else(|| Error::not_found("this server has no terms of service"))?;
            if t.version != version {
                return Err(Error::conflict(format!(
                    "version {version} is not the current one ({})",
                    t.version
                )));
            }
            terms::accept(conn, person_id, version)?;
            Ok(t)
        })
        .await
}

/// Refuses a local person who has not accepted the current version.
pub fn check_accepted(conn: &mut DbConn, actor: &Actor) -> Result<()> {
    if !actor.person.local {
        return Ok(());
    }
    let Some(t) = terms::current(conn)? else {
        return Ok(());
    };
    if terms::accepted(conn, actor.id())? != Some(t.version) {
        return Err(Error::forbidden(format!(
            "the terms of service changed: accept version {} first (POST /api/v1/terms/accept)",
            t.version
        )));
    }
    Ok(())
}

//! Federation policy: the instance's mode (open to every server, or only to
//! allowed partners) and each server's policy (allowed, silenced, blocked).
//! Changed at run time by the admin API and CLI, read from the store on
//! every use, and applied to the inbox, fetches and deliveries alike.

use super::log::{self, Entry, Target};
use super::require_staff_moderator;
use crate::community::Actor;
use crate::error::{Error, Result};
use crate::store::instances::{self, DomainPolicy, Instance};
use crate::store::{write_tx, DbConn};
use crate::App;

pub const MODES: &[&str] = &["open", "allowlist"];
const MODE_KEY: &str = "federation.mode";

/// `open` (every server not blocked) or `allowlist` (allowed servers only).
pub fn mode(conn: &mut DbConn) -> Result<String> {
    Ok(instances::setting(conn, MODE_KEY)?.unwrap_or_else(|| "open".into()))
}

/// Why the server at `domain` may not federate with us, if it may not.
pub fn refusal(conn: &mut DbConn, domain: &str) -> Result<Option<&'static str>> {
    let known = instances::by_domain(conn, domain)?;
    if known.as_ref().is_some_and(|i| i.local) {
        return Ok(None);
    }
    let policy = known.as_ref().map_or(DomainPolicy::Open, |i| i.policy);
    if matches!(policy, DomainPolicy::Blocked | DomainPolicy::Allowed) {
        return Ok(refusal_in(known.as_ref(), "open"));
    }
    Ok(refusal_in(known.as_ref(), &mode(conn)?))
}

/// `refusal` for a server whose row (if any) and the federation mode are
/// already read: for many servers at once.
pub fn refusal_in(known: Option<&Instance>, mode: &str) -> Option<&'static str> {
    if known.is_some_and(|i| i.local) {
        return None;
    }
    let policy = known.map_or(DomainPolicy::Open, |i| i.policy);
    if policy == DomainPolicy::Blocked {
        return Some("this server does not federate with your domain (blocked)");
    }
    if policy != DomainPolicy::Allowed && mode == "allowlist" {
        return Some("this server federates with its partners only, and your domain is not one");
    }
    None
}

/// Whether content and votes from `domain` are silenced here.
pub fn silenced(conn: &mut DbConn, domain: &str) -> Result<bool> {
    Ok(instances::by_domain(conn, domain)?.is_some_and(|i| i.policy == DomainPolicy::Silenced))
}

fn check(value: &str, allowed: &[&str], what: &str) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(Error::unprocessable(format!(
            "{what} must be one of {}; got {value:?}",
            allowed.join(", ")
        )))
    }
}

/// A remote server's domain as stored: lower case, checked.
pub fn clean_domain(app: &App, domain: &str) -> Result<String> {
    let domain = domain.trim().to_lowercase();
    if domain.is_empty() || domain.contains('/') || domain.contains(' ') {
        return Err(Error::unprocessable(
            "a domain is a host name, with :port if it has one",
        ));
    }
    if domain == app.config.domain() {
        return Err(Error::unprocessable("this is our own domain"));
    }
    Ok(domain)
}

/// Sets a server's policy. `actor` is `None` for the CLI (the operator).
pub async fn set_policy(
    app: &App,
    actor: Option<&Actor>,
    domain: &str,
    policy: &str,
) -> Result<Instance> {
    if let Some(a) = actor {
        require_staff_moderator(a)?;
    }
    let policy = DomainPolicy::parse(policy).ok_or_else(|| {
        Error::unprocessable(format!(
            "policy must be one of {}; got {policy:?}",
            DomainPolicy::listed()
        ))
    })?;
    let domain = clean_domain(app, domain)?;
    let moderator = actor.map(Actor::id);
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let i = instances::set_policy(conn, &domain, policy)?;
                // From the CLI there is no moderator: logged as the server's.
                let entry = Entry {
                    reason: Some(format!("{domain}: {policy}")),
                    admin_only: true,
                    ..Entry::default()
                };
                log::record(conn, "domain_policy", moderator, Target::default(), entry)?;
                Ok(i)
            })
        })
        .await
}

/// Keeps a server's media out (`reject`), or lets them in again: its
/// images are then neither linked nor stored with what it sends.
pub async fn set_reject_media(
    app: &App,
    actor: Option<&Actor>,
    domain: &str,
    reject: bool,
) -> Result<Instance> {
    if let Some(a) = actor {
        require_staff_moderator(a)?;
    }
    let domain = clean_domain(app, domain)?;
    let moderator = actor.map(Actor::id);
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let i = instances::set_reject_media(conn, &domain, reject)?;
                let entry = Entry {
                    reason: Some(format!("{domain}: reject media {reject}")),
                    admin_only: true,
                    ..Entry::default()
                };
                log::record(conn, "domain_media", moderator, Target::default(), entry)?;
                Ok(i)
            })
        })
        .await
}

pub async fn set_mode(app: &App, actor: Option<&Actor>, mode: &str) -> Result<String> {
    if let Some(a) = actor {
        require_staff_moderator(a)?;
    }
    check(mode, MODES, "mode")?;
    let (mode, moderator) = (mode.to_string(), actor.map(Actor::id));
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                instances::set_setting(conn, MODE_KEY, &mode)?;
                // From the CLI there is no moderator: logged as the server's.
                let entry = Entry {
                    reason: Some(format!("federation mode: {mode}")),
                    admin_only: true,
                    ..Entry::default()
                };
                log::record(conn, "federation_mode", moderator, Target::default(), entry)?;
                Ok(mode)
            })
        })
        .await
}

/// The mode and every server with a policy other than `open`.
pub async fn overview(app: &App, actor: Option<&Actor>) -> Result<(String, Vec<Instance>)> {
    if let Some(a) = actor {
        require_staff_moderator(a)?;
    }
    app.store
        .run(|conn| Ok((mode(conn)?, instances::with_policy(conn)?)))
        .await
}

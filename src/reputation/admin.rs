//! Admins' reputation tools: how much each server's votes weigh, the
//! recomputation of every summary from the ledger, and running the
//! serial-voting check now.

use super::ledger::{self, Reversed};
use crate::community::Actor;
use crate::error::{Error, Result};
use crate::moderation::log::{self, Entry, Target};
use crate::moderation::policy::clean_domain;
use crate::moderation::require_staff_moderator;
use crate::store::instances::{self, Instance};
use crate::store::{now, write_tx};
use crate::App;

/// Sets how much votes from `domain` weigh (0 to 10). `actor` is None for
/// the CLI.
pub async fn set_vote_weight(
    app: &App,
    actor: Option<&Actor>,
    domain: &str,
    weight: f64,
) -> Result<Instance> {
    if let Some(a) = actor {
        require_staff_moderator(a)?;
    }
    if !(weight.is_finite() && (0.0..=10.0).contains(&weight)) {
        return Err(Error::unprocessable("a vote weight is between 0 and 10"));
    }
    let domain = clean_domain(app, domain)?;
    let moderator = actor.map(Actor::id);
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let i = instances::set_vote_weight(conn, &domain, weight)?;
                let entry = Entry {
                    reason: Some(format!("{domain}: vote weight {weight}")),
                    admin_only: true,
                    ..Entry::default()
                };
                log::record(conn, "vote_weight", moderator, Target::default(), entry)?;
                Ok(i)
            })
        })
        .await
}

/// Recomputes every cached reputation from the ledger.
pub async fn recompute(app: &App, actor: Option<&Actor>) -> Result<usize> {
    if let Some(a) = actor {
        require_staff_moderator(a)?;
    }
    let config = app.config.clone();
    app.store
        .run(move |conn| write_tx(conn, |conn| ledger::recompute_all(conn, &config.reputation)))
        .await
}

/// Runs the serial-voting check over the last 24 hours now (the daily job
/// does the same).
pub async fn reverse_serial_votes(app: &App, actor: Option<&Actor>) -> Result<Vec<Reversed>> {
    if let Some(a) = actor {
        require_staff_moderator(a)?;
    }
    let config = app.config.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                ledger::reverse_serial_votes(conn, &config.reputation, now())
            })
        })
        .await
}

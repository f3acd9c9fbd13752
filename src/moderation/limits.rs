//! Rate limits on posting: threads and comments per local account per hour,
//! stricter for new accounts and newcomer ranks (which may not post links
//! either), and activities per remote server per minute. Counted in memory
//! by each process; staff are not limited.

use crate::community::{Actor, InstanceRole};
use crate::error::{Error, Result};
use crate::reputation::ledger::summary_of;
use crate::store::now;
use crate::App;
use std::time::Instant;

/// Whether `text` carries a link (a URL or a bare `www.` address).
pub fn has_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .any(|p| lower.contains(p))
}

/// Checks (and counts) one new thread or comment by a local person. New
/// accounts, and members of the newcomer ranks, are limited alike.
pub async fn check_posting(app: &App, actor: &Actor, text: &str) -> Result<()> {
    if !actor.person.local || actor.role != InstanceRole::User {
        return Ok(());
    }
    let m = &app.config.moderation;
    let age = now() - actor.person.created_at;
    let new_account = age < chrono::Duration::days(i64::from(m.new_account_days));
    let newcomer_rank = if new_account || app.config.reputation.newcomer_ranks.is_empty() {
        None
    } else {
        let (person, app2) = (actor.person.clone(), app.clone());
        let rank = app
            .store
            .run(move |conn| summary_of(conn, &app2.config.reputation, &person))
            .await?
            .rank;
        app.config
            .reputation
            .newcomer_ranks
            .contains(&rank)
            .then_some(rank)
    };
    let new = new_account || newcomer_rank.is_some();
    if new && !m.new_account_links && has_link(text) {
        return Err(Error::unprocessable(match newcomer_rank {
            Some(rank) => format!("members of rank {rank} cannot post links yet"),
            None => format!(
                "new accounts cannot post links during their first {} days",
                m.new_account_days
            ),
        }));
    }
    let key = actor.id().to_string();
    let at = Instant::now();
    if new {
        app.new_account_throttle.take(&key, at).map_err(|retry| {
            Error::too_many_requests(
                format!(
                    "new accounts post at most {} threads and comments an hour",
                    m.new_account_posts_per_hour
                ),
                retry,
            )
        })?;
    }
    app.post_throttle.take(&key, at).map_err(|retry| {
        Error::too_many_requests(
            format!("at most {} threads and comments an hour", m.posts_per_hour),
            retry,
        )
    })
}

/// Counts one activity from the remote server `domain`.
pub fn check_remote(app: &App, domain: &str) -> Result<()> {
    app.remote_throttle
        .take(domain, Instant::now())
        .map_err(|retry| {
            Error::too_many_requests(
                format!(
                    "at most {} activities a minute from one server",
                    app.config.moderation.remote_activities_per_minute
                ),
                retry,
            )
        })
}

#[cfg(test)]
mod tests {
    use super::has_link;

    #[test]
    fn links_in_any_case() {
        assert!(has_link("see HTTPS://example.com"));
        assert!(has_link("go to www.example.com"));
        assert!(has_link("[x](http://a.example)"));
        assert!(!has_link("no links, just text"));
    }
}

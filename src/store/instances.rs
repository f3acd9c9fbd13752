//! Known servers, this one included.

use super::schema::instance;
use super::{now, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// What this server does with another: federates as with anyone
    /// (`open`), counts it a partner (`allowed`), takes its content but
    /// not its votes or reports (`silenced`), or refuses it (`blocked`).
    pub enum DomainPolicy {
        Open => "open",
        Allowed => "allowed",
        Silenced => "silenced",
        Blocked => "blocked",
    }
}

impl DomainPolicy {
    /// Silenced or blocked: its votes and reports weigh nothing here.
    pub fn weighs_nothing(self) -> bool {
        matches!(self, DomainPolicy::Silenced | DomainPolicy::Blocked)
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Instance {
    pub id: i64,
    pub domain: String,
    pub local: bool,
    pub software: Option<String>,
    pub policy: DomainPolicy,
    pub reject_media: bool,
    pub vote_weight: f64,
    pub failures: i32,
    pub last_seen_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    pub failing_since: Option<chrono::NaiveDateTime>,
    pub dead: bool,
    pub next_probe_at: Option<chrono::NaiveDateTime>,
}

/// The row of this instance, created on first start.
pub fn ensure_local(conn: &mut DbConn, domain: &str) -> Result<Instance> {
    super::write_tx(conn, |conn| {
        if let Some(found) = instance::table
            .filter(instance::domain.eq(domain))
            .first::<Instance>(conn)
            .optional()?
        {
            if !found.local {
                diesel::update(instance::table.find(found.id))
                    .set(instance::local.eq(true))
                    .execute(conn)?;
            }
            return Ok(Instance {
                local: true,
                ..found
            });
        }
        Ok(diesel::insert_into(instance::table)
            .values((
                instance::domain.eq(domain),
                instance::local.eq(true),
                instance::software.eq(Some("guildhall")),
                instance::created_at.eq(now()),
            ))
            .returning(instance::all_columns)
            .get_result::<Instance>(conn)?)
    })
}

pub fn by_domain(conn: &mut DbConn, domain: &str) -> Result<Option<Instance>> {
    Ok(instance::table
        .filter(instance::domain.eq(domain))
        .first(conn)
        .optional()?)
}

/// The rows of those of `domains` that are known.
pub fn by_domains(conn: &mut DbConn, domains: &[String]) -> Result<Vec<Instance>> {
    Ok(instance::table
        .filter(instance::domain.eq_any(domains))
        .load(conn)?)
}

pub fn set_keys(
    conn: &mut DbConn,
    id: i64,
    public_key: &str,
    private_key: &str,
) -> Result<Instance> {
    Ok(diesel::update(instance::table.find(id))
        .set((
            instance::public_key.eq(public_key),
            instance::private_key.eq(private_key),
        ))
        .returning(instance::all_columns)
        .get_result(conn)?)
}

/// The row of a remote server, made on first contact.
pub fn ensure_remote(conn: &mut DbConn, domain: &str) -> Result<Instance> {
    if let Some(found) = by_domain(conn, domain)? {
        return Ok(found);
    }
    Ok(diesel::insert_into(instance::table)
        .values((
            instance::domain.eq(domain),
            instance::local.eq(false),
            instance::created_at.eq(now()),
        ))
        .returning(instance::all_columns)
        .get_result::<Instance>(conn)?)
}

/// Records the software a remote server runs (its NodeInfo name).
pub fn set_software(conn: &mut DbConn, domain: &str, software: &str) -> Result<()> {
    diesel::update(instance::table.filter(instance::domain.eq(domain)))
        .set(instance::software.eq(Some(software)))
        .execute(conn)?;
    Ok(())
}

/// A remote server answered: it is healthy again. Cheap when it already was.
pub fn mark_alive(conn: &mut DbConn, domain: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(
        instance::table
            .filter(instance::domain.eq(domain))
            .filter(instance::failures.gt(0).or(instance::dead.eq(true))),
    )
    .set((
        instance::failures.eq(0),
        instance::failing_since.eq(None::<NaiveDateTime>),
        instance::dead.eq(false),
        instance::next_probe_at.eq(None::<NaiveDateTime>),
        instance::last_seen_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(())
}

/// A delivery to a remote server failed. Once it has failed for longer than
/// `dead_after`, it is marked dead: deliveries to it are dropped, except one
/// probe every `probe_every`, until it answers again. Returns the row.
/// Call it inside a write transaction (it reads, then writes).
pub fn mark_failure(
    conn: &mut DbConn,
    domain: &str,
    at: NaiveDateTime,
    dead_after: chrono::Duration,
    probe_every: chrono::Duration,
) -> Result<Option<Instance>> {
    let Some(i) = by_domain(conn, domain)? else {
        return Ok(None);
    };
    let since = i.failing_since.unwrap_or(at);
    let dead = at - since >= dead_after;
    let next_probe_at = dead.then(|| at + probe_every);
    Ok(Some(
        diesel::update(instance::table.find(i.id))
            .set((
                instance::failures.eq(i.failures.saturating_add(1)),
                instance::failing_since.eq(Some(since)),
                instance::dead.eq(dead),
                instance::next_probe_at.eq(next_probe_at),
            ))
            .returning(instance::all_columns)
            .get_result(conn)?,
    ))
}

/// Remote servers marked dead, for the admin's view.
pub fn dead(conn: &mut DbConn) -> Result<Vec<Instance>> {
    Ok(instance::table
        .filter(instance::dead.eq(true))
        .order(instance::domain.asc())
        .load(conn)?)
}

/// Sets a server's policy (`open`, `allowed`, `silenced`, `blocked`),
/// recording the server first if it is new.
pub fn set_policy(conn: &mut DbConn, domain: &str, policy: DomainPolicy) -> Result<Instance> {
    let i = ensure_remote(conn, domain)?;
    Ok(diesel::update(instance::table.find(i.id))
        .set(instance::policy.eq(policy))
        .returning(instance::all_columns)
        .get_result(conn)?)
}

/// Whether this server keeps `domain`'s media out (uploads, links, caches).
pub fn set_reject_media(conn: &mut DbConn, domain: &str, reject: bool) -> Result<Instance> {
    let i = ensure_remote(conn, domain)?;
    Ok(diesel::update(instance::table.find(i.id))
        .set(instance::reject_media.eq(reject))
        .returning(instance::all_columns)
        .get_result(conn)?)
}

/// Remote servers with a policy other than `open` (or whose media are
/// rejected), by domain.
pub fn with_policy(conn: &mut DbConn) -> Result<Vec<Instance>> {
    Ok(instance::table
        .filter(instance::local.eq(false))
        .filter(
            instance::policy
                .ne(DomainPolicy::Open)
                .or(instance::reject_media.eq(true)),
        )
        .order(instance::domain.asc())
        .load(conn)?)
}

pub fn setting(conn: &mut DbConn, key: &str) -> Result<Option<String>> {
    use super::schema::setting;
    Ok(setting::table
        .find(key)
        .select(setting::value)
        .first(conn)
        .optional()?)
}

/// Sets a setting; run it in a write transaction (see `write_tx`).
pub fn set_setting(conn: &mut DbConn, key: &str, value: &str) -> Result<()> {
    use super::schema::setting;
    diesel::delete(setting::table.find(key)).execute(conn)?;
    diesel::insert_into(setting::table)
        .values((setting::key.eq(key), setting::value.eq(value)))
        .execute(conn)?;
    Ok(())
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Instance> {
    Ok(instance::table.find(id).first(conn)?)
}

/// Sets how much votes from `domain` weigh in reputation (creating the
/// server's row if it is not known yet).
pub fn set_vote_weight(conn: &mut DbConn, domain: &str, weight: f64) -> Result<Instance> {
    let i = ensure_remote(conn, domain)?;
    Ok(diesel::update(instance::table.find(i.id))
        .set(instance::vote_weight.eq(weight))
        .returning(instance::all_columns)
        .get_result(conn)?)
}

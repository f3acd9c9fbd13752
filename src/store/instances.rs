//! Known servers, this one included.

use super::schema::instance;
use super::{now, DbConn};
use crate::error::Result;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct Instance {
    pub id: i64,
    pub domain: String,
    pub local: bool,
    pub software: Option<String>,
    pub policy: String,
    pub reject_media: bool,
    pub vote_weight: f64,
    pub failures: i32,
    pub last_seen_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
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

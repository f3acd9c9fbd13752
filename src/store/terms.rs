//! Terms of service: their versions, and which one each account accepted.

use super::schema::{local_user, terms};
use super::{now, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct Terms {
    pub version: i64,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn current(conn: &mut DbConn) -> Result<Option<Terms>> {
    Ok(terms::table
        .order(terms::version.desc())
        .first(conn)
        .optional()?)
}

pub fn publish(conn: &mut DbConn, body: &str) -> Result<Terms> {
    Ok(diesel::insert_into(terms::table)
        .values((terms::body.eq(body), terms::created_at.eq(now())))
        .returning(terms::all_columns)
        .get_result(conn)?)
}

/// The version the local account of `person_id` accepted.
pub fn accepted(conn: &mut DbConn, person_id: i64) -> Result<Option<i64>> {
    Ok(local_user::table
        .filter(local_user::person_id.eq(person_id))
        .select(local_user::accepted_terms)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}

pub fn accept(conn: &mut DbConn, person_id: i64, version: i64) -> Result<()> {
    diesel::update(local_user::table.filter(local_user::person_id.eq(person_id)))
        .set(local_user::accepted_terms.eq(Some(version)))
        .execute(conn)?;
    Ok(())
}

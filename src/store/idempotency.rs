//! Idempotency-Keys of new statuses (Mastodon's API): a key sent again by
//! the same member answers the status it made the first time.

use super::schema::status_idempotency;
use super::{now, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The status a member's Idempotency-Key made since `since`.
pub fn idempotent_status(
    conn: &mut DbConn,
    local_user_id: i64,
    key: &str,
    since: NaiveDateTime,
) -> Result<Option<String>> {
    Ok(status_idempotency::table
        .filter(status_idempotency::local_user_id.eq(local_user_id))
        .filter(status_idempotency::idempotency_key.eq(key))
        .filter(status_idempotency::created_at.ge(since))
        .select(status_idempotency::status_id)
        .first(conn)
        .optional()?)
}

/// Remembers the status a key made (replacing an expired one of the key).
pub fn remember_status(
    conn: &mut DbConn,
    local_user_id: i64,
    key: &str,
    status_id: &str,
) -> Result<()> {
    diesel::delete(
        status_idempotency::table
            .filter(status_idempotency::local_user_id.eq(local_user_id))
            .filter(status_idempotency::idempotency_key.eq(key)),
    )
    .execute(conn)?;
    diesel::insert_into(status_idempotency::table)
        .values((
            status_idempotency::local_user_id.eq(local_user_id),
            status_idempotency::idempotency_key.eq(key),
            status_idempotency::status_id.eq(status_id),
            status_idempotency::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

//! Notification rows and each member's delivery preferences.

use super::schema::{notification, notification_preference};
use super::{now, DbConn};
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notification)]
pub struct NewNotification {
    pub person_id: i64,
    pub kind: String,
    pub event_id: i64,
    pub actor_id: Option<i64>,
    pub group_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct Notification {
    pub id: i64,
    pub person_id: i64,
    pub kind: String,
    pub event_id: i64,
    pub actor_id: Option<i64>,
    pub group_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub payload: String,
    pub read_at: Option<NaiveDateTime>,
    pub emailed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Inserts unless the recipient already has this kind for this event
/// (the unique index `notification_cause`); returns whether it did.
pub fn insert(conn: &mut DbConn, new: &NewNotification) -> Result<bool> {
    let n = match conn {
        DbConn::Pg(c) => diesel::insert_into(notification::table)
            .values(new)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConn::Sqlite(c) => diesel::insert_into(notification::table)
            .values(new)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(n > 0)
}

/// What a listing keeps.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kind: Option<String>,
    pub unread_only: bool,
    /// Notifications about these groups are left out (clubs the reader
    /// no longer sees).
    pub hidden_groups: Vec<i64>,
}

/// Leaves out notifications that show a thread or comment of a group in
/// `hidden` (a club the reader no longer sees); the club's name alone
/// (a ban, a rejected request) stays.
type Visible = Box<
    dyn BoxableExpression<
        notification::table,
        super::MultiBackend,
        SqlType = diesel::sql_types::Bool,
    >,
>;

fn visible(hidden: Vec<i64>) -> Visible {
    Box::new(
        notification::group_id
            .is_null()
            .or(notification::post_id
                .is_null()
                .and(notification::comment_id.is_null()))
            .or(diesel::dsl::not(
                notification::group_id.assume_not_null().eq_any(hidden),
            )),
    )
}

/// `person_id`'s notifications, newest first, older than `before` when given.
pub fn page(
    conn: &mut DbConn,
    person_id: i64,
    filter: &Filter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Notification>> {
    let mut q = notification::table
        .filter(notification::person_id.eq(person_id))
        .filter(visible(filter.hidden_groups.clone()))
        .order(notification::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(kind) = &filter.kind {
        q = q.filter(notification::kind.eq(kind.clone()));
    }
    if filter.unread_only {
        q = q.filter(notification::read_at.is_null());
    }
    if let Some(before) = before {
        q = q.filter(notification::id.lt(before));
    }
    Ok(q.load(conn)?)
}

/// `person_id`'s notifications newer than `after`, oldest first (the stream).
pub fn after(
    conn: &mut DbConn,
    person_id: i64,
    hidden_groups: &[i64],
    after: i64,
    limit: i64,
) -> Result<Vec<Notification>> {
    Ok(notification::table
        .filter(notification::person_id.eq(person_id))
        .filter(notification::id.gt(after))
        .filter(visible(hidden_groups.to_vec()))
        .order(notification::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// The newest notification id of `person_id` (0 when none).
pub fn last_id(conn: &mut DbConn, person_id: i64) -> Result<i64> {
    Ok(notification::table
        .filter(notification::person_id.eq(person_id))
        .select(diesel::dsl::max(notification::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

pub fn unread_count(conn: &mut DbConn, person_id: i64, hidden_groups: &[i64]) -> Result<i64> {
    Ok(notification::table
        .filter(notification::person_id.eq(person_id))
        .filter(notification::read_at.is_null())
        .filter(visible(hidden_groups.to_vec()))
        .count()
        .get_result(conn)?)
}

pub fn by_id(conn: &mut DbConn, person_id: i64, id: i64) -> Result<Option<Notification>> {
    Ok(notification::table
        .filter(notification::person_id.eq(person_id))
        .filter(notification::id.eq(id))
        .first(conn)
        .optional()?)
}

/// Marks `person_id`'s unread notifications with ids up to `up_to` read;
/// returns how many changed.
pub fn mark_read_up_to(conn: &mut DbConn, person_id: i64, up_to: i64) -> Result<usize> {
    Ok(diesel::update(
        notification::table
            .filter(notification::person_id.eq(person_id))
            .filter(notification::id.le(up_to))
            .filter(notification::read_at.is_null()),
    )
    .set(notification::read_at.eq(Some(now())))
    .execute(conn)?)
}

/// Marks one notification read (no change when it already was).
pub fn mark_read(conn: &mut DbConn, person_id: i64, id: i64) -> Result<()> {
    diesel::update(
        notification::table
            .filter(notification::person_id.eq(person_id))
            .filter(notification::id.eq(id))
            .filter(notification::read_at.is_null()),
    )
    .set(notification::read_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

/// The stored (kind, delivery) choices of `person_id`.
pub fn preferences(conn: &mut DbConn, person_id: i64) -> Result<Vec<(String, String)>> {
    Ok(notification_preference::table
        .filter(notification_preference::person_id.eq(person_id))
        .select((
            notification_preference::kind,
            notification_preference::delivery,
        ))
        .load(conn)?)
}

/// The stored choices of several people for one kind: (person, delivery).
pub fn preference_of(
    conn: &mut DbConn,
    person_ids: &[i64],
    kind: &str,
) -> Result<Vec<(i64, String)>> {
    Ok(notification_preference::table
        .filter(notification_preference::person_id.eq_any(person_ids.to_vec()))
        .filter(notification_preference::kind.eq(kind))
        .select((
            notification_preference::person_id,
            notification_preference::delivery,
        ))
        .load(conn)?)
}

/// Stores one choice (replacing the one before).
pub fn set_preference(conn: &mut DbConn, person_id: i64, kind: &str, delivery: &str) -> Result<()> {
    diesel::delete(
        notification_preference::table
            .filter(notification_preference::person_id.eq(person_id))
            .filter(notification_preference::kind.eq(kind)),
    )
    .execute(conn)?;
    diesel::insert_into(notification_preference::table)
        .values((
            notification_preference::person_id.eq(person_id),
            notification_preference::kind.eq(kind),
            notification_preference::delivery.eq(delivery),
        ))
        .execute(conn)?;
    Ok(())
}

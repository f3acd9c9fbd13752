//! Reports: rows of the moderation queues (local reports and those received
//! from other servers), the duplicate check, the queue queries and the
//! closing and forwarding of a report.

use super::schema::{instance, report, report_forward};
use super::DbConn;
use crate::error::{Error, Result};
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// A report waits (`open`) until a moderator acts on it or dismisses it.
    pub enum ReportState { Open => "open", Resolved => "resolved", Dismissed => "dismissed" }
}

#[derive(Debug, Clone, Queryable)]
pub struct Report {
    pub id: i64,
    /// The Flag's id, for a report received from another server.
    pub ap_id: Option<String>,
    pub reporter_id: Option<i64>,
    pub origin_instance_id: i64,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub person_id: i64,
    pub group_id: Option<i64>,
    pub reason: String,
    pub state: ReportState,
    pub resolution: Option<String>,
    pub resolved_by: Option<i64>,
    pub forwarded: bool,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

/// A new report; it starts open and not forwarded.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = report)]
pub struct NewReport {
    pub ap_id: Option<String>,
    pub reporter_id: Option<i64>,
    pub origin_instance_id: i64,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub person_id: i64,
    pub group_id: Option<i64>,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

/// Inserts a report from another server; None when its id is already
/// stored (the same Flag delivered twice at once).
pub fn insert_received(conn: &mut DbConn, new: &NewReport) -> Result<Option<Report>> {
    let insert = diesel::insert_into(report::table)
        .values(new)
        .on_conflict_do_nothing()
        .returning(report::all_columns);
    Ok(match conn {
        DbConn::Pg(c) => insert.get_result(c).optional()?,
        DbConn::Sqlite(c) => insert.get_result(c).optional()?,
    })
}

pub fn insert(conn: &mut DbConn, new: &NewReport) -> Result<Report> {
    Ok(diesel::insert_into(report::table)
        .values(new)
        .returning(report::all_columns)
        .get_result(conn)?)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Report> {
    report::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(format!("no report {id}")))
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Report>> {
    Ok(report::table
        .filter(report::ap_id.eq(ap_id))
        .first(conn)
        .optional()?)
}

/// Whether `reporter_id` has an open report of exactly this subject: a
/// comment, a thread, or the person alone (no content).
pub fn open_exists(
    conn: &mut DbConn,
    reporter_id: i64,
    post_id: Option<i64>,
    comment_id: Option<i64>,
    person_id: i64,
) -> Result<bool> {
    let mut q = report::table
        .filter(report::reporter_id.eq(reporter_id))
        .filter(report::state.eq(ReportState::Open))
        .filter(report::person_id.eq(person_id))
        .into_boxed();
    q = match comment_id {
        Some(c) => q.filter(report::comment_id.eq(c)),
        None => q.filter(report::comment_id.is_null()),
    };
    q = match post_id {
        Some(p) => q.filter(report::post_id.eq(p)),
        None => q.filter(report::post_id.is_null()),
    };
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

/// Which reports a queue lists; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub group_id: Option<i64>,
    pub reporter_id: Option<i64>,
    pub state: Option<ReportState>,
    /// Only reports older than this id (the page cursor).
    pub before_id: Option<i64>,
}

/// Newest first.
pub fn list(conn: &mut DbConn, f: &Filter, limit: i64) -> Result<Vec<Report>> {
    let mut q = report::table
        .order(report::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(g) = f.group_id {
        q = q.filter(report::group_id.eq(g));
    }
    if let Some(r) = f.reporter_id {
        q = q.filter(report::reporter_id.eq(r));
    }
    if let Some(s) = &f.state {
        q = q.filter(report::state.eq(*s));
    }
    if let Some(b) = f.before_id {
        q = q.filter(report::id.lt(b));
    }
    Ok(q.load(conn)?)
}

/// Closes an open report (`state` resolved or dismissed); `None` when it
/// was not open any more, so two moderators never both close it.
pub fn close(
    conn: &mut DbConn,
    id: i64,
    state: ReportState,
    resolution: &str,
    resolved_by: i64,
    at: NaiveDateTime,
) -> Result<Option<Report>> {
    Ok(diesel::update(
        report::table
            .find(id)
            .filter(report::state.eq(ReportState::Open)),
    )
    .set((
        report::state.eq(state),
        report::resolution.eq(resolution),
        report::resolved_by.eq(resolved_by),
        report::resolved_at.eq(at),
    ))
    .returning(report::all_columns)
    .get_result(conn)
    .optional()?)
}

/// Marks a report forwarded; false when it already was.
pub fn mark_forwarded(conn: &mut DbConn, id: i64) -> Result<bool> {
    let changed = diesel::update(report::table.find(id).filter(report::forwarded.eq(false)))
        .set(report::forwarded.eq(true))
        .execute(conn)?;
    Ok(changed > 0)
}

/// The domain of the server a report came from (shown with the report).
pub fn origin_domain(conn: &mut DbConn, instance_id: i64) -> Result<String> {
    Ok(instance::table
        .find(instance_id)
        .select(instance::domain)
        .first(conn)?)
}

/// Open reports of one comment, or of one thread (`comment_id` none).
pub fn open_about(conn: &mut DbConn, post_id: i64, comment_id: Option<i64>) -> Result<Vec<Report>> {
    let q = report::table
        .filter(report::state.eq(ReportState::Open))
        .into_boxed();
    let q = match comment_id {
        Some(c) => q.filter(report::comment_id.eq(c)),
        None => q
            .filter(report::post_id.eq(post_id))
            .filter(report::comment_id.is_null()),
    };
    Ok(q.load(conn)?)
}

crate::text_enum! {
    /// What became of one delivery of a forwarded report.
    pub enum ForwardState {
        /// Not answered yet (or being retried).
        Queued => "queued",
        /// The receiving server took it.
        Delivered => "delivered",
        /// Refused for good: a 4xx, the domain policy, or retries exhausted.
        Refused => "refused",
    }
}

/// One delivery of a forwarded report.
#[derive(Debug, Clone)]
pub struct ForwardDelivery {
    pub inbox_url: String,
    pub state: ForwardState,
    pub error: Option<String>,
}

/// Records that `activity` (a Flag) is queued for each of `inboxes`.
pub fn add_forward(
    conn: &mut DbConn,
    report_id: i64,
    activity: &str,
    inboxes: &[String],
    at: NaiveDateTime,
) -> Result<()> {
    for inbox in inboxes {
        diesel::insert_into(report_forward::table)
            .values((
                report_forward::report_id.eq(report_id),
                report_forward::activity_ap_id.eq(activity),
                report_forward::inbox_url.eq(inbox),
                report_forward::state.eq(ForwardState::Queued),
                report_forward::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Records how the delivery of `activity` to `inbox` ended; the report's
/// id when it was a forwarded report's (anything else matches nothing).
pub fn end_forward(
    conn: &mut DbConn,
    activity: &str,
    inbox: &str,
    state: ForwardState,
    error: Option<&str>,
    at: NaiveDateTime,
) -> Result<Option<i64>> {
    Ok(diesel::update(
        report_forward::table
            .filter(report_forward::activity_ap_id.eq(activity))
            .filter(report_forward::inbox_url.eq(inbox)),
    )
    .set((
        report_forward::state.eq(state),
        report_forward::error.eq(error),
        report_forward::updated_at.eq(at),
    ))
    .returning(report_forward::report_id)
    .get_result(conn)
    .optional()?)
}

/// Where a report was forwarded, and what became of it.
pub fn forwards_of(conn: &mut DbConn, report_id: i64) -> Result<Vec<ForwardDelivery>> {
    let rows: Vec<(String, ForwardState, Option<String>)> = report_forward::table
        .filter(report_forward::report_id.eq(report_id))
        .order(report_forward::id.asc())
        .select((
            report_forward::inbox_url,
            report_forward::state,
            report_forward::error,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(inbox_url, state, error)| ForwardDelivery {
            inbox_url,
            state,
            error,
        })
        .collect())
}

//! Escalation of unanswered questions: groups' response targets and each
//! question's row (its state, its first reply and accepted answer).

use super::schema::{comment, post, question_escalation, response_target};
use super::DbConn;
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// Where a question stands: it waits for a reply, is escalated (to
    /// moderators and staff, then to the admins), or was replied to, or
    /// has an accepted answer.
    pub enum EscalationState {
        Waiting => "waiting",
        Escalated => "escalated",
        EscalatedToAdmins => "escalated_to_admins",
        Replied => "replied",
        Accepted => "accepted",
    }
}

crate::text_enum! {
    /// Who an escalation reaches: first the group's moderators and the
    /// staff, then the admins.
    pub enum EscalationLevel {
        Moderators => "moderators",
        Admins => "admins",
    }
}

impl EscalationState {
    /// Still without a reply from anyone but its author.
    pub fn unanswered(self) -> bool {
        EscalationState::UNANSWERED.contains(&self)
    }

    pub const UNANSWERED: [EscalationState; 3] = [
        EscalationState::Waiting,
        EscalationState::Escalated,
        EscalationState::EscalatedToAdmins,
    ];

    /// In the Unanswered queue.
    pub const QUEUED: [EscalationState; 2] = [
        EscalationState::Escalated,
        EscalationState::EscalatedToAdmins,
    ];
}

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = response_target, treat_none_as_null = true)]
pub struct ResponseTarget {
    pub group_id: i64,
    pub escalates: bool,
    pub first_secs: Option<i64>,
    pub second_secs: Option<i64>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = question_escalation)]
pub struct QuestionEscalation {
    pub post_id: i64,
    pub group_id: i64,
    pub author_id: i64,
    pub asked_at: NaiveDateTime,
    pub state: EscalationState,
    pub first_reply_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
    pub admins_at: Option<NaiveDateTime>,
}

pub fn target(conn: &mut DbConn, group_id: i64) -> Result<Option<ResponseTarget>> {
    Ok(response_target::table
        .find(group_id)
        .first(conn)
        .optional()?)
}

pub fn targets(conn: &mut DbConn, group_ids: &[i64]) -> Result<Vec<ResponseTarget>> {
    Ok(response_target::table
        .filter(response_target::group_id.eq_any(group_ids))
        .load(conn)?)
}

/// Writes a group's targets (no ON CONFLICT across both backends: the
/// row is updated, or inserted when there was none).
pub fn set_target(conn: &mut DbConn, t: &ResponseTarget) -> Result<()> {
    let n = diesel::update(response_target::table.find(t.group_id))
        .set(t)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(response_target::table)
            .values(t)
            .execute(conn)?;
    }
    Ok(())
}

pub fn of_post(conn: &mut DbConn, post_id: i64) -> Result<Option<QuestionEscalation>> {
    Ok(question_escalation::table
        .find(post_id)
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConn, row: &QuestionEscalation) -> Result<()> {
    diesel::insert_into(question_escalation::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The questions still unanswered and not yet at the last level, whose
/// thread is out for readers (not held, removed or deleted).
pub fn escalating(conn: &mut DbConn) -> Result<Vec<QuestionEscalation>> {
    Ok(question_escalation::table
        .inner_join(post::table)
        .filter(
            question_escalation::state
                .eq_any([EscalationState::Waiting, EscalationState::Escalated]),
        )
        .filter(post::held.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::deleted.eq(false))
        .order(question_escalation::asked_at.asc())
        .select(question_escalation::all_columns)
        .load(conn)?)
}

/// Moves a question from `from` to `to`, setting the level's time; false
/// when another process (or a reply) moved it first.
pub fn escalate(
    conn: &mut DbConn,
    post_id: i64,
    from: EscalationState,
    level: EscalationLevel,
    at: NaiveDateTime,
) -> Result<bool> {
    let row = question_escalation::table
        .filter(question_escalation::post_id.eq(post_id))
        .filter(question_escalation::state.eq(from));
    let n = match level {
        EscalationLevel::Moderators => diesel::update(row)
            .set((
                question_escalation::state.eq(EscalationState::Escalated),
                question_escalation::escalated_at.eq(at),
            ))
            .execute(conn)?,
        EscalationLevel::Admins => diesel::update(row)
            .set((
                question_escalation::state.eq(EscalationState::EscalatedToAdmins),
                question_escalation::admins_at.eq(at),
            ))
            .execute(conn)?,
    };
    Ok(n > 0)
}

/// A first reply from someone other than the asker: kept for analytics,
/// and it ends an escalation.
pub fn replied(conn: &mut DbConn, post_id: i64, at: NaiveDateTime) -> Result<()> {
    let row = question_escalation::table.filter(question_escalation::post_id.eq(post_id));
    diesel::update(row.filter(question_escalation::first_reply_at.is_null()))
        .set(question_escalation::first_reply_at.eq(at))
        .execute(conn)?;
    diesel::update(row.filter(question_escalation::state.eq_any(EscalationState::UNANSWERED)))
        .set(question_escalation::state.eq(EscalationState::Replied))
        .execute(conn)?;
    Ok(())
}

/// An accepted answer closes the question (the first acceptance's time
/// is the one kept).
pub fn accepted(conn: &mut DbConn, post_id: i64, at: NaiveDateTime) -> Result<()> {
    let row = question_escalation::table.filter(question_escalation::post_id.eq(post_id));
    diesel::update(row.filter(question_escalation::accepted_at.is_null()))
        .set(question_escalation::accepted_at.eq(at))
        .execute(conn)?;
    diesel::update(row)
        .set(question_escalation::state.eq(EscalationState::Accepted))
        .execute(conn)?;
    Ok(())
}

/// Which groups a queue shows.
#[derive(Debug, Clone)]
pub enum Scope {
    Only(Vec<i64>),
    AllBut(Vec<i64>),
}

/// The Unanswered queue, oldest first, threads out for readers only.
pub fn queue(
    conn: &mut DbConn,
    scope: &Scope,
    offset: i64,
    limit: i64,
) -> Result<Vec<QuestionEscalation>> {
    let mut q = question_escalation::table
        .inner_join(post::table)
        .filter(question_escalation::state.eq_any(EscalationState::QUEUED))
        .filter(post::held.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::deleted.eq(false))
        .select(question_escalation::all_columns)
        .into_boxed();
    q = match scope {
        Scope::Only(ids) => q.filter(question_escalation::group_id.eq_any(ids.clone())),
        Scope::AllBut(ids) => q.filter(question_escalation::group_id.ne_all(ids.clone())),
    };
    Ok(q.order((
        question_escalation::asked_at.asc(),
        question_escalation::post_id.asc(),
    ))
    .offset(offset)
    .limit(limit)
    .load(conn)?)
}

/// When someone other than `author_id` first replied to the thread (a
/// reply out for readers), if anyone has.
pub fn first_reply(
    conn: &mut DbConn,
    post_id: i64,
    author_id: i64,
) -> Result<Option<NaiveDateTime>> {
    Ok(comment::table
        .filter(comment::post_id.eq(post_id))
        .filter(comment::author_id.ne(author_id))
        .filter(comment::held.eq(false))
        .filter(comment::removed.eq(false))
        .filter(comment::deleted.eq(false))
        .select(diesel::dsl::min(comment::created_at))
        .first::<Option<NaiveDateTime>>(conn)?)
}

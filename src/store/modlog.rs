//! The moderation log: one row per moderation action, local or applied
//! from another server, with filters for the public log and the admins'
//! audit log.

use super::schema::mod_action;
use super::DbConn;
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct ModAction {
    pub id: i64,
    pub action: String,
    /// None: done by the server itself (an automatic action).
    pub moderator_id: Option<i64>,
    pub group_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub person_id: Option<i64>,
    pub reason: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub remote: bool,
    pub admin_only: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, Insertable)]
#[diesel(table_name = mod_action)]
pub struct NewModAction {
    pub action: String,
    /// None: done by the server itself (an automatic action).
    pub moderator_id: Option<i64>,
    pub group_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub person_id: Option<i64>,
    pub reason: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub remote: bool,
    pub admin_only: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewModAction) -> Result<ModAction> {
    Ok(diesel::insert_into(mod_action::table)
        .values(new)
        .returning(mod_action::all_columns)
        .get_result(conn)?)
}

/// Filters of the log; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub group_id: Option<i64>,
    pub moderator_id: Option<i64>,
    /// The person acted on, or the author of the thread or comment.
    pub person_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub action: Option<String>,
    /// Include instance-level actions (the admins' audit log).
    pub admin_only: bool,
    /// Groups whose actions are left out (clubs the reader sees from
    /// outside); actions in no group stay.
    pub hidden_groups: Vec<i64>,
    pub before_id: Option<i64>,
}

/// Newest first.
pub fn list(conn: &mut DbConn, f: &Filter, limit: i64) -> Result<Vec<ModAction>> {
    let mut q = mod_action::table
        .order(mod_action::id.desc())
        .limit(limit)
        .into_boxed();
    q = q.filter(mod_action::admin_only.eq(f.admin_only));
    if let Some(g) = f.group_id {
        q = q.filter(mod_action::group_id.eq(g));
    }
    if !f.hidden_groups.is_empty() {
        q = q.filter(
            mod_action::group_id
                .is_null()
                .or(mod_action::group_id.ne_all(f.hidden_groups.clone())),
        );
    }
    if let Some(m) = f.moderator_id {
        q = q.filter(mod_action::moderator_id.eq(m));
    }
    if let Some(p) = f.person_id {
        q = q.filter(mod_action::person_id.eq(p));
    }
    if let Some(p) = f.post_id {
        q = q.filter(mod_action::post_id.eq(p));
    }
    if let Some(c) = f.comment_id {
        q = q.filter(mod_action::comment_id.eq(c));
    }
    if let Some(a) = &f.action {
        q = q.filter(mod_action::action.eq(a.clone()));
    }
    if let Some(b) = f.before_id {
        q = q.filter(mod_action::id.lt(b));
    }
    Ok(q.load(conn)?)
}

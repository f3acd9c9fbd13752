//! Comments: rows, edits and counters. A thread's comments load in one query
//! and the tree is built by the caller from `parent_id`.

use super::schema::comment;
use super::DbConn;
use crate::error::{Error, Result};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct Comment {
    pub id: i64,
    pub ap_id: String,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub depth: i32,
    pub body_source: String,
    pub body_html: String,
    pub local: bool,
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
    pub removed: bool,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    /// Waiting for a moderator's review.
    pub held: bool,
}

#[derive(Insertable)]
#[diesel(table_name = comment)]
pub struct NewComment {
    pub ap_id: String,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub depth: i32,
    pub body_source: String,
    pub body_html: String,
    pub local: bool,
    pub created_at: NaiveDateTime,
    pub held: bool,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = comment)]
pub struct CommentChange {
    pub body_source: Option<String>,
    pub body_html: Option<String>,
    pub deleted: Option<bool>,
    pub updated_at: Option<Option<NaiveDateTime>>,
    pub removed: Option<bool>,
    pub held: Option<bool>,
}

/// Inserts a comment; None when its id is already stored (the same object
/// from another server arriving twice at once).
pub fn insert(conn: &mut DbConn, new: &NewComment) -> Result<Option<Comment>> {
    let insert = diesel::insert_into(comment::table)
        .values(new)
        .on_conflict_do_nothing()
        .returning(comment::all_columns);
    Ok(match conn {
        DbConn::Pg(c) => insert.get_result(c).optional()?,
        DbConn::Sqlite(c) => insert.get_result(c).optional()?,
    })
}

pub fn set_ap_id(conn: &mut DbConn, id: i64, ap_id: &str) -> Result<Comment> {
    Ok(diesel::update(comment::table.find(id))
        .set(comment::ap_id.eq(ap_id))
        .returning(comment::all_columns)
        .get_result(conn)?)
}

pub fn update(conn: &mut DbConn, id: i64, change: &CommentChange) -> Result<Comment> {
    Ok(diesel::update(comment::table.find(id))
        .set(change)
        .returning(comment::all_columns)
        .get_result(conn)?)
}

/// Applies an edit that carries `version` unless the stored comment is
/// newer (see `posts::update_unless_newer`); None when it is.
pub fn update_unless_newer(
    conn: &mut DbConn,
    id: i64,
    version: NaiveDateTime,
    change: &CommentChange,
) -> Result<Option<Comment>> {
    let not_newer = comment::updated_at.le(version).or(comment::updated_at
        .is_null()
        .and(comment::created_at.le(version)));
    Ok(diesel::update(comment::table.find(id).filter(not_newer))
        .set(change)
        .returning(comment::all_columns)
        .get_result(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Comment> {
    comment::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(format!("no comment {id}")))
}

pub fn by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Comment>> {
    Ok(comment::table
        .filter(comment::id.eq_any(ids.to_vec()))
        .load(conn)?)
}

/// All comments of a thread, oldest first (parents before children).
pub fn of_post(conn: &mut DbConn, post_id: i64) -> Result<Vec<Comment>> {
    Ok(comment::table
        .filter(comment::post_id.eq(post_id))
        .order(comment::id.asc())
        .load(conn)?)
}

pub fn add_votes(conn: &mut DbConn, id: i64, up: i64, down: i64) -> Result<Comment> {
    Ok(diesel::update(comment::table.find(id))
        .set((
            comment::upvotes.eq(comment::upvotes + up),
            comment::downvotes.eq(comment::downvotes + down),
            comment::score.eq(comment::score + up - down),
        ))
        .returning(comment::all_columns)
        .get_result(conn)?)
}

pub fn count_local(conn: &mut DbConn) -> Result<i64> {
    Ok(comment::table
        .filter(comment::local.eq(true))
        .count()
        .get_result(conn)?)
}

/// Distinct local authors of comments since `since`.
pub fn local_authors_since(conn: &mut DbConn, since: NaiveDateTime) -> Result<Vec<i64>> {
    Ok(comment::table
        .filter(comment::local.eq(true))
        .filter(comment::created_at.ge(since))
        .select(comment::author_id)
        .distinct()
        .load(conn)?)
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Comment>> {
    Ok(comment::table
        .filter(comment::ap_id.eq(ap_id))
        .first(conn)
        .optional()?)
}

/// Ids of a person's comments in a group's threads that are not removed yet.
pub fn live_ids_by_author_in_group(
    conn: &mut DbConn,
    author_id: i64,
    group_id: i64,
) -> Result<Vec<i64>> {
    use super::schema::post;
    Ok(comment::table
        .inner_join(post::table)
        .filter(comment::author_id.eq(author_id))
        .filter(post::group_id.eq(group_id))
        .filter(comment::removed.eq(false))
        .select(comment::id)
        .load(conn)?)
}

/// A person's shown comments (they and their threads not deleted, removed
/// or held) outside the groups `hidden`, newest first, before the comment
/// `before` when given.
pub fn by_author(
    conn: &mut DbConn,
    author_id: i64,
    hidden: &[i64],
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Comment>> {
    use super::schema::post;
    let mut q = comment::table
        .inner_join(post::table)
        .filter(comment::author_id.eq(author_id))
        .filter(comment::deleted.eq(false))
        .filter(comment::removed.eq(false))
        .filter(comment::held.eq(false))
        .filter(post::deleted.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::held.eq(false))
        .filter(diesel::dsl::not(
            post::id.eq_any(super::articles::unpublished()),
        ))
        .filter(diesel::dsl::not(post::group_id.eq_any(hidden.to_vec())))
        .order(comment::id.desc())
        .limit(limit)
        .select(comment::all_columns)
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(comment::id.lt(before));
    }
    Ok(q.load(conn)?)
}

/// Comments held for review in threads of `group_ids` (all when `None`).
pub fn held(conn: &mut DbConn, group_ids: Option<&[i64]>, limit: i64) -> Result<Vec<Comment>> {
    use super::schema::post;
    let mut q = comment::table
        .inner_join(post::table)
        .filter(comment::held.eq(true))
        .filter(comment::deleted.eq(false))
        .order(comment::id.asc())
        .limit(limit)
        .select(comment::all_columns)
        .into_boxed();
    if let Some(ids) = group_ids {
        q = q.filter(post::group_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

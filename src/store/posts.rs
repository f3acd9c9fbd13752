//! Threads: rows, edits, counters and the feed queries (keyset pagination).

use super::schema::{grp, post};
use super::DbConn;
use crate::error::{Error, Result};
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// What a thread is: its kind decides what it can do (a question has an
    /// accepted answer, an idea a staff status, an article a blog's fields).
    pub enum PostKind {
        Discussion => "discussion",
        Question => "question",
        Idea => "idea",
        Article => "article",
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Post {
    pub id: i64,
    pub ap_id: String,
    pub group_id: i64,
    pub author_id: i64,
    pub kind: PostKind,
    pub title: String,
    pub body_source: String,
    pub body_html: String,
    pub local: bool,
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
    pub comment_count: i64,
    pub hot_rank: f64,
    pub removed: bool,
    pub deleted: bool,
    pub locked: bool,
    pub pinned: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub last_activity_at: NaiveDateTime,
    /// Waiting for a moderator's review: shown to its author and the
    /// moderators only.
    pub held: bool,
    /// A question's accepted answer.
    pub accepted_comment_id: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = post)]
pub struct NewPost {
    pub ap_id: String,
    pub group_id: i64,
    pub author_id: i64,
    pub kind: PostKind,
    pub title: String,
    pub body_source: String,
    pub body_html: String,
    pub local: bool,
    pub hot_rank: f64,
    pub created_at: NaiveDateTime,
    pub last_activity_at: NaiveDateTime,
    pub held: bool,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = post)]
pub struct PostChange {
    pub title: Option<String>,
    pub body_source: Option<String>,
    pub body_html: Option<String>,
    pub deleted: Option<bool>,
    pub updated_at: Option<Option<NaiveDateTime>>,
    pub removed: Option<bool>,
    pub locked: Option<bool>,
    pub pinned: Option<bool>,
    pub held: Option<bool>,
    pub accepted_comment_id: Option<Option<i64>>,
}

/// Where a feed page starts: the sort key and id of the last item seen.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedCursor {
    New(NaiveDateTime, i64),
    Top(i64, i64),
    Hot(f64, i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedSort {
    New,
    Top,
    Hot,
}

/// Which threads a feed holds.
pub enum FeedScope<'a> {
    Group(i64),
    /// Threads of the joined groups, and threads of followed people in
    /// open groups (a club's threads never leak to non-members).
    Home {
        group_ids: &'a [i64],
        author_ids: &'a [i64],
    },
    /// Threads of every open group, local and remote (never a club's).
    Public,
}

/// Inserts a thread; None when its id is already stored (the same object
/// from another server arriving twice at once).
pub fn insert(conn: &mut DbConn, new: &NewPost) -> Result<Option<Post>> {
    let insert = diesel::insert_into(post::table)
        .values(new)
        .on_conflict_do_nothing()
        .returning(post::all_columns);
    Ok(match conn {
        DbConn::Pg(c) => insert.get_result(c).optional()?,
        DbConn::Sqlite(c) => insert.get_result(c).optional()?,
    })
}

pub fn set_ap_id(conn: &mut DbConn, id: i64, ap_id: &str) -> Result<Post> {
    Ok(diesel::update(post::table.find(id))
        .set(post::ap_id.eq(ap_id))
        .returning(post::all_columns)
        .get_result(conn)?)
}

pub fn update(conn: &mut DbConn, id: i64, change: &PostChange) -> Result<Post> {
    Ok(diesel::update(post::table.find(id))
        .set(change)
        .returning(post::all_columns)
        .get_result(conn)?)
}

/// Applies an edit that carries `version` (its author's edit time) unless
/// the stored thread is newer (by `updated_at`, else `created_at`); None
/// when it is. One conditional statement, so of two edits applied at once
/// the newer wins on both stores.
pub fn update_unless_newer(
    conn: &mut DbConn,
    id: i64,
    version: NaiveDateTime,
    change: &PostChange,
) -> Result<Option<Post>> {
    let not_newer = post::updated_at
        .le(version)
        .or(post::updated_at.is_null().and(post::created_at.le(version)));
    Ok(diesel::update(post::table.find(id).filter(not_newer))
        .set(change)
        .returning(post::all_columns)
        .get_result(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Post> {
    post::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(format!("no thread {id}")))
}

pub fn by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Post>> {
    Ok(post::table.filter(post::id.eq_any(ids)).load(conn)?)
}

/// Applies a vote change to the counters in one statement, so concurrent
/// votes never lose an update.
pub fn add_votes(conn: &mut DbConn, id: i64, up: i64, down: i64) -> Result<Post> {
    Ok(diesel::update(post::table.find(id))
        .set((
            post::upvotes.eq(post::upvotes + up),
            post::downvotes.eq(post::downvotes + down),
            post::score.eq(post::score + up - down),
        ))
        .returning(post::all_columns)
        .get_result(conn)?)
}

pub fn set_hot_rank(conn: &mut DbConn, id: i64, hot_rank: f64) -> Result<()> {
    diesel::update(post::table.find(id))
        .set(post::hot_rank.eq(hot_rank))
        .execute(conn)?;
    Ok(())
}

pub fn add_comment(conn: &mut DbConn, id: i64, delta: i64, at: NaiveDateTime) -> Result<()> {
    diesel::update(post::table.find(id))
        .set((
            post::comment_count.eq(post::comment_count + delta),
            post::last_activity_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn count_local(conn: &mut DbConn) -> Result<i64> {
    Ok(post::table
        .filter(post::local.eq(true))
        .count()
        .get_result(conn)?)
}

/// One page of a feed, newest / best first; fetches `limit` rows. The
/// threads of people `viewer` blocked are left out.
pub fn feed(
    conn: &mut DbConn,
    viewer: Option<i64>,
    scope: FeedScope<'_>,
    sort: FeedSort,
    cursor: Option<&FeedCursor>,
    limit: i64,
) -> Result<Vec<Post>> {
    let mut q = post::table
        .inner_join(grp::table)
        .select(post::all_columns)
        .filter(post::deleted.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::held.eq(false))
        .filter(diesel::dsl::not(
            post::id.eq_any(super::articles::unpublished()),
        ))
        // Content of blocked servers is hidden, not erased (unblocking
        // shows it again).
        .filter(diesel::dsl::not(post::author_id.eq_any(blocked_people())))
        .limit(limit)
        .into_boxed();
    if let Some(viewer) = viewer {
        use super::schema::person_block;
        q = q.filter(diesel::dsl::not(
            post::author_id.eq_any(
                person_block::table
                    .filter(person_block::blocker_id.eq(viewer))
                    .select(person_block::blocked_id),
            ),
        ));
    }
    q = match scope {
        FeedScope::Group(group_id) => q.filter(post::group_id.eq(group_id)),
        FeedScope::Home {
            group_ids,
            author_ids,
        } => q.filter(
            post::group_id.eq_any(group_ids.to_vec()).or(post::author_id
                .eq_any(author_ids.to_vec())
                .and(grp::kind.eq("group"))),
        ),
        FeedScope::Public => q.filter(grp::kind.eq(super::groups::GroupKind::Group)),
    };
    q = match sort {
        FeedSort::New => q.order((post::created_at.desc(), post::id.desc())),
        FeedSort::Top => q.order((post::score.desc(), post::id.desc())),
        FeedSort::Hot => q.order((post::hot_rank.desc(), post::id.desc())),
    };
    q = match cursor {
        None => q,
        Some(FeedCursor::New(at, id)) => q.filter(
            post::created_at
                .lt(*at)
                .or(post::created_at.eq(*at).and(post::id.lt(*id))),
        ),
        Some(FeedCursor::Top(score, id)) => q.filter(
            post::score
                .lt(*score)
                .or(post::score.eq(*score).and(post::id.lt(*id))),
        ),
        Some(FeedCursor::Hot(rank, id)) => q.filter(
            post::hot_rank
                .lt(*rank)
                .or(post::hot_rank.eq(*rank).and(post::id.lt(*id))),
        ),
    };
    Ok(q.load(conn)?)
}

/// A group's pinned threads that are still shown, newest first.
pub fn pinned(conn: &mut DbConn, group_id: i64) -> Result<Vec<Post>> {
    Ok(post::table
        .filter(post::group_id.eq(group_id))
        .filter(post::pinned.eq(true))
        .filter(post::deleted.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::held.eq(false))
        .filter(diesel::dsl::not(
            post::id.eq_any(super::articles::unpublished()),
        ))
        .order(post::created_at.desc())
        .load(conn)?)
}

/// Distinct local authors of threads since `since`.
pub fn local_authors_since(conn: &mut DbConn, since: NaiveDateTime) -> Result<Vec<i64>> {
    Ok(post::table
        .filter(post::local.eq(true))
        .filter(post::created_at.ge(since))
        .select(post::author_id)
        .distinct()
        .load(conn)?)
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Post>> {
    Ok(post::table
        .filter(post::ap_id.eq(ap_id))
        .first(conn)
        .optional()?)
}

/// Ids of a person's threads in a group that are not removed yet.
pub fn live_ids_by_author_in_group(
    conn: &mut DbConn,
    author_id: i64,
    group_id: i64,
) -> Result<Vec<i64>> {
    Ok(post::table
        .filter(post::author_id.eq(author_id))
        .filter(post::group_id.eq(group_id))
        .filter(post::removed.eq(false))
        .select(post::id)
        .load(conn)?)
}

/// A person's shown threads (not deleted, removed or held) outside the
/// groups `hidden`, newest first, before the thread `before` when given.
pub fn by_author(
    conn: &mut DbConn,
    author_id: i64,
    hidden: &[i64],
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Post>> {
    let mut q = post::table
        .filter(post::author_id.eq(author_id))
        .filter(post::deleted.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::held.eq(false))
        .filter(diesel::dsl::not(
            post::id.eq_any(super::articles::unpublished()),
        ))
        .filter(diesel::dsl::not(post::group_id.eq_any(hidden.to_vec())))
        .order(post::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(post::id.lt(before));
    }
    Ok(q.load(conn)?)
}

/// Threads held for review in `group_ids` (all groups when `None`).
pub fn held(conn: &mut DbConn, group_ids: Option<&[i64]>, limit: i64) -> Result<Vec<Post>> {
    let mut q = post::table
        .filter(post::held.eq(true))
        .filter(post::deleted.eq(false))
        .order(post::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(ids) = group_ids {
        q = q.filter(post::group_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

pub type BlockedPeople = diesel::dsl::Select<
    diesel::dsl::Filter<
        diesel::dsl::InnerJoin<super::schema::person::table, super::schema::instance::table>,
        diesel::dsl::Eq<super::schema::instance::policy, super::instances::DomainPolicy>,
    >,
    super::schema::person::id,
>;

/// People of blocked servers, as a subquery.
pub fn blocked_people() -> BlockedPeople {
    use super::schema::{instance, person};
    person::table
        .inner_join(instance::table)
        .filter(instance::policy.eq(super::instances::DomainPolicy::Blocked))
        .select(person::id)
}

//! Articles: the blog fields of an article thread (one row per article
//! post), the scheduler's queue, the subquery that keeps unpublished
//! articles out of every listing, the blogs' queries, and the private feed
//! tokens of members.

use super::posts::{FeedCursor, Post, PostKind};
use super::schema::{article, feed_token, post};
use super::DbConn;
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// Where an article is on its way out: only a published one is shown
    /// to readers; a draft or a scheduled one only to its author and the
    /// group's moderators.
    pub enum ArticleState {
        Draft => "draft",
        Scheduled => "scheduled",
        Published => "published",
    }
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = article)]
pub struct Article {
    pub post_id: i64,
    pub summary: String,
    pub cover_url: Option<String>,
    /// JSON array of tags.
    pub tags: String,
    pub state: ArticleState,
    pub publish_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
}

impl Article {
    /// The tags (an unreadable list, written by a newer version, is none).
    pub fn tag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }

    pub fn is_published(&self) -> bool {
        self.state == ArticleState::Published
    }
}

/// Every column but the key, for a whole-row update.
#[derive(AsChangeset)]
#[diesel(table_name = article, treat_none_as_null = true)]
struct ArticleChange<'a> {
    summary: &'a str,
    cover_url: Option<&'a str>,
    tags: &'a str,
    state: ArticleState,
    publish_at: Option<NaiveDateTime>,
    published_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, row: &Article) -> Result<()> {
    diesel::insert_into(article::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Writes every field of `row` over the stored one.
pub fn update(conn: &mut DbConn, row: &Article) -> Result<()> {
    diesel::update(article::table.find(row.post_id))
        .set(&ArticleChange {
            summary: &row.summary,
            cover_url: row.cover_url.as_deref(),
            tags: &row.tags,
            state: row.state,
            publish_at: row.publish_at,
            published_at: row.published_at,
        })
        .execute(conn)?;
    Ok(())
}

pub fn by_post(conn: &mut DbConn, post_id: i64) -> Result<Option<Article>> {
    Ok(article::table.find(post_id).first(conn).optional()?)
}

pub fn by_posts(conn: &mut DbConn, post_ids: &[i64]) -> Result<Vec<Article>> {
    Ok(article::table
        .filter(article::post_id.eq_any(post_ids))
        .load(conn)?)
}

/// Whether a thread is out for readers as far as its article state goes:
/// every thread but a draft or scheduled article (an article without a
/// row, received or made by the threads API, is published).
pub fn is_out(conn: &mut DbConn, p: &Post) -> Result<bool> {
    if p.kind != PostKind::Article {
        return Ok(true);
    }
    Ok(by_post(conn, p.id)?.is_none_or(|a| a.is_published()))
}

/// Scheduled articles due by `at`, oldest first.
pub fn due(conn: &mut DbConn, at: NaiveDateTime, limit: i64) -> Result<Vec<i64>> {
    Ok(article::table
        .filter(article::state.eq(ArticleState::Scheduled))
        .filter(article::publish_at.le(at))
        .order(article::publish_at.asc())
        .select(article::post_id)
        .limit(limit)
        .load(conn)?)
}

/// When the next scheduled article is due.
pub fn next_due(conn: &mut DbConn) -> Result<Option<NaiveDateTime>> {
    Ok(article::table
        .filter(article::state.eq(ArticleState::Scheduled))
        .select(diesel::dsl::min(article::publish_at))
        .first::<Option<NaiveDateTime>>(conn)?)
}

/// Moves a thread to `at` as if it were made then: an article comes out
/// at its publication, at the top of the newest threads.
pub fn set_post_time(conn: &mut DbConn, post_id: i64, at: NaiveDateTime, hot: f64) -> Result<()> {
    diesel::update(post::table.find(post_id))
        .set((
            post::created_at.eq(at),
            post::last_activity_at.eq(at),
            post::hot_rank.eq(hot),
        ))
        .execute(conn)?;
    Ok(())
}

pub type Unpublished = diesel::dsl::Select<
    diesel::dsl::Filter<article::table, diesel::dsl::NotEq<article::state, ArticleState>>,
    article::post_id,
>;

/// The ids of threads not out yet (drafts and scheduled articles), as a
/// subquery: every listing of threads leaves them out.
pub fn unpublished() -> Unpublished {
    article::table
        .filter(article::state.ne(ArticleState::Published))
        .select(article::post_id)
}

/// Whose blog.
#[derive(Debug, Clone, Copy)]
pub enum Blog<'a> {
    Group(i64),
    /// A person's articles, outside the groups `hidden` (clubs the viewer
    /// sees from outside).
    Author {
        person_id: i64,
        hidden: &'a [i64],
    },
}

/// Which articles a blog shows its viewer.
#[derive(Debug, Clone, Copy)]
pub enum Shown {
    /// Published articles only.
    Published,
    /// Published ones, and the unpublished (and held) ones of this author.
    AlsoOf(i64),
    /// All, unpublished and held ones included (the group's moderators).
    All,
}

/// One page of a blog, newest first (keyset on the publication time).
pub fn blog(
    conn: &mut DbConn,
    blog: Blog<'_>,
    shown: Shown,
    cursor: Option<&FeedCursor>,
    limit: i64,
) -> Result<Vec<Post>> {
    let mut q = post::table
        .filter(post::kind.eq(PostKind::Article))
        .filter(post::deleted.eq(false))
        .filter(post::removed.eq(false))
        .order((post::created_at.desc(), post::id.desc()))
        .limit(limit)
        .into_boxed();
    q = match blog {
        Blog::Group(id) => q.filter(post::group_id.eq(id)),
        Blog::Author { person_id, hidden } => q
            .filter(post::author_id.eq(person_id))
            .filter(diesel::dsl::not(post::group_id.eq_any(hidden.to_vec()))),
    };
    q = match shown {
        Shown::Published => q
            .filter(post::held.eq(false))
            .filter(diesel::dsl::not(post::id.eq_any(unpublished()))),
        Shown::AlsoOf(author) => q.filter(
            post::author_id.eq(author).or(post::held
                .eq(false)
                .and(diesel::dsl::not(post::id.eq_any(unpublished())))),
        ),
        Shown::All => q,
    };
    if let Some(FeedCursor::New(at, id)) = cursor {
        q = q.filter(
            post::created_at
                .lt(*at)
                .or(post::created_at.eq(*at).and(post::id.lt(*id))),
        );
    }
    Ok(q.load(conn)?)
}

// ---- private feed tokens

#[derive(Debug, Clone, Queryable)]
pub struct FeedToken {
    pub id: i64,
    pub person_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Revokes the person's live token, if any.
pub fn revoke_feed_tokens(conn: &mut DbConn, person_id: i64, at: NaiveDateTime) -> Result<usize> {
    Ok(diesel::update(
        feed_token::table
            .filter(feed_token::person_id.eq(person_id))
            .filter(feed_token::revoked_at.is_null()),
    )
    .set(feed_token::revoked_at.eq(at))
    .execute(conn)?)
}

pub fn insert_feed_token(
    conn: &mut DbConn,
    person_id: i64,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<FeedToken> {
    Ok(diesel::insert_into(feed_token::table)
        .values((
            feed_token::person_id.eq(person_id),
            feed_token::token_hash.eq(token_hash),
            feed_token::created_at.eq(at),
        ))
        .returning(feed_token::all_columns)
        .get_result(conn)?)
}

/// The live token with this hash.
pub fn live_feed_token(conn: &mut DbConn, token_hash: &str) -> Result<Option<FeedToken>> {
    Ok(feed_token::table
        .filter(feed_token::token_hash.eq(token_hash))
        .filter(feed_token::revoked_at.is_null())
        .first(conn)
        .optional()?)
}

/// The person's live token, if any.
pub fn live_feed_token_of(conn: &mut DbConn, person_id: i64) -> Result<Option<FeedToken>> {
    Ok(feed_token::table
        .filter(feed_token::person_id.eq(person_id))
        .filter(feed_token::revoked_at.is_null())
        .order(feed_token::id.desc())
        .first(conn)
        .optional()?)
}

/// Marks an article published at `at` unless it already is; whether this
/// call did (of an author's edit and the scheduler at once, one does).
pub fn mark_published(conn: &mut DbConn, post_id: i64, at: NaiveDateTime) -> Result<bool> {
    let n = diesel::update(
        article::table
            .find(post_id)
            .filter(article::state.ne(ArticleState::Published)),
    )
    .set((
        article::state.eq(ArticleState::Published),
        article::published_at.eq(at),
        article::publish_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Marks a scheduled article published at `at` if it is still scheduled
/// and due by then; whether it did.
pub fn mark_due_published(conn: &mut DbConn, post_id: i64, at: NaiveDateTime) -> Result<bool> {
    let n = diesel::update(
        article::table
            .find(post_id)
            .filter(article::state.eq(ArticleState::Scheduled))
            .filter(article::publish_at.le(at)),
    )
    .set((
        article::state.eq(ArticleState::Published),
        article::published_at.eq(at),
        article::publish_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

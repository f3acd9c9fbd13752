//! Ideas: an idea's current status (the board filters on it), the history
//! of its changes, the board's query, and the merge of a duplicate's votes
//! into the idea it duplicates.

use super::posts::{blocked_people, FeedCursor, FeedSort, Post};
use super::schema::{idea, idea_status_change, person_block, post, vote};
use super::DbConn;
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// Where an idea stands, as staff and the group's moderators set it.
    pub enum IdeaStatus {
        New => "new",
        UnderReview => "under_review",
        Planned => "planned",
        InProgress => "in_progress",
        Shipped => "shipped",
        Declined => "declined",
        Duplicate => "duplicate",
    }
}

/// An idea's current status (no row: new).
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = idea, primary_key(post_id), treat_none_as_null = true)]
pub struct Idea {
    pub post_id: i64,
    pub group_id: i64,
    pub status: IdeaStatus,
    pub response: Option<String>,
    pub duplicate_of_id: Option<i64>,
    pub changed_by: Option<i64>,
    pub changed_at: NaiveDateTime,
}

/// One change of an idea's status, as its history shows it.
#[derive(Debug, Clone, Queryable)]
pub struct StatusChange {
    pub id: i64,
    pub post_id: i64,
    pub status: IdeaStatus,
    pub response: Option<String>,
    pub duplicate_of_id: Option<i64>,
    pub changed_by: Option<i64>,
    pub changed_at: NaiveDateTime,
}

pub fn get(conn: &mut DbConn, post_id: i64) -> Result<Option<Idea>> {
    Ok(idea::table.find(post_id).first(conn).optional()?)
}

pub fn by_post_ids(conn: &mut DbConn, post_ids: &[i64]) -> Result<Vec<Idea>> {
    Ok(idea::table
        .filter(idea::post_id.eq_any(post_ids))
        .load(conn)?)
}

/// Sets an idea's current status and appends the change to its history.
pub fn set(conn: &mut DbConn, current: &Idea) -> Result<()> {
    let updated = diesel::update(idea::table.find(current.post_id))
        .set(current)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(idea::table)
            .values(current)
            .execute(conn)?;
    }
    diesel::insert_into(idea_status_change::table)
        .values((
            idea_status_change::post_id.eq(current.post_id),
            idea_status_change::status.eq(current.status),
            idea_status_change::response.eq(&current.response),
            idea_status_change::duplicate_of_id.eq(current.duplicate_of_id),
            idea_status_change::changed_by.eq(current.changed_by),
            idea_status_change::changed_at.eq(current.changed_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// An idea's changes, oldest first.
pub fn history(conn: &mut DbConn, post_id: i64) -> Result<Vec<StatusChange>> {
    Ok(idea_status_change::table
        .filter(idea_status_change::post_id.eq(post_id))
        .order(idea_status_change::id.asc())
        .load(conn)?)
}

/// Which ideas a board shows.
pub struct Board<'a> {
    pub group_id: i64,
    pub viewer: Option<i64>,
    pub status: Option<IdeaStatus>,
    pub sort: FeedSort,
    pub cursor: Option<&'a FeedCursor>,
    pub limit: i64,
}

/// One page of a group's ideas, best or newest first: shown ideas only
/// (not deleted, removed or held), without the authors the viewer blocked
/// or whose server is blocked.
pub fn board(conn: &mut DbConn, b: &Board<'_>) -> Result<Vec<Post>> {
    let mut q = post::table
        .left_join(idea::table.on(idea::post_id.eq(post::id)))
        .select(post::all_columns)
        .filter(post::group_id.eq(b.group_id))
        .filter(post::kind.eq(super::posts::PostKind::Idea))
        .filter(post::deleted.eq(false))
        .filter(post::removed.eq(false))
        .filter(post::held.eq(false))
        .filter(diesel::dsl::not(post::author_id.eq_any(blocked_people())))
        .limit(b.limit)
        .into_boxed();
    if let Some(viewer) = b.viewer {
        q = q.filter(diesel::dsl::not(
            post::author_id.eq_any(
                person_block::table
                    .filter(person_block::blocker_id.eq(viewer))
                    .select(person_block::blocked_id),
            ),
        ));
    }
    q = match b.status {
        None => q,
        // An idea nobody judged yet has no row: it is new.
        Some(IdeaStatus::New) => {
            q.filter(idea::status.is_null().or(idea::status.eq(IdeaStatus::New)))
        }
        Some(s) => q.filter(idea::status.eq(s)),
    };
    q = match b.sort {
        FeedSort::New => q.order((post::created_at.desc(), post::id.desc())),
        FeedSort::Top | FeedSort::Hot => q.order((post::score.desc(), post::id.desc())),
    };
    q = match b.cursor {
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
        Some(FeedCursor::Hot(..)) => q,
    };
    Ok(q.load(conn)?)
}

/// The people who voted on a thread (up or down).
pub fn voters(conn: &mut DbConn, post_id: i64) -> Result<Vec<i64>> {
    Ok(vote::table
        .filter(vote::post_id.eq(post_id))
        .select(vote::person_id)
        .load(conn)?)
}

/// Moves the votes on `from` to `into`, one vote a person: a vote of
/// someone who also voted on `into`, or who wrote `into` (no vote on your
/// own content), is dropped. Returns who had voted on `from`.
pub fn merge_votes(conn: &mut DbConn, from: i64, into: &Post) -> Result<Vec<i64>> {
    let moved: Vec<(i64, i64)> = vote::table
        .filter(vote::post_id.eq(from))
        .select((vote::id, vote::person_id))
        .load(conn)?;
    let kept = voters(conn, into.id)?;
    let (drop, go): (Vec<_>, Vec<_>) = moved
        .iter()
        .partition(|(_, person)| kept.contains(person) || *person == into.author_id);
    let drop: Vec<i64> = drop.iter().map(|(id, _)| *id).collect();
    let go: Vec<i64> = go.iter().map(|(id, _)| *id).collect();
    diesel::delete(vote::table.filter(vote::id.eq_any(drop))).execute(conn)?;
    diesel::update(vote::table.filter(vote::id.eq_any(go)))
        .set(vote::post_id.eq(into.id))
        .execute(conn)?;
    Ok(moved.into_iter().map(|(_, person)| person).collect())
}

/// Sets a thread's vote counters from its stored votes; the thread after.
pub fn recount(conn: &mut DbConn, post_id: i64) -> Result<Post> {
    let values: Vec<i32> = vote::table
        .filter(vote::post_id.eq(post_id))
        .select(vote::value)
        .load(conn)?;
    let up = values.iter().filter(|v| **v > 0).count() as i64;
    let down = values.iter().filter(|v| **v < 0).count() as i64;
    Ok(diesel::update(post::table.find(post_id))
        .set((
            post::upvotes.eq(up),
            post::downvotes.eq(down),
            post::score.eq(up - down),
        ))
        .returning(post::all_columns)
        .get_result(conn)?)
}

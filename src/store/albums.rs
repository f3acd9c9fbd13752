//! Albums: members' selections of a group's images, and their order.

use super::media::Media;
use super::schema::{album, album_media, comment, media, post};
use super::DbConn;
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct Album {
    pub id: i64,
    pub group_id: i64,
    pub owner_id: i64,
    pub title: String,
    pub description: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = album)]
pub struct NewAlbum {
    pub group_id: i64,
    pub owner_id: i64,
    pub title: String,
    pub description: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewAlbum) -> Result<Album> {
    Ok(diesel::insert_into(album::table)
        .values(new)
        .returning(album::all_columns)
        .get_result(conn)?)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<Album>> {
    Ok(album::table.find(id).first(conn).optional()?)
}

/// A page of a group's albums, newest first, before `before` (an id).
pub fn of_group(
    conn: &mut DbConn,
    group_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Album>> {
    let mut q = album::table
        .filter(album::group_id.eq(group_id))
        .order(album::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(album::id.lt(b));
    }
    Ok(q.load(conn)?)
}

pub fn set_text(
    conn: &mut DbConn,
    id: i64,
    title: &str,
    description: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(album::table.find(id))
        .set((
            album::title.eq(title),
            album::description.eq(description),
            album::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes an album; its images stay (only their places in it go).
pub fn delete(conn: &mut DbConn, id: i64) -> Result<()> {
    diesel::delete(album_media::table.filter(album_media::album_id.eq(id))).execute(conn)?;
    diesel::delete(album::table.find(id)).execute(conn)?;
    Ok(())
}

/// The ids of an album's images, in its order (hidden ones included: the
/// order is the owner's, whatever readers see now).
pub fn media_ids(conn: &mut DbConn, album_id: i64) -> Result<Vec<i64>> {
    Ok(album_media::table
        .filter(album_media::album_id.eq(album_id))
        .order((album_media::position.asc(), album_media::media_id.asc()))
        .select(album_media::media_id)
        .load(conn)?)
}

/// Puts an image at the end of an album; false when it was there already.
pub fn add(conn: &mut DbConn, album_id: i64, media_id: i64, at: NaiveDateTime) -> Result<bool> {
    let there = album_media::table
        .find((album_id, media_id))
        .count()
        .get_result::<i64>(conn)?;
    if there > 0 {
        return Ok(false);
    }
    let last: Option<i32> = album_media::table
        .filter(album_media::album_id.eq(album_id))
        .select(diesel::dsl::max(album_media::position))
        .first(conn)?;
    diesel::insert_into(album_media::table)
        .values((
            album_media::album_id.eq(album_id),
            album_media::media_id.eq(media_id),
            album_media::position.eq(last.map_or(0, |p| p + 1)),
            album_media::added_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Takes an image out of an album; whether it was in it.
pub fn remove(conn: &mut DbConn, album_id: i64, media_id: i64) -> Result<bool> {
    Ok(diesel::delete(album_media::table.find((album_id, media_id))).execute(conn)? == 1)
}

/// Numbers an album's images in the order given (every one of its ids).
pub fn set_order(conn: &mut DbConn, album_id: i64, ids: &[i64]) -> Result<()> {
    for (position, id) in ids.iter().enumerate() {
        diesel::update(album_media::table.find((album_id, *id)))
            .set(album_media::position.eq(i32::try_from(position).unwrap_or(i32::MAX)))
            .execute(conn)?;
    }
    Ok(())
}

/// The images of an album everyone who may read its group sees, in its
/// order: those of threads and comments shown to everyone (not held,
/// removed or deleted), and images uploaded to the group's albums.
pub fn visible_media(conn: &mut DbConn, album_id: i64) -> Result<Vec<Media>> {
    let shown_posts = post::table
        .filter(post::removed.eq(false))
        .filter(post::deleted.eq(false))
        .filter(post::held.eq(false))
        // Drafts and scheduled articles are not out yet.
        .filter(diesel::dsl::not(
            post::id.eq_any(super::articles::unpublished()),
        ))
        .select(post::id.nullable());
    let shown_comments = comment::table
        .filter(comment::removed.eq(false))
        .filter(comment::deleted.eq(false))
        .filter(comment::held.eq(false))
        .select(comment::id.nullable());
    Ok(album_media::table
        .inner_join(media::table)
        .filter(album_media::album_id.eq(album_id))
        .filter(
            media::post_id
                .eq_any(shown_posts)
                .or(media::comment_id.eq_any(shown_comments))
                .or(media::post_id.is_null().and(media::comment_id.is_null())),
        )
        .order((album_media::position.asc(), album_media::media_id.asc()))
        .select(media::all_columns)
        .load(conn)?)
}

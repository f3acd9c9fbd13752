//! Media: images uploaded here or linked from other servers, their
//! attachment to a thread or a comment, and the gallery queries.

use super::schema::media;
use super::DbConn;
use crate::error::Result;
use chrono::NaiveDateTime;
use diesel::prelude::*;

crate::text_enum! {
    /// The image formats accepted, by their media type.
    pub enum MediaType {
        Jpeg => "image/jpeg",
        Png => "image/png",
        Webp => "image/webp",
        Gif => "image/gif",
    }
}

impl MediaType {
    /// The file name extension stored files get.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Webp => "webp",
            MediaType::Gif => "gif",
        }
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Media {
    pub id: i64,
    pub owner_id: i64,
    pub local: bool,
    pub file_key: Option<String>,
    pub thumb_key: Option<String>,
    pub remote_url: Option<String>,
    pub media_type: MediaType,
    pub width: i32,
    pub height: i32,
    pub byte_size: i64,
    pub blurhash: Option<String>,
    pub alt: String,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub group_id: Option<i64>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub attached_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = media)]
pub struct NewMedia {
    pub owner_id: i64,
    pub local: bool,
    pub file_key: Option<String>,
    pub thumb_key: Option<String>,
    pub remote_url: Option<String>,
    pub media_type: MediaType,
    pub width: i32,
    pub height: i32,
    pub byte_size: i64,
    pub blurhash: Option<String>,
    pub alt: String,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub group_id: Option<i64>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub attached_at: Option<NaiveDateTime>,
}

/// What a media row is attached to.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Post(i64),
    Comment(i64),
}

pub fn insert(conn: &mut DbConn, new: &NewMedia) -> Result<Media> {
    Ok(diesel::insert_into(media::table)
        .values(new)
        .returning(media::all_columns)
        .get_result(conn)?)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<Media>> {
    Ok(media::table.find(id).first(conn).optional()?)
}

pub fn by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Media>> {
    Ok(media::table.filter(media::id.eq_any(ids)).load(conn)?)
}

/// Attaches an upload, in the order given; the caller checked who owns it.
/// False when it is no longer there (removed as never attached).
pub fn attach(
    conn: &mut DbConn,
    id: i64,
    to: Owner,
    group_id: i64,
    position: i32,
    at: NaiveDateTime,
) -> Result<bool> {
    let (post_id, comment_id) = match to {
        Owner::Post(p) => (Some(p), None),
        Owner::Comment(c) => (None, Some(c)),
    };
    Ok(diesel::update(media::table.find(id))
        .set((
            media::post_id.eq(post_id),
            media::comment_id.eq(comment_id),
            media::group_id.eq(group_id),
            media::position.eq(position),
            media::attached_at.eq(at),
        ))
        .execute(conn)?
        == 1)
}

/// Attaches an upload to a group alone (an image uploaded to one of its
/// albums); false when it is gone or attached already.
pub fn attach_to_group(
    conn: &mut DbConn,
    id: i64,
    group_id: i64,
    at: NaiveDateTime,
) -> Result<bool> {
    Ok(
        diesel::update(media::table.find(id).filter(media::attached_at.is_null()))
            .set((media::group_id.eq(group_id), media::attached_at.eq(at)))
            .execute(conn)?
            == 1,
    )
}

/// The media of these threads, in their order.
pub fn of_posts(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Media>> {
    Ok(media::table
        .filter(media::post_id.eq_any(ids))
        .order((media::position.asc(), media::id.asc()))
        .load(conn)?)
}

/// The media of these comments, in their order.
pub fn of_comments(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Media>> {
    Ok(media::table
        .filter(media::comment_id.eq_any(ids))
        .order((media::position.asc(), media::id.asc()))
        .load(conn)?)
}

/// Removes the media of a thread or comment; the rows removed (their files
/// are the caller's to delete).
pub fn detach_all(conn: &mut DbConn, of: Owner) -> Result<Vec<Media>> {
    let rows: Vec<Media> = match of {
        Owner::Post(p) => media::table.filter(media::post_id.eq(p)).load(conn)?,
        Owner::Comment(c) => media::table.filter(media::comment_id.eq(c)).load(conn)?,
    };
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    diesel::delete(media::table.filter(media::id.eq_any(&ids))).execute(conn)?;
    Ok(rows)
}

/// A page of a group's media, newest first, before `before` (an id): of
/// threads and comments shown to everyone (not held, removed or deleted),
/// and those uploaded to its albums.
pub fn visible_of_group(
    conn: &mut DbConn,
    group_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Media>> {
    use super::schema::{comment, post};
    let shown_posts = post::table
        .filter(post::group_id.eq(group_id))
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
    let mut q = media::table
        .filter(media::group_id.eq(group_id))
        .filter(
            media::post_id
                .eq_any(shown_posts)
                .or(media::comment_id.eq_any(shown_comments))
                .or(media::post_id.is_null().and(media::comment_id.is_null())),
        )
        .order(media::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(media::id.lt(b));
    }
    Ok(q.load(conn)?)
}

/// Uploads never attached, made before `before`: at most `limit`.
pub fn unattached_before(
    conn: &mut DbConn,
    before: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Media>> {
    Ok(media::table
        .filter(media::attached_at.is_null())
        .filter(media::created_at.lt(before))
        .order(media::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// Deletes an upload if it is still unattached; whether it was.
pub fn delete_unattached(conn: &mut DbConn, id: i64) -> Result<bool> {
    let deleted =
        diesel::delete(media::table.find(id).filter(media::attached_at.is_null())).execute(conn)?;
    Ok(deleted == 1)
}

//! Media: uploads (checked and re-encoded by `images`), attaching them to
//! a thread or a comment, images received from other servers (linked, and
//! kept out entirely when their server's media are rejected), who may see
//! a file, a group's gallery, and the removal of media no one attached.

use super::{can_read, Actor};
use crate::error::{Error, Result};
use crate::store::groups as group_rows;
use crate::store::media::{self as rows, Media, MediaType, NewMedia, Owner};
use crate::store::{instances, now, DbConn};
use crate::App;
use bytes::Bytes;
use rand::RngCore;

/// Most images one thread or comment carries.
pub const MAX_ATTACHMENTS: usize = 8;
/// Longest alt text, in characters.
pub const MAX_ALT_CHARS: usize = 1500;

/// An image another server sent with a thread or comment, as read.
#[derive(Debug, Clone)]
pub struct RemoteImage {
    pub url: url::Url,
    pub media_type: MediaType,
    pub alt: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub blurhash: Option<String>,
}

/// The images a new thread or comment carries.
#[derive(Debug, Clone, Default)]
pub enum Attach {
    #[default]
    Nothing,
    /// The author's own uploads, by id, in order.
    Uploads(Vec<i64>),
    /// Images of a received object.
    Remote(Vec<RemoteImage>),
}

/// Which file of a media row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Full,
    Thumbnail,
}

fn check_alt(alt: &str) -> Result<String> {
    let alt = alt.trim();
    if alt.chars().count() > MAX_ALT_CHARS {
        return Err(Error::too_large(format!(
            "the alt text is longer than {MAX_ALT_CHARS} characters"
        )));
    }
    super::check_size("alt", alt, MAX_ALT_CHARS * 4)?;
    Ok(alt.to_string())
}

fn random_name() -> String {
    let mut raw = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut raw);
    hex::encode(raw)
}

/// Stores an upload of `actor`'s: checked by content, decoded within the
/// limits, re-encoded (no metadata survives), with a thumbnail. It stays
/// unattached until a thread or comment names it.
pub async fn upload(app: &App, actor: &Actor, data: Bytes, alt: &str) -> Result<Media> {
    if actor.person.banned {
        return Err(Error::forbidden("banned accounts cannot upload"));
    }
    let alt = check_alt(alt)?;
    let limits = app.config.media.clone();
    let processed = tokio::task::spawn_blocking(move || super::images::process(&limits, &data))
        .await
        .map_err(|e| Error::internal("the image worker failed", e))??;
    let name = random_name();
    let file_key = format!("i/{name}.{}", processed.media_type.extension());
    let thumb_key = format!("t/{name}.{}", processed.thumbnail_type.extension());
    let byte_size = processed.bytes.len() as i64;
    app.files
        .put(&file_key, Bytes::from(processed.bytes))
        .await?;
    app.files
        .put(&thumb_key, Bytes::from(processed.thumbnail))
        .await?;
    let new = NewMedia {
        owner_id: actor.id(),
        local: true,
        file_key: Some(file_key),
        thumb_key: Some(thumb_key),
        remote_url: None,
        media_type: processed.media_type,
        width: processed.width as i32,
        height: processed.height as i32,
        byte_size,
        blurhash: processed.blurhash,
        alt,
        post_id: None,
        comment_id: None,
        group_id: None,
        position: 0,
        created_at: now(),
        attached_at: None,
    };
    app.store.run(move |conn| rows::insert(conn, &new)).await
}

/// Attaches `attach` to a new thread or comment, inside its transaction.
pub fn attach(
    conn: &mut DbConn,
    actor: &Actor,
    attach: &Attach,
    to: Owner,
    group_id: i64,
) -> Result<()> {
    let at = now();
    match attach {
        Attach::Nothing => Ok(()),
        Attach::Uploads(ids) => {
            if ids.len() > MAX_ATTACHMENTS {
                return Err(Error::unprocessable(format!(
                    "at most {MAX_ATTACHMENTS} images per thread or comment"
                )));
            }
            let found = rows::by_ids(conn, ids)?;
            for (position, id) in ids.iter().enumerate() {
                let m = found
                    .iter()
                    .find(|m| m.id == *id && m.owner_id == actor.id())
                    .ok_or_else(|| Error::unprocessable(format!("no upload {id} of yours")))?;
                if m.attached_at.is_some() {
                    return Err(Error::unprocessable(format!(
                        "upload {id} is already attached"
                    )));
                }
                if !rows::attach(conn, m.id, to, group_id, position as i32, at)? {
                    return Err(Error::unprocessable(format!(
                        "upload {id} is gone (never attached in time)"
                    )));
                }
            }
            Ok(())
        }
        Attach::Remote(images) => {
            let instance = instances::by_id(conn, actor.person.instance_id)?;
            // "Reject media": nothing of that server's media is kept.
            if instance.reject_media {
                return Ok(());
            }
            let (post_id, comment_id) = match to {
                Owner::Post(p) => (Some(p), None),
                Owner::Comment(c) => (None, Some(c)),
            };
            // URLs longer than any real one are not stored.
            let images = images.iter().filter(|i| i.url.as_str().len() <= 2048);
            for (position, i) in images.take(MAX_ATTACHMENTS).enumerate() {
                let alt: String = i.alt.trim().chars().take(MAX_ALT_CHARS).collect();
                let new = NewMedia {
                    owner_id: actor.id(),
                    local: false,
                    file_key: None,
                    thumb_key: None,
                    remote_url: Some(i.url.to_string()),
                    media_type: i.media_type,
                    width: i.width.unwrap_or(0).max(0),
                    height: i.height.unwrap_or(0).max(0),
                    byte_size: 0,
                    blurhash: i.blurhash.clone().filter(|b| b.len() <= 100),
                    alt: alt.replace('\0', ""),
                    post_id,
                    comment_id,
                    group_id: Some(group_id),
                    position: position as i32,
                    created_at: at,
                    attached_at: Some(at),
                };
                rows::insert(conn, &new)?;
            }
            Ok(())
        }
    }
}

/// Removes the media of deleted content, inside its transaction; the files
/// to delete once it commits (`delete_files`).
pub fn release(conn: &mut DbConn, of: Owner) -> Result<Vec<String>> {
    Ok(rows::detach_all(conn, of)?
        .into_iter()
        .flat_map(|m| [m.file_key, m.thumb_key])
        .flatten()
        .collect())
}

/// Deletes files whose rows are gone; failures are logged (the rows, and
/// so every link to the files, are already gone).
pub async fn delete_files(app: &App, keys: Vec<String>) {
    for key in keys {
        if let Err(e) = app.files.delete(&key).await {
            tracing::warn!(error = ?e, key, "a media file could not be deleted");
        }
    }
}

/// A stored file the viewer may see: its bytes and media type. An upload
/// not yet attached is its owner's; an attached one is seen by whoever may
/// read its group (a club's images stay with its members).
pub async fn file(
    app: &App,
    viewer: Option<&Actor>,
    id: i64,
    variant: Variant,
) -> Result<(Bytes, &'static str)> {
    let viewer = viewer.cloned();
    let media = app
        .store
        .run(move |conn| {
            let missing = || Error::not_found(format!("no media {id}"));
            let m = rows::by_id(conn, id)?.ok_or_else(missing)?;
            let Some(g) = m.group_id else {
                if viewer.as_ref().map(Actor::id) == Some(m.owner_id) {
                    return Ok(m);
                }
                return Err(missing());
            };
            let group = group_rows::by_id(conn, g)?;
            if !can_read(conn, viewer.as_ref(), &group)? {
                return Err(Error::forbidden("this image is in a club: members only"));
            }
            // The images of held or removed content are seen by those who
            // see that content: its author and the moderators.
            if let Some(author) = hidden_by(conn, &m)? {
                if !super::posts::sees_held(conn, viewer.as_ref(), author, &group)? {
                    return Err(missing());
                }
            }
            Ok(m)
        })
        .await?;
    let key = match variant {
        Variant::Full => media.file_key,
        Variant::Thumbnail => media.thumb_key,
    }
    .ok_or_else(|| Error::not_found("this image is kept by another server"))?;
    let media_type = if key.ends_with(".png") {
        MediaType::Png
    } else if key.ends_with(".webp") {
        MediaType::Webp
    } else {
        MediaType::Jpeg
    };
    Ok((app.files.get(&key).await?, media_type.as_str()))
}

/// The author of the held or removed thread or comment (or the draft or
/// scheduled article) an attached image belongs to (its readers are that author and the moderators); None when
/// the image is shown to whoever reads its group (an image uploaded to an
/// album belongs to no content).
pub fn hidden_by(conn: &mut DbConn, m: &Media) -> Result<Option<i64>> {
    let (author, hidden) = match (m.post_id, m.comment_id) {
        (Some(p), _) => {
            let p = crate::store::posts::by_id(conn, p)?;
            let out = crate::store::articles::is_out(conn, &p)?;
            (p.author_id, p.held || p.removed || !out)
        }
        (None, Some(c)) => {
            let c = crate::store::comments::by_id(conn, c)?;
            let p = crate::store::posts::by_id(conn, c.post_id)?;
            (c.author_id, c.held || c.removed || p.held || p.removed)
        }
        (None, None) => (m.owner_id, false),
    };
    Ok(hidden.then_some(author))
}

/// Where an image is read: our file route, or the remote server's URL.
pub fn url_of(app_base: &str, m: &Media, variant: Variant) -> String {
    match (&m.remote_url, variant) {
        (Some(url), _) => url.clone(),
        (None, Variant::Full) => format!("{app_base}/media/{}", m.id),
        (None, Variant::Thumbnail) => format!("{app_base}/media/{}/thumbnail", m.id),
    }
}

/// A page of the images posted in a group, newest first, for a viewer who
/// may read the group; with the next page's start.
pub async fn gallery(
    app: &App,
    viewer: Option<&Actor>,
    group: &str,
    before: Option<i64>,
) -> Result<(group_rows::Group, Vec<Media>, Option<i64>)> {
    let (viewer, group) = (viewer.cloned(), group.to_string());
    let limit = app.config.limits.page_size;
    app.store
        .run(move |conn| {
            let g = super::find_group(conn, &group)?;
            if !can_read(conn, viewer.as_ref(), &g)? {
                return Err(Error::forbidden("this group is a club: members only"));
            }
            let items = rows::visible_of_group(conn, g.id, before, limit)?;
            let next = (items.len() as i64 == limit)
                .then(|| items.last().map(|m| m.id))
                .flatten();
            Ok((g, items, next))
        })
        .await
}

/// Removes uploads never attached within `media.orphan_grace_hours`: rows
/// first, then their files. How many went.
pub async fn clean_orphans(app: &App) -> Result<usize> {
    let before = now() - chrono::Duration::hours(i64::from(app.config.media.orphan_grace_hours));
    let mut removed = 0;
    loop {
        let keys = app
            .store
            .run(move |conn| {
                crate::store::write_tx(conn, |conn| {
                    let mut gone = Vec::new();
                    // Deleted only if still unattached: an upload attached
                    // meanwhile stays.
                    for m in rows::unattached_before(conn, before, 100)? {
                        if rows::delete_unattached(conn, m.id)? {
                            gone.push(m);
                        }
                    }
                    Ok(gone)
                })
            })
            .await?;
        if keys.is_empty() {
            return Ok(removed);
        }
        removed += keys.len();
        let files = keys
            .into_iter()
            .flat_map(|m| [m.file_key, m.thumb_key])
            .flatten()
            .collect();
        delete_files(app, files).await;
    }
}

//! Albums: a member's selection of the images of one group, in the order
//! they choose. An album belongs to its group: who may read the group
//! (`privacy`) may read its albums. Its owner and the group's moderators
//! edit and delete it; deleting it leaves its images where they are.
//! Images enter an album from the group (posted in its threads and
//! comments) or as the member's own uploads, and leave it when they are
//! deleted with their content. Albums are not federated.

use super::{accepted, can_read, may_participate, Actor};
use crate::error::{Error, Result};
use crate::moderation::can_moderate;
use crate::store::albums::{self as rows, Album, NewAlbum};
use crate::store::groups::{self as group_rows, Group};
use crate::store::media::{self as media_rows, Media};
use crate::store::people::{self as people_rows, Person};
use crate::store::{now, write_tx, DbConn};
use crate::App;
use bytes::Bytes;

/// Most images one album holds.
pub const MAX_ALBUM_IMAGES: usize = 500;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// What an album's form sends: its title and description.
#[derive(Debug, Clone)]
pub struct AlbumInput {
    pub title: String,
    pub description: String,
}

/// A change to an album; what is None stays.
#[derive(Debug, Clone, Default)]
pub struct AlbumEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Images of the album in their new order; those not named follow,
    /// in the order they had.
    pub order: Option<Vec<i64>>,
}

/// An album as a reader sees it: the images shown in its group, in order.
#[derive(Debug, Clone)]
pub struct AlbumInfo {
    pub album: Album,
    pub group: Group,
    pub owner: Person,
    pub media: Vec<Media>,
    /// Whether the reader may edit or delete it.
    pub editable: bool,
}

fn check_description(description: &str) -> Result<String> {
    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(Error::too_large(format!(
            "the description has more than {MAX_DESCRIPTION_CHARS} characters"
        )));
    }
    super::check_size("description", description, MAX_DESCRIPTION_CHARS * 4)?;
    Ok(description.to_string())
}

/// Whether `actor` may edit the album: its owner while they may still
/// take part in the group, or one of the group's moderators.
fn may_edit(conn: &mut DbConn, actor: &Actor, album: &Album, group: &Group) -> Result<bool> {
    if can_moderate(conn, actor, group)? {
        return Ok(true);
    }
    if actor.id() != album.owner_id || actor.person.banned {
        return Ok(false);
    }
    Ok(may_participate(conn, actor, group).is_ok())
}

/// The album and its group for a reader who may read the group.
fn readable(conn: &mut DbConn, viewer: Option<&Actor>, id: i64) -> Result<(Album, Group)> {
    let album = rows::by_id(conn, id)?.ok_or_else(|| Error::not_found(format!("no album {id}")))?;
    let group = group_rows::by_id(conn, album.group_id)?;
    if group.deleted {
        return Err(Error::not_found(format!("no album {id}")));
    }
    if !can_read(conn, viewer, &group)? {
        return Err(Error::forbidden("this album is in a club: members only"));
    }
    Ok((album, group))
}

/// The album for `actor` to change, or a 403 that says who may.
fn editable(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(Album, Group)> {
    let (album, group) = readable(conn, Some(actor), id)?;
    if !may_edit(conn, actor, &album, &group)? {
        return Err(Error::forbidden(
            "only the album's owner and the group's moderators change it",
        ));
    }
    Ok((album, group))
}

fn info(
    conn: &mut DbConn,
    viewer: Option<&Actor>,
    album: Album,
    group: Group,
) -> Result<AlbumInfo> {
    let media = rows::visible_media(conn, album.id)?;
    let owner = people_rows::by_id(conn, album.owner_id)?;
    let editable = match viewer {
        Some(actor) => may_edit(conn, actor, &album, &group)?,
        None => false,
    };
    Ok(AlbumInfo {
        album,
        group,
        owner,
        media,
        editable,
    })
}

/// Creates an album in a group: for its members (and its moderators).
pub async fn create(app: &App, actor: &Actor, group: &str, input: AlbumInput) -> Result<AlbumInfo> {
    let title = super::check_title(&app.config, &input.title)?;
    let description = check_description(&input.description)?;
    let (actor, group) = (actor.clone(), group.to_string());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let g = super::find_group(conn, &group)?;
                let m = may_participate(conn, &actor, &g)?;
                if accepted(m.as_ref()).is_none() && !can_moderate(conn, &actor, &g)? {
                    return Err(Error::forbidden(format!(
                        "only members make albums in {}: join it first",
                        g.name
                    )));
                }
                let at = now();
                let album = rows::insert(
                    conn,
                    &NewAlbum {
                        group_id: g.id,
                        owner_id: actor.id(),
                        title,
                        description,
                        created_at: at,
                        updated_at: at,
                    },
                )?;
                info(conn, Some(&actor), album, g)
            })
        })
        .await
}

/// A page of a group's albums, newest first, for a reader of the group;
/// with the next page's start.
pub async fn of_group(
    app: &App,
    viewer: Option<&Actor>,
    group: &str,
    before: Option<i64>,
) -> Result<(Group, Vec<AlbumInfo>, Option<i64>)> {
    let (viewer, group) = (viewer.cloned(), group.to_string());
    let limit = app.config.limits.page_size;
    app.store
        .run(move |conn| {
            let g = super::find_group(conn, &group)?;
            if !can_read(conn, viewer.as_ref(), &g)? {
                return Err(Error::forbidden("this group is a club: members only"));
            }
            let albums = rows::of_group(conn, g.id, before, limit)?;
            let next = (albums.len() as i64 == limit)
                .then(|| albums.last().map(|a| a.id))
                .flatten();
            let items = albums
                .into_iter()
                .map(|a| info(conn, viewer.as_ref(), a, g.clone()))
                .collect::<Result<Vec<_>>>()?;
            Ok((g, items, next))
        })
        .await
}

pub async fn get(app: &App, viewer: Option<&Actor>, id: i64) -> Result<AlbumInfo> {
    let viewer = viewer.cloned();
    app.store
        .run(move |conn| {
            let (album, group) = readable(conn, viewer.as_ref(), id)?;
            info(conn, viewer.as_ref(), album, group)
        })
        .await
}

/// Changes an album's title, description or order.
pub async fn edit(app: &App, actor: &Actor, id: i64, edit: AlbumEdit) -> Result<AlbumInfo> {
    let title = edit
        .title
        .as_deref()
        .map(|t| super::check_title(&app.config, t))
        .transpose()?;
    let description = edit
        .description
        .as_deref()
        .map(check_description)
        .transpose()?;
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (album, group) = editable(conn, &actor, id)?;
                if title.is_some() || description.is_some() {
                    rows::set_text(
                        conn,
                        album.id,
                        title.as_deref().unwrap_or(&album.title),
                        description.as_deref().unwrap_or(&album.description),
                        now(),
                    )?;
                }
                if let Some(order) = &edit.order {
                    let current = rows::media_ids(conn, album.id)?;
                    let mut seen = std::collections::HashSet::new();
                    for m in order {
                        if !current.contains(m) {
                            return Err(Error::unprocessable(format!(
                                "image {m} is not in this album"
                            )));
                        }
                        if !seen.insert(*m) {
                            return Err(Error::unprocessable(format!(
                                "image {m} is named twice in the order"
                            )));
                        }
                    }
                    let rest = current.iter().filter(|m| !seen.contains(m));
                    let ids: Vec<i64> = order.iter().chain(rest).copied().collect();
                    rows::set_order(conn, album.id, &ids)?;
                }
                let album = rows::by_id(conn, id)?.ok_or_else(|| Error::not_found("album gone"))?;
                info(conn, Some(&actor), album, group)
            })
        })
        .await
}

/// Deletes an album; its images stay in their threads, comments and the
/// group's media page.
pub async fn delete(app: &App, actor: &Actor, id: i64) -> Result<()> {
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (album, _) = editable(conn, &actor, id)?;
                rows::delete(conn, album.id)
            })
        })
        .await
}

/// Puts an image at the end of an album: one shown in the album's group,
/// or an upload of the actor's not attached yet (it then belongs to the
/// group, shown on its media page). Adding one already there changes
/// nothing.
pub async fn add(app: &App, actor: &Actor, id: i64, media_id: i64) -> Result<AlbumInfo> {
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (album, group) = editable(conn, &actor, id)?;
                let unseen = || {
                    Error::unprocessable(format!("no image {media_id} of {} to add", group.name))
                };
                let m = media_rows::by_id(conn, media_id)?.ok_or_else(unseen)?;
                let at = now();
                match m.group_id {
                    Some(g) if g == group.id => {
                        // Images of held or removed content are not shown
                        // in albums.
                        if super::media::hidden_by(conn, &m)?.is_some() {
                            return Err(unseen());
                        }
                    }
                    None if m.owner_id == actor.id() => {
                        if !media_rows::attach_to_group(conn, m.id, group.id, at)? {
                            return Err(unseen());
                        }
                    }
                    _ => return Err(unseen()),
                }
                let ids = rows::media_ids(conn, album.id)?;
                if !ids.contains(&m.id) && ids.len() >= MAX_ALBUM_IMAGES {
                    return Err(Error::unprocessable(format!(
                        "an album holds at most {MAX_ALBUM_IMAGES} images"
                    )));
                }
                rows::add(conn, album.id, m.id, at)?;
                info(conn, Some(&actor), album, group)
            })
        })
        .await
}

/// Uploads an image (checked and re-encoded as every upload) into an album.
pub async fn upload(
    app: &App,
    actor: &Actor,
    id: i64,
    data: Bytes,
    alt: &str,
) -> Result<AlbumInfo> {
    // Refused before the work of the image when the actor may not.
    let check = actor.clone();
    app.store
        .run(move |conn| editable(conn, &check, id).map(|_| ()))
        .await?;
    let m = super::media::upload(app, actor, data, alt).await?;
    add(app, actor, id, m.id).await
}

/// Takes an image out of an album (the image stays where it was posted).
pub async fn remove(app: &App, actor: &Actor, id: i64, media_id: i64) -> Result<AlbumInfo> {
    let actor = actor.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (album, group) = editable(conn, &actor, id)?;
                if !rows::remove(conn, album.id, media_id)? {
                    return Err(Error::not_found(format!(
                        "image {media_id} is not in this album"
                    )));
                }
                info(conn, Some(&actor), album, group)
            })
        })
        .await
}

//! Ideas: threads of kind `idea` that members vote on and whose status
//! staff and the group's moderators set (new, under review, planned, in
//! progress, shipped, declined, duplicate), each change with an optional
//! public response, kept as the idea's history. A duplicate's votes move
//! to the idea it duplicates, one vote a person. The status is set where
//! the idea's group lives; another server applies what the group's server
//! sends (`status_received`).

use super::outcome::Outcome;
use super::posts::{enrich, page, readable_post, Page, PostInfo};
use super::solutions::is_staff;
use super::{can_read, check_size, find_group, ranking, Actor};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::moderation::can_moderate;
use crate::reputation::ledger::{self, Work};
use crate::store::groups::Group;
use crate::store::ideas::{self as rows, Board, Idea, IdeaStatus};
use crate::store::people::{self, Person};
use crate::store::posts::{self as post_rows, FeedSort, Post, PostKind};
use crate::store::{now, write_tx, DbConn};
use crate::App;
use chrono::NaiveDateTime;

/// Most bytes of a status response.
const RESPONSE_BYTES: usize = 4000;

/// The idea another one duplicates.
#[derive(Debug, Clone)]
pub struct Original {
    pub id: i64,
    pub ap_id: String,
    pub title: String,
}

/// An idea's status as readers see it (an idea never judged is new).
#[derive(Debug, Clone)]
pub struct IdeaState {
    pub status: IdeaStatus,
    pub response: Option<String>,
    pub duplicate_of: Option<Original>,
    pub changed_at: Option<NaiveDateTime>,
}

impl IdeaState {
    fn new_idea() -> IdeaState {
        IdeaState {
            status: IdeaStatus::New,
            response: None,
            duplicate_of: None,
            changed_at: None,
        }
    }
}

/// One change in an idea's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub status: IdeaStatus,
    pub response: Option<String>,
    pub duplicate_of: Option<Original>,
    /// Who set it (None once their account is gone).
    pub changed_by: Option<Person>,
    pub changed_at: NaiveDateTime,
}

/// A status change asked for here.
pub struct StatusInput {
    pub status: String,
    pub response: Option<String>,
    /// For `duplicate`: the id of the idea it duplicates.
    pub duplicate_of: Option<i64>,
}

/// A status change as the idea's group's server sent it.
pub struct ReceivedStatus {
    pub status: IdeaStatus,
    pub response: Option<String>,
    /// The id (ActivityPub) of the idea it duplicates.
    pub duplicate_of: Option<String>,
    /// When it was set there: an older change than the stored one is not
    /// applied.
    pub changed_at: Option<NaiveDateTime>,
    /// The received activity.
    pub activity: Option<String>,
}

/// The states of the ideas among `posts` (other kinds are left out).
pub fn states(conn: &mut DbConn, posts: &[Post]) -> Result<Vec<(i64, IdeaState)>> {
    let ids: Vec<i64> = posts
        .iter()
        .filter(|p| p.kind == PostKind::Idea)
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stored = rows::by_post_ids(conn, &ids)?;
    let originals = originals(conn, stored.iter().filter_map(|i| i.duplicate_of_id))?;
    Ok(ids
        .into_iter()
        .map(|id| {
            let state = match stored.iter().find(|i| i.post_id == id) {
                Some(i) => IdeaState {
                    status: i.status,
                    response: i.response.clone(),
                    duplicate_of: find_original(&originals, i.duplicate_of_id),
                    changed_at: Some(i.changed_at),
                },
                None => IdeaState::new_idea(),
            };
            (id, state)
        })
        .collect())
}

fn originals(conn: &mut DbConn, ids: impl Iterator<Item = i64>) -> Result<Vec<Original>> {
    let ids: Vec<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(post_rows::by_ids(conn, &ids)?
        .into_iter()
        .map(|p| Original {
            id: p.id,
            ap_id: p.ap_id,
            title: p.title,
        })
        .collect())
}

fn find_original(originals: &[Original], id: Option<i64>) -> Option<Original> {
    id.and_then(|id| originals.iter().find(|o| o.id == id).cloned())
}

/// Who may set an idea's status: this server's staff and admins, and the
/// moderators of the idea's group.
pub fn may_judge(conn: &mut DbConn, actor: &Actor, group: &Group) -> Result<bool> {
    Ok(is_staff(actor) || can_moderate(conn, actor, group)?)
}

/// Sets the status of the idea `post_id`, in a group of this server.
pub async fn set_status(
    app: &App,
    actor: &Actor,
    post_id: i64,
    input: StatusInput,
) -> Result<PostInfo> {
    let status = IdeaStatus::parse(input.status.trim()).ok_or_else(|| {
        Error::unprocessable(format!(
            "status must be one of {}; got {:?}",
            IdeaStatus::listed(),
            input.status
        ))
    })?;
    let response = input
        .response
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if let Some(r) = &response {
        check_size("response", r, RESPONSE_BYTES)?;
    }
    match (status, input.duplicate_of) {
        (IdeaStatus::Duplicate, None) => {
            return Err(Error::unprocessable(
                "duplicate_of: name the idea this one duplicates",
            ))
        }
        (IdeaStatus::Duplicate, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(Error::unprocessable(
                "duplicate_of goes only with the status duplicate",
            ))
        }
    }
    let (actor, config) = (actor.clone(), app.config.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (post, group) = readable_post(conn, Some(&actor), post_id)?;
                if post.kind != PostKind::Idea {
                    return Err(Error::unprocessable(
                        "only an idea (kind: idea) has a status",
                    ));
                }
                if !group.local {
                    return Err(Error::conflict(
                        "this idea's group lives on another server: its status is set there",
                    ));
                }
                if !may_judge(conn, &actor, &group)? {
                    return Err(Error::forbidden(
                        "only staff and the group's moderators set an idea's status",
                    ));
                }
                if post.deleted || post.removed {
                    return Err(Error::gone("this idea was deleted"));
                }
                let original = input
                    .duplicate_of
                    .map(|id| original_for(conn, &post, id))
                    .transpose()?;
                let current = rows::get(conn, post.id)?;
                let unchanged = current.as_ref().is_some_and(|c| {
                    c.status == status
                        && c.response == response
                        && c.duplicate_of_id == original.as_ref().map(|o| o.id)
                });
                if unchanged
                    || (current.is_none() && status == IdeaStatus::New && response.is_none())
                {
                    return Err(Error::conflict(format!(
                        "the idea's status is already {status}"
                    )));
                }
                let change = Idea {
                    post_id: post.id,
                    group_id: group.id,
                    status,
                    response,
                    duplicate_of_id: original.as_ref().map(|o| o.id),
                    changed_by: Some(actor.id()),
                    changed_at: now(),
                };
                apply(conn, &config, &post, &actor.person, change, None)?;
                let post = post_rows::by_id(conn, post.id)?;
                enrich(conn, Some(actor.id()), vec![post])?
                    .pop()
                    .ok_or_else(|| Error::not_found("idea vanished"))
            })
        })
        .await
}

/// The idea `id` that `post` duplicates: another shown idea of its group
/// that is not itself a duplicate.
fn original_for(conn: &mut DbConn, post: &Post, id: i64) -> Result<Post> {
    let original = post_rows::by_id(conn, id)
        .map_err(|_| Error::unprocessable(format!("duplicate_of: no idea {id}")))?;
    if original.id == post.id {
        return Err(Error::unprocessable(
            "duplicate_of: an idea cannot duplicate itself",
        ));
    }
    if original.group_id != post.group_id || original.kind != PostKind::Idea {
        return Err(Error::unprocessable(
            "duplicate_of: name an idea of the same group",
        ));
    }
    if original.deleted || original.removed || original.held {
        return Err(Error::unprocessable(
            "duplicate_of: that idea was deleted, removed or is waiting for review",
        ));
    }
    if rows::get(conn, original.id)?.is_some_and(|i| i.status == IdeaStatus::Duplicate) {
        return Err(Error::unprocessable(
            "duplicate_of: that idea is itself a duplicate: name the one it duplicates",
        ));
    }
    Ok(original)
}

/// Writes a status change with its effects, in the caller's transaction:
/// the history, a duplicate's votes moved to the original, the author's
/// points, and the event.
fn apply(
    conn: &mut DbConn,
    config: &Config,
    post: &Post,
    judge: &Person,
    change: Idea,
    activity: Option<String>,
) -> Result<()> {
    let previous = rows::get(conn, post.id)?.map_or(IdeaStatus::New, |i| i.status);
    rows::set(conn, &change)?;
    let mut duplicate_voters = Vec::new();
    if let (IdeaStatus::Duplicate, Some(original_id)) = (change.status, change.duplicate_of_id) {
        let original = post_rows::by_id(conn, original_id)?;
        duplicate_voters = rows::merge_votes(conn, post.id, &original)?;
        for p in [
            rows::recount(conn, post.id)?,
            rows::recount(conn, original.id)?,
        ] {
            post_rows::set_hot_rank(conn, p.id, ranking::hot_rank(p.score, p.created_at))?;
        }
    }
    ledger::on_idea_status(
        conn,
        &config.reputation,
        judge,
        Work {
            author_id: post.author_id,
            post_id: Some(post.id),
            comment_id: None,
            group_id: Some(post.group_id),
        },
        change.status,
    )?;
    events::record(
        conn,
        Change::by(
            judge.id,
            What::IdeaStatusChanged {
                post_id: post.id,
                status: change.status,
                previous,
                response: change.response.clone(),
                duplicate_of: change.duplicate_of_id,
                duplicate_voters,
            },
        )
        .in_group(post.group_id)
        .received(activity),
    )?;
    Ok(())
}

/// The status of an idea in another server's group, as a person of that
/// group's server set it (the caller checked the origin). A change older
/// than the stored one, or one that changes nothing, is not applied.
pub async fn status_received(
    app: &App,
    judge: &Actor,
    post_id: i64,
    received: ReceivedStatus,
) -> Result<Outcome> {
    if let Some(r) = &received.response {
        check_size("response", r, RESPONSE_BYTES)?;
    }
    let (judge, config) = (judge.clone(), app.config.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let post = post_rows::by_id(conn, post_id)?;
                let group = crate::store::groups::by_id(conn, post.group_id)?;
                if post.kind != PostKind::Idea || post.deleted {
                    return Ok(Outcome::Unchanged);
                }
                if group.local {
                    return Err(Error::forbidden(
                        "the ideas of this server's groups have their status set here",
                    ));
                }
                let current = rows::get(conn, post.id)?;
                let at = received.changed_at.unwrap_or_else(now);
                if current.as_ref().is_some_and(|c| c.changed_at >= at) {
                    return Ok(Outcome::Unchanged);
                }
                // The original, when it is stored here in the same group;
                // otherwise the duplicate is marked without a merge.
                let original = match &received.duplicate_of {
                    Some(ap_id) if received.status == IdeaStatus::Duplicate => {
                        post_rows::by_ap_id(conn, ap_id)?.filter(|o| {
                            o.group_id == post.group_id
                                && o.id != post.id
                                && o.kind == PostKind::Idea
                        })
                    }
                    _ => None,
                };
                let response = received.response.filter(|r| !r.trim().is_empty());
                let same = current.as_ref().map_or(
                    received.status == IdeaStatus::New && response.is_none(),
                    |c| {
                        c.status == received.status
                            && c.response == response
                            && c.duplicate_of_id == original.as_ref().map(|o| o.id)
                    },
                );
                if same {
                    return Ok(Outcome::Unchanged);
                }
                let change = Idea {
                    post_id: post.id,
                    group_id: group.id,
                    status: received.status,
                    response,
                    duplicate_of_id: original.map(|o| o.id),
                    changed_by: Some(judge.id()),
                    changed_at: at,
                };
                apply(
                    conn,
                    &config,
                    &post,
                    &judge.person,
                    change,
                    received.activity,
                )?;
                Ok(Outcome::Changed)
            })
        })
        .await
}

/// An idea with its status history, oldest change first.
pub async fn with_history(
    app: &App,
    viewer: Option<&Actor>,
    post_id: i64,
) -> Result<(PostInfo, Vec<HistoryEntry>)> {
    let viewer = viewer.cloned();
    app.store
        .run(move |conn| {
            let (post, _) = readable_post(conn, viewer.as_ref(), post_id)?;
            if post.kind != PostKind::Idea {
                return Err(Error::unprocessable(
                    "only an idea (kind: idea) has a status",
                ));
            }
            let history = history_of(conn, post.id)?;
            let info = enrich(conn, viewer.as_ref().map(Actor::id), vec![post])?
                .pop()
                .ok_or_else(|| Error::not_found("idea vanished"))?;
            Ok((info, history))
        })
        .await
}

/// An idea's history, oldest first (the caller checked it is readable).
pub fn history_of(conn: &mut DbConn, post_id: i64) -> Result<Vec<HistoryEntry>> {
    let changes = rows::history(conn, post_id)?;
    let originals = originals(conn, changes.iter().filter_map(|c| c.duplicate_of_id))?;
    let ids: Vec<i64> = changes.iter().filter_map(|c| c.changed_by).collect();
    let judges = people::by_ids(conn, &ids)?;
    Ok(changes
        .into_iter()
        .map(|c| HistoryEntry {
            status: c.status,
            response: c.response,
            duplicate_of: find_original(&originals, c.duplicate_of_id),
            changed_by: c
                .changed_by
                .and_then(|id| judges.iter().find(|p| p.id == id && !p.deleted).cloned()),
            changed_at: c.changed_at,
        })
        .collect())
}

/// How a board is sorted: by votes (`top`, the default) or newest first
/// (`new`).
pub fn parse_board_sort(s: Option<&str>) -> Result<FeedSort> {
    match s.unwrap_or("top") {
        "top" => Ok(FeedSort::Top),
        "new" => Ok(FeedSort::New),
        other => Err(Error::bad_request(format!(
            "sort must be top (by votes) or new; got {other:?}"
        ))),
    }
}

pub fn parse_status(s: &str) -> Result<IdeaStatus> {
    IdeaStatus::parse(s).ok_or_else(|| {
        Error::bad_request(format!(
            "status must be one of {}; got {s:?}",
            IdeaStatus::listed()
        ))
    })
}

/// A page of a group's idea board, with the group.
pub async fn board(
    app: &App,
    viewer: Option<&Actor>,
    group: &str,
    status: Option<IdeaStatus>,
    sort: FeedSort,
    cursor: Option<&str>,
) -> Result<(Group, Page<PostInfo>)> {
    let cursor = cursor
        .map(|c| super::posts::decode_cursor(sort, c))
        .transpose()?;
    let limit = app.config.limits.page_size;
    let (group, viewer) = (group.to_string(), viewer.cloned());
    app.store
        .run(move |conn| {
            let group = find_group(conn, &group)?;
            if !can_read(conn, viewer.as_ref(), &group)? {
                return Err(Error::forbidden("this club's ideas are for members only"));
            }
            let viewer_id = viewer.as_ref().map(Actor::id);
            let posts = rows::board(
                conn,
                &Board {
                    group_id: group.id,
                    viewer: viewer_id,
                    status,
                    sort,
                    cursor: cursor.as_ref(),
                    limit: limit + 1,
                },
            )?;
            let page = page(conn, viewer_id, posts, sort, limit)?;
            Ok((group, page))
        })
        .await
}

//! Votes on threads and comments: +1, -1 or 0 (clear); one per person per
//! item; never on your own content; counters and hot rank move with it.

use super::outcome::Applied;
use super::posts::readable_post;
use super::{group_decides, may_participate, ranking, Actor};
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::reputation::ledger::{self, VoteChange};
use crate::store::posts::PostKind;
use crate::store::votes::{self as rows, VoteTarget};
use crate::store::{comments, groups, posts, write_tx};
use crate::App;

#[derive(Debug, Clone, Copy)]
pub struct Tally {
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
    pub my_vote: i32,
}

pub async fn vote(app: &App, actor: &Actor, target: VoteTarget, value: i32) -> Result<Tally> {
    vote_received(app, actor, target, value, Received::default())
        .await?
        .into_result()
}

/// What carried a vote from another server.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// The vote's own ActivityPub id (its Like or Dislike).
    pub ap_id: Option<String>,
    /// The activity received (the vote, or the Undo that cleared it).
    pub activity: Option<String>,
}

/// A vote as another server sent it.
pub async fn vote_received(
    app: &App,
    actor: &Actor,
    target: VoteTarget,
    value: i32,
    received: Received,
) -> Result<Applied<Tally>> {
    let Received { ap_id, activity } = received;
    if !(-1..=1).contains(&value) {
        return Err(Error::unprocessable("a vote is 1, 0 (clear) or -1"));
    }
    if value == -1 && !app.config.community.downvotes {
        return Err(Error::forbidden(
            "downvotes are switched off on this server",
        ));
    }
    let (actor, config) = (actor.clone(), app.config.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (post_id, author_id, comment_gone) = match target {
                    VoteTarget::Post(id) => (id, posts::by_id(conn, id)?.author_id, false),
                    VoteTarget::Comment(id) => {
                        let c = comments::by_id(conn, id)?;
                        (c.post_id, c.author_id, c.deleted || c.removed)
                    }
                };
                let post = posts::by_id(conn, post_id)?;
                let group = groups::by_id(conn, post.group_id)?;
                if !group_decides(&actor, &group) {
                    readable_post(conn, Some(&actor), post_id)?;
                    may_participate(conn, &actor, &group)?;
                }
                if comment_gone || post.deleted || post.removed {
                    return Err(Error::gone("this was deleted"));
                }
                if author_id == actor.id() {
                    return Err(Error::forbidden("you cannot vote on your own content"));
                }
                let existing = rows::find(conn, actor.id(), target)?;
                let old = existing.as_ref().map_or(0, |v| v.value);
                let already = || Error::conflict(format!("you already voted {value:+}"));
                if old == value && value != 0 {
                    return Ok(Applied::Unchanged(already()));
                }
                match (&existing, value) {
                    (None, 0) => {}
                    (None, v) => {
                        // The same vote arriving twice at once: the other
                        // one stored it.
                        if !rows::insert(conn, actor.id(), target, v, ap_id.as_deref())? {
                            return Ok(Applied::Unchanged(already()));
                        }
                    }
                    (Some(v), 0) => rows::delete(conn, v.id)?,
                    (Some(v), new) => rows::set_value(conn, v.id, new)?,
                }
                let change = VoteChange {
                    voter: &actor.person,
                    author_id,
                    post_id,
                    comment_id: match target {
                        VoteTarget::Comment(id) => Some(id),
                        VoteTarget::Post(_) => None,
                    },
                    group_id: group.id,
                    on_answer: post.kind == PostKind::Question
                        && matches!(target, VoteTarget::Comment(_)),
                    new: value,
                };
                ledger::on_vote(conn, &config.reputation, &change)?;
                events::record(
                    conn,
                    Change::by(
                        actor.id(),
                        What::Voted {
                            target: target.into(),
                            value,
                        },
                    )
                    .in_group(group.id)
                    .received(activity.clone()),
                )?;
                let (up, down) = ranking::vote_delta(old, value);
                let (score, upvotes, downvotes) = match target {
                    VoteTarget::Post(id) => {
                        let p = posts::add_votes(conn, id, up, down)?;
                        posts::set_hot_rank(conn, id, ranking::hot_rank(p.score, p.created_at))?;
                        (p.score, p.upvotes, p.downvotes)
                    }
                    VoteTarget::Comment(id) => {
                        let c = comments::add_votes(conn, id, up, down)?;
                        (c.score, c.upvotes, c.downvotes)
                    }
                };
                Ok(Applied::Changed(Tally {
                    score,
                    upvotes,
                    downvotes,
                    my_vote: value,
                }))
            })
        })
        .await
}

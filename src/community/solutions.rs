//! Questions and their accepted answers, and kudos from staff. A question's
//! accepted answer is set where the question lives: here by its author, a
//! moderator of its group or staff; from another server by the question's
//! author (an `Update` of the Page). Reputation follows in the same
//! transaction.

use super::posts::{enrich, readable_post, PostInfo};
use super::{Actor, InstanceRole};
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::moderation::can_moderate;
use crate::reputation::ledger::{self, SolutionChange, Work};
use crate::store::comments::{self as comment_rows, Comment};
use crate::store::groups::Group;
use crate::store::people::Person;
use crate::store::posts::PostKind;
use crate::store::posts::{self as post_rows, Post, PostChange};
use crate::store::reputation::Summary;
use crate::store::votes::VoteTarget;
use crate::store::{now, write_tx, DbConn};
use crate::App;

/// Staff and admins of this server.
pub fn is_staff(actor: &Actor) -> bool {
    actor.person.local && matches!(actor.role, InstanceRole::Staff | InstanceRole::Admin)
}

/// Marks `comment_id` as the accepted answer of the question `post_id`
/// (None: no accepted answer).
pub async fn accept(
    app: &App,
    actor: &Actor,
    post_id: i64,
    comment_id: Option<i64>,
) -> Result<PostInfo> {
    let (actor, config) = (actor.clone(), app.config.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (post, group) = readable_post(conn, Some(&actor), post_id)?;
                if !post.local {
                    return Err(Error::conflict(
                        "this question lives on another server: its answer is accepted there",
                    ));
                }
                let may = actor.id() == post.author_id
                    || is_staff(&actor)
                    || can_moderate(conn, &actor, &group)?;
                if !may {
                    return Err(Error::forbidden(
                        "only the question's author, its group's moderators and staff accept an answer",
                    ));
                }
                let comment = comment_id
                    .map(|id| answer_in(conn, &post, id))
                    .transpose()?;
                let post = set_accepted(conn, &config.reputation, &post, &group, comment, &actor.person)?;
                enrich(conn, Some(actor.id()), vec![post])?
                    .pop()
                    .ok_or_else(|| Error::not_found("thread vanished"))
            })
        })
        .await
}

/// The accepted answer of a question from another server, as its author's
/// `Update` of the Page names it (`None`: none), inside the transaction
/// that applies the Update. An answer not stored here is left alone.
pub fn accept_received(
    conn: &mut DbConn,
    config: &crate::config::Config,
    author: &Actor,
    post: &Post,
    answer: Option<String>,
) -> Result<()> {
    if post.kind != PostKind::Question || post.author_id != author.id() {
        return Ok(());
    }
    let comment = match &answer {
        Some(ap_id) => match comment_rows::by_ap_id(conn, ap_id)? {
            Some(c) if c.post_id == post.id => Some(c),
            _ => return Ok(()),
        },
        None => None,
    };
    if comment.as_ref().map(|c| c.id) == post.accepted_comment_id {
        return Ok(());
    }
    let group = crate::store::groups::by_id(conn, post.group_id)?;
    set_accepted(
        conn,
        &config.reputation,
        post,
        &group,
        comment,
        &author.person,
    )?;
    Ok(())
}

fn answer_in(conn: &mut DbConn, post: &Post, comment_id: i64) -> Result<Comment> {
    let c = comment_rows::by_id(conn, comment_id)?;
    if c.post_id != post.id {
        return Err(Error::unprocessable(format!(
            "comment {comment_id} is not an answer in this thread"
        )));
    }
    if c.deleted || c.removed || c.held {
        return Err(Error::unprocessable(
            "that answer was deleted, removed or is waiting for review",
        ));
    }
    Ok(c)
}

fn set_accepted(
    conn: &mut DbConn,
    cfg: &crate::reputation::settings::ReputationConfig,
    post: &Post,
    group: &Group,
    comment: Option<Comment>,
    accepter: &Person,
) -> Result<Post> {
    if post.kind != PostKind::Question {
        return Err(Error::unprocessable(
            "only a question (kind: question) has an accepted answer",
        ));
    }
    if post.deleted || post.removed {
        return Err(Error::gone("this question was deleted"));
    }
    let new_id = comment.as_ref().map(|c| c.id);
    if new_id == post.accepted_comment_id {
        return Err(Error::conflict(match new_id {
            Some(_) => "that answer is already the accepted one",
            None => "the question has no accepted answer",
        }));
    }
    let updated = post_rows::update(
        conn,
        post.id,
        &PostChange {
            accepted_comment_id: Some(new_id),
            // The question's version: another server orders its Updates by it.
            updated_at: post.local.then(|| Some(now())),
            ..PostChange::default()
        },
    )?;
    let what = match (new_id, post.accepted_comment_id) {
        (Some(comment_id), _) => Some(What::AnswerAccepted {
            post_id: post.id,
            comment_id,
        }),
        (None, Some(comment_id)) => Some(What::AnswerUnaccepted {
            post_id: post.id,
            comment_id,
        }),
        (None, None) => None,
    };
    if let Some(what) = what {
        events::record(conn, Change::by(accepter.id, what).in_group(group.id))?;
    }
    ledger::on_solution(
        conn,
        cfg,
        &SolutionChange {
            post_id: post.id,
            group_id: group.id,
            question_author_id: post.author_id,
            accepted: comment.map(|c| (c.id, c.author_id)),
            accepter: accepter.clone(),
        },
    )?;
    Ok(updated)
}

/// Kudos from staff for a thread or comment: reputation for its author,
/// once per staff member and item. Returns the author and their summary.
pub async fn kudos(app: &App, actor: &Actor, target: VoteTarget) -> Result<(Person, Summary)> {
    if !is_staff(actor) {
        return Err(Error::forbidden("only staff give kudos"));
    }
    let (actor, config) = (actor.clone(), app.config.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (post_id, comment) = match target {
                    VoteTarget::Post(id) => (id, None),
                    VoteTarget::Comment(id) => {
                        let c = comment_rows::by_id(conn, id)?;
                        (c.post_id, Some(c))
                    }
                };
                let (post, group) = readable_post(conn, Some(&actor), post_id)?;
                let (author_id, gone) = match &comment {
                    Some(c) => (c.author_id, c.deleted || c.removed),
                    None => (post.author_id, post.deleted || post.removed),
                };
                if gone {
                    return Err(Error::gone("this was deleted"));
                }
                if author_id == actor.id() {
                    return Err(Error::forbidden("kudos are for others' work"));
                }
                let work = Work {
                    author_id,
                    post_id: Some(post.id),
                    comment_id: comment.as_ref().map(|c| c.id),
                    group_id: Some(group.id),
                };
                if !ledger::on_kudos(conn, &config.reputation, &actor.person, work)? {
                    return Err(Error::conflict("you already gave kudos for this"));
                }
                events::record(
                    conn,
                    Change::by(
                        actor.id(),
                        What::KudosGiven {
                            person_id: author_id,
                            target: target.into(),
                        },
                    )
                    .in_group(group.id),
                )?;
                let author = crate::store::people::by_id(conn, author_id)?;
                let summary = ledger::summary_of(conn, &config.reputation, &author)?;
                Ok((author, summary))
            })
        })
        .await
}

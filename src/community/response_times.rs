//! The `escalation` consumer: keeps each question's escalation row from
//! the log. A question asked in a local group gets its row; the first
//! reply from someone other than its author (written here or received)
//! is kept and ends any escalation; an accepted answer closes it. The
//! times (asked, first reply, accepted) are what analytics read.

use crate::error::Result;
use crate::events::{Event, Target, What};
use crate::jobs::events::Consumer;
use crate::store::escalation::{self as rows, EscalationState, QuestionEscalation};
use crate::store::posts::PostKind;
use crate::store::{comments, groups, posts, DbConn};
use crate::App;

pub struct ResponseTimes;

impl Consumer for ResponseTimes {
    fn name(&self) -> &'static str {
        "escalation"
    }

    fn apply(&self, _app: &App, conn: &mut DbConn, event: &Event) -> Result<()> {
        match &event.what {
            What::ThreadCreated { post_id } => asked(conn, *post_id),
            What::CommentCreated { comment_id }
            | What::Approved {
                target: Target::Comment(comment_id),
            } => reply(conn, *comment_id),
            What::AnswerAccepted { post_id, .. } => {
                if rows::of_post(conn, *post_id)?.is_some() {
                    rows::accepted(conn, *post_id, event.at)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// A new question in a local group starts waiting (remote groups'
/// questions escalate on their own servers).
fn asked(conn: &mut DbConn, post_id: i64) -> Result<()> {
    let post = posts::by_id(conn, post_id)?;
    if post.kind != PostKind::Question || rows::of_post(conn, post_id)?.is_some() {
        return Ok(());
    }
    if !groups::by_id(conn, post.group_id)?.local {
        return Ok(());
    }
    rows::insert(
        conn,
        &QuestionEscalation {
            post_id,
            group_id: post.group_id,
            author_id: post.author_id,
            asked_at: post.created_at,
            state: EscalationState::Waiting,
            first_reply_at: None,
            accepted_at: None,
            escalated_at: None,
            admins_at: None,
        },
    )
}

/// A reply out for readers, by anyone but the asker, answers the question.
fn reply(conn: &mut DbConn, comment_id: i64) -> Result<()> {
    let comment = comments::by_id(conn, comment_id)?;
    if comment.held || comment.removed || comment.deleted {
        return Ok(());
    }
    let Some(q) = rows::of_post(conn, comment.post_id)? else {
        return Ok(());
    };
    if comment.author_id == q.author_id {
        return Ok(());
    }
    rows::replied(conn, q.post_id, comment.created_at)
}

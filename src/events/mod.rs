//! The event log: what a change did, recorded by the rule that made the
//! change, in the same transaction (`record`). Consumers in `jobs::events`
//! read the log, each from its own position, and produce the effects:
//! activities for other servers, notifications, emails. An entry point
//! (API, inbox, web pages) calls rules only; it never publishes or
//! notifies by itself.
//!
//! An event names its subjects by id and carries what a consumer cannot
//! read back later (a Follow's id once the membership row is gone, a
//! moderator's reason). Consumers read the rest from the store.

use crate::error::{Error, ErrorKind, Result};
use crate::moderation::actions::ThreadAction;
use crate::moderation::reports::Decision as ReportDecision;
use crate::store::escalation::EscalationLevel;
use crate::store::ideas::IdeaStatus;
use crate::store::votes::VoteTarget;
use crate::store::{events as rows, now, DbConn};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// What happened. Stored as JSON in `event.payload`; its tag is also the
/// `event.kind` column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    // Content.
    ThreadCreated {
        post_id: i64,
    },
    ThreadEdited {
        post_id: i64,
    },
    ThreadDeleted {
        post_id: i64,
    },
    CommentCreated {
        comment_id: i64,
    },
    CommentEdited {
        comment_id: i64,
    },
    CommentDeleted {
        comment_id: i64,
    },
    /// A vote set (1, -1) or cleared (0).
    Voted {
        target: Target,
        value: i32,
    },
    /// A held thread or comment was approved by a moderator: it now
    /// leaves as if just created.
    Approved {
        target: Target,
    },
    AnswerAccepted {
        post_id: i64,
        comment_id: i64,
    },
    AnswerUnaccepted {
        post_id: i64,
        comment_id: i64,
    },

    // Groups and membership.
    GroupCreated {
        group_id: i64,
    },
    GroupEdited {
        group_id: i64,
    },
    /// `follow_id`: the Follow activity's id, when one was sent or received.
    MemberJoined {
        group_id: i64,
        person_id: i64,
        follow_id: Option<String>,
    },
    MemberRequested {
        group_id: i64,
        person_id: i64,
        follow_id: Option<String>,
    },
    MemberLeft {
        group_id: i64,
        person_id: i64,
        follow_id: Option<String>,
    },
    /// A moderator invited a person; their next join admits them.
    MemberInvited {
        group_id: i64,
        person_id: i64,
    },
    MembershipDecided {
        group_id: i64,
        person_id: i64,
        follow_id: Option<String>,
        decision: Decision,
    },
    ModeratorAdded {
        group_id: i64,
        person_id: i64,
    },
    ModeratorRemoved {
        group_id: i64,
        person_id: i64,
    },

    // People.
    ProfileEdited {
        person_id: i64,
    },
    /// Pending until the followed person's server accepts (FollowAccepted).
    Followed {
        follower_id: i64,
        followee_id: i64,
        follow_id: Option<String>,
    },
    Unfollowed {
        follower_id: i64,
        followee_id: i64,
        follow_id: Option<String>,
    },
    /// A remote person's Follow of someone who blocked them, refused.
    FollowRefused {
        follower_id: i64,
        followee_id: i64,
        follow_id: String,
    },
    FollowAccepted {
        follower_id: i64,
        followee_id: i64,
    },

    // Moderation.
    ThreadModerated {
        post_id: i64,
        action: ThreadAction,
        reason: Option<String>,
    },
    CommentModerated {
        comment_id: i64,
        removed: bool,
        reason: Option<String>,
    },
    Banned {
        person_id: i64,
        group_id: Option<i64>,
        reason: Option<String>,
        expires_at: Option<NaiveDateTime>,
        /// The ban also removed what they posted in the group.
        #[serde(default)]
        remove_content: bool,
    },
    Unbanned {
        person_id: i64,
        group_id: Option<i64>,
    },
    Warned {
        person_id: i64,
        group_id: Option<i64>,
        reason: Option<String>,
    },
    ReportFiled {
        report_id: i64,
    },
    ReportClosed {
        report_id: i64,
        decision: ReportDecision,
    },
    ReportForwarded {
        report_id: i64,
    },

    // Reputation.
    KudosGiven {
        person_id: i64,
        target: Target,
    },
    BadgeAwarded {
        person_id: i64,
        badge: String,
    },
    RankChanged {
        person_id: i64,
        rank: String,
    },

    // Ideas.
    /// Staff or a moderator set an idea's status (`previous` before it).
    IdeaStatusChanged {
        post_id: i64,
        status: IdeaStatus,
        previous: IdeaStatus,
        /// The public response of this change, and the idea a duplicate
        /// duplicates (a later change replaces them on the idea).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        response: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duplicate_of: Option<i64>,
        /// Who had voted on an idea marked a duplicate: their votes moved
        /// to the original, so the duplicate no longer names them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        duplicate_voters: Vec<i64>,
    },
    // Articles.
    /// An article was saved unpublished: a draft, or scheduled.
    ArticleSaved {
        post_id: i64,
    },
    /// An article came out (at once, by its author's edit, or when its
    /// scheduled time came): for an article made here, the event that
    /// sends it, as `ThreadCreated` does for other threads.
    ArticlePublished {
        post_id: i64,
    },
    // Escalation of unanswered questions.
    /// A question passed a response target of its group without a reply.
    QuestionEscalated {
        post_id: i64,
        level: EscalationLevel,
    },
}

/// A thread or a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Target {
    Post(i64),
    Comment(i64),
}

impl From<VoteTarget> for Target {
    fn from(t: VoteTarget) -> Target {
        match t {
            VoteTarget::Post(id) => Target::Post(id),
            VoteTarget::Comment(id) => Target::Comment(id),
        }
    }
}

/// A moderator's answer to a request to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    Rejected,
}

impl What {
    /// The tag, as stored in `event.kind`.
    pub fn kind(&self) -> Result<String> {
        match serde_json::to_value(self)
            .map_err(|e| Error::internal("cannot encode an event", e))?
            .get("kind")
            .and_then(|k| k.as_str())
        {
            Some(k) => Ok(k.to_string()),
            None => Err(Error::new(ErrorKind::Internal, "an event without a kind")),
        }
    }

    /// The subject columns an event row carries for queries (analytics,
    /// webhooks): (group, post, comment, person).
    fn subjects(&self) -> rows::Subjects {
        use What::*;
        let mut s = rows::Subjects::default();
        match self {
            ThreadCreated { post_id } | ThreadEdited { post_id } | ThreadDeleted { post_id } => {
                s.post_id = Some(*post_id)
            }
            ThreadModerated { post_id, .. } => s.post_id = Some(*post_id),
            CommentCreated { comment_id }
            | CommentEdited { comment_id }
            | CommentDeleted { comment_id }
            | CommentModerated { comment_id, .. } => s.comment_id = Some(*comment_id),
            Voted { target, .. } | Approved { target } => s.set_target(*target),
            AnswerAccepted {
                post_id,
                comment_id,
            }
            | AnswerUnaccepted {
                post_id,
                comment_id,
            } => {
                s.post_id = Some(*post_id);
                s.comment_id = Some(*comment_id);
            }
            GroupCreated { group_id } | GroupEdited { group_id } => s.group_id = Some(*group_id),
            MemberJoined {
                group_id,
                person_id,
                ..
            }
            | MemberRequested {
                group_id,
                person_id,
                ..
            }
            | MemberLeft {
                group_id,
                person_id,
                ..
            }
            | MembershipDecided {
                group_id,
                person_id,
                ..
            }
            | MemberInvited {
                group_id,
                person_id,
            }
            | ModeratorAdded {
                group_id,
                person_id,
            }
            | ModeratorRemoved {
                group_id,
                person_id,
            } => {
                s.group_id = Some(*group_id);
                s.person_id = Some(*person_id);
            }
            ProfileEdited { person_id }
            | RankChanged { person_id, .. }
            | BadgeAwarded { person_id, .. } => s.person_id = Some(*person_id),
            Followed { followee_id, .. }
            | Unfollowed { followee_id, .. }
            | FollowAccepted { followee_id, .. }
            | FollowRefused { followee_id, .. } => s.person_id = Some(*followee_id),
            Banned {
                person_id,
                group_id,
                ..
            }
            | Unbanned {
                person_id,
                group_id,
            }
            | Warned {
                person_id,
                group_id,
                ..
            } => {
                s.person_id = Some(*person_id);
                s.group_id = *group_id;
            }
            KudosGiven { person_id, target } => {
                s.person_id = Some(*person_id);
                s.set_target(*target);
            }
            ReportFiled { .. } | ReportClosed { .. } | ReportForwarded { .. } => {}
            IdeaStatusChanged { post_id, .. } => s.post_id = Some(*post_id),
            ArticleSaved { post_id } | ArticlePublished { post_id } => s.post_id = Some(*post_id),
            QuestionEscalated { post_id, .. } => s.post_id = Some(*post_id),
        }
        s
    }
}

/// One change, as the rule that made it describes it.
#[derive(Debug, Clone)]
pub struct Change {
    pub what: What,
    /// Who did it (local or remote person); `None` for the server itself.
    pub actor_id: Option<i64>,
    /// The group it happened in, when there is one (also for content:
    /// consumers and privacy rules filter on it).
    pub group_id: Option<i64>,
    /// The received activity that carried it, when another server sent it.
    pub activity: Option<String>,
}

impl Change {
    pub fn by(actor_id: i64, what: What) -> Change {
        Change {
            what,
            actor_id: Some(actor_id),
            group_id: None,
            activity: None,
        }
    }

    /// A change the server made by itself (a rank reached, a badge).
    pub fn by_server(what: What) -> Change {
        Change {
            what,
            actor_id: None,
            group_id: None,
            activity: None,
        }
    }

    pub fn in_group(mut self, group_id: i64) -> Change {
        self.group_id = Some(group_id);
        self
    }

    pub fn received(mut self, activity: Option<String>) -> Change {
        self.activity = activity;
        self
    }
}

/// An event read back from the log.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub group_id: Option<i64>,
    pub activity: Option<String>,
    pub at: NaiveDateTime,
    pub what: What,
}

/// Records `change` inside the caller's write transaction: call it from
/// the rule, in the transaction that made the change.
pub fn record(conn: &mut DbConn, change: Change) -> Result<i64> {
    let mut subjects = change.what.subjects();
    if change.group_id.is_some() {
        subjects.group_id = change.group_id;
    }
    let payload = serde_json::to_string(&change.what)
        .map_err(|e| Error::internal("cannot encode an event", e))?;
    rows::insert(
        conn,
        &rows::NewEvent {
            kind: change.what.kind()?,
            actor_id: change.actor_id,
            group_id: subjects.group_id,
            post_id: subjects.post_id,
            comment_id: subjects.comment_id,
            person_id: subjects.person_id,
            activity_ap_id: change.activity,
            payload,
            created_at: now(),
        },
    )
}

impl TryFrom<rows::EventRow> for Event {
    type Error = Error;

    fn try_from(r: rows::EventRow) -> Result<Event> {
        let what = serde_json::from_str(&r.payload).map_err(|e| {
            Error::internal(
                format!("event {} has a payload this version cannot read", r.id),
                e,
            )
        })?;
        Ok(Event {
            id: r.id,
            actor_id: r.actor_id,
            group_id: r.group_id,
            activity: r.activity_ap_id,
            at: r.created_at,
            what,
        })
    }
}

//! The federation consumer: what other servers hear of each change. For
//! every event it builds the activities and queues their deliveries inside
//! the consumer's transaction (see `jobs::events`), so a change is sent
//! once, even across a crash or several processes on one database.
//!
//! Changes made here leave as activities of their local actor; changes
//! received from another server are relayed by a local group as they came
//! (the activity stored when it was received, named by the event).

use super::activities::accept::AnswerKind;
use super::activities::flag;
use super::moderation::{self as federate, Banned};
use super::objects::reporter;
use super::outbox::{self, FollowChange};
use super::profiles::{self, Moderators};
use super::publish::{self, Change as Verb};
use crate::community::groups::MembershipChange;
use crate::community::public;
use crate::error::{Error, Result};
use crate::events::{Decision, Event, Target, What};
use crate::jobs::events::Consumer;
use crate::moderation::actions::BanInput;
use crate::moderation::reports;
use crate::store::votes::VoteTarget;
use crate::store::{deliveries, follows, groups, people, posts, DbConn};
use crate::App;
use serde_json::Value;

/// The consumer that federates changes.
pub struct Federation;

impl Consumer for Federation {
    fn name(&self) -> &'static str {
        "federation"
    }

    fn apply(&self, app: &App, conn: &mut DbConn, event: &Event) -> Result<()> {
        let queued = apply(app, conn, event)?;
        if queued > 0 {
            tracing::debug!(event = event.id, queued, "event federated");
        }
        Ok(())
    }

    fn applied(&self, app: &App) {
        app.delivery_wakeup.notify();
    }
}

/// Queues what `event` sends; returns how many deliveries.
fn apply(app: &App, conn: &mut DbConn, event: &Event) -> Result<usize> {
    // Received content and moderation: a local group relays the activity.
    if let (Some(activity), Some(group_id)) = (&event.activity, event.group_id) {
        return relayed(app, conn, event, activity, group_id);
    }
    match &event.what {
        What::ThreadCreated { post_id } => publish::thread(conn, app, *post_id, Verb::Created),
        What::ThreadEdited { post_id } => publish::thread(conn, app, *post_id, Verb::Edited),
        What::ThreadDeleted { post_id } => publish::thread(conn, app, *post_id, Verb::Deleted),
        What::CommentCreated { comment_id } => {
            publish::comment(conn, app, *comment_id, Verb::Created)
        }
        What::CommentEdited { comment_id } => {
            publish::comment(conn, app, *comment_id, Verb::Edited)
        }
        What::CommentDeleted { comment_id } => {
            publish::comment(conn, app, *comment_id, Verb::Deleted)
        }
        // A local article leaves when it comes out, as a new thread.
        What::ArticlePublished { post_id } => publish::thread(conn, app, *post_id, Verb::Created),
        What::Approved { target } => match target {
            Target::Post(id) => publish::thread(conn, app, *id, Verb::Created),
            Target::Comment(id) => publish::comment(conn, app, *id, Verb::Created),
        },
        // The Page carries its accepted answer: an Update tells it.
        What::AnswerAccepted { post_id, .. } | What::AnswerUnaccepted { post_id, .. } => {
            publish::thread(conn, app, *post_id, Verb::Edited)
        }
        What::Voted { target, value } => {
            let voter = people::by_id(conn, actor(event)?)?;
            if !voter.local {
                return Ok(0);
            }
            let target = match target {
                Target::Post(id) => VoteTarget::Post(*id),
                Target::Comment(id) => VoteTarget::Comment(*id),
            };
            publish::vote(conn, app, &voter, target, *value)
        }
        What::MemberJoined {
            group_id,
            person_id,
            follow_id,
        }
        | What::MemberRequested {
            group_id,
            person_id,
            follow_id,
        } => {
            let change = membership(conn, *group_id, *person_id, follow_id)?;
            outbox::membership_joined(conn, app, &change)
        }
        What::MemberLeft {
            group_id,
            person_id,
            follow_id,
        } => {
            let change = membership(conn, *group_id, *person_id, follow_id)?;
            outbox::membership_left(conn, app, &change)
        }
        What::MembershipDecided {
            group_id,
            person_id,
            follow_id,
            decision,
        } => {
            let change = membership(conn, *group_id, *person_id, follow_id)?;
            let kind = match decision {
                Decision::Approved => AnswerKind::Accept,
                Decision::Rejected => AnswerKind::Reject,
            };
            outbox::membership_decided(conn, app, &change, kind)
        }
        What::Followed {
            follower_id,
            followee_id,
            follow_id,
        }
        | What::Unfollowed {
            follower_id,
            followee_id,
            follow_id,
        } => {
            let change = FollowChange {
                follower: people::by_id(conn, *follower_id)?,
                followee: people::by_id(conn, *followee_id)?,
                follow: follows::find(conn, *follower_id, *followee_id)?,
                follow_id: follow_id.clone(),
            };
            outbox::follow_changed(conn, app, &change)
        }
        What::ThreadModerated {
            post_id,
            action,
            reason,
        } => {
            let moderator = people::by_id(conn, actor(event)?)?;
            let info = public::post_info(conn, *post_id)?;
            federate::thread_moderated(conn, app, &moderator, &info, *action, reason.as_deref())
        }
        What::CommentModerated {
            comment_id,
            removed,
            reason,
        } => {
            let moderator = people::by_id(conn, actor(event)?)?;
            federate::comment_moderated(
                conn,
                app,
                &moderator,
                *comment_id,
                *removed,
                reason.as_deref(),
            )
        }
        What::Banned {
            person_id,
            group_id: Some(group_id),
            reason,
            expires_at,
            remove_content,
        } => {
            let moderator = people::by_id(conn, actor(event)?)?;
            let (group, person) = (
                groups::by_id(conn, *group_id)?,
                people::by_id(conn, *person_id)?,
            );
            let input = BanInput {
                until: *expires_at,
                remove_content: *remove_content,
            };
            let ban = Banned {
                group: &group,
                person: &person,
            };
            federate::banned(conn, app, &moderator, ban, Some(&input), reason.as_deref())
        }
        What::Unbanned {
            person_id,
            group_id: Some(group_id),
        } => {
            let moderator = people::by_id(conn, actor(event)?)?;
            let (group, person) = (
                groups::by_id(conn, *group_id)?,
                people::by_id(conn, *person_id)?,
            );
            let ban = Banned {
                group: &group,
                person: &person,
            };
            federate::banned(conn, app, &moderator, ban, None, None)
        }
        What::ReportForwarded { report_id } => forward_report(conn, app, *report_id),
        What::GroupEdited { group_id } => profiles::group_edited(conn, app, *group_id),
        What::ModeratorAdded {
            group_id,
            person_id,
        } => profiles::moderators_changed(
            conn,
            app,
            actor(event)?,
            *group_id,
            *person_id,
            Moderators::Added,
        ),
        What::ModeratorRemoved {
            group_id,
            person_id,
        } => profiles::moderators_changed(
            conn,
            app,
            actor(event)?,
            *group_id,
            *person_id,
            Moderators::Removed,
        ),
        What::FollowRefused {
            follower_id,
            followee_id,
            follow_id,
        } => {
            let (follower, followee) = (
                people::by_id(conn, *follower_id)?,
                people::by_id(conn, *followee_id)?,
            );
            outbox::follow_refused(conn, app, &follower, &followee, follow_id)
        }
        What::ProfileEdited { person_id } => profiles::person_edited(conn, app, *person_id),
        What::IdeaStatusChanged { post_id, .. } => {
            super::ideas::status_changed(conn, app, actor(event)?, *post_id)
        }
        // Nothing another server reads: bans from this whole server,
        // warnings (no peer has an activity for them; see
        // docs/federation.md), reports filed or closed here, reputation.
        What::GroupCreated { .. }
        | What::MemberInvited { .. }
        | What::FollowAccepted { .. }
        | What::Banned { group_id: None, .. }
        | What::Unbanned { group_id: None, .. }
        | What::Warned { .. }
        | What::ReportFiled { .. }
        | What::ReportClosed { .. }
        | What::KudosGiven { .. }
        | What::BadgeAwarded { .. }
        | What::RankChanged { .. }
        | What::ArticleSaved { .. } => Ok(0),
        What::QuestionEscalated { .. } => Ok(0),
    }
}

fn actor(event: &Event) -> Result<i64> {
    event
        .actor_id
        .ok_or_else(|| Error::bad_request(format!("event {} names no actor", event.id)))
}

fn membership(
    conn: &mut DbConn,
    group_id: i64,
    person_id: i64,
    follow_id: &Option<String>,
) -> Result<MembershipChange> {
    Ok(MembershipChange {
        group: groups::by_id(conn, group_id)?,
        person: people::by_id(conn, person_id)?,
        membership: groups::membership(conn, person_id, group_id)?,
        follow_id: follow_id.clone(),
    })
}

/// A change another server sent: a local group passes the activity on to
/// its followers, as it came (a new thread also as a boost of its id).
/// Content still held for review is not passed on.
fn relayed(
    app: &App,
    conn: &mut DbConn,
    event: &Event,
    activity: &str,
    group_id: i64,
) -> Result<usize> {
    let new_thread = match &event.what {
        What::ThreadCreated { post_id } => {
            let post = posts::by_id(conn, *post_id)?;
            if post.held {
                return Ok(0);
            }
            Some(post.ap_id)
        }
        What::CommentCreated { comment_id } => {
            if crate::store::comments::by_id(conn, *comment_id)?.held {
                return Ok(0);
            }
            None
        }
        What::ThreadEdited { .. }
        | What::ThreadDeleted { .. }
        | What::CommentEdited { .. }
        | What::CommentDeleted { .. }
        | What::Voted { .. }
        | What::ThreadModerated { .. }
        | What::CommentModerated { .. }
        | What::Banned { .. }
        | What::Unbanned { .. } => None,
        // Received but not relayed (a report, an accepted answer read from
        // an Update that is relayed by its own event).
        _ => return Ok(0),
    };
    let group = groups::by_id(conn, group_id)?;
    if !group.local {
        return Ok(0);
    }
    let stored = deliveries::activity_data(conn, activity)?;
    let Some(raw) = stored
        .and_then(|d| serde_json::from_str::<Value>(&d).ok())
        .filter(|v| v.get("id").is_some())
    else {
        tracing::warn!(
            event = event.id,
            activity,
            "the received activity of an event is not stored: not relayed"
        );
        return Ok(0);
    };
    outbox::relay(conn, app, &group, raw, new_thread)
}

/// The Flags of a forwarded report, signed by the reporting actor, each
/// delivery recorded with the report so that its outcome reaches it.
fn forward_report(conn: &mut DbConn, app: &App, report_id: i64) -> Result<usize> {
    let plan = reports::forward_plan_of(conn, report_id, app.local_instance_id)?;
    let actor = reporter::actor_id(&app.config.base_url());
    let flags = flag::forwarded(app, &plan)?;
    let sent: Vec<(String, String)> = flags
        .iter()
        .map(|(flag, inbox)| (flag.id.to_string(), inbox.clone()))
        .collect();
    reports::forward_queued(conn, report_id, &sent)?;
    let mut queued = 0;
    for (flag, inbox) in flags {
        let activity = crate::federation::protocol::encode(&flag)?;
        queued += outbox::enqueue_in_tx(conn, &activity, &actor, &[inbox])?;
    }
    Ok(queued)
}

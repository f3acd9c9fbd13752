//! The `notifications` consumer: each event of the log becomes the notices
//! of the local people it concerns, in the consumer's batch transaction.

use super::mentions::{self, Written};
use super::{Delivery, Kind, Payload};
use crate::community::privacy::{self, Sight, Viewer};
use crate::community::{Actor, InstanceRole};
use crate::error::{Error, Result};
use crate::events::{Decision, Event, Target, What};
use crate::jobs::events::Consumer;
use crate::moderation::actions::ThreadAction;
use crate::store::escalation::EscalationLevel;
use crate::store::posts::PostKind;
use crate::store::{
    articles, blocks, comments, follows, groups, ideas, notifications as rows, people, posts,
    reports, DbConn,
};
use crate::App;

pub struct Notifications;

impl Consumer for Notifications {
    fn name(&self) -> &'static str {
        "notifications"
    }

    fn apply(&self, app: &App, conn: &mut DbConn, event: &Event) -> Result<()> {
        let found = notices(app, conn, event)?;
        deliver(conn, event, found)
    }

    fn applied(&self, app: &App) {
        app.notices.wake();
    }
}

/// One person to tell of one event.
#[derive(Debug, Clone)]
struct Notice {
    person_id: i64,
    kind: Kind,
    /// Who caused it (the author of content, the moderator, the follower).
    actor_id: Option<i64>,
    group_id: Option<i64>,
    post_id: Option<i64>,
    comment_id: Option<i64>,
    payload: Payload,
}

impl Notice {
    fn to(person_id: i64, kind: Kind, actor_id: Option<i64>) -> Notice {
        Notice {
            person_id,
            kind,
            actor_id,
            group_id: None,
            post_id: None,
            comment_id: None,
            payload: Payload::default(),
        }
    }

    fn about_post(mut self, post: &posts::Post) -> Notice {
        self.group_id = Some(post.group_id);
        self.post_id = Some(post.id);
        self
    }

    fn about_comment(mut self, post: &posts::Post, comment: &comments::Comment) -> Notice {
        self = self.about_post(post);
        self.comment_id = Some(comment.id);
        self
    }

    /// Whether it shows a thread or comment (club privacy applies).
    fn shows_content(&self) -> bool {
        self.post_id.is_some() || self.comment_id.is_some()
    }
}

/// Who is told what, before the recipients' own rules (`deliver`). The
/// first notice for a person wins: replies come before mentions.
fn notices(app: &App, conn: &mut DbConn, event: &Event) -> Result<Vec<Notice>> {
    let actor = event.actor_id;
    Ok(match &event.what {
        What::CommentCreated { comment_id } => comment_notices(app, conn, *comment_id)?,
        What::ThreadCreated { post_id } | What::ArticlePublished { post_id } => {
            thread_notices(app, conn, *post_id)?
        }
        What::Approved {
            target: Target::Comment(id),
        } => comment_notices(app, conn, *id)?,
        What::Approved {
            target: Target::Post(id),
        } => thread_notices(app, conn, *id)?,
        What::AnswerAccepted {
            post_id,
            comment_id,
        } => {
            let post = posts::by_id(conn, *post_id)?;
            let comment = comments::by_id(conn, *comment_id)?;
            vec![Notice::to(comment.author_id, Kind::AnswerAccepted, actor)
                .about_comment(&post, &comment)]
        }
        What::ThreadModerated {
            post_id,
            action,
            reason,
        } => {
            let kind = match action {
                ThreadAction::Remove => Kind::Removed,
                ThreadAction::Restore => Kind::Restored,
                ThreadAction::Lock => Kind::Locked,
                ThreadAction::Unlock | ThreadAction::Pin | ThreadAction::Unpin => {
                    return Ok(Vec::new())
                }
            };
            let post = posts::by_id(conn, *post_id)?;
            let mut n = Notice::to(post.author_id, kind, actor).about_post(&post);
            n.payload.reason = reason.clone();
            vec![n]
        }
        What::CommentModerated {
            comment_id,
            removed,
            reason,
        } => {
            let kind = if *removed {
                Kind::Removed
            } else {
                Kind::Restored
            };
            let comment = comments::by_id(conn, *comment_id)?;
            let post = posts::by_id(conn, comment.post_id)?;
            let mut n = Notice::to(comment.author_id, kind, actor).about_comment(&post, &comment);
            n.payload.reason = reason.clone();
            vec![n]
        }
        What::Banned {
            person_id,
            group_id,
            reason,
            expires_at,
            ..
        } => {
            let mut n = Notice::to(*person_id, Kind::Banned, actor);
            n.group_id = *group_id;
            n.payload.reason = reason.clone();
            n.payload.expires_at = *expires_at;
            vec![n]
        }
        What::Warned {
            person_id,
            group_id,
            reason,
        } => {
            let mut n = Notice::to(*person_id, Kind::Warned, actor);
            n.group_id = *group_id;
            n.payload.reason = reason.clone();
            vec![n]
        }
        What::MembershipDecided {
            group_id,
            person_id,
            decision,
            ..
        } => {
            let kind = match decision {
                Decision::Approved => Kind::MembershipApproved,
                Decision::Rejected => Kind::MembershipRejected,
            };
            let mut n = Notice::to(*person_id, kind, actor);
            n.group_id = Some(*group_id);
            vec![n]
        }
        // A local person followed at once (a remote followee answers
        // later: FollowAccepted).
        What::Followed {
            follower_id,
            followee_id,
            ..
        } => {
            let Some(f) = follows::find(conn, *follower_id, *followee_id)? else {
                return Ok(Vec::new());
            };
            if !f.is_accepted() {
                return Ok(Vec::new());
            }
            let kind = if follows_back(conn, *followee_id, *follower_id)? {
                Kind::Friend
            } else {
                Kind::Follower
            };
            vec![Notice::to(*followee_id, kind, Some(*follower_id))]
        }
        // A remote person accepted our member's follow: a friend when
        // they already followed our member.
        What::FollowAccepted {
            follower_id,
            followee_id,
        } => {
            if follows_back(conn, *followee_id, *follower_id)? {
                vec![Notice::to(*follower_id, Kind::Friend, Some(*followee_id))]
            } else {
                Vec::new()
            }
        }
        What::ReportClosed { report_id, .. } => {
            let report = reports::by_id(conn, *report_id)?;
            let Some(reporter) = report.reporter_id else {
                return Ok(Vec::new());
            };
            let mut n = Notice::to(reporter, Kind::ReportClosed, actor);
            n.group_id = report.group_id;
            n.post_id = report.post_id;
            n.comment_id = report.comment_id;
            n.payload.decision = Some(report.state.as_str().to_string());
            n.payload.resolution = report.resolution.clone();
            vec![n]
        }
        What::KudosGiven { person_id, target } => {
            let mut n = Notice::to(*person_id, Kind::Kudos, actor);
            n = match target {
                Target::Post(id) => n.about_post(&posts::by_id(conn, *id)?),
                Target::Comment(id) => {
                    let comment = comments::by_id(conn, *id)?;
                    n.about_comment(&posts::by_id(conn, comment.post_id)?, &comment)
                }
            };
            vec![n]
        }
        What::BadgeAwarded { person_id, badge } => {
            let mut n = Notice::to(*person_id, Kind::Badge, None);
            n.payload.badge = Some(badge.clone());
            vec![n]
        }
        What::RankChanged { person_id, rank } => {
            let mut n = Notice::to(*person_id, Kind::Rank, None);
            n.payload.rank = Some(rank.clone());
            vec![n]
        }
        What::IdeaStatusChanged {
            post_id,
            status,
            duplicate_voters,
            ..
        } => {
            // The author and everyone who voted on it (a duplicate's
            // voters, whose votes moved, too).
            let post = posts::by_id(conn, *post_id)?;
            let mut people = vec![post.author_id];
            people.extend(ideas::voters(conn, post.id)?);
            people.extend(duplicate_voters.iter().copied());
            people
                .into_iter()
                .map(|person| {
                    let mut n = Notice::to(person, Kind::IdeaStatus, actor).about_post(&post);
                    n.payload.idea_status = Some(status.as_str().to_string());
                    n
                })
                .collect()
        }
        What::QuestionEscalated { post_id, level } => escalation_notices(conn, *post_id, *level)?,
        What::ThreadEdited { .. }
        | What::ThreadDeleted { .. }
        | What::CommentEdited { .. }
        | What::CommentDeleted { .. }
        | What::Voted { .. }
        | What::AnswerUnaccepted { .. }
        | What::GroupCreated { .. }
        | What::GroupEdited { .. }
        | What::MemberJoined { .. }
        | What::MemberRequested { .. }
        | What::MemberInvited { .. }
        | What::MemberLeft { .. }
        | What::ModeratorAdded { .. }
        | What::ModeratorRemoved { .. }
        | What::ProfileEdited { .. }
        | What::Unfollowed { .. }
        | What::FollowRefused { .. }
        | What::Unbanned { .. }
        | What::ReportFiled { .. }
        | What::ReportForwarded { .. }
        | What::ArticleSaved { .. } => Vec::new(),
    })
}

/// Who hears of an unanswered question: the group's moderators and the
/// staff, then the admins (not its asker). `deliver` keeps a club's
/// question to those who see the club.
fn escalation_notices(
    conn: &mut DbConn,
    post_id: i64,
    level: EscalationLevel,
) -> Result<Vec<Notice>> {
    let post = posts::by_id(conn, post_id)?;
    let (kind, people) = match level {
        EscalationLevel::Moderators => {
            let mut people = groups::moderators(conn, post.group_id)?;
            people.extend(people::local_by_role(conn, InstanceRole::Staff)?);
            (Kind::Unanswered, people)
        }
        EscalationLevel::Admins => (
            Kind::UnansweredToAdmins,
            people::local_by_role(conn, InstanceRole::Admin)?,
        ),
    };
    Ok(people
        .into_iter()
        .filter(|p| p.id != post.author_id)
        .map(|p| Notice::to(p.id, kind, None).about_post(&post))
        .collect())
}

fn follows_back(conn: &mut DbConn, follower_id: i64, followee_id: i64) -> Result<bool> {
    Ok(follows::find(conn, follower_id, followee_id)?.is_some_and(|f| f.is_accepted()))
}

/// Whether content is out for readers (not held, removed or deleted).
fn shown(held: bool, removed: bool, deleted: bool) -> bool {
    !(held || removed || deleted)
}

fn comment_notices(app: &App, conn: &mut DbConn, comment_id: i64) -> Result<Vec<Notice>> {
    let comment = comments::by_id(conn, comment_id)?;
    let post = posts::by_id(conn, comment.post_id)?;
    if !shown(comment.held, comment.removed, comment.deleted) {
        return Ok(Vec::new());
    }
    let author = Some(comment.author_id);
    let mut found = Vec::new();
    let replied = match comment.parent_id {
        Some(parent) => Notice::to(
            comments::by_id(conn, parent)?.author_id,
            Kind::CommentReply,
            author,
        ),
        None if post.kind == PostKind::Question => Notice::to(post.author_id, Kind::Answer, author),
        None => Notice::to(post.author_id, Kind::ThreadReply, author),
    };
    found.push(replied.about_comment(&post, &comment));
    for person in mentioned(
        app,
        conn,
        comment.local,
        &comment.body_source,
        &comment.body_html,
    )? {
        found.push(Notice::to(person, Kind::Mention, author).about_comment(&post, &comment));
    }
    Ok(found)
}

fn thread_notices(app: &App, conn: &mut DbConn, post_id: i64) -> Result<Vec<Notice>> {
    let post = posts::by_id(conn, post_id)?;
    // A draft or scheduled article is told of when it comes out.
    if !shown(post.held, post.removed, post.deleted) || !articles::is_out(conn, &post)? {
        return Ok(Vec::new());
    }
    let author = Some(post.author_id);
    Ok(
        mentioned(app, conn, post.local, &post.body_source, &post.body_html)?
            .into_iter()
            .map(|person| Notice::to(person, Kind::Mention, author).about_post(&post))
            .collect(),
    )
}

/// The local people a text mentions: in its Markdown source when written
/// here, in its HTML when received.
fn mentioned(
    app: &App,
    conn: &mut DbConn,
    local: bool,
    source: &str,
    html: &str,
) -> Result<Vec<i64>> {
    let domain = app.config.domain();
    let names = if local {
        mentions::local_names(source, Written::Here, &domain)
    } else {
        mentions::local_names(html, Written::Elsewhere, &domain)
    };
    let mut ids = Vec::new();
    for name in names {
        if let Some(p) = people::local_by_name(conn, &name)? {
            ids.push(p.id);
        }
    }
    Ok(ids)
}

/// Applies the recipients' rules and stores what is left: local, living
/// people other than the actor, who did not block the actor, who still
/// see the club the content is in, and who did not turn the kind off.
/// One notice per person per event.
fn deliver(conn: &mut DbConn, event: &Event, found: Vec<Notice>) -> Result<()> {
    let mut seen = Vec::new();
    let found: Vec<Notice> = found
        .into_iter()
        .filter(|n| {
            let first = !seen.contains(&n.person_id);
            seen.push(n.person_id);
            first && Some(n.person_id) != n.actor_id
        })
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = found.iter().map(|n| n.person_id).collect();
    let recipients = people::by_ids(conn, &ids)?;
    for n in found {
        let Some(person) = recipients
            .iter()
            .find(|p| p.id == n.person_id && p.local && !p.deleted)
        else {
            continue;
        };
        if let Some(actor) = n.actor_id {
            if blocks::exists(conn, n.person_id, actor)? {
                continue;
            }
        }
        if n.shows_content() && !sees_group(conn, person, n.group_id)? {
            continue;
        }
        if delivery(conn, n.person_id, n.kind)? == Delivery::Off {
            continue;
        }
        let payload = serde_json::to_string(&n.payload)
            .map_err(|e| Error::internal("cannot encode a notification", e))?;
        rows::insert(
            conn,
            &rows::NewNotification {
                person_id: n.person_id,
                kind: n.kind.as_str().to_string(),
                event_id: event.id,
                actor_id: n.actor_id,
                group_id: n.group_id,
                post_id: n.post_id,
                comment_id: n.comment_id,
                payload,
                created_at: event.at,
            },
        )?;
    }
    Ok(())
}

/// Whether a local person sees inside a group now (the one privacy rule).
fn sees_group(conn: &mut DbConn, person: &people::Person, group_id: Option<i64>) -> Result<bool> {
    let Some(group_id) = group_id else {
        return Ok(true);
    };
    let group = groups::by_id(conn, group_id)?;
    let role =
        people::local_user_by_person(conn, person.id)?.map_or(InstanceRole::User, |u| u.role);
    let actor = Actor {
        person: person.clone(),
        role,
    };
    Ok(privacy::sight(conn, Viewer::Account(&actor), &group)? == Sight::Inside)
}

/// How `person_id` wants `kind`: their choice, or the kind's default.
pub fn delivery(conn: &mut DbConn, person_id: i64, kind: Kind) -> Result<Delivery> {
    Ok(rows::preference_of(conn, &[person_id], kind.as_str())?
        .pop()
        .map_or(kind.default_delivery(), |(_, d)| Delivery::stored(&d, kind)))
}

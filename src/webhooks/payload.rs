//! The messages sent to webhooks, as Standard Webhooks suggests:
//! `{"type": "member.joined", "timestamp": "...", "data": {...}}`. People
//! carry their `external_id` (the CRM's id) when an admin set one.

use super::Kind;
use crate::community::handle;
use crate::error::Result;
use crate::events::{Event, What};
use crate::moderation::reports::Decision;
use crate::store::escalation::EscalationLevel;
use crate::store::groups::{self as group_rows, Group};
use crate::store::ideas::IdeaStatus;
use crate::store::people::{self, Person};
use crate::store::{articles, comments, posts, reports, DbConn};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Serialize)]
pub struct Message {
    #[serde(rename = "type")]
    pub kind: Kind,
    pub timestamp: DateTime<Utc>,
    pub data: Data,
}

#[derive(Serialize)]
pub struct PersonData {
    pub handle: String,
    pub display_name: Option<String>,
    pub url: String,
    pub local: bool,
    /// The CRM's id of a local account, when set.
    pub external_id: Option<String>,
}

#[derive(Serialize)]
pub struct GroupData {
    pub handle: String,
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct ThreadData {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub kind: String,
    pub author: PersonData,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum Data {
    Membership {
        group: GroupData,
        person: PersonData,
    },
    Thread {
        group: GroupData,
        thread: ThreadData,
    },
    Answer {
        group: GroupData,
        thread: ThreadData,
        answer_url: String,
        answerer: PersonData,
    },
    Report {
        report_id: i64,
        group: Option<GroupData>,
        reported: PersonData,
        reason: String,
        /// For a closed report: "resolve" (acted on) or "dismiss".
        #[serde(skip_serializing_if = "Option::is_none")]
        decision: Option<Decision>,
    },
    Rank {
        person: PersonData,
        rank: String,
    },
    Idea {
        group: GroupData,
        thread: ThreadData,
        status: IdeaStatus,
        previous: IdeaStatus,
        /// The public response that came with the change.
        response: Option<String>,
        /// For a duplicate: the id (URL) of the idea it duplicates.
        duplicate_of: Option<String>,
        changed_by: Option<PersonData>,
    },
    /// An unanswered question passed a response target: `level` says who
    /// it reached (moderators, then admins).
    Escalation {
        group: GroupData,
        thread: ThreadData,
        level: EscalationLevel,
        asked_at: DateTime<Utc>,
    },
}

fn person(conn: &mut DbConn, p: Person) -> Result<PersonData> {
    let external_id = if p.local {
        people::local_user_by_person(conn, p.id)?.and_then(|u| u.external_id)
    } else {
        None
    };
    Ok(PersonData {
        handle: handle(&p.name, p.local, &p.ap_id),
        display_name: p.display_name,
        url: p.ap_id,
        local: p.local,
        external_id,
    })
}

fn group(g: &Group) -> GroupData {
    GroupData {
        handle: handle(&g.name, g.local, &g.ap_id),
        title: g.title.clone(),
        url: g.ap_id.clone(),
    }
}

fn thread(conn: &mut DbConn, post_id: i64) -> Result<(Group, ThreadData)> {
    let p = posts::by_id(conn, post_id)?;
    let g = group_rows::by_id(conn, p.group_id)?;
    let author = people::by_id(conn, p.author_id)?;
    let data = ThreadData {
        id: p.id,
        title: p.title,
        url: p.ap_id,
        kind: p.kind.as_str().to_string(),
        author: person(conn, author)?,
    };
    Ok((g, data))
}

/// The kind and data of the message an event makes, with the group it
/// happened in (for the privacy rule), or None for an event no webhook
/// hears of.
pub fn of(conn: &mut DbConn, event: &Event) -> Result<Option<(Kind, Option<Group>, Data)>> {
    Ok(Some(match &event.what {
        What::MemberJoined {
            group_id,
            person_id,
            ..
        }
        | What::MemberLeft {
            group_id,
            person_id,
            ..
        } => {
            let kind = match event.what {
                What::MemberJoined { .. } => Kind::MemberJoined,
                _ => Kind::MemberLeft,
            };
            let g = group_rows::by_id(conn, *group_id)?;
            let p = people::by_id(conn, *person_id)?;
            let data = Data::Membership {
                group: group(&g),
                person: person(conn, p)?,
            };
            (kind, Some(g), data)
        }
        What::ThreadCreated { post_id } | What::ArticlePublished { post_id } => {
            let p = posts::by_id(conn, *post_id)?;
            // A held thread is announced when a moderator approves it; a
            // draft or scheduled article when it comes out.
            if p.held || !articles::is_out(conn, &p)? {
                return Ok(None);
            }
            let kind = match event.what {
                What::ArticlePublished { .. } => Kind::ArticlePublished,
                _ => Kind::ThreadCreated,
            };
            let (g, t) = thread(conn, *post_id)?;
            let data = Data::Thread {
                group: group(&g),
                thread: t,
            };
            (kind, Some(g), data)
        }
        What::AnswerAccepted {
            post_id,
            comment_id,
        } => {
            let (g, t) = thread(conn, *post_id)?;
            let c = comments::by_id(conn, *comment_id)?;
            let answerer = people::by_id(conn, c.author_id)?;
            let data = Data::Answer {
                group: group(&g),
                thread: t,
                answer_url: c.ap_id,
                answerer: person(conn, answerer)?,
            };
            (Kind::AnswerAccepted, Some(g), data)
        }
        What::ReportFiled { report_id } | What::ReportClosed { report_id, .. } => {
            let (kind, decision) = match &event.what {
                What::ReportClosed { decision, .. } => (Kind::ReportClosed, Some(*decision)),
                _ => (Kind::ReportFiled, None),
            };
            let r = reports::by_id(conn, *report_id)?;
            let g = match r.group_id {
                Some(id) => Some(group_rows::by_id(conn, id)?),
                None => None,
            };
            let reported = people::by_id(conn, r.person_id)?;
            let data = Data::Report {
                report_id: r.id,
                group: g.as_ref().map(group),
                reported: person(conn, reported)?,
                reason: r.reason,
                decision,
            };
            (kind, g, data)
        }
        What::RankChanged { person_id, rank } => {
            let p = people::by_id(conn, *person_id)?;
            let data = Data::Rank {
                person: person(conn, p)?,
                rank: rank.clone(),
            };
            (Kind::RankChanged, None, data)
        }
        What::IdeaStatusChanged {
            post_id,
            status,
            previous,
            response,
            duplicate_of,
            ..
        } => {
            let (g, t) = thread(conn, *post_id)?;
            let duplicate_of = match duplicate_of {
                Some(id) => Some(posts::by_id(conn, *id)?.ap_id),
                None => None,
            };
            let changed_by = match event.actor_id {
                Some(id) => {
                    let p = people::by_id(conn, id)?;
                    Some(person(conn, p)?)
                }
                None => None,
            };
            let data = Data::Idea {
                group: group(&g),
                thread: t,
                status: *status,
                previous: *previous,
                response: response.clone(),
                duplicate_of,
                changed_by,
            };
            (Kind::IdeaStatusChanged, Some(g), data)
        }
        What::QuestionEscalated { post_id, level } => {
            let asked_at = posts::by_id(conn, *post_id)?.created_at.and_utc();
            let (g, t) = thread(conn, *post_id)?;
            let data = Data::Escalation {
                group: group(&g),
                thread: t,
                level: *level,
                asked_at,
            };
            (Kind::QuestionEscalated, Some(g), data)
        }
        _ => return Ok(None),
    }))
}

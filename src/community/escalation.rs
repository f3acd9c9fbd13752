//! Escalation of unanswered questions. A question in a local group that
//! nobody but its author has replied to within its group's response
//! target reaches the group's moderators and the staff, and after the
//! second target the admins (an event each: notifications, webhooks). It
//! waits in the Unanswered queue until a reply (local or federated) ends
//! it or an accepted answer closes it. `jobs::escalation` runs `escalate_due`;
//! `response_times` keeps each question's row up to date from the log.

use super::privacy::{self, Sight, Viewer};
use super::solutions::is_staff;
use super::{find_group, Actor};
use crate::config::EscalationConfig;
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::moderation::{can_moderate, require_moderator};
use crate::store::escalation::{
    self as rows, EscalationLevel, EscalationState, QuestionEscalation, ResponseTarget, Scope,
};
use crate::store::groups::{self as group_rows, Group};
use crate::store::people::{self as people_rows, Person};
use crate::store::posts::{self as post_rows, Post};
use crate::store::{now, write_tx, DbConn};
use crate::App;
use chrono::{Duration, NaiveDateTime};

/// The longest response target a group may set (a year).
const MAX_TARGET_SECS: i64 = 365 * 24 * 3600;

/// A group's response targets in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// Off: the group's questions never escalate.
    pub escalates: bool,
    pub first_secs: i64,
    pub second_secs: i64,
    /// The group set its own (else the instance's defaults apply).
    pub first_own: bool,
    pub second_own: bool,
}

impl Targets {
    fn of(config: &EscalationConfig, own: Option<&ResponseTarget>) -> Targets {
        let default = |secs: u64| i64::try_from(secs).unwrap_or(i64::MAX);
        Targets {
            escalates: own.is_none_or(|t| t.escalates),
            first_secs: own
                .and_then(|t| t.first_secs)
                .unwrap_or_else(|| default(config.first_target_secs)),
            second_secs: own
                .and_then(|t| t.second_secs)
                .unwrap_or_else(|| default(config.second_target_secs)),
            first_own: own.is_some_and(|t| t.first_secs.is_some()),
            second_own: own.is_some_and(|t| t.second_secs.is_some()),
        }
    }

    /// The level a question asked at `asked_at` has reached at `at`.
    fn reached(&self, asked_at: NaiveDateTime, at: NaiveDateTime) -> Option<EscalationLevel> {
        if !self.escalates {
            return None;
        }
        let waited = at - asked_at;
        if waited >= Duration::seconds(self.second_secs) {
            Some(EscalationLevel::Admins)
        } else if waited >= Duration::seconds(self.first_secs) {
            Some(EscalationLevel::Moderators)
        } else {
            None
        }
    }
}

/// What a moderator sets: `None` for a target means the instance default.
#[derive(Debug, Clone)]
pub struct TargetsInput {
    pub escalates: bool,
    pub first_secs: Option<i64>,
    pub second_secs: Option<i64>,
}

fn targets_in(conn: &mut DbConn, config: &EscalationConfig, group_id: i64) -> Result<Targets> {
    let own = rows::target(conn, group_id)?;
    Ok(Targets::of(config, own.as_ref()))
}

/// A group's response targets, for its moderators.
pub async fn targets(app: &App, actor: &Actor, handle: &str) -> Result<(Group, Targets)> {
    let (actor, handle, config) = (actor.clone(), handle.to_string(), app.config.clone());
    app.store
        .run(move |conn| {
            let group = find_group(conn, &handle)?;
            require_moderator(conn, &actor, &group)?;
            local_only(&group)?;
            let t = targets_in(conn, &config.escalation, group.id)?;
            Ok((group, t))
        })
        .await
}

fn local_only(group: &Group) -> Result<()> {
    if group.local {
        Ok(())
    } else {
        Err(Error::conflict(
            "this group lives on another server: its questions escalate there",
        ))
    }
}

/// Sets a group's response targets (its moderators).
pub async fn set_targets(
    app: &App,
    actor: &Actor,
    handle: &str,
    input: TargetsInput,
) -> Result<(Group, Targets)> {
    let config = app.config.escalation.clone();
    for (field, secs) in [
        ("first_secs", input.first_secs),
        ("second_secs", input.second_secs),
    ] {
        if let Some(s) = secs {
            if !(1..=MAX_TARGET_SECS).contains(&s) {
                return Err(Error::unprocessable(format!(
                    "{field}: a number of seconds from 1 to {MAX_TARGET_SECS}, or null for the default"
                )));
            }
        }
    }
    let (actor, handle) = (actor.clone(), handle.to_string());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let group = find_group(conn, &handle)?;
                require_moderator(conn, &actor, &group)?;
                local_only(&group)?;
                let own = ResponseTarget {
                    group_id: group.id,
                    escalates: input.escalates,
                    first_secs: input.first_secs,
                    second_secs: input.second_secs,
                    updated_at: now(),
                };
                let t = Targets::of(&config, Some(&own));
                if t.second_secs <= t.first_secs {
                    return Err(Error::unprocessable(format!(
                        "second_secs: the second target ({} s) must be longer than the first ({} s)",
                        t.second_secs, t.first_secs
                    )));
                }
                rows::set_target(conn, &own)?;
                Ok((group, t))
            })
        })
        .await
}

/// One question of the Unanswered queue.
#[derive(Debug, Clone)]
pub struct Unanswered {
    pub row: QuestionEscalation,
    pub post: Post,
    pub group: Group,
    pub author: Person,
}

impl Unanswered {
    /// Who it has reached.
    pub fn level(&self) -> EscalationLevel {
        match self.row.state {
            EscalationState::EscalatedToAdmins => EscalationLevel::Admins,
            _ => EscalationLevel::Moderators,
        }
    }
}

/// Who sees every local group's questions: staff, admins and the
/// instance's moderators.
pub fn sees_all(actor: &Actor) -> bool {
    is_staff(actor) || privacy::moderates_instance(actor)
}

/// The Unanswered queue, oldest first: moderators see their groups',
/// staff and admins every group's (a club's only when they see inside
/// it). `group`: one group only.
pub async fn queue(
    app: &App,
    actor: &Actor,
    group: Option<&str>,
    page: i64,
) -> Result<Vec<Unanswered>> {
    let size = app.config.limits.page_size;
    let offset = super::follows::page_offset(page, size)?;
    let (actor, group) = (actor.clone(), group.map(str::to_string));
    app.store
        .run(move |conn| {
            let scope = match group {
                Some(handle) => {
                    let g = find_group(conn, &handle)?;
                    let may = (sees_all(&actor) && g.local) || can_moderate(conn, &actor, &g)?;
                    if !may {
                        return Err(Error::forbidden(format!(
                            "only the moderators of {} and staff see its unanswered questions",
                            g.name
                        )));
                    }
                    if privacy::sight(conn, Viewer::Account(&actor), &g)? == Sight::Outside {
                        return Err(Error::forbidden(
                            "this club's questions are for its members",
                        ));
                    }
                    Scope::Only(vec![g.id])
                }
                None if sees_all(&actor) => {
                    Scope::AllBut(privacy::unseen_clubs(conn, Viewer::Account(&actor))?)
                }
                None => {
                    let mine = group_rows::moderated_by(conn, actor.id())?;
                    if mine.is_empty() {
                        return Err(Error::forbidden(
                            "the unanswered questions are for moderators and staff",
                        ));
                    }
                    Scope::Only(mine.iter().map(|g| g.id).collect())
                }
            };
            let found = rows::queue(conn, &scope, offset, size)?;
            let mut items = Vec::with_capacity(found.len());
            for row in found {
                let post = post_rows::by_id(conn, row.post_id)?;
                let group = group_rows::by_id(conn, row.group_id)?;
                let author = people_rows::by_id(conn, row.author_id)?;
                items.push(Unanswered {
                    row,
                    post,
                    group,
                    author,
                });
            }
            Ok(items)
        })
        .await
}

/// A question's response record (times to first reply and to accepted
/// answer), for whoever may read the question; None for a thread that
/// is not a question of a local group.
pub async fn response(
    app: &App,
    viewer: Option<&Actor>,
    post_id: i64,
) -> Result<Option<QuestionEscalation>> {
    let viewer = viewer.cloned();
    app.store
        .run(move |conn| {
            super::posts::readable_post(conn, viewer.as_ref(), post_id)?;
            rows::of_post(conn, post_id)
        })
        .await
}

/// Escalates every question whose target passed at `at`, each level with
/// its event, in one transaction per question; returns how many levels
/// were reached. A question with a reply the log has not brought yet
/// is marked replied instead.
pub fn escalate_due(
    conn: &mut DbConn,
    config: &EscalationConfig,
    at: NaiveDateTime,
) -> Result<usize> {
    let waiting = rows::escalating(conn)?;
    let mut group_ids: Vec<i64> = waiting.iter().map(|r| r.group_id).collect();
    group_ids.sort_unstable();
    group_ids.dedup();
    let own = rows::targets(conn, &group_ids)?;
    let mut reached = 0;
    for q in waiting {
        let t = Targets::of(config, own.iter().find(|t| t.group_id == q.group_id));
        let Some(level) = t.reached(q.asked_at, at) else {
            continue;
        };
        reached += write_tx(conn, |conn| escalate_one(conn, &q, level, at))?;
    }
    Ok(reached)
}

fn escalate_one(
    conn: &mut DbConn,
    q: &QuestionEscalation,
    level: EscalationLevel,
    at: NaiveDateTime,
) -> Result<usize> {
    if let Some(replied) = rows::first_reply(conn, q.post_id, q.author_id)? {
        rows::replied(conn, q.post_id, replied)?;
        return Ok(0);
    }
    // Each level once and in order: a question found past both targets
    // (the job was down) reaches the moderators, then the admins.
    let mut steps = Vec::new();
    if q.state == EscalationState::Waiting {
        steps.push((EscalationState::Waiting, EscalationLevel::Moderators));
    }
    if level == EscalationLevel::Admins {
        steps.push((EscalationState::Escalated, EscalationLevel::Admins));
    }
    let mut done = 0;
    for (from, step) in steps {
        // Another process may have moved it first: then it says so.
        if !rows::escalate(conn, q.post_id, from, step, at)? {
            break;
        }
        events::record(
            conn,
            Change::by_server(What::QuestionEscalated {
                post_id: q.post_id,
                level: step,
            })
            .in_group(q.group_id),
        )?;
        done += 1;
    }
    Ok(done)
}

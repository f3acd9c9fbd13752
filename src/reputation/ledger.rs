//! Writing the ledger: each rule that gains or loses reputation records an
//! event, reverses the events it replaces, and refreshes the cached
//! summary (points, rank, badges) of the people concerned. Called inside
//! the caller's write transaction.

use super::badges::{self, Record};
use super::points::{capped, vote_points, weighted, Today};
use super::ranks::{rank_for, Standing};
use super::serial::{serial_runs, VoteEvent};
use super::settings::ReputationConfig;
use crate::error::Result;
use crate::events::{self, Change, What};
use crate::moderation::log::{self, Entry, Target};
use crate::store::ideas::IdeaStatus;
use crate::store::instances;
use crate::store::people::{self, Person};
use crate::store::reputation::{self as rows, About, NewEvent, Summary};
use crate::store::{now, DbConn};
use chrono::{Duration, NaiveDateTime, NaiveTime};

const VOTE_REASONS: &[&str] = &["upvote", "downvote", "downvote_cast"];

/// How much a person's votes weigh here: 0 for bots and for silenced
/// servers, the server's vote weight for other remote people, 1 locally.
pub fn vote_weight(conn: &mut DbConn, voter: &Person) -> Result<f64> {
    if voter.bot {
        return Ok(0.0);
    }
    if voter.local {
        return Ok(1.0);
    }
    let i = instances::by_id(conn, voter.instance_id)?;
    Ok(if i.policy.weighs_nothing() {
        0.0
    } else {
        i.vote_weight
    })
}

/// One vote changed from `old` to `new` (each +1, 0 or -1).
pub struct VoteChange<'a> {
    pub voter: &'a Person,
    pub author_id: i64,
    pub post_id: i64,
    pub comment_id: Option<i64>,
    pub group_id: i64,
    /// The target is a comment in a question thread.
    pub on_answer: bool,
    pub new: i32,
}

pub fn on_vote(conn: &mut DbConn, cfg: &ReputationConfig, v: &VoteChange) -> Result<()> {
    let at = now();
    let about = match v.comment_id {
        Some(c) => About::Comment(c),
        None => About::Post(v.post_id),
    };
    let old = rows::active(conn, VOTE_REASONS, Some(v.voter.id), None, about)?;
    let old_ids: Vec<i64> = old.iter().map(|e| e.id).collect();
    rows::reverse(conn, &old_ids, "vote changed", at)?;
    let (author_points, voter_points) =
        vote_points(&cfg.points, v.new, v.comment_id.is_some(), v.on_answer);
    let weight = vote_weight(conn, v.voter)?;
    let raw = weighted(author_points, weight);
    let base = NewEvent {
        person_id: v.author_id,
        amount: 0,
        raw_amount: 0,
        reason: String::new(),
        actor_id: Some(v.voter.id),
        post_id: Some(v.post_id),
        comment_id: v.comment_id,
        group_id: Some(v.group_id),
        origin_instance_id: v.voter.instance_id,
        created_at: at,
    };
    if raw != 0 {
        let amount = if raw > 0 {
            let day = at.date().and_time(NaiveTime::MIN);
            let today = Today {
                total: rows::vote_gains_since(conn, v.author_id, day, None)?,
                from_instance: if v.voter.local {
                    None
                } else {
                    Some(rows::vote_gains_since(
                        conn,
                        v.author_id,
                        day,
                        Some(v.voter.instance_id),
                    )?)
                },
            };
            capped(raw, today, cfg.daily_vote_cap, cfg.daily_instance_cap)
        } else {
            raw
        };
        let reason = if v.new > 0 { "upvote" } else { "downvote" };
        rows::insert(
            conn,
            &NewEvent {
                amount,
                raw_amount: raw,
                reason: reason.into(),
                ..base.clone()
            },
        )?;
    }
    if voter_points != 0 {
        rows::insert(
            conn,
            &NewEvent {
                person_id: v.voter.id,
                amount: voter_points,
                raw_amount: voter_points,
                reason: "downvote_cast".into(),
                ..base
            },
        )?;
    }
    refresh(conn, cfg, v.author_id)?;
    if voter_points != 0 || old.iter().any(|e| e.person_id == v.voter.id) {
        refresh(conn, cfg, v.voter.id)?;
    }
    Ok(())
}

/// A question's accepted answer changed: the old one's points are
/// reversed, the new one's author gains, and so does the question's
/// author (unless they answered it themselves).
pub struct SolutionChange {
    pub post_id: i64,
    pub group_id: i64,
    pub question_author_id: i64,
    /// (comment id, its author) of the new accepted answer.
    pub accepted: Option<(i64, i64)>,
    pub accepter: Person,
}

pub fn on_solution(conn: &mut DbConn, cfg: &ReputationConfig, s: &SolutionChange) -> Result<()> {
    let at = now();
    let old: Vec<_> = rows::active_about_post(conn, &["solution", "solution_accepted"], s.post_id)?;
    let ids: Vec<i64> = old.iter().map(|e| e.id).collect();
    rows::reverse(conn, &ids, "another answer accepted", at)?;
    let mut touched: Vec<i64> = old.iter().map(|e| e.person_id).collect();
    if let Some((comment_id, answerer)) = s.accepted {
        if answerer != s.question_author_id {
            let event = |person_id: i64, amount: i64, reason: &str| NewEvent {
                person_id,
                amount,
                raw_amount: amount,
                reason: reason.into(),
                actor_id: Some(s.accepter.id),
                post_id: Some(s.post_id),
                comment_id: Some(comment_id),
                group_id: Some(s.group_id),
                origin_instance_id: s.accepter.instance_id,
                created_at: at,
            };
            rows::insert(conn, &event(answerer, cfg.points.solution, "solution"))?;
            rows::insert(
                conn,
                &event(
                    s.question_author_id,
                    cfg.points.solution_accepter,
                    "solution_accepted",
                ),
            )?;
            touched.extend([answerer, s.question_author_id]);
        }
    }
    touched.sort_unstable();
    touched.dedup();
    for p in touched {
        refresh(conn, cfg, p)?;
    }
    Ok(())
}

/// Something a person wrote, for kudos, removals and reports.
#[derive(Debug, Clone, Copy)]
pub struct Work {
    pub author_id: i64,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub group_id: Option<i64>,
}

impl Work {
    fn about(&self) -> About {
        match (self.comment_id, self.post_id) {
            (Some(c), _) => About::Comment(c),
            (None, Some(p)) => About::Post(p),
            (None, None) => About::Person,
        }
    }

    fn event(&self, by: &Person, amount: i64, reason: &str) -> NewEvent {
        NewEvent {
            person_id: self.author_id,
            amount,
            raw_amount: amount,
            reason: reason.into(),
            actor_id: Some(by.id),
            post_id: self.post_id,
            comment_id: self.comment_id,
            group_id: self.group_id,
            origin_instance_id: by.instance_id,
            created_at: now(),
        }
    }
}

/// Kudos from a staff member; once per staff member and item. Returns
/// false when they had given it already.
pub fn on_kudos(
    conn: &mut DbConn,
    cfg: &ReputationConfig,
    staff: &Person,
    w: Work,
) -> Result<bool> {
    if !rows::active(
        conn,
        &["kudos"],
        Some(staff.id),
        Some(w.author_id),
        w.about(),
    )?
    .is_empty()
    {
        return Ok(false);
    }
    rows::insert(conn, &w.event(staff, cfg.points.kudos, "kudos"))?;
    refresh(conn, cfg, w.author_id)?;
    Ok(true)
}

/// A moderator removed (`removed`) or restored a thread or comment.
pub fn on_removal(
    conn: &mut DbConn,
    cfg: &ReputationConfig,
    moderator: &Person,
    w: Work,
    removed: bool,
) -> Result<()> {
    let old = rows::active(conn, &["removed"], None, Some(w.author_id), w.about())?;
    if removed && old.is_empty() {
        rows::insert(conn, &w.event(moderator, cfg.points.removed, "removed"))?;
    } else if !removed {
        let ids: Vec<i64> = old.iter().map(|e| e.id).collect();
        rows::reverse(conn, &ids, "restored", now())?;
    }
    refresh(conn, cfg, w.author_id).map(|_| ())
}

/// A report was upheld against the person (once per item reported).
pub fn on_report_upheld(
    conn: &mut DbConn,
    cfg: &ReputationConfig,
    moderator: &Person,
    w: Work,
) -> Result<()> {
    if rows::active(conn, &["report_upheld"], None, Some(w.author_id), w.about())?.is_empty() {
        rows::insert(
            conn,
            &w.event(moderator, cfg.points.report_upheld, "report_upheld"),
        )?;
        refresh(conn, cfg, w.author_id)?;
    }
    Ok(())
}

/// An idea reached a status that earns its author points ("planned",
/// "shipped"): awarded once per idea and reason, however often the status
/// goes back and forth, and never for judging your own idea.
pub fn on_idea_status(
    conn: &mut DbConn,
    cfg: &ReputationConfig,
    judge: &Person,
    w: Work,
    status: IdeaStatus,
) -> Result<()> {
    let (reason, amount) = match status {
        IdeaStatus::Planned => ("idea_planned", cfg.points.idea_planned),
        IdeaStatus::Shipped => ("idea_shipped", cfg.points.idea_shipped),
        _ => return Ok(()),
    };
    if judge.id == w.author_id
        || !rows::active(conn, &[reason], None, Some(w.author_id), w.about())?.is_empty()
    {
        return Ok(());
    }
    rows::insert(conn, &w.event(judge, amount, reason))?;
    refresh(conn, cfg, w.author_id)?;
    Ok(())
}

fn days_since(then: NaiveDateTime, at: NaiveDateTime) -> i64 {
    (at - then).num_days().max(0)
}

/// Recomputes a person's summary from the ledger: points, solutions,
/// upvotes, rank; awards the badges now earned.
pub fn refresh(conn: &mut DbConn, cfg: &ReputationConfig, person_id: i64) -> Result<Summary> {
    // Concurrent votes for one author: one refresh at a time, each seeing
    // the events the others committed.
    rows::lock_summary(conn, person_id)?;
    let at = now();
    let person = people::by_id(conn, person_id)?;
    let (points, solutions, upvotes) = rows::totals(conn, person_id)?;
    let days = days_since(person.created_at, at);
    let rank = rank_for(
        &cfg.ranks,
        Standing {
            reputation: points,
            solutions,
            days,
        },
    )
    .to_string();
    let summary = Summary {
        person_id,
        points,
        solutions,
        upvotes,
        rank,
        updated_at: at,
    };
    let before = rows::summary(conn, person_id)?
        .map(|s| s.rank)
        .unwrap_or_else(|| cfg.lowest_rank().to_string());
    rows::save_summary(conn, &summary)?;
    if before != summary.rank {
        events::record(
            conn,
            Change::by_server(What::RankChanged {
                person_id,
                rank: summary.rank.clone(),
            }),
        )?;
    }
    let record = Record {
        solutions,
        upvotes,
        days,
        reputation: points,
    };
    for b in badges::earned(&record) {
        if rows::award(conn, person_id, b, at)? {
            events::record(
                conn,
                Change::by_server(What::BadgeAwarded {
                    person_id,
                    badge: b.to_string(),
                }),
            )?;
        }
    }
    Ok(summary)
}

/// A person's summary, or the starting one when nothing was recorded yet.
pub fn summary_of(conn: &mut DbConn, cfg: &ReputationConfig, person: &Person) -> Result<Summary> {
    Ok(rows::summary(conn, person.id)?.unwrap_or_else(|| Summary {
        person_id: person.id,
        points: 0,
        solutions: 0,
        upvotes: 0,
        rank: rank_for(
            &cfg.ranks,
            Standing {
                days: days_since(person.created_at, now()),
                ..Standing::default()
            },
        )
        .to_string(),
        updated_at: now(),
    }))
}

/// Recomputes every summary from the ledger; returns how many people.
pub fn recompute_all(conn: &mut DbConn, cfg: &ReputationConfig) -> Result<usize> {
    let ids = rows::people_with_reputation(conn)?;
    for id in &ids {
        refresh(conn, cfg, *id)?;
    }
    Ok(ids.len())
}

/// What the serial-voting job reversed.
#[derive(Debug, Clone)]
pub struct Reversed {
    pub voter: Person,
    pub author: Person,
    pub votes: usize,
    pub points: i64,
}

/// Reverses the points of serial voting in the 24 hours before `at` and
/// records each reversal in the moderation log.
pub fn reverse_serial_votes(
    conn: &mut DbConn,
    cfg: &ReputationConfig,
    at: NaiveDateTime,
) -> Result<Vec<Reversed>> {
    let events: Vec<VoteEvent> = rows::votes_since(conn, at - Duration::hours(24))?
        .into_iter()
        .map(|(event_id, voter_id, author_id)| VoteEvent {
            event_id,
            voter_id,
            author_id,
        })
        .collect();
    let mut done = Vec::new();
    for run in serial_runs(&events, cfg.serial_vote_limit) {
        let points: i64 = rows::by_ids(conn, &run.event_ids)?
            .iter()
            .map(|e| e.amount)
            .sum();
        rows::reverse(conn, &run.event_ids, "serial voting", now())?;
        refresh(conn, cfg, run.author_id)?;
        let author = people::by_id(conn, run.author_id)?;
        let reason = format!(
            "serial voting: {} votes for {} within 24 hours; {points:+} reputation reversed",
            run.event_ids.len(),
            crate::community::handle(&author.name, author.local, &author.ap_id)
        );
        log::record(
            conn,
            "reverse_serial_votes",
            None,
            Target {
                person_id: Some(run.voter_id),
                ..Target::default()
            },
            Entry {
                reason: Some(reason),
                ..Entry::default()
            },
        )?;
        done.push(Reversed {
            voter: people::by_id(conn, run.voter_id)?,
            author,
            votes: run.event_ids.len(),
            points,
        });
    }
    Ok(done)
}

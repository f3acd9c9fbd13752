//! Influence: who the community turns to. A weighted PageRank
//! (`pagerank`) over who credits whom: A -> B when A replied to B, upvoted
//! B's thread or comment, accepted B's answer, or (instance-wide) follows
//! B. One ranking per group and one for the instance, computed by
//! `jobs::influence` into `influence_score`, with reasons (whom each
//! person answered most, their most valued threads) and rising members
//! (the largest gain against the computation a month back). A club's
//! content counts only in the club's own ranking. docs/analytics.md.

use super::pagerank;
use super::privacy::{self, Sight, Viewer};
use super::solutions::is_staff;
use super::{find_group, Actor};
use crate::error::{Error, Result};
use crate::moderation::can_moderate;
use crate::store::groups::{self as group_rows, Group};
use crate::store::influence::{self as rows, NewScore, Score};
use crate::store::people::{self as people_rows, Person};
use crate::store::posts as post_rows;
use crate::store::{write_tx, DbConn};
use crate::App;
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a credit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Reply,
    Upvote,
    Accepted,
    Follow,
}

impl Kind {
    /// The edge's weight in the graph.
    fn weight(self) -> f64 {
        match self {
            Kind::Reply => 1.0,
            Kind::Upvote | Kind::Follow => 0.5,
            Kind::Accepted => 3.0,
        }
    }

    /// What it adds to a thread's value to its author: an accepted answer
    /// 3, an upvote or a reply 1.
    fn value(self) -> f64 {
        match self {
            Kind::Accepted => 3.0,
            Kind::Reply | Kind::Upvote | Kind::Follow => 1.0,
        }
    }
}
/// People kept per ranking.
const KEPT: usize = 100;
/// Reasons kept per person.
const REASONS: usize = 3;
/// Rising members are measured against the computation this long ago.
const MONTH_DAYS: i64 = 30;
/// Computations older than this are dropped.
const KEEP_DAYS: i64 = 62;

/// Why a person ranks where they do.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Reasons {
    /// The people they answered most, most first.
    pub answered: Vec<i64>,
    /// Their most valued threads (where their thread or comments drew
    /// upvotes, replies and accepted answers), most first.
    pub threads: Vec<i64>,
}

/// One credit: who gave it, to whom, how much, in which group (None:
/// not tied to a group, a follow), in which thread.
#[derive(Debug, Clone, Copy)]
struct Credit {
    from: i64,
    to: i64,
    kind: Kind,
    group: Option<i64>,
    thread: Option<i64>,
}

/// Every credit in the store.
fn credits(conn: &mut DbConn) -> Result<Vec<Credit>> {
    let threads = rows::threads(conn)?;
    let comments = rows::comments(conn)?;
    let thread_of: HashMap<i64, (i64, i64)> = threads
        .iter()
        .map(|(id, group, author, _, _)| (*id, (*group, *author)))
        .collect();
    let comment_of: HashMap<i64, (i64, i64)> = comments
        .iter()
        .map(|(id, post, _, author)| (*id, (*post, *author)))
        .collect();
    let mut found = Vec::new();
    let mut credit = |from, to, kind, group, thread| {
        if from != to {
            found.push(Credit {
                from,
                to,
                kind,
                group,
                thread: Some(thread),
            });
        }
    };
    for (_, post, parent, author) in &comments {
        let Some(&(group, post_author)) = thread_of.get(post) else {
            continue;
        };
        let to = match parent {
            Some(p) => match comment_of.get(p) {
                Some(&(_, a)) => a,
                None => continue,
            },
            None => post_author,
        };
        credit(*author, to, Kind::Reply, Some(group), *post);
    }
    for (id, group, author, accepted, _) in &threads {
        if let Some(&(_, answerer)) = accepted.and_then(|c| comment_of.get(&c)) {
            credit(*author, answerer, Kind::Accepted, Some(*group), *id);
        }
    }
    for (voter, post, comment) in rows::upvotes(conn)? {
        let (thread, to) = match (post, comment) {
            (Some(p), _) => match thread_of.get(&p) {
                Some(&(_, a)) => (p, a),
                None => continue,
            },
            (None, Some(c)) => match comment_of.get(&c) {
                Some(&(p, a)) => (p, a),
                None => continue,
            },
            (None, None) => continue,
        };
        let Some(&(group, _)) = thread_of.get(&thread) else {
            continue;
        };
        credit(voter, to, Kind::Upvote, Some(group), thread);
    }
    for (follower, followee) in rows::follows(conn)? {
        if follower != followee {
            found.push(Credit {
                from: follower,
                to: followee,
                kind: Kind::Follow,
                group: None,
                thread: None,
            });
        }
    }
    Ok(found)
}

/// The ranking of one scope's credits, best first, with reasons.
fn ranked(credits: &[&Credit]) -> Vec<(i64, f64, Reasons)> {
    let edges: Vec<(i64, i64, f64)> = credits
        .iter()
        .map(|c| (c.from, c.to, c.kind.weight()))
        .collect();
    let mut scores: Vec<(i64, f64)> = pagerank::rank(&edges).into_iter().collect();
    // Ties in a stable order: the older account first.
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scores.truncate(KEPT);
    scores
        .into_iter()
        .map(|(person, score)| (person, score, reasons_of(credits, person)))
        .collect()
}

fn top(counts: HashMap<i64, f64>) -> Vec<i64> {
    let mut v: Vec<(i64, f64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().take(REASONS).map(|(id, _)| id).collect()
}

fn reasons_of(credits: &[&Credit], person: i64) -> Reasons {
    let mut answered: HashMap<i64, f64> = HashMap::new();
    let mut threads: HashMap<i64, f64> = HashMap::new();
    for c in credits {
        if c.from == person && c.kind == Kind::Reply {
            *answered.entry(c.to).or_default() += 1.0;
        }
        if c.to == person {
            if let Some(t) = c.thread {
                *threads.entry(t).or_default() += c.kind.value();
            }
        }
    }
    Reasons {
        answered: top(answered),
        threads: top(threads),
    }
}

/// Computes every ranking at `at` and stores them (one transaction);
/// drops the computations older than two months. Returns the number of
/// rankings.
pub fn compute(conn: &mut DbConn, at: NaiveDateTime) -> Result<usize> {
    let all = credits(conn)?;
    let clubs = rows::club_ids(conn)?;
    let mut scopes: HashMap<Option<i64>, Vec<&Credit>> = HashMap::new();
    for c in &all {
        if let Some(g) = c.group {
            scopes.entry(Some(g)).or_default().push(c);
        }
        // Instance-wide, shown to non-members: nothing of a club.
        if c.group.is_none_or(|g| !clubs.contains(&g)) {
            scopes.entry(None).or_default().push(c);
        }
    }
    let mut new = Vec::new();
    for (group, credits) in &scopes {
        for (place, (person, score, reasons)) in ranked(credits).into_iter().enumerate() {
            new.push(NewScore {
                computed_at: at,
                group_id: *group,
                person_id: person,
                score,
                place: i32::try_from(place + 1).unwrap_or(i32::MAX),
                reasons: serde_json::to_string(&reasons)
                    .map_err(|e| Error::internal("cannot encode reasons", e))?,
            });
        }
    }
    write_tx(conn, |conn| {
        rows::insert(conn, &new)?;
        rows::prune(conn, at - Duration::days(KEEP_DAYS))
    })?;
    Ok(scopes.len())
}

/// One person's line of a ranking.
#[derive(Debug, Clone)]
pub struct Line {
    pub place: i32,
    pub person: Person,
    pub score: f64,
    /// Against the computation a month back (None: none that old).
    pub gain: Option<f64>,
    pub answered: Vec<Person>,
    pub threads: Vec<(i64, String)>,
}

/// A ranking as its reader sees it.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub group: Option<Group>,
    pub computed_at: Option<NaiveDateTime>,
    pub lines: Vec<Line>,
    /// The largest gains this month, largest first.
    pub rising: Vec<Line>,
}

/// Staff, admins and instance moderators read every ranking.
fn reads_all(actor: &Actor) -> bool {
    is_staff(actor) || privacy::moderates_instance(actor)
}

/// A group's ranking (its moderators, staff and admins; a club's only to
/// those who see inside it) or the instance's (staff and admins).
pub async fn ranking(app: &App, actor: &Actor, group: Option<&str>) -> Result<Ranking> {
    let (actor, group) = (actor.clone(), group.map(str::to_string));
    app.store
        .run(move |conn| {
            let group = match group {
                Some(handle) => {
                    let g = find_group(conn, &handle)?;
                    if !(reads_all(&actor) || can_moderate(conn, &actor, &g)?) {
                        return Err(Error::forbidden(format!(
                            "only the moderators of {} and staff see its influencers",
                            g.name
                        )));
                    }
                    if privacy::sight(conn, Viewer::Account(&actor), &g)? == Sight::Outside {
                        return Err(Error::forbidden(
                            "this club's influencers are for its members",
                        ));
                    }
                    Some(g)
                }
                None if reads_all(&actor) => None,
                None => return Err(Error::forbidden(
                    "the instance's influencers are for staff and admins; moderators add ?group=",
                )),
            };
            read(conn, &actor, group)
        })
        .await
}

fn read(conn: &mut DbConn, actor: &Actor, group: Option<Group>) -> Result<Ranking> {
    let gid = group.as_ref().map(|g| g.id);
    let Some(at) = rows::computed_by(conn, gid, crate::store::now())? else {
        return Ok(Ranking {
            group,
            computed_at: None,
            lines: Vec::new(),
            rising: Vec::new(),
        });
    };
    let now_rows = rows::ranking(conn, gid, at, KEPT as i64)?;
    let before = match rows::computed_by(conn, gid, at - Duration::days(MONTH_DAYS))? {
        Some(b) => Some(rows::ranking(conn, gid, b, KEPT as i64)?),
        None => None,
    };
    let mut lines = Vec::with_capacity(now_rows.len());
    for r in &now_rows {
        lines.push(line(conn, actor, r, before.as_deref())?);
    }
    let mut rising: Vec<Line> = lines
        .iter()
        .filter(|l| l.gain.is_some_and(|g| g > 0.0))
        .cloned()
        .collect();
    rising.sort_by(|a, b| {
        b.gain
            .unwrap_or_default()
            .total_cmp(&a.gain.unwrap_or_default())
    });
    rising.truncate(10);
    Ok(Ranking {
        group,
        computed_at: Some(at),
        lines,
        rising,
    })
}

fn line(conn: &mut DbConn, actor: &Actor, r: &Score, before: Option<&[Score]>) -> Result<Line> {
    let reasons: Reasons = serde_json::from_str(&r.reasons).unwrap_or_default();
    let person = people_rows::by_id(conn, r.person_id)?;
    let answered = people_rows::by_ids(conn, &reasons.answered)?;
    let mut threads = Vec::new();
    for t in post_rows::by_ids(conn, &reasons.threads)? {
        // A thread's title only to who may read its group.
        let g = group_rows::by_id(conn, t.group_id)?;
        if privacy::sight(conn, Viewer::Account(actor), &g)? == Sight::Inside {
            threads.push((t.id, t.title));
        }
    }
    let gain = before.map(|b| {
        r.score
            - b.iter()
                .find(|s| s.person_id == r.person_id)
                .map_or(0.0, |s| s.score)
    });
    Ok(Line {
        place: r.place,
        person,
        score: r.score,
        gain,
        answered,
        threads,
    })
}

/// Computes every ranking now (admins), as the job does.
pub async fn recompute(app: &App, actor: &Actor) -> Result<usize> {
    if !(actor.is_admin() && actor.person.local) {
        return Err(Error::forbidden("only admins recompute influence"));
    }
    app.store
        .run(|conn| compute(conn, crate::store::now()))
        .await
}

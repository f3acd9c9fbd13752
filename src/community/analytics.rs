//! Community analytics: daily rollups (`roll_up`, run by
//! `jobs::analytics`) and the figures of a group or of the instance over
//! a range of days (`figures`), for the group's moderators, the staff and
//! the admins (`may_read`). Instance figures add up every group but the
//! clubs; a club's figures are its own, read only by those who see
//! inside it. Every figure is defined in docs/analytics.md.

use super::principal::Principal;
use super::privacy::{self, Sight, Viewer};
use super::solutions::is_staff;
use super::{find_group, Actor};
use crate::error::{Error, Result};
use crate::moderation::can_moderate;
use crate::store::analytics::{self as rows, ActivityRow, DayRow, Scope};
use crate::store::api_tokens::Scope as TokenScope;
use crate::store::groups::Group;
use crate::store::instances;
use crate::store::people::{self as people_rows, Person};
use crate::store::posts::PostKind;
use crate::store::{write_tx, DbConn};
use crate::App;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The first day the next roll-up recomputes (a day number).
const OPEN_FROM_KEY: &str = "analytics.open_from";
/// The longest range a request may ask for, in days.
pub const MAX_DAYS: i64 = 732;
/// Lines of the top contributors and top threads.
const TOP: i64 = 10;
/// Weeks a retention cohort is followed.
pub const COHORT_WEEKS: usize = 8;

/// The UTC day number (days since 1970-01-01) of a time.
pub fn day_of(t: NaiveDateTime) -> i64 {
    day_number(t.date())
}

pub fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::default()).num_days()
}

/// The date of a day number.
pub fn date_of(day: i64) -> NaiveDate {
    NaiveDate::default() + Duration::days(day)
}

fn midnight(day: i64) -> NaiveDateTime {
    date_of(day).and_hms_opt(0, 0, 0).unwrap_or_default()
}

/// Recomputes the rollups from the first open day (the day before the
/// last run; every day at the first run) to today, from the threads,
/// comments, votes and memberships created since, in one transaction.
/// Returns the number of days recomputed (at the first run: from the
/// first day with anything).
pub fn roll_up(conn: &mut DbConn, now: NaiveDateTime) -> Result<i64> {
    let today = day_of(now);
    let open_from = instances::setting(conn, OPEN_FROM_KEY)?.and_then(|s| s.parse::<i64>().ok());
    let from_day = open_from.unwrap_or(0).min(today);
    let since = midnight(from_day);
    let threads = rows::threads_since(conn, since)?;
    let comments = rows::comments_since(conn, since)?;
    let votes = rows::votes_since(conn, since)?;
    let joins = rows::joins_since(conn, since)?;

    // Where each comment and vote happened: its thread's group.
    let comment_ids: Vec<i64> = votes.iter().filter_map(|v| v.2).collect();
    let thread_of: HashMap<i64, i64> = rows::threads_of_comments(conn, &comment_ids)?
        .into_iter()
        .collect();
    let mut thread_ids: Vec<i64> = comments.iter().map(|c| c.0).collect();
    thread_ids.extend(votes.iter().filter_map(|v| v.1));
    thread_ids.extend(thread_of.values());
    thread_ids.sort_unstable();
    thread_ids.dedup();
    let group_of: HashMap<i64, i64> = rows::groups_of_threads(conn, &thread_ids)?
        .into_iter()
        .chain(threads.iter().map(|t| (t.0, t.1)))
        .collect();

    let mut days: BTreeMap<(i64, i64), DayRow> = BTreeMap::new();
    let mut active: BTreeMap<(i64, i64, i64), ActivityRow> = BTreeMap::new();
    for &(group, _, at) in &joins {
        day_row(&mut days, group, day_of(at)).new_members += 1;
    }
    for &(_, group, _, kind, at) in &threads {
        let d = day_row(&mut days, group, day_of(at));
        d.threads += 1;
        if kind == PostKind::Question {
            d.questions += 1;
        }
    }
    for &(_, group, author, _, at) in &threads {
        act(&mut active, group, day_of(at), author).threads += 1;
    }
    for &(thread, author, at) in &comments {
        if let Some(&group) = group_of.get(&thread) {
            act(&mut active, group, day_of(at), author).comments += 1;
            day_row(&mut days, group, day_of(at)).comments += 1;
        }
    }
    for &(voter, post, comment, at) in &votes {
        let thread = post.or_else(|| comment.and_then(|c| thread_of.get(&c).copied()));
        if let Some(&group) = thread.and_then(|t| group_of.get(&t)) {
            act(&mut active, group, day_of(at), voter).votes += 1;
            day_row(&mut days, group, day_of(at)).votes += 1;
        }
    }

    let mut people: Vec<i64> = active.keys().map(|k| k.2).collect();
    people.sort_unstable();
    people.dedup();
    let server: HashMap<i64, i64> = rows::servers_of(conn, &people)?.into_iter().collect();
    let activity: Vec<ActivityRow> = active
        .into_values()
        .map(|mut a| {
            a.instance_id = server.get(&a.person_id).copied().unwrap_or_default();
            a
        })
        .collect();
    let days: Vec<DayRow> = days.into_values().collect();
    // At the first run: counted from the first day with anything.
    let first_day = match open_from {
        Some(_) => from_day,
        None => days.iter().map(|d| d.day).min().unwrap_or(today),
    };
    // Yesterday stays open: late federated content still lands in it.
    let next_open = (today - 1).max(from_day);
    write_tx(conn, |conn| {
        rows::replace_from(conn, from_day, &days, &activity)?;
        instances::set_setting(conn, OPEN_FROM_KEY, &next_open.to_string())
    })?;
    Ok(today - first_day + 1)
}

fn day_row(days: &mut BTreeMap<(i64, i64), DayRow>, group: i64, day: i64) -> &mut DayRow {
    days.entry((group, day)).or_insert_with(|| DayRow {
        group_id: group,
        day,
        ..DayRow::default()
    })
}

fn act(
    active: &mut BTreeMap<(i64, i64, i64), ActivityRow>,
    group: i64,
    day: i64,
    person: i64,
) -> &mut ActivityRow {
    active
        .entry((group, day, person))
        .or_insert_with(|| ActivityRow {
            group_id: group,
            day,
            person_id: person,
            ..ActivityRow::default()
        })
}

/// How a range is cut into buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    #[default]
    Day,
    /// ISO weeks (Monday to Sunday, UTC).
    Week,
    /// Calendar months (UTC).
    Month,
}

/// What a reader asks for: the days from `from` to `to`, both included.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: Granularity,
}

impl Range {
    /// Checks a range; absent ends mean the 30 days to `today`.
    pub fn new(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        by: Option<Granularity>,
        today: NaiveDate,
    ) -> Result<Range> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(29));
        if from > to {
            return Err(Error::bad_request("`from` is after `to`"));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(Error::bad_request(format!(
                "a range is at most {MAX_DAYS} days"
            )));
        }
        Ok(Range {
            from,
            to,
            by: by.unwrap_or_default(),
        })
    }

    fn first(&self) -> i64 {
        day_number(self.from)
    }

    fn last(&self) -> i64 {
        day_number(self.to)
    }

    /// The buckets (first day, last day), clipped to the range.
    pub fn buckets(&self) -> Vec<(i64, i64)> {
        let (first, last) = (self.first(), self.last());
        let mut out = Vec::new();
        let mut start = first;
        while start <= last {
            let d = date_of(start);
            let end = match self.by {
                Granularity::Day => start,
                Granularity::Week => start + 6 - i64::from(d.weekday().num_days_from_monday()),
                Granularity::Month => {
                    let next = if d.month() == 12 {
                        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
                    } else {
                        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
                    };
                    next.map_or(last, |n| day_number(n) - 1)
                }
            };
            let end = end.min(last);
            out.push((start, end));
            start = end + 1;
        }
        out
    }
}

/// One bucket of the series.
#[derive(Debug, Clone, Default)]
pub struct Point {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub new_members: i64,
    /// Distinct people active in the bucket.
    pub active: i64,
    pub threads: i64,
    pub comments: i64,
    pub votes: i64,
    pub questions: i64,
}

/// Times in seconds: the median and the 90th percentile (nearest rank).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spread {
    pub count: usize,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of sorted values: the
/// value at rank ⌈p/100 · n⌉ (1-based).
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (u64::from(p) * n as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank.min(n) - 1).copied()
}

impl Spread {
    pub fn of(mut secs: Vec<i64>) -> Spread {
        secs.sort_unstable();
        Spread {
            count: secs.len(),
            median: nearest_rank(&secs, 50),
            p90: nearest_rank(&secs, 90),
        }
    }
}

/// The questions asked in the range.
#[derive(Debug, Clone, Default)]
pub struct Questions {
    /// Questions of local groups (those whose times are kept).
    pub asked: i64,
    /// Replied to by someone other than the asker.
    pub answered: i64,
    /// With an accepted answer.
    pub solved: i64,
    /// Still without a reply from anyone but the asker.
    pub unanswered: i64,
    /// Reached the moderators at least once.
    pub escalated: i64,
    pub share_answered: Option<f64>,
    pub share_solved: Option<f64>,
    pub first_reply: Spread,
    pub accepted: Spread,
}

#[derive(Debug, Clone)]
pub struct Contributor {
    pub person: Person,
    pub threads_and_comments: i64,
}

#[derive(Debug, Clone)]
pub struct TopThread {
    pub id: i64,
    pub title: String,
    pub comments: i64,
    pub votes: i64,
}

#[derive(Debug, Clone)]
pub struct ServerShare {
    pub domain: String,
    pub local: bool,
    pub active: i64,
    pub threads: i64,
    pub comments: i64,
    pub votes: i64,
}

#[derive(Debug, Clone)]
pub struct Cohort {
    /// The Monday of the week they joined.
    pub week: NaiveDate,
    pub members: i64,
    /// Share active in each following week (1 to 8), for the weeks that
    /// have begun.
    pub retained: Vec<f64>,
}

/// Everything a dashboard shows.
#[derive(Debug, Clone)]
pub struct Figures {
    pub group: Option<Group>,
    pub range: Range,
    pub new_members: i64,
    pub active: i64,
    pub dau: f64,
    pub wau: i64,
    pub mau: i64,
    pub threads: i64,
    pub comments: i64,
    pub votes: i64,
    pub questions_asked: i64,
    pub questions: Questions,
    pub series: Vec<Point>,
    pub contributors: Vec<Contributor>,
    pub top_threads: Vec<TopThread>,
    pub servers: Vec<ServerShare>,
    pub cohorts: Vec<Cohort>,
}

impl Questions {
    /// The figures of these questions' times (seconds, whole, from the
    /// asking to the first reply and to the accepted answer).
    pub fn of(questions: &[rows::QuestionRow]) -> Questions {
        let mut q = Questions::default();
        let mut to_reply = Vec::new();
        let mut to_accept = Vec::new();
        for &(asked, replied, accepted, state, escalated) in questions {
            q.asked += 1;
            if let Some(r) = replied {
                q.answered += 1;
                to_reply.push((r - asked).num_seconds());
            }
            if let Some(a) = accepted {
                q.solved += 1;
                to_accept.push((a - asked).num_seconds());
            }
            q.unanswered += i64::from(state.unanswered());
            q.escalated += i64::from(escalated.is_some());
        }
        q.share_answered = share(q.answered, q.asked);
        q.share_solved = share(q.solved, q.asked);
        q.first_reply = Spread::of(to_reply);
        q.accepted = Spread::of(to_accept);
        q
    }
}

/// Of a cohort that joined in the week beginning `week` (a day number),
/// the share active in each of the `begun` following weeks, given the
/// (person, day) pairs of activity of its members.
pub fn retention(members: usize, week: i64, begun: usize, active: &[(i64, i64)]) -> Vec<f64> {
    let mut weeks: Vec<HashSet<i64>> = vec![HashSet::new(); begun];
    for &(person, day) in active {
        let k = (day - week).div_euclid(7) - 1;
        if let Some(set) = usize::try_from(k).ok().and_then(|k| weeks.get_mut(k)) {
            set.insert(person);
        }
    }
    weeks
        .iter()
        .map(|s| share(s.len() as i64, members as i64).unwrap_or(0.0))
        .collect()
}

/// Whether `actor` may read the figures of `group` (None: the instance's):
/// the group's moderators their group; admins, instance moderators and
/// staff everything. Visibility of a club is checked apart (a club is
/// "not found" to whoever does not see inside it).
pub fn may_read(conn: &mut DbConn, actor: &Actor, group: Option<&Group>) -> Result<bool> {
    if is_staff(actor) || privacy::moderates_instance(actor) {
        return Ok(true);
    }
    match group {
        Some(g) => can_moderate(conn, actor, g),
        None => Ok(false),
    }
}

/// Whether `principal` may read the figures of `group` (None: the
/// instance's), and who they are to the club rule. A person goes by
/// `may_read`; an integration token holding `analytics:read` reads as
/// staff do, but it is nobody's member, so it sees no club from inside.
fn reader<'a>(
    conn: &mut DbConn,
    principal: &'a Principal,
    group: Option<&Group>,
) -> Result<(bool, Viewer<'a>)> {
    match principal.person() {
        Some(actor) => Ok((may_read(conn, actor, group)?, Viewer::Account(actor))),
        None => Ok((
            principal.holds(TokenScope::AnalyticsRead),
            Viewer::Anonymous,
        )),
    }
}

/// The scope of `group` (None: the instance) for `principal`, or why not.
fn scope_for(
    conn: &mut DbConn,
    principal: &Principal,
    group: Option<&str>,
) -> Result<(Option<Group>, Scope)> {
    match group {
        Some(handle) => {
            let g = find_group(conn, handle)?;
            let (may, viewer) = reader(conn, principal, Some(&g))?;
            if privacy::sight(conn, viewer, &g)? == Sight::Outside {
                return Err(Error::not_found(format!("no group {handle}")));
            }
            if !may {
                return Err(Error::forbidden(format!(
                    "only the moderators of {} and staff (or a token with the scope {}) read its analytics",
                    g.name,
                    TokenScope::AnalyticsRead
                )));
            }
            let scope = Scope::Group(g.id);
            Ok((Some(g), scope))
        }
        None => {
            if !reader(conn, principal, None)?.0 {
                return Err(Error::forbidden(format!(
                    "the instance's analytics are for staff and admins (or a token with the scope {}); moderators read their group's",
                    TokenScope::AnalyticsRead
                )));
            }
            Ok((
                None,
                Scope::Instance {
                    clubs: rows::club_ids(conn)?,
                },
            ))
        }
    }
}

/// The figures of `group` (None: the instance) over `range`.
pub async fn figures(
    app: &App,
    principal: &Principal,
    group: Option<&str>,
    range: Range,
) -> Result<Figures> {
    let (principal, group) = (principal.clone(), group.map(str::to_string));
    app.store
        .run(move |conn| {
            let (group, scope) = scope_for(conn, &principal, group.as_deref())?;
            compute(conn, group, &scope, range, crate::store::now())
        })
        .await
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn compute(
    conn: &mut DbConn,
    group: Option<Group>,
    scope: &Scope,
    range: Range,
    now: NaiveDateTime,
) -> Result<Figures> {
    let (first, last) = (range.first(), range.last());
    let (since, until) = (midnight(first), midnight(last + 1));
    let day_rows = rows::days(conn, scope, first, last)?;
    let mut series: Vec<Point> = Vec::new();
    for (a, b) in range.buckets() {
        let mut p = Point {
            from: date_of(a),
            to: date_of(b),
            active: rows::active(conn, scope, a, b)?,
            ..Point::default()
        };
        for r in day_rows.iter().filter(|r| r.day >= a && r.day <= b) {
            p.new_members += r.new_members;
            p.threads += r.threads;
            p.comments += r.comments;
            p.votes += r.votes;
            p.questions += r.questions;
        }
        series.push(p);
    }
    let sum = |f: fn(&DayRow) -> i64| day_rows.iter().map(f).sum::<i64>();
    let daily: i64 = rows::active_by_day(conn, scope, first, last)?
        .iter()
        .map(|(_, n)| n)
        .sum();
    let days = last - first + 1;

    let q = Questions::of(&rows::questions(conn, scope, since, until)?);

    let top = rows::contributors(conn, scope, first, last, TOP)?;
    let ids: Vec<i64> = top.iter().map(|t| t.0).collect();
    let people: HashMap<i64, Person> = people_rows::by_ids(conn, &ids)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let contributors = top
        .into_iter()
        .filter_map(|(id, n)| {
            people.get(&id).map(|p| Contributor {
                person: p.clone(),
                threads_and_comments: n,
            })
        })
        .collect();
    let top_threads = rows::top_threads(conn, scope, since, until, TOP)?
        .into_iter()
        .map(|(id, title, comments, votes)| TopThread {
            id,
            title,
            comments,
            votes,
        })
        .collect();
    let mut servers = Vec::new();
    for (instance, active, threads, comments, votes) in rows::servers(conn, scope, first, last)? {
        let i = instances::by_id(conn, instance)?;
        servers.push(ServerShare {
            domain: i.domain,
            local: i.local,
            active,
            threads,
            comments,
            votes,
        });
    }
    // This server first, then the most active.
    servers.sort_by(|a, b| {
        b.local
            .cmp(&a.local)
            .then(b.active.cmp(&a.active))
            .then(a.domain.cmp(&b.domain))
    });

    Ok(Figures {
        group,
        range,
        new_members: sum(|r| r.new_members),
        active: rows::active(conn, scope, first, last)?,
        dau: daily as f64 / days as f64,
        wau: rows::active(conn, scope, last - 6, last)?,
        mau: rows::active(conn, scope, last - 29, last)?,
        threads: sum(|r| r.threads),
        comments: sum(|r| r.comments),
        votes: sum(|r| r.votes),
        questions_asked: sum(|r| r.questions),
        questions: q,
        series,
        contributors,
        top_threads,
        servers,
        cohorts: cohorts(conn, scope, range, now)?,
    })
}

/// The Monday of a day's ISO week.
fn monday(day: i64) -> i64 {
    day - i64::from(date_of(day).weekday().num_days_from_monday())
}

/// Of the members who joined the scope in each ISO week that begins in
/// the range (for the instance: whose first membership of a group that
/// is not a club began then), the share active in the scope in each of
/// the 8 following weeks that have begun by `now`.
fn cohorts(
    conn: &mut DbConn,
    scope: &Scope,
    range: Range,
    now: NaiveDateTime,
) -> Result<Vec<Cohort>> {
    let (first, last) = (range.first(), range.last());
    let first_week = if monday(first) == first {
        first
    } else {
        monday(first) + 7
    };
    if first_week > last {
        return Ok(Vec::new());
    }
    let last_week = monday(last);
    let joined = rows::joined(conn, scope, midnight(first_week), midnight(last_week + 7))?;
    let mut first_join: HashMap<i64, i64> = HashMap::new();
    for (person, at) in joined {
        let d = day_of(at);
        first_join
            .entry(person)
            .and_modify(|e| *e = (*e).min(d))
            .or_insert(d);
    }
    let people: Vec<i64> = first_join.keys().copied().collect();
    let earlier: HashSet<i64> = rows::members_before(conn, scope, &people, midnight(first_week))?
        .into_iter()
        .collect();
    let mut weeks: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (person, d) in first_join {
        if !earlier.contains(&person) {
            weeks.entry(monday(d)).or_default().push(person);
        }
    }
    let this_week = monday(day_of(now));
    let mut out = Vec::new();
    let mut week = first_week;
    while week <= last_week {
        let members = weeks.remove(&week).unwrap_or_default();
        let begun = ((this_week - week) / 7).clamp(0, COHORT_WEEKS as i64) as usize;
        let mut active = Vec::new();
        if begun > 0 && !members.is_empty() {
            let span_end = week + 7 * (begun as i64 + 1) - 1;
            active = rows::active_days_of(conn, scope, &members, week + 7, span_end)?;
        }
        out.push(Cohort {
            week: date_of(week),
            members: members.len() as i64,
            retained: retention(members.len(), week, begun, &active),
        });
        week += 7;
    }
    Ok(out)
}

/// Recomputes the rollups now (admins), as the job does.
pub async fn recompute(app: &App, actor: &Actor) -> Result<i64> {
    if !(actor.is_admin() && actor.person.local) {
        return Err(Error::forbidden("only admins recompute analytics"));
    }
    app.store
        .run(|conn| roll_up(conn, crate::store::now()))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        // 10 values: the median is the 5th, the 90th percentile the 9th.
        let v: Vec<i64> = (1..=10).map(|i| i * 10).collect();
        assert_eq!(nearest_rank(&v, 50), Some(50));
        assert_eq!(nearest_rank(&v, 90), Some(90));
        // 3 values: ranks ⌈1.5⌉ = 2 and ⌈2.7⌉ = 3.
        assert_eq!(nearest_rank(&[5, 7, 100], 50), Some(7));
        assert_eq!(nearest_rank(&[5, 7, 100], 90), Some(100));
        assert_eq!(nearest_rank(&[42], 90), Some(42));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    fn at(secs: i64) -> NaiveDateTime {
        midnight(20_000) + Duration::seconds(secs)
    }

    #[test]
    fn question_figures_by_hand() {
        use crate::store::escalation::EscalationState as S;
        // Five questions asked at 0 s; replies after 60, 120, 300, 600
        // and 3600 s for four of them; two accepted after 900 and 100 s.
        let rows = vec![
            (
                at(0),
                Some(at(3600)),
                Some(at(3700)),
                S::Accepted,
                Some(at(1800)),
            ),
            (at(0), Some(at(60)), None, S::Replied, None),
            (at(0), Some(at(600)), Some(at(900)), S::Accepted, None),
            (at(0), Some(at(120)), None, S::Replied, None),
            (at(0), None, None, S::Escalated, Some(at(1800))),
        ];
        let q = Questions::of(&rows);
        assert_eq!((q.asked, q.answered, q.solved), (5, 4, 2));
        assert_eq!((q.unanswered, q.escalated), (1, 2));
        assert_eq!(q.share_answered, Some(0.8));
        assert_eq!(q.share_solved, Some(0.4));
        // Sorted replies 60, 120, 600, 3600: the median is rank ⌈2⌉ = 2
        // (120), the 90th percentile rank ⌈3.6⌉ = 4 (3600).
        assert_eq!(q.first_reply.median, Some(120));
        assert_eq!(q.first_reply.p90, Some(3600));
        // Accepted after 900 and 3700: ranks 1 and 2.
        assert_eq!(q.accepted.median, Some(900));
        assert_eq!(q.accepted.p90, Some(3700));
    }

    #[test]
    fn retention_by_hand() {
        // A cohort of 4 joined in the week of day 700 (a Monday? any
        // day number: weeks are counted from it); 3 weeks have begun.
        let week = 700;
        let active = [
            (1, 703), // the joining week itself: not counted
            (1, 707), // week 1
            (2, 708), // week 1
            (2, 709), // week 1 again: counted once
            (1, 715), // week 2
            (3, 725), // week 3
            (4, 730), // week 4: not begun
        ];
        assert_eq!(retention(4, week, 3, &active), [0.5, 0.25, 0.25]);
        assert!(retention(0, week, 2, &[]).iter().all(|s| *s == 0.0));
    }

    #[test]
    fn buckets_follow_iso_weeks_and_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        // 2026-12-02 is a Wednesday; ISO weeks begin on Mondays.
        let r = Range::new(
            Some(d(2026, 12, 2)),
            Some(d(2026, 12, 15)),
            Some(Granularity::Week),
            d(2026, 12, 31),
        )
        .expect("range");
        let b: Vec<(NaiveDate, NaiveDate)> = r
            .buckets()
            .iter()
            .map(|(a, b)| (date_of(*a), date_of(*b)))
            .collect();
        assert_eq!(
            b,
            [
                (d(2026, 12, 2), d(2026, 12, 6)),
                (d(2026, 12, 7), d(2026, 12, 13)),
                (d(2026, 12, 14), d(2026, 12, 15)),
            ]
        );
        let r = Range::new(
            Some(d(2026, 11, 20)),
            Some(d(2027, 1, 3)),
            Some(Granularity::Month),
            d(2027, 1, 3),
        )
        .expect("range");
        let b: Vec<(NaiveDate, NaiveDate)> = r
            .buckets()
            .iter()
            .map(|(a, b)| (date_of(*a), date_of(*b)))
            .collect();
        assert_eq!(
            b,
            [
                (d(2026, 11, 20), d(2026, 11, 30)),
                (d(2026, 12, 1), d(2026, 12, 31)),
                (d(2027, 1, 1), d(2027, 1, 3)),
            ]
        );
        assert!(Range::new(
            Some(d(2026, 12, 2)),
            Some(d(2026, 12, 1)),
            None,
            d(2026, 12, 2)
        )
        .is_err());
    }
}

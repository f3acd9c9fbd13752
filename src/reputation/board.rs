//! Reading reputation: a person's standing, badges and ledger, and the
//! leaderboards of a group and of the whole server.

use super::ledger::summary_of;
use super::ranks::next_rank;
use super::settings::Rank;
use crate::community::privacy::{self, Viewer};
use crate::community::{can_read, find_group, find_person, Actor};
use crate::error::{Error, Result};
use crate::store::people::{self, Person};
use crate::store::reputation::{self as rows, BadgeRow, Event, Summary};
use crate::store::{now, DbConn};
use crate::App;
use chrono::Duration;

/// A person's standing as the API shows it.
#[derive(Debug, Clone)]
pub struct Standing {
    pub summary: Summary,
    pub next_rank: Option<Rank>,
    pub badges: Vec<BadgeRow>,
}

pub fn standing(conn: &mut DbConn, app: &App, person: &Person) -> Result<Standing> {
    let cfg = &app.config.reputation;
    let summary = summary_of(conn, cfg, person)?;
    Ok(Standing {
        next_rank: next_rank(&cfg.ranks, &summary.rank).cloned(),
        badges: rows::badges(conn, person.id)?,
        summary,
    })
}

/// A page of a person's ledger, newest first.
pub struct History {
    pub person: Person,
    pub standing: Standing,
    pub events: Vec<Event>,
    pub next_cursor: Option<i64>,
}

/// A page of the ledger as `viewer` may see it: an event about a thread or
/// comment in a club the viewer sees from outside (see `privacy`) is kept,
/// since it counts in the public total, without what it is about.
pub async fn history(
    app: &App,
    viewer: Option<&Actor>,
    handle: &str,
    before: Option<i64>,
) -> Result<History> {
    let (handle, app2, viewer) = (handle.to_string(), app.clone(), viewer.cloned());
    let limit = app.config.limits.page_size;
    app.store
        .run(move |conn| {
            let person = find_person(conn, &handle)?;
            let mut events = rows::history(conn, person.id, before, limit)?;
            let next_cursor = if events.len() as i64 == limit {
                events.last().map(|e| e.id)
            } else {
                None
            };
            let unseen = privacy::unseen_clubs(conn, Viewer::account(viewer.as_ref()))?;
            for e in events
                .iter_mut()
                .filter(|e| e.group_id.is_some_and(|g| unseen.contains(&g)))
            {
                e.post_id = None;
                e.comment_id = None;
                e.group_id = None;
            }
            Ok(History {
                standing: standing(conn, &app2, &person)?,
                person,
                events,
                next_cursor,
            })
        })
        .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    All,
}

impl Period {
    pub fn parse(s: Option<&str>) -> Result<Period> {
        match s.unwrap_or("week") {
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            "all" => Ok(Period::All),
            other => Err(Error::bad_request(format!(
                "period must be week, month or all; got {other:?}"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::All => "all",
        }
    }
}

pub struct Leader {
    pub person: Person,
    /// Points gained in the period (in the group, for a group's board).
    pub points: i64,
    pub rank: String,
}

/// The top people by points gained in the period, in `group` (a handle)
/// or on the whole server. A club's board is for its members.
pub async fn leaderboard(
    app: &App,
    viewer: Option<&Actor>,
    group: Option<&str>,
    period: Period,
) -> Result<Vec<Leader>> {
    let (group, viewer, app2) = (group.map(str::to_string), viewer.cloned(), app.clone());
    let limit = app.config.limits.page_size;
    app.store
        .run(move |conn| {
            let group_id = match group {
                Some(handle) => {
                    let g = find_group(conn, &handle)?;
                    if !can_read(conn, viewer.as_ref(), &g)? {
                        return Err(Error::forbidden("only members see a club's leaderboard"));
                    }
                    Some(g.id)
                }
                None => None,
            };
            let since = match period {
                Period::Week => now() - Duration::days(7),
                Period::Month => now() - Duration::days(30),
                Period::All => chrono::DateTime::UNIX_EPOCH.naive_utc(),
            };
            let top = rows::leaderboard(conn, since, group_id, limit)?;
            let ids: Vec<i64> = top.iter().map(|(p, _)| *p).collect();
            let mut people = people::by_ids(conn, &ids)?;
            top.into_iter()
                .filter_map(|(id, points)| {
                    let i = people.iter().position(|p| p.id == id)?;
                    Some((people.swap_remove(i), points))
                })
                .map(|(person, points)| {
                    let rank = summary_of(conn, &app2.config.reputation, &person)?.rank;
                    Ok(Leader {
                        person,
                        points,
                        rank,
                    })
                })
                .collect()
        })
        .await
}

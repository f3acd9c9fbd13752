//! Content hidden pending review when its open reports weigh enough: each
//! report (a flag) weighs by who made it (moderators fully, members by
//! their rank), and once the sum reaches `moderation.flag_threshold` the
//! thread or comment is held for review.
//!
//! Reports from another server count as that server's one voice, however
//! many of its people (or its instance actor) sent them: a server's accounts
//! cost it nothing to make, so counting them one by one would let one server
//! hide anything here.

use std::collections::{BTreeSet, HashMap};

use crate::community::{is_group_moderator, InstanceRole};
use crate::config::Config;
use crate::error::Result;
use crate::reputation::settings::Rank;
use crate::store::comments::{self as comment_rows, CommentChange};
use crate::store::groups as group_rows;
use crate::store::instances;
use crate::store::people;
use crate::store::posts::{self as post_rows, PostChange};
use crate::store::reports::{self, Report};
use crate::store::reputation as reputation_rows;
use crate::store::DbConn;

/// What one other server's reports about a thread or comment weigh
/// together, times its vote weight: half a Newcomer's report, so that a
/// server never weighs like a trusted member here.
pub const REMOTE_FLAG_WEIGHT: f64 = 0.5;

/// What decides how much flags weigh.
#[derive(Debug, Clone)]
pub struct FlagRules {
    pub threshold: u32,
    pub ranks: Vec<Rank>,
    /// Whether other servers' reports alone may hide content.
    pub remote_alone_hides: bool,
}

impl FlagRules {
    pub fn new(config: &Config) -> FlagRules {
        FlagRules {
            threshold: config.moderation.flag_threshold,
            ranks: config.reputation.ranks.clone(),
            remote_alone_hides: config.moderation.remote_flags_hide,
        }
    }
}

/// Whose voice a report is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Voice {
    /// Made here automatically (watched words): asks for attention only.
    Automatic,
    /// A person this server trusts: a local member, or a moderator of the
    /// group (who was made one here); counted once per person.
    Member { person_id: i64, weight: f64 },
    /// Another server: its people and its instance actor alike, counted
    /// once per server.
    Server(i64),
}

/// Whose voice `report` is, and for a member how much it weighs.
/// Moderators' and admins' flags count fully (they hide at once), and so do
/// those of ranks that `hides_at_once`; other local members' count their
/// rank's `flag_weight` (1 for a person with no reputation yet).
pub fn voice(
    conn: &mut DbConn,
    rules: &FlagRules,
    report: &Report,
    local_instance_id: i64,
) -> Result<Voice> {
    let remote = report.origin_instance_id != local_instance_id;
    let Some(reporter) = report.reporter_id else {
        return Ok(if remote {
            Voice::Server(report.origin_instance_id)
        } else {
            Voice::Automatic
        });
    };
    let staff = people::local_user_by_person(conn, reporter)?
        .is_some_and(|u| matches!(u.role, InstanceRole::Admin | InstanceRole::Moderator));
    let moderator = match report.group_id {
        Some(g) => is_group_moderator(group_rows::membership(conn, reporter, g)?.as_ref()),
        None => false,
    };
    let member = |weight| Voice::Member {
        person_id: reporter,
        weight,
    };
    if staff || moderator {
        return Ok(member(f64::INFINITY));
    }
    if remote {
        return Ok(Voice::Server(report.origin_instance_id));
    }
    let rank = reputation_rows::summary(conn, reporter)?
        .and_then(|s| rules.ranks.iter().find(|r| r.name == s.rank).cloned());
    Ok(member(match rank {
        Some(r) if r.hides_at_once => f64::INFINITY,
        Some(r) => r.flag_weight,
        None => 1.0,
    }))
}

/// What one server's reports weigh together: its vote weight times
/// `REMOTE_FLAG_WEIGHT`; nothing when it is silenced or blocked here.
fn server_weight(conn: &mut DbConn, instance_id: i64) -> Result<f64> {
    let server = instances::by_id(conn, instance_id)?;
    Ok(if server.policy.weighs_nothing() {
        0.0
    } else {
        server.vote_weight.max(0.0) * REMOTE_FLAG_WEIGHT
    })
}

/// The open reports of one thread or comment, weighed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// The members' reports: each person's heaviest, summed.
    pub members: f64,
    /// The other servers': each server once, summed.
    pub servers: f64,
}

impl Tally {
    pub fn of(
        conn: &mut DbConn,
        rules: &FlagRules,
        open: &[Report],
        local_instance_id: i64,
    ) -> Result<Tally> {
        let mut members: HashMap<i64, f64> = HashMap::new();
        let mut servers = BTreeSet::new();
        for r in open {
            match voice(conn, rules, r, local_instance_id)? {
                Voice::Automatic => {}
                Voice::Member { person_id, weight } => {
                    let w = members.entry(person_id).or_insert(0.0);
                    *w = w.max(weight);
                }
                Voice::Server(id) => {
                    servers.insert(id);
                }
            }
        }
        let mut tally = Tally {
            members: members.values().sum(),
            servers: 0.0,
        };
        for id in servers {
            tally.servers += server_weight(conn, id)?;
        }
        Ok(tally)
    }

    /// Whether these reports hide the content: they reach the threshold
    /// (0: never), and a member here is among them unless the admin lets
    /// other servers' reports alone hide content.
    pub fn hides(&self, rules: &FlagRules) -> bool {
        rules.threshold > 0
            && self.members + self.servers >= f64::from(rules.threshold)
            && (self.members > 0.0 || rules.remote_alone_hides)
    }
}

/// Holds the reported thread or comment for review when its open reports,
/// weighed (`Tally`), hide it. Returns whether it was held now.
pub fn hide_when_flagged(
    conn: &mut DbConn,
    rules: &FlagRules,
    local_instance_id: i64,
    post_id: Option<i64>,
    comment_id: Option<i64>,
) -> Result<bool> {
    if rules.threshold == 0 {
        return Ok(false);
    }
    let post_id = match (post_id, comment_id) {
        (Some(p), _) => p,
        (None, Some(c)) => comment_rows::by_id(conn, c)?.post_id,
        (None, None) => return Ok(false),
    };
    let open = reports::open_about(conn, post_id, comment_id)?;
    if !Tally::of(conn, rules, &open, local_instance_id)?.hides(rules) {
        return Ok(false);
    }
    match comment_id {
        None => {
            let post = post_rows::by_id(conn, post_id)?;
            if post.held || post.removed || post.deleted {
                return Ok(false);
            }
            post_rows::update(
                conn,
                post_id,
                &PostChange {
                    held: Some(true),
                    ..PostChange::default()
                },
            )?;
            group_rows::add_post_count(conn, post.group_id, -1)?;
        }
        Some(id) => {
            let c = comment_rows::by_id(conn, id)?;
            if c.held || c.removed || c.deleted {
                return Ok(false);
            }
            comment_rows::update(
                conn,
                id,
                &CommentChange {
                    held: Some(true),
                    ..CommentChange::default()
                },
            )?;
            let post = post_rows::by_id(conn, post_id)?;
            post_rows::add_comment(conn, post_id, -1, post.last_activity_at)?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(threshold: u32, remote_alone_hides: bool) -> FlagRules {
        FlagRules {
            threshold,
            ranks: Vec::new(),
            remote_alone_hides,
        }
    }

    fn tally(members: f64, servers: f64) -> Tally {
        Tally { members, servers }
    }

    #[test]
    fn other_servers_alone_hide_only_when_allowed() {
        let many_servers = tally(0.0, 10.0 * REMOTE_FLAG_WEIGHT);
        assert!(!many_servers.hides(&rules(3, false)));
        assert!(many_servers.hides(&rules(3, true)));
    }

    #[test]
    fn servers_add_to_members() {
        assert!(!tally(2.0, REMOTE_FLAG_WEIGHT).hides(&rules(3, false)));
        assert!(tally(2.0, 2.0 * REMOTE_FLAG_WEIGHT).hides(&rules(3, false)));
        assert!(tally(f64::INFINITY, 0.0).hides(&rules(3, false)));
    }

    #[test]
    fn a_threshold_of_zero_never_hides() {
        assert!(!tally(f64::INFINITY, 5.0).hides(&rules(0, true)));
    }
}

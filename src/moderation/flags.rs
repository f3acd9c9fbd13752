//! Content hidden pending review when its open reports weigh enough: each
//! report (a flag) weighs by who made it (moderators fully, members by
//! their rank), and once the sum reaches `moderation.flag_threshold` the
//! thread or comment is held for review.

use crate::community::is_group_moderator;
use crate::config::Config;
use crate::error::Result;
use crate::reputation::settings::Rank;
use crate::store::comments::{self as comment_rows, CommentChange};
use crate::store::groups as group_rows;
use crate::store::people;
use crate::store::posts::{self as post_rows, PostChange};
use crate::store::reports::{self, Report};
use crate::store::reputation as reputation_rows;
use crate::store::DbConn;

/// What decides how much flags weigh.
#[derive(Debug, Clone)]
pub struct FlagRules {
    pub threshold: u32,
    pub ranks: Vec<Rank>,
}

impl FlagRules {
    pub fn new(config: &Config) -> FlagRules {
        FlagRules {
            threshold: config.moderation.flag_threshold,
            ranks: config.reputation.ranks.clone(),
        }
    }
}

/// How much one report counts. Moderators' and admins' flags count fully
/// (they hide at once), and so do those of ranks that `hides_at_once`;
/// other members' count their rank's `flag_weight` (1 for a person with
/// no reputation yet); automatic ones (watched words) only ask for
/// attention.
pub fn weight(
    conn: &mut DbConn,
    rules: &FlagRules,
    report: &Report,
    local_instance_id: i64,
) -> Result<f64> {
    let Some(reporter) = report.reporter_id else {
        return Ok(if report.origin_instance_id == local_instance_id {
            0.0
        } else {
            1.0
        });
    };
    let staff = people::local_user_by_person(conn, reporter)?
        .is_some_and(|u| u.role == "admin" || u.role == "moderator");
    let moderator = match report.group_id {
        Some(g) => is_group_moderator(group_rows::membership(conn, reporter, g)?.as_ref()),
        None => false,
    };
    if staff || moderator {
        return Ok(f64::INFINITY);
    }
    let rank = reputation_rows::summary(conn, reporter)?
        .and_then(|s| rules.ranks.iter().find(|r| r.name == s.rank).cloned());
    Ok(match rank {
        Some(r) if r.hides_at_once => f64::INFINITY,
        Some(r) => r.flag_weight,
        None => 1.0,
    })
}

/// Holds the reported thread or comment for review when its open reports
/// weigh at least `threshold` (0: never). Returns whether it was held now.
pub fn hide_when_flagged(
    conn: &mut DbConn,
    rules: &FlagRules,
    local_instance_id: i64,
    post_id: Option<i64>,
    comment_id: Option<i64>,
) -> Result<bool> {
    let threshold = rules.threshold;
    if threshold == 0 {
        return Ok(false);
    }
    let post_id = match (post_id, comment_id) {
        (Some(p), _) => p,
        (None, Some(c)) => comment_rows::by_id(conn, c)?.post_id,
        (None, None) => return Ok(false),
    };
    let mut total = 0.0;
    for r in reports::open_about(conn, post_id, comment_id)? {
        total += weight(conn, rules, &r, local_instance_id)?;
    }
    if total < f64::from(threshold) {
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

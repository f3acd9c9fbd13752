//! The rank ladder: a person climbs while they meet each rank's minimums
//! of reputation, accepted solutions and days since joining.

use super::settings::Rank;

/// Where a person stands, as the ladder sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    pub reputation: i64,
    pub solutions: i64,
    pub days: i64,
}

fn meets(r: &Rank, s: Standing) -> bool {
    s.reputation >= r.min_reputation && s.solutions >= r.min_solutions && s.days >= r.min_days
}

/// The highest rank reached, climbing from the bottom: a rank whose
/// minimums are not met stops the climb even if a higher one's are.
pub fn rank_for(ladder: &[Rank], s: Standing) -> &str {
    let mut reached = ladder.first().map_or("", |r| r.name.as_str());
    for r in ladder.iter().skip(1) {
        if !meets(r, s) {
            break;
        }
        reached = &r.name;
    }
    reached
}

/// The next rank up, if any.
pub fn next_rank<'a>(ladder: &'a [Rank], current: &str) -> Option<&'a Rank> {
    let i = ladder.iter().position(|r| r.name == current)?;
    ladder.get(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reputation::settings::ReputationConfig;

    fn standing(reputation: i64, solutions: i64, days: i64) -> Standing {
        Standing {
            reputation,
            solutions,
            days,
        }
    }

    #[test]
    fn default_ladder() {
        let c = ReputationConfig::default();
        let l = &c.ranks;
        assert_eq!(rank_for(l, standing(0, 0, 0)), "Newcomer");
        assert_eq!(rank_for(l, standing(-100, 0, 400)), "Newcomer");
        // Member needs 50 points and 3 days.
        assert_eq!(rank_for(l, standing(50, 0, 2)), "Newcomer");
        assert_eq!(rank_for(l, standing(50, 0, 3)), "Member");
        // Contributor needs a solution too.
        assert_eq!(rank_for(l, standing(300, 0, 20)), "Member");
        assert_eq!(rank_for(l, standing(300, 1, 20)), "Contributor");
        assert_eq!(rank_for(l, standing(1000, 10, 30)), "Expert");
        assert_eq!(rank_for(l, standing(25000, 250, 400)), "Master");
    }

    #[test]
    fn the_climb_stops_at_the_first_rank_not_met() {
        let c = ReputationConfig::default();
        // Enough for Mentor on points and solutions, but 5 days old: the
        // Member rank (3 days) is met, Contributor (10 days) is not.
        assert_eq!(rank_for(&c.ranks, standing(6000, 60, 5)), "Member");
    }

    #[test]
    fn next_rank_up() {
        let c = ReputationConfig::default();
        assert_eq!(
            next_rank(&c.ranks, "Newcomer").map(|r| r.name.as_str()),
            Some("Member")
        );
        assert!(next_rank(&c.ranks, "Master").is_none());
        assert!(next_rank(&c.ranks, "Nobody").is_none());
    }
}

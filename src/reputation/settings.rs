//! The `[reputation]` settings: points per event, daily caps, the serial
//! voting limit and the rank ladder with its privileges.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReputationConfig {
    pub points: Points,
    /// Most points one person gains from votes in a day (UTC).
    pub daily_vote_cap: i64,
    /// Most points one person gains in a day from the votes of any one
    /// other server.
    pub daily_instance_cap: i64,
    /// One voter's votes for one author in 24 hours beyond which the daily
    /// job reverses all of them.
    pub serial_vote_limit: u32,
    /// Ranks whose members are limited as new accounts are (posts per
    /// hour, no links).
    pub newcomer_ranks: Vec<String>,
    /// The ladder, lowest first: a rank is reached when its minimums and
    /// those of every rank below it are met.
    pub ranks: Vec<Rank>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Points {
    pub upvote: i64,
    /// An upvote on an answer (a comment in a question thread).
    pub upvote_answer: i64,
    pub downvote: i64,
    /// Paid by the voter for a downvote on a comment.
    pub downvote_cast: i64,
    pub solution: i64,
    /// To the question's author when an answer is accepted.
    pub solution_accepter: i64,
    pub kudos: i64,
    pub removed: i64,
    pub report_upheld: i64,
    /// To an idea's author when it moves to "planned" (once per idea).
    pub idea_planned: i64,
    /// To an idea's author when it ships (once per idea).
    pub idea_shipped: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rank {
    pub name: String,
    #[serde(default)]
    pub min_reputation: i64,
    #[serde(default)]
    pub min_solutions: i64,
    #[serde(default)]
    pub min_days: i64,
    /// How much a report by a member of this rank weighs.
    #[serde(default = "one")]
    pub flag_weight: f64,
    /// A report by a member of this rank hides the content at once,
    /// pending review.
    #[serde(default)]
    pub hides_at_once: bool,
}

fn one() -> f64 {
    1.0
}

impl Default for Points {
    fn default() -> Self {
        Points {
            upvote: 5,
            upvote_answer: 10,
            downvote: -2,
            downvote_cast: -1,
            solution: 15,
            solution_accepter: 2,
            kudos: 10,
            removed: -20,
            report_upheld: -50,
            idea_planned: 20,
            idea_shipped: 50,
        }
    }
}

fn rank(name: &str, rep: i64, solutions: i64, days: i64, weight: f64, hides: bool) -> Rank {
    Rank {
        name: name.into(),
        min_reputation: rep,
        min_solutions: solutions,
        min_days: days,
        flag_weight: weight,
        hides_at_once: hides,
    }
}

impl Default for ReputationConfig {
    fn default() -> Self {
        ReputationConfig {
            points: Points::default(),
            daily_vote_cap: 200,
            daily_instance_cap: 100,
            serial_vote_limit: 10,
            newcomer_ranks: vec!["Newcomer".into()],
            ranks: vec![
                rank("Newcomer", 0, 0, 0, 1.0, false),
                rank("Member", 50, 0, 3, 1.0, false),
                rank("Contributor", 250, 1, 10, 1.5, false),
                rank("Expert", 1000, 10, 30, 2.0, true),
                rank("Mentor", 5000, 50, 30, 2.0, true),
                rank("Master", 20000, 200, 30, 2.0, true),
            ],
        }
    }
}

impl ReputationConfig {
    /// The first problem found, as (key, problem).
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if self.daily_vote_cap < 0 || self.daily_instance_cap < 0 {
            return Some((
                "reputation.daily_vote_cap",
                "caps cannot be negative".into(),
            ));
        }
        if self.serial_vote_limit == 0 {
            return Some(("reputation.serial_vote_limit", "must be at least 1".into()));
        }
        let Some(first) = self.ranks.first() else {
            return Some((
                "reputation.ranks",
                "the ladder needs at least one rank".into(),
            ));
        };
        if first.min_reputation != 0 || first.min_solutions != 0 || first.min_days != 0 {
            return Some((
                "reputation.ranks",
                format!(
                    "the first rank ({}) must need nothing: every minimum 0",
                    first.name
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for r in &self.ranks {
            if r.name.trim().is_empty() || r.name.chars().count() > 50 {
                return Some((
                    "reputation.ranks",
                    "a rank name has 1 to 50 characters".into(),
                ));
            }
            if !seen.insert(r.name.as_str()) {
                return Some((
                    "reputation.ranks",
                    format!("rank {:?} appears twice", r.name),
                ));
            }
            if !(r.flag_weight.is_finite() && r.flag_weight >= 0.0) {
                return Some((
                    "reputation.ranks",
                    format!("rank {:?}: flag_weight must be 0 or more", r.name),
                ));
            }
        }
        if let Some(n) = self
            .newcomer_ranks
            .iter()
            .find(|n| !seen.contains(n.as_str()))
        {
            return Some((
                "reputation.newcomer_ranks",
                format!("{n:?} is not a rank of reputation.ranks"),
            ));
        }
        None
    }

    pub fn rank(&self, name: &str) -> Option<&Rank> {
        self.ranks.iter().find(|r| r.name == name)
    }

    pub fn lowest_rank(&self) -> &str {
        self.ranks.first().map_or("", |r| r.name.as_str())
    }
}

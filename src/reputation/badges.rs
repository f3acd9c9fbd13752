//! Badges: fixed rules over a person's record, each awarded once.

/// What the badge rules look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Record {
    pub solutions: i64,
    pub upvotes: i64,
    pub days: i64,
    pub reputation: i64,
}

pub struct Badge {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    earned: fn(&Record) -> bool,
}

pub const BADGES: &[Badge] = &[
    Badge {
        name: "first_solution",
        title: "First solution",
        description: "An answer accepted as the solution",
        earned: |r| r.solutions >= 1,
    },
    Badge {
        name: "ten_solutions",
        title: "Problem solver",
        description: "10 answers accepted as solutions",
        earned: |r| r.solutions >= 10,
    },
    Badge {
        name: "hundred_solutions",
        title: "Guru",
        description: "100 answers accepted as solutions",
        earned: |r| r.solutions >= 100,
    },
    Badge {
        name: "first_upvote",
        title: "Appreciated",
        description: "A first upvote received",
        earned: |r| r.upvotes >= 1,
    },
    Badge {
        name: "hundred_upvotes",
        title: "Valued",
        description: "100 upvotes received",
        earned: |r| r.upvotes >= 100,
    },
    Badge {
        name: "thousand_reputation",
        title: "Trusted voice",
        description: "1,000 reputation",
        earned: |r| r.reputation >= 1000,
    },
    Badge {
        name: "one_year",
        title: "One year",
        description: "A member for a year",
        earned: |r| r.days >= 365,
    },
];

/// The names of every badge this record earns.
pub fn earned(r: &Record) -> Vec<&'static str> {
    BADGES
        .iter()
        .filter(|b| (b.earned)(r))
        .map(|b| b.name)
        .collect()
}

pub fn by_name(name: &str) -> Option<&'static Badge> {
    BADGES.iter().find(|b| b.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_for_nothing() {
        assert!(earned(&Record::default()).is_empty());
    }

    #[test]
    fn thresholds() {
        let r = Record {
            solutions: 10,
            upvotes: 99,
            days: 365,
            reputation: 999,
        };
        assert_eq!(
            earned(&r),
            [
                "first_solution",
                "ten_solutions",
                "first_upvote",
                "one_year"
            ]
        );
        let r = Record {
            upvotes: 100,
            reputation: 1000,
            ..Record::default()
        };
        assert_eq!(
            earned(&r),
            ["first_upvote", "hundred_upvotes", "thousand_reputation"]
        );
    }

    #[test]
    fn every_badge_has_a_unique_name_and_is_found() {
        let mut names: Vec<_> = BADGES.iter().map(|b| b.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), BADGES.len());
        assert!(by_name("one_year").is_some());
        assert!(by_name("nope").is_none());
    }
}

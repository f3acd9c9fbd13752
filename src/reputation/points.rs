//! What one vote is worth: the points by kind, the voter's server's weight
//! and the daily caps.

use super::settings::Points;

/// Points for the author (and for the voter) of one vote, before weight and
/// caps. `on_answer`: the target is a comment in a question thread;
/// `on_comment`: any comment (a downvote there costs the voter).
pub fn vote_points(p: &Points, value: i32, on_comment: bool, on_answer: bool) -> (i64, i64) {
    match value {
        1 if on_answer => (p.upvote_answer, 0),
        1 => (p.upvote, 0),
        -1 if on_comment => (p.downvote, p.downvote_cast),
        -1 => (p.downvote, 0),
        _ => (0, 0),
    }
}

/// Points scaled by the weight of the voter's server, rounded half away
/// from zero (weight 0.5 makes an upvote of 5 worth 3).
pub fn weighted(points: i64, weight: f64) -> i64 {
    if !(weight.is_finite() && weight > 0.0) {
        return 0;
    }
    (points as f64 * weight).round() as i64
}

/// Vote gains already counted today for the author: in all, and from the
/// voter's server (`None` for local voters, who are under the person cap
/// only).
#[derive(Debug, Clone, Copy, Default)]
pub struct Today {
    pub total: i64,
    pub from_instance: Option<i64>,
}

/// The part of a gain that fits under the caps. Losses are never capped.
pub fn capped(raw: i64, today: Today, person_cap: i64, instance_cap: i64) -> i64 {
    if raw <= 0 {
        return raw;
    }
    let mut room = (person_cap - today.total).max(0);
    if let Some(from) = today.from_instance {
        room = room.min((instance_cap - from).max(0));
    }
    raw.min(room)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_points_by_vote_kind() {
        let p = Points::default();
        assert_eq!(vote_points(&p, 1, false, false), (5, 0));
        assert_eq!(vote_points(&p, 1, true, false), (5, 0));
        assert_eq!(vote_points(&p, 1, true, true), (10, 0));
        assert_eq!(vote_points(&p, -1, false, false), (-2, 0));
        assert_eq!(vote_points(&p, -1, true, true), (-2, -1));
        assert_eq!(vote_points(&p, 0, true, true), (0, 0));
    }

    #[test]
    fn weight_scales_and_rounds() {
        assert_eq!(weighted(5, 1.0), 5);
        assert_eq!(weighted(5, 2.0), 10);
        assert_eq!(weighted(5, 0.5), 3);
        assert_eq!(weighted(-2, 0.5), -1);
        assert_eq!(weighted(5, 0.0), 0);
        assert_eq!(weighted(5, -1.0), 0);
        assert_eq!(weighted(5, f64::NAN), 0);
    }

    #[test]
    fn person_cap_holds() {
        let t = |total| Today {
            total,
            from_instance: None,
        };
        assert_eq!(capped(5, t(0), 200, 100), 5);
        assert_eq!(capped(5, t(198), 200, 100), 2);
        assert_eq!(capped(5, t(200), 200, 100), 0);
        assert_eq!(capped(5, t(250), 200, 100), 0);
        // Local voters are not under the per-server cap.
        assert_eq!(capped(10, t(150), 200, 100), 10);
    }

    #[test]
    fn instance_cap_holds_under_the_person_cap() {
        let t = |total, from| Today {
            total,
            from_instance: Some(from),
        };
        assert_eq!(capped(5, t(0, 0), 200, 100), 5);
        assert_eq!(capped(5, t(97, 97), 200, 100), 3);
        assert_eq!(capped(5, t(100, 100), 200, 100), 0);
        // Another server still has room until the person cap.
        assert_eq!(capped(5, t(100, 0), 200, 100), 5);
        assert_eq!(capped(5, t(198, 0), 200, 100), 2);
    }

    #[test]
    fn losses_are_never_capped() {
        let t = Today {
            total: 500,
            from_instance: Some(500),
        };
        assert_eq!(capped(-2, t, 200, 100), -2);
        assert_eq!(capped(0, t, 200, 100), 0);
    }

    #[test]
    fn three_hundred_votes_from_one_server_stop_at_its_cap() {
        let mut today = Today {
            total: 0,
            from_instance: Some(0),
        };
        for _ in 0..300 {
            let got = capped(weighted(5, 1.0), today, 200, 100);
            today.total += got;
            today.from_instance = today.from_instance.map(|f| f + got);
        }
        assert_eq!(today.total, 100);
    }
}

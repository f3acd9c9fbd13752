//! Pure rules for scores and ordering: how a vote changes the counters, and
//! the "hot" rank.
//!
//! Hot rank: `sign(score) * log10(1 + |score|) + seconds / 45000`, where
//! `seconds` counts from 2024-01-01 UTC to the thread's creation. Every 12.5
//! hours of age weigh as much as a tenfold score, so new threads rise and old
//! ones sink without any periodic recomputation: the rank only changes when
//! the score does, and can be stored and indexed. (`1 + |score|` keeps a
//! single upvote above no vote, and a single downvote below.)

use chrono::NaiveDateTime;

const HOT_EPOCH_SECS: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z
const HOT_DECAY_SECS: f64 = 45_000.0;

pub fn hot_rank(score: i64, created_at: NaiveDateTime) -> f64 {
    let magnitude = ((score.unsigned_abs() as f64) + 1.0).log10();
    let sign = score.signum() as f64;
    let seconds = (created_at.and_utc().timestamp() - HOT_EPOCH_SECS) as f64;
    sign * magnitude + seconds / HOT_DECAY_SECS
}

/// The change to (upvotes, downvotes) when a person's vote goes from `old`
/// to `new` (each -1, 0 or +1). Score moves by `up - down`.
pub fn vote_delta(old: i32, new: i32) -> (i64, i64) {
    let up = i64::from(new == 1) - i64::from(old == 1);
    let down = i64::from(new == -1) - i64::from(old == -1);
    (up, down)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn at(h: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t + Duration::hours(h))
            .expect("date")
    }

    #[test]
    fn newer_beats_older_at_equal_score() {
        assert!(hot_rank(10, at(5)) > hot_rank(10, at(0)));
    }

    #[test]
    fn higher_score_beats_lower_at_equal_age() {
        assert!(hot_rank(100, at(0)) > hot_rank(10, at(0)));
        assert!(hot_rank(1, at(0)) > hot_rank(-5, at(0)));
    }

    #[test]
    fn twelve_and_a_half_hours_weigh_one_order_of_magnitude() {
        let later = at(0) + Duration::minutes(750);
        assert!((hot_rank(5, later) - hot_rank(5, at(0)) - 1.0).abs() < 1e-9);
        // 99 upvotes (log10 100 = 2) against 9 (log10 10 = 1): one unit.
        assert!((hot_rank(99, at(0)) - hot_rank(9, at(0)) - 1.0).abs() < 1e-9);
        // A thread 13 h younger with a tenth of the score ranks higher.
        assert!(hot_rank(9, at(13)) > hot_rank(99, at(0)));
    }

    #[test]
    fn one_vote_moves_a_thread_either_way() {
        assert!(hot_rank(1, at(0)) > hot_rank(0, at(0)));
        assert!(hot_rank(-1, at(0)) < hot_rank(0, at(0)));
        assert_eq!(
            hot_rank(3, at(0)) - hot_rank(0, at(0)),
            hot_rank(0, at(0)) - hot_rank(-3, at(0))
        );
    }

    #[test]
    fn vote_deltas_keep_counters_consistent() {
        assert_eq!(vote_delta(0, 1), (1, 0));
        assert_eq!(vote_delta(0, -1), (0, 1));
        assert_eq!(vote_delta(1, -1), (-1, 1));
        assert_eq!(vote_delta(-1, 1), (1, -1));
        assert_eq!(vote_delta(1, 0), (-1, 0));
        assert_eq!(vote_delta(-1, 0), (0, -1));
        assert_eq!(vote_delta(1, 1), (0, 0));
        // Any sequence of votes ends with counters equal to the last vote.
        let seq = [1, -1, 0, 1, 1, 0, -1, -1, 1];
        let (mut up, mut down, mut old) = (0i64, 0i64, 0);
        for v in seq {
            let (du, dd) = vote_delta(old, v);
            up += du;
            down += dd;
            old = v;
        }
        assert_eq!((up, down), (1, 0));
    }
}

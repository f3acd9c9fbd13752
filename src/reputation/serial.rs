//! Serial voting: one voter giving one author more votes in 24 hours than
//! `reputation.serial_vote_limit` allows. All of those votes' points are
//! reversed, not only the ones over the limit: the pattern is the offence.

use std::collections::HashMap;

/// One vote's reputation event, as the detector sees it.
#[derive(Debug, Clone, Copy)]
pub struct VoteEvent {
    pub event_id: i64,
    pub voter_id: i64,
    pub author_id: i64,
}

/// A voter's run of votes for one author to reverse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialRun {
    pub voter_id: i64,
    pub author_id: i64,
    pub event_ids: Vec<i64>,
}

/// The runs over `limit` among the votes of one 24-hour window, in a
/// stable order (voter, then author).
pub fn serial_runs(events: &[VoteEvent], limit: u32) -> Vec<SerialRun> {
    let mut pairs: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
    for e in events {
        pairs
            .entry((e.voter_id, e.author_id))
            .or_default()
            .push(e.event_id);
    }
    let mut runs: Vec<SerialRun> = pairs
        .into_iter()
        .filter(|(_, ids)| ids.len() > limit as usize)
        .map(|((voter_id, author_id), mut event_ids)| {
            event_ids.sort_unstable();
            SerialRun {
                voter_id,
                author_id,
                event_ids,
            }
        })
        .collect();
    runs.sort_by_key(|r| (r.voter_id, r.author_id));
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(voter: i64, author: i64, n: i64, first_id: i64) -> Vec<VoteEvent> {
        (0..n)
            .map(|i| VoteEvent {
                event_id: first_id + i,
                voter_id: voter,
                author_id: author,
            })
            .collect()
    }

    #[test]
    fn at_the_limit_nothing_is_reversed() {
        assert!(serial_runs(&votes(1, 2, 10, 1), 10).is_empty());
    }

    #[test]
    fn over_the_limit_every_vote_of_the_pair_is_reversed() {
        let mut all = votes(1, 2, 11, 100);
        all.extend(votes(3, 2, 5, 200));
        all.extend(votes(1, 4, 3, 300));
        let runs = serial_runs(&all, 10);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].voter_id, 1);
        assert_eq!(runs[0].author_id, 2);
        assert_eq!(runs[0].event_ids, (100..111).collect::<Vec<_>>());
    }

    #[test]
    fn many_voters_for_one_author_are_not_serial() {
        let all: Vec<_> = (0..50).flat_map(|v| votes(v, 99, 2, v * 10)).collect();
        assert!(serial_runs(&all, 10).is_empty());
    }
}

//! Weighted PageRank over a directed graph of people (docs/analytics.md,
//! "Influence"). An edge A -> B with weight w says A gave B that much
//! credit (a reply, an upvote, an accepted answer); a person's rank flows
//! to those they credit in proportion to the weights. Rank of people who
//! credit nobody is shared out evenly, so the ranks always sum to 1.

use std::collections::HashMap;

/// The damping factor: the share of rank that follows edges.
pub const DAMPING: f64 = 0.85;
/// Iterations stop when no rank moves more than this...
const TOLERANCE: f64 = 1e-10;
/// ... or after this many.
const MAX_ITERATIONS: usize = 200;

/// The rank of every node that has an edge, by node id. Edges to self
/// and edges of weight 0 or less are ignored; parallel edges add up.
pub fn rank(edges: &[(i64, i64, f64)]) -> HashMap<i64, f64> {
    let mut ids: Vec<i64> = edges.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    ids.sort_unstable();
    ids.dedup();
    let n = ids.len();
    if n == 0 {
        return HashMap::new();
    }
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    // Combined weight per (from, to), and each node's total out-weight.
    let mut out: Vec<HashMap<usize, f64>> = vec![HashMap::new(); n];
    for &(a, b, w) in edges {
        if a == b || w.is_nan() || w <= 0.0 {
            continue;
        }
        *out[index[&a]].entry(index[&b]).or_insert(0.0) += w;
    }
    let totals: Vec<f64> = out.iter().map(|m| m.values().sum()).collect();
    let size = n as f64;
    let mut ranks = vec![1.0 / size; n];
    for _ in 0..MAX_ITERATIONS {
        let dangling: f64 = (0..n).filter(|&i| totals[i] == 0.0).map(|i| ranks[i]).sum();
        let base = (1.0 - DAMPING) / size + DAMPING * dangling / size;
        let mut next = vec![base; n];
        for (i, targets) in out.iter().enumerate() {
            if totals[i] == 0.0 {
                continue;
            }
            for (&j, &w) in targets {
                next[j] += DAMPING * ranks[i] * w / totals[i];
            }
        }
        let moved = next
            .iter()
            .zip(&ranks)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        ranks = next;
        if moved < TOLERANCE {
            break;
        }
    }
    ids.into_iter().zip(ranks).collect()
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn a_star_ranks_its_centre_first_and_ranks_sum_to_one() {
        let r = rank(&[(1, 9, 1.0), (2, 9, 1.0), (3, 9, 1.0), (4, 9, 1.0)]);
        let top = r.iter().max_by(|a, b| a.1.total_cmp(b.1)).map(|(k, _)| *k);
        assert_eq!(top, Some(9));
        assert!((r.values().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_chain_ranks_its_end_highest() {
        let r = rank(&[(1, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0)]);
        assert!(r[&4] > r[&3] && r[&3] > r[&2] && r[&2] > r[&1], "{r:?}");
    }

    #[test]
    fn many_votes_from_one_person_weigh_as_that_person() {
        let mut edges = vec![(10, 1, 1.0); 20];
        edges.extend([(11, 2, 1.0), (12, 2, 1.0), (13, 2, 1.0)]);
        let r = rank(&edges);
        assert!(r[&2] > r[&1], "{r:?}");
    }

    #[test]
    fn self_edges_and_nothing_count_for_nothing() {
        assert!(rank(&[]).is_empty());
        let r = rank(&[(1, 1, 5.0), (1, 2, 1.0)]);
        assert!(r[&2] > r[&1]);
    }
}

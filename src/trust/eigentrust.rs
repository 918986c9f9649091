//! The EigenTrust iteration (Kamvar, Schlosser and Garcia-Molina, "The EigenTrust
//! algorithm for reputation management in P2P networks", WWW 2003) on a graph in
//! compressed sparse rows: `t = (1 - a) Cᵀ t + a p`, where `C` is local trust
//! normalized per row (negative trust clipped to 0) and rows without outgoing trust
//! follow the pre-trust `p`. It is personalized PageRank with teleport `p`, damping
//! `1 - a`, and dangling mass sent to `p`.

use crate::error::{Error, ErrorKind};

/// Global trust scores with the iteration's account of itself.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Solution {
    pub(crate) scores: Vec<f64>,
    pub(crate) iterations: u32,
    pub(crate) residual: f64,
}

/// The graph, the pre-trust (summing to 1) and the settings of one computation.
pub(crate) struct Problem<'a> {
    pub(crate) offsets: &'a [u32],
    pub(crate) targets: &'a [u32],
    /// Local trust per edge; negative values count as 0.
    pub(crate) weights: &'a [f64],
    pub(crate) pre_trust: &'a [f64],
    pub(crate) alpha: f64,
    pub(crate) tolerance: f64,
    pub(crate) max_iterations: u32,
}

/// Power iteration from `t = p` until the L1 change falls below the tolerance.
/// Costs O(iterations × (nodes + edges)) time and O(nodes + edges) memory beyond the
/// graph: the iterations needed grow as `ln(tolerance) / ln(1 - a)`. The edges are
/// laid out once by target, with each source's normalized local trust; each
/// iteration then pulls every party's score from its sources, the parties split in
/// [`PARTS`] fixed parts of about equal edges, the second on a thread of its own when
/// there is a second core. Every sum runs in one order: the scores do not depend on
/// the number of cores.
pub(crate) fn solve(problem: &Problem<'_>) -> Result<Solution, Error> {
    let n = problem.pre_trust.len();
    let keep = 1.0 - problem.alpha;
    let edges = problem.targets.len();
    // A thread pays only on large graphs; the scores are the same either way.
    let parallel = edges >= PARALLEL_EDGES;
    // Each row's total local trust (rows with none send their trust to pre-trust),
    // and each target's count of edges, in two halves of the rows, each counting its
    // own edges; the counts are then added.
    let mut sums = vec![0.0; n];
    let mut in_offsets = vec![0u32; n + 1];
    let mut counts = vec![0u32; if parallel { n + 1 } else { 0 }];
    {
        let tally = |rows: std::ops::Range<usize>, sums: &mut [f64], counts: &mut [u32]| {
            for (i, sum) in rows.zip(sums) {
                let (start, end) = bounds(problem.offsets, i);
                let local = problem.weights.get(start..end).unwrap_or_default();
                *sum = local.iter().map(|x| x.max(0.0)).sum();
                for &j in problem.targets.get(start..end).unwrap_or_default() {
                    if let Some(c) = counts.get_mut(j as usize + 1) {
                        *c += 1;
                    }
                }
            }
        };
        let half = if parallel { n / 2 } else { n };
        let (s0, s1) = sums.split_at_mut(half);
        crate::analysis::join(
            parallel,
            || tally(0..half, s0, &mut in_offsets),
            || tally(half..n, s1, &mut counts),
        );
        for (o, c) in in_offsets.iter_mut().zip(&counts) {
            *o += c;
        }
    }
    drop(counts);
    let dangling_rows: Vec<usize> = (0..n)
        .filter(|&i| sums.get(i).is_none_or(|&s| s <= 0.0))
        .collect();
    crate::snapshot::running_sums(&mut in_offsets);
    // Targets in parts of about equal edges, fixed whatever the machine.
    let mut parts: [std::ops::Range<usize>; PARTS] = [(); PARTS].map(|()| 0..0);
    let mut first = 0;
    for (part, range) in (1..=PARTS).zip(&mut parts) {
        let mut last = first;
        while last < n
            && (part == PARTS || (in_offsets.get(last).copied().unwrap_or(0) as usize) < edges * part / PARTS)
        {
            last += 1;
        }
        *range = first..last;
        first = last;
    }
    let [p0, p1] = &parts;
    let split = in_offsets.get(p1.start).copied().unwrap_or(0) as usize;
    let mut in_sources = vec![0u32; edges];
    let mut in_weights = vec![0.0f64; edges];
    {
        // Each part places the edges to its own targets, in its own slices.
        let place = |part: &std::ops::Range<usize>, sources: &mut [u32], weights: &mut [f64]| {
            let mut fill = crate::snapshot::PartFill::new(&in_offsets, part.clone());
            for (i, &sum) in sums.iter().enumerate() {
                if sum <= 0.0 {
                    continue;
                }
                let (start, end) = bounds(problem.offsets, i);
                let targets = problem.targets.get(start..end).unwrap_or_default();
                let local = problem.weights.get(start..end).unwrap_or_default();
                for (&j, &w) in targets.iter().zip(local) {
                    if let Some(at) = fill.take(j as usize)
                        && let (Some(s), Some(x)) = (sources.get_mut(at), weights.get_mut(at))
                    {
                        *s = i as u32;
                        *x = w.max(0.0) / sum;
                    }
                }
            }
        };
        let (s0, s1) = in_sources.split_at_mut(split.min(edges));
        let (w0, w1) = in_weights.split_at_mut(split.min(edges));
        crate::analysis::join(parallel, || place(p0, s0, w0), || place(p1, s1, w1));
    }
    let mut t = problem.pre_trust.to_vec();
    let mut next = vec![0.0f64; n];
    let mut residual = f64::INFINITY;
    for iteration in 1..=problem.max_iterations {
        let dangling: f64 = dangling_rows
            .iter()
            .map(|&i| t.get(i).copied().unwrap_or(0.0))
            .sum();
        let t_now = &t;
        let (in_offsets, in_sources, in_weights) = (&in_offsets, &in_sources, &in_weights);
        // Each target's new score, pulled from its sources; the part's L1 change.
        let pull = |range: &std::ops::Range<usize>, next: &mut [f64]| {
            let mut change = 0.0;
            let pre_trust = problem.pre_trust.get(range.clone()).unwrap_or_default();
            let old = t_now.get(range.clone()).unwrap_or_default();
            for (((j, x), &p), &before) in range.clone().zip(next.iter_mut()).zip(pre_trust).zip(old) {
                let (start, end) = bounds(in_offsets, j);
                let sources = in_sources.get(start..end).unwrap_or_default();
                let weights = in_weights.get(start..end).unwrap_or_default();
                let received: f64 = sources
                    .iter()
                    .zip(weights)
                    .map(|(&i, &w)| t_now.get(i as usize).copied().unwrap_or(0.0) * w)
                    .sum();
                *x = keep * (received + dangling * p) + problem.alpha * p;
                change += (*x - before).abs();
            }
            change
        };
        let (n0, n1) = next.split_at_mut(p0.len());
        let (c0, c1) = crate::analysis::join(parallel, || pull(p0, n0), || pull(p1, n1));
        residual = c0 + c1;
        std::mem::swap(&mut t, &mut next);
        if residual < problem.tolerance {
            return Ok(Solution {
                scores: t,
                iterations: iteration,
                residual,
            });
        }
    }
    Err(Error::new(
        ErrorKind::NoConvergence,
        format!(
            "reputation did not converge within {} iterations (last change {residual:e}, tolerance {:e}); \
             raise the iteration cap, the tolerance or the weight of pre-trust",
            problem.max_iterations, problem.tolerance
        ),
    ))
}

/// Edges from which an iteration is worth spreading over threads.
const PARALLEL_EDGES: usize = 1 << 16;

/// Parts an iteration is split into: fixed, so that sums are added in one order.
const PARTS: usize = 2;

fn bounds(offsets: &[u32], i: usize) -> (usize, usize) {
    let start = offsets.get(i).copied().unwrap_or(0) as usize;
    let end = offsets.get(i + 1).copied().unwrap_or(0) as usize;
    (start, end.max(start))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A CSR from an edge list over `n` nodes.
    pub(crate) fn csr(n: usize, edges: &[(u32, u32, f64)]) -> (Vec<u32>, Vec<u32>, Vec<f64>) {
        let mut sorted = edges.to_vec();
        sorted.sort_by_key(|e| (e.0, e.1));
        let mut offsets = vec![0u32; n + 1];
        for e in &sorted {
            offsets[e.0 as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        (
            offsets,
            sorted.iter().map(|e| e.1).collect(),
            sorted.iter().map(|e| e.2).collect(),
        )
    }

    fn run(n: usize, edges: &[(u32, u32, f64)], pre_trust: &[f64], alpha: f64) -> Vec<f64> {
        let (offsets, targets, weights) = csr(n, edges);
        let problem = Problem {
            offsets: &offsets,
            targets: &targets,
            weights: &weights,
            pre_trust,
            alpha,
            tolerance: 1e-14,
            max_iterations: 10_000,
        };
        solve(&problem).unwrap().scores
    }

    #[test]
    fn golden_et_01() {
        // ek = 0, sd = 1, vm = 2; pre-trust ek 50, vm 100.
        let t = run(
            3,
            &[(0, 1, 100.0), (2, 1, 100.0), (0, 2, 75.0)],
            &[1.0 / 3.0, 0.0, 2.0 / 3.0],
            0.5,
        );
        for (x, expected) in t.iter().zip([28.0 / 129.0, 39.0 / 129.0, 62.0 / 129.0]) {
            assert!((x - expected).abs() < 1e-12, "{t:?}");
        }
    }

    #[test]
    fn golden_et_07_the_self_vouching_party_gets_zero() {
        // alice 0, bob 1, carol 2, mallory 3.
        let edges = [(0, 1, 3.0), (0, 2, 1.0), (1, 2, 2.0), (2, 0, 1.0), (3, 3, 9.0)];
        let t = run(4, &edges, &[1.0, 0.0, 0.0, 0.0], 0.5);
        for (x, expected) in t.iter().zip([16.0 / 27.0, 2.0 / 9.0, 5.0 / 27.0, 0.0]) {
            assert!((x - expected).abs() < 1e-12, "{t:?}");
        }
        assert_eq!(t[3], 0.0, "exactly zero");
    }

    #[test]
    fn golden_et_08_negative_trust_is_clipped() {
        // Row (0, 5, -3) from node 0: all its trust goes to node 1.
        let with_negative = run(3, &[(0, 1, 5.0), (0, 2, -3.0)], &[1.0, 0.0, 0.0], 0.5);
        let without = run(3, &[(0, 1, 5.0)], &[1.0, 0.0, 0.0], 0.5);
        assert_eq!(with_negative, without);
        assert_eq!(with_negative[2], 0.0);
    }

    #[test]
    fn not_converging_is_an_error() {
        // A two-cycle with no pre-trust weight oscillates forever.
        let (offsets, targets, weights) = csr(2, &[(0, 1, 1.0), (1, 0, 1.0)]);
        let problem = Problem {
            offsets: &offsets,
            targets: &targets,
            weights: &weights,
            pre_trust: &[1.0, 0.0],
            alpha: 0.0,
            tolerance: 1e-12,
            max_iterations: 100,
        };
        assert_eq!(solve(&problem).unwrap_err().kind(), ErrorKind::NoConvergence);
    }
}

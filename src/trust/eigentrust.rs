//! The EigenTrust iteration (Kamvar, Schlosser and Garcia-Molina, "The EigenTrust
//! algorithm for reputation management in P2P networks", WWW 2003) on a graph in
//! compressed sparse rows: `t = (1 - a) Cᵀ t + a p`, where `C` is local trust
//! normalized per row (negative trust clipped to 0) and rows without outgoing trust
//! follow the pre-trust `p`. It is personalized PageRank with teleport `p`, damping
//! `1 - a`, and dangling mass sent to `p`.

use std::ops::Range;

use crate::error::{Error, ErrorKind};

/// Global trust scores with the iteration's account of itself.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Solution {
    pub(crate) scores: Vec<f64>,
    pub(crate) iterations: u32,
    pub(crate) residual: f64,
}

/// A graph in compressed sparse rows by source: `targets[offsets[i]..offsets[i + 1]]`
/// are trusted by `i`, with the local trust in `weights` (negative values count as 0).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rows<'a> {
    pub(crate) offsets: &'a [u32],
    pub(crate) targets: &'a [u32],
    pub(crate) weights: &'a [f64],
}

impl Rows<'_> {
    /// The targets and local trust of row `i`.
    fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (start, end) = bounds(self.offsets, i);
        (
            self.targets.get(start..end).unwrap_or_default(),
            self.weights.get(start..end).unwrap_or_default(),
        )
    }
}

/// Row `i`'s total local trust: the one sum every normalized weight is divided by.
fn total(local: &[f64]) -> f64 {
    local.iter().map(|x| x.max(0.0)).sum()
}

/// A graph's trust laid out for the iteration: the edges by target, each with its
/// source and the source's normalized local trust; the targets in [`PIECES`] fixed
/// pieces of about equal edges; and the rows with no outgoing trust. It depends only on
/// the graph and its weights, so it is built once for them and kept.
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) struct Layout {
    offsets: Vec<u32>,
    sources: Vec<u32>,
    weights: Vec<f64>,
    dangling: Vec<u32>,
    pieces: Vec<Range<usize>>,
}

impl Layout {
    /// The layout of `rows`: O(nodes + edges) time, 12 bytes an edge and 4 a node.
    /// With `threads` and a large graph, the work is split with a second thread; the
    /// layout is the same either way.
    pub(crate) fn new(rows: Rows<'_>, threads: bool) -> Layout {
        let n = rows.offsets.len().saturating_sub(1);
        let edges = rows.targets.len();
        let parallel = threads && edges >= PARALLEL_EDGES;
        // Each row's total local trust (rows with none send their trust to pre-trust),
        // and each target's count of edges, in two halves of the rows, each counting its
        // own edges; the counts are then added.
        let mut sums = vec![0.0; n];
        let mut offsets = vec![0u32; n + 1];
        let mut counts = vec![0u32; if parallel { n + 1 } else { 0 }];
        {
            let tally = |range: Range<usize>, sums: &mut [f64], counts: &mut [u32]| {
                for (i, sum) in range.zip(sums) {
                    let (targets, local) = rows.row(i);
                    *sum = total(local);
                    for &j in targets {
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
                || tally(0..half, s0, &mut offsets),
                || tally(half..n, s1, &mut counts),
            );
            for (o, c) in offsets.iter_mut().zip(&counts) {
                *o += c;
            }
        }
        drop(counts);
        let dangling: Vec<u32> = (0..n as u32)
            .filter(|&i| sums.get(i as usize).is_none_or(|&s| s <= 0.0))
            .collect();
        crate::snapshot::running_sums(&mut offsets);
        // Targets in parts of about equal edges, fixed whatever the machine.
        let pieces = split(&offsets, PIECES);
        let parts = split(&offsets, 2);
        let (p0, p1) = match &parts[..] {
            [p0, p1] => (p0.clone(), p1.clone()),
            _ => (0..n, n..n),
        };
        let middle = (offsets.get(p1.start).copied().unwrap_or(0) as usize).min(edges);
        let mut sources = vec![0u32; edges];
        let mut weights = vec![0.0f64; edges];
        {
            // Each part places the edges to its own targets, in its own slices.
            let place = |part: &Range<usize>, sources: &mut [u32], weights: &mut [f64]| {
                let mut fill = crate::snapshot::PartFill::new(&offsets, part.clone());
                for (i, &sum) in sums.iter().enumerate() {
                    if sum <= 0.0 {
                        continue;
                    }
                    let (targets, local) = rows.row(i);
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
            let (s0, s1) = sources.split_at_mut(middle);
            let (w0, w1) = weights.split_at_mut(middle);
            crate::analysis::join(parallel, || place(&p0, s0, w0), || place(&p1, s1, w1));
        }
        Layout {
            offsets,
            sources,
            weights,
            dangling,
            pieces,
        }
    }
}

impl Layout {
    /// Each party of `range` pulls from its sources' `scores` what it receives, and
    /// `update` makes that its new score (written to `next`, the range's own) and the
    /// change; the range's L1 change.
    fn pull<S: Copy + Into<f64>>(
        &self,
        scores: &[S],
        range: &Range<usize>,
        next: &mut [f64],
        update: &impl Fn(usize, f64) -> (f64, f64),
    ) -> f64 {
        let mut change = 0.0;
        for (j, x) in range.clone().zip(next.iter_mut()) {
            let (start, end) = bounds(&self.offsets, j);
            let sources = self.sources.get(start..end).unwrap_or_default();
            let weights = self.weights.get(start..end).unwrap_or_default();
            let received: f64 = sources
                .iter()
                .zip(weights)
                .map(|(&i, &w)| scores.get(i as usize).map_or(0.0, |&s| s.into()) * w)
                .sum();
            let (new, moved) = update(j, received);
            *x = new;
            change += moved;
        }
        change
    }
}

/// The graph, its layout, the pre-trust (summing to 1) and the settings of one
/// computation.
pub(crate) struct Problem<'a> {
    pub(crate) rows: Rows<'a>,
    /// The layout of `rows`.
    pub(crate) layout: &'a Layout,
    pub(crate) pre_trust: &'a [f64],
    pub(crate) alpha: f64,
    pub(crate) tolerance: f64,
    pub(crate) max_iterations: u32,
}

/// Power iteration from `t = p` until the L1 change falls below the tolerance.
/// Costs O(iterations × (nodes + edges)) time and O(nodes) memory beyond the graph
/// and its layout: the iterations needed grow as `ln(tolerance) / ln(1 - a)`.
///
/// While few parties have a score (the first iterations from a pre-trust of few
/// parties), each pushes its score along its own rows, in order of party; after that,
/// each iteration pulls every party's score from its sources, the parties split in
/// the layout's pieces, which each core takes in turn (a core slowed by other work
/// takes fewer).
/// Either way every sum adds the same terms in the same order (a party's sources in
/// order, zero terms aside), so the scores do not depend on the way an iteration ran
/// nor on the number of cores.
///
/// On graphs of [`ROUNDED_PARTIES`] or more, for `a` of at least [`ROUNDED_ALPHA`]
/// and a tolerance below [`COARSE`], the iterations gather the scores rounded to `f32`
/// until the L1 change falls below it (or stops falling), then in full, from the
/// scores scaled to sum to 1: a start closer to the answer for the full iterations,
/// which alone can end the computation.
pub(crate) fn solve(problem: &Problem<'_>) -> Result<Solution, Error> {
    iterate(problem, true, problem.pre_trust.len() >= ROUNDED_PARTIES)
}

/// [`solve`], pushing scores while few parties have one only if `push`, gathering them
/// rounded first only if `round`.
fn iterate(problem: &Problem<'_>, push: bool, round: bool) -> Result<Solution, Error> {
    let n = problem.pre_trust.len();
    let keep = 1.0 - problem.alpha;
    let layout = problem.layout;
    let edges = layout.sources.len();
    // A thread pays only on large graphs; the scores are the same either way.
    let parallel = edges >= PARALLEL_EDGES;
    // The parties with a score, in order, while their rows hold few edges.
    let scored = |t: &[f64]| {
        let mut scored = Vec::new();
        let mut reach = 0usize;
        for (i, &x) in t.iter().enumerate() {
            if x != 0.0 {
                let (start, end) = bounds(problem.rows.offsets, i);
                reach += end - start;
                if reach > edges / SPARSE {
                    return None;
                }
                scored.push(i as u32);
            }
        }
        Some(scored)
    };
    let mut t = problem.pre_trust.to_vec();
    let mut next = vec![0.0f64; n];
    let mut sparse = if push { scored(&t) } else { None };
    let mut residual = f64::INFINITY;
    // Whether iterations may still gather the scores rounded to `f32` (into `low`):
    // until the change falls below `COARSE` or stops falling, never after.
    let mut rounding = round && problem.alpha >= ROUNDED_ALPHA && problem.tolerance < COARSE;
    let mut low: Vec<f32> = Vec::new();
    for iteration in 1..=problem.max_iterations {
        // The last iteration allowed gathers in full, so that it may end the
        // computation; so does one whose scores `f32` holds exactly (it is a full one).
        let mut coarse = rounding && iteration < problem.max_iterations;
        if coarse {
            let mut exact = true;
            low.clear();
            low.extend(t.iter().map(|&x| {
                let rounded = x as f32;
                exact &= f64::from(rounded) == x;
                rounded
            }));
            coarse = !exact;
        }
        let dangling: f64 = layout
            .dangling
            .iter()
            .map(|&i| t.get(i as usize).copied().unwrap_or(0.0))
            .sum();
        // The new score of party j from what it received, and the change.
        let update = |j: usize, received: f64| {
            let p = problem.pre_trust.get(j).copied().unwrap_or(0.0);
            let x = keep * (received + dangling * p) + problem.alpha * p;
            (x, (x - t.get(j).copied().unwrap_or(0.0)).abs())
        };
        let changes: Vec<f64> = if let Some(scored) = &sparse {
            // Each party with a score pushes it along its rows; a target receives in
            // order of source, as a pull adds.
            next.fill(0.0);
            for &i in scored {
                let (targets, local) = problem.rows.row(i as usize);
                let sum = total(local);
                let from = t.get(i as usize).copied().unwrap_or(0.0);
                let from = if coarse { f64::from(from as f32) } else { from };
                if sum <= 0.0 {
                    continue;
                }
                for (&j, &w) in targets.iter().zip(local) {
                    if let Some(x) = next.get_mut(j as usize) {
                        *x += from * (w.max(0.0) / sum);
                    }
                }
            }
            let change = |range: &Range<usize>, next: &mut [f64]| {
                let mut sum = 0.0;
                for (j, x) in range.clone().zip(next) {
                    let (new, moved) = update(j, *x);
                    *x = new;
                    sum += moved;
                }
                sum
            };
            pieces(&layout.pieces, &mut next)
                .into_iter()
                .map(|(range, next)| change(range, next))
                .collect()
        } else {
            let update = &update;
            let (low, t) = (&low, &t);
            crate::analysis::each_taken(parallel, pieces(&layout.pieces, &mut next), |(range, next)| {
                if coarse {
                    layout.pull(low, range, next, update)
                } else {
                    layout.pull(t, range, next, update)
                }
            })
        };
        // Added in the pieces' order, whoever took them.
        let before = std::mem::replace(&mut residual, changes.iter().sum());
        std::mem::swap(&mut t, &mut next);
        if residual < problem.tolerance && !coarse {
            return Ok(Solution {
                scores: t,
                iterations: iteration,
                residual,
            });
        }
        if coarse && (residual < COARSE || residual >= before) {
            // The rounded iterations end. The scores of every full iteration from
            // `p` sum to 1 (what damping takes comes back through pre-trust); the
            // rounding moved their sum a little, which full iterations would take back
            // only at the rate `1 - a`. Scaled to 1, they go on from there.
            rounding = false;
            let sum: f64 = t.iter().sum();
            if sum > 0.0 && sum.is_finite() {
                t.iter_mut().for_each(|x| *x /= sum);
            }
        }
        if sparse.is_some() {
            sparse = scored(&t);
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

/// The targets of the by-target rows `offsets` in `count` ranges of about equal edges,
/// in order, fixed whatever the machine.
fn split(offsets: &[u32], count: usize) -> Vec<Range<usize>> {
    let n = offsets.len().saturating_sub(1);
    let edges = offsets.last().copied().unwrap_or(0) as usize;
    let mut ranges = Vec::with_capacity(count);
    let mut first = 0;
    for part in 1..=count {
        let mut last = first;
        while last < n
            && (part == count || (offsets.get(last).copied().unwrap_or(0) as usize) < edges * part / count)
        {
            last += 1;
        }
        ranges.push(first..last);
        first = last;
    }
    ranges
}

/// `scores` cut into the pieces `ranges` (in order, from the start), each beside its
/// range.
fn pieces<'a>(ranges: &'a [Range<usize>], scores: &'a mut [f64]) -> Vec<(&'a Range<usize>, &'a mut [f64])> {
    let mut rest = scores;
    let mut pieces = Vec::with_capacity(ranges.len());
    for range in ranges {
        let (piece, after) = rest.split_at_mut(range.len().min(rest.len()));
        pieces.push((range, piece));
        rest = after;
    }
    pieces
}

/// Edges from which an iteration is worth spreading over threads.
const PARALLEL_EDGES: usize = 1 << 16;

/// Pieces an iteration is split into: fixed, so that sums are added in one order,
/// and many, so that a core slowed by other work takes fewer of them (with two
/// halves, an iteration waited for the slower).
const PIECES: usize = 32;

/// Iterations gather the scores rounded to `f32` (half the bytes to fetch, which is
/// what an iteration waits on) while the L1 change is at least this and still
/// falling. Rounding moves the scores by up to 2⁻²⁴ of their total of 1 an
/// iteration, which slow parts of the iteration carry on (up to `1 / a` times): should
/// that keep the change from falling, the rounded iterations end there. Then the
/// iterations gather the scores in full, and only such an iteration ends the
/// computation, so that the tolerance is met in full precision. Not for tolerances
/// of this or more.
const COARSE: f64 = 1e-6;

/// Parties from which the scores are gathered rounded first: below, they fit in a
/// core's cache (1 MB in `f64`), and rounding would save nothing.
const ROUNDED_PARTIES: usize = 1 << 17;

/// The least `a` for which the scores are gathered rounded first. Rounding moves mass
/// between parts of the graph that trust leaves only through the weight of pre-trust
/// (groups trusting only each other), and what it moves there comes back only at the
/// rate `1 - a`: with `a` = 0.001, a graph took 3,533 iterations against 534.
const ROUNDED_ALPHA: f64 = 0.1;

/// Scores are pushed while the rows of the parties with a score hold at most
/// 1/`SPARSE` of the edges.
const SPARSE: usize = 4;

fn bounds(offsets: &[u32], i: usize) -> (usize, usize) {
    let start = offsets.get(i).copied().unwrap_or(0) as usize;
    let end = offsets.get(i + 1).copied().unwrap_or(0) as usize;
    (start, end.max(start))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A graph in compressed sparse rows, from an edge list over `n` nodes.
    pub(crate) struct Graph {
        offsets: Vec<u32>,
        targets: Vec<u32>,
        weights: Vec<f64>,
    }

    impl Graph {
        pub(crate) fn new(n: usize, edges: &[(u32, u32, f64)]) -> Graph {
            let mut sorted = edges.to_vec();
            sorted.sort_by_key(|e| (e.0, e.1));
            let mut offsets = vec![0u32; n + 1];
            for e in &sorted {
                offsets[e.0 as usize + 1] += 1;
            }
            for i in 0..n {
                offsets[i + 1] += offsets[i];
            }
            Graph {
                offsets,
                targets: sorted.iter().map(|e| e.1).collect(),
                weights: sorted.iter().map(|e| e.2).collect(),
            }
        }

        pub(crate) fn rows(&self) -> Rows<'_> {
            Rows {
                offsets: &self.offsets,
                targets: &self.targets,
                weights: &self.weights,
            }
        }
    }

    fn run(n: usize, edges: &[(u32, u32, f64)], pre_trust: &[f64], alpha: f64) -> Vec<f64> {
        let graph = Graph::new(n, edges);
        let rows = graph.rows();
        let problem = Problem {
            rows,
            layout: &Layout::new(rows, true),
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

    /// Random edges over `n` nodes: some rows empty, some weights zero or negative.
    fn random_edges(n: u32, edges: usize, seed: u64) -> Vec<(u32, u32, f64)> {
        let mut state = seed;
        let mut next = move |bound: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % bound
        };
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        while out.len() < edges {
            let (a, b) = (next(u64::from(n)) as u32, next(u64::from(n)) as u32);
            // Every tenth node trusts no one.
            if a % 10 == 9 || !seen.insert((a, b)) {
                continue;
            }
            let w = match next(8) {
                0 => 0.0,
                1 => -0.5,
                _ => next(1000) as f64 / 100.0,
            };
            out.push((a, b, w));
        }
        out
    }

    #[test]
    fn pushing_while_few_have_a_score_changes_no_bit() {
        for seed in 0..60u64 {
            let n = 20 + (seed as u32 * 7) % 300;
            let edges = random_edges(n, 4 * n as usize, seed);
            let graph = Graph::new(n as usize, &edges);
            let rows = graph.rows();
            let layout = Layout::new(rows, true);
            // One seed, two seeds, and a seed that trusts no one.
            let mut pre_trust = vec![0.0; n as usize];
            match seed % 3 {
                0 => pre_trust[0] = 1.0,
                1 => {
                    pre_trust[1] = 0.25;
                    pre_trust[n as usize - 1] = 0.75;
                }
                _ => pre_trust[9] = 1.0,
            }
            // Stopped early too, before rounding in later iterations could hide a
            // difference.
            for tolerance in [1.5, 0.5, 0.1, 1e-2, 1e-3, 1e-12] {
                let problem = Problem {
                    rows,
                    layout: &layout,
                    pre_trust: &pre_trust,
                    alpha: [0.15, 0.5, 0.05][seed as usize % 3],
                    tolerance,
                    max_iterations: 10_000,
                };
                let (pushed, pulled) = (
                    iterate(&problem, true, true).unwrap(),
                    iterate(&problem, false, true).unwrap(),
                );
                let bits = |s: &Solution| s.scores.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&pushed), bits(&pulled), "seed {seed}, tolerance {tolerance}");
                assert_eq!(
                    (pushed.iterations, pushed.residual.to_bits()),
                    (pulled.iterations, pulled.residual.to_bits()),
                    "seed {seed}, tolerance {tolerance}"
                );
            }
        }
    }

    #[test]
    fn the_tolerance_is_met_in_full_precision() {
        // Scores gathered in f32 move by up to about 1e-8 in L1: far above this
        // tolerance. One more iteration in full precision moves the scores returned by
        // less than the tolerance, as it would after a full-precision iteration alone.
        for seed in 0..20u64 {
            let n = 50 + (seed as u32 * 37) % 400;
            let edges = random_edges(n, 6 * n as usize, 100 + seed);
            let graph = Graph::new(n as usize, &edges);
            let rows = graph.rows();
            let layout = Layout::new(rows, true);
            let mut pre_trust = vec![0.0; n as usize];
            pre_trust[0] = 1.0;
            let (alpha, tolerance) = (0.15, 1e-13);
            let problem = Problem {
                rows,
                layout: &layout,
                pre_trust: &pre_trust,
                alpha,
                tolerance,
                max_iterations: 10_000,
            };
            let t = iterate(&problem, true, true).unwrap().scores;
            let dangling: f64 = layout.dangling.iter().map(|&i| t[i as usize]).sum();
            let update = |j: usize, received: f64| {
                let p = pre_trust[j];
                let x = (1.0 - alpha) * (received + dangling * p) + alpha * p;
                (x, (x - t[j]).abs())
            };
            let mut next = vec![0.0; n as usize];
            let change = layout.pull(&t, &(0..n as usize), &mut next, &update);
            assert!(change < tolerance, "seed {seed}: {change:e}");
        }
    }

    #[test]
    fn rounding_first_changes_neither_convergence_nor_the_answer() {
        // Random graphs, half with every edge given both ways (slow to mix), and small
        // weights of pre-trust, where the rounding's noise would last longest; last, a
        // sparse graph of edges both ways found slow to converge.
        let cases = (0..60u64).map(|seed| {
            let n = 30 + (seed as u32 * 53) % 300;
            (n, 1 + seed as usize % 3, 200 + seed, seed % 2 == 0)
        });
        for (n, degree, seed, both) in cases.chain([(214, 1, 912, true)]) {
            let mut edges = random_edges(n, degree * n as usize, seed);
            if both {
                let back: Vec<_> = edges.iter().map(|&(a, b, w)| (b, a, w)).collect();
                edges.extend(back);
                edges.sort_by_key(|e| (e.0, e.1));
                edges.dedup_by_key(|e| (e.0, e.1));
            }
            let graph = Graph::new(n as usize, &edges);
            let rows = graph.rows();
            let layout = Layout::new(rows, true);
            let mut pre_trust = vec![0.0; n as usize];
            pre_trust[if seed == 912 {
                84
            } else {
                seed as usize % n as usize
            }] = 1.0;
            for alpha in [0.001, 0.01, 0.1, 0.15, 0.5, 0.9] {
                for tolerance in [5e-7, 1e-9, 1e-12] {
                    let problem = Problem {
                        rows,
                        layout: &layout,
                        pre_trust: &pre_trust,
                        alpha,
                        tolerance,
                        max_iterations: 1_000_000,
                    };
                    let case = format!("seed {seed}, a {alpha}, tolerance {tolerance:e}");
                    let rounded = iterate(&problem, true, true).expect(&case);
                    let full = iterate(&problem, true, false).expect(&case);
                    // Each is within tolerance / a of the answer.
                    let apart: f64 = rounded
                        .scores
                        .iter()
                        .zip(&full.scores)
                        .map(|(x, y)| (x - y).abs())
                        .sum();
                    assert!(apart <= 2.0 * tolerance / alpha, "{case}: {apart:e}");
                    // Below the least `a` for rounding, nothing is rounded; above, the
                    // noise left costs a few more iterations at most (3 over 1,061
                    // random graphs, each at three tolerances and four such `a`).
                    if alpha < ROUNDED_ALPHA {
                        assert_eq!(rounded, full, "{case}");
                    }
                    assert!(
                        rounded.iterations <= full.iterations + 3,
                        "{case}: {} iterations against {}",
                        rounded.iterations,
                        full.iterations
                    );
                }
            }
        }
    }

    #[test]
    fn trust_both_ways_and_little_pre_trust_converge() {
        // Two pairs trusting each other both ways, a = 0.01: the rounded iterations'
        // change would settle above 1e-6 there (so a is too small for rounding).
        let graph = Graph::new(3, &[(0, 1, 0.9), (1, 0, 0.7), (1, 2, 0.3), (2, 1, 0.8)]);
        let rows = graph.rows();
        let layout = Layout::new(rows, true);
        let problem = Problem {
            rows,
            layout: &layout,
            pre_trust: &[1.0, 0.0, 0.0],
            alpha: 0.01,
            tolerance: 1e-9,
            max_iterations: 100_000,
        };
        let solution = iterate(&problem, true, true).unwrap();
        assert!((solution.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn one_iteration_allowed_can_be_enough() {
        // Pre-trusted parties that trust no one: the first iteration already changes
        // nothing. It may end the computation when it is the last allowed, or when
        // `f32` holds the scores exactly (it is then a full one); otherwise it was
        // rounded, and a full one follows.
        let graph = Graph::new(2, &[]);
        let rows = graph.rows();
        let layout = Layout::new(rows, true);
        for (pre_trust, max_iterations, iterations) in [
            ([1.0, 0.0], 1, 1),
            ([0.3, 0.7], 1, 1),
            ([1.0, 0.0], 9, 1),
            ([0.3, 0.7], 9, 2),
        ] {
            let problem = Problem {
                rows,
                layout: &layout,
                pre_trust: &pre_trust,
                alpha: 0.15,
                tolerance: 1e-9,
                max_iterations,
            };
            let solution = iterate(&problem, true, true).unwrap();
            assert_eq!(
                (solution.iterations, solution.scores),
                (iterations, pre_trust.to_vec())
            );
        }
    }

    #[test]
    fn the_layout_is_the_same_on_one_thread_or_two() {
        let n = 20_000;
        let edges = random_edges(n, PARALLEL_EDGES + 5_000, 7);
        let graph = Graph::new(n as usize, &edges);
        let rows = graph.rows();
        let (one, two) = (Layout::new(rows, false), Layout::new(rows, true));
        assert_eq!(one, two);
        assert_eq!(one.sources.len(), edges.len());
        assert!(one.dangling.len() >= n as usize / 10);
    }

    #[test]
    fn not_converging_is_an_error() {
        // A two-cycle with no pre-trust weight oscillates forever.
        let graph = Graph::new(2, &[(0, 1, 1.0), (1, 0, 1.0)]);
        let rows = graph.rows();
        let problem = Problem {
            rows,
            layout: &Layout::new(rows, true),
            pre_trust: &[1.0, 0.0],
            alpha: 0.0,
            tolerance: 1e-12,
            max_iterations: 100,
        };
        assert_eq!(solve(&problem).unwrap_err().kind(), ErrorKind::NoConvergence);
    }
}

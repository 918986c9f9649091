//! The costs of the least-cost paths from one party over rows of weighted edges, where
//! an edge of weight `p` in (0, 1] costs `-ln p`: a search over buckets of cost, in
//! batches.
//!
//! A search that pops one party at a time, as Dijkstra's does, waits on memory at every
//! step: the next party's row, then the costs of its targets, each a random read of a
//! large array that depends on the one before. Here every party whose cost falls in the
//! lowest bucket (a span of [`WIDTH`]) is taken at once, [`BATCH`] at a time, and each
//! batch is read in stages: the parties' records, then their rows, then their targets'
//! costs, each stage a run of independent reads the processor overlaps, before any
//! decision is made. At a million parties, `Model::trust_paths` went from 0.71–0.93 s
//! (a radix-heap Dijkstra) to 0.28–0.41 s (five runs of each, alternating).
//!
//! A party whose cost drops within the bucket after it was taken (by an edge cheaper
//! than the width) is taken again, after the batches, in order of cost as Dijkstra's
//! search would; so every edge is relaxed from its source's final cost, at most twice
//! in all. Each final cost is then the least over all paths of the costs summed along
//! the path, in path order: the costs Dijkstra's algorithm finds, to the bit (rounding
//! is monotone). Which edge a party's cost came by is settled by the caller from
//! [`Found::last`] and [`Found::ties`].

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The span of cost one bucket holds. A wider bucket makes larger batches but takes
/// more parties again (an edge of cost below the width can lower a cost in the
/// bucket being searched); at a million parties 0.1 was faster than 0.03 and 0.3.
const WIDTH: f64 = 0.1;

/// Parties read together in stages: enough reads in flight to hide memory latency,
/// few enough that their rows stay in cache until used (256 beat 64 and 1024).
const BATCH: usize = 256;

/// Buckets held in a ring; parties beyond it wait in a heap.
const RING: usize = 1024;

/// What a search found.
#[derive(Debug)]
pub(crate) struct Found {
    /// Per index, the least cost of a path from the source (infinite: unreached).
    pub(crate) cost: Vec<f64>,
    /// Per index, the edge that last lowered the cost, as (party before, edge
    /// position); `u32::MAX` for the source and parties unreached.
    pub(crate) last: Vec<(u32, u32)>,
    /// `(party, party before, edge)` for each relaxation that came to a cost equal to
    /// the party's cost at the time. A party with none has exactly one edge that comes
    /// to its final cost: `last`.
    pub(crate) ties: Vec<(u32, u32, u32)>,
    /// Parties taken to relax their edges, counting a party taken again: at most two
    /// per party reached.
    #[cfg(test)]
    pub(crate) taken: usize,
}

/// The bucket of a cost: monotone in the cost, so a cost in a lower bucket is lower.
fn bucket(cost: f64) -> u64 {
    // `as` saturates: an infinite cost is the last bucket.
    (cost * (1.0 / WIDTH)) as u64
}

/// Lists of parties by bucket: a ring of [`RING`] buckets from `base`, with a bit per
/// non-empty slot, and a heap for parties further on.
struct Buckets {
    base: u64,
    slots: Vec<Vec<u32>>,
    filled: [u64; RING / 64],
    held: usize,
    later: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Buckets {
    fn new() -> Buckets {
        Buckets {
            base: 0,
            slots: Vec::new(),
            filled: [0; RING / 64],
            held: 0,
            later: BinaryHeap::new(),
        }
    }

    fn push(&mut self, b: u64, party: u32) {
        let b = b.max(self.base);
        if b - self.base >= RING as u64 {
            self.later.push(Reverse((b, party)));
            return;
        }
        let slot = (b % RING as u64) as usize;
        if self.slots.len() <= slot {
            self.slots.resize_with(slot + 1, Vec::new);
        }
        if let Some(list) = self.slots.get_mut(slot) {
            list.push(party);
            self.held += 1;
            if let Some(word) = self.filled.get_mut(slot / 64) {
                *word |= 1 << (slot % 64);
            }
        }
    }

    /// Moves to the lowest bucket holding a party and takes its list into `into`;
    /// `false` when no party is held.
    fn next(&mut self, into: &mut Vec<u32>) -> bool {
        if self.held == 0 {
            let Some(Reverse((b, _))) = self.later.peek().copied() else {
                return false;
            };
            self.base = b;
        }
        // Every party waiting beyond the ring is further on than any in it.
        while let Some(Reverse((b, party))) = self.later.peek().copied() {
            if b.saturating_sub(self.base) >= RING as u64 {
                break;
            }
            self.later.pop();
            self.push(b, party);
        }
        // The first filled slot at or after the base's, around the ring.
        let start = (self.base % RING as u64) as usize;
        let words = self.filled.len();
        for step in 0..=words {
            let w = (start / 64 + step) % words;
            let mut word = self.filled.get(w).copied().unwrap_or(0);
            if step == 0 {
                word &= u64::MAX << (start % 64);
            } else if step == words {
                word &= !(u64::MAX << (start % 64));
            }
            if word != 0 {
                let slot = w * 64 + word.trailing_zeros() as usize;
                self.base += ((slot + RING - start) % RING) as u64;
                return self.again(into);
            }
        }
        false
    }

    /// Takes the list of the base's bucket into `into`, if any party waits in it
    /// (one whose cost was lowered into the bucket being searched).
    fn again(&mut self, into: &mut Vec<u32>) -> bool {
        into.clear();
        let slot = (self.base % RING as u64) as usize;
        match self.slots.get_mut(slot) {
            Some(list) if !list.is_empty() => std::mem::swap(list, into),
            _ => return false,
        }
        if let Some(word) = self.filled.get_mut(slot / 64) {
            *word &= !(1 << (slot % 64));
        }
        self.held = self.held.saturating_sub(into.len());
        true
    }
}

/// One bit per party.
fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

fn set(bits: &mut [u64], i: usize, on: bool) {
    if let Some(w) = bits.get_mut(i / 64) {
        if on {
            *w |= 1 << (i % 64);
        } else {
            *w &= !(1 << (i % 64));
        }
    }
}

/// A search's state: per index, the least cost found so far beside the bounds of the
/// party's row, and the edge it came by; the ties met; the parties done and waiting.
struct State {
    nodes: Vec<(f64, [u32; 2])>,
    last: Vec<(u32, u32)>,
    ties: Vec<(u32, u32, u32)>,
    /// Parties of buckets searched to the end: their costs are final, and lower than
    /// any a later relaxation comes to.
    done: Vec<u64>,
    /// Parties waiting in a bucket (or in the heap of the bucket being searched) to be
    /// taken at their current cost.
    waiting: Vec<u64>,
    buckets: Buckets,
    /// Parties taken, counting a party taken again.
    #[cfg(test)]
    taken: usize,
}

/// Parties of the bucket being searched, by cost then index.
type Within = BinaryHeap<Reverse<(u64, u32)>>;

impl State {
    /// Relaxes edge `k`, of weight `p`, from `v` at cost `cv` to `t`, in the search of
    /// bucket `base`. A party lowered into that bucket goes to `within` when given,
    /// else to the bucket's list.
    #[allow(clippy::too_many_arguments)]
    fn relax(&mut self, v: u32, cv: f64, k: u32, t: u32, p: f64, base: u64, within: Option<&mut Within>) {
        let ti = t as usize;
        let Some(node) = self.nodes.get_mut(ti) else {
            return;
        };
        let current = node.0;
        // The candidate is at least `cv`.
        if current < cv {
            return;
        }
        let candidate = cv - p.ln();
        if candidate < current {
            node.0 = candidate;
            if let Some(l) = self.last.get_mut(ti) {
                *l = (v, k);
            }
            let b = bucket(candidate);
            match within {
                Some(heap) if b == base => {
                    set(&mut self.waiting, ti, true);
                    heap.push(Reverse((candidate.to_bits(), t)));
                }
                // Already waiting in that bucket's list: it is taken at its new cost.
                _ if bit(&self.waiting, ti) && b == bucket(current) => {}
                _ => {
                    set(&mut self.waiting, ti, true);
                    self.buckets.push(b, t);
                }
            }
        } else if candidate == current {
            self.ties.push((t, v, k));
        }
    }
}

/// The least costs from `source` over the rows `offsets` / `targets`, edge `k` of
/// weight `weights[k]` (at most 1; an edge of weight 0 or less is cut).
///
/// Each bucket's parties are searched in one pass of batches; the parties lowered
/// within the bucket during that pass (by edges of cost below the width) are then
/// searched in order of cost, as by Dijkstra's algorithm, each once. So a party is
/// taken at most twice and an edge relaxed at most twice: O(edges + parties log
/// parties), where passes repeated until no cost drops could take O(parties × edges).
pub(crate) fn search(offsets: &[u32], targets: &[u32], weights: &[f64], source: u32) -> Found {
    let n = offsets.len().saturating_sub(1);
    let mut state = State {
        nodes: offsets
            .windows(2)
            .map(|w| {
                (
                    f64::INFINITY,
                    [w.first().copied().unwrap_or(0), w.get(1).copied().unwrap_or(0)],
                )
            })
            .collect(),
        last: vec![(u32::MAX, u32::MAX); n],
        ties: Vec::new(),
        done: vec![0u64; n.div_ceil(64)],
        waiting: vec![0u64; n.div_ceil(64)],
        buckets: Buckets::new(),
        #[cfg(test)]
        taken: 0,
    };
    if let Some(node) = state.nodes.get_mut(source as usize) {
        node.0 = 0.0;
        state.buckets.push(0, source);
        set(&mut state.waiting, source as usize, true);
    }
    let mut list = Vec::new();
    let mut taken = Vec::new();
    let mut within = Within::new();
    let mut heads: Vec<(u32, f64, [u32; 2])> = Vec::with_capacity(BATCH);
    let mut edges: Vec<(u32, u32, u32)> = Vec::new();
    while state.buckets.next(&mut list) {
        let base = state.buckets.base;
        taken.clear();
        for batch in list.chunks(BATCH) {
            // Stage 1: the parties' records, read together.
            let mut touched = 0u64;
            for &v in batch {
                touched ^= state.nodes.get(v as usize).map_or(0, |x| x.0.to_bits());
            }
            heads.clear();
            for &v in batch {
                let vi = v as usize;
                let Some(&(cost, row)) = state.nodes.get(vi) else {
                    continue;
                };
                // Taken already at this cost, or moved to another bucket since.
                if !bit(&state.waiting, vi) || bucket(cost) != base {
                    continue;
                }
                set(&mut state.waiting, vi, false);
                taken.push(v);
                heads.push((v, cost, row));
            }
            // Stage 2: the first and last entries of their rows.
            for &(_, _, [start, end]) in &heads {
                for k in [start, end.saturating_sub(1)] {
                    touched ^= u64::from(targets.get(k as usize).copied().unwrap_or(0));
                    touched ^= weights.get(k as usize).map_or(0, |w| w.to_bits());
                }
            }
            // Stage 3: their edges to parties not done (whose costs are final and
            // lower than any these edges come to).
            edges.clear();
            for (h, &(_, _, [start, end])) in (0u32..).zip(&heads) {
                let row = start as usize..(end as usize).max(start as usize);
                let (Some(to), Some(ws)) = (targets.get(row.clone()), weights.get(row)) else {
                    continue;
                };
                for (k, (&t, &p)) in (start..).zip(to.iter().zip(ws)) {
                    if p > 0.0 && !bit(&state.done, t as usize) {
                        edges.push((t, k, h));
                    }
                }
            }
            // Stage 4: the targets' costs.
            for &(t, _, _) in &edges {
                touched ^= state.nodes.get(t as usize).map_or(0, |x| x.0.to_bits());
            }
            std::hint::black_box(touched);
            // Stage 5: the relaxations, on data now in cache.
            for &(t, k, h) in &edges {
                if let (Some(&(v, cv, _)), Some(&p)) = (heads.get(h as usize), weights.get(k as usize)) {
                    state.relax(v, cv, k, t, p, base, None);
                }
            }
        }
        // The parties lowered within the bucket, in order of cost: each popped is at
        // its least cost, as every party of lower cost has been searched from.
        if state.buckets.again(&mut list) {
            for &v in &list {
                if let Some(&(cost, _)) = state.nodes.get(v as usize)
                    && bit(&state.waiting, v as usize)
                    && bucket(cost) == base
                {
                    within.push(Reverse((cost.to_bits(), v)));
                }
            }
        }
        while let Some(Reverse((bits, v))) = within.pop() {
            let vi = v as usize;
            let Some(&(cv, [start, end])) = state.nodes.get(vi) else {
                continue;
            };
            if !bit(&state.waiting, vi) || cv.to_bits() != bits {
                continue;
            }
            set(&mut state.waiting, vi, false);
            taken.push(v);
            for k in start..end {
                let (Some(&t), Some(&p)) = (targets.get(k as usize), weights.get(k as usize)) else {
                    continue;
                };
                if p > 0.0 && !bit(&state.done, t as usize) {
                    state.relax(v, cv, k, t, p, base, Some(&mut within));
                }
            }
        }
        #[cfg(test)]
        {
            state.taken += taken.len();
        }
        for &v in &taken {
            set(&mut state.done, v as usize, true);
        }
    }
    Found {
        cost: state.nodes.into_iter().map(|x| x.0).collect(),
        last: state.last,
        ties: state.ties,
        #[cfg(test)]
        taken: state.taken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Rows from `(from, to, weight)` edges, in the order given per source.
    fn rows(n: usize, edges: &[(usize, usize, f64)]) -> (Vec<u32>, Vec<u32>, Vec<f64>) {
        let mut sorted: Vec<_> = edges.to_vec();
        sorted.sort_by_key(|e| e.0);
        let mut offsets = vec![0u32; n + 1];
        for e in &sorted {
            offsets[e.0 + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let targets = sorted.iter().map(|e| e.1 as u32).collect();
        let weights = sorted.iter().map(|e| e.2).collect();
        (offsets, targets, weights)
    }

    /// The least costs by relaxing every edge until none lowers a cost: the least over
    /// all paths of the costs summed in path order.
    fn relaxed(offsets: &[u32], targets: &[u32], weights: &[f64], source: u32) -> Vec<f64> {
        let n = offsets.len() - 1;
        let mut cost = vec![f64::INFINITY; n];
        cost[source as usize] = 0.0;
        let mut changed = true;
        while changed {
            changed = false;
            for u in 0..n {
                for k in offsets[u]..offsets[u + 1] {
                    let (v, p) = (targets[k as usize] as usize, weights[k as usize]);
                    if p > 0.0 && cost[u] - p.ln() < cost[v] {
                        cost[v] = cost[u] - p.ln();
                        changed = true;
                    }
                }
            }
        }
        cost
    }

    /// What the caller of [`search`] relies on: least costs, and every edge that comes
    /// to a party's cost named by `last` or `ties`.
    fn check(offsets: &[u32], targets: &[u32], weights: &[f64], source: u32) -> Result<(), TestCaseError> {
        let found = search(offsets, targets, weights, source);
        let expected = relaxed(offsets, targets, weights, source);
        let bits = |c: &[f64]| c.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&found.cost), bits(&expected));
        let reached = found.cost.iter().filter(|c| c.is_finite()).count();
        prop_assert!(
            found.taken <= 2 * reached,
            "{} taken for {reached} reached",
            found.taken
        );
        prop_assert!(found.ties.len() <= 2 * targets.len());
        let ties: std::collections::HashSet<_> = found.ties.iter().copied().collect();
        let n = offsets.len() - 1;
        for u in 0..n {
            for k in offsets[u]..offsets[u + 1] {
                let (v, p) = (targets[k as usize], weights[k as usize]);
                let cost = &found.cost;
                if v == source || p <= 0.0 || !cost[u].is_finite() || cost[u] - p.ln() != cost[v as usize] {
                    continue;
                }
                let named = found.last[v as usize] == (u as u32, k) || ties.contains(&(v, u as u32, k));
                prop_assert!(named, "edge {k} from {u} to {v} comes to its cost unnamed");
            }
        }
        for (v, &(u, k)) in found.last.iter().enumerate() {
            let reached = found.cost[v].is_finite() && v != source as usize;
            prop_assert_eq!(u != u32::MAX, reached, "party {}", v);
            if reached {
                prop_assert_eq!(targets[k as usize], v as u32);
                prop_assert!(offsets[u as usize] <= k && k < offsets[u as usize + 1]);
                prop_assert_eq!(found.cost[u as usize] - weights[k as usize].ln(), found.cost[v]);
            }
        }
        Ok(())
    }

    fn weight() -> impl Strategy<Value = f64> {
        prop_oneof![
            3 => 0.0..=1.0f64,
            // Equal sums, edges of cost 0, cut edges, and costs far beyond the ring.
            2 => proptest::sample::select(vec![1.0, 0.5, 0.25, 0.0, 1e-30, 1e-200]),
        ]
    }

    /// Weights near 1: hundreds of parties in one bucket, lowered again within it.
    fn near_one() -> impl Strategy<Value = f64> {
        prop_oneof![
            3 => 0.99..=1.0f64,
            1 => proptest::sample::select(vec![1.0, 1.0 - f64::EPSILON / 2.0, 0.5, 1e-300]),
        ]
    }

    proptest! {
        #[test]
        fn many_parties_to_a_bucket(
            (n, edges) in (300usize..800).prop_flat_map(|n| {
                (Just(n), proptest::collection::vec((0..n, 0..n, near_one()), n..(4 * n)))
            }),
        ) {
            let (offsets, targets, weights) = rows(n, &edges);
            check(&offsets, &targets, &weights, 0)?;
        }

        #[test]
        fn costs_are_least_and_every_edge_to_a_cost_is_named(
            (n, edges) in (1usize..40).prop_flat_map(|n| {
                (Just(n), proptest::collection::vec((0..n, 0..n, weight()), 0..(4 * n)))
            }),
            source in 0usize..40,
        ) {
            let (offsets, targets, weights) = rows(n, &edges);
            check(&offsets, &targets, &weights, (source % n) as u32)?;
        }
    }

    #[test]
    fn many_batches_and_a_path_far_beyond_the_ring() {
        // A random graph of several batches per bucket, and a chain whose costs pass
        // the ring's span (102.4) many times over, with a shortcut at its end.
        let n = 6000;
        let mut state = 7u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut edges = Vec::new();
        for _ in 0..5 * 4000 {
            let (a, b) = ((next() % 4000) as usize, (next() % 4000) as usize);
            edges.push((a, b, (next() % 1000 + 1) as f64 / 1000.0));
        }
        for i in 4000..n - 1 {
            edges.push((i, i + 1, 1e-30));
        }
        edges.push((0, 4000, 0.5));
        edges.push((4000, n - 1, 1e-300));
        let (offsets, targets, weights) = rows(n, &edges);
        check(&offsets, &targets, &weights, 0).unwrap();
        let found = search(&offsets, &targets, &weights, 0);
        // The chain's end is reached over 1,998 edges of cost 69; the last party, by
        // the shortcut of cost 691 (beyond the ring at the start).
        assert!(found.cost[n - 2] > 1.3e5, "{}", found.cost[n - 2]);
        assert!((found.cost[n - 1] - 691.47).abs() < 0.01, "{}", found.cost[n - 1]);
    }

    #[test]
    fn a_bucket_lowered_against_the_order_it_is_searched_in_is_searched_once_more_at_most() {
        // All costs fall in the first bucket. The source reaches each party directly,
        // each dearer than the one after it by way of a chain that runs backwards:
        // each pass over the bucket in the order its parties were lowered could move
        // the least costs one step down the chain, n passes in all. Two chains that
        // lower each other's parties make a tie at every step too.
        let n = 2000;
        let e = 0.04 / n as f64;
        let mut edges = Vec::new();
        for i in 1..=n {
            edges.push((0, i, (-(2.0 * (n - i) as f64 * e + 0.001)).exp()));
            edges.push((0, n + i, (-(2.0 * (n - i) as f64 * e + 0.001)).exp()));
        }
        for i in 1..n {
            for (a, b) in [(i + 1, i), (n + i + 1, n + i), (i + 1, n + i), (n + i + 1, i)] {
                edges.push((a, b, (-e).exp()));
            }
        }
        let (offsets, targets, weights) = rows(2 * n + 1, &edges);
        check(&offsets, &targets, &weights, 0).unwrap();
        let found = search(&offsets, &targets, &weights, 0);
        assert!(found.cost.iter().all(|c| *c < WIDTH));
        assert!(found.taken <= 2 * (2 * n + 1), "{}", found.taken);
    }
}

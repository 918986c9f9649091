//! A monotone radix heap of parties keyed by `(cost bits, index)`, for the search by
//! Dijkstra's algorithm that the tests hold the most certain paths to: every key pushed
//! is at least the last key popped, as path costs only grow along a path. Non-negative `f64` costs order as their bit patterns do.
//!
//! Entries live in 64 lists by the highest bit in which their key differs from the
//! last key popped; those at the last key wait in a binary heap by index. A pop that
//! finds none at the last key takes the first non-empty list, whose least key becomes
//! the last, and spreads its entries over lower lists. Each entry moves down at most
//! 64 times, and most pushes and pops touch only the end of a list: no random access
//! into a heap array, which is what an indexed binary heap costs on millions of
//! parties. A party improved on is pushed again; the caller skips the entries it has
//! settled. Of equal keys the lower index pops first, so the order of pops is fully
//! determined by the entries.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The heap, of parties `T`: an index, or a tuple led by one, which then decides the
/// order of equal keys.
pub(crate) struct RadixHeap<T = u32> {
    /// The last key popped (0 before any).
    last: u64,
    /// The parties whose key is `last`, least index on top.
    equal: BinaryHeap<Reverse<T>>,
    /// `buckets[i]`: the entries whose highest bit differing from `last` is bit `i`.
    buckets: [Vec<(u64, T)>; 64],
    /// Bit `i` set when `buckets[i]` holds entries.
    filled: u64,
}

impl<T: Ord + Copy> RadixHeap<T> {
    pub(crate) fn new() -> RadixHeap<T> {
        RadixHeap {
            last: 0,
            equal: BinaryHeap::new(),
            buckets: [(); 64].map(|()| Vec::new()),
            filled: 0,
        }
    }

    /// Where an entry goes: `None` for the parties at the last key.
    fn bucket(&self, key: u64) -> Option<usize> {
        (u64::BITS - 1)
            .checked_sub((key ^ self.last).leading_zeros())
            .map(|b| b as usize)
    }

    /// Adds `party` under `key`. A key below the last popped one (which a caller
    /// pushing path costs never has) counts as equal to it.
    pub(crate) fn push(&mut self, key: u64, party: T) {
        let key = key.max(self.last);
        match self.bucket(key) {
            Some(b) => {
                if let Some(list) = self.buckets.get_mut(b) {
                    list.push((key, party));
                    self.filled |= 1 << b;
                }
            }
            None => self.equal.push(Reverse(party)),
        }
    }

    /// Removes and returns the least `(key, party)`.
    pub(crate) fn pop(&mut self) -> Option<(u64, T)> {
        if self.equal.is_empty() {
            let next = (self.filled != 0).then(|| self.filled.trailing_zeros() as usize)?;
            self.filled &= !(1 << next);
            let mut moving = std::mem::take(self.buckets.get_mut(next)?);
            self.last = moving.iter().map(|e| e.0).min()?;
            // Every entry lands below bucket `next`: it agrees with the new last key on
            // every bit above bit `next`, and on that bit too.
            for &(key, party) in &moving {
                self.push(key, party);
            }
            moving.clear();
            if let Some(slot) = self.buckets.get_mut(next) {
                *slot = moving;
            }
        }
        self.equal.pop().map(|Reverse(party)| (self.last, party))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever monotone pushes and pops come, each pop is the least entry held,
        /// as a sorted multiset of `(key, party)` says.
        #[test]
        fn every_pop_is_the_least(ops in proptest::collection::vec(proptest::option::of((0u64..40, 0u32..10, any::<bool>())), 0..300)) {
            let mut heap = RadixHeap::new();
            let mut held = std::collections::BTreeMap::<(u64, u32), usize>::new();
            let mut last = 0u64;
            for op in ops {
                match op {
                    Some((step, party, wide)) => {
                        // Monotone: at or above the last pop; sometimes far above, so
                        // that high buckets fill.
                        let key = last + if wide { step << 40 } else { step };
                        heap.push(key, party);
                        *held.entry((key, party)).or_default() += 1;
                    }
                    None => {
                        let least = held.keys().next().copied();
                        prop_assert_eq!(heap.pop(), least);
                        if let Some(entry) = least {
                            last = entry.0;
                            if let Some(count) = held.get_mut(&entry) {
                                *count -= 1;
                                if *count == 0 {
                                    held.remove(&entry);
                                }
                            }
                        }
                    }
                }
            }
            while let Some(entry) = held.keys().next().copied() {
                prop_assert_eq!(heap.pop(), Some(entry));
                if let Some(count) = held.get_mut(&entry) {
                    *count -= 1;
                    if *count == 0 {
                        held.remove(&entry);
                    }
                }
            }
            prop_assert_eq!(heap.pop(), None);
        }
    }

    #[test]
    fn many_equal_keys_pop_by_index_in_n_log_n() {
        // Edges of trust 1 add no cost: a party may push a million at its own key.
        let mut heap = RadixHeap::new();
        heap.push(5, 0);
        assert_eq!(heap.pop(), Some((5, 0)));
        for party in 1..1_000_000u32 {
            heap.push(5, party);
        }
        for party in 1..1_000_000u32 {
            assert_eq!(heap.pop(), Some((5, party)));
        }
        assert_eq!(heap.pop(), None);
    }

    #[test]
    fn costs_pop_in_order_of_value() {
        let mut heap = RadixHeap::new();
        for (cost, party) in [(2.5f64, 3u32), (0.0, 0), (1e-300, 7), (2.5, 1), (f64::MAX, 2)] {
            heap.push(cost.to_bits(), party);
        }
        let order: Vec<u32> = std::iter::from_fn(|| heap.pop()).map(|e| e.1).collect();
        assert_eq!(order, [0, 7, 1, 3, 2]);
    }
}

//! A monotone radix heap of parties keyed by `(cost bits, index)`, for Dijkstra's
//! algorithm: every key pushed is at least the last key popped, as path costs only
//! grow along a path. Non-negative `f64` costs order as their bit patterns do.
//!
//! Entries live in 65 buckets by the highest bit in which their key differs from the
//! last key popped; a pop that finds the first bucket empty takes the next non-empty
//! one, whose least key becomes the last, and spreads its entries over lower buckets.
//! Each entry moves down at most 64 times, and pushes and most pops touch only the end
//! of a list: no random access into a heap array, which is what an indexed binary
//! heap costs on millions of parties. A party improved on is pushed again; the caller
//! skips the entries it has settled. Of equal keys the lower index pops first, so the
//! order of pops is fully determined by the entries.

/// The heap.
pub(crate) struct RadixHeap {
    /// The last key popped (0 before any).
    last: u64,
    /// `buckets[0]`: the entries whose key is `last`, by descending index (the least
    /// pops from the end). `buckets[i]`: those whose highest bit differing from `last`
    /// is bit `i - 1`.
    buckets: [Vec<(u64, u32)>; 65],
}

impl RadixHeap {
    pub(crate) fn new() -> RadixHeap {
        RadixHeap {
            last: 0,
            buckets: [(); 65].map(|()| Vec::new()),
        }
    }

    fn bucket(&self, key: u64) -> usize {
        (u64::BITS - (key ^ self.last).leading_zeros()) as usize
    }

    /// Adds `party` under `key`. A key below the last popped one (which a caller
    /// pushing path costs never has) counts as equal to it.
    pub(crate) fn push(&mut self, key: u64, party: u32) {
        let key = key.max(self.last);
        let bucket = self.bucket(key);
        if let Some(list) = self.buckets.get_mut(bucket) {
            if bucket == 0 {
                let at = list.partition_point(|e| e.1 > party);
                list.insert(at, (key, party));
            } else {
                list.push((key, party));
            }
        }
    }

    /// Removes and returns the least `(key, party)`.
    pub(crate) fn pop(&mut self) -> Option<(u64, u32)> {
        if self.buckets.first().is_some_and(Vec::is_empty) {
            let next = self.buckets.iter().position(|b| !b.is_empty())?;
            let mut moving = std::mem::take(self.buckets.get_mut(next)?);
            self.last = moving.iter().map(|e| e.0).min()?;
            // Every entry lands in a bucket below `next`: they agree with the new
            // last key on all bits above bit `next - 1`, and on that bit too.
            for &entry in &moving {
                let bucket = self.bucket(entry.0);
                if let Some(list) = self.buckets.get_mut(bucket) {
                    list.push(entry);
                }
            }
            moving.clear();
            if let Some(slot) = self.buckets.get_mut(next) {
                *slot = moving;
            }
            if let Some(equal) = self.buckets.first_mut() {
                equal.sort_unstable_by_key(|e| std::cmp::Reverse(e.1));
            }
        }
        self.buckets.first_mut()?.pop()
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
    fn costs_pop_in_order_of_value() {
        let mut heap = RadixHeap::new();
        for (cost, party) in [(2.5f64, 3u32), (0.0, 0), (1e-300, 7), (2.5, 1), (f64::MAX, 2)] {
            heap.push(cost.to_bits(), party);
        }
        let order: Vec<u32> = std::iter::from_fn(|| heap.pop()).map(|e| e.1).collect();
        assert_eq!(order, [0, 7, 1, 3, 2]);
    }
}

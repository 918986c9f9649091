//! A four-ary min-heap of parties keyed by `(cost bits, index)`, with decrease-key:
//! each party is in the heap at most once, so a search over `n` parties holds at most
//! `n` entries (a heap that pushes again on every improvement holds one per
//! improvement). Non-negative `f64` costs order as their bit patterns do; ties go to
//! the lower index.

/// The heap, over parties `0..n`.
pub(crate) struct IndexedHeap {
    /// `(key, party)`, heap-ordered by `(key, party)`.
    entries: Vec<(u64, u32)>,
    /// Each party's place in `entries` (`u32::MAX`: not in the heap).
    place: Vec<u32>,
}

const ARITY: usize = 4;

impl IndexedHeap {
    pub(crate) fn new(n: usize) -> IndexedHeap {
        IndexedHeap {
            entries: Vec::new(),
            place: vec![u32::MAX; n],
        }
    }

    /// Puts `party` in the heap under `key`, or lowers its key to `key` when that is
    /// lower than the key it has. Parties outside `0..n` are ignored.
    pub(crate) fn push_or_lower(&mut self, key: u64, party: u32) {
        let Some(&at) = self.place.get(party as usize) else {
            return;
        };
        if at == u32::MAX {
            self.entries.push((key, party));
            self.sift_up(self.entries.len() - 1);
        } else if let Some(entry) = self.entries.get_mut(at as usize)
            && key < entry.0
        {
            entry.0 = key;
            self.sift_up(at as usize);
        }
    }

    /// Takes the party of least `(key, party)` out of the heap.
    pub(crate) fn pop(&mut self) -> Option<(u64, u32)> {
        let last = self.entries.pop()?;
        let top = match self.entries.first_mut() {
            Some(first) => std::mem::replace(first, last),
            None => last,
        };
        if let Some(p) = self.place.get_mut(top.1 as usize) {
            *p = u32::MAX;
        }
        if !self.entries.is_empty() {
            self.sift_down(0);
        }
        Some(top)
    }

    fn set(&mut self, at: usize, entry: (u64, u32)) {
        if let Some(slot) = self.entries.get_mut(at) {
            *slot = entry;
        }
        if let Some(p) = self.place.get_mut(entry.1 as usize) {
            *p = at as u32;
        }
    }

    fn sift_up(&mut self, mut at: usize) {
        let Some(&moving) = self.entries.get(at) else {
            return;
        };
        while at > 0 {
            let parent = (at - 1) / ARITY;
            let Some(&above) = self.entries.get(parent) else {
                break;
            };
            if above <= moving {
                break;
            }
            self.set(at, above);
            at = parent;
        }
        self.set(at, moving);
    }

    fn sift_down(&mut self, mut at: usize) {
        let Some(&moving) = self.entries.get(at) else {
            return;
        };
        loop {
            let first = at * ARITY + 1;
            let children = self.entries.get(first..(first + ARITY).min(self.entries.len()));
            let Some((offset, &least)) = children
                .into_iter()
                .flatten()
                .enumerate()
                .min_by_key(|(_, e)| **e)
            else {
                break;
            };
            if moving <= least {
                break;
            }
            self.set(at, least);
            at = first + offset;
        }
        self.set(at, moving);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Pops come out in `(key, party)` order, each party once at its least key,
        /// as a sorted list of every party's least key says.
        #[test]
        fn pops_in_key_order_at_least_keys(pushes in proptest::collection::vec((0u64..50, 0u32..40), 0..200)) {
            let mut heap = IndexedHeap::new(30);
            let mut least = std::collections::BTreeMap::new();
            for &(key, party) in &pushes {
                heap.push_or_lower(key, party);
                if party < 30 {
                    let k = least.entry(party).or_insert(key);
                    *k = (*k).min(key);
                }
            }
            let mut expected: Vec<(u64, u32)> = least.into_iter().map(|(p, k)| (k, p)).collect();
            expected.sort_unstable();
            let popped: Vec<(u64, u32)> = std::iter::from_fn(|| heap.pop()).collect();
            prop_assert_eq!(popped, expected);
        }

        /// Interleaved pushes and pops: every pop is the least of what is in the heap.
        #[test]
        fn every_pop_is_the_least(ops in proptest::collection::vec(proptest::option::of((0u64..20, 0u32..10)), 0..200)) {
            let mut heap = IndexedHeap::new(10);
            let mut inside = std::collections::BTreeMap::<u32, u64>::new();
            for op in ops {
                match op {
                    Some((key, party)) => {
                        heap.push_or_lower(key, party);
                        let k = inside.entry(party).or_insert(key);
                        *k = (*k).min(key);
                    }
                    None => {
                        let least = inside.iter().map(|(&p, &k)| (k, p)).min();
                        prop_assert_eq!(heap.pop(), least);
                        if let Some((_, p)) = least {
                            inside.remove(&p);
                        }
                    }
                }
            }
        }
    }
}

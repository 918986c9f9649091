//! Storage: a slot arena with never-reused ids, and the compact relationship record.

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use hashbrown::HashTable;
use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind};
use crate::model::ids::{Entry, Slot};
use crate::model::link::RelationshipKind;
use crate::trust::Opinion;

/// Hands out the next serial of a kind of entity, or fails when they run out.
pub(crate) fn next_serial(counter: &mut u32, noun: &str) -> Result<u32, Error> {
    let serial = *counter;
    *counter = counter.checked_add(1).ok_or_else(|| {
        Error::new(
            ErrorKind::Capacity,
            format!("this model has used up its {noun} ids"),
        )
    })?;
    Ok(serial)
}

#[derive(Debug, Clone)]
struct ArenaSlot<T> {
    serial: u32,
    value: Option<Arc<T>>,
}

/// Slots of `T`; a removed slot is reused, but under a new serial, so an id that named
/// the removed value never names the new one. Values are shared between clones of an
/// arena until one is changed (scenarios clone the model they start from), so a clone
/// costs a reference count per value.
#[derive(Debug, Clone)]
pub(crate) struct Arena<T> {
    slots: Vec<ArenaSlot<T>>,
    free: Vec<u32>,
    len: usize,
    next_serial: u32,
    noun: &'static str,
}

impl<T: Clone> Arena<T> {
    pub(crate) fn new(noun: &'static str) -> Arena<T> {
        Arena {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            next_serial: 0,
            noun,
        }
    }

    pub(crate) fn insert(&mut self, value: T) -> Result<Slot, Error> {
        let index = match self.free.last() {
            Some(&index) => index,
            None => u32::try_from(self.slots.len()).map_err(|_| {
                Error::new(
                    ErrorKind::Capacity,
                    format!("a model holds at most {} {}s", u32::MAX, self.noun),
                )
            })?,
        };
        let serial = next_serial(&mut self.next_serial, self.noun)?;
        let slot = ArenaSlot {
            serial,
            value: Some(Arc::new(value)),
        };
        match self.slots.get_mut(index as usize) {
            Some(existing) => {
                self.free.pop();
                *existing = slot;
            }
            None => self.slots.push(slot),
        }
        self.len += 1;
        Ok(Slot { index, serial })
    }

    pub(crate) fn get(&self, slot: Slot) -> Option<&T> {
        self.slots
            .get(slot.index as usize)
            .filter(|s| s.serial == slot.serial)
            .and_then(|s| s.value.as_deref())
    }

    pub(crate) fn get_mut(&mut self, slot: Slot) -> Option<&mut T> {
        self.slots
            .get_mut(slot.index as usize)
            .filter(|s| s.serial == slot.serial)
            .and_then(|s| s.value.as_mut())
            .map(Arc::make_mut)
    }

    pub(crate) fn remove(&mut self, slot: Slot) -> Option<T> {
        let s = self
            .slots
            .get_mut(slot.index as usize)
            .filter(|s| s.serial == slot.serial)?;
        let value = s.value.take()?;
        self.free.push(slot.index);
        self.len -= 1;
        Some(Arc::unwrap_or_clone(value))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (Slot, &T)> + '_ {
        self.slots.iter().zip(0u32..).filter_map(|(s, index)| {
            s.value.as_deref().map(|v| {
                (
                    Slot {
                        index,
                        serial: s.serial,
                    },
                    v,
                )
            })
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// Absolute trust in one direction of a relationship, in eight bytes: none; the
/// dogmatic opinion of a score ([`Opinion::from_score`]), held as the score, as imports
/// of scored edges make; or any other opinion, held in the relationship's [`RelExtra`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TrustSlot(u64);

impl TrustSlot {
    pub(crate) const NONE: TrustSlot = TrustSlot(u64::MAX);
    /// An opinion the side table holds.
    const EXTRA: TrustSlot = TrustSlot(u64::MAX - 1);

    /// The slot for an opinion, and the opinion again when the side table must hold it.
    pub(crate) fn new(opinion: Option<Opinion>) -> (TrustSlot, Option<Opinion>) {
        match opinion {
            None => (TrustSlot::NONE, None),
            // A score's sign bit is clear: its bits are below both tags.
            Some(o) if o.is_score() && o.belief().to_bits() >> 63 == 0 => {
                (TrustSlot(o.belief().to_bits()), None)
            }
            Some(o) => (TrustSlot::EXTRA, Some(o)),
        }
    }

    /// The opinion; `extra` reads the side table's for this direction.
    pub(crate) fn get(self, extra: impl FnOnce() -> Option<Opinion>) -> Option<Opinion> {
        match self {
            TrustSlot::NONE => None,
            TrustSlot::EXTRA => extra(),
            TrustSlot(bits) => Opinion::from_score(f64::from_bits(bits)).ok(),
        }
    }

    /// The score, when the slot holds one (whose opinion is `from_score` of it).
    pub(crate) fn score(self) -> Option<f64> {
        (self.0 >> 63 == 0).then(|| f64::from_bits(self.0))
    }

    /// Whether there is an opinion.
    pub(crate) fn is_some(self) -> bool {
        self != TrustSlot::NONE
    }
}

/// Trust in one context, in one direction of a relationship.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ContextOpinion {
    /// 0: the first party's trust in the second; 1: the reverse.
    pub(crate) direction: u8,
    /// Index into the model's contexts.
    pub(crate) context: u16,
    pub(crate) opinion: Opinion,
}

/// What few relationships carry: a cost, context opinions, absolute opinions other
/// than a score's.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelExtra {
    pub(crate) cost: Option<Decimal>,
    /// The absolute opinions whose [`TrustSlot`] is held here, by direction.
    pub(crate) absolute: [Option<Opinion>; 2],
    /// Sorted by (direction, context).
    pub(crate) contexts: Vec<ContextOpinion>,
}

/// A relationship as stored on a graph edge (the edge knows the two parties).
/// Kept small, 24 bytes: a model may hold millions. Costs, context opinions and
/// absolute opinions other than scores, which few relationships carry, live in a side
/// table keyed by the edge.
#[derive(Debug, Clone)]
pub(crate) struct RelRecord {
    pub(crate) serial: u32,
    pub(crate) kind: RelationshipKind,
    pub(crate) desired: Option<RelationshipKind>,
    /// Whether the side table holds a [`RelExtra`] for this edge.
    pub(crate) has_extra: bool,
    /// Absolute trust: [first in second, second in first].
    pub(crate) trust: [TrustSlot; 2],
}

/// The key index: ids only, hashed by the key of the entity they name, so that no key
/// is stored twice; each id is kept with its key's hash, so that growing the table
/// never reads a key again. The caller supplies how to read an entry's key.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyIndex {
    table: HashTable<(u64, Entry)>,
    state: RandomState,
}

impl KeyIndex {
    pub(crate) fn get<'a>(&self, key: &str, key_of: impl Fn(Entry) -> &'a str) -> Option<Entry> {
        let hash = self.state.hash_one(key);
        self.table
            .find(hash, |(h, e)| *h == hash && key_of(*e) == key)
            .map(|(_, e)| *e)
    }

    /// Indexes `entry` under `key`.
    pub(crate) fn insert(&mut self, key: &str, entry: Entry) {
        let hash = self.state.hash_one(key);
        self.table.insert_unique(hash, (hash, entry), |(h, _)| *h);
    }

    /// Drops `entry`, indexed under `key`.
    pub(crate) fn remove(&mut self, key: &str, entry: Entry) {
        if let Ok(found) = self
            .table
            .find_entry(self.state.hash_one(key), |(_, e)| *e == entry)
        {
            found.remove();
        }
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        self.table.reserve(additional, |(h, _)| *h);
    }

    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }
}

/// Grows a buffer holding `len` of `capacity` slots by a quarter when it is full,
/// instead of doubling: a model of millions of relationships then wastes at most a
/// fifth of its largest arrays, not half. Still amortized O(1) per push.
pub(crate) fn growth(len: usize, capacity: usize) -> Option<usize> {
    (len >= capacity).then(|| (capacity / 4).max(16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arena_never_reuses_an_id() {
        let mut arena = Arena::new("thing");
        let a = arena.insert("a").unwrap();
        assert_eq!(arena.remove(a), Some("a"));
        let b = arena.insert("b").unwrap();
        assert_eq!(a.index, b.index, "the slot is reused");
        assert_ne!(a, b, "under a new serial");
        assert_eq!(arena.get(a), None);
        assert_eq!(arena.get(b), Some(&"b"));
        assert_eq!(arena.remove(a), None);
        assert_eq!(arena.len(), 1);
    }

    #[test]
    fn serials_run_out_with_an_error() {
        let mut counter = u32::MAX;
        assert_eq!(
            next_serial(&mut counter, "x").unwrap_err().kind(),
            ErrorKind::Capacity
        );
    }

    #[test]
    fn relationship_record_stays_small() {
        // The memory budget per relationship (examples/memory.rs) rests on this size.
        assert_eq!(std::mem::size_of::<RelRecord>(), 24);
        assert_eq!(std::mem::size_of::<Option<RelRecord>>(), 24);
    }

    #[test]
    fn scores_are_held_in_the_slot_and_other_opinions_beside_it() {
        for score in [0.0, 1e-300, 0.05, 0.1, 1.0 / 3.0, 0.5, 0.9999, 1.0] {
            let opinion = Opinion::from_score(score).unwrap();
            let (slot, extra) = TrustSlot::new(Some(opinion));
            assert_eq!(extra, None, "{score}");
            let back = slot.get(|| unreachable!("a score needs no side table")).unwrap();
            assert_eq!(slot.score().map(f64::to_bits), Some(score.to_bits()));
            assert_eq!(
                back.to_parts().map(f64::to_bits),
                opinion.to_parts().map(f64::to_bits)
            );
        }
        let uncertain = Opinion::new(0.5, 0.2, 0.3, 0.5).unwrap();
        let shifted = Opinion::new(0.7, 0.3, 0.0, 0.4).unwrap();
        let negative_zero = Opinion::from_score(-0.0).unwrap();
        for other in [uncertain, shifted, negative_zero] {
            let (slot, extra) = TrustSlot::new(Some(other));
            assert_eq!(extra, Some(other));
            assert!(slot.is_some() && slot.score().is_none());
            assert_eq!(slot.get(|| extra), Some(other));
        }
        let (none, extra) = TrustSlot::new(None);
        assert!(!none.is_some() && extra.is_none());
        assert_eq!(none.get(|| Some(uncertain)), None);
    }

    #[test]
    fn growth_is_by_a_quarter() {
        assert_eq!(growth(0, 0), Some(16));
        assert_eq!(growth(10, 16), None);
        assert_eq!(growth(1000, 1000), Some(250));
    }
}

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
/// of scored edges make; or any other opinion, held in the model's [`OpinionTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TrustSlot(u64);

/// The tag of a slot whose opinion is in the table, at the index in the low bits. A
/// score's sign bit is clear ([`Opinion::is_score`]): its bits are below the tag.
const IN_TABLE: u64 = 1 << 63;

impl TrustSlot {
    pub(crate) const NONE: TrustSlot = TrustSlot(u64::MAX);

    /// The slot for an opinion, adding it to the table unless it is a score.
    ///
    /// # Errors
    /// [`ErrorKind::Capacity`] if the table holds as many opinions as it can.
    pub(crate) fn store(opinion: Option<Opinion>, table: &mut OpinionTable) -> Result<TrustSlot, Error> {
        Ok(match opinion {
            None => TrustSlot::NONE,
            Some(o) if o.is_score() => TrustSlot(o.belief().to_bits()),
            Some(o) => TrustSlot(IN_TABLE | u64::from(table.insert(o)?)),
        })
    }

    /// The opinion.
    pub(crate) fn get(self, table: &OpinionTable) -> Option<Opinion> {
        match self.0 {
            u64::MAX => None,
            bits if bits & IN_TABLE != 0 => table.get((bits & !IN_TABLE) as u32),
            bits => Opinion::from_score(f64::from_bits(bits)).ok(),
        }
    }

    /// Frees the table's entry, if the slot has one.
    pub(crate) fn release(self, table: &mut OpinionTable) {
        if self.0 != u64::MAX && self.0 & IN_TABLE != 0 {
            table.remove((self.0 & !IN_TABLE) as u32);
        }
    }

    /// The score, when the slot holds one (whose opinion is `from_score` of it).
    pub(crate) fn score(self) -> Option<f64> {
        (self.0 & IN_TABLE == 0).then(|| f64::from_bits(self.0))
    }

    /// Whether there is an opinion.
    pub(crate) fn is_some(self) -> bool {
        self != TrustSlot::NONE
    }
}

/// The absolute opinions that are not scores, 24 bytes each, by index; a freed entry
/// is reused.
#[derive(Debug, Clone, Default)]
pub(crate) struct OpinionTable {
    parts: Vec<[f64; 3]>,
    free: Vec<u32>,
}

impl OpinionTable {
    fn insert(&mut self, opinion: Opinion) -> Result<u32, Error> {
        if let Some(i) = self.free.pop() {
            if let Some(slot) = self.parts.get_mut(i as usize) {
                *slot = opinion.to_parts();
            }
            return Ok(i);
        }
        let i = u32::try_from(self.parts.len())
            .ok()
            .filter(|&i| i < u32::MAX)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Capacity,
                    "a model holds at most 2^32 - 1 opinions that are not scores",
                )
            })?;
        self.parts.push(opinion.to_parts());
        Ok(i)
    }

    fn get(&self, i: u32) -> Option<Opinion> {
        self.parts.get(i as usize).map(|p| Opinion::from_parts(*p))
    }

    fn remove(&mut self, i: u32) {
        if (i as usize) < self.parts.len() {
            self.free.push(i);
        }
    }

    /// Entries in use.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.parts.len() - self.free.len()
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

/// What few relationships carry: a cost, context opinions.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelExtra {
    pub(crate) cost: Option<Decimal>,
    /// Sorted by (direction, context).
    pub(crate) contexts: Vec<ContextOpinion>,
}

/// A relationship as stored on a graph edge (the edge knows the two parties).
/// Kept small, 24 bytes: a model may hold millions. Costs and context opinions, which
/// few relationships carry, live in a side table keyed by the edge; absolute opinions
/// other than scores in the model's [`OpinionTable`].
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
    fn scores_are_held_in_the_slot_and_other_opinions_in_the_table() {
        let mut table = OpinionTable::default();
        for score in [0.0, 1e-300, 0.05, 0.1, 1.0 / 3.0, 0.5, 0.9999, 1.0] {
            let opinion = Opinion::from_score(score).unwrap();
            let slot = TrustSlot::store(Some(opinion), &mut table).unwrap();
            assert_eq!(table.len(), 0, "{score}");
            let back = slot.get(&table).unwrap();
            assert_eq!(
                back.to_parts().map(f64::to_bits),
                opinion.to_parts().map(f64::to_bits)
            );
            assert_eq!(slot.score().map(f64::to_bits), Some(score.to_bits()));
        }
        let uncertain = Opinion::new(0.5, 0.2, 0.3, 0.5).unwrap();
        let shifted = Opinion::new(0.7, 0.3, 0.0, 0.4).unwrap();
        let negative_zero = Opinion::from_score(-0.0).unwrap();
        let slots: Vec<TrustSlot> = [uncertain, shifted, negative_zero]
            .iter()
            .map(|o| TrustSlot::store(Some(*o), &mut table).unwrap())
            .collect();
        assert_eq!(table.len(), 3);
        for (slot, other) in slots.iter().zip([uncertain, shifted, negative_zero]) {
            assert!(slot.is_some() && slot.score().is_none());
            let back = slot.get(&table).unwrap();
            assert_eq!(
                back.to_parts().map(f64::to_bits),
                other.to_parts().map(f64::to_bits)
            );
        }
        // A freed entry is reused.
        slots[1].release(&mut table);
        assert_eq!(table.len(), 2);
        let again = TrustSlot::store(Some(uncertain), &mut table).unwrap();
        assert_eq!(again, slots[1]);
        assert_eq!(table.len(), 3);
        let none = TrustSlot::store(None, &mut table).unwrap();
        assert!(!none.is_some());
        assert_eq!(none.get(&table), None);
        none.release(&mut table);
        assert_eq!(table.len(), 3);
    }

    #[test]
    fn growth_is_by_a_quarter() {
        assert_eq!(growth(0, 0), Some(16));
        assert_eq!(growth(10, 16), None);
        assert_eq!(growth(1000, 1000), Some(250));
    }
}

//! What the benchmarks share: a seeded generator and the random relationships of a
//! network with about seven per party.

#![allow(dead_code)]

use covalence::{ConstituentId, Model, Opinion, PartyId, Relationship, RelationshipKind};

/// xorshift64*: the same sequence on every run.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// `count` relationships between random pairs of `ids`, one trust direction each
/// (as an edge list gives) with projected trust between 0.05 and 1; one in ten also
/// trusted back when `both_ways`.
pub(crate) fn relationships(
    model: &mut Model,
    ids: &[ConstituentId],
    count: usize,
    rng: &mut Rng,
    both_ways: bool,
) {
    let mut added = 0;
    while added < count {
        let (a, b): (PartyId, PartyId) = (
            ids[rng.next() as usize % ids.len()].into(),
            ids[rng.next() as usize % ids.len()].into(),
        );
        if a == b || model.relationship_between(a, b).is_some() {
            continue;
        }
        let mut rel = Relationship::new(a, b, RelationshipKind::Informational);
        let score = 0.05 + (rng.next() % 950) as f64 / 1000.0;
        rel.trust[0].absolute = Some(Opinion::from_score(score).unwrap());
        if both_ways && rng.next().is_multiple_of(10) {
            rel.trust[1].absolute = Some(Opinion::from_score(score / 2.0).unwrap());
        }
        model.add_relationship(rel).unwrap();
        added += 1;
    }
}

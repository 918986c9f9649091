//! Measures the heap an editable model takes per relationship.
//!
//! ```sh
//! cargo run --release --example memory -- [RELATIONSHIPS] [PER_PARTY] [uncertain]
//! ```
//!
//! Builds, through the public API, a model of `RELATIONSHIPS` relationships (default
//! 1,000,000) among `RELATIONSHIPS / PER_PARTY` constituent groups (default 7 per
//! party, as in the benchmark networks), each relationship carrying one direction of
//! trust (as a `source,target,trust` edge list gives: a score's dogmatic opinion; with
//! `uncertain`, an opinion with uncertainty instead, as a model file may hold), and
//! reports the live heap bytes counted by a global allocator wrapper: for the whole
//! model and per relationship.

#![allow(clippy::indexing_slicing)]

use std::alloc::System;

use covalence::{
    Constituent, ConstituentId, Currency, Model, Opinion, Organization, Period, Relationship,
    RelationshipKind, Role, Settings,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Live bytes since the region began (reallocations are already folded into the
/// allocated and deallocated counts).
fn live(region: &Region<'_, System>) -> i128 {
    let s = region.change();
    s.bytes_allocated as i128 - s.bytes_deallocated as i128
}

/// A small deterministic generator (xorshift64*), so every run builds the same model.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn main() -> Result<(), covalence::Error> {
    let mut args = std::env::args().skip(1);
    let relationships: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let per_party: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7).max(1);
    let uncertain = args.next().as_deref() == Some("uncertain");
    let parties = (relationships / per_party).max(2);

    let region = Region::new(GLOBAL);
    let mut model = Model::new(Settings::new(Period::Year, Currency::USD), Organization::new("0"))?;
    let mut ids: Vec<ConstituentId> = Vec::with_capacity(parties);
    for i in 1..parties {
        ids.push(model.add_constituent(Constituent::new(
            i.to_string(),
            Role::Customer,
            1 + (i as u64 % 4999),
        ))?);
    }
    let ids_bytes = (ids.capacity() * std::mem::size_of::<ConstituentId>()) as i128;
    let after_parties = live(&region) - ids_bytes;

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut added = 0usize;
    let focal = model.focal().into();
    while added < relationships {
        let n = ids.len() as u64 + 1;
        let (a, b) = (rng.next() % n, rng.next() % n);
        let party = |i: u64| if i == 0 { focal } else { ids[i as usize - 1].into() };
        let (pa, pb) = (party(a), party(b));
        if a == b || model.relationship_between(pa, pb).is_some() {
            continue;
        }
        let mut rel = Relationship::new(pa, pb, RelationshipKind::Informational);
        let score = 0.05 + (rng.next() % 9500) as f64 / 10_000.0;
        rel.trust[0].absolute = Some(if uncertain {
            Opinion::new(score * 0.8, (1.0 - score) * 0.8, 0.2, 0.5)?
        } else {
            Opinion::from_score(score)?
        });
        model.add_relationship(rel)?;
        added += 1;
    }
    let total = live(&region) - ids_bytes;
    let for_relationships = total - after_parties;

    println!(
        "model with {} parties and {} relationships",
        parties,
        model.relationship_count()
    );
    println!("heap, whole model:          {:>12} bytes", total);
    println!(
        "heap, parties alone:        {:>12} bytes ({:.1} per party)",
        after_parties,
        after_parties as f64 / parties as f64
    );
    println!(
        "heap added by relationships:{:>12} bytes ({:.1} per relationship)",
        for_relationships,
        for_relationships as f64 / added as f64
    );
    println!(
        "whole model per relationship: {:.1} bytes",
        total as f64 / added as f64
    );
    Ok(())
}

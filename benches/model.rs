#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]
//! Benchmarks of the editable model: building, looking up, loading and writing files.
//! Inputs are generated deterministically; sizes are in the benchmark names.

use std::hint::black_box;

use covalence::{
    Constituent, ConstituentId, Currency, Model, Opinion, Organization, Period, Relationship,
    RelationshipKind, Role, Settings,
};
use criterion::{Criterion, criterion_group, criterion_main};

/// xorshift64*: the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A model of `parties` groups and about seven relationships each, one trust
/// direction per relationship.
fn network(parties: usize) -> (Model, Vec<ConstituentId>) {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("focal"),
    )
    .expect("valid settings");
    let ids: Vec<ConstituentId> = (0..parties)
        .map(|i| {
            model
                .add_constituent(Constituent::new(format!("g{i}"), Role::Customer, 100))
                .expect("fresh key")
        })
        .collect();
    let mut rng = Rng(42);
    let mut added = 0;
    while added < parties * 7 {
        let (a, b) = (
            ids[rng.next() as usize % parties],
            ids[rng.next() as usize % parties],
        );
        if a == b || model.relationship_between(a.into(), b.into()).is_some() {
            continue;
        }
        let mut rel = Relationship::new(a.into(), b.into(), RelationshipKind::Informational);
        rel.trust[0].absolute =
            Some(Opinion::from_score((rng.next() % 1000) as f64 / 1000.0).expect("in range"));
        model.add_relationship(rel).expect("valid relationship");
        added += 1;
    }
    (model, ids)
}

fn bench(c: &mut Criterion) {
    c.bench_function("build/10k_parties_70k_relationships", |b| {
        b.iter(|| black_box(network(10_000)))
    });

    let (model, ids) = network(10_000);
    c.bench_function("relationship_between/10k_parties", |b| {
        let mut rng = Rng(7);
        b.iter(|| {
            let (x, y) = (
                ids[rng.next() as usize % ids.len()],
                ids[rng.next() as usize % ids.len()],
            );
            black_box(model.relationship_between(x.into(), y.into()))
        })
    });
    c.bench_function("lookup/10k_parties", |b| {
        let mut rng = Rng(9);
        b.iter(|| black_box(model.lookup::<ConstituentId>(&format!("g{}", rng.next() % 10_000))))
    });
    c.bench_function("validate/10k_parties_70k_relationships", |b| {
        b.iter(|| black_box(model.validate()))
    });

    let text = model.to_json_string().expect("serializable");
    c.bench_function("to_json/10k_parties_70k_relationships", |b| {
        b.iter(|| black_box(model.to_json_string()))
    });
    c.bench_function("from_json/10k_parties_70k_relationships", |b| {
        b.iter(|| black_box(Model::from_json_str(&text)))
    });
    c.bench_function("sample/load", |b| b.iter(|| black_box(Model::sample())));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);

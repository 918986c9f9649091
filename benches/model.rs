#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]
//! Benchmarks of the editable model: building, looking up, loading and writing files.
//! Inputs are generated deterministically; sizes are in the benchmark names.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;

use common::Rng;

use covalence::{Constituent, ConstituentId, Currency, Model, Organization, Period, Role, Settings};
use criterion::{Criterion, criterion_group, criterion_main};

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
    common::relationships(&mut model, &ids, parties * 7, &mut rng, false);
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

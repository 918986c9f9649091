#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]
//! Trust at scale: reputation (EigenTrust) and one-to-all inferred trust on seeded
//! networks of 10,000 and 100,000 parties with about seven relationships each.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;

use common::Rng;

use covalence::{
    Constituent, ConstituentId, Currency, Model, Opinion, Organization, Period, Relationship,
    RelationshipKind, ReputationOptions, Role, Settings, TrustOptions,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// `parties` groups and the focal organization; about seven relationships per party,
/// one trust direction each (as an edge list gives), a few with trust both ways.
fn network(parties: usize) -> Model {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("focal"),
    )
    .unwrap();
    let ids: Vec<ConstituentId> = (0..parties)
        .map(|i| {
            model
                .add_constituent(Constituent::new(format!("g{i}"), Role::Customer, 100))
                .unwrap()
        })
        .collect();
    let focal = model.focal().into();
    let mut rng = Rng(0x5EED);
    for id in ids.iter().take(parties / 100) {
        let mut rel = Relationship::new(focal, (*id).into(), RelationshipKind::Responsive);
        rel.trust[0].absolute = Some(Opinion::from_score(0.9).unwrap());
        model.add_relationship(rel).unwrap();
    }
    common::relationships(&mut model, &ids, parties * 7, &mut rng, true);
    model
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("trust");
    group.sample_size(10);
    for parties in [10_000usize, 100_000] {
        let model = network(parties);
        let options = ReputationOptions::new().alpha(0.15).tolerance(1e-9);
        let focal = model.focal().into();
        // Warm: builds the snapshot and the absolute weights once.
        let warm = model.reputation(&options).unwrap();
        eprintln!("{parties} parties: {} iterations", warm.iterations());
        group.bench_with_input(BenchmarkId::new("reputation", parties), &model, |b, m| {
            b.iter(|| black_box(m.reputation(&options).unwrap()))
        });
        group.bench_with_input(
            BenchmarkId::new("inferred_trust_one_to_all", parties),
            &model,
            |b, m| b.iter(|| black_box(m.trust_paths(focal, &TrustOptions::new()).unwrap())),
        );
        group.bench_with_input(
            BenchmarkId::new("snapshot_and_reputation_cold", parties),
            &model,
            |b, m| {
                b.iter_batched(
                    || {
                        let mut cold = m.clone();
                        cold.set_focal(cold.focal()).unwrap();
                        cold
                    },
                    |cold| black_box(cold.reputation(&options).unwrap()),
                    criterion::BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]
//! Reach with 3 hops on seeded networks of 10,000 and 100,000 constituent groups
//! (about seven relationships each) and 50 channels, half of them rented.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;

use common::Rng;

use covalence::{
    Channel, Constituent, ConstituentId, Currency, Model, Opinion, Organization, Ownership, Period,
    ReachOptions, Relationship, RelationshipKind, Role, Settings,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn network(groups: usize) -> Model {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("focal"),
    )
    .unwrap();
    let focal = model.focal().into();
    let mut rng = Rng(0xC0FFEE);
    let ids: Vec<ConstituentId> = (0..groups)
        .map(|i| {
            let members = 1 + rng.next() % 5_000;
            model
                .add_constituent(Constituent::new(format!("g{i}"), Role::Customer, members))
                .unwrap()
        })
        .collect();
    let channels: Vec<_> = (0..50)
        .map(|i| {
            let ownership = if i % 2 == 0 {
                Ownership::Rented { operator: None }
            } else {
                Ownership::Owned
            };
            let c = model
                .add_channel(Channel::new(format!("c{i}"), ownership))
                .unwrap();
            model.set_presence(focal, c, 1.0).unwrap();
            c
        })
        .collect();
    for id in &ids {
        for _ in 0..2 {
            let c = channels[rng.next() as usize % channels.len()];
            let share = (1 + rng.next() % 100) as f64 / 100.0;
            model.set_presence((*id).into(), c, share).unwrap();
        }
    }
    for id in ids.iter().take(groups / 100) {
        let mut rel = Relationship::new((*id).into(), focal, RelationshipKind::Responsive);
        rel.trust[0].absolute = Some(Opinion::from_score(0.8).unwrap());
        model.add_relationship(rel).unwrap();
    }
    common::relationships(&mut model, &ids, groups * 7, &mut rng, false);
    model
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("reach");
    group.sample_size(10);
    for groups in [10_000usize, 100_000] {
        let model = network(groups);
        let options = ReachOptions::new().max_hops(3);
        let warm = model.reach(&options).unwrap();
        eprintln!(
            "{groups} groups: raw {} expected {:.0} effective {:.0}",
            warm.raw, warm.expected, warm.effective
        );
        group.bench_with_input(BenchmarkId::new("3_hops_50_channels", groups), &model, |b, m| {
            b.iter(|| black_box(m.reach(&options).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

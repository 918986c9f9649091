#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]
//! Cost and return at scale: the ledger with all its breakdowns and a 10-period
//! projection on a model of 2,000 constituent groups and 20,000 flows.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;

use common::Rng;

use covalence::{
    Adjustments, Channel, Constituent, ConstituentId, Currency, Fraction, LedgerOptions, Model, Money,
    Organization, Ownership, Period, ProjectionOptions, Role, Settings, ValueFlow, ValueObject,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;

fn model() -> Model {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("focal"),
    )
    .unwrap();
    let focal = model.focal().into();
    let mut rng = Rng(0xBEEF);
    let groups: Vec<ConstituentId> = (0..2_000)
        .map(|i| {
            model
                .add_constituent(Constituent::new(
                    format!("g{i}"),
                    Role::Customer,
                    1 + rng.next() % 5_000,
                ))
                .unwrap()
        })
        .collect();
    let channels: Vec<_> = (0..50)
        .map(|i| {
            let mut c = Channel::new(format!("c{i}"), Ownership::Commons);
            c.cost = Some(Money::new(
                Decimal::new((rng.next() % 1_000_000) as i64, 2),
                Currency::USD,
            ));
            let id = model.add_channel(c).unwrap();
            model.set_presence(focal, id, 1.0).unwrap();
            id
        })
        .collect();
    for (i, g) in groups.iter().enumerate() {
        model
            .set_presence((*g).into(), channels[i % channels.len()], 0.3)
            .unwrap();
    }
    const OBJECTS: [ValueObject; 5] = [
        ValueObject::Money,
        ValueObject::Feedback,
        ValueObject::Referral,
        ValueObject::Content,
        ValueObject::Service,
    ];
    for i in 0..20_000 {
        let g = groups[rng.next() as usize % groups.len()];
        let (from, to) = if i % 3 == 0 {
            (focal, g.into())
        } else {
            (g.into(), focal)
        };
        let object = OBJECTS[i % OBJECTS.len()].clone();
        let value = Money::new(Decimal::new((rng.next() % 100_000) as i64, 2), Currency::USD);
        let mut flow = ValueFlow::new(
            format!("f{i}"),
            from,
            to,
            object,
            value,
            Decimal::from(rng.next() % 1_000),
        );
        flow.channel = Some(channels[i % channels.len()]);
        let mut adjustments = Adjustments::default();
        adjustments.deadweight = Fraction::new(Decimal::new((rng.next() % 50) as i64, 2)).unwrap();
        adjustments.drop_off = Fraction::new(Decimal::new((rng.next() % 30) as i64, 2)).unwrap();
        flow.adjustments = adjustments;
        flow.duration = Some(1 + (rng.next() % 10) as u32);
        model.add_flow(flow).unwrap();
    }
    model
}

fn bench(c: &mut Criterion) {
    let model = model();
    let mut group = c.benchmark_group("returns");
    group.sample_size(10);
    group.bench_function("ledger_all_breakdowns/2k_groups_20k_flows", |b| {
        b.iter(|| {
            black_box(
                model
                    .ledger(&LedgerOptions::new().allocate_channel_costs(true))
                    .unwrap(),
            )
        })
    });
    group.bench_function("projection_10_periods/2k_groups_20k_flows", |b| {
        b.iter(|| black_box(model.projection(&ProjectionOptions::new().horizon(10)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

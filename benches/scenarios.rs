#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]
//! Scenarios at scale: 1,000 scenarios compared on a model of 2,000 constituent
//! groups, 50 channels, 20,000 relationships and 20,000 flows; and a plan over 30
//! candidate interventions on the same model.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;

use common::Rng;

use covalence::{
    Channel, CompareOptions, Constituent, ConstituentId, Currency, Intervention, Model, Money, Opinion,
    Organization, Ownership, Period, PlanOptions, Relationship, RelationshipKind, Role, Scenario, Settings,
    TrustProfile, ValueFlow, ValueObject,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;

const GROUPS: usize = 2_000;
const CHANNELS: usize = 50;
const RELATIONSHIPS: usize = 20_000;
const FLOWS: usize = 20_000;

fn usd(cents: u64) -> Money {
    Money::new(Decimal::new(cents as i64, 2), Currency::USD)
}

fn model() -> Model {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("focal"),
    )
    .unwrap();
    let focal = model.focal().into();
    let mut rng = Rng(0x5CE7_A210);
    let groups: Vec<ConstituentId> = (0..GROUPS)
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
    // The focal organization is related to every group, each trusting it; the rest of
    // the relationships join random groups.
    for g in &groups {
        let mut rel = Relationship::new(focal, (*g).into(), RelationshipKind::Responsive);
        let score = 0.2 + (rng.next() % 700) as f64 / 1000.0;
        rel.trust[1] = TrustProfile::absolute(Opinion::from_score(score).unwrap());
        model.add_relationship(rel).unwrap();
    }
    common::relationships(&mut model, &groups, RELATIONSHIPS - GROUPS, &mut rng, true);
    let channels: Vec<_> = (0..CHANNELS)
        .map(|i| {
            let ownership = match i % 3 {
                0 => Ownership::Owned,
                1 => Ownership::Commons,
                _ => Ownership::Rented { operator: None },
            };
            let mut c = Channel::new(format!("c{i}"), ownership);
            c.cost = Some(usd(rng.next() % 1_000_000));
            let id = model.add_channel(c).unwrap();
            model.set_presence(focal, id, 1.0).unwrap();
            id
        })
        .collect();
    for (i, g) in groups.iter().enumerate() {
        for k in 0..3 {
            model
                .set_presence(
                    (*g).into(),
                    channels[(i + 7 * k) % CHANNELS],
                    0.1 + 0.1 * k as f64,
                )
                .unwrap();
        }
    }
    for i in 0..FLOWS {
        let g = groups[rng.next() as usize % GROUPS];
        let (from, to, object) = if i % 3 == 0 {
            (focal, g.into(), ValueObject::Service)
        } else {
            (g.into(), focal, ValueObject::Feedback)
        };
        let mut flow = ValueFlow::new(
            format!("f{i}"),
            from,
            to,
            object,
            usd(rng.next() % 100_000),
            Decimal::from(rng.next() % 1_000),
        );
        flow.channel = Some(channels[i % CHANNELS]);
        if i % 2 == 1 {
            flow.trust_elasticity = 0.5 + (rng.next() % 100) as f64 / 100.0;
        }
        model.add_flow(flow).unwrap();
    }
    model
}

/// Scenarios of one to three edits (trust 4 in 9, flows 3 in 9, presences 2 in 9),
/// one in ten then closing a channel.
fn scenarios(n: usize) -> Vec<Scenario> {
    let mut rng = Rng(0xD1CE);
    (0..n)
        .map(|i| {
            let mut s = Scenario::new(format!("s{i}"));
            for _ in 0..1 + rng.next() % 3 {
                let g = format!("g{}", rng.next() as usize % GROUPS);
                let f = format!("f{}", rng.next() as usize % FLOWS);
                let c = format!("c{}", rng.next() as usize % CHANNELS);
                s = match rng.next() % 9 {
                    0..=3 => {
                        let b = (rng.next() % 900) as f64 / 1000.0;
                        let o = Opinion::new(b, (1.0 - b) / 4.0, 0.75 * (1.0 - b), 0.5).unwrap();
                        s.set_trust(&g, "focal", None, o)
                    }
                    4..=5 => s.set_occurrences(&f, Decimal::from(rng.next() % 2_000)),
                    6 => s.set_value(&f, usd(rng.next() % 100_000)),
                    _ => s.set_presence(&g, &c, (rng.next() % 100) as f64 / 100.0),
                };
            }
            if rng.next().is_multiple_of(10) {
                s = s.remove_channel(&format!("c{}", rng.next() as usize % CHANNELS));
            }
            s
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let model = model();
    let all = scenarios(1_000);
    let mut group = c.benchmark_group("scenarios");
    group.sample_size(10);
    let options = CompareOptions::new();
    group.bench_function(
        "compare_all_1000/2k_groups_50_channels_20k_relationships_20k_flows",
        |b| b.iter(|| black_box(model.compare_all(&all, &options))),
    );
    group.bench_function(
        "compare_1000_one_by_one/2k_groups_50_channels_20k_relationships_20k_flows",
        |b| {
            b.iter(|| {
                for s in &all {
                    black_box(model.compare(s).unwrap());
                }
            })
        },
    );
    let trust =
        Scenario::new("trust").set_trust("g7", "focal", None, Opinion::new(0.8, 0.1, 0.1, 0.5).unwrap());
    group.bench_function("compare_one_trust_edit", |b| {
        b.iter(|| black_box(model.compare(&trust).unwrap()))
    });
    let flow = Scenario::new("flow").set_occurrences("f7", Decimal::from(10));
    group.bench_function("compare_one_flow_edit", |b| {
        b.iter(|| black_box(model.compare(&flow).unwrap()))
    });
    group.bench_function("apply_one_flow_edit", |b| {
        b.iter(|| black_box(model.apply(&flow).unwrap()))
    });
    let mut planned = model.clone();
    for (i, s) in scenarios(30).into_iter().enumerate() {
        planned
            .add_intervention(Intervention::new(
                format!("i{i}"),
                s,
                usd(1_000_000 + i as u64 * 10_000),
                usd(100_000),
            ))
            .unwrap();
    }
    group.bench_function("plan_30_candidates", |b| {
        b.iter(|| black_box(planned.plan(&PlanOptions::new(usd(20_000_000))).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]
//! The four steps of `examples/large_network.rs` at 100,000 parties, so that
//! regressions show without the million-party workload: a seeded network shaped as the
//! peer benchmark's (`../shared/bench/gen.py`: 800,000 rows drawn, half the targets
//! heavy-tailed, key 0 related to 1% of the parties, repeated ordered pairs dropped),
//! written as CSV in memory.
//!
//! - `load`: CSV to a model (`Model::from_csv`);
//! - `reputation`: EigenTrust from key 0, a = 0.15, tolerance 1e-9, the snapshot built;
//! - `inferred_trust`: the most certain paths from key 0;
//! - `reach3`: raw reach within 3 hops over relationships.

#[path = "common/mod.rs"]
mod common;

use std::collections::HashSet;
use std::hint::black_box;

use common::Rng;
use covalence::{CsvOptions, Hops, Model, ReachOptions, ReputationOptions, TrustOptions};
use criterion::{Criterion, criterion_group, criterion_main};

const PARTIES: u64 = 100_000;
const ROWS: u64 = 800_000;

/// `(edges.csv, members.csv)` of the seeded network.
fn network() -> (String, String) {
    let mut rng = Rng(0x5EED_CAFE);
    let mut unit = || (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    let mut seen = HashSet::new();
    let mut edges = String::from("source,target,trust\n");
    for row in 0..ROWS {
        let (source, target) = if row < PARTIES / 100 {
            (0, 1 + (unit() * (PARTIES - 1) as f64) as u64)
        } else {
            let source = (unit() * PARTIES as f64) as u64;
            // Heavy-tailed targets: a power law over ranks for half of the rows.
            let target = if unit() < 0.5 {
                ((PARTIES as f64).powf(unit().powi(3)) as u64).min(PARTIES - 1)
            } else {
                (unit() * PARTIES as f64) as u64
            };
            (source, target)
        };
        let trust = 0.01 + 0.99 * unit();
        if source != target && seen.insert((source, target)) {
            edges.push_str(&format!("{source},{target},{trust:.6}\n"));
        }
    }
    let mut members = String::from("key,members\n");
    for key in 0..PARTIES {
        members.push_str(&format!("{key},{}\n", 1 + (unit() * 5_000.0) as u64));
    }
    (edges, members)
}

fn load(edges: &str, members: &str) -> Model {
    Model::from_csv(edges.as_bytes(), members.as_bytes(), &CsvOptions::new("0")).unwrap()
}

fn bench(c: &mut Criterion) {
    let (edges, members) = network();
    let mut group = c.benchmark_group("large_100k");
    group.sample_size(10);
    group.bench_function("load", |b| {
        b.iter(|| load(black_box(&edges), black_box(&members)))
    });
    let model = load(&edges, &members);
    let focal = model.focal().into();
    let reputation = ReputationOptions::new().alpha(0.15).tolerance(1e-9);
    group.bench_function("reputation", |b| {
        b.iter(|| model.reputation(black_box(&reputation)).unwrap())
    });
    group.bench_function("inferred_trust", |b| {
        b.iter(|| model.trust_paths(focal, black_box(&TrustOptions::new())).unwrap())
    });
    let reach = ReachOptions::new().max_hops(3).hops(Hops::Relationships);
    group.bench_function("reach3", |b| {
        b.iter(|| model.raw_reach(black_box(&reach)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Trust in the model: golden paths and reputations, property tests against brute
//! force and a dense linear solve, and the sample read as a strategist would.

#![allow(clippy::needless_range_loop)]

use covalence::{
    Constituent, Currency, Discount, Fusion, Model, Opinion, Organization, PartyId, Period, Relationship,
    RelationshipKind, ReputationOptions, Role, Settings, TrustOptions,
};
use proptest::prelude::*;

/// A model of `n` groups `g0..` and directed trust `(from, to, opinion)`.
fn network(n: usize, trust: &[(usize, usize, Opinion)]) -> (Model, Vec<PartyId>) {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org"),
    )
    .unwrap();
    let parties: Vec<PartyId> = (0..n)
        .map(|i| {
            model
                .add_constituent(Constituent::new(format!("g{i}"), Role::Community, 10))
                .unwrap()
                .into()
        })
        .collect();
    for &(a, b, opinion) in trust {
        let (pa, pb) = (parties[a], parties[b]);
        let id = match model.relationship_between(pa, pb) {
            Some(id) => id,
            None => model
                .add_relationship(Relationship::new(pa, pb, RelationshipKind::Responsive))
                .unwrap(),
        };
        model
            .update_relationship(id, |r| r.trust_of_mut(pa).unwrap().absolute = Some(opinion))
            .unwrap();
    }
    (model, parties)
}

fn score(p: f64) -> Opinion {
    Opinion::from_score(p).unwrap()
}

#[test]
fn golden_pt_01_most_certain_path() {
    let (a, b, c, d) = (0, 1, 2, 3);
    let edges = [
        (a, b, score(0.9)),
        (b, c, score(0.9)),
        (a, c, score(0.7)),
        (c, d, score(0.8)),
        (a, d, score(0.5)),
        (b, d, score(0.6)),
    ];
    let (model, p) = network(4, &edges);
    let inferred = model
        .inferred_trust(p[a], p[d], &TrustOptions::new())
        .unwrap()
        .unwrap();
    assert!((inferred.certainty - 0.648).abs() < 1e-12, "{inferred:?}");
    assert_eq!(inferred.path, vec![p[a], p[b], p[c], p[d]]);
    let chained = Opinion::chain(
        &[score(0.9), score(0.9), score(0.8)],
        Discount::ProbabilitySensitive,
    )
    .unwrap();
    assert_eq!(inferred.opinion, chained);
}

#[test]
fn golden_et_01_through_the_model() {
    // ek -> sd 100, ek -> vm 75 (as scores 0.8 and 0.6: the same 4:3 row), vm -> sd.
    let (ek, sd, vm) = (0, 1, 2);
    let (model, p) = network(
        3,
        &[(ek, sd, score(0.8)), (ek, vm, score(0.6)), (vm, sd, score(0.9))],
    );
    let options = ReputationOptions::new()
        .pre_trust([(p[ek], 50.0), (p[vm], 100.0)])
        .alpha(0.5)
        .tolerance(1e-14);
    let reputation = model.reputation(&options).unwrap();
    for (party, expected) in [
        (p[ek], 28.0 / 129.0),
        (p[sd], 39.0 / 129.0),
        (p[vm], 62.0 / 129.0),
    ] {
        assert!((reputation.score(party).unwrap() - expected).abs() < 1e-12);
    }
    // The focal organization, trusted by nobody the pre-trusted trust, scores 0.
    assert_eq!(reputation.score(model.focal().into()), Some(0.0));
}

#[test]
fn golden_et_07_through_the_model() {
    // alice -> bob 3, alice -> carol 1 (0.6 and 0.2), bob -> carol, carol -> alice;
    // mallory trusts nobody and nobody trusts mallory.
    let (alice, bob, carol, mallory) = (0, 1, 2, 3);
    let (model, p) = network(
        4,
        &[
            (alice, bob, score(0.6)),
            (alice, carol, score(0.2)),
            (bob, carol, score(0.4)),
            (carol, alice, score(0.1)),
        ],
    );
    let reputation = model
        .reputation(
            &ReputationOptions::new()
                .pre_trust([(p[alice], 1.0)])
                .tolerance(1e-14),
        )
        .unwrap();
    for (party, expected) in [
        (p[alice], 16.0 / 27.0),
        (p[bob], 2.0 / 9.0),
        (p[carol], 5.0 / 27.0),
    ] {
        assert!((reputation.score(party).unwrap() - expected).abs() < 1e-12);
    }
    assert_eq!(reputation.score(p[mallory]), Some(0.0));
}

#[test]
fn paths_follow_one_context_at_a_time() {
    let settings = Settings::new(Period::Year, Currency::USD).with_contexts(["support", "pricing"]);
    let mut model = Model::new(settings, Organization::new("org")).unwrap();
    let g: Vec<PartyId> = (0..3)
        .map(|i| {
            model
                .add_constituent(Constituent::new(format!("g{i}"), Role::Customer, 5))
                .unwrap()
                .into()
        })
        .collect();
    // g0 trusts g1 only on support; g1 trusts g2 absolutely.
    let mut r = Relationship::new(g[0], g[1], RelationshipKind::Responsive);
    r.trust[0].contexts.insert("support".into(), score(0.9));
    model.add_relationship(r).unwrap();
    let mut r = Relationship::new(g[1], g[2], RelationshipKind::Responsive);
    r.trust[0].absolute = Some(score(0.5));
    model.add_relationship(r).unwrap();
    let support = model
        .inferred_trust(g[0], g[2], &TrustOptions::new().context("support"))
        .unwrap()
        .unwrap();
    assert!((support.certainty - 0.45).abs() < 1e-12);
    assert!(
        model
            .inferred_trust(g[0], g[2], &TrustOptions::new().context("pricing"))
            .unwrap()
            .is_none()
    );
    assert!(
        model
            .inferred_trust(g[0], g[2], &TrustOptions::new())
            .unwrap()
            .is_none()
    );
}

#[test]
fn observations_add_evidence_to_declared_trust() {
    let mut model = Model::sample();
    let customers: PartyId = model.lookup("customers").unwrap();
    let harbor: PartyId = model.focal().into();
    let before = model.trust(customers, harbor, Some("privacy")).unwrap();
    assert!(
        before.observed.is_some(),
        "the sample observes customers on privacy"
    );
    let declared = before.declared.unwrap();
    let observed = before.observed.unwrap();
    assert_eq!(
        before.opinion,
        Some(Opinion::fuse(&[declared, observed], Fusion::Cumulative).unwrap())
    );
    // Removing the observations leaves the declared opinion alone.
    let all: Vec<_> = model
        .observations()
        .filter(|o| PartyId::from(o.by) == customers && o.about == harbor)
        .collect();
    for o in all {
        model.remove_observation(o.by, o.about, o.channel, o.context.as_deref());
    }
    let after = model.trust(customers, harbor, Some("privacy")).unwrap();
    assert_eq!(after.opinion, Some(declared));
}

#[test]
fn the_sample_read_as_a_strategist_would() {
    let model = Model::sample();
    let harbor: PartyId = model.focal().into();
    let trust = |key: &str, context: Option<&str>| {
        let group: PartyId = model.lookup(key).unwrap();
        model.trust(group, harbor, context).unwrap()
    };
    // Customers' trust is contextual: they trust Harbor's support and products, not
    // its pricing or its handling of their data.
    let customers = trust("customers", None);
    assert!(customers.contextual && customers.spread > 0.5, "{customers:?}");
    let support = trust("customers", Some("support")).opinion.unwrap().projected();
    let privacy = trust("customers", Some("privacy")).opinion.unwrap().projected();
    assert!(
        support > 0.7 && privacy < 0.35,
        "support {support}, privacy {privacy}"
    );
    assert!(trust("retail-staff", None).contextual);
    // Employees, community, executives and investors trust Harbor the same everywhere.
    for key in ["employees", "community", "executives", "investors"] {
        let t = trust(key, None);
        assert!(!t.contextual, "{key}: {t:?}");
        assert!(t.opinion.unwrap().projected() > 0.7, "{key}");
    }
    // Harbor is the most reputed party in its own network, and its reputation
    // ranking is complete and sums to 1.
    let reputation = model.reputation(&ReputationOptions::new()).unwrap();
    assert_eq!(reputation.ranked()[0].0, harbor);
    assert!((reputation.scores().map(|(_, s)| s).sum::<f64>() - 1.0).abs() < 1e-9);
}

// ----- properties -------------------------------------------------------------------

fn opinion() -> impl Strategy<Value = Opinion> {
    prop_oneof![
        (0.0..=1.0f64, 0.0..=1.0f64, 0.0..=1.0f64).prop_map(|(b, d, a)| {
            let d = d * (1.0 - b);
            Opinion::new(b, d, 1.0 - b - d, a).unwrap()
        }),
        (0.0..=1.0f64).prop_map(score),
        (0.0..=1.0f64).prop_map(|a| Opinion::vacuous(a).unwrap()),
        (0.0..50.0f64, 0.0..50.0f64).prop_map(|(r, s)| Opinion::from_evidence(r, s).unwrap()),
    ]
}

fn valid(o: &Opinion) -> bool {
    [
        o.belief(),
        o.disbelief(),
        o.uncertainty(),
        o.base_rate(),
        o.projected(),
    ]
    .iter()
    .all(|x| (0.0..=1.0).contains(x))
        && (o.belief() + o.disbelief() + o.uncertainty() - 1.0).abs() <= 1e-9
}

const FUSIONS: [Fusion; 4] = [
    Fusion::Cumulative,
    Fusion::Averaging,
    Fusion::Weighted,
    Fusion::ConsensusCompromise,
];

/// Random trust graphs: `n` groups and directed opinions, some with projected trust 0.
fn graph() -> impl Strategy<Value = (usize, Vec<(usize, usize, Opinion)>)> {
    (2usize..7).prop_flat_map(|n| {
        let edge = (0..n, 0..n, prop_oneof![4 => opinion(), 1 => Just(score(0.0))]);
        (Just(n), proptest::collection::vec(edge, 0..(n * n)))
            .prop_map(|(n, edges)| (n, edges.into_iter().filter(|(a, b, _)| a != b).collect()))
    })
}

/// The certainty of the most certain path by brute force over all simple paths.
fn brute_force(n: usize, p: &[Vec<f64>], from: usize, to: usize) -> f64 {
    fn go(p: &[Vec<f64>], at: usize, to: usize, seen: &mut Vec<bool>, so_far: f64, best: &mut f64) {
        if at == to {
            *best = best.max(so_far);
            return;
        }
        for next in 0..p.len() {
            if !seen[next] && p[at][next] > 0.0 {
                seen[next] = true;
                go(p, next, to, seen, so_far * p[at][next], best);
                seen[next] = false;
            }
        }
    }
    let mut seen = vec![false; n];
    seen[from] = true;
    let mut best = 0.0;
    go(p, from, to, &mut seen, 1.0, &mut best);
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_operator_gives_a_valid_opinion(x in opinion(), y in opinion(), more in proptest::collection::vec(opinion(), 0..5)) {
        prop_assert!(valid(&x.discount(&y)));
        prop_assert!(valid(&x.discount_with(&y, Discount::UncertaintyFavouring)));
        let mut all = vec![x, y];
        all.extend(more);
        prop_assert!(valid(&Opinion::chain(&all, Discount::ProbabilitySensitive).unwrap()));
        prop_assert!(valid(&Opinion::chain(&all, Discount::UncertaintyFavouring).unwrap()));
        for how in FUSIONS {
            let fused = Opinion::fuse(&all, how).unwrap();
            prop_assert!(valid(&fused), "{how:?}: {fused:?}");
        }
    }

    #[test]
    fn discounting_never_adds_belief(trust in opinion(), advice in opinion()) {
        for how in [Discount::ProbabilitySensitive, Discount::UncertaintyFavouring] {
            let derived = trust.discount_with(&advice, how);
            prop_assert!(derived.belief() <= advice.belief() + 1e-15);
            prop_assert!(derived.disbelief() <= advice.disbelief() + 1e-15);
        }
    }

    #[test]
    fn cumulative_fusion_adds_evidence(r1 in 0.0..100.0f64, s1 in 0.0..100.0f64, r2 in 0.0..100.0f64, s2 in 0.0..100.0f64, a in 0.0..=1.0f64) {
        let x = Opinion::from_evidence_with_base_rate(r1, s1, a).unwrap();
        let y = Opinion::from_evidence_with_base_rate(r2, s2, a).unwrap();
        let fused = Opinion::fuse(&[x, y], Fusion::Cumulative).unwrap();
        let sum = Opinion::from_evidence_with_base_rate(r1 + r2, s1 + s2, a).unwrap();
        prop_assert!((fused.belief() - sum.belief()).abs() < 1e-12);
        prop_assert!((fused.disbelief() - sum.disbelief()).abs() < 1e-12);
        prop_assert!((fused.base_rate() - a).abs() < 1e-12);
    }

    #[test]
    fn a_vacuous_opinion_changes_nothing_in_cumulative_fusion(x in opinion(), a in 0.0..=1.0f64) {
        let fused = Opinion::fuse(&[Opinion::vacuous(a).unwrap(), x], Fusion::Cumulative).unwrap();
        prop_assert!((fused.belief() - x.belief()).abs() < 1e-12);
        prop_assert!((fused.disbelief() - x.disbelief()).abs() < 1e-12);
        if x.uncertainty() < 1.0 {
            prop_assert!((fused.base_rate() - x.base_rate()).abs() < 1e-12);
        }
    }

    #[test]
    fn fusion_does_not_depend_on_input_order(mut all in proptest::collection::vec(opinion(), 1..6), rotate in 0usize..6) {
        for how in [Fusion::Cumulative, Fusion::Averaging] {
            let first = Opinion::fuse(&all, how).unwrap();
            let len = all.len();
            all.rotate_left(rotate % len);
            all.reverse();
            let second = Opinion::fuse(&all, how).unwrap();
            prop_assert!((first.belief() - second.belief()).abs() < 1e-12);
            prop_assert!((first.disbelief() - second.disbelief()).abs() < 1e-12);
            prop_assert!((first.base_rate() - second.base_rate()).abs() < 1e-12);
        }
    }

    #[test]
    fn inferred_paths_are_real_paths_and_the_most_certain((n, edges) in graph()) {
        let (model, parties) = network(n, &edges);
        // Projected trust per ordered pair, as the model resolves it (later declarations
        // of a pair replace earlier ones).
        let mut p = vec![vec![0.0; n]; n];
        let mut o = vec![vec![None; n]; n];
        for (a, b, opinion) in &edges {
            p[*a][*b] = opinion.projected();
            o[*a][*b] = Some(*opinion);
        }
        for from in 0..n {
            let paths = model.trust_paths(parties[from], &TrustOptions::new()).unwrap();
            for to in 0..n {
                if to == from {
                    continue;
                }
                let best = brute_force(n, &p, from, to);
                match paths.get(parties[to]) {
                    None => prop_assert_eq!(best, 0.0),
                    Some(found) => {
                        prop_assert!((found.certainty - best).abs() <= 1e-12 * best.max(1.0), "{found:?} vs {best}");
                        let index = |q: &PartyId| parties.iter().position(|x| x == q).unwrap();
                        let links: Vec<Opinion> = found.path.windows(2).map(|w| o[index(&w[0])][index(&w[1])].unwrap()).collect();
                        let product: f64 = links.iter().map(Opinion::projected).product();
                        prop_assert!((product - found.certainty).abs() < 1e-12);
                        let chained = Opinion::chain(&links, Discount::ProbabilitySensitive).unwrap();
                        prop_assert!((chained.belief() - found.opinion.belief()).abs() < 1e-12);
                        prop_assert!((chained.disbelief() - found.opinion.disbelief()).abs() < 1e-12);
                    }
                }
            }
        }
    }

    #[test]
    fn reputation_is_a_distribution_that_agrees_with_a_dense_solve((n, edges) in graph(), alpha in 0.05..=1.0f64, seed in 0usize..6) {
        let (model, parties) = network(n, &edges);
        let seed = parties[seed % n];
        let reputation = model
            .reputation(&ReputationOptions::new().pre_trust([(seed, 1.0)]).alpha(alpha).tolerance(1e-13))
            .unwrap();
        let scores: Vec<f64> = parties.iter().map(|q| reputation.score(*q).unwrap()).collect();
        prop_assert!(scores.iter().all(|s| *s >= 0.0));
        let total: f64 = reputation.scores().map(|(_, s)| s).sum();
        prop_assert!((total - 1.0).abs() < 1e-9);
        // Dense: t = a (I - (1 - a) Cᵀ)⁻¹ p, rows without trust following p.
        let s = seed_index(&parties, seed);
        let mut w = vec![vec![0.0; n]; n];
        for (a, b, opinion) in &edges {
            w[*a][*b] = opinion.projected();
        }
        let mut c = vec![vec![0.0; n]; n];
        for i in 0..n {
            let row: f64 = w[i].iter().sum();
            for j in 0..n {
                c[i][j] = if row > 0.0 { w[i][j] / row } else if j == s { 1.0 } else { 0.0 };
            }
        }
        let mut m = vec![vec![0.0; n + 1]; n];
        for j in 0..n {
            for i in 0..n {
                m[j][i] = if i == j { 1.0 } else { 0.0 } - (1.0 - alpha) * c[i][j];
            }
            m[j][n] = if j == s { alpha } else { 0.0 };
        }
        let dense = gauss(m);
        for (x, y) in scores.iter().zip(&dense) {
            prop_assert!((x - y).abs() < 1e-9, "{scores:?} vs {dense:?}");
        }
        // Parties no path of positive trust from the seed reaches score exactly 0.
        let mut reach = vec![false; n];
        reach[s] = true;
        let mut stack = vec![s];
        while let Some(i) = stack.pop() {
            for j in 0..n {
                if w[i][j] > 0.0 && !reach[j] {
                    reach[j] = true;
                    stack.push(j);
                }
            }
        }
        for i in 0..n {
            if !reach[i] {
                prop_assert_eq!(scores[i], 0.0);
            }
        }
    }

    #[test]
    fn analyses_after_edits_equal_analyses_of_a_fresh_copy(
        mut model in covalence::strategy::models(30),
        edits in covalence::strategy::edits(20),
    ) {
        // Warm the cache, edit, and compare with a model that never had one.
        let _ = model.reputation(&ReputationOptions::new());
        for edit in &edits {
            edit.apply(&mut model).unwrap();
            let fresh = Model::from_json_str(&model.to_json_string().unwrap()).unwrap();
            let ours = model.reputation(&ReputationOptions::new()).unwrap();
            let theirs = fresh.reputation(&ReputationOptions::new()).unwrap();
            let key = |m: &Model, q: PartyId| m.party_key(q).unwrap().to_string();
            let mut a: Vec<(String, u64)> = ours.scores().map(|(q, s)| (key(&model, q), s.to_bits())).collect();
            let mut b: Vec<(String, u64)> = theirs.scores().map(|(q, s)| (key(&fresh, q), s.to_bits())).collect();
            a.sort();
            b.sort();
            prop_assert_eq!(a.len(), b.len());
            for ((ka, sa), (kb, sb)) in a.iter().zip(&b) {
                prop_assert_eq!(ka, kb);
                prop_assert!((f64::from_bits(*sa) - f64::from_bits(*sb)).abs() < 1e-9);
            }
        }
    }
}

fn seed_index(parties: &[PartyId], seed: PartyId) -> usize {
    parties.iter().position(|p| *p == seed).unwrap()
}

/// Gaussian elimination with partial pivoting on an augmented matrix.
fn gauss(mut m: Vec<Vec<f64>>) -> Vec<f64> {
    let n = m.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
            .unwrap();
        m.swap(col, pivot);
        for row in 0..n {
            if row != col {
                let f = m[row][col] / m[col][col];
                for k in col..=n {
                    m[row][k] -= f * m[col][k];
                }
            }
        }
    }
    (0..n).map(|i| m[i][n] / m[i][i]).collect()
}

#[test]
fn regression_a_dogmatic_declared_opinion_is_not_moved_by_evidence() {
    let mut model = Model::sample();
    let customers: PartyId = model.lookup("customers").unwrap();
    let harbor: PartyId = model.focal().into();
    let id = model.relationship_between(harbor, customers).unwrap();
    model
        .update_relationship(id, |r| {
            r.trust_of_mut(customers)
                .unwrap()
                .contexts
                .insert("privacy".into(), score(0.9));
        })
        .unwrap();
    let t = model.trust(customers, harbor, Some("privacy")).unwrap();
    assert_eq!(t.opinion, Some(score(0.9)));
    assert_eq!(t.source, covalence::TrustSource::Declared);
    assert!(t.observed.is_some(), "the evidence is still reported");
}

#[test]
fn regression_trust_declared_only_in_contexts_is_contextual() {
    let settings = Settings::new(Period::Year, Currency::USD).with_contexts(["support"]);
    let mut model = Model::new(settings, Organization::new("org")).unwrap();
    let g: PartyId = model
        .add_constituent(Constituent::new("g", Role::Customer, 5))
        .unwrap()
        .into();
    let mut r = Relationship::new(g, model.focal().into(), RelationshipKind::Responsive);
    r.trust[0].contexts.insert("support".into(), score(0.8));
    model.add_relationship(r).unwrap();
    let t = model.trust(g, model.focal().into(), None).unwrap();
    assert!(t.contextual && t.opinion.is_none(), "{t:?}");
}

#[test]
fn regression_long_paths_of_weak_trust_are_still_found() {
    let n = 200;
    let edges: Vec<(usize, usize, Opinion)> = (0..n - 1).map(|i| (i, i + 1, score(0.01))).collect();
    let (model, p) = network(n, &edges);
    let paths = model.trust_paths(p[0], &TrustOptions::new()).unwrap();
    assert_eq!(paths.reached(), n);
    let last = paths.get(p[n - 1]).unwrap();
    assert_eq!(last.path.len(), n);
    assert_eq!(last.certainty, 0.0, "0.01^199 underflows, but the path is there");
}

#[test]
fn what_a_group_says_about_a_party_counts_as_trust_in_paths() {
    let mut model = Model::sample();
    let media: PartyId = model.lookup("media").unwrap();
    let meta: covalence::OrgId = model.lookup("meta").unwrap();
    let facebook = model.lookup("facebook").unwrap();
    let options = TrustOptions::new();
    let before = model.trust_paths(media, &options).unwrap().certainty(meta.into());
    let mut remarks = covalence::Observation::new(model.lookup("media").unwrap(), meta.into(), facebook);
    remarks.positive = 90;
    remarks.negative = 10;
    model.set_observation(remarks).unwrap();
    let after = model
        .trust_paths(media, &options)
        .unwrap()
        .get(meta.into())
        .unwrap();
    assert_eq!(
        after.path,
        vec![media, meta.into()],
        "a direct edge from the observations"
    );
    assert!(before.is_none_or(|b| after.certainty >= b));
    assert!((after.certainty - Opinion::from_evidence(90.0, 10.0).unwrap().projected()).abs() < 1e-12);
}

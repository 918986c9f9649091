//! Reach: golden rows, hand-computed cases, invariants, and the sample's story.

use covalence::{
    Channel, ChannelId, Constituent, ConstituentId, Currency, Hops, Model, Opinion, Organization, Ownership,
    PartyId, Period, ReachOptions, Relationship, RelationshipKind, Role, Settings, TrustBasis,
};

fn model() -> Model {
    Model::new(Settings::new(Period::Year, Currency::USD), Organization::new("o")).unwrap()
}

fn group(model: &mut Model, key: &str, members: u64) -> ConstituentId {
    model
        .add_constituent(Constituent::new(key, Role::Community, members))
        .unwrap()
}

fn channel(model: &mut Model, key: &str, ownership: Ownership) -> ChannelId {
    let id = model.add_channel(Channel::new(key, ownership)).unwrap();
    model.set_presence(model.focal().into(), id, 1.0).unwrap();
    id
}

/// `a` related to `b`, with `a`'s trust in `b` as a score.
fn relate(model: &mut Model, a: PartyId, b: PartyId, trust: Option<f64>) {
    let mut r = Relationship::new(a, b, RelationshipKind::Responsive);
    r.trust[0].absolute = trust.map(|p| Opinion::from_score(p).unwrap());
    model.add_relationship(r).unwrap();
}

/// The golden graph: O on channels N, X, G; audiences N = p1..p4, X = p3..p7, G = p7, p8.
fn golden() -> (Model, [ChannelId; 3]) {
    let mut m = model();
    let p: Vec<ConstituentId> = (1..=8).map(|i| group(&mut m, &format!("p{i}"), 1)).collect();
    let rented = Ownership::Rented { operator: None };
    let n = channel(&mut m, "n", Ownership::Owned);
    let x = channel(&mut m, "x", rented);
    let g = channel(&mut m, "g", Ownership::Commons);
    for (c, members) in [(n, 0..4), (x, 2..7), (g, 6..8)] {
        for i in members {
            m.set_presence(p[i].into(), c, 1.0).unwrap();
        }
    }
    (m, [n, x, g])
}

#[test]
fn golden_re_02_raw_reach_counts_people_once() {
    let (m, _) = golden();
    let reach = m.reach(&ReachOptions::new().max_hops(2)).unwrap();
    assert_eq!(reach.raw, 8);
    assert_eq!(reach.channels.iter().map(|c| c.exposure).sum::<f64>(), 11.0);
}

#[test]
fn golden_re_03_unique_reach_per_channel() {
    let (m, [n, x, g]) = golden();
    let reach = m.reach(&ReachOptions::new()).unwrap();
    let unique = |c: ChannelId| {
        reach
            .channels
            .iter()
            .find(|r| r.channel == c)
            .unwrap()
            .unique_reach
    };
    assert_eq!((unique(n), unique(x), unique(g)), (2, 2, 1));
}

#[test]
fn golden_re_04_hhi_of_exposure_shares() {
    let (m, _) = golden();
    let reach = m.reach(&ReachOptions::new()).unwrap();
    assert!((reach.exposure_hhi.unwrap() - 45.0 / 121.0).abs() < 1e-12);
}

/// O - A (A trusts O 0.8), A - B (B trusts A 0.5), B - C (C trusts B 0.4), C - E (E
/// trusts C 0.5); O on rented channel K where D (share 0.5) and B (share 0.2) are;
/// A and B share 10 members.
fn hand() -> (Model, [PartyId; 5], ChannelId) {
    let mut m = model();
    let o: PartyId = m.focal().into();
    let a = group(&mut m, "a", 100);
    let b = group(&mut m, "b", 50);
    let c = group(&mut m, "c", 30);
    let d = group(&mut m, "d", 20);
    let e = group(&mut m, "e", 10);
    relate(&mut m, a.into(), o, Some(0.8));
    relate(&mut m, b.into(), a.into(), Some(0.5));
    relate(&mut m, c.into(), b.into(), Some(0.4));
    relate(&mut m, e.into(), c.into(), Some(0.5));
    let k = channel(&mut m, "k", Ownership::Rented { operator: None });
    m.set_presence(d.into(), k, 0.5).unwrap();
    m.set_presence(b.into(), k, 0.2).unwrap();
    m.set_overlap(a, b, 10).unwrap();
    (m, [a.into(), b.into(), c.into(), d.into(), e.into()], k)
}

fn close(x: f64, y: f64) -> bool {
    (x - y).abs() < 1e-9
}

#[test]
fn hand_computed_two_hops() {
    let (m, [a, b, c, d, _], k) = hand();
    let reach = m.reach(&ReachOptions::new().max_hops(2)).unwrap();
    // P: a 1 (related), d 0.5 (channel), b 1 - 0.8 (1 - 1 x 0.5) = 0.6, c 0.2 x 0.4.
    let row = |p: PartyId| {
        reach
            .constituents
            .iter()
            .find(|r| PartyId::from(r.constituent) == p)
            .unwrap()
            .clone()
    };
    assert!(close(row(a).probability, 1.0) && close(row(b).probability, 0.6));
    assert!(close(row(c).probability, 0.08) && close(row(d).probability, 0.5));
    assert_eq!((row(a).hop, row(b).hop, row(c).hop, row(d).hop), (1, 1, 2, 1));
    // Trust in O: a direct 0.8; b via a: 0.5 x (0.8, 0.2) -> P 0.65; c: 0.56; d unknown.
    assert_eq!(
        (row(a).trust_basis, row(b).trust_basis, row(d).trust_basis),
        (TrustBasis::Direct, TrustBasis::Inferred, TrustBasis::Unknown)
    );
    assert!(close(row(b).trust, 0.65) && close(row(c).trust, 0.56) && close(row(d).trust, 0.5));
    assert_eq!(reach.raw, 190); // 100 + 50 + 30 + 20 - 10
    assert!(close(reach.expected, 136.4)); // 100 + 30 + 2.4 + 10 - 10 x 1 x 0.6
    assert!(close(reach.effective, 102.724)); // 80 + 19.5 + 1.344 + 5 - 10 x 0.6 x 0.8 x 0.65
    // Without K: b only through a (0.5), c and d out of reach.
    let k_row = &reach.channels[0];
    assert_eq!((k_row.channel, k_row.unique_reach), (k, 50));
    assert!(close(k_row.expected_dependency, (136.4 - 120.0) / 136.4));
    assert!(close(k_row.effective_dependency, (102.724 - 93.65) / 102.724));
    assert!(close(
        reach.rented_effective_dependency,
        k_row.effective_dependency
    ));
    assert_eq!(reach.largest_rented, Some(k));
    assert_eq!(reach.exposure_hhi, Some(1.0));
    assert!(close(reach.scale_vs_value.unwrap(), 102.724 / 190.0));
}

#[test]
fn hand_computed_three_hops() {
    let (m, [a, b, c, d, e], _) = hand();
    let reach = m.reach(&ReachOptions::new().max_hops(3)).unwrap();
    let row = |p: PartyId| {
        reach
            .constituents
            .iter()
            .find(|r| PartyId::from(r.constituent) == p)
            .unwrap()
            .clone()
    };
    // b stays 0.6: c and e heard of O only through b, and that does not come back to b.
    // c = 0.6 x 0.4; e = c's chance without e (0.08 at the second round) x 0.5.
    assert!(close(row(b).probability, 0.6) && close(row(c).probability, 0.24));
    assert!(close(row(e).probability, 0.04) && row(e).hop == 3);
    assert!(close(row(a).probability, 1.0) && close(row(d).probability, 0.5));
    // e trusts O through c, b, a: 0.5 x 0.4 x 0.5 = 0.1 of (0.8, 0.2): P = 0.08 + 0.45.
    assert!(close(row(e).trust, 0.53));
    assert_eq!(reach.raw, 200);
    assert!(close(reach.expected, 141.6)); // 100 + 30 + 7.2 + 10 + 0.4 - 6
    assert!(close(reach.effective, 105.624)); // 80 + 19.5 + 4.032 + 5 + 0.212 - 3.12
}

#[test]
fn regression_word_of_mouth_does_not_echo_back() {
    let mut m = model();
    let g = group(&mut m, "g", 100);
    let h = group(&mut m, "h", 100);
    let k = channel(&mut m, "k", Ownership::Owned);
    m.set_presence(g.into(), k, 0.1).unwrap();
    relate(&mut m, g.into(), h.into(), Some(1.0));
    let id = m.relationship_between(g.into(), h.into()).unwrap();
    m.update_relationship(id, |r| {
        r.trust[1].absolute = Some(Opinion::from_score(1.0).unwrap())
    })
    .unwrap();
    for hops in [2, 3, 10, 50] {
        let reach = m.reach(&ReachOptions::new().max_hops(hops)).unwrap();
        let pg = reach
            .constituents
            .iter()
            .find(|r| r.constituent == g)
            .unwrap()
            .probability;
        assert!(close(pg, 0.1), "{hops} hops: {pg}");
    }
}

#[test]
fn regression_a_constituent_sources_own_members_and_overlaps_are_left_out() {
    let mut m = model();
    let s = group(&mut m, "s", 100);
    let b = group(&mut m, "b", 50);
    let c = group(&mut m, "c", 50);
    relate(&mut m, s.into(), b.into(), None);
    relate(&mut m, s.into(), c.into(), None);
    m.set_overlap(s, b, 30).unwrap();
    m.set_overlap(s, c, 30).unwrap();
    let reach = m.reach(&ReachOptions::new().source(s.into())).unwrap();
    assert_eq!(reach.raw, 100);
    assert!(close(reach.expected, 100.0) && close(reach.effective, 50.0));
}

#[test]
fn regression_equally_certain_paths_do_not_depend_on_insertion_order() {
    let build = |x_first: bool| {
        let mut m = model();
        let o: PartyId = m.focal().into();
        let u = group(&mut m, "u", 100);
        let (x, y) = if x_first {
            let x = group(&mut m, "x", 1);
            (x, group(&mut m, "y", 1))
        } else {
            let y = group(&mut m, "y", 1);
            (group(&mut m, "x", 1), y)
        };
        relate(&mut m, u.into(), x.into(), Some(0.8));
        relate(&mut m, u.into(), y.into(), Some(0.8));
        let mut r = Relationship::new(x.into(), o, RelationshipKind::Responsive);
        r.trust[0].absolute = Some(Opinion::new(0.5, 0.0, 0.5, 0.6).unwrap());
        m.add_relationship(r).unwrap();
        relate(&mut m, y.into(), o, Some(0.8));
        m.reach(&ReachOptions::new()).unwrap().effective
    };
    assert!(close(build(true), build(false)));
}

#[test]
fn regression_organizations_on_a_channel_are_not_its_audience() {
    let mut m = model();
    let rival = m.add_organization(Organization::new("rival")).unwrap();
    let g = group(&mut m, "g", 100);
    let k = channel(&mut m, "k", Ownership::Rented { operator: None });
    m.set_presence(rival.into(), k, 1.0).unwrap();
    relate(&mut m, g.into(), rival.into(), Some(0.9));
    let reach = m.reach(&ReachOptions::new().max_hops(3)).unwrap();
    assert_eq!(reach.raw, 0);
    assert_eq!(reach.channels[0].exposure, 0.0);
    assert!(reach.channels[0].exposure.is_sign_positive());
    assert_eq!(reach.exposure_hhi, None);
}

#[test]
fn regression_hop_limits_are_bounded() {
    let (m, _, _) = hand();
    assert_eq!(
        m.reach(&ReachOptions::new().max_hops(101)).unwrap_err().kind(),
        covalence::ErrorKind::InvalidValue
    );
    let none = m.reach(&ReachOptions::new().max_hops(0)).unwrap();
    assert_eq!((none.raw, none.channels.len()), (0, 0));
}

#[test]
fn hops_choose_the_links() {
    let (m, _, _) = hand();
    let channels = m
        .reach(&ReachOptions::new().hops(Hops::Channels).max_hops(3))
        .unwrap();
    assert_eq!(channels.raw, 50 + 20); // b and d only; the a-b overlap needs a reached
    let relationships = m
        .reach(&ReachOptions::new().hops(Hops::Relationships).max_hops(3))
        .unwrap();
    assert_eq!(relationships.raw, 100 + 50 + 30 - 10);
    assert!(relationships.channels.iter().all(|c| c.unique_reach == 0));
}

#[test]
fn the_sample_shows_scale_is_not_value() {
    let model = Model::sample();
    let reach = model.reach(&ReachOptions::new()).unwrap();
    // Harbor relates to every group directly, so everyone is reached, but trust makes
    // the effective number much smaller than the scale.
    assert!(reach.expected <= reach.raw as f64 && reach.effective < 0.7 * reach.expected);
    // Commercial platforms carry two thirds of the raw exposure, yet none of the
    // trusted reach depends on them: the relationships carry it.
    let rented_exposure: f64 = reach
        .channels
        .iter()
        .filter(|c| c.ownership.is_rented())
        .map(|c| c.exposure_share)
        .sum();
    assert!(rented_exposure > 0.6, "rented exposure {rented_exposure}");
    assert!(
        reach.rented_effective_dependency < 0.05,
        "{}",
        reach.rented_effective_dependency
    );
    let hhi = reach.exposure_hhi.unwrap();
    assert!((1.0 / reach.channels.len() as f64..=1.0).contains(&hhi));
    // Reached through channels alone (broadcast), the platforms matter, but less for
    // trusted reach than for exposure: their audiences trust Harbor least.
    let broadcast = model.reach(&ReachOptions::new().hops(Hops::Channels)).unwrap();
    assert!(
        broadcast.rented_effective_dependency < rented_exposure - 0.15,
        "{}",
        broadcast.rented_effective_dependency
    );
    let largest = broadcast.largest_rented.unwrap();
    assert_eq!(model.channel(largest).unwrap().key, "instagram");
    assert_eq!(
        reach.largest_rented, None,
        "no platform carries trusted reach when relationships do"
    );
}

// ----- properties -------------------------------------------------------------------

#[cfg(feature = "proptest")]
mod properties {
    use super::*;
    use covalence::strategy;
    use proptest::prelude::*;

    fn options() -> impl Strategy<Value = ReachOptions> {
        (
            0u32..7,
            prop_oneof![Just(Hops::Both), Just(Hops::Relationships), Just(Hops::Channels)],
            0.0..=1.0f64,
        )
            .prop_map(|(h, hops, unknown)| ReachOptions::new().max_hops(h).hops(hops).unknown_trust(unknown))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn effective_expected_raw_are_ordered_and_dependencies_are_shares(model in strategy::models(40), options in options()) {
            // Raw reach alone first, while the snapshot has no neighbour rows (it scans
            // the relationships), then again (it builds the rows and walks them).
            let scanned = model.raw_reach(&options).unwrap();
            let walked = model.raw_reach(&options).unwrap();
            let reach = model.reach(&options).unwrap();
            prop_assert_eq!(scanned, reach.raw);
            prop_assert_eq!(walked, reach.raw);
            prop_assert!(0.0 <= reach.effective && reach.effective <= reach.expected + 1e-9);
            prop_assert!(reach.expected <= reach.raw as f64 + 1e-9);
            for c in &reach.channels {
                prop_assert!((0.0..=1.0).contains(&c.expected_dependency));
                prop_assert!((0.0..=1.0).contains(&c.effective_dependency));
                prop_assert!((0.0..=1.0).contains(&c.exposure_share));
            }
            prop_assert!((0.0..=1.0).contains(&reach.rented_effective_dependency));
            prop_assert!((0.0..=1.0).contains(&reach.rented_effective_dependency));
            let exposed = reach.channels.iter().filter(|c| c.exposure_share > 0.0).count();
            if let Some(hhi) = reach.exposure_hhi {
                prop_assert!(hhi >= 1.0 / exposed as f64 - 1e-12 && hhi <= 1.0 + 1e-12, "{hhi} for {exposed}");
            } else {
                prop_assert_eq!(exposed, 0);
            }
            for r in &reach.constituents {
                prop_assert!((0.0..=1.0).contains(&r.probability) && (0.0..=1.0).contains(&r.trust));
                prop_assert!(r.hop >= 1 && r.hop <= reach.max_hops);
            }
            // Raw reach alone is reach's raw number, and a channel alone never reaches
            // more than all of them.
            prop_assert_eq!(model.raw_reach(&options).unwrap(), reach.raw);
            for c in &reach.channels {
                prop_assert!(c.effective_reach <= c.raw_reach as f64 + 1e-9);
                prop_assert!(c.raw_reach <= reach.raw);
            }
        }

        #[test]
        fn adding_a_link_never_lowers_reach(
            model in strategy::models(40),
            a in any::<usize>(), b in any::<usize>(), share in 0.0..=1.0f64, score in 0.0..=1.0f64,
            options in options(),
        ) {
            let before = model.reach(&options).unwrap();
            let parties: Vec<PartyId> = model.constituents().map(|(id, _)| id.into())
                .chain(model.organizations().map(|(id, _)| id.into())).collect();
            let channels: Vec<ChannelId> = model.channels().map(|(id, _)| id).collect();
            // A relationship.
            let (pa, pb) = (parties[a % parties.len()], parties[b % parties.len()]);
            if pa != pb && model.relationship_between(pa, pb).is_none() {
                let mut more = model.clone();
                let mut r = Relationship::new(pa, pb, RelationshipKind::Responsive);
                r.trust[0].absolute = Some(Opinion::from_score(score).unwrap());
                more.add_relationship(r).unwrap();
                let after = more.reach(&options).unwrap();
                prop_assert!(after.raw >= before.raw, "raw {} -> {}", before.raw, after.raw);
                prop_assert!(after.expected >= before.expected - 1e-9, "expected {} -> {}", before.expected, after.expected);
            }
            // A presence.
            if !channels.is_empty() {
                let c = channels[b % channels.len()];
                let party = parties[a % parties.len()];
                if model.presence(party, c).is_none() {
                    let mut more = model.clone();
                    let share = if matches!(party, PartyId::Organization(_)) { 1.0 } else { share };
                    more.set_presence(party, c, share).unwrap();
                    let after = more.reach(&options).unwrap();
                    prop_assert!(after.raw >= before.raw);
                    prop_assert!(after.expected >= before.expected - 1e-9);
                }
            }
        }

        #[test]
        fn removing_a_channel_never_raises_reach(model in strategy::models(40), pick in any::<usize>(), options in options()) {
            let channels: Vec<ChannelId> = model.channels().map(|(id, _)| id).collect();
            prop_assume!(!channels.is_empty());
            let c = channels[pick % channels.len()];
            // What is said in the channel goes with it and changes trust; compare with
            // the model without those remarks, so only the channel as a route differs.
            let mut quiet = model.clone();
            for o in model.observations().filter(|o| o.channel == c) {
                quiet.remove_observation(o.by, o.about, o.channel, o.context.as_deref());
            }
            let before = quiet.reach(&options).unwrap();
            let mut less = quiet.clone();
            let users: Vec<_> = less.flows().filter(|(_, f)| f.channel == Some(c)).map(|(id, _)| id).collect();
            for f in users {
                less.update_flow(f, |flow| flow.channel = None).unwrap();
            }
            less.remove_channel(c).unwrap();
            let after = less.reach(&options).unwrap();
            prop_assert!(after.raw <= before.raw);
            prop_assert!(after.expected <= before.expected + 1e-9);
            prop_assert!(after.effective <= before.effective + 1e-9);
        }

        #[test]
        fn reach_does_not_depend_on_the_order_entities_were_added(model in strategy::models(40), options in options()) {
            // The same model written with every section reversed.
            let mut doc: serde_json::Value = serde_json::from_str(&model.to_json_string().unwrap()).unwrap();
            for section in ["organizations", "constituents", "overlaps", "channels", "activities", "relationships", "flows", "presences", "observations"] {
                if let Some(items) = doc.get_mut(section).and_then(|v| v.as_array_mut()) {
                    items.reverse();
                }
            }
            let reversed = Model::from_json_str(&doc.to_string()).unwrap();
            let a = model.reach(&options).unwrap();
            let b = reversed.reach(&options).unwrap();
            prop_assert_eq!(a.raw, b.raw);
            prop_assert!((a.expected - b.expected).abs() < 1e-9 * a.expected.max(1.0));
            prop_assert!((a.effective - b.effective).abs() < 1e-9 * a.effective.max(1.0));
            prop_assert!((a.rented_effective_dependency - b.rented_effective_dependency).abs() < 1e-9);
        }
    }
}

/// One channel alone: raw reach is the members of the groups present (overlaps
/// subtracted), effective reach each reached with its share's probability and weighted
/// by its trust in the source.
#[test]
fn hand_computed_reach_of_one_channel_alone() {
    let mut m = model();
    let a = group(&mut m, "a", 200);
    let b = group(&mut m, "b", 100);
    let c = channel(&mut m, "c", Ownership::Owned);
    m.set_presence(a.into(), c, 0.5).unwrap();
    m.set_presence(b.into(), c, 0.25).unwrap();
    m.set_overlap(a, b, 20).unwrap();
    let focal: PartyId = m.focal().into();
    relate(&mut m, a.into(), focal, Some(0.8));
    let reach = m.reach(&ReachOptions::new().unknown_trust(0.5)).unwrap();
    let ch = &reach.channels[0];
    let ta = Opinion::from_score(0.8).unwrap().projected();
    assert!(close(ch.exposure, 200.0 * 0.5 + 100.0 * 0.25));
    assert_eq!(ch.raw_reach, 280);
    let effective = 200.0 * 0.5 * ta + 100.0 * 0.25 * 0.5 - 20.0 * 0.5 * 0.25 * ta * 0.5;
    assert!(
        close(ch.effective_reach, effective),
        "{} {effective}",
        ch.effective_reach
    );
}

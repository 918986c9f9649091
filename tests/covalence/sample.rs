//! The sample model holds what it was built to show.

use std::collections::BTreeSet;

use covalence::{ActivityClass, Model, Ownership, PartyId, Role};

#[test]
fn the_sample_covers_the_seeds_world() {
    let model = Model::sample();
    model.validate().unwrap();
    let roles: BTreeSet<&str> = model.constituents().map(|(_, c)| c.role.name()).collect();
    for role in [
        Role::Customer,
        Role::Employee,
        Role::Partner,
        Role::Supplier,
        Role::Community,
        Role::Executive,
        Role::Investor,
    ] {
        assert!(roles.contains(role.name()), "no {} group", role.name());
    }
    assert!(model.channels().count() >= 7);
    for kind in ["owned", "commons", "rented"] {
        assert!(
            model.channels().any(|(_, c)| c.ownership.name() == kind),
            "no {kind} channel"
        );
    }
    assert!(model.flows().count() >= 25);
    assert!(model.flows().any(|(_, f)| f.object.is_tangible()));
    assert!(model.flows().filter(|(_, f)| !f.object.is_tangible()).count() >= 10);
    assert!(model.settings().contexts.len() >= 3);
    assert!(
        model
            .relationships()
            .any(|(_, r)| r.desired.is_some_and(|d| d > r.kind))
    );
}

#[test]
fn the_sample_has_outsourcing_candidates_and_a_core_activity() {
    let model = Model::sample();
    let focal: PartyId = model.focal().into();
    let candidates: Vec<&str> = model
        .activities()
        .filter(|(_, a)| a.class == ActivityClass::Commodity && a.performed_by == focal)
        .filter(|(_, a)| matches!((a.market_price, a.in_house_cost), (Some(m), Some(h)) if m < h))
        .map(|(_, a)| a.key.as_str())
        .collect();
    assert!(candidates.len() >= 2, "{candidates:?}");
    assert!(
        model
            .activities()
            .any(|(_, a)| a.class == ActivityClass::Core && a.performed_by == focal)
    );
}

#[test]
fn the_samples_trust_is_contextual_for_some_groups_and_absolute_for_others() {
    let model = Model::sample();
    let focal: PartyId = model.focal().into();
    // The spread of a group's trust in the focal organization across its contexts and
    // its absolute opinion, in projected probability.
    let spread = |key: &str| {
        let group: PartyId = model.lookup(key).unwrap();
        let rel = model
            .relationship(model.relationship_between(focal, group).unwrap())
            .unwrap();
        let profile = rel.trust_of(group).unwrap();
        let scores: Vec<f64> = profile
            .absolute
            .iter()
            .chain(profile.contexts.values())
            .map(|o| o.projected())
            .collect();
        let max = scores.iter().cloned().fold(f64::MIN, f64::max);
        let min = scores.iter().cloned().fold(f64::MAX, f64::min);
        max - min
    };
    assert!(spread("customers") > 0.4, "customers' trust should be contextual");
    assert!(spread("employees") < 0.1, "employees' trust should be absolute");
    assert!(spread("investors") < 0.1, "investors' trust should be absolute");
}

#[test]
fn the_sample_hears_what_is_said_in_and_out_of_the_room() {
    let model = Model::sample();
    let focal: PartyId = model.focal().into();
    let owned = |o: &covalence::Observation| model.channel(o.channel).unwrap().ownership == Ownership::Owned;
    let about_us: Vec<_> = model.observations().filter(|o| o.about == focal).collect();
    assert!(about_us.iter().any(&owned));
    assert!(about_us.iter().any(|o| !owned(o)));
    // Out of the room, the share of negative remarks is higher.
    let negative_share = |inside: bool| {
        let (neg, all) = about_us
            .iter()
            .filter(|o| owned(o) == inside)
            .fold((0u64, 0u64), |(n, a), o| {
                (n + o.negative, a + o.positive + o.negative)
            });
        neg as f64 / all as f64
    };
    assert!(negative_share(false) > negative_share(true));
}

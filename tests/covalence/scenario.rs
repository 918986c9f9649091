//! Scenarios: hand-computed trust responses and comparisons, the sample's
//! interventions, what interventions protect, and invariants.

use covalence::{
    CompareOptions, Constituent, Currency, DiscountRate, ErrorKind, Hops, Intervention, LedgerOptions, Model,
    Money, Opinion, Organization, PartyId, Period, ProjectionOptions, ReachOptions, Relationship,
    RelationshipKind, Role, Scenario, Settings, TrustProfile, ValueFlow, ValueObject,
};
use rust_decimal::{Decimal, dec};

fn usd(x: Decimal) -> Money {
    Money::new(x, Currency::USD)
}

/// A shop and its fans (100 members), who trust it at P = 0.4 + 0.5 × 0.4 = 0.6;
/// reviews (10 × 100 a year, elasticity 2) and purchases (50 × 10, inelastic) from
/// fans to the shop.
fn shop() -> Model {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("shop"),
    )
    .unwrap();
    let fans = model
        .add_constituent(Constituent::new("fans", Role::Customer, 100))
        .unwrap();
    let mut rel = Relationship::new(model.focal().into(), fans.into(), RelationshipKind::Responsive);
    rel.trust[1] = TrustProfile::absolute(Opinion::new(0.4, 0.2, 0.4, 0.5).unwrap());
    model.add_relationship(rel).unwrap();
    let mut reviews = ValueFlow::new(
        "reviews",
        fans.into(),
        model.focal().into(),
        ValueObject::Content,
        usd(dec!(10)),
        dec!(100),
    );
    reviews.trust_elasticity = 2.0;
    model.add_flow(reviews).unwrap();
    model
        .add_flow(ValueFlow::new(
            "purchases",
            fans.into(),
            model.focal().into(),
            ValueObject::Money,
            usd(dec!(50)),
            dec!(10),
        ))
        .unwrap();
    model
}

fn one_period_no_discount() -> CompareOptions {
    CompareOptions::new().projection(
        ProjectionOptions::new()
            .horizon(1)
            .rate(DiscountRate::Constant(dec!(0))),
    )
}

#[test]
fn hand_computed_trust_response() {
    let model = shop();
    // P from 0.6 to 0.7 + 0.5 × 0.2 = 0.8: reviews × (0.8 / 0.6)^2 = 16/9, rounded to
    // 12 places.
    let scenario =
        Scenario::new("trust").set_trust("fans", "shop", None, Opinion::new(0.7, 0.1, 0.2, 0.5).unwrap());
    let c = model.compare_with(&scenario, &one_period_no_discount()).unwrap();
    assert_eq!(c.responses.len(), 1, "purchases are inelastic");
    let r = &c.responses[0];
    assert_eq!(r.key, "reviews");
    assert!((r.trust.before - 0.6).abs() < 1e-12 && (r.trust.after - 0.8).abs() < 1e-12);
    assert_eq!(r.multiplier, dec!(1.777777777778));
    assert_eq!(r.occurrences.before, dec!(100));
    assert_eq!(r.occurrences.after, dec!(177.7777777778));
    // Returns: 1,000 + 500 before; 1,777.777777778 + 500 after.
    assert_eq!(c.returns.before.amount(), dec!(1500));
    assert_eq!(c.returns.after.amount(), dec!(2277.777777778));
    assert_eq!(c.costs.delta().unwrap().amount(), dec!(0));
    // One period, no discounting, no costs: NPV is the return.
    assert_eq!(c.npv.delta().unwrap().amount(), dec!(777.777777778));
    assert_eq!(c.sroi.before, None);
    // The fans' trust in the shop, as reach reports it.
    assert_eq!(c.trust.len(), 1);
    assert!((c.trust[0].trust.after - 0.8).abs() < 1e-12);
    // The same through the changed model.
    let after = model.apply(&scenario).unwrap();
    let id = after.lookup("reviews").unwrap();
    assert_eq!(after.flow(id).unwrap().occurrences, dec!(177.7777777778));
}

#[test]
fn explicit_occurrences_and_zero_elasticity_do_not_respond() {
    let model = shop();
    let trust = Opinion::new(0.9, 0.0, 0.1, 0.5).unwrap();
    let set = Scenario::new("set")
        .set_trust("fans", "shop", None, trust)
        .set_occurrences("reviews", dec!(120));
    let c = model.compare_with(&set, &one_period_no_discount()).unwrap();
    assert!(
        c.responses.is_empty(),
        "occurrences the scenario sets are the scenario's word"
    );
    assert_eq!(c.returns.after.amount(), dec!(1700));
    let inelastic = Scenario::new("e0")
        .set_elasticity("reviews", 0.0)
        .set_trust("fans", "shop", None, trust);
    let c = model.compare(&inelastic).unwrap();
    assert!(c.responses.is_empty());
    assert_eq!(c.returns.before, c.returns.after);
    // Trust lowered: occurrences fall, by the same rule.
    let lower =
        Scenario::new("lower").set_trust("fans", "shop", None, Opinion::new(0.1, 0.6, 0.3, 0.5).unwrap());
    let c = model.compare(&lower).unwrap();
    // P = 0.1 + 0.15 = 0.25: (0.25 / 0.6)^2 = 0.173611111111.
    assert_eq!(c.responses[0].multiplier, dec!(0.173611111111));
    assert!(c.returns.after < c.returns.before);
}

#[test]
fn unknown_trust_before_means_no_response() {
    let mut model = shop();
    let fans: PartyId = model.lookup("fans").unwrap();
    let id = model.relationship_between(model.focal().into(), fans).unwrap();
    model
        .update_relationship(id, |r| r.trust[1] = TrustProfile::default())
        .unwrap();
    let s = Scenario::new("first trust").set_trust(
        "fans",
        "shop",
        None,
        Opinion::new(0.9, 0.0, 0.1, 0.5).unwrap(),
    );
    let c = model.compare(&s).unwrap();
    assert!(c.responses.is_empty(), "nothing to scale from");
}

#[test]
fn edits_name_what_is_missing() {
    let model = Model::sample();
    let cases: Vec<(Scenario, ErrorKind, &str)> = vec![
        (
            Scenario::new("a").remove_channel("myspace"),
            ErrorKind::NotFound,
            "edits[0].channel",
        ),
        (
            Scenario::new("b")
                .set_occurrences("direct-purchases", dec!(1))
                .set_value("nope", usd(dec!(1))),
            ErrorKind::NotFound,
            "edits[1].flow",
        ),
        (
            Scenario::new("c").set_kind("media", "investors", RelationshipKind::CoCreative),
            ErrorKind::NotFound,
            "edits[0].between",
        ),
        (
            Scenario::new("d").set_trust(
                "customers",
                "harbor",
                Some("weather"),
                Opinion::vacuous(0.5).unwrap(),
            ),
            ErrorKind::NotFound,
            "edits[0].context",
        ),
        (
            Scenario::new("e").set_value("direct-purchases", Money::new(dec!(1), Currency::EUR)),
            ErrorKind::CurrencyMismatch,
            "edits[0].value",
        ),
        (
            Scenario::new("f").set_presence("harbor", "forum", 0.5),
            ErrorKind::InvalidValue,
            "edits[0].share",
        ),
        (
            Scenario::new("g").add_relationship("harbor", "customers", RelationshipKind::Responsive),
            ErrorKind::Duplicate,
            "edits[0].between",
        ),
        (
            Scenario::new("h")
                .remove_channel("facebook")
                .set_presence("customers", "facebook", 0.2),
            ErrorKind::NotFound,
            "edits[1].channel",
        ),
        (
            Scenario::new("i").set_occurrences("direct-purchases", dec!(-5)),
            ErrorKind::InvalidValue,
            "edits[0].occurrences",
        ),
    ];
    for (scenario, kind, path) in cases {
        let e = model.apply(&scenario).unwrap_err();
        assert_eq!(e.kind(), kind, "{scenario}: {e}");
        assert_eq!(e.path(), Some(path), "{scenario}: {e}");
        assert!(
            e.to_string().contains(&format!("scenario `{}`", scenario.name())),
            "{e}"
        );
    }
    assert_eq!(model, Model::sample(), "failed scenarios change nothing");
}

#[test]
fn closing_a_channel_stops_its_flows_and_lowers_exposure() {
    let model = Model::sample();
    let scenario = Scenario::new("leave facebook").remove_channel("facebook");
    let after = model.apply(&scenario).unwrap();
    assert!(after.lookup::<covalence::FlowId>("facebook-attention").is_err());
    assert!(after.lookup::<covalence::ChannelId>("facebook").is_err());
    let c = model.compare(&scenario).unwrap();
    // facebook-attention returned 0.20 × 380,000 a year; the channel cost 36,000.
    assert_eq!(c.returns.delta().unwrap().amount(), dec!(-76000));
    assert_eq!(c.costs.delta().unwrap().amount(), dec!(-36000));
    assert!(c.rented_exposure.after < c.rented_exposure.before);
    // Through channels only, effective reach depends on platforms, and less after.
    let channels = CompareOptions::new().reach(ReachOptions::new().hops(Hops::Channels));
    let c = model.compare_with(&scenario, &channels).unwrap();
    assert!(c.platform_dependency.before > 0.0);
    assert!(c.platform_dependency.after < c.platform_dependency.before);
    assert!(c.raw_reach.after <= c.raw_reach.before);
}

#[test]
fn comparison_numbers_are_the_analyses_numbers() {
    let model = Model::sample();
    for intervention in model.interventions() {
        let c = model.compare(&intervention.scenario).unwrap();
        let after = model.apply(&intervention.scenario).unwrap();
        let ledger = after.ledger(&LedgerOptions::new()).unwrap();
        assert_eq!(c.returns.after, ledger.returns);
        assert_eq!(c.costs.after, ledger.costs);
        assert_eq!(c.roi.after, ledger.roi);
        let projection = after.projection(&ProjectionOptions::new()).unwrap();
        assert_eq!(c.npv.after, projection.npv);
        assert_eq!(c.sroi.after, projection.sroi);
        let reach = after.reach(&ReachOptions::new()).unwrap();
        assert_eq!(c.raw_reach.after, reach.raw);
        assert_eq!(c.effective_reach.after, reach.effective);
        assert_eq!(c.platform_dependency.after, reach.rented_effective_dependency);
        let rented: f64 = reach
            .channels
            .iter()
            .filter(|ch| ch.ownership.is_rented())
            .map(|ch| ch.exposure_share)
            .sum();
        assert!((c.rented_exposure.after - rented).abs() < 1e-12);
        for t in &c.trust {
            if let Some(r) = reach.constituents.iter().find(|r| r.constituent == t.constituent) {
                assert_eq!(t.trust.after, r.trust);
            }
        }
    }
}

#[test]
fn the_comparison_reads_as_a_table() {
    let model = Model::sample();
    let scenario = model
        .interventions()
        .find(|i| i.key == "community-co-creation")
        .unwrap()
        .scenario
        .clone();
    let text = model.compare(&scenario).unwrap().to_string();
    assert!(text.starts_with("Scenario `community-co-creation` compared with the model as it is"));
    for needle in [
        "returns a year (USD)",
        "43,494,400.00",
        "NPV (USD)",
        "effective reach (people)",
        "exposure on rented channels",
        "customers",
        "customer-feedback",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    let listing = scenario.to_string();
    assert!(
        listing.contains("1. make `harbor`–`customers` co_creative"),
        "{listing}"
    );
}

#[test]
fn interventions_keep_what_they_name() {
    let mut model = Model::sample();
    let facebook = model.lookup("facebook").unwrap();
    // `leave-facebook` names the channel: it cannot go or change key.
    let e = model
        .update_channel(facebook, |c| c.key = "fb".into())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InUse);
    assert!(e.to_string().contains("intervention `leave-facebook`"), "{e}");
    // A flow key an intervention adds is reserved.
    let customers: PartyId = model.lookup("customers").unwrap();
    let e = model
        .add_flow(ValueFlow::new(
            "newsletter-attention",
            customers,
            model.focal().into(),
            ValueObject::Attention,
            usd(dec!(1)),
            dec!(1),
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Duplicate);
    // A pair an intervention relates is reserved.
    let executives: PartyId = model.lookup("executives").unwrap();
    let community: PartyId = model.lookup("community").unwrap();
    let e = model
        .add_relationship(Relationship::new(
            executives,
            community,
            RelationshipKind::Responsive,
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Duplicate);
    // A relationship whose trust an intervention sets.
    let id = model
        .relationship_between(model.focal().into(), customers)
        .unwrap();
    assert_eq!(
        model.remove_relationship(id).unwrap_err().kind(),
        ErrorKind::InUse
    );
    // A context an intervention names.
    assert_eq!(
        model.remove_context("privacy").unwrap_err().kind(),
        ErrorKind::InUse
    );
    assert_eq!(model, Model::sample(), "refusals change nothing");
    // Without the intervention, the channel can go (its flows first).
    model.remove_intervention("leave-facebook").unwrap();
    model.update_channel(facebook, |c| c.key = "fb".into()).unwrap();
    model.validate().unwrap();
}

#[test]
fn what_review_found() {
    let zero = Money::zero(Currency::USD);
    // An intervention replacing a flow under its own key: the flow stays editable.
    let mut model = Model::sample();
    let customers: PartyId = model.lookup("customers").unwrap();
    let replacement = ValueFlow::new(
        "direct-purchases",
        customers,
        model.focal().into(),
        ValueObject::Money,
        usd(dec!(150)),
        dec!(60000),
    );
    let replace = Scenario::new("reprice")
        .remove_flow("direct-purchases")
        .add_flow(&model, &replacement)
        .unwrap();
    model
        .add_intervention(Intervention::new("reprice", replace, zero, zero))
        .unwrap();
    let id = model.lookup("direct-purchases").unwrap();
    model.update_flow(id, |f| f.occurrences = dec!(1)).unwrap();
    model.validate().unwrap();
    // A flow in another currency is refused, as the model refuses it.
    let euros = ValueFlow::new(
        "euro-flow",
        customers,
        model.focal().into(),
        ValueObject::Money,
        Money::new(dec!(60), Currency::EUR),
        dec!(1),
    );
    let e = Scenario::new("eur").add_flow(&model, &euros).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CurrencyMismatch);
    // A scenario's own name survives saving.
    let mut named = Model::sample();
    named
        .add_intervention(Intervention::new(
            "k",
            Scenario::new("a longer name").remove_flow("trail-grant"),
            zero,
            zero,
        ))
        .unwrap();
    let back = Model::from_json_str(&named.to_json_string().unwrap()).unwrap();
    let i = back.interventions().find(|i| i.key == "k").unwrap();
    assert_eq!(i.scenario.name(), "a longer name");
    // Edits after an intervention is added can make it fail to apply; the model stays
    // valid and loads again, and the plan names the intervention.
    let mut model = Model::sample();
    let feedback = model.lookup("customer-feedback").unwrap();
    model
        .update_flow(feedback, |f| f.trust_elasticity = 1000.0)
        .unwrap();
    model.validate().unwrap();
    let reloaded = Model::from_json_str(&model.to_json_string().unwrap()).unwrap();
    assert_eq!(reloaded, model);
    let e = model
        .plan(&covalence::PlanOptions::new(usd(dec!(1000000))))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Overflow);
    assert!(
        e.to_string().contains("intervention `community-co-creation`"),
        "{e}"
    );
    // Numbers JSON cannot hold are refused when writing, not written as null.
    let nan = Scenario::new("nan").set_presence("customers", "forum", f64::NAN);
    assert_eq!(nan.to_json_string().unwrap_err().kind(), ErrorKind::InvalidValue);
    // A missing trustee is named as such.
    let e = Model::sample()
        .apply(&Scenario::new("t").set_trust("customers", "nobody", None, Opinion::vacuous(0.5).unwrap()))
        .unwrap_err();
    assert_eq!(e.path(), Some("edits[0].trustee"));
}

#[test]
fn an_intervention_must_apply() {
    let mut model = Model::sample();
    let zero = Money::zero(Currency::USD);
    let bad = Intervention::new("bad", Scenario::new("bad").remove_flow("nope"), zero, zero);
    let e = model.add_intervention(bad).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("intervention `bad`"), "{e}");
    let twice = Intervention::new("leave-facebook", Scenario::default(), zero, zero);
    assert_eq!(
        model.add_intervention(twice).unwrap_err().kind(),
        ErrorKind::Duplicate
    );
    let euros = Intervention::new("eur", Scenario::default(), Money::zero(Currency::EUR), zero);
    assert_eq!(
        model.add_intervention(euros).unwrap_err().kind(),
        ErrorKind::CurrencyMismatch
    );
    let negative = Intervention::new("neg", Scenario::default(), usd(dec!(-1)), zero);
    assert_eq!(
        model.add_intervention(negative).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
    assert_eq!(model, Model::sample());
}

#[test]
fn interventions_round_trip_and_load_with_paths() {
    let model = Model::sample();
    let text = model.to_json_string().unwrap();
    let back = Model::from_json_str(&text).unwrap();
    assert_eq!(back, model);
    assert_eq!(back.interventions().count(), 4);
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["interventions"][1]["edits"][0]["remove_presence"]["channel"] = "faceboo".into();
    let bad = serde_json::to_string_pretty(&value).unwrap();
    let e = Model::from_json_str(&bad).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.path(), Some("interventions[1].edits[0].channel"), "{e}");
    assert!(e.line().is_some());
    let unknown = text.replacen("\"remove_presence\"", "\"delete_presence\"", 1);
    assert_eq!(
        Model::from_json_str(&unknown).unwrap_err().kind(),
        ErrorKind::Format
    );
}

#[test]
fn scenarios_load_from_json() {
    let scenario = Scenario::from_json_str(
        r#"{"name": "quit x", "edits": [
            {"remove_channel": {"channel": "x"}},
            {"set_occurrences": {"flow": "direct-purchases", "occurrences": "70000"}}
        ]}"#,
    )
    .unwrap();
    assert_eq!(scenario.len(), 2);
    assert_eq!(
        scenario,
        Scenario::new("quit x")
            .remove_channel("x")
            .set_occurrences("direct-purchases", dec!(70000))
    );
    assert_eq!(
        Scenario::from_json_str(&scenario.to_json_string().unwrap()).unwrap(),
        scenario
    );
    let e =
        Scenario::from_json_str(r#"{"edits": [{"set_value": {"flow": "a", "value": 1.5}}]}"#).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Format);
    assert_eq!(e.line(), Some(1));
    let e = Scenario::from_json_str("{").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
}

/// Amounts so large and so finely divided that sums round: the comparison must then
/// add every term again, and still agree with the analyses.
#[test]
fn amounts_beyond_exact_sums_still_agree() {
    let mut model = shop();
    let fans: PartyId = model.lookup("fans").unwrap();
    for i in 0..5 {
        let mut f = ValueFlow::new(
            format!("huge{i}"),
            fans,
            model.focal().into(),
            ValueObject::Money,
            usd(Decimal::new(123_456_789_012_345_678, 9) * Decimal::from(1_000_000_000 + i)),
            dec!(7.0000000001),
        );
        f.trust_elasticity = 1.3;
        model.add_flow(f).unwrap();
    }
    let scenarios = [
        Scenario::new("one").set_occurrences("huge2", dec!(3.3333333333)),
        Scenario::new("trust").set_trust("fans", "shop", None, Opinion::new(0.77, 0.1, 0.13, 0.5).unwrap()),
        Scenario::new("none"),
    ];
    for scenario in &scenarios {
        let c = model.compare(scenario).unwrap();
        let after = model.apply(scenario).unwrap();
        let ledger = after.ledger(&LedgerOptions::new()).unwrap();
        assert_eq!(c.returns.after, ledger.returns, "{}", scenario.name());
        let projection = after.projection(&ProjectionOptions::new()).unwrap();
        assert_eq!(c.npv.after, projection.npv, "{}", scenario.name());
        assert_eq!(c.sroi.after, projection.sroi, "{}", scenario.name());
    }
}

#[cfg(feature = "toml")]
#[test]
fn interventions_round_trip_through_toml() {
    let model = Model::sample();
    let text = model.to_toml_string().unwrap();
    assert_eq!(Model::from_toml_str(&text).unwrap(), model);
}

#[cfg(feature = "proptest")]
mod properties {
    use super::*;
    use covalence::strategy;
    use proptest::prelude::*;

    fn models_and_scenarios() -> impl Strategy<Value = (Model, Scenario)> {
        strategy::models(24).prop_flat_map(|model| {
            let scenarios = strategy::scenarios(&model, 6);
            (Just(model), scenarios)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn an_empty_scenario_compares_equal(model in strategy::models(24)) {
            let c = model.compare(&Scenario::new("nothing")).unwrap();
            prop_assert_eq!(c.returns.before, c.returns.after);
            prop_assert_eq!(c.costs.before, c.costs.after);
            prop_assert_eq!(c.npv.before, c.npv.after);
            prop_assert_eq!(c.sroi.before, c.sroi.after);
            prop_assert_eq!(c.raw_reach.delta(), 0);
            prop_assert_eq!(c.effective_reach.delta(), 0.0);
            prop_assert_eq!(c.platform_dependency.delta(), 0.0);
            prop_assert!(c.trust.iter().all(|t| t.trust.delta() == 0.0));
            prop_assert!(c.responses.is_empty());
        }

        #[test]
        fn applying_never_changes_the_original((model, scenario) in models_and_scenarios()) {
            let before = model.to_json_string().unwrap();
            let applied = model.apply(&scenario);
            let _ = model.compare(&scenario);
            prop_assert_eq!(model.to_json_string().unwrap(), before);
            if let Ok(after) = applied {
                prop_assert!(after.validate().is_ok());
            }
        }

        #[test]
        fn with_no_elasticity_trust_leaves_the_ledger((model, scenario) in models_and_scenarios()) {
            let mut inelastic = model.clone();
            let ids: Vec<covalence::FlowId> = inelastic.flows().map(|(id, _)| id).collect();
            for id in ids {
                inelastic.update_flow(id, |f| f.trust_elasticity = 0.0).unwrap();
            }
            // Keep only the trust edits of the scenario.
            let trust_only = scenario
                .to_json_string()
                .ok()
                .and_then(|text| {
                    let mut value: serde_json::Value = serde_json::from_str(&text).ok()?;
                    let edits = value.get_mut("edits")?.as_array_mut()?;
                    edits.retain(|e| e.get("set_trust").is_some());
                    Scenario::from_json_str(&value.to_string()).ok()
                })
                .unwrap();
            if let Ok(c) = inelastic.compare(&trust_only) {
                prop_assert_eq!(c.returns.before, c.returns.after);
                prop_assert_eq!(c.costs.before, c.costs.after);
                prop_assert_eq!(c.npv.before, c.npv.after);
                prop_assert!(c.responses.is_empty());
            }
        }

        #[test]
        fn raising_trust_never_lowers_an_elastic_return(
            model in strategy::models(24),
            pick in any::<u32>(),
            elasticity in 0.01f64..3.0,
            belief in 0.0f64..=1.0,
            share in 0.0f64..=1.0,
        ) {
            let flows: Vec<(covalence::FlowId, PartyId, PartyId, String)> = model
                .flows()
                .filter(|(_, f)| model.relationship_between(f.from, f.to).is_some())
                .map(|(id, f)| (id, f.from, f.to, f.key.clone()))
                .collect();
            prop_assume!(!flows.is_empty());
            let (id, from, to, key) = flows[pick as usize % flows.len()].clone();
            let mut model = model;
            model.update_flow(id, |f| f.trust_elasticity = elasticity).unwrap();
            let opinion = Opinion::new(belief, share * (1.0 - belief), (1.0 - belief) * (1.0 - share), 0.5).unwrap();
            let scenario = Scenario::new("trust").set_trust(
                model.party_key(from).unwrap(),
                model.party_key(to).unwrap(),
                None,
                opinion,
            );
            let after = model.apply(&scenario).unwrap();
            let p = |m: &Model| m.trust(from, to, None).unwrap().opinion.map(|o| o.projected());
            let period = model.settings().period;
            let value = |m: &Model| m.flow(m.lookup(&key).unwrap()).unwrap().value_per(period).unwrap();
            if let (Some(before), Some(now)) = (p(&model), p(&after))
                && now >= before
            {
                prop_assert!(value(&after) >= value(&model), "trust {} -> {}", before, now);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn comparisons_agree_with_a_fresh_analysis((model, scenario) in models_and_scenarios()) {
            // The cached baseline and the skipped reach must give what a full analysis
            // of each side gives.
            let Ok(c) = model.compare(&scenario) else { return Ok(()) };
            let after = model.apply(&scenario).unwrap();
            let fresh = Model::from_json_str(&after.to_json_string().unwrap()).unwrap();
            let ledger = fresh.ledger(&LedgerOptions::new()).unwrap();
            prop_assert_eq!(c.returns.after, ledger.returns);
            prop_assert_eq!(c.costs.after, ledger.costs);
            prop_assert_eq!(c.roi.after, ledger.roi);
            let projection = fresh.projection(&ProjectionOptions::new()).unwrap();
            prop_assert_eq!(c.present_value.after, projection.present_value);
            prop_assert_eq!(c.npv.after, projection.npv);
            prop_assert_eq!(c.sroi.after, projection.sroi);
            let reach = fresh.reach(&ReachOptions::new()).unwrap();
            prop_assert_eq!(c.raw_reach.after, reach.raw);
            prop_assert!((c.effective_reach.after - reach.effective).abs() <= 1e-9 * reach.effective.max(1.0));
            prop_assert_eq!(c.npv.before, model.projection(&ProjectionOptions::new()).unwrap().npv);
        }
    }
}

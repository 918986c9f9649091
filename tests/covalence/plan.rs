//! Plans: hand-computed portfolios, the sample's plan, and the planner against brute
//! force.

use covalence::{
    CompareOptions, Constituent, Currency, DiscountRate, Intervention, Model, Money, Organization, Period,
    PlanMethod, PlanOptions, ProjectionOptions, Role, Scenario, Settings, ValueFlow, ValueObject,
};
use rust_decimal::{Decimal, dec};

fn usd(x: Decimal) -> Money {
    Money::new(x, Currency::USD)
}

/// A shop whose fans buy 10 × 50 a year, and review 100 × 10 a year.
fn shop() -> Model {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("shop"),
    )
    .unwrap();
    let fans = model
        .add_constituent(Constituent::new("fans", Role::Customer, 100))
        .unwrap();
    for (key, object, value, occurrences) in [
        ("purchases", ValueObject::Money, dec!(50), dec!(10)),
        ("reviews", ValueObject::Content, dec!(10), dec!(100)),
    ] {
        model
            .add_flow(ValueFlow::new(
                key,
                fans.into(),
                model.focal().into(),
                object,
                usd(value),
                occurrences,
            ))
            .unwrap();
    }
    let zero = usd(dec!(0));
    let candidates = [
        // +500 for 100: gain 400.
        (
            "a",
            Scenario::new("a").set_occurrences("purchases", dec!(20)),
            dec!(100),
        ),
        // +100 for 50: gain 50.
        (
            "b",
            Scenario::new("b").set_value("purchases", usd(dec!(60))),
            dec!(50),
        ),
        // +500 for 300: gain 200.
        (
            "c",
            Scenario::new("c").set_occurrences("reviews", dec!(150)),
            dec!(300),
        ),
        // +0 for 10: gain -10, never chosen.
        ("d", Scenario::new("d").set_elasticity("reviews", 1.0), dec!(10)),
    ];
    for (key, scenario, cost) in candidates {
        model
            .add_intervention(Intervention::new(key, scenario, usd(cost), zero))
            .unwrap();
    }
    model
}

fn options(budget: Decimal) -> PlanOptions {
    PlanOptions::new(usd(budget)).compare(
        CompareOptions::new().projection(
            ProjectionOptions::new()
                .horizon(1)
                .rate(DiscountRate::Constant(dec!(0))),
        ),
    )
}

#[test]
fn hand_computed_plan() {
    let model = shop();
    let plan = model.plan(&options(dec!(400))).unwrap();
    let gains: Vec<Decimal> = plan.candidates.iter().map(|c| c.gain.amount()).collect();
    assert_eq!(gains, [dec!(400), dec!(50), dec!(200), dec!(-10)]);
    // {a, c} costs 400 and gains 600; {a, b} gains 450; {a, b, c} costs 450.
    assert_eq!(plan.chosen, ["a", "c"]);
    assert_eq!(plan.method, PlanMethod::Exact);
    assert_eq!(plan.cost.amount(), dec!(400));
    assert_eq!(plan.sum_of_gains.amount(), dec!(600));
    assert_eq!(plan.combined_gain.amount(), dec!(600));
    assert_eq!(
        plan.interaction.amount(),
        dec!(0),
        "different flows: no interaction"
    );
    let comparison = plan.comparison.as_ref().unwrap();
    assert_eq!(comparison.returns.delta().unwrap().amount(), dec!(1000));
}

#[test]
fn interaction_is_the_gap_between_together_and_apart() {
    // Within 150: {a, b}. Apart: +500 and +100; together 20 × 60 - 10 × 50 = +700.
    let plan = shop().plan(&options(dec!(150))).unwrap();
    assert_eq!(plan.chosen, ["a", "b"]);
    assert_eq!(plan.sum_of_gains.amount(), dec!(450));
    assert_eq!(plan.combined_gain.amount(), dec!(550));
    assert_eq!(plan.interaction.amount(), dec!(100));
    let text = plan.to_string();
    assert!(text.contains("Interaction:           +100.00 USD"), "{text}");
}

#[test]
fn nothing_fits_nothing_chosen() {
    let plan = shop().plan(&options(dec!(49))).unwrap();
    assert!(plan.chosen.is_empty());
    assert!(plan.comparison.is_none());
    assert!(plan.cost.is_zero() && plan.combined_gain.is_zero());
    assert!(plan.to_string().contains("Nothing chosen"));
    let e = shop().plan(&options(dec!(-1))).unwrap_err();
    assert_eq!(e.kind(), covalence::ErrorKind::InvalidValue);
}

#[test]
fn costs_are_discounted_like_the_projection() {
    let mut model = shop();
    model.remove_intervention("a").unwrap();
    model
        .add_intervention(Intervention::new(
            "yearly",
            Scenario::new("yearly").set_occurrences("purchases", dec!(20)),
            usd(dec!(100)),
            usd(dec!(110)),
        ))
        .unwrap();
    let options = PlanOptions::new(usd(dec!(1000))).compare(
        CompareOptions::new().projection(
            ProjectionOptions::new()
                .horizon(2)
                .rate(DiscountRate::Constant(dec!(0.1))),
        ),
    );
    let plan = model.plan(&options).unwrap();
    let c = plan.candidates.iter().find(|c| c.key == "yearly").unwrap();
    // 100 now, 110 at the end of each of two years: 100 + 100 + 90.909... .
    assert_eq!(c.cost.amount(), dec!(320));
    assert_eq!(c.present_cost.round_to_minor_units().amount(), dec!(290.91));
    // +500 a year for two years at 10%: 454.545... + 413.223... .
    assert_eq!(c.npv_change.round_to_minor_units().amount(), dec!(867.77));
}

#[test]
fn the_sample_plan() {
    let model = Model::sample();
    let plan = model.plan(&PlanOptions::new(usd(dec!(400000)))).unwrap();
    assert_eq!(plan.candidates.len(), 4);
    assert!(plan.cost <= plan.budget);
    // Outsourcing IT hosting saves 65,000 a year for 40,000 once.
    let hosting = plan
        .candidates
        .iter()
        .find(|c| c.key == "outsource-it-hosting")
        .unwrap();
    assert!(hosting.chosen);
    assert!(hosting.gain.amount() > dec!(200000));
    for c in &plan.candidates {
        assert_eq!(c.chosen, plan.chosen.contains(&c.key));
        assert_eq!(
            c.chosen,
            c.gain.amount() > Decimal::ZERO,
            "{}: everything worthwhile fits",
            c.key
        );
    }
    println!("{plan}");
}

#[cfg(feature = "proptest")]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// On the sample, random interventions (random occurrences and costs): the
        /// plan's sum of gains is the best any affordable subset reaches, and within
        /// the budget.
        #[test]
        fn the_planner_beats_brute_force(
            raw in proptest::collection::vec((any::<u32>(), 0u32..200_000, 0u32..200_000, 0u32..40_000), 0..=12),
            budget in 0u32..600_000,
        ) {
            let mut model = Model::sample();
            let flows: Vec<String> = model.flows().map(|(_, f)| f.key.clone()).collect();
            for (i, (pick, occurrences, one_off, yearly)) in raw.iter().enumerate() {
                let flow = &flows[*pick as usize % flows.len()];
                let scenario = Scenario::new(format!("c{i}")).set_occurrences(flow, Decimal::from(*occurrences));
                model.add_intervention(Intervention::new(
                    format!("c{i}"), scenario, usd(Decimal::from(*one_off)), usd(Decimal::from(*yearly)),
                )).unwrap();
            }
            let plan = model.plan(&PlanOptions::new(usd(Decimal::from(budget)))).unwrap();
            prop_assert!(plan.cost <= plan.budget);
            let n = plan.candidates.len();
            let mut best = Decimal::ZERO;
            for mask in 0u32..(1 << n) {
                let (mut gain, mut cost) = (Decimal::ZERO, Decimal::ZERO);
                for (i, c) in plan.candidates.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        gain += c.gain.amount();
                        cost += c.cost.amount();
                    }
                }
                if cost <= Decimal::from(budget) && gain > best {
                    best = gain;
                }
            }
            prop_assert_eq!(plan.sum_of_gains.amount(), best);
        }
    }
}

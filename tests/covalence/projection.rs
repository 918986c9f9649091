//! Projection: SROI golden rows, the sample over five years, and invariants.

use covalence::{
    Adjustments, Constituent, Currency, DiscountRate, Fraction, Model, Money, Organization, Period,
    ProjectionOptions, Role, Settings, Timing, ValueFlow, ValueObject,
};
use rust_decimal::{Decimal, dec};

fn one_outcome(value: Decimal, adjustments: Adjustments, duration: Option<u32>) -> Model {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org"),
    )
    .unwrap();
    let g = model
        .add_constituent(Constituent::new("g", Role::Community, 10))
        .unwrap();
    let mut flow = ValueFlow::new(
        "outcome",
        g.into(),
        model.focal().into(),
        ValueObject::Knowledge,
        Money::new(value, Currency::USD),
        dec!(1),
    );
    flow.adjustments = adjustments;
    flow.duration = duration;
    model.add_flow(flow).unwrap();
    model
}

fn fraction(x: Decimal) -> Fraction {
    Fraction::new(x).unwrap()
}

#[test]
fn golden_b1_drop_off_from_the_second_period() {
    let mut adj = Adjustments::default();
    adj.drop_off = fraction(dec!(0.1));
    let model = one_outcome(dec!(100), adj, Some(3));
    let p = model
        .projection(
            &ProjectionOptions::new()
                .horizon(4)
                .rate(DiscountRate::Constant(dec!(0))),
        )
        .unwrap();
    let values: Vec<Decimal> = p.outcomes[0].values.iter().map(|m| m.amount()).collect();
    assert_eq!(values, [dec!(100), dec!(90), dec!(81), dec!(0)]);
    assert_eq!(p.present_value.amount(), dec!(271));
}

#[test]
fn golden_b3_adjustments_multiply() {
    let mut adj = Adjustments::default();
    adj.deadweight = fraction(dec!(0.25));
    adj.displacement = fraction(dec!(0.20));
    adj.attribution = fraction(dec!(0.05));
    let model = one_outcome(dec!(100), adj, None);
    let p = model.projection(&ProjectionOptions::new().horizon(1)).unwrap();
    let o = &p.outcomes[0];
    assert_eq!(
        (o.after_deadweight.amount(), o.after_displacement.amount()),
        (dec!(75), dec!(60))
    );
    assert_eq!(
        o.after_attribution.amount(),
        dec!(57),
        "0.75 x 0.80 x 0.95 = 0.57, not 1 - 0.50"
    );
}

#[test]
fn timing_conventions_are_explicit_and_ordered() {
    let model = one_outcome(dec!(1000), Adjustments::default(), None);
    let pv = |timing| {
        let p = model
            .projection(
                &ProjectionOptions::new()
                    .horizon(3)
                    .rate(DiscountRate::Constant(dec!(0.1)))
                    .timing(timing),
            )
            .unwrap();
        assert_eq!(p.timing, timing);
        p.present_value.amount()
    };
    let (start, mid, end) = (
        pv(Timing::StartOfPeriod),
        pv(Timing::MidPeriod),
        pv(Timing::EndOfPeriod),
    );
    assert!(start > mid && mid > end);
    // End of period: 1000 / 1.1 + 1000 / 1.21 + 1000 / 1.331.
    assert_eq!(end.round_dp(6), dec!(2486.851991));
    assert_eq!(start.round_dp(6), dec!(2735.537190));
}

#[test]
fn a_schedule_of_rates_discounts_period_by_period() {
    let model = one_outcome(dec!(1000), Adjustments::default(), None);
    let schedule = DiscountRate::schedule([(1, dec!(0.1))], dec!(0.0));
    let p = model
        .projection(&ProjectionOptions::new().horizon(3).rate(schedule))
        .unwrap();
    let factors: Vec<Decimal> = p.discount_factors.iter().map(|f| f.round_dp(12)).collect();
    let tenth = (Decimal::ONE / dec!(1.1)).round_dp(12);
    assert_eq!(factors, [tenth, tenth, tenth]);
}

#[test]
fn the_sample_over_five_years() {
    let model = Model::sample();
    let p = model.projection(&ProjectionOptions::new().horizon(5)).unwrap();
    // From harbor.json by a separate script, at 3.5% with end-of-period values: value
    // per period 43,163,740.40 / 42,948,080.78 / 42,631,636.64 / 42,510,800.00 /
    // 42,510,800.00 (intangibles fade with their drop-off and duration); PV
    // 193,086,542.83; the ledger's 31,403,200.00 of costs a year discount to
    // 141,787,092.76; NPV 51,299,450.07; SROI 1.3618.
    let per: Vec<Decimal> = p
        .value_per_period
        .iter()
        .map(|m| m.amount().round_dp(2))
        .collect();
    assert_eq!(
        per,
        [
            dec!(43163740.40),
            dec!(42948080.78),
            dec!(42631636.64),
            dec!(42510800.00),
            dec!(42510800.00)
        ]
    );
    assert_eq!(p.present_value.amount().round_dp(2), dec!(193086542.83));
    assert_eq!(p.present_investment.amount().round_dp(2), dec!(141787092.76));
    assert_eq!(p.npv.amount().round_dp(2), dec!(51299450.07));
    assert_eq!(p.sroi.unwrap().round_dp(4), dec!(1.3618));
    assert_eq!(p.payback.cumulative, Some(1));
    // At the deadweight switching value, SROI would be 1.
    let d = p.switching.deadweight.expect("in range");
    assert!(d > dec!(0.2) && d < dec!(0.35), "{d}");
}

#[cfg(feature = "proptest")]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn adjustments() -> impl Strategy<Value = (Adjustments, Decimal)> {
        (0u32..100, 0u32..100, 0u32..100, 0u32..100).prop_map(|(a, b, c, d)| {
            let mut adj = Adjustments::default();
            adj.deadweight = fraction(Decimal::new(i64::from(a), 2));
            adj.displacement = fraction(Decimal::new(i64::from(b), 2));
            adj.attribution = fraction(Decimal::new(i64::from(c), 2));
            adj.drop_off = fraction(Decimal::new(i64::from(d), 2));
            (adj, Decimal::new(i64::from(d), 2))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn no_adjustment_no_drop_off_no_discount_is_the_plain_sum(value in 0i64..10_000_000, horizon in 1u32..30) {
            let model = one_outcome(Decimal::new(value, 2), Adjustments::default(), None);
            let p = model.projection(&ProjectionOptions::new().horizon(horizon).rate(DiscountRate::Constant(dec!(0)))).unwrap();
            prop_assert_eq!(p.present_value.amount(), Decimal::new(value, 2) * Decimal::from(horizon));
        }

        #[test]
        fn more_adjustment_never_raises_present_value((adj, _) in adjustments(), which in 0usize..4, more in 1u32..50, horizon in 1u32..15) {
            let base = one_outcome(dec!(1000), adj, None).projection(&ProjectionOptions::new().horizon(horizon)).unwrap();
            let mut higher = adj;
            let bump = |f: Fraction| fraction((f.value() + Decimal::new(i64::from(more), 2)).min(Decimal::ONE));
            match which {
                0 => higher.deadweight = bump(adj.deadweight),
                1 => higher.displacement = bump(adj.displacement),
                2 => higher.attribution = bump(adj.attribution),
                _ => higher.drop_off = bump(adj.drop_off),
            }
            let after = one_outcome(dec!(1000), higher, None).projection(&ProjectionOptions::new().horizon(horizon)).unwrap();
            prop_assert!(after.present_value.amount() <= base.present_value.amount());
        }

        #[test]
        fn present_value_falls_as_the_rate_rises(model in covalence::strategy::models(30), low in 0u32..200, step in 1u32..200) {
            let at = |r: u32| model.projection(&ProjectionOptions::new().horizon(6).rate(DiscountRate::Constant(Decimal::new(i64::from(r), 3))));
            if let (Ok(a), Ok(b)) = (at(low), at(low + step)) {
                prop_assert!(b.present_value.amount() <= a.present_value.amount());
                prop_assert!(b.present_investment.amount() <= a.present_investment.amount());
            }
        }
    }
}

#[test]
fn payback_and_switching_values() {
    let model = one_outcome(dec!(1000), Adjustments::default(), None);
    let options = ProjectionOptions::new()
        .horizon(4)
        .rate(DiscountRate::Constant(dec!(0.1)))
        .initial_investment(Money::new(dec!(1500), Currency::USD));
    let p = model.projection(&options).unwrap();
    assert_eq!(p.payback.simple, Some(dec!(1.5)));
    assert_eq!(p.payback.cumulative, Some(2)); // -1500 + 1000 + 1000
    assert_eq!(p.payback.discounted, Some(2)); // -1500 + 909.09 + 826.45
    // PV = 3169.87; the deadweight at which PV falls to 1500 is 1 - 1500 / 3169.87.
    let d = p.switching.deadweight.unwrap();
    assert!((d - (Decimal::ONE - dec!(1500) / p.present_value.amount())).abs() < dec!(0.0000001));
    assert_eq!(p.switching.deadweight, p.switching.attribution);
    // Drop-off needed to bring PV down to the investment: found by bisection.
    let drop = p.switching.drop_off.unwrap();
    let mut adj = Adjustments::default();
    adj.drop_off = fraction(drop);
    let at_switch = one_outcome(dec!(1000), adj, None).projection(&options).unwrap();
    assert!(
        (at_switch.sroi.unwrap() - Decimal::ONE).abs() < dec!(0.0001),
        "{:?}",
        at_switch.sroi
    );
}

#[test]
fn outcomes_can_start_later() {
    let mut model = one_outcome(dec!(100), Adjustments::default(), Some(2));
    let id = model.flows().next().unwrap().0;
    model.update_flow(id, |f| f.starts_after = 1).unwrap();
    let p = model
        .projection(
            &ProjectionOptions::new()
                .horizon(4)
                .rate(DiscountRate::Constant(dec!(0))),
        )
        .unwrap();
    let values: Vec<Decimal> = p.outcomes[0].values.iter().map(|m| m.amount()).collect();
    assert_eq!(values, [dec!(0), dec!(100), dec!(100), dec!(0)]);
}

#[test]
fn regression_investment_follows_the_duration_of_what_is_given() {
    let mut model = one_outcome(dec!(600), Adjustments::default(), None);
    let g = model.constituents().next().unwrap().0;
    let mut grant = ValueFlow::new(
        "grant",
        model.focal().into(),
        g.into(),
        ValueObject::Money,
        Money::new(dec!(1000), Currency::USD),
        dec!(1),
    );
    grant.duration = Some(1);
    model.add_flow(grant).unwrap();
    let p = model
        .projection(
            &ProjectionOptions::new()
                .horizon(5)
                .rate(DiscountRate::Constant(dec!(0))),
        )
        .unwrap();
    let invested: Vec<Decimal> = p.investment_per_period.iter().map(|m| m.amount()).collect();
    assert_eq!(invested, [dec!(1000), dec!(0), dec!(0), dec!(0), dec!(0)]);
    assert_eq!(p.sroi, Some(dec!(3)));
}

#[test]
fn regression_discount_schedules_must_ascend() {
    let model = one_outcome(dec!(100), Adjustments::default(), None);
    let bad = DiscountRate::schedule([(3, dec!(0.5)), (1, dec!(0.1))], dec!(0));
    let err = model.projection(&ProjectionOptions::new().rate(bad)).unwrap_err();
    assert_eq!(err.kind(), covalence::ErrorKind::InvalidValue);
}

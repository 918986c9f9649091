//! Finance functions: invariants over arbitrary inputs.

use covalence::finance::{self, NpvConvention};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(n, s)| Decimal::new(n, s)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
    ]
}

fn flow() -> impl Strategy<Value = Decimal> {
    (-1_000_000i64..1_000_000, 0u32..3).prop_map(|(n, s)| Decimal::new(n, s))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn nothing_panics_on_any_decimals(rate in decimal(), values in proptest::collection::vec(decimal(), 0..8), r in decimal(), p in 0u32..50) {
        let _ = finance::npv(rate, &values, NpvConvention::FirstAtTimeZero);
        let _ = finance::npv(rate, &values, NpvConvention::Spreadsheet);
        let _ = finance::irr(&values);
        let _ = finance::clv(rate, r, rate);
        let _ = finance::clv_with_initial_margin(rate, r, rate);
        let _ = finance::clv_finite(rate, r, rate, p);
    }

    #[test]
    fn npv_at_an_irr_is_zero(values in proptest::collection::vec(flow(), 2..8)) {
        if let Ok(irr) = finance::irr(&values) {
            let scale: f64 = values.iter().map(|v| f64::try_from(v.abs()).unwrap()).fold(0.0, f64::max);
            for root in &irr.roots {
                // Evaluated in f64, as the rate is: Σ v_t / (1 + r)^t.
                let npv: f64 = values
                    .iter()
                    .enumerate()
                    .map(|(t, v)| f64::try_from(*v).unwrap() / (1.0 + root).powi(t as i32))
                    .sum();
                let weight: f64 = values.iter().enumerate().map(|(t, v)| f64::try_from(v.abs()).unwrap() / (1.0 + root).powi(t as i32)).sum();
                // A rate in f64 is exact to an ulp: near -1, where (1 + r) is tiny, an ulp
                // of the rate moves the NPV by as much as its slope says.
                let slope: f64 = values
                    .iter()
                    .enumerate()
                    .map(|(t, v)| t as f64 * f64::try_from(v.abs()).unwrap() / (1.0 + root).abs().powi(t as i32 + 1))
                    .sum();
                let ulps = 4.0 * f64::EPSILON * root.abs().max(1.0) * slope;
                prop_assert!(npv.abs() <= 1e-12 * weight.max(scale) + ulps, "npv {npv} at {root} for {values:?}");
            }
            prop_assert!(irr.roots.contains(&irr.rate));
        }
    }

    #[test]
    fn present_value_falls_as_the_rate_rises(values in proptest::collection::vec((0i64..1_000_000).prop_map(|n| Decimal::new(n, 2)), 1..10), low in 0u32..500, step in 1u32..500) {
        let (r1, r2) = (Decimal::new(i64::from(low), 3), Decimal::new(i64::from(low + step), 3));
        for convention in [NpvConvention::FirstAtTimeZero, NpvConvention::Spreadsheet] {
            let a = finance::npv(r1, &values, convention).unwrap();
            let b = finance::npv(r2, &values, convention).unwrap();
            prop_assert!(b <= a, "{b} > {a}");
        }
    }

    #[test]
    fn finite_lifetime_value_converges_to_the_closed_form(margin in 1i64..10_000, retention in 0u32..95, rate in 1u32..300) {
        let (m, r, i) = (Decimal::new(margin, 0), Decimal::new(i64::from(retention), 2), Decimal::new(i64::from(rate), 3));
        let closed = finance::clv(m, r, i).unwrap();
        let mut previous = Decimal::ZERO;
        for horizon in [1u32, 5, 20, 80] {
            let partial = finance::clv_finite(m, r, i, horizon).unwrap();
            prop_assert!(partial >= previous && partial <= closed + Decimal::new(1, 10));
            previous = partial;
        }
        let long = finance::clv_finite(m, r, i, 2_000).unwrap();
        prop_assert!((closed - long).abs() <= closed * Decimal::new(1, 6) + Decimal::new(1, 6), "{closed} vs {long}");
    }
}

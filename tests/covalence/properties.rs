//! Invariants of the model, money and the loader, as property tests. They use the
//! crate's own public strategies (`covalence::strategy`).

use std::collections::HashSet;

use covalence::{Currency, Model, Money, Opinion, strategy};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Every id the model hands out now, with its kind.
fn ids(model: &Model) -> HashSet<String> {
    let mut all = HashSet::new();
    all.extend(model.organizations().map(|(id, _)| format!("{id:?}")));
    all.extend(model.constituents().map(|(id, _)| format!("{id:?}")));
    all.extend(model.channels().map(|(id, _)| format!("{id:?}")));
    all.extend(model.activities().map(|(id, _)| format!("{id:?}")));
    all.extend(model.flows().map(|(id, _)| format!("{id:?}")));
    all.extend(model.relationships().map(|(id, _)| format!("{id:?}")));
    all
}

fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(n, s)| Decimal::new(n, s)),
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
    ]
}

/// Arbitrary JSON values, nested a few levels.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "[a-z_]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("covalence".to_string()),
                    Just("settings".to_string()),
                    Just("organizations".to_string()),
                    Just("key".to_string()),
                    "[a-z_]{1,10}"
                ],
                inner,
                0..8
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value at a random place in a JSON document.
fn mutate(doc: &mut serde_json::Value, mut choice: usize, replacement: serde_json::Value) {
    let mut node = doc;
    loop {
        let children = match node {
            serde_json::Value::Object(m) => m.len(),
            serde_json::Value::Array(a) => a.len(),
            _ => 0,
        };
        if children == 0 || choice.is_multiple_of(4) {
            *node = replacement;
            return;
        }
        let pick = (choice / 4) % children;
        choice /= 7;
        node = match node {
            serde_json::Value::Object(m) => m.values_mut().nth(pick).unwrap(),
            serde_json::Value::Array(a) => &mut a[pick],
            _ => unreachable!(),
        };
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn valid_edits_keep_the_model_valid_and_never_reuse_an_id(
        mut model in strategy::models(30),
        edits in strategy::edits(60),
    ) {
        let mut ever = ids(&model);
        let mut previous = ever.clone();
        for edit in &edits {
            prop_assert!(edit.apply(&mut model).is_ok(), "{edit:?}");
            prop_assert!(model.validate().is_ok(), "{:?} after {edit:?}", model.validate());
            let now = ids(&model);
            for id in now.difference(&previous) {
                prop_assert!(!ever.contains(id), "id {id} handed out again after {edit:?}");
            }
            ever.extend(now.iter().cloned());
            previous = now;
        }
    }

    #[test]
    fn json_round_trip_is_exact(model in strategy::models(60)) {
        let text = model.to_json_string().unwrap();
        let again = Model::from_json_str(&text).unwrap();
        prop_assert_eq!(&again, &model);
        prop_assert_eq!(again.to_json_string().unwrap(), text);
        prop_assert!(again.validate().is_ok());
    }

    #[test]
    fn the_loader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Model::from_json_slice(&bytes);
    }

    #[test]
    fn the_loader_never_panics_on_json_values(value in json_value()) {
        let _ = Model::from_json_str(&value.to_string());
    }

    #[test]
    fn the_loader_refuses_or_accepts_a_mutated_sample_without_panicking(
        choice in any::<usize>(),
        replacement in json_value(),
    ) {
        let mut doc: serde_json::Value = serde_json::from_str(&Model::sample().to_json_string().unwrap()).unwrap();
        mutate(&mut doc, choice, replacement);
        if let Ok(model) = Model::from_json_str(&doc.to_string()) {
            prop_assert!(model.validate().is_ok());
        }
    }

    #[test]
    fn money_operations_never_panic(a in decimal(), b in decimal(), f in decimal()) {
        let (x, y) = (Money::new(a, Currency::USD), Money::new(b, Currency::USD));
        let _ = (x.checked_add(y), x.checked_sub(y), x.checked_mul(f), x.checked_div(f), x.checked_ratio(y));
        let _ = x.round_to_minor_units();
        let _ = x.to_string();
        let _ = x.allocate(&[a, b, f]);
        prop_assert!(x.checked_add(Money::new(b, Currency::EUR)).is_err());
    }

    #[test]
    fn allocation_parts_sum_to_the_whole(
        amount in (any::<i64>(), 0u32..=6).prop_map(|(n, s)| Decimal::new(n, s)),
        ratios in proptest::collection::vec((0i64..1_000_000, 0u32..=4).prop_map(|(n, s)| Decimal::new(n, s)), 1..12),
    ) {
        let whole = Money::new(amount, Currency::USD);
        match whole.allocate(&ratios) {
            Ok(parts) => {
                prop_assert_eq!(parts.len(), ratios.len());
                let sum = parts.iter().try_fold(Money::zero(Currency::USD), |acc, p| acc.checked_add(*p)).unwrap();
                prop_assert_eq!(sum.amount(), amount);
                let total: Decimal = ratios.iter().sum();
                let unit = Decimal::new(1, amount.scale().max(2));
                for (part, ratio) in parts.iter().zip(&ratios) {
                    // Each part is within one allocation unit of its exact share.
                    if let Some(exact) = amount.checked_mul(*ratio).and_then(|p| p.checked_div(total)) {
                        prop_assert!((part.amount() - exact).abs() < unit, "{part:?} vs {exact}");
                    }
                    prop_assert!(amount.is_sign_negative() || !part.is_negative());
                }
            }
            Err(e) => prop_assert!(ratios.iter().all(|r| r.is_zero()), "{e}"),
        }
    }

    #[test]
    fn opinions_are_valid_or_refused(b in any::<f64>(), d in any::<f64>(), u in any::<f64>(), a in any::<f64>()) {
        for o in [Opinion::new(b, d, u, a), Opinion::from_evidence(b, d), Opinion::from_score(b), Opinion::vacuous(a)]
            .into_iter()
            .flatten()
        {
            for x in [o.belief(), o.disbelief(), o.uncertainty(), o.base_rate(), o.projected()] {
                prop_assert!((0.0..=1.0).contains(&x));
            }
            prop_assert!((o.belief() + o.disbelief() + o.uncertainty() - 1.0).abs() <= 1e-9);
        }
    }
}

#[cfg(feature = "toml")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn toml_round_trip_is_exact(model in strategy::models(40)) {
        let text = model.to_toml_string().unwrap();
        let again = Model::from_toml_str(&text).unwrap();
        prop_assert_eq!(&again, &model);
    }
}

//! Cost and return: the ledger and the outsourcing analysis.

use covalence::{
    Constituent, Currency, LedgerLine, LedgerOptions, Model, Money, Organization, PartyId, Period, Role,
    Settings, ValueFlow, ValueObject,
};
use rust_decimal::{Decimal, dec};

fn usd(amount: Decimal) -> Money {
    Money::new(amount, Currency::USD)
}

fn sums<K>(lines: &[LedgerLine<K>]) -> (Money, Money) {
    sums_in(lines, usd(dec!(0)))
}

fn sums_in<K>(lines: &[LedgerLine<K>], zero: Money) -> (Money, Money) {
    lines.iter().fold((zero, zero), |(r, c), l| {
        (r.checked_add(l.returns).unwrap(), c.checked_add(l.costs).unwrap())
    })
}

fn assert_breakdowns_sum(ledger: &covalence::Ledger) {
    let totals = (ledger.returns, ledger.costs);
    assert_eq!(sums(&ledger.by_counterparty), totals);
    assert_eq!(sums(&ledger.by_relationship), totals);
    assert_eq!(sums(&ledger.by_channel), totals);
    assert_eq!(sums(&ledger.by_activity), totals);
    assert_eq!(sums(&ledger.by_object), totals);
    assert_eq!(sums(&ledger.by_tangibility), totals);
    assert_eq!(ledger.net, ledger.returns.checked_sub(ledger.costs).unwrap());
}

#[test]
fn the_samples_ledger() {
    let model = Model::sample();
    let ledger = model.ledger(&LedgerOptions::new()).unwrap();
    // Computed from harbor.json by a separate script: inbound flows value x occurrences
    // 43,494,400.00; outbound provider costs 28,304,200.00; relationship maintenance
    // borne by Harbor 276,000.00; its ten channels 338,000.00; in-house activities
    // 2,485,000.00.
    assert_eq!(ledger.returns.amount(), dec!(43494400.00));
    assert_eq!(ledger.costs.amount(), dec!(31403200.00));
    assert_eq!(ledger.net.amount(), dec!(12091200.00));
    assert_eq!(ledger.roi.unwrap().round_dp(4), dec!(0.3850));
    assert_eq!(ledger.benefit_cost_ratio.unwrap().round_dp(4), dec!(1.3850));
    assert_breakdowns_sum(&ledger);
    let channel_costs = ledger
        .by_channel
        .iter()
        .filter(|l| l.key.is_some())
        .map(|l| l.costs.amount());
    assert!(channel_costs.sum::<Decimal>() >= dec!(338000.00));
    let allocated = model
        .ledger(&LedgerOptions::new().allocate_channel_costs(true))
        .unwrap();
    assert_breakdowns_sum(&allocated);
    assert_eq!(
        (allocated.returns, allocated.costs),
        (ledger.returns, ledger.costs)
    );
    // With channel costs spread over the groups present, the unattributed line holds
    // only the in-house activity costs.
    let unattributed = allocated
        .by_counterparty
        .iter()
        .find(|l| l.key.is_none())
        .unwrap();
    assert_eq!(unattributed.costs.amount(), dec!(2485000.00));
}

#[test]
fn the_samples_outsourcing_candidates() {
    let model = Model::sample();
    let outsourcing = model.outsourcing(5).unwrap();
    let keys: Vec<(&str, Decimal, Decimal)> = outsourcing
        .candidates
        .iter()
        .map(|c| {
            (
                model.activity(c.activity).unwrap().key.as_str(),
                c.saving.amount(),
                c.saving_over_horizon.amount(),
            )
        })
        .collect();
    // IT hosting: 210,000 in house, 145,000 outside; payroll: 95,000 against 62,000.
    assert_eq!(
        keys,
        [
            ("it-hosting", dec!(65000.00), dec!(325000.00)),
            ("payroll", dec!(33000.00), dec!(165000.00))
        ]
    );
    let core: Vec<&str> = outsourcing
        .core_outsourced
        .iter()
        .map(|a| model.activity(*a).unwrap().key.as_str())
        .collect();
    assert_eq!(core, ["membrane-development"]);
    assert_eq!(outsourcing.activity_value.len(), model.activities().count());
}

#[test]
fn golden_d1_deflection_funnel_as_a_flow() {
    // 100,000 visits x 0.5 seeking support x 0.4 resolved x 0.4 deflected x $35: a
    // flow of deflected calls, not a special case.
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org"),
    )
    .unwrap();
    let members = model
        .add_constituent(Constituent::new("members", Role::Community, 5_000))
        .unwrap();
    let occurrences = dec!(100000) * dec!(0.5) * dec!(0.4) * dec!(0.4);
    let flow = ValueFlow::new(
        "deflected-calls",
        members.into(),
        model.focal().into(),
        ValueObject::Service,
        usd(dec!(35)),
        occurrences,
    );
    model.add_flow(flow).unwrap();
    let ledger = model.ledger(&LedgerOptions::new()).unwrap();
    assert_eq!(ledger.returns.amount(), dec!(280000));
    assert_eq!(
        (ledger.roi, ledger.benefit_cost_ratio),
        (None, None),
        "no costs: no ratio, never infinite"
    );
    let theirs = model
        .ledger(&LedgerOptions::new().party(PartyId::from(members)))
        .unwrap();
    assert!(
        theirs.costs.is_zero(),
        "only money costs its provider its value unless a cost is stated"
    );
    assert!(theirs.returns.is_zero());
}

#[cfg(feature = "proptest")]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn breakdowns_sum_exactly_to_the_totals(model in covalence::strategy::models(50), allocate in any::<bool>(), pick in any::<usize>()) {
            let parties: Vec<PartyId> = model.organizations().map(|(id, _)| id.into())
                .chain(model.constituents().map(|(id, _)| id.into())).collect();
            let party = parties[pick % parties.len()];
            let currency = model.settings().currency;
            match model.ledger(&LedgerOptions::new().party(party).allocate_channel_costs(allocate)) {
                Ok(ledger) => {
                    let zero = Money::zero(currency);
                    let totals = (ledger.returns, ledger.costs);
                    prop_assert_eq!(sums_in(&ledger.by_counterparty, zero), totals);
                    prop_assert_eq!(sums_in(&ledger.by_relationship, zero), totals);
                    prop_assert_eq!(sums_in(&ledger.by_channel, zero), totals);
                    prop_assert_eq!(sums_in(&ledger.by_activity, zero), totals);
                    prop_assert_eq!(sums_in(&ledger.by_object, zero), totals);
                    prop_assert_eq!(sums_in(&ledger.by_tangibility, zero), totals);
                    prop_assert_eq!(ledger.net, ledger.returns.checked_sub(ledger.costs).unwrap());
                    prop_assert_eq!(ledger.roi.is_none(), ledger.costs.is_zero());
                }
                Err(e) => prop_assert_eq!(e.kind(), covalence::ErrorKind::Overflow),
            }
        }
    }
}

#[test]
fn a_monthly_flow_in_a_yearly_model_is_converted_exactly() {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org"),
    )
    .unwrap();
    let members = model
        .add_constituent(Constituent::new("members", Role::Community, 500))
        .unwrap();
    let mut answers = ValueFlow::new(
        "answers",
        members.into(),
        model.focal().into(),
        ValueObject::Knowledge,
        usd(dec!(25)),
        dec!(100),
    );
    answers.per = Some(Period::Month);
    model.add_flow(answers).unwrap();
    let ledger = model.ledger(&LedgerOptions::new()).unwrap();
    assert_eq!(ledger.returns.amount(), dec!(30000)); // 100 answers a month x 12 x $25
    let text = model.to_json_string().unwrap();
    assert!(text.contains("\"per\": \"month\""));
    assert_eq!(Model::from_json_str(&text).unwrap(), model);
}

#[test]
fn regression_channel_costs_are_the_focal_organizations_only() {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org"),
    )
    .unwrap();
    let g = model
        .add_constituent(Constituent::new("g", Role::Community, 10))
        .unwrap();
    let mut forum = covalence::Channel::new("forum", covalence::Ownership::Owned);
    forum.cost = Some(usd(dec!(1000)));
    let forum = model.add_channel(forum).unwrap();
    model.set_presence(model.focal().into(), forum, 1.0).unwrap();
    model.set_presence(g.into(), forum, 0.5).unwrap();
    assert_eq!(
        model.ledger(&LedgerOptions::new()).unwrap().costs.amount(),
        dec!(1000)
    );
    assert!(
        model
            .ledger(&LedgerOptions::new().party(g.into()))
            .unwrap()
            .costs
            .is_zero()
    );
}

#[test]
fn regression_a_yearly_flow_in_a_monthly_model_loses_nothing() {
    let mut model = Model::new(
        Settings::new(Period::Month, Currency::USD),
        Organization::new("org"),
    )
    .unwrap();
    let g = model
        .add_constituent(Constituent::new("g", Role::Customer, 10))
        .unwrap();
    let mut dues = ValueFlow::new(
        "dues",
        g.into(),
        model.focal().into(),
        ValueObject::Money,
        usd(dec!(1200)),
        dec!(1),
    );
    dues.per = Some(Period::Year);
    model.add_flow(dues).unwrap();
    assert_eq!(
        model.ledger(&LedgerOptions::new()).unwrap().returns.amount(),
        dec!(100)
    );
}

//! The review: the sample's Markdown against a golden file (regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test covalence review`, and read it before
//! committing), numbers that are the analyses' numbers, and a review of any valid model.

use covalence::{
    Constituent, Currency, ErrorKind, LedgerOptions, Model, Organization, Period, PlanOptions,
    ProjectionOptions, ReachOptions, ReviewOptions, Role, Settings,
};

#[test]
fn the_sample_review() {
    let model = Model::sample();
    let review = model.review(&ReviewOptions::new()).unwrap();
    let markdown = review.to_markdown();
    let path = format!("{}/tests/golden/harbor-review.md", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &markdown).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        markdown == expected,
        "the review differs from tests/golden/harbor-review.md"
    );
    assert_eq!(review.to_string(), markdown);
    // Every question has its heading and a finding.
    for heading in [
        "## Summary",
        "## 1. What unique value",
        "## 2. Who helps us",
        "## 3. Do they trust us?",
        "## 4. Where do they interact",
        "## 5. How much do we really reach",
        "## 6. What does each relationship cost",
        "## The commons question",
    ] {
        assert!(markdown.contains(heading), "{heading}");
    }
    // JSON that parses, with the same numbers.
    let json: serde_json::Value = serde_json::from_str(&review.to_json_string().unwrap()).unwrap();
    assert_eq!(json["reach"]["raw"], serde_json::json!(review.reach.raw));
    let npv = review.returns.npv;
    assert_eq!(
        json["returns"]["npv"],
        serde_json::json!(format!("{} {}", npv.amount(), npv.currency()))
    );
}

#[test]
fn review_numbers_are_the_analyses_numbers() {
    let model = Model::sample();
    let review = model.review(&ReviewOptions::new()).unwrap();
    let reach = model.reach(&ReachOptions::new()).unwrap();
    assert_eq!(review.reach.raw, reach.raw);
    assert_eq!(review.reach.effective, reach.effective);
    assert_eq!(review.reach.rented_dependency, reach.rented_effective_dependency);
    let ledger = model.ledger(&LedgerOptions::new()).unwrap();
    assert_eq!(review.returns.returns, ledger.returns);
    assert_eq!(review.returns.costs, ledger.costs);
    let projection = model.projection(&ProjectionOptions::new()).unwrap();
    assert_eq!(review.returns.npv, projection.npv);
    assert_eq!(review.returns.present_value, projection.present_value);
    for g in &review.trust.groups {
        let party = model.lookup(&g.key).unwrap();
        let t = model.trust(party, model.focal().into(), None).unwrap();
        assert_eq!(g.trust, t.opinion.map(|o| o.projected()));
        assert_eq!(g.contextual, t.contextual);
    }
    let outsourcing = model.outsourcing(5).unwrap();
    let saving = outsourcing
        .candidates
        .iter()
        .try_fold(covalence::Money::zero(Currency::USD), |a, c| {
            a.checked_add(c.saving)
        })
        .unwrap();
    assert_eq!(review.value.outsourcing_saving, saving);
    // The plan within the default budget (every candidate's cost).
    let plan_review = review.returns.plan.as_ref().unwrap();
    let plan = model.plan(&PlanOptions::new(plan_review.budget)).unwrap();
    let chosen: Vec<&String> = plan_review.chosen.iter().map(|(k, _, _)| k).collect();
    assert_eq!(chosen, plan.chosen.iter().collect::<Vec<_>>());
    assert_eq!(plan_review.gain, plan.combined_gain);
    // The commons question, by operator: Meta runs Facebook and Instagram.
    let meta = review
        .commons
        .platforms
        .iter()
        .find(|p| p.platform == "meta")
        .unwrap();
    assert!(meta.operator);
    assert_eq!(meta.channels, ["facebook", "instagram"]);
    assert!(meta.returns_share > 0.0 && !meta.flagged);
    let strict = model
        .review(&ReviewOptions::new().platform_threshold(0.01))
        .unwrap();
    assert!(strict.commons.flagged);
    assert!(strict.summary.contains("leans too hard on"));
}

#[test]
fn a_bare_model_is_reviewed_too() {
    let mut model = Model::new(
        Settings::new(Period::Month, Currency::EUR),
        Organization::new("solo"),
    )
    .unwrap();
    let review = model.review(&ReviewOptions::new()).unwrap();
    assert!(review.value.finding.contains("performs no core activity"));
    assert!(review.trust.finding.contains("Nothing in the model says"));
    assert!(review.commons.finding.contains("uses no commercial platform"));
    assert!(review.returns.plan.is_none());
    let mut group = Constituent::new("g", Role::Community, 5);
    group.name = Some("pipes | and\nnew lines".into());
    model.add_constituent(group).unwrap();
    let markdown = model.review(&ReviewOptions::new()).unwrap().to_markdown();
    assert!(
        markdown.contains("pipes \\| and new lines") || !markdown.contains("pipes |"),
        "{markdown}"
    );
}

/// Findings that follow the numbers in unusual models.
#[test]
fn findings_follow_the_numbers() {
    use covalence::{Channel, Observation, Ownership};
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org").with_name("Acme\n\n## Injected <img src=x onerror=alert(1)> `x` *y* #"),
    )
    .unwrap();
    let g = model
        .add_constituent(Constituent::new("g", Role::Customer, 100))
        .unwrap();
    let meta = model.add_organization(Organization::new("meta")).unwrap();
    let fb = model
        .add_channel(Channel::new("fb", Ownership::Rented { operator: Some(meta) }))
        .unwrap();
    let ig = model
        .add_channel(Channel::new("ig", Ownership::Rented { operator: Some(meta) }))
        .unwrap();
    let focal = model.focal().into();
    for c in [fb, ig] {
        model.set_presence(focal, c, 1.0).unwrap();
        model.set_presence(g.into(), c, 0.9).unwrap();
    }
    // Only neutral remarks: something is said.
    let mut neutral = Observation::new(g, focal, fb);
    neutral.neutral = 50;
    model.set_observation(neutral).unwrap();
    let review = model.review(&ReviewOptions::new()).unwrap();
    assert!(
        review
            .conversations
            .finding
            .starts_with("100% of what groups say"),
        "{}",
        review.conversations.finding
    );
    // The platform is the operator: without Meta, everything is lost.
    let meta_platform = &review.commons.platforms[0];
    assert_eq!(meta_platform.channels, ["fb", "ig"]);
    assert_eq!(meta_platform.effective_reach_share, 1.0);
    assert!(meta_platform.flagged && review.commons.flagged);
    assert!(
        review
            .commons
            .finding
            .contains("None of its returns flow through a commercial platform")
    );
    // No rented exposure reads as 0%, never -0%.
    let bare = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("solo"),
    )
    .unwrap();
    let r = bare.review(&ReviewOptions::new()).unwrap();
    assert_eq!(r.reach.rented_exposure.to_bits(), 0.0f64.to_bits());
    assert!(!r.to_markdown().contains("-0%"));
    // User text cannot inject Markdown or HTML.
    let markdown = review.to_markdown();
    assert!(!markdown.contains("<img"), "{markdown}");
    assert!(!markdown.contains("\n## Injected"), "{markdown}");
    assert_eq!(
        markdown.matches("\n## ").count(),
        8,
        "only the review's own headings"
    );
}

#[test]
fn options_out_of_range_are_errors() {
    let model = Model::sample();
    for options in [
        ReviewOptions::new().platform_threshold(1.5),
        ReviewOptions::new().platform_threshold(f64::NAN),
        ReviewOptions::new().trust_step(0.0),
    ] {
        assert_eq!(
            model.review(&options).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
    }
}

#[cfg(feature = "proptest")]
mod properties {
    use super::*;
    use covalence::strategy;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any valid model, empty ones included, gets a review that renders.
        #[test]
        fn every_valid_model_is_reviewed(model in strategy::models(20)) {
            match model.review(&ReviewOptions::new()) {
                Ok(review) => {
                    prop_assert!(review.to_markdown().starts_with("# Review of "));
                    prop_assert!(review.to_json_string().is_ok());
                }
                Err(e) => prop_assert!(e.kind() == ErrorKind::Overflow, "{e}"),
            }
        }
    }
}

//! Loads a model file (the bundled sample when none is given), checks it and prints
//! what it holds.
//!
//! ```sh
//! cargo run --example summary [-- path/to/model.json]
//! ```

use std::process::ExitCode;

use covalence::{Model, Ownership, PartyId};

fn main() -> ExitCode {
    let model = match std::env::args().nth(1) {
        None => Model::sample(),
        Some(path) => {
            let loaded = std::fs::read(&path)
                .map_err(|e| format!("{path}: {e}"))
                .and_then(|bytes| {
                    let parsed = if path.ends_with(".toml") {
                        toml_model(&bytes)
                    } else {
                        Model::from_json_slice(&bytes)
                    };
                    parsed.map_err(|e| format!("{path}: {e}"))
                });
            match loaded {
                Ok(model) => model,
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    if let Err(e) = model.validate() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    if let Err(e) = print(&model) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "toml")]
fn toml_model(bytes: &[u8]) -> Result<Model, covalence::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Model::from_toml_str(text),
        Err(_) => Model::from_json_slice(bytes),
    }
}

#[cfg(not(feature = "toml"))]
fn toml_model(bytes: &[u8]) -> Result<Model, covalence::Error> {
    Model::from_json_slice(bytes)
}

fn print(model: &Model) -> Result<(), covalence::Error> {
    let settings = model.settings();
    let focal = model.organization(model.focal())?;
    println!("# {}", focal.display_name());
    println!(
        "Per {}, in {}; trust contexts: {}.",
        settings.period.name(),
        settings.currency,
        if settings.contexts.is_empty() {
            "none".to_string()
        } else {
            settings.contexts.join(", ")
        }
    );

    println!("\n## Constituent groups");
    let mut people = 0u64;
    for (_, c) in model.constituents() {
        people = people.saturating_add(c.members);
        println!(
            "- {:<28} {:<10} {:>8} members",
            c.display_name(),
            c.role.name(),
            c.members
        );
    }
    let shared: u64 = model.overlaps().map(|o| o.shared_members).sum();
    println!("{people} members in all; {shared} of them counted in two groups by declared overlaps.");

    println!("\n## Channels");
    for (id, c) in model.channels() {
        let operator = match c.ownership {
            Ownership::Rented { operator: Some(op) } => {
                format!(" by {}", model.organization(op)?.display_name())
            }
            _ => String::new(),
        };
        let present = model.presences().filter(|p| p.channel == id).count();
        let cost = c.cost.map(|m| format!(", costs {m}")).unwrap_or_default();
        println!(
            "- {:<28} {}{operator}{cost}; {present} parties present",
            c.display_name(),
            c.ownership.name()
        );
    }

    println!("\n## Activities");
    for (_, a) in model.activities() {
        let by = model.party_name(a.performed_by)?;
        let costs = match (a.in_house_cost, a.market_price) {
            (Some(h), Some(m)) => format!("in house {h}, market {m}"),
            (Some(h), None) => format!("in house {h}"),
            (None, Some(m)) => format!("market {m}"),
            (None, None) => "no costs stated".to_string(),
        };
        println!(
            "- {:<28} {:<9} by {by}; {costs}",
            a.display_name(),
            a.class.name()
        );
    }

    println!("\n## Relationships");
    for (_, r) in model.relationships() {
        let [a, b] = r.parties;
        let desired = r
            .desired
            .filter(|d| *d != r.kind)
            .map(|d| format!(" -> wants {}", d.name()))
            .unwrap_or_default();
        println!(
            "- {} – {}: {}{desired}",
            model.party_name(a)?,
            model.party_name(b)?,
            r.kind.name()
        );
        for (truster, profile) in r.parties.iter().zip(&r.trust) {
            if profile.is_empty() {
                continue;
            }
            let mut parts = Vec::new();
            if let Some(o) = profile.absolute {
                parts.push(format!("overall {:.2}", o.projected()));
            }
            for (context, o) in &profile.contexts {
                parts.push(format!("{context} {:.2}", o.projected()));
            }
            println!(
                "    trust of {}: {}",
                model.party_name(*truster)?,
                parts.join(", ")
            );
        }
    }

    println!("\n## Value flows ({} in all)", model.flows().count());
    let focal_id = PartyId::from(model.focal());
    let currency = settings.currency;
    let mut inbound = covalence::Money::zero(currency);
    let mut outbound = covalence::Money::zero(currency);
    for (_, f) in model.flows() {
        let occurrences = f.occurrences_per(settings.period)?;
        let total = f.value.checked_mul(occurrences)?;
        if f.to == focal_id {
            inbound = inbound.checked_add(total)?;
        }
        if f.from == focal_id {
            outbound = outbound.checked_add(f.provider_cost().checked_mul(occurrences)?)?;
        }
        println!(
            "- {:<24} {:<10} {} -> {}: {} x {}",
            f.key,
            f.object.name(),
            model.party_name(f.from)?,
            model.party_name(f.to)?,
            occurrences,
            f.value
        );
    }
    println!(
        "Value flowing to {} per {}: {inbound}; cost of what it provides: {outbound}.",
        focal.display_name(),
        settings.period.name()
    );

    println!("\n## Do they trust us?");
    for (id, c) in model.constituents() {
        let trust = model.trust(id.into(), focal_id, None)?;
        let Some(opinion) = trust.opinion else { continue };
        let contexts: Vec<String> = trust
            .profile
            .contexts
            .iter()
            .map(|(name, o)| format!("{name} {:.2}", o.projected()))
            .collect();
        let kind = if trust.contextual {
            "contextual"
        } else {
            "absolute"
        };
        let detail = if contexts.is_empty() {
            String::new()
        } else {
            format!(" ({})", contexts.join(", "))
        };
        println!(
            "- {:<28} {:.2}, {kind}{detail}",
            c.display_name(),
            opinion.projected()
        );
    }

    let reach = model.reach(&covalence::ReachOptions::new())?;
    println!("\n## Scale and value");
    println!(
        "Raw reach {} people; expected {:.0}; effective (trusted) {:.0}: {:.0}% of the scale.",
        reach.raw,
        reach.expected,
        reach.effective,
        100.0 * reach.scale_vs_value.unwrap_or(0.0)
    );
    let rented: f64 = reach
        .channels
        .iter()
        .filter(|c| c.ownership.is_rented())
        .map(|c| c.exposure_share)
        .sum();
    println!(
        "Commercial platforms hold {:.0}% of the exposure; {:.0}% of effective reach depends on them.",
        100.0 * rented,
        100.0 * reach.rented_effective_dependency
    );

    let ledger = model.ledger(&covalence::LedgerOptions::new())?;
    println!("\n## Cost and return per {}", settings.period.name());
    println!(
        "Returns {}; costs {}; net {}; ROI {}.",
        ledger.returns,
        ledger.costs,
        ledger.net,
        ledger.roi.map_or("n/a".to_string(), |r| format!(
            "{:.1}%",
            r * rust_decimal::Decimal::ONE_HUNDRED
        ))
    );
    let projection = model.projection(&covalence::ProjectionOptions::new().horizon(5))?;
    println!(
        "Over 5 {}s at 3.5% ({}): NPV {}, SROI {}.",
        settings.period.name(),
        projection.timing,
        projection.npv,
        projection.sroi.map_or("n/a".to_string(), |s| format!("{s:.2}"))
    );
    for c in &model.outsourcing(5)?.candidates {
        println!(
            "Could outsource {}: {} in house, {} outside, saving {} a {}.",
            model.activity(c.activity)?.display_name(),
            c.in_house_cost,
            c.market_price,
            c.saving,
            settings.period.name()
        );
    }

    println!("\n## What is said about {}", focal.display_name());
    for o in model.observations().filter(|o| o.about == focal_id) {
        let channel = model.channel(o.channel)?;
        let room = if channel.ownership == Ownership::Owned {
            "in our room"
        } else {
            "not in the room"
        };
        println!(
            "- {} on {} ({room}){}: +{} -{} ={}",
            model.party_name(o.by.into())?,
            channel.display_name(),
            o.context
                .as_deref()
                .map(|c| format!(" about {c}"))
                .unwrap_or_default(),
            o.positive,
            o.negative,
            o.neutral
        );
    }

    println!("\n## Would better relationships create more value?");
    let scenarios: Vec<covalence::Scenario> = model.interventions().map(|i| i.scenario.clone()).collect();
    let comparisons = model.compare_all(&scenarios, &covalence::CompareOptions::new());
    for (intervention, comparison) in model.interventions().zip(comparisons) {
        let c = comparison?;
        println!(
            "- {}: NPV {:+}, effective reach {:+.0} people, rented exposure {:+.1} points, {} flows respond to trust.",
            intervention.display_name(),
            c.npv.delta()?.round_to_minor_units().amount(),
            c.effective_reach.delta() + 0.0,
            100.0 * c.rented_exposure.delta() + 0.0,
            c.responses.len()
        );
    }
    let budget = covalence::Money::new(rust_decimal::Decimal::from(400_000), settings.currency);
    let plan = model.plan(&covalence::PlanOptions::new(budget))?;
    println!();
    print!("{plan}");
    Ok(())
}

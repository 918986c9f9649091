//! A model built by arbitrary operations through the public API, with arbitrary
//! values (NaN and infinite floats, huge amounts, any scale, empty and odd keys,
//! removals of what others still name), then every analysis and the review. Never a
//! panic; an edit that fails leaves the model as it was; the model stays valid; JSON
//! round-trips it; raw reach alone (first, so that it scans) equals reach's raw.
#![no_main]

use arbitrary::Arbitrary;
use covalence::{
    Activity, ActivityClass, Channel, Constituent, Currency, Hops, LedgerOptions, Model, Money, Observation,
    Opinion, Organization, Ownership, PartyId, Period, PlanOptions, ProjectionOptions, ReachOptions,
    Relationship, RelationshipKind, ReputationOptions, ReviewOptions, Role, Scenario, Settings, TrustOptions,
    ValueFlow, ValueObject,
};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

#[derive(Arbitrary, Debug)]
enum Op {
    Organization {
        key: String,
    },
    Constituent {
        key: String,
        members: u64,
    },
    Channel {
        key: String,
        kind: u8,
        operator: u8,
        cost: Option<(i64, u32)>,
    },
    Activity {
        key: String,
        core: bool,
        by: u8,
        in_house: Option<(i64, u32)>,
    },
    Relationship {
        a: u8,
        b: u8,
        kind: u8,
        trust: Option<[f64; 4]>,
        back: Option<[f64; 4]>,
        context: Option<(String, [f64; 4])>,
    },
    Flow {
        key: String,
        from: u8,
        to: u8,
        value: (i64, u32),
        occurrences: (i64, u32),
        channel: Option<u8>,
        elasticity: f64,
        duration: Option<u32>,
    },
    Presence {
        party: u8,
        channel: u8,
        share: f64,
    },
    Overlap {
        a: u8,
        b: u8,
        shared: u64,
    },
    Observation {
        by: u8,
        about: u8,
        channel: u8,
        counts: [u64; 3],
    },
    Context {
        name: String,
    },
    RemoveContext {
        name: String,
    },
    RemoveParty {
        which: u8,
    },
    RemoveChannel {
        which: u8,
    },
    RemoveFlow {
        which: u8,
    },
    RemoveRelationship {
        which: u8,
    },
    SetFocal {
        which: u8,
    },
    Members {
        which: u8,
        members: u64,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    ops: Vec<Op>,
    hops: u8,
    horizon: u8,
    budget: (i64, u32),
}

fn decimal((m, s): (i64, u32)) -> Decimal {
    Decimal::try_from_i128_with_scale(i128::from(m), s % 29).unwrap_or_default()
}

fn usd(parts: (i64, u32)) -> Money {
    Money::new(decimal(parts), Currency::USD)
}

fn nth<T: Copy>(items: &[T], n: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(n) % items.len()])
}

fn opinion([b, d, u, a]: [f64; 4]) -> Option<Opinion> {
    Opinion::new(b, d, u, a).ok()
}

fn apply(model: &mut Model, op: &Op) -> Result<(), covalence::Error> {
    let parties: Vec<PartyId> = model
        .organizations()
        .map(|(id, _)| id.into())
        .chain(model.constituents().map(|(id, _)| id.into()))
        .collect();
    let groups: Vec<_> = model.constituents().map(|(id, _)| id).collect();
    let orgs: Vec<_> = model.organizations().map(|(id, _)| id).collect();
    let channels: Vec<_> = model.channels().map(|(id, _)| id).collect();
    let flows: Vec<_> = model.flows().map(|(id, _)| id).collect();
    let relationships: Vec<_> = model.relationships().map(|(id, _)| id).collect();
    match op {
        Op::Organization { key } => model.add_organization(Organization::new(key.clone())).map(drop),
        Op::Constituent { key, members } => model
            .add_constituent(Constituent::new(key.clone(), Role::Community, *members))
            .map(drop),
        Op::Channel {
            key,
            kind,
            operator,
            cost,
        } => {
            let ownership = match kind % 3 {
                0 => Ownership::Owned,
                1 => Ownership::Commons,
                _ => Ownership::Rented {
                    operator: nth(&orgs, *operator),
                },
            };
            let mut channel = Channel::new(key.clone(), ownership);
            channel.cost = cost.map(usd);
            model.add_channel(channel).map(drop)
        }
        Op::Activity {
            key,
            core,
            by,
            in_house,
        } => {
            let Some(by) = nth(&parties, *by) else {
                return Ok(());
            };
            let class = if *core {
                ActivityClass::Core
            } else {
                ActivityClass::Commodity
            };
            let mut activity = Activity::new(key.clone(), class, by);
            activity.in_house_cost = in_house.map(usd);
            model.add_activity(activity).map(drop)
        }
        Op::Relationship {
            a,
            b,
            kind,
            trust,
            back,
            context,
        } => {
            let (Some(a), Some(b)) = (nth(&parties, *a), nth(&parties, *b)) else {
                return Ok(());
            };
            let kind = RelationshipKind::ALL[usize::from(*kind) % RelationshipKind::ALL.len()];
            let mut r = Relationship::new(a, b, kind);
            r.trust[0].absolute = trust.and_then(opinion);
            r.trust[1].absolute = back.and_then(opinion);
            if let Some((name, o)) = context
                && let Some(o) = opinion(*o)
            {
                r.trust[0].contexts.insert(name.clone(), o);
            }
            model.add_relationship(r).map(drop)
        }
        Op::Flow {
            key,
            from,
            to,
            value,
            occurrences,
            channel,
            elasticity,
            duration,
        } => {
            let (Some(from), Some(to)) = (nth(&parties, *from), nth(&parties, *to)) else {
                return Ok(());
            };
            let mut flow = ValueFlow::new(
                key.clone(),
                from,
                to,
                ValueObject::Money,
                usd(*value),
                decimal(*occurrences),
            );
            flow.channel = channel.and_then(|c| nth(&channels, c));
            flow.trust_elasticity = *elasticity;
            flow.duration = *duration;
            model.add_flow(flow).map(drop)
        }
        Op::Presence {
            party,
            channel,
            share,
        } => {
            let (Some(p), Some(c)) = (nth(&parties, *party), nth(&channels, *channel)) else {
                return Ok(());
            };
            model.set_presence(p, c, *share).map(drop)
        }
        Op::Overlap { a, b, shared } => {
            let (Some(a), Some(b)) = (nth(&groups, *a), nth(&groups, *b)) else {
                return Ok(());
            };
            model.set_overlap(a, b, *shared).map(drop)
        }
        Op::Observation {
            by,
            about,
            channel,
            counts,
        } => {
            let (Some(by), Some(about), Some(c)) =
                (nth(&groups, *by), nth(&parties, *about), nth(&channels, *channel))
            else {
                return Ok(());
            };
            let mut o = Observation::new(by, about, c);
            o.positive = counts[0];
            o.negative = counts[1];
            o.neutral = counts[2];
            model.set_observation(o).map(drop)
        }
        Op::Context { name } => model.add_context(name.clone()),
        Op::RemoveContext { name } => model.remove_context(name),
        Op::RemoveParty { which } => match nth(&groups, *which) {
            Some(g) => model.remove_constituent(g).map(drop),
            None => Ok(()),
        },
        Op::RemoveChannel { which } => match nth(&channels, *which) {
            Some(c) => model.remove_channel(c).map(drop),
            None => Ok(()),
        },
        Op::RemoveFlow { which } => match nth(&flows, *which) {
            Some(f) => model.remove_flow(f).map(drop),
            None => Ok(()),
        },
        Op::RemoveRelationship { which } => match nth(&relationships, *which) {
            Some(r) => model.remove_relationship(r).map(drop),
            None => Ok(()),
        },
        Op::SetFocal { which } => match nth(&orgs, *which) {
            Some(o) => model.set_focal(o).map(drop),
            None => Ok(()),
        },
        Op::Members { which, members } => match nth(&groups, *which) {
            Some(g) => model.update_constituent(g, |c| c.members = *members),
            None => Ok(()),
        },
    }
}

fuzz_target!(|input: Input| {
    let Ok(mut model) = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org"),
    ) else {
        return;
    };
    for op in input.ops.iter().take(64) {
        let before = model.clone();
        if apply(&mut model, op).is_err() {
            assert!(model == before, "a failed edit changed the model: {op:?}");
        }
    }
    assert!(model.validate().is_ok(), "edits keep the model valid");
    let text = model.to_json_string().expect("a model writes");
    assert!(
        Model::from_json_str(&text).expect("a written model loads") == model,
        "JSON round trip"
    );

    let focal: PartyId = model.focal().into();
    let _ = model.trust_paths(focal, &TrustOptions::new());
    let _ = model.reputation(&ReputationOptions::new());
    let reach = ReachOptions::new()
        .max_hops(u32::from(input.hops % 8))
        .hops(Hops::Both);
    // Raw reach first, while the snapshot has no neighbour rows (it scans).
    let raw = model.raw_reach(&reach);
    if let (Ok(reach), Ok(raw)) = (model.reach(&reach), raw) {
        assert_eq!(reach.raw, raw, "raw reach alone is reach's raw");
    }
    let _ = model.projection(&ProjectionOptions::new().horizon(u32::from(input.horizon)));
    let _ = model.ledger(&LedgerOptions::new());
    let _ = model.outsourcing(u32::from(input.horizon));
    let _ = model.plan(&PlanOptions::new(usd(input.budget)));
    let _ = model.compare(&Scenario::new("quit").remove_channel("c"));
    if let Ok(review) = model.review(&ReviewOptions::new()) {
        let _ = review.to_markdown();
        let _ = review.to_html();
        let _ = review.to_json_string();
    }
});

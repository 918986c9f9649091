//! Proptest strategies for property tests of tools that embed covalence (feature
//! `proptest`).
//!
//! [`models`] generates valid models of a chosen size, reached by random edits that
//! include removals, so generated models have the gaps and reused slots of real ones.
//! [`edits`] generates sequences of [`Edit`]s that apply to *any* model: each edit picks
//! its targets among the entities the model holds when it is applied, and does nothing
//! when the model holds nothing it could act on. The crate's own property tests use
//! these same strategies.
//!
//! # Example
//! ```
//! use covalence::strategy;
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::deterministic();
//! runner
//!     .run(&(strategy::models(20), strategy::edits(10)), |(mut model, edits)| {
//!         for edit in &edits {
//!             edit.apply(&mut model).expect("generated edits are valid");
//!         }
//!         prop_assert!(model.validate().is_ok());
//!         Ok(())
//!     })
//!     .expect("the property holds");
//! ```

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::Union;
use rust_decimal::Decimal;

use crate::error::Error;
use crate::model::{
    Activity, ActivityClass, ActivityId, Adjustments, Channel, ChannelId, Constituent, FlowId, Model,
    Observation, Organization, Ownership, PartyId, Period, Relationship, RelationshipId, RelationshipKind,
    Role, Settings, TrustProfile, ValueFlow, ValueObject,
};
use crate::money::{Currency, Fraction, Money};
use crate::trust::Opinion;

/// Picks the `n`-th of whatever the model holds when the edit is applied (modulo
/// their number).
type Pick = u32;

/// One random edit of a model. Build sequences with [`edits`]; apply with
/// [`Edit::apply`]. `Debug` shows what it does, for shrunk counterexamples.
///
/// # Example
/// ```
/// use covalence::{strategy, Model};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let mut runner = TestRunner::deterministic();
/// let edits = strategy::edits(5).new_tree(&mut runner).expect("a value").current();
/// let mut model = Model::sample();
/// for edit in &edits {
///     edit.apply(&mut model)?;
/// }
/// model.validate()?;
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Edit(Op);

#[derive(Debug, Clone)]
enum Op {
    AddOrganization {
        named: bool,
    },
    AddConstituent {
        role: u8,
        members: u64,
    },
    AddChannel {
        ownership: u8,
        operator: Pick,
        cost: Option<i64>,
    },
    AddActivity {
        core: bool,
        performer: Pick,
        in_house: Option<i64>,
        market: Option<i64>,
    },
    AddRelationship {
        a: Pick,
        b: Pick,
        kind: u8,
        desired: Option<u8>,
        cost: Option<i64>,
        trust: [Trust; 2],
    },
    AddFlow(Box<FlowSpec>),
    SetPresence {
        party: Pick,
        channel: Pick,
        share: f64,
    },
    SetOverlap {
        a: Pick,
        b: Pick,
        share: f64,
    },
    SetObservation {
        by: Pick,
        about: Pick,
        channel: Pick,
        context: Option<Pick>,
        counts: [u64; 3],
    },
    AddContext,
    SetMembers {
        who: Pick,
        members: u64,
    },
    SetKind {
        which: Pick,
        kind: u8,
    },
    SetTrust {
        which: Pick,
        direction: bool,
        trust: Trust,
    },
    SetOccurrences {
        which: Pick,
        occurrences: Decimal,
    },
    Rename {
        which: Pick,
    },
    SetFocal {
        which: Pick,
    },
    RemoveOrganization {
        which: Pick,
    },
    RemoveConstituent {
        which: Pick,
    },
    RemoveChannel {
        which: Pick,
    },
    RemoveActivity {
        which: Pick,
    },
    RemoveFlow {
        which: Pick,
    },
    RemoveRelationship {
        which: Pick,
    },
    RemovePresence {
        which: Pick,
    },
    RemoveOverlap {
        which: Pick,
    },
    RemoveObservation {
        which: Pick,
    },
    RemoveContext {
        which: Pick,
    },
}

#[derive(Debug, Clone)]
struct Trust {
    absolute: Option<[f64; 3]>,
    contexts: Vec<(Pick, [f64; 3])>,
}

#[derive(Debug, Clone)]
struct FlowSpec {
    from: Pick,
    to: Pick,
    object: u8,
    value: i64,
    cost: Option<i64>,
    occurrences: Decimal,
    channel: Option<Pick>,
    activity: Option<Pick>,
    adjustments: [u8; 4],
    duration: Option<u32>,
    elasticity: f64,
}

fn pick<T: Copy>(items: &[T], n: Pick) -> Option<T> {
    (!items.is_empty())
        .then(|| items.get(n as usize % items.len()).copied())
        .flatten()
}

fn money(model: &Model, cents: i64) -> Money {
    Money::new(Decimal::new(cents, 2), model.settings().currency)
}

fn opinion([b, d, a]: [f64; 3]) -> Result<Opinion, Error> {
    let b = b.clamp(0.0, 1.0);
    let d = (d * (1.0 - b)).clamp(0.0, 1.0 - b);
    Opinion::new(b, d, 1.0 - b - d, a.clamp(0.0, 1.0))
}

fn kind(k: u8) -> RelationshipKind {
    pick(&RelationshipKind::ALL, u32::from(k)).unwrap_or(RelationshipKind::Transactional)
}

/// A key no entity has yet; some carry spaces and non-ASCII letters, as users' do.
fn fresh_key(model: &Model, stem: &str) -> String {
    const STEMS: [&str; 3] = ["", " ünï", "-ĸ"];
    (0usize..)
        .map(|i| format!("{stem}{}{i}", pick(&STEMS, i as u32).unwrap_or("")))
        .find(|k| model.lookup::<PartyId>(k).is_err() && !key_taken(model, k))
        .unwrap_or_default()
}

fn key_taken(model: &Model, key: &str) -> bool {
    model.lookup::<ChannelId>(key).is_ok()
        || model.lookup::<ActivityId>(key).is_ok()
        || model.lookup::<FlowId>(key).is_ok()
        || model.lookup::<PartyId>(key).is_ok()
}

fn parties(model: &Model) -> Vec<PartyId> {
    model
        .organizations()
        .map(|(id, _)| PartyId::from(id))
        .chain(model.constituents().map(|(id, _)| PartyId::from(id)))
        .collect()
}

fn ids<I: Copy, T>(iter: impl Iterator<Item = (I, T)>) -> Vec<I> {
    iter.map(|(id, _)| id).collect()
}

impl Trust {
    fn profile(&self, model: &Model) -> Result<TrustProfile, Error> {
        let mut profile = TrustProfile {
            absolute: self.absolute.map(opinion).transpose()?,
            ..Default::default()
        };
        for (c, o) in &self.contexts {
            if let Some(name) = pick(&model.settings().contexts.iter().collect::<Vec<_>>(), *c) {
                profile.contexts.insert(name.clone(), opinion(*o)?);
            }
        }
        Ok(profile)
    }
}

impl Edit {
    /// Applies the edit through the model's public methods. Targets are picked among
    /// the entities present; an edit with nothing to act on does nothing. Removing a
    /// party, channel or activity first removes (or detaches) whatever still names
    /// it, as a careful user would.
    ///
    /// # Errors
    /// Only if the model refuses an edit built to be valid, which would be a bug in
    /// this crate: property tests assert that it never happens.
    ///
    /// # Example
    /// ```
    /// # use covalence::{strategy, Model};
    /// # use proptest::strategy::{Strategy, ValueTree};
    /// # let mut runner = proptest::test_runner::TestRunner::deterministic();
    /// let edits = strategy::edits(3).new_tree(&mut runner).expect("a value").current();
    /// let mut model = Model::sample();
    /// edits.iter().try_for_each(|e| e.apply(&mut model))?;
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn apply(&self, model: &mut Model) -> Result<(), Error> {
        match &self.0 {
            Op::AddOrganization { named } => {
                let key = fresh_key(model, "org");
                let mut org = Organization::new(key);
                if *named {
                    org.name = Some("An <Organization> & \"friends\"".into());
                }
                model.add_organization(org).map(drop)
            }
            Op::AddConstituent { role, members } => {
                const ROLES: [Role; 9] = [
                    Role::Customer,
                    Role::Employee,
                    Role::Partner,
                    Role::Supplier,
                    Role::Community,
                    Role::Investor,
                    Role::Executive,
                    Role::Regulator,
                    Role::Media,
                ];
                let role = ROLES
                    .get(usize::from(*role))
                    .cloned()
                    .unwrap_or_else(|| Role::Other("alumni".into()));
                let key = fresh_key(model, "group");
                model
                    .add_constituent(Constituent::new(key, role, *members))
                    .map(drop)
            }
            Op::AddChannel {
                ownership,
                operator,
                cost,
            } => {
                let orgs = ids(model.organizations());
                let ownership = match ownership % 3 {
                    0 => Ownership::Owned,
                    1 => Ownership::Commons,
                    _ => Ownership::Rented {
                        operator: pick(&orgs, *operator).filter(|_| operator % 2 == 0),
                    },
                };
                let mut channel = Channel::new(fresh_key(model, "channel"), ownership);
                channel.cost = cost.map(|c| money(model, c));
                model.add_channel(channel).map(drop)
            }
            Op::AddActivity {
                core,
                performer,
                in_house,
                market,
            } => {
                let Some(by) = pick(&parties(model), *performer) else {
                    return Ok(());
                };
                let class = if *core {
                    ActivityClass::Core
                } else {
                    ActivityClass::Commodity
                };
                let mut activity = Activity::new(fresh_key(model, "activity"), class, by);
                activity.in_house_cost = in_house.map(|c| money(model, c));
                activity.market_price = market.map(|c| money(model, c));
                model.add_activity(activity).map(drop)
            }
            Op::AddRelationship {
                a,
                b,
                kind: k,
                desired,
                cost,
                trust,
            } => {
                let all = parties(model);
                let (Some(pa), Some(pb)) = (pick(&all, *a), pick(&all, *b)) else {
                    return Ok(());
                };
                if pa == pb || model.relationship_between(pa, pb).is_some() {
                    return Ok(());
                }
                let mut rel = Relationship::new(pa, pb, kind(*k));
                rel.desired = desired.map(kind);
                rel.cost = cost.map(|c| money(model, c));
                let [t0, t1] = trust;
                rel.trust = [t0.profile(model)?, t1.profile(model)?];
                model.add_relationship(rel).map(drop)
            }
            Op::AddFlow(spec) => {
                let all = parties(model);
                let (Some(from), Some(to)) = (pick(&all, spec.from), pick(&all, spec.to)) else {
                    return Ok(());
                };
                if from == to {
                    return Ok(());
                }
                const OBJECTS: [ValueObject; 10] = [
                    ValueObject::Money,
                    ValueObject::Product,
                    ValueObject::Service,
                    ValueObject::Knowledge,
                    ValueObject::Content,
                    ValueObject::Feedback,
                    ValueObject::Referral,
                    ValueObject::Attention,
                    ValueObject::Data,
                    ValueObject::Reputation,
                ];
                let object = OBJECTS
                    .get(usize::from(spec.object))
                    .cloned()
                    .unwrap_or_else(|| ValueObject::Other("goodwill".into()));
                let mut flow = ValueFlow::new(
                    fresh_key(model, "flow"),
                    from,
                    to,
                    object,
                    money(model, spec.value),
                    spec.occurrences,
                );
                flow.cost = spec.cost.map(|c| money(model, c));
                flow.channel = spec.channel.and_then(|c| pick(&ids(model.channels()), c));
                flow.activity = spec.activity.and_then(|a| pick(&ids(model.activities()), a));
                let [dw, dp, at, dr] = spec
                    .adjustments
                    .map(|p| Fraction::new(Decimal::new(i64::from(p % 101), 2)));
                flow.adjustments = Adjustments {
                    deadweight: dw?,
                    displacement: dp?,
                    attribution: at?,
                    drop_off: dr?,
                };
                flow.duration = spec.duration;
                flow.starts_after = u32::from(spec.adjustments[0] % 4);
                flow.per = pick(
                    &[
                        None,
                        Some(Period::Month),
                        Some(Period::Quarter),
                        Some(Period::Year),
                    ],
                    u32::from(spec.object),
                )
                .flatten();
                flow.trust_elasticity = spec.elasticity;
                model.add_flow(flow).map(drop)
            }
            Op::SetPresence {
                party,
                channel,
                share,
            } => {
                let (Some(p), Some(c)) = (
                    pick(&parties(model), *party),
                    pick(&ids(model.channels()), *channel),
                ) else {
                    return Ok(());
                };
                let share = if matches!(p, PartyId::Organization(_)) {
                    1.0
                } else {
                    *share
                };
                model.set_presence(p, c, share).map(drop)
            }
            Op::SetOverlap { a, b, share } => {
                let groups = ids(model.constituents());
                let (Some(ga), Some(gb)) = (pick(&groups, *a), pick(&groups, *b)) else {
                    return Ok(());
                };
                if ga == gb {
                    return Ok(());
                }
                // Room left in each group once its other overlaps are counted.
                let room = |g: crate::model::ConstituentId| -> Result<u64, Error> {
                    let others: u64 = model
                        .overlaps()
                        .filter(|o| {
                            (o.a == g || o.b == g) && !((o.a == ga && o.b == gb) || (o.a == gb && o.b == ga))
                        })
                        .map(|o| o.shared_members)
                        .sum();
                    Ok(model.constituent(g)?.members.saturating_sub(others))
                };
                let smaller = room(ga)?.min(room(gb)?);
                // Truncation keeps the count within the room.
                let shared = (smaller as f64 * share.clamp(0.0, 1.0)) as u64;
                model.set_overlap(ga, gb, shared.min(smaller)).map(drop)
            }
            Op::SetObservation {
                by,
                about,
                channel,
                context,
                counts,
            } => {
                let groups = ids(model.constituents());
                let (Some(g), Some(x), Some(c)) = (
                    pick(&groups, *by),
                    pick(&parties(model), *about),
                    pick(&ids(model.channels()), *channel),
                ) else {
                    return Ok(());
                };
                if PartyId::from(g) == x {
                    return Ok(());
                }
                let mut o = Observation::new(g, x, c);
                o.context = context
                    .and_then(|n| pick(&model.settings().contexts.iter().collect::<Vec<_>>(), n))
                    .cloned();
                [o.positive, o.negative, o.neutral] = *counts;
                model.set_observation(o).map(drop)
            }
            Op::AddContext => {
                let name = (0usize..)
                    .map(|i| format!("context-{i}"))
                    .find(|n| !model.settings().contexts.contains(n));
                name.map_or(Ok(()), |n| model.add_context(n))
            }
            Op::SetMembers { who, members } => {
                let Some(g) = pick(&ids(model.constituents()), *who) else {
                    return Ok(());
                };
                let floor: u64 = model
                    .overlaps()
                    .filter(|o| o.a == g || o.b == g)
                    .map(|o| o.shared_members)
                    .sum::<u64>()
                    .max(1);
                model.update_constituent(g, |c| c.members = (*members).max(floor))
            }
            Op::SetKind { which, kind: k } => {
                let Some(r) = pick(&ids(model.relationships()), *which) else {
                    return Ok(());
                };
                model.update_relationship(r, |rel| rel.kind = kind(*k))
            }
            Op::SetTrust {
                which,
                direction,
                trust,
            } => {
                let Some(r) = pick(&ids(model.relationships()), *which) else {
                    return Ok(());
                };
                let profile = trust.profile(model)?;
                model.update_relationship(r, |rel| {
                    let [t0, t1] = &mut rel.trust;
                    *(if *direction { t1 } else { t0 }) = profile;
                })
            }
            Op::SetOccurrences { which, occurrences } => {
                let Some(f) = pick(&ids(model.flows()), *which) else {
                    return Ok(());
                };
                model.update_flow(f, |flow| flow.occurrences = *occurrences)
            }
            Op::Rename { which } => {
                let all = parties(model);
                let Some(p) = pick(&all, *which) else {
                    return Ok(());
                };
                let key = fresh_key(model, "renamed");
                match p {
                    PartyId::Organization(o) => model.update_organization(o, |org| org.key = key),
                    PartyId::Constituent(c) => model.update_constituent(c, |g| g.key = key),
                }
            }
            Op::SetFocal { which } => {
                let Some(o) = pick(&ids(model.organizations()), *which) else {
                    return Ok(());
                };
                model.set_focal(o).map(drop)
            }
            Op::RemoveOrganization { which } => {
                let Some(o) = pick(&ids(model.organizations()), *which) else {
                    return Ok(());
                };
                if o == model.focal() {
                    return Ok(());
                }
                let operated: Vec<ChannelId> = model
                    .channels()
                    .filter(|(_, c)| c.ownership == Ownership::Rented { operator: Some(o) })
                    .map(|(id, _)| id)
                    .collect();
                for c in operated {
                    model.update_channel(c, |ch| ch.ownership = Ownership::Rented { operator: None })?;
                }
                detach_party(model, o.into())?;
                model.remove_organization(o).map(drop)
            }
            Op::RemoveConstituent { which } => {
                let Some(g) = pick(&ids(model.constituents()), *which) else {
                    return Ok(());
                };
                detach_party(model, g.into())?;
                model.remove_constituent(g).map(drop)
            }
            Op::RemoveChannel { which } => {
                let Some(c) = pick(&ids(model.channels()), *which) else {
                    return Ok(());
                };
                let users: Vec<FlowId> = model
                    .flows()
                    .filter(|(_, f)| f.channel == Some(c))
                    .map(|(id, _)| id)
                    .collect();
                for f in users {
                    model.update_flow(f, |flow| flow.channel = None)?;
                }
                model.remove_channel(c).map(drop)
            }
            Op::RemoveActivity { which } => {
                let Some(a) = pick(&ids(model.activities()), *which) else {
                    return Ok(());
                };
                let users: Vec<FlowId> = model
                    .flows()
                    .filter(|(_, f)| f.activity == Some(a))
                    .map(|(id, _)| id)
                    .collect();
                for f in users {
                    model.update_flow(f, |flow| flow.activity = None)?;
                }
                model.remove_activity(a).map(drop)
            }
            Op::RemoveFlow { which } => match pick(&ids(model.flows()), *which) {
                Some(f) => model.remove_flow(f).map(drop),
                None => Ok(()),
            },
            Op::RemoveRelationship { which } => match pick(&ids(model.relationships()), *which) {
                Some(r) => model.remove_relationship(r).map(drop),
                None => Ok(()),
            },
            Op::RemovePresence { which } => {
                if let Some(p) = pick(&model.presences().collect::<Vec<_>>(), *which) {
                    model.remove_presence(p.party, p.channel);
                }
                Ok(())
            }
            Op::RemoveOverlap { which } => {
                if let Some(o) = pick(&model.overlaps().collect::<Vec<_>>(), *which) {
                    model.remove_overlap(o.a, o.b);
                }
                Ok(())
            }
            Op::RemoveObservation { which } => {
                let all: Vec<Observation> = model.observations().collect();
                if let Some(o) = all.get(*which as usize % all.len().max(1)) {
                    model.remove_observation(o.by, o.about, o.channel, o.context.as_deref());
                }
                Ok(())
            }
            Op::RemoveContext { which } => {
                let contexts = model.settings().contexts.clone();
                let Some(name) = contexts.get(*which as usize % contexts.len().max(1)) else {
                    return Ok(());
                };
                let in_use = model.observations().any(|o| o.context.as_ref() == Some(name))
                    || model
                        .relationships()
                        .any(|(_, r)| r.trust.iter().any(|t| t.contexts.contains_key(name)));
                if in_use {
                    Ok(())
                } else {
                    model.remove_context(name)
                }
            }
        }
    }
}

/// Removes the relationships, flows and activities that name a party.
fn detach_party(model: &mut Model, party: PartyId) -> Result<(), Error> {
    let rels: Vec<RelationshipId> = model
        .relationships()
        .filter(|(_, r)| r.involves(party))
        .map(|(id, _)| id)
        .collect();
    for r in rels {
        model.remove_relationship(r)?;
    }
    let flows: Vec<FlowId> = model
        .flows()
        .filter(|(_, f)| f.from == party || f.to == party)
        .map(|(id, _)| id)
        .collect();
    for f in flows {
        model.remove_flow(f)?;
    }
    let activities: Vec<ActivityId> = model
        .activities()
        .filter(|(_, a)| a.performed_by == party)
        .map(|(id, _)| id)
        .collect();
    for a in activities {
        let users: Vec<FlowId> = model
            .flows()
            .filter(|(_, f)| f.activity == Some(a))
            .map(|(id, _)| id)
            .collect();
        for f in users {
            model.update_flow(f, |flow| flow.activity = None)?;
        }
        model.remove_activity(a)?;
    }
    Ok(())
}

fn cents() -> impl Strategy<Value = i64> {
    prop_oneof![Just(0i64), 1i64..1_000_000, 1_000_000i64..100_000_000_000]
}

fn opinion_parts() -> impl Strategy<Value = [f64; 3]> {
    prop_oneof![
        Just([0.0, 0.0, 0.5]),
        Just([1.0, 0.0, 0.5]),
        Just([0.0, 1.0, 0.5]),
        (0.0..=1.0f64, 0.0..=1.0f64, 0.0..=1.0f64).prop_map(|(b, d, a)| [b, d, a]),
    ]
}

fn trust() -> impl Strategy<Value = Trust> {
    (
        proptest::option::of(opinion_parts()),
        vec((any::<Pick>(), opinion_parts()), 0..3),
    )
        .prop_map(|(absolute, contexts)| Trust { absolute, contexts })
}

fn occurrences() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000, 0u32..4).prop_map(|(n, scale)| Decimal::new(n, scale))
}

/// Random operations; with `growth`, only those that add or set something.
fn op(growth: bool) -> impl Strategy<Value = Op> {
    let p = any::<Pick>;
    let arms: Vec<(u32, BoxedStrategy<Op>)> = vec![
        (
            3,
            any::<bool>()
                .prop_map(|named| Op::AddOrganization { named })
                .boxed(),
        ),
        (
            8,
            (0u8..10, 1u64..50_000)
                .prop_map(|(role, members)| Op::AddConstituent { role, members })
                .boxed(),
        ),
        (
            5,
            (any::<u8>(), p(), proptest::option::of(cents()))
                .prop_map(|(ownership, operator, cost)| Op::AddChannel {
                    ownership,
                    operator,
                    cost,
                })
                .boxed(),
        ),
        (
            3,
            (
                any::<bool>(),
                p(),
                proptest::option::of(cents()),
                proptest::option::of(cents()),
            )
                .prop_map(|(core, performer, in_house, market)| Op::AddActivity {
                    core,
                    performer,
                    in_house,
                    market,
                })
                .boxed(),
        ),
        (
            10,
            (
                p(),
                p(),
                any::<u8>(),
                proptest::option::of(any::<u8>()),
                proptest::option::of(cents()),
                trust(),
                trust(),
            )
                .prop_map(|(a, b, kind, desired, cost, t0, t1)| Op::AddRelationship {
                    a,
                    b,
                    kind,
                    desired,
                    cost,
                    trust: [t0, t1],
                })
                .boxed(),
        ),
        (
            8,
            (
                (
                    p(),
                    p(),
                    0u8..11,
                    cents(),
                    proptest::option::of(cents()),
                    occurrences(),
                ),
                (
                    proptest::option::of(p()),
                    proptest::option::of(p()),
                    any::<[u8; 4]>(),
                    proptest::option::of(1u32..20),
                    prop_oneof![Just(0.0f64), 0.0..3.0f64],
                ),
            )
                .prop_map(
                    |(
                        (from, to, object, value, cost, occurrences),
                        (channel, activity, adjustments, duration, elasticity),
                    )| {
                        Op::AddFlow(Box::new(FlowSpec {
                            from,
                            to,
                            object,
                            value,
                            cost,
                            occurrences,
                            channel,
                            activity,
                            adjustments,
                            duration,
                            elasticity,
                        }))
                    },
                )
                .boxed(),
        ),
        (
            6,
            (p(), p(), 0.0..=1.0f64)
                .prop_map(|(party, channel, share)| Op::SetPresence {
                    party,
                    channel,
                    share,
                })
                .boxed(),
        ),
        (
            2,
            (p(), p(), 0.0..=1.0f64)
                .prop_map(|(a, b, share)| Op::SetOverlap { a, b, share })
                .boxed(),
        ),
        (
            3,
            (p(), p(), p(), proptest::option::of(p()), any::<[u16; 3]>())
                .prop_map(|(by, about, channel, context, c)| Op::SetObservation {
                    by,
                    about,
                    channel,
                    context,
                    counts: c.map(u64::from),
                })
                .boxed(),
        ),
        (1, Just(Op::AddContext).boxed()),
        (
            2,
            (p(), 1u64..50_000)
                .prop_map(|(who, members)| Op::SetMembers { who, members })
                .boxed(),
        ),
        (
            2,
            (p(), any::<u8>())
                .prop_map(|(which, kind)| Op::SetKind { which, kind })
                .boxed(),
        ),
        (
            2,
            (p(), any::<bool>(), trust())
                .prop_map(|(which, direction, trust)| Op::SetTrust {
                    which,
                    direction,
                    trust,
                })
                .boxed(),
        ),
        (
            2,
            (p(), occurrences())
                .prop_map(|(which, occurrences)| Op::SetOccurrences { which, occurrences })
                .boxed(),
        ),
        (1, p().prop_map(|which| Op::Rename { which }).boxed()),
        (1, p().prop_map(|which| Op::SetFocal { which }).boxed()),
        (1, p().prop_map(|which| Op::RemoveOrganization { which }).boxed()),
        (2, p().prop_map(|which| Op::RemoveConstituent { which }).boxed()),
        (1, p().prop_map(|which| Op::RemoveChannel { which }).boxed()),
        (1, p().prop_map(|which| Op::RemoveActivity { which }).boxed()),
        (2, p().prop_map(|which| Op::RemoveFlow { which }).boxed()),
        (2, p().prop_map(|which| Op::RemoveRelationship { which }).boxed()),
        (1, p().prop_map(|which| Op::RemovePresence { which }).boxed()),
        (1, p().prop_map(|which| Op::RemoveOverlap { which }).boxed()),
        (1, p().prop_map(|which| Op::RemoveObservation { which }).boxed()),
        (1, p().prop_map(|which| Op::RemoveContext { which }).boxed()),
    ];
    // Arms 0..=9 add or set; the rest update or remove.
    let arms = arms
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !growth || *i <= 9)
        .map(|(_, arm)| arm)
        .collect();
    Union::new_weighted(arms)
}

/// Sequences of up to `max_len` edits that apply to any model.
///
/// # Example
/// ```
/// use covalence::strategy;
/// use proptest::strategy::{Strategy, ValueTree};
///
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// assert!(strategy::edits(8).new_tree(&mut runner).expect("a value").current().len() <= 8);
/// ```
pub fn edits(max_len: usize) -> impl Strategy<Value = Vec<Edit>> {
    vec(op(false).prop_map(Edit), 0..=max_len)
}

/// Valid models built from a focal organization with random settings by `size / 2` to
/// `size` random additions (of every kind of entity and link), then up to `size / 3`
/// random edits (updates and removals included). `models(0)` gives models with
/// nothing but the focal organization and one addition at most.
///
/// # Example
/// ```
/// use covalence::strategy;
/// use proptest::strategy::{Strategy, ValueTree};
///
/// let mut runner = proptest::test_runner::TestRunner::deterministic();
/// let model = strategy::models(30).new_tree(&mut runner).expect("a value").current();
/// assert!(model.validate().is_ok());
/// ```
pub fn models(size: usize) -> impl Strategy<Value = Model> {
    let settings = (0u8..3, 0usize..4, 0usize..=3).prop_map(|(period, currency, contexts)| {
        let period =
            pick(&[Period::Month, Period::Quarter, Period::Year], u32::from(period)).unwrap_or(Period::Year);
        let currency = pick(
            &[Currency::USD, Currency::EUR, Currency::JPY, Currency::GBP],
            currency as u32,
        )
        .unwrap_or(Currency::USD);
        Settings::new(period, currency).with_contexts(
            (0..contexts)
                .filter_map(|i| pick(&["support", "pricing", "privacy"], i as u32).map(str::to_string)),
        )
    });
    // Grow first, then edit (updates and removals included) so that models hold
    // entities in number and also the gaps removals leave.
    let growth = vec(op(true).prop_map(Edit), size / 2..=size.max(1));
    (settings, growth, edits(size / 3)).prop_filter_map(
        "every generated edit applies",
        |(settings, grow, edits)| {
            let mut model = Model::new(settings, Organization::new("focal")).ok()?;
            for edit in grow.iter().chain(&edits) {
                edit.apply(&mut model).ok()?;
            }
            Some(model)
        },
    )
}

/// Scenarios for a model: up to `max_len` edits naming what `model` holds (its
/// relationships, flows, parties, channels, activities and contexts), with random
/// values. Most apply; some are meant to fail (a share of 0.5 for an organization, a
/// pair already related, a flow on a channel an earlier edit closed), as hand-written
/// scenarios do.
///
/// # Example
/// ```
/// use covalence::{strategy, Model};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let model = Model::sample();
/// let mut runner = TestRunner::deterministic();
/// let scenario = strategy::scenarios(&model, 4).new_tree(&mut runner).expect("a value").current();
/// assert!(scenario.len() <= 4);
/// let _ = model.apply(&scenario); // may fail, never panics
/// ```
pub fn scenarios(model: &Model, max_len: usize) -> impl Strategy<Value = crate::Scenario> + use<> {
    let key = |p: PartyId| model.party_key(p).map(str::to_string).unwrap_or_default();
    let parties: Vec<String> = model
        .organizations()
        .map(|(id, _)| key(id.into()))
        .chain(model.constituents().map(|(id, _)| key(id.into())))
        .collect();
    let pairs: Vec<(String, String)> = model
        .relationships()
        .map(|(_, r)| (key(r.parties[0]), key(r.parties[1])))
        .collect();
    let flows: Vec<String> = model.flows().map(|(_, f)| f.key.clone()).collect();
    let channels: Vec<String> = model.channels().map(|(_, c)| c.key.clone()).collect();
    let activities: Vec<String> = model.activities().map(|(_, a)| a.key.clone()).collect();
    let contexts = model.settings().contexts.clone();
    let currency = model.settings().currency;
    let raw = (
        0u8..18,
        any::<u32>(),
        any::<u32>(),
        0.0..=1.0f64,
        0.0..=1.0f64,
        0u32..1_000_000,
    );
    vec(raw, 0..=max_len).prop_map(move |edits| {
        let mut scenario = crate::Scenario::new("generated");
        for (kind, a, b, x, y, n) in edits {
            let get = |items: &[String], i: u32| -> Option<String> {
                (!items.is_empty()).then(|| items.get(i as usize % items.len()).cloned().unwrap_or_default())
            };
            let money = Money::new(Decimal::new(i64::from(n), 2), currency);
            let pair =
                (!pairs.is_empty()).then(|| pairs.get(a as usize % pairs.len()).cloned().unwrap_or_default());
            scenario = match kind {
                0 | 1 => match pair {
                    Some((p, q)) => {
                        let (truster, trustee) = if b % 2 == 0 { (p, q) } else { (q, p) };
                        let context = if contexts.is_empty() || b % 3 == 0 {
                            None
                        } else {
                            contexts.get(b as usize % contexts.len()).cloned()
                        };
                        let belief = x;
                        let disbelief = y * (1.0 - x);
                        match Opinion::new(belief, disbelief, (1.0 - belief - disbelief).max(0.0), 0.5) {
                            Ok(o) => scenario.set_trust(&truster, &trustee, context.as_deref(), o),
                            Err(_) => scenario,
                        }
                    }
                    None => scenario,
                },
                2 => match pair {
                    Some((p, q)) => scenario.set_kind(
                        &p,
                        &q,
                        RelationshipKind::ALL
                            .get(b as usize % RelationshipKind::ALL.len())
                            .copied()
                            .unwrap_or(RelationshipKind::Responsive),
                    ),
                    None => scenario,
                },
                3 => match pair {
                    Some((p, q)) => scenario.set_relationship_cost(&p, &q, (b % 2 == 0).then_some(money)),
                    None => scenario,
                },
                4 => match (get(&parties, a), get(&parties, b)) {
                    (Some(p), Some(q)) => scenario.add_relationship(&p, &q, RelationshipKind::Informational),
                    _ => scenario,
                },
                5 => get(&flows, a).map_or(scenario.clone(), |f| scenario.clone().set_value(&f, money)),
                6 => get(&flows, a).map_or(scenario.clone(), |f| {
                    scenario.clone().set_occurrences(&f, Decimal::from(n % 10_000))
                }),
                7 => get(&flows, a).map_or(scenario.clone(), |f| {
                    scenario.clone().set_flow_cost(&f, (b % 2 == 0).then_some(money))
                }),
                8 => get(&flows, a).map_or(scenario.clone(), |f| {
                    let channel = if b % 3 == 0 { None } else { get(&channels, b) };
                    scenario.clone().set_flow_channel(&f, channel.as_deref())
                }),
                9 => {
                    get(&flows, a).map_or(scenario.clone(), |f| scenario.clone().set_elasticity(&f, x * 2.0))
                }
                10 => get(&flows, a).map_or(scenario.clone(), |f| scenario.clone().remove_flow(&f)),
                11 | 12 => match (get(&parties, a), get(&channels, b)) {
                    (Some(p), Some(c)) => scenario.set_presence(&p, &c, x),
                    _ => scenario,
                },
                13 => match (get(&parties, a), get(&channels, b)) {
                    (Some(p), Some(c)) => scenario.remove_presence(&p, &c),
                    _ => scenario,
                },
                14 => get(&channels, a).map_or(scenario.clone(), |c| scenario.clone().remove_channel(&c)),
                15 => get(&channels, a).map_or(scenario.clone(), |c| {
                    scenario
                        .clone()
                        .set_channel_cost(&c, (b % 2 == 0).then_some(money))
                }),
                16 => get(&activities, a).map_or(scenario.clone(), |act| {
                    scenario
                        .clone()
                        .set_in_house_cost(&act, (b % 2 == 0).then_some(money))
                }),
                _ => match (get(&activities, a), get(&parties, b)) {
                    (Some(act), Some(p)) => scenario.set_performer(&act, &p),
                    _ => scenario,
                },
            };
        }
        scenario
    })
}

//! The invariants of a model, checked in one place for adding, updating and
//! [`Model::validate`].

use std::collections::HashSet;
use std::fmt;

use petgraph::stable_graph::EdgeIndex;

use crate::error::{Error, ErrorKind};
use crate::model::{
    Activity, Channel, ChannelId, Constituent, ConstituentId, ContextOpinion, Entry, Model, Observation,
    ObservationKey, Organization, Ownership, PartyData, PartyId, RelExtra, RelRecord, Relationship, Role,
    TrustSlot, ValueFlow, node,
};
use crate::money::Money;

/// The longest key accepted, in bytes.
pub(crate) const MAX_KEY_BYTES: usize = 256;

/// Checks the shape of a key, wherever it is used.
pub(crate) fn key(key: &str) -> Result<(), Error> {
    let problem = if key.is_empty() {
        Some("must not be empty")
    } else if key.len() > MAX_KEY_BYTES {
        Some("must be at most 256 bytes long")
    } else if key.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if key.trim() != key {
        Some("must not begin or end with spaces")
    } else {
        None
    };
    match problem {
        Some(problem) => {
            let shown: String = key.chars().take(40).collect();
            Err(Error::invalid(format!("key `{}` {problem}", shown.escape_debug())).with_path("key"))
        }
        None => Ok(()),
    }
}

/// The most trust contexts a model holds: a vocabulary of scopes ("support",
/// "pricing"), not data; each context used costs a weight per trust edge.
pub(crate) const MAX_CONTEXTS: usize = 4096;

fn too_many_contexts(count: usize) -> Error {
    Error::invalid(format!(
        "a model has at most {MAX_CONTEXTS} contexts, got {count}"
    ))
    .with_path("contexts")
}

/// Checks one more context for a list that is valid: its name, not listed, room
/// for it. O(contexts), no allocation.
pub(crate) fn new_context(contexts: &[String], name: &str) -> Result<(), Error> {
    if contexts.len() >= MAX_CONTEXTS {
        return Err(too_many_contexts(contexts.len() + 1));
    }
    key(name).map_err(|e| {
        e.context("context")
            .set_path(format!("contexts[{}]", contexts.len()))
    })?;
    if contexts.iter().any(|c| c == name) {
        return Err(
            Error::new(ErrorKind::Duplicate, format!("context `{name}` is listed twice"))
                .with_path(format!("contexts[{}]", contexts.len())),
        );
    }
    Ok(())
}

/// Checks the model's list of contexts: valid names, unique, at most
/// [`MAX_CONTEXTS`].
pub(crate) fn contexts(contexts: &[String]) -> Result<(), Error> {
    if contexts.len() > MAX_CONTEXTS {
        return Err(too_many_contexts(contexts.len()));
    }
    let mut seen = HashSet::with_capacity(contexts.len());
    for (i, name) in contexts.iter().enumerate() {
        key(name).map_err(|e| e.context("context").set_path(format!("contexts[{i}]")))?;
        if !seen.insert(name.as_str()) {
            return Err(
                Error::new(ErrorKind::Duplicate, format!("context `{name}` is listed twice"))
                    .with_path(format!("contexts[{i}]")),
            );
        }
    }
    Ok(())
}

fn in_field<T>(result: Result<T, Error>, field: &str) -> Result<T, Error> {
    result.map_err(|e| e.with_path(field))
}

impl Model {
    fn check_key(&self, key_text: &str, me: Option<Entry>) -> Result<(), Error> {
        key(key_text)?;
        // A key an intervention adds a flow with is reserved, unless the entity
        // checked has it already (an intervention may replace a flow under its key).
        let owned = me.is_some() && self.find_key(key_text) == me;
        let reserved = if owned {
            Vec::new()
        } else {
            self.planned(|e| e.adds_key() == Some(key_text))
        };
        if !reserved.is_empty() {
            return Err(Error::new(
                ErrorKind::Duplicate,
                format!(
                    "key `{key_text}` is reserved by {}, which adds a flow with it",
                    reserved.join(", ")
                ),
            )
            .with_path("key"));
        }
        match self.find_key(key_text) {
            Some(other) if Some(other) != me => Err(Error::new(
                ErrorKind::Duplicate,
                format!("key `{key_text}` already names {}", other.noun()),
            )
            .with_path("key")),
            _ => Ok(()),
        }
    }

    /// A non-negative amount in the model's currency.
    pub(crate) fn check_amount(&self, money: Money, field: &str) -> Result<(), Error> {
        let currency = self.settings.currency;
        if money.currency() != currency {
            return Err(Error::new(
                ErrorKind::CurrencyMismatch,
                format!(
                    "{field} is in {}, but the model's currency is {currency}",
                    money.currency()
                ),
            )
            .with_path(field));
        }
        if money.is_negative() {
            return Err(
                Error::invalid(format!("{field} must be >= 0, got {}", money.amount())).with_path(field),
            );
        }
        Ok(())
    }

    fn check_optional_amount(&self, money: Option<Money>, field: &str) -> Result<(), Error> {
        money.map_or(Ok(()), |m| self.check_amount(m, field))
    }

    fn check_party(&self, party: PartyId, field: &str) -> Result<(), Error> {
        in_field(self.party_data(party).map(|_| ()), field)
    }

    fn check_name(name: Option<&String>) -> Result<(), Error> {
        match name {
            Some(n) if n.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
                Err(Error::invalid("name must not contain control characters").with_path("name"))
            }
            _ => Ok(()),
        }
    }

    pub(super) fn check_organization(&self, org: &Organization, me: Option<Entry>) -> Result<(), Error> {
        let label = Label("organization", &org.key);
        (|| {
            self.check_key(&org.key, me)?;
            Model::check_name(org.name.as_ref())
        })()
        .map_err(|e| e.context(label))
    }

    pub(super) fn check_constituent(&self, c: &Constituent, me: Option<Entry>) -> Result<(), Error> {
        (|| {
            self.check_key(&c.key, me)?;
            Model::check_name(c.name.as_ref())?;
            if c.members == 0 {
                return Err(Error::invalid("members must be >= 1, got 0").with_path("members"));
            }
            if let Role::Other(name) = &c.role
                && name.trim().is_empty()
            {
                return Err(Error::invalid("an `other` role needs a name").with_path("role"));
            }
            Ok(())
        })()
        .map_err(|e| e.context(Label("constituent", &c.key)))
    }

    pub(super) fn check_channel(&self, channel: &Channel, me: Option<Entry>) -> Result<(), Error> {
        (|| {
            self.check_key(&channel.key, me)?;
            Model::check_name(channel.name.as_ref())?;
            if let Ownership::Rented { operator: Some(op) } = channel.ownership {
                in_field(self.organization(op).map(|_| ()), "ownership.operator")?;
            }
            self.check_optional_amount(channel.cost, "cost")
        })()
        .map_err(|e| e.context(Label("channel", &channel.key)))
    }

    pub(super) fn check_activity(&self, activity: &Activity, me: Option<Entry>) -> Result<(), Error> {
        (|| {
            self.check_key(&activity.key, me)?;
            Model::check_name(activity.name.as_ref())?;
            self.check_party(activity.performed_by, "performed_by")?;
            self.check_optional_amount(activity.in_house_cost, "in_house_cost")?;
            self.check_optional_amount(activity.market_price, "market_price")
        })()
        .map_err(|e| e.context(Label("activity", &activity.key)))
    }

    pub(super) fn check_flow(&self, flow: &ValueFlow, me: Option<Entry>) -> Result<(), Error> {
        (|| {
            self.check_key(&flow.key, me)?;
            self.check_party(flow.from, "from")?;
            self.check_party(flow.to, "to")?;
            if flow.from == flow.to {
                return Err(Error::new(
                    ErrorKind::InvalidReference,
                    "a flow must go from one party to another",
                )
                .with_path("to"));
            }
            if let crate::ValueObject::Other(name) = &flow.object
                && name.trim().is_empty()
            {
                return Err(Error::invalid("an `other` object needs a name").with_path("object"));
            }
            self.check_amount(flow.value, "value")?;
            self.check_optional_amount(flow.cost, "cost")?;
            if flow.occurrences.is_sign_negative() && !flow.occurrences.is_zero() {
                return Err(
                    Error::invalid(format!("occurrences must be >= 0, got {}", flow.occurrences))
                        .with_path("occurrences"),
                );
            }
            if let Some(channel) = flow.channel {
                in_field(self.channel(channel).map(|_| ()), "channel")?;
            }
            if let Some(activity) = flow.activity {
                in_field(self.activity(activity).map(|_| ()), "activity")?;
            }
            if flow.duration == Some(0) {
                return Err(Error::invalid("duration must be >= 1 period, got 0").with_path("duration"));
            }
            let e = flow.trust_elasticity;
            if !(e.is_finite() && e >= 0.0) {
                return Err(
                    Error::invalid(format!("trust_elasticity must be finite and >= 0, got {e}"))
                        .with_path("trust_elasticity"),
                );
            }
            Ok(())
        })()
        .map_err(|e| e.context(Label("flow", &flow.key)))
    }

    /// Checks a relationship and packs it for storage (serial left at 0). With `me`,
    /// the relationship already stored on that edge does not count as a duplicate;
    /// without a graph lookup at all when `unique` is false (for [`Model::validate`],
    /// which checks pairs itself).
    pub(super) fn check_relationship(
        &self,
        rel: &Relationship,
        me: Option<EdgeIndex<u32>>,
    ) -> Result<(RelRecord, Option<RelExtra>), Error> {
        self.pack_relationship(rel, true, me)
    }

    fn pack_relationship(
        &self,
        rel: &Relationship,
        unique: bool,
        me: Option<EdgeIndex<u32>>,
    ) -> Result<(RelRecord, Option<RelExtra>), Error> {
        let [a, b] = rel.parties;
        let key_a = in_field(self.party_key(a), "parties[0]")?;
        let key_b = in_field(self.party_key(b), "parties[1]")?;
        let label = format!("relationship `{key_a}`–`{key_b}`");
        (|| {
            if a == b {
                return Err(
                    Error::new(ErrorKind::InvalidReference, "a party cannot relate to itself")
                        .with_path("parties"),
                );
            }
            if unique
                && let Some(edge) = self.find_edge(node(a.slot()), node(b.slot()))
                && Some(edge) != me
            {
                return Err(
                    Error::new(ErrorKind::Duplicate, "the two parties are already related")
                        .with_path("parties"),
                );
            }
            if unique && me.is_none() && !self.interventions.is_empty() {
                let reserved = self.planned(|e| {
                    e.adds_relationship()
                        .is_some_and(|[x, y]| (x, y) == (key_a, key_b) || (y, x) == (key_a, key_b))
                });
                if !reserved.is_empty() {
                    return Err(Error::new(
                        ErrorKind::Duplicate,
                        format!(
                            "the pair is reserved by {}, which relates it",
                            reserved.join(", ")
                        ),
                    )
                    .with_path("parties"));
                }
            }
            self.check_optional_amount(rel.cost, "cost")?;
            let mut contexts = Vec::new();
            for (direction, profile) in (0u8..).zip(&rel.trust) {
                for (name, opinion) in &profile.contexts {
                    let context =
                        in_field(self.context_index(name), &format!("trust[{direction}].contexts"))?;
                    contexts.push(ContextOpinion {
                        direction,
                        context,
                        opinion: *opinion,
                    });
                }
            }
            contexts.sort_by_key(|c| (c.direction, c.context));
            let extra = (rel.cost.is_some() || !contexts.is_empty()).then(|| RelExtra {
                cost: rel.cost.map(Money::amount),
                contexts,
            });
            // The caller stores the absolute opinions (`Model::store_trust`).
            let record = RelRecord {
                serial: 0,
                kind: rel.kind,
                desired: rel.desired,
                has_extra: extra.is_some(),
                trust: [TrustSlot::NONE; 2],
            };
            Ok((record, extra))
        })()
        .map_err(|e| e.context(label))
    }

    pub(super) fn check_presence(&self, party: PartyId, channel: ChannelId, share: f64) -> Result<(), Error> {
        let party_key = in_field(self.party_key(party), "party")?;
        let channel_key = in_field(self.channel(channel).map(|c| c.key.as_str()), "channel")?;
        let fail = |msg: String| {
            Err(Error::invalid(msg)
                .with_path("share")
                .context(format_args!("presence of `{party_key}` on `{channel_key}`")))
        };
        if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
            return fail(format!("share must be in [0, 1], got {share}"));
        }
        if matches!(party, PartyId::Organization(_)) && share != 1.0 {
            return fail(format!(
                "an organization is present with share 1 or not at all, got {share}"
            ));
        }
        Ok(())
    }

    pub(super) fn check_overlap(&self, a: ConstituentId, b: ConstituentId, shared: u64) -> Result<(), Error> {
        let ga = in_field(self.constituent(a), "between[0]")?;
        let gb = in_field(self.constituent(b), "between[1]")?;
        let label = format!("overlap `{}`–`{}`", ga.key, gb.key);
        if a == b {
            return Err(
                Error::new(ErrorKind::InvalidReference, "a group cannot overlap itself")
                    .with_path("between")
                    .context(label),
            );
        }
        // Overlaps are pairwise: a group's overlaps together cannot exceed its members
        // (a person in three groups cannot be declared consistently), which keeps
        // reach counts monotone and consistent.
        for (id, group) in [(a, ga), (b, gb)] {
            let others: u64 = self
                .overlaps()
                .filter(|o| {
                    (o.a == id || o.b == id) && !(o.a.min(o.b) == a.min(b) && o.a.max(o.b) == a.max(b))
                })
                .map(|o| o.shared_members)
                .fold(0u64, u64::saturating_add);
            if others.saturating_add(shared) > group.members {
                let message = if others == 0 {
                    format!(
                        "shared_members must be at most the {} members of `{}`, got {shared}",
                        group.members, group.key
                    )
                } else {
                    format!(
                        "shared_members {shared} and `{}`'s other overlaps ({others}) exceed its {} members",
                        group.key, group.members
                    )
                };
                return Err(Error::invalid(message).with_path("shared_members").context(label));
            }
        }
        Ok(())
    }

    pub(super) fn check_observation(&self, o: &Observation) -> Result<ObservationKey, Error> {
        let by = in_field(self.constituent(o.by).map(|c| c.key.as_str()), "by")?;
        let about = in_field(self.party_key(o.about), "about")?;
        let label = format!("observation by `{by}` about `{about}`");
        (|| {
            if PartyId::from(o.by) == o.about {
                return Err(
                    Error::new(ErrorKind::InvalidReference, "a group cannot observe itself")
                        .with_path("about"),
                );
            }
            in_field(self.channel(o.channel).map(|_| ()), "channel")?;
            let context = match &o.context {
                Some(name) => Some(in_field(self.context_index(name), "context")?),
                None => None,
            };
            Ok(ObservationKey {
                by: o.by,
                about: o.about,
                channel: o.channel,
                context,
            })
        })()
        .map_err(|e| e.context(label))
    }

    /// Every invariant, for [`Model::validate`].
    pub(super) fn check_all(&self) -> Result<(), Error> {
        contexts(&self.settings.contexts)?;
        self.organization(self.focal)
            .map_err(|e| e.context("the focal organization"))?;
        let mut keyed = 0usize;
        let mut expect = |key_text: &str, entry: Entry| -> Result<(), Error> {
            keyed += 1;
            match self.find_key(key_text) {
                Some(found) if found == entry => Ok(()),
                _ => Err(Error::new(
                    ErrorKind::NotFound,
                    format!("key `{key_text}` is missing from the key index"),
                )),
            }
        };
        for index in self.graph.node_indices() {
            let Some(party) = self.party_of_node(index) else {
                continue;
            };
            match (&self.graph[index].data, party) {
                (PartyData::Organization(o), PartyId::Organization(id)) => {
                    let entry = Entry::Organization(id);
                    self.check_organization(o, Some(entry))?;
                    expect(&o.key, entry)?;
                }
                (PartyData::Constituent(c), PartyId::Constituent(id)) => {
                    let entry = Entry::Constituent(id);
                    self.check_constituent(c, Some(entry))?;
                    expect(&c.key, entry)?;
                }
                _ => return Err(Error::invalid("a party's id disagrees with its kind")),
            }
        }
        for (id, c) in self.channels() {
            self.check_channel(c, Some(Entry::Channel(id)))?;
            expect(&c.key, Entry::Channel(id))?;
        }
        for (id, a) in self.activities() {
            self.check_activity(a, Some(Entry::Activity(id)))?;
            expect(&a.key, Entry::Activity(id))?;
        }
        for (id, f) in self.flows() {
            self.check_flow(f, Some(Entry::Flow(id)))?;
            expect(&f.key, Entry::Flow(id))?;
        }
        if keyed != self.key_count() {
            return Err(Error::invalid(format!(
                "the key index holds {} keys for {keyed} keyed entities",
                self.key_count()
            )));
        }
        let mut pairs = HashSet::with_capacity(self.graph.edge_count());
        let mut with_extra = 0usize;
        for edge in self.graph.edge_indices() {
            let flagged = self.graph[edge].has_extra;
            with_extra += usize::from(flagged);
            if flagged != self.extras.contains_key(&(edge.index() as u32)) {
                return Err(Error::invalid(
                    "a relationship's cost and context trust are out of step with it",
                )
                .context(format_args!("relationship {}", self.relationship_label(edge))));
            }
            let rel = self.unpack_relationship(edge);
            self.pack_relationship(&rel, false, Some(edge))?;
            let [a, b] = rel.parties;
            if !pairs.insert(if a <= b { (a, b) } else { (b, a) }) {
                return Err(
                    Error::new(ErrorKind::Duplicate, "two relationships join the same parties")
                        .with_path("parties")
                        .context(format_args!("relationship {}", self.relationship_label(edge))),
                );
            }
        }
        if with_extra != self.extras.len() {
            return Err(Error::invalid(
                "costs or context trust are stored for relationships that are gone",
            ));
        }
        for p in self.presences() {
            self.check_presence(p.party, p.channel, p.share)?;
        }
        for o in self.overlaps() {
            self.check_overlap(o.a, o.b, o.shared_members)?;
        }
        for o in self.observations() {
            self.check_observation(&o)?;
        }
        Ok(())
    }
}

/// "constituent `customers`", for error contexts.
struct Label<'a>(&'static str, &'a str);

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.1.chars().take(40).collect();
        write!(f, "{} `{}`", self.0, shown.escape_debug())
    }
}

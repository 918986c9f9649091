//! The model: a typed graph of an organization and everything around it.

mod check;
mod entity;
mod ids;
mod link;
mod store;

use std::collections::{BTreeMap, HashMap};

use std::fmt;

use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;

use crate::error::{Error, ErrorKind};
use crate::trust::Opinion;

pub use entity::{
    Activity, ActivityClass, Channel, Constituent, Organization, Ownership, Period, Role, Settings,
};
pub use ids::{ActivityId, ChannelId, ConstituentId, FlowId, KeyedId, OrgId, PartyId, RelationshipId};
pub use link::{
    Adjustments, Observation, Overlap, Presence, Relationship, RelationshipKind, TrustProfile, ValueFlow,
    ValueObject,
};

pub(crate) use check::contexts as check_contexts;
pub(crate) use check::key as check_key;
pub(crate) use ids::{Entry, Slot};
pub(crate) use store::{Arena, ContextOpinion, KeyIndex, OpinionTable, RelExtra, RelRecord, TrustSlot};

/// A party as stored on a graph node.
#[derive(Debug, Clone)]
pub(crate) struct PartyNode {
    pub(crate) serial: u32,
    pub(crate) data: PartyData,
}

#[derive(Debug, Clone)]
pub(crate) enum PartyData {
    Organization(Organization),
    Constituent(Constituent),
}

impl PartyData {
    pub(crate) fn key(&self) -> &str {
        match self {
            PartyData::Organization(o) => &o.key,
            PartyData::Constituent(c) => &c.key,
        }
    }
}

/// Where an observation is filed: one per (by, about, channel, context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ObservationKey {
    pub(crate) by: ConstituentId,
    pub(crate) about: PartyId,
    pub(crate) channel: ChannelId,
    pub(crate) context: Option<u16>,
}

/// What a removal took away besides the entity itself: the presences, overlaps and
/// observations that described it and have no meaning without it.
///
/// # Example
/// ```
/// use covalence::{ChannelId, Model};
///
/// let mut model = Model::sample();
/// let notes: ChannelId = model.lookup("field-notes")?;
/// let removed = model.remove_channel(notes)?;
/// assert_eq!(removed.entity.key, "field-notes");
/// assert!(!removed.presences.is_empty());
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Removed<T> {
    /// The entity removed.
    pub entity: T,
    /// Presences removed with it.
    pub presences: Vec<Presence>,
    /// Overlaps removed with it.
    pub overlaps: Vec<Overlap>,
    /// Observations removed with it.
    pub observations: Vec<Observation>,
}

/// An organization, the groups and channels around it, its value activities, and the
/// relationships, trust and value flows between them.
///
/// Every entity is added through a method that checks it against the model and returns
/// a typed id; ids are never reused after removal. Keys (`"customers"`) are unique
/// across organizations, constituents, channels, activities and flows, and are what
/// model files use; [`Model::lookup`] maps a key to its id.
///
/// Editing keeps every invariant: an edit that would break one is refused with an
/// error and leaves the model as it was. Removal of an entity that others still name
/// (a party in a relationship or flow, a channel a flow goes through) is refused with
/// [`ErrorKind::InUse`], naming them; the presences, overlaps and observations that
/// merely describe an entity are removed with it and returned in [`Removed`].
///
/// Iteration follows slot order: the order of addition, except that an entity added
/// after a removal may take the freed slot. The same edits always give the same order.
///
/// Two models are equal when they would write the same model file.
///
/// # Example
/// ```
/// use covalence::{Constituent, Currency, Model, Organization, Period, Relationship,
///     RelationshipKind, Role, Settings};
///
/// let mut model = Model::new(Settings::new(Period::Year, Currency::USD), Organization::new("acme"))?;
/// let fans = model.add_constituent(Constituent::new("fans", Role::Community, 500))?;
/// model.add_relationship(Relationship::new(model.focal().into(), fans.into(), RelationshipKind::Responsive))?;
/// assert_eq!(model.constituents().count(), 1);
/// model.validate()?;
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Clone)]
pub struct Model {
    pub(crate) settings: Settings,
    pub(crate) focal: OrgId,
    pub(crate) graph: StableDiGraph<PartyNode, RelRecord, u32>,
    party_serial: u32,
    rel_serial: u32,
    pub(crate) channels: Arena<Channel>,
    pub(crate) activities: Arena<Activity>,
    pub(crate) flows: Arena<ValueFlow>,
    pub(crate) presences: BTreeMap<(PartyId, ChannelId), f64>,
    pub(crate) overlaps: BTreeMap<(ConstituentId, ConstituentId), u64>,
    pub(crate) observations: BTreeMap<ObservationKey, [u64; 3]>,
    /// Costs and context opinions of the relationships that have them, by edge index.
    pub(crate) extras: HashMap<u32, RelExtra>,
    /// Absolute opinions that are not scores, which relationship records point into.
    pub(crate) opinions: OpinionTable,
    keys: KeyIndex,
    /// The analysis snapshot, until the next edit.
    snapshot: std::sync::OnceLock<std::sync::Arc<crate::snapshot::Snapshot>>,
    /// Slots ever used in the graph's node and edge arrays (live or vacant).
    node_slots: usize,
    edge_slots: usize,
    /// Candidate interventions, in the order added.
    pub(crate) interventions: Vec<crate::plan::Intervention>,
}

/// The key of the entity an index entry names ("" if it is gone, which the model never
/// lets happen while the entry is indexed).
fn entry_key<'a>(
    graph: &'a StableDiGraph<PartyNode, RelRecord, u32>,
    channels: &'a Arena<Channel>,
    activities: &'a Arena<Activity>,
    flows: &'a Arena<ValueFlow>,
    entry: Entry,
) -> &'a str {
    let key = match entry {
        Entry::Organization(OrgId(s)) | Entry::Constituent(ConstituentId(s)) => {
            graph.node_weight(node(s)).map(|n| n.data.key())
        }
        Entry::Channel(ChannelId(s)) => channels.get(s).map(|c| c.key.as_str()),
        Entry::Activity(ActivityId(s)) => activities.get(s).map(|a| a.key.as_str()),
        Entry::Flow(FlowId(s)) => flows.get(s).map(|f| f.key.as_str()),
    };
    key.unwrap_or("")
}

/// Relationships added at once by [`Model::extend_relationships`].
const BATCH: usize = 64;

/// The largest index petgraph can hand out with `u32` indices.
const MAX_GRAPH_INDEX: usize = u32::MAX as usize - 1;

/// Relationship slots a model may use: the analysis snapshot packs an edge index and
/// a direction in 32 bits, and counts both directions of every relationship in `u32`.
const MAX_RELATIONSHIP_SLOTS: usize = (1 << 31) - 1;

fn too_many_relationships() -> Error {
    Error::new(
        ErrorKind::Capacity,
        "a model holds at most 2,147,483,647 relationships",
    )
}

fn node(slot: Slot) -> NodeIndex<u32> {
    NodeIndex::new(slot.index as usize)
}

fn ordered<T: Ord>(a: T, b: T) -> (T, T) {
    if a <= b { (a, b) } else { (b, a) }
}

impl Model {
    /// A model with its settings and its focal organization, and nothing else.
    ///
    /// # Errors
    /// As [`Model::add_organization`], and [`ErrorKind::Duplicate`] or
    /// [`ErrorKind::InvalidValue`] for bad contexts (empty, repeated, more than 4,096).
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Model, Organization, Period, Settings};
    ///
    /// let model = Model::new(Settings::new(Period::Quarter, Currency::EUR), Organization::new("coop"))?;
    /// assert_eq!(model.organization(model.focal())?.key, "coop");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn new(settings: Settings, focal: Organization) -> Result<Model, Error> {
        check::contexts(&settings.contexts)?;
        let mut model = Model {
            settings,
            focal: OrgId(Slot { index: 0, serial: 0 }),
            graph: StableDiGraph::default(),
            party_serial: 0,
            rel_serial: 0,
            channels: Arena::new("channel"),
            activities: Arena::new("activity"),
            flows: Arena::new("flow"),
            presences: BTreeMap::new(),
            overlaps: BTreeMap::new(),
            observations: BTreeMap::new(),
            extras: HashMap::new(),
            opinions: OpinionTable::default(),
            keys: KeyIndex::default(),
            snapshot: std::sync::OnceLock::new(),
            node_slots: 0,
            edge_slots: 0,
            interventions: Vec::new(),
        };
        model.focal = model.add_organization(focal)?;
        Ok(model)
    }

    /// The settings: period, currency, contexts.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Model::sample().settings().currency.code(), "USD");
    /// ```
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Adds a trust context.
    ///
    /// # Errors
    /// [`ErrorKind::Duplicate`] if it exists, [`ErrorKind::InvalidValue`] if the name is
    /// not a valid key or the model already has 4,096 contexts.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// model.add_context("sustainability")?;
    /// assert!(model.settings().contexts.iter().any(|c| c == "sustainability"));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_context(&mut self, name: impl Into<String>) -> Result<(), Error> {
        self.touch();
        let name = name.into();
        check::new_context(&self.settings.contexts, &name)?;
        self.settings.contexts.push(name);
        Ok(())
    }

    /// Removes a trust context no opinion or observation uses.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if there is no such context, [`ErrorKind::InUse`] if a
    /// relationship's trust or an observation refers to it.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// model.add_context("unused")?;
    /// model.remove_context("unused")?;
    /// assert_eq!(model.remove_context("unused").unwrap_err().kind(), covalence::ErrorKind::NotFound);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_context(&mut self, name: &str) -> Result<(), Error> {
        self.touch();
        let index = self.context_index(name)?;
        let mut users = Vec::new();
        for (&edge, extra) in &self.extras {
            if extra.contexts.iter().any(|c| c.context == index) {
                users.push(format!(
                    "relationship {}",
                    self.relationship_label(EdgeIndex::new(edge as usize))
                ));
            }
        }
        users.sort();
        for key in self.observations.keys().filter(|k| k.context == Some(index)) {
            users.push(format!("observation {}", self.observation_label(key)));
        }
        users.extend(self.planned(|e| e.context() == Some(name)));
        if !users.is_empty() {
            return Err(in_use(&format!("context `{name}`"), users));
        }
        let shift = |c: &mut u16| {
            if *c > index {
                *c -= 1;
            }
        };
        for extra in self.extras.values_mut() {
            extra.contexts.iter_mut().for_each(|c| shift(&mut c.context));
        }
        self.observations = std::mem::take(&mut self.observations)
            .into_iter()
            .map(|(mut k, v)| {
                if let Some(c) = k.context.as_mut() {
                    shift(c);
                }
                (k, v)
            })
            .collect();
        self.settings.contexts.remove(usize::from(index));
        Ok(())
    }

    pub(crate) fn context_index(&self, name: &str) -> Result<u16, Error> {
        self.settings
            .contexts
            .iter()
            .position(|c| c == name)
            .and_then(|i| u16::try_from(i).ok())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!(
                        "context `{}` is not one of the model's contexts",
                        name.escape_debug()
                    ),
                )
            })
    }

    pub(crate) fn context_name(&self, index: u16) -> &str {
        self.settings
            .contexts
            .get(usize::from(index))
            .map_or("?", String::as_str)
    }

    /// The focal organization: the one whose strategy is analysed.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert_eq!(model.organization(model.focal())?.key, "harbor");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn focal(&self) -> OrgId {
        self.focal
    }

    /// Makes another organization the focal one; returns the previous focal one.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if `org` is not in the model.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, OrgId};
    ///
    /// let mut model = Model::sample();
    /// let meta: OrgId = model.lookup("meta")?;
    /// let harbor = model.set_focal(meta)?;
    /// assert_eq!(model.focal(), meta);
    /// assert_eq!(model.organization(harbor)?.key, "harbor");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn set_focal(&mut self, org: OrgId) -> Result<OrgId, Error> {
        self.touch();
        self.organization(org)?;
        Ok(std::mem::replace(&mut self.focal, org))
    }

    /// The id of the entity with this key.
    ///
    /// The id type says what kind of entity is wanted: [`OrgId`], [`ConstituentId`],
    /// [`PartyId`] (either), [`ChannelId`], [`ActivityId`] or [`FlowId`].
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if no entity has the key, [`ErrorKind::InvalidReference`]
    /// if it names an entity of another kind.
    ///
    /// # Example
    /// ```
    /// use covalence::{ChannelId, ConstituentId, ErrorKind, Model};
    ///
    /// let model = Model::sample();
    /// let customers: ConstituentId = model.lookup("customers")?;
    /// assert_eq!(model.constituent(customers)?.key, "customers");
    /// assert_eq!(model.lookup::<ChannelId>("customers").unwrap_err().kind(), ErrorKind::InvalidReference);
    /// assert_eq!(model.lookup::<ChannelId>("nobody").unwrap_err().kind(), ErrorKind::NotFound);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn lookup<I: KeyedId>(&self, key: &str) -> Result<I, Error> {
        let entry = self.find_key(key).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("no entity has the key `{}`", key.escape_debug()),
            )
        })?;
        I::from_entry(entry).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidReference,
                format!(
                    "key `{}` names {}, not {}",
                    key.escape_debug(),
                    entry.noun(),
                    I::NOUN
                ),
            )
        })
    }

    // ----- parties -------------------------------------------------------------------

    fn party_node(&self, id: PartyId) -> Option<&PartyNode> {
        let slot = id.slot();
        self.graph
            .node_weight(node(slot))
            .filter(|n| n.serial == slot.serial)
    }

    /// The key of a party.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if the party is not in the model.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert_eq!(model.party_key(model.focal().into())?, "harbor");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn party_key(&self, id: PartyId) -> Result<&str, Error> {
        self.party_data(id).map(PartyData::key)
    }

    /// The display name of a party (its name, or its key).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if the party is not in the model.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(!model.party_name(model.focal().into())?.is_empty());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn party_name(&self, id: PartyId) -> Result<&str, Error> {
        self.party_data(id).map(|p| match p {
            PartyData::Organization(o) => o.display_name(),
            PartyData::Constituent(c) => c.display_name(),
        })
    }

    pub(crate) fn party_data(&self, id: PartyId) -> Result<&PartyData, Error> {
        match (id, self.party_node(id)) {
            (
                PartyId::Organization(_),
                Some(
                    n @ PartyNode {
                        data: PartyData::Organization(_),
                        ..
                    },
                ),
            )
            | (
                PartyId::Constituent(_),
                Some(
                    n @ PartyNode {
                        data: PartyData::Constituent(_),
                        ..
                    },
                ),
            ) => Ok(&n.data),
            _ => Err(not_found(&id.to_string())),
        }
    }

    fn add_party(&mut self, data: PartyData) -> Result<Slot, Error> {
        let vacant = self.graph.node_count() < self.node_slots;
        if !vacant {
            if self.node_slots >= MAX_GRAPH_INDEX {
                return Err(Error::new(
                    ErrorKind::Capacity,
                    "a model holds at most 4,294,967,294 parties",
                ));
            }
            if let Some(more) = store::growth(self.node_slots, self.graph.capacity().0) {
                self.graph.reserve_exact_nodes(more);
            }
        }
        let serial = store::next_serial(&mut self.party_serial, "party")?;
        let index = self.graph.add_node(PartyNode { serial, data });
        self.node_slots = self.node_slots.max(index.index() + 1);
        let slot = Slot {
            index: index.index() as u32,
            serial,
        };
        let entry = match self.graph[index].data {
            PartyData::Organization(_) => Entry::Organization(OrgId(slot)),
            PartyData::Constituent(_) => Entry::Constituent(ConstituentId(slot)),
        };
        self.index_key(entry);
        Ok(slot)
    }

    pub(crate) fn find_key(&self, key: &str) -> Option<Entry> {
        let (g, c, a, f) = (&self.graph, &self.channels, &self.activities, &self.flows);
        self.keys.get(key, |e| entry_key(g, c, a, f, e))
    }

    /// Indexes an entity, already stored, under its key.
    fn index_key(&mut self, entry: Entry) {
        let (g, c, a, f) = (&self.graph, &self.channels, &self.activities, &self.flows);
        self.keys.insert(entry_key(g, c, a, f, entry), entry);
    }

    /// Drops an entity, still stored, from the key index.
    fn unindex_key(&mut self, entry: Entry) {
        let (g, c, a, f) = (&self.graph, &self.channels, &self.activities, &self.flows);
        self.keys.remove(entry_key(g, c, a, f, entry), entry);
    }

    /// Adds an organization.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for a bad key (empty, over 256 bytes, control
    /// characters, surrounding spaces), [`ErrorKind::Duplicate`] if the key is taken.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, Organization};
    ///
    /// let mut model = Model::sample();
    /// let mill = model.add_organization(Organization::new("new-mill").with_name("New Mill"))?;
    /// assert_eq!(model.organization(mill)?.display_name(), "New Mill");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_organization(&mut self, org: Organization) -> Result<OrgId, Error> {
        self.touch();
        self.check_organization(&org, None)?;
        self.add_party(PartyData::Organization(org)).map(OrgId)
    }

    /// An organization.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if it is not in the model.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.organization(model.focal()).is_ok());
    /// ```
    pub fn organization(&self, id: OrgId) -> Result<&Organization, Error> {
        match self.party_data(id.into())? {
            PartyData::Organization(o) => Ok(o),
            PartyData::Constituent(_) => Err(not_found(&id.to_string())),
        }
    }

    /// Every organization, in slot order.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.organizations().any(|(id, _)| id == model.focal()));
    /// ```
    pub fn organizations(&self) -> impl Iterator<Item = (OrgId, &Organization)> + '_ {
        self.graph.node_indices().filter_map(|i| match &self.graph[i] {
            PartyNode {
                serial,
                data: PartyData::Organization(o),
            } => Some((
                OrgId(Slot {
                    index: i.index() as u32,
                    serial: *serial,
                }),
                o,
            )),
            _ => None,
        })
    }

    /// Changes an organization in place: `edit` works on a copy, which replaces the
    /// original only if it passes every check.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], and as [`Model::add_organization`]; on error the model
    /// is unchanged.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let focal = model.focal();
    /// model.update_organization(focal, |o| o.name = Some("Harbor & Co".into()))?;
    /// assert_eq!(model.organization(focal)?.display_name(), "Harbor & Co");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn update_organization(
        &mut self,
        id: OrgId,
        edit: impl FnOnce(&mut Organization),
    ) -> Result<(), Error> {
        self.touch();
        let mut org = self.organization(id)?.clone();
        let old = org.key.clone();
        edit(&mut org);
        self.check_rekey(&old, &org.key)?;
        self.check_organization(&org, Some(Entry::Organization(id)))?;
        self.replace_party(id.into(), PartyData::Organization(org));
        Ok(())
    }

    fn replace_party(&mut self, id: PartyId, data: PartyData) {
        let entry = match id {
            PartyId::Organization(o) => Entry::Organization(o),
            PartyId::Constituent(c) => Entry::Constituent(c),
        };
        let index = node(id.slot());
        let rekey = self.graph[index].data.key() != data.key();
        if rekey {
            self.unindex_key(entry);
        }
        self.graph[index].data = data;
        if rekey {
            self.index_key(entry);
        }
    }

    /// Removes an organization that nothing names, with its presences and the
    /// observations about it.
    ///
    /// Costs O(flows + activities + channels + presences + overlaps + observations), plus
    /// the party's own relationships: dependents are found by scanning.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; [`ErrorKind::InUse`] if it is the focal organization,
    /// a party to a relationship or flow, the performer of an activity or the operator
    /// of a channel (the message names them). On error the model is unchanged.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, Organization};
    ///
    /// let mut model = Model::sample();
    /// let temp = model.add_organization(Organization::new("temp"))?;
    /// assert_eq!(model.remove_organization(temp)?.entity.key, "temp");
    /// let focal = model.focal();
    /// assert!(model.remove_organization(focal).is_err());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_organization(&mut self, id: OrgId) -> Result<Removed<Organization>, Error> {
        self.touch();
        self.organization(id)?;
        let removed = self.remove_party(id.into())?;
        match removed.entity {
            PartyData::Organization(o) => Ok(Removed {
                entity: o,
                presences: removed.presences,
                overlaps: removed.overlaps,
                observations: removed.observations,
            }),
            PartyData::Constituent(_) => Err(not_found(&id.to_string())),
        }
    }

    /// Adds a constituent group.
    ///
    /// # Errors
    /// As [`Model::add_organization`], and [`ErrorKind::InvalidValue`] if `members` is
    /// 0 or a role has an empty name.
    ///
    /// # Example
    /// ```
    /// use covalence::{Constituent, Model, Role};
    ///
    /// let mut model = Model::sample();
    /// let alumni = model.add_constituent(Constituent::new("alumni", Role::Other("alumni".into()), 300))?;
    /// assert_eq!(model.constituent(alumni)?.members, 300);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_constituent(&mut self, constituent: Constituent) -> Result<ConstituentId, Error> {
        self.touch();
        self.check_constituent(&constituent, None)?;
        self.add_party(PartyData::Constituent(constituent))
            .map(ConstituentId)
    }

    /// A constituent group.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if it is not in the model.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// let id = model.lookup("employees")?;
    /// assert_eq!(model.constituent(id)?.role, covalence::Role::Employee);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn constituent(&self, id: ConstituentId) -> Result<&Constituent, Error> {
        match self.party_data(id.into())? {
            PartyData::Constituent(c) => Ok(c),
            PartyData::Organization(_) => Err(not_found(&id.to_string())),
        }
    }

    /// Every constituent group, in slot order.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.constituents().count() >= 7);
    /// ```
    pub fn constituents(&self) -> impl Iterator<Item = (ConstituentId, &Constituent)> + '_ {
        self.graph.node_indices().filter_map(|i| match &self.graph[i] {
            PartyNode {
                serial,
                data: PartyData::Constituent(c),
            } => Some((
                ConstituentId(Slot {
                    index: i.index() as u32,
                    serial: *serial,
                }),
                c,
            )),
            _ => None,
        })
    }

    /// Changes a constituent group in place, as [`Model::update_organization`] does.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], as [`Model::add_constituent`], and
    /// [`ErrorKind::InvalidValue`] if `members` falls below the members its overlaps
    /// share.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let customers = model.lookup("customers")?;
    /// model.update_constituent(customers, |c| c.members += 1000)?;
    /// assert!(model.update_constituent(customers, |c| c.members = 0).is_err());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn update_constituent(
        &mut self,
        id: ConstituentId,
        edit: impl FnOnce(&mut Constituent),
    ) -> Result<(), Error> {
        self.touch();
        let mut constituent = self.constituent(id)?.clone();
        let old = constituent.key.clone();
        edit(&mut constituent);
        self.check_rekey(&old, &constituent.key)?;
        self.check_constituent(&constituent, Some(Entry::Constituent(id)))?;
        let shared: u64 = self
            .overlaps()
            .filter(|o| o.a == id || o.b == id)
            .map(|o| o.shared_members)
            .fold(0u64, u64::saturating_add);
        if shared > constituent.members {
            return Err(Error::invalid(format!(
                "members must be at least the {shared} shared with other groups by declared overlaps, got {}",
                constituent.members
            ))
            .with_path("members")
            .context(format_args!("constituent `{}`", constituent.key)));
        }
        self.replace_party(id.into(), PartyData::Constituent(constituent));
        Ok(())
    }

    /// Removes a constituent group that nothing names, with its presences, overlaps
    /// and the observations by or about it.
    ///
    /// Costs O(flows + activities + channels + presences + overlaps + observations), plus
    /// the party's own relationships: dependents are found by scanning.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; [`ErrorKind::InUse`] if it is a party to a
    /// relationship or flow or performs an activity. On error the model is unchanged.
    ///
    /// # Example
    /// ```
    /// use covalence::{Constituent, Model, Role};
    ///
    /// let mut model = Model::sample();
    /// let customers = model.lookup("customers")?;
    /// assert_eq!(model.remove_constituent(customers).unwrap_err().kind(), covalence::ErrorKind::InUse);
    /// let loners = model.add_constituent(Constituent::new("loners", Role::Community, 3))?;
    /// assert_eq!(model.remove_constituent(loners)?.entity.members, 3);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_constituent(&mut self, id: ConstituentId) -> Result<Removed<Constituent>, Error> {
        self.touch();
        self.constituent(id)?;
        let removed = self.remove_party(id.into())?;
        match removed.entity {
            PartyData::Constituent(c) => Ok(Removed {
                entity: c,
                presences: removed.presences,
                overlaps: removed.overlaps,
                observations: removed.observations,
            }),
            PartyData::Organization(_) => Err(not_found(&id.to_string())),
        }
    }

    fn remove_party(&mut self, id: PartyId) -> Result<Removed<PartyData>, Error> {
        let index = node(id.slot());
        let mut users = Vec::new();
        if id == PartyId::Organization(self.focal) {
            users.push("the model as its focal organization".to_string());
        }
        for edge in self
            .graph
            .edges_directed(index, Direction::Outgoing)
            .chain(self.graph.edges_directed(index, Direction::Incoming))
        {
            users.push(format!("relationship {}", self.relationship_label(edge.id())));
        }
        for (_, flow) in self.flows.iter().filter(|(_, f)| f.from == id || f.to == id) {
            users.push(format!("flow `{}`", flow.key));
        }
        for (_, activity) in self.activities.iter().filter(|(_, a)| a.performed_by == id) {
            users.push(format!("activity `{}` (performed_by)", activity.key));
        }
        for (_, channel) in self.channels.iter() {
            if let (Ownership::Rented { operator: Some(op) }, PartyId::Organization(org)) =
                (channel.ownership, id)
                && op == org
            {
                users.push(format!("channel `{}` (operator)", channel.key));
            }
        }
        let key = self.party_key(id)?.to_string();
        users.extend(self.planned_key(&key));
        if !users.is_empty() {
            return Err(in_use(&format!("`{key}`"), users));
        }
        let presences = self.take_presences(|p| p.party == id);
        let overlaps = self.take_overlaps(|o| PartyId::from(o.a) == id || PartyId::from(o.b) == id);
        let observations = self.take_observations(|k| PartyId::from(k.by) == id || k.about == id);
        self.unindex_key(match id {
            PartyId::Organization(o) => Entry::Organization(o),
            PartyId::Constituent(c) => Entry::Constituent(c),
        });
        let data = self
            .graph
            .remove_node(index)
            .map(|n| n.data)
            .ok_or_else(|| not_found(&key))?;
        Ok(Removed {
            entity: data,
            presences,
            overlaps,
            observations,
        })
    }

    // ----- channels ------------------------------------------------------------------

    /// Adds a channel.
    ///
    /// # Errors
    /// As [`Model::add_organization`] for the key; [`ErrorKind::NotFound`] if a rented
    /// channel's operator is not in the model; [`ErrorKind::CurrencyMismatch`] or
    /// [`ErrorKind::InvalidValue`] for a cost not in the model's currency or below zero.
    ///
    /// # Example
    /// ```
    /// use covalence::{Channel, Model, Ownership};
    ///
    /// let mut model = Model::sample();
    /// let meta = model.lookup("meta")?;
    /// let threads = model.add_channel(Channel::new("threads", Ownership::Rented { operator: Some(meta) }))?;
    /// assert!(model.channel(threads)?.ownership.is_rented());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_channel(&mut self, channel: Channel) -> Result<ChannelId, Error> {
        self.touch();
        self.check_channel(&channel, None)?;
        let id = ChannelId(self.channels.insert(channel)?);
        self.index_key(Entry::Channel(id));
        Ok(id)
    }

    /// A channel.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if it is not in the model.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert_eq!(model.channel(model.lookup("forum")?)?.ownership, covalence::Ownership::Owned);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn channel(&self, id: ChannelId) -> Result<&Channel, Error> {
        self.channels.get(id.0).ok_or_else(|| not_found(&id.to_string()))
    }

    /// Every channel, in slot order.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.channels().any(|(_, c)| c.ownership.is_rented()));
    /// ```
    pub fn channels(&self) -> impl Iterator<Item = (ChannelId, &Channel)> + '_ {
        self.channels.iter().map(|(s, c)| (ChannelId(s), c))
    }

    /// Changes a channel in place, as [`Model::update_organization`] does.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], and as [`Model::add_channel`].
    ///
    /// # Example
    /// ```
    /// use covalence::Ownership;
    ///
    /// let mut model = covalence::Model::sample();
    /// let x = model.lookup("x")?;
    /// model.update_channel(x, |c| c.ownership = Ownership::Rented { operator: None })?;
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn update_channel(&mut self, id: ChannelId, edit: impl FnOnce(&mut Channel)) -> Result<(), Error> {
        self.touch();
        let mut channel = self.channel(id)?.clone();
        let old = channel.key.clone();
        edit(&mut channel);
        self.check_rekey(&old, &channel.key)?;
        self.check_channel(&channel, Some(Entry::Channel(id)))?;
        self.unindex_key(Entry::Channel(id));
        if let Some(slot) = self.channels.get_mut(id.0) {
            *slot = channel;
        }
        self.index_key(Entry::Channel(id));
        Ok(())
    }

    /// Removes a channel that no flow goes through, with the presences on it and the
    /// observations made in it.
    ///
    /// Costs O(flows + presences + observations): dependents are found by scanning.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; [`ErrorKind::InUse`] if a flow names it. On error the
    /// model is unchanged.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let instagram = model.lookup("instagram")?;
    /// // Flows still go through it: refused, and nothing changes.
    /// assert_eq!(model.remove_channel(instagram).unwrap_err().kind(), covalence::ErrorKind::InUse);
    /// let notes = model.lookup("field-notes")?;
    /// let removed = model.remove_channel(notes)?;
    /// assert!(model.presences().all(|p| p.channel != notes));
    /// assert_eq!(removed.entity.key, "field-notes");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_channel(&mut self, id: ChannelId) -> Result<Removed<Channel>, Error> {
        self.touch();
        let key = self.channel(id)?.key.clone();
        let mut users: Vec<String> = self
            .flows
            .iter()
            .filter(|(_, f)| f.channel == Some(id))
            .map(|(_, f)| format!("flow `{}` (channel)", f.key))
            .collect();
        users.extend(self.planned_key(&key));
        if !users.is_empty() {
            return Err(in_use(&format!("channel `{key}`"), users));
        }
        let presences = self.take_presences(|p| p.channel == id);
        let observations = self.take_observations(|k| k.channel == id);
        self.unindex_key(Entry::Channel(id));
        let entity = self.channels.remove(id.0).ok_or_else(|| not_found(&key))?;
        Ok(Removed {
            entity,
            presences,
            overlaps: Vec::new(),
            observations,
        })
    }

    // ----- activities ----------------------------------------------------------------

    /// Adds a value activity.
    ///
    /// # Errors
    /// As [`Model::add_organization`] for the key; [`ErrorKind::NotFound`] if the
    /// performer is not in the model; [`ErrorKind::CurrencyMismatch`] or
    /// [`ErrorKind::InvalidValue`] for costs not in the model's currency or below zero.
    ///
    /// # Example
    /// ```
    /// use covalence::{Activity, ActivityClass, Model};
    ///
    /// let mut model = Model::sample();
    /// let id = model.add_activity(Activity::new("repairs", ActivityClass::Core, model.focal().into()))?;
    /// assert_eq!(model.activity(id)?.class, ActivityClass::Core);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_activity(&mut self, activity: Activity) -> Result<ActivityId, Error> {
        self.touch();
        self.check_activity(&activity, None)?;
        let id = ActivityId(self.activities.insert(activity)?);
        self.index_key(Entry::Activity(id));
        Ok(id)
    }

    /// An activity.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if it is not in the model.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// let (id, _) = model.activities().next().expect("activities");
    /// assert!(model.activity(id).is_ok());
    /// ```
    pub fn activity(&self, id: ActivityId) -> Result<&Activity, Error> {
        self.activities
            .get(id.0)
            .ok_or_else(|| not_found(&id.to_string()))
    }

    /// Every activity, in slot order.
    ///
    /// # Example
    /// ```
    /// use covalence::ActivityClass;
    ///
    /// let model = covalence::Model::sample();
    /// assert!(model.activities().any(|(_, a)| a.class == ActivityClass::Core));
    /// ```
    pub fn activities(&self) -> impl Iterator<Item = (ActivityId, &Activity)> + '_ {
        self.activities.iter().map(|(s, a)| (ActivityId(s), a))
    }

    /// Changes an activity in place, as [`Model::update_organization`] does.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], and as [`Model::add_activity`].
    ///
    /// # Example
    /// ```
    /// use covalence::ActivityClass;
    ///
    /// let mut model = covalence::Model::sample();
    /// let (id, _) = model.activities().next().expect("activities");
    /// model.update_activity(id, |a| a.class = ActivityClass::Commodity)?;
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn update_activity(&mut self, id: ActivityId, edit: impl FnOnce(&mut Activity)) -> Result<(), Error> {
        self.touch();
        let mut activity = self.activity(id)?.clone();
        let old = activity.key.clone();
        edit(&mut activity);
        self.check_rekey(&old, &activity.key)?;
        self.check_activity(&activity, Some(Entry::Activity(id)))?;
        self.unindex_key(Entry::Activity(id));
        if let Some(slot) = self.activities.get_mut(id.0) {
            *slot = activity;
        }
        self.index_key(Entry::Activity(id));
        Ok(())
    }

    /// Removes an activity no flow names.
    ///
    /// Costs O(flows + presences + observations): dependents are found by scanning.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; [`ErrorKind::InUse`] if a flow names it.
    ///
    /// # Example
    /// ```
    /// use covalence::{Activity, ActivityClass, Model};
    ///
    /// let mut model = Model::sample();
    /// let id = model.add_activity(Activity::new("temp", ActivityClass::Core, model.focal().into()))?;
    /// assert_eq!(model.remove_activity(id)?.key, "temp");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_activity(&mut self, id: ActivityId) -> Result<Activity, Error> {
        self.touch();
        let key = self.activity(id)?.key.clone();
        let mut users: Vec<String> = self
            .flows
            .iter()
            .filter(|(_, f)| f.activity == Some(id))
            .map(|(_, f)| format!("flow `{}` (activity)", f.key))
            .collect();
        users.extend(self.planned_key(&key));
        if !users.is_empty() {
            return Err(in_use(&format!("activity `{key}`"), users));
        }
        self.unindex_key(Entry::Activity(id));
        let activity = self.activities.remove(id.0).ok_or_else(|| not_found(&key))?;
        Ok(activity)
    }

    // ----- flows ---------------------------------------------------------------------

    /// Adds a value flow.
    ///
    /// # Errors
    /// As [`Model::add_organization`] for the key; [`ErrorKind::NotFound`] for a party,
    /// channel or activity not in the model; [`ErrorKind::InvalidReference`] for a flow
    /// from a party to itself; [`ErrorKind::CurrencyMismatch`]; [`ErrorKind::InvalidValue`]
    /// for a negative value, cost or occurrences, a duration of 0, or a trust elasticity
    /// that is negative or not finite.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Model, Money, PartyId, ValueFlow, ValueObject};
    /// use rust_decimal::dec;
    ///
    /// let mut model = Model::sample();
    /// let customers: PartyId = model.lookup("customers")?;
    /// let reviews = ValueFlow::new("reviews", customers, model.focal().into(), ValueObject::Content,
    ///     Money::new(dec!(15), Currency::USD), dec!(2000));
    /// let id = model.add_flow(reviews)?;
    /// assert_eq!(model.flow(id)?.occurrences, dec!(2000));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_flow(&mut self, flow: ValueFlow) -> Result<FlowId, Error> {
        self.touch();
        self.check_flow(&flow, None)?;
        let id = FlowId(self.flows.insert(flow)?);
        self.index_key(Entry::Flow(id));
        Ok(id)
    }

    /// A value flow.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if it is not in the model.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// let (id, flow) = model.flows().next().expect("flows");
    /// assert_eq!(model.flow(id)?.key, flow.key);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn flow(&self, id: FlowId) -> Result<&ValueFlow, Error> {
        self.flows.get(id.0).ok_or_else(|| not_found(&id.to_string()))
    }

    /// Every value flow, in slot order.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.flows().count() >= 25);
    /// ```
    pub fn flows(&self) -> impl Iterator<Item = (FlowId, &ValueFlow)> + '_ {
        self.flows.iter().map(|(s, f)| (FlowId(s), f))
    }

    /// Changes a flow in place, as [`Model::update_organization`] does.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], and as [`Model::add_flow`].
    ///
    /// # Example
    /// ```
    /// use rust_decimal::dec;
    ///
    /// let mut model = covalence::Model::sample();
    /// let (id, _) = model.flows().next().expect("flows");
    /// model.update_flow(id, |f| f.occurrences = dec!(10))?;
    /// assert!(model.update_flow(id, |f| f.occurrences = dec!(-1)).is_err());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn update_flow(&mut self, id: FlowId, edit: impl FnOnce(&mut ValueFlow)) -> Result<(), Error> {
        self.touch();
        let mut flow = self.flow(id)?.clone();
        let old = flow.key.clone();
        edit(&mut flow);
        self.check_rekey(&old, &flow.key)?;
        self.check_flow(&flow, Some(Entry::Flow(id)))?;
        self.unindex_key(Entry::Flow(id));
        if let Some(slot) = self.flows.get_mut(id.0) {
            *slot = flow;
        }
        self.index_key(Entry::Flow(id));
        Ok(())
    }

    /// Removes a flow.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if it is not in the model.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let (id, _) = model.flows().next().expect("flows");
    /// model.remove_flow(id)?;
    /// assert!(model.flow(id).is_err());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_flow(&mut self, id: FlowId) -> Result<ValueFlow, Error> {
        self.touch();
        let key = &self.flow(id)?.key;
        let users = self.planned_key(key);
        if !users.is_empty() {
            return Err(in_use(&format!("flow `{key}`"), users));
        }
        self.unindex_key(Entry::Flow(id));
        self.flows.remove(id.0).ok_or_else(|| not_found(&id.to_string()))
    }

    // ----- relationships -------------------------------------------------------------

    fn edge(&self, id: RelationshipId) -> Option<EdgeIndex<u32>> {
        let index = EdgeIndex::new(id.0.index as usize);
        self.graph
            .edge_weight(index)
            .filter(|r| r.serial == id.0.serial)
            .map(|_| index)
    }

    pub(crate) fn party_of_node(&self, index: NodeIndex<u32>) -> Option<PartyId> {
        self.graph.node_weight(index).map(|n| {
            let slot = Slot {
                index: index.index() as u32,
                serial: n.serial,
            };
            match n.data {
                PartyData::Organization(_) => PartyId::Organization(OrgId(slot)),
                PartyData::Constituent(_) => PartyId::Constituent(ConstituentId(slot)),
            }
        })
    }

    pub(crate) fn relationship_label(&self, edge: EdgeIndex<u32>) -> String {
        let key = |i: NodeIndex<u32>| self.graph.node_weight(i).map_or("?", |n| n.data.key());
        match self.graph.edge_endpoints(edge) {
            Some((a, b)) => format!("`{}`–`{}`", key(a), key(b)),
            None => "?".to_string(),
        }
    }

    /// Adds a relationship between two parties.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a party not in the model or a context not among the
    /// model's; [`ErrorKind::InvalidReference`] for a relationship of a party with
    /// itself; [`ErrorKind::Duplicate`] if the two are already related;
    /// [`ErrorKind::CurrencyMismatch`] or [`ErrorKind::InvalidValue`] for a cost not in
    /// the model's currency or below zero.
    ///
    /// # Example
    /// ```
    /// use covalence::{Constituent, Model, Relationship, RelationshipKind, Role};
    ///
    /// let mut model = Model::sample();
    /// let fans = model.add_constituent(Constituent::new("fans", Role::Community, 40))?;
    /// let rel = Relationship::new(model.focal().into(), fans.into(), RelationshipKind::Informational);
    /// let id = model.add_relationship(rel.clone())?;
    /// assert_eq!(model.relationship(id)?, rel);
    /// assert_eq!(model.add_relationship(rel).unwrap_err().kind(), covalence::ErrorKind::Duplicate);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_relationship(&mut self, relationship: Relationship) -> Result<RelationshipId, Error> {
        self.touch();
        let (record, extra) = self.check_relationship(&relationship, None)?;
        let vacant = self.graph.edge_count() < self.edge_slots;
        if !vacant {
            if self.edge_slots >= MAX_RELATIONSHIP_SLOTS {
                return Err(too_many_relationships());
            }
            if let Some(more) = store::growth(self.edge_slots, self.graph.capacity().1) {
                self.graph.reserve_exact_edges(more);
            }
        }
        let [a, b] = relationship.parties;
        let serial = store::next_serial(&mut self.rel_serial, "relationship")?;
        let trust = self.store_trust(&relationship)?;
        let edge = self.graph.add_edge(
            node(a.slot()),
            node(b.slot()),
            RelRecord {
                serial,
                trust,
                ..record
            },
        );
        self.edge_slots = self.edge_slots.max(edge.index() + 1);
        if let Some(extra) = extra {
            self.extras.insert(edge.index() as u32, extra);
        }
        Ok(RelationshipId(Slot {
            index: edge.index() as u32,
            serial,
        }))
    }

    /// Adds relationships (about `count` of them) the caller has checked, each between
    /// two of `parties` given by their places in it: each joins two different live
    /// parties, no pair twice and none already related, with absolute trust only (no
    /// cost, contexts or wanted kind), in a model with no interventions. The bulk path
    /// of imports: no per-relationship lookups or messages.
    pub(crate) fn extend_relationships(
        &mut self,
        count: usize,
        parties: &[PartyId],
        kind: RelationshipKind,
        relationships: impl Iterator<Item = ([u32; 2], [Option<Opinion>; 2])>,
    ) -> Result<(), Error> {
        self.touch();
        let total = self.edge_slots.saturating_add(count);
        if total > MAX_RELATIONSHIP_SLOTS {
            return Err(too_many_relationships());
        }
        self.graph.reserve_exact_edges(count);
        // Added in batches, each read in passes: the parties of all its relationships,
        // then their graph nodes, then the additions. The parties and nodes of a batch
        // lie scattered in memory; read in a pass of their own, they are fetched
        // together rather than one relationship at a time.
        // Parties numbered as their nodes (as an import adding them in order numbers
        // them) are their own nodes, with no look into `parties`.
        let identity = parties.iter().zip(0u32..).all(|(p, i)| p.slot().index == i);
        let node_of = |i: u32| {
            if identity {
                ((i as usize) < parties.len()).then(|| NodeIndex::new(i as usize))
            } else {
                parties.get(i as usize).map(|p| node(p.slot()))
            }
        };
        let mut relationships = relationships.peekable();
        let mut batch = Vec::with_capacity(BATCH);
        let mut ends = Vec::with_capacity(BATCH);
        while relationships.peek().is_some() {
            batch.clear();
            batch.extend(relationships.by_ref().take(BATCH));
            ends.clear();
            ends.extend(batch.iter().map(|([a, b], _)| (node_of(*a), node_of(*b))));
            let touched = ends
                .iter()
                .filter_map(|(_, b)| self.graph.node_weight((*b)?))
                .fold(0u32, |sum, n| sum.wrapping_add(n.serial));
            std::hint::black_box(touched);
            for (&(a, b), &(_, [t0, t1])) in ends.iter().zip(&batch) {
                let (Some(a), Some(b)) = (a, b) else {
                    continue;
                };
                if self.edge_slots >= MAX_RELATIONSHIP_SLOTS {
                    return Err(too_many_relationships());
                }
                let serial = store::next_serial(&mut self.rel_serial, "relationship")?;
                let trust = self.store_opinions([t0, t1])?;
                let record = RelRecord {
                    serial,
                    kind,
                    desired: None,
                    has_extra: false,
                    trust,
                };
                let edge = self.graph.add_edge(a, b, record);
                self.edge_slots = self.edge_slots.max(edge.index() + 1);
            }
        }
        Ok(())
    }

    /// A relationship, rebuilt from its compact storage (so returned by value).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if it is not in the model.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId};
    ///
    /// let model = Model::sample();
    /// let staff: PartyId = model.lookup("employees")?;
    /// let id = model.relationship_between(staff, model.focal().into()).expect("related");
    /// assert!(model.relationship(id)?.involves(staff));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn relationship(&self, id: RelationshipId) -> Result<Relationship, Error> {
        let edge = self.edge(id).ok_or_else(|| not_found(&id.to_string()))?;
        Ok(self.unpack_relationship(edge))
    }

    pub(crate) fn unpack_relationship(&self, edge: EdgeIndex<u32>) -> Relationship {
        let record = &self.graph[edge];
        let parties = self
            .graph
            .edge_endpoints(edge)
            .and_then(|(a, b)| Some([self.party_of_node(a)?, self.party_of_node(b)?]));
        let Some(parties) = parties else {
            unreachable!("an edge always joins two live parties")
        };
        let currency = self.settings.currency;
        let extra = if record.has_extra {
            self.extras.get(&(edge.index() as u32))
        } else {
            None
        };
        let absolute = |d: usize| record.trust.get(d).and_then(|t| t.get(&self.opinions));
        let mut trust = [
            TrustProfile {
                absolute: absolute(0),
                contexts: BTreeMap::new(),
            },
            TrustProfile {
                absolute: absolute(1),
                contexts: BTreeMap::new(),
            },
        ];
        let mut cost = None;
        if let Some(extra) = extra {
            cost = extra.cost.map(|c| crate::Money::new(c, currency));
            for c in &extra.contexts {
                let name = self.context_name(c.context).to_string();
                let [t0, t1] = &mut trust;
                let profile = if c.direction == 0 { t0 } else { t1 };
                profile.contexts.insert(name, c.opinion);
            }
        }
        Relationship {
            parties,
            kind: record.kind,
            desired: record.desired,
            cost,
            trust,
        }
    }

    /// Every relationship, in slot order, rebuilt by value.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.relationships().all(|(_, r)| r.parties[0] != r.parties[1]));
    /// ```
    pub fn relationships(&self) -> impl Iterator<Item = (RelationshipId, Relationship)> + '_ {
        self.graph.edge_indices().map(|e| {
            let id = RelationshipId(Slot {
                index: e.index() as u32,
                serial: self.graph[e].serial,
            });
            (id, self.unpack_relationship(e))
        })
    }

    /// The relationships that bear a maintenance cost, in the order of
    /// [`Model::relationships`]: (id, first party, second party, cost), without
    /// unpacking the others.
    pub(crate) fn relationship_costs(
        &self,
    ) -> impl Iterator<Item = (RelationshipId, PartyId, PartyId, crate::money::Money)> + '_ {
        let currency = self.settings.currency;
        self.graph.edge_indices().filter_map(move |e| {
            let record = &self.graph[e];
            if !record.has_extra {
                return None;
            }
            let cost = self.extras.get(&(e.index() as u32))?.cost?;
            let (a, b) = self.graph.edge_endpoints(e)?;
            let id = RelationshipId(Slot {
                index: e.index() as u32,
                serial: record.serial,
            });
            Some((
                id,
                self.party_of_node(a)?,
                self.party_of_node(b)?,
                crate::money::Money::new(cost, currency),
            ))
        })
    }

    /// The number of relationships, in O(1).
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert_eq!(model.relationship_count(), model.relationships().count());
    /// ```
    pub fn relationship_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The relationship between two parties, in either order. Costs O(min(degree of
    /// `a`, degree of `b`)).
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId};
    ///
    /// let model = Model::sample();
    /// let customers: PartyId = model.lookup("customers")?;
    /// let harbor: PartyId = model.focal().into();
    /// assert_eq!(model.relationship_between(customers, harbor), model.relationship_between(harbor, customers));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn relationship_between(&self, a: PartyId, b: PartyId) -> Option<RelationshipId> {
        self.party_node(a)?;
        self.party_node(b)?;
        let edge = self.find_edge(node(a.slot()), node(b.slot()))?;
        Some(RelationshipId(Slot {
            index: edge.index() as u32,
            serial: self.graph[edge].serial,
        }))
    }

    /// Walks both parties' edge lists in step, so a hub with a million relationships
    /// costs no more than its partner's few.
    fn find_edge(&self, a: NodeIndex<u32>, b: NodeIndex<u32>) -> Option<EdgeIndex<u32>> {
        let around = |n: NodeIndex<u32>| {
            self.graph
                .edges_directed(n, Direction::Outgoing)
                .map(|e| (e.target(), e.id()))
                .chain(
                    self.graph
                        .edges_directed(n, Direction::Incoming)
                        .map(|e| (e.source(), e.id())),
                )
        };
        let (mut from_a, mut from_b) = (around(a), around(b));
        loop {
            let (x, y) = (from_a.next(), from_b.next());
            if let Some((other, edge)) = x
                && other == b
            {
                return Some(edge);
            }
            if let Some((other, edge)) = y
                && other == a
            {
                return Some(edge);
            }
            if x.is_none() || y.is_none() {
                // One list is exhausted without a match: no edge joins the two.
                return None;
            }
        }
    }

    /// Changes a relationship in place, as [`Model::update_organization`] does. Its
    /// parties cannot change: remove it and add another.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; [`ErrorKind::InvalidValue`] if `edit` changed the
    /// parties; and as [`Model::add_relationship`].
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, RelationshipKind};
    ///
    /// let mut model = Model::sample();
    /// let customers: PartyId = model.lookup("customers")?;
    /// let id = model.relationship_between(model.focal().into(), customers).expect("related");
    /// model.update_relationship(id, |r| r.kind = RelationshipKind::CoCreative)?;
    /// assert_eq!(model.relationship(id)?.kind, RelationshipKind::CoCreative);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn update_relationship(
        &mut self,
        id: RelationshipId,
        edit: impl FnOnce(&mut Relationship),
    ) -> Result<(), Error> {
        self.touch();
        let edge = self.edge(id).ok_or_else(|| not_found(&id.to_string()))?;
        let mut relationship = self.unpack_relationship(edge);
        let parties = relationship.parties;
        edit(&mut relationship);
        if relationship.parties != parties {
            return Err(Error::invalid(
                "the parties of a relationship cannot change; remove it and add another",
            )
            .with_path("parties")
            .context(format_args!("relationship {}", self.relationship_label(edge))));
        }
        let (record, extra) = self.check_relationship(&relationship, Some(edge))?;
        let old = self.graph[edge].trust;
        let trust = self.store_trust(&relationship)?;
        for slot in old {
            slot.release(&mut self.opinions);
        }
        let serial = self.graph[edge].serial;
        self.graph[edge] = RelRecord {
            serial,
            trust,
            ..record
        };
        match extra {
            Some(extra) => self.extras.insert(edge.index() as u32, extra),
            None => self.extras.remove(&(edge.index() as u32)),
        };
        Ok(())
    }

    /// Removes a relationship.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if it is not in the model.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId};
    ///
    /// let mut model = Model::sample();
    /// let investors: PartyId = model.lookup("investors")?;
    /// let id = model.relationship_between(model.focal().into(), investors).expect("related");
    /// let removed = model.remove_relationship(id)?;
    /// assert!(removed.involves(investors));
    /// assert!(model.relationship_between(model.focal().into(), investors).is_none());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_relationship(&mut self, id: RelationshipId) -> Result<Relationship, Error> {
        self.touch();
        let edge = self.edge(id).ok_or_else(|| not_found(&id.to_string()))?;
        let relationship = self.unpack_relationship(edge);
        let [a, b] = relationship.parties;
        let (ka, kb) = (self.party_key(a)?, self.party_key(b)?);
        let users = self.planned(|e| {
            e.relationship()
                .is_some_and(|[x, y]| (x, y) == (ka, kb) || (y, x) == (ka, kb))
        });
        if !users.is_empty() {
            return Err(in_use(
                &format!("relationship {}", self.relationship_label(edge)),
                users,
            ));
        }
        if let Some(record) = self.graph.remove_edge(edge) {
            for slot in record.trust {
                slot.release(&mut self.opinions);
            }
        }
        self.extras.remove(&(edge.index() as u32));
        Ok(relationship)
    }

    // ----- presences -----------------------------------------------------------------

    /// Sets a party's presence on a channel (the share of its members active there);
    /// returns the share it replaces.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a party or channel not in the model;
    /// [`ErrorKind::InvalidValue`] for a share outside `[0, 1]` or not finite, or an
    /// organization's share other than 1.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let investors = model.lookup("investors")?;
    /// let forum = model.lookup("forum")?;
    /// model.set_presence(investors, forum, 0.5)?;
    /// assert_eq!(model.presence(investors, forum), Some(0.5));
    /// assert!(model.set_presence(investors, forum, 1.5).is_err());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn set_presence(
        &mut self,
        party: PartyId,
        channel: ChannelId,
        share: f64,
    ) -> Result<Option<f64>, Error> {
        self.touch();
        self.check_presence(party, channel, share)?;
        Ok(self.presences.insert((party, channel), share))
    }

    /// A party's share on a channel, if it is present there.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert_eq!(model.presence(model.focal().into(), model.lookup("forum")?), Some(1.0));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn presence(&self, party: PartyId, channel: ChannelId) -> Option<f64> {
        self.presences.get(&(party, channel)).copied()
    }

    /// Removes a party's presence on a channel; returns its share, if it was present.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let (harbor, forum) = (model.focal().into(), model.lookup("forum")?);
    /// assert_eq!(model.remove_presence(harbor, forum), Some(1.0));
    /// assert_eq!(model.remove_presence(harbor, forum), None);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_presence(&mut self, party: PartyId, channel: ChannelId) -> Option<f64> {
        self.touch();
        self.presences.remove(&(party, channel))
    }

    /// Every presence, ordered by party then channel.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.presences().count() > 10);
    /// ```
    pub fn presences(&self) -> impl Iterator<Item = Presence> + '_ {
        self.presences.iter().map(|(&(party, channel), &share)| Presence {
            party,
            channel,
            share,
        })
    }

    fn take_presences(&mut self, mut pick: impl FnMut(&Presence) -> bool) -> Vec<Presence> {
        let taken: Vec<Presence> = self.presences().filter(|p| pick(p)).collect();
        for p in &taken {
            self.presences.remove(&(p.party, p.channel));
        }
        taken
    }

    // ----- overlaps ------------------------------------------------------------------

    /// Declares that two constituent groups share members; returns the count it
    /// replaces.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a group not in the model; [`ErrorKind::InvalidReference`]
    /// for a group overlapping itself; [`ErrorKind::InvalidValue`] if `shared_members`,
    /// with either group's other overlaps, exceeds that group's members (overlaps are
    /// pairwise: a group's overlaps together cannot exceed it).
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let (staff, investors) = (model.lookup("employees")?, model.lookup("investors")?);
    /// model.set_overlap(staff, investors, 2)?;
    /// assert_eq!(model.overlap(investors, staff), Some(2));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn set_overlap(
        &mut self,
        a: ConstituentId,
        b: ConstituentId,
        shared_members: u64,
    ) -> Result<Option<u64>, Error> {
        self.touch();
        self.check_overlap(a, b, shared_members)?;
        Ok(self.overlaps.insert(ordered(a, b), shared_members))
    }

    /// The members two groups share, if an overlap is declared.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// let o = model.overlaps().next().expect("the sample declares overlaps");
    /// assert_eq!(model.overlap(o.a, o.b), Some(o.shared_members));
    /// ```
    pub fn overlap(&self, a: ConstituentId, b: ConstituentId) -> Option<u64> {
        self.overlaps.get(&ordered(a, b)).copied()
    }

    /// Removes an overlap; returns its shared members, if it was declared.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let o = model.overlaps().next().expect("overlaps");
    /// assert_eq!(model.remove_overlap(o.b, o.a), Some(o.shared_members));
    /// ```
    pub fn remove_overlap(&mut self, a: ConstituentId, b: ConstituentId) -> Option<u64> {
        self.touch();
        self.overlaps.remove(&ordered(a, b))
    }

    /// Every overlap, ordered by its groups.
    ///
    /// # Example
    /// ```
    /// assert!(covalence::Model::sample().overlaps().count() >= 1);
    /// ```
    pub fn overlaps(&self) -> impl Iterator<Item = Overlap> + '_ {
        self.overlaps
            .iter()
            .map(|(&(a, b), &shared_members)| Overlap { a, b, shared_members })
    }

    fn take_overlaps(&mut self, mut pick: impl FnMut(&Overlap) -> bool) -> Vec<Overlap> {
        let taken: Vec<Overlap> = self.overlaps().filter(|o| pick(o)).collect();
        for o in &taken {
            self.overlaps.remove(&(o.a, o.b));
        }
        taken
    }

    // ----- observations --------------------------------------------------------------

    /// Records an observation, replacing the one with the same group, subject, channel
    /// and context (returned).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a group, party, channel or context not in the model;
    /// [`ErrorKind::InvalidReference`] for a group observing itself.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, Observation};
    ///
    /// let mut model = Model::sample();
    /// let mut o = Observation::new(model.lookup("investors")?, model.focal().into(), model.lookup("linkedin")?);
    /// o.positive = 12;
    /// assert_eq!(model.set_observation(o.clone())?, None);
    /// assert!(model.observations().any(|x| x == o));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn set_observation(&mut self, observation: Observation) -> Result<Option<Observation>, Error> {
        self.touch();
        let key = self.check_observation(&observation)?;
        let counts = [observation.positive, observation.negative, observation.neutral];
        Ok(self
            .observations
            .insert(key, counts)
            .map(|c| self.unpack_observation(&key, c)))
    }

    /// Removes the observation with this group, subject, channel and context.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let o = model.observations().next().expect("observations");
    /// let removed = model.remove_observation(o.by, o.about, o.channel, o.context.as_deref());
    /// assert_eq!(removed, Some(o));
    /// ```
    pub fn remove_observation(
        &mut self,
        by: ConstituentId,
        about: PartyId,
        channel: ChannelId,
        context: Option<&str>,
    ) -> Option<Observation> {
        self.touch();
        let context = match context {
            Some(name) => Some(self.context_index(name).ok()?),
            None => None,
        };
        let key = ObservationKey {
            by,
            about,
            channel,
            context,
        };
        self.observations
            .remove(&key)
            .map(|c| self.unpack_observation(&key, c))
    }

    /// Every observation, ordered by group, subject, channel and context.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.observations().count() >= 8);
    /// ```
    pub fn observations(&self) -> impl Iterator<Item = Observation> + '_ {
        self.observations
            .iter()
            .map(|(k, c)| self.unpack_observation(k, *c))
    }

    fn unpack_observation(
        &self,
        key: &ObservationKey,
        [positive, negative, neutral]: [u64; 3],
    ) -> Observation {
        Observation {
            by: key.by,
            about: key.about,
            channel: key.channel,
            context: key.context.map(|c| self.context_name(c).to_string()),
            positive,
            negative,
            neutral,
        }
    }

    fn observation_label(&self, key: &ObservationKey) -> String {
        let by = self.party_key(key.by.into()).unwrap_or("?");
        let about = self.party_key(key.about).unwrap_or("?");
        let channel = self.channel(key.channel).map_or("?", |c| c.key.as_str());
        format!("by `{by}` about `{about}` in `{channel}`")
    }

    fn take_observations(&mut self, mut pick: impl FnMut(&ObservationKey) -> bool) -> Vec<Observation> {
        let keys: Vec<ObservationKey> = self.observations.keys().filter(|k| pick(k)).copied().collect();
        keys.iter()
            .filter_map(|k| self.observations.remove(k).map(|c| self.unpack_observation(k, c)))
            .collect()
    }

    /// Makes room for more parties and relationships before a bulk load.
    /// The opinion of one direction of a relationship in a context (falling back to
    /// the absolute one).
    pub(crate) fn directed_opinion(
        &self,
        link: crate::snapshot::Link,
        context: Option<u16>,
    ) -> Option<Opinion> {
        let record = self.graph.edge_weight(EdgeIndex::new(link.edge() as usize))?;
        let direction = u8::from(link.reverse());
        if let Some(c) = context
            && record.has_extra
            && let Some(found) = self.extras.get(&link.edge()).and_then(|x| {
                x.contexts
                    .iter()
                    .find(|o| o.direction == direction && o.context == c)
            })
        {
            return Some(found.opinion);
        }
        record.trust.get(usize::from(direction))?.get(&self.opinions)
    }

    /// Stores a relationship's absolute opinions: their slots for its record.
    ///
    /// # Errors
    /// [`ErrorKind::Capacity`] if the opinion table is full (nothing is stored then).
    fn store_trust(&mut self, relationship: &Relationship) -> Result<[TrustSlot; 2], Error> {
        let [t0, t1] = &relationship.trust;
        self.store_opinions([t0.absolute, t1.absolute])
    }

    /// Stores the absolute opinions of both directions: their slots.
    ///
    /// # Errors
    /// [`ErrorKind::Capacity`] if the opinion table is full (nothing is stored then).
    fn store_opinions(&mut self, [t0, t1]: [Option<Opinion>; 2]) -> Result<[TrustSlot; 2], Error> {
        let first = TrustSlot::store(t0, &mut self.opinions)?;
        match TrustSlot::store(t1, &mut self.opinions) {
            Ok(second) => Ok([first, second]),
            Err(e) => {
                first.release(&mut self.opinions);
                Err(e)
            }
        }
    }

    /// Drops what was derived from the model (the analysis snapshot): called by every
    /// method that may change it.
    fn touch(&mut self) {
        self.snapshot = std::sync::OnceLock::new();
    }

    /// The snapshot, if one is built for this state of the model.
    pub(crate) fn built_snapshot(&self) -> Option<std::sync::Arc<crate::snapshot::Snapshot>> {
        self.snapshot.get().cloned()
    }

    /// Installs a snapshot made for this state of the model (see
    /// [`crate::snapshot::Snapshot::with_new_opinions`]).
    pub(crate) fn adopt_snapshot(&mut self, snapshot: crate::snapshot::Snapshot) {
        self.snapshot = std::sync::OnceLock::from(std::sync::Arc::new(snapshot));
    }

    /// The compact snapshot analyses run on, built on first use after an edit.
    pub(crate) fn snapshot(&self) -> std::sync::Arc<crate::snapshot::Snapshot> {
        self.snapshot
            .get_or_init(|| std::sync::Arc::new(crate::snapshot::Snapshot::build(self)))
            .clone()
    }

    pub(crate) fn reserve(&mut self, parties: usize, relationships: usize) {
        self.graph.reserve_exact_nodes(parties);
        self.graph.reserve_exact_edges(relationships);
        self.keys.reserve(parties);
    }

    pub(crate) fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Re-checks every invariant of the model: keys unique and indexed, references
    /// live, no self-links, one relationship per pair, shares and fractions in range,
    /// overlaps within group sizes, amounts in the model's currency, a focal
    /// organization. A model edited only through its methods always passes; this is
    /// for models that came from elsewhere and for tests. Costs O(size of the model).
    ///
    /// # Errors
    /// The first broken invariant, as the editing method that guards it would report.
    ///
    /// # Example
    /// ```
    /// covalence::Model::sample().validate()?;
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        self.check_all()?;
        for (i, intervention) in self.interventions.iter().enumerate() {
            intervention.scenario.check_names(self).map_err(|e| {
                e.under(&format!("interventions[{i}]"))
                    .context(format!("intervention `{}`", intervention.key))
            })?;
        }
        Ok(())
    }

    // ----- what candidate interventions name ------------------------------------------

    /// Drops the candidate interventions (a scenario's copy of the model has none).
    pub(crate) fn clear_interventions(&mut self) {
        self.interventions.clear();
    }

    /// The interventions with an edit `names` accepts, as labels.
    pub(crate) fn planned(&self, names: impl Fn(&crate::scenario::Edit) -> bool) -> Vec<String> {
        self.interventions
            .iter()
            .filter(|i| i.scenario.edits().iter().any(&names))
            .map(|i| format!("intervention `{}`", i.key))
            .collect()
    }

    /// The interventions naming an entity key.
    fn planned_key(&self, key: &str) -> Vec<String> {
        if self.interventions.is_empty() {
            return Vec::new();
        }
        self.planned(|e| e.keys().contains(&key))
    }

    /// Refuses to re-key an entity an intervention names.
    fn check_rekey(&self, old: &str, new: &str) -> Result<(), Error> {
        let users = if old == new {
            Vec::new()
        } else {
            self.planned_key(old)
        };
        if users.is_empty() {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::InUse,
                format!(
                    "cannot change the key `{old}`: still named by {}",
                    users.join(", ")
                ),
            )
            .with_path("key"))
        }
    }
}

fn not_found(what: &str) -> Error {
    Error::new(ErrorKind::NotFound, format!("{what} is not in this model"))
}

/// The refusal of a removal, naming (up to ten of) the dependents.
fn in_use(what: &str, users: Vec<String>) -> Error {
    const SHOWN: usize = 10;
    let more = users.len().saturating_sub(SHOWN);
    let mut list = users.into_iter().take(SHOWN).collect::<Vec<_>>().join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    Error::new(
        ErrorKind::InUse,
        format!("cannot remove {what}: still named by {list}"),
    )
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("focal", &self.party_key(self.focal.into()).unwrap_or("?"))
            .field("period", &self.settings.period)
            .field("currency", &self.settings.currency)
            .field("parties", &self.graph.node_count())
            .field("relationships", &self.graph.edge_count())
            .field("channels", &self.channels.len())
            .field("activities", &self.activities.len())
            .field("flows", &self.flows.len())
            .field("presences", &self.presences.len())
            .field("observations", &self.observations.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Constituent, Role};

    #[test]
    fn opinions_that_are_not_scores_are_freed_with_their_relationship() {
        let mut model = Model::sample();
        let before = model.opinions.len();
        let group = model
            .add_constituent(Constituent::new("g", Role::Customer, 10))
            .unwrap();
        let uncertain = Opinion::new(0.5, 0.2, 0.3, 0.4).unwrap();
        let mut relationship =
            Relationship::new(model.focal().into(), group.into(), RelationshipKind::Responsive);
        relationship.trust[0].absolute = Some(uncertain);
        relationship.trust[1].absolute = Some(Opinion::from_score(0.7).unwrap());
        let id = model.add_relationship(relationship).unwrap();
        assert_eq!(model.opinions.len(), before + 1, "the score needs no entry");
        for i in 0..100 {
            model
                .update_relationship(id, |r| {
                    r.trust[1].absolute = Some(Opinion::new(0.1, 0.1, 0.8, f64::from(i) / 100.0).unwrap());
                })
                .unwrap();
        }
        assert_eq!(model.opinions.len(), before + 2);
        let back = model.relationship(id).unwrap();
        assert_eq!(back.trust[0].absolute, Some(uncertain));
        assert_eq!(back.trust[1].absolute.unwrap().base_rate(), 0.99);
        model.remove_relationship(id).unwrap();
        assert_eq!(model.opinions.len(), before);
    }
}

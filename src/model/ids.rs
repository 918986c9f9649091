//! Typed ids. An id is a slot plus the serial number the model gave the entity when it
//! was added; serials only grow, so an id is never handed out twice, even when a slot
//! is reused after a removal.

use std::fmt;

/// A storage slot and the serial that must still live there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Slot {
    pub(crate) index: u32,
    pub(crate) serial: u32,
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident $noun:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) Slot);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({}v{})"), self.0.index, self.0.serial)
            }
        }

        impl $name {
            /// The slot the entity occupies.
            #[allow(dead_code)]
            pub(crate) fn slot_index(self) -> usize {
                self.0.index as usize
            }
        }

        impl fmt::Display for $name {
            /// The kind of entity and the slot and serial: `constituent #3v7`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($noun, " #{}v{}"), self.0.index, self.0.serial)
            }
        }
    )*};
}

ids! {
    /// The id of an [`Organization`](crate::Organization) in a [`Model`](crate::Model).
    ///
    /// Ids are handles into one model: never reused after removal, but not stable
    /// across serialization (keys are). Ids sort in slot order.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// let focal = model.focal();
    /// assert_eq!(model.organization(focal)?.key, "harbor");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    OrgId "organization";
    /// The id of a [`Constituent`](crate::Constituent) group in a [`Model`](crate::Model).
    ///
    /// # Example
    /// ```
    /// use covalence::{ConstituentId, Model};
    ///
    /// let model = Model::sample();
    /// let customers: ConstituentId = model.lookup("customers")?;
    /// assert!(model.constituent(customers)?.members > 1000);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    ConstituentId "constituent";
    /// The id of a [`Channel`](crate::Channel) in a [`Model`](crate::Model).
    ///
    /// # Example
    /// ```
    /// use covalence::{ChannelId, Model};
    ///
    /// let model = Model::sample();
    /// let forum: ChannelId = model.lookup("forum")?;
    /// assert_eq!(model.channel(forum)?.key, "forum");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    ChannelId "channel";
    /// The id of an [`Activity`](crate::Activity) in a [`Model`](crate::Model).
    ///
    /// # Example
    /// ```
    /// use covalence::{ActivityId, Model};
    ///
    /// let model = Model::sample();
    /// let (id, activity) = model.activities().next().expect("the sample has activities");
    /// assert_eq!(model.lookup::<ActivityId>(&activity.key)?, id);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    ActivityId "activity";
    /// The id of a [`ValueFlow`](crate::ValueFlow) in a [`Model`](crate::Model).
    ///
    /// # Example
    /// ```
    /// use covalence::{FlowId, Model};
    ///
    /// let model = Model::sample();
    /// let (id, flow) = model.flows().next().expect("the sample has flows");
    /// assert_eq!(model.lookup::<FlowId>(&flow.key)?, id);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    FlowId "flow";
    /// The id of a [`Relationship`](crate::Relationship) in a [`Model`](crate::Model).
    /// Relationships have no key: they are found by their two parties with
    /// [`Model::relationship_between`](crate::Model::relationship_between).
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId};
    ///
    /// let model = Model::sample();
    /// let customers: PartyId = model.lookup("customers")?;
    /// let id = model.relationship_between(model.focal().into(), customers).expect("related");
    /// assert!(model.relationship(id)?.involves(customers));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    RelationshipId "relationship";
}

/// A party: anything that can relate, trust and exchange value.
///
/// # Example
/// ```
/// use covalence::{Model, PartyId};
///
/// let model = Model::sample();
/// let party: PartyId = model.lookup("customers")?;
/// assert!(matches!(party, PartyId::Constituent(_)));
/// assert!(matches!(PartyId::from(model.focal()), PartyId::Organization(_)));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartyId {
    /// An organization.
    Organization(OrgId),
    /// A constituent group.
    Constituent(ConstituentId),
}

impl fmt::Display for PartyId {
    /// As the id it holds: `organization #0v0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartyId::Organization(id) => fmt::Display::fmt(id, f),
            PartyId::Constituent(id) => fmt::Display::fmt(id, f),
        }
    }
}

impl PartyId {
    pub(crate) fn slot(self) -> Slot {
        match self {
            PartyId::Organization(OrgId(s)) | PartyId::Constituent(ConstituentId(s)) => s,
        }
    }
}

impl From<OrgId> for PartyId {
    fn from(id: OrgId) -> PartyId {
        PartyId::Organization(id)
    }
}

impl From<ConstituentId> for PartyId {
    fn from(id: ConstituentId) -> PartyId {
        PartyId::Constituent(id)
    }
}

/// What a key names, as stored in the key index. Public only so that the sealed
/// [`KeyedId`] can mention it; it is not exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Organization(OrgId),
    Constituent(ConstituentId),
    Channel(ChannelId),
    Activity(ActivityId),
    Flow(FlowId),
}

impl Entry {
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Entry::Organization(_) => "an organization",
            Entry::Constituent(_) => "a constituent",
            Entry::Channel(_) => "a channel",
            Entry::Activity(_) => "an activity",
            Entry::Flow(_) => "a flow",
        }
    }
}

pub(crate) mod sealed {
    /// The crate-private half of [`KeyedId`](super::KeyedId).
    pub trait Sealed: Copy {
        /// "a channel", for error messages.
        const NOUN: &'static str;
        /// The id, if the entry is of this kind.
        fn from_entry(entry: super::Entry) -> Option<Self>;
    }
}

/// Ids that [`Model::lookup`](crate::Model::lookup) can find by key: [`OrgId`],
/// [`ConstituentId`], [`PartyId`], [`ChannelId`], [`ActivityId`], [`FlowId`].
///
/// Sealed: it cannot be implemented outside this crate.
///
/// # Example
/// ```
/// use covalence::{ChannelId, Model};
///
/// fn find<I: covalence::KeyedId>(model: &Model, key: &str) -> Option<I> {
///     model.lookup(key).ok()
/// }
/// assert!(find::<ChannelId>(&Model::sample(), "forum").is_some());
/// ```
pub trait KeyedId: sealed::Sealed {}

macro_rules! keyed {
    ($name:ident, $noun:literal, $($variant:ident => $make:expr),+) => {
        impl KeyedId for $name {}
        impl sealed::Sealed for $name {
            const NOUN: &'static str = $noun;
            fn from_entry(entry: Entry) -> Option<Self> {
                match entry {
                    $(Entry::$variant(id) => Some($make(id)),)+
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    };
}

keyed!(OrgId, "an organization", Organization => |id| id);
keyed!(ConstituentId, "a constituent", Constituent => |id| id);
keyed!(PartyId, "a party (organization or constituent)", Organization => PartyId::Organization, Constituent => PartyId::Constituent);
keyed!(ChannelId, "a channel", Channel => |id| id);
keyed!(ActivityId, "an activity", Activity => |id| id);
keyed!(FlowId, "a flow", Flow => |id| id);

//! The entities (nodes) of a model and its settings.

use crate::model::ids::{OrgId, PartyId};
use crate::money::{Currency, Money};

/// The accounting period: every per-period amount in a model is per this period.
///
/// # Example
/// ```
/// use covalence::Period;
///
/// assert_eq!(Period::Year.per_year(), 1);
/// assert_eq!(Period::Month.per_year(), 12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Period {
    /// A calendar month.
    Month,
    /// A quarter of a year.
    Quarter,
    /// A year.
    Year,
}

impl Period {
    /// How many of this period make a year.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Period::Quarter.per_year(), 4);
    /// ```
    pub fn per_year(self) -> u32 {
        match self {
            Period::Month => 12,
            Period::Quarter => 4,
            Period::Year => 1,
        }
    }

    /// The lower-case name used in model files (`"month"`).
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Period::Year.name(), "year");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

/// Model-wide settings: the period, the currency and the trust contexts.
///
/// The period and currency are fixed when the model is created; contexts can be added
/// and removed later ([`Model::add_context`](crate::Model::add_context)).
///
/// # Example
/// ```
/// use covalence::{Currency, Period, Settings};
///
/// let settings = Settings::new(Period::Year, Currency::EUR).with_contexts(["support", "privacy"]);
/// assert_eq!(settings.contexts, ["support", "privacy"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// The period of every per-period amount.
    pub period: Period,
    /// The currency of every amount.
    pub currency: Currency,
    /// Named trust contexts ("support", "pricing"): the scopes in which trust can
    /// differ. Unique, in the order given; at most 4,096.
    pub contexts: Vec<String>,
}

impl Settings {
    /// Settings with no contexts.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Period, Settings};
    ///
    /// assert!(Settings::new(Period::Month, Currency::USD).contexts.is_empty());
    /// ```
    pub fn new(period: Period, currency: Currency) -> Settings {
        Settings {
            period,
            currency,
            contexts: Vec::new(),
        }
    }

    /// The same settings with these contexts.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Period, Settings};
    ///
    /// let s = Settings::new(Period::Year, Currency::USD).with_contexts(["pricing"]);
    /// assert_eq!(s.contexts.len(), 1);
    /// ```
    pub fn with_contexts<I, S>(mut self, contexts: I) -> Settings
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.contexts = contexts.into_iter().map(Into::into).collect();
        self
    }
}

/// An organization: the focal one whose strategy is analysed, or another one (a
/// partner, a supplier, a platform operator).
///
/// # Example
/// ```
/// use covalence::Organization;
///
/// let org = Organization::new("meta").with_name("Meta Platforms");
/// assert_eq!(org.display_name(), "Meta Platforms");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Organization {
    /// The unique key that names it in model files and lookups.
    pub key: String,
    /// A human-readable name; the key stands in when absent.
    pub name: Option<String>,
}

impl Organization {
    /// An organization with a key and no name.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Organization::new("harbor").key, "harbor");
    /// ```
    pub fn new(key: impl Into<String>) -> Organization {
        Organization {
            key: key.into(),
            name: None,
        }
    }

    /// The same organization with a name.
    ///
    /// # Example
    /// ```
    /// let org = covalence::Organization::new("harbor").with_name("Harbor Outfitters");
    /// assert_eq!(org.name.as_deref(), Some("Harbor Outfitters"));
    /// ```
    pub fn with_name(mut self, name: impl Into<String>) -> Organization {
        self.name = Some(name.into());
        self
    }

    /// The name, or the key when there is none.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Organization::new("harbor").display_name(), "harbor");
    /// ```
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

/// The role a constituent group plays for the organization.
///
/// # Example
/// ```
/// use covalence::Role;
///
/// assert_eq!(Role::Customer.name(), "customer");
/// assert_eq!(Role::Other("alumni".into()).name(), "alumni");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Role {
    /// Buys the organization's products or services.
    Customer,
    /// Works for it.
    Employee,
    /// Creates value with it under an agreement.
    Partner,
    /// Supplies it.
    Supplier,
    /// Takes part in its community.
    Community,
    /// Funds it.
    Investor,
    /// Leads it.
    Executive,
    /// Regulates it.
    Regulator,
    /// Reports on it.
    Media,
    /// Any other role, named.
    Other(String),
}

impl Role {
    /// The lower-case name used in model files, or the name of an `Other` role.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Role::Executive.name(), "executive");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            Role::Customer => "customer",
            Role::Employee => "employee",
            Role::Partner => "partner",
            Role::Supplier => "supplier",
            Role::Community => "community",
            Role::Investor => "investor",
            Role::Executive => "executive",
            Role::Regulator => "regulator",
            Role::Media => "media",
            Role::Other(name) => name,
        }
    }
}

/// A constituent group: people (or one person) in one role, counted by `members`.
///
/// Groups are disjoint unless an overlap is declared
/// ([`Model::set_overlap`](crate::Model::set_overlap)).
///
/// # Example
/// ```
/// use covalence::{Constituent, Role};
///
/// let customers = Constituent::new("customers", Role::Customer, 12_000).with_name("Customers");
/// assert_eq!(customers.members, 12_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Constituent {
    /// The unique key.
    pub key: String,
    /// A human-readable name; the key stands in when absent.
    pub name: Option<String>,
    /// The group's role.
    pub role: Role,
    /// How many people the group holds; at least 1.
    pub members: u64,
}

impl Constituent {
    /// A group with a key, a role and a size.
    ///
    /// # Example
    /// ```
    /// use covalence::{Constituent, Role};
    ///
    /// assert_eq!(Constituent::new("staff", Role::Employee, 250).role, Role::Employee);
    /// ```
    pub fn new(key: impl Into<String>, role: Role, members: u64) -> Constituent {
        Constituent {
            key: key.into(),
            name: None,
            role,
            members,
        }
    }

    /// The same group with a name.
    ///
    /// # Example
    /// ```
    /// use covalence::{Constituent, Role};
    ///
    /// let c = Constituent::new("staff", Role::Employee, 250).with_name("Staff");
    /// assert_eq!(c.display_name(), "Staff");
    /// ```
    pub fn with_name(mut self, name: impl Into<String>) -> Constituent {
        self.name = Some(name.into());
        self
    }

    /// The name, or the key when there is none.
    ///
    /// # Example
    /// ```
    /// use covalence::{Constituent, Role};
    ///
    /// assert_eq!(Constituent::new("staff", Role::Employee, 1).display_name(), "staff");
    /// ```
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

/// Who controls a channel: the commons question.
///
/// # Example
/// ```
/// use covalence::Ownership;
///
/// assert!(Ownership::Rented { operator: None }.is_rented());
/// assert!(!Ownership::Commons.is_rented());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ownership {
    /// The focal organization runs it (an owned community, a conference).
    Owned,
    /// An open protocol or federated space with no single commercial arbiter (email,
    /// RSS, ActivityPub, a standards forum).
    Commons,
    /// A commercial platform run by someone else, who can change its rules at will.
    Rented {
        /// The platform operator, when modelled.
        operator: Option<OrgId>,
    },
}

impl Ownership {
    /// Whether the channel is a commercial platform.
    ///
    /// # Example
    /// ```
    /// assert!(!covalence::Ownership::Owned.is_rented());
    /// ```
    pub fn is_rented(self) -> bool {
        matches!(self, Ownership::Rented { .. })
    }

    /// `"owned"`, `"commons"` or `"rented"`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Ownership::Commons.name(), "commons");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Ownership::Owned => "owned",
            Ownership::Commons => "commons",
            Ownership::Rented { .. } => "rented",
        }
    }
}

/// Where parties interact: a forum, a newsletter, a commercial platform.
///
/// # Example
/// ```
/// use covalence::{Channel, Currency, Money, Ownership};
/// use rust_decimal::dec;
///
/// let mut forum = Channel::new("forum", Ownership::Owned);
/// forum.cost = Some(Money::new(dec!(18000), Currency::USD));
/// assert!(!forum.ownership.is_rented());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Channel {
    /// The unique key.
    pub key: String,
    /// A human-readable name; the key stands in when absent.
    pub name: Option<String>,
    /// Who controls it.
    pub ownership: Ownership,
    /// What the focal organization's presence there costs per period (>= 0).
    pub cost: Option<Money>,
}

impl Channel {
    /// A channel with a key and an ownership.
    ///
    /// # Example
    /// ```
    /// use covalence::{Channel, Ownership};
    ///
    /// assert_eq!(Channel::new("rss", Ownership::Commons).key, "rss");
    /// ```
    pub fn new(key: impl Into<String>, ownership: Ownership) -> Channel {
        Channel {
            key: key.into(),
            name: None,
            ownership,
            cost: None,
        }
    }

    /// The same channel with a name.
    ///
    /// # Example
    /// ```
    /// use covalence::{Channel, Ownership};
    ///
    /// assert_eq!(Channel::new("rss", Ownership::Commons).with_name("Blog feed").display_name(), "Blog feed");
    /// ```
    pub fn with_name(mut self, name: impl Into<String>) -> Channel {
        self.name = Some(name.into());
        self
    }

    /// The name, or the key when there is none.
    ///
    /// # Example
    /// ```
    /// use covalence::{Channel, Ownership};
    ///
    /// assert_eq!(Channel::new("rss", Ownership::Commons).display_name(), "rss");
    /// ```
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

/// Whether an activity is the reason the organization exists or merely necessary.
///
/// # Example
/// ```
/// assert_eq!(covalence::ActivityClass::Core.name(), "core");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ActivityClass {
    /// Unique and differentiating: core value.
    Core,
    /// Necessary but not unique: a candidate for outsourcing.
    Commodity,
}

impl ActivityClass {
    /// `"core"` or `"commodity"`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::ActivityClass::Commodity.name(), "commodity");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ActivityClass::Core => "core",
            ActivityClass::Commodity => "commodity",
        }
    }
}

/// A value activity of a party, with what it costs in house and what the market
/// charges to perform it.
///
/// # Example
/// ```
/// use covalence::{Activity, ActivityClass, Currency, Model, Money};
/// use rust_decimal::dec;
///
/// let model = Model::sample();
/// let mut payroll = Activity::new("payroll-2", ActivityClass::Commodity, model.focal().into());
/// payroll.in_house_cost = Some(Money::new(dec!(40000), Currency::USD));
/// payroll.market_price = Some(Money::new(dec!(28000), Currency::USD));
/// assert_eq!(payroll.class, ActivityClass::Commodity);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Activity {
    /// The unique key.
    pub key: String,
    /// A human-readable name; the key stands in when absent.
    pub name: Option<String>,
    /// Core or commodity.
    pub class: ActivityClass,
    /// The party that performs it.
    pub performed_by: PartyId,
    /// What performing it in house costs per period (>= 0).
    pub in_house_cost: Option<Money>,
    /// The best outside offer to perform it, per period (>= 0).
    pub market_price: Option<Money>,
}

impl Activity {
    /// An activity with a key, a class and its performer.
    ///
    /// # Example
    /// ```
    /// use covalence::{Activity, ActivityClass, Model};
    ///
    /// let model = Model::sample();
    /// let design = Activity::new("design-2", ActivityClass::Core, model.focal().into());
    /// assert!(design.in_house_cost.is_none());
    /// ```
    pub fn new(key: impl Into<String>, class: ActivityClass, performed_by: PartyId) -> Activity {
        Activity {
            key: key.into(),
            name: None,
            class,
            performed_by,
            in_house_cost: None,
            market_price: None,
        }
    }

    /// The same activity with a name.
    ///
    /// # Example
    /// ```
    /// use covalence::{Activity, ActivityClass, Model};
    ///
    /// let model = Model::sample();
    /// let a = Activity::new("ops", ActivityClass::Commodity, model.focal().into()).with_name("Operations");
    /// assert_eq!(a.display_name(), "Operations");
    /// ```
    pub fn with_name(mut self, name: impl Into<String>) -> Activity {
        self.name = Some(name.into());
        self
    }

    /// The name, or the key when there is none.
    ///
    /// # Example
    /// ```
    /// use covalence::{Activity, ActivityClass, Model};
    ///
    /// let model = Model::sample();
    /// assert_eq!(Activity::new("ops", ActivityClass::Core, model.focal().into()).display_name(), "ops");
    /// ```
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

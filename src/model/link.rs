//! The links (edges) of a model: relationships with trust, value flows, presences,
//! overlaps and observations.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::model::entity::Period;
use crate::model::ids::{ActivityId, ChannelId, ConstituentId, PartyId};
use crate::money::{Fraction, Money};
use crate::trust::Opinion;

/// The kind of a relationship, on a ladder from transactional to co-creative.
/// Kinds are ordered: `Transactional < ... < CoCreative`.
///
/// # Example
/// ```
/// use covalence::RelationshipKind;
///
/// assert!(RelationshipKind::Transactional < RelationshipKind::CoCreative);
/// assert_eq!(RelationshipKind::CoCreative.name(), "co_creative");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RelationshipKind {
    /// Exchanges of money for goods, nothing more.
    Transactional,
    /// One side informs the other.
    Informational,
    /// Each side listens and answers.
    Responsive,
    /// They work together towards shared goals.
    Collaborative,
    /// They create value together, as one.
    CoCreative,
}

impl RelationshipKind {
    /// Every kind, in ladder order.
    ///
    /// ```
    /// use covalence::RelationshipKind;
    ///
    /// assert!(RelationshipKind::ALL.windows(2).all(|w| w[0] < w[1]));
    /// ```
    pub const ALL: [RelationshipKind; 5] = [
        RelationshipKind::Transactional,
        RelationshipKind::Informational,
        RelationshipKind::Responsive,
        RelationshipKind::Collaborative,
        RelationshipKind::CoCreative,
    ];

    /// The name used in model files (`"co_creative"`).
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::RelationshipKind::Responsive.name(), "responsive");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            RelationshipKind::Transactional => "transactional",
            RelationshipKind::Informational => "informational",
            RelationshipKind::Responsive => "responsive",
            RelationshipKind::Collaborative => "collaborative",
            RelationshipKind::CoCreative => "co_creative",
        }
    }
}

/// What one party thinks of another's trustworthiness: an optional absolute opinion
/// and opinions per named context.
///
/// # Example
/// ```
/// use covalence::{Opinion, TrustProfile};
///
/// let mut trust = TrustProfile::default();
/// trust.absolute = Some(Opinion::from_evidence(8.0, 2.0)?);
/// trust.contexts.insert("privacy".into(), Opinion::from_evidence(1.0, 6.0)?);
/// assert!(trust.resolve(Some("privacy")).unwrap().projected() < 0.5);
/// assert!(trust.resolve(Some("support")).unwrap().projected() > 0.5); // falls back to absolute
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct TrustProfile {
    /// The opinion that holds in every context without one of its own.
    pub absolute: Option<Opinion>,
    /// Opinions per context; each context must be one of the model's.
    pub contexts: BTreeMap<String, Opinion>,
}

impl TrustProfile {
    /// A profile with only an absolute opinion.
    ///
    /// # Example
    /// ```
    /// use covalence::{Opinion, TrustProfile};
    ///
    /// let t = TrustProfile::absolute(Opinion::from_score(0.9)?);
    /// assert!(t.contexts.is_empty());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn absolute(opinion: Opinion) -> TrustProfile {
        TrustProfile {
            absolute: Some(opinion),
            contexts: BTreeMap::new(),
        }
    }

    /// The opinion in `context`: the context's own if present, else the absolute one,
    /// else none. `None` as the context asks for the absolute opinion.
    ///
    /// # Example
    /// ```
    /// use covalence::TrustProfile;
    ///
    /// assert!(TrustProfile::default().resolve(Some("support")).is_none());
    /// ```
    pub fn resolve(&self, context: Option<&str>) -> Option<Opinion> {
        context
            .and_then(|c| self.contexts.get(c).copied())
            .or(self.absolute)
    }

    /// Whether the profile holds no opinion at all.
    ///
    /// # Example
    /// ```
    /// assert!(covalence::TrustProfile::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.absolute.is_none() && self.contexts.is_empty()
    }
}

/// A relationship between two parties (one per pair), with its kind, the kind wanted,
/// its maintenance cost and each side's trust in the other.
///
/// Relationships are stored compactly; [`Model::relationship`](crate::Model::relationship)
/// returns this type by value.
///
/// # Example
/// ```
/// use covalence::{Model, Opinion, PartyId, Relationship, RelationshipKind, TrustProfile};
///
/// let model = Model::sample();
/// let (harbor, staff): (PartyId, PartyId) = (model.focal().into(), model.lookup("employees")?);
/// let mut rel = Relationship::new(harbor, staff, RelationshipKind::Responsive);
/// rel.desired = Some(RelationshipKind::Collaborative);
/// *rel.trust_of_mut(staff).expect("a party of the relationship") =
///     TrustProfile::absolute(Opinion::from_score(0.7)?);
/// assert!(rel.trust_of(staff).unwrap().absolute.is_some());
/// assert!(rel.trust_of(harbor).unwrap().is_empty());
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Relationship {
    /// The two parties. The first bears the maintenance cost.
    pub parties: [PartyId; 2],
    /// The kind it is today.
    pub kind: RelationshipKind,
    /// The kind that would serve value creation best, when stated.
    pub desired: Option<RelationshipKind>,
    /// What maintaining it costs the first party per period (>= 0).
    pub cost: Option<Money>,
    /// `trust[0]` is the first party's trust in the second; `trust[1]` the reverse.
    pub trust: [TrustProfile; 2],
}

impl Relationship {
    /// A relationship of a kind, with no cost and no trust stated.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, Relationship, RelationshipKind};
    ///
    /// let model = Model::sample();
    /// let investors: PartyId = model.lookup("investors")?;
    /// let rel = Relationship::new(model.focal().into(), investors, RelationshipKind::Informational);
    /// assert!(rel.desired.is_none());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn new(a: PartyId, b: PartyId, kind: RelationshipKind) -> Relationship {
        Relationship {
            parties: [a, b],
            kind,
            desired: None,
            cost: None,
            trust: [TrustProfile::default(), TrustProfile::default()],
        }
    }

    /// Whether `party` is one of the two.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, Relationship, RelationshipKind};
    ///
    /// let model = Model::sample();
    /// let c: PartyId = model.lookup("customers")?;
    /// assert!(Relationship::new(model.focal().into(), c, RelationshipKind::Transactional).involves(c));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn involves(&self, party: PartyId) -> bool {
        self.parties.contains(&party)
    }

    /// The other party, if `party` is one of the two.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, Relationship, RelationshipKind};
    ///
    /// let model = Model::sample();
    /// let (h, c): (PartyId, PartyId) = (model.focal().into(), model.lookup("customers")?);
    /// assert_eq!(Relationship::new(h, c, RelationshipKind::Transactional).other(h), Some(c));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn other(&self, party: PartyId) -> Option<PartyId> {
        match self.parties {
            [a, b] if a == party => Some(b),
            [a, b] if b == party => Some(a),
            _ => None,
        }
    }

    /// `truster`'s trust in the other party, if `truster` is one of the two.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId};
    ///
    /// let model = Model::sample();
    /// let customers: PartyId = model.lookup("customers")?;
    /// let id = model.relationship_between(model.focal().into(), customers).expect("related");
    /// let rel = model.relationship(id)?;
    /// assert!(rel.trust_of(customers).is_some_and(|t| !t.is_empty()));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn trust_of(&self, truster: PartyId) -> Option<&TrustProfile> {
        let [t0, t1] = &self.trust;
        match self.parties {
            [a, _] if a == truster => Some(t0),
            [_, b] if b == truster => Some(t1),
            _ => None,
        }
    }

    /// `truster`'s trust in the other party, to change it.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, Relationship, RelationshipKind, Opinion};
    ///
    /// let model = Model::sample();
    /// let (h, c): (PartyId, PartyId) = (model.focal().into(), model.lookup("customers")?);
    /// let mut rel = Relationship::new(h, c, RelationshipKind::Responsive);
    /// rel.trust_of_mut(h).expect("h is a party").absolute = Some(Opinion::from_score(0.5)?);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn trust_of_mut(&mut self, truster: PartyId) -> Option<&mut TrustProfile> {
        let [t0, t1] = &mut self.trust;
        match self.parties {
            [a, _] if a == truster => Some(t0),
            [_, b] if b == truster => Some(t1),
            _ => None,
        }
    }
}

/// What flows: money and tangible goods, or intangible value.
///
/// # Example
/// ```
/// use covalence::ValueObject;
///
/// assert!(ValueObject::Product.is_tangible());
/// assert!(!ValueObject::Feedback.is_tangible());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ValueObject {
    /// Money.
    Money,
    /// A physical or digital product.
    Product,
    /// A service performed.
    Service,
    /// Know-how, expertise, answers.
    Knowledge,
    /// Content created (posts, reviews, photos).
    Content,
    /// Feedback and ideas.
    Feedback,
    /// Referrals and recommendations.
    Referral,
    /// Attention given.
    Attention,
    /// Data shared.
    Data,
    /// Reputation lent.
    Reputation,
    /// Anything else, named.
    Other(String),
}

impl ValueObject {
    /// Whether it is tangible: money, products and services.
    ///
    /// # Example
    /// ```
    /// assert!(covalence::ValueObject::Money.is_tangible());
    /// ```
    pub fn is_tangible(&self) -> bool {
        matches!(
            self,
            ValueObject::Money | ValueObject::Product | ValueObject::Service
        )
    }

    /// The lower-case name used in model files, or the name of an `Other` object.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::ValueObject::Referral.name(), "referral");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            ValueObject::Money => "money",
            ValueObject::Product => "product",
            ValueObject::Service => "service",
            ValueObject::Knowledge => "knowledge",
            ValueObject::Content => "content",
            ValueObject::Feedback => "feedback",
            ValueObject::Referral => "referral",
            ValueObject::Attention => "attention",
            ValueObject::Data => "data",
            ValueObject::Reputation => "reputation",
            ValueObject::Other(name) => name,
        }
    }
}

/// SROI adjustments of a flow's value: what would have happened anyway (deadweight),
/// what was merely moved (displacement), what others caused (attribution) and how the
/// outcome fades each later period (drop-off). Each is a fraction in `[0, 1]`; all
/// default to zero.
///
/// # Example
/// ```
/// use covalence::{Adjustments, Fraction};
/// use rust_decimal::dec;
///
/// let mut adj = Adjustments::default();
/// adj.deadweight = Fraction::new(dec!(0.25))?;
/// assert_eq!(adj.attribution, Fraction::ZERO);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Adjustments {
    /// Share of the outcome that would have happened anyway.
    pub deadweight: Fraction,
    /// Share that displaced outcomes elsewhere.
    pub displacement: Fraction,
    /// Share due to others.
    pub attribution: Fraction,
    /// Share lost each period after the first.
    pub drop_off: Fraction,
}

impl Adjustments {
    /// Whether every adjustment is zero.
    ///
    /// # Example
    /// ```
    /// assert!(covalence::Adjustments::default().is_zero());
    /// ```
    pub fn is_zero(&self) -> bool {
        *self == Adjustments::default()
    }
}

/// Value flowing from a provider to a recipient: money, goods, or intangibles such as
/// feedback, referrals and knowledge, valued per occurrence by the recipient.
///
/// # Example
/// ```
/// use covalence::{Currency, Model, Money, PartyId, ValueFlow, ValueObject};
/// use rust_decimal::dec;
///
/// let model = Model::sample();
/// let customers: PartyId = model.lookup("customers")?;
/// let mut ideas = ValueFlow::new("ideas", customers, model.focal().into(), ValueObject::Feedback,
///     Money::new(dec!(40), Currency::USD), dec!(600));
/// ideas.trust_elasticity = 0.8;
/// assert!(ideas.provider_cost().is_zero()); // intangibles cost the provider nothing by default
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ValueFlow {
    /// The unique key.
    pub key: String,
    /// The provider.
    pub from: PartyId,
    /// The recipient.
    pub to: PartyId,
    /// What flows.
    pub object: ValueObject,
    /// Value of one occurrence to the recipient (>= 0).
    pub value: Money,
    /// Cost of one occurrence to the provider (>= 0); see [`ValueFlow::provider_cost`].
    pub cost: Option<Money>,
    /// Occurrences per period (>= 0): per `per` if given, else per the model period.
    pub occurrences: Decimal,
    /// The period `occurrences` are counted in, when it is not the model's (a monthly
    /// count in a yearly model); analyses convert it to the model period.
    pub per: Option<Period>,
    /// The channel it flows through, if any.
    pub channel: Option<ChannelId>,
    /// The activity it feeds or comes from, if any.
    pub activity: Option<ActivityId>,
    /// SROI adjustments.
    pub adjustments: Adjustments,
    /// How many periods the outcome lasts (>= 1), when stated.
    pub duration: Option<u32>,
    /// Periods that pass before the outcome starts, for projections (default 0).
    pub starts_after: u32,
    /// How occurrences respond to the provider's trust in the recipient (>= 0; 0 means
    /// no response). See the scenarios.
    pub trust_elasticity: f64,
}

impl ValueFlow {
    /// A flow with no cost stated, no channel, no activity, no adjustments and no
    /// trust response.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Model, Money, PartyId, ValueFlow, ValueObject};
    /// use rust_decimal::dec;
    ///
    /// let model = Model::sample();
    /// let customers: PartyId = model.lookup("customers")?;
    /// let sales = ValueFlow::new("sales", customers, model.focal().into(), ValueObject::Money,
    ///     Money::new(dec!(85), Currency::USD), dec!(30000));
    /// assert_eq!(sales.provider_cost(), sales.value);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn new(
        key: impl Into<String>,
        from: PartyId,
        to: PartyId,
        object: ValueObject,
        value: Money,
        occurrences: Decimal,
    ) -> ValueFlow {
        ValueFlow {
            key: key.into(),
            from,
            to,
            object,
            value,
            cost: None,
            occurrences,
            per: None,
            channel: None,
            activity: None,
            adjustments: Adjustments::default(),
            duration: None,
            starts_after: 0,
            trust_elasticity: 0.0,
        }
    }

    /// Occurrences per model period: `occurrences` converted from `per`. A finer period
    /// into a coarser one multiplies exactly (12 a month make 144 a year); the other way
    /// divides, exact to a `Decimal`'s 28 digits.
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) when the count does not fit.
    ///
    /// # Example
    /// ```
    /// # use covalence::{Currency, Model, Money, PartyId, Period, ValueFlow, ValueObject};
    /// # use rust_decimal::dec;
    /// # let model = Model::sample();
    /// # let c: PartyId = model.lookup("customers")?;
    /// let mut visits = ValueFlow::new("visits", c, model.focal().into(), ValueObject::Attention,
    ///     Money::new(dec!(0.5), Currency::USD), dec!(12));
    /// visits.per = Some(Period::Month);
    /// assert_eq!(visits.occurrences_per(Period::Year)?, dec!(144));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn occurrences_per(&self, period: Period) -> Result<Decimal, crate::Error> {
        let Some(per) = self.per.filter(|p| *p != period) else {
            return Ok(self.occurrences);
        };
        // Counts per `per` times the number of `per` in `period`: per_year(per) / per_year(period).
        let (num, den) = (Decimal::from(per.per_year()), Decimal::from(period.per_year()));
        let scaled = self
            .occurrences
            .checked_mul(num)
            .ok_or_else(|| crate::Error::overflow(format_args!("{} occurrences", self.occurrences)))?;
        scaled
            .checked_div(den)
            .ok_or_else(|| crate::Error::overflow(format_args!("{scaled} occurrences")))
    }

    /// Value received per `period`: value × occurrences, converted from `per`
    /// multiplying before dividing, so that a yearly amount in a monthly model loses
    /// nothing a `Decimal` can hold.
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow).
    ///
    /// # Example
    /// ```
    /// # use covalence::{Currency, Model, Money, PartyId, Period, ValueFlow, ValueObject};
    /// # use rust_decimal::dec;
    /// # let model = Model::sample();
    /// # let c: PartyId = model.lookup("customers")?;
    /// let mut dues = ValueFlow::new("dues", c, model.focal().into(), ValueObject::Money,
    ///     Money::new(dec!(1200), Currency::USD), dec!(1));
    /// dues.per = Some(Period::Year);
    /// assert_eq!(dues.value_per(Period::Month)?.amount(), dec!(100));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn value_per(&self, period: Period) -> Result<Money, crate::Error> {
        self.amount_per(self.value, period)
    }

    /// Cost to the provider per `period` ([`ValueFlow::provider_cost`] × occurrences),
    /// converted as [`ValueFlow::value_per`].
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow).
    ///
    /// # Example
    /// ```
    /// # use covalence::{Currency, Model, Money, PartyId, Period, ValueFlow, ValueObject};
    /// # use rust_decimal::dec;
    /// # let model = Model::sample();
    /// # let c: PartyId = model.lookup("customers")?;
    /// let fees = ValueFlow::new("fees", c, model.focal().into(), ValueObject::Money,
    ///     Money::new(dec!(10), Currency::USD), dec!(3));
    /// assert_eq!(fees.cost_per(Period::Year)?.amount(), dec!(30));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn cost_per(&self, period: Period) -> Result<Money, crate::Error> {
        self.amount_per(self.provider_cost(), period)
    }

    fn amount_per(&self, amount: Money, period: Period) -> Result<Money, crate::Error> {
        let total = amount.checked_mul(self.occurrences)?;
        match self.per.filter(|p| *p != period) {
            None => Ok(total),
            Some(per) => total
                .checked_mul(Decimal::from(per.per_year()))?
                .checked_div(Decimal::from(period.per_year())),
        }
    }

    /// The cost of one occurrence to the provider: `cost` if stated, else the value
    /// for money (paying costs what is paid) and zero for everything else.
    ///
    /// # Example
    /// ```
    /// # use covalence::{Currency, Model, Money, PartyId, ValueFlow, ValueObject};
    /// # use rust_decimal::dec;
    /// # let model = Model::sample();
    /// # let c: PartyId = model.lookup("customers")?;
    /// let mut f = ValueFlow::new("tips", c, model.focal().into(), ValueObject::Knowledge,
    ///     Money::new(dec!(20), Currency::USD), dec!(10));
    /// f.cost = Some(Money::new(dec!(5), Currency::USD));
    /// assert_eq!(f.provider_cost().amount(), dec!(5));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn provider_cost(&self) -> Money {
        match (&self.cost, &self.object) {
            (Some(cost), _) => *cost,
            (None, ValueObject::Money) => self.value,
            (None, _) => Money::zero(self.value.currency()),
        }
    }
}

/// A party's presence on a channel: the fraction of its members active there.
///
/// # Example
/// ```
/// use covalence::Model;
///
/// let model = Model::sample();
/// let p = model.presences().next().expect("the sample has presences");
/// assert!((0.0..=1.0).contains(&p.share));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Presence {
    /// Who is present.
    pub party: PartyId,
    /// Where.
    pub channel: ChannelId,
    /// Fraction of the party's members active there, in `[0, 1]` (1 for an
    /// organization).
    pub share: f64,
}

/// Members shared by two constituent groups.
///
/// # Example
/// ```
/// use covalence::Model;
///
/// let model = Model::sample();
/// for o in model.overlaps() {
///     assert!(o.shared_members <= model.constituent(o.a)?.members);
/// }
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overlap {
    /// One group.
    pub a: ConstituentId,
    /// The other group.
    pub b: ConstituentId,
    /// Members in both; at most the smaller group's size.
    pub shared_members: u64,
}

/// What a constituent group says about a party in a channel, optionally in one trust
/// context, counted over the model period. Observations in channels the subject does
/// not own are what is said "when we are not in the room".
///
/// # Example
/// ```
/// use covalence::{Model, Observation, PartyId};
///
/// let model = Model::sample();
/// let customers = model.lookup("customers")?;
/// let facebook = model.lookup("facebook")?;
/// let mut seen = Observation::new(customers, model.focal().into(), facebook);
/// seen.positive = 40;
/// seen.negative = 25;
/// assert_eq!(seen.total(), 65);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Observation {
    /// The group speaking.
    pub by: ConstituentId,
    /// The party spoken about.
    pub about: PartyId,
    /// Where.
    pub channel: ChannelId,
    /// The trust context the remarks concern, if one; one of the model's.
    pub context: Option<String>,
    /// Positive remarks.
    pub positive: u64,
    /// Negative remarks.
    pub negative: u64,
    /// Neutral remarks.
    pub neutral: u64,
}

impl Observation {
    /// An observation with zero counts and no context.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, Observation};
    ///
    /// let model = Model::sample();
    /// let o = Observation::new(model.lookup("customers")?, model.focal().into(), model.lookup("forum")?);
    /// assert_eq!(o.total(), 0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn new(by: ConstituentId, about: PartyId, channel: ChannelId) -> Observation {
        Observation {
            by,
            about,
            channel,
            context: None,
            positive: 0,
            negative: 0,
            neutral: 0,
        }
    }

    /// All remarks counted, saturating at `u64::MAX`.
    ///
    /// # Example
    /// ```
    /// # use covalence::{Model, Observation};
    /// # let model = Model::sample();
    /// let mut o = Observation::new(model.lookup("customers")?, model.focal().into(), model.lookup("forum")?);
    /// o.neutral = 3;
    /// assert_eq!(o.total(), 3);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn total(&self) -> u64 {
        self.positive
            .saturating_add(self.negative)
            .saturating_add(self.neutral)
    }
}

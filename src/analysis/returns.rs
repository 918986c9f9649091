//! Cost and return per period: the ledger of a party, and the outsourcing analysis.

use rust_decimal::Decimal;

use crate::error::Error;
use crate::model::{
    ActivityClass, ActivityId, ChannelId, Model, PartyId, Period, RelationshipId, ValueObject,
};
use crate::money::Money;

/// Options for [`Model::ledger`].
///
/// # Example
/// ```
/// use covalence::LedgerOptions;
///
/// let options = LedgerOptions::new().allocate_channel_costs(true);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LedgerOptions {
    party: Option<PartyId>,
    allocate_channel_costs: bool,
    /// Totals only, no breakdowns (for comparisons, which need nothing else).
    totals_only: bool,
}

impl LedgerOptions {
    /// The focal organization's ledger, channel costs kept whole.
    ///
    /// ```
    /// let options = covalence::LedgerOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> LedgerOptions {
        LedgerOptions::default()
    }

    /// The ledger of this party instead of the focal organization.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let options = covalence::LedgerOptions::new().party(model.lookup("customers")?);
    /// # let _ = options;
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn party(mut self, party: PartyId) -> LedgerOptions {
        self.party = Some(party);
        self
    }

    /// Split each channel's cost over the constituent groups present on it, by members
    /// times share, in the by-counterparty breakdown (to the cent: the parts add up to
    /// the cost). Default: channel costs stay unattributed there.
    ///
    /// ```
    /// let options = covalence::LedgerOptions::new().allocate_channel_costs(true);
    /// # let _ = options;
    /// ```
    pub fn allocate_channel_costs(mut self, allocate: bool) -> LedgerOptions {
        self.allocate_channel_costs = allocate;
        self
    }

    /// Totals only: the breakdowns stay empty.
    pub(crate) fn totals_only(mut self) -> LedgerOptions {
        self.totals_only = true;
        self
    }
}

/// One line of a breakdown: what a key (a counterparty, a channel, ...) returns to
/// the party and costs it per period. `None` keys gather what the breakdown cannot
/// attribute.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let ledger = model.ledger(&covalence::LedgerOptions::new())?;
/// let line = &ledger.by_counterparty[0];
/// assert_eq!(line.net()?, line.returns.checked_sub(line.costs)?);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LedgerLine<K> {
    /// What the line is about; `None` for what the breakdown cannot attribute.
    pub key: Option<K>,
    /// Value received per period.
    pub returns: Money,
    /// Cost borne per period.
    pub costs: Money,
}

impl<K> LedgerLine<K> {
    /// `returns - costs`.
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow).
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// let ledger = model.ledger(&covalence::LedgerOptions::new())?;
    /// assert!(ledger.by_object.iter().all(|l| l.net().is_ok()));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn net(&self) -> Result<Money, Error> {
        self.returns.checked_sub(self.costs)
    }
}

/// A party's returns and costs per model period, with breakdowns that each sum
/// exactly to the totals.
///
/// Returns are the value of the flows the party receives (value × occurrences). Costs
/// are the provider cost of the flows it provides, the maintenance of relationships it
/// bears (as their first party), for the focal organization the cost of the channels it
/// is present on, and the in-house cost of the activities it performs.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let ledger = model.ledger(&covalence::LedgerOptions::new())?;
/// assert_eq!(ledger.net, ledger.returns.checked_sub(ledger.costs)?);
/// println!("ROI {:?}, benefit-cost ratio {:?}", ledger.roi, ledger.benefit_cost_ratio);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Ledger {
    /// Whose ledger.
    pub party: PartyId,
    /// The period every amount is per (the model's).
    pub period: Period,
    /// Value received per period.
    pub returns: Money,
    /// Cost borne per period.
    pub costs: Money,
    /// `returns - costs`.
    pub net: Money,
    /// `net / costs`; `None` when costs are zero (never infinite).
    pub roi: Option<Decimal>,
    /// `returns / costs`; `None` when costs are zero.
    pub benefit_cost_ratio: Option<Decimal>,
    /// By the other party of each flow and relationship (and, when allocated, the
    /// groups on each channel). Lines of every breakdown come in the order first met
    /// (flows, relationships, channels, activities, each in model order), the
    /// unattributed line last.
    pub by_counterparty: Vec<LedgerLine<PartyId>>,
    /// By the relationship with the counterparty; unattributed last.
    pub by_relationship: Vec<LedgerLine<RelationshipId>>,
    /// By the channel flows go through, and channel costs; unattributed last.
    pub by_channel: Vec<LedgerLine<ChannelId>>,
    /// By the activity flows feed or come from, and in-house costs; unattributed last.
    pub by_activity: Vec<LedgerLine<ActivityId>>,
    /// By what flows; costs that are not flows unattributed, last.
    pub by_object: Vec<LedgerLine<ValueObject>>,
    /// Tangible (`Some(true)`: money, products, services) and intangible flows;
    /// costs that are not flows unattributed, last.
    pub by_tangibility: Vec<LedgerLine<bool>>,
}

/// Sums per key in first-seen order, `None` last. O(1) per addition.
struct Breakdown<K: Eq + std::hash::Hash + Clone> {
    lines: Vec<LedgerLine<K>>,
    index: std::collections::HashMap<Option<K>, usize>,
    zero: Money,
}

impl<K: Eq + std::hash::Hash + Clone> Breakdown<K> {
    fn new(zero: Money) -> Breakdown<K> {
        Breakdown {
            lines: Vec::new(),
            index: std::collections::HashMap::new(),
            zero,
        }
    }

    fn add(&mut self, key: Option<K>, returns: Money, costs: Money) -> Result<(), Error> {
        let at = match self.index.get(&key) {
            Some(&at) => at,
            None => {
                self.index.insert(key.clone(), self.lines.len());
                self.lines.push(LedgerLine {
                    key,
                    returns: self.zero,
                    costs: self.zero,
                });
                self.lines.len() - 1
            }
        };
        if let Some(line) = self.lines.get_mut(at) {
            line.returns = line.returns.checked_add(returns)?;
            line.costs = line.costs.checked_add(costs)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Vec<LedgerLine<K>> {
        // Stable: keyed lines keep their order, the unattributed line goes last.
        self.lines.sort_by_key(|l| l.key.is_none());
        self.lines
    }
}

/// An activity worth outsourcing, or a risk.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let outsourcing = model.outsourcing(5)?;
/// for c in &outsourcing.candidates {
///     assert!(c.saving.amount() > rust_decimal::Decimal::ZERO);
/// }
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OutsourcingCandidate {
    /// The commodity activity performed in house.
    pub activity: ActivityId,
    /// What it costs in house per period.
    pub in_house_cost: Money,
    /// The best outside offer per period.
    pub market_price: Money,
    /// `in_house_cost - market_price`, per period.
    pub saving: Money,
    /// The saving over the horizon asked for, undiscounted.
    pub saving_over_horizon: Money,
}

/// What could be outsourced, what core value already is, and what each activity
/// produces (Q1).
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let outsourcing = model.outsourcing(5)?;
/// assert!(!outsourcing.candidates.is_empty());
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Outsourcing {
    /// Commodity activities the focal organization performs in house whose market
    /// price is below their in-house cost, largest saving first (ties in model order).
    pub candidates: Vec<OutsourcingCandidate>,
    /// Core activities performed by another organization: core value outsourced.
    pub core_outsourced: Vec<ActivityId>,
    /// The value per period of the flows that name each activity, in model order.
    pub activity_value: Vec<(ActivityId, Money)>,
    /// The horizon of `saving_over_horizon`, in periods.
    pub horizon: u32,
    /// The period every amount is per (the model's).
    pub period: Period,
}

/// Net, ROI and benefit-cost ratio from returns and costs.
fn totals(returns: Money, costs: Money) -> Result<(Money, Option<Decimal>, Option<Decimal>), Error> {
    let net = returns.checked_sub(costs)?;
    if costs.is_zero() {
        Ok((net, None, None))
    } else {
        Ok((
            net,
            Some(net.checked_ratio(costs)?),
            Some(returns.checked_ratio(costs)?),
        ))
    }
}

impl Ledger {
    /// A ledger of totals only (no breakdowns), from its returns and costs.
    pub(crate) fn of_totals(
        party: PartyId,
        period: Period,
        returns: Money,
        costs: Money,
    ) -> Result<Ledger, Error> {
        let (net, roi, benefit_cost_ratio) = totals(returns, costs)?;
        Ok(Ledger {
            party,
            period,
            returns,
            costs,
            net,
            roi,
            benefit_cost_ratio,
            by_counterparty: Vec::new(),
            by_relationship: Vec::new(),
            by_channel: Vec::new(),
            by_activity: Vec::new(),
            by_object: Vec::new(),
            by_tangibility: Vec::new(),
        })
    }
}

impl Model {
    /// The ledger of the focal organization (or the party in the options) per model
    /// period. Every breakdown sums exactly (decimal equality) to the totals. Costs
    /// O(flows + relationships + channels + activities) plus, with channel costs
    /// allocated, O(presences).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) for a party not in the model; [`ErrorKind::Overflow`](crate::ErrorKind::Overflow)
    /// when amounts do not fit.
    ///
    /// # Example
    /// ```
    /// use covalence::{LedgerOptions, Model};
    ///
    /// let model = Model::sample();
    /// let ledger = model.ledger(&LedgerOptions::new().allocate_channel_costs(true))?;
    /// let sum = ledger.by_counterparty.iter().try_fold(covalence::Money::zero(ledger.costs.currency()),
    ///     |acc, l| acc.checked_add(l.costs))?;
    /// assert_eq!(sum, ledger.costs);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn ledger(&self, options: &LedgerOptions) -> Result<Ledger, Error> {
        self.ledger_with(options, None)
    }

    /// The ledger, reusing kept flow amounts where `reuse` has them.
    pub(crate) fn ledger_with(
        &self,
        options: &LedgerOptions,
        reuse: Option<crate::analysis::projection::Reuse<'_>>,
    ) -> Result<Ledger, Error> {
        let party = options.party.unwrap_or_else(|| self.focal().into());
        self.party_data(party).map_err(|e| e.context("ledger party"))?;
        let zero = Money::zero(self.settings().currency);
        let (mut returns, mut costs) = (zero, zero);
        let mut by_counterparty = Breakdown::new(zero);
        let mut by_relationship = Breakdown::new(zero);
        let mut by_channel = Breakdown::new(zero);
        let mut by_activity = Breakdown::new(zero);
        let mut by_object = Breakdown::new(zero);
        let mut by_tangibility = Breakdown::new(zero);
        let period = self.settings().period;
        let detail = !options.totals_only;
        for (id, flow) in self.flows() {
            if flow.to != party && flow.from != party {
                continue;
            }
            let kept = reuse.and_then(|r| r.get(id)).map(|(amount, _)| amount);
            let (counterparty, received, spent) = if flow.to == party {
                (flow.from, kept.map_or_else(|| flow.value_per(period), Ok)?, zero)
            } else {
                (flow.to, zero, kept.map_or_else(|| flow.cost_per(period), Ok)?)
            };
            if flow.to == party {
                returns = returns.checked_add(received)?;
            } else {
                costs = costs.checked_add(spent)?;
            }
            if detail {
                by_counterparty.add(Some(counterparty), received, spent)?;
                by_relationship.add(self.relationship_between(party, counterparty), received, spent)?;
                by_channel.add(flow.channel, received, spent)?;
                by_activity.add(flow.activity, received, spent)?;
                by_object.add(Some(flow.object.clone()), received, spent)?;
                by_tangibility.add(Some(flow.object.is_tangible()), received, spent)?;
            }
        }
        // Relationship maintenance, borne by the first party.
        for (id, first, other, cost) in self.relationship_costs() {
            if first == party {
                costs = costs.checked_add(cost)?;
                if detail {
                    by_counterparty.add(Some(other), zero, cost)?;
                    by_relationship.add(Some(id), zero, cost)?;
                    by_channel.add(None, zero, cost)?;
                    by_activity.add(None, zero, cost)?;
                    by_object.add(None, zero, cost)?;
                    by_tangibility.add(None, zero, cost)?;
                }
            }
        }
        // Channel costs are the focal organization's (its presence there).
        let focal = party == PartyId::from(self.focal());
        let mut audiences: std::collections::HashMap<ChannelId, Vec<(PartyId, Decimal)>> =
            std::collections::HashMap::new();
        if focal && detail && options.allocate_channel_costs {
            for p in self.presences() {
                if let PartyId::Constituent(c) = p.party {
                    let members = self.constituent(c)?.members;
                    let share = Decimal::try_from(p.share)
                        .map_err(|_| Error::invalid(format!("share {} is not a decimal number", p.share)))?;
                    let weight = Decimal::from(members)
                        .checked_mul(share)
                        .ok_or_else(|| Error::overflow("members times share"))?;
                    if weight > Decimal::ZERO {
                        audiences.entry(p.channel).or_default().push((p.party, weight));
                    }
                }
            }
        }
        for (id, channel) in self.channels() {
            let Some(cost) = channel.cost else { continue };
            if !focal || self.presence(party, id).is_none() {
                continue;
            }
            costs = costs.checked_add(cost)?;
            if detail {
                by_channel.add(Some(id), zero, cost)?;
                by_relationship.add(None, zero, cost)?;
                by_activity.add(None, zero, cost)?;
                by_object.add(None, zero, cost)?;
                by_tangibility.add(None, zero, cost)?;
                let audience = audiences.remove(&id).unwrap_or_default();
                if audience.is_empty() {
                    by_counterparty.add(None, zero, cost)?;
                } else {
                    let weights: Vec<Decimal> = audience.iter().map(|(_, w)| *w).collect();
                    for ((group, _), part) in audience.iter().zip(cost.allocate(&weights)?) {
                        by_counterparty.add(Some(*group), zero, part)?;
                    }
                }
            }
        }
        // Activities performed in house.
        for (id, activity) in self.activities() {
            if activity.performed_by != party {
                continue;
            }
            let Some(cost) = activity.in_house_cost else {
                continue;
            };
            costs = costs.checked_add(cost)?;
            if detail {
                by_activity.add(Some(id), zero, cost)?;
                by_counterparty.add(None, zero, cost)?;
                by_relationship.add(None, zero, cost)?;
                by_channel.add(None, zero, cost)?;
                by_object.add(None, zero, cost)?;
                by_tangibility.add(None, zero, cost)?;
            }
        }
        let mut ledger = Ledger::of_totals(party, period, returns, costs)?;
        ledger.by_counterparty = by_counterparty.finish();
        ledger.by_relationship = by_relationship.finish();
        ledger.by_channel = by_channel.finish();
        ledger.by_activity = by_activity.finish();
        ledger.by_object = by_object.finish();
        ledger.by_tangibility = by_tangibility.finish();
        Ok(ledger)
    }

    /// What the focal organization could outsource (commodity activities it performs
    /// whose market price is below their in-house cost, with the saving per period and
    /// over `horizon` periods), the core activities other organizations perform (a
    /// risk: core value outsourced), and the value of the flows that name each
    /// activity. O(activities + flows).
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) when amounts do not fit.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// let outsourcing = model.outsourcing(5)?;
    /// for c in &outsourcing.candidates {
    ///     println!("{}: save {} a year", model.activity(c.activity)?.key, c.saving);
    /// }
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn outsourcing(&self, horizon: u32) -> Result<Outsourcing, Error> {
        let focal: PartyId = self.focal().into();
        let mut candidates = Vec::new();
        let mut core_outsourced = Vec::new();
        for (id, activity) in self.activities() {
            match (activity.class, activity.performed_by == focal) {
                (ActivityClass::Commodity, true) => {
                    if let (Some(in_house), Some(market)) = (activity.in_house_cost, activity.market_price)
                        && market < in_house
                    {
                        let saving = in_house.checked_sub(market)?;
                        candidates.push(OutsourcingCandidate {
                            activity: id,
                            in_house_cost: in_house,
                            market_price: market,
                            saving,
                            saving_over_horizon: saving.checked_mul(Decimal::from(horizon))?,
                        });
                    }
                }
                (ActivityClass::Core, false) if matches!(activity.performed_by, PartyId::Organization(_)) => {
                    core_outsourced.push(id);
                }
                _ => {}
            }
        }
        candidates.sort_by_key(|c| std::cmp::Reverse(c.saving.amount()));
        let zero = Money::zero(self.settings().currency);
        let mut value: std::collections::HashMap<ActivityId, Money> = std::collections::HashMap::new();
        for (_, flow) in self.flows() {
            let Some(activity) = flow.activity else { continue };
            let total = value.entry(activity).or_insert(zero);
            *total = total.checked_add(flow.value_per(self.settings().period)?)?;
        }
        let activity_value = self
            .activities()
            .map(|(id, _)| (id, value.get(&id).copied().unwrap_or(zero)))
            .collect();
        Ok(Outsourcing {
            candidates,
            core_outsourced,
            activity_value,
            horizon,
            period: self.settings().period,
        })
    }
}

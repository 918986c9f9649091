//! Projection over a horizon: one engine for SROI, community ROI and lifetime value.
//! The value a party receives is projected with its SROI adjustments and drop-off,
//! discounted, and set against what the party spends.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::error::{Error, ErrorKind};
use crate::finance::discount_factor;
use crate::model::{FlowId, Model, PartyId, Period, ValueFlow};
use crate::money::Money;

/// When within each period values fall, for discounting.
///
/// # Example
/// ```
/// use covalence::Timing;
///
/// assert_eq!(Timing::default(), Timing::EndOfPeriod);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Timing {
    /// At the end of each period: period 1 is discounted once (the default).
    #[default]
    EndOfPeriod,
    /// At the start: period 1 is not discounted.
    StartOfPeriod,
    /// In the middle: period 1 is discounted half a period.
    MidPeriod,
}

/// The discount rate per period: constant, or a schedule of rates that change.
///
/// # Example
/// ```
/// use covalence::DiscountRate;
/// use rust_decimal::dec;
///
/// // 3.5% for the first 30 periods, 3.0% after.
/// let green_book = DiscountRate::schedule([(30, dec!(0.035))], dec!(0.03));
/// # let _ = green_book;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscountRate {
    /// The same rate every period.
    Constant(Decimal),
    /// `steps` of (last period, rate) in order, then `after` for every later period.
    Schedule {
        /// (up to and including this period, this rate), ascending.
        steps: Vec<(u32, Decimal)>,
        /// The rate after the last step.
        after: Decimal,
    },
}

impl std::fmt::Display for Timing {
    /// `end of period`, `start of period`, `mid-period`: for reports.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Timing::EndOfPeriod => "end of period",
            Timing::StartOfPeriod => "start of period",
            Timing::MidPeriod => "mid-period",
        })
    }
}

impl DiscountRate {
    /// A schedule: each (last period, rate) in order, then `after`.
    ///
    /// ```
    /// use covalence::DiscountRate;
    /// use rust_decimal::dec;
    ///
    /// let rate = DiscountRate::schedule([(5, dec!(0.05))], dec!(0.03));
    /// # let _ = rate;
    /// ```
    pub fn schedule(steps: impl IntoIterator<Item = (u32, Decimal)>, after: Decimal) -> DiscountRate {
        DiscountRate::Schedule {
            steps: steps.into_iter().collect(),
            after,
        }
    }

    fn rate(&self, period: u32) -> Decimal {
        match self {
            DiscountRate::Constant(r) => *r,
            DiscountRate::Schedule { steps, after } => steps
                .iter()
                .find(|(last, _)| period <= *last)
                .map_or(*after, |(_, r)| *r),
        }
    }
}

/// Options for [`Model::projection`].
///
/// # Example
/// ```
/// use covalence::{DiscountRate, ProjectionOptions, Timing};
/// use rust_decimal::dec;
///
/// let options = ProjectionOptions::new()
///     .horizon(10)
///     .rate(DiscountRate::Constant(dec!(0.035)))
///     .timing(Timing::MidPeriod);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProjectionOptions {
    party: Option<PartyId>,
    horizon: u32,
    rate: DiscountRate,
    timing: Timing,
    initial_investment: Option<Money>,
    /// Totals only: no outcomes audit trail, no switching values (for comparisons).
    lean: bool,
}

impl Default for ProjectionOptions {
    fn default() -> ProjectionOptions {
        ProjectionOptions {
            party: None,
            horizon: 5,
            rate: DiscountRate::Constant(Decimal::new(35, 3)),
            timing: Timing::EndOfPeriod,
            initial_investment: None,
            lean: false,
        }
    }
}

impl ProjectionOptions {
    /// The focal organization, 5 periods, 3.5% a period, values at the end of each
    /// period, no initial investment.
    ///
    /// ```
    /// let options = covalence::ProjectionOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> ProjectionOptions {
        ProjectionOptions::default()
    }

    /// Project this party's returns instead of the focal organization's.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let options = covalence::ProjectionOptions::new().party(model.lookup("community")?);
    /// # let _ = options;
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn party(mut self, party: PartyId) -> ProjectionOptions {
        self.party = Some(party);
        self
    }

    /// How many periods to project (at least 1; at most 1,000).
    ///
    /// ```
    /// let options = covalence::ProjectionOptions::new().horizon(10);
    /// # let _ = options;
    /// ```
    pub fn horizon(mut self, periods: u32) -> ProjectionOptions {
        self.horizon = periods;
        self
    }

    /// The discount rate. Default: 3.5% a period.
    ///
    /// ```
    /// use rust_decimal::dec;
    /// let options = covalence::ProjectionOptions::new().rate(covalence::DiscountRate::Constant(dec!(0.08)));
    /// # let _ = options;
    /// ```
    pub fn rate(mut self, rate: DiscountRate) -> ProjectionOptions {
        self.rate = rate;
        self
    }

    /// When values fall within each period. Default: the end.
    ///
    /// ```
    /// let options = covalence::ProjectionOptions::new().timing(covalence::Timing::StartOfPeriod);
    /// # let _ = options;
    /// ```
    pub fn timing(mut self, timing: Timing) -> ProjectionOptions {
        self.timing = timing;
        self
    }

    /// An investment at t = 0, undiscounted, on top of the costs of every period.
    ///
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    /// let options = covalence::ProjectionOptions::new().initial_investment(Money::new(dec!(50000), Currency::USD));
    /// # let _ = options;
    /// ```
    pub fn initial_investment(mut self, investment: Money) -> ProjectionOptions {
        self.initial_investment = Some(investment);
        self
    }

    /// Totals only: the outcomes stay empty and the switching values unknown.
    pub(crate) fn lean(mut self) -> ProjectionOptions {
        self.lean = true;
        self
    }

    /// The party projected, if not the focal organization.
    pub(crate) fn party_id(&self) -> Option<PartyId> {
        self.party
    }

    /// The horizon, the rate and the timing convention.
    pub(crate) fn discounting(&self) -> (u32, &DiscountRate, Timing) {
        (self.horizon, &self.rate, self.timing)
    }
}

/// The audit trail of one outcome: a flow the party receives, from gross value to
/// present value.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let projection = model.projection(&covalence::ProjectionOptions::new())?;
/// let o = &projection.outcomes[0];
/// assert!(o.after_attribution <= o.gross);
/// assert_eq!(o.values.len(), projection.horizon as usize);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Outcome {
    /// The flow.
    pub flow: FlowId,
    /// Value per period before adjustments: value × occurrences.
    pub gross: Money,
    /// After deadweight: `gross × (1 - deadweight)`.
    pub after_deadweight: Money,
    /// After displacement as well.
    pub after_displacement: Money,
    /// After attribution as well: the impact per period.
    pub after_attribution: Money,
    /// Value in each period of the horizon: the impact, less drop-off from the second
    /// period on, and nothing after the outcome's duration.
    pub values: Vec<Money>,
    /// Present value of `values`.
    pub present_value: Money,
}

/// Which payback is meant.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let p = model.projection(&covalence::ProjectionOptions::new())?;
/// println!("{:?} {:?} {:?}", p.payback.simple, p.payback.cumulative, p.payback.discounted);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Payback {
    /// Initial investment divided by the first period's net value, in periods; `None`
    /// without an initial investment or a positive first-period net value.
    pub simple: Option<Decimal>,
    /// The first period whose cumulative net value (undiscounted, initial investment
    /// included) is not negative; `None` within the horizon.
    pub cumulative: Option<u32>,
    /// As `cumulative`, with discounted values.
    pub discounted: Option<u32>,
}

/// The value of each adjustment, applied to every outcome alike, at which SROI would
/// be exactly 1; `None` where no value in `[0, 1]` reaches it.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let p = model.projection(&covalence::ProjectionOptions::new())?;
/// if let Some(d) = p.switching.deadweight {
///     assert!(d >= rust_decimal::Decimal::ZERO && d <= rust_decimal::Decimal::ONE);
/// }
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct SwitchingValues {
    /// Deadweight.
    pub deadweight: Option<Decimal>,
    /// Displacement.
    pub displacement: Option<Decimal>,
    /// Attribution.
    pub attribution: Option<Decimal>,
    /// Drop-off (found by bisection to 1e-6).
    pub drop_off: Option<Decimal>,
}

/// A projection: the value a party receives over a horizon, adjusted, dropping off
/// and discounted, against what it spends.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let p = model.projection(&covalence::ProjectionOptions::new())?;
/// println!("NPV {} (t = 0 undiscounted), SROI {:?}, timing {:?}", p.npv, p.sroi, p.timing);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Projection {
    /// Whose returns.
    pub party: PartyId,
    /// Periods projected.
    pub horizon: u32,
    /// The period every amount is per.
    pub period: crate::model::Period,
    /// The discount rate used.
    pub rate: DiscountRate,
    /// The timing convention used for discounting.
    pub timing: Timing,
    /// The discount factor of each period.
    pub discount_factors: Vec<Decimal>,
    /// Each outcome's audit trail, in model flow order.
    pub outcomes: Vec<Outcome>,
    /// Value in each period, all outcomes together.
    pub value_per_period: Vec<Money>,
    /// Investment in each period: the party's ledger costs, with the flows it provides
    /// following their own start and duration.
    pub investment_per_period: Vec<Money>,
    /// The initial investment at t = 0, if any.
    pub initial_investment: Money,
    /// Present value of the outcomes.
    pub present_value: Money,
    /// Present value of the investment (initial investment undiscounted).
    pub present_investment: Money,
    /// `present_value - present_investment`: net present value with t = 0
    /// undiscounted.
    pub npv: Money,
    /// `present_value / present_investment`; `None` without investment.
    pub sroi: Option<Decimal>,
    /// `npv / present_investment`; `None` without investment.
    pub net_sroi: Option<Decimal>,
    /// The NPV to the end of each period: outcomes discounted to date less the
    /// initial investment and the investment discounted to date. The last is `npv`;
    /// the first not below zero is the discounted payback.
    pub cumulative_npv: Vec<Money>,
    /// Payback in three named variants.
    pub payback: Payback,
    /// Switching values.
    pub switching: SwitchingValues,
}

/// Discount factors of periods 1..=horizon under a rate and a timing convention:
/// cumulative products of `1 / (1 + r_k)` (integer powers), shifted a period earlier
/// for start-of-period values and half a period for mid-period ones.
pub(crate) fn discount_factors(
    rate: &DiscountRate,
    horizon: u32,
    timing: Timing,
) -> Result<Vec<Decimal>, Error> {
    let mut factors = Vec::with_capacity(horizon as usize);
    let mut end = Decimal::ONE; // factor at the end of the previous period
    for k in 1..=horizon {
        let r = rate.rate(k);
        let step = discount_factor(r, 1)?;
        let start = end;
        end = end
            .checked_mul(step)
            .ok_or_else(|| Error::overflow("a discount factor"))?;
        factors.push(match timing {
            Timing::EndOfPeriod => end,
            Timing::StartOfPeriod => start,
            // Half a period: the square root of this period's step.
            Timing::MidPeriod => start
                .checked_mul(sqrt(step)?)
                .ok_or_else(|| Error::overflow("a discount factor"))?,
        });
    }
    Ok(factors)
}

/// Square root of a positive decimal by Newton's method, to the precision of a Decimal.
fn sqrt(x: Decimal) -> Result<Decimal, Error> {
    if x <= Decimal::ZERO {
        return Err(Error::invalid(format!("cannot take the square root of {x}")));
    }
    let mut guess = if x > Decimal::ONE {
        x / Decimal::TWO
    } else {
        Decimal::ONE
    };
    for _ in 0..100 {
        let next = (guess
            + x.checked_div(guess)
                .ok_or_else(|| Error::overflow("a square root"))?)
            / Decimal::TWO;
        if (next - guess).abs() < Decimal::new(1, 26) {
            return Ok(next);
        }
        guess = next;
    }
    Ok(guess)
}

struct Adjusted {
    gross: Money,
    after_deadweight: Money,
    after_displacement: Money,
    impact: Money,
    adjustments: crate::model::Adjustments,
    /// Periods before the outcome starts.
    start: u32,
}

/// A flow the party receives: its gross value per period, adjusted, and its values
/// over the horizon.
fn inbound_terms(flow: &ValueFlow, period: Period, horizon: u32) -> Result<(Adjusted, Vec<Money>), Error> {
    let a = flow.adjustments;
    let gross = flow.value_per(period)?;
    let after_deadweight = gross.checked_mul(a.deadweight.complement().value())?;
    let after_displacement = after_deadweight.checked_mul(a.displacement.complement().value())?;
    let impact = after_displacement.checked_mul(a.attribution.complement().value())?;
    let values = outcome_values(
        impact,
        a.drop_off.value(),
        flow.duration,
        flow.starts_after,
        horizon,
    )?;
    Ok((
        Adjusted {
            gross,
            after_deadweight,
            after_displacement,
            impact,
            adjustments: a,
            start: flow.starts_after,
        },
        values,
    ))
}

/// A flow the party provides: its cost per period, and its costs over the horizon
/// (following its own start and duration).
fn outbound_terms(flow: &ValueFlow, period: Period, horizon: u32) -> Result<(Money, Vec<Money>), Error> {
    let cost = flow.cost_per(period)?;
    let values = outcome_values(cost, Decimal::ZERO, flow.duration, flow.starts_after, horizon)?;
    Ok((cost, values))
}

/// What a projection sums from a party's flows and costs: per period, the values of
/// the flows it receives and the costs of those it provides; its costs that are not
/// flows' (relationships, channels, activities: the same every period); and its
/// ledger's returns and costs.
#[derive(Debug, Clone)]
pub(crate) struct Sums {
    pub(crate) received: Vec<Money>,
    pub(crate) provided: Vec<Money>,
    pub(crate) fixed: Money,
    pub(crate) returns: Money,
    pub(crate) costs: Money,
}

/// The most values a [`FlowMemo`] keeps (flows times periods); beyond, nothing is
/// kept and every evaluation computes every flow.
const MEMO_LIMIT: usize = 2_000_000;

/// A kept flow's terms: the flow, whether the party receives it, its amount per
/// period and its values over the horizon.
type KeptTerms = (FlowId, bool, Money, Vec<Money>);

/// The terms of every flow a party receives or provides, kept from one evaluation to
/// be reused for the flows a scenario leaves alone: by flow slot, the flow, its
/// amount per period (value received, or cost provided) and its values over the
/// horizon.
#[derive(Debug, Default)]
pub(crate) struct FlowMemo {
    slots: Vec<Option<KeptTerms>>,
    /// The largest scale (decimal places) of any term of the sums, flows' or not.
    scale: u32,
    /// Whether the terms are kept at all.
    kept: bool,
}

impl FlowMemo {
    /// The terms of `party`'s flows over `horizon` periods (empty when they would
    /// hold more than [`MEMO_LIMIT`] values).
    pub(crate) fn build(model: &Model, party: PartyId, horizon: u32) -> Result<FlowMemo, Error> {
        let period = model.settings().period;
        let count = model
            .flows()
            .filter(|(_, f)| f.to == party || f.from == party)
            .count();
        if count.saturating_mul(horizon as usize) > MEMO_LIMIT {
            return Ok(FlowMemo::default());
        }
        let mut scale = 0u32;
        let mut widen = |m: &Money| scale = scale.max(m.amount().scale());
        for (_, first, _, cost) in model.relationship_costs() {
            if first == party {
                widen(&cost);
            }
        }
        for (_, c) in model.channels() {
            c.cost.iter().for_each(&mut widen);
        }
        for (_, a) in model.activities() {
            a.in_house_cost.iter().for_each(&mut widen);
        }
        let mut slots: Vec<Option<KeptTerms>> = Vec::new();
        for (id, flow) in model.flows() {
            let terms = if flow.to == party {
                let (adj, values) = inbound_terms(flow, period, horizon)?;
                (adj.gross, values)
            } else if flow.from == party {
                outbound_terms(flow, period, horizon)?
            } else {
                continue;
            };
            widen(&terms.0);
            terms.1.iter().for_each(&mut widen);
            let at = id.slot_index();
            if slots.len() <= at {
                slots.resize_with(at + 1, || None);
            }
            if let Some(slot) = slots.get_mut(at) {
                *slot = Some((id, flow.to == party, terms.0, terms.1));
            }
        }
        Ok(FlowMemo {
            slots,
            scale,
            kept: true,
        })
    }

    /// The sums of a changed model from the sums `base` of the model the terms were
    /// kept from, when only the flows `stale` changed (and no cost that is not a
    /// flow's): the stale flows' kept terms taken out, their new terms put in.
    ///
    /// Every term is at least 0, so no partial sum in any order exceeds the largest
    /// total plus the new terms; when that bound, at the largest scale of any term,
    /// fits a decimal's 96-bit mantissa with room to spare, every sum and difference
    /// is exact, and the result is the very one adding all terms in order gives.
    /// Otherwise (or without kept terms) `None`: sum them all.
    pub(crate) fn advance(
        &self,
        base: &Sums,
        model: &Model,
        party: PartyId,
        horizon: u32,
        stale: &[FlowId],
    ) -> Result<Option<Sums>, Error> {
        if !self.kept {
            return Ok(None);
        }
        let period = model.settings().period;
        // Terms out (kept) and in (new): (inbound, amount, values).
        let mut out: Vec<(bool, Money, &[Money])> = Vec::new();
        let mut fresh: Vec<(bool, Money, Vec<Money>)> = Vec::new();
        for &id in stale {
            if let Some(Some((kept, inbound, amount, values))) = self.slots.get(id.slot_index())
                && *kept == id
            {
                out.push((*inbound, *amount, values));
            }
            match model.flow(id) {
                Ok(flow) if flow.to == party => {
                    let (adj, values) = inbound_terms(flow, period, horizon)?;
                    fresh.push((true, adj.gross, values));
                }
                Ok(flow) if flow.from == party => {
                    let (cost, values) = outbound_terms(flow, period, horizon)?;
                    fresh.push((false, cost, values));
                }
                _ => {}
            }
        }
        // The bound: every partial sum is at most the largest total plus every new term.
        let mut scale = self.scale;
        let mut bound = base
            .received
            .iter()
            .chain(&base.provided)
            .chain([&base.fixed, &base.returns, &base.costs])
            .map(|m| m.amount().to_f64().unwrap_or(f64::INFINITY))
            .fold(0.0f64, f64::max);
        for (_, amount, values) in &fresh {
            scale = scale.max(amount.amount().scale());
            bound += amount.amount().to_f64().unwrap_or(f64::INFINITY);
            for v in values {
                scale = scale.max(v.amount().scale());
                bound += v.amount().to_f64().unwrap_or(f64::INFINITY);
            }
        }
        // 2^96 is about 7.9e28; keep a factor of 4 for the f64 bound's own rounding.
        let fits = bound * 10f64.powi(scale as i32) < 2e28;
        if scale > 28 || !fits {
            return Ok(None);
        }
        let mut next = base.clone();
        let mut apply = |inbound: bool, amount: Money, values: &[Money], add: bool| -> Result<(), Error> {
            let step = |total: &mut Money, v: Money| -> Result<(), Error> {
                *total = if add {
                    total.checked_add(v)?
                } else {
                    total.checked_sub(v)?
                };
                Ok(())
            };
            let (total, per_period) = if inbound {
                (&mut next.returns, &mut next.received)
            } else {
                (&mut next.costs, &mut next.provided)
            };
            step(total, amount)?;
            for (t, v) in per_period.iter_mut().zip(values) {
                step(t, *v)?;
            }
            Ok(())
        };
        for (inbound, amount, values) in out {
            apply(inbound, amount, values, false)?;
        }
        for (inbound, amount, values) in &fresh {
            apply(*inbound, *amount, values, true)?;
        }
        Ok(Some(next))
    }
}

/// Kept terms, and the flows whose terms may no longer hold.
#[derive(Clone, Copy)]
pub(crate) struct Reuse<'a> {
    pub(crate) memo: &'a FlowMemo,
    /// Sorted.
    pub(crate) stale: &'a [FlowId],
}

impl<'a> Reuse<'a> {
    /// The kept amount and values of a flow, unless stale or not kept.
    pub(crate) fn get(&self, id: FlowId) -> Option<(Money, &'a [Money])> {
        if self.stale.binary_search(&id).is_ok() {
            return None;
        }
        match self.memo.slots.get(id.slot_index())? {
            Some((kept, _, amount, values)) if *kept == id => Some((*amount, values.as_slice())),
            _ => None,
        }
    }
}

/// One outcome's per-period values: nothing for the first `start` periods, then the
/// impact, less the drop-off each period after its first, for its duration.
fn outcome_values(
    impact: Money,
    drop_off: Decimal,
    duration: Option<u32>,
    start: u32,
    horizon: u32,
) -> Result<Vec<Money>, Error> {
    let keep = Decimal::ONE - drop_off;
    let mut values = Vec::with_capacity(horizon as usize);
    // impact × keep^(j - 1) in the j-th active period, one multiplication a period.
    let mut value = impact;
    for k in 1..=horizon {
        let active = k.checked_sub(start).filter(|j| *j >= 1);
        match active {
            Some(j) if duration.is_none_or(|d| j <= d) => {
                values.push(value);
                value = value.checked_mul(keep)?;
            }
            _ => values.push(Money::zero(impact.currency())),
        }
    }
    Ok(values)
}

fn present(values: &[Money], factors: &[Decimal], zero: Money) -> Result<Money, Error> {
    values
        .iter()
        .zip(factors)
        .try_fold(zero, |acc, (v, f)| acc.checked_add(v.checked_mul(*f)?))
}

impl Model {
    /// Projects the value a party (the focal organization by default) receives over a
    /// horizon, against what it spends. Each flow it receives is an outcome: its gross
    /// value per period (value × occurrences) less deadweight, displacement and
    /// attribution (multiplicatively), falling by the drop-off each period after the
    /// first, for its duration (the whole horizon if none), discounted by the rate
    /// and timing convention. The investment is the party's ledger costs in every
    /// period plus an initial investment at t = 0. Reports PV, NPV (t = 0
    /// undiscounted), SROI and net SROI, payback in three variants and the switching
    /// value of each adjustment. O(horizon × flows), plus a bisection for drop-off.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a party not in the model;
    /// [`ErrorKind::InvalidValue`] for a horizon of 0 or above 1,000, a rate at or
    /// below -1, or an initial investment in another currency or below zero;
    /// [`ErrorKind::Overflow`].
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, ProjectionOptions};
    ///
    /// let model = Model::sample();
    /// let p = model.projection(&ProjectionOptions::new().horizon(5))?;
    /// assert_eq!(p.value_per_period.len(), 5);
    /// assert!(p.present_value.amount() > rust_decimal::Decimal::ZERO);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn projection(&self, options: &ProjectionOptions) -> Result<Projection, Error> {
        self.projection_with(options, None, None)
            .map(|(projection, _, _)| projection)
    }

    /// The projection and the ledger totals it used, reusing kept flow terms where
    /// `reuse` has them (same terms, same order of sums: the same numbers).
    pub(crate) fn projection_with(
        &self,
        options: &ProjectionOptions,
        reuse: Option<Reuse<'_>>,
        known: Option<Sums>,
    ) -> Result<(Projection, crate::Ledger, Sums), Error> {
        let party = options.party.unwrap_or_else(|| self.focal().into());
        self.party_data(party)
            .map_err(|e| e.context("projection party"))?;
        if options.horizon == 0 || options.horizon > 1_000 {
            return Err(Error::invalid(format!(
                "the horizon must be 1 to 1,000 periods, got {}",
                options.horizon
            )));
        }
        let currency = self.settings().currency;
        let zero = Money::zero(currency);
        let initial = options.initial_investment.unwrap_or(zero);
        if initial.currency() != currency {
            return Err(Error::new(
                ErrorKind::CurrencyMismatch,
                format!(
                    "the initial investment is in {}, the model in {currency}",
                    initial.currency()
                ),
            ));
        }
        if initial.is_negative() {
            return Err(Error::invalid("the initial investment must be >= 0"));
        }
        let horizon = options.horizon;
        if let DiscountRate::Schedule { steps, .. } = &options.rate
            && steps.windows(2).any(|w| matches!(w, [a, b] if a.0 >= b.0))
        {
            return Err(Error::invalid(
                "the steps of a discount schedule must end at strictly ascending periods",
            ));
        }
        let factors = discount_factors(&options.rate, horizon, options.timing)?;
        let period = self.settings().period;
        let mut adjusted = Vec::new();
        let mut outcomes = Vec::new();
        let sums = match known.filter(|_| options.lean) {
            Some(sums) => sums,
            None => {
                let mut value_per_period = vec![zero; horizon as usize];
                for (id, flow) in self.flows().filter(|(_, f)| f.to == party) {
                    let computed;
                    let values: &[Money] = match reuse.and_then(|r| r.get(id)).filter(|_| options.lean) {
                        Some((_, values)) => values,
                        None => {
                            let (adj, values) = inbound_terms(flow, period, horizon)?;
                            if !options.lean {
                                outcomes.push(Outcome {
                                    flow: id,
                                    gross: adj.gross,
                                    after_deadweight: adj.after_deadweight,
                                    after_displacement: adj.after_displacement,
                                    after_attribution: adj.impact,
                                    values: values.clone(),
                                    present_value: present(&values, &factors, zero)?,
                                });
                                adjusted.push((id, adj, flow.adjustments.drop_off.value(), flow.duration));
                            }
                            computed = values;
                            &computed
                        }
                    };
                    for (total, v) in value_per_period.iter_mut().zip(values) {
                        if !v.is_zero() {
                            *total = total.checked_add(*v)?;
                        }
                    }
                }
                // Investment: the ledger's costs, the flows the party provides following their
                // own start and duration, the rest (relationships, channels, activities) every
                // period.
                let ledger =
                    self.ledger_with(&crate::LedgerOptions::new().party(party).totals_only(), reuse)?;
                let mut fixed = ledger.costs;
                let (returns, costs) = (ledger.returns, ledger.costs);
                let mut investment_per_period = vec![zero; horizon as usize];
                for (id, flow) in self.flows().filter(|(_, f)| f.from == party) {
                    let computed;
                    let (cost, values): (Money, &[Money]) = match reuse.and_then(|r| r.get(id)) {
                        Some((cost, values)) => (cost, values),
                        None => {
                            let (cost, values) = outbound_terms(flow, period, horizon)?;
                            computed = values;
                            (cost, &computed)
                        }
                    };
                    fixed = fixed.checked_sub(cost)?;
                    for (total, v) in investment_per_period.iter_mut().zip(values) {
                        if !v.is_zero() {
                            *total = total.checked_add(*v)?;
                        }
                    }
                }
                Sums {
                    received: value_per_period,
                    provided: investment_per_period,
                    fixed,
                    returns,
                    costs,
                }
            }
        };
        let value_per_period = sums.received.clone();
        let mut investment_per_period = sums.provided.clone();
        for total in &mut investment_per_period {
            *total = total.checked_add(sums.fixed)?;
        }
        let ledger = crate::Ledger::of_totals(party, period, sums.returns, sums.costs)?;
        let present_value = present(&value_per_period, &factors, zero)?;
        let present_investment = initial.checked_add(present(&investment_per_period, &factors, zero)?)?;
        let npv = present_value.checked_sub(present_investment)?;
        let (sroi, net_sroi) = if present_investment.is_zero() {
            (None, None)
        } else {
            (
                Some(present_value.checked_ratio(present_investment)?),
                Some(npv.checked_ratio(present_investment)?),
            )
        };
        // Payback.
        let net: Vec<Money> = value_per_period
            .iter()
            .zip(&investment_per_period)
            .map(|(v, c)| v.checked_sub(*c))
            .collect::<Result<_, _>>()?;
        let first_net = net.first().copied().unwrap_or(zero);
        let simple = (!initial.is_zero() && first_net.amount() > Decimal::ZERO)
            .then(|| initial.checked_ratio(first_net))
            .transpose()?;
        let mut running = zero.checked_sub(initial)?;
        let (mut value_to_date, mut investment_to_date) = (zero, zero);
        let mut cumulative_npv = Vec::with_capacity(net.len());
        let (mut cumulative, mut discounted) = (None, None);
        for (k, (((n, v), c), f)) in (1u32..).zip(
            net.iter()
                .zip(&value_per_period)
                .zip(&investment_per_period)
                .zip(&factors),
        ) {
            running = running.checked_add(*n)?;
            // Summed as `present_value` and `present_investment` are, so that the
            // last is `npv` exactly.
            value_to_date = value_to_date.checked_add(v.checked_mul(*f)?)?;
            investment_to_date = investment_to_date.checked_add(c.checked_mul(*f)?)?;
            let to_date = value_to_date.checked_sub(initial.checked_add(investment_to_date)?)?;
            cumulative_npv.push(to_date);
            if cumulative.is_none() && !running.is_negative() {
                cumulative = Some(k);
            }
            if discounted.is_none() && !to_date.is_negative() {
                discounted = Some(k);
            }
        }
        let switching = if options.lean {
            SwitchingValues {
                deadweight: None,
                displacement: None,
                attribution: None,
                drop_off: None,
            }
        } else {
            self.switching_values(&adjusted, &factors, present_investment, horizon, zero)?
        };
        Ok((
            Projection {
                party,
                horizon,
                period: self.settings().period,
                rate: options.rate.clone(),
                timing: options.timing,
                discount_factors: factors,
                outcomes,
                value_per_period,
                investment_per_period,
                initial_investment: initial,
                present_value,
                present_investment,
                npv,
                sroi,
                net_sroi,
                cumulative_npv,
                payback: Payback {
                    simple,
                    cumulative,
                    discounted,
                },
                switching,
            },
            ledger,
            sums,
        ))
    }

    /// For each adjustment, the value that, applied to every outcome in place of its
    /// own, makes PV equal the investment (SROI = 1).
    fn switching_values(
        &self,
        adjusted: &[(FlowId, Adjusted, Decimal, Option<u32>)],
        factors: &[Decimal],
        investment: Money,
        horizon: u32,
        zero: Money,
    ) -> Result<SwitchingValues, Error> {
        if investment.is_zero() || adjusted.is_empty() {
            return Ok(SwitchingValues {
                deadweight: None,
                displacement: None,
                attribution: None,
                drop_off: None,
            });
        }
        // PV with one adjustment replaced: the others' product times (1 - x).
        let pv_with = |pick: &dyn Fn(&Adjusted) -> Result<Money, Error>| -> Result<Money, Error> {
            adjusted
                .iter()
                .try_fold(zero, |acc, (_, adj, drop_off, duration)| {
                    let values = outcome_values(pick(adj)?, *drop_off, *duration, adj.start, horizon)?;
                    acc.checked_add(present(&values, factors, zero)?)
                })
        };
        let linear = |base: Money| -> Option<Decimal> {
            // PV(x) = base × (1 - x) = investment  =>  x = 1 - investment / base.
            let ratio = investment.checked_ratio(base).ok()?;
            let x = Decimal::ONE - ratio;
            (x >= Decimal::ZERO && x <= Decimal::ONE).then_some(x)
        };
        // The impact without one adjustment: gross times the other two complements.
        let without = |skip: usize| {
            pv_with(&|a: &Adjusted| {
                let f = [
                    a.adjustments.deadweight,
                    a.adjustments.displacement,
                    a.adjustments.attribution,
                ];
                f.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .try_fold(a.gross, |m, (_, x)| m.checked_mul(x.complement().value()))
            })
        };
        let without_deadweight = without(0)?;
        let without_displacement = without(1)?;
        let without_attribution = without(2)?;
        // Drop-off: PV falls as drop-off rises; bisect for PV = investment. With one
        // drop-off for all, outcomes differ only by impact, start and duration, so
        // impacts are summed per (start, duration) first.
        let mut by_timing: Vec<((u32, u32), Money)> = Vec::new();
        for (_, adj, _, duration) in adjusted {
            let timing = (
                adj.start.min(horizon),
                duration.map_or(horizon, |d| d.min(horizon)),
            );
            match by_timing.iter_mut().find(|(t, _)| *t == timing) {
                Some((_, total)) => *total = total.checked_add(adj.impact)?,
                None => by_timing.push((timing, adj.impact)),
            }
        }
        let pv_drop = |d: Decimal| -> Result<Money, Error> {
            by_timing.iter().try_fold(zero, |acc, ((start, lasts), impact)| {
                let values = outcome_values(*impact, d, Some(*lasts), *start, horizon)?;
                acc.checked_add(present(&values, factors, zero)?)
            })
        };
        let drop_off = {
            let (at0, at1) = (pv_drop(Decimal::ZERO)?, pv_drop(Decimal::ONE)?);
            if at0.amount() < investment.amount() || at1.amount() > investment.amount() {
                None
            } else {
                let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ONE);
                while hi - lo > Decimal::new(1, 6) {
                    let mid = (lo + hi) / Decimal::TWO;
                    if pv_drop(mid)?.amount() >= investment.amount() {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                Some(((lo + hi) / Decimal::TWO).round_dp(6))
            }
        };
        Ok(SwitchingValues {
            deadweight: linear(without_deadweight),
            displacement: linear(without_displacement),
            attribution: linear(without_attribution),
            drop_off,
        })
    }
}

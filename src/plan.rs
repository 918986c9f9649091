//! Planning: candidate interventions (a scenario with a cost), and the portfolio that
//! gains the most NPV within a budget.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind};
use crate::model::Model;
use crate::money::Money;
use crate::render::{Table, signed_money};
use crate::scenario::{CompareOptions, Comparison, Scenario};

/// A candidate intervention: a scenario (what would change) and what it costs, once
/// at the start and every period of the horizon.
///
/// Interventions live in the model ([`Model::add_intervention`]) and in its file, so
/// that a plan can be made from the model alone.
///
/// # Example
/// ```
/// use covalence::{Currency, Intervention, Money, Scenario};
/// use rust_decimal::dec;
///
/// let usd = |x| Money::new(x, Currency::USD);
/// let mut leave = Intervention::new("leave-x", Scenario::new("leave X").remove_channel("x"),
///     usd(dec!(5000)), usd(dec!(0)));
/// leave.name = Some("Close the X account".into());
/// assert_eq!(leave.cost_over(5)?, usd(dec!(5000)));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Intervention {
    /// Unique among the model's interventions.
    pub key: String,
    /// A readable name.
    pub name: Option<String>,
    /// Paid once, at the start (t = 0).
    pub one_off_cost: Money,
    /// Paid every period of the horizon.
    pub per_period_cost: Money,
    /// What it changes.
    pub scenario: Scenario,
}

impl Intervention {
    /// An intervention with its key, scenario and costs, and no name.
    ///
    /// ```
    /// use covalence::{Currency, Intervention, Money, Scenario};
    /// let zero = Money::zero(Currency::USD);
    /// let i = Intervention::new("noop", Scenario::new("nothing"), zero, zero);
    /// assert_eq!(i.key, "noop");
    /// ```
    pub fn new(
        key: impl Into<String>,
        scenario: Scenario,
        one_off_cost: Money,
        per_period_cost: Money,
    ) -> Intervention {
        Intervention {
            key: key.into(),
            name: None,
            one_off_cost,
            per_period_cost,
            scenario,
        }
    }

    /// The name if it has one, else the key.
    ///
    /// ```
    /// use covalence::{Currency, Intervention, Money, Scenario};
    /// let zero = Money::zero(Currency::USD);
    /// assert_eq!(Intervention::new("noop", Scenario::default(), zero, zero).display_name(), "noop");
    /// ```
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }

    /// What it costs over `periods` periods, undiscounted: the one-off cost plus the
    /// per-period cost times `periods`. This is what a plan's budget counts.
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`]; [`ErrorKind::CurrencyMismatch`] when the two costs are
    /// in different currencies.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Intervention, Money, Scenario};
    /// use rust_decimal::dec;
    /// let usd = |x| Money::new(x, Currency::USD);
    /// let i = Intervention::new("i", Scenario::default(), usd(dec!(100)), usd(dec!(10)));
    /// assert_eq!(i.cost_over(3)?, usd(dec!(130)));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn cost_over(&self, periods: u32) -> Result<Money, Error> {
        self.one_off_cost
            .checked_add(self.per_period_cost.checked_mul(Decimal::from(periods))?)
    }
}

/// Options for [`Model::plan`]: the budget, and how gains are measured.
///
/// # Example
/// ```
/// use covalence::{CompareOptions, Currency, Money, PlanOptions, ProjectionOptions};
/// use rust_decimal::dec;
///
/// let options = PlanOptions::new(Money::new(dec!(250000), Currency::USD))
///     .compare(CompareOptions::new().projection(ProjectionOptions::new().horizon(10)));
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PlanOptions {
    budget: Money,
    compare: CompareOptions,
}

impl PlanOptions {
    /// A plan within `budget`: the most the chosen interventions may cost over the
    /// projection's horizon, undiscounted ([`Intervention::cost_over`]). Gains are
    /// measured with the default [`CompareOptions`].
    ///
    /// ```
    /// use covalence::{Currency, Money, PlanOptions};
    /// let options = PlanOptions::new(Money::new(rust_decimal::dec!(100000), Currency::USD));
    /// # let _ = options;
    /// ```
    pub fn new(budget: Money) -> PlanOptions {
        PlanOptions {
            budget,
            compare: CompareOptions::new(),
        }
    }

    /// How gains are measured: the projection (its horizon, rate and party) and reach.
    ///
    /// ```
    /// use covalence::{CompareOptions, Currency, Money, PlanOptions};
    /// let options = PlanOptions::new(Money::zero(Currency::USD)).compare(CompareOptions::new());
    /// # let _ = options;
    /// ```
    pub fn compare(mut self, compare: CompareOptions) -> PlanOptions {
        self.compare = compare;
        self
    }
}

/// How a plan's portfolio was chosen.
///
/// # Example
/// ```
/// use covalence::{Currency, Model, Money, PlanMethod, PlanOptions};
/// let plan = Model::sample().plan(&PlanOptions::new(Money::zero(Currency::USD)))?;
/// assert_eq!(plan.method, PlanMethod::Exact);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PlanMethod {
    /// Every affordable subset considered (meet in the middle): the best portfolio
    /// for the sum of single gains. Used up to [`Plan::EXACT_LIMIT`] worthwhile
    /// candidates.
    Exact,
    /// Beyond that: greedy by gain per unit of cost, or the single best candidate if
    /// it gains more (at least half the best sum of single gains).
    Greedy,
}

/// One candidate of a plan, measured alone.
///
/// # Example
/// ```
/// use covalence::{Currency, Model, Money, PlanOptions};
/// let plan = Model::sample().plan(&PlanOptions::new(Money::zero(Currency::USD)))?;
/// for c in &plan.candidates {
///     assert_eq!(c.gain, c.npv_change.checked_sub(c.present_cost)?);
/// }
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PlanCandidate {
    /// The intervention's key.
    pub key: String,
    /// Its name, or the key.
    pub name: String,
    /// The change of NPV its scenario makes alone.
    pub npv_change: Money,
    /// Its cost over the horizon, undiscounted (what the budget counts).
    pub cost: Money,
    /// Its cost discounted as the projection discounts: the one-off cost at t = 0,
    /// the per-period cost at each period's discount factor.
    pub present_cost: Money,
    /// `npv_change - present_cost`: what it adds, net of its own cost.
    pub gain: Money,
    /// Whether the plan chose it.
    pub chosen: bool,
}

/// The portfolio of interventions that gains the most NPV within a budget, and what
/// it does when its interventions are applied together.
///
/// `Display` renders it as tables.
///
/// # Example
/// ```
/// use covalence::{Currency, Model, Money, PlanOptions};
/// use rust_decimal::dec;
///
/// let model = Model::sample();
/// let plan = model.plan(&PlanOptions::new(Money::new(dec!(400000), Currency::USD)))?;
/// assert!(plan.cost <= plan.budget);
/// println!("{plan}");
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Plan {
    /// The budget.
    pub budget: Money,
    /// Periods of the horizon costs and gains are counted over.
    pub horizon: u32,
    /// The period the horizon counts.
    pub period: crate::Period,
    /// How the portfolio was chosen.
    pub method: PlanMethod,
    /// Every candidate, in the model's order.
    pub candidates: Vec<PlanCandidate>,
    /// The keys of the chosen interventions, in the model's order.
    pub chosen: Vec<String>,
    /// Their cost over the horizon, undiscounted: at most the budget.
    pub cost: Money,
    /// The sum of their single gains: what the choice maximizes.
    pub sum_of_gains: Money,
    /// Their gain applied together (their scenarios in the model's order): the change
    /// of NPV less their present costs.
    pub combined_gain: Money,
    /// `combined_gain - sum_of_gains`: how the interventions interact (above zero
    /// they reinforce each other, below zero they overlap).
    pub interaction: Money,
    /// The comparison of the chosen interventions applied together; `None` when
    /// nothing is chosen.
    pub comparison: Option<Comparison>,
}

impl Plan {
    /// The most worthwhile candidates (gain above zero, cost within the budget) the
    /// exact search takes; beyond, the greedy heuristic.
    ///
    /// ```
    /// assert_eq!(covalence::Plan::EXACT_LIMIT, 32);
    /// ```
    pub const EXACT_LIMIT: usize = 32;
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let currency = self.budget.currency();
        writeln!(
            f,
            "Plan: budget {} {currency} over {} {}s ({} search)",
            crate::render::money(self.budget),
            self.horizon,
            self.period.name(),
            match self.method {
                PlanMethod::Exact => "exact",
                PlanMethod::Greedy => "greedy",
            }
        )?;
        writeln!(f)?;
        let mut table = Table::new(
            &["", "intervention", "cost", "NPV change", "present cost", "gain"],
            &[false, false, true, true, true, true],
        );
        for c in &self.candidates {
            table.row(vec![
                if c.chosen { "*" } else { "" }.to_string(),
                c.name.clone(),
                crate::render::money(c.cost),
                signed_money(c.npv_change),
                crate::render::money(c.present_cost),
                signed_money(c.gain),
            ]);
        }
        write!(f, "{table}")?;
        writeln!(f)?;
        if self.chosen.is_empty() {
            writeln!(
                f,
                "Nothing chosen: no candidate gains more than it costs within the budget."
            )?;
        } else {
            writeln!(f, "Chosen (*): {}", self.chosen.join(", "))?;
            writeln!(
                f,
                "Cost over the horizon: {} {currency}",
                crate::render::money(self.cost)
            )?;
            writeln!(
                f,
                "Sum of single gains:   {} {currency}",
                signed_money(self.sum_of_gains)
            )?;
            writeln!(
                f,
                "Gain applied together: {} {currency}",
                signed_money(self.combined_gain)
            )?;
            writeln!(
                f,
                "Interaction:           {} {currency}",
                signed_money(self.interaction)
            )?;
        }
        Ok(())
    }
}

/// Total gain, total cost and membership of a subset, compared as the plan prefers:
/// more gain, then less cost, then the lower bit mask (candidate i is bit i: among
/// equals, the portfolio that leaves out the later candidate where they differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pick {
    gain: Decimal,
    cost: Decimal,
    mask: u64,
}

impl Pick {
    const EMPTY: Pick = Pick {
        gain: Decimal::ZERO,
        cost: Decimal::ZERO,
        mask: 0,
    };

    /// `Less` when `self` is preferred.
    fn preference(&self, other: &Pick) -> Ordering {
        other
            .gain
            .cmp(&self.gain)
            .then(self.cost.cmp(&other.cost))
            .then(self.mask.cmp(&other.mask))
    }

    fn join(&self, other: &Pick) -> Result<Pick, Error> {
        Ok(Pick {
            gain: self
                .gain
                .checked_add(other.gain)
                .ok_or_else(|| Error::overflow("a portfolio's gain"))?,
            cost: self
                .cost
                .checked_add(other.cost)
                .ok_or_else(|| Error::overflow("a portfolio's cost"))?,
            mask: self.mask | other.mask,
        })
    }
}

/// Every subset of `items` (gain, cost), by mask.
fn subsets(items: &[(Decimal, Decimal)], shift: usize) -> Result<Vec<Pick>, Error> {
    let count = 1usize << items.len();
    let mut all = Vec::with_capacity(count);
    all.push(Pick::EMPTY);
    for mask in 1..count {
        let low = mask.trailing_zeros() as usize;
        let rest = all.get(mask & (mask - 1)).copied().unwrap_or(Pick::EMPTY);
        let (gain, cost) = items.get(low).copied().unwrap_or_default();
        all.push(rest.join(&Pick {
            gain,
            cost,
            mask: 1u64 << (low + shift),
        })?);
    }
    Ok(all)
}

/// The subset of `items` (gain, cost) with the most gain within `budget`, ties as
/// [`Pick::preference`] says, by meet in the middle: O(2^(n/2) n).
fn exact(items: &[(Decimal, Decimal)], budget: Decimal) -> Result<Pick, Error> {
    let half = items.len() / 2;
    let (left, right) = items.split_at(half);
    let lefts = subsets(left, 0)?;
    let mut rights = subsets(right, half)?;
    rights.sort_by(|a, b| a.cost.cmp(&b.cost).then_with(|| a.preference(b)));
    // best[j]: the preferred of rights[..=j].
    let mut best: Vec<Pick> = Vec::with_capacity(rights.len());
    for r in &rights {
        let keep = match best.last() {
            Some(b) if b.preference(r) != Ordering::Greater => *b,
            _ => *r,
        };
        best.push(keep);
    }
    let mut chosen = Pick::EMPTY;
    for l in lefts.iter().filter(|l| l.cost <= budget) {
        let room = budget - l.cost;
        let fit = rights.partition_point(|r| r.cost <= room);
        let Some(r) = fit.checked_sub(1).and_then(|j| best.get(j)) else {
            continue;
        };
        let pick = l.join(r)?;
        if pick.preference(&chosen) == Ordering::Less {
            chosen = pick;
        }
    }
    Ok(chosen)
}

/// The chosen positions among `items` (gain, cost) and the method: the candidates
/// worth considering (gain above zero, cost within the budget) go to the exact search
/// if there are at most [`Plan::EXACT_LIMIT`], else to the greedy heuristic.
pub(crate) fn choose(
    items: &[(Decimal, Decimal)],
    budget: Decimal,
) -> Result<(Vec<usize>, PlanMethod), Error> {
    let worth: Vec<usize> = (0..items.len())
        .filter(|&i| {
            items
                .get(i)
                .is_some_and(|(g, c)| *g > Decimal::ZERO && *c <= budget && !c.is_sign_negative())
        })
        .collect();
    let reduced: Vec<(Decimal, Decimal)> = worth.iter().filter_map(|&i| items.get(i).copied()).collect();
    let (positions, method) = if reduced.len() <= Plan::EXACT_LIMIT {
        let mask = exact(&reduced, budget)?.mask;
        let positions = (0..reduced.len()).filter(|j| mask & (1u64 << j) != 0).collect();
        (positions, PlanMethod::Exact)
    } else {
        (greedy(&reduced, budget)?, PlanMethod::Greedy)
    };
    Ok((
        positions
            .into_iter()
            .filter_map(|j: usize| worth.get(j).copied())
            .collect(),
        method,
    ))
}

/// Greedy by gain per unit of cost (free candidates first, ties to the earlier),
/// skipping what no longer fits; or the single best candidate if it gains more. The
/// positions chosen, ascending.
fn greedy(items: &[(Decimal, Decimal)], budget: Decimal) -> Result<Vec<usize>, Error> {
    let ratio = |i: usize| {
        items.get(i).map(|(g, c)| {
            if c.is_zero() {
                Decimal::MAX
            } else {
                g.checked_div(*c).unwrap_or(Decimal::MAX)
            }
        })
    };
    let free = |i: usize| items.get(i).is_some_and(|(_, c)| c.is_zero());
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        free(b)
            .cmp(&free(a))
            .then_with(|| ratio(b).cmp(&ratio(a)))
            .then(a.cmp(&b))
    });
    let (mut gain, mut cost, mut list) = (Decimal::ZERO, Decimal::ZERO, Vec::new());
    for i in order {
        let Some(&(g, c)) = items.get(i) else { continue };
        let total = cost
            .checked_add(c)
            .ok_or_else(|| Error::overflow("a portfolio's cost"))?;
        if total <= budget {
            cost = total;
            gain = gain
                .checked_add(g)
                .ok_or_else(|| Error::overflow("a portfolio's gain"))?;
            list.push(i);
        }
    }
    let single = items
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| *c <= budget)
        .min_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)).then(a.0.cmp(&b.0)));
    if let Some((i, &(g, _))) = single
        && g > gain
    {
        list = vec![i];
    }
    list.sort_unstable();
    Ok(list)
}

impl Model {
    /// Adds a candidate intervention, after checking that its scenario applies to the
    /// model as it is.
    ///
    /// While an intervention names an entity (or a relationship, or a context), the
    /// model refuses to remove or re-key it ([`ErrorKind::InUse`]), and refuses to
    /// gain by other means a flow key or a relationship the intervention adds
    /// ([`ErrorKind::Duplicate`]): what an intervention names stays there. Whether it
    /// still applies may change with other edits (a flow moved onto a channel it
    /// closes, trust so changed that a response overflows): [`Model::plan`] then
    /// reports the intervention that fails, by key.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for a bad key; [`ErrorKind::Duplicate`] for a key
    /// another intervention has; [`ErrorKind::CurrencyMismatch`] or
    /// [`ErrorKind::InvalidValue`] for costs not in the model's currency or below
    /// zero; any error of [`Model::apply`] for its scenario. On error the model is
    /// unchanged.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, ErrorKind, Intervention, Model, Money, Scenario};
    ///
    /// let mut model = Model::sample();
    /// let zero = Money::zero(Currency::USD);
    /// model.add_intervention(Intervention::new("quit-x", Scenario::new("quit X").remove_channel("x"), zero, zero))?;
    /// let x = model.lookup("x")?;
    /// assert_eq!(model.remove_channel(x).unwrap_err().kind(), ErrorKind::InUse);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_intervention(&mut self, intervention: Intervention) -> Result<(), Error> {
        let label = format!("intervention `{}`", intervention.key);
        self.check_intervention(&intervention)
            .and_then(|()| self.apply(&intervention.scenario).map(|_| ()))
            .map_err(|e| e.context(label))?;
        self.interventions.push(intervention);
        Ok(())
    }

    fn check_intervention(&self, intervention: &Intervention) -> Result<(), Error> {
        crate::model::check_key(&intervention.key).map_err(|e| e.with_path("key"))?;
        if self.interventions.iter().any(|i| i.key == intervention.key) {
            return Err(Error::new(
                ErrorKind::Duplicate,
                "another intervention has this key".to_string(),
            )
            .with_path("key"));
        }
        self.check_amount(intervention.one_off_cost, "one_off_cost")?;
        self.check_amount(intervention.per_period_cost, "per_period_cost")?;
        if let Some(name) = &intervention.name
            && name.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(Error::invalid("name must not contain control characters").with_path("name"));
        }
        intervention.scenario.check_names(self)
    }

    /// Adds an intervention read from a file: checked as [`Model::add_intervention`]
    /// checks, except that its scenario is not applied (what the model guards is
    /// checked, so that every model the crate writes loads again).
    pub(crate) fn load_intervention(&mut self, intervention: Intervention) -> Result<(), Error> {
        let label = format!("intervention `{}`", intervention.key);
        self.check_intervention(&intervention)
            .map_err(|e| e.context(label))?;
        self.interventions.push(intervention);
        Ok(())
    }

    /// The candidate interventions, in the order they were added.
    ///
    /// ```
    /// let model = covalence::Model::sample();
    /// assert!(model.interventions().any(|i| i.key == "community-co-creation"));
    /// ```
    pub fn interventions(&self) -> impl Iterator<Item = &Intervention> + '_ {
        self.interventions.iter()
    }

    /// Removes a candidate intervention.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if no intervention has the key.
    ///
    /// # Example
    /// ```
    /// let mut model = covalence::Model::sample();
    /// let removed = model.remove_intervention("community-co-creation")?;
    /// assert_eq!(removed.key, "community-co-creation");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn remove_intervention(&mut self, key: &str) -> Result<Intervention, Error> {
        let at = self
            .interventions
            .iter()
            .position(|i| i.key == key)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("no intervention has the key `{key}`"),
                )
            })?;
        Ok(self.interventions.remove(at))
    }

    /// Chooses the candidate interventions that gain the most NPV within a budget.
    ///
    /// Each candidate is measured alone: its scenario's change of NPV
    /// ([`Model::compare_with`]) less its present cost (the one-off cost at t = 0 and
    /// the per-period cost discounted as the projection discounts), its gain. Then the
    /// subset with the largest sum of gains whose cost over the horizon
    /// ([`Intervention::cost_over`], undiscounted) fits the budget: candidates that
    /// gain nothing or cost more than the budget alone are left out, and among the
    /// rest the search is exact (meet in the middle, O(2^(n/2) n)) up to
    /// [`Plan::EXACT_LIMIT`] candidates, greedy beyond ([`PlanMethod`]). Ties prefer
    /// the cheaper portfolio, then the one leaving out the later candidate where they
    /// differ. Finally the chosen interventions are applied together, in the model's
    /// order, and measured again: the difference from the sum of single gains is
    /// their interaction.
    ///
    /// # Errors
    /// [`ErrorKind::CurrencyMismatch`] or [`ErrorKind::InvalidValue`] for a budget
    /// not in the model's currency or below zero; as [`Model::compare_with`] (also
    /// when the chosen scenarios do not apply together, for instance two that close
    /// the same channel).
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Model, Money, PlanOptions};
    /// use rust_decimal::dec;
    ///
    /// let model = Model::sample();
    /// let plan = model.plan(&PlanOptions::new(Money::new(dec!(400000), Currency::USD)))?;
    /// for key in &plan.chosen {
    ///     println!("do {key}");
    /// }
    /// println!("together they gain {} ({} from interaction)", plan.combined_gain, plan.interaction);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn plan(&self, options: &PlanOptions) -> Result<Plan, Error> {
        self.check_amount(options.budget, "budget")?;
        let zero = Money::zero(self.settings().currency);
        let (horizon, rate, timing) = options.compare.projection_options().discounting();
        let factors = crate::analysis::projection::discount_factors(rate, horizon, timing)?;
        let annuity = factors
            .iter()
            .try_fold(Decimal::ZERO, |acc, f| acc.checked_add(*f))
            .ok_or_else(|| Error::overflow("the sum of discount factors"))?;
        // Each candidate alone, over the available cores (the baseline first, once).
        self.baseline(&options.compare)?;
        let changes = crate::analysis::in_parallel(&self.interventions, |intervention| {
            let (before, after, _) = self
                .evaluate_scenario(&intervention.scenario, &options.compare)
                .map_err(|e| e.context(format!("intervention `{}`", intervention.key)))?;
            after.npv().checked_sub(before.npv())
        });
        let mut candidates = Vec::with_capacity(self.interventions.len());
        for (intervention, npv_change) in self.interventions.iter().zip(changes) {
            let npv_change = npv_change?;
            let present_cost = intervention
                .one_off_cost
                .checked_add(intervention.per_period_cost.checked_mul(annuity)?)?;
            candidates.push(PlanCandidate {
                key: intervention.key.clone(),
                name: intervention.display_name().to_string(),
                npv_change,
                cost: intervention.cost_over(horizon)?,
                present_cost,
                gain: npv_change.checked_sub(present_cost)?,
                chosen: false,
            });
        }
        let items: Vec<(Decimal, Decimal)> = candidates
            .iter()
            .map(|c| (c.gain.amount(), c.cost.amount()))
            .collect();
        let (chosen, method) = choose(&items, options.budget.amount())?;
        let mut combined = Scenario::new("plan");
        let (mut cost, mut sum_of_gains, mut present_costs) = (zero, zero, zero);
        for &i in &chosen {
            if let (Some(c), Some(intervention)) = (candidates.get_mut(i), self.interventions.get(i)) {
                c.chosen = true;
                cost = cost.checked_add(c.cost)?;
                sum_of_gains = sum_of_gains.checked_add(c.gain)?;
                present_costs = present_costs.checked_add(c.present_cost)?;
                combined = combined.then(&intervention.scenario);
            }
        }
        let (combined_gain, comparison) = if chosen.is_empty() {
            (zero, None)
        } else {
            let comparison = self.compare_with(&combined, &options.compare)?;
            (
                comparison.npv.delta()?.checked_sub(present_costs)?,
                Some(comparison),
            )
        };
        Ok(Plan {
            budget: options.budget,
            horizon,
            period: self.settings().period,
            method,
            chosen: chosen
                .iter()
                .filter_map(|&i| candidates.get(i).map(|c| c.key.clone()))
                .collect(),
            candidates,
            cost,
            sum_of_gains,
            combined_gain,
            interaction: combined_gain.checked_sub(sum_of_gains)?,
            comparison,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn brute(items: &[(Decimal, Decimal)], budget: Decimal) -> Decimal {
        let mut best = Decimal::ZERO;
        for mask in 0u32..(1 << items.len()) {
            let (mut g, mut c) = (Decimal::ZERO, Decimal::ZERO);
            for (i, (gi, ci)) in items.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    g += gi;
                    c += ci;
                }
            }
            if c <= budget && g > best {
                best = g;
            }
        }
        best
    }

    fn total(items: &[(Decimal, Decimal)], chosen: &[usize]) -> (Decimal, Decimal) {
        chosen.iter().fold((Decimal::ZERO, Decimal::ZERO), |(g, c), &i| {
            (g + items[i].0, c + items[i].1)
        })
    }

    #[test]
    fn hand_computed_knapsack() {
        // a: 8 for 5, b: 10 for 6, c: 5 for 4, d: -3 for 0 (never worth it).
        // Budget 9: {a, c} gains 13 ({b} alone 10). Budget 10: {b, c} gains 15 ({a, c}
        // 13). Budget 11: {a, b} gains 18.
        let items = [
            (dec!(8), dec!(5)),
            (dec!(10), dec!(6)),
            (dec!(5), dec!(4)),
            (dec!(-3), dec!(0)),
        ];
        let (chosen, method) = choose(&items, dec!(9)).unwrap();
        assert_eq!(method, PlanMethod::Exact);
        assert_eq!(chosen, vec![0, 2]);
        assert_eq!(choose(&items, dec!(10)).unwrap().0, vec![1, 2]);
        assert_eq!(choose(&items, dec!(11)).unwrap().0, vec![0, 1]);
        // Nothing fits.
        assert!(choose(&items, dec!(3)).unwrap().0.is_empty());
    }

    #[test]
    fn ties_prefer_cheaper_then_earlier() {
        // Same gain: the cheaper wins.
        let items = [(dec!(5), dec!(4)), (dec!(5), dec!(3))];
        assert_eq!(choose(&items, dec!(4)).unwrap().0, vec![1]);
        // Same gain and cost: the earlier candidate.
        let items = [(dec!(5), dec!(3)), (dec!(5), dec!(3))];
        assert_eq!(choose(&items, dec!(4)).unwrap().0, vec![0]);
        // Free candidates with gain are always taken.
        let items = [(dec!(1), dec!(0)), (dec!(5), dec!(10))];
        assert_eq!(choose(&items, dec!(10)).unwrap().0, vec![0, 1]);
    }

    #[test]
    fn greedy_beyond_the_exact_limit() {
        let items: Vec<(Decimal, Decimal)> = (1..=40).map(|i| (Decimal::from(i), Decimal::from(i))).collect();
        let (chosen, method) = choose(&items, dec!(100)).unwrap();
        assert_eq!(method, PlanMethod::Greedy);
        let (g, c) = total(&items, &chosen);
        assert!(c <= dec!(100));
        // Equal ratios: in order 1 + 2 + ... + 13 = 91, then nothing else fits (the
        // optimum is 100: greedy is a heuristic).
        assert_eq!(g, dec!(91));
        // The single-best fallback: one big item beats many small ones.
        let mut items: Vec<(Decimal, Decimal)> = (0..40).map(|_| (dec!(2), dec!(1))).collect();
        items.push((dec!(1000), dec!(600)));
        let (chosen, _) = choose(&items, dec!(600)).unwrap();
        assert_eq!(chosen, vec![40]);
    }

    proptest::proptest! {
        #[test]
        fn exact_matches_brute_force(
            raw in proptest::collection::vec((-50i64..200, 0i64..100), 0..=12),
            budget in 0i64..400,
        ) {
            let items: Vec<(Decimal, Decimal)> = raw.iter().map(|&(g, c)| (Decimal::from(g), Decimal::from(c))).collect();
            let budget = Decimal::from(budget);
            let (chosen, method) = choose(&items, budget).unwrap();
            proptest::prop_assert_eq!(method, PlanMethod::Exact);
            let (g, c) = total(&items, &chosen);
            proptest::prop_assert!(c <= budget);
            proptest::prop_assert_eq!(g, brute(&items, budget));
        }

        #[test]
        fn greedy_is_within_budget_and_at_least_half(
            raw in proptest::collection::vec((1i64..200, 1i64..100), 33..=45),
            budget in 100i64..2000,
        ) {
            let items: Vec<(Decimal, Decimal)> = raw.iter().map(|&(g, c)| (Decimal::from(g), Decimal::from(c))).collect();
            let budget = Decimal::from(budget);
            let (chosen, method) = choose(&items, budget).unwrap();
            proptest::prop_assert_eq!(method, PlanMethod::Greedy);
            let (g, c) = total(&items, &chosen);
            proptest::prop_assert!(c <= budget);
            // The LP bound: at least half of it.
            let mut sorted: Vec<(Decimal, Decimal)> = items.iter().copied().filter(|x| x.1 <= budget).collect();
            sorted.sort_by_key(|x| std::cmp::Reverse(x.0 / x.1));
            let (mut bound, mut room) = (Decimal::ZERO, budget);
            for (gi, ci) in sorted {
                if ci <= room {
                    bound += gi;
                    room -= ci;
                } else {
                    bound += gi * room / ci;
                    break;
                }
            }
            proptest::prop_assert!(g * dec!(2) >= bound - dec!(0.0000001), "{} vs bound {}", g, bound);
        }
    }
}

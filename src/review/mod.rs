//! The strategic review: the six questions and the commons question answered from the
//! analyses, with plain-language findings computed from the numbers, rendered as
//! Markdown.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::error::{Error, ErrorKind};
use crate::model::{ActivityClass, Model, Ownership, PartyId, RelationshipKind};
use crate::money::Money;
use crate::render;
mod charts;
mod document;
mod html;

use crate::{
    CompareOptions, LedgerOptions, Opinion, PlanOptions, ProjectionOptions, ReachOptions, ReputationOptions,
    Scenario, TrustSource,
};

/// Options for [`Model::review`].
///
/// # Example
/// ```
/// use covalence::{Currency, Money, ProjectionOptions, ReviewOptions};
/// use rust_decimal::dec;
///
/// let options = ReviewOptions::new()
///     .projection(ProjectionOptions::new().horizon(10))
///     .budget(Money::new(dec!(250000), Currency::USD))
///     .platform_threshold(0.2);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReviewOptions {
    projection: ProjectionOptions,
    reach: ReachOptions,
    budget: Option<Money>,
    platform_threshold: f64,
    trust_step: f64,
}

impl Default for ReviewOptions {
    fn default() -> ReviewOptions {
        ReviewOptions {
            projection: ProjectionOptions::new(),
            reach: ReachOptions::new(),
            budget: None,
            platform_threshold: 0.25,
            trust_step: 0.25,
        }
    }
}

impl ReviewOptions {
    /// Five periods at 3.5%, reach within two hops, no budget limit for the plan, a
    /// platform flagged above 25%, better trust meaning a quarter of the way to full
    /// trust.
    ///
    /// ```
    /// let options = covalence::ReviewOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> ReviewOptions {
        ReviewOptions::default()
    }

    /// How returns are projected (Q6, and the gains of Q3 and of the plan).
    ///
    /// ```
    /// let options = covalence::ReviewOptions::new().projection(covalence::ProjectionOptions::new().horizon(3));
    /// # let _ = options;
    /// ```
    pub fn projection(mut self, projection: ProjectionOptions) -> ReviewOptions {
        self.projection = projection;
        self
    }

    /// How reach is measured (Q5 and the commons question).
    ///
    /// ```
    /// let options = covalence::ReviewOptions::new().reach(covalence::ReachOptions::new().max_hops(3));
    /// # let _ = options;
    /// ```
    pub fn reach(mut self, reach: ReachOptions) -> ReviewOptions {
        self.reach = reach;
        self
    }

    /// The budget of the recommended plan. Default: none, every worthwhile
    /// intervention is recommended.
    ///
    /// ```
    /// use covalence::{Currency, Money};
    /// let options = covalence::ReviewOptions::new().budget(Money::new(rust_decimal::dec!(100000), Currency::USD));
    /// # let _ = options;
    /// ```
    pub fn budget(mut self, budget: Money) -> ReviewOptions {
        self.budget = Some(budget);
        self
    }

    /// The share (in `[0, 1]`) of effective reach or of returns that one commercial
    /// platform may carry before the commons question flags it. Default 0.25.
    ///
    /// ```
    /// let options = covalence::ReviewOptions::new().platform_threshold(0.1);
    /// # let _ = options;
    /// ```
    pub fn platform_threshold(mut self, threshold: f64) -> ReviewOptions {
        self.platform_threshold = threshold;
        self
    }

    /// How much better "better trust" is in Q3, in `(0, 1]`: the share of the way from
    /// a group's current trust to full trust (belief takes that share of disbelief and
    /// uncertainty). Default 0.25.
    ///
    /// ```
    /// let options = covalence::ReviewOptions::new().trust_step(0.5);
    /// # let _ = options;
    /// ```
    pub fn trust_step(mut self, step: f64) -> ReviewOptions {
        self.trust_step = step;
        self
    }
}

/// One activity in Q1.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ActivityReview {
    /// Its key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// `core` or `commodity`.
    pub class: String,
    /// The key of who performs it.
    pub performed_by: String,
    /// Whether the organization performs it itself.
    pub in_house: bool,
    /// The value per period of the flows that name it.
    pub value: Money,
    /// The saving per period if outsourced (a commodity cheaper outside).
    pub outsourcing_saving: Option<Money>,
}

/// Q1: what unique value we create, and what could be outsourced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ValueReview {
    /// Every activity, core first, in model order.
    pub activities: Vec<ActivityReview>,
    /// The saving per period of outsourcing every candidate.
    pub outsourcing_saving: Money,
    /// The finding, in plain words.
    pub finding: String,
}

/// A party contributing to a core activity (Q2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Contribution {
    /// The core activity's key.
    pub activity: String,
    /// The contributing party's key.
    pub party: String,
    /// The value per period of its flows to the organization naming the activity.
    pub value: Money,
    /// The kind of its relationship with the organization, if any.
    pub kind: Option<String>,
}

/// A relationship short of the kind wanted (Q2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KindGap {
    /// The two parties' keys.
    pub between: [String; 2],
    /// The kind it is.
    pub kind: String,
    /// The kind wanted.
    pub desired: String,
    /// Steps up the ladder from one to the other.
    pub steps: u32,
}

/// Q2: who helps create the unique value, and what kind of relationship works best.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ContributorsReview {
    /// Contributions to core activities, largest first.
    pub contributions: Vec<Contribution>,
    /// Relationships whose kind falls short of the one wanted, widest gaps first.
    pub gaps: Vec<KindGap>,
    /// The finding.
    pub finding: String,
}

/// One group's trust in the organization (Q3).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GroupTrust {
    /// The group's key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Projected absolute trust (declared and observed); `None` when nothing is known.
    pub trust: Option<f64>,
    /// What it rests on: `declared`, `observed`, `both` or `unknown`.
    pub source: String,
    /// Whether trust differs by context (beyond the contextual spread).
    pub contextual: bool,
    /// Projected trust per context declared, in the model's context order.
    pub contexts: Vec<(String, f64)>,
    /// Rank by reputation (EigenTrust) among all parties, 1 the highest; `None` when
    /// reputation did not converge.
    pub reputation_rank: Option<usize>,
    /// The NPV change if its trust were better (by the options' step), when any of
    /// its flows to the organization respond to trust.
    pub better_trust_npv: Option<Money>,
}

/// Q3: do they trust us, absolutely or by context, and would better trust create
/// more value?
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TrustReview {
    /// Every constituent group, in model order.
    pub groups: Vec<GroupTrust>,
    /// The finding.
    pub finding: String,
}

/// What one group said about the organization in one channel (Q4).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Remarks {
    /// The group's key.
    pub group: String,
    /// The channel's key.
    pub channel: String,
    /// Whether the organization runs the channel (in the room).
    pub in_the_room: bool,
    /// The context, if any.
    pub context: Option<String>,
    /// Positive remarks.
    pub positive: u64,
    /// Negative remarks.
    pub negative: u64,
    /// Neutral remarks.
    pub neutral: u64,
}

/// Where one group is present (Q4).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GroupPresence {
    /// The group's key.
    pub group: String,
    /// (channel key, ownership, share), in channel order.
    pub channels: Vec<(String, String, f64)>,
}

/// Q4: where they interact, and what they say about us when we are not in the room.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConversationsReview {
    /// Each group's presences.
    pub presences: Vec<GroupPresence>,
    /// What groups said about the organization, in model order.
    pub remarks: Vec<Remarks>,
    /// The share of positive and negative remarks made where we are not in the room.
    pub outside_share: Option<f64>,
    /// The finding.
    pub finding: String,
}

/// One channel's part in reach (Q5).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ChannelReview {
    /// The channel's key.
    pub key: String,
    /// `owned`, `commons` or `rented`.
    pub ownership: String,
    /// Raw reach of this channel alone (its scale).
    pub raw_reach: u64,
    /// Effective reach of this channel alone (the value in that scale).
    pub effective_reach: f64,
    /// Share of exposure.
    pub exposure_share: f64,
    /// People reached only through it.
    pub unique_reach: u64,
    /// Share of effective reach lost without it.
    pub effective_dependency: f64,
}

/// Q5: how much we really reach, and how much depends on commercial platforms.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReachReview {
    /// Raw reach (people).
    pub raw: u64,
    /// Expected reach.
    pub expected: f64,
    /// Effective reach (reached and trusting).
    pub effective: f64,
    /// `effective / raw`.
    pub scale_vs_value: Option<f64>,
    /// Share of exposure on rented channels.
    pub rented_exposure: f64,
    /// Share of effective reach lost if every rented channel went.
    pub rented_dependency: f64,
    /// The source's channels.
    pub channels: Vec<ChannelReview>,
    /// The finding.
    pub finding: String,
}

/// The recommended plan (Q6).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PlanReview {
    /// The budget.
    pub budget: Money,
    /// (key, name, gain) of each intervention chosen.
    pub chosen: Vec<(String, String, Money)>,
    /// (key, name, gain) of each left out.
    pub left_out: Vec<(String, String, Money)>,
    /// Cost over the horizon.
    pub cost: Money,
    /// Gain of the chosen interventions together.
    pub gain: Money,
    /// Together less the sum apart.
    pub interaction: Money,
}

/// Returns and costs by counterparty (Q6).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CounterpartyLine {
    /// The counterparty's key (`None`: costs not attributable to one).
    pub party: Option<String>,
    /// Returns per period.
    pub returns: Money,
    /// Costs per period.
    pub costs: Money,
    /// Net per period.
    pub net: Money,
    /// `net / costs`; `None` without costs.
    pub roi: Option<f64>,
}

/// Q6: what relationships cost and return, and the most efficient way to build them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReturnsReview {
    /// Returns per period.
    pub returns: Money,
    /// Costs per period.
    pub costs: Money,
    /// Net per period.
    pub net: Money,
    /// ROI per period.
    pub roi: Option<f64>,
    /// By counterparty, in the ledger's order.
    pub by_counterparty: Vec<CounterpartyLine>,
    /// Present value of the projection.
    pub present_value: Money,
    /// Present value of the investment.
    pub present_investment: Money,
    /// NPV.
    pub npv: Money,
    /// SROI.
    pub sroi: Option<f64>,
    /// The initial investment, at the start of the first period.
    pub initial_investment: Money,
    /// The NPV to the end of each period (the last is `npv`).
    pub cumulative_npv: Vec<Money>,
    /// The first period whose NPV to date is not below zero.
    pub discounted_payback: Option<u32>,
    /// The recommended plan, when the model has candidate interventions.
    pub plan: Option<PlanReview>,
    /// The finding.
    pub finding: String,
}

/// One commercial platform's weight (commons question): the rented channels of one
/// operator (or one rented channel whose operator is not named).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PlatformReview {
    /// The operator's key, or the channel's when the operator is not named.
    pub platform: String,
    /// Whether `platform` is an operator.
    pub operator: bool,
    /// Its rented channels the organization is on or receives value through.
    pub channels: Vec<String>,
    /// Share of effective reach lost without all of them.
    pub effective_reach_share: f64,
    /// Share of returns that flow through them.
    pub returns_share: f64,
    /// Whether either share is above the threshold.
    pub flagged: bool,
}

/// The commons question: how much of effective reach and of returns depends on a
/// single commercial platform.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CommonsReview {
    /// The threshold used.
    pub threshold: f64,
    /// Every rented channel the organization uses or receives value through.
    pub platforms: Vec<PlatformReview>,
    /// Whether any platform is flagged.
    pub flagged: bool,
    /// The finding.
    pub finding: String,
}

/// A party or a channel of the value network.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NetworkNode {
    /// Its key.
    pub key: String,
    /// Its name (the key when it has none).
    pub name: String,
    /// `organization`, `constituent` or `channel`.
    pub kind: String,
    /// A channel's `owned`, `commons` or `rented`; `None` for parties.
    pub ownership: Option<String>,
}

/// Two parties linked by a relationship, by value flows, or by both.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NetworkLink {
    /// The two parties: the relationship's order, else the first flow's.
    pub between: [String; 2],
    /// The relationship's kind; `None` when only flows link them.
    pub relationship: Option<String>,
    /// Value per period flowing from the first to the second, and back.
    pub value: [Money; 2],
}

/// The value network, for drawing: every party and channel, the links between
/// parties, and who is present on which channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NetworkReview {
    /// Organizations (the focal one first), constituent groups, then channels, each in
    /// the model's order.
    pub nodes: Vec<NetworkNode>,
    /// Relationships in the model's order, then pairs linked only by flows.
    pub links: Vec<NetworkLink>,
    /// (party, channel, share of its members) of every presence.
    pub presences: Vec<(String, String, f64)>,
}

/// A strategic review of a model: the six questions and the commons question, each
/// with its numbers and a finding computed from them; a summary paragraph.
/// Serializable (JSON through serde), and rendered as Markdown by `Display`.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let review = model.review(&covalence::ReviewOptions::new())?;
/// assert!(review.summary.contains("Harbor Outfitters"));
/// let markdown = review.to_string();
/// assert!(markdown.starts_with("# Review of Harbor Outfitters"));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Review {
    /// The focal organization's key.
    pub organization: String,
    /// Its name.
    pub name: String,
    /// The period amounts are per.
    pub period: String,
    /// The currency.
    pub currency: String,
    /// Periods projected.
    pub horizon: u32,
    /// The timing convention of discounting.
    pub timing: String,
    /// A paragraph summing up the findings.
    pub summary: String,
    /// Q1.
    pub value: ValueReview,
    /// Q2.
    pub contributors: ContributorsReview,
    /// Q3.
    pub trust: TrustReview,
    /// Q4.
    pub conversations: ConversationsReview,
    /// Q5.
    pub reach: ReachReview,
    /// Q6.
    pub returns: ReturnsReview,
    /// The commons question.
    pub commons: CommonsReview,
    /// The value network.
    pub network: NetworkReview,
}

fn ratio(d: Option<Decimal>) -> Option<f64> {
    d.and_then(|d| d.to_f64())
}

/// A share as a percentage: whole numbers, one decimal below 10% (so that a small
/// share does not read as none).
fn percent(x: f64) -> String {
    let p = x * 100.0 + 0.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p.abs() < 0.05 {
        "under 0.1%".to_string()
    } else if p.abs() < 9.95 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// User text for Markdown outside code: on one line, with the characters Markdown or
/// HTML would read as markup escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if is_bidi_control(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The bidirectional embeddings, overrides and isolates: inside a name spliced into a
/// sentence they would reorder the words and numbers around it.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `1 year`, `5 years`.
fn periods(n: u32, period: &str) -> String {
    if n == 1 {
        format!("1 {period}")
    } else {
        format!("{n} {period}s")
    }
}

/// People, rounded and grouped.
fn people(x: f64) -> String {
    render::grouped(Decimal::from_f64_retain(x.round()).unwrap_or_default())
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `Harbor's`, `Outfitters'`.
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

fn ownership_name(o: Ownership) -> &'static str {
    match o {
        Ownership::Owned => "owned",
        Ownership::Commons => "commons",
        Ownership::Rented { .. } => "rented",
    }
}

impl Model {
    /// A strategic review of the model, answering the six questions and the commons
    /// question from the analyses ([`Model::outsourcing`], [`Model::trust`],
    /// [`Model::reputation`], [`Model::reach`], [`Model::ledger`],
    /// [`Model::projection`], [`Model::compare_with`], [`Model::plan`]): every number
    /// is theirs, and every finding is written from those numbers.
    ///
    /// Q3's "would better trust create more value" compares, for each group with a
    /// relationship to the organization and flows to it that respond to trust, a
    /// scenario where its absolute trust moves the options' step of the way to full
    /// trust. Q6 recommends a plan when the model has candidate interventions. A
    /// reputation that does not converge leaves the ranks out rather than failing.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for a threshold outside `[0, 1]` or a trust step
    /// outside `(0, 1]`; the errors of the analyses (overflow, options out of range, an
    /// intervention that no longer applies).
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, ReviewOptions};
    ///
    /// let review = Model::sample().review(&ReviewOptions::new())?;
    /// println!("{review}");
    /// assert!(review.commons.platforms.iter().any(|p| p.platform == "meta"));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn review(&self, options: &ReviewOptions) -> Result<Review, Error> {
        if !(options.platform_threshold.is_finite() && (0.0..=1.0).contains(&options.platform_threshold)) {
            return Err(Error::invalid(format!(
                "the platform threshold must be in [0, 1], got {}",
                options.platform_threshold
            )));
        }
        if !(options.trust_step.is_finite() && options.trust_step > 0.0 && options.trust_step <= 1.0) {
            return Err(Error::invalid(format!(
                "the trust step must be in (0, 1], got {}",
                options.trust_step
            )));
        }
        let focal_id = self.focal();
        let focal: PartyId = focal_id.into();
        let org = self.organization(focal_id)?;
        let settings = self.settings();
        let currency = settings.currency;
        let zero = Money::zero(currency);
        let key = |p: PartyId| self.party_key(p).map(str::to_string);
        let projection_options = options.projection.clone().party(focal);
        let projection = self.projection(&projection_options)?;
        let horizon = projection.horizon;

        // Q1.
        let outsourcing = self.outsourcing(horizon)?;
        let mut activities = Vec::new();
        for class in [ActivityClass::Core, ActivityClass::Commodity] {
            for (id, a) in self.activities().filter(|(_, a)| a.class == class) {
                let value = outsourcing
                    .activity_value
                    .iter()
                    .find(|(x, _)| *x == id)
                    .map_or(zero, |(_, v)| *v);
                activities.push(ActivityReview {
                    key: a.key.clone(),
                    name: a.display_name().to_string(),
                    class: match a.class {
                        ActivityClass::Core => "core",
                        ActivityClass::Commodity => "commodity",
                    }
                    .to_string(),
                    performed_by: key(a.performed_by)?,
                    in_house: a.performed_by == focal,
                    value,
                    outsourcing_saving: outsourcing
                        .candidates
                        .iter()
                        .find(|c| c.activity == id)
                        .map(|c| c.saving),
                });
            }
        }
        let outsourcing_saving = outsourcing
            .candidates
            .iter()
            .try_fold(zero, |acc, c| acc.checked_add(c.saving))?;
        let value = value_review(
            &activities,
            outsourcing_saving,
            org.display_name(),
            settings.period.name(),
        );

        // Q2.
        let period = settings.period;
        let mut contributions: Vec<Contribution> = Vec::new();
        for (_, flow) in self.flows().filter(|(_, f)| f.to == focal) {
            let Some(activity) = flow.activity else { continue };
            let a = self.activity(activity)?;
            if a.class != ActivityClass::Core {
                continue;
            }
            let v = flow.value_per(period)?;
            let party = key(flow.from)?;
            match contributions
                .iter_mut()
                .find(|c| c.activity == a.key && c.party == party)
            {
                Some(c) => c.value = c.value.checked_add(v)?,
                None => contributions.push(Contribution {
                    activity: a.key.clone(),
                    party,
                    value: v,
                    kind: self
                        .relationship_between(focal, flow.from)
                        .map(|id| self.relationship(id).map(|r| r.kind.name().to_string()))
                        .transpose()?,
                }),
            }
        }
        contributions.sort_by(|a, b| {
            b.value
                .amount()
                .cmp(&a.value.amount())
                .then(a.party.cmp(&b.party))
        });
        let step =
            |k: RelationshipKind| RelationshipKind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u32;
        let mut gaps = Vec::new();
        for (_, r) in self.relationships() {
            if let Some(desired) = r.desired
                && desired > r.kind
            {
                gaps.push(KindGap {
                    between: [key(r.parties[0])?, key(r.parties[1])?],
                    kind: r.kind.name().to_string(),
                    desired: desired.name().to_string(),
                    steps: step(desired) - step(r.kind),
                });
            }
        }
        gaps.sort_by(|a, b| b.steps.cmp(&a.steps).then(a.between.cmp(&b.between)));
        let contributors =
            contributors_review(contributions, gaps, org.display_name(), settings.period.name());

        // Q3.
        let reputation = match self.reputation(&ReputationOptions::new()) {
            Ok(r) => Some(r.ranked()),
            Err(e) if e.kind() == ErrorKind::NoConvergence => None,
            Err(e) => return Err(e),
        };
        let compare = CompareOptions::new()
            .projection(projection_options.clone())
            .reach(options.reach.clone());
        let mut groups = Vec::new();
        let mut better = Vec::new();
        for (id, c) in self.constituents() {
            let party: PartyId = id.into();
            let assessment = self.trust(party, focal, None)?;
            let contexts = settings
                .contexts
                .iter()
                .filter_map(|ctx| {
                    assessment
                        .profile
                        .contexts
                        .get(ctx)
                        .map(|o| (ctx.clone(), o.projected()))
                })
                .collect();
            let elastic = self
                .flows()
                .any(|(_, f)| f.from == party && f.to == focal && f.trust_elasticity > 0.0);
            let related = self.relationship_between(party, focal).is_some();
            let declared = assessment.profile.absolute;
            let better_trust_npv = if let (true, true, Some(current)) = (elastic, related, declared) {
                let s = options.trust_step;
                let improved = Opinion::new(
                    current.belief() + s * (1.0 - current.belief()),
                    current.disbelief() * (1.0 - s),
                    current.uncertainty() * (1.0 - s),
                    current.base_rate(),
                )?;
                better.push(Scenario::new(c.key.clone()).set_trust(&c.key, &org.key, None, improved));
                Some(groups.len())
            } else {
                None
            };
            groups.push(GroupTrust {
                key: c.key.clone(),
                name: c.display_name().to_string(),
                trust: assessment.opinion.map(|o| o.projected()),
                source: match assessment.source {
                    TrustSource::Declared => "declared",
                    TrustSource::Observed => "observed",
                    TrustSource::Both => "both",
                    _ => "unknown",
                }
                .to_string(),
                contextual: assessment.contextual,
                contexts,
                reputation_rank: reputation
                    .as_ref()
                    .and_then(|r| r.iter().position(|(p, _)| *p == party).map(|i| i + 1)),
                better_trust_npv: better_trust_npv.map(|_| zero),
            });
        }
        let changes = self.compare_all(&better, &compare);
        for (scenario, change) in better.iter().zip(changes) {
            let c = change?;
            if let Some(g) = groups.iter_mut().find(|g| g.key == scenario.name()) {
                g.better_trust_npv = Some(c.npv.delta()?);
            }
        }
        let trust = trust_review(groups, org.display_name());

        // Q4.
        let mut presences = Vec::new();
        for (id, _) in self.constituents() {
            let party: PartyId = id.into();
            let mut channels = Vec::new();
            for (cid, ch) in self.channels() {
                if let Some(share) = self.presence(party, cid) {
                    channels.push((ch.key.clone(), ownership_name(ch.ownership).to_string(), share));
                }
            }
            presences.push(GroupPresence {
                group: key(party)?,
                channels,
            });
        }
        let mut remarks = Vec::new();
        for o in self.observations().filter(|o| o.about == focal) {
            let channel = self.channel(o.channel)?;
            remarks.push(Remarks {
                group: key(o.by.into())?,
                channel: channel.key.clone(),
                in_the_room: channel.ownership == Ownership::Owned,
                context: o.context.clone(),
                positive: o.positive,
                negative: o.negative,
                neutral: o.neutral,
            });
        }
        let conversations = conversations_review(presences, remarks, org.display_name());

        // Q5.
        let reach = self.reach(&options.reach.clone().source(focal))?;
        let channel_reviews: Vec<ChannelReview> = reach
            .channels
            .iter()
            .map(|c| {
                Ok(ChannelReview {
                    key: self.channel(c.channel)?.key.clone(),
                    ownership: ownership_name(c.ownership).to_string(),
                    raw_reach: c.raw_reach,
                    effective_reach: c.effective_reach,
                    exposure_share: c.exposure_share,
                    unique_reach: c.unique_reach,
                    effective_dependency: c.effective_dependency,
                })
            })
            .collect::<Result<_, Error>>()?;
        let rented_exposure = reach
            .channels
            .iter()
            .filter(|c| c.ownership.is_rented())
            .map(|c| c.exposure_share)
            .fold(0.0f64, |a, b| a + b)
            .clamp(0.0, 1.0);
        let largest = reach
            .largest_rented
            .map(|c| {
                let alone = reach
                    .channels
                    .iter()
                    .find(|x| x.channel == c)
                    .map_or(0.0, |x| x.effective_dependency);
                self.channel(c).map(|c| (c.key.clone(), alone))
            })
            .transpose()?;
        let reach_review = reach_review(
            ReachReview {
                raw: reach.raw,
                expected: reach.expected,
                effective: reach.effective,
                scale_vs_value: reach.scale_vs_value,
                rented_exposure,
                rented_dependency: reach.rented_effective_dependency,
                channels: channel_reviews,
                finding: String::new(),
            },
            org.display_name(),
            largest,
        );

        // Q6.
        let ledger = self.ledger(&LedgerOptions::new().party(focal))?;
        let by_counterparty = ledger
            .by_counterparty
            .iter()
            .map(|l| {
                let net = l.net()?;
                Ok(CounterpartyLine {
                    party: l.key.map(key).transpose()?,
                    returns: l.returns,
                    costs: l.costs,
                    net,
                    // In f64: a tiny cost must not overflow the review.
                    roi: (!l.costs.is_zero())
                        .then(|| {
                            net.amount().to_f64().unwrap_or(0.0) / l.costs.amount().to_f64().unwrap_or(1.0)
                        })
                        .filter(|r| r.is_finite()),
                })
            })
            .collect::<Result<_, Error>>()?;
        let plan = if self.interventions().next().is_some() {
            let budget = match options.budget {
                Some(b) => b,
                None => self
                    .interventions()
                    .try_fold(zero, |acc, i| acc.checked_add(i.cost_over(horizon)?))?,
            };
            let plan = self.plan(&PlanOptions::new(budget).compare(compare.clone()))?;
            let line = |c: &crate::PlanCandidate| (c.key.clone(), c.name.clone(), c.gain);
            Some(PlanReview {
                budget,
                chosen: plan.candidates.iter().filter(|c| c.chosen).map(line).collect(),
                left_out: plan.candidates.iter().filter(|c| !c.chosen).map(line).collect(),
                cost: plan.cost,
                gain: plan.combined_gain,
                interaction: plan.interaction,
            })
        } else {
            None
        };
        let returns = returns_review(
            ReturnsReview {
                returns: ledger.returns,
                costs: ledger.costs,
                net: ledger.net,
                roi: ratio(ledger.roi),
                by_counterparty,
                present_value: projection.present_value,
                present_investment: projection.present_investment,
                npv: projection.npv,
                sroi: ratio(projection.sroi),
                initial_investment: projection.initial_investment,
                cumulative_npv: projection.cumulative_npv.clone(),
                discounted_payback: projection.payback.discounted,
                plan,
                finding: String::new(),
            },
            horizon,
            period.name(),
        );

        // The commons question: rented channels grouped by operator.
        let mut groups: Vec<(String, bool, Vec<crate::ChannelId>)> = Vec::new();
        for (cid, ch) in self.channels() {
            let Ownership::Rented { operator } = ch.ownership else {
                continue;
            };
            let used = self.presence(focal, cid).is_some()
                || self.flows().any(|(_, f)| f.to == focal && f.channel == Some(cid));
            if !used {
                continue;
            }
            let (platform, is_operator) = match operator {
                Some(o) => (key(o.into())?, true),
                None => (ch.key.clone(), false),
            };
            match groups
                .iter_mut()
                .find(|(p, op, _)| *p == platform && *op == is_operator)
            {
                Some((_, _, channels)) => channels.push(cid),
                None => groups.push((platform, is_operator, vec![cid])),
            }
        }
        let mut platforms = Vec::new();
        for (platform, operator, channels) in groups {
            let through = self
                .flows()
                .filter(|(_, f)| f.to == focal && f.channel.is_some_and(|c| channels.contains(&c)))
                .try_fold(zero, |acc, (_, f)| acc.checked_add(f.value_per(period)?))?;
            let returns_share = if ledger.returns.is_zero() {
                0.0
            } else {
                through.checked_ratio(ledger.returns)?.to_f64().unwrap_or(0.0)
            };
            // Effective reach without the platform: the organization off all its channels.
            let mut without = Scenario::new(platform.clone());
            for c in &channels {
                if self.presence(focal, *c).is_some() {
                    without = without.remove_presence(&org.key, &self.channel(*c)?.key);
                }
            }
            let effective_reach_share = if without.is_empty() || reach.effective <= 0.0 {
                0.0
            } else {
                let after = self.apply(&without)?;
                let (r, _) = after.reach_and_trust(&options.reach.clone().source(focal).totals_only())?;
                ((reach.effective - r.effective) / reach.effective).clamp(0.0, 1.0)
            };
            platforms.push(PlatformReview {
                platform,
                operator,
                channels: channels
                    .iter()
                    .map(|c| self.channel(*c).map(|c| c.key.clone()))
                    .collect::<Result<_, Error>>()?,
                effective_reach_share,
                returns_share,
                flagged: effective_reach_share > options.platform_threshold
                    || returns_share > options.platform_threshold,
            });
        }
        let commons = commons_review(platforms, options.platform_threshold, org.display_name());

        let network = self.network_review(focal)?;

        let mut review = Review {
            organization: org.key.clone(),
            name: org.display_name().to_string(),
            period: period.name().to_string(),
            currency: currency.code().to_string(),
            horizon,
            timing: projection.timing.to_string(),
            summary: String::new(),
            value,
            contributors,
            trust,
            conversations,
            reach: reach_review,
            returns,
            commons,
            network,
        };
        review.summary = summary(&review);
        Ok(review)
    }
}

impl Model {
    /// The value network as the review draws it.
    fn network_review(&self, focal: PartyId) -> Result<NetworkReview, Error> {
        let period = self.settings().period;
        let key = |p: PartyId| self.party_key(p).map(str::to_string);
        let mut nodes = Vec::new();
        let focal_first = self
            .organizations()
            .filter(|(id, _)| PartyId::from(*id) == focal)
            .chain(self.organizations().filter(|(id, _)| PartyId::from(*id) != focal));
        for (_, o) in focal_first {
            nodes.push(NetworkNode {
                key: o.key.clone(),
                name: o.display_name().to_string(),
                kind: "organization".into(),
                ownership: None,
            });
        }
        for (_, c) in self.constituents() {
            nodes.push(NetworkNode {
                key: c.key.clone(),
                name: c.display_name().to_string(),
                kind: "constituent".into(),
                ownership: None,
            });
        }
        for (_, c) in self.channels() {
            nodes.push(NetworkNode {
                key: c.key.clone(),
                name: c.display_name().to_string(),
                kind: "channel".into(),
                ownership: Some(ownership_name(c.ownership).to_string()),
            });
        }
        let zero = Money::zero(self.settings().currency);
        let mut pairs: Vec<([PartyId; 2], Option<RelationshipKind>, [Money; 2])> = self
            .relationships()
            .map(|(_, r)| (r.parties, Some(r.kind), [zero, zero]))
            .collect();
        // Each unordered pair's link, found by hash: models have many flows.
        let unordered = |[a, b]: [PartyId; 2]| if a <= b { (a, b) } else { (b, a) };
        let mut index: std::collections::HashMap<(PartyId, PartyId), usize> = pairs
            .iter()
            .enumerate()
            .map(|(i, (p, _, _))| (unordered(*p), i))
            .collect();
        for (_, f) in self.flows() {
            let v = f.value_per(period)?;
            let i = *index.entry(unordered([f.from, f.to])).or_insert_with(|| {
                pairs.push(([f.from, f.to], None, [zero, zero]));
                pairs.len() - 1
            });
            if let Some((p, _, value)) = pairs.get_mut(i) {
                let side = usize::from(p[0] != f.from);
                if let Some(total) = value.get_mut(side) {
                    *total = total.checked_add(v)?;
                }
            }
        }
        let links = pairs
            .into_iter()
            .map(|(p, kind, value)| {
                Ok(NetworkLink {
                    between: [key(p[0])?, key(p[1])?],
                    relationship: kind.map(|k| k.name().to_string()),
                    value,
                })
            })
            .collect::<Result<_, Error>>()?;
        let presences = self
            .presences()
            .map(|p| Ok((key(p.party)?, self.channel(p.channel)?.key.clone(), p.share)))
            .collect::<Result<_, Error>>()?;
        Ok(NetworkReview {
            nodes,
            links,
            presences,
        })
    }
}

fn value_review(activities: &[ActivityReview], saving: Money, name: &str, period: &str) -> ValueReview {
    let core: Vec<&ActivityReview> = activities.iter().filter(|a| a.class == "core").collect();
    let own_core: Vec<String> = core
        .iter()
        .filter(|a| a.in_house)
        .map(|a| a.name.clone())
        .collect();
    let others_core: Vec<String> = core
        .iter()
        .filter(|a| !a.in_house)
        .map(|a| format!("{} (by {})", a.name, a.performed_by))
        .collect();
    let candidates: Vec<String> = activities
        .iter()
        .filter_map(|a| {
            a.outsourcing_saving
                .map(|s| format!("{} ({} a {period})", a.name, render::money(s)))
        })
        .collect();
    let mut finding = if own_core.is_empty() {
        format!("{name} performs no core activity itself: nothing in the model marks its unique value.")
    } else {
        format!("{} unique value lies in {}.", possessive(name), list(&own_core))
    };
    if !others_core.is_empty() {
        let _ = write!(
            finding,
            " Core value performed by others is a risk: {}.",
            list(&others_core)
        );
    }
    if candidates.is_empty() {
        finding.push_str(" No commodity activity is cheaper outside.");
    } else {
        let _ = write!(
            finding,
            " Outsourcing {} would save {} {} a {period}.",
            list(&candidates),
            render::money(saving),
            saving.currency()
        );
    }
    ValueReview {
        activities: activities.to_vec(),
        outsourcing_saving: saving,
        finding,
    }
}

fn contributors_review(
    contributions: Vec<Contribution>,
    gaps: Vec<KindGap>,
    name: &str,
    period: &str,
) -> ContributorsReview {
    let mut finding = if contributions.is_empty() {
        format!(
            "No flow into {name} names a core activity: the model does not say who helps create its unique value."
        )
    } else {
        let top: Vec<String> = contributions
            .iter()
            .take(3)
            .map(|c| {
                format!(
                    "{} to {} ({} a {period}{})",
                    c.party,
                    c.activity,
                    render::money(c.value),
                    c.kind.as_ref().map(|k| format!(", {k}")).unwrap_or_default()
                )
            })
            .collect();
        format!(
            "The largest contributions to core activities come from {}.",
            list(&top)
        )
    };
    if gaps.is_empty() {
        finding.push_str(" Every relationship is of the kind wanted.");
    } else {
        let widest: Vec<String> = gaps
            .iter()
            .take(3)
            .map(|g| {
                format!(
                    "{}–{} ({} wanted {})",
                    g.between[0], g.between[1], g.kind, g.desired
                )
            })
            .collect();
        let _ = write!(
            finding,
            " {} relationship{} fall{} short of the kind wanted, the widest gaps: {}.",
            gaps.len(),
            if gaps.len() == 1 { "" } else { "s" },
            if gaps.len() == 1 { "s" } else { "" },
            list(&widest)
        );
    }
    ContributorsReview {
        contributions,
        gaps,
        finding,
    }
}

fn trust_review(groups: Vec<GroupTrust>, name: &str) -> TrustReview {
    let known: Vec<&GroupTrust> = groups.iter().filter(|g| g.trust.is_some()).collect();
    let mut finding = if known.is_empty() {
        format!("Nothing in the model says whether any group trusts {name}.")
    } else {
        let trusting = known.iter().filter(|g| g.trust.is_some_and(|t| t >= 0.5)).count();
        let lowest = known
            .iter()
            .min_by(|a, b| a.trust.unwrap_or(0.0).total_cmp(&b.trust.unwrap_or(0.0)))
            .map(|g| format!("{} ({:.2})", g.key, g.trust.unwrap_or(0.0)))
            .unwrap_or_default();
        format!(
            "{trusting} of {} groups with known trust lean towards trusting {name} (projected trust of 0.5 or more); the lowest is {lowest}.",
            known.len()
        )
    };
    let contextual: Vec<String> = groups
        .iter()
        .filter(|g| g.contextual)
        .map(|g| g.key.clone())
        .collect();
    if contextual.is_empty() {
        finding.push_str(" Trust is absolute: no group trusts differently by context.");
    } else {
        let _ = write!(finding, " Trust is contextual for {}.", list(&contextual));
    }
    let mut gains: Vec<(&GroupTrust, Money)> = groups
        .iter()
        .filter_map(|g| g.better_trust_npv.map(|m| (g, m)))
        .collect();
    gains.sort_by(|a, b| b.1.amount().cmp(&a.1.amount()).then(a.0.key.cmp(&b.0.key)));
    match gains.first() {
        Some((g, m)) if m.amount() > Decimal::ZERO => {
            let _ = write!(
                finding,
                " Better trust would create value: most with {} (NPV {} {}).",
                g.key,
                render::signed_money(*m),
                m.currency()
            );
        }
        Some(_) => finding.push_str(" Better trust would not raise NPV through the flows that respond to it."),
        None => finding.push_str(
            " No group with a declared trust in the organization has flows to it that respond to trust (trust elasticity), so the model cannot say whether better trust would create value.",
        ),
    }
    TrustReview { groups, finding }
}

fn conversations_review(
    presences: Vec<GroupPresence>,
    remarks: Vec<Remarks>,
    name: &str,
) -> ConversationsReview {
    // (positive, negative, all) remarks, neutral ones included in all.
    let total = |inside: bool| {
        remarks
            .iter()
            .filter(|r| r.in_the_room == inside)
            .fold((0u128, 0u128, 0u128), |(p, n, a), r| {
                (
                    p + u128::from(r.positive),
                    n + u128::from(r.negative),
                    a + u128::from(r.positive) + u128::from(r.negative) + u128::from(r.neutral),
                )
            })
    };
    let (out_p, out_n, out_all) = total(false);
    let (in_p, in_n, in_all) = total(true);
    let all = out_all + in_all;
    let outside_share = (all > 0).then(|| out_all as f64 / all as f64);
    let shares = |p: u128, n: u128, a: u128| (a > 0).then(|| (p as f64 / a as f64, n as f64 / a as f64));
    let finding = match outside_share {
        None => format!("The model records nothing said about {name}."),
        Some(share) => {
            let mut f = format!(
                "{} of what groups say about {name} is said where it is not in the room.",
                percent(share)
            );
            match (shares(out_p, out_n, out_all), shares(in_p, in_n, in_all)) {
                (Some((op, on)), Some((ip, inn))) => {
                    let _ = write!(
                        f,
                        " There, {} of remarks are positive and {} negative; in its own channels, {} and {}.",
                        percent(op),
                        percent(on),
                        percent(ip),
                        percent(inn)
                    );
                }
                (Some((op, on)), None) => {
                    let _ = write!(
                        f,
                        " There, {} of remarks are positive and {} negative; nothing is recorded in its own channels.",
                        percent(op),
                        percent(on)
                    );
                }
                _ => {}
            }
            if let Some(worst) = remarks.iter().filter(|r| r.negative > r.positive).max_by(|a, b| {
                (a.negative - a.positive)
                    .cmp(&(b.negative - b.positive))
                    .then(b.group.cmp(&a.group))
            }) {
                let _ = write!(
                    f,
                    " The most negative: {} on {}{} ({} against, {} for).",
                    worst.group,
                    worst.channel,
                    worst
                        .context
                        .as_ref()
                        .map(|c| format!(" about {c}"))
                        .unwrap_or_default(),
                    worst.negative,
                    worst.positive
                );
            }
            f
        }
    };
    ConversationsReview {
        presences,
        remarks,
        outside_share,
        finding,
    }
}

fn reach_review(mut r: ReachReview, name: &str, largest: Option<(String, f64)>) -> ReachReview {
    let mut f = format!(
        "{name} reaches {} people; weighted by their trust, {} (effective reach){}.",
        render::grouped(Decimal::from(r.raw)),
        people(r.effective),
        r.scale_vs_value
            .map(|s| format!(": {} of the scale is value", percent(s)))
            .unwrap_or_default()
    );
    let _ = write!(
        f,
        " Rented platforms hold {} of its channel exposure; losing all of them would cost {} of effective reach",
        percent(r.rented_exposure),
        percent(r.rented_dependency)
    );
    match largest {
        Some((c, alone)) => {
            let _ = write!(f, "; losing {c} alone would cost the most, {}.", percent(alone));
        }
        None if r.rented_dependency == 0.0 && r.rented_exposure > 0.0 => {
            f.push_str(": every group met there is also reached another way.");
        }
        None => f.push('.'),
    }
    r.finding = f;
    r
}

fn returns_review(mut r: ReturnsReview, horizon: u32, period: &str) -> ReturnsReview {
    let c = r.returns.currency();
    let mut f = format!(
        "Each {period}, relationships return {} {c} against {} {c} of costs{}.",
        render::money(r.returns),
        render::money(r.costs),
        r.roi
            .map(|x| format!(" (ROI {})", percent(x)))
            .unwrap_or_default()
    );
    let _ = write!(
        f,
        " Over {}, the NPV is {} {c}{}{}.",
        periods(horizon, period),
        render::money(r.npv),
        r.sroi.map(|s| format!(", SROI {s:.2}")).unwrap_or_default(),
        r.discounted_payback
            .map(|k| format!(", paid back (discounted) in {period} {k}"))
            .unwrap_or_else(|| ", not paid back within the horizon".to_string())
    );
    if let Some(plan) = &r.plan {
        if plan.chosen.is_empty() {
            f.push_str(" No candidate intervention gains more than it costs within the budget.");
        } else {
            let names: Vec<String> = plan.chosen.iter().map(|(k, _, _)| k.clone()).collect();
            let _ = write!(
                f,
                " Recommended: {} (cost {} {c}, NPV gain {} {c} net of their cost{}).",
                list(&names),
                render::money(plan.cost),
                render::signed_money(plan.gain),
                if plan.interaction.is_zero() {
                    String::new()
                } else {
                    format!(
                        ", of which {} {c} from how they interact",
                        render::signed_money(plan.interaction)
                    )
                }
            );
        }
    }
    r.finding = f;
    r
}

fn commons_review(platforms: Vec<PlatformReview>, threshold: f64, name: &str) -> CommonsReview {
    let flagged = platforms.iter().any(|p| p.flagged);
    // The largest share, ties to the first platform.
    let top = |share: fn(&PlatformReview) -> f64| {
        platforms
            .iter()
            .fold(None::<&PlatformReview>, |best, p| match best {
                Some(b) if share(b) >= share(p) => Some(b),
                _ => Some(p),
            })
    };
    let finding = if platforms.is_empty() {
        format!("{name} uses no commercial platform.")
    } else {
        let mut f = match top(|p| p.effective_reach_share) {
            Some(p) if p.effective_reach_share > 0.0 => format!(
                "The commercial platform {} effective reach depends on most is {} ({} of it).",
                possessive(name),
                p.platform,
                percent(p.effective_reach_share)
            ),
            _ => format!(
                "None of {} effective reach depends on a single commercial platform.",
                possessive(name)
            ),
        };
        match top(|p| p.returns_share) {
            Some(p) if p.returns_share > 0.0 => {
                let _ = write!(
                    f,
                    " The one its returns flow through most is {} ({} of returns).",
                    p.platform,
                    percent(p.returns_share)
                );
            }
            _ => f.push_str(" None of its returns flow through a commercial platform."),
        }
        let over: Vec<String> = platforms
            .iter()
            .filter(|p| p.flagged)
            .map(|p| p.platform.clone())
            .collect();
        if over.is_empty() {
            let _ = write!(f, " No single platform carries more than {}.", percent(threshold));
        } else {
            let _ = write!(
                f,
                " Above the {} threshold: {}. Move those relationships to owned or commons channels.",
                percent(threshold),
                list(&over)
            );
        }
        f
    };
    CommonsReview {
        threshold,
        platforms,
        flagged,
        finding,
    }
}

fn summary(r: &Review) -> String {
    let c = &r.currency;
    let core: Vec<String> = r
        .value
        .activities
        .iter()
        .filter(|a| a.class == "core" && a.in_house)
        .map(|a| a.name.clone())
        .collect();
    let mut s = format!("{} ", r.name);
    if core.is_empty() {
        s.push_str("has no core activity in the model");
    } else {
        let _ = write!(s, "creates its unique value in {}", list(&core));
    }
    let _ = write!(
        s,
        "; its relationships return {} {c} a {} for {} {c} of costs, an NPV of {} {c} over {}.",
        render::money(r.returns.returns),
        r.period,
        render::money(r.returns.costs),
        render::money(r.returns.npv),
        periods(r.horizon, &r.period)
    );
    let _ = write!(
        s,
        " It reaches {} people; weighted by their trust, {}: {} of the scale is value.",
        render::grouped(Decimal::from(r.reach.raw)),
        people(r.reach.effective),
        percent(r.reach.scale_vs_value.unwrap_or(0.0))
    );
    if let Some(share) = r.conversations.outside_share {
        let _ = write!(
            s,
            " {} of what is said about it is said outside its own channels.",
            percent(share)
        );
    }
    if r.commons.flagged {
        let over: Vec<String> = r
            .commons
            .platforms
            .iter()
            .filter(|p| p.flagged)
            .map(|p| p.platform.clone())
            .collect();
        let _ = write!(s, " It leans too hard on {}.", list(&over));
    } else if !r.commons.platforms.is_empty() {
        s.push_str(" No single commercial platform carries too much of it.");
    }
    if let Some(plan) = &r.returns.plan
        && !plan.chosen.is_empty()
    {
        let names: Vec<String> = plan.chosen.iter().map(|(_, n, _)| n.clone()).collect();
        let _ = write!(
            s,
            " The most efficient next steps: {} (NPV gain {} {c}).",
            list(&names),
            render::signed_money(plan.gain)
        );
    }
    s
}

impl Review {
    /// The review as pretty-printed JSON.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] if a number cannot be written (never for a review
    /// of a valid model).
    ///
    /// # Example
    /// ```
    /// let review = covalence::Model::sample().review(&covalence::ReviewOptions::new())?;
    /// let json = review.to_json_string()?;
    /// assert!(json.contains("\"summary\""));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn to_json_string(&self) -> Result<String, Error> {
        serde_json::to_string_pretty(self).map_err(|e| Error::invalid(e.to_string()))
    }
}

//! Trust in the model: declared and observed trust between two parties, inferred trust
//! along the most certain path, and reputation (EigenTrust).

use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::model::{Model, PartyId, TrustProfile};
use crate::snapshot::Snapshot;
use crate::trust::eigentrust::{self, Problem};
use crate::trust::{Discount, Fusion, Opinion};

/// Where an assessed opinion came from.
///
/// # Example
/// ```
/// use covalence::{Model, PartyId, TrustSource};
///
/// let model = Model::sample();
/// let customers: PartyId = model.lookup("customers")?;
/// let trust = model.trust(customers, model.focal().into(), None)?;
/// assert_ne!(trust.source, TrustSource::Unknown);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrustSource {
    /// Only from the relationship's declared trust.
    Declared,
    /// Only from observations (what the group says about the party).
    Observed,
    /// Declared trust and observations, fused cumulatively.
    Both,
    /// Nothing is known: no declared trust, no observations.
    Unknown,
}

/// What one party thinks of another's trustworthiness, as the model knows it.
///
/// # Example
/// ```
/// use covalence::{Model, PartyId};
///
/// let model = Model::sample();
/// let customers: PartyId = model.lookup("customers")?;
/// let on_privacy = model.trust(customers, model.focal().into(), Some("privacy"))?;
/// assert!(on_privacy.contextual, "customers trust Harbor differently by context");
/// assert!(on_privacy.opinion.expect("known").projected() < 0.5);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TrustAssessment {
    /// The trust in the context asked for: the declared opinion (the context's own,
    /// else the absolute one) fused cumulatively with the evidence of observations.
    pub opinion: Option<Opinion>,
    /// Where `opinion` came from.
    pub source: TrustSource,
    /// The declared opinion used, if any.
    pub declared: Option<Opinion>,
    /// Whether `declared` is the context's own opinion (false: the absolute one stood
    /// in, or none was declared).
    pub declared_in_context: bool,
    /// The opinion of the observations alone: `from_evidence(positive, negative)`.
    pub observed: Option<Opinion>,
    /// Positive remarks counted by the observations used.
    pub positive: u64,
    /// Negative remarks counted by the observations used.
    pub negative: u64,
    /// Everything the truster declared about the trustee.
    pub profile: TrustProfile,
    /// The spread (largest minus smallest projected probability) of the declared
    /// absolute and context opinions; 0 with fewer than two.
    pub spread: f64,
    /// Whether trust is contextual: `spread` above [`TrustAssessment::CONTEXTUAL_SPREAD`].
    /// Otherwise one opinion holds everywhere: trust is absolute.
    pub contextual: bool,
}

impl TrustAssessment {
    /// The spread of projected probabilities above which trust counts as contextual.
    ///
    /// ```
    /// assert_eq!(covalence::TrustAssessment::CONTEXTUAL_SPREAD, 0.1);
    /// ```
    pub const CONTEXTUAL_SPREAD: f64 = 0.1;
}

/// Options for inferred trust.
///
/// # Example
/// ```
/// use covalence::{Discount, TrustOptions};
///
/// let options = TrustOptions::new().context("support").discount(Discount::UncertaintyFavouring);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct TrustOptions {
    context: Option<String>,
    discount: Discount,
}

impl TrustOptions {
    /// Absolute trust, probability-sensitive discounting.
    ///
    /// ```
    /// let options = covalence::TrustOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> TrustOptions {
        TrustOptions::default()
    }

    /// Follow trust in this context: each edge uses its opinion for the context, else
    /// its absolute one; a path never mixes two contexts. Default: absolute trust.
    ///
    /// ```
    /// let options = covalence::TrustOptions::new().context("pricing");
    /// # let _ = options;
    /// ```
    pub fn context(mut self, context: impl Into<String>) -> TrustOptions {
        self.context = Some(context.into());
        self
    }

    /// The discount operator along the path. Default: probability-sensitive.
    ///
    /// ```
    /// let options = covalence::TrustOptions::new().discount(covalence::Discount::UncertaintyFavouring);
    /// # let _ = options;
    /// ```
    pub fn discount(mut self, discount: Discount) -> TrustOptions {
        self.discount = discount;
        self
    }
}

/// Trust inferred along the most certain path of trust relationships.
///
/// # Example
/// ```
/// use covalence::{Model, PartyId, TrustOptions};
///
/// let model = Model::sample();
/// let (harbor, media): (PartyId, PartyId) = (model.focal().into(), model.lookup("media")?);
/// let inferred = model.inferred_trust(harbor, media, &TrustOptions::new())?.expect("a path exists");
/// assert_eq!(inferred.path.first(), Some(&harbor));
/// assert_eq!(inferred.path.last(), Some(&media));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InferredTrust {
    /// The opinion at the end of the path: the chain of discounts along it.
    pub opinion: Opinion,
    /// The parties along the path, truster first, trustee last.
    pub path: Vec<PartyId>,
    /// The product of the projected trust of every edge on the path: what the path
    /// search maximizes.
    pub certainty: f64,
}

/// The most certain trust path from one party to every party it reaches.
///
/// # Example
/// ```
/// use covalence::{Model, TrustOptions};
///
/// let model = Model::sample();
/// let paths = model.trust_paths(model.focal().into(), &TrustOptions::new())?;
/// assert!(paths.reached() > 10);
/// for (party, certainty) in paths.iter() {
///     assert!((0.0..=1.0).contains(&certainty), "{party:?}");
/// }
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TrustPaths {
    snapshot: Arc<Snapshot>,
    source: u32,
    /// Per dense index: the path's last edge, as (party before, edge position); the
    /// party before is `u32::MAX` for the source and parties unreached.
    last: Vec<(u32, u32)>,
    /// Per dense index: `-ln` of the product of projected trust along the path
    /// (infinite: unreached).
    cost: Vec<f64>,
    opinions: PathOpinions,
}

/// The opinions at the ends of the paths.
#[derive(Debug, Clone)]
enum PathOpinions {
    /// Per dense index, derived once the paths were found: `(b, d, a)`.
    Derived(Vec<[f64; 3]>),
    /// Chained when asked for, from the path's last edge, where every edge's opinion
    /// is its weight's score ([`Snapshot::score_opinion`]): discounted by the party
    /// before's product of beliefs (`belief`, with uncertainty-favouring discount) or
    /// its certainty.
    Chained { favouring: bool, belief: Vec<f64> },
}

impl TrustPaths {
    /// The party the paths start from.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let paths = model.trust_paths(model.focal().into(), &covalence::TrustOptions::new())?;
    /// assert_eq!(paths.source(), model.focal().into());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn source(&self) -> PartyId {
        self.party(self.source)
    }

    fn party(&self, i: u32) -> PartyId {
        // Dense indices in a result always come from its own snapshot.
        self.snapshot
            .parties
            .get(i as usize)
            .copied()
            .unwrap_or_else(|| unreachable!("dense index in range"))
    }

    /// How many parties have a path, the source included. O(parties).
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let paths = model.trust_paths(model.focal().into(), &covalence::TrustOptions::new())?;
    /// assert!(paths.reached() >= 1);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn reached(&self) -> usize {
        self.cost.iter().filter(|c| c.is_finite()).count()
    }

    /// The certainty of the best path to `party` (1 for the source itself), if any.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let paths = model.trust_paths(model.focal().into(), &covalence::TrustOptions::new())?;
    /// assert_eq!(paths.certainty(model.focal().into()), Some(1.0));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn certainty(&self, party: PartyId) -> Option<f64> {
        let i = self.snapshot.index(party)?;
        self.cost
            .get(i as usize)
            .copied()
            .filter(|c| c.is_finite())
            .map(|c| (-c).exp())
    }

    /// The inferred trust in `party`, with its path; `None` for the source itself and
    /// for parties without a path. Costs O(path length).
    ///
    /// ```
    /// # use covalence::PartyId;
    /// # let model = covalence::Model::sample();
    /// let paths = model.trust_paths(model.focal().into(), &covalence::TrustOptions::new())?;
    /// let community: PartyId = model.lookup("community")?;
    /// assert!(paths.get(community).is_some());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn get(&self, party: PartyId) -> Option<InferredTrust> {
        let target = self.snapshot.index(party)?;
        if target == self.source || self.cost.get(target as usize).is_none_or(|c| !c.is_finite()) {
            return None;
        }
        let mut path = vec![party];
        let mut at = target;
        while at != self.source {
            at = self
                .last
                .get(at as usize)
                .map(|l| l.0)
                .filter(|&p| p != u32::MAX)?;
            path.push(self.party(at));
        }
        path.reverse();
        let [b, d, a] = match &self.opinions {
            PathOpinions::Derived(opinions) => opinions.get(target as usize).copied()?,
            PathOpinions::Chained { favouring, belief } => {
                let (before, k) = self.last.get(target as usize).copied()?;
                let factor = if *favouring {
                    belief.get(before as usize).copied().unwrap_or(0.0)
                } else {
                    (-self.cost.get(before as usize).copied().unwrap_or(f64::INFINITY)).exp()
                };
                discounted(factor, self.snapshot.score_opinion(k as usize)?)
            }
        };
        Some(InferredTrust {
            opinion: Opinion::normalized(b, d, a),
            path,
            certainty: self.cost.get(target as usize).map_or(0.0, |c| (-c).exp()),
        })
    }

    /// Every party with a path and its certainty, the source included, in the model's
    /// party order.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let paths = model.trust_paths(model.focal().into(), &covalence::TrustOptions::new())?;
    /// assert_eq!(paths.iter().count(), paths.reached());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (PartyId, f64)> + '_ {
        self.cost
            .iter()
            .zip(0u32..)
            .filter(|(c, _)| c.is_finite())
            .map(|(c, i)| (self.party(i), (-c).exp()))
    }
}

/// An edge's opinion discounted by the path before it: `(f b, f d, a)`.
fn discounted(factor: f64, o: Opinion) -> [f64; 3] {
    [factor * o.belief(), factor * o.disbelief(), o.base_rate()]
}

/// Options for reputation.
///
/// # Example
/// ```
/// use covalence::ReputationOptions;
///
/// // PageRank's damping 0.85 is a pre-trust weight of 0.15.
/// let options = ReputationOptions::new().alpha(0.15).tolerance(1e-9);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReputationOptions {
    context: Option<String>,
    pre_trust: Vec<(PartyId, f64)>,
    alpha: f64,
    tolerance: f64,
    max_iterations: u32,
}

impl Default for ReputationOptions {
    fn default() -> ReputationOptions {
        ReputationOptions {
            context: None,
            pre_trust: Vec::new(),
            alpha: 0.5,
            tolerance: 1e-10,
            max_iterations: 10_000,
        }
    }
}

impl ReputationOptions {
    /// Absolute trust, the focal organization as the only pre-trusted party, `a = 0.5`,
    /// tolerance 1e-10 on the L1 change, at most 10,000 iterations.
    ///
    /// ```
    /// let options = covalence::ReputationOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> ReputationOptions {
        ReputationOptions::default()
    }

    /// Use trust in this context (else each edge's absolute trust).
    ///
    /// ```
    /// let options = covalence::ReputationOptions::new().context("support");
    /// # let _ = options;
    /// ```
    pub fn context(mut self, context: impl Into<String>) -> ReputationOptions {
        self.context = Some(context.into());
        self
    }

    /// The pre-trusted parties and their weights (normalized to sum to 1). Default:
    /// the focal organization alone.
    ///
    /// ```
    /// use covalence::{Model, ReputationOptions};
    ///
    /// let model = Model::sample();
    /// let options = ReputationOptions::new().pre_trust([(model.focal().into(), 1.0)]);
    /// # let _ = options;
    /// ```
    pub fn pre_trust(mut self, parties: impl IntoIterator<Item = (PartyId, f64)>) -> ReputationOptions {
        self.pre_trust = parties.into_iter().collect();
        self
    }

    /// The weight `a` in `[0, 1]` of pre-trust in each step, `t = (1 - a) Cᵀ t + a p`.
    /// Default 0.5, as in the reference EigenTrust implementations; PageRank's damping
    /// 0.85 is `a = 0.15`.
    ///
    /// ```
    /// let options = covalence::ReputationOptions::new().alpha(0.15);
    /// # let _ = options;
    /// ```
    pub fn alpha(mut self, alpha: f64) -> ReputationOptions {
        self.alpha = alpha;
        self
    }

    /// Stop when the L1 change of an iteration falls below this. Default 1e-10.
    ///
    /// ```
    /// let options = covalence::ReputationOptions::new().tolerance(1e-9);
    /// # let _ = options;
    /// ```
    pub fn tolerance(mut self, tolerance: f64) -> ReputationOptions {
        self.tolerance = tolerance;
        self
    }

    /// Give up (with [`ErrorKind::NoConvergence`]) after this many iterations.
    /// Default 10,000.
    ///
    /// ```
    /// let options = covalence::ReputationOptions::new().max_iterations(500);
    /// # let _ = options;
    /// ```
    pub fn max_iterations(mut self, max_iterations: u32) -> ReputationOptions {
        self.max_iterations = max_iterations;
        self
    }
}

/// Global trust (EigenTrust) of every party, with the iteration's account of itself.
///
/// # Example
/// ```
/// use covalence::{Model, ReputationOptions};
///
/// let model = Model::sample();
/// let reputation = model.reputation(&ReputationOptions::new())?;
/// let total: f64 = reputation.scores().map(|(_, s)| s).sum();
/// assert!((total - 1.0).abs() < 1e-9);
/// assert!(reputation.residual() < 1e-10);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Reputation {
    snapshot: Arc<Snapshot>,
    scores: Vec<f64>,
    iterations: u32,
    residual: f64,
}

impl Reputation {
    /// A party's score, in `[0, 1]`; scores sum to 1.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let reputation = model.reputation(&covalence::ReputationOptions::new())?;
    /// assert!(reputation.score(model.focal().into()).expect("in the model") > 0.0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn score(&self, party: PartyId) -> Option<f64> {
        self.snapshot
            .index(party)
            .and_then(|i| self.scores.get(i as usize).copied())
    }

    /// Every party's score, in the model's party order.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let reputation = model.reputation(&covalence::ReputationOptions::new())?;
    /// assert!(reputation.scores().all(|(_, s)| s >= 0.0));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn scores(&self) -> impl Iterator<Item = (PartyId, f64)> + '_ {
        self.snapshot
            .parties
            .iter()
            .copied()
            .zip(self.scores.iter().copied())
    }

    /// Parties by descending score; equal scores in the model's party order. O(n log n).
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let ranked = model.reputation(&covalence::ReputationOptions::new())?.ranked();
    /// assert!(ranked.windows(2).all(|w| w[0].1 >= w[1].1));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn ranked(&self) -> Vec<(PartyId, f64)> {
        let mut ranked: Vec<(PartyId, f64)> = self.scores().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked
    }

    /// Iterations the power method took.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// assert!(model.reputation(&covalence::ReputationOptions::new())?.iterations() > 0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// The L1 change of the last iteration: below the tolerance.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// assert!(model.reputation(&covalence::ReputationOptions::new())?.residual() < 1e-10);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn residual(&self) -> f64 {
        self.residual
    }
}

impl Model {
    fn context_arg(&self, context: Option<&str>) -> Result<Option<u16>, Error> {
        context.map(|c| self.context_index(c)).transpose()
    }

    fn snapshot_index(&self, snapshot: &Snapshot, party: PartyId, role: &str) -> Result<u32, Error> {
        self.party_data(party).map_err(|e| e.context(role))?;
        snapshot.index(party).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("{role}: {party} is not in this model"),
            )
        })
    }

    /// What `truster` thinks of `trustee`'s trustworthiness in `context` (`None`:
    /// absolute): the declared opinion (the context's own, else the absolute one),
    /// fused cumulatively with the evidence of the truster's observations about the
    /// trustee in that context (positive and negative remarks, through
    /// [`Opinion::from_evidence`], with the declared opinion's base rate; a dogmatic
    /// declared opinion is not moved by evidence), and whether the pair's trust is
    /// contextual or absolute. Costs O(min(degree) + observations in the model).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a party or context not in the model;
    /// [`ErrorKind::InvalidReference`] when truster and trustee are the same party.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, TrustSource};
    ///
    /// let model = Model::sample();
    /// let employees: PartyId = model.lookup("employees")?;
    /// let trust = model.trust(employees, model.focal().into(), None)?;
    /// assert!(!trust.contextual, "employees trust Harbor the same everywhere");
    /// assert!(matches!(trust.source, TrustSource::Declared | TrustSource::Both));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn trust(
        &self,
        truster: PartyId,
        trustee: PartyId,
        context: Option<&str>,
    ) -> Result<TrustAssessment, Error> {
        self.party_data(truster).map_err(|e| e.context("truster"))?;
        self.party_data(trustee).map_err(|e| e.context("trustee"))?;
        let context_index = self.context_arg(context)?;
        if truster == trustee {
            return Err(Error::new(
                ErrorKind::InvalidReference,
                "a party's trust in itself is not modelled",
            ));
        }
        let profile = self
            .relationship_between(truster, trustee)
            .and_then(|id| self.relationship(id).ok())
            .and_then(|r| r.trust_of(truster).cloned())
            .unwrap_or_default();
        let in_context = context.and_then(|c| profile.contexts.get(c).copied());
        let declared = in_context.or(profile.absolute);
        let (mut positive, mut negative) = (0u64, 0u64);
        if let PartyId::Constituent(by) = truster {
            for (key, [p, n, _]) in &self.observations {
                if key.by == by && key.about == trustee && key.context == context_index {
                    positive = positive.saturating_add(*p);
                    negative = negative.saturating_add(*n);
                }
            }
        }
        let (opinion, source, observed) = assess(declared, positive, negative);
        let scores: Vec<f64> = profile
            .absolute
            .iter()
            .chain(profile.contexts.values())
            .map(Opinion::projected)
            .collect();
        let spread = match (
            scores.iter().copied().reduce(f64::max),
            scores.iter().copied().reduce(f64::min),
        ) {
            (Some(max), Some(min)) => max - min,
            _ => 0.0,
        };
        let contextual = spread > TrustAssessment::CONTEXTUAL_SPREAD
            || (profile.absolute.is_none() && !profile.contexts.is_empty());
        Ok(TrustAssessment {
            opinion,
            source,
            declared,
            declared_in_context: in_context.is_some(),
            observed,
            positive,
            negative,
            profile,
            spread,
            contextual,
        })
    }

    /// The most certain trust path from `truster` to every party it reaches. Each
    /// direction of a relationship is an edge carrying the truster's assessed trust in
    /// the context (as [`Model::trust`]: declared, else absolute, fused with the
    /// evidence of observations; a group's observations of a party it has no
    /// relationship with count as an edge too); an edge with no opinion in the context,
    /// or projected trust 0, is cut. Certainty is the product of the projected trust
    /// of the edges; the opinion at each party is the chain of discounts along its path
    /// ([`Opinion::chain`]); of equally certain paths, the one with the higher opinion
    /// wins, then the one through the party with the lower key. Dijkstra's algorithm on
    /// `-ln P` with a radix heap, on the model's snapshot: O(edges + 64 × improvements),
    /// plus O(t log t) for t parties of equal cost at once. Fusing all paths would
    /// count shared edges twice, so only the best path is used.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a party or context not in the model.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, TrustOptions};
    ///
    /// let model = Model::sample();
    /// let paths = model.trust_paths(model.focal().into(), &TrustOptions::new().context("support"))?;
    /// let customers: PartyId = model.lookup("customers")?;
    /// assert!(paths.get(customers).expect("reached").certainty > 0.0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn trust_paths(&self, truster: PartyId, options: &TrustOptions) -> Result<TrustPaths, Error> {
        let context = self.context_arg(options.context.as_deref())?;
        let snapshot = self.snapshot();
        let source = self.snapshot_index(&snapshot, truster, "truster")?;
        let n = snapshot.len();
        let weights = snapshot.weights(self, context);
        // An edge's opinion. Every edge with positive weight has one: weights are the
        // projected trust of these opinions, 0 where there is none.
        let opinion_on = |u: u32, k: u32| snapshot.opinion(self, u, k as usize, context);
        // Per dense index, all the search touches per edge: the cost -ln(certainty) of
        // the best path so far (sums, so that long paths of weak trust do not
        // underflow), beside the bounds of the party's row of trust edges, which go
        // with it into the heap (so that a party popped is found with no look into
        // the row offsets); and that path's last edge as (party before, edge
        // position). Opinions are derived from the final paths.
        let mut nodes: Vec<(f64, [u32; 2])> = snapshot
            .offsets
            .windows(2)
            .map(|w| {
                (
                    f64::INFINITY,
                    [w.first().copied().unwrap_or(0), w.get(1).copied().unwrap_or(0)],
                )
            })
            .collect();
        let mut last = vec![(u32::MAX, u32::MAX); n];
        // Settled parties, one bit each: small enough to stay in a core's cache.
        let mut done = vec![0u64; n.div_ceil(64)];
        let is_done = |done: &[u64], i: usize| done.get(i / 64).is_none_or(|w| w >> (i % 64) & 1 == 1);
        // With uncertainty-favouring discount: the product of beliefs along each
        // settled path, the factor its discounts scale by.
        let favouring = options.discount == Discount::UncertaintyFavouring;
        let mut belief = if favouring { vec![0.0f64; n] } else { Vec::new() };
        if let Some(c) = nodes.get_mut(source as usize) {
            c.0 = 0.0;
        }
        if let Some(b) = belief.get_mut(source as usize) {
            *b = 1.0;
        }
        // The discount factor of the path to a settled party, of cost `c`.
        let factor = |c: f64, belief: &[f64], u: u32| {
            if favouring {
                belief.get(u as usize).copied().unwrap_or(0.0)
            } else {
                (-c).exp()
            }
        };
        // The opinion at the end of a path: the discount of its last edge's opinion.
        let chained = |c: f64, belief: &[f64], before: u32, k: u32| {
            let f = factor(c, belief, before);
            opinion_on(before, k).map(|o| discounted(f, o))
        };
        let cost_of =
            |nodes: &[(f64, [u32; 2])], i: u32| nodes.get(i as usize).map_or(f64::INFINITY, |x| x.0);
        // Min-heap on cost: for non-negative floats the bit patterns order as the
        // values do. Of equal costs the lower index pops first: deterministic.
        let mut heap = super::heap::RadixHeap::new();
        let row_of = |nodes: &[(f64, [u32; 2])], i: u32| nodes.get(i as usize).map_or([0, 0], |x| x.1);
        heap.push(0.0f64.to_bits(), (source, row_of(&nodes, source)));
        while let Some((key, (u, [start, end]))) = heap.pop() {
            let ui = u as usize;
            // A party improved on was pushed again. Its first entry to come out has
            // its least cost, which is final: the later ones (of higher cost, or of the
            // same cost when a tie was broken) find it settled and are passed over.
            let cu = f64::from_bits(key);
            if is_done(&done, ui) {
                continue;
            }
            if let Some(w) = done.get_mut(ui / 64) {
                *w |= 1 << (ui % 64);
            }
            if favouring && u != source {
                let (before, k) = last.get(ui).copied().unwrap_or((u32::MAX, u32::MAX));
                let b = belief.get(before as usize).copied().unwrap_or(0.0)
                    * opinion_on(before, k).map_or(0.0, |o| o.belief());
                if let Some(x) = belief.get_mut(ui) {
                    *x = b;
                }
            }
            // The party to pop next is, all but always, the least held now (this
            // party's edges rarely add a cost below the heap's dense front): its row
            // is read now, so that its fetch from memory overlaps this party's edges.
            if let Some((_, [next, _])) = heap.peek() {
                std::hint::black_box((
                    snapshot.targets.get(next as usize).copied(),
                    weights.get(next as usize).copied(),
                ));
            }
            let row = start as usize..(end as usize).max(start as usize);
            let targets = snapshot.targets.get(row.clone()).unwrap_or_default();
            let row_weights = weights.get(row).unwrap_or_default();
            for (k, (&v, &p)) in (start..).zip(targets.iter().zip(row_weights)) {
                if p <= 0.0 {
                    continue;
                }
                let vi = v as usize;
                // A settled party is never improved on (its bit, in a core's cache,
                // spares a read of its cost); nor is a party already below `cu`.
                if is_done(&done, vi) {
                    continue;
                }
                let current = nodes.get(vi).map_or(0.0, |x| x.0);
                if current < cu {
                    continue;
                }
                let candidate = cu - p.ln();
                if candidate > current {
                    continue;
                }
                if candidate == current {
                    if is_done(&done, vi) {
                        continue;
                    }
                    // Equally certain paths: keep the higher opinion, then the lower
                    // key before it, so insertion order does not decide.
                    let (old_before, old_k) = last.get(vi).copied().unwrap_or((u32::MAX, u32::MAX));
                    let projected = |parts: Option<[f64; 3]>| {
                        parts.map(|[b, d, a]| Opinion::normalized(b, d, a).projected())
                    };
                    let old = projected(chained(cost_of(&nodes, old_before), &belief, old_before, old_k))
                        .unwrap_or(0.0);
                    let Some(new) = projected(chained(cu, &belief, u, k)) else {
                        continue;
                    };
                    let key = |i: u32| {
                        snapshot
                            .parties
                            .get(i as usize)
                            .and_then(|q| self.party_key(*q).ok())
                    };
                    if new < old || (new == old && key(u) >= key(old_before)) {
                        continue;
                    }
                }
                if let (Some(c), Some(l)) = (nodes.get_mut(vi), last.get_mut(vi)) {
                    c.0 = candidate;
                    *l = (u, k);
                    heap.push(candidate.to_bits(), (v, c.1));
                }
            }
        }
        drop(heap);
        drop(done);
        let cost: Vec<f64> = nodes.iter().map(|x| x.0).collect();
        drop(nodes);
        // Where every edge's opinion is its weight's score, opinions are chained when
        // asked for; otherwise each party's is derived from its final path, in two
        // halves (on two threads for large models).
        if snapshot.scores(context) {
            return Ok(TrustPaths {
                snapshot,
                source,
                last,
                cost,
                opinions: PathOpinions::Chained { favouring, belief },
            });
        }
        let mut opinion = vec![[0.0f64; 3]; n];
        let derive = |opinion: &mut [[f64; 3]], last: &[(u32, u32)]| {
            for (o, &(before, k)) in opinion.iter_mut().zip(last) {
                if before != u32::MAX
                    && let Some(parts) = chained(
                        cost.get(before as usize).copied().unwrap_or(f64::INFINITY),
                        &belief,
                        before,
                        k,
                    )
                {
                    *o = parts;
                }
            }
        };
        let (o0, o1) = opinion.split_at_mut(n / 2);
        let (l0, l1) = last.split_at(n / 2);
        super::join(n >= 1 << 16, || derive(o0, l0), || derive(o1, l1));
        Ok(TrustPaths {
            snapshot,
            source,
            last,
            cost,
            opinions: PathOpinions::Derived(opinion),
        })
    }

    /// Trust inferred from `truster` to `trustee` along the most certain path (see
    /// [`Model::trust_paths`]); `None` when no path of trust joins them.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a party or context not in the model;
    /// [`ErrorKind::InvalidReference`] when truster and trustee are the same party.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, TrustOptions};
    ///
    /// let model = Model::sample();
    /// let (media, harbor): (PartyId, PartyId) = (model.lookup("media")?, model.focal().into());
    /// if let Some(inferred) = model.inferred_trust(harbor, media, &TrustOptions::new())? {
    ///     assert!(inferred.opinion.projected() <= 1.0);
    /// }
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn inferred_trust(
        &self,
        truster: PartyId,
        trustee: PartyId,
        options: &TrustOptions,
    ) -> Result<Option<InferredTrust>, Error> {
        self.party_data(trustee).map_err(|e| e.context("trustee"))?;
        if truster == trustee {
            return Err(Error::new(
                ErrorKind::InvalidReference,
                "a party's trust in itself is not modelled",
            ));
        }
        Ok(self.trust_paths(truster, options)?.get(trustee))
    }

    /// Reputation: the global trust of every party by EigenTrust (Kamvar et al., 2003)
    /// over the trust edges of [`Model::trust_paths`] in a context. Local trust is the
    /// projected trust of each edge, normalized per truster; parties who trust nobody
    /// defer to the pre-trusted parties; `t = (1 - a) Cᵀ t + a p` is iterated from
    /// `t = p` until the L1 change falls below the tolerance. Scores are non-negative
    /// and sum to 1, and a party no trust path from the pre-trusted parties reaches
    /// scores exactly 0 (it cannot vouch for itself). Equal to personalized PageRank
    /// with teleport `p`, damping `1 - a` and dangling mass sent to `p`. Costs
    /// O(iterations × (parties + edges)), the iterations growing as
    /// `ln(tolerance) / ln(1 - a)`; a tolerance below about 1e-15 cannot be met in
    /// floating point. The trust edges of a context are laid out for the iteration on
    /// the first call (O(parties + edges), about 12.5 bytes an edge) and kept until
    /// the model changes, so that later calls in the context (other seeds, other `a`)
    /// start iterating at once.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a context or pre-trusted party not in the model;
    /// [`ErrorKind::InvalidValue`] for `a` outside `[0, 1]`, a tolerance that is not
    /// positive, or pre-trust weights that are negative, not finite, all zero or too
    /// large to sum; [`ErrorKind::NoConvergence`] when the iteration cap is reached
    /// first.
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, PartyId, ReputationOptions};
    ///
    /// let model = Model::sample();
    /// let reputation = model.reputation(&ReputationOptions::new().alpha(0.15))?;
    /// let top = reputation.ranked()[0].0;
    /// assert_eq!(top, PartyId::from(model.focal()));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn reputation(&self, options: &ReputationOptions) -> Result<Reputation, Error> {
        let context = self.context_arg(options.context.as_deref())?;
        if !(options.alpha.is_finite() && (0.0..=1.0).contains(&options.alpha)) {
            return Err(Error::invalid(format!(
                "alpha must be in [0, 1], got {}",
                options.alpha
            )));
        }
        if !(options.tolerance.is_finite() && options.tolerance > 0.0) {
            return Err(Error::invalid(format!(
                "tolerance must be finite and > 0, got {}",
                options.tolerance
            )));
        }
        let snapshot = self.snapshot();
        let mut pre_trust = vec![0.0; snapshot.len()];
        let seeds: Vec<(PartyId, f64)> = if options.pre_trust.is_empty() {
            vec![(self.focal().into(), 1.0)]
        } else {
            options.pre_trust.clone()
        };
        for (party, weight) in &seeds {
            if !(weight.is_finite() && *weight >= 0.0) {
                return Err(Error::invalid(format!(
                    "pre-trust weights must be finite and >= 0, got {weight}"
                )));
            }
            let i = self.snapshot_index(&snapshot, *party, "pre-trusted party")?;
            if let Some(slot) = pre_trust.get_mut(i as usize) {
                *slot += weight;
            }
        }
        let total: f64 = pre_trust.iter().sum();
        if total == 0.0 {
            return Err(Error::invalid("pre-trust weights must not all be zero"));
        }
        if !total.is_finite() {
            return Err(Error::invalid(
                "pre-trust weights are too large to sum; scale them down",
            ));
        }
        pre_trust.iter_mut().for_each(|p| *p /= total);
        let solution = eigentrust::solve(&Problem {
            rows: snapshot.trust_rows(self, context),
            layout: &snapshot.eigentrust(self, context),
            pre_trust: &pre_trust,
            alpha: options.alpha,
            tolerance: options.tolerance,
            max_iterations: options.max_iterations,
        })?;
        Ok(Reputation {
            snapshot,
            scores: solution.scores,
            iterations: solution.iterations,
            residual: solution.residual,
        })
    }
}

/// Declared trust and the evidence of observations, as one opinion: cumulative fusion
/// of the declared opinion with `from_evidence(positive, negative)` (base rate: the
/// declared one's, else 0.5). A dogmatic declared opinion (no uncertainty) is not
/// moved by evidence: it stands, as [`TrustSource::Declared`]. Returns the opinion,
/// its source and the opinion of the evidence alone.
pub(crate) fn assess(
    declared: Option<Opinion>,
    positive: u64,
    negative: u64,
) -> (Option<Opinion>, TrustSource, Option<Opinion>) {
    let base_rate = declared.map_or(0.5, |o| o.base_rate());
    let observed = (positive > 0 || negative > 0)
        .then(|| Opinion::from_evidence_with_base_rate(positive as f64, negative as f64, base_rate).ok())
        .flatten();
    match (declared, observed) {
        (Some(d), Some(_)) if d.is_dogmatic() => (Some(d), TrustSource::Declared, observed),
        (Some(d), Some(o)) => {
            let fused = Opinion::fuse(&[d, o], Fusion::Cumulative).ok();
            (fused.or(Some(d)), TrustSource::Both, observed)
        }
        (Some(d), None) => (Some(d), TrustSource::Declared, None),
        (None, Some(o)) => (Some(o), TrustSource::Observed, observed),
        (None, None) => (None, TrustSource::Unknown, None),
    }
}

//! Trust in the model: declared and observed trust between two parties, inferred trust
//! along the most certain path, and reputation (EigenTrust).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
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

/// How the most certain paths are chosen and their opinions chained, for one search:
/// the rules both the batched search and the reference Dijkstra of the tests follow.
struct Rules<'a> {
    model: &'a Model,
    snapshot: &'a Snapshot,
    context: Option<u16>,
    /// Uncertainty-favouring discount: paths discount by their product of beliefs.
    favouring: bool,
}

impl Rules<'_> {
    /// An edge's opinion. Every edge with positive weight has one: weights are the
    /// projected trust of these opinions, 0 where there is none.
    fn opinion_on(&self, u: u32, k: u32) -> Option<Opinion> {
        self.snapshot.opinion(self.model, u, k as usize, self.context)
    }

    /// The opinion at the end of a path whose last edge is `k` from `before`, of cost
    /// `c` to `before`: the discount of the edge's opinion by the path's product of
    /// beliefs to `before` (favouring) or its certainty.
    fn chained(&self, c: f64, belief: &[f64], before: u32, k: u32) -> Option<[f64; 3]> {
        let factor = if self.favouring {
            belief.get(before as usize).copied().unwrap_or(0.0)
        } else {
            (-c).exp()
        };
        self.opinion_on(before, k).map(|o| discounted(factor, o))
    }

    /// Whether the path ending with edge `new.1` from `new.0` (of cost `new.2` to
    /// there) replaces the equally certain one ending with `old`: when its opinion is
    /// higher, or as high through a party of lower key (so that the order edges are
    /// met in does not decide).
    fn replaces(&self, belief: &[f64], new: (u32, u32, f64), old: (u32, u32, f64)) -> bool {
        let projected =
            |parts: Option<[f64; 3]>| parts.map(|[b, d, a]| Opinion::normalized(b, d, a).projected());
        let old_opinion = projected(self.chained(old.2, belief, old.0, old.1)).unwrap_or(0.0);
        let Some(new_opinion) = projected(self.chained(new.2, belief, new.0, new.1)) else {
            return false;
        };
        let key = |i: u32| {
            self.snapshot
                .parties
                .get(i as usize)
                .and_then(|q| self.model.party_key(*q).ok())
        };
        !(new_opinion < old_opinion || (new_opinion == old_opinion && key(new.0) >= key(old.0)))
    }

    /// The paths of [`super::paths::search`], each tie settled as Dijkstra's search
    /// settles it, and with favouring discount the products of beliefs along them:
    /// `(cost, last, belief)`.
    ///
    /// Dijkstra's search settles parties in order of cost, and parties of equal cost
    /// in order of index among those it has reached; a party's path ends with the
    /// best (by [`Rules::replaces`]) of the edges that come to its cost from parties
    /// settled before it. Those edges are the last to lower the party's cost and the
    /// ties after it. Only where such an edge joins parties of the same cost (an edge
    /// of trust 1) does the order within a cost decide; there it is replayed.
    #[allow(clippy::type_complexity)]
    fn settle(
        &self,
        found: super::paths::Found,
        weights: &[f64],
        source: u32,
    ) -> (Vec<f64>, Vec<(u32, u32)>, Vec<f64>) {
        let super::paths::Found {
            cost, mut last, ties, ..
        } = found;
        let cost_of = |i: u32| cost.get(i as usize).copied().unwrap_or(f64::INFINITY);
        let last_of =
            |last: &[(u32, u32)], v: u32| last.get(v as usize).copied().unwrap_or((u32::MAX, u32::MAX));
        // The edges that come to each tied party's cost: (party, party before, edge).
        let mut edges: Vec<(u32, u32, u32)> = ties.into_iter().filter(|t| t.0 != source).collect();
        let mut tied: Vec<u32> = edges.iter().map(|e| e.0).collect();
        tied.sort_unstable();
        tied.dedup();
        edges.extend(tied.iter().map(|&v| {
            let (u, k) = last_of(&last, v);
            (v, u, k)
        }));
        edges.sort_unstable();
        edges.dedup();
        edges.retain(|&(v, u, k)| {
            let p = weights.get(k as usize).copied().unwrap_or(0.0);
            p > 0.0 && cost_of(u) - p.ln() == cost_of(v)
        });
        let into = |v: u32| {
            let from = edges.partition_point(|e| e.0 < v);
            let to = edges.partition_point(|e| e.0 <= v);
            edges.get(from..to).unwrap_or_default()
        };
        // Where an edge that comes to a party's cost starts at a party of that cost:
        // the order in which Dijkstra's search settles the parties of that cost.
        let mut order: HashMap<u32, usize> = HashMap::new();
        let mut equal: HashMap<u64, Vec<u32>> = edges
            .iter()
            .filter(|e| cost_of(e.1) == cost_of(e.0))
            .map(|e| (cost_of(e.0).to_bits(), Vec::new()))
            .collect();
        if !equal.is_empty() {
            for (v, c) in (0u32..).zip(&cost) {
                if let Some(members) = equal.get_mut(&c.to_bits()) {
                    members.push(v);
                }
            }
        }
        let mut sorted_costs: Vec<u64> = equal.keys().copied().collect();
        sorted_costs.sort_unstable();
        for c in sorted_costs {
            let members = equal.remove(&c).unwrap_or_default();
            // The parties reached from a party of lower cost (or the source) wait
            // first; each party settled makes those it reaches at no cost wait.
            let mut next: HashMap<u32, Vec<u32>> = HashMap::new();
            let mut waiting = BinaryHeap::new();
            for &v in &members {
                let single = [{
                    let (u, k) = last_of(&last, v);
                    (v, u, k)
                }];
                let from = if tied.binary_search(&v).is_ok() {
                    into(v)
                } else {
                    &single[..]
                };
                let mut entry = v == source;
                for &(_, u, _) in from {
                    if cost_of(u) < cost_of(v) {
                        entry = true;
                    } else if u != v && u != u32::MAX {
                        next.entry(u).or_default().push(v);
                    }
                }
                if entry {
                    waiting.push(Reverse(v));
                }
            }
            while let Some(Reverse(x)) = waiting.pop() {
                if order.contains_key(&x) {
                    continue;
                }
                order.insert(x, order.len());
                for &y in next.get(&x).into_iter().flatten() {
                    if !order.contains_key(&y) {
                        waiting.push(Reverse(y));
                    }
                }
            }
        }
        // Tied parties in the order they are settled: the paths compared are settled.
        let rank = |v: u32| (cost_of(v).to_bits(), order.get(&v).copied().unwrap_or(0));
        tied.sort_by_key(|&v| rank(v));
        let mut beliefs = Beliefs::new(if self.favouring { last.len() } else { 0 }, source);
        for &v in &tied {
            let before = |u: u32| {
                cost_of(u) < cost_of(v)
                    || matches!((order.get(&u), order.get(&v)), (Some(a), Some(b)) if a < b)
            };
            let mut best: Option<(u32, u32, f64)> = None;
            for &(_, u, k) in into(v).iter().filter(|e| before(e.1)) {
                let new = (u, k, cost_of(u));
                best = match best {
                    Some(old) => {
                        beliefs.of(self, &last, u);
                        beliefs.of(self, &last, old.0);
                        if self.replaces(&beliefs.belief, new, old) {
                            Some(new)
                        } else {
                            Some(old)
                        }
                    }
                    None => Some(new),
                };
            }
            if let (Some((u, k, _)), Some(slot)) = (best, last.get_mut(v as usize)) {
                *slot = (u, k);
            }
        }
        if self.favouring {
            for (v, c) in (0u32..).zip(&cost) {
                if c.is_finite() {
                    beliefs.of(self, &last, v);
                }
            }
        }
        (cost, last, beliefs.belief)
    }
}

/// With favouring discount, per index, the product of the beliefs of the edges'
/// opinions along the party's path (1 at the source, 0 where unreached), found up the
/// path when first asked for: a party's is asked for only once its path is final.
struct Beliefs {
    belief: Vec<f64>,
    known: Vec<bool>,
    path: Vec<u32>,
}

impl Beliefs {
    /// For `n` parties (none: no beliefs are kept).
    fn new(n: usize, source: u32) -> Beliefs {
        let mut beliefs = Beliefs {
            belief: vec![0.0; n],
            known: vec![false; n],
            path: Vec::new(),
        };
        if let (Some(b), Some(k)) = (
            beliefs.belief.get_mut(source as usize),
            beliefs.known.get_mut(source as usize),
        ) {
            *b = 1.0;
            *k = true;
        }
        beliefs
    }

    /// Finds the belief of `v` and of the parties before it on its path.
    fn of(&mut self, rules: &Rules<'_>, last: &[(u32, u32)], v: u32) {
        // Up the path to a party known (or the path's start), then down again.
        self.path.clear();
        let mut x = v;
        while self.known.get(x as usize) == Some(&false) && self.path.len() < self.known.len() {
            self.path.push(x);
            x = last.get(x as usize).map_or(u32::MAX, |l| l.0);
        }
        let mut b = self.belief.get(x as usize).copied().unwrap_or(0.0);
        while let Some(y) = self.path.pop() {
            let (before, k) = last.get(y as usize).copied().unwrap_or((u32::MAX, u32::MAX));
            b *= rules.opinion_on(before, k).map_or(0.0, |o| o.belief());
            if let (Some(slot), Some(known)) =
                (self.belief.get_mut(y as usize), self.known.get_mut(y as usize))
            {
                *slot = b;
                *known = true;
            }
        }
    }
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
    /// wins, then the one through the party with the lower key. Fusing all paths would
    /// count shared edges twice, so only the best path is used.
    ///
    /// The paths are those of Dijkstra's algorithm on `-ln P`, to the bit. They are
    /// searched on the model's snapshot bucket by bucket of cost, each bucket's parties
    /// in batches whose reads of memory overlap (a party whose cost drops after it was
    /// searched is searched again, once): O(edges + parties log parties). At a million
    /// parties that takes 0.28–0.41 s, against 0.71–0.93 s for the radix-heap Dijkstra
    /// it replaced. Ties are then settled as Dijkstra's algorithm settles them, from
    /// the edges that came to each tied party's cost: O(t log t) for t such edges, plus
    /// O(parties) where they join parties of equal cost or the discount favours
    /// uncertainty.
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
        self.paths_by(truster, options, |rules, weights, source| {
            let snapshot = rules.snapshot;
            let found = super::paths::search(&snapshot.offsets, &snapshot.targets, weights, source);
            rules.settle(found, weights, source)
        })
    }

    /// [`Model::trust_paths`], with `(cost, last, belief)` (as [`Rules::settle`] gives
    /// them) found by `find` from the edges' weights and the source's index.
    #[allow(clippy::type_complexity)]
    fn paths_by(
        &self,
        truster: PartyId,
        options: &TrustOptions,
        find: impl FnOnce(&Rules<'_>, &[f64], u32) -> (Vec<f64>, Vec<(u32, u32)>, Vec<f64>),
    ) -> Result<TrustPaths, Error> {
        let context = self.context_arg(options.context.as_deref())?;
        let snapshot = self.snapshot();
        let source = self.snapshot_index(&snapshot, truster, "truster")?;
        let n = snapshot.len();
        let weights = snapshot.weights(self, context);
        let rules = Rules {
            model: self,
            snapshot: &snapshot,
            context,
            favouring: options.discount == Discount::UncertaintyFavouring,
        };
        let (cost, last, belief) = find(&rules, weights, source);
        let favouring = rules.favouring;
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
                    && let Some(parts) = rules.chained(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Constituent, Currency, Organization, Period, Relationship, RelationshipKind, Role, Settings,
    };
    use proptest::prelude::*;

    /// Groups `g0..` and directed trust `(from, to, opinion)`; a later opinion of a
    /// pair replaces an earlier one.
    fn network(n: usize, trust: &[(usize, usize, Opinion)]) -> (Model, Vec<PartyId>) {
        let mut model = Model::new(
            Settings::new(Period::Year, Currency::USD),
            Organization::new("org"),
        )
        .unwrap();
        let parties: Vec<PartyId> = (0..n)
            .map(|i| {
                model
                    .add_constituent(Constituent::new(format!("g{i}"), Role::Community, 10))
                    .unwrap()
                    .into()
            })
            .collect();
        for &(a, b, opinion) in trust {
            let (pa, pb) = (parties[a], parties[b]);
            let id = match model.relationship_between(pa, pb) {
                Some(id) => id,
                None => model
                    .add_relationship(Relationship::new(pa, pb, RelationshipKind::Responsive))
                    .unwrap(),
            };
            model
                .update_relationship(id, |r| r.trust_of_mut(pa).unwrap().absolute = Some(opinion))
                .unwrap();
        }
        (model, parties)
    }

    /// Opinions of projected trust 1 (unless `uncertain`), 1/2, 1/4 or 0, exactly, with
    /// beliefs and base rates that differ: equally certain paths abound, and their
    /// opinions tell them apart or not.
    fn opinion(certain: bool) -> impl Strategy<Value = Opinion> {
        let o = |b, d, u, a| Opinion::new(b, d, u, a).unwrap();
        let mut all = vec![
            o(0.5, 0.5, 0.0, 0.9),
            o(0.0, 0.0, 1.0, 0.5),
            o(0.25, 0.25, 0.5, 0.5),
            o(0.25, 0.75, 0.0, 0.3),
            o(0.0, 0.5, 0.5, 0.5),
            o(0.0, 1.0, 0.0, 0.5),
        ];
        if certain {
            all.extend([o(1.0, 0.0, 0.0, 0.5), o(0.5, 0.0, 0.5, 1.0)]);
        }
        proptest::sample::select(all)
    }

    fn graph(certain: bool) -> impl Strategy<Value = (usize, Vec<(usize, usize, Opinion)>)> {
        (2usize..10).prop_flat_map(move |n| {
            let edge = (0..n, 0..n, opinion(certain));
            (Just(n), proptest::collection::vec(edge, 0..(3 * n)))
                .prop_map(|(n, edges)| (n, edges.into_iter().filter(|(a, b, _)| a != b).collect()))
        })
    }

    /// Dijkstra's search on `-ln P` with a radix heap, which settles ties as it goes:
    /// `(cost, last, belief)` as [`Rules::settle`] gives them. The reference the batched
    /// search is held to.
    #[allow(clippy::type_complexity)]
    fn dijkstra(rules: &Rules<'_>, weights: &[f64], source: u32) -> (Vec<f64>, Vec<(u32, u32)>, Vec<f64>) {
        let snapshot = rules.snapshot;
        let n = snapshot.len();
        let favouring = rules.favouring;
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
        let mut belief = if favouring { vec![0.0f64; n] } else { Vec::new() };
        if let Some(c) = nodes.get_mut(source as usize) {
            c.0 = 0.0;
        }
        if let Some(b) = belief.get_mut(source as usize) {
            *b = 1.0;
        }
        let cost_of =
            |nodes: &[(f64, [u32; 2])], i: u32| nodes.get(i as usize).map_or(f64::INFINITY, |x| x.0);
        // Min-heap on cost: for non-negative floats the bit patterns order as the
        // values do. Of equal costs the lower index pops first: deterministic.
        let mut heap = crate::analysis::heap::RadixHeap::new();
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
                    * rules.opinion_on(before, k).map_or(0.0, |o| o.belief());
                if let Some(x) = belief.get_mut(ui) {
                    *x = b;
                }
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
                    let (old_before, old_k) = last.get(vi).copied().unwrap_or((u32::MAX, u32::MAX));
                    let old = (old_before, old_k, cost_of(&nodes, old_before));
                    if !rules.replaces(&belief, (u, k, cu), old) {
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
        let cost: Vec<f64> = nodes.iter().map(|x| x.0).collect();
        (cost, last, belief)
    }

    /// The paths of [`Model::trust_paths`] are Dijkstra's, to the bit, from every party
    /// with either discount. Returns the ties the batched search met, and how many of
    /// them joined parties of equal cost.
    fn same_paths(model: &Model, parties: &[PartyId]) -> Result<(usize, usize), TestCaseError> {
        same_paths_from(model, parties, parties)
    }

    /// [`same_paths`] from `sources` only.
    fn same_paths_from(
        model: &Model,
        parties: &[PartyId],
        sources: &[PartyId],
    ) -> Result<(usize, usize), TestCaseError> {
        let (mut ties, mut equal) = (0, 0);
        for &from in sources {
            for discount in [Discount::ProbabilitySensitive, Discount::UncertaintyFavouring] {
                let options = TrustOptions::new().discount(discount);
                let fast = model.trust_paths(from, &options).unwrap();
                let slow = model.paths_by(from, &options, dijkstra).unwrap();
                let bits = |c: &[f64]| c.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                prop_assert_eq!(bits(&fast.cost), bits(&slow.cost));
                prop_assert_eq!(&fast.last, &slow.last);
                for &to in parties {
                    prop_assert_eq!(fast.get(to), slow.get(to));
                }
            }
            let snapshot = model.snapshot();
            let source = model.snapshot_index(&snapshot, from, "truster").unwrap();
            let weights = snapshot.weights(model, None);
            let found = super::super::paths::search(&snapshot.offsets, &snapshot.targets, weights, source);
            ties += found.ties.len();
            equal += found
                .ties
                .iter()
                .filter(|&&(v, u, _)| found.cost[v as usize] == found.cost[u as usize])
                .count();
        }
        Ok((ties, equal))
    }

    proptest! {
    #[test]
    fn batched_paths_are_dijkstras((n, edges) in graph(true)) {
        let (model, parties) = network(n, &edges);
        same_paths(&model, &parties)?;
    }

    #[test]
    fn batched_paths_are_dijkstras_without_edges_of_cost_0((n, edges) in graph(false)) {
        let (model, parties) = network(n, &edges);
        same_paths(&model, &parties)?;
    }    }

    /// Scores of every kind: near 1 (costs lost in rounding), tiny (costs beyond the
    /// search's ring of buckets), and the opinions of [`opinion`].
    fn any_score() -> impl Strategy<Value = Opinion> {
        let score = |p: f64| Opinion::from_score(p).unwrap();
        prop_oneof![
            2 => (0.0..=1.0f64).prop_map(score),
            1 => proptest::sample::select(vec![1.0 - f64::EPSILON / 2.0, 0.99999, 1e-30, 1e-300]).prop_map(score),
            2 => opinion(true),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn batched_paths_are_dijkstras_on_hundreds_of_parties(
            (n, edges) in (200usize..500).prop_flat_map(|n| {
                (Just(n), proptest::collection::vec((0..n, 0..n, any_score()), n..(4 * n)))
                    .prop_map(|(n, edges)| (n, edges.into_iter().filter(|(a, b, _)| a != b).collect::<Vec<_>>()))
            }),
        ) {
            let (model, parties) = network(n, &edges);
            same_paths_from(&model, &parties, &parties[..3])?;
        }
    }

    #[test]
    fn of_two_equally_certain_paths_the_higher_opinion_wins_then_the_lower_key() {
        let o = |b, d, u, a| Opinion::new(b, d, u, a).unwrap();
        let half = Opinion::from_score(0.5).unwrap();
        // g0 -> g1 -> g3 and g0 -> g2 -> g3, both of certainty 1/4. Through g2 the last
        // edge has the higher base rate, so the higher opinion at g3.
        let (model, p) = network(
            4,
            &[
                (0, 1, half),
                (0, 2, half),
                (1, 3, o(0.25, 0.25, 0.5, 0.5)),
                (2, 3, o(0.5, 0.5, 0.0, 0.9)),
            ],
        );
        let (ties, _) = same_paths(&model, &p).unwrap();
        assert!(ties > 0);
        let path = |model: &Model| {
            model
                .trust_paths(p[0], &TrustOptions::new())
                .unwrap()
                .get(p[3])
                .unwrap()
                .path
        };
        assert_eq!(path(&model), vec![p[0], p[2], p[3]]);
        // With the same opinions, the lower key: g1.
        let (model, p) = network(4, &[(0, 1, half), (0, 2, half), (1, 3, half), (2, 3, half)]);
        same_paths(&model, &p).unwrap();
        assert_eq!(path(&model), vec![p[0], p[1], p[3]]);
    }

    #[test]
    fn of_parties_of_equal_cost_only_those_settled_before_are_on_a_path() {
        // From g4, g1 and g3 both cost 0. Dijkstra's search settles g1 (the lower
        // index) before g3, so the edge g3 -> g1 is not g1's path, though g3's key is
        // lower than g4's.
        let one = Opinion::from_score(1.0).unwrap();
        let (model, p) = network(5, &[(4, 1, one), (4, 3, one), (3, 1, one)]);
        let (_, equal) = same_paths(&model, &p).unwrap();
        assert!(equal > 0);
        let paths = model.trust_paths(p[4], &TrustOptions::new()).unwrap();
        assert_eq!(paths.get(p[1]).unwrap().path, vec![p[4], p[1]]);
    }
}

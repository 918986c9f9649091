//! The compact, immutable view of a model that analyses run on: parties numbered
//! densely, directed trust edges in compressed sparse rows with `u32` indices, and
//! per-context trust weights computed once and kept. Built from the model on first use
//! after an edit (or laid out by a CSV import beside the model it builds); analyses
//! never walk the editable graph on their hot paths.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use crate::model::{Model, PartyId};
use crate::trust::Opinion;
use crate::trust::eigentrust::{Layout, Rows};

/// One directed trust edge's source in the model: the relationship's graph edge, and
/// whether the trust runs against the edge (second party's trust in the first),
/// packed in four bytes as `edge << 1 | reverse` (the model keeps graph edge indices
/// below 2^31 - 1). [`Link::OBSERVED`] marks trust known only from observations, with
/// no relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Link(u32);

impl Link {
    pub(crate) const OBSERVED: Link = Link(u32::MAX);

    pub(crate) fn new(edge: u32, reverse: bool) -> Link {
        Link(edge << 1 | u32::from(reverse))
    }

    /// The relationship's graph edge index.
    pub(crate) fn edge(self) -> u32 {
        self.0 >> 1
    }

    /// Whether the trust is the second party's in the first.
    pub(crate) fn reverse(self) -> bool {
        self.0 & 1 == 1
    }
}

/// What a walk of the relationships is told of each: its graph edge, its record, its
/// two parties (dense), and whether the first trusts the second and the reverse.
type Visit<'a> = dyn FnMut(u32, &crate::model::RelRecord, u32, u32, bool, bool) + 'a;

/// Relationships from which building a snapshot is worth two threads.
const PARALLEL_RELATIONSHIPS: usize = 1 << 16;

/// Remarks counted by observations: (observer, subject, context) to (positive, negative).
type Evidence = HashMap<(u32, u32, Option<u16>), (u64, u64)>;

/// What a snapshot holds that trust opinions do not change: the parties, the trust
/// edges and the relationships, with the adjacencies built from them. Scenarios that
/// only change opinions of existing trust edges (or nothing the snapshot holds) share
/// it with the model they start from.
#[derive(Debug)]
pub(crate) struct Topology {
    /// Dense index to party id, in the model's node order.
    pub(crate) parties: Vec<PartyId>,
    /// Graph node index to dense index (`u32::MAX` for a vacant slot).
    dense: Vec<u32>,
    /// Out-edges of trust: `targets[offsets[i]..offsets[i + 1]]` are trusted by `i`.
    pub(crate) offsets: Vec<u32>,
    pub(crate) targets: Vec<u32>,
    pub(crate) links: Vec<Link>,
    /// What observers said about subjects: the evidence fused into declared trust.
    evidence: Evidence,
    /// Relationship neighbours (either direction), built on first use.
    neighbors: OnceLock<Adjacency>,
    /// Incoming trust edges, built on first use.
    incoming: OnceLock<Adjacency>,
    /// For each relationship-neighbour entry (g's row, h), the place of the entry
    /// (h's row, g); built on first use.
    reverse: OnceLock<Vec<u32>>,
    /// Relationships with no trust edge either way, as (first party, second party):
    /// with the trust edges, what a search scans before neighbour rows are built.
    untrusted: Vec<(u32, u32)>,
    /// Whether some trust edges are known from observations alone (no relationship).
    observed_only: bool,
    /// Whether a search has scanned the relationships instead of building rows.
    scanned: std::sync::atomic::AtomicBool,
}

#[derive(Debug)]
pub(crate) struct Snapshot {
    topology: Arc<Topology>,
    /// Projected trust per edge, per context (index 0: absolute; `c + 1`: context c).
    weights: Vec<OnceLock<Vec<f64>>>,
    /// The trust edges laid out for EigenTrust, per context as `weights`, built on
    /// first use.
    eigentrust: Vec<OnceLock<Arc<Layout>>>,
    /// Whether every trust edge's absolute opinion is the dogmatic one of its weight
    /// ([`Opinion::from_score`]), as imports of scored edges make: the opinion is then
    /// read off the weight, without a look into the model.
    scored: bool,
    /// The last comparison baseline evaluated on this state of the model.
    pub(crate) baseline: Baseline,
}

impl std::ops::Deref for Snapshot {
    type Target = Topology;

    fn deref(&self) -> &Topology {
        &self.topology
    }
}

/// A comparison baseline kept with the snapshot: the options it was evaluated with and
/// the evaluation.
pub(crate) type Baseline = std::sync::Mutex<
    Option<(
        crate::scenario::CompareOptions,
        std::sync::Arc<crate::scenario::Evaluation>,
    )>,
>;

/// Rows of `(node, trust edge position)`: for neighbours, the position of this node's
/// trust in the neighbour (`u32::MAX` when it has none); for incoming edges, the
/// position of the source's edge to this node.
#[derive(Debug, Default)]
pub(crate) struct Adjacency {
    offsets: Vec<u32>,
    nodes: Vec<u32>,
    edges: Vec<u32>,
}

/// Turns counts (`counts[i + 1]`: the size of row i) into row offsets, in place.
pub(crate) fn running_sums(counts: &mut [u32]) {
    let mut total = 0u32;
    for c in counts.iter_mut() {
        total = total.saturating_add(*c);
        *c = total;
    }
}

/// The next free place of each row of one part of a compressed sparse row layout
/// being filled (rows `rows`, given their `offsets` into the whole layout), counted from
/// the part's first place: what fills the part's own slice of the layout.
pub(crate) struct PartFill {
    first: usize,
    next: Vec<u32>,
}

impl PartFill {
    pub(crate) fn new(offsets: &[u32], rows: std::ops::Range<usize>) -> PartFill {
        let base = offsets.get(rows.start).copied().unwrap_or(0);
        PartFill {
            first: rows.start,
            next: offsets
                .get(rows)
                .unwrap_or_default()
                .iter()
                .map(|o| o - base)
                .collect(),
        }
    }

    /// The next place of `row` in the part's slice, taken; `None` for a row of
    /// another part.
    pub(crate) fn take(&mut self, row: usize) -> Option<usize> {
        let next = row.checked_sub(self.first).and_then(|i| self.next.get_mut(i))?;
        *next += 1;
        Some(*next as usize - 1)
    }
}

/// Trust edges laid out in rows, as a snapshot holds them (see
/// [`Snapshot::from_rows`]): row offsets, each edge's target, relationship and
/// absolute weight, whether every opinion is a score's, and the relationships.
pub(crate) struct TrustRows {
    pub(crate) offsets: Vec<u32>,
    pub(crate) targets: Vec<u32>,
    pub(crate) links: Vec<Link>,
    pub(crate) weights: Vec<f64>,
    pub(crate) scored: bool,
    pub(crate) relationships: usize,
    /// The absolute weights laid out for EigenTrust, if laid out already.
    pub(crate) eigentrust: Option<Layout>,
}

impl TrustRows {
    /// The rows, with their absolute weights.
    pub(crate) fn rows(&self) -> Rows<'_> {
        Rows {
            offsets: &self.offsets,
            targets: &self.targets,
            weights: &self.weights,
        }
    }
}

impl Adjacency {
    /// Rows from `(row, node, edge)` triples: placed by a counting sort on the row,
    /// each row then sorted by node. O(n + pairs + Σ d log d).
    fn from_pairs(n: usize, pairs: Vec<(u32, u32, u32)>) -> Adjacency {
        let mut offsets = vec![0u32; n + 1];
        for (a, _, _) in &pairs {
            if let Some(o) = offsets.get_mut(*a as usize + 1) {
                *o += 1;
            }
        }
        running_sums(&mut offsets);
        let mut fill = offsets.clone();
        let mut placed = vec![(0u32, 0u32); pairs.len()];
        for (a, b, e) in pairs {
            if let Some(at) = fill.get_mut(a as usize)
                && let Some(slot) = placed.get_mut(*at as usize)
            {
                *slot = (b, e);
                *at += 1;
            }
        }
        for i in 0..n {
            let (start, end) = (
                offsets.get(i).copied().unwrap_or(0) as usize,
                offsets.get(i + 1).copied().unwrap_or(0) as usize,
            );
            if let Some(row) = placed.get_mut(start..end) {
                row.sort_unstable();
            }
        }
        Adjacency {
            offsets,
            nodes: placed.iter().map(|p| p.0).collect(),
            edges: placed.iter().map(|p| p.1).collect(),
        }
    }

    /// The row of `i` with each entry's place in the adjacency:
    /// `(place, node, edge position)`.
    pub(crate) fn entries(&self, i: u32) -> impl Iterator<Item = (usize, u32, u32)> + '_ {
        let start = self.offsets.get(i as usize).copied().unwrap_or(0) as usize;
        self.row(i)
            .enumerate()
            .map(move |(j, (node, edge))| (start + j, node, edge))
    }

    /// The place of `node` in the row of `i` (rows are sorted): O(log degree).
    pub(crate) fn find(&self, i: u32, node: u32) -> Option<usize> {
        let start = self.offsets.get(i as usize).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(i as usize + 1).copied().unwrap_or(0) as usize;
        let row = self.nodes.get(start..end.max(start))?;
        row.binary_search(&node).ok().map(|j| start + j)
    }

    /// How many entries all rows hold.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The row of `i`: `(node, edge position)`.
    pub(crate) fn row(&self, i: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let start = self.offsets.get(i as usize).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(i as usize + 1).copied().unwrap_or(0) as usize;
        let range = start..end.max(start);
        let nodes = self.nodes.get(range.clone()).into_iter().flatten();
        let edges = self.edges.get(range).into_iter().flatten();
        nodes.copied().zip(edges.copied())
    }
}

impl Snapshot {
    /// Costs O(parties + relationships + observations).
    pub(crate) fn build(model: &Model) -> Snapshot {
        let graph = &model.graph;
        let (parties, dense) = numbering(model);
        let bound = dense.len();
        let n = parties.len();
        let dense_of = |p: PartyId| {
            dense
                .get(p.slot().index as usize)
                .copied()
                .filter(|&i| i != u32::MAX)
        };
        let mut evidence = Evidence::new();
        for (key, [positive, negative, _]) in &model.observations {
            if let (Some(by), Some(about)) = (dense_of(key.by.into()), dense_of(key.about))
                && positive.saturating_add(*negative) > 0
            {
                let slot = evidence.entry((by, about, key.context)).or_insert((0, 0));
                slot.0 = slot.0.saturating_add(*positive);
                slot.1 = slot.1.saturating_add(*negative);
            }
        }
        // Pairs with evidence in any context, for membership tests.
        let mut said: Vec<(u32, u32)> = evidence.keys().map(|&(a, b, _)| (a, b)).collect();
        said.sort_unstable();
        said.dedup();
        let observed = |a: u32, b: u32| said.binary_search(&(a, b)).is_ok();
        let has_trust = |r: &crate::model::RelRecord, edge: u32, direction: u8| {
            r.trust.get(usize::from(direction)).is_some_and(|t| t.is_some())
                || (r.has_extra
                    && model
                        .extras
                        .get(&edge)
                        .is_some_and(|x| x.contexts.iter().any(|c| c.direction == direction)))
        };
        // Directed edges, placed by a counting sort on the source in two walks of the
        // relationships in order (no list of edges in between): each row keeps
        // relationship order, then observation order, deterministically. Rows are
        // filled in two halves, on two threads when the graph is large: each walks
        // every relationship and fills its own rows.
        // With no vacant node slot, a node's dense index is its own.
        let identity = parties.len() == bound;
        let ends = |source: usize, target: usize| {
            if identity {
                return Some((source as u32, target as u32));
            }
            let a = dense.get(source).copied().unwrap_or(u32::MAX);
            let b = dense.get(target).copied().unwrap_or(u32::MAX);
            (a != u32::MAX && b != u32::MAX).then_some((a, b))
        };
        // Trust known only from what a group says about a party it has no relationship
        // with.
        let unrelated: Vec<(u32, u32)> = said
            .iter()
            .copied()
            .filter(
                |&(a, b)| match (parties.get(a as usize), parties.get(b as usize)) {
                    (Some(pa), Some(pb)) => model.relationship_between(*pa, *pb).is_none(),
                    _ => false,
                },
            )
            .collect();
        // Each relationship's two parties and whether each trusts the other.
        let each = |f: &mut Visit<'_>| {
            for e in graph.edge_references() {
                let id = e.id().index() as u32;
                if let Some((a, b)) = ends(e.source().index(), e.target().index()) {
                    let r = e.weight();
                    let forward = has_trust(r, id, 0) || observed(a, b);
                    let back = has_trust(r, id, 1) || observed(b, a);
                    f(id, r, a, b, forward, back);
                }
            }
        };
        let parallel = graph.edge_count() >= PARALLEL_RELATIONSHIPS;
        let mid = (n / 2) as u32;
        let halves = [0..mid, mid..n as u32];
        let mut offsets = vec![0u32; n + 1];
        {
            // counts[i - rows.start]: the size of row i.
            let count = |rows: &std::ops::Range<u32>, counts: &mut [u32]| {
                let mut add = |a: u32| {
                    if let Some(c) = a.checked_sub(rows.start).and_then(|i| counts.get_mut(i as usize)) {
                        *c += 1;
                    }
                };
                each(&mut |_, _, a, b, forward, back| {
                    if forward {
                        add(a);
                    }
                    if back {
                        add(b);
                    }
                });
                for &(a, _) in &unrelated {
                    add(a);
                }
            };
            let (c0, c1) = offsets
                .get_mut(1..)
                .unwrap_or_default()
                .split_at_mut(mid as usize);
            let [h0, h1] = &halves;
            crate::analysis::join(parallel, || count(h0, c0), || count(h1, c1));
        }
        running_sums(&mut offsets);
        let total = offsets.last().copied().unwrap_or(0) as usize;
        let mut targets = vec![0u32; total];
        let mut links = vec![Link::OBSERVED; total];
        let mut absolute_weights = vec![0.0; total];
        // Fills the rows of one half; says whether every opinion placed is a score's.
        let fill =
            |rows: &std::ops::Range<u32>, targets: &mut [u32], links: &mut [Link], weights: &mut [f64]| {
                let mut fill = PartFill::new(&offsets, rows.start as usize..rows.end as usize);
                let mut scored = true;
                // The first half also lists the relationships without trust either way.
                let mut untrusted = Vec::new();
                let first = rows.start == 0;
                let mut absolute = |declared: Option<Opinion>, a: u32, b: u32| {
                    let opinion = with_evidence(&evidence, declared, a, b, None);
                    scored &= is_score(opinion);
                    opinion.map_or(0.0, |o| o.projected())
                };
                let mut place = |a: u32, b: u32, link: Link, weight: f64| {
                    if let Some(k) = fill.take(a as usize)
                        && let (Some(t), Some(l), Some(x)) =
                            (targets.get_mut(k), links.get_mut(k), weights.get_mut(k))
                    {
                        *t = b;
                        *l = link;
                        *x = weight;
                    }
                };
                each(&mut |id, r, a, b, forward, back| {
                    let declared = |direction: usize| r.trust.get(direction)?.get(&model.opinions);
                    // A score is its own weight, when no evidence is fused into it.
                    let score = |direction: usize| {
                        let slot = r.trust.get(direction)?;
                        evidence.is_empty().then(|| slot.score()).flatten()
                    };
                    if forward && rows.contains(&a) {
                        let weight = score(0).unwrap_or_else(|| absolute(declared(0), a, b));
                        place(a, b, Link::new(id, false), weight);
                    }
                    if back && rows.contains(&b) {
                        let weight = score(1).unwrap_or_else(|| absolute(declared(1), b, a));
                        place(b, a, Link::new(id, true), weight);
                    }
                    if first && !forward && !back {
                        untrusted.push((a, b));
                    }
                });
                for &(a, b) in &unrelated {
                    if rows.contains(&a) {
                        place(a, b, Link::OBSERVED, absolute(None, a, b));
                    }
                }
                (scored, untrusted)
            };
        let split = offsets.get(mid as usize).copied().unwrap_or(0) as usize;
        let (t0, t1) = targets.split_at_mut(split.min(total));
        let (l0, l1) = links.split_at_mut(split.min(total));
        let (w0, w1) = absolute_weights.split_at_mut(split.min(total));
        let [h0, h1] = &halves;
        let ((scored0, untrusted), (scored1, _)) =
            crate::analysis::join(parallel, || fill(h0, t0, l0, w0), || fill(h1, t1, l1, w1));
        let rows = TrustRows {
            offsets,
            targets,
            links,
            weights: absolute_weights,
            scored: scored0 && scored1,
            relationships: graph.edge_count(),
            eigentrust: None,
        };
        Snapshot::assemble(
            model,
            (parties, dense),
            rows,
            evidence,
            untrusted,
            !unrelated.is_empty(),
        )
    }

    /// The snapshot of `model` from its trust edges laid out elsewhere (as an import
    /// that knows its relationships in order lays them out, while it builds the model),
    /// the rows of party k being those of `parties[k]`: `None` unless the model's
    /// parties are those, in node order with no vacant slot, it holds exactly
    /// `rows.relationships` relationships, as graph edges 0, 1, and so on, each with
    /// some trust, and nothing else bears on trust (no observations, no trust by
    /// context). What is laid out must be what [`Snapshot::build`] lays out.
    pub(crate) fn from_rows(model: &Model, parties: &[PartyId], rows: TrustRows) -> Option<Snapshot> {
        let graph = &model.graph;
        let total = rows.offsets.last().copied().unwrap_or(0) as usize;
        let plain = model.observations.is_empty()
            && model.extras.is_empty()
            && graph.edge_count() == rows.relationships
            && graph
                .edge_references()
                .next_back()
                .map_or(0, |e| e.id().index() + 1)
                == rows.relationships
            && rows.offsets.len() == parties.len() + 1
            && [rows.targets.len(), rows.links.len(), rows.weights.len()] == [total; 3];
        let numbering = numbering(model);
        (plain && numbering.0 == parties && numbering.1.len() == parties.len())
            .then(|| Snapshot::assemble(model, numbering, rows, Evidence::new(), Vec::new(), false))
    }

    fn assemble(
        model: &Model,
        (parties, dense): (Vec<PartyId>, Vec<u32>),
        rows: TrustRows,
        evidence: Evidence,
        untrusted: Vec<(u32, u32)>,
        observed_only: bool,
    ) -> Snapshot {
        let weights: Vec<OnceLock<Vec<f64>>> = (0..=model.settings.contexts.len())
            .map(|_| OnceLock::new())
            .collect();
        if let Some(cell) = weights.first() {
            let _ = cell.set(rows.weights);
        }
        let eigentrust: Vec<OnceLock<Arc<Layout>>> = weights.iter().map(|_| OnceLock::new()).collect();
        if let (Some(cell), Some(layout)) = (eigentrust.first(), rows.eigentrust) {
            let _ = cell.set(Arc::new(layout));
        }
        Snapshot {
            topology: Arc::new(Topology {
                parties,
                dense,
                offsets: rows.offsets,
                targets: rows.targets,
                links: rows.links,
                evidence,
                neighbors: OnceLock::new(),
                incoming: OnceLock::new(),
                reverse: OnceLock::new(),
                untrusted,
                observed_only,
                scanned: std::sync::atomic::AtomicBool::new(false),
            }),
            weights,
            eigentrust,
            scored: rows.scored,
            baseline: std::sync::Mutex::new(None),
        }
    }

    /// Whether two snapshots lay out the same parties and trust edges, with the same
    /// absolute weights (bit for bit).
    #[cfg(test)]
    pub(crate) fn same_layout(&self, other: &Snapshot) -> bool {
        let absolute = |s: &Snapshot| {
            s.weights
                .first()
                .and_then(|w| w.get())
                .map(|w| w.iter().map(|x| x.to_bits()).collect::<Vec<_>>())
        };
        self.parties == other.parties
            && self.dense == other.dense
            && self.offsets == other.offsets
            && self.targets == other.targets
            && self.links == other.links
            && self.untrusted == other.untrusted
            && self.observed_only == other.observed_only
            && self.scored == other.scored
            && absolute(self) == absolute(other)
    }

    /// The absolute weights laid out for EigenTrust, if laid out already.
    #[cfg(test)]
    pub(crate) fn laid_out_eigentrust(&self) -> Option<&Layout> {
        self.eigentrust.first()?.get().map(|l| &**l)
    }

    /// A snapshot for a model whose parties, relationships, trust edges and
    /// observations are this one's, and whose opinions differ at most on the
    /// relationships `changed` (graph edge indices): the topology is shared, the
    /// weights computed so far are kept except on those relationships' edges.
    pub(crate) fn with_new_opinions(&self, model: &Model, changed: &[u32]) -> Snapshot {
        let mut scored = self.scored;
        let weights = self
            .weights
            .iter()
            .enumerate()
            .map(|(slot, cell)| {
                let fresh = OnceLock::new();
                if let Some(kept) = cell.get() {
                    let context = slot.checked_sub(1).and_then(|c| u16::try_from(c).ok());
                    let mut weights = kept.clone();
                    for i in 0..self.parties.len() as u32 {
                        for (_, k) in self.out(i) {
                            if self.links.get(k).is_some_and(|l| changed.contains(&l.edge()))
                                && let Some(w) = weights.get_mut(k)
                            {
                                let opinion = self.declared_opinion(model, i, k, context);
                                if context.is_none() {
                                    scored &= is_score(opinion);
                                }
                                *w = opinion.map_or(0.0, |o| o.projected());
                            }
                        }
                    }
                    let _ = fresh.set(weights);
                }
                fresh
            })
            .collect();
        // A layout for EigenTrust is kept only where no weight changed.
        let eigentrust = self
            .eigentrust
            .iter()
            .map(|cell| match cell.get() {
                Some(layout) if changed.is_empty() => OnceLock::from(layout.clone()),
                _ => OnceLock::new(),
            })
            .collect();
        Snapshot {
            topology: self.topology.clone(),
            weights,
            eigentrust,
            scored,
            baseline: std::sync::Mutex::new(None),
        }
    }
}

impl Topology {
    pub(crate) fn len(&self) -> usize {
        self.parties.len()
    }

    /// Each party's relationship neighbours, whichever party the relationship names
    /// first, with the position of the party's own trust edge to the neighbour.
    /// Built on first use: O(parties + relationships + Σ degree log degree).
    pub(crate) fn neighbors(&self, model: &Model) -> &Adjacency {
        self.neighbors.get_or_init(|| {
            let relationships = self.relationships(model);
            // Position of each relationship direction's trust edge, by graph edge index.
            let slots = relationships.iter().map(|r| r.2 as usize + 1).max().unwrap_or(0);
            let mut position = vec![u32::MAX; 2 * slots];
            for (k, link) in self.links.iter().enumerate() {
                if *link != Link::OBSERVED
                    && let Some(p) = position.get_mut(2 * link.edge() as usize + usize::from(link.reverse()))
                {
                    *p = k as u32;
                }
            }
            let at = |edge: u32, reverse: bool| {
                position
                    .get(2 * edge as usize + usize::from(reverse))
                    .copied()
                    .unwrap_or(u32::MAX)
            };
            let mut pairs = Vec::with_capacity(relationships.len() * 2);
            for (a, b, edge) in relationships {
                pairs.push((a, b, at(edge, false)));
                pairs.push((b, a, at(edge, true)));
            }
            Adjacency::from_pairs(self.parties.len(), pairs)
        })
    }

    /// Whether a search may scan the relationships rather than build neighbour rows:
    /// true once per snapshot, while the rows are not built (a second search builds
    /// them, so that repeated searches do not scan every time).
    pub(crate) fn first_scan(&self) -> bool {
        self.neighbors.get().is_none() && !self.scanned.swap(true, std::sync::atomic::Ordering::Relaxed)
    }

    /// Calls `f(g, h)` for every relationship between g and h (dense indices), once or
    /// twice (once per direction with trust), read off the trust edges and the
    /// relationships without trust: a scan that needs no list of its own.
    pub(crate) fn each_relationship(&self, mut f: impl FnMut(u32, u32)) {
        let mut start = 0usize;
        for (i, end) in (0u32..).zip(self.offsets.iter().skip(1)) {
            let end = (*end as usize).max(start);
            let targets = self.targets.get(start..end).unwrap_or_default();
            if self.observed_only {
                let links = self.links.get(start..end).unwrap_or_default();
                for (&t, &link) in targets.iter().zip(links) {
                    if link != Link::OBSERVED {
                        f(i, t);
                    }
                }
            } else {
                for &t in targets {
                    f(i, t);
                }
            }
            start = end;
        }
        for &(a, b) in &self.untrusted {
            f(a, b);
        }
    }

    /// Every relationship of `model` (the model this topology was built from, or one
    /// with the same relationships) as (first party, second party, graph edge), in
    /// dense indices and graph order, listed afresh: O(relationships).
    fn relationships(&self, model: &Model) -> Vec<(u32, u32, u32)> {
        let dense = |i: usize| self.dense.get(i).copied().filter(|&d| d != u32::MAX);
        model
            .graph
            .edge_references()
            .filter_map(|e| {
                let (a, b) = (dense(e.source().index())?, dense(e.target().index())?);
                Some((a, b, e.id().index() as u32))
            })
            .collect()
    }

    /// For each neighbour entry (g's row, h), the place of the entry (h's row, g)
    /// (`u32::MAX` if missing, which a relationship never leaves).
    pub(crate) fn reverse(&self, model: &Model) -> &[u32] {
        self.reverse.get_or_init(|| {
            let neighbors = self.neighbors(model);
            let mut reverse = vec![u32::MAX; neighbors.len()];
            // Rows are sorted and g runs in order, so the entries naming g in h's row
            // come up in order: a cursor per row finds each in O(1).
            let mut cursor: Vec<u32> = neighbors.offsets.clone();
            for g in 0..self.parties.len() as u32 {
                for (place, h, _) in neighbors.entries(g) {
                    let Some(at) = cursor.get_mut(h as usize) else {
                        continue;
                    };
                    let end = neighbors.offsets.get(h as usize + 1).copied().unwrap_or(0);
                    let back = if *at < end && neighbors.nodes.get(*at as usize) == Some(&g) {
                        *at += 1;
                        Some(*at as usize - 1)
                    } else {
                        neighbors.find(h, g)
                    };
                    if let (Some(slot), Some(back)) = (reverse.get_mut(place), back) {
                        *slot = back as u32;
                    }
                }
            }
            reverse
        })
    }

    /// Trust edges arriving at each party: `(source, edge position)`. Built on first
    /// use: O(edges log edges).
    pub(crate) fn incoming(&self) -> &Adjacency {
        self.incoming.get_or_init(|| {
            let mut pairs = Vec::with_capacity(self.targets.len());
            for i in 0..self.parties.len() as u32 {
                for (t, k) in self.out(i) {
                    pairs.push((t, i, k as u32));
                }
            }
            Adjacency::from_pairs(self.parties.len(), pairs)
        })
    }

    /// The dense index of a party, if it is in the model.
    pub(crate) fn index(&self, party: PartyId) -> Option<u32> {
        self.dense
            .get(party.slot().index as usize)
            .copied()
            .filter(|&i| i != u32::MAX && self.parties.get(i as usize) == Some(&party))
    }

    /// Trust edges leaving `i`: (target, edge position).
    pub(crate) fn out(&self, i: u32) -> impl Iterator<Item = (u32, usize)> + '_ {
        let start = self.offsets.get(i as usize).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(i as usize + 1).copied().unwrap_or(0) as usize;
        (start..end.max(start)).filter_map(move |k| self.targets.get(k).map(|&t| (t, k)))
    }
}

impl Snapshot {
    /// Projected trust per edge in a context (`None`: absolute), 0 where the edge has
    /// no opinion there. Computed on first use: O(edges).
    pub(crate) fn weights(&self, model: &Model, context: Option<u16>) -> &[f64] {
        let slot = context.map_or(0, |c| usize::from(c) + 1);
        match self.weights.get(slot) {
            Some(cell) => cell.get_or_init(|| {
                let mut weights = vec![0.0; self.links.len()];
                for i in 0..self.parties.len() as u32 {
                    for (_, k) in self.out(i) {
                        if let Some(w) = weights.get_mut(k) {
                            *w = self
                                .declared_opinion(model, i, k, context)
                                .map_or(0.0, |o| o.projected());
                        }
                    }
                }
                weights
            }),
            None => &[],
        }
    }

    /// The trust edges with their weights in a context (see [`Snapshot::weights`]).
    pub(crate) fn trust_rows(&self, model: &Model, context: Option<u16>) -> Rows<'_> {
        Rows {
            offsets: &self.offsets,
            targets: &self.targets,
            weights: self.weights(model, context),
        }
    }

    /// The trust edges in a context laid out for EigenTrust: built on first use,
    /// O(parties + edges), and kept.
    pub(crate) fn eigentrust(&self, model: &Model, context: Option<u16>) -> Arc<Layout> {
        let build = || Arc::new(Layout::new(self.trust_rows(model, context), true));
        let slot = context.map_or(0, |c| usize::from(c) + 1);
        match self.eigentrust.get(slot) {
            Some(cell) => cell.get_or_init(build).clone(),
            None => build(),
        }
    }

    /// The trust on edge position `k` (leaving `source`) in a context: the declared
    /// opinion (the context's own, else the absolute one) fused with the evidence of
    /// the source's observations of the target in that context.
    pub(crate) fn opinion(
        &self,
        model: &Model,
        source: u32,
        k: usize,
        context: Option<u16>,
    ) -> Option<Opinion> {
        if self.scores(context) {
            return self.score_opinion(k);
        }
        self.declared_opinion(model, source, k, context)
    }

    /// Whether every trust edge's opinion in `context` is its weight's score, which
    /// [`Snapshot::score_opinion`] then gives without the model.
    pub(crate) fn scores(&self, context: Option<u16>) -> bool {
        self.scored && context.is_none()
    }

    /// The absolute opinion of the trust edge at `k` as its weight's score: what the
    /// edge holds when [`Snapshot::scores`] says so.
    pub(crate) fn score_opinion(&self, k: usize) -> Option<Opinion> {
        let weight = self.weights.first()?.get()?.get(k)?;
        Opinion::from_score(*weight).ok()
    }

    /// As [`Snapshot::opinion`], always read from the model.
    fn declared_opinion(
        &self,
        model: &Model,
        source: u32,
        k: usize,
        context: Option<u16>,
    ) -> Option<Opinion> {
        let link = *self.links.get(k)?;
        let declared = if link == Link::OBSERVED {
            None
        } else {
            model.directed_opinion(link, context)
        };
        with_evidence(&self.evidence, declared, source, *self.targets.get(k)?, context)
    }
}

/// The model's parties in node order, and each graph node's dense index (`u32::MAX`
/// for a vacant slot).
fn numbering(model: &Model) -> (Vec<PartyId>, Vec<u32>) {
    let graph = &model.graph;
    let bound = graph.node_indices().next_back().map_or(0, |i| i.index() + 1);
    let mut dense = vec![u32::MAX; bound];
    let mut parties = Vec::with_capacity(graph.node_count());
    for index in graph.node_indices() {
        if let (Some(slot), Some(party)) = (dense.get_mut(index.index()), model.party_of_node(index)) {
            *slot = parties.len() as u32;
            parties.push(party);
        }
    }
    (parties, dense)
}

/// Whether an edge's opinion is the dogmatic one of its projected trust, which the
/// weight then holds whole: `from_score(p)` projects to exactly `p`, as `1 - p - (1 - p)`
/// is exactly 0 in floating point.
fn is_score(opinion: Option<Opinion>) -> bool {
    opinion.is_some_and(|o| o.is_score())
}

/// A declared opinion fused with the evidence of the source's observations of the
/// target in a context (the declared one alone when there is none).
fn with_evidence(
    evidence: &Evidence,
    declared: Option<Opinion>,
    source: u32,
    target: u32,
    context: Option<u16>,
) -> Option<Opinion> {
    if evidence.is_empty() {
        return declared;
    }
    let (positive, negative) = evidence
        .get(&(source, target, context))
        .copied()
        .unwrap_or((0, 0));
    crate::analysis::trust::assess(declared, positive, negative).0
}

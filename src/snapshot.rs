//! The compact, immutable view of a model that analyses run on: parties numbered
//! densely, directed trust edges in compressed sparse rows with `u32` indices, and
//! per-context trust weights computed once and kept. Built from the model on first use
//! after an edit; analyses never walk the editable graph on their hot paths.

use std::sync::OnceLock;

use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use crate::model::{Model, PartyId};
use crate::trust::Opinion;

/// One directed trust edge's source in the model: the relationship's graph edge, and
/// whether the trust runs against the edge (second party's trust in the first).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Link {
    pub(crate) edge: u32,
    pub(crate) reverse: bool,
}

#[derive(Debug)]
pub(crate) struct Snapshot {
    /// Dense index to party id, in the model's node order.
    pub(crate) parties: Vec<PartyId>,
    /// Graph node index to dense index (`u32::MAX` for a vacant slot).
    dense: Vec<u32>,
    /// Out-edges of trust: `targets[offsets[i]..offsets[i + 1]]` are trusted by `i`.
    pub(crate) offsets: Vec<u32>,
    pub(crate) targets: Vec<u32>,
    pub(crate) links: Vec<Link>,
    /// Projected trust per edge, per context (index 0: absolute; `c + 1`: context c).
    weights: Vec<OnceLock<Vec<f64>>>,
}

impl Snapshot {
    /// Costs O(parties + relationships).
    pub(crate) fn build(model: &Model) -> Snapshot {
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
        let n = parties.len();
        let has_trust = |edge: u32, direction: u8| {
            let index = petgraph::stable_graph::EdgeIndex::new(edge as usize);
            graph.edge_weight(index).is_some_and(|r| {
                r.trust
                    .get(usize::from(direction))
                    .is_some_and(|t| t.get().is_some())
                    || (r.has_extra
                        && model
                            .extras
                            .get(&edge)
                            .is_some_and(|x| x.contexts.iter().any(|c| c.direction == direction)))
            })
        };
        // Directed edges: (source, target, link).
        let mut edges: Vec<(u32, u32, Link)> = Vec::with_capacity(graph.edge_count());
        for e in graph.edge_references() {
            let id = e.id().index() as u32;
            let a = dense.get(e.source().index()).copied().unwrap_or(u32::MAX);
            let b = dense.get(e.target().index()).copied().unwrap_or(u32::MAX);
            if a == u32::MAX || b == u32::MAX {
                continue;
            }
            if has_trust(id, 0) {
                edges.push((
                    a,
                    b,
                    Link {
                        edge: id,
                        reverse: false,
                    },
                ));
            }
            if has_trust(id, 1) {
                edges.push((
                    b,
                    a,
                    Link {
                        edge: id,
                        reverse: true,
                    },
                ));
            }
        }
        // Counting sort by source keeps each row in relationship order: deterministic.
        let mut offsets = vec![0u32; n + 1];
        for (a, _, _) in &edges {
            if let Some(o) = offsets.get_mut(*a as usize + 1) {
                *o += 1;
            }
        }
        for i in 0..n {
            let before = offsets.get(i).copied().unwrap_or(0);
            if let Some(o) = offsets.get_mut(i + 1) {
                *o += before;
            }
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; edges.len()];
        let mut links = vec![
            Link {
                edge: 0,
                reverse: false
            };
            edges.len()
        ];
        for (a, b, link) in edges {
            if let Some(at) = fill.get_mut(a as usize) {
                let k = *at as usize;
                *at += 1;
                if let (Some(t), Some(l)) = (targets.get_mut(k), links.get_mut(k)) {
                    *t = b;
                    *l = link;
                }
            }
        }
        let weights = (0..=model.settings.contexts.len())
            .map(|_| OnceLock::new())
            .collect();
        Snapshot {
            parties,
            dense,
            offsets,
            targets,
            links,
            weights,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.parties.len()
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

    /// Projected trust per edge in a context (`None`: absolute), 0 where the edge has
    /// no opinion there. Computed on first use.
    pub(crate) fn weights(&self, model: &Model, context: Option<u16>) -> &[f64] {
        let slot = context.map_or(0, |c| usize::from(c) + 1);
        match self.weights.get(slot) {
            Some(cell) => cell.get_or_init(|| {
                self.links
                    .iter()
                    .map(|link| {
                        model
                            .directed_opinion(*link, context)
                            .map_or(0.0, |o| o.projected())
                    })
                    .collect()
            }),
            None => &[],
        }
    }

    /// The opinion on edge position `k` in a context, falling back to absolute.
    pub(crate) fn opinion(&self, model: &Model, k: usize, context: Option<u16>) -> Option<Opinion> {
        self.links
            .get(k)
            .and_then(|link| model.directed_opinion(*link, context))
    }
}

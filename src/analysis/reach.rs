//! Reach: how many people the focal organization (or any party) reaches, with what
//! probability, how much of that is trusted, and how much depends on each channel.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::error::{Error, ErrorKind};
use crate::model::{ChannelId, ConstituentId, Model, Ownership, PartyId};
use crate::snapshot::{Adjacency, Snapshot};

/// Which links reach travels along.
///
/// # Example
/// ```
/// use covalence::{Hops, ReachOptions};
///
/// let only_platforms = ReachOptions::new().hops(Hops::Channels);
/// # let _ = only_platforms;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Hops {
    /// Relationships only: word of mouth.
    Relationships,
    /// The source's channels only: broadcast.
    Channels,
    /// Both (the default).
    #[default]
    Both,
}

/// Options for [`Model::reach`].
///
/// # Example
/// ```
/// use covalence::ReachOptions;
///
/// let options = ReachOptions::new().max_hops(3).context("support").unknown_trust(0.4);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReachOptions {
    source: Option<PartyId>,
    max_hops: u32,
    context: Option<String>,
    hops: Hops,
    unknown_trust: f64,
    /// Each channel's dependencies (false for comparisons: totals and the rented
    /// share only).
    channel_detail: bool,
}

impl Default for ReachOptions {
    fn default() -> ReachOptions {
        ReachOptions {
            source: None,
            max_hops: 2,
            context: None,
            hops: Hops::Both,
            unknown_trust: 0.5,
            channel_detail: true,
        }
    }
}

impl ReachOptions {
    /// From the focal organization, 2 hops, absolute trust, relationships and
    /// channels, unknown trust counted as 0.5.
    ///
    /// ```
    /// let options = covalence::ReachOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> ReachOptions {
        ReachOptions::default()
    }

    /// Reach from this party instead of the focal organization.
    ///
    /// ```
    /// # let model = covalence::Model::sample();
    /// let options = covalence::ReachOptions::new().source(model.lookup("community")?);
    /// # let _ = options;
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn source(mut self, source: PartyId) -> ReachOptions {
        self.source = Some(source);
        self
    }

    /// How many hops reach may travel (default 2). A relationship is a hop; the
    /// source's presence on a channel to a group present there is one hop.
    ///
    /// ```
    /// let options = covalence::ReachOptions::new().max_hops(3);
    /// # let _ = options;
    /// ```
    pub fn max_hops(mut self, max_hops: u32) -> ReachOptions {
        self.max_hops = max_hops;
        self
    }

    /// Weigh word of mouth and effective reach by trust in this context (each
    /// opinion falls back to the absolute one). Default: absolute trust.
    ///
    /// ```
    /// let options = covalence::ReachOptions::new().context("privacy");
    /// # let _ = options;
    /// ```
    pub fn context(mut self, context: impl Into<String>) -> ReachOptions {
        self.context = Some(context.into());
        self
    }

    /// Which links to travel. Default: [`Hops::Both`].
    ///
    /// ```
    /// let options = covalence::ReachOptions::new().hops(covalence::Hops::Relationships);
    /// # let _ = options;
    /// ```
    pub fn hops(mut self, hops: Hops) -> ReachOptions {
        self.hops = hops;
        self
    }

    /// The trust, in `[0, 1]`, assumed where nothing is known: a relationship with no
    /// opinion in that direction, or a group with no path of trust to the source.
    /// Default 0.5, the base rate of a vacuous opinion.
    ///
    /// ```
    /// let options = covalence::ReachOptions::new().unknown_trust(0.3);
    /// # let _ = options;
    /// ```
    pub fn unknown_trust(mut self, unknown_trust: f64) -> ReachOptions {
        self.unknown_trust = unknown_trust;
        self
    }

    /// Totals and the rented share only: `channels` stays empty and `largest_rented`
    /// unknown.
    pub(crate) fn totals_only(mut self) -> ReachOptions {
        self.channel_detail = false;
        self
    }
}

/// On what a group's trust in the source rests.
///
/// # Example
/// ```
/// use covalence::{Model, ReachOptions, TrustBasis};
///
/// let model = Model::sample();
/// let reach = model.reach(&ReachOptions::new())?;
/// assert!(reach.constituents.iter().any(|c| c.trust_basis == TrustBasis::Direct));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrustBasis {
    /// The group's own trust in the source (declared and observed).
    Direct,
    /// Inferred along the most certain path of trust to the source.
    Inferred,
    /// Nothing known: the unknown-trust assumption of the options.
    Unknown,
}

/// One constituent group reached.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let reach = model.reach(&covalence::ReachOptions::new())?;
/// let first = &reach.constituents[0];
/// assert!(first.hop >= 1 && (0.0..=1.0).contains(&first.probability));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ConstituentReach {
    /// The group.
    pub constituent: ConstituentId,
    /// Hops from the source (1: directly related, or present on a channel the source
    /// is on).
    pub hop: u32,
    /// Probability that a member is reached.
    pub probability: f64,
    /// The group's projected trust in the source.
    pub trust: f64,
    /// What `trust` rests on.
    pub trust_basis: TrustBasis,
    /// The group's members.
    pub members: u64,
}

/// One channel the source is present on, and what reach depends on it.
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let reach = model.reach(&covalence::ReachOptions::new())?;
/// for c in &reach.channels {
///     assert!((0.0..=1.0).contains(&c.effective_dependency));
/// }
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ChannelReach {
    /// The channel.
    pub channel: ChannelId,
    /// Who controls it.
    pub ownership: Ownership,
    /// People present there (members times share, summed over groups).
    pub exposure: f64,
    /// The raw reach of this channel alone: the members of the groups present on it
    /// (one hop: source, channel, group), declared overlaps subtracted. Its scale.
    pub raw_reach: u64,
    /// The effective reach of this channel alone: each group present reached with the
    /// probability of its share, weighted by its trust in the source, as
    /// [`Reach::effective`] weighs it (overlaps subtracted). The value in its scale; at
    /// most `raw_reach`.
    pub effective_reach: f64,
    /// This channel's part of all exposure on the source's channels.
    pub exposure_share: f64,
    /// People reached only through this channel: raw reach lost without it.
    pub unique_reach: u64,
    /// Share of expected reach lost if the channel disappeared, in `[0, 1]`.
    pub expected_dependency: f64,
    /// Share of effective reach lost if the channel disappeared, in `[0, 1]`.
    pub effective_dependency: f64,
}

/// How many people a party reaches (scale), and how many of them trust it (value).
///
/// # Example
/// ```
/// let model = covalence::Model::sample();
/// let reach = model.reach(&covalence::ReachOptions::new())?;
/// assert!(reach.effective <= reach.expected && reach.expected <= reach.raw as f64);
/// println!("scale {} people, value {:.0}: ratio {:.2}", reach.raw, reach.effective,
///     reach.scale_vs_value.unwrap_or(0.0));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Reach {
    /// The party reach is measured from.
    pub source: PartyId,
    /// The hop limit used.
    pub max_hops: u32,
    /// The links travelled.
    pub hops: Hops,
    /// The trust context used, if any.
    pub context: Option<String>,
    /// Raw reach: members of the distinct groups reached within the hop limit, declared
    /// overlaps subtracted (the source's own members and overlaps left out). The scale
    /// number.
    pub raw: u64,
    /// Expected reach: members weighted by the probability of being reached.
    pub expected: f64,
    /// Effective reach: expected reach weighted by each group's trust in the source.
    /// The value number.
    pub effective: f64,
    /// `effective / raw`: how much of the scale is value; `None` when nothing is
    /// reached.
    pub scale_vs_value: Option<f64>,
    /// The groups reached, in the model's party order.
    pub constituents: Vec<ConstituentReach>,
    /// The source's channels, in the model's channel order; empty when reach does not
    /// travel channels.
    pub channels: Vec<ChannelReach>,
    /// Herfindahl-Hirschman index of the channels' exposure shares, in `[1/n, 1]` for
    /// n channels with exposure (1: one channel carries all exposure); `None` without
    /// exposure.
    pub exposure_hhi: Option<f64>,
    /// Share of effective reach lost if every rented (commercial) channel
    /// disappeared at once, in `[0, 1]`.
    pub rented_effective_dependency: f64,
    /// The rented channel whose loss alone would cost the most effective reach (ties
    /// to the first key); `None` when no rented channel carries any.
    pub largest_rented: Option<ChannelId>,
}

/// What comparisons need from reach beyond [`Reach`].
pub(crate) struct ReachDetail {
    /// Every constituent group's trust in the source (the source left out), in the
    /// model's order, with what it rests on.
    pub(crate) trust: Vec<(ConstituentId, f64, TrustBasis)>,
    /// The share of exposure (people present on the source's channels) that is on
    /// rented channels, in `[0, 1]`.
    pub(crate) rented_exposure: f64,
}

/// The probability and hop of every party for one set of channels.
struct Spread {
    hop: Vec<u32>,
    probability: Vec<f64>,
}

/// Raw, expected and effective people for a spread.
#[derive(Clone, Copy)]
struct Totals {
    raw: u64,
    expected: f64,
    effective: f64,
}

/// A channel the source is on: its audience of constituent groups, as (party, share)
/// with share > 0.
struct Audience {
    channel: ChannelId,
    ownership: Ownership,
    members: Vec<(u32, f64)>,
}

/// The largest hop limit accepted: well beyond any network's diameter.
const MAX_HOPS: u32 = 100;

/// The source, its channels' audiences, and each party's members and overlaps, in the
/// snapshot's dense indices.
struct Base {
    snapshot: std::sync::Arc<Snapshot>,
    source: u32,
    source_id: PartyId,
    context: Option<u16>,
    members: Vec<u64>,
    overlaps: Vec<(u32, u32, u64)>,
    audiences: Vec<Audience>,
}

/// Breadth first from `source`: the hop of every party within `max_hops`
/// (`u32::MAX` beyond), and the parties reached, in the order reached. Channel
/// audiences are one hop away; relationships are hops when `relationships`.
fn hops_within<'a>(
    snapshot: &Snapshot,
    source: u32,
    max_hops: u32,
    neighbors: Option<&Adjacency>,
    audiences: impl Iterator<Item = &'a Audience>,
) -> (Vec<u32>, Vec<u32>) {
    let mut hop = vec![u32::MAX; snapshot.len()];
    if let Some(h) = hop.get_mut(source as usize) {
        *h = 0;
    }
    let mut ball: Vec<u32> = Vec::new();
    if max_hops == 0 {
        return (hop, ball);
    }
    let visit = |i: u32, depth: u32, hop: &mut Vec<u32>, ball: &mut Vec<u32>| {
        if let Some(h) = hop.get_mut(i as usize)
            && *h == u32::MAX
        {
            *h = depth;
            ball.push(i);
        }
    };
    for audience in audiences {
        for &(g, _) in &audience.members {
            visit(g, 1, &mut hop, &mut ball);
        }
    }
    if let Some(neighbors) = neighbors {
        for (g, _) in neighbors.row(source) {
            visit(g, 1, &mut hop, &mut ball);
        }
        let mut start = 0;
        for depth in 2..=max_hops {
            let end = ball.len();
            if start == end {
                break;
            }
            for at in start..end {
                let Some(&h) = ball.get(at) else { break };
                for (g, _) in neighbors.row(h) {
                    visit(g, depth, &mut hop, &mut ball);
                }
            }
            start = end;
        }
    }
    (hop, ball)
}

/// As [`hops_within`], by scanning the relationships once per hop instead of walking
/// neighbour rows: for one search of a few hops on a snapshot whose rows are not built
/// yet, the scans cost less than building them.
fn hops_by_scans<'a>(
    snapshot: &Snapshot,
    source: u32,
    max_hops: u32,
    audiences: impl Iterator<Item = &'a Audience>,
) -> Vec<u32> {
    let mut hop = vec![u32::MAX; snapshot.len()];
    if let Some(h) = hop.get_mut(source as usize) {
        *h = 0;
    }
    if max_hops == 0 {
        return hop;
    }
    for audience in audiences {
        for &(g, _) in &audience.members {
            if let Some(h) = hop.get_mut(g as usize)
                && *h == u32::MAX
            {
                *h = 1;
            }
        }
    }
    for depth in 1..=max_hops {
        let mut grew = false;
        snapshot.each_relationship(|a, b| {
            let (ha, hb) = (
                hop.get(a as usize).copied().unwrap_or(0),
                hop.get(b as usize).copied().unwrap_or(0),
            );
            // A party reached at this depth does not pass it on in the same scan.
            let to = match (ha, hb) {
                (h, u32::MAX) if h == depth - 1 => b,
                (u32::MAX, h) if h == depth - 1 => a,
                _ => return,
            };
            if let Some(h) = hop.get_mut(to as usize) {
                *h = depth;
                grew = true;
            }
        });
        if !grew && depth > 1 {
            break;
        }
    }
    hop
}

/// Relationship hops within which [`Model::raw_reach`] scans the relationships rather
/// than build neighbour rows.
const SCAN_HOPS: u32 = 4;

/// Members of the parties reached, overlaps between two reached ones subtracted.
fn raw_people(members: &[u64], overlaps: &[(u32, u32, u64)], reached: impl Fn(u32) -> bool) -> u64 {
    let mut raw = 0i128;
    for (i, &m) in (0u32..).zip(members) {
        if m > 0 && reached(i) {
            raw += i128::from(m);
        }
    }
    for &(a, b, shared) in overlaps {
        if reached(a) && reached(b) {
            raw -= i128::from(shared);
        }
    }
    u64::try_from(raw.max(0)).unwrap_or(u64::MAX)
}

struct Inputs<'a> {
    snapshot: &'a Snapshot,
    source: u32,
    max_hops: u32,
    hops: Hops,
    audiences: Vec<Audience>,
    /// Members per dense index (0 for organizations and the source).
    members: Vec<u64>,
    /// Overlaps as (a, b, shared) in dense indices, the source's left out.
    overlaps: Vec<(u32, u32, u64)>,
    /// Each party's trust in the source.
    trust: Vec<f64>,
    /// Per relationship-neighbour entry (g's row, neighbour h): g's trust in h, the
    /// trust word of mouth from h to g travels with.
    relays: Vec<f64>,
    /// Per entry (g's row, h): the place of the entry (h's row, g).
    reverse: &'a [u32],
    /// Relationship neighbours.
    neighbors: &'a Adjacency,
}

impl Inputs<'_> {
    /// Hops and probabilities, without the channels `excluded` says to drop.
    ///
    /// Hops are breadth-first distances. Probabilities pass messages along
    /// relationships for `max_hops` rounds: `M(h→g)`, the chance that h is reached
    /// other than through g, is 1 for the source and the groups related to it, and
    /// otherwise `1 - (1 - C(h)) Π_{j ≠ g} (1 - M(j→h) T(h, j))`, where
    /// `C(h) = 1 - Π_c (1 - share_hc)` over the source's channels and `T(h, j)` is h's
    /// trust in j; then `P(g) = 1 - (1 - C(g)) Π_h (1 - M(h→g) T(g, h))`. A group's
    /// own word of mouth never comes straight back to it, adding a link never lowers a
    /// probability and removing one never raises it. Costs O(max_hops × (parties +
    /// relationships)) over the parties within reach.
    fn spread(&self, excluded: &dyn Fn(&Audience) -> bool) -> Spread {
        let n = self.snapshot.len();
        let relationships = matches!(self.hops, Hops::Relationships | Hops::Both);
        let channels = matches!(self.hops, Hops::Channels | Hops::Both);
        let included = || self.audiences.iter().filter(|a| channels && !excluded(a));
        let (hop, mut ball) = hops_within(
            self.snapshot,
            self.source,
            self.max_hops,
            relationships.then_some(self.neighbors),
            included(),
        );
        let mut probability = vec![0.0f64; n];
        if let Some(p) = probability.get_mut(self.source as usize) {
            *p = 1.0;
        }
        if self.max_hops == 0 {
            return Spread { hop, probability };
        }
        let neighbors = self.neighbors;
        let mut channel_miss = vec![1.0f64; n];
        for audience in included() {
            for &(g, share) in &audience.members {
                if let Some(m) = channel_miss.get_mut(g as usize) {
                    *m *= 1.0 - share.clamp(0.0, 1.0);
                }
            }
        }
        // Parties reached for sure: the source and the groups related to it.
        let mut sure = vec![false; n];
        if let Some(s) = sure.get_mut(self.source as usize) {
            *s = true;
        }
        if relationships {
            for (g, _) in neighbors.row(self.source) {
                if let Some(d) = sure.get_mut(g as usize) {
                    *d = true;
                }
            }
        }
        ball.sort_unstable();
        let in_ball = |i: u32| hop.get(i as usize).is_some_and(|&h| h != u32::MAX);
        // Messages, by entry (g's row, h): M(h→g).
        let mut messages = vec![0.0f64; neighbors.len()];
        if relationships {
            let mut next = messages.clone();
            let (mut entries, mut factors, mut leave_out) = (Vec::new(), Vec::new(), Vec::new());
            let senders: Vec<u32> = std::iter::once(self.source).chain(ball.iter().copied()).collect();
            for _ in 1..self.max_hops {
                let mut changed = false;
                for &h in &senders {
                    let hi = h as usize;
                    // h's row: factors (1 - M(j→h) T(h, j)) for each neighbour j.
                    entries.clear();
                    entries.extend(neighbors.entries(h).map(|(place, j, _)| (place, j)));
                    factors.clear();
                    for &(place, _) in &entries {
                        let m = messages.get(place).copied().unwrap_or(0.0);
                        let t = self.relays.get(place).copied().unwrap_or(0.0);
                        factors.push(1.0 - (m * t).clamp(0.0, 1.0));
                    }
                    let is_sure = sure.get(hi).copied().unwrap_or(false);
                    let own = channel_miss.get(hi).copied().unwrap_or(1.0);
                    // Products of all factors but one, by prefix and suffix.
                    leave_out.clear();
                    let mut prefix = 1.0;
                    for f in &factors {
                        leave_out.push(prefix);
                        prefix *= f;
                    }
                    let mut suffix = 1.0;
                    for (slot, f) in leave_out.iter_mut().zip(&factors).rev() {
                        *slot *= suffix;
                        suffix *= f;
                    }
                    for (&(place, g), others) in entries.iter().zip(&leave_out) {
                        if !in_ball(g) {
                            continue;
                        }
                        let m = if is_sure { 1.0 } else { 1.0 - own * others };
                        // Stored at the entry (g's row, h).
                        let at = self.reverse.get(place).copied().unwrap_or(u32::MAX);
                        if let Some(slot) = next.get_mut(at as usize) {
                            changed |= *slot != m;
                            *slot = m;
                        }
                    }
                }
                std::mem::swap(&mut messages, &mut next);
                if !changed {
                    break;
                }
                next.copy_from_slice(&messages);
            }
        }
        for &g in &ball {
            let gi = g as usize;
            let p = if sure.get(gi).copied().unwrap_or(false) {
                1.0
            } else {
                let mut miss = channel_miss.get(gi).copied().unwrap_or(1.0);
                if relationships {
                    for (place, _, _) in neighbors.entries(g) {
                        let m = messages.get(place).copied().unwrap_or(0.0);
                        let t = self.relays.get(place).copied().unwrap_or(0.0);
                        miss *= 1.0 - (m * t).clamp(0.0, 1.0);
                    }
                }
                1.0 - miss
            };
            if let Some(slot) = probability.get_mut(gi) {
                *slot = p;
            }
        }
        Spread { hop, probability }
    }

    /// People reached by one channel alone, at one hop: each group present with the
    /// probability of its share.
    fn alone(&self, audience: &Audience) -> Totals {
        let mut hop = vec![u32::MAX; self.members.len()];
        let mut probability = vec![0.0; self.members.len()];
        for &(g, share) in &audience.members {
            if let (Some(h), Some(p)) = (hop.get_mut(g as usize), probability.get_mut(g as usize)) {
                *h = 1;
                *p = share;
            }
        }
        self.totals(&Spread { hop, probability })
    }

    /// People for a spread. Overlaps are subtracted pairwise (`Σ m P - Σ s Pa Pb`, and
    /// with trust `Σ m P T - Σ s Pa Pb Ta Tb`); as a group's overlaps never exceed its
    /// members, `0 <= effective <= expected <= raw` holds (and is enforced against
    /// rounding).
    fn totals(&self, spread: &Spread) -> Totals {
        let reached = |i: u32| {
            spread
                .hop
                .get(i as usize)
                .is_some_and(|&h| h != u32::MAX && h <= self.max_hops)
        };
        let p = |i: u32| {
            if reached(i) {
                spread.probability.get(i as usize).copied().unwrap_or(0.0)
            } else {
                0.0
            }
        };
        let t = |i: u32| self.trust.get(i as usize).copied().unwrap_or(0.0);
        let raw = raw_people(&self.members, &self.overlaps, reached);
        let (mut expected, mut effective) = (0.0f64, 0.0f64);
        for (i, &m) in (0u32..).zip(&self.members) {
            if m > 0 && reached(i) {
                expected += m as f64 * p(i);
                effective += m as f64 * p(i) * t(i);
            }
        }
        for &(a, b, shared) in &self.overlaps {
            if reached(a) && reached(b) {
                expected -= shared as f64 * p(a) * p(b);
                effective -= shared as f64 * p(a) * p(b) * t(a) * t(b);
            }
        }
        let expected = expected.clamp(0.0, raw as f64);
        let effective = effective.clamp(0.0, expected);
        Totals {
            raw,
            expected,
            effective,
        }
    }
}

/// Each party's projected trust in the source: direct where it has an opinion, else
/// inferred along the most certain path to the source (Dijkstra on `-ln P` over
/// incoming trust edges; equally certain paths are told apart by the higher chained
/// opinion, then the lower party key), else the unknown-trust assumption.
fn trust_in_source(
    snapshot: &Snapshot,
    model: &Model,
    source: u32,
    context: Option<u16>,
    weights: &[f64],
    unknown: f64,
) -> (Vec<f64>, Vec<TrustBasis>) {
    let n = snapshot.len();
    let mut trust = vec![unknown; n];
    let mut basis = vec![TrustBasis::Unknown; n];
    let incoming = snapshot.incoming();
    for (u, k) in incoming.row(source) {
        if let Some(o) = snapshot.opinion(model, u, k as usize, context)
            && let (Some(t), Some(b)) = (trust.get_mut(u as usize), basis.get_mut(u as usize))
        {
            *t = o.projected();
            *b = TrustBasis::Direct;
        }
    }
    let key = |i: u32| {
        snapshot
            .parties
            .get(i as usize)
            .and_then(|p| model.party_key(*p).ok())
            .unwrap_or("")
    };
    let mut cost = vec![f64::INFINITY; n];
    let mut referral = vec![0.0f64; n];
    let mut last = vec![[0.0f64; 3]; n];
    let mut via = vec![u32::MAX; n];
    let mut done = vec![false; n];
    if let Some(c) = cost.get_mut(source as usize) {
        *c = 0.0;
    }
    let chained = |r: f64, l: [f64; 3]| crate::Opinion::normalized(r * l[0], r * l[1], l[2]).projected();
    let mut heap = BinaryHeap::new();
    heap.push(Reverse((0.0f64.to_bits(), source)));
    while let Some(Reverse((bits, v))) = heap.pop() {
        let vi = v as usize;
        if done.get(vi).copied().unwrap_or(true) || cost.get(vi).is_none_or(|c| c.to_bits() != bits) {
            continue;
        }
        if let Some(d) = done.get_mut(vi) {
            *d = true;
        }
        let cv = cost.get(vi).copied().unwrap_or(f64::INFINITY);
        for (u, k) in incoming.row(v) {
            let ui = u as usize;
            let p = weights.get(k as usize).copied().unwrap_or(0.0);
            if p <= 0.0 || done.get(ui).copied().unwrap_or(true) {
                continue;
            }
            let candidate = cv - p.ln();
            let current = cost.get(ui).copied().unwrap_or(0.0);
            if candidate > current {
                continue;
            }
            let (r, l) = if v == source {
                let Some(o) = snapshot.opinion(model, u, k as usize, context) else {
                    continue;
                };
                (1.0, [o.belief(), o.disbelief(), o.base_rate()])
            } else {
                (
                    p * referral.get(vi).copied().unwrap_or(0.0),
                    last.get(vi).copied().unwrap_or([0.0; 3]),
                )
            };
            if candidate == current {
                // A tie: keep the higher opinion, then the lower key of the next party.
                let old = chained(
                    referral.get(ui).copied().unwrap_or(0.0),
                    last.get(ui).copied().unwrap_or([0.0; 3]),
                );
                let new = chained(r, l);
                let old_via = via.get(ui).copied().unwrap_or(u32::MAX);
                if new < old || (new == old && key(v) >= key(old_via)) {
                    continue;
                }
            }
            if let (Some(c), Some(rr), Some(ll), Some(vv)) = (
                cost.get_mut(ui),
                referral.get_mut(ui),
                last.get_mut(ui),
                via.get_mut(ui),
            ) {
                *c = candidate;
                *rr = r;
                *ll = l;
                *vv = v;
            }
            heap.push(Reverse((candidate.to_bits(), u)));
        }
    }
    for i in 0..n {
        if basis.get(i) == Some(&TrustBasis::Unknown)
            && i != source as usize
            && cost.get(i).is_some_and(|c| c.is_finite())
            && let (Some(t), Some(b)) = (trust.get_mut(i), basis.get_mut(i))
        {
            *t = chained(
                referral.get(i).copied().unwrap_or(0.0),
                last.get(i).copied().unwrap_or([0.0; 3]),
            );
            *b = TrustBasis::Inferred;
        }
    }
    (trust, basis)
}

/// Totals of reach without each of the source's channels, in channel order (over the
/// available cores: the results do not depend on how).
fn without_each_channel(inputs: &Inputs<'_>) -> Vec<Totals> {
    super::in_parallel(&inputs.audiences, |audience| {
        inputs.totals(&inputs.spread(&|a| a.channel == audience.channel))
    })
}

impl Model {
    /// How many people a party reaches, how many of them trust it, and how much of
    /// that depends on each channel (the scale-versus-value question).
    ///
    /// Reach travels from the source (the focal organization unless the options name
    /// another party) along relationships (each a hop, in either direction) and the
    /// source's channels (source to a constituent group present there: one hop), within
    /// `max_hops`:
    /// - **raw** reach counts the members of the groups reached, declared overlaps
    ///   subtracted;
    /// - **expected** reach weighs them by the probability of being reached: 1 for a
    ///   group related to the source; `1 - Π_c (1 - share)` over the source's channels;
    ///   by word of mouth from a related group `h`, `P(h)` times the group's trust in
    ///   `h` (an undeclared direction counts as the unknown trust); routes combine as
    ///   independent, `1 - Π (1 - p)`. Every route within the hop limit counts, but a
    ///   group's own word of mouth never comes straight back to it (messages along
    ///   relationships leave out the group they go to); so adding a link never lowers
    ///   reach and removing a channel never raises it;
    /// - **effective** reach weighs expected reach by each group's projected trust in
    ///   the source: direct, else inferred (most certain path), else the unknown trust.
    ///
    /// For each of the source's channels it reports the exposure share, the people
    /// reached only through it and the share of expected and effective reach lost
    /// without it as a route (what was said there still counts as evidence of trust);
    /// then the HHI of exposure shares and the share of effective reach that depends on
    /// rented channels. Each dependency recomputes the spread without the channel (the
    /// model is not rebuilt): O((channels + 2) × max_hops × (parties + relationships))
    /// in all, plus one Dijkstra for inferred trust.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a source or context not in the model;
    /// [`ErrorKind::InvalidValue`] for an unknown trust outside `[0, 1]` or more than
    /// 100 hops.
    ///
    /// # Example
    /// ```
    /// use covalence::{Hops, Model, ReachOptions};
    ///
    /// let model = Model::sample();
    /// let reach = model.reach(&ReachOptions::new().hops(Hops::Channels))?;
    /// println!("raw {} people; effective {:.0}", reach.raw, reach.effective);
    /// if let Some(platform) = reach.largest_rented {
    ///     println!("most depended-on platform: {}", model.channel(platform)?.key);
    /// }
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn reach(&self, options: &ReachOptions) -> Result<Reach, Error> {
        self.reach_and_trust(options).map(|(reach, _)| reach)
    }

    /// Raw reach alone: the members of the distinct groups within the hop limit,
    /// declared overlaps subtracted, exactly [`Reach::raw`], without the trust and
    /// probabilities that expected and effective reach need: the scale number of a
    /// large network, fast. A breadth-first search over neighbour rows, in
    /// O(parties + relationships within reach) once the rows are built (O(relationships
    /// log degree), once per state of the model). The first raw reach of a few hops on
    /// a state whose rows are not built scans all relationships once per hop instead
    /// (O(hops × relationships), no rows built); later calls build the rows.
    ///
    /// # Errors
    /// As [`Model::reach`].
    ///
    /// # Example
    /// ```
    /// use covalence::{Hops, Model, ReachOptions};
    ///
    /// let model = Model::sample();
    /// let options = ReachOptions::new().max_hops(3).hops(Hops::Relationships);
    /// assert_eq!(model.raw_reach(&options)?, model.reach(&options)?.raw);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn raw_reach(&self, options: &ReachOptions) -> Result<u64, Error> {
        let base = self.reach_base(options)?;
        let relationships = matches!(options.hops, Hops::Relationships | Hops::Both);
        let hop = if relationships && options.max_hops <= SCAN_HOPS && base.snapshot.first_scan() {
            hops_by_scans(
                &base.snapshot,
                base.source,
                options.max_hops,
                base.audiences.iter(),
            )
        } else {
            hops_within(
                &base.snapshot,
                base.source,
                options.max_hops,
                relationships.then(|| base.snapshot.neighbors(self)),
                base.audiences.iter(),
            )
            .0
        };
        let reached = |i: u32| {
            hop.get(i as usize)
                .is_some_and(|&h| h != u32::MAX && h <= options.max_hops)
        };
        Ok(raw_people(&base.members, &base.overlaps, reached))
    }

    /// Checks the options and gathers what raw reach and reach both start from.
    fn reach_base(&self, options: &ReachOptions) -> Result<Base, Error> {
        let context = options
            .context
            .as_deref()
            .map(|c| self.context_index(c))
            .transpose()?;
        if !(options.unknown_trust.is_finite() && (0.0..=1.0).contains(&options.unknown_trust)) {
            return Err(Error::invalid(format!(
                "unknown trust must be in [0, 1], got {}",
                options.unknown_trust
            )));
        }
        if options.max_hops > MAX_HOPS {
            return Err(Error::invalid(format!(
                "max_hops must be at most {MAX_HOPS}, got {}",
                options.max_hops
            )));
        }
        let source_id = options.source.unwrap_or_else(|| self.focal().into());
        self.party_data(source_id)
            .map_err(|e| e.context("reach source"))?;
        let snapshot = self.snapshot();
        let source = snapshot.index(source_id).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("reach source: {source_id} is not in this model"),
            )
        })?;
        let dense = |p: PartyId| snapshot.index(p);
        let mut members = vec![0u64; snapshot.len()];
        for (id, c) in self.constituents() {
            if let Some(i) = dense(id.into())
                && i != source
                && let Some(m) = members.get_mut(i as usize)
            {
                *m = c.members;
            }
        }
        let overlaps = self
            .overlaps()
            .filter_map(|o| Some((dense(o.a.into())?, dense(o.b.into())?, o.shared_members)))
            .filter(|&(a, b, _)| a != source && b != source)
            .collect();
        let uses_channels = matches!(options.hops, Hops::Channels | Hops::Both) && options.max_hops > 0;
        let mut audiences: Vec<Audience> = Vec::new();
        if uses_channels {
            // Each channel's groups, in one pass over the presences (party order).
            let mut present: std::collections::HashMap<ChannelId, Vec<(u32, f64)>> =
                std::collections::HashMap::new();
            for p in self.presences() {
                if p.share > 0.0
                    && matches!(p.party, PartyId::Constituent(_))
                    && p.party != source_id
                    && let Some(i) = dense(p.party)
                {
                    present.entry(p.channel).or_default().push((i, p.share));
                }
            }
            for (channel, c) in self.channels() {
                if self.presence(source_id, channel).is_some_and(|s| s > 0.0) {
                    audiences.push(Audience {
                        channel,
                        ownership: c.ownership,
                        members: present.remove(&channel).unwrap_or_default(),
                    });
                }
            }
        }
        Ok(Base {
            snapshot,
            source,
            source_id,
            context,
            members,
            overlaps,
            audiences,
        })
    }

    /// Reach, and every constituent group's trust in the source (in the model's
    /// order, the source left out) with what it rests on.
    pub(crate) fn reach_and_trust(&self, options: &ReachOptions) -> Result<(Reach, ReachDetail), Error> {
        let Base {
            snapshot,
            source,
            source_id,
            context,
            members,
            overlaps,
            audiences,
        } = self.reach_base(options)?;
        let weights = snapshot.weights(self, context);
        let dense = |p: PartyId| snapshot.index(p);
        let (trust, basis) =
            trust_in_source(&snapshot, self, source, context, weights, options.unknown_trust);
        // Relays and reverse places along relationship neighbours.
        let neighbors = snapshot.neighbors(self);
        let mut relays = vec![0.0; neighbors.len()];
        let reverse = snapshot.reverse(self);
        for g in 0..snapshot.len() as u32 {
            for (place, _, k) in neighbors.entries(g) {
                let relay = if k == u32::MAX {
                    options.unknown_trust
                } else {
                    let w = weights.get(k as usize).copied().unwrap_or(0.0);
                    if w > 0.0 || snapshot.opinion(self, g, k as usize, context).is_some() {
                        w
                    } else {
                        options.unknown_trust
                    }
                };
                if let Some(r) = relays.get_mut(place) {
                    *r = relay;
                }
            }
        }
        let inputs = Inputs {
            snapshot: &snapshot,
            source,
            max_hops: options.max_hops,
            hops: options.hops,
            audiences,
            members,
            overlaps,
            trust,
            relays,
            reverse,
            neighbors,
        };
        let spread = inputs.spread(&|_| false);
        let all = inputs.totals(&spread);
        let share_lost = |before: f64, after: f64| {
            if before > 0.0 {
                ((before - after) / before).clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        let exposure = |a: &Audience| {
            a.members
                .iter()
                .map(|&(g, share)| inputs.members.get(g as usize).copied().unwrap_or(0) as f64 * share)
                .fold(0.0, |x, y| x + y)
        };
        let total_exposure: f64 = inputs.audiences.iter().map(exposure).fold(0.0, |x, y| x + y);
        // Reach without each channel: independent computations, split over the
        // available cores (the results do not depend on how).
        let withouts = if options.channel_detail {
            without_each_channel(&inputs)
        } else {
            Vec::new()
        };
        let mut channels = Vec::with_capacity(inputs.audiences.len());
        for (audience, without) in inputs.audiences.iter().zip(withouts) {
            let e = exposure(audience);
            let alone = inputs.alone(audience);
            channels.push(ChannelReach {
                channel: audience.channel,
                ownership: audience.ownership,
                exposure: e,
                raw_reach: alone.raw,
                effective_reach: alone.effective,
                exposure_share: if total_exposure > 0.0 {
                    e / total_exposure
                } else {
                    0.0
                },
                unique_reach: all.raw.saturating_sub(without.raw),
                expected_dependency: share_lost(all.expected, without.expected),
                effective_dependency: share_lost(all.effective, without.effective),
            });
        }
        let exposed: Vec<f64> = channels
            .iter()
            .map(|c| c.exposure_share)
            .filter(|s| *s > 0.0)
            .collect();
        let exposure_hhi = (!exposed.is_empty()).then(|| exposed.iter().map(|s| s * s).sum());
        let rented_effective_dependency = if inputs.audiences.iter().any(|a| a.ownership.is_rented()) {
            share_lost(
                all.effective,
                inputs
                    .totals(&inputs.spread(&|a| a.ownership.is_rented()))
                    .effective,
            )
        } else {
            0.0
        };
        let channel_key = |c: ChannelId| self.channel(c).map_or("", |c| c.key.as_str());
        let largest_rented = channels
            .iter()
            .filter(|c| c.ownership.is_rented() && c.effective_dependency > 0.0)
            .max_by(|a, b| {
                a.effective_dependency
                    .total_cmp(&b.effective_dependency)
                    .then_with(|| channel_key(b.channel).cmp(channel_key(a.channel)))
            })
            .map(|c| c.channel);
        let constituents = self
            .constituents()
            .filter_map(|(id, c)| {
                let i = dense(id.into())?;
                let h = spread.hop.get(i as usize).copied()?;
                (i != source && h != u32::MAX && h <= options.max_hops).then(|| ConstituentReach {
                    constituent: id,
                    hop: h,
                    probability: spread.probability.get(i as usize).copied().unwrap_or(0.0),
                    trust: inputs.trust.get(i as usize).copied().unwrap_or(0.0),
                    trust_basis: basis.get(i as usize).copied().unwrap_or(TrustBasis::Unknown),
                    members: c.members,
                })
            })
            .collect();
        let trust = self
            .constituents()
            .filter_map(|(id, _)| {
                let i = dense(id.into())?;
                (i != source).then(|| {
                    (
                        id,
                        inputs
                            .trust
                            .get(i as usize)
                            .copied()
                            .unwrap_or(options.unknown_trust),
                        basis.get(i as usize).copied().unwrap_or(TrustBasis::Unknown),
                    )
                })
            })
            .collect();
        let rented_exposure: f64 = inputs
            .audiences
            .iter()
            .filter(|a| a.ownership.is_rented())
            .map(exposure)
            .fold(0.0, |x, y| x + y);
        let detail = ReachDetail {
            trust,
            rented_exposure: if total_exposure > 0.0 {
                (rented_exposure / total_exposure).clamp(0.0, 1.0)
            } else {
                0.0
            },
        };
        let reach = Reach {
            source: source_id,
            max_hops: options.max_hops,
            hops: options.hops,
            context: options.context.clone(),
            raw: all.raw,
            expected: all.expected,
            effective: all.effective,
            scale_vs_value: (all.raw > 0).then(|| all.effective / all.raw as f64),
            constituents,
            channels,
            exposure_hhi,
            rented_effective_dependency,
            largest_rented,
        };
        Ok((reach, detail))
    }
}

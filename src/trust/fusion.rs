//! Fusion of several opinions about the same thing, in the n-ary forms (Jøsang, Wang and
//! Zhang, "Multi-source fusion in subjective logic", FUSION 2017; van der Heijden, Kopp
//! and Kargl, "Multi-source fusion operations in subjective logic", FUSION 2018).
//! Averaging, weighted and consensus-compromise fusion are not associative, so they are
//! computed over all inputs at once, never by folding pairs.

use crate::error::Error;
use crate::trust::opinion::{DOGMATIC, Opinion};

/// How [`Opinion::fuse`] combines opinions.
///
/// # Example
/// ```
/// use covalence::{Fusion, Opinion};
///
/// let a = Opinion::from_evidence(8.0, 2.0)?;
/// let b = Opinion::from_evidence(4.0, 4.0)?;
/// let both = Opinion::fuse(&[a, b], Fusion::Cumulative)?;
/// assert!((both.belief() - 0.6).abs() < 1e-12); // = from_evidence(12, 6)
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fusion {
    /// Independent sources: their evidence adds up. Fusing with a vacuous opinion
    /// changes nothing.
    Cumulative,
    /// Dependent sources (the same evidence seen by several): their evidence is
    /// averaged.
    Averaging,
    /// Each source weighted by its confidence `1 - u`.
    Weighted,
    /// What all sources agree on is kept (consensus); what they disagree on becomes
    /// uncertainty (compromise).
    ConsensusCompromise,
}

impl Opinion {
    /// Fuses opinions about the same thing.
    ///
    /// If any input is dogmatic (`u` below 1e-12), belief and disbelief are the
    /// equal-weight average over the dogmatic inputs and `u = 0`. The base rate follows
    /// each operator's rule: cumulative weighs each input by `(1 - u_i) Π_{j≠i} u_j`
    /// (the dogmatic inputs' mean when there are any), averaging and
    /// consensus-compromise take the mean, weighted takes the mean weighted by
    /// `1 - u_i`; where every weight is zero (all inputs vacuous) the mean is used.
    /// Costs O(n) for n opinions (O(n²) for averaging and weighted fusion, whose
    /// products leave one input out each).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an empty slice.
    ///
    /// # Example
    /// ```
    /// use covalence::{Fusion, Opinion};
    ///
    /// let vacuous = Opinion::vacuous(0.5)?;
    /// let o = Opinion::new(0.6, 0.3, 0.1, 0.0)?;
    /// let avg = Opinion::fuse(&[vacuous, o], Fusion::Averaging)?;
    /// assert!((avg.belief() - 6.0 / 11.0).abs() < 1e-12);
    /// assert!((avg.base_rate() - 0.25).abs() < 1e-12);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn fuse(opinions: &[Opinion], how: Fusion) -> Result<Opinion, Error> {
        let n = opinions.len();
        if n == 0 {
            return Err(Error::invalid("cannot fuse an empty list of opinions"));
        }
        let count = n as f64;
        let mean_a = opinions.iter().map(Opinion::base_rate).sum::<f64>() / count;
        let u: Vec<f64> = opinions.iter().map(Opinion::uncertainty).collect();
        // Products of all uncertainties but one, computed without division (exact
        // when some are zero): prefix and suffix products.
        let others = leave_one_out_products(&u);
        let dogmatic: Vec<&Opinion> = opinions.iter().filter(|o| o.uncertainty() < DOGMATIC).collect();
        let base_rate = |weights: &[f64]| {
            let total: f64 = weights.iter().sum();
            if total > 0.0 {
                opinions
                    .iter()
                    .zip(weights)
                    .map(|(o, w)| o.base_rate() * w)
                    .sum::<f64>()
                    / total
            } else {
                mean_a
            }
        };
        let a = match how {
            Fusion::Cumulative => {
                let weights: Vec<f64> = u.iter().zip(&others).map(|(ui, oi)| (1.0 - ui) * oi).collect();
                if dogmatic.is_empty() {
                    base_rate(&weights)
                } else {
                    dogmatic.iter().map(|o| o.base_rate()).sum::<f64>() / dogmatic.len() as f64
                }
            }
            Fusion::Averaging | Fusion::ConsensusCompromise => mean_a,
            Fusion::Weighted => base_rate(&u.iter().map(|ui| 1.0 - ui).collect::<Vec<_>>()),
        };
        if !dogmatic.is_empty() {
            let k = dogmatic.len() as f64;
            let b = dogmatic.iter().map(|o| o.belief()).sum::<f64>() / k;
            let d = dogmatic.iter().map(|o| o.disbelief()).sum::<f64>() / k;
            return Ok(Opinion::normalized(b, d, a));
        }
        let all_u: f64 = u.iter().product();
        let sum_others: f64 = others.iter().sum();
        let (b, d) = match how {
            Fusion::Cumulative => {
                let denominator = sum_others - (count - 1.0) * all_u;
                let b = opinions
                    .iter()
                    .zip(&others)
                    .map(|(o, w)| o.belief() * w)
                    .sum::<f64>()
                    / denominator;
                let d = opinions
                    .iter()
                    .zip(&others)
                    .map(|(o, w)| o.disbelief() * w)
                    .sum::<f64>()
                    / denominator;
                (b, d)
            }
            Fusion::Averaging => {
                let b = opinions
                    .iter()
                    .zip(&others)
                    .map(|(o, w)| o.belief() * w)
                    .sum::<f64>()
                    / sum_others;
                let d = opinions
                    .iter()
                    .zip(&others)
                    .map(|(o, w)| o.disbelief() * w)
                    .sum::<f64>()
                    / sum_others;
                (b, d)
            }
            Fusion::Weighted => {
                let denominator = sum_others - count * all_u;
                if denominator <= 0.0 {
                    // Every input vacuous: so is the result.
                    return Ok(Opinion::normalized(0.0, 0.0, a));
                }
                let weighted = |x: fn(&Opinion) -> f64| {
                    opinions
                        .iter()
                        .zip(&u)
                        .zip(&others)
                        .map(|((o, ui), w)| x(o) * (1.0 - ui) * w)
                        .sum::<f64>()
                        / denominator
                };
                (weighted(Opinion::belief), weighted(Opinion::disbelief))
            }
            Fusion::ConsensusCompromise => consensus_compromise(opinions),
        };
        Ok(Opinion::normalized(b, d, a))
    }
}

/// `out[i] = Π_{j≠i} x[j]`.
fn leave_one_out_products(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut out = vec![1.0; n];
    let mut prefix = 1.0;
    for (o, v) in out.iter_mut().zip(x) {
        *o = prefix;
        prefix *= v;
    }
    let mut suffix = 1.0;
    for (o, v) in out.iter_mut().zip(x).rev() {
        *o *= suffix;
        suffix *= v;
    }
    out
}

/// Belief and disbelief of the consensus-and-compromise fusion of non-dogmatic
/// binomial opinions, generalized to n sources: the consensus is the least belief and
/// disbelief all share; of the residues, mass that all sources place on the same side
/// (or leave uncommitted) is compromise belief on that side, mass on opposite sides is
/// conflict and becomes uncertainty, and the compromise is scaled to fill what the
/// consensus and the shared uncertainty leave.
fn consensus_compromise(opinions: &[Opinion]) -> (f64, f64) {
    let cons_b = opinions.iter().map(Opinion::belief).fold(f64::INFINITY, f64::min);
    let cons_d = opinions
        .iter()
        .map(Opinion::disbelief)
        .fold(f64::INFINITY, f64::min);
    let (mut for_b, mut for_d, mut any, mut all_u) = (1.0, 1.0, 1.0, 1.0);
    for o in opinions {
        let (rb, rd, u) = (o.belief() - cons_b, o.disbelief() - cons_d, o.uncertainty());
        for_b *= rb + u;
        for_d *= rd + u;
        any *= rb + rd + u;
        all_u *= u;
    }
    let comp_b = (for_b - all_u).max(0.0);
    let comp_d = (for_d - all_u).max(0.0);
    let conflict = (any - all_u - comp_b - comp_d).max(0.0);
    let total = comp_b + comp_d + conflict;
    let room = (1.0 - cons_b - cons_d - all_u).max(0.0);
    let eta = if total > 0.0 { room / total } else { 0.0 };
    (cons_b + eta * comp_b, cons_d + eta * comp_d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(b: f64, d: f64, u: f64, a: f64) -> Opinion {
        Opinion::new(b, d, u, a).unwrap()
    }

    fn assert_opinion(x: Opinion, (b, d, u, a): (f64, f64, f64, f64), tol: f64) {
        assert!(
            (x.belief() - b).abs() < tol
                && (x.disbelief() - d).abs() < tol
                && (x.uncertainty() - u).abs() < tol
                && (x.base_rate() - a).abs() < tol,
            "{x:?} != ({b}, {d}, {u}, {a})"
        );
    }

    #[test]
    fn golden_sl_34_and_36_cumulative_with_dogmatic_inputs() {
        let f = Opinion::fuse(
            &[o(1.0, 0.0, 0.0, 0.5), o(0.0, 1.0, 0.0, 0.5)],
            Fusion::Cumulative,
        )
        .unwrap();
        assert_opinion(f, (0.5, 0.5, 0.0, 0.5), 1e-9);
        let f = Opinion::fuse(
            &[o(1.0, 0.0, 0.0, 0.5), o(0.0, 0.0, 1.0, 0.5)],
            Fusion::Cumulative,
        )
        .unwrap();
        assert_opinion(f, (1.0, 0.0, 0.0, 0.5), 1e-9);
    }

    #[test]
    fn golden_sl_39_40_42_cumulative() {
        let f = Opinion::fuse(
            &[o(0.0, 0.0, 1.0, 0.5), o(0.6, 0.3, 0.1, 0.0)],
            Fusion::Cumulative,
        )
        .unwrap();
        assert_opinion(f, (0.6, 0.3, 0.1, 0.0), 1e-9);
        let f = Opinion::fuse(
            &[o(0.6, 0.3, 0.1, 0.0), o(0.091, 0.604, 0.305, 0.4)],
            Fusion::Cumulative,
        )
        .unwrap();
        assert_opinion(
            f,
            (
                0.5129506008011,
                0.4056074766355,
                0.08144192256342,
                0.08081395348837,
            ),
            1e-11,
        );
        let f = Opinion::fuse(
            &[o(0.4, 0.0, 0.6, 0.5), o(0.7, 0.0, 0.3, 0.5)],
            Fusion::Cumulative,
        )
        .unwrap();
        assert_opinion(f, (0.75, 0.0, 0.25, 0.5), 1e-9);
    }

    #[test]
    fn golden_sl_43_and_46_averaging() {
        let f = Opinion::fuse(&[o(1.0, 0.0, 0.0, 0.5), o(0.0, 1.0, 0.0, 0.5)], Fusion::Averaging).unwrap();
        assert_opinion(f, (0.5, 0.5, 0.0, 0.5), 1e-9);
        let f = Opinion::fuse(&[o(0.0, 0.0, 1.0, 0.5), o(0.6, 0.3, 0.1, 0.0)], Fusion::Averaging).unwrap();
        assert_opinion(f, (6.0 / 11.0, 3.0 / 11.0, 2.0 / 11.0, 0.25), 1e-9);
    }

    #[test]
    fn golden_sl_56_three_sources_cumulative() {
        let sources = [
            o(0.1, 0.3, 0.6, 0.5),
            o(0.4, 0.2, 0.4, 0.5),
            o(0.7, 0.1, 0.2, 0.5),
        ];
        let f = Opinion::fuse(&sources, Fusion::Cumulative).unwrap();
        assert_opinion(f, (28.0 / 43.0, 9.0 / 43.0, 6.0 / 43.0, 0.5), 1e-9);
    }

    #[test]
    fn golden_sl_65_cumulative_fusion_adds_evidence() {
        let a = Opinion::from_evidence(8.0, 2.0).unwrap();
        let b = Opinion::from_evidence(4.0, 4.0).unwrap();
        let f = Opinion::fuse(&[a, b], Fusion::Cumulative).unwrap();
        assert_opinion(f, (0.6, 0.3, 0.1, 0.5), 1e-12);
    }

    #[test]
    fn weighted_fusion_weighs_by_confidence() {
        // Two sources with equal confidence: the plain average of b and d, less
        // uncertainty than either.
        let f = Opinion::fuse(&[o(0.6, 0.2, 0.2, 0.5), o(0.2, 0.6, 0.2, 0.5)], Fusion::Weighted).unwrap();
        assert!((f.belief() - f.disbelief()).abs() < 1e-12);
        let vacuous = Opinion::vacuous(0.3).unwrap();
        let f = Opinion::fuse(&[vacuous, o(0.6, 0.3, 0.1, 0.8)], Fusion::Weighted).unwrap();
        assert_opinion(f, (0.6, 0.3, 0.1, 0.8), 1e-12);
        let f = Opinion::fuse(&[vacuous, vacuous], Fusion::Weighted).unwrap();
        assert_opinion(f, (0.0, 0.0, 1.0, 0.3), 1e-12);
    }

    #[test]
    fn consensus_compromise_keeps_agreement_and_turns_conflict_into_uncertainty() {
        // Agreement: the shared belief survives.
        let same = o(0.6, 0.1, 0.3, 0.5);
        let f = Opinion::fuse(&[same, same], Fusion::ConsensusCompromise).unwrap();
        assert!(f.belief() >= 0.6 - 1e-12);
        // Opposed: consensus is nothing, and the conflict becomes uncertainty.
        let f = Opinion::fuse(
            &[o(0.8, 0.0, 0.2, 0.5), o(0.0, 0.8, 0.2, 0.5)],
            Fusion::ConsensusCompromise,
        )
        .unwrap();
        assert!(f.uncertainty() > 0.5, "{f:?}");
        assert!((f.belief() - f.disbelief()).abs() < 1e-12);
        // With a vacuous source the other's opinion stands.
        let f = Opinion::fuse(
            &[Opinion::vacuous(0.5).unwrap(), same],
            Fusion::ConsensusCompromise,
        )
        .unwrap();
        assert_opinion(f, (0.6, 0.1, 0.3, 0.5), 1e-12);
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(Opinion::fuse(&[], Fusion::Cumulative).is_err());
    }
}

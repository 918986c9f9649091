//! Fusion of several opinions about the same thing, in the n-ary forms (Jøsang, Wang and
//! Zhang, "Multi-source fusion in subjective logic", FUSION 2017; van der Heijden, Kopp
//! and Kargl, "Multi-source fusion operations in subjective logic", FUSION 2018, for
//! the weighted form; consensus-compromise as described at [`consensus_compromise`]).
//! Averaging, weighted and consensus-compromise fusion are not associative, so they are
//! computed over all inputs at once, never by folding pairs.

use crate::error::Error;
use crate::trust::opinion::Opinion;

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
    /// Costs O(n) for n opinions; any number of opinions can be fused (the sums are
    /// formed so that no product of uncertainties underflows).
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
        let weighted_a = |weight: &dyn Fn(&Opinion) -> f64| {
            let total: f64 = opinions.iter().map(weight).sum();
            if total > 0.0 && total.is_finite() {
                opinions.iter().map(|o| o.base_rate() * weight(o)).sum::<f64>() / total
            } else {
                mean_a
            }
        };
        let dogmatic: Vec<&Opinion> = opinions.iter().filter(|o| o.is_dogmatic()).collect();
        if !dogmatic.is_empty() {
            let k = dogmatic.len() as f64;
            let b = dogmatic.iter().map(|o| o.belief()).sum::<f64>() / k;
            let d = dogmatic.iter().map(|o| o.disbelief()).sum::<f64>() / k;
            let a = match how {
                Fusion::Cumulative => dogmatic.iter().map(|o| o.base_rate()).sum::<f64>() / k,
                Fusion::Averaging | Fusion::ConsensusCompromise => mean_a,
                Fusion::Weighted => weighted_a(&|o| 1.0 - o.uncertainty()),
            };
            return Ok(Opinion::normalized(b, d, a));
        }
        // Every u_i >= 1e-12 from here. The published forms divide sums of products
        // of all uncertainties but one; dividing through by the product of all keeps
        // the same values without the products, which underflow for many inputs:
        // with c_i = (1 - u_i) / u_i,
        //   cumulative  b = Σ b_i/u_i / (1 + Σ c_i),   weights of a ∝ c_i
        //   averaging   b = Σ b_i/u_i / Σ 1/u_i
        //   weighted    b = Σ b_i c_i / Σ c_i          (all vacuous when Σ c_i = 0)
        let inverse = |o: &Opinion| 1.0 / o.uncertainty();
        let confidence = |o: &Opinion| (1.0 - o.uncertainty()) / o.uncertainty();
        let sum = |f: &dyn Fn(&Opinion) -> f64| opinions.iter().map(f).sum::<f64>();
        let (b, d, a) = match how {
            Fusion::Cumulative => {
                let denominator = 1.0 + sum(&confidence);
                (
                    sum(&|o| o.belief() * inverse(o)) / denominator,
                    sum(&|o| o.disbelief() * inverse(o)) / denominator,
                    weighted_a(&confidence),
                )
            }
            Fusion::Averaging => {
                let denominator = sum(&inverse);
                (
                    sum(&|o| o.belief() * inverse(o)) / denominator,
                    sum(&|o| o.disbelief() * inverse(o)) / denominator,
                    mean_a,
                )
            }
            Fusion::Weighted => {
                let denominator = sum(&confidence);
                let a = weighted_a(&|o| 1.0 - o.uncertainty());
                if denominator <= 0.0 {
                    return Ok(Opinion::normalized(0.0, 0.0, a));
                }
                (
                    sum(&|o| o.belief() * confidence(o)) / denominator,
                    sum(&|o| o.disbelief() * confidence(o)) / denominator,
                    a,
                )
            }
            Fusion::ConsensusCompromise => {
                let (b, d) = consensus_compromise(opinions);
                (b, d, mean_a)
            }
        };
        Ok(Opinion::normalized(b, d, a))
    }
}

/// Belief and disbelief of the consensus-and-compromise fusion of non-dogmatic
/// binomial opinions, generalized here from Jøsang's two-source operator (*Subjective
/// Logic*, 2016, §12.6) to n sources by taking every combination of the sources'
/// residual masses: the consensus is the least belief and disbelief all share; after
/// it, each source holds residual belief `r_i`, residual disbelief `s_i` and
/// uncertainty `u_i`, summing to the same `m = 1 - consensus`. Combinations where the
/// sources commit only to belief (or leave it open) give compromise belief, likewise
/// for disbelief; combinations mixing belief and disbelief are conflict and become
/// uncertainty; the compromise then fills what the consensus and the shared
/// uncertainty `Π u_i` leave. For two sources this is Jøsang's operator exactly; for
/// three or more it counts mixed combinations (`r_1 r_2 u_3`, ...) that van der Heijden,
/// Kopp and Kargl's multi-source definition (FUSION 2018) leaves out, so the two differ
/// there. Products are taken of `x / m`, in `[0, 1]`, so nothing overflows.
fn consensus_compromise(opinions: &[Opinion]) -> (f64, f64) {
    let cons_b = opinions.iter().map(Opinion::belief).fold(f64::INFINITY, f64::min);
    let cons_d = opinions
        .iter()
        .map(Opinion::disbelief)
        .fold(f64::INFINITY, f64::min);
    let m = 1.0 - cons_b - cons_d;
    if m <= 0.0 {
        return (cons_b, cons_d);
    }
    // X = Π (r_i + u_i)/m, Y = Π (s_i + u_i)/m, Z = Π u_i/m; the compromise masses are
    // m^n (X - Z) and m^n (Y - Z) out of m^n (1 - Z), and the room to fill is
    // m - Π u_i = m - m^n Z.
    let (mut x, mut y, mut z, mut all_u) = (1.0f64, 1.0f64, 1.0f64, 1.0f64);
    for o in opinions {
        let u = o.uncertainty();
        x *= ((o.belief() - cons_b + u) / m).clamp(0.0, 1.0);
        y *= ((o.disbelief() - cons_d + u) / m).clamp(0.0, 1.0);
        z *= (u / m).clamp(0.0, 1.0);
        all_u *= u;
    }
    let spread = 1.0 - z;
    if spread <= 0.0 {
        return (cons_b, cons_d);
    }
    let room = (m - all_u).max(0.0);
    (
        cons_b + room * (x - z).max(0.0) / spread,
        cons_d + room * (y - z).max(0.0) / spread,
    )
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
    fn consensus_compromise_on_three_sources_is_this_crates_generalization() {
        // The FUSION 2018 three-source example. van der Heijden et al.'s multi-source
        // CC gives (0.629, 0.182, 0.189); counting every combination of residues, as
        // documented, gives this.
        let sources = [
            o(0.1, 0.3, 0.6, 0.5),
            o(0.4, 0.2, 0.4, 0.5),
            o(0.7, 0.1, 0.2, 0.5),
        ];
        let f = Opinion::fuse(&sources, Fusion::ConsensusCompromise).unwrap();
        assert_opinion(f, (0.5672, 0.1517, 0.2811, 0.5), 5e-4);
        // The weighted form is the paper's.
        let f = Opinion::fuse(&sources, Fusion::Weighted).unwrap();
        assert_opinion(f, (0.5622, 0.1459, 0.2919, 0.5), 5e-4);
    }

    #[test]
    fn regression_fusing_many_opinions_neither_panics_nor_drifts() {
        for how in [
            Fusion::Cumulative,
            Fusion::Averaging,
            Fusion::Weighted,
            Fusion::ConsensusCompromise,
        ] {
            let many = vec![Opinion::from_evidence(8.0, 2.0).unwrap(); 2_000];
            let f = Opinion::fuse(&many, how).unwrap();
            assert!(
                (f.belief() + f.disbelief() + f.uncertainty() - 1.0).abs() < 1e-9,
                "{how:?}"
            );
            if how != Fusion::Cumulative {
                // Fusing copies of one opinion that is not cumulative gives it back.
                assert!((f.belief() - many[0].belief()).abs() < 1e-9, "{how:?}: {f:?}");
            } else {
                // 2,000 independent copies: the evidence adds up.
                let sum = Opinion::from_evidence(16_000.0, 4_000.0).unwrap();
                assert!((f.belief() - sum.belief()).abs() < 1e-9, "{f:?}");
            }
            let near_dogmatic = vec![Opinion::new(0.5, 0.5 - 1e-11, 1e-11, 0.5).unwrap(); 40];
            let f = Opinion::fuse(&near_dogmatic, how).unwrap();
            assert!(
                f.belief().is_finite() && f.uncertainty() <= 1.1e-11,
                "{how:?}: {f:?}"
            );
        }
        let mut mixed = vec![o(0.5, 0.1, 0.4, 0.5); 1_040];
        mixed.push(o(0.4, 0.1, 0.5, 0.5));
        let f = Opinion::fuse(&mixed, Fusion::ConsensusCompromise).unwrap();
        assert!(f.belief().is_finite() && f.disbelief().is_finite(), "{f:?}");
        assert!(f.belief() > 0.85, "{f:?}");
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(Opinion::fuse(&[], Fusion::Cumulative).is_err());
    }
}

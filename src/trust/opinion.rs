//! The binomial subjective-logic opinion.

use std::fmt;

use crate::error::Error;

/// How trust in an advisor discounts the advisor's opinion: the operator of trust
/// transitivity.
///
/// # Example
/// ```
/// use covalence::{Discount, Opinion};
///
/// let trust = Opinion::from_score(0.5)?;
/// let advice = Opinion::from_score(1.0)?;
/// assert_eq!(trust.discount_with(&advice, Discount::ProbabilitySensitive).belief(), 0.5);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Discount {
    /// Scales the advice by the projected probability of the trust (Jøsang 2016): the
    /// default. Distrust in the advisor turns the advice into uncertainty.
    #[default]
    ProbabilitySensitive,
    /// Scales the advice by the belief in the advisor only (the classic operator of
    /// Jøsang's TNA-SL, 2006): more uncertainty for the same chain.
    UncertaintyFavouring,
}

/// How far `b + d + u` may stray from 1 and still be accepted (then renormalized).
const SUM_TOLERANCE: f64 = 1e-9;
/// Below this uncertainty an opinion counts as dogmatic.
pub(crate) const DOGMATIC: f64 = 1e-12;
/// The prior weight W of the evidence mapping (Jøsang, *Subjective Logic*, 2016, §3.5).
const PRIOR_WEIGHT: f64 = 2.0;

/// A binomial subjective-logic opinion `(b, d, u, a)`: belief, disbelief, uncertainty
/// and base rate, each in `[0, 1]`, with `b + d + u = 1`.
///
/// Unlike a single score it tells "distrusted" (high disbelief) from "unknown" (high
/// uncertainty). [`Opinion::projected`] gives the scalar trust `b + a u`.
///
/// The uncertainty is not stored: it is always `1 - b - d`, so an opinion is three
/// `f64`s and `b + d + u` is 1 to the last bit the arithmetic allows. Opinions are
/// immutable and always valid: every constructor checks its inputs.
///
/// # Example
/// ```
/// use covalence::Opinion;
///
/// let trust = Opinion::from_evidence(8.0, 2.0)?;
/// assert!((trust.belief() - 2.0 / 3.0).abs() < 1e-12);
/// assert!((trust.projected() - 0.75).abs() < 1e-12);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct Opinion {
    b: f64,
    d: f64,
    a: f64,
}

fn unit(name: &str, x: f64) -> Result<f64, Error> {
    if x.is_finite() && (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(Error::invalid(format!("{name} must be in [0, 1], got {x}")))
    }
}

impl Opinion {
    /// An opinion from belief, disbelief, uncertainty and base rate.
    ///
    /// Each must be finite and in `[0, 1]`, and `b + d + u` within 1e-9 of 1. A sum
    /// that drifts by less than that (as decimal inputs such as 0.6 + 0.3 + 0.1 do in
    /// binary floating point) is renormalized: the drift goes to the uncertainty, which
    /// is always `1 - b - d` (if `b + d` alone exceeds 1, both are scaled down).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for NaN, infinities,
    /// values outside `[0, 1]` or a sum that is not 1.
    ///
    /// # Example
    /// ```
    /// use covalence::Opinion;
    ///
    /// let o = Opinion::new(0.6, 0.3, 0.1, 0.5)?;
    /// assert!((o.uncertainty() - 0.1).abs() < 1e-12);
    /// assert!(Opinion::new(0.6, 0.3, 0.3, 0.5).is_err());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn new(belief: f64, disbelief: f64, uncertainty: f64, base_rate: f64) -> Result<Opinion, Error> {
        let b = unit("belief", belief)?;
        let d = unit("disbelief", disbelief)?;
        let u = unit("uncertainty", uncertainty)?;
        let a = unit("base rate", base_rate)?;
        let sum = b + d + u;
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            return Err(Error::invalid(format!(
                "belief + disbelief + uncertainty must be 1, got {b} + {d} + {u} = {sum}"
            )));
        }
        // Drift is absorbed by the uncertainty, which is derived: b and d are kept as
        // given (so a model file round-trips exactly) unless they alone exceed 1.
        let bd = b + d;
        if bd > 1.0 {
            Ok(Opinion::normalized(b / bd, d / bd, a))
        } else {
            Ok(Opinion::normalized(b, d, a))
        }
    }

    /// Builds from `b` and `d` that are already known to be valid up to rounding.
    pub(crate) fn normalized(b: f64, d: f64, a: f64) -> Opinion {
        // NaN counts as 0, so that no arithmetic accident yields an invalid opinion.
        let unit = |x: f64| if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
        let b = unit(b);
        let d = unit(d).min(1.0 - b);
        Opinion { b, d, a: unit(a) }
    }

    /// The vacuous opinion `(0, 0, 1, a)`: no evidence at all.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) if `a` is not in `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// let o = covalence::Opinion::vacuous(0.3)?;
    /// assert_eq!(o.uncertainty(), 1.0);
    /// assert_eq!(o.projected(), 0.3);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn vacuous(base_rate: f64) -> Result<Opinion, Error> {
        Ok(Opinion {
            b: 0.0,
            d: 0.0,
            a: unit("base rate", base_rate)?,
        })
    }

    /// The dogmatic opinion `(p, 1 - p, 0, 0.5)` for users who only have a score.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) if `p` is not in `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// let o = covalence::Opinion::from_score(0.8)?;
    /// assert_eq!(o.uncertainty(), 0.0);
    /// assert!((o.projected() - 0.8).abs() < 1e-15);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn from_score(p: f64) -> Result<Opinion, Error> {
        let p = unit("trust score", p)?;
        Ok(Opinion::normalized(p, 1.0 - p, 0.5))
    }

    /// The opinion of `r` positive and `s` negative observations, base rate 0.5:
    /// `b = r / (r + s + 2)`, `d = s / (r + s + 2)`, `u = 2 / (r + s + 2)` (prior
    /// weight 2). Evidence may be weighted (fractional). Zero evidence is vacuous.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) unless `r` and `s`
    /// are finite and `>= 0`.
    ///
    /// # Example
    /// ```
    /// let o = covalence::Opinion::from_evidence(0.0, 0.0)?;
    /// assert_eq!(o.uncertainty(), 1.0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn from_evidence(positive: f64, negative: f64) -> Result<Opinion, Error> {
        Opinion::from_evidence_with_base_rate(positive, negative, 0.5)
    }

    /// As [`Opinion::from_evidence`], with a base rate.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for negative or
    /// non-finite evidence, or a base rate outside `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// let o = covalence::Opinion::from_evidence_with_base_rate(0.0, 0.0, 0.3)?;
    /// assert_eq!((o.belief(), o.disbelief(), o.base_rate()), (0.0, 0.0, 0.3));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn from_evidence_with_base_rate(
        positive: f64,
        negative: f64,
        base_rate: f64,
    ) -> Result<Opinion, Error> {
        for (name, x) in [("positive evidence", positive), ("negative evidence", negative)] {
            if !(x.is_finite() && x >= 0.0) {
                return Err(Error::invalid(format!("{name} must be finite and >= 0, got {x}")));
            }
        }
        let a = unit("base rate", base_rate)?;
        let total = positive + negative + PRIOR_WEIGHT;
        if !total.is_finite() {
            return Err(Error::invalid("evidence too large to weigh"));
        }
        Ok(Opinion::normalized(positive / total, negative / total, a))
    }

    /// Belief `b`, in `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Opinion::from_score(1.0)?.belief(), 1.0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn belief(&self) -> f64 {
        self.b
    }

    /// Disbelief `d`, in `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Opinion::from_score(0.0)?.disbelief(), 1.0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn disbelief(&self) -> f64 {
        self.d
    }

    /// Uncertainty `u = 1 - b - d`, in `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Opinion::vacuous(0.5)?.uncertainty(), 1.0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn uncertainty(&self) -> f64 {
        (1.0 - self.b - self.d).max(0.0)
    }

    /// Base rate `a`, in `[0, 1]`: the prior probability without evidence.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Opinion::vacuous(0.25)?.base_rate(), 0.25);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn base_rate(&self) -> f64 {
        self.a
    }

    /// The projected probability `P = b + a u`, in `[0, 1]`: the scalar trust score.
    ///
    /// # Example
    /// ```
    /// let o = covalence::Opinion::new(0.091, 0.604, 0.305, 1.0)?;
    /// assert!((o.projected() - 0.396).abs() < 1e-9);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn projected(&self) -> f64 {
        (self.b + self.a * self.uncertainty()).clamp(0.0, 1.0)
    }

    /// The evidence `(r, s)` this opinion stands for under the prior weight 2:
    /// `r = 2b / u`, `s = 2d / u`, the inverse of [`Opinion::from_evidence`]. `None`
    /// for a dogmatic opinion (`u` below 1e-12), which stands for infinite evidence.
    ///
    /// # Example
    /// ```
    /// use covalence::Opinion;
    ///
    /// let (r, s) = Opinion::from_evidence(8.0, 2.0)?.to_evidence().expect("not dogmatic");
    /// assert!((r - 8.0).abs() < 1e-9 && (s - 2.0).abs() < 1e-9);
    /// assert!(Opinion::from_score(0.9)?.to_evidence().is_none());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn to_evidence(&self) -> Option<(f64, f64)> {
        let u = self.uncertainty();
        (!self.is_dogmatic()).then(|| (PRIOR_WEIGHT * self.b / u, PRIOR_WEIGHT * self.d / u))
    }

    /// Whether the opinion has (next to) no uncertainty: `u` below 1e-12. Fusion
    /// treats dogmatic opinions by their own rule.
    ///
    /// # Example
    /// ```
    /// assert!(covalence::Opinion::from_score(0.3)?.is_dogmatic());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn is_dogmatic(&self) -> bool {
        self.uncertainty() < DOGMATIC
    }

    /// Trust transitivity: `self` is the trust in an advisor, `opinion` the advisor's
    /// opinion about something; the result is the derived opinion about it. Uses the
    /// probability-sensitive operator (Jøsang, *Subjective Logic*, 2016, §14.3):
    /// with `p = self.projected()`, `b = p b'`, `d = p d'`, `u = 1 - b - d`, `a = a'`.
    ///
    /// # Example
    /// ```
    /// use covalence::Opinion;
    ///
    /// let in_advisor = Opinion::new(0.2, 0.4, 0.4, 0.75)?;
    /// let advice = Opinion::new(0.45, 0.35, 0.2, 0.25)?;
    /// let derived = in_advisor.discount(&advice);
    /// assert!((derived.belief() - 0.225).abs() < 1e-12);
    /// assert!((derived.projected() - 0.375).abs() < 1e-12);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn discount(&self, opinion: &Opinion) -> Opinion {
        self.discount_with(opinion, Discount::ProbabilitySensitive)
    }

    /// Trust transitivity with a chosen operator; see [`Discount`].
    ///
    /// # Example
    /// ```
    /// use covalence::{Discount, Opinion};
    ///
    /// let in_advisor = Opinion::new(0.2, 0.4, 0.4, 0.75)?;
    /// let advice = Opinion::new(0.45, 0.35, 0.2, 0.25)?;
    /// let derived = in_advisor.discount_with(&advice, Discount::UncertaintyFavouring);
    /// assert!((derived.uncertainty() - 0.84).abs() < 1e-12);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn discount_with(&self, opinion: &Opinion, how: Discount) -> Opinion {
        let factor = match how {
            Discount::ProbabilitySensitive => self.projected(),
            Discount::UncertaintyFavouring => self.b,
        };
        Opinion::normalized(factor * opinion.b, factor * opinion.d, opinion.a)
    }

    /// The opinion at the end of a chain of referrals: `links` are the trust in each
    /// advisor in turn, the last being the final advisor's opinion about the target.
    /// With [`Discount::ProbabilitySensitive`] the projected probabilities of the
    /// referral links multiply (`p = P1 P2 ... Pn-1`, then `b = p b_n`, `d = p d_n`);
    /// with [`Discount::UncertaintyFavouring`] their beliefs do.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an empty chain.
    ///
    /// # Example
    /// ```
    /// use covalence::{Discount, Opinion};
    ///
    /// let links = [Opinion::from_score(0.9)?, Opinion::from_score(0.9)?, Opinion::from_score(0.8)?];
    /// let end = Opinion::chain(&links, Discount::ProbabilitySensitive)?;
    /// assert!((end.belief() - 0.648).abs() < 1e-12);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn chain(links: &[Opinion], how: Discount) -> Result<Opinion, Error> {
        let Some((last, referrals)) = links.split_last() else {
            return Err(Error::invalid("a chain of trust needs at least one opinion"));
        };
        let factor: f64 = referrals
            .iter()
            .map(|o| match how {
                Discount::ProbabilitySensitive => o.projected(),
                Discount::UncertaintyFavouring => o.b,
            })
            .product();
        Ok(Opinion::normalized(factor * last.b, factor * last.d, last.a))
    }

    /// Whether this is exactly [`Opinion::from_score`] of a non-negative belief, bit
    /// for bit (a belief of -0.0 is not): a dogmatic opinion with base rate 1/2,
    /// which its score, `b`, holds whole, as its projected probability is exactly `b`.
    #[inline]
    pub(crate) fn is_score(&self) -> bool {
        let b = self.b;
        // What `from_score(b)` makes, for a valid score.
        b.is_sign_positive()
            && (0.0..=1.0).contains(&b)
            && Opinion::normalized(b, 1.0 - b, 0.5).to_parts().map(f64::to_bits)
                == self.to_parts().map(f64::to_bits)
    }

    /// The three stored numbers `(b, d, a)`, for compact storage.
    pub(crate) fn to_parts(self) -> [f64; 3] {
        [self.b, self.d, self.a]
    }

    /// Rebuilds from [`Opinion::to_parts`].
    pub(crate) fn from_parts([b, d, a]: [f64; 3]) -> Opinion {
        Opinion { b, d, a }
    }
}

impl fmt::Debug for Opinion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Opinion(b={}, d={}, u={}, a={})",
            self.b,
            self.d,
            self.uncertainty(),
            self.a
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64) -> bool {
        (x - y).abs() < 1e-9
    }

    #[test]
    fn golden_sl_projected() {
        // SL-01, SL-03, SL-05
        assert!(close(Opinion::new(1.0, 0.0, 0.0, 0.5).unwrap().projected(), 1.0));
        assert!(close(Opinion::new(0.0, 0.0, 1.0, 0.5).unwrap().projected(), 0.5));
        assert!(close(
            Opinion::new(0.091, 0.604, 0.305, 1.0).unwrap().projected(),
            0.396
        ));
    }

    #[test]
    fn golden_sl_07_and_08_from_evidence() {
        let o = Opinion::from_evidence(8.0, 2.0).unwrap();
        assert!(close(o.belief(), 2.0 / 3.0) && close(o.disbelief(), 1.0 / 6.0));
        assert!(close(o.uncertainty(), 1.0 / 6.0) && close(o.projected(), 0.75));
        let v = Opinion::from_evidence_with_base_rate(0.0, 0.0, 0.3).unwrap();
        assert_eq!(
            (v.belief(), v.disbelief(), v.uncertainty(), v.base_rate()),
            (0.0, 0.0, 1.0, 0.3)
        );
    }

    fn o(b: f64, d: f64, u: f64, a: f64) -> Opinion {
        Opinion::new(b, d, u, a).unwrap()
    }

    fn is(x: Opinion, (b, d, u, a): (f64, f64, f64, f64)) -> bool {
        close(x.belief(), b)
            && close(x.disbelief(), d)
            && close(x.uncertainty(), u)
            && close(x.base_rate(), a)
    }

    #[test]
    fn golden_sl_discount_probability_sensitive() {
        // SL-11, SL-13, SL-14, SL-15, SL-19
        assert!(is(
            o(1.0, 0.0, 0.0, 0.5).discount(&o(0.0, 1.0, 0.0, 0.5)),
            (0.0, 1.0, 0.0, 0.5)
        ));
        assert!(is(
            o(0.0, 1.0, 0.0, 0.5).discount(&o(0.6, 0.3, 0.1, 0.0)),
            (0.0, 0.0, 1.0, 0.0)
        ));
        assert!(is(
            o(0.0, 0.0, 1.0, 0.5).discount(&o(0.6, 0.3, 0.1, 0.0)),
            (0.3, 0.15, 0.55, 0.0)
        ));
        let x = o(0.6, 0.3, 0.1, 0.0).discount(&o(0.091, 0.604, 0.305, 0.4));
        assert!(is(x, (0.0546, 0.3624, 0.583, 0.4)), "{x:?}");
        let x = o(0.2, 0.4, 0.4, 0.75).discount(&o(0.45, 0.35, 0.2, 0.25));
        assert!(is(x, (0.225, 0.175, 0.6, 0.25)) && close(x.projected(), 0.375));
    }

    #[test]
    fn golden_sl_29_discount_uncertainty_favouring() {
        let x =
            o(0.2, 0.4, 0.4, 0.75).discount_with(&o(0.45, 0.35, 0.2, 0.25), Discount::UncertaintyFavouring);
        assert!(is(x, (0.09, 0.07, 0.84, 0.25)) && close(x.projected(), 0.30));
    }

    #[test]
    fn chains_multiply_the_referrals() {
        let links = [o(0.2, 0.4, 0.4, 0.75), o(0.45, 0.35, 0.2, 0.25)];
        assert_eq!(
            Opinion::chain(&links, Discount::ProbabilitySensitive).unwrap(),
            links[0].discount(&links[1])
        );
        let one = [o(0.3, 0.3, 0.4, 0.5)];
        assert_eq!(
            Opinion::chain(&one, Discount::ProbabilitySensitive).unwrap(),
            one[0]
        );
        assert!(Opinion::chain(&[], Discount::ProbabilitySensitive).is_err());
    }

    #[test]
    fn evidence_round_trips() {
        let (r, s) = Opinion::from_evidence(3.5, 0.25).unwrap().to_evidence().unwrap();
        assert!(close(r, 3.5) && close(s, 0.25));
        assert_eq!(Opinion::vacuous(0.5).unwrap().to_evidence(), Some((0.0, 0.0)));
    }

    #[test]
    fn rejects_what_is_not_an_opinion() {
        for (b, d, u, a) in [
            (f64::NAN, 0.0, 1.0, 0.5),
            (0.5, 0.5, 0.0, f64::INFINITY),
            (1.2, -0.2, 0.0, 0.5),
            (0.5, 0.5, 0.5, 0.5),
            (0.3, 0.3, 0.3, 0.5),
        ] {
            assert!(Opinion::new(b, d, u, a).is_err(), "{b} {d} {u} {a}");
        }
        assert!(Opinion::from_evidence(-1.0, 0.0).is_err());
        assert!(Opinion::from_evidence(f64::MAX, f64::MAX).is_err());
        assert!(Opinion::from_score(1.5).is_err());
    }

    #[test]
    fn tiny_drift_is_renormalized() {
        let o = Opinion::new(0.6, 0.3, 0.1 + 5e-10, 0.5).unwrap();
        assert_eq!(o.belief() + o.disbelief() + o.uncertainty(), 1.0);
        assert_eq!((o.belief(), o.disbelief()), (0.6, 0.3));
        let o = Opinion::new(0.7, 0.3 + 5e-10, 0.0, 0.5).unwrap();
        assert!(o.belief() + o.disbelief() <= 1.0);
        assert!(o.belief() < 0.7);
    }
}

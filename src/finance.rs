//! Finance functions that stand on their own: net present value in both of its
//! conventions, internal rate of return with every real root, and customer lifetime
//! value. Money stays exact ([`Decimal`]); discount factors use integer powers only.
//!
//! # Example
//! ```
//! use covalence::finance::{self, NpvConvention};
//! use rust_decimal::dec;
//!
//! let flows = [dec!(-1000), dec!(500), dec!(500), dec!(500)];
//! let t0 = finance::npv(dec!(0.10), &flows, NpvConvention::FirstAtTimeZero)?;
//! let sheet = finance::npv(dec!(0.10), &flows, NpvConvention::Spreadsheet)?;
//! assert_eq!(t0.round_dp(2), dec!(243.43));
//! assert!(sheet < t0); // the spreadsheet convention discounts the first value too
//! # Ok::<(), covalence::Error>(())
//! ```

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind};

/// When the first of a series of per-period values falls.
///
/// # Example
/// ```
/// use covalence::finance::{self, NpvConvention};
/// use rust_decimal::dec;
///
/// let one = [dec!(5000)];
/// assert_eq!(finance::npv(dec!(0.065), &one, NpvConvention::FirstAtTimeZero)?, dec!(5000));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NpvConvention {
    /// The first value is at t = 0, undiscounted; value k at t = k (the textbook and
    /// numpy-financial convention, where the first value is usually the investment).
    FirstAtTimeZero,
    /// The first value is at the end of the first period, discounted once (the
    /// spreadsheet `NPV` function).
    Spreadsheet,
}

/// `base^exponent` by repeated squaring with checked multiplication: integer powers
/// only, no floating point.
pub(crate) fn checked_powi(base: Decimal, exponent: u32) -> Result<Decimal, Error> {
    let overflow = || Error::overflow(format_args!("{base} to the power {exponent}"));
    let (mut result, mut square, mut e) = (Decimal::ONE, base, exponent);
    while e > 0 {
        if e & 1 == 1 {
            result = result.checked_mul(square).ok_or_else(overflow)?;
        }
        e >>= 1;
        if e > 0 {
            square = square.checked_mul(square).ok_or_else(overflow)?;
        }
    }
    Ok(result)
}

/// The discount factor `1 / (1 + rate)^periods`.
pub(crate) fn discount_factor(rate: Decimal, periods: u32) -> Result<Decimal, Error> {
    let growth = Decimal::ONE
        .checked_add(rate)
        .ok_or_else(|| Error::overflow(format_args!("1 + {rate}")))?;
    if growth <= Decimal::ZERO {
        return Err(Error::invalid(format!(
            "a discount rate must be above -1, got {rate}"
        )));
    }
    let power = checked_powi(growth, periods)?;
    Decimal::ONE
        .checked_div(power)
        .ok_or_else(|| Error::overflow(format_args!("1 / {power}")))
}

/// Net present value of per-period values at a constant rate, in a named
/// convention. O(n) checked decimal operations.
///
/// # Errors
/// [`ErrorKind::InvalidValue`] for a rate at or below -1; [`ErrorKind::Overflow`]
/// when a power or sum does not fit.
///
/// # Example
/// ```
/// use covalence::finance::{self, NpvConvention};
/// use rust_decimal::dec;
///
/// let flows = [dec!(-40000), dec!(5000), dec!(8000), dec!(12000), dec!(30000)];
/// let npv = finance::npv(dec!(0.08), &flows, NpvConvention::FirstAtTimeZero)?;
/// assert_eq!(npv.round_dp(5), dec!(3065.22267));
/// # Ok::<(), covalence::Error>(())
/// ```
pub fn npv(rate: Decimal, values: &[Decimal], convention: NpvConvention) -> Result<Decimal, Error> {
    // A running factor, multiplied by 1 / (1 + rate) each period: long series
    // underflow towards zero instead of overflowing a power.
    let step = discount_factor(rate, 1)?;
    let mut factor = match convention {
        NpvConvention::FirstAtTimeZero => Decimal::ONE,
        NpvConvention::Spreadsheet => step,
    };
    let mut total = Decimal::ZERO;
    for value in values {
        let present = value
            .checked_mul(factor)
            .ok_or_else(|| Error::overflow(format_args!("{value} discounted")))?;
        total = total
            .checked_add(present)
            .ok_or_else(|| Error::overflow("the net present value"))?;
        factor = factor.checked_mul(step).unwrap_or(Decimal::ZERO);
    }
    Ok(total)
}

/// The internal rates of return of a series of values, the first at t = 0: every
/// real rate above -1 at which the net present value is zero, and the one a
/// selection rule picks.
///
/// # Example
/// ```
/// use covalence::finance;
/// use rust_decimal::dec;
///
/// let irr = finance::irr(&[dec!(-100), dec!(100), dec!(0), dec!(-7)])?;
/// assert_eq!(irr.roots.len(), 2);
/// assert!((irr.rate - -0.0833).abs() < 1e-4);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Irr {
    /// The rate chosen: the root of smallest magnitude (the one nearest to 0%).
    pub rate: f64,
    /// Every real root above -1, ascending.
    pub roots: Vec<f64>,
}

/// Internal rate of return of values at t = 0, 1, 2, ...: all real roots above -1 of
/// `Σ v_t / (1 + r)^t = 0`, found as the positive roots of the polynomial in
/// `x = 1 / (1 + r)`, each isolated between the roots of its derivative and refined
/// by bisection and polished by Newton's method. Rates are `f64`: they are ratios, not
/// money; roots are as precise as the polynomial's conditioning allows, and roots
/// closer together than about 1e-9 may be reported as one. O(n³) for n values in the
/// worst case.
///
/// # Errors
/// [`ErrorKind::InvalidValue`] when the values do not change sign (no rate makes
/// them sum to zero), or no real root exists.
///
/// # Example
/// ```
/// use covalence::finance;
/// use rust_decimal::dec;
///
/// let irr = finance::irr(&[dec!(-100), dec!(39), dec!(59), dec!(55), dec!(20)])?;
/// assert!((irr.rate - 0.28095).abs() < 1e-5);
/// assert!(finance::irr(&[dec!(1), dec!(2), dec!(3)]).is_err());
/// # Ok::<(), covalence::Error>(())
/// ```
pub fn irr(values: &[Decimal]) -> Result<Irr, Error> {
    let positive = values.iter().any(|v| v.is_sign_positive() && !v.is_zero());
    let negative = values.iter().any(|v| v.is_sign_negative() && !v.is_zero());
    if !(positive && negative) {
        return Err(Error::invalid(
            "an internal rate of return needs values of both signs: no rate makes these sum to zero",
        ));
    }
    // Scale to the largest magnitude so the polynomial is well conditioned.
    let largest = values.iter().map(|v| v.abs()).max().unwrap_or(Decimal::ONE);
    let coefficients: Vec<f64> = values
        .iter()
        .map(|v| {
            let scaled = v.checked_div(largest).unwrap_or(Decimal::ZERO);
            f64::try_from(scaled).unwrap_or(0.0)
        })
        .collect();
    let mut coefficients = coefficients;
    while coefficients.last() == Some(&0.0) {
        coefficients.pop();
    }
    // Leading zero values are a factor x^k: x = 0 is no rate, so divide it out.
    let zeros = coefficients.iter().take_while(|c| **c == 0.0).count();
    coefficients.drain(..zeros);
    let leading = coefficients.last().copied().unwrap_or(0.0).abs();
    let bound = 1.0
        + coefficients
            .iter()
            .rev()
            .skip(1)
            .map(|c| c.abs() / leading)
            .fold(0.0, f64::max);
    let xs: Vec<f64> = real_roots(&coefficients, 0.0, bound)
        .into_iter()
        .map(|x| polish(&coefficients, x))
        .collect();
    let mut roots: Vec<f64> = xs
        .into_iter()
        .filter(|x| *x > 0.0)
        .map(|x| 1.0 / x - 1.0)
        .collect();
    roots.sort_by(f64::total_cmp);
    roots.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
    let rate = roots
        .iter()
        .copied()
        .min_by(|a, b| a.abs().total_cmp(&b.abs()))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidValue,
                "these values have no real internal rate of return",
            )
        })?;
    Ok(Irr { rate, roots })
}

/// A few Newton steps from a bracketed root, kept only while they improve it.
fn polish(coefficients: &[f64], mut x: f64) -> f64 {
    let derivative: Vec<f64> = coefficients
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, a)| k as f64 * a)
        .collect();
    for _ in 0..4 {
        let (f, df) = (evaluate(coefficients, x), evaluate(&derivative, x));
        if df == 0.0 || !f.is_finite() {
            break;
        }
        let next = x - f / df;
        if !(next.is_finite() && next > 0.0) || evaluate(coefficients, next).abs() >= f.abs() {
            break;
        }
        x = next;
    }
    x
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

fn evaluate(coefficients: &[f64], x: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |acc, c| acc * x + c)
}

/// The real roots of a polynomial (coefficients from the constant up) in `(lo, hi]`,
/// ascending: between consecutive roots of the derivative the polynomial is monotone,
/// so each sign change there brackets exactly one root, found by bisection; a root of
/// the derivative where the polynomial also vanishes is a multiple root.
fn real_roots(coefficients: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let mut c = coefficients.to_vec();
    while c.last() == Some(&0.0) {
        c.pop();
    }
    match c.len() {
        0 | 1 => return Vec::new(),
        2 => {
            let (c0, c1) = (
                c.first().copied().unwrap_or(0.0),
                c.get(1).copied().unwrap_or(1.0),
            );
            let root = -c0 / c1;
            return if root > lo && root <= hi {
                vec![root]
            } else {
                Vec::new()
            };
        }
        _ => {}
    }
    let derivative: Vec<f64> = c.iter().enumerate().skip(1).map(|(k, a)| k as f64 * a).collect();
    let critical = real_roots(&derivative, lo, hi);
    let scale = c.iter().fold(0.0f64, |m, a| m.max(a.abs()));
    let mut points = vec![lo];
    points.extend(critical.iter().copied());
    points.push(hi);
    let mut roots = Vec::new();
    for pair in points.windows(2) {
        let &[a, b] = pair else { continue };
        let (fa, fb) = (evaluate(&c, a), evaluate(&c, b));
        if fb == 0.0 || (critical.contains(&b) && fb.abs() <= 1e-12 * scale) {
            roots.push(b);
            continue;
        }
        if sign(fa) * sign(fb) < 0 {
            let (mut low, mut high, f_low) = (a, b, fa);
            for _ in 0..200 {
                let mid = 0.5 * (low + high);
                if mid <= low || mid >= high {
                    break;
                }
                let fm = evaluate(&c, mid);
                if fm == 0.0 {
                    low = mid;
                    high = mid;
                    break;
                }
                if sign(fm) == sign(f_low) {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            roots.push(0.5 * (low + high));
        }
    }
    roots
}

/// Customer lifetime value (Gupta and Lehmann, 2003) of a margin per period kept with
/// probability `retention` each period, discounted at `rate`, margins from the end of
/// the first period on: `m r / (1 + i - r)`.
///
/// # Errors
/// [`ErrorKind::InvalidValue`] for a retention outside `[0, 1]` or a rate not above
/// `retention - 1`; [`ErrorKind::Overflow`].
///
/// # Example
/// ```
/// use covalence::finance;
/// use rust_decimal::dec;
///
/// assert_eq!(finance::clv(dec!(100), dec!(0.8), dec!(0.12))?, dec!(250));
/// # Ok::<(), covalence::Error>(())
/// ```
pub fn clv(margin: Decimal, retention: Decimal, rate: Decimal) -> Result<Decimal, Error> {
    check_retention(retention)?;
    let denominator = Decimal::ONE
        .checked_add(rate)
        .and_then(|x| x.checked_sub(retention))
        .ok_or_else(|| Error::overflow("1 + rate - retention"))?;
    if denominator <= Decimal::ZERO {
        return Err(Error::invalid(format!(
            "lifetime value diverges unless the rate {rate} exceeds retention - 1 ({})",
            retention - Decimal::ONE
        )));
    }
    margin
        .checked_mul(retention)
        .and_then(|x| x.checked_div(denominator))
        .ok_or_else(|| Error::overflow("the lifetime value"))
}

/// Customer lifetime value counting the margin at t = 0 as well: `m + m r / (1 + i - r)`.
///
/// # Errors
/// As [`clv`].
///
/// # Example
/// ```
/// use covalence::finance;
/// use rust_decimal::dec;
///
/// assert_eq!(finance::clv_with_initial_margin(dec!(100), dec!(0.8), dec!(0.12))?, dec!(350));
/// # Ok::<(), covalence::Error>(())
/// ```
pub fn clv_with_initial_margin(margin: Decimal, retention: Decimal, rate: Decimal) -> Result<Decimal, Error> {
    clv(margin, retention, rate)?
        .checked_add(margin)
        .ok_or_else(|| Error::overflow("the lifetime value"))
}

/// Customer lifetime value over a finite horizon: `Σ_{t=1..periods} m r^t / (1 + i)^t`.
/// Tends to [`clv`] as the horizon grows. O(periods).
///
/// # Errors
/// [`ErrorKind::InvalidValue`] for a retention outside `[0, 1]` or a rate at or
/// below -1; [`ErrorKind::Overflow`].
///
/// # Example
/// ```
/// use covalence::finance;
/// use rust_decimal::dec;
///
/// let ten_years = finance::clv_finite(dec!(100), dec!(0.8), dec!(0.12), 10)?;
/// assert!(ten_years < finance::clv(dec!(100), dec!(0.8), dec!(0.12))?);
/// # Ok::<(), covalence::Error>(())
/// ```
pub fn clv_finite(
    margin: Decimal,
    retention: Decimal,
    rate: Decimal,
    periods: u32,
) -> Result<Decimal, Error> {
    check_retention(retention)?;
    // Each term is the last times r / (1 + i): one checked power step per period, and
    // no power of (1 + i) large enough to overflow on long horizons.
    let ratio = retention
        .checked_mul(discount_factor(rate, 1)?)
        .ok_or_else(|| Error::overflow("retention / (1 + rate)"))?;
    let (mut total, mut term) = (Decimal::ZERO, margin);
    for _ in 0..periods {
        term = term
            .checked_mul(ratio)
            .ok_or_else(|| Error::overflow("the lifetime value"))?;
        if term.is_zero() {
            break;
        }
        total = total
            .checked_add(term)
            .ok_or_else(|| Error::overflow("the lifetime value"))?;
    }
    Ok(total)
}

fn check_retention(retention: Decimal) -> Result<(), Error> {
    if retention < Decimal::ZERO || retention > Decimal::ONE {
        return Err(Error::invalid(format!(
            "retention must be in [0, 1], got {retention}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn golden_a1_npv_first_value_at_time_zero() {
        let flows = [dec!(-40000), dec!(5000), dec!(8000), dec!(12000), dec!(30000)];
        let npv = npv(dec!(0.08), &flows, NpvConvention::FirstAtTimeZero).unwrap();
        assert_eq!(npv.round_dp(5), dec!(3065.22267));
    }

    #[test]
    fn golden_a4a_spreadsheet_npv() {
        let npv = npv(dec!(0.065), &[dec!(5000)], NpvConvention::Spreadsheet).unwrap();
        assert!((npv - dec!(4694.83568075117)).abs() < dec!(0.0000000001), "{npv}");
    }

    #[test]
    fn golden_a6_the_convention_trap() {
        let flows = [dec!(-1000), dec!(500), dec!(500), dec!(500)];
        let sheet = npv(dec!(0.10), &flows, NpvConvention::Spreadsheet).unwrap();
        let t0 = npv(dec!(0.10), &flows, NpvConvention::FirstAtTimeZero).unwrap();
        assert!(
            (sheet - dec!(221.29635953828)).abs() < dec!(0.00000000001),
            "{sheet}"
        );
        assert_eq!(t0.round_dp(2), dec!(243.43));
    }

    #[test]
    fn golden_a7a_irr() {
        let irr = irr(&[dec!(-100), dec!(39), dec!(59), dec!(55), dec!(20)]).unwrap();
        assert!((irr.rate - 0.28095).abs() < 1e-5, "{irr:?}");
        assert_eq!(irr.roots.len(), 1);
    }

    #[test]
    fn golden_a7c_irr_with_two_roots() {
        let irr = irr(&[dec!(-100), dec!(100), dec!(0), dec!(-7)]).unwrap();
        assert_eq!(irr.roots.len(), 2, "{irr:?}");
        assert!(
            (irr.roots[0] - -0.678894).abs() < 1e-6 && (irr.roots[1] - -0.083300).abs() < 1e-6,
            "{irr:?}"
        );
        assert!((irr.rate - -0.0833).abs() < 1e-4);
    }

    #[test]
    fn golden_a7k_irr_without_a_sign_change() {
        assert_eq!(
            irr(&[dec!(1), dec!(2), dec!(3)]).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        assert!(irr(&[]).is_err() && irr(&[dec!(0), dec!(0)]).is_err());
    }

    #[test]
    fn regression_a_leading_zero_is_no_root() {
        let irr = irr(&[dec!(0), dec!(-1), dec!(1)]).unwrap();
        assert_eq!(irr.roots, [0.0]);
        let irr2 = super::irr(&[dec!(0), dec!(0), dec!(-100), dec!(50), dec!(70)]).unwrap();
        assert_eq!(irr2.roots.len(), 1, "{irr2:?}");
    }

    #[test]
    fn regression_long_series_discount_without_overflow() {
        let ones = vec![dec!(1); 1000];
        let npv = npv(dec!(0.10), &ones, NpvConvention::FirstAtTimeZero).unwrap();
        assert!((npv - dec!(11)).abs() < dec!(0.000001), "{npv}");
    }

    #[test]
    fn golden_c5a_customer_lifetime_value() {
        assert_eq!(clv(dec!(100), dec!(0.8), dec!(0.12)).unwrap(), dec!(250));
        assert_eq!(
            clv_with_initial_margin(dec!(100), dec!(0.8), dec!(0.12)).unwrap(),
            dec!(350)
        );
        let long = clv_finite(dec!(100), dec!(0.8), dec!(0.12), 400).unwrap();
        assert!((long - dec!(250)).abs() < dec!(0.000001), "{long}");
    }

    #[test]
    fn powers_are_exact_and_checked() {
        assert_eq!(checked_powi(dec!(1.1), 3).unwrap(), dec!(1.331));
        assert_eq!(checked_powi(dec!(7), 0).unwrap(), Decimal::ONE);
        assert_eq!(
            checked_powi(dec!(10), 40).unwrap_err().kind(),
            ErrorKind::Overflow
        );
        assert!(discount_factor(dec!(-1), 1).is_err());
    }
}

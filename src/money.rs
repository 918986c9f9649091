//! Exact money: [`Currency`], [`Money`] and [`Fraction`].
//!
//! Amounts are [`Decimal`]s kept at full precision. Arithmetic is checked: overflow,
//! division by zero and mixed currencies are [`Error`]s, never panics. Amounts are
//! rounded once, for presentation, to the currency's minor unit, half away from zero
//! ([`Money::round_to_minor_units`]); `rust_decimal`'s own default (banker's rounding)
//! is never used implicitly. [`Money::allocate`] splits an amount by ratios so that the
//! parts always add up to the whole.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorKind};

/// ISO 4217 currencies in force, with their minor units (digits after the point).
/// Sorted by code for binary search. Codes with no minor unit defined (precious metals,
/// special drawing rights, `XXX`) are left out: they are not money in this sense.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BOV", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHE", 2),
    ("CHF", 2),
    ("CHW", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("COU", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MXV", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("USN", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// An ISO 4217 currency: its three-letter code and its minor unit.
///
/// Only codes in force with a defined minor unit are accepted, so a typo such as `UDS`
/// is an error rather than a new currency. `Currency` is `Copy` and two bytes wide.
///
/// # Example
/// ```
/// use covalence::Currency;
///
/// let yen = Currency::new("JPY")?;
/// assert_eq!(yen.code(), "JPY");
/// assert_eq!(yen.minor_units(), 0);
/// assert_eq!(Currency::USD.minor_units(), 2);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(u16);

impl Currency {
    /// The US dollar.
    ///
    /// ```
    /// assert_eq!(covalence::Currency::USD.code(), "USD");
    /// ```
    pub const USD: Currency = Currency::known("USD");
    /// The euro.
    ///
    /// ```
    /// assert_eq!(covalence::Currency::EUR.code(), "EUR");
    /// ```
    pub const EUR: Currency = Currency::known("EUR");
    /// The pound sterling.
    ///
    /// ```
    /// assert_eq!(covalence::Currency::GBP.code(), "GBP");
    /// ```
    pub const GBP: Currency = Currency::known("GBP");
    /// The Japanese yen (no minor unit).
    ///
    /// ```
    /// assert_eq!(covalence::Currency::JPY.code(), "JPY");
    /// ```
    pub const JPY: Currency = Currency::known("JPY");

    /// Looks a code up at compile time; an unknown code fails the build (this runs
    /// only in constant evaluation, so its indexing and panic cannot happen at run time).
    #[allow(clippy::indexing_slicing, clippy::panic)]
    const fn known(code: &str) -> Currency {
        let mut i = 0;
        while i < CURRENCIES.len() {
            let entry = CURRENCIES[i].0.as_bytes();
            let wanted = code.as_bytes();
            if entry[0] == wanted[0] && entry[1] == wanted[1] && entry[2] == wanted[2] {
                return Currency(i as u16);
            }
            i += 1;
        }
        panic!("unknown currency code in a constant")
    }

    /// The currency with this ISO 4217 code (three upper-case letters).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for anything that is not a code in force.
    ///
    /// # Example
    /// ```
    /// use covalence::Currency;
    ///
    /// assert_eq!(Currency::new("EUR")?, Currency::EUR);
    /// assert!(Currency::new("UDS").is_err());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn new(code: &str) -> Result<Currency, Error> {
        CURRENCIES
            .binary_search_by(|(c, _)| c.cmp(&code))
            .ok()
            .and_then(|i| u16::try_from(i).ok())
            .map(Currency)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "`{}` is not an ISO 4217 currency code in force",
                    code.escape_debug()
                ))
            })
    }

    fn entry(self) -> (&'static str, u8) {
        // The index always comes from the table itself.
        CURRENCIES.get(usize::from(self.0)).copied().unwrap_or(("XXX", 0))
    }

    /// The three-letter code.
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Currency::EUR.code(), "EUR");
    /// ```
    pub fn code(self) -> &'static str {
        self.entry().0
    }

    /// Digits after the decimal point of the currency's minor unit (2 for cents).
    ///
    /// # Example
    /// ```
    /// assert_eq!(covalence::Currency::new("KWD")?.minor_units(), 3);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn minor_units(self) -> u32 {
        u32::from(self.entry().1)
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Currency, Error> {
        Currency::new(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Currency, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::new(&code).map_err(serde::de::Error::custom)
    }
}

/// An exact amount of money in one currency.
///
/// All arithmetic is checked and returns [`Error`] on overflow, division by zero or
/// mixed currencies. Amounts keep the full precision of a `Decimal` (28 significant
/// digits: sums and differences are exact, a product or quotient that needs more
/// digits is rounded by `rust_decimal` to 28); round once, for presentation, with
/// [`Money::round_to_minor_units`] (half away from zero). `Display` shows the rounded
/// amount and the code; serde writes the exact amount and the code as one string.
///
/// # Example
/// ```
/// use covalence::{Currency, Money};
/// use rust_decimal::dec;
///
/// let price = Money::new(dec!(19.99), Currency::USD);
/// let total = price.checked_mul(dec!(3))?.checked_add(Money::new(dec!(4.50), Currency::USD))?;
/// assert_eq!(total.amount(), dec!(64.47));
/// assert_eq!(total.to_string(), "64.47 USD");
/// assert!(price.checked_add(Money::new(dec!(1), Currency::EUR)).is_err());
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// assert_eq!(Money::new(dec!(5), Currency::EUR).currency(), Currency::EUR);
    /// ```
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Zero in a currency.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    ///
    /// assert!(Money::zero(Currency::USD).is_zero());
    /// ```
    pub fn zero(currency: Currency) -> Money {
        Money::new(Decimal::ZERO, currency)
    }

    /// The exact amount.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// assert_eq!(Money::new(dec!(1.005), Currency::USD).amount(), dec!(1.005));
    /// ```
    pub fn amount(self) -> Decimal {
        self.amount
    }

    /// The currency.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    ///
    /// assert_eq!(Money::zero(Currency::JPY).currency().code(), "JPY");
    /// ```
    pub fn currency(self) -> Currency {
        self.currency
    }

    /// Whether the amount is zero.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// assert!(!Money::new(dec!(0.01), Currency::USD).is_zero());
    /// ```
    pub fn is_zero(self) -> bool {
        self.amount.is_zero()
    }

    /// Whether the amount is below zero.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// assert!(Money::new(dec!(-3), Currency::USD).is_negative());
    /// ```
    pub fn is_negative(self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(self, other: Money, op: &str) -> Result<(), Error> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::CurrencyMismatch,
                format!(
                    "cannot {op} {} and {}: currencies differ",
                    self.currency, other.currency
                ),
            ))
        }
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`ErrorKind::CurrencyMismatch`] if the currencies differ,
    /// [`ErrorKind::Overflow`] if the sum does not fit.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// let a = Money::new(dec!(0.10), Currency::USD);
    /// assert_eq!(a.checked_add(a)?.amount(), dec!(0.20));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn checked_add(self, other: Money) -> Result<Money, Error> {
        self.same_currency(other, "add")?;
        self.amount
            .checked_add(other.amount)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(|| Error::overflow(format_args!("{self} + {other}")))
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`ErrorKind::CurrencyMismatch`] if the currencies differ,
    /// [`ErrorKind::Overflow`] if the difference does not fit.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// let a = Money::new(dec!(5), Currency::USD);
    /// assert_eq!(a.checked_sub(Money::new(dec!(7.5), Currency::USD))?.amount(), dec!(-2.5));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn checked_sub(self, other: Money) -> Result<Money, Error> {
        self.same_currency(other, "subtract")?;
        self.amount
            .checked_sub(other.amount)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(|| Error::overflow(format_args!("{self} - {other}")))
    }

    /// `self * factor`.
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`] if the product does not fit.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// let fee = Money::new(dec!(35), Currency::USD);
    /// assert_eq!(fee.checked_mul(dec!(1.5))?.amount(), dec!(52.5));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, Error> {
        self.amount
            .checked_mul(factor)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(|| Error::overflow(format_args!("{self} * {factor}")))
    }

    /// `self / divisor`.
    ///
    /// # Errors
    /// [`ErrorKind::DivisionByZero`] if `divisor` is zero, [`ErrorKind::Overflow`] if
    /// the quotient does not fit.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, ErrorKind, Money};
    /// use rust_decimal::dec;
    ///
    /// let rent = Money::new(dec!(1200), Currency::EUR);
    /// assert_eq!(rent.checked_div(dec!(12))?.amount(), dec!(100));
    /// assert_eq!(rent.checked_div(dec!(0)).unwrap_err().kind(), ErrorKind::DivisionByZero);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn checked_div(self, divisor: Decimal) -> Result<Money, Error> {
        if divisor.is_zero() {
            return Err(Error::new(
                ErrorKind::DivisionByZero,
                format!("cannot divide {self} by zero"),
            ));
        }
        self.amount
            .checked_div(divisor)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(|| Error::overflow(format_args!("{self} / {divisor}")))
    }

    /// The ratio `self / other` of two amounts in the same currency.
    ///
    /// # Errors
    /// [`ErrorKind::CurrencyMismatch`], [`ErrorKind::DivisionByZero`] if `other` is
    /// zero, [`ErrorKind::Overflow`].
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// let net = Money::new(dec!(30), Currency::USD);
    /// let cost = Money::new(dec!(120), Currency::USD);
    /// assert_eq!(net.checked_ratio(cost)?, dec!(0.25));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn checked_ratio(self, other: Money) -> Result<Decimal, Error> {
        self.same_currency(other, "divide")?;
        Money::new(self.amount, self.currency)
            .checked_div(other.amount)
            .map(Money::amount)
    }

    /// Rounded to the currency's minor unit, half away from zero (3.4395 USD becomes
    /// 3.44 USD, -0.125 USD becomes -0.13 USD). This is the one rounding policy of the
    /// crate, for presentation; calculations keep full precision.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// let m = Money::new(dec!(3.4395), Currency::USD).round_to_minor_units();
    /// assert_eq!(m.amount(), dec!(3.44));
    /// ```
    pub fn round_to_minor_units(self) -> Money {
        // Rounding can only shorten the mantissa, so it cannot overflow.
        Money::new(
            self.amount.round_dp_with_strategy(
                self.currency.minor_units(),
                RoundingStrategy::MidpointAwayFromZero,
            ),
            self.currency,
        )
    }

    /// Splits the amount into parts proportional to `ratios` that add up exactly to
    /// the whole: no cent is lost or created.
    ///
    /// Parts are whole multiples of the allocation unit: the currency's minor unit, or
    /// a finer one if the amount itself has more decimals. Each part first gets its
    /// share rounded down; the units left over go one each to the parts with the
    /// largest remainders, ties going to the earlier part (largest-remainder method).
    /// A negative amount is split as its absolute value and negated. Costs O(n log n)
    /// for n ratios.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] if `ratios` is empty, holds a negative ratio or sums
    /// to zero; [`ErrorKind::Overflow`] for amounts or ratios too large to split exactly.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Money};
    /// use rust_decimal::dec;
    ///
    /// let parts = Money::new(dec!(10.00), Currency::USD).allocate(&[dec!(1), dec!(1), dec!(1)])?;
    /// let amounts: Vec<_> = parts.iter().map(|m| m.amount()).collect();
    /// assert_eq!(amounts, [dec!(3.34), dec!(3.33), dec!(3.33)]);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn allocate(self, ratios: &[Decimal]) -> Result<Vec<Money>, Error> {
        if ratios.is_empty() {
            return Err(Error::invalid("cannot allocate by an empty list of ratios"));
        }
        if let Some(r) = ratios.iter().find(|r| r.is_sign_negative() && !r.is_zero()) {
            return Err(Error::invalid(format!("allocation ratios must be >= 0, got {r}")));
        }
        let overflow = || Error::overflow(format_args!("allocating {self}"));
        // The unit: the minor unit, or the amount's own if finer; the amount's own if
        // its parts could not be written in minor units.
        let own = self.amount.scale();
        let (units, scale) = match scaled_mantissa(self.amount, self.currency.minor_units().max(own)) {
            Some(units) if units <= MAX_MANTISSA => (units, self.currency.minor_units().max(own)),
            _ => (scaled_mantissa(self.amount, own).ok_or_else(overflow)?, own),
        };
        // Ratios as integers at one common scale, so the shares are exact fractions.
        let ratio_scale = ratios.iter().map(|r| r.scale()).max().unwrap_or(0);
        let weights = ratios
            .iter()
            .map(|r| scaled_mantissa(*r, ratio_scale))
            .collect::<Option<Vec<u128>>>()
            .ok_or_else(overflow)?;
        let total = weights
            .iter()
            .try_fold(0u128, |acc, w| acc.checked_add(*w))
            .ok_or_else(overflow)?;
        if total == 0 {
            return Err(Error::invalid("allocation ratios must not all be zero"));
        }
        let mut parts = Vec::with_capacity(weights.len());
        let mut remainders = Vec::with_capacity(weights.len());
        let mut given = 0u128;
        for (i, w) in weights.iter().enumerate() {
            // units * w / total in 256-bit arithmetic: exact for any u128 operands.
            let (part, remainder) = mul_div(units, *w, total).ok_or_else(overflow)?;
            given += part;
            parts.push(part);
            remainders.push((remainder, i));
        }
        // Largest remainder first; equal remainders keep their order.
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let left = units - given; // < number of parts
        for (_, i) in remainders
            .iter()
            .take(usize::try_from(left).unwrap_or(usize::MAX))
        {
            if let Some(p) = parts.get_mut(*i) {
                *p += 1;
            }
        }
        let negative = self.amount.is_sign_negative();
        parts
            .into_iter()
            .map(|p| {
                let signed = i128::try_from(p).map_err(|_| overflow())?;
                let signed = if negative { -signed } else { signed };
                Decimal::try_from_i128_with_scale(signed, scale)
                    .map(|amount| Money::new(amount, self.currency))
                    .map_err(|_| overflow())
            })
            .collect()
    }

    /// Parses `"12.50"` or `"12.50 USD"`; without a code the amount is in `currency`,
    /// with one the code must be `currency`'s.
    pub(crate) fn parse_in(text: &str, currency: Currency) -> Result<Money, Error> {
        let text = text.trim();
        let (number, code) = match text.rsplit_once(' ') {
            Some((number, code)) => (number.trim_end(), Some(code)),
            None => (text, None),
        };
        if let Some(code) = code {
            let found = Currency::new(code)?;
            if found != currency {
                return Err(Error::new(
                    ErrorKind::CurrencyMismatch,
                    format!("amount `{text}` is in {found}, but the model's currency is {currency}"),
                ));
            }
        }
        Ok(Money::new(parse_decimal(number)?, currency))
    }
}

/// Parses a decimal exactly: more digits than a `Decimal` holds is an error, never a
/// silent rounding.
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, Error> {
    let text = text.trim();
    // Plain notation only: an optional sign, digits, at most one point with digits after
    // it. No exponents, no `_` separators, no trailing point.
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let well_formed = digits(whole)
        && fraction.is_none_or(|f| !f.is_empty() && digits(f))
        && !(whole.is_empty() && fraction.is_none());
    if !well_formed {
        return Err(Error::invalid(format!(
            "`{}` is not a decimal number such as \"12.50\"",
            text.escape_debug()
        )));
    }
    Decimal::from_str_exact(text).map_err(|_| {
        let significant = whole.trim_start_matches('0').len();
        if significant > 28 {
            Error::new(
                ErrorKind::Overflow,
                format!("`{text}` is too large: a decimal holds at most 28 digits"),
            )
        } else {
            Error::invalid(format!(
                "`{text}` has more digits than a decimal holds exactly (28 in all)"
            ))
        }
    })
}

/// The largest mantissa a `Decimal` holds (96 bits).
const MAX_MANTISSA: u128 = (1 << 96) - 1;

/// `floor(a * b / c)` and its remainder, with the product in 256 bits; `None` when `c`
/// is zero or the quotient does not fit in 128 bits.
fn mul_div(a: u128, b: u128, c: u128) -> Option<(u128, u128)> {
    if c == 0 {
        return None;
    }
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0, b1, b0) = (a >> 64, a & LOW, b >> 64, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let (mid, mid_carry) = p01.overflowing_add(p10);
    let (lo, lo_carry) = p00.overflowing_add(mid << 64);
    let hi = p11 + (mid >> 64) + (u128::from(mid_carry) << 64) + u128::from(lo_carry);
    if hi >= c {
        return None;
    }
    // Long division of (hi, lo) by c, one bit at a time; hi < c keeps the quotient
    // within 128 bits.
    let (mut remainder, mut quotient) = (hi, 0u128);
    for bit in (0..128).rev() {
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((lo >> bit) & 1);
        quotient <<= 1;
        if carry == 1 || remainder >= c {
            remainder = remainder.wrapping_sub(c);
            quotient |= 1;
        }
    }
    Some((quotient, remainder))
}

/// `|d|`'s mantissa expressed at `scale` decimals (`scale >= d.scale()`).
fn scaled_mantissa(d: Decimal, scale: u32) -> Option<u128> {
    let mantissa = d.mantissa().unsigned_abs();
    let factor = 10u128.checked_pow(scale.checked_sub(d.scale())?)?;
    mantissa.checked_mul(factor)
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.amount, self.currency)
    }
}

impl fmt::Display for Money {
    /// The amount rounded to minor units (half away from zero), a space, the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rounded = self.round_to_minor_units().amount;
        let digits = usize::try_from(self.currency.minor_units()).unwrap_or(0);
        write!(f, "{rounded:.digits$} {}", self.currency)
    }
}

impl PartialOrd for Money {
    /// Amounts in the same currency compare by value; different currencies do not
    /// compare.
    fn partial_cmp(&self, other: &Money) -> Option<Ordering> {
        (self.currency == other.currency).then(|| self.amount.cmp(&other.amount))
    }
}

impl FromStr for Money {
    type Err = Error;

    /// Parses `"12.50 USD"`: an exact decimal, a space, a currency code.
    fn from_str(s: &str) -> Result<Money, Error> {
        let (_, code) = s
            .trim()
            .rsplit_once(' ')
            .ok_or_else(|| Error::invalid(format!("`{}` lacks a currency code", s.escape_debug())))?;
        Money::parse_in(s, Currency::new(code)?)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{} {}", self.amount, self.currency))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A decimal fraction in `[0, 1]`: an SROI adjustment, a share of cost, a rate.
///
/// Stored as a fraction (`0.035`, not `3.5`). Being a [`Decimal`], it multiplies money
/// exactly.
///
/// # Example
/// ```
/// use covalence::Fraction;
/// use rust_decimal::dec;
///
/// let deadweight = Fraction::new(dec!(0.25))?;
/// assert_eq!(deadweight.complement().value(), dec!(0.75));
/// assert!(Fraction::new(dec!(1.01)).is_err());
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Fraction(Decimal);

impl Fraction {
    /// Zero.
    ///
    /// ```
    /// assert!(covalence::Fraction::ZERO.value().is_zero());
    /// ```
    pub const ZERO: Fraction = Fraction(Decimal::ZERO);
    /// One.
    ///
    /// ```
    /// assert_eq!(covalence::Fraction::ONE.complement(), covalence::Fraction::ZERO);
    /// ```
    pub const ONE: Fraction = Fraction(Decimal::ONE);

    /// A fraction, checked to lie in `[0, 1]`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] outside `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// use covalence::Fraction;
    /// use rust_decimal::dec;
    ///
    /// assert_eq!(Fraction::new(dec!(0.035))?.value(), dec!(0.035));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn new(value: Decimal) -> Result<Fraction, Error> {
        if value < Decimal::ZERO || value > Decimal::ONE {
            return Err(Error::invalid(format!(
                "a fraction must be in [0, 1], got {value}"
            )));
        }
        Ok(Fraction(value))
    }

    /// The value, in `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// assert!(covalence::Fraction::ONE.value().is_integer());
    /// ```
    pub fn value(self) -> Decimal {
        self.0
    }

    /// `1 - self`.
    ///
    /// # Example
    /// ```
    /// use covalence::Fraction;
    ///
    /// assert_eq!(Fraction::ZERO.complement(), Fraction::ONE);
    /// ```
    pub fn complement(self) -> Fraction {
        Fraction(Decimal::ONE - self.0)
    }
}

impl fmt::Debug for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fraction({})", self.0)
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Fraction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Fraction, Error> {
        Fraction::new(parse_decimal(s)?)
    }
}

impl Serialize for Fraction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fraction, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn usd(d: Decimal) -> Money {
        Money::new(d, Currency::USD)
    }

    fn amounts(parts: &[Money]) -> Vec<Decimal> {
        parts.iter().map(|m| m.amount()).collect()
    }

    #[test]
    fn currency_table_is_sorted_and_well_formed() {
        for pair in CURRENCIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (code, minor) in CURRENCIES {
            assert_eq!(code.len(), 3);
            assert!(code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(*minor <= 4);
            assert_eq!(Currency::new(code).unwrap().code(), *code);
        }
        assert_eq!(Currency::new("BHD").unwrap().minor_units(), 3);
        assert_eq!(Currency::new("CLF").unwrap().minor_units(), 4);
        assert!(Currency::new("XAU").is_err());
        assert!(Currency::new("").is_err());
    }

    #[test]
    fn golden_e1_allocate_five_cents_by_three_and_seven() {
        let parts = usd(dec!(0.05)).allocate(&[dec!(3), dec!(7)]).unwrap();
        assert_eq!(amounts(&parts), [dec!(0.02), dec!(0.03)]);
    }

    #[test]
    fn golden_e2_allocate_ten_dollars_three_ways() {
        let parts = usd(dec!(10.00)).allocate(&[dec!(1), dec!(1), dec!(1)]).unwrap();
        assert_eq!(amounts(&parts), [dec!(3.34), dec!(3.33), dec!(3.33)]);
    }

    #[test]
    fn golden_f2_round_half_away_from_zero() {
        assert_eq!(usd(dec!(3.4395)).round_to_minor_units().amount(), dec!(3.44));
        // Banker's rounding would give 0.12 here; our policy gives 0.13.
        assert_eq!(usd(dec!(0.125)).round_to_minor_units().amount(), dec!(0.13));
        assert_eq!(usd(dec!(-0.125)).round_to_minor_units().amount(), dec!(-0.13));
        let yen = Money::new(dec!(2.5), Currency::JPY).round_to_minor_units();
        assert_eq!(yen.amount(), dec!(3));
    }

    #[test]
    fn allocation_uses_largest_remainders_and_finer_units_when_needed() {
        let parts = usd(dec!(1.00))
            .allocate(&[dec!(0.2), dec!(0.5), dec!(0.3)])
            .unwrap();
        assert_eq!(amounts(&parts), [dec!(0.20), dec!(0.50), dec!(0.30)]);
        let parts = usd(dec!(0.10)).allocate(&[dec!(1), dec!(2)]).unwrap();
        assert_eq!(amounts(&parts), [dec!(0.03), dec!(0.07)]);
        let parts = usd(dec!(1.001)).allocate(&[dec!(1), dec!(1)]).unwrap();
        assert_eq!(amounts(&parts), [dec!(0.501), dec!(0.500)]);
        let parts = usd(dec!(-10.00)).allocate(&[dec!(1), dec!(1), dec!(1)]).unwrap();
        assert_eq!(amounts(&parts), [dec!(-3.34), dec!(-3.33), dec!(-3.33)]);
        let parts = usd(dec!(5)).allocate(&[dec!(0), dec!(1)]).unwrap();
        assert_eq!(amounts(&parts), [dec!(0.00), dec!(5.00)]);
    }

    #[test]
    fn mul_div_is_exact_in_256_bits() {
        assert_eq!(mul_div(7, 5, 3), Some((11, 2)));
        assert_eq!(mul_div(u128::MAX, u128::MAX, u128::MAX), Some((u128::MAX, 0)));
        assert_eq!(
            mul_div(u128::MAX, 3, 4),
            Some((255211775190703847597530955573826158591, 1))
        );
        assert_eq!(mul_div(u128::MAX, 2, 1), None);
        assert_eq!(mul_div(1, 1, 0), None);
        // Checked against arbitrary-precision arithmetic.
        let (a, b, c) = (10u128.pow(30) + 7, 3 * 10u128.pow(27) + 1, 10u128.pow(28) + 9);
        assert_eq!(
            mul_div(a, b, c),
            Some((299999999999999999999999999832, 1000000000000000000000001519))
        );
        assert_eq!(mul_div(a, b, a), Some((b, 0)));
    }

    #[test]
    fn allocation_splits_large_amounts_by_fine_ratios() {
        let third = dec!(1) / dec!(3);
        let billion = usd(dec!(10000000000.00));
        let parts = billion.allocate(&[third, dec!(1) - third]).unwrap();
        assert_eq!(amounts(&parts), [dec!(3333333333.33), dec!(6666666666.67)]);
        let parts = usd(Decimal::MAX).allocate(&[dec!(1), dec!(1)]).unwrap();
        assert_eq!(parts[0].amount() + parts[1].amount(), Decimal::MAX);
    }

    #[test]
    fn allocation_rejects_bad_ratios() {
        let m = usd(dec!(1));
        assert_eq!(m.allocate(&[]).unwrap_err().kind(), ErrorKind::InvalidValue);
        assert_eq!(
            m.allocate(&[dec!(0)]).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        assert_eq!(
            m.allocate(&[dec!(-1), dec!(2)]).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        // Ratios 56 orders of magnitude apart do not fit one integer scale.
        let err = m.allocate(&[Decimal::MAX, Decimal::new(1, 28)]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Overflow);
    }

    #[test]
    fn decimals_are_read_in_plain_notation_only() {
        for bad in ["1_000", "1.", ".", "", "-", "1e5", "1.2.3", "0x10", "١٢", "1 000"] {
            assert_eq!(
                parse_decimal(bad).unwrap_err().kind(),
                ErrorKind::InvalidValue,
                "{bad}"
            );
        }
        for (good, value) in [
            ("1000", dec!(1000)),
            (".5", dec!(0.5)),
            ("-0.25", dec!(-0.25)),
            ("+7", dec!(7)),
        ] {
            assert_eq!(parse_decimal(good).unwrap(), value);
        }
        let long_fraction = "0.12345678901234567890123456789";
        assert_eq!(
            parse_decimal(long_fraction).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        let too_large = "123456789012345678901234567890";
        assert_eq!(parse_decimal(too_large).unwrap_err().kind(), ErrorKind::Overflow);
    }

    #[test]
    fn arithmetic_errors_are_typed() {
        let max = usd(Decimal::MAX);
        assert_eq!(max.checked_add(max).unwrap_err().kind(), ErrorKind::Overflow);
        assert_eq!(max.checked_mul(dec!(2)).unwrap_err().kind(), ErrorKind::Overflow);
        assert_eq!(
            max.checked_div(dec!(0)).unwrap_err().kind(),
            ErrorKind::DivisionByZero
        );
        let eur = Money::new(dec!(1), Currency::EUR);
        assert_eq!(
            max.checked_sub(eur).unwrap_err().kind(),
            ErrorKind::CurrencyMismatch
        );
        assert_eq!(usd(dec!(1)).partial_cmp(&eur), None);
    }

    #[test]
    fn parsing_is_exact_and_checks_the_currency() {
        assert_eq!(
            Money::parse_in("12.50", Currency::USD).unwrap().amount(),
            dec!(12.50)
        );
        assert_eq!(
            Money::parse_in(" 12.50 USD ", Currency::USD).unwrap().amount(),
            dec!(12.50)
        );
        assert_eq!(
            Money::parse_in("12.50 EUR", Currency::USD).unwrap_err().kind(),
            ErrorKind::CurrencyMismatch
        );
        assert_eq!(
            Money::parse_in("twelve", Currency::USD).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        assert_eq!(
            Money::parse_in("1000000000000000000000000000000", Currency::USD)
                .unwrap_err()
                .kind(),
            ErrorKind::Overflow
        );
        let m: Money = "7.125 EUR".parse().unwrap();
        assert_eq!(m.to_string(), "7.13 EUR");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"7.125 EUR\"");
        assert_eq!(serde_json::from_str::<Money>("\"7.125 EUR\"").unwrap(), m);
    }
}

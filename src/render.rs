//! Presentation helpers shared by the readable renderings: money rounded by the
//! presentation policy with grouped digits, and plain-text tables with aligned columns.

use std::fmt;

use rust_decimal::Decimal;

use crate::money::Money;

/// Digits grouped by thousands: `-1234567.5` as `-1,234,567.5`.
pub(crate) fn grouped(d: Decimal) -> String {
    let text = d.abs().to_string();
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if d.is_sign_negative() && !d.is_zero() {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// An amount rounded to its currency's minor units (half away from zero), grouped,
/// without the currency code.
pub(crate) fn money(m: Money) -> String {
    let rounded = m.round_to_minor_units().amount();
    let digits = m.currency().minor_units();
    let mut scaled = rounded;
    scaled.rescale(digits);
    grouped(scaled)
}

/// As [`money`], with a `+` before amounts above zero.
pub(crate) fn signed_money(m: Money) -> String {
    let text = money(m);
    if m.round_to_minor_units().amount() > Decimal::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

/// A number with a fixed count of decimals and a `+` above zero; `-0.00` shows as
/// `0.00`.
pub(crate) fn signed(x: f64, decimals: usize) -> String {
    let text = format!("{x:+.decimals$}");
    let zero = format!("{:.decimals$}", 0.0);
    if text.trim_start_matches(['+', '-']) == zero {
        zero
    } else {
        text
    }
}

/// A plain-text table: a header row, a rule, and rows, each column as wide as its
/// widest cell; right-aligned columns for numbers.
pub(crate) struct Table {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers; `right[i]` aligns column i to the right.
    pub(crate) fn new(headers: &[&str], right: &[bool]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            right: right.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (missing cells are blank, extra ones dropped).
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Each column's width: its widest cell, at least `min`.
    fn widths(&self, min: usize) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count().max(min)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        widths
    }

    /// Cell `i` of `cells`, padded to `w` on the side its column aligns to.
    fn cell(&self, cells: &[String], i: usize, w: usize) -> String {
        let cell = cells.get(i).map_or("", String::as_str);
        if self.right.get(i).copied().unwrap_or(false) {
            format!("{cell:>w$}")
        } else {
            format!("{cell:<w$}")
        }
    }

    fn line(&self, f: &mut fmt::Formatter<'_>, cells: &[String], widths: &[usize]) -> fmt::Result {
        let text: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| self.cell(cells, i, *w))
            .collect();
        writeln!(f, "{}", text.join("  ").trim_end())
    }

    /// The table in Markdown, with a blank line after it; cells are taken as they are
    /// (escape user text first).
    pub(crate) fn markdown(&self) -> String {
        let widths = self.widths(3);
        let line = |cells: &[String]| {
            let text: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| self.cell(cells, i, *w))
                .collect();
            format!("| {} |\n", text.join(" | "))
        };
        let mut out = line(&self.headers);
        let rule: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if self.right.get(i).copied().unwrap_or(false) {
                    format!("{}:", "-".repeat(w.saturating_sub(1)))
                } else {
                    "-".repeat(*w)
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", rule.join(" | ")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out.push('\n');
        out
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let widths = self.widths(0);
        self.line(f, &self.headers, &widths)?;
        let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        writeln!(f, "{}", "-".repeat(total))?;
        for row in &self.rows {
            self.line(f, row, &widths)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use rust_decimal::dec;

    #[test]
    fn groups_digits_and_rounds_money() {
        assert_eq!(grouped(dec!(1234567.5)), "1,234,567.5");
        assert_eq!(grouped(dec!(-1000)), "-1,000");
        assert_eq!(grouped(dec!(999)), "999");
        assert_eq!(money(Money::new(dec!(43494400), Currency::USD)), "43,494,400.00");
        assert_eq!(money(Money::new(dec!(0.125), Currency::USD)), "0.13");
        assert_eq!(money(Money::new(dec!(-0.125), Currency::USD)), "-0.13");
        assert_eq!(money(Money::new(dec!(1500.4), Currency::JPY)), "1,500");
        assert_eq!(signed_money(Money::new(dec!(12), Currency::EUR)), "+12.00");
        assert_eq!(signed_money(Money::new(dec!(0.001), Currency::EUR)), "0.00");
        assert_eq!(signed(0.1234, 2), "+0.12");
        assert_eq!(signed(-0.0001, 2), "0.00");
    }

    #[test]
    fn aligns_columns() {
        let mut t = Table::new(&["name", "value"], &[false, true]);
        t.row(vec!["a".into(), "1.00".into()]);
        t.row(vec!["longer".into(), "1,000.00".into()]);
        let text = t.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "name       value");
        assert_eq!(lines[1], "----------------");
        assert_eq!(lines[2], "a           1.00");
        assert_eq!(lines[3], "longer  1,000.00");
    }
}

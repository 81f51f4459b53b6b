//! How a number was made, as data: the formula, the values put into it, the result.
//! Computing fills these in; rendering them (text here, HTML in the page) is separate.

use crate::units::Unit;
use std::fmt::Write;

/// One value substituted into a formula.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// The symbol as it appears in the formula.
    pub symbol: &'static str,
    pub value: f64,
    pub unit: Unit,
}

/// `symbol = expr = expr with values = result`, with an optional note on assumptions.
#[derive(Clone, Debug, PartialEq)]
pub struct Derivation {
    /// Stable key, matching the JSON output (`decode.intensity`).
    pub key: &'static str,
    /// What the quantity is, in words.
    pub label: &'static str,
    /// The symbol on the left-hand side.
    pub symbol: &'static str,
    /// The right-hand side; identifiers that name a term are substituted.
    pub expr: &'static str,
    pub terms: Vec<Term>,
    pub value: f64,
    pub unit: Unit,
    pub note: Option<&'static str>,
}

impl Derivation {
    /// The result formatted in its unit.
    pub fn result_text(&self) -> String {
        self.unit.format(self.value)
    }

    /// The expression with every term replaced by its formatted value.
    pub fn substituted(&self) -> String {
        let mut out = String::with_capacity(self.expr.len() + 16 * self.terms.len());
        let bytes = self.expr.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let ident = &self.expr[start..i];
                match self.terms.iter().find(|t| t.symbol == ident) {
                    Some(t) => out.push_str(&t.unit.format(t.value)),
                    None => out.push_str(ident),
                }
            } else {
                let ch = self.expr[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
        out
    }

    /// One line: `label: symbol = expr = substituted = result`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = write!(s, "{}: {} = {}", self.label, self.symbol, self.expr);
        if !self.terms.is_empty() {
            let _ = write!(s, " = {}", self.substituted());
        }
        let _ = write!(s, " = {}", self.result_text());
        if let Some(n) = self.note {
            let _ = write!(s, "  ({n})");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_whole_identifiers_only() {
        let d = Derivation {
            key: "t",
            label: "Weight read time",
            symbol: "t",
            expr: "W / BW",
            terms: vec![
                Term {
                    symbol: "W",
                    value: 14e9,
                    unit: Unit::Bytes,
                },
                Term {
                    symbol: "BW",
                    value: 2e12,
                    unit: Unit::BytesPerSec,
                },
            ],
            value: 0.007,
            unit: Unit::Seconds,
            note: Some("at 100% of peak"),
        };
        assert_eq!(
            d.render(),
            "Weight read time: t = W / BW = 14 GB / 2 TB/s = 7 ms  (at 100% of peak)"
        );
    }
}

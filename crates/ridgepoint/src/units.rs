//! Physical quantities as newtypes, so that a byte count cannot be divided by a FLOP rate by
//! accident. Only the operators that mean something are implemented; `.get()` is the documented
//! way back to `f64`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Div, Mul};

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident, $unit:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);
        impl $name {
            /// The value in the base SI unit.
            pub const fn get(self) -> f64 {
                self.0
            }
            /// The unit this quantity is shown in.
            pub const UNIT: Unit = $unit;
        }
        impl Add for $name {
            type Output = $name;
            fn add(self, rhs: $name) -> $name {
                $name(self.0 + rhs.0)
            }
        }
        impl Mul<f64> for $name {
            type Output = $name;
            fn mul(self, rhs: f64) -> $name {
                $name(self.0 * rhs)
            }
        }
        impl Div<f64> for $name {
            type Output = $name;
            fn div(self, rhs: f64) -> $name {
                $name(self.0 / rhs)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&Self::UNIT.format(self.0))
            }
        }
    };
}

quantity!(
    /// Bytes (decimal prefixes when shown: 1 GB = 10^9 B).
    Bytes,
    Unit::Bytes
);
quantity!(
    /// Floating-point operations (a multiply-add counts as two).
    Flops,
    Unit::Flops
);
quantity!(
    /// Bytes per second (decimal: 1 TB/s = 10^12 B/s).
    BytesPerSec,
    Unit::BytesPerSec
);
quantity!(
    /// Floating-point operations per second.
    FlopsPerSec,
    Unit::FlopsPerSec
);
quantity!(
    /// Seconds.
    Seconds,
    Unit::Seconds
);
quantity!(
    /// Arithmetic intensity: FLOPs per byte moved to or from memory.
    Intensity,
    Unit::FlopPerByte
);

impl Div<BytesPerSec> for Bytes {
    type Output = Seconds;
    fn div(self, rhs: BytesPerSec) -> Seconds {
        Seconds(self.0 / rhs.0)
    }
}
impl Div<FlopsPerSec> for Flops {
    type Output = Seconds;
    fn div(self, rhs: FlopsPerSec) -> Seconds {
        Seconds(self.0 / rhs.0)
    }
}
impl Div<Bytes> for Flops {
    type Output = Intensity;
    fn div(self, rhs: Bytes) -> Intensity {
        Intensity(self.0 / rhs.0)
    }
}
impl Div<BytesPerSec> for FlopsPerSec {
    type Output = Intensity;
    fn div(self, rhs: BytesPerSec) -> Intensity {
        Intensity(self.0 / rhs.0)
    }
}
impl Mul<BytesPerSec> for Intensity {
    type Output = FlopsPerSec;
    fn mul(self, rhs: BytesPerSec) -> FlopsPerSec {
        FlopsPerSec(self.0 * rhs.0)
    }
}
impl Div<Seconds> for Flops {
    type Output = FlopsPerSec;
    fn div(self, rhs: Seconds) -> FlopsPerSec {
        FlopsPerSec(self.0 / rhs.0)
    }
}

/// The unit of a shown value; decides how it is formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Flops,
    BytesPerSec,
    FlopsPerSec,
    Seconds,
    FlopPerByte,
    TokensPerSec,
    /// A plain count (parameters, tokens, layers): thousands separators, no prefix.
    Count,
    /// A dimensionless ratio shown with a few significant digits.
    Ratio,
    /// A fraction shown as a percentage.
    Percent,
}

impl Unit {
    /// Formats `v` (in the base unit) with an SI prefix and three significant digits.
    pub fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return if v.is_nan() {
                "n/a".into()
            } else {
                "∞".into()
            };
        }
        match self {
            Unit::Bytes => si(v, "B"),
            Unit::Flops => si(v, "FLOP"),
            Unit::BytesPerSec => si(v, "B/s"),
            Unit::FlopsPerSec => si(v, "FLOP/s"),
            Unit::TokensPerSec => format!("{} tok/s", sig3(v)),
            Unit::Seconds => seconds(v),
            Unit::FlopPerByte if v.abs() >= 1e4 => format!("{}k FLOP/B", sig3(v / 1e3)),
            Unit::FlopPerByte => format!("{} FLOP/B", sig3(v)),
            Unit::Count => count(v),
            Unit::Ratio => sig3(v),
            Unit::Percent => format!("{}%", sig3(v * 100.0)),
        }
    }
}

/// Three significant digits, no exponent for everyday magnitudes.
pub fn sig3(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{v:.2e}");
    }
    let digits = a.log10().floor() as i32;
    let decimals = (2 - digits).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn si(v: f64, unit: &str) -> String {
    const PREFIXES: [(f64, &str); 6] = [
        (1e15, "P"),
        (1e12, "T"),
        (1e9, "G"),
        (1e6, "M"),
        (1e3, "k"),
        (1.0, ""),
    ];
    let a = v.abs();
    for (scale, p) in PREFIXES {
        if a >= scale {
            return format!("{} {p}{unit}", sig3(v / scale));
        }
    }
    format!("{} {unit}", sig3(v))
}

fn seconds(v: f64) -> String {
    let a = v.abs();
    if a >= 1.0 || a == 0.0 {
        format!("{} s", sig3(v))
    } else if a >= 1e-3 {
        format!("{} ms", sig3(v * 1e3))
    } else {
        format!("{} µs", sig3(v * 1e6))
    }
}

fn count(v: f64) -> String {
    let r = v.round();
    if r.abs() >= 1e15 {
        return format!("{v:.3e}");
    }
    let s = format!("{}", r.abs() as u64);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if r < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// Decimal text to `f64`, correctly rounded, without `str::parse::<f64>` (whose power-of-five
/// table and slow path add ≈14.6 KB brotli to the page). Accepts `[+]digits[.digits][(e|E)[+|-]digits]`
/// or `.digits…`; `None` for anything else, and for inputs it cannot round exactly: more than 19
/// significant digits, or a decimal exponent beyond ±27 once the digits are taken as an integer.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'+'));
    let (mut m, mut digits, mut exp, mut seen, mut zeros) = (0u64, 0u32, 0i32, false, 0u32);
    let mut int_part = true;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            seen = true;
            if c == b'0' {
                // Zeros after the first significant digit wait until a non-zero digit follows,
                // so trailing zeros never count against the 19 digits.
                zeros += u32::from(m != 0);
            } else {
                digits += zeros + 1;
                if digits > 19 {
                    return None;
                }
                m = m * 10u64.pow(zeros + 1) + u64::from(c - b'0');
                zeros = 0;
            }
            if !int_part {
                exp -= 1;
            }
        } else if c == b'.' && int_part {
            int_part = false;
        } else {
            break;
        }
        i += 1;
    }
    if !seen {
        return None;
    }
    if i < b.len() && (b[i] | 0x20) == b'e' {
        i += 1;
        let neg = b.get(i) == Some(&b'-');
        i += usize::from(matches!(b.get(i), Some(b'-' | b'+')));
        let start = i;
        let mut e = 0i32;
        while i < b.len() && b[i].is_ascii_digit() {
            e = (e * 10 + i32::from(b[i] - b'0')).min(100_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += if neg { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    exp += zeros as i32;
    if m == 0 {
        return Some(0.0);
    }
    // 10^k = 5^k · 2^k: only the power of five needs arithmetic, and 5^27 < 2^64.
    let k = exp.unsigned_abs();
    if k > 27 {
        return None;
    }
    let p5 = u128::from(5u64.pow(k));
    let pow2 = |e: i32| f64::from_bits(((1023 + e) as u64) << 52);
    if exp >= 0 {
        // m · 5^k < 2^128 is exact; `as f64` rounds once; · 2^k is exact.
        return Some((u128::from(m) * p5) as f64 * pow2(k as i32));
    }
    // Normalize m to 64 significant bits and divide (m << 64) by 5^k: the quotient has at least
    // 64 bits, so OR-ing a sticky bit for a non-zero remainder makes `as f64` round correctly.
    let z = m.leading_zeros();
    let n = u128::from(m << z) << 64;
    let q = (n / p5) | u128::from(n % p5 != 0);
    Some(q as f64 * pow2(-(64 + z as i32 + k as i32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_prefixes() {
        assert_eq!(Bytes(13.48e9).to_string(), "13.5 GB");
        assert_eq!(BytesPerSec(2.039e12).to_string(), "2.04 TB/s");
        assert_eq!(FlopsPerSec(312e12).to_string(), "312 TFLOP/s");
        assert_eq!(Seconds(0.00661).to_string(), "6.61 ms");
        assert_eq!(Seconds(43.2e-6).to_string(), "43.2 µs");
        assert_eq!(Seconds(1.5).to_string(), "1.5 s");
        assert_eq!(Intensity(153.02).to_string(), "153 FLOP/B");
        assert_eq!(Unit::Count.format(6_738_415_616.0), "6,738,415,616");
        assert_eq!(Unit::Percent.format(0.8126), "81.3%");
        assert_eq!(Unit::Ratio.format(f64::NAN), "n/a");
    }

    #[test]
    fn unit_algebra() {
        let t = Bytes(14e9) / BytesPerSec(2e12);
        assert!((t.get() - 0.007).abs() < 1e-12);
        let ai = Flops(14e9) / Bytes(14e9);
        assert_eq!(ai.get(), 1.0);
        let ridge = FlopsPerSec(312e12) / BytesPerSec(2e12);
        assert_eq!(ridge.get(), 156.0);
    }
}

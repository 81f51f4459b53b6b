//! A small JSON reader and writer for the page's two JSON paths: reading a pasted
//! `config.json` and writing the estimate download.
//!
//! Both used to go through serde_json, whose parser, `Value` machinery and float printer cost
//! the page ≈ 10 KB compressed; this is a few hundred lines. The validator's JSON report (CLI
//! only) still uses serde_json. Objects keep their keys in order; a key given twice keeps the
//! last value, as serde_json does.

use crate::units::parse_decimal;
use std::fmt::Write;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Object),
}

/// A JSON number, with whether it was written as a whole number.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    value: f64,
    /// Written without fraction or exponent and within ±2⁶⁴: the exact value.
    whole: Option<i128>,
    /// The literal as read (messages quote what the reader wrote).
    text: Option<Box<str>>,
}

impl Number {
    /// A non-negative whole number written as one (`4096`, not `4096.0`).
    pub fn as_u64(&self) -> Option<u64> {
        self.whole.and_then(|w| u64::try_from(w).ok())
    }
    /// A whole number written as one.
    pub fn as_i64(&self) -> Option<i64> {
        self.whole.and_then(|w| i64::try_from(w).ok())
    }
    pub fn as_f64(&self) -> f64 {
        self.value
    }
    /// The literal as read, if this number was parsed.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }
}

/// An object's members in the order written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object(pub Vec<(String, Json)>);

impl Object {
    /// The member `key` (the last one, if given twice).
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl Json {
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.as_u64(),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(n.as_f64()),
            _ => None,
        }
    }
}

// ---- reading ------------------------------------------------------------------------------

/// Parses `text` as one JSON value (surrounding whitespace allowed). The error names what was
/// expected and where: "expected value at line 1 column 2".
pub fn parse(text: &str) -> Result<Json, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.error("trailing characters"));
    }
    Ok(v)
}

/// Nesting deeper than this is refused (the parser recurses).
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        let before = &self.s[..self.i.min(self.s.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        format!("{what} at line {line} column {column}")
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, word: &str, v: Json) -> Result<Json, String> {
        for &w in word.as_bytes() {
            if self.s.get(self.i) != Some(&w) {
                return Err(self.error("expected ident"));
            }
            self.i += 1;
        }
        Ok(v)
    }

    fn value(&mut self) -> Result<Json, String> {
        match self.s.get(self.i) {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'n') => self.eat("null", Json::Null),
            Some(b't') => self.eat("true", Json::Bool(true)),
            Some(b'f') => self.eat("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            // Python's json module writes NaN and ±Infinity (Nemotron-H's config.json has
            // `Infinity`); they are read as null, so every number held stays finite.
            Some(b'N') => self.eat("NaN", Json::Null),
            Some(b'I') => self.eat("Infinity", Json::Null),
            Some(b'-') if self.s.get(self.i + 1) == Some(&b'I') => {
                self.eat("-Infinity", Json::Null)
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => self.nested(|p| p.array()),
            Some(b'{') => self.nested(|p| p.object()),
            Some(_) => Err(self.error("expected value")),
        }
    }

    fn nested(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Json, String>,
    ) -> Result<Json, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn array(&mut self) -> Result<Json, String> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                None => return Err(self.error("EOF while parsing a list")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self) -> Result<Json, String> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Json::Object(Object(members)));
        }
        loop {
            self.ws();
            match self.s.get(self.i) {
                Some(b'"') => {}
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("key must be a string")),
            }
            let key = self.string()?;
            self.ws();
            match self.s.get(self.i) {
                Some(b':') => self.i += 1,
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `:`")),
            }
            self.ws();
            let v = self.value()?;
            members.push((key, v));
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Object(Object(members)));
                }
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.s.get(self.i) {
                Some(&b) => (b as char).to_digit(16),
                None => return Err(self.error("EOF while parsing a string")),
            };
            self.i += 1;
            v = v * 16 + d.ok_or_else(|| self.error("invalid escape"))?;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err(self.error("EOF while parsing a string"));
            };
            self.i += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.error("EOF while parsing a string"));
                    };
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.s[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.error("lone leading surrogate in hex escape"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code)
                                .ok_or_else(|| self.error("lone surrogate in hex escape"))?
                        }
                        _ => return Err(self.error("invalid escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1F => {
                    self.i -= 1;
                    return Err(self.error("control character in string"));
                }
                _ => out.push(b),
            }
        }
        // The input was a &str and escapes add whole characters: always UTF-8.
        String::from_utf8(out).map_err(|_| self.error("invalid unicode"))
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while let Some(b'0'..=b'9') = p.s.get(p.i) {
                p.i += 1;
            }
            p.i - from
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = digits(self);
        if n == 0 {
            return Err(self.error("invalid number"));
        }
        if n > 1 && self.s[int_start] == b'0' {
            self.i = int_start + 1;
            return Err(self.error("invalid number"));
        }
        let mut whole = true;
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            whole = false;
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            whole = false;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        // ASCII digits and signs only: the slice is valid UTF-8.
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        let value = decimal(text);
        if !value.is_finite() {
            self.i = start;
            return Err(self.error("number out of range"));
        }
        let exact = if whole && text.len() <= 21 {
            text.parse::<i128>()
                .ok()
                .filter(|w| w.unsigned_abs() <= u64::MAX as u128)
        } else {
            None
        };
        Ok(Json::Number(Number {
            value,
            whole: exact,
            text: Some(text.into()),
        }))
    }
}

/// A JSON number's value: exact where [`parse_decimal`] can round exactly (up to 19
/// significant digits, small exponents: everything a config holds), else the nearest value
/// the first 19 digits and a power of ten give (within an ulp or so).
fn decimal(text: &str) -> f64 {
    let (neg, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let v = parse_decimal(unsigned).unwrap_or_else(|| {
        let (mant, exp) = match unsigned.find(['e', 'E']) {
            Some(i) => (
                &unsigned[..i],
                unsigned[i + 1..].parse::<i32>().unwrap_or(i32::MAX),
            ),
            None => (unsigned, 0),
        };
        let (mut m, mut scale, mut n, mut frac) = (0u64, 0i64, 0, false);
        for c in mant.bytes() {
            match c {
                b'.' => frac = true,
                b'0'..=b'9' if n < 19 => {
                    m = m * 10 + u64::from(c - b'0');
                    n += u32::from(m != 0);
                    scale -= i64::from(frac);
                }
                _ => scale += i64::from(!frac),
            }
        }
        let e = (i64::from(exp) + scale).clamp(-800, 800) as i32;
        // Two steps, so 10^e stays finite where the product is.
        let half = e / 2;
        m as f64 * 10f64.powi(half) * 10f64.powi(e - half)
    });
    if neg {
        -v
    } else {
        v
    }
}

// ---- writing ------------------------------------------------------------------------------

/// An object literal: `json_obj! { "a" => 1.0, "b" => "x", "c" => json_obj! { … } }`.
#[macro_export]
macro_rules! json_obj {
    ($($k:literal => $v:expr),* $(,)?) => {
        $crate::json::obj()$(.put($k, $v))*
    };
}

/// An object under construction: `obj().put("a", 1.0).put("b", "x")`.
pub fn obj() -> Object {
    Object::default()
}

impl Object {
    pub fn put(mut self, key: &str, v: impl Into<Json>) -> Object {
        self.0.push((key.to_string(), v.into()));
        self
    }
}

impl From<Object> for Json {
    fn from(o: Object) -> Json {
        Json::Object(o)
    }
}
impl From<f64> for Json {
    fn from(v: f64) -> Json {
        Json::Number(Number {
            value: v,
            whole: None,
            text: None,
        })
    }
}
impl From<u32> for Json {
    fn from(v: u32) -> Json {
        Json::Number(Number {
            value: v as f64,
            whole: Some(v as i128),
            text: None,
        })
    }
}
impl From<u64> for Json {
    fn from(v: u64) -> Json {
        Json::Number(Number {
            value: v as f64,
            whole: Some(v as i128),
            text: None,
        })
    }
}
impl From<bool> for Json {
    fn from(v: bool) -> Json {
        Json::Bool(v)
    }
}
impl From<&str> for Json {
    fn from(v: &str) -> Json {
        Json::String(v.to_string())
    }
}
impl From<String> for Json {
    fn from(v: String) -> Json {
        Json::String(v)
    }
}
impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(v: Option<T>) -> Json {
        v.map_or(Json::Null, Into::into)
    }
}
impl<T: Into<Json>> From<Vec<T>> for Json {
    fn from(v: Vec<T>) -> Json {
        Json::Array(v.into_iter().map(Into::into).collect())
    }
}

/// A float as JSON: shortest round-trip digits, exponent form outside 1e-5..1e16, null when
/// not finite (JSON has no NaN or infinity).
fn number(out: &mut String, n: &Number) {
    let v = n.value;
    if let Some(w) = n.whole {
        let _ = write!(out, "{w}");
    } else if !v.is_finite() {
        out.push_str("null");
    } else if v != 0.0 && !(1e-5..1e16).contains(&v.abs()) {
        let _ = write!(out, "{v:e}");
    } else if v.fract() == 0.0 {
        let _ = write!(out, "{v:.1}");
    } else {
        let _ = write!(out, "{v}");
    }
}

fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write(out: &mut String, v: &Json, indent: usize) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => number(out, n),
        Json::String(s) => string(out, s),
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(out, indent + 2);
                write(out, item, indent + 2);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push(']');
        }
        Json::Object(o) if o.0.is_empty() => out.push_str("{}"),
        Json::Object(o) => {
            out.push_str("{\n");
            for (i, (k, item)) in o.0.iter().enumerate() {
                pad(out, indent + 2);
                string(out, k);
                out.push_str(": ");
                write(out, item, indent + 2);
                out.push_str(if i + 1 < o.0.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push('}');
        }
    }
}

/// `v` as indented JSON (two spaces), keys in order.
pub fn to_string_pretty(v: &Json) -> String {
    let mut out = String::new();
    write(&mut out, v, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_configs_contain() {
        let v = parse(
            r#" {"hidden_size": 4096, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
                "tie": false, "name": "Llama \"3\" \u00e9\ud83d\ude00", "list": [1, -2, 3.5],
                "nested": {"a": null}, "hidden_size": 8192} "#,
        )
        .unwrap();
        let o = v.as_object().unwrap();
        assert_eq!(
            o.get("hidden_size").and_then(Json::as_u64),
            Some(8192),
            "last wins"
        );
        assert_eq!(o.get("rms_norm_eps").and_then(Json::as_f64), Some(1e-5));
        assert_eq!(
            o.get("rope_theta").and_then(Json::as_u64),
            None,
            "500000.0 is not whole"
        );
        assert_eq!(o.get("rope_theta").and_then(Json::as_f64), Some(5e5));
        assert_eq!(o.get("tie"), Some(&Json::Bool(false)));
        assert_eq!(
            o.get("name").and_then(Json::as_str),
            Some("Llama \"3\" é😀")
        );
        assert!(matches!(o.get("list"), Some(Json::Array(a)) if a.len() == 3));
        assert_eq!(
            o.get("nested")
                .and_then(Json::as_object)
                .and_then(|n| n.get("a")),
            Some(&Json::Null)
        );
        let big = parse("18446744073709551616").unwrap();
        assert_eq!(big.as_u64(), None, "2^64 does not fit u64");
        assert_eq!(big.as_f64(), Some(18446744073709551616.0));
        assert_eq!(parse("-3").unwrap().as_u64(), None);
    }

    #[test]
    fn refuses_what_is_not_json_and_says_where() {
        for (text, msg) in [
            ("not json", "expected ident at line 1 column 2"),
            ("", "EOF while parsing a value at line 1 column 1"),
            ("{\"a\": 1,}", "key must be a string at line 1 column 9"),
            ("{\"a\" 1}", "expected `:` at line 1 column 6"),
            ("[1 2]", "expected `,` or `]` at line 1 column 4"),
            ("{\n  \"a\": 01\n}", "invalid number at line 2 column 9"),
            (
                "\"tab\there\"",
                "control character in string at line 1 column 5",
            ),
            ("1 2", "trailing characters at line 1 column 3"),
            ("1e999", "number out of range at line 1 column 1"),
            (
                "\"\\ud800\"",
                "lone surrogate in hex escape at line 1 column 8",
            ),
            ("{\"a\":", "EOF while parsing a value at line 1 column 6"),
        ] {
            assert_eq!(parse(text), Err(msg.to_string()), "{text:?}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&deep)
            .unwrap_err()
            .starts_with("recursion limit exceeded"));
    }

    #[test]
    fn writes_indented_json_that_reads_back() {
        let v: Json = obj()
            .put("s", "a\"b\\c\n\u{1}")
            .put("n", 0.0885)
            .put("w", 13476839424.0)
            .put("u", 7u32)
            .put("tiny", 1.5e-7)
            .put("huge", 1e300)
            .put("nan", f64::NAN)
            .put("none", None::<f64>)
            .put("list", vec![1.0, 2.5])
            .put("empty", Vec::<f64>::new())
            .put("o", obj().put("t", true))
            .into();
        let text = to_string_pretty(&v);
        assert!(text.starts_with("{\n  \"s\": \"a\\\"b\\\\c\\n\\u0001\",\n  \"n\": 0.0885,\n"));
        for line in [
            "\"w\": 13476839424.0",
            "\"u\": 7",
            "\"tiny\": 1.5e-7",
            "\"huge\": 1e300",
            "\"nan\": null",
            "\"none\": null",
            "\"empty\": []",
            "\"o\": {\n    \"t\": true\n  }",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
        let back = parse(&text).unwrap();
        let o = back.as_object().unwrap();
        assert_eq!(o.get("s").and_then(Json::as_str), Some("a\"b\\c\n\u{1}"));
        assert_eq!(o.get("w").and_then(Json::as_f64), Some(13476839424.0));
        let huge = o.get("huge").and_then(Json::as_f64).unwrap();
        assert!((huge / 1e300 - 1.0).abs() < 1e-14, "{huge}");
    }

    /// Written JSON reads back to the same text, for random nested values.
    #[test]
    fn random_values_round_trip() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        fn value(next: &mut dyn FnMut() -> u64, depth: u32) -> Json {
            match next() % if depth > 3 { 5 } else { 7 } {
                0 => Json::Null,
                1 => Json::Bool(next().is_multiple_of(2)),
                2 => Json::from(next() >> (next() % 64)),
                3 => {
                    // 1e-5 .. 1e12 with up to 17 significant digits.
                    let m = (next() % 100_000_000_000_000_000) as f64;
                    Json::from(m * 10f64.powi((next() % 12) as i32 - 22))
                }
                4 => {
                    let pool = ['a', 'é', '"', '\\', '\n', '\u{1}', '😀', ' ', '/', '\u{7f}'];
                    let n = next() % 8;
                    Json::from(
                        (0..n)
                            .map(|_| pool[(next() % 10) as usize])
                            .collect::<String>(),
                    )
                }
                5 => Json::Array((0..next() % 4).map(|_| value(next, depth + 1)).collect()),
                _ => Json::Object(Object(
                    (0..next() % 4)
                        .map(|i| (format!("k{i}"), value(next, depth + 1)))
                        .collect(),
                )),
            }
        }
        for _ in 0..2000 {
            let v = value(&mut next, 0);
            let text = to_string_pretty(&v);
            let back = parse(&text).unwrap_or_else(|e| panic!("{e} in {text}"));
            assert_eq!(to_string_pretty(&back), text);
        }
    }
}

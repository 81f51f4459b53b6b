//! Published measurements for the time charts: a compact extract of `data/measurements.tsv`.
//!
//! The page draws the measurements that match the scenario on the TTFT and batch-throughput
//! charts. Embedding the full measurements file (and its row mapper, [`crate::validate`]) in the
//! wasm would cost ≈ 8 KB compressed for 43 numbers, so `data/published.tsv` holds just what the
//! charts need, one line per figure the validator compares. `tests/published.rs` rebuilds it from
//! the measurements (`RIDGEPOINT_BLESS=1` rewrites it) and fails if the two disagree.
//!
//! Columns (tab-separated): kind (`ttft`, `step`, `throughput`), GPU id, GPU count, model id,
//! weights precision, KV precision, batch, prompt, output, value (seconds, or output tokens/s over
//! all GPUs, prefill included), label.

use crate::units::parse_decimal;
use crate::{Precision, Scenario};

/// The extract, as shipped.
pub const POINTS: &str = include_str!("../data/published.tsv");

/// What a figure measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Time to first token, seconds.
    Ttft,
    /// Time per output token (a decode step), seconds.
    Step,
    /// Output tokens per second over all GPUs, prefill included.
    Throughput,
}

impl Kind {
    pub const fn id(self) -> &'static str {
        match self {
            Kind::Ttft => "ttft",
            Kind::Step => "step",
            Kind::Throughput => "throughput",
        }
    }
}

/// One published figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub kind: Kind,
    pub gpu: String,
    pub gpus: u32,
    pub model: String,
    pub weights: Precision,
    pub kv: Precision,
    pub batch: u32,
    pub prompt: u32,
    pub output: u32,
    pub value: f64,
    /// Row id and engine ("m063 gpt-fast").
    pub label: String,
}

impl Point {
    /// The line of `published.tsv` for this point.
    pub fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.kind.id(),
            self.gpu,
            self.gpus,
            self.model,
            self.weights.id(),
            self.kv.id(),
            self.batch,
            self.prompt,
            self.output,
            self.value,
            self.label
        )
    }
}

/// Parses `published.tsv`; malformed lines are skipped (the file is generated and tested).
pub fn parse(text: &str) -> Vec<Point> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Point> {
    let mut f = line.split('\t');
    let mut next = || f.next();
    let kind = match next()? {
        "ttft" => Kind::Ttft,
        "step" => Kind::Step,
        "throughput" => Kind::Throughput,
        _ => return None,
    };
    let gpu = next()?.to_string();
    let gpus = whole(next()?)?;
    let model = next()?.to_string();
    let weights = Precision::from_id(next()?)?;
    let kv = Precision::from_id(next()?)?;
    let (batch, prompt, output) = (whole(next()?)?, whole(next()?)?, whole(next()?)?);
    let value = parse_decimal(next()?)?;
    let label = next()?.to_string();
    Some(Point {
        kind,
        gpu,
        gpus,
        model,
        weights,
        kv,
        batch,
        prompt,
        output,
        value,
        label,
    })
}

fn whole(s: &str) -> Option<u32> {
    let v = parse_decimal(s)?;
    (v >= 0.0 && v <= u32::MAX as f64 && v.fract() == 0.0).then_some(v as u32)
}

/// FP16 and BF16 weights are read and multiplied at the same rate: one class for matching.
fn same_format(a: Precision, b: Precision) -> bool {
    let class = |p| match p {
        Precision::Bf16 => Precision::Fp16,
        p => p,
    };
    class(a) == class(b)
}

/// The published points drawn for `s`.
///
/// A point matches when GPU, GPU count, model and weight format are the scenario's (FP16 = BF16).
/// TTFT points also need the scenario's batch (the chart sweeps the prompt). Step and
/// throughput points (the chart sweeps the batch) need a mean decode context
/// (`prompt + output / 2`) within 2× of the scenario's, since the KV read grows with it.
pub fn matching(s: &Scenario, points: &[Point]) -> Vec<Point> {
    let ctx = |prompt: u32, output: u32| prompt as f64 + output as f64 / 2.0;
    let here = ctx(s.prompt, s.output).max(1.0);
    points
        .iter()
        .filter(|p| {
            p.gpu == s.gpu.id
                && p.gpus == s.gpus
                && p.model == s.model.id
                && same_format(p.weights, s.weights)
                && match p.kind {
                    Kind::Ttft => p.batch == s.batch,
                    Kind::Step | Kind::Throughput => {
                        let r = ctx(p.prompt, p.output).max(1.0) / here;
                        (0.5..=2.0).contains(&r)
                    }
                }
        })
        .cloned()
        .collect()
}

/// The shipped points, parsed once.
pub fn all() -> &'static [Point] {
    static ALL: std::sync::OnceLock<Vec<Point>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| parse(POINTS))
}

/// The shipped points that match `s`.
pub fn for_scenario(s: &Scenario) -> Vec<Point> {
    matching(s, all())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    #[test]
    fn lines_round_trip() {
        let p = Point {
            kind: Kind::Throughput,
            gpu: "h100-sxm".into(),
            gpus: 2,
            model: "llama-2-70b".into(),
            weights: Precision::Fp8,
            kv: Precision::Fp8,
            batch: 96,
            prompt: 2048,
            output: 128,
            value: 612.5,
            label: "m007 TensorRT-LLM v0.6.1".into(),
        };
        assert_eq!(parse(&p.line()), vec![p]);
        assert!(parse("bogus\tline").is_empty());
        assert!(parse("ttft\tx\t-1\tm\tfp16\tfp16\t1\t1\t1\t0.1\tl").is_empty());
    }

    #[test]
    fn matching_needs_the_same_setup() {
        let s = crate::Spec::default().scenario();
        let base = Point {
            kind: Kind::Step,
            gpu: s.gpu.id.clone(),
            gpus: 1,
            model: s.model.id.clone(),
            weights: Precision::Bf16,
            kv: Precision::Fp16,
            batch: 1,
            prompt: s.prompt,
            output: s.output,
            value: 0.01,
            label: "x".into(),
        };
        assert_eq!(
            matching(&s, std::slice::from_ref(&base)).len(),
            1,
            "BF16 = FP16"
        );
        let other = |f: &dyn Fn(&mut Point)| {
            let mut p = base.clone();
            f(&mut p);
            matching(&s, &[p]).len()
        };
        assert_eq!(other(&|p| p.gpus = 2), 0);
        assert_eq!(other(&|p| p.weights = Precision::Int8), 0);
        assert_eq!(other(&|p| p.gpu = "h100-sxm".into()), 0);
        assert_eq!(other(&|p| p.model = catalog::models()[1].id.clone()), 0);
        assert_eq!(other(&|p| p.prompt = s.prompt * 8), 0, "context 8x longer");
        assert_eq!(other(&|p| p.batch = 64), 1, "step points sweep the batch");
        assert_eq!(
            other(&|p| {
                p.kind = Kind::Ttft;
                p.batch = 64
            }),
            0,
            "TTFT points need the batch"
        );
    }
}

//! Two scenarios side by side: the inputs that differ and every headline figure of both.
//!
//! The page's compare mode pins scenario A, lets the reader change B, and shows this table
//! under the charts that overlay both.

use crate::units::{sig3, Unit};
use crate::{Estimate, Scenario};

/// Whether a larger value of a figure is better, worse, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    HigherIsBetter,
    LowerIsBetter,
    Neutral,
}

/// One line of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: &'static str,
    pub a: String,
    pub b: String,
    /// B against A: "+12%", "−40%", "×3.1", "÷2.5", "" when equal or not numeric.
    pub change: String,
    /// Some(true) when B is better than A, Some(false) when worse, None when equal or neutral.
    pub better: Option<bool>,
}

/// What changed between A and B, and what it did.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Only the inputs that differ.
    pub inputs: Vec<Row>,
    /// Every headline figure.
    pub outputs: Vec<Row>,
}

/// "+12%" / "−40%" for changes within ×2, "×3.1" / "÷2.5" beyond; "" when the values match to
/// three significant digits or either is not a positive finite number.
pub fn change(a: f64, b: f64) -> String {
    if !(a.is_finite() && b.is_finite() && a > 0.0 && b > 0.0) || sig3(a) == sig3(b) {
        return String::new();
    }
    let r = b / a;
    if r >= 2.0 {
        format!("×{}", sig3(r))
    } else if r < 0.4995 {
        format!("÷{}", sig3(1.0 / r))
    } else if r > 1.0 {
        format!("+{}%", sig3((r - 1.0) * 100.0))
    } else {
        format!("−{}%", sig3((1.0 - r) * 100.0))
    }
}

fn numeric(label: &'static str, unit: Unit, a: f64, b: f64, sense: Sense) -> Row {
    let change = change(a, b);
    let better = match sense {
        _ if change.is_empty() => None,
        Sense::HigherIsBetter => Some(b > a),
        Sense::LowerIsBetter => Some(b < a),
        Sense::Neutral => None,
    };
    Row {
        label,
        a: unit.format(a),
        b: unit.format(b),
        change,
        better,
    }
}

fn text(label: &'static str, a: String, b: String) -> Row {
    Row {
        label,
        a,
        b,
        change: String::new(),
        better: None,
    }
}

/// One line naming a scenario: "Llama-2-7B on A100 80GB SXM, FP16 (KV FP16), batch 1,
/// 2,048→128 tokens" (GPU count when more than one).
pub fn summary(s: &Scenario) -> String {
    let gpus = if s.total_gpus() > 1 {
        format!(" ×{}", s.total_gpus())
    } else {
        String::new()
    };
    format!(
        "{} on {}{gpus}, {} (KV {}), batch {}, {}→{} tokens",
        s.model.name,
        s.gpu.name,
        s.weights_label(),
        s.kv.label(),
        s.batch,
        Unit::Count.format(s.prompt as f64),
        Unit::Count.format(s.output as f64),
    )
}

/// Compares A (pinned) with B (current).
pub fn compare(sa: &Scenario, ea: &Estimate, sb: &Scenario, eb: &Estimate) -> Comparison {
    use Sense::*;
    let mut inputs = Vec::new();
    let mut input = |label: &'static str, a: String, b: String| {
        if a != b {
            inputs.push(text(label, a, b));
        }
    };
    input("GPU", sa.gpu.name.clone(), sb.gpu.name.clone());
    input(
        "GPUs",
        sa.total_gpus().to_string(),
        sb.total_gpus().to_string(),
    );
    input("Model", sa.model.name.clone(), sb.model.name.clone());
    input("Weight precision", sa.weights_label(), sb.weights_label());
    input(
        "KV-cache precision",
        sa.kv.label().into(),
        sb.kv.label().into(),
    );
    input("Batch", sa.batch.to_string(), sb.batch.to_string());
    input("Prompt", sa.prompt.to_string(), sb.prompt.to_string());
    input("Output", sa.output.to_string(), sb.output.to_string());
    let pct = |v: f64| Unit::Percent.format(v);
    let (fa, fb) = (&sa.efficiency, &sb.efficiency);
    input("Bandwidth achieved", pct(fa.bandwidth), pct(fb.bandwidth));
    input("Compute achieved", pct(fa.compute), pct(fb.compute));
    let us = |v: f64| Unit::Seconds.format(v);
    input(
        "Overhead per layer",
        us(fa.layer_overhead.get()),
        us(fb.layer_overhead.get()),
    );
    input(
        "Runtime memory",
        Unit::Bytes.format(sa.overhead.get()),
        Unit::Bytes.format(sb.overhead.get()),
    );
    let spec = |s: &Scenario| match &s.speculative {
        None => "off".to_string(),
        Some(sp) => format!(
            "{} × {}, {} accepted",
            sp.draft.name,
            sp.tokens,
            pct(sp.acceptance)
        ),
    };
    input("Speculative decoding", spec(sa), spec(sb));

    let (ma, mb) = (&ea.memory, &eb.memory);
    let (ca, cb) = (&ea.calibrated, &eb.calibrated);
    let fits = |m: &crate::Memory| if m.fits { "yes" } else { "no" }.to_string();
    let mut fit = text("Fits in memory", fits(ma), fits(mb));
    if ma.fits != mb.fits {
        fit.better = Some(mb.fits);
    }
    let crossover = |e: &Estimate| match e.kv_crossover_batch {
        Some(b) => b.to_string(),
        None => "never".into(),
    };
    let outputs = vec![
        fit,
        numeric(
            "Memory used",
            Unit::Bytes,
            ma.total.get(),
            mb.total.get(),
            LowerIsBetter,
        ),
        numeric(
            "Weights in memory",
            Unit::Bytes,
            ma.weights.get(),
            mb.weights.get(),
            LowerIsBetter,
        ),
        numeric(
            "KV cache in memory",
            Unit::Bytes,
            ma.kv_cache.get(),
            mb.kv_cache.get(),
            LowerIsBetter,
        ),
        numeric(
            "Capacity",
            Unit::Bytes,
            ma.capacity.get(),
            mb.capacity.get(),
            HigherIsBetter,
        ),
        numeric(
            "Largest batch",
            Unit::Count,
            ea.max_batch as f64,
            eb.max_batch as f64,
            HigherIsBetter,
        ),
        text(
            "KV outweighs weights at batch",
            crossover(ea),
            crossover(eb),
        ),
        numeric(
            "Ridge point",
            Unit::FlopPerByte,
            ea.ridge.get(),
            eb.ridge.get(),
            Neutral,
        ),
        numeric(
            "Decode intensity",
            Unit::FlopPerByte,
            ea.decode.intensity.get(),
            eb.decode.intensity.get(),
            Neutral,
        ),
        numeric(
            "Time to first token",
            Unit::Seconds,
            ca.ttft.get(),
            cb.ttft.get(),
            LowerIsBetter,
        ),
        numeric(
            "Time per output token",
            Unit::Seconds,
            ca.tpot.get(),
            cb.tpot.get(),
            LowerIsBetter,
        ),
        numeric(
            "Request latency",
            Unit::Seconds,
            ca.request_latency.get(),
            cb.request_latency.get(),
            LowerIsBetter,
        ),
        numeric(
            "Throughput",
            Unit::TokensPerSec,
            ca.throughput,
            cb.throughput,
            HigherIsBetter,
        ),
        numeric(
            "Throughput per GPU",
            Unit::TokensPerSec,
            ca.throughput / sa.total_gpus().max(1) as f64,
            cb.throughput / sb.total_gpus().max(1) as f64,
            HigherIsBetter,
        ),
        numeric(
            "Throughput knee (batch)",
            Unit::Ratio,
            ea.knee.batch,
            eb.knee.batch,
            Neutral,
        ),
    ];
    Comparison { inputs, outputs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{estimate, Precision, Spec};

    #[test]
    fn changes_read_as_percent_or_factor() {
        assert_eq!(change(10.0, 11.2), "+12%");
        assert_eq!(change(10.0, 6.0), "−40%");
        assert_eq!(change(10.0, 31.0), "×3.1");
        assert_eq!(change(10.0, 4.0), "÷2.5");
        assert_eq!(change(10.0, 10.0001), "");
        assert_eq!(change(0.0, 1.0), "");
        assert_eq!(change(f64::NAN, 1.0), "");
    }

    #[test]
    fn int8_weights_against_fp16_halve_the_weights_and_speed_decode() {
        let a = Spec::default().scenario();
        let b = Spec {
            weights: Precision::Int8,
            ..Spec::default()
        }
        .scenario();
        let c = compare(&a, &estimate(&a), &b, &estimate(&b));
        assert_eq!(c.inputs.len(), 1, "{:?}", c.inputs);
        assert_eq!(c.inputs[0].label, "Weight precision");
        assert_eq!(
            (c.inputs[0].a.as_str(), c.inputs[0].b.as_str()),
            ("FP16", "INT8")
        );
        let row = |l: &str| c.outputs.iter().find(|r| r.label == l).unwrap().clone();
        assert_eq!(row("Weights in memory").change, "−50%");
        assert_eq!(row("Weights in memory").better, Some(true));
        assert_eq!(row("Time per output token").better, Some(true));
        assert_eq!(row("Capacity").change, "");
        assert_eq!(row("Capacity").better, None);
        assert_eq!(row("Fits in memory").better, None);
    }

    #[test]
    fn summaries_name_model_gpu_formats_and_workload() {
        let s = Spec {
            gpus: 2,
            ..Spec::default()
        }
        .scenario();
        let t = summary(&s);
        assert!(t.starts_with("Llama-2-7B on NVIDIA A100 80GB SXM"), "{t}");
        assert!(
            t.contains(" ×2, FP16 (KV FP16), batch 1, 2,048→128 tokens"),
            "{t}"
        );
    }

    #[test]
    fn throughput_per_gpu_stands_beside_the_total() {
        let a = Spec::default().scenario();
        let b = Spec {
            gpus: 2,
            ..Spec::default()
        }
        .scenario();
        let (ea, eb) = (estimate(&a), estimate(&b));
        let c = compare(&a, &ea, &b, &eb);
        let row = |l: &str| c.outputs.iter().find(|r| r.label == l).unwrap().clone();
        let total = row("Throughput");
        let per = row("Throughput per GPU");
        assert_eq!(total.b, Unit::TokensPerSec.format(eb.calibrated.throughput));
        // B runs on 2 GPUs: its per-GPU figure is half its total; A's on 1 GPU is its total.
        assert_eq!(
            per.b,
            Unit::TokensPerSec.format(eb.calibrated.throughput / 2.0)
        );
        assert_eq!(per.a, total.a);
        let i = |l: &str| c.outputs.iter().position(|r| r.label == l).unwrap();
        assert_eq!(i("Throughput per GPU"), i("Throughput") + 1);
    }

    #[test]
    fn the_same_scenario_has_no_differences() {
        let a = Spec::default().scenario();
        let e = estimate(&a);
        let c = compare(&a, &e, &a, &e);
        assert!(c.inputs.is_empty());
        assert!(c
            .outputs
            .iter()
            .all(|r| r.change.is_empty() && r.better.is_none()));
    }
}

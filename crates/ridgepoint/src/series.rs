//! The sweeps the charts draw: a scenario varied along batch, prompt length and context.
//! Computed on the lean path (no derivations, no searches) so every chart's data costs
//! microseconds.

use crate::estimate::Ctx;
use crate::scenario::Scenario;

/// One batch size of the decode and memory sweeps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchPoint {
    pub batch: f64,
    /// Decode step time at 100% of peak.
    pub step_floor: f64,
    /// Decode step time with the scenario's efficiencies.
    pub step: f64,
    /// Decode tokens per second over all sequences (batch / step), floor and calibrated.
    pub throughput_floor: f64,
    pub throughput: f64,
    pub intensity: f64,
    pub compute_bound: bool,
    /// Memory per GPU, bytes.
    pub weights: f64,
    pub kv_cache: f64,
    pub activations: f64,
    pub total: f64,
}

/// One prompt length of the prefill sweep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PromptPoint {
    pub tokens: f64,
    pub ttft_floor: f64,
    pub ttft: f64,
    pub intensity: f64,
}

/// One context length of the memory sweep at the scenario's batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContextPoint {
    pub context: f64,
    pub kv_cache: f64,
    pub total: f64,
}

/// Every sweep, plus the constants the charts draw as lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub batch: Vec<BatchPoint>,
    pub prompt: Vec<PromptPoint>,
    pub context: Vec<ContextPoint>,
    /// GPU memory, bytes.
    pub capacity: f64,
    /// Weights per GPU, bytes.
    pub weights: f64,
    /// FLOP per byte.
    pub ridge: f64,
}

/// Powers of √2 from `lo` to `hi` (both powers of two), rounded to whole tokens.
fn half_octaves(lo: u32, hi: u32) -> impl Iterator<Item = f64> {
    let (a, b) = (lo.max(1).ilog2() * 2, hi.max(1).ilog2() * 2);
    let mut last = 0.0;
    // √2 rounds to 1: skip repeats so each point appears once.
    (a..=b)
        .map(|k| (2f64.powf(k as f64 / 2.0)).round())
        .filter(move |v| {
            let new = *v != last;
            last = *v;
            new
        })
}

/// Largest batch in the sweeps.
pub const BATCH_SWEEP_MAX: u32 = 4096;
/// Prompt lengths swept for TTFT and prefill intensity.
pub const PROMPT_SWEEP: (u32, u32) = (16, 1 << 17);
/// Contexts swept for memory.
pub const CONTEXT_SWEEP: (u32, u32) = (256, 1 << 20);

/// The sweeps of `s`.
/// Where a swept curve first reaches `level`: log-log interpolation between the two samples
/// around it (the sweeps are log-spaced, and intensity grows about as a power of the sweep);
/// the first sample if it already does, None if none does.
pub fn crossing(xs: &[f64], ys: &[f64], level: f64) -> Option<f64> {
    let i = ys
        .iter()
        .position(|y| *y >= level)
        .filter(|i| *i < xs.len())?;
    if i == 0 {
        return Some(xs[0]);
    }
    let (x0, x1, y0, y1) = (xs[i - 1].ln(), xs[i].ln(), ys[i - 1].ln(), ys[i].ln());
    let f = if y1 > y0 {
        (level.ln() - y0) / (y1 - y0)
    } else {
        1.0
    };
    Some((x0 + (x1 - x0) * f).exp())
}

/// `v` to two significant digits (a crossing read off a sweep is no more precise than that).
pub fn round2(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return v;
    }
    let e = v.log10().floor() as i32 - 1;
    let s = crate::units::parse_decimal(&format!("1e{e}")).unwrap_or_else(|| 10f64.powi(e));
    (v / s).round() * s
}

pub fn series(s: &Scenario) -> Series {
    let params = s.model.params();
    let c = Ctx::new(s, params);
    let eff = &s.efficiency;
    let prompt = s.prompt.max(1) as f64;
    let output = s.output.max(1) as f64;
    let context = prompt + output;
    let decode_context = prompt + output / 2.0;

    let batch = half_octaves(1, BATCH_SWEEP_MAX)
        .map(|b| {
            let p = c.phase(c.step(b, 1.0, decode_context), eff);
            let m = c.memory(b, prompt, context);
            BatchPoint {
                batch: b,
                step_floor: p.time.get(),
                step: p.calibrated_time.get(),
                throughput_floor: b / p.time.get(),
                throughput: b / p.calibrated_time.get(),
                intensity: p.intensity.get(),
                compute_bound: p.compute_time.get() >= p.memory_time.get(),
                weights: m.weights.get(),
                kv_cache: m.kv_cache.get(),
                activations: m.activations.get(),
                total: m.total.get(),
            }
        })
        .collect();
    let b = s.batch.max(1) as f64;
    let prompt_series = half_octaves(PROMPT_SWEEP.0, PROMPT_SWEEP.1)
        .map(|n| {
            let p = c.phase(c.prefill(b, n), eff);
            PromptPoint {
                tokens: n,
                ttft_floor: p.time.get(),
                ttft: p.calibrated_time.get(),
                intensity: p.intensity.get(),
            }
        })
        .collect();
    let context_series = half_octaves(CONTEXT_SWEEP.0, CONTEXT_SWEEP.1)
        .map(|ctx| {
            let m = c.memory(b, prompt.min(ctx), ctx);
            ContextPoint {
                context: ctx,
                kv_cache: m.kv_cache.get(),
                total: m.total.get(),
            }
        })
        .collect();
    Series {
        batch,
        prompt: prompt_series,
        context: context_series,
        capacity: s.gpu.memory.get(),
        weights: c.weights_per_gpu(),
        ridge: c.peak / c.bw,
    }
}

/// How a model fits on a GPU at a precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Fits with at least 10% of memory to spare.
    Fits,
    /// Fits with less than 10% to spare.
    Tight,
    No,
}

/// Memory per GPU of `s` with its model and weight precision replaced, and the verdict.
pub fn fit(s: &Scenario) -> (f64, Fit) {
    let params = s.model.params();
    let c = Ctx::new(s, params);
    let prompt = s.prompt.max(1) as f64;
    let m = c.memory(
        s.batch.max(1) as f64,
        prompt,
        prompt + s.output.max(1) as f64,
    );
    let verdict = if !m.fits {
        Fit::No
    } else if m.total.get() > 0.9 * m.capacity.get() {
        Fit::Tight
    } else {
        Fit::Fits
    };
    (m.total.get(), verdict)
}

/// Memory and verdict for every model × precision on `s`'s GPU at its workload:
/// `cells[model][precision]`. Each column is one format for every tensor group (the
/// scenario's own per-group formats belong to its model, not to the catalog's).
pub fn fit_matrix(
    s: &Scenario,
    models: &[crate::Model],
    precisions: &[crate::Precision],
) -> Vec<Vec<(f64, Fit)>> {
    let mut t = s.clone();
    t.formats = crate::scenario::GroupFormats::default();
    models
        .iter()
        .map(|m| {
            t.model = m.clone();
            precisions
                .iter()
                .map(|&p| {
                    t.weights = p;
                    fit(&t)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod crossing_tests {
    use super::*;

    #[test]
    fn the_fit_matrix_compares_uniform_formats() {
        let mut s = crate::Spec::default().scenario();
        let models = [crate::catalog::model("mixtral-8x7b").unwrap()];
        s.model = models[0].clone();
        let plain = fit_matrix(&s, &models, &[crate::Precision::Fp16]);
        s.formats.experts = Some(crate::Precision::Fp4);
        assert_eq!(fit_matrix(&s, &models, &[crate::Precision::Fp16]), plain);
        // …while the scenario itself stores its experts in FP4.
        assert!(fit(&s).0 < plain[0][0].0);
    }

    #[test]
    fn crossings_interpolate_between_the_samples_around_the_level() {
        let (xs, ys) = ([1.0, 10.0, 100.0], [1.0, 10.0, 100.0]);
        assert!((crossing(&xs, &ys, 5.0).unwrap() - 5.0).abs() < 1e-9);
        assert_eq!(crossing(&xs, &ys, 0.5), Some(1.0));
        assert_eq!(crossing(&xs, &ys, 500.0), None);
        assert_eq!(round2(163.4), 160.0);
        assert_eq!(round2(0.0), 0.0);
    }
}

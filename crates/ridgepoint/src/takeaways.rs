//! The seed's five takeaways, as numbers of the current scenario.

use crate::estimate::evaluate;
use crate::precision::Precision;
use crate::scenario::Scenario;
use crate::series::Series;

/// The figures the takeaways quote.
#[derive(Clone, Debug, PartialEq)]
pub struct Takeaways {
    /// Decode intensity and the ridge (FLOP/B).
    pub decode_intensity: f64,
    pub ridge: f64,
    /// Share of the step the tensor cores are busy at the floor: compute time / step time.
    pub tensor_busy: f64,
    /// Prompt length (tokens) where prefill crosses the ridge, if within the sweep (log-log
    /// interpolated between the swept lengths around it).
    pub prefill_crossing: Option<f64>,
    /// Decode step time (floor) at batch 1 and at the scenario's batch.
    pub step_batch1: f64,
    pub step_batch: f64,
    /// Decode throughput (floor) at batch 1 and at the scenario's batch.
    pub tokens_batch1: f64,
    pub tokens_batch: f64,
    /// KV bytes per token and the batch where the cache overtakes the weights.
    pub kv_per_token: f64,
    pub kv_crossover: Option<u32>,
    /// Decode step and prefill time (floor) at FP16 and at INT4 weights.
    pub decode_fp16: f64,
    pub decode_int4: f64,
    pub prefill_fp16: f64,
    pub prefill_int4: f64,
}

/// The takeaways of `s`, given its sweeps.
pub fn takeaways(s: &Scenario, series: &Series) -> Takeaways {
    let e = evaluate(s);
    let at = |batch: u32, weights: Precision| {
        let mut t = s.clone();
        t.batch = batch;
        t.weights = weights;
        t.speculative = None;
        evaluate(&t)
    };
    let one = at(1, s.weights);
    let fp16 = at(s.batch, Precision::Fp16);
    let int4 = at(s.batch, Precision::Int4);
    Takeaways {
        decode_intensity: e.decode.intensity.get(),
        ridge: e.ridge.get(),
        tensor_busy: e.decode.compute_time.get() / e.decode.time.get(),
        // Interpolated like the prefill-intensity chart's marker, so both say the same.
        prefill_crossing: crate::series::crossing(
            &series.prompt.iter().map(|p| p.tokens).collect::<Vec<_>>(),
            &series
                .prompt
                .iter()
                .map(|p| p.intensity)
                .collect::<Vec<_>>(),
            series.ridge,
        ),
        step_batch1: one.decode.time.get(),
        step_batch: e.decode.time.get(),
        tokens_batch1: 1.0 / one.decode.time.get(),
        tokens_batch: e.decode.tokens / e.decode.time.get(),
        kv_per_token: e.kv_per_token.get(),
        kv_crossover: e.kv_crossover_batch,
        decode_fp16: fp16.decode.time.get(),
        decode_int4: int4.decode.time.get(),
        prefill_fp16: fp16.prefill.time.get(),
        prefill_int4: int4.prefill.time.get(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_scenario_reads_like_the_seed() {
        let mut s = crate::Spec::default().scenario();
        s.prompt = 1;
        s.output = 1;
        let t = takeaways(&s, &crate::series::series(&s));
        assert!((t.decode_intensity - 1.0).abs() < 0.02);
        assert!(
            t.tensor_busy < 0.01,
            "tensor cores idle ~99%: {}",
            t.tensor_busy
        );
        let crossing = t.prefill_crossing.unwrap();
        assert!((128.0..=256.0).contains(&crossing), "{crossing}");
        // INT4 (4.25 bits) cuts the decode floor ≈3.7×; a 2048-token prefill barely moves.
        assert!((3.4..3.9).contains(&(t.decode_fp16 / t.decode_int4)));
        let s = crate::Spec::default().scenario();
        let t = takeaways(&s, &crate::series::series(&s));
        assert!(t.prefill_fp16 / t.prefill_int4 < 1.05);
    }
}

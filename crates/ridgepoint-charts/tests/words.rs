//! Every chart's sentence (`describe`) and table caption follow the scenario at its edges.

use ridgepoint::series::series;
use ridgepoint::{catalog, estimate, Spec};
use ridgepoint_charts::*;

fn spec(q: &str) -> Spec {
    let (spec, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{q}: {problems:?}");
    spec
}

/// Every chart's description and table caption for the scenario of query `q`.
fn words(q: &str) -> Vec<(&'static str, String, String)> {
    let s = spec(q).scenario();
    let e = estimate(&s);
    let sw = series(&s);
    let models = catalog::models();
    let mut out = Vec::new();
    macro_rules! add {
        ($d:expr) => {{
            let d = $d;
            out.push((id_of(&d), d.describe(), d.table().caption));
        }};
    }
    fn id_of<T: ChartData>(_: &T) -> &'static str {
        T::ID
    }
    add!(RooflineData::from_estimate(&e, s.batch, s.prompt));
    add!(MemoryData::from_estimate(&e));
    add!(FitMatrixData::for_scenario(&s, &models));
    add!(KvCrossoverData::from_series(&sw, &e));
    add!(KvContextData::from_series(&sw, &e));
    add!(DecodeIntensityData::from_series(&sw, &e));
    add!(PrefillIntensityData::from_series(&sw, &e));
    add!(TtftData::from_series(&sw, &e));
    add!(BatchThroughputData::from_series(&sw, &e));
    add!(DecodeTimeData::from_estimate(&e));
    out
}

const EDGES: [&str; 5] = [
    "v=1",
    "v=1&batch=4096&prompt=1&output=1",
    "v=1&model=llama-2-70b",
    "v=1&prompt=1",
    "v=1&model=llama-3.1-70b&gpus=64&batch=8",
];

#[test]
#[ignore]
fn print_every_sentence_at_the_edges() {
    for q in EDGES {
        println!("== {q}");
        for (id, d, c) in words(q) {
            println!("{id}: {d}\n    caption: {c}");
        }
    }
}

fn of<'a>(
    all: &'a [(&'static str, String, String)],
    id: &str,
) -> &'a (&'static str, String, String) {
    all.iter().find(|w| w.0 == id).expect(id)
}

#[test]
fn no_sentence_says_1_tokens_or_seed_at_any_edge() {
    for q in EDGES {
        for (id, d, c) in words(q) {
            for t in [&d, &c] {
                assert!(!t.contains(" 1 tokens"), "{q} {id}: {t}");
                assert!(!t.to_lowercase().contains("seed"), "{q} {id}: {t}");
                assert!(!t.contains("NaN") && !t.contains("n/a"), "{q} {id}: {t}");
            }
        }
    }
}

#[test]
fn batch_4096_of_one_token_is_past_the_ridge_everywhere() {
    // Llama-2-7B FP16 on an A100: ≈4096 FLOP per weight byte at batch 4096 (2 FLOP and
    // 2 bytes per weight per token), against a ridge of 312 TFLOP/s / 2.039 TB/s ≈ 153.
    let all = words("v=1&batch=4096&prompt=1&output=1");
    let (_, d, _) = of(&all, "roofline");
    assert!(d.contains("decode, batch 4096 at"), "{d}");
    assert!(d.contains("is compute-bound; prefill, 1 token at"), "{d}");
    let (_, d, c) = of(&all, "prefill-intensity");
    assert!(
        d.ends_with("prefill is already past the ridge at 1 token."),
        "{d}"
    );
    // Below the sweep's first length (16 tokens): never "compute-bound from 16 tokens".
    assert!(c.ends_with("; compute-bound at every length shown"), "{c}");
    let (_, d, c) = of(&all, "why-decode");
    assert!(
        d.starts_with("One decode step at batch 4,096"),
        "not 'why slow': {d}"
    );
    assert!(
        d.ends_with("the math takes 19× longer than the memory reads."),
        "{d}"
    );
    assert!(
        c.ends_with("the math takes 19× longer than the memory reads"),
        "{c}"
    );
    let (_, d, _) = of(&all, "ttft");
    assert!(d.contains(" at 1 token, floor "), "{d}");
}

#[test]
fn batch_1_and_a_1_token_prompt_read_memory_bound() {
    let all = words("v=1&prompt=1");
    let (_, d, _) = of(&all, "roofline");
    assert!(
        d.contains("prefill, 1 token at 1 FLOP/B is memory-bound"),
        "{d}"
    );
    let (_, d, _) = of(&all, "why-decode");
    assert!(
        d.starts_with("Why decode is slow: one decode step at batch 1"),
        "{d}"
    );
    assert!(
        d.ends_with(": memory reads take 153× longer than the math."),
        "{d}"
    );
}

#[test]
fn a_model_that_does_not_fit_is_said_not_to_fit() {
    // Llama-2-70B FP16: ≈69e9 weights × 2 bytes ≈ 138 GB on one A100 of 81,920 MiB (85.9 GB).
    let all = words("v=1&model=llama-2-70b");
    let (_, d, _) = of(&all, "memory");
    assert!(d.contains("does not fit"), "{d}");
    let (_, d, _) = of(&all, "kv-crossover");
    assert!(d.contains("does not fit in 85.9 GB even at batch 1"), "{d}");
    let (_, d, _) = of(&all, "kv-context");
    assert!(d.contains("does not fit in 85.9 GB at any context"), "{d}");
}

#[test]
fn sixty_four_gpus_read_per_gpu() {
    // 1/64 of Llama-3.1-70B's ≈141 GB of FP16 weights is ≈2.2 GB per GPU.
    let all = words("v=1&model=llama-3.1-70b&gpus=64&batch=8");
    let (_, d, _) = of(&all, "memory");
    assert!(d.starts_with("Memory per GPU: weights 2.2 GB"), "{d}");
    let (_, d, _) = of(&all, "decode-intensity");
    assert!(d.contains("at batch 8"), "{d}");
}

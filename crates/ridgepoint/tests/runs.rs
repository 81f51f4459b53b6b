//! Whether a scenario can run as asked, and what the engine says when it cannot: memory, the
//! model's context window, the knee against the largest batch, and tensor-parallel checks.
//!
//! Shapes are those of the models' `config.json` files in `tests/data/configs` (sources in
//! `SOURCES.tsv`): Llama-2-7B has 32 attention heads, 32 KV heads and
//! `max_position_embeddings` 4,096; Llama-2-70B has 64 heads, 8 KV heads, hidden 8,192,
//! 80 layers, intermediate 28,672, vocabulary 32,000 and the same 4,096 window.

mod common;

use common::floor_scenario;
use ridgepoint::estimate::{parallelism, GPUS_PER_NODE};
use ridgepoint::report::{estimate_json, estimate_text, knee_text, longest_context_text};
use ridgepoint::{estimate, Spec};

const A100: &str = "a100-80gb-sxm";

/// Llama-2-70B at FP16 on one GPU: the weights alone are
/// 80 × (2·8192² + 2·8192·1024 + 3·8192·28672 + 2·8192) + 2·32000·8192 = 68.98e9 parameters
/// × 2 B = 137.95 GB; with the KV cache (1 × 2,176 tokens × 80 layers × 2 × 1024 × 2 B =
/// 0.713 GB), the activations (2,048 × (4·8192 + 2·28672) × 2 B + 32000 × 4 B = 0.369 GB)
/// and 0.5 GB of runtime overhead, 139.5 GB: "140 GB" at three digits, more than an A100 holds.
#[test]
fn a_model_that_does_not_fit_says_it_would_not_run() {
    let e = estimate(&floor_scenario(A100, "llama-2-70b", 1, 2048, 128));
    assert!(!e.memory.fits);
    assert!(!e.runs());
    assert!(
        e.within_window(),
        "2,176 tokens are inside the 4,096 window"
    );
    let why = e.why_not().unwrap();
    assert!(why.starts_with("needs 140 GB of "), "{why}");
    assert!(why.ends_with(" per GPU"), "{why}");
    assert_eq!(e.would_not_run().unwrap(), format!("would not run: {why}"));
}

#[test]
fn a_model_that_fits_runs() {
    // Llama-2-7B: 6.74e9 × 2 B = 13.5 GB of weights, far below 80 GB.
    let e = estimate(&floor_scenario(A100, "llama-2-7b", 1, 2048, 128));
    assert!(e.runs());
    assert_eq!(e.why_not(), None);
    assert_eq!(e.would_not_run(), None);
}

#[test]
fn prompt_and_output_past_the_context_window_are_flagged() {
    // 4,096 = 3,968 + 128: exactly the window runs; one token more does not.
    let at = estimate(&floor_scenario(A100, "llama-2-7b", 1, 3968, 128));
    assert_eq!((at.context, at.context_window), (4096, 4096));
    assert!(at.within_window() && at.runs());
    let over = estimate(&floor_scenario(A100, "llama-2-7b", 1, 3969, 128));
    assert!(!over.within_window());
    assert!(!over.runs());
    assert!(over.memory.fits, "memory is not what stops it");
    assert_eq!(
        over.why_not().unwrap(),
        "4,097 tokens, past the model's 4,096-token window"
    );
    // The link: ?v=1&prompt=100000 is 100,128 tokens per sequence.
    let (spec, problems) = Spec::from_query("v=1&prompt=100000");
    assert!(problems.is_empty());
    let e = estimate(&spec.scenario());
    assert_eq!(e.context, 100_128);
    assert!(!e.runs());
    assert!(e.why_not().unwrap().contains("100,128 tokens"));
}

#[test]
fn the_longest_context_stops_at_the_window_and_says_so() {
    // Llama-2-7B's KV cache is 2 × 32 layers × 32 heads × 128 × 2 B = 524,288 B per token:
    // 4,096 tokens are 2.15 GB, which with 13.5 GB of weights fits easily in 80 GB, so memory
    // allows more than the window; the figure shown is the window.
    let e = estimate(&floor_scenario(A100, "llama-2-7b", 1, 2048, 128));
    assert!(
        e.max_context > 4096,
        "memory alone allows {}",
        e.max_context
    );
    assert_eq!(e.longest_context(), (4096, true));
    let text = longest_context_text(&e);
    assert!(
        text.starts_with("4,096 tokens (the model's context window; memory allows "),
        "{text}"
    );
    let d = e.derivation("max_context").unwrap();
    assert_eq!(d.value, 4096.0);
    // A model that does not fit has no longest context; the window is not the limit.
    let big = estimate(&floor_scenario(A100, "llama-2-70b", 1, 2048, 128));
    assert_eq!(big.longest_context(), (0, false));
    assert_eq!(
        longest_context_text(&big),
        "none: not even one token fits at this batch"
    );
}

#[test]
fn the_knee_agrees_with_the_largest_batch() {
    let big = estimate(&floor_scenario(A100, "llama-2-70b", 1, 2048, 128));
    assert_eq!(big.max_batch, 0);
    assert!(
        !big.knee_fits(),
        "a knee at {} with nothing fitting",
        big.knee.batch
    );
    let text = knee_text(&big);
    assert!(text.starts_with("none: not even batch 1 fits"), "{text}");
    assert!(big
        .derivation("knee_batch")
        .unwrap()
        .note
        .unwrap()
        .starts_with("past the largest batch that fits"));
    // Llama-2-7B at 2,176 tokens: the knee (the KV crossover, batch 12 in tests/physics.rs)
    // sits below the largest batch (57 in tests/seed.rs on an 80 GB A100).
    let small = estimate(&floor_scenario(A100, "llama-2-7b", 1, 2048, 128));
    assert!(small.knee_fits());
    assert!(knee_text(&small).ends_with("(KV-cache reads outgrow the weight reads)"));
}

#[test]
fn decode_throughput_and_throughput_with_prefill_are_two_figures() {
    // Batch 4 of 2,048 + 128 tokens: decode throughput = B / t_tok; throughput with prefill
    // = B × out / (t_pre + (out − 1) × t_tok), always lower because it pays the prefill.
    let e = estimate(&floor_scenario(A100, "llama-2-7b", 4, 2048, 128));
    for t in [e.floor, e.calibrated] {
        let decode = 4.0 / t.tpot.get();
        assert!((t.decode_throughput - decode).abs() <= 1e-9 * decode);
        let with_prefill = 4.0 * 128.0 / (t.ttft.get() + 127.0 * t.tpot.get());
        assert!((t.throughput - with_prefill).abs() <= 1e-9 * with_prefill);
        assert!(t.throughput < t.decode_throughput);
    }
    let label = |k| e.derivation(k).unwrap().label;
    assert_eq!(
        label("throughput_tokens_per_s"),
        "Throughput with prefill (calibrated)"
    );
    assert_eq!(
        label("decode_throughput_tokens_per_s"),
        "Decode throughput (calibrated)"
    );
    assert_eq!(
        label("decode_throughput_floor_tokens_per_s"),
        "Decode throughput (floor)"
    );
}

fn gpus(model: &str, n: u32) -> ridgepoint::Scenario {
    let mut s = floor_scenario(A100, model, 1, 2048, 128);
    s.gpus = n;
    s
}

#[test]
fn tensor_parallel_degrees_the_heads_do_not_allow_are_warned() {
    // 32 heads over 3 GPUs: 32 / 3 is not whole. Divisors of 32 up to 64: 1, 2, 4, 8, 16, 32.
    let w = parallelism(&gpus("llama-2-7b", 3));
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w.iter().all(|w| w.field == "gpus"));
    assert!(w[0]
        .message
        .contains("32 attention heads do not split evenly 3 ways"));
    assert!(w[0]
        .message
        .contains("GPU counts the heads allow: 1, 2, 4, 8, 16, 32."));
    // 32 KV heads over 3: ceil(32 / 3) = 11 per GPU, 11 × 3 = 33 as if padded.
    assert!(
        w[1].message
            .contains("each GPU caches up to 11 (as if padded to 33 heads)"),
        "{}",
        w[1].message
    );
    // The estimate carries them too (page and CLI read them there).
    assert_eq!(estimate(&gpus("llama-2-7b", 3)).warnings, w);
    // 2 and 4 GPUs divide both 32s: nothing to say.
    assert!(parallelism(&gpus("llama-2-7b", 2)).is_empty());
    assert!(parallelism(&gpus("llama-2-7b", 4)).is_empty());
    assert!(parallelism(&gpus("llama-2-7b", 1)).is_empty());
}

#[test]
fn kv_heads_fewer_than_gpus_are_replicated_and_nodes_are_counted() {
    // Llama-2-70B on 16: 64 heads split 4 per GPU; 8 KV heads < 16 GPUs, each copied to
    // 16 / 8 = 2 GPUs; 16 GPUs are 2 nodes of 8.
    let w = parallelism(&gpus("llama-2-70b", 16));
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].message.contains("8 KV heads are fewer than the GPUs"));
    assert!(w[0].message.contains("copied to 2 GPUs"));
    assert!(w[1]
        .message
        .starts_with("16 GPUs in tensor parallel span 2 nodes of 8"));
    // 64 GPUs: 64 / 8 = 8 nodes; each KV head on 64 / 8 = 8 GPUs.
    let w = parallelism(&gpus("llama-2-70b", 64));
    assert!(w[0].message.contains("copied to 8 GPUs"));
    assert!(w[1]
        .message
        .starts_with("64 GPUs in tensor parallel span 8 nodes of 8"));
    // 8 GPUs: one node, 8 KV heads one each, 64 heads 8 each: nothing to say.
    assert_eq!(GPUS_PER_NODE, 8);
    assert!(parallelism(&gpus("llama-2-70b", 8)).is_empty());
}

#[test]
fn the_report_and_the_cli_text_say_it_would_not_run() {
    let (spec, _) = Spec::from_query("v=1&model=llama-2-70b");
    let s = spec.scenario();
    let e = estimate(&s);
    let json = ridgepoint::json::to_string_pretty(&estimate_json(&spec, &s, &e));
    assert!(json.contains("\"runs\": false"), "{json}");
    assert!(json.contains("\"would_not_run\": \"would not run: needs 140 GB of "));
    let text = estimate_text(&s, &e);
    assert!(text.contains("WOULD NOT RUN: needs 140 GB of "), "{text}");
    assert!(text.contains("throughput knee: none: not even batch 1 fits"));
    assert!(text.contains("throughput with prefill"));
    assert!(text.contains("decode throughput"));
    let (spec, _) = Spec::from_query("v=1&gpus=3");
    let s = spec.scenario();
    let text = estimate_text(&s, &estimate(&s));
    assert!(text.contains("warning (gpus): 3 GPUs: the model's 32 attention heads"));
}

#[test]
fn the_answers_name_each_figure_and_say_when_it_would_not_run() {
    use ridgepoint::report::answers;
    let s = floor_scenario(A100, "llama-2-7b", 1, 2048, 128);
    let e = estimate(&s);
    let a = answers(&s, &e);
    let ids: Vec<_> = a.iter().map(|a| a.id).collect();
    assert_eq!(ids, ["fit", "bound", "ttft", "tpot", "throughput"]);
    assert!(
        a.iter().all(|a| e.derivation(a.key).is_some()),
        "each opens a derivation"
    );
    assert_eq!(a[0].label, "Fits");
    assert!(
        a[0].value.ends_with("· context window 4,096 tokens"),
        "{}",
        a[0].value
    );
    assert!(a[1].value.starts_with("decode memory-bound"));
    assert_eq!(a[4].label, "Throughput with prefill (calibrated)");
    assert!(a[4].value.contains(" · decode only "));
    assert!(a.iter().all(|a| a.ok));

    let s = floor_scenario(A100, "llama-2-70b", 1, 2048, 128);
    let e = estimate(&s);
    let a = answers(&s, &e);
    assert_eq!(a[0].label, "Does not fit");
    assert!(a[0].value.starts_with("needs 140 GB of "));
    assert!(a[0].value.contains("· largest batch 0 ·"));
    for t in &a[2..] {
        assert!(
            t.value.starts_with("would not run: needs 140 GB of "),
            "{}",
            t.value
        );
        assert!(!t.ok);
    }

    let s = floor_scenario(A100, "llama-2-7b", 1, 100_000, 128);
    let e = estimate(&s);
    let a = answers(&s, &e);
    assert_eq!(a[0].label, "Too long");
    assert!(a[0]
        .value
        .starts_with("100,128 tokens per sequence, past the context window 4,096"));
    assert_eq!(
        a[2].value,
        "would not run: 100,128 tokens, past the model's 4,096-token window"
    );
    println!("{}", estimate_text(&s, &e));
}

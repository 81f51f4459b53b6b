//! The seed article's figures, through the engine (see shared/reference/README.md, "The seed's
//! own numbers, checked"). Where the engine differs from the seed's rounding, the test says why.

use ridgepoint::units::{BytesPerSec, FlopsPerSec};
use ridgepoint::{catalog, estimate, Bound, Scenario};

mod common;

/// The seed's scenario: Llama-2-7B on an A100 80GB SXM at FP16, at the floor.
fn seed(batch: u32, prompt: u32, output: u32) -> Scenario {
    common::floor_scenario("a100-80gb-sxm", "llama-2-7b", batch, prompt, output)
}

fn close(actual: f64, expected: f64, rel: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs()
}

#[test]
fn a100_ridge_is_153_with_the_datasheet_bandwidth_and_156_with_the_seeds() {
    let e = estimate(&seed(1, 1, 1));
    assert_eq!(e.peak, FlopsPerSec(312e12));
    assert!(close(e.ridge.get(), 153.02, 0.001), "{}", e.ridge.get());
    let mut s = seed(1, 1, 1);
    s.gpu.bandwidth = BytesPerSec(2.0e12);
    assert!(close(estimate(&s).ridge.get(), 156.0, 1e-9));
}

#[test]
fn llama_2_7b_fp16_weights_are_13_48_gb() {
    let e = estimate(&seed(1, 1, 1));
    assert_eq!(e.params.total, 6_738_415_616.0);
    assert!(close(e.weights.get(), 13.48e9, 0.001), "{}", e.weights);
    assert!(close(e.weights.get() / (1u64 << 30) as f64, 12.55, 0.001));
}

#[test]
fn decode_step_reads_the_weights_in_about_7_ms_and_computes_in_about_45_us() {
    // Short context so KV reads don't blur the seed's weights-only arithmetic.
    let e = estimate(&seed(1, 1, 1));
    // 13.2 GB of matmul weights (the 0.26 GB embedding table is gathered, not streamed)
    // over 2.039 TB/s: 6.48 ms; at the seed's 2.0 TB/s: 6.61 ms. The seed says ≈7 ms.
    let t_mem = e.decode.memory_time.get();
    assert!((6.4e-3..7.0e-3).contains(&t_mem), "{t_mem}");
    let mut s = seed(1, 1, 1);
    s.gpu.bandwidth = BytesPerSec(2.0e12);
    assert!(close(estimate(&s).decode.memory_time.get(), 6.61e-3, 0.005));
    // 2 FLOPs per multiplied weight: 13.2 GFLOP at 312 TFLOP/s = 42.4 µs; the seed's
    // "~14 GFLOP, 0.045 ms" rounds P up to 7B and counts the embedding table.
    let t_cmp = e.decode.compute_time.get();
    assert!(close(t_cmp, 2.0 * e.params.total / 312e12, 0.03), "{t_cmp}");
    let ratio = t_mem / t_cmp;
    assert!(
        (140.0..165.0).contains(&ratio),
        "weights vs compute {ratio}×, seed ~150×"
    );
    assert_eq!(e.decode.bound, Bound::Memory);
}

#[test]
fn decode_intensity_is_1_at_batch_1_and_crosses_the_ridge_near_batch_155() {
    let e = estimate(&seed(1, 1, 1));
    assert!(
        close(e.decode.intensity.get(), 1.0, 0.01),
        "{}",
        e.decode.intensity
    );
    let first_compute_bound = (1..=4096)
        .find(|&b| estimate(&seed(b, 1, 1)).decode.bound == Bound::Compute)
        .unwrap();
    assert!(
        (150..=160).contains(&first_compute_bound),
        "seed: ~156; got {first_compute_bound}"
    );
}

#[test]
fn decode_throughput_plateaus_near_22k_tokens_per_second() {
    let e = estimate(&seed(1024, 1, 1));
    assert_eq!(e.decode.bound, Bound::Compute);
    let tps = e.decode.tokens / e.decode.time.get();
    // 312 TFLOP/s / 13.2 GFLOP per token = 23.6K; the seed's 312e12 / 14e9 = 22.3K.
    assert!(close(tps, 22.3e3, 0.08), "{tps}");
}

#[test]
fn a_2048_token_prompt_takes_about_90_ms_not_9() {
    // The seed says "about 9 ms"; its own formula 2·P·2048 / 312 TFLOP/s gives 88–92 ms.
    let e = estimate(&seed(1, 2048, 1));
    let t = e.prefill.time.get();
    assert!((85e-3..95e-3).contains(&t), "{t}");
    assert_eq!(e.prefill.bound, Bound::Compute);
}

#[test]
fn prefill_intensity_tracks_sequence_length_and_crosses_the_ridge_near_153_tokens() {
    let ai = |n| estimate(&seed(1, n, 1)).prefill.intensity.get();
    assert!(close(ai(64), 64.0, 0.05), "{}", ai(64));
    assert!(close(ai(512), 512.0, 0.1), "{}", ai(512));
    let cross = (1..=4096)
        .find(|&n| estimate(&seed(1, n, 1)).prefill.bound == Bound::Compute)
        .unwrap();
    // With AI ≈ n the crossing sits at the ridge (153), not the seed's 300–400.
    assert!((140..=170).contains(&cross), "{cross}");
}

#[test]
fn kv_cache_per_token_is_gqa_aware() {
    let kv = |id| {
        let mut s = seed(1, 1, 1);
        s.model = catalog::model(id).unwrap();
        estimate(&s).kv_per_token.get()
    };
    assert_eq!(kv("llama-2-7b"), 524_288.0); // 2 · 32 layers · 32 heads · 128 · 2 B
    assert_eq!(kv("llama-2-70b"), 327_680.0); // 8 KV heads of 64
    assert_eq!(kv("llama-3.1-8b"), 131_072.0); // 8 KV heads of 32
}

#[test]
fn derivations_show_formula_values_and_result() {
    let e = estimate(&seed(1, 2048, 128));
    expect_test::expect![[r#"
        Parameters: P = embedding + attention + MLP + LM head + norms = 6,738,415,616  (counted from the shapes in the model's config)
        Weights in memory: W = P × b_w = 6,738,415,616 × 2 B = 13.5 GB  (16 bits)
        KV cache per token: kv = L × e × b_kv = 32 × 8,192 × 2 B = 524 kB  (e = 2 × kv_heads × head_dim: K and V for each KV head)
        KV cache per GPU: KV = B × kv × ctx × share = 1 × 524 kB × 2,176 × 1 = 1.14 GB  (share: the part one GPU holds (1/N of the KV heads, at least one head; MLA's latent on every GPU))
        Activations (peak): A = chunk × (4 × h + 2 × i) × 2 / N + B × vocab × 4 = 2,048 × (4 × 4,096 + 2 × 11,008) × 2 / 1 + 1 × 32,000 × 4 = 157 MB  (one prefill chunk in flight (at most 8192 tokens) at 2 bytes per FP16 value, plus 4-byte FP32 logits for each sequence; for MoE, i is the active experts' width)
        Memory per GPU: M = W / N + KV + A + overhead = 13.5 GB / 1 + 1.14 GB + 157 MB + 500 MB = 15.3 GB  (fits in the GPU's memory)
        Largest batch that fits: B_max = largest B with M(B) ≤ capacity = largest B with M(B) ≤ 85.9 GB = 62  (every sequence at its full prompt + output length)
        Ridge point: I_ridge = F / BW = 312 TFLOP/s / 2.04 TB/s = 153 FLOP/B  (dense peak for the precision the matmuls run in)
        Decode arithmetic intensity: I_dec = FLOPs / bytes = 14.3 GFLOP / 14.3 GB = 1 FLOP/B  (one step of the batch at the mean context prompt + output/2: weights read once, each sequence's KV cache read)
        Decode step, memory time: t_mem = bytes / BW = 14.3 GB / 2.04 TB/s = 7.02 ms
        Decode step, compute time: t_cmp = FLOPs / F = 14.3 GFLOP / 312 TFLOP/s = 45.9 µs
        Time per output token (floor): t_tok = max(t_cmp, t_mem) + t_comm = max(45.9 µs, 7.02 ms) + 0 s = 7.02 ms  (100% of peak bandwidth and compute)
        Time per output token (calibrated): t_tok = max(t_cmp / eff_c, t_mem / eff_b) + t_comm + t_step + B_s × t_seq = max(45.9 µs / 100%, 7.02 ms / 100%) + 0 s + 0 s + 1 × 0 s = 7.02 ms  (with the scenario's bandwidth and compute efficiencies)
        Prefill arithmetic intensity: I_pre = FLOPs / bytes = 27.6 TFLOP / 14.3 GB = 1934 FLOP/B  (weights read once for all prompt tokens; causal attention; LM head on the last token)
        Time to first token (floor): t_pre = max(FLOPs / F, bytes / BW) + t_comm = max(27.6 TFLOP / 312 TFLOP/s, 14.3 GB / 2.04 TB/s) + 0 s = 88.5 ms  (the whole batch's prompts; 100% of peak)
        Time to first token (calibrated): t_pre = max(FLOPs / (F × eff_c), bytes / (BW × eff_b)) + t_comm + t_step + B_s × t_seq = max(27.6 TFLOP / (312 TFLOP/s × 100%), 14.3 GB / (2.04 TB/s × 100%)) + 0 s + 0 s + 1 × 0 s = 88.5 ms
        Request latency: T = t_pre + (out − 1) × t_tok = 88.5 ms + (128 − 1) × 7.02 ms = 981 ms
        Throughput with prefill (calibrated): X = B × out / T = 1 × 128 / 981 ms = 131 tok/s  (static batch, prefill included, all GPUs together)
        Decode throughput (calibrated): X_dec = B / t_tok = 1 / 7.02 ms = 142 tok/s  (decode only: tokens per second while the batch decodes, no prefill; the batch chart's curve)
        Decode throughput (floor): X_dec = B / t_tok = 1 / 7.02 ms = 142 tok/s  (decode only, 100% of peak)
        Longest context at this batch: ctx_max = min(ctx_mem, window) = min(136,881, 4,096) = 4,096  (prompt + output per sequence; ctx_mem is what memory allows, the model's context window is the tighter limit)
        KV cache overtakes the weights at batch: B_kv = ceil(W_gpu / (kv × ctx × share)) = ceil(13.5 GB / (524 kB × 2,176 × 1)) = 12
        Throughput knee: B_knee = min(B_ridge, B_kv) = 12  (KV-cache reads outgrow the weight reads here, before the ridge: each added sequence now costs its own cache read)"#]]
    .assert_eq(
        &e.derivations
            .iter()
            .map(|d| d.render())
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

//! Every physics term against an expectation written out by hand from its formula and the
//! model's `config.json` numbers — never from the engine's own output. Each test states the
//! formula, substitutes the config's numbers as literals, and compares the engine's figure.
//!
//! Conventions the expectations follow (ARCHITECTURE.md, "Modelling choices"):
//! - 2 FLOPs per multiply-add; attention is QKᵀ plus scores × V, so 4 × heads × head_dim FLOPs
//!   per (query, key) pair per layer; prefill is causal (token i sees i keys).
//! - A decode step of the batch runs at the mean context `prompt + output / 2` and reads every
//!   sequence's cache including the new token's entry.
//! - Tolerances: `EXACT` (1e-9, for sums of integers carried in f64) unless a test says why not.

use ridgepoint::scenario::PREFILL_CHUNK_TOKENS;
use ridgepoint::units::Seconds;
use ridgepoint::{catalog, evaluate, Bound, Efficiency, KneeCause, Model, Precision};

const EXACT: f64 = 1e-9;

#[track_caller]
fn assert_rel(actual: f64, expected: f64, rel: f64, what: &str) {
    let err = (actual - expected).abs() / expected.abs().max(1e-300);
    assert!(
        err <= rel,
        "{what}: engine {actual}, hand-derived {expected} (off by {:.4}%, allowed {:.4}%)",
        err * 100.0,
        rel * 100.0
    );
}

mod common;
use common::floor_scenario as scenario;

// ---------------------------------------------------------------------------------------------
// Llama-2-7B (config.json: hidden 4096, intermediate 11008, 32 layers, 32 heads, 32 KV heads,
// head_dim 128, vocab 32000, untied, gated MLP), the seed's model.

/// q, k, v, o projections of 4096 × 4096 each, per layer.
const L7_ATTN_PER_LAYER: f64 = 4.0 * 4096.0 * 4096.0; // 67,108,864
/// gate, up, down of 4096 × 11008, per layer.
const L7_MLP_PER_LAYER: f64 = 3.0 * 4096.0 * 11008.0; // 135,266,304
/// 32 layers of attention + MLP: the weights every prompt token multiplies.
const L7_BODY: f64 = 32.0 * (L7_ATTN_PER_LAYER + L7_MLP_PER_LAYER); // 6,476,005,376
/// LM head 32000 × 4096 (untied).
const L7_LM_HEAD: f64 = 32000.0 * 4096.0; // 131,072,000
/// Attention FLOPs per (query, key) pair per layer: QKᵀ and AV, 32 heads × 128 dims × 2 × 2.
const L7_ATTN_PAIR: f64 = 4.0 * 32.0 * 128.0; // 16,384
/// K and V, 32 KV heads × 128 dims, 32 layers, 2 bytes (FP16): bytes per cached token.
const L7_KV_TOKEN: f64 = 2.0 * 32.0 * 128.0 * 32.0 * 2.0; // 524,288
/// Everything stored: embedding + body + LM head + (2 × 32 + 1) norms of 4096.
const L7_TOTAL: f64 = 32000.0 * 4096.0 + L7_BODY + L7_LM_HEAD + 65.0 * 4096.0; // 6,738,415,616

const A100_PEAK: f64 = 312e12; // dense FP16 tensor
const A100_BW: f64 = 2.039e12;
/// As the device reports it: nvidia-smi prints 81920MiB for an A100-SXM4-80GB (see the
/// catalog row's source), 81,920 × 2^20 B — not the 80 × 10^9 B its name suggests.
const A100_CAPACITY: f64 = 81920.0 * 1024.0 * 1024.0; // 85,899,345,920

#[test]
fn llama_2_7b_parameters_add_up_from_the_config() {
    let p = catalog::model("llama-2-7b").unwrap().params();
    assert_eq!(L7_TOTAL, 6_738_415_616.0, "the hand sum itself");
    assert_rel(p.total, L7_TOTAL, EXACT, "total parameters");
    assert_rel(p.attention, 32.0 * L7_ATTN_PER_LAYER, EXACT, "attention");
    assert_rel(p.mlp_total, 32.0 * L7_MLP_PER_LAYER, EXACT, "MLP");
    assert_rel(p.lm_head, L7_LM_HEAD, EXACT, "LM head");
}

#[test]
fn seed_prefill_of_2048_tokens_is_88_5_ms_to_0_2_percent() {
    // FLOPs = 2 × body × n + causal attention + 2 × LM head (last token only):
    //   2 × 6,476,005,376 × 2048        = 26,525,718,020,096
    //   16,384 × (2048 × 2049 / 2) × 32 =  1,100,048,498,688
    //   2 × 131,072,000                 =        262,144,000
    //   sum                             = 27,626,028,662,784  → / 312 TFLOP/s = 88.545 ms
    let n = 2048.0;
    let attention = L7_ATTN_PAIR * (n * (n + 1.0) / 2.0) * 32.0;
    assert_eq!(attention, 1_100_048_498_688.0);
    let flops = 2.0 * L7_BODY * n + attention + 2.0 * L7_LM_HEAD;
    assert_eq!(flops, 27_626_028_662_784.0);
    let e = evaluate(&scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 1));
    assert_rel(e.prefill.flops.get(), flops, EXACT, "prefill FLOPs");
    assert_eq!(e.prefill.bound, Bound::Compute);
    // 0.2%: without the attention term the time is 85.0 ms (−4%); doubled, 92.1 ms (+4%).
    assert_rel(
        e.prefill.time.get(),
        flops / A100_PEAK,
        0.002,
        "prefill time",
    );
    assert_rel(e.floor.ttft.get(), 88.545e-3, 0.002, "TTFT floor");
    // Bytes: the matmul weights read once (body + LM head, FP16) plus the prompt's KV written.
    let bytes = (L7_BODY + L7_LM_HEAD) * 2.0 + n * L7_KV_TOKEN;
    assert_rel(e.prefill.bytes.get(), bytes, EXACT, "prefill bytes");
}

#[test]
fn causal_prefill_attention_is_the_triangle_not_the_square() {
    let m = catalog::model("llama-2-7b").unwrap();
    for n in [1.0, 17.0, 512.0, 4096.0] {
        let expected = L7_ATTN_PAIR * 32.0 * n * (n + 1.0) / 2.0;
        assert_rel(
            m.attention_flops_prefill(n),
            expected,
            EXACT,
            "prefill attention",
        );
    }
    // One query token against c keys: decode.
    for c in [1.0, 2112.0, 4096.0] {
        assert_rel(
            m.attention_flops_per_token(c),
            L7_ATTN_PAIR * 32.0 * c,
            EXACT,
            "decode attention",
        );
    }
}

#[test]
fn seed_decode_step_reads_weights_and_kv_at_the_mean_context() {
    // prompt 2048, output 128: mean context 2048 + 64 = 2112 keys per query; the step reads
    // 2112 cached tokens plus the new one (2113) per sequence.
    for batch in [1u32, 8] {
        let b = batch as f64;
        let e = evaluate(&scenario("a100-80gb-sxm", "llama-2-7b", batch, 2048, 128));
        let flops = b * (2.0 * (L7_BODY + L7_LM_HEAD) + L7_ATTN_PAIR * 32.0 * 2112.0);
        let bytes = (L7_BODY + L7_LM_HEAD) * 2.0 + b * 2113.0 * L7_KV_TOKEN;
        assert_rel(e.decode.flops.get(), flops, EXACT, "decode FLOPs");
        assert_rel(e.decode.bytes.get(), bytes, EXACT, "decode bytes");
        // Batch 1: 13,214,154,752 + 1,107,820,544 = 14,321,975,296 B / 2.039 TB/s = 7.024 ms.
        assert_rel(e.decode.memory_time.get(), bytes / A100_BW, EXACT, "t_mem");
        assert_rel(
            e.decode.compute_time.get(),
            flops / A100_PEAK,
            EXACT,
            "t_cmp",
        );
        assert_rel(e.floor.tpot.get(), bytes / A100_BW, EXACT, "TPOT floor");
    }
    let e = evaluate(&scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 128));
    assert_rel(e.floor.tpot.get(), 7.0240e-3, 1e-4, "seed TPOT floor");
}

#[test]
fn calibrated_time_is_each_roof_at_its_efficiency_plus_the_layer_and_sequence_overheads() {
    // 14,321,975,296 B / (2.039 TB/s × 0.8) + 32 layers × 60 µs + 1 sequence × 20 µs
    // = 8.7800 ms + 1.92 ms + 0.02 ms.
    let mut s = scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 128);
    s.efficiency = Efficiency::CALIBRATED;
    let e = evaluate(&s);
    let bytes = (L7_BODY + L7_LM_HEAD) * 2.0 + 2113.0 * L7_KV_TOKEN;
    let expected = bytes / (A100_BW * 0.8) + 32.0 * 60e-6 + 20e-6;
    assert_rel(e.calibrated.tpot.get(), expected, EXACT, "calibrated TPOT");
    // Prefill is compute-bound: FLOPs / (312 T × 0.45) + 32 × 60 µs + 20 µs.
    let flops =
        2.0 * L7_BODY * 2048.0 + L7_ATTN_PAIR * 32.0 * 2048.0 * 2049.0 / 2.0 + 2.0 * L7_LM_HEAD;
    assert_rel(
        e.calibrated.ttft.get(),
        flops / (A100_PEAK * 0.45) + 32.0 * 60e-6 + 20e-6,
        EXACT,
        "calibrated TTFT",
    );
    // Request latency and throughput follow: T = TTFT + 127 × TPOT, X = 128 / T.
    let t = e.calibrated.ttft.get() + 127.0 * e.calibrated.tpot.get();
    assert_rel(
        e.calibrated.request_latency.get(),
        t,
        EXACT,
        "request latency",
    );
    assert_rel(e.calibrated.throughput, 128.0 / t, EXACT, "throughput");
}

/// Activation peak: min(B × prompt, 8192) tokens × (4 × hidden + 2 × intermediate) values ×
/// 2 bytes / N, plus B × vocab FP32 logits.
fn l7_activations(batch: f64, prompt: f64, gpus: f64) -> f64 {
    let chunk = (batch * prompt).min(8192.0);
    chunk * (4.0 * 4096.0 + 2.0 * 11008.0) * 2.0 / gpus + batch * 32000.0 * 4.0
}

#[test]
fn activations_follow_the_chunk_formula() {
    assert_eq!(PREFILL_CHUNK_TOKENS, 8192.0);
    // Seed: 2048 × 38,400 × 2 + 128,000 = 157,414,400 B.
    assert_eq!(l7_activations(1.0, 2048.0, 1.0), 157_414_400.0);
    for (batch, prompt, gpus) in [
        (1u32, 2048u32, 1u32),
        (8, 2048, 1),
        (8, 2048, 2),
        (3, 100, 1),
    ] {
        let mut s = scenario("a100-80gb-sxm", "llama-2-7b", batch, prompt, 128);
        s.gpus = gpus;
        let e = evaluate(&s);
        let expected = l7_activations(batch as f64, prompt as f64, gpus as f64);
        assert_rel(e.memory.activations.get(), expected, EXACT, "activations");
    }
}

/// Memory of `batch` seed sequences of 2048 + 128 tokens on one A100 80GB.
fn l7_seed_memory(batch: f64) -> f64 {
    L7_TOTAL * 2.0 + batch * 2176.0 * L7_KV_TOKEN + l7_activations(batch, 2048.0, 1.0) + 0.5e9
}

#[test]
fn largest_batch_and_longest_context_solve_the_memory_equation() {
    // B ≥ 4 fills the 8192-token chunk, so M(B) = 13,476,831,232 + 500,000,000 + 629,145,600
    //   + B × (2176 × 524,288 + 128,000) = 14,605,976,832 + B × 1,140,978,688
    //   ≤ 85,899,345,920 → B ≤ 62.48: 62.
    let fixed = L7_TOTAL * 2.0 + 0.5e9 + 8192.0 * 38_400.0 * 2.0;
    let per_seq = 2176.0 * L7_KV_TOKEN + 32000.0 * 4.0;
    let b_max = ((A100_CAPACITY - fixed) / per_seq).floor();
    assert_eq!(b_max, 62.0);
    assert!(l7_seed_memory(b_max) <= A100_CAPACITY && l7_seed_memory(b_max + 1.0) > A100_CAPACITY);
    let e = evaluate(&scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 128));
    assert_eq!(e.max_batch as f64, b_max);
    assert_rel(
        e.memory.total.get(),
        l7_seed_memory(1.0),
        EXACT,
        "memory at batch 1",
    );

    // Longest context at batch 1 (the prompt is 2048 of it, so the chunk stays 2048):
    //   85,899,345,920 − 13,476,831,232 − 500,000,000 − 157,414,400 = 71,765,100,288 B of
    //   cache room / 524,288 B per token = 136,881.07 → 136,881 tokens.
    let room = A100_CAPACITY - L7_TOTAL * 2.0 - 0.5e9 - l7_activations(1.0, 2048.0, 1.0);
    let ctx_max = (room / L7_KV_TOKEN).floor();
    assert_eq!(ctx_max, 136_881.0);
    assert_eq!(e.max_context as f64, ctx_max);
    // At batch 4 the chunk is 8192 and four caches share the room.
    let e4 = evaluate(&scenario("a100-80gb-sxm", "llama-2-7b", 4, 2048, 128));
    let room4 = A100_CAPACITY - L7_TOTAL * 2.0 - 0.5e9 - l7_activations(4.0, 2048.0, 1.0);
    assert_eq!(e4.max_context as f64, (room4 / (4.0 * L7_KV_TOKEN)).floor());
}

#[test]
fn the_knee_is_the_first_of_the_ridge_and_the_kv_crossover() {
    // Seed (2048 + 128): the cache of one sequence is 2176 × 524,288 = 1,140,850,688 B, so it
    // outweighs 13,476,831,232 B of weights from ceil(11.81) = 12 sequences on.
    let e = evaluate(&scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 128));
    let b_kv = (L7_TOTAL * 2.0 / (2176.0 * L7_KV_TOKEN)).ceil();
    assert_eq!(b_kv, 12.0);
    assert_eq!(e.kv_crossover_batch, Some(12));
    assert_eq!((e.knee.batch, e.knee.cause), (12.0, KneeCause::KvCache));

    // Prompt 1, output 1 (mean context 1.5; the step reads 2.5 cached tokens per sequence):
    // compute ≥ memory when B × F / peak ≥ (W_read + B × K) / BW, i.e.
    // B ≥ W_read / (F × BW / peak − K), with F the FLOPs per token and K the KV bytes read.
    let f = 2.0 * (L7_BODY + L7_LM_HEAD) + L7_ATTN_PAIR * 32.0 * 1.5;
    let k = 2.5 * L7_KV_TOKEN;
    let w_read = (L7_BODY + L7_LM_HEAD) * 2.0;
    let b_ridge = (w_read / (f * A100_BW / A100_PEAK - k)).ceil();
    let e = evaluate(&scenario("a100-80gb-sxm", "llama-2-7b", 1, 1, 1));
    assert_eq!((e.knee.batch, e.knee.cause), (b_ridge, KneeCause::Compute));
    assert!(
        (150.0..=160.0).contains(&b_ridge),
        "{b_ridge}: the seed's ~156"
    );
}

// ---------------------------------------------------------------------------------------------
// Sliding windows.

#[test]
fn mistral_7b_caps_its_cache_and_attention_at_the_4096_window_at_8k() {
    // Mistral-7B-v0.1: 32 layers, 32 heads, 8 KV heads, head_dim 128, sliding_window 4096 on
    // every layer. K + V per token per layer: 2 × 8 × 128 = 2048 elements.
    let m = catalog::model("mistral-7b-v0.1").unwrap();
    assert_eq!(m.sliding_window, Some((4096, 32)));
    let per_layer = 2.0 * 8.0 * 128.0;
    // At 8192 tokens each layer keeps 4096: 2048 × 4096 × 32 = 268,435,456 elements, half the
    // uncapped 536,870,912.
    assert_rel(
        m.kv_elements(8192.0),
        per_layer * 4096.0 * 32.0,
        EXACT,
        "KV at 8K",
    );
    assert_rel(
        m.kv_elements(3000.0),
        per_layer * 3000.0 * 32.0,
        EXACT,
        "KV below window",
    );
    // Decode at context 8192 attends to the last 4096 keys: 4 × 32 × 128 × 4096 × 32.
    let pair = 4.0 * 32.0 * 128.0;
    assert_rel(
        m.attention_flops_per_token(8192.0),
        pair * 4096.0 * 32.0,
        EXACT,
        "decode attention at 8K",
    );
    // Prefill of 8192: tokens 1..4096 see i keys, 4097..8192 see 4096:
    //   4096 × 4097 / 2 + 4096 × 4096 = 8,390,656 + 16,777,216 = 25,167,872 pairs per layer.
    let pairs = 4096.0 * 4097.0 / 2.0 + 4096.0 * 4096.0;
    assert_eq!(pairs, 25_167_872.0);
    assert_rel(
        m.attention_flops_prefill(8192.0),
        pair * pairs * 32.0,
        EXACT,
        "prefill attention at 8K",
    );
    // And the estimate's KV memory at 8000 + 192 = 8192 tokens, FP16: 536,870,912 B.
    let e = evaluate(&scenario("h100-sxm", "mistral-7b-v0.1", 1, 8000, 192));
    assert_rel(
        e.memory.kv_cache.get(),
        per_layer * 4096.0 * 32.0 * 2.0,
        EXACT,
        "KV bytes",
    );
}

#[test]
fn gemma_2_caps_only_its_local_layers() {
    // Gemma-2-9B: 42 layers alternating local (window 4096) and global; 8 KV heads of 256.
    let m = catalog::model("gemma-2-9b").unwrap();
    let per_layer = 2.0 * 8.0 * 256.0;
    let expected = per_layer * (21.0 * 8192.0 + 21.0 * 4096.0);
    assert_rel(m.kv_elements(8192.0), expected, EXACT, "Gemma-2 KV at 8K");
}

// ---------------------------------------------------------------------------------------------
// MLA and MoE: DeepSeek-V3 (hidden 7168, 61 layers, 128 heads, kv_lora_rank 512,
// qk_rope_head_dim 64, qk_nope_head_dim 128, v_head_dim 128, q_lora_rank 1536; 256 routed
// experts of 2048, top-8, 1 shared; first 3 layers dense with intermediate 18432; vocab 129280).

#[test]
fn mla_caches_one_latent_and_decodes_absorbed() {
    let m = catalog::model("deepseek-v3").unwrap();
    // Cache: 512 + 64 = 576 elements per token per layer, no factor 2.
    assert_eq!(m.kv_elements_per_token_per_layer(), 576.0);
    assert_rel(
        m.kv_elements(4096.0),
        576.0 * 61.0 * 4096.0,
        EXACT,
        "MLA KV at 4K",
    );
    // Decode (absorbed): per head and key, scores over the 576-wide latent + rope and the
    // output in the 512-wide latent: 2 × (576 + 512) = 2176 FLOPs; × 128 heads × 61 layers.
    assert_rel(
        m.attention_flops_per_token(1000.0),
        2.0 * 128.0 * (576.0 + 512.0) * 1000.0 * 61.0,
        EXACT,
        "MLA decode attention",
    );
    // Prefill (un-absorbed): scores over qk_nope + qk_rope = 192, output over v_head 128:
    // 2 × 128 × (192 + 128) per pair per layer, causal.
    let n = 1024.0;
    assert_rel(
        m.attention_flops_prefill(n),
        2.0 * 128.0 * (192.0 + 128.0) * n * (n + 1.0) / 2.0 * 61.0,
        EXACT,
        "MLA prefill attention",
    );
    // The estimate's KV per token: 576 × 61 × 2 B = 70,272 B.
    let mut s = scenario("h200-sxm", "deepseek-v3", 1, 1, 1);
    s.model = m;
    assert_eq!(evaluate(&s).kv_per_token.get(), 70_272.0);
}

#[test]
fn deepseek_v3_reads_dense_layers_shared_and_routed_experts() {
    let m = catalog::model("deepseek-v3").unwrap();
    let p = m.params();
    let expert = 3.0 * 7168.0 * 2048.0; // gate, up, down
    let dense_mlp = 3.0 * 7168.0 * 18432.0;
    let router = 7168.0 * 256.0;
    // One token: 3 dense MLPs + 58 MoE layers × (1 shared + 8 routed experts + router).
    let mlp_one = 3.0 * dense_mlp + 58.0 * (9.0 * expert + router);
    let head = 129_280.0 * 7168.0;
    assert_rel(
        m.matmul_params_read(1.0),
        p.attention + mlp_one + head,
        EXACT,
        "reads at T=1",
    );
    // T tokens reach 256 × (1 − (1 − 8/256)^T) distinct routed experts per layer; T = 64:
    let reached = 256.0 * (1.0 - (1.0f64 - 8.0 / 256.0).powi(64));
    assert_rel(
        m.experts_read(64.0),
        reached,
        1e-12,
        "experts reached by 64 tokens",
    );
    let mlp_64 = 3.0 * dense_mlp + 58.0 * ((1.0 + reached) * expert + router);
    assert_rel(
        m.matmul_params_read(64.0),
        p.attention + mlp_64 + head,
        1e-12,
        "reads at T=64",
    );
}

#[test]
fn mixtral_expert_reads_grow_as_one_minus_three_quarters_to_the_t() {
    // Mixtral-8x7B: 32 layers, 8 experts of 3 × 4096 × 14336, top-2; attention
    // 2 × 4096² + 2 × 4096 × 1024 per layer (8 KV heads of 128); router 4096 × 8; LM head
    // 32000 × 4096. Four tokens reach 8 × (1 − 0.75⁴) = 5.46875 experts per layer.
    let m = catalog::model("mixtral-8x7b").unwrap();
    assert_eq!(m.experts_read(1.0), 2.0);
    assert_rel(m.experts_read(4.0), 5.468_75, EXACT, "experts at T=4");
    let attn = 2.0 * 4096.0 * 4096.0 + 2.0 * 4096.0 * 1024.0;
    let expert = 3.0 * 4096.0 * 14336.0;
    let reads = 32.0 * (attn + 5.468_75 * expert + 4096.0 * 8.0) + 32000.0 * 4096.0;
    // Decode at batch 4, prompt 1, output 1 on an H100: weights read at FP16 plus 4 sequences'
    // KV at 2.5 tokens (2 × 8 × 128 × 32 layers × 2 B per token).
    let e = evaluate(&scenario("h100-sxm", "mixtral-8x7b", 4, 1, 1));
    let kv = 4.0 * 2.5 * 2.0 * 8.0 * 128.0 * 32.0 * 2.0;
    assert_rel(
        e.decode.bytes.get(),
        reads * 2.0 + kv,
        EXACT,
        "Mixtral decode bytes",
    );
}

// ---------------------------------------------------------------------------------------------
// Tensor parallelism.

#[test]
fn all_reduce_of_llama_2_70b_on_4_h100s_over_nvlink() {
    // Llama-2-70B: hidden 8192, 80 layers, 8 KV heads. Two ring all-reduces per layer; each
    // costs 20 µs + 2 × (N − 1) / N × message / link, with link = 450 GB/s each way (NVLink4)
    // and message = tokens × 8192 × 2 B.
    let mut s = scenario("h100-sxm", "llama-2-70b", 1, 2048, 128);
    s.gpus = 4;
    let e = evaluate(&s);
    let ring = |tokens: f64| 20e-6 + 2.0 * 3.0 / 4.0 * tokens * 8192.0 * 2.0 / 450e9;
    // Decode, batch 1: 160 × (20 µs + 1.5 × 16,384 / 450e9) = 160 × 20.0546 µs = 3.2087 ms.
    assert_rel(
        e.decode.comm_time.get(),
        160.0 * ring(1.0),
        EXACT,
        "decode all-reduce",
    );
    assert_rel(
        e.decode.comm_time.get(),
        3.2087e-3,
        1e-4,
        "decode all-reduce, in ms",
    );
    // Prefill, 2048 tokens: message 33,554,432 B; 160 × 131.85 µs = 21.10 ms.
    assert_rel(
        e.prefill.comm_time.get(),
        160.0 * ring(2048.0),
        EXACT,
        "prefill all-reduce",
    );
    // The floor adds it to the roofs.
    let d = e.decode;
    assert_rel(
        d.time.get(),
        d.compute_time.get().max(d.memory_time.get()) + 160.0 * ring(1.0),
        EXACT,
        "decode floor with all-reduce",
    );
    // Each GPU holds a quarter of the weights and 2 of the 8 KV heads.
    let one = evaluate(&scenario("h100-sxm", "llama-2-70b", 1, 2048, 128));
    assert_rel(
        e.memory.weights.get(),
        one.memory.weights.get() / 4.0,
        EXACT,
        "weights / 4",
    );
    assert_rel(
        e.memory.kv_cache.get(),
        one.memory.kv_cache.get() / 4.0,
        EXACT,
        "KV / 4",
    );
}

#[test]
fn a_gpu_without_a_listed_link_falls_back_to_pcie() {
    let mut s = scenario("h100-sxm", "llama-2-70b", 1, 2048, 128);
    s.gpus = 2;
    s.gpu.interconnect = None;
    let e = evaluate(&s);
    // 160 × (20 µs + 2 × 1/2 × 16,384 B / 25 GB/s).
    assert_rel(
        e.decode.comm_time.get(),
        160.0 * (20e-6 + 16_384.0 / 25e9),
        EXACT,
        "PCIe all-reduce",
    );
}

// ---------------------------------------------------------------------------------------------
// Formats and speculative decoding.

#[test]
fn quantized_weights_store_their_scales_and_run_where_the_hardware_can() {
    // Llama-2-7B matmul weights (6,607,077,376) read per decode step, at each format's bits.
    let read = L7_BODY + L7_LM_HEAD;
    let h100 = catalog::gpu("h100-sxm").unwrap();
    for (p, bits, compute) in [
        (Precision::Int4, 4.25, Precision::Fp16), // group 128: FP16 scale + zero per group
        (Precision::Q4_0, 4.5, Precision::Fp16),  // 32 × 4 bits + FP16 scale
        (Precision::Q8_0, 8.5, Precision::Fp16),  // 32 × 8 bits + FP16 scale
        (Precision::Fp8, 8.0, Precision::Fp8),    // H100 has FP8 tensor cores
        (Precision::Fp4, 4.5, Precision::Fp16),   // H100 has no FP4: dequantized
    ] {
        let mut s = scenario("h100-sxm", "llama-2-7b", 1, 1, 1);
        s.weights = p;
        let e = evaluate(&s);
        let kv = 2.5 * L7_KV_TOKEN;
        assert_rel(e.decode.bytes.get(), read * bits / 8.0 + kv, EXACT, p.id());
        assert_eq!(e.compute_precision, compute, "{}", p.id());
        assert_eq!(e.peak, h100.peak(compute).unwrap(), "{}", p.id());
        assert_rel(e.weights.get(), L7_TOTAL * bits / 8.0, EXACT, p.id());
    }
}

#[test]
fn speculative_step_is_k_draft_steps_plus_one_verification_of_k_plus_one() {
    // Target Llama-2-70B on 2 × H100, draft Llama-2-7B, k = 4, α = 0.8, at the floor:
    // tokens per step (1 − 0.8⁵) / 0.2 = 3.3616; the verification step is a decode step of
    // B × 5 tokens (weights once, 5 × FLOPs).
    let mut s = scenario("h100-sxm", "llama-2-70b", 1, 1024, 256);
    s.gpus = 2;
    let plain = evaluate(&s);
    s.speculative = Some(ridgepoint::Speculative {
        draft: catalog::model("llama-2-7b").unwrap(),
        tokens: 4,
        acceptance: 0.8,
    });
    let e = evaluate(&s);
    let sp = e.speculative.unwrap();
    assert_rel(
        sp.tokens_per_step,
        (1.0 - 0.8f64.powi(5)) / 0.2,
        EXACT,
        "E[tokens]",
    );
    let mut draft = s.clone();
    draft.model = catalog::model("llama-2-7b").unwrap();
    draft.speculative = None;
    let d = evaluate(&draft).decode.time.get();
    // Verification: 5 tokens per sequence; memory-bound, so ≈ one decode step's bytes plus the
    // four extra tokens' KV entries, and 5× the FLOPs.
    assert!(sp.step_time_floor.get() > 4.0 * d + plain.decode.time.get() * 0.999);
    assert!(sp.step_time_floor.get() < 4.0 * d + plain.decode.time.get() * 1.05);
    assert_rel(
        e.floor.tpot.get(),
        sp.step_time_floor.get() / sp.tokens_per_step,
        EXACT,
        "speculative TPOT",
    );
}

#[test]
fn overhead_per_layer_counts_every_layer() {
    let mut s = scenario("a100-80gb-sxm", "llama-2-7b", 1, 1, 1);
    s.efficiency = Efficiency {
        bandwidth: 1.0,
        compute: 1.0,
        layer_overhead: Seconds(1e-4),
        sequence_overhead: Seconds(0.0),
    };
    let e = evaluate(&s);
    assert_rel(
        e.decode.calibrated_time.get() - e.decode.time.get(),
        32.0 * 1e-4,
        1e-9,
        "32 layers × 100 µs",
    );
}

/// Falcon-style multi-query shape, built by hand: one KV head.
#[test]
fn multi_query_caches_one_head() {
    let mut m: Model = catalog::model("llama-2-7b").unwrap();
    m.kv_heads = 1;
    assert_eq!(m.kv_elements(100.0), 2.0 * 128.0 * 100.0 * 32.0);
    // Attention projections: q and o 4096², k and v 4096 × 128.
    assert_rel(
        m.attention_params_per_layer(),
        2.0 * 4096.0 * 4096.0 + 2.0 * 4096.0 * 128.0,
        EXACT,
        "MQA projections",
    );
}

#[test]
fn chunked_layers_attend_within_their_chunk() {
    // Llama-3.1-8B's shape (32 layers, 8 KV heads of 128) with 24 layers in chunks of 1024 and
    // 8 global, as Llama 4 interleaves them (three chunked layers in four).
    let mut m = catalog::model("llama-3.1-8b").unwrap();
    m.chunked = Some((1024, 24));
    let split = m.layer_split();
    assert_eq!(
        (split.full, split.chunked, split.chunk),
        (8.0, 24.0, 1024.0)
    );
    // Cache at 4096 tokens: 8 × 4096 + 24 × 1024 tokens × 2048 elements.
    assert_rel(
        m.kv_elements(4096.0),
        (8.0 * 4096.0 + 24.0 * 1024.0) * 2048.0,
        EXACT,
        "KV",
    );
    // Prefill of 2500 tokens: a chunked layer sees two whole chunks (2 × 1024 × 1025 / 2 =
    // 1,049,600 pairs) and 452 tokens of the third (452 × 453 / 2 = 102,378): 1,151,978; a
    // global layer 2500 × 2501 / 2 = 3,126,250.
    let pairs = 8.0 * 3_126_250.0 + 24.0 * 1_151_978.0;
    assert_rel(
        m.attention_flops_prefill(2500.0),
        4.0 * 32.0 * 128.0 * pairs,
        EXACT,
        "prefill",
    );
    // Decode at 4096: global layers 4096 keys, chunked layers at most a chunk (upper bound).
    assert_rel(
        m.attention_flops_per_token(4096.0),
        4.0 * 32.0 * 128.0 * (8.0 * 4096.0 + 24.0 * 1024.0),
        EXACT,
        "decode",
    );
}

#[test]
fn the_kv_derivation_writes_out_the_layer_split() {
    // gpt-oss-120b's attention: 36 layers, 18 sliding (window 128), 8 KV heads of 64.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/configs/gpt-oss-120b.json"
    ))
    .unwrap();
    let mut s = scenario("h100-sxm", "llama-2-7b", 1, 4000, 96);
    s.model = ridgepoint::config::model_from_hf_config(&text).unwrap();
    let e = ridgepoint::estimate(&s);
    let d = e.derivation("memory.kv_cache_bytes").unwrap();
    assert_eq!(
        d.expr,
        "B × e × b_kv × (L_full × ctx + L_win × min(ctx, w)) × share"
    );
    // 1 × 1024 × 2 B × (18 × 4096 + 18 × 128) = 155,713,536 B (FP16).
    assert_rel(
        d.value,
        1024.0 * 2.0 * (18.0 * 4096.0 + 18.0 * 128.0),
        EXACT,
        "gpt-oss KV at 4K",
    );
    let text = d.render();
    assert!(text.contains("18 × 4,096 + 18 × min(4,096, 128)"), "{text}");
}

#[test]
fn gpt_oss_stores_mxfp4_experts_beside_bf16_attention_embedding_and_head() {
    // gpt-oss-120b's config: hidden 2880, 36 layers, 64 heads × 64, 8 KV heads, 128 experts of
    // 3 × 2880 × 2880 (gated), top-4, vocab 201088, untied, QKV bias; experts in MXFP4
    // (4 bits + an 8-bit scale per 32 = 4.25 bits), everything else BF16.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/configs/gpt-oss-120b.json"
    ))
    .unwrap();
    let mut s = scenario("h100-sxm", "llama-2-7b", 1, 1, 1);
    s.model = ridgepoint::config::model_from_hf_config(&text).unwrap();
    s.weights = Precision::Bf16;
    s.formats.experts = Some(Precision::Mxfp4);
    let experts = 36.0 * 128.0 * 3.0 * 2880.0 * 2880.0; // 114,661,785,600
    let attention = 36.0 * (2880.0 * 4096.0 * 2.0 + 2.0 * 2880.0 * 512.0 + 4096.0 + 2.0 * 512.0);
    let router = 36.0 * 2880.0 * 128.0;
    let embedding = 201_088.0 * 2880.0; // and the same again for the LM head
    let norms = 73.0 * 2880.0;
    let bf16 = (attention + router + 2.0 * embedding + norms) * 2.0;
    let stored = bf16 + experts * 4.25 / 8.0;
    assert_eq!(stored, 65_168_968_320.0);
    let e = evaluate(&s);
    assert_rel(e.weights.get(), stored, EXACT, "weights stored");
    assert!(
        e.memory.fits,
        "gpt-oss-120b fits one 80 GB H100 with MXFP4 experts"
    );
    // Decode at batch 1 reads attention, router and LM head in BF16 and 4 experts per layer in
    // MXFP4 (plus 2.5 cached tokens: 18 full + 18 sliding layers × 1024 elements × 2 B).
    let read =
        (attention + router + embedding) * 2.0 + 36.0 * 4.0 * 3.0 * 2880.0 * 2880.0 * 0.53125;
    let kv = 2.5 * 36.0 * 1024.0 * 2.0;
    assert_rel(e.decode.bytes.get(), read + kv, EXACT, "decode bytes");
    // Hopper has no FP4 tensor cores: the MXFP4 experts are dequantized and run as 16-bit
    // matmuls at 989.4 TFLOP/s; on a B200 they run on its FP4 cores.
    assert_eq!(e.compute_precision, Precision::Fp16);
    assert_eq!(e.peak.get(), 989.4e12);
    let mut b = s.clone();
    b.gpu = catalog::gpu("b200-sxm").unwrap();
    let eb = evaluate(&b);
    assert_eq!(eb.compute_precision, Precision::Fp4);
    assert_eq!(eb.peak, b.gpu.fp4.unwrap());
    // Per-group compute: the FP4 experts and the BF16 rest at their own peaks (prefill of
    // 4096 tokens; attention scores at the attention group's BF16 peak).
    let mut p = b.clone();
    p.prompt = 4096;
    let ep = evaluate(&p);
    let tokens = 4096.0;
    let params = p.model.params();
    let fp16 = b.gpu.fp16.get();
    let fp4 = b.gpu.fp4.unwrap().get();
    let bf16_flops = 2.0 * tokens * (params.attention + params.mlp_active - params.experts_active)
        + p.model.attention_flops_prefill(tokens)
        + 2.0 * params.lm_head;
    let fp4_flops = 2.0 * tokens * params.experts_active;
    assert_rel(
        ep.prefill.compute_time.get(),
        bf16_flops / fp16 + fp4_flops / fp4,
        EXACT,
        "compute",
    );
}

#[test]
fn bf16_on_volta_and_turing_runs_at_the_fp32_rate() {
    // V100 and T4 have no BF16 (compute capability 7.0 / 7.5; vLLM refuses it, libraries emulate
    // it in FP32): BF16 weights compute at the FP32 peak (V100 15.7 TFLOP/s, T4 8.1), FP16 at the
    // tensor rate (125 and 65). An A100 runs both at 312.
    for (gpu, fp16, fp32) in [("v100-sxm2-32gb", 125e12, 15.7e12), ("t4", 65e12, 8.1e12)] {
        let mut s = scenario(gpu, "llama-3.2-1b", 1, 512, 1);
        s.weights = Precision::Fp16;
        assert_eq!(evaluate(&s).peak.get(), fp16, "{gpu} FP16");
        s.weights = Precision::Bf16;
        let e = evaluate(&s);
        assert_eq!(
            (e.compute_precision, e.peak.get()),
            (Precision::Fp32, fp32),
            "{gpu} BF16"
        );
    }
    let mut s = scenario("a100-80gb-sxm", "llama-3.2-1b", 1, 512, 1);
    s.weights = Precision::Bf16;
    assert_eq!(evaluate(&s).peak.get(), A100_PEAK);
}

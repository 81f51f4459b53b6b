//! The derivation of every figure in an [`Estimate`], built from the numbers already computed.

use crate::derivation::Derivation;
use crate::estimate::{derivation as d, term as t, Estimate, KneeCause, SpecFigures};
use crate::scenario::{Group, Scenario, PREFILL_CHUNK_TOKENS};
use crate::units::Unit::*;

/// Every derivation of `e`, in reading order.
pub fn derivations(s: &Scenario, e: &Estimate) -> Vec<Derivation> {
    let m = &s.model;
    let n = s.tp() as f64;
    let batch = s.batch.max(1) as f64;
    let prompt = s.prompt.max(1) as f64;
    let output = s.output.max(1) as f64;
    let eff = &s.efficiency;
    let mem = &e.memory;
    let mut v = vec![
        d(
            "params",
            "Parameters",
            "P",
            "embedding + attention + MLP + LM head + norms",
            vec![],
            e.params.total,
            Count,
            Some(if m.moe.is_some() {
                "every expert is stored; a token uses only the active ones"
            } else {
                "counted from the shapes in the model's config"
            }),
        ),
        weights(s, e),
        d(
            "kv_per_token",
            "KV cache per token",
            "kv",
            "L × e × b_kv",
            vec![
                t("L", m.layers as f64, Count),
                t("e", m.kv_elements_per_token_per_layer(), Count),
                t("b_kv", s.kv.bytes(), Bytes),
            ],
            e.kv_per_token.get(),
            Bytes,
            Some(if m.mla.is_some() {
                "e = kv_lora_rank + qk_rope_head_dim: MLA caches one latent, no factor 2"
            } else {
                "e = 2 × kv_heads × head_dim: K and V for each KV head"
            }),
        ),
        kv_cache(s, e),
        d(
            "memory.activations_bytes",
            "Activations (peak)",
            "A",
            "chunk × (4 × h + 2 × i) × 2 / N + B × vocab × 4",
            vec![
                t("chunk", (batch * prompt).min(PREFILL_CHUNK_TOKENS), Count),
                t("h", m.hidden as f64, Count),
                t("i", m.activation_width(), Count),
                t("N", n, Count),
                t("B", batch, Count),
                t("vocab", m.vocab as f64, Count),
            ],
            mem.activations.get(),
            Bytes,
            Some("one prefill chunk in flight (at most 8192 tokens) at 2 bytes per FP16 value, plus 4-byte FP32 logits for each sequence; for MoE, i is the active experts' width"),
        ),
    ];
    v.extend(memory_total(s, e));
    v.extend([
        d(
            "max_batch",
            "Largest batch that fits",
            "B_max",
            "largest B with M(B) ≤ capacity",
            vec![t("capacity", mem.capacity.get(), Bytes)],
            e.max_batch as f64,
            Count,
            Some("every sequence at its full prompt + output length"),
        ),
        d(
            "ridge_flop_per_byte",
            "Ridge point",
            "I_ridge",
            "F / BW",
            vec![t("F", e.peak.get(), FlopsPerSec), t("BW", e.bandwidth.get(), BytesPerSec)],
            e.ridge.get(),
            FlopPerByte,
            Some("dense peak for the precision the matmuls run in"),
        ),
        d(
            "decode.intensity",
            "Decode arithmetic intensity",
            "I_dec",
            "FLOPs / bytes",
            vec![t("FLOPs", e.decode.flops.get(), Flops), t("bytes", e.decode.bytes.get(), Bytes)],
            e.decode.intensity.get(),
            FlopPerByte,
            Some("one step of the batch at the mean context prompt + output/2: weights read once, each sequence's KV cache read"),
        ),
        d(
            "decode.memory_time",
            "Decode step, memory time",
            "t_mem",
            "bytes / BW",
            vec![t("bytes", e.decode.bytes.get(), Bytes), t("BW", e.bandwidth.get(), BytesPerSec)],
            e.decode.memory_time.get(),
            Seconds,
            None,
        ),
        d(
            "decode.compute_time",
            "Decode step, compute time",
            "t_cmp",
            "FLOPs / F",
            vec![
                t("FLOPs", e.decode.flops.get(), Flops),
                t("F", e.decode.flops.get() / e.decode.compute_time.get().max(1e-300), FlopsPerSec),
            ],
            e.decode.compute_time.get(),
            Seconds,
            None,
        ),
        tpot_floor(e),
        tpot(s, e),
        d(
            "prefill.intensity",
            "Prefill arithmetic intensity",
            "I_pre",
            "FLOPs / bytes",
            vec![t("FLOPs", e.prefill.flops.get(), Flops), t("bytes", e.prefill.bytes.get(), Bytes)],
            e.prefill.intensity.get(),
            FlopPerByte,
            Some("weights read once for all prompt tokens; causal attention; LM head on the last token"),
        ),
        d(
            "ttft_floor_s",
            "Time to first token (floor)",
            "t_pre",
            "max(FLOPs / F, bytes / BW) + t_comm",
            vec![
                t("FLOPs", e.prefill.flops.get(), Flops),
                t("F", e.prefill.flops.get() / e.prefill.compute_time.get().max(1e-300), FlopsPerSec),
                t("bytes", e.prefill.bytes.get(), Bytes),
                t("BW", e.bandwidth.get(), BytesPerSec),
                t("t_comm", e.prefill.comm_time.get(), Seconds),
            ],
            e.floor.ttft.get(),
            Seconds,
            Some("the whole batch's prompts; 100% of peak"),
        ),
        d(
            "ttft_s",
            "Time to first token (calibrated)",
            "t_pre",
            "max(FLOPs / (F × eff_c), bytes / (BW × eff_b)) + t_comm + t_step + B_s × t_seq",
            vec![
                t("FLOPs", e.prefill.flops.get(), Flops),
                t("F", e.prefill.flops.get() / e.prefill.compute_time.get().max(1e-300), FlopsPerSec),
                t("eff_c", eff.compute, Percent),
                t("bytes", e.prefill.bytes.get(), Bytes),
                t("BW", e.bandwidth.get(), BytesPerSec),
                t("eff_b", eff.bandwidth, Percent),
                t("t_comm", e.prefill.comm_time.get(), Seconds),
                t(
                    "t_step",
                    eff.layer_overhead.get() * m.layers as f64 / s.pp() as f64
                        * e.parallel.prefill_stages,
                    Seconds,
                ),
                t("B_s", batch / s.dp(), Count),
                t("t_seq", eff.sequence_overhead.get(), Seconds),
            ],
            e.calibrated.ttft.get(),
            Seconds,
            None,
        ),
        d(
            "request_latency_s",
            "Request latency",
            "T",
            "t_pre + (out − 1) × t_tok",
            vec![
                t("t_pre", e.calibrated.ttft.get(), Seconds),
                t("out", output, Count),
                t("t_tok", e.calibrated.tpot.get(), Seconds),
            ],
            e.calibrated.request_latency.get(),
            Seconds,
            None,
        ),
        d(
            "throughput_tokens_per_s",
            "Throughput with prefill (calibrated)",
            "X",
            "B × out / T",
            vec![
                t("B", batch, Count),
                t("out", output, Count),
                t("T", e.calibrated.request_latency.get(), Seconds),
            ],
            e.calibrated.throughput,
            TokensPerSec,
            Some("static batch, prefill included, all GPUs together"),
        ),
        d(
            "decode_throughput_tokens_per_s",
            "Decode throughput (calibrated)",
            "X_dec",
            "B / t_tok",
            vec![t("B", batch, Count), t("t_tok", e.calibrated.tpot.get(), Seconds)],
            e.calibrated.decode_throughput,
            TokensPerSec,
            Some("decode only: tokens per second while the batch decodes, no prefill; the batch chart's curve"),
        ),
        d(
            "decode_throughput_floor_tokens_per_s",
            "Decode throughput (floor)",
            "X_dec",
            "B / t_tok",
            vec![t("B", batch, Count), t("t_tok", e.floor.tpot.get(), Seconds)],
            e.floor.decode_throughput,
            TokensPerSec,
            Some("decode only, 100% of peak"),
        ),
        {
            let (longest, by_window) = e.longest_context();
            d(
                "max_context",
                "Longest context at this batch",
                "ctx_max",
                if by_window {
                    "min(ctx_mem, window)"
                } else {
                    "largest ctx with M(ctx) ≤ capacity"
                },
                if by_window {
                    vec![
                        t("ctx_mem", e.max_context as f64, Count),
                        t("window", e.context_window as f64, Count),
                    ]
                } else {
                    vec![t("capacity", mem.capacity.get(), Bytes)]
                },
                longest as f64,
                Count,
                Some(if by_window {
                    "prompt + output per sequence; ctx_mem is what memory allows, the model's context window is the tighter limit"
                } else {
                    "prompt + output per sequence; memory is the limit (the model's window is longer)"
                }),
            )
        },
    ]);
    if let Some(b) = e.kv_crossover_batch {
        v.push(d(
            "kv_crossover_batch",
            "KV cache overtakes the weights at batch",
            "B_kv",
            "ceil(W_gpu / (kv × ctx × share))",
            vec![
                t("W_gpu", mem.weights.get(), Bytes),
                t("kv", e.kv_per_token.get(), Bytes),
                t("ctx", prompt + output, Count),
                t(
                    "share",
                    mem.kv_cache.get()
                        / (batch * e.kv_per_token.get() * (prompt + output)).max(1e-300),
                    Ratio,
                ),
            ],
            b as f64,
            Count,
            None,
        ));
    }
    v.push(d(
        "knee_batch",
        "Throughput knee",
        "B_knee",
        "min(B_ridge, B_kv)",
        vec![],
        e.knee.batch,
        Count,
        Some(match (e.knee_fits(), e.knee.cause) {
            (false, _) => "past the largest batch that fits: memory runs out first, so throughput stops rising at the largest batch, not here",
            (true, KneeCause::Compute) => "decode turns compute-bound here: more batch adds time per step",
            (true, KneeCause::KvCache) => "KV-cache reads outgrow the weight reads here, before the ridge: each added sequence now costs its own cache read",
        }),
    ));
    v.extend(parallel(s, e));
    if let (Some(sp), Some(spec)) = (&e.speculative, &s.speculative) {
        v.push(d(
            "spec.tokens_per_step",
            "Tokens per speculative step",
            "E",
            if spec.acceptance.clamp(0.0, 1.0) >= 1.0 {
                "k + 1"
            } else {
                "(1 − a^(k + 1)) / (1 − a)"
            },
            vec![
                t("a", spec.acceptance.clamp(0.0, 1.0), Ratio),
                t("k", spec.tokens.max(1) as f64, Count),
            ],
            sp.tokens_per_step,
            Ratio,
            Some("expected accepted draft tokens plus the one the target always yields"),
        ));
    }
    v
}

/// Time per output token at the floor: one decode step, or with speculative decoding the
/// speculative step over the tokens it yields.
fn tpot_floor(e: &Estimate) -> Derivation {
    let (key, label, note) = (
        "tpot_floor_s",
        "Time per output token (floor)",
        "100% of peak bandwidth and compute",
    );
    if let Some(sp) = &e.speculative {
        return speculative_tpot(key, label, sp, true, e.floor.tpot.get());
    }
    d(
        key,
        label,
        "t_tok",
        "max(t_cmp, t_mem) + t_comm",
        vec![
            t("t_cmp", e.decode.compute_time.get(), Seconds),
            t("t_mem", e.decode.memory_time.get(), Seconds),
            t("t_comm", e.decode.comm_time.get(), Seconds),
        ],
        e.floor.tpot.get(),
        Seconds,
        Some(note),
    )
}

/// Time per output token with the scenario's efficiencies.
fn tpot(s: &Scenario, e: &Estimate) -> Derivation {
    let (key, label, note) = (
        "tpot_s",
        "Time per output token (calibrated)",
        "with the scenario's bandwidth and compute efficiencies",
    );
    if let Some(sp) = &e.speculative {
        return speculative_tpot(key, label, sp, false, e.calibrated.tpot.get());
    }
    let eff = &s.efficiency;
    d(
        key,
        label,
        "t_tok",
        "max(t_cmp / eff_c, t_mem / eff_b) + t_comm + t_step + B_s × t_seq",
        vec![
            t("t_cmp", e.decode.compute_time.get(), Seconds),
            t("eff_c", eff.compute.max(1e-3), Percent),
            t("t_mem", e.decode.memory_time.get(), Seconds),
            t("eff_b", eff.bandwidth.max(1e-3), Percent),
            t("t_comm", e.decode.comm_time.get(), Seconds),
            t(
                "t_step",
                eff.layer_overhead.get() * s.model.layers as f64,
                Seconds,
            ),
            t("B_s", s.batch as f64 / s.dp(), Count),
            t("t_seq", eff.sequence_overhead.get(), Seconds),
        ],
        e.calibrated.tpot.get(),
        Seconds,
        Some(note),
    )
}

/// With speculative decoding a step is k draft steps plus one verification of k + 1 tokens,
/// and yields E tokens on average.
fn speculative_tpot(
    key: &'static str,
    label: &'static str,
    sp: &SpecFigures,
    floor: bool,
    value: f64,
) -> Derivation {
    let step = if floor {
        sp.step_time_floor.get()
    } else {
        sp.step_time.get()
    };
    d(
        key,
        label,
        "t_tok",
        "t_spec / E",
        vec![
            t("t_spec", step, Seconds),
            t("E", sp.tokens_per_step, Ratio),
        ],
        value,
        Seconds,
        Some(if floor {
            "speculative decoding: k draft steps and one verification of k + 1 tokens per sequence, over the E tokens a step yields; 100% of peak"
        } else {
            "speculative decoding: k draft steps and one verification of k + 1 tokens per sequence, over the E tokens a step yields; with the scenario's efficiencies"
        }),
    )
}

/// The KV cache per GPU; with sliding or chunked layers the sum over the kinds of layer is
/// written out ("L_full × ctx + L_win × min(ctx, w)").
fn kv_cache(s: &Scenario, e: &Estimate) -> Derivation {
    let m = &s.model;
    let batch = s.batch.max(1) as f64;
    let ctx = s.prompt.max(1) as f64 + s.output.max(1) as f64;
    let split = m.layer_split();
    let elements = m.kv_elements_per_token_per_layer();
    let b_kv = s.kv.bytes();
    let kv = e.memory.kv_cache.get();
    let share = kv / (batch * elements * b_kv * split.cached_tokens(ctx)).max(1e-300);
    let note = "share: the part one GPU holds (1/N of the KV heads, at least one head; MLA's latent on every GPU)";
    if split.all_full() {
        return d(
            "memory.kv_cache_bytes",
            "KV cache per GPU",
            "KV",
            "B × kv × ctx × share",
            vec![
                t("B", batch, Count),
                t("kv", e.kv_per_token.get(), Bytes),
                t("ctx", ctx, Count),
                t("share", share, Ratio),
            ],
            kv,
            Bytes,
            Some(note),
        );
    }
    let mut terms = vec![
        t("B", batch, Count),
        t("e", elements, Count),
        t("b_kv", b_kv, Bytes),
        t("L_full", split.full, Count),
        t("ctx", ctx, Count),
    ];
    let expr = match (split.sliding > 0.0, split.chunked > 0.0) {
        (true, true) => {
            "B × e × b_kv × (L_full × ctx + L_win × min(ctx, w) + L_chunk × min(ctx, c)) × share"
        }
        (true, false) => "B × e × b_kv × (L_full × ctx + L_win × min(ctx, w)) × share",
        _ => "B × e × b_kv × (L_full × ctx + L_chunk × min(ctx, c)) × share",
    };
    if split.sliding > 0.0 {
        terms.push(t("L_win", split.sliding, Count));
        terms.push(t("w", split.window, Count));
    }
    if split.chunked > 0.0 {
        terms.push(t("L_chunk", split.chunked, Count));
        terms.push(t("c", split.chunk, Count));
    }
    terms.push(t("share", share, Ratio));
    d(
        "memory.kv_cache_bytes",
        "KV cache per GPU",
        "KV",
        expr,
        terms,
        kv,
        Bytes,
        Some("per kind of layer: full layers cache the whole context, sliding-window layers their window, chunked layers one chunk; share: the part one GPU holds (1/N of the KV heads, at least one head)"),
    )
}

/// Weights in memory: one format, or the sum over tensor groups stored in different formats.
fn weights(s: &Scenario, e: &Estimate) -> Derivation {
    if s.formats.is_uniform() {
        return d(
            "memory.weights_bytes",
            "Weights in memory",
            "W",
            "P × b_w",
            vec![
                t("P", e.params.total, Count),
                t("b_w", s.weights.bytes(), Bytes),
            ],
            e.weights.get(),
            Bytes,
            Some(s.weights.bits_note()),
        );
    }
    let p = &e.params;
    let term = |count: &'static str, bytes: &'static str, g: Group| {
        [
            t(count, p.stored(g), Count),
            t(bytes, s.format(g).bytes(), Bytes),
        ]
    };
    d(
        "memory.weights_bytes",
        "Weights in memory",
        "W",
        "P_att × b_att + P_mlp × b_mlp + P_exp × b_exp + P_emb × b_emb + P_head × b_head + P_norm × b_w",
        [
            term("P_att", "b_att", Group::Attention),
            term("P_mlp", "b_mlp", Group::Mlp),
            term("P_exp", "b_exp", Group::Experts),
            term("P_emb", "b_emb", Group::Embedding),
            term("P_head", "b_head", Group::LmHead),
            [t("P_norm", p.other, Count), t("b_w", s.weights.bytes(), Bytes)],
        ]
        .concat(),
        e.weights.get(),
        Bytes,
        Some("each tensor group in its own format (b: stored bytes per weight, scales included)"),
    )
}

/// Memory per GPU; beyond tensor parallel alone, the weights per GPU derived first.
fn memory_total(s: &Scenario, e: &Estimate) -> Vec<Derivation> {
    let mem = &e.memory;
    let n = s.tp() as f64;
    let note = Some(if mem.fits {
        "fits in the GPU's memory"
    } else {
        "does not fit in the GPU's memory"
    });
    if s.pp() == 1 && s.ep() == 1 {
        return vec![d(
            "memory.total_bytes",
            "Memory per GPU",
            "M",
            "W / N + KV + A + overhead",
            vec![
                t("W", e.weights.get(), Bytes),
                t("N", n, Count),
                t("KV", mem.kv_cache.get(), Bytes),
                t("A", mem.activations.get(), Bytes),
                t("overhead", mem.overhead.get(), Bytes),
            ],
            mem.total.get(),
            Bytes,
            note,
        )];
    }
    let experts = e.params.stored(Group::Experts) * s.format(Group::Experts).bytes();
    vec![
        d(
            "memory.weights_per_gpu",
            "Weights per GPU",
            "W_gpu",
            "((W − W_exp) / N + W_exp / G) / PP",
            vec![
                t("W", e.weights.get(), Bytes),
                t("W_exp", experts, Bytes),
                t("N", n, Count),
                t("G", s.stage_gpus() as f64, Count),
                t("PP", s.pp() as f64, Count),
            ],
            mem.weights.get(),
            Bytes,
            Some("each pipeline stage holds its share of the layers; inside a stage attention and dense weights split over the N tensor-parallel GPUs, routed experts over all G = max(TP, EP) of the stage"),
        ),
        d(
            "memory.total_bytes",
            "Memory per GPU",
            "M",
            "W_gpu + KV + A + overhead",
            vec![
                t("W_gpu", mem.weights.get(), Bytes),
                t("KV", mem.kv_cache.get(), Bytes),
                t("A", mem.activations.get(), Bytes),
                t("overhead", mem.overhead.get(), Bytes),
            ],
            mem.total.get(),
            Bytes,
            note,
        ),
    ]
}

/// The collectives of a decode step and, with expert parallelism, how unevenly the experts
/// load the GPUs. Empty on one GPU.
fn parallel(s: &Scenario, e: &Estimate) -> Vec<Derivation> {
    let m = &s.model;
    let p = &e.parallel;
    let mut v = Vec::new();
    let n = s.tp() as f64;
    let pp = s.pp() as f64;
    let batch = s.batch.max(1) as f64;
    let (link, network) = (s.gpu.link_bandwidth(), s.gpu.network_bandwidth());
    let lat = crate::scenario::ALL_REDUCE_LATENCY.get();
    let node = s.gpu.node() as f64;
    let simple = s.pp() == 1 && s.dp() <= 1.0 && n <= node;
    if simple && n > 1.0 {
        v.push(d(
            "tp.comm_s",
            "Tensor-parallel all-reduces per decode step",
            "t_comm",
            "2 × L × (lat + 2 × (N − 1) / N × B × h × 2 / link)",
            vec![
                t("L", m.layers as f64, Count),
                t("lat", lat, Seconds),
                t("N", n, Count),
                t("B", batch, Count),
                t("h", m.hidden as f64, Count),
                t("link", link, BytesPerSec),
            ],
            e.decode.comm_time.get(),
            Seconds,
            Some(
                "a ring all-reduce after attention and after the MLP, 2 bytes per FP16 activation",
            ),
        ));
    }
    if simple {
        return v;
    }
    let tokens = batch / p.microbatches / s.dp();
    if n > 1.0 {
        v.push(if n <= node {
            d(
                "parallel.all_reduce_s",
                "One all-reduce",
                "t_ar",
                "lat + 2 × (N − 1) / N × T × h × 2 / link",
                vec![
                    t("lat", lat, Seconds),
                    t("N", n, Count),
                    t("T", tokens, Ratio),
                    t("h", m.hidden as f64, Count),
                    t("link", link, BytesPerSec),
                ],
                p.all_reduce.get(),
                Seconds,
                Some("a ring over the tensor-parallel GPUs of one stage, T tokens of one microbatch and attention group, 2 bytes per activation"),
            )
        } else {
            let nodes = (n / node).ceil();
            d(
                "parallel.all_reduce_s",
                "One all-reduce across nodes",
                "t_ar",
                "lat + lat_net + 2 × (g − 1) / g × T × h × 2 / link + 2 × (n − 1) / n × T × h × 2 / g / net",
                vec![
                    t("lat", lat, Seconds),
                    t("lat_net", crate::scenario::NETWORK_LATENCY.get(), Seconds),
                    t("g", node, Count),
                    t("n", nodes, Count),
                    t("T", tokens, Ratio),
                    t("h", m.hidden as f64, Count),
                    t("link", link, BytesPerSec),
                    t("net", network, BytesPerSec),
                ],
                p.all_reduce.get(),
                Seconds,
                Some("hierarchical: reduce-scatter and all-gather over the g GPUs of each node, an all-reduce of each GPU's 1/g share between the n nodes over the network"),
            )
        });
    }
    let layers = m.layers as f64 / pp;
    if s.dp() > 1.0 {
        let moe_layers = m
            .moe
            .map_or(0.0, |x| m.layers.saturating_sub(x.dense_layers) as f64)
            / pp;
        v.push(d(
            "parallel.stage_comm_s",
            "Collectives of one stage",
            "c",
            "L_s × t_ar + (L_s − L_moe) × t_ar + L_moe × 2 × t_a2a",
            vec![
                t("L_s", layers, Ratio),
                t("L_moe", moe_layers, Ratio),
                t("t_ar", p.all_reduce.get(), Seconds),
                t("t_a2a", p.all_to_all.get(), Seconds),
            ],
            p.stage_comm.get(),
            Seconds,
            Some("attention is data parallel: an all-reduce after attention inside each TP group; a MoE layer sends each token's hidden state to its k experts' GPUs and back (dispatch and combine, all-to-all over the EP GPUs)"),
        ));
    } else {
        v.push(d(
            "parallel.stage_comm_s",
            "Collectives of one stage",
            "c",
            "2 × L_s × t_ar",
            vec![
                t("L_s", layers, Ratio),
                t("t_ar", p.all_reduce.get(), Seconds),
            ],
            p.stage_comm.get(),
            Seconds,
            Some("two all-reduces per layer of the stage, after attention and after the MLP"),
        ));
    }
    v.push(d(
        "tp.comm_s",
        "Communication per decode step",
        "t_comm",
        "PP × c + t_hop",
        vec![
            t("PP", pp, Count),
            t("c", p.stage_comm.get(), Seconds),
            t("t_hop", p.hops.get(), Seconds),
        ],
        e.decode.comm_time.get(),
        Seconds,
        Some("a token goes through every pipeline stage in turn; t_hop: activations sent from each stage to the next (over the network where two stages sit in different nodes)"),
    ));
    if s.ep() > 1 {
        v.push(d(
            "parallel.expert_imbalance",
            "Busiest GPU's experts over the mean",
            "imb",
            "E[max over EP GPUs of experts reached] / mean",
            vec![],
            p.expert_imbalance,
            Ratio,
            Some("each GPU holds E/EP experts; a step's tokens reach a binomial number of them, and the step waits for the GPU that reaches the most: its expert reads are the mean times this"),
        ));
    }
    v
}

//! From a [`Scenario`] to numbers, each with its derivation.

use crate::derivation::{Derivation, Term};
use crate::model::ParamCounts;
use crate::precision::Precision;
use crate::scenario::Scenario;
use crate::units::{Bytes, BytesPerSec, Flops, FlopsPerSec, Intensity, Seconds, Unit};

/// Which roof limits a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Memory,
    Compute,
}

impl Bound {
    pub const fn label(self) -> &'static str {
        match self {
            Bound::Memory => "memory-bound",
            Bound::Compute => "compute-bound",
        }
    }
}

/// One forward step's work and its roofline time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phase {
    /// Tokens the step processes (batch × prompt for prefill, batch for decode).
    pub tokens: f64,
    pub flops: Flops,
    pub bytes: Bytes,
    pub intensity: Intensity,
    /// FLOPs at the compute peak.
    pub compute_time: Seconds,
    /// Bytes at the peak bandwidth.
    pub memory_time: Seconds,
    /// max(compute_time, memory_time): the roofline floor.
    pub time: Seconds,
    pub bound: Bound,
    /// FLOP/s the step achieves at its floor time.
    pub attained: FlopsPerSec,
}

impl Phase {
    fn new(tokens: f64, flops: Flops, bytes: Bytes, peak: FlopsPerSec, bw: BytesPerSec) -> Phase {
        let compute_time = flops / peak;
        let memory_time = bytes / bw;
        let (time, bound) = if compute_time.get() >= memory_time.get() {
            (compute_time, Bound::Compute)
        } else {
            (memory_time, Bound::Memory)
        };
        Phase {
            tokens,
            flops,
            bytes,
            intensity: flops / bytes,
            compute_time,
            memory_time,
            time,
            bound,
            attained: flops / time,
        }
    }
}

/// Everything estimated for one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub params: ParamCounts,
    /// The format the matmuls run in, which picks the compute peak.
    pub compute_precision: Precision,
    pub peak: FlopsPerSec,
    pub bandwidth: BytesPerSec,
    pub ridge: Intensity,
    /// Weights stored in memory.
    pub weights: Bytes,
    /// KV cache per token of one sequence, all layers (no sliding-window cap).
    pub kv_per_token: Bytes,
    /// Mean context a decode step attends to: prompt + output / 2.
    pub decode_context: f64,
    /// One decode step of the whole batch at the mean context.
    pub decode: Phase,
    /// Prefill of every prompt in the batch.
    pub prefill: Phase,
    pub derivations: Vec<Derivation>,
}

impl Estimate {
    /// The derivation stored under `key`.
    pub fn derivation(&self, key: &str) -> Option<&Derivation> {
        self.derivations.iter().find(|d| d.key == key)
    }
}

fn term(symbol: &'static str, value: f64, unit: Unit) -> Term {
    Term {
        symbol,
        value,
        unit,
    }
}

/// Estimates `s` at the roofline floor (100% of peak bandwidth and compute).
pub fn estimate(s: &Scenario) -> Estimate {
    let m = &s.model;
    let params = m.params();
    let wb = s.weights.bytes();
    let kvb = s.kv.bytes();
    let batch = s.batch.max(1) as f64;
    let prompt = s.prompt.max(1) as f64;
    let output = s.output.max(1) as f64;

    let compute_precision = s.gpu.compute_precision(s.weights);
    let peak = s.gpu.peak(compute_precision).unwrap_or(s.gpu.fp16);
    let bandwidth = s.gpu.bandwidth;
    let ridge = peak / bandwidth;
    let weights = Bytes(params.total * wb);
    let kv_per_token = Bytes(m.kv_elements_per_token_per_layer() * m.layers as f64 * kvb);

    // Decode: each of B sequences produces one token against its cache.
    let decode_context = prompt + output / 2.0;
    let matmul_per_token = m.matmul_params_per_token();
    let decode_flops_per_token =
        2.0 * matmul_per_token + m.attention_flops_per_token(decode_context);
    let decode_weight_bytes = m.matmul_params_read(batch) * wb;
    let decode_kv_bytes = batch * m.kv_elements(decode_context) * kvb;
    let decode = Phase::new(
        batch,
        Flops(batch * decode_flops_per_token),
        Bytes(decode_weight_bytes + decode_kv_bytes),
        peak,
        bandwidth,
    );

    // Prefill: all B × n prompt tokens in one pass; the LM head runs on the last token only.
    let prefill_tokens = batch * prompt;
    let body = matmul_per_token - params.lm_head;
    let prefill_flops =
        batch * (2.0 * body * prompt + m.attention_flops_prefill(prompt) + 2.0 * params.lm_head);
    let prefill_weight_bytes = m.matmul_params_read(prefill_tokens) * wb;
    let prefill_kv_bytes = batch * m.kv_elements(prompt) * kvb;
    let prefill = Phase::new(
        prefill_tokens,
        Flops(prefill_flops),
        Bytes(prefill_weight_bytes + prefill_kv_bytes),
        peak,
        bandwidth,
    );

    let derivations = vec![
        Derivation {
            key: "memory.weights_bytes",
            label: "Weights in memory",
            symbol: "W",
            expr: "P × b_w",
            terms: vec![
                term("P", params.total, Unit::Count),
                term("b_w", wb, Unit::Bytes),
            ],
            value: weights.get(),
            unit: Unit::Bytes,
            note: Some(s.weights.bits_note()),
        },
        Derivation {
            key: "kv_per_token",
            label: "KV cache per token",
            symbol: "kv",
            expr: "L × e × b_kv",
            terms: vec![
                term("L", m.layers as f64, Unit::Count),
                term("e", m.kv_elements_per_token_per_layer(), Unit::Count),
                term("b_kv", kvb, Unit::Bytes),
            ],
            value: kv_per_token.get(),
            unit: Unit::Bytes,
            note: Some(if m.mla.is_some() {
                "e = kv_lora_rank + qk_rope_head_dim: MLA caches one latent, no factor 2"
            } else {
                "e = 2 × kv_heads × head_dim: K and V for each KV head"
            }),
        },
        Derivation {
            key: "ridge_flop_per_byte",
            label: "Ridge point",
            symbol: "I*",
            expr: "F / BW",
            terms: vec![
                term("F", peak.get(), Unit::FlopsPerSec),
                term("BW", bandwidth.get(), Unit::BytesPerSec),
            ],
            value: ridge.get(),
            unit: Unit::FlopPerByte,
            note: Some("dense peak for the precision the matmuls run in"),
        },
        Derivation {
            key: "decode.intensity",
            label: "Decode arithmetic intensity",
            symbol: "I_dec",
            expr: "FLOPs / bytes",
            terms: vec![
                term("FLOPs", decode.flops.get(), Unit::Flops),
                term("bytes", decode.bytes.get(), Unit::Bytes),
            ],
            value: decode.intensity.get(),
            unit: Unit::FlopPerByte,
            note: Some("one step of the batch: weights read once, each sequence's KV cache read"),
        },
        Derivation {
            key: "decode.memory_time",
            label: "Decode step, memory time",
            symbol: "t_mem",
            expr: "bytes / BW",
            terms: vec![
                term("bytes", decode.bytes.get(), Unit::Bytes),
                term("BW", bandwidth.get(), Unit::BytesPerSec),
            ],
            value: decode.memory_time.get(),
            unit: Unit::Seconds,
            note: None,
        },
        Derivation {
            key: "decode.compute_time",
            label: "Decode step, compute time",
            symbol: "t_cmp",
            expr: "FLOPs / F",
            terms: vec![
                term("FLOPs", decode.flops.get(), Unit::Flops),
                term("F", peak.get(), Unit::FlopsPerSec),
            ],
            value: decode.compute_time.get(),
            unit: Unit::Seconds,
            note: None,
        },
        Derivation {
            key: "prefill.intensity",
            label: "Prefill arithmetic intensity",
            symbol: "I_pre",
            expr: "FLOPs / bytes",
            terms: vec![
                term("FLOPs", prefill.flops.get(), Unit::Flops),
                term("bytes", prefill.bytes.get(), Unit::Bytes),
            ],
            value: prefill.intensity.get(),
            unit: Unit::FlopPerByte,
            note: Some("weights read once for all prompt tokens; causal attention; LM head on the last token"),
        },
        Derivation {
            key: "ttft_floor_s",
            label: "Prefill time (floor)",
            symbol: "t_pre",
            expr: "max(FLOPs / F, bytes / BW)",
            terms: vec![
                term("FLOPs", prefill.flops.get(), Unit::Flops),
                term("F", peak.get(), Unit::FlopsPerSec),
                term("bytes", prefill.bytes.get(), Unit::Bytes),
                term("BW", bandwidth.get(), Unit::BytesPerSec),
            ],
            value: prefill.time.get(),
            unit: Unit::Seconds,
            note: None,
        },
    ];

    Estimate {
        params,
        compute_precision,
        peak,
        bandwidth,
        ridge,
        weights,
        kv_per_token,
        decode_context,
        decode,
        prefill,
        derivations,
    }
}

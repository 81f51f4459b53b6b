//! From a [`Scenario`] to numbers, each with its derivation.
//!
//! [`evaluate`] computes the numbers only (the fast path chart series use); [`estimate`] adds
//! the derivations the page and `ridgepoint explain` show.

use crate::derivation::{Derivation, Term};
use crate::model::ParamCounts;
use crate::precision::Precision;
use crate::scenario::{
    Efficiency, Group, Scenario, ALL_REDUCE_LATENCY, PCIE_FALLBACK_BANDWIDTH, PREFILL_CHUNK_TOKENS,
};
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

/// One forward step's work on one GPU and its roofline time at 100% of peak.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phase {
    /// Tokens the step processes (batch × prompt for prefill, batch for decode).
    pub tokens: f64,
    /// FLOPs per GPU.
    pub flops: Flops,
    /// Bytes read or written per GPU.
    pub bytes: Bytes,
    pub intensity: Intensity,
    /// FLOPs at the compute peak.
    pub compute_time: Seconds,
    /// Bytes at the peak bandwidth.
    pub memory_time: Seconds,
    /// Tensor-parallel all-reduces (0 on one GPU).
    pub comm_time: Seconds,
    /// max(compute_time, memory_time) + comm_time: the floor.
    pub time: Seconds,
    /// With the scenario's efficiencies and step overhead.
    pub calibrated_time: Seconds,
    pub bound: Bound,
    /// FLOP/s per GPU at the roofline (min of the two roofs at this intensity).
    pub attained: FlopsPerSec,
}

/// Memory per GPU.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Memory {
    pub weights: Bytes,
    /// KV cache of every sequence at its full length (prompt + output).
    pub kv_cache: Bytes,
    /// Peak activations: one prefill chunk plus the batch's logits.
    pub activations: Bytes,
    pub overhead: Bytes,
    pub total: Bytes,
    pub capacity: Bytes,
    pub fits: bool,
}

/// Latency and throughput of the whole batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// Until every request of the batch has its first token (the prefill).
    pub ttft: Seconds,
    /// Mean time per output token over the decode.
    pub tpot: Seconds,
    /// Until the last token: ttft + (output − 1) × tpot.
    pub request_latency: Seconds,
    /// Throughput with prefill: batch × output / request_latency, all GPUs.
    pub throughput: f64,
    /// Decode throughput (decode only): batch / tpot, tokens per second while decoding.
    pub decode_throughput: f64,
}

/// Where adding requests to a decode batch stops being nearly free.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knee {
    pub batch: f64,
    pub cause: KneeCause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KneeCause {
    /// Compute time catches up with memory time: the ridge.
    Compute,
    /// KV-cache reads catch up with weight reads.
    KvCache,
}

/// Speculative decoding figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpecFigures {
    /// Expected tokens emitted per target step: (1 − α^(k+1)) / (1 − α).
    pub tokens_per_step: f64,
    /// Draft steps plus one verification step, calibrated.
    pub step_time: Seconds,
    pub step_time_floor: Seconds,
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
    /// Weights stored, all GPUs together.
    pub weights: Bytes,
    /// KV cache per token of one sequence, all layers, all GPUs (no sliding-window cap).
    pub kv_per_token: Bytes,
    /// Mean context a decode step attends to: prompt + output / 2.
    pub decode_context: f64,
    /// One decode step of the whole batch at the mean context.
    pub decode: Phase,
    /// Prefill of every prompt in the batch.
    pub prefill: Phase,
    pub memory: Memory,
    /// Largest batch that fits at this prompt + output (0: not even one).
    pub max_batch: u32,
    /// Longest prompt + output that fits at this batch (0: not even one token).
    pub max_context: u64,
    /// Smallest batch at which the KV cache (at prompt + output) outweighs the weights.
    pub kv_crossover_batch: Option<u32>,
    pub knee: Knee,
    /// At 100% of peak.
    pub floor: Timing,
    /// With the scenario's efficiencies.
    pub calibrated: Timing,
    pub speculative: Option<SpecFigures>,
    /// Tokens each sequence holds at the end: prompt + output.
    pub context: u64,
    /// The model's context window (its maximum position), tokens; 0 when not known.
    pub context_window: u64,
    /// What the engine noticed about the setup that the numbers do not show (parallelism).
    pub warnings: Vec<Warning>,
    pub derivations: Vec<Derivation>,
}

/// Something about a scenario the reader should know before trusting its numbers: not an
/// input error (the scenario is estimated as asked), a caveat naming the field it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The scenario field (query key) it is about: `gpus`.
    pub field: &'static str,
    pub message: String,
}

/// GPUs in one node when the GPU says nothing else: an NVIDIA HGX/DGX board joins eight over
/// NVLink and NVSwitch (HGX H100 8-GPU, DGX H100 and DGX H200: eight GPUs per system, per
/// NVIDIA's HGX H100 announcement and the DGX H100/H200 system descriptions). Beyond it,
/// all-reduces cross the network between nodes.
pub const GPUS_PER_NODE: u32 = 8;

/// Tensor-parallel checks of `s`: the query and KV heads against the GPU count, and GPU
/// counts that span nodes. Empty on one GPU.
///
/// Tensor parallel gives each GPU heads / N attention heads; vLLM refuses a degree that does
/// not divide them ("Total number of attention heads (32) must be divisible by tensor
/// parallel size (3)", `ModelConfig.verify_with_parallel_config`). KV heads fewer than N are
/// replicated; the estimate counts ceil(kv_heads / N) per GPU either way (see `Ctx::new`).
/// Past one node, tensor parallel's all-reduce per layer crosses the slower inter-node
/// network (TensorRT-LLM's performance tuning guide, "Deciding Model Sharding Strategy":
/// tensor parallel within a node, pipeline parallel across nodes when the link is slow).
pub fn parallelism(s: &Scenario) -> Vec<Warning> {
    let m = &s.model;
    let n = s.gpus.max(1) as u64;
    let mut out = Vec::new();
    if n <= 1 {
        return out;
    }
    let warn = |message: String| Warning {
        field: "gpus",
        message,
    };
    if m.heads > 0 && !m.heads.is_multiple_of(n) {
        let allowed: Vec<String> = (1..=crate::query::GPUS_RANGE.1 as u64)
            .filter(|d| m.heads.is_multiple_of(*d))
            .map(|d| d.to_string())
            .collect();
        out.push(warn(format!(
            "{n} GPUs: the model's {} attention heads do not split evenly {n} ways. Tensor \
             parallel gives each GPU heads ÷ GPUs of them, so serving engines such as vLLM \
             refuse this; GPU counts the heads allow: {}. The numbers here split the work \
             evenly anyway.",
            m.heads,
            allowed.join(", ")
        )));
    }
    if m.mla.is_none() && m.kv_heads > 0 && !m.kv_heads.is_multiple_of(n) {
        let per = m.kv_heads.div_ceil(n);
        out.push(warn(if n.is_multiple_of(m.kv_heads) {
            format!(
                "{n} GPUs: the model's {} KV heads are fewer than the GPUs, so each KV head is \
                 copied to {} GPUs and every GPU caches 1 head; the KV cache here counts that.",
                m.kv_heads,
                n / m.kv_heads
            )
        } else {
            format!(
                "{n} GPUs: the model's {} KV heads do not split evenly {n} ways; each GPU caches \
                 up to {per} (as if padded to {} heads), and the KV cache here counts {per} per GPU.",
                m.kv_heads,
                per * n
            )
        }));
    }
    let per_node = GPUS_PER_NODE as u64;
    if n > per_node {
        out.push(warn(format!(
            "{n} GPUs span {} nodes of {per_node}: tensor parallel across nodes sends every \
             all-reduce over the network between them, slower than the GPU link assumed here, \
             so the times are optimistic. Tensor parallel usually stays within a node, with \
             pipeline parallel across nodes.",
            n.div_ceil(per_node)
        )));
    }
    out
}

impl Estimate {
    /// The derivation stored under `key`.
    pub fn derivation(&self, key: &str) -> Option<&Derivation> {
        self.derivations.iter().find(|d| d.key == key)
    }

    /// Prompt + output stays within the model's context window (or the window is unknown).
    pub fn within_window(&self) -> bool {
        self.context_window == 0 || self.context <= self.context_window
    }

    /// The scenario can run as asked: it fits in memory and within the context window.
    pub fn runs(&self) -> bool {
        self.memory.fits && self.within_window()
    }

    /// Why the scenario would not run, in words ("needs 140 GB of 80 GB per GPU"), or None
    /// when it runs.
    pub fn why_not(&self) -> Option<String> {
        let mut why = Vec::new();
        if !self.memory.fits {
            why.push(format!(
                "needs {} of {} per GPU",
                Unit::Bytes.format(self.memory.total.get()),
                Unit::Bytes.format(self.memory.capacity.get())
            ));
        }
        if !self.within_window() {
            why.push(format!(
                "{} tokens, past the model's {}-token window",
                Unit::Count.format(self.context as f64),
                Unit::Count.format(self.context_window as f64)
            ));
        }
        (!why.is_empty()).then(|| why.join("; "))
    }

    /// "would not run: needs 140 GB of 80 GB per GPU", what a time figure says instead of a
    /// number when the scenario cannot run; None when it runs.
    pub fn would_not_run(&self) -> Option<String> {
        self.why_not().map(|w| format!("would not run: {w}"))
    }

    /// Longest prompt + output at this batch: what memory allows, capped at the context
    /// window; and whether the window is the cap.
    pub fn longest_context(&self) -> (u64, bool) {
        if self.context_window > 0 && self.max_context > self.context_window {
            (self.context_window, true)
        } else {
            (self.max_context, false)
        }
    }

    /// The throughput knee lies within the batches that fit. When it does not, memory runs
    /// out first and throughput stops rising at the largest batch that fits.
    pub fn knee_fits(&self) -> bool {
        self.knee.batch <= self.max_batch as f64
    }
}

/// Work of one step on one GPU, before timing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Work {
    pub(crate) tokens: f64,
    pub(crate) flops: f64,
    pub(crate) bytes: f64,
    pub(crate) comm: f64,
    /// Σ FLOPs of each tensor group / the peak of the format it runs in.
    pub(crate) compute: f64,
}

/// Bytes per element and compute peak of one tensor group.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GroupCost {
    pub(crate) bytes: f64,
    pub(crate) peak: f64,
}

/// The per-scenario constants every step uses.
pub(crate) struct Ctx<'a> {
    pub(crate) s: &'a Scenario,
    pub(crate) n: f64,
    pub(crate) kvb: f64,
    /// The headline peak: that of the format most of a token's matmul FLOPs run in.
    pub(crate) peak: f64,
    pub(crate) bw: f64,
    pub(crate) link: f64,
    pub(crate) kv_share: f64,
    pub(crate) params: ParamCounts,
    pub(crate) attention: GroupCost,
    pub(crate) mlp: GroupCost,
    pub(crate) experts: GroupCost,
    pub(crate) lm_head: GroupCost,
    /// Weights stored, all GPUs.
    pub(crate) stored: f64,
    /// The format `peak` belongs to.
    pub(crate) compute_precision: Precision,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(s: &'a Scenario, params: ParamCounts) -> Ctx<'a> {
        let m = &s.model;
        let n = s.gpus.max(1) as f64;
        // Each rank keeps ceil(kv_heads / N) heads; the MLA latent is replicated on every rank.
        let kv_share = if m.mla.is_some() || m.kv_heads == 0 {
            1.0
        } else {
            (m.kv_heads as f64 / n).ceil() / m.kv_heads as f64
        };
        let cost = |g: Group| {
            let p = s.format(g);
            let compute = s.gpu.compute_precision(p);
            GroupCost {
                bytes: p.bytes(),
                peak: s.gpu.peak(compute).unwrap_or(s.gpu.fp16).get(),
            }
        };
        let (attention, mlp, experts, lm_head) = (
            cost(Group::Attention),
            cost(Group::Mlp),
            cost(Group::Experts),
            cost(Group::LmHead),
        );
        let stored = Group::ALL
            .iter()
            .map(|&g| params.stored(g) * s.format(g).bytes())
            .sum::<f64>()
            + params.other * s.weights.bytes();
        // The roof drawn: the peak of the group with the most matmul FLOPs per token.
        let main = Group::ALL.into_iter().fold(Group::Attention, |best, g| {
            if params.per_token(g) > params.per_token(best) {
                g
            } else {
                best
            }
        });
        let compute_precision = s.gpu.compute_precision(s.format(main));
        let peak = cost(main).peak;
        Ctx {
            s,
            n,
            kvb: s.kv.bytes(),
            peak,
            bw: s.gpu.bandwidth.get(),
            link: s
                .gpu
                .interconnect
                .map(|b| b.get())
                .unwrap_or(PCIE_FALLBACK_BANDWIDTH),
            kv_share,
            params,
            attention,
            mlp,
            experts,
            lm_head,
            stored,
            compute_precision,
        }
    }

    /// Bytes of the matmul weights `tokens` tokens read, all GPUs.
    fn weight_bytes(&self, tokens: f64) -> f64 {
        let r = self.s.model.reads(tokens);
        r.attention * self.attention.bytes
            + r.dense * self.mlp.bytes
            + r.experts * self.experts.bytes
            + r.lm_head * self.lm_head.bytes
    }

    /// FLOPs and compute time of `body_tokens` tokens through the layers, `head_tokens`
    /// through the LM head, and `attention` FLOPs of attention scores (at the attention
    /// group's peak), all GPUs: (FLOPs, seconds at the peaks).
    fn matmuls(&self, body_tokens: f64, head_tokens: f64, attention: f64) -> (f64, f64) {
        let p = &self.params;
        let groups = [
            (
                2.0 * body_tokens * p.per_token(Group::Attention) + attention,
                self.attention.peak,
            ),
            (2.0 * body_tokens * p.per_token(Group::Mlp), self.mlp.peak),
            (
                2.0 * body_tokens * p.per_token(Group::Experts),
                self.experts.peak,
            ),
            (
                2.0 * head_tokens * p.per_token(Group::LmHead),
                self.lm_head.peak,
            ),
        ];
        groups
            .iter()
            .fold((0.0, 0.0), |(f, t), &(g, pk)| (f + g, t + g / pk))
    }

    /// Two ring all-reduces of the step's activations per layer.
    pub(crate) fn comm(&self, tokens: f64) -> f64 {
        if self.n <= 1.0 {
            return 0.0;
        }
        let msg = tokens * self.s.model.hidden as f64 * 2.0;
        let per = ALL_REDUCE_LATENCY.get() + 2.0 * (self.n - 1.0) / self.n * msg / self.link;
        2.0 * self.s.model.layers as f64 * per
    }

    /// `batch` sequences each adding `per_seq` tokens against `context` cached tokens.
    pub(crate) fn step(&self, batch: f64, per_seq: f64, context: f64) -> Work {
        let m = &self.s.model;
        let tokens = batch * per_seq;
        let (flops, compute) = self.matmuls(
            tokens,
            tokens,
            tokens * m.attention_flops_per_token(context),
        );
        let kv = batch * m.kv_elements(context + per_seq) * self.kvb;
        Work {
            tokens,
            flops: flops / self.n,
            bytes: self.weight_bytes(tokens) / self.n + kv * self.kv_share,
            comm: self.comm(tokens),
            compute: compute / self.n,
        }
    }

    pub(crate) fn prefill(&self, batch: f64, prompt: f64) -> Work {
        let m = &self.s.model;
        let tokens = batch * prompt;
        // The LM head runs on each prompt's last token only.
        let (flops, compute) =
            self.matmuls(tokens, batch, batch * m.attention_flops_prefill(prompt));
        let kv = batch * m.kv_elements(prompt) * self.kvb;
        Work {
            tokens,
            flops: flops / self.n,
            bytes: self.weight_bytes(tokens) / self.n + kv * self.kv_share,
            comm: self.comm(tokens),
            compute: compute / self.n,
        }
    }

    pub(crate) fn phase(&self, w: Work, eff: &Efficiency) -> Phase {
        let compute_time = w.compute;
        let memory_time = w.bytes / self.bw;
        let bound = if compute_time >= memory_time {
            Bound::Compute
        } else {
            Bound::Memory
        };
        let calibrated = (w.compute / eff.compute.max(1e-3))
            .max(w.bytes / (self.bw * eff.bandwidth.max(1e-3)))
            + w.comm
            + eff.layer_overhead.get() * self.s.model.layers as f64;
        let intensity = w.flops / w.bytes;
        Phase {
            tokens: w.tokens,
            flops: Flops(w.flops),
            bytes: Bytes(w.bytes),
            intensity: Intensity(intensity),
            compute_time: Seconds(compute_time),
            memory_time: Seconds(memory_time),
            comm_time: Seconds(w.comm),
            time: Seconds(compute_time.max(memory_time) + w.comm),
            calibrated_time: Seconds(calibrated),
            bound,
            attained: FlopsPerSec((intensity * self.bw).min(w.flops / w.compute.max(1e-300))),
        }
    }

    /// Memory per GPU for `batch` sequences of `context` tokens.
    pub(crate) fn memory(&self, batch: f64, prompt: f64, context: f64) -> Memory {
        let m = &self.s.model;
        let weights = self.stored / self.n;
        let kv = batch * m.kv_elements(context) * self.kvb * self.kv_share;
        let chunk = (batch * prompt).min(PREFILL_CHUNK_TOKENS);
        let inter = m.activation_width();
        let activations = chunk * (4.0 * m.hidden as f64 + 2.0 * inter) * 2.0 / self.n
            + batch * m.vocab as f64 * 4.0;
        let overhead = self.s.overhead.get();
        let total = weights + kv + activations + overhead;
        let capacity = self.s.gpu.memory.get();
        Memory {
            weights: Bytes(weights),
            kv_cache: Bytes(kv),
            activations: Bytes(activations),
            overhead: Bytes(overhead),
            total: Bytes(total),
            capacity: Bytes(capacity),
            // The engine's rule for its cache (everything that is left, for the roofline).
            fits: self
                .s
                .kv_budget
                .fits(weights + activations + overhead, kv, capacity),
        }
    }
}

/// Largest x in [1, hi] with `ok(x)`, for a monotone `ok`; 0 if `ok(1)` fails.
pub(crate) fn largest(hi: u64, ok: impl Fn(u64) -> bool) -> u64 {
    if !ok(1) {
        return 0;
    }
    let (mut lo, mut hi) = (1u64, hi);
    if ok(hi) {
        return hi;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Upper bound of the batch searches.
const BATCH_SEARCH_MAX: u64 = 1 << 20;
/// Upper bound of the context searches (tokens).
const CONTEXT_SEARCH_MAX: u64 = 1 << 26;

fn timing(ttft: f64, tpot: f64, batch: f64, output: f64) -> Timing {
    let latency = ttft + (output - 1.0).max(0.0) * tpot;
    Timing {
        ttft: Seconds(ttft),
        tpot: Seconds(tpot),
        request_latency: Seconds(latency),
        throughput: batch * output / latency,
        decode_throughput: batch / tpot,
    }
}

/// The numbers of an estimate without derivations (the fast path for chart series).
pub fn evaluate(s: &Scenario) -> Estimate {
    let m = &s.model;
    let params = m.params();
    let c = Ctx::new(s, params);
    let batch = s.batch.max(1) as f64;
    let prompt = s.prompt.max(1) as f64;
    let output = s.output.max(1) as f64;
    let context = prompt + output;
    let eff = &s.efficiency;

    let compute_precision = c.compute_precision;
    let decode_context = prompt + output / 2.0;
    let decode = c.phase(c.step(batch, 1.0, decode_context), eff);
    let prefill = c.phase(c.prefill(batch, prompt), eff);
    let memory = c.memory(batch, prompt, context);

    let max_batch = largest(BATCH_SEARCH_MAX, |b| {
        c.memory(b as f64, prompt, context).fits
    }) as u32;
    let max_context = largest(CONTEXT_SEARCH_MAX, |ctx| {
        let ctx = ctx as f64;
        c.memory(batch, prompt.min(ctx), ctx).fits
    });

    let kv_seq = m.kv_elements(context) * c.kvb * c.kv_share;
    let kv_crossover_batch = (kv_seq > 0.0)
        .then(|| (memory.weights.get() / kv_seq).ceil().max(1.0))
        .filter(|b| *b <= BATCH_SEARCH_MAX as f64)
        .map(|b| b as u32);
    let ridge_batch = {
        let b = largest(BATCH_SEARCH_MAX, |b| {
            let w = c.step(b as f64, 1.0, decode_context);
            w.compute < w.bytes / c.bw
        });
        if b == 0 {
            1.0
        } else {
            (b + 1) as f64
        }
    };
    let kv_batch = kv_crossover_batch.map(f64::from).unwrap_or(f64::INFINITY);
    let knee = if ridge_batch <= kv_batch {
        Knee {
            batch: ridge_batch,
            cause: KneeCause::Compute,
        }
    } else {
        Knee {
            batch: kv_batch,
            cause: KneeCause::KvCache,
        }
    };

    let speculative = s.speculative.as_ref().map(|sp| {
        let k = sp.tokens.max(1) as f64;
        let a = sp.acceptance.clamp(0.0, 1.0);
        let tokens_per_step = if a >= 1.0 {
            k + 1.0
        } else {
            (1.0 - a.powf(k + 1.0)) / (1.0 - a)
        };
        let draft_scenario = Scenario {
            model: sp.draft.clone(),
            speculative: None,
            ..s.clone()
        };
        let dc = Ctx::new(&draft_scenario, sp.draft.params());
        let draft = dc.phase(dc.step(batch, 1.0, decode_context), eff);
        let verify = c.phase(c.step(batch, k + 1.0, decode_context), eff);
        SpecFigures {
            tokens_per_step,
            step_time: Seconds(k * draft.calibrated_time.get() + verify.calibrated_time.get()),
            step_time_floor: Seconds(k * draft.time.get() + verify.time.get()),
        }
    });
    let (tpot_floor, tpot) = match &speculative {
        Some(sp) => (
            sp.step_time_floor.get() / sp.tokens_per_step,
            sp.step_time.get() / sp.tokens_per_step,
        ),
        None => (decode.time.get(), decode.calibrated_time.get()),
    };

    Estimate {
        params,
        compute_precision,
        peak: FlopsPerSec(c.peak),
        bandwidth: BytesPerSec(c.bw),
        ridge: Intensity(c.peak / c.bw),
        weights: Bytes(c.stored),
        kv_per_token: Bytes(m.kv_elements_per_token_per_layer() * m.layers as f64 * c.kvb),
        decode_context,
        decode,
        prefill,
        memory,
        max_batch,
        max_context,
        kv_crossover_batch,
        knee,
        floor: timing(prefill.time.get(), tpot_floor, batch, output),
        calibrated: timing(prefill.calibrated_time.get(), tpot, batch, output),
        speculative,
        context: s.prompt.max(1) as u64 + s.output.max(1) as u64,
        context_window: m.max_context,
        warnings: parallelism(s),
        derivations: Vec::new(),
    }
}

/// Estimates `s`: numbers and their derivations.
pub fn estimate(s: &Scenario) -> Estimate {
    let mut e = evaluate(s);
    e.derivations = crate::explain::derivations(s, &e);
    e
}

pub(crate) fn term(symbol: &'static str, value: f64, unit: Unit) -> Term {
    Term {
        symbol,
        value,
        unit,
    }
}

/// One derivation, positionally: `explain.rs` reads as a table of these calls, one per figure,
/// which named struct literals would make twice as long.
#[allow(clippy::too_many_arguments)]
pub(crate) fn derivation(
    key: &'static str,
    label: &'static str,
    symbol: &'static str,
    expr: &'static str,
    terms: Vec<Term>,
    value: f64,
    unit: Unit,
    note: Option<&'static str>,
) -> Derivation {
    Derivation {
        key,
        label,
        symbol,
        expr,
        terms,
        value,
        unit,
        note,
    }
}

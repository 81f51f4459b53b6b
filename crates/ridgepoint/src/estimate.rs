//! From a [`Scenario`] to numbers, each with its derivation.
//!
//! [`evaluate`] computes the numbers only (the fast path chart series use); [`estimate`] adds
//! the derivations the page and `ridgepoint explain` show.

use crate::derivation::{Derivation, Term};
use crate::model::ParamCounts;
use crate::precision::Precision;
use crate::profile::MemoryUse;
use crate::scenario::{
    Efficiency, Group, Scenario, ALL_REDUCE_LATENCY, ALL_TO_ALL_LATENCY, NETWORK_LATENCY,
    PREFILL_CHUNK_TOKENS,
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

/// How a decode step spreads over the GPUs: what one collective costs, how unevenly expert
/// parallelism loads them, the stage-to-stage sends of pipeline parallelism.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParallelFigures {
    /// GPUs the replica runs on: max(TP, EP) × PP.
    pub gpus: u32,
    /// Nodes those span (GPUs per node from the catalog, else [`GPUS_PER_NODE`]).
    pub nodes: u32,
    /// Microbatches of the decode batch (up to one per stage).
    pub microbatches: f64,
    /// Stage executions on a prefill's critical path: microbatches + PP − 1 (1 without
    /// pipeline parallelism).
    pub prefill_stages: f64,
    /// One all-reduce of a decode microbatch's activations over the TP group.
    pub all_reduce: Seconds,
    /// One all-to-all (dispatch or combine) of a decode microbatch (data-parallel attention
    /// only; else 0).
    pub all_to_all: Seconds,
    /// Collectives of one stage execution.
    pub stage_comm: Seconds,
    /// Stage-to-stage sends of one decode step.
    pub hops: Seconds,
    /// Busiest GPU over the mean in experts read by a decode step (1 without EP).
    pub expert_imbalance: f64,
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
    /// The collectives and splits of a decode step across GPUs.
    pub parallel: ParallelFigures,
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
    let mut out = expert_parallelism(s);
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
    let per_node = s.gpu.node() as u64;
    if n > per_node {
        out.push(warn(format!(
            "{n} GPUs in tensor parallel span {} nodes of {per_node}: every all-reduce crosses \
             the network between them ({} per GPU against the GPU link's {}), counted here. \
             Tensor parallel usually stays within a node, with pipeline parallel (pp=) across \
             nodes.",
            n.div_ceil(per_node),
            Unit::BytesPerSec.format(s.gpu.network_bandwidth()),
            Unit::BytesPerSec.format(s.gpu.link_bandwidth()),
        )));
    }
    out
}

/// Expert- and pipeline-parallel checks: EP on a dense model, EP and TP that do not divide
/// each other, more experts' GPUs than experts, more stages than layers.
fn expert_parallelism(s: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    let (tp, ep) = (s.tp(), s.parallel.experts.max(1));
    let moe = s.model.moe.filter(|m| m.experts > 1);
    if ep > 1 && moe.is_none() {
        out.push(Warning {
            field: "ep",
            message: format!(
                "expert parallel {ep}: {} has no routed experts to split, so it is ignored",
                s.model.name
            ),
        });
    }
    if let Some(moe) = moe {
        if ep > 1 && !(ep.is_multiple_of(tp) || tp.is_multiple_of(ep)) {
            out.push(Warning {
                field: "ep",
                message: format!(
                    "expert parallel {ep} and tensor parallel {tp} do not divide each other: \
                     engines group the GPUs so one does; the numbers here take {} attention \
                     groups",
                    Unit::Count.format(s.dp())
                ),
            });
        }
        if ep as u64 > moe.experts {
            out.push(Warning {
                field: "ep",
                message: format!(
                    "expert parallel {ep} with {} routed experts: some GPUs would hold none",
                    moe.experts
                ),
            });
        }
    }
    if s.pp() as u64 > s.model.layers.max(1) {
        out.push(Warning {
            field: "pp",
            message: format!(
                "{} pipeline stages for {} layers: some stages would hold none",
                s.pp(),
                s.model.layers
            ),
        });
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

/// Work of one step on one GPU, before timing: one pipeline stage's share for one microbatch,
/// run `serial` times on the step's critical path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Work {
    pub(crate) tokens: f64,
    pub(crate) flops: f64,
    pub(crate) bytes: f64,
    /// Collectives of one stage execution (all-reduces, all-to-alls).
    pub(crate) comm: f64,
    /// Σ FLOPs of each tensor group / the peak of the format it runs in.
    pub(crate) compute: f64,
    /// Stage executions one after another on the critical path: 1 without pipeline
    /// parallelism; PP for a decode step (a token goes through every stage); microbatches +
    /// PP − 1 for a prefill.
    pub(crate) serial: f64,
    /// Activations sent from stage to stage on the critical path (seconds).
    pub(crate) hops: f64,
    /// Sequences one scheduler steps together (the whole batch, or one data-parallel
    /// attention group's share): what the per-sequence overhead counts.
    pub(crate) sequences: f64,
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
    /// Tensor-parallel degree.
    pub(crate) n: f64,
    /// Pipeline stages.
    pub(crate) pp: f64,
    /// Expert-parallel degree (1 for a dense model).
    pub(crate) ep: f64,
    /// Data-parallel attention groups per stage (EP ÷ TP when EP is larger).
    pub(crate) dp: f64,
    /// GPUs per stage: max(TP, EP).
    pub(crate) stage_gpus: f64,
    pub(crate) kvb: f64,
    /// The headline peak: that of the format most of a token's matmul FLOPs run in.
    pub(crate) peak: f64,
    pub(crate) bw: f64,
    /// The GPU link each way (NVLink, or PCIe when none is listed).
    pub(crate) link: f64,
    /// The network between nodes, per GPU each way.
    pub(crate) network: f64,
    /// GPUs per node.
    pub(crate) node: f64,
    pub(crate) kv_share: f64,
    pub(crate) params: ParamCounts,
    pub(crate) attention: GroupCost,
    pub(crate) mlp: GroupCost,
    pub(crate) experts: GroupCost,
    pub(crate) lm_head: GroupCost,
    /// Weights stored, all GPUs of one stage group (every stage's layers, one copy).
    pub(crate) stored: f64,
    /// Of which routed experts (split over the stage's GPUs, not only over TP).
    pub(crate) stored_experts: f64,
    /// The format `peak` belongs to.
    pub(crate) compute_precision: Precision,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(s: &'a Scenario, params: ParamCounts) -> Ctx<'a> {
        let m = &s.model;
        let n = s.tp() as f64;
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
        let stored_experts = params.stored(Group::Experts) * s.format(Group::Experts).bytes();
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
            pp: s.pp() as f64,
            ep: s.ep() as f64,
            dp: s.dp(),
            stage_gpus: s.stage_gpus() as f64,
            kvb: s.kv.bytes(),
            peak,
            bw: s.gpu.bandwidth.get(),
            link: s.gpu.link_bandwidth(),
            network: s.gpu.network_bandwidth(),
            node: s.gpu.node() as f64,
            kv_share,
            params,
            attention,
            mlp,
            experts,
            lm_head,
            stored,
            stored_experts,
            compute_precision,
        }
    }

    /// Bytes of the matmul weights one GPU of a stage reads for `tokens` tokens of one
    /// attention group (`moe_tokens` reach the experts: every group's), one stage's layers.
    fn weight_bytes(&self, tokens: f64, moe_tokens: f64) -> f64 {
        let r = self.s.model.reads(tokens);
        let replicated = (r.attention * self.attention.bytes
            + r.dense * self.mlp.bytes
            + r.lm_head * self.lm_head.bytes)
            / self.n;
        let experts = if self.ep <= 1.0 {
            r.experts * self.experts.bytes / self.n
        } else {
            // The busiest GPU's share: E/EP experts each, of which the step reaches a
            // binomial number; the step waits for the GPU that reaches the most.
            let moe = self.s.model.reads(moe_tokens).experts;
            moe * self.experts.bytes / self.stage_gpus * self.expert_imbalance(moe_tokens)
        };
        (replicated + experts) / self.pp
    }

    /// Busiest over mean GPU in the experts one step reaches under expert parallelism: the
    /// expected maximum over EP GPUs of Binomial(E/EP, p), p = 1 − (1 − k/E)^T the chance a
    /// given expert is reached, over its mean.
    pub(crate) fn expert_imbalance(&self, tokens: f64) -> f64 {
        let Some(moe) = self.s.model.moe.filter(|m| m.experts > 1) else {
            return 1.0;
        };
        let g = self.ep.min(moe.experts as f64).max(1.0);
        if g <= 1.0 {
            return 1.0;
        }
        let e = moe.experts as f64;
        let k = (moe.active as f64).min(e);
        let p = 1.0 - (1.0 - k / e).powf(tokens.max(1.0));
        let per = (e / g).round().max(1.0) as u64;
        let mean = per as f64 * p;
        if mean <= 0.0 || p >= 1.0 {
            return 1.0;
        }
        // E[max] = Σ_{j ≥ 1} P(max ≥ j) = Σ_{j=1..per} (1 − F(j − 1)^g).
        let q = 1.0 - p;
        let mut pmf = q.powf(per as f64);
        let mut cdf = 0.0;
        let mut expected_max = 0.0;
        for j in 0..per {
            cdf += pmf;
            expected_max += 1.0 - cdf.min(1.0).powf(g);
            pmf *= (per - j) as f64 / (j + 1) as f64 * p / q;
        }
        (expected_max / mean).max(1.0)
    }

    /// Busiest over mean GPU in routed (token, expert) pairs: T·k pairs over EP GPUs, the
    /// maximum of EP near-normal counts ≈ mean + σ·√(2 ln EP).
    fn token_imbalance(&self, tokens: f64) -> f64 {
        let Some(moe) = self.s.model.moe.filter(|m| m.experts > 1) else {
            return 1.0;
        };
        if self.ep <= 1.0 {
            return 1.0;
        }
        let pairs = tokens.max(1.0) * moe.active as f64;
        let mean = pairs / self.ep;
        let sd = (mean * (1.0 - 1.0 / self.ep)).sqrt();
        ((mean + sd * (2.0 * self.ep.ln()).sqrt()) / mean).clamp(1.0, self.ep)
    }

    /// FLOPs and compute time on one GPU of a stage for `body_tokens` tokens of one attention
    /// group through the layers, `head_tokens` through the LM head, `attention` FLOPs of
    /// attention scores (at the attention group's peak) and `moe_tokens` through the experts:
    /// (FLOPs, seconds at the peaks).
    fn matmuls(
        &self,
        body_tokens: f64,
        head_tokens: f64,
        attention: f64,
        moe_tokens: f64,
    ) -> (f64, f64) {
        let p = &self.params;
        let experts = 2.0 * moe_tokens * p.per_token(Group::Experts) / self.stage_gpus
            * self.token_imbalance(moe_tokens);
        let groups = [
            (
                (2.0 * body_tokens * p.per_token(Group::Attention) + attention) / self.n,
                self.attention.peak,
            ),
            (
                2.0 * body_tokens * p.per_token(Group::Mlp) / self.n,
                self.mlp.peak,
            ),
            (experts, self.experts.peak),
            (
                2.0 * head_tokens * p.per_token(Group::LmHead) / self.n,
                self.lm_head.peak,
            ),
        ];
        groups.iter().fold((0.0, 0.0), |(f, t), &(g, pk)| {
            (f + g / self.pp, t + g / pk / self.pp)
        })
    }

    /// One ring all-reduce of `bytes` over the tensor-parallel group: latency plus
    /// 2(N − 1)/N × bytes over the link; past one node, hierarchical (reduce-scatter and
    /// all-gather inside each node, an all-reduce of the node's share between nodes).
    pub(crate) fn all_reduce(&self, bytes: f64) -> f64 {
        let n = self.n;
        if n <= 1.0 {
            return 0.0;
        }
        if n <= self.node {
            return ALL_REDUCE_LATENCY.get() + 2.0 * (n - 1.0) / n * bytes / self.link;
        }
        let g = self.node;
        let nodes = (n / g).ceil();
        ALL_REDUCE_LATENCY.get()
            + NETWORK_LATENCY.get()
            + 2.0 * (g - 1.0) / g * bytes / self.link
            + 2.0 * (nodes - 1.0) / nodes * (bytes / g) / self.network
    }

    /// One all-to-all over the EP GPUs of a stage in which each GPU sends `bytes` spread
    /// evenly over the others: the share for GPUs in its node over the link, the rest over
    /// the network, both at once.
    pub(crate) fn all_to_all(&self, bytes: f64) -> f64 {
        let g = self.ep;
        if g <= 1.0 {
            return 0.0;
        }
        let out = bytes * (g - 1.0) / g;
        let local = (self.node.min(g) - 1.0) / (g - 1.0);
        let mut t = ALL_TO_ALL_LATENCY.get() + out * local / self.link;
        if g > self.node {
            t = t.max(
                ALL_TO_ALL_LATENCY.get()
                    + NETWORK_LATENCY.get()
                    + out * (1.0 - local) / self.network,
            );
        }
        t
    }

    /// Collectives of one stage execution for `tokens` tokens per attention group: two
    /// all-reduces per layer (after attention and after the MLP); with data-parallel
    /// attention (EP above TP) a MoE layer's second becomes a dispatch and a combine of each
    /// token's hidden state to its k experts.
    pub(crate) fn comm(&self, tokens: f64) -> f64 {
        let m = &self.s.model;
        let msg = tokens * m.hidden as f64 * 2.0;
        let layers = m.layers as f64 / self.pp;
        let all_reduce = self.all_reduce(msg);
        if self.dp <= 1.0 {
            return 2.0 * layers * all_reduce;
        }
        let moe = m.moe.map_or(0.0, |x| {
            (m.layers.saturating_sub(x.dense_layers)) as f64 / self.pp
        });
        let k = m.moe.map_or(1.0, |x| x.active as f64);
        let exchange = 2.0 * self.all_to_all(msg * k / self.n);
        layers * all_reduce + (layers - moe) * all_reduce + moe * exchange
    }

    /// Activations from one stage to the next: latency plus bytes over the link, or over the
    /// network when the two stages sit in different nodes; summed over the PP − 1 hops.
    pub(crate) fn hops(&self, tokens: f64) -> f64 {
        if self.pp <= 1.0 {
            return 0.0;
        }
        let bytes = tokens * self.s.model.hidden as f64 * 2.0 / self.n;
        let per_node = (self.node / self.stage_gpus).floor().max(1.0);
        let crossings = if self.stage_gpus * self.pp <= self.node {
            0.0
        } else {
            ((self.pp / per_node).ceil() - 1.0).clamp(0.0, self.pp - 1.0)
        };
        let inside = self.pp - 1.0 - crossings;
        inside * (ALL_REDUCE_LATENCY.get() + bytes / self.link)
            + crossings * (ALL_REDUCE_LATENCY.get() + NETWORK_LATENCY.get() + bytes / self.network)
    }

    /// Sequences one data-parallel attention group holds of `seqs`: all of them without
    /// data-parallel attention, else seqs / groups, an even spread (below one sequence per
    /// group an average: the step model stays smooth and monotone in the batch).
    pub(crate) fn group_seqs(&self, seqs: f64) -> f64 {
        seqs / self.dp
    }

    /// Microbatches a batch of `batch` sequences splits into: up to one per stage.
    pub(crate) fn microbatches(&self, batch: f64) -> f64 {
        if self.pp <= 1.0 {
            1.0
        } else {
            batch.clamp(1.0, self.pp)
        }
    }

    /// One stage's work on one GPU for `seqs` sequences of one microbatch (all attention
    /// groups), each adding `per_seq` tokens against `context` cached tokens; `head` tokens
    /// run the LM head, `attention` FLOPs per sequence of scores.
    pub(crate) fn stage(
        &self,
        seqs: f64,
        per_seq: f64,
        kv: f64,
        head: f64,
        attention: f64,
    ) -> Work {
        let tokens = seqs * per_seq;
        // One attention group's tokens.
        let group = self.group_seqs(seqs) * per_seq;
        let share = self.group_seqs(seqs) / seqs.max(1e-300);
        let (flops, compute) = self.matmuls(group, head * share, attention * share, tokens);
        Work {
            tokens,
            flops,
            bytes: self.weight_bytes(group, tokens)
                + kv * self.group_seqs(seqs) / seqs.max(1e-300) * self.kvb * self.kv_share
                    / self.pp,
            comm: self.comm(group),
            compute,
            serial: 1.0,
            hops: self.hops(tokens),
            sequences: self.group_seqs(seqs),
        }
    }

    /// `batch` sequences each adding `per_seq` tokens against `context` cached tokens: the
    /// batch in up to PP microbatches, a token through every stage.
    pub(crate) fn step(&self, batch: f64, per_seq: f64, context: f64) -> Work {
        let m = &self.s.model;
        let mb = self.microbatches(batch);
        let seqs = batch / mb;
        let tokens = seqs * per_seq;
        let mut w = self.stage(
            seqs,
            per_seq,
            seqs * m.kv_elements(context + per_seq),
            tokens,
            tokens * m.attention_flops_per_token(context),
        );
        w.serial = self.pp;
        w.sequences = self.group_seqs(batch);
        w
    }

    /// `batch` prompts of `prompt` tokens: microbatches through the stages, the last finishing
    /// after microbatches + PP − 1 stage times.
    pub(crate) fn prefill(&self, batch: f64, prompt: f64) -> Work {
        let m = &self.s.model;
        let mb = self.microbatches(batch);
        let seqs = batch / mb;
        // The LM head runs on each prompt's last token only.
        let mut w = self.stage(
            seqs,
            prompt,
            seqs * m.kv_elements(prompt),
            seqs,
            seqs * m.attention_flops_prefill(prompt),
        );
        w.serial = mb + self.pp - 1.0;
        w.sequences = self.group_seqs(batch);
        w
    }

    pub(crate) fn phase(&self, w: Work, eff: &Efficiency) -> Phase {
        let compute_time = w.compute * w.serial;
        let memory_time = w.bytes / self.bw * w.serial;
        let comm_time = w.comm * w.serial + w.hops;
        let bound = if compute_time >= memory_time {
            Bound::Compute
        } else {
            Bound::Memory
        };
        let stage_layers = self.s.model.layers as f64 / self.pp;
        let calibrated = w.serial
            * ((w.compute / eff.compute.max(1e-3))
                .max(w.bytes / (self.bw * eff.bandwidth.max(1e-3)))
                + w.comm
                + eff.layer_overhead.get() * stage_layers)
            + w.hops
            + eff.sequence_overhead.get() * w.sequences;
        let intensity = w.flops / w.bytes;
        // On the step's critical path: every stage execution one GPU waits for.
        Phase {
            tokens: w.tokens,
            flops: Flops(w.flops * w.serial),
            bytes: Bytes(w.bytes * w.serial),
            intensity: Intensity(intensity),
            compute_time: Seconds(compute_time),
            memory_time: Seconds(memory_time),
            comm_time: Seconds(comm_time),
            time: Seconds(compute_time.max(memory_time) + comm_time),
            calibrated_time: Seconds(calibrated),
            bound,
            attained: FlopsPerSec((intensity * self.bw).min(w.flops / w.compute.max(1e-300))),
        }
    }

    /// Weights stored per GPU: one stage's layers, split over TP (experts over the stage's
    /// GPUs).
    pub(crate) fn weights_per_gpu(&self) -> f64 {
        ((self.stored - self.stored_experts) / self.n + self.stored_experts / self.stage_gpus)
            / self.pp
    }

    /// Memory per GPU for `batch` sequences of `context` tokens.
    pub(crate) fn memory(&self, batch: f64, prompt: f64, context: f64) -> Memory {
        let m = &self.s.model;
        let weights = self.weights_per_gpu();
        let kv =
            self.group_seqs(batch) * m.kv_elements(context) * self.kvb * self.kv_share / self.pp;
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
            fits: self.s.kv_budget.fits(
                &MemoryUse {
                    weights,
                    other: activations + overhead,
                    capacity,
                    tp: self.s.tp(),
                    pp: self.s.pp(),
                },
                kv,
            ),
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

    let kv_seq = m.kv_elements(context) * c.kvb * c.kv_share / (c.pp * c.dp);
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

    let parallel = {
        let mb = c.microbatches(batch);
        let w = c.step(batch, 1.0, decode_context);
        let group = c.group_seqs(batch / mb);
        let msg = group * m.hidden as f64 * 2.0;
        let k = m.moe.map_or(1.0, |x| x.active as f64);
        let gpus = s.total_gpus();
        ParallelFigures {
            gpus,
            nodes: gpus.div_ceil(s.gpu.node()),
            microbatches: mb,
            prefill_stages: c.prefill(batch, prompt).serial,
            all_reduce: Seconds(c.all_reduce(msg)),
            all_to_all: Seconds(if c.dp > 1.0 {
                c.all_to_all(msg * k / c.n)
            } else {
                0.0
            }),
            stage_comm: Seconds(w.comm),
            hops: Seconds(w.hops),
            expert_imbalance: c.expert_imbalance(batch / mb),
        }
    };

    let speculative = s.speculative.as_ref().map(|sp| {
        let k = sp.tokens.max(1) as f64;
        let tokens_per_step = crate::serve::spec::tokens_per_step(sp.tokens, sp.acceptance);
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
        parallel,
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

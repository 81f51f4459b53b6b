//! What the user asks about: hardware, model, formats and workload.

use crate::hardware::Gpu;
use crate::model::Model;
use crate::precision::Precision;
pub use crate::profile::KvBudget;
use crate::units::{Bytes, Seconds};

/// How far real kernels sit from the roofs. [`Efficiency::PEAK`] gives the floor the seed
/// computes; [`Efficiency::CALIBRATED`] is fitted to published measurements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Efficiency {
    /// Fraction of peak memory bandwidth achieved.
    pub bandwidth: f64,
    /// Fraction of the dense compute peak achieved.
    pub compute: f64,
    /// Fixed cost per layer of each forward step (kernel launches, synchronisation), so a
    /// step costs at least layers × this beyond the roofline.
    pub layer_overhead: Seconds,
    /// Fixed cost per sequence in the batch of each forward step (the host's scheduling,
    /// sampling and detokenising), so a step of B sequences costs at least B × this beyond the
    /// roofline and the per-layer cost. Paid once per step, not per pipeline stage.
    pub sequence_overhead: Seconds,
}

impl Efficiency {
    /// 100% of peak, no overhead: the floor on latency.
    pub const PEAK: Efficiency = Efficiency {
        bandwidth: 1.0,
        compute: 1.0,
        layer_overhead: Seconds(0.0),
        sequence_overhead: Seconds(0.0),
    };

    /// Defaults fitted to `shared/reference/measurements.tsv` (`ridgepoint validate --sweep`;
    /// see ARCHITECTURE.md, "Calibration"): 80% of peak bandwidth (the measured batch-1 decode
    /// share of peak sits at 51–88%), 45% of the dense compute peak, and 60 µs per layer per
    /// step for kernel launches and synchronisation; and 20 µs per sequence in the batch per
    /// step for the host's scheduling and sampling (`validate --profiles`: the best of 0–40 µs
    /// beside the other three on every published figure).
    pub const CALIBRATED: Efficiency = Efficiency {
        bandwidth: 0.80,
        compute: 0.45,
        layer_overhead: Seconds(60e-6),
        sequence_overhead: Seconds(20e-6),
    };
}

/// Speculative decoding: a draft model proposes `tokens` tokens per step, the target checks
/// them in one pass, each is accepted with probability `acceptance`.
#[derive(Clone, Debug, PartialEq)]
pub struct Speculative {
    pub draft: Model,
    /// Tokens drafted per step (k).
    pub tokens: u32,
    /// Per-token acceptance rate α in [0, 1].
    pub acceptance: f64,
}

/// A group of weight tensors that may be stored in a format of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Q, K, V and output projections (MLA's down/up projections too).
    Attention,
    /// Dense MLPs, shared experts and routers.
    Mlp,
    /// Routed experts.
    Experts,
    /// The input embedding table (and learned positions).
    Embedding,
    /// The LM head (the embedding again when tied).
    LmHead,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Attention,
        Group::Mlp,
        Group::Experts,
        Group::Embedding,
        Group::LmHead,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Group::Attention => "attention",
            Group::Mlp => "dense MLP",
            Group::Experts => "experts",
            Group::Embedding => "embedding",
            Group::LmHead => "LM head",
        }
    }
}

/// Formats of tensor groups that differ from the scenario's `weights` (`None`: the same).
/// gpt-oss ships MXFP4 experts beside BF16 attention, embedding and head.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupFormats {
    pub attention: Option<Precision>,
    pub mlp: Option<Precision>,
    pub experts: Option<Precision>,
    pub embedding: Option<Precision>,
    pub lm_head: Option<Precision>,
}

impl GroupFormats {
    pub fn get(&self, g: Group) -> Option<Precision> {
        match g {
            Group::Attention => self.attention,
            Group::Mlp => self.mlp,
            Group::Experts => self.experts,
            Group::Embedding => self.embedding,
            Group::LmHead => self.lm_head,
        }
    }

    pub fn set(&mut self, g: Group, p: Option<Precision>) {
        let slot = match g {
            Group::Attention => &mut self.attention,
            Group::Mlp => &mut self.mlp,
            Group::Experts => &mut self.experts,
            Group::Embedding => &mut self.embedding,
            Group::LmHead => &mut self.lm_head,
        };
        *slot = p;
    }

    /// No group differs from the main format.
    pub fn is_uniform(&self) -> bool {
        *self == GroupFormats::default()
    }
}

/// How one replica's GPUs split the model beyond tensor parallel: the replica runs on
/// `max(TP, EP) × PP` GPUs ([`Scenario::total_gpus`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parallel {
    /// Pipeline stages (PP): each stage holds layers ÷ PP of the layers on its own GPUs, and
    /// the batch goes through the stages in up to PP microbatches.
    pub pipeline: u32,
    /// Expert-parallel degree (EP) of the routed experts: each of EP GPUs holds experts ÷ EP
    /// whole experts (sharded TP ÷ EP ways when EP < TP). EP above TP makes attention data
    /// parallel, EP ÷ TP groups each with its own share of the batch, and the MoE layers
    /// exchange tokens all-to-all (dispatch and combine) instead of all-reducing them.
    pub experts: u32,
}

impl Default for Parallel {
    fn default() -> Parallel {
        Parallel {
            pipeline: 1,
            experts: 1,
        }
    }
}

/// A complete question: `batch` requests of `prompt` input and `output` output tokens, run
/// together on `gpus` GPUs in tensor parallel (times the pipeline stages and data-parallel
/// attention groups of `parallel`).
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub gpu: Gpu,
    pub model: Model,
    /// The weights' format; `formats` may set other formats per tensor group.
    pub weights: Precision,
    pub formats: GroupFormats,
    pub kv: Precision,
    pub batch: u32,
    pub prompt: u32,
    pub output: u32,
    /// GPUs in tensor parallel (TP), per pipeline stage and attention group.
    pub gpus: u32,
    /// Pipeline and expert parallelism (1 × 1 by default: tensor parallel only).
    pub parallel: Parallel,
    pub efficiency: Efficiency,
    /// Runtime memory per GPU outside weights, KV and activations (CUDA context, allocator).
    pub overhead: Bytes,
    pub speculative: Option<Speculative>,
    /// How the serving engine sizes its KV cache (its profile's rule; the roofline's
    /// [`KvBudget::Remaining`] by default).
    pub kv_budget: KvBudget,
}

impl Scenario {
    /// The weights' format in words, with the groups stored otherwise: "BF16 (experts MXFP4)".
    pub fn weights_label(&self) -> String {
        let others: Vec<String> = Group::ALL
            .iter()
            .filter_map(|&g| {
                let p = self.formats.get(g).filter(|p| *p != self.weights)?;
                Some(format!("{} {}", g.label(), p.label()))
            })
            .collect();
        if others.is_empty() {
            self.weights.label().to_string()
        } else {
            format!("{} ({})", self.weights.label(), others.join(", "))
        }
    }

    /// Tensor-parallel degree (at least 1).
    pub fn tp(&self) -> u32 {
        self.gpus.max(1)
    }

    /// Pipeline stages (at least 1).
    pub fn pp(&self) -> u32 {
        self.parallel.pipeline.max(1)
    }

    /// Expert-parallel degree that applies: 1 for a dense model.
    pub fn ep(&self) -> u32 {
        if self.model.moe.is_some_and(|m| m.experts > 1) {
            self.parallel.experts.max(1)
        } else {
            1
        }
    }

    /// Data-parallel attention groups per stage: EP ÷ TP when EP is larger, else 1.
    pub fn dp(&self) -> f64 {
        (self.ep() as f64 / self.tp() as f64).max(1.0)
    }

    /// GPUs per pipeline stage: max(TP, EP).
    pub fn stage_gpus(&self) -> u32 {
        self.tp().max(self.ep())
    }

    /// GPUs the replica runs on: max(TP, EP) × PP.
    pub fn total_gpus(&self) -> u32 {
        self.stage_gpus().saturating_mul(self.pp())
    }

    /// How the GPUs split the model, when more than tensor parallel: "TP 8 × PP 2",
    /// "TP 1 × EP 16, attention data parallel ×16"; None with tensor parallel only.
    pub fn parallel_label(&self) -> Option<String> {
        if self.pp() == 1 && self.ep() == 1 {
            return None;
        }
        let mut parts = vec![format!("TP {}", self.tp())];
        if self.pp() > 1 {
            parts.push(format!("PP {}", self.pp()));
        }
        if self.ep() > 1 {
            parts.push(format!("EP {}", self.ep()));
        }
        let mut label = parts.join(" × ");
        if self.dp() > 1.0 {
            label.push_str(&format!(
                ", attention data parallel ×{}",
                crate::units::Unit::Count.format(self.dp())
            ));
        }
        Some(label)
    }

    /// The format tensor group `g` is stored in.
    pub fn format(&self, g: Group) -> Precision {
        self.formats.get(g).unwrap_or(self.weights)
    }
}

/// The seed's CUDA overhead figure ("a fixed ~0.5 GB cost").
pub const DEFAULT_OVERHEAD: Bytes = Bytes(0.5e9);

/// Prompt tokens processed per prefill chunk; sets the activation peak (vLLM's and
/// TensorRT-LLM's default token budgets are of this order).
pub const PREFILL_CHUNK_TOKENS: f64 = 8192.0;

/// Latency of one all-reduce across the tensor-parallel group: a small-message NCCL ring
/// all-reduce on NVLink takes ≈ 15–30 µs; 20 µs fits the TP rows of the measurements.
pub const ALL_REDUCE_LATENCY: Seconds = Seconds(20e-6);

/// Link bandwidth each way assumed when a GPU lists no interconnect (PCIe Gen4 x16, achieved).
pub const PCIE_FALLBACK_BANDWIDTH: f64 = 25e9;

/// Network bandwidth per GPU each way between nodes when the catalog gives none: one
/// 400 Gb/s NIC per GPU (InfiniBand NDR or 400 GbE RoCE), as in a DGX H100.
pub const NETWORK_FALLBACK_BANDWIDTH: f64 = 50e9;

/// What a collective that crosses nodes adds to [`ALL_REDUCE_LATENCY`]: NIC, switch and
/// protocol round trips. nccl-tests' 8-byte all-reduce: 12.5 µs on one 8-GPU H20 node over
/// NVLink (github deepseek-ai/DeepEP#303), 47.6 µs on two such nodes over InfiniBand NDR
/// (github NVIDIA/nccl#1244): ≈ 35 µs more (`tests/data/links.tsv`).
pub const NETWORK_LATENCY: Seconds = Seconds(35e-6);

/// Latency of one all-to-all (an expert-parallel dispatch or combine) inside a node, beyond
/// its bytes over the link; taken as the all-reduce's. DeepEP's normal kernels move tokens
/// at ≈ 95% of NVLink and of the NIC's line rate (153 GB/s intranode on H800's ≈ 160;
/// 43–58 GB/s internode on one 400 Gb/s CX7, README tables), so bytes go at the catalog's
/// link and network rates.
pub const ALL_TO_ALL_LATENCY: Seconds = ALL_REDUCE_LATENCY;

//! What the user asks about: hardware, model, formats and workload.

use crate::hardware::Gpu;
use crate::model::Model;
use crate::precision::Precision;
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
}

impl Efficiency {
    /// 100% of peak, no overhead: the floor on latency.
    pub const PEAK: Efficiency = Efficiency {
        bandwidth: 1.0,
        compute: 1.0,
        layer_overhead: Seconds(0.0),
    };

    /// Defaults fitted to `shared/reference/measurements.tsv` (`ridgepoint validate --sweep`;
    /// see ARCHITECTURE.md, "Calibration"): 80% of peak bandwidth (the measured batch-1 decode
    /// share of peak sits at 51–88%), 45% of the dense compute peak, and 60 µs per layer per
    /// step for kernel launches and synchronisation.
    pub const CALIBRATED: Efficiency = Efficiency {
        bandwidth: 0.80,
        compute: 0.45,
        layer_overhead: Seconds(60e-6),
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

/// A complete question: `batch` requests of `prompt` input and `output` output tokens, run
/// together on `gpus` GPUs in tensor parallel.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub gpu: Gpu,
    pub model: Model,
    pub weights: Precision,
    pub kv: Precision,
    pub batch: u32,
    pub prompt: u32,
    pub output: u32,
    /// GPUs in tensor parallel.
    pub gpus: u32,
    pub efficiency: Efficiency,
    /// Runtime memory per GPU outside weights, KV and activations (CUDA context, allocator).
    pub overhead: Bytes,
    pub speculative: Option<Speculative>,
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

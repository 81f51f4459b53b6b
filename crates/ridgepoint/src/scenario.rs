//! What the user asks about: hardware, model, formats and workload.

use crate::hardware::Gpu;
use crate::model::Model;
use crate::precision::Precision;
use crate::units::Bytes;

/// Fractions of peak bandwidth and compute that kernels achieve. 1.0 gives the roofline floor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Efficiency {
    pub bandwidth: f64,
    pub compute: f64,
}

impl Efficiency {
    /// 100% of peak: the floor on latency the seed computes.
    pub const PEAK: Efficiency = Efficiency {
        bandwidth: 1.0,
        compute: 1.0,
    };
}

/// A complete question: B requests of `prompt` input and `output` output tokens, run together
/// on `gpus` GPUs.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub gpu: Gpu,
    pub model: Model,
    pub weights: Precision,
    pub kv: Precision,
    pub batch: u32,
    pub prompt: u32,
    pub output: u32,
    pub gpus: u32,
    pub efficiency: Efficiency,
    /// Runtime memory outside weights, KV and activations (CUDA context, allocator slack).
    pub overhead: Bytes,
}

/// The seed's CUDA overhead figure ("a fixed ~0.5 GB cost").
pub const DEFAULT_OVERHEAD: Bytes = Bytes(0.5e9);

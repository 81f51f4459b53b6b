//! Accelerators: the figures the roofline needs, each with its source.

use crate::precision::Precision;
use crate::units::{Bytes, BytesPerSec, FlopsPerSec};
use serde::{Deserialize, Serialize};

/// One accelerator as a single process sees it. Peaks are **dense** tensor-core figures
/// (datasheets print FP16/FP8/INT8 with 2:4 sparsity; those are halved here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gpu {
    /// Stable kebab-case id (`a100-80gb-sxm`).
    pub id: String,
    /// Display name.
    pub name: String,
    pub vendor: String,
    /// HBM/GDDR capacity (decimal GB as the vendor states it).
    pub memory: Bytes,
    /// Peak memory bandwidth.
    pub bandwidth: BytesPerSec,
    /// Dense FP16/BF16 tensor peak (FP32 accumulate where it differs).
    pub fp16: FlopsPerSec,
    /// Dense FP8 peak, if the hardware has FP8 matmuls.
    pub fp8: Option<FlopsPerSec>,
    /// Dense INT8 peak, if the hardware has INT8 matmuls.
    pub int8: Option<FlopsPerSec>,
    /// Dense FP4 peak, if the hardware has FP4 matmuls.
    pub fp4: Option<FlopsPerSec>,
    /// Non-tensor FP32 peak.
    pub fp32: Option<FlopsPerSec>,
    /// Streaming multiprocessors (NVIDIA) or compute units (AMD).
    pub sms: Option<u32>,
    /// Tensor (matrix) cores in all, where the architecture's per-SM count is known.
    #[serde(default)]
    pub tensor_cores: Option<u32>,
    /// On-chip shared memory / L1 per SM.
    pub sram_per_sm: Option<Bytes>,
    pub l2: Option<Bytes>,
    /// GPU-to-GPU bandwidth, each direction.
    pub interconnect: Option<BytesPerSec>,
    /// Where the figures come from.
    pub source: String,
}

impl Gpu {
    /// The dense peak for matmuls in `p`, if the GPU runs that format natively.
    pub fn peak(&self, p: Precision) -> Option<FlopsPerSec> {
        match p {
            Precision::Fp16 | Precision::Bf16 => Some(self.fp16),
            Precision::Fp32 => self.fp32,
            Precision::Fp8 => self.fp8,
            Precision::Int8 => self.int8,
            Precision::Fp4 => self.fp4,
            Precision::Int4 | Precision::Q8_0 | Precision::Q4KM | Precision::Q4_0 => None,
        }
    }

    /// The format the matmuls run in when weights are stored as `weights`: FP8 and FP4
    /// weights use FP8/FP4 tensor cores where the GPU has them (W8A8, NVFP4); INT8 and INT4
    /// weights are dequantized to FP16 (weight-only quantization, as llama.cpp, AWQ, GPTQ
    /// and gpt-fast run them); FP32 runs in FP32.
    pub fn compute_precision(&self, weights: Precision) -> Precision {
        match weights {
            Precision::Fp32 if self.fp32.is_some() => Precision::Fp32,
            Precision::Fp8 if self.fp8.is_some() => Precision::Fp8,
            Precision::Fp4 if self.fp4.is_some() => Precision::Fp4,
            Precision::Bf16 => Precision::Bf16,
            _ => Precision::Fp16,
        }
    }
}

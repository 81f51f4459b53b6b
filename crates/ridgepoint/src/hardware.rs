//! Accelerators: the figures the roofline needs, each with its source.

use crate::precision::Precision;
use crate::units::{Bytes, BytesPerSec, FlopsPerSec, Intensity};
use serde::{Deserialize, Serialize};

/// Typical access latency of on-chip SRAM (shared memory / L1), in cycles: the seed's A100
/// figure.
pub const SRAM_CYCLES: f64 = 30.0;
/// Typical access latency of HBM, in cycles: the seed's A100 figure.
pub const HBM_CYCLES: f64 = 400.0;

/// One accelerator as a single process sees it. Peaks are **dense** tensor-core figures
/// (datasheets print FP16/FP8/INT8 with 2:4 sparsity; those are halved here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gpu {
    /// Stable kebab-case id (`a100-80gb-sxm`).
    pub id: String,
    /// Display name.
    pub name: String,
    pub vendor: String,
    /// HBM/GDDR capacity as the device reports it (`nvidia-smi`'s total: an "80 GB" A100 has
    /// 81,920 MiB = 85.9 × 10⁹ bytes), where a report was found; else the vendor's decimal GB.
    pub memory: Bytes,
    /// The capacity the vendor's name and datasheet give ("80 GB"), for display beside
    /// `memory`; `None` for a custom GPU.
    #[serde(default)]
    pub memory_nominal: Option<Bytes>,
    /// Peak memory bandwidth.
    pub bandwidth: BytesPerSec,
    /// Dense FP16/BF16 tensor peak (FP32 accumulate where it differs).
    pub fp16: FlopsPerSec,
    /// BF16 runs on the tensor cores at the FP16 rate. Volta and Turing (V100, T4) have no
    /// BF16 at all: frameworks emulate it in FP32.
    #[serde(default = "yes")]
    pub bf16_tensor_cores: bool,
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
    /// GPUs that share that link in one system (an HGX board's NVSwitch: 8); past them,
    /// traffic crosses the network between nodes. `None`: [`crate::estimate::GPUS_PER_NODE`].
    #[serde(default)]
    pub node_gpus: Option<u32>,
    /// The network between nodes, per GPU, each direction (a DGX H100 gives each GPU one
    /// 400 Gb/s ConnectX-7: 50 GB/s). `None`: [`crate::scenario::NETWORK_FALLBACK_BANDWIDTH`].
    #[serde(default)]
    pub network: Option<BytesPerSec>,
    /// Where the figures come from.
    pub source: String,
}

fn yes() -> bool {
    true
}

impl Gpu {
    /// The GPU link each way as the step model counts it: the catalog's, else PCIe
    /// ([`crate::scenario::PCIE_FALLBACK_BANDWIDTH`]).
    pub fn link_bandwidth(&self) -> f64 {
        self.interconnect
            .map_or(crate::scenario::PCIE_FALLBACK_BANDWIDTH, |b| b.get())
    }

    /// The network per GPU each way as the step model counts it: the catalog's, else
    /// [`crate::scenario::NETWORK_FALLBACK_BANDWIDTH`].
    pub fn network_bandwidth(&self) -> f64 {
        self.network
            .map_or(crate::scenario::NETWORK_FALLBACK_BANDWIDTH, |b| b.get())
    }

    /// GPUs in one node: the catalog's figure, else [`crate::estimate::GPUS_PER_NODE`].
    pub fn node(&self) -> u32 {
        self.node_gpus
            .filter(|n| *n >= 1)
            .unwrap_or(crate::estimate::GPUS_PER_NODE)
    }

    /// The dense peak for matmuls in `p`, if the GPU runs that format natively.
    pub fn peak(&self, p: Precision) -> Option<FlopsPerSec> {
        match p {
            Precision::Fp16 => Some(self.fp16),
            Precision::Bf16 => self.bf16_tensor_cores.then_some(self.fp16),
            Precision::Fp32 => self.fp32,
            Precision::Fp8 => self.fp8,
            Precision::Int8 => self.int8,
            Precision::Fp4 | Precision::Mxfp4 => self.fp4,
            Precision::Fp8Block => self.fp8,
            Precision::Int4 | Precision::Q8_0 | Precision::Q4KM | Precision::Q4_0 => None,
        }
    }

    /// Where the roofs meet for matmuls in `p`: peak / bandwidth.
    pub fn ridge(&self, p: Precision) -> Option<Intensity> {
        self.peak(p)
            .map(|f| Intensity(f.get() / self.bandwidth.get()))
    }

    /// On-chip SRAM over all SMs, where both the per-SM size and the SM count are known.
    pub fn sram_total(&self) -> Option<Bytes> {
        self.sram_per_sm
            .zip(self.sms)
            .map(|(b, n)| Bytes(b.get() * n as f64))
    }

    /// How many times larger device memory is than all on-chip SRAM (the seed's "HBM is
    /// ~4000× larger").
    pub fn memory_to_sram(&self) -> Option<f64> {
        self.sram_total().map(|s| self.memory.get() / s.get())
    }

    /// The format the matmuls run in when weights are stored as `weights`: FP8 (also
    /// block-scaled) and FP4 (NVFP4, MXFP4) weights use FP8/FP4 tensor cores where the GPU has
    /// them (W8A8, W4A4); without them they are dequantized to FP16 (gpt-oss's MXFP4 experts on
    /// Hopper run as BF16 matmuls); INT8 and INT4
    /// weights are dequantized to FP16 (weight-only quantization, as llama.cpp, AWQ, GPTQ
    /// and gpt-fast run them); FP32 runs in FP32.
    pub fn compute_precision(&self, weights: Precision) -> Precision {
        match weights {
            Precision::Fp32 if self.fp32.is_some() => Precision::Fp32,
            Precision::Fp8 | Precision::Fp8Block if self.fp8.is_some() => Precision::Fp8,
            // Blackwell's FP4 tensor cores take both NVFP4 and MXFP4 blocks.
            Precision::Fp4 | Precision::Mxfp4 if self.fp4.is_some() => Precision::Fp4,
            Precision::Bf16 if self.bf16_tensor_cores => Precision::Bf16,
            // No BF16 tensor cores: emulated in FP32 (at the FP32 rate, where it is known).
            Precision::Bf16 if self.fp32.is_some() => Precision::Fp32,
            _ => Precision::Fp16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_a100_card_reads_like_the_seed() {
        let g = crate::catalog::gpu("a100-80gb-sxm").unwrap();
        let ridge = g.ridge(Precision::Fp16).unwrap().get();
        assert!((ridge - 153.0).abs() < 0.5, "{ridge}");
        assert_eq!(g.ridge(Precision::Int4), None);
        let sram = g.sram_total().unwrap().get();
        assert_eq!(sram, 108.0 * g.sram_per_sm.unwrap().get());
        let ratio = g.memory_to_sram().unwrap();
        assert!((3000.0..5000.0).contains(&ratio), "{ratio}");
        let mut none = g.clone();
        none.sms = None;
        assert_eq!((none.sram_total(), none.memory_to_sram()), (None, None));
    }
}

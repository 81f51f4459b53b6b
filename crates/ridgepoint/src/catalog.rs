//! Built-in GPUs and models, each with the source of its figures
//! (`shared/reference/gpus.tsv` and `models.tsv` rows, which cite datasheets and configs).

use crate::hardware::Gpu;
use crate::model::{Mlp, Model};
use crate::units::{Bytes, BytesPerSec, FlopsPerSec};

const T: f64 = 1e12;
const G: f64 = 1e9;

/// Figures of one GPU in datasheet units: GB, GB/s, dense TFLOP/s.
struct GpuRow {
    id: &'static str,
    name: &'static str,
    vendor: &'static str,
    memory_gb: f64,
    bandwidth_gbps: f64,
    fp16_tflops: f64,
    fp8_tflops: Option<f64>,
    int8_tops: Option<f64>,
    fp4_tflops: Option<f64>,
    fp32_tflops: Option<f64>,
    sms: Option<u32>,
    sram_per_sm_kb: Option<f64>,
    l2_mb: Option<f64>,
    /// Each direction.
    interconnect_gbps: Option<f64>,
    source: &'static str,
}

impl GpuRow {
    fn build(&self) -> Gpu {
        Gpu {
            id: self.id.into(),
            name: self.name.into(),
            vendor: self.vendor.into(),
            memory: Bytes(self.memory_gb * G),
            bandwidth: BytesPerSec(self.bandwidth_gbps * G),
            fp16: FlopsPerSec(self.fp16_tflops * T),
            fp8: self.fp8_tflops.map(|v| FlopsPerSec(v * T)),
            int8: self.int8_tops.map(|v| FlopsPerSec(v * T)),
            fp4: self.fp4_tflops.map(|v| FlopsPerSec(v * T)),
            fp32: self.fp32_tflops.map(|v| FlopsPerSec(v * T)),
            sms: self.sms,
            sram_per_sm: self.sram_per_sm_kb.map(|kb| Bytes(kb * 1024.0)),
            l2: self.l2_mb.map(|mb| Bytes(mb * 1e6)),
            interconnect: self.interconnect_gbps.map(|v| BytesPerSec(v * G)),
            source: self.source.into(),
        }
    }
}

const GPUS: &[GpuRow] = &[
    GpuRow {
        id: "a100-80gb-sxm",
        name: "NVIDIA A100 80GB SXM",
        vendor: "NVIDIA",
        memory_gb: 80.0,
        bandwidth_gbps: 2039.0,
        fp16_tflops: 312.0,
        fp8_tflops: None,
        int8_tops: Some(624.0),
        fp4_tflops: None,
        fp32_tflops: Some(19.5),
        sms: Some(108),
        sram_per_sm_kb: Some(192.0),
        l2_mb: Some(40.0),
        interconnect_gbps: Some(300.0),
        source: "NVIDIA A100 datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4) via \
                 glennklockwood.com/garden/processors/A100; stas00/ml-engineering accelerator \
                 tables @744d01e (dense TFLOPS); 192 KB L1/shared per SM: NVIDIA A100 whitepaper; \
                 NVLink3 600 GB/s bidirectional = 300 GB/s each way",
    },
    GpuRow {
        id: "h100-sxm",
        name: "NVIDIA H100 SXM 80GB",
        vendor: "NVIDIA",
        memory_gb: 80.0,
        bandwidth_gbps: 3350.0,
        fp16_tflops: 989.4,
        fp8_tflops: Some(1978.9),
        int8_tops: Some(1978.9),
        fp4_tflops: None,
        fp32_tflops: Some(66.9),
        sms: Some(132),
        sram_per_sm_kb: Some(256.0),
        l2_mb: Some(50.0),
        interconnect_gbps: Some(450.0),
        source: "NVIDIA H100 datasheet (sparse figures halved: FP16 1,979* → 989.4 dense, FP8 \
                 3,958* → 1,978.9) via glennklockwood.com/garden/processors/h100 and \
                 stas00/ml-engineering @744d01e; 256 KB L1/shared per SM: NVIDIA Hopper \
                 whitepaper; NVLink4 900 GB/s bidirectional = 450 GB/s each way",
    },
];

/// Every built-in GPU, in catalog order.
pub fn gpus() -> Vec<Gpu> {
    GPUS.iter().map(GpuRow::build).collect()
}

/// The built-in GPU with this id.
pub fn gpu(id: &str) -> Option<Gpu> {
    GPUS.iter().find(|g| g.id == id).map(GpuRow::build)
}

/// Ids of every built-in GPU.
pub fn gpu_ids() -> impl Iterator<Item = &'static str> {
    GPUS.iter().map(|g| g.id)
}

/// A dense Llama-style model: gated MLP, RoPE, untied unless stated.
#[allow(clippy::too_many_arguments)]
fn llama(
    id: &str,
    name: &str,
    hidden: u64,
    intermediate: u64,
    layers: u64,
    heads: u64,
    kv_heads: u64,
    vocab: u64,
    max_context: u64,
    source: &str,
) -> Model {
    Model {
        id: id.into(),
        name: name.into(),
        hidden,
        intermediate,
        layers,
        heads,
        kv_heads,
        head_dim: hidden / heads,
        vocab,
        tied_embeddings: false,
        qkv_bias: false,
        mlp: Mlp::Gated,
        moe: None,
        mla: None,
        sliding_window: None,
        position_embeddings: 0,
        max_context,
        source: source.into(),
    }
}

const META_SRC: &str = "meta-llama config.json via github abhibambhaniya/GenZ-LLM-Analyzer \
                        GenZ/Models/Model_sets/meta.py and mlc-ai/mlc-llm model_preset.py @01ced33";

/// Every built-in model, in catalog order.
pub fn models() -> Vec<Model> {
    vec![
        llama(
            "llama-2-7b",
            "Llama-2-7B",
            4096,
            11008,
            32,
            32,
            32,
            32000,
            4096,
            META_SRC,
        ),
        llama(
            "llama-2-70b",
            "Llama-2-70B",
            8192,
            28672,
            80,
            64,
            8,
            32000,
            4096,
            META_SRC,
        ),
        llama(
            "llama-3.1-8b",
            "Llama-3.1-8B",
            4096,
            14336,
            32,
            32,
            8,
            128256,
            131072,
            "meta-llama/Llama-3.1-8B config.json via github citsjtu2020/LLM-Prof \
             sglang/Model_Config.md @8434c8d",
        ),
    ]
}

/// The built-in model with this id.
pub fn model(id: &str) -> Option<Model> {
    models().into_iter().find(|m| m.id == id)
}

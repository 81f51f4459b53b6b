//! Built-in GPUs and models, each with the source of its figures
//! (`shared/reference/gpus.tsv` and `models.tsv` rows, which cite datasheets and configs).

use crate::hardware::Gpu;
use crate::model::{Mla, Mlp, Model, Moe};
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
    /// Tensor (matrix) cores per SM or CU, from the architecture: Volta and Turing 8;
    /// Ampere, Ada, Hopper, Blackwell 4 (NVIDIA architecture whitepapers); CDNA2/3 4 matrix
    /// cores per CU (AMD CDNA whitepapers).
    tensor_per_sm: Option<u32>,
    sram_per_sm_kb: Option<f64>,
    l2_mb: Option<f64>,
    /// Each direction.
    interconnect_gbps: Option<f64>,
    source: &'static str,
    /// The capacity as the device reports it (`nvidia-smi`'s total, `rocm-smi`'s or rocminfo's
    /// VRAM total), and where that figure was seen. `None`: no device report
    /// was found, and the vendor's decimal GB stand.
    reported: Option<(Reported, &'static str)>,
}

/// A memory capacity in the unit a tool prints it.
#[derive(Clone, Copy)]
enum Reported {
    /// `nvidia-smi`: binary megabytes.
    MiB(f64),
    Bytes(f64),
}

impl Reported {
    fn bytes(self) -> f64 {
        match self {
            Reported::MiB(v) => v * 1024.0 * 1024.0,
            Reported::Bytes(v) => v,
        }
    }
}

impl GpuRow {
    fn build(&self) -> Gpu {
        Gpu {
            bf16_tensor_cores: !NO_BF16.contains(&self.id),
            id: self.id.into(),
            name: self.name.into(),
            vendor: self.vendor.into(),
            memory: Bytes(self.reported.map_or(self.memory_gb * G, |(r, _)| r.bytes())),
            memory_nominal: Some(Bytes(self.memory_gb * G)),
            bandwidth: BytesPerSec(self.bandwidth_gbps * G),
            fp16: FlopsPerSec(self.fp16_tflops * T),
            fp8: self.fp8_tflops.map(|v| FlopsPerSec(v * T)),
            int8: self.int8_tops.map(|v| FlopsPerSec(v * T)),
            fp4: self.fp4_tflops.map(|v| FlopsPerSec(v * T)),
            fp32: self.fp32_tflops.map(|v| FlopsPerSec(v * T)),
            sms: self.sms,
            tensor_cores: self.sms.zip(self.tensor_per_sm).map(|(n, k)| n * k),
            sram_per_sm: self.sram_per_sm_kb.map(|kb| Bytes(kb * 1024.0)),
            // Vendors quote cache sizes in binary megabytes.
            l2: self.l2_mb.map(|mb| Bytes(mb * 1024.0 * 1024.0)),
            interconnect: self.interconnect_gbps.map(|v| BytesPerSec(v * G)),
            node_gpus: link(self.id).and_then(|l| l.node_gpus),
            network: link(self.id)
                .and_then(|l| l.network_gbit)
                .map(|v| BytesPerSec(v * G / 8.0)),
            source: {
                let mut s = match self.reported {
                    Some((_, seen)) => {
                        format!("{}; memory as the device reports it: {seen}", self.source)
                    }
                    None => self.source.into(),
                };
                if let Some(l) = link(self.id) {
                    s.push_str("; node and network: ");
                    s.push_str(l.source);
                }
                s
            },
        }
    }
}

/// GPUs without BF16 (compute capability below 8.0): vLLM refuses BF16 on them ("Bfloat16 is
/// only supported on GPUs with compute capability of at least 8.0. Your Tesla V100-SXM2-32GB
/// GPU has compute capability 7.0", github vllm-project/vllm#946, a maintainer: "bfloat16 is
/// not natively supported by Turing and Volta GPUs"; the T4's 7.5 in vllm#1157), and libraries
/// that accept it emulate it in FP32 (github microsoft/VPTQ#51: "for those old GPU like
/// V100/T4 … the computation actually happens in float32").
const NO_BF16: &[&str] = &["v100-sxm2-32gb", "t4"];

/// A GPU's scale-up domain and its network between nodes in the reference system.
struct LinkRow {
    id: &'static str,
    node_gpus: Option<u32>,
    /// Per GPU, each direction, in Gbit/s (the NIC's line rate).
    network_gbit: Option<f64>,
    source: &'static str,
}

fn link(id: &str) -> Option<&'static LinkRow> {
    LINKS.iter().find(|l| l.id == id)
}

/// Nodes and networks (`tests/data/links.tsv` keeps the same rows with their sources).
const LINKS: &[LinkRow] = &[
    LinkRow {
        id: "v100-sxm2-32gb",
        node_gpus: Some(8),
        network_gbit: Some(50.0),
        source: "4x 100 Gb/s InfiniBand NICs per 8-GPU DGX-1: https://leslivresblancs.fr/livre/informatique-et-logiciels/intelligence-artificielle/nvidia-dgx-1-tesla-v100-system",
    },
    LinkRow {
        id: "a100-40gb-sxm",
        node_gpus: Some(8),
        network_gbit: Some(200.0),
        source: "ConnectX-6 HDR InfiniBand 200 Gb/s, one per GPU: https://github.com/MicrosoftDocs/azure-docs/blob/main/articles/virtual-machines/sizes/gpu-accelerated/includes/ndasra100v4-series-summary.md",
    },
    LinkRow {
        id: "a100-80gb-sxm",
        node_gpus: Some(8),
        network_gbit: Some(200.0),
        source: "ConnectX-6 HDR InfiniBand 200 Gb/s, one per GPU: https://github.com/MicrosoftDocs/azure-docs/blob/main/articles/virtual-machines/sizes/gpu-accelerated/includes/ndma100v4-series-summary.md",
    },
    LinkRow {
        id: "h100-sxm",
        node_gpus: Some(8),
        network_gbit: Some(400.0),
        source: "ConnectX-7 400 Gb/s (IB NDR or Ethernet), one single-port NIC per GPU: https://docs.nvidia.com/dgx-basepod/reference-architecture-infrastructure-foundation-enterprise-ai/latest/core-components.html",
    },
    LinkRow {
        id: "h200-sxm",
        node_gpus: Some(8),
        network_gbit: Some(400.0),
        source: "ConnectX-7 400 Gb/s, one per GPU (IB or Spectrum-X Ethernet): https://docs.nvidia.com/dgx-basepod/reference-architecture-infrastructure-foundation-enterprise-ai/latest/core-components.html",
    },
    LinkRow {
        id: "b200-sxm",
        node_gpus: Some(8),
        network_gbit: Some(400.0),
        source: "ConnectX-7 400 Gb/s, one single-port NIC per GPU: https://docs.nvidia.com/dgx-basepod/reference-architecture-infrastructure-foundation-enterprise-ai/latest/core-components.html",
    },
    LinkRow {
        id: "gb200",
        node_gpus: Some(72),
        network_gbit: Some(400.0),
        source: "ConnectX-7 IB NDR 400 Gb/s, 4 per 4-GPU compute tray: https://github.com/mlcommons/training_results_v5.1/blob/main/NVIDIA/systems/tyche_ngpu512_ngc25.09_nemo.json",
    },
    LinkRow {
        id: "mi250x-gcd",
        node_gpus: Some(8),
        network_gbit: None,
        source: "Infinity Fabric: 200 GB/s peak between the 2 GCDs of one MI250X, 50-100 GB/s between GCDs on different MI250X (Frontier node): https://docs.olcf.ornl.gov/systems/frontier_user_guide.html",
    },
    LinkRow {
        id: "mi300x",
        node_gpus: Some(8),
        network_gbit: Some(400.0),
        source: "NVIDIA Quantum-2 ConnectX-7 InfiniBand 400 Gb/s, one per GPU (Azure ND MI300X v5): https://github.com/MicrosoftDocs/azure-docs/blob/main/articles/virtual-machines/sizes/gpu-accelerated/includes/ndmi300xv5-series-summary.md",
    },
    LinkRow {
        id: "mi325x",
        node_gpus: Some(8),
        network_gbit: None,
        source: "XGMI (Infinity Fabric): https://github.com/mlcommons/training_results_v5.1/blob/main/AMD/systems/MI325X_EPYC_9575F_pytorch_llama2_70b.json",
    },
    LinkRow {
        id: "tpu-v5e",
        node_gpus: Some(256),
        network_gbit: Some(25.0),
        source: "2x 100 Gbps NICs per 8-chip host (DCN): https://docs.cloud.google.com/tpu/docs/v5e?authuser=6",
    },
    LinkRow {
        id: "tpu-v5p",
        node_gpus: Some(6144),
        network_gbit: Some(50.0),
        source: "DCN (data center network), per-chip figure: https://docs.cloud.google.com/tpu/docs/v5p.md.txt",
    },
    LinkRow {
        id: "tpu-v6e",
        node_gpus: Some(256),
        network_gbit: None,
        source: "ICI 2D torus (4 ports per chip), 256-chip pod: https://docs.cloud.google.com/tpu/docs/v6e.md.txt",
    },
    LinkRow {
        id: "gaudi-3",
        node_gpus: Some(8),
        network_gbit: Some(600.0),
        source: "3x 200 GbE on-die RoCE scale-out ports per Gaudi 3 (bundled into OSFP 4x200G): https://docs.habana.ai/en/latest/Management_and_Monitoring/Network_Configuration/index.html",
    },
    LinkRow {
        id: "h20",
        node_gpus: Some(8),
        network_gbit: Some(400.0),
        source: "ConnectX-7 IB NDR 400 Gb/s or 400G RoCE, one per GPU: https://github.com/NVIDIA/nccl/issues/1244",
    },
    LinkRow {
        id: "b300-sxm",
        node_gpus: Some(8),
        network_gbit: Some(800.0),
        source: "ConnectX-8 SuperNIC 800 Gb/s, one per GPU (Spectrum-X Ethernet in the RA): https://docs.nvidia.com/reference-architectures/hgx-ai-factory/abstract.md",
    },
    LinkRow {
        id: "gb300",
        node_gpus: Some(72),
        network_gbit: Some(800.0),
        source: "ConnectX-8 IB XDR 800 Gb/s, 4 per 4-GPU tray: https://github.com/mlcommons/training_results_v5.1/blob/main/NVIDIA/systems/theia_ngpu512_ngc25.09_nemo.json",
    },
    LinkRow {
        id: "mi355x",
        node_gpus: Some(8),
        network_gbit: Some(400.0),
        source: "8x AMD Pensando Pollara 400 AI NICs per node, 1:1 GPU:NIC (CX-7 or Broadcom Thor 2 also allowed): https://rocm.docs.amd.com/en/latest/how-to/rocm-for-ai/inference/benchmark-docker/sglang-mori-distributed.html",
    },
    LinkRow {
        id: "rtx-pro-6000",
        node_gpus: Some(8),
        network_gbit: Some(400.0),
        source: "ConnectX-8 800 Gb/s, one per 2 GPUs (4 per 8-GPU server): https://www.servethehome.com/this-is-the-nvidia-mgx-pcie-switch-board-with-connectx-8-for-8x-pcie-gpu-servers/",
    },
];

const GPUS: &[GpuRow] = &[
    GpuRow {
        id: "v100-sxm2-32gb",
        name: "NVIDIA V100 SXM2 32GB",
        vendor: "NVIDIA",
        memory_gb: 32.0,
        bandwidth_gbps: 900.0,
        fp16_tflops: 125.0,
        fp8_tflops: None,
        // No INT8 tensor cores (hmc-tech's 62.67 TOPS is the non-tensor rate).
        int8_tops: None,
        fp4_tflops: None,
        fp32_tflops: Some(15.7),
        sms: Some(80),
        tensor_per_sm: Some(8),
        sram_per_sm_kb: None,
        l2_mb: Some(6.0),
        // NVLink2 bandwidth not retrieved (300 GB/s total is unverified).
        interconnect_gbps: None,
        source: "gpus.tsv (medium confidence): huggingface.co/RajBhope/gpu-runtime-predictor \
                 gpu_catalog.json (900 GB/s, 125 FP16 tensor, 15.7 FP32, 80 SMs, 6 MB L2); \
                 ozyphus.github.io/gpu-maths.html; hmc-tech.com (125.34 TF FP16 tensor at \
                 1530 MHz; no INT8 tensor cores); Volta has no sparsity; NVLink2 bandwidth not \
                 retrieved",
        reported: Some((
            Reported::MiB(32768.0),
            "nvidia-smi (driver 525.105.17): 32768 MiB (https://github.com/Wan-Video/Wan2.1/issues/5)",
        )),
    },
    GpuRow {
        id: "a100-40gb-sxm",
        name: "NVIDIA A100 40GB SXM",
        vendor: "NVIDIA",
        memory_gb: 40.0,
        bandwidth_gbps: 1555.0,
        fp16_tflops: 312.0,
        fp8_tflops: None,
        int8_tops: Some(624.0),
        fp4_tflops: None,
        fp32_tflops: Some(19.5),
        sms: Some(108),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: Some(192.0),
        l2_mb: Some(40.0),
        interconnect_gbps: Some(300.0),
        source: "NVIDIA A100 datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4) via \
                 glennklockwood.com/garden/processors/A100; thundercompute.com A100 specs guide; \
                 stas00/ml-engineering accelerator tables @744d01e (dense TFLOPS: 312 FP16, \
                 624 sparse); 192 KB L1/shared per SM: NVIDIA A100 whitepaper (same GA100 SM as \
                 the 80 GB part); NVLink3 600 GB/s bidirectional = 300 GB/s each way",
        reported: Some((
            Reported::MiB(40960.0),
            "nvidia-smi (driver 580.126.09): 40960 MiB (https://github.com/bottlerocket-os/bottlerocket-core-kit/pull/834)",
        )),
    },
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
        tensor_per_sm: Some(4),
        sram_per_sm_kb: Some(192.0),
        l2_mb: Some(40.0),
        interconnect_gbps: Some(300.0),
        source: "NVIDIA A100 datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4) via \
                 glennklockwood.com/garden/processors/A100; stas00/ml-engineering accelerator \
                 tables @744d01e (dense TFLOPS); 192 KB L1/shared per SM: NVIDIA A100 whitepaper; \
                 NVLink3 600 GB/s bidirectional = 300 GB/s each way",
        reported: Some((
            Reported::MiB(81920.0),
            "nvidia-smi: 81920 MiB (https://github.com/NVIDIA/nccl-tests/issues/228)",
        )),
    },
    GpuRow {
        id: "a100-80gb-pcie",
        name: "NVIDIA A100 80GB PCIe",
        vendor: "NVIDIA",
        memory_gb: 80.0,
        bandwidth_gbps: 1935.0,
        fp16_tflops: 312.0,
        fp8_tflops: None,
        int8_tops: Some(624.0),
        fp4_tflops: None,
        fp32_tflops: Some(19.5),
        sms: Some(108),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: Some(192.0),
        l2_mb: Some(40.0),
        interconnect_gbps: Some(31.5),
        source: "thundercompute.com A100 specs guide; stas00/ml-engineering accelerator tables \
                 @744d01e (NVIDIA lists the same TFLOPS as SXM although the PCIe card is \
                 300 W, so sustained clocks may be lower); 192 KB L1/shared per SM: NVIDIA A100 \
                 whitepaper (same GA100 SM); interconnect = PCIe Gen4 x16 ~31.5 GB/s each way \
                 (an NVLink bridge gives 600 GB/s bidirectional = 300 each way, pairs only)",
        reported: Some((
            Reported::MiB(81920.0),
            "nvidia-smi (driver 550.54.15): 81920 MiB (https://github.com/vllm-project/vllm/issues/7992)",
        )),
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
        tensor_per_sm: Some(4),
        sram_per_sm_kb: Some(256.0),
        l2_mb: Some(50.0),
        interconnect_gbps: Some(450.0),
        source: "NVIDIA H100 datasheet (sparse figures halved: FP16 1,979* → 989.4 dense, FP8 \
                 3,958* → 1,978.9) via glennklockwood.com/garden/processors/h100 and \
                 stas00/ml-engineering @744d01e; 256 KB L1/shared per SM: NVIDIA Hopper \
                 whitepaper; NVLink4 900 GB/s bidirectional = 450 GB/s each way",
        reported: Some((
            Reported::MiB(81559.0),
            "nvidia-smi (driver 550.54.15): 81559 MiB (https://github.com/NVIDIA/nccl/issues/1264)",
        )),
    },
    GpuRow {
        id: "h100-pcie",
        name: "NVIDIA H100 PCIe 80GB",
        vendor: "NVIDIA",
        memory_gb: 80.0,
        bandwidth_gbps: 2000.0,
        fp16_tflops: 756.0,
        fp8_tflops: Some(1513.0),
        int8_tops: Some(1513.0),
        fp4_tflops: None,
        fp32_tflops: Some(51.0),
        sms: Some(114),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: Some(256.0),
        l2_mb: Some(50.0),
        interconnect_gbps: Some(64.0),
        source: "NVIDIA H100 datasheet via archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html \
                 (sparse figures halved: FP16/BF16 1,513* → 756, FP8/INT8 3,026* → 1,513; HBM2e); \
                 stas00/ml-engineering @744d01e; 256 KB L1/shared per SM: NVIDIA Hopper \
                 whitepaper (same GH100 SM); interconnect = PCIe Gen5 128 GB/s bidirectional = \
                 64 each way (an NVLink bridge gives 600 bidirectional = 300 each way, pairs only)",
        reported: Some((
            Reported::MiB(81559.0),
            "nvidia-smi (driver 535.129.03): 81559 MiB (https://github.com/triton-inference-server/tensorrtllm_backend/blob/0b9d7d5a195820d53abadfcf7208d0ccdbfd5332/docs/llama.md)",
        )),
    },
    GpuRow {
        id: "h200-sxm",
        name: "NVIDIA H200 SXM 141GB",
        vendor: "NVIDIA",
        memory_gb: 141.0,
        bandwidth_gbps: 4800.0,
        fp16_tflops: 989.4,
        fp8_tflops: Some(1978.9),
        int8_tops: Some(1978.9),
        fp4_tflops: None,
        fp32_tflops: Some(66.9),
        sms: Some(132),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: Some(256.0),
        l2_mb: Some(50.0),
        interconnect_gbps: Some(450.0),
        source: "stas00/ml-engineering @744d01e (989 dense FP16, same GH100 compute as H100 SXM, \
                 so the H100 SXM figures 989.4/1,978.9/66.9 are used); lzwjava.github.io H200 \
                 specs (3,958 FP8 with sparsity, 700 W); mlcommons/inference_results_v4.1 \
                 H200-SXM-141GBx8 system JSON ('18x 4th Gen NVLink, 900GB/s'); gentic.news \
                 (132 SMs); 256 KB L1/shared per SM: NVIDIA Hopper whitepaper; NVLink4 900 GB/s \
                 bidirectional = 450 GB/s each way",
        reported: Some((
            Reported::MiB(143771.0),
            "nvidia-smi (driver 575.57.08): 143771 MiB (https://github.com/TuftsRT/guides/blob/8e29b6037e1052ac82a5f9161aa52d5257a6bc09/source/hpc/slurm/utilization.md)",
        )),
    },
    GpuRow {
        id: "b200-sxm",
        name: "NVIDIA B200 SXM (HGX, 1000 W)",
        vendor: "NVIDIA",
        memory_gb: 180.0,
        bandwidth_gbps: 8000.0,
        fp16_tflops: 2250.0,
        fp8_tflops: Some(4500.0),
        int8_tops: Some(4500.0),
        fp4_tflops: Some(9000.0),
        fp32_tflops: Some(80.0),
        sms: None,
        tensor_per_sm: None,
        sram_per_sm_kb: None,
        l2_mb: None,
        interconnect_gbps: Some(900.0),
        source: "glennklockwood.com/garden/processors/B200 (HGX B200 @1000 W: FP16 2,250 dense / \
                 4,500 sparse, FP8 4,500, FP4 9,000 dense, FP32 80); stas00/ml-engineering \
                 @744d01e (L2 not disclosed; NVIDIA docs disagree on 180 vs 192 GB: 180 is \
                 NVIDIA's platform value, 192 physical per TechPowerUp); SM count not retrieved; \
                 NVLink5 1,800 GB/s bidirectional = 900 each way",
        reported: Some((
            Reported::MiB(183359.0),
            "nvidia-smi (driver 580.95.05): 183359 MiB (https://github.com/NVIDIA/TensorRT-LLM/issues/10278)",
        )),
    },
    GpuRow {
        id: "gb200",
        name: "NVIDIA GB200 (per Blackwell GPU, NVL72, 1200 W)",
        vendor: "NVIDIA",
        memory_gb: 186.0,
        bandwidth_gbps: 8000.0,
        fp16_tflops: 2500.0,
        fp8_tflops: Some(5000.0),
        int8_tops: Some(5000.0),
        fp4_tflops: Some(10000.0),
        fp32_tflops: Some(80.0),
        sms: None,
        tensor_per_sm: None,
        sram_per_sm_kb: None,
        l2_mb: Some(126.0),
        interconnect_gbps: Some(900.0),
        source: "per GPU (a GB200 superchip is 1 Grace + 2 Blackwell GPUs): glennklockwood.com/\
                 garden/processors/B200 (GB200 @1200 W: FP16 2,500 dense / 5,000 sparse, FP4 \
                 10,000 dense); stas00/ml-engineering @744d01e (FP32 80, glennklockwood says 90: \
                 conflict; L2 126 MB from its 'Blackwell GB200 example' cache table); \
                 mlcommons/inference_results_v6.1 Crusoe GB200-NVL72 system JSON (186 GB; \
                 TensorRT-LLM calls it 'GB200 192GB'); SM count not retrieved; NVLink5 1,800 GB/s \
                 bidirectional = 900 each way",
        reported: Some((
            Reported::MiB(189471.0),
            "nvidia-smi (driver 590.48.01): 189471 MiB (https://github.com/SlinkyProject/slurm-operator/blob/f2ed3fc5325271cef6311c1f92c6c75efe122bb1/docs/installation.md)",
        )),
    },
    GpuRow {
        id: "l4",
        name: "NVIDIA L4",
        vendor: "NVIDIA",
        memory_gb: 24.0,
        bandwidth_gbps: 300.0,
        fp16_tflops: 121.0,
        fp8_tflops: Some(242.5),
        int8_tops: Some(242.5),
        fp4_tflops: None,
        fp32_tflops: Some(30.3),
        sms: Some(58),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(48.0),
        interconnect_gbps: Some(31.5),
        source: "NVIDIA L4 datasheet via grokipedia.com/page/NVIDIA_L4_vs_L40S (242 FP16 and \
                 485 FP8/INT8 with sparsity, halved; 300 GB/s; 72 W) and store.sourcecode.com; \
                 fpsbench.com (7,424 shaders = 58 SMs, 48 MB L2, 30.29 FP32; fpsbench also lists \
                 60 SMs: conflict; hmc-tech's 125.3 TF assumes 60 SMs, datasheet 121 used); \
                 PCIe Gen4 x16 only, ~31.5 GB/s each way (figure from the A100 PCIe row)",
        reported: Some((
            Reported::MiB(23034.0),
            "nvidia-smi (totals listed by Modal): 23034 MiB (https://github.com/modal-labs/modal-client/pull/2797)",
        )),
    },
    GpuRow {
        id: "l40s",
        name: "NVIDIA L40S",
        vendor: "NVIDIA",
        memory_gb: 48.0,
        bandwidth_gbps: 864.0,
        fp16_tflops: 362.05,
        fp8_tflops: Some(733.0),
        int8_tops: Some(733.0),
        fp4_tflops: None,
        fp32_tflops: Some(91.6),
        sms: Some(142),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        // 48 MB per a TechPowerUp-style listing, but full AD102 has 96 MB: uncertain, left out.
        l2_mb: None,
        interconnect_gbps: Some(32.0),
        source: "NVIDIA L40/L40S datasheet table via mullet.se ('* With Sparsity': 733 FP16 → \
                 362 dense, 1,466 FP8 → 733); stas00/ml-engineering @744d01e (INT8 733); \
                 m.reach.dog (142 SMs); L2 uncertain (48 vs 96 MB), left out; PCIe Gen4 x16 \
                 64 GB/s bidirectional = 32 each way, no NVLink",
        reported: Some((
            Reported::MiB(46068.0),
            "nvidia-smi --query-gpu=memory.total (driver 595.71.05): 46068 MiB (https://github.com/akash-network/provider-configs/pull/99)",
        )),
    },
    GpuRow {
        id: "a10",
        name: "NVIDIA A10 (PCIe)",
        vendor: "NVIDIA",
        memory_gb: 24.0,
        bandwidth_gbps: 600.0,
        fp16_tflops: 125.0,
        fp8_tflops: None,
        // INT8 not retrieved.
        int8_tops: None,
        fp4_tflops: None,
        fp32_tflops: Some(31.2),
        sms: Some(72),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(6.0),
        interconnect_gbps: Some(31.5),
        source: "gpus.tsv (medium confidence): gist.github.com/kimbochen (125 TFLOP/s, 0.6 TB/s, \
                 24 GB, 150 W); sysrqmts.com (600.2 GB/s, 72 SMs, 6 MB L2, 31.24 FP32); INT8 not \
                 retrieved; PCIe Gen4 x16 ~31.5 GB/s each way (figure from the A100 PCIe row)",
        reported: Some((
            Reported::Bytes(24146608128.0),
            "NVML memoryInfo.Total (detect-gpu, driver 535.129.03): 24146608128 bytes (https://github.com/mayooot/detect-gpu/issues/3)",
        )),
    },
    GpuRow {
        id: "t4",
        name: "NVIDIA T4",
        vendor: "NVIDIA",
        memory_gb: 16.0,
        bandwidth_gbps: 320.0,
        fp16_tflops: 65.0,
        fp8_tflops: None,
        int8_tops: Some(130.0),
        fp4_tflops: None,
        fp32_tflops: Some(8.1),
        sms: Some(40),
        tensor_per_sm: Some(8),
        sram_per_sm_kb: None,
        l2_mb: Some(4.0),
        // PCIe Gen3 x16; its bandwidth is not in the reference data.
        interconnect_gbps: None,
        source: "geektopia.es NVIDIA T4 launch coverage (8.1 FP32, 65 FP16 mixed precision, \
                 130 INT8, 260 INT4; Turing has no sparsity); sysrqmts.com (320 GB/s, 40 SMs, \
                 4 MB L2, 70 W); hmc-tech.com; PCIe Gen3 x16 (bandwidth not retrieved)",
        reported: Some((
            Reported::MiB(15360.0),
            "nvidia-smi (driver 580.126.09): 15360 MiB (https://github.com/bottlerocket-os/bottlerocket-kernel-kit/pull/381)",
        )),
    },
    GpuRow {
        id: "rtx-3090",
        name: "NVIDIA GeForce RTX 3090",
        vendor: "NVIDIA",
        memory_gb: 24.0,
        bandwidth_gbps: 936.0,
        fp16_tflops: 71.0,
        fp8_tflops: None,
        // INT8 not retrieved.
        int8_tops: None,
        fp4_tflops: None,
        fp32_tflops: Some(35.6),
        sms: Some(82),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(6.0),
        // NVLink bridge bandwidth not retrieved.
        interconnect_gbps: None,
        source: "Tom's Hardware spec table via holynerdvana.blogspot.com (FP16 tensor 142 dense / \
                 285 sparse with FP16 accumulate; 936 GB/s; 82 SMs; 35.6 FP32); FP32-accumulate \
                 rate (what LLM kernels use) is half the FP16-accumulate rate on GA10x per \
                 gist getianao/33fb5306 → 71 DERIVED, not retrieved from a datasheet; INT8 and \
                 NVLink bridge bandwidth not retrieved",
        reported: Some((
            Reported::MiB(24576.0),
            "nvidia-smi (driver 595.84): 24576 MiB (https://github.com/noonghunna/club-3090/issues/1128)",
        )),
    },
    GpuRow {
        id: "rtx-4090",
        name: "NVIDIA GeForce RTX 4090",
        vendor: "NVIDIA",
        memory_gb: 24.0,
        bandwidth_gbps: 1008.0,
        fp16_tflops: 165.15,
        fp8_tflops: Some(330.3),
        int8_tops: Some(660.6),
        fp4_tflops: None,
        fp32_tflops: Some(82.58),
        sms: Some(128),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(72.0),
        interconnect_gbps: Some(31.5),
        source: "waredb.com (FP16 tensor 165.15 dense with FP32 accumulate, 330.3 with FP16 \
                 accumulate; FP8 330.3 and INT8 660.6 dense, accumulate dtype of the FP8 figure \
                 not stated; 82.58 FP32; 128 SMs); thefpsreview.com (1,008 GB/s, 450 W); \
                 techgoing.com (72 MB L2); gist mikasenghaas accelerator-intensity.py (165e12 \
                 dense bf16); no NVLink: PCIe Gen4 x16 ~31.5 GB/s each way (figure from the A100 \
                 PCIe row)",
        reported: Some((
            Reported::MiB(24564.0),
            "nvidia-smi (driver 550.163.01): 24564 MiB (https://github.com/RLinf/RLinf/issues/255)",
        )),
    },
    GpuRow {
        id: "rtx-5090",
        name: "NVIDIA GeForce RTX 5090",
        vendor: "NVIDIA",
        memory_gb: 32.0,
        bandwidth_gbps: 1792.0,
        fp16_tflops: 419.2,
        fp8_tflops: Some(838.4),
        // INT8 not retrieved.
        int8_tops: None,
        fp4_tflops: Some(1676.0),
        fp32_tflops: Some(104.8),
        sms: Some(170),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(96.0),
        interconnect_gbps: Some(64.0),
        source: "spheron.network RTX 5090 specs (838.4 FP16 and 1,676.8 FP8 with sparsity, \
                 halved; 3,352 'AI TOPS' = FP4 sparse → 1,676 dense; 104.8 FP32); Tom's Hardware \
                 spec box via pocketmags.com Linux Format May 2025 (170 SMs, 96 MB cache, \
                 1,792 GB/s, 575 W); accumulate dtype of the FP16 figure not stated (GeForce \
                 FP32-accumulate may be lower); INT8 not retrieved; no NVLink: PCIe Gen5 x16 \
                 ~64 GB/s each way (figure from the H100 PCIe row)",
        reported: Some((
            Reported::MiB(32607.0),
            "nvidia-smi (driver 610.57.04): 32607 MiB (https://github.com/noonghunna/club-3090/issues/1261)",
        )),
    },
    GpuRow {
        id: "mi250x-gcd",
        name: "AMD Instinct MI250X (one GCD)",
        vendor: "AMD",
        memory_gb: 64.0,
        bandwidth_gbps: 1638.4,
        fp16_tflops: 191.5,
        fp8_tflops: None,
        int8_tops: Some(191.5),
        fp4_tflops: None,
        fp32_tflops: Some(23.95),
        sms: Some(110),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: None,
        // Only package-level Infinity Fabric figures were retrieved.
        interconnect_gbps: None,
        source: "one of the two GCDs a process sees, i.e. half the package: AMD spec table via \
                 zexron.com and stas00/ml-engineering @744d01e (package: 128 GB HBM2e, \
                 3,276.8 GB/s, 383 FP16/BF16 and INT8 dense, 47.9 FP32 vector, 220 CUs; no \
                 sparsity on CDNA2) → 64 GB, 1,638.4 GB/s, 191.5, 23.95, 110 CUs; gpt-fast MI250X \
                 numbers are per GCD; L2 not retrieved; Infinity Fabric figures are per package \
                 (350 GB/s unidirectional all-to-all), no per-GCD figure",
        reported: Some((
            Reported::Bytes(68702699520.0),
            "rocminfo (GPU agent pool, COARSE GRAINED): 67092480 KiB (https://github.com/ROCm/rocm_smi_lib/issues/160)",
        )),
    },
    GpuRow {
        id: "mi300x",
        name: "AMD Instinct MI300X",
        vendor: "AMD",
        memory_gb: 192.0,
        bandwidth_gbps: 5300.0,
        fp16_tflops: 1307.4,
        fp8_tflops: Some(2614.9),
        int8_tops: Some(2614.9),
        fp4_tflops: None,
        fp32_tflops: Some(163.4),
        sms: Some(304),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(32.0),
        interconnect_gbps: Some(448.0),
        source: "stas00/ml-engineering @744d01e (1,307.4 dense FP16 = 2,100 MHz × 256 × 2 × \
                 1,216 matrix cores; FP8 2,614.9 dense, 5,229.8 sparse; some sites mislabel \
                 2,615 as dense FP16); awesomeagents.ai; jaredwatkins.com MI300 series; \
                 mlcommons/inference_results_v4.1 'MI300X-NPS1-SPX-192GB-750W'; 304 CUs (8 XCD × \
                 38); L2 4 MB per XCD = 32 MB (plus 256 MB Infinity Cache); Infinity Fabric \
                 448 GB/s unidirectional all-to-all",
        reported: Some((
            Reported::Bytes(206141652992.0),
            "rocm-smi --showmeminfo vram (SPX mode): 206141652992 bytes (https://github.com/ROCm/legacy-rocm-build/issues/4750)",
        )),
    },
    GpuRow {
        id: "mi325x",
        name: "AMD Instinct MI325X",
        vendor: "AMD",
        memory_gb: 256.0,
        bandwidth_gbps: 6000.0,
        fp16_tflops: 1307.4,
        fp8_tflops: Some(2614.9),
        int8_tops: Some(2614.9),
        fp4_tflops: None,
        fp32_tflops: Some(163.4),
        sms: Some(304),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(32.0),
        interconnect_gbps: Some(448.0),
        source: "awesomeagents.ai/hardware/amd-mi325x (AMD figures: same compute as MI300X, \
                 256 GB HBM3e, 6 TB/s, 1,000 W peak TBP); stas00/ml-engineering @744d01e; \
                 unanswered.io MI325X guide; L2 32 MB plus 256 MB Infinity Cache; Infinity \
                 Fabric 448 GB/s unidirectional all-to-all",
        reported: Some((
            Reported::Bytes(274861129728.0),
            "rocminfo (GPU agent pool): 268419072 KiB (https://github.com/ROCm/rocm-systems/issues/8263)",
        )),
    },
    GpuRow {
        id: "tpu-v5e",
        name: "Google TPU v5e (per chip)",
        vendor: "Google",
        memory_gb: 16.0,
        bandwidth_gbps: 819.0,
        fp16_tflops: 197.0,
        fp8_tflops: None,
        int8_tops: Some(393.0),
        fp4_tflops: None,
        fp32_tflops: None,
        sms: None,
        tensor_per_sm: None,
        sram_per_sm_kb: None,
        l2_mb: None,
        interconnect_gbps: Some(200.0),
        source: "docs.cloud.google.com/tpu/docs/v5e (16 GB HBM2, 819 GB/s (an older revision \
                 says '800 GiBps'), 197 BF16, 393 INT8 (stas: 394); FP8/FP32 not published; \
                 1 TensorCore); stas00/ml-engineering @744d01e; ICI 400 GB/s bidirectional per \
                 chip = 200 each way, 2D torus. The FP16 figure is the BF16 rate",
        reported: None,
    },
    GpuRow {
        id: "tpu-v5p",
        name: "Google TPU v5p (per chip)",
        vendor: "Google",
        memory_gb: 95.0,
        bandwidth_gbps: 2765.0,
        fp16_tflops: 459.0,
        fp8_tflops: Some(459.0),
        int8_tops: Some(918.0),
        fp4_tflops: None,
        fp32_tflops: None,
        sms: None,
        tensor_per_sm: None,
        sram_per_sm_kb: None,
        l2_mb: None,
        interconnect_gbps: Some(600.0),
        source: "docs.cloud.google.com/tpu/docs/v5p-training, two revisions (95 GB, revisions \
                 say both GB and GiB; 2,765 GB/s; 459 BF16; FP8 459 listed in one revision only); \
                 stas00/ml-engineering @744d01e (INT8 918); FP32 not published; ICI 1,200 GB/s \
                 bidirectional per chip = 600 each way, 3D torus. The FP16 figure is the BF16 rate",
        reported: None,
    },
    GpuRow {
        id: "tpu-v6e",
        name: "Google TPU v6e Trillium (per chip)",
        vendor: "Google",
        memory_gb: 32.0,
        bandwidth_gbps: 1638.0,
        fp16_tflops: 918.0,
        fp8_tflops: Some(918.0),
        int8_tops: Some(1836.0),
        fp4_tflops: None,
        fp32_tflops: None,
        sms: None,
        tensor_per_sm: None,
        sram_per_sm_kb: None,
        l2_mb: None,
        interconnect_gbps: Some(400.0),
        source: "docs.cloud.google.com/tpu/docs/v6e (32 GB, 1,638 GB/s (some revisions 1,640), \
                 918 BF16, 1,836 INT8); stas00/ml-engineering @744d01e (FP8 918, not in Google's \
                 table); FP32 not published; ICI 800 GB/s bidirectional per chip = 400 each way, \
                 2D torus. The FP16 figure is the BF16 rate",
        reported: None,
    },
    GpuRow {
        id: "gaudi-3",
        name: "Intel Gaudi 3 (OAM)",
        vendor: "Intel",
        memory_gb: 128.0,
        bandwidth_gbps: 3700.0,
        fp16_tflops: 1677.0,
        fp8_tflops: Some(1677.0),
        // INT8 supported but not published.
        int8_tops: None,
        fp4_tflops: None,
        fp32_tflops: Some(229.0),
        sms: None,
        tensor_per_sm: None,
        sram_per_sm_kb: None,
        l2_mb: Some(96.0),
        interconnect_gbps: Some(600.0),
        source:
            "stas00/ml-engineering @744d01e (BF16 and FP8 MME 1,677 at the shipping 1,600 MHz; \
                 Intel whitepaper 1,835 at 1,750 MHz; stas lists FP16 (not BF16) at 459, so FP16 \
                 matmuls may be slower than this BF16 figure; FP32 229; 96 MB configurable cache = \
                 24 MB × 4 DCOREs; 24× 200 GbE RoCE = 600 GB/s unidirectional); GenZ-LLM-Analyzer \
                 system_configs.py lists 144 GB / 1,600 TF / 3,675 GB/s (memory conflicts with \
                 Intel's 128 GB); INT8 not published",
        reported: Some((
            Reported::MiB(131072.0),
            "hl-smi CSV (example line in a parser's doc comment): 131072 MiB (https://github.com/lablup/all-smi/blob/b92ea0a08a8f77ac6acdf724d883ebbd92563c7b/src/device/hlsmi/parser.rs)",
        )),
    },
    GpuRow {
        id: "m2-ultra",
        name: "Apple M2 Ultra (76-core GPU)",
        vendor: "Apple",
        memory_gb: 192.0,
        bandwidth_gbps: 800.0,
        fp16_tflops: 27.2,
        fp8_tflops: None,
        int8_tops: None,
        fp4_tflops: None,
        fp32_tflops: Some(27.2),
        sms: None,
        tensor_per_sm: None,
        sram_per_sm_kb: None,
        l2_mb: None,
        interconnect_gbps: None,
        source: "blog.patti.tech 2023-06-05 (192 GB max unified memory, 800 GB/s, 76-core GPU); \
                 FLOPS LOW CONFIDENCE, DERIVED: hmc-tech.com lists the 60-core M2 Ultra at \
                 21.47 TF with FP16 = FP32, scaled × 76/60 at the same clock ≈ 27.2; usable GPU \
                 memory is ~75% of unified RAM",
        reported: None,
    },
    GpuRow {
        id: "m4-max",
        name: "Apple M4 Max (40-core GPU)",
        vendor: "Apple",
        memory_gb: 128.0,
        bandwidth_gbps: 546.0,
        fp16_tflops: 17.2,
        fp8_tflops: None,
        int8_tops: None,
        fp4_tflops: None,
        fp32_tflops: Some(17.2),
        sms: None,
        tensor_per_sm: None,
        sram_per_sm_kb: None,
        l2_mb: None,
        interconnect_gbps: None,
        source: "macmegasite.com 2024-10-30 and gamebastion.com (40-core GPU, 546 GB/s, 128 GB); \
                 FLOPS LOW CONFIDENCE, DERIVED: hmc-tech.com lists the 32-core M4 Max at 13.74 TF \
                 (FP16 = FP32), scaled × 40/32 ≈ 17.2 (gpuhunter.io claims 34, likely \
                 double-counted: conflict)",
        reported: None,
    },
    // From tests/data/gpus-2026.tsv (sources there, one per figure).
    GpuRow {
        id: "h20",
        name: "NVIDIA H20 96GB",
        vendor: "NVIDIA",
        memory_gb: 96.0,
        bandwidth_gbps: 4000.0,
        fp16_tflops: 148.0,
        // Hopper has FP8 tensor cores, but no FP8 figure was found.
        fp8_tflops: None,
        int8_tops: Some(296.0),
        fp4_tflops: None,
        fp32_tflops: Some(44.0),
        sms: Some(78),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: Some(256.0),
        l2_mb: Some(60.0),
        interconnect_gbps: Some(450.0),
        source: "gpus-2026.tsv (medium-low confidence: NVIDIA publishes no H20 datasheet): \
                 willitrunai.com/es/gpus/h20-96gb (96 GB HBM3, 4,000 GB/s, 148 FP16, 296 INT8, \
                 NVLink 4.0 900 GB/s, 400 W); zangshuxian.com (FP16 148 dense, INT8 296, FP32 44; \
                 78 SMs from a Geekbench 6 listing); ke60.top (60 MB L2, single source); FP8 not \
                 retrieved; 256 KB L1/shared per SM: NVIDIA Hopper whitepaper (GH100 SM); NVLink4 \
                 900 GB/s bidirectional = 450 GB/s each way",
        reported: Some((
            Reported::MiB(97871.0),
            "nvidia-smi (driver 580.95.05): 97871 MiB (https://github.com/NVIDIA/nvtrust/issues/128)",
        )),
    },
    GpuRow {
        id: "b300-sxm",
        name: "NVIDIA B300 SXM (HGX)",
        vendor: "NVIDIA",
        memory_gb: 288.0,
        bandwidth_gbps: 8000.0,
        fp16_tflops: 2250.0,
        fp8_tflops: Some(4500.0),
        // Conflicting: 4,500 (stas, glennklockwood) against 150 (verda).
        int8_tops: None,
        fp4_tflops: Some(12600.0),
        fp32_tflops: Some(80.0),
        sms: Some(160),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: None,
        interconnect_gbps: Some(900.0),
        source: "gpus-2026.tsv: stas00/ml-engineering @744d01e (dense: FP16/BF16 2,250, FP8 \
                 4,500, FP4 12,600 (nvfp4 15,000), FP32 80; 288 GB, 8 TB/s; L2 not disclosed; \
                 cites the DGX B300 datasheet); glennklockwood.com/garden/processors/B300 (HGX \
                 B300: FP16 2,250 dense / 4,500 sparse, FP4 13,125, FP32 75); verda.com GB300 blog \
                 (B300 FP4 14,000, INT8 150, 270 GB, 7.7 TB/s): FP4, FP32 and INT8 conflict, INT8 \
                 left out; awesomeagents.ai (160 SMs, 640 tensor cores); NVLink5 1,800 GB/s \
                 bidirectional = 900 each way",
        reported: Some((
            Reported::MiB(275040.0),
            "nvidia-smi: 275040 MiB (https://github.com/oracle-quickstart/oci-gpu-quickstarts/blob/6a0abdc78b574b28eb10926387615c8414ed8c1d/nvidia/B300/README-B300.md)",
        )),
    },
    GpuRow {
        id: "gb300",
        name: "NVIDIA GB300 (per Blackwell Ultra GPU, NVL72, 1400 W)",
        vendor: "NVIDIA",
        memory_gb: 279.0,
        bandwidth_gbps: 8000.0,
        fp16_tflops: 2500.0,
        fp8_tflops: Some(5000.0),
        // Conflicting: 5,000 (stas) against 165 (verda).
        int8_tops: None,
        fp4_tflops: Some(15000.0),
        fp32_tflops: Some(80.0),
        sms: Some(160),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: None,
        interconnect_gbps: Some(900.0),
        source: "gpus-2026.tsv, per GPU (a GB300 superchip is 1 Grace + 2 Blackwell Ultra GPUs): \
                 stas00/ml-engineering @744d01e and verda.com/blog/gb300-nvl72-architecture \
                 (dense, w/o sparsity: FP16/BF16 2,500, FP8 5,000, FP4 15,000, FP32 80; verda: \
                 279 GB, 8 TB/s, 1.4 kW; glennklockwood: NVL72 20 TB at 576 TB/s = 279 GB and \
                 8 TB/s per GPU; awesomeagents says 288 GB); INT8 conflicting (stas 5,000, verda \
                 165), left out; awesomeagents.ai (160 SMs); NVLink5 1,800 GB/s bidirectional = \
                 900 each way",
        reported: Some((
            Reported::MiB(284208.0),
            "nvidia-smi: 284208 MiB (https://github.com/oracle-quickstart/oci-gpu-quickstarts/blob/6a0abdc78b574b28eb10926387615c8414ed8c1d/nvidia/GB300/README-GB300.md)",
        )),
    },
    GpuRow {
        id: "mi355x",
        name: "AMD Instinct MI355X",
        vendor: "AMD",
        memory_gb: 288.0,
        bandwidth_gbps: 8000.0,
        fp16_tflops: 2500.0,
        fp8_tflops: Some(5000.0),
        int8_tops: Some(5000.0),
        fp4_tflops: Some(10100.0),
        fp32_tflops: Some(157.3),
        sms: Some(256),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(32.0),
        interconnect_gbps: Some(535.5),
        source: "gpus-2026.tsv: stas00/ml-engineering @744d01e from AMD's MI355X page (dense: \
                 FP16/BF16 2,500 ('2.5 PFLOPS'; 2,400 MHz × 512 × 2 × 1,024 Matrix Cores = \
                 2,516.6), sparse exactly 2× (5,000 FP16, 10,100 FP8); FP8 and INT8 5,000; FP4/FP6 \
                 10,100 with no sparsity qualifier; FP32 157.3; 288 GB HBM3e, 8 TB/s; 1,400 W); \
                 256 CUs = 1,024 Matrix Cores / 4 per CU; L2 4 MB per XCD × 8 = 32 MB (plus \
                 256 MB Infinity Cache); Infinity Fabric 535.5 GB/s unidirectional all-to-all \
                 (76.5 × 7)",
        reported: Some((
            Reported::Bytes(309220868096.0),
            "rocminfo (GPU agent pool): 301973504 KiB (https://github.com/ROCm/rocm-libraries/issues/9055)",
        )),
    },
    GpuRow {
        id: "rtx-pro-6000",
        name: "NVIDIA RTX PRO 6000 Blackwell Workstation Edition (600 W)",
        vendor: "NVIDIA",
        memory_gb: 96.0,
        bandwidth_gbps: 1792.0,
        fp16_tflops: 503.8,
        fp8_tflops: Some(1010.0),
        int8_tops: Some(1010.0),
        fp4_tflops: Some(2020.0),
        fp32_tflops: Some(125.95),
        sms: Some(188),
        tensor_per_sm: Some(4),
        sram_per_sm_kb: None,
        l2_mb: Some(128.0),
        interconnect_gbps: Some(64.0),
        source: "gpus-2026.tsv: the Workstation Edition (600 W; the Max-Q and Server editions \
                 clock differently): hmc-tech.com (2,617 MHz; FP16 tensor 503.8 dense with FP16 \
                 or FP32 accumulate, 1.01 PF sparse; FP8 1.01 PF and INT8 1.01 POPS dense; FP4 \
                 2.02 PF dense, 4.03 sparse (NVIDIA: '4000 AI TOPS'); FP32 125.95); \
                 thefilibusterblog.com and a Tom's Hardware repost (188 SMs, 128 MB L2, 96 GB \
                 GDDR7, 1,792 GB/s); gpu.name (PCIe Gen 5, 600 W); no NVLink: PCIe Gen5 x16 \
                 ~64 GB/s each way (figure from the H100 PCIe row)",
        reported: Some((
            Reported::MiB(97887.0),
            "nvidia-smi (driver 580.95.05; name truncated by nvidia-smi): 97887 MiB (https://github.com/zmarty/zmarty.github.io/blob/a33d0e97ef3c2820c282bce8ea914f5e62ca5e77/_posts/2025-10-23-speculative-decoding.md)",
        )),
    },
];

/// Rows left out of the catalog, and why: GPUs of `shared/reference/gpus.tsv` (and of
/// `tests/data/gpus-2026.tsv`) by their row name, and models that were asked for but could not
/// be sourced, by their name.
pub const SKIPPED: &[(&str, &str)] = &[
    (
        "Gemma 3 1B",
        "no citable copy of google/gemma-3-1b config.json found: its dimensions (hidden 1152, \
         intermediate 6912, 26 layers, 4 heads, 1 KV head, head_dim 256, vocab 262144, tied) \
         agree with keras-hub's exact count (gemma3_presets.py: 999,885,952) but its \
         sliding_window (512) and max_position_embeddings (32768) were seen only in code \
         excerpts whose repository is not named; MaxText has no gemma3-1b config",
    ),
    (
        "H100 NVL (per GPU)",
        "no compute figures retrieved from a reliable source (memory and power only); searched \
         again for the 2026 additions: the only per-GPU tables found (gpu.blog) list values the \
         reference data already calls nonsense, and stas00/ml-engineering leaves the part out; \
         needs the H100 NVL datasheet with its sparse figures halved",
    ),
    (
        "Apple M3 Max (40-core GPU)",
        "no FLOPS figure retrieved (bandwidth only; maximum memory not retrieved either)",
    ),
    (
        "A10G (AWS g5)",
        "no NVIDIA datasheet; the FP16 peak is low confidence and conflicting (~70 llm-analysis \
         vs 62.5 gpu_catalog, likely the FP32-accumulate rate) and the SM count is inconsistent \
         (80 vs 9,216 cores = 72); use `a10` as an upper reference",
    ),
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
        chunked: None,
        position_embeddings: 0,
        max_context,
        source: source.into(),
    }
}

/// A GPT-style model: plain two-matrix (GELU/ReLU) MLP, untied and rotary unless stated.
#[allow(clippy::too_many_arguments)]
fn gpt(
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
        mlp: Mlp::Plain,
        ..llama(
            id,
            name,
            hidden,
            intermediate,
            layers,
            heads,
            kv_heads,
            vocab,
            max_context,
            source,
        )
    }
}

/// The departures from the base shape, chained after [`llama`] or [`gpt`].
trait Shape: Sized {
    /// Input embedding and LM head share one matrix.
    fn tied(self) -> Self;
    /// Biases on the Q, K and V projections.
    fn qkv_bias(self) -> Self;
    /// A per-head dimension other than hidden / heads.
    fn head_dim(self, d: u64) -> Self;
    /// `layers` layers attend within a sliding window of `window` tokens.
    fn window(self, window: u64, layers: u64) -> Self;
    /// `layers` layers attend within chunks of `chunk` tokens (Llama 4).
    fn chunked(self, chunk: u64, layers: u64) -> Self;
    /// Learned absolute position embeddings with `n` rows.
    fn positions(self, n: u64) -> Self;
    fn moe(self, moe: Moe) -> Self;
    fn mla(self, mla: Mla) -> Self;
}

impl Shape for Model {
    fn tied(self) -> Self {
        Model {
            tied_embeddings: true,
            ..self
        }
    }
    fn qkv_bias(self) -> Self {
        Model {
            qkv_bias: true,
            ..self
        }
    }
    fn head_dim(self, head_dim: u64) -> Self {
        Model { head_dim, ..self }
    }
    fn window(self, window: u64, layers: u64) -> Self {
        Model {
            sliding_window: Some((window, layers)),
            ..self
        }
    }
    fn chunked(self, chunk: u64, layers: u64) -> Self {
        Model {
            chunked: Some((chunk, layers)),
            ..self
        }
    }
    fn positions(self, position_embeddings: u64) -> Self {
        Model {
            position_embeddings,
            ..self
        }
    }
    fn moe(self, moe: Moe) -> Self {
        Model {
            moe: Some(moe),
            ..self
        }
    }
    fn mla(self, mla: Mla) -> Self {
        Model {
            mla: Some(mla),
            ..self
        }
    }
}

const META_SRC: &str = "meta-llama config.json via github abhibambhaniya/GenZ-LLM-Analyzer \
                        GenZ/Models/Model_sets/meta.py and mlc-ai/mlc-llm model_preset.py @01ced33";

const QWEN_SRC: &str = "Qwen config.json via github citsjtu2020/LLM-Prof sglang/Model_Config.md \
                        @8434c8d (verbatim HF config)";

/// Every built-in model, in catalog order.
#[rustfmt::skip]
pub fn models() -> Vec<Model> {
    vec![
        // Columns: id, name, hidden, intermediate, layers, heads, kv_heads, vocab, max_context,
        // source; then the departures from the base shape ([`Shape`]).
        //     id                 name              hidden inter  lay  hd   kv  vocab   context
        llama("llama-2-7b",      "Llama-2-7B",      4096,  11008, 32,  32,  32, 32000,  4096,   META_SRC),
        llama("llama-2-13b",     "Llama-2-13B",     5120,  13824, 40,  40,  40, 32000,  4096,   META_SRC),
        llama("llama-2-70b",     "Llama-2-70B",     8192,  28672, 80,  64,  8,  32000,  4096,   META_SRC),
        llama("llama-3.1-8b",    "Llama-3.1-8B",    4096,  14336, 32,  32,  8,  128256, 131072,
            "meta-llama/Llama-3.1-8B config.json via github citsjtu2020/LLM-Prof \
             sglang/Model_Config.md @8434c8d"),
        llama("llama-3.1-70b",   "Llama-3.1-70B",   8192,  28672, 80,  64,  8,  128256, 131072,
            "meta-llama/Llama-3.1-70B(-Instruct) config.json via github \
             abhibambhaniya/GenZ-LLM-Analyzer GenZ/Models/Model_sets/meta.py; \
             tie_word_embeddings=false taken as the HF default (not shown in GenZ, unverified)"),
        llama("llama-3.1-405b",  "Llama-3.1-405B",  16384, 53248, 126, 128, 8,  128256, 131072,
            "meta-llama/Llama-3.1-405B config.json via github abhibambhaniya/GenZ-LLM-Analyzer \
             GenZ/Models/Model_sets/meta.py (intermediate written as 3.25 × 16384) and a manual \
             config copy (8 KV heads, 131072 context, untied); a TensorRT-LLM-converted config \
             with 16 KV heads / 8192 context is an early variant"),
        llama("llama-3.2-1b",    "Llama-3.2-1B",    2048,  8192,  16,  32,  8,  128256, 131072,
            "meta-llama/Llama-3.2-1B-Instruct config.json verbatim in github \
             kevinstephano/thunder_model_blocks hf_llama/llama_config.py (commit_hash 4e20de3); \
             GenZ-LLM-Analyzer meta.py; head_dim 64, tied embeddings")
            .tied(),
        llama("llama-3.2-3b",    "Llama-3.2-3B",    3072,  8192,  28,  24,  8,  128256, 131072,
            "meta-llama/Llama-3.2-3B config.json via github citsjtu2020/LLM-Prof \
             sglang/Model_Config.md @8434c8d; tied embeddings")
            .tied(),
        llama("mistral-7b-v0.1", "Mistral-7B-v0.1", 4096,  14336, 32,  32,  8,  32000,  32768,
            "mistralai/Mistral-7B-v0.1 config via github mlc-ai/mlc-llm model_preset.py \
             @01ced33 (preset 'mistral_7b': sliding_window_size 4096, rope_theta 10000) and \
             GenZ-LLM-Analyzer mistral.py; the 4096-token window is on every layer (v0.2/v0.3 \
             dropped it)")
            .window(4096, 32),
        llama("mixtral-8x7b",    "Mixtral-8x7B-v0.1", 4096, 14336, 32, 32,  8,  32000,  32768,
            "mistralai/Mixtral-8x7B-v0.1 config verbatim in github mlc-ai/mlc-llm \
             model_preset.py @01ced33 (num_local_experts 8, num_experts_per_tok 2, \
             intermediate_size 14336 per expert, rope_theta 1e6)")
            .moe(Moe { experts: 8, active: 2, shared: 0, expert_intermediate: 14336, dense_layers: 0 }),
        llama("mixtral-8x22b",   "Mixtral-8x22B-Instruct-v0.1", 6144, 16384, 56, 48, 8, 32768, 65536,
            "mistralai/Mixtral-8x22B-Instruct-v0.1 config.json via github \
             abhibambhaniya/GenZ-LLM-Analyzer GenZ/Models/Model_sets/mistral.py (8 experts, \
             top-2, 16384 per expert; vocab 32768 is the Instruct model's, the base v0.1 uses \
             32000; tie=false assumed, the Mistral default)")
            .moe(Moe { experts: 8, active: 2, shared: 0, expert_intermediate: 16384, dense_layers: 0 }),
        llama("qwen2.5-7b",      "Qwen2.5-7B",      3584,  18944, 28,  28,  4,  152064, 131072, QWEN_SRC)
            .qkv_bias(),
        llama("qwen2.5-14b",     "Qwen2.5-14B",     5120,  13824, 48,  40,  8,  152064, 131072, QWEN_SRC)
            .qkv_bias(),
        llama("qwen2.5-32b",     "Qwen2.5-32B",     5120,  27648, 64,  40,  8,  152064, 131072, QWEN_SRC)
            .qkv_bias(),
        llama("qwen2.5-72b",     "Qwen2.5-72B",     8192,  29568, 80,  64,  8,  152064, 131072,
            "Qwen2-72B config via github abhibambhaniya/GenZ-LLM-Analyzer \
             GenZ/Models/Model_sets/alibaba.py (Qwen2.5-72B shares its dims); apxml.com/models/\
             qwen2-5-72b (29568 FFN, 80 layers, 8 KV heads, 152064 vocab, 131K context; its \
             hidden 12288 is wrong); 131072 context unverified for this exact repo")
            .qkv_bias(),
        llama("gemma-2-9b",      "Gemma-2-9B",      3584,  14336, 42,  16,  8,  256000, 8192,
            "google/gemma-2-9b via github abhibambhaniya/GenZ-LLM-Analyzer \
             GenZ/Models/Model_sets/google.py and AI-Hypercomputer/maxtext hf_model_configs.py \
             (head_dim 256 ≠ hidden/heads; local 4096-token sliding window alternating with \
             global layers; tie_word_embeddings=true is the transformers Gemma2Config default, \
             not verified in a config.json)")
            .head_dim(256).tied().window(4096, 21),
        llama("gemma-2-27b",     "Gemma-2-27B",     4608,  36864, 46,  32,  16, 256000, 8192,
            "google/gemma-2-27b via github abhibambhaniya/GenZ-LLM-Analyzer \
             GenZ/Models/Model_sets/google.py and AI-Hypercomputer/maxtext hf_model_configs.py \
             (head_dim 128 ≠ hidden/heads; local 4096 sliding window alternating with global \
             layers; tie=true is the transformers default, unverified)")
            .head_dim(128).tied().window(4096, 23),
        // The config sets sliding_window 2047, but models.tsv (and the 4K context this
        // checkpoint is used at) count full-context KV, so no window is modelled.
        llama("phi-3-mini-4k",   "Phi-3-mini-4k-instruct", 3072, 8192, 32, 32, 32, 32064, 4096,
            "microsoft/Phi-3-mini-4k-instruct config verbatim in github mlc-ai/mlc-llm \
             model_preset.py @01ced33 (commented-out 'phi-3' preset); fused qkv_proj and \
             gate_up_proj hold the same parameters as separate projections; the config's \
             sliding_window 2047 is not modelled (models.tsv counts full-context KV)"),
        llama("deepseek-v3",     "DeepSeek-V3",     7168,  18432, 61,  128, 128, 129280, 163840,
            "deepseek-ai/DeepSeek-V3 config.json (code-corpus excerpt, repo unnamed: hidden 7168, \
             intermediate 18432, 61 layers, 256 routed + 1 shared experts of 2048, top-8, \
             q_lora_rank 1536, kv_lora_rank 512, qk_nope 128, qk_rope 64, v_head 128, context \
             163840) and github abhibambhaniya/GenZ-LLM-Analyzer misc.py (vocab 129280, \
             first_k_dense_replace 3; its shared_expert_intermediate_size 18432 is wrong); the \
             ~14B MTP module in the HF repo is not counted; kv_heads 128 is nominal (MLA caches \
             a 576-element latent); head_dim set to qk_nope + qk_rope = 192, unused under MLA")
            .head_dim(192)
            .moe(Moe { experts: 256, active: 8, shared: 1, expert_intermediate: 2048, dense_layers: 3 })
            .mla(Mla {
                q_lora_rank: 1536, kv_lora_rank: 512,
                qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128,
            }),
        gpt("gpt-3-175b",        "GPT-3 175B",      12288, 49152, 96,  96,  96, 50257,  2048,
            "Brown et al. 2020 Table 2.1 (d_head 128) and github abhibambhaniya/GenZ-LLM-Analyzer \
             meta.py gpt3_config (hidden 12288, 96 heads, 96 layers, FFN 4×, 2048 context); \
             vocab 50257 = GPT-2 BPE (mlc-llm preset 'gpt2'; GenZ uses OPT's padded 50272); \
             learned position embeddings, tied embeddings")
            .tied().positions(2048),
        gpt("falcon-40b",        "Falcon-40B",      8192,  32768, 60,  128, 8,  65024,  2048,
            "tiiuae/falcon-40b: ggllm.cpp falcon_model_load log in github ggerganov/llama.cpp \
             README.md (n_vocab 65024, n_embd 8192, n_head 128, n_head_kv 8, n_layer 60, n_ff \
             32768); model_params excerpt (num_kv_heads 8, new_decoder_architecture); 2048 \
             context; GELU MLP, parallel attention + MLP; tie_word_embeddings not retrieved \
             (HF FalconConfig default true)")
            .tied(),
        gpt("opt-13b",           "OPT-13B",         5120,  20480, 40,  40,  40, 50272,  2048,
            "facebook/opt-13b config via github cli99/llm-analysis \
             llm_analysis/model_configs/facebook_opt-13b.json (GenZ's hidden 5140 is a typo); \
             ReLU MLP; learned positions 2048 + OPT's offset of 2 = 2050 rows; tie=true is the \
             OPT default (unverified)")
            .tied().positions(2050),
        gpt("gpt-j-6b",          "GPT-J-6B",        4096,  16384, 28,  16,  16, 50400,  2048,
            "EleutherAI/gpt-j-6b config via github cli99/llm-analysis \
             llm_analysis/model_configs/EleutherAI_gpt-j-6b.json and NVIDIA/TensorRT-LLM \
             docs/source/performance.md (n_layer 28, n_head 16, n_embd 4096, n_positions 2048); \
             GELU MLP, parallel attention + MLP, rotary_dim 64; untied LM head (with bias)"),
        // From the corpus (tests/data/configs/<file>.json, verbatim; tests/catalog_configs.rs).
        llama("qwen3-0.6b",      "Qwen3-0.6B",      1024,  3072,  28,  16,  8,  151936, 40960,
            "tests/data/configs/qwen3-0.6b.json: Qwen/Qwen3-0.6B config.json, verbatim from \
             github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             Qwen--Qwen3-0.6B_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce \
             (head_dim 128 > hidden/heads = 64; tied)")
            .head_dim(128).tied(),
        llama("qwen3-1.7b",      "Qwen3-1.7B",      2048,  6144,  28,  16,  8,  151936, 40960,
            "tests/data/configs/qwen3-1.7b.json: Qwen/Qwen3-1.7B config.json, verbatim from \
             github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             Qwen--Qwen3-1.7B_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce (tied)")
            .head_dim(128).tied(),
        llama("qwen3-8b",        "Qwen3-8B",        4096,  12288, 36,  32,  8,  151936, 40960,
            "tests/data/configs/qwen3-8b.json: Qwen/Qwen3-8B config.json, verbatim from \
             github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             Qwen--Qwen3-8B_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce (untied)")
            .head_dim(128),
        llama("qwen3-32b",       "Qwen3-32B",       5120,  25600, 64,  64,  8,  151936, 40960,
            "tests/data/configs/qwen3-32b.json: Qwen/Qwen3-32B config.json, verbatim from \
             github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             Qwen--Qwen3-32B_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce (head_dim \
             128 > hidden/heads = 80; untied)")
            .head_dim(128),
        llama("qwen3-30b-a3b",   "Qwen3-30B-A3B",   2048,  6144,  48,  32,  4,  151936, 40960,
            "tests/data/configs/qwen3-30b-a3b.json: Qwen/Qwen3-30B-A3B config.json, verbatim from \
             github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             Qwen--Qwen3-30B-A3B_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce (128 \
             experts of moe_intermediate_size 768, top-8, no shared expert, decoder_sparse_step \
             1, mlp_only_layers []; intermediate_size 6144 is unused)")
            .head_dim(128)
            .moe(Moe { experts: 128, active: 8, shared: 0, expert_intermediate: 768, dense_layers: 0 }),
        llama("qwen3-235b-a22b", "Qwen3-235B-A22B", 4096,  12288, 94,  64,  4,  151936, 40960,
            "tests/data/configs/qwen3-235b-a22b.json: Qwen/Qwen3-235B-A22B config.json, verbatim \
             from github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             Qwen--Qwen3-235B-A22B_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce (128 \
             experts of 1536, top-8, no shared expert)")
            .head_dim(128)
            .moe(Moe { experts: 128, active: 8, shared: 0, expert_intermediate: 1536, dense_layers: 0 }),
        llama("gpt-oss-20b",     "gpt-oss-20b",     2880,  2880,  24,  64,  8,  201088, 131072,
            "tests/data/configs/gpt-oss-20b.json: openai/gpt-oss-20b config.json, verbatim from \
             github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             openai--gpt-oss-20b_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce (32 \
             experts of 2880, top-4; layer_types alternate sliding (window 128) and full: 12 \
             each; attention_bias true; head_dim 64; untied; the MXFP4 checkpoint format, the \
             expert and output biases and the attention sinks are not modelled)")
            .head_dim(64).qkv_bias().window(128, 12)
            .moe(Moe { experts: 32, active: 4, shared: 0, expert_intermediate: 2880, dense_layers: 0 }),
        llama("gpt-oss-120b",    "gpt-oss-120b",    2880,  2880,  36,  64,  8,  201088, 131072,
            "tests/data/configs/gpt-oss-120b.json: openai/gpt-oss-120b config.json, verbatim from \
             github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             openai--gpt-oss-120b_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce (128 \
             experts of 2880, top-4; layer_types alternate sliding (window 128) and full: 18 \
             each; attention_bias true; head_dim 64; untied; MXFP4 format, expert/output biases \
             and attention sinks not modelled)")
            .head_dim(64).qkv_bias().window(128, 18)
            .moe(Moe { experts: 128, active: 4, shared: 0, expert_intermediate: 2880, dense_layers: 0 }),
        llama("deepseek-r1",     "DeepSeek-R1",     7168,  18432, 61,  128, 128, 129280, 163840,
            "tests/data/configs/deepseek-r1.json: deepseek-ai/DeepSeek-R1 config.json, verbatim \
             from github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             deepseek-ai--DeepSeek-R1_config.json @ 095f58a51c4ca8e61b66ec108d86f223f8d559ce \
             (DeepSeek-V3's shape: MLA, 256 routed + 1 shared experts of 2048, top-8, \
             first_k_dense_replace 3; the MTP layer is not counted; head_dim = qk_nope + qk_rope \
             = 192, unused under MLA)")
            .head_dim(192)
            .moe(Moe { experts: 256, active: 8, shared: 1, expert_intermediate: 2048, dense_layers: 3 })
            .mla(Mla {
                q_lora_rank: 1536, kv_lora_rank: 512,
                qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128,
            }),
        llama("kimi-k2",         "Kimi K2 (Instruct)", 7168, 18432, 61, 64,  64, 163840, 131072,
            "tests/data/configs/kimi-k2-instruct.json: moonshotai/Kimi-K2-Instruct config.json, \
             verbatim from github:ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/\
             model_configs/moonshotai--Kimi-K2-Instruct_config.json @ \
             095f58a51c4ca8e61b66ec108d86f223f8d559ce (DeepSeek-V3 architecture with 64 heads, \
             384 routed + 1 shared experts of 2048, top-8, first_k_dense_replace 1, MLA; \
             head_dim = 128 + 64 = 192, unused under MLA)")
            .head_dim(192)
            .moe(Moe { experts: 384, active: 8, shared: 1, expert_intermediate: 2048, dense_layers: 1 })
            .mla(Mla {
                q_lora_rank: 1536, kv_lora_rank: 512,
                qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128,
            }),
        llama("glm-4.5",         "GLM-4.5",         5120,  12288, 92,  96,  8,  151552, 131072,
            "tests/data/configs/glm-4.5.json: zai-org/GLM-4.5 config.json, verbatim from \
             github:alibaba/rtp-llm rtp_llm/test/model_test/fake_test/testdata/glm45/tokenizer/\
             config.json @ 4b8d39cd5cbe4eff0cf0661411e15be21ccc58b9 (160 routed + 1 shared \
             experts of 1536, top-8, first_k_dense_replace 3 with dense intermediate 12288; \
             head_dim 128; attention_bias true; the MTP layer, QK norm and partial rotary are \
             not modelled)")
            .head_dim(128).qkv_bias()
            .moe(Moe { experts: 160, active: 8, shared: 1, expert_intermediate: 1536, dense_layers: 3 }),
        // Sourced elsewhere (no verbatim config.json in the corpus; the source says where).
        llama("qwen3-4b",        "Qwen3-4B",        2560,  9728,  36,  32,  8,  151936, 40960,
            "Qwen/Qwen3-4B via github AI-Hypercomputer/maxtext src/MaxText/utils/ckpt_conversion/\
             utils/hf_model_configs.py @ 02b47fd815659b2d3119206cb25c05b5a0a74dbc \
             (qwen3_4b_config: vocab 151936, hidden 2560, intermediate 9728, 36 layers, 32 heads, \
             8 KV heads, head_dim 128 > hidden/heads = 80, max_position_embeddings 40960, tied); \
             the verbatim Qwen3-4B-Base config (tests/data/configs/qwen3-4b-base.json, \
             Robojiang/qwen_mlsys @ a33ae42) has the same shape with a 32768 context")
            .head_dim(128).tied(),
        llama("qwen3-14b",       "Qwen3-14B",       5120,  17408, 40,  40,  8,  151936, 40960,
            "Qwen/Qwen3-14B via github AI-Hypercomputer/maxtext src/MaxText/utils/ckpt_conversion/\
             utils/hf_model_configs.py @ 02b47fd815659b2d3119206cb25c05b5a0a74dbc \
             (qwen3_14b_config: vocab 151936, hidden 5120, intermediate 17408, 40 layers, 40 \
             heads, 8 KV heads, head_dim 128, max_position_embeddings 40960, untied)")
            .head_dim(128),
        llama("glm-4.5-air",     "GLM-4.5-Air",     4096,  10944, 46,  96,  8,  151552, 131072,
            "zai-org/GLM-4.5-Air config via github NVIDIA-NeMo/Megatron-Bridge \
             tests/unit_tests/models/glm/test_glm45_bridge.py @ \
             067f987df03b8355b03192d88d70f1709fedf51a (glm45_air_106b_config, a mock of the HF \
             config whose GLM-4.5 twin matches tests/data/configs/glm-4.5.json key for key: \
             hidden 4096, intermediate 10944, 46 layers, 96 heads, 8 KV heads, head_dim 128, \
             128 routed + 1 shared experts of 1408, top-8, first_k_dense_replace 1, \
             attention_bias true, vocab 151552, 131072 context, untied); a convert_to_hf.py \
             CONFIG seen in the code index (repository not named) gives the same numbers; the \
             MTP layer, QK norm and partial rotary are not modelled")
            .head_dim(128).qkv_bias()
            .moe(Moe { experts: 128, active: 8, shared: 1, expert_intermediate: 1408, dense_layers: 1 }),
        llama("llama-3.3-70b",   "Llama-3.3-70B-Instruct", 8192, 28672, 80, 64, 8, 128256, 131072,
            "meta-llama/Llama-3.3-70B-Instruct config.json via github ai-dynamo/aiconfigurator \
             src/aiconfigurator/model_configs/meta-llama--Llama-3.3-70B-Instruct_config.json @ \
             f577ab8432dfc9970fea27853a24861a6d3076cf (removed later; kept out of the corpus \
             because eos_token_id is written on one line, but every shape key is there: hidden \
             8192, intermediate 28672, 80 layers, 64 heads, 8 KV heads, vocab 128256, 131072 \
             context, tie_word_embeddings false); Llama 3.1 70B's shape"),
        llama("mistral-small-3", "Mistral-Small-24B-Instruct-2501 (Mistral Small 3)", 5120, 32768, 40, 32, 8, 131072, 32768,
            "mistralai/Mistral-Small-24B-Instruct-2501: Mistral's params.json via github \
             OpenMOSE/RWKV-LM-RLHF main/tokenizer/mistralsmall3/params.json @ \
             c394e06d2ea0fdad4679af83b9dd77b517a87f49 (dim 5120, n_layers 40, head_dim 128 ≠ \
             hidden/heads = 160, hidden_dim 32768, n_heads 32, n_kv_heads 8, vocab_size 131072, \
             max_seq_len 32768); untied: model.safetensors.index.json there @ 7e8f62a lists \
             lm_head.weight beside model.embed_tokens.weight, total_size 47,144,806,400 bytes \
             (bf16: 23,572,403,200 parameters)")
            .head_dim(128),
        llama("llama-4-scout",   "Llama-4-Scout-17B-16E-Instruct", 5120, 16384, 48, 40, 8, 202048, 10485760,
            "meta-llama/Llama-4-Scout-17B-16E-Instruct text_config via github \
             ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             meta-llama--Llama-4-Scout-17B-16E-Instruct_config.json @ 095f58a5 (trimmed: hidden \
             5120, intermediate_size 8192 per expert, intermediate_size_mlp 16384, 48 layers, 40 \
             heads, 8 KV heads, head_dim 128, 16 experts top-1, interleave_moe_layer_step 1, \
             attention_chunk_size 8192, vocab 202048, max_position_embeddings 10485760); the \
             keys it drops take the defaults of huggingface/transformers \
             src/transformers/models/llama4/configuration_llama4.py @ 008e574: no_rope_layers \
             from no_rope_layer_interval 4 (36 chunked RoPE layers, 12 global NoPE layers; the \
             pattern [1,1,1,0,…] printed in a Scout config quoted in vllm-project/vllm#20581), \
             tie_word_embeddings false, one shared expert of intermediate_size; the vision \
             encoder is not counted")
            .head_dim(128).chunked(8192, 36)
            .moe(Moe { experts: 16, active: 1, shared: 1, expert_intermediate: 8192, dense_layers: 0 }),
        llama("llama-4-maverick", "Llama-4-Maverick-17B-128E-Instruct", 5120, 16384, 48, 40, 8, 202048, 1048576,
            "meta-llama/Llama-4-Maverick-17B-128E-Instruct text_config via github \
             ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/model_configs/\
             meta-llama--Llama-4-Maverick-17B-128E-Instruct_config.json @ 095f58a5 (trimmed: \
             as Scout but 128 experts, interleave_moe_layer_step 2, max_position_embeddings \
             1048576): experts on every 2nd layer, so 48 − 48/2 = 24 layers have a dense MLP of \
             intermediate_size_mlp 16384; defaults from huggingface/transformers \
             configuration_llama4.py @ 008e574 (no_rope_layer_interval 4: 36 chunked layers; \
             untied; one shared expert); vision encoder not counted")
            .head_dim(128).chunked(8192, 36)
            .moe(Moe { experts: 128, active: 1, shared: 1, expert_intermediate: 8192, dense_layers: 24 }),
        llama("gemma-3-4b",      "Gemma-3-4B",      2560,  10240, 34,  8,   4,  262144, 131072,
            "google/gemma-3-4b text_config via github AI-Hypercomputer/maxtext \
             src/MaxText/utils/ckpt_conversion/utils/hf_model_configs.py @ \
             02b47fd815659b2d3119206cb25c05b5a0a74dbc (gemma3_4b_config: hidden 2560, \
             intermediate 10240, 34 layers, 8 heads, 4 KV heads, head_dim 256, sliding_window \
             1024, sliding_window_pattern 6, vocab 262144): one global layer in 6, 34 − 34/6 = 29 \
             sliding; tie_word_embeddings true and max_position_embeddings 131072 are the \
             huggingface/transformers Gemma3TextConfig defaults (configuration_gemma3.py @ \
             008f5c8; MaxText's dump says 163840); GeGLU; the extra pre/post-FFN and QK norms and \
             the vision tower are not counted")
            .head_dim(256).tied().window(1024, 29),
        llama("gemma-3-12b",     "Gemma-3-12B",     3840,  15360, 48,  16,  8,  262144, 131072,
            "google/gemma-3-12b text_config via github AI-Hypercomputer/maxtext \
             src/MaxText/utils/ckpt_conversion/utils/hf_model_configs.py @ \
             02b47fd815659b2d3119206cb25c05b5a0a74dbc (gemma3_12b_config: hidden 3840, \
             intermediate 15360, 48 layers, 16 heads, 8 KV heads, head_dim 256, sliding_window \
             1024, pattern 6, vocab 262144): 48 − 8 = 40 sliding layers; tied and 131072 context \
             from the transformers Gemma3TextConfig defaults (@ 008f5c8); vision tower not \
             counted")
            .head_dim(256).tied().window(1024, 40),
        llama("gemma-3-27b",     "Gemma-3-27B",     5376,  21504, 62,  32,  16, 262144, 131072,
            "google/gemma-3-27b text_config via github AI-Hypercomputer/maxtext \
             src/MaxText/utils/ckpt_conversion/utils/hf_model_configs.py @ \
             02b47fd815659b2d3119206cb25c05b5a0a74dbc (gemma3_27b_config: hidden 5376, \
             intermediate 21504, 62 layers, 32 heads, 16 KV heads, head_dim 128 ≠ hidden/heads \
             = 168, sliding_window 1024, pattern 6, vocab 262144): 62 − 10 = 52 sliding layers; \
             tied and 131072 context from the transformers Gemma3TextConfig defaults (@ \
             008f5c8); vision tower not counted")
            .head_dim(128).tied().window(1024, 52),
    ]
}

/// The built-in model with this id.
pub fn model(id: &str) -> Option<Model> {
    models().into_iter().find(|m| m.id == id)
}

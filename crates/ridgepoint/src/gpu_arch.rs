//! How a kernel runs on the chosen GPU (the seed's execution model with this GPU's numbers),
//! its memory hierarchy with sizes, bandwidths and latencies, and what prefill and decode
//! imply for optimization in this scenario.
//!
//! Every figure carries its [`Basis`]: [`Basis::Sourced`] names where it was read,
//! [`Basis::Typical`] says it was not measured on this GPU and on what it rests. A figure no
//! source gives is left out (`None`), not guessed.
//!
//! Plain data: [`execution`] and [`hierarchy`] take a [`Gpu`], [`phases`] an [`Estimate`],
//! [`implications`] the [`Scenario`] and its [`Estimate`].

use crate::estimate::{Bound, Estimate, KneeCause, Phase};
use crate::hardware::Gpu;
use crate::ops::{ops, Step};
use crate::precision::Precision;
use crate::scenario::Scenario;
use crate::units::{sig3, Bytes, BytesPerSec, Unit};

/// Where a figure comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Basis {
    /// Read from this source.
    Sourced(String),
    /// Not measured on this GPU; the text says what it rests on.
    Typical(String),
}

impl Basis {
    fn sourced(s: &str) -> Basis {
        Basis::Sourced(s.to_string())
    }
    fn typical(s: &str) -> Basis {
        Basis::Typical(s.to_string())
    }
    pub fn is_typical(&self) -> bool {
        matches!(self, Basis::Typical(_))
    }
    /// The source or the basis, in words.
    pub fn text(&self) -> &str {
        match self {
            Basis::Sourced(s) | Basis::Typical(s) => s,
        }
    }
}

/// A value with its basis.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact<T> {
    pub value: T,
    pub basis: Basis,
}

fn sourced<T>(value: T, s: &str) -> Fact<T> {
    Fact {
        value,
        basis: Basis::sourced(s),
    }
}

fn typical<T>(value: T, s: &str) -> Fact<T> {
    Fact {
        value,
        basis: Basis::typical(s),
    }
}

// ---------------------------------------------------------------------------------------------
// Sources.

/// The seed's execution model.
pub const SEED_EXECUTION: &str = "the seed article, \"Execution Model: Warps and Thread Blocks\": \
     a kernel launch schedules a grid of thread blocks onto SMs; each block has up to 1024 \
     threads; a warp is 32 threads in lockstep (SIMT); divergent branches run serially";
/// The seed's SRAM and HBM latencies.
pub const SEED_LATENCY: &str = "the seed article, \"SRAM vs. HBM: The Crucial Ratio\" (A100: \
     on-chip SRAM ~30 cycles, HBM ~400 cycles)";
const OCCUPANCY_H: &str = "NVIDIA CUDA 12.6 cuda_occupancy.h, cudaOccMaxBlocksPerMultiprocessor \
     and cudaOccAlignUpShmemSizeVoltaPlus (copy at github.com/zspace/system.cuda-12.6, \
     include/cuda_occupancy.h; it covers capabilities up to 9.0)";
const TORCH_THREADS: &str = "pytorch/pytorch c10/macros/Macros.h, CUDA_MAX_THREADS_PER_SM, taken \
     from the CUDA C++ Programming Guide's technical specifications: 1024 for 7.5, 1536 for \
     8.6, 8.7 and 8.9, 2048 for all other capabilities; CUDA_MAX_THREADS_PER_BLOCK = 1024";
const DEVICEQUERY_5090: &str = "CUDA deviceQuery on an RTX 5090 (runtime 12.8), in a public \
     repository: capability 12.0, 1,536 threads per multiprocessor, 102,400 bytes of shared \
     memory per multiprocessor, 65,536 registers per block, warp size 32";
const REGS_A100: &str = "NVIDIA developer forums, \"What's the max register number that causes \
     slowdown\": an A100 SM has 64K = 65,536 registers and 2,048 threads";
const REGS_GA10X: &str = "GA10x SM: a 256 KB register file (NVIDIA GA102 whitepaper, quoted at \
     gist.github.com/getianao) = 65,536 × 4-byte registers";
const REGS_H100: &str = "modal.com/gpu-glossary/perf/occupancy (H100 SM: 64 warps, 32 blocks, \
     65,536 32-bit registers, 228 KB shared memory)";
const REGS_TYPICAL: &str = "65,536 32-bit registers per SM on every NVIDIA capability a source \
     gives (8.0 A100, 8.6 GA10x, 9.0 H100; 12.0 reports 65,536 per block); not read for this \
     capability";
const ROCM_SPECS: &str = "ROCm documentation, reference/gpu-specs (AMD Instinct table: \
     wavefront size 64; LDS, L2, L3 and VGPR file per CU); a 32-bit register is 4 bytes";
const NVIDIA_SMI: &str = "nvidia-smi --query-gpu=name,compute_cap output for this part, in \
     public repositories";

/// Pointer-chasing latencies and cache bandwidths measured by github.com/te42kyfo/gpu-benches.
const BENCH_V100: &str = "te42kyfo/gpu-benches README (Tesla V100 PCIe 16GB, 1,380 MHz): \
     cuda-latency L1 30 cycles, L2 214 cycles, DRAM 428–436 cycles; cuda-cache L1 13.7 TB/s, \
     L2 2.5 TB/s";
const BENCH_A100: &str = "te42kyfo/gpu-benches cuda-latency/a100_80.txt (A100 80GB, 1,410 MHz): \
     L1 36 cycles, L2 211 cycles (near half; far half 424), DRAM 570 cycles; \
     cuda-cache/a100_80.txt: L1 19.1 TB/s, L2 4.6 TB/s. The seed rounds the A100 to ~30 \
     cycles for SRAM and ~400 for HBM (\"SRAM vs. HBM: The Crucial Ratio\")";
const BENCH_H100: &str = "te42kyfo/gpu-benches gpu-latency/h100_pcie.txt (H100 PCIe, 1,755 MHz): \
     L1 34 cycles, L2 265 cycles (near partition; far 475), DRAM 650 cycles; \
     cuda-cache/h100_pcie.txt: L1 25.2 TB/s, L2 8.3 TB/s";
const BENCH_L40: &str = "te42kyfo/gpu-benches gpu-latency/l40.txt (L40, 2,490 MHz): L1 36 \
     cycles, L2 276 cycles, DRAM 631 cycles";
const BENCH_MI210: &str = "te42kyfo/gpu-benches gpu-latency/mi210.txt (MI210, CDNA2, 1,700 MHz): \
     L1 125 cycles, L2 ≈240 cycles, DRAM 655–665 cycles";

// ---------------------------------------------------------------------------------------------
// Architectures.

/// Per-SM limits of one NVIDIA compute capability or AMD architecture.
#[derive(Clone, Copy, Debug)]
struct Arch {
    family: &'static str,
    amd: bool,
    threads_per_sm: Option<(u32, &'static str)>,
    blocks_per_sm: Option<(u32, &'static str)>,
    registers_per_sm: Option<(u32, &'static str, bool)>,
    /// Largest shared memory (LDS) one SM offers, bytes.
    shared_per_sm: Option<(f64, &'static str)>,
    /// AMD: the L2 and L3 (Infinity Cache) of the part, bytes, from the ROCm table.
    l2: Option<(f64, &'static str)>,
    l3: Option<(f64, &'static str)>,
}

const KIB: f64 = 1024.0;
const MIB: f64 = 1024.0 * 1024.0;

const fn nv(family: &'static str) -> Arch {
    Arch {
        family,
        amd: false,
        threads_per_sm: None,
        blocks_per_sm: None,
        registers_per_sm: None,
        shared_per_sm: None,
        l2: None,
        l3: None,
    }
}

fn arch(version: &str) -> Option<Arch> {
    let regs_typical = Some((65_536, REGS_TYPICAL, true));
    let a = match version {
        "7.0" => Arch {
            threads_per_sm: Some((2048, TORCH_THREADS)),
            blocks_per_sm: Some((32, OCCUPANCY_H)),
            registers_per_sm: regs_typical,
            shared_per_sm: Some((96.0 * KIB, OCCUPANCY_H)),
            ..nv("Volta")
        },
        "7.5" => Arch {
            threads_per_sm: Some((1024, TORCH_THREADS)),
            blocks_per_sm: Some((16, OCCUPANCY_H)),
            registers_per_sm: regs_typical,
            shared_per_sm: Some((64.0 * KIB, OCCUPANCY_H)),
            ..nv("Turing")
        },
        "8.0" => Arch {
            threads_per_sm: Some((2048, TORCH_THREADS)),
            blocks_per_sm: Some((32, OCCUPANCY_H)),
            registers_per_sm: Some((65_536, REGS_A100, false)),
            shared_per_sm: Some((164.0 * KIB, OCCUPANCY_H)),
            ..nv("Ampere (GA100)")
        },
        "8.6" => Arch {
            threads_per_sm: Some((1536, TORCH_THREADS)),
            blocks_per_sm: Some((16, OCCUPANCY_H)),
            registers_per_sm: Some((65_536, REGS_GA10X, false)),
            shared_per_sm: Some((100.0 * KIB, OCCUPANCY_H)),
            ..nv("Ampere (GA10x)")
        },
        "8.9" => Arch {
            threads_per_sm: Some((1536, TORCH_THREADS)),
            blocks_per_sm: Some((24, OCCUPANCY_H)),
            registers_per_sm: regs_typical,
            shared_per_sm: Some((100.0 * KIB, OCCUPANCY_H)),
            ..nv("Ada Lovelace")
        },
        "9.0" => Arch {
            threads_per_sm: Some((2048, TORCH_THREADS)),
            blocks_per_sm: Some((32, OCCUPANCY_H)),
            registers_per_sm: Some((65_536, REGS_H100, false)),
            shared_per_sm: Some((228.0 * KIB, OCCUPANCY_H)),
            ..nv("Hopper")
        },
        "10.0" => Arch {
            threads_per_sm: Some((2048, TORCH_THREADS)),
            registers_per_sm: regs_typical,
            ..nv("Blackwell")
        },
        "10.3" => Arch {
            threads_per_sm: Some((2048, TORCH_THREADS)),
            registers_per_sm: regs_typical,
            ..nv("Blackwell Ultra")
        },
        "12.0" => Arch {
            threads_per_sm: Some((1536, DEVICEQUERY_5090)),
            registers_per_sm: regs_typical,
            shared_per_sm: Some((100.0 * KIB, DEVICEQUERY_5090)),
            ..nv("Blackwell (GB20x)")
        },
        "gfx90a" => Arch {
            amd: true,
            registers_per_sm: Some((512 * 1024 / 4, ROCM_SPECS, false)),
            shared_per_sm: Some((64.0 * KIB, ROCM_SPECS)),
            // 16 MiB for the package, 8 per GCD; a process sees one GCD.
            l2: Some((8.0 * MIB, ROCM_SPECS)),
            ..nv("CDNA 2")
        },
        "gfx942" => Arch {
            amd: true,
            registers_per_sm: Some((512 * 1024 / 4, ROCM_SPECS, false)),
            shared_per_sm: Some((64.0 * KIB, ROCM_SPECS)),
            l2: Some((32.0 * MIB, ROCM_SPECS)),
            l3: Some((256.0 * MIB, ROCM_SPECS)),
            ..nv("CDNA 3")
        },
        "gfx950" => Arch {
            amd: true,
            registers_per_sm: Some((512 * 1024 / 4, ROCM_SPECS, false)),
            shared_per_sm: Some((160.0 * KIB, ROCM_SPECS)),
            l2: Some((32.0 * MIB, ROCM_SPECS)),
            l3: Some((256.0 * MIB, ROCM_SPECS)),
            ..nv("CDNA 4")
        },
        _ => return None,
    };
    Some(a)
}

/// The compute capability (NVIDIA) or LLVM target (AMD) of a catalog GPU, and its source.
fn version_of(id: &str) -> Option<(&'static str, &'static str)> {
    Some(match id {
        "v100-sxm2-32gb" => (
            "7.0",
            "github vllm-project/vllm#946: \"Tesla V100-SXM2-32GB GPU has compute capability 7.0\"",
        ),
        "t4" => (
            "7.5",
            "github vllm-project/vllm#1157: Tesla T4, compute capability 7.5",
        ),
        "a100-40gb-sxm" | "a100-80gb-sxm" | "a100-80gb-pcie" => ("8.0", NVIDIA_SMI),
        "a10" => (
            "8.6",
            "typical: the A10 is a GA102 part (calwoo.github.io NVIDIA GPU table), the die of the \
             RTX 3090, which nvidia-smi reports as 8.6",
        ),
        "rtx-3090" | "rtx-4090" | "l4" | "l40s" => (
            match id {
                "rtx-3090" => "8.6",
                _ => "8.9",
            },
            NVIDIA_SMI,
        ),
        "h100-sxm" | "h100-pcie" | "h200-sxm" | "h20" => ("9.0", NVIDIA_SMI),
        "gb200" | "b200-sxm" => ("10.0", NVIDIA_SMI),
        "b300-sxm" | "gb300" => ("10.3", NVIDIA_SMI),
        "rtx-5090" | "rtx-pro-6000" => ("12.0", NVIDIA_SMI),
        "mi250x-gcd" => ("gfx90a", ROCM_SPECS),
        "mi300x" | "mi325x" => ("gfx942", ROCM_SPECS),
        "mi355x" => ("gfx950", ROCM_SPECS),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// The execution model.

/// One step of the chain kernel → grid → blocks → warps, with this GPU's numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    /// "Kernel", "Grid", "Thread block", "Warp", "SM", "GPU".
    pub level: &'static str,
    pub text: String,
}

/// The seed's worked example: one thread per element of a row this wide.
pub const EXAMPLE_ROW: u32 = 4096;

/// How kernels run on one GPU: its per-SM limits and the seed's chain with its numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    /// "Hopper", "CDNA 3".
    pub architecture: &'static str,
    /// "compute capability 9.0" or "gfx942".
    pub version: Fact<String>,
    /// "warp" (NVIDIA) or "wavefront" (AMD).
    pub unit: &'static str,
    pub warp_size: Fact<u32>,
    /// Streaming multiprocessors or compute units, from the catalog GPU.
    pub sms: u32,
    pub max_threads_per_block: Option<Fact<u32>>,
    pub max_threads_per_sm: Option<Fact<u32>>,
    /// max threads / warp size.
    pub max_warps_per_sm: Option<Fact<u32>>,
    pub max_blocks_per_sm: Option<Fact<u32>>,
    /// 32-bit registers per SM.
    pub registers_per_sm: Option<Fact<u32>>,
    /// The largest shared memory (LDS) one SM offers a kernel.
    pub shared_per_sm: Option<Fact<Bytes>>,
    /// SMs × max threads per SM.
    pub resident_threads: Option<u64>,
    /// SMs × max warps per SM.
    pub resident_warps: Option<u64>,
    /// Registers each thread may hold with every thread slot filled.
    pub registers_per_thread_at_full: Option<u32>,
    /// The worked example: warps and blocks for one [`EXAMPLE_ROW`]-wide row.
    pub row_warps: u32,
    pub row_blocks: Option<u32>,
    /// Such rows resident on the whole GPU at once.
    pub rows_resident: Option<u64>,
    pub chain: Vec<Stage>,
}

/// The execution model of `g`, or why there is none.
pub fn execution_model(g: &Gpu) -> Result<Execution, String> {
    let Some((version, version_source)) = version_of(&g.id) else {
        return Err(if g.id == crate::query::CUSTOM {
            "a custom GPU: its architecture and per-SM limits are not known".to_string()
        } else if g.vendor == "NVIDIA" || g.vendor == "AMD" {
            format!("the {} has no sourced architecture here", g.name)
        } else {
            format!(
                "the {} is not a SIMT GPU of SMs and warps: the seed's execution model is NVIDIA's \
                 (and AMD's, with wavefronts); its own has no per-SM limits in the sources",
                g.name
            )
        });
    };
    let Some(a) = arch(version) else {
        return Err(format!("no per-SM limits sourced for {version}"));
    };
    let Some(sms) = g.sms.filter(|&n| n > 0) else {
        return Err(format!(
            "the {}'s SM count is not in its sources, so per-GPU totals cannot be formed",
            g.name
        ));
    };
    let (unit, warp_size) = if a.amd {
        ("wavefront", sourced(64, ROCM_SPECS))
    } else {
        ("warp", sourced(32, SEED_EXECUTION))
    };
    let version_fact = Fact {
        value: if a.amd {
            version.to_string()
        } else {
            format!("compute capability {version}")
        },
        basis: if version_source.starts_with("typical") {
            Basis::typical(version_source)
        } else {
            Basis::sourced(version_source)
        },
    };
    let max_threads_per_block = (!a.amd).then(|| sourced(1024, SEED_EXECUTION));
    let max_threads_per_sm = a.threads_per_sm.map(|(v, s)| sourced(v, s));
    let max_warps_per_sm = max_threads_per_sm.as_ref().map(|t| Fact {
        value: t.value / warp_size.value,
        basis: Basis::Sourced(format!(
            "{} threads / {} per {unit}: {}",
            t.value,
            warp_size.value,
            t.basis.text()
        )),
    });
    let max_blocks_per_sm = a.blocks_per_sm.map(|(v, s)| sourced(v, s));
    let registers_per_sm = a.registers_per_sm.map(|(v, s, is_typical)| {
        if is_typical {
            typical(v, s)
        } else {
            sourced(v, s)
        }
    });
    let shared_per_sm = a.shared_per_sm.map(|(v, s)| sourced(Bytes(v), s));
    let resident_threads = max_threads_per_sm
        .as_ref()
        .map(|t| sms as u64 * t.value as u64);
    let resident_warps = max_warps_per_sm
        .as_ref()
        .map(|w| sms as u64 * w.value as u64);
    let registers_per_thread_at_full = registers_per_sm
        .as_ref()
        .zip(max_threads_per_sm.as_ref())
        .map(|(r, t)| r.value / t.value);
    let ws = warp_size.value;
    let row_warps = EXAMPLE_ROW.div_ceil(ws);
    let row_blocks = max_threads_per_block
        .as_ref()
        .map(|b| EXAMPLE_ROW.div_ceil(b.value));
    let rows_resident = resident_threads.map(|t| t / EXAMPLE_ROW as u64);

    let count = |v: u64| Unit::Count.format(v as f64);
    let mut chain = vec![Stage {
        level: "Kernel",
        text: format!(
            "A kernel launch is one grid of thread blocks; the GPU schedules the blocks onto its \
             {sms} {}.",
            if a.amd { "compute units" } else { "SMs" }
        ),
    }];
    chain.push(Stage {
        level: "Thread block",
        text: match &max_threads_per_block {
            Some(b) => format!(
                "A block runs on one SM and holds up to {} threads = {} {unit}s of {ws}.",
                count(b.value as u64),
                b.value / ws
            ),
            None => format!(
                "A block (work-group) runs on one compute unit, split into {unit}s of {ws}."
            ),
        },
    });
    chain.push(Stage {
        level: if a.amd { "Wavefront" } else { "Warp" },
        text: format!(
            "The {ws} threads of a {unit} execute the same instruction at once (SIMT). If they \
             take different branches, both paths run one after the other with part of the \
             {unit} idle: divergence wastes cycles."
        ),
    });
    let sm_name = if a.amd { "compute unit" } else { "SM" };
    let mut sm_text = match (&max_threads_per_sm, &max_warps_per_sm) {
        (Some(t), Some(w)) => format!(
            "Each {sm_name} keeps up to {} threads ({} {unit}s) resident",
            count(t.value as u64),
            w.value
        ),
        _ => format!("Each {sm_name}'s resident-thread limit is not in the sources"),
    };
    if let Some(b) = &max_blocks_per_sm {
        sm_text.push_str(&format!(", in at most {} blocks", b.value));
    }
    if let Some(r) = &registers_per_sm {
        sm_text.push_str(&format!("; its {} 32-bit registers", count(r.value as u64)));
        if let Some(per) = registers_per_thread_at_full {
            sm_text.push_str(&format!(
                " leave {per} per thread when every slot is filled"
            ));
        }
    }
    if let Some(s) = &shared_per_sm {
        sm_text.push_str(&format!(
            "; up to {} KiB of shared memory",
            sig3(s.value.get() / KIB)
        ));
    }
    sm_text.push('.');
    chain.push(Stage {
        level: if a.amd { "Compute unit" } else { "SM" },
        text: sm_text,
    });
    chain.push(Stage {
        level: "GPU",
        text: match (resident_threads, resident_warps) {
            (Some(t), Some(w)) => format!(
                "{sms} × {} = {} threads ({} {unit}s) can be resident at once; a launch with \
                 more blocks runs in waves.",
                count(t / sms as u64),
                count(t),
                count(w)
            ),
            _ => format!("{sms} {sm_name}s; the resident-thread total is not sourced."),
        },
    });
    chain.push(Stage {
        level: "Example",
        text: {
            let mut t = format!(
                "One thread per element of a {}-wide row (a Llama-7B hidden vector) is {} \
                 {unit}s",
                count(EXAMPLE_ROW as u64),
                row_warps
            );
            if let Some(b) = row_blocks {
                t.push_str(&format!(" in {b} blocks of 1,024"));
            }
            if let Some(r) = rows_resident {
                t.push_str(&format!(
                    "; the whole GPU holds {} such rows at once",
                    count(r)
                ));
            }
            t.push('.');
            t
        },
    });
    Ok(Execution {
        architecture: a.family,
        version: version_fact,
        unit,
        warp_size,
        sms,
        max_threads_per_block,
        max_threads_per_sm,
        max_warps_per_sm,
        max_blocks_per_sm,
        registers_per_sm,
        shared_per_sm,
        resident_threads,
        resident_warps,
        registers_per_thread_at_full,
        row_warps,
        row_blocks,
        rows_resident,
        chain,
    })
}

/// The execution model of `g`, where its architecture and SM count are known.
pub fn execution(g: &Gpu) -> Option<Execution> {
    execution_model(g).ok()
}

// ---------------------------------------------------------------------------------------------
// The memory hierarchy.

/// One level of the memory hierarchy.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// Stable id: "registers", "sram", "l2", "l3", "dram".
    pub id: &'static str,
    pub name: String,
    /// The whole GPU's capacity at this level.
    pub size: Option<Fact<Bytes>>,
    /// Aggregate bandwidth over all SMs.
    pub bandwidth: Option<Fact<BytesPerSec>>,
    /// Load-to-use latency in clock cycles.
    pub latency_cycles: Option<Fact<f64>>,
}

/// Measured per-level figures of one part.
struct Measured {
    l1_cycles: f64,
    l2_cycles: f64,
    dram_cycles: f64,
    l1_bw: Option<f64>,
    l2_bw: Option<f64>,
    source: &'static str,
    part: &'static str,
}

const V100: Measured = Measured {
    l1_cycles: 30.0,
    l2_cycles: 214.0,
    dram_cycles: 436.0,
    l1_bw: Some(13.7e12),
    l2_bw: Some(2.5e12),
    source: BENCH_V100,
    part: "V100 PCIe",
};
const A100: Measured = Measured {
    l1_cycles: 36.0,
    l2_cycles: 211.0,
    dram_cycles: 570.0,
    l1_bw: Some(19.1e12),
    l2_bw: Some(4.6e12),
    source: BENCH_A100,
    part: "A100 80GB",
};
const H100: Measured = Measured {
    l1_cycles: 34.0,
    l2_cycles: 265.0,
    dram_cycles: 650.0,
    l1_bw: Some(25.2e12),
    l2_bw: Some(8.3e12),
    source: BENCH_H100,
    part: "H100 PCIe",
};
const L40: Measured = Measured {
    l1_cycles: 36.0,
    l2_cycles: 276.0,
    dram_cycles: 631.0,
    l1_bw: None,
    l2_bw: None,
    source: BENCH_L40,
    part: "L40",
};
const MI210: Measured = Measured {
    l1_cycles: 125.0,
    l2_cycles: 240.0,
    dram_cycles: 660.0,
    l1_bw: None,
    l2_bw: None,
    source: BENCH_MI210,
    part: "MI210",
};

/// The measurement that belongs to `id` (`true`: this very part), or the nearest measured
/// architecture's (`false`).
fn measured(id: &str, version: Option<&str>) -> Option<(&'static Measured, bool)> {
    Some(match id {
        "a100-80gb-sxm" | "a100-80gb-pcie" => (&A100, true),
        "h100-pcie" => (&H100, true),
        _ => match version? {
            "7.0" => (&V100, false),
            "8.0" => (&A100, false),
            "9.0" => (&H100, false),
            "8.9" => (&L40, false),
            "gfx90a" => (&MI210, false),
            _ => return None,
        },
    })
}

/// Registers, SRAM / L1, L2 (and AMD's Infinity Cache), device memory of `g`, top to bottom.
pub fn hierarchy(g: &Gpu) -> Vec<Level> {
    let exec = execution(g);
    let version = version_of(&g.id).map(|(v, _)| v);
    let a = version.and_then(arch);
    let amd = a.is_some_and(|a| a.amd);
    let m = measured(&g.id, version);
    let from = |value: f64, own: bool, m: &Measured| -> Fact<f64> {
        if own {
            sourced(value, m.source)
        } else {
            Fact {
                value,
                basis: Basis::Typical(format!(
                    "measured on the {} (same architecture, other clocks and SM count): {}",
                    m.part, m.source
                )),
            }
        }
    };
    let mut levels = Vec::new();

    // Registers.
    let reg_size = exec
        .as_ref()
        .and_then(|e| e.registers_per_sm.as_ref().map(|r| (e.sms, r)))
        .map(|(sms, r)| Fact {
            value: Bytes(r.value as f64 * 4.0 * sms as f64),
            basis: {
                let text = format!(
                    "{} SMs × {} registers × 4 bytes; registers: {}",
                    sms,
                    Unit::Count.format(r.value as f64),
                    r.basis.text()
                );
                if r.basis.is_typical() {
                    Basis::Typical(text)
                } else {
                    Basis::Sourced(text)
                }
            },
        });
    levels.push(Level {
        id: "registers",
        name: if amd {
            "Vector registers (VGPR file)".into()
        } else {
            "Registers".into()
        },
        size: reg_size,
        bandwidth: None,
        latency_cycles: None,
    });

    // SRAM: shared memory / L1 (LDS on AMD).
    let sram_size = match (g.sram_total(), &exec) {
        (Some(total), _) => Some(Fact {
            value: total,
            basis: Basis::Sourced(format!(
                "{} SMs × {} KiB (the catalog GPU's L1 / shared memory per SM)",
                g.sms.unwrap_or(0),
                sig3(g.sram_per_sm.map_or(0.0, |b| b.get()) / KIB)
            )),
        }),
        (None, Some(e)) => e.shared_per_sm.as_ref().map(|s| Fact {
            value: Bytes(s.value.get() * e.sms as f64),
            basis: Basis::Sourced(format!(
                "{} × {} KiB of {} per {}: {}",
                e.sms,
                sig3(s.value.get() / KIB),
                if amd {
                    "LDS"
                } else {
                    "shared memory (L1 not counted)"
                },
                if amd { "CU" } else { "SM" },
                s.basis.text()
            )),
        }),
        _ => None,
    };
    let sram_latency = match m {
        Some((m, own)) => Some(from(m.l1_cycles, own, m)),
        None if !amd && exec.is_some() => Some(typical(
            30.0,
            "the seed's A100 figure (~30 cycles); not measured on this architecture",
        )),
        None => None,
    };
    levels.push(Level {
        id: "sram",
        name: if amd {
            "LDS (shared memory) / L1".into()
        } else {
            "SRAM: shared memory / L1".into()
        },
        size: sram_size,
        bandwidth: m.and_then(|(m, own)| {
            m.l1_bw.map(|b| {
                let f = from(b, own, m);
                Fact {
                    value: BytesPerSec(f.value),
                    basis: f.basis,
                }
            })
        }),
        latency_cycles: sram_latency,
    });

    // L2.
    let l2_size = match (g.l2, a.and_then(|a| a.l2)) {
        (Some(b), _) => Some(Fact {
            value: b,
            basis: Basis::Sourced(format!("the catalog GPU: {}", short(&g.source))),
        }),
        (None, Some((b, s))) => Some(sourced(Bytes(b), s)),
        _ => None,
    };
    levels.push(Level {
        id: "l2",
        name: "L2 cache".into(),
        size: l2_size,
        bandwidth: m.and_then(|(m, own)| {
            m.l2_bw.map(|b| {
                let f = from(b, own, m);
                Fact {
                    value: BytesPerSec(f.value),
                    basis: f.basis,
                }
            })
        }),
        latency_cycles: m.map(|(m, own)| from(m.l2_cycles, own, m)),
    });

    // AMD's Infinity Cache (last-level, memory side).
    if let Some((b, s)) = a.and_then(|a| a.l3) {
        levels.push(Level {
            id: "l3",
            name: "Infinity Cache (L3)".into(),
            size: Some(sourced(Bytes(b), s)),
            bandwidth: None,
            latency_cycles: None,
        });
    }

    // Device memory.
    let dram_latency = match m {
        Some((m, own)) => Some(from(m.dram_cycles, own, m)),
        None if !amd && exec.is_some() => Some(typical(
            400.0,
            "the seed's A100 figure (~400 cycles); not measured on this architecture",
        )),
        None => None,
    };
    levels.push(Level {
        id: "dram",
        name: if g.name.contains("RTX") || matches!(g.id.as_str(), "l4" | "l40s" | "a10" | "t4") {
            "Device memory (GDDR)".into()
        } else {
            "Device memory (HBM)".into()
        },
        size: Some(Fact {
            value: g.memory,
            basis: Basis::Sourced(format!("the catalog GPU: {}", short(&g.source))),
        }),
        bandwidth: Some(Fact {
            value: g.bandwidth,
            basis: Basis::Sourced(format!("the catalog GPU (peak): {}", short(&g.source))),
        }),
        latency_cycles: dram_latency,
    });
    levels
}

/// The first clause of a long source line.
fn short(s: &str) -> String {
    let s = s.split(';').next().unwrap_or(s).trim();
    if s.chars().count() > 140 {
        let mut t: String = s.chars().take(140).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Optimization implications.

/// Which step a row speaks of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Prefill,
    Decode,
    /// Both phases (a row's target only).
    Both,
}

impl Which {
    pub const fn label(self) -> &'static str {
        match self {
            Which::Prefill => "Prefill",
            Which::Decode => "Decode",
            Which::Both => "Both",
        }
    }
}

/// What bounds one phase of this scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseBound {
    pub which: Which,
    pub tokens: f64,
    pub bound: Bound,
    /// FLOP per byte of the step.
    pub intensity: f64,
    pub ridge: f64,
    /// Roofline time at 100% of peak.
    pub time: f64,
    /// One sentence in the roofline's terms.
    pub why: String,
}

/// Prefill and decode of the estimate, each against the ridge.
pub fn phases(e: &Estimate) -> [PhaseBound; 2] {
    let ridge = e.ridge.get();
    let one = |which: Which, p: &Phase| {
        let i = p.intensity.get();
        let what = match which {
            Which::Prefill => format!(
                "{} prompt tokens share each weight read",
                Unit::Count.format(p.tokens)
            ),
            Which::Decode if p.tokens == 1.0 => {
                "1 sequence alone uses each weight read".to_string()
            }
            Which::Decode | Which::Both => format!(
                "{} sequences share each weight read",
                Unit::Count.format(p.tokens)
            ),
        };
        let why = match p.bound {
            Bound::Memory => format!(
                "{what}: {} FLOP/byte is below the ridge of {} FLOP/byte, so the step waits on \
                 memory ({} of bytes vs {} of FLOPs at peak).",
                sig3(i),
                sig3(ridge),
                Unit::Seconds.format(p.memory_time.get()),
                Unit::Seconds.format(p.compute_time.get())
            ),
            Bound::Compute => format!(
                "{what}: {} FLOP/byte is above the ridge of {} FLOP/byte, so the tensor cores \
                 are the limit ({} of FLOPs vs {} of bytes at peak).",
                sig3(i),
                sig3(ridge),
                Unit::Seconds.format(p.compute_time.get()),
                Unit::Seconds.format(p.memory_time.get())
            ),
        };
        PhaseBound {
            which,
            tokens: p.tokens,
            bound: p.bound,
            intensity: i,
            ridge,
            time: p.time.get(),
            why,
        }
    };
    [
        one(Which::Prefill, &e.prefill),
        one(Which::Decode, &e.decode),
    ]
}

/// What a lever does to one phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Attacks what bounds this phase.
    Helps,
    /// Helps a little, or only part of the step.
    Little,
    /// Does not touch what bounds it.
    No,
    /// Makes this phase slower.
    Hurts,
    /// Cannot apply here (already applied, nothing to act on).
    NotApplicable,
}

impl Effect {
    pub const fn label(self) -> &'static str {
        match self {
            Effect::Helps => "helps",
            Effect::Little => "a little",
            Effect::No => "no",
            Effect::Hurts => "hurts",
            Effect::NotApplicable => "n/a",
        }
    }
}

/// What a lever does to memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Frees memory per GPU.
    Frees,
    Same,
    /// Needs more memory per GPU.
    Needs,
}

/// One optimization against this scenario's prefill and decode.
#[derive(Clone, Debug, PartialEq)]
pub struct Implication {
    /// The advisor's lever id (`weights-fp8`, `batch-x2`, …).
    pub lever: &'static str,
    /// `advise-<lever>`: the advisor row's element id.
    pub anchor: String,
    pub name: &'static str,
    /// The phase it targets.
    pub targets: Which,
    pub prefill: Effect,
    pub decode: Effect,
    pub fit: Fit,
    /// One sentence from this scenario's numbers; when the scenario does not fit, it says so
    /// first.
    pub why: String,
}

/// The share of a decode step's bytes that are KV-cache reads, and of weight reads.
fn decode_shares(s: &Scenario) -> (f64, f64) {
    let ops = ops(s, Step::Decode);
    let total: f64 = ops.iter().map(|o| o.bytes).sum();
    if total <= 0.0 || !total.is_finite() {
        return (0.0, 0.0);
    }
    let kv: f64 = ops
        .iter()
        .filter(|o| o.name == "Attention")
        .map(|o| o.bytes)
        .sum();
    let kv = (kv / total).clamp(0.0, 1.0);
    (kv, (1.0 - kv).clamp(0.0, 1.0))
}

fn pct(v: f64) -> String {
    Unit::Percent.format(v)
}

/// Prefill against decode for this scenario: which levers target which phase, and why, in
/// numbers. Rows follow the advisor's lever ids.
pub fn implications(s: &Scenario, e: &Estimate) -> Vec<Implication> {
    let ridge = e.ridge.get();
    let pre = &e.prefill;
    let dec = &e.decode;
    let di = dec.intensity.get();
    let pi = pre.intensity.get();
    let mem = &e.memory;
    let fits = mem.fits;
    let batch = s.batch.max(1);
    let prompt = s.prompt.max(1);
    let gpus = s.gpus.max(1);
    let (kv_share, w_share) = decode_shares(s);
    let dec_mem = dec.bound == Bound::Memory;
    let pre_mem = pre.bound == Bound::Memory;
    let bytes = |b: f64| Unit::Bytes.format(b);
    let no_fit = format!(
        "Does not fit: {} needed per GPU of {}",
        bytes(mem.total.get()),
        bytes(mem.capacity.get())
    );
    // Rows that change no memory start with the fit problem when there is one.
    let lead = |fit: Fit, text: String| -> String {
        if fits {
            text
        } else {
            match fit {
                Fit::Frees => format!("{no_fit}; this frees memory. {text}"),
                Fit::Same => format!("{no_fit}, and this frees none. {text}"),
                Fit::Needs => format!("{no_fit}, and this needs more. {text}"),
            }
        }
    };
    let row = |lever: &'static str,
               name: &'static str,
               targets: Which,
               prefill: Effect,
               decode: Effect,
               fit: Fit,
               why: String| Implication {
        lever,
        anchor: format!("advise-{lever}"),
        name,
        targets,
        prefill,
        decode,
        fit,
        why: lead(fit, why),
    };
    let mut rows = Vec::new();

    // Batching.
    {
        let decode = if dec_mem { Effect::Helps } else { Effect::No };
        let mut why = if dec_mem {
            format!(
                "Decode streams {} per step at {} FLOP/byte, {}× below the ridge: more \
                 sequences per step share that read, so tokens per second grow almost in \
                 proportion up to the knee at batch {}, {}.",
                bytes(dec.bytes.get()),
                sig3(di),
                sig3(ridge / di.max(f64::MIN_POSITIVE)),
                Unit::Count.format(e.knee.batch.round()),
                match e.knee.cause {
                    KneeCause::Compute => "where compute catches up with memory (the ridge)",
                    KneeCause::KvCache => "where KV-cache reads catch up with the weight reads",
                }
            )
        } else {
            format!(
                "Decode at batch {batch} is already compute-bound ({} ≥ {} FLOP/byte): each \
                 added sequence adds its FLOPs at the peak, so the step slows as much as the \
                 batch grows and throughput stays flat.",
                sig3(di),
                sig3(ridge)
            )
        };
        if dec_mem && kv_share >= 0.5 {
            why.push_str(&format!(
                " But KV-cache reads are {} of the step's bytes and grow with the batch, so \
                 batching buys less here.",
                pct(kv_share)
            ));
        }
        if fits {
            why.push_str(&format!(
                " At most {} sequences fit at this length.",
                Unit::Count.format(e.max_batch as f64)
            ));
        }
        rows.push(row(
            "batch-x2",
            "Larger batch (continuous batching)",
            Which::Decode,
            if pre_mem { Effect::Little } else { Effect::No },
            decode,
            Fit::Needs,
            why,
        ));
    }

    // Quantized weights, W8A8 (FP8 where there are FP8 tensor cores, else INT8).
    {
        let (lever, fmt, peak) = match (s.gpu.fp8, s.gpu.int8) {
            (Some(p), _) => ("weights-fp8", Precision::Fp8, Some(p)),
            (None, Some(p)) => ("weights-int8", Precision::Int8, Some(p)),
            (None, None) => ("weights-fp8", Precision::Fp8, None),
        };
        let already = s.weights.bits() <= fmt.bits();
        let compute_gain = peak.map(|p| p.get() / s.gpu.fp16.get());
        let runs_native = s.gpu.compute_precision(fmt) == fmt;
        let decode = if already {
            Effect::NotApplicable
        } else if dec_mem || runs_native {
            Effect::Helps
        } else {
            Effect::No
        };
        let prefill = if already {
            Effect::NotApplicable
        } else if runs_native || pre_mem {
            Effect::Helps
        } else {
            Effect::No
        };
        let why = if already {
            format!(
                "Weights are already {} ({} bits per weight).",
                s.weights.label(),
                sig3(s.weights.bits())
            )
        } else {
            let mut t = format!(
                "Weight reads are {} of a decode step's bytes: {} halves them{}.",
                pct(w_share),
                fmt.label(),
                if dec_mem {
                    ", and a memory-bound step shortens with its bytes"
                } else {
                    ", but decode is compute-bound here"
                }
            );
            match (runs_native, compute_gain) {
                (true, Some(g)) => t.push_str(&format!(
                    " The {} runs {} matmuls at {} ({}× FP16): the compute roof rises for \
                     whichever phase is compute-bound.",
                    s.gpu.name,
                    fmt.label(),
                    Unit::FlopsPerSec.format(g * s.gpu.fp16.get()),
                    sig3(g)
                )),
                _ => t.push_str(&format!(
                    " On the {} the matmuls still run in FP16 ({}), so compute-bound prefill \
                     gains nothing.",
                    s.gpu.name,
                    if fmt == Precision::Int8 {
                        "INT8 weights are weight-only: widened before each matmul"
                    } else {
                        "it has no FP8 tensor cores"
                    }
                )),
            }
            t
        };
        rows.push(row(
            lever,
            "8-bit weights",
            Which::Decode,
            prefill,
            decode,
            if already { Fit::Same } else { Fit::Frees },
            why,
        ));
    }

    // 4-bit weights (weight-only INT4, or FP4 where the GPU has FP4 tensor cores).
    {
        let (lever, fmt) = if s.gpu.fp4.is_some() {
            ("weights-fp4", Precision::Fp4)
        } else {
            ("weights-int4", Precision::Int4)
        };
        let already = s.weights.bits() <= fmt.bits();
        let native = s.gpu.compute_precision(fmt) == fmt;
        let why = if already {
            format!("Weights are already {}.", s.weights.label())
        } else {
            format!(
                "A quarter of FP16's bytes: weight reads ({} of a decode step) and stored \
                 weights ({} per GPU) shrink about {}×. {}",
                pct(w_share),
                bytes(mem.weights.get()),
                sig3(s.weights.bits() / fmt.bits()),
                if native {
                    "FP4 tensor cores also raise the compute roof for prefill."
                } else {
                    "Weight-only: the matmuls still run in FP16, so compute-bound prefill is \
                     not faster (dequantization adds work)."
                }
            )
        };
        rows.push(row(
            lever,
            "4-bit weights",
            Which::Decode,
            if already {
                Effect::NotApplicable
            } else if native || pre_mem {
                Effect::Helps
            } else {
                Effect::No
            },
            if already {
                Effect::NotApplicable
            } else if dec_mem || native {
                Effect::Helps
            } else {
                Effect::No
            },
            if already { Fit::Same } else { Fit::Frees },
            why,
        ));
    }

    // KV cache in FP8.
    {
        let already = s.kv.bits() <= 8.0;
        let why = if already {
            format!("The KV cache is already {}.", s.kv.label())
        } else {
            format!(
                "KV-cache reads are {} of a decode step's bytes at batch {batch} and a mean \
                 context of {} tokens; FP8 halves them and the cache ({} per GPU){}. Prefill \
                 writes the cache once: little change.",
                pct(kv_share),
                Unit::Count.format(e.decode_context.round()),
                bytes(mem.kv_cache.get()),
                if e.max_batch > 0 {
                    format!(
                        ", so about twice the {} sequences that fit now",
                        Unit::Count.format(e.max_batch as f64)
                    )
                } else {
                    String::new()
                }
            )
        };
        rows.push(row(
            "kv-fp8",
            "FP8 KV cache",
            Which::Decode,
            if already {
                Effect::NotApplicable
            } else {
                Effect::No
            },
            if already {
                Effect::NotApplicable
            } else if dec_mem && kv_share >= 0.1 {
                Effect::Helps
            } else {
                Effect::Little
            },
            if already { Fit::Same } else { Fit::Frees },
            why,
        ));
    }

    // Fused attention (FlashAttention): scores stay on chip.
    {
        let m = &s.model;
        let scores =
            2.0 * m.heads as f64 * (prompt as f64).powi(2) * 2.0 * batch as f64 * m.layers as f64
                / gpus as f64;
        let why = if prompt <= 1 {
            "A 1-token prompt has a 1 × 1 score matrix per head: there is nothing for fusion \
             to keep on chip."
                .to_string()
        } else {
            format!(
                "Unfused, prefill would write and read back each head's {p} × {p} score matrix: \
                 {} per GPU for this batch, {}× the step's other bytes. Fused, the scores stay \
                 in SRAM and only Q, K, V and the output cross HBM (the estimate assumes this). \
                 Decode's scores are one row of {} per head: little to save.",
                bytes(scores),
                sig3(scores / pre.bytes.get().max(1.0)),
                Unit::Count.format(e.decode_context.round()),
                p = Unit::Count.format(prompt as f64)
            )
        };
        rows.push(row(
            "fused-attention",
            "Fused attention (FlashAttention)",
            Which::Prefill,
            if prompt <= 1 {
                Effect::NotApplicable
            } else {
                Effect::Helps
            },
            Effect::Little,
            Fit::Same,
            why,
        ));
    }

    // Chunked prefill.
    {
        let why = if prompt <= 1 {
            "A 1-token prompt is one chunk already.".to_string()
        } else if pre_mem {
            format!(
                "Prefill is memory-bound ({} < {} FLOP/byte): smaller chunks would lower its \
                 intensity further. Chunking still lets running decodes interleave with it.",
                sig3(pi),
                sig3(ridge)
            )
        } else {
            format!(
                "Prefill of {} tokens is compute-bound ({} FLOP/byte) and takes {} at peak; \
                 split into chunks of a few hundred tokens or more (each still above the ridge \
                 of {}), decode steps of running requests interleave with it instead of \
                 stalling for the whole prefill. Total work is unchanged.",
                Unit::Count.format(pre.tokens),
                sig3(pi),
                Unit::Seconds.format(pre.time.get()),
                sig3(ridge)
            )
        };
        rows.push(row(
            "chunked-prefill",
            "Chunked prefill",
            Which::Prefill,
            if prompt <= 1 {
                Effect::NotApplicable
            } else if pre_mem {
                Effect::Hurts
            } else {
                Effect::No
            },
            if prompt <= 1 {
                Effect::NotApplicable
            } else {
                Effect::Helps
            },
            Fit::Same,
            why,
        ));
    }

    // Prefix caching.
    {
        let why = if prompt <= 1 {
            "A 1-token prompt has no prefix to share.".to_string()
        } else {
            format!(
                "A prompt prefix shared by requests is computed once: prefill's {} and its \
                 reads shrink by the shared share, and a {} prefill's time with them. Decode is \
                 unchanged.",
                Unit::Flops.format(pre.flops.get()),
                pre.bound.label()
            )
        };
        rows.push(row(
            "prefix-caching",
            "Prefix caching",
            Which::Prefill,
            if prompt <= 1 {
                Effect::NotApplicable
            } else {
                Effect::Helps
            },
            Effect::No,
            Fit::Same,
            why,
        ));
    }

    // Speculative decoding.
    {
        let headroom = ridge / di.max(f64::MIN_POSITIVE);
        let (decode, why) = if !dec_mem {
            (
                Effect::Hurts,
                format!(
                    "Decode is compute-bound at batch {batch}: verifying drafted tokens adds \
                     FLOPs at the peak, and rejected ones are wasted, so speculation slows it."
                ),
            )
        } else {
            (
                if headroom >= 4.0 {
                    Effect::Helps
                } else {
                    Effect::Little
                },
                format!(
                    "A memory-bound step at {} FLOP/byte has {}× compute headroom under the \
                     ridge: checking k drafted tokens in one target pass reads the weights once, \
                     so each accepted token saves a step of {} of reads.{}",
                    sig3(di),
                    sig3(headroom),
                    bytes(dec.bytes.get()),
                    if headroom < 4.0 {
                        " The headroom is small at this batch."
                    } else {
                        ""
                    }
                ),
            )
        };
        rows.push(row(
            "speculative",
            "Speculative decode (draft, then verify)",
            Which::Decode,
            Effect::No,
            decode,
            Fit::Needs,
            why,
        ));
    }

    // Tensor parallel ×2.
    {
        let comm = dec.comm_time.get();
        let why = format!(
            "Twice the GPUs: each streams half the weights and KV ({} per decode step now) and \
             does half the FLOPs, so both phases speed up, less the all-reduces{}.",
            bytes(dec.bytes.get()),
            if gpus > 1 {
                format!(
                    " (already on {gpus} GPUs: {} of each decode step)",
                    Unit::Seconds.format(comm)
                )
            } else {
                String::new()
            }
        );
        rows.push(row(
            "tp-x2",
            "Tensor parallel ×2",
            Which::Both,
            Effect::Helps,
            Effect::Helps,
            Fit::Frees,
            why,
        ));
    }
    rows
}

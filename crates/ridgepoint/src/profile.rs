//! Engine profiles: how close each serving engine gets to the roofline, how it sizes its KV
//! cache, and how far its estimates have been off.
//!
//! A profile is data. Its efficiencies are the best point of a sweep over the engine's own
//! published figures (`ridgepoint validate --profiles` recomputes every number here and says
//! which are stale); where an engine has too few figures to constrain a constant, the profile
//! keeps the calibrated default's and says so in [`Profile::fit`]. Its [`Band`] is the spread
//! of measured / estimated over figures the constants were *not* fitted to (leave one source
//! out) wherever the corpus allows that, and says plainly when it does not.

use crate::scenario::Efficiency;
use crate::units::Seconds;
use crate::validate::Outcome;

/// What shares a GPU's memory with the KV cache, for [`KvBudget`]'s rules.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemoryUse {
    /// Weights stored on the GPU, bytes.
    pub weights: f64,
    /// Activations and runtime overhead, bytes.
    pub other: f64,
    /// The device's memory, bytes.
    pub capacity: f64,
    /// Tensor-parallel degree and pipeline stages (SGLang's reserve grows with them).
    pub tp: u32,
    pub pp: u32,
}

impl MemoryUse {
    /// Weights + activations + overhead.
    pub fn rest(&self) -> f64 {
        self.weights + self.other
    }
}

/// How an engine decides how much memory its KV cache gets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KvBudget {
    /// Whatever is left after weights, activations and runtime overhead (the engine allocates
    /// the context it is asked for: llama.cpp, gpt-fast, the roofline).
    Remaining,
    /// Weights, activations, overhead and cache together within `fraction` of the device's
    /// memory (vLLM's `gpu_memory_utilization`).
    OfTotal { fraction: f64, source: &'static str },
    /// The cache within `fraction` of the memory still free once weights, activations and
    /// overhead are in (TensorRT-LLM's `free_gpu_memory_fraction`).
    OfFree { fraction: f64, source: &'static str },
    /// Weights and cache together within SGLang's default `mem_fraction_static`, which SGLang
    /// derives from the device's memory and the TP and PP sizes ([`sglang_static_fraction`]);
    /// activations and CUDA graphs live in the reserve it leaves.
    SglangStatic { source: &'static str },
}

/// SGLang's default `mem_fraction_static` on a device of `capacity` bytes at `tp` × `pp`
/// (ServerArgs._handle_gpu_memory_settings, sgl-project/sglang python/sglang/srt/server_args.py
/// at 469c63e): with the memory in MiB, a reserve of 512 MiB + 1.5 MiB per token of the
/// default prefill chunk (2,048 tokens below 35 GiB, 4,096 below 60, 8,192 below 160, else
/// 16,384) + 2 MiB per batch of the largest CUDA graph (8 to 512 by memory and TP) + TP × PP / 8 GiB, at least 10 GiB above
/// 60 GiB; the fraction is 1 − reserve / memory, rounded to 3 decimals. Without DP attention
/// or a draft model (each reserves more).
pub fn sglang_static_fraction(capacity: f64, tp: u32, pp: u32) -> f64 {
    let mib = capacity / (1u64 << 20) as f64;
    if !mib.is_finite() || mib <= 0.0 {
        return 0.0;
    }
    let gib = |g: f64| g * 1024.0;
    let small_tp = tp < 4;
    let (chunk, graph_bs) = if mib < gib(20.0) {
        (2048.0, 8.0)
    } else if mib < gib(35.0) {
        (2048.0, if small_tp { 24.0 } else { 80.0 })
    } else if mib < gib(60.0) {
        (4096.0, if small_tp { 32.0 } else { 160.0 })
    } else if mib < gib(160.0) {
        (8192.0, if small_tp { 256.0 } else { 512.0 })
    } else {
        (16384.0, 512.0)
    };
    let mut reserve = 512.0
        + f64::max(chunk, 2048.0) * 1.5
        + graph_bs * 2.0
        + tp.max(1) as f64 * pp.max(1) as f64 / 8.0 * 1024.0;
    if mib > gib(60.0) {
        reserve = reserve.max(gib(10.0));
    }
    (((mib - reserve) / mib) * 1000.0).round() / 1000.0
}

impl KvBudget {
    /// Whether `kv` bytes of cache fit beside the rest, all per GPU.
    pub fn fits(&self, u: &MemoryUse, kv: f64) -> bool {
        kv <= self.room(u)
    }

    /// Bytes the cache may take beside the rest per GPU; negative when the rest alone does
    /// not fit.
    pub fn room(&self, u: &MemoryUse) -> f64 {
        let (rest, capacity) = (u.rest(), u.capacity);
        match *self {
            KvBudget::Remaining => capacity - rest,
            KvBudget::OfTotal { fraction, .. } => fraction * capacity - rest,
            KvBudget::OfFree { fraction, .. } => {
                let free = capacity - rest;
                if free < 0.0 {
                    free
                } else {
                    fraction * free
                }
            }
            // Never more than the device holds beside our own activation estimate.
            KvBudget::SglangStatic { .. } => {
                (sglang_static_fraction(capacity, u.tp, u.pp) * capacity - u.weights)
                    .min(capacity - rest)
            }
        }
    }

    /// In words, for the memory derivation.
    pub fn describe(&self) -> String {
        match *self {
            KvBudget::Remaining => "the cache may fill what weights, activations and overhead \
                                    leave"
                .into(),
            KvBudget::OfTotal { fraction, .. } => format!(
                "everything within {:.0}% of the GPU's memory (gpu_memory_utilization {fraction})",
                fraction * 100.0
            ),
            KvBudget::OfFree { fraction, .. } => format!(
                "the cache within {:.0}% of the memory free after weights and activations \
                 (free_gpu_memory_fraction {fraction})",
                fraction * 100.0
            ),
            KvBudget::SglangStatic { .. } => format!(
                "weights and cache within SGLang's default mem_fraction_static: 1 − a reserve \
                 for activations and CUDA graphs over the GPU's memory (512 MiB + 1.5 MiB per \
                 prefill-chunk token + 2 MiB per CUDA-graph batch + TP × PP / 8 GiB, at least \
                 10 GiB past 60 GiB; {:.3} on an H100's 81,559 MiB at TP 1)",
                sglang_static_fraction(81559.0 * (1u64 << 20) as f64, 1, 1)
            ),
        }
    }
}

/// How far a profile's estimates sat from published figures it was not fitted to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    /// Figures compared.
    pub figures: u32,
    /// Median |estimate / measured − 1|.
    pub median: f64,
    /// 90th percentile of the same.
    pub p90: f64,
    /// 10th and 90th percentiles of measured / estimated: the band drawn around a time or a
    /// throughput is [estimate × low, estimate × high].
    pub low: f64,
    pub high: f64,
    /// Whether the figures were predicted by a fit that left their source out. `false` when the
    /// engine's figures come from one source, so no held-out check exists: the band is then the
    /// in-sample spread, which flatters.
    pub held_out: bool,
}

impl Band {
    /// The spread of `outcomes` (estimate / measured − 1 in each `error`).
    pub fn of(outcomes: &[Outcome], held_out: bool) -> Option<Band> {
        let errs: Vec<f64> = outcomes
            .iter()
            .map(|o| o.error)
            .filter(|e| e.is_finite() && *e > -1.0)
            .collect();
        if errs.is_empty() {
            return None;
        }
        let abs: Vec<f64> = errs.iter().map(|e| e.abs()).collect();
        // measured / estimated = 1 / (1 + error), for times and throughputs alike.
        let ratio: Vec<f64> = errs.iter().map(|e| 1.0 / (1.0 + e)).collect();
        Some(Band {
            figures: errs.len() as u32,
            median: crate::validate::quantile(abs.clone(), 0.5)?,
            p90: crate::validate::quantile(abs, 0.9)?,
            low: crate::validate::quantile(ratio.clone(), 0.1)?,
            high: crate::validate::quantile(ratio, 0.9)?,
            held_out,
        })
    }

    /// "41 published figures held out: half within ±9%, nine in ten within ±24%".
    pub fn sentence(&self) -> String {
        let pct = |v: f64| format!("{:.0}%", v * 100.0);
        format!(
            "{} published figure{} {}: half within ±{}, nine in ten within ±{}",
            self.figures,
            if self.figures == 1 { "" } else { "s" },
            if self.held_out {
                "predicted without their own source"
            } else {
                "from one source, so only checked in sample"
            },
            pct(self.median),
            pct(self.p90)
        )
    }
}

/// One engine's profile.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Profile {
    /// Stable id, as the link (`engine=`) and the CLI (`--engine`) spell it.
    pub id: &'static str,
    pub name: &'static str,
    pub efficiency: Efficiency,
    pub kv_budget: KvBudget,
    /// Which fit produced `efficiency`, on how many figures; what was kept from the default.
    pub fit: &'static str,
    /// Measured / estimated on published figures; `None` for the floor.
    pub band: Option<Band>,
}

impl Profile {
    /// How far this profile's figures have been from published ones, in words: its band's
    /// sentence, the calibrated one's for a profile without figures of its own, or what the
    /// floor is.
    pub fn band_sentence(&self) -> String {
        match self.shown_band() {
            Some((b, false)) => b.sentence(),
            Some((b, true)) => format!(
                "no published figure of its own checked yet; the calibrated profile's {}",
                b.sentence()
            ),
            None => "a lower bound on time, not a prediction".into(),
        }
    }

    /// The band to show beside this profile's figures: its own, or — for a profile without
    /// figures of its own that keeps the calibrated efficiencies — the calibrated one's (then
    /// `true`). `None` for the floor.
    pub fn shown_band(&self) -> Option<(Band, bool)> {
        match self.band {
            Some(b) => Some((b, false)),
            None if self.efficiency == Efficiency::CALIBRATED => Some((CALIBRATED_BAND, true)),
            None => None,
        }
    }
}

const VLLM_MEMORY: &str = "vLLM CacheConfig.gpu_memory_utilization, default 0.92 of the GPU's \
                           memory (docs.vllm.ai/en/stable/api/vllm/config/cache/)";
const TRTLLM_MEMORY: &str = "TensorRT-LLM KvCacheConfig.free_gpu_memory_fraction, default 0.9 of \
                             free memory (nvidia.github.io/TensorRT-LLM/examples/kvcacheconfig.html)";

const SGLANG_MEMORY: &str = "SGLang ServerArgs._handle_gpu_memory_settings, the default \
                             mem_fraction_static (sgl-project/sglang \
                             python/sglang/srt/server_args.py at 469c63e)";

/// Every profile; the first is the roofline, the second the default.
pub const PROFILES: &[Profile] = &[
    Profile {
        id: "floor",
        name: "Roofline floor",
        efficiency: Efficiency::PEAK,
        kv_budget: KvBudget::Remaining,
        fit: "none: 100% of peak bandwidth and compute, no overhead — a lower bound on time",
        band: None,
    },
    Profile {
        id: "calibrated",
        name: "Calibrated (any engine)",
        efficiency: Efficiency::CALIBRATED,
        kv_budget: KvBudget::Remaining,
        fit: CALIBRATED_FIT,
        band: Some(CALIBRATED_BAND),
    },
    Profile {
        id: "trtllm",
        name: "TensorRT-LLM",
        efficiency: TRTLLM,
        kv_budget: KvBudget::OfFree {
            fraction: 0.9,
            source: TRTLLM_MEMORY,
        },
        fit: TRTLLM_FIT,
        band: Some(TRTLLM_BAND),
    },
    Profile {
        id: "vllm",
        name: "vLLM",
        efficiency: Efficiency::CALIBRATED,
        kv_budget: KvBudget::OfTotal {
            fraction: 0.92,
            source: VLLM_MEMORY,
        },
        fit: VLLM_FIT,
        band: Some(VLLM_BAND),
    },
    Profile {
        id: "sglang",
        name: "SGLang",
        efficiency: Efficiency::CALIBRATED,
        kv_budget: KvBudget::SglangStatic {
            source: SGLANG_MEMORY,
        },
        fit: SGLANG_FIT,
        band: None,
    },
    Profile {
        id: "llama.cpp",
        name: "llama.cpp",
        efficiency: LLAMA_CPP,
        kv_budget: KvBudget::Remaining,
        fit: LLAMA_CPP_FIT,
        band: Some(LLAMA_CPP_BAND),
    },
    Profile {
        id: "gpt-fast",
        name: "gpt-fast",
        efficiency: GPT_FAST,
        kv_budget: KvBudget::Remaining,
        fit: GPT_FAST_FIT,
        band: Some(GPT_FAST_BAND),
    },
];

/// The profile a scenario gets when none is named.
pub const DEFAULT: &str = "calibrated";

/// The profile called `id`.
pub fn profile(id: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.id == id)
}

/// The ids, for messages.
pub fn ids() -> Vec<&'static str> {
    PROFILES.iter().map(|p| p.id).collect()
}

// ---- The fitted constants. `ridgepoint validate --profiles` recomputes each of them. ----

const CALIBRATED_FIT: &str = "validate --sweep over the 43 comparable figures of the first \
                              corpus (62 rows), rounded: 80% bandwidth, 45% compute, 60 µs per \
                              layer per step; with validate --profiles' best per-sequence cost \
                              beside them on all 224 figures (0–40 µs step 10 µs): 20 µs per \
                              sequence per step; kept as the default for any engine";
/// Leave one source out over the whole corpus (every engine), held-out figures.
const CALIBRATED_BAND: Band = Band {
    figures: 224,
    median: 0.1120,
    p90: 0.4159,
    low: 0.7878,
    high: 1.3273,
    held_out: true,
};

const TRTLLM: Efficiency = Efficiency {
    bandwidth: 1.0,
    compute: 0.5,
    layer_overhead: Seconds(120e-6),
    sequence_overhead: Seconds(20e-6),
};
const TRTLLM_FIT: &str = "validate --profiles: the best point of the leave-one-source-out grid \
                          (bandwidth 0.40–1.00 step 0.05, compute 0.30–1.00 step 0.10, 0–200 µs \
                          per layer step 20 µs, 0–40 µs per sequence step 10 µs) on every \
                          TensorRT-LLM figure";
const TRTLLM_BAND: Band = Band {
    figures: 185,
    median: 0.1234,
    p90: 0.2783,
    low: 0.8259,
    high: 1.2499,
    held_out: true,
};

const SGLANG_FIT: &str = "no published SGLang figure maps to a scenario yet (the corpus's 15 \
                          SGLang rows are DeepSeek deployments with PD disaggregation, DP \
                          attention or self-drafting, each skipped with its reason): the \
                          calibrated efficiencies, with SGLang's memory rule";
const VLLM_FIT: &str = "too few published vLLM figures to fit (3 request latencies from one \
                        source): the calibrated efficiencies, with vLLM's memory rule";
const VLLM_BAND: Band = Band {
    figures: 3,
    median: 0.0712,
    p90: 0.0717,
    low: 0.9552,
    high: 1.0702,
    held_out: false,
};

const LLAMA_CPP: Efficiency = Efficiency {
    bandwidth: 1.0,
    compute: 0.9,
    layer_overhead: Seconds(140e-6),
    sequence_overhead: Seconds(0.0),
};
const LLAMA_CPP_FIT: &str = "validate --profiles: the best point of the leave-one-source-out \
                             grid on every llama.cpp figure (one source: batch-1 decode and \
                             prompt processing)";
const LLAMA_CPP_BAND: Band = Band {
    figures: 27,
    median: 0.0757,
    p90: 0.2158,
    low: 0.9158,
    high: 1.2519,
    held_out: false,
};

const GPT_FAST: Efficiency = Efficiency::CALIBRATED;
const GPT_FAST_FIT: &str = "validate --profiles: gpt-fast's figures are batch-1 decode only, \
                            which the calibrated point already fits best on the grid";
const GPT_FAST_BAND: Band = Band {
    figures: 7,
    median: 0.1060,
    p90: 0.3295,
    low: 0.7746,
    high: 1.2283,
    held_out: false,
};

/// What the corpus says a profile's constants should be, next to what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Recomputed {
    pub id: &'static str,
    /// The engine's figures compared (all figures for the floor and the default).
    pub figures: usize,
    /// Distinct sources among them.
    pub sources: usize,
    /// The best point of [`Grid::LOSO`](crate::validate::Grid::LOSO) on the engine's figures,
    /// when the profile is fitted (not for the floor or a profile that keeps the default's
    /// efficiencies); for the default, the best per-sequence cost beside its other three.
    pub fitted: Option<Efficiency>,
    pub band: Option<Band>,
}

/// Whether a profile's efficiencies come from a fit of its own figures.
pub fn is_fitted(p: &Profile) -> bool {
    p.efficiency != Efficiency::CALIBRATED && p.efficiency != Efficiency::PEAK
}

/// Recomputes every profile from `cases` (the whole corpus): each fitted profile's best grid
/// point on its engine's figures, and each band — held out (leave one source out) where the
/// figures come from two sources or more, in sample otherwise. `loso_all` is the corpus-wide
/// leave-one-source-out run, which gives the default's band.
pub fn recompute(cases: &crate::validate::Cases) -> Vec<Recomputed> {
    use crate::validate::{loso, run, sweep, Cases, Grid, Steps};
    let grid = Grid::LOSO;
    let sources = |c: &Cases| {
        let mut s: Vec<&str> = c.cases.iter().map(|c| c.source.as_str()).collect();
        s.sort_unstable();
        s.dedup();
        s.len()
    };
    PROFILES
        .iter()
        .map(|p| {
            let mine = match p.id {
                "floor" | "calibrated" => cases.clone(),
                id => Cases {
                    rows: cases.rows,
                    cases: cases
                        .cases
                        .iter()
                        .filter(|c| c.engine == id)
                        .cloned()
                        .collect(),
                    skipped: Vec::new(),
                },
            };
            let n_sources = sources(&mine);
            let fitted = if p.id == DEFAULT {
                // The default keeps the first corpus's three efficiencies; its per-sequence
                // cost is the grid's best beside them on every figure.
                let at = |v: f64| Steps {
                    from: v,
                    to: v,
                    step: 1.0,
                };
                let e = Efficiency::CALIBRATED;
                let one = Grid {
                    bandwidth: at(e.bandwidth),
                    compute: at(e.compute),
                    layer_overhead: at(e.layer_overhead.get()),
                    sequence_overhead: grid.sequence_overhead,
                };
                sweep(&mine, &one, 1).best.first().map(|b| b.efficiency)
            } else {
                is_fitted(p)
                    .then(|| sweep(&mine, &grid, 1).best.first().map(|b| b.efficiency))
                    .flatten()
            };
            let band = match p.id {
                "floor" => None,
                _ if mine.cases.is_empty() => None,
                _ if n_sources >= 2 && (is_fitted(p) || p.id == "calibrated") => {
                    Band::of(&loso(&mine, &grid).held_out, true)
                }
                // One source: nothing to hold out. The profile's own constants, in sample.
                _ => Band::of(&run(&mine, &p.efficiency).outcomes, false),
            };
            Recomputed {
                id: p.id,
                figures: mine.cases.len(),
                sources: n_sources,
                fitted,
                band,
            }
        })
        .collect()
}

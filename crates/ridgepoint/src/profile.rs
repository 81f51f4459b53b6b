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
}

impl KvBudget {
    /// Whether `kv` bytes of cache fit beside the rest, all per GPU.
    pub fn fits(&self, rest: f64, kv: f64, capacity: f64) -> bool {
        kv <= self.room(rest, capacity)
    }

    /// Bytes the cache may take beside `rest` (weights + activations + overhead) per GPU;
    /// negative when `rest` alone does not fit.
    pub fn room(&self, rest: f64, capacity: f64) -> f64 {
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

const VLLM_MEMORY: &str = "vLLM CacheConfig.gpu_memory_utilization, default 0.92 of the GPU's \
                           memory (docs.vllm.ai/en/stable/api/vllm/config/cache/)";
const TRTLLM_MEMORY: &str = "TensorRT-LLM KvCacheConfig.free_gpu_memory_fraction, default 0.9 of \
                             free memory (nvidia.github.io/TensorRT-LLM/examples/kvcacheconfig.html)";

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

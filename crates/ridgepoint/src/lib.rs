//! Ridgepoint's estimation engine: from a GPU, a model, number formats and a workload to memory,
//! roofline, latency and throughput figures, each carrying its derivation.
//!
//! Pure Rust with no browser or drawing dependencies; the web page, the chart crate and the
//! `ridgepoint` CLI all call [`estimate`].

pub mod advise;
pub mod catalog;
pub mod compare;
pub mod config;
pub mod derivation;
pub mod estimate;
mod explain;
pub mod gpu_arch;
pub mod hardware;
pub mod json;
pub mod model;
pub mod ops;
pub mod practice;
pub mod precision;
pub mod profile;
pub mod published;
pub mod query;
pub mod report;
pub mod scenario;
pub mod series;
pub mod serve;
pub mod takeaways;
pub mod units;
pub mod validate;

pub use derivation::{Derivation, Term};
pub use estimate::{
    estimate, evaluate, Bound, Estimate, Knee, KneeCause, Memory, ParallelFigures, Phase,
    SpecFigures, Timing,
};
pub use hardware::Gpu;
pub use model::{Mla, Mlp, Model, Moe, ParamCounts};
pub use precision::Precision;
pub use query::{Problem, Spec};
pub use scenario::{Efficiency, Group, GroupFormats, Parallel, Scenario, Speculative};

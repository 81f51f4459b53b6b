//! The article's sections, top to bottom as the seed reads.

mod advise;
mod charts;
mod compare;
mod gpu;
mod hardware;
mod practice;
mod serving;
mod text;

pub use advise::AdviseSection;
pub use charts::{
    chart, Intensity, KvCrossover, MemorySection, RooflineSection, TimeSection, WhyDecode,
    CHART_IDS,
};
pub use compare::{CompareSection, PinControls};
pub use gpu::GpuCard;
pub use hardware::HardwareSection;
pub use practice::Practice;
pub use serving::{serving_chart, ServingSection, SERVING_CHART_IDS};
pub use text::{Formulas, TakeawaysSection};

//! The article's sections, top to bottom as the seed reads.

mod charts;
mod gpu;
mod text;

pub use charts::{Intensity, KvCrossover, MemorySection, RooflineSection, TimeSection, WhyDecode};
pub use gpu::GpuCard;
pub use text::{Formulas, TakeawaysSection};

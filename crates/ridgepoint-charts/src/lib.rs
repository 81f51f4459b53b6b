//! Ridgepoint's charts as functions of data, generic over plotters' [`DrawingBackend`], so the
//! page draws them on a `<canvas>` and tests (and the CLI) draw the same code to SVG.
//!
//! Architecture invariant: nothing here estimates. Chart data is reshaped from an
//! [`ridgepoint::Estimate`]; every number drawn was computed by the estimation crate.

mod roofline;
mod theme;

pub use roofline::{roofline, OperatingPoint, RooflineData};
pub use theme::Theme;

use plotters::prelude::*;

/// The error every chart function returns: the backend's own.
pub type ChartResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Lower and upper powers of ten around `lo..hi` (both > 0).
pub(crate) fn decades(lo: f64, hi: f64) -> (f64, f64) {
    let lo = if lo.is_finite() && lo > 0.0 { lo } else { 1e-3 };
    let hi = if hi.is_finite() && hi > lo {
        hi
    } else {
        lo * 10.0
    };
    (
        10f64.powf(lo.log10().floor()),
        10f64.powf(hi.log10().ceil()),
    )
}

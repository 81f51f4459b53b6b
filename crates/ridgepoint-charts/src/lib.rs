//! Ridgepoint's charts as functions of data, generic over plotters' [`DrawingBackend`], so the
//! page draws them on a `<canvas>` and tests (and the CLI) draw the same code to SVG.
//!
//! Each chart is a plain data struct with a constructor that reshapes engine output, a draw
//! function `fn(&DrawingArea<DB, Shift>, &Data, &Theme) -> ChartResult<DB>`, and the
//! [`ChartData`] methods `table` and `describe`: the same content as a data table (for screen
//! readers and CSV export) and as a one-sentence accessible name.
//!
//! | chart id (`data-chart`) | data | draw |
//! |---|---|---|
//! | `roofline` | [`RooflineData`] | [`roofline`] |
//! | `memory` | [`MemoryData`] | [`memory`] |
//! | `fit-matrix` | [`FitMatrixData`] | [`fit_matrix`] |
//! | `kv-crossover` | [`KvCrossoverData`] | [`kv_crossover`] |
//! | `kv-context` | [`KvContextData`] | [`kv_context`] |
//! | `decode-intensity` | [`DecodeIntensityData`] | [`decode_intensity`] |
//! | `prefill-intensity` | [`PrefillIntensityData`] | [`prefill_intensity`] |
//! | `ttft` | [`TtftData`] | [`ttft`] |
//! | `batch-throughput` | [`BatchThroughputData`] | [`batch_throughput`] |
//! | `why-decode` | [`DecodeTimeData`] | [`decode_time`] |
//!
//! Architecture invariant: nothing here estimates. Chart data is reshaped from an
//! [`ridgepoint::Estimate`], a [`ridgepoint::series::Series`] or engine results the page
//! computed; every number drawn was computed by the estimation crate.

mod common;
mod decode_time;
mod fit_matrix;
mod intensity;
mod kv;
mod memory;
mod roofline;
mod theme;
mod throughput;
mod ttft;

pub use decode_time::{decode_time, DecodeTimeData};
pub use fit_matrix::{fit_matrix, FitMatrixData};
pub use intensity::{
    decode_intensity, prefill_intensity, DecodeIntensityData, PrefillIntensityData,
};
pub use kv::{kv_context, kv_crossover, KvContextData, KvCrossoverData};
pub use memory::{memory, MemoryData};
pub use roofline::{roofline, Achieved, OperatingPoint, PointColor, Readout, RooflineData};
pub use theme::Theme;
pub use throughput::{batch_throughput, BatchThroughputData};
pub use ttft::{ttft, TtftData};

use plotters::prelude::*;

/// What every chart's data offers besides drawing: its stable id, its content as a table and a
/// one-sentence accessible name with the key numbers.
pub trait ChartData {
    /// The chart's stable id, the page's `data-chart` attribute.
    const ID: &'static str;
    /// The data-table alternative (also what CSV export writes).
    fn table(&self) -> Table;
    /// One sentence naming the chart and its key numbers, for `aria-label`.
    fn describe(&self) -> String;
}

/// The error every chart function returns: the backend's own.
pub type ChartResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart's content as a table: what the page shows as the accessible alternative and what
/// CSV export writes. Cells are formatted for reading (units included).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// RFC 4180 CSV: header row then data rows, CRLF line ends, fields quoted when needed.
    pub fn to_csv(&self) -> String {
        fn field(s: &str) -> String {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(self.rows.iter()) {
            let line: Vec<String> = row.iter().map(|c| field(c)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// A published measurement to draw beside the model's curve, in the chart's axis units
/// (see each chart's data struct for which).
#[derive(Clone, Debug, PartialEq)]
pub struct MeasuredPoint {
    pub x: f64,
    pub y: f64,
    /// Short source note shown in tables ("TensorRT-LLM v0.6.1").
    pub label: String,
}

/// "; 1 published measurement shown" for a chart's description, or nothing for none.
pub(crate) fn measured_note(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => "; 1 published measurement shown".into(),
        n => format!("; {n} published measurements shown"),
    }
}

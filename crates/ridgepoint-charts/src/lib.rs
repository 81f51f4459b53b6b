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
//! | `serving-load` | [`ServingLoadData`] | [`serving_load`] |
//! | `serving-timeline` | [`ServingTimelineData`] | [`serving_timeline`] |
//!
//! Architecture invariant: nothing here estimates. Chart data is reshaped from an
//! [`ridgepoint::Estimate`], a [`ridgepoint::series::Series`] or engine results the page
//! computed; every number drawn was computed by the estimation crate.

mod caption;
mod common;
mod decode_time;
mod fit_matrix;
mod intensity;
mod kv;
mod memory;
mod roofline;
mod serving;
mod theme;
mod throughput;
mod ttft;

pub use caption::{file_stem, title, with_caption, Caption};
/// The width estimate the label placement uses (tests check layouts with it).
pub use common::text_width;
pub use decode_time::{decode_time, DecodeTimeData};
pub use fit_matrix::{fit_matrix, FitMatrixData};
pub use intensity::{
    decode_intensity, prefill_intensity, DecodeIntensityData, PrefillIntensityData,
};
pub use kv::{kv_context, kv_crossover, KvContextData, KvCrossoverData};
pub use memory::{memory, MemoryData};
pub use roofline::{roofline, Achieved, OperatingPoint, PointColor, Readout, RooflineData};
pub use serving::{
    load_text, rate_text, serving_load, serving_timeline, ServingLoadData, ServingTimelineData,
};
pub use theme::Theme;

pub use throughput::{batch_throughput, BatchThroughputData};

pub use ttft::{ttft, TtftData};

use plotters::prelude::*;

/// The [`ChartData`] pinned-overlay methods for a data struct with a `pinned` field, given how
/// its own lines become an overlay.
macro_rules! pinned_methods {
    (|$d:ident| $overlay:expr) => {
        fn as_pinned(&self) -> Option<crate::Pinned> {
            let $d = self;
            Some($overlay)
        }
        fn set_pinned(&mut self, pinned: Option<crate::Pinned>) {
            self.pinned = pinned;
        }
        fn has_pinned(&self) -> bool {
            self.pinned.is_some()
        }
    };
}
pub(crate) use pinned_methods;

/// What every chart's data offers besides drawing: its stable id, its content as a table and a
/// one-sentence accessible name with the key numbers.
pub trait ChartData {
    /// The chart's stable id, the page's `data-chart` attribute.
    const ID: &'static str;
    /// The data-table alternative (also what CSV export writes).
    fn table(&self) -> Table;
    /// One sentence naming the chart and its key numbers, for `aria-label`.
    fn describe(&self) -> String;
    /// This chart's lines and points as an overlay on another scenario's chart of the same
    /// kind (compare mode), or None if the chart shows one scenario only.
    fn as_pinned(&self) -> Option<Pinned> {
        None
    }
    /// Draws `pinned` (another scenario's [`ChartData::as_pinned`]) under this chart's lines.
    fn set_pinned(&mut self, _pinned: Option<Pinned>) {}
    /// Whether a pinned overlay is set.
    fn has_pinned(&self) -> bool {
        false
    }
}

/// Another scenario's lines and points, in the chart's axis units, drawn faintly under the
/// current scenario's (compare mode: pinned A under current B).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pinned {
    /// Polylines; `true` puts one on the right axis.
    pub lines: Vec<(Vec<(f64, f64)>, bool)>,
    /// The pinned scenario's operating points; `true` for the right axis.
    pub points: Vec<(f64, f64, bool)>,
    /// The pinned scenario's ridge (FLOP/byte), on intensity charts: a labelled line.
    pub ridge: Option<f64>,
}

impl Pinned {
    /// Every x value, for the axis extent.
    pub(crate) fn xs(p: &Option<Pinned>) -> Vec<f64> {
        p.iter()
            .flat_map(|p| {
                p.lines
                    .iter()
                    .flat_map(|(l, _)| l.iter().map(|q| q.0))
                    .chain(p.points.iter().map(|q| q.0))
            })
            .collect()
    }

    /// Every y value on the left (`right = false`) or right axis, for the axis extent.
    pub(crate) fn ys(p: &Option<Pinned>, right: bool) -> Vec<f64> {
        p.iter()
            .flat_map(|p| {
                p.lines
                    .iter()
                    .filter(move |(_, r)| *r == right)
                    .flat_map(|(l, _)| l.iter().map(|q| q.1))
                    .chain(p.points.iter().filter(move |q| q.2 == right).map(|q| q.1))
                    .chain(p.ridge.filter(|_| !right))
            })
            .collect()
    }
}

/// The error every chart function returns: the backend's own.
pub type ChartResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart's content as a table: what the page shows as the accessible alternative (cells
/// formatted for reading, units included) and, in [`Table::data`], the same content as numbers
/// in SI base units with the unit in each column's name, which is what CSV export writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub data: Data,
}

/// A table for a spreadsheet: one header row of names carrying their unit (`ttft_s`,
/// `memory_bytes`, `intensity_flop_per_byte`, `throughput_tokens_per_s`), then rows of
/// numbers in those units (plain decimals, no thousands separators, no unit text). Label
/// columns (model, point, source) hold text; yes/no columns hold 1 or 0.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Data {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One CSV cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A number in the column's unit; a non-finite one is written empty.
    Num(f64),
    /// A label.
    Text(String),
    /// Nothing in this row for this column.
    Empty,
}

impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::Num(v)
    }
}

impl From<bool> for Cell {
    fn from(v: bool) -> Cell {
        Cell::Num(v as u8 as f64)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Cell {
        Cell::Text(v.to_string())
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Cell {
        Cell::Text(v)
    }
}

impl Cell {
    /// The cell as a CSV field's text (before quoting): numbers in Rust's shortest decimal
    /// form that reads back to the same value, never an exponent's unit or a separator.
    pub fn text(&self) -> String {
        match self {
            Cell::Num(v) if v.is_finite() => {
                let s = format!("{v}");
                if s == "-0" {
                    "0".into()
                } else {
                    s
                }
            }
            Cell::Num(_) | Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
        }
    }
}

impl Data {
    /// A table with these column names (each with its unit).
    pub fn new(headers: &[&str]) -> Data {
        Data {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(mut self, cells: Vec<Cell>) -> Data {
        self.rows.push(cells);
        self
    }

    /// Adds rows.
    pub fn rows(mut self, rows: impl IntoIterator<Item = Vec<Cell>>) -> Data {
        self.rows.extend(rows);
        self
    }
}

impl Table {
    /// This table (B's) and a pinned scenario's table of the same chart (A's) as one, with a
    /// leading "scenario" column: B's rows, then A's.
    pub fn with_pinned(self, a: Table) -> Table {
        fn mark<T: Clone>(tag: T, rows: Vec<Vec<T>>) -> impl Iterator<Item = Vec<T>> {
            rows.into_iter().map(move |r| {
                let mut row = vec![tag.clone()];
                row.extend(r);
                row
            })
        }
        let mut headers = vec!["scenario".to_string()];
        headers.extend(self.headers);
        let mut data_headers = vec!["scenario".to_string()];
        data_headers.extend(self.data.headers);
        Table {
            caption: format!("{} (B), and pinned A: {}", self.caption, a.caption),
            headers,
            rows: mark("B".to_string(), self.rows)
                .chain(mark("A".to_string(), a.rows))
                .collect(),
            data: Data {
                headers: data_headers,
                rows: mark(Cell::from("B"), self.data.rows)
                    .chain(mark(Cell::from("A"), a.data.rows))
                    .collect(),
            },
        }
    }

    /// RFC 4180 CSV of [`Table::data`]: one header row, then data rows of numbers in SI
    /// units; CRLF line ends, fields quoted when needed.
    pub fn to_csv(&self) -> String {
        fn field(s: &str) -> String {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        }
        let mut out = String::new();
        let header: Vec<String> = self.data.headers.iter().map(|h| field(h)).collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &self.data.rows {
            let line: Vec<String> = row.iter().map(|c| field(&c.text())).collect();
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

/// "1 token", "2,048 tokens": a count of tokens with the noun agreeing.
pub fn tokens(v: f64) -> String {
    let noun = if v == 1.0 { "token" } else { "tokens" };
    format!("{} {noun}", ridgepoint::units::Unit::Count.format(v))
}

/// "; 1 published measurement shown" for a chart's description, or nothing for none.
pub(crate) fn measured_note(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => "; 1 published measurement shown".into(),
        n => format!("; {n} published measurements shown"),
    }
}

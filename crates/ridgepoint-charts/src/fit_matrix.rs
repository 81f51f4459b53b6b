//! `fit-matrix`: catalog models × weight precisions on one GPU, each cell fits / tight / no.

use crate::common::{legend_layout, text_width, Canvas, Key, Rect, Swatch, TICK, TITLE};
use crate::{ChartData, ChartResult, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use ridgepoint::series::Fit;
use ridgepoint::units::Unit;

/// The grid the fit matrix draws. `cells[row][column]` is memory per GPU in bytes and the
/// verdict, as `ridgepoint::series::fit` returns them.
#[derive(Clone, Debug, PartialEq)]
pub struct FitMatrixData {
    /// The GPU's display name.
    pub gpu: String,
    /// GPU memory, bytes.
    pub capacity: f64,
    /// Model names, one per row.
    pub rows: Vec<String>,
    /// Precision labels, one per column.
    pub columns: Vec<String>,
    pub cells: Vec<Vec<(f64, Fit)>>,
    /// The scenario's (row, column), outlined.
    pub current: Option<(usize, usize)>,
}

impl FitMatrixData {
    /// Cells the page computed with `series::fit` for each model (row) and precision (column).
    pub fn new(
        gpu: impl Into<String>,
        capacity: f64,
        rows: Vec<String>,
        columns: Vec<String>,
        cells: Vec<Vec<(f64, Fit)>>,
        current: Option<(usize, usize)>,
    ) -> FitMatrixData {
        FitMatrixData {
            gpu: gpu.into(),
            capacity,
            rows,
            columns,
            cells,
            current,
        }
    }

    /// The canvas height (CSS pixels) that shows every row at a comfortable size for a canvas
    /// `width` CSS pixels wide with type of `font_size` CSS pixels (13 in the themes): the
    /// page can size this chart's canvas by its number of rows.
    pub fn preferred_height(&self, width: f64, font_size: f64) -> f64 {
        let (fs, m) = (font_size, (0.6 * font_size).round());
        let compact = width < 44.0 * fs;
        let (_, legend_h) = legend_layout(&keys(&Theme::LIGHT, compact), m * 0.5, m, width - m, fs);
        let top = m + legend_h + 1.5 * fs;
        let row = if compact { 1.75 } else { 2.1 } * fs;
        (top + 1.5 * fs + self.rows.len() as f64 * row + m).ceil()
    }

    /// Every model of `models` at the common precisions on `s`'s GPU and workload, with the
    /// scenario's own cell outlined. The cells come from the engine (`series::fit_matrix`).
    pub fn for_scenario(s: &ridgepoint::Scenario, models: &[ridgepoint::Model]) -> FitMatrixData {
        use ridgepoint::Precision;
        let cells = ridgepoint::series::fit_matrix(s, models, &Precision::COMMON);
        let row = models.iter().position(|m| m.id == s.model.id);
        let col = Precision::COMMON.iter().position(|p| *p == s.weights);
        FitMatrixData::new(
            s.gpu.name.clone(),
            s.gpu.memory.get(),
            models.iter().map(|m| m.name.clone()).collect(),
            Precision::COMMON
                .iter()
                .map(|p| p.label().to_string())
                .collect(),
            cells,
            row.zip(col),
        )
    }

    fn cell(&self, r: usize, c: usize) -> Option<(f64, Fit)> {
        self.cells.get(r).and_then(|row| row.get(c)).copied()
    }
}

fn glyph(f: Fit) -> &'static str {
    match f {
        Fit::Fits => "✓",
        Fit::Tight => "~",
        Fit::No => "✗",
    }
}

fn word(f: Fit) -> &'static str {
    match f {
        Fit::Fits => "fits",
        Fit::Tight => "tight",
        Fit::No => "does not fit",
    }
}

/// 14 GB → "14", 140 GB → "140", 1.2 TB → "1.2k": the short figure in a cell, in GB.
/// At most three or four characters: 8.5, 15, 140, 1.3k (GB).
fn short_gb(v: f64) -> String {
    let gb = v / 1e9;
    if gb >= 9995.0 {
        format!("{}k", (gb / 1e3).round())
    } else if gb >= 999.5 {
        format!("{:.1}k", gb / 1e3)
    } else if gb >= 9.95 {
        format!("{}", gb.round())
    } else {
        format!("{:.1}", gb)
    }
}

/// A cell's text at each level of detail, richest first.
fn cell_texts(v: f64, f: Fit) -> [String; 4] {
    [
        format!("{} {}", glyph(f), Unit::Bytes.format(v)),
        format!("{} {} GB", glyph(f), short_gb(v)),
        format!("{} {}", glyph(f), short_gb(v)),
        glyph(f).to_string(),
    ]
}

impl ChartData for FitMatrixData {
    const ID: &'static str = "fit-matrix";

    fn table(&self) -> Table {
        let mut headers = vec!["model".to_string()];
        headers.extend(self.columns.iter().cloned());
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(r, name)| {
                std::iter::once(name.clone())
                    .chain((0..self.columns.len()).map(|c| match self.cell(r, c) {
                        Some((v, f)) => format!("{} ({})", Unit::Bytes.format(v), word(f)),
                        None => String::new(),
                    }))
                    .collect()
            })
            .collect();
        let mut data = crate::Data::new(&[
            "model",
            "weights",
            "memory_bytes",
            "capacity_bytes",
            "fits",
            "tight",
        ]);
        for (r, name) in self.rows.iter().enumerate() {
            for (c, col) in self.columns.iter().enumerate() {
                if let Some((v, f)) = self.cell(r, c) {
                    data = data.row(vec![
                        name.as_str().into(),
                        col.as_str().into(),
                        v.into(),
                        self.capacity.into(),
                        (f != Fit::No).into(),
                        (f == Fit::Tight).into(),
                    ]);
                }
            }
        }
        Table {
            data,
            caption: format!(
                "Memory per GPU on {} ({}), by model and weight precision",
                self.gpu,
                Unit::Bytes.format(self.capacity)
            ),
            headers,
            rows,
        }
    }

    fn describe(&self) -> String {
        let all: Vec<Fit> = self.cells.iter().flatten().map(|c| c.1).collect();
        let n = |f: Fit| all.iter().filter(|x| **x == f).count();
        let mut s = format!(
            "Which models fit on {} ({}): of {} model and precision pairs, {} fit, {} fit \
             tightly and {} do not",
            self.gpu,
            Unit::Bytes.format(self.capacity),
            all.len(),
            n(Fit::Fits),
            n(Fit::Tight),
            n(Fit::No)
        );
        if let Some((r, c)) = self.current {
            if let (Some(name), Some(col), Some((v, f))) =
                (self.rows.get(r), self.columns.get(c), self.cell(r, c))
            {
                s += &format!("; {name} at {col}: {} ({})", Unit::Bytes.format(v), word(f));
            }
        }
        s + "."
    }
}

/// Where the grid's cells are on a `w` × `h` pixel canvas with type of `fs` pixels.
struct Grid {
    /// Left edge of the first column, top of the first row.
    x0: f64,
    grid_top: f64,
    col_w: f64,
    row_h: f64,
    /// Where the header row and the title sit, and the type scale.
    top: f64,
    header_h: f64,
    ty: f64,
    k: f64,
    labels: Vec<String>,
}

fn grid(d: &FitMatrixData, w: f64, h: f64, fs: f64, t: &Theme) -> Grid {
    let m = (0.6 * fs).round();
    let compact = w < 44.0 * fs;
    let (_, legend_h) = legend_layout(&keys(t, compact), m * 0.5, m, w - m, fs);
    let ty = m + legend_h + 0.7 * fs;
    let nr = d.rows.len().max(1);
    let nc = d.columns.len().max(1);
    let top = ty + 0.8 * fs;
    let header_h = 1.5 * fs;
    let avail_h = (h - m - top - header_h).max(nr as f64);
    let row_h = (avail_h / nr as f64).min(2.8 * fs);
    // Type shrinks with crowded rows but stays legible.
    let k = crate::common::clampf(row_h / (1.45 * fs), 0.62, TICK);
    let size = fs * k;
    let max_label = (w * if compact { 0.29 } else { 0.38 }).max(4.0 * fs);
    let labels: Vec<String> = d
        .rows
        .iter()
        .map(|s| ellipsize(s, size, max_label))
        .collect();
    let label_w = labels
        .iter()
        .map(|s| text_width(s, size))
        .fold(0.0, f64::max);
    let x0 = m * 0.5 + label_w + 0.5 * fs;
    let col_w = ((w - m * 0.5 - x0) / nc as f64).min(11.0 * fs);
    Grid {
        x0,
        grid_top: top + header_h,
        col_w,
        row_h,
        top,
        header_h,
        ty,
        k,
        labels,
    }
}

impl FitMatrixData {
    /// The (row, column) of the cell at (`x`, `y`) on a canvas `w` × `h` CSS pixels drawn
    /// with theme `t` (unscaled: CSS pixels), or None outside the cells: what a click
    /// on the page's canvas selects.
    pub fn cell_at(&self, w: f64, h: f64, x: f64, y: f64, t: &Theme) -> Option<(usize, usize)> {
        if self.rows.is_empty() || self.columns.is_empty() || !(x.is_finite() && y.is_finite()) {
            return None;
        }
        let g = grid(self, w, h, t.font_size.max(1.0), t);
        let (c, r) = ((x - g.x0) / g.col_w, (y - g.grid_top) / g.row_h);
        if c < 0.0 || r < 0.0 {
            return None;
        }
        let (r, c) = (r as usize, c as usize);
        (r < self.rows.len() && c < self.columns.len() && self.cell(r, c).is_some())
            .then_some((r, c))
    }
}

/// Draws the grid: one row per model, one column per precision, each cell coloured and
/// marked ✓ / ~ / ✗ with its memory where there is room, the current cell outlined.
pub fn fit_matrix<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &FitMatrixData,
    t: &Theme,
) -> ChartResult<DB> {
    let c = Canvas::new(root, t)?;
    let (fs, m, w, h) = (c.fs, c.m, c.w, c.h);
    let g = grid(d, w, h, fs, t);
    let compact = c.compact();
    let keys = keys(t, compact);
    c.legend(&keys, m * 0.5, m, w - m, true)?;
    let title = if compact {
        format!("GB per GPU, {} GB", short_gb(d.capacity))
    } else {
        format!(
            "memory per GPU on {} ({})",
            d.gpu,
            Unit::Bytes.format(d.capacity)
        )
    };
    let ty = g.ty;
    c.text(&title, m * 0.5, ty, TITLE, t.text, HPos::Left, VPos::Center)?;

    let (nr, nc) = (d.rows.len(), d.columns.len());
    if nr == 0 || nc == 0 {
        root.present()?;
        return Ok(());
    }
    let Grid {
        x0,
        grid_top,
        col_w,
        row_h,
        top,
        header_h,
        k,
        labels,
        ..
    } = g;
    let size = fs * k;

    for (j, col) in d.columns.iter().enumerate() {
        let cx = x0 + col_w * (j as f64 + 0.5);
        let text = ellipsize(col, size, col_w - 0.2 * fs);
        c.text(
            &text,
            cx,
            top + header_h / 2.0,
            k,
            t.text,
            HPos::Center,
            VPos::Center,
        )?;
    }
    let gap = (0.08 * fs).max(1.0);
    // One level of detail for the whole grid, the richest every cell has room for.
    let avail = col_w - 2.0 * gap - 0.3 * fs;
    let level = (0..4)
        .find(|&l| {
            d.cells
                .iter()
                .flatten()
                .all(|(v, f)| text_width(&cell_texts(*v, *f)[l], size) <= avail)
        })
        .unwrap_or(3);
    for (i, name) in labels.iter().enumerate() {
        let y0 = grid_top + row_h * i as f64;
        c.text(
            name,
            x0 - 0.4 * fs,
            y0 + row_h / 2.0,
            k,
            t.text,
            HPos::Right,
            VPos::Center,
        )?;
        for j in 0..nc {
            let Some((v, f)) = d.cell(i, j) else { continue };
            let cell = Rect::new(
                x0 + col_w * j as f64 + gap,
                y0 + gap,
                x0 + col_w * (j + 1) as f64 - gap,
                y0 + row_h - gap,
            );
            let fill = match f {
                Fit::Fits => t.fit_yes,
                Fit::Tight => t.fit_tight,
                Fit::No => t.fit_no,
            };
            c.rect(cell, fill.to_rgba(), true, 1.0)?;
            let [a, b, c3, g] = cell_texts(v, f);
            let text = [a, b, c3, g].into_iter().nth(level).unwrap_or_default();
            c.text(
                &text,
                cell.cx(),
                cell.cy(),
                k,
                t.text,
                HPos::Center,
                VPos::Center,
            )?;
        }
    }
    if let Some((i, j)) = d.current {
        if i < nr && j < nc {
            let y0 = grid_top + row_h * i as f64;
            let cell = Rect::new(
                x0 + col_w * j as f64,
                y0,
                x0 + col_w * (j + 1) as f64,
                y0 + row_h,
            );
            let sw = (0.2 * fs).max(2.0);
            c.rect(cell, t.text.to_rgba(), false, sw)?;
        }
    }
    root.present()?;
    Ok(())
}

fn keys(t: &Theme, compact: bool) -> [Key; 3] {
    [
        Key::new(Swatch::Block(t.fit_yes), "✓ fits"),
        Key::new(
            Swatch::Block(t.fit_tight),
            if compact {
                "~ tight"
            } else {
                "~ tight (<10% free)"
            },
        ),
        Key::new(Swatch::Block(t.fit_no), "✗ does not fit"),
    ]
}

/// `s` cut with an ellipsis to fit `max` pixels at `size`.
fn ellipsize(s: &str, size: f64, max: f64) -> String {
    if text_width(s, size) <= max {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && text_width(&format!("{out}…"), size) > max {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

//! What an exported chart carries with it: a band above the chart with its title, the
//! scenario in one line and the link that reopens it, and a file name naming the chart and
//! the scenario (`roofline-llama-3.1-70b-h100x2-fp8.png`). Used by the page's PNG and SVG
//! downloads; the CLI's `chart` command can draw the same band with [`with_caption`].

use crate::common::{text_width, Canvas, TICK, TITLE};
use crate::{ChartResult, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The text above an exported chart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caption {
    /// What the chart shows ("Roofline").
    pub title: String,
    /// The scenario in one line (`ridgepoint::compare::summary`).
    pub scenario: String,
    /// The page link that reopens this scenario.
    pub link: String,
}

/// Each chart's title for exports, by chart id.
pub fn title(id: &str) -> &'static str {
    match id {
        "why-decode" => "One decode step: memory reads against the math",
        "roofline" => "Roofline",
        "memory" => "Memory per GPU",
        "fit-matrix" => "Which models fit",
        "kv-crossover" => "Memory against batch size",
        "kv-context" => "Memory against context length",
        "decode-intensity" => "Decode arithmetic intensity against batch size",
        "prefill-intensity" => "Prefill arithmetic intensity against prompt length",
        "ttft" => "Time to first token against prompt length",
        "batch-throughput" => "Decode step time and throughput against batch size",
        _ => "Ridgepoint chart",
    }
}

impl Caption {
    /// The band's height in pixels for a theme whose type is `t.font_size` pixels.
    pub fn height(t: &Theme) -> u32 {
        let fs = t.font_size.max(1.0);
        (fs * (0.6 + 1.5 + 1.3 + 1.3 + 0.4)).ceil() as u32
    }
}

/// `s` cut with an ellipsis to fit `max` pixels at `size` pixels.
fn fit(s: &str, size: f64, max: f64) -> String {
    if text_width(s, size) <= max {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && text_width(&format!("{out}…"), size) > max {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// Draws `caption` in a band at the top of `root` and `chart` in the rest: what an exported
/// PNG or SVG holds. `root` must be [`Caption::height`] taller than the chart is to be.
pub fn with_caption<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    caption: &Caption,
    t: &Theme,
    chart: impl FnOnce(&DrawingArea<DB, Shift>) -> ChartResult<DB>,
) -> ChartResult<DB> {
    let (_, h) = root.dim_in_pixel();
    let band = Caption::height(t).min(h);
    let (top, rest) = root.split_vertically(band);
    let c = Canvas::new(&top, t)?;
    let (fs, w) = (c.fs, c.w);
    let x = (0.6 * fs).round();
    let max = w - 2.0 * x;
    let line = |s: &str, k: f64| fit(s, fs * k * t.text_scale, max);
    let mut y = 0.6 * fs + 0.75 * fs;
    c.text(
        &line(&caption.title, TITLE * 1.15),
        x,
        y,
        TITLE * 1.15,
        t.text,
        HPos::Left,
        VPos::Center,
    )?;
    y += 1.4 * fs;
    c.text(
        &line(&caption.scenario, TICK),
        x,
        y,
        TICK,
        t.text,
        HPos::Left,
        VPos::Center,
    )?;
    y += 1.3 * fs;
    c.text(
        &line(&caption.link, TICK),
        x,
        y,
        TICK,
        t.muted,
        HPos::Left,
        VPos::Center,
    )?;
    chart(&rest)
}

/// A file-name piece: lower case, letters, digits, dots and dashes only.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The GPU's id without its form factor (`h100-sxm` → `h100`, `a100-80gb-sxm` → `a100-80gb`).
fn gpu_short(id: &str) -> String {
    const FORM: [&str; 7] = ["sxm", "sxm2", "sxm4", "sxm5", "pcie", "gcd", "nvl"];
    let kept: Vec<&str> = id.split('-').filter(|p| !FORM.contains(p)).collect();
    if kept.is_empty() {
        id.to_string()
    } else {
        kept.join("-")
    }
}

/// `<chart id>-<model>-<gpu>[x<count>]-<weights>`: an exported file's name without its
/// extension, e.g. `roofline-llama-3.1-70b-h100x2-fp8`.
pub fn file_stem(id: &str, s: &ridgepoint::Scenario) -> String {
    let gpus = if s.gpus > 1 {
        format!("x{}", s.gpus)
    } else {
        String::new()
    };
    format!(
        "{}-{}-{}{gpus}-{}",
        slug(id),
        slug(&s.model.id),
        slug(&gpu_short(&s.gpu.id)),
        slug(s.weights.id())
    )
}

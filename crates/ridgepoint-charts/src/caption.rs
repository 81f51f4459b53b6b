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
        "serving-load" => "Serving under load: TTFT and TPOT as the load grows",
        "serving-timeline" => "Serving under load: batch, KV cache and queue over one run",
        _ => "Ridgepoint chart",
    }
}

/// At most this many lines for the scenario and for the link; the last one is cut with an
/// ellipsis if the text needs more.
const MAX_LINES: usize = 3;

/// A caption line: its text, type scale and whether it is muted (the link).
type Line = (String, f64, bool);

/// `s` broken into lines of at most `max` pixels at `size`: at spaces where there are any
/// (`words`), else anywhere (a link); at most [`MAX_LINES`], the last cut with an ellipsis.
fn wrap(s: &str, size: f64, max: f64, words: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        if lines.len() + 1 == MAX_LINES || text_width(rest, size) <= max {
            lines.push(fit(rest, size, max));
            break;
        }
        // The longest prefix that fits, ended at a space when breaking at words.
        let mut end = 0;
        let mut space = None;
        for (i, c) in rest.char_indices() {
            let next = i + c.len_utf8();
            if text_width(&rest[..next], size) > max {
                break;
            }
            end = next;
            if c == ' ' {
                space = Some(i);
            }
        }
        let cut = match space.filter(|_| words) {
            Some(i) if i > 0 => i,
            _ => end.max(rest.chars().next().map_or(1, char::len_utf8)),
        };
        lines.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    lines
}

impl Caption {
    /// The lines drawn for a band `width` pixels wide in theme `t`.
    fn lines(&self, width: f64, t: &Theme) -> Vec<Line> {
        let fs = t.font_size.max(1.0);
        let max = width - 2.0 * (0.6 * fs).round();
        let px = |k: f64| fs * k * t.text_scale;
        let mut out = vec![(fit(&self.title, px(TITLE * 1.15), max), TITLE * 1.15, false)];
        out.extend(
            wrap(&self.scenario, px(TICK), max, true)
                .into_iter()
                .map(|l| (l, TICK, false)),
        );
        out.extend(
            wrap(&self.link, px(TICK), max, false)
                .into_iter()
                .map(|l| (l, TICK, true)),
        );
        out
    }

    /// The band's height in pixels above a chart `width` pixels wide, in theme `t` (whose
    /// type is `t.font_size` pixels): the same at 2× with a 2× theme, so a PNG at twice the
    /// CSS size breaks its lines where the CSS-sized layout does.
    pub fn height(&self, width: f64, t: &Theme) -> u32 {
        let fs = t.font_size.max(1.0);
        let n = self.lines(width, t).len().max(1) as f64;
        (fs * (0.6 + 1.5 + 1.3 * (n - 1.0) + 0.4)).ceil() as u32
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
    let (w, h) = root.dim_in_pixel();
    let band = caption.height(w as f64, t).min(h);
    let (top, rest) = root.split_vertically(band);
    let c = Canvas::new(&top, t)?;
    let fs = c.fs;
    let x = (0.6 * fs).round();
    let mut y = 0.6 * fs + 0.75 * fs;
    for (i, (text, k, muted)) in caption.lines(w as f64, t).into_iter().enumerate() {
        if i > 0 {
            y += if i == 1 { 1.4 } else { 1.3 } * fs;
        }
        let color = if muted { t.muted } else { t.text };
        c.text(&text, x, y, k, color, HPos::Left, VPos::Center)?;
    }
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

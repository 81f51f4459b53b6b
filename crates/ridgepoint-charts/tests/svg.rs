//! The charts render to SVG natively through the same code the page runs on a canvas.
//!
//! Every chart is drawn for the seed scenario and for extreme ones, at the page's wide
//! (840×525) and phone (340×290) canvas sizes, in both themes; the tests read the SVG back:
//! labels present, markers counted, no NaN or infinity, and no two texts overlapping. The seed
//! charts are also written to `target/chart-previews/` for people to look at.

use plotters::coord::Shift;
use plotters::prelude::*;
use ridgepoint::ops::{ops, Step};
use ridgepoint::series::{fit, series};
use ridgepoint::{catalog, estimate, Precision, Spec};
use ridgepoint_charts::*;

const WIDE: (u32, u32) = (840, 525);
const NARROW: (u32, u32) = (340, 290);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Every chart's data for one scenario.
#[derive(Clone)]
struct Charts {
    roofline: RooflineData,
    memory: MemoryData,
    fit: FitMatrixData,
    kv_crossover: KvCrossoverData,
    kv_context: KvContextData,
    decode_intensity: DecodeIntensityData,
    prefill_intensity: PrefillIntensityData,
    ttft: TtftData,
    batch: BatchThroughputData,
    why: DecodeTimeData,
}

const FIT_MODELS: [&str; 7] = [
    "llama-2-7b",
    "llama-2-13b",
    "llama-3.1-8b",
    "mixtral-8x7b",
    "qwen2.5-32b",
    "llama-2-70b",
    "deepseek-v3",
];
const FIT_PRECISIONS: [Precision; 4] = [
    Precision::Fp16,
    Precision::Fp8,
    Precision::Int8,
    Precision::Int4,
];

fn spec(q: &str) -> Spec {
    let (spec, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{q}: {problems:?}");
    spec
}

/// What the page does: estimate, sweep, split into ops, and feed the constructors.
fn charts(spec: &Spec) -> Charts {
    let s = spec.scenario();
    let e = estimate(&s);
    let sw = series(&s);
    let cells = FIT_MODELS
        .iter()
        .map(|id| {
            FIT_PRECISIONS
                .iter()
                .map(|w| {
                    let mut v = s.clone();
                    v.model = catalog::model(id).expect("model in catalog");
                    v.weights = *w;
                    fit(&v)
                })
                .collect()
        })
        .collect();
    let current = FIT_MODELS
        .iter()
        .position(|m| *m == spec.model)
        .zip(FIT_PRECISIONS.iter().position(|p| *p == spec.weights));
    let fit = FitMatrixData::new(
        s.gpu.name.clone(),
        s.gpu.memory.get(),
        FIT_MODELS
            .iter()
            .map(|id| catalog::model(id).unwrap().name)
            .collect(),
        FIT_PRECISIONS
            .iter()
            .map(|p| p.label().to_string())
            .collect(),
        cells,
        current,
    );
    // Published figures for Llama-2-7B FP16 on an A100 80GB (shared/reference/measurements.tsv
    // m023, m011, m009), drawn whatever the scenario: the charts only place them.
    let ttft_measured = vec![MeasuredPoint {
        x: 128.0,
        y: 0.016,
        label: "TensorRT-LLM v0.5, m023".into(),
    }];
    let tput_measured = vec![
        MeasuredPoint {
            x: 52.0,
            y: 591.0,
            label: "TensorRT-LLM v0.6.1, m011".into(),
        },
        MeasuredPoint {
            x: 384.0,
            y: 5586.0,
            label: "TensorRT-LLM v0.6.1, m009 (128/128)".into(),
        },
    ];
    Charts {
        roofline: RooflineData::from_estimate(&e, spec.batch, spec.prompt)
            .with_efficiency(&s.efficiency)
            .with_ops(&ops(&s, Step::Decode), &ops(&s, Step::Prefill)),
        memory: MemoryData::from_estimate(&e),
        fit,
        kv_crossover: KvCrossoverData::from_series(&sw, &e),
        kv_context: KvContextData::from_series(&sw, &e),
        decode_intensity: DecodeIntensityData::from_series(&sw, &e),
        prefill_intensity: PrefillIntensityData::from_series(&sw, &e),
        ttft: TtftData::from_series(&sw, &e).with_measured(ttft_measured),
        batch: BatchThroughputData::from_series(&sw, &e).with_measured(tput_measured, vec![]),
        why: DecodeTimeData::from_estimate(&e),
    }
}

fn svg(size: (u32, u32), draw: impl FnOnce(&Area) -> Result<(), String>) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw(&root).unwrap();
    }
    out
}

macro_rules! draw_fn {
    ($f:ident, $d:expr, $t:expr) => {
        |a: &Area| $f(a, $d, $t).map_err(|e| format!("{e:?}"))
    };
}

/// Every chart of `c` as (id, SVG, table, description).
fn render_all(
    c: &Charts,
    size: (u32, u32),
    t: &Theme,
) -> Vec<(&'static str, String, Table, String)> {
    vec![
        (
            RooflineData::ID,
            svg(size, draw_fn!(roofline, &c.roofline, t)),
            c.roofline.table(),
            c.roofline.describe(),
        ),
        (
            MemoryData::ID,
            svg(size, draw_fn!(memory, &c.memory, t)),
            c.memory.table(),
            c.memory.describe(),
        ),
        (
            FitMatrixData::ID,
            svg(size, draw_fn!(fit_matrix, &c.fit, t)),
            c.fit.table(),
            c.fit.describe(),
        ),
        (
            KvCrossoverData::ID,
            svg(size, draw_fn!(kv_crossover, &c.kv_crossover, t)),
            c.kv_crossover.table(),
            c.kv_crossover.describe(),
        ),
        (
            KvContextData::ID,
            svg(size, draw_fn!(kv_context, &c.kv_context, t)),
            c.kv_context.table(),
            c.kv_context.describe(),
        ),
        (
            DecodeIntensityData::ID,
            svg(size, draw_fn!(decode_intensity, &c.decode_intensity, t)),
            c.decode_intensity.table(),
            c.decode_intensity.describe(),
        ),
        (
            PrefillIntensityData::ID,
            svg(size, draw_fn!(prefill_intensity, &c.prefill_intensity, t)),
            c.prefill_intensity.table(),
            c.prefill_intensity.describe(),
        ),
        (
            TtftData::ID,
            svg(size, draw_fn!(ttft, &c.ttft, t)),
            c.ttft.table(),
            c.ttft.describe(),
        ),
        (
            BatchThroughputData::ID,
            svg(size, draw_fn!(batch_throughput, &c.batch, t)),
            c.batch.table(),
            c.batch.describe(),
        ),
        (
            DecodeTimeData::ID,
            svg(size, draw_fn!(decode_time, &c.why, t)),
            c.why.table(),
            c.why.describe(),
        ),
    ]
}

fn light() -> Theme {
    Theme::LIGHT.for_svg()
}

/// A `<text>` element read back from the SVG.
#[derive(Debug)]
struct TextBox {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')? + i;
    Some(tag[i..j].to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The same width estimate the charts lay out with (sans-serif advance widths), slightly
/// tightened so that only real collisions count.
fn width(s: &str, size: f64) -> f64 {
    0.92 * text_width(s, size)
}

/// Every text's box, as the SVG backend positions it (font-size is size / 1.24; `for_svg`
/// themes undo that, so the drawn size is the font-size attribute × 1.24 / 1.24).
fn texts(svg: &str) -> Vec<TextBox> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        let after = &rest[i..];
        let close = after.find('>').unwrap();
        let tag = &after[..close];
        let end = after.find("</text>").unwrap();
        let text = unescape(after[close + 1..end].trim());
        let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
        let y: f64 = attr(tag, "y").unwrap().parse().unwrap();
        let size: f64 = attr(tag, "font-size").unwrap().parse().unwrap();
        let w = width(&text, size);
        let h = size;
        let x0 = match attr(tag, "text-anchor").as_deref() {
            Some("middle") => x - w / 2.0,
            Some("end") => x - w,
            _ => x,
        };
        let y0 = match attr(tag, "dy").as_deref() {
            Some("0.76em") => y,
            Some("-0.5ex") => y - h,
            _ => y - h / 2.0,
        };
        if tag.contains("rotate(") {
            // Rotated texts are not used by the charts; keep the check honest if they appear.
            panic!("rotated text in chart SVG: {text}");
        }
        out.push(TextBox {
            text,
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + h,
        });
        rest = &after[end..];
    }
    out
}

/// Fails on two texts overlapping by more than a sliver, or a text outside the canvas.
fn assert_legible(id: &str, svg: &str, size: (u32, u32)) {
    let boxes = texts(svg);
    for (i, a) in boxes.iter().enumerate() {
        assert!(
            a.x0 >= -1.0
                && a.x1 <= size.0 as f64 + 1.0
                && a.y0 >= -1.0
                && a.y1 <= size.1 as f64 + 1.0,
            "{id} at {size:?}: {:?} is clipped ({:.0}..{:.0}, {:.0}..{:.0})",
            a.text,
            a.x0,
            a.x1,
            a.y0,
            a.y1
        );
        for b in &boxes[i + 1..] {
            let w = a.x1.min(b.x1) - a.x0.max(b.x0);
            let h = a.y1.min(b.y1) - a.y0.max(b.y0);
            assert!(
                w <= 2.0 || h <= 2.0,
                "{id} at {size:?}: {:?} overlaps {:?}",
                a.text,
                b.text
            );
        }
    }
}

fn assert_finite(id: &str, svg: &str) {
    assert!(!svg.contains("NaN"), "{id}: NaN in SVG");
    let words = svg.split(|c: char| !c.is_ascii_alphanumeric());
    for w in words {
        assert!(w != "inf" && w != "Infinity", "{id}: infinity in SVG");
    }
}

fn text_of(svg: &str) -> Vec<String> {
    texts(svg).into_iter().map(|t| t.text).collect()
}

fn has_text(svg: &str, s: &str) -> bool {
    text_of(svg).iter().any(|t| t.contains(s))
}

fn by_id<'a>(all: &'a [(&'static str, String, Table, String)], id: &str) -> &'a str {
    &all.iter().find(|c| c.0 == id).unwrap().1
}

const SCENARIOS: [&str; 6] = [
    "",
    "batch=4096&prompt=1048576&output=1048576",
    "model=deepseek-v3&gpus=8",
    "model=deepseek-v3&gpus=8&gpu=h200-sxm&w=fp8&kv=fp8",
    "model=llama-2-70b",
    "batch=1&prompt=1&output=1&w=fp4",
];

#[test]
fn every_chart_renders_legibly_for_every_scenario_size_and_theme() {
    for q in SCENARIOS {
        let c = charts(&spec(q));
        for size in [WIDE, NARROW] {
            for t in [light(), Theme::DARK.for_svg()] {
                for (id, svg, table, describe) in render_all(&c, size, &t) {
                    let what = format!("{id} [{q}]");
                    assert!(svg.starts_with("<svg"), "{what}");
                    assert_finite(&what, &svg);
                    assert_legible(&what, &svg, size);
                    assert!(
                        !table.rows.is_empty() && !table.headers.is_empty(),
                        "{what}"
                    );
                    for row in &table.rows {
                        assert_eq!(row.len(), table.headers.len(), "{what}: ragged table");
                    }
                    assert!(
                        describe.ends_with('.') && !describe.contains("NaN"),
                        "{what}: {describe}"
                    );
                }
            }
        }
    }
}

#[test]
fn tiny_canvases_and_broken_numbers_do_not_panic() {
    let c = charts(&Spec::default());
    for size in [(1, 1), (40, 30), (120, 90), (2000, 120)] {
        for (_, out, _, _) in render_all(&c, size, &light()) {
            assert_finite("tiny", &out);
        }
    }
    // Numbers no engine output should hold, in every field the charts read.
    let mut c = charts(&Spec::default());
    c.roofline.bandwidth = 0.0;
    c.roofline.points[0].intensity = f64::NAN;
    c.memory.total = f64::INFINITY;
    c.memory.capacity = 0.0;
    c.kv_crossover.kv_cache[3] = f64::NAN;
    c.kv_crossover.current_total = -1.0;
    c.kv_context.total.clear();
    c.decode_intensity.intensity = vec![0.0; c.decode_intensity.batch.len()];
    c.decode_intensity.batch.truncate(2);
    c.prefill_intensity.tokens.truncate(3);
    c.ttft.tokens.truncate(1);
    c.prefill_intensity.ridge = f64::NAN;
    c.ttft.calibrated[0] = f64::INFINITY;
    c.batch.step = vec![];
    c.why.compute_time = 0.0;
    c.fit.cells[0].clear();
    c.fit.current = Some((99, 99));
    for size in [WIDE, NARROW] {
        for (id, out, _, _) in render_all(&c, size, &light()) {
            assert_finite(id, &out);
        }
    }
}

#[test]
fn roofline_draws_roofs_ridge_achieved_roofs_phases_and_ops() {
    let c = charts(&Spec::default());
    let all = render_all(&c, WIDE, &light());
    let svg = by_id(&all, "roofline");
    let eff = Spec::default().scenario().efficiency;
    let achieved = format!(
        "achieved {}% BW / {}% FLOPs",
        (eff.bandwidth * 100.0).round(),
        (eff.compute * 100.0).round()
    );
    for s in [
        "ridge 153 FLOP/B",
        "decode, batch 1",
        "prefill, 2,048 tokens",
        &achieved,
        "compute roof 312 TFLOP/s",
        "memory roof 2.04 TB/s",
    ] {
        assert!(has_text(svg, s), "missing {s:?} in {:?}", text_of(svg));
    }
    // Every decade is labelled, the first (0.1) included.
    let labels = text_of(svg);
    for tick in ["0.1", "1", "10", "100", "1k", "10k"] {
        assert!(
            labels.iter().any(|l| l == tick),
            "tick {tick} missing: {labels:?}"
        );
    }
    // Two phases, ten operations, and three legend markers (decode, prefill, per operation).
    assert_eq!(svg.matches("<circle").count(), 2 + 10 + 3);
    // The five decode operations sit together at intensity ≈ 1: one grouped label.
    assert!(
        labels
            .iter()
            .any(|l| l.contains("QKV") && l.contains("MLP") && l.contains("attn")),
        "{labels:?}"
    );
    // The memory roof (blue) and the compute roof (red) are both stroked.
    assert!(svg.contains("#1F77B4"), "memory roof colour missing");
    assert!(svg.contains("#D62728"), "compute roof colour missing");
}

#[test]
fn roofline_without_options_still_draws_the_page_s_current_data() {
    let e = estimate(&Spec::default().scenario());
    let d = RooflineData::from_estimate(&e, 1, 2048);
    let svg = svg(WIDE, draw_fn!(roofline, &d, &light()));
    assert_eq!(svg.matches("<circle").count(), 2 + 2);
    assert!(!has_text(&svg, "achieved"));
}

#[test]
fn memory_bar_states_the_verdict() {
    let seed = render_all(&charts(&Spec::default()), WIDE, &light());
    let svg = by_id(&seed, "memory");
    for s in [
        "fits (70.6 GB free)",
        "85.9 GB capacity",
        "total 15.3 GB",
        "weights 13.5 GB",
        "13.5 GB",
    ] {
        assert!(has_text(svg, s), "missing {s:?} in {:?}", text_of(svg));
    }
    let big = render_all(&charts(&spec("model=llama-2-70b")), WIDE, &light());
    let svg = by_id(&big, "memory");
    // 139.5 GB needed − 85.9 GB (81,920 MiB) = 53.6 GB over.
    assert!(
        has_text(svg, "does not fit (53.6 GB over)"),
        "{:?}",
        text_of(svg)
    );
    // Far past capacity the bar is cut and the total says by how much.
    let huge = render_all(&charts(&spec(SCENARIOS[1])), WIDE, &light());
    let svg = by_id(&huge, "memory");
    assert!(has_text(svg, "× capacity)"), "{:?}", text_of(svg));
}

#[test]
fn fit_matrix_marks_every_cell_and_outlines_the_current_one() {
    let c = charts(&Spec::default());
    let all = render_all(&c, WIDE, &light());
    let svg = by_id(&all, "fit-matrix");
    let labels = text_of(svg);
    let glyphs = labels
        .iter()
        .filter(|l| l.starts_with('✓') || l.starts_with('~') || l.starts_with('✗'))
        .count();
    // 7 × 4 cells plus the three legend entries.
    assert_eq!(
        glyphs,
        FIT_MODELS.len() * FIT_PRECISIONS.len() + 3,
        "{labels:?}"
    );
    assert!(labels.iter().any(|l| l == "✓ 15.3 GB"), "{labels:?}");
    assert!(
        labels.iter().any(|l| l.starts_with('✗')),
        "70B at FP16 does not fit: {labels:?}"
    );
    // The current cell's outline: an unfilled rect in the text colour.
    assert!(
        svg.contains(r##"fill="none" stroke="#1C2028""##),
        "no outline"
    );
    let narrow = render_all(&c, NARROW, &light());
    let n = text_of(by_id(&narrow, "fit-matrix"));
    assert!(n.iter().any(|l| l.starts_with('✓')), "{n:?}");
    assert!(
        c.fit
            .describe()
            .contains("Llama-2-7B at FP16: 15.3 GB (fits)"),
        "{}",
        c.fit.describe()
    );
    // The height the page can give the canvas: every row at full size, nothing clipped.
    for width in [840.0, 340.0] {
        let h = c.fit.preferred_height(width, 13.0);
        assert!((180.0..450.0).contains(&h), "{width}: {h}");
        let size = (width as u32, h as u32);
        let out = crate::svg(size, draw_fn!(fit_matrix, &c.fit, &light()));
        assert_legible("fit-matrix", &out, size);
        let cell = texts(&out)
            .into_iter()
            .find(|t| t.text.starts_with("✓ 15"))
            .unwrap();
        assert!(
            cell.y1 - cell.y0 >= 13.0 * 0.84,
            "{width}: cell text shrunk"
        );
    }
}

#[test]
fn a_point_on_a_drawn_cell_selects_that_cell() {
    let c = charts(&Spec::default());
    for (w, h) in [WIDE, NARROW, (840, 900)] {
        let out = crate::svg((w, h), draw_fn!(fit_matrix, &c.fit, &light()));
        let boxes = texts(&out);
        // Llama-2-7B (row 0) at FP16 (column 0) is the top-left cell, the last model at
        // INT4 the bottom-right one.
        // A cell's text starts with its glyph; the legend's also name the verdict.
        let is_cell = |t: &&TextBox| {
            ['✓', '~', '✗'].iter().any(|g| t.text.starts_with(*g))
                && !t.text.contains("fit")
                && !t.text.contains("tight")
        };
        let cell = boxes
            .iter()
            .filter(is_cell)
            .min_by(|a, b| (a.y0 + a.x0).total_cmp(&(b.y0 + b.x0)))
            .expect("a cell");
        let (x, y) = ((cell.x0 + cell.x1) / 2.0, (cell.y0 + cell.y1) / 2.0);
        let (fw, fh) = (w as f64, h as f64);
        assert_eq!(
            c.fit.cell_at(fw, fh, x, y, &light()),
            Some((0, 0)),
            "{w}×{h}: {cell:?}"
        );
        // Outside the grid: the legend, the row labels.
        assert_eq!(c.fit.cell_at(fw, fh, x, 2.0, &light()), None);
        assert_eq!(c.fit.cell_at(fw, fh, 1.0, y, &light()), None);
        assert_eq!(c.fit.cell_at(fw, fh, f64::NAN, y, &light()), None);
        // The last model's last column.
        let last = boxes
            .iter()
            .filter(is_cell)
            .max_by(|a, b| (a.y0 + a.x0).total_cmp(&(b.y0 + b.x0)))
            .unwrap();
        let (x, y) = ((last.x0 + last.x1) / 2.0, (last.y0 + last.y1) / 2.0);
        assert_eq!(
            c.fit.cell_at(fw, fh, x, y, &light()),
            Some((FIT_MODELS.len() - 1, FIT_PRECISIONS.len() - 1)),
            "{w}×{h}: {last:?}"
        );
    }
}

#[test]
fn fit_matrix_of_the_whole_catalog_reads_at_its_preferred_height() {
    let s = Spec::default().scenario();
    let models = catalog::models();
    let cells = ridgepoint::series::fit_matrix(&s, &models, &Precision::COMMON);
    let d = FitMatrixData::new(
        s.gpu.name.clone(),
        s.gpu.memory.get(),
        models.iter().map(|m| m.name.clone()).collect(),
        Precision::COMMON
            .iter()
            .map(|p| p.label().to_string())
            .collect(),
        cells,
        Some((0, 0)),
    );
    let dir = previews();
    for (width, name) in [
        (840.0, "fit-matrix-catalog"),
        (340.0, "fit-matrix-catalog-narrow"),
    ] {
        let size = (width as u32, d.preferred_height(width, 13.0) as u32);
        let out = crate::svg(size, draw_fn!(fit_matrix, &d, &light()));
        assert_legible(name, &out, size);
        let glyphs = text_of(&out)
            .iter()
            .filter(|l| l.starts_with('✓') || l.starts_with('~') || l.starts_with('✗'))
            .count();
        assert_eq!(glyphs, models.len() * Precision::COMMON.len() + 3);
        let cell = texts(&out)
            .into_iter()
            .find(|t| t.text.starts_with('✓'))
            .unwrap();
        assert!(
            cell.y1 - cell.y0 >= 13.0 * 0.8,
            "{name}: cell text too small"
        );
        std::fs::write(dir.join(format!("{name}.svg")), out).unwrap();
    }
}

#[test]
fn kv_charts_mark_crossover_out_of_memory_and_current() {
    let c = charts(&Spec::default());
    assert_eq!(c.kv_crossover.crossover, Some(12));
    let all = render_all(&c, WIDE, &light());
    let svg = by_id(&all, "kv-crossover");
    for s in [
        "KV = weights at batch 12",
        "out of memory at batch 63",
        "batch 1: 15.3 GB",
        "85.9 GB capacity",
    ] {
        assert!(has_text(svg, s), "missing {s:?} in {:?}", text_of(svg));
    }
    // Current batch: a dot on the KV line and one on the total, plus nothing else round.
    assert_eq!(svg.matches("<circle").count(), 2);
    let svg = by_id(&all, "kv-context");
    for s in ["out of memory past 137k tokens", "2.18k tokens: 15.3 GB"] {
        assert!(has_text(svg, s), "missing {s:?} in {:?}", text_of(svg));
    }
    let narrow = render_all(&c, NARROW, &light());
    assert!(has_text(by_id(&narrow, "kv-crossover"), "KV = weights: 12"));
    // Llama-2-70B at FP16 does not fit one A100 at any batch.
    let big = render_all(&charts(&spec("model=llama-2-70b")), WIDE, &light());
    assert!(has_text(
        by_id(&big, "kv-crossover"),
        "does not fit even at batch 1"
    ));
    assert!(has_text(
        by_id(&big, "kv-context"),
        "does not fit at any context"
    ));
}

#[test]
fn intensity_charts_mark_the_ridge_and_where_it_is_crossed() {
    let c = charts(&Spec::default());
    let all = render_all(&c, WIDE, &light());
    let svg = by_id(&all, "decode-intensity");
    for s in [
        "ridge 153 FLOP/B",
        "stays below the ridge: KV reads grow with the batch",
        "batch 1: 1 FLOP/B",
    ] {
        assert!(has_text(svg, s), "missing {s:?} in {:?}", text_of(svg));
    }
    let svg = by_id(&all, "prefill-intensity");
    assert!(has_text(svg, "compute-bound from ≈"), "{:?}", text_of(svg));
    assert!(
        has_text(svg, "2,048 tokens: 1934 FLOP/B"),
        "{:?}",
        text_of(svg)
    );
    // Llama-2-70B's GQA keeps KV reads small: decode does cross the ridge in the sweep.
    let big = charts(&spec("model=llama-2-70b"));
    assert!(big.decode_intensity.crossing.is_some());
    let all = render_all(&big, WIDE, &light());
    assert!(has_text(
        by_id(&all, "decode-intensity"),
        "compute-bound from batch"
    ));
}

#[test]
fn ttft_and_batch_charts_show_floor_calibrated_knee_and_measurements() {
    let c = charts(&Spec::default());
    let e = estimate(&Spec::default().scenario());
    let all = render_all(&c, WIDE, &light());
    let svg = by_id(&all, "ttft");
    assert!(has_text(svg, "published measurement"));
    let current = format!("2,048 tokens: {}", e.calibrated.ttft);
    assert!(
        has_text(svg, &current),
        "{current:?} missing: {:?}",
        text_of(svg)
    );
    // One measurement plus the legend's diamond.
    assert_eq!(svg.matches("<polygon").count(), 2);
    let svg = by_id(&all, "batch-throughput");
    let step = format!("{}/step", e.decode.calibrated_time);
    let tps = ridgepoint::units::Unit::TokensPerSec.format(1.0 / e.decode.calibrated_time.get());
    for s in [
        "knee: KV reads (batch 12)",
        &step,
        &tps,
        "decode step time",
        "tokens/s, all sequences",
    ] {
        assert!(has_text(svg, s), "missing {s:?} in {:?}", text_of(svg));
    }
    assert_eq!(svg.matches("<polygon").count(), 2 + 1);
}

#[test]
fn why_decode_states_the_ratio() {
    let c = charts(&Spec::default());
    let all = render_all(&c, WIDE, &light());
    let svg = by_id(&all, "why-decode");
    for s in [
        "memory reads take 153× longer than the math",
        "7.02 ms",
        "45.9 µs",
    ] {
        assert!(has_text(svg, s), "missing {s:?} in {:?}", text_of(svg));
    }
    let narrow = render_all(&c, NARROW, &light());
    let svg = by_id(&narrow, "why-decode");
    assert!(has_text(svg, "153×"), "{:?}", text_of(svg));
}

#[test]
fn tables_and_descriptions_carry_the_key_numbers() {
    let c = charts(&Spec::default());
    assert!(c.roofline.describe().contains("ridge at 153 FLOP/B"));
    assert!(c.memory.describe().contains("fits (70.6 GB free)"));
    assert!(c
        .kv_crossover
        .describe()
        .contains("overtakes the weights at batch 12"));
    assert!(c.kv_crossover.describe().contains("runs out at batch 63"));
    assert!(c.batch.describe().contains("batch 12 (KV reads)"));
    assert!(c.why.describe().contains("153×"));
    let t = c.kv_crossover.table();
    assert_eq!(t.rows.len(), c.kv_crossover.batch.len());
    assert_eq!(t.rows[0][0], "1");
    let csv = c.roofline.table().to_csv();
    assert!(
        csv.starts_with(
            "point,intensity_flop_per_byte,attainable_flop_per_s,compute_bound,\
             memory_roof_bytes_per_s,compute_roof_flop_per_s\r\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("\"decode, batch 1\""), "{csv}");
}

#[test]
fn dark_theme_changes_the_background() {
    let c = charts(&Spec::default());
    for (id, svg, _, _) in render_all(&c, WIDE, &Theme::DARK.for_svg()) {
        assert!(svg.contains("#16191F"), "{id}");
    }
    let light = render_all(&c, WIDE, &light());
    assert!(by_id(&light, "roofline").contains("#FFFFFF"));
}

/// `target/chart-previews` (under `CARGO_TARGET_DIR` when set).
fn previews() -> std::path::PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("chart-previews");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the seed charts, wide, narrow and dark, for people to look at.
#[test]
fn write_previews() {
    let dir = previews();
    let c = charts(&Spec::default());
    for (suffix, size, t) in [
        ("", WIDE, light()),
        ("-narrow", NARROW, light()),
        ("-dark", WIDE, Theme::DARK.for_svg()),
    ] {
        for (id, svg, _, _) in render_all(&c, size, &t) {
            std::fs::write(dir.join(format!("{id}{suffix}.svg")), svg).unwrap();
        }
    }
    for (name, q) in [
        ("llama-2-70b", "model=llama-2-70b"),
        ("extreme", SCENARIOS[1]),
        ("deepseek", SCENARIOS[3]),
        (
            "mixtral-l4",
            "model=mixtral-8x7b&gpu=l4&batch=256&prompt=128&output=4096&w=int4",
        ),
    ] {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        for (suffix, size) in [("", WIDE), ("-narrow", NARROW)] {
            for (id, svg, _, _) in render_all(&charts(&spec(q)), size, &light()) {
                std::fs::write(dir.join(name).join(format!("{id}{suffix}.svg")), svg).unwrap();
            }
        }
    }
}

#[test]
fn the_whole_catalog_renders_legibly() {
    let mut failures = Vec::new();
    for m in catalog::models() {
        for gpu in ["a100-80gb-sxm", "l4"] {
            for w in [
                "batch=1&prompt=2048&output=128",
                "batch=256&prompt=128&output=4096&w=int4",
            ] {
                let q = format!("model={}&gpu={gpu}&{w}", m.id);
                let c = charts(&spec(&q));
                for size in [WIDE, NARROW] {
                    for (id, out, _, describe) in render_all(&c, size, &light()) {
                        assert_finite(&format!("{id} [{q}]"), &out);
                        assert!(!describe.contains("NaN"), "{id} [{q}]: {describe}");
                        let r = std::panic::catch_unwind(|| assert_legible(id, &out, size));
                        if let Err(e) = r {
                            let msg = e.downcast_ref::<String>().cloned().unwrap_or_default();
                            failures.push(format!("[{q}] {msg}"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What the page's memos and effects need of every chart's data.
#[test]
fn chart_data_is_plain_shareable_data() {
    fn plain<T: ChartData + Clone + PartialEq + std::fmt::Debug + Send + Sync + 'static>() {}
    plain::<RooflineData>();
    plain::<MemoryData>();
    plain::<FitMatrixData>();
    plain::<KvCrossoverData>();
    plain::<KvContextData>();
    plain::<DecodeIntensityData>();
    plain::<PrefillIntensityData>();
    plain::<TtftData>();
    plain::<BatchThroughputData>();
    plain::<DecodeTimeData>();
    let ids = [
        RooflineData::ID,
        MemoryData::ID,
        FitMatrixData::ID,
        KvCrossoverData::ID,
        KvContextData::ID,
        DecodeIntensityData::ID,
        PrefillIntensityData::ID,
        TtftData::ID,
        BatchThroughputData::ID,
        DecodeTimeData::ID,
    ];
    assert_eq!(
        ids,
        [
            "roofline",
            "memory",
            "fit-matrix",
            "kv-crossover",
            "kv-context",
            "decode-intensity",
            "prefill-intensity",
            "ttft",
            "batch-throughput",
            "why-decode"
        ]
    );
}

#[test]
fn roofline_readout_names_the_point_under_the_pointer_or_the_roofline_there() {
    use ridgepoint_charts::Readout;
    let spec = ridgepoint::Spec::default();
    let e = ridgepoint::estimate(&spec.scenario());
    let draw = |readout| {
        let mut d = ridgepoint_charts::RooflineData::from_estimate(&e, spec.batch, spec.prompt);
        d.readout = readout;
        let mut svg = String::new();
        {
            let root = plotters::prelude::SVGBackend::with_string(&mut svg, (840, 525))
                .into_drawing_area();
            ridgepoint_charts::roofline(&root, &d, &ridgepoint_charts::Theme::LIGHT.for_svg())
                .unwrap();
        }
        svg
    };
    let plain = draw(Readout::None);
    let focused = draw(Readout::Focus);
    assert!(!plain.contains("memory-bound</text>"));
    assert!(
        focused.contains("memory-bound"),
        "focus reads out the decode point"
    );
    assert!(focused.contains("1 FLOP/B"));
    // Far right, mid-height: no point nearby, so the roofline at that intensity.
    let there = draw(Readout::At(0.9, 0.5));
    assert!(there.contains("roofline here"));
    assert!(there.contains("compute-bound"));
}

/// Compare mode: each chart that compares takes another scenario's `as_pinned` overlay and
/// draws it (in the theme's pinned colour, with a legend entry) inside its axes, legibly.
#[test]
fn pinned_scenarios_are_drawn_under_the_current_one() {
    let t = light();
    let RGBColor(r, g, b) = t.pinned;
    let pinned_colour = format!("#{r:02X}{g:02X}{b:02X}");
    let a = charts(&Spec::default());
    for q in [
        "gpu=h100-sxm&w=fp8&kv=fp8",
        "model=llama-2-70b&gpus=4&batch=64",
    ] {
        let mut b = charts(&spec(q));
        macro_rules! pin {
            ($($f:ident),*) => {$(
                assert!(!b.$f.has_pinned());
                b.$f.set_pinned(a.$f.as_pinned());
                assert!(b.$f.has_pinned(), "{}", stringify!($f));
            )*};
        }
        pin!(
            roofline,
            kv_crossover,
            kv_context,
            decode_intensity,
            prefill_intensity,
            ttft,
            batch
        );
        assert!(a.memory.as_pinned().is_none() && a.fit.as_pinned().is_none());
        for size in [WIDE, NARROW] {
            for (id, svg, _, _) in render_all(&b, size, &t) {
                let compares = !matches!(id, "memory" | "fit-matrix" | "why-decode");
                assert_eq!(
                    svg.contains(&pinned_colour),
                    compares,
                    "{id} for {q}: pinned colour"
                );
                assert_eq!(has_text(&svg, "pinned A"), compares, "{id}: legend");
                assert_legible(id, &svg, size);
                assert_finite(id, &svg);
                if id.ends_with("-intensity") && size == WIDE {
                    // A's ridge (A100: 153 FLOP/B) is labelled beside B's.
                    assert!(
                        has_text(&svg, "A: ridge 153 FLOP/B"),
                        "{id}: {:?}",
                        text_of(&svg)
                    );
                }
            }
        }
    }
    // Without a pin, nothing is drawn in that colour.
    for (id, svg, _, _) in render_all(&a, WIDE, &t) {
        assert!(!svg.contains(&pinned_colour), "{id}");
    }
}

/// The pinned overlay widens the axes: Llama-2-70B's slower prefill stays on the seed's TTFT
/// chart (the time axis gains ticks above the seed's own range).
#[test]
fn the_axes_take_in_the_pinned_scenario() {
    let a = charts(&spec("model=llama-2-70b&gpus=4&batch=64"));
    let mut b = charts(&Spec::default());
    let top = |d: &TtftData| d.calibrated.iter().copied().fold(0.0, f64::max);
    assert!(top(&a.ttft) > 10.0 * top(&b.ttft), "A is much slower");
    let time_ticks = |c: &Charts| {
        let all = render_all(c, WIDE, &light());
        let mut v: Vec<String> = text_of(by_id(&all, "ttft"))
            .into_iter()
            .filter(|s| s.ends_with(" s") || s.ends_with("ms"))
            .collect();
        v.sort();
        v
    };
    let before = time_ticks(&b);
    b.ttft.set_pinned(a.ttft.as_pinned());
    let after = time_ticks(&b);
    assert!(
        after.iter().any(|t| !before.contains(t)),
        "{after:?} vs {before:?}"
    );
}

/// Compare mode with any two of the extreme scenarios, either way round, and with broken
/// numbers in the overlay: no panic, nothing non-finite in the SVG, texts legible.
#[test]
fn extreme_and_broken_pins_do_not_panic() {
    let all: Vec<Charts> = SCENARIOS.iter().map(|q| charts(&spec(q))).collect();
    for a in &all {
        for b in &all {
            let mut b = b.clone();
            b.roofline.set_pinned(a.roofline.as_pinned());
            b.kv_crossover.set_pinned(a.kv_crossover.as_pinned());
            b.kv_context.set_pinned(a.kv_context.as_pinned());
            b.decode_intensity
                .set_pinned(a.decode_intensity.as_pinned());
            b.prefill_intensity
                .set_pinned(a.prefill_intensity.as_pinned());
            b.ttft.set_pinned(a.ttft.as_pinned());
            b.batch.set_pinned(a.batch.as_pinned());
            for size in [WIDE, NARROW] {
                for (id, out, _, _) in render_all(&b, size, &light()) {
                    assert_finite(id, &out);
                }
            }
        }
    }
    let mut c = charts(&Spec::default());
    let broken = Pinned {
        lines: vec![(
            vec![(f64::NAN, 1.0), (0.0, -1.0), (1e308, f64::INFINITY)],
            true,
        )],
        points: vec![(f64::NAN, f64::NAN, false), (0.0, 0.0, true)],
        ridge: Some(f64::NAN),
    };
    c.roofline.set_pinned(Some(broken.clone()));
    c.decode_intensity.set_pinned(Some(broken.clone()));
    c.batch.set_pinned(Some(broken.clone()));
    c.ttft.set_pinned(Some(broken));
    for (id, out, _, _) in render_all(&c, WIDE, &light()) {
        assert_finite(id, &out);
    }
}

/// Compare mode's data table: B's rows, then A's, marked in a leading column.
#[test]
fn a_pinned_table_follows_the_current_one() {
    let a = charts(&spec("gpu=h100-sxm"));
    let b = charts(&Spec::default());
    let (ta, tb) = (a.ttft.table(), b.ttft.table());
    let t = b.ttft.table().with_pinned(a.ttft.table());
    assert_eq!(t.headers[0], "scenario");
    assert_eq!(&t.headers[1..], &tb.headers[..]);
    assert_eq!(t.rows.len(), ta.rows.len() + tb.rows.len());
    assert_eq!(t.rows[0][0], "B");
    assert_eq!(&t.rows[0][1..], &tb.rows[0][..]);
    assert_eq!(t.rows[tb.rows.len()][0], "A");
    assert_eq!(&t.rows[tb.rows.len()][1..], &ta.rows[0][..]);
    assert!(t.caption.contains("pinned A"));
    assert!(
        t.to_csv()
            .starts_with("scenario,prompt_tokens,ttft_floor_s,"),
        "{}",
        t.to_csv()
    );
}

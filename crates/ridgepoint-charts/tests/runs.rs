//! The batch and context charts shade what would not run and say why: batches past the
//! largest that fits, prompts past memory or the model's context window, contexts past the
//! window. Rendered to SVG natively, read back as text.
//!
//! Facts used (crates/ridgepoint/tests/runs.rs has the arithmetic): Llama-2-7B's window is
//! 4,096 tokens (its config.json); with 128 output tokens the longest prompt inside it is
//! 3,968, so prompts from 3,969 are shaded; Llama-2-70B at FP16 fits no batch on one 80 GB GPU.

use plotters::prelude::*;
use ridgepoint::series::series;
use ridgepoint::{estimate, Spec};
use ridgepoint_charts::*;

const WIDE: (u32, u32) = (840, 525);

fn data(q: &str) -> (ridgepoint::series::Series, ridgepoint::Estimate) {
    let (spec, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{problems:?}");
    let s = spec.scenario();
    (series(&s), estimate(&s))
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn svg(draw: impl FnOnce(&Area) -> Result<(), String>) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, WIDE).into_drawing_area();
        draw(&root).unwrap();
    }
    out
}

macro_rules! render {
    ($d:expr, $f:ident) => {
        svg(|a: &Area| $f(a, $d, &Theme::LIGHT.for_svg()).map_err(|e| format!("{e:?}")))
    };
}

/// The out-of-memory bands: rectangles filled at 7% opacity.
fn bands(svg: &str) -> usize {
    svg.matches("opacity=\"0.07\"").count()
}

fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            let end = t.find("</text>")?;
            Some(t[start..end].replace("&amp;", "&").replace("&#39;", "'"))
        })
        .collect()
}

fn has(svg: &str, s: &str) -> bool {
    texts(svg).iter().any(|t| t.contains(s))
}

#[test]
fn the_batch_chart_shades_batches_past_memory_and_the_knee_agrees() {
    let (s, e) = data("v=1&batch=4096");
    let d = BatchThroughputData::from_series(&s, &e);
    assert_eq!(d.max_batch, e.max_batch as f64);
    let svg = render!(&d, batch_throughput);
    let oom = format!("out of memory from batch {}", e.max_batch + 1);
    assert!(has(&svg, &oom), "{oom} not in {:?}", texts(&svg));
    assert_eq!(bands(&svg), 1);
    // The current batch (4,096) lies past memory: its labels say so.
    assert!(has(&svg, "decode, would not run"), "{:?}", texts(&svg));
    assert!(has(&svg, "/step, would not run"));

    // Nothing fits: the whole plot is shaded and the chart says so; the knee is past memory.
    let (s, e) = data("v=1&model=llama-2-70b");
    let svg = render!(&BatchThroughputData::from_series(&s, &e), batch_throughput);
    assert!(
        has(&svg, "out of memory at every batch"),
        "{:?}",
        texts(&svg)
    );
    assert!(
        texts(&svg).iter().any(|t| t.contains("past memory")),
        "{:?}",
        texts(&svg)
    );
    assert_eq!(bands(&svg), 1);

    // The default scenario runs: its label carries no warning.
    let (s, e) = data("v=1");
    let svg = render!(&BatchThroughputData::from_series(&s, &e), batch_throughput);
    assert!(!has(&svg, "would not run"));
    assert!(has(&svg, " decode"), "the curve's figure is named decode");
}

#[test]
fn the_ttft_chart_stops_at_the_context_window() {
    let (s, e) = data("v=1&prompt=100000");
    let d = TtftData::from_series(&s, &e);
    assert_eq!(d.max_prompt, 3968.0);
    assert!(d.window_limited);
    let svg = render!(&d, ttft);
    assert!(
        has(&svg, "past the context window from 3,969 tokens"),
        "{:?}",
        texts(&svg)
    );
    assert!(has(&svg, "100,000 tokens:") && has(&svg, ", would not run"));
    assert_eq!(bands(&svg), 1);
    // The default prompt (2,048) runs; the window still bounds the sweep.
    let (s, e) = data("v=1");
    let svg = render!(&TtftData::from_series(&s, &e), ttft);
    assert!(has(&svg, "past the context window from 3,969 tokens"));
    assert!(!has(&svg, "would not run"));
}

#[test]
fn the_context_chart_marks_the_window() {
    let (s, e) = data("v=1");
    let d = KvContextData::from_series(&s, &e);
    assert_eq!(d.window, 4096.0);
    let svg = render!(&d, kv_context);
    assert!(
        has(&svg, "context window 4,096 tokens"),
        "{:?}",
        texts(&svg)
    );
    // Past the window and past memory: two bands.
    assert_eq!(bands(&svg), 2);
}

/// The profile's band: a faint polygon around the calibrated line (filled at 16%), keyed in the
/// legend, only when a band is given; its corners scale the calibrated figures.
#[test]
fn the_error_band_is_drawn_only_when_the_profile_has_one() {
    let (s, e) = data("v=1&engine=trtllm");
    let faint = |svg: &str| svg.matches("<polygon").count();
    let plain = TtftData::from_series(&s, &e);
    let banded = TtftData::from_series(&s, &e).with_band(Some((0.57, 1.17)));
    assert_eq!(banded.band, Some((0.57, 1.17)));
    let (a, b) = (render!(&plain, ttft), render!(&banded, ttft));
    assert!(!has(&a, "published spread"), "no band, no key");
    assert!(has(&b, "published spread (p10–p90)"));
    assert_eq!(faint(&b), faint(&a) + 1, "one band polygon");
    assert!(b.contains("opacity=\"0.16\""));
    // A band that is not one (low above high, or not finite) is dropped.
    assert_eq!(
        TtftData::from_series(&s, &e)
            .with_band(Some((1.2, 0.9)))
            .band,
        None
    );
    assert_eq!(
        TtftData::from_series(&s, &e)
            .with_band(Some((f64::NAN, 1.0)))
            .band,
        None
    );
    let t = BatchThroughputData::from_series(&s, &e).with_band(Some((0.57, 1.17)));
    let svg = render!(&t, batch_throughput);
    assert!(has(&svg, "published spread (p10–p90)"));
    assert!(svg.contains("opacity=\"0.16\""));
}

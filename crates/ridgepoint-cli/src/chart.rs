//! `ridgepoint chart <id>`: any of the page's charts as an SVG or PNG file, drawn by the same
//! chart functions through plotters' SVG backend or its bitmap backend ([`crate::png`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use ridgepoint::ops::{ops, Step};
use ridgepoint::series::series;
use ridgepoint::{catalog, estimate, Scenario};
use ridgepoint_charts::*;

/// Every chart id, as the page names them.
pub const IDS: [&str; 10] = [
    "why-decode",
    "roofline",
    "memory",
    "fit-matrix",
    "kv-crossover",
    "kv-context",
    "decode-intensity",
    "prefill-intensity",
    "ttft",
    "batch-throughput",
];

/// The file formats `chart -o` writes, by file-name extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

/// Extensions `chart -o` accepts, for help and refusals.
pub const FORMATS: &str = ".svg, .png";

impl Format {
    /// The format a file name asks for (`-`, standard output, is SVG); `None`: unsupported.
    pub fn of(path: &str) -> Option<Format> {
        if path == "-" {
            return Some(Format::Svg);
        }
        let ext = std::path::Path::new(path)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }
}

/// Draws chart `id` of scenario `s` on `root`.
fn draw<DB: DrawingBackend>(
    id: &str,
    s: &Scenario,
    theme: &Theme,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let e = estimate(s);
    let sr = series(s);
    let published = ridgepoint::published::for_scenario(s);
    let r = match id {
        "why-decode" => decode_time(root, &DecodeTimeData::from_estimate(&e), theme),
        "roofline" => {
            let d = RooflineData::from_estimate(&e, s.batch, s.prompt)
                .with_efficiency(&s.efficiency)
                .with_ops(&ops(s, Step::Decode), &ops(s, Step::Prefill));
            roofline(root, &d, theme)
        }
        "memory" => memory(root, &MemoryData::from_estimate(&e), theme),
        "fit-matrix" => {
            let d = FitMatrixData::for_scenario(s, &catalog::models());
            fit_matrix(root, &d, theme)
        }
        "kv-crossover" => kv_crossover(root, &KvCrossoverData::from_series(&sr, &e), theme),
        "kv-context" => kv_context(root, &KvContextData::from_series(&sr, &e), theme),
        "decode-intensity" => {
            decode_intensity(root, &DecodeIntensityData::from_series(&sr, &e), theme)
        }
        "prefill-intensity" => {
            prefill_intensity(root, &PrefillIntensityData::from_series(&sr, &e), theme)
        }
        "ttft" => ttft(
            root,
            &TtftData::from_series(&sr, &e).with_published(&published),
            theme,
        ),
        "batch-throughput" => {
            let d = BatchThroughputData::from_series(&sr, &e).with_published(&published);
            batch_throughput(root, &d, theme)
        }
        other => {
            return Err(format!(
                "unknown chart \u{201c}{other}\u{201d}; charts: {}",
                IDS.join(", ")
            ))
        }
    };
    r.map_err(|e| format!("drawing {id} failed: {e:?}"))
}

/// Chart `id` of scenario `s` as SVG text, `size` pixels, in `theme` (as the page's).
pub fn svg(id: &str, s: &Scenario, theme: &Theme, size: (u32, u32)) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw(id, s, &theme.for_svg(), &root)?;
        root.present()
            .map_err(|e| format!("drawing {id} failed: {e:?}"))?;
    }
    Ok(out)
}

/// Chart `id` of scenario `s` as PNG bytes of `size` pixels, in `theme` (text at the canvas's
/// sizes).
pub fn png(id: &str, s: &Scenario, theme: &Theme, size: (u32, u32)) -> Result<Vec<u8>, String> {
    let font = crate::png::find_font()?;
    let mut buf = vec![0u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = crate::png::TextBitmap::with_buffer(&mut buf, size, &font)?.into_drawing_area();
        draw(id, s, theme, &root)?;
        root.present()
            .map_err(|e| format!("drawing {id} failed: {e:?}"))?;
    }
    crate::png::encode(buf, size)
}

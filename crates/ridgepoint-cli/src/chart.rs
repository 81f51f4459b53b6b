//! `ridgepoint chart <id>`: any of the page's charts as an SVG file, drawn by the same chart
//! functions through plotters' SVG backend.

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

/// Chart `id` of scenario `s` as SVG text, `size` pixels, in `theme`.
pub fn svg(id: &str, s: &Scenario, theme: &Theme, size: (u32, u32)) -> Result<String, String> {
    let e = estimate(s);
    let sr = series(s);
    let published = ridgepoint::published::for_scenario(s);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        let r = match id {
            "why-decode" => decode_time(&root, &DecodeTimeData::from_estimate(&e), theme),
            "roofline" => {
                let d = RooflineData::from_estimate(&e, s.batch, s.prompt)
                    .with_efficiency(&s.efficiency)
                    .with_ops(&ops(s, Step::Decode), &ops(s, Step::Prefill));
                roofline(&root, &d, theme)
            }
            "memory" => memory(&root, &MemoryData::from_estimate(&e), theme),
            "fit-matrix" => {
                let d = FitMatrixData::for_scenario(s, &catalog::models());
                fit_matrix(&root, &d, theme)
            }
            "kv-crossover" => kv_crossover(&root, &KvCrossoverData::from_series(&sr, &e), theme),
            "kv-context" => kv_context(&root, &KvContextData::from_series(&sr, &e), theme),
            "decode-intensity" => {
                decode_intensity(&root, &DecodeIntensityData::from_series(&sr, &e), theme)
            }
            "prefill-intensity" => {
                prefill_intensity(&root, &PrefillIntensityData::from_series(&sr, &e), theme)
            }
            "ttft" => ttft(
                &root,
                &TtftData::from_series(&sr, &e).with_published(&published),
                theme,
            ),
            "batch-throughput" => {
                let d = BatchThroughputData::from_series(&sr, &e).with_published(&published);
                batch_throughput(&root, &d, theme)
            }
            other => {
                return Err(format!(
                    "unknown chart \u{201c}{other}\u{201d}; charts: {}",
                    IDS.join(", ")
                ))
            }
        };
        r.map_err(|e| format!("drawing {id} failed: {e:?}"))?;
    }
    Ok(out)
}

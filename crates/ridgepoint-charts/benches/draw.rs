//! What redrawing one chart costs, data reshaping included, drawn to an in-memory SVG at the
//! page's wide canvas size (the canvas backend issues the same calls).
//!
//! `cargo bench -p ridgepoint-charts --bench draw`

use criterion::{criterion_group, criterion_main, Criterion};
use plotters::prelude::*;
use ridgepoint::ops::{ops, Step};
use ridgepoint::series::series;
use ridgepoint::{estimate, Spec};
use ridgepoint_charts::*;
use std::hint::black_box;

const SIZE: (u32, u32) = (840, 525);

fn draw<D>(
    c: &mut Criterion,
    name: &str,
    data: &D,
    f: impl Fn(&DrawingArea<SVGBackend, plotters::coord::Shift>, &D, &Theme) -> Result<(), String>,
) {
    let t = Theme::LIGHT.for_svg();
    c.bench_function(name, |b| {
        b.iter(|| {
            let mut out = String::with_capacity(32 * 1024);
            {
                let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
                f(&root, black_box(data), &t).unwrap();
            }
            out.len()
        })
    });
}

macro_rules! chart {
    ($f:ident) => {
        |a: &DrawingArea<SVGBackend, plotters::coord::Shift>, d: &_, t: &Theme| {
            $f(a, d, t).map_err(|e| format!("{e:?}"))
        }
    };
}

fn bench(c: &mut Criterion) {
    let s = Spec::default().scenario();
    let e = estimate(&s);
    let sw = series(&s);
    let roof = RooflineData::from_estimate(&e, s.batch, s.prompt)
        .with_efficiency(&s.efficiency)
        .with_ops(&ops(&s, Step::Decode), &ops(&s, Step::Prefill));
    draw(c, "roofline", &roof, chart!(roofline));
    draw(c, "memory", &MemoryData::from_estimate(&e), chart!(memory));
    draw(
        c,
        "kv-crossover",
        &KvCrossoverData::from_series(&sw, &e),
        chart!(kv_crossover),
    );
    draw(
        c,
        "kv-context",
        &KvContextData::from_series(&sw, &e),
        chart!(kv_context),
    );
    draw(
        c,
        "decode-intensity",
        &DecodeIntensityData::from_series(&sw, &e),
        chart!(decode_intensity),
    );
    draw(
        c,
        "prefill-intensity",
        &PrefillIntensityData::from_series(&sw, &e),
        chart!(prefill_intensity),
    );
    draw(c, "ttft", &TtftData::from_series(&sw, &e), chart!(ttft));
    draw(
        c,
        "batch-throughput",
        &BatchThroughputData::from_series(&sw, &e),
        chart!(batch_throughput),
    );
    draw(
        c,
        "why-decode",
        &DecodeTimeData::from_estimate(&e),
        chart!(decode_time),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);

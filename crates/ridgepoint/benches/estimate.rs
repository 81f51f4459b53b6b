//! What one control change costs the engine: a full estimate with derivations, plus every
//! chart's data (sweeps, both steps' operations, the fit matrix). Budget: ≤ 20 µs native.
//!
//! `cargo bench -p ridgepoint --bench estimate`

use criterion::{criterion_group, criterion_main, Criterion};
use ridgepoint::ops::{ops, Step};
use ridgepoint::series::{fit, series};
use ridgepoint::{catalog, estimate, Precision, Spec};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let seed = Spec::default().scenario();
    let mut moe = seed.clone();
    moe.model = catalog::model("deepseek-v3").unwrap();
    moe.gpu = catalog::gpu("h200-sxm").unwrap();
    moe.gpus = 8;
    moe.batch = 64;
    let models = catalog::models();

    c.bench_function("estimate (seed scenario)", |b| {
        b.iter(|| estimate(black_box(&seed)))
    });
    c.bench_function("series (seed scenario)", |b| {
        b.iter(|| series(black_box(&seed)))
    });
    c.bench_function("fit matrix (23 models x 7 precisions)", |b| {
        b.iter(|| {
            let mut s = seed.clone();
            let mut n = 0;
            for m in &models {
                s.model = m.clone();
                for p in Precision::ALL {
                    s.weights = p;
                    n += fit(black_box(&s)).0 as u64 & 1;
                }
            }
            n
        })
    });
    for (name, s) in [("seed", &seed), ("deepseek-v3 tp8", &moe)] {
        c.bench_function(
            &format!("everything for one control change ({name})"),
            |b| {
                b.iter(|| {
                    let e = estimate(black_box(s));
                    let sr = series(black_box(s));
                    let d = ops(black_box(s), Step::Decode);
                    let p = ops(black_box(s), Step::Prefill);
                    (e.decode.time, sr.batch.len(), d.len(), p.len())
                })
            },
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! What one serving run costs the engine: 1,000 requests through the continuous-batching
//! simulation. Budget (issue 11): ≤ 10 ms native for 1,000 requests at a moderate rate.
//!
//! `cargo bench -p ridgepoint --bench serve`

use criterion::{criterion_group, criterion_main, Criterion};
use ridgepoint::serve::{simulate, Arrivals, Lengths, ServeInput};
use ridgepoint::{catalog, Precision, Spec};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    // The seed scenario (Llama-2-7B, A100-80GB, FP16, 2048 → 128 tokens).
    let seed = Spec::default().scenario();
    let mut moderate = ServeInput::new(seed.clone());
    moderate.requests = 1000;
    moderate.arrivals = Arrivals::Poisson { rate: 2.0 };

    let mut mixed = moderate.clone();
    mixed.arrivals = Arrivals::Poisson { rate: 6.0 };
    mixed.prompt = Lengths::LogNormal {
        mean: 1000.0,
        spread: 0.8,
    };
    mixed.output = Lengths::LogNormal {
        mean: 200.0,
        spread: 0.8,
    };

    let mut moe = moderate.clone();
    moe.scenario.model = catalog::model("deepseek-v3").unwrap();
    moe.scenario.gpu = catalog::gpu("h200-sxm").unwrap();
    moe.scenario.gpus = 8;
    // As it ships: FP8 weights in 128 × 128 blocks (FP16 would not fit 8 × 141 GB).
    moe.scenario.weights = Precision::Fp8Block;
    moe.arrivals = Arrivals::Poisson { rate: 4.0 };

    // The seed drafted by Llama-3.2-1B (k = 4, α = 0.7): every step draws acceptance per
    // sequence, so it never coasts.
    let (spec, _) = Spec::from_query("draft=llama-3.2-1b&k=4&acc=70");
    let mut speculative = ServeInput::new(spec.scenario());
    speculative.requests = 1000;
    speculative.arrivals = Arrivals::Poisson { rate: 2.0 };
    let mut closed = moderate.clone();
    closed.arrivals = Arrivals::Closed { clients: 8 };

    c.bench_function("serve 1000 requests (seed scenario, Poisson 2/s)", |b| {
        b.iter(|| simulate(black_box(&moderate)))
    });
    c.bench_function(
        "serve 1000 requests (seed scenario, Poisson 6/s, lognormal lengths)",
        |b| b.iter(|| simulate(black_box(&mixed))),
    );
    c.bench_function(
        "serve 1000 requests (DeepSeek-V3 FP8 on 8 x H200, Poisson 4/s)",
        |b| b.iter(|| simulate(black_box(&moe))),
    );
    c.bench_function(
        "serve 1000 requests (seed scenario, speculative k = 4, Poisson 2/s)",
        |b| b.iter(|| simulate(black_box(&speculative))),
    );
    c.bench_function(
        "serve 1000 requests (seed scenario, 8 closed-loop clients)",
        |b| b.iter(|| simulate(black_box(&closed))),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);

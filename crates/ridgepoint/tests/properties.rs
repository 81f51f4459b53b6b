//! Properties over the whole valid input space: every catalog GPU and model, every precision,
//! batch, lengths and GPU counts in range.

use proptest::prelude::*;
use ridgepoint::ops::{ops, Step};
use ridgepoint::series::series;
use ridgepoint::{catalog, estimate, evaluate, Efficiency, Precision, Scenario};

fn scenario() -> impl Strategy<Value = Scenario> {
    let gpus = catalog::gpus();
    let models = catalog::models();
    (
        0..gpus.len(),
        0..models.len(),
        0..7usize,
        0..7usize,
        1u32..=4096,
        1u32..=(1 << 20),
        1u32..=(1 << 20),
        prop::sample::select(vec![1u32, 2, 4, 8, 16, 64]),
        (0.05f64..=1.0, 0.05f64..=1.0, 0.0f64..1e-3),
    )
        .prop_map(
            move |(g, m, w, kv, batch, prompt, output, n, (eb, ec, oh))| Scenario {
                gpu: gpus[g].clone(),
                model: models[m].clone(),
                weights: Precision::ALL[w],
                kv: Precision::ALL[kv],
                batch,
                prompt,
                output,
                gpus: n,
                efficiency: Efficiency {
                    bandwidth: eb,
                    compute: ec,
                    layer_overhead: ridgepoint::units::Seconds(oh),
                },
                overhead: ridgepoint::scenario::DEFAULT_OVERHEAD,
                speculative: None,
            },
        )
}

fn finite_positive(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_figure_is_finite(s in scenario()) {
        let e = estimate(&s);
        for v in [
            e.ridge.get(), e.weights.get(), e.kv_per_token.get(),
            e.decode.intensity.get(), e.decode.time.get(), e.decode.calibrated_time.get(),
            e.prefill.intensity.get(), e.prefill.time.get(), e.prefill.calibrated_time.get(),
            e.memory.total.get(), e.floor.ttft.get(), e.floor.tpot.get(),
            e.calibrated.ttft.get(), e.calibrated.tpot.get(), e.calibrated.request_latency.get(),
            e.calibrated.throughput, e.floor.throughput, e.knee.batch,
        ] {
            prop_assert!(finite_positive(v), "{v} in {:?}", s.model.id);
        }
        for d in &e.derivations {
            prop_assert!(d.value.is_finite(), "{}", d.key);
            prop_assert!(!d.render().contains("NaN"));
        }
    }

    #[test]
    fn time_is_at_least_compute_and_memory_time(s in scenario()) {
        let e = evaluate(&s);
        for p in [e.decode, e.prefill] {
            prop_assert!(p.time.get() >= p.compute_time.get());
            prop_assert!(p.time.get() >= p.memory_time.get());
            prop_assert!(p.calibrated_time.get() >= p.time.get() * (1.0 - 1e-12));
        }
        prop_assert!(e.calibrated.request_latency.get() >= e.calibrated.ttft.get());
    }

    #[test]
    fn more_batch_or_context_never_costs_less(s in scenario(), extra in 1u32..512) {
        let e = evaluate(&s);
        let mut b = s.clone();
        b.batch = (s.batch + extra).min(4096);
        let eb = evaluate(&b);
        prop_assert!(eb.decode.time.get() >= e.decode.time.get() * (1.0 - 1e-12));
        prop_assert!(eb.prefill.time.get() >= e.prefill.time.get() * (1.0 - 1e-12));
        prop_assert!(eb.memory.total.get() >= e.memory.total.get());
        let mut c = s.clone();
        c.prompt = (s.prompt + extra).min(1 << 20);
        let ec = evaluate(&c);
        prop_assert!(ec.decode.time.get() >= e.decode.time.get() * (1.0 - 1e-12));
        prop_assert!(ec.calibrated.ttft.get() >= e.calibrated.ttft.get() * (1.0 - 1e-12));
        prop_assert!(ec.memory.kv_cache.get() >= e.memory.kv_cache.get());
    }

    #[test]
    fn fit_searches_agree_with_the_memory_model(s in scenario()) {
        let e = evaluate(&s);
        if e.max_batch > 0 && e.max_batch < 1 << 20 {
            let mut at = s.clone();
            at.batch = e.max_batch.min(4096);
            prop_assert!(evaluate(&at).memory.fits || e.max_batch > 4096);
        }
        prop_assert_eq!(e.memory.fits, e.max_batch >= s.batch);
    }

    #[test]
    fn operations_add_up_to_the_step(s in scenario()) {
        let e = evaluate(&s);
        let decode: f64 = ops(&s, Step::Decode).iter().map(|o| o.flops).sum();
        let prefill: f64 = ops(&s, Step::Prefill).iter().map(|o| o.flops).sum();
        prop_assert!((decode / e.decode.flops.get() - 1.0).abs() < 1e-9, "{decode} vs {}", e.decode.flops.get());
        prop_assert!((prefill / e.prefill.flops.get() - 1.0).abs() < 1e-9);
        for o in ops(&s, Step::Decode).iter().chain(ops(&s, Step::Prefill).iter()) {
            prop_assert!(finite_positive(o.intensity()), "{}", o.name);
        }
    }

    #[test]
    fn series_are_finite_and_monotone(s in scenario()) {
        let sr = series(&s);
        for w in sr.batch.windows(2) {
            prop_assert!(w[1].step_floor >= w[0].step_floor * (1.0 - 1e-12));
            prop_assert!(w[1].throughput_floor >= w[0].throughput_floor * (1.0 - 1e-9));
            prop_assert!(w[1].total >= w[0].total);
        }
        for w in sr.prompt.windows(2) {
            prop_assert!(w[1].ttft_floor >= w[0].ttft_floor);
        }
        for p in &sr.batch {
            prop_assert!(finite_positive(p.throughput) && finite_positive(p.intensity));
        }
    }
}

#[test]
fn moe_reads_more_experts_as_the_batch_grows() {
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = catalog::model("mixtral-8x7b").unwrap();
    s.gpu = catalog::gpu("h100-sxm").unwrap();
    s.prompt = 1;
    s.output = 1;
    let bytes = |b| {
        let mut t = s.clone();
        t.batch = b;
        evaluate(&t).decode.bytes.get()
    };
    let p = s.model.params();
    // Batch 1 reads the active experts; a large batch reads them all.
    assert!((bytes(1) / (p.active - p.embedding) / 2.0 - 1.0).abs() < 0.01);
    assert!((bytes(512) / (p.total - p.embedding) / 2.0 - 1.0).abs() < 0.01);
}

#[test]
fn tensor_parallel_splits_weights_and_adds_all_reduces() {
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = catalog::model("llama-2-70b").unwrap();
    s.gpu = catalog::gpu("h100-sxm").unwrap();
    let one = evaluate(&s);
    s.gpus = 4;
    let four = evaluate(&s);
    assert!((four.memory.weights.get() * 4.0 / one.memory.weights.get() - 1.0).abs() < 1e-12);
    assert!(four.decode.comm_time.get() > 0.0 && one.decode.comm_time.get() == 0.0);
    // 8 KV heads over 4 GPUs: each holds 2, a quarter of the cache.
    assert!((four.memory.kv_cache.get() * 4.0 / one.memory.kv_cache.get() - 1.0).abs() < 1e-12);
    s.gpus = 16;
    let sixteen = evaluate(&s);
    // 16 GPUs but 8 KV heads: every GPU keeps one whole head, an eighth of the cache.
    assert!((sixteen.memory.kv_cache.get() * 8.0 / one.memory.kv_cache.get() - 1.0).abs() < 1e-12);
}

#[test]
fn mla_cache_is_the_latent_and_replicated_across_ranks() {
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = catalog::model("deepseek-v3").unwrap();
    s.kv = Precision::Fp16;
    let e = evaluate(&s);
    assert_eq!(e.kv_per_token.get(), 576.0 * 61.0 * 2.0);
    s.gpus = 8;
    let e8 = evaluate(&s);
    assert_eq!(e8.memory.kv_cache.get(), e.memory.kv_cache.get());
}

#[test]
fn speculative_decoding_trades_draft_steps_for_accepted_tokens() {
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = catalog::model("llama-2-70b").unwrap();
    s.gpu = catalog::gpu("h100-sxm").unwrap();
    s.gpus = 2;
    let plain = evaluate(&s);
    s.speculative = Some(ridgepoint::Speculative {
        draft: catalog::model("llama-2-7b").unwrap(),
        tokens: 4,
        acceptance: 0.8,
    });
    let spec = evaluate(&s);
    let sp = spec.speculative.unwrap();
    // (1 − 0.8⁵) / (1 − 0.8) = 3.3616
    assert!((sp.tokens_per_step - 3.3616).abs() < 1e-9);
    assert!(spec.calibrated.tpot.get() < plain.calibrated.tpot.get());
    s.speculative.as_mut().unwrap().acceptance = 0.0;
    let hopeless = evaluate(&s);
    assert!(hopeless.calibrated.tpot.get() > plain.calibrated.tpot.get());
}

//! The URL format: round trips, defaults omitted, and every bad value reported by name.

use proptest::prelude::*;
use ridgepoint::{Precision, Spec};

#[test]
fn default_scenario_is_just_the_version() {
    assert_eq!(Spec::default().to_query(), "v=1&cal=2");
    assert_eq!(Spec::from_query(""), (Spec::default(), vec![]));
    assert_eq!(Spec::from_query("?"), (Spec::default(), vec![]));
}

#[test]
fn changed_fields_round_trip() {
    let s = Spec {
        gpu: "h100-sxm".into(),
        model: "llama-2-70b".into(),
        weights: Precision::Int4,
        formats: Default::default(),
        kv: Precision::Fp8,
        batch: 64,
        prompt: 4096,
        output: 512,
        gpus: 2,
        ..Spec::default()
    };
    let q = s.to_query();
    assert_eq!(
        q,
        "v=1&cal=2&gpu=h100-sxm&model=llama-2-70b&w=int4&kv=fp8&batch=64&prompt=4096&output=512&gpus=2"
    );
    assert_eq!(Spec::from_query(&q), (s, vec![]));
}

#[test]
fn bad_values_are_named_and_replaced_by_defaults() {
    let (s, problems) = Spec::from_query(
        "?gpu=h9000&model=llama-2-70b&w=fp12&batch=0&prompt=abc&output=99999999&gpus=-1&v=7",
    );
    assert_eq!(s.gpu, "a100-80gb-sxm");
    assert_eq!(
        s.model, "llama-2-70b",
        "a good field survives bad neighbours"
    );
    assert_eq!(s.batch, 1);
    let messages: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
    assert_eq!(
        messages,
        [
            "link version \u{201c}7\u{201d} is not one this page knows (1); reading it as version 1",
            "unknown gpu \u{201c}h9000\u{201d}; using a100-80gb-sxm",
            "w \u{201c}fp12\u{201d} is not a precision (fp32, fp16, bf16, fp8, fp8_block, int8, int4, fp4, mxfp4, q8_0, q4_k_m, q4_0); using fp16",
            "batch \u{201c}0\u{201d} is out of range 1–4096; using 1",
            "prompt \u{201c}abc\u{201d} is not a whole number; using 2048",
            "output \u{201c}99999999\u{201d} is out of range 1–1048576; using 128",
            "gpus \u{201c}-1\u{201d} is not a whole number; using 1",
        ]
    );
}

#[test]
fn unknown_keys_are_ignored_and_case_is_forgiven() {
    let (s, problems) = Spec::from_query("utm_source=x&GPU=ignored&gpu=H100-SXM&w=INT8");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(s.gpu, "h100-sxm");
    assert_eq!(s.weights, Precision::Int8);
}

#[test]
fn a_repeated_key_keeps_the_last_value_with_a_message() {
    let (s, problems) = Spec::from_query("batch=2&model=llama-2-70b&batch=3&batch=4");
    assert_eq!(s.batch, 4);
    assert_eq!(s.model, "llama-2-70b");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "batch");
    assert_eq!(
        problems[0].message,
        "\u{201c}batch\u{201d} appears more than once; using the last"
    );
}

#[test]
fn percent_encoding_is_decoded_and_a_broken_one_is_reported() {
    let (s, problems) = Spec::from_query("model=llama%2D2%2D70b&batch=%31%36");
    assert!(problems.is_empty());
    assert_eq!((s.model.as_str(), s.batch), ("llama-2-70b", 16));
    let (s, problems) = Spec::from_query("batch=%FF%FE");
    assert_eq!(s.batch, 1);
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn long_hostile_values_are_shortened_in_messages() {
    let junk = "<script>".repeat(50);
    let (_, problems) = Spec::from_query(&format!("model={junk}"));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.chars().count() < 80,
        "{}",
        problems[0].message
    );
}

proptest! {
    #[test]
    fn any_query_decodes_to_a_usable_scenario(q in ".{0,200}") {
        let (s, _) = Spec::from_query(&q);
        let e = ridgepoint::estimate(&s.scenario());
        prop_assert!(e.decode.time.get().is_finite() && e.decode.time.get() > 0.0);
        prop_assert_eq!(Spec::from_query(&s.to_query()).0, s);
    }

    #[test]
    fn any_valid_spec_round_trips(
        batch in 1u32..=4096, prompt in 1u32..=(1 << 20), output in 1u32..=(1 << 20),
        gpus in 1u32..=64, w in 0usize..7, kv in 0usize..7,
    ) {
        let s = Spec {
            batch, prompt, output, gpus,
            weights: Precision::ALL[w],
            formats: Default::default(),
            kv: Precision::ALL[kv],
            ..Spec::default()
        };
        prop_assert_eq!(Spec::from_query(&s.to_query()), (s, vec![]));
    }
}

#[test]
fn efficiencies_overheads_and_speculation_round_trip() {
    let q = "v=1&eb=55&ec=40&layer=30&ovh=1500&draft=llama-3.2-1b&k=6&acc=80";
    let (s, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        (s.bw_eff, s.compute_eff, s.layer_us, s.overhead_mb),
        (55, 40, 30, 1500)
    );
    assert_eq!(s.draft.as_deref(), Some("llama-3.2-1b"));
    assert_eq!(s.to_query(), q);
    let sc = s.scenario();
    assert_eq!(sc.efficiency.bandwidth, 0.55);
    assert_eq!(sc.speculative.unwrap().tokens, 6);
}

#[test]
fn a_custom_gpu_and_model_live_in_the_link() {
    let q = "v=1&gpu=custom&model=custom&g.name=My+card&g.mem=48&g.bw=960&g.fp16=181&g.fp8=362\
             &m.name=Tiny&m.h=2048&m.i=5632&m.l=22&m.nh=32&m.kv=4&m.hd=64&m.v=32000&m.ctx=2048";
    let (s, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{problems:?}");
    let sc = s.scenario();
    assert_eq!(sc.gpu.name, "My card");
    assert_eq!(sc.gpu.bandwidth.get(), 960e9);
    assert_eq!(sc.gpu.fp8.unwrap().get(), 362e12);
    assert_eq!(sc.model.kv_heads, 4);
    assert_eq!(sc.model.layers, 22);
    let again = Spec::from_query(&s.to_query());
    assert_eq!(again, (s, vec![]));
}

#[test]
fn every_catalog_model_survives_as_a_custom_model() {
    for m in ridgepoint::catalog::models() {
        let s = Spec {
            model: "custom".into(),
            custom_model: Some(m.clone()),
            ..Spec::default()
        };
        let (back, problems) = Spec::from_query(&s.to_query());
        assert!(problems.is_empty(), "{}: {problems:?}", m.id);
        let b = back.scenario().model;
        assert_eq!(b.params(), m.params(), "{}", m.id);
        assert_eq!(b.kv_elements(1e5), m.kv_elements(1e5), "{}", m.id);
    }
}

#[test]
fn an_impossible_custom_model_is_refused_by_field() {
    let (s, problems) = Spec::from_query("model=custom&m.nh=8&m.kv=16&m.h=x");
    assert_eq!(s.scenario().model.id, "llama-2-7b");
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "m.h \u{201c}x\u{201d} is not a whole number; using 4096",
            "custom model: \"kv_heads\" (16) must be between 1 and 8; using Llama-2-7B",
        ]
    );
}

#[test]
fn a_custom_gpu_with_bad_figures_names_them() {
    let (s, problems) = Spec::from_query("gpu=custom&g.bw=-5&g.fp16=inf");
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "g.bw \u{201c}-5\u{201d} is not a number from 0.001 to 1000000; using 2039",
            "g.fp16 \u{201c}inf\u{201d} is not a number from 0.001 to 1000000; using 312",
        ]
    );
    assert_eq!(s.scenario().gpu.bandwidth.get(), 2039e9);
}

/// Links as earlier versions wrote them must keep meaning what they meant.
#[test]
fn old_links_keep_working() {
    // Written by the first release (skeleton): only these keys existed.
    let (s, problems) = Spec::from_query(
        "v=1&gpu=h100-sxm&model=llama-2-70b&w=int4&kv=fp8&batch=64&prompt=4096&output=512&gpus=2",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        (s.gpu.as_str(), s.model.as_str(), s.weights, s.kv),
        ("h100-sxm", "llama-2-70b", Precision::Int4, Precision::Fp8)
    );
    assert_eq!((s.batch, s.prompt, s.output, s.gpus), (64, 4096, 512, 2));
    // Hand-written links without a version, and with view parameters, read the same way.
    let (t, problems) = Spec::from_query("?batch=8&w=int4&theme=dark&embed=roofline");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((t.batch, t.weights), (8, Precision::Int4));
    // A link from the future says so but keeps what it can.
    let (u, problems) = Spec::from_query("v=2&batch=16&newkey=3");
    assert_eq!(u.batch, 16);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "v");
}

#[test]
fn a_refused_optional_gpu_figure_is_left_out_and_says_so() {
    let (spec, problems) =
        Spec::from_query("v=1&gpu=custom&g.mem=80&g.bw=2000&g.fp16=300&g.fp8=abc");
    let p = problems
        .iter()
        .find(|p| p.field == "g.fp8")
        .expect("g.fp8 is named");
    assert!(p.message.ends_with("leaving it out"), "{}", p.message);
    assert!(!p.message.contains("NaN"), "{}", p.message);
    assert_eq!(spec.custom_gpu.map(|g| g.fp8), Some(None));
}

#[test]
fn the_engine_profile_sets_default_efficiencies_and_the_cache_rule() {
    use ridgepoint::profile::{self, KvBudget};
    // TensorRT-LLM's profile: its efficiencies unless the link overrides one.
    let (spec, problems) = Spec::from_query("v=1&engine=trtllm");
    assert!(problems.is_empty(), "{problems:?}");
    let p = profile::profile("trtllm").unwrap();
    let s = spec.scenario();
    // The link holds whole µs: 120 × 1e-6 s, within rounding of the profile's 120e-6.
    assert_eq!(
        (s.efficiency.bandwidth, s.efficiency.compute),
        (p.efficiency.bandwidth, p.efficiency.compute)
    );
    assert!((s.efficiency.layer_overhead.get() - p.efficiency.layer_overhead.get()).abs() < 1e-12);
    assert!(
        (s.efficiency.sequence_overhead.get() - p.efficiency.sequence_overhead.get()).abs() < 1e-12
    );
    assert!(matches!(s.kv_budget, KvBudget::OfFree { fraction, .. } if fraction == 0.9));
    // Round trip: the engine is written, its own efficiencies are not.
    assert_eq!(spec.to_query(), "v=1&engine=trtllm");
    let (spec2, _) = Spec::from_query("v=1&engine=trtllm&eb=70");
    assert_eq!(spec2.scenario().efficiency.bandwidth, 0.70);
    assert_eq!(spec2.scenario().efficiency.compute, p.efficiency.compute);
    assert_eq!(spec2.to_query(), "v=1&engine=trtllm&eb=70");
    // vLLM's rule (92% of the device) leaves less room than the roofline's: a smaller batch.
    let fit = |q: &str| ridgepoint::evaluate(&Spec::from_query(q).0.scenario()).max_batch;
    assert!(
        fit("v=1&engine=vllm") < fit("v=1"),
        "{} vs {}",
        fit("v=1&engine=vllm"),
        fit("v=1")
    );
    // SGLang's rule: weights and cache within mem_fraction_static of the device. The default
    // GPU (A100 80GB, 81,920 MiB reported) at TP 1: reserve 512 + 8,192 × 1.5 + 256 × 2 + 128
    // = 13,440 MiB, fraction (81,920 − 13,440) / 81,920 = 0.83594 → 0.836. The largest batch is
    // the whole sequences whose cache fits in 0.836 × capacity − weights.
    let sg = ridgepoint::evaluate(&Spec::from_query("v=1&engine=sglang").0.scenario());
    let cap = sg.memory.capacity.get();
    assert_eq!(cap, 81920.0 * 1024.0 * 1024.0);
    let per_seq = sg.memory.kv_cache.get(); // batch 1
    let by_hand = ((0.836 * cap - sg.memory.weights.get()) / per_seq).floor() as u32;
    assert_eq!(sg.max_batch, by_hand);
    assert!(sg.max_batch < fit("v=1&engine=vllm"), "{}", sg.max_batch);
    // An unknown engine is named and the default kept.
    let (spec3, problems) = Spec::from_query("v=1&engine=nonsense");
    assert_eq!(spec3.engine, profile::DEFAULT);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "engine");
    assert!(
        problems[0].message.contains("nonsense"),
        "{}",
        problems[0].message
    );
}

#[test]
fn a_link_from_an_older_calibration_says_so() {
    use ridgepoint::query::CALIBRATION;
    let (spec, problems) = Spec::from_query("v=1");
    assert!(problems.is_empty());
    // No `cal`: made with calibration 1.
    assert_eq!(spec.calibration, 1);
    assert_eq!(spec.recalibrated().is_some(), CALIBRATION > 1);
    // A calibration from the future is out of range: named, the current one used.
    let (spec, problems) = Spec::from_query(&format!("v=1&cal={}", CALIBRATION + 1));
    assert_eq!(spec.calibration, CALIBRATION);
    assert_eq!(problems[0].field, "cal");
    assert!(Spec::default().recalibrated().is_none());
}

#[test]
fn the_sequence_overhead_rides_in_the_link_where_it_differs_from_the_profile() {
    // The calibrated profile's own 20 µs is not written; another value is, and reads back.
    let (spec, problems) = Spec::from_query("v=1&cal=2&seq=5");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(spec.seq_us, 5);
    assert!((spec.scenario().efficiency.sequence_overhead.get() - 5e-6).abs() < 1e-15);
    assert_eq!(spec.to_query(), "v=1&cal=2&seq=5");
    let (at_default, _) = Spec::from_query("v=1&cal=2&seq=20");
    assert_eq!(at_default.to_query(), "v=1&cal=2");
    // Out of range: named, the profile's value used.
    let (bad, problems) = Spec::from_query("v=1&seq=5000");
    assert_eq!(problems[0].field, "seq");
    assert_eq!(bad.seq_us, 20);
}

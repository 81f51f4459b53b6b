//! The URL format: round trips, defaults omitted, and every bad value reported by name.

use proptest::prelude::*;
use ridgepoint::{Precision, Spec};

#[test]
fn default_scenario_is_just_the_version() {
    assert_eq!(Spec::default().to_query(), "v=1");
    assert_eq!(Spec::from_query(""), (Spec::default(), vec![]));
    assert_eq!(Spec::from_query("?"), (Spec::default(), vec![]));
}

#[test]
fn changed_fields_round_trip() {
    let s = Spec {
        gpu: "h100-sxm".into(),
        model: "llama-2-70b".into(),
        weights: Precision::Int4,
        kv: Precision::Fp8,
        batch: 64,
        prompt: 4096,
        output: 512,
        gpus: 2,
    };
    let q = s.to_query();
    assert_eq!(
        q,
        "v=1&gpu=h100-sxm&model=llama-2-70b&w=int4&kv=fp8&batch=64&prompt=4096&output=512&gpus=2"
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
            "w \u{201c}fp12\u{201d} is not a precision (fp32, fp16, bf16, fp8, int8, int4, fp4); using fp16",
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
            kv: Precision::ALL[kv],
            ..Spec::default()
        };
        prop_assert_eq!(Spec::from_query(&s.to_query()), (s, vec![]));
    }
}

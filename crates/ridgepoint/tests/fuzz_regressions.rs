//! Inputs `cargo xtask fuzz` found that broke an invariant, kept as tests beside their fixes.

use ridgepoint::scenario::Group;
use ridgepoint::{Precision, Spec};

/// `w=fp8&w.att=fp8`: a tensor group given the weights' own format was kept by `from_query`
/// (attention: Some(FP8)) but left out by `to_query`, so the link read back to another spec.
/// Found at seed 2685821657736338717, input #150 (a query).
#[test]
fn a_group_in_the_weights_format_is_no_group_of_its_own() {
    let q = "v=1&gpu=h100-sxm&w=fp8&kv=fp8&batch=32&gpus=2&w.att=fp8&w.head=fp8_block";
    let (spec, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(spec.formats.attention, None);
    assert_eq!(spec.formats.lm_head, Some(Precision::Fp8Block));
    let s = spec.scenario();
    assert_eq!(s.format(Group::Attention), Precision::Fp8);
    assert_eq!(s.format(Group::LmHead), Precision::Fp8Block);
    let link = spec.to_query();
    let (again, problems) = Spec::from_query(&link);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(again, spec, "{link}");
}

/// `g.sms=1e-3`: a custom GPU's SM count is read as a decimal from 0.001 and rounded, so a
/// value under 0.5 became 0 SMs, which the link then wrote as `g.sms=0` and refused on the way
/// back. Found at seed 42, input #816520 (a query).
#[test]
fn a_custom_gpu_has_at_least_one_sm() {
    let q = "v=1&gpu=custom&g.name=X&g.mem=48&g.bw=960&g.fp16=181&g.sms=1e-3";
    let (spec, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(spec.custom_gpu.as_ref().and_then(|g| g.sms), Some(1));
    let link = spec.to_query();
    let (again, problems) = Spec::from_query(&link);
    assert!(problems.is_empty(), "{link}: {problems:?}");
    assert_eq!(again.to_query(), link);
}

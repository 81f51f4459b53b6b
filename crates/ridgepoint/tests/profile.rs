//! Engine profiles: the memory rules by hand, the band's arithmetic, and every stored constant
//! against what the corpus gives now (so a profile cannot silently outlive its data).

use ridgepoint::profile::{self, Band, KvBudget, MemoryUse, PROFILES};
use ridgepoint::validate::{self, Class, Outcome};
use ridgepoint::Efficiency;

#[test]
fn ids_are_unique_and_the_floor_and_default_exist() {
    let ids = profile::ids();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "{ids:?}");
    for id in &ids {
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'),
            "{id}"
        );
    }
    assert_eq!(
        profile::profile("floor").unwrap().efficiency,
        Efficiency::PEAK
    );
    assert_eq!(
        profile::profile(profile::DEFAULT).unwrap().efficiency,
        Efficiency::CALIBRATED
    );
    assert!(profile::profile("nonsense").is_none());
    for p in PROFILES {
        assert!(
            !p.fit.trim().is_empty(),
            "{}: say where the constants come from",
            p.id
        );
        let e = p.efficiency;
        assert!(e.bandwidth > 0.0 && e.bandwidth <= 1.0 && e.compute > 0.0 && e.compute <= 1.0);
        // Every profile but the floor shows a band: its own, or the calibrated one's when it
        // has no figures of its own and keeps the calibrated efficiencies (SGLang today).
        assert_eq!(p.shown_band().is_none(), p.id == "floor", "{}", p.id);
        if p.band.is_none() && p.id != "floor" {
            assert_eq!(p.efficiency, Efficiency::CALIBRATED, "{}", p.id);
            assert!(p.fit.contains("no published"), "{}: {}", p.id, p.fit);
        }
    }
}

#[test]
fn kv_budgets_by_hand() {
    // 80 GB device, 20 GB of weights + activations + overhead (15 + 5).
    let u = |weights: f64, other: f64| MemoryUse {
        weights,
        other,
        capacity: 80e9,
        tp: 1,
        pp: 1,
    };
    let at = u(15e9, 5e9);
    assert_eq!(KvBudget::Remaining.room(&at), 60e9);
    // vLLM: everything within 92% of 80 GB = 73.6 GB, so the cache gets 53.6 GB.
    let vllm = KvBudget::OfTotal {
        fraction: 0.92,
        source: "",
    };
    assert!((vllm.room(&at) - 53.6e9).abs() < 1.0);
    // TensorRT-LLM: 90% of the 60 GB left = 54 GB.
    let trt = KvBudget::OfFree {
        fraction: 0.9,
        source: "",
    };
    assert!((trt.room(&at) - 54e9).abs() < 1.0);
    assert!(trt.fits(&at, 54e9) && !trt.fits(&at, 54.1e9));
    // SGLang: weights and cache within mem_fraction_static × 80 GB, activations outside it.
    // 80e9 B = 76,294 MiB (60–160 GiB: chunk 8,192, CUDA graphs to batch 256 at TP 1):
    // reserve 512 + 8,192 × 1.5 + 256 × 2 + 1/8 × 1,024 = 13,440 MiB; fraction
    // (76,294 − 13,440) / 76,294 = 0.8238 → 0.824; cache 0.824 × 80 GB − 15 GB = 50.92 GB.
    let sg = KvBudget::SglangStatic { source: "" };
    assert!((sg.room(&at) - 50.92e9).abs() < 1e3, "{}", sg.room(&at));
    // Weights alone past the device: no room under any rule.
    for b in [KvBudget::Remaining, vllm, trt, sg] {
        assert!(b.room(&u(90e9, 0.0)) < 0.0 && !b.fits(&u(90e9, 0.0), 0.0));
    }
}

#[test]
fn sglang_static_fraction_by_hand() {
    let mib = |m: f64| m * 1024.0 * 1024.0;
    // H100 80GB as nvidia-smi reports it (81,559 MiB), TP 1: reserve 13,440 MiB as above;
    // (81,559 − 13,440) / 81,559 = 0.83521 → 0.835.
    assert_eq!(profile::sglang_static_fraction(mib(81559.0), 1, 1), 0.835);
    // TP 8: CUDA graphs to batch 512 (+1,024 MiB) and TP × PP / 8 GiB = 1,024 MiB:
    // reserve 14,848; (81,559 − 14,848) / 81,559 = 0.81795 → 0.818.
    assert_eq!(profile::sglang_static_fraction(mib(81559.0), 8, 1), 0.818);
    // A 24 GB card (24,564 MiB), TP 1: chunk 2,048, graphs to 24; reserve 512 + 3,072 + 48 +
    // 128 = 3,760 MiB, no 10 GiB floor below 60 GiB; (24,564 − 3,760) / 24,564 = 0.8469.
    assert_eq!(profile::sglang_static_fraction(mib(24564.0), 1, 1), 0.847);
    // 192 GB (183,359 MiB): chunk 16,384, graphs 512 at any TP; at TP 1 reserve
    // 512 + 24,576 + 1,024 + 128 = 26,240; (183,359 − 26,240) / 183,359 = 0.85689 → 0.857.
    assert_eq!(profile::sglang_static_fraction(mib(183359.0), 1, 1), 0.857);
    // Nothing to divide: no room rather than a NaN.
    assert_eq!(profile::sglang_static_fraction(0.0, 1, 1), 0.0);
    assert_eq!(profile::sglang_static_fraction(f64::NAN, 1, 1), 0.0);
}

fn outcome(error: f64) -> Outcome {
    Outcome {
        id: "x".into(),
        class: Class::TpotBs1,
        summary: String::new(),
        estimate: 1.0 + error,
        measured: 1.0,
        error,
        notes: Vec::new(),
        engine: "e".into(),
        source: "s".into(),
        groups: Vec::new(),
    }
}

#[test]
fn the_band_is_the_spread_of_measured_over_estimated() {
    // Errors −50%, 0, +100%: measured/estimated 2, 1, 0.5; |error| 0.5, 0, 1.
    let b = Band::of(&[outcome(-0.5), outcome(0.0), outcome(1.0)], true).unwrap();
    assert_eq!(b.figures, 3);
    assert!((b.median - 0.5).abs() < 1e-12);
    // Linear interpolation between order statistics (validate::quantile): p90 of [0, 0.5, 1]
    // = 0.5 + 0.8 × 0.5 = 0.9; p10 of [0.5, 1, 2] = 0.5 + 0.2 × 0.5 = 0.6; p90 = 1 + 0.8 × 1.
    assert!((b.p90 - 0.9).abs() < 1e-12, "{}", b.p90);
    assert!((b.low - 0.6).abs() < 1e-12, "{}", b.low);
    assert!((b.high - 1.8).abs() < 1e-12, "{}", b.high);
    assert!(Band::of(&[], true).is_none());
    assert!(b.sentence().starts_with("3 published figures predicted without their own source: half within ±50%, nine in ten within ±90%"), "{}", b.sentence());
    let one = Band::of(&[outcome(0.1)], false).unwrap();
    assert!(
        one.sentence()
            .contains("1 published figure from one source"),
        "{}",
        one.sentence()
    );
}

/// Each stored constant is what `validate --profiles` computes from the corpus today.
#[test]
fn every_profile_is_what_its_figures_give_now() {
    let cases = validate::embedded();
    let fresh = profile::recompute(&cases);
    assert_eq!(fresh.len(), PROFILES.len());
    let mut stale = Vec::new();
    for (p, r) in PROFILES.iter().zip(&fresh) {
        assert_eq!(p.id, r.id);
        if let Some(f) = r.fitted {
            let same = (f.bandwidth - p.efficiency.bandwidth).abs() < 1e-9
                && (f.compute - p.efficiency.compute).abs() < 1e-9
                && (f.layer_overhead.get() - p.efficiency.layer_overhead.get()).abs() < 1e-12
                && (f.sequence_overhead.get() - p.efficiency.sequence_overhead.get()).abs() < 1e-12;
            if !same {
                stale.push(format!(
                    "{}: holds {:?}, the grid's best is now {f:?}",
                    p.id, p.efficiency
                ));
            }
        }
        match (&p.band, &r.band) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                let close = a.figures == b.figures
                    && a.held_out == b.held_out
                    && [
                        (a.median, b.median),
                        (a.p90, b.p90),
                        (a.low, b.low),
                        (a.high, b.high),
                    ]
                    .iter()
                    .all(|(x, y)| (x - y).abs() < 5e-4);
                if !close {
                    stale.push(format!("{}: band {a:?}, now {b:?}", p.id));
                }
            }
            (a, b) => stale.push(format!("{}: band {a:?}, now {b:?}", p.id)),
        }
    }
    assert!(
        stale.is_empty(),
        "stale profiles (run `cargo run --release -p ridgepoint-cli -- validate --profiles` and copy its figures into profile.rs):\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_band_sentence_says_whose_figures_it_is() {
    let s = |id: &str| profile::profile(id).unwrap().band_sentence();
    assert_eq!(s("floor"), "a lower bound on time, not a prediction");
    assert!(s("sglang").starts_with("no published figure of its own checked yet; the calibrated profile's 224 published figures"), "{}", s("sglang"));
    assert!(
        s("trtllm").starts_with("185 published figures predicted without their own source"),
        "{}",
        s("trtllm")
    );
}

//! Engine profiles: the memory rules by hand, the band's arithmetic, and every stored constant
//! against what the corpus gives now (so a profile cannot silently outlive its data).

use ridgepoint::profile::{self, Band, KvBudget, PROFILES};
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
        assert_eq!(p.band.is_none(), p.id == "floor", "{}", p.id);
    }
}

#[test]
fn kv_budgets_by_hand() {
    // 80 GB device, 20 GB of weights + activations + overhead.
    let (cap, rest) = (80e9, 20e9);
    assert_eq!(KvBudget::Remaining.room(rest, cap), 60e9);
    // vLLM: everything within 92% of 80 GB = 73.6 GB, so the cache gets 53.6 GB.
    let vllm = KvBudget::OfTotal {
        fraction: 0.92,
        source: "",
    };
    assert!((vllm.room(rest, cap) - 53.6e9).abs() < 1.0);
    // TensorRT-LLM: 90% of the 60 GB left = 54 GB.
    let trt = KvBudget::OfFree {
        fraction: 0.9,
        source: "",
    };
    assert!((trt.room(rest, cap) - 54e9).abs() < 1.0);
    assert!(trt.fits(rest, 54e9, cap) && !trt.fits(rest, 54.1e9, cap));
    // Weights alone past the device: no room under any rule.
    for b in [KvBudget::Remaining, vllm, trt] {
        assert!(b.room(90e9, cap) < 0.0 && !b.fits(90e9, 0.0, cap));
    }
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

//! The built-in catalog against `shared/reference/models.tsv` and `gpus.tsv`.

use ridgepoint::catalog;
use ridgepoint::Precision;
use std::collections::HashSet;

/// Per model, from `shared/reference/models.tsv`: `params_total_computed_B`,
/// `params_active_computed_B` (billions) and `kv_cache_bytes_per_token_fp16_all_layers_K+V`.
#[rustfmt::skip]
const EXPECTED: &[(&str, f64, f64, u64)] = &[
    // id                  total    active   fp16 KV bytes/token
    ("llama-2-7b",         6.74,    6.74,    524_288),
    ("llama-2-13b",        13.02,   13.02,   819_200),
    ("llama-2-70b",        68.98,   68.98,   327_680),
    ("llama-3.1-8b",       8.03,    8.03,    131_072),
    ("llama-3.1-70b",      70.55,   70.55,   327_680),
    ("llama-3.1-405b",     405.85,  405.85,  516_096),
    ("llama-3.2-1b",       1.24,    1.24,    32_768),
    ("llama-3.2-3b",       3.21,    3.21,    114_688),
    ("mistral-7b-v0.1",    7.24,    7.24,    131_072),
    ("mixtral-8x7b",       46.70,   12.88,   131_072),
    ("mixtral-8x22b",      140.63,  39.16,   229_376),
    ("qwen2.5-7b",         7.62,    7.62,    57_344),
    ("qwen2.5-14b",        14.77,   14.77,   196_608),
    ("qwen2.5-32b",        32.76,   32.76,   262_144),
    ("qwen2.5-72b",        72.71,   72.71,   327_680),
    ("gemma-2-9b",         9.24,    9.24,    344_064),
    ("gemma-2-27b",        27.23,   27.23,   376_832),
    ("phi-3-mini-4k",      3.82,    3.82,    393_216),
    ("deepseek-v3",        671.03,  37.55,   70_272),
    ("gpt-3-175b",         174.60,  174.60,  4_718_592),
    ("falcon-40b",         41.30,   41.30,   122_880),
    ("opt-13b",            12.85,   12.85,   819_200),
    ("gpt-j-6b",           6.05,    6.05,    458_752),
];

const TOLERANCE: f64 = 0.005;

fn within(actual: f64, expected: f64) -> bool {
    ((actual - expected) / expected).abs() <= TOLERANCE
}

/// Lowercase ASCII letters, digits and dots in runs joined by single hyphens (`llama-3.1-8b`).
fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && !part.ends_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.')
        })
}

#[test]
fn every_model_has_an_expected_row_and_back() {
    let ids: HashSet<String> = catalog::models().into_iter().map(|m| m.id).collect();
    let expected: HashSet<String> = EXPECTED.iter().map(|r| r.0.to_string()).collect();
    assert_eq!(ids, expected);
    assert_eq!(EXPECTED.len(), expected.len(), "duplicate row in EXPECTED");
}

#[test]
fn parameter_counts_match_models_tsv() {
    let mut failures = Vec::new();
    for &(id, total, active, _) in EXPECTED {
        let m = catalog::model(id).unwrap_or_else(|| panic!("{id} not in catalog"));
        let p = m.params();
        let (t, a) = (p.total / 1e9, p.active / 1e9);
        if !within(t, total) {
            failures.push(format!("{id}: total {t:.3} B, expected {total} B"));
        }
        if !within(a, active) {
            failures.push(format!("{id}: active {a:.3} B, expected {active} B"));
        }
        assert!(p.active <= p.total, "{id}: active exceeds total");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fp16_kv_bytes_per_token_match_models_tsv() {
    for &(id, _, _, kv_bytes) in EXPECTED {
        let m = catalog::model(id).unwrap();
        let bytes = m.kv_elements_per_token_per_layer() * m.layers as f64 * Precision::Fp16.bytes();
        assert_eq!(bytes, kv_bytes as f64, "{id}");
    }
}

#[test]
fn sliding_windows_cap_the_cache() {
    // Mistral-7B-v0.1: every layer windowed at 4096.
    let m = catalog::model("mistral-7b-v0.1").unwrap();
    assert_eq!(m.sliding_window, Some((4096, 32)));
    assert_eq!(m.kv_elements(32768.0), m.kv_elements(4096.0));
    // Gemma-2: half the layers windowed.
    for (id, layers) in [("gemma-2-9b", 42), ("gemma-2-27b", 46)] {
        let m = catalog::model(id).unwrap();
        assert_eq!(m.layers, layers);
        assert_eq!(m.sliding_window, Some((4096, layers / 2)), "{id}");
        assert!(m.tied_embeddings, "{id}");
    }
    // Phi-3-mini: the config's 2047 window is deliberately not modelled.
    assert_eq!(
        catalog::model("phi-3-mini-4k").unwrap().sliding_window,
        None
    );
}

#[test]
fn ids_are_unique_and_kebab_case() {
    let gpu_ids: Vec<&str> = catalog::gpu_ids().collect();
    let model_ids: Vec<String> = catalog::models().into_iter().map(|m| m.id).collect();
    let mut seen = HashSet::new();
    for id in gpu_ids
        .iter()
        .copied()
        .chain(model_ids.iter().map(String::as_str))
    {
        assert!(is_kebab(id), "{id} is not kebab-case");
        assert!(seen.insert(id), "{id} is listed twice");
    }
    assert!(is_kebab("llama-3.1-8b") && !is_kebab("Llama-2") && !is_kebab("a--b"));
}

#[test]
fn the_original_ids_are_kept() {
    for id in ["a100-80gb-sxm", "h100-sxm"] {
        assert!(catalog::gpu(id).is_some(), "{id}");
    }
    for id in ["llama-2-7b", "llama-2-70b", "llama-3.1-8b"] {
        assert!(catalog::model(id).is_some(), "{id}");
    }
}

#[test]
fn lookups_find_every_listed_id() {
    let gpus = catalog::gpus();
    assert_eq!(gpus.len(), catalog::gpu_ids().count());
    for (g, id) in gpus.iter().zip(catalog::gpu_ids()) {
        assert_eq!(g.id, id);
        assert_eq!(catalog::gpu(id).as_ref(), Some(g));
    }
    for m in catalog::models() {
        assert_eq!(catalog::model(&m.id).as_ref(), Some(&m));
    }
    assert!(catalog::gpu("no-such-gpu").is_none());
    assert!(catalog::model("no-such-model").is_none());
}

#[test]
fn every_entry_has_a_source() {
    for g in catalog::gpus() {
        assert!(!g.source.trim().is_empty(), "{}", g.id);
        assert!(!g.name.trim().is_empty(), "{}", g.id);
    }
    for m in catalog::models() {
        assert!(!m.source.trim().is_empty(), "{}", m.id);
        assert!(!m.name.trim().is_empty(), "{}", m.id);
    }
    for (name, why) in catalog::SKIPPED {
        assert!(!name.is_empty() && !why.is_empty());
    }
}

#[test]
fn gpu_figures_are_finite_and_positive() {
    for g in catalog::gpus() {
        let fp16 = g.peak(Precision::Fp16).unwrap().get();
        assert!(fp16.is_finite() && fp16 > 0.0, "{}: fp16 {fp16}", g.id);
        assert_eq!(g.peak(Precision::Bf16).unwrap().get(), fp16, "{}", g.id);
        let bw = g.bandwidth.get();
        assert!(bw.is_finite() && bw > 0.0, "{}: bandwidth {bw}", g.id);
        let mem = g.memory.get();
        assert!(mem.is_finite() && mem > 0.0, "{}: memory {mem}", g.id);
        for p in [
            Precision::Fp32,
            Precision::Fp8,
            Precision::Int8,
            Precision::Fp4,
        ] {
            if let Some(v) = g.peak(p) {
                assert!(v.get().is_finite() && v.get() > 0.0, "{} {p:?}", g.id);
            }
        }
        if let Some(i) = g.interconnect {
            assert!(i.get().is_finite() && i.get() > 0.0, "{}", g.id);
        }
    }
}

#[test]
fn h100_sxm_fp16_is_the_dense_peak() {
    let h100 = catalog::gpu("h100-sxm").unwrap();
    // 1,979 TFLOP/s on the datasheet is with 2:4 sparsity.
    assert!(
        (h100.fp16.get() - 989.4e12).abs() < 1e9,
        "{}",
        h100.fp16.get()
    );
    assert_eq!(h100.interconnect.map(|b| b.get()), Some(450e9));
}

#[test]
fn skipped_rows_are_not_in_the_catalog() {
    let names: Vec<String> = catalog::gpus().into_iter().map(|g| g.name).collect();
    for (name, _) in catalog::SKIPPED {
        assert!(
            !names.iter().any(|n| n == name),
            "{name} is both listed and skipped"
        );
    }
    assert!(catalog::gpu("h100-nvl").is_none());
    assert!(catalog::gpu("m3-max").is_none());
}

#[test]
fn mi250x_is_one_gcd() {
    let g = catalog::gpu("mi250x-gcd").unwrap();
    assert_eq!(g.memory.get(), 64e9);
    assert_eq!(g.bandwidth.get(), 3276.8e9 / 2.0);
    assert_eq!(g.fp16.get(), 383e12 / 2.0);
}

#[test]
fn tensor_cores_follow_the_architecture() {
    let tc = |id: &str| ridgepoint::catalog::gpu(id).unwrap().tensor_cores;
    assert_eq!(tc("a100-80gb-sxm"), Some(432)); // 108 SMs × 4 (the seed: "4 Tensor cores" per SM)
    assert_eq!(tc("h100-sxm"), Some(528)); // 132 × 4
    assert_eq!(tc("v100-sxm2-32gb"), Some(640)); // 80 × 8 (Volta)
    assert_eq!(tc("tpu-v5e"), None);
}

//! The execution model, the memory hierarchy and the optimization implications.
//!
//! Expected figures are written from the sources named in `gpu_arch` (the CUDA occupancy
//! header's per-capability tables, PyTorch's threads-per-SM table, a deviceQuery dump, the
//! ROCm specification table, gpu-benches' measurements, the seed), not read from the module.

use ridgepoint::gpu_arch::{
    execution, execution_model, hierarchy, implications, phases, Basis, Effect, Fit, Which,
};
use ridgepoint::{catalog, estimate, Bound, Precision};

mod common;

const KIB: f64 = 1024.0;
const MIB: f64 = 1024.0 * 1024.0;

fn gpu(id: &str) -> ridgepoint::Gpu {
    catalog::gpu(id).unwrap()
}

/// (id, SMs from the catalog, threads per SM, blocks per SM, shared memory per SM in KiB).
/// Threads: PyTorch's CUDA_MAX_THREADS_PER_SM (1024 for 7.5; 1536 for 8.6/8.9; 2048 otherwise)
/// and the RTX 5090's deviceQuery (1536). Blocks and shared memory: cuda_occupancy.h (7.0: 32,
/// 96 KB; 7.5: 16, 64 KB; 8.0: 32, 164 KB; 8.6: 16, 100 KB; 8.9: 24, 100 KB; 9.0: 32, 228 KB);
/// the RTX 5090's 102,400 bytes per multiprocessor.
/// (id, SMs, threads per SM, blocks per SM, shared KiB per SM).
type Limits = (&'static str, u32, u32, Option<u32>, Option<f64>);

const NVIDIA: &[Limits] = &[
    ("v100-sxm2-32gb", 80, 2048, Some(32), Some(96.0)),
    ("t4", 40, 1024, Some(16), Some(64.0)),
    ("a100-80gb-sxm", 108, 2048, Some(32), Some(164.0)),
    ("a10", 72, 1536, Some(16), Some(100.0)),
    ("rtx-3090", 82, 1536, Some(16), Some(100.0)),
    ("rtx-4090", 128, 1536, Some(24), Some(100.0)),
    ("l40s", 142, 1536, Some(24), Some(100.0)),
    ("h100-sxm", 132, 2048, Some(32), Some(228.0)),
    ("h20", 78, 2048, Some(32), Some(228.0)),
    ("b300-sxm", 160, 2048, None, None),
    ("rtx-5090", 170, 1536, None, Some(100.0)),
];

#[test]
fn nvidia_per_sm_limits_are_the_sources_figures() {
    for &(id, sms, threads, blocks, shared) in NVIDIA {
        let e = execution(&gpu(id)).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(e.sms, sms, "{id}");
        assert_eq!(e.unit, "warp");
        assert_eq!(e.warp_size.value, 32, "{id}: the seed's warp of 32");
        assert_eq!(
            e.max_threads_per_block.as_ref().unwrap().value,
            1024,
            "{id}"
        );
        assert_eq!(
            e.max_threads_per_sm.as_ref().unwrap().value,
            threads,
            "{id}"
        );
        assert_eq!(
            e.max_warps_per_sm.as_ref().unwrap().value,
            threads / 32,
            "{id}"
        );
        assert_eq!(
            e.max_blocks_per_sm.as_ref().map(|b| b.value),
            blocks,
            "{id}"
        );
        assert_eq!(
            e.shared_per_sm.as_ref().map(|s| s.value.get()),
            shared.map(|k| k * KIB),
            "{id}"
        );
        assert_eq!(
            e.resident_threads,
            Some(sms as u64 * threads as u64),
            "{id}"
        );
        // One thread per element of a 4096-wide row: 4096 / 32 warps, 4096 / 1024 blocks.
        assert_eq!((e.row_warps, e.row_blocks), (128, Some(4)), "{id}");
        assert_eq!(
            e.rows_resident,
            Some(sms as u64 * threads as u64 / 4096),
            "{id}"
        );
    }
}

#[test]
fn the_h100_reads_like_the_glossary_and_the_a100_like_the_forum() {
    // modal.com GPU glossary, H100: 64 warps, 32 blocks, 65,536 registers, 228 KB.
    let h = execution(&gpu("h100-sxm")).unwrap();
    assert_eq!(h.version.value, "compute capability 9.0");
    assert_eq!(h.max_warps_per_sm.as_ref().unwrap().value, 64);
    assert_eq!(h.max_blocks_per_sm.as_ref().unwrap().value, 32);
    assert_eq!(h.registers_per_sm.as_ref().unwrap().value, 65_536);
    assert!(!h.registers_per_sm.as_ref().unwrap().basis.is_typical());
    // 132 SMs × 2,048 threads = 270,336 resident threads, 8,448 warps, 66 rows of 4096.
    assert_eq!(h.resident_threads, Some(270_336));
    assert_eq!(h.resident_warps, Some(8_448));
    assert_eq!(h.rows_resident, Some(66));
    // NVIDIA forums, A100: 65,536 registers over 2,048 threads leave 32 per thread.
    let a = execution(&gpu("a100-80gb-sxm")).unwrap();
    assert_eq!(a.registers_per_thread_at_full, Some(32));
    assert_eq!(a.architecture, "Ampere (GA100)");
    // Turing: 65,536 / 1,024 = 64 per thread, and the register count is marked typical.
    let t = execution(&gpu("t4")).unwrap();
    assert_eq!(t.registers_per_thread_at_full, Some(64));
    assert!(t.registers_per_sm.as_ref().unwrap().basis.is_typical());
    // The chain names the seed's steps, with this GPU's numbers.
    let levels: Vec<&str> = h.chain.iter().map(|s| s.level).collect();
    assert_eq!(
        levels,
        ["Kernel", "Thread block", "Warp", "SM", "GPU", "Example"]
    );
    assert!(h.chain[0].text.contains("132 SMs"), "{}", h.chain[0].text);
    assert!(
        h.chain[2].text.contains("divergence"),
        "{}",
        h.chain[2].text
    );
    assert!(h.chain[4].text.contains("270,336"), "{}", h.chain[4].text);
}

#[test]
fn amd_cdna_uses_wavefronts_of_64_and_the_rocm_table() {
    // ROCm gpu-specs: wavefront 64; LDS 64 KiB (CDNA 2, 3) and 160 KiB (CDNA 4) per CU;
    // a 512 KiB VGPR file per CU = 131,072 32-bit registers.
    for (id, cus, lds) in [
        ("mi250x-gcd", 110, 64.0),
        ("mi300x", 304, 64.0),
        ("mi325x", 304, 64.0),
        ("mi355x", 256, 160.0),
    ] {
        let e = execution(&gpu(id)).unwrap_or_else(|| panic!("{id}"));
        assert_eq!((e.unit, e.warp_size.value, e.sms), ("wavefront", 64, cus));
        assert_eq!(
            e.shared_per_sm.as_ref().unwrap().value.get(),
            lds * KIB,
            "{id}"
        );
        assert_eq!(e.registers_per_sm.as_ref().unwrap().value, 131_072, "{id}");
        // No per-CU thread limit was sourced: left out, not guessed.
        assert!(
            e.max_threads_per_sm.is_none() && e.resident_threads.is_none(),
            "{id}"
        );
        // 4096 threads / 64 = 64 wavefronts.
        assert_eq!(e.row_warps, 64);
    }
}

#[test]
fn every_catalog_gpu_has_an_execution_model_or_says_why_not() {
    let mut with = Vec::new();
    for g in catalog::gpus() {
        match execution_model(&g) {
            Ok(e) => {
                assert!(e.sms > 0);
                assert!(!e.version.basis.text().is_empty(), "{}", g.id);
                with.push(g.id.clone());
            }
            Err(why) => {
                assert!(!why.is_empty(), "{}", g.id);
                let expected = match g.id.as_str() {
                    // NVIDIA parts whose SM count the catalog has not sourced.
                    "b200-sxm" | "gb200" => "SM count",
                    _ => "not a SIMT GPU",
                };
                assert!(why.contains(expected), "{}: {why}", g.id);
            }
        }
    }
    let none: Vec<String> = catalog::gpus()
        .into_iter()
        .map(|g| g.id)
        .filter(|id| !with.contains(id))
        .collect();
    assert_eq!(
        none,
        ["b200-sxm", "gb200", "tpu-v5e", "tpu-v5p", "tpu-v6e", "gaudi-3", "m2-ultra", "m4-max"]
    );
    let mut custom = gpu("h100-sxm");
    custom.id = ridgepoint::query::CUSTOM.into();
    assert!(execution_model(&custom).unwrap_err().contains("custom GPU"));
}

#[test]
fn hierarchy_latencies_rise_and_device_memory_is_the_largest_and_slowest() {
    for g in catalog::gpus() {
        let levels = hierarchy(&g);
        let last = levels.last().unwrap();
        assert_eq!(last.id, "dram");
        assert_eq!(last.size.as_ref().unwrap().value, g.memory, "{}", g.id);
        assert_eq!(
            last.bandwidth.as_ref().unwrap().value,
            g.bandwidth,
            "{}",
            g.id
        );
        for l in &levels[..levels.len() - 1] {
            if let Some(s) = &l.size {
                assert!(s.value.get() < g.memory.get(), "{} {}", g.id, l.id);
            }
        }
        // Latency rises strictly down the levels that have one.
        let lat: Vec<f64> = levels
            .iter()
            .filter_map(|l| l.latency_cycles.as_ref().map(|f| f.value))
            .collect();
        assert!(lat.windows(2).all(|w| w[0] < w[1]), "{}: {lat:?}", g.id);
    }
}

#[test]
fn where_sizes_do_not_rise_the_table_says_so() {
    // A100: 108 SMs × a 256 KB register file (65,536 × 4 B) = 27 MiB, more than its
    // 108 × 192 KiB = 20.25 MiB of L1 / shared memory: registers are the largest on-chip store.
    let a = hierarchy(&gpu("a100-80gb-sxm"));
    assert_eq!(a[0].size.as_ref().unwrap().value.get(), 108.0 * 256.0 * KIB);
    assert_eq!(a[1].size.as_ref().unwrap().value.get(), 108.0 * 192.0 * KIB);
    // MI355X: 256 CUs × 160 KiB of LDS = 40 MiB, above its 32 MiB L2; the 256 MiB Infinity
    // Cache sits between L2 and HBM (ROCm gpu-specs).
    let m = hierarchy(&gpu("mi355x"));
    let ids: Vec<&str> = m.iter().map(|l| l.id).collect();
    assert_eq!(ids, ["registers", "sram", "l2", "l3", "dram"]);
    assert_eq!(m[1].size.as_ref().unwrap().value.get(), 256.0 * 160.0 * KIB);
    assert_eq!(m[2].size.as_ref().unwrap().value.get(), 32.0 * MIB);
    assert_eq!(m[3].size.as_ref().unwrap().value.get(), 256.0 * MIB);
    // L1 / shared memory against L2, from the catalog's SMs, per-SM SRAM and L2: the seed's
    // A100 has 20.25 MiB of SRAM under a 40 MiB L2, and so do Hopper and Ada; Volta and GA10x
    // carry more SRAM than L2 (V100: 80 × 96 KiB of shared memory = 7.5 MiB > 6 MiB; RTX
    // 3090: 82 × 100 KiB = 8 MiB > 6 MiB).
    for (id, sram_below_l2) in [
        ("a100-80gb-sxm", true),
        ("h100-sxm", true),
        ("rtx-4090", true),
        ("v100-sxm2-32gb", false),
        ("rtx-3090", false),
    ] {
        let h = hierarchy(&gpu(id));
        let (sram, l2) = (
            h[1].size.as_ref().unwrap().value.get(),
            h[2].size.as_ref().unwrap().value.get(),
        );
        assert_eq!(sram < l2, sram_below_l2, "{id}: {sram} vs {l2}");
    }
    assert_eq!(
        hierarchy(&gpu("v100-sxm2-32gb"))[1]
            .size
            .as_ref()
            .unwrap()
            .value
            .get(),
        80.0 * 96.0 * KIB
    );
    // MI250X (one GCD): the catalog has no L2; ROCm gives 8 MiB per GCD.
    let g = hierarchy(&gpu("mi250x-gcd"));
    assert_eq!(g[2].size.as_ref().unwrap().value.get(), 8.0 * MIB);
}

#[test]
fn latencies_are_measured_where_measured_and_typical_elsewhere() {
    // gpu-benches, A100 80GB at 1,410 MHz: L1 36, L2 211, DRAM 570 cycles; L1 19.1 TB/s.
    let a = hierarchy(&gpu("a100-80gb-sxm"));
    let lat = |l: &ridgepoint::gpu_arch::Level| l.latency_cycles.as_ref().unwrap().value;
    assert_eq!((lat(&a[1]), lat(&a[2]), lat(&a[3])), (36.0, 211.0, 570.0));
    assert_eq!(a[1].bandwidth.as_ref().unwrap().value.get(), 19.1e12);
    assert!(matches!(
        a[3].latency_cycles.as_ref().unwrap().basis,
        Basis::Sourced(_)
    ));
    // The same silicon as another SKU is typical, and says which part was measured.
    let h = hierarchy(&gpu("h100-sxm"));
    let b = &h[2].latency_cycles.as_ref().unwrap();
    assert_eq!(b.value, 265.0);
    assert!(b.basis.is_typical() && b.basis.text().contains("H100 PCIe"));
    // The A100 40GB was not measured: the A100 80GB's figure, typical. The 80GB's own cites
    // the seed's rounder "~400 cycle" figure beside the measurement.
    let s = hierarchy(&gpu("a100-40gb-sxm"));
    let d = s[3].latency_cycles.as_ref().unwrap();
    assert_eq!(d.value, 570.0);
    assert!(d.basis.is_typical() && d.basis.text().contains("A100 80GB"));
    assert!(a[3]
        .latency_cycles
        .as_ref()
        .unwrap()
        .basis
        .text()
        .contains("~400"));
    // Blackwell: nothing measured; the seed's A100 figures, marked typical.
    let b3 = hierarchy(&gpu("b300-sxm"));
    let sram = b3[1].latency_cycles.as_ref().unwrap();
    assert_eq!(sram.value, 30.0);
    assert!(sram.basis.is_typical());
    // Registers have no latency of their own in the sources.
    assert!(b3[0].latency_cycles.is_none());
    // A TPU has neither SMs nor an architecture here: device memory only.
    let t = hierarchy(&gpu("tpu-v5e"));
    assert!(t[0].size.is_none() && t[1].size.is_none());
    assert!(t.last().unwrap().size.is_some());
}

fn row<'a>(
    rows: &'a [ridgepoint::gpu_arch::Implication],
    lever: &str,
) -> &'a ridgepoint::gpu_arch::Implication {
    rows.iter()
        .find(|r| r.lever == lever)
        .unwrap_or_else(|| panic!("{lever}"))
}

#[test]
fn the_seed_scenario_prefill_compute_decode_memory() {
    // Llama-2-7B FP16 on an A100: 2,048-token prefill is far above the ridge (AI ~ seq_len),
    // batch-1 decode at ~1 FLOP/byte far below it (the seed's key insight).
    let s = common::floor_scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 256);
    let e = estimate(&s);
    let [p, d] = phases(&e);
    assert_eq!((p.which, p.bound), (Which::Prefill, Bound::Compute));
    assert_eq!((d.which, d.bound), (Which::Decode, Bound::Memory));
    assert!(d.intensity < 2.0 && d.why.contains("below the ridge"));
    let rows = implications(&s, &e);
    for r in &rows {
        assert_eq!(r.anchor, format!("advise-{}", r.lever));
        assert!(!r.why.starts_with("Does not fit"));
    }
    assert_eq!(row(&rows, "batch-x2").decode, Effect::Helps);
    assert_eq!(row(&rows, "speculative").decode, Effect::Helps);
    assert_eq!(row(&rows, "fused-attention").prefill, Effect::Helps);
    assert_eq!(row(&rows, "fused-attention").targets, Which::Prefill);
    // The A100 has no FP8 tensor cores: the 8-bit lever is INT8, weight-only, so it does not
    // speed the compute-bound prefill.
    let w8 = row(&rows, "weights-int8");
    assert_eq!(
        (w8.decode, w8.prefill, w8.fit),
        (Effect::Helps, Effect::No, Fit::Frees)
    );
    // The unfused score matrix: 2 (write + read) × 32 heads × 2048² × 2 B × 32 layers = 17.2 GB.
    assert!(row(&rows, "fused-attention").why.contains("17.2 GB"));
}

#[test]
fn a_compute_bound_decode_turns_batching_and_speculation_around() {
    // Batch 4096 with a short context: decode intensity ≈ 2·P·B / (2·P) = B = 4096 FLOP/byte,
    // far above the A100's ridge of 153.
    let s = common::floor_scenario("a100-80gb-sxm", "llama-2-7b", 4096, 16, 16);
    let e = estimate(&s);
    assert_eq!(e.decode.bound, Bound::Compute);
    let rows = implications(&s, &e);
    assert_eq!(row(&rows, "batch-x2").decode, Effect::No);
    assert!(row(&rows, "batch-x2").why.contains("already compute-bound"));
    assert_eq!(row(&rows, "speculative").decode, Effect::Hurts);
    // On an H100 the FP8 tensor cores double the roof: 8-bit weights help even here.
    let mut h = s.clone();
    h.gpu = gpu("h100-sxm");
    let eh = estimate(&h);
    assert_eq!(eh.decode.bound, Bound::Compute);
    let r = implications(&h, &eh);
    let w8 = row(&r, "weights-fp8");
    assert_eq!((w8.decode, w8.prefill), (Effect::Helps, Effect::Helps));
}

#[test]
fn a_one_token_prompt_leaves_the_prefill_levers_nothing_to_do() {
    let s = common::floor_scenario("a100-80gb-sxm", "llama-2-7b", 1, 1, 64);
    let e = estimate(&s);
    // One token: AI ≈ 1, memory-bound.
    assert_eq!(e.prefill.bound, Bound::Memory);
    let rows = implications(&s, &e);
    for lever in ["fused-attention", "chunked-prefill", "prefix-caching"] {
        assert_eq!(row(&rows, lever).prefill, Effect::NotApplicable, "{lever}");
    }
}

#[test]
fn a_model_that_does_not_fit_says_so_first() {
    // Llama-2-70B in FP16: 2 B × 69 B parameters ≈ 138 GB of weights > 80 GB.
    let s = common::floor_scenario("a100-80gb-sxm", "llama-2-70b", 1, 2048, 256);
    let e = estimate(&s);
    assert!(!e.memory.fits);
    let rows = implications(&s, &e);
    for r in &rows {
        assert!(r.why.starts_with("Does not fit"), "{}: {}", r.lever, r.why);
        let verdict = match r.fit {
            Fit::Frees => "this frees memory",
            Fit::Same => "this frees none",
            Fit::Needs => "this needs more",
        };
        assert!(r.why.contains(verdict), "{}: {}", r.lever, r.why);
    }
    assert_eq!(row(&rows, "weights-int4").fit, Fit::Frees);
    assert_eq!(row(&rows, "tp-x2").fit, Fit::Frees);
    assert_eq!(row(&rows, "batch-x2").fit, Fit::Needs);
}

#[test]
fn levers_already_applied_say_so() {
    let mut s = common::floor_scenario("h100-sxm", "llama-2-7b", 8, 512, 128);
    s.weights = Precision::Fp8;
    s.kv = Precision::Fp8;
    let e = estimate(&s);
    let rows = implications(&s, &e);
    let w8 = row(&rows, "weights-fp8");
    assert_eq!(
        (w8.decode, w8.prefill),
        (Effect::NotApplicable, Effect::NotApplicable)
    );
    assert!(w8.why.contains("already"));
    assert_eq!(row(&rows, "kv-fp8").decode, Effect::NotApplicable);
    // Tensor parallel on 4 GPUs already: the all-reduce share is named.
    let mut t = common::floor_scenario("h100-sxm", "llama-2-70b", 8, 512, 128);
    t.gpus = 4;
    let et = estimate(&t);
    assert!(row(&implications(&t, &et), "tp-x2")
        .why
        .contains("already on 4 GPUs"));
}

#[test]
fn every_gpu_and_edge_reads_as_numbers() {
    // Every catalog GPU at batch 1 and 4,096, a 1-token prompt, 1 and 64 GPUs: no row is
    // empty or shows a non-number, and each decode row agrees with the phase's bound.
    for g in catalog::gpus() {
        for (batch, prompt, gpus) in [(1, 2048, 1), (4096, 16, 1), (1, 1, 1), (64, 512, 64)] {
            let mut s = common::floor_scenario("a100-80gb-sxm", "llama-2-70b", batch, prompt, 16);
            s.gpu = g.clone();
            s.gpus = gpus;
            let e = estimate(&s);
            let rows = implications(&s, &e);
            assert_eq!(rows.len(), 9, "{}", g.id);
            for r in &rows {
                assert!(!r.why.is_empty());
                for bad in ["NaN", "inf", "n/a"] {
                    assert!(!r.why.contains(bad), "{} {}: {}", g.id, r.lever, r.why);
                }
            }
            let batching = row(&rows, "batch-x2").decode;
            match e.decode.bound {
                Bound::Memory => assert_eq!(batching, Effect::Helps, "{}", g.id),
                Bound::Compute => assert_eq!(batching, Effect::No, "{}", g.id),
            }
            for p in phases(&e) {
                assert!(p.intensity.is_finite() && p.why.contains("ridge"));
            }
        }
    }
}

#[test]
fn every_lever_is_an_advisor_lever_and_anchors_its_row() {
    let ids: Vec<&str> = ridgepoint::advise::Lever::ALL
        .iter()
        .map(|l| l.id())
        .collect();
    let s = common::floor_scenario("h100-sxm", "llama-2-7b", 1, 2048, 256);
    let e = estimate(&s);
    for r in implications(&s, &e) {
        assert!(
            ids.contains(&r.lever),
            "{} is not an advisor lever",
            r.lever
        );
        assert_eq!(r.anchor, format!("advise-{}", r.lever));
    }
    // Tensor parallelism splits both phases' work.
    assert_eq!(row(&implications(&s, &e), "tp-x2").targets, Which::Both);
}

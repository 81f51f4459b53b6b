//! Pipeline, expert and multi-node parallelism: what each must do to the step and the memory.

mod common;

use common::floor_scenario;
use ridgepoint::{evaluate, Parallel, Precision, Scenario};

fn with(s: &Scenario, tp: u32, pp: u32, ep: u32) -> Scenario {
    Scenario {
        gpus: tp,
        parallel: Parallel {
            pipeline: pp,
            experts: ep,
        },
        ..s.clone()
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a / b - 1.0).abs() <= tol
}

#[test]
fn pipeline_stages_split_memory_but_not_the_time_of_one_token() {
    let s = floor_scenario("h100-sxm", "llama-3.1-70b", 1, 1024, 128);
    let one = evaluate(&s);
    let pp4 = evaluate(&with(&s, 1, 4, 1));
    // Each stage holds a quarter of the weights...
    assert!(close(
        pp4.memory.weights.get(),
        one.memory.weights.get() / 4.0,
        1e-9
    ));
    assert!(close(
        pp4.memory.kv_cache.get(),
        one.memory.kv_cache.get() / 4.0,
        1e-9
    ));
    // ...but at batch 1 a token still streams every weight, one stage after another: the
    // floor stays within the three NVLink hops of one GPU's.
    let (a, b) = (one.floor.tpot.get(), pp4.floor.tpot.get());
    assert!(b >= a && b < a * 1.02, "PP4 batch 1: {b} vs one GPU {a}");
    // Tensor parallel over the same four GPUs does cut it.
    let tp4 = evaluate(&with(&s, 4, 1, 1));
    assert!(tp4.floor.tpot.get() < a / 3.0);
    assert_eq!(pp4.parallel.gpus, 4);
}

#[test]
fn a_pipeline_keeps_its_stages_busy_once_the_batch_fills_them() {
    let s = floor_scenario("h100-sxm", "llama-3.1-70b", 64, 1024, 128);
    let one = evaluate(&s);
    let pp4 = evaluate(&with(&s, 1, 4, 1));
    // Four microbatches of 16: each stage reads its quarter of the weights once per
    // microbatch (a whole model's worth per token period) but only its quarter of the cache,
    // so a token comes faster than on one GPU and slower than with tensor parallel over the
    // four, which reads the weights once.
    assert_eq!(pp4.parallel.microbatches, 4.0);
    let tp4 = evaluate(&with(&s, 4, 1, 1));
    assert!(pp4.floor.tpot.get() < one.floor.tpot.get());
    assert!(pp4.floor.tpot.get() > tp4.floor.tpot.get());
    let b1 = evaluate(&with(
        &Scenario {
            batch: 16,
            ..s.clone()
        },
        1,
        1,
        1,
    ));
    // A period is four stage executions of 16 sequences over a quarter of the layers: the
    // same bytes as one GPU's step at batch 16, plus the hops.
    let (p, q) = (pp4.floor.tpot.get(), b1.floor.tpot.get());
    assert!(
        p >= q && p < q * 1.02,
        "PP4 at 64: {p} vs one GPU at 16: {q}"
    );
    // A prefill of 64 prompts in 4 microbatches takes 4 + 3 stage times of 16 prompts.
    assert_eq!(pp4.parallel.prefill_stages, 7.0);
}

#[test]
fn expert_parallel_waits_for_the_busiest_gpu() {
    let mut s = floor_scenario("h200-sxm", "deepseek-v3", 1, 1024, 128);
    s.weights = Precision::Fp8;
    let tp8 = evaluate(&with(&s, 8, 1, 1));
    let ep8 = evaluate(&with(&s, 8, 1, 8));
    assert_eq!(tp8.parallel.expert_imbalance, 1.0);
    // 8 of 256 experts over 8 GPUs of 32: the busiest GPU holds about 2.5 of them against a
    // mean of one, so it reads more bytes than tensor parallel's even eighth of each.
    let imb = ep8.parallel.expert_imbalance;
    assert!(imb > 2.0 && imb < 3.2, "imbalance {imb}");
    assert!(ep8.decode.bytes.get() > tp8.decode.bytes.get());
    // Same weights per GPU either way.
    assert!(close(
        ep8.memory.weights.get(),
        tp8.memory.weights.get(),
        1e-9
    ));
    // At a large batch every GPU's experts are all reached: no imbalance left.
    let big = evaluate(&with(
        &Scenario {
            batch: 512,
            ..s.clone()
        },
        8,
        1,
        8,
    ));
    assert!(big.parallel.expert_imbalance < 1.01);
}

/// The imbalance's expected maximum of binomials against a simulation of the routing.
#[test]
fn the_imbalance_matches_random_routing() {
    let mut s = floor_scenario("h200-sxm", "deepseek-v3", 4, 1024, 128);
    s.weights = Precision::Fp8;
    let e = evaluate(&with(&s, 8, 1, 8));
    let (experts, active, gpus, tokens) = (256usize, 8usize, 8usize, 4usize);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let trials = 20_000;
    let mut sum_max = 0.0;
    let mut sum_mean = 0.0;
    for _ in 0..trials {
        let mut hit = vec![false; experts];
        for _ in 0..tokens {
            // k distinct experts per token.
            let mut chosen = 0;
            let mut mine = vec![false; experts];
            while chosen < active {
                let x = (next() % experts as u64) as usize;
                if !mine[x] {
                    mine[x] = true;
                    hit[x] = true;
                    chosen += 1;
                }
            }
        }
        let per: Vec<usize> = (0..gpus)
            .map(|g| {
                hit[g * experts / gpus..(g + 1) * experts / gpus]
                    .iter()
                    .filter(|h| **h)
                    .count()
            })
            .collect();
        sum_max += *per.iter().max().unwrap() as f64;
        sum_mean += per.iter().sum::<usize>() as f64 / gpus as f64;
    }
    let simulated = sum_max / sum_mean;
    let model = e.parallel.expert_imbalance;
    assert!(
        close(model, simulated, 0.05),
        "model {model} vs simulated {simulated}"
    );
}

#[test]
fn data_parallel_attention_splits_the_batch_and_exchanges_tokens() {
    let mut s = floor_scenario("h100-sxm", "deepseek-v3", 256, 2000, 1000);
    s.weights = Precision::Fp8;
    // TP 8 + EP 8 on one node against TP 1 + EP 8 (attention data parallel ×8).
    let tp = evaluate(&with(&s, 8, 1, 8));
    let dp = evaluate(&with(&s, 1, 1, 8));
    assert_eq!(dp.parallel.gpus, 8);
    // MLA's latent is on every TP rank, so splitting the batch instead cuts the cache 8×.
    assert!(close(
        dp.memory.kv_cache.get(),
        tp.memory.kv_cache.get() / 8.0,
        1e-9
    ));
    assert!(dp.parallel.all_to_all.get() > 0.0);
    assert_eq!(tp.parallel.all_to_all.get(), 0.0);
    // Each attention group holds its own copy of the attention weights.
    assert!(dp.memory.weights.get() > tp.memory.weights.get());
}

#[test]
fn tensor_parallel_across_nodes_pays_the_network() {
    let s = floor_scenario("h100-sxm", "llama-3.1-405b", 32, 1024, 128);
    let tp8 = evaluate(&with(&s, 8, 1, 1));
    let tp16 = evaluate(&with(&s, 16, 1, 1));
    assert_eq!(tp16.parallel.nodes, 2);
    // One all-reduce of the same activations costs more across two nodes than in one.
    assert!(tp16.parallel.all_reduce.get() > tp8.parallel.all_reduce.get());
    // Pipeline across the nodes (TP 8 × PP 2) sends far less over the network.
    let pp = evaluate(&with(&s, 8, 2, 1));
    assert!(pp.decode.comm_time.get() < tp16.decode.comm_time.get());
}

#[test]
fn links_carry_pipeline_and_expert_parallel() {
    let (spec, problems) = ridgepoint::Spec::from_query("model=deepseek-v3&gpus=8&pp=2&ep=16");
    assert!(problems.is_empty(), "{problems:?}");
    let s = spec.scenario();
    assert_eq!((s.tp(), s.pp(), s.ep()), (8, 2, 16));
    assert_eq!(s.total_gpus(), 32);
    let q = spec.to_query();
    assert!(q.contains("pp=2") && q.contains("ep=16"), "{q}");
    let (_, problems) = ridgepoint::Spec::from_query("pp=0&ep=9999");
    assert_eq!(problems.len(), 2, "{problems:?}");
    // EP on a dense model does nothing.
    let (spec, _) = ridgepoint::Spec::from_query("model=llama-2-7b&ep=8");
    assert_eq!(spec.scenario().ep(), 1);
}

//! The advisor: every applied row against the engine's own estimate of the scenario with the
//! lever applied by hand, at the edges of issue 12 item 5 (batch 1 and 4,096, a model that does
//! not fit, 64 GPUs, a compute-bound decode), plus ranking and wording.
//!
//! Hand-derived figures use sourced inputs: Llama-2-7B's shape (32 layers, 32 KV heads of 128,
//! the catalog's Meta config), H100 SXM dense FP16 989.4 and FP8 1,978.9 TFLOP/s
//! (shared/reference/gpus.tsv), bits per format from `Precision::bits` (FP16 16, FP8 8).

mod common;

use common::floor_scenario;
use ridgepoint::advise::{
    advise, default_draft, Advice, AdviseInput, Draft, FitChange, Goal, Lever, Outcome, Row,
};
use ridgepoint::{
    catalog, evaluate, Bound, Efficiency, Estimate, GroupFormats, Precision, Scenario, Speculative,
};

fn calibrated(mut s: Scenario) -> Scenario {
    s.efficiency = Efficiency::CALIBRATED;
    s
}

fn run(s: &Scenario, goal: Goal) -> Advice {
    advise(&AdviseInput::new(s.clone(), goal)).expect("valid input")
}

fn row(a: &Advice, l: Lever) -> &Row {
    a.rows
        .iter()
        .find(|r| r.lever == l)
        .expect("every lever has a row")
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
}

/// The scenario each lever makes, built here independently of the advisor.
fn by_hand(l: Lever, s: &Scenario, e: &Estimate) -> Option<Scenario> {
    let mut t = s.clone();
    match l {
        Lever::WeightsFp8 => t.weights = Precision::Fp8,
        Lever::WeightsInt8 => t.weights = Precision::Int8,
        Lever::WeightsInt4 => t.weights = Precision::Int4,
        Lever::WeightsFp4 => t.weights = Precision::Fp4,
        Lever::KvFp8 => t.kv = Precision::Fp8,
        Lever::Batch2 => t.batch = (s.batch * 2).min(4096),
        Lever::Batch4 => t.batch = (s.batch * 4).min(4096),
        Lever::BatchKnee => t.batch = (e.knee.batch.ceil() as u32).min(4096),
        Lever::TensorParallel2 => t.gpus = s.gpus * 2,
        Lever::Pipeline2 => t.parallel.pipeline = s.pp() * 2,
        Lever::Speculative => {
            t.speculative = Some(Speculative {
                draft: default_draft(&s.model)?,
                tokens: 4,
                acceptance: 0.70,
            })
        }
        _ => return None,
    }
    if l.id().starts_with("weights") {
        t.formats = GroupFormats::default();
    }
    Some(t)
}

/// Every applied row that is a scenario change reads the engine's estimate of the scenario
/// built by hand: times, throughput, memory, largest batch, bounds, and the ratios.
fn check_rows_against_engine(s: &Scenario, a: &Advice) {
    let base = evaluate(s);
    assert_eq!(a.baseline.timing, base.calibrated);
    for r in &a.rows {
        let (Some(after), Some(c)) = (&r.after, &r.change) else {
            assert_ne!(r.outcome, Outcome::Applied, "{}", r.label);
            assert!(!r.why.is_empty());
            continue;
        };
        assert_eq!(r.outcome, Outcome::Applied);
        let Some(hand) = by_hand(r.lever, s, &base) else {
            continue;
        };
        assert_eq!(r.scenario.as_ref(), Some(&hand), "{}", r.label);
        let e = evaluate(&hand);
        assert_eq!(after.timing, e.calibrated, "{}", r.label);
        assert_eq!(after.memory, e.memory, "{}", r.label);
        assert_eq!(after.max_batch, e.max_batch, "{}", r.label);
        assert_eq!(after.decode.bound, e.decode.bound, "{}", r.label);
        assert_eq!(after.prefill.bound, e.prefill.bound, "{}", r.label);
        let b = &base.calibrated;
        assert!(close(c.ttft, e.calibrated.ttft.get() / b.ttft.get(), 1e-12));
        assert!(close(c.tpot, e.calibrated.tpot.get() / b.tpot.get(), 1e-12));
        assert!(close(
            c.throughput,
            e.calibrated.throughput / b.throughput,
            1e-12
        ));
        assert!(close(
            c.memory.get(),
            e.memory.total.get() - base.memory.total.get(),
            1e-12
        ));
        assert_eq!(c.max_batch, (base.max_batch, e.max_batch));
        // A fit change is said first.
        let expect = match (base.memory.fits, e.memory.fits) {
            (true, false) => Some("Stops fitting:"),
            (false, true) => Some("Now fits:"),
            (false, false) => Some("Still does not fit:"),
            (true, true) => None,
        };
        match expect {
            Some(w) => assert!(r.why.starts_with(w), "{}: {}", r.label, r.why),
            None => assert!(
                ["Stops fitting", "Now fits", "not fit"]
                    .iter()
                    .all(|w| !r.why.contains(w)),
                "{}: {}",
                r.label,
                r.why
            ),
        }
    }
}

#[test]
fn at_batch_1_fp8_weights_halve_the_weight_bytes_and_every_row_is_the_engine() {
    let s = calibrated(floor_scenario("h100-sxm", "llama-2-7b", 1, 2048, 128));
    let a = run(&s, Goal::Latency);
    check_rows_against_engine(&s, &a);
    let r = row(&a, Lever::WeightsFp8);
    let after = r.after.as_ref().unwrap();
    // 8 bits against 16 per weight: exactly half the weights per GPU.
    assert!(close(
        after.memory.weights.get(),
        a.baseline.memory.weights.get() / 2.0,
        1e-12
    ));
    assert_eq!(a.baseline.decode.bound, Bound::Memory);
    assert!(r.why.contains("Decode is memory-bound"), "{}", r.why);
    assert!(r.why.contains("FP8 tensor cores"), "{}", r.why);
    // Batch 1 → 2 adds one sequence's KV reads to the decode step: 2 (K, V) × 32 layers × 32
    // heads × 128 × 2 bytes = 524,288 B per token, over the mean context 2048 + 128/2 plus the
    // new token, 2,113 tokens: 1,107,820,544 B.
    let r2 = row(&a, Lever::Batch2);
    let d = r2.after.as_ref().unwrap().decode.bytes.get() - a.baseline.decode.bytes.get();
    assert!(close(d, 1_107_820_544.0, 1e-9), "{d}");
    assert!(r2.label.contains("1 → 2"), "{}", r2.label);
}

#[test]
fn at_batch_4096_the_batch_levers_say_why_they_cannot_apply() {
    let s = calibrated(floor_scenario("a100-80gb-sxm", "llama-2-7b", 4096, 1, 1));
    let a = run(&s, Goal::Throughput);
    check_rows_against_engine(&s, &a);
    for l in [Lever::Batch2, Lever::Batch4, Lever::BatchKnee] {
        let r = row(&a, l);
        assert_eq!(r.outcome, Outcome::CannotApply, "{}", r.label);
        assert!(r.why.contains("4096"), "{}", r.why);
    }
    assert!(row(&a, Lever::BatchKnee).why.contains("past the knee"));
    // A 1-token prompt has no prefix to share.
    assert_eq!(row(&a, Lever::PrefixCaching).outcome, Outcome::CannotApply);
}

#[test]
fn a_compute_bound_decode_gains_from_fp8_only_where_fp8_cores_exist() {
    // A100: no FP8 peak in the catalog (Ampere has no FP8): FP8 weights are stored in 8 bits
    // but run as FP16 matmuls, so a compute-bound step takes as long as before.
    let s = calibrated(floor_scenario("a100-80gb-sxm", "llama-2-7b", 4096, 1, 1));
    let a = run(&s, Goal::Latency);
    assert_eq!(a.baseline.decode.bound, Bound::Compute);
    let r = row(&a, Lever::WeightsFp8);
    assert!(r.why.contains("no FP8 tensor cores"), "{}", r.why);
    assert!(r.why.contains("Decode is compute-bound"), "{}", r.why);
    let c = r.change.unwrap();
    assert!(close(c.tpot, 1.0, 1e-9), "{}", c.tpot);
    // Not a gain: it ranks below the levers that help (TP ×2 halves the FLOPs per GPU).
    let pos = |l| a.rows.iter().position(|r| r.lever == l).unwrap();
    assert!(pos(Lever::TensorParallel2) < pos(Lever::WeightsFp8));

    // H100: FP8 runs at 1,978.9 against 989.4 TFLOP/s dense, so the step's compute time
    // scales by 989.4 / 1978.9.
    let h = calibrated(floor_scenario("h100-sxm", "llama-2-7b", 4096, 1, 1));
    let b = run(&h, Goal::Latency);
    check_rows_against_engine(&h, &b);
    assert_eq!(b.baseline.decode.bound, Bound::Compute);
    let r = row(&b, Lever::WeightsFp8);
    let after = r.after.as_ref().unwrap();
    assert!(close(
        after.decode.compute_time.get(),
        b.baseline.decode.compute_time.get() * 989.4 / 1978.9,
        1e-9
    ));
    assert!(r.why.contains("FP8 tensor cores"), "{}", r.why);
    // Less than the halving of the compute time: the 4,096 × 20 µs per sequence and the
    // 32 × 60 µs per layer of each step do not shrink with the format.
    let tpot = r.change.unwrap().tpot;
    assert!(tpot < 0.75 && tpot > 0.5, "{tpot}");
    // TP ×2 halves the FLOPs each GPU runs.
    let tp = row(&b, Lever::TensorParallel2).after.as_ref().unwrap();
    assert!(close(
        tp.decode.flops.get(),
        b.baseline.decode.flops.get() / 2.0,
        1e-12
    ));
}

#[test]
fn a_model_that_does_not_fit_ranks_the_levers_that_make_it_fit_first() {
    // Llama-2-70B at FP16: ≈ 69B parameters × 2 bytes ≈ 138 GB of weights on one 80 GB A100.
    let s = calibrated(floor_scenario("a100-80gb-sxm", "llama-2-70b", 1, 2048, 128));
    for goal in [Goal::Latency, Goal::Throughput, Goal::Fit] {
        let a = run(&s, goal);
        assert!(!a.baseline.memory.fits);
        check_rows_against_engine(&s, &a);
        // Every row that fits after comes before every applied row that does not.
        let fits: Vec<bool> = a
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Applied)
            .map(|r| r.fit == Some(FitChange::NowFits))
            .collect();
        let first_not = fits.iter().position(|f| !f).unwrap_or(fits.len());
        assert!(fits[first_not..].iter().all(|f| !f), "{goal:?}: {fits:?}");
        assert!(a.rows[0].why.starts_with("Now fits:"), "{}", a.rows[0].why);
    }
    // Two pipeline stages halve the weights per GPU: 138 GB over two 80 GB GPUs fits, and a
    // token at batch 1 takes about as long as on one (it still passes every layer).
    let a = run(&s, Goal::Latency);
    let pp = row(&a, Lever::Pipeline2);
    assert_eq!(pp.fit, Some(FitChange::NowFits), "{}", pp.why);
    let after = pp.after.as_ref().unwrap();
    assert!(close(
        after.memory.weights.get(),
        a.baseline.memory.weights.get() / 2.0,
        1e-9
    ));
    assert!(close(
        after.timing.tpot.get(),
        a.baseline.timing.tpot.get(),
        0.02
    ));
    // Fit: least memory first, so INT4 (4.25 bits) before FP8 (8 bits).
    let a = run(&s, Goal::Fit);
    assert_eq!(a.rows[0].lever, Lever::WeightsInt4);
    let kv = row(&a, Lever::KvFp8);
    assert!(kv.why.starts_with("Still does not fit:"), "{}", kv.why);
}

#[test]
fn a_batch_that_outgrows_memory_says_it_stops_fitting_first() {
    let probe = calibrated(floor_scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 128));
    let max = evaluate(&probe).max_batch;
    assert!(max > 1 && max * 2 <= 4096);
    let s = Scenario {
        batch: max,
        ..probe
    };
    let a = run(&s, Goal::Throughput);
    check_rows_against_engine(&s, &a);
    let r = row(&a, Lever::Batch2);
    assert_eq!(r.fit, Some(FitChange::StopsFitting));
    assert!(r.why.starts_with("Stops fitting: needs"), "{}", r.why);
    assert!(r.why.contains("would not run"), "{}", r.why);
    // It ranks below every applied row that still fits.
    let pos = a
        .rows
        .iter()
        .position(|x| x.lever == Lever::Batch2)
        .unwrap();
    assert!(a.rows[pos..]
        .iter()
        .all(|x| x.after.as_ref().is_none_or(|f| !f.memory.fits)));
}

#[test]
fn on_64_gpus_tensor_parallel_cannot_double_and_heads_must_divide() {
    // Llama-3.1-405B: 128 query heads, so 64 GPUs split them; 128 would be beyond the page.
    let s = Scenario {
        gpus: 64,
        ..calibrated(floor_scenario("h100-sxm", "llama-3.1-405b", 1, 2048, 128))
    };
    let a = run(&s, Goal::Latency);
    check_rows_against_engine(&s, &a);
    let r = row(&a, Lever::TensorParallel2);
    assert_eq!(r.outcome, Outcome::CannotApply);
    assert!(r.why.contains("64"), "{}", r.why);
    // Llama-2-7B's 32 heads do not split over 64 GPUs.
    let s = Scenario {
        gpus: 32,
        ..calibrated(floor_scenario("h100-sxm", "llama-2-7b", 1, 2048, 128))
    };
    let r = row(&run(&s, Goal::Latency), Lever::TensorParallel2).clone();
    assert_eq!(r.outcome, Outcome::CannotApply);
    assert!(
        r.why.contains("32 query heads do not split evenly over 64"),
        "{}",
        r.why
    );
}

#[test]
fn speculative_decoding_uses_a_smaller_model_of_the_family_and_the_engine() {
    let target = catalog::model("llama-3.1-70b").unwrap();
    // Same family and vocabulary (128,256), fewest parameters: Llama-3.2-1B.
    assert_eq!(default_draft(&target).unwrap().id, "llama-3.2-1b");
    // Llama-2-7B is the smallest Llama-2: no draft.
    assert!(default_draft(&catalog::model("llama-2-7b").unwrap()).is_none());
    let s = Scenario {
        gpus: 2,
        ..calibrated(floor_scenario("h100-sxm", "llama-3.1-70b", 1, 2048, 128))
    };
    let a = run(&s, Goal::Latency);
    check_rows_against_engine(&s, &a);
    let r = row(&a, Lever::Speculative);
    assert_eq!(r.outcome, Outcome::Applied);
    // (1 − 0.7⁵) / (1 − 0.7) = 0.83193 / 0.3 = 2.7731 tokens per target step.
    assert!(r.why.contains("emits 2.77 tokens per step"), "{}", r.why);
    assert!(r.why.starts_with("Decode is memory-bound"), "{}", r.why);
    assert!(r.why.contains("draft's own"), "{}", r.why);
    // A draft the reader gives is used as given.
    let mut input = AdviseInput::new(s.clone(), Goal::Latency);
    input.draft = Some(Draft {
        model: catalog::model("llama-3.1-8b").unwrap(),
        tokens: 2,
        acceptance: 0.5,
    });
    let a = advise(&input).unwrap();
    let r = row(&a, Lever::Speculative);
    let e = evaluate(r.scenario.as_ref().unwrap());
    assert_eq!(r.after.as_ref().unwrap().timing, e.calibrated);
    // (1 − 0.5³) / (1 − 0.5) = 1.75
    assert!(close(e.speculative.unwrap().tokens_per_step, 1.75, 1e-12));
    // At batch 4,096 and a 1-token prompt decode is compute-bound: checking 5 tokens per
    // sequence costs 5× a plain step's FLOPs for 2.77 tokens, so the row says it is slower.
    let busy = Scenario {
        batch: 4096,
        prompt: 1,
        output: 2,
        ..s.clone()
    };
    let a = run(&busy, Goal::Latency);
    check_rows_against_engine(&busy, &a);
    let r = row(&a, Lever::Speculative);
    assert_eq!(a.baseline.decode.bound, Bound::Compute);
    assert!(r.why.contains("5× the FLOPs"), "{}", r.why);
    assert!(
        r.change.unwrap().tpot > 1.0 && r.why.contains("Slower"),
        "{}",
        r.why
    );
    // Already on: said so, no change.
    let on = Scenario {
        speculative: r.scenario.as_ref().unwrap().speculative.clone(),
        ..s
    };
    let r = row(&run(&on, Goal::Latency), Lever::Speculative).clone();
    assert_eq!(r.outcome, Outcome::AlreadyAssumed);
}

#[test]
fn prefix_caching_is_a_shorter_prompt_for_ttft_and_the_full_context_for_decode() {
    let s = calibrated(floor_scenario("a100-80gb-sxm", "llama-2-7b", 4, 2048, 128));
    let a = run(&s, Goal::Latency);
    let r = row(&a, Lever::PrefixCaching);
    let after = r.after.as_ref().unwrap();
    let short = evaluate(&Scenario {
        prompt: 1024,
        ..s.clone()
    });
    let full = evaluate(&s);
    assert_eq!(after.timing.ttft, short.calibrated.ttft);
    assert_eq!(after.timing.tpot, full.calibrated.tpot);
    assert_eq!(after.memory, full.memory);
    let latency = short.calibrated.ttft.get() + 127.0 * full.calibrated.tpot.get();
    assert!(close(after.timing.request_latency.get(), latency, 1e-12));
    assert!(close(after.timing.throughput, 4.0 * 128.0 / latency, 1e-12));
    assert!(r.why.contains("1024-token prompt"), "{}", r.why);
    assert!(r.why.contains("upper bound"), "{}", r.why);
}

#[test]
fn chunked_prefill_and_fused_attention_are_already_assumed() {
    let s = calibrated(floor_scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 128));
    let a = run(&s, Goal::Latency);
    for l in [Lever::ChunkedPrefill, Lever::FusedAttention] {
        let r = row(&a, l);
        assert_eq!(r.outcome, Outcome::AlreadyAssumed);
        assert!(r.why.starts_with("Already assumed"), "{}", r.why);
        assert!(r.after.is_none() && r.change.is_none());
    }
}

#[test]
fn rows_are_ranked_by_the_goal() {
    let s = calibrated(floor_scenario("h100-sxm", "llama-3.1-8b", 8, 1024, 256));
    for goal in [Goal::Latency, Goal::Throughput, Goal::Fit] {
        let a = run(&s, goal);
        check_rows_against_engine(&s, &a);
        let score = |r: &Row| {
            let c = r.change.unwrap();
            let m = r.after.as_ref().unwrap().memory.total.get();
            match goal {
                Goal::Latency => c.latency,
                Goal::Throughput => 1.0 / c.throughput,
                Goal::Fit => m / (m - c.memory.get()),
            }
        };
        // Levers that help and fit lead, best first.
        let helping: Vec<f64> = a
            .rows
            .iter()
            .take_while(|r| r.outcome == Outcome::Applied && score(r) < 0.999)
            .map(score)
            .collect();
        assert!(!helping.is_empty(), "{goal:?}");
        assert!(
            helping.windows(2).all(|w| w[0] <= w[1]),
            "{goal:?}: {helping:?}"
        );
        // No applied, helping row appears after a non-helping one.
        let rest = &a.rows[helping.len()..];
        assert!(rest.iter().all(|r| r.outcome != Outcome::Applied
            || score(r) >= 0.999
            || !r.after.as_ref().unwrap().memory.fits));
        // Cannot-apply rows come last.
        let first_cannot = a
            .rows
            .iter()
            .position(|r| r.outcome == Outcome::CannotApply);
        if let Some(i) = first_cannot {
            assert!(a.rows[i..]
                .iter()
                .all(|r| r.outcome == Outcome::CannotApply));
        }
    }
    // Throughput: batch ×4 beats batch ×2 here (both fit); latency: both lose to FP8.
    let t = run(&s, Goal::Throughput);
    let pos = |a: &Advice, l| a.rows.iter().position(|r| r.lever == l).unwrap();
    assert!(pos(&t, Lever::Batch4) < pos(&t, Lever::Batch2));
    let l = run(&s, Goal::Latency);
    assert!(pos(&l, Lever::WeightsFp8) < pos(&l, Lever::Batch2));
}

#[test]
fn bad_input_is_a_problem_naming_the_field() {
    let s = floor_scenario("a100-80gb-sxm", "llama-2-7b", 1, 2048, 128);
    let mut input = AdviseInput::new(s.clone(), Goal::Latency);
    input.prefix_share = 1.0;
    assert_eq!(advise(&input).unwrap_err().field, "prefix_share");
    input.prefix_share = f64::NAN;
    assert_eq!(advise(&input).unwrap_err().field, "prefix_share");
    let mut input = AdviseInput::new(s.clone(), Goal::Latency);
    input.draft = Some(Draft {
        model: catalog::model("llama-3.2-1b").unwrap(),
        tokens: 0,
        acceptance: 0.7,
    });
    assert_eq!(advise(&input).unwrap_err().field, "draft.tokens");
    input.draft = Some(Draft {
        model: catalog::model("llama-3.2-1b").unwrap(),
        tokens: 4,
        acceptance: 1.5,
    });
    assert_eq!(advise(&input).unwrap_err().field, "draft.acceptance");
    let mut bad = s;
    bad.model.layers = 0;
    let e = advise(&AdviseInput::new(bad, Goal::Fit)).unwrap_err();
    assert_eq!(e.field, "scenario.model");
    assert!(e.message.contains("layers"), "{}", e.message);
}

#[test]
fn every_goal_id_round_trips() {
    for g in Goal::ALL {
        assert_eq!(Goal::from_id(g.id()), Some(g));
    }
    assert_eq!(Goal::from_id("speed"), None);
}

#[test]
fn every_row_is_finite_and_explained_across_the_catalog() {
    let models = [
        "llama-2-7b",
        "llama-3.1-405b",
        "mixtral-8x7b",
        "gpt-oss-120b",
        "deepseek-v3",
        "gemma-2-9b",
    ];
    for g in catalog::gpus() {
        for m in models {
            let Some(model) = catalog::model(m) else {
                continue;
            };
            for (batch, prompt, output, gpus) in [(1, 2048, 128, 1), (4096, 1, 1, 8)] {
                let s = Scenario {
                    gpu: g.clone(),
                    model: model.clone(),
                    batch,
                    prompt,
                    output,
                    gpus,
                    ..calibrated(floor_scenario("a100-80gb-sxm", "llama-2-7b", 1, 1, 1))
                };
                for goal in Goal::ALL {
                    let a = run(&s, goal);
                    assert_eq!(a.rows.len(), Lever::ALL.len());
                    for r in &a.rows {
                        let ctx = format!("{} {m} b{batch} {}", g.id, r.label);
                        assert!(!r.why.is_empty() && !r.why.contains("NaN"), "{ctx}");
                        if let Some(c) = &r.change {
                            for v in [c.ttft, c.tpot, c.latency, c.throughput, c.memory.get()] {
                                assert!(v.is_finite(), "{ctx}: {c:?}");
                            }
                        }
                    }
                }
            }
        }
    }
}

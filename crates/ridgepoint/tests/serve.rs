//! The serving simulation against what queueing must give: the static batch-1 TTFT at a low
//! rate, Little's law, the static throughput at saturation, closed-loop sequencing,
//! preemption, determinism, bounded runs and named problems for bad input.
//!
//! Expectations come from formulas and sourced inputs (Llama-2-7B's config shapes, the A100
//! nvidia-smi capacity, vLLM's defaults) or from the static estimate (`evaluate`), never from
//! the simulation's own output.

use ridgepoint::scenario::DEFAULT_OVERHEAD;
use ridgepoint::serve::{
    capacity, check, load_levels, load_point, parse_lengths, parse_trace, simulate, sweep,
    trace_rate, with_load, Arrivals, CapacitySearch, Lengths, LoadAxis, ServeInput, TraceRequest,
    MAX_STEPS,
};
use ridgepoint::{catalog, evaluate, Efficiency, Precision, Scenario};

/// Llama-2-7B in FP16 on one A100-80GB SXM, calibrated, 2048 + 128 tokens.
fn scenario(prompt: u32, output: u32) -> Scenario {
    Scenario {
        gpu: catalog::gpu("a100-80gb-sxm").unwrap(),
        model: catalog::model("llama-2-7b").unwrap(),
        weights: Precision::Fp16,
        formats: Default::default(),
        kv: Precision::Fp16,
        batch: 1,
        prompt,
        output,
        gpus: 1,
        efficiency: Efficiency::CALIBRATED,
        overhead: DEFAULT_OVERHEAD,
        speculative: None,
        parallel: Default::default(),
        kv_budget: ridgepoint::profile::KvBudget::Remaining,
    }
}

fn input(rate: f64, requests: u32) -> ServeInput {
    let mut i = ServeInput::new(scenario(2048, 128));
    i.arrivals = Arrivals::Poisson { rate };
    i.requests = requests;
    i
}

fn close(actual: f64, expected: f64, rel: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs()
}

#[test]
fn low_rate_ttft_and_tpot_are_the_static_batch_1_figures() {
    let s = scenario(2048, 128);
    let e = evaluate(&s);
    // One request in ≈ 100 s against a latency of ≈ 1.5 s: almost every request is alone.
    let r = simulate(&input(0.01, 200));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.finished, 200);
    let ttft = e.calibrated.ttft.get();
    assert!(
        close(r.ttft.p50, ttft, 1e-6),
        "TTFT p50 {} vs static {}",
        r.ttft.p50,
        ttft
    );
    // The simulated decode attends to its own context (prompt + 1 … prompt + output − 1);
    // the static figure to the mean prompt + output/2: one token apart in 2112.
    let tpot = e.calibrated.tpot.get();
    assert!(
        close(r.tpot.p50, tpot, 0.002),
        "TPOT p50 {} vs static {}",
        r.tpot.p50,
        tpot
    );
}

#[test]
fn littles_law_holds() {
    let mut i = input(4.0, 600);
    i.prompt = Lengths::LogNormal {
        mean: 1000.0,
        spread: 0.8,
    };
    i.output = Lengths::Uniform { lo: 16, hi: 400 };
    let r = simulate(&i);
    assert_eq!(r.finished, 600, "{:?}", r.warnings);
    assert!(
        r.in_system_mean > 1.0,
        "a loaded system: {}",
        r.in_system_mean
    );
    // L = λ W, with λ the measured throughput and W the mean time from arrival to finish.
    let little = r.requests_per_s * r.e2e.mean;
    assert!(
        close(r.in_system_mean, little, 1e-6),
        "L {} vs λW {}",
        r.in_system_mean,
        little
    );
    assert!(r.running_mean <= r.in_system_mean + 1e-9);
}

#[test]
fn saturated_throughput_is_near_the_static_throughput_at_the_largest_batch() {
    let s = scenario(2048, 128);
    let largest = evaluate(&s).max_batch;
    assert!(largest > 8, "a batch to speak of: {largest}");
    let e = evaluate(&Scenario {
        batch: largest,
        ..s.clone()
    });
    let mut i = input(1e4, 1500);
    // The whole GPU and the static batch as the running cap, so the two hold the same
    // requests (2176 tokens = 136 blocks of 16, no rounding).
    i.gpu_memory_utilization = 1.0;
    i.max_running = largest;
    let r = simulate(&i);
    assert_eq!(r.finished, 1500, "{:?}", r.warnings);
    // The static batch prefills all prompts and then decodes together; the simulation mixes
    // prefill chunks into decode steps (weights read once for both), so it runs a little
    // faster. Within 15%.
    let ratio = r.output_tokens_per_s / e.calibrated.throughput;
    assert!(
        (0.85..=1.15).contains(&ratio),
        "simulated {} vs static {} tokens/s at batch {largest} (ratio {ratio})",
        r.output_tokens_per_s,
        e.calibrated.throughput
    );
    assert!(
        r.running_mean > 0.8 * largest as f64,
        "the batch stays full: mean {}",
        r.running_mean
    );
}

#[test]
fn same_seed_same_result_other_seed_other_arrivals() {
    let mut i = input(3.0, 300);
    i.output = Lengths::LogNormal {
        mean: 150.0,
        spread: 0.5,
    };
    let a = simulate(&i);
    let b = simulate(&i);
    assert_eq!(a, b);
    i.seed = 2;
    let c = simulate(&i);
    assert_ne!(a.records[0].arrival, c.records[0].arrival);
    assert_ne!(a.records[1].output, c.records[1].output);
}

#[test]
fn poisson_gaps_have_the_rate() {
    // 5000 exponential gaps at rate 2: the mean gap is 0.5 s with standard error
    // 0.5 / √5000 ≈ 0.007 s; allow 4 standard errors.
    let mut i = input(2.0, 5000);
    i.output = Lengths::Fixed;
    i.scenario.output = 1;
    let r = simulate(&i);
    let last = r.records.last().unwrap().arrival;
    let mean_gap = last / 5000.0;
    assert!(
        (mean_gap - 0.5).abs() < 4.0 * 0.5 / 5000f64.sqrt(),
        "{mean_gap}"
    );
}

#[test]
fn one_closed_loop_client_sends_requests_one_after_another() {
    let mut i = input(1.0, 20);
    i.arrivals = Arrivals::Closed { clients: 1 };
    let r = simulate(&i);
    assert_eq!(r.finished, 20);
    let ttft = evaluate(&scenario(2048, 128)).calibrated.ttft.get();
    for w in r.records.windows(2) {
        assert_eq!(Some(w[1].arrival), w[0].finish, "{:?}", w);
    }
    for q in &r.records {
        // Always alone: the prefill is the static batch-1 prefill.
        assert!(close(q.ttft().unwrap(), ttft, 1e-9));
    }
    // Always exactly one request in the system, in the batch.
    assert!(close(r.in_system_mean, 1.0, 1e-9), "{}", r.in_system_mean);
    assert!(close(r.running_mean, 1.0, 1e-9), "{}", r.running_mean);
    assert!(close(r.requests_per_s, 1.0 / r.e2e.mean, 1e-9));
}

#[test]
fn kv_blocks_are_the_memory_left_over_the_block_size() {
    let r = simulate(&input(1.0, 5));
    // Llama-2-7B (config: hidden 4096, intermediate 11008, 32 layers, 32 KV heads of 128,
    // vocab 32000, untied): parameters 2 × 32000 × 4096 + 32 × (4 × 4096² + 3 × 4096 × 11008
    // + 2 × 4096) + 4096 = 6,738,415,616, at 2 bytes.
    let weights: f64 = 6_738_415_616.0 * 2.0;
    // Activations: one 8192-token step (vLLM's max_num_batched_tokens) at 2 bytes over
    // 4 × hidden + 2 × intermediate, plus FP32 logits of the 256 running (max_num_seqs).
    let activations = 8192.0 * (4.0 * 4096.0 + 2.0 * 11008.0) * 2.0 + 256.0 * 32000.0 * 4.0;
    // A100-80GB: the catalog's capacity (the datasheet's 80 GB, or nvidia-smi's 81920 MiB
    // where the catalog records what the tool reports); vLLM's 0.9 utilization; 0.5 GB
    // overhead.
    let capacity = catalog::gpu("a100-80gb-sxm").unwrap().memory.get();
    assert!(capacity == 80e9 || capacity == 81920.0 * 1024.0 * 1024.0);
    let left = 0.9 * capacity - weights - activations - 0.5e9;
    // KV per token: 2 (K, V) × 32 layers × 32 heads × 128 × 2 bytes; 16 tokens per block.
    let block = 2.0 * 32.0 * 32.0 * 128.0 * 2.0 * 16.0;
    assert_eq!(r.kv_blocks_total, (left / block).floor() as u64);
    let d = r.derivation("serve.kv_blocks").unwrap();
    assert_eq!(d.value, r.kv_blocks_total as f64);
}

#[test]
fn scarce_kv_preempts_and_every_request_still_finishes() {
    let mut i = input(50.0, 120);
    // Room for a few hundred blocks only: weights are 13.5 GB of 80.
    i.gpu_memory_utilization = 0.19;
    i.scenario.prompt = 256;
    i.output = Lengths::Uniform { lo: 200, hi: 1200 };
    let r = simulate(&i);
    assert!(
        r.kv_blocks_total > 80 && r.kv_blocks_total < 2000,
        "{}",
        r.kv_blocks_total
    );
    assert!(
        r.preemptions > 0,
        "no preemption with {} blocks",
        r.kv_blocks_total
    );
    assert_eq!(r.finished, 120, "{:?}", r.warnings);
    assert!(r.records.iter().any(|q| q.preemptions > 0));
    assert!(r.timeline.iter().all(|s| s.kv_blocks <= r.kv_blocks_total));
    // Each request still produced all its tokens in order.
    for q in &r.records {
        assert!(q.first_token.unwrap() >= q.arrival);
        assert!(q.finish.unwrap() >= q.first_token.unwrap());
    }
}

#[test]
fn a_request_that_never_fits_is_left_out_with_a_warning() {
    let mut i = input(1.0, 3);
    i.gpu_memory_utilization = 0.18;
    i.scenario.prompt = 4000;
    i.scenario.output = 90;
    let r = simulate(&i);
    assert!(r.kv_blocks_total < 4090 / 16, "{}", r.kv_blocks_total);
    assert_eq!(r.finished, 0);
    assert!(
        r.warnings.iter().any(|w| w.contains("never fit")),
        "{:?}",
        r.warnings
    );
}

/// Llama-2-7B's 32 layers × the calibrated overhead per layer (60 µs), plus the one sequence of
/// a step that holds one request × the overhead per sequence (20 µs): its step overhead.
fn step_overhead() -> f64 {
    32.0 * Efficiency::CALIBRATED.layer_overhead.get()
        + Efficiency::CALIBRATED.sequence_overhead.get()
}

/// One request at a time, so every step holds one request only.
fn alone(requests: u32) -> ServeInput {
    let mut i = input(1.0, requests);
    i.arrivals = Arrivals::Closed { clients: 1 };
    i
}

/// Prefill steps of Llama-2-7B on the A100 are compute-bound from a few hundred tokens
/// (2 × 6.7 G FLOPs per token at 45% of 312 TFLOP/s ≈ 96 µs a token, against 13.5 GB of
/// weights at 80% of 2.04 TB/s ≈ 8.3 ms a step), so a step's time is its compute time over
/// the efficiency plus the step overhead, and compute times add.
#[test]
fn chunked_prefill_costs_the_whole_prefill_plus_an_overhead_per_extra_step() {
    let mut i = alone(5);
    i.max_batch_tokens = 512;
    let r = simulate(&i);
    // 2048 tokens in four chunks of 512: the chunks' compute sums to the whole prompt's
    // (causal attention included), and three more steps pay the per-layer overhead.
    let whole = evaluate(&scenario(2048, 128)).calibrated.ttft.get();
    for q in &r.records {
        let ttft = q.ttft().unwrap();
        assert!(
            close(ttft, whole + 3.0 * step_overhead(), 1e-9),
            "{ttft} vs {whole} + 3 step overheads"
        );
    }
}

#[test]
fn prefix_cache_skips_whole_blocks_and_the_rest_attends_to_them() {
    let mut i = alone(5);
    i.prefix_share = 0.5;
    let r = simulate(&i);
    // floor(2048 × 0.5 / 16) × 16 = 1024 tokens cached.
    assert!(r.records.iter().all(|q| q.cached == 1024));
    // The step computes tokens 1025–2048 against the first 1024: the compute of a 2048-token
    // prefill minus that of a 1024-token one (each static TTFT less its step overhead), plus
    // the LM head on the last token, which both static prefills hold once and the difference
    // drops: 2 × 32000 × 4096 FLOPs at 45% (calibrated) of the A100's 312 TFLOP/s FP16.
    let t2048 = evaluate(&scenario(2048, 128)).calibrated.ttft.get();
    let t1024 = evaluate(&scenario(1024, 128)).calibrated.ttft.get();
    let peak = catalog::gpu("a100-80gb-sxm").unwrap().fp16.get();
    assert_eq!(peak, 312e12);
    let head = 2.0 * 32000.0 * 4096.0 / (Efficiency::CALIBRATED.compute * peak);
    let expected = (t2048 - step_overhead()) - (t1024 - step_overhead()) + head + step_overhead();
    for q in &r.records {
        let ttft = q.ttft().unwrap();
        assert!(close(ttft, expected, 1e-9), "{ttft} vs {expected}");
    }
    assert!(expected < t2048 && expected > t1024);
}

#[test]
fn trace_text_reads_with_comments_blank_lines_and_commas() {
    let t = parse_trace(
        "# arrival prompt output\n\n0.5 100 20\n0.0,  200, 10  # first\n\t1.25\t50\t5\n",
    )
    .unwrap();
    assert_eq!(
        t,
        vec![
            TraceRequest {
                arrival: 0.0,
                prompt: 200,
                output: 10
            },
            TraceRequest {
                arrival: 0.5,
                prompt: 100,
                output: 20
            },
            TraceRequest {
                arrival: 1.25,
                prompt: 50,
                output: 5
            },
        ]
    );
    let mut i = input(1.0, 1);
    i.arrivals = Arrivals::Trace(t);
    let r = simulate(&i);
    assert_eq!(r.finished, 3);
    assert_eq!(r.records[1].arrival, 0.5);
    assert_eq!(r.records[1].output, 20);
}

#[test]
fn trace_errors_name_the_line_and_field() {
    let msg = |t: &str| parse_trace(t).unwrap_err().to_string();
    assert_eq!(
        msg(""),
        "trace: no request in it (one per line: arrival seconds, prompt tokens, output tokens)"
    );
    assert_eq!(
        msg("# only a comment\n\n"),
        "trace: no request in it (one per line: arrival seconds, prompt tokens, output tokens)"
    );
    assert_eq!(
        msg("0 10 10\n1.0 abc 5"),
        "trace line 2: prompt: \u{201c}abc\u{201d} is not a whole number of tokens"
    );
    assert_eq!(
        msg("x 10 10"),
        "trace line 1: arrival: \u{201c}x\u{201d} is not a number of seconds"
    );
    assert_eq!(
        msg("-1 10 10"),
        "trace line 1: arrival: -1 is not a time of at least 0 s"
    );
    assert_eq!(msg("1 10 0"), "trace line 1: output: 0 tokens (at least 1)");
    assert_eq!(
        msg("1 10"),
        "trace line 1: trace: expected 3 fields (arrival seconds, prompt tokens, output tokens), found 2"
    );
    assert_eq!(
        msg("inf 1 1"),
        "trace line 1: arrival: inf is not a time of at least 0 s"
    );
}

#[test]
fn length_specs_read_and_refuse_by_name() {
    assert_eq!(parse_lengths("fixed"), Ok(Lengths::Fixed));
    assert_eq!(
        parse_lengths("uniform:10:20"),
        Ok(Lengths::Uniform { lo: 10, hi: 20 })
    );
    assert_eq!(
        parse_lengths("lognormal:500:0.6"),
        Ok(Lengths::LogNormal {
            mean: 500.0,
            spread: 0.6
        })
    );
    assert_eq!(
        parse_lengths("uniform:10:x"),
        Err("\u{201c}x\u{201d} is not a whole number of tokens".into())
    );
    assert!(parse_lengths("normal:1:2")
        .unwrap_err()
        .contains("normal:1:2"));
}

fn fields(i: &ServeInput) -> Vec<&'static str> {
    check(i).1.iter().map(|p| p.field).collect()
}

#[test]
fn bad_input_is_a_named_problem_with_a_default_and_no_panic() {
    let good = input(1.0, 10);
    assert!(fields(&good).is_empty());
    type Set = Box<dyn Fn(&mut ServeInput)>;
    let cases: Vec<(&str, Set)> = vec![
        (
            "rate",
            Box::new(|i| i.arrivals = Arrivals::Poisson { rate: -1.0 }),
        ),
        (
            "rate",
            Box::new(|i| i.arrivals = Arrivals::Poisson { rate: f64::NAN }),
        ),
        (
            "rate",
            Box::new(|i| i.arrivals = Arrivals::Poisson { rate: 1e300 }),
        ),
        (
            "rate",
            Box::new(|i| i.arrivals = Arrivals::Poisson { rate: 1e-300 }),
        ),
        (
            "clients",
            Box::new(|i| i.arrivals = Arrivals::Closed { clients: 0 }),
        ),
        ("trace", Box::new(|i| i.arrivals = Arrivals::Trace(vec![]))),
        (
            "trace",
            Box::new(|i| {
                i.arrivals = Arrivals::Trace(vec![TraceRequest {
                    arrival: 0.0,
                    prompt: 4000,
                    output: 4000,
                }])
            }),
        ),
        ("requests", Box::new(|i| i.requests = 0)),
        ("requests", Box::new(|i| i.requests = u32::MAX)),
        (
            "prompt",
            Box::new(|i| {
                i.prompt = Lengths::Uniform {
                    lo: 10,
                    hi: 1_000_000,
                }
            }),
        ),
        (
            "prompt",
            Box::new(|i| i.prompt = Lengths::Uniform { lo: 0, hi: 10 }),
        ),
        (
            "output",
            Box::new(|i| i.output = Lengths::Uniform { lo: 20, hi: 10 }),
        ),
        (
            "output",
            Box::new(|i| {
                i.output = Lengths::LogNormal {
                    mean: f64::INFINITY,
                    spread: 1.0,
                }
            }),
        ),
        (
            "output",
            Box::new(|i| {
                i.output = Lengths::LogNormal {
                    mean: 100.0,
                    spread: -1.0,
                }
            }),
        ),
        ("prompt", Box::new(|i| i.scenario.prompt = 4000)),
        ("block_tokens", Box::new(|i| i.block_tokens = 0)),
        (
            "gpu_memory_utilization",
            Box::new(|i| i.gpu_memory_utilization = 0.0),
        ),
        (
            "gpu_memory_utilization",
            Box::new(|i| i.gpu_memory_utilization = 1.5),
        ),
        ("max_batch_tokens", Box::new(|i| i.max_batch_tokens = 0)),
        ("max_running", Box::new(|i| i.max_running = 0)),
        ("max_running", Box::new(|i| i.max_running = 1_000_000)),
        ("prefix_share", Box::new(|i| i.prefix_share = 2.0)),
        ("slo.ttft_s", Box::new(|i| i.slo.ttft_s = 0.0)),
        ("slo.tpot_s", Box::new(|i| i.slo.tpot_s = f64::NAN)),
    ];
    for (field, set) in cases {
        let mut i = good.clone();
        set(&mut i);
        let f = fields(&i);
        // One problem, or (a trace with no request left) a second saying what replaced it.
        assert!(
            !f.is_empty() && f.iter().all(|x| *x == field),
            "{:?}",
            check(&i).1
        );
        let p = &check(&i).1[0];
        assert!(p.message.starts_with(field), "{}", p.message);
        // The run goes ahead on the defaults and says what it replaced.
        let r = simulate(&i);
        assert!(
            r.warnings.iter().any(|w| w.starts_with(field)),
            "{:?}",
            r.warnings
        );
    }
    let mut i = good.clone();
    i.slo.ttft_s = 0.0;
    assert_eq!(
        check(&i).1[0].message,
        "slo.ttft_s: 0 s is not a positive time up to 1000000 s; using 2 s"
    );
    i.arrivals = Arrivals::Poisson { rate: -1.0 };
    assert_eq!(
        check(&i).1[0].message,
        "rate: -1 is not a positive number of requests per second; using 1"
    );
}

#[test]
fn absurd_input_stays_bounded() {
    // 20,000 requests of 4000 output tokens one at a time: 80 million steps asked for.
    let mut i = input(1e5, 20_000);
    i.scenario.prompt = 16;
    i.scenario.output = 4000;
    i.max_running = 1;
    let t = std::time::Instant::now();
    let r = simulate(&i);
    assert!(r.steps <= MAX_STEPS);
    assert!(
        r.warnings.iter().any(|w| w.contains("cut short")),
        "{:?}",
        r.warnings
    );
    assert!(r.finished < 20_000);
    assert!(t.elapsed().as_secs() < 60);
    // Every figure finite.
    for x in [
        r.ttft.p99,
        r.tpot.p99,
        r.e2e.p99,
        r.requests_per_s,
        r.in_system_mean,
    ] {
        assert!(x.is_finite());
    }
}

#[test]
fn sweep_and_capacity() {
    let mut i = input(1.0, 300);
    i.slo.ttft_s = 1.0;
    i.slo.tpot_s = 0.05;
    let pts = sweep(&i, &[0.5, 2.0, 8.0]);
    assert_eq!(pts.len(), 3);
    // More load, longer waits: p99 TTFT grows with the rate.
    assert!(pts[0].ttft.p99 <= pts[2].ttft.p99);
    let c = capacity(&i, Some(50.0), Some(2.0));
    let max = c.max_rate.expect("a light load meets 1 s TTFT");
    let at = c.at_max.clone().unwrap();
    assert!(at.meets_slo && at.ttft.p99 <= 1.0 && at.tpot.p99 <= 0.05);
    assert_eq!(c.replicas, Some((50.0 / max).ceil() as u64));
    // $2 per GPU-hour over one GPU's output tokens per second, per million tokens.
    let cost = 2.0 / 3600.0 / at.output_tokens_per_s * 1e6;
    assert!(close(
        c.cost_per_million_output_tokens.unwrap(),
        cost,
        1e-12
    ));
    assert!(close(
        c.output_tokens_per_gpu_s.unwrap(),
        at.output_tokens_per_s,
        1e-12
    ));
    // The same search a probe at a time (as a page runs it in slices), with its progress.
    let mut search = CapacitySearch::new(&i);
    let mut progress = vec![search.progress()];
    while let Some(rate) = search.next_load() {
        assert!(search.step());
        assert_eq!(search.probes.last().unwrap().rate, rate);
        assert_eq!(search.probes.last().unwrap().load, rate);
        progress.push(search.progress());
    }
    assert!(!search.step());
    assert!(progress.windows(2).all(|w| w[0] <= w[1]) && progress[progress.len() - 1] == 1.0);
    assert_eq!(search.probes.len() as u32, c.runs);
    assert_eq!(search.finish(Some(50.0), Some(2.0)), c);
    // An SLO below the batch-1 prefill cannot be met at any rate.
    i.slo.ttft_s = 1e-4;
    let none = capacity(&i, Some(50.0), None);
    assert_eq!(none.max_rate, None);
    assert_eq!(none.replicas, None);
    assert!(!none.warnings.is_empty());
}

#[test]
fn poisson_load_levels_span_light_load_to_past_saturation() {
    let i = input(1.0, 100);
    let s = scenario(2048, 128);
    let largest = evaluate(&s).max_batch.min(256);
    // Saturation: the static throughput at the largest batch over 128 tokens a request.
    let sat = evaluate(&Scenario {
        batch: largest,
        ..s
    })
    .calibrated
    .throughput
        / 128.0;
    let r = load_levels(&i, 9);
    assert_eq!(r.len(), 9);
    assert!(close(r[0], 0.05 * sat, 1e-9) && close(r[8], 1.2 * sat, 1e-9));
    assert!(r.windows(2).all(|w| w[0] < w[1]));
    // Evenly spaced on a log scale.
    assert!(close(r[1] / r[0], r[8] / r[7], 1e-9));
}

/// The static saturation batch of the seed input: the largest batch that fits at 2048 + 128,
/// capped by vLLM's 256 running.
fn largest_batch() -> u32 {
    evaluate(&scenario(2048, 128)).max_batch.min(256)
}

#[test]
fn a_closed_loop_curve_sweeps_the_clients() {
    let mut i = input(1.0, 300);
    i.arrivals = Arrivals::Closed { clients: 8 };
    let levels = load_levels(&i, 8);
    // Whole clients from 1 to 125% of the largest batch, increasing.
    let hi = (1.25 * largest_batch() as f64).ceil();
    assert_eq!(levels.first(), Some(&1.0));
    assert_eq!(levels.last(), Some(&hi));
    assert!(levels.iter().all(|c| c.fract() == 0.0), "{levels:?}");
    assert!(levels.windows(2).all(|w| w[0] < w[1]), "{levels:?}");
    let pts = sweep(&i, &levels[..3]);
    for p in &pts {
        assert_eq!(p.axis, LoadAxis::Clients);
        // A closed loop's rate is what its clients drive, measured.
        assert_eq!(p.rate, p.requests_per_s);
        // Little's law with every client always waiting on one request: clients = rate ×
        // latency (within the last requests' drain, when fewer clients remain).
        assert!(
            close(p.rate * p.e2e.mean, p.load, 0.05),
            "{} clients: rate {} × latency {}",
            p.load,
            p.rate,
            p.e2e.mean
        );
    }
    // More clients, more requests per second (well below the batch limit).
    assert!(pts[0].rate < pts[1].rate && pts[1].rate < pts[2].rate);
    // A rounded load is the clients simulated.
    assert_eq!(load_point(&i, 2.4).load, 2.0);
}

#[test]
fn closed_loop_capacity_is_the_most_clients_meeting_the_slos() {
    let mut i = input(1.0, 300);
    i.arrivals = Arrivals::Closed { clients: 8 };
    i.slo.ttft_s = 1.0;
    let c = capacity(&i, Some(30.0), None);
    assert_eq!(c.axis, LoadAxis::Clients);
    let most = c
        .max_load
        .expect("one client meets a 1 s TTFT at 2048 tokens");
    assert_eq!(most.fract(), 0.0);
    let at = c.at_max.clone().unwrap();
    assert!(at.meets_slo && at.load == most);
    assert_eq!(c.max_rate, Some(at.requests_per_s));
    // One more client misses: the bracket is one client wide.
    assert!(!load_point(&i, most + 1.0).meets_slo);
    assert_eq!(c.replicas, Some((30.0 / at.requests_per_s).ceil() as u64));
    // The search probes whole clients only and never a Poisson rate.
    let mut search = CapacitySearch::new(&i);
    while search.step() {}
    assert!(search
        .probes
        .iter()
        .all(|p| p.axis == LoadAxis::Clients && p.load.fract() == 0.0));
    assert!(search.warnings.is_empty(), "{:?}", search.warnings);
}

/// 200 requests every 0.5 s: 2 requests per second.
fn even_trace() -> Vec<TraceRequest> {
    (0..200)
        .map(|k| TraceRequest {
            arrival: 0.5 * k as f64,
            prompt: 2048,
            output: 128,
        })
        .collect()
}

#[test]
fn a_trace_curve_replays_it_faster_or_slower() {
    let mut i = input(1.0, 100);
    i.arrivals = Arrivals::Trace(even_trace());
    assert_eq!(trace_rate(&even_trace()), Some(2.0));
    assert_eq!(LoadAxis::of(&i.arrivals), LoadAxis::TraceSpeed);
    // ×4: the same requests at a quarter of their times.
    match &with_load(&i, 4.0).arrivals {
        Arrivals::Trace(t) => {
            assert_eq!(t.len(), 200);
            assert_eq!(t[10].arrival, 5.0 / 4.0);
            assert_eq!((t[10].prompt, t[10].output), (2048, 128));
        }
        a => panic!("{a:?}"),
    }
    // The speeds put the trace's rate at the Poisson rates (the same saturation: the
    // trace's lengths are the scenario's).
    let mut poisson = input(1.0, 100);
    poisson.arrivals = Arrivals::Poisson { rate: 1.0 };
    let rates = load_levels(&poisson, 5);
    let speeds = load_levels(&i, 5);
    for (s, r) in speeds.iter().zip(&rates) {
        assert!(close(s * 2.0, *r, 1e-12), "{s} × 2 vs {r}");
    }
    let p = load_point(&i, 3.0);
    assert_eq!((p.axis, p.load, p.rate), (LoadAxis::TraceSpeed, 3.0, 6.0));
    // Past saturation the queue grows: the fastest replay waits longest.
    let pts = sweep(&i, &[speeds[0], speeds[4]]);
    assert!(pts[0].ttft.p99 < pts[1].ttft.p99);
    let c = capacity(&i, None, None);
    let m = c.max_load.expect("a slow replay meets 2 s TTFT");
    assert!(close(c.max_rate.unwrap(), 2.0 * m, 1e-12));
}

#[test]
fn a_trace_arriving_at_once_is_one_point_as_given() {
    let mut i = input(1.0, 100);
    let burst: Vec<TraceRequest> = even_trace()
        .into_iter()
        .take(20)
        .map(|r| TraceRequest { arrival: 3.0, ..r })
        .collect();
    assert_eq!(trace_rate(&burst), None);
    i.arrivals = Arrivals::Trace(burst);
    assert_eq!(LoadAxis::of(&i.arrivals), LoadAxis::TraceAsGiven);
    assert_eq!(load_levels(&i, 8), vec![1.0]);
    let c = capacity(&i, None, None);
    assert_eq!(c.runs, 1);
    assert_eq!(with_load(&i, 5.0), i);
}

/// The seed's Llama-2-7B on one A100, drafted by Llama-3.2-1B (k = 4, α = 0.7), from a link.
fn speculative(rate: f64, requests: u32) -> ServeInput {
    let (spec, problems) = ridgepoint::Spec::from_query("draft=llama-3.2-1b&k=4&acc=70");
    assert!(problems.is_empty(), "{problems:?}");
    let s = spec.scenario();
    assert!(s.speculative.is_some());
    let mut i = ServeInput::new(s);
    i.arrivals = Arrivals::Poisson { rate };
    i.requests = requests;
    i
}

#[test]
fn low_rate_speculative_tpot_is_the_static_speculative_tpot() {
    let i = speculative(0.01, 200);
    let mut s = i.scenario.clone();
    s.batch = 1;
    let e = evaluate(&s);
    let sp = e.speculative.expect("the estimate speculates");
    // (1 − 0.7⁵) / (1 − 0.7) tokens per step.
    assert!(close(
        sp.tokens_per_step,
        (1.0 - 0.7f64.powi(5)) / 0.3,
        1e-12
    ));
    let r = simulate(&i);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.finished, 200);
    let want = e.calibrated.tpot.get();
    assert!(
        close(r.tpot.p50, want, 0.03),
        "TPOT p50 {} vs static speculative {}",
        r.tpot.p50,
        want
    );
    // Speculation pays: well under the plain decode step.
    let mut plain_input = i.clone();
    plain_input.scenario.speculative = None;
    let plain = simulate(&plain_input);
    assert!(
        r.tpot.p50 < 0.75 * plain.tpot.p50,
        "{} vs {}",
        r.tpot.p50,
        plain.tpot.p50
    );
    // TTFT is the target's prefill alone, as in the static estimate.
    assert!(close(r.ttft.p50, plain.ttft.p50, 1e-9));
    // Acceptance is drawn per step: requests differ, and the same seed repeats them.
    assert!(r.tpot.p99 > r.tpot.p50 * 1.02, "{:?}", r.tpot);
    assert_eq!(simulate(&i), r);
    let mut other = i.clone();
    other.seed = 2;
    assert_ne!(simulate(&other).tpot, r.tpot);
    // The step's derivation names the drafts, and the expected tokens per step are shown.
    let d = r.derivation("serve.step_time").unwrap();
    assert!(d.render().contains("k × t_draft"), "{}", d.render());
    let tokens = r.derivation("serve.spec_tokens").unwrap();
    assert!(close(tokens.value, sp.tokens_per_step, 1e-12));
}

#[test]
fn speculation_at_load_takes_k_plus_1_tokens_and_slots_per_sequence() {
    // Under load: every request still finishes, the KV pool is never overdrawn and
    // throughput beats plain decoding at the same rate.
    let i = speculative(4.0, 300);
    let r = simulate(&i);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.finished, 300);
    assert!(r.timeline.iter().all(|s| s.kv_blocks <= r.kv_blocks_total));
    let mut plain = i.clone();
    plain.scenario.speculative = None;
    let p = simulate(&plain);
    assert!(r.tpot.p50 < p.tpot.p50);
    // A token budget of one cannot verify a draft: plain decoding, said so.
    let mut tight = speculative(0.5, 20);
    tight.max_batch_tokens = 1;
    let t = simulate(&tight);
    assert!(t
        .warnings
        .iter()
        .any(|w| w.contains("needs at least 2 tokens per step")));
    assert_eq!(t.finished, 20);
}

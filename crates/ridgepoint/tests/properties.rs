//! Properties over the real input space: every catalog GPU; catalog models and random valid
//! shapes (GQA, MQA, MoE with shared experts and dense layers, MLA, sliding-window patterns,
//! tied or untied, learned positions); every precision in `Precision::ALL` for weights and KV;
//! batch, prompt and output drawn log-uniformly (short prompts as often as long ones); tensor
//! parallel degrees; speculative decoding; efficiencies anywhere in (0, 1].
//!
//! Each property can fail: the lower bounds on time are recomputed here from the phase's FLOPs
//! and bytes and the GPU's datasheet peak, not read back from the engine's roof times; the fit
//! searches are checked by evaluating one batch (or token) more; every derivation's formula is
//! evaluated with its substituted values and must give its stated result, which must be the
//! figure it explains.

use proptest::prelude::*;
use ridgepoint::config::check_model;
use ridgepoint::ops::{ops, Step};
use ridgepoint::series::series;
use ridgepoint::units::Seconds;
use ridgepoint::{
    catalog, estimate, evaluate, Derivation, Efficiency, Estimate, Group, GroupFormats, Mla, Mlp,
    Model, Moe, Precision, Scenario, Speculative,
};

/// An integer in [lo, hi] drawn log-uniformly.
fn log_uniform(lo: u32, hi: u32) -> impl Strategy<Value = u32> {
    ((lo as f64).ln()..=(hi as f64).ln()).prop_map(move |x| (x.exp().round() as u32).clamp(lo, hi))
}

fn pick<T: Clone + std::fmt::Debug + 'static>(v: Vec<T>) -> impl Strategy<Value = T> {
    prop::sample::select(v)
}

/// A random transformer shape that `check_model` accepts.
fn random_shape() -> impl Strategy<Value = Model> {
    let attention = (
        pick(vec![1u64, 2, 4, 8, 12, 16, 32, 40, 64, 96, 128]), // heads
        0u32..8,                                                // log2 of the GQA group
        pick(vec![32u64, 64, 80, 96, 128, 192, 256]),           // head_dim
        any::<bool>(),                                          // hidden = heads × head_dim?
        log_uniform(64, 16384),                                 // hidden otherwise
    );
    let body = (
        log_uniform(1, 128),       // layers
        log_uniform(64, 65536),    // intermediate
        log_uniform(256, 262_144), // vocab
        any::<bool>(),             // tied
        any::<bool>(),             // qkv bias
        any::<bool>(),             // gated MLP
        pick(vec![0u64, 0, 2048]), // learned positions
    );
    let moe = prop::option::weighted(
        0.3,
        (
            log_uniform(2, 256),
            1u64..=8,
            0u64..=2,
            log_uniform(64, 16384),
            0u64..=3,
        ),
    );
    let mla = prop::option::weighted(
        0.15,
        (
            pick(vec![0u64, 512, 1536]),
            pick(vec![64u64, 256, 512]),
            pick(vec![32u64, 64, 128]),
            pick(vec![16u64, 64]),
            pick(vec![32u64, 128]),
        ),
    );
    // Sliding window: (window, fraction of layers using it: all, ~5 in 6, half, none).
    let window = prop::option::weighted(
        0.3,
        (
            log_uniform(16, 32768),
            pick(vec![1.0f64, 5.0 / 6.0, 0.5, 0.0]),
        ),
    );
    // Chunked attention (Llama 4: three layers in four), on the layers not sliding.
    let chunk = prop::option::weighted(0.2, (log_uniform(16, 16384), pick(vec![1.0f64, 0.75])));
    (attention, body, moe, mla, (window, chunk)).prop_map(
        |((heads, group, head_dim, square, hidden), body, moe, mla, (window, chunk))| {
            let (layers, intermediate, vocab, tied, qkv_bias, gated, positions) = body;
            let mut kv_heads = heads;
            for _ in 0..group {
                if kv_heads % 2 == 0 {
                    kv_heads /= 2;
                }
            }
            let hidden = if square {
                heads * head_dim
            } else {
                hidden as u64
            };
            let layers = layers as u64;
            let m = Model {
                id: "random".into(),
                name: "random shape".into(),
                hidden,
                intermediate: intermediate as u64,
                layers,
                heads,
                kv_heads,
                head_dim,
                vocab: vocab as u64,
                tied_embeddings: tied,
                qkv_bias,
                mlp: if gated { Mlp::Gated } else { Mlp::Plain },
                moe: moe.map(|(experts, active, shared, inter, dense)| {
                    let experts = experts as u64;
                    Moe {
                        experts,
                        active: active.min(experts),
                        shared,
                        expert_intermediate: inter as u64,
                        dense_layers: dense.min(layers),
                    }
                }),
                mla: mla.map(|(q, kv, nope, rope, v)| Mla {
                    q_lora_rank: q,
                    kv_lora_rank: kv,
                    qk_nope_head_dim: nope,
                    qk_rope_head_dim: rope,
                    v_head_dim: v,
                }),
                sliding_window: window
                    .map(|(w, share)| (w as u64, ((layers as f64) * share).round() as u64)),
                chunked: chunk.map(|(c, share)| {
                    let free =
                        layers - window.map_or(0, |(_, s)| ((layers as f64) * s).round() as u64);
                    (c as u64, ((free as f64) * share).floor() as u64)
                }),
                position_embeddings: positions,
                max_context: 1 << 20,
                source: "proptest".into(),
            };
            assert_eq!(
                check_model(&m),
                Ok(()),
                "generator made an invalid shape: {m:?}"
            );
            m
        },
    )
}

fn any_model() -> impl Strategy<Value = Model> {
    prop_oneof![pick(catalog::models()), random_shape()]
}

fn precision() -> impl Strategy<Value = Precision> {
    pick(Precision::ALL.to_vec())
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let workload = (
        log_uniform(1, 4096),    // batch
        log_uniform(1, 1 << 20), // prompt
        log_uniform(1, 1 << 20), // output
        pick(vec![1u32, 1, 2, 3, 4, 8, 16, 64]),
    );
    let efficiency = (
        0.05f64..=1.0,
        0.05f64..=1.0,
        pick(vec![0.0, 20e-6, 60e-6, 1e-3]),
    );
    let speculative = prop::option::weighted(
        0.25,
        (any_model(), 1u32..=8, pick(vec![0.0, 0.3, 0.7, 0.95, 1.0])),
    );
    // Tensor groups in formats of their own (gpt-oss: MXFP4 experts, BF16 elsewhere).
    let group = || prop::option::weighted(0.25, precision());
    let formats =
        (group(), group(), group(), group(), group()).prop_map(|(a, m, x, e, h)| GroupFormats {
            attention: a,
            mlp: m,
            experts: x,
            embedding: e,
            lm_head: h,
        });
    (
        pick(catalog::gpus()),
        any_model(),
        (precision(), formats),
        precision(),
        workload,
        efficiency,
        speculative,
        (
            1u32..=4,
            prop::sample::select(vec![1u32, 1, 2, 4, 8, 16, 32]),
        ),
    )
        .prop_map(
            |(
                gpu,
                model,
                (weights, formats),
                kv,
                (batch, prompt, output, gpus),
                (eb, ec, oh),
                sp,
                (pipeline, experts),
            )| {
                Scenario {
                    gpu,
                    model,
                    weights,
                    formats,
                    kv,
                    batch,
                    prompt,
                    output,
                    gpus,
                    efficiency: Efficiency {
                        bandwidth: eb,
                        compute: ec,
                        layer_overhead: Seconds(oh),
                        sequence_overhead: Seconds(0.0),
                    },
                    overhead: ridgepoint::scenario::DEFAULT_OVERHEAD,
                    speculative: sp.map(|(draft, tokens, acceptance)| Speculative {
                        draft,
                        tokens,
                        acceptance,
                    }),
                    parallel: ridgepoint::Parallel { pipeline, experts },
                    kv_budget: ridgepoint::profile::KvBudget::Remaining,
                }
            },
        )
}

fn finite_positive(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

/// Non-decreasing, allowing for rounding in sums of very different magnitudes.
fn not_less(after: f64, before: f64) -> bool {
    after >= before * (1.0 - 1e-12)
}

// ---------------------------------------------------------------------------------------------
// Evaluating a derivation's formula with its own substituted values.

#[derive(Debug)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(char),
}

fn tokenize(expr: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut chars = expr.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() || c == '.' {
            let mut s = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() || d == '.' {
                    s.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Tok::Num(s.parse().ok()?));
        } else if c.is_alphabetic() || c == '_' {
            let mut s = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    s.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Tok::Ident(s));
        } else {
            let op = match c {
                '×' | '*' => '*',
                '−' | '-' => '-',
                '+' | '/' | '(' | ')' | ',' | '^' => c,
                _ => return None, // ≤, words with symbols: not arithmetic
            };
            out.push(Tok::Op(op));
            chars.next();
        }
    }
    Some(out)
}

/// A recursive-descent evaluator for `+ − × / ^`, parentheses, `max`, `min`, `ceil`, numbers
/// and the derivation's term symbols. `None` when the formula is not plain arithmetic (it names
/// something that is not a term, like "largest B with …").
struct Eval<'a> {
    toks: &'a [Tok],
    pos: usize,
    d: &'a Derivation,
}

impl Eval<'_> {
    fn peek_op(&self) -> Option<char> {
        match self.toks.get(self.pos) {
            Some(Tok::Op(c)) => Some(*c),
            _ => None,
        }
    }
    fn expect(&mut self, c: char) -> Option<()> {
        (self.peek_op() == Some(c)).then(|| self.pos += 1)
    }
    fn sum(&mut self) -> Option<f64> {
        let mut v = self.product()?;
        while let Some(op @ ('+' | '-')) = self.peek_op() {
            self.pos += 1;
            let r = self.product()?;
            v = if op == '+' { v + r } else { v - r };
        }
        Some(v)
    }
    fn product(&mut self) -> Option<f64> {
        let mut v = self.power()?;
        while let Some(op @ ('*' | '/')) = self.peek_op() {
            self.pos += 1;
            let r = self.power()?;
            v = if op == '*' { v * r } else { v / r };
        }
        Some(v)
    }
    fn power(&mut self) -> Option<f64> {
        let base = self.atom()?;
        if self.expect('^').is_some() {
            return Some(base.powf(self.atom()?));
        }
        Some(base)
    }
    fn atom(&mut self) -> Option<f64> {
        match self.toks.get(self.pos)? {
            Tok::Num(n) => {
                self.pos += 1;
                Some(*n)
            }
            Tok::Op('(') => {
                self.pos += 1;
                let v = self.sum()?;
                self.expect(')')?;
                Some(v)
            }
            Tok::Ident(name) => {
                self.pos += 1;
                if let Some(t) = self.d.terms.iter().find(|t| t.symbol == name) {
                    return Some(t.value);
                }
                let f: fn(Vec<f64>) -> f64 = match name.as_str() {
                    "max" => |a| a.into_iter().fold(f64::NEG_INFINITY, f64::max),
                    "min" => |a| a.into_iter().fold(f64::INFINITY, f64::min),
                    "ceil" => |a| a[0].ceil(),
                    _ => return None,
                };
                self.expect('(')?;
                let mut args = vec![self.sum()?];
                while self.expect(',').is_some() {
                    args.push(self.sum()?);
                }
                self.expect(')')?;
                Some(f(args))
            }
            Tok::Op(_) => None,
        }
    }
}

/// The formula of `d` evaluated with its terms, if it is plain arithmetic over them.
fn evaluate_formula(d: &Derivation) -> Option<f64> {
    let toks = tokenize(d.expr)?;
    let mut e = Eval {
        toks: &toks,
        pos: 0,
        d,
    };
    let v = e.sum()?;
    (e.pos == toks.len()).then_some(v)
}

/// The estimate's figure each derivation explains, by key.
fn figure(e: &Estimate, key: &str) -> Option<f64> {
    Some(match key {
        "params" => e.params.total,
        "memory.weights_bytes" => e.weights.get(),
        "kv_per_token" => e.kv_per_token.get(),
        "memory.kv_cache_bytes" => e.memory.kv_cache.get(),
        "memory.activations_bytes" => e.memory.activations.get(),
        "memory.total_bytes" => e.memory.total.get(),
        "max_batch" => e.max_batch as f64,
        "ridge_flop_per_byte" => e.ridge.get(),
        "decode.intensity" => e.decode.intensity.get(),
        "decode.memory_time" => e.decode.memory_time.get(),
        "decode.compute_time" => e.decode.compute_time.get(),
        "tpot_floor_s" => e.floor.tpot.get(),
        "tpot_s" => e.calibrated.tpot.get(),
        "prefill.intensity" => e.prefill.intensity.get(),
        "ttft_floor_s" => e.floor.ttft.get(),
        "ttft_s" => e.calibrated.ttft.get(),
        "request_latency_s" => e.calibrated.request_latency.get(),
        "throughput_tokens_per_s" => e.calibrated.throughput,
        "decode_throughput_tokens_per_s" => e.calibrated.decode_throughput,
        "decode_throughput_floor_tokens_per_s" => e.floor.decode_throughput,
        "max_context" => e.longest_context().0 as f64,
        "kv_crossover_batch" => e.kv_crossover_batch? as f64,
        "knee_batch" => e.knee.batch,
        "tp.comm_s" => e.decode.comm_time.get(),
        "memory.weights_per_gpu" => e.memory.weights.get(),
        "parallel.all_reduce_s" => e.parallel.all_reduce.get(),
        "parallel.stage_comm_s" => e.parallel.stage_comm.get(),
        "parallel.expert_imbalance" => e.parallel.expert_imbalance,
        "spec.tokens_per_step" => e.speculative?.tokens_per_step,
        _ => return None,
    })
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn every_figure_is_finite_and_every_derivation_checks_out(s in scenario()) {
        let e = estimate(&s);
        for v in [
            e.ridge.get(), e.weights.get(), e.kv_per_token.get(),
            e.decode.intensity.get(), e.decode.time.get(), e.decode.calibrated_time.get(),
            e.prefill.intensity.get(), e.prefill.time.get(), e.prefill.calibrated_time.get(),
            e.memory.total.get(), e.floor.ttft.get(), e.floor.tpot.get(),
            e.calibrated.ttft.get(), e.calibrated.tpot.get(), e.calibrated.request_latency.get(),
            e.calibrated.throughput, e.floor.throughput, e.knee.batch,
        ] {
            prop_assert!(finite_positive(v), "{v} in {:?}", s.model.id);
        }
        let mut evaluated = 0;
        for d in &e.derivations {
            prop_assert!(d.value.is_finite(), "{}", d.key);
            let text = d.render();
            prop_assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
            let shown = figure(&e, d.key);
            prop_assert!(shown.is_some(), "derivation {} explains no known figure", d.key);
            prop_assert!(close(d.value, shown.unwrap()), "{}: {} vs figure {:?}", d.key, d.value, shown);
            for t in &d.terms {
                prop_assert!(t.value.is_finite(), "{}: term {} = {}", d.key, t.symbol, t.value);
            }
            if let Some(v) = evaluate_formula(d) {
                evaluated += 1;
                let ok = close(v, d.value) || (v - d.value).abs() <= 1e-6 * d.value.abs();
                prop_assert!(ok, "{}: formula gives {v}, result says {}\n{text}", d.key, d.value);
            }
        }
        // Most formulas are plain arithmetic; a parser that gave up on all would prove nothing.
        prop_assert!(evaluated >= 14, "only {evaluated} derivations evaluated");
    }

    #[test]
    fn time_is_at_least_each_roof_at_the_chosen_efficiencies(s in scenario()) {
        let e = evaluate(&s);
        // Each group's matmuls run in a format the GPU has, or FP16 (dequantized); no step
        // computes faster than the fastest of those peaks.
        let mut peak: f64 = 0.0;
        for g in Group::ALL {
            let compute = s.gpu.compute_precision(s.format(g));
            prop_assert!(s.gpu.peak(compute).is_some() || compute == Precision::Fp16);
            peak = peak.max(s.gpu.peak(compute).unwrap_or(s.gpu.fp16).get());
        }
        prop_assert!(e.peak.get() <= peak);
        if s.formats.is_uniform() {
            let compute = s.gpu.compute_precision(s.weights);
            prop_assert_eq!(e.peak.get(), s.gpu.peak(compute).unwrap_or(s.gpu.fp16).get());
        }
        let bw = s.gpu.bandwidth.get();
        let (eb, ec) = (s.efficiency.bandwidth, s.efficiency.compute);
        let n = s.tp() as f64;
        // Data-parallel attention groups and pipeline microbatches each take their share of
        // the tokens.
        let shares = n * s.dp() * e.parallel.microbatches;
        // Each GPU multiplies at least its share of the weights a token uses, per token, and
        // reads at least its share of the weights the step reaches.
        let p = s.model.params();
        let body = p.attention + p.mlp_active; // per token, excluding the LM head
        for (phase, tokens) in [(e.decode, s.batch as f64), (e.prefill, s.batch as f64 * s.prompt as f64)] {
            prop_assert!(phase.flops.get() >= 2.0 * body * tokens / shares * (1.0 - 1e-12));
            let attention_and_head = p.attention * s.format(Group::Attention).bytes()
                + p.lm_head * s.format(Group::LmHead).bytes();
            prop_assert!(phase.bytes.get() >= attention_and_head / n * (1.0 - 1e-12));
            let t_c = phase.flops.get() / peak;
            let t_m = phase.bytes.get() / bw;
            prop_assert!(not_less(phase.time.get(), t_c.max(t_m)));
            prop_assert!(not_less(phase.calibrated_time.get(), (t_c / ec).max(t_m / eb)));
            prop_assert!(not_less(phase.calibrated_time.get(), phase.time.get()));
        }
        prop_assert!(not_less(e.calibrated.ttft.get(), e.floor.ttft.get()));
        prop_assert!(not_less(e.calibrated.tpot.get(), e.floor.tpot.get()));
        if s.speculative.is_none() {
            prop_assert!(not_less(e.floor.tpot.get(), e.decode.memory_time.get().max(e.decode.compute_time.get())));
        }
    }

    #[test]
    fn more_batch_or_context_never_costs_less(s in scenario(), extra in log_uniform(1, 1024)) {
        let e = evaluate(&s);
        let mut b = s.clone();
        b.batch = s.batch + extra;
        let eb = evaluate(&b);
        for (after, before) in [
            (eb.decode.time.get(), e.decode.time.get()),
            (eb.decode.calibrated_time.get(), e.decode.calibrated_time.get()),
            (eb.prefill.time.get(), e.prefill.time.get()),
            (eb.calibrated.ttft.get(), e.calibrated.ttft.get()),
            (eb.memory.total.get(), e.memory.total.get()),
            // Batching never lowers throughput: every time term is affine (or concave, for MoE
            // expert reads) in the batch with a non-negative fixed part.
            (eb.floor.throughput, e.floor.throughput),
            (eb.calibrated.throughput, e.calibrated.throughput),
        ] {
            prop_assert!(not_less(after, before), "batch {} → {}: {before} → {after}", s.batch, b.batch);
        }
        prop_assert!(eb.max_batch == e.max_batch, "max batch depends on lengths, not batch");
        let mut c = s.clone();
        c.prompt = s.prompt.saturating_add(extra).min(1 << 21);
        let ec = evaluate(&c);
        for (after, before) in [
            (ec.decode.time.get(), e.decode.time.get()),
            (ec.calibrated.tpot.get(), e.calibrated.tpot.get()),
            (ec.calibrated.ttft.get(), e.calibrated.ttft.get()),
            (ec.memory.kv_cache.get(), e.memory.kv_cache.get()),
            (ec.memory.total.get(), e.memory.total.get()),
            (e.max_batch as f64, ec.max_batch as f64),
            (e.floor.throughput, ec.floor.throughput),
        ] {
            prop_assert!(not_less(after, before), "prompt {} → {}: {before} → {after}", s.prompt, c.prompt);
        }
        let mut o = s.clone();
        o.output = s.output.saturating_add(extra).min(1 << 21);
        let eo = evaluate(&o);
        prop_assert!(not_less(eo.memory.total.get(), e.memory.total.get()));
        prop_assert!(not_less(eo.calibrated.request_latency.get(), e.calibrated.request_latency.get()));
    }

    #[test]
    fn the_largest_batch_fits_and_one_more_does_not(s in scenario()) {
        let e = evaluate(&s);
        prop_assert_eq!(e.memory.fits, e.max_batch >= s.batch);
        let at = |batch: u32| {
            let mut t = s.clone();
            t.batch = batch;
            evaluate(&t).memory
        };
        if e.max_batch == 0 {
            prop_assert!(!at(1).fits);
        } else if e.max_batch < 1 << 20 {
            prop_assert!(at(e.max_batch).fits, "max batch {} does not fit", e.max_batch);
            let over = at(e.max_batch + 1);
            prop_assert!(!over.fits, "max batch {} but {} fits ({} of {})",
                e.max_batch, e.max_batch + 1, over.total, over.capacity);
        }
    }

    #[test]
    fn the_longest_context_fits_and_one_token_more_does_not(s in scenario()) {
        let e = evaluate(&s);
        let mc = e.max_context;
        // When the prompt itself fits, grow the output: prompt + output = mc, then mc + 1.
        if mc > s.prompt as u64 && mc < 1 << 26 {
            let with = |total: u64| {
                let mut t = s.clone();
                t.output = (total - s.prompt as u64) as u32;
                evaluate(&t).memory
            };
            prop_assert!(with(mc).fits, "longest context {mc} does not fit");
            prop_assert!(!with(mc + 1).fits, "longest context {mc}, but {} fits", mc + 1);
        }
        if mc == 0 {
            prop_assert!(!e.memory.fits);
        }
        prop_assert!(e.memory.fits == (mc >= s.prompt as u64 + s.output as u64));
    }

    #[test]
    fn operations_add_up_to_the_step(s in scenario()) {
        // The breakdown is of one GPU in tensor parallel; pipeline stages and expert
        // parallelism are not broken down by operation.
        let s = Scenario { parallel: Default::default(), ..s };
        let e = evaluate(&s);
        let decode: f64 = ops(&s, Step::Decode).iter().map(|o| o.flops).sum();
        let prefill: f64 = ops(&s, Step::Prefill).iter().map(|o| o.flops).sum();
        prop_assert!((decode / e.decode.flops.get() - 1.0).abs() < 1e-9, "{decode} vs {}", e.decode.flops.get());
        prop_assert!((prefill / e.prefill.flops.get() - 1.0).abs() < 1e-9);
        for o in ops(&s, Step::Decode).iter().chain(ops(&s, Step::Prefill).iter()) {
            prop_assert!(finite_positive(o.intensity()), "{}", o.name);
        }
    }

    #[test]
    fn series_are_finite_and_monotone(s in scenario()) {
        let sr = series(&s);
        for w in sr.batch.windows(2) {
            prop_assert!(not_less(w[1].step_floor, w[0].step_floor));
            prop_assert!(w[1].throughput_floor >= w[0].throughput_floor * (1.0 - 1e-9));
            prop_assert!(w[1].total >= w[0].total);
        }
        for w in sr.prompt.windows(2) {
            prop_assert!(w[1].ttft_floor >= w[0].ttft_floor);
        }
        for p in &sr.batch {
            prop_assert!(finite_positive(p.throughput) && finite_positive(p.intensity));
        }
    }
}

#[test]
fn the_formula_evaluator_evaluates_and_refuses() {
    let e = estimate(&ridgepoint::Spec::default().scenario());
    let d = e.derivation("tpot_s").unwrap();
    assert!(close(evaluate_formula(d).unwrap(), d.value));
    // A wrong result is caught: the same formula against a doubled value.
    let mut wrong = d.clone();
    wrong.value *= 2.0;
    assert!(!close(evaluate_formula(&wrong).unwrap(), wrong.value));
    // "largest B with M(B) ≤ capacity" is not arithmetic.
    assert_eq!(evaluate_formula(e.derivation("max_batch").unwrap()), None);
}

#[test]
fn moe_reads_more_experts_as_the_batch_grows() {
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = catalog::model("mixtral-8x7b").unwrap();
    s.gpu = catalog::gpu("h100-sxm").unwrap();
    s.prompt = 1;
    s.output = 1;
    let bytes = |b| {
        let mut t = s.clone();
        t.batch = b;
        evaluate(&t).decode.bytes.get()
    };
    let p = s.model.params();
    // Batch 1 reads the active experts; a large batch reads them all.
    assert!((bytes(1) / (p.active - p.embedding) / 2.0 - 1.0).abs() < 0.01);
    assert!((bytes(512) / (p.total - p.embedding) / 2.0 - 1.0).abs() < 0.01);
}

#[test]
fn tensor_parallel_splits_the_kv_cache_by_whole_heads() {
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = catalog::model("llama-2-70b").unwrap();
    s.gpu = catalog::gpu("h100-sxm").unwrap();
    let one = evaluate(&s);
    s.gpus = 16;
    let sixteen = evaluate(&s);
    // 16 GPUs but 8 KV heads: every GPU keeps one whole head, an eighth of the cache.
    assert!((sixteen.memory.kv_cache.get() * 8.0 / one.memory.kv_cache.get() - 1.0).abs() < 1e-12);
    s.gpus = 3;
    let three = evaluate(&s);
    // 8 heads over 3 GPUs: the busiest holds ceil(8/3) = 3 heads, 3/8 of the cache.
    assert!((three.memory.kv_cache.get() / one.memory.kv_cache.get() - 3.0 / 8.0).abs() < 1e-12);
}

#[test]
fn mla_cache_is_replicated_across_ranks() {
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = catalog::model("deepseek-v3").unwrap();
    s.kv = Precision::Fp16;
    let e = evaluate(&s);
    s.gpus = 8;
    let e8 = evaluate(&s);
    assert_eq!(e8.memory.kv_cache.get(), e.memory.kv_cache.get());
}

#[test]
fn speculative_decoding_trades_draft_steps_for_accepted_tokens() {
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = catalog::model("llama-2-70b").unwrap();
    s.gpu = catalog::gpu("h100-sxm").unwrap();
    s.gpus = 2;
    let plain = evaluate(&s);
    s.speculative = Some(Speculative {
        draft: catalog::model("llama-2-7b").unwrap(),
        tokens: 4,
        acceptance: 0.8,
    });
    let spec = evaluate(&s);
    assert!(spec.calibrated.tpot.get() < plain.calibrated.tpot.get());
    s.speculative.as_mut().unwrap().acceptance = 0.0;
    let hopeless = evaluate(&s);
    assert!(hopeless.calibrated.tpot.get() > plain.calibrated.tpot.get());
}

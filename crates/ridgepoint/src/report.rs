//! The whole estimate as JSON: what `ridgepoint estimate --json` prints and the page's
//! "Estimate (JSON)" download writes.

use crate::estimate::{Estimate, KneeCause, Phase};
use crate::json::Json;
use crate::json_obj;
use crate::query::Spec;
use crate::scenario::Scenario;
use crate::units::{Seconds, Unit};

pub fn phase_json(p: &Phase) -> Json {
    json_obj! {
        "tokens" => p.tokens,
        "flops" => p.flops.get(),
        "bytes" => p.bytes.get(),
        "intensity" => p.intensity.get(),
        "compute_time_s" => p.compute_time.get(),
        "memory_time_s" => p.memory_time.get(),
        "comm_time_s" => p.comm_time.get(),
        "time_floor_s" => p.time.get(),
        "time_s" => p.calibrated_time.get(),
        "bound" => match p.bound {
            crate::Bound::Memory => "memory",
            crate::Bound::Compute => "compute",
        },
        "attained_flops_per_s" => p.attained.get(),
    }
    .into()
}

/// Every figure of `e`, the scenario it answers, and each derivation.
pub fn estimate_json(spec: &Spec, s: &Scenario, e: &Estimate) -> Json {
    let m = &e.memory;
    json_obj! {
        "scenario" => json_obj! {
            "gpu" => s.gpu.id.as_str(),
            "gpu_name" => s.gpu.name.as_str(),
            "model" => s.model.id.as_str(),
            "model_name" => s.model.name.as_str(),
            "weights" => s.weights.id(),
            "formats" => {
                let mut o = crate::json::obj();
                for g in crate::scenario::Group::ALL {
                    o = o.put(g.label(), s.format(g).id());
                }
                o
            },
            "kv" => s.kv.id(),
            "batch" => s.batch,
            "prompt" => s.prompt,
            "output" => s.output,
            "gpus" => s.gpus,
            "pp" => s.pp(),
            "ep" => s.ep(),
            "gpus_total" => s.total_gpus(),
            "query" => spec.to_query(),
        },
        "efficiency" => json_obj! {
            "bandwidth" => s.efficiency.bandwidth,
            "compute" => s.efficiency.compute,
            "layer_overhead_s" => s.efficiency.layer_overhead.get(),
            "sequence_overhead_s" => s.efficiency.sequence_overhead.get(),
        },
        "params" => json_obj! {
            "total" => e.params.total,
            "active" => e.params.active,
            "embedding" => e.params.embedding,
            "lm_head" => e.params.lm_head,
            "attention" => e.params.attention,
            "mlp_total" => e.params.mlp_total,
            "mlp_active" => e.params.mlp_active,
        },
        "compute_precision" => e.compute_precision.id(),
        "peak_flops_per_s" => e.peak.get(),
        "bandwidth_bytes_per_s" => e.bandwidth.get(),
        "ridge_flop_per_byte" => e.ridge.get(),
        "weights_all_gpus_bytes" => e.weights.get(),
        "kv_per_token_bytes" => e.kv_per_token.get(),
        "decode_context" => e.decode_context,
        "memory" => json_obj! {
            "weights_bytes" => m.weights.get(),
            "kv_cache_bytes" => m.kv_cache.get(),
            "activations_bytes" => m.activations.get(),
            "overhead_bytes" => m.overhead.get(),
            "total_bytes" => m.total.get(),
            "capacity_bytes" => m.capacity.get(),
            "fits" => m.fits,
        },
        "runs" => e.runs(),
        "would_not_run" => e.would_not_run(),
        "context_tokens" => e.context,
        "context_window_tokens" => e.context_window,
        "within_context_window" => e.within_window(),
        "max_batch" => e.max_batch,
        "max_context" => e.max_context,
        "longest_context" => e.longest_context().0,
        "longest_context_capped_by_window" => e.longest_context().1,
        "kv_crossover_batch" => e.kv_crossover_batch,
        "knee" => json_obj! {
            "batch" => e.knee.batch,
            "cause" => match e.knee.cause {
                KneeCause::Compute => "compute",
                KneeCause::KvCache => "kv_cache",
            },
            "within_max_batch" => e.knee_fits(),
        },
        "decode" => phase_json(&e.decode),
        "prefill" => phase_json(&e.prefill),
        "ttft_s" => e.calibrated.ttft.get(),
        "ttft_floor_s" => e.floor.ttft.get(),
        "tpot_s" => e.calibrated.tpot.get(),
        "tpot_floor_s" => e.floor.tpot.get(),
        "request_latency_s" => e.calibrated.request_latency.get(),
        "request_latency_floor_s" => e.floor.request_latency.get(),
        "throughput_tokens_per_s" => e.calibrated.throughput,
        "throughput_floor_tokens_per_s" => e.floor.throughput,
        "decode_throughput_tokens_per_s" => e.calibrated.decode_throughput,
        "decode_throughput_floor_tokens_per_s" => e.floor.decode_throughput,
        "warnings" => e.warnings.iter().map(|w| json_obj! {
            "field" => w.field,
            "message" => w.message.as_str(),
        }).collect::<Vec<_>>(),
        "speculative" => e.speculative.map(|sp| json_obj! {
            "tokens_per_step" => sp.tokens_per_step,
            "step_time_s" => sp.step_time.get(),
            "step_time_floor_s" => sp.step_time_floor.get(),
        }),
        "derivations" => e.derivations.iter().map(|d| json_obj! {
            "key" => d.key,
            "label" => d.label,
            "formula" => format!("{} = {}", d.symbol, d.expr),
            "substituted" => d.substituted(),
            "value" => d.value,
            "result" => d.result_text(),
        }).collect::<Vec<_>>(),
    }
    .into()
}

/// One line naming the scenario: model, GPUs, formats, batch and lengths.
pub fn scenario_line(s: &Scenario) -> String {
    format!(
        "{} on {} × {}{} — weights {}, KV {}; batch {} × ({} prompt + {} output tokens)",
        s.model.name,
        s.total_gpus(),
        s.gpu.name,
        s.parallel_label()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default(),
        s.weights_label(),
        s.kv.label(),
        s.batch,
        s.prompt,
        s.output
    )
}

/// The knee figure in words, agreeing with the largest batch: "batch 194 (decode turns
/// compute-bound)", or, when memory runs out first, "none within memory: …".
pub fn knee_text(e: &Estimate) -> String {
    if !e.knee_fits() {
        return if e.max_batch == 0 {
            format!(
                "none: not even batch 1 fits (the knee would be at batch {})",
                Unit::Count.format(e.knee.batch)
            )
        } else {
            format!(
                "not reached: memory runs out at batch {} first (the knee would be at batch {})",
                e.max_batch,
                Unit::Count.format(e.knee.batch)
            )
        };
    }
    format!(
        "batch {} ({})",
        Unit::Count.format(e.knee.batch),
        match e.knee.cause {
            KneeCause::Compute => "decode turns compute-bound",
            KneeCause::KvCache => "KV-cache reads outgrow the weight reads",
        }
    )
}

/// The longest context figure in words: "4,096 tokens (the model's context window; memory
/// allows 125,628)" or "125,628 tokens".
pub fn longest_context_text(e: &Estimate) -> String {
    match e.longest_context() {
        (n, true) => format!(
            "{} tokens (the model's context window; memory allows {})",
            Unit::Count.format(n as f64),
            Unit::Count.format(e.max_context as f64)
        ),
        (0, _) => "none: not even one token fits at this batch".to_string(),
        (n, false) => format!("{} tokens", Unit::Count.format(n as f64)),
    }
}

/// What `ridgepoint estimate` prints: memory, roofline and timing, each time saying "would
/// not run" when the scenario cannot, and the engine's warnings.
pub fn estimate_text(s: &Scenario, e: &Estimate) -> String {
    let m = &e.memory;
    let b = |v: f64| Unit::Bytes.format(v);
    let t = |v: f64| Unit::Seconds.format(v);
    let tps = |v: f64| Unit::TokensPerSec.format(v);
    let ai = |v: f64| Unit::FlopPerByte.format(v);
    let mut o = String::new();
    let mut line = |l: String| {
        o.push_str(&l);
        o.push('\n');
    };
    line(scenario_line(s));
    if let Some(w) = e.why_not() {
        line(format!("WOULD NOT RUN: {w}"));
    }
    for a in answers(s, e) {
        line(format!("  {}: {}", a.label, a.value));
    }
    for w in &e.warnings {
        line(format!("warning ({}): {}", w.field, w.message));
    }
    line(String::new());
    line(format!(
        "Memory per GPU{}",
        match s.parallel_label() {
            Some(l) => format!(" ({l})"),
            None if s.gpus > 1 => " (tensor parallel)".to_string(),
            None => String::new(),
        }
    ));
    line(format!("  weights            {:>10}", b(m.weights.get())));
    line(format!(
        "  KV cache           {:>10}   ({} sequence(s) × {} tokens)",
        b(m.kv_cache.get()),
        s.batch,
        e.context
    ));
    line(format!(
        "  activations        {:>10}",
        b(m.activations.get())
    ));
    line(format!("  runtime overhead   {:>10}", b(m.overhead.get())));
    line(format!(
        "  total              {:>10}   of {} — {}",
        b(m.total.get()),
        b(m.capacity.get()),
        if m.fits { "fits" } else { "DOES NOT FIT" }
    ));
    line(format!(
        "  context window: {} tokens; this scenario: {} tokens per sequence{}",
        Unit::Count.format(e.context_window as f64),
        Unit::Count.format(e.context as f64),
        if e.within_window() {
            ""
        } else {
            " — PAST THE WINDOW"
        }
    ));
    line(format!(
        "  largest batch that fits: {}; longest context at this batch: {}",
        e.max_batch,
        longest_context_text(e)
    ));
    line(match e.kv_crossover_batch {
        Some(k) => format!("  KV cache outweighs the weights from batch {k}"),
        None => "  KV cache never outweighs the weights".to_string(),
    });
    line(String::new());
    line("Roofline (per GPU)".to_string());
    line(format!(
        "  peak {} ({}), bandwidth {}, ridge {}",
        Unit::FlopsPerSec.format(e.peak.get()),
        e.compute_precision.label(),
        Unit::BytesPerSec.format(e.bandwidth.get()),
        ai(e.ridge.get())
    ));
    for (name, p) in [("decode ", &e.decode), ("prefill", &e.prefill)] {
        line(format!(
            "  {name}  intensity {:>14}  {:<13}  compute {:>9}  memory {:>9}  all-reduce {:>9}",
            ai(p.intensity.get()),
            p.bound.label(),
            t(p.compute_time.get()),
            t(p.memory_time.get()),
            t(p.comm_time.get())
        ));
    }
    line(format!("  throughput knee: {}", knee_text(e)));
    line(String::new());
    let eff = &s.efficiency;
    if let Some(w) = e.would_not_run() {
        line(format!("Timing: {w}"));
        line("  (the times below are what the same work would take if it ran)".to_string());
    }
    line(format!(
        "Timing                          {:>12}  {:>12}",
        "floor", "calibrated"
    ));
    let rows = [
        (
            "time to first token",
            t(e.floor.ttft.get()),
            t(e.calibrated.ttft.get()),
        ),
        (
            "time per output token",
            t(e.floor.tpot.get()),
            t(e.calibrated.tpot.get()),
        ),
        (
            "request latency",
            t(e.floor.request_latency.get()),
            t(e.calibrated.request_latency.get()),
        ),
        (
            "throughput with prefill",
            tps(e.floor.throughput),
            tps(e.calibrated.throughput),
        ),
        (
            "decode throughput",
            tps(e.floor.decode_throughput),
            tps(e.calibrated.decode_throughput),
        ),
    ];
    for (name, f, c) in rows {
        line(format!("  {name:<28}  {f:>12}  {c:>12}"));
    }
    line(format!(
        "  floor: 100% of peak; calibrated: bandwidth {:.0}%, compute {:.0}%, step overhead {}",
        eff.bandwidth * 100.0,
        eff.compute * 100.0,
        Seconds(eff.layer_overhead.get())
    ));
    line("  throughput with prefill: batch × output / request latency, all GPUs".to_string());
    line("  decode throughput: batch / time per output token, decode only, all GPUs".to_string());
    o
}

/// One line of the answer to a scenario: what it is, the value in words, whether it is good
/// news, and the derivation that explains it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// Stable id (`fit`, `bound`, `ttft`, `tpot`, `throughput`).
    pub id: &'static str,
    /// The derivation key that explains the value.
    pub key: &'static str,
    pub label: String,
    pub value: String,
    /// False when the scenario would not run (or, for `fit`, does not fit).
    pub ok: bool,
}

/// The scenario answered in five lines, the page's headline and the top of
/// [`estimate_text`]: fits or not (per GPU, with the largest batch and the context window),
/// the bound, time to first token, time per output token, throughput (with prefill, and decode
/// only). A time figure of a scenario that would not run says so instead of a number.
pub fn answers(s: &Scenario, e: &Estimate) -> Vec<Answer> {
    let m = &e.memory;
    let b = |v: f64| Unit::Bytes.format(v);
    let count = |v: f64| Unit::Count.format(v);
    let per_gpu = if s.total_gpus() > 1 {
        format!("per GPU (×{})", s.total_gpus())
    } else {
        "per GPU".to_string()
    };
    let window = if e.context_window > 0 {
        format!("context window {} tokens", count(e.context_window as f64))
    } else {
        "context window not known".to_string()
    };
    let (fit_label, fit_value) = if !m.fits {
        (
            "Does not fit",
            format!(
                "needs {} of {} {per_gpu} · largest batch {} · {window}",
                b(m.total.get()),
                b(m.capacity.get()),
                e.max_batch
            ),
        )
    } else if !e.within_window() {
        (
            "Too long",
            format!(
                "{} tokens per sequence, past the {window} · memory {} of {} {per_gpu}",
                count(e.context as f64),
                b(m.total.get()),
                b(m.capacity.get())
            ),
        )
    } else {
        (
            "Fits",
            format!(
                "{} of {} {per_gpu} · largest batch {} · {window}",
                b(m.total.get()),
                b(m.capacity.get()),
                e.max_batch
            ),
        )
    };
    let runs = e.runs();
    let not_run = e.would_not_run();
    let time = |v: String| not_run.clone().unwrap_or(v);
    vec![
        Answer {
            id: "fit",
            key: "memory.total_bytes",
            label: fit_label.to_string(),
            value: fit_value,
            ok: runs,
        },
        Answer {
            id: "bound",
            key: "decode.intensity",
            label: "Bound".to_string(),
            value: format!(
                "decode {} ({} vs ridge {}) · prefill {}",
                e.decode.bound.label(),
                crate::units::sig3(e.decode.intensity.get()),
                Unit::FlopPerByte.format(e.ridge.get()),
                e.prefill.bound.label()
            ),
            ok: true,
        },
        Answer {
            id: "ttft",
            key: "ttft_s",
            label: "Time to first token (calibrated)".to_string(),
            value: time(Unit::Seconds.format(e.calibrated.ttft.get())),
            ok: runs,
        },
        Answer {
            id: "tpot",
            key: "tpot_s",
            label: "Time per output token (calibrated)".to_string(),
            value: time(Unit::Seconds.format(e.calibrated.tpot.get())),
            ok: runs,
        },
        Answer {
            id: "throughput",
            key: "throughput_tokens_per_s",
            label: "Throughput with prefill (calibrated)".to_string(),
            value: time(format!(
                "{} · decode only {}",
                Unit::TokensPerSec.format(e.calibrated.throughput),
                Unit::TokensPerSec.format(e.calibrated.decode_throughput)
            )),
            ok: runs,
        },
    ]
}

//! `ridgepoint advise`: each optimization lever applied alone to the scenario, re-estimated by
//! the engine, ranked by the goal (`ridgepoint::advise`).

use crate::args::{print_json, scenario_flag_names, scenario_from, usage_error, Fail, Flags};
use ridgepoint::advise::{advise, Advice, AdviseInput, Figures, FitChange, Goal, Outcome, Row};
use ridgepoint::units::Unit;
use serde_json::{json, Value};

pub(crate) fn help() -> String {
    format!(
        "\
ridgepoint advise — what would help: each lever applied alone, ranked by your goal

Each lever (weights to FP8, INT8, INT4, NVFP4; KV cache to FP8; batch ×2, ×4 and to the
throughput knee; tensor parallel ×2; speculative decoding; prefix caching; chunked prefill;
fused attention) is applied to a copy of the scenario and estimated again by the same engine
as `ridgepoint estimate`. Each row gives TTFT, time per output token and throughput after the
lever as a ratio to now (calibrated times: the scenario's efficiencies), memory per GPU after,
the largest batch that fits, the decode bound after, and why in the roofline's terms. A lever
that would make the scenario stop fitting says so first; one that cannot help says why.

Usage: ridgepoint advise [scenario flags] [--goal latency|throughput|fit]
                         [--prefix-share F] [--json]

  --goal G          latency (request latency), throughput (output tokens/s, all GPUs) or
                    fit (memory per GPU)                                     [latency]
  --prefix-share F  share of each prompt shared with earlier requests, for the prefix-caching
                    row, in [0, 1)                                           [{prefix}]
  The speculative row uses --draft/--draft-tokens/--acceptance when given, else the smallest
  catalog model of the same family and vocabulary with k = {k} and acceptance {acc}.
  --json            print one JSON object (baseline and rows, best first)

{flags}
",
        prefix = ridgepoint::advise::DEFAULT_PREFIX_SHARE,
        k = ridgepoint::Spec::default().draft_tokens,
        acc = ridgepoint::Spec::default().acceptance as f64 / 100.0,
        flags = crate::args::scenario_flags_help(true),
    )
}

pub(crate) fn run(args: &[String]) -> Result<(), Fail> {
    let mut takes = scenario_flag_names();
    takes.extend(["goal", "prefix-share"]);
    let Some(flags) = Flags::parse("advise", args, &takes, &["json"])? else {
        print!("{}", help());
        return Ok(());
    };
    let goal = match flags.value("goal") {
        None => Goal::Latency,
        Some(g) => Goal::from_id(g).ok_or_else(|| {
            usage_error(format!(
                "--goal: \u{201c}{g}\u{201d} is not latency, throughput or fit"
            ))
        })?,
    };
    let prefix_share = match flags.value("prefix-share") {
        None => ridgepoint::advise::DEFAULT_PREFIX_SHARE,
        Some(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && (0.0..1.0).contains(f))
            .ok_or_else(|| {
                usage_error(format!(
                    "--prefix-share: \u{201c}{v}\u{201d} is not a share from 0 to below 1"
                ))
            })?,
    };
    let (_, s) = scenario_from(&flags)?;
    // A draft given on the command line is the speculative row's draft, not the baseline's.
    let (scenario, draft) = match s.speculative.clone() {
        Some(sp) if flags.value("draft").is_some() => (
            ridgepoint::Scenario {
                speculative: None,
                ..s
            },
            Some(ridgepoint::advise::Draft {
                model: sp.draft,
                tokens: sp.tokens,
                acceptance: sp.acceptance,
            }),
        ),
        _ => (s, None),
    };
    let input = AdviseInput {
        scenario,
        goal,
        draft,
        prefix_share,
    };
    let advice = advise(&input).map_err(|p| usage_error(format!("{}: {}", p.field, p.message)))?;
    if flags.has("json") {
        print_json(&advice_json(&input, &advice));
    } else {
        print!("{}", advice_text(&input, &advice));
    }
    Ok(())
}

fn outcome_id(o: Outcome) -> &'static str {
    match o {
        Outcome::Applied => "applied",
        Outcome::AlreadyAssumed => "already_assumed",
        Outcome::CannotApply => "cannot_apply",
    }
}

fn figures_json(f: &Figures) -> Value {
    json!({
        "ttft_s": f.timing.ttft.get(),
        "tpot_s": f.timing.tpot.get(),
        "request_latency_s": f.timing.request_latency.get(),
        "throughput_tokens_per_s": f.timing.throughput,
        "throughput_per_gpu_tokens_per_s": f.throughput_per_gpu(),
        "memory_bytes": f.memory.total.get(),
        "capacity_bytes": f.memory.capacity.get(),
        "fits": f.memory.fits,
        "max_batch": f.max_batch,
        "decode_bound": f.decode.bound.label(),
        "prefill_bound": f.prefill.bound.label(),
        "decode_bytes_per_step": f.decode.bytes.get(),
        "decode_flops_per_step": f.decode.flops.get(),
        "prefill_flops": f.prefill.flops.get(),
        "compute_precision": f.compute_precision.id(),
        "gpus": f.gpus,
    })
}

fn row_json(r: &Row) -> Value {
    json!({
        "lever": r.lever.id(),
        "label": r.label,
        "outcome": outcome_id(r.outcome),
        "after": r.after.as_ref().map(figures_json),
        "change": r.change.map(|c| json!({
            "ttft_ratio": c.ttft,
            "tpot_ratio": c.tpot,
            "request_latency_ratio": c.latency,
            "throughput_ratio": c.throughput,
            "memory_delta_bytes": c.memory.get(),
            "max_batch_before": c.max_batch.0,
            "max_batch_after": c.max_batch.1,
        })),
        "fit": r.fit.map(|f| match f {
            FitChange::StillFits => "still_fits",
            FitChange::StopsFitting => "stops_fitting",
            FitChange::NowFits => "now_fits",
            FitChange::StillDoesNotFit => "still_does_not_fit",
        }),
        "link": r.link.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "why": r.why,
    })
}

fn advice_json(input: &AdviseInput, a: &Advice) -> Value {
    json!({
        "goal": a.goal.id(),
        "prefix_share": input.prefix_share,
        "baseline": figures_json(&a.baseline),
        "rows": a.rows.iter().map(row_json).collect::<Vec<_>>(),
    })
}

fn ratio_text(r: f64) -> String {
    if (r - 1.0).abs() < 5e-4 {
        "=".into()
    } else {
        format!("{}×", Unit::Ratio.format(r))
    }
}

fn advice_text(input: &AdviseInput, a: &Advice) -> String {
    let s = &input.scenario;
    let b = &a.baseline;
    let t = |v: f64| Unit::Seconds.format(v);
    let by = |v: f64| Unit::Bytes.format(v);
    let mut o = String::new();
    o.push_str(&format!(
        "{} on {} × {} — weights {}, KV {}; batch {} × ({} prompt + {} output tokens)\n",
        s.model.name,
        s.gpus,
        s.gpu.name,
        s.weights_label(),
        s.kv.label(),
        s.batch,
        s.prompt,
        s.output
    ));
    o.push_str(&format!(
        "Now (calibrated): TTFT {}, time per output token {}, throughput {} (prefill included, \
         all GPUs), memory {} of {} per GPU ({}), largest batch {}, decode {}, prefill {}\n",
        t(b.timing.ttft.get()),
        t(b.timing.tpot.get()),
        Unit::TokensPerSec.format(b.timing.throughput),
        by(b.memory.total.get()),
        by(b.memory.capacity.get()),
        if b.memory.fits {
            "fits"
        } else {
            "DOES NOT FIT"
        },
        b.max_batch,
        b.decode.bound.label(),
        b.prefill.bound.label()
    ));
    o.push_str(&format!(
        "Ranked by {}; ratios are after / now.\n\n",
        match a.goal {
            Goal::Latency => "request latency",
            Goal::Throughput => "throughput",
            Goal::Fit => "memory per GPU",
        }
    ));
    let w = a
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(5);
    o.push_str(&format!(
        "{:>2}  {:<w$} {:>8} {:>8} {:>8} {:>10} {:>9}  {}\n",
        "#", "lever", "TTFT", "TPOT", "tok/s", "memory", "max batch", "decode after"
    ));
    for (i, r) in a.rows.iter().enumerate() {
        let cols = match (&r.after, &r.change) {
            (Some(af), Some(c)) => format!(
                "{:>8} {:>8} {:>8} {:>10} {:>9}  {}",
                ratio_text(c.ttft),
                ratio_text(c.tpot),
                ratio_text(c.throughput),
                by(af.memory.total.get()) + if af.memory.fits { "" } else { "!" },
                af.max_batch,
                af.decode.bound.label()
            ),
            _ => format!(
                "{:>8} {:>8} {:>8} {:>10} {:>9}  {}",
                "—",
                "—",
                "—",
                "—",
                "—",
                match r.outcome {
                    Outcome::AlreadyAssumed => "already assumed",
                    _ => "cannot apply",
                }
            ),
        };
        let pad = w.saturating_sub(r.label.chars().count());
        o.push_str(&format!(
            "{:>2}  {}{} {cols}\n",
            i + 1,
            r.label,
            " ".repeat(pad)
        ));
        o.push_str(&format!("    {}\n", r.why));
    }
    o.push_str("\n! does not fit in memory\n");
    o
}

//! `ridgepoint serve`: one replica under load, simulated with continuous batching
//! (`ridgepoint::serve`), with the capacity that meets the SLOs.

use crate::args::{
    print_json, scenario_from, usage_error, Fail, Flags, SCENARIO_KEYS, SOURCE_FLAGS,
};
use ridgepoint::serve::{
    self, capacity, load_levels, parse_lengths, parse_trace, simulate, sweep, Arrivals, Capacity,
    Lengths, LoadAxis, LoadPoint, Percentiles, ServeInput, ServeResult,
};
use ridgepoint::units::Unit;
use serde_json::{json, Value};

pub(crate) const HELP: &str = "\
ridgepoint serve — one replica under load: continuous batching simulated, SLOs and capacity

Simulates requests arriving at one replica (the scenario's GPUs in tensor parallel) with
iteration-level scheduling as vLLM does it: decodes first, prefill chunked to a token budget
per step, KV cache in paged blocks of 16 tokens in the memory left after weights, activations
and overhead at --gpu-util, the newest request preempted (and recomputed) when decode runs out
of blocks. Each step's time comes from the same step model as `ridgepoint estimate`. Prints
TTFT, time per output token (TPOT) and request latency (p50/p90/p99/mean), throughput,
goodput (requests meeting both SLOs), the mean running batch and requests in the system, one
step's time with its derivation, and the capacity: the most load of the arrival process
given meeting both SLOs at p99 (doubling and bisection over the same simulation) — the
highest Poisson rate (--rate), the most clients and the request rate they drive
(--concurrency), the fastest replay of the trace (--trace: its arrival times divided by a
speed-up) — output tokens per GPU-second there, replicas for --target-rate and the cost per
million output tokens at --price-per-gpu-hour. Same seed, same result.

Usage: ridgepoint serve [scenario flags] [--rate R | --concurrency N | --trace FILE]
                        [--requests N] [--seed S] [--prompt-dist D] [--output-dist D]
                        [--ttft-slo S] [--tpot-slo S] [--max-batch-tokens N]
                        [--max-running N] [--prefix-share F] [--gpu-util F]
                        [--block-tokens N]
                        [--target-rate R] [--price-per-gpu-hour USD] [--sweep]
                        [--json | --csv]

  --rate R              Poisson arrivals, requests per second (0.000001–100000)    [1]
  --concurrency N       closed loop: N clients, each sending its next request when
                        the last one ends (up to 4096)
  --trace FILE          requests from a file (- reads standard input), one per line:
                        arrival seconds, prompt tokens, output tokens (spaces, tabs or
                        commas; # comments and blank lines allowed)
  --requests N          requests simulated (up to 20000)                           [500]
  --seed S              seed of the arrivals and lengths                           [1]
  --prompt-dist D       prompt lengths: fixed (the --prompt), uniform:LO:HI or
                        lognormal:MEAN:SPREAD (SPREAD: σ of the logarithm, 0–4)    [fixed]
  --output-dist D       output lengths, the same forms (fixed: the --output)       [fixed]
  --ttft-slo S          time-to-first-token objective, seconds                     [2]
  --tpot-slo S          time-per-output-token objective, seconds                   [0.05]
  --max-batch-tokens N  tokens per step, prefill chunks and decodes (vLLM
                        max_num_batched_tokens)                                    [8192]
  --max-running N       requests running at once (vLLM max_num_seqs)               [256]
  --prefix-share F      share of each prompt already in the prefix cache, 0–1      [0]
  --gpu-util F          share of GPU memory the server uses (vLLM
                        gpu_memory_utilization), (0, 1]                            [0.9]
  --block-tokens N      tokens per KV-cache block (vLLM --block-size), 1–1024      [16]
  --target-rate R       requests per second to size replicas for
  --price-per-gpu-hour USD
                        your price of one GPU-hour (none is built in), for the cost
                        per million output tokens
  --sweep               also the load curve of the arrival process given, TTFT and TPOT
                        p50/p99 and goodput at each point: with --rate, 12 Poisson rates
                        from 5% to 120% of the static saturation rate; with --concurrency,
                        clients from 1 to 125% of the largest batch that fits; with
                        --trace, the trace replayed at the speeds that put its rate there
                        (one point when its requests all arrive at once)
  --json                one JSON object: ttft_s, tpot_s, e2e_s (each p50, p90, p99, mean),
                        requests_per_s, output_tokens_per_s, goodput_requests_per_s,
                        running.mean, in_system.mean, max_rate_meeting_slo,
                        load_axis, max_load_meeting_slo, capacity, kv_blocks, timeline,
                        derivations, warnings (and load with --sweep)
  --csv                 one row per request (times in seconds from the start)
  -h, --help            this text

Scenario flags: those of `ridgepoint estimate --help` (--gpu, --model, --weights, --kv,
--prompt, --output, --gpus, the efficiencies, --config, --link); --batch is not used.
A bad value is an error (exit 2), never silently replaced by a default.
";

const SERVE_FLAGS: [&str; 16] = [
    "rate",
    "concurrency",
    "trace",
    "requests",
    "seed",
    "prompt-dist",
    "output-dist",
    "ttft-slo",
    "tpot-slo",
    "max-batch-tokens",
    "max-running",
    "prefix-share",
    "gpu-util",
    "block-tokens",
    "target-rate",
    "price-per-gpu-hour",
];

/// The engine's field → the flag that sets it.
const FIELD_FLAGS: [(&str, &str); 14] = [
    ("rate", "--rate"),
    ("clients", "--concurrency"),
    ("trace", "--trace"),
    ("requests", "--requests"),
    ("prompt", "--prompt-dist"),
    ("output", "--output-dist"),
    ("block_tokens", "--block-tokens"),
    ("gpu_memory_utilization", "--gpu-util"),
    ("max_batch_tokens", "--max-batch-tokens"),
    ("max_running", "--max-running"),
    ("prefix_share", "--prefix-share"),
    ("slo.ttft_s", "--ttft-slo"),
    ("slo.tpot_s", "--tpot-slo"),
    ("target_rate", "--target-rate"),
];

fn number(flags: &Flags, name: &str, what: &str) -> Result<Option<f64>, Fail> {
    match flags.value(name) {
        None => Ok(None),
        Some(v) => match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(usage_error(format!(
                "--{name}: \u{201c}{v}\u{201d} is not {what}"
            ))),
        },
    }
}

fn whole(flags: &Flags, name: &str, what: &str) -> Result<Option<u64>, Fail> {
    match flags.value(name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| usage_error(format!("--{name}: \u{201c}{v}\u{201d} is not {what}"))),
    }
}

fn count(flags: &Flags, name: &str, what: &str) -> Result<Option<u32>, Fail> {
    Ok(whole(flags, name, what)?.map(|n| n.min(u32::MAX as u64) as u32))
}

fn lengths(flags: &Flags, name: &str) -> Result<Lengths, Fail> {
    match flags.value(name) {
        None => Ok(Lengths::Fixed),
        Some(v) => parse_lengths(v).map_err(|e| usage_error(format!("--{name}: {e}"))),
    }
}

fn read_trace(path: &str) -> Result<String, Fail> {
    if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Fail(format!("--trace -: cannot read standard input: {e}"), 1))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| Fail(format!("--trace {path}: {e}"), 1))
}

/// The input the flags describe, with the target rate and price.
fn input_from(flags: &Flags) -> Result<(ServeInput, Option<f64>, Option<f64>), Fail> {
    let (_, scenario) = scenario_from(flags)?;
    let mut input = ServeInput::new(scenario);
    let given = ["rate", "concurrency", "trace"]
        .iter()
        .filter(|f| flags.value(f).is_some())
        .map(|f| format!("--{f}"))
        .collect::<Vec<_>>();
    if given.len() > 1 {
        return Err(usage_error(format!(
            "{} each set the arrivals; give one",
            given.join(" and ")
        )));
    }
    if let Some(r) = number(flags, "rate", "a number of requests per second")? {
        input.arrivals = Arrivals::Poisson { rate: r };
    }
    if let Some(n) = count(flags, "concurrency", "a whole number of clients")? {
        input.arrivals = Arrivals::Closed { clients: n };
    }
    if let Some(path) = flags.value("trace") {
        let text = read_trace(path)?;
        let t = parse_trace(&text).map_err(|e| usage_error(format!("--trace {path}: {e}")))?;
        input.arrivals = Arrivals::Trace(t);
    }
    if let Some(n) = count(flags, "requests", "a whole number of requests")? {
        input.requests = n;
    }
    if let Some(s) = whole(
        flags,
        "seed",
        "a whole number from 0 to 18446744073709551615",
    )? {
        input.seed = s;
    }
    input.prompt = lengths(flags, "prompt-dist")?;
    input.output = lengths(flags, "output-dist")?;
    if let Some(x) = number(flags, "ttft-slo", "a time in seconds")? {
        input.slo.ttft_s = x;
    }
    if let Some(x) = number(flags, "tpot-slo", "a time in seconds")? {
        input.slo.tpot_s = x;
    }
    if let Some(n) = count(flags, "max-batch-tokens", "a whole number of tokens")? {
        input.max_batch_tokens = n;
    }
    if let Some(n) = count(flags, "max-running", "a whole number of requests")? {
        input.max_running = n;
    }
    if let Some(x) = number(flags, "prefix-share", "a share from 0 to 1")? {
        input.prefix_share = x;
    }
    if let Some(x) = number(flags, "gpu-util", "a share in (0, 1]")? {
        input.gpu_memory_utilization = x;
    }
    if let Some(n) = count(flags, "block-tokens", "a whole number of tokens")? {
        input.block_tokens = n;
    }
    let target = number(flags, "target-rate", "a number of requests per second")?;
    if let Some(t) = target {
        if t <= 0.0 {
            return Err(usage_error(format!(
                "--target-rate: {t} is not a positive number of requests per second"
            )));
        }
    }
    let price = number(flags, "price-per-gpu-hour", "a price in dollars")?;
    if let Some(p) = price {
        if p < 0.0 {
            return Err(usage_error(format!(
                "--price-per-gpu-hour: {p} is not a price of at least 0"
            )));
        }
    }
    // The engine would take a default for a bad field; the CLI refuses instead.
    let (_, problems) = serve::check(&input);
    if !problems.is_empty() {
        let msgs: Vec<String> = problems
            .iter()
            .map(|p| {
                let flag = FIELD_FLAGS
                    .iter()
                    .find(|(f, _)| *f == p.field)
                    .map_or(p.field, |(_, flag)| flag);
                let body = p
                    .message
                    .strip_prefix(p.field)
                    .and_then(|m| m.strip_prefix(": "))
                    .unwrap_or(&p.message);
                let body = body.split("; using ").next().unwrap_or(body);
                format!("{flag}: {body}")
            })
            .collect();
        return Err(usage_error(msgs.join("\n")));
    }
    Ok((input, target, price))
}

pub(crate) fn run(args: &[String]) -> Result<(), Fail> {
    let mut takes: Vec<&'static str> = SCENARIO_KEYS.iter().map(|(f, _)| *f).collect();
    takes.extend(SOURCE_FLAGS);
    takes.extend(SERVE_FLAGS);
    let Some(flags) = Flags::parse("serve", args, &takes, &["json", "csv", "sweep"])? else {
        print!("{HELP}");
        return Ok(());
    };
    if flags.has("json") && flags.has("csv") {
        return Err(usage_error(
            "--json and --csv each choose the output; give one",
        ));
    }
    let (input, target, price) = input_from(&flags)?;
    let r = simulate(&input);
    if flags.has("csv") {
        print!("{}", csv(&r));
        return Ok(());
    }
    let c = capacity(&input, target, price);
    let load = if flags.has("sweep") {
        sweep(&input, &load_levels(&input, LOAD_POINTS))
    } else {
        Vec::new()
    };
    if flags.has("json") {
        let mut v = to_json(&input, &r, &c);
        if flags.has("sweep") {
            v["load"] = Value::Array(load.iter().map(load_json).collect());
        }
        print_json(&v);
    } else {
        print!("{}", text(&input, &r, &c));
        if flags.has("sweep") {
            print!("{}", load_text(LoadAxis::of(&input.arrivals), &load));
        }
    }
    Ok(())
}

/// Points of `--sweep` (fewer for a closed loop whose client range is short).
const LOAD_POINTS: usize = 12;

fn load_json(p: &LoadPoint) -> Value {
    json!({
        "axis": p.axis.key(),
        "load": p.load,
        "rate": p.rate,
        "ttft_s": pct(&p.ttft),
        "tpot_s": pct(&p.tpot),
        "e2e_s": pct(&p.e2e),
        "requests_per_s": p.requests_per_s,
        "output_tokens_per_s": p.output_tokens_per_s,
        "goodput_requests_per_s": p.goodput_requests_per_s,
        "running": {"mean": p.running_mean},
        "meets_slo": p.meets_slo,
    })
}

fn load_text(axis: LoadAxis, points: &[LoadPoint]) -> String {
    let s = Unit::Seconds;
    let (title, column) = match axis {
        LoadAxis::Rate => ("Poisson", "req/s"),
        LoadAxis::Clients => ("closed loop, concurrent clients", "clients"),
        LoadAxis::TraceSpeed => ("the trace replayed faster or slower", "speed"),
        LoadAxis::TraceAsGiven => ("the trace as given", "trace"),
    };
    let mut out = format!("\nLoad ({title}): {}\n", axis.sentence());
    let rate_col = axis != LoadAxis::Rate;
    out.push_str(&format!("{column:>10}"));
    if rate_col {
        out.push_str(&format!("{:>10}", "req/s"));
    }
    out.push_str(&format!(
        "{:>10}{:>10}{:>10}{:>10}{:>10}  SLOs\n",
        "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99", "goodput"
    ));
    for p in points {
        out.push_str(&match axis {
            LoadAxis::Rate => format!("{:>10}", Unit::Ratio.format(p.rate)),
            LoadAxis::Clients => format!("{:>10}", p.load),
            LoadAxis::TraceSpeed => format!("{:>10}", format!("×{}", Unit::Ratio.format(p.load))),
            LoadAxis::TraceAsGiven => format!("{:>10}", "as given"),
        });
        if rate_col {
            out.push_str(&format!("{:>10}", Unit::Ratio.format(p.rate)));
        }
        out.push_str(&format!(
            "{:>10}{:>10}{:>10}{:>10}{:>10}  {}\n",
            s.format(p.ttft.p50),
            s.format(p.ttft.p99),
            s.format(p.tpot.p50),
            s.format(p.tpot.p99),
            Unit::Ratio.format(p.goodput_requests_per_s),
            if p.meets_slo { "met" } else { "missed" }
        ));
    }
    out
}

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{x}"))
}

fn csv(r: &ServeResult) -> String {
    let mut out = String::from(
        "request,arrival_s,prompt_tokens,output_tokens,cached_tokens,first_token_s,finish_s,ttft_s,tpot_s,e2e_s,preemptions\n",
    );
    for (i, q) in r.records.iter().enumerate() {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            i + 1,
            q.arrival,
            q.prompt,
            q.output,
            q.cached,
            opt(q.first_token),
            opt(q.finish),
            opt(q.ttft()),
            opt(q.tpot()),
            opt(q.e2e()),
            q.preemptions
        ));
    }
    out
}

fn pct(p: &Percentiles) -> Value {
    json!({"p50": p.p50, "p90": p.p90, "p99": p.p99, "mean": p.mean, "count": p.count})
}

fn arrivals_json(a: &Arrivals) -> Value {
    match a {
        Arrivals::Poisson { rate } => json!({"kind": "poisson", "rate": rate}),
        Arrivals::Closed { clients } => json!({"kind": "closed", "clients": clients}),
        Arrivals::Trace(t) => json!({"kind": "trace", "requests": t.len()}),
    }
}

fn lengths_text(l: &Lengths, fixed: u32) -> String {
    match l {
        Lengths::Fixed => format!("fixed {fixed}"),
        Lengths::Uniform { lo, hi } => format!("uniform {lo}–{hi}"),
        Lengths::LogNormal { mean, spread } => format!("lognormal mean {mean} σ {spread}"),
    }
}

fn to_json(i: &ServeInput, r: &ServeResult, c: &Capacity) -> Value {
    json!({
        "scenario": ridgepoint::compare::summary(&i.scenario),
        "arrivals": arrivals_json(&i.arrivals),
        "prompt": lengths_text(&i.prompt, i.scenario.prompt),
        "output": lengths_text(&i.output, i.scenario.output),
        "requests": r.records.len(),
        "finished": r.finished,
        "seed": i.seed,
        "slo": {"ttft_s": i.slo.ttft_s, "tpot_s": i.slo.tpot_s},
        "ttft_s": pct(&r.ttft),
        "tpot_s": pct(&r.tpot),
        "e2e_s": pct(&r.e2e),
        "requests_per_s": r.requests_per_s,
        "output_tokens_per_s": r.output_tokens_per_s,
        "goodput_requests_per_s": r.goodput_requests_per_s,
        "running": {"mean": r.running_mean},
        "in_system": {"mean": r.in_system_mean},
        "span_s": r.span_s,
        "steps": r.steps,
        "preemptions": r.preemptions,
        "kv_blocks": {"total": r.kv_blocks_total, "block_tokens": r.block_tokens},
        "step_time_s": r.derivation("serve.step_time").map(|d| d.value),
        "max_rate_meeting_slo": c.max_rate,
        "load_axis": c.axis.key(),
        "max_load_meeting_slo": c.max_load,
        "capacity": {
            "axis": c.axis.key(),
            "max_load_meeting_slo": c.max_load,
            "max_rate_meeting_slo": c.max_rate,
            "output_tokens_per_s": c.at_max.as_ref().map(|p| p.output_tokens_per_s),
            "output_tokens_per_gpu_s": c.output_tokens_per_gpu_s,
            "target_rate": c.target_rate,
            "replicas": c.replicas,
            "gpus": c.gpus,
            "price_per_gpu_hour": c.price_per_gpu_hour,
            "cost_per_million_output_tokens": c.cost_per_million_output_tokens,
            "runs": c.runs,
            "warnings": c.warnings,
        },
        "timeline": r.timeline.iter().map(|s| json!({
            "t": s.t, "running": s.running, "kv_blocks": s.kv_blocks, "queue": s.queue,
        })).collect::<Vec<_>>(),
        "derivations": r.derivations.iter().map(|d| json!({
            "key": d.key, "value": d.value, "text": d.render(),
        })).collect::<Vec<_>>(),
        "warnings": r.warnings,
    })
}

fn text(i: &ServeInput, r: &ServeResult, c: &Capacity) -> String {
    let s = Unit::Seconds;
    let arrivals = match &i.arrivals {
        Arrivals::Poisson { rate } => format!("Poisson at {rate} requests/s"),
        Arrivals::Closed { clients } => format!("{clients} closed-loop clients"),
        Arrivals::Trace(t) => format!("a trace of {} requests", t.len()),
    };
    let mut out = format!(
        "Serving {}\n  {arrivals}, {} requests ({} finished), seed {}\n  prompt {}, output {}\n  \
         KV cache {} blocks of {} tokens, at most {} running, {} tokens per step\n\n",
        ridgepoint::compare::summary(&i.scenario),
        r.records.len(),
        r.finished,
        i.seed,
        lengths_text(&i.prompt, i.scenario.prompt),
        lengths_text(&i.output, i.scenario.output),
        Unit::Count.format(r.kv_blocks_total as f64),
        r.block_tokens,
        i.max_running,
        Unit::Count.format(i.max_batch_tokens as f64),
    );
    out.push_str(&format!(
        "{:<9}{:>10}{:>10}{:>10}{:>10}\n",
        "", "p50", "p90", "p99", "mean"
    ));
    for (name, p) in [("TTFT", &r.ttft), ("TPOT", &r.tpot), ("Latency", &r.e2e)] {
        out.push_str(&format!(
            "{name:<9}{:>10}{:>10}{:>10}{:>10}\n",
            s.format(p.p50),
            s.format(p.p90),
            s.format(p.p99),
            s.format(p.mean)
        ));
    }
    out.push_str(&format!(
        "\nThroughput: {} requests/s, {}\n",
        Unit::Ratio.format(r.requests_per_s),
        Unit::TokensPerSec.format(r.output_tokens_per_s)
    ));
    out.push_str(&format!(
        "Goodput (TTFT ≤ {} and TPOT ≤ {}): {} requests/s\n",
        s.format(i.slo.ttft_s),
        s.format(i.slo.tpot_s),
        Unit::Ratio.format(r.goodput_requests_per_s)
    ));
    out.push_str(&format!(
        "Running batch (mean): {}; in the system, queued and running (mean): {}\n",
        Unit::Ratio.format(r.running_mean),
        Unit::Ratio.format(r.in_system_mean)
    ));
    out.push_str(&format!(
        "Steps: {}; preemptions: {}\n\n",
        Unit::Count.format(r.steps as f64),
        r.preemptions
    ));
    for d in &r.derivations {
        out.push_str(&d.render());
        out.push('\n');
    }
    out.push_str("\nCapacity (both SLOs at p99):\n");
    let tokens = |p: &LoadPoint| {
        format!(
            "{}, {} per GPU",
            Unit::TokensPerSec.format(p.output_tokens_per_s),
            Unit::TokensPerSec.format(c.output_tokens_per_gpu_s.unwrap_or(0.0)),
        )
    };
    match (c.max_load, c.max_rate, &c.at_max) {
        (Some(load), Some(rate), Some(p)) => out.push_str(&match c.axis {
            LoadAxis::Rate => format!(
                "  highest rate meeting them: {} requests/s ({})\n",
                Unit::Ratio.format(rate),
                tokens(p)
            ),
            LoadAxis::Clients => format!(
                "  most concurrent clients meeting them: {load} (driving {} requests/s; {})\n",
                Unit::Ratio.format(rate),
                tokens(p)
            ),
            LoadAxis::TraceSpeed => format!(
                "  fastest replay of the trace meeting them: ×{} ({} requests/s; {})\n",
                Unit::Ratio.format(load),
                Unit::Ratio.format(rate),
                tokens(p)
            ),
            LoadAxis::TraceAsGiven => format!(
                "  the trace as given meets them ({} requests/s; {}); its requests all arrive at once, so there is no faster replay to try\n",
                Unit::Ratio.format(rate),
                tokens(p)
            ),
        }),
        _ => out.push_str(match c.axis {
            LoadAxis::Clients => "  not even one client meets them\n",
            LoadAxis::TraceSpeed => "  no replay speed tried meets them\n",
            LoadAxis::TraceAsGiven => "  the trace as given misses them\n",
            LoadAxis::Rate => "  no rate meets them\n",
        }),
    }
    if let (Some(t), Some(n), Some(g)) = (c.target_rate, c.replicas, c.gpus) {
        out.push_str(&format!(
            "  replicas for {} requests/s: {n} ({g} GPUs)\n",
            Unit::Ratio.format(t)
        ));
    }
    if let (Some(p), Some(cost)) = (c.price_per_gpu_hour, c.cost_per_million_output_tokens) {
        out.push_str(&format!(
            "  cost per million output tokens at ${p}/GPU-hour: ${cost:.4}\n"
        ));
    }
    for w in r.warnings.iter().chain(&c.warnings) {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}

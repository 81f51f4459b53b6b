//! Serving under load: a deterministic simulation of one replica with continuous batching.
//!
//! [`simulate`] takes a [`ServeInput`] (the scenario, an arrival process, length
//! distributions, the scheduler's budgets, the SLOs) and returns a [`ServeResult`] (every
//! request's times, TTFT / TPOT / latency percentiles, throughput, goodput, the running batch,
//! KV blocks and queue over time, one step's time with its derivation). [`sweep`] runs it at
//! several loads of the input's own arrival process (the `serving-load` chart; [`LoadAxis`]:
//! Poisson rates, closed-loop clients, a trace replayed faster or slower), [`capacity`] finds
//! the most of that load that meets both SLOs by doubling and bisection.
//!
//! Three parts a reader can name:
//!
//! - **the step model** (`sim::mixed_step`, `sim::StepModel`): one forward step's work
//!   composed from the same pieces as the static estimate (`estimate::Ctx`): decode sequences
//!   as `Ctx::step` at their mean context, each prefill chunk as the difference of two
//!   `Ctx::prefill` prompts (the chunk's causal attention against the tokens before it), the
//!   LM head on each prompt that completes, the matmul weights read once for all the step's
//!   tokens. A step of decodes alone is `Ctx::step` (to rounding: it is interpolated on a
//!   line per batch size where the model attends fully); a whole prompt alone is
//!   `Ctx::prefill`. With speculative decoding (`spec`) each decoding sequence is verified
//!   `k + 1` tokens at a time after `k` steps of the draft model, as the static estimate's
//!   speculative step, and yields 1 to `k + 1` tokens, drawn from the seeded RNG with mean
//!   (1 − α^(k+1)) / (1 − α).
//! - **the scheduler** (`sim::run`'s loop, iteration-level as vLLM's): decodes first
//!   (each may need a new KV block; when none is free the newest running request is
//!   preempted and later recomputed), then prefills in progress (chunked to the token
//!   budget), then waiting requests first come first served while the running cap allows and
//!   their blocks are free.
//! - **the clock**: steps follow each other; between them the replica idles until the next
//!   arrival. Occupancy (queued plus running) is integrated exactly between arrivals and
//!   finishes, so Little's law holds by measurement, not by construction.
//!
//! For a page: `serving-load` is [`sweep`] over [`load_levels`] (each [`LoadPoint`] has its
//! load, its request rate, TTFT and TPOT p50/p99 and whether both SLOs hold; the SLO lines
//! are `input.slo`; the most load meeting them is [`Capacity::max_load`], its request rate
//! [`Capacity::max_rate`], found probe by probe with [`CapacitySearch`] and its `progress`); `serving-timeline` is [`ServeResult::timeline`]
//! (running batch, KV blocks held out of `kv_blocks_total`, queue, at step starts, at most
//! 2 × [`MAX_SAMPLES`] points). Every run is one call with plain data in and out, so a worker
//! or a time slice can take one load at a time.
//!
//! Deterministic: a seeded SplitMix64 of its own (one stream per purpose, so changing the
//! lengths does not move the arrivals). Bounded: requests, steps, simulated time and
//! scheduled work are capped whatever the input, and the result says so in `warnings`.

pub mod query;
mod sim;
pub(crate) mod spec;

use crate::derivation::Derivation;
use crate::query::Problem;
use crate::scenario::Scenario;
use std::fmt;

/// vLLM's default KV-cache block: `--block-size` 16 tokens (vLLM engine arguments,
/// `vllm/engine/arg_utils.py` `EngineArgs.block_size = 16`).
pub const DEFAULT_BLOCK_TOKENS: u32 = 16;
/// vLLM's default `--gpu-memory-utilization` 0.90 (`EngineArgs.gpu_memory_utilization`).
pub const DEFAULT_GPU_MEMORY_UTILIZATION: f64 = 0.9;
/// Tokens per step, prefill chunks and decodes together: vLLM's V1 scheduler default
/// `max_num_batched_tokens` 8192 (`SchedulerConfig`, and vLLM's test helper
/// `create_vllm_config`), the same as [`crate::scenario::PREFILL_CHUNK_TOKENS`].
pub const DEFAULT_MAX_BATCH_TOKENS: u32 = 8192;
/// vLLM's default `--max-num-seqs` 256 (`SchedulerConfig.max_num_seqs`).
pub const DEFAULT_MAX_RUNNING: u32 = 256;
/// The example SLO ("p99 TTFT under 2 s"); a setting the user changes.
pub const DEFAULT_TTFT_SLO: f64 = 2.0;
/// An example SLO on time per output token (20 tokens/s per stream); a setting, not a
/// published figure.
pub const DEFAULT_TPOT_SLO: f64 = 0.05;

/// At most this many requests per run (a trace is cut here).
pub const MAX_REQUESTS: u32 = 20_000;
/// Requests per second accepted for a Poisson arrival process.
pub const MAX_RATE: f64 = 1e5;
/// The slowest Poisson rate accepted: one request per 10⁶ s, the simulated-time bound.
pub const MIN_RATE: f64 = 1e-6;
/// Closed-loop clients accepted.
pub const MAX_CLIENTS: u32 = 4096;
/// Running requests accepted (`max_running`).
pub const MAX_RUNNING_CAP: u32 = 4096;
/// Token budget per step accepted (`max_batch_tokens`).
pub const MAX_BATCH_TOKENS_CAP: u32 = 1 << 20;
/// Forward steps per run.
pub const MAX_STEPS: u64 = 1_000_000;
/// Request-steps (running requests summed over steps) per run.
pub const MAX_WORK: u64 = 50_000_000;
/// Simulated seconds per run (≈ 11.6 days).
pub const MAX_SIM_TIME: f64 = 1e6;
/// Timeline samples kept (older ones are thinned to every 2nd, 4th, … step).
pub const MAX_SAMPLES: usize = 512;

/// How requests arrive.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrivals {
    /// Open loop: exponential gaps at `rate` requests per second.
    Poisson { rate: f64 },
    /// Closed loop: `clients` clients, each sending its next request when the last one ends.
    Closed { clients: u32 },
    /// Given requests (see [`parse_trace`]); `requests` and the length distributions are
    /// ignored.
    Trace(Vec<TraceRequest>),
}

/// One request of a trace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceRequest {
    /// Seconds from the start.
    pub arrival: f64,
    pub prompt: u32,
    pub output: u32,
}

/// A distribution of token counts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lengths {
    /// The scenario's own prompt (or output) length for every request.
    Fixed,
    /// Uniform over `lo..=hi` tokens.
    Uniform { lo: u32, hi: u32 },
    /// Lognormal with mean `mean` tokens; `spread` is σ of the logarithm.
    LogNormal { mean: f64, spread: f64 },
}

/// Service-level objectives, met by a request when both hold; [`capacity`] asks both at p99.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slo {
    pub ttft_s: f64,
    pub tpot_s: f64,
}

/// Everything a serving run needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ServeInput {
    /// GPU, model, formats, parallelism, efficiency (its `batch` is not used).
    pub scenario: Scenario,
    pub arrivals: Arrivals,
    pub prompt: Lengths,
    pub output: Lengths,
    /// Requests simulated (not for a trace).
    pub requests: u32,
    pub seed: u64,
    /// Tokens per KV-cache block.
    pub block_tokens: u32,
    /// Share of GPU memory the server may use for weights, activations and KV cache.
    pub gpu_memory_utilization: f64,
    /// Tokens per step (chunked prefill and decodes together).
    pub max_batch_tokens: u32,
    /// Requests running at once.
    pub max_running: u32,
    /// Share of each prompt already in the prefix cache (0–1): its prefill is skipped and
    /// its blocks are shared by every request.
    pub prefix_share: f64,
    pub slo: Slo,
}

impl ServeInput {
    /// The defaults around `scenario`: Poisson at 1 request/s, the scenario's lengths, 500
    /// requests, seed 1, vLLM's scheduler defaults, no prefix cache.
    pub fn new(scenario: Scenario) -> ServeInput {
        ServeInput {
            scenario,
            arrivals: Arrivals::Poisson { rate: 1.0 },
            prompt: Lengths::Fixed,
            output: Lengths::Fixed,
            requests: 500,
            seed: 1,
            block_tokens: DEFAULT_BLOCK_TOKENS,
            gpu_memory_utilization: DEFAULT_GPU_MEMORY_UTILIZATION,
            max_batch_tokens: DEFAULT_MAX_BATCH_TOKENS,
            max_running: DEFAULT_MAX_RUNNING,
            prefix_share: 0.0,
            slo: Slo {
                ttft_s: DEFAULT_TTFT_SLO,
                tpot_s: DEFAULT_TPOT_SLO,
            },
        }
    }
}

/// What happened to one request. Times are seconds from the start of the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RequestRecord {
    pub arrival: f64,
    pub prompt: u32,
    pub output: u32,
    /// Prompt tokens found in the prefix cache (whole blocks).
    pub cached: u32,
    /// When its first output token was produced (`None`: never).
    pub first_token: Option<f64>,
    /// When its last output token was produced (`None`: not finished).
    pub finish: Option<f64>,
    /// Times it was preempted (its KV freed, recomputed later).
    pub preemptions: u32,
}

impl RequestRecord {
    pub fn ttft(&self) -> Option<f64> {
        self.first_token.map(|f| f - self.arrival)
    }

    /// Mean time per output token after the first: (finish − first) / (output − 1); `None`
    /// for one-token outputs and unfinished requests.
    pub fn tpot(&self) -> Option<f64> {
        match (self.first_token, self.finish) {
            (Some(f), Some(e)) if self.output > 1 => Some((e - f) / (self.output - 1) as f64),
            _ => None,
        }
    }

    /// From arrival to the last token.
    pub fn e2e(&self) -> Option<f64> {
        self.finish.map(|e| e - self.arrival)
    }

    /// Finished with both SLOs met (a one-token output meets any TPOT).
    pub fn meets(&self, slo: &Slo) -> bool {
        self.finish.is_some()
            && self.ttft().is_some_and(|t| t <= slo.ttft_s)
            && self.tpot().is_none_or(|t| t <= slo.tpot_s)
    }
}

/// Summary of a sample (linear interpolation between order statistics; all 0 when empty).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub mean: f64,
    pub count: usize,
}

impl Percentiles {
    pub fn of(mut values: Vec<f64>) -> Percentiles {
        values.retain(|v| v.is_finite());
        if values.is_empty() {
            return Percentiles::default();
        }
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let pos = q * (values.len() - 1) as f64;
            let (i, frac) = (pos.floor() as usize, pos - pos.floor());
            let next = values[(i + 1).min(values.len() - 1)];
            values[i] + (next - values[i]) * frac
        };
        Percentiles {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            mean: values.iter().sum::<f64>() / values.len() as f64,
            count: values.len(),
        }
    }
}

/// The replica at the start of one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub t: f64,
    /// Requests in the step's batch.
    pub running: u32,
    /// KV blocks held (the shared prefix blocks included).
    pub kv_blocks: u64,
    /// Requests waiting (arrived, not running; preempted ones too).
    pub queue: u32,
}

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct ServeResult {
    /// Every request in arrival order.
    pub records: Vec<RequestRecord>,
    pub ttft: Percentiles,
    pub tpot: Percentiles,
    pub e2e: Percentiles,
    /// Requests finished / span (first arrival to last finish).
    pub requests_per_s: f64,
    pub output_tokens_per_s: f64,
    /// Requests finished meeting both SLOs / span.
    pub goodput_requests_per_s: f64,
    /// Time-averaged requests in the step's batch over the span.
    pub running_mean: f64,
    /// Time-averaged requests queued plus running over the span.
    pub in_system_mean: f64,
    pub span_s: f64,
    pub finished: usize,
    pub steps: u64,
    pub preemptions: u64,
    pub kv_blocks_total: u64,
    pub block_tokens: u32,
    /// Running batch, KV blocks and queue over the run.
    pub timeline: Vec<Sample>,
    /// `serve.kv_blocks` and `serve.step_time` (a decode step at the mean running batch and
    /// mean context).
    pub derivations: Vec<Derivation>,
    /// Input problems (each with the default taken) and what the run could not do.
    pub warnings: Vec<String>,
}

impl ServeResult {
    pub fn derivation(&self, key: &str) -> Option<&Derivation> {
        self.derivations.iter().find(|d| d.key == key)
    }
}

// ---------------------------------------------------------------------------------------
// Checking input

fn problem(field: &'static str, message: String) -> Problem {
    Problem { field, message }
}

/// A number as the user wrote it, in exponent form when very large or small.
fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        "not a number".into()
    } else if v != 0.0 && !(1e-4..1e9).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn context_limit(s: &Scenario) -> u64 {
    if s.model.max_context > 0 {
        s.model.max_context
    } else {
        u64::MAX
    }
}

fn check_lengths(
    field: &'static str,
    l: Lengths,
    fixed: u32,
    limit: u64,
    out: &mut Vec<Problem>,
) -> Lengths {
    let bad = |msg: String| problem(field, format!("{field}: {msg}; using the fixed length"));
    match l {
        Lengths::Fixed => {
            if fixed == 0 {
                out.push(problem(
                    field,
                    format!("{field}: a fixed length of 0 tokens"),
                ));
            }
            Lengths::Fixed
        }
        Lengths::Uniform { lo, hi } => {
            if lo == 0 {
                out.push(bad("uniform lower bound must be at least 1 token".into()));
                Lengths::Fixed
            } else if hi < lo {
                out.push(bad(format!(
                    "uniform range {lo}–{hi} ends before it starts"
                )));
                Lengths::Fixed
            } else if hi as u64 >= limit {
                out.push(bad(format!(
                    "uniform upper bound {hi} reaches the model's context window of {limit} tokens"
                )));
                Lengths::Fixed
            } else {
                l
            }
        }
        Lengths::LogNormal { mean, spread } => {
            if !(mean.is_finite() && mean >= 1.0) {
                out.push(bad(format!(
                    "lognormal mean {} is not a length of at least 1 token",
                    fmt_num(mean)
                )));
                Lengths::Fixed
            } else if mean >= limit as f64 {
                out.push(bad(format!(
                    "lognormal mean {} reaches the model's context window of {limit} tokens",
                    fmt_num(mean)
                )));
                Lengths::Fixed
            } else if !(spread.is_finite() && (0.0..=4.0).contains(&spread)) {
                out.push(bad(format!(
                    "lognormal spread {} is not a σ of the logarithm in 0–4",
                    fmt_num(spread)
                )));
                Lengths::Fixed
            } else {
                l
            }
        }
    }
}

fn check_fraction(
    field: &'static str,
    v: f64,
    lo_open: bool,
    default: f64,
    out: &mut Vec<Problem>,
) -> f64 {
    let ok = v.is_finite() && v <= 1.0 && if lo_open { v > 0.0 } else { v >= 0.0 };
    if ok {
        return v;
    }
    let range = if lo_open { "(0, 1]" } else { "[0, 1]" };
    out.push(problem(
        field,
        format!(
            "{field}: {} is not a fraction in {range}; using {default}",
            fmt_num(v)
        ),
    ));
    default
}

fn check_count(field: &'static str, v: u32, max: u32, default: u32, out: &mut Vec<Problem>) -> u32 {
    if v == 0 {
        out.push(problem(
            field,
            format!("{field}: 0 is not allowed (at least 1); using {default}"),
        ));
        default
    } else if v > max {
        out.push(problem(
            field,
            format!("{field}: {v} is more than the {max} simulated; using {max}"),
        ));
        max
    } else {
        v
    }
}

fn check_slo(field: &'static str, v: f64, default: f64, out: &mut Vec<Problem>) -> f64 {
    if v.is_finite() && v > 0.0 && v <= MAX_SIM_TIME {
        v
    } else {
        out.push(problem(
            field,
            format!(
                "{field}: {} s is not a positive time up to {MAX_SIM_TIME} s; using {default} s",
                fmt_num(v)
            ),
        ));
        default
    }
}

/// Checks every field of `input`: the input with each bad field replaced by a safe default
/// (named in its [`Problem`]), and the problems. A run of the returned input cannot fail.
pub fn check(input: &ServeInput) -> (ServeInput, Vec<Problem>) {
    let mut p = Vec::new();
    let mut v = input.clone();
    let s = &input.scenario;
    let limit = context_limit(s);
    v.arrivals = match &input.arrivals {
        Arrivals::Poisson { rate } => {
            let rate = *rate;
            if !(rate.is_finite() && rate > 0.0) {
                p.push(problem(
                    "rate",
                    format!(
                        "rate: {} is not a positive number of requests per second; using 1",
                        fmt_num(rate)
                    ),
                ));
                Arrivals::Poisson { rate: 1.0 }
            } else if rate > MAX_RATE {
                p.push(problem(
                    "rate",
                    format!("rate: {} requests/s is more than the {MAX_RATE} simulated; using {MAX_RATE}", fmt_num(rate)),
                ));
                Arrivals::Poisson { rate: MAX_RATE }
            } else if rate < MIN_RATE {
                p.push(problem(
                    "rate",
                    format!(
                        "rate: {} requests/s is below the {} simulated (one request per {MAX_SIM_TIME} s); using {}",
                        fmt_num(rate),
                        fmt_num(MIN_RATE),
                        fmt_num(MIN_RATE)
                    ),
                ));
                Arrivals::Poisson { rate: MIN_RATE }
            } else {
                Arrivals::Poisson { rate }
            }
        }
        Arrivals::Closed { clients } => Arrivals::Closed {
            clients: check_count("clients", *clients, MAX_CLIENTS, 1, &mut p),
        },
        Arrivals::Trace(t) => {
            let mut ok = Vec::with_capacity(t.len().min(MAX_REQUESTS as usize));
            for (i, r) in t.iter().enumerate() {
                let n = i + 1;
                let why = if !(r.arrival.is_finite() && r.arrival >= 0.0) {
                    Some(format!(
                        "arrival {} is not a time of at least 0 s",
                        fmt_num(r.arrival)
                    ))
                } else if r.arrival > MAX_SIM_TIME {
                    Some(format!(
                        "arrival {} s is past the {MAX_SIM_TIME} s simulated",
                        fmt_num(r.arrival)
                    ))
                } else if r.prompt == 0 {
                    Some("prompt of 0 tokens".into())
                } else if r.output == 0 {
                    Some("output of 0 tokens".into())
                } else if r.prompt as u64 + r.output as u64 > limit {
                    Some(format!(
                        "prompt {} + output {} tokens exceed the model's context window of {limit}",
                        r.prompt, r.output
                    ))
                } else {
                    None
                };
                match why {
                    Some(w) => p.push(problem(
                        "trace",
                        format!("trace: request {n}: {w}; request left out"),
                    )),
                    None => ok.push(*r),
                }
            }
            if ok.len() > MAX_REQUESTS as usize {
                p.push(problem(
                    "trace",
                    format!(
                        "trace: {} requests are more than the {MAX_REQUESTS} simulated; using the first {MAX_REQUESTS}",
                        ok.len()
                    ),
                ));
                ok.truncate(MAX_REQUESTS as usize);
            }
            if ok.is_empty() {
                p.push(problem(
                    "trace",
                    "trace: no request to simulate; using Poisson arrivals at 1 request/s".into(),
                ));
                Arrivals::Poisson { rate: 1.0 }
            } else {
                ok.sort_by(|a, b| a.arrival.total_cmp(&b.arrival));
                Arrivals::Trace(ok)
            }
        }
    };
    v.requests = check_count("requests", input.requests, MAX_REQUESTS, 500, &mut p);
    v.prompt = check_lengths("prompt", input.prompt, s.prompt, limit, &mut p);
    v.output = check_lengths("output", input.output, s.output, limit, &mut p);
    if !matches!(v.arrivals, Arrivals::Trace(_))
        && v.prompt == Lengths::Fixed
        && v.output == Lengths::Fixed
        && s.prompt as u64 + s.output as u64 > limit
    {
        p.push(problem(
            "prompt",
            format!(
                "prompt: {} + output {} tokens exceed the model's context window of {limit}; each request is cut to fit",
                s.prompt, s.output
            ),
        ));
    }
    v.block_tokens = check_count(
        "block_tokens",
        input.block_tokens,
        1024,
        DEFAULT_BLOCK_TOKENS,
        &mut p,
    );
    v.gpu_memory_utilization = check_fraction(
        "gpu_memory_utilization",
        input.gpu_memory_utilization,
        true,
        DEFAULT_GPU_MEMORY_UTILIZATION,
        &mut p,
    );
    v.max_batch_tokens = check_count(
        "max_batch_tokens",
        input.max_batch_tokens,
        MAX_BATCH_TOKENS_CAP,
        DEFAULT_MAX_BATCH_TOKENS,
        &mut p,
    );
    v.max_running = check_count(
        "max_running",
        input.max_running,
        MAX_RUNNING_CAP,
        DEFAULT_MAX_RUNNING,
        &mut p,
    );
    v.prefix_share = check_fraction("prefix_share", input.prefix_share, false, 0.0, &mut p);
    v.slo.ttft_s = check_slo("slo.ttft_s", input.slo.ttft_s, DEFAULT_TTFT_SLO, &mut p);
    v.slo.tpot_s = check_slo("slo.tpot_s", input.slo.tpot_s, DEFAULT_TPOT_SLO, &mut p);
    (v, p)
}

/// Why a trace line was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    /// 1-based line number (0: the trace as a whole).
    pub line: usize,
    /// `arrival`, `prompt`, `output`, or `trace`.
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "trace: {}", self.message)
        } else {
            write!(
                f,
                "trace line {}: {}: {}",
                self.line, self.field, self.message
            )
        }
    }
}

/// Reads a trace: one request per line, `arrival_seconds prompt_tokens output_tokens`
/// separated by spaces, tabs or commas; `#` starts a comment; blank lines are skipped. The
/// requests come back sorted by arrival.
pub fn parse_trace(text: &str) -> Result<Vec<TraceRequest>, TraceError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let body = raw.split('#').next().unwrap_or("").trim();
        if body.is_empty() {
            continue;
        }
        if out.len() >= MAX_REQUESTS as usize {
            return Err(TraceError {
                line,
                field: "trace",
                message: format!("more than {MAX_REQUESTS} requests"),
            });
        }
        let fields: Vec<&str> = body
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|f| !f.is_empty())
            .collect();
        let err = |field: &'static str, message: String| TraceError {
            line,
            field,
            message,
        };
        if fields.len() != 3 {
            return Err(err(
                "trace",
                format!(
                    "expected 3 fields (arrival seconds, prompt tokens, output tokens), found {}",
                    fields.len()
                ),
            ));
        }
        let arrival: f64 = fields[0].parse().map_err(|_| {
            err(
                "arrival",
                format!("\u{201c}{}\u{201d} is not a number of seconds", fields[0]),
            )
        })?;
        if !(arrival.is_finite() && arrival >= 0.0) {
            return Err(err(
                "arrival",
                format!("{} is not a time of at least 0 s", fields[0]),
            ));
        }
        let count = |field: &'static str, s: &str| -> Result<u32, TraceError> {
            match s.parse::<u32>() {
                Ok(0) => Err(err(field, "0 tokens (at least 1)".into())),
                Ok(n) => Ok(n),
                Err(_) => Err(err(
                    field,
                    format!("\u{201c}{s}\u{201d} is not a whole number of tokens"),
                )),
            }
        };
        let prompt = count("prompt", fields[1])?;
        let output = count("output", fields[2])?;
        out.push(TraceRequest {
            arrival,
            prompt,
            output,
        });
    }
    if out.is_empty() {
        return Err(TraceError {
            line: 0,
            field: "trace",
            message:
                "no request in it (one per line: arrival seconds, prompt tokens, output tokens)"
                    .into(),
        });
    }
    out.sort_by(|a, b| a.arrival.total_cmp(&b.arrival));
    Ok(out)
}

/// Reads a length distribution: `fixed`, `uniform:LO:HI`, `lognormal:MEAN:SPREAD`.
pub fn parse_lengths(text: &str) -> Result<Lengths, String> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    let num = |s: &str| -> Result<f64, String> {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("\u{201c}{s}\u{201d} is not a number"))
    };
    let tokens = |s: &str| -> Result<u32, String> {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("\u{201c}{s}\u{201d} is not a whole number of tokens"))
    };
    match parts.as_slice() {
        ["fixed"] => Ok(Lengths::Fixed),
        ["uniform", lo, hi] => Ok(Lengths::Uniform {
            lo: tokens(lo)?,
            hi: tokens(hi)?,
        }),
        ["lognormal", mean, spread] => Ok(Lengths::LogNormal {
            mean: num(mean)?,
            spread: num(spread)?,
        }),
        _ => Err(format!(
            "\u{201c}{}\u{201d} is not fixed, uniform:LO:HI or lognormal:MEAN:SPREAD",
            text.trim()
        )),
    }
}

/// Runs the simulation. Bad fields of `input` take their defaults and are reported in
/// `warnings`; the run is bounded by [`MAX_STEPS`], [`MAX_WORK`] and [`MAX_SIM_TIME`].
pub fn simulate(input: &ServeInput) -> ServeResult {
    let (v, problems) = check(input);
    sim::run(&v, problems.into_iter().map(|p| p.message).collect())
}

// ---------------------------------------------------------------------------------------
// Load and capacity

/// What the load curve and the capacity search vary: the load of the arrival process the
/// input has, never a different process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadAxis {
    /// Poisson (open loop): the offered rate, requests per second.
    Rate,
    /// Closed loop: the number of concurrent clients.
    Clients,
    /// A trace replayed faster or slower: its arrival times divided by a speed-up (×2 sends
    /// the same requests in the same order, twice as densely; lengths and burstiness kept).
    TraceSpeed,
    /// A trace whose requests all arrive at the same instant (or a single request): scaling
    /// its times changes nothing, so there is one point, the trace as given.
    TraceAsGiven,
}

impl LoadAxis {
    /// The axis that belongs to `arrivals`.
    pub fn of(arrivals: &Arrivals) -> LoadAxis {
        match arrivals {
            Arrivals::Poisson { .. } => LoadAxis::Rate,
            Arrivals::Closed { .. } => LoadAxis::Clients,
            Arrivals::Trace(t) if trace_rate(t).is_some() => LoadAxis::TraceSpeed,
            Arrivals::Trace(_) => LoadAxis::TraceAsGiven,
        }
    }

    /// A key for JSON and CSV: `rate_requests_per_s`, `clients`, `trace_speed`,
    /// `trace_as_given`.
    pub fn key(self) -> &'static str {
        match self {
            LoadAxis::Rate => "rate_requests_per_s",
            LoadAxis::Clients => "clients",
            LoadAxis::TraceSpeed => "trace_speed",
            LoadAxis::TraceAsGiven => "trace_as_given",
        }
    }

    /// What is swept, for an axis title: "request rate (requests per second)", "concurrent
    /// clients", "trace speed (× its own arrival rate)", "the trace as given".
    pub fn label(self) -> &'static str {
        match self {
            LoadAxis::Rate => "request rate (requests per second)",
            LoadAxis::Clients => "concurrent clients",
            LoadAxis::TraceSpeed => "trace speed (× its own arrival rate)",
            LoadAxis::TraceAsGiven => "the trace as given",
        }
    }

    /// The load curve and the capacity in one sentence, for the page and the CLI.
    pub fn sentence(self) -> &'static str {
        match self {
            LoadAxis::Rate => {
                "The load curve sweeps the Poisson request rate (open loop: requests arrive whatever the replica does); the capacity is the highest rate meeting both SLOs at p99."
            }
            LoadAxis::Clients => {
                "The load curve sweeps the number of concurrent clients (closed loop: each sends its next request when its last one ends); the capacity is the most clients meeting both SLOs at p99, and the request rate they drive."
            }
            LoadAxis::TraceSpeed => {
                "The load curve replays the trace faster or slower (its arrival times divided by a speed-up, its lengths and bursts kept); the capacity is the fastest replay meeting both SLOs at p99, and its request rate."
            }
            LoadAxis::TraceAsGiven => {
                "The trace's requests all arrive at once, so replaying it faster or slower changes nothing: one point, the trace as given, meeting both SLOs at p99 or not."
            }
        }
    }

    /// Whole numbers of clients; the others are continuous.
    fn discrete(self) -> bool {
        self == LoadAxis::Clients
    }
}

/// A trace's mean arrival rate, (n − 1) / (last arrival − first arrival) requests per
/// second; `None` for one request or requests all at the same instant.
pub fn trace_rate(trace: &[TraceRequest]) -> Option<f64> {
    let (first, last) = trace
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
            (a.min(r.arrival), b.max(r.arrival))
        });
    let span = last - first;
    (trace.len() >= 2 && span.is_finite() && span > 0.0).then(|| (trace.len() - 1) as f64 / span)
}

/// `input` with the load of its own arrival process set to `load`: a Poisson rate, a number
/// of clients (rounded, 1 to [`MAX_CLIENTS`]), or a trace speed-up (arrival times divided by
/// it; ignored for [`LoadAxis::TraceAsGiven`]).
pub fn with_load(input: &ServeInput, load: f64) -> ServeInput {
    let mut i = input.clone();
    i.arrivals = match &input.arrivals {
        Arrivals::Poisson { .. } => Arrivals::Poisson { rate: load },
        Arrivals::Closed { .. } => Arrivals::Closed {
            clients: clients_of(load),
        },
        Arrivals::Trace(t) if trace_rate(t).is_some() && load.is_finite() && load > 0.0 => {
            Arrivals::Trace(
                t.iter()
                    .map(|r| TraceRequest {
                        arrival: r.arrival / load,
                        ..*r
                    })
                    .collect(),
            )
        }
        a @ Arrivals::Trace(_) => a.clone(),
    };
    i
}

fn clients_of(load: f64) -> u32 {
    if load.is_finite() {
        load.round().clamp(1.0, MAX_CLIENTS as f64) as u32
    } else {
        1
    }
}

/// One point of the load curve.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadPoint {
    pub axis: LoadAxis,
    /// The load swept, in `axis`'s units: requests per second, clients, or trace speed-up.
    pub load: f64,
    /// Requests per second the point stands for: the Poisson rate offered; for a closed
    /// loop the rate its clients drive (measured: finished over the span); for a trace its
    /// mean arrival rate at this speed ([`trace_rate`] × speed; measured when its requests
    /// all arrive at once).
    pub rate: f64,
    pub ttft: Percentiles,
    pub tpot: Percentiles,
    pub e2e: Percentiles,
    pub requests_per_s: f64,
    pub output_tokens_per_s: f64,
    pub goodput_requests_per_s: f64,
    pub running_mean: f64,
    /// Every request finished with p99 TTFT and p99 TPOT within the SLOs.
    pub meets_slo: bool,
}

fn point(input: &ServeInput, r: &ServeResult, load: f64) -> LoadPoint {
    let all = r.finished == r.records.len() && r.finished > 0;
    let axis = LoadAxis::of(&input.arrivals);
    let rate = match &input.arrivals {
        Arrivals::Poisson { rate } => *rate,
        Arrivals::Trace(t) => trace_rate(t).unwrap_or(r.requests_per_s),
        Arrivals::Closed { .. } => r.requests_per_s,
    };
    LoadPoint {
        axis,
        load: match input.arrivals {
            Arrivals::Closed { clients } => clients as f64,
            _ if axis == LoadAxis::TraceAsGiven => 1.0,
            _ => load,
        },
        rate,
        ttft: r.ttft,
        tpot: r.tpot,
        e2e: r.e2e,
        requests_per_s: r.requests_per_s,
        output_tokens_per_s: r.output_tokens_per_s,
        goodput_requests_per_s: r.goodput_requests_per_s,
        running_mean: r.running_mean,
        meets_slo: all
            && r.ttft.p99 <= input.slo.ttft_s
            && (r.tpot.count == 0 || r.tpot.p99 <= input.slo.tpot_s),
    }
}

/// `input` at `load` of its own arrival process ([`with_load`]), simulated.
pub fn load_point(input: &ServeInput, load: f64) -> LoadPoint {
    let i = with_load(input, load);
    let r = simulate(&i);
    point(&i, &r, load)
}

/// The load curve: [`load_point`] at each load.
pub fn sweep(input: &ServeInput, loads: &[f64]) -> Vec<LoadPoint> {
    loads.iter().map(|&l| load_point(input, l)).collect()
}

fn mean_length(l: Lengths, fixed: u32) -> f64 {
    match l {
        Lengths::Fixed => fixed as f64,
        Lengths::Uniform { lo, hi } => (lo as f64 + hi as f64) / 2.0,
        Lengths::LogNormal { mean, .. } => mean,
    }
}

/// What one replica sustains at most, from the static estimate: the largest batch that fits
/// at the mean prompt and output (capped by `max_running`), and that batch's throughput
/// over the mean output, requests per second. A trace's own mean lengths count for it.
fn saturation(v: &ServeInput) -> (u32, f64) {
    let s = &v.scenario;
    let (prompt, output) = match &v.arrivals {
        Arrivals::Trace(t) if !t.is_empty() => {
            let n = t.len() as f64;
            (
                t.iter().map(|r| r.prompt as f64).sum::<f64>() / n,
                t.iter().map(|r| r.output as f64).sum::<f64>() / n,
            )
        }
        _ => (
            mean_length(v.prompt, s.prompt),
            mean_length(v.output, s.output),
        ),
    };
    let prompt = prompt.round().clamp(1.0, u32::MAX as f64);
    let output = output.round().clamp(1.0, u32::MAX as f64);
    let at = |batch: u32| {
        let mut sc = s.clone();
        sc.batch = batch;
        sc.prompt = prompt as u32;
        sc.output = output as u32;
        crate::estimate::evaluate(&sc)
    };
    let largest = at(1).max_batch.clamp(1, v.max_running);
    let rate = at(largest).calibrated.throughput / output;
    let rate = if rate.is_finite() && rate > 0.0 {
        rate.min(MAX_RATE)
    } else {
        1.0
    };
    (largest, rate)
}

fn log_spaced(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
    (0..n).map(move |k| {
        let f = if n == 1 {
            1.0
        } else {
            k as f64 / (n - 1) as f64
        };
        lo * (hi / lo).powf(f)
    })
}

/// About `n` loads for the curve, in the units of the input's own [`LoadAxis`], increasing:
///
/// - Poisson: `n` rates evenly spaced on a log scale from 5% to 120% of the saturation rate
///   (the static throughput at the largest batch that fits, capped by `max_running`, at the
///   mean prompt and output lengths, over the mean output);
/// - closed loop: clients from 1 to 125% of that largest batch (at most `requests`, at most
///   [`MAX_CLIENTS`]), log-spaced and rounded to whole clients, so fewer than `n` when the
///   range is short;
/// - a trace: the speed-ups that put its mean arrival rate at the Poisson rates above (its
///   own mean lengths for the saturation); a trace whose requests all arrive at once: `[1]`.
pub fn load_levels(input: &ServeInput, n: usize) -> Vec<f64> {
    let (v, _) = check(input);
    let n = n.clamp(1, 256);
    let axis = LoadAxis::of(&v.arrivals);
    if axis == LoadAxis::TraceAsGiven {
        return vec![1.0];
    }
    let (largest, sat) = saturation(&v);
    match &v.arrivals {
        Arrivals::Closed { .. } => {
            let hi = (1.25 * largest as f64)
                .ceil()
                .min(v.requests as f64)
                .clamp(1.0, MAX_CLIENTS as f64);
            let mut out: Vec<f64> = log_spaced(1.0, hi, n).map(f64::round).collect();
            out.dedup();
            out
        }
        arrivals => {
            let per = match arrivals {
                Arrivals::Trace(t) => trace_rate(t).unwrap_or(1.0),
                _ => 1.0,
            };
            log_spaced(0.05 * sat, 1.2 * sat, n)
                .map(|r| r.min(MAX_RATE) / per)
                .collect()
        }
    }
}

/// What one replica sustains within the SLOs, and what that means for a target and a price.
#[derive(Clone, Debug, PartialEq)]
pub struct Capacity {
    /// What the search varied: the input's own arrival process.
    pub axis: LoadAxis,
    /// The most load found meeting both SLOs at p99, in `axis`'s units: a Poisson rate, a
    /// number of clients, a trace speed-up (`None`: not even a light load).
    pub max_load: Option<f64>,
    /// Requests per second at `max_load` ([`LoadPoint::rate`]: the Poisson rate, the rate a
    /// closed loop's clients drive, a trace's mean arrival rate at that speed).
    pub max_rate: Option<f64>,
    /// The run at `max_load`.
    pub at_max: Option<LoadPoint>,
    /// Output tokens per second per GPU at `max_load`.
    pub output_tokens_per_gpu_s: Option<f64>,
    pub target_rate: Option<f64>,
    /// Replicas for `target_rate`: ceil(target / max_rate).
    pub replicas: Option<u64>,
    /// GPUs for `target_rate`: replicas × GPUs per replica.
    pub gpus: Option<u64>,
    pub price_per_gpu_hour: Option<f64>,
    /// price × GPUs per replica / 3600 / output tokens per second × 10⁶.
    pub cost_per_million_output_tokens: Option<f64>,
    /// Simulations run by the search.
    pub runs: u32,
    pub warnings: Vec<String>,
}

/// Bisection steps after the bracket is found (the load to within 2⁻¹⁰ of the bracket; for
/// clients, until the bracket is one client wide).
const BISECTIONS: u32 = 10;
/// Doublings from the light load before the search gives up bracketing.
const DOUBLINGS: u32 = 40;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    Start,
    Doubling(u32),
    Bisecting(u32),
    Done,
}

/// [`capacity`]'s search one probe at a time, for a caller that runs it in slices or on a
/// worker and shows progress: `while let Some(load) = s.next_load() { s.step(); }`, then
/// [`CapacitySearch::finish`]. Each probe is one full run of the input's own arrival
/// process at a load ([`load_point`]): from a light one (Poisson: a tenth of one request at
/// a time; closed loop: one client; a trace: slowed to that tenth) doubling until the SLOs
/// are missed, then bisecting. A trace whose requests all arrive at once is one probe.
#[derive(Clone, Debug)]
pub struct CapacitySearch {
    input: ServeInput,
    axis: LoadAxis,
    /// The largest load probed.
    cap: f64,
    stage: Stage,
    next: f64,
    lo: f64,
    hi: f64,
    best: Option<LoadPoint>,
    /// Every probe so far, in the order run.
    pub probes: Vec<LoadPoint>,
    pub warnings: Vec<String>,
}

impl CapacitySearch {
    pub fn new(input: &ServeInput) -> CapacitySearch {
        let (v, problems) = check(input);
        let warnings: Vec<String> = problems.into_iter().map(|p| p.message).collect();
        let axis = LoadAxis::of(&v.arrivals);
        let light = || {
            let mut sc = v.scenario.clone();
            sc.batch = 1;
            let alone = crate::estimate::evaluate(&sc)
                .calibrated
                .request_latency
                .get();
            if alone.is_finite() && alone > 0.0 {
                (0.1 / alone).min(MAX_RATE)
            } else {
                1.0
            }
        };
        let (start, cap) = match &v.arrivals {
            Arrivals::Poisson { .. } => (light(), MAX_RATE),
            Arrivals::Closed { .. } => (1.0, v.requests.min(MAX_CLIENTS) as f64),
            Arrivals::Trace(t) => match trace_rate(t) {
                // Slowed at most until its last arrival is at the simulated-time bound.
                Some(r) => {
                    let last = t.iter().map(|q| q.arrival).fold(0.0, f64::max);
                    let slowest = (last / MAX_SIM_TIME).max(f64::MIN_POSITIVE);
                    ((light() / r).max(slowest), MAX_RATE / r)
                }
                None => (1.0, 1.0),
            },
        };
        CapacitySearch {
            input: v,
            axis,
            cap,
            stage: Stage::Start,
            next: start,
            lo: start,
            hi: start,
            best: None,
            probes: Vec::new(),
            warnings,
        }
    }

    /// What the search varies.
    pub fn axis(&self) -> LoadAxis {
        self.axis
    }

    /// The load the next probe runs at, in [`CapacitySearch::axis`]'s units; `None` once
    /// the search is over.
    pub fn next_load(&self) -> Option<f64> {
        (self.stage != Stage::Done).then_some(self.next)
    }

    /// Runs the next probe; false once the search is over.
    pub fn step(&mut self) -> bool {
        let Some(load) = self.next_load() else {
            return false;
        };
        let p = load_point(&self.input, load);
        let ok = p.meets_slo;
        let rate = p.rate;
        self.probes.push(p.clone());
        if ok {
            self.lo = load;
            self.best = Some(p);
        } else {
            self.hi = load;
        }
        let discrete = self.axis.discrete();
        self.stage = match self.stage {
            _ if self.axis == LoadAxis::TraceAsGiven => {
                if !ok {
                    self.warnings.push(
                        "the SLOs are missed by the trace as given (its requests all arrive at once, so there is no slower replay to try)"
                            .into(),
                    );
                }
                Stage::Done
            }
            Stage::Start if !ok => {
                self.warnings.push(match self.axis {
                    LoadAxis::Clients => "the SLOs are missed even with one client".into(),
                    LoadAxis::TraceSpeed => format!(
                        "the SLOs are missed even with the trace slowed to ×{} ({rate:.3} requests/s, a tenth of one request at a time)",
                        crate::units::sig3(load)
                    ),
                    _ => format!(
                        "the SLOs are missed even at {rate:.3} requests/s (a tenth of one request at a time)"
                    ),
                });
                Stage::Done
            }
            Stage::Start | Stage::Doubling(_) if ok => {
                let n = match self.stage {
                    Stage::Doubling(n) => n + 1,
                    _ => 1,
                };
                if load >= self.cap || n > DOUBLINGS {
                    if discrete && load >= self.cap {
                        self.warnings.push(format!(
                            "{} clients, as many as there are requests ({}), still meet the SLOs; more clients than requests would change nothing",
                            load, self.input.requests
                        ));
                    }
                    Stage::Done
                } else {
                    self.next = (load * 2.0).min(self.cap);
                    Stage::Doubling(n)
                }
            }
            Stage::Doubling(_) | Stage::Bisecting(_) => {
                let k = match self.stage {
                    Stage::Bisecting(k) => k + 1,
                    _ => 0,
                };
                if discrete {
                    if self.hi - self.lo <= 1.0 {
                        Stage::Done
                    } else {
                        self.next = ((self.lo + self.hi) / 2.0).floor();
                        Stage::Bisecting(k)
                    }
                } else if k >= BISECTIONS {
                    Stage::Done
                } else {
                    self.next = (self.lo + self.hi) / 2.0;
                    Stage::Bisecting(k)
                }
            }
            Stage::Start | Stage::Done => Stage::Done,
        };
        true
    }

    /// Share of the search done, 0–1 (for a progress bar; the doubling phase counts as half;
    /// a bisection over clients counts its bracket's halvings left).
    pub fn progress(&self) -> f64 {
        match self.stage {
            Stage::Start => 0.0,
            Stage::Doubling(n) => 0.5 * (1.0 - 0.5f64.powi(n as i32)),
            Stage::Bisecting(k) if self.axis.discrete() => {
                let left = (self.hi - self.lo).max(1.0).log2().ceil();
                let all = k as f64 + 1.0 + left;
                0.5 + 0.5 * (k as f64 + 1.0) / all.max(1.0)
            }
            Stage::Bisecting(k) => 0.5 + 0.5 * k as f64 / BISECTIONS as f64,
            Stage::Done => 1.0,
        }
    }

    /// The capacity found, with replicas for `target_rate` and the cost at
    /// `price_per_gpu_hour` (a price the user enters; there are none built in).
    pub fn finish(self, target_rate: Option<f64>, price_per_gpu_hour: Option<f64>) -> Capacity {
        let mut warnings = self.warnings;
        let target_rate = target_rate.filter(|r| {
            let ok = r.is_finite() && *r > 0.0;
            if !ok {
                warnings.push(format!(
                    "target_rate: {} is not a positive rate; no replica count",
                    fmt_num(*r)
                ));
            }
            ok
        });
        let price = price_per_gpu_hour.filter(|p| {
            let ok = p.is_finite() && *p >= 0.0;
            if !ok {
                warnings.push(format!(
                    "price_per_gpu_hour: {} is not a price of at least 0; no cost",
                    fmt_num(*p)
                ));
            }
            ok
        });
        let best = self.best;
        let gpus = self.input.scenario.total_gpus().max(1) as f64;
        let max_load = best.as_ref().map(|p| p.load);
        let max_rate = best.as_ref().map(|p| p.rate);
        let per_gpu = best.as_ref().map(|p| p.output_tokens_per_s / gpus);
        let replicas = match (target_rate, max_rate) {
            (Some(t), Some(m)) if m > 0.0 => Some((t / m).ceil().min(1e15) as u64),
            _ => None,
        };
        let cost = match (price, &best) {
            (Some(p), Some(b)) if b.output_tokens_per_s > 0.0 => {
                Some(p * gpus / 3600.0 / b.output_tokens_per_s * 1e6)
            }
            _ => None,
        };
        Capacity {
            axis: self.axis,
            max_load,
            max_rate,
            at_max: best,
            output_tokens_per_gpu_s: per_gpu,
            target_rate,
            replicas,
            gpus: replicas.map(|r| r.saturating_mul(gpus as u64)),
            price_per_gpu_hour: price,
            cost_per_million_output_tokens: cost,
            runs: self.probes.len() as u32,
            warnings,
        }
    }
}

/// Finds the most load of the input's own arrival process meeting both SLOs (p99 TTFT and
/// p99 TPOT, every request finished) by doubling from a light load and then bisecting
/// ([`CapacitySearch`]): the highest Poisson rate, the most closed-loop clients, the fastest
/// replay of a trace; each probe is a full deterministic run. Meeting the SLOs need not be
/// monotone in the load for a finite run: the search reports a boundary it bracketed.
/// `target_rate` and `price_per_gpu_hour` (a price the user enters; there are none built in)
/// give replicas and cost.
pub fn capacity(
    input: &ServeInput,
    target_rate: Option<f64>,
    price_per_gpu_hour: Option<f64>,
) -> Capacity {
    let mut search = CapacitySearch::new(input);
    while search.step() {}
    search.finish(target_rate, price_per_gpu_hour)
}

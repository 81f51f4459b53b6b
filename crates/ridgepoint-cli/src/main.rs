//! `ridgepoint`: the estimation engine on the command line.
//!
//! Exit status: 0 on success, 2 for bad command-line input (unknown command or flag, a missing
//! value, a value the engine refuses), 1 when a file cannot be read or parsed.

mod chart;

use ridgepoint::units::{Seconds, Unit};
use ridgepoint::validate::{self, Grid, ParseError};
use ridgepoint::{catalog, estimate, Efficiency, Estimate, KneeCause, Scenario, Spec};
use serde_json::{json, Value};
use std::process::ExitCode;

const USAGE: &str = "\
ridgepoint — LLM inference estimates: memory, roofline, latency and throughput

Usage:
  ridgepoint gpus [--json]          list the built-in GPUs
  ridgepoint models [--json]        list the built-in models
  ridgepoint estimate [FLAGS]       estimate one scenario
  ridgepoint explain [FLAGS]        every figure of an estimate with its derivation
  ridgepoint validate [FLAGS]       compare the engine with published measurements
  ridgepoint chart ID [FLAGS] -o F  draw one of the page's charts to an SVG file
  ridgepoint help [COMMAND]         this text, or a command's

Run `ridgepoint COMMAND --help` for a command's flags.
Exit status: 0 success, 2 bad command-line input, 1 a file could not be read or parsed.
";

const SCENARIO_FLAGS: &str = "\
Scenario flags (defaults: the seed scenario):
  --gpu ID        GPU id (see `ridgepoint gpus`)                  [a100-80gb-sxm]
  --model ID      model id (see `ridgepoint models`)              [llama-2-7b]
  --weights P     weight format: fp32 fp16 bf16 fp8 fp8_block int8 int4 fp4 (NVFP4)
                  mxfp4 q8_0 q4_k_m q4_0                           [fp16]
  --weights-attention P, --weights-mlp P, --weights-experts P, --weights-embedding P,
  --weights-head P
                  a tensor group in a format of its own (gpt-oss: --weights bf16
                  --weights-experts mxfp4); a --config's quantization_config sets them
  --kv P          KV-cache format, same choices                   [fp16]
  --batch N       requests run together (1–4096)                  [1]
  --prompt N      input tokens per request (1–1048576)            [2048]
  --output N      output tokens per request (1–1048576)           [128]
  --gpus N        GPUs in tensor parallel (1–64)                  [1]
  --config FILE   the model from a Hugging Face config.json (- reads standard input);
                  the defaults it assumed go to standard error
  --link URL      the scenario of a page link (or its ?query); other flags override it
  --json          print one JSON object instead of text
  -h, --help      this text

Flags take `--flag VALUE` or `--flag=VALUE`. A bad value is an error (exit 2), never
silently replaced by a default.";

const CHART_HELP: &str = "\
ridgepoint chart — one of the page's charts as an SVG file, drawn by the same code

Usage: ridgepoint chart ID [scenario flags] -o FILE.svg [--theme light|dark]
                           [--width PX] [--height PX]

IDs: why-decode roofline memory fit-matrix kv-crossover kv-context decode-intensity
     prefill-intensity ttft batch-throughput
  -o, --out FILE  where to write the SVG (- for standard output)
  --theme T       light or dark                                     [light]
  --width PX      width in pixels (200–4000)                        [840]
  --height PX     height in pixels (150–4000)                       [525]";

const ESTIMATE_HELP: &str = "\
ridgepoint estimate — estimate one scenario

`--batch B` requests of `--prompt` input and `--output` output tokens run together as one
static batch on `--gpus N` GPUs in tensor parallel. Memory figures are per GPU. Times are shown
twice: the floor (100% of peak bandwidth and compute) and calibrated (the engine's default
efficiencies, Efficiency::CALIBRATED).

  ttft            until every request of the batch has its first token (the prefill)
  tpot            mean time per output token over the decode
  request latency until the last token: ttft + (output − 1) × tpot
  throughput      batch × output / request latency, prefill included, all GPUs together

Usage: ridgepoint estimate [--gpu ID] [--model ID] [--weights P] [--kv P] [--batch N]
                           [--prompt N] [--output N] [--gpus N] [--json]

JSON keys include ttft_s, ttft_floor_s, tpot_s, tpot_floor_s, request_latency_s,
throughput_tokens_per_s, ridge_flop_per_byte, decode.intensity, prefill.intensity,
memory.{weights,kv_cache,activations,overhead,total,capacity}_bytes, memory.fits, max_batch,
kv_crossover_batch, knee, scenario, params, decode, prefill.
";

const EXPLAIN_HELP: &str = "\
ridgepoint explain — every figure of an estimate with its derivation

Prints one line per figure: `label: symbol = formula = formula with values = result (note)`.
Takes the same flags as `ridgepoint estimate`; --json prints the derivations as a JSON array.

Usage: ridgepoint explain [--gpu ID] [--model ID] [--weights P] [--kv P] [--batch N]
                          [--prompt N] [--output N] [--gpus N] [--json]
";

const VALIDATE_HELP: &str = "\
ridgepoint validate — compare the engine with published measurements

Reads a measurements file (tab-separated, with the header of shared/reference/measurements.tsv;
the crate's copy is built in), maps each row to a scenario and a metric class, estimates it and
prints one line per figure (id, class, scenario, estimate, measured, error = estimate /
measured − 1), the median |error| per class against its bar, and every skipped row with the
reason. Approximations made in mapping a row are printed as notes under it.

Classes: tpot_bs1 (time per output token at batch 1; bar: median |error| ≤ 15%), tpot (ITL at
batch > 1), ttft (time to first token, or a prefill time from prompt tokens/s; ≤ 25%),
throughput (output tokens/s, per GPU where the row says so; ≤ 25%), latency (end to end).

Usage: ridgepoint validate [--file PATH] [--json] [--bandwidth F] [--compute F]
                           [--layer-overhead-us US]
                           [--sweep [--top N] [--max-layer-overhead-us US]]

  --file PATH             read this file instead of the built-in measurements
  --json                  print one JSON object
  --bandwidth F           bandwidth efficiency (0–1]   [default: Efficiency::CALIBRATED]
  --compute F             compute efficiency (0–1]     [default: Efficiency::CALIBRATED]
  --layer-overhead-us US   fixed cost per layer of each forward step, µs [default: Efficiency::CALIBRATED]
  --sweep                 grid-search the efficiencies instead: bandwidth 0.40–1.00 and
                          compute 0.30–1.00 in steps of 0.01, step overhead 0–200 µs in steps
                          of 5 µs (177,571 points); minimises max(median |err| tpot_bs1 / 0.15,
                          median |err| throughput / 0.25, median |err| ttft / 0.25), so ≤ 1
                          meets every bar. Prints the best points, what each class reaches
                          fitted alone, and the full report at the best point. The fit is
                          in-sample (the same rows it is scored on): treat it as optimistic.
                          Build with --release: it evaluates ~6 million scenarios.
  --top N                 with --sweep, how many best points to print [10]
  --max-layer-overhead-us US
                          with --sweep, search step overhead over 0–US µs in 40 steps instead
                          of 0–200 µs in steps of 5 µs (a diagnostic: larger overheads stand
                          in for framework costs the engine does not model)
  -h, --help              this text
";

/// A command-line failure: the message and the exit status.
struct Fail(String, u8);

fn usage_error(msg: impl Into<String>) -> Fail {
    Fail(msg.into(), 2)
}

/// Flags of one command, in the order given.
struct Flags {
    values: Vec<(&'static str, String)>,
    switches: Vec<&'static str>,
}

impl Flags {
    /// Parses `args` against the flags this command accepts: `takes_value` and `switches`.
    /// `Ok(None)`: help was asked for.
    fn parse(
        command: &'static str,
        args: &[String],
        takes_value: &[&'static str],
        switches: &[&'static str],
    ) -> Result<Option<Flags>, Fail> {
        let mut flags = Flags {
            values: Vec::new(),
            switches: Vec::new(),
        };
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            i += 1;
            if arg == "-h" || arg == "--help" {
                return Ok(None);
            }
            let Some(body) = arg.strip_prefix("--") else {
                return Err(usage_error(format!(
                    "unexpected argument \u{201c}{arg}\u{201d} for `ridgepoint {command}` (flags \
                     start with --; see `ridgepoint {command} --help`)"
                )));
            };
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            if let Some(&known) = takes_value.iter().find(|f| **f == name) {
                if flags.values.iter().any(|(f, _)| *f == known) {
                    return Err(usage_error(format!("--{known} is given more than once")));
                }
                let value = match inline {
                    Some(v) => v,
                    None => match args.get(i) {
                        Some(v) if !v.starts_with("--") => {
                            i += 1;
                            v.clone()
                        }
                        _ => return Err(usage_error(format!("--{known} needs a value"))),
                    },
                };
                flags.values.push((known, value));
            } else if let Some(&known) = switches.iter().find(|f| **f == name) {
                if inline.is_some() {
                    return Err(usage_error(format!("--{known} takes no value")));
                }
                if flags.switches.contains(&known) {
                    return Err(usage_error(format!("--{known} is given more than once")));
                }
                flags.switches.push(known);
            } else {
                return Err(usage_error(format!(
                    "unknown flag --{name} for `ridgepoint {command}` (see `ridgepoint {command} \
                     --help`)"
                )));
            }
        }
        Ok(Some(flags))
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, v)| v.as_str())
    }

    fn has(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg, code)) => {
            for line in msg.lines() {
                eprintln!("error: {line}");
            }
            ExitCode::from(code)
        }
    }
}

fn run(args: &[String]) -> Result<(), Fail> {
    let Some(cmd) = args.first() else {
        eprint!("{USAGE}");
        return Err(usage_error("no command given"));
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "-h" | "--help" | "help" => {
            match rest.first().map(String::as_str) {
                None => print!("{USAGE}"),
                Some(c) => print!("{}", help_of(c).ok_or_else(|| unknown_command(c))?),
            }
            Ok(())
        }
        "gpus" | "models" => list(cmd == "gpus", rest),
        "estimate" => estimate_cmd(rest, false),
        "explain" => estimate_cmd(rest, true),
        "validate" => validate_cmd(rest),
        "chart" => chart_cmd(rest),
        other => Err(unknown_command(other)),
    }
}

fn unknown_command(c: &str) -> Fail {
    usage_error(format!(
        "unknown command \u{201c}{c}\u{201d}; commands: gpus, models, estimate, explain, \
         validate, help"
    ))
}

fn help_of(command: &str) -> Option<String> {
    Some(match command {
        "gpus" => "ridgepoint gpus — list the built-in GPUs (id and name)\n\n\
                   Usage: ridgepoint gpus [--json]\n\n  --json   every figure of every GPU, with its source\n"
            .to_string(),
        "models" => "ridgepoint models — list the built-in models (id and name)\n\n\
                     Usage: ridgepoint models [--json]\n\n  --json   every shape of every model, with its source\n"
            .to_string(),
        "estimate" => format!("{ESTIMATE_HELP}\n{SCENARIO_FLAGS}\n"),
        "explain" => format!("{EXPLAIN_HELP}\n{SCENARIO_FLAGS}\n"),
        "validate" => VALIDATE_HELP.to_string(),
        "chart" => format!("{CHART_HELP}\n{SCENARIO_FLAGS}\n"),
        _ => return None,
    })
}

fn print_json(v: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("JSON values serialise")
    );
}

fn list(gpus: bool, args: &[String]) -> Result<(), Fail> {
    let command = if gpus { "gpus" } else { "models" };
    let Some(flags) = Flags::parse(command, args, &[], &["json"])? else {
        print!("{}", help_of(command).unwrap_or_default());
        return Ok(());
    };
    if flags.has("json") {
        let v = if gpus {
            serde_json::to_value(catalog::gpus())
        } else {
            serde_json::to_value(catalog::models())
        };
        print_json(&v.expect("catalog entries serialise"));
        return Ok(());
    }
    let rows: Vec<(String, String)> = if gpus {
        catalog::gpus()
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect()
    } else {
        catalog::models()
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect()
    };
    let w = rows
        .iter()
        .map(|(id, _)| id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    println!("{:<w$}  name", "id");
    for (id, name) in rows {
        println!("{id:<w$}  {name}");
    }
    Ok(())
}

/// Flag name → query key of [`Spec::from_query`].
const SCENARIO_KEYS: [(&str, &str); 13] = [
    ("gpu", "gpu"),
    ("model", "model"),
    ("weights", "w"),
    ("weights-attention", "w.att"),
    ("weights-mlp", "w.mlp"),
    ("weights-experts", "w.exp"),
    ("weights-embedding", "w.emb"),
    ("weights-head", "w.head"),
    ("kv", "kv"),
    ("batch", "batch"),
    ("prompt", "prompt"),
    ("output", "output"),
    ("gpus", "gpus"),
];

/// Flags every scenario command takes besides [`SCENARIO_KEYS`].
const SOURCE_FLAGS: [&str; 2] = ["config", "link"];

/// The query of a page link (`https://…/?v=1&batch=8#roofline`, `?v=1&…` or `v=1&…`).
fn link_query(link: &str) -> &str {
    let link = link.trim();
    let link = link.split('#').next().unwrap_or(link);
    match link.split_once('?') {
        Some((_, q)) => q,
        None if link.contains('=') => link,
        None => "",
    }
}

/// The text of `--config FILE` (`-`: standard input).
fn read_config(path: &str) -> Result<String, Fail> {
    if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Fail(format!("--config -: cannot read standard input: {e}"), 1))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| Fail(format!("--config {path}: {e}"), 1))
}

/// The scenario the flags describe, or every problem with them. `--link` gives the page link's
/// scenario, which the other flags override; `--config` replaces the model with a pasted
/// `config.json`.
fn scenario_from(flags: &Flags) -> Result<(Spec, Scenario), Fail> {
    if flags.value("config").is_some() && flags.value("model").is_some() {
        return Err(usage_error(
            "--config and --model both name the model; give one",
        ));
    }
    let from_flags: Vec<(&str, &str)> = SCENARIO_KEYS
        .iter()
        .filter_map(|(flag, key)| flags.value(flag).map(|v| (*key, v)))
        .collect();
    let link_pairs: Vec<(String, String)> = match flags.value("link") {
        Some(link) => {
            let q = link_query(link);
            if q.is_empty() {
                return Err(usage_error(format!(
                    "--link: \u{201c}{link}\u{201d} holds no scenario (expected a page link with a ?query)"
                )));
            }
            form_urlencoded::parse(q.as_bytes()).into_owned().collect()
        }
        None => Vec::new(),
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &link_pairs {
        if !from_flags.iter().any(|(key, _)| key == k) {
            query.append_pair(k, v);
        }
    }
    let query = query.extend_pairs(from_flags).finish();
    let (mut spec, problems) = Spec::from_query(&query);
    if !problems.is_empty() {
        let msgs: Vec<String> = problems
            .iter()
            .map(|p| {
                // Name the flag when one was given, else the link's key.
                let flag = SCENARIO_KEYS
                    .iter()
                    .find(|(f, key)| *key == p.field && flags.value(f).is_some())
                    .map(|(flag, _)| format!("--{flag}"))
                    .unwrap_or_else(|| format!("\u{201c}{}\u{201d}", p.field));
                // The page falls back to a default; the CLI refuses instead.
                let msg = p.message.split("; using ").next().unwrap_or(&p.message);
                let hint = match p.field {
                    "gpu" => " (see `ridgepoint gpus`)",
                    "model" => " (see `ridgepoint models`)",
                    _ => "",
                };
                format!("{flag}: {msg}{hint}")
            })
            .collect();
        let from = if flags.value("link").is_some() {
            "--link: "
        } else {
            ""
        };
        return Err(usage_error(format!("{from}{}", msgs.join("\n"))));
    }
    if let Some(path) = flags.value("config") {
        let text = read_config(path)?;
        let imported = ridgepoint::config::import_hf_config(&text)
            .map_err(|e| usage_error(format!("--config {path}: {e}")))?;
        for a in &imported.assumptions {
            eprintln!("ridgepoint: --config {path}: assumed {a}");
        }
        spec.model = ridgepoint::query::CUSTOM.into();
        spec.custom_model = Some(imported.model);
        // The checkpoint's stored formats, unless the command line chose formats.
        let chose = SCENARIO_KEYS
            .iter()
            .any(|(f, key)| (*key == "w" || key.starts_with("w.")) && flags.value(f).is_some());
        if let (Some((base, formats)), false) = (imported.stored, chose) {
            spec.weights = base;
            spec.formats = formats;
        }
    }
    let scenario = spec.scenario();
    Ok((spec, scenario))
}

fn chart_cmd(args: &[String]) -> Result<(), Fail> {
    let Some(id) = args.first().filter(|a| !a.starts_with('-')) else {
        if args.iter().any(|a| a == "-h" || a == "--help") {
            print!("{}", help_of("chart").unwrap_or_default());
            return Ok(());
        }
        return Err(usage_error(
            "`ridgepoint chart` needs a chart id first (see `ridgepoint chart --help`)",
        ));
    };
    if !chart::IDS.contains(&id.as_str()) {
        return Err(usage_error(format!(
            "unknown chart \u{201c}{id}\u{201d}; charts: {}",
            chart::IDS.join(", ")
        )));
    }
    // `-o FILE` is accepted as a short form of `--out FILE`.
    let rest: Vec<String> = args[1..]
        .iter()
        .map(|a| {
            if a == "-o" {
                "--out".to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let mut takes: Vec<&'static str> = SCENARIO_KEYS.iter().map(|(f, _)| *f).collect();
    takes.extend(SOURCE_FLAGS);
    takes.extend(["out", "theme", "width", "height"]);
    let Some(flags) = Flags::parse("chart", &rest, &takes, &[])? else {
        print!("{}", help_of("chart").unwrap_or_default());
        return Ok(());
    };
    let (_, s) = scenario_from(&flags)?;
    let theme = match flags.value("theme").unwrap_or("light") {
        "light" => ridgepoint_charts::Theme::LIGHT,
        "dark" => ridgepoint_charts::Theme::DARK,
        t => {
            return Err(usage_error(format!(
                "--theme: \u{201c}{t}\u{201d} is not light or dark"
            )))
        }
    }
    .for_svg();
    let px = |name: &str, default: u32, lo: u32| -> Result<u32, Fail> {
        match flags.value(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (lo..=4000).contains(n))
                .ok_or_else(|| {
                    usage_error(format!(
                        "--{name}: \u{201c}{v}\u{201d} is not a whole number from {lo} to 4000"
                    ))
                }),
        }
    };
    let size = (px("width", 840, 200)?, px("height", 525, 150)?);
    let Some(out) = flags.value("out") else {
        return Err(usage_error(
            "`ridgepoint chart` needs -o FILE.svg (or -o - for standard output)",
        ));
    };
    let svg = chart::svg(id, &s, &theme, size).map_err(|e| Fail(e, 1))?;
    if out == "-" {
        print!("{svg}");
    } else {
        std::fs::write(out, svg).map_err(|e| Fail(format!("{out}: {e}"), 1))?;
        eprintln!("wrote {out}");
    }
    Ok(())
}

fn estimate_cmd(args: &[String], explain: bool) -> Result<(), Fail> {
    let command = if explain { "explain" } else { "estimate" };
    let mut takes: Vec<&'static str> = SCENARIO_KEYS.iter().map(|(f, _)| *f).collect();
    takes.extend(SOURCE_FLAGS);
    let Some(flags) = Flags::parse(command, args, &takes, &["json"])? else {
        print!("{}", help_of(command).unwrap_or_default());
        return Ok(());
    };
    let (spec, s) = scenario_from(&flags)?;
    let e = estimate(&s);
    match (explain, flags.has("json")) {
        (false, true) => println!(
            "{}",
            ridgepoint::json::to_string_pretty(&ridgepoint::report::estimate_json(&spec, &s, &e))
        ),
        (false, false) => print!("{}", estimate_text(&s, &e)),
        (true, true) => print_json(&Value::Array(
            e.derivations
                .iter()
                .map(|d| {
                    json!({
                        "key": d.key,
                        "label": d.label,
                        "symbol": d.symbol,
                        "expr": d.expr,
                        "substituted": d.substituted(),
                        "value": d.value,
                        "result": d.result_text(),
                        "note": d.note,
                        "text": d.render(),
                    })
                })
                .collect(),
        )),
        (true, false) => {
            println!("{}", headline(&s));
            println!();
            for d in &e.derivations {
                println!("{}", d.render());
            }
        }
    }
    Ok(())
}

fn headline(s: &Scenario) -> String {
    format!(
        "{} on {} × {} — weights {}, KV {}; batch {} × ({} prompt + {} output tokens)",
        s.model.name,
        s.gpus,
        s.gpu.name,
        s.weights_label(),
        s.kv.label(),
        s.batch,
        s.prompt,
        s.output
    )
}

fn estimate_text(s: &Scenario, e: &Estimate) -> String {
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
    line(headline(s));
    line(String::new());
    line(format!(
        "Memory per GPU{}",
        if s.gpus > 1 { " (tensor parallel)" } else { "" }
    ));
    line(format!("  weights            {:>10}", b(m.weights.get())));
    line(format!(
        "  KV cache           {:>10}   ({} sequence(s) × {} tokens)",
        b(m.kv_cache.get()),
        s.batch,
        s.prompt as u64 + s.output as u64
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
        "  largest batch that fits: {}; longest context at this batch: {} tokens",
        e.max_batch,
        Unit::Count.format(e.max_context as f64)
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
    line(format!(
        "  throughput knee at batch {} ({})",
        Unit::Count.format(e.knee.batch),
        match e.knee.cause {
            KneeCause::Compute => "decode turns compute-bound",
            KneeCause::KvCache => "KV-cache reads outgrow the weight reads",
        }
    ));
    line(String::new());
    let eff = &s.efficiency;
    line(format!(
        "Timing                      {:>12}  {:>12}",
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
            "throughput",
            tps(e.floor.throughput),
            tps(e.calibrated.throughput),
        ),
    ];
    for (name, f, c) in rows {
        line(format!("  {name:<24}  {f:>12}  {c:>12}"));
    }
    line(format!(
        "  floor: 100% of peak; calibrated: bandwidth {:.0}%, compute {:.0}%, step overhead {}",
        eff.bandwidth * 100.0,
        eff.compute * 100.0,
        Seconds(eff.layer_overhead.get())
    ));
    line("  throughput: batch × output / request latency, prefill included, all GPUs".to_string());
    o
}

fn parse_fraction(flags: &Flags, name: &str, default: f64) -> Result<f64, Fail> {
    match flags.value(name) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<f64>() {
            Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
            _ => Err(usage_error(format!(
                "--{name}: \u{201c}{v}\u{201d} is not a fraction in (0, 1]"
            ))),
        },
    }
}

fn validate_cmd(args: &[String]) -> Result<(), Fail> {
    let Some(flags) = Flags::parse(
        "validate",
        args,
        &[
            "file",
            "bandwidth",
            "compute",
            "layer-overhead-us",
            "top",
            "max-layer-overhead-us",
        ],
        &["json", "sweep"],
    )?
    else {
        print!("{VALIDATE_HELP}");
        return Ok(());
    };
    let d = Efficiency::CALIBRATED;
    let bandwidth = parse_fraction(&flags, "bandwidth", d.bandwidth)?;
    let compute = parse_fraction(&flags, "compute", d.compute)?;
    let step = match flags.value("layer-overhead-us") {
        None => d.layer_overhead,
        Some(v) => match v.trim().parse::<f64>() {
            Ok(x) if x >= 0.0 && x.is_finite() => Seconds(x * 1e-6),
            _ => {
                return Err(usage_error(format!(
                    "--layer-overhead-us: \u{201c}{v}\u{201d} is not a non-negative number of µs"
                )))
            }
        },
    };
    let top = match flags.value("top") {
        None => 10,
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(usage_error(format!(
                    "--top: \u{201c}{v}\u{201d} is not a positive whole number"
                )))
            }
        },
    };
    let sweeping = flags.has("sweep");
    if sweeping
        && ["bandwidth", "compute", "layer-overhead-us"]
            .iter()
            .any(|f| flags.value(f).is_some())
    {
        return Err(usage_error(
            "--sweep searches the efficiencies itself; drop --bandwidth, --compute and \
             --layer-overhead-us",
        ));
    }
    for f in ["top", "max-layer-overhead-us"] {
        if !sweeping && flags.value(f).is_some() {
            return Err(usage_error(format!("--{f} only applies with --sweep")));
        }
    }
    let mut grid = Grid::DEFAULT;
    if let Some(v) = flags.value("max-layer-overhead-us") {
        match v.trim().parse::<f64>() {
            Ok(x) if x > 0.0 && x.is_finite() => {
                grid.layer_overhead.to = x * 1e-6;
                grid.layer_overhead.step = x * 1e-6 / 40.0;
            }
            _ => {
                return Err(usage_error(format!(
                    "--max-layer-overhead-us: \u{201c}{v}\u{201d} is not a positive number of µs"
                )))
            }
        }
    }
    let text = match flags.value("file") {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Fail(format!("cannot read {path}: {e}"), 1))?,
        None => validate::MEASUREMENTS.to_string(),
    };
    let source = flags.value("file").unwrap_or("built-in measurements.tsv");
    let cases = validate::load(&text).map_err(|e: ParseError| Fail(format!("{source}: {e}"), 1))?;
    let json = flags.has("json");
    if sweeping {
        let sweep = validate::sweep(&cases, &grid, top);
        let best = sweep
            .best
            .first()
            .map(|p| p.efficiency)
            .unwrap_or(Efficiency::CALIBRATED);
        let report = validate::run(&cases, &best);
        let current = validate::run(&cases, &Efficiency::CALIBRATED);
        if json {
            print_json(&json!({
                "source": source,
                "sweep": sweep.to_json(),
                "at_best": report.to_json(),
                "at_defaults": {
                    "efficiency": {
                        "bandwidth": current.efficiency.bandwidth,
                        "compute": current.efficiency.compute,
                        "layer_overhead_s": current.efficiency.layer_overhead.get(),
                    },
                    "objective": current.objective(),
                    "classes": current.to_json()["classes"].clone(),
                },
            }));
        } else {
            println!("Source: {source}\n");
            print!("{}", sweep.render(&grid));
            println!(
                "\nAt the current defaults ({}): worst of median/bar {:.3}",
                validate::efficiency_text(&current.efficiency),
                current.objective()
            );
            println!("\nFull report at the best point:\n");
            print!("{}", report.render());
        }
        return Ok(());
    }
    let eff = Efficiency {
        bandwidth,
        compute,
        layer_overhead: step,
    };
    let report = validate::run(&cases, &eff);
    if json {
        let mut v = report.to_json();
        v["source"] = json!(source);
        print_json(&v);
    } else {
        println!("Source: {source}");
        print!("{}", report.render());
    }
    Ok(())
}

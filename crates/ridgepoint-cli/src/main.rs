//! `ridgepoint`: the estimation engine on the command line.
//!
//! Exit status: 0 on success, 2 for bad command-line input (unknown command or flag, a missing
//! value, a value the engine refuses), 1 when a file cannot be read or parsed.

mod advise;
mod args;
mod chart;
mod serve;

use args::{print_json, scenario_from, usage_error, Fail, Flags, SCENARIO_FLAGS, SCENARIO_KEYS, SOURCE_FLAGS};

use ridgepoint::units::{Seconds, Unit};
use ridgepoint::validate::{self, Grid, ParseError};
use ridgepoint::{catalog, estimate, Efficiency, Estimate, KneeCause, Scenario};
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
        "serve" => serve::run(rest),
        "advise" => advise::run(rest),
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
        "serve" => serve::HELP.to_string(),
        "advise" => advise::HELP.to_string(),
        _ => return None,
    })
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

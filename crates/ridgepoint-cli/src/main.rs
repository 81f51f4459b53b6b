//! `ridgepoint`: the estimation engine on the command line.
//!
//! Exit status: 0 on success, 2 for bad command-line input (unknown command or flag, a missing
//! value, a value the engine refuses), 1 when a file cannot be read or parsed.

mod advise;
mod args;
mod chart;
mod png;
mod serve;
mod validate;

use args::{print_json, scenario_from, usage_error, Fail, Flags};

use ridgepoint::units::Seconds;
use ridgepoint::{catalog, estimate};
use serde_json::{json, Value};
use std::process::ExitCode;

/// The summary after "—" on the first line of a command's help text.
fn summary(help: &str) -> &str {
    help.lines()
        .next()
        .and_then(|l| l.split_once('—'))
        .map_or("", |(_, s)| s.trim())
}

fn usage() -> String {
    format!(
        "\
ridgepoint {version} — LLM inference estimates: memory, roofline, latency and throughput

Usage:
  ridgepoint gpus [--json]          list the built-in GPUs
  ridgepoint models [--json]        list the built-in models
  ridgepoint estimate [FLAGS]       estimate one scenario
  ridgepoint explain [FLAGS]        every figure of an estimate with its derivation
  ridgepoint advise [FLAGS]         {advise}
  ridgepoint validate [FLAGS]       {validate}
  ridgepoint serve [FLAGS]          {serve}
  ridgepoint chart ID [FLAGS] -o F  draw one of the page's charts to an SVG or PNG file
  ridgepoint help [COMMAND]         this text, or a command's
  ridgepoint --version              the version (also `ridgepoint version`)

Run `ridgepoint COMMAND --help` for a command's flags.
Exit status: 0 success, 2 bad command-line input, 1 a file could not be read or parsed.
",
        version = env!("CARGO_PKG_VERSION"),
        advise = summary(&advise::help()),
        validate = summary(validate::HELP),
        serve = summary(serve::HELP),
    )
}

fn chart_help() -> String {
    format!(
        "\
ridgepoint chart — one of the page's charts as an SVG or PNG file, drawn by the same code

Usage: ridgepoint chart ID [scenario flags] -o FILE [--theme light|dark]
                           [--width PX] [--height PX]

IDs: {ids}
  -o, --out FILE  where to write the chart; its extension picks the format: {formats}
                  (- writes SVG to standard output)
  --theme T       light or dark                                     [light]
  --width PX      width in pixels (200–4000)                        [840]
  --height PX     height in pixels (150–4000)                       [525]

{flags}
",
        ids = chart::IDS.join(" "),
        formats = chart::FORMATS,
        flags = args::scenario_flags_help(false),
    )
}

/// The calibrated efficiencies in words, read from the constant.
fn calibrated_words() -> String {
    let c = ridgepoint::Efficiency::CALIBRATED;
    format!(
        "{:.0}% of peak bandwidth, {:.0}% of the dense compute peak, {} per layer per step\n\
         and {} per sequence in the batch per step, fitted to published measurements",
        c.bandwidth * 100.0,
        c.compute * 100.0,
        Seconds(c.layer_overhead.get()),
        Seconds(c.sequence_overhead.get())
    )
}

fn estimate_help() -> String {
    format!(
        "\
ridgepoint estimate — estimate one scenario

`--batch B` requests of `--prompt` input and `--output` output tokens run together as one
static batch on `--gpus N` GPUs in tensor parallel. Memory figures are per GPU. Times are shown
twice: the floor (100% of peak bandwidth and compute, no step overhead) and calibrated (by
default {calibrated};
--bandwidth-eff, --compute-eff, --layer-overhead-us and --sequence-overhead-us change them).

  ttft            until every request of the batch has its first token (the prefill)
  tpot            mean time per output token over the decode
  request latency until the last token: ttft + (output − 1) × tpot
  throughput with prefill
                  batch × output / request latency, all GPUs together
  decode throughput
                  batch / time per output token: tokens per second while decoding

Usage: ridgepoint estimate [scenario flags] [--json]

JSON keys include ttft_s, ttft_floor_s, tpot_s, tpot_floor_s, request_latency_s,
throughput_tokens_per_s, ridge_flop_per_byte, decode.intensity, prefill.intensity,
memory.{{weights,kv_cache,activations,overhead,total,capacity}}_bytes, memory.fits, max_batch,
kv_crossover_batch, knee, scenario, params, decode, prefill.
",
        calibrated = calibrated_words()
    )
}

const EXPLAIN_HELP: &str = "\
ridgepoint explain — every figure of an estimate with its derivation

Prints one line per figure: `label: symbol = formula = formula with values = result (note)`.
Takes the same flags as `ridgepoint estimate`; --json prints the derivations as a JSON array.

Usage: ridgepoint explain [scenario flags] [--json]
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
        eprint!("{}", usage());
        return Err(usage_error("no command given"));
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "-h" | "--help" | "help" => {
            match rest.first().map(String::as_str) {
                None => print!("{}", usage()),
                Some(c) => print!("{}", help_of(c).ok_or_else(|| unknown_command(c))?),
            }
            Ok(())
        }
        "--version" | "-V" | "version" => {
            if let Some(extra) = rest.first() {
                return Err(usage_error(format!(
                    "unexpected argument \u{201c}{extra}\u{201d} for `ridgepoint {cmd}`"
                )));
            }
            println!("ridgepoint {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        "gpus" | "models" => list(cmd == "gpus", rest),
        "estimate" => estimate_cmd(rest, false),
        "explain" => estimate_cmd(rest, true),
        "validate" => validate::run(rest),
        "chart" => chart_cmd(rest),
        "serve" => serve::run(rest),
        "advise" => advise::run(rest),
        other => Err(unknown_command(other)),
    }
}

fn unknown_command(c: &str) -> Fail {
    usage_error(format!(
        "unknown command \u{201c}{c}\u{201d}; commands: gpus, models, estimate, explain, \
         advise, validate, serve, chart, help, version"
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
        "estimate" => format!("{}\n{}\n", estimate_help(), args::scenario_flags_help(true)),
        "explain" => format!("{EXPLAIN_HELP}\n{}\n", args::scenario_flags_help(true)),
        "validate" => validate::HELP.to_string(),
        "chart" => chart_help(),
        "serve" => serve::HELP.to_string(),
        "advise" => advise::help(),
        "version" => "ridgepoint version — print the version (also --version)\n".to_string(),
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
    let mut takes = args::scenario_flag_names();
    takes.extend(["out", "theme", "width", "height"]);
    let Some(flags) = Flags::parse("chart", &rest, &takes, &[])? else {
        print!("{}", help_of("chart").unwrap_or_default());
        return Ok(());
    };
    let Some(out) = flags.value("out") else {
        return Err(usage_error(format!(
            "`ridgepoint chart` needs -o FILE ({}; - for SVG on standard output)",
            chart::FORMATS
        )));
    };
    let Some(format) = chart::Format::of(out) else {
        return Err(usage_error(format!(
            "-o {out}: cannot write that format; `ridgepoint chart` writes {} (by the file's \
             extension), or SVG to standard output with -o -",
            chart::FORMATS
        )));
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
    };
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
    match format {
        chart::Format::Svg => {
            let svg = chart::svg(id, &s, &theme, size).map_err(|e| Fail(e, 1))?;
            if out == "-" {
                print!("{svg}");
            } else {
                std::fs::write(out, svg).map_err(|e| Fail(format!("{out}: {e}"), 1))?;
                eprintln!("wrote {out}");
            }
        }
        chart::Format::Png => {
            let png = chart::png(id, &s, &theme, size).map_err(|e| Fail(e, 1))?;
            std::fs::write(out, png).map_err(|e| Fail(format!("{out}: {e}"), 1))?;
            eprintln!("wrote {out}");
        }
    }
    Ok(())
}

fn estimate_cmd(args: &[String], explain: bool) -> Result<(), Fail> {
    let command = if explain { "explain" } else { "estimate" };
    let takes = args::scenario_flag_names();
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
        (false, false) => print!("{}", ridgepoint::report::estimate_text(&s, &e)),
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
            println!("{}", ridgepoint::report::scenario_line(&s));
            println!();
            for d in &e.derivations {
                println!("{}", d.render());
            }
        }
    }
    Ok(())
}

//! `ridgepoint validate`: the engine against published measurements.

use crate::args::{print_json, usage_error, Fail, Flags};
use ridgepoint::units::Seconds;
use ridgepoint::validate::{self, Grid, ParseError};
use ridgepoint::Efficiency;
use serde_json::json;

pub(crate) const HELP: &str = "\
ridgepoint validate — compare the engine with published measurements

Reads a measurements file (tab-separated, with the header of shared/reference/measurements.tsv;
the crate's copy is built in), maps each row to a scenario and a metric class, estimates it and
prints one line per figure (id, class, scenario, estimate, measured, error = estimate /
measured − 1), the median |error| per class against its bar, and every skipped row with the
reason. Approximations made in mapping a row are printed as notes under it.

Classes: tpot_bs1 (time per output token at batch 1; bar: median |error| ≤ 15%), tpot (ITL at
batch > 1), ttft (time to first token, or a prefill time from prompt tokens/s; ≤ 25%),
throughput (output tokens/s, per GPU where the row says so; ≤ 25%), latency (end to end);
serving rows under load (concurrent clients or a request rate) run through the serving
simulation: serve_ttft, serve_tpot (against ITL), serve_throughput (no bars). Max-load runs
(the batch chosen by the runtime) are estimated at the engine's largest batch.

Besides the classes, the errors are summarised (median |error|, p90 |error|, median signed
error) per batch band (1, 2–31, ≥32), model kind (dense, MoE), GPU count (1 GPU, many GPUs),
engine (the `engine` column, or read from `framework`) and load (static batch, serving, max
load).

Usage: ridgepoint validate [--file PATH] [--engine NAME] [--json] [--bandwidth F] [--compute F]
                           [--layer-overhead-us US] [--sequence-overhead-us US]
                           [--sweep [--top N] [--max-layer-overhead-us US]]
                           [--loso] [--profiles]

  --file PATH             read this file instead of the built-in measurements
  --engine NAME           only the rows of this engine (trtllm, vllm, sglang, llama.cpp,
                          gpt-fast, lmdeploy, tgi: whichever the file has)
  --json                  print one JSON object
  --bandwidth F           bandwidth efficiency (0–1]                          [0.8]
  --compute F             compute efficiency (0–1]                            [0.45]
  --layer-overhead-us US  fixed cost per layer of each forward step, µs       [60]
  --sequence-overhead-us US
                          fixed cost per sequence in the batch of each step, µs [20]
  --sweep                 grid-search the efficiencies instead: bandwidth 0.40–1.00 and
                          compute 0.30–1.00 in steps of 0.01, overhead per layer 0–200 µs in
                          steps of 5 µs, per sequence 0, 20 and 40 µs (532,713 points);
                          minimises the mean over tpot_bs1, throughput and ttft of (median
                          |err| / bar + p90 |err| / 35%) / 2, bars 15%, 25%, 25%, so 1 is
                          every class at both bars on average. Prints the best points, what
                          each class reaches fitted alone, and the full report at the best
                          point. The fit is in-sample (the same rows it is scored on): treat it
                          as optimistic. Build with --release: it evaluates ~100 million
                          scenarios.
  --loso                  leave one source out: for each source (the `source` column), fit the
                          efficiencies by a sweep over a coarser grid (bandwidth 0.40–1.00 step
                          0.05, compute 0.30–1.00 step 0.10, overhead per layer 0–200 µs step
                          20 µs, per sequence 0–40 µs step 10 µs: 5,720 points) on every other
                          source's figures and predict that
                          source's; prints each fold's fit, median and p90 |error| per class,
                          batch band, model kind, GPU count, engine and load, in-sample (one fit
                          on all figures) and held out. The held-out figures are the ones to
                          quote. Build with --release.
  --profiles              recompute every engine profile (ridgepoint::profile) from the
                          file: each fitted profile's best point of the --loso grid on its
                          engine's figures, and each band (measured / estimated, p10–p90, and
                          median and p90 |error|) — held out where the engine's figures come
                          from two sources or more, in sample otherwise; prints what the
                          profile holds beside it and STALE where they differ. Exit 0 either
                          way. Build with --release.
  --top N                 with --sweep, how many best points to print [10]
  --max-layer-overhead-us US
                          with --sweep, search step overhead over 0–US µs in 40 steps instead
                          of 0–200 µs in steps of 5 µs (a diagnostic: larger overheads stand
                          in for framework costs the engine does not model)
  -h, --help              this text
";

/// `--NAME US`: a non-negative number of microseconds, as seconds.
fn parse_us(flags: &Flags, name: &str, default: Seconds) -> Result<Seconds, Fail> {
    match flags.value(name) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<f64>() {
            Ok(x) if x >= 0.0 && x.is_finite() => Ok(Seconds(x * 1e-6)),
            _ => Err(usage_error(format!(
                "--{name}: \u{201c}{v}\u{201d} is not a non-negative number of µs"
            ))),
        },
    }
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

pub(crate) fn run(args: &[String]) -> Result<(), Fail> {
    let Some(flags) = Flags::parse(
        "validate",
        args,
        &[
            "file",
            "bandwidth",
            "compute",
            "layer-overhead-us",
            "sequence-overhead-us",
            "top",
            "max-layer-overhead-us",
            "engine",
        ],
        &["json", "sweep", "loso", "profiles"],
    )?
    else {
        print!("{HELP}");
        return Ok(());
    };
    let d = Efficiency::CALIBRATED;
    let bandwidth = parse_fraction(&flags, "bandwidth", d.bandwidth)?;
    let compute = parse_fraction(&flags, "compute", d.compute)?;
    let step = parse_us(&flags, "layer-overhead-us", d.layer_overhead)?;
    let seq = parse_us(&flags, "sequence-overhead-us", d.sequence_overhead)?;
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
    let loso = flags.has("loso");
    if sweeping && loso {
        return Err(usage_error(
            "--sweep and --loso are two different fits; give one of them",
        ));
    }
    for (on, name) in [(sweeping, "--sweep"), (loso, "--loso")] {
        if on
            && ["bandwidth", "compute", "layer-overhead-us"]
                .iter()
                .any(|f| flags.value(f).is_some())
        {
            return Err(usage_error(format!(
                "{name} searches the efficiencies itself; drop --bandwidth, --compute and \
                 --layer-overhead-us"
            )));
        }
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
    let mut rows =
        validate::parse(&text).map_err(|e: ParseError| Fail(format!("{source}: {e}"), 1))?;
    if let Some(engine) = flags.value("engine") {
        rows = validate::only_engine(&rows, engine)
            .map_err(|e| usage_error(format!("--engine: {e}")))?;
    }
    let cases = validate::cases(&rows);
    let json = flags.has("json");
    if flags.has("profiles") {
        if sweeping || loso || flags.value("engine").is_some() {
            return Err(usage_error(
                "--profiles fits every engine itself; drop --sweep, --loso and --engine",
            ));
        }
        print!("{}", profiles_text(&ridgepoint::profile::recompute(&cases)));
        return Ok(());
    }
    if loso {
        let l = validate::loso(&cases, &Grid::LOSO);
        if json {
            let mut v = l.to_json();
            v["source"] = json!(source);
            v["engine"] = json!(flags.value("engine"));
            print_json(&v);
        } else {
            println!("Source: {source}");
            if let Some(e) = flags.value("engine") {
                println!("Engine: {e}");
            }
            print!("{}", l.render());
        }
        return Ok(());
    }
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
        sequence_overhead: seq,
    };
    let report = validate::run(&cases, &eff);
    if json {
        let mut v = report.to_json();
        v["source"] = json!(source);
        v["engine"] = json!(flags.value("engine"));
        print_json(&v);
    } else {
        println!("Source: {source}");
        print!("{}", report.render());
    }
    Ok(())
}

/// Each profile's constants beside what the corpus gives now.
fn profiles_text(fresh: &[ridgepoint::profile::Recomputed]) -> String {
    use ridgepoint::profile::{profile, Band};
    use std::fmt::Write;
    let eff = |e: &Efficiency| {
        format!(
            "bandwidth {:.0}%, compute {:.0}%, {:.0} µs per layer, {:.0} µs per sequence",
            e.bandwidth * 100.0,
            e.compute * 100.0,
            e.layer_overhead.get() * 1e6,
            e.sequence_overhead.get() * 1e6
        )
    };
    let band = |b: &Option<Band>| match b {
        None => "none".to_string(),
        Some(b) => format!(
            "{} figures ({}), median |error| {:.1}%, p90 {:.1}%, measured/estimated {:.3}–{:.3}",
            b.figures,
            if b.held_out { "held out" } else { "in sample" },
            b.median * 100.0,
            b.p90 * 100.0,
            b.low,
            b.high
        ),
    };
    let close = |a: &Option<Band>, b: &Option<Band>| match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.figures == b.figures
                && a.held_out == b.held_out
                && [
                    (a.median, b.median),
                    (a.p90, b.p90),
                    (a.low, b.low),
                    (a.high, b.high),
                ]
                .iter()
                .all(|(x, y)| (x - y).abs() < 5e-4)
        }
        _ => false,
    };
    let mut out = String::new();
    for r in fresh {
        let Some(p) = profile(r.id) else { continue };
        let _ = writeln!(
            out,
            "{} ({}): {} figures from {} sources",
            p.id, p.name, r.figures, r.sources
        );
        let _ = writeln!(out, "  holds   {}", eff(&p.efficiency));
        if let Some(f) = r.fitted {
            let same = (f.bandwidth - p.efficiency.bandwidth).abs() < 1e-9
                && (f.compute - p.efficiency.compute).abs() < 1e-9
                && (f.layer_overhead.get() - p.efficiency.layer_overhead.get()).abs() < 1e-12
                && (f.sequence_overhead.get() - p.efficiency.sequence_overhead.get()).abs() < 1e-12;
            let stale = if same { "" } else { "  STALE" };
            let _ = writeln!(out, "  fit now {}{stale}", eff(&f));
        }
        let _ = writeln!(out, "  band    {}", band(&p.band));
        let stale = if close(&p.band, &r.band) {
            ""
        } else {
            "  STALE"
        };
        let _ = writeln!(out, "  now     {}{stale}", band(&r.band));
        if let Some(b) = &r.band {
            let _ = writeln!(
                out,
                "          Band {{ figures: {}, median: {:.4}, p90: {:.4}, low: {:.4}, high: {:.4}, held_out: {} }}",
                b.figures, b.median, b.p90, b.low, b.high, b.held_out
            );
        }
    }
    out
}

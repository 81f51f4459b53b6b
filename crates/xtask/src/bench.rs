//! `cargo xtask bench`: the product's performance budgets, measured as /work/shared/MEASURING.md
//! says. Builds the release page (unless `--skip-build`), measures the transfer size of `dist/`
//! (size.rs), serves `dist/` on a free port of 127.0.0.1 (serve.rs, on its own thread) and runs
//! `node tests/bench/budgets.mjs <url>` for the in-browser figures: main-thread work per control
//! change and navigation to first chart painted.
//!
//! Figures, not tests: the exit code is 0 when a budget is missed, non-zero only when a
//! measurement could not be taken.

use crate::util::{cmd, root, Result};
use crate::{serve, setup, size};
use std::process::Stdio;

pub struct Options {
    skip_setup: bool,
    skip_build: bool,
    runs: u32,
    json: bool,
    trace: bool,
}

fn parse(rest: &[String]) -> Result<Options> {
    let mut o = Options {
        skip_setup: false,
        skip_build: false,
        runs: 1,
        json: false,
        trace: false,
    };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let runs = match a.as_str() {
            "--skip-setup" => {
                o.skip_setup = true;
                continue;
            }
            "--skip-build" => {
                o.skip_build = true;
                continue;
            }
            "--json" => {
                o.json = true;
                continue;
            }
            "--trace" => {
                o.trace = true;
                continue;
            }
            "--runs" => it.next().ok_or("--runs needs a number")?.as_str(),
            s if s.starts_with("--runs=") => &s["--runs=".len()..],
            other => return Err(format!("unexpected argument `{other}`")),
        };
        o.runs = match runs.parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => return Err(format!("--runs needs a whole number >= 1, not `{runs}`")),
        };
    }
    Ok(o)
}

fn verdict(figure: u64, budget: u64) -> String {
    if figure <= budget {
        "OK".into()
    } else {
        format!("MISSED by {} bytes", figure - budget)
    }
}

pub fn bench(rest: &[String]) -> Result<()> {
    let o = parse(rest)?;
    if !o.skip_build {
        if !o.skip_setup {
            setup::setup()?;
        }
        crate::trunk_build()?;
    }
    let dist = root().join("dist");
    if !dist.join("index.html").is_file() {
        return Err("dist/index.html does not exist; run `cargo xtask build` first".into());
    }

    // 1. Transfer size.
    let rows = size::measure(&dist)?;
    if rows.is_empty() {
        return Err("dist/ holds no files".into());
    }
    let (raw, gzip, brotli) = rows.iter().fold((0, 0, 0), |(a, b, c), r| {
        (a + r.raw, b + r.gzip, c + r.brotli)
    });
    let budget = size::BROTLI_BUDGET;
    if !o.json {
        println!(
            "Transfer size (dist/, no *.map or dot files; raw / gzip -9 / brotli -q 11 bytes)"
        );
        let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(5).max(5);
        for r in &rows {
            println!(
                "    {:<w$} {:>9} {:>9} {:>9}",
                r.name, r.raw, r.gzip, r.brotli
            );
        }
        println!("    {:<w$} {raw:>9} {gzip:>9} {brotli:>9}", "total");
        println!(
            "    brotli {brotli} bytes, budget {budget} bytes: {}",
            verdict(brotli, budget)
        );
    }

    // 2 and 3: in Chromium, against dist/ served on a free port.
    let server = serve::Server::start(&dist, 0, false)
        .map_err(|e| format!("starting the static server: {e}"))?;
    let url = server.url();
    eprintln!("xtask bench: serving dist/ on {url}");
    let script = root().join("tests/bench/budgets.mjs");
    let mut node = cmd("node");
    node.arg(&script)
        .arg(&url)
        .arg(format!("--runs={}", o.runs))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    if o.trace {
        node.arg("--trace");
    }
    let result = if o.json {
        node.arg("--json");
        node.output()
            .map_err(|e| format!("`node` could not start: {e}"))
            .and_then(|out| {
                if out.status.success() {
                    Ok(Some(
                        String::from_utf8_lossy(&out.stdout).trim().to_string(),
                    ))
                } else {
                    Err(format!("tests/bench/budgets.mjs failed ({})", out.status))
                }
            })
    } else {
        node.stdout(Stdio::inherit())
            .status()
            .map_err(|e| format!("`node` could not start: {e}"))
            .and_then(|status| {
                if status.success() {
                    Ok(None)
                } else {
                    Err(format!("tests/bench/budgets.mjs failed ({status})"))
                }
            })
    };
    server.stop();
    if let Some(page) = result? {
        println!(
            "{{\n\"transfer_size\": {{\"raw_bytes\": {raw}, \"gzip_bytes\": {gzip}, \
             \"brotli_bytes\": {brotli}, \"budget_brotli_bytes\": {budget}, \
             \"within_budget\": {}}},\n\"page\": {page}\n}}",
            brotli <= budget
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options() {
        let o = parse(&args(&["--skip-build", "--runs", "3", "--json"])).unwrap();
        assert!(o.skip_build && o.json && !o.trace && !o.skip_setup);
        assert_eq!(o.runs, 3);
        assert_eq!(parse(&args(&["--runs=2"])).unwrap().runs, 2);
        assert_eq!(parse(&[]).unwrap().runs, 1);
        assert!(parse(&args(&["--runs", "0"])).is_err());
        assert!(parse(&args(&["--runs"])).is_err());
        assert!(parse(&args(&["--fast"])).is_err());
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(153_600, 153_600), "OK");
        assert_eq!(verdict(153_700, 153_600), "MISSED by 100 bytes");
    }
}

//! Ridgepoint's task runner (the cargo-xtask pattern): `cargo xtask <command>`.
//!
//! std only; everything else is a tool it shells out to, installed by `cargo xtask setup`.

mod bench;
mod csp;
mod serve;
mod setup;
mod size;
mod util;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use util::{cmd, root, run, Result};

const USAGE: &str = "\
Ridgepoint tasks. Usage: cargo xtask <command> [options]

Commands:
  setup                   Install what is missing, idempotently: rust target wasm32-unknown-unknown,
                          trunk 0.22.1, wasm-bindgen-cli (= the wasm-bindgen in Cargo.lock),
                          npm packages (@playwright/test, binaryen's wasm-opt), and as root the
                          Debian packages chromium, chromium-driver, brotli, fonts-dejavu-core.
  build                   setup, then `trunk build --release` into dist/ (Trunk.toml).
  serve [--port N]        build, then serve dist/ on http://127.0.0.1:8080/ (or port N).
        [--no-build]      Serve dist/ as it is.
  test                    The one command that runs every test: setup; native: `cargo test
                          --all-targets` (so benches and examples compile; criterion benches run
                          once each), `cargo test --doc`, and a fuzz smoke run (200000 inputs,
                          fixed seed, as `fuzz` below); wasm-bindgen-test of ridgepoint-web in
                          headless Chromium; release build, served on a free port, and the
                          Playwright tests in tests/e2e.
       [--only native|wasm|e2e]   Run one of the three (repeatable).
  size                    Raw, gzip -9 and brotli -q 11 bytes of every file in dist/ (no *.map,
                          no dot files), the totals and the brotli budget (153600 bytes).
       [--check]          Exit non-zero when over budget.
  bench                   The budgets, measured as /work/shared/MEASURING.md says: build, transfer
                          size, then in headless Chromium (dist/ on a free port) main-thread work
                          per control change (p50/p95/max; page as loaded and roofline in view)
                          and navigation to first chart painted. Prints figures; exits 0 when a
                          budget is missed, non-zero only when a measurement fails.
        [--skip-build]    Measure dist/ as it is.
        [--runs N]        Repeat the in-browser measurements N times; report their median.
        [--json]          Print the figures as JSON.
        [--trace]         Add a traced pass (where main-thread time goes); automatic on a miss.
  fuzz                    Fuzz the link decoder and the config.json import (`fuzz` profile:
                          optimized, overflow checks and debug assertions on, panics caught).
                          Every input must decode without panicking or hanging, and its link
                          must round-trip; a link's estimate must be finite, and an imported
                          model's full estimate (derivations too) at 16 scenarios (1-64 GPUs,
                          every format, per-group formats, 128K and 1M prompts, batch 1-4096,
                          speculative as target and draft). A failure prints the input and a
                          replay command.
        [--inputs N]      How many inputs [10000000].
        [--seed S]        Generator seed (decimal).
        [--timeout SECS]  Longest one input may run before it counts as a hang [5].
  help                    This text.

Options for build, serve, test and bench:
  --skip-setup            Don't check or install tools first.
";

/// Chromium flags needed on this machine kind (TOOLCHAIN.md), plus a fresh --user-data-dir.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    };
    let result = match command.as_str() {
        "setup" => no_options(rest).and_then(|_| setup::setup()),
        "build" => build_cmd(rest),
        "serve" => serve_cmd(rest),
        "test" => test_cmd(rest),
        "size" => size_cmd(rest),
        "bench" => bench::bench(rest),
        "fuzz" => fuzz_cmd(rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn no_options(rest: &[String]) -> Result<()> {
    match rest.first() {
        Some(a) => Err(format!("unexpected argument `{a}`")),
        None => Ok(()),
    }
}

/// Splits off `--skip-setup`.
fn take_skip_setup(rest: &[String]) -> (bool, Vec<String>) {
    let skip = rest.iter().any(|a| a == "--skip-setup");
    (
        skip,
        rest.iter()
            .filter(|a| *a != "--skip-setup")
            .cloned()
            .collect(),
    )
}

fn build_cmd(rest: &[String]) -> Result<()> {
    let (skip_setup, rest) = take_skip_setup(rest);
    no_options(&rest)?;
    if !skip_setup {
        setup::setup()?;
    }
    trunk_build()
}

/// `trunk build --release` from the root, driven by Trunk.toml (target web/index.html, dist/).
fn trunk_build() -> Result<()> {
    if !root().join("web/index.html").is_file() {
        return Err("web/index.html does not exist yet; nothing for Trunk to build".into());
    }
    run(cmd("trunk").args(["build", "--release"]))?;
    csp::apply(&root().join("dist"))?;
    check_relative_urls(&root().join("dist/index.html"))
}

/// `dist/` must work from any sub-path of a static host: no root-absolute (`/x`, `//host/x`) asset
/// URLs in `href`/`src` attributes (quoted or, after minification, bare) or in module imports.
fn check_relative_urls(index: &Path) -> Result<()> {
    let html = fs::read_to_string(index).map_err(|e| format!("{}: {e}", index.display()))?;
    let bad = root_absolute_urls(&html);
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "dist/index.html uses root-absolute URLs {bad:?}; they must be relative (public_url = \"./\")"
        ))
    }
}

fn root_absolute_urls(html: &str) -> Vec<String> {
    const QUOTES: &[char] = &['"', '\'', '`'];
    let mut bad = Vec::new();
    // (marker, whether the value must be quoted to count as a URL)
    for (marker, needs_quote) in [
        ("href=", false),
        ("src=", false),
        ("from", true),
        ("import(", true),
        ("module_or_path:", true),
    ] {
        for (i, _) in html.match_indices(marker) {
            let rest = html[i + marker.len()..].trim_start();
            let quoted = rest.starts_with(QUOTES);
            if needs_quote && !quoted {
                continue;
            }
            let value = rest.trim_start_matches(QUOTES);
            if value.starts_with('/') {
                let end = value
                    .find(|c: char| c.is_whitespace() || QUOTES.contains(&c) || c == '>')
                    .unwrap_or(value.len());
                bad.push(value[..end].to_string());
            }
        }
    }
    bad
}

fn serve_cmd(rest: &[String]) -> Result<()> {
    let (skip_setup, rest) = take_skip_setup(rest);
    let mut port = 8080u16;
    let mut build = true;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-build" => build = false,
            "--port" => {
                let v = it.next().ok_or("--port needs a number")?;
                port = v.parse().map_err(|_| format!("bad port `{v}`"))?;
            }
            s if s.starts_with("--port=") => {
                let v = &s["--port=".len()..];
                port = v.parse().map_err(|_| format!("bad port `{v}`"))?;
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    if build {
        if !skip_setup {
            setup::setup()?;
        }
        trunk_build()?;
    }
    let dist = root().join("dist");
    if !dist.join("index.html").is_file() {
        return Err("dist/index.html does not exist; run `cargo xtask build` first".into());
    }
    let server = serve::Server::start(&dist, port, true)
        .map_err(|e| format!("can't serve on 127.0.0.1:{port}: {e}"))?;
    println!(
        "serving {} on {} (Ctrl-C to stop)",
        dist.display(),
        server.url()
    );
    server.wait();
    Ok(())
}

/// `cargo run` of the mutational fuzzer in crates/ridgepoint/examples/fuzz.rs, built with the
/// unwinding `fuzz` profile (overflow checks and debug assertions on) so each panic is caught
/// and reported with its input.
fn fuzz_command() -> std::process::Command {
    let mut c = cmd("cargo");
    c.args([
        "run",
        "--profile",
        "fuzz",
        "-p",
        "ridgepoint",
        "--example",
        "fuzz",
        "--",
    ]);
    c
}

/// `cargo xtask fuzz [--inputs N] [--seed S] [--timeout SECS]`.
fn fuzz_cmd(rest: &[String]) -> Result<()> {
    let mut c = fuzz_command();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--inputs" | "--seed" | "--timeout" => {
                let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
                c.args([a.as_str(), v.as_str()]);
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    run(&mut c)
}

fn size_cmd(rest: &[String]) -> Result<()> {
    let check = rest.iter().any(|a| a == "--check");
    if let Some(a) = rest.iter().find(|a| *a != "--check") {
        return Err(format!("unexpected argument `{a}`"));
    }
    let within = size::size()?;
    if check && !within {
        return Err("brotli total is over budget".into());
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Suite {
    Native,
    Wasm,
    E2e,
}

fn test_cmd(rest: &[String]) -> Result<()> {
    let (skip_setup, rest) = take_skip_setup(rest);
    let mut only: Vec<Suite> = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let v = match a.as_str() {
            "--only" => it.next().ok_or("--only needs native|wasm|e2e")?.as_str(),
            s if s.starts_with("--only=") => &s["--only=".len()..],
            other => return Err(format!("unexpected argument `{other}`")),
        };
        only.push(match v {
            "native" => Suite::Native,
            "wasm" => Suite::Wasm,
            "e2e" => Suite::E2e,
            other => return Err(format!("--only takes native, wasm or e2e, not `{other}`")),
        });
    }
    let wanted = |s: Suite| only.is_empty() || only.contains(&s);

    let started = Instant::now();
    let mut steps: Vec<(&str, std::result::Result<f64, String>)> = Vec::new();
    let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result<()>| {
        eprintln!("\nxtask test: ── {name} ──");
        let t = Instant::now();
        let r = f();
        let secs = t.elapsed().as_secs_f64();
        if let Err(e) = &r {
            eprintln!("xtask test: {name} FAILED: {e}");
        }
        let ok = r.is_ok();
        steps.push((name, r.map(|_| secs)));
        ok
    };

    let setup_ok = skip_setup || step("setup", &mut setup::setup);
    if setup_ok {
        if wanted(Suite::Native) {
            step(
                "native tests (cargo test --all-targets, --doc)",
                &mut test_native,
            );
            step("fuzz smoke run", &mut fuzz_smoke);
        }
        if wanted(Suite::Wasm) {
            step("wasm tests (wasm-bindgen-test, Chromium)", &mut test_wasm);
        }
        if wanted(Suite::E2e) && step("release build (trunk)", &mut trunk_build) {
            step("e2e tests (Playwright)", &mut test_e2e);
        }
    }

    eprintln!(
        "\nxtask test: summary ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    for (name, r) in &steps {
        match r {
            Ok(secs) => eprintln!("  ok      {name} ({secs:.1} s)"),
            Err(_) => eprintln!("  FAILED  {name}"),
        }
    }
    let failed: Vec<&str> = steps.iter().filter(|s| s.1.is_err()).map(|s| s.0).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failed.join(", ")))
    }
}

/// The native crates: every workspace member but the web crate (which is wasm-only), every
/// target: lib, bins, tests, examples (built, so the fuzz harness keeps compiling) and benches
/// (criterion runs each benchmark once under `cargo test`, so they compile and run); then the
/// doctests, which `--all-targets` leaves out. Both run even when the first fails.
fn test_native() -> Result<()> {
    let cargo_test = |targets: &str| {
        run(cmd("cargo").args([
            "test",
            "--workspace",
            "--exclude",
            "ridgepoint-web",
            targets,
            "--no-fail-fast",
        ]))
    };
    match (cargo_test("--all-targets"), cargo_test("--doc")) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
        (Err(a), Err(b)) => Err(format!("{a}; {b}")),
    }
}

/// Inputs of the fuzz smoke run in `cargo xtask test`: ≈7 s of CPU (6.5-8 s on the shared 2-core
/// machine), plus rebuilding the harness in the `fuzz` profile when the engine changed (≈6-18 s;
/// 1m40 the first time, with its dependencies).
const SMOKE_INPUTS: u64 = 200_000;
/// Its generator seed, fixed so a failure replays (`cargo xtask fuzz --seed … --inputs …`).
const SMOKE_SEED: u64 = 0x2545_f491_4f6c_dd1d;

/// A short fixed-seed run of `cargo xtask fuzz`: fails on any panic, non-finite figure, link
/// that does not round-trip, or input running longer than the 5 s bound.
fn fuzz_smoke() -> Result<()> {
    run(fuzz_command().args([
        "--inputs",
        &SMOKE_INPUTS.to_string(),
        "--seed",
        &SMOKE_SEED.to_string(),
    ]))
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// target/xtask/webdriver.json for wasm-bindgen-test-runner: Debian's Chromium, the flags from
/// TOOLCHAIN.md and a user-data-dir that is emptied on every run.
fn write_webdriver_json() -> Result<PathBuf> {
    let dir = root().join("target/xtask");
    let profile = dir.join("wasm-test-chromium-profile");
    let _ = fs::remove_dir_all(&profile);
    fs::create_dir_all(&profile).map_err(|e| format!("{}: {e}", profile.display()))?;
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| json_str(f)).collect();
    args.push(json_str(&format!("--user-data-dir={}", profile.display())));
    let json = format!(
        "{{\n  \"goog:chromeOptions\": {{\n    \"binary\": {},\n    \"args\": [\n      {}\n    ]\n  }}\n}}\n",
        json_str(setup::CHROMIUM),
        args.join(",\n      ")
    );
    let path = dir.join("webdriver.json");
    fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// The web crate's wasm-bindgen tests, in headless Chromium via ChromeDriver. Only `--tests`
/// targets (lib, bin, tests/): doctests would be cross-compiled to wasm and can't run there.
fn test_wasm() -> Result<()> {
    let webdriver_json = write_webdriver_json()?;
    let mut c = cmd("cargo");
    c.args([
        "test",
        "-p",
        "ridgepoint-web",
        "--target",
        setup::WASM_TARGET,
        "--tests",
        "--no-fail-fast",
    ])
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", setup::CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json);
    if env::var_os("WASM_BINDGEN_TEST_TIMEOUT").is_none() {
        c.env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    }
    run(&mut c)
}

/// Serves dist/ on a free port and runs Playwright against it.
fn test_e2e() -> Result<()> {
    let server = serve::Server::start(&root().join("dist"), 0, false)
        .map_err(|e| format!("starting the static server: {e}"))?;
    let url = server.url();
    eprintln!("xtask test: serving dist/ on {url}");
    let playwright = root().join("node_modules/.bin/playwright");
    let r = run(cmd(playwright.to_str().unwrap())
        .args(["test", "-c", "tests/playwright.config.ts"])
        .env("BASE_URL", &url));
    server.stop();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes() {
        assert_eq!(json_str(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn relative_url_check() {
        let ok = [
            r#"<link rel="modulepreload" href="./app-1.js"><script type="module">import init from './app-1.js';</script>"#,
            r#"<script type=module>import init,*as b from"./a.js";await init({module_or_path:`./a_bg.wasm`})</script><link href=./s.css rel=stylesheet>"#,
            r#"<meta content="data from /dev/null" name=description>"#,
        ];
        for html in ok {
            assert!(root_absolute_urls(html).is_empty(), "{html}");
        }
        let bad = [
            (
                r#"<link rel="modulepreload" href="/app-1.js">"#,
                "/app-1.js",
            ),
            (r#"<link href=/s.css rel=stylesheet>"#, "/s.css"),
            (r#"import init,*as b from"/a.js";"#, "/a.js"),
            (r#"init({module_or_path:`/a_bg.wasm`})"#, "/a_bg.wasm"),
            (r#"<img src='//cdn/x.png'>"#, "//cdn/x.png"),
        ];
        for (html, url) in bad {
            assert_eq!(root_absolute_urls(html), [url], "{html}");
        }
        let dir = env::temp_dir().join(format!("xtask-url-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let f = dir.join("index.html");
        fs::write(&f, ok[1]).unwrap();
        assert!(check_relative_urls(&f).is_ok());
        fs::write(&f, bad[0].0).unwrap();
        assert!(check_relative_urls(&f).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}

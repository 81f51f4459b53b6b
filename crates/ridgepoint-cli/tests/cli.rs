//! The `ridgepoint` binary: subcommands, JSON output, and refusing bad input with exit 2.

use serde_json::Value;
use std::process::{Command, Output};

fn ridgepoint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ridgepoint"))
        .args(args)
        .output()
        .expect("the ridgepoint binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn close(actual: f64, expected: f64, rel: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs()
}

const SEED: [&str; 12] = [
    "--gpu",
    "a100-80gb-sxm",
    "--model",
    "llama-2-7b",
    "--weights",
    "fp16",
    "--batch",
    "1",
    "--prompt",
    "2048",
    "--output",
    "128",
];

fn seed_json() -> Value {
    let mut args = vec!["estimate"];
    args.extend(SEED);
    args.push("--json");
    let o = ridgepoint(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("estimate --json prints one JSON object")
}

/// `memory.fits` → `v["memory"]["fits"]`.
fn at<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(v, |v, k| v.get(k))
}

#[test]
fn estimate_json_has_every_required_key() {
    let v = seed_json();
    for key in [
        "ttft_s",
        "ttft_floor_s",
        "tpot_s",
        "tpot_floor_s",
        "throughput_tokens_per_s",
        "ridge_flop_per_byte",
        "decode.intensity",
        "prefill.intensity",
        "memory.weights_bytes",
        "memory.kv_cache_bytes",
        "memory.total_bytes",
        "memory.capacity_bytes",
        "memory.fits",
        "kv_crossover_batch",
        "max_batch",
        "request_latency_s",
    ] {
        assert!(at(&v, key).is_some(), "missing key {key} in {v:#}");
    }
    assert_eq!(at(&v, "memory.fits"), Some(&Value::Bool(true)));
    assert_eq!(
        at(&v, "scenario.gpu").and_then(Value::as_str),
        Some("a100-80gb-sxm")
    );
    assert_eq!(
        at(&v, "scenario.model").and_then(Value::as_str),
        Some("llama-2-7b")
    );
}

#[test]
fn estimate_json_matches_the_seed_figures() {
    let v = seed_json();
    let f = |k: &str| at(&v, k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    // 6.74 B parameters × 2 bytes.
    assert!(
        close(f("memory.weights_bytes"), 13.48e9, 0.002),
        "{}",
        f("memory.weights_bytes")
    );
    // 312 TFLOP/s / 2.039 TB/s.
    assert!(
        close(f("ridge_flop_per_byte"), 153.0, 0.005),
        "{}",
        f("ridge_flop_per_byte")
    );
    // The seed's "≈ 9 ms" for a 2048-token prompt is off by 10×: its own formula gives ≈ 90 ms.
    assert!(
        close(f("ttft_floor_s"), 0.0885, 0.01),
        "{}",
        f("ttft_floor_s")
    );
    // Calibrated figures are slower than the floor, and consistent with each other.
    assert!(f("ttft_s") >= f("ttft_floor_s"));
    assert!(f("tpot_s") >= f("tpot_floor_s"));
    let latency = f("ttft_s") + 127.0 * f("tpot_s");
    assert!(close(f("request_latency_s"), latency, 1e-9));
    assert!(close(f("throughput_tokens_per_s"), 128.0 / latency, 1e-9));
    // nvidia-smi: 81920MiB (the catalog row cites where).
    assert_eq!(f("memory.capacity_bytes"), 81920.0 * 1024.0 * 1024.0);
}

#[test]
fn estimate_text_shows_floor_and_calibrated_figures() {
    let mut args = vec!["estimate"];
    args.extend(SEED);
    let o = ridgepoint(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "Memory per GPU",
        "13.5 GB",
        "fits",
        "ridge 153 FLOP/B",
        "memory-bound",
        "compute-bound",
        "time to first token",
        "88.5 ms",
        "time per output token",
        "request latency",
        "throughput",
        "largest batch that fits: 62",
        "KV cache outweighs the weights from batch 12",
        "knee",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

#[test]
fn flags_accept_the_equals_form() {
    let o = ridgepoint(&[
        "estimate",
        "--gpu=h100-sxm",
        "--gpus=2",
        "--model=llama-2-70b",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(at(&v, "scenario.gpus").and_then(Value::as_u64), Some(2));
    assert_eq!(
        at(&v, "scenario.gpu").and_then(Value::as_str),
        Some("h100-sxm")
    );
}

#[test]
fn an_unknown_gpu_is_refused_with_exit_2_naming_it() {
    let o = ridgepoint(&["estimate", "--gpu", "h9000", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error:"), "{err}");
    assert!(err.contains("--gpu") && err.contains("h9000"), "{err}");
    assert!(stdout(&o).is_empty(), "nothing is estimated on bad input");
}

#[test]
fn every_bad_value_is_reported_not_replaced() {
    let o = ridgepoint(&[
        "estimate",
        "--model",
        "gpt-5",
        "--weights",
        "fp12",
        "--batch",
        "0",
        "--prompt",
        "abc",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for needle in [
        "--model",
        "gpt-5",
        "--weights",
        "fp12",
        "--batch",
        "--prompt",
        "abc",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in {err}");
    }
    assert!(!err.contains("using"), "the CLI does not fall back: {err}");
}

#[test]
fn an_unknown_flag_exits_2_naming_it() {
    for cmd in ["estimate", "explain", "validate", "gpus", "models"] {
        let o = ridgepoint(&[cmd, "--bogus", "1"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        assert!(stderr(&o).contains("--bogus"), "{cmd}: {}", stderr(&o));
    }
}

#[test]
fn a_missing_value_or_repeated_flag_exits_2() {
    let o = ridgepoint(&["estimate", "--gpu"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--gpu needs a value"), "{}", stderr(&o));
    let o = ridgepoint(&["estimate", "--batch", "2", "--batch", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--batch"), "{}", stderr(&o));
    let o = ridgepoint(&["estimate", "stray"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("stray"), "{}", stderr(&o));
}

#[test]
fn an_unknown_or_missing_command_exits_2() {
    let o = ridgepoint(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("frobnicate"));
    let o = ridgepoint(&[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_command_has_help() {
    for cmd in ["gpus", "models", "estimate", "explain", "validate"] {
        let o = ridgepoint(&[cmd, "--help"]);
        assert!(o.status.success(), "{cmd}");
        assert!(stdout(&o).contains(&format!("ridgepoint {cmd}")), "{cmd}");
        let o = ridgepoint(&["help", cmd]);
        assert!(o.status.success(), "{cmd}");
    }
    let o = ridgepoint(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("validate"));
    assert!(stdout(&ridgepoint(&["validate", "-h"])).contains("--sweep"));
}

#[test]
fn gpus_and_models_list_ids_and_names_in_columns() {
    let o = ridgepoint(&["gpus"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for id in [
        "a100-80gb-sxm",
        "h100-sxm",
        "rtx-4090",
        "mi300x",
        "m2-ultra",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(id)),
            "{id} not listed:\n{out}"
        );
    }
    assert!(out.contains("NVIDIA A100 80GB SXM"));
    // Names start in one column.
    let starts: Vec<usize> = out
        .lines()
        .skip(1)
        .map(|l| l.find("  ").unwrap() + l[l.find("  ").unwrap()..].find(|c| c != ' ').unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{starts:?}");

    let out = stdout(&ridgepoint(&["models"]));
    for id in ["llama-2-7b", "llama-3.1-70b", "mixtral-8x7b", "gpt-j-6b"] {
        assert!(
            out.lines().any(|l| l.starts_with(id)),
            "{id} not listed:\n{out}"
        );
    }
    let v: Value = serde_json::from_str(&stdout(&ridgepoint(&["gpus", "--json"]))).unwrap();
    assert!(v
        .as_array()
        .is_some_and(|a| a.iter().any(|g| g["id"] == "h100-sxm")));
}

#[test]
fn explain_prints_every_derivation() {
    let mut args = vec!["explain"];
    args.extend(SEED);
    let o = ridgepoint(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let derivations: Vec<&str> = out.lines().filter(|l| l.contains(" = ")).collect();
    assert!(derivations.len() >= 15, "{out}");
    assert!(out.contains("Ridge point: I_ridge = F / BW = 312 TFLOP/s / 2.04 TB/s = 153 FLOP/B"));
    assert!(out.contains("Time to first token (floor)"));
    assert!(out.contains("88.5 ms"));

    let o = ridgepoint(&["explain", "--gpu", "nope"]);
    assert_eq!(o.status.code(), Some(2));

    let o = ridgepoint(&["explain", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v
        .as_array()
        .is_some_and(|a| a.iter().any(|d| d["key"] == "ridge_flop_per_byte")));
}

#[test]
fn validate_prints_rows_medians_and_skips() {
    let o = ridgepoint(&["validate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "m097",
        "tpot_bs1",
        "throughput",
        "ttft",
        "median |error|",
        "Skipped",
        "m039",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
    let o = ridgepoint(&["validate", "--json", "--bandwidth", "0.8"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        at(&v, "efficiency.bandwidth").and_then(Value::as_f64),
        Some(0.8)
    );
    assert!(v["results"].as_array().is_some_and(|r| r.len() > 30));
    assert!(v["skipped"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(v["classes"].as_array().is_some_and(|c| c.len() == 5));

    let o = ridgepoint(&["validate", "--bandwidth", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--bandwidth"));
}

#[test]
fn validate_reports_a_bad_file_by_column_and_path() {
    let dir = std::env::temp_dir().join(format!("ridgepoint-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.tsv");
    std::fs::write(&path, "id\tmodel\tgpu\n").unwrap();
    let o = ridgepoint(&["validate", "--file", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("missing column") && err.contains("weights_precision"),
        "{err}"
    );

    let o = ridgepoint(&[
        "validate",
        "--file",
        dir.join("absent.tsv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("absent.tsv"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn chart_draws_every_chart_to_svg_with_the_page_code() {
    let dir = std::env::temp_dir().join(format!("ridgepoint-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for id in [
        "why-decode",
        "roofline",
        "memory",
        "fit-matrix",
        "kv-crossover",
        "kv-context",
        "decode-intensity",
        "prefill-intensity",
        "ttft",
        "batch-throughput",
    ] {
        let path = dir.join(format!("{id}.svg"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ridgepoint"))
            .args([
                "chart",
                id,
                "--model",
                "llama-2-70b",
                "--weights",
                "int4",
                "-o",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{id}"
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{id}");
    }
    let roof = std::fs::read_to_string(dir.join("roofline.svg")).unwrap();
    assert!(
        roof.contains("ridge 153 FLOP/B"),
        "the seed's ridge on the A100"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn chart_refuses_an_unknown_id_and_a_missing_output() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ridgepoint"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["chart", "pie", "-o", "x.svg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown chart \u{201c}pie\u{201d}"));
    let out = run(&["chart", "roofline"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs -o FILE (.svg, .png"));
}

const CONFIGS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../ridgepoint/tests/data/configs"
);

#[test]
fn config_gives_the_same_json_keys_as_a_catalog_model() {
    // Llama-2-7B's published config.json against the catalog's llama-2-7b: the same counts.
    let path = format!("{CONFIGS}/llama-2-7b.json");
    let pasted = ridgepoint(&["estimate", "--config", &path, "--json"]);
    assert!(pasted.status.success(), "{}", stderr(&pasted));
    let a: Value = serde_json::from_slice(&pasted.stdout).unwrap();
    let b = seed_json();
    for key in [
        "/params/total",
        "/params/active",
        "/memory/kv_cache_bytes",
        "/max_batch",
    ] {
        assert_eq!(a.pointer(key), b.pointer(key), "{key}");
        assert!(a.pointer(key).is_some(), "{key} missing");
    }
}

#[test]
fn config_from_standard_input_and_its_refusals() {
    use std::io::Write;
    let text = std::fs::read_to_string(format!("{CONFIGS}/gpt-oss-120b.json")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ridgepoint"))
        .args(["estimate", "--config", "-", "--gpu", "h100-sxm", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // gpt-oss-120b: 116.8 B stored (OpenAI's model card: 116.8B total).
    let total = v.pointer("/params/total").and_then(Value::as_f64).unwrap();
    assert!(close(total, 116.8e9, 0.01), "{total}");
    // Its stored MXFP4 format is named as an assumption on standard error.
    assert!(stderr(&out).contains("mxfp4"), "{}", stderr(&out));

    // A refusal names the key and exits 2.
    let bad = ridgepoint(&[
        "estimate",
        "--config",
        &format!("{CONFIGS}/qwen3-next-80b-a3b-thinking.json"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("model_type"), "{}", stderr(&bad));
    let both = ridgepoint(&["estimate", "--config", "x.json", "--model", "llama-2-7b"]);
    assert_eq!(both.status.code(), Some(2));
    let missing = ridgepoint(&["estimate", "--config", "/nonexistent/config.json"]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn link_estimates_exactly_the_pages_scenario() {
    let link = "http://127.0.0.1:8080/?v=1&cal=2&gpu=h100-sxm&model=llama-2-70b&w=fp8&gpus=2&\
                batch=8#roofline";
    let from_link = ridgepoint(&["estimate", "--link", link, "--json"]);
    assert!(from_link.status.success(), "{}", stderr(&from_link));
    assert_eq!(stderr(&from_link), "");
    // A link made before calibration 2 (no `cal`) gives the same figures and says they were
    // recalibrated since.
    let old = ridgepoint(&["estimate", "--link", "?v=1&batch=8", "--json"]);
    assert!(old.status.success(), "{}", stderr(&old));
    assert!(
        stderr(&old).contains("recalibrated since: calibration 2 on 2026-12-02"),
        "{}",
        stderr(&old)
    );
    let flags = ridgepoint(&[
        "estimate",
        "--gpu",
        "h100-sxm",
        "--model",
        "llama-2-70b",
        "--weights",
        "fp8",
        "--gpus",
        "2",
        "--batch",
        "8",
        "--json",
    ]);
    assert_eq!(stdout(&from_link), stdout(&flags));
    // A flag overrides the link; a bad field in the link is named by its key.
    let over = ridgepoint(&["estimate", "--link", link, "--batch", "1", "--json"]);
    let v: Value = serde_json::from_slice(&over.stdout).unwrap();
    assert_eq!(
        v.pointer("/scenario/batch").and_then(Value::as_u64),
        Some(1),
        "{v}"
    );
    let bad = ridgepoint(&["estimate", "--link", "?v=1&batch=99999"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("\u{201c}batch\u{201d}"),
        "{}",
        stderr(&bad)
    );
    let empty = ridgepoint(&["estimate", "--link", "http://example.com/"]);
    assert_eq!(empty.status.code(), Some(2));
}

fn estimate_of(args: &[&str]) -> Value {
    let mut a = vec!["estimate"];
    a.extend(args);
    a.push("--json");
    let o = ridgepoint(&a);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn version_prints_the_crate_version() {
    for flag in ["--version", "-V", "version"] {
        let o = ridgepoint(&[flag]);
        assert!(o.status.success(), "{flag}");
        assert_eq!(
            stdout(&o),
            format!("ridgepoint {}\n", env!("CARGO_PKG_VERSION")),
            "{flag}"
        );
    }
    assert!(stdout(&ridgepoint(&["--help"])).contains("--version"));
    assert_eq!(ridgepoint(&["version", "extra"]).status.code(), Some(2));
}

/// Width and height from a PNG's IHDR chunk, after checking the signature and chunk name.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[test]
fn chart_writes_png_when_the_file_name_asks_for_it() {
    let dir = std::env::temp_dir().join(format!("ridgepoint-png-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (id, theme) in [
        ("roofline", "light"),
        ("ttft", "dark"),
        ("fit-matrix", "light"),
    ] {
        let path = dir.join(format!("{id}.PNG"));
        let o = ridgepoint(&[
            "chart",
            id,
            "-o",
            path.to_str().unwrap(),
            "--width",
            "640",
            "--height",
            "400",
            "--theme",
            theme,
        ]);
        assert!(o.status.success(), "{id}: {}", stderr(&o));
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(png_size(&bytes), (640, 400), "{id}");
        // Bit depth 8, colour type 2 (RGB).
        assert_eq!((bytes[24], bytes[25]), (8, 2), "{id}");
        // A drawn chart, not a blank canvas: it compresses to more than a flat fill would.
        assert!(bytes.len() > 10_000, "{id}: {} bytes", bytes.len());
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn chart_refuses_a_format_it_cannot_write_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("ridgepoint-jpg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["x.jpg", "x.pdf", "x"] {
        let path = dir.join(name);
        let o = ridgepoint(&["chart", "roofline", "-o", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(stderr(&o).contains(".svg, .png"), "{name}: {}", stderr(&o));
        assert!(!path.exists(), "{name} was written");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Every `--flag` a help text names.
fn flags_in(help: &str) -> Vec<String> {
    let mut v: Vec<String> = help
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '`' | '(' | ')'))
        .filter_map(|w| w.strip_prefix("--"))
        .map(|w| w.split('=').next().unwrap_or(w))
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(String::from)
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn chart_help_lists_exactly_the_flags_that_work() {
    let help = stdout(&ridgepoint(&["chart", "--help"]));
    assert!(!help.contains("--json"), "{help}");
    assert!(help.contains(".png"), "{help}");
    let flags = flags_in(&help);
    for f in [
        "out",
        "theme",
        "width",
        "height",
        "gpu",
        "bandwidth-eff",
        "draft",
        "link",
    ] {
        assert!(flags.iter().any(|x| x == f), "{f} missing from {flags:?}");
    }
    // Each named flag is accepted: a bad value, never "unknown flag".
    for f in &flags {
        // `--help` prints help; `--flag` is the syntax line ("`--flag VALUE` or …").
        if f == "help" || f == "flag" {
            continue;
        }
        let o = ridgepoint(&["chart", "roofline", &format!("--{f}"), "bogus!", "-o", "-"]);
        assert!(
            !stderr(&o).contains("unknown flag"),
            "--{f}: {}",
            stderr(&o)
        );
    }
    let o = ridgepoint(&["chart", "roofline", "--json", "-o", "-"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_lists_every_weight_format_and_no_internal_names() {
    for cmd in ["estimate", "explain", "chart", "advise"] {
        let help = stdout(&ridgepoint(&[cmd, "--help"]));
        let formats = help
            .split("--weights P")
            .nth(1)
            .and_then(|t| t.split("--weights-attention").next())
            .unwrap_or_else(|| panic!("{cmd}: no --weights line"));
        for p in ridgepoint::Precision::ALL {
            assert!(
                formats.split_whitespace().any(|w| w == p.id()),
                "{cmd}: {} missing from --weights help",
                p.id()
            );
        }
        assert!(!help.contains("::"), "{cmd}: {help}");
    }
    let top = stdout(&ridgepoint(&["--help"]));
    assert!(!top.contains("::"), "{top}");
    // The calibrated defaults are stated as numbers, read from the constant: 80%, 45%, 60 µs.
    let c = ridgepoint::Efficiency::CALIBRATED;
    let help = stdout(&ridgepoint(&["estimate", "--help"]));
    for n in [
        format!("{:.0}% of peak bandwidth", c.bandwidth * 100.0),
        format!("{:.0}% of the dense compute peak", c.compute * 100.0),
        format!("{} µs per layer", c.layer_overhead.get() * 1e6),
        format!("{} µs per sequence", c.sequence_overhead.get() * 1e6),
    ] {
        assert!(help.contains(&n), "{n} missing from\n{help}");
    }
}

#[test]
fn runtime_flags_change_the_estimate_as_the_link_keys_do() {
    let pairs: [(&[&str], &str); 6] = [
        (&["--bandwidth-eff", "0.5"], "?v=1&eb=50"),
        (&["--compute-eff", "0.9"], "?v=1&ec=90"),
        (&["--layer-overhead-us", "100"], "?v=1&layer=100"),
        (
            &["--sequence-overhead-us", "5", "--batch", "64"],
            "?v=1&seq=5&batch=64",
        ),
        (&["--overhead-gb", "2.5"], "?v=1&ovh=2500"),
        (
            &[
                "--model",
                "llama-3.1-70b",
                "--gpu",
                "h100-sxm",
                "--gpus",
                "2",
                "--draft",
                "llama-3.2-1b",
                "--draft-tokens",
                "3",
                "--acceptance",
                "0.6",
            ],
            "?v=1&model=llama-3.1-70b&gpu=h100-sxm&gpus=2&draft=llama-3.2-1b&k=3&acc=60",
        ),
    ];
    let base = estimate_of(&[]);
    for (flags, link) in pairs {
        let a = estimate_of(flags);
        let b = estimate_of(&["--link", link]);
        for key in [
            "ttft_s",
            "tpot_s",
            "throughput_tokens_per_s",
            "memory.total_bytes",
        ] {
            assert_eq!(at(&a, key), at(&b, key), "{flags:?} / {link}: {key}");
        }
        assert_ne!(a, base, "{flags:?} changed nothing");
    }
    // Hand check, Llama-2-7B on the A100 80GB SXM (2,039 GB/s) at batch 1: decode is
    // memory-bound, so at 50% of peak bandwidth a step takes bytes / (0.5 × 2.039e12) plus 32
    // layers × 60 µs and its one sequence × 20 µs.
    let a = estimate_of(&["--bandwidth-eff", "0.5"]);
    let bytes = at(&a, "decode.bytes").unwrap().as_f64().unwrap();
    let tpot = at(&a, "tpot_s").unwrap().as_f64().unwrap();
    assert!(
        close(tpot, bytes / (0.5 * 2.039e12) + 32.0 * 60e-6 + 20e-6, 1e-9),
        "{tpot}"
    );
    // 2.5 GB of runtime overhead per GPU.
    let o = estimate_of(&["--overhead-gb", "2.5"]);
    assert_eq!(
        at(&o, "memory.overhead_bytes").unwrap().as_f64(),
        Some(2.5e9)
    );
    // Speculative decoding: (1 − 0.6⁴) / (1 − 0.6) = 0.8704 / 0.4 = 2.176 tokens per step.
    let s = estimate_of(pairs[5].0);
    let tps = at(&s, "speculative.tokens_per_step")
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(close(tps, 2.176, 1e-12), "{tps}");
}

#[test]
fn runtime_flags_refuse_values_a_link_cannot_hold() {
    for (flag, v) in [
        ("--bandwidth-eff", "1.5"),
        ("--bandwidth-eff", "0"),
        ("--compute-eff", "0.455"),
        ("--acceptance", "-0.1"),
        ("--overhead-gb", "0.0005"),
        ("--overhead-gb", "200"),
        ("--layer-overhead-us", "20000"),
        ("--draft-tokens", "0"),
        ("--draft", "gpt-5"),
    ] {
        let o = ridgepoint(&["estimate", flag, v]);
        assert_eq!(o.status.code(), Some(2), "{flag} {v}");
        assert!(stderr(&o).contains(flag), "{flag} {v}: {}", stderr(&o));
    }
}

fn advise_json(args: &[&str]) -> Value {
    let mut a = vec!["advise"];
    a.extend(args);
    a.push("--json");
    let o = ridgepoint(&a);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn advise_rows_are_the_estimates_with_the_lever_applied() {
    let v = advise_json(&["--gpu", "h100-sxm"]);
    assert_eq!(v["goal"], "latency");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 14);
    let base = estimate_of(&["--gpu", "h100-sxm"]);
    assert_eq!(v["baseline"]["ttft_s"], base["ttft_s"]);
    // Each lever that is a link change: its row's figures are `estimate` with those keys.
    for lever in ["weights-fp8", "kv-fp8", "batch-x2", "tp-x2", "pp-x2"] {
        let r = rows.iter().find(|r| r["lever"] == lever).unwrap();
        assert_eq!(r["outcome"], "applied", "{lever}");
        let mut link = String::from("?v=1&gpu=h100-sxm");
        for kv in r["link"].as_array().unwrap() {
            link.push_str(&format!(
                "&{}={}",
                kv[0].as_str().unwrap(),
                kv[1].as_str().unwrap()
            ));
        }
        let e = estimate_of(&["--link", &link]);
        for (row_key, est_key) in [
            ("ttft_s", "ttft_s"),
            ("tpot_s", "tpot_s"),
            ("throughput_tokens_per_s", "throughput_tokens_per_s"),
            ("memory_bytes", "memory.total_bytes"),
            ("max_batch", "max_batch"),
        ] {
            assert_eq!(
                r["after"][row_key].as_f64(),
                at(&e, est_key).unwrap().as_f64(),
                "{lever}: {row_key}"
            );
        }
    }
}

#[test]
fn advise_ranks_by_goal_and_says_when_a_model_does_not_fit() {
    // Llama-2-70B at FP16 (≈ 138 GB of weights) on one A100 80GB: fit goal, INT4 first.
    let v = advise_json(&["--model", "llama-2-70b", "--goal", "fit"]);
    assert_eq!(v["goal"], "fit");
    assert_eq!(v["baseline"]["fits"], false);
    assert_eq!(v["rows"][0]["lever"], "weights-int4");
    assert!(v["rows"][0]["why"]
        .as_str()
        .unwrap()
        .starts_with("Now fits:"));
    let o = ridgepoint(&["advise", "--model", "llama-2-70b"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("DOES NOT FIT"), "{text}");
    assert!(text.contains("Still does not fit:"), "{text}");
    for (args, msg) in [
        (&["--goal", "speed"][..], "--goal"),
        (&["--prefix-share", "1"][..], "--prefix-share"),
        (&["--batch", "0"][..], "--batch"),
    ] {
        let mut a = vec!["advise"];
        a.extend(args);
        let o = ridgepoint(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(msg), "{args:?}: {}", stderr(&o));
    }
    let help = stdout(&ridgepoint(&["advise", "--help"]));
    assert!(help.contains("--goal") && help.contains("--json"), "{help}");
}

#[test]
fn advise_takes_the_draft_flags_for_its_speculative_row() {
    let args = [
        "--model",
        "llama-3.1-70b",
        "--gpu",
        "h100-sxm",
        "--gpus",
        "2",
        "--draft",
        "llama-3.1-8b",
        "--draft-tokens",
        "2",
        "--acceptance",
        "0.5",
    ];
    let v = advise_json(&args);
    // The baseline is the scenario without speculation …
    let plain = estimate_of(&args[..6]);
    assert_eq!(v["baseline"]["tpot_s"], plain["tpot_s"]);
    // … and the row is the estimate with it.
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["lever"] == "speculative")
        .unwrap();
    assert!(
        row["label"].as_str().unwrap().contains("Llama-3.1-8B"),
        "{row}"
    );
    let with = estimate_of(&args);
    assert_eq!(row["after"]["tpot_s"], with["tpot_s"]);
    // (1 − 0.5³) / (1 − 0.5) = 1.75 tokens per step.
    assert!(
        row["why"].as_str().unwrap().contains("emits 1.75 tokens"),
        "{row}"
    );
}

#[test]
fn chart_to_an_unwritable_path_exits_1_naming_it() {
    for name in ["/nonexistent-dir/x.png", "/nonexistent-dir/x.svg"] {
        let o = ridgepoint(&["chart", "memory", "-o", name]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(stderr(&o).contains(name), "{name}: {}", stderr(&o));
    }
}

#[test]
fn chart_png_without_a_font_says_where_it_looked_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("ridgepoint-nofont-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("roofline.png");
    let o = Command::new(env!("CARGO_BIN_EXE_ridgepoint"))
        .args(["chart", "roofline", "-o", path.to_str().unwrap()])
        .env("RIDGEPOINT_FONT", dir.join("missing.ttf"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("RIDGEPOINT_FONT="), "{}", stderr(&o));
    assert!(!path.exists());
    // A file that is not a font is refused by name too.
    let junk = dir.join("junk.ttf");
    std::fs::write(&junk, b"not a font").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_ridgepoint"))
        .args(["chart", "roofline", "-o", path.to_str().unwrap()])
        .env("RIDGEPOINT_FONT", &junk)
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("font"), "{}", stderr(&o));
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).ok();
}

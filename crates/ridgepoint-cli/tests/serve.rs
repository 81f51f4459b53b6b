//! `ridgepoint serve`: the JSON keys the issue lists, the CSV rows, agreement with the static
//! estimate at a low rate, the closed loop, the cost formula, and refusals naming the flag.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ridgepoint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ridgepoint"))
        .args(args)
        .output()
        .expect("the ridgepoint binary runs")
}

fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ridgepoint"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ridgepoint binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("stdin takes the trace");
    child.wait_with_output().expect("the binary ends")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn json(args: &[&str]) -> Value {
    let mut a = vec!["serve"];
    a.extend(args);
    a.push("--json");
    let o = ridgepoint(&a);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("serve --json prints one JSON object")
}

fn at<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(v, |v, k| v.get(k))
}

fn num(v: &Value, dotted: &str) -> f64 {
    at(v, dotted)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{dotted} is not a number in {v:#}"))
}

fn close(actual: f64, expected: f64, rel: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs()
}

#[test]
fn json_has_every_key_the_issue_lists() {
    let v = json(&["--rate", "2", "--requests", "200"]);
    for key in ["ttft_s", "tpot_s", "e2e_s"] {
        for p in ["p50", "p90", "p99", "mean"] {
            let x = num(&v, &format!("{key}.{p}"));
            assert!(x.is_finite() && x > 0.0, "{key}.{p} = {x}");
        }
        assert!(num(&v, &format!("{key}.p50")) <= num(&v, &format!("{key}.p99")));
    }
    for key in [
        "requests_per_s",
        "output_tokens_per_s",
        "goodput_requests_per_s",
        "running.mean",
        "in_system.mean",
        "max_rate_meeting_slo",
    ] {
        assert!(num(&v, key) > 0.0, "{key}");
    }
    assert_eq!(num(&v, "finished"), 200.0);
    assert!(at(&v, "timeline")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty()));
    // Output tokens per second = requests per second × 128 tokens each.
    assert!(close(
        num(&v, "output_tokens_per_s"),
        num(&v, "requests_per_s") * 128.0,
        1e-9
    ));
}

#[test]
fn low_rate_ttft_is_the_static_estimates() {
    let o = ridgepoint(&["estimate", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let v = json(&["--rate", "0.01", "--requests", "100"]);
    assert!(close(num(&v, "ttft_s.p50"), num(&e, "ttft_s"), 1e-6));
}

#[test]
fn one_client_keeps_one_request_in_the_system() {
    let v = json(&["--concurrency", "1", "--requests", "10"]);
    assert!(close(num(&v, "in_system.mean"), 1.0, 1e-9));
    assert!(close(num(&v, "running.mean"), 1.0, 1e-9));
    assert!(close(
        num(&v, "requests_per_s") * num(&v, "e2e_s.mean"),
        1.0,
        1e-9
    ));
}

#[test]
fn cost_per_million_tokens_follows_the_price() {
    let v = json(&[
        "--rate",
        "1",
        "--requests",
        "100",
        "--price-per-gpu-hour",
        "3",
        "--target-rate",
        "40",
    ]);
    let rate = num(&v, "max_rate_meeting_slo");
    let tokens = num(&v, "capacity.output_tokens_per_s");
    // $3 per GPU-hour, one GPU: 3 / 3600 dollars per second over tokens per second, × 10⁶.
    assert!(close(
        num(&v, "capacity.cost_per_million_output_tokens"),
        3.0 / 3600.0 / tokens * 1e6,
        1e-12
    ));
    assert_eq!(num(&v, "capacity.replicas"), (40.0 / rate).ceil());
}

#[test]
fn csv_has_one_row_per_request() {
    let o = ridgepoint(&["serve", "--rate", "3", "--requests", "25", "--csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 26);
    assert!(lines[0].starts_with("request,arrival_s,prompt_tokens,output_tokens,"));
    for (i, l) in lines[1..].iter().enumerate() {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 11, "{l}");
        assert_eq!(f[0], (i + 1).to_string());
        assert_eq!(f[2], "2048");
        assert_eq!(f[3], "128");
        let ttft: f64 = f[7].parse().unwrap();
        let first: f64 = f[5].parse().unwrap();
        let arrival: f64 = f[1].parse().unwrap();
        assert!(close(ttft, first - arrival, 1e-9));
    }
}

#[test]
fn a_trace_from_standard_input() {
    let o = with_stdin(
        &["serve", "--trace", "-", "--json"],
        "# arrival prompt output\n0 512 16\n0.25, 256, 8\n\n1.5 1024 4\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(num(&v, "finished"), 3.0);
    assert_eq!(
        at(&v, "arrivals.kind").and_then(Value::as_str),
        Some("trace")
    );
}

#[test]
fn text_names_the_figures() {
    let o = ridgepoint(&["serve", "--rate", "1", "--requests", "50"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for s in [
        "TTFT",
        "TPOT",
        "Latency",
        "Goodput",
        "KV-cache blocks: N_blk = floor(",
        "One decode step at the mean running batch: t_step = max(",
        "highest rate meeting them",
    ] {
        assert!(out.contains(s), "missing {s} in\n{out}");
    }
}

fn refused(args: &[&str]) -> String {
    let mut a = vec!["serve"];
    a.extend(args);
    let o = ridgepoint(&a);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{:?} was accepted: {}",
        args,
        stdout(&o)
    );
    stderr(&o)
}

#[test]
fn bad_values_are_refused_naming_the_flag() {
    let cases: [(&[&str], &str); 12] = [
        (
            &["--rate", "-1"],
            "--rate: -1 is not a positive number of requests per second",
        ),
        (&["--rate", "fast"], "--rate: \u{201c}fast\u{201d} is not a number"),
        (
            &["--rate", "1e300"],
            "--rate: 1e300 requests/s is more than the 100000 simulated",
        ),
        (
            &["--rate", "1", "--concurrency", "2"],
            "--rate and --concurrency each set the arrivals; give one",
        ),
        (&["--concurrency", "0"], "--concurrency: 0 is not allowed"),
        (
            &["--ttft-slo", "0"],
            "--ttft-slo: 0 s is not a positive time up to 1000000 s",
        ),
        (
            &["--prompt-dist", "uniform:10:100000"],
            "--prompt-dist: uniform upper bound 100000 reaches the model's context window of 4096 tokens",
        ),
        (
            &["--output-dist", "normal:3"],
            "--output-dist: \u{201c}normal:3\u{201d} is not fixed, uniform:LO:HI or lognormal:MEAN:SPREAD",
        ),
        (
            &["--gpu-util", "1.5"],
            "--gpu-util: 1.5 is not a fraction in (0, 1]",
        ),
        (
            &["--prefix-share", "-0.5"],
            "--prefix-share: -0.5 is not a fraction in [0, 1]",
        ),
        (&["--max-running", "0"], "--max-running: 0 is not allowed"),
        (
            &["--json", "--csv"],
            "--json and --csv each choose the output; give one",
        ),
    ];
    for (args, msg) in cases {
        let err = refused(args);
        assert!(err.contains(msg), "{args:?}: expected {msg:?} in {err:?}");
    }
}

#[test]
fn a_malformed_trace_names_the_line_and_field() {
    let dir = std::env::temp_dir().join(format!("ridgepoint-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.trace");
    std::fs::write(&bad, "0 100 10\n0.5 many 10\n").unwrap();
    let empty = dir.join("empty.trace");
    std::fs::write(&empty, "# nothing\n\n").unwrap();
    let bad_s = bad.to_str().unwrap();
    let err = refused(&["--trace", bad_s]);
    assert!(
        err.contains("trace line 2: prompt: \u{201c}many\u{201d} is not a whole number of tokens"),
        "{err}"
    );
    let err = refused(&["--trace", empty.to_str().unwrap()]);
    assert!(err.contains("trace: no request in it"), "{err}");
    let missing = ridgepoint(&["serve", "--trace", "/nonexistent/ridgepoint.trace"]);
    assert_eq!(missing.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_lists_the_flags() {
    let o = ridgepoint(&["serve", "--help"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for f in [
        "--rate R",
        "--concurrency N",
        "--trace FILE",
        "--ttft-slo S",
        "--price-per-gpu-hour",
    ] {
        assert!(out.contains(f), "{f}");
    }
}

#[test]
fn sweep_gives_the_load_curve() {
    let v = json(&["--requests", "100", "--sweep"]);
    let load = at(&v, "load")
        .and_then(Value::as_array)
        .expect("a load array");
    assert_eq!(load.len(), 12);
    let rates: Vec<f64> = load.iter().map(|p| num(p, "rate")).collect();
    assert!(rates.windows(2).all(|w| w[0] < w[1]), "{rates:?}");
    for p in load {
        for key in ["ttft_s.p50", "ttft_s.p99", "tpot_s.p50", "tpot_s.p99"] {
            assert!(num(p, key) > 0.0, "{key}");
        }
        assert!(at(p, "meets_slo").and_then(Value::as_bool).is_some());
    }
    let o = ridgepoint(&["serve", "--requests", "50", "--sweep"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Load (Poisson):"));
}

#[test]
fn a_closed_loop_sweeps_and_sizes_by_clients() {
    let v = json(&["--concurrency", "4", "--requests", "120", "--sweep"]);
    assert_eq!(at(&v, "load_axis").and_then(Value::as_str), Some("clients"));
    let load = at(&v, "load")
        .and_then(Value::as_array)
        .expect("a load array");
    let clients: Vec<f64> = load.iter().map(|p| num(p, "load")).collect();
    assert_eq!(clients[0], 1.0);
    assert!(clients.windows(2).all(|w| w[0] < w[1]), "{clients:?}");
    assert!(clients.iter().all(|c| c.fract() == 0.0), "{clients:?}");
    for p in load {
        assert_eq!(at(p, "axis").and_then(Value::as_str), Some("clients"));
        // A closed loop's rate is the one its clients drive.
        assert_eq!(num(p, "rate"), num(p, "requests_per_s"));
    }
    // One client: one request after another, rate × latency = 1.
    assert!(close(
        num(&load[0], "rate") * num(&load[0], "e2e_s.mean"),
        1.0,
        1e-9
    ));
    let most = num(&v, "max_load_meeting_slo");
    assert_eq!(most.fract(), 0.0);
    assert_eq!(num(&v, "capacity.max_load_meeting_slo"), most);
    assert!(num(&v, "max_rate_meeting_slo") > 0.0);
    let o = ridgepoint(&[
        "serve",
        "--concurrency",
        "4",
        "--requests",
        "120",
        "--sweep",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for s in [
        "Load (closed loop, concurrent clients): The load curve sweeps the number of concurrent clients",
        "   clients     req/s",
        &format!("most concurrent clients meeting them: {most} (driving "),
    ] {
        assert!(out.contains(s), "missing {s:?} in\n{out}");
    }
    assert!(!out.contains("highest rate meeting them"), "{out}");
}

#[test]
fn a_trace_sweeps_its_speed() {
    let trace: String = (0..40)
        .map(|k| format!("{} 512 32\n", k as f64 * 0.25))
        .collect();
    let o = with_stdin(&["serve", "--trace", "-", "--json", "--sweep"], &trace);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        at(&v, "load_axis").and_then(Value::as_str),
        Some("trace_speed")
    );
    let load = at(&v, "load").and_then(Value::as_array).unwrap();
    assert_eq!(load.len(), 12);
    // 39 gaps over 9.75 s: 4 requests per second at ×1.
    for p in load {
        assert!(close(num(p, "rate"), 4.0 * num(p, "load"), 1e-9));
    }
    assert!(close(
        num(&v, "max_rate_meeting_slo"),
        4.0 * num(&v, "max_load_meeting_slo"),
        1e-9
    ));
    // All at once: one point, said so.
    let burst: String = (0..10).map(|_| "0 512 32\n").collect();
    let o = with_stdin(&["serve", "--trace", "-", "--sweep"], &burst);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Load (the trace as given): The trace's requests all arrive at once"),
        "{out}"
    );
    assert!(out.contains("as given"), "{out}");
}

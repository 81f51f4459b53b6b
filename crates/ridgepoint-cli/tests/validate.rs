//! `ridgepoint validate --engine NAME` (rows of one engine) and `--loso` (leave one source out).

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

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).expect("stdout is JSON")
}

const HEADER: &str = "id\tmodel\tweights_precision\tcompute_kv_precision\tgpu\tgpu_count\t\
tensor_parallel\tother_parallelism\tframework\tframework_version\tbatch_or_concurrency\t\
input_len\toutput_len\tmetric\tvalue\tunit\tspec_decode\tother_metrics_same_run\t\
derived_ms_per_token_bs1\tcomparability_notes\tsource\tengine";

/// A batch-1 Llama-2-7B FP16 decode on an A100 80GB SXM at `ms` per token.
fn row(id: &str, ms: &str, source: &str, engine: &str) -> String {
    format!(
        "{id}\tLlama-2-7B\tFP16\tFP16\tA100 SXM 80GB\t1\t1\t\ttest\t1\t1\t128\t128\t\
         time per output token\t{ms}\tms\toff\t\t\t\t{source}\t{engine}"
    )
}

/// Writes `rows` under the header to a file of its own in the temp dir.
fn file(name: &str, rows: &[String]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "ridgepoint-validate-{}-{name}.tsv",
        std::process::id()
    ));
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn engine_keeps_the_rows_of_one_engine() {
    let v = json(&ridgepoint(&[
        "validate",
        "--engine",
        "llama.cpp",
        "--json",
    ]));
    let results = v["results"].as_array().unwrap();
    assert!(results.len() >= 20, "{} figures", results.len());
    assert!(results.iter().all(|r| r["engine"] == "llama.cpp"));
    assert_eq!(v["engine"], "llama.cpp");
    // Without the flag every engine is there.
    let all = json(&ridgepoint(&["validate", "--json"]));
    let engines: Vec<&str> = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["engine"].as_str().unwrap())
        .collect();
    for e in ["trtllm", "llama.cpp", "vllm", "gpt-fast"] {
        assert!(engines.contains(&e), "{e}");
    }
    // The serving rows under load are compared through the simulation, apart from the
    // static classes.
    let serving = all["serving_classes"].as_array().unwrap();
    for class in ["serve_ttft", "serve_tpot"] {
        let c = serving.iter().find(|c| c["class"] == class).unwrap();
        assert!(
            c["count"].as_u64().unwrap() >= 15,
            "{class}: {}",
            c["count"]
        );
        assert!(c["median_abs_error"].as_f64().unwrap().is_finite());
    }
    // The groups are in the report.
    let groups = all["groups"].as_array().unwrap();
    assert!(groups
        .iter()
        .any(|g| g["axis"] == "batch" && g["group"] == "≥32" && g["p90_abs_error"].is_number()));
}

#[test]
fn an_unknown_engine_is_refused_naming_the_flag_and_the_engines() {
    let o = ridgepoint(&["validate", "--engine", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("--engine") && e.contains("nosuch"), "{e}");
    assert!(e.contains("trtllm") && e.contains("llama.cpp"), "{e}");
}

#[test]
fn loso_refuses_fixed_efficiencies_and_the_sweep() {
    for args in [
        &["validate", "--loso", "--sweep"][..],
        &["validate", "--loso", "--bandwidth", "0.5"][..],
    ] {
        let o = ridgepoint(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("--loso") || stderr(&o).contains("--sweep"));
    }
}

/// Two sources, one measured at twice the per-token time of the other: each is predicted by
/// the fit on the other, so the held-out errors have opposite signs.
#[test]
fn loso_fits_each_source_on_the_others() {
    let path = file(
        "loso",
        &[
            row("a1", "12", "source A", "vllm"),
            row("a2", "12.5", "source A", "vllm"),
            row("b1", "24", "source B", "vllm"),
            row("b2", "25", "source B", "vllm"),
        ],
    );
    let p = path.to_str().unwrap();
    let v = json(&ridgepoint(&["validate", "--file", p, "--loso", "--json"]));
    let folds = v["folds"].as_array().unwrap();
    assert_eq!(folds.len(), 2);
    assert!(folds
        .iter()
        .all(|f| f["held_out"] == 2 && f["trained_on"] == 2));
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let err = |id: &str| {
        results.iter().find(|r| r["id"] == id).unwrap()["error"]
            .as_f64()
            .unwrap()
    };
    // A (faster) predicted by B's fit: too slow; B predicted by A's: too fast.
    assert!(
        err("a1") > 0.3 && err("a2") > 0.3,
        "{} {}",
        err("a1"),
        err("a2")
    );
    assert!(
        err("b1") < -0.2 && err("b2") < -0.2,
        "{} {}",
        err("b1"),
        err("b2")
    );
    let held = v["held_out"].as_array().unwrap();
    let tpot = held
        .iter()
        .find(|g| g["axis"] == "class" && g["group"] == "tpot_bs1")
        .unwrap();
    assert_eq!(tpot["count"], 4);
    assert!(tpot["p90_abs_error"].as_f64().unwrap() >= tpot["median_abs_error"].as_f64().unwrap());
    // The text form names the folds and both summaries.
    let o = ridgepoint(&["validate", "--file", p, "--loso", "--engine", "vllm"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.contains("Engine: vllm"), "{t}");
    assert!(
        t.contains("In-sample") && t.contains("Leave one source out"),
        "{t}"
    );
    assert!(t.contains("source A") && t.contains("source B"), "{t}");
    std::fs::remove_file(path).ok();
}

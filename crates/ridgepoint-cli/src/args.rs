//! What every command shares: flag parsing, failures, and the scenario the flags describe.

use ridgepoint::{Scenario, Spec};
use serde_json::Value;

/// The scenario flags every scenario command takes (without `--json`, which not every command
/// has); [`scenario_flags_help`] adds the runtime and speculative flags with their defaults and
/// the closing lines.
pub(crate) const SCENARIO_FLAGS: &str = "\
Scenario flags (defaults: Llama-2-7B on an A100 80GB, FP16, a 2,048-token prompt):
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
  --gpus N, --tp N
                  GPUs in tensor parallel, per pipeline stage (1–64)  [1]
  --pp N          pipeline stages, each on its own TP GPUs (1–16)  [1]
  --ep N          expert-parallel degree of a MoE model's experts (1–128); above
                  --tp, attention runs data parallel in EP / TP groups and the
                  experts exchange tokens all-to-all; GPUs in all = max(TP, EP) × PP  [1]
  --engine NAME   engine profile: floor calibrated trtllm vllm sglang llama.cpp
                  gpt-fast (its efficiencies and KV-cache memory rule)  [calibrated]
  --config FILE   the model from a Hugging Face config.json (- reads standard input);
                  the defaults it assumed go to standard error
  --link URL      the scenario of a page link (or its ?query); other flags override it";

/// [`SCENARIO_FLAGS`], the runtime and speculative-decoding flags with their defaults (read
/// from `Spec::default()`, i.e. the calibrated efficiencies), `--json` when the command has
/// it, and the closing lines.
pub(crate) fn scenario_flags_help(json: bool) -> String {
    let d = Spec::default();
    let json_line = if json {
        "\n  --json                print one JSON object instead of text"
    } else {
        ""
    };
    let q = |r: (u32, u32)| (r.0, r.1);
    let (elo, ehi) = q(ridgepoint::query::EFF_RANGE);
    let (llo, lhi) = q(ridgepoint::query::LAYER_US_RANGE);
    let (slo, shi) = q(ridgepoint::query::SEQ_US_RANGE);
    let (olo, ohi) = q(ridgepoint::query::OVERHEAD_MB_RANGE);
    let (klo, khi) = q(ridgepoint::query::DRAFT_TOKENS_RANGE);
    let (alo, ahi) = q(ridgepoint::query::ACCEPT_RANGE);
    let pct = |v: u32| v as f64 / 100.0;
    format!(
        "{SCENARIO_FLAGS}
Runtime (the efficiency defaults are fitted to published measurements):
  --bandwidth-eff F     share of peak memory bandwidth reached, {el}–{eh} in
                        whole percent                                   [{bw}]
  --compute-eff F       share of the dense compute peak reached, {el}–{eh}   [{ce}]
  --layer-overhead-us US  fixed cost per layer of each forward step, whole µs,
                        {llo}–{lhi}                                         [{lu}]
  --sequence-overhead-us US  fixed cost per sequence in the batch of each
                        step (host scheduling, sampling), whole µs, {slo}–{shi}  [{su}]
  --overhead-gb GB      runtime memory per GPU besides weights, KV cache and
                        activations (CUDA context, allocator), {ol}–{oh} GB in
                        whole MB                                        [{ov}]
Speculative decoding (off unless --draft is given):
  --draft ID            the draft model, a catalog id (see `ridgepoint models`)
  --draft-tokens K      tokens drafted per step, {klo}–{khi}                     [{k}]
  --acceptance F        chance each drafted token is accepted, {al}–{ah} in
                        whole percent                                   [{acc}]{json_line}
  -h, --help            this text

Flags take `--flag VALUE` or `--flag=VALUE`. A bad value is an error (exit 2), never
silently replaced by a default.",
        el = pct(elo),
        eh = pct(ehi),
        al = pct(alo),
        ah = pct(ahi),
        ol = olo as f64 / 1000.0,
        oh = ohi as f64 / 1000.0,
        bw = pct(d.bw_eff),
        ce = pct(d.compute_eff),
        lu = d.layer_us,
        su = d.seq_us,
        ov = d.overhead_mb as f64 / 1000.0,
        k = d.draft_tokens,
        acc = pct(d.acceptance),
    )
}

/// A command-line failure: the message and the exit status.
pub(crate) struct Fail(pub(crate) String, pub(crate) u8);

pub(crate) fn usage_error(msg: impl Into<String>) -> Fail {
    Fail(msg.into(), 2)
}

/// Flags of one command, in the order given.
pub(crate) struct Flags {
    values: Vec<(&'static str, String)>,
    switches: Vec<&'static str>,
}

impl Flags {
    /// Parses `args` against the flags this command accepts: `takes_value` and `switches`.
    /// `Ok(None)`: help was asked for.
    pub(crate) fn parse(
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

    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }
}

pub(crate) fn print_json(v: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("JSON values serialise")
    );
}

/// Flag name → query key of [`Spec::from_query`]. Most values pass through as they are; the
/// fractions and gigabytes of the runtime flags are converted to the link's whole percent and
/// megabytes by [`key_value`].
pub(crate) const SCENARIO_KEYS: [(&str, &str); 25] = [
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
    ("tp", "gpus"),
    ("pp", "pp"),
    ("ep", "ep"),
    ("engine", "engine"),
    ("bandwidth-eff", "eb"),
    ("compute-eff", "ec"),
    ("layer-overhead-us", "layer"),
    ("sequence-overhead-us", "seq"),
    ("overhead-gb", "ovh"),
    ("draft", "draft"),
    ("draft-tokens", "k"),
    ("acceptance", "acc"),
];

/// Every flag a scenario command takes: [`SCENARIO_KEYS`] and [`SOURCE_FLAGS`].
pub(crate) fn scenario_flag_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = SCENARIO_KEYS.iter().map(|(f, _)| *f).collect();
    v.extend(SOURCE_FLAGS);
    v
}

/// `x × scale` as a whole number in `lo..=hi`, or a message naming the flag.
fn scaled_whole(
    flag: &str,
    v: &str,
    scale: f64,
    (lo, hi): (f64, f64),
    what: &str,
) -> Result<String, Fail> {
    let bad = || usage_error(format!("--{flag}: \u{201c}{v}\u{201d} is not {what}"));
    let x: f64 = v.trim().parse().map_err(|_| bad())?;
    let n = x * scale;
    let r = n.round();
    if !x.is_finite() || (n - r).abs() > 1e-6 * scale.max(1.0) || r < lo || r > hi {
        return Err(bad());
    }
    Ok(format!("{}", r as u64))
}

/// The link value of scenario flag `flag` given as `v`.
pub(crate) fn key_value(flag: &str, v: &str) -> Result<String, Fail> {
    let (elo, ehi) = ridgepoint::query::EFF_RANGE;
    let (alo, ahi) = ridgepoint::query::ACCEPT_RANGE;
    let (olo, ohi) = ridgepoint::query::OVERHEAD_MB_RANGE;
    match flag {
        "bandwidth-eff" | "compute-eff" => scaled_whole(
            flag,
            v,
            100.0,
            (elo as f64, ehi as f64),
            &format!(
                "a share from {} to {} in whole percent (0.8 = 80%)",
                elo as f64 / 100.0,
                ehi as f64 / 100.0
            ),
        ),
        "acceptance" => scaled_whole(
            flag,
            v,
            100.0,
            (alo as f64, ahi as f64),
            "a rate from 0 to 1 in whole percent (0.7 = 70%)",
        ),
        "overhead-gb" => scaled_whole(
            flag,
            v,
            1000.0,
            (olo as f64, ohi as f64),
            &format!(
                "a size from {} to {} GB in whole MB (0.5 = 500 MB)",
                olo as f64 / 1000.0,
                ohi as f64 / 1000.0
            ),
        ),
        _ => Ok(v.to_string()),
    }
}

/// Flags every scenario command takes besides [`SCENARIO_KEYS`].
pub(crate) const SOURCE_FLAGS: [&str; 2] = ["config", "link"];

/// The query of a page link (`https://…/?v=1&batch=8#roofline`, `?v=1&…` or `v=1&…`).
pub(crate) fn link_query(link: &str) -> &str {
    let link = link.trim();
    let link = link.split('#').next().unwrap_or(link);
    match link.split_once('?') {
        Some((_, q)) => q,
        None if link.contains('=') => link,
        None => "",
    }
}

/// The text of `--config FILE` (`-`: standard input).
pub(crate) fn read_config(path: &str) -> Result<String, Fail> {
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
pub(crate) fn scenario_from(flags: &Flags) -> Result<(Spec, Scenario), Fail> {
    if flags.value("config").is_some() && flags.value("model").is_some() {
        return Err(usage_error(
            "--config and --model both name the model; give one",
        ));
    }
    let mut from_flags: Vec<(&str, String)> = Vec::new();
    for (flag, key) in SCENARIO_KEYS {
        if let Some(v) = flags.value(flag) {
            from_flags.push((key, key_value(flag, v)?));
        }
    }
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
    let query = query
        .extend_pairs(from_flags.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
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
                    "model" | "draft" => " (see `ridgepoint models`)",
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
    // A link from before a recalibration: its figures here are today's, as the page says.
    if flags.value("link").is_some() {
        if let Some(note) = spec.recalibrated() {
            eprintln!("ridgepoint: --link: {note}");
        }
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

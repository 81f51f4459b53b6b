//! What every command shares: flag parsing, failures, and the scenario the flags describe.

use ridgepoint::{Scenario, Spec};
use serde_json::Value;

pub(crate) const SCENARIO_FLAGS: &str = "\
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

/// Flag name → query key of [`Spec::from_query`].
pub(crate) const SCENARIO_KEYS: [(&str, &str); 13] = [
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

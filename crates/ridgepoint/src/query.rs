//! The scenario as a URL query string: the only state a link carries.
//!
//! Decoding never fails as a whole. Every field is read on its own; a missing field takes its
//! default silently, and a bad one takes its default with a [`Problem`] naming it, so one
//! hand-edited value never costs the rest of the link. Unknown keys are ignored.

use crate::catalog;
use crate::precision::Precision;
use crate::scenario::{Efficiency, Scenario, DEFAULT_OVERHEAD};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The version written as `v=` into every link.
pub const VERSION: u32 = 1;

/// Inclusive ranges accepted for the integer inputs.
pub const BATCH_RANGE: (u32, u32) = (1, 4096);
pub const PROMPT_RANGE: (u32, u32) = (1, 1 << 20);
pub const OUTPUT_RANGE: (u32, u32) = (1, 1 << 20);
pub const GPUS_RANGE: (u32, u32) = (1, 64);

/// The scenario in ids and numbers: what the page holds and the URL mirrors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub gpu: String,
    pub model: String,
    pub weights: Precision,
    pub kv: Precision,
    pub batch: u32,
    pub prompt: u32,
    pub output: u32,
    pub gpus: u32,
}

impl Default for Spec {
    /// The seed's scenario: Llama-2-7B on an A100 80GB at FP16, a 2048-token prompt.
    fn default() -> Spec {
        Spec {
            gpu: "a100-80gb-sxm".into(),
            model: "llama-2-7b".into(),
            weights: Precision::Fp16,
            kv: Precision::Fp16,
            batch: 1,
            prompt: 2048,
            output: 128,
            gpus: 1,
        }
    }
}

/// A field of a link that could not be used, and what was used instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The query key.
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The raw query: every value as text, so a bad one is reported rather than fatal.
#[derive(Default, Serialize, Deserialize)]
struct Raw {
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gpu: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kv: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gpus: Option<String>,
}

impl Raw {
    /// The keys a link may carry.
    const KEYS: [&'static str; 9] = [
        "v", "gpu", "model", "w", "kv", "batch", "prompt", "output", "gpus",
    ];
}

/// Shortens what a stranger typed before echoing it in a message.
fn shown(s: &str) -> String {
    let mut t: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        t.push('…');
    }
    format!("\u{201c}{t}\u{201d}")
}

fn int(
    field: &'static str,
    raw: Option<&str>,
    (lo, hi): (u32, u32),
    default: u32,
    problems: &mut Vec<Problem>,
) -> u32 {
    let Some(s) = raw else { return default };
    match s.trim().parse::<u64>() {
        Ok(n) if n >= lo as u64 && n <= hi as u64 => n as u32,
        Ok(_) => {
            problems.push(Problem {
                field,
                message: format!(
                    "{field} {} is out of range {lo}–{hi}; using {default}",
                    shown(s)
                ),
            });
            default
        }
        Err(_) => {
            problems.push(Problem {
                field,
                message: format!(
                    "{field} {} is not a whole number; using {default}",
                    shown(s)
                ),
            });
            default
        }
    }
}

fn precision(
    field: &'static str,
    raw: Option<&str>,
    default: Precision,
    problems: &mut Vec<Problem>,
) -> Precision {
    let Some(s) = raw else { return default };
    Precision::from_id(s).unwrap_or_else(|| {
        problems.push(Problem {
            field,
            message: format!(
                "{field} {} is not a precision (fp32, fp16, bf16, fp8, int8, int4, fp4); using {}",
                shown(s),
                default.id()
            ),
        });
        default
    })
}

fn id(
    field: &'static str,
    raw: Option<&str>,
    known: impl Fn(&str) -> bool,
    default: &str,
    problems: &mut Vec<Problem>,
) -> String {
    let Some(s) = raw else { return default.into() };
    let s = s.trim().to_ascii_lowercase();
    if known(&s) {
        s
    } else {
        problems.push(Problem {
            field,
            message: format!("unknown {field} {}; using {default}", shown(&s)),
        });
        default.into()
    }
}

impl Spec {
    /// Reads a query string (with or without the leading `?`). Never fails: what cannot be
    /// used is reported and replaced by the default.
    pub fn from_query(query: &str) -> (Spec, Vec<Problem>) {
        let query = query.strip_prefix('?').unwrap_or(query);
        let d = Spec::default();
        let mut problems = Vec::new();
        // Decode pairs first, so a key given twice is reported (the last one wins) instead of
        // costing the whole link.
        let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(query) {
            Ok(p) => p,
            Err(_) => {
                problems.push(Problem {
                    field: "query",
                    message: "the link's query could not be read; using the default scenario"
                        .into(),
                });
                return (d, problems);
            }
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut last: Vec<(&str, &str)> = Vec::new();
        for (k, v) in &pairs {
            if let Some(slot) = last.iter_mut().find(|(key, _)| key == k) {
                if !seen.contains(&k.as_str()) && Raw::KEYS.contains(&k.as_str()) {
                    seen.push(k);
                    problems.push(Problem {
                        field: Raw::KEYS
                            .iter()
                            .find(|key| **key == k)
                            .copied()
                            .unwrap_or("query"),
                        message: format!("{} appears more than once; using the last", shown(k)),
                    });
                }
                slot.1 = v;
            } else {
                last.push((k, v));
            }
        }
        // Re-encode the de-duplicated pairs and let serde_urlencoded fill the struct (it knows
        // how to read a present value into an Option).
        let raw: Raw = serde_urlencoded::to_string(&last)
            .ok()
            .and_then(|q| serde_urlencoded::from_str(&q).ok())
            .unwrap_or_default();
        if let Some(v) = raw.v.as_deref() {
            if v.trim() != VERSION.to_string() {
                problems.push(Problem {
                    field: "v",
                    message: format!(
                        "link version {} is not one this page knows (1); reading it as version 1",
                        shown(v)
                    ),
                });
            }
        }
        let spec = Spec {
            gpu: id(
                "gpu",
                raw.gpu.as_deref(),
                |s| catalog::gpu(s).is_some(),
                &d.gpu,
                &mut problems,
            ),
            model: id(
                "model",
                raw.model.as_deref(),
                |s| catalog::model(s).is_some(),
                &d.model,
                &mut problems,
            ),
            weights: precision("w", raw.w.as_deref(), d.weights, &mut problems),
            kv: precision("kv", raw.kv.as_deref(), d.kv, &mut problems),
            batch: int(
                "batch",
                raw.batch.as_deref(),
                BATCH_RANGE,
                d.batch,
                &mut problems,
            ),
            prompt: int(
                "prompt",
                raw.prompt.as_deref(),
                PROMPT_RANGE,
                d.prompt,
                &mut problems,
            ),
            output: int(
                "output",
                raw.output.as_deref(),
                OUTPUT_RANGE,
                d.output,
                &mut problems,
            ),
            gpus: int(
                "gpus",
                raw.gpus.as_deref(),
                GPUS_RANGE,
                d.gpus,
                &mut problems,
            ),
        };
        (spec, problems)
    }

    /// The query string for this spec, without `?`; fields at their default are omitted.
    pub fn to_query(&self) -> String {
        let d = Spec::default();
        fn diff<T: PartialEq + ToString>(a: &T, b: &T) -> Option<String> {
            (a != b).then(|| a.to_string())
        }
        let raw = Raw {
            v: Some(VERSION.to_string()),
            gpu: diff(&self.gpu, &d.gpu),
            model: diff(&self.model, &d.model),
            w: (self.weights != d.weights).then(|| self.weights.id().into()),
            kv: (self.kv != d.kv).then(|| self.kv.id().into()),
            batch: diff(&self.batch, &d.batch),
            prompt: diff(&self.prompt, &d.prompt),
            output: diff(&self.output, &d.output),
            gpus: diff(&self.gpus, &d.gpus),
        };
        serde_urlencoded::to_string(&raw).unwrap_or_default()
    }

    /// The full scenario, looking ids up in the catalog (unknown ids fall back to the
    /// defaults, which always exist).
    pub fn scenario(&self) -> Scenario {
        let d = Spec::default();
        let gpu = catalog::gpu(&self.gpu)
            .or_else(|| catalog::gpu(&d.gpu))
            .expect("the default GPU is in the catalog");
        let model = catalog::model(&self.model)
            .or_else(|| catalog::model(&d.model))
            .expect("the default model is in the catalog");
        Scenario {
            gpu,
            model,
            weights: self.weights,
            kv: self.kv,
            batch: self.batch.clamp(BATCH_RANGE.0, BATCH_RANGE.1),
            prompt: self.prompt.clamp(PROMPT_RANGE.0, PROMPT_RANGE.1),
            output: self.output.clamp(OUTPUT_RANGE.0, OUTPUT_RANGE.1),
            gpus: self.gpus.clamp(GPUS_RANGE.0, GPUS_RANGE.1),
            efficiency: Efficiency::CALIBRATED,
            speculative: None,
            overhead: DEFAULT_OVERHEAD,
        }
    }
}

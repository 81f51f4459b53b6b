//! The scenario as a URL query string: the only state a link carries.
//!
//! Decoding never fails as a whole. The query is decoded (form_urlencoded) into key/value
//! pairs; every field is then read on its own. A missing field takes its default silently; a
//! bad one takes its default with a [`Problem`] naming it, so one hand-edited value never costs
//! the rest of the link. Unknown keys are ignored; a repeated key keeps its last value.
//!
//! Links are versioned (`v=1`) and omit fields at their default, so they stay short and a
//! default changed later does not silently change old links' meaning more than it must.

use crate::catalog;
use crate::config::{check_gpu, check_model};
use crate::hardware::Gpu;
use crate::model::{Mla, Mlp, Model, Moe};
use crate::precision::Precision;
use crate::scenario::{Efficiency, Group, GroupFormats, Scenario, Speculative, DEFAULT_OVERHEAD};
use crate::units::{Bytes, BytesPerSec, FlopsPerSec, Seconds};
use std::fmt;

/// The version written as `v=` into every link.
pub const VERSION: u32 = 1;

/// The calibration the engine's default efficiencies and profiles belong to. A link carries
/// `cal=` when it was made with another one; a link without it was made with calibration 1.
pub const CALIBRATION: u32 = 2;

/// Each calibration: its number, the day it took effect, and what changed.
pub const CALIBRATIONS: &[(u32, &str, &str)] = &[
    (
        1,
    "2026-11-30",
    "80% of peak bandwidth, 45% of the dense compute peak, 60 µs per layer per step, fitted to \
     43 published figures",
    ),
    (
        2,
        "2026-12-02",
        "20 µs per sequence in the batch per step beside the calibrated efficiencies; \
         TensorRT-LLM 20 µs per sequence, llama.cpp 100% bandwidth and 140 µs per layer; FP4 \
         checkpoints' KV cache counted as FP8",
    ),
];

/// Inclusive ranges accepted for the integer inputs.
pub const BATCH_RANGE: (u32, u32) = (1, 4096);
pub const PROMPT_RANGE: (u32, u32) = (1, 1 << 20);
pub const OUTPUT_RANGE: (u32, u32) = (1, 1 << 20);
pub const GPUS_RANGE: (u32, u32) = (1, 64);
/// Pipeline stages.
pub const PP_RANGE: (u32, u32) = (1, 16);
/// Expert-parallel degree.
pub const EP_RANGE: (u32, u32) = (1, 128);
/// Efficiencies in percent of peak.
pub const EFF_RANGE: (u32, u32) = (1, 100);
/// Fixed cost per forward step, microseconds.
pub const LAYER_US_RANGE: (u32, u32) = (0, 10_000);
/// Fixed cost per sequence in the batch of each step, microseconds.
pub const SEQ_US_RANGE: (u32, u32) = (0, 1_000);
/// Runtime overhead per GPU, MB.
pub const OVERHEAD_MB_RANGE: (u32, u32) = (0, 100_000);
/// Tokens drafted per speculative step.
pub const DRAFT_TOKENS_RANGE: (u32, u32) = (1, 16);
/// Acceptance rate, percent.
pub const ACCEPT_RANGE: (u32, u32) = (0, 100);

/// The id that selects the custom GPU or model.
pub const CUSTOM: &str = "custom";

/// Query keys of the tensor groups' own formats.
pub const GROUP_KEYS: [(&str, Group); 5] = [
    ("w.att", Group::Attention),
    ("w.mlp", Group::Mlp),
    ("w.exp", Group::Experts),
    ("w.emb", Group::Embedding),
    ("w.head", Group::LmHead),
];

/// The scenario in ids and numbers: what the page holds and the URL mirrors.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// A catalog id, or [`CUSTOM`] with `custom_gpu` set.
    pub gpu: String,
    /// A catalog id, or [`CUSTOM`] with `custom_model` set.
    pub model: String,
    pub custom_gpu: Option<Gpu>,
    pub custom_model: Option<Model>,
    pub weights: Precision,
    /// Formats of tensor groups that differ from `weights`.
    pub formats: GroupFormats,
    pub kv: Precision,
    pub batch: u32,
    pub prompt: u32,
    pub output: u32,
    /// Tensor-parallel GPUs (per pipeline stage and attention group).
    pub gpus: u32,
    /// Pipeline stages.
    pub pp: u32,
    /// Expert-parallel degree (ignored for a dense model).
    pub ep: u32,
    /// Bandwidth efficiency, percent of peak.
    pub bw_eff: u32,
    /// Compute efficiency, percent of the dense peak.
    pub compute_eff: u32,
    /// Fixed cost per layer of each forward step, µs.
    pub layer_us: u32,
    /// Fixed cost per sequence in the batch of each step, µs.
    pub seq_us: u32,
    /// Runtime memory per GPU outside weights, KV and activations, MB.
    pub overhead_mb: u32,
    /// Draft model id for speculative decoding (None: off).
    pub draft: Option<String>,
    pub draft_tokens: u32,
    /// Acceptance rate, percent.
    pub acceptance: u32,
    /// The engine profile (`profile::PROFILES` id): its efficiencies are the defaults of
    /// `bw_eff`, `compute_eff`, `layer_us` and `seq_us`, and its rule sizes the KV cache.
    pub engine: String,
    /// The calibration the link was made with ([`CALIBRATION`] for a new one).
    pub calibration: u32,
}

impl Default for Spec {
    /// The seed's scenario: Llama-2-7B on an A100 80GB at FP16, a 2048-token prompt.
    fn default() -> Spec {
        let eff = Efficiency::CALIBRATED;
        Spec {
            gpu: "a100-80gb-sxm".into(),
            model: "llama-2-7b".into(),
            custom_gpu: None,
            custom_model: None,
            weights: Precision::Fp16,
            formats: GroupFormats::default(),
            kv: Precision::Fp16,
            batch: 1,
            prompt: 2048,
            output: 128,
            gpus: 1,
            pp: 1,
            ep: 1,
            bw_eff: (eff.bandwidth * 100.0).round() as u32,
            compute_eff: (eff.compute * 100.0).round() as u32,
            layer_us: (eff.layer_overhead.get() * 1e6).round() as u32,
            seq_us: (eff.sequence_overhead.get() * 1e6).round() as u32,
            overhead_mb: (DEFAULT_OVERHEAD.get() / 1e6).round() as u32,
            draft: None,
            draft_tokens: 4,
            acceptance: 70,
            engine: crate::profile::DEFAULT.into(),
            calibration: CALIBRATION,
        }
    }
}

/// A profile's efficiencies in the link's units: percent, percent, µs, µs.
fn profile_percents(id: &str) -> (u32, u32, u32, u32) {
    let e = crate::profile::profile(id)
        .map(|p| p.efficiency)
        .unwrap_or(Efficiency::CALIBRATED);
    (
        (e.bandwidth * 100.0).round() as u32,
        (e.compute * 100.0).round() as u32,
        (e.layer_overhead.get() * 1e6).round() as u32,
        (e.sequence_overhead.get() * 1e6).round() as u32,
    )
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

/// Every key a link may carry, in the order links write them.
pub const KEYS: &[&str] = &[
    "v", "cal", "gpu", "model", "w", "kv", "batch", "prompt", "output", "gpus", "pp", "ep",
    "engine", "eb", "ec", "layer", "seq", "ovh", "draft", "k", "acc", "g.name", "g.mem", "g.bw",
    "g.fp16", "g.fp8", "g.int8", "g.fp4", "g.link", "g.fp32", "g.sms", "g.sram", "g.l2", "m.name",
    "m.h", "m.i", "m.l", "m.nh", "m.kv", "m.hd", "m.v", "m.ctx", "m.tie", "m.bias", "m.mlp",
    "m.pos", "m.e", "m.ea", "m.es", "m.ei", "m.ed", "m.qr", "m.kvr", "m.nope", "m.rope", "m.vd",
    "m.sw", "m.swl", "m.ck", "m.ckl", "w.att", "w.mlp", "w.exp", "w.emb", "w.head",
];

/// Shortens what a stranger typed before echoing it in a message.
fn shown(s: &str) -> String {
    let mut t: String = s.chars().filter(|c| !c.is_control()).take(40).collect();
    if s.chars().count() > 40 {
        t.push('…');
    }
    format!("\u{201c}{t}\u{201d}")
}

/// The decoded pairs, with the lookups and the problems found so far.
struct Reader<'a> {
    pairs: Vec<(&'static str, &'a str)>,
    problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn problem(&mut self, field: &'static str, message: String) {
        self.problems.push(Problem { field, message });
    }

    fn int(&mut self, field: &'static str, (lo, hi): (u32, u32), default: u32) -> u32 {
        let Some(s) = self.get(field) else {
            return default;
        };
        match s.trim().parse::<u64>() {
            Ok(n) if n >= lo as u64 && n <= hi as u64 => n as u32,
            Ok(_) => {
                let m = format!(
                    "{field} {} is out of range {lo}–{hi}; using {default}",
                    shown(s)
                );
                self.problem(field, m);
                default
            }
            Err(_) => {
                let m = format!(
                    "{field} {} is not a whole number; using {default}",
                    shown(s)
                );
                self.problem(field, m);
                default
            }
        }
    }

    /// A u64 shape field of a custom model.
    fn dim(&mut self, field: &'static str, default: u64) -> u64 {
        let Some(s) = self.get(field) else {
            return default;
        };
        match s.trim().parse::<u64>() {
            Ok(n) if n <= 1 << 30 => n,
            _ => {
                let m = format!(
                    "{field} {} is not a whole number; using {default}",
                    shown(s)
                );
                self.problem(field, m);
                default
            }
        }
    }

    fn flag(&mut self, field: &'static str, default: bool) -> bool {
        match self.get(field).map(str::trim) {
            None => default,
            Some("1" | "true") => true,
            Some("0" | "false") => false,
            Some(s) => {
                let m = format!(
                    "{field} {} is not 0 or 1; using {}",
                    shown(s),
                    default as u8
                );
                self.problem(field, m);
                default
            }
        }
    }

    /// A positive decimal in `unit`, scaled to base units by `scale`.
    fn decimal(&mut self, field: &'static str, hi: f64, default: f64, scale: f64) -> f64 {
        let Some(s) = self.get(field) else {
            return default;
        };
        match crate::units::parse_decimal(s.trim()) {
            Some(v) if v.is_finite() && v >= 0.001 && v <= hi => v * scale,
            _ => {
                // An optional figure (NaN default) is left out rather than replaced.
                let instead = if default.is_nan() {
                    "leaving it out".to_string()
                } else {
                    format!("using {}", crate::units::sig3(default / scale))
                };
                let m = format!(
                    "{field} {} is not a number from 0.001 to {hi}; {instead}",
                    shown(s)
                );
                self.problem(field, m);
                default
            }
        }
    }

    fn optional_decimal(&mut self, field: &'static str, hi: f64, scale: f64) -> Option<f64> {
        self.get(field)?;
        let v = self.decimal(field, hi, f64::NAN, scale);
        v.is_finite().then_some(v)
    }

    fn precision(&mut self, field: &'static str, default: Precision) -> Precision {
        let Some(s) = self.get(field) else {
            return default;
        };
        Precision::from_id(s).unwrap_or_else(|| {
            let ids: Vec<&str> = Precision::ALL.iter().map(|p| p.id()).collect();
            let m = format!(
                "{field} {} is not a precision ({}); using {}",
                shown(s),
                ids.join(", "),
                default.id()
            );
            self.problem(field, m);
            default
        })
    }

    /// A tensor group's own format; absent or unreadable: the same as the weights.
    fn group_format(&mut self, field: &'static str) -> Option<Precision> {
        let s = self.get(field)?;
        let p = Precision::from_id(s);
        if p.is_none() {
            let m = format!(
                "{field} {} is not a precision; using the weights' format",
                shown(s)
            );
            self.problem(field, m);
        }
        p
    }

    fn id(&mut self, field: &'static str, known: impl Fn(&str) -> bool, default: &str) -> String {
        let Some(s) = self.get(field) else {
            return default.into();
        };
        let s = s.trim().to_ascii_lowercase();
        if s == CUSTOM || known(&s) {
            s
        } else {
            let m = format!("unknown {field} {}; using {default}", shown(&s));
            self.problem(field, m);
            default.into()
        }
    }

    fn text(&self, field: &str, default: &str) -> String {
        let t: String = self
            .get(field)
            .unwrap_or(default)
            .chars()
            .filter(|c| !c.is_control())
            .take(60)
            .collect();
        if t.trim().is_empty() {
            default.into()
        } else {
            t
        }
    }

    fn custom_gpu(&mut self, base: &Gpu) -> Option<Gpu> {
        const G: f64 = 1e9;
        const T: f64 = 1e12;
        let gpu = Gpu {
            id: CUSTOM.into(),
            name: self.text("g.name", "Custom GPU"),
            vendor: "custom".into(),
            memory: Bytes(self.decimal("g.mem", 1e5, base.memory.get(), G)),
            memory_nominal: None,
            bandwidth: BytesPerSec(self.decimal("g.bw", 1e6, base.bandwidth.get(), G)),
            fp16: FlopsPerSec(self.decimal("g.fp16", 1e6, base.fp16.get(), T)),
            bf16_tensor_cores: true,
            fp8: self.optional_decimal("g.fp8", 1e6, T).map(FlopsPerSec),
            int8: self.optional_decimal("g.int8", 1e6, T).map(FlopsPerSec),
            fp4: self.optional_decimal("g.fp4", 1e6, T).map(FlopsPerSec),
            fp32: self.optional_decimal("g.fp32", 1e6, T).map(FlopsPerSec),
            tensor_cores: None,
            // A count: rounded, and at least one (0 would not read back from the link).
            sms: self
                .optional_decimal("g.sms", 1e5, 1.0)
                .map(|v| v.round().max(1.0) as u32),
            sram_per_sm: self.optional_decimal("g.sram", 1e5, 1024.0).map(Bytes),
            l2: self
                .optional_decimal("g.l2", 1e5, 1024.0 * 1024.0)
                .map(Bytes),
            interconnect: self.optional_decimal("g.link", 1e5, G).map(BytesPerSec),
            node_gpus: base.node_gpus,
            network: base.network,
            source: "entered by hand".into(),
        };
        match check_gpu(&gpu) {
            Ok(()) => Some(gpu),
            Err(e) => {
                self.problem("gpu", format!("custom GPU: {e}; using {}", base.name));
                None
            }
        }
    }

    fn custom_model(&mut self, base: &Model) -> Option<Model> {
        let experts = self.dim("m.e", base.moe.map_or(0, |m| m.experts));
        let kv_lora = self.dim("m.kvr", base.mla.map_or(0, |m| m.kv_lora_rank));
        let window = self.dim("m.sw", base.sliding_window.map_or(0, |w| w.0));
        let chunk = self.dim("m.ck", base.chunked.map_or(0, |c| c.0));
        let layers = self.dim("m.l", base.layers);
        let intermediate = self.dim("m.i", base.intermediate);
        let mlp = match self.get("m.mlp").map(str::trim) {
            None => base.mlp,
            Some("gated") => Mlp::Gated,
            Some("plain") => Mlp::Plain,
            Some(s) => {
                let m = format!("m.mlp {} is not gated or plain; using gated", shown(s));
                self.problem("m.mlp", m);
                Mlp::Gated
            }
        };
        let model = Model {
            id: CUSTOM.into(),
            name: self.text("m.name", "Custom model"),
            hidden: self.dim("m.h", base.hidden),
            intermediate,
            layers,
            heads: self.dim("m.nh", base.heads),
            kv_heads: self.dim("m.kv", base.kv_heads),
            head_dim: self.dim("m.hd", base.head_dim),
            vocab: self.dim("m.v", base.vocab),
            tied_embeddings: self.flag("m.tie", base.tied_embeddings),
            qkv_bias: self.flag("m.bias", base.qkv_bias),
            mlp,
            moe: (experts > 0).then(|| Moe {
                experts,
                active: self.dim("m.ea", base.moe.map_or(1, |m| m.active)),
                shared: self.dim("m.es", base.moe.map_or(0, |m| m.shared)),
                expert_intermediate: self.dim(
                    "m.ei",
                    base.moe.map_or(intermediate, |m| m.expert_intermediate),
                ),
                dense_layers: self.dim("m.ed", base.moe.map_or(0, |m| m.dense_layers)),
            }),
            mla: (kv_lora > 0).then(|| Mla {
                q_lora_rank: self.dim("m.qr", base.mla.map_or(0, |m| m.q_lora_rank)),
                kv_lora_rank: kv_lora,
                qk_nope_head_dim: self.dim("m.nope", base.mla.map_or(128, |m| m.qk_nope_head_dim)),
                qk_rope_head_dim: self.dim("m.rope", base.mla.map_or(64, |m| m.qk_rope_head_dim)),
                v_head_dim: self.dim("m.vd", base.mla.map_or(128, |m| m.v_head_dim)),
            }),
            sliding_window: (window > 0).then(|| {
                (
                    window,
                    self.dim("m.swl", base.sliding_window.map_or(layers, |w| w.1)),
                )
            }),
            chunked: (chunk > 0).then(|| {
                (
                    chunk,
                    self.dim("m.ckl", base.chunked.map_or(layers, |c| c.1)),
                )
            }),
            position_embeddings: self.dim("m.pos", base.position_embeddings),
            max_context: self.dim("m.ctx", base.max_context),
            source: "entered by hand".into(),
        };
        match check_model(&model) {
            Ok(()) => Some(model),
            Err(e) => {
                self.problem("model", format!("custom model: {e}; using {}", base.name));
                None
            }
        }
    }
}

fn default_gpu() -> Gpu {
    catalog::gpu(&Spec::default().gpu).expect("the default GPU is in the catalog")
}

fn default_model() -> Model {
    catalog::model(&Spec::default().model).expect("the default model is in the catalog")
}

impl Spec {
    /// Reads a query string (with or without the leading `?`). Never fails: what cannot be
    /// used is reported and replaced by the default.
    pub fn from_query(query: &str) -> (Spec, Vec<Problem>) {
        let query = query.strip_prefix('?').unwrap_or(query);
        let d = Spec::default();
        // application/x-www-form-urlencoded, bad escapes and bytes decoded lossily (never an
        // error: what they spoil is then refused field by field).
        let decoded: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let mut r = Reader {
            pairs: Vec::new(),
            problems: Vec::new(),
        };
        for (k, v) in &decoded {
            let Some(&key) = KEYS.iter().find(|key| **key == k.as_str()) else {
                continue;
            };
            if let Some(slot) = r.pairs.iter_mut().find(|(existing, _)| *existing == key) {
                slot.1 = v;
                if !r.problems.iter().any(|p| p.field == key) {
                    r.problem(
                        key,
                        format!("{} appears more than once; using the last", shown(key)),
                    );
                }
            } else {
                r.pairs.push((key, v));
            }
        }
        if let Some(v) = r.get("v") {
            if v.trim() != VERSION.to_string() {
                let m = format!(
                    "link version {} is not one this page knows (1); reading it as version 1",
                    shown(v)
                );
                r.problem("v", m);
            }
        }
        let mut gpu = r.id("gpu", |s| catalog::gpu(s).is_some(), &d.gpu);
        let custom_gpu = if gpu == CUSTOM {
            r.custom_gpu(&default_gpu())
        } else {
            None
        };
        if gpu == CUSTOM && custom_gpu.is_none() {
            gpu = d.gpu.clone();
        }
        let mut model = r.id("model", |s| catalog::model(s).is_some(), &d.model);
        let custom_model = if model == CUSTOM {
            r.custom_model(&default_model())
        } else {
            None
        };
        if model == CUSTOM && custom_model.is_none() {
            model = d.model.clone();
        }
        let draft = r
            .get("draft")
            .map(|_| r.id("draft", |s| catalog::model(s).is_some(), "off"));
        let engine = r.id(
            "engine",
            |s| crate::profile::profile(s).is_some() && s != CUSTOM,
            &d.engine,
        );
        let engine = if engine == CUSTOM {
            d.engine.clone()
        } else {
            engine
        };
        if let Some(p) = r.problems.iter_mut().find(|p| p.field == "engine") {
            p.message = format!(
                "{} (engines: {})",
                p.message,
                crate::profile::ids().join(", ")
            );
        }
        let (eb, ec, layer, seq) = profile_percents(&engine);
        // A shared link (it has `v=`) without `cal` predates calibrations: number 1. A query
        // with neither is no link at all (the bare page): the current calibration.
        let calibration = match (r.get("v"), r.get("cal")) {
            (None, None) => CALIBRATION,
            (Some(_), None) => 1,
            (_, Some(_)) => r.int("cal", (1, CALIBRATION), CALIBRATION),
        };
        let weights = r.precision("w", d.weights);
        // A group in the weights' own format is no group of its own (`to_query` leaves it out).
        let mut formats = GroupFormats::default();
        for (key, g) in GROUP_KEYS {
            formats.set(g, r.group_format(key).filter(|p| *p != weights));
        }
        let spec = Spec {
            gpu,
            model,
            custom_gpu,
            custom_model,
            weights,
            formats,
            kv: r.precision("kv", d.kv),
            batch: r.int("batch", BATCH_RANGE, d.batch),
            prompt: r.int("prompt", PROMPT_RANGE, d.prompt),
            output: r.int("output", OUTPUT_RANGE, d.output),
            gpus: r.int("gpus", GPUS_RANGE, d.gpus),
            pp: r.int("pp", PP_RANGE, d.pp),
            ep: r.int("ep", EP_RANGE, d.ep),
            bw_eff: r.int("eb", EFF_RANGE, eb),
            compute_eff: r.int("ec", EFF_RANGE, ec),
            layer_us: r.int("layer", LAYER_US_RANGE, layer),
            seq_us: r.int("seq", SEQ_US_RANGE, seq),
            overhead_mb: r.int("ovh", OVERHEAD_MB_RANGE, d.overhead_mb),
            draft: draft.filter(|id| id != "off" && id != CUSTOM),
            draft_tokens: r.int("k", DRAFT_TOKENS_RANGE, d.draft_tokens),
            acceptance: r.int("acc", ACCEPT_RANGE, d.acceptance),
            engine,
            calibration,
        };
        (spec, r.problems)
    }

    /// The query string for this spec, without `?`; fields at their default are omitted.
    pub fn to_query(&self) -> String {
        let d = Spec::default();
        let mut q: Vec<(&str, String)> = vec![("v", VERSION.to_string())];
        let mut put = |key: &'static str, changed: bool, value: String| {
            if changed {
                q.push((key, value));
            }
        };
        // A link without `cal` reads as calibration 1.
        put("cal", self.calibration != 1, self.calibration.to_string());
        put("gpu", self.gpu != d.gpu, self.gpu.clone());
        put("model", self.model != d.model, self.model.clone());
        put("w", self.weights != d.weights, self.weights.id().into());
        for (key, g) in GROUP_KEYS {
            if let Some(p) = self.formats.get(g) {
                put(key, p != self.weights, p.id().into());
            }
        }
        put("kv", self.kv != d.kv, self.kv.id().into());
        put("batch", self.batch != d.batch, self.batch.to_string());
        put("prompt", self.prompt != d.prompt, self.prompt.to_string());
        put("output", self.output != d.output, self.output.to_string());
        put("gpus", self.gpus != d.gpus, self.gpus.to_string());
        put("pp", self.pp != d.pp, self.pp.to_string());
        put("ep", self.ep != d.ep, self.ep.to_string());
        put("engine", self.engine != d.engine, self.engine.clone());
        // Efficiencies are written where they differ from the engine profile's.
        let (eb, ec, layer, seq) = profile_percents(&self.engine);
        put("eb", self.bw_eff != eb, self.bw_eff.to_string());
        put("ec", self.compute_eff != ec, self.compute_eff.to_string());
        put("layer", self.layer_us != layer, self.layer_us.to_string());
        put("seq", self.seq_us != seq, self.seq_us.to_string());
        put(
            "ovh",
            self.overhead_mb != d.overhead_mb,
            self.overhead_mb.to_string(),
        );
        if let Some(draft) = &self.draft {
            put("draft", true, draft.clone());
        }
        // Kept even with speculation off, so turning it back on restores them.
        put(
            "k",
            self.draft_tokens != d.draft_tokens,
            self.draft_tokens.to_string(),
        );
        put(
            "acc",
            self.acceptance != d.acceptance,
            self.acceptance.to_string(),
        );
        if let (true, Some(g)) = (self.gpu == CUSTOM, &self.custom_gpu) {
            put("g.name", true, g.name.clone());
            put("g.mem", true, trim_float(g.memory.get() / 1e9));
            put("g.bw", true, trim_float(g.bandwidth.get() / 1e9));
            put("g.fp16", true, trim_float(g.fp16.get() / 1e12));
            for (key, v) in [
                ("g.fp8", g.fp8),
                ("g.int8", g.int8),
                ("g.fp4", g.fp4),
                ("g.fp32", g.fp32),
            ] {
                if let Some(v) = v {
                    put(key, true, trim_float(v.get() / 1e12));
                }
            }
            if let Some(link) = g.interconnect {
                put("g.link", true, trim_float(link.get() / 1e9));
            }
            if let Some(n) = g.sms {
                put("g.sms", true, n.to_string());
            }
            if let Some(b) = g.sram_per_sm {
                put("g.sram", true, trim_float(b.get() / 1024.0));
            }
            if let Some(b) = g.l2 {
                put("g.l2", true, trim_float(b.get() / (1024.0 * 1024.0)));
            }
        }
        if let (true, Some(m)) = (self.model == CUSTOM, &self.custom_model) {
            put("m.name", true, m.name.clone());
            for (key, v) in [
                ("m.h", m.hidden),
                ("m.i", m.intermediate),
                ("m.l", m.layers),
                ("m.nh", m.heads),
                ("m.kv", m.kv_heads),
                ("m.hd", m.head_dim),
                ("m.v", m.vocab),
                ("m.ctx", m.max_context),
            ] {
                put(key, true, v.to_string());
            }
            put("m.tie", m.tied_embeddings, "1".into());
            put("m.bias", m.qkv_bias, "1".into());
            put("m.mlp", m.mlp == Mlp::Plain, "plain".into());
            put(
                "m.pos",
                m.position_embeddings > 0,
                m.position_embeddings.to_string(),
            );
            if let Some(moe) = m.moe {
                put("m.e", true, moe.experts.to_string());
                put("m.ea", true, moe.active.to_string());
                put("m.es", moe.shared > 0, moe.shared.to_string());
                put("m.ei", true, moe.expert_intermediate.to_string());
                put("m.ed", moe.dense_layers > 0, moe.dense_layers.to_string());
            }
            if let Some(mla) = m.mla {
                put("m.qr", mla.q_lora_rank > 0, mla.q_lora_rank.to_string());
                put("m.kvr", true, mla.kv_lora_rank.to_string());
                put("m.nope", true, mla.qk_nope_head_dim.to_string());
                put("m.rope", true, mla.qk_rope_head_dim.to_string());
                put("m.vd", true, mla.v_head_dim.to_string());
            }
            if let Some((w, n)) = m.sliding_window {
                put("m.sw", true, w.to_string());
                put("m.swl", true, n.to_string());
            }
            if let Some((c, n)) = m.chunked {
                put("m.ck", true, c.to_string());
                put("m.ckl", true, n.to_string());
            }
        }
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(q)
            .finish()
    }

    /// The GPU this spec names: the custom one, a catalog entry, or the default.
    pub fn gpu(&self) -> Gpu {
        match (&self.custom_gpu, self.gpu.as_str()) {
            (Some(g), CUSTOM) => g.clone(),
            (_, id) => catalog::gpu(id).unwrap_or_else(default_gpu),
        }
    }

    /// The model this spec names: the custom one, a catalog entry, or the default.
    pub fn model(&self) -> Model {
        match (&self.custom_model, self.model.as_str()) {
            (Some(m), CUSTOM) => m.clone(),
            (_, id) => catalog::model(id).unwrap_or_else(default_model),
        }
    }

    /// The full scenario. Out-of-range numbers (possible only when a Spec is built by hand)
    /// are clamped.
    pub fn scenario(&self) -> Scenario {
        let clamp = |v: u32, (lo, hi): (u32, u32)| v.clamp(lo, hi);
        Scenario {
            gpu: self.gpu(),
            model: self.model(),
            weights: self.weights,
            formats: self.formats,
            kv: self.kv,
            batch: clamp(self.batch, BATCH_RANGE),
            prompt: clamp(self.prompt, PROMPT_RANGE),
            output: clamp(self.output, OUTPUT_RANGE),
            gpus: clamp(self.gpus, GPUS_RANGE),
            parallel: crate::scenario::Parallel {
                pipeline: clamp(self.pp, PP_RANGE),
                experts: clamp(self.ep, EP_RANGE),
            },
            efficiency: Efficiency {
                bandwidth: clamp(self.bw_eff, EFF_RANGE) as f64 / 100.0,
                compute: clamp(self.compute_eff, EFF_RANGE) as f64 / 100.0,
                layer_overhead: Seconds(clamp(self.layer_us, LAYER_US_RANGE) as f64 * 1e-6),
                sequence_overhead: Seconds(clamp(self.seq_us, SEQ_US_RANGE) as f64 * 1e-6),
            },
            overhead: Bytes(clamp(self.overhead_mb, OVERHEAD_MB_RANGE) as f64 * 1e6),
            speculative: self
                .draft
                .as_deref()
                .and_then(catalog::model)
                .map(|draft| Speculative {
                    draft,
                    tokens: clamp(self.draft_tokens, DRAFT_TOKENS_RANGE),
                    acceptance: clamp(self.acceptance, ACCEPT_RANGE) as f64 / 100.0,
                }),
            kv_budget: crate::profile::profile(&self.engine)
                .map(|p| p.kv_budget)
                .unwrap_or(crate::profile::KvBudget::Remaining),
        }
    }

    /// The engine profile this spec names (the default for an unknown id).
    pub fn profile(&self) -> &'static crate::profile::Profile {
        crate::profile::profile(&self.engine)
            .or_else(|| crate::profile::profile(crate::profile::DEFAULT))
            .expect("the default profile exists")
    }

    /// Set when the link was made with an older calibration: what changed since, and when.
    pub fn recalibrated(&self) -> Option<String> {
        if self.calibration >= CALIBRATION {
            return None;
        }
        let since: Vec<String> = CALIBRATIONS
            .iter()
            .filter(|(n, _, _)| *n > self.calibration)
            .map(|(n, day, what)| format!("calibration {n} on {day} ({what})"))
            .collect();
        Some(format!(
            "This link was made with calibration {}; the figures were recalibrated since: {}. \
             They can differ from those shared with the link.",
            self.calibration,
            since.join("; ")
        ))
    }
}

/// A decimal in its shortest form that reads back to the same `f64` (`312`, `2.039`).
fn trim_float(v: f64) -> String {
    format!("{v}")
}

//! Models from the text of a Hugging Face `config.json`, and the checks a custom model or GPU
//! must pass before the engine sees it.
//!
//! Every failure names the field: `missing field "hidden_size"`, `"num_key_value_heads" (64)
//! must not exceed "num_attention_heads" (32)`.

use crate::hardware::Gpu;
use crate::json::{self, Json, Object};
use crate::model::{Mla, Mlp, Model, Moe};
use std::fmt;

/// Why a config or a custom entry was refused. The message names the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

fn err(field: &str, message: String) -> ConfigError {
    ConfigError {
        field: field.into(),
        message,
    }
}

/// Largest accepted size of a dimension (hidden, intermediate, vocab, context).
pub const MAX_DIM: u64 = 1 << 24;
/// Largest accepted count of layers, heads or experts.
pub const MAX_COUNT: u64 = 1 << 16;

/// Limits that keep every product in the engine finite and exact in `u64`.
fn check_range(field: &str, v: u64, lo: u64, hi: u64) -> Result<u64, ConfigError> {
    if v < lo || v > hi {
        Err(err(
            field,
            format!("\"{field}\" ({v}) must be between {lo} and {hi}"),
        ))
    } else {
        Ok(v)
    }
}

struct Fields<'a> {
    map: &'a Object,
}

impl Fields<'_> {
    /// The first of `names` present, as an unsigned integer.
    fn uint(&self, names: &[&str]) -> Result<Option<(String, u64)>, ConfigError> {
        for &name in names {
            match self.map.get(name) {
                None | Some(Json::Null) => continue,
                Some(v) => {
                    let n = v.as_u64().or_else(|| {
                        v.as_f64()
                            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 9e15)
                            .map(|f| f as u64)
                    });
                    return match n {
                        Some(n) => Ok(Some((name.to_string(), n))),
                        None => Err(err(
                            name,
                            format!("\"{name}\" must be a whole number, got {}", short(v)),
                        )),
                    };
                }
            }
        }
        Ok(None)
    }

    fn required(&self, names: &[&str], lo: u64, hi: u64) -> Result<u64, ConfigError> {
        match self.uint(names)? {
            Some((name, n)) => check_range(&name, n, lo, hi),
            None => Err(err(names[0], format!("missing field \"{}\"", names[0]))),
        }
    }

    fn optional(&self, names: &[&str], lo: u64, hi: u64) -> Result<Option<u64>, ConfigError> {
        match self.uint(names)? {
            Some((name, n)) => check_range(&name, n, lo, hi).map(Some),
            None => Ok(None),
        }
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>, ConfigError> {
        match self.map.get(name) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(err(
                name,
                format!("\"{name}\" must be true or false, got {}", short(v)),
            )),
        }
    }

    fn string(&self, name: &str) -> Option<&str> {
        self.map.get(name).and_then(Json::as_str)
    }
}

/// A JSON value shortened for a message.
fn short(v: &Json) -> String {
    let s = match v {
        Json::Null => "null".to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.text().unwrap_or("a number").to_string(),
        Json::String(s) => format!("\"{s}\""),
        Json::Array(_) => "an array".to_string(),
        Json::Object(_) => "an object".to_string(),
    };
    if s.chars().count() > 30 {
        format!("{}…", s.chars().take(30).collect::<String>())
    } else {
        s
    }
}

/// Reads a model's shape from the text of its Hugging Face `config.json`.
///
/// Understands Llama-style configs (Llama, Mistral, Qwen2, Gemma-2, Phi-3), Mixtral and
/// DeepSeek-V3 MoE and MLA fields, and GPT-style names (`n_embd`, `n_layer`, `n_head`).
pub fn model_from_hf_config(text: &str) -> Result<Model, ConfigError> {
    let value = json::parse(text)
        .map_err(|e| err("config.json", format!("config.json is not valid JSON: {e}")))?;
    let Some(map) = value.as_object() else {
        return Err(err(
            "config.json",
            "config.json must be a JSON object".into(),
        ));
    };
    // Multimodal wrappers keep the language model's config under text_config.
    let map = match map.get("text_config").and_then(Json::as_object) {
        Some(inner) if !map.contains_key("hidden_size") => inner,
        _ => map,
    };
    let f = Fields { map };
    let model_type = f.string("model_type").unwrap_or("").to_ascii_lowercase();

    let hidden = f.required(&["hidden_size", "n_embd", "d_model"], 1, MAX_DIM)?;
    let layers = f.required(
        &["num_hidden_layers", "n_layer", "num_layers"],
        1,
        MAX_COUNT,
    )?;
    let heads = f.required(&["num_attention_heads", "n_head"], 1, MAX_COUNT)?;
    let vocab = f.required(&["vocab_size"], 1, MAX_DIM)?;
    let plain_mlp = matches!(
        model_type.as_str(),
        "gpt2" | "gptj" | "gpt_neox" | "opt" | "falcon" | "gpt_bigcode" | "bloom"
    );
    let intermediate = f
        .optional(
            &["intermediate_size", "n_inner", "ffn_dim", "ffn_hidden_size"],
            1,
            MAX_DIM,
        )?
        .unwrap_or(4 * hidden);
    let kv_heads = match f.optional(
        &["num_key_value_heads", "num_kv_heads", "n_head_kv"],
        1,
        MAX_COUNT,
    )? {
        Some(kv) => kv,
        None if f.boolean("multi_query")? == Some(true) => 1,
        None => heads,
    };
    if kv_heads > heads {
        return Err(err(
            "num_key_value_heads",
            format!(
                "\"num_key_value_heads\" ({kv_heads}) must not exceed \"num_attention_heads\" ({heads})"
            ),
        ));
    }
    if heads % kv_heads != 0 {
        return Err(err(
            "num_key_value_heads",
            format!(
                "\"num_attention_heads\" ({heads}) must be a multiple of \"num_key_value_heads\" ({kv_heads})"
            ),
        ));
    }
    let head_dim = match f.optional(&["head_dim"], 1, MAX_DIM)? {
        Some(d) => d,
        None => {
            if hidden % heads != 0 {
                return Err(err(
                    "head_dim",
                    format!(
                        "missing field \"head_dim\", and \"hidden_size\" ({hidden}) is not a multiple of \"num_attention_heads\" ({heads})"
                    ),
                ));
            }
            hidden / heads
        }
    };
    let tied = f.boolean("tie_word_embeddings")?.unwrap_or(matches!(
        model_type.as_str(),
        "gemma" | "gemma2" | "gemma3_text" | "gpt2" | "opt" | "falcon" | "gpt_bigcode"
    ));
    let qkv_bias = f.boolean("attention_bias")?.unwrap_or(false)
        || matches!(model_type.as_str(), "qwen2" | "qwen2_moe");
    let max_context = f
        .optional(
            &[
                "max_position_embeddings",
                "n_positions",
                "max_sequence_length",
                "seq_length",
            ],
            1,
            1 << 30,
        )?
        .unwrap_or(4096);

    let experts = f.optional(
        &["num_local_experts", "n_routed_experts", "num_experts"],
        1,
        MAX_COUNT,
    )?;
    let moe = match experts {
        None => None,
        Some(experts) => {
            let active = f.required(&["num_experts_per_tok", "moe_top_k"], 1, experts)?;
            let shared = f
                .optional(&["n_shared_experts"], 0, MAX_COUNT)?
                .unwrap_or(0);
            let expert_intermediate = f
                .optional(&["moe_intermediate_size"], 1, MAX_DIM)?
                .unwrap_or(intermediate);
            let dense_layers = f
                .optional(&["first_k_dense_replace"], 0, layers)?
                .unwrap_or(0);
            Some(Moe {
                experts,
                active,
                shared,
                expert_intermediate,
                dense_layers,
            })
        }
    };
    let mla = match f.optional(&["kv_lora_rank"], 1, MAX_DIM)? {
        None => None,
        Some(kv_lora_rank) => Some(Mla {
            q_lora_rank: f.optional(&["q_lora_rank"], 0, MAX_DIM)?.unwrap_or(0),
            kv_lora_rank,
            qk_nope_head_dim: f.required(&["qk_nope_head_dim"], 1, MAX_DIM)?,
            qk_rope_head_dim: f.required(&["qk_rope_head_dim"], 1, MAX_DIM)?,
            v_head_dim: f.required(&["v_head_dim"], 1, MAX_DIM)?,
        }),
    };
    // Sliding windows: Mistral-v0.1 on every layer; Gemma-2 on every other layer; Qwen2 only
    // when use_sliding_window is set.
    let window = f.optional(&["sliding_window"], 1, 1 << 30)?;
    let sliding_window = match window {
        Some(w) if model_type.starts_with("gemma2") || model_type.starts_with("gemma3") => {
            Some((w, layers / 2))
        }
        Some(w) if f.boolean("use_sliding_window")? != Some(false) && w < max_context => {
            Some((w, layers))
        }
        _ => None,
    };
    let position_embeddings = if matches!(model_type.as_str(), "gpt2" | "opt" | "gpt_bigcode") {
        max_context + if model_type == "opt" { 2 } else { 0 }
    } else {
        0
    };
    let name = f
        .string("_name_or_path")
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(80).collect::<String>())
        .unwrap_or_else(|| "Custom model (config.json)".into());
    let model = Model {
        id: "custom".into(),
        name,
        hidden,
        intermediate,
        layers,
        heads,
        kv_heads,
        head_dim,
        vocab,
        tied_embeddings: tied,
        qkv_bias,
        mlp: if plain_mlp { Mlp::Plain } else { Mlp::Gated },
        moe,
        mla,
        sliding_window,
        position_embeddings,
        max_context,
        source: "pasted config.json".into(),
    };
    check_model(&model)?;
    Ok(model)
}

/// Checks a model's fields are in the ranges the engine handles.
pub fn check_model(m: &Model) -> Result<(), ConfigError> {
    check_range("hidden", m.hidden, 1, MAX_DIM)?;
    check_range("intermediate", m.intermediate, 1, MAX_DIM)?;
    check_range("layers", m.layers, 1, MAX_COUNT)?;
    check_range("heads", m.heads, 1, MAX_COUNT)?;
    check_range("kv_heads", m.kv_heads, 1, m.heads)?;
    if m.mla.is_none() && !m.heads.is_multiple_of(m.kv_heads) {
        return Err(err(
            "kv_heads",
            format!(
                "\"kv_heads\" ({}) must divide \"heads\" ({}): each KV head serves a whole group of query heads",
                m.kv_heads, m.heads
            ),
        ));
    }
    check_range("head_dim", m.head_dim, 1, MAX_DIM)?;
    check_range("vocab", m.vocab, 1, MAX_DIM)?;
    check_range("max_context", m.max_context, 1, 1 << 30)?;
    check_range("position_embeddings", m.position_embeddings, 0, 1 << 30)?;
    if let Some(moe) = m.moe {
        check_range("experts", moe.experts, 1, MAX_COUNT)?;
        check_range("active_experts", moe.active, 1, moe.experts)?;
        check_range("shared_experts", moe.shared, 0, MAX_COUNT)?;
        check_range("expert_intermediate", moe.expert_intermediate, 1, MAX_DIM)?;
        check_range("dense_layers", moe.dense_layers, 0, m.layers)?;
    }
    if let Some(mla) = m.mla {
        check_range("q_lora_rank", mla.q_lora_rank, 0, MAX_DIM)?;
        check_range("kv_lora_rank", mla.kv_lora_rank, 1, MAX_DIM)?;
        check_range("qk_nope_head_dim", mla.qk_nope_head_dim, 1, MAX_DIM)?;
        check_range("qk_rope_head_dim", mla.qk_rope_head_dim, 1, MAX_DIM)?;
        check_range("v_head_dim", mla.v_head_dim, 1, MAX_DIM)?;
    }
    if let Some((w, n)) = m.sliding_window {
        check_range("sliding_window", w, 1, 1 << 30)?;
        check_range("sliding_window_layers", n, 0, m.layers)?;
    }
    Ok(())
}

/// Checks a GPU's figures are positive, finite and within a sane bound.
pub fn check_gpu(g: &Gpu) -> Result<(), ConfigError> {
    // Lower bounds (1 MB, 1 MB/s, 1 GFLOP/s) keep ridge points and times finite.
    let pos = |field: &str, v: f64, hi: f64| {
        let lo = if field == "memory" || field == "bandwidth" || field == "interconnect" {
            1e6
        } else {
            1e9
        };
        if v.is_finite() && v >= lo && v <= hi {
            Ok(())
        } else {
            Err(err(
                field,
                format!("\"{field}\" must be a number from {lo:e} to {hi:e}"),
            ))
        }
    };
    pos("memory", g.memory.get(), 1e15)?;
    pos("bandwidth", g.bandwidth.get(), 1e15)?;
    pos("fp16", g.fp16.get(), 1e18)?;
    for (field, v) in [
        ("fp8", g.fp8),
        ("int8", g.int8),
        ("fp4", g.fp4),
        ("fp32", g.fp32),
    ] {
        if let Some(v) = v {
            pos(field, v.get(), 1e18)?;
        }
    }
    if let Some(link) = g.interconnect {
        pos("interconnect", link.get(), 1e15)?;
    }
    Ok(())
}

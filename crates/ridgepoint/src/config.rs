//! Models from the text of a Hugging Face `config.json`, and the checks a custom model or GPU
//! must pass before the engine sees it.
//!
//! Every failure names the field: `missing field "hidden_size"`, `"num_key_value_heads" (64)
//! must not exceed "num_attention_heads" (32)`.

use crate::hardware::Gpu;
use crate::json::{self, Json, Object};
use crate::model::{Mla, Mlp, Model, Moe};
use crate::precision::Precision;
use crate::scenario::{Group, GroupFormats};
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

    /// The first of `names` present, else the configuration class's default for `names[0]`
    /// (noted), else `None`.
    fn optional_or_default(
        &self,
        fam: &str,
        names: &[&str],
        lo: u64,
        hi: u64,
        notes: &mut Vec<String>,
    ) -> Result<Option<u64>, ConfigError> {
        if let Some(v) = self.optional(names, lo, hi)? {
            return Ok(Some(v));
        }
        // Written as null ("sliding_window": null in Mistral-7B-v0.3) is a value, not an absence.
        if names.iter().any(|n| self.map.contains_key(n)) {
            return Ok(None);
        }
        Ok(class_default(fam, names[0]).map(|(v, class)| {
            notes.push(format!("\"{}\" absent: {v} ({class}'s default)", names[0]));
            v
        }))
    }

    fn required_or_default(
        &self,
        fam: &str,
        names: &[&str],
        lo: u64,
        hi: u64,
        notes: &mut Vec<String>,
    ) -> Result<u64, ConfigError> {
        self.optional_or_default(fam, names, lo, hi, notes)?
            .ok_or_else(|| err(names[0], format!("missing field \"{}\"", names[0])))
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

/// A model read from a `config.json`, with what the reader had to assume.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub model: Model,
    /// `model_type` as written ("" when absent).
    pub model_type: String,
    /// The reader knows this `model_type`'s defaults and quirks; otherwise the common keys
    /// were read as a Llama-style model.
    pub known: bool,
    /// Each default applied for an absent key, and each reading a reader should know of
    /// (a feature approximated, a count left out), in words naming the key.
    pub assumptions: Vec<String>,
    /// The formats the checkpoint stores, from its `quantization_config`: the unconverted
    /// tensors' format and the groups converted to another (gpt-oss: BF16, experts MXFP4).
    pub stored: Option<(Precision, GroupFormats)>,
}

/// The tensor group a module path of a checkpoint names (routers and shared experts belong to
/// the dense-MLP group), if any.
fn module_group(path: &str) -> Option<Group> {
    let has = |w: &str| path.contains(w);
    Some(if has("embed") {
        Group::Embedding
    } else if has("lm_head") {
        Group::LmHead
    } else if has("attn") || has("attention") {
        Group::Attention
    } else if has("experts") && !has("shared_expert") {
        Group::Experts
    } else if has("mlp") || has("router") || has("gate") || has("shared_expert") || has("dense") {
        Group::Mlp
    } else {
        return None;
    })
}

/// The checkpoint's formats from `quantization_config`: which method, which format, which
/// tensor groups it converts (linear layers: attention, MLP, experts; never the embedding
/// gather; the LM head only when nothing says it is kept). `None` when the method is one the
/// engine has no format for (the reason is noted).
fn stored_formats(
    q: &Object,
    f: &Fields,
    notes: &mut Vec<String>,
) -> Option<(Precision, GroupFormats)> {
    let method = q
        .get("quant_method")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let bits = q.get("bits").and_then(Json::as_u64);
    let text = |k: &str| {
        q.get(k)
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let format = match method.as_str() {
        "mxfp4" => Some(Precision::Mxfp4),
        "fp8" | "fbgemm_fp8" => Some(if q.contains_key("weight_block_size") {
            Precision::Fp8Block
        } else {
            Precision::Fp8
        }),
        "awq" | "gptq" | "autoround" => match bits {
            Some(4) => Some(Precision::Int4),
            Some(8) => Some(Precision::Int8),
            _ => None,
        },
        "modelopt" => match text("quant_algo").as_str() {
            "fp8" => Some(Precision::Fp8),
            "nvfp4" => Some(Precision::Fp4),
            _ => None,
        },
        "compressed-tensors" => match text("format").as_str() {
            "nvfp4-pack-quantized" => Some(Precision::Fp4),
            "float-quantized" => Some(Precision::Fp8),
            "pack-quantized" => Some(Precision::Int4),
            "int-quantized" => Some(Precision::Int8),
            _ => None,
        },
        _ => None,
    };
    let Some(format) = format else {
        notes.push(format!(
            "\"quantization_config\" (\"{method}\"): not a format Ridgepoint models; the stored format is not applied, choose the weight format yourself"
        ));
        return None;
    };
    // What stays unconverted: modules_to_not_convert (transformers), ignore (compressed-tensors),
    // and lm_head unless a GPTQ-style "lm_head": true says otherwise.
    let mut kept: Vec<String> = Vec::new();
    for key in ["modules_to_not_convert", "ignore", "exclude_modules"] {
        if let Some(Json::Array(a)) = q.get(key) {
            kept.extend(
                a.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_ascii_lowercase),
            );
        }
    }
    let base = match f.string("torch_dtype").or_else(|| f.string("dtype")) {
        Some("float16") => Precision::Fp16,
        Some("float32") => Precision::Fp32,
        _ => Precision::Bf16,
    };
    // Each module left unconverted names one tensor group ("model.layers.*.self_attn",
    // "model.layers.*.mlp.router", "lm_head", …); the embedding is never converted, the LM
    // head only when the config says so (GPTQ's "lm_head": true).
    let kept: Vec<Group> = kept.iter().filter_map(|k| module_group(k)).collect();
    let head_converted = matches!(q.get("lm_head"), Some(Json::Bool(true)));
    let mut formats = GroupFormats::default();
    for g in [Group::Attention, Group::Mlp, Group::Experts] {
        formats.set(g, (!kept.contains(&g)).then_some(format));
    }
    if head_converted && !kept.contains(&Group::LmHead) {
        formats.lm_head = Some(format);
    }
    let converted: Vec<&str> = Group::ALL
        .iter()
        .filter(|g| formats.get(**g).is_some())
        .map(|g| g.label())
        .collect();
    notes.push(format!(
        "\"quantization_config\" ({method}): {} stored as {}, the rest as {}",
        converted.join(", "),
        format.label(),
        base.label()
    ));
    Some((base, formats))
}

/// Architectures whose layers are not all transformer attention (state-space, linear or
/// lightning attention, recurrent): their KV cache and FLOPs would be wrong, so they are refused
/// with the reason rather than shown with a wrong number.
const UNSUPPORTED_TYPES: &[(&str, &str)] = &[
    ("mamba", "state-space (Mamba) layers"),
    ("mamba2", "state-space (Mamba-2) layers"),
    ("falcon_mamba", "state-space (Mamba) layers"),
    (
        "falcon_h1",
        "hybrid attention + state-space (Mamba-2) layers",
    ),
    ("jamba", "hybrid attention + state-space (Mamba) layers"),
    ("zamba", "hybrid attention + state-space (Mamba) layers"),
    ("zamba2", "hybrid attention + state-space (Mamba-2) layers"),
    (
        "nemotron_h",
        "hybrid attention + state-space (Mamba-2) layers",
    ),
    ("bamba", "hybrid attention + state-space (Mamba-2) layers"),
    (
        "granitemoehybrid",
        "hybrid attention + state-space (Mamba-2) layers",
    ),
    (
        "qwen3_next",
        "hybrid full + linear-attention (Gated DeltaNet) layers",
    ),
    (
        "minimax",
        "hybrid softmax + lightning (linear) attention layers",
    ),
    (
        "minimax_m1",
        "hybrid softmax + lightning (linear) attention layers",
    ),
    ("rwkv", "recurrent (RWKV) layers"),
    ("rwkv5", "recurrent (RWKV) layers"),
    ("rwkv6", "recurrent (RWKV) layers"),
    ("recurrent_gemma", "recurrent (Griffin) layers"),
    ("xlstm", "recurrent (xLSTM) layers"),
];

/// What a configuration class in transformers fills in for a key the `config.json` leaves out,
/// by family: (value, class). Gemma 3's published configs name only a few text keys (gemma-3-4b-it:
/// hidden_size, intermediate_size, num_hidden_layers, sliding_window) and lean on the rest.
/// A key written as null is not absent: no default replaces it.
/// Sources: `Gemma3TextConfig.__init__` (configuration_gemma3.py), `MistralConfig.__init__`
/// (configuration_mistral.py), `GlmConfig` (configuration_glm.py), `Starcoder2Config`
/// (configuration_starcoder2.py) in huggingface/transformers.
fn class_default(fam: &str, key: &str) -> Option<(u64, &'static str)> {
    let (class, table): (&str, &[(&str, u64)]) = match fam {
        "gemma3" => (
            "Gemma3TextConfig",
            &[
                ("vocab_size", 262_208),
                ("hidden_size", 2304),
                ("intermediate_size", 9216),
                ("num_hidden_layers", 26),
                ("num_attention_heads", 8),
                ("num_key_value_heads", 4),
                ("head_dim", 256),
                ("max_position_embeddings", 131_072),
                ("sliding_window", 4096),
            ],
        ),
        "mistral" => (
            "MistralConfig",
            &[
                ("vocab_size", 32_000),
                ("hidden_size", 4096),
                ("intermediate_size", 14_336),
                ("num_hidden_layers", 32),
                ("num_attention_heads", 32),
                ("num_key_value_heads", 8),
                ("max_position_embeddings", 131_072),
                ("sliding_window", 4096),
            ],
        ),
        "glm4" => (
            "GlmConfig",
            &[
                ("vocab_size", 151_552),
                ("hidden_size", 4096),
                ("intermediate_size", 13_696),
                ("num_hidden_layers", 40),
                ("num_attention_heads", 32),
                ("num_key_value_heads", 2),
                ("head_dim", 128),
                ("max_position_embeddings", 131_072),
            ],
        ),
        "starcoder2" => (
            "Starcoder2Config",
            &[
                ("vocab_size", 49_152),
                ("hidden_size", 3072),
                ("intermediate_size", 12_288),
                ("num_hidden_layers", 30),
                ("num_attention_heads", 24),
                ("num_key_value_heads", 2),
                ("max_position_embeddings", 4096),
            ],
        ),
        _ => return None,
    };
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| (*v, class))
}

/// `model_type`s this reader knows, with the family whose rules apply.
fn family(model_type: &str) -> Option<&'static str> {
    Some(match model_type {
        "mistral" => "mistral",
        "llama" | "mixtral" | "yi" | "internlm" | "internlm3" | "olmo" | "olmo2" | "olmoe"
        | "granite" | "granitemoe" | "exaone" | "smollm3" | "ministral" | "mistral3" => "llama",
        "internlm2" => "internlm2",
        "llama4" | "llama4_text" => "llama4",
        "qwen2" | "qwen2_vl" | "qwen2_5_vl" => "qwen2",
        "qwen2_moe" => "qwen2_moe",
        "qwen3" => "qwen3",
        "qwen3_moe" => "qwen3_moe",
        "deepseek_v2" | "deepseek_v3" | "kimi_k2" => "deepseek",
        "gemma" => "gemma",
        "gemma2" => "gemma2",
        "gemma3" | "gemma3_text" => "gemma3",
        "gpt_oss" => "gpt_oss",
        "phi3" | "phi4" => "phi3",
        "phimoe" => "phimoe",
        "phi" => "phi",
        "falcon" | "refinedweb" | "refinedwebmodel" => "falcon",
        "gpt2" => "gpt2",
        "gpt_bigcode" => "gpt_bigcode",
        "gptj" => "gptj",
        "gpt_neox" => "gpt_neox",
        "opt" => "opt",
        "starcoder2" => "starcoder2",
        "cohere" => "cohere",
        "cohere2" => "cohere2",
        "chatglm" => "chatglm",
        // GlmConfig (in-library GLM-4-9B, "-hf" repos) and Glm4Config (GLM-4-0414) name the common
        // keys; only ChatGLM's remote code uses num_layers / multi_query_group_num.
        "glm" | "glm4" => "glm4",
        "glm4_moe" => "glm4_moe",
        _ => return None,
    })
}

/// Reads a model's shape from the text of its Hugging Face `config.json` (see [`import_hf_config`]).
pub fn model_from_hf_config(text: &str) -> Result<Model, ConfigError> {
    import_hf_config(text).map(|i| i.model)
}

/// Reads a model's shape from the text of its Hugging Face `config.json`, knowing each
/// architecture's keys and the defaults Hugging Face transformers applies when a key is absent;
/// an unknown `model_type` is read through the common keys. Every default applied is listed in
/// [`Imported::assumptions`].
pub fn import_hf_config(text: &str) -> Result<Imported, ConfigError> {
    let value = json::parse(text)
        .map_err(|e| err("config.json", format!("config.json is not valid JSON: {e}")))?;
    let Some(outer) = value.as_object() else {
        return Err(err(
            "config.json",
            "config.json must be a JSON object".into(),
        ));
    };
    let mut notes = Vec::new();
    // Multimodal wrappers keep the language model's config under text_config (Llama 4,
    // Gemma 3, Mistral 3): the vision tower is not counted.
    let map = match outer.get("text_config").and_then(Json::as_object) {
        Some(inner) if !outer.contains_key("hidden_size") => {
            notes.push(
                "text_config: the language model is read; the vision encoder and projector are not counted"
                    .to_string(),
            );
            inner
        }
        _ => outer,
    };
    let f = Fields { map };
    let model_type = f
        .string("model_type")
        .or_else(|| outer.get("model_type").and_then(Json::as_str))
        .unwrap_or("")
        .to_string();
    let ty = model_type.to_ascii_lowercase();
    if let Some((_, what)) = UNSUPPORTED_TYPES.iter().find(|(t, _)| *t == ty) {
        return Err(err(
            "model_type",
            format!(
                "\"model_type\" \"{model_type}\" has {what}, which Ridgepoint cannot model yet (its KV cache and FLOPs would be wrong)"
            ),
        ));
    }
    let fam = family(&ty).unwrap_or("");
    let known = !fam.is_empty();
    if !known {
        notes.push(format!(
            "\"model_type\" {}: not a known architecture; read through the common keys as a Llama-style decoder (gated MLP, no biases)",
            if model_type.is_empty() { "absent".to_string() } else { format!("\"{model_type}\"") }
        ));
    }

    let n = &mut notes;
    let hidden =
        f.required_or_default(fam, &["hidden_size", "n_embd", "d_model"], 1, MAX_DIM, n)?;
    let layers = f.required_or_default(
        fam,
        &["num_hidden_layers", "n_layer", "num_layers"],
        1,
        MAX_COUNT,
        n,
    )?;
    let heads = f.required_or_default(fam, &["num_attention_heads", "n_head"], 1, MAX_COUNT, n)?;
    let vocab = if fam == "chatglm" {
        f.required(&["padded_vocab_size", "vocab_size"], 1, MAX_DIM)?
    } else {
        f.required_or_default(fam, &["vocab_size", "padded_vocab_size"], 1, MAX_DIM, n)?
    };
    let plain_mlp = match fam {
        "gpt2" | "gpt_bigcode" | "gptj" | "gpt_neox" | "opt" | "falcon" | "phi" => true,
        // StarCoder2's only MLP is c_fc → GELU → c_proj ("mlp_type": "default").
        "starcoder2" => true,
        _ => matches!(f.string("mlp_type"), Some("default" | "plain" | "gelu")) && !known,
    };
    let intermediate = match f.optional_or_default(
        fam,
        &["intermediate_size", "n_inner", "ffn_dim", "ffn_hidden_size"],
        1,
        MAX_DIM,
        &mut notes,
    )? {
        Some(i) => i,
        None => {
            notes.push(format!(
                "\"intermediate_size\" absent: 4 × hidden_size = {}",
                4 * hidden
            ));
            4 * hidden
        }
    };
    let kv_heads = kv_heads(&f, fam, heads, &mut notes)?;
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
    let head_dim = match f.optional_or_default(
        fam,
        &["head_dim", "kv_channels"],
        1,
        MAX_DIM,
        &mut notes,
    )? {
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
    // tie_word_embeddings defaults: true for these configuration classes in transformers
    // (GemmaConfig, Gemma2Config, Gemma3TextConfig, GPT2Config, OPTConfig, FalconConfig,
    // GPTBigCodeConfig, CohereConfig, Cohere2Config, Starcoder2Config: its
    // `tie_word_embeddings: bool = True`, transformers' configuration_starcoder2.py); false for
    // the rest. StarCoder2-7B's config names no tie: untied it would count 7.40B, not 7B.
    let tie_default = matches!(
        fam,
        "gemma"
            | "gemma2"
            | "gemma3"
            | "gpt2"
            | "opt"
            | "falcon"
            | "gpt_bigcode"
            | "cohere"
            | "cohere2"
            | "starcoder2"
    );
    let tied = match f.boolean("tie_word_embeddings")? {
        Some(t) => t,
        None => {
            notes.push(format!(
                "\"tie_word_embeddings\" absent: {tie_default} ({} default)",
                if known {
                    "the architecture's"
                } else {
                    "transformers'"
                }
            ));
            tie_default
        }
    };
    let qkv_bias = match fam {
        "qwen2" | "qwen2_moe" => true,
        "gpt2" | "gpt_bigcode" | "opt" | "gpt_neox" | "phi" => {
            f.boolean("attention_bias")?.unwrap_or(true)
        }
        "starcoder2" => f.boolean("use_bias")?.unwrap_or(true),
        "chatglm" => f.boolean("add_qkv_bias")?.unwrap_or(false),
        // GlmConfig and Glm4Config: `attention_bias: bool = True` (transformers'
        // configuration_glm.py, configuration_glm4.py).
        "glm4" => match f.boolean("attention_bias")? {
            Some(b) => b,
            None => {
                notes.push(
                    "\"attention_bias\" absent: true (GlmConfig's default): biases on Q, K and V"
                        .into(),
                );
                true
            }
        },
        "falcon" => f.boolean("bias")?.unwrap_or(false),
        // InternLM2 (remote code): one `bias` for the fused wqkv and wo projections,
        // InternLM2Config's default True (configuration_internlm2.py of internlm/internlm2-chat-7b).
        "internlm2" => match f.boolean("bias")? {
            Some(b) => b,
            None => {
                notes.push("\"bias\" absent: true (InternLM2Config's default): biases on the QKV and output projections".into());
                true
            }
        },
        _ => f.boolean("attention_bias")?.unwrap_or(false),
    };
    let max_context = match f.optional_or_default(
        fam,
        &[
            "max_position_embeddings",
            "n_positions",
            "max_sequence_length",
            "seq_length",
            "n_ctx",
        ],
        1,
        1 << 30,
        &mut notes,
    )? {
        Some(c) => c,
        None => {
            // FalconConfig, GPT2Config (n_positions 1024) and OPTConfig carry their own defaults.
            let d = match fam {
                "falcon" | "opt" => 2048,
                "gpt2" => 1024,
                _ => 4096,
            };
            notes.push(format!("\"max_position_embeddings\" absent: {d}"));
            d
        }
    };

    let moe = moe(&f, fam, layers, intermediate, &mut notes)?;
    let intermediate = match (fam, moe) {
        // Llama 4's dense layers use intermediate_size_mlp; intermediate_size is an expert's.
        ("llama4", Some(_)) => f
            .optional(&["intermediate_size_mlp"], 1, MAX_DIM)?
            .unwrap_or(intermediate),
        _ => intermediate,
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
    let head_dim = match mla {
        Some(m) if f.optional(&["head_dim"], 1, MAX_DIM)?.is_none() => {
            m.qk_nope_head_dim + m.qk_rope_head_dim
        }
        _ => head_dim,
    };
    if let Some(n) = f.optional(&["num_nextn_predict_layers"], 0, MAX_COUNT)? {
        if n > 0 {
            notes.push(format!(
                "\"num_nextn_predict_layers\" ({n}): the multi-token-prediction layer{} stored in the checkpoint {} not counted (used only for speculative decoding)",
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            ));
        }
    }
    let (sliding_window, chunked) = attention_layers(&f, fam, layers, max_context, &mut notes)?;
    // OPT-350m embeds into word_embed_proj_dim (512) and projects in and out of hidden_size (1024);
    // the model counts the table at hidden_size, so the reading says what that approximates.
    if fam == "opt" {
        if let Some(d) = f.optional(&["word_embed_proj_dim"], 1, MAX_DIM)? {
            if d != hidden {
                let counted = vocab * hidden;
                let actual = vocab * d + 2 * d * hidden;
                notes.push(format!(
                    "\"word_embed_proj_dim\" ({d}) differs from hidden_size ({hidden}): the embedding is counted as {vocab} × {hidden} = {counted}, where OPT stores {vocab} × {d} plus two {d} × {hidden} projections = {actual}"
                ));
            }
        }
    }
    let position_embeddings = match fam {
        "gpt2" | "gpt_bigcode" => max_context,
        // OPT's learned positions carry an offset of 2.
        "opt" => max_context + 2,
        _ => 0,
    };
    let stored = match map
        .get("quantization_config")
        .or_else(|| outer.get("quantization_config"))
        .and_then(Json::as_object)
    {
        Some(q) => stored_formats(q, &f, &mut notes),
        None => None,
    };
    let name = f
        .string("_name_or_path")
        .or_else(|| outer.get("_name_or_path").and_then(Json::as_str))
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
        chunked,
        position_embeddings,
        max_context,
        source: "pasted config.json".into(),
    };
    check_model(&model)?;
    Ok(Imported {
        model,
        model_type,
        known,
        assumptions: notes,
        stored,
    })
}

/// Key/value heads, by the architecture's rules.
fn kv_heads(
    f: &Fields,
    fam: &str,
    heads: u64,
    notes: &mut Vec<String>,
) -> Result<u64, ConfigError> {
    match fam {
        // ChatGLM: multi_query_attention with multi_query_group_num groups.
        "chatglm" => {
            if f.boolean("multi_query_attention")? == Some(true) {
                return f.required(&["multi_query_group_num"], 1, MAX_COUNT);
            }
            return Ok(heads);
        }
        // Falcon: the new decoder reads num_kv_heads; the old one is multi-query (one K/V
        // head) when multi_query is set, and FalconConfig's multi_query defaults to true.
        "falcon" => {
            // The original remote-code configs name the decoder by model_type: RefinedWeb
            // (Falcon-40B/180B) is the new decoder, RefinedWebModel (Falcon-7B) the old one.
            let legacy_new = f.string("model_type") == Some("RefinedWeb");
            let new = f.boolean("new_decoder_architecture")?.unwrap_or(legacy_new);
            if !new {
                let mq = match f.boolean("multi_query")? {
                    Some(m) => m,
                    None => {
                        notes.push(
                            "\"multi_query\" absent: true (FalconConfig's default): one K/V head"
                                .into(),
                        );
                        true
                    }
                };
                if mq {
                    return Ok(1);
                }
                return Ok(heads);
            }
        }
        // GPTBigCode (StarCoder 1): multi_query defaults to true.
        "gpt_bigcode" => {
            return Ok(if f.boolean("multi_query")?.unwrap_or(true) {
                1
            } else {
                heads
            })
        }
        _ => {}
    }
    match f.optional(
        &["num_key_value_heads", "num_kv_heads", "n_head_kv"],
        1,
        MAX_COUNT,
    )? {
        Some(kv) => Ok(kv),
        // The class's own default (GlmConfig, Gemma3TextConfig, Starcoder2Config).
        None if class_default(fam, "num_key_value_heads").is_some() => {
            let (kv, class) = class_default(fam, "num_key_value_heads").unwrap_or((heads, ""));
            notes.push(format!(
                "\"num_key_value_heads\" absent: {kv} ({class}'s default)"
            ));
            Ok(kv)
        }
        None if f.boolean("multi_query")? == Some(true) => Ok(1),
        None => {
            if !matches!(fam, "gpt2" | "gptj" | "gpt_neox" | "opt" | "phi") {
                notes.push(format!(
                    "\"num_key_value_heads\" absent: {heads} (= num_attention_heads: multi-head attention)"
                ));
            }
            Ok(heads)
        }
    }
}

/// The mixture of experts, by the architecture's keys.
fn moe(
    f: &Fields,
    fam: &str,
    layers: u64,
    intermediate: u64,
    notes: &mut Vec<String>,
) -> Result<Option<Moe>, ConfigError> {
    let experts = f.optional(
        &[
            "num_local_experts",
            "n_routed_experts",
            "num_experts",
            "moe_num_experts",
        ],
        1,
        MAX_COUNT,
    )?;
    let Some(experts) = experts else {
        return Ok(None);
    };
    if experts == 1 && fam != "llama4" {
        return Ok(None);
    }
    let active = f.required(
        &[
            "num_experts_per_tok",
            "experts_per_token",
            "moe_top_k",
            "top_k",
        ],
        1,
        experts,
    )?;
    let expert_intermediate = match f.optional(&["moe_intermediate_size"], 1, MAX_DIM)? {
        Some(i) => i,
        None => intermediate,
    };
    let mut shared = f.optional(&["n_shared_experts", "num_shared_experts"], 0, MAX_COUNT)?;
    // Qwen-MoE's one shared expert is shared_expert_intermediate_size wide: counted as that
    // many expert widths (Qwen1.5-MoE-A2.7B: 5632 = 4 × 1408).
    if let Some(w) = f.optional(&["shared_expert_intermediate_size"], 0, MAX_DIM)? {
        if w > 0 {
            let n = w.div_ceil(expert_intermediate);
            if w % expert_intermediate != 0 {
                notes.push(format!(
                    "\"shared_expert_intermediate_size\" ({w}) is not a multiple of the expert width ({expert_intermediate}): counted as {n} experts"
                ));
            }
            shared = Some(n);
        }
    }
    // Llama 4 has one shared expert beside the routed ones.
    if fam == "llama4" && shared.is_none() {
        shared = Some(1);
    }
    let mut dense_layers = f
        .optional(&["first_k_dense_replace"], 0, layers)?
        .unwrap_or(0);
    // Qwen-MoE: decoder_sparse_step k puts experts on every k-th layer; mlp_only_layers are dense.
    if matches!(fam, "qwen2_moe" | "qwen3_moe") {
        let step = f
            .optional(&["decoder_sparse_step"], 1, layers)?
            .unwrap_or(1);
        let only: Vec<u64> = match f.map.get("mlp_only_layers") {
            Some(Json::Array(a)) => a.iter().filter_map(Json::as_u64).collect(),
            _ => Vec::new(),
        };
        let sparse = (0..layers)
            .filter(|i| !only.contains(i) && (i + 1) % step == 0)
            .count() as u64;
        dense_layers = layers - sparse;
    }
    // Llama 4: experts on every interleave_moe_layer_step-th layer (Maverick: every other).
    if fam == "llama4" {
        let step = f
            .optional(&["interleave_moe_layer_step"], 1, layers)?
            .unwrap_or(1);
        dense_layers = layers - layers / step;
    }
    Ok(Some(Moe {
        experts,
        active,
        shared: shared.unwrap_or(0),
        expert_intermediate,
        dense_layers,
    }))
}

/// Layers that do not attend to the whole context, as (sliding window, how many layers) and
/// (chunk, how many layers): by `layer_types` when the config lists them, else by the
/// architecture's pattern.
type Windows = (Option<(u64, u64)>, Option<(u64, u64)>);

fn attention_layers(
    f: &Fields,
    fam: &str,
    layers: u64,
    max_context: u64,
    notes: &mut Vec<String>,
) -> Result<Windows, ConfigError> {
    let window = f.optional_or_default(fam, &["sliding_window"], 1, 1 << 30, notes)?;
    if let Some(Json::Array(types)) = f.map.get("layer_types") {
        let mut sliding = 0u64;
        for (i, t) in types.iter().enumerate() {
            match t.as_str() {
                Some("full_attention") => {}
                Some("sliding_attention") => sliding += 1,
                Some(other) => {
                    return Err(err(
                        "layer_types",
                        format!(
                            "\"layer_types\"[{i}] is \"{other}\", a kind of layer Ridgepoint cannot model yet (only full_attention and sliding_attention)"
                        ),
                    ))
                }
                None => {
                    return Err(err(
                        "layer_types",
                        format!("\"layer_types\"[{i}] must be a string, got {}", short(t)),
                    ))
                }
            }
        }
        if types.len() as u64 != layers {
            return Err(err(
                "layer_types",
                format!(
                    "\"layer_types\" lists {} layers but \"num_hidden_layers\" is {layers}",
                    types.len()
                ),
            ));
        }
        return match (sliding, window) {
            (0, _) => Ok((None, None)),
            (n, Some(w)) => Ok((Some((w, n)), None)),
            (_, None) => Err(err(
                "sliding_window",
                "\"layer_types\" has sliding_attention layers but \"sliding_window\" is missing"
                    .into(),
            )),
        };
    }
    // Llama 4: chunked attention on the RoPE layers, global (NoPE) attention every 4th.
    if fam == "llama4" {
        if let Some(chunk) = f.optional(&["attention_chunk_size"], 1, 1 << 30)? {
            let global = match f.map.get("no_rope_layers") {
                Some(Json::Array(a)) if a.len() as u64 == layers => {
                    a.iter().filter(|v| v.as_u64() == Some(0)).count() as u64
                }
                _ => {
                    notes.push(format!(
                        "\"no_rope_layers\" absent: every 4th layer global, {} of {layers} chunked",
                        layers - layers / 4
                    ));
                    layers / 4
                }
            };
            return Ok((None, Some((chunk, layers - global))));
        }
        return Ok((None, None));
    }
    let Some(w) = window else {
        return Ok((None, None));
    };
    let sliding = match fam {
        // Gemma 2 (and Gemma 1 configs that name a window): every other layer is local.
        "gemma2" | "gemma" => Some((w, layers.div_ceil(2))),
        // Gemma 3 and Cohere 2: one global layer per sliding_window_pattern (6 and 4 by default).
        "gemma3" | "cohere2" => {
            let default = if fam == "gemma3" { 6 } else { 4 };
            let pattern = match f.optional(&["sliding_window_pattern"], 1, MAX_COUNT)? {
                Some(p) => p,
                None => {
                    notes.push(format!(
                        "\"sliding_window_pattern\" absent: {default} (one global layer in {default})"
                    ));
                    default
                }
            };
            Some((w, layers - layers / pattern))
        }
        // Qwen2/3 (and their MoE): only with use_sliding_window, on layers from
        // max_window_layers on.
        "qwen2" | "qwen2_moe" | "qwen3" | "qwen3_moe" => {
            if f.boolean("use_sliding_window")? != Some(true) {
                return Ok((None, None));
            }
            let from = f.optional(&["max_window_layers"], 0, layers)?.unwrap_or(0);
            Some((w, layers - from)).filter(|(_, n)| *n > 0)
        }
        _ if f.boolean("use_sliding_window")? == Some(false) => None,
        // A window as long as the context caps nothing.
        _ if w >= max_context => None,
        _ => Some((w, layers)),
    };
    Ok((sliding, None))
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
    if let Some((c, n)) = m.chunked {
        check_range("attention_chunk", c, 1, 1 << 30)?;
        let free = m.layers - m.sliding_window.map_or(0, |w| w.1.min(m.layers));
        check_range("attention_chunk_layers", n, 0, free)?;
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

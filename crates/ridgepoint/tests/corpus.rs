//! Real `config.json` files as published (tests/data/configs, sources in SOURCES.tsv) through
//! the import: parameter counts against the published ones, and the KV cache of one sequence
//! against a per-layer sum written out here from each config's own keys.
//!
//! Conventions:
//! - **Total** is everything stored, embeddings included (vision towers of multimodal wrappers
//!   and multi-token-prediction layers left out, as the vendors' headline counts do).
//! - **Active** is what one token touches. Vendors differ and seldom say: Mixtral's and Qwen3's
//!   figures count the input embedding table (`WithEmbedding`); gpt-oss's 5.1B, Kimi K2's 32B and
//!   DeepSeek-V2-Lite's 2.4B match only without it (`WithoutEmbedding`); GLM-4.5's 32B only
//!   without the embedding and the LM head (`WithoutEmbeddingOrHead`). None of these sources
//!   states its convention: the column records the one the figure matches, and the check then
//!   holds the count to 2% under it (a missing shared expert or a wrong expert width still fails).
//! - **Checkpoint counts:** where a row's figure is the checkpoint's own size
//!   (`model.safetensors.index.json` total_size over the bytes per value of `torch_dtype`:
//!   gemma-2-9b-it, internlm2-chat-7b, mistral-7b-v0.1, olmo-2-1124-13b, glm-4-9b-chat-hf), it
//!   counts every stored tensor; `checkpoint_counts_differ_only_by_the_norms_left_out` holds the
//!   engine to it exactly, less the norms the engine does not count.
//! - **Multimodal:** gemma-3-4b-it's figure is keras-hub's text-only preset; the vision tower is
//!   out of both.
//! - **Tolerance:** total within 1% and active within 2% of the published figure, plus that
//!   figure's own rounding (half a unit of its last digit: "46.7B" is 46.65–46.75). A figure SOURCES.tsv calls *nominal*
//!   (a size class in the model's name: "70B" for 68.98B) is held to 5% only.

use ridgepoint::config::import_hf_config;
use std::collections::HashMap;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Active {
    /// The input embedding table counted as active (a dense model's total).
    WithEmbedding,
    /// The input embedding left out.
    WithoutEmbedding,
    /// Neither the input embedding nor the LM head counted.
    WithoutEmbeddingOrHead,
}
use Active::*;

/// What each config says about its attention layers, written out from its keys:
/// (id, full-attention layers, sliding-window layers, window, cached elements per token per
/// layer, active convention). Elements: 2 × num_key_value_heads × head_dim (head_dim =
/// hidden_size / num_attention_heads when absent), or kv_lora_rank + qk_rope_head_dim for MLA.
#[rustfmt::skip]
// `2 * 1 * 64` spells out K and V × KV heads × head_dim, one head included.
#[allow(clippy::identity_op)]
const LAYERS: &[(&str, u64, u64, u64, u64, Active)] = &[
    // id                        full sliding window  elements  active
    ("c4ai-command-r-v01",        40,  0,    0,     2 * 64 * 128,  WithEmbedding), // MHA: 8192 / 64
    ("falcon-7b-instruct",        32,  0,    0,     2 * 1 * 64,    WithEmbedding), // multi_query: one K/V head, 4544 / 71
    ("falcon-7b-instruct-rw",     32,  0,    0,     2 * 1 * 64,    WithEmbedding), // RefinedWebModel, multi_query
    ("gemma-2-9b-it",             21,  21,   4096,  2 * 8 * 256,   WithEmbedding), // every other layer local, head_dim 256
    ("gemma-3-4b-it",             5,   29,   1024,  2 * 4 * 256,   WithEmbedding), // text_config names 4 keys: Gemma3TextConfig defaults (8 heads, 4 KV, head_dim 256), 1 global layer in 6
    ("gpt-j-6b",                  28,  0,    0,     2 * 16 * 256,  WithEmbedding), // MHA: 4096 / 16
    ("internlm2-chat-7b",         32,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("opt-1.3b",                  24,  0,    0,     2 * 32 * 64,   WithEmbedding), // MHA: 2048 / 32; learned positions
    ("opt-13b",                   40,  0,    0,     2 * 40 * 128,  WithEmbedding),
    ("opt-30b",                   48,  0,    0,     2 * 56 * 128,  WithEmbedding),
    ("opt-6.7b",                  32,  0,    0,     2 * 32 * 128,  WithEmbedding),
    ("phi-3-medium-128k-instruct", 40, 0,    0,     2 * 10 * 128,  WithEmbedding), // sliding_window 131072 = context
    ("phi-3-mini-128k-instruct",  32,  0,    0,     2 * 32 * 96,   WithEmbedding), // sliding_window 262144 > context
    ("phi-3-mini-4k-instruct",    0,   32,   2047,  2 * 32 * 96,   WithEmbedding), // sliding_window 2047 < 4096 context
    ("phi-4-mini-instruct",       32,  0,    0,     2 * 8 * 128,   WithEmbedding), // 3072 / 24; sliding_window 262144 > context
    ("starcoder2-7b",             0,   32,   4096,  2 * 4 * 128,   WithEmbedding), // sliding_window 4096 < 16384 context
    ("chatglm3-6b",               28,  0,    0,     2 * 2 * 128,   WithEmbedding), // multi_query_group_num 2, kv_channels 128
    ("deepseek-r1",               61,  0,    0,     512 + 64,      WithEmbedding),
    ("deepseek-v2-lite",          27,  0,    0,     512 + 64,      WithoutEmbedding),
    ("deepseek-v3",               61,  0,    0,     512 + 64,      WithEmbedding),
    ("falcon-40b",                60,  0,    0,     2 * 8 * 64,    WithEmbedding), // n_head_kv 8, 8192 / 128
    ("glm-4-9b-chat-hf",          40,  0,    0,     2 * 2 * 128,   WithEmbedding), // num_key_value_heads 2, head_dim 128
    ("glm-4.5",                   92,  0,    0,     2 * 8 * 128,   WithoutEmbeddingOrHead),
    ("gpt-oss-120b",              18,  18,   128,   2 * 8 * 64,    WithoutEmbedding), // layer_types alternate
    ("gpt-oss-20b",               12,  12,   128,   2 * 8 * 64,    WithoutEmbedding),
    ("gpt2-large",                36,  0,    0,     2 * 20 * 64,   WithEmbedding), // MHA: 1280 / 20
    ("kimi-k2-instruct",          61,  0,    0,     512 + 64,      WithoutEmbedding),
    ("llama-2-13b",               40,  0,    0,     2 * 40 * 128,  WithEmbedding),
    ("llama-2-70b",               80,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("llama-2-7b",                32,  0,    0,     2 * 32 * 128,  WithEmbedding),
    ("llama-3.1-405b",            126, 0,    0,     2 * 8 * 128,   WithEmbedding),
    ("llama-3.1-70b",             80,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("llama-3.1-8b",              32,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("llama-3.2-1b-instruct",     16,  0,    0,     2 * 8 * 64,    WithEmbedding),
    ("llama-3.2-3b-instruct",     28,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("mistral-7b-v0.1",           0,   32,   4096,  2 * 8 * 128,   WithEmbedding), // sliding_window 4096 < 32768 context
    ("olmo-2-1124-13b",           40,  0,    0,     2 * 40 * 128,  WithEmbedding), // MHA: 5120 / 40
    ("mixtral-8x22b",             56,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("mixtral-8x7b",              32,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("phi-4",                     40,  0,    0,     2 * 10 * 128,  WithEmbedding),
    ("phi-mini-moe-instruct",     0,   32,   2047,  2 * 8 * 128,   WithEmbedding), // sliding_window 2047 < 4096 context
    ("qwen2.5-1.5b",              28,  0,    0,     2 * 2 * 128,   WithEmbedding), // use_sliding_window false
    ("qwen2.5-32b",               64,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("qwen2.5-72b",               80,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("qwen2.5-7b",                28,  0,    0,     2 * 4 * 128,   WithEmbedding),
    ("qwen3-0.6b",                28,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("qwen3-1.7b",                28,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("qwen3-235b-a22b",           94,  0,    0,     2 * 4 * 128,   WithEmbedding),
    ("qwen3-30b-a3b",             48,  0,    0,     2 * 4 * 128,   WithEmbedding),
    ("qwen3-32b",                 64,  0,    0,     2 * 8 * 128,   WithEmbedding),
    ("qwen3-4b-base",             36,  0,    0,     2 * 8 * 128,   WithEmbedding), // head_dim 128 > 2560 / 32
    ("qwen3-8b",                  36,  0,    0,     2 * 8 * 128,   WithEmbedding),
];

/// Configs the engine must refuse, and a word the refusal must contain.
const REFUSED: &[(&str, &str)] = &[
    ("nemotron-h-56b-base-8k", "state-space"),
    ("qwen3-next-80b-a3b-thinking", "linear-attention"),
];

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/configs"))
}

/// SOURCES.tsv: id → (published total, published active, note) as written ("46.7B", "1T").
fn published() -> HashMap<String, (String, String, String)> {
    let text = std::fs::read_to_string(dir().join("SOURCES.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id, total, active, note) = (
        col("id"),
        col("params_total_published"),
        col("params_active_published"),
        col("params_note"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let get = |i: usize| c.get(i).copied().unwrap_or("").trim().to_string();
            (get(id), (get(total), get(active), get(note)))
        })
        .collect()
}

/// "46.7B" → (46.7e9, half a unit of its last digit: 0.05e9).
fn parse_count(s: &str) -> Option<(f64, f64)> {
    let s = s.trim();
    let (num, scale) = match s.chars().last()? {
        'T' => (&s[..s.len() - 1], 1e12),
        'B' => (&s[..s.len() - 1], 1e9),
        'M' => (&s[..s.len() - 1], 1e6),
        _ => return None,
    };
    let value: f64 = num.parse().ok()?;
    let decimals = num.split('.').nth(1).map_or(0, str::len) as i32;
    Some((value * scale, 0.5 * 10f64.powi(-decimals) * scale))
}

fn within(actual: f64, published: &str, rel: f64, nominal: bool) -> Result<(), String> {
    let Some((value, half_unit)) = parse_count(published) else {
        return Ok(()); // no published count (SOURCES.tsv says why)
    };
    // The published figure is only known to half a unit of its last digit; the engine's error
    // budget comes on top of that.
    let allowed = if nominal {
        0.05 * value
    } else {
        rel * value + half_unit
    };
    if (actual - value).abs() <= allowed {
        Ok(())
    } else {
        Err(format!(
            "{:.3}B against published {published} (allowed ±{:.3}B)",
            actual / 1e9,
            allowed / 1e9
        ))
    }
}

#[test]
fn every_config_in_the_corpus_has_its_expectations() {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".json"))
        .map(|n| n.trim_end_matches(".json").to_string())
        .collect();
    files.sort();
    let sources = published();
    for id in &files {
        let listed = LAYERS.iter().any(|r| r.0 == id) || REFUSED.iter().any(|r| r.0 == id);
        assert!(listed, "{id}.json has no row in LAYERS or REFUSED");
        assert!(
            sources.contains_key(id),
            "{id}.json has no row in SOURCES.tsv"
        );
    }
    assert!(
        files.len() >= 30,
        "the corpus holds {} configs",
        files.len()
    );
}

#[test]
fn parameter_counts_match_the_published_ones() {
    let sources = published();
    let mut failures = Vec::new();
    let mut checked = 0;
    for &(id, .., convention) in LAYERS {
        let text = std::fs::read_to_string(dir().join(format!("{id}.json"))).unwrap();
        let imported = import_hf_config(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
        let p = imported.model.params();
        let (total, active, note) = &sources[id];
        let nominal = note.starts_with("nominal");
        if let Err(e) = within(p.total, total, 0.01, nominal) {
            failures.push(format!("{id} total: {e}"));
        }
        let active_count = match convention {
            WithEmbedding => p.active,
            WithoutEmbedding => p.active - p.embedding,
            WithoutEmbeddingOrHead => p.active - p.embedding - p.lm_head,
        };
        let published_active = if active.is_empty() && imported.model.moe.is_none() {
            total // a dense model's active count is its total
        } else {
            active
        };
        if let Err(e) = within(
            active_count,
            published_active,
            0.02,
            nominal && active.is_empty(),
        ) {
            failures.push(format!("{id} active ({convention:?}): {e}"));
        }
        checked += parse_count(total).is_some() as usize;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        checked >= 28,
        "only {checked} configs have a published total"
    );
}

#[test]
fn kv_cache_of_one_sequence_is_the_per_layer_sum() {
    for &(id, full, sliding, window, elements, _) in LAYERS {
        let text = std::fs::read_to_string(dir().join(format!("{id}.json"))).unwrap();
        let m = import_hf_config(&text).unwrap().model;
        assert_eq!(m.layers, full + sliding, "{id}: layer count");
        for ctx in [4096u64, 16_384, 131_072] {
            // full layers × ctx × e + sliding layers × min(ctx, window) × e, FP16 (2 bytes).
            let tokens = full * ctx + sliding * ctx.min(window);
            let expected = (tokens * elements * 2) as f64;
            let got = m.kv_elements(ctx as f64) * 2.0;
            assert_eq!(got, expected, "{id}: KV bytes of one {ctx}-token sequence");
        }
    }
}

#[test]
fn architectures_the_engine_cannot_model_are_refused_by_name() {
    for &(id, word) in REFUSED {
        let text = std::fs::read_to_string(dir().join(format!("{id}.json"))).unwrap();
        let e = import_hf_config(&text).expect_err(id);
        assert_eq!(e.field, "model_type", "{id}");
        assert!(e.message.contains(word), "{id}: {}", e.message);
    }
}

#[test]
fn what_the_reader_assumed_is_listed() {
    let read = |id: &str| {
        let text = std::fs::read_to_string(dir().join(format!("{id}.json"))).unwrap();
        import_hf_config(&text).unwrap()
    };
    // gpt-oss ships MXFP4 experts: said, not silently applied.
    assert!(read("gpt-oss-120b")
        .assumptions
        .iter()
        .any(|a| a.contains("quantization_config") && a.contains("mxfp4")));
    // DeepSeek-V3's MTP layer is not counted, and the reader says so.
    assert!(read("deepseek-v3")
        .assumptions
        .iter()
        .any(|a| a.contains("num_nextn_predict_layers")));
    // Falcon-40B's remote-code config names no FFN width or tie: the defaults are listed.
    let falcon = read("falcon-40b");
    assert!(falcon.known);
    assert!(falcon
        .assumptions
        .iter()
        .any(|a| a.contains("intermediate_size")));
    assert!(falcon
        .assumptions
        .iter()
        .any(|a| a.contains("tie_word_embeddings")));
    // gemma-3-4b-it's text_config names four shape keys; the rest are Gemma3TextConfig's.
    let gemma3 = read("gemma-3-4b-it");
    for key in [
        "num_attention_heads",
        "num_key_value_heads",
        "head_dim",
        "vocab_size",
    ] {
        assert!(
            gemma3
                .assumptions
                .iter()
                .any(|a| a.contains(key) && a.contains("Gemma3TextConfig")),
            "{key}: {:?}",
            gemma3.assumptions
        );
    }
    assert_eq!(
        (
            gemma3.model.heads,
            gemma3.model.kv_heads,
            gemma3.model.head_dim
        ),
        (8, 4, 256)
    );
    // StarCoder2-7B names no tie; InternLM2 and GLM-4-9B-hf name their biases.
    assert!(read("starcoder2-7b")
        .assumptions
        .iter()
        .any(|a| a.contains("tie_word_embeddings")));
    assert!(!read("internlm2-chat-7b").model.qkv_bias); // "bias": false
    assert!(read("glm-4-9b-chat-hf").model.qkv_bias); // "attention_bias": true
                                                      // A Llama config that names every key needs no assumption.
    assert_eq!(read("llama-3.1-8b").assumptions, Vec::<String>::new());
}

#[test]
fn parse_count_reads_rounding() {
    assert_eq!(parse_count("7B"), Some((7e9, 0.5e9)));
    assert!((parse_count("46.7B").unwrap().1 - 0.05e9).abs() < 1.0);
    assert_eq!(parse_count("774M").unwrap().0, 774e6);
    assert_eq!(parse_count(""), None);
    assert!(within(7.4e9, "7B", 0.01, false).is_ok());
    assert!(within(7.6e9, "7B", 0.01, false).is_err());
    assert!(within(68.0e9, "70B", 0.01, false).is_err());
    assert!(within(68.0e9, "70B", 0.01, true).is_ok());
    assert!(within(46.9e9, "46.7B", 0.001, false).is_err());
}

#[test]
fn quantization_config_sets_the_stored_formats() {
    use ridgepoint::{GroupFormats, Precision};
    let read = |id: &str| {
        let text = std::fs::read_to_string(dir().join(format!("{id}.json"))).unwrap();
        import_hf_config(&text).unwrap().stored
    };
    // gpt-oss: MXFP4 experts; attention, router, embedding and LM head kept in BF16.
    let want = GroupFormats {
        experts: Some(Precision::Mxfp4),
        ..Default::default()
    };
    assert_eq!(read("gpt-oss-120b"), Some((Precision::Bf16, want)));
    // DeepSeek-V3 and Kimi K2: FP8 with 128 × 128 block scales on every linear layer but the
    // LM head; the embedding stays BF16.
    let fp8 = GroupFormats {
        attention: Some(Precision::Fp8Block),
        mlp: Some(Precision::Fp8Block),
        experts: Some(Precision::Fp8Block),
        ..Default::default()
    };
    assert_eq!(read("deepseek-v3"), Some((Precision::Bf16, fp8)));
    assert_eq!(read("kimi-k2-instruct"), Some((Precision::Bf16, fp8)));
    // A BF16 checkpoint has no quantization_config: nothing is imposed.
    assert_eq!(read("llama-3.1-8b"), None);
}

/// The checkpoints' own sizes (SOURCES.tsv: model.safetensors.index.json total_size in bytes, and
/// bytes per value of torch_dtype) against the import, exactly. The engine keeps two norm vectors
/// per layer and a final one; what a family stores beyond that is written out per row.
#[test]
fn checkpoint_counts_differ_only_by_the_norms_left_out() {
    #[rustfmt::skip]
    let rows: &[(&str, u64, u64, u64)] = &[
        // id, total_size, bytes per value, parameters the engine leaves out
        ("internlm2-chat-7b", 15_475_417_088, 2, 0),
        ("mistral-7b-v0.1",   14_483_464_192, 2, 0),
        ("glm-4-9b-chat-hf",  18_799_902_720, 2, 0),
        // Gemma 2: pre- and post-feedforward norms, 42 layers × 2 × 3584.
        ("gemma-2-9b-it",     18_483_411_968, 2, 42 * 2 * 3584),
        // OLMo 2: QK-norm over all query and key heads, 40 layers × (40 + 40) × 128.
        ("olmo-2-1124-13b",   54_864_793_600, 4, 40 * 80 * 128),
    ];
    for &(id, bytes, per_value, omitted) in rows {
        let text = std::fs::read_to_string(dir().join(format!("{id}.json"))).unwrap();
        let total = import_hf_config(&text).unwrap().model.params().total;
        assert_eq!(total, (bytes / per_value - omitted) as f64, "{id}");
    }
    // gemma-3-4b-it against keras-hub's gemma3_instruct_4b_text (3,880,099,328): the
    // pre/post-FFN norms and the QK-norm, 34 × (2 × 2560 + 2 × 256), less the 64 embedding rows
    // Gemma3TextConfig's vocab (262208) has over keras-hub's (262144), 64 × 2560.
    let text = std::fs::read_to_string(dir().join("gemma-3-4b-it.json")).unwrap();
    let total = import_hf_config(&text).unwrap().model.params().total;
    let expected = 3_880_099_328u64 - 34 * (2 * 2560 + 2 * 256) + 64 * 2560;
    assert_eq!(total, expected as f64);
}

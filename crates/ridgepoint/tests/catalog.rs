//! The built-in catalog against the reference data: models against `shared/reference/models.tsv`
//! (figures copied into `EXPECTED`), GPUs row by row against `tests/data/gpus.tsv`, a verbatim
//! copy of `shared/reference/gpus.tsv` kept in the repository so a clean clone can run it.

use ridgepoint::catalog;
use ridgepoint::{Gpu, Precision};
use std::collections::HashSet;

/// Per model, from `shared/reference/models.tsv`: `params_total_computed_B`,
/// `params_active_computed_B` (billions) and `kv_cache_bytes_per_token_fp16_all_layers_K+V`.
#[rustfmt::skip]
const EXPECTED: &[(&str, f64, f64, u64)] = &[
    // id                  total    active   fp16 KV bytes/token
    ("llama-2-7b",         6.74,    6.74,    524_288),
    ("llama-2-13b",        13.02,   13.02,   819_200),
    ("llama-2-70b",        68.98,   68.98,   327_680),
    ("llama-3.1-8b",       8.03,    8.03,    131_072),
    ("llama-3.1-70b",      70.55,   70.55,   327_680),
    ("llama-3.1-405b",     405.85,  405.85,  516_096),
    ("llama-3.2-1b",       1.24,    1.24,    32_768),
    ("llama-3.2-3b",       3.21,    3.21,    114_688),
    ("mistral-7b-v0.1",    7.24,    7.24,    131_072),
    ("mixtral-8x7b",       46.70,   12.88,   131_072),
    ("mixtral-8x22b",      140.63,  39.16,   229_376),
    ("qwen2.5-7b",         7.62,    7.62,    57_344),
    ("qwen2.5-14b",        14.77,   14.77,   196_608),
    ("qwen2.5-32b",        32.76,   32.76,   262_144),
    ("qwen2.5-72b",        72.71,   72.71,   327_680),
    ("gemma-2-9b",         9.24,    9.24,    344_064),
    ("gemma-2-27b",        27.23,   27.23,   376_832),
    ("phi-3-mini-4k",      3.82,    3.82,    393_216),
    ("deepseek-v3",        671.03,  37.55,   70_272),
    ("gpt-3-175b",         174.60,  174.60,  4_718_592),
    ("falcon-40b",         41.30,   41.30,   122_880),
    ("opt-13b",            12.85,   12.85,   819_200),
    ("gpt-j-6b",           6.05,    6.05,    458_752),
    // New rows (not in models.tsv): computed by hand from each config's numbers, never from the
    // engine. Convention as models.tsv: total = V·h (embedding) + V·h (LM head, when untied)
    // + L·(attention + 2h norms) + h + MLPs/experts (3·h·i each, gated) + routers (h·E per MoE
    // layer); attention = h·n·d + 2·h·kv·d + n·d·h (+ (n + 2kv)·d QKV bias); MLA as DeepSeek-V3.
    // Active swaps E routed experts for the k a token uses. KV = 2 (K, V) × kv × d × L × 2 bytes
    // (MLA: (512 + 64) × L × 2). `PUBLISHED` below checks these against the vendors' counts.
    //
    // qwen3-0.6b: 151936·1024 = 155,582,464 (tied) + 28·(1024·2048 + 2·1024·1024 + 2048·1024
    //   = 6,291,456 attn + 3·1024·3072 = 9,437,184 mlp + 2,048) + 1,024 = 596,042,752;
    //   KV 2·8·128·28·2 = 114,688
    ("qwen3-0.6b",         0.596043, 0.596043, 114_688),
    // qwen3-1.7b: 151936·2048 = 311,164,928 (tied) + 28·(2048·2048 + 2·2048·1024 + 2048·2048
    //   = 12,582,912 + 3·2048·6144 = 37,748,736 + 4,096) + 2,048 = 1,720,567,808; KV 114,688
    ("qwen3-1.7b",         1.720568, 1.720568, 114_688),
    // qwen3-8b: 2·151936·4096 = 1,244,659,712 (untied) + 36·(4096·4096 + 2·4096·1024
    //   + 4096·4096 = 41,943,040 + 3·4096·12288 = 150,994,944 + 8,192) + 4,096
    //   = 8,190,726,144; KV 2·8·128·36·2 = 147,456
    ("qwen3-8b",           8.190726, 8.190726, 147_456),
    // qwen3-32b: 2·151936·5120 = 1,555,824,640 + 64·(5120·8192 + 2·5120·1024 + 8192·5120
    //   = 94,371,840 + 3·5120·25600 = 393,216,000 + 10,240) + 5,120 = 32,762,106,880;
    //   KV 2·8·128·64·2 = 262,144
    ("qwen3-32b",          32.762107, 32.762107, 262_144),
    // qwen3-30b-a3b: 2·151936·2048 = 622,329,856 + 48·(2048·4096 + 2·2048·512 + 4096·2048
    //   = 18,874,368 + 4,096 norms + 2048·128 = 262,144 router) + 2,048 + 48·128·(3·2048·768
    //   = 4,718,592) = 30,532,110,336; active: 48·8 experts instead of 48·128
    //   = 3,353,020,416; KV 2·4·128·48·2 = 98,304
    ("qwen3-30b-a3b",      30.532110, 3.353020, 98_304),
    // qwen3-235b-a22b: 2·151936·4096 = 1,244,659,712 + 94·(4096·8192 + 2·4096·512 + 8192·4096
    //   = 71,303,168 + 8,192 + 4096·128 = 524,288) + 4,096 + 94·128·(3·4096·1536 = 18,874,368)
    //   = 235,093,610,496; active (8 of 128) 22,190,739,456; KV 2·4·128·94·2 = 192,512
    ("qwen3-235b-a22b",    235.093610, 22.190739, 192_512),
    // gpt-oss-20b: 2·201088·2880 = 1,158,266,880 + 24·(2880·4096 + 2·2880·512 + 4096·2880
    //   = 26,542,080 + (64 + 16)·64 = 5,120 bias + 5,760 norms + 2880·32 = 92,160 router)
    //   + 2,880 + 24·32·(3·2880·2880 = 24,883,200) = 20,908,050,240; active (4 of 32)
    //   4,186,539,840; KV 2·8·64·24·2 = 49,152 (before the 128-token window on 12 layers)
    ("gpt-oss-20b",        20.908050, 4.186540, 49_152),
    // gpt-oss-120b: as 20b with 36 layers and 128 experts: 1,158,266,880 + 36·(26,542,080
    //   + 5,120 + 5,760 + 2880·128 = 368,640) + 2,880 + 36·128·24,883,200 = 116,789,232,960;
    //   active (4 of 128) 5,710,628,160; KV 2·8·64·36·2 = 73,728
    ("gpt-oss-120b",       116.789233, 5.710628, 73_728),
    // deepseek-r1: DeepSeek-V3's numbers (the deepseek-v3 row above): MLA attention per layer
    //   7168·1536 + 1536 + 1536·128·192 + 7168·576 + 512 + 512·128·256 + 128·128·7168
    //   = 187,107,328; 2·129280·7168 = 1,853,358,080 + 61·(187,107,328 + 14,336)
    //   + 7,168 + 3·(3·7168·18432 = 396,361,728) + 58·(257·44,040,192 + 7168·256)
    //   = 671,026,404,352; active (8 + 1 of 256 + 1) 37,552,282,624; KV 576·61·2 = 70,272
    ("deepseek-r1",        671.026404, 37.552283, 70_272),
    // kimi-k2: MLA with 64 heads: 7168·1536 + 1536 + 1536·64·192 + 7168·576 + 512
    //   + 512·64·256 + 64·128·7168 = 101,124,096 per layer; 2·163840·7168 = 2,348,810,240
    //   + 61·(101,124,096 + 14,336) + 7,168 + 1·396,361,728 + 60·(385·44,040,192 + 7168·384)
    //   = 1,026,408,209,408; active (8 + 1) 32,861,477,888; KV 576·61·2 = 70,272
    ("kimi-k2",            1026.408209, 32.861478, 70_272),
    // glm-4.5: 2·151552·5120 = 1,551,892,480 + 92·(5120·12288 + 2·5120·1024 + 12288·5120
    //   = 136,314,880 + (96 + 16)·128 = 14,336 bias + 10,240) + 5,120 + 3·(3·5120·12288
    //   = 188,743,680) + 89·(161·23,592,960 + 5120·160) = 352,797,791,232; active (8 + 1 of
    //   160 + 1) 33,632,228,352; KV 2·8·128·92·2 = 376,832
    ("glm-4.5",            352.797791, 33.632228, 376_832),
    // qwen3-4b: 151936·2560 = 388,956,160 (tied) + 36·(2560·4096 + 2·2560·1024 + 4096·2560
    //   = 26,214,400 + 3·2560·9728 = 74,711,040 + 5,120) + 2,560 = 4,022,458,880;
    //   KV 2·8·128·36·2 = 147,456
    ("qwen3-4b",           4.022459, 4.022459, 147_456),
    // qwen3-14b: 2·151936·5120 = 1,555,824,640 + 40·(5120·5120 + 2·5120·1024 + 5120·5120
    //   = 62,914,560 + 3·5120·17408 = 267,386,880 + 10,240) + 5,120 = 14,768,296,960;
    //   KV 2·8·128·40·2 = 163,840
    ("qwen3-14b",          14.768297, 14.768297, 163_840),
    // glm-4.5-air: 2·151552·4096 = 1,241,513,984 + 46·(4096·12288 + 2·4096·1024 + 12288·4096
    //   + (96 + 16)·128 = 109,066,240 + 8,192) + 4,096 + 1·3·4096·10944 (= 134,479,872)
    //   + 45·(129·3·4096·1408 (= 17,301,504 each) + 4096·128) = 106,852,245,504; active
    //   (8 + 1 of 128 + 1) 13,424,123,904; KV 2·8·128·46·2 = 188,416
    ("glm-4.5-air",        106.852246, 13.424124, 188_416),
    // llama-3.3-70b: Llama 3.1 70B's shape (the llama-3.1-70b row): 2·128256·8192
    //   = 2,101,346,304 + 80·(150,994,944 attn + 704,643,072 mlp + 16,384) + 8,192
    //   = 70,553,706,496; KV 2·8·128·80·2 = 327,680
    ("llama-3.3-70b",      70.553706, 70.553706, 327_680),
    // mistral-small-3: 2·131072·5120 = 1,342,177,280 + 40·(5120·4096 + 2·5120·1024 + 4096·5120
    //   = 52,428,800 + 3·5120·32768 = 503,316,480 + 10,240) + 5,120 = 23,572,403,200
    //   (= the checkpoint's total_size 47,144,806,400 bytes / 2); KV 2·8·128·40·2 = 163,840
    ("mistral-small-3",    23.572403, 23.572403, 163_840),
    // llama-4-scout: 2·202048·5120 = 2,068,971,520 + 48·(5120·5120 + 2·5120·1024 + 5120·5120
    //   = 62,914,560 + 10,240) + 5,120 + 48·((16 + 1)·3·5120·8192 (= 125,829,120 each)
    //   + 5120·16) = 107,769,861,120; active (1 routed + 1 shared) 17,172,894,720;
    //   KV 2·8·128·48·2 = 196,608
    ("llama-4-scout",      107.769861, 17.172895, 196_608),
    // llama-4-maverick: as Scout, with 24 dense layers of 3·5120·16384 = 251,658,240 and 24 MoE
    //   layers of (128 + 1)·125,829,120 + 5120·128: 400,711,848,960; active (1 + 1)
    //   17,184,691,200; KV 196,608
    ("llama-4-maverick",   400.711849, 17.184691, 196_608),
    // gemma-3-4b: 262144·2560 = 671,088,640 (tied) + 34·(2560·2048 + 2·2560·1024 + 2048·2560
    //   = 15,728,640 + 3·2560·10240 = 78,643,200 + 5,120) + 2,560 = 3,879,907,840;
    //   KV 2·4·256·34·2 = 139,264 (before the 1024-token window on 29 layers)
    ("gemma-3-4b",         3.879908, 3.879908, 139_264),
    // gemma-3-12b: 262144·3840 = 1,006,632,960 + 48·(3840·4096 + 2·3840·2048 + 4096·3840
    //   = 47,185,920 + 3·3840·15360 = 176,947,200 + 7,680) + 3,840 = 11,765,395,200;
    //   KV 2·8·256·48·2 = 393,216
    ("gemma-3-12b",        11.765395, 11.765395, 393_216),
    // gemma-3-27b: 262144·5376 = 1,409,286,144 + 62·(5376·4096 + 2·5376·2048 + 4096·5376
    //   = 66,060,288 + 3·5376·21504 = 346,816,512 + 10,752) + 5,376 = 27,008,319,744;
    //   KV 2·16·128·62·2 = 507,904
    ("gemma-3-27b",        27.008320, 27.008320, 507_904),
];

const TOLERANCE: f64 = 0.005;

fn within(actual: f64, expected: f64) -> bool {
    ((actual - expected) / expected).abs() <= TOLERANCE
}

/// Lowercase ASCII letters, digits and dots in runs joined by single hyphens (`llama-3.1-8b`).
fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && !part.ends_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.')
        })
}

#[test]
fn every_model_has_an_expected_row_and_back() {
    let ids: HashSet<String> = catalog::models().into_iter().map(|m| m.id).collect();
    let expected: HashSet<String> = EXPECTED.iter().map(|r| r.0.to_string()).collect();
    assert_eq!(ids, expected);
    assert_eq!(EXPECTED.len(), expected.len(), "duplicate row in EXPECTED");
}

#[test]
fn parameter_counts_match_models_tsv() {
    let mut failures = Vec::new();
    for &(id, total, active, _) in EXPECTED {
        let m = catalog::model(id).unwrap_or_else(|| panic!("{id} not in catalog"));
        let p = m.params();
        let (t, a) = (p.total / 1e9, p.active / 1e9);
        if !within(t, total) {
            failures.push(format!("{id}: total {t:.3} B, expected {total} B"));
        }
        if !within(a, active) {
            failures.push(format!("{id}: active {a:.3} B, expected {active} B"));
        }
        assert!(p.active <= p.total, "{id}: active exceeds total");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fp16_kv_bytes_per_token_match_models_tsv() {
    for &(id, _, _, kv_bytes) in EXPECTED {
        let m = catalog::model(id).unwrap();
        let bytes = m.kv_elements_per_token_per_layer() * m.layers as f64 * Precision::Fp16.bytes();
        assert_eq!(bytes, kv_bytes as f64, "{id}");
    }
}

/// What a vendor's active count leaves out (none of them says; the column records the
/// convention the figure matches, as `tests/corpus.rs` does for the same configs).
#[derive(Clone, Copy, Debug)]
enum Active {
    /// The input embedding table counted (Qwen3, DeepSeek, Llama 4; a dense model's total).
    WithEmbedding,
    /// The input embedding left out (gpt-oss, Kimi K2).
    WithoutEmbedding,
    /// Neither the input embedding nor the LM head (GLM-4.5).
    WithoutEmbeddingOrHead,
}

/// Published counts for the rows added after models.tsv, as written, with where they were
/// published: (id, total, active ("" = dense: the total), convention, source). The hand
/// counts in `EXPECTED` must agree within 1% (total) and 2% (active) plus the figure's own
/// rounding (half a unit of its last digit: "30.5B" is 30.45-30.55).
#[rustfmt::skip]
const PUBLISHED: &[(&str, &str, &str, Active, &str)] = &[
    // keras-team/keras-hub keras_hub/src/models/qwen3/qwen3_presets.py @ 1df65da ("params",
    // exact; they include the q/k norms, 2·128 per layer, which the engine leaves out).
    ("qwen3-0.6b",       "0.596049920B",  "",     Active::WithEmbedding, "keras-hub qwen3_presets.py"),
    ("qwen3-1.7b",       "1.720574976B",  "",     Active::WithEmbedding, "keras-hub qwen3_presets.py"),
    ("qwen3-8b",         "8.190735360B",  "",     Active::WithEmbedding, "keras-hub qwen3_presets.py"),
    ("qwen3-32b",        "32.762123264B", "",     Active::WithEmbedding, "keras-hub qwen3_presets.py"),
    // The rest as in tests/data/configs/SOURCES.tsv (model cards, reports, blogs).
    ("qwen3-30b-a3b",    "30.5B",         "3.3B", Active::WithEmbedding, "Qwen3-30B-A3B model card"),
    ("qwen3-235b-a22b",  "235B",          "22B",  Active::WithEmbedding, "Qwen3-235B-A22B model card"),
    ("gpt-oss-20b",      "21B",           "3.6B", Active::WithoutEmbedding, "gpt-oss-20b model card"),
    ("gpt-oss-120b",     "117B",          "5.1B", Active::WithoutEmbedding, "gpt-oss-120b model card"),
    ("deepseek-r1",      "671B",          "37B",  Active::WithEmbedding, "DeepSeek-R1 model card (MTP excluded)"),
    ("kimi-k2",          "1T",            "32B",  Active::WithoutEmbedding, "Kimi-K2 model card"),
    ("glm-4.5",          "355B",          "32B",  Active::WithoutEmbeddingOrHead, "z.ai/blog/glm-4.5"),
    ("qwen3-4b",         "4.022468096B",  "",     Active::WithEmbedding, "keras-hub qwen3_presets.py"),
    ("qwen3-14b",        "14.768307200B", "",     Active::WithEmbedding, "keras-hub qwen3_presets.py"),
    // The GLM-4.5 model card (zai-org/GLM-4.5 README): "GLM-4.5-Air ... 106 billion total
    // parameters and 12 billion active parameters" (quoted by fitmyllm.com and deepwiki).
    ("glm-4.5-air",      "106B",          "12B",  Active::WithoutEmbeddingOrHead, "GLM-4.5 model card"),
    // A size class only: the "70B" in the model's name (no exact published count seen).
    ("llama-3.3-70b",    "70B",           "",     Active::WithEmbedding, "size class in the name"),
    // The checkpoint's own model.safetensors.index.json total_size / 2 bytes (bf16); the card
    // says "24B parameters".
    ("mistral-small-3",  "23.5724032B",   "",     Active::WithEmbedding, "safetensors index total_size"),
    // Hugging Face blog "Welcome Llama 4 Maverick & Scout on Hugging Face" (huggingface/blog):
    // "Llama 4 Maverick (~400B) and Llama 4 Scout (~109B)", "17B" active. Scout's 109B includes the vision encoder, which the catalog leaves out.
    ("llama-4-scout",    "109B",          "17B",  Active::WithEmbedding, "Hugging Face Llama 4 blog"),
    ("llama-4-maverick", "400B",          "17B",  Active::WithEmbedding, "Hugging Face Llama 4 blog"),
    // keras-team/keras-hub keras_hub/src/models/gemma3/gemma3_presets.py @ 00d9f10, the
    // text-only presets (exact; they include the pre/post-FFN and QK norms the engine omits:
    // 34·(2·2560 + 2·256) = 191,488 of the 4B's difference, all of it).
    ("gemma-3-4b",       "3.880099328B",  "",     Active::WithEmbedding, "keras-hub gemma3_presets.py"),
    ("gemma-3-12b",      "11.765788416B", "",     Active::WithEmbedding, "keras-hub gemma3_presets.py"),
    ("gemma-3-27b",      "27.009002240B", "",     Active::WithEmbedding, "keras-hub gemma3_presets.py"),
];

/// "46.7B" → (46.7e9, half a unit of its last digit).
fn parse_count(s: &str) -> (f64, f64) {
    let (num, scale) = match s.chars().last() {
        Some('T') => (&s[..s.len() - 1], 1e12),
        Some('B') => (&s[..s.len() - 1], 1e9),
        _ => panic!("{s:?}: a count ends in B or T"),
    };
    let value: f64 = num.parse().unwrap();
    let decimals = num.split('.').nth(1).map_or(0, str::len) as i32;
    (value * scale, 0.5 * 10f64.powi(-decimals) * scale)
}

#[test]
fn hand_counts_agree_with_the_published_ones() {
    let mut failures = Vec::new();
    for &(id, total, active, convention, source) in PUBLISHED {
        let &(_, t, a, _) = EXPECTED
            .iter()
            .find(|r| r.0 == id)
            .unwrap_or_else(|| panic!("{id} has no EXPECTED row"));
        let m = catalog::model(id).unwrap();
        let p = m.params();
        // The hand count's embedding and head, by the same arithmetic: V·h each (head untied).
        let embedding = (m.vocab * m.hidden) as f64;
        let head = if m.tied_embeddings { 0.0 } else { embedding };
        let a = a * 1e9
            - match convention {
                Active::WithEmbedding => 0.0,
                Active::WithoutEmbedding => embedding,
                Active::WithoutEmbeddingOrHead => embedding + head,
            };
        let check =
            |what: &str, ours: f64, published: &str, rel: f64, failures: &mut Vec<String>| {
                let (value, half_unit) = parse_count(published);
                if (ours - value).abs() > rel * value + half_unit {
                    failures.push(format!(
                        "{id} {what}: {:.3}B against {published} ({source})",
                        ours / 1e9
                    ));
                }
            };
        check("total", t * 1e9, total, 0.01, &mut failures);
        let active = if active.is_empty() { total } else { active };
        check("active", a, active, 0.02, &mut failures);
        assert_eq!(
            p.embedding, embedding,
            "{id}: no learned positions expected"
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert_eq!(parse_count("30.5B"), (30.5e9, 0.05e9));
}

#[test]
fn sliding_windows_cap_the_cache() {
    // Mistral-7B-v0.1: every layer windowed at 4096.
    let m = catalog::model("mistral-7b-v0.1").unwrap();
    assert_eq!(m.sliding_window, Some((4096, 32)));
    assert_eq!(m.kv_elements(32768.0), m.kv_elements(4096.0));
    // Gemma-2: half the layers windowed.
    for (id, layers) in [("gemma-2-9b", 42), ("gemma-2-27b", 46)] {
        let m = catalog::model(id).unwrap();
        assert_eq!(m.layers, layers);
        assert_eq!(m.sliding_window, Some((4096, layers / 2)), "{id}");
        assert!(m.tied_embeddings, "{id}");
    }
    // Phi-3-mini: the config's 2047 window is deliberately not modelled.
    assert_eq!(
        catalog::model("phi-3-mini-4k").unwrap().sliding_window,
        None
    );
}

#[test]
fn ids_are_unique_and_kebab_case() {
    let gpu_ids: Vec<&str> = catalog::gpu_ids().collect();
    let model_ids: Vec<String> = catalog::models().into_iter().map(|m| m.id).collect();
    let mut seen = HashSet::new();
    for id in gpu_ids
        .iter()
        .copied()
        .chain(model_ids.iter().map(String::as_str))
    {
        assert!(is_kebab(id), "{id} is not kebab-case");
        assert!(seen.insert(id), "{id} is listed twice");
    }
    assert!(is_kebab("llama-3.1-8b") && !is_kebab("Llama-2") && !is_kebab("a--b"));
}

#[test]
fn the_original_ids_are_kept() {
    for id in ["a100-80gb-sxm", "h100-sxm"] {
        assert!(catalog::gpu(id).is_some(), "{id}");
    }
    for id in ["llama-2-7b", "llama-2-70b", "llama-3.1-8b"] {
        assert!(catalog::model(id).is_some(), "{id}");
    }
}

#[test]
fn lookups_find_every_listed_id() {
    let gpus = catalog::gpus();
    assert_eq!(gpus.len(), catalog::gpu_ids().count());
    for (g, id) in gpus.iter().zip(catalog::gpu_ids()) {
        assert_eq!(g.id, id);
        assert_eq!(catalog::gpu(id).as_ref(), Some(g));
    }
    for m in catalog::models() {
        assert_eq!(catalog::model(&m.id).as_ref(), Some(&m));
    }
    assert!(catalog::gpu("no-such-gpu").is_none());
    assert!(catalog::model("no-such-model").is_none());
}

#[test]
fn every_entry_has_a_source() {
    for g in catalog::gpus() {
        assert!(!g.source.trim().is_empty(), "{}", g.id);
        assert!(!g.name.trim().is_empty(), "{}", g.id);
    }
    for m in catalog::models() {
        assert!(!m.source.trim().is_empty(), "{}", m.id);
        assert!(!m.name.trim().is_empty(), "{}", m.id);
    }
    for (name, why) in catalog::SKIPPED {
        assert!(!name.is_empty() && !why.is_empty());
    }
}

#[test]
fn gpu_figures_are_finite_and_positive() {
    for g in catalog::gpus() {
        let fp16 = g.peak(Precision::Fp16).unwrap().get();
        assert!(fp16.is_finite() && fp16 > 0.0, "{}: fp16 {fp16}", g.id);
        // BF16 runs at the FP16 tensor rate, except on Volta and Turing, which have none.
        let volta_or_turing = ["v100-sxm2-32gb", "t4"].contains(&g.id.as_str());
        assert_eq!(g.bf16_tensor_cores, !volta_or_turing, "{}", g.id);
        if g.bf16_tensor_cores {
            assert_eq!(g.peak(Precision::Bf16).unwrap().get(), fp16, "{}", g.id);
        } else {
            assert_eq!(g.peak(Precision::Bf16), None, "{}", g.id);
        }
        let bw = g.bandwidth.get();
        assert!(bw.is_finite() && bw > 0.0, "{}: bandwidth {bw}", g.id);
        let mem = g.memory.get();
        assert!(mem.is_finite() && mem > 0.0, "{}: memory {mem}", g.id);
        for p in [
            Precision::Fp32,
            Precision::Fp8,
            Precision::Int8,
            Precision::Fp4,
        ] {
            if let Some(v) = g.peak(p) {
                assert!(v.get().is_finite() && v.get() > 0.0, "{} {p:?}", g.id);
            }
        }
        if let Some(i) = g.interconnect {
            assert!(i.get().is_finite() && i.get() > 0.0, "{}", g.id);
        }
    }
}

#[test]
fn h100_sxm_fp16_is_the_dense_peak() {
    let h100 = catalog::gpu("h100-sxm").unwrap();
    // 1,979 TFLOP/s on the datasheet is with 2:4 sparsity.
    assert!(
        (h100.fp16.get() - 989.4e12).abs() < 1e9,
        "{}",
        h100.fp16.get()
    );
    assert_eq!(h100.interconnect.map(|b| b.get()), Some(450e9));
}

/// The entries of `catalog::SKIPPED` that are models asked for but not sourced (the others are
/// GPU rows of the TSVs).
const SKIPPED_MODELS: &[&str] = &["Gemma 3 1B"];

#[test]
fn skipped_models_are_listed_and_not_in_the_catalog() {
    for name in SKIPPED_MODELS {
        assert!(
            catalog::SKIPPED.iter().any(|s| s.0 == *name),
            "{name} is not in catalog::SKIPPED"
        );
        assert!(
            !catalog::models().iter().any(|m| m.name == *name),
            "{name} is both listed and skipped"
        );
    }
    assert!(catalog::model("gemma-3-1b").is_none());
}

#[test]
fn skipped_rows_are_not_in_the_catalog() {
    let names: Vec<String> = catalog::gpus().into_iter().map(|g| g.name).collect();
    for (name, _) in catalog::SKIPPED {
        assert!(
            !names.iter().any(|n| n == name),
            "{name} is both listed and skipped"
        );
    }
    assert!(catalog::gpu("h100-nvl").is_none());
    assert!(catalog::gpu("m3-max").is_none());
}

#[test]
fn mi250x_is_one_gcd() {
    let g = catalog::gpu("mi250x-gcd").unwrap();
    assert_eq!(g.memory_nominal.map(|b| b.get()), Some(64e9));
    assert_eq!(g.bandwidth.get(), 3276.8e9 / 2.0);
    assert_eq!(g.fp16.get(), 383e12 / 2.0);
}

#[test]
fn tensor_cores_follow_the_architecture() {
    let tc = |id: &str| ridgepoint::catalog::gpu(id).unwrap().tensor_cores;
    assert_eq!(tc("a100-80gb-sxm"), Some(432)); // 108 SMs × 4 (the seed: "4 Tensor cores" per SM)
    assert_eq!(tc("h100-sxm"), Some(528)); // 132 × 4
    assert_eq!(tc("v100-sxm2-32gb"), Some(640)); // 80 × 8 (Volta)
    assert_eq!(tc("tpu-v5e"), None);
}

// ---------------------------------------------------------------------------------------------
// GPUs against gpus.tsv and gpus-2026.tsv, row by row.
//
// `tests/data/gpus.tsv` is `shared/reference/gpus.tsv` copied verbatim (every column, the
// `source` of each row included). Update it by copying the reference file again, never by hand.
// `tests/data/gpus-2026.tsv` holds the GPUs added since (H20, B300, GB300, MI355X, RTX PRO 6000
// Blackwell) in the same columns, each row with its sources; both are read as one table.
// Cells are free text ("66.9 (67)", "FP4 9000 dense (18000 sparse)"); `Pick` says which number
// of a cell a catalog figure is checked against, and the conversions below turn it into the
// catalog's units. Each catalog GPU is checked for memory, bandwidth, the dense FP16/BF16, FP8,
// INT8 and FP4 peaks, FP32, SMs, L2 and interconnect, plus FP16 against half the sparse figure.

const GPUS_TSV: &str = include_str!("data/gpus.tsv");

/// GPUs added after the reference table, in the same columns (one source column per row):
/// `tests/data/gpus-2026.tsv`. Its rows are checked exactly as gpus.tsv's.
const GPUS_2026_TSV: &str = include_str!("data/gpus-2026.tsv");

/// Catalog id → the `name` of its gpus.tsv row, and what part of the row the catalog entry is.
#[rustfmt::skip]
const GPU_ROWS: &[(&str, &str, Scope)] = &[
    // catalog id        gpus.tsv `name`
    ("v100-sxm2-32gb",   "V100 SXM2 32GB",                            Scope::Whole),
    ("a100-40gb-sxm",    "A100 40GB SXM4",                            Scope::Whole),
    ("a100-80gb-sxm",    "A100 80GB SXM4",                            Scope::Whole),
    ("a100-80gb-pcie",   "A100 80GB PCIe",                            Scope::Whole),
    ("h100-sxm",         "H100 SXM5 80GB",                            Scope::Whole),
    ("h100-pcie",        "H100 PCIe 80GB",                            Scope::Whole),
    ("h200-sxm",         "H200 SXM 141GB",                            Scope::Whole),
    ("b200-sxm",         "B200 SXM (HGX/DGX, 1000 W)",                Scope::Whole),
    ("gb200",            "GB200 (per Blackwell GPU, NVL72, 1200 W)",  Scope::Whole),
    ("l4",               "L4",                                        Scope::Whole),
    ("l40s",             "L40S",                                      Scope::Whole),
    ("a10",              "A10 (PCIe, reference for A10G)",            Scope::Whole),
    ("t4",               "T4",                                        Scope::Whole),
    ("rtx-3090",         "GeForce RTX 3090",                          Scope::Whole),
    ("rtx-4090",         "GeForce RTX 4090",                          Scope::Whole),
    ("rtx-5090",         "GeForce RTX 5090",                          Scope::Whole),
    ("mi250x-gcd",       "Instinct MI250X",                           Scope::OneGcd),
    ("mi300x",           "Instinct MI300X",                           Scope::Whole),
    ("mi325x",           "Instinct MI325X",                           Scope::Whole),
    ("tpu-v5e",          "TPU v5e (per chip)",                        Scope::Whole),
    ("tpu-v5p",          "TPU v5p (per chip)",                        Scope::Whole),
    ("tpu-v6e",          "TPU v6e Trillium (per chip)",               Scope::Whole),
    ("gaudi-3",          "Gaudi 3 (OAM)",                             Scope::Whole),
    ("m2-ultra",         "Apple M2 Ultra (76-core GPU)",              Scope::Whole),
    ("m4-max",           "Apple M4 Max (40-core GPU)",                Scope::Whole),
    // gpus-2026.tsv
    ("h20",              "H20",                                       Scope::Whole),
    ("b300-sxm",         "B300 SXM (HGX)",                            Scope::Whole),
    ("gb300",            "GB300 (per Blackwell Ultra GPU, NVL72, 1400 W)", Scope::Whole),
    ("mi355x",           "Instinct MI355X",                           Scope::Whole),
    ("rtx-pro-6000",     "RTX PRO 6000 Blackwell Workstation Edition", Scope::Whole),
];

/// Catalog GPUs with no gpus.tsv row, and why (a custom part, or one absent from the
/// reference). None today: every built-in GPU has a row.
const NO_ROW: &[(&str, &str)] = &[];

// The gpus.tsv rows the catalog leaves out are `catalog::SKIPPED` (row name, why): H100 NVL
// (no compute figures retrieved, searched again in 2026), Apple M3 Max (no FLOPS), A10G (low
// confidence, conflicting). gpus-2026.tsv has no row left out.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Scope {
    /// The row is what one process sees.
    Whole,
    /// The row is a two-die package of which a process sees one die (MI250X: one GCD);
    /// `per_gcd` halves every figure but the interconnect.
    OneGcd,
}

// Conversions from gpus.tsv units to the catalog's (`Gpu`'s doc comments in `hardware.rs`).

/// Memory: `memory_GB` is decimal GB as the vendor states it, and so is
/// `Gpu::memory_nominal`: bytes = GB × 10^9. (`Gpu::memory` is what the device reports, checked
/// against `gpu-memory.tsv` by `memory_is_what_the_device_reports`.)
fn memory_bytes(gb: f64) -> f64 {
    gb * 1e9
}

/// Bandwidth is decimal (1 GB/s = 10^9 B/s, 1 TB/s = 10^12 B/s), in the tsv and the catalog.
fn bytes_per_s(gbps: f64) -> f64 {
    gbps * 1e9
}

/// TFLOP/s (TOP/s for INT8) → FLOP/s.
fn flops(tflops: f64) -> f64 {
    tflops * 1e12
}

/// L2: vendors quote cache sizes in binary megabytes, and the catalog stores `l2_mb` × 2^20.
fn l2_bytes(mb: f64) -> f64 {
    mb * 1024.0 * 1024.0
}

fn count(n: f64) -> f64 {
    n
}

/// Peaks are dense. A datasheet figure with 2:4 sparsity is twice the dense one:
/// dense(sparse) = sparse / 2.
fn dense(sparse: f64) -> f64 {
    sparse / 2.0
}

/// `Gpu::interconnect` is each direction; an aggregate over both directions (NVLink's 900 GB/s,
/// ICI's "bidirectional per chip") is twice that: per_direction(bidir) = bidir / 2.
fn per_direction(bidir: f64) -> f64 {
    bidir / 2.0
}

/// `Gpu::fp16` is the FP32-accumulate rate where it differs. On GeForce GA10x (RTX 3090) FP16
/// tensor math with FP32 accumulate runs at half the FP16-accumulate rate the spec tables print:
/// fp32_accumulate(fp16_accumulate) = fp16_accumulate / 2.
fn fp32_accumulate(fp16_accumulate: f64) -> f64 {
    fp16_accumulate / 2.0
}

/// One GCD of a two-GCD package: per_gcd(package) = package / 2.
fn per_gcd(package: f64) -> f64 {
    package / 2.0
}

fn same(x: f64) -> f64 {
    x
}

/// The tsv states the figure as the catalog does: equal but for float rounding.
const EXACT: f64 = 1e-12;
/// The tsv (or the datasheet behind it) rounds: within 0.5%. Used for FP16 against half the
/// sparse figure (989.4 dense, 1,978.9 sparse) and for the readings marked `.rounded()`.
const ROUNDED: f64 = 0.005;

/// A catalog figure and the gpus.tsv column it is checked against.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Field {
    Memory,
    Bandwidth,
    Fp16,
    /// `Gpu::fp16` again, against `dense` of the published sparse FP16 figure.
    Fp16FromSparse,
    Fp8,
    Int8,
    /// The column mixes INT4 and FP4; only cells starting "FP4" give an FP4 figure (the catalog
    /// stores no INT4 peak).
    Fp4,
    Fp32,
    Sms,
    L2,
    /// Every GPU lists how its interconnect cell is read (a bare first number could be either
    /// direction).
    Interconnect,
}

impl Field {
    const ALL: [Field; 11] = [
        Field::Memory,
        Field::Bandwidth,
        Field::Fp16,
        Field::Fp16FromSparse,
        Field::Fp8,
        Field::Int8,
        Field::Fp4,
        Field::Fp32,
        Field::Sms,
        Field::L2,
        Field::Interconnect,
    ];

    fn name(self) -> &'static str {
        match self {
            Field::Memory => "memory",
            Field::Bandwidth => "bandwidth",
            Field::Fp16 => "fp16",
            Field::Fp16FromSparse => "fp16 (half the sparse figure)",
            Field::Fp8 => "fp8",
            Field::Int8 => "int8",
            Field::Fp4 => "fp4",
            Field::Fp32 => "fp32",
            Field::Sms => "sms",
            Field::L2 => "l2",
            Field::Interconnect => "interconnect",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Field::Memory => "memory_GB",
            Field::Bandwidth => "mem_bw_GBps",
            Field::Fp16 => "fp16_bf16_dense_TFLOPS",
            Field::Fp16FromSparse => "fp16_sparse_TFLOPS_as_published",
            Field::Fp8 => "fp8_dense_TFLOPS",
            Field::Int8 => "int8_dense_TOPS",
            Field::Fp4 => "int4_or_fp4_dense",
            Field::Fp32 => "fp32_TFLOPS",
            Field::Sms => "sm_or_cu_count",
            Field::L2 => "l2_cache_MB",
            Field::Interconnect => "interconnect",
        }
    }

    /// The column's unit → the catalog's.
    fn convert(self) -> fn(f64) -> f64 {
        match self {
            Field::Memory => memory_bytes,
            Field::Bandwidth | Field::Interconnect => bytes_per_s,
            Field::Fp16 | Field::Fp8 | Field::Int8 | Field::Fp4 | Field::Fp32 => flops,
            Field::Fp16FromSparse => |sparse| flops(dense(sparse)),
            Field::Sms => count,
            Field::L2 => l2_bytes,
        }
    }

    /// The unit and scale failure messages use.
    fn display(self) -> (&'static str, f64) {
        match self {
            Field::Memory => ("GB", 1e9),
            Field::Bandwidth => ("GB/s", 1e9),
            Field::Interconnect => ("GB/s each way", 1e9),
            Field::Fp16 | Field::Fp16FromSparse | Field::Fp8 | Field::Fp4 | Field::Fp32 => {
                ("TFLOP/s", 1e12)
            }
            Field::Int8 => ("TOP/s", 1e12),
            Field::Sms => ("", 1.0),
            Field::L2 => ("MiB", 1024.0 * 1024.0),
        }
    }

    fn catalog(self, g: &Gpu) -> Option<f64> {
        match self {
            Field::Memory => g.memory_nominal.map(|b| b.get()),
            Field::Bandwidth => Some(g.bandwidth.get()),
            Field::Fp16 | Field::Fp16FromSparse => Some(g.fp16.get()),
            Field::Fp8 => g.fp8.map(|v| v.get()),
            Field::Int8 => g.int8.map(|v| v.get()),
            Field::Fp4 => g.fp4.map(|v| v.get()),
            Field::Fp32 => g.fp32.map(|v| v.get()),
            Field::Sms => g.sms.map(f64::from),
            Field::L2 => g.l2.map(|v| v.get()),
            Field::Interconnect => g.interconnect.map(|v| v.get()),
        }
    }
}

/// Which number of a gpus.tsv cell a catalog figure is checked against.
#[derive(Clone, Copy, Debug)]
enum Pick {
    /// The cell's first number; none (the catalog must have none) when the cell has no number
    /// or starts "n/a", "not …" or "none". The default for every field but the interconnect.
    First,
    /// The number that starts `text`, which the cell must contain: for cells with several.
    At(&'static str),
    /// `At` in the same column of another row: the catalog borrows that row's figure.
    Borrowed {
        row: &'static str,
        text: &'static str,
    },
    /// The catalog leaves the field out, whatever the cell says (the reading says why).
    Absent,
    /// Not compared (the reading says why).
    Skip,
}

/// How one GPU's field is read when it is not simply the cell's first number, compared exactly,
/// or when the cell needs a note.
struct Reading {
    id: &'static str,
    field: Field,
    pick: Pick,
    /// After the column's unit conversion (and `per_gcd`).
    then: fn(f64) -> f64,
    tolerance: Option<f64>,
    why: &'static str,
}

fn read(id: &'static str, field: Field, pick: Pick, why: &'static str) -> Reading {
    Reading {
        id,
        field,
        pick,
        then: same,
        tolerance: None,
        why,
    }
}

impl Reading {
    fn then(self, then: fn(f64) -> f64) -> Self {
        Reading { then, ..self }
    }
    fn rounded(self) -> Self {
        Reading {
            tolerance: Some(ROUNDED),
            ..self
        }
    }
}

/// Every reading that is not simply a cell's first number, compared exactly, and why.
#[rustfmt::skip]
fn readings() -> Vec<Reading> {
    use Field::*;
    use Pick::*;
    const A100_PCIE: &str = "A100 80GB PCIe";
    const PCIE_GEN4: &str = "31.5 GB/s/dir";
    vec![
        // Interconnect, every GPU.
        read("v100-sxm2-32gb", Interconnect, Absent,
            "NVLink2 bandwidth not retrieved; the row's 300 GB/s total is marked unverified"),
        read("a100-40gb-sxm", Interconnect, At("600 GB/s bidirectional"), "NVLink3")
            .then(per_direction),
        read("a100-80gb-sxm", Interconnect, At("600 GB/s bidirectional"), "NVLink3")
            .then(per_direction),
        read("a100-80gb-pcie", Interconnect, At(PCIE_GEN4),
            "the PCIe Gen4 x16 link, each way; the 600 GB/s NVLink bridge joins pairs only"),
        read("h100-sxm", Interconnect, At("900 GB/s bidirectional"), "NVLink4")
            .then(per_direction),
        read("h100-pcie", Interconnect, At("128 GB/s (bidir)"),
            "PCIe Gen5 x16; the 600 GB/s NVLink bridge joins pairs only")
            .then(per_direction),
        read("h200-sxm", Interconnect, At("900 GB/s"),
            "the row does not say the direction; it is NVLink4 × 18 as on H100 SXM, whose row \
             says bidirectional (and README pitfall 5)")
            .then(per_direction),
        read("b200-sxm", Interconnect, At("1800 GB/s bidirectional"), "NVLink5")
            .then(per_direction),
        read("gb200", Interconnect, At("1800 GB/s bidirectional"), "NVLink5")
            .then(per_direction),
        read("l4", Interconnect, Borrowed { row: A100_PCIE, text: PCIE_GEN4 },
            "the row says 'PCIe Gen4 x16 only' with no figure; the catalog takes PCIe Gen4 x16 \
             from the A100 PCIe row"),
        read("l40s", Interconnect, At("64 GB/s bidirectional"), "PCIe Gen4 x16, no NVLink")
            .then(per_direction),
        read("a10", Interconnect, Borrowed { row: A100_PCIE, text: PCIE_GEN4 },
            "the row says 'PCIe Gen4 x16' with no figure; from the A100 PCIe row"),
        read("t4", Interconnect, Absent,
            "PCIe Gen3 x16: no Gen3 figure in the reference data"),
        read("rtx-3090", Interconnect, Absent, "NVLink bridge bandwidth not retrieved"),
        read("rtx-4090", Interconnect, Borrowed { row: A100_PCIE, text: PCIE_GEN4 },
            "the row says 'none (no NVLink)'; the catalog uses the card's PCIe Gen4 x16 link, \
             figure from the A100 PCIe row"),
        read("rtx-5090", Interconnect, Borrowed { row: "H100 PCIe 80GB", text: "128 GB/s (bidir)" },
            "the row says 'none (no NVLink)'; the catalog uses the card's PCIe Gen5 x16 link, \
             figure from the H100 PCIe row")
            .then(per_direction),
        read("mi250x-gcd", Interconnect, Absent,
            "the Infinity Fabric figures are per package; no per-GCD figure"),
        read("mi300x", Interconnect, At("448 GB/s unidirectional"), "Infinity Fabric all-to-all"),
        read("mi325x", Interconnect, At("448 GB/s unidirectional"), "Infinity Fabric all-to-all"),
        read("tpu-v5e", Interconnect, At("400 GB/s bidirectional"), "ICI per chip")
            .then(per_direction),
        read("tpu-v5p", Interconnect, At("1200 GB/s bidirectional"), "ICI per chip")
            .then(per_direction),
        read("tpu-v6e", Interconnect, At("800 GB/s bidirectional"), "ICI per chip")
            .then(per_direction),
        read("gaudi-3", Interconnect, At("600 GB/s unidirectional"), "24× 200 GbE RoCE"),
        read("m2-ultra", Interconnect, Absent, "UltraFusion joins the SoC's own dies"),
        read("m4-max", Interconnect, Absent, "n/a"),
        read("h20", Interconnect, At("900 GB/s bidirectional"),
            "NVLink4 as on H100 SXM; the sources give 900 GB/s without a direction (pitfall 5)")
            .then(per_direction),
        read("b300-sxm", Interconnect, At("1800 GB/s bidirectional"), "NVLink5")
            .then(per_direction),
        read("gb300", Interconnect, At("1800 GB/s bidirectional"), "NVLink5")
            .then(per_direction),
        read("mi355x", Interconnect, At("535.5 GB/s unidirectional"), "Infinity Fabric all-to-all"),
        read("rtx-pro-6000", Interconnect, Borrowed { row: "H100 PCIe 80GB", text: "128 GB/s (bidir)" },
            "the row says 'none (no NVLink); PCIe Gen5 x16'; the catalog uses the card's PCIe Gen5 \
             x16 link, figure from the H100 PCIe row")
            .then(per_direction),
        // Cells with several figures, or figures the catalog converts or leaves out.
        read("h200-sxm", Fp16, First,
            "the row rounds H100 SXM's 989.4 (same GH100 compute); the catalog keeps 989.4")
            .rounded(),
        read("h200-sxm", Fp8, First, "the row rounds H100 SXM's 1,978.9").rounded(),
        read("h200-sxm", Int8, First, "the row rounds H100 SXM's 1,978.9").rounded(),
        read("h200-sxm", Fp32, First, "the row rounds H100 SXM's 66.9").rounded(),
        read("b200-sxm", Memory, At("180 (NVIDIA platform value)"),
            "the row gives 180 (NVIDIA's platform value) and 192 (physical); NVIDIA's docs \
             disagree; the catalog uses 180"),
        read("gb200", Fp32, At("80 (stas)"),
            "the row gives 80 (stas) and 90 (glennklockwood), marked as a conflict"),
        read("l4", Sms, At("58 (7,424 CUDA cores /128)"),
            "the row gives 58 from the core count and fpsbench's 60, marked as a conflict"),
        read("l40s", L2, Absent,
            "the row's 48 MB is marked uncertain (full AD102 has 96 MB)"),
        read("l40s", Fp16FromSparse, Skip,
            "the datasheet itself prints 362.05 dense and 733 sparse, 1.2% more than twice; the \
             catalog follows the dense column"),
        read("a10", Fp16FromSparse, Skip,
            "the row's 250 is 'not retrieved; = 2x dense', derived from the dense figure"),
        read("rtx-3090", Fp16, At("142 with FP16 accumulate"),
            "the row prints the FP16-accumulate rate; the catalog stores FP32 accumulate, half of \
             it on GA10x (the row's note, not a datasheet figure)")
            .then(fp32_accumulate),
        read("rtx-3090", Fp16FromSparse, First,
            "285 sparse is FP16 accumulate: 285 / 2 / 2 = 71.25, the catalog 71")
            .then(fp32_accumulate),
        read("gaudi-3", Fp16, At("1677 at shipping"),
            "BF16 at the shipping 1,600 MHz; the whitepaper's 1,835 is at 1,750 MHz"),
        read("gaudi-3", Fp8, At("1677 (at 1600 MHz)"),
            "at the shipping 1,600 MHz; the 1,835 spec figure is at 1,750 MHz"),
        read("gaudi-3", Sms, Absent, "'8 MME + TPCs (counts not retrieved)': not SMs"),
        read("tpu-v5e", Sms, Absent, "a TensorCore count, not SMs"),
        read("tpu-v5p", Sms, Absent, "a TensorCore count, not SMs"),
        read("tpu-v6e", Sms, Absent, "a TensorCore count, not SMs"),
        read("m2-ultra", Sms, Absent,
            "Apple GPU cores; the catalog stores no SM count for Apple GPUs"),
        read("m4-max", Sms, Absent,
            "Apple GPU cores; the catalog stores no SM count for Apple GPUs"),
        read("m4-max", Int8, Absent, "'gpuhunter claims 68 (unverified)'"),
        // Ambiguous in gpus.tsv itself, read as decimal GB and GB/s like every other row.
        read("tpu-v5p", Memory, First,
            "Google's doc revisions say both 95 GB and 95 GiB (102.0e9 bytes); read as GB"),
        read("tpu-v5e", Bandwidth, First,
            "819 GB/s in the current doc; an older revision says '800 GiBps' (859e9 B/s)"),
    ]
}

/// gpus.tsv: a header row, then one row per accelerator.
struct Tsv {
    header: Vec<&'static str>,
    rows: Vec<Vec<&'static str>>,
}

impl Tsv {
    /// gpus.tsv and gpus-2026.tsv as one table (the same columns; names unique across both).
    fn both() -> Tsv {
        let (a, b) = (Tsv::parse(GPUS_TSV), Tsv::parse(GPUS_2026_TSV));
        assert_eq!(
            a.header, b.header,
            "gpus-2026.tsv must have gpus.tsv's columns"
        );
        Tsv {
            header: a.header,
            rows: a.rows.into_iter().chain(b.rows).collect(),
        }
    }

    fn parse(text: &'static str) -> Tsv {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header: Vec<&str> = lines
            .next()
            .expect("gpus.tsv is empty")
            .split('\t')
            .collect();
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
        for r in &rows {
            assert_eq!(
                r.len(),
                header.len(),
                "gpus.tsv row {:?}: wrong column count",
                r[0]
            );
        }
        Tsv { header, rows }
    }

    fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.rows.iter().map(|r| r[0])
    }

    fn cell(&self, name: &str, column: &str) -> &'static str {
        let c = self
            .header
            .iter()
            .position(|h| *h == column)
            .unwrap_or_else(|| panic!("gpus.tsv has no column {column}"));
        let row = self
            .rows
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("gpus.tsv has no row {name:?}"));
        row[c]
    }
}

/// The numbers in a cell, in order. A number starts at a digit not preceded by a letter, digit
/// or '.' (so "NVLink4", "HBM2e", "v4.1" hold none), may group thousands with commas ("1,466")
/// and has at most one decimal point. A leading "~" is ignored.
fn numbers(cell: &str) -> Vec<f64> {
    let c: Vec<char> = cell.chars().collect();
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if !digit(i) || (i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '.')) {
            i += 1;
            continue;
        }
        let mut s = String::new();
        let mut point = false;
        while i < c.len() {
            if digit(i) {
                s.push(c[i]);
            } else if c[i] == ',' && (1..=3).all(|k| digit(i + k)) && !digit(i + 4) {
                // thousands separator
            } else if c[i] == '.' && !point && digit(i + 1) {
                point = true;
                s.push('.');
            } else {
                break;
            }
            i += 1;
        }
        out.push(s.parse().unwrap());
    }
    out
}

/// A cell's first number, or none when it has none or says it has none.
fn first_number(cell: &str) -> Option<f64> {
    let lower = cell.trim().to_ascii_lowercase();
    if ["n/a", "not ", "none"].iter().any(|p| lower.starts_with(p)) {
        return None;
    }
    numbers(cell).first().copied()
}

/// The number that starts `text` in `cell`.
fn number_at(cell: &str, text: &str) -> Result<f64, String> {
    if !cell.contains(text) {
        return Err(format!("the cell {cell:?} does not contain {text:?}"));
    }
    numbers(text)
        .first()
        .copied()
        .ok_or_else(|| format!("{text:?} holds no number"))
}

/// Compares one catalog GPU with its row; returns a line per disagreement.
fn compare_gpu(tsv: &Tsv, g: &Gpu, row: &str, scope: Scope, readings: &[Reading]) -> Vec<String> {
    let mut failures = Vec::new();
    for field in Field::ALL {
        let reading = readings.iter().find(|r| r.id == g.id && r.field == field);
        let pick = match (reading, field) {
            (Some(r), _) => r.pick,
            (None, Field::Interconnect) => {
                failures.push(format!("{}: list how its interconnect cell is read", g.id));
                continue;
            }
            (None, _) => Pick::First,
        };
        let cell = tsv.cell(row, field.column());
        let from = |name: &str, text: &str| {
            let cell = tsv.cell(name, field.column());
            number_at(cell, text).map(Some)
        };
        let figure = match pick {
            Pick::Skip => continue,
            Pick::Absent => Ok(None),
            Pick::First if field == Field::Fp4 && !cell.starts_with("FP4") => Ok(None),
            Pick::First => Ok(first_number(cell)),
            Pick::At(text) => from(row, text),
            Pick::Borrowed { row: other, text } => from(other, text),
        };
        let figure = match figure {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{} {}: {e}", g.id, field.name()));
                continue;
            }
        };
        if field == Field::Fp16FromSparse && figure.is_none() {
            continue; // no sparse figure to check the dense one against
        }
        let scope = match (scope, field) {
            (Scope::OneGcd, f) if f != Field::Interconnect => per_gcd,
            _ => same,
        };
        let then = reading.map_or(same as fn(f64) -> f64, |r| r.then);
        let expected = figure.map(|x| then(scope(field.convert()(x))));
        let actual = field.catalog(g);
        let tolerance = reading.and_then(|r| r.tolerance).unwrap_or(match field {
            Field::Fp16FromSparse => ROUNDED,
            _ => EXACT,
        });
        let ok = match (expected, actual) {
            (None, None) => true,
            (Some(e), Some(a)) => ((a - e) / e).abs() <= tolerance,
            _ => false,
        };
        if !ok {
            let (unit, scale) = field.display();
            let show =
                |v: Option<f64>| v.map_or("none".to_string(), |v| format!("{} {unit}", v / scale));
            failures.push(format!(
                "{} {}: expected {}, actual {} (gpus.tsv row {row:?}, {} = {cell:?}, read as \
                 {pick:?}; tolerance {}{})",
                g.id,
                field.name(),
                show(expected),
                show(actual),
                field.column(),
                if tolerance == EXACT {
                    "exact".to_string()
                } else {
                    format!("{}%", tolerance * 100.0)
                },
                reading.map_or(String::new(), |r| format!("; {}", r.why)),
            ));
        }
    }
    failures
}

#[test]
fn every_gpu_has_a_gpus_tsv_row_and_every_row_a_gpu_or_a_reason() {
    let tsv = Tsv::both();
    let ids: HashSet<&str> = catalog::gpu_ids().collect();
    let mapped: HashSet<&str> = GPU_ROWS.iter().map(|r| r.0).collect();
    let unmapped: HashSet<&str> = NO_ROW.iter().map(|r| r.0).collect();
    assert_eq!(mapped.len(), GPU_ROWS.len(), "a catalog id is mapped twice");
    for id in &ids {
        assert!(
            mapped.contains(id) != unmapped.contains(id),
            "{id}: map it to its gpus.tsv row in GPU_ROWS, or list it in NO_ROW with why"
        );
    }
    for id in mapped.iter().chain(&unmapped) {
        assert!(ids.contains(id), "{id} is not a catalog GPU");
    }
    for (id, why) in NO_ROW {
        assert!(!why.trim().is_empty(), "{id}: say why it has no row");
    }
    // The reverse direction: each row is a catalog GPU or in `catalog::SKIPPED`, not both.
    let names: HashSet<&str> = tsv.names().collect();
    assert_eq!(names.len(), tsv.rows.len(), "a gpus.tsv name is repeated");
    let rows: HashSet<&str> = GPU_ROWS.iter().map(|r| r.1).collect();
    assert_eq!(rows.len(), GPU_ROWS.len(), "a gpus.tsv row is mapped twice");
    let skipped: HashSet<&str> = catalog::SKIPPED
        .iter()
        .map(|s| s.0)
        .filter(|name| !SKIPPED_MODELS.contains(name))
        .collect();
    for name in &names {
        assert!(
            rows.contains(name) != skipped.contains(name),
            "gpus.tsv row {name:?}: map a catalog GPU to it, or list it in catalog::SKIPPED \
             with why (not both)"
        );
    }
    for name in rows.iter().chain(&skipped) {
        assert!(names.contains(name), "{name:?} is not a gpus.tsv row");
    }
}

#[test]
fn every_reading_names_a_mapped_gpu_once_and_says_why() {
    let readings = readings();
    let mut seen = HashSet::new();
    for r in &readings {
        assert!(
            GPU_ROWS.iter().any(|row| row.0 == r.id),
            "{}: not in GPU_ROWS",
            r.id
        );
        assert!(
            seen.insert((r.id, r.field.name())),
            "{} {:?} is read twice",
            r.id,
            r.field
        );
        assert!(!r.why.trim().is_empty(), "{} {:?}: say why", r.id, r.field);
    }
}

#[test]
fn gpus_match_gpus_tsv_row_by_row() {
    let tsv = Tsv::both();
    let readings = readings();
    let mut failures = Vec::new();
    for &(id, row, scope) in GPU_ROWS {
        let g = catalog::gpu(id).unwrap_or_else(|| panic!("{id} not in catalog"));
        failures.extend(compare_gpu(&tsv, &g, row, scope, &readings));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn cells_are_read_as_the_readings_say() {
    assert_eq!(numbers("66.9 (67)"), [66.9, 67.0]);
    assert_eq!(numbers("2614.9 (5,229.8 with sparsity)"), [2614.9, 5229.8]);
    assert_eq!(numbers("NVLink4 900 GB/s (18 links)"), [900.0, 18.0]);
    assert_eq!(numbers("~27.2 (DERIVED: x76/60)"), [27.2, 60.0]);
    assert_eq!(numbers("HBM2e v4.1, 624"), [624.0]);
    assert_eq!(first_number("n/a (no INT8 tensor cores; 62.67 TOPS)"), None);
    assert_eq!(first_number("not disclosed (stas)"), None);
    assert_eq!(first_number("supported, not published"), None);
    assert_eq!(
        first_number("121 (datasheet 242 is with sparsity)"),
        Some(121.0)
    );
    assert_eq!(
        number_at("PCIe Gen4 x16 (~31.5 GB/s/dir)", "31.5 GB/s/dir"),
        Ok(31.5)
    );
    assert!(number_at("PCIe Gen4 x16", "31.5 GB/s/dir").is_err());
    // The conversions the readings use.
    assert_eq!(dense(1978.9 * 2.0), 1978.9);
    assert_eq!(per_direction(900.0), 450.0);
    assert_eq!(per_gcd(3276.8), 1638.4);
    assert_eq!(memory_bytes(80.0), 80e9);
    assert_eq!(l2_bytes(50.0), 50.0 * 1048576.0);
}

#[test]
fn a_wrong_figure_fails_with_gpu_field_expected_and_actual() {
    let tsv = Tsv::both();
    let mut g = catalog::gpu("h200-sxm").unwrap();
    g.bandwidth = ridgepoint::units::BytesPerSec(4.9e12);
    g.fp16 = ridgepoint::units::FlopsPerSec(1979e12); // the sparse figure, not halved
    let failures = compare_gpu(&tsv, &g, "H200 SXM 141GB", Scope::Whole, &readings());
    assert_eq!(failures.len(), 3, "{failures:#?}");
    assert!(failures[0].starts_with("h200-sxm bandwidth: expected 4800 GB/s, actual 4900 GB/s"));
    assert!(failures[1].starts_with("h200-sxm fp16: expected 989 TFLOP/s, actual 1979 TFLOP/s"));
    assert!(failures[2].starts_with("h200-sxm fp16 (half the sparse figure)"));
}

/// `tests/data/gpu-memory.tsv`: each catalog GPU's capacity as the device reports it
/// (`nvidia-smi`'s total in MiB, `rocm-smi`'s bytes, a vendor document's GiB), with the page
/// where that output was seen. A row with an empty figure says why none was found.
#[test]
fn memory_is_what_the_device_reports() {
    let text = include_str!("data/gpu-memory.tsv");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header[..4], ["id", "reported", "unit", "tool"]);
    let mut seen = Vec::new();
    let mut failures = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let (id, value, unit) = (cells[0], cells[1].trim(), cells[2].trim());
        let source = cells.get(4).copied().unwrap_or("").trim();
        seen.push(id.to_string());
        let Some(g) = catalog::gpu(id) else {
            // A row for a GPU the catalog leaves out (listed in SKIPPED) is allowed.
            assert!(
                catalog::SKIPPED
                    .iter()
                    .any(|(name, _)| name.to_lowercase().contains(&id.replace('-', " "))),
                "{id}: in gpu-memory.tsv but neither in the catalog nor in SKIPPED"
            );
            continue;
        };
        let nominal = g
            .memory_nominal
            .expect("catalog GPUs carry the vendor's figure")
            .get();
        if value.is_empty() {
            // No device report found: the vendor's decimal GB stand, and the row says why.
            assert!(
                !line.split('\t').skip(3).all(|c| c.trim().is_empty()),
                "{id}: say why"
            );
            if g.memory.get() != nominal {
                failures.push(format!(
                    "{id}: no report, so memory should be {nominal}, is {}",
                    g.memory.get()
                ));
            }
            continue;
        }
        let v: f64 = value
            .replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("{id}: {value}"));
        let bytes = match unit {
            "MiB" => v * 1024.0 * 1024.0,
            "GiB" => v * 1024.0 * 1024.0 * 1024.0,
            "KiB" => v * 1024.0,
            "bytes" | "B" => v,
            // A vendor document's decimal GB (TPUs): no device figure, the nominal stands.
            "GB" => v * 1e9,
            other => panic!("{id}: unit {other}"),
        };
        if g.memory.get() != bytes {
            failures.push(format!(
                "{id}: device reports {v} {unit} = {bytes} B, catalog {}",
                g.memory.get()
            ));
        }
        // A unit slip (MiB read as MB, GiB as GB twice) lands outside this band.
        let ratio = bytes / nominal;
        if !(0.9..=1.1).contains(&ratio) {
            failures.push(format!("{id}: reported/nominal = {ratio:.3}"));
        }
        if unit != "GB" && !source.is_empty() && !g.source.contains(value) {
            failures.push(format!(
                "{id}: the catalog's source does not cite the figure {value}"
            ));
        }
    }
    for g in catalog::gpus() {
        if !seen.contains(&g.id) {
            failures.push(format!("{}: no row in gpu-memory.tsv", g.id));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

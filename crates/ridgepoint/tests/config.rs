//! Models read from config.json text: the shapes match the catalog's, and every refusal names
//! its field.

use ridgepoint::catalog;
use ridgepoint::config::model_from_hf_config;

fn same_counts(json: &str, id: &str) {
    let m = model_from_hf_config(json).unwrap();
    let c = catalog::model(id).unwrap();
    let (a, b) = (m.params(), c.params());
    assert_eq!(a.total, b.total, "{id} total");
    assert_eq!(a.active, b.active, "{id} active");
    assert_eq!(
        m.kv_elements_per_token_per_layer(),
        c.kv_elements_per_token_per_layer(),
        "{id} kv"
    );
    assert_eq!(
        m.kv_elements(100_000.0),
        c.kv_elements(100_000.0),
        "{id} windows"
    );
}

#[test]
fn llama_2_7b() {
    same_counts(
        r#"{"model_type":"llama","hidden_size":4096,"intermediate_size":11008,
            "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":32,
            "vocab_size":32000,"max_position_embeddings":4096,"tie_word_embeddings":false}"#,
        "llama-2-7b",
    );
}

#[test]
fn llama_2_70b_without_explicit_tie_or_head_dim() {
    same_counts(
        r#"{"model_type":"llama","hidden_size":8192,"intermediate_size":28672,
            "num_hidden_layers":80,"num_attention_heads":64,"num_key_value_heads":8,
            "vocab_size":32000,"max_position_embeddings":4096}"#,
        "llama-2-70b",
    );
}

#[test]
fn qwen2_has_qkv_bias() {
    same_counts(
        r#"{"model_type":"qwen2","hidden_size":3584,"intermediate_size":18944,
            "num_hidden_layers":28,"num_attention_heads":28,"num_key_value_heads":4,
            "vocab_size":152064,"max_position_embeddings":131072,"tie_word_embeddings":false,
            "sliding_window":131072,"use_sliding_window":false}"#,
        "qwen2.5-7b",
    );
}

#[test]
fn gemma_2_head_dim_and_alternating_windows() {
    same_counts(
        r#"{"model_type":"gemma2","hidden_size":3584,"intermediate_size":14336,
            "num_hidden_layers":42,"num_attention_heads":16,"num_key_value_heads":8,
            "head_dim":256,"vocab_size":256000,"max_position_embeddings":8192,
            "sliding_window":4096}"#,
        "gemma-2-9b",
    );
}

#[test]
fn mistral_v01_window_on_every_layer() {
    same_counts(
        r#"{"model_type":"mistral","hidden_size":4096,"intermediate_size":14336,
            "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
            "vocab_size":32000,"max_position_embeddings":32768,"sliding_window":4096,
            "tie_word_embeddings":false}"#,
        "mistral-7b-v0.1",
    );
}

#[test]
fn mixtral_experts() {
    same_counts(
        r#"{"model_type":"mixtral","hidden_size":4096,"intermediate_size":14336,
            "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
            "vocab_size":32000,"max_position_embeddings":32768,"num_local_experts":8,
            "num_experts_per_tok":2,"sliding_window":null}"#,
        "mixtral-8x7b",
    );
}

#[test]
fn deepseek_v3_mla_and_shared_experts() {
    same_counts(
        r#"{"model_type":"deepseek_v3","hidden_size":7168,"intermediate_size":18432,
            "num_hidden_layers":61,"num_attention_heads":128,"num_key_value_heads":128,
            "vocab_size":129280,"max_position_embeddings":163840,"tie_word_embeddings":false,
            "n_routed_experts":256,"num_experts_per_tok":8,"n_shared_experts":1,
            "moe_intermediate_size":2048,"first_k_dense_replace":3,"q_lora_rank":1536,
            "kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128}"#,
        "deepseek-v3",
    );
}

#[test]
fn refusals_name_the_field() {
    let cases = [
        ("not json", "config.json is not valid JSON: expected ident at line 1 column 2"),
        ("[1,2]", "config.json must be a JSON object"),
        (r#"{"num_hidden_layers":2,"num_attention_heads":2,"vocab_size":10}"#, "missing field \"hidden_size\""),
        (
            r#"{"hidden_size":"big","num_hidden_layers":2,"num_attention_heads":2,"vocab_size":10}"#,
            "\"hidden_size\" must be a whole number, got \"big\"",
        ),
        (
            r#"{"hidden_size":64,"num_hidden_layers":0,"num_attention_heads":2,"vocab_size":10}"#,
            "\"num_hidden_layers\" (0) must be between 1 and 65536",
        ),
        (
            r#"{"hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":8,"vocab_size":10}"#,
            "\"num_key_value_heads\" (8) must not exceed \"num_attention_heads\" (4)",
        ),
        (
            r#"{"hidden_size":64,"num_hidden_layers":2,"num_attention_heads":6,"num_key_value_heads":4,"vocab_size":10}"#,
            "\"num_attention_heads\" (6) must be a multiple of \"num_key_value_heads\" (4)",
        ),
        (
            r#"{"hidden_size":100,"num_hidden_layers":2,"num_attention_heads":3,"vocab_size":10}"#,
            "missing field \"head_dim\", and \"hidden_size\" (100) is not a multiple of \"num_attention_heads\" (3)",
        ),
        (
            r#"{"hidden_size":1e300,"num_hidden_layers":2,"num_attention_heads":2,"vocab_size":10}"#,
            "\"hidden_size\" must be a whole number, got 1e300",
        ),
        (
            r#"{"hidden_size":64,"num_hidden_layers":2,"num_attention_heads":2,"vocab_size":10,"tie_word_embeddings":"yes"}"#,
            "\"tie_word_embeddings\" must be true or false, got \"yes\"",
        ),
        (
            r#"{"hidden_size":64,"num_hidden_layers":2,"num_attention_heads":2,"vocab_size":10,"num_local_experts":8}"#,
            "missing field \"num_experts_per_tok\"",
        ),
    ];
    for (text, message) in cases {
        let e = model_from_hf_config(text).unwrap_err();
        assert_eq!(e.message, message, "for {text}");
    }
}

#[test]
fn a_tiny_valid_config_estimates_without_nan() {
    let m = model_from_hf_config(
        r#"{"hidden_size":1,"num_hidden_layers":1,"num_attention_heads":1,"vocab_size":1}"#,
    )
    .unwrap();
    let mut s = ridgepoint::Spec::default().scenario();
    s.model = m;
    let e = ridgepoint::estimate(&s);
    assert!(e.calibrated.tpot.get().is_finite() && e.calibrated.tpot.get() > 0.0);
    assert!(e.decode.intensity.get().is_finite());
}

// ---------------------------------------------------------------------------------------------
// Architecture rules (shapes here are small and made up; the rules are transformers').

use ridgepoint::config::import_hf_config;
use ridgepoint::Mlp;

const BASE: &str = r#""hidden_size":1024,"intermediate_size":4096,"num_hidden_layers":12,
    "num_attention_heads":16,"vocab_size":1000,"max_position_embeddings":8192"#;

fn read(extra: &str) -> ridgepoint::config::Imported {
    import_hf_config(&format!("{{{BASE},{extra}}}")).unwrap()
}

#[test]
fn falcon_old_decoder_with_multi_query_has_one_kv_head_whatever_num_kv_heads_says() {
    let m = read(r#""model_type":"falcon","multi_query":true,"num_kv_heads":16"#).model;
    assert_eq!(m.kv_heads, 1);
    assert_eq!(m.mlp, Mlp::Plain);
    assert!(m.tied_embeddings, "FalconConfig ties by default");
    let m = read(r#""model_type":"falcon","new_decoder_architecture":true,"num_kv_heads":4"#).model;
    assert_eq!(m.kv_heads, 4);
    // The remote-code names: RefinedWeb is the new decoder, RefinedWebModel the old one.
    assert_eq!(
        read(r#""model_type":"RefinedWeb","n_head_kv":8"#)
            .model
            .kv_heads,
        8
    );
    assert_eq!(
        read(r#""model_type":"RefinedWebModel","n_head_kv":8"#)
            .model
            .kv_heads,
        1
    );
}

#[test]
fn starcoder2_has_a_two_matrix_mlp() {
    let m = read(r#""model_type":"starcoder2","mlp_type":"default","num_key_value_heads":4"#).model;
    assert_eq!(m.mlp, Mlp::Plain);
    // 12 layers × 2 × 1024 × 4096, not 3 ×.
    assert_eq!(m.params().mlp_total, 12.0 * 2.0 * 1024.0 * 4096.0);
}

#[test]
fn qwen_moe_shared_expert_counts_its_width() {
    let m = read(
        r#""model_type":"qwen2_moe","num_experts":60,"num_experts_per_tok":4,
        "moe_intermediate_size":1408,"shared_expert_intermediate_size":5632"#,
    )
    .model;
    let moe = m.moe.unwrap();
    assert_eq!((moe.experts, moe.active, moe.shared), (60, 4, 4)); // 5632 = 4 × 1408
    assert_eq!(moe.dense_layers, 0);
    assert!(m.qkv_bias);
}

#[test]
fn gemma_3_keeps_one_global_layer_in_six() {
    let i = read(
        r#""model_type":"gemma3_text","head_dim":256,"num_key_value_heads":8,
        "sliding_window":1024,"sliding_window_pattern":6"#,
    );
    assert_eq!(i.model.sliding_window, Some((1024, 10))); // 12 layers: 2 global, 10 local
    assert!(i.model.tied_embeddings);
    // Gemma 2 alternates one to one.
    let g2 = read(r#""model_type":"gemma2","head_dim":256,"sliding_window":4096"#);
    assert_eq!(g2.model.sliding_window, Some((4096, 6)));
}

#[test]
fn layer_types_decide_when_present() {
    let types = (0..12)
        .map(|i| {
            if i % 3 == 2 {
                "\"full_attention\""
            } else {
                "\"sliding_attention\""
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    let m = read(&format!(
        r#""model_type":"llama","sliding_window":512,"layer_types":[{types}]"#
    ))
    .model;
    assert_eq!(m.sliding_window, Some((512, 8)));
    let e = import_hf_config(&format!(
        r#"{{{BASE},"model_type":"llama","layer_types":["linear_attention"{}]}}"#,
        ",\"full_attention\"".repeat(11)
    ))
    .unwrap_err();
    assert_eq!(e.field, "layer_types");
    assert!(e.message.contains("linear_attention"), "{}", e.message);
}

#[test]
fn cohere_ties_its_embeddings_when_the_key_is_absent() {
    let i = read(r#""model_type":"cohere""#);
    assert!(i.model.tied_embeddings);
    assert!(
        i.assumptions
            .iter()
            .any(|a| a.contains("tie_word_embeddings")),
        "{:?}",
        i.assumptions
    );
}

#[test]
fn an_unknown_model_type_is_read_through_the_common_keys_and_says_so() {
    let i = read(r#""model_type":"brand_new_lm","num_key_value_heads":4"#);
    assert!(!i.known);
    assert_eq!(i.model.kv_heads, 4);
    assert!(
        i.assumptions.iter().any(|a| a.contains("brand_new_lm")),
        "{:?}",
        i.assumptions
    );
    let e = import_hf_config(&format!(r#"{{{BASE},"model_type":"jamba"}}"#)).unwrap_err();
    assert_eq!(e.field, "model_type");
    assert!(e.message.contains("state-space"));
}

#[test]
fn chatglm_names_its_own_keys() {
    let m = import_hf_config(
        r#"{"model_type":"chatglm","hidden_size":4096,"ffn_hidden_size":13696,"num_layers":28,
        "num_attention_heads":32,"multi_query_attention":true,"multi_query_group_num":2,
        "kv_channels":128,"padded_vocab_size":65024,"seq_length":8192,"add_qkv_bias":true}"#,
    )
    .unwrap()
    .model;
    assert_eq!(
        (m.kv_heads, m.head_dim, m.vocab, m.layers),
        (2, 128, 65024, 28)
    );
    assert!(m.qkv_bias && !m.tied_embeddings);
}

#[test]
fn llama_4_chunks_three_layers_in_four_and_round_trips_through_a_link() {
    let i = import_hf_config(
        r#"{"model_type":"llama4","text_config":{"model_type":"llama4_text","hidden_size":1024,
        "intermediate_size":512,"intermediate_size_mlp":2048,"num_hidden_layers":8,
        "num_attention_heads":16,"num_key_value_heads":4,"head_dim":64,"vocab_size":1000,
        "num_local_experts":16,"num_experts_per_tok":1,"interleave_moe_layer_step":2,
        "attention_chunk_size":8192,"no_rope_layers":[1,1,1,0,1,1,1,0],
        "max_position_embeddings":1048576,"tie_word_embeddings":false}}"#,
    )
    .unwrap();
    let m = i.model;
    assert_eq!(m.chunked, Some((8192, 6)));
    assert_eq!(m.sliding_window, None);
    let moe = m.moe.unwrap();
    assert_eq!(
        (moe.experts, moe.active, moe.shared, moe.dense_layers),
        (16, 1, 1, 4)
    );
    assert_eq!((moe.expert_intermediate, m.intermediate), (512, 2048));
    assert!(i.assumptions.iter().any(|a| a.contains("text_config")));
    // The custom model survives a link.
    let spec = ridgepoint::Spec {
        model: ridgepoint::query::CUSTOM.into(),
        custom_model: Some(m.clone()),
        ..Default::default()
    };
    let (back, problems) = ridgepoint::Spec::from_query(&spec.to_query());
    assert_eq!(problems, vec![]);
    assert_eq!(back.custom_model.unwrap().chunked, m.chunked);
}

#[test]
fn quantization_config_names_the_groups_it_leaves_alone() {
    use ridgepoint::Precision;
    // GPTQ 4-bit with the LM head converted too; the shared expert kept in BF16.
    let i = read(
        r#""model_type":"qwen2_moe","num_experts":8,"num_experts_per_tok":2,
        "moe_intermediate_size":512,"shared_expert_intermediate_size":1024,
        "quantization_config":{"quant_method":"gptq","bits":4,"lm_head":true,
        "modules_to_not_convert":["model.layers.*.mlp.shared_expert"]}"#,
    );
    let (base, f) = i.stored.unwrap();
    assert_eq!(base, Precision::Bf16);
    assert_eq!(
        (f.attention, f.mlp, f.experts, f.embedding, f.lm_head),
        (
            Some(Precision::Int4),
            None,
            Some(Precision::Int4),
            None,
            Some(Precision::Int4)
        )
    );
    // A method with no format here is named, not applied.
    let i = read(r#""model_type":"llama","quantization_config":{"quant_method":"bitsandbytes"}"#);
    assert_eq!(i.stored, None);
    assert!(
        i.assumptions.iter().any(|a| a.contains("bitsandbytes")),
        "{:?}",
        i.assumptions
    );
}

#[test]
fn glm_in_library_config_reads_the_common_keys_and_glm_defaults() {
    // GlmConfig (model_type "glm", the "-hf" GLM-4-9B repos) names num_key_value_heads, not
    // ChatGLM's multi_query_group_num; absent, transformers applies num_key_value_heads = 2 and
    // attention_bias = True.
    let i = read(r#""model_type":"glm","head_dim":64"#);
    assert!(i.known);
    assert_eq!(i.model.kv_heads, 2);
    assert!(i.model.qkv_bias);
    for key in ["num_key_value_heads", "attention_bias"] {
        assert!(
            i.assumptions.iter().any(|a| a.contains(key)),
            "{key}: {:?}",
            i.assumptions
        );
    }
    // Per layer: q 1024 × 16·64, k and v 1024 × 2·64 each, o 16·64 × 1024, biases (16 + 2·2)·64.
    let per_layer = 1024.0 * 1024.0 + 2.0 * 1024.0 * 128.0 + 1024.0 * 1024.0 + 20.0 * 64.0;
    assert_eq!(i.model.params().attention, 12.0 * per_layer);
    // KV per token per layer: 2 × 2 heads × 64.
    assert_eq!(i.model.kv_elements_per_token_per_layer(), 256.0);
    // Said explicitly, the keys win.
    let m = read(r#""model_type":"glm","num_key_value_heads":4,"attention_bias":false"#).model;
    assert_eq!((m.kv_heads, m.qkv_bias), (4, false));
}

#[test]
fn internlm2_reads_its_bias_key_and_defaults_it_to_true() {
    let i = read(r#""model_type":"internlm2","num_key_value_heads":8"#);
    assert!(i.model.qkv_bias, "InternLM2Config's bias defaults to True");
    assert!(
        i.assumptions.iter().any(|a| a.contains("\"bias\"")),
        "{:?}",
        i.assumptions
    );
    let m = read(r#""model_type":"internlm2","num_key_value_heads":8,"bias":false"#).model;
    assert!(!m.qkv_bias);
}

#[test]
fn starcoder2_ties_its_embeddings_when_the_key_is_absent() {
    // Starcoder2Config: tie_word_embeddings = True.
    let i = read(r#""model_type":"starcoder2","num_key_value_heads":4"#);
    assert!(i.model.tied_embeddings);
    assert!(i
        .assumptions
        .iter()
        .any(|a| a.contains("tie_word_embeddings")));
    // The LM head is the embedding: 1000 × 1024 stored once.
    let p = i.model.params();
    assert_eq!(
        p.total - p.embedding - p.attention - p.mlp_total - p.other,
        0.0
    );
}

#[test]
fn gemma_3_text_config_leans_on_the_class_defaults() {
    // google/gemma-3-4b-it's config.json: a text_config with four shape keys. Gemma3TextConfig
    // supplies 8 heads, 4 KV heads, head_dim 256 (not 2560 / 8 = 320), vocab 262208, context
    // 131072, and ties the head.
    let i = import_hf_config(
        r#"{"model_type":"gemma3","text_config":{"hidden_size":2560,"intermediate_size":10240,
            "model_type":"gemma3_text","num_hidden_layers":34,"sliding_window":1024},
            "vision_config":{"hidden_size":1152}}"#,
    )
    .unwrap();
    let m = &i.model;
    assert_eq!(
        (m.heads, m.kv_heads, m.head_dim, m.vocab, m.max_context),
        (8, 4, 256, 262_208, 131_072)
    );
    assert!(m.tied_embeddings);
    // 34 layers, one global in six: layers 6, 12, 18, 24, 30 are global, 29 local.
    assert_eq!(m.sliding_window, Some((1024, 29)));
    // Embedding 262208 × 2560 once; per layer q, k, v, o = 2560 × (2048 + 1024 + 1024) + 2048 × 2560
    // and the gated MLP 3 × 2560 × 10240; two norms per layer and a final one.
    let per_layer = 2560.0 * 4096.0 + 2048.0 * 2560.0 + 3.0 * 2560.0 * 10240.0 + 2.0 * 2560.0;
    let expected = 262_208.0 * 2560.0 + 34.0 * per_layer + 2560.0;
    assert_eq!(m.params().total, expected);
    // Another family's config still has to name its keys.
    let e = import_hf_config(
        r#"{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"vocab_size":10}"#,
    )
    .unwrap_err();
    assert_eq!(e.field, "num_attention_heads");
}

#[test]
fn opt_says_when_its_embedding_is_projected() {
    // OPT-350m's shape: embeddings of 512 projected to and from the 1024-wide decoder.
    let i = read(r#""model_type":"opt","ffn_dim":4096,"word_embed_proj_dim":512"#);
    let note = i
        .assumptions
        .iter()
        .find(|a| a.contains("word_embed_proj_dim"))
        .unwrap_or_else(|| panic!("{:?}", i.assumptions));
    // 1000 × 1024 = 1024000 counted; 1000 × 512 + 2 × 512 × 1024 = 1560576 stored.
    assert!(
        note.contains("1024000") && note.contains("1560576"),
        "{note}"
    );
    // Equal widths need no note.
    let j = read(r#""model_type":"opt","ffn_dim":4096,"word_embed_proj_dim":1024"#);
    assert!(!j
        .assumptions
        .iter()
        .any(|a| a.contains("word_embed_proj_dim")));
}

#[test]
fn mistral_v03_sliding_window_null_means_every_layer_is_full() {
    // Mistral-7B-v0.3 writes "sliding_window": null: no window, not transformers' 4096 default.
    let m = read(r#""model_type":"mistral","num_key_value_heads":8,"sliding_window":null"#).model;
    assert_eq!(m.sliding_window, None);
    let w = read(r#""model_type":"mistral","num_key_value_heads":8,"sliding_window":4096"#).model;
    assert_eq!(w.sliding_window, Some((4096, 12)));
}

#[test]
fn mistral_without_a_sliding_window_key_gets_mistral_configs_4096() {
    // MistralConfig: sliding_window = 4096, num_key_value_heads = 8 when the keys are absent.
    let i = read(r#""model_type":"mistral""#);
    assert_eq!(i.model.sliding_window, Some((4096, 12)));
    assert_eq!(i.model.kv_heads, 8);
    assert!(
        i.assumptions
            .iter()
            .any(|a| a.contains("sliding_window") && a.contains("MistralConfig")),
        "{:?}",
        i.assumptions
    );
}

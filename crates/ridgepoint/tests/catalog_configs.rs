//! Catalog models built from a real `config.json` of the corpus (`tests/data/configs`, sources
//! in its `SOURCES.tsv`) must have exactly the shape `config::import_hf_config` reads from that
//! file: every field but `id`, `name` and `source` (hidden, intermediate, layers, heads,
//! kv_heads, head_dim, vocab, tied_embeddings, qkv_bias, mlp, moe, mla, sliding_window, chunked,
//! position_embeddings, max_context). A typo in a catalog row, or a reader change that moves a
//! shape, fails here with the field named.

use ridgepoint::catalog;
use ridgepoint::config::import_hf_config;
use ridgepoint::Model;
use std::path::Path;

/// Catalog id → the corpus file (`tests/data/configs/<file>.json`) its row was written from.
const FROM_CORPUS: &[(&str, &str)] = &[
    ("qwen3-0.6b", "qwen3-0.6b"),
    ("qwen3-1.7b", "qwen3-1.7b"),
    ("qwen3-8b", "qwen3-8b"),
    ("qwen3-32b", "qwen3-32b"),
    ("qwen3-30b-a3b", "qwen3-30b-a3b"),
    ("qwen3-235b-a22b", "qwen3-235b-a22b"),
    ("gpt-oss-20b", "gpt-oss-20b"),
    ("gpt-oss-120b", "gpt-oss-120b"),
    ("deepseek-r1", "deepseek-r1"),
    ("kimi-k2", "kimi-k2-instruct"),
    ("glm-4.5", "glm-4.5"),
];

fn read(file: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/configs")
        .join(format!("{file}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    import_hf_config(&text)
        .unwrap_or_else(|e| panic!("{file}.json: {e}"))
        .model
}

/// The fields that differ, by name, with both values.
fn differences(row: &Model, imported: &Model) -> Vec<String> {
    let mut out = Vec::new();
    macro_rules! field {
        ($($f:ident),*) => {$(
            if row.$f != imported.$f {
                out.push(format!(
                    "{}: catalog {:?}, config.json {:?}",
                    stringify!($f), row.$f, imported.$f
                ));
            }
        )*};
    }
    field!(
        hidden,
        intermediate,
        layers,
        heads,
        kv_heads,
        head_dim,
        vocab,
        tied_embeddings,
        qkv_bias,
        mlp,
        moe,
        mla,
        sliding_window,
        chunked,
        position_embeddings,
        max_context
    );
    out
}

#[test]
fn catalog_rows_from_the_corpus_have_the_imported_shape() {
    let mut failures = Vec::new();
    for &(id, file) in FROM_CORPUS {
        let row = catalog::model(id).unwrap_or_else(|| panic!("{id} is not in the catalog"));
        let imported = read(file);
        for d in differences(&row, &imported) {
            failures.push(format!("{id} ({file}.json) {d}"));
        }
        // Every field but id, name and source is compared: the whole struct must then agree.
        let same = Model {
            id: row.id.clone(),
            name: row.name.clone(),
            source: row.source.clone(),
            ..imported
        };
        if differences(&row, &same).is_empty() {
            assert_eq!(row, same, "{id}: a field is missing from `differences`");
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn each_row_cites_its_corpus_file_and_where_it_came_from() {
    let sources = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/configs/SOURCES.tsv"),
    )
    .unwrap();
    for &(id, file) in FROM_CORPUS {
        let row = catalog::model(id).unwrap();
        let cited = format!("tests/data/configs/{file}.json");
        assert!(
            row.source.contains(&cited),
            "{id}: source must cite {cited}"
        );
        // SOURCES.tsv's config_source, e.g. "github:ai-dynamo/aiconfigurator <path> @ <commit>":
        // the row names the same repository and commit.
        let line = sources
            .lines()
            .find(|l| l.split('\t').next() == Some(file))
            .unwrap_or_else(|| panic!("{file} has no SOURCES.tsv row"));
        let config_source = line.split('\t').nth(3).unwrap();
        let repo = config_source.split_whitespace().next().unwrap();
        let commit = config_source
            .split_whitespace()
            .skip_while(|w| *w != "@")
            .nth(1)
            .unwrap_or_else(|| panic!("{file}: no commit in {config_source:?}"));
        assert!(row.source.contains(repo), "{id}: source must name {repo}");
        assert!(
            row.source.contains(commit),
            "{id}: source must name commit {commit}"
        );
    }
}

#[test]
fn a_wrong_row_is_reported_by_field() {
    let mut row = catalog::model("qwen3-32b").unwrap();
    row.head_dim = 5120 / 64; // hidden / heads, not the config's explicit 128
    row.tied_embeddings = true;
    let d = differences(&row, &read("qwen3-32b"));
    assert_eq!(
        d,
        [
            "head_dim: catalog 80, config.json 128",
            "tied_embeddings: catalog true, config.json false"
        ]
    );
}

//! A mutational fuzzer for everything a stranger can hand the engine: link queries
//! (`Spec::from_query`) and pasted `config.json` text (`config::model_from_hf_config`).
//!
//! `cargo xtask fuzz [--inputs N] [--seed S]` (default 10,000,000 inputs). Each input is a
//! valid seed mutated at random (byte flips, insertions and deletions, spliced keys and hostile
//! values); it must not panic, and every figure of the estimate it leads to must be finite.
//! Every 64th link also goes through compare mode (against the seed scenario, both ways) and
//! the published-measurement lookup.
//! Std only: a xorshift generator, `catch_unwind` around each input.

use ridgepoint::compare::{compare, summary};
use ridgepoint::config::model_from_hf_config;
use ridgepoint::{estimate, evaluate, published, Estimate, Scenario, Spec};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const QUERY_SEEDS: &[&str] = &[
    "v=1",
    "v=1&gpu=h100-sxm&model=llama-2-70b&w=fp8&kv=fp8&batch=32&gpus=2",
    "v=1&gpu=custom&model=custom&g.name=X&g.mem=48&g.bw=960&g.fp16=181&m.h=2048&m.i=5632&m.l=22&m.nh=32&m.kv=4&m.hd=64&m.v=32000",
    "v=1&model=custom&m.e=8&m.ea=2&m.kvr=512&m.qr=1536&m.nope=128&m.rope=64&m.vd=128&m.sw=4096&m.swl=16",
    "v=1&draft=llama-3.2-1b&k=6&acc=80&eb=55&ec=40&layer=30&ovh=1500",
    "v=1&gpu=b200-sxm&model=deepseek-v3&w=fp4&batch=4096&prompt=1048576&output=1048576&gpus=64",
    "embed=roofline&theme=dark&v=1&w=q4_k_m",
];

const KEYS: &[&str] = &[
    "v", "gpu", "model", "w", "kv", "batch", "prompt", "output", "gpus", "eb", "ec", "layer",
    "ovh", "draft", "k", "acc", "g.mem", "g.bw", "g.fp16", "g.fp8", "g.fp4", "g.link", "m.h",
    "m.i", "m.l", "m.nh", "m.kv", "m.hd", "m.v", "m.ctx", "m.e", "m.ea", "m.es", "m.ei", "m.ed",
    "m.kvr", "m.qr", "m.nope", "m.rope", "m.vd", "m.sw", "m.swl", "m.tie", "m.mlp", "m.pos",
];

const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "4096",
    "4097",
    "65536",
    "1e308",
    "1e-308",
    "NaN",
    "inf",
    "-0",
    "0.5",
    "18446744073709551616",
    "4294967296",
    "99999999999999999999",
    "custom",
    "fp4",
    "q4_0",
    "%00",
    "%FF%FE",
    "%",
    "%2",
    "<script>",
    "\u{202e}",
    "🙂",
    "",
    "=",
    "&",
    "+",
    "1073741824",
    "16777216",
    "16777217",
    "plain",
    "gated",
    "true",
    "llama-2-7b",
    "deepseek-v3",
];

const CONFIG_SEEDS: &[&str] = &[
    r#"{"model_type":"llama","hidden_size":4096,"intermediate_size":11008,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":32,"vocab_size":32000,"max_position_embeddings":4096}"#,
    r#"{"model_type":"gemma2","hidden_size":3584,"intermediate_size":14336,"num_hidden_layers":42,"num_attention_heads":16,"num_key_value_heads":8,"head_dim":256,"vocab_size":256000,"sliding_window":4096}"#,
    r#"{"model_type":"deepseek_v3","hidden_size":7168,"intermediate_size":18432,"num_hidden_layers":61,"num_attention_heads":128,"num_key_value_heads":128,"vocab_size":129280,"n_routed_experts":256,"num_experts_per_tok":8,"n_shared_experts":1,"moe_intermediate_size":2048,"first_k_dense_replace":3,"q_lora_rank":1536,"kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128}"#,
    r#"{"model_type":"mixtral","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":32000,"num_local_experts":8,"num_experts_per_tok":2}"#,
    r#"{"text_config":{"hidden_size":2048,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":1000},"model_type":"x"}"#,
];

const JSON_VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "1e300",
    "1.5",
    "null",
    "true",
    "\"x\"",
    "[]",
    "{}",
    "16777216",
    "16777217",
    "18446744073709551615",
    "9e15",
    "1073741824",
    "65536",
    "65537",
    "2",
];

fn mutate_bytes(rng: &mut Rng, s: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        match rng.below(5) {
            0 if !s.is_empty() => {
                let i = rng.below(s.len());
                s[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(s.len() + 1);
                s.insert(i, rng.next() as u8);
            }
            2 if !s.is_empty() => {
                let i = rng.below(s.len());
                let n = rng.below(8).min(s.len() - i);
                s.drain(i..i + n);
            }
            3 if !s.is_empty() => {
                let i = rng.below(s.len());
                let n = rng.below(16).min(s.len() - i);
                let chunk: Vec<u8> = s[i..i + n].to_vec();
                let j = rng.below(s.len() + 1);
                s.splice(j..j, chunk);
            }
            _ => {
                let i = rng.below(s.len() + 1);
                let b = b"&=%+.{}[]\",:";
                s.insert(i, b[rng.below(b.len())]);
            }
        }
    }
}

fn query(rng: &mut Rng) -> String {
    let mut q = rng.pick(QUERY_SEEDS).to_string();
    for _ in 0..rng.below(6) {
        q.push('&');
        q.push_str(rng.pick(KEYS));
        q.push('=');
        q.push_str(rng.pick(VALUES));
    }
    if rng.below(2) == 0 {
        let mut b = q.into_bytes();
        mutate_bytes(rng, &mut b);
        q = String::from_utf8_lossy(&b).into_owned();
    }
    q
}

fn config(rng: &mut Rng) -> String {
    let mut c = rng.pick(CONFIG_SEEDS).to_string();
    for _ in 0..rng.below(4) {
        // Replace a number after a colon with a hostile value.
        let colons: Vec<usize> = c.match_indices(':').map(|(i, _)| i).collect();
        if let Some(&i) = colons.get(rng.below(colons.len())) {
            let end = c[i + 1..]
                .find([',', '}'])
                .map(|e| i + 1 + e)
                .unwrap_or(c.len());
            c.replace_range(i + 1..end, rng.pick(JSON_VALUES));
        }
    }
    if rng.below(3) == 0 {
        let mut b = c.into_bytes();
        mutate_bytes(rng, &mut b);
        c = String::from_utf8_lossy(&b).into_owned();
    }
    c
}

fn seed_scenario() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| Spec::default().scenario())
}

fn seed_estimate() -> &'static Estimate {
    static E: OnceLock<Estimate> = OnceLock::new();
    E.get_or_init(|| estimate(seed_scenario()))
}

fn check_query(q: &str, full: bool) {
    let (spec, _) = Spec::from_query(q);
    let s = spec.scenario();
    let e = if full { estimate(&s) } else { evaluate(&s) };
    let figures = [
        e.calibrated.ttft.get(),
        e.calibrated.tpot.get(),
        e.calibrated.throughput,
        e.memory.total.get(),
        e.decode.intensity.get(),
        e.prefill.intensity.get(),
        e.ridge.get(),
    ];
    assert!(
        figures.iter().all(|v| v.is_finite() && *v > 0.0),
        "non-finite figure: {figures:?}"
    );
    if full {
        // Compare mode sets any link's scenario beside the seed's (or the other way round),
        // and the time charts look up published points for it.
        let c = compare(seed_scenario(), seed_estimate(), &s, &e);
        assert!(
            c.outputs.iter().all(|r| !r.b.is_empty()),
            "empty comparison cell"
        );
        let _ = compare(&s, &e, seed_scenario(), seed_estimate());
        let _ = (summary(&s), published::for_scenario(&s));
    }
    let link = spec.to_query();
    let (again, problems) = Spec::from_query(&link);
    assert!(
        problems.is_empty(),
        "its own link has problems: {problems:?}"
    );
    // Figures typed in GB or TFLOP/s may move by an ulp when scaled; the link text must not.
    assert_eq!(again.to_query(), link, "link does not round-trip");
    if again.custom_gpu.is_none() {
        assert_eq!(again, spec, "link does not round-trip");
    }
}

fn check_config(c: &str) {
    if let Ok(m) = model_from_hf_config(c) {
        let mut s = Spec::default().scenario();
        s.model = m;
        let e = evaluate(&s);
        assert!(e.calibrated.tpot.get().is_finite() && e.memory.total.get().is_finite());
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut inputs: u64 = 10_000_000;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--inputs" => {
                inputs = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--inputs N")
            }
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed S"),
            other => panic!("unknown argument {other}"),
        }
    }
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let start = Instant::now();
    let (mut queries, mut configs) = (0u64, 0u64);
    for i in 0..inputs {
        let (kind, input) = if i % 2 == 0 {
            ("query", query(&mut rng))
        } else {
            ("config.json", config(&mut rng))
        };
        let full = i % 64 == 0;
        let r = catch_unwind(AssertUnwindSafe(|| {
            if kind == "query" {
                check_query(&input, full)
            } else {
                check_config(&input)
            }
        }));
        if let Err(e) = r {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            eprintln!("FAILED on {kind} input #{i}: {msg}\ninput: {input:?}");
            std::process::exit(1);
        }
        if kind == "query" {
            queries += 1
        } else {
            configs += 1
        }
        if (i + 1) % 1_000_000 == 0 {
            eprintln!("  {} inputs, {:.0} s", i + 1, start.elapsed().as_secs_f64());
        }
    }
    println!(
        "fuzz: {} inputs ({queries} link queries, {configs} config.json texts), no panic, every \
         estimate finite, every link round-trips; {:.1} s, seed {seed}",
        inputs,
        start.elapsed().as_secs_f64()
    );
}

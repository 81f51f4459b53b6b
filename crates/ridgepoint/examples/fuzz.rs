//! A mutational fuzzer for everything a stranger can hand the engine: link queries
//! (`Spec::from_query`), pasted `config.json` text (`config::import_hf_config`) and serving
//! inputs (`serve`: a pasted trace, length specs, rates and scheduler budgets).
//!
//! `cargo xtask fuzz [--inputs N] [--seed S] [--timeout SECS]` (default 10,000,000 inputs);
//! `cargo xtask test` runs 200,000 of them at a fixed seed. Each input is a valid seed mutated
//! at random (byte flips, insertions and deletions, spliced keys and hostile values). For
//! every input:
//!
//! - nothing panics (the `fuzz` profile has overflow checks and debug assertions on);
//! - a link's estimate has every headline figure finite, and its own link reads back to the
//!   same spec with no problem; every 64th link gets the full estimate (derivations too), goes
//!   through compare mode (against the seed scenario, both ways) and the published-measurement
//!   lookup;
//! - a config.json the import accepts (`import_hf_config`) gets the full estimate at several
//!   scenarios (the page's once pasted, in the formats its quantization_config stores; 1 to 64
//!   GPUs; every format of `Precision::ALL` as weights, several as KV cache, a different
//!   format per tensor group; a 128K and a 1M-token prompt; batch 1 to 4096; speculative
//!   decoding with the model as target and as draft): every headline figure and every
//!   derivation value finite, no derivation rendering "n/a" or "∞"; and the model survives a
//!   link: the spec holding it, `to_query`, `from_query`, gives the same scenario with no
//!   problem (each distinct model shape is estimated once per run; its link is checked every
//!   time);
//! - every 32nd input is a serving run (`serve::check` then `serve::simulate`) built from a
//!   `key=value|…` text: a trace through `serve::parse_trace`, length specs through
//!   `serve::parse_lengths`, hostile rates, counts and fractions; every figure finite, the run
//!   within its step bound, each finished request's times in order, KV use within the
//!   blocks, Little's law when every request finished, and (every 8th) the same result twice;
//!   runs have at most 32 requests, except every 8192nd input, which takes the simulation to
//!   its bounds (20,000 requests at one token per step);
//! - no input runs longer than `--timeout` seconds (default 5): a watchdog thread prints the
//!   input and exits with status 3.
//!
//! A failure prints the input (escaped), where it panicked, and the command that replays the
//! run up to it; the exit status is non-zero. Std only: a xorshift generator, `catch_unwind`
//! around each input.

use ridgepoint::compare::{compare, summary};
use ridgepoint::config::import_hf_config;
use ridgepoint::query::{CUSTOM, KEYS};
use ridgepoint::scenario::GroupFormats;
use ridgepoint::serve::{self, Arrivals, ServeInput};
use ridgepoint::{
    catalog, estimate, evaluate, published, Estimate, Model, Precision, Scenario, Spec, Speculative,
};
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

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
    "v=1&gpu=h100-sxm&model=gpt-oss-120b&w=bf16&w.exp=mxfp4&w.emb=fp8_block&w.head=fp8&gpus=4",
    "v=1&model=custom&m.l=48&m.ck=8192&m.ckl=36&m.e=16&m.ea=1&m.es=1&w.att=fp8&w.mlp=int4",
    "v=1&sv.arr=closed&sv.clients=4&sv.len=lognormal&sv.spread=1.5&sv.ttft=0.5&sv.price=2&sv.target=10",
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
    r#"{"model_type":"qwen2","hidden_size":3584,"intermediate_size":18944,"num_hidden_layers":28,"num_attention_heads":28,"num_key_value_heads":4,"vocab_size":152064,"max_position_embeddings":131072,"tie_word_embeddings":false,"sliding_window":131072,"use_sliding_window":false}"#,
    r#"{"model_type":"gpt2","n_embd":768,"n_layer":12,"n_head":12,"vocab_size":50257,"n_positions":1024,"_name_or_path":"gpt2"}"#,
    r#"{"model_type":"falcon","hidden_size":4544,"num_hidden_layers":32,"num_attention_heads":71,"multi_query":true,"vocab_size":65024}"#,
    r#"{"model_type":"gpt_oss","hidden_size":2880,"intermediate_size":2880,"num_hidden_layers":36,"num_attention_heads":64,"num_key_value_heads":8,"head_dim":64,"vocab_size":201088,"num_local_experts":128,"num_experts_per_tok":4,"sliding_window":128,"max_position_embeddings":131072,"quantization_config":{"quant_method":"mxfp4","modules_to_not_convert":["model.layers.*.self_attn","model.layers.*.mlp.router","model.embed_tokens","lm_head"]}}"#,
    r#"{"model_type":"deepseek_v3","hidden_size":7168,"intermediate_size":18432,"num_hidden_layers":61,"num_attention_heads":128,"num_key_value_heads":128,"vocab_size":129280,"n_routed_experts":256,"num_experts_per_tok":8,"n_shared_experts":1,"moe_intermediate_size":2048,"first_k_dense_replace":3,"q_lora_rank":1536,"kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"torch_dtype":"bfloat16","quantization_config":{"quant_method":"fp8","weight_block_size":[128,128]}}"#,
    r#"{"model_type":"llama","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"torch_dtype":"float16","quantization_config":{"quant_method":"awq","bits":4,"group_size":128}}"#,
    r#"{"model_type":"mistral","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":32000,"max_position_embeddings":32768,"sliding_window":4096,"attention_bias":true,"_name_or_path":"mistralai/Mistral-7B-v0.1"}"#,
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
        // Every key a link may carry (the engine's list, so new keys are fuzzed at once), and a
        // hostile value or, one time in four, a format id.
        if rng.below(4) == 0 {
            q.push_str(rng.pick(serve::query::SERVE_KEYS));
        } else {
            q.push_str(rng.pick(KEYS));
        }
        q.push('=');
        if rng.below(4) == 0 {
            q.push_str(Precision::ALL[rng.below(Precision::ALL.len())].id());
        } else {
            q.push_str(rng.pick(VALUES));
        }
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
        // Replace a value after a colon with a hostile one, or with a whole number of 0 to 31
        // bits (log-uniform: new shapes the import accepts, up to and past its limits).
        let colons: Vec<usize> = c.match_indices(':').map(|(i, _)| i).collect();
        if let Some(&i) = colons.get(rng.below(colons.len())) {
            let end = c[i + 1..]
                .find([',', '}'])
                .map(|e| i + 1 + e)
                .unwrap_or(c.len());
            let value = if rng.below(2) == 0 {
                rng.pick(JSON_VALUES).to_string()
            } else {
                let bits = rng.below(32);
                (rng.next() & ((1u64 << bits) - 1)).to_string()
            };
            c.replace_range(i + 1..end, &value);
        }
    }
    if rng.below(3) == 0 {
        let mut b = c.into_bytes();
        mutate_bytes(rng, &mut b);
        c = String::from_utf8_lossy(&b).into_owned();
    }
    c
}

const SERVE_SEEDS: &[&str] = &[
    "arrivals=poisson:2|requests=40",
    "arrivals=closed:4|requests=30|prompt=uniform:1:4000|output=lognormal:100:1.5|gpu_util=0.2|max_running=8",
    "arrivals=trace|trace=0 100 10\n0.5 2000 64\n# a comment\n\n1e-3,5,1\n3 3000 900|model=gemma-2-9b|max_batch_tokens=256",
    "arrivals=poisson:50|requests=200|model=mixtral-8x7b|gpu=h100-sxm|gpus=2|prefix_share=0.7|output=uniform:1:300",
    "arrivals=poisson:8|requests=64|model=llama-4-scout|gpu=h100-sxm|gpus=4|prompt=lognormal:8000:1|ttft_slo=0.5|tpot_slo=0.02",
    "arrivals=closed:1|requests=5|model=deepseek-v3|gpu=h200-sxm|gpus=8|block_tokens=1",
];

const SERVE_VALUES: &[&str] = &[
    "fixed",
    "uniform:0:0",
    "uniform:1:1",
    "uniform:5:2",
    "uniform:1:4294967295",
    "lognormal:1e308:4",
    "lognormal:1:4",
    "lognormal:500:0",
    "lognormal:NaN:1",
    "poisson:0",
    "poisson:-1",
    "poisson:1e-300",
    "poisson:1e300",
    "closed:0",
    "closed:4096",
    "closed:99999999999",
    "trace",
    "0 1 1",
    "1e300 1 1",
    "0 4294967295 4294967295",
];

const SERVE_KEYS: &[&str] = &[
    "arrivals",
    "requests",
    "seed",
    "prompt",
    "output",
    "block_tokens",
    "gpu_util",
    "max_batch_tokens",
    "max_running",
    "prefix_share",
    "ttft_slo",
    "tpot_slo",
    "model",
    "gpu",
    "gpus",
    "trace",
];

/// Runs that hit the simulation's bounds (20,000 requests, one token per step: the step cap).
const SERVE_BIG: &str = "arrivals=poisson:1e5|requests=20000|max_batch_tokens=1|max_running=4096";

fn serve_text(rng: &mut Rng, big: bool) -> String {
    let mut t = if big {
        SERVE_BIG.to_string()
    } else {
        rng.pick(SERVE_SEEDS).to_string()
    };
    for _ in 0..rng.below(4) {
        t.push('|');
        t.push_str(rng.pick(SERVE_KEYS));
        t.push('=');
        if rng.below(2) == 0 {
            t.push_str(rng.pick(SERVE_VALUES));
        } else {
            t.push_str(rng.pick(VALUES));
        }
    }
    if rng.below(3) == 0 {
        let mut b = t.into_bytes();
        mutate_bytes(rng, &mut b);
        t = String::from_utf8_lossy(&b).into_owned();
    }
    t
}

/// A whole number from text, saturating (hostile values reach the checks as typed).
fn count(v: &str) -> Option<u32> {
    v.trim().parse::<f64>().ok().map(|x| x as u32)
}

/// The serving input a `key=value|…` text describes (later keys win; unreadable values are
/// skipped: the checks under test are `serve::check`'s, not this reader's). Unless `big`, at
/// most 32 requests, so a run costs milliseconds.
fn serve_input(text: &str, big: bool) -> ServeInput {
    let mut s = seed_scenario().clone();
    let mut pairs = Vec::new();
    for part in text.split('|') {
        if let Some((k, v)) = part.split_once('=') {
            pairs.push((k.trim(), v));
        }
    }
    for &(k, v) in &pairs {
        match k {
            "model" => {
                if let Some(m) = catalog::model(v.trim()) {
                    s.model = m;
                }
            }
            "gpu" => {
                if let Some(g) = catalog::gpu(v.trim()) {
                    s.gpu = g;
                }
            }
            "gpus" => {
                if let Some(n) = count(v) {
                    s.gpus = n.clamp(1, 64);
                }
            }
            _ => {}
        }
    }
    let mut i = ServeInput::new(s);
    let mut trace = None;
    for &(k, v) in &pairs {
        let f = v.trim().parse::<f64>().ok();
        match k {
            "arrivals" => {
                let v = v.trim();
                if let Some(r) = v.strip_prefix("poisson:") {
                    if let Ok(r) = r.parse() {
                        i.arrivals = Arrivals::Poisson { rate: r };
                    }
                } else if let Some(c) = v.strip_prefix("closed:") {
                    if let Some(c) = count(c) {
                        i.arrivals = Arrivals::Closed { clients: c };
                    }
                } else if v == "trace" {
                    trace = Some(String::new());
                }
            }
            "trace" => trace = Some(v.to_string()),
            "requests" => i.requests = count(v).unwrap_or(i.requests),
            "seed" => i.seed = v.trim().parse().unwrap_or(i.seed),
            "prompt" => i.prompt = serve::parse_lengths(v).unwrap_or(i.prompt),
            "output" => i.output = serve::parse_lengths(v).unwrap_or(i.output),
            "block_tokens" => i.block_tokens = count(v).unwrap_or(i.block_tokens),
            "max_batch_tokens" => i.max_batch_tokens = count(v).unwrap_or(i.max_batch_tokens),
            "max_running" => i.max_running = count(v).unwrap_or(i.max_running),
            "gpu_util" => i.gpu_memory_utilization = f.unwrap_or(i.gpu_memory_utilization),
            "prefix_share" => i.prefix_share = f.unwrap_or(i.prefix_share),
            "ttft_slo" => i.slo.ttft_s = f.unwrap_or(i.slo.ttft_s),
            "tpot_slo" => i.slo.tpot_s = f.unwrap_or(i.slo.tpot_s),
            _ => {}
        }
    }
    if !big {
        i.requests = i.requests.min(32);
    }
    if let Some(t) = trace {
        match serve::parse_trace(&t) {
            Ok(mut t) => {
                if !big {
                    t.truncate(32);
                }
                i.arrivals = Arrivals::Trace(t);
            }
            Err(e) => {
                let text = e.to_string();
                assert!(
                    text.starts_with("trace"),
                    "trace error without its name: {text}"
                );
            }
        }
    }
    i
}

fn check_serve(text: &str, big: bool, twice: bool) {
    let input = serve_input(text, big);
    let (checked, problems) = serve::check(&input);
    for p in &problems {
        assert!(
            p.message.starts_with(p.field),
            "problem not named by its field: {p:?}"
        );
    }
    // The checked input has no problem left.
    assert!(
        serve::check(&checked).1.is_empty(),
        "check is not idempotent"
    );
    let r = serve::simulate(&input);
    let figures = [
        ("ttft.p50", r.ttft.p50),
        ("ttft.p99", r.ttft.p99),
        ("ttft.mean", r.ttft.mean),
        ("tpot.p50", r.tpot.p50),
        ("tpot.p99", r.tpot.p99),
        ("e2e.p99", r.e2e.p99),
        ("e2e.mean", r.e2e.mean),
        ("requests_per_s", r.requests_per_s),
        ("output_tokens_per_s", r.output_tokens_per_s),
        ("goodput_requests_per_s", r.goodput_requests_per_s),
        ("running_mean", r.running_mean),
        ("in_system_mean", r.in_system_mean),
        ("span_s", r.span_s),
    ];
    for (name, v) in figures {
        assert!(v.is_finite() && v >= 0.0, "serve figure {name} = {v}");
    }
    for d in &r.derivations {
        assert!(d.value.is_finite(), "derivation {} = {}", d.key, d.value);
    }
    assert!(r.steps <= serve::MAX_STEPS, "{} steps", r.steps);
    assert!(r.records.len() <= serve::MAX_REQUESTS as usize);
    assert!(r.finished <= r.records.len());
    for q in &r.records {
        if let (Some(f), Some(e)) = (q.first_token, q.finish) {
            assert!(q.arrival <= f && f <= e, "times out of order: {q:?}");
        }
    }
    assert!(
        r.timeline.iter().all(|s| s.kv_blocks <= r.kv_blocks_total),
        "more KV blocks held than exist"
    );
    assert!(r.timeline.len() <= 2 * serve::MAX_SAMPLES);
    if r.finished == r.records.len() && r.finished > 0 && r.span_s > 0.0 {
        let little = r.requests_per_s * r.e2e.mean;
        assert!(
            (r.in_system_mean - little).abs() <= 1e-6 * little.max(1.0),
            "Little's law: L = {} but λW = {little}",
            r.in_system_mean
        );
    }
    if twice {
        assert_eq!(
            serve::simulate(&input),
            r,
            "the same input gave another result"
        );
    }
}

fn seed_scenario() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| Spec::default().scenario())
}

fn seed_estimate() -> &'static Estimate {
    static E: OnceLock<Estimate> = OnceLock::new();
    E.get_or_init(|| estimate(seed_scenario()))
}

/// Every number of an estimate the page, the CLI or the report shows, named by group and
/// field (`"decode", "time"`), handed to `f` (no allocation: this runs for every link).
fn figures(e: &Estimate, f: &mut impl FnMut(&str, &str, f64)) {
    let p = &e.params;
    for (name, x) in [
        ("total", p.total),
        ("active", p.active),
        ("embedding", p.embedding),
        ("lm_head", p.lm_head),
        ("attention", p.attention),
        ("mlp_total", p.mlp_total),
        ("mlp_active", p.mlp_active),
        ("other", p.other),
    ] {
        f("params", name, x);
    }
    for (name, x) in [
        ("peak", e.peak.get()),
        ("bandwidth", e.bandwidth.get()),
        ("ridge", e.ridge.get()),
        ("weights", e.weights.get()),
        ("kv_per_token", e.kv_per_token.get()),
        ("decode_context", e.decode_context),
        ("max_batch", e.max_batch as f64),
        ("max_context", e.max_context as f64),
        ("knee.batch", e.knee.batch),
    ] {
        f("estimate", name, x);
    }
    for (phase, ph) in [("decode", &e.decode), ("prefill", &e.prefill)] {
        for (name, x) in [
            ("tokens", ph.tokens),
            ("flops", ph.flops.get()),
            ("bytes", ph.bytes.get()),
            ("intensity", ph.intensity.get()),
            ("compute_time", ph.compute_time.get()),
            ("memory_time", ph.memory_time.get()),
            ("comm_time", ph.comm_time.get()),
            ("time", ph.time.get()),
            ("calibrated_time", ph.calibrated_time.get()),
            ("attained", ph.attained.get()),
        ] {
            f(phase, name, x);
        }
    }
    let m = &e.memory;
    for (name, x) in [
        ("weights", m.weights.get()),
        ("kv_cache", m.kv_cache.get()),
        ("activations", m.activations.get()),
        ("overhead", m.overhead.get()),
        ("total", m.total.get()),
        ("capacity", m.capacity.get()),
    ] {
        f("memory", name, x);
    }
    for (which, t) in [("floor", &e.floor), ("calibrated", &e.calibrated)] {
        for (name, x) in [
            ("ttft", t.ttft.get()),
            ("tpot", t.tpot.get()),
            ("request_latency", t.request_latency.get()),
            ("throughput", t.throughput),
        ] {
            f(which, name, x);
        }
    }
    if let Some(sp) = &e.speculative {
        for (name, x) in [
            ("tokens_per_step", sp.tokens_per_step),
            ("step_time", sp.step_time.get()),
            ("step_time_floor", sp.step_time_floor.get()),
        ] {
            f("speculative", name, x);
        }
    }
}

/// Every figure of `e` finite, the ones a reader divides by or plots on a log axis positive,
/// and (with `derivations`) every derivation present, finite and rendered without a
/// non-finite placeholder ("n/a" or "∞", what `Unit::format` writes for NaN and infinity).
fn check_estimate(what: &str, e: &Estimate, derivations: bool) {
    figures(e, &mut |group, name, x| {
        assert!(x.is_finite(), "{what}: {group}.{name} is {x}");
    });
    let positive = [
        ("calibrated.ttft", e.calibrated.ttft.get()),
        ("calibrated.tpot", e.calibrated.tpot.get()),
        ("calibrated.throughput", e.calibrated.throughput),
        ("floor.ttft", e.floor.ttft.get()),
        ("floor.tpot", e.floor.tpot.get()),
        ("memory.total", e.memory.total.get()),
        ("decode.intensity", e.decode.intensity.get()),
        ("prefill.intensity", e.prefill.intensity.get()),
        ("ridge", e.ridge.get()),
    ];
    for (name, x) in positive {
        assert!(x > 0.0, "{what}: {name} is {x}, not positive");
    }
    if !derivations {
        return;
    }
    assert!(!e.derivations.is_empty(), "{what}: no derivations");
    for d in &e.derivations {
        assert!(
            d.value.is_finite(),
            "{what}: derivation {} is {}",
            d.key,
            d.value
        );
        for t in &d.terms {
            assert!(
                t.value.is_finite(),
                "{what}: derivation {}, term {} is {}",
                d.key,
                t.symbol,
                t.value
            );
        }
        let text = d.render();
        for bad in ["n/a", "∞", "NaN", "inf"] {
            assert!(
                !text.contains(bad),
                "{what}: derivation {} renders {bad:?}: {text}",
                d.key
            );
        }
    }
}

fn check_query(q: &str, full: bool) {
    let (spec, _) = Spec::from_query(q);
    let s = spec.scenario();
    // The serving section's `sv.` keys: whatever the link says, settings whose own link reads
    // back to them with no problem, and a run input `serve::check` accepts but for lengths
    // against the context window.
    let (sv, _) = serve::query::from_query_str(q);
    let sv_link = sv.to_query();
    let (sv_again, sv_problems) = serve::query::from_query_str(&sv_link);
    assert!(
        sv_problems.is_empty() && sv_again == sv,
        "serving settings' own link reads back differently: {sv_problems:?}\nlink: {sv_link}"
    );
    let (_, sv_checked) = serve::check(&sv.input(&s));
    assert!(
        sv_checked
            .iter()
            .all(|p| p.field == "prompt" || p.field == "output"),
        "serving settings the link accepted fail the run's check: {sv_checked:?}"
    );
    let e = if full { estimate(&s) } else { evaluate(&s) };
    check_estimate("link", &e, full);
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
        "its own link has problems: {problems:?}\nlink: {link}"
    );
    // Figures typed in GB or TFLOP/s may move by an ulp when scaled; the link text must not.
    assert_eq!(again.to_query(), link, "link does not round-trip");
    if again.custom_gpu.is_none() {
        assert_eq!(again, spec, "link does not round-trip");
    }
}

/// A catalog entry the scenarios below rely on.
fn gpu(id: &str) -> ridgepoint::Gpu {
    catalog::gpu(id).unwrap_or_else(|| panic!("GPU {id} is not in the catalog"))
}

/// The scenarios an imported model is estimated at: one per line, named for the failure
/// message. Between them: 1, 2, 4, 8 and 64 GPUs, pipeline and expert parallel (with
/// data-parallel attention, past a node, more stages than layers); every format of `Precision::ALL` as weights
/// (a format no line names gets a line of its own) and seven as KV cache (the GGUF ones
/// included); one format per tensor group; prompts of 1 token to 1M; batch 1 to 4096;
/// speculative decoding with the model as target (catalog draft) and as draft (catalog
/// target), at low, high and full acceptance.
fn config_scenarios(m: &Model) -> Vec<(String, Scenario)> {
    use Precision::*;
    let base = Scenario {
        model: m.clone(),
        ..seed_scenario().clone()
    };
    let at =
        |gpu_id: &str, gpus: u32, w: Precision, kv: Precision, batch, prompt, output| Scenario {
            gpu: gpu(gpu_id),
            gpus,
            weights: w,
            kv,
            batch,
            prompt,
            output,
            ..base.clone()
        };
    let speculative = |draft: Model, tokens, acceptance| Speculative {
        draft,
        tokens,
        acceptance,
    };
    let draft = catalog::model("llama-3.2-1b").expect("llama-3.2-1b is in the catalog");
    let target = catalog::model("llama-3.1-70b").expect("llama-3.1-70b is in the catalog");
    let mut v: Vec<(String, Scenario)> = [
        (
            "the default scenario (A100, FP16, batch 1, 2K prompt)",
            base.clone(),
        ),
        (
            "H100 ×2, FP8 weights and KV, batch 4096",
            at("h100-sxm", 2, Fp8, Fp8, 4096, 1024, 256),
        ),
        (
            "B200 ×8, FP4 weights, FP16 KV, batch 1, 128K prompt",
            at("b200-sxm", 8, Fp4, Fp16, 1, 131_072, 4096),
        ),
        (
            "A100 ×1, Q4_K_M weights, Q8_0 KV, batch 64, 128K prompt",
            at("a100-80gb-sxm", 1, Q4KM, Q8_0, 64, 131_072, 128),
        ),
        (
            "H100 ×8, Q4_0 weights, Q4_0 KV, batch 256",
            at("h100-sxm", 8, Q4_0, Q4_0, 256, 4096, 512),
        ),
        (
            "B200 ×64, INT8 weights, BF16 KV, batch 4096, 1M prompt and output",
            at("b200-sxm", 64, Int8, Bf16, 4096, 1 << 20, 1 << 20),
        ),
        (
            "H200 TP 8 × PP 4 × EP 32 (attention data parallel ×4), FP8, batch 512",
            Scenario {
                parallel: ridgepoint::Parallel {
                    pipeline: 4,
                    experts: 32,
                },
                ..at("h200-sxm", 8, Fp8, Fp8, 512, 4096, 1024)
            },
        ),
        (
            "RTX 4090 PP 16 × EP 128 over PCIe, INT4, batch 3",
            Scenario {
                parallel: ridgepoint::Parallel {
                    pipeline: 16,
                    experts: 128,
                },
                ..at("rtx-4090", 1, Int4, Fp16, 3, 100, 7)
            },
        ),
        (
            "A100 ×1, FP32 weights and KV, batch 1, 1-token prompt and output",
            at("a100-80gb-sxm", 1, Fp32, Fp32, 1, 1, 1),
        ),
        (
            "H100 ×2, Q8_0 weights, FP8 KV, batch 1, 128K prompt",
            at("h100-sxm", 2, Q8_0, Fp8, 1, 131_072, 1024),
        ),
        (
            "B200 ×1, INT4 weights, FP16 KV, batch 32",
            at("b200-sxm", 1, Int4, Fp16, 32, 2048, 2048),
        ),
        (
            "target of speculative decoding (draft Llama-3.2-1B, k 4, 70%), H100 ×2, BF16",
            Scenario {
                speculative: Some(speculative(draft.clone(), 4, 0.7)),
                ..at("h100-sxm", 2, Bf16, Bf16, 1, 2048, 256)
            },
        ),
        (
            "target of speculative decoding (draft Llama-3.2-1B, k 16, 100%), A100 ×1, batch 4096",
            Scenario {
                speculative: Some(speculative(draft, 16, 1.0)),
                ..at("a100-80gb-sxm", 1, Fp16, Fp16, 4096, 2048, 128)
            },
        ),
        (
            "draft for Llama-3.1-70B (k 6, 0%), H100 ×8, FP8, 128K prompt",
            Scenario {
                model: target,
                speculative: Some(speculative(m.clone(), 6, 0.0)),
                ..at("h100-sxm", 8, Fp8, Fp8, 8, 131_072, 512)
            },
        ),
        (
            "H100 ×4, BF16 with MXFP4 experts and MLP, FP8 attention, block-FP8 embedding, \
             Q8_0 head",
            Scenario {
                formats: GroupFormats {
                    attention: Some(Fp8),
                    mlp: Some(Mxfp4),
                    experts: Some(Mxfp4),
                    embedding: Some(Fp8Block),
                    lm_head: Some(Q8_0),
                },
                ..at("h100-sxm", 4, Bf16, Fp8, 16, 8192, 1024)
            },
        ),
    ]
    .map(|(what, s)| (what.to_string(), s))
    .into();
    // Formats added to the engine later get a scenario of their own.
    for p in Precision::ALL {
        if !v.iter().any(|(_, s)| s.weights == p) {
            let what = format!("B200 ×2, {} weights and KV, batch 16", p.label());
            v.push((what, at("b200-sxm", 2, p, p, 16, 4096, 512)));
        }
    }
    v
}

/// The same model shape: everything but the id, the display name (which a link shortens and
/// strips of control characters) and the source line.
fn shape(m: &Model) -> Model {
    Model {
        id: String::new(),
        name: String::new(),
        source: String::new(),
        ..m.clone()
    }
}

/// What became of one config.json text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Import {
    Refused,
    /// A model shape already estimated (most mutations land in keys the import ignores).
    Seen,
    New,
}

/// Checks one config.json text. `seen` holds hashes of the model shapes already estimated:
/// the estimate depends on the shape alone, so a shape is estimated at the scenarios once per
/// run (its link is checked every time, since it carries the name).
fn check_config(c: &str, seen: &mut HashSet<u64>) -> Import {
    let Ok(imported) = import_hf_config(c) else {
        return Import::Refused;
    };
    let m = imported.model;
    // The page puts a pasted model into the spec as the custom model, with the formats its
    // quantization_config says the checkpoint stores.
    let mut spec = Spec {
        model: CUSTOM.into(),
        custom_model: Some(m.clone()),
        ..Spec::default()
    };
    if let Some((weights, formats)) = imported.stored {
        spec.weights = weights;
        spec.formats = formats;
    }
    let mut h = DefaultHasher::new();
    format!("{:?} {:?}", shape(&m), imported.stored).hash(&mut h);
    let new = seen.insert(h.finish());
    if new {
        let pasted = (
            "the page's scenario once pasted".to_string(),
            spec.scenario(),
        );
        for (what, s) in std::iter::once(pasted).chain(config_scenarios(&m)) {
            let e = estimate(&s);
            check_estimate(&format!("imported model at {what}"), &e, true);
        }
    }
    // Its link must bring back the same scenario.
    let link = spec.to_query();
    let (again, problems) = Spec::from_query(&link);
    assert!(
        problems.is_empty(),
        "the imported model's link has problems: {problems:?}\nlink: {link}"
    );
    assert_eq!(
        again.model, CUSTOM,
        "the imported model's link lost it\nlink: {link}"
    );
    let back = again.custom_model.as_ref().map(shape);
    assert_eq!(
        back,
        Some(shape(&m)),
        "the imported model's link reads back another shape\nlink: {link}"
    );
    let (mut a, mut b) = (spec.scenario(), again.scenario());
    a.model = shape(&a.model);
    b.model = shape(&b.model);
    assert_eq!(
        a, b,
        "the imported model's link reads back another scenario\nlink: {link}"
    );
    // The display name may change once (a link keeps 60 characters and no control
    // characters; the import keeps 80 and any); after that the link is a fixed point.
    let second = again.to_query();
    assert_eq!(
        Spec::from_query(&second).0.to_query(),
        second,
        "the imported model's link, read back, is not a fixed point"
    );
    if new {
        Import::New
    } else {
        Import::Seen
    }
}

/// What the watchdog needs to name a hanging input: a counter bumped before each input, and
/// the input itself.
struct Current {
    index: AtomicU64,
    input: Mutex<(&'static str, String)>,
}

static CURRENT: Current = Current {
    index: AtomicU64::new(u64::MAX),
    input: Mutex::new(("", String::new())),
};

/// Where and why the last panic happened (the hook keeps it; the loop prints it).
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// The command that replays a run up to and including input `i`.
fn replay(seed: u64, i: u64) -> String {
    format!("cargo xtask fuzz --seed {seed} --inputs {}", i + 1)
}

/// A thread that exits the process (status 3) when one input has run longer than `limit`.
fn watchdog(limit: Duration, seed: u64) {
    let tick = (limit / 20).clamp(Duration::from_millis(1), Duration::from_millis(100));
    std::thread::spawn(move || {
        let mut seen = (u64::MAX, Instant::now());
        loop {
            std::thread::sleep(tick);
            let i = CURRENT.index.load(Ordering::Relaxed);
            if i != seen.0 {
                seen = (i, Instant::now());
            } else if seen.1.elapsed() > limit {
                let (kind, input) = &*CURRENT.input.lock().unwrap_or_else(|e| e.into_inner());
                eprintln!(
                    "FAILED on {kind} input #{i}: still running after {:.1} s (a hang; the \
                     bound is --timeout {})\ninput: {input:?}\nreplay: {}",
                    seen.1.elapsed().as_secs_f64(),
                    limit.as_secs_f64(),
                    replay(seed, i)
                );
                std::process::exit(3);
            }
        }
    });
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut inputs: u64 = 10_000_000;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut timeout = 5.0f64;
    let usage = "usage: fuzz [--inputs N] [--seed S] [--timeout SECS]";
    while let Some(a) = args.next() {
        let v = args.next();
        let bad = || -> ! {
            eprintln!("{a} needs a value\n{usage}");
            std::process::exit(2)
        };
        match a.as_str() {
            "--inputs" => inputs = v.and_then(|v| v.parse().ok()).unwrap_or_else(|| bad()),
            "--seed" => seed = v.and_then(|v| v.parse().ok()).unwrap_or_else(|| bad()),
            "--timeout" => {
                timeout = v
                    .and_then(|v| v.parse().ok())
                    .filter(|t: &f64| t.is_finite() && *t > 0.0)
                    .unwrap_or_else(|| bad())
            }
            other => {
                eprintln!("unknown argument {other}\n{usage}");
                std::process::exit(2)
            }
        }
    }
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "an unknown place".into());
        *PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("panicked at {at}: {msg}"));
    }));
    watchdog(Duration::from_secs_f64(timeout), seed);
    let mut rng = Rng(seed | 1);
    let start = Instant::now();
    let (mut queries, mut configs, mut imported, mut serves) = (0u64, 0u64, 0u64, 0u64);
    let mut serve_time = Duration::ZERO;
    let mut seen = HashSet::new();
    for i in 0..inputs {
        let (kind, input) = if i % 32 == 31 {
            ("serve", serve_text(&mut rng, i % 8192 == 8191))
        } else if i % 2 == 0 {
            ("query", query(&mut rng))
        } else {
            ("config.json", config(&mut rng))
        };
        let full = i % 64 == 0;
        *CURRENT.input.lock().unwrap_or_else(|e| e.into_inner()) = (kind, input.clone());
        CURRENT.index.store(i, Ordering::Relaxed);
        let r = catch_unwind(AssertUnwindSafe(|| {
            if kind == "query" {
                check_query(&input, full);
                Import::Refused
            } else if kind == "serve" {
                let t = Instant::now();
                check_serve(&input, i % 8192 == 8191, i % 256 == 255);
                serve_time += t.elapsed();
                Import::Refused
            } else {
                check_config(&input, &mut seen)
            }
        }));
        let Ok(accepted) = r else {
            let why = PANIC
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_default();
            eprintln!(
                "FAILED on {kind} input #{i}: {why}\ninput: {input:?}\nreplay: {}",
                replay(seed, i)
            );
            std::process::exit(1);
        };
        imported += (accepted != Import::Refused) as u64;
        match kind {
            "query" => queries += 1,
            "serve" => serves += 1,
            _ => configs += 1,
        }
        if (i + 1) % 1_000_000 == 0 {
            eprintln!("  {} inputs, {:.0} s", i + 1, start.elapsed().as_secs_f64());
        }
    }
    let scenarios = 1 + config_scenarios(&seed_scenario().model).len();
    println!(
        "fuzz: {inputs} inputs ({queries} link queries, {configs} config.json texts of which \
         {imported} imported, {} distinct shapes each estimated at {scenarios} scenarios, \
         {serves} serving runs in {:.1} s), no \
         panic or hang (bound {timeout} s), every estimate finite, every link round-trips; \
         {:.1} s, seed {seed}",
        seen.len(),
        serve_time.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}

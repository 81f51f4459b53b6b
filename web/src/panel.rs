//! The scenario panel: every engine input, grouped, with presets, custom GPU and model forms
//! and a box to paste a `config.json`.

use crate::controls::{Decimal, Select, Slider, Whole};
use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::config::import_hf_config;
use ridgepoint::query::{
    ACCEPT_RANGE, BATCH_RANGE, CUSTOM, DRAFT_TOKENS_RANGE, EFF_RANGE, EP_RANGE, GPUS_RANGE,
    LAYER_US_RANGE, OUTPUT_RANGE, OVERHEAD_MB_RANGE, PP_RANGE, PROMPT_RANGE, SEQ_US_RANGE,
};
use ridgepoint::units::{BytesPerSec, FlopsPerSec};
use ridgepoint::{catalog, Group, Precision, Spec};

/// Named scenarios a reader can start from (query strings).
pub const PRESETS: &[(&str, &str)] = &[
    (
        "The article's example: Llama-2-7B on A100 80GB, FP16",
        "v=1",
    ),
    (
        "Llama-2-70B on 2× H100, FP8, batch 32",
        "v=1&gpu=h100-sxm&model=llama-2-70b&w=fp8&kv=fp8&batch=32&gpus=2",
    ),
    (
        "Llama-3.1-8B, INT4 on an RTX 4090",
        "v=1&gpu=rtx-4090&model=llama-3.1-8b&w=int4&prompt=1024&output=256",
    ),
    (
        "Llama-3.1-70B, Q4_K_M on an M2 Ultra",
        "v=1&gpu=m2-ultra&model=llama-3.1-70b&w=q4_k_m&prompt=512&output=256",
    ),
    (
        "Mixtral-8x7B on H100, batch 64",
        "v=1&gpu=h100-sxm&model=mixtral-8x7b&w=fp8&kv=fp8&batch=64&prompt=1024&output=256",
    ),
    (
        "DeepSeek-V3 (MLA, MoE) on 8× H200, FP8",
        "v=1&gpu=h200-sxm&model=deepseek-v3&w=fp8&kv=fp8&batch=64&gpus=8&prompt=4096&output=512",
    ),
    (
        "Llama-3.1-405B on 8× B200, FP4",
        "v=1&gpu=b200-sxm&model=llama-3.1-405b&w=fp4&kv=fp8&batch=16&gpus=8&prompt=8192&output=512",
    ),
    (
        "Speculative: 70B target, 1B draft",
        "v=1&gpu=h100-sxm&model=llama-3.1-70b&w=fp8&gpus=2&draft=llama-3.2-1b&k=4&acc=70",
    ),
];

fn options(custom: &str, items: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    items
        .chain(std::iter::once((CUSTOM.to_string(), custom.to_string())))
        .collect()
}

/// The whole panel.
/// The tensor groups' format selects: (element id, label, group).
const GROUPS: [(&str, &str, Group); 5] = [
    ("w-att", "Attention", Group::Attention),
    ("w-mlp", "Dense MLP and shared experts", Group::Mlp),
    ("w-exp", "Routed experts", Group::Experts),
    ("w-emb", "Embedding", Group::Embedding),
    ("w-head", "LM head", Group::LmHead),
];

#[component]
pub fn Panel() -> impl IntoView {
    let st = use_state();
    let spec = st.spec;
    let get = move |f: fn(&Spec) -> u32| Signal::derive(move || spec.with(f));
    let precisions: Vec<(String, String)> = Precision::ALL
        .into_iter()
        .map(|p| (p.id().to_string(), p.label().to_string()))
        .collect();
    let gpu_options = options(
        "Custom GPU…",
        catalog::gpus().into_iter().map(|g| (g.id, g.name)),
    );
    let model_options = options(
        "Custom model…",
        catalog::models().into_iter().map(|m| (m.id, m.name)),
    );
    let engine_options: Vec<(String, String)> = ridgepoint::profile::PROFILES
        .iter()
        .map(|p| (p.id.to_string(), p.name.to_string()))
        .collect();
    let draft_options: Vec<(String, String)> = std::iter::once(("off".into(), "Off".into()))
        .chain(catalog::models().into_iter().map(|m| (m.id, m.name)))
        .collect();
    let preset_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a preset…".into()))
            .chain(PRESETS.iter().map(|(l, q)| (q.to_string(), l.to_string())))
            .collect();

    // On a phone the panel is a bottom sheet: a bar that opens over the lower part of the page,
    // so the headline and the figures stay in view while the reader changes a control.
    let sheet_open = RwSignal::new(false);
    let gpu_warnings = Memo::new(move |_| {
        st.est.with(|e| {
            e.warnings
                .iter()
                .filter(|w| matches!(w.field, "gpus" | "pp" | "ep"))
                .map(|w| w.message.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="controls" class:open=move || sheet_open.get() aria-label="Scenario" data-testid="panel">
            <button type="button" class="sheet-toggle" data-testid="panel-toggle"
                aria-expanded=move || if sheet_open.get() { "true" } else { "false" }
                on:click=move |_| sheet_open.update(|o| *o = !*o)>
                {move || if sheet_open.get() { "Scenario ▾ (close)" } else { "Scenario ▴ change the controls" }}
            </button>
            <h2>"Scenario"</h2>
            <crate::sections::PinControls />
            <div class="field">
                <label for="preset">"Preset"</label>
                <select id="preset" on:change=move |ev| {
                    let el: web_sys::HtmlSelectElement = event_target(&ev);
                    let q = el.value();
                    if !q.is_empty() {
                        // A preset is today's scenario, not a link from an older calibration.
                        let mut s = Spec::from_query(&q).0;
                        s.calibration = ridgepoint::query::CALIBRATION;
                        spec.set(s);
                    }
                    // Back to the prompt, so the same preset can be chosen again.
                    el.set_value("");
                }>
                    {preset_options
                        .into_iter()
                        .map(|(q, l)| view! { <option value=q>{l}</option> })
                        .collect_view()}
                </select>
            </div>
            <fieldset>
                <legend>"Hardware"</legend>
                <Select
                    id="gpu"
                    label="GPU"
                    options=gpu_options
                    value=Signal::derive(move || spec.with(|s| s.gpu.clone()))
                    on_change=move |v: String| spec.update(|s| {
                        if v == CUSTOM && s.custom_gpu.is_none() {
                            let mut g = s.gpu();
                            g.id = CUSTOM.into();
                            g.name = format!("Custom ({})", g.name);
                            s.custom_gpu = Some(g);
                        }
                        s.gpu = v;
                    })
                />
                <Show when=move || spec.with(|s| s.gpu == CUSTOM)>
                    <CustomGpu />
                </Show>
                <Slider id="gpus" label="GPUs (tensor parallel)" range=GPUS_RANGE value=get(|s| s.gpus)
                    on_change=move |v| spec.update(|s| s.gpus = v) />
                <Slider id="pp" label="Pipeline stages" range=PP_RANGE value=get(|s| s.pp)
                    on_change=move |v| spec.update(|s| s.pp = v) />
                <Show when=move || st.scenario.with(|s| s.model.moe.is_some())>
                    <Slider id="ep" label="Expert parallel (GPUs sharing the experts)" range=EP_RANGE
                        value=get(|s| s.ep) on_change=move |v| spec.update(|s| s.ep = v) />
                </Show>
                <Show when=move || st.scenario.with(|s| s.parallel_label().is_some())>
                    <p class="field-note" data-testid="gpus-total">
                        {move || st.scenario.with(|s| format!(
                            "{} GPUs in all: {}",
                            s.total_gpus(),
                            s.parallel_label().unwrap_or_default()
                        ))}
                    </p>
                </Show>
                <Show when=move || !gpu_warnings.with(Vec::is_empty)>
                    <ul class="field-warn" data-testid="gpus-warnings" role="status">
                        {move || gpu_warnings.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                    </ul>
                </Show>
            </fieldset>
            <fieldset>
                <legend>"Model"</legend>
                <Select
                    id="model"
                    label="Model"
                    options=model_options
                    value=Signal::derive(move || spec.with(|s| s.model.clone()))
                    on_change=move |v: String| spec.update(|s| {
                        if v == CUSTOM && s.custom_model.is_none() {
                            let mut m = s.model();
                            m.id = CUSTOM.into();
                            m.name = format!("Custom ({})", m.name);
                            s.custom_model = Some(m);
                        }
                        s.model = v;
                    })
                />
                <Show when=move || spec.with(|s| s.model == CUSTOM)>
                    <CustomModel />
                </Show>
                <details class="source" data-testid="model-source">
                    <summary>"Where this model's shape comes from"</summary>
                    <p>{move || st.scenario.with(|s| s.model.source.clone())}</p>
                </details>
                <PasteConfig />
            </fieldset>
            <fieldset>
                <legend>"Precision"</legend>
                <Select id="weights" label="Weight precision" options=precisions.clone()
                    value=Signal::derive(move || spec.with(|s| s.weights.id().to_string()))
                    on_change=move |v: String| if let Some(p) = Precision::from_id(&v) { spec.update(|s| s.weights = p) } />
                <Select id="kv" label="KV-cache precision" options=precisions.clone()
                    value=Signal::derive(move || spec.with(|s| s.kv.id().to_string()))
                    on_change=move |v: String| if let Some(p) = Precision::from_id(&v) { spec.update(|s| s.kv = p) } />
                <Disclosure summary="Formats per tensor group">
                    <p class="hint">"Checkpoints often mix formats: gpt-oss keeps BF16 attention, embedding and head beside MXFP4 experts."</p>
                    {GROUPS.iter().map(|&(id, label, g)| {
                        let mut opts = vec![("same".to_string(), "Same as weights".to_string())];
                        opts.extend(precisions.iter().cloned());
                        view! {
                            <Select id=id label=label options=opts
                                value=Signal::derive(move || spec.with(|s| s.formats.get(g).map_or("same".to_string(), |p| p.id().to_string())))
                                on_change=move |v: String| spec.update(|s| s.formats.set(g, Precision::from_id(&v))) />
                        }
                    }).collect_view()}
                </Disclosure>
            </fieldset>
            <fieldset>
                <legend>"Workload"</legend>
                <Slider id="batch" label="Batch size" range=BATCH_RANGE value=get(|s| s.batch)
                    on_change=move |v| spec.update(|s| s.batch = v) />
                <Slider id="prompt" label="Prompt length" unit="tokens" range=PROMPT_RANGE value=get(|s| s.prompt)
                    on_change=move |v| spec.update(|s| s.prompt = v) />
                <Slider id="output" label="Output length" unit="tokens" range=OUTPUT_RANGE value=get(|s| s.output)
                    on_change=move |v| spec.update(|s| s.output = v) />
            </fieldset>
            <fieldset>
                <legend>"Serving engine"</legend>
                <Select id="engine" label="Engine profile" options=engine_options
                    value=Signal::derive(move || spec.with(|s| s.engine.clone()))
                    on_change=move |v: String| if let Some(p) = ridgepoint::profile::profile(&v) {
                        // The profile's efficiencies replace whatever was set by hand.
                        spec.update(|s| {
                            s.engine = v.clone();
                            s.bw_eff = (p.efficiency.bandwidth * 100.0).round() as u32;
                            s.compute_eff = (p.efficiency.compute * 100.0).round() as u32;
                            s.layer_us = (p.efficiency.layer_overhead.get() * 1e6).round() as u32;
                            s.seq_us = (p.efficiency.sequence_overhead.get() * 1e6).round() as u32;
                        })
                    } />
                <p class="hint" data-testid="engine-fit">{move || spec.with(|s| {
                    let p = s.profile();
                    let mut fit = p.fit.to_string();
                    if let Some(c) = fit.get(..1).map(str::to_uppercase) {
                        fit.replace_range(..1, &c);
                    }
                    format!("Constants: {fit}. Memory: {}.", p.kv_budget.describe())
                })}</p>
            </fieldset>
            <Disclosure summary="Efficiency and overheads">
                <p class="hint">"Defaults come from the engine profile; 100% / 0 gives the roofline floor."</p>
                <Slider id="eb" label="Bandwidth achieved" unit="%" log=false range=EFF_RANGE value=get(|s| s.bw_eff)
                    on_change=move |v| spec.update(|s| s.bw_eff = v) />
                <Slider id="ec" label="Compute achieved" unit="%" log=false range=EFF_RANGE value=get(|s| s.compute_eff)
                    on_change=move |v| spec.update(|s| s.compute_eff = v) />
                <Slider id="layer" label="Overhead per layer per step" unit="µs" log=false range=(LAYER_US_RANGE.0, 500) step=5 value=get(|s| s.layer_us)
                    on_change=move |v| spec.update(|s| s.layer_us = v) />
                <Slider id="seq" label="Overhead per sequence per step" unit="µs" log=false range=(SEQ_US_RANGE.0, 100) value=get(|s| s.seq_us)
                    on_change=move |v| spec.update(|s| s.seq_us = v) />
                <Slider id="ovh" label="Runtime memory per GPU" unit="MB" log=false range=(OVERHEAD_MB_RANGE.0, 8000) step=100 value=get(|s| s.overhead_mb)
                    on_change=move |v| spec.update(|s| s.overhead_mb = v) />
            </Disclosure>
            <Disclosure summary="Speculative decoding">
                <Select id="draft" label="Draft model" options=draft_options.clone()
                    value=Signal::derive(move || spec.with(|s| s.draft.clone().unwrap_or_else(|| "off".into())))
                    on_change=move |v: String| spec.update(|s| s.draft = (v != "off").then_some(v)) />
                <Slider id="k" label="Tokens drafted per step" log=false range=DRAFT_TOKENS_RANGE value=get(|s| s.draft_tokens)
                    on_change=move |v| spec.update(|s| s.draft_tokens = v) />
                <Slider id="acc" label="Acceptance rate" unit="%" log=false range=ACCEPT_RANGE value=get(|s| s.acceptance)
                    on_change=move |v| spec.update(|s| s.acceptance = v) />
            </Disclosure>
        </section>
    }
}

/// A closed-by-default group of controls, built when first opened (not at load: the first
/// paint waits for less), and kept after.
#[component]
fn Disclosure(summary: &'static str, children: ChildrenFn) -> impl IntoView {
    let opened = RwSignal::new(false);
    view! {
        <details class="group" on:toggle=move |ev| {
            let el: web_sys::HtmlDetailsElement = event_target(&ev);
            if el.open() && !opened.get_untracked() {
                opened.set(true);
            }
        }>
            <summary>{summary}</summary>
            <Show when=move || opened.get()>{children()}</Show>
        </details>
    }
}

/// Figures of the custom GPU.
#[component]
fn CustomGpu() -> impl IntoView {
    let spec = use_state().spec;
    let field = move |get: fn(&ridgepoint::Gpu) -> Option<f64>| {
        Signal::derive(move || spec.with(|s| s.custom_gpu.as_ref().and_then(get)))
    };
    let set = move |f: fn(&mut ridgepoint::Gpu, Option<f64>)| {
        move |v: Option<f64>| {
            spec.update(|s| {
                if let Some(g) = s.custom_gpu.as_mut() {
                    f(g, v)
                }
            })
        }
    };
    view! {
        <div class="custom" data-testid="custom-gpu">
            <Decimal id="g-mem" label="Memory" unit="GB" value=field(|g| Some(g.memory.get() / 1e9))
                on_change=set(|g, v| if let Some(v) = v { g.memory = ridgepoint::units::Bytes(v * 1e9) }) />
            <Decimal id="g-bw" label="Bandwidth" unit="GB/s" value=field(|g| Some(g.bandwidth.get() / 1e9))
                on_change=set(|g, v| if let Some(v) = v { g.bandwidth = BytesPerSec(v * 1e9) }) />
            <Decimal id="g-fp16" label="FP16 dense" unit="TFLOP/s" value=field(|g| Some(g.fp16.get() / 1e12))
                on_change=set(|g, v| if let Some(v) = v { g.fp16 = FlopsPerSec(v * 1e12) }) />
            <Decimal id="g-fp8" label="FP8 dense" unit="TFLOP/s" optional=true value=field(|g| g.fp8.map(|v| v.get() / 1e12))
                on_change=set(|g, v| g.fp8 = v.map(|v| FlopsPerSec(v * 1e12))) />
            <Decimal id="g-fp4" label="FP4 dense" unit="TFLOP/s" optional=true value=field(|g| g.fp4.map(|v| v.get() / 1e12))
                on_change=set(|g, v| g.fp4 = v.map(|v| FlopsPerSec(v * 1e12))) />
            <Decimal id="g-link" label="GPU link, each way" unit="GB/s" optional=true value=field(|g| g.interconnect.map(|v| v.get() / 1e9))
                on_change=set(|g, v| g.interconnect = v.map(|v| BytesPerSec(v * 1e9))) />
        </div>
    }
}

/// Shape of the custom model.
#[component]
fn CustomModel() -> impl IntoView {
    let spec = use_state().spec;
    let field = move |get: fn(&ridgepoint::Model) -> u64| {
        Signal::derive(move || spec.with(|s| s.custom_model.as_ref().map(get).unwrap_or(0)))
    };
    let error = RwSignal::new(None::<String>);
    let set = move |f: fn(&mut ridgepoint::Model, u64)| {
        move |v: u64| {
            let mut next = spec.with_untracked(|s| s.custom_model.clone());
            if let Some(m) = next.as_mut() {
                f(m, v);
                match ridgepoint::config::check_model(m) {
                    Ok(()) => {
                        error.set(None);
                        spec.update(|s| s.custom_model = next);
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            }
        }
    };
    view! {
        <div class="custom" data-testid="custom-model">
            <Whole id="m-h" label="Hidden size" value=field(|m| m.hidden) on_change=set(|m, v| m.hidden = v) />
            <Whole id="m-i" label="MLP intermediate" value=field(|m| m.intermediate) on_change=set(|m, v| m.intermediate = v) />
            <Whole id="m-l" label="Layers" value=field(|m| m.layers) on_change=set(|m, v| m.layers = v) />
            <Whole id="m-nh" label="Attention heads" value=field(|m| m.heads) on_change=set(|m, v| m.heads = v) />
            <Whole id="m-kv" label="KV heads" value=field(|m| m.kv_heads) on_change=set(|m, v| m.kv_heads = v) />
            <Whole id="m-hd" label="Head dim" value=field(|m| m.head_dim) on_change=set(|m, v| m.head_dim = v) />
            <Whole id="m-v" label="Vocabulary" value=field(|m| m.vocab) on_change=set(|m, v| m.vocab = v) />
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </div>
    }
}

/// A box to paste a Hugging Face config.json into.
#[component]
fn PasteConfig() -> impl IntoView {
    let spec = use_state().spec;
    let text = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let assumed = RwSignal::new(Vec::<String>::new());
    let apply = move |_| match import_hf_config(&text.get_untracked()) {
        Ok(imported) => {
            let m = imported.model;
            let p = m.params();
            message.set(Some((
                true,
                format!(
                    "Read {}: {} parameters ({} active), {} layers.",
                    m.name,
                    ridgepoint::units::Unit::Count.format(p.total),
                    ridgepoint::units::Unit::Count.format(p.active),
                    m.layers
                ),
            )));
            assumed.set(imported.assumptions);
            let stored = imported.stored;
            spec.update(|s| {
                s.model = CUSTOM.into();
                s.custom_model = Some(m);
                // The checkpoint's own formats (its quantization_config).
                if let Some((base, formats)) = stored {
                    s.weights = base;
                    s.formats = formats;
                }
            });
        }
        Err(e) => {
            message.set(Some((false, e.message)));
            assumed.set(Vec::new());
        }
    };
    view! {
        <details class="group paste">
            <summary>"Paste a config.json"</summary>
            <label for="config-json">"Hugging Face config.json"</label>
            <textarea
                id="config-json"
                rows="6"
                spellcheck="false"
                placeholder="{ \"hidden_size\": 4096, … }"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <button type="button" on:click=apply>"Use this model"</button>
            {move || message.get().map(|(ok, m)| {
                view! { <p class=if ok { "ok" } else { "field-error" } role="status">{m}</p> }
            })}
            {move || {
                let notes = assumed.get();
                (!notes.is_empty()).then(|| view! {
                    <p class="assumed-title">"Assumed while reading it:"</p>
                    <ul class="assumed" data-testid="config-assumptions">
                        {notes.into_iter().map(|n| view! { <li>{n}</li> }).collect::<Vec<_>>()}
                    </ul>
                })
            }}
        </details>
    }
}

//! The page: scenario controls, the roofline and the headline numbers.

use crate::canvas::{ChartCanvas, DarkMode, ResizeTick};
use crate::controls::{LogSlider, Select};
use crate::url;
use leptos::prelude::*;
use ridgepoint::query::{BATCH_RANGE, PROMPT_RANGE};
use ridgepoint::units::Unit;
use ridgepoint::{catalog, estimate, Derivation, Estimate, Precision};
use ridgepoint_charts::{roofline, RooflineData};

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}

/// The whole app. One signal holds the scenario; everything else is derived from it.
#[component]
pub fn App() -> impl IntoView {
    let (initial, problems) = url::read();
    let spec = RwSignal::new(initial);
    let problems = RwSignal::new(problems.into_iter().map(|p| p.message).collect::<Vec<_>>());

    // Sync with the outside world: the URL mirrors the scenario.
    Effect::new(move |_| spec.with(url::write));

    let tick = RwSignal::new(0u32);
    let _resize = window_event_listener(leptos::ev::resize, move |_| tick.update(|t| *t += 1));
    provide_context(ResizeTick(tick));
    let dark = RwSignal::new(prefers_dark());
    provide_context(DarkMode(dark.into()));

    let est = Memo::new(move |_| spec.with(|s| estimate(&s.scenario())));
    let roof = Memo::new(move |_| {
        let (b, p) = spec.with(|s| (s.batch, s.prompt));
        est.with(|e| RooflineData::from_estimate(e, b, p))
    });
    let roof_label = Signal::derive(move || {
        est.with(|e| {
            format!(
                "Roofline: memory roof at {}, compute roof at {}, ridge at {}; decode at {} is {}, \
                 prefill at {} is {}.",
                e.bandwidth,
                e.peak,
                e.ridge,
                e.decode.intensity,
                e.decode.bound.label(),
                e.prefill.intensity,
                e.prefill.bound.label()
            )
        })
    });

    let gpu_options: Vec<(String, String)> = catalog::gpus()
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let model_options: Vec<(String, String)> = catalog::models()
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let precision_options: Vec<(String, String)> = Precision::ALL
        .into_iter()
        .map(|p| (p.id().to_string(), p.label().to_string()))
        .collect();

    view! {
        <header class="top">
            <h1>"Ridgepoint"</h1>
            <p class="tagline">"LLM inference on the roofline: will it fit, what bounds it, how fast."</p>
        </header>
        <Show when=move || !problems.with(Vec::is_empty)>
            <div class="problems" role="alert" data-testid="problems">
                <p>"Some of this link could not be used:"</p>
                <ul>
                    {move || problems.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
                <button type="button" on:click=move |_| problems.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
        <main class="layout">
            <section class="controls" aria-label="Scenario">
                <h2>"Scenario"</h2>
                <Select
                    id="gpu"
                    label="GPU"
                    options=gpu_options
                    value=Signal::derive(move || spec.with(|s| s.gpu.clone()))
                    on_change=move |v| spec.update(|s| s.gpu = v)
                />
                <Select
                    id="model"
                    label="Model"
                    options=model_options
                    value=Signal::derive(move || spec.with(|s| s.model.clone()))
                    on_change=move |v| spec.update(|s| s.model = v)
                />
                <Select
                    id="weights"
                    label="Weight precision"
                    options=precision_options
                    value=Signal::derive(move || spec.with(|s| s.weights.id().to_string()))
                    on_change=move |v| {
                        if let Some(p) = Precision::from_id(&v) {
                            spec.update(|s| s.weights = p)
                        }
                    }
                />
                <LogSlider
                    id="batch"
                    label="Batch size"
                    range=BATCH_RANGE
                    value=Signal::derive(move || spec.with(|s| s.batch))
                    on_change=move |v| spec.update(|s| s.batch = v)
                />
                <LogSlider
                    id="prompt"
                    label="Prompt length (tokens)"
                    range=PROMPT_RANGE
                    value=Signal::derive(move || spec.with(|s| s.prompt))
                    on_change=move |v| spec.update(|s| s.prompt = v)
                />
            </section>
            <section class="results" aria-label="Roofline">
                <h2>"Roofline"</h2>
                <ChartCanvas id="roofline" label=roof_label data=roof draw=roofline />
                <Headlines est=est />
            </section>
        </main>
        <footer class="foot">
            <p>
                "Peaks are dense datasheet figures; times here are floors at 100% of peak. "
                "Click a number to see how it was made."
            </p>
        </footer>
    }
}

/// One headline figure with its derivation behind a disclosure.
#[component]
fn Figure(
    /// Test id and derivation key.
    key: &'static str,
    /// What the number is.
    label: &'static str,
    /// The value, formatted.
    value: Signal<String>,
    /// How it was made.
    derivation: Signal<Option<Derivation>>,
) -> impl IntoView {
    view! {
        <div class="figure" data-testid=key>
            <details>
                <summary>
                    <span class="figure-label">{label}</span>
                    <span class="figure-value">{move || value.get()}</span>
                </summary>
                {move || {
                    derivation
                        .get()
                        .map(|d| {
                            view! {
                                <div class="derivation">
                                    <code>{format!("{} = {}", d.symbol, d.expr)}</code>
                                    <code>{format!("= {}", d.substituted())}</code>
                                    <code class="result">{format!("= {}", d.result_text())}</code>
                                    {d.note.map(|n| view! { <p class="note">{n}</p> })}
                                </div>
                            }
                        })
                }}
            </details>
        </div>
    }
}

/// The headline numbers beside the roofline.
#[component]
fn Headlines(est: Memo<Estimate>) -> impl IntoView {
    let fig = move |key: &'static str, label: &'static str, f: fn(&Estimate) -> String| {
        let value = Signal::derive(move || est.with(f));
        let derivation = Signal::derive(move || est.with(|e| e.derivation(key).cloned()));
        view! { <Figure key=key label=label value=value derivation=derivation /> }
    };
    view! {
        <div class="figures">
            {fig("memory.weights_bytes", "Weights", |e| e.weights.to_string())}
            {fig("ridge_flop_per_byte", "Ridge point", |e| e.ridge.to_string())}
            {fig("decode.intensity", "Decode intensity", |e| e.decode.intensity.to_string())}
            {fig("decode.bound", "Decode is", |e| e.decode.bound.label().to_string())}
            {fig("decode.memory_time", "Decode step (floor)", |e| {
                Unit::Seconds.format(e.decode.time.get())
            })}
            {fig("ttft_floor_s", "Prefill (floor)", |e| e.prefill.time.to_string())}
        </div>
    }
}

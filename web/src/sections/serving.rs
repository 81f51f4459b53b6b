//! "Serving under load": one replica with continuous batching, simulated by
//! [`ridgepoint::serve`] around the current scenario. The page computes nothing itself: the
//! settings come from the link's `sv.` keys ([`ridgepoint::serve::query`]), the run is one
//! `serve::simulate` in a memo, and the load curve and capacity search run one simulation per
//! `setTimeout(0)` while the section is near the viewport, restarting when the input changes,
//! filling the chart in as points arrive.

use crate::canvas::{AlwaysVisible, ChartCanvas, Drawing};
use crate::controls::{Decimal, Select, Slider};
use crate::figure::DerivationView;
use crate::state::use_state;
use leptos::html;
use leptos::prelude::*;
use ridgepoint::serve::query::{self as svq, ArrivalKind, LengthKind, ServeSettings};
use ridgepoint::serve::{
    self, Capacity, CapacitySearch, LoadAxis, LoadPoint, ServeInput, ServeResult,
};
use ridgepoint::units::Unit;
use ridgepoint_charts::{
    load_text, rate_text, serving_load, serving_timeline, ChartData, ServingLoadData,
    ServingTimelineData, Table,
};

/// The serving charts' ids (embeddable: `?embed=serving-load`).
pub const SERVING_CHART_IDS: &[&str] = &["serving-load", "serving-timeline"];

/// Points on the load curve (`serve::load_levels`: Poisson rates, or fewer client counts
/// when the range is short).
const LOAD_POINTS: usize = 8;

/// The load curve and capacity search so far.
#[derive(Clone, Debug, Default, PartialEq)]
struct Sweep {
    /// The loads of the run's own arrival process (rates or clients).
    loads: Vec<f64>,
    points: Vec<LoadPoint>,
    /// 0–1: the curve's points count as the first half, the search as the second.
    progress: f64,
    done: bool,
}

/// Everything the section and the embeds read, built once per page and shared by context.
#[derive(Clone, Copy)]
struct Serving {
    settings: RwSignal<ServeSettings>,
    /// The link's problems (until the reader changes a setting).
    link_problems: RwSignal<Vec<String>>,
    /// The run's input, checked: each bad field replaced by its default, and why.
    checked: Memo<(ServeInput, Vec<String>)>,
    /// Near the viewport (or embedded): only then does anything run.
    active: RwSignal<bool>,
    /// The run at the current settings, its time in ms and its count (kept while away).
    run: Memo<Option<(ServeResult, f64, u32)>>,
    sweep: RwSignal<Sweep>,
    /// The finished capacity search (its `finish` is cheap; price and target apply here).
    searched: RwSignal<Option<SearchDone>>,
    capacity: Memo<Option<Capacity>>,
}

/// A finished [`CapacitySearch`], never equal to another (a new search is a new value).
#[derive(Clone)]
struct SearchDone(CapacitySearch);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn serving() -> Serving {
    if let Some(s) = use_context::<Serving>() {
        return s;
    }
    let st = use_state();
    let (init, problems) = svq::from_query(&crate::url::serve_pairs());
    let settings = RwSignal::new(init);
    let link_problems = RwSignal::new(problems.into_iter().map(|p| p.message).collect());
    let checked = Memo::new(move |_| {
        settings.with(|s| {
            st.scenario.with(|sc| {
                let (i, p) = serve::check(&s.input(sc));
                (i, p.into_iter().map(|p| p.message).collect::<Vec<_>>())
            })
        })
    });
    let active = RwSignal::new(use_context::<AlwaysVisible>().is_some_and(|a| a.0));
    let run = Memo::new(move |prev: Option<&Option<(ServeResult, f64, u32)>>| {
        if !active.get() {
            return prev.cloned().flatten();
        }
        let n = prev.and_then(|p| p.as_ref().map(|p| p.2)).unwrap_or(0) + 1;
        checked.with(|(i, _)| {
            let t0 = now_ms();
            let r = serve::simulate(i);
            Some((r, now_ms() - t0, n))
        })
    });
    let sweep = RwSignal::new(Sweep::default());
    let searched = RwSignal::new(None::<SearchDone>);
    let capacity = Memo::new(move |_| {
        let (target, price) = settings.with(|s| (s.target_rate, s.price_per_gpu_hour));
        searched.with(|d| d.as_ref().map(|d| d.0.clone().finish(target, price)))
    });
    let s = Serving {
        settings,
        link_problems,
        checked,
        active,
        run,
        sweep,
        searched,
        capacity,
    };
    drive(s);
    // The URL mirrors the settings (written once they settle, like the scenario's).
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |first: Option<()>| {
        let q = settings.with(ServeSettings::to_query);
        if first.is_none() {
            return;
        }
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || crate::url::set_serve(&q),
            std::time::Duration::from_millis(250),
        );
        pending.set_value(handle.ok());
    });
    provide_context(s);
    s
}

/// Runs the load curve and capacity search in slices: one simulation per `setTimeout(0)`,
/// only while `active`, restarted when the checked input changes.
fn drive(s: Serving) {
    let generation = StoredValue::new(0u64);
    let input = StoredValue::new(None::<ServeInput>);
    let search = StoredValue::new(None::<CapacitySearch>);
    let ticking = StoredValue::new(false);
    fn tick(
        s: Serving,
        my: u64,
        generation: StoredValue<u64>,
        input: StoredValue<Option<ServeInput>>,
        search: StoredValue<Option<CapacitySearch>>,
        ticking: StoredValue<bool>,
    ) {
        if generation.get_value() != my || !s.active.get_untracked() {
            ticking.set_value(false);
            return;
        }
        let Some(inp) = input.get_value() else {
            ticking.set_value(false);
            return;
        };
        let (n, total) = s.sweep.with_untracked(|w| (w.points.len(), w.loads.len()));
        let mut more = true;
        if n < total {
            let load = s.sweep.with_untracked(|w| w.loads[n]);
            let p = serve::load_point(&inp, load);
            s.sweep.update(|w| {
                w.points.push(p);
                w.progress = 0.5 * w.points.len() as f64 / total.max(1) as f64;
            });
        } else {
            let stepped = search
                .try_update_value(|o| o.as_mut().map(|c| c.step()))
                .flatten()
                .unwrap_or(false);
            if stepped {
                let p = search.with_value(|o| o.as_ref().map(|c| c.progress()).unwrap_or(1.0));
                s.sweep
                    .update(|w| w.progress = 0.5 + 0.5 * p.clamp(0.0, 1.0));
            } else {
                let done = search.try_update_value(Option::take).flatten();
                s.searched.set(done.map(SearchDone));
                s.sweep.update(|w| {
                    w.progress = 1.0;
                    w.done = true;
                });
                more = false;
            }
        }
        if more {
            set_timeout(
                move || tick(s, my, generation, input, search, ticking),
                std::time::Duration::ZERO,
            );
        } else {
            ticking.set_value(false);
        }
    }
    Effect::new(move |_| {
        let now = s.checked.with(|(i, _)| i.clone());
        let on = s.active.get();
        if input.with_value(|i| i.as_ref() != Some(&now)) {
            generation.update_value(|g| *g += 1);
            let loads = serve::load_levels(&now, LOAD_POINTS);
            search.set_value(Some(CapacitySearch::new(&now)));
            input.set_value(Some(now));
            s.searched.set(None);
            s.sweep.set(Sweep {
                loads,
                ..Sweep::default()
            });
            ticking.set_value(false);
        }
        let done = s.sweep.with_untracked(|w| w.done);
        if on && !done && !ticking.get_value() {
            ticking.set_value(true);
            let my = generation.get_value();
            set_timeout(
                move || tick(s, my, generation, input, search, ticking),
                std::time::Duration::ZERO,
            );
        }
    });
}

fn load_memo(s: Serving) -> Memo<ServingLoadData> {
    Memo::new(move |_| {
        let (axis, slo) = s.checked.with(|(i, _)| (LoadAxis::of(&i.arrivals), i.slo));
        s.capacity.with(|c| {
            s.sweep
                .with(|w| ServingLoadData::from_points(axis, &w.points, slo, c.as_ref()))
        })
    })
}

fn timeline_memo(s: Serving) -> Memo<ServingTimelineData> {
    Memo::new(move |_| {
        s.run.with(|r| match r {
            Some((r, ..)) => ServingTimelineData::from_result(r),
            None => ServingTimelineData {
                t: vec![],
                running: vec![],
                queue: vec![],
                kv_share: vec![],
                kv_blocks: vec![],
                kv_blocks_total: 0.0,
                running_mean: 0.0,
            },
        })
    })
}

/// One of the serving charts with PNG, SVG, CSV and its data table.
#[component]
fn ServingChart<T, F>(data: Memo<T>, draw: F) -> impl IntoView
where
    T: ChartData + PartialEq + Send + Sync + Clone + 'static,
    F: Fn(
            &plotters::prelude::DrawingArea<crate::backend::PageBackend, plotters::coord::Shift>,
            &T,
            &ridgepoint_charts::Theme,
        ) -> crate::canvas::CanvasResult
        + 'static,
{
    let id = T::ID;
    let label = Signal::derive(move || data.with(|d| d.describe()));
    let open = RwSignal::new(false);
    let save_csv = move |_| {
        let csv = data.with_untracked(|d| d.table().to_csv());
        crate::export::download_text(&csv, &format!("ridgepoint-{id}.csv"), "text/csv");
    };
    let table = Memo::new(move |_| {
        if open.get() {
            data.with(|d| d.table())
        } else {
            Table::default()
        }
    });
    view! {
        <div class="chart-box">
            <ChartCanvas id=id label=label drawing=Drawing::new(data, draw)>
                <button type="button" class="tool" on:click=save_csv
                    aria-label=format!("Download the {id} data as CSV")>"CSV"</button>
                <details class="data" on:toggle=move |ev| {
                    let el: web_sys::HtmlDetailsElement = event_target(&ev);
                    open.set(el.open());
                }>
                    <summary>"Data table"</summary>
                    <Show when=move || open.get()>
                        <div class="table-wrap">
                            <table class="data-table">
                                <caption>{move || table.with(|t| t.caption.clone())}</caption>
                                <thead><tr>{move || table.with(|t| t.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view())}</tr></thead>
                                <tbody>{move || table.with(|t| t.rows.iter().map(|r| view! {
                                    <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr>
                                }).collect_view())}</tbody>
                            </table>
                        </div>
                    </Show>
                </details>
            </ChartCanvas>
        </div>
    }
}

/// A serving chart by id (the embeds), or None.
pub fn serving_chart(id: &str) -> Option<AnyView> {
    let s = serving();
    match id {
        "serving-load" => {
            Some(view! { <ServingChart data=load_memo(s) draw=serving_load /> }.into_any())
        }
        "serving-timeline" => {
            Some(view! { <ServingChart data=timeline_memo(s) draw=serving_timeline /> }.into_any())
        }
        _ => None,
    }
}

fn secs(v: f64) -> String {
    Unit::Seconds.format(v)
}

/// An output figure: label and value, and (when the engine gives one) its derivation behind
/// a disclosure.
#[component]
fn Out(
    key: &'static str,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(optional)] derivation: Option<Signal<Option<ridgepoint::Derivation>>>,
) -> impl IntoView {
    match derivation {
        Some(d) => {
            let open = RwSignal::new(false);
            view! {
                <div class="figure" data-testid=key>
                    <details on:toggle=move |ev| {
                        let el: web_sys::HtmlDetailsElement = event_target(&ev);
                        open.set(el.open());
                    }>
                        <summary>
                            <span class="figure-label">{label}</span>
                            <span class="figure-value">{move || value.get()}</span>
                        </summary>
                        <Show when=move || open.get()>
                            {move || d.get().map(|d| view! { <DerivationView d=d /> })}
                        </Show>
                    </details>
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="figure plain" data-testid=key>
                <span class="figure-label">{label}</span>
                <span class="figure-value">{move || value.get()}</span>
            </div>
        }
        .into_any(),
    }
}

/// The section.
#[component]
pub fn ServingSection() -> impl IntoView {
    let s = serving();
    let root = NodeRef::<html::Section>::new();
    root.on_load(move |el| crate::near::observe_near(&el, s.active, 400));
    let set = move |f: Box<dyn FnOnce(&mut ServeSettings)>| {
        s.link_problems.set(Vec::new());
        s.settings.update(|v| f(v));
    };
    let get = move |f: fn(&ServeSettings) -> String| Signal::derive(move || s.settings.with(f));
    let problems = Memo::new(move |_| {
        let mut p = s.link_problems.get();
        s.checked.with(|(_, c)| {
            for m in c {
                if !p.contains(m) {
                    p.push(m.clone());
                }
            }
        });
        p
    });
    let r = move |f: fn(&ServeResult) -> String| {
        Signal::derive(move || {
            s.run
                .with(|r| r.as_ref().map(|(r, ..)| f(r)).unwrap_or_else(|| "…".into()))
        })
    };
    let deriv = move |key: &'static str| {
        Signal::derive(move || {
            s.run
                .with(|r| r.as_ref().and_then(|(r, ..)| r.derivation(key).cloned()))
        })
    };
    let cap = move |f: fn(&Capacity) -> String| {
        Signal::derive(move || {
            s.capacity.with(|c| match c {
                Some(c) => f(c),
                None => "searching…".into(),
            })
        })
    };
    let closed = Memo::new(move |_| s.settings.with(|v| v.arrivals == ArrivalKind::Closed));
    // What the load curve and the capacity vary: the arrivals the run has.
    let axis = Memo::new(move |_| s.checked.with(|(i, _)| LoadAxis::of(&i.arrivals)));
    let spread_on = Memo::new(move |_| s.settings.with(|v| v.lengths != LengthKind::Fixed));
    let progress = Memo::new(move |_| s.sweep.with(|w| (w.progress, w.done)));
    let warnings = Memo::new(move |_| {
        s.run.with(|r| {
            r.as_ref()
                .map(|(r, ..)| r.warnings.clone())
                .unwrap_or_default()
        })
    });
    let sim_ms = Memo::new(move |_| {
        s.run.with(|r| {
            r.as_ref()
                .map(|(_, ms, n)| (format!("{ms:.1}"), n.to_string()))
                .unwrap_or_default()
        })
    });
    let pct = |v: f64| (v * 100.0).round() as u32;
    view! {
        <section class="card serving" id="sec-serving" aria-labelledby="serving-h" node_ref=root
            data-testid="serving" data-sim-ms=move || sim_ms.get().0 data-sim-runs=move || sim_ms.get().1>
            <h2 id="serving-h">"Serving under load"</h2>
            <p class="lede">
                "One replica with continuous batching: requests arrive, queue, share each step's "
                "batch and its KV-cache blocks. The same step costs as the estimate above, "
                "simulated request by request."
            </p>
            <Show when=move || !problems.with(Vec::is_empty)>
                <ul class="field-error serving-problems" role="alert" data-testid="serving-problems">
                    {move || problems.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
            </Show>
            <div class="serving-controls">
                <Select id="sv-arr" label="Arrivals"
                    options=vec![("poisson".into(), "Poisson (open loop)".into()), ("closed".into(), "Closed-loop clients".into())]
                    value=get(|v| if v.arrivals == ArrivalKind::Closed { "closed".into() } else { "poisson".into() })
                    on_change={move |x: String| set(Box::new(move |v| v.arrivals = if x == "closed" { ArrivalKind::Closed } else { ArrivalKind::Poisson }))} />
                <Show when=move || !closed.get() fallback=move || view! {
                    <Slider id="sv-clients" label="Clients" range=(1, serve::MAX_CLIENTS)
                        value=Signal::derive(move || s.settings.with(|v| v.clients))
                        on_change={move |n: u32| set(Box::new(move |v| v.clients = n))} />
                }>
                    <Decimal id="sv-rate" label="Request rate" unit="req/s"
                        value=Signal::derive(move || s.settings.with(|v| Some(v.rate)))
                        on_change={move |x: Option<f64>| if let Some(x) = x { set(Box::new(move |v| v.rate = x)) }} />
                </Show>
                <Slider id="sv-n" label="Requests" range=(10, serve::MAX_REQUESTS)
                    value=Signal::derive(move || s.settings.with(|v| v.requests))
                    on_change={move |n: u32| set(Box::new(move |v| v.requests = n))} />
                <Select id="sv-len" label="Lengths"
                    options=vec![("fixed".into(), "Fixed (the scenario's)".into()), ("uniform".into(), "Uniform around them".into()), ("lognormal".into(), "Lognormal, their mean".into())]
                    value=get(|v| v.lengths.key().into())
                    on_change={move |x: String| set(Box::new(move |v| v.lengths = match x.as_str() { "uniform" => LengthKind::Uniform, "lognormal" => LengthKind::LogNormal, _ => LengthKind::Fixed }))} />
                <Show when=move || spread_on.get()>
                    <Decimal id="sv-spread" label="Spread" unit="± share / σ"
                        value=Signal::derive(move || s.settings.with(|v| Some(v.spread)))
                        on_change={move |x: Option<f64>| if let Some(x) = x { set(Box::new(move |v| v.spread = x)) }} />
                </Show>
                <Decimal id="sv-ttft" label="TTFT SLO (p99)" unit="s"
                    value=Signal::derive(move || s.settings.with(|v| Some(v.slo.ttft_s)))
                    on_change={move |x: Option<f64>| if let Some(x) = x { set(Box::new(move |v| v.slo.ttft_s = x)) }} />
                <Decimal id="sv-tpot" label="TPOT SLO (p99)" unit="s"
                    value=Signal::derive(move || s.settings.with(|v| Some(v.slo.tpot_s)))
                    on_change={move |x: Option<f64>| if let Some(x) = x { set(Box::new(move |v| v.slo.tpot_s = x)) }} />
                <Slider id="sv-tok" label="Tokens per step" range=(16, serve::MAX_BATCH_TOKENS_CAP)
                    value=Signal::derive(move || s.settings.with(|v| v.max_batch_tokens))
                    on_change={move |n: u32| set(Box::new(move |v| v.max_batch_tokens = n))} />
                <Slider id="sv-run" label="Max running" range=(1, serve::MAX_RUNNING_CAP)
                    value=Signal::derive(move || s.settings.with(|v| v.max_running))
                    on_change={move |n: u32| set(Box::new(move |v| v.max_running = n))} />
                <Slider id="sv-pre" label="Prefix cached" range=(0, 100) log=false step=5 unit="%"
                    value=Signal::derive(move || s.settings.with(|v| pct(v.prefix_share)))
                    on_change={move |n: u32| set(Box::new(move |v| v.prefix_share = n as f64 / 100.0))} />
                <Slider id="sv-mem" label="GPU memory used" range=(5, 100) log=false step=5 unit="%"
                    value=Signal::derive(move || s.settings.with(|v| pct(v.gpu_memory_utilization)))
                    on_change={move |n: u32| set(Box::new(move |v| v.gpu_memory_utilization = n as f64 / 100.0))} />
                <Decimal id="sv-price" label="Price per GPU-hour" unit="$/h" optional=true
                    value=Signal::derive(move || s.settings.with(|v| v.price_per_gpu_hour))
                    on_change={move |x: Option<f64>| set(Box::new(move |v| v.price_per_gpu_hour = x))} />
                <Decimal id="sv-target" label="Target rate" unit="req/s" optional=true
                    value=Signal::derive(move || s.settings.with(|v| v.target_rate))
                    on_change={move |x: Option<f64>| set(Box::new(move |v| v.target_rate = x))} />
            </div>
            <h3>"At this load"</h3>
            <div class="figures" data-testid="serving-figures">
                <Out key="sv-ttft-p50" label="TTFT p50" value=r(|r| secs(r.ttft.p50)) />
                <Out key="sv-ttft-p90" label="TTFT p90" value=r(|r| secs(r.ttft.p90)) />
                <Out key="sv-ttft-p99" label="TTFT p99" value=r(|r| secs(r.ttft.p99)) />
                <Out key="sv-tpot-p50" label="TPOT p50" value=r(|r| secs(r.tpot.p50)) />
                <Out key="sv-tpot-p90" label="TPOT p90" value=r(|r| secs(r.tpot.p90)) />
                <Out key="sv-tpot-p99" label="TPOT p99" value=r(|r| secs(r.tpot.p99)) />
                <Out key="sv-e2e-p50" label="Latency p50" value=r(|r| secs(r.e2e.p50)) />
                <Out key="sv-e2e-p90" label="Latency p90" value=r(|r| secs(r.e2e.p90)) />
                <Out key="sv-e2e-p99" label="Latency p99" value=r(|r| secs(r.e2e.p99)) />
                <Out key="sv-throughput" label="Throughput"
                    value=r(|r| format!("{} · {}", rate_text(r.requests_per_s), Unit::TokensPerSec.format(r.output_tokens_per_s))) />
                <Out key="sv-goodput" label="Goodput (both SLOs met)" value=r(|r| rate_text(r.goodput_requests_per_s)) />
                <Out key="sv-running" label="Mean running batch" value=r(|r| ridgepoint::units::sig3(r.running_mean))
                    derivation=deriv("serve.step_time") />
                <Out key="sv-kv" label="KV blocks" value=r(|r| format!("{} × {} tokens", Unit::Count.format(r.kv_blocks_total as f64), r.block_tokens))
                    derivation=deriv("serve.kv_blocks") />
            </div>
            <Show when=move || !warnings.with(Vec::is_empty)>
                <ul class="note serving-warnings" data-testid="serving-warnings">
                    {move || warnings.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
            </Show>
            {serving_chart("serving-timeline")}
            <h3>"Capacity"</h3>
            <div class="serving-progress" data-testid="serving-progress">
                <progress max="1" value=move || progress.get().0.to_string()
                    aria-label="Load sweep and capacity search"></progress>
                <span>{move || {
                    let (p, done) = progress.get();
                    if done { "done".to_string() } else { format!("simulating… {:.0}%", p * 100.0) }
                }}</span>
            </div>
            <p class="note" data-testid="serving-load-sentence">{move || axis.get().sentence()}</p>
            <div class="figures" data-testid="serving-capacity">
                <Show when=move || axis.get() == LoadAxis::Clients fallback=move || view! {
                    <Out key="sv-max-rate" label="Highest rate meeting both SLOs (p99)"
                        value=cap(|c| c.max_rate.map(rate_text).unwrap_or_else(|| "none found".into())) />
                }>
                    <Out key="sv-max-clients" label="Most clients meeting both SLOs (p99)"
                        value=cap(|c| match (c.max_load, c.max_rate) {
                            (Some(n), Some(r)) => format!("{} · {}", load_text(LoadAxis::Clients, n), rate_text(r)),
                            _ => "none found".into(),
                        }) />
                </Show>
                <Out key="sv-replicas" label="Replicas for the target"
                    value=cap(|c| match (c.replicas, c.gpus) {
                        (Some(r), Some(g)) => format!("{} ({} GPUs)", Unit::Count.format(r as f64), Unit::Count.format(g as f64)),
                        _ if c.target_rate.is_none() => "enter a target rate".into(),
                        _ => "none meets the SLOs".into(),
                    }) />
                <Out key="sv-per-gpu" label="Output tokens per GPU-second"
                    value=cap(|c| c.output_tokens_per_gpu_s.map(|v| Unit::TokensPerSec.format(v)).unwrap_or_else(|| "n/a at no rate".into())) />
                <Out key="sv-cost" label="Cost per million output tokens"
                    value=cap(|c| match (c.cost_per_million_output_tokens, c.price_per_gpu_hour) {
                        (Some(v), _) => format!("${}", ridgepoint::units::sig3(v)),
                        (None, None) => "enter a price".into(),
                        (None, Some(_)) => "no rate meets the SLOs".into(),
                    }) />
            </div>
            {serving_chart("serving-load")}
        </section>
    }
}

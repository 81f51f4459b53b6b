//! The article's chart sections. Each chart's data memo reshapes engine output; the chart
//! crate draws it; a data table under each canvas is the accessible alternative.

use crate::canvas::{ChartCanvas, Drawing};
use crate::figure::{derived, timed};
use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::units::{sig3, Unit};
use ridgepoint::{catalog, Estimate};
use ridgepoint_charts::{
    batch_throughput, decode_intensity, decode_time, fit_matrix, kv_context, kv_crossover, memory,
    prefill_intensity, roofline, ttft, BatchThroughputData, ChartData, DecodeIntensityData,
    DecodeTimeData, FitMatrixData, KvContextData, KvCrossoverData, MemoryData, Pinned,
    PrefillIntensityData, Readout, RooflineData, Table, TtftData,
};

/// A chart of data type `T`, with its data table and tools: the few lines that need `T`, then
/// [`ChartBox`], which is compiled once for every chart.
#[component]
fn Chart<T, F>(
    data: Memo<T>,
    draw: F,
    /// Extra CSS class on the figure (`short`, `tall`).
    #[prop(optional)]
    class: &'static str,
    /// Pointer/focus readout (the roofline).
    #[prop(optional)]
    readout: Option<RwSignal<Readout>>,
    /// The pinned scenario A's overlay and table for this chart (compare mode): its rows join
    /// the table.
    #[prop(optional)]
    pinned: Option<Memo<PinnedChart>>,
) -> impl IntoView
where
    T: ChartData + PartialEq + Send + Sync + Clone + 'static,
    F: Fn(
            &plotters::prelude::DrawingArea<crate::backend::PageBackend, plotters::coord::Shift>,
            &T,
            &ridgepoint_charts::Theme,
        ) -> crate::canvas::CanvasResult
        + 'static,
{
    let label = Signal::derive(move || {
        data.with(|d| {
            let mut s = d.describe();
            if d.has_pinned() {
                s.push_str(" Pinned scenario A is drawn in grey for comparison.");
            }
            s
        })
    });
    let table = Signal::derive(move || {
        let b = data.with(|d| d.table());
        match pinned.and_then(|a| a.with(|a| a.as_ref().map(|(_, t)| t.clone()))) {
            Some(a) => b.with_pinned(a),
            None => b,
        }
    });
    view! {
        <ChartBox id=T::ID label=label drawing=Drawing::new(data, draw) table=table class=class readout=readout />
    }
}

/// The non-generic part of a chart: canvas, CSV and embed buttons, the lazy data table.
#[component]
fn ChartBox(
    id: &'static str,
    label: Signal<String>,
    drawing: Drawing,
    /// The chart's data table, computed when read.
    table: Signal<Table>,
    class: &'static str,
    readout: Option<RwSignal<Readout>>,
) -> impl IntoView {
    // The table is built only while its disclosure is open: a slider move costs nothing here.
    let open = RwSignal::new(false);
    let st = use_state();
    let save_csv = move |_| {
        let csv = table.with_untracked(Table::to_csv);
        crate::export::download_text(&csv, &crate::export::file_name(st, id, "csv"), "text/csv");
    };
    let copied = RwSignal::new(false);
    let copy_embed = move |_| {
        let q = st
            .spec
            .with_untracked(|s| st.pin.with_untracked(|p| crate::url::query(s, p.as_ref())));
        let title = label.get_untracked();
        crate::export::copy(&crate::export::embed_snippet(id, &q, &title));
        copied.set(true);
    };
    view! {
        <div class=format!("chart-box {class}")>
            <ChartCanvas id=id label=label drawing=drawing readout=readout>
                <button type="button" class="tool" on:click=save_csv
                    aria-label=format!("Download the {id} data as CSV")>"CSV"</button>
                <button type="button" class="tool" on:click=copy_embed
                    aria-label=format!("Copy code to embed the {id} chart")>
                    {move || if copied.get() { "Embed code copied" } else { "Embed" }}
                </button>
                <details class="data" on:toggle=move |ev| {
                    let el: web_sys::HtmlDetailsElement = event_target(&ev);
                    open.set(el.open());
                }>
                    <summary>"Data table"</summary>
                    <Show when=move || open.get()>
                        <DataTable table=Memo::new(move |_| table.get()) />
                    </Show>
                </details>
            </ChartCanvas>
        </div>
    }
}

/// A chart's table, rendered lazily (only when its disclosure is opened is it in view, but it
/// is cheap either way).
#[component]
fn DataTable(table: Memo<Table>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table">
                <caption>{move || table.with(|t| t.caption.clone())}</caption>
                <thead>
                    <tr>{move || table.with(|t| t.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view())}</tr>
                </thead>
                <tbody>
                    {move || table.with(|t| t.rows.iter().map(|r| view! {
                        <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr>
                    }).collect_view())}
                </tbody>
            </table>
        </div>
    }
}

/// A chart of the pinned scenario A, reduced to what B's chart needs: the overlay to draw and
/// the table to append. One type for every chart, so its memo is compiled once.
type PinnedChart = Option<(Option<Pinned>, Table)>;

/// A's overlay and table from A's chart data.
fn pinned_chart<T: ChartData>(a: T) -> (Option<Pinned>, Table) {
    (a.as_pinned(), a.table())
}

/// The overlay part of a [`PinnedChart`] memo.
fn overlay_of(a: Memo<PinnedChart>) -> Option<Pinned> {
    a.with(|a| a.as_ref().and_then(|(p, _)| p.clone()))
}

/// The roofline's data, with per-operation points while `show_ops` is on.
fn roofline_memo(
    show_ops: Signal<bool>,
    readout: Signal<Readout>,
) -> (Memo<RooflineData>, Memo<PinnedChart>) {
    let st = use_state();
    let a = Memo::new(move |_| {
        st.pinned.with(|p| {
            p.as_ref().map(|p| {
                let s = &p.scenario;
                pinned_chart(
                    RooflineData::from_estimate(&p.est, s.batch, s.prompt)
                        .with_efficiency(&s.efficiency),
                )
            })
        })
    });
    let data = Memo::new(move |_| {
        let (b, p) = st.spec.with(|s| (s.batch, s.prompt));
        let d = st
            .est
            .with(|e| RooflineData::from_estimate(e, b, p))
            .with_efficiency(&st.scenario.with(|s| s.efficiency));
        let mut d = if show_ops.get() {
            st.decode_ops
                .with(|dec| st.prefill_ops.with(|pre| d.with_ops(dec, pre)))
        } else {
            d
        };
        d.readout = readout.get();
        d.set_pinned(overlay_of(a));
        d
    });
    (data, a)
}

/// The fit matrix's data: every catalog model at the common precisions on this GPU.
fn fit_matrix_memo() -> Memo<FitMatrixData> {
    let st = use_state();
    let models = catalog::models();
    Memo::new(move |_| {
        st.scenario
            .with(|s| FitMatrixData::for_scenario(s, &models))
    })
}

/// Every chart id the page can show (and embed).
pub const CHART_IDS: &[&str] = &[
    "why-decode",
    "roofline",
    "memory",
    "fit-matrix",
    "kv-crossover",
    "kv-context",
    "decode-intensity",
    "prefill-intensity",
    "ttft",
    "batch-throughput",
];

/// The chart with this id, with its data memo, or None for an unknown id.
pub fn chart(id: &str) -> Option<AnyView> {
    let st = use_state();
    let (est, series) = (st.est, st.series);
    // A's chart data is its own memo: it changes only when A does, not with every move of B.
    macro_rules! overlay {
        ($t:ty) => {
            Memo::new(move |_| {
                st.pinned.with(|p| {
                    p.as_ref()
                        .map(|p| pinned_chart(<$t>::from_series(&p.series, &p.est)))
                })
            })
        };
    }
    // `published` adds the published measurements matching the scenario (the time charts).
    macro_rules! from_series {
        ($t:ty, $draw:expr, $class:expr) => {
            from_series!($t, $draw, $class, |d: $t| d)
        };
        ($t:ty, $draw:expr, $class:expr, published) => {
            // Published points, and the engine profile's spread around the calibrated line.
            from_series!($t, $draw, $class, |d: $t| st
                .published
                .with(|p| d.with_published(p))
                .with_band(st.spec.with(|s| {
                    s.profile().shown_band().map(|(b, _)| (b.low, b.high))
                })))
        };
        ($t:ty, $draw:expr, $class:expr, $extra:expr) => {{
            let a = overlay!($t);
            let data = Memo::new(move |_| {
                let d = series.with(|s| est.with(|e| <$t>::from_series(s, e)));
                let mut d = ($extra)(d);
                d.set_pinned(overlay_of(a));
                d
            });
            view! { <Chart data=data draw=$draw class=$class pinned=a /> }.into_any()
        }};
    }
    Some(match id {
        "why-decode" => {
            let data = Memo::new(move |_| est.with(DecodeTimeData::from_estimate));
            view! { <Chart data=data draw=decode_time class="short" /> }.into_any()
        }
        "roofline" => {
            let readout = RwSignal::new(Readout::None);
            let (data, a) = roofline_memo(Signal::from(false), readout.into());
            view! { <Chart data=data draw=roofline readout=readout pinned=a /> }.into_any()
        }
        "memory" => {
            let data = Memo::new(move |_| est.with(MemoryData::from_estimate));
            view! { <Chart data=data draw=memory class="short" /> }.into_any()
        }
        "fit-matrix" => {
            let data = fit_matrix_memo();
            view! { <Chart data=data draw=fit_matrix class="tall" /> }.into_any()
        }
        "kv-crossover" => from_series!(KvCrossoverData, kv_crossover, ""),
        "kv-context" => from_series!(KvContextData, kv_context, ""),
        "decode-intensity" => from_series!(DecodeIntensityData, decode_intensity, ""),
        "prefill-intensity" => from_series!(PrefillIntensityData, prefill_intensity, ""),
        "ttft" => from_series!(TtftData, ttft, "", published),
        "batch-throughput" => from_series!(BatchThroughputData, batch_throughput, "", published),
        _ => return None,
    })
}

/// "Why decode is slow": reading the weights vs computing one token.
#[component]
pub fn WhyDecode() -> impl IntoView {
    let st = use_state();
    let text = move || st.est.with(ridgepoint::takeaways::why_decode);
    view! {
        <section class="card" id="sec-why-decode" aria-labelledby="why-h">
            <h2 id="why-h">"Why decode is slow"</h2>
            <p class="lede">{text}</p>
            {chart("why-decode")}
        </section>
    }
}

/// The roofline with decode, prefill and (optionally) each operation.
#[component]
pub fn RooflineSection() -> impl IntoView {
    let st = use_state();
    let show_ops = RwSignal::new(crate::url::flag(crate::url::OPS_KEY));
    let readout = RwSignal::new(Readout::None);
    let (data, pinned) = roofline_memo(show_ops.into(), readout.into());
    let est = st.est;
    view! {
        <section class="card" id="sec-roofline" aria-labelledby="roofline-h">
            <h2 id="roofline-h">{move || est.with(ridgepoint::takeaways::roofline_heading)}</h2>
            <p class="lede">
                "Attainable FLOP/s is the lower of two roofs: bandwidth × arithmetic intensity, and the compute peak. "
                "They meet at the ridge point; left of it a workload waits on memory, right of it on the tensor cores."
            </p>
            <label class="check">
                <input type="checkbox" prop:checked=move || show_ops.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        show_ops.set(on);
                        crate::url::set_flag(crate::url::OPS_KEY, on);
                    } />
                " Show each operation (QKV, attention, output, MLP, LM head)"
            </label>
            <Chart data=data draw=roofline readout=readout pinned=pinned />
            <div class="figures">
                {derived(est, "ridge_flop_per_byte", "Ridge point", |e| e.ridge.to_string())}
                {derived(est, "decode.intensity", "Decode intensity", |e| e.decode.intensity.to_string())}
                {derived(est, "decode.bound", "Decode is", |e: &Estimate| e.decode.bound.label().to_string())}
                {derived(est, "prefill.intensity", "Prefill intensity", |e| e.prefill.intensity.to_string())}
                {timed(est, "tpot_floor_s", "Time per output token (floor)", |e| Unit::Seconds.format(e.floor.tpot.get()))}
                {timed(est, "ttft_floor_s", "Time to first token (floor)", |e| e.floor.ttft.to_string())}
            </div>
        </section>
    }
}

/// Memory breakdown against capacity, and the fit matrix.
#[component]
pub fn MemorySection() -> impl IntoView {
    let st = use_state();
    let est = st.est;
    let verdict = move || {
        est.with(|e| {
            let m = &e.memory;
            let verdict = if m.fits {
                (
                    true,
                    format!(
                        "Fits: {} of {} per GPU.",
                        Unit::Bytes.format(m.total.get()),
                        Unit::Bytes.format(m.capacity.get())
                    ),
                )
            } else {
                (
                    false,
                    format!(
                        "Does not fit: {} needed, {} available per GPU.",
                        Unit::Bytes.format(m.total.get()),
                        Unit::Bytes.format(m.capacity.get())
                    ),
                )
            };
            if m.fits && !e.within_window() {
                (
                    false,
                    format!(
                        "Fits in memory ({} of {} per GPU), but {} tokens per sequence are past the model's {}-token context window: it would not run.",
                        Unit::Bytes.format(m.total.get()),
                        Unit::Bytes.format(m.capacity.get()),
                        Unit::Count.format(e.context as f64),
                        Unit::Count.format(e.context_window as f64)
                    ),
                )
            } else {
                verdict
            }
        })
    };
    view! {
        <section class="card" id="sec-memory" aria-labelledby="memory-h">
            <h2 id="memory-h">"Memory: does it fit?"</h2>
            <p class="verdict" class:yes=move || verdict().0 class:no=move || !verdict().0 data-testid="verdict">
                {move || verdict().1}
            </p>
            {chart("memory")}
            <div class="figures">
                {derived(est, "memory.weights_bytes", "Weights, all GPUs", |e| e.weights.to_string())}
                {derived(est, "memory.kv_cache_bytes", "KV cache per GPU", |e| e.memory.kv_cache.to_string())}
                {derived(est, "memory.activations_bytes", "Activations", |e| e.memory.activations.to_string())}
                {derived(est, "memory.total_bytes", "Total per GPU", |e| e.memory.total.to_string())}
                {derived(est, "max_batch", "Largest batch that fits", |e| e.max_batch.to_string())}
                {derived(est, "max_context", "Longest context at this batch", ridgepoint::report::longest_context_text)}
            </div>
            <h3>"Which models fit on this GPU?"</h3>
            <p class="lede">{move || st.scenario.with(ridgepoint::takeaways::fit_matrix_lede)}</p>
            {chart("fit-matrix")}
        </section>
    }
}

/// Memory against batch and against context: where the KV cache overtakes the weights.
#[component]
pub fn KvCrossover() -> impl IntoView {
    let st = use_state();
    let est = st.est;
    view! {
        <section class="card" id="sec-kv" aria-labelledby="kv-h">
            <h2 id="kv-h">"When does the KV cache dominate?"</h2>
            <p class="lede">"Weights are paid once; the KV cache is paid per sequence and per token of context."</p>
            <div class="figures">
                {derived(est, "kv_per_token", "KV cache per token", |e| e.kv_per_token.to_string())}
                {derived(est, "kv_crossover_batch", "KV outweighs weights from batch", |e| {
                    e.kv_crossover_batch.map(|b| b.to_string()).unwrap_or_else(|| "never".into())
                })}
            </div>
            <div class="chart-pair">
                {chart("kv-crossover")}
                {chart("kv-context")}
            </div>
        </section>
    }
}

/// Arithmetic intensity of decode against batch and of prefill against prompt length.
#[component]
pub fn Intensity() -> impl IntoView {
    view! {
        <section class="card" id="sec-intensity" aria-labelledby="intensity-h">
            <h2 id="intensity-h">"Arithmetic intensity"</h2>
            <p class="lede">
                "Decode reuses each weight once per sequence in the batch; prefill once per prompt token. "
                "Where a curve crosses the ridge, the work turns compute-bound."
            </p>
            <div class="chart-pair">
                {chart("decode-intensity")}
                {chart("prefill-intensity")}
            </div>
        </section>
    }
}

/// Time to first token and decode throughput against batch.
#[component]
pub fn TimeSection() -> impl IntoView {
    let st = use_state();
    let est = st.est;
    let published_note = move || {
        st.published.with(|p| match p.len() {
            0 => "No published measurement matches this GPU, GPU count, model and weight format \
                  (Llama-2-7B at FP16 on one A100 80GB has some)."
                .to_string(),
            n => format!(
                "Diamonds: {n} published measurement{} for this GPU, GPU count, model and weight \
                 format, sources in the data tables. Published throughputs include the prefill, \
                 so they sit below the decode-only curve.",
                if n == 1 { "" } else { "s" }
            ),
        })
    };
    view! {
        <section class="card" id="sec-time" aria-labelledby="time-h">
            <h2 id="time-h">"Time estimates"</h2>
            <div class="figures">
                {timed(est, "ttft_s", "Time to first token (calibrated)", |e| e.calibrated.ttft.to_string())}
                {timed(est, "tpot_s", "Time per output token (calibrated)", |e| e.calibrated.tpot.to_string())}
                {timed(est, "request_latency_s", "Request latency (calibrated)", |e| e.calibrated.request_latency.to_string())}
                {timed(est, "throughput_tokens_per_s", "Throughput with prefill (calibrated)", |e| Unit::TokensPerSec.format(e.calibrated.throughput))}
                {timed(est, "decode_throughput_tokens_per_s", "Decode throughput (calibrated)", |e| Unit::TokensPerSec.format(e.calibrated.decode_throughput))}
                {derived(est, "knee_batch", "Throughput knee", ridgepoint::report::knee_text)}
                {derived(est, "spec.tokens_per_step", "Tokens per step (speculative)", |e| {
                    e.speculative.map(|s| sig3(s.tokens_per_step)).unwrap_or_else(|| "off".into())
                })}
            </div>
            <div class="chart-pair">
                {chart("ttft")}
                {chart("batch-throughput")}
            </div>
            <p class="note" data-testid="published-note">{published_note}</p>
        </section>
    }
}

//! "How a kernel runs", the memory hierarchy as a table, and prefill against decode: what
//! bounds each in this scenario and which optimizations target which. Every number comes from
//! `ridgepoint::gpu_arch`, called inside memos.

use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::gpu_arch::{
    self, Basis, Effect, Execution, Fact, Fit, Implication, Level, PhaseBound,
};
use ridgepoint::units::{sig3, Unit};
use ridgepoint::Bound;

/// On-chip sizes in binary units, as vendors quote them; device memory in decimal GB.
fn size_text(id: &str, b: f64) -> String {
    if id == "dram" {
        Unit::Bytes.format(b)
    } else if b >= 1024.0 * 1024.0 {
        format!("{} MiB", sig3(b / (1024.0 * 1024.0)))
    } else {
        format!("{} KiB", sig3(b / 1024.0))
    }
}

/// A value with a "typical" mark when it was not measured on this GPU; the basis is its title.
fn cell<T>(f: Option<&Fact<T>>, show: impl Fn(&T) -> String) -> AnyView {
    match f {
        None => view! { <span class="none">"—"</span> }.into_any(),
        Some(f) => {
            let typical = f.basis.is_typical();
            let title = f.basis.text().to_string();
            view! {
                <span title=title>
                    {show(&f.value)}
                    {typical.then(|| view! { <span class="typical">" typical"</span> })}
                </span>
            }
            .into_any()
        }
    }
}

/// Every distinct basis behind a table, in order.
fn bases<'a>(facts: impl Iterator<Item = &'a Basis>) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for b in facts {
        let item = (b.is_typical(), b.text().to_string());
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn source_list(items: Vec<(bool, String)>) -> impl IntoView {
    view! {
        <ul class="basis-list">
            {items.into_iter().map(|(typical, text)| view! {
                <li>{typical.then(|| view! { <strong>"Typical: "</strong> })}{text}</li>
            }).collect_view()}
        </ul>
    }
}

fn count(v: u64) -> String {
    Unit::Count.format(v as f64)
}

/// The grid → blocks → warps figure, with this GPU's numbers.
fn kernel_figure(e: &Execution) -> impl IntoView {
    let ws = e.warp_size.value;
    let unit = e.unit;
    let block = e
        .max_threads_per_block
        .as_ref()
        .map(|b| {
            format!(
                "≤ {} threads = {} {unit}s",
                count(b.value as u64),
                b.value / ws
            )
        })
        .unwrap_or_else(|| format!("{unit}s of {ws}"));
    let sm = match (&e.max_threads_per_sm, &e.max_warps_per_sm) {
        (Some(t), Some(w)) => format!(
            "≤ {} threads, {} {unit}s resident",
            count(t.value as u64),
            w.value
        ),
        _ => "resident limit not sourced".into(),
    };
    let label = format!(
        "A kernel's grid of thread blocks spread over {} SMs; a block holds {block}; a {unit} is {ws} threads running one instruction; an SM keeps {sm}.",
        e.sms
    );
    view! {
        <figure class="kernel-fig" role="img" aria-label=label data-testid="kernel-figure">
            <div class="kf-grid">
                <div class="kf-title">"Grid (one kernel launch) → " {e.sms} " SMs"</div>
                <div class="kf-blocks">
                    <div class="kf-block">
                        <div class="kf-title">"Thread block: " {block.clone()}</div>
                        <div class="kf-warps">
                            {(0..4).map(|i| view! {
                                <div class="kf-warp" class:kf-diverge=move || i == 3>
                                    <span class="kf-lanes">{(0..8).map(|_| view! { <i></i> }).collect_view()}</span>
                                    <span class="kf-wlabel">{if i == 3 { format!("{unit}: {ws} lanes, branch split → both paths run") } else { format!("{unit} of {ws}, one instruction") }}</span>
                                </div>
                            }).collect_view()}
                        </div>
                    </div>
                    <div class="kf-block kf-more">"… more blocks, scheduled as SMs free up"</div>
                </div>
                <div class="kf-sm">"Each SM: " {sm}</div>
            </div>
        </figure>
    }
}

fn exec_view(e: Execution) -> AnyView {
    let rows: Vec<(&str, AnyView)> = vec![
        (
            "Architecture",
            view! { <span>{e.architecture}</span> }.into_any(),
        ),
        ("Version", cell(Some(&e.version), |v| v.clone())),
        (
            "SMs / compute units",
            view! { <span>{e.sms}</span> }.into_any(),
        ),
        (
            "Warp size",
            cell(Some(&e.warp_size), |v| format!("{v} threads ({})", e.unit)),
        ),
        (
            "Max threads per block",
            cell(e.max_threads_per_block.as_ref(), |v| count(*v as u64)),
        ),
        (
            "Max threads per SM",
            cell(e.max_threads_per_sm.as_ref(), |v| count(*v as u64)),
        ),
        (
            "Max warps per SM",
            cell(e.max_warps_per_sm.as_ref(), |v| v.to_string()),
        ),
        (
            "Max thread blocks per SM",
            cell(e.max_blocks_per_sm.as_ref(), |v| v.to_string()),
        ),
        (
            "32-bit registers per SM",
            cell(e.registers_per_sm.as_ref(), |v| count(*v as u64)),
        ),
        (
            "Shared memory per SM (max)",
            cell(e.shared_per_sm.as_ref(), |v| {
                format!("{} KiB", sig3(v.get() / 1024.0))
            }),
        ),
        (
            "Resident threads, whole GPU",
            view! { <span>{e.resident_threads.map(count).unwrap_or_else(|| "—".into())}</span> }
                .into_any(),
        ),
    ];
    let facts = [
        Some(&e.version.basis),
        Some(&e.warp_size.basis),
        e.max_threads_per_block.as_ref().map(|f| &f.basis),
        e.max_threads_per_sm.as_ref().map(|f| &f.basis),
        e.max_blocks_per_sm.as_ref().map(|f| &f.basis),
        e.registers_per_sm.as_ref().map(|f| &f.basis),
        e.shared_per_sm.as_ref().map(|f| &f.basis),
    ];
    let sources = bases(facts.into_iter().flatten());
    let figure = kernel_figure(&e);
    view! {
        <div class="exec">
            {figure}
            <ol class="chain" data-testid="kernel-chain">
                {e.chain.into_iter().map(|s| view! { <li><strong>{s.level}</strong>" — "{s.text}</li> }).collect_view()}
            </ol>
            <table class="specs" data-testid="exec-facts">
                <caption>"Per-SM limits"</caption>
                <tbody>
                    {rows.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
                </tbody>
            </table>
            <details class="source">
                <summary>"Sources"</summary>
                {source_list(sources)}
            </details>
        </div>
    }
    .into_any()
}

fn hierarchy_view(levels: Vec<Level>) -> impl IntoView {
    let sources = bases(levels.iter().flat_map(|l| {
        [
            l.size.as_ref().map(|f| &f.basis),
            l.bandwidth.as_ref().map(|f| &f.basis),
            l.latency_cycles.as_ref().map(|f| &f.basis),
        ]
        .into_iter()
        .flatten()
    }));
    view! {
        <div class="table-wrap hier-wrap">
            <table class="data-table hier-table" data-testid="hierarchy-table">
                <caption>"Memory hierarchy: size of the whole GPU, aggregate bandwidth, load latency"</caption>
                <thead>
                    <tr><th scope="col">"Level"</th><th scope="col">"Size"</th><th scope="col">"Bandwidth"</th><th scope="col">"Latency"</th></tr>
                </thead>
                <tbody>
                    {levels.into_iter().map(|l| {
                        let id = l.id;
                        view! {
                            <tr data-level=id>
                                <th scope="row">{l.name.clone()}</th>
                                <td>{cell(l.size.as_ref(), |b| size_text(id, b.get()))}</td>
                                <td>{cell(l.bandwidth.as_ref(), |b| Unit::BytesPerSec.format(b.get()))}</td>
                                <td>{cell(l.latency_cycles.as_ref(), |c| format!("{} cycles", sig3(*c)))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <details class="source">
            <summary>"Sources for the table"</summary>
            {source_list(sources)}
        </details>
    }
}

fn effect_view(e: Effect) -> impl IntoView {
    let class = match e {
        Effect::Helps => "eff eff-helps",
        Effect::Little => "eff eff-little",
        Effect::No => "eff eff-no",
        Effect::Hurts => "eff eff-hurts",
        Effect::NotApplicable => "eff eff-na",
    };
    view! { <span class=class>{e.label()}</span> }
}

fn phase_view(p: PhaseBound) -> impl IntoView {
    let class = match p.bound {
        Bound::Memory => "bound bound-memory",
        Bound::Compute => "bound bound-compute",
    };
    view! {
        <li data-phase=p.which.label()>
            <strong>{p.which.label()}</strong>" "
            <span class=class>{p.bound.label()}</span>
            " — "{p.why}
        </li>
    }
}

/// The phases and the implications table, updated in place: the rows are built once per row
/// count and each cell follows its own memo, so a slider step changes the texts that changed
/// instead of rebuilding the table.
fn implications_view(phases: Memo<[PhaseBound; 2]>, rows: Memo<Vec<Implication>>) -> impl IntoView {
    let n = Memo::new(move |_| rows.with(Vec::len));
    let row = move |i: usize| {
        let field = move |f: fn(&Implication) -> String| {
            Memo::new(move |_| rows.with(|v| v.get(i).map(f).unwrap_or_default()))
        };
        let lever = field(|r| r.lever.to_string());
        let href = field(|r| format!("#{}", r.anchor));
        let name = field(|r| r.name.to_string());
        let fit = field(|r| {
            match r.fit {
                Fit::Frees => "frees memory",
                Fit::Same => "",
                Fit::Needs => "needs memory",
            }
            .to_string()
        });
        let targets = field(|r| r.targets.label().to_string());
        let why = field(|r| r.why.clone());
        let effect = move |f: fn(&Implication) -> Effect| {
            Memo::new(move |_| rows.with(|v| v.get(i).map(f).unwrap_or(Effect::NotApplicable)))
        };
        let (prefill, decode) = (effect(|r| r.prefill), effect(|r| r.decode));
        view! {
            <tr data-lever=move || lever.get()>
                <th scope="row"><a href=move || href.get()>{move || name.get()}</a>{move || {
                    let f = fit.get();
                    (!f.is_empty()).then(|| view! { <span class="fit">{f}</span> })
                }}</th>
                <td data-col="Targets">{move || targets.get()}</td>
                <td data-col="Prefill">{move || effect_view(prefill.get())}</td>
                <td data-col="Decode">{move || effect_view(decode.get())}</td>
                <td class="why">{move || why.get()}</td>
            </tr>
        }
    };
    view! {
        <ul class="phases" data-testid="phase-bounds">
            {move || phases.get().into_iter().map(phase_view).collect_view()}
        </ul>
        <div class="table-wrap impl-wrap">
            <table class="data-table impl-table" data-testid="implications-table">
                <caption>"Which optimization targets which phase, for this scenario"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Optimization"</th>
                        <th scope="col">"Targets"</th>
                        <th scope="col">"Prefill"</th>
                        <th scope="col">"Decode"</th>
                        <th scope="col">"Why, in this scenario's numbers"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || (0..n.get()).map(row).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The section: execution model, hierarchy table, optimization implications.
#[component]
pub fn HardwareSection() -> impl IntoView {
    let st = use_state();
    let gpu = Memo::new(move |_| st.scenario.with(|s| s.gpu.clone()));
    let exec = Memo::new(move |_| gpu.with(gpu_arch::execution_model));
    let levels = Memo::new(move |_| gpu.with(gpu_arch::hierarchy));
    // The implications follow every control; far from the viewport they keep their last
    // value (their table rebuilt on each slider step was 200 DOM mutations of the page's 276).
    let active = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Section>::new();
    root.on_load(move |el| crate::near::observe_near(&el, active, 400));
    let phases = Memo::new(move |prev: Option<&[PhaseBound; 2]>| match prev {
        Some(p) if !active.get() => p.clone(),
        _ => st.est.with(gpu_arch::phases),
    });
    let rows = Memo::new(move |prev: Option<&Vec<Implication>>| match prev {
        Some(p) if !active.get() => p.clone(),
        _ => st
            .scenario
            .with(|s| st.est.with(|e| gpu_arch::implications(s, e))),
    });
    let name = move || gpu.with(|g| g.name.clone());
    view! {
        <section class="card" id="sec-hardware" aria-labelledby="hardware-h" data-testid="hardware" node_ref=root>
            <h2 id="hardware-h">"How a kernel runs on the " {name}</h2>
            <p class="lede">
                "A kernel launch is a grid of thread blocks scheduled onto SMs; each block is split into warps of 32 threads that execute one instruction together (SIMT). When threads of a warp branch differently, both paths run one after the other: warp divergence wastes cycles."
            </p>
            {move || match exec.get() {
                Ok(e) => exec_view(e),
                Err(why) => view! {
                    <p class="note" data-testid="no-exec">"No execution model for this GPU: " {why} "."</p>
                }.into_any(),
            }}
            <h3 id="hierarchy-table-h">"Memory hierarchy, level by level"</h3>
            <p class="note">
                "Latency in clock cycles for one dependent load (pointer chasing). “Typical” marks a figure not measured on this GPU; hover it, or open the sources, for what it rests on."
            </p>
            {move || hierarchy_view(levels.get())}
            <h3 id="implications-h">"Optimization implications: prefill against decode"</h3>
            {implications_view(phases, rows)}
        </section>
    }
}

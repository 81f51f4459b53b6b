//! "What would help?": each optimization lever applied alone to the scenario, ranked by the
//! reader's goal. Every number comes from `ridgepoint::advise`, called inside a memo, and only
//! while the section is near the viewport (it runs about thirteen estimates).

use crate::state::use_state;
use crate::url;
use leptos::prelude::*;
use ridgepoint::advise::{advise, Advice, AdviseInput, Figures, FitChange, Goal, Outcome, Row};
use ridgepoint::query::GROUP_KEYS;
use ridgepoint::units::{sig3, Unit};
use ridgepoint::Spec;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The reader's words for each goal.
fn goal_label(g: Goal) -> &'static str {
    match g {
        Goal::Latency => "Latency",
        Goal::Throughput => "Throughput",
        Goal::Fit => "Fit in memory",
    }
}

/// The goal in the link (`goal=latency|throughput|fit`); latency when none or unknown.
fn goal_from_link() -> Goal {
    url::goal()
        .and_then(|g| Goal::from_id(&g))
        .unwrap_or(Goal::Latency)
}

/// `spec` with a row's link keys applied: the keys it sets replace the current ones, and a
/// new weight format also drops the groups' own formats the row does not keep.
pub fn applied_spec(spec: &Spec, link: &[(&'static str, String)]) -> Spec {
    let sets_weights = link.iter().any(|(k, _)| *k == "w");
    let drop = |k: &str| {
        link.iter().any(|(l, _)| *l == k)
            || (sets_weights && GROUP_KEYS.iter().any(|(g, _)| *g == k))
    };
    let current = spec.to_query();
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(current.as_bytes()) {
        if !drop(&k) {
            q.append_pair(&k, &v);
        }
    }
    for (k, v) in link {
        q.append_pair(k, v);
    }
    Spec::from_query(&q.finish()).0
}

/// A time ratio (after / before) in words: "2.1× faster", "1.3× slower", "same".
fn time_ratio(r: f64) -> String {
    if (r - 1.0).abs() < 1e-3 {
        "same".into()
    } else if r < 1.0 {
        format!("{}× faster", times(1.0 / r))
    } else {
        format!("{}× slower", times(r))
    }
}

/// An amount's ratio: "2× the throughput", "0.5× the memory".
fn amount_ratio(r: f64, what: &str) -> String {
    if (r - 1.0).abs() < 1e-3 {
        "same".into()
    } else {
        format!("{}× the {what}", times(r))
    }
}

/// A ratio's digits: three decimals within 1% of 1 (so "1.004×", not "1×"), two below 10.
fn times(r: f64) -> String {
    if (r - 1.0).abs() < 0.01 {
        format!("{r:.3}")
    } else if r < 10.0 {
        format!("{r:.2}")
    } else {
        sig3(r)
    }
}

fn secs(v: f64) -> String {
    Unit::Seconds.format(v)
}

fn bytes(v: f64) -> String {
    Unit::Bytes.format(v)
}

fn tps(v: f64) -> String {
    Unit::TokensPerSec.format(v)
}

/// The bound after, decode and prefill.
fn bounds(f: &Figures) -> String {
    format!(
        "decode {} · prefill {}",
        f.decode.bound.label(),
        f.prefill.bound.label()
    )
}

/// One cell: the ratio, then the absolute value after.
fn cell(label: &'static str, ratio: String, value: String) -> impl IntoView {
    view! {
        <td data-label=label>
            <span class="adv-ratio">{ratio}</span>
            <span class="adv-abs">{value}</span>
        </td>
    }
}

fn fit_badge(f: Option<FitChange>) -> Option<(&'static str, &'static str)> {
    match f? {
        FitChange::StillFits => None,
        FitChange::StopsFitting => Some(("stops", "Stops fitting")),
        FitChange::NowFits => Some(("now", "Now fits")),
        FitChange::StillDoesNotFit => Some(("still-not", "Still does not fit")),
    }
}

fn row_view(r: Row, base: &Figures) -> impl IntoView {
    let st = use_state();
    let id = r.lever.id();
    let anchor = format!("advise-{id}");
    let outcome = match r.outcome {
        Outcome::Applied => "applied",
        Outcome::AlreadyAssumed => "assumed",
        Outcome::CannotApply => "cannot",
    };
    let fit = fit_badge(r.fit);
    let fit_attr = fit.map(|(k, _)| k).unwrap_or("fits");
    let lever_cell = view! {
        <th scope="row" data-label="Lever">
            {fit.map(|(k, text)| view! { <span class=format!("adv-fit {k}")>{text}</span> })}
            <span class="adv-lever">{r.label.clone()}</span>
        </th>
    };
    let (Some(after), Some(c)) = (r.after.clone(), r.change) else {
        let status = match r.outcome {
            Outcome::AlreadyAssumed => "Already assumed",
            _ => "Cannot apply",
        };
        return view! {
            <tbody id=anchor class="adv-row adv-off" data-lever=id data-outcome=outcome data-fit=fit_attr>
                <tr>
                    {lever_cell}
                    <td class="adv-why" colspan="6" data-label="Why">
                        {(!r.why.starts_with(status)).then(|| view! { <strong class="adv-status">{status}": "</strong> })}{r.why.clone()}
                    </td>
                </tr>
            </tbody>
        }
        .into_any();
    };
    let mem_before = base.memory.total.get();
    let mem_after = after.memory.total.get();
    let mem_ratio = if mem_before > 0.0 {
        mem_after / mem_before
    } else {
        1.0
    };
    let link = r.link.clone();
    let actions = (!link.is_empty()).then(|| {
        let l2 = link.clone();
        let apply = move |_| {
            let next = st.spec.with_untracked(|s| applied_spec(s, &link));
            st.spec.set(next);
        };
        let compare = move |_| {
            let current = st.spec.get_untracked();
            let next = applied_spec(&current, &l2);
            st.pin.set(Some(current));
            st.spec.set(next);
        };
        view! {
            <button type="button" on:click=apply data-testid="advise-apply">"Apply"</button>
            <button type="button" on:click=compare data-testid="advise-compare">"Compare"</button>
        }
    });
    let no_link = link_note(&r);
    view! {
        <tbody id=anchor class="adv-row" class:adv-stops=matches!(r.fit, Some(FitChange::StopsFitting))
            data-lever=id data-outcome=outcome data-fit=fit_attr>
            <tr class="adv-nums">
            {lever_cell}
            {cell("TTFT", time_ratio(c.ttft), secs(after.timing.ttft.get()))}
            {cell("Time per output token", time_ratio(c.tpot), secs(after.timing.tpot.get()))}
            {cell("Throughput with prefill", amount_ratio(c.throughput, "throughput"), tps(after.timing.throughput))}
            {cell(
                "Memory per GPU",
                amount_ratio(mem_ratio, "memory"),
                format!("{} of {}", bytes(mem_after), bytes(after.memory.capacity.get())),
            )}
            <td data-label="Largest batch">{format!("{} → {}", c.max_batch.0, c.max_batch.1)}</td>
            <td data-label="Bound after">
                <span class="adv-bound">{format!("decode {}", after.decode.bound.label())}</span>
                <span class="adv-bound">{format!("prefill {}", after.prefill.bound.label())}</span>
            </td>
            </tr>
            <tr class="adv-because">
                <td class="adv-why" colspan="7" data-label="Why">
                    <p>{r.why.clone()}</p>
                    <div class="adv-actions">{actions}{no_link}</div>
                </td>
            </tr>
        </tbody>
    }
    .into_any()
}

/// Why a row that was applied has no buttons: it is not a setting of the page's scenario.
fn link_note(r: &Row) -> Option<impl IntoView> {
    r.link
        .is_empty()
        .then(|| view! { <span class="adv-note">"A what-if, not a setting of the scenario: nothing to apply."</span> })
}

/// "What would help?" (`data-testid="advise"`): the goal picker, the baseline and one row per
/// lever (`id="advise-<lever>"`), best first for the goal.
#[component]
pub fn AdviseSection() -> impl IntoView {
    let st = use_state();
    let goal = RwSignal::new(goal_from_link());
    let near = RwSignal::new(false);
    // A link to one of the rows opens the section at once.
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    if hash.starts_with("#advise") || hash == "#sec-advise" {
        near.set(true);
    }
    // A link followed on the page (the implications table's) computes the rows, then lands
    // on its row once they are drawn.
    let on_hash = Closure::<dyn FnMut()>::new(move || {
        let Some(w) = web_sys::window() else { return };
        let hash = w.location().hash().unwrap_or_default();
        if let Some(id) = hash.strip_prefix('#').filter(|h| h.starts_with("advise")) {
            let id = id.to_string();
            near.set(true);
            request_animation_frame(move || {
                if let Some(el) = w.document().and_then(|d| d.get_element_by_id(&id)) {
                    el.scroll_into_view();
                }
            });
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
    }
    on_hash.forget();
    let section = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if let Some(el) = section.get() {
            crate::near::observe_near(&el, near, 300);
        }
    });
    // Off screen the last advice stays (and nothing is estimated) until the section is near.
    let advice = Memo::new(move |prev: Option<&Option<Result<Advice, String>>>| {
        if !near.get() {
            return prev.cloned().flatten();
        }
        let g = goal.get();
        Some(
            st.scenario
                .with(|s| advise(&AdviseInput::new(s.clone(), g)).map_err(|p| p.message)),
        )
    });
    let pick = move |g: Goal| {
        goal.set(g);
        if g == Goal::Latency {
            url::remove_view_param(url::GOAL_KEY);
        } else {
            url::set_view_param(url::GOAL_KEY, g.id());
        }
    };
    let body = move || {
        advice.with(|a| match a {
            None => view! { <p class="note">"Computed when this section is on screen."</p> }.into_any(),
            Some(Err(m)) => view! { <p class="problems" role="alert">{m.clone()}</p> }.into_any(),
            Some(Ok(a)) => {
                let b = &a.baseline;
                let now = format!(
                    "Now: TTFT {}, time per output token {}, throughput with prefill {}, memory {} of {} per GPU ({}), largest batch {}, {}.",
                    secs(b.timing.ttft.get()),
                    secs(b.timing.tpot.get()),
                    tps(b.timing.throughput),
                    bytes(b.memory.total.get()),
                    bytes(b.memory.capacity.get()),
                    if b.memory.fits { "fits" } else { "does not fit" },
                    b.max_batch,
                    bounds(b),
                );
                let rows = a.rows.iter().cloned().map(|r| row_view(r, b)).collect_view();
                view! {
                    <p class="adv-now" data-testid="advise-baseline">{now}</p>
                    <div class="table-wrap">
                        <table class="data-table advise-table" data-testid="advise-table">
                            <caption>{format!("Each lever applied alone, best first for {} (calibrated times, memory per GPU)", goal_label(a.goal).to_lowercase())}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Lever"</th>
                                    <th scope="col">"TTFT"</th>
                                    <th scope="col">"Time per output token"</th>
                                    <th scope="col">"Throughput with prefill"</th>
                                    <th scope="col">"Memory per GPU"</th>
                                    <th scope="col">"Largest batch"</th>
                                    <th scope="col">"Bound after"</th>
                                </tr>
                            </thead>
                            {rows}
                        </table>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="card advise" id="sec-advise" aria-labelledby="advise-h" data-testid="advise" node_ref=section>
            <h2 id="advise-h">"What would help?"</h2>
            <p class="lede">
                "Each optimization applied alone to this scenario and estimated again: what it does "
                "to the time to first token, the time per output token, the throughput and the memory, "
                "and why in the roofline's terms (bytes per token while decode is memory-bound, FLOPs "
                "while it is compute-bound). A lever that would stop the scenario fitting says so first."
            </p>
            <fieldset class="adv-goal" data-testid="advise-goal">
                <legend>"Rank for"</legend>
                {Goal::ALL.into_iter().map(|g| view! {
                    <label>
                        <input type="radio" name="advise-goal" value=g.id()
                            prop:checked=move || goal.get() == g
                            on:change=move |_| pick(g) />
                        {goal_label(g)}
                    </label>
                }).collect_view()}
            </fieldset>
            {body}
        </section>
    }
}

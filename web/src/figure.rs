//! A headline number that opens its derivation.

use leptos::prelude::*;
use ridgepoint::{Derivation, Estimate};

/// One figure: label, value, and its derivation behind a disclosure (built only while open).
#[component]
pub fn Figure(
    /// Test id and derivation key.
    key: &'static str,
    /// What the number is.
    label: &'static str,
    /// The value, formatted.
    #[prop(into)]
    value: Signal<String>,
    /// The estimate whose derivation `key` explains the value.
    est: Memo<Estimate>,
    /// Greyed: the figure belongs to a scenario that would not run.
    #[prop(optional, into)]
    dim: Option<Signal<bool>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="figure" class:not-run=move || dim.is_some_and(|d| d.get()) data-testid=key>
            <details on:toggle=move |ev| {
                let el: web_sys::HtmlDetailsElement = event_target(&ev);
                open.set(el.open());
            }>
                <summary>
                    <span class="figure-label">{label}</span>
                    <span class="figure-value">{move || value.get()}</span>
                </summary>
                <Show when=move || open.get()>
                    <LiveDerivation est=est key=key />
                </Show>
            </details>
        </div>
    }
}

/// The derivation `key` of the current estimate, kept current. Only the text that changes is
/// written: a scenario change rewrites a few text nodes, not the whole block.
#[component]
pub fn LiveDerivation(est: Memo<Estimate>, key: &'static str) -> impl IntoView {
    let d = Memo::new(move |_| est.with(|e| e.derivation(key).cloned()));
    let line = move |f: fn(&Derivation) -> String| move || d.with(|d| d.as_ref().map(f));
    let substituted = move || d.with(|d| d.as_ref().is_some_and(|d| !d.terms.is_empty()));
    let note = Memo::new(move |_| d.with(|d| d.as_ref().and_then(|d| d.note)));
    view! {
        <div class="derivation">
            <code>{line(|d| format!("{} = {}", d.symbol, d.expr))}</code>
            <Show when=substituted>
                <code>{line(|d| format!("= {}", d.substituted()))}</code>
            </Show>
            <code class="result">{line(|d| format!("= {}", d.result_text()))}</code>
            {move || note.get().map(|n| view! { <p class="note">{n}</p> })}
        </div>
    }
}

/// A derivation as three lines: formula, values substituted, result; and its note.
#[component]
pub fn DerivationView(d: Derivation) -> impl IntoView {
    let substituted = (!d.terms.is_empty()).then(|| format!("= {}", d.substituted()));
    view! {
        <div class="derivation">
            <code>{format!("{} = {}", d.symbol, d.expr)}</code>
            {substituted.map(|s| view! { <code>{s}</code> })}
            <code class="result">{format!("= {}", d.result_text())}</code>
            {d.note.map(|n| view! { <p class="note">{n}</p> })}
        </div>
    }
}

/// A figure whose value and derivation come from the estimate under `key`.
pub fn derived(
    est: Memo<Estimate>,
    key: &'static str,
    label: &'static str,
    value: fn(&Estimate) -> String,
) -> impl IntoView {
    let v = Signal::derive(move || est.with(value));
    view! { <Figure key=key label=label value=v est=est /> }
}

/// A time figure: its value while the scenario runs; greyed and "would not run: needs 140 GB of
/// 80 GB per GPU" (the engine's words) when it does not.
pub fn timed(
    est: Memo<Estimate>,
    key: &'static str,
    label: &'static str,
    value: fn(&Estimate) -> String,
) -> impl IntoView {
    let v = Signal::derive(move || est.with(|e| e.would_not_run().unwrap_or_else(|| value(e))));
    let dim = Signal::derive(move || est.with(|e| !e.runs()));
    view! { <Figure key=key label=label value=v est=est dim=dim /> }
}

//! A headline number that opens its derivation.

use leptos::prelude::*;
use ridgepoint::{Derivation, Estimate};

/// One figure: label, value, and the derivation behind a disclosure.
#[component]
pub fn Figure(
    /// Test id and derivation key.
    key: &'static str,
    /// What the number is.
    label: &'static str,
    /// The value, formatted.
    #[prop(into)]
    value: Signal<String>,
    /// How it was made (None: no derivation to show).
    #[prop(into)]
    derivation: Signal<Option<Derivation>>,
) -> impl IntoView {
    view! {
        <div class="figure" data-testid=key>
            <details>
                <summary>
                    <span class="figure-label">{label}</span>
                    <span class="figure-value">{move || value.get()}</span>
                </summary>
                {move || derivation.get().map(|d| view! { <DerivationView d=d /> })}
            </details>
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
    let d = Signal::derive(move || est.with(|e| e.derivation(key).cloned()));
    view! { <Figure key=key label=label value=v derivation=d /> }
}

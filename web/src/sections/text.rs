//! Takeaways and quick-reference formulas, with the current scenario's numbers.

use crate::figure::LiveDerivation;
use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::takeaways::takeaways;

/// Five takeaways, each a claim and this scenario's numbers, worded by the engine from the
/// numbers (`Takeaways::sentences`), so a claim never contradicts the figures beside it.
#[component]
pub fn TakeawaysSection() -> impl IntoView {
    let st = use_state();
    let t = Memo::new(move |_| st.scenario.with(|s| st.series.with(|sr| takeaways(s, sr))));
    let words = Memo::new(move |_| t.with(|t| (t.caveat(), t.sentences())));
    view! {
        <section class="card" id="sec-takeaways" aria-labelledby="takeaways-h">
            <h2 id="takeaways-h">"Five things to know, for this scenario"</h2>
            {move || words.with(|(c, _)| c.clone()).map(|c| view! {
                <p class="note" data-testid="takeaways-caveat">{c}</p>
            })}
            <ol class="takeaways" data-testid="takeaways">
                {move || words.with(|(_, w)| w.iter().cloned().map(|s| view! {
                    <li><strong>{s.lead}" "</strong>{s.body}</li>
                }).collect_view())}
            </ol>
        </section>
    }
}

/// Every formula with this scenario's values substituted.
#[component]
pub fn Formulas() -> impl IntoView {
    let st = use_state();
    // Far from the viewport the formulas keep the estimate they last showed: thirty-odd
    // derivations rewritten on every slider step were the page's largest DOM work.
    let active = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Section>::new();
    root.on_load(move |el| crate::near::observe_near(&el, active, 400));
    let live = st.est;
    let est = Memo::new(move |prev: Option<&ridgepoint::Estimate>| match prev {
        Some(p) if !active.get() => p.clone(),
        _ => live.get(),
    });
    let keys = Memo::new(move |_| {
        est.with(|e| {
            e.derivations
                .iter()
                .map(|d| (d.key, d.label))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card" id="sec-formulas" aria-labelledby="formulas-h" node_ref=root>
            <h2 id="formulas-h">"Quick-reference formulas"</h2>
            <div class="formulas" data-testid="formulas">
                // Rebuilt only when the set of derivations changes (speculative decoding on or
                // off); each one's numbers update in place.
                {move || keys.get().into_iter().map(|(key, label)| view! {
                    <div class="formula" data-key=key>
                        <h3>{label}</h3>
                        <LiveDerivation est=est key=key />
                    </div>
                }).collect_view()}
            </div>
        </section>
    }
}

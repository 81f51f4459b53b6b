//! The answer first: the scenario in five lines (fits, bound, TTFT, time per output token,
//! throughput), each opening its derivation, sticky at the top of the article so it stays in
//! view while the reader scrolls or changes a control.

use crate::figure::LiveDerivation;
use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::report::{answers, Answer};

/// The headline strip (`data-testid="headline"`); each line is `headline-<id>`.
#[component]
pub fn Headline() -> impl IntoView {
    let st = use_state();
    let est = st.est;
    let lines = Memo::new(move |_| est.with(|e| st.scenario.with(|s| answers(s, e))));
    let warnings = Memo::new(move |_| {
        est.with(|e| {
            e.warnings
                .iter()
                .map(|w| w.message.clone())
                .collect::<Vec<_>>()
        })
    });
    let line = move |i: usize| {
        let a = Memo::new(move |_| lines.with(|l| l.get(i).cloned()));
        let open = RwSignal::new(false);
        let get = move |f: fn(&Answer) -> String| move || a.with(|a| a.as_ref().map(f));
        let ok = move || a.with(|a| a.as_ref().is_none_or(|a| a.ok));
        // The key and id are fixed per line (answers() always returns the same five).
        let (id, key) =
            lines.with_untracked(|l| l.get(i).map(|a| (a.id, a.key)).unwrap_or(("", "")));
        view! {
            <details class="hl" class:bad=move || !ok() data-testid=format!("headline-{id}")
                on:toggle=move |ev| {
                    let el: web_sys::HtmlDetailsElement = event_target(&ev);
                    open.set(el.open());
                }>
                <summary>
                    <span class="hl-label">{get(|a| a.label.clone())}</span>
                    " "
                    <span class="hl-value">{get(|a| a.value.clone())}</span>
                </summary>
                <Show when=move || open.get()>
                    <LiveDerivation est=est key=key />
                </Show>
            </details>
        }
    };
    // How far this profile's figures have been from published ones, and whether the link
    // predates the calibration it is now read with.
    let band = Memo::new(move |_| {
        st.spec.with(|s| {
            let p = s.profile();
            let spread = p.band_sentence();
            format!("{} profile: {spread}.", p.name)
        })
    });
    let recalibrated = Memo::new(move |_| st.spec.with(|s| s.recalibrated()));
    view! {
        <section class="headline" data-testid="headline" aria-label="The answer">
            {(0..5).map(line).collect_view()}
            <p class="hl-band" data-testid="headline-band">{move || band.get()}</p>
            <Show when=move || recalibrated.with(Option::is_some)>
                <p class="hl-band warn" data-testid="headline-recalibrated">{move || recalibrated.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || !warnings.with(Vec::is_empty)>
                <details class="hl warn" data-testid="headline-warnings">
                    <summary>
                        <span class="hl-label">"Parallelism"</span>
                        " "
                        <span class="hl-value">{move || {
                            let n = warnings.with(Vec::len);
                            format!("{n} note{} on this GPU count", if n == 1 { "" } else { "s" })
                        }}</span>
                    </summary>
                    <ul>
                        {move || warnings.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                    </ul>
                </details>
            </Show>
        </section>
    }
}

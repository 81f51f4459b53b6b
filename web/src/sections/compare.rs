//! Compare mode: pin the current scenario as A, change B, and see both. The charts that
//! compare draw A in grey under B; this section lists what differs and what it did.

use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::compare::{compare, summary, Row};

/// Pin / unpin / swap, for the top of the scenario panel.
#[component]
pub fn PinControls() -> impl IntoView {
    let st = use_state();
    let pinned = move || st.pin.with(Option::is_some);
    let pin = move |_| st.pin.set(Some(st.spec.get_untracked()));
    let unpin = move |_| st.pin.set(None);
    let swap = move |_| {
        if let Some(a) = st.pin.get_untracked() {
            st.pin.set(Some(st.spec.get_untracked()));
            st.spec.set(a);
        }
    };
    view! {
        <div class="pin" data-testid="pin-controls">
            <Show
                when=pinned
                fallback=move || view! {
                    <button type="button" on:click=pin data-testid="pin">"Pin as A to compare"</button>
                }
            >
                <p class="pin-state">"Comparing with pinned A (grey in the charts)."</p>
                <button type="button" on:click=swap data-testid="swap">"Swap A and B"</button>
                <button type="button" on:click=unpin data-testid="unpin">"Unpin"</button>
            </Show>
        </div>
    }
}

fn row_view(r: Row) -> impl IntoView {
    let class = match r.better {
        Some(true) => "better",
        Some(false) => "worse",
        None => "",
    };
    view! {
        <tr>
            <th scope="row">{r.label}</th>
            <td>{r.a}</td>
            <td>{r.b}</td>
            <td class=class>{r.change}</td>
        </tr>
    }
}

/// The table of differences, shown while A is pinned.
#[component]
pub fn CompareSection() -> impl IntoView {
    let st = use_state();
    let comparison = Memo::new(move |_| {
        st.pinned.with(|p| {
            p.as_ref().map(|p| {
                st.scenario.with(|sb| {
                    st.est.with(|eb| {
                        (
                            summary(&p.scenario),
                            summary(sb),
                            compare(&p.scenario, &p.est, sb, eb),
                        )
                    })
                })
            })
        })
    });
    move || {
        comparison.get().map(|(a, b, c)| {
            let same = c.inputs.is_empty();
            view! {
                <section class="card" id="sec-compare" aria-labelledby="compare-h" data-testid="compare">
                    <h2 id="compare-h">"Compare A and B"</h2>
                    <p class="lede"><strong>"A (pinned): "</strong>{a}<br/><strong>"B (current): "</strong>{b}</p>
                    {same.then(|| view! {
                        <p class="note">"B is still A: change anything in the panel to compare."</p>
                    })}
                    <div class="table-wrap">
                        <table class="data-table compare-table">
                            <caption>"What differs, and what it does (change: B against A)"</caption>
                            <thead>
                                <tr><th scope="col">""</th><th scope="col">"A"</th><th scope="col">"B"</th><th scope="col">"Change"</th></tr>
                            </thead>
                            <tbody>
                                {c.inputs.into_iter().map(row_view).collect_view()}
                            </tbody>
                            <tbody>
                                {c.outputs.into_iter().map(row_view).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }
        })
    }
}

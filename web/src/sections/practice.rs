//! Practice mode: an interview-style question about a random scenario; the reader answers, then sees
//! the engine's answer, how it was made, and how far off they were. `practice=<seed>` in the
//! link picks the question; "New question" draws a seed and writes it there, so a shared link
//! shows the same question.

use crate::figure::DerivationView;
use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::practice::{error, question, Ask};
use ridgepoint::units::sig3;

/// A question number below 2³² (short in a link; `practice::question` spreads any seed over its choices).
fn random_seed() -> u64 {
    (js_sys::Math::random() * 4_294_967_296.0) as u64
}

/// The practice card.
#[component]
pub fn Practice() -> impl IntoView {
    let st = use_state();
    let seed = RwSignal::new(crate::url::practice().unwrap_or_else(random_seed));
    let q = Memo::new(move |_| question(seed.get()));
    let guess = RwSignal::new(String::new());
    let revealed = RwSignal::new(None::<Result<f64, String>>);
    let next = move |_| {
        let s = random_seed();
        crate::url::set_view_param(crate::url::PRACTICE_KEY, &s.to_string());
        seed.set(s);
        guess.set(String::new());
        revealed.set(None);
    };
    let check = move |answer: Option<f64>| {
        let g = answer.or_else(|| ridgepoint::units::parse_decimal(guess.get_untracked().trim()));
        revealed.set(Some(match g {
            Some(g) if g.is_finite() && g >= 0.0 => Ok(q.with_untracked(|q| error(q, g))),
            _ => Err("Enter a number (no units), then check.".into()),
        }));
    };
    let verdict = move || {
        revealed.get().map(|r| match r {
            Err(m) => view! { <p class="field-error" role="status">{m}</p> }.into_any(),
            Ok(err) => {
                let (yes_no, answer) = q.with(|q| (q.ask == Ask::Fits, q.answer_text.clone()));
                let how = if yes_no {
                    if err == 0.0 { "Right.".to_string() } else { "Not quite.".to_string() }
                } else {
                    format!("You were {}% {}.", sig3((err * 100.0).abs()), if err >= 0.0 { "high" } else { "low" })
                };
                view! {
                    <div class="reveal" role="status" data-testid="practice-answer">
                        <p><strong>{format!("Answer: {answer}. ")}</strong>{how}</p>
                        {q.with(|q| q.derivations.iter().cloned().map(|d| view! { <DerivationView d=d /> }).collect_view())}
                    </div>
                }
                .into_any()
            }
        })
    };
    let try_it = move |_| {
        let spec = q.with_untracked(|q| q.spec.clone());
        st.spec.set(spec);
    };
    view! {
        <section class="card" id="sec-practice" aria-labelledby="practice-h">
            <h2 id="practice-h">"Practice"</h2>
            <p class="lede">"Interview-style questions on random scenarios. Estimate first, then check."</p>
            <p class="note" data-testid="practice-number">
                {move || format!("Question no. {} (the link keeps it)", seed.get())}
            </p>
            <p class="question" data-testid="practice-question">{move || q.with(|q| q.text.clone())}</p>
            {move || if q.with(|q| q.ask == Ask::Fits) {
                view! {
                    <div class="answer-row">
                        <button type="button" on:click=move |_| check(Some(1.0))>"Yes"</button>
                        <button type="button" on:click=move |_| check(Some(0.0))>"No"</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="answer-row">
                        <label for="practice-guess" class="sr-only">"Your estimate"</label>
                        <input id="practice-guess" type="text" inputmode="decimal" placeholder="your estimate"
                            prop:value=move || guess.get()
                            on:input=move |ev| guess.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" { check(None) } />
                        <button type="button" on:click=move |_| check(None)>"Check"</button>
                    </div>
                }.into_any()
            }}
            {verdict}
            <div class="answer-row">
                <button type="button" on:click=next>"New question"</button>
                <button type="button" on:click=try_it>"Load this scenario above"</button>
            </div>
        </section>
    }
}

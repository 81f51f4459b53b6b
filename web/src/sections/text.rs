//! Takeaways and quick-reference formulas, with the current scenario's numbers.

use crate::figure::LiveDerivation;
use crate::state::use_state;
use leptos::prelude::*;
use ridgepoint::takeaways::takeaways;
use ridgepoint::units::{sig3, Unit};

/// The seed's five takeaways, each with this scenario's numbers.
#[component]
pub fn TakeawaysSection() -> impl IntoView {
    let st = use_state();
    let t = Memo::new(move |_| st.scenario.with(|s| st.series.with(|sr| takeaways(s, sr))));
    let batch = move || st.spec.with(|s| s.batch);
    let ms = |v: f64| Unit::Seconds.format(v);
    view! {
        <section class="card" id="sec-takeaways" aria-labelledby="takeaways-h">
            <h2 id="takeaways-h">"Five things to know, for this scenario"</h2>
            <ol class="takeaways" data-testid="takeaways">
                <li>
                    <strong>"Autoregressive decode is memory-bandwidth-bound. "</strong>
                    {move || t.with(|t| format!(
                        "Decode runs at {} FLOP/byte against a ridge of {} FLOP/byte: the tensor cores are busy {} of each step.",
                        sig3(t.decode_intensity), sig3(t.ridge), Unit::Percent.format(t.tensor_busy.min(1.0))))}
                </li>
                <li>
                    <strong>"Prefill is compute-bound for reasonable lengths. "</strong>
                    {move || t.with(|t| match t.prefill_crossing {
                        Some(n) => format!("Its intensity grows with the prompt and crosses the ridge at about {} tokens per prompt (batch {}).", Unit::Count.format(ridgepoint::series::round2(n)), batch()),
                        None => "Here it stays below the ridge across the prompt lengths shown.".into(),
                    })}
                </li>
                <li>
                    <strong>"Batching is the lever for decode throughput. "</strong>
                    {move || t.with(|t| format!(
                        "A decode step takes {} at batch 1 and {} at batch {}: {} tokens/s become {}.",
                        ms(t.step_batch1), ms(t.step_batch), batch(), sig3(t.tokens_batch1), sig3(t.tokens_batch)))}
                </li>
                <li>
                    <strong>"KV cache grows with batch × context × layers × KV heads × head_dim. "</strong>
                    {move || t.with(|t| format!(
                        "Here it is {} per token{}.",
                        Unit::Bytes.format(t.kv_per_token),
                        match t.kv_crossover {
                            Some(b) => format!(", and it outweighs the weights from batch {b} at this context"),
                            None => String::new(),
                        }))}
                </li>
                <li>
                    <strong>"Quantization helps decode more than prefill. "</strong>
                    {move || t.with(|t| format!(
                        "FP16 → INT4 weights make a decode step {}× faster ({} → {}), the prefill {}× ({} → {}).",
                        sig3(t.decode_fp16 / t.decode_int4), ms(t.decode_fp16), ms(t.decode_int4),
                        sig3(t.prefill_fp16 / t.prefill_int4), ms(t.prefill_fp16), ms(t.prefill_int4)))}
                </li>
            </ol>
        </section>
    }
}

/// Every formula with this scenario's values substituted.
#[component]
pub fn Formulas() -> impl IntoView {
    let st = use_state();
    let est = st.est;
    let keys = Memo::new(move |_| {
        est.with(|e| {
            e.derivations
                .iter()
                .map(|d| (d.key, d.label))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card" id="sec-formulas" aria-labelledby="formulas-h">
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

//! Form controls bound to one field of the scenario.

use leptos::prelude::*;

/// A `<select>` over `(value, label)` options.
#[component]
pub fn Select(
    /// Element id (the label points at it).
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// The options as (value, label).
    options: Vec<(String, String)>,
    /// The selected value.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the chosen value.
    on_change: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| on_change(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let v2 = v.clone();
                        view! { <option value=v selected=move || value.get() == v2>{l}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// A power-of-two slider with a number box for exact values.
#[component]
pub fn LogSlider(
    /// Element id of the range input (the label points at it).
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// Smallest and largest value (inclusive); the slider steps through powers of two.
    range: (u32, u32),
    /// The current value.
    #[prop(into)]
    value: Signal<u32>,
    /// Called with a new value within `range`.
    on_change: impl Fn(u32) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let (lo, hi) = range;
    let exp = |v: u32| (v.max(1) as f64).log2().round() as u32;
    let (emin, emax) = (exp(lo), exp(hi));
    let on_slide = on_change.clone();
    let invalid = RwSignal::new(false);
    let number_id = format!("{id}-exact");
    view! {
        <div class="field slider">
            <label for=id>{label}</label>
            <div class="slider-row">
                <input
                    type="range"
                    id=id
                    min=emin
                    max=emax
                    step="1"
                    prop:value=move || exp(value.get()).to_string()
                    aria-valuetext=move || value.get().to_string()
                    on:input=move |ev| {
                        if let Ok(e) = event_target_value(&ev).parse::<u32>() {
                            let v = 1u64 << e.min(31);
                            on_slide((v as u32).clamp(lo, hi));
                        }
                    }
                />
                <input
                    type="number"
                    id=number_id
                    class="exact"
                    inputmode="numeric"
                    min=lo
                    max=hi
                    aria-label=format!("{label}, exact value")
                    aria-invalid=move || invalid.get().to_string()
                    prop:value=move || value.get().to_string()
                    on:change=move |ev| {
                        match event_target_value(&ev).trim().parse::<u64>() {
                            Ok(n) if n >= lo as u64 && n <= hi as u64 => {
                                invalid.set(false);
                                on_change(n as u32);
                            }
                            _ => invalid.set(true),
                        }
                    }
                />
            </div>
            <Show when=move || invalid.get()>
                <p class="field-error" role="status">
                    {format!("Enter a whole number from {lo} to {hi}.")}
                </p>
            </Show>
        </div>
    }
}

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
    #[prop(into)]
    on_change: Callback<String>,
) -> impl IntoView {
    // Memoized: the options re-check only when this control's value changes, not with every
    // change to the scenario.
    let value = Memo::new(move |_| value.get());
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| on_change.run(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let v2 = v.clone();
                        view! { <option value=v selected=move || value.with(|s| *s == v2)>{l}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// A slider with a number box for exact values. `log` sliders step through powers of two;
/// linear ones through `step`.
#[component]
pub fn Slider(
    /// Element id of the range input (the label points at it).
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// Smallest and largest value (inclusive).
    range: (u32, u32),
    /// Powers of two (true) or a linear scale (false).
    #[prop(default = true)]
    log: bool,
    /// Step of a linear slider.
    #[prop(default = 1)]
    step: u32,
    /// Unit shown after the number box.
    #[prop(optional)]
    unit: &'static str,
    /// The current value.
    #[prop(into)]
    value: Signal<u32>,
    /// Called with a new value within `range`.
    #[prop(into)]
    on_change: Callback<u32>,
) -> impl IntoView {
    let value = Memo::new(move |_| value.get());
    let (lo, hi) = range;
    let exp = |v: u32| (v.max(1) as f64).log2().round() as u32;
    let (smin, smax, sstep) = if log {
        (exp(lo), exp(hi), 1)
    } else {
        (lo, hi, step)
    };
    let to_slider = move |v: u32| if log { exp(v) } else { v };
    let from_slider = move |p: u32| -> u32 {
        if log {
            ((1u64 << p.min(31)) as u32).clamp(lo, hi)
        } else {
            p.clamp(lo, hi)
        }
    };
    let invalid = RwSignal::new(false);
    let number_id = format!("{id}-exact");
    view! {
        <div class="field slider">
            <label for=id>{label}</label>
            <div class="slider-row">
                <input
                    type="range"
                    id=id
                    min=smin
                    max=smax
                    step=sstep
                    prop:value=move || to_slider(value.get()).to_string()
                    aria-valuetext=move || format!("{} {unit}", value.get())
                    on:input=move |ev| {
                        if let Ok(p) = event_target_value(&ev).parse::<u32>() {
                            on_change.run(from_slider(p));
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
                                on_change.run(n as u32);
                            }
                            _ => invalid.set(true),
                        }
                    }
                />
                {(!unit.is_empty()).then(|| view! { <span class="unit">{unit}</span> })}
            </div>
            <Show when=move || invalid.get()>
                <p class="field-error" role="status">
                    {format!("Enter a whole number from {lo} to {hi}.")}
                </p>
            </Show>
        </div>
    }
}

/// A labelled decimal input (custom GPU figures). Empty is allowed when `optional`.
#[component]
pub fn Decimal(
    id: &'static str,
    label: &'static str,
    /// Unit after the box.
    unit: &'static str,
    /// Current value (None: empty).
    #[prop(into)]
    value: Signal<Option<f64>>,
    /// Empty means "not available".
    #[prop(default = false)]
    optional: bool,
    /// Called with a valid new value.
    #[prop(into)]
    on_change: Callback<Option<f64>>,
) -> impl IntoView {
    let value = Memo::new(move |_| value.get());
    let invalid = RwSignal::new(false);
    view! {
        <div class="field decimal">
            <label for=id>{label}</label>
            <div class="slider-row">
                <input
                    type="text"
                    id=id
                    inputmode="decimal"
                    aria-invalid=move || invalid.get().to_string()
                    prop:value=move || value.get().map(ridgepoint::units::sig3).unwrap_or_default()
                    on:change=move |ev| {
                        let t = event_target_value(&ev);
                        let t = t.trim();
                        if t.is_empty() && optional {
                            invalid.set(false);
                            on_change.run(None);
                            return;
                        }
                        match ridgepoint::units::parse_decimal(t) {
                            Some(v) if v.is_finite() && v > 0.0 && v < 1e6 => {
                                invalid.set(false);
                                on_change.run(Some(v));
                            }
                            _ => invalid.set(true),
                        }
                    }
                />
                <span class="unit">{unit}</span>
            </div>
            <Show when=move || invalid.get()>
                <p class="field-error" role="status">
                    {if optional { "Enter a positive number, or leave it empty." } else { "Enter a positive number." }}
                </p>
            </Show>
        </div>
    }
}

/// A labelled whole-number input (custom model shapes).
#[component]
pub fn Whole(
    id: &'static str,
    label: &'static str,
    /// Current value.
    #[prop(into)]
    value: Signal<u64>,
    /// Called with a parsed value (range checks are the caller's).
    #[prop(into)]
    on_change: Callback<u64>,
) -> impl IntoView {
    let value = Memo::new(move |_| value.get());
    let invalid = RwSignal::new(false);
    view! {
        <div class="field whole">
            <label for=id>{label}</label>
            <input
                type="number"
                id=id
                min="1"
                inputmode="numeric"
                aria-invalid=move || invalid.get().to_string()
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    match event_target_value(&ev).trim().parse::<u64>() {
                        Ok(v) if v > 0 => {
                            invalid.set(false);
                            on_change.run(v);
                        }
                        _ => invalid.set(true),
                    }
                }
            />
        </div>
    }
}

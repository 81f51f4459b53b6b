//! `?embed=<chart id>`: one chart, a compact frame, a link back to the full page, and the
//! frame's height posted to its parent so it can size itself.

use crate::canvas::AlwaysVisible;
use crate::sections::{chart, serving_chart, CHART_IDS, SERVING_CHART_IDS};
use crate::state::use_state;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Posts `{type: "ridgepoint:height", chart, height}` to the parent window.
fn post_height(id: &str, height: f64) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &"ridgepoint:height".into());
    let _ = js_sys::Reflect::set(&msg, &"chart".into(), &id.into());
    let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.ceil().into());
    let _ = parent.post_message(&msg, "*");
}

/// The embedded view of chart `id`.
#[component]
pub fn Embed(id: String) -> impl IntoView {
    provide_context(AlwaysVisible(true));
    let st = use_state();
    let known = CHART_IDS.contains(&id.as_str()) || SERVING_CHART_IDS.contains(&id.as_str());
    let root = NodeRef::<html::Div>::new();
    let chart_id = id.clone();
    root.on_load(move |el| {
        let el: web_sys::Element = el.into();
        let id = chart_id.clone();
        let observed = el.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            post_height(&id, observed.get_bounding_client_rect().height());
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&el);
            callback.forget();
        }
    });
    let open = move || {
        let q = st
            .spec
            .with(|s| st.pin.with(|p| crate::url::query(s, p.as_ref())));
        format!("{}?{}", crate::export::base_url(), q)
    };
    view! {
        <div class="embed" node_ref=root data-testid="embed">
            {if known {
                chart(&id).or_else(|| serving_chart(&id)).into_any()
            } else {
                view! {
                    <p class="field-error" role="alert">
                        {format!("There is no chart named \u{201c}{}\u{201d}. Charts: {}.",
                            id.chars().take(40).collect::<String>(), CHART_IDS.join(", "))}
                    </p>
                }.into_any()
            }}
            <p class="embed-foot">
                <a href=open target="_blank" rel="noopener">"Open in Ridgepoint ↗"</a>
                <span class="embed-scenario">
                    {move || st.scenario.with(|s| format!("{} · {} · {} · batch {} · {}+{} tokens",
                        s.model.name, s.gpu.name, s.weights_label(), s.batch, s.prompt, s.output))}
                </span>
                {move || st.pinned.with(|p| p.as_ref().map(|p| view! {
                    <span class="embed-scenario" data-testid="embed-pinned">
                        {format!("grey: A = {}", ridgepoint::compare::summary(&p.scenario))}
                    </span>
                }))}
            </p>
        </div>
    }
}

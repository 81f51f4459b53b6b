//! Whether an element is near the viewport: sections that follow every control change (the
//! serving simulation, the advisor, the hardware implications, the formulas) work only then.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Sets `active` while `el` is within `margin_px` of the viewport (and at once, for good, where
/// the browser has no IntersectionObserver).
pub fn observe_near(el: &web_sys::Element, active: RwSignal<bool>, margin_px: u32) {
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        for entry in entries.iter() {
            if let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() {
                active.set(entry.is_intersecting());
            }
        }
    });
    let init = web_sys::IntersectionObserverInit::new();
    init.set_root_margin(&format!("{margin_px}px 0px {margin_px}px 0px"));
    match web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &init)
    {
        Ok(observer) => {
            observer.observe(el);
            callback.forget();
        }
        Err(_) => active.set(true),
    }
}

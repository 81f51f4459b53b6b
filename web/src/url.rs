//! The URL is the only persistent state: read once on load, replaced (not pushed) on change.

use ridgepoint::{Problem, Spec};

/// The scenario in the current location's query, and what could not be used.
pub fn read() -> (Spec, Vec<Problem>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    Spec::from_query(&search)
}

/// Replaces the current history entry's query with `spec`'s, keeping path and hash.
pub fn write(spec: &Spec) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let loc = w.location();
    let path = loc.pathname().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let url = format!("{path}?{}{hash}", spec.to_query());
    if loc.search().ok().as_deref() == Some(&url[path.len()..url.len() - hash.len()]) {
        return;
    }
    if let Err(e) = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)) {
        web_sys::console::warn_2(&"could not update the URL".into(), &e);
    }
}

//! The URL is the only persistent state: read once on load, replaced (not pushed) on change.

use ridgepoint::{Problem, Spec};

/// The scenario in the current location's query, and what could not be used.
pub fn read() -> (Spec, Vec<Problem>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    Spec::from_query(&search)
}

/// View parameters that live beside the scenario in the query (not part of it).
const VIEW_KEYS: [&str; 3] = ["theme", "embed", PRACTICE_KEY];

/// `practice=<seed>`: the practice card's question (a shared link shows the same one).
pub const PRACTICE_KEY: &str = "practice";

/// `key=value`, form-encoded.
fn pair(key: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(key, value)
        .finish()
}

/// Compare mode's pinned scenario A: `pin=` holds A's own query, encoded as one value.
pub const PIN_KEY: &str = "pin";

/// The pinned scenario in the query, if any, and what of it could not be used (each problem
/// says it is about A).
pub fn pin() -> (Option<Spec>, Vec<Problem>) {
    let Some(q) = view_param(PIN_KEY) else {
        return (None, Vec::new());
    };
    let (spec, problems) = Spec::from_query(&q);
    let problems = problems
        .into_iter()
        .map(|p| Problem {
            field: p.field,
            message: format!("pinned scenario A: {}", p.message),
        })
        .collect();
    (Some(spec), problems)
}

/// `spec`'s query, plus `pin=` for a pinned A.
pub fn query(spec: &Spec, pin: Option<&Spec>) -> String {
    let mut q = spec.to_query();
    if let Some(a) = pin {
        q.push('&');
        q.push_str(&pair(PIN_KEY, &a.to_query()));
    }
    q
}

fn view_param(key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let query = search.strip_prefix('?').unwrap_or(&search);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    pairs
        .into_iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// `theme=light|dark` from the query, if given.
pub fn theme() -> Option<String> {
    view_param("theme").filter(|t| t == "light" || t == "dark")
}

/// `embed=<chart id>` from the query, if given.
pub fn embed() -> Option<String> {
    view_param("embed")
}

/// `practice=<seed>` from the query, if it is a whole number.
pub fn practice() -> Option<u64> {
    view_param(PRACTICE_KEY).and_then(|v| v.trim().parse().ok())
}

/// Sets view parameter `key` to `value` in the current history entry's query (replaced, not
/// pushed), keeping everything else in it.
pub fn set_view_param(key: &str, value: &str) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let loc = w.location();
    let search = loc.search().unwrap_or_default();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(search.strip_prefix('?').unwrap_or(&search).as_bytes()) {
        if k != key {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair(key, value);
    let path = loc.pathname().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let url = format!("{path}?{}{hash}", query.finish());
    if let Err(e) = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)) {
        web_sys::console::warn_2(&"could not update the URL".into(), &e);
    }
}

/// Sets or clears `data-theme` on the root element (CSS follows it; without it, the system).
pub fn set_theme_attribute(value: Option<&str>) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match value {
        Some(v) => root.set_attribute("data-theme", v),
        None => root.remove_attribute("data-theme"),
    };
}

/// Replaces the current history entry's query with `spec`'s (and a pinned A's), keeping path,
/// hash and the view parameters (theme, embed, practice).
pub fn write(spec: &Spec, pin: Option<&Spec>) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let loc = w.location();
    let path = loc.pathname().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let mut query = query(spec, pin);
    for key in VIEW_KEYS {
        if let Some(v) = view_param(key) {
            query.push('&');
            query.push_str(&pair(key, &v));
        }
    }
    let url = format!("{path}?{query}{hash}");
    if loc.search().ok().as_deref() == Some(&url[path.len()..url.len() - hash.len()]) {
        return;
    }
    if let Err(e) = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)) {
        web_sys::console::warn_2(&"could not update the URL".into(), &e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    fn search() -> String {
        web_sys::window().unwrap().location().search().unwrap()
    }

    #[wasm_bindgen_test]
    fn the_practice_seed_rides_beside_the_scenario() {
        write(&Spec::default(), None);
        assert_eq!(practice(), None);
        set_view_param(PRACTICE_KEY, "42");
        assert_eq!(search(), "?v=1&practice=42");
        assert_eq!(practice(), Some(42));
        // A scenario change keeps the seed; the seed is not part of the scenario.
        let s = Spec {
            batch: 8,
            ..Spec::default()
        };
        write(&s, None);
        assert_eq!(search(), "?v=1&batch=8&practice=42");
        assert_eq!(read(), (s, vec![]));
        // A new seed replaces the old one and keeps the scenario.
        set_view_param(PRACTICE_KEY, "7");
        assert_eq!(search(), "?v=1&batch=8&practice=7");
        set_view_param(PRACTICE_KEY, "seven");
        assert_eq!(practice(), None, "not a number: no seed");
        let w = web_sys::window().unwrap();
        let path = w.location().pathname().unwrap();
        w.history()
            .unwrap()
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
            .unwrap();
    }
}

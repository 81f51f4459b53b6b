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
const VIEW_KEYS: [&str; 5] = [THEME_KEY, OPS_KEY, "embed", PRACTICE_KEY, GOAL_KEY];

/// View parameters a shared link carries (what the reader sees, not where they are).
const LINK_VIEW_KEYS: [&str; 3] = [THEME_KEY, OPS_KEY, GOAL_KEY];

/// `theme=light|dark` (the reader's choice) or `auto` (follow the system; embeds).
pub const THEME_KEY: &str = "theme";

/// `ops=1`: the roofline shows each operation.
pub const OPS_KEY: &str = "ops";

/// `practice=<seed>`: the practice card's question (a shared link shows the same one).
pub const PRACTICE_KEY: &str = "practice";

/// `goal=latency|throughput|fit`: what "What would help?" ranks for.
pub const GOAL_KEY: &str = "goal";

/// The advisor's goal in the query, if given.
pub fn goal() -> Option<String> {
    view_param(GOAL_KEY)
}

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
fn scenario_query(spec: &Spec, pin: Option<&Spec>) -> String {
    let mut q = spec.to_query();
    if let Some(a) = pin {
        q.push('&');
        q.push_str(&pair(PIN_KEY, &a.to_query()));
    }
    q
}

/// The query of a shared link: `spec`'s, `pin=` for a pinned A, and the view parameters
/// the reader set that belong in a link (theme, shown operations).
pub fn query(spec: &Spec, pin: Option<&Spec>) -> String {
    let mut q = scenario_query(spec, pin);
    for key in LINK_VIEW_KEYS {
        if let Some(v) = view_param(key) {
            q.push('&');
            q.push_str(&pair(key, &v));
        }
    }
    push_serve(&mut q);
    q
}

/// The serving section's settings: every `sv.` pair in the current query, in order.
pub fn serve_pairs() -> Vec<(String, String)> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    form_urlencoded::parse(search.strip_prefix('?').unwrap_or(&search).as_bytes())
        .into_owned()
        .filter(|(k, _)| k.starts_with(SERVE_PREFIX))
        .collect()
}

/// The serving section's keys' prefix (`ridgepoint::serve::query` reads them).
const SERVE_PREFIX: &str = "sv.";

/// Appends the current query's `sv.` pairs to `q`.
fn push_serve(q: &mut String) {
    for (k, v) in serve_pairs() {
        q.push('&');
        q.push_str(&pair(&k, &v));
    }
}

/// Replaces every `sv.` pair of the current history entry's query with `encoded` (already
/// form-encoded `k=v&…`, empty for the defaults), keeping everything else.
pub fn set_serve(encoded: &str) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let loc = w.location();
    let search = loc.search().unwrap_or_default();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(search.strip_prefix('?').unwrap_or(&search).as_bytes()) {
        if !k.starts_with(SERVE_PREFIX) {
            query.append_pair(&k, &v);
        }
    }
    let mut q = query.finish();
    if !encoded.is_empty() {
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str(encoded);
    }
    let path = loc.pathname().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let url = format!("{path}?{q}{hash}");
    if loc.search().ok().as_deref() == Some(&url[path.len()..url.len() - hash.len()]) {
        return;
    }
    if let Err(e) = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)) {
        web_sys::console::warn_2(&"could not update the URL".into(), &e);
    }
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

/// `theme=light|dark` from the query, if given (`auto` or anything else: follow the system).
pub fn theme() -> Option<String> {
    view_param(THEME_KEY).filter(|t| t == "light" || t == "dark")
}

/// Whether view toggle `key` is on (`key=1`).
pub fn flag(key: &str) -> bool {
    view_param(key).as_deref() == Some("1")
}

/// Turns view toggle `key` on (`key=1`) or off (left out of the link).
pub fn set_flag(key: &str, on: bool) {
    if on {
        set_view_param(key, "1");
    } else if view_param(key).is_some() {
        remove_view_param(key);
    }
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
    replace_view_param(key, Some(value));
}

/// Takes view parameter `key` out of the current history entry's query.
pub fn remove_view_param(key: &str) {
    replace_view_param(key, None);
}

fn replace_view_param(key: &str, value: Option<&str>) {
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
    if let Some(value) = value {
        query.append_pair(key, value);
    }
    let path = loc.pathname().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let url = format!("{path}?{}{hash}", query.finish());
    if let Err(e) = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)) {
        web_sys::console::warn_2(&"could not update the URL".into(), &e);
    }
}

/// Sets or clears `data-theme` on the root element (CSS follows it; without it, the system),
/// and keeps the reader's choice in the link: `theme=light|dark`, or none for the system
/// (an explicit `theme=auto`, as embeds use, stays).
pub fn set_theme_attribute(value: Option<&str>) {
    let current = view_param(THEME_KEY);
    match value {
        Some(v) if current.as_deref() != Some(v) => set_view_param(THEME_KEY, v),
        None if matches!(current.as_deref(), Some("light" | "dark")) => {
            remove_view_param(THEME_KEY)
        }
        _ => {}
    }
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
    let mut query = scenario_query(spec, pin);
    for key in VIEW_KEYS {
        if let Some(v) = view_param(key) {
            query.push('&');
            query.push_str(&pair(key, &v));
        }
    }
    push_serve(&mut query);
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
        assert_eq!(search(), "?v=1&cal=2&practice=42");
        assert_eq!(practice(), Some(42));
        // A scenario change keeps the seed; the seed is not part of the scenario.
        let s = Spec {
            batch: 8,
            ..Spec::default()
        };
        write(&s, None);
        assert_eq!(search(), "?v=1&cal=2&batch=8&practice=42");
        assert_eq!(read(), (s.clone(), vec![]));
        // A new seed replaces the old one and keeps the scenario.
        set_view_param(PRACTICE_KEY, "7");
        assert_eq!(search(), "?v=1&cal=2&batch=8&practice=7");
        // The theme and view toggles ride in the link; practice stays out of shared links.
        set_view_param(THEME_KEY, "dark");
        set_flag(OPS_KEY, true);
        assert_eq!(search(), "?v=1&cal=2&batch=8&practice=7&theme=dark&ops=1");
        assert_eq!(query(&s, None), "v=1&cal=2&batch=8&theme=dark&ops=1");
        assert!(flag(OPS_KEY));
        set_flag(OPS_KEY, false);
        assert!(!flag(OPS_KEY));
        set_theme_attribute(None);
        assert_eq!(
            search(),
            "?v=1&cal=2&batch=8&practice=7",
            "system theme: none in the link"
        );
        set_view_param(THEME_KEY, "auto");
        set_theme_attribute(None);
        assert_eq!(theme(), None, "auto follows the system");
        assert_eq!(query(&s, None), "v=1&cal=2&batch=8&theme=auto");
        remove_view_param(THEME_KEY);
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

//! Getting things out of the page: downloads, the clipboard, links and embed snippets.

use crate::state::State;
use leptos::prelude::*;
use ridgepoint_charts::Caption;
use wasm_bindgen::JsCast;

/// Starts a download of `href` (a data: or blob: URL) as `filename`.
pub fn download_url(href: &str, filename: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = doc.create_element("a") else {
        return;
    };
    let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() else {
        return;
    };
    a.set_href(href);
    a.set_download(filename);
    a.click();
}

/// Downloads `text` as a file of type `mime`.
pub fn download_text(text: &str, filename: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(&url, filename);
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Copies `text` to the clipboard (best effort: the promise is not awaited).
pub fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// The page's address without its query.
pub fn base_url() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// The link to the current page state: the scenario, a pinned A and the view parameters
/// that belong in a shared link (theme, view toggles).
pub fn link(st: State) -> String {
    let q = st
        .spec
        .with_untracked(|s| st.pin.with_untracked(|p| crate::url::query(s, p.as_ref())));
    format!("{}?{}", base_url(), q)
}

/// What an exported chart `id` carries above it: its title, the scenario in one line (and a
/// pinned A's), and the link.
pub fn caption(st: State, id: &str) -> Caption {
    let mut scenario = st.scenario.with_untracked(ridgepoint::compare::summary);
    st.pinned.with_untracked(|p| {
        if let Some(p) = p {
            scenario = format!(
                "{scenario}; grey: A = {}",
                ridgepoint::compare::summary(&p.scenario)
            );
        }
    });
    Caption {
        title: ridgepoint_charts::title(id).to_string(),
        scenario,
        link: link(st),
    }
}

/// A download's file name: the chart id, a short scenario and `ext`
/// (`roofline-llama-3.1-70b-h100x2-fp8.png`).
pub fn file_name(st: State, id: &str, ext: &str) -> String {
    let stem = st
        .scenario
        .with_untracked(|s| ridgepoint_charts::file_stem(id, s));
    format!("{stem}.{ext}")
}

/// The theme the reader sees now: the page's choice (`data-theme`), else the system's.
pub fn seen_theme() -> &'static str {
    let Some(w) = web_sys::window() else {
        return "light";
    };
    let chosen = w
        .document()
        .and_then(|d| d.document_element())
        .and_then(|r| r.get_attribute("data-theme"));
    match chosen.as_deref() {
        Some("dark") => "dark",
        Some("light") => "light",
        _ => match w.match_media("(prefers-color-scheme: dark)") {
            Ok(Some(m)) if m.matches() => "dark",
            _ => "light",
        },
    }
}

/// `query` with its `theme` and `embed` parameters replaced by `theme` and `embed=id`.
fn embed_query(query: &str, id: &str, theme: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k != "theme" && k != "embed" {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("theme", theme);
    out.append_pair("embed", id);
    out.finish()
}

/// An `<iframe>` snippet embedding chart `id` for the scenario `query` in the theme its
/// author sees (`theme`), with a note on `theme=auto` (follow each reader's system), plus the
/// one-line listener that lets the frame set its own height.
pub fn embed_snippet(id: &str, query: &str, title: &str) -> String {
    embed_snippet_in(id, query, title, seen_theme())
}

fn embed_snippet_in(id: &str, query: &str, title: &str, theme: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let src = embed_query(query, id, theme).replace('&', "&amp;");
    format!(
        "<!-- Ridgepoint chart in the {theme} theme, as its author saw it. For a page with its own \
         theme, set theme=light or theme=dark; theme=auto follows each reader's system setting. -->\n\
         <iframe src=\"{base}?{src}\" title=\"{title}\" width=\"100%\" height=\"460\" \
         style=\"border:0\" loading=\"lazy\" data-ridgepoint=\"{id}\"></iframe>\n\
         <script>addEventListener(\"message\",e=>{{const d=e.data;if(d&&d.type===\"ridgepoint:height\")\
         for(const f of document.querySelectorAll('iframe[data-ridgepoint=\"'+d.chart+'\"]'))\
         if(f.contentWindow===e.source)f.style.height=d.height+\"px\"}})</script>",
        base = base_url(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    fn the_snippet_carries_the_author_s_theme_and_offers_auto() {
        let s = embed_snippet_in(
            "roofline",
            "v=1&batch=8&theme=light&ops=1",
            "Roofline",
            "dark",
        );
        assert!(
            s.contains("?v=1&amp;batch=8&amp;ops=1&amp;theme=dark&amp;embed=roofline\""),
            "{s}"
        );
        assert!(
            !s.contains("theme=light&"),
            "the author's theme replaces the link's: {s}"
        );
        assert!(
            s.contains("theme=auto follows each reader's system setting"),
            "{s}"
        );
    }
}

//! Getting things out of the page: downloads, the clipboard, links and embed snippets.

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

/// An `<iframe>` snippet embedding chart `id` for the scenario `query`, plus the one-line
/// listener that lets the frame set its own height.
pub fn embed_snippet(id: &str, query: &str, title: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    format!(
        "<iframe src=\"{base}?{query}&amp;embed={id}\" title=\"{title}\" width=\"100%\" height=\"460\" \
         style=\"border:0\" loading=\"lazy\" data-ridgepoint=\"{id}\"></iframe>\n\
         <script>addEventListener(\"message\",e=>{{const d=e.data;if(d&&d.type===\"ridgepoint:height\")\
         for(const f of document.querySelectorAll('iframe[data-ridgepoint=\"'+d.chart+'\"]'))\
         if(f.contentWindow===e.source)f.style.height=d.height+\"px\"}})</script>",
        base = base_url(),
    )
}

//! A panic in WebAssembly stops the app. Instead of a frozen page, show what happened and a
//! way back to the default scenario.

use wasm_bindgen::JsCast;

/// Installs a panic hook that logs the panic and puts a visible notice on the page.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&msg.clone().into());
        show(&msg);
    }));
}

fn show(msg: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let Ok(div) = doc.create_element("div") else {
        return;
    };
    div.set_class_name("fatal");
    let _ = div.set_attribute("role", "alert");
    let _ = div.set_attribute("data-testid", "fatal");
    let add = |tag: &str, text: &str| -> Option<web_sys::Element> {
        let el = doc.create_element(tag).ok()?;
        el.set_text_content(Some(text));
        div.append_child(&el).ok()?;
        Some(el)
    };
    add("strong", "Ridgepoint stopped working.");
    add(
        "p",
        "Something in this scenario hit a bug. The details below help us fix it; the link \
         resets the page to the default scenario.",
    );
    add("pre", msg);
    if let Some(a) = add("a", "Reset to the default scenario") {
        let _ = a.set_attribute("href", "./");
    }
    if let Some(first) = body.first_child() {
        let _ = body.insert_before(&div, Some(&first));
    } else {
        let _ = body.append_child(&div);
    }
    // Leave the dead controls visible but inert.
    if let Ok(Some(main)) = doc.query_selector("main") {
        if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() {
            let _ = main.set_attribute("inert", "");
        }
    }
}

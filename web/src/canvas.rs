//! Binding a chart function to a `<canvas>`: backing store at CSS size × devicePixelRatio,
//! redrawn when its data, the theme or the window size changes, and only while on screen.

use crate::backend::{PageBackend, PageError};
use leptos::html;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use ridgepoint_charts::{with_caption, Caption, Theme};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

/// Whether the page is in dark mode.
#[derive(Clone, Copy)]
pub struct DarkMode(pub Signal<bool>);

/// Set once any chart has been painted (the page mounts its lower sections after that).
#[derive(Clone, Copy)]
pub struct FirstPaint(pub RwSignal<bool>);

/// Embedded pages draw every chart they have at once (there is only one), so no observer.
#[derive(Clone, Copy)]
pub struct AlwaysVisible(pub bool);

/// The result of drawing a chart.
pub type CanvasResult = Result<(), DrawingAreaErrorKind<PageError>>;

/// Draws a chart with its current data.
pub type DrawCurrent = dyn Fn(&DrawingArea<PageBackend, Shift>, &Theme) -> CanvasResult;

/// A chart with its data, type-erased: the canvas code is compiled once for all charts, not
/// once per chart data type.
#[derive(Clone)]
pub struct Drawing {
    /// Draws the current data (without subscribing).
    pub draw: std::rc::Rc<DrawCurrent>,
    /// Subscribes the running effect to the data.
    pub track: std::rc::Rc<dyn Fn()>,
}

impl Drawing {
    /// `draw` (a chart crate function) over `data`.
    pub fn new<T, F>(data: Memo<T>, draw: F) -> Drawing
    where
        T: Send + Sync + 'static,
        F: Fn(&DrawingArea<PageBackend, Shift>, &T, &Theme) -> CanvasResult + 'static,
    {
        Drawing {
            draw: std::rc::Rc::new(move |area, theme| {
                data.with_untracked(|d| draw(area, d, theme))
            }),
            track: std::rc::Rc::new(move || data.track()),
        }
    }
}

/// The device pixel ratio, or 1.
fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0)
}

/// Sizes `canvas`'s backing store to `css` × `ratio` and draws on it: `Ok(false)` if there
/// is nothing to draw on (a zero-sized box), the error as text if drawing failed.
fn draw_at(
    canvas: &HtmlCanvasElement,
    css: (f64, f64),
    ratio: f64,
    dark: bool,
    draw: &(dyn Fn(&DrawingArea<PageBackend, Shift>, &Theme) -> CanvasResult + '_),
) -> Result<bool, String> {
    let w = (css.0 * ratio).round() as u32;
    let h = (css.1 * ratio).round() as u32;
    if w == 0 || h == 0 {
        return Ok(false);
    }
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| String::from("canvas has no 2D context"))?;
    let theme = if dark { Theme::DARK } else { Theme::LIGHT }.scaled(ratio);
    let root = PageBackend::Canvas(backend).into_drawing_area();
    draw(&root, &theme).map_err(|e| format!("{e:?}"))?;
    Ok(true)
}

/// Records a failed draw of the chart on `canvas` (on screen or for a download): logged as an
/// error and kept in `data-draw-error`, so a page test that waits for a chart sees it.
fn failed(canvas: &HtmlCanvasElement, what: &str, e: &str) {
    let message = format!("{what} failed: {e}");
    web_sys::console::error_1(&message.as_str().into());
    canvas.set_attribute("data-draw-error", &message).ok();
}

/// Sizes the canvas's backing store to its CSS box (`css`, kept current by a ResizeObserver,
/// so drawing never forces a layout) at the device pixel ratio and draws. Only a draw that
/// succeeded counts (`data-draws`) and marks the chart drawn (`data-drawn`); a failed one
/// unmarks it and says why (`data-draw-error`).
fn paint(canvas: &HtmlCanvasElement, css: (f64, f64), dark: bool, draw: &DrawCurrent) {
    match draw_at(canvas, css, device_pixel_ratio(), dark, draw) {
        Ok(false) => {}
        Ok(true) => {
            let n = canvas
                .get_attribute("data-draws")
                .and_then(|s| s.parse::<u32>().ok())
                .unwrap_or(0);
            canvas
                .set_attribute("data-draws", &(n + 1).to_string())
                .ok();
            canvas.set_attribute("data-drawn", "1").ok();
            canvas.remove_attribute("data-draw-error").ok();
        }
        Err(e) => {
            canvas.remove_attribute("data-drawn").ok();
            failed(canvas, "chart draw", &e);
        }
    }
}

/// The CSS size of the chart on screen, or the page's wide size when it has none.
fn css_size(shown: &HtmlCanvasElement) -> (f64, f64) {
    let rect = shown.get_bounding_client_rect();
    if rect.width() > 0.0 {
        (rect.width(), rect.height())
    } else {
        (840.0, 525.0)
    }
}

/// The chart drawn at twice its CSS size on a fresh canvas, as a PNG data URL, with
/// `caption` (title, scenario, link) in a band above it when given.
fn png_2x(
    shown: &HtmlCanvasElement,
    dark: bool,
    draw: &DrawCurrent,
    caption: Option<&Caption>,
) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    let (w, h) = css_size(shown);
    let band = caption.map_or(0.0, |c| c.height(w, &Theme::LIGHT) as f64);
    let with_band = |area: &DrawingArea<PageBackend, Shift>, t: &Theme| match caption {
        Some(c) => with_caption(area, c, t, |rest| draw(rest, t)),
        None => draw(area, t),
    };
    match draw_at(&canvas, (w, h + band), 2.0, dark, &with_band) {
        Ok(true) => canvas.to_data_url().ok(),
        Ok(false) => None,
        Err(e) => {
            failed(shown, "PNG export", &e);
            None
        }
    }
}

/// The chart as an SVG document at its CSS size (plus the caption's band when given), drawn
/// through plotters' SVG backend, or the error if drawing failed.
fn svg(
    shown: &HtmlCanvasElement,
    dark: bool,
    draw: &DrawCurrent,
    caption: Option<&Caption>,
) -> Result<String, String> {
    let (w, h) = css_size(shown);
    let theme = if dark { Theme::DARK } else { Theme::LIGHT }.for_svg();
    let band = caption.map_or(0, |c| c.height(w.round(), &theme));
    let mut drawn = Ok(());
    let size = (w.round() as u32, h.round() as u32 + band);
    let text = crate::backend::svg_string(size, |root| {
        drawn = match caption {
            Some(c) => with_caption(root, c, &theme, |rest| draw(rest, &theme)),
            None => draw(root, &theme),
        };
    });
    drawn.map(|()| text).map_err(|e| format!("{e:?}"))
}

/// Keeps `size` equal to `el`'s CSS content box.
///
/// The first report also sets `shown` if the element is already on screen: the observer runs
/// after layout and before paint, so a chart on the first screen is drawn in the first frame
/// rather than one frame later, when the IntersectionObserver's task would run.
fn watch_size(el: &web_sys::Element, size: RwSignal<(f64, f64)>, shown: Option<RwSignal<bool>>) {
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        for entry in entries.iter() {
            if let Ok(entry) = entry.dyn_into::<web_sys::ResizeObserverEntry>() {
                if let Some(shown) = shown.filter(|s| !s.get_untracked()) {
                    let b = entry.target().get_bounding_client_rect();
                    let height = web_sys::window()
                        .and_then(|w| w.inner_height().ok())
                        .and_then(|h| h.as_f64())
                        .unwrap_or(0.0);
                    if b.width() > 0.0 && b.bottom() > 0.0 && b.top() < height {
                        shown.set(true);
                    }
                }
                let r = entry.content_rect();
                let next = (r.width(), r.height());
                if size.get_untracked() != next {
                    size.set(next);
                }
            }
        }
    });
    match web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        Ok(observer) => {
            observer.observe(el);
            callback.forget();
        }
        Err(_) => {
            let r = el.get_bounding_client_rect();
            size.set((r.width(), r.height()));
        }
    }
}

/// Sets `visible` while `el` is within `margin` of the viewport.
fn observe(el: &web_sys::Element, visible: RwSignal<bool>, margin: &str) {
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        for entry in entries.iter() {
            if let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() {
                visible.set(entry.is_intersecting());
            }
        }
    });
    let init = web_sys::IntersectionObserverInit::new();
    init.set_root_margin(margin);
    match web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &init)
    {
        Ok(observer) => {
            observer.observe(el);
            // The observer lives as long as the page; so does its callback.
            callback.forget();
        }
        Err(_) => visible.set(true),
    }
}

/// The fit matrix's id: a click on one of its cells loads that model and weight format.
const FIT_MATRIX: &str = "fit-matrix";

/// Loads the model and weight format of the fit-matrix cell at (`x`, `y`) on a canvas of
/// `w` × `h` CSS pixels, if there is one: the same grid the chart draws, hit-tested by the
/// chart crate.
fn load_fit_cell(st: crate::state::State, w: f64, h: f64, x: f64, y: f64) {
    let models = ridgepoint::catalog::models();
    let cell = st.scenario.with_untracked(|s| {
        ridgepoint_charts::FitMatrixData::for_scenario(s, &models).cell_at(
            w,
            h,
            x,
            y,
            &Theme::LIGHT,
        )
    });
    let Some((r, c)) = cell else { return };
    let (Some(model), Some(weights)) = (models.get(r), ridgepoint::Precision::COMMON.get(c)) else {
        return;
    };
    st.spec.update(|s| {
        s.model = model.id.clone();
        s.weights = *weights;
    });
}

/// How long a chart just outside the viewport waits for the controls to settle before it
/// redraws (charts on screen redraw at once).
const NEAR_REDRAW_DELAY: std::time::Duration = std::time::Duration::from_millis(150);

/// A chart on a canvas. `id` is the chart's stable name (`data-chart`, the embed name), `label`
/// its accessible name; `draw` is one of the chart crate's functions. Children (a legend, a
/// data table) follow the canvas inside the same `<figure>`.
#[component]
pub fn ChartCanvas(
    /// Stable chart id, also the embed name.
    id: &'static str,
    /// Accessible name describing what the chart shows.
    #[prop(into)]
    label: Signal<String>,
    /// The chart and its data; a change of the data redraws.
    drawing: Drawing,
    /// Set from pointer and focus events when given (the roofline's readout).
    #[prop(optional_no_strip)]
    readout: Option<RwSignal<ridgepoint_charts::Readout>>,
    /// Shown under the canvas (caption, data table).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let size = RwSignal::new((0.0, 0.0));
    let dark = use_context::<DarkMode>().map(|d| d.0);
    let always = use_context::<AlwaysVisible>().map(|a| a.0).unwrap_or(false);
    // On screen: redrawn with every change. Near it (200 px): redrawn once the controls
    // settle, so it is ready when scrolled to without costing each slider step. Further: not
    // drawn; coming near re-runs the effect.
    let shown = RwSignal::new(always);
    let near = RwSignal::new(always);
    canvas.on_load(move |el| {
        watch_size(&el, size, (!always).then_some(shown));
        if !always {
            observe(&el, shown, "0px");
            observe(&el, near, "200px 0px 200px 0px");
        }
    });
    let first_paint = use_context::<FirstPaint>();
    let st = crate::state::use_state();
    let Drawing { draw, track } = drawing;
    let draw_effect = draw.clone();
    let draw_svg = draw.clone();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let paint_now = std::rc::Rc::new(move |css: (f64, f64), dark: bool| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        paint(&el, css, dark, &*draw_effect);
        if let Some(FirstPaint(done)) = first_paint {
            if !done.get_untracked() {
                done.set(true);
            }
        }
    });
    Effect::new(move |_| {
        let css = size.get();
        let dark = dark.map(|d| d.get()).unwrap_or(false);
        track();
        let (shown, near) = (shown.get(), near.get());
        if let Some(h) = pending.get_value() {
            h.clear();
            pending.set_value(None);
        }
        if shown {
            paint_now(css, dark);
        } else if near {
            let later = paint_now.clone();
            let handle = set_timeout_with_handle(move || later(css, dark), NEAR_REDRAW_DELAY);
            pending.set_value(handle.ok());
        }
    });
    let save_png = move |_| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let dark = dark.map(|d| d.get_untracked()).unwrap_or(false);
        let caption = crate::export::caption(st, id);
        if let Some(url) = png_2x(&el, dark, &*draw, Some(&caption)) {
            crate::export::download_url(&url, &crate::export::file_name(st, id, "png"));
        }
    };
    let save_svg = move |_| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let dark = dark.map(|d| d.get_untracked()).unwrap_or(false);
        let caption = crate::export::caption(st, id);
        match svg(&el, dark, &*draw_svg, Some(&caption)) {
            Ok(text) => crate::export::download_text(
                &text,
                &crate::export::file_name(st, id, "svg"),
                "image/svg+xml",
            ),
            Err(e) => failed(&el, "SVG export", &e),
        }
    };
    view! {
        <figure class="chart" data-chart=id>
            <canvas
                node_ref=canvas
                role="img"
                aria-label=move || label.get()
                tabindex=readout.map(|_| "0")
                on:pointermove=move |ev: web_sys::PointerEvent| {
                    if let Some(r) = readout {
                        let (w, h) = size.get_untracked();
                        if w > 0.0 && h > 0.0 {
                            r.set(ridgepoint_charts::Readout::At(
                                ev.offset_x() as f64 / w,
                                ev.offset_y() as f64 / h,
                            ));
                        }
                    }
                }
                on:click=move |ev: web_sys::MouseEvent| {
                    if id == FIT_MATRIX {
                        let (w, h) = size.get_untracked();
                        load_fit_cell(st, w, h, ev.offset_x() as f64, ev.offset_y() as f64);
                    }
                }
                style:cursor=if id == FIT_MATRIX { "pointer" } else { "auto" }
                title=(id == FIT_MATRIX).then_some("Click a cell to load that model and precision")
                on:pointerleave=move |_| {
                    if let Some(r) = readout {
                        r.set(ridgepoint_charts::Readout::None)
                    }
                }
                on:focus=move |_| {
                    if let Some(r) = readout {
                        r.set(ridgepoint_charts::Readout::Focus)
                    }
                }
                on:blur=move |_| {
                    if let Some(r) = readout {
                        r.set(ridgepoint_charts::Readout::None)
                    }
                }
            ></canvas>
            <div class="chart-tools">
                <button type="button" class="tool" on:click=save_png
                    aria-label=format!("Download the {id} chart as PNG")>"PNG"</button>
                <button type="button" class="tool" on:click=save_svg
                    aria-label=format!("Download the {id} chart as SVG")>"SVG"</button>
                {children.map(|c| c())}
            </div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn canvas() -> HtmlCanvasElement {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|e| e.dyn_into().ok())
            .expect("a canvas")
    }

    fn failing() -> std::rc::Rc<DrawCurrent> {
        std::rc::Rc::new(|_, _| Err(DrawingAreaErrorKind::LayoutError))
    }

    fn working() -> std::rc::Rc<DrawCurrent> {
        std::rc::Rc::new(|area, _| area.fill(&WHITE))
    }

    #[wasm_bindgen_test]
    fn only_a_draw_that_succeeded_marks_the_chart_drawn() {
        let c = canvas();
        let attr = |name: &str| c.get_attribute(name);
        paint(&c, (200.0, 100.0), false, &*failing());
        assert_eq!(attr("data-drawn"), None);
        assert_eq!(attr("data-draws"), None);
        let error = attr("data-draw-error").expect("the failure is recorded");
        assert!(
            error.starts_with("chart draw failed: LayoutError"),
            "{error}"
        );

        paint(&c, (200.0, 100.0), false, &*working());
        assert_eq!(attr("data-drawn").as_deref(), Some("1"));
        assert_eq!(attr("data-draws").as_deref(), Some("1"));
        assert_eq!(
            attr("data-draw-error"),
            None,
            "a good draw clears the error"
        );

        // A redraw that fails unmarks the chart and does not count.
        paint(&c, (200.0, 100.0), false, &*failing());
        assert_eq!(attr("data-drawn"), None);
        assert_eq!(attr("data-draws").as_deref(), Some("1"));
        assert!(attr("data-draw-error").is_some());

        // A zero-sized box is not drawn, which is neither a draw nor a failure.
        let z = canvas();
        paint(&z, (0.0, 100.0), false, &*working());
        assert_eq!(z.get_attribute("data-drawn"), None);
        assert_eq!(z.get_attribute("data-draw-error"), None);
    }

    #[wasm_bindgen_test]
    fn a_failed_export_gives_no_file_and_records_the_failure() {
        let c = canvas();
        assert_eq!(
            svg(&c, false, &*failing(), None),
            Err("LayoutError".to_string())
        );
        let doc = svg(&c, false, &*working(), None).expect("an SVG document");
        assert!(doc.starts_with("<svg"), "{doc}");
        assert_eq!(png_2x(&c, false, &*failing(), None), None);
        let error = c.get_attribute("data-draw-error").expect("recorded");
        assert!(
            error.starts_with("PNG export failed: LayoutError"),
            "{error}"
        );
        assert!(png_2x(&c, false, &*working(), None)
            .expect("a PNG")
            .starts_with("data:image/png"));
    }
}

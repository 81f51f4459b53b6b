//! Binding a chart function to a `<canvas>`: backing store at CSS size × devicePixelRatio,
//! redrawn when its data, the theme or the window size changes.

use leptos::html;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use ridgepoint_charts::Theme;
use web_sys::HtmlCanvasElement;

/// Bumped on every window resize; charts read it to redraw at their new size.
#[derive(Clone, Copy)]
pub struct ResizeTick(pub RwSignal<u32>);

/// Whether the page is in dark mode.
#[derive(Clone, Copy)]
pub struct DarkMode(pub Signal<bool>);

/// The result of drawing on a canvas.
pub type CanvasResult =
    Result<(), DrawingAreaErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>;

/// Sizes the canvas's backing store to its CSS box at the device pixel ratio and draws.
fn paint<T>(
    canvas: &HtmlCanvasElement,
    data: &T,
    dark: bool,
    draw: &dyn Fn(&DrawingArea<CanvasBackend, Shift>, &T, &Theme) -> CanvasResult,
) {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0);
    let rect = canvas.get_bounding_client_rect();
    let w = (rect.width() * dpr).round() as u32;
    let h = (rect.height() * dpr).round() as u32;
    if w == 0 || h == 0 {
        return;
    }
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        web_sys::console::warn_1(&"canvas has no 2D context".into());
        return;
    };
    let theme = if dark { Theme::DARK } else { Theme::LIGHT }.scaled(dpr);
    let root = backend.into_drawing_area();
    if let Err(e) = draw(&root, data, &theme) {
        web_sys::console::warn_1(&format!("chart draw failed: {e:?}").into());
    }
    canvas.set_attribute("data-drawn", "1").ok();
}

/// A chart on a canvas. `id` is the chart's stable name (`data-chart`), `label` its accessible
/// name; `draw` is one of the chart crate's functions.
#[component]
pub fn ChartCanvas<T, F>(
    /// Stable chart id, also the embed name.
    id: &'static str,
    /// Accessible name describing what the chart shows.
    #[prop(into)]
    label: Signal<String>,
    /// The chart's data; a change redraws.
    data: Memo<T>,
    /// The drawing function.
    draw: F,
) -> impl IntoView
where
    T: PartialEq + Send + Sync + Clone + 'static,
    F: Fn(&DrawingArea<CanvasBackend, Shift>, &T, &Theme) -> CanvasResult + 'static,
{
    let canvas = NodeRef::<html::Canvas>::new();
    let tick = use_context::<ResizeTick>().map(|t| t.0);
    let dark = use_context::<DarkMode>().map(|d| d.0);
    Effect::new(move |_| {
        if let Some(t) = tick {
            t.track();
        }
        let dark = dark.map(|d| d.get()).unwrap_or(false);
        let Some(el) = canvas.get() else { return };
        data.with(|d| paint(&el, d, dark, &draw));
    });
    view! {
        <figure class="chart" data-chart=id>
            <canvas node_ref=canvas role="img" aria-label=move || label.get()></canvas>
        </figure>
    }
}

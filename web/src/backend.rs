//! One drawing backend for the page: a `<canvas>` on screen, or plotters' SVG backend for the
//! "SVG" download.
//!
//! The charts are generic over plotters' `DrawingBackend`; instantiating each of them for a
//! second backend type would put a second copy of all chart code in the wasm. Dispatching at
//! run time keeps one copy: every chart is compiled once, for `PageBackend`, and draws the
//! same way to either target.

use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use plotters_svg::SVGBackend;

/// A canvas, or an SVG document being written.
pub enum PageBackend {
    Canvas(CanvasBackend),
    Svg(SVGBackend<'static>),
}

/// Either backend's error, as text.
#[derive(Debug)]
pub struct PageError(String);

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PageError {}

type Res = Result<(), DrawingErrorKind<PageError>>;

fn cast<T, E: std::error::Error + Send + Sync>(
    r: Result<T, DrawingErrorKind<E>>,
) -> Result<T, DrawingErrorKind<PageError>> {
    r.map_err(|e| match e {
        DrawingErrorKind::DrawingError(e) => {
            DrawingErrorKind::DrawingError(PageError(e.to_string()))
        }
        DrawingErrorKind::FontError(f) => DrawingErrorKind::FontError(f),
    })
}

/// Calls the same method on whichever backend this is.
macro_rules! both {
    ($self:ident, $b:ident => $e:expr) => {
        match $self {
            PageBackend::Canvas($b) => cast($e),
            PageBackend::Svg($b) => cast($e),
        }
    };
}

impl DrawingBackend for PageBackend {
    type ErrorType = PageError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            PageBackend::Canvas(b) => b.get_size(),
            PageBackend::Svg(b) => b.get_size(),
        }
    }
    fn ensure_prepared(&mut self) -> Res {
        both!(self, b => b.ensure_prepared())
    }
    fn present(&mut self) -> Res {
        both!(self, b => b.present())
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Res {
        both!(self, b => b.draw_pixel(point, color))
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, s: &S) -> Res {
        both!(self, b => b.draw_line(from, to, s))
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        s: &S,
        fill: bool,
    ) -> Res {
        both!(self, b => b.draw_rect(upper_left, bottom_right, s, fill))
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Res {
        both!(self, b => b.draw_path(path, s))
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        s: &S,
        fill: bool,
    ) -> Res {
        both!(self, b => b.draw_circle(center, radius, s, fill))
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        s: &S,
    ) -> Res {
        both!(self, b => b.fill_polygon(vert, s))
    }
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, s: &S, pos: BackendCoord) -> Res {
        both!(self, b => b.draw_text(text, s, pos))
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        s: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<PageError>> {
        both!(self, b => b.estimate_text_size(text, s))
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Res {
        both!(self, b => b.blit_bitmap(pos, size, src))
    }
}

/// Draws with `draw` into an SVG document of `size` pixels and returns it.
pub fn svg_string(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<PageBackend, plotters::coord::Shift>),
) -> String {
    let buf: *mut String = Box::into_raw(Box::default());
    {
        // SAFETY: `buf` is a live, uniquely owned allocation until it is reclaimed below.
        // The only reference made from it goes to the SVG backend inside `root`, and `root`
        // (with the backend) is dropped at the end of this block, before the reclaim; nothing
        // the chart functions do keeps the drawing area past their return.
        let backend = SVGBackend::with_string(unsafe { &mut *buf }, size);
        let root = PageBackend::Svg(backend).into_drawing_area();
        draw(&root);
    }
    // SAFETY: `buf` came from `Box::into_raw` above and no reference to it is left.
    *unsafe { Box::from_raw(buf) }
}

//! PNG output for `ridgepoint chart -o FILE.png`: plotters' bitmap backend, with text drawn
//! here from a TrueType font found on the machine ([`find_font`]: `RIDGEPOINT_FONT`, else the
//! usual places of DejaVu Sans, Liberation Sans, Arial). No font ships with the project.
//!
//! plotters draws text on a bitmap through its font feature (`ttf` looks up system fonts,
//! `ab_glyph` needs a registered font); without one, drawing text panics. Turning either on
//! would change the text metrics every chart uses for label placement in any build that
//! includes this crate, so [`TextBitmap`] wraps the bitmap backend and rasterizes text itself
//! with ab_glyph. Label layout still uses plotters' own estimate, as the SVG output does.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::backend::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};

/// Where fonts are looked for, in order, after `RIDGEPOINT_FONT`: Debian's fonts-dejavu-core
/// and fonts-liberation, Fedora's paths, macOS and Windows.
const FONT_PLACES: [&str; 7] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// The bytes of the first TrueType font found, or a message saying where it looked.
pub(crate) fn find_font() -> Result<Vec<u8>, String> {
    if let Some(path) = std::env::var_os("RIDGEPOINT_FONT") {
        return std::fs::read(&path)
            .map_err(|e| format!("RIDGEPOINT_FONT={}: {e}", path.to_string_lossy()));
    }
    FONT_PLACES
        .iter()
        .find_map(|p| std::fs::read(p).ok())
        .ok_or_else(|| {
            format!(
                "a PNG needs a TrueType font for its text and none was found (looked in {}); \
                 install one (Debian: fonts-dejavu-core), set RIDGEPOINT_FONT=FILE.ttf, or \
                 write .svg",
                FONT_PLACES.join(", ")
            )
        })
}

/// The bitmap backend with text drawn from the font found.
pub(crate) struct TextBitmap<'a> {
    inner: BitMapBackend<'a>,
    font: FontRef<'a>,
}

impl<'a> TextBitmap<'a> {
    /// A backend drawing into `buf`, RGB, `width × height × 3` bytes, with text from `font`
    /// (the bytes of a TrueType file).
    pub(crate) fn with_buffer(
        buf: &'a mut [u8],
        size: (u32, u32),
        font: &'a [u8],
    ) -> Result<Self, String> {
        let font = FontRef::try_from_slice(font).map_err(|e| format!("font: {e}"))?;
        Ok(TextBitmap {
            inner: BitMapBackend::with_buffer(buf, size),
            font,
        })
    }
}

/// An RGB buffer of `size` encoded as PNG.
pub(crate) fn encode(buf: Vec<u8>, (w, h): (u32, u32)) -> Result<Vec<u8>, String> {
    let img = image::RgbImage::from_raw(w, h, buf)
        .ok_or_else(|| format!("a {w} × {h} image needs {} bytes", w as u64 * h as u64 * 3))?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageOutputFormat::Png)
        .map_err(|e| format!("PNG encoding failed: {e}"))?;
    Ok(out.into_inner())
}

type E = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

impl DrawingBackend for TextBitmap<'_> {
    type ErrorType = E;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<E>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<E>> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> Result<(), DrawingErrorKind<E>> {
        self.inner.draw_pixel(p, c)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<E>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<E>> {
        self.inner.draw_rect(a, b, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<E>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<E>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<E>> {
        self.inner.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (w, h): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<E>> {
        self.inner.blit_bitmap(pos, (w, h), src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<E>> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        // `size` is the em size in pixels, as a canvas font size is; ab_glyph's scale is the
        // ascent-to-descent height.
        let f = &self.font;
        let em = f.units_per_em().unwrap_or(2048.0);
        let scaled = f.as_scaled(PxScale::from(
            style.size() as f32 * f.height_unscaled() / em,
        ));
        // Width: advances plus kerning; height: ascent to descent.
        let mut width = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                width += scaled.kern(p, id);
            }
            width += scaled.h_advance(id);
            prev = Some(id);
        }
        let ascent = scaled.ascent();
        let height = ascent - scaled.descent();
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Right => -width,
            HPos::Center => -width / 2.0,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.0,
            VPos::Center => -height / 2.0,
            VPos::Bottom => -height,
        };
        let bold = matches!(style.style(), FontStyle::Bold);
        let trans = style.transform();
        let mut pixels: Vec<(i32, i32, f32)> = Vec::new();
        let mut x = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                x += scaled.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(scaled.scale(), point(x + dx, ascent + dy));
            if let Some(outline) = self.font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, cov| {
                    let px = b.min.x as i32 + gx as i32;
                    let py = b.min.y as i32 + gy as i32;
                    pixels.push((px, py, cov));
                    if bold {
                        pixels.push((px + 1, py, cov));
                    }
                });
            }
            x += scaled.h_advance(id);
        }
        for (px, py, cov) in pixels {
            if cov <= 0.0 {
                continue;
            }
            let (tx, ty) = trans.transform(px, py);
            let c = BackendColor {
                alpha: color.alpha * cov.min(1.0) as f64,
                rgb: color.rgb,
            };
            self.inner.draw_pixel((pos.0 + tx, pos.1 + ty), c)?;
        }
        Ok(())
    }
}

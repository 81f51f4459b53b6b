//! What every chart shares: the frame (margins, legend, axis titles), axes with human tick
//! labels, lines clipped to the plot, markers, and labels that keep out of each other's way.
//!
//! Everything is drawn in pixels on the caller's drawing area with plotters' basic elements, so
//! the same code runs on a canvas and an SVG backend, and every size derives from the theme's
//! font size (which the page scales by the device pixel ratio). Text widths are estimated here
//! rather than measured by the backend: measuring on a canvas means a DOM layout per string,
//! and an estimate keeps layout identical in the page and in SVG tests.

use crate::Theme;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use ridgepoint::units::sig3;

/// The result of a drawing step.
pub(crate) type Res<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Text sizes relative to the theme's font size.
pub(crate) const TICK: f64 = 0.85;
pub(crate) const LABEL: f64 = 0.9;
pub(crate) const TITLE: f64 = 0.92;
pub(crate) const LEGEND: f64 = 0.85;

/// Estimated advance width of `s` in a sans-serif face at `size` pixels (generous: DejaVu Sans
/// is among the widest default faces).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.3,
            'f' | 't' | 'r' | 'I' | ' ' | '(' | ')' | '[' | ']' | '-' | '/' => 0.38,
            'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.9,
            '0'..='9' => 0.64,
            'A'..='Z' => 0.7,
            'a'..='z' => 0.6,
            '×' | '+' | '=' | '<' | '>' | '~' | '≈' | '·' => 0.72,
            _ => 0.85,
        })
        .sum::<f64>()
        * size
}

/// `v` limited to `lo..=hi` without `f64::clamp`'s panic on crossed or NaN bounds (a chart
/// squeezed to nothing has crossed bounds; the page must never panic).
pub(crate) fn clampf(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

/// Exactly 10^e (parsing avoids the drift of repeated multiplication).
pub(crate) fn pow10(e: i32) -> f64 {
    ridgepoint::units::parse_decimal(&format!("1e{e}")).unwrap_or_else(|| 10f64.powi(e))
}

fn finite_pos(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

/// The decades enclosing every finite positive value (one decade if there are none).
pub(crate) fn log_range(vals: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in vals.into_iter().filter(|v| finite_pos(*v)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (1.0, 10.0);
    }
    let a = (lo.log10() + 1e-9).floor() as i32;
    let mut b = (hi.log10() - 1e-9).ceil() as i32;
    if b <= a {
        b = a + 1;
    }
    (pow10(a), pow10(b))
}

/// 0 to a round number above the largest finite value.
pub(crate) fn lin_range(vals: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let hi = vals
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    if hi <= 0.0 {
        return (0.0, 1.0);
    }
    let step = nice_step(hi / 5.0);
    (0.0, (hi / step - 1e-9).ceil() * step)
}

/// The smallest of 1, 2, 2.5, 5 × 10^k at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    let e = raw.log10().floor() as i32;
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let s = m * pow10(e);
        if s >= raw * (1.0 - 1e-9) {
            return s;
        }
    }
    10.0 * pow10(e)
}

/// How tick values read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fmt {
    /// 1, 10, 100, 1k, 10k, 1M; 0.1.
    Count,
    /// 100 MB, 1 GB, 1 TB (decimal).
    Bytes,
    /// 10 µs, 1 ms, 1 s.
    Seconds,
    /// 100 T, 1 P (the title says FLOP/s).
    Flops,
}

/// 1, 2.5k, 10M, 0.01: three significant digits with a k/M/G/T suffix.
pub(crate) fn compact(v: f64) -> String {
    let a = v.abs();
    for (scale, p) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] {
        if a >= scale * 0.9995 {
            return format!("{}{p}", sig3(v / scale));
        }
    }
    sig3(v)
}

fn prefixed(v: f64, unit: &str, prefixes: &[(f64, &str)]) -> String {
    let a = v.abs();
    for (scale, p) in prefixes {
        if a >= scale * 0.9995 {
            return format!("{} {p}{unit}", sig3(v / scale));
        }
    }
    format!("{} {unit}", sig3(v))
}

pub(crate) fn tick_label(f: Fmt, v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    match f {
        Fmt::Count => compact(v),
        Fmt::Bytes => prefixed(
            v,
            "B",
            &[
                (1e18, "E"),
                (1e15, "P"),
                (1e12, "T"),
                (1e9, "G"),
                (1e6, "M"),
                (1e3, "k"),
            ],
        ),
        Fmt::Seconds => {
            let a = v.abs();
            if a >= 1.0 {
                format!("{} s", compact(v))
            } else if a >= 1e-3 * 0.9995 {
                format!("{} ms", sig3(v * 1e3))
            } else if a >= 1e-6 * 0.9995 {
                format!("{} µs", sig3(v * 1e6))
            } else {
                format!("{} ns", sig3(v * 1e9))
            }
        }
        Fmt::Flops => prefixed(
            v,
            "",
            &[
                (1e18, "E"),
                (1e15, "P"),
                (1e12, "T"),
                (1e9, "G"),
                (1e6, "M"),
            ],
        )
        .trim_end()
        .to_string(),
    }
}

/// A rectangle in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect { x0, y0, x1, y1 }
    }
    pub fn w(&self) -> f64 {
        self.x1 - self.x0
    }
    pub fn h(&self) -> f64 {
        self.y1 - self.y0
    }
    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
    fn intersects(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    fn overlap(&self, o: &Rect) -> f64 {
        let w = (self.x1.min(o.x1) - self.x0.max(o.x0)).max(0.0);
        let h = (self.y1.min(o.y1) - self.y0.max(o.y0)).max(0.0);
        w * h
    }
    fn within(&self, b: &Rect) -> bool {
        self.x0 >= b.x0 - 0.5
            && self.x1 <= b.x1 + 0.5
            && self.y0 >= b.y0 - 0.5
            && self.y1 <= b.y1 + 0.5
    }
    fn clamped(mut self, b: &Rect) -> Rect {
        let dx = if self.x0 < b.x0 {
            b.x0 - self.x0
        } else if self.x1 > b.x1 {
            (b.x1 - self.x1).max(b.x0 - self.x0)
        } else {
            0.0
        };
        let dy = if self.y0 < b.y0 {
            b.y0 - self.y0
        } else if self.y1 > b.y1 {
            (b.y1 - self.y1).max(b.y0 - self.y0)
        } else {
            0.0
        };
        self.x0 += dx;
        self.x1 += dx;
        self.y0 += dy;
        self.y1 += dy;
        self
    }
}

/// One axis's mapping from values to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    /// Pixel of `lo` and of `hi`.
    pub a: f64,
    pub b: f64,
}

impl Scale {
    fn frac(&self, v: f64) -> f64 {
        if self.log {
            if v <= 0.0 {
                return f64::NAN;
            }
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
    /// The pixel of `v` (NaN for a value a log axis cannot show).
    pub fn px(&self, v: f64) -> f64 {
        self.a + (self.b - self.a) * self.frac(v)
    }
    /// Whether `v` lies on the axis.
    pub fn contains(&self, v: f64) -> bool {
        let f = self.frac(v);
        (-1e-9..=1.0 + 1e-9).contains(&f)
    }
    fn len(&self) -> f64 {
        (self.b - self.a).abs()
    }
}

/// Tick values and labels along `s`, thinned so that labels needing `room(label)` pixels
/// along the axis do not overlap. Log axes tick at powers of ten only.
pub(crate) fn ticks(s: &Scale, f: Fmt, room: impl Fn(&str) -> f64) -> Vec<(f64, String)> {
    if s.log {
        let a = (s.lo.log10() - 1e-9).ceil() as i32;
        let b = (s.hi.log10() + 1e-9).floor() as i32;
        let all: Vec<(i32, String)> = (a..=b).map(|e| (e, tick_label(f, pow10(e)))).collect();
        let need = all.iter().map(|(_, l)| room(l)).fold(0.0, f64::max);
        let decade = s.len() / (s.hi.log10() - s.lo.log10()).max(1e-9);
        let step = [1, 2, 3, 4, 5, 6, 8, 10, 20]
            .into_iter()
            .find(|k| decade * *k as f64 >= need)
            .unwrap_or(20);
        all.into_iter()
            .filter(|(e, _)| e.rem_euclid(step) == 0)
            .map(|(e, l)| (pow10(e), l))
            .collect()
    } else {
        let span = s.hi - s.lo;
        if span.is_nan() || span <= 0.0 {
            return vec![];
        }
        let mut step = nice_step(span / 12.0);
        loop {
            let first = (s.lo / step - 1e-9).ceil() as i64;
            let last = (s.hi / step + 1e-9).floor() as i64;
            let t: Vec<(f64, String)> = (first..=last)
                .map(|i| {
                    let v = i as f64 * step;
                    (v, tick_label(f, v))
                })
                .collect();
            let need = t.iter().map(|(_, l)| room(l)).fold(0.0, f64::max);
            if step / span * s.len() >= need || t.len() <= 2 {
                return t;
            }
            step = nice_step(step * 1.01);
        }
    }
}

/// An axis to draw.
#[derive(Clone, Debug)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub fmt: Fmt,
    pub title: String,
    /// Colour for the tick labels and title (a dual-axis chart colours each axis like its line).
    pub color: Option<RGBColor>,
    /// False: the axis only maps values (no line, ticks or labels).
    pub show: bool,
}

impl Axis {
    pub fn log(range: (f64, f64), fmt: Fmt, title: impl Into<String>) -> Axis {
        Axis {
            lo: range.0,
            hi: range.1,
            log: true,
            fmt,
            title: title.into(),
            color: None,
            show: true,
        }
    }
    /// An axis that maps `range` but draws nothing.
    pub fn hidden(range: (f64, f64)) -> Axis {
        Axis {
            show: false,
            ..Axis::linear(range, Fmt::Count, "")
        }
    }
    pub fn linear(range: (f64, f64), fmt: Fmt, title: impl Into<String>) -> Axis {
        Axis {
            log: false,
            ..Axis::log(range, fmt, title)
        }
    }
    pub fn colored(mut self, c: RGBColor) -> Axis {
        self.color = Some(c);
        self
    }
}

/// Marker shapes. Circles are the model's points, diamonds published measurements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Diamond,
}

/// What a legend entry shows beside its text.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Swatch {
    Line {
        color: RGBColor,
        width: f64,
        dashed: bool,
    },
    Marker {
        shape: Marker,
        color: RGBColor,
        filled: bool,
    },
    Block(RGBColor),
}

/// `c` at `alpha` over `bg`, as an opaque colour (a legend swatch for a faint fill).
pub(crate) fn over(c: RGBColor, bg: RGBColor, alpha: f64) -> RGBColor {
    let m = |a: u8, b: u8| (a as f64 * alpha + b as f64 * (1.0 - alpha)).round() as u8;
    RGBColor(m(c.0, bg.0), m(c.1, bg.1), m(c.2, bg.2))
}

/// A legend entry.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub swatch: Swatch,
    pub text: String,
}

impl Key {
    pub fn new(swatch: Swatch, text: impl Into<String>) -> Key {
        Key {
            swatch,
            text: text.into(),
        }
    }
}

/// The legend entry for a pinned scenario, if one is drawn.
pub(crate) fn pinned_key(t: &Theme, p: &Option<crate::Pinned>) -> Option<Key> {
    p.as_ref().map(|_| {
        Key::new(
            Swatch::Line {
                color: t.pinned,
                width: thick(t.font_size) * 1.6,
                dashed: false,
            },
            "pinned A",
        )
    })
}

/// Where a label sits relative to its anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    E,
    W,
    N,
    S,
    NE,
    NW,
    SE,
    SW,
}

/// Whether `area` is narrow for type of size `fs` (phone widths): charts shorten texts.
pub(crate) fn narrow<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, fs: f64) -> bool {
    (area.dim_in_pixel().0 as f64) < 44.0 * fs
}

/// Line widths relative to the font size.
pub(crate) fn thick(fs: f64) -> f64 {
    (fs / 6.0).max(1.5)
}
pub(crate) fn thin(fs: f64) -> f64 {
    (fs / 11.0).max(1.0)
}

/// The canvas of one chart: the drawing area, the theme, sizes, and what labels already cover.
pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    pub t: Theme,
    pub fs: f64,
    pub w: f64,
    pub h: f64,
    /// Margin around the chart.
    pub m: f64,
    taken: Vec<Rect>,
    /// The placed labels among `taken` (leader lines may cross lines and markers, not labels).
    labels: Vec<Rect>,
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    /// Fills the background.
    pub fn new(
        area: &'a DrawingArea<DB, Shift>,
        t: &Theme,
    ) -> Result<Self, DrawingAreaErrorKind<DB::ErrorType>> {
        area.fill(&t.background)?;
        let (w, h) = area.dim_in_pixel();
        let fs = t.font_size.max(1.0);
        Ok(Canvas {
            area,
            t: *t,
            fs,
            w: w as f64,
            h: h as f64,
            m: (0.6 * fs).round(),
            taken: Vec::new(),
            labels: Vec::new(),
        })
    }

    /// Narrow canvases get shorter texts.
    pub fn compact(&self) -> bool {
        narrow(self.area, self.fs)
    }

    pub fn font(&self, k: f64, c: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
        TextStyle {
            font: (
                FontFamily::Name(self.t.font),
                self.fs * k * self.t.text_scale,
            )
                .into_font(),
            color: c.to_backend_color(),
            pos: Pos::new(h, v),
        }
    }

    /// Bold text anchored at `(x, y)`.
    #[allow(clippy::too_many_arguments)]
    pub fn bold(&self, s: &str, x: f64, y: f64, k: f64, c: RGBColor, h: HPos, v: VPos) -> Res<DB> {
        if s.is_empty() || !x.is_finite() || !y.is_finite() {
            return Ok(());
        }
        let style = TextStyle {
            font: (
                FontFamily::Name(self.t.font),
                self.fs * k * self.t.text_scale,
                FontStyle::Bold,
            )
                .into_font(),
            color: c.to_backend_color(),
            pos: Pos::new(h, v),
        };
        self.area.draw(&Text::new(
            s.to_string(),
            (x.round() as i32, y.round() as i32),
            style,
        ))
    }

    /// Text anchored at `(x, y)`.
    #[allow(clippy::too_many_arguments)]
    pub fn text(&self, s: &str, x: f64, y: f64, k: f64, c: RGBColor, h: HPos, v: VPos) -> Res<DB> {
        if s.is_empty() || !x.is_finite() || !y.is_finite() {
            return Ok(());
        }
        self.area.draw(&Text::new(
            s.to_string(),
            (x.round() as i32, y.round() as i32),
            self.font(k, c, h, v),
        ))
    }

    /// Marks `r` as covered so later labels avoid it.
    pub fn reserve(&mut self, r: Rect) {
        self.taken.push(r);
    }

    pub fn rect(&self, r: Rect, c: RGBAColor, filled: bool, width: f64) -> Res<DB> {
        let style = ShapeStyle {
            color: c,
            filled,
            stroke_width: width.round().max(1.0) as u32,
        };
        self.area.draw(&Rectangle::new(
            [
                (r.x0.round() as i32, r.y0.round() as i32),
                (r.x1.round() as i32, r.y1.round() as i32),
            ],
            style,
        ))
    }

    /// A filled polygon in pixels.
    pub fn polygon(&self, pts: &[(f64, f64)], c: RGBAColor) -> Res<DB> {
        self.area.draw(&Polygon::new(
            pts.iter()
                .map(|(x, y)| (x.round() as i32, y.round() as i32))
                .collect::<Vec<_>>(),
            ShapeStyle {
                color: c,
                filled: true,
                stroke_width: 0,
            },
        ))
    }

    /// A straight path in pixels, optionally dashed.
    pub fn path(
        &self,
        pts: &[(f64, f64)],
        c: RGBColor,
        width: f64,
        dash: Option<(f64, f64)>,
    ) -> Res<DB> {
        let style = c.stroke_width(width.round().max(1.0) as u32);
        match dash {
            None => self.area.draw(&PathElement::new(
                pts.iter()
                    .map(|(x, y)| (x.round() as i32, y.round() as i32))
                    .collect::<Vec<_>>(),
                style,
            )),
            Some((on, off)) => {
                for seg in dashes(pts, on, off) {
                    self.area.draw(&PathElement::new(
                        seg.iter()
                            .map(|(x, y)| (x.round() as i32, y.round() as i32))
                            .collect::<Vec<_>>(),
                        style,
                    ))?;
                }
                Ok(())
            }
        }
    }

    /// A marker centred at `(x, y)` with radius `r`.
    pub fn marker(
        &self,
        shape: Marker,
        x: f64,
        y: f64,
        r: f64,
        c: RGBColor,
        filled: bool,
    ) -> Res<DB> {
        if !x.is_finite() || !y.is_finite() {
            return Ok(());
        }
        let (xi, yi) = (x.round() as i32, y.round() as i32);
        let ri = r.round().max(2.0) as i32;
        let sw = thin(self.fs).round().max(1.0) as u32;
        match shape {
            Marker::Circle => {
                let style = if filled {
                    c.filled()
                } else {
                    c.stroke_width(sw + 1)
                };
                self.area.draw(&Circle::new((xi, yi), ri, style))
            }
            Marker::Diamond => {
                let d = (r * 1.3).round() as i32;
                let pts = vec![(xi, yi - d), (xi + d, yi), (xi, yi + d), (xi - d, yi)];
                if filled {
                    self.area.draw(&Polygon::new(pts, c.filled()))
                } else {
                    let mut closed = pts.clone();
                    closed.push(pts[0]);
                    self.area
                        .draw(&PathElement::new(closed, c.stroke_width(sw + 1)))
                }
            }
        }
    }

    /// Size of a (possibly multi-line) label's box, with padding.
    pub fn label_size(&self, s: &str, k: f64) -> (f64, f64) {
        let size = self.fs * k;
        let w = s.lines().map(|l| text_width(l, size)).fold(0.0, f64::max);
        let n = s.lines().count().max(1) as f64;
        (w + 0.5 * size, n * 1.2 * size + 0.2 * size)
    }

    /// Candidate boxes around an anchor, in the order given.
    pub fn around(
        &self,
        s: &str,
        k: f64,
        (ax, ay): (f64, f64),
        gap: f64,
        places: &[Place],
    ) -> Vec<Rect> {
        let (w, h) = self.label_size(s, k);
        let d = gap;
        let e = gap * 0.7;
        places
            .iter()
            .map(|p| match p {
                Place::E => Rect::new(ax + d, ay - h / 2.0, ax + d + w, ay + h / 2.0),
                Place::W => Rect::new(ax - d - w, ay - h / 2.0, ax - d, ay + h / 2.0),
                Place::N => Rect::new(ax - w / 2.0, ay - d - h, ax + w / 2.0, ay - d),
                Place::S => Rect::new(ax - w / 2.0, ay + d, ax + w / 2.0, ay + d + h),
                Place::NE => Rect::new(ax + e, ay - e - h, ax + e + w, ay - e),
                Place::NW => Rect::new(ax - e - w, ay - e - h, ax - e, ay - e),
                Place::SE => Rect::new(ax + e, ay + e, ax + e + w, ay + e + h),
                Place::SW => Rect::new(ax - e - w, ay + e, ax - e, ay + e + h),
            })
            .collect()
    }

    /// Draws `s` in the first candidate box that lies within `bounds` and covers nothing
    /// already placed. With none free, a `required` label takes the least covered one (moved
    /// inside `bounds`, on a halo so it reads over what it covers); an optional one is dropped.
    /// Returns the box used.
    pub fn label(
        &mut self,
        s: &str,
        k: f64,
        c: RGBColor,
        cands: &[Rect],
        bounds: Rect,
        required: bool,
    ) -> Result<Option<Rect>, DrawingAreaErrorKind<DB::ErrorType>> {
        self.label_led(s, k, c, cands, bounds, required, None)
    }

    /// [`Canvas::label`], where a box more than `gap` from `anchor` will get a leader line,
    /// which must not cross anything placed either.
    #[allow(clippy::too_many_arguments)]
    pub fn label_led(
        &mut self,
        s: &str,
        k: f64,
        c: RGBColor,
        cands: &[Rect],
        bounds: Rect,
        required: bool,
        leader: Option<((f64, f64), f64)>,
    ) -> Result<Option<Rect>, DrawingAreaErrorKind<DB::ErrorType>> {
        let cost = |r: &Rect, taken: &[Rect]| taken.iter().map(|t| r.overlap(t)).sum::<f64>();
        let leader_clear = |r: &Rect, labels: &[Rect]| {
            let Some((at, gap)) = leader else { return true };
            let end = (clampf(at.0, r.x0, r.x1), clampf(at.1, r.y0, r.y1));
            let len = ((end.0 - at.0).powi(2) + (end.1 - at.1).powi(2)).sqrt();
            let n = (len / 2.0).ceil() as usize;
            (0..=n).all(|i| {
                let f = i as f64 / n.max(1) as f64;
                let p = (at.0 + (end.0 - at.0) * f, at.1 + (end.1 - at.1) * f);
                let d = f * len;
                d <= gap + 1.0
                    || d >= len - 1.0
                    || !labels
                        .iter()
                        .any(|t| p.0 > t.x0 && p.0 < t.x1 && p.1 > t.y0 && p.1 < t.y1)
            })
        };
        let free = cands
            .iter()
            .find(|r| {
                r.within(&bounds)
                    && !self.taken.iter().any(|t| r.intersects(t))
                    && leader_clear(r, &self.labels)
            })
            .copied();
        let (chosen, halo) = match free {
            Some(r) => (Some(r), false),
            None if required => (
                cands.iter().map(|r| r.clamped(&bounds)).min_by(|a, b| {
                    cost(a, &self.taken)
                        .partial_cmp(&cost(b, &self.taken))
                        .unwrap_or(std::cmp::Ordering::Equal)
                }),
                true,
            ),
            None => (None, false),
        };
        if let Some(r) = chosen {
            self.draw_label(s, k, c, r, halo)?;
            self.taken.push(r);
            self.labels.push(r);
        }
        Ok(chosen)
    }

    /// A label's text in its box, optionally on a translucent background halo.
    pub fn draw_label(&self, s: &str, k: f64, c: RGBColor, r: Rect, halo: bool) -> Res<DB> {
        let size = self.fs * k;
        if halo {
            let w = s.lines().map(|l| text_width(l, size)).fold(0.0, f64::max) * 0.92;
            let x0 = r.x0 + 0.25 * size - 0.15 * size;
            self.rect(
                Rect::new(x0, r.y0, x0 + w + 0.3 * size, r.y1),
                self.t.background.mix(0.85),
                true,
                1.0,
            )?;
        }
        let n = s.lines().count().max(1);
        let line_h = (r.h() - 0.2 * size) / n as f64;
        for (i, l) in s.lines().enumerate() {
            let y = r.y0 + 0.1 * size + line_h * (i as f64 + 0.5);
            self.text(l, r.x0 + 0.25 * size, y, k, c, HPos::Left, VPos::Center)?;
        }
        Ok(())
    }

    /// Lays out and draws a legend in rows starting at `(x, y)` within `width`; returns its
    /// height. With `draw` false only measures.
    pub fn legend(
        &self,
        keys: &[Key],
        x: f64,
        y: f64,
        width: f64,
        draw: bool,
    ) -> Result<f64, DrawingAreaErrorKind<DB::ErrorType>> {
        let (spots, height) = legend_layout(keys, x, y, width, self.fs);
        if !draw {
            return Ok(height);
        }
        let sw = 1.7 * self.fs;
        let row_h = 1.35 * self.fs;
        for (key, (cx, cy)) in keys.iter().zip(spots) {
            let my = cy + row_h / 2.0;
            match key.swatch {
                Swatch::Line {
                    color,
                    width,
                    dashed,
                } => {
                    let dash = dashed.then_some((0.45 * self.fs, 0.3 * self.fs));
                    self.path(&[(cx, my), (cx + sw, my)], color, width, dash)?;
                }
                Swatch::Marker {
                    shape,
                    color,
                    filled,
                } => {
                    self.marker(shape, cx + sw / 2.0, my, 0.33 * self.fs, color, filled)?;
                }
                Swatch::Block(color) => {
                    self.rect(
                        Rect::new(
                            cx + 0.2 * sw,
                            my - 0.35 * self.fs,
                            cx + 0.8 * sw,
                            my + 0.35 * self.fs,
                        ),
                        color.to_rgba(),
                        true,
                        1.0,
                    )?;
                }
            }
            self.text(
                &key.text,
                cx + sw + 0.35 * self.fs,
                my,
                LEGEND,
                self.t.text,
                HPos::Left,
                VPos::Center,
            )?;
        }
        Ok(height)
    }
}

/// Where each legend entry goes (top-left of its row slot) when the legend wraps within
/// `width` from `(x, y)`, and the legend's height.
pub(crate) fn legend_layout(
    keys: &[Key],
    x: f64,
    y: f64,
    width: f64,
    fs: f64,
) -> (Vec<(f64, f64)>, f64) {
    if keys.is_empty() {
        return (Vec::new(), 0.0);
    }
    let size = fs * LEGEND;
    let sw = 1.7 * fs;
    let row_h = 1.35 * fs;
    let (mut cx, mut cy) = (x, y);
    let mut spots = Vec::with_capacity(keys.len());
    for key in keys {
        let kw = sw + 0.35 * fs + text_width(&key.text, size);
        if cx > x && cx + kw > x + width {
            cx = x;
            cy += row_h;
        }
        spots.push((cx, cy));
        cx += kw + 1.1 * fs;
    }
    (spots, cy + row_h - y)
}

/// Splits a polyline into dashes of `on` pixels separated by `off`.
fn dashes(pts: &[(f64, f64)], on: f64, off: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let (on, off) = (on.max(1.0), off.max(1.0));
    let mut drawing = true;
    let mut left = on;
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for w in pts.windows(2) {
        let (mut p, q) = (w[0], w[1]);
        let mut len = ((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2)).sqrt();
        if !len.is_finite() {
            continue;
        }
        if drawing && cur.is_empty() {
            cur.push(p);
        }
        while len > 0.0 {
            let step = left.min(len);
            let f = step / len;
            let np = (p.0 + (q.0 - p.0) * f, p.1 + (q.1 - p.1) * f);
            if drawing {
                cur.push(np);
            }
            len -= step;
            left -= step;
            p = np;
            if left <= 1e-9 {
                if drawing {
                    out.push(std::mem::take(&mut cur));
                    left = off;
                } else {
                    cur = vec![p];
                    left = on;
                }
                drawing = !drawing;
            }
        }
    }
    if cur.len() > 1 {
        out.push(cur);
    }
    out
}

/// Liang–Barsky: the part of segment `p`–`q` inside `r`.
fn clip(p: (f64, f64), q: (f64, f64), r: &Rect) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pk, qk) in [
        (-dx, p.0 - r.x0),
        (dx, r.x1 - p.0),
        (-dy, p.1 - r.y0),
        (dy, r.y1 - p.1),
    ] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else {
            let t = qk / pk;
            if pk < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((
        (p.0 + t0 * dx, p.1 + t0 * dy),
        (p.0 + t1 * dx, p.1 + t1 * dy),
    ))
}

/// The pieces of a pixel polyline inside `r`; non-finite points break the line.
pub(crate) fn clip_polyline(pts: &[(f64, f64)], r: &Rect) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for w in pts.windows(2) {
        let (p, q) = (w[0], w[1]);
        let ok = p.0.is_finite() && p.1.is_finite() && q.0.is_finite() && q.1.is_finite();
        match ok.then(|| clip(p, q, r)).flatten() {
            Some((a, b)) => {
                let joined = cur
                    .last()
                    .is_some_and(|l| (l.0 - a.0).abs() < 1e-6 && (l.1 - a.1).abs() < 1e-6);
                if !joined {
                    if cur.len() > 1 {
                        runs.push(std::mem::take(&mut cur));
                    }
                    cur = vec![a];
                }
                cur.push(b);
            }
            None => {
                if cur.len() > 1 {
                    runs.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() > 1 {
        runs.push(cur);
    }
    runs
}

/// A chart with axes: the canvas plus the plot rectangle and its scales.
pub(crate) struct Plot<'a, DB: DrawingBackend> {
    pub c: Canvas<'a, DB>,
    pub rect: Rect,
    pub x: Scale,
    pub y: Scale,
    pub y2: Option<Scale>,
}

impl<'a, DB: DrawingBackend> std::ops::Deref for Plot<'a, DB> {
    type Target = Canvas<'a, DB>;
    fn deref(&self) -> &Canvas<'a, DB> {
        &self.c
    }
}
impl<'a, DB: DrawingBackend> std::ops::DerefMut for Plot<'a, DB> {
    fn deref_mut(&mut self) -> &mut Canvas<'a, DB> {
        &mut self.c
    }
}

impl<'a, DB: DrawingBackend> Plot<'a, DB> {
    /// Lays out legend, axis titles, tick labels and the plot rectangle, and draws them.
    pub fn new(
        area: &'a DrawingArea<DB, Shift>,
        t: &Theme,
        keys: &[Key],
        xa: Axis,
        ya: Axis,
        y2a: Option<Axis>,
    ) -> Result<Self, DrawingAreaErrorKind<DB::ErrorType>> {
        let c = Canvas::new(area, t)?;
        let (fs, m, w, h) = (c.fs, c.m, c.w, c.h);
        let tick_size = fs * TICK;
        let tick_len = 0.35 * fs;

        let legend_h = c.legend(keys, m, m, w - 2.0 * m, false)?;
        let has_title = !ya.title.is_empty() || y2a.as_ref().is_some_and(|a| !a.title.is_empty());
        let title_h = if has_title { 1.4 * fs } else { 0.0 };
        let top = m + legend_h + title_h + 0.6 * fs;
        let x_title_h = if xa.title.is_empty() { 0.0 } else { 1.35 * fs };
        let bottom = m + x_title_h + 1.2 * tick_size + tick_len + 0.3 * fs;

        let y_room = |_: &str| 2.0 * tick_size;
        let mut y = Scale {
            lo: ya.lo,
            hi: ya.hi,
            log: ya.log,
            a: h - bottom,
            b: top,
        };
        let yt = if ya.show {
            ticks(&y, ya.fmt, y_room)
        } else {
            vec![]
        };
        let mut y2 = y2a.as_ref().map(|a| Scale {
            lo: a.lo,
            hi: a.hi,
            log: a.log,
            a: h - bottom,
            b: top,
        });
        let y2t = match (&y2, &y2a) {
            (Some(s), Some(a)) => ticks(s, a.fmt, y_room),
            _ => vec![],
        };
        let label_w = |t: &[(f64, String)]| {
            t.iter()
                .map(|(_, l)| text_width(l, tick_size))
                .fold(0.0, f64::max)
        };
        let left = if ya.show {
            m + label_w(&yt) + tick_len + 0.35 * fs
        } else {
            m
        };
        let right = if y2.is_some() {
            m + label_w(&y2t) + tick_len + 0.35 * fs
        } else {
            m + 0.9 * fs
        };
        let x = Scale {
            lo: xa.lo,
            hi: xa.hi,
            log: xa.log,
            a: left,
            b: w - right,
        };
        let xt = ticks(&x, xa.fmt, |l| text_width(l, tick_size) + 0.9 * fs);
        let rect = Rect::new(left, top, w - right, h - bottom);
        y.a = rect.y1;
        y.b = rect.y0;
        if let Some(s) = y2.as_mut() {
            s.a = rect.y1;
            s.b = rect.y0;
        }

        // Grid, then axes and ticks. Each set of lines is one path that retraces along the
        // axis between lines (a single stroke paints a retraced segment once): a few canvas
        // calls instead of one per line.
        let grid = t.grid;
        let comb = |pts: &mut Vec<(f64, f64)>, a: (f64, f64), b: (f64, f64)| {
            pts.extend([a, b, a]);
        };
        let mut g = Vec::new();
        for (v, _) in &xt {
            let px = x.px(*v);
            comb(&mut g, (px, rect.y1), (px, rect.y0));
        }
        if g.len() > 1 {
            c.path(&g, grid, 1.0, None)?;
        }
        let mut g = Vec::new();
        for (v, _) in &yt {
            let py = y.px(*v);
            comb(&mut g, (rect.x0, py), (rect.x1, py));
        }
        if g.len() > 1 {
            c.path(&g, grid, 1.0, None)?;
        }
        let axis = t.axis;
        c.path(&[(rect.x0, rect.y1), (rect.x1, rect.y1)], axis, 1.0, None)?;
        if ya.show {
            c.path(&[(rect.x0, rect.y0), (rect.x0, rect.y1)], axis, 1.0, None)?;
        }
        if y2.is_some() {
            c.path(&[(rect.x1, rect.y0), (rect.x1, rect.y1)], axis, 1.0, None)?;
        }
        // Ticks: (pixel along the axis, length), major and minor together, in order.
        let tick_path =
            |mut ticks: Vec<(f64, f64)>, at: &dyn Fn(f64, f64) -> ((f64, f64), (f64, f64))| {
                ticks.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
                let mut pts = Vec::new();
                for (p, len) in ticks {
                    let (a, b) = at(p, len);
                    comb(&mut pts, a, b);
                }
                pts
            };
        let xt_px: Vec<(f64, f64)> = xt
            .iter()
            .map(|(v, _)| (x.px(*v), tick_len))
            .chain(minor_ticks(&x, fs).into_iter().map(|p| (p, tick_len * 0.6)))
            .collect();
        let pts = tick_path(xt_px, &|p, len| ((p, rect.y1), (p, rect.y1 + len)));
        if pts.len() > 1 {
            c.path(&pts, axis, 1.0, None)?;
        }
        if ya.show {
            let yt_px: Vec<(f64, f64)> = yt
                .iter()
                .map(|(v, _)| (y.px(*v), tick_len))
                .chain(minor_ticks(&y, fs).into_iter().map(|p| (p, tick_len * 0.6)))
                .collect();
            let pts = tick_path(yt_px, &|p, len| ((rect.x0, p), (rect.x0 - len, p)));
            if pts.len() > 1 {
                c.path(&pts, axis, 1.0, None)?;
            }
        }
        if let Some(s) = &y2 {
            let t2: Vec<(f64, f64)> = y2t
                .iter()
                .map(|(v, _)| (s.px(*v), tick_len))
                .chain(minor_ticks(s, fs).into_iter().map(|p| (p, tick_len * 0.6)))
                .collect();
            let pts = tick_path(t2, &|p, len| ((rect.x1, p), (rect.x1 + len, p)));
            if pts.len() > 1 {
                c.path(&pts, axis, 1.0, None)?;
            }
        }
        let label_c = |a: &Axis| a.color.unwrap_or(t.muted);
        for (v, l) in &xt {
            let px = x.px(*v);
            let lw = text_width(l, tick_size);
            let (tx, hp) = if px + lw / 2.0 > w - m * 0.5 {
                (w - m * 0.5, HPos::Right)
            } else if px - lw / 2.0 < m * 0.5 {
                (m * 0.5, HPos::Left)
            } else {
                (px, HPos::Center)
            };
            c.text(
                l,
                tx,
                rect.y1 + tick_len + 0.2 * fs + 0.6 * tick_size,
                TICK,
                label_c(&xa),
                hp,
                VPos::Center,
            )?;
        }
        for (v, l) in &yt {
            let py = y.px(*v);
            c.text(
                l,
                rect.x0 - tick_len - 0.25 * fs,
                py,
                TICK,
                label_c(&ya),
                HPos::Right,
                VPos::Center,
            )?;
        }
        if let (Some(s), Some(a)) = (&y2, &y2a) {
            for (v, l) in &y2t {
                let py = s.px(*v);
                c.text(
                    l,
                    rect.x1 + tick_len + 0.25 * fs,
                    py,
                    TICK,
                    label_c(a),
                    HPos::Left,
                    VPos::Center,
                )?;
            }
        }
        // Titles: the y titles sit above the plot, horizontal; the x title below the ticks.
        let ty = m + legend_h + title_h / 2.0;
        if !ya.title.is_empty() {
            c.text(
                &ya.title,
                m * 0.5,
                ty,
                TITLE,
                ya.color.unwrap_or(t.text),
                HPos::Left,
                VPos::Center,
            )?;
        }
        if let Some(a) = &y2a {
            c.text(
                &a.title,
                w - m * 0.5,
                ty,
                TITLE,
                a.color.unwrap_or(t.text),
                HPos::Right,
                VPos::Center,
            )?;
        }
        if !xa.title.is_empty() {
            c.text(
                &xa.title,
                rect.cx(),
                h - m - x_title_h / 2.0,
                TITLE,
                t.text,
                HPos::Center,
                VPos::Center,
            )?;
        }
        c.legend(keys, m * 0.5, m, w - 2.0 * m, true)?;
        Ok(Plot { c, rect, x, y, y2 })
    }

    /// Pixel of `(x, y)` on the left (or, with `right`, the right) y axis.
    pub fn px(&self, x: f64, y: f64, right: bool) -> (f64, f64) {
        let ys = if right {
            self.y2.unwrap_or(self.y)
        } else {
            self.y
        };
        (self.x.px(x), ys.px(y))
    }

    /// Whether a point lies in the plot.
    pub fn shows(&self, (x, y): (f64, f64)) -> bool {
        x.is_finite()
            && y.is_finite()
            && x >= self.rect.x0 - 0.5
            && x <= self.rect.x1 + 0.5
            && y >= self.rect.y0 - 0.5
            && y <= self.rect.y1 + 0.5
    }

    /// The pinned scenario's lines and points, faint and under everything drawn after.
    pub fn pinned(&mut self, p: &Option<crate::Pinned>) -> Res<DB> {
        let Some(p) = p else { return Ok(()) };
        let (color, fs) = (self.c.t.pinned, self.c.fs);
        for (pts, right) in &p.lines {
            self.line(pts, *right, color, thick(fs) * 1.6, None, true)?;
        }
        for &(x, y, right) in &p.points {
            self.point(Marker::Circle, x, y, right, 0.42 * fs, color, true)?;
        }
        if let Some(ridge) = p.ridge {
            let (x0, x1) = (self.x.lo, self.x.hi);
            let dash = Some((0.5 * fs, 0.35 * fs));
            self.line(
                &[(x0, ridge), (x1, ridge)],
                false,
                color,
                thick(fs),
                dash,
                true,
            )?;
            // Labelled from the right end, leaving the left to the current ridge's label.
            let text = format!("A: ridge {}", fpb(ridge));
            let (w, h) = self.label_size(&text, LABEL);
            let (r, g, py) = (self.rect, 0.2 * fs, self.y.px(ridge));
            let mut cands = Vec::new();
            for y0 in [py - g - h, py + g] {
                for x0 in [r.x1 - 0.3 * fs - w, r.x0 + r.w() * 2.0 / 3.0 - w] {
                    cands.push(Rect::new(x0, y0, x0 + w, y0 + h));
                }
            }
            let muted = blend(color, self.t.text, 0.5);
            self.c.label(&text, LABEL, muted, &cands, r, false)?;
        }
        Ok(())
    }

    /// A data line clipped to the plot. With `avoid`, labels drawn later keep off it.
    pub fn line(
        &mut self,
        pts: &[(f64, f64)],
        right: bool,
        color: RGBColor,
        width: f64,
        dash: Option<(f64, f64)>,
        avoid: bool,
    ) -> Res<DB> {
        let px: Vec<(f64, f64)> = pts.iter().map(|(x, y)| self.px(*x, *y, right)).collect();
        self.pixel_line(&px, color, width, dash, avoid)
    }

    /// The band between `lo` and `hi` over `xs` (data units; the right axis with `right`),
    /// filled faintly and clamped to the plot: the spread published figures had around the
    /// estimate.
    pub fn band(
        &mut self,
        xs: &[f64],
        lo: &[f64],
        hi: &[f64],
        right: bool,
        color: RGBColor,
    ) -> Res<DB> {
        let r = self.rect;
        let clamp = |(x, y): (f64, f64)| (clampf(x, r.x0, r.x1), clampf(y, r.y0, r.y1));
        let mut pts: Vec<(f64, f64)> = xs
            .iter()
            .zip(hi)
            .filter(|(x, y)| x.is_finite() && y.is_finite() && **y > 0.0)
            .map(|(x, y)| clamp(self.px(*x, *y, right)))
            .collect();
        let lower: Vec<(f64, f64)> = xs
            .iter()
            .zip(lo)
            .filter(|(x, y)| x.is_finite() && y.is_finite() && **y > 0.0)
            .map(|(x, y)| clamp(self.px(*x, *y, right)))
            .collect();
        if pts.len() < 2 || lower.len() < 2 {
            return Ok(());
        }
        pts.extend(lower.into_iter().rev());
        self.c.polygon(&pts, color.mix(0.16))
    }

    /// A pixel polyline clipped to the plot.
    pub fn pixel_line(
        &mut self,
        px: &[(f64, f64)],
        color: RGBColor,
        width: f64,
        dash: Option<(f64, f64)>,
        avoid: bool,
    ) -> Res<DB> {
        for run in clip_polyline(px, &self.rect) {
            self.c.path(&run, color, width, dash)?;
            if avoid {
                let r = (width / 2.0).max(1.5);
                let step = (self.fs * 0.5).max(2.0);
                for w in run.windows(2) {
                    let (p, q) = (w[0], w[1]);
                    let len = ((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2)).sqrt();
                    let n = (len / step).ceil().max(1.0) as usize;
                    for i in 0..=n {
                        let f = i as f64 / n as f64;
                        let (x, y) = (p.0 + (q.0 - p.0) * f, p.1 + (q.1 - p.1) * f);
                        self.c.reserve(Rect::new(x - r, y - r, x + r, y + r));
                    }
                }
            }
        }
        Ok(())
    }

    /// A vertical line across the plot at `x`, if it is on the axis. Returns its pixel.
    pub fn vline(
        &mut self,
        x: f64,
        color: RGBColor,
        width: f64,
        dash: Option<(f64, f64)>,
    ) -> Result<Option<f64>, DrawingAreaErrorKind<DB::ErrorType>> {
        if !self.x.contains(x) {
            return Ok(None);
        }
        let px = self.x.px(x);
        let (y0, y1) = (self.rect.y0, self.rect.y1);
        self.pixel_line(&[(px, y1), (px, y0)], color, width, dash, true)?;
        Ok(Some(px))
    }

    /// A label at the top of the plot beside a vertical line at pixel `px`: the first free row,
    /// right of the line if it fits, else left.
    pub fn vline_label(
        &mut self,
        px: f64,
        s: &str,
        color: RGBColor,
        required: bool,
    ) -> Result<Option<Rect>, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, h) = self.label_size(s, LABEL);
        let gap = 0.25 * self.fs;
        let mut cands = Vec::new();
        // Rows from the top down the whole height: the first free one wins.
        let rows = ((self.rect.h() - 0.3 * self.fs) / h).floor().max(1.0) as usize;
        for row in 0..rows {
            let y0 = self.rect.y0 + 0.15 * self.fs + row as f64 * h;
            cands.push(Rect::new(px + gap, y0, px + gap + w, y0 + h));
            cands.push(Rect::new(px - gap - w, y0, px - gap, y0 + h));
        }
        let bounds = self.rect;
        self.c.label(s, LABEL, color, &cands, bounds, required)
    }

    /// A marker at data point `(x, y)`, reserved so labels avoid it.
    #[allow(clippy::too_many_arguments)]
    pub fn point(
        &mut self,
        shape: Marker,
        x: f64,
        y: f64,
        right: bool,
        r: f64,
        color: RGBColor,
        filled: bool,
    ) -> Result<Option<(f64, f64)>, DrawingAreaErrorKind<DB::ErrorType>> {
        let p = self.px(x, y, right);
        if !self.shows(p) {
            return Ok(None);
        }
        self.c.marker(shape, p.0, p.1, r, color, filled)?;
        self.c
            .reserve(Rect::new(p.0 - r, p.1 - r, p.0 + r, p.1 + r));
        Ok(Some(p))
    }

    /// A label near pixel `at`, inside the plot: beside it in the order of `places`, else a
    /// row or two further out with a leader line back to `at`.
    pub fn label_near(
        &mut self,
        s: &str,
        color: RGBColor,
        at: (f64, f64),
        gap: f64,
        places: &[Place],
        required: bool,
    ) -> Result<Option<Rect>, DrawingAreaErrorKind<DB::ErrorType>> {
        let (_, h) = self.c.label_size(s, LABEL);
        let mut cands = Vec::new();
        for ring in 0..3 {
            cands.extend(
                self.c
                    .around(s, LABEL, at, gap + ring as f64 * 1.1 * h, places),
            );
        }
        let bounds = self.rect;
        let chosen =
            self.c
                .label_led(s, LABEL, color, &cands, bounds, required, Some((at, gap)))?;
        if let Some(r) = chosen {
            // Far from its anchor: a leader from the anchor's edge to the box.
            let (nx, ny) = (clampf(at.0, r.x0, r.x1), clampf(at.1, r.y0, r.y1));
            let (dx, dy) = (nx - at.0, ny - at.1);
            let d = (dx * dx + dy * dy).sqrt();
            if d > gap * 1.6 + 0.3 * self.fs {
                let from = (at.0 + dx / d * gap * 0.8, at.1 + dy / d * gap * 0.8);
                let muted = self.t.muted;
                self.c.path(&[from, (nx, ny)], muted, 1.0, None)?;
            }
        }
        Ok(chosen)
    }

    /// A label on a horizontal line at pixel height `py`: just above it (else below it) at the
    /// left end, the right end, or a third of the way in from either.
    pub fn hline_label(
        &mut self,
        py: f64,
        s: &str,
        color: RGBColor,
    ) -> Result<Option<Rect>, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, h) = self.label_size(s, LABEL);
        let r = self.rect;
        let g = 0.2 * self.fs;
        let xs = [
            r.x0 + 0.3 * self.fs,
            r.x1 - 0.3 * self.fs - w,
            r.x0 + r.w() / 3.0,
            r.x0 + r.w() * 2.0 / 3.0 - w,
        ];
        let mut cands = Vec::new();
        for y0 in [py - g - h, py + g] {
            for x0 in xs {
                cands.push(Rect::new(x0, y0, x0 + w, y0 + h));
            }
        }
        self.c.label(s, LABEL, color, &cands, r, true)
    }

    /// A note in the plot's top-left (or next free row) corner.
    pub fn note(&mut self, s: &str) -> Result<Option<Rect>, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, h) = self.label_size(s, LABEL);
        let pad = 0.3 * self.fs;
        let mut cands = Vec::new();
        for row in 0..6 {
            let y0 = self.rect.y0 + pad + row as f64 * h;
            cands.push(Rect::new(
                self.rect.x0 + pad,
                y0,
                self.rect.x0 + pad + w,
                y0 + h,
            ));
            cands.push(Rect::new(
                self.rect.x1 - pad - w,
                y0,
                self.rect.x1 - pad,
                y0 + h,
            ));
        }
        for row in 0..6 {
            let y1 = self.rect.y1 - pad - row as f64 * h;
            cands.push(Rect::new(
                self.rect.x1 - pad - w,
                y1 - h,
                self.rect.x1 - pad,
                y1,
            ));
            cands.push(Rect::new(
                self.rect.x0 + pad,
                y1 - h,
                self.rect.x0 + pad + w,
                y1,
            ));
        }
        let (bounds, muted) = (self.rect, self.t.muted);
        self.c.label(s, LABEL, muted, &cands, bounds, true)
    }
}

/// Pixels of the 2…9 minor ticks of a log axis, when decades are wide enough to show them.
fn minor_ticks(s: &Scale, fs: f64) -> Vec<f64> {
    if !s.log {
        return vec![];
    }
    let decades = s.hi.log10() - s.lo.log10();
    if s.len() / decades.max(1e-9) < 4.0 * fs {
        return vec![];
    }
    let a = s.lo.log10().floor() as i32;
    let b = s.hi.log10().ceil() as i32;
    let mut out = Vec::new();
    for e in a..b {
        for k in 2..=9 {
            let v = k as f64 * pow10(e);
            if s.contains(v) {
                out.push(s.px(v));
            }
        }
    }
    out
}

/// `a` mixed towards `b` by `f` (0 = a).
pub(crate) fn blend(a: RGBColor, b: RGBColor, f: f64) -> RGBColor {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Black or white, whichever reads better on `bg`.
pub(crate) fn ink_on(bg: RGBColor) -> RGBColor {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    // Contrast against white (1.05 / (l + 0.05)) vs against near-black (l + 0.05) / 0.06.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.0625 {
        RGBColor(255, 255, 255)
    } else {
        RGBColor(24, 26, 32)
    }
}

/// The scenario's batch, prompt and context (prompt + output) as an estimate records them:
/// a decode step processes `batch` tokens, the prefill `batch × prompt`, and a decode step
/// attends to `prompt + output / 2` on average.
pub(crate) fn workload(e: &ridgepoint::Estimate) -> (f64, f64, f64) {
    let batch = e.decode.tokens.max(1.0);
    let prompt = (e.prefill.tokens / batch).max(1.0).round();
    let context = (2.0 * e.decode_context - prompt).max(prompt).round();
    (batch, prompt, context)
}

/// The extent of the finite positive values (for log axes that end where the data ends).
pub(crate) fn extent(vals: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in vals.into_iter().filter(|v| finite_pos(*v)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (1.0, 10.0)
    } else if hi <= lo {
        (lo / 2.0, lo * 2.0)
    } else {
        (lo, hi)
    }
}

/// A duration for people: the engine's µs/ms/s up to a minute, then minutes, hours, days.
pub(crate) fn secs(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() || a < 60.0 {
        ridgepoint::units::Unit::Seconds.format(v)
    } else if a < 3600.0 {
        format!("{} min", sig3(v / 60.0))
    } else if a < 86400.0 {
        format!("{} h", sig3(v / 3600.0))
    } else if a < 86400.0 * 365.0 * 10.0 {
        format!("{} days", sig3(v / 86400.0))
    } else {
        format!("{} years", compact(v / (86400.0 * 365.25)))
    }
}

/// FLOP per byte, with k/M past ten thousand.
pub(crate) fn fpb(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e4 {
        format!("{} FLOP/B", compact(v))
    } else {
        ridgepoint::units::Unit::FlopPerByte.format(v)
    }
}

/// Stable short names of the engine's operations for labels.
pub(crate) fn short_op(name: &str) -> String {
    match name {
        "QKV projection" => "QKV".into(),
        "Attention" => "attn".into(),
        "Output projection" => "out".into(),
        "MLP" => "MLP".into(),
        "Experts (MoE)" => "MoE".into(),
        "LM head" => "head".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_human() {
        assert_eq!(tick_label(Fmt::Count, 0.1), "0.1");
        assert_eq!(tick_label(Fmt::Count, 1.0), "1");
        assert_eq!(tick_label(Fmt::Count, 1000.0), "1k");
        assert_eq!(tick_label(Fmt::Count, 100000.0), "100k");
        assert_eq!(tick_label(Fmt::Count, 1e6), "1M");
        assert_eq!(tick_label(Fmt::Bytes, 1e9), "1 GB");
        assert_eq!(tick_label(Fmt::Bytes, 20e9), "20 GB");
        assert_eq!(tick_label(Fmt::Bytes, 1e12), "1 TB");
        assert_eq!(tick_label(Fmt::Bytes, 1e8), "100 MB");
        assert_eq!(tick_label(Fmt::Seconds, 0.01), "10 ms");
        assert_eq!(tick_label(Fmt::Seconds, 1e-5), "10 µs");
        assert_eq!(tick_label(Fmt::Seconds, 1.0), "1 s");
        assert_eq!(tick_label(Fmt::Seconds, 1e4), "10k s");
        assert_eq!(tick_label(Fmt::Flops, 1e14), "100 T");
        assert_eq!(tick_label(Fmt::Flops, 1e15), "1 P");
    }

    #[test]
    fn log_ticks_label_every_decade_including_the_first() {
        let s = Scale {
            lo: 0.1,
            hi: 1e5,
            log: true,
            a: 0.0,
            b: 800.0,
        };
        let t: Vec<String> = ticks(&s, Fmt::Count, |_| 30.0)
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(t, ["0.1", "1", "10", "100", "1k", "10k", "100k"]);
        // Squeezed, every other decade.
        let s = Scale { b: 100.0, ..s };
        let t: Vec<String> = ticks(&s, Fmt::Count, |_| 30.0)
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert!(t.len() < 7 && t.len() >= 2, "{t:?}");
    }

    #[test]
    fn linear_ticks_are_round() {
        let s = Scale {
            lo: 0.0,
            hi: 80e9,
            log: false,
            a: 0.0,
            b: 700.0,
        };
        let t: Vec<String> = ticks(&s, Fmt::Bytes, |l| text_width(l, 11.0) + 12.0)
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(t.first().map(String::as_str), Some("0"));
        assert!(t.contains(&"20 GB".to_string()), "{t:?}");
    }

    #[test]
    fn ranges_enclose_their_values() {
        assert_eq!(log_range([0.9999, 1933.0]), (0.1, 1e4));
        assert_eq!(log_range([1.0, 10.0]), (1.0, 10.0));
        assert_eq!(log_range([f64::NAN, 0.0]), (1.0, 10.0));
        assert_eq!(lin_range([15.3e9, 80e9]), (0.0, 80e9));
    }

    #[test]
    fn clipping_keeps_the_inside() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let runs = clip_polyline(&[(-5.0, 5.0), (5.0, 5.0), (15.0, 5.0)], &r);
        assert_eq!(runs, vec![vec![(0.0, 5.0), (5.0, 5.0), (10.0, 5.0)]]);
        assert!(clip_polyline(&[(20.0, 20.0), (30.0, 30.0)], &r).is_empty());
        assert_eq!(dashes(&[(0.0, 0.0), (10.0, 0.0)], 3.0, 2.0).len(), 2);
    }
}

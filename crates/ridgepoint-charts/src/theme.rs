use plotters::style::RGBColor;

/// Colours and type for one colour scheme. The page picks light or dark; SVG export uses either.
///
/// Every size a chart draws (margins, line widths, marker radii) derives from `font_size`, so
/// scaling the theme by the device pixel ratio scales the whole chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    pub text: RGBColor,
    /// Secondary text: tick labels, notes.
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    pub memory_roof: RGBColor,
    pub compute_roof: RGBColor,
    pub ridge: RGBColor,
    pub decode: RGBColor,
    pub prefill: RGBColor,
    /// Tokens per second (the right axis of the batch chart).
    pub throughput: RGBColor,
    /// Memory segments: weights, KV cache, activations, runtime overhead (Okabe–Ito, safe for
    /// colour-blind readers).
    pub weights: RGBColor,
    pub kv_cache: RGBColor,
    pub activations: RGBColor,
    pub overhead: RGBColor,
    /// GPU memory capacity and the out-of-memory region.
    pub capacity: RGBColor,
    /// Fit-matrix cells: fits with room, fits tightly, does not fit.
    pub fit_yes: RGBColor,
    pub fit_tight: RGBColor,
    pub fit_no: RGBColor,
    /// Published measurements.
    pub measured: RGBColor,
    /// The pinned scenario A drawn under the current one (compare mode).
    pub pinned: RGBColor,
    /// CSS font family for labels.
    pub font: &'static str,
    /// Label size in backing-store pixels: CSS pixels times the device pixel ratio (see
    /// [`Theme::scaled`]).
    pub font_size: f64,
    /// Drawn text size over laid-out text size: 1 on a canvas; plotters' SVG backend writes
    /// `font-size` as size / 1.24, so SVG output uses 1.24 (see [`Theme::for_svg`]).
    pub text_scale: f64,
}

impl Theme {
    pub const LIGHT: Theme = Theme {
        background: RGBColor(255, 255, 255),
        text: RGBColor(28, 32, 40),
        muted: RGBColor(88, 94, 106),
        grid: RGBColor(228, 231, 236),
        axis: RGBColor(110, 116, 128),
        memory_roof: RGBColor(31, 119, 180),
        compute_roof: RGBColor(214, 39, 40),
        ridge: RGBColor(120, 120, 120),
        decode: RGBColor(255, 127, 14),
        prefill: RGBColor(44, 160, 44),
        throughput: RGBColor(0, 114, 178),
        weights: RGBColor(0, 114, 178),
        kv_cache: RGBColor(230, 159, 0),
        activations: RGBColor(204, 121, 167),
        overhead: RGBColor(153, 153, 153),
        capacity: RGBColor(28, 32, 40),
        fit_yes: RGBColor(172, 211, 240),
        fit_tight: RGBColor(245, 222, 120),
        fit_no: RGBColor(236, 160, 130),
        measured: RGBColor(117, 63, 160),
        pinned: RGBColor(160, 164, 174),
        font: "sans-serif",
        font_size: 13.0,
        text_scale: 1.0,
    };

    pub const DARK: Theme = Theme {
        background: RGBColor(22, 25, 31),
        text: RGBColor(225, 228, 234),
        muted: RGBColor(170, 176, 188),
        grid: RGBColor(50, 55, 64),
        axis: RGBColor(150, 156, 168),
        memory_roof: RGBColor(95, 170, 230),
        compute_roof: RGBColor(245, 100, 95),
        ridge: RGBColor(160, 160, 160),
        decode: RGBColor(255, 165, 70),
        prefill: RGBColor(100, 205, 100),
        throughput: RGBColor(86, 180, 233),
        weights: RGBColor(86, 160, 225),
        kv_cache: RGBColor(240, 175, 40),
        activations: RGBColor(215, 140, 185),
        overhead: RGBColor(140, 140, 140),
        capacity: RGBColor(225, 228, 234),
        fit_yes: RGBColor(30, 84, 130),
        fit_tight: RGBColor(120, 100, 20),
        fit_no: RGBColor(130, 50, 30),
        measured: RGBColor(200, 150, 240),
        pinned: RGBColor(112, 118, 130),
        font: "sans-serif",
        font_size: 13.0,
        text_scale: 1.0,
    };

    /// The same theme with type (and so every size) scaled for a backing store `ratio` times
    /// the CSS size.
    pub fn scaled(mut self, ratio: f64) -> Theme {
        self.font_size *= ratio;
        self
    }

    /// The same theme for plotters' SVG backend, whose text comes out 1/1.24 of the requested
    /// size: text in an SVG then matches the canvas at the same `font_size`.
    pub fn for_svg(mut self) -> Theme {
        self.text_scale = 1.24;
        self
    }
}

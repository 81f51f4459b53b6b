use plotters::style::RGBColor;

/// Colours and type for one colour scheme. The page picks light or dark; SVG export uses either.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    pub text: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    pub memory_roof: RGBColor,
    pub compute_roof: RGBColor,
    pub ridge: RGBColor,
    pub decode: RGBColor,
    pub prefill: RGBColor,
    /// CSS font family for labels.
    pub font: &'static str,
    /// Label size in CSS pixels (scaled by the backend's pixel ratio by the caller).
    pub font_size: f64,
}

impl Theme {
    pub const LIGHT: Theme = Theme {
        background: RGBColor(255, 255, 255),
        text: RGBColor(28, 32, 40),
        grid: RGBColor(228, 231, 236),
        axis: RGBColor(110, 116, 128),
        memory_roof: RGBColor(31, 119, 180),
        compute_roof: RGBColor(214, 39, 40),
        ridge: RGBColor(120, 120, 120),
        decode: RGBColor(255, 127, 14),
        prefill: RGBColor(44, 160, 44),
        font: "sans-serif",
        font_size: 13.0,
    };

    pub const DARK: Theme = Theme {
        background: RGBColor(22, 25, 31),
        text: RGBColor(225, 228, 234),
        grid: RGBColor(50, 55, 64),
        axis: RGBColor(150, 156, 168),
        memory_roof: RGBColor(95, 170, 230),
        compute_roof: RGBColor(245, 100, 95),
        ridge: RGBColor(160, 160, 160),
        decode: RGBColor(255, 165, 70),
        prefill: RGBColor(100, 205, 100),
        font: "sans-serif",
        font_size: 13.0,
    };

    /// The same theme with type scaled for a backing store `ratio` times the CSS size.
    pub fn scaled(mut self, ratio: f64) -> Theme {
        self.font_size *= ratio;
        self
    }
}

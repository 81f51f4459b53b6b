use crate::{decades, ChartResult, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use ridgepoint::{Estimate, Phase};

/// A phase placed on the roofline.
#[derive(Clone, Debug, PartialEq)]
pub struct OperatingPoint {
    pub label: String,
    /// FLOP per byte.
    pub intensity: f64,
    /// FLOP/s attained at the roofline floor.
    pub attained: f64,
    pub color: PointColor,
}

/// Which theme colour a point takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointColor {
    Decode,
    Prefill,
}

/// What the roofline chart draws.
#[derive(Clone, Debug, PartialEq)]
pub struct RooflineData {
    /// Peak FLOP/s (the compute roof).
    pub peak: f64,
    /// Peak bytes/s (the slope of the memory roof).
    pub bandwidth: f64,
    pub points: Vec<OperatingPoint>,
}

impl RooflineData {
    /// The roofs and the decode and prefill points of an estimate.
    pub fn from_estimate(e: &Estimate, batch: u32, prompt: u32) -> RooflineData {
        let point = |label: String, p: &Phase, color| OperatingPoint {
            label,
            intensity: p.intensity.get(),
            attained: p.attained.get(),
            color,
        };
        RooflineData {
            peak: e.peak.get(),
            bandwidth: e.bandwidth.get(),
            points: vec![
                point(
                    format!("decode, batch {batch}"),
                    &e.decode,
                    PointColor::Decode,
                ),
                point(
                    format!("prefill, {prompt} tokens"),
                    &e.prefill,
                    PointColor::Prefill,
                ),
            ],
        }
    }

    fn ridge(&self) -> f64 {
        self.peak / self.bandwidth
    }
}

fn sci(v: f64) -> String {
    let e = v.log10().round() as i32;
    match e {
        0 => "1".into(),
        1 => "10".into(),
        2 => "100".into(),
        3 => "1k".into(),
        4 => "10k".into(),
        _ => format!("1e{e}"),
    }
}

fn flops_label(v: f64) -> String {
    let e = v.log10().round() as i32;
    match e {
        9 => "1 G".into(),
        10 => "10 G".into(),
        11 => "100 G".into(),
        12 => "1 T".into(),
        13 => "10 T".into(),
        14 => "100 T".into(),
        15 => "1 P".into(),
        16 => "10 P".into(),
        _ => format!("1e{e}"),
    }
}

/// Draws a log-log roofline: memory roof, compute roof, the ridge, and the operating points.
pub fn roofline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &RooflineData,
    t: &Theme,
) -> ChartResult<DB> {
    root.fill(&t.background)?;
    let ridge = d.ridge();
    let lo_i = d
        .points
        .iter()
        .map(|p| p.intensity)
        .fold(ridge / 100.0, f64::min)
        .max(1e-3);
    let hi_i = d
        .points
        .iter()
        .map(|p| p.intensity)
        .fold(ridge * 20.0, f64::max);
    let (x0, x1) = decades(lo_i / 2.0, hi_i * 2.0);
    let (y0, y1) = decades(d.bandwidth * x0, d.peak * 3.0);

    let fs = t.font_size;
    let font = (t.font, fs).into_font().color(&t.text);
    let small = (t.font, fs * 0.9).into_font().color(&t.text);
    let mut chart = ChartBuilder::on(root)
        .margin((fs * 1.0) as i32)
        .x_label_area_size((fs * 3.0) as i32)
        .y_label_area_size((fs * 4.2) as i32)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?;
    chart
        .configure_mesh()
        .bold_line_style(t.grid.stroke_width(1))
        .light_line_style(t.background.stroke_width(0))
        .axis_style(t.axis.stroke_width(1))
        .x_desc("arithmetic intensity (FLOP/byte)")
        .y_desc("attainable FLOP/s")
        .label_style(small.clone())
        .axis_desc_style(font.clone())
        .x_label_formatter(&|v| sci(*v))
        .y_label_formatter(&|v| flops_label(*v))
        .draw()?;

    let lw = (fs / 6.0).max(1.5) as u32;
    chart.draw_series(LineSeries::new(
        [(x0, d.bandwidth * x0), (ridge, d.peak)],
        t.memory_roof.stroke_width(lw),
    ))?;
    chart.draw_series(LineSeries::new(
        [(ridge, d.peak), (x1, d.peak)],
        t.compute_roof.stroke_width(lw),
    ))?;
    // Ridge: a dashed vertical line and its value.
    let steps = 24;
    let (ly0, ly1) = (y0.log10(), d.peak.log10());
    chart.draw_series((0..steps).step_by(2).map(|i| {
        let a = 10f64.powf(ly0 + (ly1 - ly0) * i as f64 / steps as f64);
        let b = 10f64.powf(ly0 + (ly1 - ly0) * (i + 1) as f64 / steps as f64);
        PathElement::new(vec![(ridge, a), (ridge, b)], t.ridge.stroke_width(1))
    }))?;
    chart.draw_series(std::iter::once(Text::new(
        format!("ridge {:.0} FLOP/B", ridge),
        (ridge * 1.15, y0 * 3.0),
        small.clone(),
    )))?;
    chart.draw_series(std::iter::once(Text::new(
        "compute roof",
        (ridge * 1.3, d.peak * 1.3),
        small.clone(),
    )))?;

    for p in &d.points {
        let c = match p.color {
            PointColor::Decode => t.decode,
            PointColor::Prefill => t.prefill,
        };
        let r = (fs * 0.45) as i32;
        // Memory-bound points get their label to the right, compute-bound ones to the left,
        // so labels stay inside the plot.
        let anchor = if p.intensity > ridge {
            HPos::Right
        } else {
            HPos::Left
        };
        let dx = if p.intensity > ridge { -2 * r } else { 2 * r };
        let label_font = font.clone().pos(Pos::new(anchor, VPos::Top));
        chart.draw_series(std::iter::once(
            EmptyElement::at((p.intensity, p.attained))
                + Circle::new((0, 0), r, c.filled())
                + Text::new(p.label.clone(), (dx, r), label_font),
        ))?;
    }
    root.present()?;
    Ok(())
}

//! `roofline`: attainable FLOP/s against arithmetic intensity, log-log.

use crate::common::pinned_key;
use crate::common::{
    blend, log_range, short_op, thick, thin, Axis, Fmt, Key, Marker, Place, Plot, Swatch, LABEL,
};
use crate::{ChartData, ChartResult, Pinned, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use ridgepoint::ops::Op;
use ridgepoint::units::Unit;
use ridgepoint::{Efficiency, Estimate, Phase};

/// A phase or an operation placed on the roofline.
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

/// The fractions of the peaks real kernels reach (the scenario's efficiencies).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Achieved {
    /// Fraction of peak bandwidth.
    pub bandwidth: f64,
    /// Fraction of peak FLOP/s.
    pub compute: f64,
}

/// What the roofline chart draws.
#[derive(Clone, Debug, PartialEq)]
pub struct RooflineData {
    /// Peak FLOP/s (the compute roof).
    pub peak: f64,
    /// Peak bytes/s (the slope of the memory roof).
    pub bandwidth: f64,
    /// The decode and prefill phases (filled markers).
    pub points: Vec<OperatingPoint>,
    /// Achieved roofs, drawn dashed under the peak roofs.
    pub achieved: Option<Achieved>,
    /// Per-operation points (small hollow markers with short labels).
    pub ops: Vec<OperatingPoint>,
    /// Where a reader points (fractions of the drawing area's width and height), or that the
    /// chart has keyboard focus: a readout of the nearest point is drawn.
    pub readout: Readout,
    /// A pinned scenario's roof and phase points (compare mode).
    pub pinned: Option<Pinned>,
}

/// What the readout shows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Readout {
    #[default]
    None,
    /// The pointer, as fractions (0–1) of the drawing area.
    At(f64, f64),
    /// Keyboard focus: the first phase point.
    Focus,
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
                    format!("prefill, {}", crate::tokens(prompt as f64)),
                    &e.prefill,
                    PointColor::Prefill,
                ),
            ],
            achieved: None,
            ops: Vec::new(),
            readout: Readout::None,
            pinned: None,
        }
    }

    /// Adds the achieved roofs at the scenario's efficiencies.
    pub fn with_efficiency(mut self, eff: &Efficiency) -> RooflineData {
        self.achieved = Some(Achieved {
            bandwidth: eff.bandwidth,
            compute: eff.compute,
        });
        self
    }

    /// Adds the operations of a decode step and of the prefill (`ridgepoint::ops::ops` with
    /// `Step::Decode` and `Step::Prefill`), each placed on the peak roof at its intensity.
    pub fn with_ops(mut self, decode: &[Op], prefill: &[Op]) -> RooflineData {
        let (bw, peak) = (self.bandwidth, self.peak);
        let place = |o: &Op, color| {
            let i = o.intensity();
            OperatingPoint {
                label: short_op(o.name),
                intensity: i,
                attained: (i * bw).min(peak),
                color,
            }
        };
        self.ops = decode
            .iter()
            .map(|o| place(o, PointColor::Decode))
            .chain(prefill.iter().map(|o| place(o, PointColor::Prefill)))
            .collect();
        self
    }

    fn ridge(&self) -> f64 {
        self.peak / self.bandwidth
    }
}

fn pct(f: f64) -> String {
    format!("{}%", (f * 100.0).round())
}

fn bound(d: &RooflineData, i: f64) -> &'static str {
    if i >= d.ridge() {
        "compute-bound"
    } else {
        "memory-bound"
    }
}

impl ChartData for RooflineData {
    const ID: &'static str = "roofline";
    crate::pinned_methods!(|d| {
        let r = d.ridge();
        Pinned {
            // The peak roofs over a wide span; the plot clips them.
            lines: vec![(
                vec![(r * 1e-4, d.peak * 1e-4), (r, d.peak), (r * 1e4, d.peak)],
                false,
            )],
            points: d
                .points
                .iter()
                .map(|p| (p.intensity, p.attained, false))
                .collect(),
            ridge: None,
        }
    });

    fn table(&self) -> Table {
        let mut caption = format!(
            "Roofline: memory roof {}, compute roof {}, ridge {}",
            Unit::BytesPerSec.format(self.bandwidth),
            Unit::FlopsPerSec.format(self.peak),
            crate::common::fpb(self.ridge())
        );
        if let Some(a) = self.achieved {
            caption += &format!(
                "; achieved {} of bandwidth and {} of FLOP/s",
                pct(a.bandwidth),
                pct(a.compute)
            );
        }
        let phase = |p: &OperatingPoint| match p.color {
            PointColor::Decode => "decode",
            PointColor::Prefill => "prefill",
        };
        let named: Vec<(String, &OperatingPoint)> = self
            .points
            .iter()
            .map(|p| (p.label.clone(), p))
            .chain(
                self.ops
                    .iter()
                    .map(|p| (format!("{} {}", phase(p), p.label), p)),
            )
            .collect();
        let rows = named
            .iter()
            .map(|(name, p)| {
                vec![
                    name.clone(),
                    crate::common::fpb(p.intensity),
                    Unit::FlopsPerSec.format(p.attained),
                    bound(self, p.intensity).to_string(),
                ]
            })
            .collect();
        let data = crate::Data::new(&[
            "point",
            "intensity_flop_per_byte",
            "attainable_flop_per_s",
            "compute_bound",
            "memory_roof_bytes_per_s",
            "compute_roof_flop_per_s",
        ])
        .rows(named.iter().map(|(name, p)| {
            vec![
                name.as_str().into(),
                p.intensity.into(),
                p.attained.into(),
                (bound(self, p.intensity) == "compute-bound").into(),
                self.bandwidth.into(),
                self.peak.into(),
            ]
        }));
        Table {
            data,
            caption,
            headers: vec![
                "point".into(),
                "arithmetic intensity".into(),
                "attainable".into(),
                "bound".into(),
            ],
            rows,
        }
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "Roofline: memory roof at {}, compute roof at {}, ridge at {}",
            Unit::BytesPerSec.format(self.bandwidth),
            Unit::FlopsPerSec.format(self.peak),
            crate::common::fpb(self.ridge())
        );
        for p in &self.points {
            s += &format!(
                "; {} at {} is {}",
                p.label,
                crate::common::fpb(p.intensity),
                bound(self, p.intensity)
            );
        }
        s + "."
    }
}

/// Draws a log-log roofline: memory roof, compute roof, the ridge, the achieved roofs, the
/// phases and their operations.
pub fn roofline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &RooflineData,
    t: &Theme,
) -> ChartResult<DB> {
    let ridge = d.ridge();
    let all = || d.points.iter().chain(d.ops.iter());
    // The pinned scenario's points, and its roof's height.
    let pinned_pts = || {
        d.pinned
            .iter()
            .flat_map(|p| p.points.iter().map(|q| (q.0, q.1)))
    };
    let pinned_peak = Pinned::ys(&d.pinned, false).into_iter().fold(0.0, f64::max);
    let (x0, x1) = log_range(
        // Room right of the points for the compute roof's name.
        [ridge / 30.0, ridge * 30.0]
            .into_iter()
            .chain(all().flat_map(|p| [p.intensity / 2.0, p.intensity * 8.0]))
            .chain(pinned_pts().flat_map(|(x, _)| [x / 2.0, x * 8.0])),
    );
    let eff_bw = d
        .achieved
        .map(|a| a.bandwidth)
        .unwrap_or(1.0)
        .clamp(1e-3, 1.0);
    let eff_c = d
        .achieved
        .map(|a| a.compute)
        .unwrap_or(1.0)
        .clamp(1e-3, 1.0);
    let (y0, _) = log_range(
        [d.bandwidth * eff_bw * x0 * 0.9, d.peak]
            .into_iter()
            .chain(all().map(|p| p.attained))
            .chain(pinned_pts().map(|(_, y)| y)),
    );
    // Headroom above the compute roof for its name and the operations' labels.
    let y1 = d.peak.max(pinned_peak) * 6.0;

    let compact = crate::common::narrow(root, t.font_size);
    let mut keys = vec![
        Key::new(
            Swatch::Marker {
                shape: Marker::Circle,
                color: t.decode,
                filled: true,
            },
            "decode",
        ),
        Key::new(
            Swatch::Marker {
                shape: Marker::Circle,
                color: t.prefill,
                filled: true,
            },
            "prefill",
        ),
    ];
    if !d.ops.is_empty() {
        keys.push(Key::new(
            Swatch::Marker {
                shape: Marker::Circle,
                color: t.muted,
                filled: false,
            },
            if compact { "per op" } else { "per operation" },
        ));
    }
    if d.achieved.is_some() {
        keys.push(Key::new(
            Swatch::Line {
                color: t.muted,
                width: thin(t.font_size),
                dashed: true,
            },
            if compact {
                "achieved"
            } else {
                "achieved roofs"
            },
        ));
    }
    keys.extend(pinned_key(t, &d.pinned));
    let mut p = Plot::new(
        root,
        t,
        &keys,
        Axis::log(
            (x0, x1),
            Fmt::Count,
            if compact {
                "intensity (FLOP/byte)"
            } else {
                "arithmetic intensity (FLOP/byte)"
            },
        ),
        Axis::log((y0, y1), Fmt::Flops, "attainable FLOP/s"),
        None,
    )?;
    let fs = p.fs;
    let (lw, tw) = (thick(fs), thin(fs));
    let dash = Some((0.6 * fs, 0.4 * fs));
    p.pinned(&d.pinned)?;

    // Roofs.
    p.line(
        &[(x0, d.bandwidth * x0), (ridge, d.peak)],
        false,
        t.memory_roof,
        lw,
        None,
        true,
    )?;
    p.line(
        &[(ridge, d.peak), (x1, d.peak)],
        false,
        t.compute_roof,
        lw,
        None,
        true,
    )?;
    if d.achieved.is_some() {
        let (bw, pk) = (d.bandwidth * eff_bw, d.peak * eff_c);
        let r = pk / bw;
        p.line(
            &[(x0, bw * x0), (r, pk)],
            false,
            t.memory_roof,
            tw,
            dash,
            true,
        )?;
        p.line(&[(r, pk), (x1, pk)], false, t.compute_roof, tw, dash, true)?;
    }
    // Ridge: dashed from the axis to the roof, its value at the foot.
    let rx = p.x.px(ridge);
    let top = p.y.px(d.peak);
    let (bottom_px, r) = (p.rect.y1, p.rect);
    p.pixel_line(
        &[(rx, bottom_px), (rx, top)],
        t.ridge,
        tw,
        Some((0.4 * fs, 0.35 * fs)),
        true,
    )?;
    let ridge_text = format!("ridge {}", crate::common::fpb(ridge));
    let (w, h) = p.label_size(&ridge_text, LABEL);
    let cands = [
        crate::common::Rect::new(
            rx + 0.25 * fs,
            r.y1 - h - 0.2 * fs,
            rx + 0.25 * fs + w,
            r.y1 - 0.2 * fs,
        ),
        crate::common::Rect::new(
            rx - 0.25 * fs - w,
            r.y1 - h - 0.2 * fs,
            rx - 0.25 * fs,
            r.y1 - 0.2 * fs,
        ),
    ];
    p.c.label(&ridge_text, LABEL, t.text, &cands, r, true)?;

    // The memory roof's name.
    let bw_text = if compact {
        Unit::BytesPerSec.format(d.bandwidth)
    } else {
        format!("memory roof {}", Unit::BytesPerSec.format(d.bandwidth))
    };
    // On the slope a third of the way up to the ridge; left of and above the line.
    let xm = 10f64.powf(x0.log10() + (ridge.log10() - x0.log10()) * 0.45);
    let at = p.px(xm, d.bandwidth * xm, false);
    p.label_near(
        &bw_text,
        t.memory_roof,
        at,
        0.4 * fs,
        &[Place::NW, Place::SE, Place::W, Place::E],
        true,
    )?;

    // The compute roof's name and the achieved roofs', before the points' labels: they have
    // fixed good spots, the points' labels have many. The markers' places are kept clear.
    for pt in d.points.iter().chain(&d.ops) {
        let at = p.px(pt.intensity, pt.attained, false);
        let r = 0.45 * fs;
        if p.shows(at) {
            p.reserve(crate::common::Rect::new(
                at.0 - r,
                at.1 - r,
                at.0 + r,
                at.1 + r,
            ));
        }
    }
    let peak_text = if compact {
        Unit::FlopsPerSec.format(d.peak)
    } else {
        format!("compute roof {}", Unit::FlopsPerSec.format(d.peak))
    };
    let right = p.px(x1, d.peak, false);
    let left = p.px(ridge, d.peak, false);
    let mid = ((left.0 + right.0) / 2.0, right.1);
    // Far enough off the line to clear markers sitting on it: above the roof at its right
    // end, its left end or its middle, else below.
    let g = 0.8 * fs;
    let mut cands = p.c.around(&peak_text, LABEL, right, g, &[Place::NW]);
    cands.extend(p.c.around(&peak_text, LABEL, left, g, &[Place::NE]));
    cands.extend(p.c.around(&peak_text, LABEL, mid, g, &[Place::N]));
    cands.extend(p.c.around(&peak_text, LABEL, right, g, &[Place::SW]));
    cands.extend(p.c.around(&peak_text, LABEL, left, g, &[Place::SE]));
    cands.extend(p.c.around(&peak_text, LABEL, mid, g, &[Place::S]));
    let bounds = p.rect;
    p.c.label(&peak_text, LABEL, t.compute_roof, &cands, bounds, true)?;
    if let Some(a) = d.achieved {
        let pk = d.peak * eff_c;
        let text = if compact {
            format!("achieved {} / {}", pct(a.bandwidth), pct(a.compute))
        } else {
            format!(
                "achieved {} BW / {} FLOPs",
                pct(a.bandwidth),
                pct(a.compute)
            )
        };
        let right = p.px(x1, pk, false);
        let left = p.px(pk / (d.bandwidth * eff_bw), pk, false);
        let mut cands =
            p.c.around(&text, LABEL, right, 0.3 * fs, &[Place::SW, Place::NW]);
        cands.extend(p.c.around(&text, LABEL, left, 0.3 * fs, &[Place::SE, Place::NE]));
        let muted = t.muted;
        p.c.label(&text, LABEL, muted, &cands, bounds, true)?;
    }
    let color = |c: PointColor| match c {
        PointColor::Decode => t.decode,
        PointColor::Prefill => t.prefill,
    };
    // Operations: hollow markers, grouped labels where they pile up.
    let op_r = 0.32 * fs;
    let mut groups: Vec<Group> = Vec::new();
    for o in &d.ops {
        if let Some(at) = p.point(
            Marker::Circle,
            o.intensity,
            o.attained,
            false,
            op_r,
            color(o.color),
            false,
        )? {
            match groups.iter_mut().find(|(c, _, last, _)| {
                *c == o.color
                    && (last.0 - at.0).abs() < 2.0 * fs
                    && (last.1 - at.1).abs() < 1.2 * fs
            }) {
                Some(g) => {
                    g.2 = at;
                    if !g.3.contains(&o.label) {
                        g.3.push(o.label.clone());
                    }
                }
                None => groups.push((o.color, at, at, vec![o.label.clone()])),
            }
        }
    }
    // Phases: filled markers with their labels.
    let r = 0.45 * fs;
    let mut placed = Vec::new();
    for pt in &d.points {
        if let Some(at) = p.point(
            Marker::Circle,
            pt.intensity,
            pt.attained,
            false,
            r,
            color(pt.color),
            true,
        )? {
            placed.push((pt, at));
        }
    }
    for (pt, at) in placed {
        let places: &[Place] = if pt.intensity >= ridge {
            &[Place::SW, Place::S, Place::W, Place::SE, Place::NW]
        } else {
            &[Place::SE, Place::E, Place::NW, Place::N, Place::S]
        };
        let mut text = if compact && pt.label.contains(", ") {
            pt.label.split(", ").next().unwrap_or(&pt.label).to_string()
        } else {
            pt.label.clone()
        };
        // Operations hidden under this marker join its label as a second line (on a narrow
        // canvas they stay unlabelled: the table lists them).
        if let Some(i) = groups.iter().position(|(c, first, last, _)| {
            *c == pt.color
                && (first.0 - at.0).abs() < 1.2 * fs
                && (last.0 - at.0).abs() < 1.2 * fs
                && (first.1 - at.1).abs() < 1.2 * fs
        }) {
            let names = groups.remove(i).3.join(" · ");
            if !compact {
                text = format!("{text}\n{names}");
            }
        }
        p.label_near(&text, t.text, at, r + 0.25 * fs, places, true)?;
    }
    // Operation labels last: optional, they take what room is left.
    for (c, first, last, names) in groups {
        let at = ((first.0 + last.0) / 2.0, (first.1 + last.1) / 2.0);
        let text = names.join(" · ");
        // On the compute roof, above it; on the memory roof, beside it.
        let on_compute_roof = p.y.px(d.peak) - at.1 < 1.0;
        let places: &[Place] = if on_compute_roof {
            &[
                Place::N,
                Place::NE,
                Place::NW,
                Place::S,
                Place::SE,
                Place::SW,
            ]
        } else {
            &[
                Place::E,
                Place::W,
                Place::SE,
                Place::NW,
                Place::SW,
                Place::NE,
                Place::S,
                Place::N,
            ]
        };
        let col = match c {
            PointColor::Decode => t.decode,
            PointColor::Prefill => t.prefill,
        };
        let shade = blend(col, t.text, 0.45);
        // Clear of a phase marker that may sit on the same spot.
        p.label_near(&text, shade, at, 0.8 * fs, places, false)?;
    }
    if d.readout != Readout::None {
        draw_readout(root, &p, d, t)?;
    }
    root.present()?;
    Ok(())
}

/// The readout box: the point nearest the pointer (or the first phase on focus) with its
/// intensity, attained FLOP/s and bound; away from points, the roofline at the pointer.
fn draw_readout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &Plot<'_, DB>,
    d: &RooflineData,
    t: &Theme,
) -> ChartResult<DB> {
    let fs = p.fs;
    let (w, h) = root.dim_in_pixel();
    let ridge = d.ridge();
    let bound = |i: f64| {
        if i >= ridge {
            "compute-bound"
        } else {
            "memory-bound"
        }
    };
    let describe = |label: &str, i: f64, f: f64| {
        format!(
            "{label}\n{} · {}\n{}",
            crate::common::fpb(i),
            Unit::FlopsPerSec.format(f),
            bound(i)
        )
    };
    let all: Vec<&OperatingPoint> = d.points.iter().chain(d.ops.iter()).collect();
    let (text, anchor) = match d.readout {
        Readout::None => return Ok(()),
        Readout::Focus => match all.first() {
            Some(pt) => (
                describe(&pt.label, pt.intensity, pt.attained),
                p.px(pt.intensity, pt.attained, false),
            ),
            None => return Ok(()),
        },
        Readout::At(fx, fy) => {
            let at = (fx.clamp(0.0, 1.0) * w as f64, fy.clamp(0.0, 1.0) * h as f64);
            let nearest = all
                .iter()
                .map(|pt| {
                    let q = p.px(pt.intensity, pt.attained, false);
                    (pt, q, (q.0 - at.0).hypot(q.1 - at.1))
                })
                .min_by(|a, b| a.2.total_cmp(&b.2));
            match nearest {
                Some((pt, q, dist)) if dist < 2.5 * fs => {
                    (describe(&pt.label, pt.intensity, pt.attained), q)
                }
                _ => {
                    // The roofline under the pointer: invert the log x axis.
                    let (a, b) = (p.x.a, p.x.b);
                    let rect = p.rect;
                    if b == a
                        || at.0 < rect.x0
                        || at.0 > rect.x1
                        || at.1 < rect.y0
                        || at.1 > rect.y1
                    {
                        return Ok(());
                    }
                    let f = ((at.0 - a) / (b - a)).clamp(0.0, 1.0);
                    let i = 10f64.powf(p.x.lo.log10() + f * (p.x.hi.log10() - p.x.lo.log10()));
                    let attainable = (d.bandwidth * i).min(d.peak);
                    (
                        describe("roofline here", i, attainable),
                        p.px(i, attainable, false),
                    )
                }
            }
        }
    };
    let (tw, th) = p.label_size(&text, 0.95);
    let pad = 0.4 * fs;
    let (mut x, mut y) = (anchor.0 + fs, anchor.1 + fs);
    if x + tw + 2.0 * pad > p.rect.x1 {
        x = anchor.0 - fs - tw - 2.0 * pad;
    }
    if y + th + 2.0 * pad > p.rect.y1 {
        y = anchor.1 - fs - th - 2.0 * pad;
    }
    let r = crate::common::Rect::new(x, y, x + tw + 2.0 * pad, y + th + 2.0 * pad);
    p.c.rect(r, t.background.mix(0.95), true, 1.0)?;
    p.c.rect(r, t.text.to_rgba(), false, 1.0)?;
    for (n, line) in text.lines().enumerate() {
        p.c.text(
            line,
            x + pad,
            y + pad + n as f64 * 1.2 * fs * 0.95,
            0.95,
            t.text,
            HPos::Left,
            VPos::Top,
        )?;
    }
    Ok(())
}

/// Operations whose markers pile up: colour, first and last marker (pixels), names.
type Group = (PointColor, (f64, f64), (f64, f64), Vec<String>);

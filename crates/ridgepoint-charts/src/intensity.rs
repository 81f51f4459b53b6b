//! `decode-intensity` and `prefill-intensity`: arithmetic intensity against batch size and
//! against prompt length, with the ridge.

use crate::common::pinned_key;
use crate::common::{
    extent, log_range, thick, thin, workload, Axis, Fmt, Key, Marker, Place, Plot, Swatch,
};
use crate::{ChartData, ChartResult, Pinned, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use ridgepoint::series::{crossing, round2, Series};
use ridgepoint::units::Unit;
use ridgepoint::{Estimate, KneeCause};

/// Decode arithmetic intensity against batch size.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeIntensityData {
    pub batch: Vec<f64>,
    /// FLOP per byte at each batch.
    pub intensity: Vec<f64>,
    /// FLOP per byte where the roofs meet.
    pub ridge: f64,
    /// Smallest batch at which decode is compute-bound, if the sweep reaches it: the
    /// estimate's knee when the knee is the ridge (`crossing_exact`), else the first
    /// compute-bound batch of the sweep.
    pub crossing: Option<f64>,
    pub crossing_exact: bool,
    pub current_batch: f64,
    pub current_intensity: f64,
    /// A pinned scenario's curve, ridge and point (compare mode).
    pub pinned: Option<Pinned>,
}

impl DecodeIntensityData {
    pub fn from_series(s: &Series, e: &Estimate) -> DecodeIntensityData {
        let exact = e.knee.cause == KneeCause::Compute;
        let crossing = if exact {
            Some(e.knee.batch)
        } else {
            s.batch.iter().find(|p| p.compute_bound).map(|p| p.batch)
        };
        DecodeIntensityData {
            batch: s.batch.iter().map(|p| p.batch).collect(),
            intensity: s.batch.iter().map(|p| p.intensity).collect(),
            ridge: s.ridge,
            crossing,
            crossing_exact: exact,
            current_batch: workload(e).0,
            current_intensity: e.decode.intensity.get(),
            pinned: None,
        }
    }
}

/// Prefill arithmetic intensity against prompt length.
#[derive(Clone, Debug, PartialEq)]
pub struct PrefillIntensityData {
    /// Prompt lengths swept (tokens).
    pub tokens: Vec<f64>,
    pub intensity: Vec<f64>,
    pub ridge: f64,
    /// First swept prompt length at or past the ridge.
    pub crossing: Option<f64>,
    /// The swept length before it (the crossing lies between the two).
    pub below_crossing: Option<f64>,
    pub batch: f64,
    pub current_prompt: f64,
    pub current_intensity: f64,
    /// A pinned scenario's curve, ridge and point (compare mode).
    pub pinned: Option<Pinned>,
}

impl PrefillIntensityData {
    pub fn from_series(s: &Series, e: &Estimate) -> PrefillIntensityData {
        let (batch, prompt, _) = workload(e);
        let i = s.prompt.iter().position(|p| p.intensity >= s.ridge);
        PrefillIntensityData {
            tokens: s.prompt.iter().map(|p| p.tokens).collect(),
            intensity: s.prompt.iter().map(|p| p.intensity).collect(),
            ridge: s.ridge,
            crossing: i.map(|i| s.prompt[i].tokens),
            below_crossing: i.and_then(|i| i.checked_sub(1)).map(|i| s.prompt[i].tokens),
            batch,
            current_prompt: prompt,
            current_intensity: e.prefill.intensity.get(),
            pinned: None,
        }
    }
}

use crate::common::fpb;

/// An intensity chart's curve, its ridge and its current point as a pinned overlay.
fn overlay(xs: &[f64], ys: &[f64], ridge: f64, current: (f64, f64)) -> Pinned {
    let curve = xs.iter().copied().zip(ys.iter().copied()).collect();
    Pinned {
        lines: vec![(curve, false)],
        points: vec![(current.0, current.1, false)],
        ridge: Some(ridge),
    }
}
fn n(v: f64) -> String {
    Unit::Count.format(v)
}
fn bound(i: f64, ridge: f64) -> &'static str {
    if i >= ridge {
        "compute-bound"
    } else {
        "memory-bound"
    }
}

/// Whether the intensity has levelled off at the end of the sweep (KV reads grow with the
/// batch as fast as the FLOPs do).
fn levels_off(xs: &[f64], ys: &[f64]) -> bool {
    let n = ys.len().min(xs.len());
    if n < 3 {
        return false;
    }
    let (x0, x1, y0, y1) = (xs[n - 3], xs[n - 1], ys[n - 3], ys[n - 1]);
    // Growth over the last steps is well under proportional.
    (y1 / y0).ln() < 0.3 * (x1 / x0).ln()
}

impl ChartData for DecodeIntensityData {
    const ID: &'static str = "decode-intensity";
    crate::pinned_methods!(|d| overlay(
        &d.batch,
        &d.intensity,
        d.ridge,
        (d.current_batch, d.current_intensity)
    ));

    fn table(&self) -> Table {
        let mut caption = format!(
            "Decode arithmetic intensity against batch size; ridge {}",
            fpb(self.ridge)
        );
        caption += &match self.crossing {
            Some(x) if self.crossing_exact => format!("; compute-bound from batch {}", n(x)),
            Some(x) => format!("; first compute-bound batch swept: {}", n(x)),
            None => "; memory-bound across the sweep".into(),
        };
        let data = crate::Data::new(&[
            "batch",
            "intensity_flop_per_byte",
            "ridge_flop_per_byte",
            "compute_bound",
        ])
        .rows(self.batch.iter().zip(&self.intensity).map(|(x, i)| {
            vec![
                (*x).into(),
                (*i).into(),
                self.ridge.into(),
                (*i >= self.ridge).into(),
            ]
        }));
        Table {
            data,
            caption,
            headers: vec![
                "batch".into(),
                "arithmetic intensity".into(),
                "bound".into(),
            ],
            rows: self
                .batch
                .iter()
                .zip(&self.intensity)
                .map(|(x, i)| vec![n(*x), fpb(*i), bound(*i, self.ridge).into()])
                .collect(),
        }
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "Decode arithmetic intensity against batch size: {} at batch {}, against a ridge of {}",
            fpb(self.current_intensity),
            n(self.current_batch),
            fpb(self.ridge)
        );
        s += &match self.crossing {
            Some(x) if self.crossing_exact => {
                format!("; decode becomes compute-bound at batch {}", n(x))
            }
            Some(x) => format!("; decode is compute-bound by batch {}", n(x)),
            None if levels_off(&self.batch, &self.intensity) => {
                "; it stays below the ridge because KV-cache reads grow with the batch".into()
            }
            None => format!(
                "; it stays below the ridge up to batch {}",
                n(self.batch.last().copied().unwrap_or(0.0))
            ),
        };
        s + "."
    }
}

impl ChartData for PrefillIntensityData {
    const ID: &'static str = "prefill-intensity";
    crate::pinned_methods!(|d| overlay(
        &d.tokens,
        &d.intensity,
        d.ridge,
        (d.current_prompt, d.current_intensity)
    ));

    fn table(&self) -> Table {
        let mut caption = format!(
            "Prefill arithmetic intensity against prompt length at batch {}; ridge {}",
            n(self.batch),
            fpb(self.ridge)
        );
        caption += &match (self.below_crossing, self.crossing) {
            (Some(_), Some(x)) => format!("; compute-bound from {}", crate::tokens(x)),
            (None, Some(_)) => "; compute-bound at every length shown".into(),
            _ => "; memory-bound at every length shown".into(),
        };
        let data = crate::Data::new(&[
            "prompt_tokens",
            "intensity_flop_per_byte",
            "ridge_flop_per_byte",
            "compute_bound",
        ])
        .rows(self.tokens.iter().zip(&self.intensity).map(|(x, i)| {
            vec![
                (*x).into(),
                (*i).into(),
                self.ridge.into(),
                (*i >= self.ridge).into(),
            ]
        }));
        Table {
            data,
            caption,
            headers: vec![
                "prompt (tokens)".into(),
                "arithmetic intensity".into(),
                "bound".into(),
            ],
            rows: self
                .tokens
                .iter()
                .zip(&self.intensity)
                .map(|(x, i)| vec![n(*x), fpb(*i), bound(*i, self.ridge).into()])
                .collect(),
        }
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "Prefill arithmetic intensity against prompt length: {} at {}, against a ridge of {}",
            fpb(self.current_intensity),
            crate::tokens(self.current_prompt),
            fpb(self.ridge)
        );
        s += &match (self.below_crossing, self.crossing) {
            (Some(a), Some(b)) => format!(
                "; prefill crosses the ridge between {} and {} tokens",
                n(a),
                n(b)
            ),
            (None, Some(_))
                if self.current_intensity >= self.ridge && self.current_prompt <= 1.0 =>
            {
                "; prefill is already past the ridge at 1 token".into()
            }
            (None, Some(_)) => "; prefill is compute-bound at every length shown".into(),
            _ => "; prefill stays below the ridge at every length shown".into(),
        };
        s + "."
    }
}

#[allow(clippy::too_many_arguments)]
fn intensity_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Theme,
    color: plotters::style::RGBColor,
    name: &str,
    x_title: String,
    xs: &[f64],
    ys: &[f64],
    ridge: f64,
    current: (f64, f64),
    current_text: String,
    crossing: Option<(f64, String)>,
    below_note: Option<String>,
    pinned: &Option<Pinned>,
) -> ChartResult<DB> {
    let (x0, x1) = extent(
        xs.iter()
            .copied()
            .chain([current.0])
            .chain(Pinned::xs(pinned)),
    );
    // A little room below the lowest point, so no marker sits on the axis.
    let (y0, y1) = log_range(
        ys.iter()
            .chain(&[current.1])
            .chain(&Pinned::ys(pinned, false))
            .flat_map(|y| [y / 1.6, y * 1.6])
            .chain([ridge * 2.0, ridge / 20.0]),
    );
    let fs = t.font_size;
    let mut keys = vec![
        Key::new(
            Swatch::Line {
                color,
                width: thick(fs),
                dashed: false,
            },
            name,
        ),
        Key::new(
            Swatch::Line {
                color: t.ridge,
                width: thin(fs),
                dashed: true,
            },
            "ridge",
        ),
    ];
    keys.extend(pinned_key(t, pinned));
    let mut p = Plot::new(
        root,
        t,
        &keys,
        Axis::log((x0, x1), Fmt::Count, x_title),
        Axis::log((y0, y1), Fmt::Count, "arithmetic intensity (FLOP/byte)"),
        None,
    )?;
    let (lw, tw) = (thick(fs), thin(fs));
    p.pinned(pinned)?;
    p.line(
        &[(x0, ridge), (x1, ridge)],
        false,
        t.ridge,
        tw,
        Some((0.5 * fs, 0.35 * fs)),
        true,
    )?;
    let pts: Vec<(f64, f64)> = xs.iter().copied().zip(ys.iter().copied()).collect();
    p.line(&pts, false, color, lw, None, true)?;
    let py = p.y.px(ridge);
    p.hline_label(py, &format!("ridge {}", fpb(ridge)), t.text)?;
    // The crossing, a vertical marker where the curve meets the ridge.
    if let Some((x, text)) = crossing {
        if let Some(px) = p.vline(x, t.ridge, tw, None)? {
            p.vline_label(px, &text, t.text, true)?;
            let py = p.y.px(ridge);
            p.marker(Marker::Circle, px, py, 0.3 * fs, t.text, true)?;
        }
    }
    if let Some(note) = below_note {
        p.note(&note)?;
    }
    let r = 0.45 * fs;
    if let Some(at) = p.point(Marker::Circle, current.0, current.1, false, r, color, true)? {
        p.label_near(
            &current_text,
            t.text,
            at,
            r + 0.25 * fs,
            &[
                Place::SE,
                Place::NW,
                Place::E,
                Place::W,
                Place::NE,
                Place::SW,
                Place::S,
                Place::N,
            ],
            true,
        )?;
    }
    root.present()?;
    Ok(())
}

/// Draws decode arithmetic intensity against batch (log-log) with the ridge, where decode
/// turns compute-bound (or why it never does), and the current batch.
pub fn decode_intensity<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &DecodeIntensityData,
    t: &Theme,
) -> ChartResult<DB> {
    let compact = crate::common::narrow(root, t.font_size);
    let crossing = d.crossing.map(|x| {
        // The engine's batch where it has one; else where the drawn curve meets the ridge.
        let (at, v) = if d.crossing_exact {
            (x, n(x))
        } else {
            let at = crossing(&d.batch, &d.intensity, d.ridge).unwrap_or(x);
            (at, format!("≈ {}", n(round2(at))))
        };
        let text = if compact {
            format!("compute-bound: {v}")
        } else {
            format!("compute-bound from batch {v}")
        };
        (at, text)
    });
    let below = d.crossing.is_none().then(|| {
        if levels_off(&d.batch, &d.intensity) {
            if compact {
                "stays below the ridge:\nKV reads grow with the batch".to_string()
            } else {
                "stays below the ridge: KV reads grow with the batch".to_string()
            }
        } else {
            format!(
                "stays below the ridge up to batch {}",
                n(d.batch.last().copied().unwrap_or(0.0))
            )
        }
    });
    intensity_chart(
        root,
        t,
        t.decode,
        "decode",
        if compact {
            "batch size".into()
        } else {
            "batch size (sequences per decode step)".into()
        },
        &d.batch,
        &d.intensity,
        d.ridge,
        (d.current_batch, d.current_intensity),
        format!("batch {}: {}", n(d.current_batch), fpb(d.current_intensity)),
        crossing,
        below,
        &d.pinned,
    )
}

/// Draws prefill arithmetic intensity against prompt length (log-log) with the ridge, where
/// prefill turns compute-bound, and the current prompt.
pub fn prefill_intensity<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &PrefillIntensityData,
    t: &Theme,
) -> ChartResult<DB> {
    let compact = crate::common::narrow(root, t.font_size);
    let crossing = match (d.below_crossing, d.crossing) {
        (Some(_), Some(x)) => crossing(&d.tokens, &d.intensity, d.ridge).map(|at| {
            let v = Unit::Count.format(round2(at));
            let text = if compact {
                format!("≈ {v} tokens")
            } else {
                format!("compute-bound from ≈ {v} tokens")
            };
            let _ = x;
            (at, text)
        }),
        _ => None,
    };
    let note = match (d.below_crossing, d.crossing) {
        (None, Some(_)) => Some("compute-bound at every length shown".to_string()),
        (_, None) => Some("memory-bound at every length shown".to_string()),
        _ => None,
    };
    let title = if d.batch > 1.0 {
        format!("prompt length (tokens), batch {}", n(d.batch))
    } else {
        "prompt length (tokens)".into()
    };
    intensity_chart(
        root,
        t,
        t.prefill,
        "prefill",
        title,
        &d.tokens,
        &d.intensity,
        d.ridge,
        (d.current_prompt, d.current_intensity),
        format!(
            "{}: {}",
            crate::tokens(d.current_prompt),
            fpb(d.current_intensity)
        ),
        crossing,
        note,
        &d.pinned,
    )
}

//! `ttft`: time to first token against prompt length, floor and calibrated.

use crate::common::pinned_key;
use crate::common::{
    extent, log_range, thick, thin, workload, Axis, Fmt, Key, Marker, Place, Plot, Swatch,
};
use crate::Cell;
use crate::{ChartData, ChartResult, MeasuredPoint, Pinned, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use ridgepoint::published::{Kind, Point};
use ridgepoint::series::Series;
use ridgepoint::units::Unit;
use ridgepoint::Estimate;

/// TTFT (the whole batch's prefill) against prompt length at the scenario's batch.
#[derive(Clone, Debug, PartialEq)]
pub struct TtftData {
    /// Prompt lengths swept (tokens).
    pub tokens: Vec<f64>,
    /// Seconds at 100% of peak, and with the scenario's efficiencies.
    pub floor: Vec<f64>,
    pub calibrated: Vec<f64>,
    pub batch: f64,
    pub current_prompt: f64,
    pub current_floor: f64,
    pub current_calibrated: f64,
    /// Longest prompt that runs at this batch with the scenario's output: memory's longest
    /// context, capped at the model's context window, less the output (0: none runs).
    pub max_prompt: f64,
    /// The context window, not memory, sets `max_prompt`.
    pub window_limited: bool,
    /// Published TTFTs: `x` prompt tokens, `y` seconds.
    pub measured: Vec<MeasuredPoint>,
    /// A pinned scenario's calibrated line and point (compare mode).
    pub pinned: Option<Pinned>,
    /// The engine profile's spread of measured / estimated (p10, p90): a band around the
    /// calibrated line.
    pub band: Option<(f64, f64)>,
}

impl TtftData {
    /// With the profile's band (measured / estimated at p10 and p90).
    pub fn with_band(mut self, band: Option<(f64, f64)>) -> TtftData {
        self.band =
            band.filter(|(lo, hi)| lo.is_finite() && hi.is_finite() && lo <= hi && *lo > 0.0);
        self
    }

    pub fn from_series(s: &Series, e: &Estimate) -> TtftData {
        let (batch, prompt, _) = workload(e);
        TtftData {
            tokens: s.prompt.iter().map(|p| p.tokens).collect(),
            floor: s.prompt.iter().map(|p| p.ttft_floor).collect(),
            calibrated: s.prompt.iter().map(|p| p.ttft).collect(),
            batch,
            current_prompt: prompt,
            current_floor: e.floor.ttft.get(),
            current_calibrated: e.calibrated.ttft.get(),
            max_prompt: {
                let (longest, _) = e.longest_context();
                longest.saturating_sub(e.context - prompt as u64) as f64
            },
            window_limited: e.longest_context().1,
            measured: Vec::new(),
            pinned: None,
            band: None,
        }
    }

    /// Adds published measurements (prompt tokens, seconds).
    pub fn with_measured(mut self, measured: Vec<MeasuredPoint>) -> TtftData {
        self.measured = measured;
        self
    }

    /// Adds the TTFTs among `points` (see [`ridgepoint::published::matching`]).
    pub fn with_published(self, points: &[Point]) -> TtftData {
        let m = points
            .iter()
            .filter(|p| p.kind == Kind::Ttft)
            .map(|p| MeasuredPoint {
                x: p.prompt as f64,
                y: p.value,
                label: p.label.clone(),
            })
            .collect();
        self.with_measured(m)
    }
}

fn line(xs: &[f64], ys: &[f64]) -> Vec<(f64, f64)> {
    xs.iter().copied().zip(ys.iter().copied()).collect()
}

fn s(v: f64) -> String {
    crate::common::secs(v)
}
fn n(v: f64) -> String {
    Unit::Count.format(v)
}

impl ChartData for TtftData {
    const ID: &'static str = "ttft";
    crate::pinned_methods!(|d| Pinned {
        lines: vec![(line(&d.tokens, &d.calibrated), false)],
        points: vec![(d.current_prompt, d.current_calibrated, false)],
        ridge: None,
    });

    fn table(&self) -> Table {
        let mut rows: Vec<Vec<String>> = self
            .tokens
            .iter()
            .zip(&self.floor)
            .zip(&self.calibrated)
            .map(|((x, f), c)| vec![n(*x), s(*f), s(*c), String::new()])
            .collect();
        rows.extend(self.measured.iter().map(|m| {
            vec![
                n(m.x),
                String::new(),
                String::new(),
                format!("{} ({})", s(m.y), m.label),
            ]
        }));
        let data = crate::Data::new(&[
            "prompt_tokens",
            "ttft_floor_s",
            "ttft_calibrated_s",
            "published_ttft_s",
            "published_source",
        ])
        .rows(
            self.tokens
                .iter()
                .zip(&self.floor)
                .zip(&self.calibrated)
                .map(|((x, f), c)| {
                    vec![
                        (*x).into(),
                        (*f).into(),
                        (*c).into(),
                        Cell::Empty,
                        Cell::Empty,
                    ]
                }),
        )
        .rows(self.measured.iter().map(|m| {
            vec![
                m.x.into(),
                Cell::Empty,
                Cell::Empty,
                m.y.into(),
                m.label.as_str().into(),
            ]
        }));
        Table {
            data,
            caption: format!(
                "Time to first token against prompt length at batch {}: {} (floor {}) at {}",
                n(self.batch),
                s(self.current_calibrated),
                s(self.current_floor),
                crate::tokens(self.current_prompt)
            ),
            headers: vec![
                "prompt (tokens)".into(),
                "floor (100% of peak)".into(),
                "calibrated".into(),
                "published measurement".into(),
            ],
            rows,
        }
    }

    fn describe(&self) -> String {
        let mut d = format!(
            "Time to first token against prompt length at batch {}: {} at {}, floor {}",
            n(self.batch),
            s(self.current_calibrated),
            crate::tokens(self.current_prompt),
            s(self.current_floor)
        );
        d += &crate::measured_note(self.measured.len());
        d + "."
    }
}

/// Draws TTFT against prompt length (log-log): floor and calibrated lines, the current prompt
/// on both, and published measurements as diamonds.
pub fn ttft<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &TtftData,
    t: &Theme,
) -> ChartResult<DB> {
    let fs = t.font_size;
    let (x0, x1) = extent(
        d.tokens
            .iter()
            .copied()
            .chain([d.current_prompt])
            .chain(d.measured.iter().map(|m| m.x))
            .chain(Pinned::xs(&d.pinned)),
    );
    let (y0, y1) = log_range(
        d.floor
            .iter()
            .chain(&d.calibrated)
            .copied()
            .chain([d.current_floor, d.current_calibrated])
            .chain(d.measured.iter().map(|m| m.y))
            .chain(Pinned::ys(&d.pinned, false))
            .flat_map(|v| [v / 1.6, v * 1.6]),
    );
    let compact = crate::common::narrow(root, fs);
    let mut keys = vec![
        Key::new(
            Swatch::Line {
                color: t.prefill,
                width: thick(fs),
                dashed: false,
            },
            "calibrated",
        ),
        Key::new(
            Swatch::Line {
                color: t.prefill,
                width: thin(fs),
                dashed: true,
            },
            if compact {
                "floor"
            } else {
                "floor (100% of peak)"
            },
        ),
    ];
    if !d.measured.is_empty() {
        keys.push(Key::new(
            Swatch::Marker {
                shape: Marker::Diamond,
                color: t.measured,
                filled: true,
            },
            "published measurement",
        ));
    }
    if d.band.is_some() {
        keys.push(Key::new(
            Swatch::Block(crate::common::over(t.prefill, t.background, 0.16)),
            if compact {
                "published spread"
            } else {
                "published spread (p10–p90)"
            },
        ));
    }
    keys.extend(pinned_key(t, &d.pinned));
    let title = if d.batch > 1.0 {
        format!("prompt length (tokens), batch {}", n(d.batch))
    } else {
        "prompt length (tokens)".into()
    };
    let mut p = Plot::new(
        root,
        t,
        &keys,
        Axis::log((x0, x1), Fmt::Count, title),
        Axis::log((y0, y1), Fmt::Seconds, "time to first token"),
        None,
    )?;
    p.pinned(&d.pinned)?;
    // Prompts that would not run (out of memory, or past the context window): shaded.
    let stop = d.max_prompt + 1.0;
    if stop <= x1 {
        let px = p.x.px(stop.max(x0));
        crate::kv::oom_band(&mut p, t, px)?;
    }
    let why = if d.window_limited {
        "past the context window"
    } else {
        "out of memory"
    };
    if d.max_prompt < 1.0 {
        p.note(if compact {
            "none of these runs"
        } else if d.window_limited {
            "past the context window at every length"
        } else {
            "out of memory at every prompt length"
        })?;
    } else if let Some(px) = p.vline(stop, t.capacity, thin(fs), None)? {
        let text = if compact {
            format!("{why}: {}", n(stop))
        } else {
            format!("{why} from {} tokens", n(stop))
        };
        p.vline_label(px, &text, t.text, true)?;
    }
    if let Some((lo, hi)) = d.band {
        let low: Vec<f64> = d.calibrated.iter().map(|v| v * lo).collect();
        let high: Vec<f64> = d.calibrated.iter().map(|v| v * hi).collect();
        p.band(&d.tokens, &low, &high, false, t.prefill)?;
    }
    p.line(
        &line(&d.tokens, &d.floor),
        false,
        t.prefill,
        thin(fs),
        Some((0.6 * fs, 0.4 * fs)),
        true,
    )?;
    p.line(
        &line(&d.tokens, &d.calibrated),
        false,
        t.prefill,
        thick(fs),
        None,
        true,
    )?;
    for m in &d.measured {
        p.point(Marker::Diamond, m.x, m.y, false, 0.4 * fs, t.measured, true)?;
    }
    let r = 0.42 * fs;
    p.point(
        Marker::Circle,
        d.current_prompt,
        d.current_floor,
        false,
        r * 0.8,
        t.prefill,
        false,
    )?;
    if let Some(at) = p.point(
        Marker::Circle,
        d.current_prompt,
        d.current_calibrated,
        false,
        r,
        t.prefill,
        true,
    )? {
        let text = format!(
            "{} tokens: {}{}",
            n(d.current_prompt),
            s(d.current_calibrated),
            if d.current_prompt > d.max_prompt {
                ", would not run"
            } else {
                ""
            }
        );
        p.label_near(
            &text,
            t.text,
            at,
            r + 0.25 * fs,
            &[Place::NW, Place::W, Place::SE, Place::E, Place::N, Place::S],
            true,
        )?;
    }
    root.present()?;
    Ok(())
}

//! `batch-throughput`: decode step time (left axis) and tokens per second (right axis)
//! against batch size, floor and calibrated, with the knee.

use crate::common::pinned_key;
use crate::common::{
    blend, extent, log_range, thick, thin, workload, Axis, Fmt, Key, Marker, Place, Plot, Swatch,
};
use crate::Cell;
use crate::{ChartData, ChartResult, MeasuredPoint, Pinned, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use ridgepoint::published::{Kind, Point};
use ridgepoint::series::Series;
use ridgepoint::units::Unit;
use ridgepoint::{Estimate, KneeCause};

/// Decode step time and throughput against batch size.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchThroughputData {
    pub batch: Vec<f64>,
    /// Seconds per decode step at 100% of peak, and calibrated.
    pub step_floor: Vec<f64>,
    pub step: Vec<f64>,
    /// Tokens per second over all sequences, floor and calibrated.
    pub throughput_floor: Vec<f64>,
    pub throughput: Vec<f64>,
    /// Where adding sequences stops being nearly free, and why.
    pub knee: f64,
    pub knee_cause: KneeCause,
    /// Largest batch that fits in memory (0: none); batches past it are shaded.
    pub max_batch: f64,
    pub current_batch: f64,
    pub current_step_floor: f64,
    pub current_step: f64,
    /// batch / step time, floor and calibrated.
    pub current_throughput_floor: f64,
    pub current_throughput: f64,
    /// Published throughputs: `x` batch, `y` tokens per second.
    pub measured_throughput: Vec<MeasuredPoint>,
    /// Published step times: `x` batch, `y` seconds per step.
    pub measured_step: Vec<MeasuredPoint>,
    /// A pinned scenario's calibrated lines and points (compare mode).
    pub pinned: Option<Pinned>,
    /// The engine profile's spread of measured / estimated (p10, p90): a band around the
    /// calibrated throughput.
    pub band: Option<(f64, f64)>,
}

impl BatchThroughputData {
    /// With the profile's band (measured / estimated at p10 and p90).
    pub fn with_band(mut self, band: Option<(f64, f64)>) -> BatchThroughputData {
        self.band =
            band.filter(|(lo, hi)| lo.is_finite() && hi.is_finite() && lo <= hi && *lo > 0.0);
        self
    }

    pub fn from_series(s: &Series, e: &Estimate) -> BatchThroughputData {
        let batch = workload(e).0;
        let (floor, cal) = (e.decode.time.get(), e.decode.calibrated_time.get());
        BatchThroughputData {
            batch: s.batch.iter().map(|p| p.batch).collect(),
            step_floor: s.batch.iter().map(|p| p.step_floor).collect(),
            step: s.batch.iter().map(|p| p.step).collect(),
            throughput_floor: s.batch.iter().map(|p| p.throughput_floor).collect(),
            throughput: s.batch.iter().map(|p| p.throughput).collect(),
            knee: e.knee.batch,
            knee_cause: e.knee.cause,
            max_batch: e.max_batch as f64,
            current_batch: batch,
            current_step_floor: floor,
            current_step: cal,
            // The sweep's definition (BatchPoint::throughput = batch / step).
            current_throughput_floor: batch / floor,
            current_throughput: batch / cal,
            measured_throughput: Vec::new(),
            measured_step: Vec::new(),
            pinned: None,
            band: None,
        }
    }

    /// Adds published measurements: throughputs (batch, tokens/s) and step times (batch, s).
    pub fn with_measured(
        mut self,
        throughput: Vec<MeasuredPoint>,
        step: Vec<MeasuredPoint>,
    ) -> BatchThroughputData {
        self.measured_throughput = throughput;
        self.measured_step = step;
        self
    }

    /// Adds the step times and throughputs among `points` (see
    /// [`ridgepoint::published::matching`]). Published throughputs include the prefill, so
    /// they sit below a decode-only curve; their labels say so.
    pub fn with_published(self, points: &[Point]) -> BatchThroughputData {
        let of = |kind: Kind, note: &str| {
            points
                .iter()
                .filter(|p| p.kind == kind)
                .map(|p| MeasuredPoint {
                    x: p.batch as f64,
                    y: p.value,
                    label: format!("{}, {}→{}{note}", p.label, p.prompt, p.output),
                })
                .collect()
        };
        let tput = of(Kind::Throughput, ", prefill included");
        self.with_measured(tput, of(Kind::Step, ""))
    }
}

fn s(v: f64) -> String {
    crate::common::secs(v)
}
fn n(v: f64) -> String {
    Unit::Count.format(v)
}
fn tps(v: f64) -> String {
    Unit::TokensPerSec.format(v)
}

fn knee_text(cause: KneeCause) -> &'static str {
    match cause {
        KneeCause::Compute => "compute-bound",
        KneeCause::KvCache => "KV reads",
    }
}

impl ChartData for BatchThroughputData {
    const ID: &'static str = "batch-throughput";
    crate::pinned_methods!(|d| {
        let line = |ys: &[f64]| d.batch.iter().copied().zip(ys.iter().copied()).collect();
        Pinned {
            lines: vec![(line(&d.step), false), (line(&d.throughput), true)],
            points: vec![
                (d.current_batch, d.current_step, false),
                (d.current_batch, d.current_throughput, true),
            ],
            ridge: None,
        }
    });

    fn table(&self) -> Table {
        let mut rows: Vec<Vec<String>> = (0..self.batch.len())
            .map(|i| {
                let g = |v: &[f64]| v.get(i).copied().unwrap_or(f64::NAN);
                vec![
                    n(self.batch[i]),
                    s(g(&self.step_floor)),
                    s(g(&self.step)),
                    tps(g(&self.throughput_floor)),
                    tps(g(&self.throughput)),
                    String::new(),
                ]
            })
            .collect();
        for m in &self.measured_throughput {
            rows.push(vec![
                n(m.x),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                format!("{} ({})", tps(m.y), m.label),
            ]);
        }
        for m in &self.measured_step {
            rows.push(vec![
                n(m.x),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                format!("{} per step ({})", s(m.y), m.label),
            ]);
        }
        let mut data = crate::Data::new(&[
            "batch",
            "step_floor_s",
            "step_calibrated_s",
            "throughput_floor_tokens_per_s",
            "throughput_calibrated_tokens_per_s",
            "published_step_s",
            "published_throughput_tokens_per_s",
            "published_source",
        ]);
        for i in 0..self.batch.len() {
            let g = |v: &[f64]| v.get(i).copied().unwrap_or(f64::NAN);
            data = data.row(vec![
                self.batch[i].into(),
                g(&self.step_floor).into(),
                g(&self.step).into(),
                g(&self.throughput_floor).into(),
                g(&self.throughput).into(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        for m in &self.measured_throughput {
            data = data.row(vec![
                m.x.into(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                m.y.into(),
                m.label.as_str().into(),
            ]);
        }
        for m in &self.measured_step {
            data = data.row(vec![
                m.x.into(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                m.y.into(),
                Cell::Empty,
                m.label.as_str().into(),
            ]);
        }
        Table {
            data,
            caption: format!(
                "Decode step time and throughput against batch size; knee at batch {} ({})",
                n(self.knee),
                knee_text(self.knee_cause)
            ),
            headers: vec![
                "batch".into(),
                "step time, floor".into(),
                "step time, calibrated".into(),
                "throughput, floor".into(),
                "throughput, calibrated".into(),
                "published measurement".into(),
            ],
            rows,
        }
    }

    fn describe(&self) -> String {
        format!(
            "Decode step time and throughput against batch size: at batch {} a step takes {} \
             for {}; the knee, where more sequences stop being nearly free, is at batch {} ({}){}.",
            n(self.current_batch),
            s(self.current_step),
            tps(self.current_throughput),
            n(self.knee),
            knee_text(self.knee_cause),
            crate::measured_note(self.measured_step.len() + self.measured_throughput.len())
        )
    }
}

/// Draws step time (left axis) and throughput (right axis) against batch, both log, floor
/// dashed and calibrated solid, with the knee, the current batch and published measurements.
pub fn batch_throughput<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &BatchThroughputData,
    t: &Theme,
) -> ChartResult<DB> {
    let fs = t.font_size;
    let (x0, x1) = extent(
        d.batch.iter().copied().chain([d.current_batch]).chain(
            d.measured_throughput
                .iter()
                .chain(&d.measured_step)
                .map(|m| m.x)
                .chain(Pinned::xs(&d.pinned)),
        ),
    );
    let (y0, y1) = log_range(
        d.step
            .iter()
            .chain(&d.step_floor)
            .copied()
            .chain([d.current_step, d.current_step_floor])
            .chain(Pinned::ys(&d.pinned, false))
            .chain(d.measured_step.iter().map(|m| m.y))
            .flat_map(|v| [v / 1.6, v * 1.6]),
    );
    let (z0, z1) = log_range(
        d.throughput
            .iter()
            .chain(&d.throughput_floor)
            .copied()
            .chain([d.current_throughput, d.current_throughput_floor])
            .chain(d.measured_throughput.iter().map(|m| m.y))
            .chain(Pinned::ys(&d.pinned, true))
            .flat_map(|v| [v / 1.6, v * 1.6]),
    );
    let compact = crate::common::narrow(root, fs);
    let (sc, tc) = (t.decode, t.throughput);
    let mut keys = vec![
        Key::new(
            Swatch::Line {
                color: sc,
                width: thick(fs),
                dashed: false,
            },
            "step time",
        ),
        Key::new(
            Swatch::Line {
                color: tc,
                width: thick(fs),
                dashed: false,
            },
            "decode tokens/s",
        ),
        Key::new(
            Swatch::Line {
                color: t.muted,
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
    if !(d.measured_throughput.is_empty() && d.measured_step.is_empty()) {
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
            Swatch::Block(crate::common::over(tc, t.background, 0.16)),
            if compact {
                "published spread"
            } else {
                "published spread (p10–p90)"
            },
        ));
    }
    keys.extend(pinned_key(t, &d.pinned));
    // Axis text in the line colours, darkened towards the text colour to stay legible.
    let (sl, tl) = (blend(sc, t.text, 0.35), blend(tc, t.text, 0.2));
    let mut p = Plot::new(
        root,
        t,
        &keys,
        Axis::log(
            (x0, x1),
            Fmt::Count,
            if compact {
                "batch size"
            } else {
                "batch size (sequences per decode step)"
            },
        ),
        Axis::log(
            (y0, y1),
            Fmt::Seconds,
            if compact {
                "step time"
            } else {
                "decode step time"
            },
        )
        .colored(sl),
        Some(
            Axis::log(
                (z0, z1),
                Fmt::Count,
                if compact {
                    "decode tokens/s"
                } else {
                    "decode tokens/s, all sequences"
                },
            )
            .colored(tl),
        ),
    )?;
    let (lw, tw) = (thick(fs), thin(fs));
    let dash = Some((0.6 * fs, 0.4 * fs));
    let pts = |ys: &[f64]| -> Vec<(f64, f64)> {
        d.batch.iter().copied().zip(ys.iter().copied()).collect()
    };
    p.pinned(&d.pinned)?;
    // Batches that run out of memory: shaded, from the first batch that does not fit.
    let oom = d.max_batch + 1.0;
    if oom <= x1 {
        let px = p.x.px(oom.max(x0));
        crate::kv::oom_band(&mut p, t, px)?;
    }
    if let Some((lo, hi)) = d.band {
        let low: Vec<f64> = d.throughput.iter().map(|v| v * lo).collect();
        let high: Vec<f64> = d.throughput.iter().map(|v| v * hi).collect();
        p.band(&d.batch, &low, &high, true, tc)?;
    }
    p.line(&pts(&d.step_floor), false, sc, tw, dash, true)?;
    p.line(&pts(&d.throughput_floor), true, tc, tw, dash, true)?;
    p.line(&pts(&d.step), false, sc, lw, None, true)?;
    p.line(&pts(&d.throughput), true, tc, lw, None, true)?;
    if d.max_batch < 1.0 {
        p.note(if compact {
            "none of these fits"
        } else {
            "out of memory at every batch"
        })?;
    } else if let Some(px) = p.vline(oom, t.capacity, tw, None)? {
        let text = if compact {
            format!("out of memory: {}", n(oom))
        } else {
            format!("out of memory from batch {}", n(oom))
        };
        p.vline_label(px, &text, t.text, true)?;
    }
    // The knee; past the largest batch that fits it is never reached.
    let reached = d.knee <= d.max_batch;
    if let Some(px) = p.vline(d.knee, t.ridge, tw, Some((0.4 * fs, 0.3 * fs)))? {
        let text = match (reached, compact) {
            (false, true) => format!("knee {} (out of memory)", n(d.knee)),
            (false, false) => format!("knee at batch {}, past memory", n(d.knee)),
            (true, true) => format!("knee: {}, {}", knee_text(d.knee_cause), n(d.knee)),
            (true, false) => format!("knee: {} (batch {})", knee_text(d.knee_cause), n(d.knee)),
        };
        p.vline_label(px, &text, t.text, true)?;
    } else {
        p.note(&format!(
            "knee at batch {} ({})",
            n(d.knee),
            knee_text(d.knee_cause)
        ))?;
    }
    for m in &d.measured_step {
        p.point(Marker::Diamond, m.x, m.y, false, 0.4 * fs, t.measured, true)?;
    }
    for m in &d.measured_throughput {
        p.point(Marker::Diamond, m.x, m.y, true, 0.4 * fs, t.measured, true)?;
    }
    // The current batch on both calibrated curves; past memory its figures would not run.
    let oom_note = if d.current_batch > d.max_batch {
        ", would not run"
    } else {
        ""
    };
    let r = 0.42 * fs;
    let places = [
        Place::SE,
        Place::NE,
        Place::E,
        Place::SW,
        Place::NW,
        Place::S,
        Place::N,
        Place::W,
    ];
    if let Some(at) = p.point(
        Marker::Circle,
        d.current_batch,
        d.current_step,
        false,
        r,
        sc,
        true,
    )? {
        p.label_near(
            &format!("{}/step{oom_note}", s(d.current_step)),
            sl,
            at,
            r + 0.25 * fs,
            &places,
            true,
        )?;
    }
    if let Some(at) = p.point(
        Marker::Circle,
        d.current_batch,
        d.current_throughput,
        true,
        r,
        tc,
        true,
    )? {
        p.label_near(
            &format!("{} decode{oom_note}", tps(d.current_throughput)),
            tl,
            at,
            r + 0.25 * fs,
            &places,
            true,
        )?;
    }
    root.present()?;
    Ok(())
}

//! `serving-load` and `serving-timeline`: one replica under load, from
//! [`ridgepoint::serve`]'s results (nothing here simulates).
//!
//! - `serving-load`: TTFT and TPOT, p50 and p99, against the load of the arrival process the
//!   run has ([`LoadAxis`]: the offered Poisson rate, the number of closed-loop clients, or
//!   a trace's speed-up; log-log), the two SLO lines, and the most load found meeting both
//!   marked. A trace whose requests all arrive at once is one point, and its caption says so.
//! - `serving-timeline`: one run's running batch and queue length (left axis, requests) and
//!   the KV blocks in use as a share of the pool (right axis, %), over the run's time.

use crate::common::{extent, lin_range, log_range, thick, thin, Axis, Fmt, Key, Marker, Swatch};
use crate::{Cell, ChartData, ChartResult, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use ridgepoint::serve::{Capacity, LoadAxis, LoadPoint, ServeResult, Slo};
use ridgepoint::units::Unit;

/// The load curve: one entry per simulated load, in increasing order.
#[derive(Clone, Debug, PartialEq)]
pub struct ServingLoadData {
    /// What the x axis sweeps: the run's own arrival process.
    pub axis: LoadAxis,
    /// The load of each point in `axis`'s units (requests per second, clients, speed-up).
    pub loads: Vec<f64>,
    /// Requests per second at each point ([`LoadPoint::rate`]; the load itself for Poisson).
    pub rates: Vec<f64>,
    /// Seconds.
    pub ttft_p50: Vec<f64>,
    pub ttft_p99: Vec<f64>,
    pub tpot_p50: Vec<f64>,
    pub tpot_p99: Vec<f64>,
    /// Both SLOs held at p99 with every request finished.
    pub meets: Vec<bool>,
    pub slo: Slo,
    /// The most load the capacity search found meeting both SLOs, in `axis`'s units
    /// (`None`: not found, or not searched yet).
    pub max_load: Option<f64>,
    /// Requests per second there.
    pub max_rate: Option<f64>,
}

impl ServingLoadData {
    /// From [`ridgepoint::serve::sweep`]'s points (any order; sorted by load here), the
    /// axis they sweep ([`LoadAxis::of`] the run's arrivals), the SLOs and the capacity
    /// search's result once there is one.
    pub fn from_points(
        axis: LoadAxis,
        points: &[LoadPoint],
        slo: Slo,
        capacity: Option<&Capacity>,
    ) -> ServingLoadData {
        let mut pts: Vec<&LoadPoint> = points.iter().filter(|p| p.load.is_finite()).collect();
        pts.sort_by(|a, b| a.load.total_cmp(&b.load));
        ServingLoadData {
            axis,
            loads: pts.iter().map(|p| p.load).collect(),
            rates: pts.iter().map(|p| p.rate).collect(),
            ttft_p50: pts.iter().map(|p| p.ttft.p50).collect(),
            ttft_p99: pts.iter().map(|p| p.ttft.p99).collect(),
            tpot_p50: pts.iter().map(|p| p.tpot.p50).collect(),
            tpot_p99: pts.iter().map(|p| p.tpot.p99).collect(),
            meets: pts.iter().map(|p| p.meets_slo).collect(),
            slo,
            max_load: capacity.and_then(|c| c.max_load),
            max_rate: capacity.and_then(|c| c.max_rate),
        }
    }

    /// The most load meeting both SLOs in words: "4 req/s", "12 clients (2.59 req/s)",
    /// "×1.5 (3 req/s)"; compact: without the rate.
    fn max_text(&self, compact: bool) -> Option<String> {
        let load = self.max_load?;
        Some(match (self.axis, self.max_rate) {
            (LoadAxis::Rate, _) => rate_text(load),
            (_, Some(r)) if !compact => {
                format!("{} ({})", load_text(self.axis, load), rate_text(r))
            }
            _ => load_text(self.axis, load),
        })
    }
}

fn s(v: f64) -> String {
    crate::common::secs(v)
}

/// "2.5 req/s".
pub fn rate_text(v: f64) -> String {
    let n = if v >= 100.0 {
        Unit::Count.format(v)
    } else {
        crate::common::compact(v)
    };
    format!("{n} req/s")
}

/// A load in its axis's words: "2.5 req/s", "12 clients", "×1.5", "as given".
pub fn load_text(axis: LoadAxis, v: f64) -> String {
    match axis {
        LoadAxis::Rate => rate_text(v),
        LoadAxis::Clients if v == 1.0 => "1 client".into(),
        LoadAxis::Clients => format!("{} clients", Unit::Count.format(v)),
        LoadAxis::TraceSpeed => format!("×{}", crate::common::compact(v)),
        LoadAxis::TraceAsGiven => "as given".into(),
    }
}

/// What the load curve's points are, plural: "request rates", "client counts", …
fn points_name(axis: LoadAxis) -> &'static str {
    match axis {
        LoadAxis::Rate => "request rates",
        LoadAxis::Clients => "client counts",
        LoadAxis::TraceSpeed => "trace speeds",
        LoadAxis::TraceAsGiven => "runs",
    }
}

impl ChartData for ServingLoadData {
    const ID: &'static str = "serving-load";

    fn table(&self) -> Table {
        let rate_col = self.axis != LoadAxis::Rate;
        let rows = (0..self.loads.len())
            .map(|i| {
                let mut r = vec![load_text(self.axis, self.loads[i])];
                if rate_col {
                    r.push(rate_text(self.rates[i]));
                }
                r.extend([
                    s(self.ttft_p50[i]),
                    s(self.ttft_p99[i]),
                    s(self.tpot_p50[i]),
                    s(self.tpot_p99[i]),
                    if self.meets[i] { "yes" } else { "no" }.into(),
                ]);
                r
            })
            .collect();
        let max_key = format!("max_{}", self.axis.key());
        let mut columns: Vec<&str> = vec![self.axis.key()];
        if rate_col {
            columns.push("rate_requests_per_s");
        }
        columns.extend([
            "ttft_p50_s",
            "ttft_p99_s",
            "tpot_p50_s",
            "tpot_p99_s",
            "meets_slo",
            "ttft_slo_s",
            "tpot_slo_s",
        ]);
        if rate_col {
            columns.push(&max_key);
        }
        columns.push("max_rate_requests_per_s");
        let opt = |v: Option<f64>| v.map(Cell::from).unwrap_or(Cell::Empty);
        let data = crate::Data::new(&columns).rows((0..self.loads.len()).map(|i| {
            let mut r: Vec<Cell> = vec![self.loads[i].into()];
            if rate_col {
                r.push(self.rates[i].into());
            }
            r.extend([
                self.ttft_p50[i].into(),
                self.ttft_p99[i].into(),
                self.tpot_p50[i].into(),
                self.tpot_p99[i].into(),
                self.meets[i].into(),
                self.slo.ttft_s.into(),
                self.slo.tpot_s.into(),
            ]);
            if rate_col {
                r.push(opt(self.max_load));
            }
            r.push(opt(self.max_rate));
            r
        }));
        let mut headers = vec![match self.axis {
            LoadAxis::Rate => "rate",
            LoadAxis::Clients => "clients",
            LoadAxis::TraceSpeed => "trace speed",
            LoadAxis::TraceAsGiven => "trace",
        }
        .to_string()];
        if rate_col {
            headers.push("req/s".into());
        }
        headers.extend(
            [
                "TTFT p50",
                "TTFT p99",
                "TPOT p50",
                "TPOT p99",
                "meets both SLOs",
            ]
            .map(String::from),
        );
        Table {
            data,
            caption: self.describe(),
            headers,
            rows,
        }
    }

    fn describe(&self) -> String {
        let slos = format!(
            "SLOs p99 TTFT {} and p99 TPOT {}",
            s(self.slo.ttft_s),
            s(self.slo.tpot_s)
        );
        if self.axis == LoadAxis::TraceAsGiven {
            let verdict = match (self.meets.first(), self.rates.first()) {
                (Some(true), Some(r)) => format!("meets both ({})", rate_text(*r)),
                (Some(false), _) => "misses them".into(),
                _ => "not run yet".into(),
            };
            return format!(
                "Serving under load, the trace as given: its requests all arrive at once, so replaying it faster or slower changes nothing \u{2014} one point, not a curve; {slos}: {verdict}."
            );
        }
        let max = match self.max_text(false) {
            Some(m) => format!("meets both up to {m}"),
            None => format!(
                "no {} found meeting both",
                match self.axis {
                    LoadAxis::Clients => "client count",
                    LoadAxis::TraceSpeed => "trace speed",
                    _ => "rate",
                }
            ),
        };
        let what = match self.axis {
            LoadAxis::Clients => ", closed loop",
            LoadAxis::TraceSpeed => ", the trace replayed faster or slower",
            _ => "",
        };
        format!(
            "Serving under load{what}: TTFT and TPOT p50 and p99 at {} {}{}; {slos}: {max}.",
            self.loads.len(),
            points_name(self.axis),
            match (self.loads.first(), self.loads.last()) {
                (Some(a), Some(b)) => format!(
                    " from {} to {}",
                    load_text(self.axis, *a),
                    load_text(self.axis, *b)
                ),
                _ => String::new(),
            },
        )
    }
}

fn line(xs: &[f64], ys: &[f64]) -> Vec<(f64, f64)> {
    xs.iter()
        .copied()
        .zip(ys.iter().copied())
        .filter(|(x, y)| *x > 0.0 && *y > 0.0 && x.is_finite() && y.is_finite())
        .collect()
}

/// Draws the load curve: TTFT (prefill colour) and TPOT (decode colour) against the load
/// ([`LoadAxis`]: rate, clients or trace speed), p99 thick and p50 thin dashed, the SLOs as
/// dotted horizontal lines, p99 points filled where both SLOs hold, and a vertical line at
/// the most load found meeting both.
pub fn serving_load<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &ServingLoadData,
    t: &Theme,
) -> ChartResult<DB> {
    let fs = t.font_size;
    let (x0, x1) = log_range(
        d.loads
            .iter()
            .copied()
            .chain(d.max_load)
            .flat_map(|v| [v / 1.2, v * 1.2]),
    );
    let (y0, y1) = log_range(
        d.ttft_p50
            .iter()
            .chain(&d.ttft_p99)
            .chain(&d.tpot_p50)
            .chain(&d.tpot_p99)
            .copied()
            .chain([d.slo.ttft_s, d.slo.tpot_s])
            .flat_map(|v| [v / 1.6, v * 1.6]),
    );
    let compact = crate::common::narrow(root, fs);
    let keys = [
        Key::new(
            Swatch::Line {
                color: t.prefill,
                width: thick(fs),
                dashed: false,
            },
            "TTFT p99",
        ),
        Key::new(
            Swatch::Line {
                color: t.prefill,
                width: thin(fs),
                dashed: true,
            },
            "p50",
        ),
        Key::new(
            Swatch::Line {
                color: t.decode,
                width: thick(fs),
                dashed: false,
            },
            "TPOT p99",
        ),
        Key::new(
            Swatch::Line {
                color: t.decode,
                width: thin(fs),
                dashed: true,
            },
            "p50",
        ),
    ];
    let mut p = crate::common::Plot::new(
        root,
        t,
        &keys,
        Axis::log(
            (x0, x1),
            Fmt::Count,
            match (d.axis, compact) {
                (LoadAxis::Rate, true) => "requests/s",
                (LoadAxis::Rate, false) => "offered load (requests per second, log scale)",
                (LoadAxis::Clients, true) => "clients",
                (LoadAxis::Clients, false) => "concurrent clients (closed loop, log scale)",
                (LoadAxis::TraceSpeed, true) => "× trace speed",
                (LoadAxis::TraceSpeed, false) => "trace speed (× its own arrival rate, log scale)",
                (LoadAxis::TraceAsGiven, true) => "the trace",
                (LoadAxis::TraceAsGiven, false) => {
                    "the trace as given (its requests all arrive at once: one point)"
                }
            },
        ),
        Axis::log((y0, y1), Fmt::Seconds, "time"),
        None,
    )?;
    let dots = Some((0.15 * fs, 0.35 * fs));
    for (v, color, name) in [
        (d.slo.ttft_s, t.prefill, "TTFT SLO"),
        (d.slo.tpot_s, t.decode, "TPOT SLO"),
    ] {
        if v > 0.0 && v.is_finite() && (y0..=y1).contains(&v) {
            p.line(&[(x0, v), (x1, v)], false, color, thin(fs), dots, true)?;
            let py = p.y.px(v);
            p.hline_label(py, &format!("{name} {}", s(v)), color)?;
        }
    }
    if d.axis == LoadAxis::TraceAsGiven {
        if !d.loads.is_empty() {
            p.note(if d.meets.first() == Some(&true) {
                "one point: the trace as given meets both SLOs"
            } else {
                "one point: the trace as given misses the SLOs"
            })?;
        }
    } else if let (Some(x), Some(text)) = (d.max_load, d.max_text(compact)) {
        if let Some(px) = p.vline(x, t.capacity, thin(fs), None)? {
            let text = if compact {
                text
            } else {
                format!("meets both up to {text}")
            };
            p.vline_label(px, &text, t.text, true)?;
        }
    } else if !d.loads.is_empty() && !d.meets.iter().any(|m| *m) {
        p.note(match d.axis {
            LoadAxis::Clients => "no client count here meets both SLOs",
            LoadAxis::TraceSpeed => "no trace speed here meets both SLOs",
            _ => "no rate here meets both SLOs",
        })?;
    }
    let dash = Some((0.6 * fs, 0.4 * fs));
    for (ys50, ys99, color) in [
        (&d.ttft_p50, &d.ttft_p99, t.prefill),
        (&d.tpot_p50, &d.tpot_p99, t.decode),
    ] {
        p.line(&line(&d.loads, ys50), false, color, thin(fs), dash, true)?;
        p.line(&line(&d.loads, ys99), false, color, thick(fs), None, true)?;
        for (i, &x) in d.loads.iter().enumerate() {
            let y = ys99[i];
            if x > 0.0 && y > 0.0 && y.is_finite() {
                p.point(Marker::Circle, x, y, false, 0.3 * fs, color, d.meets[i])?;
            }
        }
    }
    root.present()?;
    Ok(())
}

/// One run over time: at each step start, requests running and queued and the KV blocks
/// held as a share of the pool.
#[derive(Clone, Debug, PartialEq)]
pub struct ServingTimelineData {
    /// Seconds from the start.
    pub t: Vec<f64>,
    pub running: Vec<f64>,
    pub queue: Vec<f64>,
    /// KV blocks held / `kv_blocks_total`, 0–1.
    pub kv_share: Vec<f64>,
    pub kv_blocks: Vec<f64>,
    pub kv_blocks_total: f64,
    /// The run's time-averaged running batch.
    pub running_mean: f64,
}

impl ServingTimelineData {
    pub fn from_result(r: &ServeResult) -> ServingTimelineData {
        let total = r.kv_blocks_total as f64;
        ServingTimelineData {
            t: r.timeline.iter().map(|s| s.t).collect(),
            running: r.timeline.iter().map(|s| s.running as f64).collect(),
            queue: r.timeline.iter().map(|s| s.queue as f64).collect(),
            kv_share: r
                .timeline
                .iter()
                .map(|s| {
                    if total > 0.0 {
                        s.kv_blocks as f64 / total
                    } else {
                        0.0
                    }
                })
                .collect(),
            kv_blocks: r.timeline.iter().map(|s| s.kv_blocks as f64).collect(),
            kv_blocks_total: total,
            running_mean: r.running_mean,
        }
    }

    fn peak(v: &[f64]) -> f64 {
        v.iter().copied().fold(0.0, f64::max)
    }
}

impl ChartData for ServingTimelineData {
    const ID: &'static str = "serving-timeline";

    fn table(&self) -> Table {
        let n = self.t.len();
        let rows = (0..n)
            .map(|i| {
                vec![
                    s(self.t[i]),
                    Unit::Count.format(self.running[i]),
                    format!("{:.1}%", self.kv_share[i] * 100.0),
                    Unit::Count.format(self.queue[i]),
                ]
            })
            .collect();
        let data = crate::Data::new(&[
            "time_s",
            "running_requests",
            "kv_blocks_in_use",
            "kv_blocks_total",
            "kv_share",
            "queued_requests",
        ])
        .rows((0..n).map(|i| {
            vec![
                self.t[i].into(),
                self.running[i].into(),
                self.kv_blocks[i].into(),
                self.kv_blocks_total.into(),
                self.kv_share[i].into(),
                self.queue[i].into(),
            ]
        }));
        Table {
            data,
            caption: self.describe(),
            headers: vec![
                "time".into(),
                "running".into(),
                "KV blocks in use".into(),
                "queued".into(),
            ],
            rows,
        }
    }

    fn describe(&self) -> String {
        format!(
            "One run over {}: running batch {} on average, {} at most; KV blocks in use up to {:.0}% of {}; queue up to {}.",
            s(self.t.last().copied().unwrap_or(0.0)),
            crate::common::compact(self.running_mean),
            Unit::Count.format(Self::peak(&self.running)),
            Self::peak(&self.kv_share) * 100.0,
            Unit::Count.format(self.kv_blocks_total),
            Unit::Count.format(Self::peak(&self.queue)),
        )
    }
}

/// Draws running batch and queue (left, requests) and KV share (right, %) as step lines over
/// the run's time.
pub fn serving_timeline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &ServingTimelineData,
    t: &Theme,
) -> ChartResult<DB> {
    let fs = t.font_size;
    let (tx0, tx1) = extent(d.t.iter().copied().filter(|v| *v > 0.0));
    let x1 = if d.t.is_empty() { 1.0 } else { tx1.max(tx0) };
    let (_, y1) = lin_range(
        d.running
            .iter()
            .chain(&d.queue)
            .copied()
            .chain([1.0])
            .map(|v| v * 1.08),
    );
    let compact = crate::common::narrow(root, fs);
    let keys = [
        Key::new(
            Swatch::Line {
                color: t.throughput,
                width: thick(fs),
                dashed: false,
            },
            if compact { "running" } else { "running batch" },
        ),
        Key::new(
            Swatch::Line {
                color: t.capacity,
                width: thin(fs),
                dashed: false,
            },
            "queued",
        ),
        Key::new(
            Swatch::Line {
                color: t.kv_cache,
                width: thin(fs),
                dashed: true,
            },
            if compact {
                "KV %"
            } else {
                "KV blocks in use (%)"
            },
        ),
    ];
    let mut p = crate::common::Plot::new(
        root,
        t,
        &keys,
        Axis::linear((0.0, x1), Fmt::Seconds, "time into the run"),
        Axis::linear((0.0, y1), Fmt::Count, "requests"),
        Some(Axis::linear((0.0, 100.0), Fmt::Count, "KV in use (%)").colored(t.kv_cache)),
    )?;
    fn steps(xs: &[f64], ys: &[f64], k: f64) -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(xs.len() * 2);
        for i in 0..xs.len() {
            if i > 0 {
                out.push((xs[i], ys[i - 1] * k));
            }
            out.push((xs[i], ys[i] * k));
        }
        out
    }
    p.line(
        &steps(&d.t, &d.kv_share, 100.0),
        true,
        t.kv_cache,
        thin(fs),
        Some((0.6 * fs, 0.4 * fs)),
        true,
    )?;
    p.line(
        &steps(&d.t, &d.queue, 1.0),
        false,
        t.capacity,
        thin(fs),
        None,
        true,
    )?;
    p.line(
        &steps(&d.t, &d.running, 1.0),
        false,
        t.throughput,
        thick(fs),
        None,
        true,
    )?;
    if d.t.is_empty() {
        p.note("no steps ran")?;
    }
    root.present()?;
    Ok(())
}

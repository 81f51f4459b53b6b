//! `why-decode`: the seed's "why decode is slow": the time one decode step spends reading
//! memory against the time its math takes, on a log axis.

use crate::common::{log_range, text_width, workload, Axis, Fmt, Rect, LABEL};
use crate::{ChartData, ChartResult, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use ridgepoint::units::Unit;
use ridgepoint::Estimate;

/// One decode step's memory time and compute time at 100% of peak.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeTimeData {
    /// Seconds to move the step's bytes (weights and KV cache) at peak bandwidth.
    pub memory_time: f64,
    /// Seconds for the step's FLOPs at peak compute.
    pub compute_time: f64,
    /// Bytes read and written per GPU.
    pub bytes: f64,
    /// FLOPs per GPU.
    pub flops: f64,
    /// Peak bytes/s and FLOP/s.
    pub bandwidth: f64,
    pub peak: f64,
    pub batch: f64,
}

impl DecodeTimeData {
    pub fn from_estimate(e: &Estimate) -> DecodeTimeData {
        DecodeTimeData {
            memory_time: e.decode.memory_time.get(),
            compute_time: e.decode.compute_time.get(),
            bytes: e.decode.bytes.get(),
            flops: e.decode.flops.get(),
            bandwidth: e.bandwidth.get(),
            peak: e.peak.get(),
            batch: workload(e).0,
        }
    }

    /// "memory reads take 153× longer than the math" (or the other way round).
    pub fn headline(&self) -> String {
        let r = self.memory_time / self.compute_time;
        if !r.is_finite() || r <= 0.0 {
            "memory reads against the math".into()
        } else if r >= 1.0 {
            format!("memory reads take {}× longer than the math", ratio(r))
        } else {
            format!(
                "the math takes {}× longer than the memory reads",
                ratio(1.0 / r)
            )
        }
    }
}

fn ratio(r: f64) -> String {
    if r >= 10.0 {
        Unit::Count.format(r)
    } else {
        format!("{:.1}", r)
    }
}

fn s(v: f64) -> String {
    crate::common::secs(v)
}

impl ChartData for DecodeTimeData {
    const ID: &'static str = "why-decode";

    fn table(&self) -> Table {
        let data = crate::Data::new(&[
            "batch",
            "read_bytes",
            "bandwidth_bytes_per_s",
            "read_time_s",
            "compute_flop",
            "peak_flop_per_s",
            "compute_time_s",
        ])
        .row(vec![
            self.batch.into(),
            self.bytes.into(),
            self.bandwidth.into(),
            self.memory_time.into(),
            self.flops.into(),
            self.peak.into(),
            self.compute_time.into(),
        ]);
        Table {
            data,
            caption: format!(
                "One decode step at batch {} at 100% of peak: {}",
                Unit::Count.format(self.batch),
                self.headline()
            ),
            headers: vec!["work".into(), "amount".into(), "rate".into(), "time".into()],
            rows: vec![
                vec![
                    "read weights and KV cache".into(),
                    Unit::Bytes.format(self.bytes),
                    Unit::BytesPerSec.format(self.bandwidth),
                    s(self.memory_time),
                ],
                vec![
                    "compute".into(),
                    Unit::Flops.format(self.flops),
                    Unit::FlopsPerSec.format(self.peak),
                    s(self.compute_time),
                ],
            ],
        }
    }

    fn describe(&self) -> String {
        // Past the ridge the math is the longer part: the step is no longer slow for its reads.
        let (why, but) = if self.memory_time >= self.compute_time {
            ("Why decode is slow: one", "but")
        } else {
            ("One", "and")
        };
        format!(
            "{why} decode step at batch {} reads {} in {} at {} {but} computes {} in {} at {}: {}.",
            Unit::Count.format(self.batch),
            Unit::Bytes.format(self.bytes),
            s(self.memory_time),
            Unit::BytesPerSec.format(self.bandwidth),
            Unit::Flops.format(self.flops),
            s(self.compute_time),
            Unit::FlopsPerSec.format(self.peak),
            self.headline()
        )
    }
}

/// Draws two horizontal bars on a log time axis: reading the step's bytes and doing its math,
/// each with its time, and the ratio as the headline.
pub fn decode_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &DecodeTimeData,
    t: &Theme,
) -> ChartResult<DB> {
    let (x0, x1) = log_range([d.memory_time * 1.5, d.compute_time / 1.5]);
    let compact = crate::common::narrow(root, t.font_size);
    let p = crate::common::Plot::new(
        root,
        t,
        &[],
        Axis::log(
            (x0, x1),
            Fmt::Seconds,
            if compact {
                "time per decode step"
            } else {
                "time for one decode step (log scale)"
            },
        ),
        Axis {
            title: " ".into(),
            ..Axis::hidden((0.0, 1.0))
        },
        None,
    )?;
    let (fs, m, r) = (p.fs, p.m, p.rect);
    // Headline in the title row, wrapped in two lines when narrow.
    let head = d.headline();
    let size = fs * 1.0;
    if text_width(&head, size) <= p.w - m || !head.contains(" than ") {
        p.bold(
            &head,
            m * 0.5,
            m + 0.7 * fs,
            1.0,
            t.text,
            HPos::Left,
            VPos::Center,
        )?;
    } else {
        let (a, b) = head.split_once(" longer ").unwrap_or((&head, ""));
        p.bold(
            a,
            m * 0.5,
            m + 0.35 * fs,
            1.0,
            t.text,
            HPos::Left,
            VPos::Center,
        )?;
        p.bold(
            &format!("longer {b}"),
            m * 0.5,
            m + 1.45 * fs,
            1.0,
            t.text,
            HPos::Left,
            VPos::Center,
        )?;
    }
    let bytes = Unit::Bytes.format(d.bytes);
    let flops = Unit::Flops.format(d.flops);
    let bars = [
        (
            if compact {
                format!("read {bytes} at {}", Unit::BytesPerSec.format(d.bandwidth))
            } else {
                format!(
                    "read {bytes} of weights and KV cache at {}",
                    Unit::BytesPerSec.format(d.bandwidth)
                )
            },
            d.memory_time,
            t.memory_roof,
        ),
        (
            format!("compute {flops} at {}", Unit::FlopsPerSec.format(d.peak)),
            d.compute_time,
            t.compute_roof,
        ),
    ];
    // Two rows (label over bar) centred in the plot.
    let bar_h = crate::common::clampf(r.h() * 0.2, 1.4 * fs, 3.0 * fs);
    let row = 1.4 * fs + bar_h;
    let gap = 1.6 * fs;
    let top = r.y0 + ((r.h() - 2.0 * row - gap) / 2.0).max(0.0);
    let mut ends = Vec::new();
    for (i, (label, v, color)) in bars.iter().enumerate() {
        let y = top + (row + gap) * i as f64;
        p.text(
            label,
            r.x0 + 0.1 * fs,
            y + 0.6 * fs,
            LABEL,
            t.text,
            HPos::Left,
            VPos::Center,
        )?;
        let (y0, y1) = (y + 1.4 * fs, y + 1.4 * fs + bar_h);
        let end = p.x.px(crate::common::clampf(*v, x0, x1)).max(r.x0 + 2.0);
        p.rect(Rect::new(r.x0, y0, end, y1), color.to_rgba(), true, 1.0)?;
        let value = s(*v);
        let vw = text_width(&value, fs * LABEL);
        let (vx, hp, col, after) = if end + 0.4 * fs + vw <= r.x1 {
            (end + 0.4 * fs, HPos::Left, t.text, end + 0.8 * fs + vw)
        } else {
            (
                end - 0.4 * fs,
                HPos::Right,
                crate::common::ink_on(*color),
                end,
            )
        };
        p.bold(&value, vx, (y0 + y1) / 2.0, LABEL, col, hp, VPos::Center)?;
        ends.push((end, after, y0, y1));
    }
    // The gap between the two ends, measured: a dotted run from the shorter bar's value to
    // the longer bar's end, with the ratio over it.
    if let [(e0, _, _, m_y1), (e1, after1, c_y0, c_y1)] = ends[..] {
        let (short_after, long_end, y) = if e0 >= e1 {
            (after1, e0, (c_y0 + c_y1) / 2.0)
        } else {
            (ends[0].1, e1, (ends[0].2 + ends[0].3) / 2.0)
        };
        let r_text = format!(
            "{}×",
            ratio((d.memory_time / d.compute_time).max(d.compute_time / d.memory_time))
        );
        let rw = text_width(&r_text, fs * LABEL);
        if long_end - short_after > rw + 1.5 * fs && d.memory_time > 0.0 && d.compute_time > 0.0 {
            let dots = Some((0.15 * fs, 0.3 * fs));
            p.path(&[(short_after, y), (long_end, y)], t.muted, 1.0, dots)?;
            let (gy0, gy1) = if e0 >= e1 { (m_y1, y) } else { (y, c_y0) };
            p.path(&[(long_end, gy0), (long_end, gy1)], t.muted, 1.0, dots)?;
            p.text(
                &r_text,
                (short_after + long_end) / 2.0,
                y - 0.7 * fs,
                LABEL,
                t.muted,
                HPos::Center,
                VPos::Center,
            )?;
        }
    }
    root.present()?;
    Ok(())
}

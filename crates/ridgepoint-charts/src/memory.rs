//! `memory`: one stacked bar of memory per GPU against the GPU's capacity.

use crate::common::{ink_on, lin_range, thick, Axis, Fmt, Key, Rect, Swatch, LABEL};
use crate::{ChartData, ChartResult, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use ridgepoint::units::Unit;
use ridgepoint::Estimate;

/// Memory per GPU, bytes (the engine's [`ridgepoint::Memory`]).
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryData {
    pub weights: f64,
    pub kv_cache: f64,
    pub activations: f64,
    pub overhead: f64,
    pub total: f64,
    pub capacity: f64,
    pub fits: bool,
}

impl MemoryData {
    pub fn from_estimate(e: &Estimate) -> MemoryData {
        let m = &e.memory;
        MemoryData {
            weights: m.weights.get(),
            kv_cache: m.kv_cache.get(),
            activations: m.activations.get(),
            overhead: m.overhead.get(),
            total: m.total.get(),
            capacity: m.capacity.get(),
            fits: m.fits,
        }
    }

    fn segments(&self) -> [(&'static str, f64); 4] {
        [
            ("weights", self.weights),
            ("KV cache", self.kv_cache),
            ("activations", self.activations),
            ("overhead", self.overhead),
        ]
    }

    /// "fits (64.7 GB free)" or "does not fit (59.5 GB over)".
    pub fn verdict(&self) -> String {
        if self.fits {
            format!("fits ({} free)", b(self.capacity - self.total))
        } else {
            format!("does not fit ({} over)", b(self.total - self.capacity))
        }
    }
}

fn b(v: f64) -> String {
    Unit::Bytes.format(v)
}

impl ChartData for MemoryData {
    const ID: &'static str = "memory";

    fn table(&self) -> Table {
        let mut rows: Vec<Vec<String>> = self
            .segments()
            .iter()
            .map(|(n, v)| {
                vec![
                    n.to_string(),
                    b(*v),
                    Unit::Percent.format(v / self.capacity),
                ]
            })
            .collect();
        rows.push(vec![
            "total".into(),
            b(self.total),
            Unit::Percent.format(self.total / self.capacity),
        ]);
        rows.push(vec!["capacity".into(), b(self.capacity), "100%".into()]);
        let data = crate::Data::new(&["component", "memory_bytes", "share_of_capacity"])
            .rows(
                self.segments()
                    .iter()
                    .map(|(n, v)| vec![(*n).into(), (*v).into(), (v / self.capacity).into()]),
            )
            .row(vec![
                "total".into(),
                self.total.into(),
                (self.total / self.capacity).into(),
            ])
            .row(vec!["capacity".into(), self.capacity.into(), 1.0.into()]);
        Table {
            data,
            caption: format!(
                "Memory per GPU: {} of {}; {}",
                b(self.total),
                b(self.capacity),
                self.verdict()
            ),
            headers: vec![
                "component".into(),
                "memory per GPU".into(),
                "share of capacity".into(),
            ],
            rows,
        }
    }

    fn describe(&self) -> String {
        format!(
            "Memory per GPU: weights {}, KV cache {}, activations {}, overhead {}; total {} of {} \
             capacity: {}.",
            b(self.weights),
            b(self.kv_cache),
            b(self.activations),
            b(self.overhead),
            b(self.total),
            b(self.capacity),
            self.verdict()
        )
    }
}

/// Draws the stacked bar (weights, KV cache, activations, overhead), the capacity line and
/// the verdict. A total far past capacity is cut at three times the capacity and marked.
pub fn memory<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &MemoryData,
    t: &Theme,
) -> ChartResult<DB> {
    let colors = [t.weights, t.kv_cache, t.activations, t.overhead];
    let cap = if d.capacity.is_finite() && d.capacity > 0.0 {
        d.capacity
    } else {
        1.0
    };
    let total = if d.total.is_finite() {
        d.total.max(0.0)
    } else {
        f64::MAX
    };
    let cut = total > 3.0 * cap;
    let shown_max = if cut { 3.0 * cap } else { total.max(cap) };
    let (_, hi) = lin_range([shown_max * 1.04]);

    let keys: Vec<Key> = d
        .segments()
        .iter()
        .zip(colors)
        .map(|((n, v), c)| Key::new(Swatch::Block(c), format!("{n} {}", b(*v))))
        .collect();
    let mut p = crate::common::Plot::new(
        root,
        t,
        &keys,
        Axis::linear((0.0, hi), Fmt::Bytes, "memory per GPU"),
        Axis::hidden((0.0, 1.0)),
        None,
    )?;
    let fs = p.fs;
    let r = p.rect;
    let (_, lh) = p.label_size("0", LABEL);
    // One group centred in the plot: verdict, capacity label, the bar, the total.
    let bar_h = crate::common::clampf(r.h() * 0.25, 1.8 * fs, 4.5 * fs);
    let group = 1.8 * fs + lh + 0.3 * fs + bar_h + 0.3 * fs + lh;
    let top = r.y0 + ((r.h() - group) / 2.0).max(0.0);
    let verdict_y = top + 0.9 * fs;
    let by0 = top + 1.8 * fs + lh + 0.3 * fs;
    let by1 = by0 + bar_h;
    let cy = (by0 + by1) / 2.0;

    // Beyond capacity: a faint band. Up to capacity: the empty track the bar fills.
    let cx = p.x.px(cap);
    if cx < r.x1 {
        p.rect(
            Rect::new(cx, r.y0, r.x1, r.y1),
            t.capacity.mix(0.06),
            true,
            1.0,
        )?;
    }
    p.rect(
        Rect::new(r.x0, by0, cx.min(r.x1), by1),
        t.grid.to_rgba(),
        true,
        1.0,
    )?;
    // Segments.
    let mut start = 0.0f64;
    let mut boxes = Vec::new();
    for ((_, v), c) in d.segments().iter().zip(colors) {
        let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
        let (a, e) = (p.x.px(start.min(hi)), p.x.px((start + v).min(hi)));
        if e > a {
            p.rect(Rect::new(a, by0, e, by1), c.to_rgba(), true, 1.0)?;
        }
        boxes.push((a, e, v));
        start += v;
    }
    let bar_end = p.x.px(total.min(hi));
    p.reserve(Rect::new(r.x0, by0, bar_end.max(cx), by1));
    // Values inside segments wide enough to hold them.
    for ((a, e, v), c) in boxes.iter().zip(colors) {
        let text = b(*v);
        let (w, _) = p.label_size(&text, LABEL);
        if e - a >= w + 0.3 * fs {
            p.text(
                &text,
                (a + e) / 2.0,
                cy,
                LABEL,
                ink_on(c),
                HPos::Center,
                VPos::Center,
            )?;
        }
    }
    // Free memory, written in the empty part of the track when it fits.
    if d.fits {
        let text = format!("{} free", b(cap - total));
        let (w, _) = p.label_size(&text, LABEL);
        if cx - bar_end >= w + 0.6 * fs {
            p.text(
                &text,
                (bar_end + cx) / 2.0,
                cy,
                LABEL,
                t.muted,
                HPos::Center,
                VPos::Center,
            )?;
        }
    }
    if cut {
        // A break mark at the cut: two slanted strokes across the bar.
        let x = r.x1 - 0.9 * fs;
        for dx in [0.0, 0.45 * fs] {
            p.path(
                &[
                    (x + dx - 0.3 * fs, by1 + 0.3 * fs),
                    (x + dx + 0.3 * fs, by0 - 0.3 * fs),
                ],
                t.background,
                0.25 * fs,
                None,
            )?;
        }
    }
    // Capacity line through the bar, named above it.
    let lw = thick(fs);
    p.path(
        &[(cx, by0 - 0.3 * fs - lh), (cx, r.y1)],
        t.capacity,
        lw,
        None,
    )?;
    p.reserve(Rect::new(cx - lw, by0 - 0.3 * fs - lh, cx + lw, r.y1));
    let cap_text = format!("{} capacity", b(cap));
    let (w, h) = p.label_size(&cap_text, LABEL);
    let above = by0 - 0.3 * fs - h;
    let cands = [
        Rect::new(cx - w - 0.3 * fs, above, cx - 0.3 * fs, above + h),
        Rect::new(cx + 0.3 * fs, above, cx + 0.3 * fs + w, above + h),
    ];
    p.c.label(&cap_text, LABEL, t.capacity, &cands, r, true)?;
    // Total under the bar's end (or at the cut).
    let total_text = if cut {
        format!(
            "total {} ({}× capacity) →",
            b(total),
            Unit::Count.format(total / cap)
        )
    } else {
        format!("total {}", b(total))
    };
    let (w, h) = p.label_size(&total_text, LABEL);
    let below = by1 + 0.3 * fs;
    let cands = [
        Rect::new(bar_end - w, below, bar_end, below + h),
        Rect::new(bar_end - w / 2.0, below, bar_end + w / 2.0, below + h),
        Rect::new(r.x0, below, r.x0 + w, below + h),
        Rect::new(r.x1 - w, below, r.x1, below + h),
        Rect::new(r.x1 - w, below + h, r.x1, below + 2.0 * h),
    ];
    p.c.label(&total_text, LABEL, t.text, &cands, r, true)?;
    // The verdict, prominent, above the bar.
    let verdict = if d.fits {
        format!("✓ {}", d.verdict())
    } else {
        format!("✗ {}", d.verdict())
    };
    p.bold(
        &verdict,
        r.x0 + 0.1 * fs,
        verdict_y,
        1.05,
        t.text,
        HPos::Left,
        VPos::Center,
    )?;
    root.present()?;
    Ok(())
}

//! `kv-crossover` and `kv-context`: memory per GPU as the batch, or the context, grows.

use crate::common::pinned_key;
use crate::common::{
    blend, extent, log_range, thick, thin, workload, Axis, Fmt, Key, Marker, Place, Plot, Rect,
    Swatch,
};
use crate::{ChartData, ChartResult, Pinned, Table, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use ridgepoint::series::Series;
use ridgepoint::units::Unit;
use ridgepoint::Estimate;

/// Memory per GPU against batch size at the scenario's context.
#[derive(Clone, Debug, PartialEq)]
pub struct KvCrossoverData {
    /// Batch sizes swept.
    pub batch: Vec<f64>,
    /// KV cache and total memory per GPU at each batch, bytes.
    pub kv_cache: Vec<f64>,
    pub total: Vec<f64>,
    /// Weights per GPU, bytes.
    pub weights: f64,
    /// GPU memory, bytes.
    pub capacity: f64,
    /// Smallest batch whose KV cache outweighs the weights.
    pub crossover: Option<u32>,
    /// Largest batch that fits (0: not even one); memory runs out at `max_batch + 1`.
    pub max_batch: u32,
    /// The scenario's batch, and its KV cache and total, bytes.
    pub current_batch: f64,
    pub current_kv: f64,
    pub current_total: f64,
    /// Tokens per sequence (prompt + output).
    pub context: f64,
    /// A pinned scenario's total line and point (compare mode).
    pub pinned: Option<Pinned>,
}

impl KvCrossoverData {
    pub fn from_series(s: &Series, e: &Estimate) -> KvCrossoverData {
        let (batch, _, context) = workload(e);
        KvCrossoverData {
            batch: s.batch.iter().map(|p| p.batch).collect(),
            kv_cache: s.batch.iter().map(|p| p.kv_cache).collect(),
            total: s.batch.iter().map(|p| p.total).collect(),
            weights: s.weights,
            capacity: s.capacity,
            crossover: e.kv_crossover_batch,
            max_batch: e.max_batch,
            current_batch: batch,
            current_kv: e.memory.kv_cache.get(),
            current_total: e.memory.total.get(),
            context,
            pinned: None,
        }
    }
}

/// Memory per GPU against context length at the scenario's batch.
#[derive(Clone, Debug, PartialEq)]
pub struct KvContextData {
    /// Contexts swept (tokens per sequence).
    pub context: Vec<f64>,
    pub kv_cache: Vec<f64>,
    pub total: Vec<f64>,
    pub weights: f64,
    pub capacity: f64,
    /// Longest context that fits at this batch (0: none); memory runs out past it.
    pub max_context: u64,
    /// The model's context window (tokens; 0 not known): no sequence runs past it.
    pub window: f64,
    pub batch: f64,
    /// The scenario's context (prompt + output), and its KV cache and total, bytes.
    pub current_context: f64,
    pub current_kv: f64,
    pub current_total: f64,
    /// A pinned scenario's total line and point (compare mode).
    pub pinned: Option<Pinned>,
}

impl KvContextData {
    pub fn from_series(s: &Series, e: &Estimate) -> KvContextData {
        let (batch, _, context) = workload(e);
        KvContextData {
            context: s.context.iter().map(|p| p.context).collect(),
            kv_cache: s.context.iter().map(|p| p.kv_cache).collect(),
            total: s.context.iter().map(|p| p.total).collect(),
            weights: s.weights,
            capacity: s.capacity,
            max_context: e.max_context,
            window: e.context_window as f64,
            batch,
            current_context: context,
            current_kv: e.memory.kv_cache.get(),
            current_total: e.memory.total.get(),
            pinned: None,
        }
    }
}

fn b(v: f64) -> String {
    Unit::Bytes.format(v)
}
fn n(v: f64) -> String {
    Unit::Count.format(v)
}

/// "1.05M" style token counts for tight labels.
fn tokens(v: f64) -> String {
    crate::common::compact(v)
}

fn fits(total: f64, cap: f64) -> &'static str {
    if total <= cap {
        "yes"
    } else {
        "no"
    }
}

impl ChartData for KvCrossoverData {
    const ID: &'static str = "kv-crossover";
    crate::pinned_methods!(|d| Pinned {
        lines: vec![(zip(&d.batch, &d.total), false)],
        points: vec![(d.current_batch, d.current_total, false)],
        ridge: None,
    });

    fn table(&self) -> Table {
        let mut caption = format!(
            "Memory per GPU against batch size at {} tokens per sequence (weights {}, capacity {})",
            n(self.context),
            b(self.weights),
            b(self.capacity)
        );
        if let Some(x) = self.crossover {
            caption += &format!("; KV cache overtakes weights at batch {x}");
        }
        caption += &if self.max_batch == 0 {
            "; does not fit even at batch 1".to_string()
        } else {
            format!("; out of memory from batch {}", self.max_batch as u64 + 1)
        };
        let data = crate::Data::new(&[
            "batch",
            "weights_bytes",
            "kv_cache_bytes",
            "total_bytes",
            "capacity_bytes",
            "fits",
        ])
        .rows(self.batch.iter().zip(&self.kv_cache).zip(&self.total).map(
            |((x, kv), tot)| {
                vec![
                    (*x).into(),
                    self.weights.into(),
                    (*kv).into(),
                    (*tot).into(),
                    self.capacity.into(),
                    (*tot <= self.capacity).into(),
                ]
            },
        ));
        Table {
            data,
            caption,
            headers: vec![
                "batch".into(),
                "weights".into(),
                "KV cache".into(),
                "total".into(),
                "fits".into(),
            ],
            rows: self
                .batch
                .iter()
                .zip(&self.kv_cache)
                .zip(&self.total)
                .map(|((x, kv), tot)| {
                    vec![
                        n(*x),
                        b(self.weights),
                        b(*kv),
                        b(*tot),
                        fits(*tot, self.capacity).into(),
                    ]
                })
                .collect(),
        }
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "Memory per GPU against batch size at {} tokens per sequence: weights stay at {} \
             while the KV cache grows with the batch",
            n(self.context),
            b(self.weights)
        );
        if let Some(x) = self.crossover {
            s += &format!("; the KV cache overtakes the weights at batch {x}");
        }
        s += &if self.max_batch == 0 {
            format!("; it does not fit in {} even at batch 1", b(self.capacity))
        } else {
            format!(
                "; memory runs out at batch {} ({} capacity)",
                self.max_batch as u64 + 1,
                b(self.capacity)
            )
        };
        s + "."
    }
}

impl ChartData for KvContextData {
    const ID: &'static str = "kv-context";
    crate::pinned_methods!(|d| Pinned {
        lines: vec![(zip(&d.context, &d.total), false)],
        points: vec![(d.current_context, d.current_total, false)],
        ridge: None,
    });

    fn table(&self) -> Table {
        let mut caption = format!(
            "Memory per GPU against context length at batch {} (weights {}, capacity {})",
            n(self.batch),
            b(self.weights),
            b(self.capacity)
        );
        caption += &if self.max_context == 0 {
            "; does not fit at any context".to_string()
        } else {
            format!("; fits up to {} tokens", n(self.max_context as f64))
        };
        let data = crate::Data::new(&[
            "context_tokens",
            "weights_bytes",
            "kv_cache_bytes",
            "total_bytes",
            "capacity_bytes",
            "fits",
        ])
        .rows(
            self.context
                .iter()
                .zip(&self.kv_cache)
                .zip(&self.total)
                .map(|((x, kv), tot)| {
                    vec![
                        (*x).into(),
                        self.weights.into(),
                        (*kv).into(),
                        (*tot).into(),
                        self.capacity.into(),
                        (*tot <= self.capacity).into(),
                    ]
                }),
        );
        Table {
            data,
            caption,
            headers: vec![
                "context (tokens)".into(),
                "weights".into(),
                "KV cache".into(),
                "total".into(),
                "fits".into(),
            ],
            rows: self
                .context
                .iter()
                .zip(&self.kv_cache)
                .zip(&self.total)
                .map(|((x, kv), tot)| {
                    vec![
                        n(*x),
                        b(self.weights),
                        b(*kv),
                        b(*tot),
                        fits(*tot, self.capacity).into(),
                    ]
                })
                .collect(),
        }
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "Memory per GPU against context length at batch {}: weights {}, KV cache {} and \
             total {} at {} tokens",
            n(self.batch),
            b(self.weights),
            b(self.current_kv),
            b(self.current_total),
            n(self.current_context)
        );
        s += &if self.max_context == 0 {
            format!("; it does not fit in {} at any context", b(self.capacity))
        } else {
            format!(
                "; the {} capacity holds up to {} tokens per sequence",
                b(self.capacity),
                n(self.max_context as f64)
            )
        };
        s + "."
    }
}

fn zip(xs: &[f64], ys: &[f64]) -> Vec<(f64, f64)> {
    xs.iter().copied().zip(ys.iter().copied()).collect()
}

fn memory_keys(t: &Theme, pinned: &Option<Pinned>) -> Vec<Key> {
    let lw = thick(t.font_size);
    let mut keys = vec![
        Key::new(
            Swatch::Line {
                color: t.weights,
                width: lw,
                dashed: false,
            },
            "weights",
        ),
        Key::new(
            Swatch::Line {
                color: t.kv_cache,
                width: lw,
                dashed: false,
            },
            "KV cache",
        ),
        Key::new(
            Swatch::Line {
                color: t.text,
                width: thin(t.font_size),
                dashed: false,
            },
            "total",
        ),
        Key::new(
            Swatch::Line {
                color: t.capacity,
                width: lw,
                dashed: true,
            },
            "capacity",
        ),
    ];
    keys.extend(pinned_key(t, pinned));
    keys
}

/// Common body: the out-of-memory band from pixel `oom_px`, the four lines, the capacity label.
#[allow(clippy::too_many_arguments)]
fn memory_lines<DB: DrawingBackend>(
    p: &mut Plot<'_, DB>,
    t: &Theme,
    xs: &[f64],
    kv: &[f64],
    total: &[f64],
    weights: f64,
    capacity: f64,
) -> ChartResult<DB> {
    let fs = p.fs;
    let (lw, tw) = (thick(fs), thin(fs));
    let (x0, x1) = (p.x.lo, p.x.hi);
    let cap_dash = Some((0.7 * fs, 0.35 * fs));
    p.line(
        &[(x0, capacity), (x1, capacity)],
        false,
        t.capacity,
        lw,
        cap_dash,
        true,
    )?;
    p.line(
        &[(x0, weights), (x1, weights)],
        false,
        t.weights,
        lw,
        None,
        true,
    )?;
    let kv_pts: Vec<(f64, f64)> = xs.iter().copied().zip(kv.iter().copied()).collect();
    let tot_pts: Vec<(f64, f64)> = xs.iter().copied().zip(total.iter().copied()).collect();
    p.line(&kv_pts, false, t.kv_cache, lw, None, true)?;
    p.line(&tot_pts, false, t.text, tw, None, true)?;
    let py = p.y.px(capacity);
    p.hline_label(py, &format!("{} capacity", b(capacity)), t.capacity)?;
    Ok(())
}

/// Shades the plot right of pixel `px` (memory runs out there).
pub(crate) fn oom_band<DB: DrawingBackend>(
    p: &mut Plot<'_, DB>,
    t: &Theme,
    px: f64,
) -> ChartResult<DB> {
    let r = p.rect;
    let x = crate::common::clampf(px, r.x0, r.x1);
    if x < r.x1 {
        p.rect(
            Rect::new(x, r.y0, r.x1, r.y1),
            t.capacity.mix(0.07),
            true,
            1.0,
        )?;
    }
    Ok(())
}

/// Draws memory per GPU against batch (log-log): weights, KV cache, total and capacity, with
/// the KV = weights crossover, the out-of-memory batch and the current batch marked.
pub fn kv_crossover<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &KvCrossoverData,
    t: &Theme,
) -> ChartResult<DB> {
    let oom = d.max_batch as f64 + 1.0;
    let (x0, x1) = extent(
        d.batch
            .iter()
            .copied()
            .chain([d.current_batch, 1.0])
            .chain(Pinned::xs(&d.pinned)),
    );
    let (y0, y1) = log_range(
        d.kv_cache
            .iter()
            .chain(&d.total)
            .copied()
            .chain([d.weights, d.capacity, d.current_kv])
            .chain(Pinned::ys(&d.pinned, false)),
    );
    let compact = crate::common::narrow(root, t.font_size);
    let x_title = if compact {
        format!("batch ({} tokens each)", tokens(d.context))
    } else {
        format!("batch size (sequences of {} tokens)", n(d.context))
    };
    let mut p = Plot::new(
        root,
        t,
        &memory_keys(t, &d.pinned),
        Axis::log((x0, x1), Fmt::Count, x_title),
        Axis::log((y0, y1), Fmt::Bytes, "memory per GPU"),
        None,
    )?;
    let fs = p.fs;
    p.pinned(&d.pinned)?;
    if oom <= x1 {
        let px = p.x.px(oom.max(x0));
        oom_band(&mut p, t, px)?;
    }
    memory_lines(
        &mut p,
        t,
        &d.batch,
        &d.kv_cache,
        &d.total,
        d.weights,
        d.capacity,
    )?;
    let tw = thin(fs);
    // Crossover and out of memory: vertical markers with labels at the top.
    if let Some(x) = d.crossover.map(f64::from) {
        if let Some(px) = p.vline(x, t.kv_cache, tw, Some((0.4 * fs, 0.3 * fs)))? {
            let text = if compact {
                format!("KV = weights: {x}")
            } else {
                format!("KV = weights at batch {x}")
            };
            p.vline_label(px, &text, blend(t.kv_cache, t.text, 0.45), true)?;
        }
    }
    if d.max_batch == 0 {
        p.note(&format!(
            "does not fit even at batch 1 ({} capacity)",
            b(d.capacity)
        ))?;
    } else if let Some(px) = p.vline(oom, t.capacity, tw, None)? {
        let text = if compact {
            format!("out of memory: {}", n(oom))
        } else {
            format!("out of memory at batch {}", n(oom))
        };
        p.vline_label(px, &text, t.text, true)?;
    } else if oom > x1 {
        p.note(&format!("fits up to batch {}", n(d.max_batch as f64)))?;
    }
    // The current batch on the KV and total lines.
    let r = 0.42 * fs;
    p.point(
        Marker::Circle,
        d.current_batch,
        d.current_kv,
        false,
        r,
        t.kv_cache,
        true,
    )?;
    if let Some(at) = p.point(
        Marker::Circle,
        d.current_batch,
        d.current_total,
        false,
        r,
        t.text,
        true,
    )? {
        let text = format!("batch {}: {}", n(d.current_batch), b(d.current_total));
        p.label_near(
            &text,
            t.text,
            at,
            r + 0.25 * fs,
            &[
                Place::SE,
                Place::NE,
                Place::E,
                Place::SW,
                Place::NW,
                Place::S,
                Place::N,
            ],
            true,
        )?;
    }
    root.present()?;
    Ok(())
}

/// Draws memory per GPU against context length (log-log) at the scenario's batch: weights,
/// KV cache, total and capacity, the longest context that fits and the current context.
pub fn kv_context<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &KvContextData,
    t: &Theme,
) -> ChartResult<DB> {
    let oom = d.max_context as f64 + 1.0;
    let (x0, x1) = extent(
        d.context
            .iter()
            .copied()
            .chain([d.current_context])
            .chain(Pinned::xs(&d.pinned)),
    );
    let (y0, y1) = log_range(
        d.kv_cache
            .iter()
            .chain(&d.total)
            .copied()
            .chain([d.weights, d.capacity, d.current_kv])
            .chain(Pinned::ys(&d.pinned, false)),
    );
    let compact = crate::common::narrow(root, t.font_size);
    let x_title = if compact {
        format!("context (tokens), batch {}", n(d.batch))
    } else {
        format!("context per sequence (tokens), batch {}", n(d.batch))
    };
    let mut p = Plot::new(
        root,
        t,
        &memory_keys(t, &d.pinned),
        Axis::log((x0, x1), Fmt::Count, x_title),
        Axis::log((y0, y1), Fmt::Bytes, "memory per GPU"),
        None,
    )?;
    let fs = p.fs;
    p.pinned(&d.pinned)?;
    if d.max_context > 0 && oom <= x1 {
        let px = p.x.px(oom.max(x0));
        oom_band(&mut p, t, px)?;
    }
    // Past the model's context window no sequence runs, whatever memory allows.
    let window_shown = d.window > 0.0 && d.window < oom && d.window <= x1;
    if window_shown {
        let px = p.x.px(d.window.max(x0));
        oom_band(&mut p, t, px)?;
    }
    memory_lines(
        &mut p,
        t,
        &d.context,
        &d.kv_cache,
        &d.total,
        d.weights,
        d.capacity,
    )?;
    let tw = thin(fs);
    if window_shown {
        if let Some(px) = p.vline(d.window, t.ridge, tw, Some((0.4 * fs, 0.3 * fs)))? {
            let text = if compact {
                format!("window: {}", tokens(d.window))
            } else {
                format!("context window {} tokens", n(d.window))
            };
            p.vline_label(px, &text, t.text, true)?;
        }
    }
    if d.max_context == 0 {
        p.note(&format!(
            "does not fit at any context ({} capacity)",
            b(d.capacity)
        ))?;
    } else if let Some(px) = p.vline(oom, t.capacity, tw, None)? {
        let text = if compact {
            format!("out of memory: {}", tokens(oom))
        } else {
            format!("out of memory past {} tokens", tokens(d.max_context as f64))
        };
        p.vline_label(px, &text, t.text, true)?;
    } else if oom > x1 {
        p.note(&format!(
            "fits up to {} tokens",
            tokens(d.max_context as f64)
        ))?;
    } else if oom < x0 {
        p.note(&format!(
            "fits only up to {} tokens",
            n(d.max_context as f64)
        ))?;
    }
    let r = 0.42 * fs;
    p.point(
        Marker::Circle,
        d.current_context,
        d.current_kv,
        false,
        r,
        t.kv_cache,
        true,
    )?;
    if let Some(at) = p.point(
        Marker::Circle,
        d.current_context,
        d.current_total,
        false,
        r,
        t.text,
        true,
    )? {
        let text = format!(
            "{} tokens: {}",
            tokens(d.current_context),
            b(d.current_total)
        );
        p.label_near(
            &text,
            t.text,
            at,
            r + 0.25 * fs,
            &[
                Place::SE,
                Place::NE,
                Place::E,
                Place::SW,
                Place::NW,
                Place::S,
                Place::N,
            ],
            true,
        )?;
    }
    root.present()?;
    Ok(())
}

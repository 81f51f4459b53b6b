//! What would help: each optimization lever applied alone to a copy of the scenario,
//! re-estimated by [`evaluate`], and ranked by the reader's goal.
//!
//! The advisor has no formula of its own for any lever's effect: a lever is a change to the
//! [`Scenario`] (weights or KV format, batch, GPUs, a draft model), and its row is the engine's
//! estimate of the changed scenario beside the baseline's. Two levers are not scenario fields:
//! prefix caching is modelled as a shorter prompt for the prefill with the full context for
//! decode (and says so); chunked prefill and fused attention are already assumed by the
//! engine, and their rows say where.
//!
//! Input: [`AdviseInput`]; output: [`Advice`] (the baseline's figures and one [`Row`] per
//! lever, best first for the [`Goal`]). Bad input is a [`Problem`] naming the field.

use crate::catalog;
use crate::estimate::{evaluate, Bound, Estimate, KneeCause, Memory, Phase, Timing};
use crate::model::Model;
use crate::precision::Precision;
use crate::query::{Problem, Spec, BATCH_RANGE, GPUS_RANGE};
use crate::scenario::{
    Group, GroupFormats, Scenario, Speculative, PCIE_FALLBACK_BANDWIDTH, PREFILL_CHUNK_TOKENS,
};
use crate::units::{Bytes, Seconds, Unit};

/// What the reader wants most; it orders the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Shortest request latency (TTFT + (output − 1) × time per output token).
    Latency,
    /// Most output tokens per second, all GPUs together.
    Throughput,
    /// Least memory per GPU (then the largest batch that fits).
    Fit,
}

impl Goal {
    pub const ALL: [Goal; 3] = [Goal::Latency, Goal::Throughput, Goal::Fit];

    pub const fn id(self) -> &'static str {
        match self {
            Goal::Latency => "latency",
            Goal::Throughput => "throughput",
            Goal::Fit => "fit",
        }
    }

    pub fn from_id(s: &str) -> Option<Goal> {
        Goal::ALL
            .into_iter()
            .find(|g| g.id().eq_ignore_ascii_case(s.trim()))
    }
}

/// The draft model the speculative-decoding row uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub model: Model,
    /// Tokens drafted per step (k), 1–16 as links allow.
    pub tokens: u32,
    /// Per-token acceptance rate α in [0, 1].
    pub acceptance: f64,
}

/// The question: a scenario, a goal, and the what-if parameters of the levers that need one.
#[derive(Clone, Debug, PartialEq)]
pub struct AdviseInput {
    pub scenario: Scenario,
    pub goal: Goal,
    /// The draft for speculative decoding; `None`: the smallest catalog model of the same
    /// family and vocabulary ([`default_draft`]) with the page's default k and α.
    pub draft: Option<Draft>,
    /// Share of each prompt that is a prefix shared with earlier requests (prefix caching),
    /// in [0, 1). A what-if, not a measured figure: the reader sets it.
    pub prefix_share: f64,
}

impl AdviseInput {
    /// `scenario` and `goal` with the default draft and half of each prompt shared.
    pub fn new(scenario: Scenario, goal: Goal) -> AdviseInput {
        AdviseInput {
            scenario,
            goal,
            draft: None,
            prefix_share: DEFAULT_PREFIX_SHARE,
        }
    }
}

/// Prefix share assumed when the reader sets none: a what-if (half of each prompt is a shared
/// system prompt or document), shown in the row's sentence.
pub const DEFAULT_PREFIX_SHARE: f64 = 0.5;

/// Each lever the advisor tries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lever {
    WeightsFp8,
    WeightsInt8,
    WeightsInt4,
    WeightsFp4,
    KvFp8,
    Batch2,
    Batch4,
    BatchKnee,
    TensorParallel2,
    Pipeline2,
    Speculative,
    PrefixCaching,
    ChunkedPrefill,
    FusedAttention,
}

impl Lever {
    pub const ALL: [Lever; 14] = [
        Lever::WeightsFp8,
        Lever::WeightsInt8,
        Lever::WeightsInt4,
        Lever::WeightsFp4,
        Lever::KvFp8,
        Lever::Batch2,
        Lever::Batch4,
        Lever::BatchKnee,
        Lever::TensorParallel2,
        Lever::Pipeline2,
        Lever::Speculative,
        Lever::PrefixCaching,
        Lever::ChunkedPrefill,
        Lever::FusedAttention,
    ];

    /// Stable id (JSON, page anchors).
    pub const fn id(self) -> &'static str {
        match self {
            Lever::WeightsFp8 => "weights-fp8",
            Lever::WeightsInt8 => "weights-int8",
            Lever::WeightsInt4 => "weights-int4",
            Lever::WeightsFp4 => "weights-fp4",
            Lever::KvFp8 => "kv-fp8",
            Lever::Batch2 => "batch-x2",
            Lever::Batch4 => "batch-x4",
            Lever::BatchKnee => "batch-knee",
            Lever::TensorParallel2 => "tp-x2",
            Lever::Pipeline2 => "pp-x2",
            Lever::Speculative => "speculative",
            Lever::PrefixCaching => "prefix-caching",
            Lever::ChunkedPrefill => "chunked-prefill",
            Lever::FusedAttention => "fused-attention",
        }
    }

    const fn weights(self) -> Option<Precision> {
        match self {
            Lever::WeightsFp8 => Some(Precision::Fp8),
            Lever::WeightsInt8 => Some(Precision::Int8),
            Lever::WeightsInt4 => Some(Precision::Int4),
            Lever::WeightsFp4 => Some(Precision::Fp4),
            _ => None,
        }
    }
}

/// Whether a lever could be applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied and re-estimated: `after` and `change` are set.
    Applied,
    /// The engine already assumes it (or the scenario already has it): no change to show.
    AlreadyAssumed,
    /// It cannot be applied to this scenario; the sentence says why.
    CannotApply,
}

/// How fitting in memory changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FitChange {
    StillFits,
    StopsFitting,
    NowFits,
    StillDoesNotFit,
}

/// The figures a row compares: the calibrated timing (the scenario's efficiencies), memory per
/// GPU and the two phases.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub timing: Timing,
    pub memory: Memory,
    pub max_batch: u32,
    pub decode: Phase,
    pub prefill: Phase,
    pub compute_precision: Precision,
    pub gpus: u32,
}

impl Figures {
    /// The figures of an engine estimate.
    pub fn of(e: &Estimate, gpus: u32) -> Figures {
        Figures {
            timing: e.calibrated,
            memory: e.memory,
            max_batch: e.max_batch,
            decode: e.decode,
            prefill: e.prefill,
            compute_precision: e.compute_precision,
            gpus: gpus.max(1),
        }
    }

    /// Output tokens per second per GPU.
    pub fn throughput_per_gpu(&self) -> f64 {
        self.timing.throughput / self.gpus as f64
    }
}

/// After against before: ratios for times and throughput, a difference for memory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    /// TTFT after / before.
    pub ttft: f64,
    /// Time per output token after / before.
    pub tpot: f64,
    /// Request latency after / before.
    pub latency: f64,
    /// Throughput after / before (all GPUs).
    pub throughput: f64,
    /// Memory per GPU after − before.
    pub memory: Bytes,
    /// Largest batch that fits, before and after.
    pub max_batch: (u32, u32),
}

/// One lever: what it changes, the figures after, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub lever: Lever,
    /// What is changed, in words: "weights FP16 → FP8".
    pub label: String,
    pub outcome: Outcome,
    /// The scenario with the lever applied, when the lever is a scenario change.
    pub scenario: Option<Scenario>,
    /// Link keys ([`Spec::from_query`]) and values that apply the lever on the page.
    pub link: Vec<(&'static str, String)>,
    pub after: Option<Figures>,
    pub change: Option<Change>,
    pub fit: Option<FitChange>,
    /// Why, in the roofline's terms, built from the numbers; a fit change comes first.
    pub why: String,
}

impl Row {
    /// The bound of the decode after the lever, if applied.
    pub fn decode_bound(&self) -> Option<Bound> {
        self.after.as_ref().map(|a| a.decode.bound)
    }
}

/// The advisor's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    pub goal: Goal,
    pub baseline: Figures,
    /// One row per lever, best first for `goal`: levers that help and fit, then those that
    /// fit but do not help, then those that do not fit, then those already assumed, then those
    /// that cannot apply.
    pub rows: Vec<Row>,
}

/// The smallest catalog model that can draft for `target`: the same family (the id before its
/// first `-`) and vocabulary size (a draft must share the tokenizer), and fewer active
/// parameters.
pub fn default_draft(target: &Model) -> Option<Model> {
    let family = |id: &str| id.split('-').next().unwrap_or(id).to_ascii_lowercase();
    let fam = family(&target.id);
    let active = target.params().active;
    catalog::models()
        .into_iter()
        .filter(|m| {
            m.id != target.id
                && m.vocab == target.vocab
                && family(&m.id) == fam
                && m.params().active < active
        })
        .min_by(|a, b| a.params().active.total_cmp(&b.params().active))
}

fn problem(field: &'static str, message: String) -> Problem {
    Problem { field, message }
}

/// Checks the what-if parameters.
fn check(input: &AdviseInput) -> Result<(), Problem> {
    crate::config::check_model(&input.scenario.model)
        .map_err(|e| problem("scenario.model", format!("model: {e}")))?;
    crate::config::check_gpu(&input.scenario.gpu)
        .map_err(|e| problem("scenario.gpu", format!("GPU: {e}")))?;
    let f = input.prefix_share;
    if !(f.is_finite() && (0.0..1.0).contains(&f)) {
        return Err(problem(
            "prefix_share",
            format!("prefix_share {f} is not a share in [0, 1)"),
        ));
    }
    if let Some(d) = &input.draft {
        if !(1..=16).contains(&d.tokens) {
            return Err(problem(
                "draft.tokens",
                format!("draft tokens {} is out of range 1–16", d.tokens),
            ));
        }
        if !(d.acceptance.is_finite() && (0.0..=1.0).contains(&d.acceptance)) {
            return Err(problem(
                "draft.acceptance",
                format!("draft acceptance {} is not a rate in [0, 1]", d.acceptance),
            ));
        }
        crate::config::check_model(&d.model)
            .map_err(|e| problem("draft.model", format!("draft model: {e}")))?;
    }
    Ok(())
}

/// Every lever applied alone to `input.scenario`, ranked by `input.goal`.
pub fn advise(input: &AdviseInput) -> Result<Advice, Problem> {
    check(input)?;
    let s = &input.scenario;
    let base_e = evaluate(s);
    let base = Figures::of(&base_e, s.total_gpus());
    let mut rows: Vec<Row> = Lever::ALL
        .iter()
        .map(|&l| row(l, input, &base_e, &base))
        .collect();
    rank(&mut rows, input.goal);
    Ok(Advice {
        goal: input.goal,
        baseline: base,
        rows,
    })
}

fn ratio(after: f64, before: f64) -> f64 {
    if before > 0.0 && after.is_finite() {
        after / before
    } else {
        1.0
    }
}

fn change(base: &Figures, after: &Figures) -> Change {
    Change {
        ttft: ratio(after.timing.ttft.get(), base.timing.ttft.get()),
        tpot: ratio(after.timing.tpot.get(), base.timing.tpot.get()),
        latency: ratio(
            after.timing.request_latency.get(),
            base.timing.request_latency.get(),
        ),
        throughput: ratio(after.timing.throughput, base.timing.throughput),
        memory: Bytes(after.memory.total.get() - base.memory.total.get()),
        max_batch: (base.max_batch, after.max_batch),
    }
}

fn fit_change(base: &Figures, after: &Figures) -> FitChange {
    match (base.memory.fits, after.memory.fits) {
        (true, true) => FitChange::StillFits,
        (true, false) => FitChange::StopsFitting,
        (false, true) => FitChange::NowFits,
        (false, false) => FitChange::StillDoesNotFit,
    }
}

/// The goal's score of a row: lower is better, 1 is no change.
fn score(r: &Row, goal: Goal) -> f64 {
    let Some(c) = &r.change else {
        return 1.0;
    };
    match goal {
        Goal::Latency => c.latency,
        Goal::Throughput => 1.0 / c.throughput.max(1e-300),
        Goal::Fit => {
            let a = r
                .after
                .as_ref()
                .map(|a| a.memory.total.get())
                .unwrap_or(0.0);
            let b = a - c.memory.get();
            ratio(a, b)
        }
    }
}

/// Relative changes smaller than this count as none.
const SAME: f64 = 1e-3;

fn rank(rows: &mut [Row], goal: Goal) {
    let class = |r: &Row| -> u8 {
        match r.outcome {
            Outcome::CannotApply => 5,
            Outcome::AlreadyAssumed => 4,
            Outcome::Applied => {
                let fits = r.after.as_ref().is_some_and(|a| a.memory.fits);
                let helps = score(r, goal) < 1.0 - SAME;
                // Fit: less memory helps even while it still does not fit.
                match (fits || (goal == Goal::Fit && helps), helps) {
                    (true, true) => 0,
                    (true, false) => 1,
                    (false, _) => 2,
                }
            }
        }
    };
    rows.sort_by(|a, b| {
        class(a)
            .cmp(&class(b))
            .then(score(a, goal).total_cmp(&score(b, goal)))
            .then_with(|| {
                // Fit: more room for batches breaks ties.
                let mb = |r: &Row| r.after.as_ref().map_or(0, |a| a.max_batch);
                mb(b).cmp(&mb(a))
            })
    });
}

fn t(v: Seconds) -> String {
    Unit::Seconds.format(v.get())
}
fn by(v: f64) -> String {
    Unit::Bytes.format(v)
}
fn fl(v: f64) -> String {
    Unit::Flops.format(v)
}
fn tps(v: f64) -> String {
    Unit::TokensPerSec.format(v)
}
fn count(v: f64) -> String {
    Unit::Count.format(v)
}

/// "Stops fitting: …" and its kin; `None` while it fits before and after.
fn fit_sentence(base: &Figures, after: &Figures) -> Option<String> {
    let m = &after.memory;
    let need = format!("{} of {} per GPU", by(m.total.get()), by(m.capacity.get()));
    match fit_change(base, after) {
        FitChange::StillFits => None,
        FitChange::StopsFitting => Some(format!(
            "Stops fitting: needs {need} (largest batch that fits: {}), so it would not run.",
            after.max_batch
        )),
        FitChange::NowFits => Some(format!(
            "Now fits: {need} (was {}; largest batch that fits: {}).",
            by(base.memory.total.get()),
            after.max_batch
        )),
        FitChange::StillDoesNotFit => Some(format!(
            "Still does not fit: needs {need} (was {}), so the times below are for a setup that \
             would not run.",
            by(base.memory.total.get())
        )),
    }
}

/// Decode in the roofline's terms: bytes per output token when memory-bound, FLOPs per step
/// when compute-bound.
fn decode_sentence(base: &Figures, after: &Figures) -> String {
    let (b, a) = (&base.decode, &after.decode);
    let per = |p: &Phase| p.bytes.get() / p.tokens.max(1.0);
    let turned = if a.bound != b.bound {
        format!("; it turns {}", a.bound.label())
    } else {
        String::new()
    };
    let tpot = format!(
        "time per output token {} → {}",
        t(base.timing.tpot),
        t(after.timing.tpot)
    );
    let same = |x: f64, y: f64| (ratio(y, x) - 1.0).abs() < SAME;
    match b.bound {
        Bound::Memory if same(b.bytes.get(), a.bytes.get()) && same(b.tokens, a.tokens) => {
            format!(
                "Decode is memory-bound: still {} read per output token per GPU{turned}; {tpot}.",
                by(per(b))
            )
        }
        Bound::Memory => {
            let steps = if b.tokens > 1.0 || a.tokens > 1.0 {
                format!(" ({} → {} per step)", by(b.bytes.get()), by(a.bytes.get()))
            } else {
                String::new()
            };
            format!(
                "Decode is memory-bound: {} → {} read per output token per GPU{steps}{turned}; {tpot}.",
                by(per(b)),
                by(per(a)),
            )
        }
        Bound::Compute if same(b.compute_time.get(), a.compute_time.get()) => format!(
            "Decode is compute-bound: still {} per step per GPU, {} at the compute roof{turned}; {tpot}.",
            fl(b.flops.get()),
            t(b.compute_time),
        ),
        Bound::Compute => format!(
            "Decode is compute-bound: {} → {} per step per GPU take {} → {} at the compute roof{turned}; {tpot}.",
            fl(b.flops.get()),
            fl(a.flops.get()),
            t(b.compute_time),
            t(a.compute_time),
        ),
    }
}

/// Prefill in the roofline's terms; `None` when TTFT does not move.
fn prefill_sentence(base: &Figures, after: &Figures) -> Option<String> {
    let r = ratio(after.timing.ttft.get(), base.timing.ttft.get());
    if (r - 1.0).abs() < SAME {
        return Some(format!("TTFT unchanged ({}).", t(base.timing.ttft)));
    }
    let (b, a) = (&base.prefill, &after.prefill);
    let ttft = format!("TTFT {} → {}", t(base.timing.ttft), t(after.timing.ttft));
    Some(match b.bound {
        Bound::Compute => format!(
            "Prefill is compute-bound: {} → {} per GPU take {} → {} at the compute roof; {ttft}.",
            fl(b.flops.get()),
            fl(a.flops.get()),
            t(b.compute_time),
            t(a.compute_time),
        ),
        Bound::Memory => format!(
            "Prefill is memory-bound: {} → {} per GPU; {ttft}.",
            by(b.bytes.get()),
            by(a.bytes.get()),
        ),
    })
}

fn throughput_sentence(base: &Figures, after: &Figures) -> String {
    if base.gpus != after.gpus {
        format!(
            "Throughput {} → {} ({} → {} per GPU).",
            tps(base.timing.throughput),
            tps(after.timing.throughput),
            tps(base.throughput_per_gpu()),
            tps(after.throughput_per_gpu())
        )
    } else {
        format!(
            "Throughput {} → {}.",
            tps(base.timing.throughput),
            tps(after.timing.throughput)
        )
    }
}

/// The sentences of an applied lever: fit first, the lever's own note, then decode, prefill
/// and throughput.
fn why(base: &Figures, after: &Figures, note: &str, lever: Lever) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(f) = fit_sentence(base, after) {
        parts.push(f);
    }
    if !note.is_empty() {
        parts.push(note.to_string());
    }
    // Speculative decoding's note states its own step; the plain decode step is unchanged.
    if lever != Lever::Speculative {
        parts.push(decode_sentence(base, after));
    }
    if let Some(p) = prefill_sentence(base, after) {
        parts.push(p);
    }
    parts.push(throughput_sentence(base, after));
    parts.join(" ")
}

fn not_applied(lever: Lever, label: String, outcome: Outcome, why: String) -> Row {
    Row {
        lever,
        label,
        outcome,
        scenario: None,
        link: Vec::new(),
        after: None,
        change: None,
        fit: None,
        why,
    }
}

fn applied(
    lever: Lever,
    label: String,
    base: &Figures,
    scenario: Option<Scenario>,
    link: Vec<(&'static str, String)>,
    after: Figures,
    note: &str,
) -> Row {
    Row {
        lever,
        label,
        outcome: Outcome::Applied,
        scenario,
        link,
        change: Some(change(base, &after)),
        fit: Some(fit_change(base, &after)),
        why: why(base, &after, note, lever),
        after: Some(after),
    }
}

/// The lever applied as a scenario change, estimated by the engine.
fn scenario_row(
    lever: Lever,
    label: String,
    base: &Figures,
    s2: Scenario,
    link: Vec<(&'static str, String)>,
    note: &str,
) -> Row {
    let after = Figures::of(&evaluate(&s2), s2.total_gpus());
    applied(lever, label, base, Some(s2), link, after, note)
}

fn row(lever: Lever, input: &AdviseInput, base_e: &Estimate, base: &Figures) -> Row {
    let s = &input.scenario;
    if let Some(p) = lever.weights() {
        return weights_row(lever, p, s, base);
    }
    match lever {
        Lever::KvFp8 => kv_row(s, base),
        Lever::Batch2 | Lever::Batch4 | Lever::BatchKnee => batch_row(lever, s, base_e, base),
        Lever::TensorParallel2 => tp_row(s, base),
        Lever::Pipeline2 => pp_row(s, base),
        Lever::Speculative => speculative_row(input, base),
        Lever::PrefixCaching => prefix_row(input, base),
        Lever::ChunkedPrefill => chunked_row(s),
        Lever::FusedAttention => fused_row(s, base),
        _ => unreachable_row(lever),
    }
}

fn unreachable_row(lever: Lever) -> Row {
    not_applied(
        lever,
        lever.id().to_string(),
        Outcome::CannotApply,
        "Not a lever of this kind.".to_string(),
    )
}

fn weights_row(lever: Lever, p: Precision, s: &Scenario, base: &Figures) -> Row {
    let label = format!("weights {} → {}", s.weights_label(), p.label());
    // Groups already stored narrower than `p` stay as they are.
    let mut formats = GroupFormats::default();
    let mut narrower = true;
    for g in Group::ALL {
        let cur = s.format(g);
        if cur.bits() < p.bits() {
            formats.set(g, Some(cur));
        } else {
            narrower = false;
        }
    }
    if narrower || (s.weights == p && s.formats.is_uniform()) {
        return not_applied(
            lever,
            label,
            Outcome::CannotApply,
            format!(
                "The weights are already stored in {}, {} bits or fewer per weight: nothing \
                 to gain from {}.",
                s.weights_label(),
                crate::units::sig3(p.bits()),
                p.label()
            ),
        );
    }
    let s2 = Scenario {
        weights: p,
        formats,
        ..s.clone()
    };
    let runs = s.gpu.compute_precision(p);
    let bits = crate::units::sig3(p.bits());
    let note = if runs == p {
        format!(
            "{} weights run on the {}'s {} tensor cores ({} dense, against {} for {}).",
            p.label(),
            s.gpu.name,
            p.label(),
            Unit::FlopsPerSec.format(s.gpu.peak(p).map_or(0.0, |f| f.get())),
            Unit::FlopsPerSec.format(base_peak(s)),
            s.gpu.compute_precision(s.weights).label(),
        )
    } else if matches!(p, Precision::Int8 | Precision::Int4) {
        // The engine runs integer weights as weight-only quantization, whatever the GPU has.
        format!(
            "{} is weight-only quantization (as llama.cpp, AWQ and GPTQ run it): {bits} bits \
             per weight stored, dequantized to {} for the matmuls, so bytes fall and the FLOPs \
             still run at the {} peak.",
            p.label(),
            runs.label(),
            runs.label()
        )
    } else {
        format!(
            "The {} has no {} tensor cores: {} weights still cut the bytes ({bits} bits per \
             weight) but are dequantized to {} for the matmuls, so compute-bound work gains \
             nothing.",
            s.gpu.name,
            p.label(),
            p.label(),
            runs.label()
        )
    };
    let mut link = vec![("w", p.id().to_string())];
    for (key, g) in crate::query::GROUP_KEYS {
        if let Some(q) = s2.formats.get(g) {
            link.push((key, q.id().to_string()));
        }
    }
    scenario_row(lever, label, base, s2, link, &note)
}

/// The compute peak of the scenario's own weight format.
fn base_peak(s: &Scenario) -> f64 {
    let runs = s.gpu.compute_precision(s.weights);
    s.gpu.peak(runs).unwrap_or(s.gpu.fp16).get()
}

fn kv_row(s: &Scenario, base: &Figures) -> Row {
    let p = Precision::Fp8;
    let label = format!("KV cache {} → {}", s.kv.label(), p.label());
    if s.kv.bits() <= p.bits() {
        return not_applied(
            Lever::KvFp8,
            label,
            Outcome::CannotApply,
            format!(
                "The KV cache is already in {} ({} bits per element).",
                s.kv.label(),
                crate::units::sig3(s.kv.bits())
            ),
        );
    }
    let s2 = Scenario { kv: p, ..s.clone() };
    let note = format!(
        "Each cached element shrinks from {} to {} bits; the weights are unchanged.",
        crate::units::sig3(s.kv.bits()),
        crate::units::sig3(p.bits())
    );
    scenario_row(
        Lever::KvFp8,
        label,
        base,
        s2,
        vec![("kv", p.id().into())],
        &note,
    )
}

fn batch_row(lever: Lever, s: &Scenario, e: &Estimate, base: &Figures) -> Row {
    let b = s.batch.max(1);
    let max = BATCH_RANGE.1;
    let (target, what) = match lever {
        Lever::Batch2 => (b as u64 * 2, "×2".to_string()),
        Lever::Batch4 => (b as u64 * 4, "×4".to_string()),
        _ => (
            e.knee.batch.ceil().clamp(1.0, 1e9) as u64,
            "to the knee".to_string(),
        ),
    };
    let label = format!("batch {what} ({b} → {})", target.min(max as u64));
    if lever == Lever::BatchKnee && target <= b as u64 {
        let cause = match e.knee.cause {
            KneeCause::Compute => "decode turns compute-bound",
            KneeCause::KvCache => "KV-cache reads outgrow the weight reads",
        };
        return not_applied(
            lever,
            format!("batch to the knee ({b})"),
            Outcome::CannotApply,
            format!(
                "Batch {b} is already at or past the knee (batch {}, where {cause}): more \
                 requests per step now cost time in proportion.",
                count(e.knee.batch)
            ),
        );
    }
    if b >= max {
        return not_applied(
            lever,
            format!("batch {what} ({b})"),
            Outcome::CannotApply,
            format!("Batch {b} is already the largest the page takes ({max})."),
        );
    }
    let new = target.min(max as u64) as u32;
    let mut note = format!(
        "The weights are read once per step for all {new} sequences, while each sequence adds \
         its own KV-cache reads and FLOPs."
    );
    if target > max as u64 {
        note = format!(
            "{} lies beyond the page's {max}, so batch {max} is used. {note}",
            if lever == Lever::BatchKnee {
                format!("The knee (batch {})", count(e.knee.batch))
            } else {
                format!("Batch {target}")
            }
        );
    }
    let s2 = Scenario {
        batch: new,
        ..s.clone()
    };
    scenario_row(
        lever,
        label,
        base,
        s2,
        vec![("batch", new.to_string())],
        &note,
    )
}

fn tp_row(s: &Scenario, base: &Figures) -> Row {
    let n = s.gpus.max(1);
    let n2 = n * 2;
    let m = &s.model;
    let label = format!("tensor parallel ×2 ({n} → {n2} GPUs)");
    if n2 > GPUS_RANGE.1 {
        return not_applied(
            Lever::TensorParallel2,
            label,
            Outcome::CannotApply,
            format!(
                "Already {n} GPUs: {n2} is beyond the {} the page takes.",
                GPUS_RANGE.1
            ),
        );
    }
    if m.heads == 0 || !m.heads.is_multiple_of(n2 as u64) {
        return not_applied(
            Lever::TensorParallel2,
            label,
            Outcome::CannotApply,
            format!(
                "{}'s {} query heads do not split evenly over {n2} GPUs.",
                m.name, m.heads
            ),
        );
    }
    let mut note = String::from(
        "Each GPU holds and reads 1/2 as many weight bytes as before, but every layer adds two \
         all-reduces of the step's activations",
    );
    if m.mla.is_none() && m.kv_heads > 0 && !m.kv_heads.is_multiple_of(n2 as u64) {
        note.push_str(&format!(
            "; the {} KV heads do not split over {n2} GPUs, so each keeps {} (replicated)",
            m.kv_heads,
            m.kv_heads.div_ceil(n2 as u64)
        ));
    }
    if s.gpu.interconnect.is_none() {
        note.push_str(&format!(
            "; the {} lists no GPU link, so PCIe at {} each way is assumed",
            s.gpu.name,
            Unit::BytesPerSec.format(PCIE_FALLBACK_BANDWIDTH)
        ));
    }
    let s2 = Scenario {
        gpus: n2,
        ..s.clone()
    };
    let after = Figures::of(&evaluate(&s2), s2.total_gpus());
    note.push_str(&format!(
        " ({} → {} per decode step).",
        t(base.decode.comm_time),
        t(after.decode.comm_time)
    ));
    applied(
        Lever::TensorParallel2,
        label,
        base,
        Some(s2),
        vec![("gpus", n2.to_string())],
        after,
        &note,
    )
}

fn pp_row(s: &Scenario, base: &Figures) -> Row {
    let (pp, total) = (s.pp(), s.total_gpus());
    let pp2 = pp * 2;
    let label = format!(
        "pipeline stages ×2 ({pp} → {pp2} stages, {total} → {} GPUs)",
        total * 2
    );
    if pp2 > crate::query::PP_RANGE.1 {
        return not_applied(
            Lever::Pipeline2,
            label,
            Outcome::CannotApply,
            format!(
                "Already {pp} stages: {pp2} is beyond the {} the page takes.",
                crate::query::PP_RANGE.1
            ),
        );
    }
    if pp2 as u64 > s.model.layers {
        return not_applied(
            Lever::Pipeline2,
            label,
            Outcome::CannotApply,
            format!(
                "{} has {} layers: {pp2} stages would leave some empty.",
                s.model.name, s.model.layers
            ),
        );
    }
    let s2 = Scenario {
        parallel: crate::scenario::Parallel {
            pipeline: pp2,
            ..s.parallel
        },
        ..s.clone()
    };
    let e2 = evaluate(&s2);
    let after = Figures::of(&e2, s2.total_gpus());
    let note = format!(
        "Each stage holds half as many layers, so each GPU holds half the weights and the KV \
         cache ({} → {} per GPU) and more sequences fit; a token still passes every layer one \
         stage after another, so time per token does not drop with it: the batch splits into \
         up to {pp2} microbatches that keep the stages busy at once, and each stage-to-stage \
         hop adds its send{}.",
        Unit::Bytes.format(base.memory.total.get()),
        Unit::Bytes.format(after.memory.total.get()),
        if e2.parallel.nodes > 1 {
            format!(
                " ({} GPUs span {} nodes: hops between them cross the network)",
                e2.parallel.gpus, e2.parallel.nodes
            )
        } else {
            String::new()
        }
    );
    applied(
        Lever::Pipeline2,
        label,
        base,
        Some(s2),
        vec![("pp", pp2.to_string())],
        after,
        &note,
    )
}

fn speculative_row(input: &AdviseInput, base: &Figures) -> Row {
    let s = &input.scenario;
    if let Some(sp) = &s.speculative {
        return not_applied(
            Lever::Speculative,
            format!("speculative decoding ({} draft)", sp.draft.name),
            Outcome::AlreadyAssumed,
            format!(
                "Speculative decoding is already on: {} drafts {} tokens per step at {} \
                 acceptance.",
                sp.draft.name,
                sp.tokens,
                Unit::Percent.format(sp.acceptance)
            ),
        );
    }
    let d = Spec::default();
    let draft = match &input.draft {
        Some(dr) => dr.clone(),
        None => match default_draft(&s.model) {
            Some(model) => Draft {
                model,
                tokens: d.draft_tokens,
                acceptance: d.acceptance as f64 / 100.0,
            },
            None => {
                return not_applied(
                    Lever::Speculative,
                    "speculative decoding".into(),
                    Outcome::CannotApply,
                    format!(
                        "No smaller catalog model shares {}'s family and vocabulary ({} \
                         tokens) to draft for it.",
                        s.model.name,
                        count(s.model.vocab as f64)
                    ),
                )
            }
        },
    };
    let label = format!(
        "speculative decoding ({} draft, k = {}, α = {})",
        draft.model.name,
        draft.tokens,
        Unit::Percent.format(draft.acceptance)
    );
    let s2 = Scenario {
        speculative: Some(Speculative {
            draft: draft.model.clone(),
            tokens: draft.tokens,
            acceptance: draft.acceptance,
        }),
        ..s.clone()
    };
    let e2 = evaluate(&s2);
    let after = Figures::of(&e2, s2.total_gpus());
    // The engine's memory leaves the draft out; say how much it holds on its own.
    let draft_alone = evaluate(&Scenario {
        model: draft.model.clone(),
        speculative: None,
        ..s.clone()
    });
    let mut note = match e2.speculative {
        Some(sf) => {
            let check = match base.decode.bound {
                Bound::Memory => format!(
                    "Decode is memory-bound: the check reads the weights and KV cache once ({} \
                     per GPU, as a plain step does) for {} drafted tokens",
                    by(base.decode.bytes.get()),
                    draft.tokens
                ),
                Bound::Compute => format!(
                    "Decode is compute-bound: the check runs {} tokens per sequence, {}× the \
                     FLOPs of a plain step ({} per GPU)",
                    draft.tokens + 1,
                    draft.tokens + 1,
                    fl(base.decode.flops.get())
                ),
            };
            let slower = if after.timing.tpot.get() > base.timing.tpot.get() * (1.0 + SAME) {
                format!(
                    " Slower: the {} draft steps and the check cost more than the {} tokens a \
                     step emits save.",
                    draft.tokens,
                    crate::units::sig3(sf.tokens_per_step)
                )
            } else {
                String::new()
            };
            format!(
                "{check}, and emits {} tokens per step on average; a step costs {} ({} draft \
                 steps and the check) against {} for one plain decode step, so time per output \
                 token {} → {}.{slower}",
                crate::units::sig3(sf.tokens_per_step),
                t(sf.step_time),
                draft.tokens,
                t(base.decode.calibrated_time),
                t(base.timing.tpot),
                t(after.timing.tpot)
            )
        }
        None => String::new(),
    };
    note.push_str(&format!(
        " Memory leaves out the draft's own {} of weights per GPU.",
        by(draft_alone.memory.weights.get())
    ));
    let mut link = vec![("draft", draft.model.id.clone())];
    link.push(("k", draft.tokens.to_string()));
    link.push(("acc", format!("{}", (draft.acceptance * 100.0).round())));
    applied(
        Lever::Speculative,
        label,
        base,
        Some(s2),
        link,
        after,
        &note,
    )
}

fn prefix_row(input: &AdviseInput, base: &Figures) -> Row {
    let s = &input.scenario;
    let prompt = s.prompt.max(1);
    let cached = (prompt as f64 * input.prefix_share).floor() as u32;
    let label = format!(
        "prefix caching ({} of the prompt shared)",
        Unit::Percent.format(input.prefix_share)
    );
    if cached == 0 || cached >= prompt {
        return not_applied(
            Lever::PrefixCaching,
            label,
            Outcome::CannotApply,
            format!(
                "A {prompt}-token prompt has no whole shared prefix to skip at a {} share.",
                Unit::Percent.format(input.prefix_share)
            ),
        );
    }
    let short = Scenario {
        prompt: prompt - cached,
        ..s.clone()
    };
    let e_short = evaluate(&short);
    let ttft = e_short.calibrated.ttft;
    let tpot = base.timing.tpot;
    let output = s.output.max(1) as f64;
    let latency = ttft.get() + (output - 1.0) * tpot.get();
    let after = Figures {
        timing: Timing {
            ttft,
            tpot,
            request_latency: Seconds(latency),
            throughput: s.batch.max(1) as f64 * output / latency,
            // Decode is untouched by the cached prefix.
            decode_throughput: base.timing.decode_throughput,
        },
        prefill: e_short.prefill,
        ..base.clone()
    };
    let note = format!(
        "Modelled as a {}-token prompt for the prefill (the first {cached} tokens' KV reused) \
         with the full {}-token context for decode and memory; the new tokens' attention to the \
         cached prefix is left out, so the TTFT gain is an upper bound.",
        prompt - cached,
        prompt as u64 + s.output as u64
    );
    applied(
        Lever::PrefixCaching,
        label,
        base,
        None,
        Vec::new(),
        after,
        &note,
    )
}

fn chunked_row(s: &Scenario) -> Row {
    let tokens = s.batch.max(1) as f64 * s.prompt.max(1) as f64;
    let chunks = (tokens / PREFILL_CHUNK_TOKENS).ceil();
    not_applied(
        Lever::ChunkedPrefill,
        "chunked prefill".into(),
        Outcome::AlreadyAssumed,
        format!(
            "Already assumed: the activation peak counts one prefill chunk of {} tokens (the \
             batch's {} prompt tokens in {} chunk{}), and the prefill's FLOPs are the same \
             however it is cut. What chunking buys in serving (decode steps of running requests \
             interleaved with prefill chunks) is not part of one static batch.",
            count(PREFILL_CHUNK_TOKENS),
            count(tokens),
            count(chunks),
            if chunks == 1.0 { "" } else { "s" }
        ),
    )
}

fn fused_row(s: &Scenario, base: &Figures) -> Row {
    not_applied(
        Lever::FusedAttention,
        "fused attention in the prefill".into(),
        Outcome::AlreadyAssumed,
        format!(
            "Already assumed: the prefill's {} per GPU are the weights read and the KV cache \
             written; the {} × {}-token score matrices of {} heads are never counted as memory \
             traffic, as with a fused (flash) attention kernel.",
            by(base.prefill.bytes.get()),
            count(s.prompt.max(1) as f64),
            count(s.prompt.max(1) as f64),
            s.model.heads
        ),
    )
}

//! The simulation proper: randomness, the step model, the scheduler and the clock.

use super::spec::{self, Speculation};
use super::{
    Arrivals, Lengths, Percentiles, RequestRecord, Sample, ServeInput, ServeResult, MAX_SAMPLES,
    MAX_SIM_TIME, MAX_STEPS, MAX_WORK,
};
use crate::estimate::{derivation, term, Ctx, Work};
use crate::scenario::{Group, Scenario};
use crate::units::Unit;
use std::collections::VecDeque;

// ---------------------------------------------------------------------------------------
// Randomness

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): one add and a mixing function per draw; streams differ by their start.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn draw(l: Lengths, fixed: u32, rng: &mut Rng) -> u64 {
    match l {
        Lengths::Fixed => fixed as u64,
        Lengths::Uniform { lo, hi } => {
            let span = (hi - lo) as u64 + 1;
            lo as u64 + ((rng.unit() * span as f64) as u64).min(span - 1)
        }
        Lengths::LogNormal { mean, spread } => {
            let mu = mean.ln() - spread * spread / 2.0;
            let x = (mu + spread * rng.normal()).exp().round();
            if x.is_finite() {
                x.clamp(1.0, u32::MAX as f64) as u64
            } else {
                1
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The step model

/// A step's batch: decode sequences and prefill chunks.
#[derive(Clone, Copy, Debug, Default)]
struct Batch {
    /// Decode sequences and the sum of their contexts (tokens before the one processed).
    decodes: u64,
    decode_context: f64,
    /// Prefill tokens, their FLOPs and compute time, KV elements they touch, prompts that
    /// complete (each runs the LM head once).
    prefill_tokens: f64,
    prefill_flops: f64,
    prefill_compute: f64,
    prefill_kv: f64,
    completed: u64,
    /// Prompts with a chunk in the step.
    chunks: u64,
}

impl Batch {
    fn add_chunk(&mut self, c: &Ctx, before: u64, tokens: u64, completes: bool) {
        let (a, b) = (before as f64, (before + tokens) as f64);
        let hi = c.prefill(1.0, b);
        let lo = c.prefill(1.0, a);
        // The difference keeps the chunk's matmuls and its causal attention against the `a`
        // tokens before it; the LM head of both cancels.
        self.prefill_tokens += tokens as f64;
        self.prefill_flops += hi.flops - lo.flops;
        self.prefill_compute += hi.compute - lo.compute;
        // The chunk reads the KV of the tokens before it and writes its own.
        self.prefill_kv += c.s.model.kv_elements(b);
        self.completed += completes as u64;
        self.chunks += 1;
    }
}

/// Context at which [`StepModel`] takes the second point of a decode line.
const LINE_CONTEXT: f64 = 4096.0;

/// Decode steps of one batch size at contexts 0 and [`LINE_CONTEXT`], remembered.
type Lines = Vec<Option<(Work, Work)>>;

/// A point on a remembered line: `step(context)` is linear in the context when every layer
/// attends to the whole of it (attention pairs and KV read grow by one token's worth per
/// token), so two points per batch size give every context. Windowed and chunked layers are
/// not linear: those models call `step` every time.
fn on_line(
    lines: &mut Lines,
    linear: bool,
    d: u64,
    context: f64,
    step: impl Fn(f64) -> Work,
) -> Work {
    if !linear {
        return step(context);
    }
    let i = d as usize;
    if i >= lines.len() {
        lines.resize(i + 1, None);
    }
    let (a, b) = *lines[i].get_or_insert_with(|| (step(0.0), step(LINE_CONTEXT)));
    let f = context / LINE_CONTEXT;
    Work {
        tokens: a.tokens,
        flops: a.flops + (b.flops - a.flops) * f,
        bytes: a.bytes + (b.bytes - a.bytes) * f,
        comm: a.comm,
        compute: a.compute + (b.compute - a.compute) * f,
        serial: a.serial,
        hops: a.hops,
        sequences: a.sequences,
    }
}

/// `Ctx` with the decode steps of each batch size remembered (see [`on_line`]), and with
/// speculative decoding the draft model's too.
pub(super) struct StepModel<'a> {
    pub(super) c: Ctx<'a>,
    linear: bool,
    lines: Lines,
    pub(super) spec: Option<Speculation<'a>>,
    draft_linear: bool,
    draft_lines: Lines,
}

impl<'a> StepModel<'a> {
    pub(super) fn new(c: Ctx<'a>, spec: Option<Speculation<'a>>) -> StepModel<'a> {
        let linear = c.s.model.layer_split().all_full();
        let draft_linear = spec
            .as_ref()
            .is_some_and(|sp| sp.draft.s.model.layer_split().all_full());
        StepModel {
            c,
            linear,
            lines: Vec::new(),
            spec,
            draft_linear,
            draft_lines: Vec::new(),
        }
    }

    /// Tokens each decoding sequence adds to the target's step: 1, or `k + 1` verified.
    pub(super) fn per_seq(&self) -> f64 {
        self.spec.as_ref().map_or(1.0, Speculation::per_seq)
    }

    /// The target's part of `d` decodes at `context`: `Ctx::step(d, 1, context)`, or with
    /// speculation the verification `Ctx::step(d, k + 1, context)`.
    fn decode(&mut self, d: u64, context: f64) -> Work {
        let (c, per) = (&self.c, self.per_seq());
        on_line(&mut self.lines, self.linear, d, context, |x| {
            c.step(d as f64, per, x)
        })
    }

    /// The `k` draft steps before the verification of `d` decodes at `context` (0 without
    /// speculation).
    fn drafts(&mut self, d: u64, context: f64) -> f64 {
        let Some(sp) = &self.spec else { return 0.0 };
        if d == 0 {
            return 0.0;
        }
        let w = on_line(&mut self.draft_lines, self.draft_linear, d, context, |x| {
            sp.draft_work(d as f64, x)
        });
        sp.drafts_time(w)
    }

    /// The calibrated time of batch `b`: the target's step, after the draft's steps when
    /// speculating (a decode step alone is `spec::Speculation::step_time`).
    fn time(&mut self, b: &Batch) -> f64 {
        let w = mixed_step(self, b);
        let mean = if b.decodes > 0 {
            b.decode_context / b.decodes as f64
        } else {
            0.0
        };
        self.c.phase(w, &self.c.s.efficiency).calibrated_time.get() + self.drafts(b.decodes, mean)
    }
}

/// One step's work per GPU: decodes as `Ctx::step` at their mean context (`k + 1` tokens
/// each when speculating), each chunk's share of `Ctx::prefill`, the LM head for every prompt
/// completing, weights read once.
fn mixed_step(sm: &mut StepModel, b: &Batch) -> Work {
    let s: &Scenario = sm.c.s;
    let m = &s.model;
    let per = sm.per_seq();
    let d = b.decodes as f64;
    let mean = if b.decodes > 0 {
        b.decode_context / d
    } else {
        0.0
    };
    if b.prefill_tokens == 0.0 {
        return sm.decode(b.decodes, mean);
    }
    let dec = (b.decodes > 0).then(|| sm.decode(b.decodes, mean));
    let c = &sm.c;
    let tokens = d * per + b.prefill_tokens;
    // Under pipeline parallelism the step's sequences go through the stages in up to PP
    // microbatches: per-token work splits among them, each reads the stage's weights.
    let mb = c.microbatches((b.decodes + b.chunks) as f64);
    let kv_byte = c.kvb * c.kv_share / (c.pp * c.dp);
    let weights = c.stage(tokens / mb, 1.0, 0.0, 0.0, 0.0).bytes;
    let head = 2.0 * c.params.per_token(Group::LmHead) * b.completed as f64 / (c.n * c.dp * c.pp);
    let (mut flops, mut compute, mut kv) = (b.prefill_flops, b.prefill_compute, b.prefill_kv);
    flops += head;
    compute += head / c.lm_head.peak;
    if let Some(dec) = dec {
        // `decode` gives one of min(d, PP) decode microbatches.
        let parts = c.microbatches(d);
        flops += dec.flops * parts;
        compute += dec.compute * parts;
        kv += d * m.kv_elements(mean + per);
    }
    Work {
        tokens,
        flops: flops / mb,
        bytes: weights + kv / mb * kv_byte,
        comm: c.comm(tokens / mb / c.dp),
        compute: compute / mb,
        serial: c.pp,
        hops: c.hops(tokens / mb),
        sequences: c.group_seqs((b.decodes + b.chunks) as f64),
    }
}

// ---------------------------------------------------------------------------------------
// The simulation

/// Appends a timeline sample; past 2 × [`MAX_SAMPLES`] every other sample is dropped and the
/// stride between samples doubles, so a run of any length keeps at most that many.
fn record(timeline: &mut Vec<Sample>, stride: &mut u64, sample: Sample) {
    timeline.push(sample);
    if timeline.len() >= 2 * MAX_SAMPLES {
        let mut k = 0;
        timeline.retain(|_| {
            k += 1;
            k % 2 == 1
        });
        *stride *= 2;
    }
}

#[derive(Clone, Copy, Debug)]
struct Req {
    /// Its place in arrival order (the record it is written back to).
    id: usize,
    arrival: f64,
    prompt: u64,
    output: u64,
    /// Prompt tokens in the shared prefix cache (whole blocks).
    cached: u64,
    /// Tokens to compute before the next token comes out: the prompt, or after a preemption
    /// the prompt and the tokens generated so far.
    target: u64,
    computed: u64,
    generated: u64,
    /// Blocks of its own (beyond the shared prefix).
    blocks: u64,
    /// Tokens its blocks hold, the shared prefix's included.
    room: u64,
    /// Prompt tokens scheduled this step (0: none).
    chunk: u64,
    /// Decoding this step.
    decoding: bool,
    first: Option<f64>,
    finish: Option<f64>,
    preemptions: u32,
    dropped: bool,
}

impl Req {
    fn blocks_for(&self, tokens: u64, bt: u64) -> u64 {
        tokens.div_ceil(bt).saturating_sub(self.cached / bt)
    }
}

/// KV blocks: memory left at the utilization after weights, activations and overhead, per
/// GPU, over the bytes a block holds.
struct Blocks {
    total: u64,
    capacity: f64,
    weights: f64,
    activations: f64,
    overhead: f64,
    per_token: f64,
}

fn kv_blocks(c: &Ctx, input: &ServeInput) -> Blocks {
    let running = input.max_running as f64;
    let mem = c.memory(running, input.max_batch_tokens as f64 / running, 0.0);
    let per_token = c.s.model.kv_elements(1.0) * c.kvb * c.kv_share;
    let usable = input.gpu_memory_utilization * mem.capacity.get()
        - mem.weights.get()
        - mem.activations.get()
        - mem.overhead.get();
    let block = per_token * input.block_tokens as f64;
    let total = if usable <= 0.0 {
        0
    } else if block > 0.0 {
        (usable / block).floor().min(1e15) as u64
    } else {
        1 << 50
    };
    Blocks {
        total,
        capacity: mem.capacity.get(),
        weights: mem.weights.get(),
        activations: mem.activations.get(),
        overhead: mem.overhead.get(),
        per_token,
    }
}

fn make_requests(v: &ServeInput, warnings: &mut Vec<String>) -> Vec<Req> {
    let s = &v.scenario;
    let limit = super::context_limit(s).min(u32::MAX as u64);
    let mut raw: Vec<(f64, u64, u64)> = match &v.arrivals {
        Arrivals::Trace(t) => t
            .iter()
            .map(|r| (r.arrival, r.prompt as u64, r.output as u64))
            .collect(),
        arrivals => {
            let n = v.requests as usize;
            let mut gaps = Rng::new(v.seed, 1);
            let mut prompts = Rng::new(v.seed, 2);
            let mut outputs = Rng::new(v.seed, 3);
            let mut t = 0.0;
            (0..n)
                .map(|_| {
                    let arrival = match arrivals {
                        Arrivals::Poisson { rate } => {
                            t += -gaps.unit().ln() / rate;
                            t
                        }
                        _ => 0.0,
                    };
                    (
                        arrival,
                        draw(v.prompt, s.prompt, &mut prompts),
                        draw(v.output, s.output, &mut outputs),
                    )
                })
                .collect()
        }
    };
    let mut cut = 0;
    for r in &mut raw {
        let (p, o) = (r.1.clamp(1, limit.saturating_sub(1).max(1)), r.2.max(1));
        let o = o.min(limit.saturating_sub(p).max(1));
        if (p, o) != (r.1, r.2) {
            cut += 1;
        }
        (r.1, r.2) = (p, o);
    }
    if cut > 0 {
        warnings.push(format!(
            "{cut} requests were cut to fit the model's context window of {limit} tokens"
        ));
    }
    let bt = v.block_tokens as u64;
    raw.into_iter()
        .enumerate()
        .map(|(id, (arrival, prompt, output))| {
            // Whole blocks only, and at least one prompt token is computed (it yields the
            // first output token).
            let share = (prompt as f64 * v.prefix_share).floor() as u64;
            let cached = share.min(prompt - 1) / bt * bt;
            Req {
                id,
                arrival,
                prompt,
                output,
                cached,
                target: prompt,
                computed: 0,
                generated: 0,
                blocks: 0,
                room: 0,
                chunk: 0,
                decoding: false,
                first: None,
                finish: None,
                preemptions: 0,
                dropped: false,
            }
        })
        .collect()
}

/// Occupancy integrals over time.
#[derive(Default)]
struct Clock {
    last: f64,
    in_system: u64,
    in_system_area: f64,
    running_area: f64,
}

impl Clock {
    fn advance(&mut self, t: f64) {
        if t > self.last {
            self.in_system_area += self.in_system as f64 * (t - self.last);
            self.last = t;
        }
    }
}

/// Writes a running or waiting request back to its record.
fn keep(reqs: &mut [Req], q: &Req) {
    if let Some(r) = reqs.get_mut(q.id) {
        *r = *q;
    }
}

/// Runs the checked input `v`; `warnings` holds its problems already.
pub(super) fn run(v: &ServeInput, mut warnings: Vec<String>) -> ServeResult {
    let s = &v.scenario;
    let params = s.model.params();
    // Speculative decoding (`spec`): k drafts verified per step need k + 1 of the step's
    // tokens per sequence.
    let draft = spec::draft_scenario(s).filter(|_| {
        let fits = v.max_batch_tokens >= 2;
        if !fits {
            warnings.push(format!(
                "speculative decoding needs at least 2 tokens per step (a draft and the target's own); max_batch_tokens is {}, so steps decode one token",
                v.max_batch_tokens
            ));
        }
        fits
    });
    let speculation = match (&draft, &s.speculative) {
        (Some(d), Some(sp)) => {
            let max_k = v.max_batch_tokens - 1;
            if sp.tokens > max_k {
                warnings.push(format!(
                    "speculative decoding: {} drafted tokens and the target's own exceed the {} tokens per step; drafting {max_k}",
                    sp.tokens, v.max_batch_tokens
                ));
            }
            Some(Speculation::new(d, sp.tokens, sp.acceptance, max_k))
        }
        _ => None,
    };
    let mut sm = StepModel::new(Ctx::new(s, params), speculation);
    // Tokens a decoding sequence takes from the step's budget, and KV slots it writes beyond
    // its current token (the drafts being verified; the rejected ones are overwritten later).
    let per = sm.per_seq() as u64;
    let extra = per - 1;
    let mut acceptance = Rng::new(v.seed, 4);
    let bt = v.block_tokens as u64;
    let blocks = kv_blocks(&sm.c, v);
    if blocks.total == 0 {
        warnings.push(
            "no KV cache fits: the weights, activations and overhead fill the memory at this utilization"
                .into(),
        );
    }

    let mut reqs = make_requests(v, &mut warnings);
    let closed = match v.arrivals {
        Arrivals::Closed { clients } => Some(clients as usize),
        _ => None,
    };
    // Requests whose arrival is known; a closed loop learns the rest as requests finish.
    let mut issued = closed.map_or(reqs.len(), |k| k.min(reqs.len()));
    let mut next = 0usize;
    let mut waiting: VecDeque<Req> = VecDeque::new();
    let mut running: Vec<Req> = Vec::new();
    let mut free = blocks.total;
    let mut pool = 0u64; // shared prefix blocks, held for the whole run
    let mut clock = Clock::default();
    let first_arrival = reqs.first().map_or(0.0, |r| r.arrival);
    clock.last = first_arrival;
    let mut t = first_arrival;
    let (mut steps, mut work_done, mut preemptions) = (0u64, 0u64, 0u64);
    let mut dropped = 0usize;
    let mut timeline: Vec<Sample> = Vec::new();
    let mut stride = 1u64;
    let mut stop: Option<String> = None;
    let max_running = v.max_running as usize;

    loop {
        // Arrivals up to now join the queue.
        while next < issued && reqs[next].arrival <= t {
            clock.advance(reqs[next].arrival);
            clock.in_system += 1;
            waiting.push_back(reqs[next]);
            next += 1;
        }
        if running.is_empty() && waiting.is_empty() {
            if next >= issued {
                break;
            }
            t = reqs[next].arrival;
            continue;
        }
        if steps >= MAX_STEPS {
            stop = Some(format!("stopped after {MAX_STEPS} steps"));
            break;
        }
        if work_done >= MAX_WORK {
            stop = Some(format!("stopped after {MAX_WORK} request-steps"));
            break;
        }
        if t - first_arrival > MAX_SIM_TIME {
            stop = Some(format!("stopped after {MAX_SIM_TIME} simulated seconds"));
            break;
        }

        // 1. Decodes, oldest first; each may need one more block.
        let mut budget = v.max_batch_tokens as u64;
        let mut batch = Batch::default();
        let mut stuck = None;
        for (i, q) in running.iter_mut().enumerate() {
            if q.computed < q.target || budget < per {
                continue;
            }
            let want = q.prompt + q.generated + extra;
            if want > q.room {
                let need = (want - q.room).div_ceil(bt);
                if free < need {
                    stuck = Some(i);
                    break;
                }
                free -= need;
                q.blocks += need;
                q.room += need * bt;
            }
            q.decoding = true;
            batch.decodes += 1;
            batch.decode_context += (q.prompt + q.generated - 1) as f64;
            budget -= per;
        }
        if let Some(mut i) = stuck {
            // Out of blocks: preempt the newest running request (its KV is freed and
            // recomputed when it runs again) until request i has its block.
            while i < running.len() {
                let q = running[i];
                if q.computed < q.target || budget < per {
                    i += 1;
                    continue;
                }
                let want = q.prompt + q.generated + extra;
                if want > q.room {
                    let need = (want - q.room).div_ceil(bt);
                    if free < need {
                        let Some(mut victim) = running.pop() else {
                            break;
                        };
                        let own = running.len() == i;
                        free += victim.blocks;
                        victim.blocks = 0;
                        victim.room = victim.cached / bt * bt;
                        victim.computed = 0;
                        victim.target = victim.prompt + victim.generated;
                        victim.chunk = 0;
                        victim.preemptions += 1;
                        preemptions += 1;
                        waiting.push_front(victim);
                        if own {
                            break;
                        }
                        continue;
                    }
                    free -= need;
                    running[i].blocks += need;
                    running[i].room += need * bt;
                }
                running[i].decoding = true;
                batch.decodes += 1;
                batch.decode_context += (q.prompt + q.generated - 1) as f64;
                budget -= per;
                i += 1;
            }
        }
        // 2. Prefills in progress, chunked to the budget.
        let mut chunks = 0u32;
        for q in running.iter_mut() {
            if budget == 0 {
                break;
            }
            if q.computed < q.target {
                let n = (q.target - q.computed).min(budget);
                budget -= n;
                q.chunk = n;
                batch.add_chunk(&sm.c, q.computed, n, q.computed + n == q.target);
                chunks += 1;
            }
        }
        // 3. Waiting requests, first come first served, while their blocks are free.
        while budget > 0 && running.len() < max_running {
            let Some(q) = waiting.front() else { break };
            let shared = q.cached / bt;
            let grow = shared.saturating_sub(pool);
            let need = q.blocks_for(q.target, bt);
            let lifetime = q.blocks_for(q.prompt + q.output + extra, bt) + pool.max(shared);
            if lifetime > blocks.total {
                // It can never hold its KV cache: leave it out rather than wait forever.
                if let Some(mut q) = waiting.pop_front() {
                    q.dropped = true;
                    keep(&mut reqs, &q);
                }
                dropped += 1;
                clock.advance(t);
                clock.in_system -= 1;
                if closed.is_some() && issued < reqs.len() {
                    reqs[issued].arrival = t;
                    issued += 1;
                }
                continue;
            }
            if free < need + grow {
                break;
            }
            let Some(mut q) = waiting.pop_front() else {
                break;
            };
            free -= need + grow;
            pool += grow;
            q.blocks = need;
            q.room = (need + shared) * bt;
            q.computed = q.cached.min(q.target - 1);
            let n = (q.target - q.computed).min(budget);
            budget -= n;
            q.chunk = n;
            batch.add_chunk(&sm.c, q.computed, n, q.computed + n == q.target);
            chunks += 1;
            running.push(q);
        }
        if batch.decodes == 0 && chunks == 0 {
            if running.is_empty() && next < issued {
                // Nothing could run (cannot happen after the lifetime check above); wait
                // for the next arrival so the loop always moves.
                t = t.max(reqs[next].arrival);
                continue;
            }
            stop = Some("the scheduler found nothing it could run".into());
            break;
        }

        if steps % stride == 0 {
            record(
                &mut timeline,
                &mut stride,
                Sample {
                    t,
                    running: running.len() as u32,
                    kv_blocks: blocks.total - free,
                    queue: waiting.len() as u32,
                },
            );
        }
        let dt = sm.time(&batch);
        let dt = if dt.is_finite() && dt > 0.0 { dt } else { 1e-6 };
        let t1 = t + dt;
        steps += 1;
        work_done += running.len() as u64;
        clock.running_area += running.len() as f64 * dt;
        // Arrivals during the step are counted from their own time.
        while next < issued && reqs[next].arrival <= t1 {
            clock.advance(reqs[next].arrival);
            clock.in_system += 1;
            waiting.push_back(reqs[next]);
            next += 1;
        }
        clock.advance(t1);

        // Tokens out: a decode yields one (speculating: one plus the drafts accepted, drawn
        // in running order from the acceptance stream); a chunk that completes its prompt
        // yields the next.
        let mut finished = 0u64;
        let spec = sm.spec.as_ref();
        running.retain_mut(|q| {
            if q.decoding {
                let n = spec.map_or(1, |sp| sp.accepted(|| acceptance.unit()));
                q.generated = (q.generated + n).min(q.output);
                q.decoding = false;
            }
            if q.chunk > 0 {
                q.computed += q.chunk;
                q.chunk = 0;
                if q.computed == q.target {
                    q.first.get_or_insert(t1);
                    q.generated += 1;
                }
            }
            if q.generated < q.output {
                return true;
            }
            q.finish = Some(t1);
            free += q.blocks;
            q.blocks = 0;
            keep(&mut reqs, q);
            finished += 1;
            false
        });
        clock.in_system -= finished;
        if closed.is_some() {
            for _ in 0..finished {
                if issued < reqs.len() {
                    reqs[issued].arrival = t1;
                    issued += 1;
                }
            }
        }
        t = t1;

        // Coasting: while every running request decodes, none needs a block or finishes,
        // nothing waits and nothing arrives, the next steps are the same batch one token
        // further on. Run them without the scheduler's passes over the requests (the same
        // step times, in the same order, so the same result to the bit); the step that
        // allocates, finishes or sees an arrival goes back through the full loop.
        if sm.spec.is_none()
            && waiting.is_empty()
            && !running.is_empty()
            && running.len() as u64 <= v.max_batch_tokens as u64
            && running.iter().all(|q| q.computed == q.target)
        {
            let d = running.len() as u64;
            let m = running
                .iter()
                .map(|q| {
                    let free_steps = (q.room + 1).saturating_sub(q.prompt + q.generated);
                    free_steps.min(q.output.saturating_sub(q.generated + 1))
                })
                .min()
                .unwrap_or(0);
            let mut context = running
                .iter()
                .fold(0.0, |a, q| a + (q.prompt + q.generated - 1) as f64);
            let held = blocks.total - free;
            let mut coasted = 0u64;
            while coasted < m
                && steps < MAX_STEPS
                && work_done < MAX_WORK
                && t - first_arrival <= MAX_SIM_TIME
            {
                if steps % stride == 0 {
                    record(
                        &mut timeline,
                        &mut stride,
                        Sample {
                            t,
                            running: d as u32,
                            kv_blocks: held,
                            queue: 0,
                        },
                    );
                }
                let b = Batch {
                    decodes: d,
                    decode_context: context,
                    ..Batch::default()
                };
                let dt = sm.time(&b);
                let dt = if dt.is_finite() && dt > 0.0 { dt } else { 1e-6 };
                let t1 = t + dt;
                steps += 1;
                work_done += d;
                clock.running_area += d as f64 * dt;
                let mut arrived = false;
                while next < issued && reqs[next].arrival <= t1 {
                    clock.advance(reqs[next].arrival);
                    clock.in_system += 1;
                    waiting.push_back(reqs[next]);
                    next += 1;
                    arrived = true;
                }
                clock.advance(t1);
                t = t1;
                context += d as f64;
                coasted += 1;
                if arrived {
                    break;
                }
            }
            for q in running.iter_mut() {
                q.generated += coasted;
            }
        }
    }

    for q in running.iter().chain(waiting.iter()) {
        keep(&mut reqs, q);
    }
    if let Some(why) = stop {
        warnings.push(format!(
            "the run was cut short: {why}; unfinished requests are left out of the figures"
        ));
    }
    if dropped > 0 {
        warnings.push(format!(
            "{dropped} requests never fit the KV cache ({} blocks of {bt} tokens) and were left out",
            blocks.total
        ));
    }
    summarize(
        v,
        &sm.c,
        sm.spec.as_ref(),
        &blocks,
        reqs,
        clock,
        steps,
        preemptions,
        timeline,
        warnings,
    )
}

#[allow(clippy::too_many_arguments)]
fn summarize(
    v: &ServeInput,
    c: &Ctx,
    spec: Option<&Speculation>,
    blocks: &Blocks,
    reqs: Vec<Req>,
    clock: Clock,
    steps: u64,
    preemptions: u64,
    timeline: Vec<Sample>,
    mut warnings: Vec<String>,
) -> ServeResult {
    let records: Vec<RequestRecord> = reqs
        .iter()
        .map(|q| RequestRecord {
            arrival: q.arrival,
            prompt: q.prompt as u32,
            output: q.output as u32,
            cached: q.cached as u32,
            first_token: q.first,
            finish: q.finish,
            preemptions: q.preemptions,
        })
        .collect();
    let done: Vec<&RequestRecord> = records.iter().filter(|r| r.finish.is_some()).collect();
    let first = records
        .iter()
        .map(|r| r.arrival)
        .fold(f64::INFINITY, f64::min);
    let last = done
        .iter()
        .filter_map(|r| r.finish)
        .fold(f64::NEG_INFINITY, f64::max);
    let span = if done.is_empty() { 0.0 } else { last - first };
    let per_s = |x: f64| if span > 0.0 { x / span } else { 0.0 };
    let tokens: f64 = done.iter().map(|r| r.output as f64).sum();
    let good = done.iter().filter(|r| r.meets(&v.slo)).count();
    if done.is_empty() {
        warnings.push("no request finished".into());
    }
    let ttft = Percentiles::of(done.iter().filter_map(|r| r.ttft()).collect());
    let tpot = Percentiles::of(done.iter().filter_map(|r| r.tpot()).collect());
    let e2e = Percentiles::of(done.iter().filter_map(|r| r.e2e()).collect());
    let running_mean = per_s(clock.running_area);
    let in_system_mean = per_s(clock.in_system_area);

    // One decode step at the mean running batch and mean decode context.
    let batch = running_mean.round().max(1.0);
    let context = if done.is_empty() {
        v.scenario.prompt as f64 + v.scenario.output as f64 / 2.0
    } else {
        done.iter()
            .map(|r| r.prompt as f64 + r.output as f64 / 2.0)
            .sum::<f64>()
            / done.len() as f64
    };
    let per = spec.map_or(1.0, Speculation::per_seq);
    let w = c.step(batch, per, context);
    let phase = c.phase(w, &v.scenario.efficiency);
    let eff = &v.scenario.efficiency;
    use Unit::*;
    let mut step_terms = vec![
        term("C", w.compute, Seconds),
        term("e_c", eff.compute, Percent),
        term("Q", w.bytes, Bytes),
        term("e_bw", eff.bandwidth, Percent),
        term("BW", c.bw, BytesPerSec),
        term("t_comm", w.comm, Seconds),
        term("L", v.scenario.model.layers as f64, Count),
        term("t_layer", eff.layer_overhead.get(), Seconds),
        term("B_s", w.sequences, Count),
        term("t_seq", eff.sequence_overhead.get(), Seconds),
    ];
    let step = match spec {
        None => derivation(
            "serve.step_time",
            "One decode step at the mean running batch",
            "t_step",
            "max(C / e_c, Q / (e_bw × BW)) + t_comm + L × t_layer + B_s × t_seq",
            step_terms,
            phase.calibrated_time.get(),
            Seconds,
            Some("e_c, e_bw: the compute and bandwidth efficiencies; C: the step's FLOPs at each tensor group's peak; batch = the mean running batch rounded, at the mean context prompt + output/2 of the finished requests"),
        ),
        Some(sp) => {
            let drafts = sp.drafts_time(sp.draft_work(batch, context));
            step_terms.insert(0, term("k", sp.k as f64, Count));
            step_terms.insert(1, term("t_draft", drafts / sp.k as f64, Seconds));
            derivation(
                "serve.step_time",
                "One speculative step at the mean running batch",
                "t_step",
                "k × t_draft + max(C / e_c, Q / (e_bw × BW)) + t_comm + L × t_layer + B_s × t_seq",
                step_terms,
                drafts + phase.calibrated_time.get(),
                Seconds,
                Some("k draft-model decode steps (t_draft each), then the target verifies k + 1 tokens per sequence (C, Q); each sequence yields 1 to k + 1 tokens a step, (1 − α^(k+1)) / (1 − α) on average, acceptance drawn per step from the seeded RNG; e_c, e_bw: the compute and bandwidth efficiencies; batch = the mean running batch rounded, at the mean context prompt + output/2 of the finished requests"),
            )
        }
    };
    let mut derivations = vec![
        derivation(
            "serve.kv_blocks",
            "KV-cache blocks",
            "N_blk",
            "floor((u × M − W − A − O) / (b × kv))",
            vec![
                term("u", v.gpu_memory_utilization, Percent),
                term("M", blocks.capacity, Bytes),
                term("W", blocks.weights, Bytes),
                term("A", blocks.activations, Bytes),
                term("O", blocks.overhead, Bytes),
                term("b", v.block_tokens as f64, Count),
                term("kv", blocks.per_token, Bytes),
            ],
            blocks.total as f64,
            Count,
            Some("per GPU; activations for one step's token budget and the running cap's logits; kv is one token's cache on this GPU"),
        ),
        step,
    ];
    if let Some(sp) = spec {
        derivations.push(derivation(
            "serve.spec_tokens",
            "Tokens per speculative step (expected)",
            "E",
            "(1 − a^(k + 1)) / (1 − a)",
            vec![
                term("a", sp.acceptance, Ratio),
                term("k", sp.k as f64, Count),
            ],
            sp.tokens_per_step(),
            Ratio,
            Some("each of the k drafts accepted with probability a until the first rejection, plus the target's own token; drawn per sequence and step from the seeded RNG, this is their mean"),
        ));
    }
    ServeResult {
        ttft,
        tpot,
        e2e,
        requests_per_s: per_s(done.len() as f64),
        output_tokens_per_s: per_s(tokens),
        goodput_requests_per_s: per_s(good as f64),
        running_mean,
        in_system_mean,
        span_s: span,
        finished: done.len(),
        steps,
        preemptions,
        kv_blocks_total: blocks.total,
        block_tokens: v.block_tokens,
        timeline,
        derivations,
        warnings,
        records,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Spec;

    /// A step of speculative decodes alone, on the remembered lines, is the static
    /// speculative step (`spec::Speculation::step_time`) at the same batch and context.
    #[test]
    fn a_speculative_decode_step_is_the_static_one() {
        for q in [
            "model=llama-3.1-8b&draft=llama-3.2-1b&k=4&acc=70",
            // Sliding-window layers: no lines, `Ctx::step` every time.
            "model=gemma-2-9b&draft=llama-3.2-1b&k=2&acc=50",
            // Two pipeline stages: a step's work is one microbatch's, run PP times.
            "model=llama-3.1-70b&gpu=h100-sxm&gpus=2&pp=2&draft=llama-3.2-1b&k=4&acc=70",
        ] {
            let (spec, problems) = Spec::from_query(q);
            assert!(problems.is_empty(), "{problems:?}");
            let s = spec.scenario();
            let d = spec::draft_scenario(&s).unwrap();
            let sp = s.speculative.as_ref().unwrap();
            let make = || Speculation::new(&d, sp.tokens, sp.acceptance, 8191);
            let mut sm = StepModel::new(Ctx::new(&s, s.model.params()), Some(make()));
            for (batch, context) in [(1u64, 2100.0), (8, 700.5), (8, 3000.0)] {
                let b = Batch {
                    decodes: batch,
                    decode_context: batch as f64 * context,
                    ..Batch::default()
                };
                let want = make().step_time(&sm.c, batch as f64, context);
                let got = sm.time(&b);
                assert!(
                    (got - want).abs() <= 1e-9 * want,
                    "{q} batch {batch} context {context}: {got} vs {want}"
                );
            }
        }
    }
}

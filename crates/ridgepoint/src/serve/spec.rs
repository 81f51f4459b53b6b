//! Speculative decoding in the serving loop, on the static estimate's step model
//! (`estimate::evaluate`'s [`crate::estimate::SpecFigures`]): one speculative step of `b`
//! running sequences is `k` decode steps of the draft model at batch `b` followed by one step
//! of the target verifying `k + 1` tokens per sequence (`Ctx::step(b, k + 1, context)`), each
//! at its calibrated time; a sequence yields (1 − α^(k+1)) / (1 − α) tokens per step on
//! average (`k + 1` at α = 1).
//!
//! Acceptance is drawn, not averaged: the sequence's `k` drafted tokens are accepted one after
//! another, each with probability α, until the first rejection, and the target adds one token
//! of its own (so 1 to `k + 1` tokens, with the mean above). The draws come from the run's
//! seeded RNG on a stream of their own, so the same seed gives the same result and changing
//! α does not move the arrivals or the lengths. Drawing (rather than crediting the mean)
//! keeps a request's output a whole number of tokens and gives TPOT the spread across
//! requests that speculation really has.
//!
//! What the static estimate leaves out is left out here too: the draft model's weights and KV
//! cache are not taken from the KV-cache pool, and its prefill of each prompt is not timed.
//!
//! `estimate::evaluate` takes [`tokens_per_step`] from here and builds its step time from the
//! same `Ctx` calls; the test below holds the two equal to the last bit, so a change to one
//! that is not made to the other fails.

use crate::estimate::{Ctx, Work};
use crate::scenario::Scenario;

/// Expected tokens a sequence yields per speculative step with `k` drafts accepted each with
/// probability `acceptance` (clamped to 0–1): (1 − α^(k+1)) / (1 − α), `k + 1` at α = 1.
pub(crate) fn tokens_per_step(k: u32, acceptance: f64) -> f64 {
    let k = k.max(1) as f64;
    let a = acceptance.clamp(0.0, 1.0);
    if a >= 1.0 {
        k + 1.0
    } else {
        (1.0 - a.powf(k + 1.0)) / (1.0 - a)
    }
}

/// The draft model's scenario: the target's (GPU, formats, parallelism, efficiencies) with
/// the draft model and no speculation of its own, as `estimate::evaluate` builds it.
pub(crate) fn draft_scenario(s: &Scenario) -> Option<Scenario> {
    let sp = s.speculative.as_ref()?;
    let mut d = s.clone();
    d.model = sp.draft.clone();
    d.speculative = None;
    Some(d)
}

/// Speculation for one run: the draft's step model, `k` and α.
pub(crate) struct Speculation<'a> {
    pub(crate) draft: Ctx<'a>,
    /// Drafted tokens per step (at least 1).
    pub(crate) k: u32,
    pub(crate) acceptance: f64,
}

impl<'a> Speculation<'a> {
    /// From the draft's scenario ([`draft_scenario`]) and the target's speculation settings;
    /// `k` is capped at `max_k` (the step's token budget less the target's own token).
    pub(crate) fn new(draft: &'a Scenario, k: u32, acceptance: f64, max_k: u32) -> Self {
        Speculation {
            draft: Ctx::new(draft, draft.model.params()),
            k: k.clamp(1, max_k.max(1)),
            acceptance: acceptance.clamp(0.0, 1.0),
        }
    }

    /// Tokens each sequence adds to the target's verification step: `k + 1`.
    pub(crate) fn per_seq(&self) -> f64 {
        self.k as f64 + 1.0
    }

    /// One draft decode step's work for `batch` sequences at `context` (`Ctx::step` of the
    /// draft model).
    pub(crate) fn draft_work(&self, batch: f64, context: f64) -> Work {
        self.draft.step(batch, 1.0, context)
    }

    /// The `k` draft steps' calibrated time, from one step's work.
    pub(crate) fn drafts_time(&self, w: Work) -> f64 {
        let eff = &self.draft.s.efficiency;
        self.k as f64 * self.draft.phase(w, eff).calibrated_time.get()
    }

    /// The calibrated time of a whole speculative decode step of `batch` sequences at
    /// `context` with no prefill in it: `k` draft steps plus the target verifying `k + 1`
    /// tokens per sequence (`SpecFigures::step_time`). The loop composes the same two parts
    /// on its remembered lines (`sim::StepModel::time`); the tests hold both to this.
    #[cfg(test)]
    pub(crate) fn step_time(&self, target: &Ctx, batch: f64, context: f64) -> f64 {
        let verify = target.step(batch, self.per_seq(), context);
        self.drafts_time(self.draft_work(batch, context))
            + target
                .phase(verify, &target.s.efficiency)
                .calibrated_time
                .get()
    }

    /// Tokens one sequence yields from one step: 1 plus the drafts accepted in a row, each
    /// with probability α, `unit` drawing uniformly from (0, 1).
    pub(crate) fn accepted(&self, mut unit: impl FnMut() -> f64) -> u64 {
        let mut n = 1;
        while n <= self.k as u64 && unit() < self.acceptance {
            n += 1;
        }
        n
    }

    /// Expected tokens per step ([`tokens_per_step`]).
    pub(crate) fn tokens_per_step(&self) -> f64 {
        tokens_per_step(self.k, self.acceptance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::evaluate;
    use crate::query::Spec;

    fn scenario(q: &str) -> Scenario {
        let (spec, problems) = Spec::from_query(q);
        assert!(problems.is_empty(), "{problems:?}");
        spec.scenario()
    }

    /// The step time and tokens per step the static estimate reports, to the last bit, at
    /// several batches, GPUs counts and acceptances (the estimate's decode context).
    #[test]
    fn the_same_figures_as_the_static_estimate() {
        for q in [
            "draft=llama-3.2-1b&k=4&acc=70&model=llama-3.1-8b",
            "draft=llama-3.2-1b&k=7&acc=95&model=llama-3.1-70b&gpus=4&gpu=h100-sxm",
            "draft=qwen3-0.6b&k=1&acc=0&model=qwen3-8b",
            "draft=qwen3-0.6b&k=3&acc=100&model=qwen3-30b-a3b",
            "draft=llama-3.2-1b&k=4&acc=70&model=llama-3.1-70b&gpu=h100-sxm&gpus=2&pp=2",
        ] {
            for batch in [1u32, 3, 32] {
                let mut s = scenario(q);
                s.batch = batch;
                let e = evaluate(&s);
                let fig = e.speculative.expect("speculation on");
                let sp = s.speculative.as_ref().unwrap();
                let d = draft_scenario(&s).unwrap();
                let spec = Speculation::new(&d, sp.tokens, sp.acceptance, u32::MAX);
                let c = Ctx::new(&s, s.model.params());
                let t = spec.step_time(&c, batch as f64, e.decode_context);
                assert_eq!(t, fig.step_time.get(), "{q} batch {batch}");
                assert_eq!(spec.tokens_per_step(), fig.tokens_per_step, "{q}");
            }
        }
    }

    /// Drawn acceptance: 1 to k + 1 tokens, the mean (1 − α^(k+1)) / (1 − α).
    #[test]
    fn drawn_tokens_average_the_formula() {
        let s = scenario("draft=llama-3.2-1b&k=4&acc=70&model=llama-3.1-8b");
        let d = draft_scenario(&s).unwrap();
        let spec = Speculation::new(&d, 4, 0.7, u32::MAX);
        // (1 − 0.7⁵) / 0.3 = (1 − 0.16807) / 0.3.
        let mean = (1.0 - 0.16807) / 0.3;
        assert!((spec.tokens_per_step() - mean).abs() < 1e-12);
        let mut rng = super::super::sim::Rng::new(7, 4);
        let mut unit = move || rng.unit();
        let n = 100_000;
        let draws: Vec<u64> = (0..n).map(|_| spec.accepted(&mut unit)).collect();
        assert!(draws.iter().all(|t| (1..=5).contains(t)));
        let avg = draws.iter().sum::<u64>() as f64 / n as f64;
        assert!((avg - mean).abs() < 0.01, "{avg} vs {mean}");
        // k is capped by the token budget.
        assert_eq!(Speculation::new(&d, 16, 0.7, 3).k, 3);
    }
}

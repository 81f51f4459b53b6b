//! Practice mode: interview-style questions about random scenarios, with the engine's answer and the
//! derivations that explain it.

use crate::estimate::estimate;
use crate::precision::Precision;
use crate::query::Spec;
use crate::units::Unit;
use crate::Derivation;

/// What a question asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// Yes or no: does it fit in memory?
    Fits,
    /// Time per output token at 100% of peak, milliseconds.
    TpotFloorMs,
    /// Decode arithmetic intensity, FLOP/byte.
    DecodeIntensity,
    /// KV cache per token, kilobytes.
    KvPerTokenKb,
    /// Time to first token at 100% of peak, milliseconds.
    TtftFloorMs,
}

/// One question and its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub spec: Spec,
    pub ask: Ask,
    pub text: String,
    /// The engine's answer: 1.0/0.0 for yes/no, else the value in the unit the text names.
    pub answer: f64,
    /// The answer as the page shows it.
    pub answer_text: String,
    /// How the answer is made.
    pub derivations: Vec<Derivation>,
}

const GPUS: [&str; 6] = [
    "a100-80gb-sxm",
    "h100-sxm",
    "h200-sxm",
    "l40s",
    "rtx-4090",
    "mi300x",
];
const MODELS: [&str; 7] = [
    "llama-2-7b",
    "llama-2-70b",
    "llama-3.1-8b",
    "llama-3.1-70b",
    "mixtral-8x7b",
    "qwen2.5-32b",
    "gemma-2-9b",
];
const PRECISIONS: [Precision; 4] = [
    Precision::Fp16,
    Precision::Fp8,
    Precision::Int8,
    Precision::Int4,
];

fn split(seed: u64, n: usize) -> (usize, u64) {
    ((seed % n as u64) as usize, seed / n as u64)
}

/// The question numbered `seed` (any u64 gives a valid question; the same seed, the same one).
pub fn question(seed: u64) -> Question {
    let mix = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17) ^ seed;
    let (g, r) = split(mix, GPUS.len());
    let (m, r) = split(r, MODELS.len());
    let (p, r) = split(r, PRECISIONS.len());
    let (b, r) = split(r, 8);
    let (c, r) = split(r, 5);
    let (a, _) = split(r, 5);
    let ask = [
        Ask::Fits,
        Ask::TpotFloorMs,
        Ask::DecodeIntensity,
        Ask::KvPerTokenKb,
        Ask::TtftFloorMs,
    ][a];
    let spec = Spec {
        gpu: GPUS[g].into(),
        model: MODELS[m].into(),
        weights: PRECISIONS[p],
        kv: if PRECISIONS[p] == Precision::Fp8 {
            Precision::Fp8
        } else {
            Precision::Fp16
        },
        batch: 1 << b,
        prompt: [512, 1024, 2048, 4096, 8192][c],
        output: 256,
        ..Spec::default()
    };
    let s = spec.scenario();
    let e = estimate(&s);
    // A time is asked only of a setup that runs: one that does not fit asks whether it fits.
    let ask = match ask {
        Ask::TpotFloorMs | Ask::TtftFloorMs if !e.memory.fits => Ask::Fits,
        a => a,
    };
    let on = format!(
        "{} on one {} at {}, batch {}, {} prompt + {} output tokens",
        s.model.name,
        s.gpu.name,
        s.weights.label(),
        s.batch,
        s.prompt,
        s.output
    );
    let keys: &[&str];
    let (text, answer, answer_text) = match ask {
        Ask::Fits => {
            keys = &[
                "memory.weights_bytes",
                "memory.kv_cache_bytes",
                "memory.total_bytes",
            ];
            let fits = e.memory.fits;
            (
                format!("Does {on} fit in memory?"),
                fits as u8 as f64,
                format!(
                    "{}: {} needed of {}",
                    if fits { "Yes" } else { "No" },
                    Unit::Bytes.format(e.memory.total.get()),
                    Unit::Bytes.format(e.memory.capacity.get())
                ),
            )
        }
        Ask::TpotFloorMs => {
            keys = &["decode.memory_time", "decode.compute_time", "tpot_floor_s"];
            let v = e.floor.tpot.get() * 1e3;
            (
                format!("{on}: what is the time per output token at 100% of peak, in ms?"),
                v,
                Unit::Seconds.format(e.floor.tpot.get()),
            )
        }
        Ask::DecodeIntensity => {
            keys = &["decode.intensity", "ridge_flop_per_byte"];
            let v = e.decode.intensity.get();
            (
                format!("{on}: what is the arithmetic intensity of a decode step, in FLOP/byte?"),
                v,
                Unit::FlopPerByte.format(v),
            )
        }
        Ask::KvPerTokenKb => {
            keys = &["kv_per_token"];
            let v = e.kv_per_token.get() / 1e3;
            (
                format!(
                    "How many kilobytes of KV cache does one token of {} take at {}?",
                    s.model.name,
                    s.kv.label()
                ),
                v,
                Unit::Bytes.format(e.kv_per_token.get()),
            )
        }
        Ask::TtftFloorMs => {
            keys = &["prefill.intensity", "ttft_floor_s"];
            let v = e.floor.ttft.get() * 1e3;
            (
                format!("{on}: what is the time to first token at 100% of peak, in ms?"),
                v,
                Unit::Seconds.format(e.floor.ttft.get()),
            )
        }
    };
    let derivations = keys
        .iter()
        .filter_map(|k| e.derivation(k).cloned())
        .collect();
    Question {
        spec,
        ask,
        text,
        answer,
        answer_text,
        derivations,
    }
}

/// How far `guess` is from the answer: relative error for numbers (guess / answer − 1), 0 or 1
/// for yes/no.
pub fn error(q: &Question, guess: f64) -> f64 {
    match q.ask {
        Ask::Fits => ((guess >= 0.5) != (q.answer >= 0.5)) as u8 as f64,
        _ => guess / q.answer - 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_gives_a_finite_answer_with_its_derivations() {
        for seed in 0..2000u64 {
            let q = question(seed.wrapping_mul(7919));
            assert!(q.answer.is_finite() && q.answer >= 0.0, "{seed}: {q:?}");
            assert!(!q.derivations.is_empty(), "{seed}");
            assert!(q.text.ends_with('?'));
        }
        assert_eq!(question(42), question(42));
        let kinds: std::collections::HashSet<_> =
            (0..200).map(|s| format!("{:?}", question(s).ask)).collect();
        assert_eq!(kinds.len(), 5, "every kind of question comes up");
    }

    #[test]
    fn times_are_asked_only_of_setups_that_fit() {
        let mut times = 0;
        for n in 0..3000u64 {
            let q = question(n);
            if matches!(q.ask, Ask::TpotFloorMs | Ask::TtftFloorMs) {
                times += 1;
                let e = estimate(&q.spec.scenario());
                assert!(e.memory.fits, "{n}: {}", q.text);
            }
        }
        assert!(times > 100, "times are still asked: {times}");
    }

    #[test]
    fn errors_are_relative_and_yes_no_is_right_or_wrong() {
        let mut q = question(1);
        q.ask = Ask::TpotFloorMs;
        q.answer = 10.0;
        assert!((error(&q, 12.0) - 0.2).abs() < 1e-12);
        q.ask = Ask::Fits;
        q.answer = 1.0;
        assert_eq!(error(&q, 1.0), 0.0);
        assert_eq!(error(&q, 0.0), 1.0);
    }
}

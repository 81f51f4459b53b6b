//! Five takeaways about LLM inference, as numbers of the current scenario and as sentences
//! built from those numbers, so that each claim follows the scenario: a compute-bound decode is
//! called so, a ratio reads "× more" or "× less", a comparison uses a batch that makes the
//! point and says which. Also the few other sentences of the page that state a verdict
//! ([`roofline_heading`], [`why_decode`], [`fit_matrix_lede`]).

use crate::estimate::{evaluate, Bound, Estimate};
use crate::precision::Precision;
use crate::scenario::Scenario;
use crate::series::Series;
use crate::units::{sig3, Unit};

/// Why the batching takeaway compares batch 1 with the batch it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compared {
    /// The scenario's own batch (above 1).
    Scenario,
    /// The throughput knee (the scenario runs batch 1).
    Knee,
    /// The largest batch that fits, when the knee does not fit (the scenario runs batch 1).
    LargestFitting,
    /// Batch 1 × 8, when nothing larger than 1 fits or the knee is at 1.
    TimesEight,
}

/// The figures the takeaways quote.
#[derive(Clone, Debug, PartialEq)]
pub struct Takeaways {
    /// Decode intensity and the ridge (FLOP/B).
    pub decode_intensity: f64,
    pub ridge: f64,
    /// Whether the scenario's decode step is compute-bound (intensity at or past the ridge).
    pub decode_bound: Bound,
    /// Share of the step the tensor cores are busy at the floor: compute time / step time.
    pub tensor_busy: f64,
    /// The scenario's batch and prompt length.
    pub batch: u32,
    pub prompt: u32,
    /// Whether the scenario's prefill is compute-bound.
    pub prefill_bound: Bound,
    /// Prefill intensity with a 1-token prompt at the scenario's batch (FLOP/B).
    pub prefill_intensity_1: f64,
    /// The shortest prompt the prefill sweep (and its chart) shows.
    pub prompt_sweep_start: f64,
    /// Prompt length (tokens) where prefill crosses the ridge, if within the sweep (log-log
    /// interpolated between the swept lengths around it; the sweep's first length if it is
    /// already past the ridge there).
    pub prefill_crossing: Option<f64>,
    /// The batch the batching takeaway compares batch 1 with, and why that one.
    pub compared_batch: u32,
    pub compared: Compared,
    /// Decode step time (floor) at batch 1 and at the compared batch.
    pub step_batch1: f64,
    pub step_batch: f64,
    /// Decode throughput (floor) at batch 1 and at the compared batch.
    pub tokens_batch1: f64,
    pub tokens_batch: f64,
    /// KV bytes per token and the batch where the cache overtakes the weights.
    pub kv_per_token: f64,
    pub kv_crossover: Option<u32>,
    /// Decode step and prefill time (floor) at FP16 and at INT4 weights.
    pub decode_fp16: f64,
    pub decode_int4: f64,
    pub prefill_fp16: f64,
    pub prefill_int4: f64,
    /// Whether the scenario fits in memory, what it needs and what a GPU holds (bytes).
    pub fits: bool,
    pub memory_needed: f64,
    pub capacity: f64,
}

/// One takeaway: a claim in bold, then the scenario's numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub lead: String,
    pub body: String,
}

/// The takeaways of `s`, given its sweeps.
pub fn takeaways(s: &Scenario, series: &Series) -> Takeaways {
    let e = evaluate(s);
    let at = |batch: u32, prompt: u32, weights: Precision| {
        let mut t = s.clone();
        t.batch = batch;
        t.prompt = prompt;
        t.weights = weights;
        t.speculative = None;
        evaluate(&t)
    };
    let one = at(1, s.prompt, s.weights);
    let (compared_batch, compared) = if s.batch > 1 {
        (s.batch, Compared::Scenario)
    } else {
        let knee = e.knee.batch.round();
        if knee >= 2.0 && knee <= e.max_batch as f64 {
            (knee as u32, Compared::Knee)
        } else if e.max_batch >= 2 && knee > e.max_batch as f64 {
            (e.max_batch, Compared::LargestFitting)
        } else {
            (8, Compared::TimesEight)
        }
    };
    let other = if compared_batch == s.batch {
        e.clone()
    } else {
        at(compared_batch, s.prompt, s.weights)
    };
    let fp16 = at(s.batch, s.prompt, Precision::Fp16);
    let int4 = at(s.batch, s.prompt, Precision::Int4);
    let short = at(s.batch, 1, s.weights);
    Takeaways {
        decode_intensity: e.decode.intensity.get(),
        ridge: e.ridge.get(),
        decode_bound: e.decode.bound,
        tensor_busy: e.decode.compute_time.get() / e.decode.time.get(),
        batch: s.batch,
        prompt: s.prompt,
        prefill_bound: e.prefill.bound,
        prefill_intensity_1: short.prefill.intensity.get(),
        prompt_sweep_start: series.prompt.first().map_or(f64::NAN, |p| p.tokens),
        // Interpolated like the prefill-intensity chart's marker, so both say the same.
        prefill_crossing: crate::series::crossing(
            &series.prompt.iter().map(|p| p.tokens).collect::<Vec<_>>(),
            &series
                .prompt
                .iter()
                .map(|p| p.intensity)
                .collect::<Vec<_>>(),
            series.ridge,
        ),
        compared_batch,
        compared,
        step_batch1: one.decode.time.get(),
        step_batch: other.decode.time.get(),
        tokens_batch1: 1.0 / one.decode.time.get(),
        tokens_batch: other.decode.tokens / other.decode.time.get(),
        kv_per_token: e.kv_per_token.get(),
        kv_crossover: e.kv_crossover_batch,
        decode_fp16: fp16.decode.time.get(),
        decode_int4: int4.decode.time.get(),
        prefill_fp16: fp16.prefill.time.get(),
        prefill_int4: int4.prefill.time.get(),
        fits: e.memory.fits,
        memory_needed: e.memory.total.get(),
        capacity: e.memory.capacity.get(),
    }
}

/// "1 token", "2,048 tokens": a count and its noun, agreeing.
pub fn count(n: f64, one: &str, many: &str) -> String {
    let word = if n == 1.0 { one } else { many };
    format!("{} {word}", Unit::Count.format(n))
}

/// How `new` compares with `old` for a quantity where more is `more` ("more", "faster"):
/// "7.8× more", "3.1× less", or "about the same" within 5%. Never "0.05× less".
pub fn ratio_words(old: f64, new: f64, more: &str, less: &str) -> String {
    if !(old.is_finite() && new.is_finite()) || old <= 0.0 || new <= 0.0 {
        return "not comparable".into();
    }
    let r = new / old;
    if r >= 1.05 {
        format!("{}× {more}", sig3(r))
    } else if r <= 1.0 / 1.05 {
        format!("{}× {less}", sig3(1.0 / r))
    } else {
        "about the same".into()
    }
}

/// How many times longer the longer of two times is, and which: "memory reads take 153×
/// longer than the math", "the math takes 19× longer than the memory reads", or "the memory
/// reads and the math take about as long" (within 5%).
pub fn longer(memory: f64, compute: f64) -> String {
    if !(memory > 0.0 && compute > 0.0) {
        return "the memory reads and the math cannot be compared".into();
    }
    let r = memory / compute;
    if r >= 1.05 {
        format!("the memory reads take {}× longer than the math", sig3(r))
    } else if r <= 1.0 / 1.05 {
        format!(
            "the math takes {}× longer than the memory reads",
            sig3(1.0 / r)
        )
    } else {
        "the memory reads and the math take about as long".into()
    }
}

impl Takeaways {
    /// When the scenario does not fit, what it needs and has: every time the takeaways quote
    /// is what it would take if it ran.
    pub fn caveat(&self) -> Option<String> {
        (!self.fits).then(|| {
            format!(
                "This setup does not fit: it needs {} per GPU of {}. The times below are what it \
                 would take if it ran.",
                Unit::Bytes.format(self.memory_needed),
                Unit::Bytes.format(self.capacity)
            )
        })
    }

    /// The five takeaways in words.
    pub fn sentences(&self) -> Vec<Sentence> {
        vec![
            self.decode(),
            self.prefill(),
            self.batching(),
            self.kv(),
            self.quantization(),
        ]
    }

    fn decode(&self) -> Sentence {
        let busy = Unit::Percent.format(self.tensor_busy.clamp(0.0, 1.0));
        let (i, r) = (sig3(self.decode_intensity), sig3(self.ridge));
        match self.decode_bound {
            Bound::Memory => Sentence {
                lead: "Decode is memory-bandwidth-bound here.".into(),
                body: format!(
                    "Decode runs at {i} FLOP/byte against a ridge of {r} FLOP/byte at batch {}: \
                     the tensor cores are busy {busy} of each step.",
                    self.batch
                ),
            },
            Bound::Compute => Sentence {
                lead: "Decode is compute-bound here.".into(),
                body: format!(
                    "Decode runs at {i} FLOP/byte, past the ridge of {r} FLOP/byte, at batch {}: \
                     the tensor cores are busy {busy} of each step, and each more sequence adds \
                     time.",
                    self.batch
                ),
            },
        }
    }

    fn prefill(&self) -> Sentence {
        let lead = match self.prefill_bound {
            Bound::Compute => format!(
                "Prefill of a {}-token prompt is compute-bound.",
                Unit::Count.format(self.prompt as f64)
            ),
            Bound::Memory => format!(
                "Prefill of a {}-token prompt is still memory-bound.",
                Unit::Count.format(self.prompt as f64)
            ),
        };
        let batch = format!("batch {}", self.batch);
        let body = if self.prefill_intensity_1 >= self.ridge {
            format!(
                "At {batch} it is already past the ridge at 1 token per prompt ({} FLOP/byte \
                 against {}): the batch's prompts share each weight read.",
                sig3(self.prefill_intensity_1),
                sig3(self.ridge)
            )
        } else {
            match self.prefill_crossing {
                Some(n) if n > self.prompt_sweep_start => format!(
                    "Its intensity grows with the prompt and crosses the ridge at about {} per \
                     prompt ({batch}).",
                    count(crate::series::round2(n), "token", "tokens")
                ),
                Some(_) => format!(
                    "Its intensity grows with the prompt and crosses the ridge between 1 and {} \
                     per prompt ({batch}).",
                    count(self.prompt_sweep_start, "token", "tokens")
                ),
                None => format!(
                    "Here it stays below the ridge across the prompt lengths shown ({batch})."
                ),
            }
        };
        Sentence { lead, body }
    }

    fn batching(&self) -> Sentence {
        let b = self.compared_batch;
        let which = match self.compared {
            Compared::Scenario => format!("batch {b}"),
            Compared::Knee => format!("batch {b}, the throughput knee"),
            Compared::LargestFitting => format!("batch {b}, the largest that fits"),
            Compared::TimesEight => format!("batch {b} (×8)"),
        };
        let gain = self.tokens_batch / self.tokens_batch1;
        let lead = if gain >= 1.05 {
            "Batching is the lever for decode throughput."
        } else {
            "Here batching buys little decode throughput."
        };
        let ms = |v: f64| Unit::Seconds.format(v);
        Sentence {
            lead: lead.into(),
            body: format!(
                "A decode step takes {} at batch 1 and {} at {which}: {} tokens/s become {}.",
                ms(self.step_batch1),
                ms(self.step_batch),
                sig3(self.tokens_batch1),
                sig3(self.tokens_batch),
            ),
        }
    }

    fn kv(&self) -> Sentence {
        let tail = match self.kv_crossover {
            Some(b) if b <= self.batch => format!(
                ", and at batch {} it already outweighs the weights (from batch {b} at this \
                 context)",
                self.batch
            ),
            Some(b) => format!(", and it outweighs the weights from batch {b} at this context"),
            None => String::new(),
        };
        Sentence {
            lead: "KV cache grows with batch × context × layers × KV heads × head_dim.".into(),
            body: format!(
                "Here it is {} per token{tail}.",
                Unit::Bytes.format(self.kv_per_token)
            ),
        }
    }

    fn quantization(&self) -> Sentence {
        let ms = |v: f64| Unit::Seconds.format(v);
        let d = self.decode_fp16 / self.decode_int4;
        let p = self.prefill_fp16 / self.prefill_int4;
        let lead = if d > p * 1.05 {
            "Quantization helps decode more than prefill."
        } else if p > d * 1.05 {
            "Here quantization helps prefill more than decode."
        } else {
            "Here quantization helps decode and prefill alike."
        };
        let phase = |fp16: f64, int4: f64| {
            let words = ratio_words(int4, fp16, "faster", "slower");
            let words = if words == "about the same" {
                "no faster".to_string()
            } else {
                words
            };
            format!("{words} ({} → {})", ms(fp16), ms(int4))
        };
        Sentence {
            lead: lead.into(),
            body: format!(
                "FP16 → INT4 weights make a decode step {}, the prefill {}.",
                phase(self.decode_fp16, self.decode_int4),
                phase(self.prefill_fp16, self.prefill_int4)
            ),
        }
    }
}

/// The roofline section's heading: what bounds prefill and decode in this scenario.
pub fn roofline_heading(e: &Estimate) -> String {
    let p = e.prefill.bound.label();
    let d = e.decode.bound.label();
    if e.prefill.bound == e.decode.bound {
        format!("The roofline: here prefill and decode are both {p}")
    } else {
        format!("The roofline: here prefill is {p}, decode is {d}")
    }
}

/// "Why decode is slow": what one decode step reads and computes, and which takes longer.
pub fn why_decode(e: &Estimate) -> String {
    format!(
        "Each decode step reads {} from memory and does {} of arithmetic. At {} the reads take \
         {}; at {} the math takes {}: {}.",
        Unit::Bytes.format(e.decode.bytes.get()),
        Unit::Flops.format(e.decode.flops.get()),
        Unit::BytesPerSec.format(e.bandwidth.get()),
        Unit::Seconds.format(e.decode.memory_time.get()),
        Unit::FlopsPerSec.format(e.peak.get()),
        Unit::Seconds.format(e.decode.compute_time.get()),
        longer(e.decode.memory_time.get(), e.decode.compute_time.get()),
    )
}

/// The fit matrix's lede: which GPU, how many and at which workload it is drawn.
pub fn fit_matrix_lede(s: &Scenario) -> String {
    let gpus = if s.total_gpus() > 1 {
        format!("{} × {}", s.total_gpus(), s.gpu.name)
    } else {
        format!("one {}", s.gpu.name)
    };
    format!(
        "Does a model fit on {gpus}? Every catalog model at each weight precision, at batch {} \
         and {} of context, as memory per GPU. Click a cell to load that model and precision.",
        s.batch,
        count((s.prompt as f64) + (s.output as f64), "token", "tokens")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Spec;

    fn of(spec: Spec) -> (Scenario, Takeaways, Vec<Sentence>) {
        let s = spec.scenario();
        let t = takeaways(&s, &crate::series::series(&s));
        let w = t.sentences();
        (s, t, w)
    }

    fn text(w: &[Sentence]) -> String {
        w.iter()
            .map(|s| format!("{} {}", s.lead, s.body))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_default_scenario_reads_like_the_article() {
        let mut s = crate::Spec::default().scenario();
        s.prompt = 1;
        s.output = 1;
        let t = takeaways(&s, &crate::series::series(&s));
        assert!((t.decode_intensity - 1.0).abs() < 0.02);
        assert!(
            t.tensor_busy < 0.01,
            "tensor cores idle ~99%: {}",
            t.tensor_busy
        );
        let crossing = t.prefill_crossing.unwrap();
        assert!((128.0..=256.0).contains(&crossing), "{crossing}");
        // INT4 (4.25 bits) cuts the decode floor ≈3.7×; a 2048-token prefill barely moves.
        assert!((3.4..3.9).contains(&(t.decode_fp16 / t.decode_int4)));
        let s = crate::Spec::default().scenario();
        let t = takeaways(&s, &crate::series::series(&s));
        assert!(t.prefill_fp16 / t.prefill_int4 < 1.05);
    }

    #[test]
    fn ratios_read_more_or_less_never_a_fraction() {
        assert_eq!(ratio_words(10.0, 78.0, "more", "less"), "7.8× more");
        // 173 ms against 9.1 ms: the second is 19× less, never "0.0526× less".
        assert_eq!(ratio_words(0.173, 0.0091, "more", "less"), "19× less");
        assert_eq!(ratio_words(1.0, 1.04, "more", "less"), "about the same");
        assert_eq!(ratio_words(1.0, 0.0, "more", "less"), "not comparable");
        assert_eq!(
            longer(0.0091, 0.173),
            "the math takes 19× longer than the memory reads"
        );
        assert_eq!(
            longer(0.153, 0.001),
            "the memory reads take 153× longer than the math"
        );
        assert_eq!(count(1.0, "token", "tokens"), "1 token");
        assert_eq!(count(2048.0, "token", "tokens"), "2,048 tokens");
    }

    #[test]
    fn batch_1_compares_with_the_knee_not_with_itself() {
        let (_, t, w) = of(Spec::default());
        assert_eq!(t.batch, 1);
        assert_ne!(t.compared_batch, 1);
        let b = &w[2].body;
        assert!(
            !b.contains("at batch 1 and") || !b.ends_with("at batch 1"),
            "{b}"
        );
        assert!(
            b.contains(&format!("batch {}", t.compared_batch)),
            "names the batch: {b}"
        );
        // A step at batch 1 reads the weights once per token; the knee shares that read: more
        // tokens per second, never fewer.
        assert!(t.tokens_batch > t.tokens_batch1 * 1.05);
        // Llama-2-7B at FP16 on one A100 80GB: 13.5 GB of weights leave room for many
        // sequences, so the knee fits and is the batch compared.
        assert_eq!(t.compared, Compared::Knee, "{b}");
        assert!(b.contains("the throughput knee"), "{b}");
    }

    #[test]
    fn batch_4096_one_token_each_is_compute_bound_and_says_so() {
        // Llama-2-7B FP16: 2 FLOP per weight per token and 2 bytes per weight, so a decode
        // step at batch 4096 does ≈4096 FLOP per weight byte read (KV reads of 1-2 tokens are
        // small beside 13.5 GB of weights); the A100's ridge is 312 TFLOP/s / 2.039 TB/s ≈ 153.
        let (_, t, w) = of(Spec {
            batch: 4096,
            prompt: 1,
            output: 1,
            ..Spec::default()
        });
        assert!(t.decode_intensity > 1000.0, "{}", t.decode_intensity);
        assert_eq!(t.decode_bound, Bound::Compute);
        assert_eq!(w[0].lead, "Decode is compute-bound here.");
        assert!(w[0].body.contains("past the ridge"), "{}", w[0].body);
        // Prefill of 4096 one-token prompts is the same ≈4096 FLOP/B: past the ridge already.
        assert!(t.prefill_intensity_1 > t.ridge);
        assert!(
            w[1].body
                .contains("already past the ridge at 1 token per prompt"),
            "{}",
            w[1].body
        );
        assert_eq!(w[1].lead, "Prefill of a 1-token prompt is compute-bound.");
        let all = text(&w);
        assert!(!all.contains("1 tokens"), "{all}");
        assert!(!all.contains("× less"), "{all}");
        assert!(
            w[4].body
                .starts_with("FP16 → INT4 weights make a decode step no faster"),
            "compute-bound: INT4 is dequantized to FP16, the math stays: {}",
            w[4].body
        );
        assert!(w[2].body.contains("at batch 4096"), "{}", w[2].body);
    }

    #[test]
    fn a_1_token_prompt_at_batch_1_crosses_inside_the_sweep() {
        let (_, t, w) = of(Spec {
            prompt: 1,
            ..Spec::default()
        });
        // Batch 1, 1 token: intensity ≈1 FLOP/B, far below the ridge (≈153).
        assert!(t.prefill_intensity_1 < t.ridge);
        assert_eq!(t.prefill_bound, Bound::Memory);
        assert_eq!(
            w[1].lead,
            "Prefill of a 1-token prompt is still memory-bound."
        );
        assert!(
            w[1].body.contains("crosses the ridge at about"),
            "{}",
            w[1].body
        );
        assert!(!text(&w).contains("1 tokens"));
    }

    #[test]
    fn a_model_that_does_not_fit_says_so_first() {
        // Llama-2-70B at FP16: ≈69e9 parameters × 2 bytes ≈ 138 GB > 85.9 GB (81,920 MiB) on one A100.
        let (_, t, w) = of(Spec {
            model: "llama-2-70b".into(),
            ..Spec::default()
        });
        assert!(!t.fits);
        assert!(t.memory_needed > 130e9 && t.memory_needed > t.capacity);
        let c = t.caveat().expect("a caveat");
        assert!(c.starts_with("This setup does not fit: it needs 1"), "{c}");
        assert!(c.contains("of 85.9 GB"), "{c}"); // 81,920 MiB as nvidia-smi reports it
                                                  // Nothing fits, so no knee or largest batch to compare with: ×8, said so.
        assert_eq!(t.compared, Compared::TimesEight);
        assert!(w[2].body.contains("batch 8 (×8)"), "{}", w[2].body);
        let (_, fits, _) = of(Spec::default());
        assert_eq!(fits.caveat(), None);
    }

    #[test]
    fn sixty_four_gpus_read_per_gpu() {
        let (s, t, w) = of(Spec {
            model: "llama-3.1-70b".into(),
            gpus: 64,
            batch: 8,
            ..Spec::default()
        });
        assert_eq!(s.gpus, 64);
        assert!(t.fits);
        // Each GPU holds 1/64 of ≈141 GB of FP16 weights (≈2.2 GB): batch 8 is far below
        // the ridge, memory-bound.
        assert_eq!(t.decode_bound, Bound::Memory);
        assert_eq!(w[0].lead, "Decode is memory-bandwidth-bound here.");
        assert!(w[2].body.contains("at batch 8:"), "{}", w[2].body);
        let lede = fit_matrix_lede(&s);
        assert!(lede.starts_with("Does a model fit on 64 × "), "{lede}");
    }

    #[test]
    fn no_fixed_gpu_or_model_and_no_seed_in_the_words() {
        for spec in [
            Spec::default(),
            Spec {
                gpu: "h100-sxm".into(),
                model: "llama-3.1-8b".into(),
                ..Spec::default()
            },
        ] {
            let (s, t, w) = of(spec);
            let all = format!("{}\n{}", text(&w), fit_matrix_lede(&s));
            assert!(!all.to_lowercase().contains("seed"), "{all}");
            assert!(all.contains(&s.gpu.name), "{all}");
            assert!(
                !all.contains("A100") || s.gpu.name.contains("A100"),
                "{all}"
            );
            assert!(!all.contains("Llama-70B"), "{all}");
            let _ = t;
        }
    }

    #[test]
    #[ignore]
    fn print_the_edges() {
        for q in [
            "v=1",
            "v=1&batch=4096&prompt=1&output=1",
            "v=1&model=llama-2-70b",
            "v=1&prompt=1",
            "v=1&model=llama-3.1-70b&gpus=64&batch=8",
        ] {
            let (spec, _) = Spec::from_query(q);
            let (s, t, w) = of(spec);
            println!(
                "{q}\n{:?}\n{}\n{}\n{}\n",
                t.caveat(),
                text(&w),
                roofline_heading(&crate::estimate(&s)),
                why_decode(&crate::estimate(&s))
            );
        }
    }

    #[test]
    fn headings_follow_the_bounds() {
        let e = crate::estimate(&Spec::default().scenario());
        assert_eq!(
            roofline_heading(&e),
            "The roofline: here prefill is compute-bound, decode is memory-bound"
        );
        let e = crate::estimate(
            &Spec {
                batch: 4096,
                prompt: 1,
                output: 1,
                ..Spec::default()
            }
            .scenario(),
        );
        assert_eq!(
            roofline_heading(&e),
            "The roofline: here prefill and decode are both compute-bound"
        );
        assert!(
            why_decode(&e).contains("the math takes"),
            "{}",
            why_decode(&e)
        );
        assert!(!why_decode(&e).contains("× less"), "{}", why_decode(&e));
    }
}

//! `serve::query`: the serving section's `sv.` link keys read back, bad values named and
//! replaced by their defaults, and the settings turned into a run.

use ridgepoint::serve::query::{from_query_str, ArrivalKind, LengthKind, ServeSettings};
use ridgepoint::serve::{self, Arrivals, Lengths};
use ridgepoint::Spec;

#[test]
fn no_keys_give_the_defaults_and_no_problem() {
    let (s, p) = from_query_str("?v=1&gpu=h100-sxm&batch=8");
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(s, ServeSettings::default());
    assert_eq!(s.to_query(), "");
    // vLLM's scheduler defaults (serve.rs cites them) and the example SLO of 2 s.
    assert_eq!((s.max_batch_tokens, s.max_running), (8192, 256));
    assert_eq!(s.gpu_memory_utilization, 0.9);
    assert_eq!(s.slo.ttft_s, 2.0);
    assert_eq!(s.price_per_gpu_hour, None);
}

#[test]
fn every_key_reads_back() {
    let q = "sv.arr=closed&sv.rate=2.5&sv.clients=16&sv.n=300&sv.len=uniform&sv.spread=0.25\
             &sv.ttft=0.5&sv.tpot=0.03&sv.tok=2048&sv.run=64&sv.pre=0.5&sv.mem=0.8\
             &sv.price=2.5&sv.target=40";
    let (s, p) = from_query_str(q);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(s.arrivals, ArrivalKind::Closed);
    assert_eq!(s.rate, 2.5);
    assert_eq!(s.clients, 16);
    assert_eq!(s.requests, 300);
    assert_eq!(s.lengths, LengthKind::Uniform);
    assert_eq!(s.spread, 0.25);
    assert_eq!((s.slo.ttft_s, s.slo.tpot_s), (0.5, 0.03));
    assert_eq!((s.max_batch_tokens, s.max_running), (2048, 64));
    assert_eq!((s.prefix_share, s.gpu_memory_utilization), (0.5, 0.8));
    assert_eq!(
        (s.price_per_gpu_hour, s.target_rate),
        (Some(2.5), Some(40.0))
    );
    // Written back, the link reads to the same settings.
    let back = s.to_query();
    assert_eq!(from_query_str(&back), (s.clone(), vec![]));
    assert!(
        back.contains("sv.arr=closed") && back.contains("sv.price=2.5"),
        "{back}"
    );
}

#[test]
fn bad_values_name_their_key_and_take_the_default() {
    let cases: &[(&str, &str)] = &[
        ("sv.rate=-3", "sv.rate"),
        ("sv.rate=abc", "sv.rate"),
        ("sv.rate=1e9", "sv.rate"),
        ("sv.rate=NaN", "sv.rate"),
        ("sv.ttft=0", "sv.ttft"),
        ("sv.tpot=-1", "sv.tpot"),
        ("sv.n=0", "sv.n"),
        ("sv.n=99999999999", "sv.n"),
        ("sv.clients=1.5", "sv.clients"),
        ("sv.pre=1.5", "sv.pre"),
        ("sv.mem=0", "sv.mem"),
        ("sv.tok=0", "sv.tok"),
        ("sv.run=100000", "sv.run"),
        ("sv.arr=burst", "sv.arr"),
        ("sv.len=zipf", "sv.len"),
        ("sv.len=uniform&sv.spread=1", "sv.spread"),
        ("sv.price=-2", "sv.price"),
        ("sv.target=inf", "sv.target"),
    ];
    let d = ServeSettings::default();
    for (q, key) in cases {
        let (s, p) = from_query_str(q);
        assert_eq!(p.len(), 1, "{q}: {p:?}");
        assert_eq!(p[0].field, *key, "{q}");
        assert!(
            p[0].message.starts_with(&format!("{key}: ")),
            "{q}: {}",
            p[0].message
        );
        // Every other field at its default; the bad one too (or left out).
        let mut expect = d.clone();
        if q.starts_with("sv.len=uniform") {
            expect.lengths = LengthKind::Uniform;
        }
        assert_eq!(s, expect, "{q}");
    }
    let (_, p) = from_query_str("sv.rate=-3");
    assert_eq!(
        p[0].message,
        "sv.rate: \u{201c}-3\u{201d} is not a rate in requests per second (0.000001 to 100000); using 1"
    );
    // Unknown `sv.` keys are named; other keys are the scenario's business.
    let (_, p) = from_query_str("sv.foo=1&gpu=zzz");
    assert_eq!(p.len(), 1);
    assert!(p[0].message.contains("sv.foo"), "{}", p[0].message);
    // An empty price is no price, not a problem.
    assert_eq!(from_query_str("sv.price=").1, vec![]);
}

#[test]
fn settings_become_a_run_around_the_scenario() {
    let (spec, _) = Spec::from_query("");
    let sc = spec.scenario();
    // Uniform at ±25% of the scenario's lengths, lognormal with the lengths as its mean.
    let (s, _) = from_query_str("sv.len=uniform&sv.spread=0.25&sv.rate=4&sv.n=50");
    let i = s.input(&sc);
    assert_eq!(i.arrivals, Arrivals::Poisson { rate: 4.0 });
    assert_eq!(i.requests, 50);
    let p = sc.prompt as f64;
    assert_eq!(
        i.prompt,
        Lengths::Uniform {
            lo: (p * 0.75).round() as u32,
            hi: (p * 1.25).round() as u32
        }
    );
    let (s, _) = from_query_str("sv.len=lognormal&sv.spread=0.8&sv.arr=closed&sv.clients=3");
    let i = s.input(&sc);
    assert_eq!(i.arrivals, Arrivals::Closed { clients: 3 });
    assert_eq!(
        i.output,
        Lengths::LogNormal {
            mean: sc.output as f64,
            spread: 0.8
        }
    );
    // A checked run of the defaults has no problem.
    let (_, problems) = serve::check(&ServeSettings::default().input(&sc));
    assert!(problems.is_empty(), "{problems:?}");
}

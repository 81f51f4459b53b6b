//! `data/published.tsv` is the validator's cases, reduced to what the charts draw (max-load
//! runs left out: their batch is the engine's estimate, not the source's). This test
//! rebuilds it from `data/measurements.tsv`; `RIDGEPOINT_BLESS=1 cargo test -p ridgepoint --test
//! published` writes the rebuilt file.

use ridgepoint::published::{self, Kind, Point};
use ridgepoint::validate::{self, Class};

fn rebuilt() -> String {
    let rows = validate::parse(validate::MEASUREMENTS).unwrap();
    let mut out = String::new();
    for case in validate::embedded().cases {
        // A max-load run's batch is the engine's own guess, not a measured setup: not drawn.
        if case.max_load {
            continue;
        }
        // Serving rows are drawn at their concurrency (the batch the charts sweep) when that
        // many sequences fit (otherwise the server queues and the running batch is smaller);
        // rows at a request rate and serving TTFTs (queueing included) are not.
        let closed_loop = case.load.is_some_and(|l| l.clients.is_some())
            && ridgepoint::estimate::evaluate(&case.scenario).memory.fits;
        let kind = match case.class {
            Class::Ttft => Kind::Ttft,
            Class::TpotBs1 | Class::Tpot => Kind::Step,
            Class::Throughput => Kind::Throughput,
            Class::ServeTpot if closed_loop => Kind::Step,
            Class::ServeThroughput if closed_loop => Kind::Throughput,
            Class::Latency | Class::ServeTtft | Class::ServeTpot | Class::ServeThroughput => {
                continue
            }
        };
        let row_id = case.id.split('/').next().unwrap();
        let row = rows.iter().find(|r| r.id == row_id).unwrap();
        let s = &case.scenario;
        let value = if case.per_gpu {
            case.measured * s.gpus as f64
        } else {
            case.measured
        };
        // Six significant digits: the sources give at most four; this drops float noise.
        let value: f64 = format!("{value:.5e}").parse().unwrap();
        let engine = format!("{} {}", row.framework, row.framework_version);
        let p = Point {
            kind,
            gpu: s.gpu.id.clone(),
            gpus: s.gpus,
            model: s.model.id.clone(),
            weights: s.weights,
            kv: s.kv,
            batch: s.batch,
            prompt: s.prompt,
            output: s.output,
            value,
            label: format!("{row_id} {}", engine.trim()),
        };
        out.push_str(&p.line());
        out.push('\n');
    }
    out
}

#[test]
fn the_extract_matches_the_measurements() {
    let want = rebuilt();
    if std::env::var_os("RIDGEPOINT_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/published.tsv");
        std::fs::write(path, &want).unwrap();
    }
    assert_eq!(
        published::POINTS,
        want,
        "data/published.tsv is stale: rerun with RIDGEPOINT_BLESS=1"
    );
    let points = published::parse(published::POINTS);
    assert_eq!(points.len(), want.lines().count(), "every line parses");
    assert!(points.iter().any(|p| p.kind == Kind::Ttft));
    assert!(points.iter().any(|p| p.kind == Kind::Throughput));
}

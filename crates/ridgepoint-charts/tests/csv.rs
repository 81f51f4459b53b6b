//! CSV export: one header row naming each column with its unit, numbers in SI base units that
//! a spreadsheet reads as numbers, labels only in label columns.

use ridgepoint::series::series;
use ridgepoint::{catalog, estimate, Spec};
use ridgepoint_charts::*;

/// Every chart's table for the scenario of query `q`.
fn tables(q: &str) -> Vec<(&'static str, Table)> {
    let (spec, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{problems:?}");
    let s = spec.scenario();
    let e = estimate(&s);
    let sw = series(&s);
    fn t<T: ChartData>(d: T) -> (&'static str, Table) {
        (T::ID, d.table())
    }
    vec![
        t(RooflineData::from_estimate(&e, s.batch, s.prompt)),
        t(MemoryData::from_estimate(&e)),
        t(FitMatrixData::for_scenario(&s, &catalog::models())),
        t(KvCrossoverData::from_series(&sw, &e)),
        t(KvContextData::from_series(&sw, &e)),
        t(DecodeIntensityData::from_series(&sw, &e)),
        t(PrefillIntensityData::from_series(&sw, &e)),
        t(
            TtftData::from_series(&sw, &e).with_measured(vec![MeasuredPoint {
                x: 128.0,
                y: 0.016,
                label: "TensorRT-LLM v0.5, m023".into(),
            }]),
        ),
        t(BatchThroughputData::from_series(&sw, &e)),
        t(DecodeTimeData::from_estimate(&e)),
    ]
}

/// Columns that hold labels, not numbers.
const LABELS: [&str; 6] = [
    "point",
    "component",
    "model",
    "weights",
    "published_source",
    "scenario",
];

/// A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF).
fn parse(csv: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in csv.split("\r\n").filter(|l| !l.is_empty()) {
        let (mut row, mut field, mut quoted, mut chars) =
            (Vec::new(), String::new(), false, line.chars().peekable());
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(std::mem::take(&mut field)),
                (c, _) => field.push(c),
            }
        }
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn every_csv_has_one_header_row_with_units_and_numbers_below_it() {
    for q in [
        "v=1",
        "v=1&batch=4096&prompt=1&output=1",
        "v=1&model=llama-2-70b",
    ] {
        for (id, t) in tables(q) {
            let csv = t.to_csv();
            let rows = parse(&csv);
            let header = &rows[0];
            assert!(rows.len() > 1, "{id}: {csv}");
            for h in header {
                assert!(
                    !h.contains(' ') && h.to_lowercase() == *h,
                    "{id}: header {h:?} is a plain name"
                );
            }
            for row in &rows[1..] {
                assert_eq!(row.len(), header.len(), "{id}: {row:?}");
                for (h, cell) in header.iter().zip(row) {
                    if LABELS.contains(&h.as_str()) || cell.is_empty() {
                        continue;
                    }
                    let v: f64 = cell
                        .parse()
                        .unwrap_or_else(|_| panic!("{q} {id}: {h} = {cell:?} is not a number"));
                    assert!(v.is_finite(), "{id}: {h} = {cell}");
                }
            }
        }
    }
}

#[test]
fn memory_csv_is_in_bytes_and_the_decode_step_in_seconds() {
    let all = tables("v=1");
    let get = |id: &str| parse(&all.iter().find(|t| t.0 == id).unwrap().1.to_csv());
    let m = get("memory");
    assert_eq!(m[0], ["component", "memory_bytes", "share_of_capacity"]);
    // The A100 80GB SXM holds 81,920 MiB as nvidia-smi reports it (the catalog row's source).
    let cap = m.iter().find(|r| r[0] == "capacity").unwrap();
    assert_eq!(cap[1], (81920u64 << 20).to_string());
    assert_eq!(cap[2], "1");
    // Llama-2-7B's 6,738,415,616 parameters (counted from its config's shapes:
    // crates/ridgepoint/tests/physics.rs L7_TOTAL) at 2 bytes each, in bytes.
    let w = m.iter().find(|r| r[0] == "weights").unwrap();
    assert_eq!(w[1], "13476831232", "{w:?}");
    let d = get("why-decode");
    assert_eq!(
        d[0],
        [
            "batch",
            "read_bytes",
            "bandwidth_bytes_per_s",
            "read_time_s",
            "compute_flop",
            "peak_flop_per_s",
            "compute_time_s"
        ]
    );
    let row: Vec<f64> = d[1].iter().map(|c| c.parse().unwrap()).collect();
    // A100 80GB SXM: 2,039 GB/s and 312 TFLOP/s dense FP16 (shared/reference/gpus.tsv).
    assert_eq!(row[2], 2.039e12);
    assert_eq!(row[5], 312e12);
    // Time is bytes / bandwidth and FLOPs / peak, in seconds: 7.02 ms, not "7.02 ms".
    assert!((row[3] - row[1] / 2.039e12).abs() < 1e-12, "{row:?}");
    assert!((0.006..0.008).contains(&row[3]), "{row:?}");
    assert!((row[6] - row[4] / 312e12).abs() < 1e-12, "{row:?}");
}

#[test]
fn fit_matrix_csv_is_one_row_per_model_and_format() {
    let all = tables("v=1");
    let f = parse(&all.iter().find(|t| t.0 == "fit-matrix").unwrap().1.to_csv());
    assert_eq!(
        f[0],
        [
            "model",
            "weights",
            "memory_bytes",
            "capacity_bytes",
            "fits",
            "tight"
        ]
    );
    let row = f
        .iter()
        .find(|r| r[0] == "Llama-2-70B" && r[1] == "FP16")
        .expect("Llama-2-70B at FP16");
    // ≈69e9 parameters × 2 bytes ≈ 138 GB: more than the A100's 85.9 GB, does not fit.
    let bytes: f64 = row[2].parse().unwrap();
    assert!(bytes > 130e9, "{row:?}");
    assert_eq!((row[4].as_str(), row[5].as_str()), ("0", "0"));
}

//! `serving-load` and `serving-timeline` drawn to SVG and read back: the marks sit where the
//! data says (hand-made data with known positions), and charts of a real run render clean.

use plotters::coord::Shift;
use plotters::prelude::*;
use ridgepoint::serve::{self, LoadAxis, Slo};
use ridgepoint::Spec;
use ridgepoint_charts::*;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn svg(size: (u32, u32), draw: impl FnOnce(&Area) -> Result<(), String>) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw(&root).unwrap();
    }
    out
}

/// Attribute `name` of every `<tag` element, in document order.
fn attrs(svg: &str, tag: &str, name: &str) -> Vec<String> {
    svg.split(&format!("<{tag} "))
        .skip(1)
        .map(|el| {
            let el = &el[..el.find('>').unwrap_or(el.len())];
            let key = format!("{name}=\"");
            el.find(&key)
                .map(|i| {
                    let v = &el[i + key.len()..];
                    v[..v.find('"').unwrap()].to_string()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Hand-made: rates 1, 2, 8 req/s, the capacity 4 req/s (log-midway between 2 and 8).
fn load() -> ServingLoadData {
    ServingLoadData {
        axis: LoadAxis::Rate,
        loads: vec![1.0, 2.0, 8.0],
        rates: vec![1.0, 2.0, 8.0],
        ttft_p50: vec![0.1, 0.2, 5.0],
        ttft_p99: vec![0.2, 0.4, 10.0],
        tpot_p50: vec![0.02, 0.03, 0.2],
        tpot_p99: vec![0.03, 0.04, 0.3],
        meets: vec![true, true, false],
        slo: Slo {
            ttft_s: 2.0,
            tpot_s: 0.05,
        },
        max_load: Some(4.0),
        max_rate: Some(4.0),
    }
}

fn dump(name: &str, svg: &str) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/chart-previews");
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(format!("{dir}/{name}.svg"), svg);
}

fn nums(v: &[String]) -> Vec<f64> {
    v.iter().map(|s| s.parse().unwrap()).collect()
}

/// The `x,y` pairs of every polyline stroked `color` with `width`.
fn polylines(svg: &str, color: &str, width: &str) -> Vec<Vec<(f64, f64)>> {
    svg.lines()
        .filter(|l| {
            l.starts_with("<polyline")
                && l.contains(&format!("stroke=\"{color}\""))
                && l.contains(&format!("stroke-width=\"{width}\""))
        })
        .map(|l| {
            let pts = &l[l.find("points=\"").unwrap() + 8..];
            pts[..pts.find('"').unwrap()]
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

#[test]
fn serving_load_marks_sit_where_the_data_says() {
    let d = load();
    let t = Theme::LIGHT.for_svg();
    let out = svg((840, 525), |a| {
        serving_load(a, &d, &t).map_err(|e| format!("{e:?}"))
    });
    dump("serving-load-hand", &out);
    assert!(!out.contains("NaN") && !out.contains("inf"));
    // Six p99 points (three rates × TTFT and TPOT): filled where both SLOs hold (rates 1 and
    // 2), hollow at 8 req/s.
    let cx = nums(&attrs(&out, "circle", "cx"));
    let cy = nums(&attrs(&out, "circle", "cy"));
    let fill = attrs(&out, "circle", "fill");
    assert_eq!(cx.len(), 6, "{cx:?}");
    assert_eq!(fill.iter().filter(|f| *f == "none").count(), 2);
    assert_eq!(fill[2], "none");
    assert_eq!(fill[5], "none");
    // Log x: 2 → 8 req/s is twice 1 → 2 req/s.
    let (x1, x2, x8) = (cx[0], cx[1], cx[2]);
    assert!(((x8 - x2) - 2.0 * (x2 - x1)).abs() <= 2.0, "{cx:?}");
    // The capacity line at 4 req/s: halfway between 2 and 8 on a log axis, labelled.
    let ink = format!(
        "#{:02X}{:02X}{:02X}",
        t.capacity.0, t.capacity.1, t.capacity.2
    );
    let v: Vec<f64> = polylines(&out, &ink, "1")
        .into_iter()
        .filter(|l| l.len() == 2 && l[0].0 == l[1].0)
        .map(|l| l[0].0)
        .collect();
    assert!(
        v.iter().any(|x| (x - (x2 + x8) / 2.0).abs() <= 1.5),
        "a vertical line near {} among {v:?}",
        (x2 + x8) / 2.0
    );
    assert!(out.contains("meets both up to 4 req/s"));
    // The TTFT SLO (2 s) one decade above the 0.2 s p99 at 1 req/s; a decade is the 0.2 → 0.4 s
    // step over log10(2).
    let decade = (cy[0] - cy[1]) / 2f64.log10();
    let slo_y = cy[0] - decade;
    let green = format!("#{:02X}{:02X}{:02X}", t.prefill.0, t.prefill.1, t.prefill.2);
    let flat: Vec<f64> = polylines(&out, &green, "1")
        .into_iter()
        .filter(|l| l.len() == 2 && l[0].1 == l[1].1)
        .map(|l| l[0].1)
        .collect();
    assert!(
        flat.iter().any(|y| (y - slo_y).abs() <= 1.5),
        "the TTFT SLO near y {slo_y} among {flat:?}"
    );
    assert!(
        out.contains("TTFT SLO 2 s") || out.contains("TTFT SLO 2.00 s"),
        "SLO label"
    );
    // The table's data: one row per rate, SI units, the capacity in every row.
    let csv = d.table().to_csv();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rate_requests_per_s,ttft_p50_s,ttft_p99_s,tpot_p50_s,tpot_p99_s,meets_slo,ttft_slo_s,tpot_slo_s,max_rate_requests_per_s"
    );
    assert_eq!(lines.next().unwrap(), "1,0.1,0.2,0.02,0.03,1,2,0.05,4");
    assert_eq!(lines.clone().count(), 2);
    assert!(
        d.describe().contains("meets both up to 4 req/s"),
        "{}",
        d.describe()
    );
}

#[test]
fn serving_load_without_capacity_says_so() {
    let mut d = load();
    d.max_rate = None;
    d.max_load = None;
    d.meets = vec![false; 3];
    let t = Theme::DARK.for_svg();
    let out = svg((340, 290), |a| {
        serving_load(a, &d, &t).map_err(|e| format!("{e:?}"))
    });
    assert!(out.contains("no rate here meets both SLOs"));
    assert_eq!(
        attrs(&out, "circle", "fill")
            .iter()
            .filter(|f| *f == "none")
            .count(),
        6
    );
    assert!(d.describe().contains("no rate found meeting both"));
}

#[test]
fn serving_timeline_steps_follow_the_samples() {
    let d = ServingTimelineData {
        t: vec![0.0, 1.0, 2.0, 4.0],
        running: vec![1.0, 2.0, 4.0, 0.0],
        queue: vec![0.0, 0.0, 3.0, 0.0],
        kv_share: vec![0.1, 0.25, 0.5, 0.0],
        kv_blocks: vec![10.0, 25.0, 50.0, 0.0],
        kv_blocks_total: 100.0,
        running_mean: 2.0,
    };
    let t = Theme::LIGHT.for_svg();
    let out = svg((840, 525), |a| {
        serving_timeline(a, &d, &t).map_err(|e| format!("{e:?}"))
    });
    dump("serving-timeline-hand", &out);
    let c = t.throughput;
    let ink = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    // The running batch: the thickest line with 7 points (4 samples as steps).
    let run = polylines(&out, &ink, "2")
        .into_iter()
        .max_by_key(|l| l.len())
        .expect("running line");
    assert_eq!(run.len(), 7, "{run:?}");
    // Linear time: 1 → 2 s spans what 0 → 1 s does, 2 → 4 s twice that (to pixel rounding).
    let (x0, x1, x2, x4) = (run[0].0, run[1].0, run[3].0, run[5].0);
    assert!(((x1 - x0) - (x2 - x1)).abs() <= 1.5, "{run:?}");
    assert!(((x4 - x2) - 2.0 * (x1 - x0)).abs() <= 2.5, "{run:?}");
    // Linear requests from 0: running 4 stands twice as high above the axis as running 2.
    let base = run[6].1; // running 0 at the end
    let (y2, y4) = (run[2].1, run[4].1);
    assert!(((base - y4) - 2.0 * (base - y2)).abs() <= 1.5, "{run:?}");
    let csv = d.table().to_csv();
    assert!(csv.starts_with(
        "time_s,running_requests,kv_blocks_in_use,kv_blocks_total,kv_share,queued_requests\r\n0,1,10,100,0.1,0\r\n"
    ));
    assert!(
        d.describe().contains("up to 50% of 100"),
        "{}",
        d.describe()
    );
}

/// The page's path: a real run of the seed scenario, its timeline and a small load curve.
#[test]
fn charts_of_a_real_run_render_clean() {
    let (spec, problems) = Spec::from_query("");
    assert!(problems.is_empty());
    let mut input = serve::ServeInput::new(spec.scenario());
    input.requests = 200;
    let r = serve::simulate(&input);
    let tl = ServingTimelineData::from_result(&r);
    assert_eq!(tl.t.len(), r.timeline.len());
    assert!(tl.kv_share.iter().all(|s| (0.0..=1.0).contains(s)));
    let rates = serve::load_levels(&input, 4);
    let pts = serve::sweep(&input, &rates);
    let cap = serve::capacity(&input, None, None);
    let ld = ServingLoadData::from_points(LoadAxis::Rate, &pts, input.slo, Some(&cap));
    assert!(ld.rates.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(ld.loads, ld.rates);
    for (size, t) in [
        ((840, 525), Theme::LIGHT.for_svg()),
        ((340, 290), Theme::DARK.for_svg()),
    ] {
        let a = svg(size, |a| {
            serving_load(a, &ld, &t).map_err(|e| format!("{e:?}"))
        });
        let b = svg(size, |a| {
            serving_timeline(a, &tl, &t).map_err(|e| format!("{e:?}"))
        });
        for s in [&a, &b] {
            assert!(!s.contains("NaN") && !s.contains("inf"));
        }
        if size.0 == 840 {
            dump("serving-load", &a);
            dump("serving-timeline", &b);
        }
    }
}

/// Hand-made closed loop: 1, 4 and 16 clients driving 0.5, 1.8 and 3 req/s; the capacity 8
/// clients at 2.5 req/s (log-midway between 4 and 16).
fn closed() -> ServingLoadData {
    ServingLoadData {
        axis: LoadAxis::Clients,
        loads: vec![1.0, 4.0, 16.0],
        rates: vec![0.5, 1.8, 3.0],
        max_load: Some(8.0),
        max_rate: Some(2.5),
        ..load()
    }
}

#[test]
fn a_closed_loop_curve_is_drawn_against_clients() {
    let d = closed();
    let t = Theme::LIGHT.for_svg();
    let out = svg((840, 525), |a| {
        serving_load(a, &d, &t).map_err(|e| format!("{e:?}"))
    });
    dump("serving-load-closed-hand", &out);
    assert!(out.contains("concurrent clients (closed loop, log scale)"));
    assert!(!out.contains("requests per second"));
    assert!(out.contains("meets both up to 8 clients (2.5 req/s)"));
    // The points sit at the clients, log-spaced: 4 → 16 is as wide as 1 → 4.
    let cx = nums(&attrs(&out, "circle", "cx"));
    assert!(((cx[2] - cx[1]) - (cx[1] - cx[0])).abs() <= 2.0, "{cx:?}");
    // The capacity line at 8 clients, halfway between 4 and 16.
    let ink = format!(
        "#{:02X}{:02X}{:02X}",
        t.capacity.0, t.capacity.1, t.capacity.2
    );
    let v: Vec<f64> = polylines(&out, &ink, "1")
        .into_iter()
        .filter(|l| l.len() == 2 && l[0].0 == l[1].0)
        .map(|l| l[0].0)
        .collect();
    assert!(
        v.iter().any(|x| (x - (cx[1] + cx[2]) / 2.0).abs() <= 1.5),
        "{v:?}"
    );
    let csv = d.table().to_csv();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "clients,rate_requests_per_s,ttft_p50_s,ttft_p99_s,tpot_p50_s,tpot_p99_s,meets_slo,ttft_slo_s,tpot_slo_s,max_clients,max_rate_requests_per_s"
    );
    assert_eq!(
        lines.next().unwrap(),
        "1,0.5,0.1,0.2,0.02,0.03,1,2,0.05,8,2.5"
    );
    let table = d.table();
    assert_eq!(table.headers[0], "clients");
    assert_eq!(table.rows[2][0], "16 clients");
    assert_eq!(
        d.describe(),
        "Serving under load, closed loop: TTFT and TPOT p50 and p99 at 3 client counts from 1 client to 16 clients; SLOs p99 TTFT 2 s and p99 TPOT 50 ms: meets both up to 8 clients (2.5 req/s)."
    );
    let mut none = d.clone();
    (none.max_load, none.max_rate, none.meets) = (None, None, vec![false; 3]);
    let out = svg((340, 290), |a| {
        serving_load(a, &none, &t).map_err(|e| format!("{e:?}"))
    });
    assert!(out.contains("no client count here meets both SLOs"));
    assert!(none
        .describe()
        .contains("no client count found meeting both"));
}

#[test]
fn a_trace_arriving_at_once_is_one_point_and_says_so() {
    let d = ServingLoadData {
        axis: LoadAxis::TraceAsGiven,
        loads: vec![1.0],
        rates: vec![3.0],
        ttft_p50: vec![0.5],
        ttft_p99: vec![1.5],
        tpot_p50: vec![0.02],
        tpot_p99: vec![0.03],
        meets: vec![true],
        max_load: Some(1.0),
        max_rate: Some(3.0),
        ..load()
    };
    let t = Theme::LIGHT.for_svg();
    let out = svg((840, 525), |a| {
        serving_load(a, &d, &t).map_err(|e| format!("{e:?}"))
    });
    assert!(!out.contains("NaN") && !out.contains("inf"));
    assert!(out.contains("one point: the trace as given meets both SLOs"));
    assert!(out.contains("the trace as given (its requests all arrive at once: one point)"));
    assert_eq!(attrs(&out, "circle", "cx").len(), 2);
    assert!(
        d.describe().contains("one point, not a curve"),
        "{}",
        d.describe()
    );
}

/// The page's path for a closed loop: a real sweep over clients and its capacity.
#[test]
fn a_real_closed_loop_curve_renders_clean() {
    let (spec, _) = Spec::from_query("");
    let mut input = serve::ServeInput::new(spec.scenario());
    input.requests = 150;
    input.arrivals = serve::Arrivals::Closed { clients: 8 };
    let levels = serve::load_levels(&input, 4);
    let pts = serve::sweep(&input, &levels);
    let cap = serve::capacity(&input, None, None);
    let axis = LoadAxis::of(&input.arrivals);
    let ld = ServingLoadData::from_points(axis, &pts, input.slo, Some(&cap));
    assert_eq!(ld.loads, levels);
    assert!(ld.loads.iter().all(|c| c.fract() == 0.0));
    let a = svg((840, 525), |a| {
        serving_load(a, &ld, &Theme::LIGHT.for_svg()).map_err(|e| format!("{e:?}"))
    });
    assert!(!a.contains("NaN") && !a.contains("inf"));
    assert!(a.contains("concurrent clients"));
    dump("serving-load-closed", &a);
}

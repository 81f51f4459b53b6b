//! The charts render to SVG natively through the same code the page runs on a canvas.

use plotters::prelude::*;
use ridgepoint::{estimate, Spec};
use ridgepoint_charts::{roofline, RooflineData, Theme};

fn render(spec: &Spec, theme: &Theme) -> String {
    let e = estimate(&spec.scenario());
    let data = RooflineData::from_estimate(&e, spec.batch, spec.prompt);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 500)).into_drawing_area();
        roofline(&root, &data, theme).unwrap();
    }
    svg
}

#[test]
fn roofline_draws_roofs_ridge_and_both_points() {
    let svg = render(&Spec::default(), &Theme::LIGHT);
    assert!(svg.starts_with("<svg"), "{}", &svg[..50]);
    assert!(svg.contains("ridge 153 FLOP/B"));
    assert!(svg.contains("decode, batch 1"));
    assert!(svg.contains("prefill, 2048 tokens"));
    assert_eq!(svg.matches("<circle").count(), 2);
    // The memory roof (blue) and the compute roof (red) are both stroked.
    assert!(svg.contains("#1F77B4"), "memory roof colour missing");
    assert!(svg.contains("#D62728"), "compute roof colour missing");
}

#[test]
fn dark_theme_changes_the_background() {
    let light = render(&Spec::default(), &Theme::LIGHT);
    let dark = render(&Spec::default(), &Theme::DARK);
    assert!(light.contains("#FFFFFF"));
    assert!(dark.contains("#16191F"));
}

#[test]
fn extreme_scenarios_still_draw() {
    for q in [
        "batch=4096&prompt=1048576&output=1048576",
        "batch=1&prompt=1&output=1&w=fp4",
    ] {
        let (spec, problems) = Spec::from_query(q);
        assert!(problems.is_empty());
        let svg = render(&spec, &Theme::LIGHT);
        assert_eq!(svg.matches("<circle").count(), 2, "{q}");
    }
}

//! Exported charts carry their title, the scenario and the link, and are named for both.

use plotters::prelude::*;
use ridgepoint::{estimate, Spec};
use ridgepoint_charts::*;

fn scenario(q: &str) -> ridgepoint::Scenario {
    let (spec, problems) = Spec::from_query(q);
    assert!(problems.is_empty(), "{problems:?}");
    spec.scenario()
}

/// The text of every `<text>` element, unescaped as far as these tests need.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = t.split_once('>')?.1;
            let inner = body.split("</text>").next()?;
            Some(inner.trim().replace("&amp;", "&"))
        })
        .collect()
}

#[test]
fn file_names_carry_the_chart_and_a_short_scenario() {
    let s = scenario("v=1&model=llama-3.1-70b&gpu=h100-sxm&gpus=2&w=fp8");
    assert_eq!(
        file_stem("roofline", &s),
        "roofline-llama-3.1-70b-h100x2-fp8"
    );
    let s = scenario("v=1");
    assert_eq!(file_stem("ttft", &s), "ttft-llama-2-7b-a100-80gb-fp16");
    let s = scenario("v=1&gpu=rtx-4090&w=q4_k_m");
    assert_eq!(
        file_stem("fit-matrix", &s),
        "fit-matrix-llama-2-7b-rtx-4090-q4-k-m"
    );
}

#[test]
fn an_exported_svg_holds_title_scenario_and_link_above_the_chart() {
    let s = scenario("v=1&batch=4096&prompt=1&output=1");
    let e = estimate(&s);
    let data = RooflineData::from_estimate(&e, s.batch, s.prompt);
    let caption = Caption {
        title: title("roofline").to_string(),
        scenario: ridgepoint::compare::summary(&s),
        link: "https://example.org/ridgepoint/?v=1&batch=4096&prompt=1&output=1".into(),
    };
    let t = Theme::LIGHT.for_svg();
    let (w, h) = (840u32, 525u32);
    let band = caption.height(w as f64, &t);
    assert!(band > 40 && band < 120, "{band}");
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h + band)).into_drawing_area();
        with_caption(&root, &caption, &t, |area| {
            assert_eq!(area.dim_in_pixel(), (w, h), "the chart keeps its size");
            roofline(area, &data, &t)
        })
        .unwrap();
    }
    assert!(
        out.contains(&format!("height=\"{}\"", h + band)),
        "{}",
        &out[..200]
    );
    let all = texts(&out);
    assert_eq!(all[0], "Roofline", "the title first: {all:?}");
    assert_eq!(
        all[1],
        "Llama-2-7B on NVIDIA A100 80GB SXM, FP16 (KV FP16), batch 4096, 1→1 tokens"
    );
    assert_eq!(
        all[2],
        "https://example.org/ridgepoint/?v=1&batch=4096&prompt=1&output=1"
    );
    // The chart itself is still drawn below the band.
    assert!(
        all.iter().any(|t| t.contains("ridge 153 FLOP/B")),
        "{all:?}"
    );
}

#[test]
fn a_narrow_export_wraps_the_scenario_at_words() {
    let caption = Caption {
        title: "Roofline".into(),
        scenario: "Llama-3.1-70B on NVIDIA H100 SXM 80GB ×2, FP8 (KV FP8), batch 8, 2,048→128 tokens"
            .into(),
        link: "http://127.0.0.1:8102/?v=1&gpu=h100-sxm&model=llama-3.1-70b&w=fp8&kv=fp8&batch=8&gpus=2"
            .into(),
    };
    let t = Theme::LIGHT.for_svg();
    let (wide, narrow) = (caption.height(840.0, &t), caption.height(340.0, &t));
    assert!(narrow > wide, "{narrow} > {wide}");
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (340, 290 + narrow)).into_drawing_area();
        with_caption(&root, &caption, &t, |a| a.fill(&WHITE).map(|_| ())).unwrap();
    }
    let all = texts(&out);
    // Every word of the scenario is there, in order, none cut.
    let scenario: Vec<&String> = all[1..]
        .iter()
        .take_while(|l| !l.starts_with("http"))
        .collect();
    assert!(scenario.len() >= 2, "{all:?}");
    let joined = scenario
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(joined, caption.scenario);
    let link: String = all[1 + scenario.len()..].concat();
    assert_eq!(link, caption.link, "the link whole, across lines");
}

#[test]
fn a_long_line_is_cut_to_the_width_not_spilled() {
    let caption = Caption {
        title: "T".repeat(300),
        scenario: "S".repeat(300),
        link: format!("https://example.org/?{}", "a=1&".repeat(200)),
    };
    let t = Theme::LIGHT.for_svg();
    let mut out = String::new();
    {
        let band = caption.height(340.0, &t);
        let root = SVGBackend::with_string(&mut out, (340, 290 + band)).into_drawing_area();
        with_caption(&root, &caption, &t, |a| a.fill(&WHITE).map(|_| ())).unwrap();
    }
    assert!(out.contains("…"), "ellipsis");
    // The title on one line; the scenario (no spaces to break at) and the link broken
    // anywhere, each on at most three lines, the last cut.
    let all = texts(&out);
    assert_eq!(all.len(), 7, "{all:?}");
    assert!(all[0].ends_with('…') && all[3].ends_with('…') && all[6].ends_with('…'));
    assert!(all[4].starts_with("https://example.org/?a=1"), "{all:?}");
    // Title at 0.92 × 1.15 of the 13 px type, the other lines at 0.85, within 8 px margins.
    for (i, text) in all.iter().enumerate() {
        let size = if i == 0 {
            13.0 * 0.92 * 1.15
        } else {
            13.0 * 0.85
        };
        assert!(text_width(text, size) <= 340.0 - 16.0, "{text}");
    }
}

//! Browser tests of what needs a browser: the URL round trip through the History API and the
//! app mounting and drawing its canvas. The math is tested natively in the other crates.

use ridgepoint::{Precision, Spec};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
fn url_write_replaces_the_entry_and_reads_back() {
    let w = web_sys::window().unwrap();
    let before = w.history().unwrap().length().unwrap();
    let s = Spec {
        batch: 8,
        weights: Precision::Int4,
        ..Spec::default()
    };
    ridgepoint_web::url::write(&s, None);
    assert_eq!(w.location().search().unwrap(), "?v=1&cal=2&w=int4&batch=8");
    assert_eq!(ridgepoint_web::url::read(), (s, vec![]));
    assert_eq!(
        w.history().unwrap().length().unwrap(),
        before,
        "no entry pushed"
    );
    ridgepoint_web::url::write(&Spec::default(), None);
}

#[wasm_bindgen_test]
fn a_pinned_scenario_rides_in_the_query_as_one_value() {
    let w = web_sys::window().unwrap();
    let a = Spec {
        batch: 8,
        ..Spec::default()
    };
    let b = Spec {
        weights: Precision::Int4,
        ..Spec::default()
    };
    ridgepoint_web::url::write(&b, Some(&a));
    assert_eq!(
        w.location().search().unwrap(),
        "?v=1&cal=2&w=int4&pin=v%3D1%26cal%3D2%26batch%3D8"
    );
    assert_eq!(ridgepoint_web::url::read(), (b, vec![]));
    assert_eq!(ridgepoint_web::url::pin(), (Some(a), vec![]));
    ridgepoint_web::url::write(&Spec::default(), None);
    assert_eq!(ridgepoint_web::url::pin(), (None, vec![]));
}

#[wasm_bindgen_test]
async fn app_mounts_and_draws_the_roofline() {
    ridgepoint_web::url::write(&Spec::default(), None);
    let doc = web_sys::window().unwrap().document().unwrap();
    leptos::mount::mount_to_body(ridgepoint_web::App);
    // The sections below the first screen mount after the first chart is painted (or after
    // 600 ms): wait up to 2 s for the roofline's.
    let mut figure = None;
    for _ in 0..40 {
        sleep(50).await;
        figure = doc.query_selector("[data-chart=roofline]").unwrap();
        if figure.is_some() {
            break;
        }
    }
    // Off-screen charts wait until they are scrolled into view.
    figure.expect("roofline figure").scroll_into_view();
    sleep(200).await;
    let canvas = doc
        .query_selector("[data-chart=roofline] canvas")
        .unwrap()
        .expect("roofline canvas")
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .unwrap();
    assert_eq!(canvas.get_attribute("data-drawn").as_deref(), Some("1"));
    assert!(
        canvas.width() > 100,
        "backing store sized: {}",
        canvas.width()
    );
    let weights = doc
        .query_selector("[data-testid='memory.weights_bytes'] .figure-value")
        .unwrap()
        .unwrap();
    assert_eq!(weights.text_content().as_deref(), Some("13.5 GB"));
}

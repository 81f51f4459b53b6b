//! The page: header, scenario panel, and the article's sections.

use crate::canvas::DarkMode;
use crate::panel::Panel;
use crate::sections::{
    Formulas, GpuCard, Intensity, KvCrossover, MemorySection, Practice, RooflineSection,
    TakeawaysSection, TimeSection, WhyDecode,
};
use crate::state::State;
use crate::url;
use leptos::prelude::*;

/// Light, dark, or whatever the system prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeMode {
    System,
    Light,
    Dark,
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}

/// Scrolls to the element the URL's fragment names, once the sections it may be in exist.
fn scroll_to_fragment() {
    let Some(w) = web_sys::window() else { return };
    let hash = w.location().hash().unwrap_or_default();
    let Some(id) = hash
        .strip_prefix('#')
        .filter(|id| !id.is_empty())
        .map(str::to_string)
    else {
        return;
    };
    // After the sections have rendered.
    request_animation_frame(move || {
        if let Some(el) = w.document().and_then(|d| d.get_element_by_id(&id)) {
            el.scroll_into_view();
        }
    });
}

/// The whole app. One signal holds the scenario; everything else is derived from it.
#[component]
pub fn App() -> impl IntoView {
    let (initial, mut problems) = url::read();
    let (pin, pin_problems) = url::pin();
    problems.extend(pin_problems);
    let st = State::new(initial, pin);
    provide_context(st);
    let problems = RwSignal::new(problems.into_iter().map(|p| p.message).collect::<Vec<_>>());

    // Sync with the outside world: the URL mirrors the scenario, written once the controls
    // settle (each history write costs the browser several milliseconds).
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |prev: Option<()>| {
        st.spec.track();
        st.pin.track();
        // The first run is the link as opened; any later one is the reader's own change.
        let edited = prev.is_some();
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                // A link from an older calibration, once changed, is a new scenario of today's
                // calibration: the notice goes and the link written carries `cal=`.
                let stale = st
                    .spec
                    .with_untracked(|s| s.calibration < ridgepoint::query::CALIBRATION);
                if edited && stale {
                    st.spec
                        .update(|s| s.calibration = ridgepoint::query::CALIBRATION);
                    return;
                }
                st.spec
                    .with_untracked(|s| st.pin.with_untracked(|p| url::write(s, p.as_ref())))
            },
            std::time::Duration::from_millis(250),
        );
        pending.set_value(handle.ok());
    });

    let mode = RwSignal::new(match url::theme().as_deref() {
        Some("light") => ThemeMode::Light,
        Some("dark") => ThemeMode::Dark,
        _ => ThemeMode::System,
    });
    let system_dark = prefers_dark();
    let dark = Signal::derive(move || match mode.get() {
        ThemeMode::System => system_dark,
        ThemeMode::Light => false,
        ThemeMode::Dark => true,
    });
    provide_context(DarkMode(dark));
    Effect::new(move |_| {
        let value = match mode.get() {
            ThemeMode::System => None,
            ThemeMode::Light => Some("light"),
            ThemeMode::Dark => Some("dark"),
        };
        url::set_theme_attribute(value);
    });
    if let Some(id) = url::embed() {
        return view! { <crate::embed::Embed id=id /> }.into_any();
    }
    // The first screen (GPU card, why decode is slow) mounts at once; the other sections
    // once the first chart is on screen (or after 600 ms if none is in view), so the first
    // paint waits for a small DOM, not the whole article.
    let first_paint = RwSignal::new(false);
    provide_context(crate::canvas::FirstPaint(first_paint));
    let rest = RwSignal::new(false);
    let mount_rest = move || {
        if !rest.get_untracked() {
            rest.set(true);
            scroll_to_fragment();
        }
    };
    Effect::new(move |_| {
        if first_paint.get() {
            // After the frame that shows the chart has been painted.
            request_animation_frame(move || {
                set_timeout(mount_rest, std::time::Duration::ZERO);
            });
        }
    });
    set_timeout(mount_rest, std::time::Duration::from_millis(600));
    let link_copied = RwSignal::new(false);
    let copy_link = move |_| {
        let q = st
            .spec
            .with_untracked(|s| st.pin.with_untracked(|p| url::query(s, p.as_ref())));
        crate::export::copy(&format!("{}?{}", crate::export::base_url(), q));
        link_copied.set(true);
    };
    let toggle = move |_| {
        // Decide first: reading `dark` inside `mode.update` would read `mode` while it is
        // being written.
        let next = if dark.get_untracked() {
            ThemeMode::Light
        } else {
            ThemeMode::Dark
        };
        mode.set(next);
    };

    view! {
        <header class="top">
            <div>
                <h1>"Ridgepoint"</h1>
                <p class="tagline">
                    "GPU fundamentals and LLM inference, live: will it fit, what bounds it, how fast."
                </p>
            </div>
            <div class="top-tools">
                <button type="button" on:click=move |_| {
                    let json = st.est.with_untracked(|e| st.spec.with_untracked(|spec| {
                        st.scenario.with_untracked(|s| ridgepoint::report::estimate_json(spec, s, e))
                    }));
                    let text = ridgepoint::json::to_string_pretty(&json);
                    crate::export::download_text(&text, "ridgepoint-estimate.json", "application/json");
                } data-testid="download-json">"Estimate (JSON)"</button>
                <button type="button" on:click=copy_link data-testid="copy-link">
                    {move || if link_copied.get() { "Link copied" } else { "Copy link" }}
                </button>
                <button type="button" class="theme-toggle" on:click=toggle
                    aria-label=move || if dark.get() { "Switch to light theme" } else { "Switch to dark theme" }>
                    {move || if dark.get() { "☀ Light" } else { "☾ Dark" }}
                </button>
            </div>
        </header>
        <Show when=move || !problems.with(Vec::is_empty)>
            <div class="problems" role="alert" data-testid="problems">
                <p>"Some of this link could not be used:"</p>
                <ul>
                    {move || problems.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
                <button type="button" on:click=move |_| problems.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
        <main class="layout">
            <Panel />
            <article class="article">
                <crate::headline::Headline />
                <crate::sections::CompareSection />
                <GpuCard />
                <WhyDecode />
                <Show when=move || rest.get()>
                    <crate::sections::HardwareSection />
                    <RooflineSection />
                    <MemorySection />
                    <KvCrossover />
                    <Intensity />
                    <TimeSection />
                    <crate::sections::ServingSection />
                    <crate::sections::AdviseSection />
                    <TakeawaysSection />
                    <Practice />
                    <Formulas />
                </Show>
            </article>
        </main>
        <footer class="foot">
            <p>
                "Peaks are dense datasheet figures (sparse ones halved); GB are 10⁹ bytes. "
                "Times are shown at 100% of peak (the floor) and with efficiencies fitted to "
                "published measurements. Click any number to see how it was made."
            </p>
        </footer>
    }
    .into_any()
}

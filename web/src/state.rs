//! The one source of truth and what is derived from it, shared through context.

use leptos::prelude::*;
use ridgepoint::ops::{ops, Op, Step};
use ridgepoint::published::{self, Point};
use ridgepoint::series::{series, Series};
use ridgepoint::{estimate, Estimate, Scenario, Spec};

/// The scenario signal and the memos every view reads. `Copy`, so views take it by value.
#[derive(Clone, Copy)]
pub struct State {
    /// The scenario as ids and numbers; mirrors the URL.
    pub spec: RwSignal<Spec>,
    pub scenario: Memo<Scenario>,
    /// The estimate with derivations.
    pub est: Memo<Estimate>,
    /// The sweeps the charts draw.
    pub series: Memo<Series>,
    /// Each step split into operations.
    pub decode_ops: Memo<Vec<Op>>,
    pub prefill_ops: Memo<Vec<Op>>,
    /// Published measurements matching the scenario (drawn on the time charts).
    pub published: Memo<Vec<Point>>,
    /// Compare mode: the pinned scenario A (the panel edits B, the current one).
    pub pin: RwSignal<Option<Spec>>,
    /// A's scenario, estimate and sweeps, while pinned.
    pub pinned: Memo<Option<PinnedScenario>>,
}

/// What the page computes for the pinned scenario A.
#[derive(Clone, Debug, PartialEq)]
pub struct PinnedScenario {
    pub scenario: Scenario,
    pub est: Estimate,
    pub series: Series,
}

impl State {
    pub fn new(spec: Spec, pin: Option<Spec>) -> State {
        let spec = RwSignal::new(spec);
        let pin = RwSignal::new(pin);
        let pinned = Memo::new(move |_| {
            pin.with(|p| {
                p.as_ref().map(|p| {
                    let scenario = p.scenario();
                    PinnedScenario {
                        est: estimate(&scenario),
                        series: series(&scenario),
                        scenario,
                    }
                })
            })
        });
        let scenario = Memo::new(move |_| spec.with(Spec::scenario));
        let est = Memo::new(move |_| scenario.with(estimate));
        let series = Memo::new(move |_| scenario.with(series));
        let decode_ops = Memo::new(move |_| scenario.with(|s| ops(s, Step::Decode)));
        let prefill_ops = Memo::new(move |_| scenario.with(|s| ops(s, Step::Prefill)));
        let published = Memo::new(move |_| scenario.with(published::for_scenario));
        State {
            pin,
            pinned,
            published,
            spec,
            scenario,
            est,
            series,
            decode_ops,
            prefill_ops,
        }
    }
}

/// The state provided by [`crate::App`].
pub fn use_state() -> State {
    use_context::<State>().expect("State is provided by App")
}

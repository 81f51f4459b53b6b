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
}

impl State {
    pub fn new(spec: Spec) -> State {
        let spec = RwSignal::new(spec);
        let scenario = Memo::new(move |_| spec.with(Spec::scenario));
        let est = Memo::new(move |_| scenario.with(estimate));
        let series = Memo::new(move |_| scenario.with(series));
        let decode_ops = Memo::new(move |_| scenario.with(|s| ops(s, Step::Decode)));
        let prefill_ops = Memo::new(move |_| scenario.with(|s| ops(s, Step::Prefill)));
        let published = Memo::new(move |_| scenario.with(published::for_scenario));
        State {
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

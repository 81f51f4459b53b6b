//! Ridgepoint's page. It binds controls, canvases and the URL to the estimation crate and the
//! chart crate, and computes nothing itself.
//!
//! Architecture invariant: the scenario lives in one signal that mirrors the URL query; every
//! number and chart is derived from it.

mod app;
mod backend;
mod canvas;
mod controls;
mod embed;
mod export;
mod figure;
mod headline;
mod near;
mod panel;
pub mod panic_screen;
mod sections;
mod state;
pub mod url;

pub use app::App;

//! Too Good CRM: a multi-tenant CRM as one Leptos application.
//!
//! The same source compiles twice: with `ssr` into the server (axum + sqlx), with `hydrate`
//! into the WASM that takes over the server-rendered pages. See the README for the layout.
// Leptos views are nested generic types; whole pages exceed the default limit when the
// release build computes their layout (cargo check does not, so this guards the release build).
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;
pub mod version;

/// Entry point of the WASM bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

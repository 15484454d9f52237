//! Too Good CRM: a multi-tenant CRM as one Leptos application.
//!
//! The same source compiles twice: with `ssr` into the server (axum + sqlx), with `hydrate`
//! into the WASM that takes over the server-rendered pages. See the README for the layout.

pub mod api;
pub mod app;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

/// Entry point of the WASM bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

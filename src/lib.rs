//! Too Good CRM: a multi-tenant CRM as one Leptos application.
//!
//! The same source compiles twice: with `ssr` into the server (axum + sqlx), which renders
//! every page, and with `hydrate` into the WASM, which brings the islands (`#[island]`: the
//! interactive parts of pages) to life in the browser. See the README for the layout.
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

/// Entry point of the WASM bundle. The server renders every page whole; in the browser only
/// the islands (`#[island]` components) run: Leptos's loader hydrates those of the first page
/// right after this, and `public/nav.js` those of every page it swaps in once this has run.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-islands", "ready");
    }
}

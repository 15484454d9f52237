//! The "Export CSV" link of list pages.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::pagination::query_with;

/// Downloads every record of the list at `/api/<resource>/export` under the page's current
/// search, filters and order (the URL's query, without the page). A plain link: it works
/// before the app loads, and the browser keeps the page while it saves the file.
#[component]
pub fn ExportLink(resource: &'static str) -> impl IntoView {
    let query = use_query_map();
    let href = move || query.with(|q| format!("/api/{resource}/export{}", query_with(q, "page", "")));
    view! { <a href=href class="button" download rel="external">"Export CSV"</a> }
}

//! Sortable table column headers: plain links that keep the other query parameters.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::ui::components::pagination::query_with;

/// A column header that sorts by `field`, toggling the direction when already sorted by it.
/// `default` is the list's ordering when the URL names none.
#[component]
pub fn SortHeader(
    field: &'static str,
    label: &'static str,
    #[prop(default = "-created_at")] default: &'static str,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let query = use_query_map();
    let state = move || {
        let ordering = query.with(|q| q.get("ordering")).filter(|o| !o.is_empty()).unwrap_or_else(|| default.into());
        if ordering == field {
            Some(false)
        } else if ordering == format!("-{field}") {
            Some(true)
        } else {
            None
        }
    };
    let href = move || {
        let next = if state() == Some(false) { format!("-{field}") } else { field.to_owned() };
        query.with(|q| query_with(q, "ordering", &next))
    };
    let aria = move || match state() {
        Some(false) => "ascending",
        Some(true) => "descending",
        None => "none",
    };
    let arrow = move || match state() {
        Some(false) => " ▲",
        Some(true) => " ▼",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=aria class=class>
            <A href=href>{label}{arrow}</A>
        </th>
    }
}

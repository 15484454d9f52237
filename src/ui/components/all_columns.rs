//! Lists on a phone show each row's name and the two or three fields that tell rows apart;
//! the other columns carry `hide-sm`. [`AllColumns`] is the switch that shows them all: a
//! checkbox the stylesheet reads (`.table-card:has(.all-columns input:checked)`), so it works
//! without JavaScript; on wider screens it is hidden and every column shows.

use leptos::prelude::*;

/// The "All columns" switch of a list's `.table-card` (first in the card).
#[component]
pub fn AllColumns() -> impl IntoView {
    view! {
        <label class="all-columns"><input type="checkbox" /> "All columns"</label>
    }
}

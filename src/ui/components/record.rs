//! The frame of a record page (a customer, lead, deal, order, issue, payment, activity, vendor,
//! employee, pipeline). A page lays itself out with the classes of `style/main.css`:
//!
//! ```text
//! .record
//!   .record-head    name, status and the actions that change them          (across the top)
//!   .record-facts   the key facts, with the edit form one click away         (left)
//!   .record-main    the timeline, or what the record is made of (items)     (centre)
//!   .record-side    related records                                         (right)
//! ```
//!
//! At 1400 px the three columns stand side by side, so who the record is, what to do next and
//! what is open with it show without scrolling; narrower, the side goes under the centre, and
//! on a phone everything is one column in that order.

use leptos::prelude::*;

use crate::error::AppError;

/// The record's edit form, one click away: a `<details>` (so it opens without JavaScript too)
/// whose "Edit" sits in the corner of the key facts. While it is open it takes the facts' place
/// and the page's width. It opens by itself when the last save was refused (`error`: the form's
/// `FormAction::error`), so the problems show by their fields.
#[component]
pub fn EditInPlace(error: Signal<Option<AppError>>, children: Children) -> impl IntoView {
    view! {
        <details class="edit-in-place" open=move || error.with(Option::is_some)>
            <summary class="button small">
                <span class="when-closed">"Edit"</span>
                <span class="when-open">"Close"</span>
            </summary>
            <section class="card">
                <h2>"Edit"</h2>
                {children()}
            </section>
        </details>
    }
}

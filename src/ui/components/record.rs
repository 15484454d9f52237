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
use crate::ui::components::{ApiForm, FormAction};

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

/// "Delete…" among a record's actions: a menu that asks `question` and posts the record's `id`
/// to `S` (a delete endpoint), which sends the browser to `next` (the list) once done.
#[component]
pub fn DeleteMenu<S: leptos::server_fn::ServerFn>(
    action: FormAction<S>,
    id: i64,
    next: &'static str,
    question: &'static str,
) -> impl IntoView {
    view! {
        <details class="menu danger-menu">
            <summary class="button danger">"Delete…"</summary>
            <div class="menu-panel">
                <p>{question}</p>
                <ApiForm action>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="next" value=next />
                    <button type="submit" class="button danger">"Yes, delete"</button>
                </ApiForm>
            </div>
        </details>
    }
}

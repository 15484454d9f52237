//! Leads: list, detail (edit, status, score, owner, activities), create.

mod detail;
mod form;
mod list;

pub use detail::LeadDetailPage;
pub use form::LeadNewPage;
pub use list::LeadListPage;

use crate::domain::lead::LeadStatus;

/// CSS class of a status badge.
fn status_class(status: LeadStatus) -> &'static str {
    match status {
        LeadStatus::New => "badge badge-blue",
        LeadStatus::Contacted => "badge badge-amber",
        LeadStatus::Qualified | LeadStatus::Converted => "badge badge-green",
        LeadStatus::Unqualified => "badge badge-grey",
        LeadStatus::Lost => "badge badge-red",
    }
}

/// CSS class of a score badge: hot (70+), warm (40–69), cold.
fn score_class(score: i64) -> &'static str {
    match score {
        70.. => "badge badge-green",
        40..=69 => "badge badge-amber",
        _ => "badge badge-grey",
    }
}

/// `/leads/import`: CSV import with a preview.
#[leptos::component]
pub fn LeadImportPage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    view! { <crate::ui::pages::import::ImportPage resource="leads" title="Import leads" run=crate::api::leads::import_leads /> }
}

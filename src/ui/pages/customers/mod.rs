//! Customers: list, detail (edit, notes, status), create.

mod detail;
mod form;
mod list;
mod portal;

pub use detail::CustomerDetailPage;
pub use form::CustomerNewPage;
pub use list::CustomerListPage;

use crate::domain::customer::CustomerStatus;

/// CSS class of a status badge.
fn status_class(status: CustomerStatus) -> &'static str {
    match status {
        CustomerStatus::Active => "badge badge-green",
        CustomerStatus::Inactive => "badge badge-grey",
        CustomerStatus::Prospect => "badge badge-blue",
    }
}

/// `/customers/import`: CSV import with a preview.
#[leptos::component]
pub fn CustomerImportPage() -> impl leptos::IntoView {
    use leptos::prelude::*;
    view! { <crate::ui::pages::import::ImportPage resource="customers" title="Import customers" run=crate::api::customers::import_customers /> }
}

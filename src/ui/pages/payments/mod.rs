//! Payments: list, detail (edit, process, mark failed), create, and the payments section of
//! order, customer and vendor pages.

mod detail;
mod form;
mod list;
mod related;

pub use detail::PaymentDetailPage;
pub use form::PaymentNewPage;
pub use list::PaymentListPage;
pub use related::RelatedPayments;

use crate::domain::payment::{PaymentStatus, PaymentType};

/// CSS class of a status badge.
fn status_class(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::Pending => "badge badge-amber",
        PaymentStatus::Processing => "badge badge-blue",
        PaymentStatus::Completed => "badge badge-green",
        PaymentStatus::Failed => "badge badge-red",
        PaymentStatus::Refunded | PaymentStatus::Cancelled => "badge badge-grey",
    }
}

/// "In" or "Out", for the direction column.
fn direction(t: PaymentType) -> &'static str {
    match t {
        PaymentType::Incoming => "In",
        PaymentType::Outgoing => "Out",
    }
}

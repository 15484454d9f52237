//! Orders: list, detail (edit with the items editor, complete, cancel), create, and the orders
//! section of customer and vendor pages. Also the related-record pickers the operations pages
//! share ([`Choice`], [`RefField`], [`RefFilter`]) and their small URL helper.

mod choices;
mod detail;
mod form;
mod items;
mod list;
mod related;

pub use choices::{customer_choice, order_choice, vendor_choice, Choice, PartyFilters, RefField, RefFilter};
pub use detail::OrderDetailPage;
pub use form::OrderNewPage;
pub use list::OrderListPage;
pub use related::RelatedOrders;

use crate::domain::order::OrderStatus;

/// CSS class of a status badge.
fn status_class(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Draft => "badge badge-grey",
        OrderStatus::Pending => "badge badge-amber",
        OrderStatus::Confirmed | OrderStatus::InProgress => "badge badge-blue",
        OrderStatus::Completed => "badge badge-green",
        OrderStatus::Cancelled => "badge badge-red",
    }
}

/// The value of an id parameter, when it is one.
pub fn id_param(value: Option<String>) -> Option<i64> {
    value.and_then(|v| v.trim().parse::<i64>().ok()).filter(|v| *v > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_numbers() {
        assert_eq!(id_param(Some(" 7".into())), Some(7));
        assert_eq!(id_param(Some("x".into())), None);
        assert_eq!(id_param(Some("0".into())), None);
    }
}

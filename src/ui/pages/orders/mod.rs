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
use crate::ui::components::pagination::encode;

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

/// `base?…` with the `pairs` that have a value (for "all of them" links and prefilled forms).
pub fn list_url(base: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", query.join("&"))
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
    fn urls_keep_only_the_values_given() {
        assert_eq!(list_url("/orders", &[("vendor", "3".into()), ("customer", "".into())]), "/orders?vendor=3");
        assert_eq!(list_url("/payments", &[]), "/payments");
        assert_eq!(id_param(Some(" 7".into())), Some(7));
        assert_eq!(id_param(Some("x".into())), None);
        assert_eq!(id_param(Some("0".into())), None);
    }
}

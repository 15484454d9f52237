//! The "Orders" section of a customer's or a vendor's page.

use leptos::prelude::*;

use super::status_class;
use crate::api::orders::list_orders;
use crate::domain::money;
use crate::domain::order::OrderQuery;
use crate::ui::components::pagination::list_url;
use crate::ui::components::related::{badge, RelatedRow, RelatedRows, RelatedSection, SHOWN};
use crate::ui::layout::use_me;

/// The orders of the record whose id is `id`; `by` is the list filter naming it (`customer`
/// or `vendor`).
#[component]
pub fn RelatedOrders(by: &'static str, #[prop(into)] id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let new = me
        .can("orders", "create")
        .then(|| ("New order", Signal::derive(move || list_url("/orders/new", &[(by, id.get().to_string())]))));
    me.can("orders", "view").then(move || {
        let rows = Resource::new(
            move || id.get(),
            move |id| async move {
                let mut query = OrderQuery { page_size: Some(SHOWN.to_string()), ..Default::default() };
                match by {
                    "vendor" => query.vendor = Some(id.to_string()),
                    _ => query.customer = Some(id.to_string()),
                }
                let page = list_orders(query).await?;
                let rows = page
                    .results
                    .into_iter()
                    .map(|o| RelatedRow {
                        href: format!("/orders/{}", o.id),
                        name: format!("{} · {}", o.number, o.fields.title),
                        amount: Some(money::format(o.total_amount, &o.fields.currency)),
                        badges: vec![badge(status_class(o.fields.status), o.fields.status.label())],
                        detail: Some(format!("ordered {}", o.fields.order_date)),
                    })
                    .collect();
                Ok(RelatedRows { count: page.count, rows })
            },
        );
        let all = Signal::derive(move || list_url("/orders", &[(by, id.get().to_string())]));
        view! { <RelatedSection title_id=format!("{by}-orders-title") title="Orders" noun="orders" new all rows /> }
    })
}

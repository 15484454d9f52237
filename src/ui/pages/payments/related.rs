//! The "Payments" section of an order's, a customer's or a vendor's page.

use leptos::prelude::*;

use super::{direction, status_class};
use crate::api::payments::list_payments;
use crate::domain::money;
use crate::domain::payment::PaymentQuery;
use crate::ui::components::pagination::list_url;
use crate::ui::components::related::{badge, RelatedRow, RelatedRows, RelatedSection, SHOWN};
use crate::ui::layout::use_me;

/// The payments of the record whose id is `id`; `by` is the list filter naming it (`order`,
/// `customer` or `vendor`).
#[component]
pub fn RelatedPayments(by: &'static str, #[prop(into)] id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let new = me
        .can("payments", "create")
        .then(|| ("New payment", Signal::derive(move || list_url("/payments/new", &[(by, id.get().to_string())]))));
    me.can("payments", "view").then(move || {
        let rows = Resource::new(
            move || id.get(),
            move |id| async move {
                let mut query = PaymentQuery { page_size: Some(SHOWN.to_string()), ..Default::default() };
                match by {
                    "order" => query.order = Some(id.to_string()),
                    "vendor" => query.vendor = Some(id.to_string()),
                    _ => query.customer = Some(id.to_string()),
                }
                let page = list_payments(query).await?;
                let rows = page
                    .results
                    .into_iter()
                    .map(|p| {
                        let mut badges = vec![badge(status_class(p.fields.status), p.fields.status.label())];
                        if p.is_overdue {
                            badges.push(badge("badge badge-red", "Overdue"));
                        }
                        RelatedRow {
                            href: format!("/payments/{}", p.id),
                            name: p.number.clone(),
                            amount: Some(format!(
                                "{} {}",
                                direction(p.fields.payment_type),
                                money::format(p.fields.amount, &p.fields.currency)
                            )),
                            badges,
                            detail: p.fields.due_date.map(|d| format!("due {d}")),
                        }
                    })
                    .collect();
                Ok(RelatedRows { count: page.count, rows })
            },
        );
        let all = Signal::derive(move || list_url("/payments", &[(by, id.get().to_string())]));
        view! { <RelatedSection title_id=format!("{by}-payments-title") title="Payments" noun="payments" new all rows /> }
    })
}

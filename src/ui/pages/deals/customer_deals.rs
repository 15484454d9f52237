//! The "Deals" section of a customer's page.

use leptos::prelude::*;

use super::status_class;
use crate::api::deals::list_deals;
use crate::domain::deal::{DealQuery, DealStatus};
use crate::domain::money;
use crate::ui::components::pagination::list_url;
use crate::ui::components::related::{badge, RelatedRow, RelatedRows, RelatedSection, SHOWN};
use crate::ui::layout::use_me;

/// The customer's deals, newest first, with a link to create another for them.
#[component]
pub fn CustomerDeals(#[prop(into)] customer_id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let new = me
        .can("deals", "create")
        .then(|| ("New deal", Signal::derive(move || format!("/deals/new?customer={}", customer_id.get()))));
    me.can("deals", "view").then(move || {
        let rows = Resource::new(
            move || customer_id.get(),
            |id| async move {
                let query = DealQuery {
                    customer: Some(id.to_string()),
                    page_size: Some(SHOWN.to_string()),
                    ..Default::default()
                };
                let page = list_deals(query).await?;
                let rows = page
                    .results
                    .into_iter()
                    .map(|d| RelatedRow {
                        href: format!("/deals/{}", d.id),
                        name: d.fields.title.clone(),
                        amount: Some(money::format(d.fields.value, &d.currency)),
                        badges: vec![badge(status_class(d.status), d.status.label())],
                        // An open deal's stage; a closed one's status badge says it all but when.
                        detail: match d.status {
                            DealStatus::Open => Some(match d.fields.expected_close_date {
                                Some(date) => format!("{} · close by {date}", d.stage_name),
                                None => d.stage_name.clone(),
                            }),
                            _ => d.actual_close_date.map(|date| format!("closed {date}")),
                        },
                    })
                    .collect();
                Ok(RelatedRows { count: page.count, rows })
            },
        );
        let all = Signal::derive(move || list_url("/deals", &[("customer", customer_id.get().to_string())]));
        view! { <RelatedSection title_id="customer-deals-title".to_owned() title="Deals" noun="deals" new all rows /> }
    })
}

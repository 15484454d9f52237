//! The "Issues" section of an order's, a customer's or a vendor's page.

use leptos::prelude::*;

use super::{priority_class, status_class};
use crate::api::issues::list_issues;
use crate::domain::issue::IssueQuery;
use crate::ui::components::pagination::list_url;
use crate::ui::components::related::{badge, RelatedRow, RelatedRows, RelatedSection, SHOWN};
use crate::ui::components::time;
use crate::ui::layout::use_me;

/// The issues of the record whose id is `id`; `by` is the list filter naming it (`order`,
/// `customer` or `vendor`).
#[component]
pub fn RelatedIssues(by: &'static str, #[prop(into)] id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let new = me
        .can("issues", "create")
        .then(|| ("New issue", Signal::derive(move || list_url("/issues/new", &[(by, id.get().to_string())]))));
    me.can("issues", "view").then(move || {
        let rows = Resource::new(
            move || id.get(),
            move |id| async move {
                let mut query = IssueQuery { page_size: Some(SHOWN.to_string()), ..Default::default() };
                match by {
                    "order" => query.order = Some(id.to_string()),
                    "vendor" => query.vendor = Some(id.to_string()),
                    _ => query.customer = Some(id.to_string()),
                }
                let page = list_issues(query).await?;
                let rows = page
                    .results
                    .into_iter()
                    .map(|i| RelatedRow {
                        href: format!("/issues/{}", i.id),
                        name: format!("{} · {}", i.number, i.fields.title),
                        amount: None,
                        badges: vec![
                            badge(status_class(i.fields.status), i.fields.status.label()),
                            badge(priority_class(i.fields.priority), i.fields.priority.label()),
                        ],
                        detail: Some(format!("raised {}", time::date(i.created_at))),
                    })
                    .collect();
                Ok(RelatedRows { count: page.count, rows })
            },
        );
        let all = Signal::derive(move || list_url("/issues", &[(by, id.get().to_string())]));
        view! { <RelatedSection title_id=format!("{by}-issues-title") title="Issues" noun="issues" new all rows /> }
    })
}

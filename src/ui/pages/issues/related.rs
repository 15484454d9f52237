//! The "Issues" section of an order's, a customer's or a vendor's page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{priority_class, status_class};
use crate::api::issues::list_issues;
use crate::domain::issue::IssueQuery;
use crate::ui::components::time;
use crate::ui::layout::use_me;
use crate::ui::pages::orders::list_url;

/// Issues shown in the section (the newest; the rest are one link away).
const SHOWN: i64 = 10;

/// The issues of the record whose id is `id`; `by` is the list filter naming it (`order`,
/// `customer` or `vendor`).
#[component]
pub fn RelatedIssues(by: &'static str, #[prop(into)] id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let can_create = me.can("issues", "create");
    let title_id = format!("{by}-issues-title");
    me.can("issues", "view").then(move || {
        let issues = Resource::new(
            move || id.get(),
            move |id| {
                let mut query = IssueQuery { page_size: Some(SHOWN.to_string()), ..Default::default() };
                match by {
                    "order" => query.order = Some(id.to_string()),
                    "vendor" => query.vendor = Some(id.to_string()),
                    _ => query.customer = Some(id.to_string()),
                }
                list_issues(query)
            },
        );
        let labelled_by = title_id.clone();
        view! {
            <section class="card related" aria-labelledby=labelled_by>
                <div class="row-between">
                    <h2 id=title_id>"Issues"</h2>
                    {can_create.then(|| view! {
                        <A href=move || list_url("/issues/new", &[(by, id.get().to_string())]) attr:class="button">"New issue"</A>
                    })}
                </div>
                <Transition fallback=|| view! { <p class="loading">"Loading issues…"</p> }>
                    {move || Suspend::new(async move {
                        match issues.await {
                            Ok(page) if page.results.is_empty() => view! { <p class="muted">"No issues yet."</p> }.into_any(),
                            Ok(page) => {
                                let more = (page.count > SHOWN).then(|| {
                                    let href = list_url("/issues", &[(by, id.get_untracked().to_string())]);
                                    view! { <p><A href=href>{format!("All {} issues →", page.count)}</A></p> }
                                });
                                view! {
                                    <div class="table-scroll">
                                        <table class="table compact">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Number"</th>
                                                    <th scope="col">"Title"</th>
                                                    <th scope="col">"Priority"</th>
                                                    <th scope="col">"Status"</th>
                                                    <th scope="col" class="hide-sm">"Raised"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {page.results.into_iter().map(|i| view! {
                                                    <tr>
                                                        <td><A href=format!("/issues/{}", i.id)>{i.number.clone()}</A></td>
                                                        <td class="wrap">{i.fields.title.clone()}</td>
                                                        <td><span class=priority_class(i.fields.priority)>{i.fields.priority.label()}</span></td>
                                                        <td><span class=status_class(i.fields.status)>{i.fields.status.label()}</span></td>
                                                        <td class="hide-sm">{time::date(i.created_at)}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                    {more}
                                }.into_any()
                            }
                            Err(_) => view! { <p class="muted">"Issues could not be loaded."</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        }
        .into_any()
    })
}

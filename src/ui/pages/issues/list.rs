//! The issues list: search as you type, filters, sortable columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{priority_class, status_class};
use crate::api::issues::list_issues;
use crate::domain::issue::{IssueCategory, IssuePriority, IssueQuery, IssueStatus};
use crate::domain::list::ListParams;
use crate::ui::components::pagination::Pagination;
use crate::ui::components::{time, AllColumns, AssigneeFilter, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;
use crate::ui::pages::orders::PartyFilters;

#[component]
pub fn IssueListPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| IssueQuery {
            search: q.get("search"),
            vendor: q.get("vendor"),
            order: q.get("order"),
            customer: q.get("customer"),
            priority: q.get("priority"),
            category: q.get("category"),
            status: q.get("status"),
            assigned_to: q.get("assigned_to"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let issues = Resource::new(move || filters.get(), list_issues);

    let initial = filters.get_untracked();
    view! {
        <Title text="Issues" />
        <div class="page-header">
            <h1>"Issues"</h1>
            <div class="actions">
                <ExportLink resource="issues" />
                {me.can("issues", "create").then(|| view! { <A href="/issues/new" attr:class="button primary">"New issue"</A> })}
            </div>
        </div>
        <form class="filters filters-ops" method="get" action="/issues" role="search" data-live="">
            <div class="field filter-search">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Number, title or description"
                    value=initial.search.clone() />
            </div>
            // Kept by the plain form: the order filter comes from an order's page.
            {initial.order.clone().map(|o| view! { <input type="hidden" name="order" value=o /> })}
            <PartyFilters vendor=initial.vendor.clone() customer=initial.customer.clone() />
            <SelectFilter label="Priority" name="priority" options=IssuePriority::options(IssuePriority::ALL)
                current=initial.priority.clone() />
            <SelectFilter label="Category" name="category" options=IssueCategory::options(IssueCategory::ALL)
                current=initial.category.clone() />
            <SelectFilter label="Status" name="status" options=IssueStatus::options(IssueStatus::ALL)
                current=initial.status.clone() />
            <AssigneeFilter current=initial.assigned_to.clone() />
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading issues…"</p> }>
            {move || Suspend::new(async move {
                match issues.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No issues match. " <A href="/issues">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="number" label="Number" />
                                            <SortHeader field="title" label="Title" />
                                            <SortHeader field="priority" label="Priority" class="hide-sm" />
                                            <th scope="col" class="hide-sm">"Category"</th>
                                            <SortHeader field="status" label="Status" />
                                            <th scope="col" class="hide-sm">"About"</th>
                                            <th scope="col" class="hide-sm">"Assigned to"</th>
                                            <SortHeader field="created_at" label="Raised" class="hide-sm" />
                                            <SortHeader field="resolved_at" label="Resolved" class="hide-sm" />
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|i| {
                                            let about = [i.order_number.clone(), i.vendor_name.clone(), i.customer_name.clone()]
                                                .into_iter().flatten().collect::<Vec<_>>().join(" · ");
                                            view! {
                                                <tr>
                                                    <td><A href=format!("/issues/{}", i.id)>{i.number.clone()}</A></td>
                                                    <td class="wrap">{i.fields.title.clone()}</td>
                                                    <td class="hide-sm"><span class=priority_class(i.fields.priority)>{i.fields.priority.label()}</span></td>
                                                    <td class="hide-sm">{i.fields.category.label()}</td>
                                                    <td><span class=status_class(i.fields.status)>{i.fields.status.label()}</span></td>
                                                    <td class="hide-sm">{about}</td>
                                                    <td class="hide-sm">{i.assigned_to_name.clone()}</td>
                                                    <td class="hide-sm"><time datetime=i.created_at.to_rfc3339()>{time::date(i.created_at)}</time></td>
                                                    <td class="hide-sm">{i.resolved_at.map(time::date)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination page=current_page page_count count />
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

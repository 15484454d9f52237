//! The customers list: search as you type, filters, sortable columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::status_class;
use crate::api::customers::list_customers;
use crate::domain::customer::{CustomerQuery, CustomerStatus, CustomerType};
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::ui::components::pagination::Pagination;
use crate::ui::components::time;
use crate::ui::components::{AllColumns, AssigneeFilter, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;

#[component]
pub fn CustomerListPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| CustomerQuery {
            search: q.get("search"),
            status: q.get("status"),
            customer_type: q.get("customer_type"),
            assigned_to: q.get("assigned_to"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let customers = Resource::new(move || filters.get(), list_customers);

    let initial = filters.get_untracked();
    view! {
        <Title text="Customers" />
        <div class="page-header">
            <h1>"Customers"</h1>
            <div class="actions">
                <ExportLink resource="customers" />
                {me.can("customers", "create").then(|| view! { <A href="/customers/import" attr:class="button">"Import CSV"</A> })}
                {me.can("customers", "create").then(|| view! { <A href="/customers/new" attr:class="button primary">"New customer"</A> })}
            </div>
        </div>
        <form class="filters" method="get" action="/customers" role="search" data-live="">
            <div class="field">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Name, email, company or phone"
                    value=initial.search.clone() />
            </div>
            <SelectFilter label="Status" name="status" options=CustomerStatus::options(CustomerStatus::ALL)
                current=initial.status.clone() />
            <SelectFilter label="Type" name="customer_type" options=CustomerType::options(CustomerType::ALL)
                current=initial.customer_type.clone() />
            <AssigneeFilter current=initial.assigned_to.clone() />
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading customers…"</p> }>
            {move || Suspend::new(async move {
                match customers.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No customers match. " <A href="/customers">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="name" label="Name" />
                                            <SortHeader field="company_name" label="Company" />
                                            <SortHeader field="email" label="Email" class="hide-sm" />
                                            <SortHeader field="status" label="Status" />
                                            <SortHeader field="customer_type" label="Type" class="hide-sm" />
                                            <th scope="col" class="hide-sm">"Assigned to"</th>
                                            <th scope="col" class="num hide-sm">"Credit limit"</th>
                                            <SortHeader field="created_at" label="Created" class="hide-sm" />
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|c| view! {
                                            <tr>
                                                <td><A href=format!("/customers/{}", c.id)>{c.fields.name.clone()}</A></td>
                                                <td>{c.fields.company_name.clone()}</td>
                                                <td class="hide-sm">{c.fields.email.clone()}</td>
                                                <td><span class=status_class(c.fields.status)>{c.fields.status.label()}</span></td>
                                                <td class="hide-sm">{c.fields.customer_type.label()}</td>
                                                <td class="hide-sm">{c.assigned_to_name.clone()}</td>
                                                <td class="num hide-sm">{c.fields.credit_limit.map(|d| money::format(d, &c.currency))}</td>
                                                <td class="hide-sm"><time datetime=c.created_at.to_rfc3339()>{time::date(c.created_at)}</time></td>
                                            </tr>
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
}

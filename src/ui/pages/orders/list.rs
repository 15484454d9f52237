//! The orders list: search as you type, filters, sortable columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::choices::PartyFilters;
use super::status_class;
use crate::api::orders::list_orders;
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::domain::order::{OrderQuery, OrderStatus, OrderType};
use crate::ui::components::pagination::Pagination;
use crate::ui::components::{AllColumns, AssigneeFilter, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;

#[component]
pub fn OrderListPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| OrderQuery {
            search: q.get("search"),
            vendor: q.get("vendor"),
            customer: q.get("customer"),
            order_type: q.get("order_type"),
            status: q.get("status"),
            assigned_to: q.get("assigned_to"),
            date_from: q.get("date_from"),
            date_to: q.get("date_to"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let orders = Resource::new(move || filters.get(), list_orders);

    let initial = filters.get_untracked();
    view! {
        <Title text="Orders" />
        <div class="page-header">
            <h1>"Orders"</h1>
            <div class="actions">
                <ExportLink resource="orders" />
                {me.can("orders", "create").then(|| view! { <A href="/orders/new" attr:class="button primary">"New order"</A> })}
            </div>
        </div>
        <form class="filters filters-ops" method="get" action="/orders" role="search" data-live="">
            <div class="field filter-search">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Number, title or description"
                    value=initial.search.clone() />
            </div>
            <PartyFilters vendor=initial.vendor.clone() customer=initial.customer.clone() />
            <SelectFilter label="Type" name="order_type" options=OrderType::options(OrderType::ALL)
                current=initial.order_type.clone() />
            <SelectFilter label="Status" name="status" options=OrderStatus::options(OrderStatus::ALL)
                current=initial.status.clone() />
            <AssigneeFilter current=initial.assigned_to.clone() />
            <div class="field">
                <label for="date_from">"Ordered from"</label>
                <input id="date_from" type="date" name="date_from" value=initial.date_from.clone() />
            </div>
            <div class="field">
                <label for="date_to">"Ordered to"</label>
                <input id="date_to" type="date" name="date_to" value=initial.date_to.clone() />
            </div>
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading orders…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No orders match. " <A href="/orders">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="number" label="Number" />
                                            <SortHeader field="title" label="Title" class="hide-sm" />
                                            <th scope="col" class="hide-sm">"Vendor / customer"</th>
                                            <th scope="col" class="hide-sm">"Type"</th>
                                            <SortHeader field="status" label="Status" />
                                            <th scope="col" class="num hide-sm">"Items"</th>
                                            <SortHeader field="total_amount" label="Total" class="num" />
                                            <SortHeader field="order_date" label="Ordered" class="hide-sm" />
                                            <SortHeader field="delivery_date" label="Delivery" class="hide-sm" />
                                            <th scope="col" class="hide-sm">"Assigned to"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|o| view! {
                                            <tr>
                                                <td><A href=format!("/orders/{}", o.id)>{o.number.clone()}</A></td>
                                                <td class="wrap hide-sm">{o.fields.title.clone()}</td>
                                                <td>
                                                    {o.fields.vendor_id.map(|v| view! {
                                                        <A href=format!("/vendors/{v}")>{o.vendor_name.clone().unwrap_or_else(|| format!("Vendor #{v}"))}</A>
                                                    })}
                                                    {(o.fields.vendor_id.is_some() && o.fields.customer_id.is_some()).then_some(" · ")}
                                                    {o.fields.customer_id.map(|c| view! {
                                                        <A href=format!("/customers/{c}")>{o.customer_name.clone().unwrap_or_else(|| format!("Customer #{c}"))}</A>
                                                    })}
                                                </td>
                                                <td class="hide-sm">{o.fields.order_type.label()}</td>
                                                <td><span class=status_class(o.fields.status)>{o.fields.status.label()}</span></td>
                                                <td class="num hide-sm">{o.item_count}</td>
                                                <td class="num">{money::format(o.total_amount, &o.fields.currency)}</td>
                                                <td class="hide-sm">{o.fields.order_date.to_string()}</td>
                                                <td class="hide-sm">{o.fields.delivery_date.map(|d| d.to_string())}</td>
                                                <td class="hide-sm">{o.assigned_to_name.clone()}</td>
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
    .into_any()
}

//! The payments list: search as you type, filters, sortable columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{direction, status_class};
use crate::api::payments::list_payments;
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::domain::payment::{PaymentMethod, PaymentQuery, PaymentStatus, PaymentType};
use crate::ui::components::pagination::Pagination;
use crate::ui::components::{AllColumns, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;
use crate::ui::pages::orders::PartyFilters;

#[component]
pub fn PaymentListPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| PaymentQuery {
            search: q.get("search"),
            vendor: q.get("vendor"),
            customer: q.get("customer"),
            order: q.get("order"),
            payment_type: q.get("payment_type"),
            payment_method: q.get("payment_method"),
            status: q.get("status"),
            due_from: q.get("due_from"),
            due_to: q.get("due_to"),
            overdue: q.get("overdue"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let payments = Resource::new(move || filters.get(), list_payments);

    let initial = filters.get_untracked();
    let overdue = initial.overdue.as_deref() == Some("true");
    view! {
        <Title text="Payments" />
        <div class="page-header">
            <h1>"Payments"</h1>
            <div class="actions">
                <ExportLink resource="payments" />
                {me.can("payments", "create").then(|| view! { <A href="/payments/new" attr:class="button primary">"New payment"</A> })}
            </div>
        </div>
        <form class="filters filters-ops" method="get" action="/payments" role="search" data-live="">
            <div class="field filter-search">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Payment, invoice or reference number, transaction id"
                    value=initial.search.clone() />
            </div>
            // Kept by the plain form: the order filter comes from an order's page.
            {initial.order.clone().map(|o| view! { <input type="hidden" name="order" value=o /> })}
            <PartyFilters vendor=initial.vendor.clone() customer=initial.customer.clone() />
            <SelectFilter label="Direction" name="payment_type" options=PaymentType::options(PaymentType::ALL)
                current=initial.payment_type.clone() />
            <SelectFilter label="Method" name="payment_method" options=PaymentMethod::options(PaymentMethod::ALL)
                current=initial.payment_method.clone() />
            <SelectFilter label="Status" name="status" options=PaymentStatus::options(PaymentStatus::ALL)
                current=initial.status.clone() />
            <div class="field">
                <label for="due_from">"Due from"</label>
                <input id="due_from" type="date" name="due_from" value=initial.due_from.clone() />
            </div>
            <div class="field">
                <label for="due_to">"Due to"</label>
                <input id="due_to" type="date" name="due_to" value=initial.due_to.clone() />
            </div>
            <div class="field filter-check">
                <label class="checkbox">
                    <input type="checkbox" name="overdue" value="true" checked=overdue />
                    "Overdue only"
                </label>
            </div>
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading payments…"</p> }>
            {move || Suspend::new(async move {
                match payments.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No payments match. " <A href="/payments">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="number" label="Number" />
                                            <SortHeader field="amount" label="Amount" class="num" />
                                            <th scope="col" class="hide-sm">"Direction"</th>
                                            <th scope="col" class="hide-sm">"Method"</th>
                                            <SortHeader field="status" label="Status" />
                                            <th scope="col" class="hide-sm">"Order"</th>
                                            <th scope="col" class="hide-sm">"Vendor / customer"</th>
                                            <th scope="col" class="hide-sm">"Invoice"</th>
                                            <SortHeader field="due_date" label="Due" class="hide-sm" />
                                            <SortHeader field="payment_date" label="Paid on" class="hide-sm" />
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|p| view! {
                                            <tr class:overdue=p.is_overdue>
                                                <td><A href=format!("/payments/{}", p.id)>{p.number.clone()}</A></td>
                                                <td class="num">{money::format(p.fields.amount, &p.fields.currency)}</td>
                                                <td class="hide-sm">{direction(p.fields.payment_type)}</td>
                                                <td class="hide-sm">{p.fields.payment_method.label()}</td>
                                                <td>
                                                    <span class=status_class(p.fields.status)>{p.fields.status.label()}</span>
                                                    {p.is_overdue.then(|| view! { " " <span class="badge badge-red">"Overdue"</span> })}
                                                </td>
                                                <td class="hide-sm">{p.fields.order_id.map(|o| view! {
                                                    <A href=format!("/orders/{o}")>{p.order_number.clone().unwrap_or_else(|| format!("#{o}"))}</A>
                                                })}</td>
                                                <td class="hide-sm">{p.vendor_name.clone().or_else(|| p.customer_name.clone())}</td>
                                                <td class="hide-sm">{p.fields.invoice_number.clone()}</td>
                                                <td class="hide-sm">{p.fields.due_date.map(|d| d.to_string())}</td>
                                                <td class="hide-sm">{p.fields.payment_date.map(|d| d.to_string())}</td>
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

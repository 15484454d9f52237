//! The "Orders" section of a customer's or a vendor's page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{list_url, status_class};
use crate::api::orders::list_orders;
use crate::domain::money;
use crate::domain::order::OrderQuery;
use crate::ui::layout::use_me;

/// Orders shown in the section (the newest; the rest are one link away).
const SHOWN: i64 = 10;

/// The orders of the record whose id is `id`; `by` is the list filter naming it (`customer`
/// or `vendor`).
#[component]
pub fn RelatedOrders(by: &'static str, #[prop(into)] id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let can_create = me.can("orders", "create");
    let title_id = format!("{by}-orders-title");
    me.can("orders", "view").then(move || {
        let orders = Resource::new(
            move || id.get(),
            move |id| {
                let mut query = OrderQuery { page_size: Some(SHOWN.to_string()), ..Default::default() };
                match by {
                    "vendor" => query.vendor = Some(id.to_string()),
                    _ => query.customer = Some(id.to_string()),
                }
                list_orders(query)
            },
        );
        let labelled_by = title_id.clone();
        view! {
            <section class="card related" aria-labelledby=labelled_by>
                <div class="row-between">
                    <h2 id=title_id>"Orders"</h2>
                    {can_create.then(|| view! {
                        <A href=move || list_url("/orders/new", &[(by, id.get().to_string())]) attr:class="button">"New order"</A>
                    })}
                </div>
                <Transition fallback=|| view! { <p class="loading">"Loading orders…"</p> }>
                    {move || Suspend::new(async move {
                        match orders.await {
                            Ok(page) if page.results.is_empty() => view! { <p class="muted">"No orders yet."</p> }.into_any(),
                            Ok(page) => {
                                let more = (page.count > SHOWN).then(|| {
                                    let href = list_url("/orders", &[(by, id.get_untracked().to_string())]);
                                    view! { <p><A href=href>{format!("All {} orders →", page.count)}</A></p> }
                                });
                                view! {
                                    <div class="table-scroll">
                                        <table class="table compact">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Number"</th>
                                                    <th scope="col">"Title"</th>
                                                    <th scope="col">"Status"</th>
                                                    <th scope="col" class="num">"Total"</th>
                                                    <th scope="col" class="hide-sm">"Ordered"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {page.results.into_iter().map(|o| view! {
                                                    <tr>
                                                        <td><A href=format!("/orders/{}", o.id)>{o.number.clone()}</A></td>
                                                        <td class="wrap">{o.fields.title.clone()}</td>
                                                        <td><span class=status_class(o.fields.status)>{o.fields.status.label()}</span></td>
                                                        <td class="num">{money::format(o.total_amount, &o.fields.currency)}</td>
                                                        <td class="hide-sm">{o.fields.order_date.to_string()}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                    {more}
                                }.into_any()
                            }
                            Err(_) => view! { <p class="muted">"Orders could not be loaded."</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        }
        .into_any()
    })
}

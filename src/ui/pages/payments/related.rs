//! The "Payments" section of an order's, a customer's or a vendor's page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{direction, status_class};
use crate::api::payments::list_payments;
use crate::domain::money;
use crate::domain::payment::PaymentQuery;
use crate::ui::layout::use_me;
use crate::ui::pages::orders::list_url;

/// Payments shown in the section (the newest; the rest are one link away).
const SHOWN: i64 = 10;

/// The payments of the record whose id is `id`; `by` is the list filter naming it (`order`,
/// `customer` or `vendor`).
#[component]
pub fn RelatedPayments(by: &'static str, #[prop(into)] id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let can_create = me.can("payments", "create");
    let title_id = format!("{by}-payments-title");
    me.can("payments", "view").then(move || {
        let payments = Resource::new(
            move || id.get(),
            move |id| {
                let mut query = PaymentQuery { page_size: Some(SHOWN.to_string()), ..Default::default() };
                match by {
                    "order" => query.order = Some(id.to_string()),
                    "vendor" => query.vendor = Some(id.to_string()),
                    _ => query.customer = Some(id.to_string()),
                }
                list_payments(query)
            },
        );
        let labelled_by = title_id.clone();
        view! {
            <section class="card related" aria-labelledby=labelled_by>
                <div class="row-between">
                    <h2 id=title_id>"Payments"</h2>
                    {can_create.then(|| view! {
                        <A href=move || list_url("/payments/new", &[(by, id.get().to_string())]) attr:class="button">"New payment"</A>
                    })}
                </div>
                <Transition fallback=|| view! { <p class="loading">"Loading payments…"</p> }>
                    {move || Suspend::new(async move {
                        match payments.await {
                            Ok(page) if page.results.is_empty() => view! { <p class="muted">"No payments yet."</p> }.into_any(),
                            Ok(page) => {
                                let more = (page.count > SHOWN).then(|| {
                                    let href = list_url("/payments", &[(by, id.get_untracked().to_string())]);
                                    view! { <p><A href=href>{format!("All {} payments →", page.count)}</A></p> }
                                });
                                view! {
                                    <div class="table-scroll">
                                        <table class="table compact">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Number"</th>
                                                    <th scope="col" class="num">"Amount"</th>
                                                    <th scope="col">"Direction"</th>
                                                    <th scope="col">"Status"</th>
                                                    <th scope="col" class="hide-sm">"Due"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {page.results.into_iter().map(|p| view! {
                                                    <tr>
                                                        <td><A href=format!("/payments/{}", p.id)>{p.number.clone()}</A></td>
                                                        <td class="num">{money::format(p.fields.amount, &p.fields.currency)}</td>
                                                        <td>{direction(p.fields.payment_type)}</td>
                                                        <td>
                                                            <span class=status_class(p.fields.status)>{p.fields.status.label()}</span>
                                                            {p.is_overdue.then(|| view! { " " <span class="badge badge-red">"Overdue"</span> })}
                                                        </td>
                                                        <td class="hide-sm">{p.fields.due_date.map(|d| d.to_string())}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                    {more}
                                }.into_any()
                            }
                            Err(_) => view! { <p class="muted">"Payments could not be loaded."</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        }
        .into_any()
    })
}

//! The "Deals" section of a customer's page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{deals_url, status_class};
use crate::api::deals::list_deals;
use crate::domain::deal::DealQuery;
use crate::domain::money;
use crate::ui::layout::use_me;

/// Deals shown on a customer's page (the newest; the rest are one link away).
const SHOWN: i64 = 10;

/// The customer's deals, newest first, with a link to create another for them.
#[component]
pub fn CustomerDeals(#[prop(into)] customer_id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let can_create = me.can("deals", "create");
    me.can("deals", "view").then(|| {
        let deals = Resource::new(
            move || customer_id.get(),
            |id| {
                list_deals(DealQuery {
                    customer: Some(id.to_string()),
                    page_size: Some(SHOWN.to_string()),
                    ..Default::default()
                })
            },
        );
        view! {
            <section class="card customer-deals" aria-labelledby="customer-deals-title">
                <div class="row-between">
                    <h2 id="customer-deals-title">"Deals"</h2>
                    {can_create.then(|| view! {
                        <A href=move || format!("/deals/new?customer={}", customer_id.get()) attr:class="button">"New deal"</A>
                    })}
                </div>
                <Transition fallback=|| view! { <p class="loading">"Loading deals…"</p> }>
                    {move || Suspend::new(async move {
                        match deals.await {
                            Ok(page) if page.results.is_empty() => view! { <p class="muted">"No deals yet."</p> }.into_any(),
                            Ok(page) => {
                                let more = (page.count > SHOWN).then(|| {
                                    let href = deals_url(&[("customer", customer_id.get_untracked().to_string())]);
                                    view! { <p><A href=href>{format!("All {} deals →", page.count)}</A></p> }
                                });
                                view! {
                                    <table class="table compact">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Title"</th>
                                                <th scope="col">"Stage"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col" class="num">"Value"</th>
                                                <th scope="col" class="hide-sm">"Close by"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {page.results.into_iter().map(|d| view! {
                                                <tr>
                                                    <td><A href=format!("/deals/{}", d.id)>{d.fields.title.clone()}</A></td>
                                                    <td>{d.stage_name.clone()}</td>
                                                    <td><span class=status_class(d.status)>{d.status.label()}</span></td>
                                                    <td class="num">{money::format(d.fields.value, &d.currency)}</td>
                                                    <td class="hide-sm">{d.fields.expected_close_date.map(|c| c.to_string())}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    {more}
                                }.into_any()
                            }
                            Err(_) => view! { <p class="muted">"Deals could not be loaded."</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        }
    })
}

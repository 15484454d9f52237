//! One order: key facts (edited in place, with the items editor), complete/cancel, delete, its
//! items in the centre and its payments and issues beside them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::choices::{customer_choice, vendor_choice};
use super::form::{OrderFieldset, OrderFormData};
use super::items::ItemsTable;
use super::status_class;
use crate::api::employees::employee_choices;
use crate::api::orders::{get_order, CancelOrder, CompleteOrder, DeleteOrder, UpdateOrder};
use crate::domain::money;
use crate::domain::order::{Order, OrderStatus};
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, FormAction};
use crate::ui::layout::use_me;
use crate::ui::pages::issues::RelatedIssues;
use crate::ui::pages::payments::RelatedPayments;

/// The actions of the page, created once and shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    update: FormAction<UpdateOrder>,
    complete: FormAction<CompleteOrder>,
    cancel: FormAction<CancelOrder>,
    delete: FormAction<DeleteOrder>,
}

#[component]
pub fn OrderDetailPage() -> impl IntoView {
    let me = use_me();
    let (can_vendors, can_customers) = (me.can("vendors", "view"), me.can("customers", "view"));
    let can_edit = me.can("orders", "edit");
    let org_currency = me.organization.as_ref().map(|o| o.currency.clone()).unwrap_or_else(|| "USD".into());
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let actions = Actions {
        update: FormAction::new(),
        complete: FormAction::new(),
        cancel: FormAction::new(),
        delete: FormAction::new(),
    };
    let order = Resource::new(move || id.get(), get_order);
    let employees = Resource::new(|| (), |_| employee_choices());
    let vendors = Resource::new(move || can_vendors, vendor_choice);
    let customers = Resource::new(move || can_customers, customer_choice);
    let update_error = actions.update.error();

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading order…"</p> }>
                {move || {
                    let org_currency = org_currency.clone();
                    Suspend::new(async move {
                        match order.await {
                            Ok(o) => {
                                let editable = can_edit && !o.fields.status.is_closed();
                                let edit = if editable {
                                    let employees = employees.await.unwrap_or_default();
                                    let (vendors, customers) = (vendors.await, customers.await);
                                    let data = OrderFormData {
                                        fields: o.fields.clone(),
                                        items: o.items.clone(),
                                        vendor_name: o.vendor_name.clone(),
                                        customer_name: o.customer_name.clone(),
                                        creating: false,
                                    };
                                    let update = actions.update;
                                    view! {
                                        <EditInPlace error=update_error>
                                            <ApiForm action=update>
                                                <input type="hidden" name="id" value=o.id />
                                                <input type="hidden" name="version" value=o.version />
                                                <FormErrors error=update_error />
                                                <OrderFieldset data vendors customers employees org_currency error=update_error />
                                                <div class="form-actions">
                                                    <button type="submit" class="button primary">"Save changes"</button>
                                                </div>
                                            </ApiForm>
                                        </EditInPlace>
                                    }
                                    .into_any()
                                } else {
                                    ().into_any()
                                };
                                let note = match o.fields.status {
                                    OrderStatus::Completed => Some("A completed order can no longer be edited."),
                                    OrderStatus::Cancelled => Some("A cancelled order can no longer be edited."),
                                    _ => None,
                                };
                                view! {
                                    <Title text=format!("{} · {}", o.number, o.fields.title) />
                                    <div class="record-head">
                                        <Header o=o.clone() actions />
                                        <ActionErrors actions />
                                    </div>
                                    <div class="record-facts">
                                        <Summary o=o.clone() />
                                        {edit}
                                    </div>
                                    <div class="record-main">
                                        <section class="card">
                                            <h2>"Items"</h2>
                                            {note.map(|n| view! { <p class="muted">{n}</p> })}
                                            <ItemsTable items=o.items.clone() total=o.total_amount currency=o.fields.currency.clone() />
                                        </section>
                                    </div>
                                }
                                .into_any()
                            }
                            Err(err) => view! { <ErrorBox err /> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <div class="record-side">
                <RelatedPayments by="order" id=id />
                <RelatedIssues by="order" id=id />
            </div>
        </div>
    }
    .into_any()
}

/// The error of the last refused complete, cancel or delete.
#[component]
fn ActionErrors(actions: Actions) -> impl IntoView {
    let errors = [actions.complete.error(), actions.cancel.error(), actions.delete.error()];
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    view! { <FormErrors error /> }
}

#[component]
fn Header(o: Order, actions: Actions) -> impl IntoView {
    let me = use_me();
    let here = format!("/orders/{}", o.id);
    let open = !o.fields.status.is_closed();
    let (here_complete, here_cancel) = (here.clone(), here.clone());
    let status_actions = (me.can("orders", "edit") && open).then(|| {
        view! {
            <ApiForm action=actions.complete>
                <input type="hidden" name="id" value=o.id />
                <input type="hidden" name="next" value=here_complete />
                <button type="submit" class="button won">"Complete"</button>
            </ApiForm>
            <details class="menu danger-menu">
                <summary class="button">"Cancel order…"</summary>
                <div class="menu-panel">
                    <p>"Cancel this order? A cancelled order can no longer be edited or completed."</p>
                    <ApiForm action=actions.cancel>
                        <input type="hidden" name="id" value=o.id />
                        <input type="hidden" name="next" value=here_cancel />
                        <button type="submit" class="button danger">"Yes, cancel the order"</button>
                    </ApiForm>
                </div>
            </details>
        }
    });
    let parties = [
        o.fields.vendor_id.map(|v| {
            view! { <A href=format!("/vendors/{v}")>{o.vendor_name.clone().unwrap_or_else(|| format!("Vendor #{v}"))}</A> }
        }),
        o.fields.customer_id.map(|c| {
            view! { <A href=format!("/customers/{c}")>{o.customer_name.clone().unwrap_or_else(|| format!("Customer #{c}"))}</A> }
        }),
    ];
    view! {
        <div class="page-header">
            <div>
                <A href="/orders">"← All orders"</A>
                <h1>{o.fields.title.clone()} " " <span class=status_class(o.fields.status)>{o.fields.status.label()}</span></h1>
                <p class="muted">
                    <span class="mono">{o.number.clone()}</span>
                    {parties.into_iter().flatten().map(|p| view! { " · " {p} }).collect_view()}
                </p>
            </div>
            <div class="actions">
                {status_actions}
                {me.can("orders", "delete").then(|| view! {
                    <DeleteMenu action=actions.delete id=o.id next="/orders" question="Delete this order and its items? This cannot be undone. An order with payments or issues cannot be deleted: cancel it instead." />
                })}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Summary(o: Order) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    let items = match o.item_count {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Number", Some(o.number.clone()))}
                <div class="dl-row"><dt>"Total"</dt><dd class="order-total">{money::format(o.total_amount, &o.fields.currency)}</dd></div>
                {row("Items", Some(items))}
                {row("Type", Some(o.fields.order_type.label().to_owned()))}
                {row("Vendor", o.vendor_name.clone())}
                {row("Customer", o.customer_name.clone())}
                {row("Order date", Some(o.fields.order_date.to_string()))}
                {row("Delivery date", o.fields.delivery_date.map(|d| d.to_string()))}
                {row("Currency", Some(o.fields.currency.clone()))}
                {row("Assigned to", o.assigned_to_name.clone())}
                {o.completed_at.map(|t| row("Completed", Some(time::date_time(t))))}
                {o.cancelled_at.map(|t| row("Cancelled", Some(time::date_time(t))))}
                {row("Description", o.fields.description.clone())}
                {row("Created", Some(time::date_time(o.created_at)))}
                {row("Updated", Some(time::date_time(o.updated_at)))}
            </dl>
        </section>
    }
    .into_any()
}

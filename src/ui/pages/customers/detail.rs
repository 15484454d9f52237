//! One customer: key facts (edited in place), status actions, the timeline and notes in the
//! centre, deals, orders, issues, payments and portal access beside them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::CustomerFieldset;
use super::portal::PortalAccess;
use super::status_class;
use crate::api::customers::{
    get_customer, list_customer_notes, ActivateCustomer, AddCustomerNote, DeactivateCustomer, DeleteCustomer,
    UpdateCustomer,
};
use crate::api::employees::employee_choices;
use crate::domain::customer::{Customer, CustomerStatus};
use crate::domain::money;
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::timeline::{About, Timeline};
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, FormAction, TextAreaField};
use crate::ui::layout::use_me;
use crate::ui::pages::deals::CustomerDeals;
use crate::ui::pages::issues::RelatedIssues;
use crate::ui::pages::orders::RelatedOrders;
use crate::ui::pages::payments::RelatedPayments;

#[component]
pub fn CustomerDetailPage() -> impl IntoView {
    let can_edit = use_me().can("customers", "edit");
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let update = FormAction::<UpdateCustomer>::new();
    let activate = FormAction::<ActivateCustomer>::new();
    let deactivate = FormAction::<DeactivateCustomer>::new();
    let add_note = FormAction::<AddCustomerNote>::new();
    let delete = FormAction::<DeleteCustomer>::new();
    let customer = Resource::new(move || id.get(), get_customer);
    let notes = Resource::new(move || id.get(), list_customer_notes);
    let employees = Resource::new(|| (), |_| employee_choices());
    let update_error = update.error();
    let delete_error = delete.error();

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading customer…"</p> }>
                {move || Suspend::new(async move {
                    match (customer.await, employees.await) {
                        (Ok(c), employees) => view! {
                            <Title text=c.fields.name.clone() />
                            <div class="record-head">
                                <Header c=c.clone() activate deactivate delete />
                                <FormErrors error=delete_error />
                            </div>
                            <div class="record-facts">
                                <Summary c=c.clone() />
                                {can_edit.then(|| view! {
                                    <EditInPlace error=update_error>
                                        <ApiForm action=update>
                                            <input type="hidden" name="id" value=c.id />
                                            <input type="hidden" name="version" value=c.version />
                                            <FormErrors error=update_error />
                                            <CustomerFieldset fields=c.fields.clone() employees=employees.unwrap_or_default() error=update_error />
                                            <div class="form-actions">
                                                <button type="submit" class="button primary">"Save changes"</button>
                                            </div>
                                        </ApiForm>
                                    </EditInPlace>
                                })}
                            </div>
                        }.into_any(),
                        (Err(err), _) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
            <div class="record-main">
                <Timeline about=About::Customer id=id />
                <Notes customer_id=id add_note notes />
            </div>
            <div class="record-side">
                <CustomerDeals customer_id=id />
                <RelatedOrders by="customer" id=id />
                <RelatedIssues by="customer" id=id />
                <RelatedPayments by="customer" id=id />
                <PortalAccess customer_id=id />
            </div>
        </div>
    }
}

#[component]
fn Header(
    c: Customer,
    activate: FormAction<ActivateCustomer>,
    deactivate: FormAction<DeactivateCustomer>,
    delete: FormAction<DeleteCustomer>,
) -> impl IntoView {
    let me = use_me();
    let here = format!("/customers/{}", c.id);
    let status_form = if c.fields.status == CustomerStatus::Inactive {
        view! {
            <ApiForm action=activate>
                <input type="hidden" name="id" value=c.id />
                <input type="hidden" name="next" value=here.clone() />
                <button type="submit" class="button">"Activate"</button>
            </ApiForm>
        }
        .into_any()
    } else {
        view! {
            <ApiForm action=deactivate>
                <input type="hidden" name="id" value=c.id />
                <input type="hidden" name="next" value=here.clone() />
                <button type="submit" class="button">"Deactivate"</button>
            </ApiForm>
        }
        .into_any()
    };
    view! {
        <div class="page-header">
            <div>
                <A href="/customers">"← All customers"</A>
                <h1>{c.fields.name.clone()} " " <span class=status_class(c.fields.status)>{c.fields.status.label()}</span></h1>
                <p class="muted">{c.fields.company_name.clone()}</p>
            </div>
            <div class="actions">
                {me.can("customers", "edit").then_some(status_form)}
                {me.can("customers", "delete").then(|| view! {
                    <DeleteMenu action=delete id=c.id next="/customers" question="Delete this customer and their notes? This cannot be undone." />
                })}
            </div>
        </div>
    }
}

#[component]
fn Summary(c: Customer) -> impl IntoView {
    let address = [&c.fields.street, &c.fields.city, &c.fields.state, &c.fields.postal_code, &c.fields.country]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Email", c.fields.email.clone())}
                {row("Phone", c.fields.phone.clone())}
                {row("Type", Some(c.fields.customer_type.label().to_owned()))}
                {row("Assigned to", c.assigned_to_name.clone())}
                {row("Credit limit", c.fields.credit_limit.map(|d| money::format(d, &c.currency)))}
                {row("Industry", c.fields.industry.clone())}
                {row("Website", c.fields.website.clone())}
                {row("Source", c.fields.source.clone())}
                {row("Address", Some(address))}
                {row("Tags", Some(c.fields.tags.join(", ")))}
                {row("Created", Some(time::date_time(c.created_at)))}
                {row("Updated", Some(time::date_time(c.updated_at)))}
            </dl>
        </section>
    }
}

#[component]
fn Notes(
    customer_id: Memo<i64>,
    add_note: FormAction<AddCustomerNote>,
    notes: Resource<Result<Vec<crate::domain::customer::CustomerNote>, crate::error::AppError>>,
) -> impl IntoView {
    let error = add_note.error();
    view! {
        <section class="card notes">
            <h2>"Notes"</h2>
            <ApiForm action=add_note>
                <input type="hidden" name="customer_id" value=move || customer_id.get() />
                <input type="hidden" name="next" value=move || format!("/customers/{}", customer_id.get()) />
                <FormErrors error />
                <TextAreaField label="Add a note" name="body" rows=3 required=true error />
                <button type="submit" class="button primary">"Add note"</button>
            </ApiForm>
            <Transition fallback=|| view! { <p class="loading">"Loading notes…"</p> }>
                {move || Suspend::new(async move {
                    match notes.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No notes yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ol class="timeline">
                                {list.into_iter().map(|n| view! {
                                    <li>
                                        <p class="timeline-meta">
                                            <strong>{n.author_name.unwrap_or_else(|| "Someone".into())}</strong>
                                            " · "
                                            <time datetime=n.created_at.to_rfc3339()>{time::date_time(n.created_at)}</time>
                                        </p>
                                        <p class="note-body">{n.body}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(_) => ().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

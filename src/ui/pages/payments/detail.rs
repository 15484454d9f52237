//! One payment: summary, process, mark failed (with a reason), edit form, delete.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::{payment_choices, PaymentFieldset, PaymentLinks};
use super::{direction, status_class};
use crate::api::payments::{get_payment, DeletePayment, FailPayment, ProcessPayment, UpdatePayment};
use crate::domain::money;
use crate::domain::payment::{Payment, PaymentStatus};
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, FormAction, TextAreaField};
use crate::ui::layout::use_me;

/// The actions of the page, created once and shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    update: FormAction<UpdatePayment>,
    process: FormAction<ProcessPayment>,
    fail: FormAction<FailPayment>,
    delete: FormAction<DeletePayment>,
}

#[component]
pub fn PaymentDetailPage() -> impl IntoView {
    let me = use_me();
    let can = (me.can("orders", "view"), me.can("vendors", "view"), me.can("customers", "view"));
    let can_edit = me.can("payments", "edit");
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let actions = Actions {
        update: FormAction::new(),
        process: FormAction::new(),
        fail: FormAction::new(),
        delete: FormAction::new(),
    };
    let payment = Resource::new(move || id.get(), get_payment);
    let choices = Resource::new(move || can, payment_choices);
    let update_error = actions.update.error();

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading payment…"</p> }>
                {move || Suspend::new(async move {
                    match payment.await {
                        Ok(p) => {
                            let edit = if can_edit {
                                let choices = choices.await;
                                let links = PaymentLinks {
                                    order: p.order_number.clone(),
                                    vendor: p.vendor_name.clone(),
                                    customer: p.customer_name.clone(),
                                };
                                let update = actions.update;
                                let fields = p.fields.clone();
                                let (id, version) = (p.id, p.version);
                                view! {
                                    <EditInPlace error=update_error>
                                        <ApiForm action=update>
                                            <input type="hidden" name="id" value=id />
                                            <input type="hidden" name="version" value=version />
                                            <FormErrors error=update_error />
                                            <PaymentFieldset fields links choices error=update_error />
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
                            view! {
                                <Title text=p.number.clone() />
                                <div class="record-head">
                                    <Header p=p.clone() actions />
                                    <ActionErrors actions />
                                </div>
                                <div class="record-facts">
                                    <Summary p=p.clone() />
                                    {edit}
                                </div>
                            }
                            .into_any()
                        }
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

/// The error of the last refused process or delete (a refused "failed" shows at its form).
#[component]
fn ActionErrors(actions: Actions) -> impl IntoView {
    let errors = [actions.process.error(), actions.delete.error()];
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    view! { <FormErrors error /> }
}

#[component]
fn Header(p: Payment, actions: Actions) -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("payments", "edit");
    let here = format!("/payments/{}", p.id);
    let fail_error = actions.fail.error();
    let process = (can_edit && p.fields.status.can_process()).then(|| {
        let here = here.clone();
        view! {
            <ApiForm action=actions.process>
                <input type="hidden" name="id" value=p.id />
                <input type="hidden" name="next" value=here />
                <button type="submit" class="button won">"Process"</button>
            </ApiForm>
        }
    });
    let fail = (can_edit && p.fields.status.can_fail()).then(|| {
        let here = here.clone();
        view! {
            <details class="menu reason-menu" open=move || fail_error.get().is_some()>
                <summary class="button">"Mark failed…"</summary>
                <div class="menu-panel">
                    <ApiForm action=actions.fail>
                        <input type="hidden" name="id" value=p.id />
                        <input type="hidden" name="next" value=here />
                        <TextAreaField label="Why did it fail?" name="reason" rows=3 required=true error=fail_error />
                        <button type="submit" class="button danger">"Mark failed"</button>
                    </ApiForm>
                </div>
            </details>
        }
    });
    let party = match (p.fields.vendor_id, p.fields.customer_id) {
        (Some(v), _) => Some(
            view! { <A href=format!("/vendors/{v}")>{p.vendor_name.clone().unwrap_or_else(|| format!("Vendor #{v}"))}</A> }
                .into_any(),
        ),
        (None, Some(c)) => Some(
            view! { <A href=format!("/customers/{c}")>{p.customer_name.clone().unwrap_or_else(|| format!("Customer #{c}"))}</A> }
                .into_any(),
        ),
        _ => None,
    };
    view! {
        <div class="page-header">
            <div>
                <A href="/payments">"← All payments"</A>
                <h1>
                    {p.number.clone()} " " <span class=status_class(p.fields.status)>{p.fields.status.label()}</span>
                    {p.is_overdue.then(|| view! { " " <span class="badge badge-red">"Overdue"</span> })}
                </h1>
                <p class="muted">
                    {format!("{} · {}", money::format(p.fields.amount, &p.fields.currency), p.fields.payment_type.label())}
                    {party.map(|a| view! { " · " {a} })}
                    {p.fields.order_id.map(|o| view! {
                        " · " <A href=format!("/orders/{o}")>{p.order_number.clone().unwrap_or_else(|| format!("Order #{o}"))}</A>
                    })}
                </p>
            </div>
            <div class="actions">
                {process}
                {fail}
                {me.can("payments", "delete").then(|| view! {
                    <DeleteMenu action=actions.delete id=p.id next="/payments" question="Delete this payment? This cannot be undone." />
                })}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Summary(p: Payment) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Amount", Some(money::format(p.fields.amount, &p.fields.currency)))}
                {row("Direction", Some(format!("{} ({})", p.fields.payment_type.label(), direction(p.fields.payment_type))))}
                {row("Method", Some(p.fields.payment_method.label().to_owned()))}
                {row("Order", p.order_number.clone())}
                {row("Vendor", p.vendor_name.clone())}
                {row("Customer", p.customer_name.clone())}
                {row("Payment date", p.fields.payment_date.map(|d| d.to_string()))}
                {row("Due date", p.fields.due_date.map(|d| d.to_string()))}
                {row("Invoice", p.fields.invoice_number.clone())}
                {row("Reference", p.fields.reference_number.clone())}
                {row("Transaction id", p.fields.transaction_id.clone())}
                {(p.fields.status == PaymentStatus::Failed).then(|| row("Failed because", p.failure_reason.clone()))}
                {row("Processed", p.processed_at.map(time::date_time))}
                {row("Processed by", p.processed_by_name.clone())}
                {row("Notes", p.fields.notes.clone())}
                {row("Created", Some(time::date_time(p.created_at)))}
                {row("Updated", Some(time::date_time(p.updated_at)))}
            </dl>
        </section>
    }
    .into_any()
}

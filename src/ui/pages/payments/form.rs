//! The payment form (shared by create and edit) and the create page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use rust_decimal::Decimal;

use crate::api::payments::CreatePayment;
use crate::domain::money;
use crate::domain::payment::{PaymentFields, PaymentMethod, PaymentStatus, PaymentType};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction, SelectField, TextAreaField};
use crate::ui::layout::use_me;
use crate::ui::pages::orders::{customer_choice, id_param, order_choice, vendor_choice, Choice, RefField};

/// The records a payment form offers to link to.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct PaymentChoices {
    pub orders: Choice,
    pub vendors: Choice,
    pub customers: Choice,
}

/// Labels of the records a payment is linked to (for records not in the choices).
#[derive(Clone, Default)]
pub struct PaymentLinks {
    pub order: Option<String>,
    pub vendor: Option<String>,
    pub customer: Option<String>,
}

/// Loads the choices of a payment form, each only when the caller may list those records.
pub async fn payment_choices(can: (bool, bool, bool)) -> PaymentChoices {
    let (orders, vendors, customers) = can;
    PaymentChoices {
        orders: order_choice(orders).await,
        vendors: vendor_choice(vendors).await,
        customers: customer_choice(customers).await,
    }
}

/// The editable fields of a payment. A completed payment keeps its amount and currency, and
/// its status changes only through its actions, so those fields are then shown, not offered.
#[component]
pub fn PaymentFieldset(
    fields: PaymentFields,
    links: PaymentLinks,
    choices: PaymentChoices,
    /// A new payment: amount and currency start empty (currency: the order's or the organization's).
    #[prop(optional)]
    creating: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let p = fields;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let fixed_amount = p.status == PaymentStatus::Completed;
    let amount = if creating && p.amount == Decimal::ZERO { String::new() } else { p.amount.to_string() };
    let currency = if creating { String::new() } else { p.currency.clone() };
    let money_fields = if fixed_amount {
        view! {
            <div class="field">
                <span class="label">"Amount"</span>
                <p class="static-value">{money::format(p.amount, &p.currency)} <span class="muted small">" (fixed once completed)"</span></p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <Field label="Amount" name="amount" kind="number" value=amount required=true error />
            <Field label="Currency" name="currency" value=currency placeholder="The order's, else the organization's" error />
        }
        .into_any()
    };
    let status = if PaymentStatus::EDITABLE.contains(&p.status) {
        view! {
            <SelectField label="Status" name="status" value=p.status.as_str().to_owned()
                options=PaymentStatus::options(PaymentStatus::EDITABLE) error />
        }
        .into_any()
    } else {
        view! {
            <div class="field">
                <span class="label">"Status"</span>
                <p class="static-value">{p.status.label()} <span class="muted small">" (changed by its actions)"</span></p>
            </div>
        }
        .into_any()
    };
    view! {
        <div class="form-grid">
            {money_fields}
            <SelectField label="Direction" name="payment_type" value=p.payment_type.as_str().to_owned()
                options=PaymentType::options(PaymentType::ALL) error />
            <SelectField label="Method" name="payment_method" value=p.payment_method.as_str().to_owned()
                options=PaymentMethod::options(PaymentMethod::ALL) error />
            {status}
            <RefField label="Order" name="order_id" choice=choices.orders value=p.order_id current=links.order
                blank="No order" error />
            <RefField label="Vendor" name="vendor_id" choice=choices.vendors value=p.vendor_id current=links.vendor
                blank="No vendor" error />
            <RefField label="Customer" name="customer_id" choice=choices.customers value=p.customer_id
                current=links.customer blank="No customer" error />
            <Field label="Payment date" name="payment_date" kind="date" value=date(p.payment_date) error />
            <Field label="Due date" name="due_date" kind="date" value=date(p.due_date) error />
            <Field label="Invoice number" name="invoice_number" value=text(&p.invoice_number) error />
            <Field label="Reference number" name="reference_number" value=text(&p.reference_number) error />
            <Field label="Transaction id" name="transaction_id" value=text(&p.transaction_id) error />
            <TextAreaField label="Notes" name="notes" value=text(&p.notes) rows=3 error />
        </div>
    }
    .into_any()
}

#[component]
pub fn PaymentNewPage() -> impl IntoView {
    let me = use_me();
    let can = (me.can("orders", "view"), me.can("vendors", "view"), me.can("customers", "view"));
    let query = use_query_map();
    let create = FormAction::<CreatePayment>::new();
    let error = create.error();
    let choices = Resource::new(move || can, payment_choices);
    let param = move |key: &str| query.with_untracked(|q| id_param(q.get(key)));
    let (order, vendor, customer) = (param("order"), param("vendor"), param("customer"));
    let back = match (order, vendor, customer) {
        (Some(o), _, _) => format!("/orders/{o}"),
        (None, Some(v), _) => format!("/vendors/{v}"),
        (None, None, Some(c)) => format!("/customers/{c}"),
        _ => "/payments".to_owned(),
    };
    view! {
        <Title text="New payment" />
        <div class="page-header">
            <h1>"New payment"</h1>
            <A href="/payments">"← All payments"</A>
        </div>
        <section class="card">
            <ApiForm action=create>
                <input type="hidden" name="next" value="/payments/{id}" />
                <FormErrors error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let choices = choices.await;
                        let mut fields = PaymentFields::new("");
                        fields.order_id = order;
                        fields.vendor_id = vendor;
                        fields.customer_id = customer;
                        if vendor.is_some() && customer.is_none() {
                            fields.payment_type = PaymentType::Outgoing;
                        }
                        view! { <PaymentFieldset fields links=PaymentLinks::default() choices creating=true error /> }
                    })}
                </Suspense>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Create payment"</button>
                    <A href=back>"Cancel"</A>
                </div>
            </ApiForm>
        </section>
    }
    .into_any()
}

//! The order form (shared by create and edit) and the create page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::choices::{customer_choice, vendor_choice, Choice, RefField};
use super::id_param;
use super::items::ItemsEditor;
use crate::api::employees::employee_choices;
use crate::api::orders::CreateOrder;
use crate::domain::employee::EmployeeChoice;
use crate::domain::order::{OrderFields, OrderItem, OrderStatus, OrderType};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction, SelectField, TextAreaField};
use crate::ui::layout::use_me;

/// What an order form is filled with.
#[derive(Clone)]
pub struct OrderFormData {
    pub fields: OrderFields,
    pub items: Vec<OrderItem>,
    pub vendor_name: Option<String>,
    pub customer_name: Option<String>,
    /// A new order: the order date and currency start empty (today and the organization's).
    pub creating: bool,
}

/// The editable fields of an order and its items editor.
#[component]
pub fn OrderFieldset(
    data: OrderFormData,
    vendors: Choice,
    customers: Choice,
    employees: Vec<EmployeeChoice>,
    /// The organization's currency (the order's while the currency field is empty).
    org_currency: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let OrderFormData { fields: o, items, vendor_name, customer_name, creating } = data;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let employee_options: Vec<(String, String)> = employees.iter().map(|e| (e.id.to_string(), e.label())).collect();
    let currency = if creating { String::new() } else { o.currency.clone() };
    let order_date = if creating { String::new() } else { o.order_date.to_string() };
    let date_problem = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error("order_date"))));
    view! {
        <div class="form-grid">
            <Field label="Title" name="title" value=o.title.clone() required=true error />
            <SelectField label="Type" name="order_type" value=o.order_type.as_str().to_owned()
                options=OrderType::options(OrderType::ALL) error />
            <SelectField label="Status" name="status" value=o.status.as_str().to_owned()
                options=OrderStatus::options(OrderStatus::EDITABLE) error />
            <RefField label="Vendor" name="vendor_id" choice=vendors value=o.vendor_id
                current=vendor_name blank="No vendor" error />
            <RefField label="Customer" name="customer_id" choice=customers value=o.customer_id
                current=customer_name blank="No customer" error />
            <SelectField label="Assigned to" name="assigned_to" value=o.assigned_to.map(|a| a.to_string()).unwrap_or_default()
                blank="Nobody" options=employee_options error />
            <div class="field" class:invalid=move || date_problem.get().is_some()>
                <label for="f-order_date">"Order date"</label>
                <input id="f-order_date" name="order_date" type="date" value=order_date
                    aria-describedby="f-order_date-error" />
                <p class="field-error" id="f-order_date-error">
                    {move || date_problem.get().or_else(|| creating.then(|| "Today when left empty".to_owned()))}
                </p>
            </div>
            <Field label="Delivery date" name="delivery_date" kind="date"
                value=o.delivery_date.map(|d| d.to_string()).unwrap_or_default() error />
            <TextAreaField label="Description" name="description" value=text(&o.description) rows=3 error />
        </div>
        <ItemsEditor items currency fallback_currency=org_currency error=error.get_untracked() />
    }
    .into_any()
}

#[component]
pub fn OrderNewPage() -> impl IntoView {
    let me = use_me();
    let (can_vendors, can_customers) = (me.can("vendors", "view"), me.can("customers", "view"));
    let org_currency = me.organization.as_ref().map(|o| o.currency.clone()).unwrap_or_else(|| "USD".into());
    let query = use_query_map();
    let create = FormAction::<CreateOrder>::new();
    let error = create.error();
    let employees = Resource::new(|| (), |_| employee_choices());
    let vendors = Resource::new(move || can_vendors, vendor_choice);
    let customers = Resource::new(move || can_customers, customer_choice);
    let param = move |key: &str| query.with_untracked(|q| id_param(q.get(key)));
    let (vendor, customer) = (param("vendor"), param("customer"));
    let back = match (vendor, customer) {
        (Some(v), _) => format!("/vendors/{v}"),
        (None, Some(c)) => format!("/customers/{c}"),
        _ => "/orders".to_owned(),
    };
    view! {
        <Title text="New order" />
        <div class="page-header">
            <h1>"New order"</h1>
            <A href="/orders">"← All orders"</A>
        </div>
        <section class="card">
            <ApiForm action=create>
                <input type="hidden" name="next" value="/orders/{id}" />
                <FormErrors error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || {
                        let org_currency = org_currency.clone();
                        Suspend::new(async move {
                            let employees = employees.await.unwrap_or_default();
                            let vendors = vendors.await;
                            let customers = customers.await;
                            let mut fields = OrderFields::new(chrono::NaiveDate::default(), &org_currency);
                            fields.vendor_id = vendor;
                            fields.customer_id = customer;
                            if vendor.is_some() && customer.is_none() {
                                fields.order_type = OrderType::Purchase;
                            }
                            let data = OrderFormData { fields, items: Vec::new(), vendor_name: None, customer_name: None, creating: true };
                            view! { <OrderFieldset data vendors customers employees org_currency error /> }
                        })
                    }}
                </Suspense>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Create order"</button>
                    <A href=back>"Cancel"</A>
                </div>
            </ApiForm>
        </section>
    }
    .into_any()
}

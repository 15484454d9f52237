//! The customer form (shared by create and edit) and the create page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::customers::CreateCustomer;
use crate::api::employees::employee_choices;
use crate::domain::customer::{CustomerFields, CustomerStatus, CustomerType};
use crate::domain::employee::EmployeeChoice;
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction, SelectField, TextAreaField};

/// The editable fields of a customer (defaults when creating one).
#[component]
pub fn CustomerFieldset(
    fields: CustomerFields,
    employees: Vec<EmployeeChoice>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let c = fields;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let employee_options: Vec<(String, String)> = employees.iter().map(|e| (e.id.to_string(), e.label())).collect();
    view! {
        <div class="form-grid">
            <Field label="Name" name="name" value=c.name.clone() required=true error />
            <Field label="Company" name="company_name" value=text(&c.company_name) error />
            <Field label="Email" name="email" kind="email" value=text(&c.email) error />
            <Field label="Phone" name="phone" kind="tel" value=text(&c.phone) error />
            <SelectField label="Type" name="customer_type" value=c.customer_type.as_str().to_owned()
                options=CustomerType::options(CustomerType::ALL) error />
            <SelectField label="Status" name="status" value=c.status.as_str().to_owned()
                options=CustomerStatus::options(CustomerStatus::ALL) error />
            <SelectField label="Assigned to" name="assigned_to" value=c.assigned_to.map(|a| a.to_string()).unwrap_or_default()
                blank="Nobody" options=employee_options error />
            <Field label="Credit limit" name="credit_limit" kind="number" value=c.credit_limit.map(|d| d.to_string()).unwrap_or_default() error />
            <Field label="Industry" name="industry" value=text(&c.industry) error />
            <Field label="Website" name="website" value=text(&c.website) error />
            <Field label="Source" name="source" value=text(&c.source) error />
            <Field label="Tags (comma-separated)" name="tags" value=c.tags.join(", ") error />
            <Field label="Street" name="street" value=text(&c.street) error />
            <Field label="City" name="city" value=text(&c.city) error />
            <Field label="State / region" name="state" value=text(&c.state) error />
            <Field label="Postal code" name="postal_code" value=text(&c.postal_code) error />
            <Field label="Country" name="country" value=text(&c.country) error />
            <TextAreaField label="Notes" name="notes" value=text(&c.notes) error />
        </div>
    }
}

#[component]
pub fn CustomerNewPage() -> impl IntoView {
    let create = FormAction::<CreateCustomer>::new();
    let error = create.error();
    let employees = Resource::new(|| (), |_| employee_choices());
    view! {
        <Title text="New customer" />
        <div class="page-header">
            <h1>"New customer"</h1>
            <A href="/customers">"← All customers"</A>
        </div>
        <section class="card">
            <ApiForm action=create>
                <input type="hidden" name="next" value="/customers/{id}" />
                <FormErrors error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let employees = employees.await.unwrap_or_default();
                        view! { <CustomerFieldset fields=CustomerFields::default() employees error /> }
                    })}
                </Suspense>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Create customer"</button>
                    <A href="/customers">"Cancel"</A>
                </div>
            </ApiForm>
        </section>
    }
}

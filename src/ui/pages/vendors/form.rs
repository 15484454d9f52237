//! The vendor form (shared by create and edit) and the create page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::vendors::CreateVendor;
use crate::domain::vendor::{VendorFields, VendorStatus, VendorType};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction, SelectField, TextAreaField};

/// The editable fields of a vendor (defaults when creating one).
#[component]
pub fn VendorFieldset(fields: VendorFields, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let v = fields;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let ratings: Vec<(String, String)> = (0..=5).map(|r| (r.to_string(), format!("{r} / 5"))).collect();
    view! {
        <div class="form-grid">
            <Field label="Name" name="name" value=v.name.clone() required=true error />
            <Field label="Company" name="company" value=text(&v.company) error />
            <SelectField label="Type" name="vendor_type" value=v.vendor_type.as_str().to_owned()
                options=VendorType::options(VendorType::ALL) error />
            <SelectField label="Status" name="status" value=v.status.as_str().to_owned()
                options=VendorStatus::options(VendorStatus::ALL) error />
            <Field label="Contact person" name="contact_person" value=text(&v.contact_person) error />
            <Field label="Email" name="email" kind="email" value=text(&v.email) error />
            <Field label="Phone" name="phone" kind="tel" value=text(&v.phone) error />
            <Field label="Website" name="website" value=text(&v.website) error />
            <SelectField label="Rating" name="rating" value=v.rating.map(|r| r.to_string()).unwrap_or_default()
                blank="Not rated" options=ratings error />
            <Field label="Payment terms" name="payment_terms" value=text(&v.payment_terms) placeholder="e.g. Net 30" error />
            <Field label="Street" name="street" value=text(&v.street) error />
            <Field label="City" name="city" value=text(&v.city) error />
            <Field label="State / region" name="state" value=text(&v.state) error />
            <Field label="Postal code" name="postal_code" value=text(&v.postal_code) error />
            <Field label="Country" name="country" value=text(&v.country) error />
            <TextAreaField label="Notes" name="notes" value=text(&v.notes) error />
        </div>
    }
    .into_any()
}

#[component]
pub fn VendorNewPage() -> impl IntoView {
    let create = FormAction::<CreateVendor>::new();
    let error = create.error();
    view! {
        <Title text="New vendor" />
        <div class="page-header">
            <h1>"New vendor"</h1>
            <A href="/vendors">"← All vendors"</A>
        </div>
        <section class="card">
            <ApiForm action=create>
                <input type="hidden" name="next" value="/vendors/{id}" />
                <FormErrors error />
                <VendorFieldset fields=VendorFields::default() error />
                <div class="form-actions">
                    <button type="submit" class="button primary">"Create vendor"</button>
                    <A href="/vendors">"Cancel"</A>
                </div>
            </ApiForm>
        </section>
    }
    .into_any()
}

//! The lead form (shared by create and edit) and the create page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::employees::employee_choices;
use crate::api::leads::CreateLead;
use crate::domain::employee::EmployeeChoice;
use crate::domain::lead::{LeadFields, LeadSource, LeadStatus};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction, SelectField, TextAreaField};

/// Statuses a form may offer: the current one and those an update may set (a converted lead
/// keeps its status; qualify and disqualify have their own buttons).
fn status_options(current: LeadStatus) -> Vec<(String, String)> {
    let offered: Vec<LeadStatus> = LeadStatus::ALL
        .iter()
        .copied()
        .filter(|s| *s == current || (current != LeadStatus::Converted && LeadStatus::EDITABLE.contains(s)))
        .collect();
    LeadStatus::options(&offered)
}

/// The editable fields of a lead (defaults when creating one). `employees` is `Some` when the
/// form sets the score and the owner too (on the detail page they have forms of their own).
#[component]
pub fn LeadFieldset(
    fields: LeadFields,
    status: LeadStatus,
    employees: Option<Vec<EmployeeChoice>>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let l = fields;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let score_and_owner = employees.map(|employees| {
        let employee_options: Vec<(String, String)> =
            employees.iter().map(|e| (e.id.to_string(), e.label())).collect();
        view! {
            <Field label="Score (0–100)" name="score" kind="number" value=l.score.to_string() error />
            <SelectField label="Assigned to" name="assigned_to" value=l.assigned_to.map(|a| a.to_string()).unwrap_or_default()
                blank="Nobody" options=employee_options error />
        }
    });
    view! {
        <div class="form-grid">
            <Field label="First name" name="first_name" value=l.first_name.clone() required=true error />
            <Field label="Last name" name="last_name" value=l.last_name.clone() error />
            <Field label="Email" name="email" kind="email" value=text(&l.email) error />
            <Field label="Phone" name="phone" kind="tel" value=text(&l.phone) error />
            <Field label="Company" name="company" value=text(&l.company) error />
            <Field label="Job title" name="job_title" value=text(&l.job_title) error />
            <SelectField label="Source" name="source" value=l.source.as_str().to_owned()
                options=LeadSource::options(LeadSource::ALL) error />
            <SelectField label="Status" name="status" value=status.as_str().to_owned() options=status_options(status) error />
            {score_and_owner}
            <Field label="Estimated value" name="estimated_value" kind="number"
                value=l.estimated_value.map(|d| d.to_string()).unwrap_or_default() error />
            <Field label="Street" name="street" value=text(&l.street) error />
            <Field label="City" name="city" value=text(&l.city) error />
            <Field label="State / region" name="state" value=text(&l.state) error />
            <Field label="Postal code" name="postal_code" value=text(&l.postal_code) error />
            <Field label="Country" name="country" value=text(&l.country) error />
            <TextAreaField label="Notes" name="notes" value=text(&l.notes) error />
        </div>
    }
    .into_any()
}

#[component]
pub fn LeadNewPage() -> impl IntoView {
    let create = FormAction::<CreateLead>::new();
    let error = create.error();
    let employees = Resource::new(|| (), |_| employee_choices());
    view! {
        <Title text="New lead" />
        <div class="page-header">
            <h1>"New lead"</h1>
            <A href="/leads">"← All leads"</A>
        </div>
        <section class="card">
            <ApiForm action=create>
                <input type="hidden" name="next" value="/leads/{id}" />
                <FormErrors error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let employees = employees.await.unwrap_or_default();
                        view! { <LeadFieldset fields=LeadFields::default() status=LeadStatus::New employees=Some(employees) error /> }
                    })}
                </Suspense>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Create lead"</button>
                    <A href="/leads">"Cancel"</A>
                </div>
            </ApiForm>
        </section>
    }
}

//! The employee form (shared by create and edit) and the create page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::sees_salaries;
use crate::api::employees::{employee_choices, CreateEmployee};
use crate::domain::employee::{EmployeeChoice, EmployeeFields, EmployeeStatus, EmploymentType};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction, SelectField};
use crate::ui::layout::use_me;

/// The editable fields of an employee (defaults when creating one). `id` is the employee being
/// edited (left out of the manager choices); `salary` shows the salary field (owners, admins).
#[component]
pub fn EmployeeFieldset(
    fields: EmployeeFields,
    status: EmployeeStatus,
    managers: Vec<EmployeeChoice>,
    #[prop(optional)] id: Option<i64>,
    salary: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let f = fields;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let manager_options: Vec<(String, String)> =
        managers.iter().filter(|m| Some(m.id) != id).map(|m| (m.id.to_string(), m.label())).collect();
    // Terminating is its own action: the select offers "Terminated" only to keep it.
    let statuses: Vec<EmployeeStatus> = EmployeeStatus::ALL
        .iter()
        .copied()
        .filter(|s| *s != EmployeeStatus::Terminated || status == EmployeeStatus::Terminated)
        .collect();
    view! {
        <div class="form-grid">
            <Field label="First name" name="first_name" value=f.first_name.clone() required=true error />
            <Field label="Last name" name="last_name" value=f.last_name.clone() error />
            <Field label="Employee code" name="employee_code" value=text(&f.employee_code) error />
            <Field label="Email" name="email" kind="email" value=text(&f.email) error />
            <Field label="Phone" name="phone" kind="tel" value=text(&f.phone) error />
            <Field label="Job title" name="job_title" value=text(&f.job_title) error />
            <Field label="Department" name="department" value=text(&f.department) error />
            <SelectField label="Employment type" name="employment_type" value=f.employment_type.as_str().to_owned()
                options=EmploymentType::options(EmploymentType::ALL) error />
            <SelectField label="Status" name="status" value=status.as_str().to_owned()
                options=EmployeeStatus::options(&statuses) error />
            <Field label="Hire date" name="hire_date" kind="date"
                value=f.hire_date.map(|d| d.to_string()).unwrap_or_default() error />
            <SelectField label="Manager" name="manager_id" value=f.manager_id.map(|m| m.to_string()).unwrap_or_default()
                blank="No manager" options=manager_options error />
            {salary.then(|| view! {
                <Field label="Salary (yearly)" name="salary" value=f.salary.map(|s| s.to_string()).unwrap_or_default()
                    placeholder="e.g. 52000.00" error />
            })}
        </div>
    }
    .into_any()
}

#[component]
pub fn EmployeeNewPage() -> impl IntoView {
    let me = use_me();
    let salary = sees_salaries(&me);
    let create = FormAction::<CreateEmployee>::new();
    let error = create.error();
    let managers = Resource::new(|| (), |_| employee_choices());
    view! {
        <Title text="New employee" />
        <div class="page-header">
            <h1>"New employee"</h1>
            <A href="/employees">"← All employees"</A>
        </div>
        <section class="card">
            <ApiForm action=create>
                <input type="hidden" name="next" value="/employees/{id}" />
                <FormErrors error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let managers = managers.await.unwrap_or_default();
                        view! {
                            <EmployeeFieldset fields=EmployeeFields::default() status=EmployeeStatus::Active
                                managers salary error />
                        }
                    })}
                </Suspense>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Create employee"</button>
                    <A href="/employees">"Cancel"</A>
                </div>
            </ApiForm>
        </section>
    }
    .into_any()
}

//! One employee: summary, edit form (with the manager), terminate, delete.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::EmployeeFieldset;
use super::{sees_salaries, status_class};
use crate::api::employees::{employee_choices, get_employee, DeleteEmployee, TerminateEmployee, UpdateEmployee};
use crate::domain::employee::{Employee, EmployeeStatus};
use crate::domain::money;
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, FormAction};
use crate::ui::layout::use_me;

#[component]
pub fn EmployeeDetailPage() -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("employees", "edit");
    let salary = sees_salaries(&me);
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let update = FormAction::<UpdateEmployee>::new();
    let terminate = FormAction::<TerminateEmployee>::new();
    let delete = FormAction::<DeleteEmployee>::new();
    let employee = Resource::new(move || id.get(), get_employee);
    let managers = Resource::new(|| (), |_| employee_choices());
    let update_error = update.error();
    let terminate_error = terminate.error();
    let delete_error = delete.error();

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading employee…"</p> }>
                {move || Suspend::new(async move {
                    match (employee.await, managers.await) {
                        (Ok(e), managers) => view! {
                            <Title text=e.full_name() />
                            <div class="record-head">
                                <Header e=e.clone() delete />
                                <FormErrors error=delete_error />
                            </div>
                            <div class="record-facts">
                                <Summary e=e.clone() />
                                {can_edit.then(|| view! {
                                    <EditInPlace error=update_error>
                                        <ApiForm action=update>
                                            <input type="hidden" name="id" value=e.id />
                                            <input type="hidden" name="version" value=e.version />
                                            <FormErrors error=update_error />
                                            <EmployeeFieldset fields=e.fields.clone() status=e.status
                                                managers=managers.unwrap_or_default() id=e.id salary error=update_error />
                                            <div class="form-actions">
                                                <button type="submit" class="button primary">"Save changes"</button>
                                            </div>
                                        </ApiForm>
                                    </EditInPlace>
                                })}
                            </div>
                            {(can_edit && e.status != EmployeeStatus::Terminated).then(|| view! {
                                <div class="record-main">
                                    <section class="card">
                                        <h2>"Terminate"</h2>
                                        <p class="muted">"Marks the employee terminated. If they have an account, they can no longer use this organization."</p>
                                        <ApiForm action=terminate>
                                            <input type="hidden" name="id" value=e.id />
                                            <FormErrors error=terminate_error />
                                            <div class="field">
                                                <label for="termination_date">"Termination date"</label>
                                                <input id="termination_date" type="date" name="termination_date" />
                                                <p class="muted">"Leave empty for today."</p>
                                            </div>
                                            <div class="form-actions">
                                                <button type="submit" class="button danger">"Terminate employee"</button>
                                            </div>
                                        </ApiForm>
                                    </section>
                                </div>
                            })}
                        }.into_any(),
                        (Err(err), _) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

#[component]
fn Header(e: Employee, delete: FormAction<DeleteEmployee>) -> impl IntoView {
    let me = use_me();
    let subtitle =
        [e.fields.job_title.clone(), e.fields.department.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    view! {
        <div class="page-header">
            <div>
                <A href="/employees">"← All employees"</A>
                <h1>{e.full_name()} " " <span class=status_class(e.status)>{e.status.label()}</span></h1>
                <p class="muted">{subtitle}</p>
            </div>
            <div class="actions">
                {me.can("employees", "delete").then(|| view! {
                    <DeleteMenu action=delete id=e.id next="/employees" question="Delete this employee? This cannot be undone. Records assigned to them are kept, unassigned. A member of the organization must be terminated first." />
                })}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Summary(e: Employee) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    let manager = e.fields.manager_id.map(|m| {
        view! { <A href=format!("/employees/{m}")>{e.manager_name.clone().unwrap_or_else(|| format!("#{m}"))}</A> }
    });
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Employee code", e.fields.employee_code.clone())}
                {row("Email", e.fields.email.clone())}
                {row("Phone", e.fields.phone.clone())}
                {row("Job title", e.fields.job_title.clone())}
                {row("Department", e.fields.department.clone())}
                {row("Employment", Some(e.fields.employment_type.label().to_owned()))}
                <div class="dl-row"><dt>"Manager"</dt><dd>{manager.map(IntoAny::into_any).unwrap_or_else(|| "—".into_any())}</dd></div>
                {row("Hired", e.fields.hire_date.map(|d| d.to_string()))}
                {row("Terminated", e.termination_date.map(|d| d.to_string()))}
                {e.fields.salary.map(|s| row("Salary", Some(money::format(s, &e.currency))))}
                {row("Account", Some(if e.user_id.is_some() { "Linked to a user".to_owned() } else { "No account".to_owned() }))}
                {row("Created", Some(time::date_time(e.created_at)))}
                {row("Updated", Some(time::date_time(e.updated_at)))}
            </dl>
        </section>
    }
    .into_any()
}

//! The employees list: departments at a glance, search as you type, filters, sortable
//! columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{sees_salaries, status_class};
use crate::api::employees::{list_departments, list_employees};
use crate::domain::employee::{EmployeeQuery, EmployeeStatus, EmploymentType};
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::ui::components::pagination::{encode, Pagination};
use crate::ui::components::{AllColumns, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;

#[component]
pub fn EmployeeListPage() -> impl IntoView {
    let me = use_me();
    let salary = sees_salaries(&me);
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| EmployeeQuery {
            search: q.get("search"),
            department: q.get("department"),
            status: q.get("status"),
            employment_type: q.get("employment_type"),
            manager_id: q.get("manager_id"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let employees = Resource::new(move || filters.get(), list_employees);
    let departments = Resource::new(|| (), |_| list_departments());

    let initial = filters.get_untracked();
    view! {
        <Title text="Employees" />
        <div class="page-header">
            <h1>"Employees"</h1>
            <div class="actions">
                <ExportLink resource="employees" />
                {me.can("employees", "create").then(|| view! { <A href="/employees/new" attr:class="button primary">"New employee"</A> })}
            </div>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Departments at a glance; each links to the list filtered by it.
                let departments = departments.await.unwrap_or_default();
                (!departments.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="departments-heading">
                        <h2 id="departments-heading">"Departments"</h2>
                        <ul class="department-summary">
                            {departments.into_iter().map(|d| {
                                let href = format!("/employees?department={}", encode(&d.department));
                                let note = if d.current == d.count { String::new() } else { format!(" ({} current)", d.current) };
                                view! {
                                    <li><A href=href>{d.department.clone()}</A> ": " {d.count} {note}</li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
        <form class="filters" method="get" action="/employees" role="search" data-live="">
            <div class="field">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Name, email, code or job title"
                    value=initial.search.clone() />
            </div>
            <div class="field">
                <label for="department">"Department"</label>
                <select id="department" name="department">
                    <option value="">"Any"</option>
                    <Suspense fallback=|| ()>
                        {move || {
                            let current = filters.with_untracked(|f| f.department.clone());
                            Suspend::new(async move {
                                departments.await.unwrap_or_default().into_iter().map(|d| {
                                    let selected = current.as_deref() == Some(d.department.as_str());
                                    view! { <option value=d.department.clone() selected=selected>{d.department.clone()}</option> }
                                }).collect_view()
                            })
                        }}
                    </Suspense>
                </select>
            </div>
            <SelectFilter label="Status" name="status" options=EmployeeStatus::options(EmployeeStatus::ALL)
                current=initial.status.clone() />
            <SelectFilter label="Employment" name="employment_type" options=EmploymentType::options(EmploymentType::ALL)
                current=initial.employment_type.clone() />
            {initial.manager_id.clone().map(|m| view! { <input type="hidden" name="manager_id" value=m /> })}
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading employees…"</p> }>
            {move || Suspend::new(async move {
                match employees.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "name", descending: false });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No employees match. " <A href="/employees">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="name" label="Name" />
                                            <SortHeader field="employee_code" label="Code" class="hide-sm" />
                                            <SortHeader field="job_title" label="Job title" />
                                            <SortHeader field="department" label="Department" />
                                            <SortHeader field="employment_type" label="Type" class="hide-sm" />
                                            <SortHeader field="status" label="Status" />
                                            <th scope="col" class="hide-sm">"Manager"</th>
                                            <SortHeader field="hire_date" label="Hired" class="hide-sm" />
                                            {salary.then(|| view! { <th scope="col" class="hide-sm num">"Salary"</th> })}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|e| {
                                            let name = e.full_name();
                                            let pay = e.fields.salary.map(|s| money::format(s, &e.currency));
                                            let manager = e.fields.manager_id.map(|m| {
                                                let name = e.manager_name.clone();
                                                view! { <A href=format!("/employees/{m}")>{name}</A> }
                                            });
                                            let hired = e.fields.hire_date.map(|d| view! { <time datetime=d.to_string()>{d.to_string()}</time> });
                                            view! {
                                                <tr>
                                                    <td><A href=format!("/employees/{}", e.id)>{name}</A></td>
                                                    <td class="hide-sm">{e.fields.employee_code.clone()}</td>
                                                    <td>{e.fields.job_title.clone()}</td>
                                                    <td>{e.fields.department.clone()}</td>
                                                    <td class="hide-sm">{e.fields.employment_type.label()}</td>
                                                    <td><span class=status_class(e.status)>{e.status.label()}</span></td>
                                                    <td class="hide-sm">{manager}</td>
                                                    <td class="hide-sm">{hired}</td>
                                                    {salary.then(|| view! { <td class="hide-sm num">{pay}</td> })}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination page=current_page page_count count />
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

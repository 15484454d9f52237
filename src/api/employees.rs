//! `/api/employees/*`: the staff of the current organization.
//!
//! Needs the `employees` permissions (managers view, create and edit the employees of their own
//! department; owners and admins manage everyone and also delete). Salaries are shown to, and
//! set by, owners and admins only. `employees/choices` is open to every staff member: it feeds
//! the "assigned to" selects.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::employee::{DepartmentCount, Employee, EmployeeChoice, EmployeeInput, EmployeeQuery};
use crate::domain::list::Page;
use crate::error::AppError;

/// Every employee of the current organization, by name (id, name, status), for "assigned to"
/// selects and filters. Any staff member may call it; portal customers may not (403). Former
/// employees are included (marked by their status): records may still be assigned to them.
#[server(prefix = "/api", endpoint = "employees/choices", input = GetUrl, output = Json)]
pub async fn employee_choices() -> Result<Vec<EmployeeChoice>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.member()?;
    if member.role == crate::domain::permission::CUSTOMER {
        return Err(AppError::Forbidden("staff only".into()));
    }
    let mut conn = state.db.read().await?;
    crate::server::repo::employees::choices(&mut conn, member.org_id).await
}

/// One page of employees: `search` (name, email, employee code, job title), filters
/// `department`, `status`, `employment_type`, `manager_id`; `ordering` (`name` by default,
/// e.g. `-hire_date`, `department`); `page`, `page_size`.
#[server(prefix = "/api", endpoint = "employees/list", input = GetUrl, output = Json)]
pub async fn list_employees(#[server(flatten)] query: EmployeeQuery) -> Result<Page<Employee>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "view")?;
    let (filter, params) = query.validate()?;
    let mut conn = state.db.read().await?;
    let (results, count) = crate::server::repo::employees::list(&mut conn, member.org_id, &filter, &params).await?;
    let results = results.into_iter().map(|e| shown(member, e)).collect();
    Ok(ctx::page(results, count, &params))
}

/// The employees `employees/list` finds (same `search`, filters and `ordering`; every page) as a
/// CSV file.
#[server(prefix = "/api", endpoint = "employees/export", input = GetUrl, output = Csv)]
pub async fn export_employees(#[server(flatten)] query: EmployeeQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::employee::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "view")?;
    let (filter, params) = query.validate()?;
    let org_id = member.org_id;
    let mut conn = state.db.snapshot().await?;
    crate::api::csv::export("employees", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        let member = member.clone();
        Box::pin(async move {
            let (rows, count) = crate::server::repo::employees::list(conn, org_id, &filter, &p).await?;
            Ok((rows.into_iter().map(|e| shown(&member, e)).collect(), count))
        })
    })
    .await
}

/// One employee.
#[server(prefix = "/api", endpoint = "employees/get", input = GetUrl, output = Json)]
pub async fn get_employee(id: i64) -> Result<Employee, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "view")?;
    let mut conn = state.db.read().await?;
    let employee = crate::server::repo::employees::get(&mut conn, member.org_id, id).await?;
    Ok(shown(member, employee))
}

/// Adds an employee (`first_name` required; `employment_type` defaults to full time). The
/// `manager_id` must be an employee of the organization; `salary` may be sent by owners and
/// admins only (403 otherwise).
#[server(prefix = "/api", endpoint = "employees/create", input = PostUrl, output = Json)]
pub async fn create_employee(
    #[server(flatten)] input: EmployeeInput,
    #[server(default)] next: Option<String>,
) -> Result<Employee, AppError> {
    use crate::api::ctx;
    use crate::domain::employee::{EmployeeFields, EmployeeStatus};
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "create")?;
    check_salary_allowed(member, &input)?;
    let (fields, status) = input.apply_to(EmployeeFields::default(), EmployeeStatus::Active)?;
    let mut tx = state.db.write().await?;
    check_department_scope(&mut tx, member, &[fields.department.as_deref()]).await?;
    ctx::check_refs(&mut tx, member.org_id, &[("manager_id", ctx::Ref::Employee, fields.manager_id)]).await?;
    let id = repo::employees::insert(&mut tx, member.org_id, None, &fields).await?;
    if status != EmployeeStatus::Active {
        let e = repo::employees::get(&mut tx, member.org_id, id).await?;
        repo::employees::update(&mut tx, member.org_id, id, &e.fields, status, None, &e.currency, None).await?;
    }
    let employee = repo::employees::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(shown(member, employee))
}

/// Updates an employee: fields sent replace the stored ones, fields not sent stay. With
/// `version`, a stale update answers 409. A manager must be another employee of the
/// organization and not one of the employee's reports, however indirect (422 on `manager_id`).
/// `status` may switch between `active` and `on_leave` (and back from `terminated`: a
/// rehire, which clears the termination date); terminating is `employees/terminate`.
#[server(prefix = "/api", endpoint = "employees/update", input = PostUrl, output = Json)]
pub async fn update_employee(
    id: i64,
    #[server(flatten)] input: EmployeeInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Employee, AppError> {
    use crate::api::ctx;
    use crate::domain::employee::EmployeeStatus;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::employees::get(&mut tx, member.org_id, id).await?;
    check_salary_allowed(member, &input)?;
    let (fields, status) = input.apply_to(current.fields.clone(), current.status)?;
    check_department_scope(&mut tx, member, &[current.fields.department.as_deref(), fields.department.as_deref()])
        .await?;
    if fields.manager_id != current.fields.manager_id {
        check_manager(&mut tx, member.org_id, id, fields.manager_id).await?;
    }
    let termination_date = if status == EmployeeStatus::Terminated { current.termination_date } else { None };
    repo::employees::update(&mut tx, member.org_id, id, &fields, status, termination_date, &current.currency, version)
        .await?;
    let employee = repo::employees::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(shown(member, employee))
}

/// Terminates an employee: status `terminated`, `termination_date` as given (`YYYY-MM-DD`,
/// not before the hire date) or today, and the linked user's membership in this organization
/// deactivated (their sessions and tokens no longer reach it). 409 when already terminated or
/// when the employee is the organization's owner; only owners and admins may terminate an
/// owner's or admin's employee record (403).
#[server(prefix = "/api", endpoint = "employees/terminate", input = PostUrl, output = Json)]
pub async fn terminate_employee(
    id: i64,
    #[server(default)] termination_date: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Employee, AppError> {
    use crate::api::ctx;
    use crate::domain::employee::EmployeeStatus;
    use crate::domain::permission::{ADMIN, OWNER};
    use crate::domain::validate::Check;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "edit")?;
    let mut c = Check::new();
    let date = c.date("termination_date", termination_date.as_deref());
    c.finish(())?;
    let mut tx = state.db.write().await?;
    let current = repo::employees::get(&mut tx, member.org_id, id).await?;
    check_department_scope(&mut tx, member, &[current.fields.department.as_deref()]).await?;
    if current.status == EmployeeStatus::Terminated {
        return Err(AppError::Conflict("this employee is already terminated".into()));
    }
    if let Some(user_id) = current.user_id {
        if repo::organizations::get(&mut tx, member.org_id).await?.owner_id == Some(user_id) {
            return Err(AppError::Conflict("the organization's owner cannot be terminated".into()));
        }
        let role = repo::organizations::role_of(&mut tx, member.org_id, user_id).await?;
        if matches!(role.as_deref(), Some(OWNER | ADMIN)) && !sees_salaries(member) {
            return Err(AppError::Forbidden("only owners and admins may terminate an owner or admin".into()));
        }
    }
    let date = date.unwrap_or_else(|| crate::server::repo::now().date_naive());
    if current.fields.hire_date.is_some_and(|hired| date < hired) {
        return Err(AppError::field("termination_date", "must not be before the hire date"));
    }
    repo::employees::terminate(&mut tx, member.org_id, id, date).await?;
    let employee = repo::employees::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(shown(member, employee))
}

/// Deletes an employee (needs `employees:delete`). Records assigned to them are kept,
/// unassigned; their reports lose their manager. An employee whose user is still an active
/// member of the organization is not deleted (409): terminate them first.
#[server(prefix = "/api", endpoint = "employees/delete", input = PostUrl, output = Json)]
pub async fn delete_employee(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "delete")?;
    let mut tx = state.db.write().await?;
    let current = repo::employees::get(&mut tx, member.org_id, id).await?;
    if let Some(user_id) = current.user_id {
        if repo::organizations::membership(&mut tx, user_id, member.org_id).await?.is_some() {
            return Err(AppError::Conflict(
                "this employee is an active member of the organization; terminate them before deleting".into(),
            ));
        }
    }
    repo::employees::delete(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// The organization's departments (distinct, by name) with how many employees each has
/// (`count`) and how many of them are not terminated (`current`).
#[server(prefix = "/api", endpoint = "employees/departments", input = GetUrl, output = Json)]
pub async fn list_departments() -> Result<Vec<DepartmentCount>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::employees::departments(&mut conn, member.org_id).await
}

/// Whether a member sees and sets salaries: owners and admins.
#[cfg(feature = "ssr")]
fn sees_salaries(member: &crate::server::auth::Member) -> bool {
    use crate::domain::permission::{ADMIN, OWNER};
    member.role == OWNER || member.role == ADMIN
}

/// An employee as this member may see it.
#[cfg(feature = "ssr")]
fn shown(member: &crate::server::auth::Member, employee: Employee) -> Employee {
    if sees_salaries(member) {
        employee
    } else {
        employee.without_salary()
    }
}

/// A salary sent by someone who may not set salaries is refused (403), not silently dropped.
#[cfg(feature = "ssr")]
fn check_salary_allowed(member: &crate::server::auth::Member, input: &EmployeeInput) -> Result<(), AppError> {
    if input.salary.is_some() && !sees_salaries(member) {
        return Err(AppError::Forbidden("only owners and admins may set salaries".into()));
    }
    Ok(())
}

/// Managers manage the employees of their own department only: every department given (the
/// employee's before and after the change) must be the manager's own (403 otherwise).
#[cfg(feature = "ssr")]
async fn check_department_scope(
    conn: &mut crate::server::db::Conn,
    member: &crate::server::auth::Member,
    departments: &[Option<&str>],
) -> Result<(), AppError> {
    if member.role != crate::domain::permission::MANAGER {
        return Ok(());
    }
    let own = match member.employee_id {
        Some(me) => crate::server::repo::employees::get(conn, member.org_id, me).await?.fields.department,
        None => None,
    };
    let Some(own) = own else {
        return Err(AppError::Forbidden("managers manage the employees of their own department; you have none".into()));
    };
    if departments.iter().all(|d| *d == Some(own.as_str())) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("managers manage the employees of their own department ({own}) only")))
    }
}

/// A new manager for employee `id`: an employee of the organization (422), not the employee
/// themselves, nor one of their reports (a cycle, 422). All on `manager_id`.
#[cfg(feature = "ssr")]
async fn check_manager(
    conn: &mut crate::server::db::Conn,
    org_id: i64,
    id: i64,
    manager_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::api::ctx;
    let Some(manager_id) = manager_id else {
        return Ok(());
    };
    ctx::check_refs(conn, org_id, &[("manager_id", ctx::Ref::Employee, Some(manager_id))]).await?;
    if manager_id == id {
        return Err(AppError::field("manager_id", "cannot be the employee themselves"));
    }
    if crate::server::repo::employees::would_cycle(conn, org_id, id, manager_id).await? {
        return Err(AppError::field("manager_id", "reports to this employee (directly or not): that would be a cycle"));
    }
    Ok(())
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/employees.rs"));

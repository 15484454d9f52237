//! `/api/employees/*` (minimal until the employees issue): who records can be assigned to.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::employee::{Employee, EmployeeInput};
use crate::error::AppError;

/// Employees of the current organization, by name. Any member may list them (to assign records).
#[server(prefix = "/api", endpoint = "employees/list", input = GetUrl, output = Json)]
pub async fn list_employees() -> Result<Vec<Employee>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.member()?;
    if member.role == crate::domain::permission::CUSTOMER {
        return Err(AppError::Forbidden("staff only".into()));
    }
    let mut conn = state.db.read().await?;
    crate::server::repo::employees::list(&mut conn, member.org_id).await
}

/// Adds an employee (needs `employees:create`).
#[server(prefix = "/api", endpoint = "employees/create", input = PostUrl, output = Json)]
pub async fn create_employee(#[server(flatten)] input: EmployeeInput) -> Result<Employee, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "create")?;
    let new = input.validate()?;
    let mut tx = state.db.write().await?;
    let employee = crate::server::repo::employees::create(&mut tx, member.org_id, None, &new).await?;
    tx.commit().await?;
    Ok(employee)
}

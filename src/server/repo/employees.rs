//! Employees (minimal until the employees issue: list, create, link to users).

use chrono::NaiveDate;
use sqlx::FromRow;

use super::now;
use crate::domain::employee::{Employee, NewEmployee};
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

#[derive(FromRow)]
struct EmployeeRow {
    id: i64,
    user_id: Option<i64>,
    employee_code: Option<String>,
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone: Option<String>,
    job_title: Option<String>,
    department: Option<String>,
    employment_type: String,
    status: String,
    hire_date: Option<NaiveDate>,
}

impl TryFrom<EmployeeRow> for Employee {
    type Error = AppError;
    fn try_from(r: EmployeeRow) -> Result<Self, AppError> {
        Ok(Employee {
            id: r.id,
            user_id: r.user_id,
            employee_code: r.employee_code,
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            phone: r.phone,
            job_title: r.job_title,
            department: r.department,
            employment_type: super::parse_stored(&r.employment_type)?,
            status: super::parse_stored(&r.status)?,
            hire_date: r.hire_date,
        })
    }
}

const COLUMNS: &str = "id, user_id, employee_code, first_name, last_name, email, phone, job_title, department, employment_type, status, hire_date";

/// Every employee of an organization, by name.
#[tracing::instrument(skip(conn))]
pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Employee>, AppError> {
    let sql = format!("select {COLUMNS} from employees where organization_id = $1 order by first_name, last_name, id");
    let rows = on!(conn, c => sqlx::query_as::<_, EmployeeRow>(&sql).bind(org_id).fetch_all(c).await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

pub async fn get(conn: &mut Conn, org_id: i64, id: i64) -> Result<Employee, AppError> {
    let sql = format!("select {COLUMNS} from employees where id = $1 and organization_id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, EmployeeRow>(&sql).bind(id).bind(org_id).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

/// Whether `id` is an employee of the organization (to validate "assigned to" ids from clients).
pub async fn exists(conn: &mut Conn, org_id: i64, id: i64) -> Result<bool, AppError> {
    let sql = "select count(*) from employees where id = $1 and organization_id = $2";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(id).bind(org_id).fetch_one(c).await?) > 0)
}

#[tracing::instrument(skip(conn, e))]
pub async fn create(conn: &mut Conn, org_id: i64, user_id: Option<i64>, e: &NewEmployee) -> Result<Employee, AppError> {
    let now = now();
    let sql = "insert into employees (organization_id, user_id, employee_code, first_name, last_name, email, phone, job_title,
               department, employment_type, status, hire_date, created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $12, $12) returning id";
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(user_id).bind(&e.employee_code).bind(&e.first_name).bind(&e.last_name).bind(&e.email)
        .bind(&e.phone).bind(&e.job_title).bind(&e.department).bind(e.employment_type.as_str()).bind(e.hire_date).bind(now)
        .fetch_one(c).await?);
    get(conn, org_id, id).await
}

/// Gives a user an employee record in an organization unless they already have one.
pub async fn ensure_for_user(conn: &mut Conn, org_id: i64, user_id: i64) -> Result<i64, AppError> {
    let sql = "select id from employees where organization_id = $1 and user_id = $2";
    if let Some(id) =
        on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(org_id).bind(user_id).fetch_optional(c).await?)
    {
        return Ok(id);
    }
    let user = super::users::get(conn, user_id).await?;
    let new = NewEmployee {
        employee_code: None,
        first_name: user.first_name,
        last_name: user.last_name,
        email: Some(user.email),
        phone: user.phone,
        job_title: None,
        department: None,
        employment_type: crate::domain::employee::EmploymentType::FullTime,
        hire_date: Some(now().date_naive()),
    };
    Ok(create(conn, org_id, Some(user_id), &new).await?.id)
}

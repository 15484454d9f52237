//! Employees: the organization's staff, their managers, departments and termination.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::{now, page_of_ids, parse_stored, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::employee::{
    DepartmentCount, Employee, EmployeeChoice, EmployeeFields, EmployeeFilter, EmployeeStatus, NewEmployee,
};
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::error::AppError;
use crate::on;
use crate::server::db::{is_unique_violation, Conn};

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
    termination_date: Option<NaiveDate>,
    manager_id: Option<i64>,
    manager_name: Option<String>,
    salary_minor: Option<i64>,
    currency: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<EmployeeRow> for Employee {
    type Error = AppError;
    fn try_from(r: EmployeeRow) -> Result<Self, AppError> {
        Ok(Employee {
            id: r.id,
            user_id: r.user_id,
            fields: EmployeeFields {
                employee_code: r.employee_code,
                first_name: r.first_name,
                last_name: r.last_name,
                email: r.email,
                phone: r.phone,
                job_title: r.job_title,
                department: r.department,
                employment_type: parse_stored(&r.employment_type)?,
                hire_date: r.hire_date,
                manager_id: r.manager_id,
                salary: r.salary_minor.map(|m| money::from_minor(m, &r.currency)),
            },
            status: parse_stored(&r.status)?,
            termination_date: r.termination_date,
            manager_name: r.manager_name,
            currency: r.currency,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

const SELECT: &str =
    "select e.id, e.user_id, e.employee_code, e.first_name, e.last_name, e.email, e.phone, e.job_title,
    e.department, e.employment_type, e.status, e.hire_date, e.termination_date, e.manager_id,
    trim(m.first_name || ' ' || m.last_name) as manager_name, e.salary_minor, e.currency,
    e.created_at, e.updated_at, e.version
    from employees e left join employees m on m.id = e.manager_id";

fn filtered(mut sql: Sql, search: &Search, org_id: i64, filter: &EmployeeFilter) -> Sql {
    sql.push_with(" where e.organization_id = ?", Arg::Int(org_id));
    if let Some(d) = &filter.department {
        sql.push_with(" and e.department = ?", Arg::Text(d.clone()));
    }
    if let Some(s) = filter.status {
        sql.push_with(" and e.status = ?", Arg::Text(s.as_str().into()));
    }
    if let Some(t) = filter.employment_type {
        sql.push_with(" and e.employment_type = ?", Arg::Text(t.as_str().into()));
    }
    if let Some(m) = filter.manager_id {
        sql.push_with(" and e.manager_id = ?", Arg::Int(m));
    }
    search.push(&mut sql, "e");
    sql
}

/// One page of employees, and how many match in all.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    filter: &EmployeeFilter,
    params: &ListParams,
) -> Result<(Vec<Employee>, i64), AppError> {
    let dir = if params.descending { "desc" } else { "asc" };
    // `order_by` is one of the whitelisted names of `employee::SORTABLE`, never client text.
    let order = match params.order_by {
        "name" => format!(" order by e.last_name {dir}, e.first_name {dir}, e.id {dir}"),
        "first_name" => format!(" order by e.first_name {dir}, e.last_name {dir}, e.id {dir}"),
        field @ ("employee_code" | "job_title" | "department" | "hire_date") => {
            format!(" order by (e.{field} is null), e.{field} {dir}, e.id {dir}")
        }
        field => format!(" order by e.{field} {dir}, e.id {dir}"),
    };
    let search = Search::prepare(conn, "employees", org_id, filter.search.as_deref()).await?;
    let mut page = filtered(Sql::new("select e.id from employees e"), &search, org_id, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || filtered(Sql::new("select count(*) from employees e"), &search, org_id, filter);
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), count));
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where e.id in ({})", placeholders.join(", ")));
    sql.push_with(" and e.organization_id = ?", Arg::Int(org_id));
    sql.push(&order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, EmployeeRow>(&sql.text), &sql.args).fetch_all(c).await?);
    let employees = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>, _>>()?;
    Ok((employees, count))
}

/// Every employee of an organization, by name, with what a select shows.
#[tracing::instrument(skip(conn))]
pub async fn choices(conn: &mut Conn, org_id: i64) -> Result<Vec<EmployeeChoice>, AppError> {
    let sql = "select id, first_name, last_name, status from employees where organization_id = $1
               order by first_name, last_name, id";
    let rows = on!(conn, c => sqlx::query_as::<_, (i64, String, String, String)>(sql).bind(org_id).fetch_all(c).await?);
    rows.into_iter()
        .map(|(id, first_name, last_name, status)| {
            Ok(EmployeeChoice { id, first_name, last_name, status: parse_stored(&status)? })
        })
        .collect()
}

/// One employee of the organization (with the salary); `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, id: i64) -> Result<Employee, AppError> {
    let sql = format!("{SELECT} where e.id = $1 and e.organization_id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, EmployeeRow>(&sql).bind(id).bind(org_id).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

/// Whether `id` is an employee of the organization (to validate "assigned to" ids from clients).
pub async fn exists(conn: &mut Conn, org_id: i64, id: i64) -> Result<bool, AppError> {
    let sql = "select count(*) from employees where id = $1 and organization_id = $2";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(id).bind(org_id).fetch_one(c).await?) > 0)
}

/// Whether making `manager_id` the manager of `id` would close a loop: `id` is `manager_id`
/// or one of its managers, up the chain.
pub async fn would_cycle(conn: &mut Conn, org_id: i64, id: i64, manager_id: i64) -> Result<bool, AppError> {
    let sql = "select manager_id from employees where id = $1 and organization_id = $2";
    let mut current = Some(manager_id);
    // The chain is at most as long as the staff; the bound only guards against a loop
    // already stored (which this check exists to prevent).
    for _ in 0..10_000 {
        match current {
            None => return Ok(false),
            Some(m) if m == id => return Ok(true),
            Some(m) => {
                current = on!(conn, c => sqlx::query_scalar::<_, Option<i64>>(sql).bind(m).bind(org_id).fetch_optional(c).await?)
                    .flatten();
            }
        }
    }
    Ok(true)
}

fn unique_code(err: sqlx::Error) -> AppError {
    if is_unique_violation(&err) {
        AppError::field("employee_code", "is already used by another employee")
    } else {
        err.into()
    }
}

/// Adds an employee (status active); the salary is in the organization's currency.
#[tracing::instrument(skip(conn, f))]
pub async fn insert(conn: &mut Conn, org_id: i64, user_id: Option<i64>, f: &EmployeeFields) -> Result<i64, AppError> {
    let now = now();
    let currency = super::organizations::get(conn, org_id).await?.currency;
    let salary = f.salary.map(|d| money::to_minor(d, &currency));
    let search = f.search_text();
    let sql = "insert into employees (organization_id, user_id, employee_code, first_name, last_name, email, phone, job_title,
               department, employment_type, status, hire_date, manager_id, salary_minor, currency, created_at, updated_at,
               version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $12, $13, $14, $15, $15, 1, $16) returning id";
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(user_id).bind(&f.employee_code).bind(&f.first_name).bind(&f.last_name).bind(&f.email)
        .bind(&f.phone).bind(&f.job_title).bind(&f.department).bind(f.employment_type.as_str()).bind(f.hire_date)
        .bind(f.manager_id).bind(salary).bind(&currency).bind(now).bind(&search)
        .fetch_one(c).await.map_err(unique_code)?);
    Ok(id)
}

/// Adds an employee from a [`NewEmployee`] (seeding, new memberships).
#[tracing::instrument(skip(conn, e))]
pub async fn create(conn: &mut Conn, org_id: i64, user_id: Option<i64>, e: &NewEmployee) -> Result<Employee, AppError> {
    let id = insert(conn, org_id, user_id, &EmployeeFields::from(e)).await?;
    get(conn, org_id, id).await
}

/// Writes the editable fields and status of an employee (the salary in the employee's
/// currency); `Conflict` when `expected_version` is stale.
#[tracing::instrument(skip(conn, f))]
#[allow(clippy::too_many_arguments)]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    f: &EmployeeFields,
    status: EmployeeStatus,
    termination_date: Option<NaiveDate>,
    currency: &str,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let search = f.search_text();
    let salary = f.salary.map(|d| money::to_minor(d, currency));
    let sql = "update employees set employee_code = $1, first_name = $2, last_name = $3, email = $4, phone = $5,
               job_title = $6, department = $7, employment_type = $8, hire_date = $9, manager_id = $10, salary_minor = $11,
               status = $12, termination_date = $13, updated_at = $14, version = version + 1, search_text = $15
               where id = $16 and organization_id = $17 and ($18 = 0 or version = $18)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.employee_code).bind(&f.first_name).bind(&f.last_name).bind(&f.email).bind(&f.phone)
        .bind(&f.job_title).bind(&f.department).bind(f.employment_type.as_str()).bind(f.hire_date).bind(f.manager_id)
        .bind(salary).bind(status.as_str()).bind(termination_date).bind(now).bind(&search)
        .bind(id).bind(org_id).bind(expected_version.unwrap_or(0))
        .execute(c).await.map_err(unique_code)?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this employee was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

/// Marks an employee terminated as of `date`, and deactivates the linked user's membership
/// in the organization (their sessions no longer reach it).
#[tracing::instrument(skip(conn))]
pub async fn terminate(conn: &mut Conn, org_id: i64, id: i64, date: NaiveDate) -> Result<(), AppError> {
    let sql =
        "update employees set status = 'terminated', termination_date = $1, updated_at = $2, version = version + 1
               where id = $3 and organization_id = $4 returning user_id";
    let user_id = on!(conn, c => sqlx::query_scalar::<_, Option<i64>>(sql)
        .bind(date).bind(now()).bind(id).bind(org_id).fetch_optional(c).await?)
    .ok_or(AppError::NotFound)?;
    if let Some(user_id) = user_id {
        super::organizations::deactivate_member(conn, org_id, user_id).await?;
    }
    Ok(())
}

/// Deletes an employee: records assigned to them stay, unassigned; their reports lose their
/// manager (both by the foreign keys).
#[tracing::instrument(skip(conn))]
pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from employees where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The distinct departments of the organization, by name, with how many employees each has.
#[tracing::instrument(skip(conn))]
pub async fn departments(conn: &mut Conn, org_id: i64) -> Result<Vec<DepartmentCount>, AppError> {
    let sql = "select department, count(*), sum(case when status = 'terminated' then 0 else 1 end)
               from employees where organization_id = $1 and department is not null
               group by department order by department";
    let rows = on!(conn, c => sqlx::query_as::<_, (String, i64, i64)>(sql).bind(org_id).fetch_all(c).await?);
    Ok(rows.into_iter().map(|(department, count, current)| DepartmentCount { department, count, current }).collect())
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

/// Rewrites the search text of every employee of an organization (after changes made
/// behind [`update`]'s back, such as seeding).
pub async fn reindex(conn: &mut Conn, org_id: i64) -> Result<(), AppError> {
    let sql = format!("{SELECT} where e.organization_id = $1");
    let rows = on!(conn, c => sqlx::query_as::<_, EmployeeRow>(&sql).bind(org_id).fetch_all(c).await?);
    for row in rows {
        let e: Employee = row.try_into()?;
        let sql = "update employees set search_text = $1 where id = $2";
        on!(conn, c => sqlx::query(sql).bind(e.fields.search_text()).bind(e.id).execute(c).await?.rows_affected());
    }
    Ok(())
}

//! Leads: list, get, create, update, delete, status changes, score, assignment, figures.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{now, page_of_ids, parse_stored, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::lead::{Lead, LeadFields, LeadFilter, LeadStats, LeadStatus};
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::error::AppError;
use crate::on;
use crate::server::auth::caller::Scope;
use crate::server::db::Conn;

#[derive(FromRow)]
struct LeadRow {
    id: i64,
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone: Option<String>,
    company: Option<String>,
    job_title: Option<String>,
    source: String,
    status: String,
    score: i64,
    estimated_value_minor: Option<i64>,
    currency: String,
    assigned_to: Option<i64>,
    assigned_to_name: Option<String>,
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    notes: Option<String>,
    disqualify_reason: Option<String>,
    converted_customer_id: Option<i64>,
    converted_at: Option<DateTime<Utc>>,
    created_by: Option<i64>,
    updated_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<LeadRow> for Lead {
    type Error = AppError;
    fn try_from(r: LeadRow) -> Result<Self, AppError> {
        Ok(Lead {
            id: r.id,
            fields: LeadFields {
                first_name: r.first_name,
                last_name: r.last_name,
                email: r.email,
                phone: r.phone,
                company: r.company,
                job_title: r.job_title,
                source: parse_stored(&r.source)?,
                score: r.score,
                estimated_value: r.estimated_value_minor.map(|m| money::from_minor(m, &r.currency)),
                assigned_to: r.assigned_to,
                street: r.street,
                city: r.city,
                state: r.state,
                postal_code: r.postal_code,
                country: r.country,
                notes: r.notes,
            },
            status: parse_stored(&r.status)?,
            disqualify_reason: r.disqualify_reason,
            converted_customer_id: r.converted_customer_id,
            converted_at: r.converted_at,
            assigned_to_name: r.assigned_to_name.filter(|n| !n.is_empty()),
            currency: r.currency,
            created_by: r.created_by,
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

const SELECT: &str = "select l.id, l.first_name, l.last_name, l.email, l.phone, l.company, l.job_title, l.source,
    l.status, l.score, l.estimated_value_minor, l.currency, l.assigned_to,
    trim(e.first_name || ' ' || e.last_name) as assigned_to_name, l.street, l.city, l.state, l.postal_code,
    l.country, l.notes, l.disqualify_reason, l.converted_customer_id, l.converted_at, l.created_by, l.updated_by,
    l.created_at, l.updated_at, l.version
    from leads l left join employees e on e.id = l.assigned_to";

/// `where` clause for the organization, the caller's scope and the filters (shared by the
/// page query and the count).
fn filtered(mut sql: Sql, search: &Search, org_id: i64, scope: Scope, filter: &LeadFilter) -> Sql {
    sql.push_with(" where l.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    if let Some(status) = filter.status {
        sql.push_with(" and l.status = ?", Arg::Text(status.as_str().into()));
    }
    if let Some(source) = filter.source {
        sql.push_with(" and l.source = ?", Arg::Text(source.as_str().into()));
    }
    if let Some(id) = filter.assigned_to {
        sql.push_with(" and l.assigned_to = ?", Arg::Int(id));
    }
    if let Some(min) = filter.score_min {
        sql.push_with(" and l.score >= ?", Arg::Int(min));
    }
    if let Some(max) = filter.score_max {
        sql.push_with(" and l.score <= ?", Arg::Int(max));
    }
    search.push(&mut sql, "l");
    sql
}

/// Limits a query on `leads l` to what the caller may see.
pub(crate) fn restrict(sql: &mut Sql, scope: Scope) {
    super::restrict(sql, scope, " and l.assigned_to = ?", None);
}

/// The column behind a sortable field name of `lead::SORTABLE`.
fn order_column(field: &'static str) -> &'static str {
    match field {
        "estimated_value" => "estimated_value_minor",
        other => other,
    }
}

/// One page of leads, and how many match in all.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    filter: &LeadFilter,
    params: &ListParams,
) -> Result<(Vec<Lead>, i64), AppError> {
    let dir = if params.descending { "desc" } else { "asc" };
    // `order_by` is one of the whitelisted names of `lead::SORTABLE`, never client text.
    let order = format!(" order by l.{} {dir}, l.id {dir}", order_column(params.order_by));

    // The page's ids come first; only those rows are then loaded with their joins.
    let search = Search::prepare(conn, "leads", org_id, filter.search.as_deref()).await?;
    let mut page = filtered(Sql::new("select l.id from leads l"), &search, org_id, scope, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || filtered(Sql::new("select count(*) from leads l"), &search, org_id, scope, filter);
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), count));
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where l.id in ({})", placeholders.join(", ")));
    sql.push_with(" and l.organization_id = ?", Arg::Int(org_id));
    sql.push(&order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, LeadRow>(&sql.text), &sql.args).fetch_all(c).await?);
    let leads = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>, _>>()?;
    Ok((leads, count))
}

/// One lead of the organization, within the caller's scope; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, scope: Scope, id: i64) -> Result<Lead, AppError> {
    let mut sql = Sql::new(SELECT);
    sql.push_with(" where l.id = ?", Arg::Int(id));
    sql.push_with(" and l.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    let row = on!(conn, c => bind_args!(sqlx::query_as::<_, LeadRow>(&sql.text), &sql.args).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

#[tracing::instrument(skip(conn, f))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    currency: &str,
    f: &LeadFields,
    status: LeadStatus,
) -> Result<i64, AppError> {
    let now = now();
    let value = f.estimated_value.map(|d| money::to_minor(d, currency));
    let search = f.search_text();
    let sql = "insert into leads (organization_id, first_name, last_name, email, phone, company, job_title, source, status,
               score, estimated_value_minor, currency, assigned_to, street, city, state, postal_code, country, notes,
               created_by, updated_by, created_at, updated_at, version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21, $21, 1, $22)
               returning id";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&f.first_name).bind(&f.last_name).bind(&f.email).bind(&f.phone).bind(&f.company)
        .bind(&f.job_title).bind(f.source.as_str()).bind(status.as_str()).bind(f.score).bind(value).bind(currency)
        .bind(f.assigned_to).bind(&f.street).bind(&f.city).bind(&f.state).bind(&f.postal_code).bind(&f.country)
        .bind(&f.notes).bind(user_id).bind(now).bind(&search)
        .fetch_one(c).await?))
}

/// Writes all editable fields and the status of a lead (the disqualify reason is kept only
/// while the lead stays unqualified); `Conflict` when `expected_version` is stale.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip(conn, f))]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    currency: &str,
    f: &LeadFields,
    status: LeadStatus,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let value = f.estimated_value.map(|d| money::to_minor(d, currency));
    let search = f.search_text();
    let sql = "update leads set first_name = $1, last_name = $2, email = $3, phone = $4, company = $5, job_title = $6,
               source = $7, status = $8, score = $9, estimated_value_minor = $10, assigned_to = $11, street = $12,
               city = $13, state = $14, postal_code = $15, country = $16, notes = $17, updated_by = $18, updated_at = $19,
               disqualify_reason = case when status = 'unqualified' and $8 = 'unqualified' then disqualify_reason end,
               version = version + 1, search_text = $20
               where id = $21 and organization_id = $22 and ($23 = 0 or version = $23)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.first_name).bind(&f.last_name).bind(&f.email).bind(&f.phone).bind(&f.company).bind(&f.job_title)
        .bind(f.source.as_str()).bind(status.as_str()).bind(f.score).bind(value).bind(f.assigned_to).bind(&f.street)
        .bind(&f.city).bind(&f.state).bind(&f.postal_code).bind(&f.country).bind(&f.notes).bind(user_id).bind(now)
        .bind(&search).bind(id).bind(org_id).bind(expected_version.unwrap_or(0))
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this lead was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

/// Qualifies (`reason` none) or disqualifies (with the reason) a lead that is not converted;
/// `Conflict` when it is.
pub async fn set_status(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    status: LeadStatus,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let now = now();
    let sql =
        "update leads set status = $1, disqualify_reason = $2, updated_by = $3, updated_at = $4, version = version + 1
               where id = $5 and organization_id = $6 and status <> 'converted'";
    let done = on!(conn, c => sqlx::query(sql).bind(status.as_str()).bind(reason).bind(user_id).bind(now)
        .bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::Conflict("this lead has been converted; its status no longer changes".into()))
    } else {
        Ok(())
    }
}

/// Sets the score (0–100, validated by the caller).
pub async fn set_score(conn: &mut Conn, org_id: i64, id: i64, user_id: i64, score: i64) -> Result<(), AppError> {
    let now = now();
    let sql = "update leads set score = $1, updated_by = $2, updated_at = $3, version = version + 1
               where id = $4 and organization_id = $5";
    let done = on!(conn, c => sqlx::query(sql).bind(score).bind(user_id).bind(now).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// Assigns the lead to an employee (checked by the caller to be of the organization), or to nobody.
pub async fn assign(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    assigned_to: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let sql = "update leads set assigned_to = $1, updated_by = $2, updated_at = $3, version = version + 1
               where id = $4 and organization_id = $5";
    let done = on!(conn, c => sqlx::query(sql).bind(assigned_to).bind(user_id).bind(now).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// Deletes a lead and its activities (deals made from it keep existing, unlinked).
pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from leads where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// Counts by status and source, conversion rate and average score, within the caller's scope.
#[tracing::instrument(skip(conn))]
pub async fn stats(conn: &mut Conn, org_id: i64, scope: Scope) -> Result<LeadStats, AppError> {
    let mut sql =
        Sql::new("select l.status, l.source, count(*), cast(coalesce(sum(l.score), 0) as bigint) from leads l");
    sql.push_with(" where l.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(" group by l.status, l.source");
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, (String, String, i64, i64)>(&sql.text), &sql.args)
        .fetch_all(c).await?);
    Ok(LeadStats::from_groups(rows))
}

/// Marks a lead converted into `customer_id`. `Conflict` when it already was: the status test
/// in the `where` clause makes a second, concurrent conversion find nothing to update.
pub async fn mark_converted(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    customer_id: i64,
) -> Result<(), AppError> {
    let now = now();
    let sql = "update leads set status = 'converted', converted_customer_id = $1, converted_at = $2, disqualify_reason = null,
               updated_by = $3, updated_at = $2, version = version + 1
               where id = $4 and organization_id = $5 and status <> 'converted'";
    let done = on!(conn, c => sqlx::query(sql).bind(customer_id).bind(now).bind(user_id).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::Conflict("this lead has already been converted".into()))
    } else {
        Ok(())
    }
}

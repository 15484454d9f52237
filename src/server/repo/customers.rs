//! Customers and their notes.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use sqlx::FromRow;

use super::{now, page_of_ids, parse_stored, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::customer::{Customer, CustomerFields, CustomerFilter, CustomerNote, CustomerStats, CustomerStatus};
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::error::AppError;
use crate::on;
use crate::server::auth::caller::Scope;
use crate::server::db::Conn;

#[derive(FromRow)]
struct CustomerRow {
    id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    company_name: Option<String>,
    customer_type: String,
    status: String,
    industry: Option<String>,
    website: Option<String>,
    source: Option<String>,
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    tags: String,
    assigned_to: Option<i64>,
    assigned_to_name: Option<String>,
    credit_limit_minor: Option<i64>,
    currency: String,
    notes: Option<String>,
    created_by: Option<i64>,
    updated_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<CustomerRow> for Customer {
    type Error = AppError;
    fn try_from(r: CustomerRow) -> Result<Self, AppError> {
        Ok(Customer {
            id: r.id,
            fields: CustomerFields {
                name: r.name,
                email: r.email,
                phone: r.phone,
                company_name: r.company_name,
                customer_type: parse_stored(&r.customer_type)?,
                status: parse_stored(&r.status)?,
                industry: r.industry,
                website: r.website,
                source: r.source,
                street: r.street,
                city: r.city,
                state: r.state,
                postal_code: r.postal_code,
                country: r.country,
                tags: serde_json::from_str(&r.tags).unwrap_or_default(),
                assigned_to: r.assigned_to,
                credit_limit: r.credit_limit_minor.map(|m| money::from_minor(m, &r.currency)),
                notes: r.notes,
            },
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

const SELECT: &str =
    "select c.id, c.name, c.email, c.phone, c.company_name, c.customer_type, c.status, c.industry, c.website,
    c.source, c.street, c.city, c.state, c.postal_code, c.country, c.tags, c.assigned_to,
    trim(e.first_name || ' ' || e.last_name) as assigned_to_name, c.credit_limit_minor, c.currency, c.notes,
    c.created_by, c.updated_by, c.created_at, c.updated_at, c.version
    from customers c left join employees e on e.id = c.assigned_to";

/// `where` clause for the organization, the caller's scope and the filters (shared by the
/// page query and the count).
fn filtered(mut sql: Sql, search: &Search, org_id: i64, scope: Scope, filter: &CustomerFilter) -> Sql {
    sql.push_with(" where c.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    if let Some(status) = filter.status {
        sql.push_with(" and c.status = ?", Arg::Text(status.as_str().into()));
    }
    if let Some(t) = filter.customer_type {
        sql.push_with(" and c.customer_type = ?", Arg::Text(t.as_str().into()));
    }
    if let Some(id) = filter.assigned_to {
        sql.push_with(" and c.assigned_to = ?", Arg::Int(id));
    }
    search.push(&mut sql, "c");
    sql
}

/// Limits a query on `customers c` to what the caller may see.
pub(crate) fn restrict(sql: &mut Sql, scope: Scope) {
    super::restrict(sql, scope, " and c.assigned_to = ?", Some(" and c.id = ?"));
}

/// One page of customers, and how many match in all.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    filter: &CustomerFilter,
    params: &ListParams,
) -> Result<(Vec<Customer>, i64), AppError> {
    let search = Search::prepare(conn, "customers", org_id, filter.search.as_deref()).await?;
    let dir = if params.descending { "desc" } else { "asc" };
    // `order_by` is one of the whitelisted names of `customer::SORTABLE`, never client text.
    let order = format!(" order by c.{} {dir}, c.id {dir}", params.order_by);
    // The page's ids come from the indexes first; only those rows are then loaded, so deep
    // pages skip index entries instead of whole joined rows.
    let mut page = filtered(Sql::new("select c.id from customers c"), &search, org_id, scope, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || {
        if scope == Scope::All && filter.search.is_none() && filter.assigned_to.is_none() {
            // Only organization, status and type: the maintained counts answer without counting rows.
            let mut sql = Sql::new("select cast(coalesce(sum(n), 0) as bigint) from customer_counts c");
            sql.push_with(" where c.organization_id = ?", Arg::Int(org_id));
            if let Some(status) = filter.status {
                sql.push_with(" and c.status = ?", Arg::Text(status.as_str().into()));
            }
            if let Some(t) = filter.customer_type {
                sql.push_with(" and c.customer_type = ?", Arg::Text(t.as_str().into()));
            }
            sql
        } else {
            filtered(Sql::new("select count(*) from customers c"), &search, org_id, scope, filter)
        }
    };
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), count));
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where c.id in ({})", placeholders.join(", ")));
    sql.push_with(" and c.organization_id = ?", Arg::Int(org_id));
    sql.push(&order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, CustomerRow>(&sql.text), &sql.args).fetch_all(c).await?);
    let customers = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>, _>>()?;
    Ok((customers, count))
}

/// One customer of the organization, within the caller's scope; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, scope: Scope, id: i64) -> Result<Customer, AppError> {
    let mut sql = Sql::new(SELECT);
    sql.push_with(" where c.id = ?", Arg::Int(id));
    sql.push_with(" and c.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    let row =
        on!(conn, c => bind_args!(sqlx::query_as::<_, CustomerRow>(&sql.text), &sql.args).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

#[tracing::instrument(skip(conn, f))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    currency: &str,
    f: &CustomerFields,
) -> Result<i64, AppError> {
    let now = now();
    let tags = serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into());
    let credit = f.credit_limit.map(|d| money::to_minor(d, currency));
    let search = f.search_text();
    let sql = "insert into customers (organization_id, name, email, phone, company_name, customer_type, status, industry, website,
               source, street, city, state, postal_code, country, tags, assigned_to, credit_limit_minor, currency, notes,
               created_by, updated_by, created_at, updated_at, version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21, $22, $22, 1, $23)
               returning id";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&f.name).bind(&f.email).bind(&f.phone).bind(&f.company_name)
        .bind(f.customer_type.as_str()).bind(f.status.as_str()).bind(&f.industry).bind(&f.website).bind(&f.source)
        .bind(&f.street).bind(&f.city).bind(&f.state).bind(&f.postal_code).bind(&f.country).bind(&tags)
        .bind(f.assigned_to).bind(credit).bind(currency).bind(&f.notes).bind(user_id).bind(now).bind(&search)
        .fetch_one(c).await?))
}

/// Writes all editable fields of a customer; `Conflict` when `expected_version` is stale.
#[tracing::instrument(skip(conn, f))]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    currency: &str,
    f: &CustomerFields,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let tags = serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into());
    let credit = f.credit_limit.map(|d| money::to_minor(d, currency));
    let search = f.search_text();
    let sql = "update customers set name = $1, email = $2, phone = $3, company_name = $4, customer_type = $5, status = $6,
               industry = $7, website = $8, source = $9, street = $10, city = $11, state = $12, postal_code = $13, country = $14,
               tags = $15, assigned_to = $16, credit_limit_minor = $17, notes = $18, updated_by = $19, updated_at = $20,
               version = version + 1, search_text = $24
               where id = $21 and organization_id = $22 and ($23 = 0 or version = $23)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.name).bind(&f.email).bind(&f.phone).bind(&f.company_name).bind(f.customer_type.as_str()).bind(f.status.as_str())
        .bind(&f.industry).bind(&f.website).bind(&f.source).bind(&f.street).bind(&f.city).bind(&f.state).bind(&f.postal_code)
        .bind(&f.country).bind(&tags).bind(f.assigned_to).bind(credit).bind(&f.notes).bind(user_id).bind(now)
        .bind(id).bind(org_id).bind(expected_version.unwrap_or(0)).bind(&search)
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this customer was changed by someone else; reload and try again".into()));
    }
    // Deals are found by their customer's name too.
    super::deals::set_customer_name(conn, org_id, id, Some(&f.name)).await
}

/// Sets the status (activate/deactivate).
pub async fn set_status(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    status: CustomerStatus,
) -> Result<(), AppError> {
    let now = now();
    let sql = "update customers set status = $1, updated_by = $2, updated_at = $3, version = version + 1 where id = $4 and organization_id = $5";
    let done = on!(conn, c => sqlx::query(sql).bind(status.as_str()).bind(user_id).bind(now).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    // The customer's deals stay (without a customer) and are no longer found by its name.
    super::deals::set_customer_name(conn, org_id, id, None).await?;
    let sql = "delete from customers where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

#[derive(FromRow)]
struct NoteRow {
    id: i64,
    customer_id: i64,
    author_id: Option<i64>,
    author_name: Option<String>,
    body: String,
    created_at: DateTime<Utc>,
}

impl From<NoteRow> for CustomerNote {
    fn from(r: NoteRow) -> Self {
        CustomerNote {
            id: r.id,
            customer_id: r.customer_id,
            author_id: r.author_id,
            author_name: r.author_name,
            body: r.body,
            created_at: r.created_at,
        }
    }
}

const NOTE_SELECT: &str = "select n.id, n.customer_id, n.author_id, trim(u.first_name || ' ' || u.last_name) as author_name, n.body, n.created_at
    from customer_notes n left join users u on u.id = n.author_id";

/// Adds a note to a customer (the caller has already checked the customer is theirs to see).
pub async fn add_note(
    conn: &mut Conn,
    org_id: i64,
    customer_id: i64,
    author_id: i64,
    body: &str,
) -> Result<CustomerNote, AppError> {
    let now = now();
    let sql = "insert into customer_notes (organization_id, customer_id, author_id, body, created_at) values ($1, $2, $3, $4, $5) returning id";
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(org_id).bind(customer_id).bind(author_id).bind(body).bind(now).fetch_one(c).await?);
    let sql = format!("{NOTE_SELECT} where n.id = $1");
    let row = on!(conn, c => sqlx::query_as::<_, NoteRow>(&sql).bind(id).fetch_one(c).await?);
    Ok(row.into())
}

/// A customer's notes, newest first.
pub async fn notes(conn: &mut Conn, org_id: i64, customer_id: i64) -> Result<Vec<CustomerNote>, AppError> {
    let sql = format!(
        "{NOTE_SELECT} where n.customer_id = $1 and n.organization_id = $2 order by n.created_at desc, n.id desc"
    );
    let rows = on!(conn, c => sqlx::query_as::<_, NoteRow>(&sql).bind(customer_id).bind(org_id).fetch_all(c).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Counts by status and type, and customers created since the start of this month (UTC).
#[tracing::instrument(skip(conn))]
pub async fn stats(conn: &mut Conn, org_id: i64, scope: Scope) -> Result<CustomerStats, AppError> {
    let mut stats = CustomerStats::default();
    let sql = match scope {
        Scope::All => {
            let mut sql = Sql::new("select c.status, c.customer_type, c.n from customer_counts c");
            sql.push_with(" where c.organization_id = ? and c.n > 0", Arg::Int(org_id));
            sql
        }
        Scope::AssignedTo(_) | Scope::OfCustomer(_) => {
            let mut sql = Sql::new("select c.status, c.customer_type, count(*) from customers c");
            sql.push_with(" where c.organization_id = ?", Arg::Int(org_id));
            restrict(&mut sql, scope);
            sql.push(" group by c.status, c.customer_type");
            sql
        }
    };
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, (String, String, i64)>(&sql.text), &sql.args).fetch_all(c).await?);
    for (status, kind, n) in rows {
        *stats.by_status.entry(status).or_default() += n;
        *stats.by_type.entry(kind).or_default() += n;
        stats.total += n;
    }
    let today = Utc::now().date_naive();
    let month_start = Utc.with_ymd_and_hms(today.year(), today.month(), 1, 0, 0, 0).single().unwrap_or_else(Utc::now);
    let mut sql = Sql::new("select count(*) from customers c");
    sql.push_with(" where c.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push_with(" and c.created_at >= ?", Arg::Time(month_start));
    stats.new_this_month =
        on!(conn, c => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_one(c).await?);
    Ok(stats)
}

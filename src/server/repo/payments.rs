//! Payments. Amounts are stored in minor units of the payment's currency.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::FromRow;

use super::{now, numbers, page_of_ids, parse_stored, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::domain::number::NumberKind;
use crate::domain::payment::{
    CountAmount, Payment, PaymentFields, PaymentFilter, PaymentMethod, PaymentStats, PaymentStatus, PaymentType,
};
use crate::error::AppError;
use crate::on;
use crate::server::auth::caller::Scope;
use crate::server::db::Conn;

#[derive(FromRow)]
struct PaymentRow {
    id: i64,
    number: String,
    order_id: Option<i64>,
    vendor_id: Option<i64>,
    customer_id: Option<i64>,
    amount_minor: i64,
    currency: String,
    payment_type: String,
    payment_method: String,
    status: String,
    payment_date: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    invoice_number: Option<String>,
    reference_number: Option<String>,
    transaction_id: Option<String>,
    notes: Option<String>,
    failure_reason: Option<String>,
    processed_by: Option<i64>,
    processed_at: Option<DateTime<Utc>>,
    created_by: Option<i64>,
    updated_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    order_number: Option<String>,
    vendor_name: Option<String>,
    customer_name: Option<String>,
    processed_by_name: Option<String>,
}

impl TryFrom<PaymentRow> for Payment {
    type Error = AppError;
    fn try_from(r: PaymentRow) -> Result<Self, AppError> {
        let status: PaymentStatus = parse_stored(&r.status)?;
        let today = Utc::now().date_naive();
        Ok(Payment {
            id: r.id,
            number: r.number,
            is_overdue: status == PaymentStatus::Pending && r.due_date.is_some_and(|d| d < today),
            fields: PaymentFields {
                order_id: r.order_id,
                vendor_id: r.vendor_id,
                customer_id: r.customer_id,
                amount: money::from_minor(r.amount_minor, &r.currency),
                currency: r.currency,
                payment_type: parse_stored(&r.payment_type)?,
                payment_method: parse_stored(&r.payment_method)?,
                status,
                payment_date: r.payment_date,
                due_date: r.due_date,
                invoice_number: r.invoice_number,
                reference_number: r.reference_number,
                transaction_id: r.transaction_id,
                notes: r.notes,
            },
            order_number: r.order_number,
            vendor_name: r.vendor_name,
            customer_name: r.customer_name,
            processed_by: r.processed_by,
            processed_by_name: r.processed_by_name.filter(|n| !n.is_empty()),
            processed_at: r.processed_at,
            failure_reason: r.failure_reason,
            created_by: r.created_by,
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

const SELECT: &str = "select p.id, p.number, p.order_id, p.vendor_id, p.customer_id, p.amount_minor, p.currency,
    p.payment_type, p.payment_method, p.status, p.payment_date, p.due_date, p.invoice_number, p.reference_number,
    p.transaction_id, p.notes, p.failure_reason, p.processed_by, p.processed_at, p.created_by, p.updated_by,
    p.created_at, p.updated_at, p.version, o.number as order_number, v.name as vendor_name,
    cu.name as customer_name, trim(u.first_name || ' ' || u.last_name) as processed_by_name
    from payments p
    left join orders o on o.id = p.order_id
    left join vendors v on v.id = p.vendor_id
    left join customers cu on cu.id = p.customer_id
    left join users u on u.id = p.processed_by";

/// Limits a query on `payments p` to what the caller may see: without `view_all`, the
/// payments of orders assigned to them.
pub(crate) fn restrict(sql: &mut Sql, scope: Scope) {
    super::restrict(
        sql,
        scope,
        " and p.order_id in (select so.id from orders so where so.assigned_to = ?)",
        Some(" and p.customer_id = ?"),
    );
}

fn filtered(mut sql: Sql, search: &Search, org_id: i64, scope: Scope, today: NaiveDate, filter: &PaymentFilter) -> Sql {
    sql.push_with(" where p.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    if let Some(id) = filter.vendor {
        sql.push_with(" and p.vendor_id = ?", Arg::Int(id));
    }
    if let Some(id) = filter.customer {
        sql.push_with(" and p.customer_id = ?", Arg::Int(id));
    }
    if let Some(id) = filter.order {
        sql.push_with(" and p.order_id = ?", Arg::Int(id));
    }
    if let Some(t) = filter.payment_type {
        sql.push_with(" and p.payment_type = ?", Arg::Text(t.as_str().into()));
    }
    if let Some(m) = filter.payment_method {
        sql.push_with(" and p.payment_method = ?", Arg::Text(m.as_str().into()));
    }
    if let Some(s) = filter.status {
        sql.push_with(" and p.status = ?", Arg::Text(s.as_str().into()));
    }
    if let Some(d) = filter.due_from {
        sql.push_with(" and p.due_date >= ?", Arg::Date(d));
    }
    if let Some(d) = filter.due_to {
        sql.push_with(" and p.due_date <= ?", Arg::Date(d));
    }
    if filter.overdue {
        sql.push_with(" and p.status = 'pending' and p.due_date < ?", Arg::Date(today));
    }
    search.push(&mut sql, "p");
    sql
}

/// `order by` for a whitelisted field of `payment::SORTABLE` (never client text); ties by id.
fn order_clause(params: &ListParams) -> String {
    let dir = if params.descending { "desc" } else { "asc" };
    let nullable = |col: &str| format!(" order by ({col} is null), {col} {dir}, p.id {dir}");
    match params.order_by {
        "payment_date" => nullable("p.payment_date"),
        "due_date" => nullable("p.due_date"),
        "processed_at" => nullable("p.processed_at"),
        name => {
            let column = match name {
                "number" => "p.number",
                "amount" => "p.amount_minor",
                "status" => "p.status",
                "updated_at" => "p.updated_at",
                _ => "p.created_at",
            };
            format!(" order by {column} {dir}, p.id {dir}")
        }
    }
}

/// One page of payments, and how many match in all; `today` decides what is overdue.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    today: NaiveDate,
    filter: &PaymentFilter,
    params: &ListParams,
) -> Result<(Vec<Payment>, i64), AppError> {
    let search = Search::prepare(conn, "payments", org_id, filter.search.as_deref()).await?;
    let order = order_clause(params);
    let mut page = filtered(Sql::new("select p.id from payments p"), &search, org_id, scope, today, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || filtered(Sql::new("select count(*) from payments p"), &search, org_id, scope, today, filter);
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), count));
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where p.id in ({})", placeholders.join(", ")));
    sql.push_with(" and p.organization_id = ?", Arg::Int(org_id));
    sql.push(&order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, PaymentRow>(&sql.text), &sql.args).fetch_all(c).await?);
    let payments = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>, _>>()?;
    Ok((payments, count))
}

/// One payment of the organization, within the caller's scope; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, scope: Scope, id: i64) -> Result<Payment, AppError> {
    let mut sql = Sql::new(SELECT);
    sql.push_with(" where p.id = ?", Arg::Int(id));
    sql.push_with(" and p.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    let row =
        on!(conn, c => bind_args!(sqlx::query_as::<_, PaymentRow>(&sql.text), &sql.args).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

/// Creates a payment numbered `PAY-<year of today>-NNNN` and returns its id.
#[tracing::instrument(skip(conn, f))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    today: NaiveDate,
    f: &PaymentFields,
) -> Result<i64, AppError> {
    let number = numbers::next(conn, org_id, NumberKind::Payment, today.year()).await?;
    let now = now();
    let search = f.search_text(&number);
    let sql = "insert into payments (organization_id, number, order_id, vendor_id, customer_id, amount_minor, currency,
               payment_type, payment_method, status, payment_date, due_date, invoice_number, reference_number,
               transaction_id, notes, created_by, updated_by, created_at, updated_at, version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $18, 1, $19)
               returning id";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&number).bind(f.order_id).bind(f.vendor_id).bind(f.customer_id)
        .bind(money::to_minor(f.amount, &f.currency)).bind(&f.currency).bind(f.payment_type.as_str())
        .bind(f.payment_method.as_str()).bind(f.status.as_str()).bind(f.payment_date).bind(f.due_date)
        .bind(&f.invoice_number).bind(&f.reference_number).bind(&f.transaction_id).bind(&f.notes)
        .bind(user_id).bind(now).bind(&search)
        .fetch_one(c).await?))
}

/// Writes all editable fields of a payment; `Conflict` when `expected_version` is stale.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip(conn, f))]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    number: &str,
    f: &PaymentFields,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let search = f.search_text(number);
    let sql = "update payments set order_id = $1, vendor_id = $2, customer_id = $3, amount_minor = $4, currency = $5,
               payment_type = $6, payment_method = $7, status = $8, payment_date = $9, due_date = $10,
               invoice_number = $11, reference_number = $12, transaction_id = $13, notes = $14,
               updated_by = $15, updated_at = $16, version = version + 1, search_text = $17
               where id = $18 and organization_id = $19 and ($20 = 0 or version = $20)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(f.order_id).bind(f.vendor_id).bind(f.customer_id).bind(money::to_minor(f.amount, &f.currency))
        .bind(&f.currency).bind(f.payment_type.as_str()).bind(f.payment_method.as_str()).bind(f.status.as_str())
        .bind(f.payment_date).bind(f.due_date).bind(&f.invoice_number).bind(&f.reference_number)
        .bind(&f.transaction_id).bind(&f.notes).bind(user_id).bind(now).bind(&search).bind(id).bind(org_id)
        .bind(expected_version.unwrap_or(0))
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this payment was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

/// Completes a pending, processing or failed payment: `processed_at` now, `processed_by` the
/// user, the failure reason cleared. `Conflict` from any other status.
pub async fn process(conn: &mut Conn, org_id: i64, id: i64, user_id: i64) -> Result<(), AppError> {
    let now = now();
    let sql = "update payments set status = 'completed', processed_at = $1, processed_by = $2, failure_reason = null,
               updated_by = $2, updated_at = $1, version = version + 1
               where id = $3 and organization_id = $4 and status in ('pending', 'processing', 'failed')";
    let done = on!(conn, c => sqlx::query(sql).bind(now).bind(user_id).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done > 0 {
        return Ok(());
    }
    let status = status_of(conn, org_id, id).await?;
    Err(AppError::Conflict(format!("a {} payment cannot be processed", status.as_str())))
}

/// Marks a pending or processing payment failed with `reason`; `Conflict` from any other status.
pub async fn fail(conn: &mut Conn, org_id: i64, id: i64, user_id: i64, reason: &str) -> Result<(), AppError> {
    let now = now();
    let sql = "update payments set status = 'failed', failure_reason = $1, updated_by = $2, updated_at = $3,
               version = version + 1
               where id = $4 and organization_id = $5 and status in ('pending', 'processing')";
    let done = on!(conn, c => sqlx::query(sql).bind(reason).bind(user_id).bind(now).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done > 0 {
        return Ok(());
    }
    let status = status_of(conn, org_id, id).await?;
    Err(AppError::Conflict(format!("a {} payment cannot be marked failed", status.as_str())))
}

async fn status_of(conn: &mut Conn, org_id: i64, id: i64) -> Result<PaymentStatus, AppError> {
    let sql = "select status from payments where id = $1 and organization_id = $2";
    let status = on!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(id).bind(org_id).fetch_optional(c).await?);
    parse_stored(&status.ok_or(AppError::NotFound)?)
}

pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from payments where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// Counts and amounts (in `currency`; payments in other currencies are counted, not summed)
/// by status, type and method, and overdue (pending, due before `today`), within the scope.
#[tracing::instrument(skip(conn))]
pub async fn stats(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    currency: &str,
    today: NaiveDate,
) -> Result<PaymentStats, AppError> {
    let mut sql = Sql::new("select p.status, p.payment_type, p.payment_method, p.currency,");
    sql.push_with(
        " cast(case when p.status = 'pending' and p.due_date < ? then 1 else 0 end as bigint) as overdue,",
        Arg::Date(today),
    );
    sql.push(" count(*), cast(coalesce(sum(p.amount_minor), 0) as bigint) from payments p");
    sql.push_with(" where p.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(" group by p.status, p.payment_type, p.payment_method, p.currency, 5");
    type Group = (String, String, String, String, i64, i64, i64);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, Group>(&sql.text), &sql.args).fetch_all(c).await?);
    // Zero with the currency's decimals ("0.00"), like every other amount.
    let none = CountAmount { count: 0, amount: money::from_minor(0, currency) };
    let zero = |names: Vec<&str>| -> BTreeMap<String, CountAmount> {
        names.into_iter().map(|n| (n.to_owned(), none.clone())).collect()
    };
    let mut stats = PaymentStats {
        currency: currency.to_owned(),
        total_amount: none.amount,
        overdue: none.clone(),
        by_status: zero(PaymentStatus::ALL.iter().map(|s| s.as_str()).collect()),
        by_type: zero(PaymentType::ALL.iter().map(|s| s.as_str()).collect()),
        by_method: zero(PaymentMethod::ALL.iter().map(|s| s.as_str()).collect()),
        ..PaymentStats::default()
    };
    for (status, kind, method, cur, overdue, n, total) in rows {
        let amount = if cur == currency { money::from_minor(total, &cur) } else { rust_decimal::Decimal::ZERO };
        let add = |slot: &mut CountAmount| {
            slot.count += n;
            slot.amount += amount;
        };
        stats.total_count += n;
        stats.total_amount += amount;
        add(stats.by_status.entry(status).or_insert_with(|| none.clone()));
        add(stats.by_type.entry(kind).or_insert_with(|| none.clone()));
        add(stats.by_method.entry(method).or_insert_with(|| none.clone()));
        if overdue == 1 {
            add(&mut stats.overdue);
        }
    }
    Ok(stats)
}

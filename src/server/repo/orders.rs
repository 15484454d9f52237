//! Orders and their line items.
//!
//! Amounts are stored in minor units of the order's currency, quantities in thousandths; the
//! order's `total_minor` is written with its items, in the same transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::FromRow;

use super::{now, numbers, page_of_ids, parse_stored, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::domain::number::NumberKind;
use crate::domain::order::{
    order_total, Order, OrderFields, OrderFilter, OrderItem, OrderItemFields, OrderStats, OrderStatus, OrderType,
};
use crate::error::AppError;
use crate::on;
use crate::server::auth::caller::Scope;
use crate::server::db::Conn;

#[derive(FromRow)]
struct OrderRow {
    id: i64,
    number: String,
    title: String,
    description: Option<String>,
    order_type: String,
    status: String,
    vendor_id: Option<i64>,
    customer_id: Option<i64>,
    order_date: NaiveDate,
    delivery_date: Option<NaiveDate>,
    currency: String,
    total_minor: i64,
    assigned_to: Option<i64>,
    completed_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    created_by: Option<i64>,
    updated_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    item_count: i64,
    vendor_name: Option<String>,
    customer_name: Option<String>,
    assigned_to_name: Option<String>,
}

impl TryFrom<OrderRow> for Order {
    type Error = AppError;
    fn try_from(r: OrderRow) -> Result<Self, AppError> {
        Ok(Order {
            id: r.id,
            number: r.number,
            total_amount: money::from_minor(r.total_minor, &r.currency),
            fields: OrderFields {
                title: r.title,
                description: r.description,
                order_type: parse_stored(&r.order_type)?,
                status: parse_stored(&r.status)?,
                vendor_id: r.vendor_id,
                customer_id: r.customer_id,
                order_date: r.order_date,
                delivery_date: r.delivery_date,
                currency: r.currency,
                assigned_to: r.assigned_to,
            },
            items: Vec::new(),
            item_count: r.item_count,
            vendor_name: r.vendor_name,
            customer_name: r.customer_name,
            assigned_to_name: r.assigned_to_name.filter(|n| !n.is_empty()),
            completed_at: r.completed_at,
            cancelled_at: r.cancelled_at,
            created_by: r.created_by,
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

#[derive(FromRow)]
struct ItemRow {
    id: i64,
    item_name: String,
    description: Option<String>,
    sku: Option<String>,
    quantity_milli: i64,
    unit_price_minor: i64,
    total_minor: i64,
}

impl ItemRow {
    fn into_item(self, currency: &str) -> OrderItem {
        OrderItem {
            id: self.id,
            fields: OrderItemFields {
                item_name: self.item_name,
                description: self.description,
                sku: self.sku,
                quantity: from_milli(self.quantity_milli),
                unit_price: money::from_minor(self.unit_price_minor, currency),
                total_price: money::from_minor(self.total_minor, currency),
            },
        }
    }
}

/// A quantity in thousandths (quantities have at most 3 decimal places).
fn to_milli(q: Decimal) -> i64 {
    i64::try_from((q * Decimal::from(1000)).round()).unwrap_or(i64::MAX)
}

fn from_milli(m: i64) -> Decimal {
    Decimal::new(m, 3).normalize()
}

const SELECT: &str = "select o.id, o.number, o.title, o.description, o.order_type, o.status, o.vendor_id,
    o.customer_id, o.order_date, o.delivery_date, o.currency, o.total_minor, o.assigned_to, o.completed_at,
    o.cancelled_at, o.created_by, o.updated_by, o.created_at, o.updated_at, o.version,
    (select count(*) from order_items i where i.order_id = o.id) as item_count,
    v.name as vendor_name, cu.name as customer_name,
    trim(e.first_name || ' ' || e.last_name) as assigned_to_name
    from orders o
    left join vendors v on v.id = o.vendor_id
    left join customers cu on cu.id = o.customer_id
    left join employees e on e.id = o.assigned_to";

/// Limits a query on `orders o` to what the caller may see.
pub(crate) fn restrict(sql: &mut Sql, scope: Scope) {
    super::restrict(sql, scope, " and o.assigned_to = ?", Some(" and o.customer_id = ?"));
}

fn filtered(mut sql: Sql, search: &Search, org_id: i64, scope: Scope, filter: &OrderFilter) -> Sql {
    sql.push_with(" where o.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    if let Some(id) = filter.vendor {
        sql.push_with(" and o.vendor_id = ?", Arg::Int(id));
    }
    if let Some(id) = filter.customer {
        sql.push_with(" and o.customer_id = ?", Arg::Int(id));
    }
    if let Some(t) = filter.order_type {
        sql.push_with(" and o.order_type = ?", Arg::Text(t.as_str().into()));
    }
    if let Some(s) = filter.status {
        sql.push_with(" and o.status = ?", Arg::Text(s.as_str().into()));
    }
    if let Some(id) = filter.assigned_to {
        sql.push_with(" and o.assigned_to = ?", Arg::Int(id));
    }
    if let Some(d) = filter.date_from {
        sql.push_with(" and o.order_date >= ?", Arg::Date(d));
    }
    if let Some(d) = filter.date_to {
        sql.push_with(" and o.order_date <= ?", Arg::Date(d));
    }
    search.push(&mut sql, "o");
    sql
}

/// `order by` for a whitelisted field of `order::SORTABLE` (never client text); ties by id.
fn order_clause(params: &ListParams) -> String {
    let dir = if params.descending { "desc" } else { "asc" };
    match params.order_by {
        "delivery_date" => format!(" order by (o.delivery_date is null), o.delivery_date {dir}, o.id {dir}"),
        name => {
            let column = match name {
                "number" => "o.number",
                "title" => "o.title",
                "order_date" => "o.order_date",
                "total_amount" => "o.total_minor",
                "status" => "o.status",
                "updated_at" => "o.updated_at",
                _ => "o.created_at",
            };
            format!(" order by {column} {dir}, o.id {dir}")
        }
    }
}

/// One page of orders (without items), and how many match in all.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    filter: &OrderFilter,
    params: &ListParams,
) -> Result<(Vec<Order>, i64), AppError> {
    let search = Search::prepare(conn, "orders", org_id, filter.search.as_deref()).await?;
    let order = order_clause(params);
    let mut page = filtered(Sql::new("select o.id from orders o"), &search, org_id, scope, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || filtered(Sql::new("select count(*) from orders o"), &search, org_id, scope, filter);
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), count));
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where o.id in ({})", placeholders.join(", ")));
    sql.push_with(" and o.organization_id = ?", Arg::Int(org_id));
    sql.push(&order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, OrderRow>(&sql.text), &sql.args).fetch_all(c).await?);
    let orders = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>, _>>()?;
    Ok((orders, count))
}

/// One order of the organization with its items, within the caller's scope; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, scope: Scope, id: i64) -> Result<Order, AppError> {
    let mut sql = Sql::new(SELECT);
    sql.push_with(" where o.id = ?", Arg::Int(id));
    sql.push_with(" and o.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    let row = on!(conn, c => bind_args!(sqlx::query_as::<_, OrderRow>(&sql.text), &sql.args).fetch_optional(c).await?);
    let mut order: Order = row.ok_or(AppError::NotFound)?.try_into()?;
    let sql = "select id, item_name, description, sku, quantity_milli, unit_price_minor, total_minor
               from order_items where order_id = $1 and organization_id = $2 order by position, id";
    let rows = on!(conn, c => sqlx::query_as::<_, ItemRow>(sql).bind(id).bind(org_id).fetch_all(c).await?);
    order.items = rows.into_iter().map(|r| r.into_item(&order.fields.currency)).collect();
    Ok(order)
}

/// What other records need to know about an order of the organization.
#[derive(Debug, Clone)]
pub struct OrderRef {
    pub number: String,
    pub vendor_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub currency: String,
}

/// The number, vendor, customer and currency of an order of the organization; `None` when
/// there is no such order.
pub async fn find_ref(conn: &mut Conn, org_id: i64, id: i64) -> Result<Option<OrderRef>, AppError> {
    let sql = "select number, vendor_id, customer_id, currency from orders where id = $1 and organization_id = $2";
    let row = on!(conn, c => sqlx::query_as::<_, (String, Option<i64>, Option<i64>, String)>(sql)
        .bind(id).bind(org_id).fetch_optional(c).await?);
    Ok(row.map(|(number, vendor_id, customer_id, currency)| OrderRef { number, vendor_id, customer_id, currency }))
}

async fn insert_items(
    conn: &mut Conn,
    org_id: i64,
    order_id: i64,
    currency: &str,
    items: &[OrderItemFields],
) -> Result<(), AppError> {
    let sql = "insert into order_items (organization_id, order_id, position, item_name, description, sku,
               quantity_milli, unit_price_minor, total_minor) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    for (position, item) in items.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        on!(conn, c => sqlx::query(sql)
            .bind(org_id).bind(order_id).bind(position).bind(&item.item_name).bind(&item.description).bind(&item.sku)
            .bind(to_milli(item.quantity)).bind(money::to_minor(item.unit_price, currency))
            .bind(money::to_minor(item.total_price, currency))
            .execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Creates an order and its items, numbered `ORD-<year of today>-NNNN`, and returns its id.
/// The total is the sum of the items' totals (already computed by validation).
#[tracing::instrument(skip(conn, f, items))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    today: NaiveDate,
    f: &OrderFields,
    items: &[OrderItemFields],
) -> Result<i64, AppError> {
    let number = numbers::next(conn, org_id, NumberKind::Order, today.year()).await?;
    let now = now();
    let total = money::to_minor(order_total(items), &f.currency);
    let search = f.search_text(&number);
    let sql = "insert into orders (organization_id, number, title, description, order_type, status, vendor_id,
               customer_id, order_date, delivery_date, currency, total_minor, assigned_to,
               created_by, updated_by, created_at, updated_at, version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $15, 1, $16)
               returning id";
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&number).bind(&f.title).bind(&f.description).bind(f.order_type.as_str())
        .bind(f.status.as_str()).bind(f.vendor_id).bind(f.customer_id).bind(f.order_date).bind(f.delivery_date)
        .bind(&f.currency).bind(total).bind(f.assigned_to).bind(user_id).bind(now).bind(&search)
        .fetch_one(c).await?);
    insert_items(conn, org_id, id, &f.currency, items).await?;
    Ok(id)
}

/// Writes all editable fields of an open order and, with `items`, replaces its items and
/// total. `Conflict` when `expected_version` is stale or the order was closed meanwhile.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip(conn, f, items))]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    number: &str,
    f: &OrderFields,
    items: Option<&[OrderItemFields]>,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let search = f.search_text(number);
    let total = items.map(|items| money::to_minor(order_total(items), &f.currency));
    let sql = "update orders set title = $1, description = $2, order_type = $3, status = $4, vendor_id = $5,
               customer_id = $6, order_date = $7, delivery_date = $8, currency = $9,
               total_minor = coalesce($10, total_minor), assigned_to = $11, updated_by = $12, updated_at = $13,
               version = version + 1, search_text = $14
               where id = $15 and organization_id = $16 and ($17 = 0 or version = $17)
               and status not in ('completed', 'cancelled')";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.title).bind(&f.description).bind(f.order_type.as_str()).bind(f.status.as_str()).bind(f.vendor_id)
        .bind(f.customer_id).bind(f.order_date).bind(f.delivery_date).bind(&f.currency).bind(total)
        .bind(f.assigned_to).bind(user_id).bind(now).bind(&search).bind(id).bind(org_id)
        .bind(expected_version.unwrap_or(0))
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this order was changed by someone else; reload and try again".into()));
    }
    if let Some(items) = items {
        let sql = "delete from order_items where order_id = $1 and organization_id = $2";
        on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
        insert_items(conn, org_id, id, &f.currency, items).await?;
    }
    Ok(())
}

/// Completes or cancels an open order (`to` is completed or cancelled); `Conflict` naming the
/// reason when it is already completed or cancelled.
pub async fn close(conn: &mut Conn, org_id: i64, id: i64, user_id: i64, to: OrderStatus) -> Result<(), AppError> {
    let now = now();
    let sql = "update orders set status = $1,
               completed_at = case when $1 = 'completed' then $2 else completed_at end,
               cancelled_at = case when $1 = 'cancelled' then $2 else cancelled_at end,
               updated_by = $3, updated_at = $2, version = version + 1
               where id = $4 and organization_id = $5 and status not in ('completed', 'cancelled')";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(to.as_str()).bind(now).bind(user_id).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done > 0 {
        return Ok(());
    }
    let sql = "select status from orders where id = $1 and organization_id = $2";
    let status = on!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(id).bind(org_id).fetch_optional(c).await?);
    let status: OrderStatus = parse_stored(&status.ok_or(AppError::NotFound)?)?;
    Err(AppError::Conflict(match (status, to) {
        (OrderStatus::Completed, OrderStatus::Cancelled) => "a completed order cannot be cancelled".into(),
        (OrderStatus::Cancelled, OrderStatus::Completed) => "a cancelled order cannot be completed".into(),
        (s, _) => format!("the order is already {}", s.as_str()),
    }))
}

/// Deletes an order and its items; `Conflict` while payments or issues refer to it.
pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "select (select count(*) from payments where order_id = $1 and organization_id = $2),
                      (select count(*) from issues where order_id = $1 and organization_id = $2)";
    let (payments, issues) =
        on!(conn, c => sqlx::query_as::<_, (i64, i64)>(sql).bind(id).bind(org_id).fetch_one(c).await?);
    if payments > 0 || issues > 0 {
        return Err(AppError::Conflict(format!(
            "this order has {payments} payment(s) and {issues} issue(s); it cannot be deleted while they refer to it \
             (cancel it instead)"
        )));
    }
    let sql = "delete from orders where id = $1 and organization_id = $2";
    match on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await.map(|r| r.rows_affected())) {
        Ok(0) => Err(AppError::NotFound),
        Ok(_) => Ok(()),
        Err(e) if super::is_foreign_key_violation(&e) => {
            Err(AppError::Conflict("payments or issues refer to this order; it cannot be deleted".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Counts by status and type, and revenue (completed sales, service and subscription orders)
/// in `currency` and per currency, within the caller's scope.
#[tracing::instrument(skip(conn))]
pub async fn stats(conn: &mut Conn, org_id: i64, scope: Scope, currency: &str) -> Result<OrderStats, AppError> {
    let mut sql = Sql::new(
        "select o.status, o.order_type, o.currency, count(*), cast(coalesce(sum(o.total_minor), 0) as bigint)
         from orders o",
    );
    sql.push_with(" where o.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(" group by o.status, o.order_type, o.currency");
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, (String, String, String, i64, i64)>(&sql.text), &sql.args)
        .fetch_all(c).await?);
    let mut stats = OrderStats {
        currency: currency.to_owned(),
        by_status: OrderStatus::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect(),
        by_type: OrderType::ALL.iter().map(|t| (t.as_str().to_owned(), 0)).collect(),
        ..OrderStats::default()
    };
    let mut revenue: BTreeMap<String, Decimal> = BTreeMap::new();
    for (status, kind, cur, n, total) in rows {
        stats.total += n;
        *stats.by_status.entry(status.clone()).or_default() += n;
        *stats.by_type.entry(kind.clone()).or_default() += n;
        let status: OrderStatus = parse_stored(&status)?;
        let kind: OrderType = parse_stored(&kind)?;
        if status == OrderStatus::Completed && kind.is_revenue() {
            *revenue.entry(cur.clone()).or_default() += money::from_minor(total, &cur);
        }
    }
    stats.total_revenue = revenue.get(currency).copied().unwrap_or_else(|| money::from_minor(0, currency));
    stats.revenue_by_currency = revenue;
    Ok(stats)
}

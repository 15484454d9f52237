//! `/api/orders/*`: orders with their line items, completion, cancellation and figures.
//!
//! Callers without `orders:view_all` see (and may change) only orders assigned to them;
//! anything else answers 404, exactly like another organization's order. Totals are always
//! computed by the server (see [`crate::domain::order`]).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::list::Page;
use crate::domain::order::{Order, OrderInput, OrderItems, OrderQuery, OrderStats};
use crate::error::AppError;

/// One page of orders (without their items; see `item_count`): `search` (number, title,
/// description), filters `vendor`, `customer`, `order_type`, `status`, `assigned_to`,
/// `date_from`/`date_to` (order date, inclusive); `ordering`; `page`, `page_size`.
#[server(prefix = "/api", endpoint = "orders/list", input = GetUrl, output = Json)]
pub async fn list_orders(#[server(flatten)] query: OrderQuery) -> Result<Page<Order>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("orders", "view")?;
    let (filter, params) = query.validate()?;
    let mut conn = state.db.read().await?;
    let (results, count) =
        crate::server::repo::orders::list(&mut conn, member.org_id, member.scope("orders"), &filter, &params).await?;
    Ok(ctx::page(results, count, &params))
}

/// The orders `orders/list` finds (same `search`, filters and `ordering`; every page) as a
/// CSV file.
#[server(prefix = "/api", endpoint = "orders/export", input = GetUrl, output = Csv)]
pub async fn export_orders(#[server(flatten)] query: OrderQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::order::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("orders", "view")?;
    let (filter, params) = query.validate()?;
    let (org_id, scope) = (member.org_id, member.scope("orders"));
    let mut conn = state.db.snapshot().await?;
    crate::api::csv::export("orders", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        Box::pin(async move { crate::server::repo::orders::list(conn, org_id, scope, &filter, &p).await })
    })
    .await
}

/// One order with its items.
#[server(prefix = "/api", endpoint = "orders/get", input = GetUrl, output = Json)]
pub async fn get_order(id: i64) -> Result<Order, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("orders", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::orders::get(&mut conn, member.org_id, member.scope("orders"), id).await
}

/// Creates an order and its items in one transaction and gives it the next `ORD-YYYY-NNNN`
/// number. `title` and a `vendor_id` or `customer_id` are required; `items` as
/// [`OrderItems`] says (a JSON array in one field, or `items[0][quantity]=...` fields).
/// Item totals and the order total are computed by the server.
#[server(prefix = "/api", endpoint = "orders/create", input = PostUrl, output = Json)]
pub async fn create_order(
    #[server(flatten)] input: OrderInput,
    #[server(default)] items: Option<OrderItems>,
    #[server(default)] next: Option<String>,
) -> Result<Order, AppError> {
    use crate::api::ctx::{self, Ref};
    use crate::domain::order::OrderFields;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("orders", "create")?;
    let today = chrono::Utc::now().date_naive();
    let mut tx = state.db.write().await?;
    let currency = repo::organizations::get(&mut tx, member.org_id).await?.currency;
    let fields = input.apply_to(OrderFields::new(today, &currency));
    let items = items.unwrap_or_default();
    let items = items.validate(fields.as_ref().map_or(currency.as_str(), |f| f.currency.as_str()));
    let (mut fields, items) = ctx::both(fields, items)?;
    if fields.assigned_to.is_none() && !member.can("orders", "view_all") {
        fields.assigned_to = member.employee_id;
    }
    let refs = [
        ("vendor_id", Ref::Vendor, fields.vendor_id),
        ("customer_id", Ref::Customer, fields.customer_id),
        ("assigned_to", Ref::Employee, fields.assigned_to),
    ];
    ctx::check_refs(&mut tx, member.org_id, &refs).await?;
    let id = repo::orders::create(&mut tx, member.org_id, caller.user_id, today, &fields, &items).await?;
    let order = repo::orders::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "order.created", id, &order).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(order)
}

/// Updates an order in one transaction: fields sent replace the stored ones; `items`, when
/// sent (even empty), replaces all the items. A completed or cancelled order cannot be
/// changed (409). With `version`, a stale update answers 409.
#[server(prefix = "/api", endpoint = "orders/update", input = PostUrl, output = Json)]
pub async fn update_order(
    id: i64,
    #[server(flatten)] input: OrderInput,
    #[server(default)] items: Option<OrderItems>,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Order, AppError> {
    use crate::api::ctx::{self, Ref};
    use crate::domain::money::minor_digits;
    use crate::domain::order::{line_total, OrderItemFields};
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("orders", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::orders::get(&mut tx, member.org_id, member.scope("orders"), id).await?;
    if current.fields.status.is_closed() {
        return Err(AppError::Conflict(format!("a {} order cannot be changed", current.fields.status.as_str())));
    }
    let fields = input.apply_to(current.fields.clone());
    let currency = fields.as_ref().map_or(current.fields.currency.clone(), |f| f.currency.clone());
    let items: Result<Option<Vec<OrderItemFields>>, AppError> = match items {
        Some(items) => items.validate(&currency).map(Some),
        None if currency != current.fields.currency => {
            // The stored items, in the new currency (their prices must fit its minor unit).
            let digits = minor_digits(&currency);
            if current.items.iter().any(|i| i.fields.unit_price.normalize().scale() > digits) {
                Err(AppError::field(
                    "currency",
                    format!("the items' prices have more than {digits} decimal places; send the items again"),
                ))
            } else {
                Ok(Some(
                    current
                        .items
                        .iter()
                        .map(|i| OrderItemFields {
                            total_price: line_total(i.fields.quantity, i.fields.unit_price, digits),
                            ..i.fields.clone()
                        })
                        .collect(),
                ))
            }
        }
        None => Ok(None),
    };
    let (fields, items) = ctx::both(fields, items)?;
    let changed = |new: Option<i64>, old: Option<i64>| new.filter(|_| new != old);
    let refs = [
        ("vendor_id", Ref::Vendor, changed(fields.vendor_id, current.fields.vendor_id)),
        ("customer_id", Ref::Customer, changed(fields.customer_id, current.fields.customer_id)),
        ("assigned_to", Ref::Employee, changed(fields.assigned_to, current.fields.assigned_to)),
    ];
    ctx::check_refs(&mut tx, member.org_id, &refs).await?;
    repo::orders::update(
        &mut tx,
        member.org_id,
        id,
        caller.user_id,
        &current.number,
        &fields,
        items.as_deref(),
        version,
    )
    .await?;
    let order = repo::orders::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "order.updated", id, &order).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(order)
}

/// Deletes an order and its items (needs `orders:delete`). An order that payments or issues
/// refer to is not deleted: 409 (cancel it instead).
#[server(prefix = "/api", endpoint = "orders/delete", input = PostUrl, output = Json)]
pub async fn delete_order(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("orders", "delete")?;
    let mut tx = state.db.write().await?;
    let gone = repo::orders::get(&mut tx, member.org_id, member.scope("orders"), id).await?;
    repo::orders::delete(&mut tx, member.org_id, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "order.deleted", id, &gone).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Marks an order completed (409 when it is cancelled or already completed).
#[server(prefix = "/api", endpoint = "orders/complete", input = PostUrl, output = Json)]
pub async fn complete_order(id: i64, #[server(default)] next: Option<String>) -> Result<Order, AppError> {
    close(id, crate::domain::order::OrderStatus::Completed, next).await
}

/// Cancels an order (409 once it is completed, or when it is already cancelled).
#[server(prefix = "/api", endpoint = "orders/cancel", input = PostUrl, output = Json)]
pub async fn cancel_order(id: i64, #[server(default)] next: Option<String>) -> Result<Order, AppError> {
    close(id, crate::domain::order::OrderStatus::Cancelled, next).await
}

/// Total revenue (completed sales, service and subscription orders), count by status and by
/// type, within the caller's scope.
#[server(prefix = "/api", endpoint = "orders/stats", input = GetUrl, output = Json)]
pub async fn get_order_stats() -> Result<OrderStats, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("orders", "view")?;
    let mut conn = state.db.read().await?;
    let currency = repo::organizations::get(&mut conn, member.org_id).await?.currency;
    repo::orders::stats(&mut conn, member.org_id, member.scope("orders"), &currency).await
}

/// Completes or cancels an order.
#[cfg(feature = "ssr")]
async fn close(id: i64, to: crate::domain::order::OrderStatus, next: Option<String>) -> Result<Order, AppError> {
    use crate::api::ctx;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("orders", "edit")?;
    let mut tx = state.db.write().await?;
    repo::orders::get(&mut tx, member.org_id, member.scope("orders"), id).await?;
    repo::orders::close(&mut tx, member.org_id, id, caller.user_id, to).await?;
    let order = repo::orders::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "order.updated", id, &order).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(order)
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/orders.rs"));

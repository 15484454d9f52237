//! `/api/orders/*`: orders with their line items, completion, cancellation and figures.
//!
//! Callers without `orders:view_all` see (and may change) only orders assigned to them;
//! anything else answers 404, exactly like another organization's order. Totals are always
//! computed by the server (see [`crate::domain::order`]).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::list::Page;
use crate::domain::order::{Order, OrderInput, OrderItems, OrderQuery, OrderStats};
use crate::error::AppError;

/// One page of orders (without their items; see `item_count`): `search` (number, title,
/// description), filters `vendor`, `customer`, `order_type`, `status`, `assigned_to`,
/// `date_from`/`date_to` (order date, inclusive); `ordering`; `page`, `page_size`.
#[server(prefix = "/api", endpoint = "orders/list", input = GetUrl, output = Json)]
pub async fn list_orders(#[server(flatten)] query: OrderQuery) -> Result<Page<Order>, AppError> {
    let _ = query;
    Err(AppError::Unavailable)
}

/// One order with its items.
#[server(prefix = "/api", endpoint = "orders/get", input = GetUrl, output = Json)]
pub async fn get_order(id: i64) -> Result<Order, AppError> {
    let _ = id;
    Err(AppError::Unavailable)
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
    let _ = (input, items, next);
    Err(AppError::Unavailable)
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
    let _ = (id, input, items, version, next);
    Err(AppError::Unavailable)
}

/// Deletes an order and its items (needs `orders:delete`). An order that payments or issues
/// refer to is not deleted: 409 (cancel it instead).
#[server(prefix = "/api", endpoint = "orders/delete", input = PostUrl, output = Json)]
pub async fn delete_order(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Marks an order completed (409 when it is cancelled or already completed).
#[server(prefix = "/api", endpoint = "orders/complete", input = PostUrl, output = Json)]
pub async fn complete_order(id: i64, #[server(default)] next: Option<String>) -> Result<Order, AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Cancels an order (409 once it is completed, or when it is already cancelled).
#[server(prefix = "/api", endpoint = "orders/cancel", input = PostUrl, output = Json)]
pub async fn cancel_order(id: i64, #[server(default)] next: Option<String>) -> Result<Order, AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Total revenue (completed sales, service and subscription orders), count by status and by
/// type, within the caller's scope.
#[server(prefix = "/api", endpoint = "orders/stats", input = GetUrl, output = Json)]
pub async fn get_order_stats() -> Result<OrderStats, AppError> {
    Err(AppError::Unavailable)
}

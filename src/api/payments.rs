//! `/api/payments/*`: payments in and out, processing, failures and figures.
//!
//! Callers without `payments:view_all` see (and may change) only payments of orders assigned
//! to them; anything else answers 404, exactly like another organization's payment.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::list::Page;
use crate::domain::payment::{Payment, PaymentInput, PaymentQuery, PaymentStats};
use crate::error::AppError;

/// One page of payments: `search` (payment, invoice and reference number, transaction id),
/// filters `vendor`, `customer`, `order`, `payment_type`, `payment_method`, `status`,
/// `due_from`/`due_to` (due date, inclusive), `overdue=true`; `ordering`; `page`, `page_size`.
#[server(prefix = "/api", endpoint = "payments/list", input = GetUrl, output = Json)]
pub async fn list_payments(#[server(flatten)] query: PaymentQuery) -> Result<Page<Payment>, AppError> {
    let _ = query;
    Err(AppError::Unavailable)
}

/// One payment.
#[server(prefix = "/api", endpoint = "payments/get", input = GetUrl, output = Json)]
pub async fn get_payment(id: i64) -> Result<Payment, AppError> {
    let _ = id;
    Err(AppError::Unavailable)
}

/// Creates a payment with the next `PAY-YYYY-NNNN` number (`amount` > 0 required; defaults as
/// [`PaymentInput`] says). `order_id`, `vendor_id`, `customer_id` must be the organization's.
#[server(prefix = "/api", endpoint = "payments/create", input = PostUrl, output = Json)]
pub async fn create_payment(
    #[server(flatten)] input: PaymentInput,
    #[server(default)] next: Option<String>,
) -> Result<Payment, AppError> {
    let _ = (input, next);
    Err(AppError::Unavailable)
}

/// Updates a payment: fields sent replace the stored ones. A completed payment keeps its
/// amount and currency (409 when they are changed). With `version`, a stale update answers 409.
#[server(prefix = "/api", endpoint = "payments/update", input = PostUrl, output = Json)]
pub async fn update_payment(
    id: i64,
    #[server(flatten)] input: PaymentInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Payment, AppError> {
    let _ = (id, input, version, next);
    Err(AppError::Unavailable)
}

/// Deletes a payment (needs `payments:delete`).
#[server(prefix = "/api", endpoint = "payments/delete", input = PostUrl, output = Json)]
pub async fn delete_payment(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Processes a payment: status completed, `processed_at` now and `processed_by` the caller,
/// both set by the server. Allowed from pending, processing and failed (409 otherwise).
#[server(prefix = "/api", endpoint = "payments/process", input = PostUrl, output = Json)]
pub async fn process_payment(id: i64, #[server(default)] next: Option<String>) -> Result<Payment, AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Marks a payment failed; `reason` is required (422 without). Allowed from pending and
/// processing (409 otherwise).
#[server(prefix = "/api", endpoint = "payments/mark_failed", input = PostUrl, output = Json)]
pub async fn fail_payment(
    id: i64,
    #[server(default)] reason: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Payment, AppError> {
    let _ = (id, reason, next);
    Err(AppError::Unavailable)
}

/// Count and amount in total, by status, by type, by method, and overdue (pending past their
/// due date), within the caller's scope; amounts in the organization's currency.
#[server(prefix = "/api", endpoint = "payments/stats", input = GetUrl, output = Json)]
pub async fn get_payment_stats() -> Result<PaymentStats, AppError> {
    Err(AppError::Unavailable)
}

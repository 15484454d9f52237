//! `/api/payments/*`: payments in and out, processing, failures and figures.
//!
//! Callers without `payments:view_all` see (and may change) only payments of orders assigned
//! to them; anything else answers 404, exactly like another organization's payment.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::list::Page;
use crate::domain::payment::{Payment, PaymentInput, PaymentQuery, PaymentStats};
use crate::error::AppError;

/// One page of payments: `search` (payment, invoice and reference number, transaction id),
/// filters `vendor`, `customer`, `order`, `payment_type`, `payment_method`, `status`,
/// `due_from`/`due_to` (due date, inclusive), `overdue=true`; `ordering`; `page`, `page_size`.
#[server(prefix = "/api", endpoint = "payments/list", input = GetUrl, output = Json)]
pub async fn list_payments(#[server(flatten)] query: PaymentQuery) -> Result<Page<Payment>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("payments", "view")?;
    let (filter, params) = query.validate()?;
    let today = chrono::Utc::now().date_naive();
    let mut conn = state.db.read().await?;
    let scope = member.scope("payments");
    let (results, count) =
        crate::server::repo::payments::list(&mut conn, member.org_id, scope, today, &filter, &params).await?;
    Ok(ctx::page(results, count, &params))
}

/// The payments `payments/list` finds (same `search`, filters and `ordering`; every page) as a
/// CSV file.
#[server(prefix = "/api", endpoint = "payments/export", input = GetUrl, output = Csv)]
pub async fn export_payments(#[server(flatten)] query: PaymentQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::payment::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("payments", "view")?;
    let (filter, params) = query.validate()?;
    let (org_id, scope) = (member.org_id, member.scope("payments"));
    let mut conn = state.db.snapshot().await?;
    let today = chrono::Utc::now().date_naive();
    crate::api::csv::export("payments", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        Box::pin(async move { crate::server::repo::payments::list(conn, org_id, scope, today, &filter, &p).await })
    })
    .await
}

/// One payment.
#[server(prefix = "/api", endpoint = "payments/get", input = GetUrl, output = Json)]
pub async fn get_payment(id: i64) -> Result<Payment, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("payments", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::payments::get(&mut conn, member.org_id, member.scope("payments"), id).await
}

/// Creates a payment with the next `PAY-YYYY-NNNN` number (`amount` > 0 required; defaults as
/// [`PaymentInput`] says). `order_id`, `vendor_id`, `customer_id` must be the organization's.
#[server(prefix = "/api", endpoint = "payments/create", input = PostUrl, output = Json)]
pub async fn create_payment(
    #[server(flatten)] input: PaymentInput,
    #[server(default)] next: Option<String>,
) -> Result<Payment, AppError> {
    use crate::api::ctx::{self, Ref};
    use crate::domain::payment::PaymentFields;
    use crate::domain::validate::Check;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("payments", "create")?;
    let today = chrono::Utc::now().date_naive();
    let mut tx = state.db.write().await?;
    let currency = repo::organizations::get(&mut tx, member.org_id).await?.currency;
    let mut base = PaymentFields::new(&currency);
    // With an order, its vendor, customer and currency are the defaults.
    let order_id = Check::new().id("order_id", input.order_id.as_deref());
    if let Some(order) = match order_id {
        Some(id) => repo::orders::find_ref(&mut tx, member.org_id, id).await?,
        None => None,
    } {
        base.vendor_id = order.vendor_id;
        base.customer_id = order.customer_id;
        base.currency = order.currency;
    }
    let fields = input.apply_to(base)?;
    let refs = [
        ("order_id", Ref::Order, fields.order_id),
        ("vendor_id", Ref::Vendor, fields.vendor_id),
        ("customer_id", Ref::Customer, fields.customer_id),
    ];
    ctx::check_refs(&mut tx, member.org_id, &refs).await?;
    let id = repo::payments::create(&mut tx, member.org_id, caller.user_id, today, &fields).await?;
    let payment = repo::payments::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "payment.created", id, &payment).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(payment)
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
    use crate::api::ctx::{self, Ref};
    use crate::domain::payment::PaymentStatus;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("payments", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::payments::get(&mut tx, member.org_id, member.scope("payments"), id).await?;
    let fields = input.apply_to(current.fields.clone())?;
    if current.fields.status == PaymentStatus::Completed
        && (fields.amount != current.fields.amount || fields.currency != current.fields.currency)
    {
        return Err(AppError::Conflict("the amount of a completed payment cannot be changed".into()));
    }
    let changed = |new: Option<i64>, old: Option<i64>| new.filter(|_| new != old);
    let refs = [
        ("order_id", Ref::Order, changed(fields.order_id, current.fields.order_id)),
        ("vendor_id", Ref::Vendor, changed(fields.vendor_id, current.fields.vendor_id)),
        ("customer_id", Ref::Customer, changed(fields.customer_id, current.fields.customer_id)),
    ];
    ctx::check_refs(&mut tx, member.org_id, &refs).await?;
    repo::payments::update(&mut tx, member.org_id, id, caller.user_id, &current.number, &fields, version).await?;
    let payment = repo::payments::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "payment.updated", id, &payment).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(payment)
}

/// Deletes a payment (needs `payments:delete`).
#[server(prefix = "/api", endpoint = "payments/delete", input = PostUrl, output = Json)]
pub async fn delete_payment(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("payments", "delete")?;
    let mut tx = state.db.write().await?;
    let gone = repo::payments::get(&mut tx, member.org_id, member.scope("payments"), id).await?;
    repo::payments::delete(&mut tx, member.org_id, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "payment.deleted", id, &gone).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Processes a payment: status completed, `processed_at` now and `processed_by` the caller,
/// both set by the server. Allowed from pending, processing and failed (409 otherwise).
#[server(prefix = "/api", endpoint = "payments/process", input = PostUrl, output = Json)]
pub async fn process_payment(id: i64, #[server(default)] next: Option<String>) -> Result<Payment, AppError> {
    change(id, None, next).await
}

/// Marks a payment failed; `reason` is required (422 without). Allowed from pending and
/// processing (409 otherwise).
#[server(prefix = "/api", endpoint = "payments/mark_failed", input = PostUrl, output = Json)]
pub async fn fail_payment(
    id: i64,
    #[server(default)] reason: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Payment, AppError> {
    let reason = crate::domain::payment::validate_failure_reason(reason.as_deref())?;
    change(id, Some(reason), next).await
}

/// Count and amount in total, by status, by type, by method, and overdue (pending past their
/// due date), within the caller's scope; amounts in the organization's currency.
#[server(prefix = "/api", endpoint = "payments/stats", input = GetUrl, output = Json)]
pub async fn get_payment_stats() -> Result<PaymentStats, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("payments", "view")?;
    let today = chrono::Utc::now().date_naive();
    let mut conn = state.db.read().await?;
    let currency = repo::organizations::get(&mut conn, member.org_id).await?.currency;
    repo::payments::stats(&mut conn, member.org_id, member.scope("payments"), &currency, today).await
}

/// Processes a payment (`failure` None) or marks it failed with the reason.
#[cfg(feature = "ssr")]
async fn change(id: i64, failure: Option<String>, next: Option<String>) -> Result<Payment, AppError> {
    use crate::api::ctx;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("payments", "edit")?;
    let mut tx = state.db.write().await?;
    repo::payments::get(&mut tx, member.org_id, member.scope("payments"), id).await?;
    let processed = failure.is_none();
    match failure {
        None => repo::payments::process(&mut tx, member.org_id, id, caller.user_id).await?,
        Some(reason) => repo::payments::fail(&mut tx, member.org_id, id, caller.user_id, &reason).await?,
    }
    let payment = repo::payments::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "payment.updated", id, &payment).await?;
    if processed {
        crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "payment.processed", id, &payment).await?;
    }
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(payment)
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/payments.rs"));

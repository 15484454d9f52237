//! `/api/deals/*`: deals, their moves through a pipeline, figures and the kanban board.
//!
//! Callers without `deals:view_all` see (and may change) only deals assigned to them;
//! anything else answers 404, exactly like another organization's deal.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::deal::{Board, Deal, DealInput, DealQuery, DealStats};
use crate::domain::list::Page;
use crate::error::AppError;

/// One page of deals: `search` (title, customer name), filters `pipeline`, `stage`, `status`,
/// `priority`, `assigned_to`, `customer`, `value_min`/`value_max`, `close_from`/`close_to`
/// (expected close date); `ordering`; `page`, `page_size`.
#[server(prefix = "/api", endpoint = "deals/list", input = GetUrl, output = Json)]
pub async fn list_deals(#[server(flatten)] query: DealQuery) -> Result<Page<Deal>, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "view")?;
    let (filter, params) = query.validate()?;
    let mut conn = state.db.read().await?;
    let currency = repo::organizations::get(&mut conn, member.org_id).await?.currency;
    let (results, count) =
        repo::deals::list(&mut conn, member.org_id, member.scope("deals"), &currency, &filter, &params).await?;
    Ok(ctx::page(results, count, &params))
}

/// The deals `deals/list` finds (same `search`, filters and `ordering`; every page) as a
/// CSV file.
#[server(prefix = "/api", endpoint = "deals/export", input = GetUrl, output = Csv)]
pub async fn export_deals(#[server(flatten)] query: DealQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::deal::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "view")?;
    let (filter, params) = query.validate()?;
    let (org_id, scope) = (member.org_id, member.scope("deals"));
    let mut conn = state.db.snapshot().await?;
    let currency = crate::server::repo::organizations::get(&mut conn, org_id).await?.currency;
    crate::api::csv::export("deals", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        let currency = currency.clone();
        Box::pin(async move { crate::server::repo::deals::list(conn, org_id, scope, &currency, &filter, &p).await })
    })
    .await
}

/// One deal.
#[server(prefix = "/api", endpoint = "deals/get", input = GetUrl, output = Json)]
pub async fn get_deal(id: i64) -> Result<Deal, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::deals::get(&mut conn, member.org_id, member.scope("deals"), id).await
}

/// Creates a deal (`title` required; pipeline, stage and probability default as [`DealInput`] says).
#[server(prefix = "/api", endpoint = "deals/create", input = PostUrl, output = Json)]
pub async fn create_deal(
    #[server(flatten)] input: DealInput,
    #[server(default)] next: Option<String>,
) -> Result<Deal, AppError> {
    use crate::api::ctx;
    use crate::domain::deal::DealFields;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "create")?;
    let mut fields = input.apply_to(DealFields::default())?;
    if fields.assigned_to.is_none() && !member.can("deals", "view_all") {
        fields.assigned_to = member.employee_id;
    }
    let mut tx = state.db.write().await?;
    let placed = repo::deals::place(&mut tx, member.org_id, &mut fields).await;
    let refs = check_refs(&mut tx, member.org_id, &fields, None).await;
    let (stage, ()) = ctx::both(placed, refs)?;
    if !sent(&input.probability) {
        fields.probability = stage.probability;
    }
    let currency = repo::organizations::get(&mut tx, member.org_id).await?.currency;
    let id = repo::deals::create(&mut tx, member.org_id, caller.user_id, &currency, &fields, None).await?;
    let deal = repo::deals::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "deal.created", id, &deal).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(deal)
}

/// Updates a deal: fields sent replace the stored ones. A new `stage_id` moves the deal (as
/// `deals/move`). With `version`, a stale update answers 409.
#[server(prefix = "/api", endpoint = "deals/update", input = PostUrl, output = Json)]
pub async fn update_deal(
    id: i64,
    #[server(flatten)] input: DealInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Deal, AppError> {
    use crate::api::ctx;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::deals::get(&mut tx, member.org_id, member.scope("deals"), id).await?;
    let mut fields = input.apply_to(current.fields.clone())?;
    if fields.pipeline_id != current.fields.pipeline_id && !sent(&input.stage_id) {
        // Another pipeline without a stage: its first open stage.
        fields.stage_id = 0;
    }
    let placed = repo::deals::place(&mut tx, member.org_id, &mut fields).await;
    let refs = check_refs(&mut tx, member.org_id, &fields, Some(&current.fields)).await;
    let (stage, ()) = ctx::both(placed, refs)?;
    if fields.stage_id != current.fields.stage_id && !sent(&input.probability) {
        fields.probability = stage.probability;
    }
    repo::deals::update(&mut tx, member.org_id, id, caller.user_id, &current.currency, &fields, version).await?;
    let deal = repo::deals::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "deal.updated", id, &deal).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(deal)
}

/// Deletes a deal (needs `deals:delete`).
#[server(prefix = "/api", endpoint = "deals/delete", input = PostUrl, output = Json)]
pub async fn delete_deal(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "delete")?;
    let mut tx = state.db.write().await?;
    let gone = repo::deals::get(&mut tx, member.org_id, member.scope("deals"), id).await?;
    repo::deals::delete(&mut tx, member.org_id, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "deal.deleted", id, &gone).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Moves a deal to another stage of its pipeline (422 for a stage of another pipeline). The
/// probability follows the stage; a won or lost stage sets the status and the close date.
#[server(prefix = "/api", endpoint = "deals/move", input = PostUrl, output = Json)]
pub async fn move_deal(
    id: i64,
    stage_id: i64,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Deal, AppError> {
    use crate::api::ctx;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "edit")?;
    let mut tx = state.db.write().await?;
    let deal = repo::deals::get(&mut tx, member.org_id, member.scope("deals"), id).await?;
    repo::deals::move_to(&mut tx, member.org_id, &deal, caller.user_id, stage_id, version).await?;
    let deal = repo::deals::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "deal.updated", id, &deal).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(deal)
}

/// Marks a deal won (moves it to the pipeline's won stage, if it has one).
#[server(prefix = "/api", endpoint = "deals/won", input = PostUrl, output = Json)]
pub async fn mark_deal_won(id: i64, #[server(default)] next: Option<String>) -> Result<Deal, AppError> {
    close(id, crate::domain::deal::DealStatus::Won, None, next).await
}

/// Marks a deal lost; `reason` is required (422 without).
#[server(prefix = "/api", endpoint = "deals/lost", input = PostUrl, output = Json)]
pub async fn mark_deal_lost(
    id: i64,
    #[server(default)] reason: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Deal, AppError> {
    let reason = crate::domain::deal::validate_lost_reason(reason.as_deref())?;
    close(id, crate::domain::deal::DealStatus::Lost, Some(reason), next).await
}

/// Reopens a won or lost deal (back to the pipeline's last open stage).
#[server(prefix = "/api", endpoint = "deals/reopen", input = PostUrl, output = Json)]
pub async fn reopen_deal(id: i64, #[server(default)] next: Option<String>) -> Result<Deal, AppError> {
    close(id, crate::domain::deal::DealStatus::Open, None, next).await
}

/// Open count and value, weighted value, won value, win rate, average deal size, by stage;
/// optionally for one `pipeline`.
#[server(prefix = "/api", endpoint = "deals/stats", input = GetUrl, output = Json)]
pub async fn get_deal_stats(#[server(default)] pipeline: Option<i64>) -> Result<DealStats, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "view")?;
    let mut conn = state.db.read().await?;
    if let Some(id) = pipeline {
        repo::pipelines::get(&mut conn, member.org_id, id).await?;
    }
    let currency = repo::organizations::get(&mut conn, member.org_id).await?.currency;
    repo::deals::stats(&mut conn, member.org_id, member.scope("deals"), &currency, pipeline).await
}

/// The kanban board of a pipeline (the default one without `pipeline`): per stage the count
/// and total value of its deals and the first cards, never every deal.
#[server(prefix = "/api", endpoint = "deals/board", input = GetUrl, output = Json)]
pub async fn get_board(#[server(default)] pipeline: Option<i64>) -> Result<Board, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "view")?;
    let mut conn = state.db.read().await?;
    let pipeline = match pipeline {
        Some(id) => repo::pipelines::get(&mut conn, member.org_id, id).await?,
        None => repo::pipelines::get_default(&mut conn, member.org_id).await?,
    };
    let currency = repo::organizations::get(&mut conn, member.org_id).await?.currency;
    repo::deals::board(&mut conn, member.org_id, member.scope("deals"), &currency, pipeline).await
}

/// Marks a deal won or lost (with its reason), or reopens it.
#[cfg(feature = "ssr")]
async fn close(
    id: i64,
    status: crate::domain::deal::DealStatus,
    reason: Option<String>,
    next: Option<String>,
) -> Result<Deal, AppError> {
    use crate::api::ctx;
    use crate::domain::deal::DealStatus;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("deals", "edit")?;
    let mut tx = state.db.write().await?;
    let deal = repo::deals::get(&mut tx, member.org_id, member.scope("deals"), id).await?;
    match status {
        DealStatus::Open => repo::deals::reopen(&mut tx, member.org_id, &deal, caller.user_id).await?,
        _ => repo::deals::close(&mut tx, member.org_id, &deal, caller.user_id, status, reason.as_deref()).await?,
    }
    let deal = repo::deals::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "deal.updated", id, &deal).await?;
    let closed = match status {
        DealStatus::Won => Some("deal.won"),
        DealStatus::Lost => Some("deal.lost"),
        DealStatus::Open => None,
    };
    if let Some(event) = closed {
        crate::server::jobs::webhooks::emit(&mut tx, member.org_id, event, id, &deal).await?;
    }
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(deal)
}

/// Whether an input field was sent with something in it.
#[cfg(feature = "ssr")]
fn sent(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// The customer and assignee of a deal must be the organization's (422 naming the field);
/// only ids that changed from `before` are checked.
#[cfg(feature = "ssr")]
async fn check_refs(
    conn: &mut crate::server::db::Conn,
    org_id: i64,
    f: &crate::domain::deal::DealFields,
    before: Option<&crate::domain::deal::DealFields>,
) -> Result<(), AppError> {
    use crate::api::ctx::Ref;
    let changed = |now: Option<i64>, was: fn(&crate::domain::deal::DealFields) -> Option<i64>| {
        now.filter(|_| before.is_none_or(|b| was(b) != now))
    };
    let refs = [
        ("customer_id", Ref::Customer, changed(f.customer_id, |b| b.customer_id)),
        ("assigned_to", Ref::Employee, changed(f.assigned_to, |b| b.assigned_to)),
    ];
    crate::api::ctx::check_refs(conn, org_id, &refs).await
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/deals.rs"));

//! `/api/deals/*`: deals, their moves through a pipeline, figures and the kanban board.
//!
//! Callers without `deals:view_all` see (and may change) only deals assigned to them;
//! anything else answers 404, exactly like another organization's deal.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::deal::{Board, Deal, DealInput, DealQuery, DealStats};
use crate::domain::list::Page;
use crate::error::AppError;

/// One page of deals: `search` (title, customer name), filters `pipeline`, `stage`, `status`,
/// `priority`, `assigned_to`, `customer`, `value_min`/`value_max`, `close_from`/`close_to`
/// (expected close date); `ordering`; `page`, `page_size`.
#[server(prefix = "/api", endpoint = "deals/list", input = GetUrl, output = Json)]
pub async fn list_deals(#[server(flatten)] query: DealQuery) -> Result<Page<Deal>, AppError> {
    let _ = query;
    Err(AppError::Unavailable)
}

/// One deal.
#[server(prefix = "/api", endpoint = "deals/get", input = GetUrl, output = Json)]
pub async fn get_deal(id: i64) -> Result<Deal, AppError> {
    let _ = id;
    Err(AppError::Unavailable)
}

/// Creates a deal (`title` required; pipeline, stage and probability default as [`DealInput`] says).
#[server(prefix = "/api", endpoint = "deals/create", input = PostUrl, output = Json)]
pub async fn create_deal(
    #[server(flatten)] input: DealInput,
    #[server(default)] next: Option<String>,
) -> Result<Deal, AppError> {
    let _ = (input, next);
    Err(AppError::Unavailable)
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
    let _ = (id, input, version, next);
    Err(AppError::Unavailable)
}

/// Deletes a deal (needs `deals:delete`).
#[server(prefix = "/api", endpoint = "deals/delete", input = PostUrl, output = Json)]
pub async fn delete_deal(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
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
    let _ = (id, stage_id, version, next);
    Err(AppError::Unavailable)
}

/// Marks a deal won (moves it to the pipeline's won stage, if it has one).
#[server(prefix = "/api", endpoint = "deals/won", input = PostUrl, output = Json)]
pub async fn mark_deal_won(id: i64, #[server(default)] next: Option<String>) -> Result<Deal, AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Marks a deal lost; `reason` is required (422 without).
#[server(prefix = "/api", endpoint = "deals/lost", input = PostUrl, output = Json)]
pub async fn mark_deal_lost(
    id: i64,
    #[server(default)] reason: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Deal, AppError> {
    let _ = (id, reason, next);
    Err(AppError::Unavailable)
}

/// Reopens a won or lost deal (back to the pipeline's last open stage).
#[server(prefix = "/api", endpoint = "deals/reopen", input = PostUrl, output = Json)]
pub async fn reopen_deal(id: i64, #[server(default)] next: Option<String>) -> Result<Deal, AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Open count and value, weighted value, won value, win rate, average deal size, by stage;
/// optionally for one `pipeline`.
#[server(prefix = "/api", endpoint = "deals/stats", input = GetUrl, output = Json)]
pub async fn get_deal_stats(#[server(default)] pipeline: Option<i64>) -> Result<DealStats, AppError> {
    let _ = pipeline;
    Err(AppError::Unavailable)
}

/// The kanban board of a pipeline (the default one without `pipeline`): per stage the count
/// and total value of its deals and the first cards, never every deal.
#[server(prefix = "/api", endpoint = "deals/board", input = GetUrl, output = Json)]
pub async fn get_board(#[server(default)] pipeline: Option<i64>) -> Result<Board, AppError> {
    let _ = pipeline;
    Err(AppError::Unavailable)
}

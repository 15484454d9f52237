//! `/api/pipelines/*`: the organization's pipelines and their stages.
//!
//! Everyone with `pipelines:view` reads them; changing them needs `pipelines:edit`
//! (`create`/`delete` for whole pipelines).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::pipeline::{Pipeline, PipelineInput, Stage, StageInput};
use crate::error::AppError;

/// Every pipeline with its stages, the default first.
#[server(prefix = "/api", endpoint = "pipelines/list", input = GetUrl, output = Json)]
pub async fn list_pipelines() -> Result<Vec<Pipeline>, AppError> {
    Err(AppError::Unavailable)
}

/// One pipeline with its stages.
#[server(prefix = "/api", endpoint = "pipelines/get", input = GetUrl, output = Json)]
pub async fn get_pipeline(id: i64) -> Result<Pipeline, AppError> {
    let _ = id;
    Err(AppError::Unavailable)
}

/// Creates a pipeline. `stages` (optional): comma-separated stage names; without it the new
/// pipeline gets the standard stages (Lead, Qualified, Proposal, Negotiation, Won, Lost).
#[server(prefix = "/api", endpoint = "pipelines/create", input = PostUrl, output = Json)]
pub async fn create_pipeline(
    #[server(flatten)] input: PipelineInput,
    #[server(default)] stages: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Pipeline, AppError> {
    let _ = (input, stages, next);
    Err(AppError::Unavailable)
}

/// Renames or describes a pipeline, or (de)activates it.
#[server(prefix = "/api", endpoint = "pipelines/update", input = PostUrl, output = Json)]
pub async fn update_pipeline(
    id: i64,
    #[server(flatten)] input: PipelineInput,
    #[server(default)] next: Option<String>,
) -> Result<Pipeline, AppError> {
    let _ = (id, input, next);
    Err(AppError::Unavailable)
}

/// Deletes a pipeline: 409 for the default pipeline or one that still has deals.
#[server(prefix = "/api", endpoint = "pipelines/delete", input = PostUrl, output = Json)]
pub async fn delete_pipeline(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Makes a pipeline the organization's default (exactly one is, also under concurrent calls).
#[server(prefix = "/api", endpoint = "pipelines/set_default", input = PostUrl, output = Json)]
pub async fn set_default_pipeline(id: i64, #[server(default)] next: Option<String>) -> Result<Pipeline, AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Adds a stage at the end of a pipeline (before its won/lost stages when it is open).
#[server(prefix = "/api", endpoint = "pipelines/add_stage", input = PostUrl, output = Json)]
pub async fn add_stage(
    pipeline_id: i64,
    #[server(flatten)] input: StageInput,
    #[server(default)] next: Option<String>,
) -> Result<Stage, AppError> {
    let _ = (pipeline_id, input, next);
    Err(AppError::Unavailable)
}

/// Renames, recolours or re-weights a stage (fields not sent stay).
#[server(prefix = "/api", endpoint = "pipelines/update_stage", input = PostUrl, output = Json)]
pub async fn update_stage(
    id: i64,
    #[server(flatten)] input: StageInput,
    #[server(default)] next: Option<String>,
) -> Result<Stage, AppError> {
    let _ = (id, input, next);
    Err(AppError::Unavailable)
}

/// Deletes a stage: 409 while deals sit in it.
#[server(prefix = "/api", endpoint = "pipelines/delete_stage", input = PostUrl, output = Json)]
pub async fn delete_stage(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Puts a pipeline's stages in a new order: `stage_ids` lists every stage id once, comma-separated.
#[server(prefix = "/api", endpoint = "pipelines/reorder_stages", input = PostUrl, output = Json)]
pub async fn reorder_stages(
    pipeline_id: i64,
    stage_ids: String,
    #[server(default)] next: Option<String>,
) -> Result<Pipeline, AppError> {
    let _ = (pipeline_id, stage_ids, next);
    Err(AppError::Unavailable)
}

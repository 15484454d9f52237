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
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::pipelines::list(&mut conn, member.org_id).await
}

/// One pipeline with its stages.
#[server(prefix = "/api", endpoint = "pipelines/get", input = GetUrl, output = Json)]
pub async fn get_pipeline(id: i64) -> Result<Pipeline, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::pipelines::get(&mut conn, member.org_id, id).await
}

/// Creates a pipeline. `stages` (optional): comma-separated stage names; without it the new
/// pipeline gets the standard stages (Lead, Qualified, Proposal, Negotiation, Won, Lost).
#[server(prefix = "/api", endpoint = "pipelines/create", input = PostUrl, output = Json)]
pub async fn create_pipeline(
    #[server(flatten)] input: PipelineInput,
    #[server(default)] stages: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Pipeline, AppError> {
    use crate::api::ctx;
    use crate::domain::pipeline::PipelineFields;
    use crate::server::repo::pipelines;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "create")?;
    let base = PipelineFields { name: String::new(), description: None, is_active: true };
    let fields = input.apply_to(base);
    let names = parse_stage_names(stages.as_deref());
    let (fields, names) = match (fields, names) {
        (Ok(f), Ok(n)) => (f, n),
        (f, n) => return Err(merge_errors(f.err(), n.err())),
    };
    let stages = if names.is_empty() { pipelines::standard_stages() } else { pipelines::stages_from_names(&names) };
    let mut tx = state.db.write().await?;
    let id = pipelines::create(&mut tx, member.org_id, &fields, &stages, false).await?;
    let pipeline = pipelines::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(pipeline)
}

/// Renames or describes a pipeline, or (de)activates it.
#[server(prefix = "/api", endpoint = "pipelines/update", input = PostUrl, output = Json)]
pub async fn update_pipeline(
    id: i64,
    #[server(flatten)] input: PipelineInput,
    #[server(default)] next: Option<String>,
) -> Result<Pipeline, AppError> {
    use crate::api::ctx;
    use crate::domain::pipeline::PipelineFields;
    use crate::server::repo::pipelines;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "edit")?;
    let mut tx = state.db.write().await?;
    let current = pipelines::get(&mut tx, member.org_id, id).await?;
    let base = PipelineFields { name: current.name, description: current.description, is_active: current.is_active };
    let fields = input.apply_to(base)?;
    pipelines::update(&mut tx, member.org_id, id, &fields).await?;
    let pipeline = pipelines::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(pipeline)
}

/// Deletes a pipeline: 409 for the default pipeline or one that still has deals.
#[server(prefix = "/api", endpoint = "pipelines/delete", input = PostUrl, output = Json)]
pub async fn delete_pipeline(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "delete")?;
    let mut tx = state.db.write().await?;
    crate::server::repo::pipelines::delete(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Makes a pipeline the organization's default (exactly one is, also under concurrent calls).
#[server(prefix = "/api", endpoint = "pipelines/set_default", input = PostUrl, output = Json)]
pub async fn set_default_pipeline(id: i64, #[server(default)] next: Option<String>) -> Result<Pipeline, AppError> {
    use crate::api::ctx;
    use crate::server::repo::pipelines;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "edit")?;
    let mut tx = state.db.write().await?;
    pipelines::set_default(&mut tx, member.org_id, id).await?;
    let pipeline = pipelines::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(pipeline)
}

/// Adds a stage at the end of a pipeline (before its won/lost stages when it is open).
#[server(prefix = "/api", endpoint = "pipelines/add_stage", input = PostUrl, output = Json)]
pub async fn add_stage(
    pipeline_id: i64,
    #[server(flatten)] input: StageInput,
    #[server(default)] next: Option<String>,
) -> Result<Stage, AppError> {
    use crate::api::ctx;
    use crate::domain::pipeline::{StageFields, StageKind};
    use crate::server::repo::pipelines;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "edit")?;
    let mut fields = input.apply_to(StageFields::default())?;
    if input.probability.as_deref().is_none_or(|p| p.trim().is_empty()) && fields.kind == StageKind::Won {
        fields.probability = 100;
    }
    let mut tx = state.db.write().await?;
    let id = pipelines::add_stage(&mut tx, member.org_id, pipeline_id, &fields).await?;
    let stage = pipelines::get_stage(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(stage)
}

/// Renames, recolours or re-weights a stage (fields not sent stay).
#[server(prefix = "/api", endpoint = "pipelines/update_stage", input = PostUrl, output = Json)]
pub async fn update_stage(
    id: i64,
    #[server(flatten)] input: StageInput,
    #[server(default)] next: Option<String>,
) -> Result<Stage, AppError> {
    use crate::api::ctx;
    use crate::domain::pipeline::StageFields;
    use crate::server::repo::pipelines;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "edit")?;
    let mut tx = state.db.write().await?;
    let current = pipelines::get_stage(&mut tx, member.org_id, id).await?;
    let base =
        StageFields { name: current.name, probability: current.probability, kind: current.kind, color: current.color };
    let fields = input.apply_to(base)?;
    pipelines::update_stage(&mut tx, member.org_id, id, &fields).await?;
    let stage = pipelines::get_stage(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(stage)
}

/// Deletes a stage: 409 while deals sit in it.
#[server(prefix = "/api", endpoint = "pipelines/delete_stage", input = PostUrl, output = Json)]
pub async fn delete_stage(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "edit")?;
    let mut tx = state.db.write().await?;
    crate::server::repo::pipelines::delete_stage(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Puts a pipeline's stages in a new order: `stage_ids` lists every stage id once, comma-separated.
#[server(prefix = "/api", endpoint = "pipelines/reorder_stages", input = PostUrl, output = Json)]
pub async fn reorder_stages(
    pipeline_id: i64,
    stage_ids: String,
    #[server(default)] next: Option<String>,
) -> Result<Pipeline, AppError> {
    use crate::api::ctx;
    use crate::domain::pipeline::parse_stage_order;
    use crate::server::repo::pipelines;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("pipelines", "edit")?;
    let mut tx = state.db.write().await?;
    pipelines::lock(&mut tx, member.org_id, pipeline_id).await?;
    let existing: Vec<i64> =
        pipelines::stages(&mut tx, member.org_id, pipeline_id).await?.into_iter().map(|s| s.id).collect();
    let order = parse_stage_order(&stage_ids, &existing)?;
    pipelines::reorder(&mut tx, member.org_id, pipeline_id, &order).await?;
    let pipeline = pipelines::get(&mut tx, member.org_id, pipeline_id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(pipeline)
}

/// The stage names of a new pipeline: comma-separated, trimmed, each at most 100 characters,
/// no name twice, at most 20. Empty when none were sent.
#[cfg(feature = "ssr")]
fn parse_stage_names(raw: Option<&str>) -> Result<Vec<String>, AppError> {
    let mut names: Vec<String> = Vec::new();
    for name in raw.unwrap_or("").split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name.chars().count() > 100 {
            return Err(AppError::field("stages", "each stage name must be at most 100 characters"));
        }
        if names.iter().any(|n| n.to_lowercase() == name.to_lowercase()) {
            return Err(AppError::field("stages", format!("names the stage {name:?} twice")));
        }
        names.push(name.to_owned());
    }
    if names.len() > 20 {
        return Err(AppError::field("stages", "at most 20 stages"));
    }
    Ok(names)
}

/// Both validation errors in one answer.
#[cfg(feature = "ssr")]
fn merge_errors(a: Option<AppError>, b: Option<AppError>) -> AppError {
    match (a, b) {
        (Some(AppError::Validation(mut x)), Some(AppError::Validation(y))) => {
            for (field, problems) in y {
                x.entry(field).or_default().extend(problems);
            }
            AppError::Validation(x)
        }
        (Some(e), _) | (None, Some(e)) => e,
        (None, None) => AppError::Internal,
    }
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/pipelines.rs"));

//! Pipelines and their stages.
//!
//! Stage positions of a pipeline are always 0, 1, 2, … with no gaps. Changes that depend on
//! the current positions or on which pipeline is the default first serialize per pipeline or
//! per organization: SQLite's `BEGIN IMMEDIATE` already does; on PostgreSQL the row is locked
//! with `for no key update` (which, unlike `for update`, does not hold up inserts that merely
//! reference the row).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{now, parse_stored};
use crate::domain::pipeline::{Pipeline, PipelineFields, Stage, StageFields, StageKind};
use crate::error::AppError;
use crate::on;
use crate::server::db::{Backend, Conn};

/// The stages a new pipeline gets unless told otherwise: (name, probability, kind, color).
pub const STANDARD_STAGES: &[(&str, i64, StageKind, &str)] = &[
    ("Lead", 10, StageKind::Open, "#64748b"),
    ("Qualified", 25, StageKind::Open, "#0ea5e9"),
    ("Proposal", 50, StageKind::Open, "#6366f1"),
    ("Negotiation", 75, StageKind::Open, "#f59e0b"),
    ("Won", 100, StageKind::Won, "#16a34a"),
    ("Lost", 0, StageKind::Lost, "#dc2626"),
];

/// Colours given to the open stages of a pipeline created from names, in turn.
const PALETTE: &[&str] = &["#64748b", "#0ea5e9", "#6366f1", "#f59e0b", "#8b5cf6", "#14b8a6", "#ec4899"];

/// The standard six stages.
pub fn standard_stages() -> Vec<StageFields> {
    STANDARD_STAGES
        .iter()
        .map(|(name, probability, kind, color)| StageFields {
            name: (*name).into(),
            probability: *probability,
            kind: *kind,
            color: (*color).into(),
        })
        .collect()
}

/// Stages from names in order: a stage named "won" (any case) is a won stage (100%), "lost" a
/// lost one (0%); the open stages' probabilities rise evenly (e.g. 25, 50, 75 for three).
pub fn stages_from_names(names: &[String]) -> Vec<StageFields> {
    let kind_of = |name: &str| match name.trim().to_lowercase().as_str() {
        "won" => StageKind::Won,
        "lost" => StageKind::Lost,
        _ => StageKind::Open,
    };
    let open = names.iter().filter(|n| kind_of(n) == StageKind::Open).count() as i64;
    let mut nth_open = 0;
    names
        .iter()
        .map(|name| {
            let kind = kind_of(name);
            let (probability, color) = match kind {
                StageKind::Won => (100, "#16a34a"),
                StageKind::Lost => (0, "#dc2626"),
                StageKind::Open => {
                    nth_open += 1;
                    (nth_open * 100 / (open + 1), PALETTE[(nth_open as usize - 1) % PALETTE.len()])
                }
            };
            StageFields { name: name.trim().to_owned(), probability, kind, color: color.into() }
        })
        .collect()
}

#[derive(FromRow)]
struct PipelineRow {
    id: i64,
    name: String,
    description: Option<String>,
    is_default: bool,
    is_active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl PipelineRow {
    fn with_stages(self, stages: Vec<Stage>) -> Pipeline {
        Pipeline {
            id: self.id,
            name: self.name,
            description: self.description,
            is_default: self.is_default,
            is_active: self.is_active,
            stages,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(FromRow)]
struct StageRow {
    id: i64,
    pipeline_id: i64,
    name: String,
    position: i64,
    probability: i64,
    kind: String,
    color: String,
}

impl TryFrom<StageRow> for Stage {
    type Error = AppError;
    fn try_from(r: StageRow) -> Result<Self, AppError> {
        Ok(Stage {
            id: r.id,
            pipeline_id: r.pipeline_id,
            name: r.name,
            position: r.position,
            probability: r.probability,
            kind: parse_stored(&r.kind)?,
            color: r.color,
        })
    }
}

const PIPELINE_COLUMNS: &str = "id, name, description, is_default, is_active, created_at, updated_at";
const STAGE_COLUMNS: &str = "id, pipeline_id, name, position, probability, kind, color";

/// Every pipeline of the organization with its stages: the default first, then by name.
#[tracing::instrument(skip(conn))]
pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Pipeline>, AppError> {
    let sql = format!(
        "select {PIPELINE_COLUMNS} from pipelines where organization_id = $1 order by is_default desc, name, id"
    );
    let rows = on!(conn, c => sqlx::query_as::<_, PipelineRow>(&sql).bind(org_id).fetch_all(c).await?);
    let sql = format!(
        "select {STAGE_COLUMNS} from pipeline_stages where organization_id = $1 order by pipeline_id, position, id"
    );
    let stage_rows = on!(conn, c => sqlx::query_as::<_, StageRow>(&sql).bind(org_id).fetch_all(c).await?);
    let mut stages = stage_rows.into_iter().map(Stage::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest) = stages.drain(..).partition(|s| s.pipeline_id == row.id);
            stages = rest;
            row.with_stages(mine)
        })
        .collect())
}

/// One pipeline of the organization with its stages; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, id: i64) -> Result<Pipeline, AppError> {
    let sql = format!("select {PIPELINE_COLUMNS} from pipelines where id = $1 and organization_id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, PipelineRow>(&sql).bind(id).bind(org_id).fetch_optional(c).await?)
        .ok_or(AppError::NotFound)?;
    let stages = stages(conn, org_id, id).await?;
    Ok(row.with_stages(stages))
}

/// The organization's default pipeline.
pub async fn get_default(conn: &mut Conn, org_id: i64) -> Result<Pipeline, AppError> {
    let sql = "select id from pipelines where organization_id = $1 and is_default";
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(org_id).fetch_optional(c).await?)
        .ok_or(AppError::NotFound)?;
    get(conn, org_id, id).await
}

/// The stages of a pipeline, in order.
pub async fn stages(conn: &mut Conn, org_id: i64, pipeline_id: i64) -> Result<Vec<Stage>, AppError> {
    let sql = format!(
        "select {STAGE_COLUMNS} from pipeline_stages where pipeline_id = $1 and organization_id = $2 order by position, id"
    );
    let rows = on!(conn, c => sqlx::query_as::<_, StageRow>(&sql).bind(pipeline_id).bind(org_id).fetch_all(c).await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// One stage of the organization; `NotFound` otherwise.
pub async fn get_stage(conn: &mut Conn, org_id: i64, id: i64) -> Result<Stage, AppError> {
    let sql = format!("select {STAGE_COLUMNS} from pipeline_stages where id = $1 and organization_id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, StageRow>(&sql).bind(id).bind(org_id).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

/// Serializes changes to the organization's pipelines (which one is the default) until the
/// transaction ends. `NotFound` for an unknown organization.
async fn lock_organization(conn: &mut Conn, org_id: i64) -> Result<(), AppError> {
    let sql = match conn.backend() {
        Backend::Postgres => "select id from organizations where id = $1 for no key update",
        // A write transaction on SQLite (BEGIN IMMEDIATE) holds the database's write lock already.
        Backend::Sqlite => "select id from organizations where id = $1",
    };
    on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(org_id).fetch_optional(c).await?)
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// Serializes changes to a pipeline's stages until the transaction ends; `NotFound` when the
/// pipeline is not the organization's.
pub async fn lock(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = match conn.backend() {
        Backend::Postgres => "select id from pipelines where id = $1 and organization_id = $2 for no key update",
        Backend::Sqlite => "select id from pipelines where id = $1 and organization_id = $2",
    };
    on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(id).bind(org_id).fetch_optional(c).await?)
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// Creates a pipeline with the given stages (in order). Run inside a write transaction.
#[tracing::instrument(skip(conn, f, stages))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    f: &PipelineFields,
    stages: &[StageFields],
    is_default: bool,
) -> Result<i64, AppError> {
    let now = now();
    if is_default {
        lock_organization(conn, org_id).await?;
        let sql = "update pipelines set is_default = false, updated_at = $2 where organization_id = $1 and is_default";
        on!(conn, c => sqlx::query(sql).bind(org_id).bind(now).execute(c).await?.rows_affected());
    }
    let sql =
        "insert into pipelines (organization_id, name, description, is_default, is_active, created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6, $6) returning id";
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&f.name).bind(&f.description).bind(is_default).bind(f.is_active).bind(now)
        .fetch_one(c).await?);
    for (position, stage) in stages.iter().enumerate() {
        insert_stage(conn, org_id, id, position as i64, stage).await?;
    }
    Ok(id)
}

async fn insert_stage(
    conn: &mut Conn,
    org_id: i64,
    pipeline_id: i64,
    position: i64,
    s: &StageFields,
) -> Result<i64, AppError> {
    let sql = "insert into pipeline_stages (organization_id, pipeline_id, name, position, probability, kind, color, created_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(pipeline_id).bind(&s.name).bind(position).bind(s.probability).bind(s.kind.as_str())
        .bind(&s.color).bind(now())
        .fetch_one(c).await?))
}

/// Writes a pipeline's name, description and active flag. The default pipeline stays active.
#[tracing::instrument(skip(conn, f))]
pub async fn update(conn: &mut Conn, org_id: i64, id: i64, f: &PipelineFields) -> Result<(), AppError> {
    let current = get(conn, org_id, id).await?;
    if current.is_default && !f.is_active {
        return Err(AppError::Conflict(
            "the default pipeline cannot be deactivated; make another the default first".into(),
        ));
    }
    let sql = "update pipelines set name = $1, description = $2, is_active = $3, updated_at = $4
               where id = $5 and organization_id = $6";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.name).bind(&f.description).bind(f.is_active).bind(now()).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// How many deals a pipeline (or one stage of it) holds.
async fn deal_count(conn: &mut Conn, org_id: i64, column: &str, id: i64) -> Result<i64, AppError> {
    // `column` is one of two names chosen below, never client text.
    let sql = format!("select count(*) from deals where {column} = $1 and organization_id = $2");
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(&sql).bind(id).bind(org_id).fetch_one(c).await?))
}

/// Deletes a pipeline and its stages: `Conflict` for the default pipeline or one with deals.
#[tracing::instrument(skip(conn))]
pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    lock_organization(conn, org_id).await?;
    lock(conn, org_id, id).await?;
    let pipeline = get(conn, org_id, id).await?;
    if pipeline.is_default {
        return Err(AppError::Conflict(
            "the default pipeline cannot be deleted; make another the default first".into(),
        ));
    }
    let deals = deal_count(conn, org_id, "pipeline_id", id).await?;
    if deals > 0 {
        return Err(AppError::Conflict(format!("this pipeline still has {deals} deal(s); move or delete them first")));
    }
    let sql = "delete from pipelines where id = $1 and organization_id = $2";
    let result = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await.map(|r| r.rows_affected()));
    match result {
        Ok(0) => Err(AppError::NotFound),
        Ok(_) => Ok(()),
        Err(e) if is_foreign_key_violation(&e) => {
            Err(AppError::Conflict("this pipeline still has deals; move or delete them first".into()))
        }
        Err(e) => Err(e.into()),
    }
}

fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_foreign_key_violation())
}

/// Makes a pipeline the organization's only default. Concurrent calls are serialized per
/// organization, so exactly one pipeline is the default afterwards.
#[tracing::instrument(skip(conn))]
pub async fn set_default(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    lock_organization(conn, org_id).await?;
    let pipeline = get(conn, org_id, id).await?;
    if pipeline.is_default {
        return Ok(());
    }
    if !pipeline.is_active {
        return Err(AppError::Conflict("an inactive pipeline cannot be the default; activate it first".into()));
    }
    let now = now();
    // Clear first, then set: the partial unique index `pipelines_one_default` never sees two.
    let sql = "update pipelines set is_default = false, updated_at = $2 where organization_id = $1 and is_default";
    on!(conn, c => sqlx::query(sql).bind(org_id).bind(now).execute(c).await?.rows_affected());
    let sql = "update pipelines set is_default = true, updated_at = $3 where id = $1 and organization_id = $2";
    on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).bind(now).execute(c).await?.rows_affected());
    Ok(())
}

/// Adds a stage to a pipeline: an open stage after the last open one (so before the won and
/// lost stages), a won or lost stage at the end. Returns its id.
#[tracing::instrument(skip(conn, s))]
pub async fn add_stage(conn: &mut Conn, org_id: i64, pipeline_id: i64, s: &StageFields) -> Result<i64, AppError> {
    lock(conn, org_id, pipeline_id).await?;
    let existing = stages(conn, org_id, pipeline_id).await?;
    let position = match s.kind {
        StageKind::Open => existing.iter().filter(|st| st.kind == StageKind::Open).map(|st| st.position + 1).max(),
        StageKind::Won | StageKind::Lost => None,
    }
    .unwrap_or(existing.len() as i64)
    .min(existing.len() as i64);
    let sql = "update pipeline_stages set position = position + 1
               where pipeline_id = $1 and organization_id = $2 and position >= $3";
    on!(conn, c => sqlx::query(sql).bind(pipeline_id).bind(org_id).bind(position).execute(c).await?.rows_affected());
    insert_stage(conn, org_id, pipeline_id, position, s).await
}

/// Writes a stage's name, probability, kind and colour. Changing the kind of a stage that
/// holds deals is refused (their status would no longer match it).
#[tracing::instrument(skip(conn, s))]
pub async fn update_stage(conn: &mut Conn, org_id: i64, id: i64, s: &StageFields) -> Result<(), AppError> {
    let current = get_stage(conn, org_id, id).await?;
    if current.kind != s.kind {
        let deals = deal_count(conn, org_id, "stage_id", id).await?;
        if deals > 0 {
            return Err(AppError::Conflict(format!(
                "{deals} deal(s) sit in this stage; move them before changing what the stage means"
            )));
        }
    }
    let sql = "update pipeline_stages set name = $1, probability = $2, kind = $3, color = $4
               where id = $5 and organization_id = $6";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&s.name).bind(s.probability).bind(s.kind.as_str()).bind(&s.color).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Deletes a stage: `Conflict` while deals sit in it, or when it is the pipeline's last.
/// The stages after it move up one place.
#[tracing::instrument(skip(conn))]
pub async fn delete_stage(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let stage = get_stage(conn, org_id, id).await?;
    lock(conn, org_id, stage.pipeline_id).await?;
    let deals = deal_count(conn, org_id, "stage_id", id).await?;
    if deals > 0 {
        return Err(AppError::Conflict(format!("{deals} deal(s) sit in this stage; move them to another stage first")));
    }
    let all = stages(conn, org_id, stage.pipeline_id).await?;
    if all.len() <= 1 {
        return Err(AppError::Conflict("a pipeline needs at least one stage".into()));
    }
    let sql = "delete from pipeline_stages where id = $1 and organization_id = $2";
    let result = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await.map(|r| r.rows_affected()));
    match result {
        Ok(0) => return Err(AppError::NotFound),
        Ok(_) => {}
        Err(e) if is_foreign_key_violation(&e) => {
            return Err(AppError::Conflict("deals sit in this stage; move them to another stage first".into()))
        }
        Err(e) => return Err(e.into()),
    }
    let remaining: Vec<i64> = all.iter().filter(|s| s.id != id).map(|s| s.id).collect();
    write_positions(conn, org_id, &remaining).await
}

/// Puts a pipeline's stages in the given order (every stage id of the pipeline, once; the
/// caller has checked that with `parse_stage_order`). Positions become 0..n-1.
#[tracing::instrument(skip(conn))]
pub async fn reorder(conn: &mut Conn, org_id: i64, pipeline_id: i64, order: &[i64]) -> Result<(), AppError> {
    lock(conn, org_id, pipeline_id).await?;
    let mut existing: Vec<i64> = stages(conn, org_id, pipeline_id).await?.into_iter().map(|s| s.id).collect();
    let mut wanted = order.to_vec();
    existing.sort_unstable();
    wanted.sort_unstable();
    if existing != wanted {
        return Err(AppError::field("stage_ids", "must list every stage of the pipeline exactly once"));
    }
    write_positions(conn, org_id, order).await?;
    let sql = "update pipelines set updated_at = $1 where id = $2 and organization_id = $3";
    on!(conn, c => sqlx::query(sql).bind(now()).bind(pipeline_id).bind(org_id).execute(c).await?.rows_affected());
    Ok(())
}

/// Gives the stages positions 0..n-1 in the order given (only the ones that change are written).
async fn write_positions(conn: &mut Conn, org_id: i64, order: &[i64]) -> Result<(), AppError> {
    let sql = "update pipeline_stages set position = $1 where id = $2 and organization_id = $3 and position <> $1";
    for (position, id) in order.iter().enumerate() {
        on!(conn, c => sqlx::query(sql).bind(position as i64).bind(*id).bind(org_id).execute(c).await?.rows_affected());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_from_names_spread_probabilities_and_recognise_won_and_lost() {
        let names: Vec<String> = ["Intro", "Demo", "Offer", "WON", "lost"].iter().map(|s| (*s).to_owned()).collect();
        let stages = stages_from_names(&names);
        let got: Vec<_> = stages.iter().map(|s| (s.probability, s.kind)).collect();
        assert_eq!(
            got,
            [
                (25, StageKind::Open),
                (50, StageKind::Open),
                (75, StageKind::Open),
                (100, StageKind::Won),
                (0, StageKind::Lost)
            ]
        );
        assert_eq!(standard_stages().len(), 6);
    }
}

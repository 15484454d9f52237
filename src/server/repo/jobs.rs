//! The background jobs table (see `server/jobs/`): queue, claim, record outcomes, list.

use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;

use super::{now, parse_stored};
use crate::domain::mail::JobState;
use crate::error::AppError;
use crate::on;
use crate::server::db::{Backend, Conn};

/// A job as a worker runs it.
#[derive(Debug, Clone, FromRow)]
pub struct JobRow {
    pub id: i64,
    pub organization_id: Option<i64>,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
}

/// A job as the outbox lists it.
#[derive(Debug, Clone, FromRow)]
pub struct JobListRow {
    pub id: i64,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub run_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl JobListRow {
    pub fn state(&self) -> Result<JobState, AppError> {
        parse_stored(&self.state)
    }
}

/// Queues a job, due at once; in the caller's transaction, so it exists exactly when the change
/// that caused it was committed.
#[tracing::instrument(skip_all, fields(kind))]
pub async fn insert(conn: &mut Conn, organization_id: Option<i64>, kind: &str, payload: &str) -> Result<i64, AppError> {
    insert_in_sequence(conn, organization_id, kind, payload, None).await
}

/// Queues a job as [`insert`] does; jobs of one `sequence` run one at a time, oldest first (a
/// later one waits while an earlier one is queued or running, retries included).
pub async fn insert_in_sequence(
    conn: &mut Conn,
    organization_id: Option<i64>,
    kind: &str,
    payload: &str,
    sequence: Option<&str>,
) -> Result<i64, AppError> {
    let sql = "insert into jobs (organization_id, kind, payload, state, attempts, run_at, created_at, sequence)
               values ($1, $2, $3, 'queued', 0, $4, $4, $5) returning id";
    let now = now();
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(organization_id).bind(kind).bind(payload).bind(now).bind(sequence).fetch_one(c).await?))
}

/// Takes up to `limit` due jobs of `kind` for this worker: queued ones whose time has come,
/// and those whose worker's lease ran out (it died while running them). They become
/// `sending` until `now + lease`, one more attempt counted. A job of a sequence is taken only
/// when no earlier job of its sequence is queued or sending. On PostgreSQL `FOR UPDATE SKIP
/// LOCKED` keeps two servers from taking the same job; SQLite has one writer at a time.
#[tracing::instrument(skip_all, fields(kind))]
pub async fn claim(conn: &mut Conn, kind: &str, lease: Duration, limit: i64) -> Result<Vec<JobRow>, AppError> {
    let skip_locked = match conn.backend() {
        Backend::Postgres => "for update skip locked",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "update jobs set state = 'sending', attempts = attempts + 1, locked_until = $1
         where id in (select id from jobs j
                      where kind = $2 and ((state = 'queued' and run_at <= $3) or (state = 'sending' and locked_until < $3))
                        and (sequence is null or not exists (
                            select 1 from jobs e where e.sequence = j.sequence and e.id < j.id
                                                   and e.state in ('queued', 'sending')))
                      order by run_at, id limit $4 {skip_locked})
         returning id, organization_id, kind, payload, attempts, created_at"
    );
    let now = now();
    let mut rows = on!(conn, c => sqlx::query_as::<_, JobRow>(&sql)
        .bind(now + lease).bind(kind).bind(now).bind(limit).fetch_all(c).await?);
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// Records the outcome of a claimed job: done, failed for good, or due again at `retry_at`.
pub async fn finish(
    conn: &mut Conn,
    id: i64,
    state: JobState,
    error: Option<&str>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    let now = now();
    let finished = matches!(state, JobState::Sent | JobState::Failed).then_some(now);
    let sql = "update jobs set state = $1, last_error = coalesce($2, last_error), run_at = coalesce($3, run_at),
                   finished_at = $4, locked_until = null
               where id = $5";
    on!(conn, c => sqlx::query(sql)
        .bind(state.as_str()).bind(error).bind(retry_at).bind(finished).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// One page of an organization's jobs of `kind`, newest first, optionally in one state.
pub async fn list(
    conn: &mut Conn,
    organization_id: i64,
    kind: &str,
    state: Option<JobState>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<JobListRow>, i64), AppError> {
    let filter = "organization_id = $1 and kind = $2 and ($3 is null or state = $3)";
    let sql = format!(
        "select id, payload, state, attempts, last_error, created_at, run_at, finished_at from jobs
         where {filter} order by id desc limit $4 offset $5"
    );
    let count = format!("select count(*) from jobs where {filter}");
    let state = state.map(JobState::as_str);
    let rows = on!(conn, c => sqlx::query_as::<_, JobListRow>(&sql)
        .bind(organization_id).bind(kind).bind(state).bind(limit).bind(offset).fetch_all(c).await?);
    let total = on!(conn, c => sqlx::query_scalar::<_, i64>(&count)
        .bind(organization_id).bind(kind).bind(state).fetch_one(c).await?);
    Ok((rows, total))
}

/// One of an organization's jobs of `kind`.
pub async fn get(conn: &mut Conn, organization_id: i64, kind: &str, id: i64) -> Result<JobListRow, AppError> {
    let sql = "select id, payload, state, attempts, last_error, created_at, run_at, finished_at from jobs
               where id = $1 and organization_id = $2 and kind = $3";
    on!(conn, c => sqlx::query_as::<_, JobListRow>(sql)
        .bind(id).bind(organization_id).bind(kind).fetch_optional(c).await?)
    .ok_or(AppError::NotFound)
}

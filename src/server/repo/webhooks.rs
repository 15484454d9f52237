//! Webhook subscriptions of an organization and the log of their deliveries (the deliveries
//! themselves are jobs, see `server/jobs/webhooks.rs`).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{now, parse_stored};
use crate::domain::webhook::{DeliveryLog, Webhook, WebhookFields, DISABLE_AFTER};
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

#[derive(FromRow)]
struct Row {
    id: i64,
    url: String,
    description: Option<String>,
    events: String,
    secret: String,
    active: bool,
    failures: i64,
    disabled_reason: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl From<Row> for Webhook {
    fn from(r: Row) -> Self {
        Webhook {
            id: r.id,
            url: r.url,
            description: r.description,
            events: r.events.split(',').filter(|e| !e.is_empty()).map(str::to_owned).collect(),
            secret: r.secret,
            active: r.active,
            failures: r.failures,
            disabled_reason: r.disabled_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

const SELECT: &str = "select id, url, description, events, secret, active, failures, disabled_reason,
        created_at, updated_at, version
    from webhooks";

/// The organization's subscriptions, oldest first.
pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Webhook>, AppError> {
    let sql = format!("{SELECT} where organization_id = $1 order by id");
    let rows = on!(conn, c => sqlx::query_as::<_, Row>(&sql).bind(org_id).fetch_all(c).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn get(conn: &mut Conn, org_id: i64, id: i64) -> Result<Webhook, AppError> {
    let sql = format!("{SELECT} where organization_id = $1 and id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, Row>(&sql).bind(org_id).bind(id).fetch_optional(c).await?);
    row.map(Into::into).ok_or(AppError::NotFound)
}

/// A subscription by id alone: the worker's view, whose job names its organization already.
pub async fn get_any(conn: &mut Conn, id: i64) -> Result<Option<Webhook>, AppError> {
    let sql = format!("{SELECT} where id = $1");
    let row = on!(conn, c => sqlx::query_as::<_, Row>(&sql).bind(id).fetch_optional(c).await?);
    Ok(row.map(Into::into))
}

pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    f: &WebhookFields,
    secret: &str,
) -> Result<i64, AppError> {
    let sql = "insert into webhooks (organization_id, url, description, events, secret, active, created_by,
                   created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id";
    on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&f.url).bind(&f.description).bind(f.events.join(",")).bind(secret).bind(f.active)
        .bind(user_id).bind(now()).fetch_one(c).await.map_err(Into::into))
}

/// Writes a subscription's fields; `Conflict` when `expected_version` is stale. Turned on, it
/// starts again from no failures.
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    f: &WebhookFields,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let sql = "update webhooks set url = $1, description = $2, events = $3, active = $4,
                   failures = case when $4 and not active then 0 else failures end,
                   disabled_reason = case when $4 then null else disabled_reason end,
                   updated_at = $5, version = version + 1
               where id = $6 and organization_id = $7 and ($8 = 0 or version = $8)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.url).bind(&f.description).bind(f.events.join(",")).bind(f.active).bind(now())
        .bind(id).bind(org_id).bind(expected_version.unwrap_or(0)).execute(c).await?.rows_affected());
    if done == 0 {
        get(conn, org_id, id).await?;
        return Err(AppError::Conflict("this webhook was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from webhooks where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The active subscriptions of the organization to `event_type`.
pub async fn subscribed(conn: &mut Conn, org_id: i64, event_type: &str) -> Result<Vec<i64>, AppError> {
    let sql = "select id from webhooks
               where organization_id = $1 and active and (',' || events || ',') like $2 order by id";
    let pattern = format!("%,{event_type},%");
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(org_id).bind(&pattern).fetch_all(c).await?))
}

/// Logs a delivery queued as job `job_id`.
pub async fn insert_delivery(
    conn: &mut Conn,
    org_id: i64,
    webhook_id: i64,
    job_id: i64,
    event_id: &str,
    event_type: &str,
) -> Result<(), AppError> {
    let sql = "insert into webhook_deliveries (organization_id, webhook_id, job_id, event_id, event_type, created_at)
               values ($1, $2, $3, $4, $5, $6)";
    on!(conn, c => sqlx::query(sql)
        .bind(org_id).bind(webhook_id).bind(job_id).bind(event_id).bind(event_type).bind(now()).execute(c).await?.rows_affected());
    Ok(())
}

/// Records an attempt of job `job_id` for subscription `webhook_id`: the receiver's status, and
/// the subscription's run of failures (reset by a success). When a delivery is given up (a
/// day of retries) and nothing has succeeded for at least [`DISABLE_AFTER`] attempts, the
/// subscription is turned off; returns whether this attempt did that.
pub async fn record_attempt(
    conn: &mut Conn,
    webhook_id: i64,
    job_id: i64,
    status_code: Option<i64>,
    succeeded: bool,
    gave_up: bool,
) -> Result<bool, AppError> {
    let sql = "update webhook_deliveries set status_code = $1 where job_id = $2";
    on!(conn, c => sqlx::query(sql).bind(status_code).bind(job_id).execute(c).await?.rows_affected());
    let sql = "update webhooks set failures = case when $1 then 0 else failures + 1 end where id = $2";
    on!(conn, c => sqlx::query(sql).bind(succeeded).bind(webhook_id).execute(c).await?.rows_affected());
    if !gave_up {
        return Ok(false);
    }
    let reason = "turned off: a delivery failed for a day without any succeeding meanwhile".to_owned();
    let sql = "update webhooks set active = false, disabled_reason = $1 where id = $2 and active and failures >= $3";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&reason).bind(webhook_id).bind(DISABLE_AFTER).execute(c).await?.rows_affected());
    Ok(done > 0)
}

#[derive(FromRow)]
struct DeliveryRow {
    id: i64,
    event_id: String,
    event_type: String,
    state: Option<String>,
    attempts: Option<i64>,
    status_code: Option<i64>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    at: Option<DateTime<Utc>>,
}

/// One page of a subscription's deliveries, newest first, and how many there are.
pub async fn deliveries(
    conn: &mut Conn,
    org_id: i64,
    webhook_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DeliveryLog>, i64), AppError> {
    let sql = "select d.id, d.event_id, d.event_type, j.state, j.attempts, d.status_code, j.last_error, d.created_at,
                   coalesce(j.finished_at, j.run_at) as at
               from webhook_deliveries d left join jobs j on j.id = d.job_id
               where d.organization_id = $1 and d.webhook_id = $2
               order by d.id desc limit $3 offset $4";
    let rows = on!(conn, c => sqlx::query_as::<_, DeliveryRow>(sql)
        .bind(org_id).bind(webhook_id).bind(limit).bind(offset).fetch_all(c).await?);
    let count = "select count(*) from webhook_deliveries where organization_id = $1 and webhook_id = $2";
    let total = on!(conn, c => sqlx::query_scalar::<_, i64>(count).bind(org_id).bind(webhook_id).fetch_one(c).await?);
    let logs = rows
        .into_iter()
        .map(|r| {
            Ok(DeliveryLog {
                id: r.id,
                event_id: r.event_id,
                event_type: r.event_type,
                // A delivery whose job was cleaned away went out long ago.
                state: r.state.as_deref().map(parse_stored).transpose()?.unwrap_or(crate::domain::mail::JobState::Sent),
                attempts: r.attempts.unwrap_or(0),
                status_code: r.status_code,
                last_error: r.last_error,
                created_at: r.created_at,
                at: r.at.unwrap_or(r.created_at),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((logs, total))
}

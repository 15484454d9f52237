//! Email templates of an organization.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::now;
use crate::domain::email::EmailTemplate;
use crate::error::AppError;
use crate::on;
use crate::server::db::{is_unique_violation, Conn};

#[derive(FromRow)]
struct Row {
    id: i64,
    name: String,
    subject: String,
    body: String,
    created_by_name: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl From<Row> for EmailTemplate {
    fn from(r: Row) -> Self {
        EmailTemplate {
            id: r.id,
            name: r.name,
            subject: r.subject,
            body: r.body,
            created_by_name: r.created_by_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

const SELECT: &str = "select t.id, t.name, t.subject, t.body,
        case when u.id is null then null else u.first_name || ' ' || u.last_name end as created_by_name,
        t.created_at, t.updated_at, t.version
    from email_templates t left join users u on u.id = t.created_by";

/// The organization's templates by name.
pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<EmailTemplate>, AppError> {
    let sql = format!("{SELECT} where t.organization_id = $1 order by lower(t.name), t.id");
    let rows = on!(conn, c => sqlx::query_as::<_, Row>(&sql).bind(org_id).fetch_all(c).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn get(conn: &mut Conn, org_id: i64, id: i64) -> Result<EmailTemplate, AppError> {
    let sql = format!("{SELECT} where t.organization_id = $1 and t.id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, Row>(&sql).bind(org_id).bind(id).fetch_optional(c).await?);
    row.map(Into::into).ok_or(AppError::NotFound)
}

fn taken(err: sqlx::Error) -> AppError {
    if is_unique_violation(&err) {
        AppError::field("name", "another template has this name")
    } else {
        err.into()
    }
}

pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    name: &str,
    subject: &str,
    body: &str,
) -> Result<i64, AppError> {
    let sql = "insert into email_templates (organization_id, name, subject, body, created_by, created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6, $6) returning id";
    let now = now();
    on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(name).bind(subject).bind(body).bind(user_id).bind(now)
        .fetch_one(c).await.map_err(taken))
}

/// Writes a template's fields; `Conflict` when `expected_version` is stale.
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    (name, subject, body): (&str, &str, &str),
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let sql = "update email_templates set name = $1, subject = $2, body = $3, updated_at = $4, version = version + 1
               where id = $5 and organization_id = $6 and ($7 = 0 or version = $7)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(name).bind(subject).bind(body).bind(now()).bind(id).bind(org_id).bind(expected_version.unwrap_or(0))
        .execute(c).await.map_err(taken)?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this template was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from email_templates where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

//! Sessions and API tokens.

use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;

use super::now;
use crate::domain::auth::ApiToken;
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

pub const KIND_SESSION: &str = "session";
pub const KIND_API: &str = "api";

/// A live token, as needed to authenticate a request.
#[derive(Debug, Clone, FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub organization_id: Option<i64>,
    pub kind: String,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    /// `last_used_at` is refreshed at most every five minutes, so reads stay reads.
    pub fn needs_touch(&self) -> bool {
        self.last_used_at.is_none_or(|t| Utc::now() - t > Duration::minutes(5))
    }
}

/// A browser session unused for this long has ended (whatever its expiry says).
pub const SESSION_IDLE_DAYS: i64 = 7;

/// The token with this hash, if it is live: not expired, its user active, and for a browser
/// session, used within [`SESSION_IDLE_DAYS`].
#[tracing::instrument(skip_all)]
pub async fn find_active(conn: &mut Conn, token_hash: &str) -> Result<Option<TokenRow>, AppError> {
    let sql = "select t.id, t.user_id, t.organization_id, t.kind, t.last_used_at
               from auth_tokens t join users u on u.id = t.user_id
               where t.token_hash = $1 and u.is_active and (t.expires_at is null or t.expires_at > $2)
                 and (t.kind <> $3 or coalesce(t.last_used_at, t.created_at) > $4)";
    let now = now();
    let idle_since = now - Duration::days(SESSION_IDLE_DAYS);
    Ok(on!(conn, c => sqlx::query_as::<_, TokenRow>(sql)
        .bind(token_hash).bind(now).bind(KIND_SESSION).bind(idle_since).fetch_optional(c).await?))
}

/// Stores a new token (only its hash) and returns its id.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all, fields(user_id, kind))]
pub async fn create(
    conn: &mut Conn,
    user_id: i64,
    organization_id: Option<i64>,
    kind: &str,
    name: &str,
    token_hash: &str,
    prefix: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<i64, AppError> {
    let sql =
        "insert into auth_tokens (user_id, organization_id, kind, name, token_hash, prefix, created_at, expires_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
    let now = now();
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(user_id).bind(organization_id).bind(kind).bind(name).bind(token_hash).bind(prefix).bind(now).bind(expires_at)
        .fetch_one(c).await?))
}

pub async fn touch(conn: &mut Conn, id: i64) -> Result<(), AppError> {
    let now = now();
    on!(conn, c => sqlx::query("update auth_tokens set last_used_at = $1 where id = $2").bind(now).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn delete(conn: &mut Conn, id: i64) -> Result<(), AppError> {
    on!(conn, c => sqlx::query("delete from auth_tokens where id = $1").bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// Ends every browser session of a user, except `keep` (after a password change); returns
/// how many ended. API tokens stay.
pub async fn delete_sessions(conn: &mut Conn, user_id: i64, keep: Option<i64>) -> Result<u64, AppError> {
    // Ids are positive: `coalesce(keep, 0)` keeps none.
    let sql = "delete from auth_tokens where user_id = $1 and kind = $2 and id <> coalesce($3, 0)";
    Ok(on!(conn, c => sqlx::query(sql).bind(user_id).bind(KIND_SESSION).bind(keep).execute(c).await?.rows_affected()))
}

/// Gives a browser session a new expiry and restarts its idle time; false when `id` is no
/// session (an API token).
pub async fn renew_session(conn: &mut Conn, id: i64, expires_at: DateTime<Utc>) -> Result<bool, AppError> {
    let sql = "update auth_tokens set expires_at = $1, last_used_at = $2 where id = $3 and kind = $4";
    let now = now();
    let done = on!(conn, c => sqlx::query(sql).bind(expires_at).bind(now).bind(id).bind(KIND_SESSION).execute(c).await?.rows_affected());
    Ok(done > 0)
}

/// Makes `organization_id` the current organization of a token.
pub async fn set_organization(conn: &mut Conn, id: i64, organization_id: i64) -> Result<(), AppError> {
    let sql = "update auth_tokens set organization_id = $1 where id = $2";
    on!(conn, c => sqlx::query(sql).bind(organization_id).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

#[derive(FromRow)]
struct ApiTokenRow {
    id: i64,
    name: String,
    prefix: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
}

impl From<ApiTokenRow> for ApiToken {
    fn from(r: ApiTokenRow) -> Self {
        ApiToken {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            expires_at: r.expires_at,
        }
    }
}

const API_TOKEN_COLUMNS: &str = "id, name, prefix, created_at, last_used_at, expires_at";

/// A user's API tokens, newest first.
pub async fn list_api(conn: &mut Conn, user_id: i64) -> Result<Vec<ApiToken>, AppError> {
    let sql = format!("select {API_TOKEN_COLUMNS} from auth_tokens where user_id = $1 and kind = $2 order by id desc");
    let rows = on!(conn, c => sqlx::query_as::<_, ApiTokenRow>(&sql).bind(user_id).bind(KIND_API).fetch_all(c).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn get_api(conn: &mut Conn, user_id: i64, id: i64) -> Result<ApiToken, AppError> {
    let sql = format!("select {API_TOKEN_COLUMNS} from auth_tokens where id = $1 and user_id = $2 and kind = $3");
    let row = on!(conn, c => sqlx::query_as::<_, ApiTokenRow>(&sql).bind(id).bind(user_id).bind(KIND_API).fetch_optional(c).await?);
    row.map(Into::into).ok_or(AppError::NotFound)
}

/// Revokes one of the user's API tokens; `NotFound` when it is not theirs.
pub async fn revoke_api(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from auth_tokens where id = $1 and user_id = $2 and kind = $3";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(user_id).bind(KIND_API).execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

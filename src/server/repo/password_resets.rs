//! Password reset links: stored only as hashes, valid one hour, used once.

use chrono::{DateTime, Utc};

use super::now;
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

pub async fn create(
    conn: &mut Conn,
    user_id: i64,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), AppError> {
    let sql = "insert into password_resets (user_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4)";
    let now = now();
    on!(conn, c => sqlx::query(sql).bind(user_id).bind(token_hash).bind(now).bind(expires_at).execute(c).await?.rows_affected());
    Ok(())
}

/// The user whose live link has this hash; that link and every other of theirs is used up.
pub async fn take(conn: &mut Conn, token_hash: &str) -> Result<Option<i64>, AppError> {
    let sql = "select user_id from password_resets where token_hash = $1 and expires_at > $2";
    let now = now();
    let user_id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(token_hash).bind(now).fetch_optional(c).await?);
    if let Some(user_id) = user_id {
        let sql = "delete from password_resets where user_id = $1 or expires_at <= $2";
        on!(conn, c => sqlx::query(sql).bind(user_id).bind(now).execute(c).await?.rows_affected());
    }
    Ok(user_id)
}

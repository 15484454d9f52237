//! Attempts counted by rate limits (see `api::ctx::check_limit`): kept in the database, so
//! that every app server on it counts the same.

use chrono::{DateTime, Duration, Utc};

use super::now;
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

/// A failed sign-in, per account (the email as typed, lower-cased).
pub const LOGIN_ACCOUNT: &str = "login_account";
/// A failed sign-in, per client address.
pub const LOGIN_ADDRESS: &str = "login_address";
/// A registration attempt, per client address.
pub const REGISTER_ADDRESS: &str = "register_address";
/// A password reset request, per account (the email as typed, lower-cased).
pub const RESET_ACCOUNT: &str = "reset_account";
/// A password reset request, per client address.
pub const RESET_ADDRESS: &str = "reset_address";

/// When `subject` has `max` or more attempts of `kind` since `since`: the time of the
/// `max`-th newest of them (once that one is older than the window, the subject is under the
/// limit again). `None` while under the limit.
pub async fn limit_reached(
    conn: &mut Conn,
    kind: &str,
    subject: &str,
    since: DateTime<Utc>,
    max: i64,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let sql = "select attempted_at from auth_attempts where kind = $1 and subject = $2 and attempted_at > $3
               order by attempted_at desc limit 1 offset $4";
    let offset = (max - 1).max(0);
    Ok(on!(conn, c => sqlx::query_scalar::<_, DateTime<Utc>>(sql)
        .bind(kind).bind(subject).bind(since).bind(offset).fetch_optional(c).await?))
}

/// Counts one attempt, and forgets those older than a day (no limit looks further back).
pub async fn record(conn: &mut Conn, kind: &str, subject: &str) -> Result<(), AppError> {
    let now = now();
    let sql = "insert into auth_attempts (kind, subject, attempted_at) values ($1, $2, $3)";
    on!(conn, c => sqlx::query(sql).bind(kind).bind(subject).bind(now).execute(c).await?.rows_affected());
    let old = now - Duration::days(1);
    on!(conn, c => sqlx::query("delete from auth_attempts where attempted_at < $1").bind(old).execute(c).await?.rows_affected());
    Ok(())
}

/// Forgets the attempts of `kind` by `subject` (an account's failures after it signs in).
pub async fn clear(conn: &mut Conn, kind: &str, subject: &str) -> Result<(), AppError> {
    let sql = "delete from auth_attempts where kind = $1 and subject = $2";
    on!(conn, c => sqlx::query(sql).bind(kind).bind(subject).execute(c).await?.rows_affected());
    Ok(())
}

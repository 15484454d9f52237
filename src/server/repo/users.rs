//! Users (people who can sign in). Users are global; organizations reach them via memberships.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::now;
use crate::domain::auth::{ProfilePatch, User};
use crate::domain::validate::patch as patch_field;
use crate::error::AppError;
use crate::on;
use crate::server::db::{is_unique_violation, Conn};

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    phone: Option<String>,
    avatar_url: Option<String>,
    time_zone: String,
    reminder_minutes: Option<i64>,
    is_active: bool,
    last_login_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            phone: r.phone,
            avatar_url: r.avatar_url,
            time_zone: r.time_zone,
            reminder_minutes: r.reminder_minutes,
            is_active: r.is_active,
            last_login_at: r.last_login_at,
            created_at: r.created_at,
        }
    }
}

const COLUMNS: &str =
    "id, email, first_name, last_name, phone, avatar_url, time_zone, reminder_minutes, is_active, last_login_at, created_at";

#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, id: i64) -> Result<User, AppError> {
    let sql = format!("select {COLUMNS} from users where id = $1");
    let row = on!(conn, c => sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(c).await?);
    row.map(Into::into).ok_or(AppError::NotFound)
}

/// A user and their password hash, by (lower-case) email.
#[tracing::instrument(skip_all)]
pub async fn find_by_email(conn: &mut Conn, email: &str) -> Result<Option<(User, String)>, AppError> {
    let sql = format!("select {COLUMNS}, password_hash from users where email = $1");
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let row = on!(conn, c => sqlx::query_as::<_, Row>(&sql).bind(email).fetch_optional(c).await?);
    Ok(row.map(|r| (r.user.into(), r.password_hash)))
}

pub async fn password_hash(conn: &mut Conn, id: i64) -> Result<String, AppError> {
    Ok(
        on!(conn, c => sqlx::query_scalar::<_, String>("select password_hash from users where id = $1").bind(id).fetch_one(c).await?),
    )
}

/// Creates a user; a taken email is a validation error on `email`.
#[tracing::instrument(skip_all)]
pub async fn create(
    conn: &mut Conn,
    email: &str,
    password_hash: &str,
    first_name: &str,
    last_name: &str,
) -> Result<i64, AppError> {
    let sql = "insert into users (email, password_hash, first_name, last_name, created_at, updated_at)
               values ($1, $2, $3, $4, $5, $5) returning id";
    let now = now();
    let result = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(email).bind(password_hash).bind(first_name).bind(last_name).bind(now)
        .fetch_one(c).await);
    match result {
        Ok(id) => Ok(id),
        Err(e) if is_unique_violation(&e) => Err(AppError::field("email", "is already registered")),
        Err(e) => Err(e.into()),
    }
}

pub async fn set_last_login(conn: &mut Conn, id: i64) -> Result<(), AppError> {
    let now = now();
    on!(conn, c => sqlx::query("update users set last_login_at = $1 where id = $2").bind(now).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn set_password(conn: &mut Conn, id: i64, password_hash: &str) -> Result<(), AppError> {
    let now = now();
    let sql = "update users set password_hash = $1, updated_at = $2 where id = $3";
    on!(conn, c => sqlx::query(sql).bind(password_hash).bind(now).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

#[tracing::instrument(skip(conn, patch))]
pub async fn update_profile(conn: &mut Conn, id: i64, patch: ProfilePatch) -> Result<User, AppError> {
    let mut user = get(conn, id).await?;
    patch_field(&mut user.first_name, patch.first_name);
    patch_field(&mut user.last_name, patch.last_name);
    patch_field(&mut user.phone, patch.phone);
    patch_field(&mut user.avatar_url, patch.avatar_url);
    patch_field(&mut user.time_zone, patch.time_zone);
    patch_field(&mut user.reminder_minutes, patch.reminder_minutes);
    let now = now();
    let sql = "update users set first_name = $1, last_name = $2, phone = $3, avatar_url = $4, time_zone = $5,
               reminder_minutes = $6, updated_at = $7 where id = $8";
    on!(conn, c => sqlx::query(sql)
        .bind(&user.first_name).bind(&user.last_name).bind(&user.phone).bind(&user.avatar_url).bind(&user.time_zone)
        .bind(user.reminder_minutes).bind(now).bind(id)
        .execute(c).await?.rows_affected());
    Ok(user)
}

//! Invitations (see `domain/invitation.rs`): stored with the hash of their link's token.

use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;

use super::now;
use crate::domain::invitation::{Invitation, VALID_DAYS};
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

const SELECT: &str = "select i.id, i.email, i.role, coalesce(r.name, i.role) as role_name, i.customer_id,
        case when u.id is null then null else u.first_name || ' ' || u.last_name end as invited_by_name,
        i.created_at, i.expires_at
    from invitations i
    left join roles r on r.organization_id = i.organization_id and r.slug = i.role
    left join users u on u.id = i.invited_by";

#[derive(FromRow)]
struct Row {
    id: i64,
    email: String,
    role: String,
    role_name: String,
    customer_id: Option<i64>,
    invited_by_name: Option<String>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<Row> for Invitation {
    fn from(r: Row) -> Self {
        Invitation {
            id: r.id,
            email: r.email,
            role: r.role,
            role_name: r.role_name,
            customer_id: r.customer_id,
            invited_by_name: r.invited_by_name,
            created_at: r.created_at,
            expires_at: r.expires_at,
        }
    }
}

/// An invitation whose link was followed: where it leads.
#[derive(Debug, Clone, FromRow)]
pub struct Found {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub email: String,
    pub role: String,
    pub customer_id: Option<i64>,
}

/// Invites `email` (a new pending invitation; one pending before for the same address and
/// organization is revoked). Returns its id.
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    email: &str,
    role: &str,
    customer_id: Option<i64>,
    invited_by: i64,
    token_hash: &str,
) -> Result<i64, AppError> {
    let now = now();
    let sql = "update invitations set revoked_at = $1
               where organization_id = $2 and email = $3 and accepted_at is null and revoked_at is null";
    on!(conn, c => sqlx::query(sql).bind(now).bind(org_id).bind(email).execute(c).await?.rows_affected());
    let sql = "insert into invitations (organization_id, email, role, customer_id, token_hash, invited_by, created_at, expires_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
    let expires = now + Duration::days(VALID_DAYS);
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(email).bind(role).bind(customer_id).bind(token_hash).bind(invited_by).bind(now).bind(expires)
        .fetch_one(c).await?))
}

/// The organization's pending invitations (not accepted, revoked or expired), newest first.
pub async fn pending(conn: &mut Conn, org_id: i64) -> Result<Vec<Invitation>, AppError> {
    let sql = format!(
        "{SELECT} where i.organization_id = $1 and i.accepted_at is null and i.revoked_at is null and i.expires_at > $2
         order by i.id desc"
    );
    let now = now();
    let rows = on!(conn, c => sqlx::query_as::<_, Row>(&sql).bind(org_id).bind(now).fetch_all(c).await?);
    Ok(rows.into_iter().map(Invitation::from).collect())
}

/// One pending invitation of the organization.
pub async fn get_pending(conn: &mut Conn, org_id: i64, id: i64) -> Result<Invitation, AppError> {
    let sql = format!(
        "{SELECT} where i.id = $1 and i.organization_id = $2 and i.accepted_at is null and i.revoked_at is null"
    );
    on!(conn, c => sqlx::query_as::<_, Row>(&sql).bind(id).bind(org_id).fetch_optional(c).await?)
        .map(Invitation::from)
        .ok_or(AppError::NotFound)
}

/// A new link (token and 7 days) for a pending invitation.
pub async fn renew(conn: &mut Conn, id: i64, token_hash: &str) -> Result<(), AppError> {
    let sql = "update invitations set token_hash = $1, expires_at = $2 where id = $3";
    let expires = now() + Duration::days(VALID_DAYS);
    on!(conn, c => sqlx::query(sql).bind(token_hash).bind(expires).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn revoke(conn: &mut Conn, id: i64) -> Result<(), AppError> {
    let sql = "update invitations set revoked_at = $1 where id = $2";
    let now = now();
    on!(conn, c => sqlx::query(sql).bind(now).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// The live invitation (pending, not expired) whose link has this token hash.
pub async fn find(conn: &mut Conn, token_hash: &str) -> Result<Option<Found>, AppError> {
    let sql = "select i.id, i.organization_id, o.name as organization_name, i.email, i.role, i.customer_id
               from invitations i join organizations o on o.id = i.organization_id
               where i.token_hash = $1 and i.accepted_at is null and i.revoked_at is null and i.expires_at > $2";
    let now = now();
    Ok(on!(conn, c => sqlx::query_as::<_, Found>(sql).bind(token_hash).bind(now).fetch_optional(c).await?))
}

pub async fn mark_accepted(conn: &mut Conn, id: i64) -> Result<(), AppError> {
    let sql = "update invitations set accepted_at = $1 where id = $2";
    let now = now();
    on!(conn, c => sqlx::query(sql).bind(now).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

//! Roles of an organization, their permissions, and which role each member holds.

use sqlx::FromRow;

use super::now;
use crate::domain::organization::slugify;
use crate::domain::permission;
use crate::domain::role::{Role, RolePatch};
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

#[derive(FromRow)]
struct RoleRow {
    id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    is_system: bool,
    member_count: i64,
}

const SELECT: &str = "select r.id, r.slug, r.name, r.description, r.is_system,
    (select count(*) from memberships m where m.role_id = r.id and m.is_active) as member_count
    from roles r";

async fn with_permissions(conn: &mut Conn, rows: Vec<RoleRow>) -> Result<Vec<Role>, AppError> {
    let mut roles = Vec::with_capacity(rows.len());
    for r in rows {
        let sql = "select permission from role_permissions where role_id = $1 order by permission";
        let permissions = on!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(r.id).fetch_all(c).await?);
        roles.push(Role {
            is_locked: permission::is_locked(&r.slug),
            id: r.id,
            slug: r.slug,
            name: r.name,
            description: r.description,
            is_system: r.is_system,
            permissions,
            member_count: r.member_count,
        });
    }
    Ok(roles)
}

/// Every role of an organization: the system roles first, in their order, then by name.
#[tracing::instrument(skip(conn))]
pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Role>, AppError> {
    let sql = format!("{SELECT} where r.organization_id = $1 order by r.is_system desc, r.id");
    let rows = on!(conn, c => sqlx::query_as::<_, RoleRow>(&sql).bind(org_id).fetch_all(c).await?);
    with_permissions(conn, rows).await
}

/// One role of the organization (404 otherwise).
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, id: i64) -> Result<Role, AppError> {
    let sql = format!("{SELECT} where r.id = $1 and r.organization_id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, RoleRow>(&sql).bind(id).bind(org_id).fetch_optional(c).await?)
        .ok_or(AppError::NotFound)?;
    Ok(with_permissions(conn, vec![row]).await?.remove(0))
}

/// The role of the organization with this slug, if any.
#[tracing::instrument(skip(conn))]
pub async fn by_slug(conn: &mut Conn, org_id: i64, slug: &str) -> Result<Option<Role>, AppError> {
    let sql = format!("{SELECT} where r.slug = $1 and r.organization_id = $2");
    let Some(row) = on!(conn, c => sqlx::query_as::<_, RoleRow>(&sql).bind(slug).bind(org_id).fetch_optional(c).await?)
    else {
        return Ok(None);
    };
    Ok(with_permissions(conn, vec![row]).await?.pop())
}

/// 422 when another role of the organization (other than `except`) has this name, in any case.
async fn check_name_free(conn: &mut Conn, org_id: i64, name: &str, except: Option<i64>) -> Result<(), AppError> {
    let sql = "select count(*) from roles where organization_id = $1 and lower(name) = lower($2) and id <> $3";
    let taken = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(name).bind(except.unwrap_or(0)).fetch_one(c).await?);
    if taken > 0 {
        Err(AppError::field("name", "another role has this name"))
    } else {
        Ok(())
    }
}

/// Creates a custom role with `permissions` (already validated). Its slug comes from the name
/// (`field_sales`), numbered when taken (`field_sales_2`); a name without Latin letters or
/// digits gets `role`, `role_2`, ...
#[tracing::instrument(skip(conn))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    name: &str,
    description: Option<&str>,
    permissions: &[String],
) -> Result<i64, AppError> {
    check_name_free(conn, org_id, name, None).await?;
    let base = if name.chars().any(|c| c.is_ascii_alphanumeric()) {
        slugify(name).replace('-', "_")
    } else {
        "role".to_owned()
    };
    let mut slug = base.clone();
    for n in 2.. {
        let sql = "select count(*) from roles where organization_id = $1 and slug = $2";
        let taken = on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(org_id).bind(&slug).fetch_one(c).await?);
        if taken == 0 {
            break;
        }
        slug = format!("{base}_{n}");
    }
    let sql = "insert into roles (organization_id, slug, name, description, is_system, created_at)
               values ($1, $2, $3, $4, false, $5) returning id";
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&slug).bind(name).bind(description).bind(now())
        .fetch_one(c).await?);
    set_permissions(conn, id, permissions).await?;
    Ok(id)
}

/// Renames or re-describes a role (the slug stays: it is what clients refer to).
#[tracing::instrument(skip(conn))]
pub async fn update(conn: &mut Conn, org_id: i64, id: i64, patch: &RolePatch) -> Result<(), AppError> {
    if let Some(name) = &patch.name {
        check_name_free(conn, org_id, name, Some(id)).await?;
        let sql = "update roles set name = $1 where id = $2 and organization_id = $3";
        on!(conn, c => sqlx::query(sql).bind(name).bind(id).bind(org_id).execute(c).await?.rows_affected());
    }
    if let Some(description) = &patch.description {
        let sql = "update roles set description = $1 where id = $2 and organization_id = $3";
        on!(conn, c => sqlx::query(sql).bind(description).bind(id).bind(org_id).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Deletes a role nobody holds (the caller checked it is a custom role of the organization).
#[tracing::instrument(skip(conn))]
pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let held = on!(conn, c => sqlx::query_scalar::<_, i64>("select count(*) from memberships where role_id = $1")
        .bind(id).fetch_one(c).await?);
    if held > 0 {
        return Err(AppError::Conflict(format!(
            "{held} member(s) hold this role (active or not); give them another role first"
        )));
    }
    on!(conn, c => sqlx::query("delete from roles where id = $1 and organization_id = $2 and not is_system")
        .bind(id).bind(org_id).execute(c).await?.rows_affected());
    Ok(())
}

/// Replaces a role's permissions.
#[tracing::instrument(skip(conn))]
pub async fn set_permissions(conn: &mut Conn, role_id: i64, permissions: &[String]) -> Result<(), AppError> {
    on!(conn, c => sqlx::query("delete from role_permissions where role_id = $1").bind(role_id).execute(c).await?.rows_affected());
    for p in permissions {
        let sql = "insert into role_permissions (role_id, permission) values ($1, $2)";
        on!(conn, c => sqlx::query(sql).bind(role_id).bind(p).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// The role (id, slug) a user holds in an organization, active or not; `None` if no member.
#[tracing::instrument(skip(conn))]
pub async fn of_member(conn: &mut Conn, org_id: i64, user_id: i64) -> Result<Option<(i64, String)>, AppError> {
    let sql = "select r.id, r.slug from memberships m join roles r on r.id = m.role_id
               where m.organization_id = $1 and m.user_id = $2";
    Ok(on!(conn, c => sqlx::query_as::<_, (i64, String)>(sql).bind(org_id).bind(user_id).fetch_optional(c).await?))
}

/// Gives a member another role of the organization.
#[tracing::instrument(skip(conn))]
pub async fn assign(conn: &mut Conn, org_id: i64, user_id: i64, role_id: i64) -> Result<(), AppError> {
    let sql = "update memberships set role_id = $1 where organization_id = $2 and user_id = $3";
    on!(conn, c => sqlx::query(sql).bind(role_id).bind(org_id).bind(user_id).execute(c).await?.rows_affected());
    Ok(())
}

//! `/api/roles/*` and `/api/permissions/list`: the roles of the current organization, what
//! each grants, and who holds which.
//!
//! Reading needs `roles:view`; changing needs `roles:create/edit/delete` (owners and admins).
//! Nobody can grant what they do not hold themselves, touch the owner's role or permissions,
//! or change their own role.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::organization::Member;
use crate::domain::role::{MyPermissions, PermissionGroup, PermissionSet, Role, RoleInput};
use crate::error::AppError;

/// Every permission there is, grouped by resource.
#[server(prefix = "/api", endpoint = "permissions/list", input = GetUrl, output = Json)]
pub async fn list_permissions() -> Result<Vec<PermissionGroup>, AppError> {
    let caller = crate::api::ctx::caller().await?;
    caller.require("roles", "view")?;
    Ok(crate::domain::role::permission_groups())
}

/// The roles of the current organization with their permissions and member counts.
#[server(prefix = "/api", endpoint = "roles/list", input = GetUrl, output = Json)]
pub async fn list_roles() -> Result<Vec<Role>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::roles::list(&mut conn, member.org_id).await
}

/// One role.
#[server(prefix = "/api", endpoint = "roles/get", input = GetUrl, output = Json)]
pub async fn get_role(id: i64) -> Result<Role, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::roles::get(&mut conn, member.org_id, id).await
}

/// The caller's role in the current organization and its permissions (any member).
#[server(prefix = "/api", endpoint = "roles/mine", input = GetUrl, output = Json)]
pub async fn get_my_permissions() -> Result<MyPermissions, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.member()?;
    let mut conn = state.db.read().await?;
    let (role_id, _) =
        repo::roles::of_member(&mut conn, member.org_id, caller.user_id).await?.ok_or(AppError::NotFound)?;
    let role = repo::roles::get(&mut conn, member.org_id, role_id).await?;
    Ok(MyPermissions { role: role.slug, role_name: role.name, permissions: member.permissions.clone() })
}

/// Creates a custom role (`name` required, `description`, `permissions` as
/// `permissions[0]=customers:view&...`, a JSON array or a comma-separated list).
#[server(prefix = "/api", endpoint = "roles/create", input = PostUrl, output = Json)]
pub async fn create_role(
    #[server(flatten)] input: RoleInput,
    #[server(default)] permissions: PermissionSet,
    #[server(default)] next: Option<String>,
) -> Result<Role, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "create")?;
    let (patch, permissions) = ctx::both(input.validate(true), permissions.validate())?;
    rules::may_grant(member, &permissions)?;
    let mut tx = state.db.write().await?;
    let name = patch.name.unwrap_or_default();
    let description = patch.description.flatten();
    let id = repo::roles::create(&mut tx, member.org_id, &name, description.as_deref(), &permissions).await?;
    let role = repo::roles::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(role)
}

/// Renames a role or changes its description; fields not sent stay.
#[server(prefix = "/api", endpoint = "roles/update", input = PostUrl, output = Json)]
pub async fn update_role(
    id: i64,
    #[server(flatten)] input: RoleInput,
    #[server(default)] next: Option<String>,
) -> Result<Role, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "edit")?;
    let patch = input.validate(false)?;
    let mut tx = state.db.write().await?;
    repo::roles::get(&mut tx, member.org_id, id).await?;
    repo::roles::update(&mut tx, member.org_id, id, &patch).await?;
    let role = repo::roles::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(role)
}

/// Deletes a custom role nobody holds; a system role or a held one answers 409.
#[server(prefix = "/api", endpoint = "roles/delete", input = PostUrl, output = Json)]
pub async fn delete_role(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "delete")?;
    let mut tx = state.db.write().await?;
    let role = repo::roles::get(&mut tx, member.org_id, id).await?;
    if role.is_system {
        return Err(AppError::Conflict(format!("{} is a system role and cannot be deleted", role.name)));
    }
    repo::roles::delete(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Replaces a role's permissions with `permissions` (what the matrix page's form sends).
#[server(prefix = "/api", endpoint = "roles/set_permissions", input = PostUrl, output = Json)]
pub async fn set_role_permissions(
    role_id: i64,
    #[server(default)] permissions: PermissionSet,
    #[server(default)] next: Option<String>,
) -> Result<Role, AppError> {
    let permissions = permissions.validate()?;
    let role = rules::change_permissions(role_id, |_| permissions).await?;
    crate::api::ctx::redirect_to(next.as_deref());
    Ok(role)
}

/// Grants one permission (`resource:action`) to a role.
#[server(prefix = "/api", endpoint = "roles/assign_permission", input = PostUrl, output = Json)]
pub async fn assign_permission(role_id: i64, permission: String) -> Result<Role, AppError> {
    let permission =
        PermissionSet(vec![permission]).validate().map_err(|e| e.rename_fields(&[("permissions", "permission")]))?;
    rules::change_permissions(role_id, |current| current.iter().cloned().chain(permission).collect()).await
}

/// Takes one permission (`resource:action`) away from a role.
#[server(prefix = "/api", endpoint = "roles/remove_permission", input = PostUrl, output = Json)]
pub async fn remove_permission(role_id: i64, permission: String) -> Result<Role, AppError> {
    let permission =
        PermissionSet(vec![permission]).validate().map_err(|e| e.rename_fields(&[("permissions", "permission")]))?;
    rules::change_permissions(role_id, |current| current.iter().filter(|p| !permission.contains(p)).cloned().collect())
        .await
}

/// Gives a member of the organization another role (`user_id`, `role_id`).
#[server(prefix = "/api", endpoint = "roles/assign_member", input = PostUrl, output = Json)]
pub async fn assign_member_role(
    user_id: i64,
    role_id: i64,
    #[server(default)] next: Option<String>,
) -> Result<Vec<Member>, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "edit")?;
    let mut tx = state.db.write().await?;
    let role = repo::roles::get(&mut tx, member.org_id, role_id).await.map_err(|e| match e {
        AppError::NotFound => AppError::field("role_id", "is not a role of this organization"),
        e => e,
    })?;
    repo::roles::of_member(&mut tx, member.org_id, user_id).await?.ok_or(AppError::NotFound)?;
    rules::may_assign(&mut tx, &caller, user_id, &role).await.map_err(|e| e.rename_fields(&[("role", "role_id")]))?;
    repo::roles::assign(&mut tx, member.org_id, user_id, role_id).await?;
    if role.slug != crate::domain::permission::CUSTOMER {
        // Staff now: no longer limited to one customer's records, and assignable.
        repo::organizations::bind_customer(&mut tx, member.org_id, user_id, None).await?;
        repo::employees::ensure_for_user(&mut tx, member.org_id, user_id).await?;
    }
    let members = repo::organizations::members(&mut tx, member.org_id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(members)
}

/// The rules every role change follows, shared with `organizations/add_member`.
#[cfg(feature = "ssr")]
pub(crate) mod rules {
    use crate::domain::permission::{self, OWNER};
    use crate::domain::role::Role;
    use crate::error::AppError;
    use crate::server::auth::caller::{Caller, Member};
    use crate::server::db::Conn;
    use crate::server::repo;

    /// Nobody grants a permission they do not hold (an admin cannot make a role that may
    /// delete the organization).
    pub fn may_grant(member: &Member, permissions: &[String]) -> Result<(), AppError> {
        let beyond = permission::beyond(&member.permissions, permissions);
        if beyond.is_empty() {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("you cannot grant what you do not hold: {}", beyond.join(", "))))
        }
    }

    /// Whether the caller may give `user_id` the role `role`: not themselves, not the owner,
    /// not the owner role, nothing beyond the caller's own permissions.
    pub async fn may_assign(conn: &mut Conn, caller: &Caller, user_id: i64, role: &Role) -> Result<(), AppError> {
        let member = caller.member()?;
        if user_id == caller.user_id {
            return Err(AppError::Forbidden("you cannot change your own role".into()));
        }
        if role.slug == OWNER {
            return Err(AppError::field("role", "ownership can only be transferred by the owner"));
        }
        if let Some((_, current)) = repo::roles::of_member(conn, member.org_id, user_id).await? {
            if current == OWNER {
                return Err(AppError::Forbidden("the owner's role cannot be changed".into()));
            }
        }
        may_grant(member, &role.permissions)
    }

    /// Changes a role's permissions to `change(current)`, after the checks: `roles:edit`, the
    /// role is this organization's and not locked, nothing granted beyond the caller's own.
    pub async fn change_permissions(
        role_id: i64,
        change: impl FnOnce(&[String]) -> Vec<String>,
    ) -> Result<Role, AppError> {
        use crate::api::ctx;
        let state = ctx::state()?;
        let caller = ctx::caller().await?;
        let member = caller.require("roles", "edit")?;
        let mut tx = state.db.write().await?;
        let role = repo::roles::get(&mut tx, member.org_id, role_id).await?;
        if permission::is_locked(&role.slug) {
            return Err(AppError::Conflict(format!("the {} role's permissions are fixed", role.name)));
        }
        let mut wanted = change(&role.permissions);
        wanted.sort();
        wanted.dedup();
        let added: Vec<String> = wanted.iter().filter(|p| !role.permissions.contains(p)).cloned().collect();
        may_grant(member, &added)?;
        repo::roles::set_permissions(&mut tx, role.id, &wanted).await?;
        let role = repo::roles::get(&mut tx, member.org_id, role.id).await?;
        tx.commit().await?;
        Ok(role)
    }
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/roles.rs"));

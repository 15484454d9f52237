//! `/api/organizations/*`: the tenants a user belongs to, switching between them, members.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::organization::{AddMemberInput, Member, OrgSummary, Organization, OrganizationInput};
use crate::error::AppError;

/// Organizations the caller is a member of, the current one marked.
#[server(prefix = "/api", endpoint = "organizations/list", input = GetUrl, output = Json)]
pub async fn list_organizations() -> Result<Vec<OrgSummary>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let mut conn = state.db.read().await?;
    let current = caller.member.as_ref().map(|m| m.org_id);
    crate::server::repo::organizations::list_for_user(&mut conn, caller.user_id, current).await
}

/// The current organization.
#[server(prefix = "/api", endpoint = "organizations/mine", input = GetUrl, output = Json)]
pub async fn my_organization() -> Result<Organization, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.member()?;
    let mut conn = state.db.read().await?;
    crate::server::repo::organizations::get(&mut conn, member.org_id).await
}

/// Creates an organization; the caller becomes its owner and it becomes their current one.
#[server(prefix = "/api", endpoint = "organizations/create", input = PostUrl, output = Json)]
pub async fn create_organization(
    #[server(flatten)] input: OrganizationInput,
    #[server(default)] next: Option<String>,
) -> Result<Organization, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let patch = input.validate(true)?;
    crate::server::clock::Zone::check(patch.time_zone.as_deref())?;
    let name = patch.name.clone().unwrap_or_default();
    let mut tx = state.db.write().await?;
    let org_id = repo::organizations::create(&mut tx, &name, caller.user_id).await?;
    let org = repo::organizations::update(&mut tx, org_id, patch).await?;
    repo::tokens::set_organization(&mut tx, caller.token_id, org_id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(org)
}

/// Edits the current organization (needs `organization:edit`); fields not sent stay.
#[server(prefix = "/api", endpoint = "organizations/update", input = PostUrl, output = Json)]
pub async fn update_organization(#[server(flatten)] input: OrganizationInput) -> Result<Organization, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("organization", "edit")?;
    let patch = input.validate(false)?;
    crate::server::clock::Zone::check(patch.time_zone.as_deref())?;
    let mut tx = state.db.write().await?;
    let org = crate::server::repo::organizations::update(&mut tx, member.org_id, patch).await?;
    tx.commit().await?;
    Ok(org)
}

/// Members of the current organization with their roles.
#[server(prefix = "/api", endpoint = "organizations/members", input = GetUrl, output = Json)]
pub async fn list_members() -> Result<Vec<Member>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("employees", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::organizations::members(&mut conn, member.org_id).await
}

/// Adds an existing user (by email) to the current organization with a role (by slug), or
/// changes their role; an address without an account gets an invitation with that role
/// instead (`invitations/create`). Needs `roles:edit`; nobody can be made owner this way, the
/// owner's role and the caller's own cannot change, and no role beyond the caller's own
/// permissions is given.
#[server(prefix = "/api", endpoint = "organizations/add_member", input = PostUrl, output = Json)]
pub async fn add_member(#[server(flatten)] input: AddMemberInput) -> Result<Vec<Member>, AppError> {
    use crate::api::ctx;
    use crate::api::roles::rules;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "edit")?;
    let mut c = crate::domain::validate::Check::new();
    let email = c.email("email", input.email.as_deref());
    if email.is_none() {
        c.add("email", "is required");
    }
    let role = c.required("role", input.role.as_deref(), 50);
    c.finish(())?;
    let email = email.unwrap_or_default();
    let mut tx = state.db.write().await?;
    let role = repo::roles::by_slug(&mut tx, member.org_id, &role)
        .await?
        .ok_or_else(|| AppError::field("role", "is not a role of this organization"))?;
    let Some((user, _)) = repo::users::find_by_email(&mut tx, &email).await? else {
        // Nobody has this address yet: an invitation to join with this role goes out instead.
        crate::api::invitations::invite(&mut tx, &state, &caller, &email, &role.slug, None).await?;
        let members = repo::organizations::members(&mut tx, member.org_id).await?;
        tx.commit().await?;
        return Ok(members);
    };
    rules::may_assign(&mut tx, &caller, user.id, &role).await?;
    repo::organizations::add_member(&mut tx, member.org_id, user.id, &role.slug).await?;
    let members = repo::organizations::members(&mut tx, member.org_id).await?;
    tx.commit().await?;
    Ok(members)
}

/// Makes another organization the caller is a member of their current one.
#[server(prefix = "/api", endpoint = "organizations/switch", input = PostUrl, output = Json)]
pub async fn switch_organization(
    organization_id: i64,
    #[server(default)] next: Option<String>,
) -> Result<OrgSummary, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let mut tx = state.db.write().await?;
    if repo::organizations::membership(&mut tx, caller.user_id, organization_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    repo::tokens::set_organization(&mut tx, caller.token_id, organization_id).await?;
    let summary = repo::organizations::list_for_user(&mut tx, caller.user_id, Some(organization_id))
        .await?
        .into_iter()
        .find(|o| o.is_current)
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(summary)
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/organizations.rs"));

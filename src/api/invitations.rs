//! `/api/invitations/*`: inviting people into the organization by mail. The invitee follows
//! the link (`/invite?token=…`, valid 7 days), chooses a name and a password (or, already a
//! user, accepts after signing in) and lands in the organization with the role they were
//! given. Pending invitations are listed, resent (a new link) and revoked; all need
//! `roles:edit` (listing: `roles:view`).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::invitation::{Invitation, InvitationAccepted, InvitationPreview};
use crate::error::AppError;

/// Invites `email` with `role` (any role of the organization but owner and customer; the
/// portal has its own invitations). 409 for someone already a member.
#[server(prefix = "/api", endpoint = "invitations/create", input = PostUrl, output = Json)]
pub async fn create_invitation(
    #[server(default)] email: Option<String>,
    #[server(default)] role: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Invitation, AppError> {
    use crate::api::ctx;
    use crate::domain::permission::CUSTOMER;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "edit")?;
    let mut c = crate::domain::validate::Check::new();
    let email = c.email("email", email.as_deref());
    if email.is_none() {
        c.add("email", "is required");
    }
    let role = c.required("role", role.as_deref(), 50);
    c.finish(())?;
    if role == CUSTOMER {
        return Err(AppError::field("role", "portal contacts are invited from their customer's page"));
    }
    let mut tx = state.db.write().await?;
    let id = invite(&mut tx, &state, &caller, &email.unwrap_or_default(), &role, None).await?;
    let invitation = repo::invitations::get_pending(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(invitation)
}

/// The organization's pending invitations, newest first.
#[server(prefix = "/api", endpoint = "invitations/list", input = GetUrl, output = Json)]
pub async fn list_invitations() -> Result<Vec<Invitation>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::invitations::pending(&mut conn, member.org_id).await
}

/// Sends a pending invitation again with a new link (the old one stops working), valid 7 days.
#[server(prefix = "/api", endpoint = "invitations/resend", input = PostUrl, output = Json)]
pub async fn resend_invitation(id: i64, #[server(default)] next: Option<String>) -> Result<Invitation, AppError> {
    use crate::api::ctx;
    use crate::server::{auth::token, repo};
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "edit")?;
    let mut tx = state.db.write().await?;
    let invitation = repo::invitations::get_pending(&mut tx, member.org_id, id).await?;
    let raw = token::generate();
    repo::invitations::renew(&mut tx, id, &token::hash(&raw)).await?;
    queue_invitation_mail(&mut tx, &state, &caller, &invitation.email, &invitation.role_name, &raw).await?;
    let invitation = repo::invitations::get_pending(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(invitation)
}

/// Revokes a pending invitation: its link stops working.
#[server(prefix = "/api", endpoint = "invitations/revoke", input = PostUrl, output = Json)]
pub async fn revoke_invitation(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("roles", "edit")?;
    let mut tx = state.db.write().await?;
    repo::invitations::get_pending(&mut tx, member.org_id, id).await?;
    repo::invitations::revoke(&mut tx, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// What an invitation link leads to (anyone holding the link): the organization, the role,
/// and whether the address already has an account. A dead link is a 422 on `token`.
#[server(prefix = "/api", endpoint = "invitations/preview", input = GetUrl, output = Json)]
pub async fn preview_invitation(#[server(default)] token: String) -> Result<InvitationPreview, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let mut conn = state.db.read().await?;
    let found = live(&mut conn, &token).await?;
    let role_name = repo::roles::by_slug(&mut conn, found.organization_id, &found.role)
        .await?
        .map_or_else(|| found.role.clone(), |r| r.name);
    let has_account = repo::users::find_by_email(&mut conn, &found.email).await?.is_some();
    Ok(InvitationPreview { organization_name: found.organization_name, email: found.email, role_name, has_account })
}

/// Accepts an invitation. A new address: `first_name` (required), `last_name`, `password`
/// make the account, and a session starts (cookie, and the token in the answer). An address
/// that has an account: the caller must be signed in as it (else 401, or 403 as someone
/// else); the organization becomes their current one.
#[server(prefix = "/api", endpoint = "invitations/accept", input = PostUrl, output = Json)]
pub async fn accept_invitation(
    #[server(default)] token: String,
    #[server(default)] first_name: Option<String>,
    #[server(default)] last_name: Option<String>,
    #[server(default)] password: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<InvitationAccepted, AppError> {
    use crate::api::ctx;
    use crate::server::{auth::password as pw, repo};
    let state = ctx::state()?;
    let mut conn = state.db.read().await?;
    let found = live(&mut conn, &token).await?;
    let existing = repo::users::find_by_email(&mut conn, &found.email).await?.map(|(user, _)| user.id);
    drop(conn);
    let accepted = match existing {
        Some(user_id) => {
            let caller = ctx::caller()
                .await
                .map_err(|_| AppError::Unauthorized(format!("sign in as {} to accept this invitation", found.email)))?;
            if caller.user_id != user_id {
                return Err(AppError::Forbidden(format!("this invitation is for {}", found.email)));
            }
            let mut tx = state.db.write().await?;
            join(&mut tx, &found, user_id).await?;
            repo::tokens::set_organization(&mut tx, caller.token_id, found.organization_id).await?;
            tx.commit().await?;
            InvitationAccepted { organization_id: found.organization_id, token: None }
        }
        None => {
            let mut c = crate::domain::validate::Check::new();
            let first_name = c.required("first_name", first_name.as_deref(), 100);
            let last_name = c.optional("last_name", last_name.as_deref(), 100);
            let password = c.password("password", password.as_deref());
            c.finish(())?;
            let hash = pw::hash(password).await?;
            let mut tx = state.db.write().await?;
            let user_id =
                repo::users::create(&mut tx, &found.email, &hash, &first_name, last_name.as_deref().unwrap_or(""))
                    .await?;
            join(&mut tx, &found, user_id).await?;
            let session = crate::api::auth::start_session(&mut tx, user_id, Some(found.organization_id)).await?;
            tx.commit().await?;
            InvitationAccepted { organization_id: found.organization_id, token: Some(session.token) }
        }
    };
    ctx::redirect_to(next.as_deref());
    Ok(accepted)
}

/// The live invitation of a link's token, else a 422 on `token`.
#[cfg(feature = "ssr")]
async fn live(
    conn: &mut crate::server::db::Conn,
    token: &str,
) -> Result<crate::server::repo::invitations::Found, AppError> {
    use crate::server::{auth::token as tokens, repo};
    let found = match token.trim() {
        "" => None,
        raw => repo::invitations::find(conn, &tokens::hash(raw)).await?,
    };
    found.ok_or_else(|| AppError::field("token", "this invitation has expired, was revoked or was already used"))
}

/// Makes `user_id` a member as the invitation says (bound to its customer for the portal).
#[cfg(feature = "ssr")]
async fn join(
    tx: &mut crate::server::db::Conn,
    found: &crate::server::repo::invitations::Found,
    user_id: i64,
) -> Result<(), AppError> {
    use crate::server::repo;
    if repo::roles::of_member(tx, found.organization_id, user_id).await?.is_some() {
        return Err(AppError::Conflict("you are already a member of this organization".into()));
    }
    repo::organizations::add_member(tx, found.organization_id, user_id, &found.role).await?;
    if found.customer_id.is_some() {
        repo::organizations::bind_customer(tx, found.organization_id, user_id, found.customer_id).await?;
    }
    repo::invitations::mark_accepted(tx, found.id).await
}

/// Invites `email` with the role `role` (checked: a role of the organization, not the owner,
/// nothing beyond the caller's own permissions; not already a member) in the caller's
/// transaction, and queues the mail. Returns the invitation's id.
#[cfg(feature = "ssr")]
pub(crate) async fn invite(
    tx: &mut crate::server::db::Conn,
    state: &crate::server::state::AppState,
    caller: &crate::server::auth::Caller,
    email: &str,
    role: &str,
    customer_id: Option<i64>,
) -> Result<i64, AppError> {
    use crate::api::roles::rules;
    use crate::domain::permission::OWNER;
    use crate::server::{auth::token, repo};
    let member = caller.member()?;
    let role = repo::roles::by_slug(tx, member.org_id, role)
        .await?
        .ok_or_else(|| AppError::field("role", "is not a role of this organization"))?;
    if role.slug == OWNER {
        return Err(AppError::field("role", "ownership can only be transferred by the owner"));
    }
    rules::may_grant(member, &role.permissions)?;
    if let Some((user, _)) = repo::users::find_by_email(tx, email).await? {
        if repo::roles::of_member(tx, member.org_id, user.id).await?.is_some() {
            return Err(AppError::Conflict("this person is already a member of the organization".into()));
        }
    }
    let raw = token::generate();
    let hash = token::hash(&raw);
    let id =
        repo::invitations::create(tx, member.org_id, email, &role.slug, customer_id, caller.user_id, &hash).await?;
    queue_invitation_mail(tx, state, caller, email, &role.name, &raw).await?;
    Ok(id)
}

#[cfg(feature = "ssr")]
async fn queue_invitation_mail(
    tx: &mut crate::server::db::Conn,
    state: &crate::server::state::AppState,
    caller: &crate::server::auth::Caller,
    email: &str,
    role_name: &str,
    raw_token: &str,
) -> Result<(), AppError> {
    use crate::domain::invitation::VALID_DAYS;
    use crate::domain::mail::Mail;
    use crate::server::{jobs, repo};
    let org_id = caller.member()?.org_id;
    let org = repo::organizations::get(tx, org_id).await?;
    let inviter = repo::users::get(tx, caller.user_id).await?.full_name();
    let link = format!("{}/invite?token={raw_token}", state.config.public_url);
    let mail = Mail::new(
        email,
        None,
        &format!("{inviter} invited you to {} on Too Good CRM", org.name),
        &[
            "Hello,",
            &format!("{inviter} invited you to join {} on Too Good CRM as {role_name}.", org.name),
            &format!("The link below works for {VALID_DAYS} days: choose your name and a password, or sign in if you already have an account."),
        ],
        Some(("Accept the invitation", &link)),
    );
    jobs::queue_mail(tx, &state.config, Some(org_id), mail).await?;
    Ok(())
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/invitations.rs"));

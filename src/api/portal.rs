//! `/api/portal/*`: giving a customer's contact a sign-in to the client portal.
//!
//! A portal member holds the Customer role bound to one customer record: they see only that
//! customer's orders, payments and issues, and raise and comment on issues (`Scope::OfCustomer`).

use leptos::prelude::*;
use leptos::server_fn::codec::{Json, PostUrl};

use crate::domain::invitation::PortalInvite;
use crate::error::AppError;

/// Invites a contact of customer `customer_id` to the portal. An address without an account
/// gets a mail with a link (`/invite?token=…`, 7 days) where the contact chooses their name and
/// password: staff never choose one. An existing user (by email) joins at once and keeps their
/// password. Needs `customers:edit` on that customer and the Customer role's permissions;
/// someone already a member of the organization is 409. `next` may use `{email}` (URL-encoded).
#[server(prefix = "/api", endpoint = "portal/invite", input = PostUrl, output = Json)]
pub async fn invite_portal_user(
    customer_id: i64,
    #[server(default)] email: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<PortalInvite, AppError> {
    use crate::api::ctx;
    use crate::api::roles::rules;
    use crate::domain::permission::CUSTOMER;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "edit")?;
    rules::may_grant(member, &crate::domain::permission::system_role_permissions(CUSTOMER))?;
    let mut c = crate::domain::validate::Check::new();
    let email = c.email("email", email.as_deref());
    if email.is_none() {
        c.add("email", "is required");
    }
    c.finish(())?;
    let email = email.unwrap_or_default();
    let mut tx = state.db.write().await?;
    repo::customers::get(&mut tx, member.org_id, member.scope("customers"), customer_id).await?;
    let member_now = match repo::users::find_by_email(&mut tx, &email).await? {
        Some((user, _)) => {
            if repo::roles::of_member(&mut tx, member.org_id, user.id).await?.is_some() {
                return Err(AppError::Conflict("this person is already a member of the organization".into()));
            }
            repo::organizations::add_member(&mut tx, member.org_id, user.id, CUSTOMER).await?;
            repo::organizations::bind_customer(&mut tx, member.org_id, user.id, Some(customer_id)).await?;
            let members = repo::organizations::members(&mut tx, member.org_id).await?;
            members.into_iter().find(|m| m.user_id == user.id)
        }
        None => {
            crate::api::invitations::invite(&mut tx, &state, &caller, &email, CUSTOMER, Some(customer_id)).await?;
            None
        }
    };
    tx.commit().await?;
    tracing::info!(customer_id, joined = member_now.is_some(), "portal contact invited");
    let encoded: String = url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
    ctx::redirect_to(next.map(|n| n.replace("{email}", &encoded)).as_deref());
    Ok(PortalInvite { email, member: member_now })
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/portal.rs"));

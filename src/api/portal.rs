//! `/api/portal/*`: giving a customer's contact a sign-in to the client portal.
//!
//! A portal member holds the Customer role bound to one customer record: they see only that
//! customer's orders, payments and issues, and raise and comment on issues (`Scope::OfCustomer`).

use leptos::prelude::*;
use leptos::server_fn::codec::{Json, PostUrl};

use crate::domain::organization::Member;
use crate::error::AppError;

/// Invites a contact of customer `customer_id` to the portal. A new user is created with
/// `email`, `first_name`, `last_name` and an initial `password` (passed on to them by you);
/// an existing user (by email) keeps their password and gains the portal membership. Needs
/// `customers:edit` on that customer; someone already a member of the organization is 409.
/// `next` may use `{email}` (URL-encoded).
#[server(prefix = "/api", endpoint = "portal/invite", input = PostUrl, output = Json)]
pub async fn invite_portal_user(
    customer_id: i64,
    #[server(default)] email: Option<String>,
    #[server(default)] first_name: Option<String>,
    #[server(default)] last_name: Option<String>,
    #[server(default)] password: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Member, AppError> {
    use crate::api::ctx;
    use crate::api::roles::rules;
    use crate::domain::permission::CUSTOMER;
    use crate::server::{auth::password as pw, repo};
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "edit")?;
    rules::may_grant(member, &crate::domain::permission::system_role_permissions(CUSTOMER))?;
    let mut c = crate::domain::validate::Check::new();
    let email = c.email("email", email.as_deref());
    if email.is_none() {
        c.add("email", "is required");
    }
    let first_name = c.optional("first_name", first_name.as_deref(), 100);
    let last_name = c.optional("last_name", last_name.as_deref(), 100);
    c.finish(())?;
    let email = email.unwrap_or_default();

    let mut conn = state.db.read().await?;
    repo::customers::get(&mut conn, member.org_id, member.scope("customers"), customer_id).await?;
    let existing = repo::users::find_by_email(&mut conn, &email).await?.map(|(user, _)| user.id);
    drop(conn);
    enum Invitee {
        Existing(i64),
        New { first_name: String, hash: String },
    }
    // A new user needs a name and a password; hashing runs before the write transaction.
    let invitee = match existing {
        Some(id) => Invitee::Existing(id),
        None => {
            let mut c = crate::domain::validate::Check::new();
            let first_name = c.required("first_name", first_name.as_deref(), 100);
            let password = c.password("password", password.as_deref());
            c.finish(())?;
            Invitee::New { first_name, hash: pw::hash(password).await? }
        }
    };
    let mut tx = state.db.write().await?;
    let user_id = match invitee {
        Invitee::Existing(id) => id,
        Invitee::New { first_name, hash } => {
            repo::users::create(&mut tx, &email, &hash, &first_name, last_name.as_deref().unwrap_or("")).await?
        }
    };
    if repo::roles::of_member(&mut tx, member.org_id, user_id).await?.is_some() {
        return Err(AppError::Conflict("this person is already a member of the organization".into()));
    }
    repo::organizations::add_member(&mut tx, member.org_id, user_id, CUSTOMER).await?;
    repo::organizations::bind_customer(&mut tx, member.org_id, user_id, Some(customer_id)).await?;
    let invited = repo::organizations::members(&mut tx, member.org_id)
        .await?
        .into_iter()
        .find(|m| m.user_id == user_id)
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    tracing::info!(user_id, customer_id, "portal member invited");
    let encoded: String = url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
    ctx::redirect_to(next.map(|n| n.replace("{email}", &encoded)).as_deref());
    Ok(invited)
}

//! `/api/tokens/*`: long-lived API tokens for scripts and apps, listed and revoked by their owner.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::auth::{ApiToken, NewApiToken};
use crate::error::AppError;

/// The caller's API tokens (never the secrets).
#[server(prefix = "/api", endpoint = "tokens/list", input = GetUrl, output = Json)]
pub async fn list_tokens() -> Result<Vec<ApiToken>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let mut conn = state.db.read().await?;
    crate::server::repo::tokens::list_api(&mut conn, caller.user_id).await
}

/// Creates an API token bound to the caller's current organization. The secret is in the
/// answer once and never again. `expires_in_days` (1–3650) is optional.
#[server(prefix = "/api", endpoint = "tokens/create", input = PostUrl, output = Json)]
pub async fn create_token(
    #[server(default)] name: String,
    #[server(default)] expires_in_days: Option<String>,
) -> Result<NewApiToken, AppError> {
    use crate::api::ctx;
    use crate::server::{auth::token, repo};
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let mut c = crate::domain::validate::Check::new();
    let name = c.required("name", Some(&name), 100);
    let days = c.int("expires_in_days", expires_in_days.as_deref(), 1, 3650);
    c.finish(())?;
    let raw = token::generate();
    let expires = days.map(|d| repo::now() + chrono::Duration::days(d));
    let org_id = caller.member.as_ref().map(|m| m.org_id);
    let mut tx = state.db.write().await?;
    let id = repo::tokens::create(
        &mut tx,
        caller.user_id,
        org_id,
        repo::tokens::KIND_API,
        &name,
        &token::hash(&raw),
        &token::display_prefix(&raw),
        expires,
    )
    .await?;
    let api_token = repo::tokens::get_api(&mut tx, caller.user_id, id).await?;
    tx.commit().await?;
    Ok(NewApiToken { token: raw, api_token })
}

/// Revokes one of the caller's API tokens (404 when it is not theirs).
#[server(prefix = "/api", endpoint = "tokens/revoke", input = PostUrl, output = Json)]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let mut tx = state.db.write().await?;
    crate::server::repo::tokens::revoke_api(&mut tx, caller.user_id, id).await?;
    tx.commit().await
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/tokens.rs"));

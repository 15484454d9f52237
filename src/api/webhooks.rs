//! `/api/webhooks/*`: the organization's webhook subscriptions, their delivery logs and test
//! events. Reading needs `webhooks:view`; writing `webhooks:create`, `:edit`, `:delete`
//! (the owner and admins have them). Deliveries are described in `docs/api.md` ("Webhooks").

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};
use serde::{Deserialize, Serialize};

use crate::domain::webhook::{DeliveryLog, Webhook, WebhookInput};
use crate::error::AppError;

/// Deliveries per page of a log.
pub const DELIVERIES_PER_PAGE: i64 = 50;

/// The organization's subscriptions, oldest first.
#[server(prefix = "/api", endpoint = "webhooks/list", input = GetUrl, output = Json)]
pub async fn list_webhooks() -> Result<Vec<Webhook>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let member = ctx::caller().await?.require("webhooks", "view")?.clone();
    let mut conn = state.db.read().await?;
    crate::server::repo::webhooks::list(&mut conn, member.org_id).await
}

#[server(prefix = "/api", endpoint = "webhooks/get", input = GetUrl, output = Json)]
pub async fn get_webhook(id: i64) -> Result<Webhook, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let member = ctx::caller().await?.require("webhooks", "view")?.clone();
    let mut conn = state.db.read().await?;
    crate::server::repo::webhooks::get(&mut conn, member.org_id, id).await
}

/// Subscribes `url` to `events` (comma-separated, `*` for all); answers with the secret that
/// signs its deliveries.
#[server(prefix = "/api", endpoint = "webhooks/create", input = PostUrl, output = Json)]
pub async fn create_webhook(
    #[server(flatten)] input: WebhookInput,
    #[server(default)] next: Option<String>,
) -> Result<Webhook, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("webhooks", "create")?;
    let fields = input.apply_to(None)?;
    let secret = format!("whsec_{}", hex::encode(rand::random::<[u8; 24]>()));
    let mut tx = state.db.write().await?;
    let id = repo::webhooks::create(&mut tx, member.org_id, caller.user_id, &fields, &secret).await?;
    let webhook = repo::webhooks::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(webhook)
}

/// Changes a subscription: fields sent replace the stored ones. `active=true` turns one the
/// app had turned off on again. With `version`, a stale update answers 409.
#[server(prefix = "/api", endpoint = "webhooks/update", input = PostUrl, output = Json)]
pub async fn update_webhook(
    id: i64,
    #[server(flatten)] input: WebhookInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Webhook, AppError> {
    use crate::api::ctx;
    use crate::domain::webhook::WebhookFields;
    use crate::server::repo;
    let state = ctx::state()?;
    let member = ctx::caller().await?.require("webhooks", "edit")?.clone();
    let mut tx = state.db.write().await?;
    let current = repo::webhooks::get(&mut tx, member.org_id, id).await?;
    let base = WebhookFields {
        url: current.url,
        description: current.description,
        events: current.events,
        active: current.active,
    };
    let fields = input.apply_to(Some(base))?;
    repo::webhooks::update(&mut tx, member.org_id, id, &fields, version).await?;
    let webhook = repo::webhooks::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(webhook)
}

/// Deletes a subscription and its log; deliveries still queued are dropped.
#[server(prefix = "/api", endpoint = "webhooks/delete", input = PostUrl, output = Json)]
pub async fn delete_webhook(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let member = ctx::caller().await?.require("webhooks", "delete")?.clone();
    let mut tx = state.db.write().await?;
    crate::server::repo::webhooks::delete(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Queues a `webhook.test` event for this subscription alone (whatever its events), delivered
/// like any other; it shows in the log within seconds.
#[server(prefix = "/api", endpoint = "webhooks/test", input = PostUrl, output = Json)]
pub async fn test_webhook(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::{jobs, repo};
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("webhooks", "edit")?;
    let mut tx = state.db.write().await?;
    let webhook = repo::webhooks::get(&mut tx, member.org_id, id).await?;
    if !webhook.active {
        return Err(AppError::field("id", "this webhook is turned off; turn it on to send events to it"));
    }
    let data = serde_json::json!({ "webhook_id": id, "sent_by_user_id": caller.user_id });
    jobs::webhooks::queue(&mut tx, member.org_id, &[id], "webhook.test", &format!("test:{id}"), data).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// One page of a subscription's deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DeliveryPage {
    pub results: Vec<DeliveryLog>,
    pub count: i64,
    pub page: i64,
    pub page_size: i64,
}

/// A subscription's deliveries, newest first, 50 a page (`page`, from 1): each with its event,
/// state (queued, sending, sent, failed), attempts, the receiver's last status and error.
#[server(prefix = "/api", endpoint = "webhooks/deliveries", input = GetUrl, output = Json)]
pub async fn list_webhook_deliveries(
    id: i64,
    #[server(default)] page: Option<String>,
) -> Result<DeliveryPage, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let member = ctx::caller().await?.require("webhooks", "view")?.clone();
    let mut c = crate::domain::validate::Check::new();
    let page = c.int("page", page.as_deref(), 1, 1_000_000).unwrap_or(1);
    c.finish(())?;
    let mut conn = state.db.read().await?;
    crate::server::repo::webhooks::get(&mut conn, member.org_id, id).await?;
    let offset = (page - 1) * DELIVERIES_PER_PAGE;
    let (results, count) =
        crate::server::repo::webhooks::deliveries(&mut conn, member.org_id, id, DELIVERIES_PER_PAGE, offset).await?;
    Ok(DeliveryPage { results, count, page, page_size: DELIVERIES_PER_PAGE })
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/webhooks.rs"));

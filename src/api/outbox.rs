//! `/api/outbox/*`: the mail the app sent, is sending or keeps (without `SMTP_URL`), with
//! each one's state. Needs `outbox:view` (owners and admins).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use crate::domain::list::Page;
use crate::domain::mail::OutboxMail;
use crate::error::AppError;

/// One page of the organization's mail, newest first: `state` (queued, sending, sent,
/// failed) filters; `page`, `page_size`. A mail carrying a secret (a reset link) comes
/// without its text.
#[server(prefix = "/api", endpoint = "outbox/list", input = GetUrl, output = Json)]
pub async fn list_outbox(
    #[server(default)] state: Option<String>,
    #[server(default)] page: Option<String>,
    #[server(default)] page_size: Option<String>,
) -> Result<Page<OutboxMail>, AppError> {
    use crate::api::ctx;
    use crate::domain::list::ListParams;
    use crate::server::{jobs::KIND_MAIL, repo};
    let app = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("outbox", "view")?;
    let mut c = crate::domain::validate::Check::new();
    let filter = c.one_of("state", state.as_deref());
    let params = ListParams::parse(&mut c, page.as_deref(), page_size.as_deref(), None, &["created_at"], true);
    c.finish(())?;
    let mut conn = app.db.read().await?;
    let (rows, count) =
        repo::jobs::list(&mut conn, member.org_id, KIND_MAIL, filter, params.page_size, params.offset()).await?;
    let results = rows.into_iter().map(outbox_mail).collect::<Result<_, _>>()?;
    Ok(ctx::page(results, count, &params))
}

/// One mail of the organization's outbox.
#[server(prefix = "/api", endpoint = "outbox/get", input = GetUrl, output = Json)]
pub async fn get_outbox_mail(id: i64) -> Result<OutboxMail, AppError> {
    use crate::api::ctx;
    use crate::server::{jobs::KIND_MAIL, repo};
    let app = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("outbox", "view")?;
    let mut conn = app.db.read().await?;
    outbox_mail(repo::jobs::get(&mut conn, member.org_id, KIND_MAIL, id).await?)
}

#[cfg(feature = "ssr")]
fn outbox_mail(row: crate::server::repo::jobs::JobListRow) -> Result<OutboxMail, AppError> {
    use crate::domain::mail::Mail;
    let mail: Mail = serde_json::from_str(&row.payload).map_err(|_| AppError::Internal)?;
    Ok(OutboxMail {
        id: row.id,
        state: row.state()?,
        to: mail.to,
        subject: mail.subject,
        attempts: row.attempts,
        last_error: row.last_error,
        created_at: row.created_at,
        run_at: row.run_at,
        finished_at: row.finished_at,
        text: (!mail.secret).then_some(mail.text),
    })
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/outbox.rs"));

//! `/api/issues/*`: support issues, their resolution, comments and figures.
//!
//! Callers without `issues:view_all` see (and may change) only issues assigned to them;
//! anything else answers 404, exactly like another organization's issue.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::issue::{Issue, IssueComment, IssueInput, IssueQuery, IssueStats};
use crate::domain::list::Page;
use crate::error::AppError;

/// One page of issues: `search` (number, title, description), filters `vendor`, `order`,
/// `customer`, `priority`, `category`, `status`, `assigned_to`; `ordering`; `page`, `page_size`.
#[server(prefix = "/api", endpoint = "issues/list", input = GetUrl, output = Json)]
pub async fn list_issues(#[server(flatten)] query: IssueQuery) -> Result<Page<Issue>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "view")?;
    let (filter, params) = query.validate()?;
    let mut conn = state.db.read().await?;
    let (results, count) =
        crate::server::repo::issues::list(&mut conn, member.org_id, member.scope("issues"), &filter, &params).await?;
    Ok(ctx::page(results, count, &params))
}

/// The issues `issues/list` finds (same `search`, filters and `ordering`; every page) as a
/// CSV file.
#[server(prefix = "/api", endpoint = "issues/export", input = GetUrl, output = Csv)]
pub async fn export_issues(#[server(flatten)] query: IssueQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::issue::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "view")?;
    let (filter, params) = query.validate()?;
    let (org_id, scope) = (member.org_id, member.scope("issues"));
    let mut conn = state.db.snapshot().await?;
    crate::api::csv::export("issues", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        Box::pin(async move { crate::server::repo::issues::list(conn, org_id, scope, &filter, &p).await })
    })
    .await
}

/// One issue.
#[server(prefix = "/api", endpoint = "issues/get", input = GetUrl, output = Json)]
pub async fn get_issue(id: i64) -> Result<Issue, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::issues::get(&mut conn, member.org_id, member.scope("issues"), id).await
}

/// Raises an issue with the next `ISS-YYYY-NNNN` number (`title` required; defaults as
/// [`IssueInput`] says). `vendor_id`, `order_id`, `customer_id`, `assigned_to` must be the
/// organization's (422 naming the field).
#[server(prefix = "/api", endpoint = "issues/create", input = PostUrl, output = Json)]
pub async fn create_issue(
    #[server(flatten)] input: IssueInput,
    #[server(default)] next: Option<String>,
) -> Result<Issue, AppError> {
    use crate::api::ctx::{self, Ref};
    use crate::domain::issue::IssueFields;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "create")?;
    let today = chrono::Utc::now().date_naive();
    let mut fields = input.apply_to(IssueFields::default())?;
    if fields.assigned_to.is_none() && !member.can("issues", "view_all") {
        fields.assigned_to = member.employee_id;
    }
    let mut tx = state.db.write().await?;
    if let Some(customer) = member.customer_id {
        portal_issue(&mut tx, member.org_id, customer, &mut fields).await?;
    }
    let refs = [
        ("vendor_id", Ref::Vendor, fields.vendor_id),
        ("order_id", Ref::Order, fields.order_id),
        ("customer_id", Ref::Customer, fields.customer_id),
        ("assigned_to", Ref::Employee, fields.assigned_to),
    ];
    ctx::check_refs(&mut tx, member.org_id, &refs).await?;
    let id = repo::issues::create(&mut tx, member.org_id, caller.user_id, today, &fields).await?;
    let issue = repo::issues::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "issue.created", id, &issue).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(issue)
}

/// Updates an issue: fields sent replace the stored ones. With `version`, a stale update
/// answers 409.
#[server(prefix = "/api", endpoint = "issues/update", input = PostUrl, output = Json)]
pub async fn update_issue(
    id: i64,
    #[server(flatten)] input: IssueInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Issue, AppError> {
    use crate::api::ctx::{self, Ref};
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::issues::get(&mut tx, member.org_id, member.scope("issues"), id).await?;
    let fields = input.apply_to(current.fields.clone())?;
    let changed = |new: Option<i64>, old: Option<i64>| new.filter(|_| new != old);
    let refs = [
        ("vendor_id", Ref::Vendor, changed(fields.vendor_id, current.fields.vendor_id)),
        ("order_id", Ref::Order, changed(fields.order_id, current.fields.order_id)),
        ("customer_id", Ref::Customer, changed(fields.customer_id, current.fields.customer_id)),
        ("assigned_to", Ref::Employee, changed(fields.assigned_to, current.fields.assigned_to)),
    ];
    ctx::check_refs(&mut tx, member.org_id, &refs).await?;
    repo::issues::update(&mut tx, member.org_id, id, caller.user_id, &current.number, &fields, version).await?;
    let issue = repo::issues::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "issue.updated", id, &issue).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(issue)
}

/// Deletes an issue and its comments (needs `issues:delete`).
#[server(prefix = "/api", endpoint = "issues/delete", input = PostUrl, output = Json)]
pub async fn delete_issue(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "delete")?;
    let mut tx = state.db.write().await?;
    let gone = repo::issues::get(&mut tx, member.org_id, member.scope("issues"), id).await?;
    repo::issues::delete(&mut tx, member.org_id, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "issue.deleted", id, &gone).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Resolves an open or in-progress issue (409 otherwise) with optional `resolution_notes`;
/// `resolved_by` (the caller) and `resolved_at` (now) are set by the server.
#[server(prefix = "/api", endpoint = "issues/resolve", input = PostUrl, output = Json)]
pub async fn resolve_issue(
    id: i64,
    #[server(default)] resolution_notes: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Issue, AppError> {
    let notes = crate::domain::issue::validate_resolution_notes(resolution_notes.as_deref())?;
    transition(id, Some(notes), next).await
}

/// Reopens a resolved or closed issue (409 otherwise): status open, resolution cleared.
#[server(prefix = "/api", endpoint = "issues/reopen", input = PostUrl, output = Json)]
pub async fn reopen_issue(id: i64, #[server(default)] next: Option<String>) -> Result<Issue, AppError> {
    transition(id, None, next).await
}

/// Adds a comment (`body`, required) to an issue (needs `issues:create`).
#[server(prefix = "/api", endpoint = "issues/comment", input = PostUrl, output = Json)]
pub async fn add_issue_comment(
    issue_id: i64,
    #[server(default)] body: String,
    #[server(default)] next: Option<String>,
) -> Result<IssueComment, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "create")?;
    let body = crate::domain::issue::validate_comment(Some(&body))?;
    let mut tx = state.db.write().await?;
    repo::issues::get(&mut tx, member.org_id, member.scope("issues"), issue_id).await?;
    let comment = repo::issues::add_comment(&mut tx, member.org_id, issue_id, caller.user_id, &body).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(comment)
}

/// An issue's comments, oldest first.
#[server(prefix = "/api", endpoint = "issues/comments", input = GetUrl, output = Json)]
pub async fn list_issue_comments(issue_id: i64) -> Result<Vec<IssueComment>, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "view")?;
    let mut conn = state.db.read().await?;
    repo::issues::get(&mut conn, member.org_id, member.scope("issues"), issue_id).await?;
    repo::issues::comments(&mut conn, member.org_id, issue_id).await
}

/// Counts by status, priority and category, and the average time to resolve in hours,
/// within the caller's scope.
#[server(prefix = "/api", endpoint = "issues/stats", input = GetUrl, output = Json)]
pub async fn get_issue_stats() -> Result<IssueStats, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::issues::stats(&mut conn, member.org_id, member.scope("issues")).await
}

/// Resolves an issue (`resolution` is `Some(notes)`) or reopens it (`None`).
#[cfg(feature = "ssr")]
async fn transition(id: i64, resolution: Option<Option<String>>, next: Option<String>) -> Result<Issue, AppError> {
    use crate::api::ctx;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("issues", "edit")?;
    let mut tx = state.db.write().await?;
    repo::issues::get(&mut tx, member.org_id, member.scope("issues"), id).await?;
    let resolved = resolution.is_some();
    match resolution {
        Some(notes) => repo::issues::resolve(&mut tx, member.org_id, id, caller.user_id, notes.as_deref()).await?,
        None => repo::issues::reopen(&mut tx, member.org_id, id, caller.user_id).await?,
    }
    let issue = repo::issues::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "issue.updated", id, &issue).await?;
    if resolved {
        crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "issue.resolved", id, &issue).await?;
    }
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(issue)
}

/// A portal member raises issues about their own customer record and, optionally, one of its
/// orders; vendors, assignees and statuses are for staff (422 naming the field).
#[cfg(feature = "ssr")]
async fn portal_issue(
    conn: &mut crate::server::db::Conn,
    org_id: i64,
    customer: i64,
    fields: &mut crate::domain::issue::IssueFields,
) -> Result<(), AppError> {
    use crate::domain::issue::IssueStatus;
    use crate::server::auth::caller::Scope;
    let mut c = crate::domain::validate::Check::new();
    if fields.vendor_id.is_some() {
        c.add("vendor_id", "is set by our staff");
    }
    if fields.assigned_to.is_some() {
        c.add("assigned_to", "is set by our staff");
    }
    if fields.customer_id.is_some_and(|id| id != customer) {
        c.add("customer_id", "must be your own");
    }
    if fields.status != IssueStatus::Open {
        c.add("status", "a new issue is open");
    }
    if let Some(order) = fields.order_id {
        match crate::server::repo::orders::get(conn, org_id, Scope::OfCustomer(customer), order).await {
            Ok(_) => {}
            Err(AppError::NotFound) => c.add("order_id", "is not one of your orders"),
            Err(e) => return Err(e),
        }
    }
    fields.customer_id = Some(customer);
    c.finish(())
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/issues.rs"));

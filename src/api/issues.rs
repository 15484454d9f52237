//! `/api/issues/*`: support issues, their resolution, comments and figures.
//!
//! Callers without `issues:view_all` see (and may change) only issues assigned to them;
//! anything else answers 404, exactly like another organization's issue.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::issue::{Issue, IssueComment, IssueInput, IssueQuery, IssueStats};
use crate::domain::list::Page;
use crate::error::AppError;

/// One page of issues: `search` (number, title, description), filters `vendor`, `order`,
/// `customer`, `priority`, `category`, `status`, `assigned_to`; `ordering`; `page`, `page_size`.
#[server(prefix = "/api", endpoint = "issues/list", input = GetUrl, output = Json)]
pub async fn list_issues(#[server(flatten)] query: IssueQuery) -> Result<Page<Issue>, AppError> {
    let _ = query;
    Err(AppError::Unavailable)
}

/// One issue.
#[server(prefix = "/api", endpoint = "issues/get", input = GetUrl, output = Json)]
pub async fn get_issue(id: i64) -> Result<Issue, AppError> {
    let _ = id;
    Err(AppError::Unavailable)
}

/// Raises an issue with the next `ISS-YYYY-NNNN` number (`title` required; defaults as
/// [`IssueInput`] says). `vendor_id`, `order_id`, `customer_id`, `assigned_to` must be the
/// organization's (422 naming the field).
#[server(prefix = "/api", endpoint = "issues/create", input = PostUrl, output = Json)]
pub async fn create_issue(
    #[server(flatten)] input: IssueInput,
    #[server(default)] next: Option<String>,
) -> Result<Issue, AppError> {
    let _ = (input, next);
    Err(AppError::Unavailable)
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
    let _ = (id, input, version, next);
    Err(AppError::Unavailable)
}

/// Deletes an issue and its comments (needs `issues:delete`).
#[server(prefix = "/api", endpoint = "issues/delete", input = PostUrl, output = Json)]
pub async fn delete_issue(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Resolves an open or in-progress issue (409 otherwise) with optional `resolution_notes`;
/// `resolved_by` (the caller) and `resolved_at` (now) are set by the server.
#[server(prefix = "/api", endpoint = "issues/resolve", input = PostUrl, output = Json)]
pub async fn resolve_issue(
    id: i64,
    #[server(default)] resolution_notes: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Issue, AppError> {
    let _ = (id, resolution_notes, next);
    Err(AppError::Unavailable)
}

/// Reopens a resolved or closed issue (409 otherwise): status open, resolution cleared.
#[server(prefix = "/api", endpoint = "issues/reopen", input = PostUrl, output = Json)]
pub async fn reopen_issue(id: i64, #[server(default)] next: Option<String>) -> Result<Issue, AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Adds a comment (`body`, required) to an issue (needs `issues:create`).
#[server(prefix = "/api", endpoint = "issues/comment", input = PostUrl, output = Json)]
pub async fn add_issue_comment(
    issue_id: i64,
    #[server(default)] body: String,
    #[server(default)] next: Option<String>,
) -> Result<IssueComment, AppError> {
    let _ = (issue_id, body, next);
    Err(AppError::Unavailable)
}

/// An issue's comments, oldest first.
#[server(prefix = "/api", endpoint = "issues/comments", input = GetUrl, output = Json)]
pub async fn list_issue_comments(issue_id: i64) -> Result<Vec<IssueComment>, AppError> {
    let _ = issue_id;
    Err(AppError::Unavailable)
}

/// Counts by status, priority and category, and the average time to resolve in hours,
/// within the caller's scope.
#[server(prefix = "/api", endpoint = "issues/stats", input = GetUrl, output = Json)]
pub async fn get_issue_stats() -> Result<IssueStats, AppError> {
    Err(AppError::Unavailable)
}

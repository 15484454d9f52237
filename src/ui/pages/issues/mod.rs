//! Issues: list, detail (edit, resolve with notes, reopen, comments), create, and the issues
//! section of order, customer and vendor pages.

mod detail;
mod form;
mod list;
mod related;

pub use detail::IssueDetailPage;
pub use form::IssueNewPage;
pub use list::IssueListPage;
pub use related::RelatedIssues;

use crate::domain::issue::{IssuePriority, IssueStatus};

/// CSS class of a status badge.
fn status_class(status: IssueStatus) -> &'static str {
    match status {
        IssueStatus::Open => "badge badge-amber",
        IssueStatus::InProgress => "badge badge-blue",
        IssueStatus::Resolved => "badge badge-green",
        IssueStatus::Closed => "badge badge-grey",
    }
}

/// CSS class of a priority badge.
fn priority_class(priority: IssuePriority) -> &'static str {
    match priority {
        IssuePriority::Low => "badge badge-grey",
        IssuePriority::Medium => "badge badge-blue",
        IssuePriority::High => "badge badge-amber",
        IssuePriority::Urgent => "badge badge-red",
    }
}

//! Issues: support tickets about a vendor, an order or a customer, with comments.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::csv::Column;
use crate::domain::list::ListParams;
use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// How urgent an issue is.
    IssuePriority {
        Low = "low" / "Low",
        Medium = "medium" / "Medium",
        High = "high" / "High",
        Urgent = "urgent" / "Urgent",
    }
);

crate::string_enum!(
    /// What an issue is about.
    IssueCategory {
        Quality = "quality" / "Quality",
        Delivery = "delivery" / "Delivery",
        Billing = "billing" / "Billing",
        Communication = "communication" / "Communication",
        Technical = "technical" / "Technical",
        Other = "other" / "Other",
    }
);

crate::string_enum!(
    /// Where an issue stands. `resolved` is reached only through `issues/resolve`.
    IssueStatus {
        Open = "open" / "Open",
        InProgress = "in_progress" / "In progress",
        Resolved = "resolved" / "Resolved",
        Closed = "closed" / "Closed",
    }
);

impl IssueStatus {
    /// The statuses a create or update may set.
    pub const EDITABLE: &'static [IssueStatus] = &[IssueStatus::Open, IssueStatus::InProgress, IssueStatus::Closed];

    /// Whether `issues/resolve` may resolve an issue in this status.
    pub fn can_resolve(self) -> bool {
        matches!(self, IssueStatus::Open | IssueStatus::InProgress)
    }

    /// Whether `issues/reopen` may reopen an issue in this status.
    pub fn can_reopen(self) -> bool {
        matches!(self, IssueStatus::Resolved | IssueStatus::Closed)
    }
}

/// An issue as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Issue {
    pub id: i64,
    /// `ISS-YYYY-NNNN`, given by the server.
    pub number: String,
    #[serde(flatten)]
    pub fields: IssueFields,
    pub vendor_name: Option<String>,
    pub order_number: Option<String>,
    pub customer_name: Option<String>,
    pub assigned_to_name: Option<String>,
    /// The user who raised it.
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    /// Set by `issues/resolve`, cleared by `issues/reopen`.
    pub resolved_by: Option<i64>,
    pub resolved_by_name: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution_notes: Option<String>,
    pub comment_count: i64,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
}

/// The editable fields of an issue, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct IssueFields {
    pub title: String,
    pub description: Option<String>,
    pub priority: IssuePriority,
    pub category: IssueCategory,
    pub status: IssueStatus,
    pub vendor_id: Option<i64>,
    pub order_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub assigned_to: Option<i64>,
}

impl Default for IssueFields {
    fn default() -> Self {
        IssueFields {
            title: String::new(),
            description: None,
            priority: IssuePriority::Medium,
            category: IssueCategory::Other,
            status: IssueStatus::Open,
            vendor_id: None,
            order_id: None,
            customer_id: None,
            assigned_to: None,
        }
    }
}

impl IssueFields {
    /// What search looks through: number, title and description, lower-cased.
    pub fn search_text(&self, number: &str) -> String {
        [Some(number), Some(self.title.as_str()), self.description.as_deref()]
            .into_iter()
            .flatten()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Create/update input as it arrives (text only). On update, a field that is not sent keeps
/// its value; a field sent empty is cleared. Defaults on create: `priority` medium, `category`
/// other, `status` open. `status` may only be open, in_progress or closed here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct IssueInput {
    pub title: Option<String>,
    pub description: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<IssuePriority>"))]
    pub priority: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<IssueCategory>"))]
    pub category: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<IssueStatus>"))]
    pub status: Option<String>,
    pub vendor_id: Option<String>,
    pub order_id: Option<String>,
    pub customer_id: Option<String>,
    /// Employee id.
    pub assigned_to: Option<String>,
}

impl IssueInput {
    /// Applies this input on top of `base`, validating every field sent. Ids are only checked
    /// for shape here; that they belong to the organization is the server's job.
    pub fn apply_to(&self, mut base: IssueFields) -> Result<IssueFields, AppError> {
        let mut c = Check::new();
        if let Some(v) = self.title.as_deref() {
            base.title = c.required("title", Some(v), 200);
        } else if base.title.is_empty() {
            c.add("title", "is required");
        }
        if let Some(v) = self.description.as_deref() {
            base.description = c.optional("description", Some(v), 10_000);
        }
        if let Some(p) = c.one_of("priority", self.priority.as_deref()) {
            base.priority = p;
        }
        if let Some(v) = c.one_of("category", self.category.as_deref()) {
            base.category = v;
        }
        if let Some(s) = c.one_of::<IssueStatus>("status", self.status.as_deref()) {
            if IssueStatus::EDITABLE.contains(&s) {
                base.status = s;
            } else {
                c.add("status", "use issues/resolve to resolve an issue");
            }
        }
        if let Some(v) = self.vendor_id.as_deref() {
            base.vendor_id = c.id("vendor_id", Some(v));
        }
        if let Some(v) = self.order_id.as_deref() {
            base.order_id = c.id("order_id", Some(v));
        }
        if let Some(v) = self.customer_id.as_deref() {
            base.customer_id = c.id("customer_id", Some(v));
        }
        if let Some(v) = self.assigned_to.as_deref() {
            base.assigned_to = c.id("assigned_to", Some(v));
        }
        c.finish(base)
    }
}

/// Validates resolution notes (optional, at most 10,000 characters).
pub fn validate_resolution_notes(notes: Option<&str>) -> Result<Option<String>, AppError> {
    let mut c = Check::new();
    let notes = c.optional("resolution_notes", notes, 10_000);
    c.finish(notes)
}

/// A comment on an issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct IssueComment {
    pub id: i64,
    pub issue_id: i64,
    /// The user who wrote it.
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Validates the text of a comment.
pub fn validate_comment(body: Option<&str>) -> Result<String, AppError> {
    let mut c = Check::new();
    let body = c.required("body", body, 10_000);
    c.finish(body)
}

/// The columns of an issues export.
pub const CSV_COLUMNS: &[Column<Issue>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("number", |c| c.number),
    crate::col!("title", |c| c.fields.title),
    crate::col!("priority", |c| c.fields.priority.as_str()),
    crate::col!("category", |c| c.fields.category.as_str()),
    crate::col!("status", |c| c.fields.status.as_str()),
    crate::col!("vendor_id", |c| c.fields.vendor_id),
    crate::col!("vendor_name", |c| c.vendor_name),
    crate::col!("order_id", |c| c.fields.order_id),
    crate::col!("order_number", |c| c.order_number),
    crate::col!("customer_id", |c| c.fields.customer_id),
    crate::col!("customer_name", |c| c.customer_name),
    crate::col!("assigned_to", |c| c.fields.assigned_to),
    crate::col!("assigned_to_name", |c| c.assigned_to_name),
    crate::col!("created_by_name", |c| c.created_by_name),
    crate::col!("resolved_by_name", |c| c.resolved_by_name),
    crate::col!("resolved_at", |c| c.resolved_at),
    crate::col!("resolution_notes", |c| c.resolution_notes),
    crate::col!("comment_count", |c| c.comment_count),
    crate::col!("description", |c| c.fields.description),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// Fields an issue list can be ordered by; the first is the default (newest first).
pub const SORTABLE: &[&str] = &["created_at", "number", "title", "priority", "status", "resolved_at", "updated_at"];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct IssueQuery {
    /// Number, title or description contains.
    pub search: Option<String>,
    /// Vendor id.
    pub vendor: Option<String>,
    /// Order id.
    pub order: Option<String>,
    /// Customer id.
    pub customer: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<IssuePriority>"))]
    pub priority: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<IssueCategory>"))]
    pub category: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<IssueStatus>"))]
    pub status: Option<String>,
    /// Employee id.
    pub assigned_to: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated issue list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IssueFilter {
    pub search: Option<String>,
    pub vendor: Option<i64>,
    pub order: Option<i64>,
    pub customer: Option<i64>,
    pub priority: Option<IssuePriority>,
    pub category: Option<IssueCategory>,
    pub status: Option<IssueStatus>,
    pub assigned_to: Option<i64>,
}

impl IssueQuery {
    pub fn validate(&self) -> Result<(IssueFilter, ListParams), AppError> {
        let mut c = Check::new();
        let filter = IssueFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            vendor: c.id("vendor", self.vendor.as_deref()),
            order: c.id("order", self.order.as_deref()),
            customer: c.id("customer", self.customer.as_deref()),
            priority: c.one_of("priority", self.priority.as_deref()),
            category: c.one_of("category", self.category.as_deref()),
            status: c.one_of("status", self.status.as_deref()),
            assigned_to: c.id("assigned_to", self.assigned_to.as_deref()),
        };
        let params = ListParams::parse(
            &mut c,
            self.page.as_deref(),
            self.page_size.as_deref(),
            self.ordering.as_deref(),
            SORTABLE,
            true,
        );
        c.finish((filter, params))
    }
}

/// Issue figures for the organization (within the caller's scope).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct IssueStats {
    pub total: i64,
    /// Open and in progress.
    pub open: i64,
    /// Count per status (every status present).
    pub by_status: BTreeMap<String, i64>,
    /// Count per priority (every priority present).
    pub by_priority: BTreeMap<String, i64>,
    /// Count per category (every category present).
    pub by_category: BTreeMap<String, i64>,
    /// Mean hours from creation to resolution over issues that have been resolved (and not
    /// reopened since), one decimal; `None` when there are none.
    pub average_resolution_hours: Option<Decimal>,
}

/// Mean of `total_seconds` over `n` resolutions, in hours with one decimal (half away from zero).
pub fn average_hours(total_seconds: i64, n: i64) -> Option<Decimal> {
    (n > 0).then(|| {
        (Decimal::from(total_seconds) / Decimal::from(3600) / Decimal::from(n))
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_needs_a_title_and_gets_defaults() {
        let err = IssueInput::default().apply_to(IssueFields::default()).unwrap_err();
        assert!(err.field_error("title").is_some());
        let f =
            IssueInput { title: Some("Late".into()), ..Default::default() }.apply_to(IssueFields::default()).unwrap();
        assert_eq!(
            (f.priority, f.category, f.status),
            (IssuePriority::Medium, IssueCategory::Other, IssueStatus::Open)
        );
    }

    #[test]
    fn resolved_is_an_action_and_enums_are_checked() {
        let input = IssueInput {
            title: Some("T".into()),
            status: Some("resolved".into()),
            priority: Some("asap".into()),
            category: Some("vibes".into()),
            order_id: Some("-1".into()),
            ..Default::default()
        };
        let err = input.apply_to(IssueFields::default()).unwrap_err();
        for f in ["status", "priority", "category", "order_id"] {
            assert!(err.field_error(f).is_some(), "{f}");
        }
    }

    #[test]
    fn average_resolution_time_is_exact_to_one_decimal() {
        assert_eq!(average_hours(0, 0), None);
        assert_eq!(average_hours(3 * 3600 + 1800 + 2 * 3600, 2).unwrap().to_string(), "2.8");
        assert_eq!(average_hours(3600, 3).unwrap().to_string(), "0.3");
    }

    #[test]
    fn comments_must_not_be_blank() {
        assert!(validate_comment(Some("")).is_err());
        assert_eq!(validate_comment(Some(" ok ")).unwrap(), "ok");
    }
}
